//! Tencent's published metadata as it is on disk: the serde model of `api.json` and
//! `examples.json` (from the `tccli-intl-en` package) and a parser of `errorcodes.py` (from the
//! `tencentcloud-sdk-python-intl-en` package). Nothing here interprets the metadata; `convert`
//! does. Unknown keys are ignored so that a newer package with extra keys still imports.

use indexmap::IndexMap;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::ImportError;

/// `tccli/services/<service>/<version>/api.json`.
#[derive(Debug, Clone, Deserialize)]
pub struct ApiFile {
    /// Who the service is.
    pub metadata: ApiMetadata,
    /// The actions, by name, in the file's order.
    pub actions: IndexMap<String, ApiAction>,
    /// Every object: the request and response of each action, and the data structures.
    pub objects: IndexMap<String, ApiObject>,
}

/// The `metadata` block of `api.json`.
#[derive(Debug, Clone, Deserialize)]
pub struct ApiMetadata {
    /// `YYYY-MM-DD`.
    #[serde(rename = "apiVersion")]
    pub api_version: String,
    /// The service's title; despite the key's name it is English in the international package
    /// for most services, Chinese for some.
    #[serde(rename = "serviceNameCN", default)]
    pub service_title: String,
    /// The endpoint label and signing scope (`ssl`, `as`).
    #[serde(rename = "serviceShortName")]
    pub short_name: String,
}

/// One entry of `actions`.
#[derive(Debug, Clone, Deserialize)]
pub struct ApiAction {
    /// The action's title.
    #[serde(default)]
    pub name: String,
    /// What the action does.
    #[serde(default)]
    pub document: String,
    /// The request object's name (`<Action>Request`).
    pub input: String,
    /// The response object's name (`<Action>Response`).
    pub output: String,
    /// `online`, `deprecated`, or absent (online).
    #[serde(default)]
    pub status: Option<String>,
    /// The request is sent unsigned (two sts actions).
    #[serde(default)]
    pub skip_sign: bool,
}

impl ApiAction {
    /// Whether Tencent has deprecated the action.
    pub fn is_deprecated(&self) -> bool {
        self.status.as_deref() == Some("deprecated")
    }
}

/// Where a data structure is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Usage {
    /// Only in requests.
    In,
    /// Only in responses.
    Out,
    /// In both.
    Both,
}

/// One entry of `objects`.
#[derive(Debug, Clone, Deserialize)]
pub struct ApiObject {
    /// What the object is.
    #[serde(default)]
    pub document: String,
    /// `object` for requests and responses; absent for data structures.
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    /// For data structures: where they are used.
    #[serde(default)]
    pub usage: Option<Usage>,
    /// The members, in order.
    #[serde(default)]
    pub members: Vec<ApiMember>,
}

/// The `type` of a member.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MemberKind {
    /// A string (its `member` says which: string, date, datetime, datetime_iso).
    String,
    /// An integer (its `member` says int64 or uint64).
    Int,
    /// A boolean.
    Bool,
    /// A floating-point number.
    Float,
    /// A list of `member`.
    List,
    /// The object named by `member`.
    Object,
}

/// One member of an object.
#[derive(Debug, Clone, Deserialize)]
pub struct ApiMember {
    /// The wire name.
    pub name: String,
    /// The JSON type.
    #[serde(rename = "type")]
    pub kind: MemberKind,
    /// The element type: a primitive name or an object name.
    pub member: String,
    /// What it means.
    #[serde(default)]
    pub document: String,
    /// Tencent no longer uses it.
    #[serde(default)]
    pub disabled: bool,
    /// Inputs: the caller must set it. (A few members of the real metadata say `1`.)
    #[serde(default, deserialize_with = "flag")]
    pub required: Option<bool>,
    /// Outputs: the server always sends it.
    #[serde(default)]
    pub output_required: Option<bool>,
    /// Outputs: the server may send `null`.
    #[serde(default)]
    pub value_allowed_null: Option<bool>,
    /// A documented example value (a string, or now and then another JSON value).
    #[serde(default)]
    pub example: Option<serde_json::Value>,
}

impl ApiMember {
    /// The example as text (empty when there is none).
    pub fn example_text(&self) -> String {
        match &self.example {
            None | Some(serde_json::Value::Null) => String::new(),
            Some(serde_json::Value::String(text)) => text.clone(),
            Some(other) => other.to_string(),
        }
    }
}

/// A flag written as a boolean, or as the integer 0 or 1.
fn flag<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<bool>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Flag {
        Bool(bool),
        Integer(u64),
    }
    match Option::<Flag>::deserialize(deserializer)? {
        None => Ok(None),
        Some(Flag::Bool(value)) => Ok(Some(value)),
        Some(Flag::Integer(0)) => Ok(Some(false)),
        Some(Flag::Integer(1)) => Ok(Some(true)),
        Some(Flag::Integer(other)) => {
            Err(serde::de::Error::custom(format!("expected a boolean or 0 or 1, found {other}")))
        }
    }
}

/// `tccli/services/<service>/<version>/examples.json`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ExamplesFile {
    /// The examples of each action.
    #[serde(default)]
    pub actions: IndexMap<String, Vec<ApiExample>>,
}

/// One documented example call.
#[derive(Debug, Clone, Deserialize)]
pub struct ApiExample {
    /// Its title.
    #[serde(default)]
    pub title: String,
    /// What it shows.
    #[serde(default)]
    pub document: String,
    /// The HTTP request as text: request line, headers, a blank line, the JSON body.
    #[serde(default)]
    pub input: String,
    /// The JSON response, `{"Response": {...}}`.
    #[serde(default)]
    pub output: String,
}

/// One code of `errorcodes.py`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorCodeEntry {
    /// `FailedOperation.CertificateNotFound`.
    pub code: String,
    /// The English message of the comment above it; empty when Tencent left it empty.
    pub message: String,
}

/// Parses a JSON metadata file; the error names the file and the path inside it.
pub fn parse_json<T: DeserializeOwned>(file: &str, text: &str) -> Result<T, ImportError> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let at = error.path().to_string();
        let inner = error.into_inner();
        let message = if at == "." { inner.to_string() } else { format!("at `{at}`: {inner}") };
        ImportError::Metadata { file: file.to_owned(), message }
    })
}

/// Parses `errorcodes.py`: each `NAME = 'Code.Sub'` line, with the message of the comment lines
/// right above it. A blank line ends a comment, so the license header is never taken for a
/// message. Any other statement is refused, naming the line, rather than guessed at.
pub fn parse_error_codes(file: &str, text: &str) -> Result<Vec<ErrorCodeEntry>, ImportError> {
    let mut entries = Vec::new();
    let mut comment: Vec<&str> = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            comment.clear();
        } else if let Some(text) = line.strip_prefix('#') {
            comment.push(text.trim());
        } else if let Some(code) = assigned_string(line) {
            let message = comment.iter().copied().filter(|part| !part.is_empty()).collect::<Vec<_>>().join(" ");
            entries.push(ErrorCodeEntry { code: code.to_owned(), message });
            comment.clear();
        } else {
            let message = format!("line {}: expected `NAME = 'Code'` or a `#` comment, found {line:?}", index + 1);
            return Err(ImportError::Metadata { file: file.to_owned(), message });
        }
    }
    Ok(entries)
}

/// The string of `NAME = 'value'` (or `"value"`), if the line is such an assignment.
fn assigned_string(line: &str) -> Option<&str> {
    let (name, value) = line.split_once('=')?;
    let name = name.trim();
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return None;
    }
    let value = value.trim();
    let quote = value.chars().next().filter(|c| *c == '\'' || *c == '"')?;
    value.strip_prefix(quote)?.strip_suffix(quote)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_codes_take_the_comment_right_above() {
        let text =
            "# License header\n\n\n# Operation failed.\nFAILEDOPERATION = 'FailedOperation'\n\n# \nX_Y = \"X.Y\"\n";
        let entries = parse_error_codes("errorcodes.py", text).map_err(|error| error.to_string());
        assert_eq!(
            entries,
            Ok(vec![
                ErrorCodeEntry { code: "FailedOperation".into(), message: "Operation failed.".into() },
                ErrorCodeEntry { code: "X.Y".into(), message: String::new() },
            ])
        );
    }

    #[test]
    fn a_statement_that_is_not_an_assignment_is_refused_with_its_line() {
        let error = parse_error_codes("e.py", "# ok\nimport os\n").map(|_| ()).map_err(|error| error.to_string());
        assert_eq!(
            error,
            Err("e.py: line 2: expected `NAME = 'Code'` or a `#` comment, found \"import os\"".to_owned())
        );
    }

    #[test]
    fn a_broken_api_json_names_the_file_and_the_place() {
        let text = r#"{"metadata": {"apiVersion": "2020-01-01", "serviceShortName": "x"}, "actions": {},
            "objects": {"A": {"members": [{"name": "N", "type": "map", "member": "string"}]}}}"#;
        let error = parse_json::<ApiFile>("x/api.json", text).map(|_| ()).map_err(|error| error.to_string());
        let message = error.err().unwrap_or_default();
        assert!(message.starts_with("x/api.json: at `objects.A.members[0].type`: unknown variant `map`"), "{message}");
    }
}
