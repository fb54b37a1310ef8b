//! `generated/Cargo.toml`: the hand-written template in `generator/templates/` with one cargo
//! feature per service filled in.

use crate::GeneratedFile;
use crate::ir::Service;

const TEMPLATE: &str = include_str!("../../templates/tcapi.Cargo.toml");
const FEATURES_PLACEHOLDER: &str = "# {service features}\n";

/// The manifest of the generated crate.
pub fn cargo_toml<'a>(services: impl Iterator<Item = &'a Service>) -> GeneratedFile {
    let features: String = services
        .map(|service| format!("# {} ({} {})\n{} = []\n", service.title, service.name, service.version, service.module))
        .collect();
    let body = TEMPLATE.replace(FEATURES_PLACEHOLDER, &features);
    GeneratedFile {
        path: format!("{}/Cargo.toml", super::CRATE_DIR),
        contents: format!("# {}\n# Template: generator/templates/tcapi.Cargo.toml\n\n{body}", super::HEADER_TEXT),
    }
}
