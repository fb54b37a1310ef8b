//! tcgen: turns YAML specs of Tencent Cloud API 3.0 actions into a typed Rust client.
//!
//! The pipeline is `load` (YAML to the spec model, with locations) -> `validate` (every problem,
//! located; builds the IR) -> `emit` (quote! and prettyplease) -> a list of [`GeneratedFile`]s.
//! This crate does no I/O: the caller (`cargo xtask codegen`) reads the specs and decides whether
//! to write the files or compare them.

#![forbid(unsafe_code)]

pub mod diagnostic;
pub mod emit;
pub mod ir;
pub mod load;
pub mod location;
pub mod names;
pub mod schema;
pub mod spec;
pub mod validate;

pub use diagnostic::{Diagnostic, Diagnostics};

use rayon::prelude::*;

/// A spec file's path (relative to the workspace, used in messages and headers) and text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecSource {
    /// Path relative to the workspace root, with `/` separators (`specs/services/ssl.yaml`).
    pub path: String,
    /// The YAML text.
    pub text: String,
}

/// A file the generator produces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    /// Path relative to the workspace root, with `/` separators.
    pub path: String,
    /// Full contents, `@generated` header included.
    pub contents: String,
}

/// Loads and validates the common error codes and every service spec, then generates the client
/// crate's files and the spec JSON Schema. Either every file, or every problem in the specs.
pub fn generate(common_errors: &SpecSource, services: &[SpecSource]) -> Result<Vec<GeneratedFile>, Diagnostics> {
    let services = check(common_errors, services)?;
    let mut files = emit::emit(&services);
    files.extend(schema::schema_files());
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// Loads and validates every spec, returning the IR of each service or every problem found.
pub fn check(common_errors: &SpecSource, services: &[SpecSource]) -> Result<Vec<(String, ir::Service)>, Diagnostics> {
    let mut diagnostics = Vec::new();
    let common = load::load_common_errors(&common_errors.path, &common_errors.text, &mut diagnostics)
        .map(|loaded| validate::validate_common_errors(&loaded, &mut diagnostics))
        .unwrap_or_default();
    // Services are independent until the module names are compared: load and validate them on
    // every core.
    let results: Vec<_> = services
        .par_iter()
        .map(|source| {
            let mut found = Vec::new();
            let loaded = load::load_service(&source.path, &source.text, &mut found);
            let service = loaded.as_ref().and_then(|loaded| validate::validate_service(loaded, &common, &mut found));
            (source, loaded, service, found)
        })
        .collect();
    let mut checked = Vec::new();
    let mut modules: std::collections::BTreeMap<String, String> = std::collections::BTreeMap::new();
    for (source, loaded, service, found) in results {
        diagnostics.extend(found);
        let (Some(loaded), Some(service)) = (loaded, service) else { continue };
        if let Some(first) = modules.insert(service.module.clone(), source.path.clone()) {
            let path = vec!["service".to_owned(), "name".to_owned()];
            let mut reporter = load::Reporter::new(&source.path, &loaded.locations, &mut diagnostics);
            let message = format!("module `{}` is also generated from {first}", service.module);
            reporter.at_value(&path, message, "one spec per module; set `service.module` to tell versions apart");
            continue;
        }
        checked.push((source.path.clone(), service));
    }
    if diagnostics.is_empty() {
        Ok(checked)
    } else {
        diagnostics.sort();
        diagnostics.dedup();
        Err(Diagnostics(diagnostics))
    }
}
