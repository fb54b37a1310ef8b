//! The JSON Schemas of the spec formats, generated from the spec model so that an editor completes
//! and validates specs as people type (`# yaml-language-server: $schema=...`).

use crate::GeneratedFile;
use crate::spec::{CommonErrorsSpec, ServiceSpec};

/// Where the service spec schema is written.
pub const SERVICE_SCHEMA_PATH: &str = "specs/spec.schema.json";
/// Where the curation schema is written.
pub const CURATION_SCHEMA_PATH: &str = "specs/curation.schema.json";
/// Where the common error codes schema is written.
pub const COMMON_ERRORS_SCHEMA_PATH: &str = "specs/common-errors.schema.json";

/// Both schema files.
pub fn schema_files() -> Vec<GeneratedFile> {
    vec![
        render(SERVICE_SCHEMA_PATH, schemars::schema_for!(ServiceSpec)),
        render(COMMON_ERRORS_SCHEMA_PATH, schemars::schema_for!(CommonErrorsSpec)),
        render(CURATION_SCHEMA_PATH, schemars::schema_for!(crate::curation::CurationSpec)),
    ]
}

fn render(path: &str, schema: schemars::Schema) -> GeneratedFile {
    let mut value = schema.to_value();
    // JSON has no comments: the header is the schema's own `$comment`, placed first.
    let mut object = serde_json::Map::new();
    object.insert("$comment".to_owned(), crate::emit::HEADER_TEXT.into());
    if let serde_json::Value::Object(fields) = &mut value {
        object.extend(std::mem::take(fields));
    }
    let mut contents = serde_json::to_string_pretty(&serde_json::Value::Object(object)).unwrap_or_default();
    contents.push('\n');
    GeneratedFile { path: path.to_owned(), contents }
}
