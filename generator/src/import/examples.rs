//! Examples from `examples.json`: the JSON body is cut out of the HTTP request text, and an
//! example is kept only when it fits the spec's types, by the same rules the validator applies
//! (an example that does not fit would make the whole spec fail validation).

use std::collections::BTreeSet;

use crate::spec::{EnumRepr, EnumValue, ExampleSpec, FieldSpec, ServiceSpec, StructureSpec};
use indexmap::IndexMap;
use serde_json::Value;

use super::metadata::ApiExample;

/// Parameters every request may carry in its query string; they are not the action's own.
const COMMON_PARAMETERS: &[&str] = &[
    "Action",
    "Version",
    "Region",
    "Timestamp",
    "Nonce",
    "SecretId",
    "Signature",
    "SignatureMethod",
    "Token",
    "Language",
];

/// The largest list index a query-string example may use (a guard against absurd allocations).
const MAX_LIST_INDEX: usize = 10_000;

/// The spec's example for a metadata example, or why there is none. `request` and `structures`
/// are the action's parameters and the service's structures: an example written as a query
/// string (`?Action=X&Ids.0=a`) is turned into its JSON body by their types.
pub fn extract(
    example: &ApiExample,
    index: usize,
    request: &IndexMap<String, FieldSpec>,
    structures: &IndexMap<String, StructureSpec>,
) -> Result<ExampleSpec, String> {
    let title = title(example, index);
    extract_bodies(example, request, structures)
        .map(|(request, response)| ExampleSpec { title: title.clone(), request, response })
        .map_err(|why| format!("example {title:?}: {why}"))
}

/// The example's title, its document when it has none, or `Example <n>`.
fn title(example: &ApiExample, index: usize) -> String {
    [&example.title, &example.document]
        .into_iter()
        .map(|text| super::convert::doc_text(text))
        .find(|text| !text.is_empty())
        .unwrap_or_else(|| format!("Example {}", index + 1))
}

/// The request body and the response, as JSON text that parses.
fn extract_bodies(
    example: &ApiExample,
    request: &IndexMap<String, FieldSpec>,
    structures: &IndexMap<String, StructureSpec>,
) -> Result<(String, String), String> {
    let input = example.input.trim_start();
    let request = if input.starts_with("http://") || input.starts_with("https://") {
        let value = query_to_json(input, request, structures)?;
        let text =
            serde_json::to_string_pretty(&value).map_err(|error| format!("cannot write the request ({error})"))?;
        format!("{text}\n")
    } else {
        let body = request_body(input).ok_or("the request has no JSON body")?;
        let parsed: Value =
            serde_json::from_str(&body).map_err(|error| format!("the request body is not JSON ({error})"))?;
        if !parsed.is_object() {
            return Err("the request body is not a JSON object".to_owned());
        }
        body
    };
    let response = json_text(&example.output);
    serde_json::from_str::<Value>(&response).map_err(|error| format!("the response is not JSON ({error})"))?;
    Ok((request, response))
}

/// The body of an HTTP request written as text: what follows the first blank line, or (some
/// examples have no blank line, or no line breaks at all) from the first `{` on. A text that is
/// JSON already (no request line) is its own body.
fn request_body(http: &str) -> Option<String> {
    let http = http.replace("\r\n", "\n");
    let trimmed = http.trim_start();
    let body = if trimmed.starts_with('{') {
        trimmed
    } else if let Some((_, body)) = http.split_once("\n\n").filter(|(_, body)| !body.trim().is_empty()) {
        body
    } else {
        &http[http.find('{')?..]
    };
    let body = json_text(body);
    (!body.is_empty()).then_some(body)
}

/// The JSON body of an example written as a URL with a query string, the form of API 3.0's GET
/// requests: `List.0=a` is an element of a list, `Filter.Name=x` a member of a structure.
/// Values are converted to the declared types; a key the spec does not declare is an error.
fn query_to_json(
    url: &str,
    request: &IndexMap<String, FieldSpec>,
    structures: &IndexMap<String, StructureSpec>,
) -> Result<Value, String> {
    let (_, query) = url.split_once('?').ok_or("the request URL has no query string")?;
    let mut root = serde_json::Map::new();
    for pair in query.split(['&', '\n']).map(str::trim) {
        // `<Common request parameters>` stands for the signature and friends.
        if pair.is_empty() || pair.starts_with('<') {
            continue;
        }
        let (key, raw) = pair.split_once('=').ok_or_else(|| format!("the query part {pair:?} is not `key=value`"))?;
        if COMMON_PARAMETERS.contains(&key) {
            continue;
        }
        let path: Vec<&str> = key.split('.').collect();
        insert(&mut root, request, structures, &path, &percent_decode(raw))?;
    }
    Ok(Value::Object(root))
}

fn insert(
    object: &mut serde_json::Map<String, Value>,
    fields: &IndexMap<String, FieldSpec>,
    structures: &IndexMap<String, StructureSpec>,
    path: &[&str],
    text: &str,
) -> Result<(), String> {
    let Some((name, rest)) = path.split_first() else { return Err("an empty query key".to_owned()) };
    let field =
        fields.get(*name).ok_or_else(|| format!("the query names `{name}`, which the spec does not declare"))?;
    let slot = object.entry((*name).to_owned()).or_insert(Value::Null);
    if !field.list {
        return set(slot, field, structures, rest, text);
    }
    let (index, rest) = rest
        .split_first()
        .and_then(|(index, rest)| Some((index.parse::<usize>().ok().filter(|i| *i <= MAX_LIST_INDEX)?, rest)))
        .ok_or_else(|| format!("the list `{name}` is not followed by an index"))?;
    if slot.is_null() {
        *slot = Value::Array(Vec::new());
    }
    let items = slot.as_array_mut().ok_or_else(|| format!("`{name}` is given both as a list and otherwise"))?;
    if items.len() <= index {
        items.resize(index + 1, Value::Null);
    }
    set(&mut items[index], field, structures, rest, text)
}

fn set(
    slot: &mut Value,
    field: &FieldSpec,
    structures: &IndexMap<String, StructureSpec>,
    rest: &[&str],
    text: &str,
) -> Result<(), String> {
    if let Some(structure) = structures.get(&field.ty) {
        if slot.is_null() {
            *slot = Value::Object(serde_json::Map::new());
        }
        let object = slot.as_object_mut().ok_or_else(|| format!("a `{}` is given a plain value", field.ty))?;
        return insert(object, &structure.fields, structures, rest, text);
    }
    if !rest.is_empty() {
        return Err(format!("a `{}` value is given members ({})", field.ty, rest.join(".")));
    }
    *slot = match field.ty.as_str() {
        "int64" => text.parse::<i64>().map(Value::from).map_err(|_| format!("{text:?} is not an int64"))?,
        "uint64" => text.parse::<u64>().map(Value::from).map_err(|_| format!("{text:?} is not a uint64"))?,
        "float" => text
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map(Value::Number)
            .ok_or_else(|| format!("{text:?} is not a float"))?,
        "bool" => match text {
            "true" | "TRUE" | "True" => Value::Bool(true),
            "false" | "FALSE" | "False" => Value::Bool(false),
            _ => return Err(format!("{text:?} is not a bool")),
        },
        _ => Value::String(text.to_owned()),
    };
    Ok(())
}

/// `%XX` escapes decoded; text that would not be UTF-8 once decoded is kept as written.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let escaped = (bytes[index] == b'%')
            .then(|| text.get(index + 1..index + 3))
            .flatten()
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match escaped {
            Some(byte) => {
                out.push(byte);
                index += 3;
            }
            None => {
                out.push(bytes[index]);
                index += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_owned())
}

/// JSON text as the spec keeps it: tabs as spaces (a tab can only be whitespace in valid JSON),
/// no trailing blanks, one final newline.
fn json_text(text: &str) -> String {
    let lines: Vec<&str> = text.lines().map(str::trim_end).collect();
    let joined = lines.join("\n").replace('\t', "    ");
    let trimmed = joined.trim();
    if trimmed.is_empty() { String::new() } else { format!("{trimmed}\n") }
}

/// Removes, from the actions named in `imported`, the examples that do not fit the spec's types,
/// and returns a line for each one removed. Examples a person wrote are never touched.
pub fn drop_unfitting(
    spec: &mut ServiceSpec,
    imported: &BTreeSet<String>,
    common: &IndexMap<String, crate::spec::ErrorSpec>,
    label: &str,
) -> Vec<String> {
    let codes = spec.errors.keys().chain(common.keys()).map(String::as_str).collect();
    let checker = Checker { spec, contradicted: None, codes: Some(codes) };
    let mut unfit: Vec<(String, usize, String)> = Vec::new();
    for (name, action) in spec.actions.iter().filter(|(name, _)| imported.contains(*name)) {
        for (index, example) in action.examples.iter().enumerate() {
            if let Err(why) = checker.example(&action.request, &action.response, example) {
                unfit.push((name.clone(), index, format!("{label} {name} example {:?}: {why}", example.title)));
            }
        }
    }
    let mut lines = Vec::new();
    // Back to front, so the indexes still to remove stay valid.
    for (name, index, line) in unfit.into_iter().rev() {
        if let Some(action) = spec.actions.get_mut(&name) {
            action.examples.remove(index);
        }
        lines.push(line);
    }
    lines.reverse();
    lines
}

struct Checker<'a> {
    spec: &'a ServiceSpec,
    /// When set, a string that an enum does not list is not a misfit: the enum's name (and the
    /// value) is collected here instead.
    contradicted: Option<&'a std::cell::RefCell<std::collections::BTreeMap<String, String>>>,
    /// The error codes an example's error may have (the service's and the common ones); any, when `None`.
    codes: Option<BTreeSet<&'a str>>,
}

/// Whether an example's value not in an enum looks like one of its values (so that the list is
/// incomplete) rather than a placeholder (`""`, `"xx"` among upper-case codes, `"\"A\""`): a
/// code in the letter case of the listed values.
fn plausible(value: &str, spec: &crate::spec::EnumSpec) -> bool {
    let code = !value.is_empty() && value.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    let upper = |text: &str| !text.chars().any(|c| c.is_ascii_lowercase());
    let listed_upper = spec.values.iter().all(|listed| matches!(&listed.value, EnumValue::String(text) if upper(text)));
    code && upper(value) == listed_upper
}

/// The enums whose values some example contradicts (a plausible string value the enum does not
/// list), each with the first such value. The documented list was incomplete, or a list of examples.
pub fn contradicted_enums(spec: &ServiceSpec) -> std::collections::BTreeMap<String, String> {
    let found = std::cell::RefCell::new(std::collections::BTreeMap::new());
    let checker = Checker { spec, contradicted: Some(&found), codes: None };
    for action in spec.actions.values() {
        for example in &action.examples {
            let _ = checker.example(&action.request, &action.response, example);
        }
    }
    found.into_inner()
}

/// Which fields are optional: the validator reads `required` and `nullable` by where a field is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Level {
    /// Request parameters: optional unless required.
    Request,
    /// Response fields: optional when nullable.
    Response,
    /// Structure members, in either direction: optional unless required, or when nullable.
    Structure,
}

impl Level {
    fn optional(self, field: &FieldSpec) -> bool {
        match self {
            Self::Request => !field.required,
            Self::Response => field.nullable,
            Self::Structure => !field.required || field.nullable,
        }
    }
}

/// Where a value is: requests must not carry keys the spec does not declare (the request type
/// could not express them); responses may.
#[derive(Debug, Clone, Copy)]
struct Place<'p> {
    level: Level,
    strict: bool,
    at: &'p str,
}

impl Checker<'_> {
    fn example(
        &self,
        request: &IndexMap<String, FieldSpec>,
        response: &IndexMap<String, FieldSpec>,
        example: &ExampleSpec,
    ) -> Result<(), String> {
        let request_json: Value =
            serde_json::from_str(&example.request).map_err(|error| format!("the request is not JSON ({error})"))?;
        let response_json: Value =
            serde_json::from_str(&example.response).map_err(|error| format!("the response is not JSON ({error})"))?;
        self.object(&request_json, request, Place { level: Level::Request, strict: true, at: "request" })?;
        let inner = response_json.get("Response").ok_or("the response has no `Response` object")?;
        if let Some(error) = inner.get("Error") {
            let code = error.get("Code").and_then(Value::as_str).ok_or("the error has no string `Code`")?;
            return match &self.codes {
                Some(codes) if !codes.contains(code) => {
                    Err(format!("the error code `{code}` is neither the service's nor a common code"))
                }
                _ => Ok(()),
            };
        }
        if !inner.get("RequestId").is_some_and(Value::is_string) {
            return Err("the response has no string `RequestId`".to_owned());
        }
        self.object(inner, response, Place { level: Level::Response, strict: false, at: "response" })
    }

    fn object(&self, value: &Value, fields: &IndexMap<String, FieldSpec>, place: Place<'_>) -> Result<(), String> {
        let at = place.at;
        let object = value.as_object().ok_or_else(|| format!("`{at}` is not a JSON object"))?;
        for (key, item) in object {
            match fields.get(key) {
                Some(field) => self.value(item, field, Place { at: &format!("{at}.{key}"), ..place })?,
                None if place.strict => return Err(format!("`{at}` has the unknown key `{key}`")),
                None => {}
            }
        }
        for (key, field) in fields {
            if !place.level.optional(field) && !object.contains_key(key) {
                return Err(format!("`{at}` lacks `{key}`, which is required"));
            }
        }
        Ok(())
    }

    fn value(&self, value: &Value, field: &FieldSpec, place: Place<'_>) -> Result<(), String> {
        if value.is_null() && place.strict {
            // A request leaves out what it does not set; the generated code never writes null.
            return Err(format!("`{}` is null", place.at));
        }
        if value.is_null() && place.level.optional(field) {
            return Ok(());
        }
        if !field.list {
            return self.element(value, field, place);
        }
        let items = value.as_array().ok_or_else(|| format!("`{}` is {}, not a list", place.at, shorten(value)))?;
        items.iter().enumerate().try_for_each(|(index, item)| {
            self.element(item, field, Place { at: &format!("{}[{index}]", place.at), ..place })
        })
    }

    fn element(&self, value: &Value, field: &FieldSpec, place: Place<'_>) -> Result<(), String> {
        if let Some(structure) = self.spec.structures.get(&field.ty) {
            return self.object(value, &structure.fields, Place { level: Level::Structure, ..place });
        }
        let fits = match field.ty.as_str() {
            "string" | "date" | "datetime" | "datetime_iso" => value.is_string(),
            "int64" => value.is_i64(),
            "uint64" => value.is_u64(),
            "bool" => value.is_boolean(),
            "int_bool" => matches!(value.as_u64(), Some(0 | 1)),
            "float" => value.is_number(),
            other => {
                match self.spec.enums.get(other) {
                    Some(spec) if spec.repr == EnumRepr::String && value.is_string() && self.contradicted.is_some() => {
                        let listed = spec.values.iter().any(|listed| matches!(&listed.value, EnumValue::String(a) if Some(a.as_str()) == value.as_str()));
                        if !listed && plausible(value.as_str().unwrap_or_default(), spec) {
                            if let Some(found) = self.contradicted {
                                found
                                    .borrow_mut()
                                    .entry(other.to_owned())
                                    .or_insert_with(|| value.as_str().unwrap_or_default().to_owned());
                            }
                        }
                        true
                    }
                    // The generator takes only listed values in examples.
                    Some(spec) => spec.values.iter().any(|listed| match (&listed.value, value) {
                        (EnumValue::Integer(a), Value::Number(b)) => {
                            spec.repr == EnumRepr::Integer && b.as_i64() == Some(*a)
                        }
                        (EnumValue::String(a), Value::String(b)) => spec.repr == EnumRepr::String && a == b,
                        _ => false,
                    }),
                    None => false,
                }
            }
        };
        if fits { Ok(()) } else { Err(format!("`{}` is {}, not of type `{}`", place.at, shorten(value), field.ty)) }
    }
}

/// A JSON value short enough for a report line.
fn shorten(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() > 40 { format!("{}...", text.chars().take(40).collect::<String>()) } else { text }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_body_is_cut_out_of_the_http_text() {
        let input = "POST / HTTP/1.1\nHost: ssl.tencentcloudapi.com\n<Common request parameters>\n\n{\n\t\"CertId\": \"a\"   \n}";
        assert_eq!(request_body(input).as_deref(), Some("{\n    \"CertId\": \"a\"\n}\n"));
        assert_eq!(request_body("GET /?Action=X HTTP/1.1\nHost: x"), None);
        assert_eq!(
            request_body("POST / HTTP/1.1Host: x<Common request parameters>{\"A\": 1}").as_deref(),
            Some("{\"A\": 1}\n")
        );
    }

    fn field(ty: &str, list: bool) -> FieldSpec {
        FieldSpec {
            ty: ty.into(),
            list,
            required: false,
            nullable: false,
            deprecated: false,
            rust_name: None,
            doc: String::new(),
        }
    }

    #[test]
    fn a_query_string_example_becomes_its_json_body() {
        let structures: IndexMap<String, StructureSpec> = [(
            "Filter".to_owned(),
            StructureSpec {
                doc: String::new(),
                usage: crate::spec::Usage::Both,
                fields: [("Name".to_owned(), field("string", false)), ("Values".to_owned(), field("string", true))]
                    .into_iter()
                    .collect(),
            },
        )]
        .into_iter()
        .collect();
        let request: IndexMap<String, FieldSpec> = [
            ("Limit".to_owned(), field("uint64", false)),
            ("Ids".to_owned(), field("string", true)),
            ("Filters".to_owned(), field("Filter", true)),
        ]
        .into_iter()
        .collect();
        let url = "https://x.tencentcloudapi.com/?Action=DescribeX\n&Limit=10\n&Ids.0=a%20b\n&Filters.0.Name=zone\n&Filters.0.Values.0=z1\n&<Common request parameters>";
        let json = query_to_json(url, &request, &structures);
        assert_eq!(
            json,
            Ok(serde_json::json!({"Limit": 10, "Ids": ["a b"], "Filters": [{"Name": "zone", "Values": ["z1"]}]}))
        );
        let unknown = query_to_json("https://x/?Action=X&Nope=1", &request, &structures);
        assert_eq!(unknown, Err("the query names `Nope`, which the spec does not declare".to_owned()));
    }
}
