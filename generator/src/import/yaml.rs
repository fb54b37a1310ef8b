//! Spec files as text: the leading comments (a file keeps its own), then the spec as serde_yaml
//! writes it, which is deterministic because every map in the model is ordered.

use crate::spec::ServiceSpec;

/// The first line of every spec file: editors validate against the JSON Schema.
pub const SCHEMA_LINE: &str = "# yaml-language-server: $schema=../spec.schema.json";

/// The text of a spec file. `existing` is the file's current text, whose leading comment lines
/// are kept; a new file gets the schema line and a line on where it came from.
pub fn spec_text(spec: &ServiceSpec, existing: Option<&str>) -> Result<String, serde_yaml::Error> {
    let body = quote_version(&serde_yaml::to_string(spec)?, &spec.service.version);
    let kept: Vec<&str> =
        existing.map(|text| text.lines().take_while(|line| line.starts_with('#')).collect()).unwrap_or_default();
    let mut header: Vec<String> = kept.iter().map(|line| (*line).to_owned()).collect();
    if header.iter().all(|line| line == SCHEMA_LINE) {
        header.push(format!(
            "# {} (`{}` {}), imported from Tencent's API metadata by `cargo xtask import`.",
            spec.service.title, spec.service.name, spec.service.version
        ));
        let module = spec.service.module.as_deref().unwrap_or(&spec.service.name);
        header.push(format!(
            "# Machine-owned: `cargo xtask import` rewrites it. Curate in specs/curation/{module}.yaml, then run `cargo xtask codegen`."
        ));
    }
    if header.first().map(String::as_str) != Some(SCHEMA_LINE) {
        header.retain(|line| line != SCHEMA_LINE);
        header.insert(0, SCHEMA_LINE.to_owned());
    }
    Ok(format!("{}\n{body}", header.join("\n")))
}

/// serde_yaml leaves `version: 2019-12-05` unquoted (a string in YAML 1.2); YAML 1.1 tools would
/// read a date, so it is quoted as people write it.
fn quote_version(body: &str, version: &str) -> String {
    let plain = format!("\n  version: {version}\n");
    let quoted = format!("\n  version: \"{version}\"\n");
    if body.starts_with("service:") { body.replacen(&plain, &quoted, 1) } else { body.to_owned() }
}
