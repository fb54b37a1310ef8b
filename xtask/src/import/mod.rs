//! `cargo xtask import`: creates and updates the YAML specs from Tencent's published API
//! metadata, never overwriting what people curated, and reports every difference.
//!
//! One module, one job: [`source`] (reading a wheel or a directory), [`metadata`] (the files'
//! format), [`names`] (the naming rules), [`convert`] (metadata -> spec), [`examples`] and
//! [`paginate`] (the parts of the conversion with rules of their own), [`merge`] (into a curated
//! spec), [`yaml`] (spec files as text), [`report`] (what is printed). The rules are documented
//! in `xtask/IMPORT.md`.

pub mod convert;
pub mod examples;
pub mod merge;
pub mod metadata;
pub mod names;
pub mod paginate;
pub mod report;
pub mod source;
pub mod yaml;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use tcgen::spec::{CommonErrorsSpec, ErrorSpec, ServiceSpec};

use self::convert::ServiceMetadata;
use self::report::{Counts, Difference, Notes, Outcome, ServiceReport, Severity};
use self::source::PackageFiles;

/// Where the command-line tool's package keeps each service version's files.
const API_PREFIX: &str = "tccli/services/";
/// Where the SDK package keeps each service version's error codes.
const ERRORS_PREFIX: &str = "tencentcloud/";

/// What went wrong. Each names the file it concerns and what is wrong with it.
#[derive(Debug)]
pub enum ImportError {
    /// A file or directory could not be read or written.
    Io { path: PathBuf, error: io::Error },
    /// A package is not a readable wheel.
    Archive { path: PathBuf, message: String },
    /// A metadata file is broken: `file` is `<package>!<path inside>`.
    Metadata { file: String, message: String },
    /// A spec file (or the common error codes) cannot be read as the spec model.
    Spec { path: PathBuf, message: String },
    /// What was asked for cannot be done (no such service, an empty package).
    Usage(String),
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Io { path, error } => write!(f, "{}: {error}", path.display()),
            Self::Archive { path, message } => write!(f, "{}: {message}", path.display()),
            Self::Metadata { file, message } => write!(f, "{file}: {message}"),
            Self::Spec { path, message } => write!(f, "{}: {message}", path.display()),
            Self::Usage(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for ImportError {}

/// Which service versions to import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    /// Every version of one service, by package directory (`autoscaling`) or short name (`as`).
    Service(String),
    /// Every service version in the package.
    All,
}

/// The command's options.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// The `tccli-intl-en` wheel, or the directory where it was unpacked.
    pub from: PathBuf,
    /// The `tencentcloud-sdk-python-intl-en` wheel or directory; `from` when not given.
    pub errors: Option<PathBuf>,
    pub selection: Selection,
    /// The directory of spec files (`specs/services`).
    pub out: PathBuf,
    /// The common error codes (`specs/common/errors.yaml`).
    pub common_errors: PathBuf,
    /// Write nothing; report whether each spec lags the metadata.
    pub check: bool,
    /// Run the validator on each spec written, and report its problems.
    pub validate: bool,
}

/// Imports the selected service versions, returning a report for each, in package order.
pub fn run(options: &ImportOptions) -> Result<Vec<ServiceReport>, ImportError> {
    let mut api_package = PackageFiles::open(&options.from)?;
    let errors_package = PackageFiles::open(options.errors.as_deref().unwrap_or(&options.from))?;
    let api_files = api_package.service_versions(API_PREFIX, "api.json");
    if api_files.is_empty() {
        return Err(ImportError::Usage(format!(
            "{}: no {API_PREFIX}<service>/<version>/api.json inside; is it the tccli-intl-en wheel (or where it was unpacked)?",
            options.from.display()
        )));
    }
    let error_files = errors_package.service_versions(ERRORS_PREFIX, "errorcodes.py");
    let (common_text, common) = read_common_errors(&options.common_errors)?;

    let selected = select(&mut api_package, &api_files, &options.selection)?;
    let mut newest: BTreeMap<&str, &str> = BTreeMap::new();
    for (package, version) in api_files.keys() {
        let entry = newest.entry(package.as_str()).or_insert(version.as_str());
        if version.as_str() > *entry {
            *entry = version.as_str();
        }
    }

    let jobs: Vec<((String, String), bool)> = selected
        .into_iter()
        .map(|key| {
            let is_newest = newest.get(key.0.as_str()) == Some(&key.1.as_str());
            (key, is_newest)
        })
        .collect();
    let context = Context { options, common: &common, common_text: &common_text };
    // Reading and converting one service version touches no file: every core takes its share,
    // each with its own handle on the packages. The first error in package order is the one
    // reported, as when they were done one by one.
    let prepared = in_parallel(
        jobs,
        || (api_package.clone(), errors_package.clone()),
        |(api_package, errors_package), (key, is_newest)| {
            let metadata = read_service(api_package, errors_package, &api_files, &error_files, &key)?;
            prepare(&context, metadata, is_newest)
        },
    );
    let prepared: Vec<Prepared> = prepared.into_iter().collect::<Result<_, _>>()?;
    // Writing is independent too unless two service versions map to the same spec file: then the
    // later merges into what the earlier wrote, so everything is done in order.
    let files: BTreeSet<&PathBuf> = prepared.iter().map(|prepared| &prepared.file).collect();
    let reports = if files.len() == prepared.len() {
        in_parallel(prepared, || (), |(), prepared| finish(&context, prepared))
    } else {
        prepared.into_iter().map(|prepared| finish(&context, prepared)).collect()
    };
    reports.into_iter().collect()
}

/// `work` applied to every item, on as many threads as there are cores, results in item order.
/// `state` makes what each thread keeps for itself.
fn in_parallel<T: Send, S, R: Send>(
    items: Vec<T>,
    state: impl Fn() -> S + Sync,
    work: impl Fn(&mut S, T) -> R + Sync,
) -> Vec<R> {
    let count = items.len();
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get).clamp(1, count.max(1));
    let queue = std::sync::Mutex::new(items.into_iter().enumerate());
    let next = || queue.lock().unwrap_or_else(std::sync::PoisonError::into_inner).next();
    let done: Vec<Vec<(usize, R)>> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut own = state();
                    let mut done = Vec::new();
                    while let Some((index, item)) = next() {
                        done.push((index, work(&mut own, item)));
                    }
                    done
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|worker| worker.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
            .collect()
    });
    let mut slots: Vec<Option<R>> = (0..count).map(|_| None).collect();
    for (index, result) in done.into_iter().flatten() {
        slots[index] = Some(result);
    }
    slots.into_iter().flatten().collect()
}

struct Context<'a> {
    options: &'a ImportOptions,
    common: &'a IndexMap<String, ErrorSpec>,
    common_text: &'a str,
}

fn read_common_errors(path: &Path) -> Result<(String, IndexMap<String, ErrorSpec>), ImportError> {
    let text = fs::read_to_string(path).map_err(|error| ImportError::Io { path: path.to_owned(), error })?;
    let spec: CommonErrorsSpec = serde_yaml::from_str(&text).map_err(|error| ImportError::Spec {
        path: path.to_owned(),
        message: format!("cannot be read as common error codes: {error}"),
    })?;
    Ok((text, spec.errors))
}

/// The (package, version) keys selected, in order.
fn select(
    package: &mut PackageFiles,
    api_files: &BTreeMap<(String, String), String>,
    selection: &Selection,
) -> Result<Vec<(String, String)>, ImportError> {
    let Selection::Service(wanted) = selection else {
        return Ok(api_files.keys().cloned().collect());
    };
    let by_package: Vec<(String, String)> = api_files.keys().filter(|(name, _)| name == wanted).cloned().collect();
    if !by_package.is_empty() {
        return Ok(by_package);
    }
    // Not a package directory: look for it as a short name (`as` lives in `autoscaling`).
    let mut by_short_name = Vec::new();
    for (key, path) in api_files {
        let text = package.read(path)?.unwrap_or_default();
        let api: metadata::ApiFile = metadata::parse_json(&package.label(path), &text)?;
        if &api.metadata.short_name == wanted {
            by_short_name.push(key.clone());
        }
    }
    if by_short_name.is_empty() {
        let known: BTreeSet<&str> = api_files.keys().map(|(name, _)| name.as_str()).collect();
        let known: Vec<&str> = known.into_iter().collect();
        return Err(ImportError::Usage(format!(
            "no service `{wanted}` in the metadata; services: {}",
            known.join(", ")
        )));
    }
    Ok(by_short_name)
}

fn read_service(
    api_package: &mut PackageFiles,
    errors_package: &mut PackageFiles,
    api_files: &BTreeMap<(String, String), String>,
    error_files: &BTreeMap<(String, String), String>,
    key: &(String, String),
) -> Result<ServiceMetadata, ImportError> {
    let (package, version_dir) = key;
    let api_path = api_files.get(key).cloned().unwrap_or_default();
    let api_label = api_package.label(&api_path);
    let api_text = api_package.read(&api_path)?.ok_or_else(|| ImportError::Metadata {
        file: api_label.clone(),
        message: "is listed but cannot be found".into(),
    })?;
    let api: metadata::ApiFile = metadata::parse_json(&api_label, &api_text)?;
    let examples_path = format!("{API_PREFIX}{package}/{version_dir}/examples.json");
    let examples = match api_package.read(&examples_path)? {
        Some(text) => metadata::parse_json(&api_package.label(&examples_path), &text)?,
        None => metadata::ExamplesFile::default(),
    };
    let error_codes = match error_files.get(key) {
        Some(path) => {
            let label = errors_package.label(path);
            let text = errors_package.read(path)?.unwrap_or_default();
            Some(metadata::parse_error_codes(&label, &text)?)
        }
        None => None,
    };
    Ok(ServiceMetadata {
        package: package.clone(),
        version_dir: version_dir.clone(),
        api,
        api_label,
        examples,
        error_codes,
    })
}

/// One service version converted, before anything is read from or written to its spec file.
struct Prepared {
    short_name: String,
    label: String,
    file: PathBuf,
    conversion: convert::Conversion,
}

/// Converts one service version's metadata; reads and writes no file.
fn prepare(context: &Context<'_>, metadata: ServiceMetadata, is_newest: bool) -> Result<Prepared, ImportError> {
    let short_name = metadata.api.metadata.short_name.clone();
    let module = names::module_name(&short_name, &metadata.package, &metadata.version_dir, is_newest);
    let label = module.clone().unwrap_or_else(|| short_name.clone());
    let file = context.options.out.join(names::spec_file_name(&label));
    let has_error_codes = metadata.error_codes.is_some();
    let mut conversion = convert::convert(&metadata, module, context.common)?;
    if !has_error_codes {
        conversion.notes.gaps.push(format!(
            "{label}: the SDK package has no errorcodes.py for this version; only the common error codes apply"
        ));
    }
    Ok(Prepared { short_name, label, file, conversion })
}

/// Merges a converted service version into its spec file (when there is one) and writes it.
fn finish(context: &Context<'_>, prepared: Prepared) -> Result<ServiceReport, ImportError> {
    let options = context.options;
    let Prepared { short_name, label, file, conversion } = prepared;
    let mut notes = conversion.notes;

    let existing_text = match fs::read_to_string(&file) {
        Ok(text) => Some(text),
        Err(error) if error.kind() == io::ErrorKind::NotFound => None,
        Err(error) => return Err(ImportError::Io { path: file, error }),
    };
    let existing: Option<ServiceSpec> = match &existing_text {
        Some(text) => Some(serde_yaml::from_str(text).map_err(|error| ImportError::Spec {
            path: file.clone(),
            message: format!(
                "cannot be read as a service spec ({error}); `cargo xtask codegen` shows every problem with its place"
            ),
        })?),
        None => None,
    };
    if let Some(existing) = &existing {
        let (spec_version, metadata_version) = (&existing.service.version, &conversion.spec.service.version);
        if spec_version != metadata_version {
            return Err(ImportError::Spec {
                path: file,
                message: format!(
                    "describes version {spec_version}, but the metadata's version for this file is {metadata_version}; a newer version takes the plain name, so move this spec to `{short_name}_{}.yaml` and set `service.module` to match",
                    spec_version.replace('-', "")
                ),
            });
        }
    }

    let (mut spec, mut differences, imported_examples) = match &existing {
        Some(existing) => {
            let merged = merge::merge(existing, &conversion.spec, &label);
            (merged.spec, merged.differences, merged.imported_examples)
        }
        None => {
            let all: BTreeSet<String> = conversion.spec.actions.keys().cloned().collect();
            (conversion.spec, Vec::new(), all)
        }
    };
    notes.examples_dropped.extend(examples::drop_unfitting(&mut spec, &imported_examples, &label));
    if let Some(existing) = &existing {
        for name in &imported_examples {
            let count = spec.actions.get(name).map_or(0, |action| action.examples.len());
            if existing.actions.contains_key(name) && count > 0 {
                let text = format!("{label} {name}: {count} example(s) from the metadata are missing from the spec");
                differences.push(Difference { severity: Severity::Lag, text });
            }
        }
    }
    // The paginators this import adds (a curated `paginate` is the curator's, not inferred).
    for (name, action) in &spec.actions {
        let had =
            existing.as_ref().and_then(|existing| existing.actions.get(name)).is_some_and(|a| a.paginate.is_some());
        if let (Some(paginate), false) = (&action.paginate, had) {
            notes.paginators.push(format!("{label} {name}: pages through `{}`", paginate.items));
        }
    }

    let changed = existing.as_ref() != Some(&spec);
    if changed && existing.is_some() && !differences.iter().any(|difference| difference.severity == Severity::Lag) {
        // Every change is named above; this only guards against one being missed.
        let text = format!("{label}: the spec differs from what the import makes of it");
        differences.push(Difference { severity: Severity::Lag, text });
    }
    let outcome = match (options.check, existing.is_some(), changed) {
        (true, false, _) => {
            let text = format!("{label}: the spec file {} is missing", file.display());
            differences.push(Difference { severity: Severity::Lag, text });
            Outcome::Lagging
        }
        (true, true, true) => Outcome::Lagging,
        (true, true, false) => Outcome::Current,
        (false, false, _) => Outcome::Created,
        (false, true, true) => Outcome::Updated,
        (false, true, false) => Outcome::Unchanged,
    };
    let mut validation = Vec::new();
    if !options.check && changed {
        let text = yaml::spec_text(&spec, existing_text.as_deref()).map_err(|error| ImportError::Spec {
            path: file.clone(),
            message: format!("cannot be written as YAML: {error}"),
        })?;
        crate::codegen::write_atomically(&file, text.as_bytes())
            .map_err(|error| ImportError::Spec { path: file.clone(), message: error.to_string() })?;
        if options.validate {
            validation = validate(context, &file, &text);
        }
    }
    let counts = Counts {
        actions: spec.actions.len(),
        structures: spec.structures.len(),
        errors: spec.errors.len(),
        examples: spec.actions.values().map(|action| action.examples.len()).sum(),
    };
    differences.sort_by_key(|difference| difference.severity);
    Ok(ServiceReport {
        label,
        version: spec.service.version.clone(),
        file,
        outcome,
        differences,
        notes,
        validation,
        counts,
    })
}

/// The validator's problems with one spec, as lines.
fn validate(context: &Context<'_>, file: &Path, text: &str) -> Vec<String> {
    let common = tcgen::SpecSource {
        path: context.options.common_errors.display().to_string(),
        text: context.common_text.to_owned(),
    };
    let spec = tcgen::SpecSource { path: file.display().to_string(), text: text.to_owned() };
    match tcgen::check(&common, &[spec]) {
        Ok(_) => Vec::new(),
        Err(diagnostics) => diagnostics.0.iter().map(ToString::to_string).collect(),
    }
}

/// Every note of every report, for a summary.
pub fn all_notes(reports: &[ServiceReport]) -> Notes {
    let mut notes = Notes::default();
    for report in reports {
        notes.extend(report.notes.clone());
    }
    notes
}
