//! Reads spec files into the spec model, reporting every structural problem (syntax, unknown keys,
//! wrong types, missing keys) with its location rather than stopping at the first one.
//!
//! serde_yaml stops at the first error of a document, so the loader first reads the document as a
//! `serde_yaml::Value` (syntax and duplicate keys) and then deserializes each entry of each
//! collection on its own, so that one bad parameter does not hide the next.

use serde::de::DeserializeOwned;
use serde_yaml::{Mapping, Value};

use crate::diagnostic::Diagnostic;
use crate::location::{LocationIndex, NodePath, Position};
use crate::spec::{ActionSpec, CommonErrorsSpec, FieldSpec, ServiceInfo, ServiceSpec, StructureSpec};

/// Spec files larger than this are refused before parsing: real specs are well under 2 MiB.
pub const MAX_SPEC_BYTES: usize = 16 * 1024 * 1024;

/// A loaded spec and what is needed to place diagnostics in it.
#[derive(Debug)]
pub struct Loaded<T> {
    /// The file as the caller named it.
    pub file: String,
    /// The model.
    pub spec: T,
    /// Positions of the nodes, for diagnostics found later.
    pub locations: LocationIndex,
    /// Names of entries that could not be read and were left out (`service` when the service
    /// section itself could not be read); their problems are reported already.
    pub broken: std::collections::BTreeSet<String>,
    /// The curation applied to the spec, when it has one: what it sets is reported there.
    pub curation: Option<Curated>,
}

/// The file of a curation and the positions of its nodes.
#[derive(Debug)]
pub struct Curated {
    /// The curation file (`specs/curation/ssl.yaml`).
    pub file: String,
    /// Positions of its nodes.
    pub locations: LocationIndex,
}

/// Collects located diagnostics for one file, or for a spec and its curation: a problem at a node
/// the curation sets is reported in the curation, anything else in the spec.
#[derive(Debug)]
pub struct Reporter<'a> {
    file: &'a str,
    locations: &'a LocationIndex,
    curation: Option<&'a Curated>,
    diagnostics: &'a mut Vec<Diagnostic>,
}

impl<'a> Reporter<'a> {
    /// A reporter writing into `diagnostics`.
    pub fn new(file: &'a str, locations: &'a LocationIndex, diagnostics: &'a mut Vec<Diagnostic>) -> Self {
        Self { file, locations, curation: None, diagnostics }
    }

    /// A reporter for a loaded spec and its curation.
    pub fn for_loaded<T>(loaded: &'a Loaded<T>, diagnostics: &'a mut Vec<Diagnostic>) -> Self {
        Self { file: &loaded.file, locations: &loaded.locations, curation: loaded.curation.as_ref(), diagnostics }
    }

    /// The file and positions that hold the node at `path`: the curation when it sets the node,
    /// or sets it while the spec has no such node (an enum the curation adds); else the spec.
    fn source(&self, path: &[String]) -> (&'a str, &'a LocationIndex) {
        if let Some(curation) = self.curation {
            let in_spec = (1..=path.len()).rev().any(|len| self.locations.defines(&path[..len]));
            let in_curation = (1..=path.len()).rev().find(|len| curation.locations.defines(&path[..*len]));
            if curation.locations.defines(path) || (in_curation.is_some() && !in_spec) {
                return (&curation.file, &curation.locations);
            }
        }
        (self.file, self.locations)
    }

    /// How many problems have been reported so far (in every file).
    pub fn len(&self) -> usize {
        self.diagnostics.len()
    }

    /// Whether nothing has been reported yet.
    pub fn is_empty(&self) -> bool {
        self.diagnostics.is_empty()
    }

    /// Reports a problem with the key (the name) of the node at `path`.
    pub fn at_key(&mut self, path: &[String], message: impl Into<String>, expected: impl Into<String>) {
        let (file, locations) = self.source(path);
        let position = locations.key_position(path);
        self.at(file, position, message, expected);
    }

    /// Reports a problem with the value of the node at `path`.
    pub fn at_value(&mut self, path: &[String], message: impl Into<String>, expected: impl Into<String>) {
        let (file, locations) = self.source(path);
        let position = locations.value_position(path);
        self.at(file, position, message, expected);
    }

    fn at(&mut self, file: &str, position: Position, message: impl Into<String>, expected: impl Into<String>) {
        self.diagnostics.push(Diagnostic {
            file: file.to_owned(),
            position,
            message: message.into(),
            expected: expected.into(),
        });
    }

    /// Deserializes `value` (found at `path`) into `T`, reporting the located error on failure.
    fn deserialize<T: DeserializeOwned>(&mut self, value: Value, path: &[String]) -> Option<T> {
        match serde_path_to_error::deserialize::<_, T>(value) {
            Ok(parsed) => Some(parsed),
            Err(error) => {
                let mut error_path: NodePath = path.to_vec();
                error_path.extend(error.path().iter().filter_map(segment_name));
                let (message, expected) = split_serde_message(&error.inner().to_string());
                // An unknown key is best shown at the key itself.
                match unknown_key(&message) {
                    Some(key) => {
                        let mut key_path = error_path.clone();
                        key_path.push(key);
                        self.at_key(&key_path, message, expected);
                    }
                    None if message.starts_with("missing key") => self.at_key(&error_path, message, expected),
                    None => self.at_value(&error_path, message, expected),
                }
                None
            }
        }
    }

    /// Splits a mapping into its entries, reporting keys that are not strings.
    fn entries(&mut self, mapping: Mapping, path: &[String]) -> Vec<(String, Value)> {
        let mut entries = Vec::with_capacity(mapping.len());
        for (key, value) in mapping {
            match key {
                Value::String(name) => entries.push((name, value)),
                other => {
                    let as_text = serde_yaml::to_string(&other).unwrap_or_default();
                    let key_path = child(path, as_text.trim());
                    self.at_key(&key_path, format!("key {} is not a string", describe(&other)), "a name");
                }
            }
        }
        entries
    }

    /// Takes the mapping at `key` out of `mapping`, reporting it when it is not a mapping.
    fn take_mapping(&mut self, mapping: &mut Mapping, key: &str, path: &[String]) -> Option<Mapping> {
        match mapping.remove(key)? {
            Value::Mapping(inner) => Some(inner),
            Value::Null => Some(Mapping::new()),
            other => {
                self.at_value(
                    &child(path, key),
                    format!("`{key}` is {}", describe(&other)),
                    "a mapping of names to entries",
                );
                None
            }
        }
    }

    /// Deserializes every entry of the mapping at `key` on its own.
    fn map_of<T: DeserializeOwned>(
        &mut self,
        mapping: &mut Mapping,
        key: &str,
        path: &[String],
        mut read: impl FnMut(&mut Self, Value, &[String]) -> Option<T>,
    ) -> indexmap::IndexMap<String, T> {
        let mut out = indexmap::IndexMap::new();
        let Some(inner) = self.take_mapping(mapping, key, path) else { return out };
        let section = child(path, key);
        for (name, value) in self.entries(inner, &section) {
            let entry_path = child(&section, &name);
            if let Some(parsed) = read(self, value, &entry_path) {
                out.insert(name, parsed);
            }
        }
        out
    }
}

fn child(path: &[String], key: &str) -> NodePath {
    let mut out = path.to_vec();
    out.push(key.to_owned());
    out
}

fn segment_name(segment: &serde_path_to_error::Segment) -> Option<String> {
    use serde_path_to_error::Segment;
    match segment {
        Segment::Seq { index } => Some(index.to_string()),
        Segment::Map { key } => Some(key.clone()),
        Segment::Enum { variant } => Some(variant.clone()),
        Segment::Unknown => None,
    }
}

/// Turns serde's `what, expected X` into `(what, expected X)` with spec-friendly words.
fn split_serde_message(message: &str) -> (String, String) {
    let message = message.replace("unknown field", "unknown key").replace("missing field", "missing key");
    if message.starts_with("data did not match any variant of untagged enum EnumValue") {
        return ("invalid enum value".to_owned(), "an integer or a string".to_owned());
    }
    if let Some((what, expected)) = message.split_once(", expected ") {
        let expected = expected.replace("unknown key", "");
        return (what.to_owned(), format!("expected {expected}"));
    }
    if message.starts_with("missing key") {
        return (message, "every entry needs it".to_owned());
    }
    (message, "see specs/README.md".to_owned())
}

/// The key named by an "unknown key `x`" message.
fn unknown_key(message: &str) -> Option<String> {
    let rest = message.strip_prefix("unknown key `")?;
    Some(rest.split('`').next()?.to_owned())
}

/// A short description of a YAML value's kind, for messages.
pub fn describe(value: &Value) -> String {
    match value {
        Value::Null => "empty".to_owned(),
        Value::Bool(flag) => format!("the boolean {flag}"),
        Value::Number(number) => format!("the number {number}"),
        Value::String(text) => format!("the string {text:?}"),
        Value::Sequence(_) => "a list".to_owned(),
        Value::Mapping(_) => "a mapping".to_owned(),
        Value::Tagged(tagged) => format!("a value tagged {}", tagged.tag),
    }
}

/// Parses the document, reporting a syntax error (with serde_yaml's own location) when it has one.
fn parse_document(file: &str, text: &str, diagnostics: &mut Vec<Diagnostic>) -> Option<(Mapping, LocationIndex)> {
    parse_document_as(file, text, diagnostics, "a mapping with `service` and `actions`")
}

/// [`parse_document`], saying what the document must be when it is not a mapping.
fn parse_document_as(
    file: &str,
    text: &str,
    diagnostics: &mut Vec<Diagnostic>,
    wanted: &str,
) -> Option<(Mapping, LocationIndex)> {
    let report = |diagnostics: &mut Vec<Diagnostic>, position: Position, message: String, expected: &str| {
        diagnostics.push(Diagnostic { file: file.to_owned(), position, message, expected: expected.to_owned() });
    };
    if text.len() > MAX_SPEC_BYTES {
        let message = format!("the file is {} bytes", text.len());
        report(diagnostics, Position { line: 1, column: 1 }, message, &format!("at most {MAX_SPEC_BYTES} bytes"));
        return None;
    }
    match serde_yaml::from_str::<Value>(text) {
        Ok(Value::Mapping(mapping)) => Some((mapping, LocationIndex::new(text))),
        Ok(other) => {
            let message = format!("the document is {}", describe(&other));
            report(diagnostics, Position { line: 1, column: 1 }, message, wanted);
            None
        }
        Err(error) => {
            let (position, message, expected) = describe_parse_error(&error, text);
            report(diagnostics, position, message, &expected);
            None
        }
    }
}

/// serde_yaml's error as a located message without its own " at line L column C".
fn describe_parse_error(error: &serde_yaml::Error, text: &str) -> (Position, String, String) {
    let mut position = error
        .location()
        .map(|location| Position { line: location.line(), column: location.column() })
        .unwrap_or(Position { line: 1, column: 1 });
    let mut message = error.to_string();
    if let Some(start) = message.find(" at line ") {
        let tail = &message[start + " at line ".len()..];
        let end = tail.find("column ").map(|column| {
            let digits = tail[column + "column ".len()..].chars().take_while(char::is_ascii_digit).count();
            column + "column ".len() + digits
        });
        if let Some(end) = end {
            message = format!("{}{}", &message[..start], &tail[end..]);
        }
    }
    // serde_yaml prefixes errors found after parsing with the path, `a.b[0].c: `.
    let (path, what) = match message.split_once(": ") {
        Some((path, what)) if !path.contains(' ') => (Some(path.to_owned()), what.to_owned()),
        _ => (None, message.clone()),
    };
    if let Some(key) = what.strip_prefix("duplicate entry with key ") {
        // serde_yaml points at the first occurrence; the second one is the mistake.
        if let Some(second) = LocationIndex::new(text).duplicate_keys().first() {
            position = *second;
        }
        let within = path.map(|path| format!(" in `{path}`")).unwrap_or_default();
        return (position, format!("duplicate key {key}{within}"), "each key once per mapping".to_owned());
    }
    if what.starts_with("invalid type: integer") && (what.contains("as u128") || what.contains("as i128")) {
        let number = what.split('`').nth(1).unwrap_or_default();
        return (
            position,
            format!("integer {number} is out of range"),
            "an integer between -2^63 and 2^64 - 1".to_owned(),
        );
    }
    (position, format!("invalid YAML: {message}"), "well-formed YAML".to_owned())
}

/// The top-level keys of a service spec.
const SERVICE_KEYS: &[&str] = &["service", "errors", "enums", "structures", "actions"];

/// Loads a service spec. Entries that cannot be read are reported and left out, and the rest is
/// returned so that validation can report its own problems in the same run; `broken` names what
/// was left out, so that validation does not report it again as missing.
pub fn load_service(file: &str, text: &str, diagnostics: &mut Vec<Diagnostic>) -> Option<Loaded<ServiceSpec>> {
    let (mut root, locations) = parse_document(file, text, diagnostics)?;
    let mut broken = std::collections::BTreeSet::new();
    let spec = {
        let mut reporter = Reporter::new(file, &locations, diagnostics);
        let root_path: NodePath = Vec::new();
        let service_path = child(&root_path, "service");
        let service = match root.remove("service") {
            Some(value) => reporter.deserialize(value, &service_path),
            None => {
                reporter.at_key(
                    &root_path,
                    "missing key `service`",
                    "a `service` section with name, version, title and endpoints",
                );
                None
            }
        };
        match root.get("actions") {
            None => {
                reporter.at_key(&root_path, "missing key `actions`", "an `actions` section with at least one action")
            }
            Some(Value::Mapping(actions)) if actions.is_empty() => {
                reporter.at_key(&child(&root_path, "actions"), "the spec has no actions", "at least one action");
            }
            Some(Value::Null) => {
                reporter.at_key(&child(&root_path, "actions"), "the spec has no actions", "at least one action")
            }
            Some(_) => {}
        }
        let structure_names = entry_names(&root, "structures");
        let enum_names = entry_names(&root, "enums");
        let structures = reporter.map_of(&mut root, "structures", &root_path, read_structure);
        let enums = reporter.map_of(&mut root, "enums", &root_path, |r, v, p| r.deserialize(v, p));
        let errors = reporter.map_of(&mut root, "errors", &root_path, |r, v, p| r.deserialize(v, p));
        let actions = reporter.map_of(&mut root, "actions", &root_path, read_action);
        broken.extend(structure_names.into_iter().filter(|name| !structures.contains_key(name)));
        broken.extend(enum_names.into_iter().filter(|name| !enums.contains_key(name)));
        for (key, _) in reporter.entries(root, &root_path) {
            let expected =
                format!("one of {}", SERVICE_KEYS.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", "));
            reporter.at_key(&child(&root_path, &key), format!("unknown key `{key}`"), expected);
        }
        let service = service.unwrap_or_else(|| {
            broken.insert("service".to_owned());
            ServiceInfo::default()
        });
        ServiceSpec { service, errors, enums, structures, actions }
    };
    Some(Loaded { file: file.to_owned(), spec, locations, broken, curation: None })
}

/// The top-level keys of a curation.
const CURATION_KEYS: &[&str] = &["service", "errors", "enums", "structures", "actions"];

/// Loads a curation file (`specs/curation/<name>.yaml`), each entry on its own so that every
/// problem is reported; entries that cannot be read are left out.
pub fn load_curation(
    file: &str,
    text: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<(crate::curation::CurationSpec, LocationIndex)> {
    let (mut root, locations) = parse_document_as(
        file,
        text,
        diagnostics,
        "a mapping of `service`, `errors`, `enums`, `structures` and `actions` to curate",
    )?;
    let spec = {
        let mut reporter = Reporter::new(file, &locations, diagnostics);
        let root_path: NodePath = Vec::new();
        let service =
            root.remove("service").and_then(|value| reporter.deserialize(value, &child(&root_path, "service")));
        let errors = reporter.map_of(&mut root, "errors", &root_path, |r, v, p| r.deserialize(v, p));
        let enums = reporter.map_of(&mut root, "enums", &root_path, |r, v, p| r.deserialize(v, p));
        let structures = reporter.map_of(&mut root, "structures", &root_path, |r, v, p| r.deserialize(v, p));
        let actions = reporter.map_of(&mut root, "actions", &root_path, |r, v, p| r.deserialize(v, p));
        for (key, _) in reporter.entries(root, &root_path) {
            let expected =
                format!("one of {}", CURATION_KEYS.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", "));
            reporter.at_key(&child(&root_path, &key), format!("unknown key `{key}`"), expected);
        }
        crate::curation::CurationSpec { service, errors, enums, structures, actions }
    };
    Some((spec, locations))
}

/// The names of the entries of the section `key`, before any is read.
fn entry_names(root: &Mapping, key: &str) -> Vec<String> {
    match root.get(key) {
        Some(Value::Mapping(mapping)) => mapping.keys().filter_map(|k| k.as_str().map(str::to_owned)).collect(),
        _ => Vec::new(),
    }
}

/// Loads the common error codes file.
pub fn load_common_errors(
    file: &str,
    text: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Loaded<CommonErrorsSpec>> {
    let (mut root, locations) = parse_document(file, text, diagnostics)?;
    let before = diagnostics.len();
    let spec = {
        let mut reporter = Reporter::new(file, &locations, diagnostics);
        let root_path: NodePath = Vec::new();
        let errors = reporter.map_of(&mut root, "errors", &root_path, |r, v, p| r.deserialize(v, p));
        root.insert(Value::from("errors"), Value::Mapping(Mapping::new()));
        let shell: Option<CommonErrorsSpec> = reporter.deserialize(Value::Mapping(root), &root_path);
        shell.map(|_| CommonErrorsSpec { errors })
    };
    let broken = std::collections::BTreeSet::new();
    (diagnostics.len() == before).then_some(Loaded {
        file: file.to_owned(),
        spec: spec?,
        locations,
        broken,
        curation: None,
    })
}

fn read_fields(
    reporter: &mut Reporter<'_>,
    mapping: &mut Mapping,
    key: &str,
    path: &[String],
) -> indexmap::IndexMap<String, FieldSpec> {
    reporter.map_of(mapping, key, path, |r, v, p| r.deserialize(v, p))
}

fn read_structure(reporter: &mut Reporter<'_>, value: Value, path: &[String]) -> Option<StructureSpec> {
    let Value::Mapping(mut mapping) = value else {
        return reporter.deserialize(value, path);
    };
    let had_fields = mapping.contains_key("fields");
    let fields = read_fields(reporter, &mut mapping, "fields", path);
    if had_fields {
        mapping.insert(Value::from("fields"), Value::Mapping(Mapping::new()));
    }
    let shell: StructureSpec = reporter.deserialize(Value::Mapping(mapping), path)?;
    Some(StructureSpec { fields, ..shell })
}

fn read_action(reporter: &mut Reporter<'_>, value: Value, path: &[String]) -> Option<ActionSpec> {
    let Value::Mapping(mut mapping) = value else {
        return reporter.deserialize(value, path);
    };
    let request = read_fields(reporter, &mut mapping, "request", path);
    let response = read_fields(reporter, &mut mapping, "response", path);
    let shell: ActionSpec = reporter.deserialize(Value::Mapping(mapping), path)?;
    Some(ActionSpec { request, response, ..shell })
}
