//! tcgen: turns YAML specs of Tencent Cloud API 3.0 actions into a typed Rust client.
//!
//! The pipeline is `load` (YAML to the spec model, with locations) -> `validate` (every problem,
//! located; lowers to the IR with every Rust name decided in a namespace per scope) -> `emit`
//! (quote! and prettyplease) -> a list of [`GeneratedFile`]s. This crate does no I/O: the caller
//! (`cargo xtask codegen`) reads the specs and decides whether to write the files or compare them.
//!
//! [`import`] turns Tencent's published metadata into specs, as pure functions over the files'
//! texts (`cargo xtask import` reads the wheels and writes the results).

#![forbid(unsafe_code)]

pub mod curation;
pub mod diagnostic;
pub mod emit;
mod examples;
pub mod import;
pub mod ir;
pub mod load;
pub mod location;
pub mod names;
pub mod namespace;
pub mod schema;
pub mod spec;
pub mod validate;

pub use diagnostic::{Diagnostic, Diagnostics};
pub use emit::{EmitError, Layout};

use rayon::prelude::*;

use crate::namespace::{Namespace, Owner};

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

/// Why nothing could be generated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GenerateError {
    /// Problems in the specs, each located.
    Specs(Diagnostics),
    /// A failure of the generator itself.
    Emit(EmitError),
}

impl std::fmt::Display for GenerateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GenerateError::Specs(diagnostics) => diagnostics.fmt(f),
            GenerateError::Emit(error) => error.fmt(f),
        }
    }
}

impl std::error::Error for GenerateError {}

/// Loads and validates the common error codes and every service spec, then generates the client
/// crate's files and the spec JSON Schemas. Either every file, or every problem.
pub fn generate(common_errors: &SpecSource, services: &[SpecSource]) -> Result<Vec<GeneratedFile>, GenerateError> {
    generate_with(common_errors, services, &Layout::default())
}

/// [`generate`] into another layout (the scale run's scratch crate).
pub fn generate_with(
    common_errors: &SpecSource,
    services: &[SpecSource],
    layout: &Layout,
) -> Result<Vec<GeneratedFile>, GenerateError> {
    let krate = check(common_errors, services).map_err(GenerateError::Specs)?;
    let mut files = emit::emit(&krate, layout).map_err(GenerateError::Emit)?;
    files.extend(schema::schema_files());
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// The directory of curation files, relative to the workspace: `specs/curation/<name>.yaml`
/// curates `specs/services/<name>.yaml`.
pub const CURATION_DIR: &str = "specs/curation/";

/// The directory of the corpus of Tencent's published example responses, relative to the
/// workspace: `specs/corpus/<module>.json` (written by `cargo xtask corpus`), and the examples
/// known not to decode, each with why, in `specs/corpus/<module>.failures.json`.
pub const CORPUS_DIR: &str = "specs/corpus";

/// The stem of a spec or curation path (`specs/services/ssl.yaml` -> `ssl`).
fn stem(path: &str) -> &str {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.strip_suffix(".yaml").unwrap_or(name)
}

/// Loads and validates every spec, returning the IR of the crate or every problem found. Among
/// `sources`, those under [`CURATION_DIR`] are curations, each applied to the spec of its name.
pub fn check(common_errors: &SpecSource, sources: &[SpecSource]) -> Result<ir::Crate, Diagnostics> {
    let mut diagnostics = Vec::new();
    let common = load::load_common_errors(&common_errors.path, &common_errors.text, &mut diagnostics)
        .map(|loaded| validate::validate_common_errors(&loaded, &mut diagnostics))
        .unwrap_or_default();
    let (curations, services): (Vec<&SpecSource>, Vec<&SpecSource>) =
        sources.iter().partition(|source| source.path.starts_with(CURATION_DIR));
    for curation in &curations {
        if !services.iter().any(|service| stem(&service.path) == stem(&curation.path)) {
            diagnostics.push(Diagnostic {
                file: curation.path.clone(),
                position: location::Position { line: 1, column: 1 },
                message: format!("no spec `specs/services/{}.yaml` for this curation", stem(&curation.path)),
                expected: "a curation named like the spec it curates".to_owned(),
            });
        }
    }
    // Services are independent until the module names are compared: load and validate them on
    // every core.
    let results: Vec<_> = services
        .par_iter()
        .map(|source| {
            let mut found = Vec::new();
            let mut loaded = load::load_service(&source.path, &source.text, &mut found);
            let curation = curations.iter().find(|curation| stem(&curation.path) == stem(&source.path));
            if let (Some(loaded), Some(curation)) = (loaded.as_mut(), curation) {
                if let Some((patch, locations)) = load::load_curation(&curation.path, &curation.text, &mut found) {
                    let curated = load::Curated { file: curation.path.clone(), locations };
                    let mut reporter = load::Reporter::new(&curated.file, &curated.locations, &mut found);
                    curation::apply(&mut loaded.spec, patch, &mut reporter);
                    loaded.curation = Some(curated);
                }
            }
            let service = loaded.as_ref().and_then(|loaded| validate::validate_service(loaded, &common, &mut found));
            (loaded, service, found)
        })
        .collect();
    // The crate's root: a module per service, named like its cargo feature.
    let mut modules = Namespace::with_reserved(
        "in the crate (a module and a cargo feature)",
        namespace::CRATE_ROOT_MODULES,
        "a name the crate's root or generated code uses",
    );
    let reserved_features = emit::manifest::reserved_features();
    let reserved_features: Vec<&str> = reserved_features.iter().map(String::as_str).collect();
    modules.reserve(&reserved_features, "a feature or dependency of the manifest template");
    let mut checked = Vec::new();
    for (loaded, service, found) in results {
        diagnostics.extend(found);
        let (Some(loaded), Some(service)) = (loaded, service) else { continue };
        let key = if loaded.spec.service.module.is_some() { "module" } else { "name" };
        let path = vec!["service".to_owned(), key.to_owned()];
        let owner = Owner::Spec { path: path.clone(), description: format!("the module of {}", loaded.file) };
        if let Err(clash) = modules.claim(&service.module, "the name", owner) {
            let mut reporter = load::Reporter::for_loaded(&loaded, &mut diagnostics);
            let message = clash.message(&format!("service `{}`", service.name));
            reporter.at_value(&path, message, "one spec per module; set `service.module` to tell versions apart");
            continue;
        }
        checked.push(service);
    }
    if diagnostics.is_empty() {
        Ok(ir::Crate { common_errors: common, services: checked })
    } else {
        diagnostics.sort();
        diagnostics.dedup();
        Err(Diagnostics(diagnostics))
    }
}
