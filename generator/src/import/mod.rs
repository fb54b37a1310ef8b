//! Importing Tencent's published API metadata: pure functions from the metadata's file texts to
//! spec texts, review lists, corpus files and reports. No file is read or written here; `cargo
//! xtask import` (and `corpus`, `scale`) read the wheels and write what these return.
//!
//! One module, one job: [`metadata`] (the files' format), [`names`] (modules, titles, structure
//! names), [`convert`] (metadata -> spec), [`examples`], [`paginate`] and [`enums`] (the parts
//! of the conversion with rules of their own), [`diff`] (the drift check), [`review`] (the
//! review list of inferred enums), [`corpus`] (the response corpus), [`yaml`] (spec files as
//! text), [`report`] (what is printed). The rules are documented in `xtask/IMPORT.md`.
//!
//! Provenance: what comes from the metadata is machine-owned. [`import_version`] makes the whole
//! spec from the metadata, and the caller writes it over `specs/services/<module>.yaml` (keeping
//! only the file's leading comments); what people decide lives in `specs/curation/<module>.yaml`,
//! which the import never writes and [`curation_problems`] checks against the new spec.

pub mod convert;
pub mod corpus;
pub mod diff;
pub mod enums;
pub mod examples;
pub mod metadata;
pub mod names;
pub mod paginate;
pub mod report;
pub mod review;
pub mod yaml;

use std::collections::BTreeSet;
use std::fmt;

use indexmap::IndexMap;

use self::convert::ServiceMetadata;
use self::report::Notes;
use crate::spec::{CommonErrorsSpec, ErrorSpec, ServiceSpec};
use crate::{Diagnostic, SpecSource};

/// What went wrong. Each names the file it concerns and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportError {
    /// A metadata file is broken: `file` is how the caller named it (`<package>!<path inside>`).
    Metadata { file: String, message: String },
    /// A spec file (or the common error codes) cannot be read as the spec model.
    Spec { file: String, message: String },
    /// What was asked for cannot be done (no such service, an empty package).
    Usage(String),
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Metadata { file, message } | Self::Spec { file, message } => write!(f, "{file}: {message}"),
            Self::Usage(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for ImportError {}

/// Where the command-line tool's package keeps each service version's files.
pub const API_PREFIX: &str = "tccli/services/";
/// Where the SDK package keeps each service version's error codes.
pub const ERRORS_PREFIX: &str = "tencentcloud/";

/// A metadata file's text and how messages name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetadataFile {
    /// `<wheel>!tccli/services/ssl/v20191205/api.json`.
    pub label: String,
    /// The text.
    pub text: String,
}

/// The files of one service version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionFiles {
    /// The package directory (`ssl`, `autoscaling`).
    pub package: String,
    /// The version directory (`v20191205`).
    pub version_dir: String,
    /// `api.json`.
    pub api: MetadataFile,
    /// `examples.json`, when the package has one.
    pub examples: Option<MetadataFile>,
    /// `errorcodes.py` of the SDK package, when it has one.
    pub error_codes: Option<MetadataFile>,
}

/// Parses one service version's files.
pub fn parse_version(files: &VersionFiles) -> Result<ServiceMetadata, ImportError> {
    let api: metadata::ApiFile = metadata::parse_json(&files.api.label, &files.api.text)?;
    let examples = match &files.examples {
        Some(file) => metadata::parse_json(&file.label, &file.text)?,
        None => metadata::ExamplesFile::default(),
    };
    let error_codes = match &files.error_codes {
        Some(file) => Some(metadata::parse_error_codes(&file.label, &file.text)?),
        None => None,
    };
    Ok(ServiceMetadata {
        package: files.package.clone(),
        version_dir: files.version_dir.clone(),
        api,
        api_label: files.api.label.clone(),
        examples,
        error_codes,
    })
}

/// What the naming rule needs of a parsed version.
pub fn summary(metadata: &ServiceMetadata) -> names::VersionSummary {
    names::VersionSummary {
        package: metadata.package.clone(),
        version_dir: metadata.version_dir.clone(),
        short_name: metadata.api.metadata.short_name.clone(),
        actions: metadata.api.actions.len(),
    }
}

/// The common error codes (`specs/common/errors.yaml`): the text, for validating, and the codes.
#[derive(Debug, Clone)]
pub struct CommonErrors {
    /// The file as read.
    pub source: SpecSource,
    /// Its codes.
    pub errors: IndexMap<String, ErrorSpec>,
}

impl CommonErrors {
    /// Reads the common error codes.
    pub fn parse(source: SpecSource) -> Result<Self, ImportError> {
        let spec: CommonErrorsSpec = serde_yaml::from_str(&source.text).map_err(|error| ImportError::Spec {
            file: source.path.clone(),
            message: format!("cannot be read as common error codes: {error}"),
        })?;
        Ok(CommonErrors { source, errors: spec.errors })
    }
}

/// The path of a module's spec, relative to the workspace (`specs/services/ssl.yaml`).
pub fn spec_path(module: &str) -> String {
    format!("specs/services/{module}.yaml")
}

/// The path of a module's curation (`specs/curation/ssl.yaml`).
pub fn curation_path(module: &str) -> String {
    format!("{}{module}.yaml", crate::CURATION_DIR)
}

/// The path of a module's review list (`specs/review/ssl.md`).
pub fn review_path(module: &str) -> String {
    format!("specs/review/{module}.md")
}

/// One service version made into a spec.
#[derive(Debug, Clone)]
pub struct Imported {
    /// The module (`ssl`, `clb_20230417`).
    pub module: String,
    /// The spec, everything in it from the metadata.
    pub spec: ServiceSpec,
    /// The enums inferred from the docs (all in `spec.enums`).
    pub enums: Vec<enums::InferredEnum>,
    /// What the conversion had to do.
    pub notes: Notes,
    /// The validator's problems with the spec on its own (none, unless the generator refuses
    /// something the importer made; every one is a bug of the importer).
    pub validation: Vec<String>,
}

impl Imported {
    /// The spec file's text, keeping the leading comment lines of `existing` (the file's text now).
    pub fn spec_text(&self, existing: Option<&str>) -> Result<String, ImportError> {
        yaml::spec_text(&self.spec, existing).map_err(|error| ImportError::Spec {
            file: spec_path(&self.module),
            message: format!("cannot be written as YAML: {error}"),
        })
    }

    /// The review list's text.
    pub fn review_text(&self) -> String {
        review::review_text(&self.spec, &self.enums)
    }
}

/// Makes the spec of one service version: converts it, leaves out the examples that do not fit
/// the spec's types, and checks the result with the validator. An inferred enum whose name the
/// validator refuses is renamed (`...Value`), and left out when that does not help.
pub fn import_version(
    metadata: &ServiceMetadata,
    plan: &names::ModulePlan,
    common: &CommonErrors,
) -> Result<Imported, ImportError> {
    let short_name = &metadata.api.metadata.short_name;
    let label = plan.module.clone();
    let mut conversion = convert::convert(metadata, plan.spec_module(short_name), &common.errors)?;
    if metadata.error_codes.is_none() {
        conversion.notes.gaps.push(format!(
            "{label}: the SDK package has no errorcodes.py for this version; only the common error codes apply"
        ));
    }
    // An example with a value an inferred enum does not list shows the list is not the whole set.
    for (name, value) in examples::contradicted_enums(&conversion.spec) {
        if let Some(index) = conversion.enums.iter().position(|inferred| inferred.name == name) {
            let inferred = conversion.enums.remove(index);
            revert_enum(&mut conversion.spec, &inferred.name, None);
            conversion.notes.unsupported.push(format!(
                "{label}: enum {name} is left out: an example has the value {value:?}, which the docs do not list"
            ));
        }
    }
    // Members of one name that spell a value in different letter case: the spelling is in doubt.
    while let Some((index, first, second)) = conversion.enums.iter().enumerate().find_map(|(index, inferred)| {
        enums::case_conflict(inferred).map(|(first, second)| (index, first.to_owned(), second.to_owned()))
    }) {
        let inferred = conversion.enums.remove(index);
        revert_enum(&mut conversion.spec, &inferred.name, None);
        conversion.notes.unsupported.push(format!(
            "{label}: enum {} is left out: its members list {first:?} and {second:?}, which differ only in letter case",
            inferred.name
        ));
    }
    let all: BTreeSet<String> = conversion.spec.actions.keys().cloned().collect();
    let dropped = examples::drop_unfitting(&mut conversion.spec, &all, &common.errors, &label);
    conversion.notes.examples_dropped.extend(dropped);
    let mut imported = Imported {
        module: plan.module.clone(),
        spec: conversion.spec,
        enums: conversion.enums,
        notes: conversion.notes,
        validation: Vec::new(),
    };
    for attempt in 0..4 {
        let problems = validate(common, &imported)?;
        if problems.is_empty() {
            break;
        }
        let named: Vec<usize> = (0..imported.enums.len())
            .filter(|index| {
                problems.iter().any(|problem| problem.message.contains(&format!("`{}`", imported.enums[*index].name)))
            })
            .collect();
        if attempt == 3 || named.is_empty() {
            imported.validation = problems.iter().map(ToString::to_string).collect();
            break;
        }
        for index in named {
            let old = imported.enums[index].name.clone();
            let new = if attempt == 2 { None } else { Some(format!("{old}Value")) };
            rename_enum(&mut imported, index, new);
        }
    }
    for enumeration in &imported.enums {
        let members: BTreeSet<&str> = enumeration.uses.iter().map(|(_, member, _)| member.as_str()).collect();
        let members: Vec<&str> = members.into_iter().collect();
        imported.notes.enums.push(format!(
            "{label}: enum {} ({} values) for {}",
            enumeration.name,
            enumeration.values.len(),
            members.join(", ")
        ));
    }
    for (name, action) in &imported.spec.actions {
        if let Some(paginate) = &action.paginate {
            imported.notes.paginators.push(format!("{label} {name}: pages through `{}`", paginate.items));
        }
    }
    Ok(imported)
}

/// Renames inferred enum `index` to `new`, or (`None`) removes it and gives its members back
/// their string type.
fn rename_enum(imported: &mut Imported, index: usize, new: Option<String>) {
    let old = imported.enums[index].name.clone();
    let Some(enum_spec) = revert_enum(&mut imported.spec, &old, new.as_deref()) else { return };
    let spec = &mut imported.spec;
    match new {
        Some(new) => {
            spec.enums.insert(new.clone(), enum_spec);
            imported.enums[index].name = new;
        }
        None => {
            let removed = imported.enums.remove(index);
            imported
                .notes
                .unsupported
                .push(format!("{}: enum {} is left out: the validator refuses it", imported.module, removed.name));
        }
    }
}

/// Removes enum `old` from `spec` and types its members `new` (another enum's name) or, when
/// `None`, `string` again. Returns the removed enum.
fn revert_enum(spec: &mut ServiceSpec, old: &str, new: Option<&str>) -> Option<crate::spec::EnumSpec> {
    let removed = spec.enums.shift_remove(old)?;
    let replacement = new.unwrap_or("string");
    let fields = spec.structures.values_mut().flat_map(|structure| structure.fields.values_mut()).chain(
        spec.actions.values_mut().flat_map(|action| action.request.values_mut().chain(action.response.values_mut())),
    );
    for field in fields {
        if field.ty == old {
            field.ty = replacement.to_owned();
        }
    }
    Some(removed)
}

/// The validator's problems with an imported spec on its own.
fn validate(common: &CommonErrors, imported: &Imported) -> Result<Vec<Diagnostic>, ImportError> {
    let text = imported.spec_text(None)?;
    let source = SpecSource { path: spec_path(&imported.module), text };
    Ok(match crate::check(&common.source, &[source]) {
        Ok(_) => Vec::new(),
        Err(diagnostics) => diagnostics.0,
    })
}

/// The problems of a spec together with its curation (`None`: the module has none), as the
/// generator reports them: a curation entry that no longer applies (a parameter removed
/// upstream) is a problem located in the curation.
pub fn curation_problems(
    common: &CommonErrors,
    module: &str,
    spec_text: &str,
    curation: Option<&str>,
) -> Vec<Diagnostic> {
    let mut sources = vec![SpecSource { path: spec_path(module), text: spec_text.to_owned() }];
    if let Some(curation) = curation {
        sources.push(SpecSource { path: curation_path(module), text: curation.to_owned() });
    }
    match crate::check(&common.source, &sources) {
        Ok(_) => Vec::new(),
        Err(diagnostics) => diagnostics.0,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    /// A one-action service (`X`) whose request and response have these members
    /// (`Name:type`, or `Name:list:Type` with `Item` a structure), converted.
    pub(crate) fn snippet(request: &[&str], response: &[&str]) -> ServiceSpec {
        let members = |list: &[&str]| -> Vec<serde_json::Value> {
            list.iter()
                .map(|member| {
                    let parts: Vec<&str> = member.split(':').collect();
                    let (kind, element) = match parts.as_slice() {
                        [_, "list", element] => ("list", *element),
                        [_, "string"] => ("string", "string"),
                        [_, "bool"] => ("bool", "bool"),
                        [_, element] => ("int", *element),
                        _ => ("string", "string"),
                    };
                    serde_json::json!({"name": parts[0], "type": kind, "member": element, "document": "d", "output_required": true})
                })
                .collect()
        };
        let mut response = members(response);
        response.push(serde_json::json!({"name": "RequestId", "type": "string", "member": "string", "document": "id"}));
        let api = serde_json::json!({
            "metadata": {"apiVersion": "2020-01-01", "serviceShortName": "demo", "serviceNameCN": "Demo"},
            "actions": {"X": {"name": "X", "document": "X.", "input": "XRequest", "output": "XResponse"}},
            "objects": {
                "XRequest": {"type": "object", "members": members(request)},
                "XResponse": {"type": "object", "members": response},
                "Item": {"usage": "out", "members": [{"name": "Id", "type": "string", "member": "string", "document": "id"}]}
            }
        });
        let files = VersionFiles {
            package: "demo".into(),
            version_dir: "v20200101".into(),
            api: MetadataFile { label: "api.json".into(), text: api.to_string() },
            examples: None,
            error_codes: None,
        };
        let metadata = parse_version(&files).unwrap();
        convert::convert(&metadata, None, &IndexMap::new()).unwrap().spec
    }
}
