//! `cargo xtask import` and `cargo xtask corpus`: the files around [`tcgen::import`]. This
//! module reads the wheels (or the directories where they were unpacked, see [`crate::source`]), the
//! committed specs, curations and review lists, hands their texts to the library, and writes
//! what it returns, all files of a run in one transaction. The rules are in `xtask/IMPORT.md`.
//!
//! Provenance: `specs/services/<module>.yaml` and `specs/review/<module>.md` are machine-owned
//! and rewritten from the metadata (a spec keeps only its leading comment lines);
//! `specs/curation/<module>.yaml` is people's and never written here.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use tcgen::import::report::{Counts, Difference, Notes, Outcome, ServiceReport, Severity};
use tcgen::import::{self as library, API_PREFIX, ERRORS_PREFIX, MetadataFile, VersionFiles};
use tcgen::spec::ServiceSpec;

use crate::source::PackageFiles;
use crate::transaction;

/// What went wrong. Each names the file it concerns and what is wrong with it.
#[derive(Debug)]
pub enum ImportError {
    /// A file or directory could not be read.
    Io { path: PathBuf, error: io::Error },
    /// A package is not a readable wheel.
    Archive { path: PathBuf, message: String },
    /// The metadata, a spec or the request is wrong (the library's error).
    Import(library::ImportError),
    /// Writing failed; nothing was changed (or the error says what is left where).
    Write(transaction::CommitError),
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Io { path, error } => write!(f, "{}: {error}", path.display()),
            Self::Archive { path, message } => write!(f, "{}: {message}", path.display()),
            Self::Import(error) => error.fmt(f),
            Self::Write(error) => error.fmt(f),
        }
    }
}

impl std::error::Error for ImportError {}

impl From<library::ImportError> for ImportError {
    fn from(error: library::ImportError) -> Self {
        Self::Import(error)
    }
}

fn usage(message: String) -> ImportError {
    ImportError::Import(library::ImportError::Usage(message))
}

/// Which versions of a service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Versions {
    /// The plain one: the version with the most actions (ties: the newest).
    Plain,
    /// The version of this date (`2018-03-17`).
    Version(String),
    /// Every version.
    All,
}

/// Which service versions to import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    /// Services by package directory (`autoscaling`) or short name (`as`), and which versions.
    Services(Vec<String>, Versions),
    /// Every version of every service in the package.
    All,
}

/// The options of `cargo xtask import`.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// The `tccli-intl-en` wheel or directory.
    pub from: PathBuf,
    /// The `tencentcloud-sdk-python-intl-en` wheel or directory; `from` when not given.
    pub errors: Option<PathBuf>,
    pub selection: Selection,
    /// The directory of spec files (`specs/services`); the curations are read from
    /// `curation/` beside it and the review lists go to `review/` beside it.
    pub out: PathBuf,
    /// The common error codes (`specs/common/errors.yaml`).
    pub common_errors: PathBuf,
    /// Write nothing; name every difference between the committed files and the metadata.
    pub check: bool,
}

impl ImportOptions {
    fn sibling(&self, name: &str) -> PathBuf {
        self.out.parent().map_or_else(|| PathBuf::from(name), |parent| parent.join(name))
    }
}

/// The metadata of the selected service versions, parsed, with the module each one gets.
struct Selected {
    versions: Vec<(tcgen::import::convert::ServiceMetadata, tcgen::import::names::ModulePlan)>,
}

/// Opens the packages and parses the selected versions (every version of a selected service is
/// parsed: the naming rule compares them).
fn select(from: &Path, errors: Option<&Path>, selection: &Selection) -> Result<Selected, ImportError> {
    let mut api_package = PackageFiles::open(from)?;
    let errors_package = match errors {
        Some(path) => Some(PackageFiles::open(path)?),
        None => None,
    };
    let api_files = api_package.service_versions(API_PREFIX, "api.json");
    if api_files.is_empty() {
        return Err(usage(format!(
            "{}: no {API_PREFIX}<service>/<version>/api.json inside; is it the tccli-intl-en wheel (or where it was unpacked)?",
            from.display()
        )));
    }
    let error_files = errors_package.as_ref().map(|package| package.service_versions(ERRORS_PREFIX, "errorcodes.py"));
    let packages: BTreeSet<String> = match selection {
        Selection::All => api_files.keys().map(|(package, _)| package.clone()).collect(),
        Selection::Services(names, _) => {
            let mut packages = BTreeSet::new();
            for name in names {
                packages.insert(package_of(&mut api_package, &api_files, name)?);
            }
            packages
        }
    };
    let keys: Vec<(String, String)> =
        api_files.keys().filter(|(package, _)| packages.contains(package)).cloned().collect();
    let parsed = in_parallel(
        keys,
        || (api_package.clone(), errors_package.clone()),
        |(api_package, errors_package), key| {
            read_version(api_package, errors_package.as_mut(), &api_files, error_files.as_ref(), &key)
        },
    );
    let parsed: Vec<_> = parsed.into_iter().collect::<Result<_, _>>()?;
    let summaries: Vec<_> = parsed.iter().map(library::summary).collect();
    let plans = library::names::plan_modules(&summaries);
    let mut versions: Vec<_> = parsed.into_iter().zip(plans).collect();
    if let Selection::Services(_, choice) = selection {
        match choice {
            Versions::All => {}
            Versions::Plain => versions.retain(|(_, plan)| plan.plain),
            Versions::Version(date) => {
                let dir = format!("v{}", date.replace('-', ""));
                let known: Vec<String> =
                    versions.iter().map(|(metadata, _)| metadata.api.metadata.api_version.clone()).collect();
                versions.retain(|(metadata, _)| metadata.version_dir == dir);
                if versions.is_empty() {
                    return Err(usage(format!("no version {date} of the service; versions: {}", known.join(", "))));
                }
            }
        }
    }
    Ok(Selected { versions })
}

/// The package directory of a service named by its directory or its short name.
fn package_of(
    package: &mut PackageFiles,
    api_files: &BTreeMap<(String, String), String>,
    wanted: &str,
) -> Result<String, ImportError> {
    if api_files.keys().any(|(name, _)| name == wanted) {
        return Ok(wanted.to_owned());
    }
    // Not a package directory: look for it as a short name (`as` lives in `autoscaling`).
    for ((name, _), path) in api_files {
        let text = package.read(path)?.unwrap_or_default();
        let api: library::metadata::ApiFile = library::metadata::parse_json(&package.label(path), &text)?;
        if api.metadata.short_name == wanted {
            return Ok(name.clone());
        }
    }
    let known: BTreeSet<&str> = api_files.keys().map(|(name, _)| name.as_str()).collect();
    let known: Vec<&str> = known.into_iter().collect();
    Err(usage(format!("no service `{wanted}` in the metadata; services: {}", known.join(", "))))
}

fn read_version(
    api_package: &mut PackageFiles,
    errors_package: Option<&mut PackageFiles>,
    api_files: &BTreeMap<(String, String), String>,
    error_files: Option<&BTreeMap<(String, String), String>>,
    key: &(String, String),
) -> Result<tcgen::import::convert::ServiceMetadata, ImportError> {
    let (package, version_dir) = key;
    let api_path = api_files.get(key).cloned().unwrap_or_default();
    let api_label = api_package.label(&api_path);
    let api_text = api_package.read(&api_path)?.ok_or_else(|| library::ImportError::Metadata {
        file: api_label.clone(),
        message: "is listed but cannot be found".into(),
    })?;
    let examples_path = format!("{API_PREFIX}{package}/{version_dir}/examples.json");
    let examples =
        api_package.read(&examples_path)?.map(|text| MetadataFile { label: api_package.label(&examples_path), text });
    let error_codes = match (errors_package, error_files.and_then(|files| files.get(key))) {
        (Some(package), Some(path)) => {
            package.read(path)?.map(|text| MetadataFile { label: package.label(path), text })
        }
        _ => None,
    };
    let files = VersionFiles {
        package: package.clone(),
        version_dir: version_dir.clone(),
        api: MetadataFile { label: api_label, text: api_text },
        examples,
        error_codes,
    };
    Ok(library::parse_version(&files)?)
}

/// A file's text, or `None` when it does not exist.
fn read_optional(path: &Path) -> Result<Option<String>, ImportError> {
    match fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(ImportError::Io { path: path.to_owned(), error }),
    }
}

/// Imports the selected service versions, returning a report for each, in package order. With
/// `check`, writes nothing.
pub fn run(options: &ImportOptions) -> Result<Vec<ServiceReport>, ImportError> {
    let errors = options.errors.clone().unwrap_or_else(|| options.from.clone());
    let selected = select(&options.from, Some(&errors), &options.selection)?;
    let common_text = fs::read_to_string(&options.common_errors)
        .map_err(|error| ImportError::Io { path: options.common_errors.clone(), error })?;
    let common = library::CommonErrors::parse(tcgen::SpecSource {
        path: crate::codegen::COMMON_ERRORS_SPEC.to_owned(),
        text: common_text,
    })?;
    let curation_dir = options.sibling("curation");
    let review_dir = options.sibling("review");
    let prepared = in_parallel(
        selected.versions,
        || (),
        |(), (metadata, plan)| prepare(options, &common, &curation_dir, &review_dir, &metadata, &plan),
    );
    let prepared: Vec<Prepared> = prepared.into_iter().collect::<Result<_, _>>()?;
    let mut modules = BTreeSet::new();
    for prepared in &prepared {
        if !modules.insert(prepared.report.label.clone()) {
            return Err(usage(format!("two service versions get the module `{}`", prepared.report.label)));
        }
    }
    if !options.check {
        let writes: Vec<(PathBuf, &[u8])> = prepared
            .iter()
            .flat_map(|prepared| prepared.writes.iter().map(|(path, text)| (path.clone(), text.as_bytes())))
            .collect();
        transaction::commit(&writes, &[]).map_err(ImportError::Write)?;
    }
    Ok(prepared.into_iter().map(|prepared| prepared.report).collect())
}

/// One service version imported, with what is to be written.
struct Prepared {
    report: ServiceReport,
    /// Files that differ from what is on disk, and their new text.
    writes: Vec<(PathBuf, String)>,
}

fn prepare(
    options: &ImportOptions,
    common: &library::CommonErrors,
    curation_dir: &Path,
    review_dir: &Path,
    metadata: &tcgen::import::convert::ServiceMetadata,
    plan: &tcgen::import::names::ModulePlan,
) -> Result<Prepared, ImportError> {
    let imported = library::import_version(metadata, plan, common)?;
    let module = imported.module.clone();
    let spec_file = options.out.join(format!("{module}.yaml"));
    let review_file = review_dir.join(format!("{module}.md"));
    let existing = read_optional(&spec_file)?;
    let existing_review = read_optional(&review_file)?;
    let curation = read_optional(&curation_dir.join(format!("{module}.yaml")))?;
    let text = imported.spec_text(existing.as_deref())?;
    let review = imported.review_text();

    let mut differences = Vec::new();
    let lag = |text: String| Difference { severity: Severity::Lag, text };
    match &existing {
        None => differences.push(lag(format!("{module}: the spec file {} is missing", spec_file.display()))),
        Some(existing) if *existing != text => match serde_yaml::from_str::<ServiceSpec>(existing) {
            Ok(committed) => {
                let found = library::diff::differences(&committed, &imported.spec, &module);
                if found.is_empty() {
                    differences.push(lag(format!(
                        "{module}: the file's text differs from what the import writes (order or formatting)"
                    )));
                }
                differences.extend(found.into_iter().map(lag));
            }
            Err(error) => {
                differences.push(lag(format!("{module}: {} cannot be read as a spec: {error}", spec_file.display())))
            }
        },
        Some(_) => {}
    }
    if existing_review.as_deref() != Some(review.as_str()) {
        let state = if existing_review.is_some() { "stale" } else { "missing" };
        differences.push(lag(format!("{module}: the review list {} is {state}", review_file.display())));
    }
    // Every problem of the new spec with its curation: those in the curation are entries that no
    // longer apply; any other is a problem of the import.
    let curation_path = library::curation_path(&module);
    let mut validation = Vec::new();
    for problem in library::curation_problems(common, &module, &text, curation.as_deref()) {
        if problem.file == curation_path {
            differences.push(lag(format!("{module}: the curation no longer applies: {problem}")));
        } else {
            validation.push(problem.to_string());
        }
    }
    let changed = existing.as_deref() != Some(text.as_str()) || existing_review.as_deref() != Some(review.as_str());
    let outcome = match (options.check, existing.is_some(), differences.is_empty()) {
        (true, _, true) => Outcome::Current,
        (true, _, false) => Outcome::Lagging,
        (false, false, _) => Outcome::Created,
        (false, true, _) if changed => Outcome::Updated,
        (false, true, _) => Outcome::Unchanged,
    };
    let mut writes = Vec::new();
    if !options.check {
        if existing.as_deref() != Some(text.as_str()) {
            writes.push((spec_file.clone(), text));
        }
        if existing_review.as_deref() != Some(review.as_str()) {
            writes.push((review_file, review));
        }
        // What was written is no longer a difference, except the curation's problems.
        differences.retain(|difference| difference.text.contains("the curation no longer applies"));
    }
    let report = ServiceReport {
        label: module,
        version: imported.spec.service.version.clone(),
        file: spec_file.display().to_string(),
        outcome,
        differences,
        notes: imported.notes.clone(),
        validation: imported.validation.iter().cloned().chain(validation).collect(),
        counts: Counts::of(&imported.spec),
    };
    Ok(Prepared { report, writes })
}

/// Every note of every report, for a summary.
pub fn all_notes(reports: &[ServiceReport]) -> Notes {
    let mut notes = Notes::default();
    for report in reports {
        notes.extend(report.notes.clone());
    }
    notes
}

/// The options of `cargo xtask corpus`.
#[derive(Debug, Clone)]
pub struct CorpusOptions {
    /// The `tccli-intl-en` wheel or directory.
    pub from: PathBuf,
    pub selection: Selection,
    /// Where the `<module>.json` files go.
    pub out: PathBuf,
}

/// What `cargo xtask corpus` wrote.
#[derive(Debug, Clone, Default)]
pub struct CorpusReport {
    /// Per module: examples written, examples left out (output not JSON).
    pub modules: Vec<(String, usize, usize)>,
}

impl CorpusReport {
    /// One line per module and a total.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for (module, kept, skipped) in &self.modules {
            out.push_str(&format!("{module}: {kept} examples ({skipped} left out: output not JSON)\n"));
        }
        let kept: usize = self.modules.iter().map(|(_, kept, _)| kept).sum();
        let skipped: usize = self.modules.iter().map(|(_, _, skipped)| skipped).sum();
        out.push_str(&format!(
            "corpus: {} service versions, {kept} examples written, {skipped} left out\n",
            self.modules.len()
        ));
        out
    }
}

/// Writes the response corpus of the selected service versions (see
/// [`tcgen::import::corpus`]), all files in one transaction.
pub fn corpus(options: &CorpusOptions) -> Result<CorpusReport, ImportError> {
    let selected = select(&options.from, None, &options.selection)?;
    let files: Vec<_> = selected
        .versions
        .iter()
        .map(|(metadata, plan)| {
            let api = &metadata.api.metadata;
            library::corpus::corpus(&api.short_name, &api.api_version, &plan.module, &metadata.examples)
        })
        .collect();
    let writes: Vec<(PathBuf, &[u8])> =
        files.iter().map(|file| (options.out.join(format!("{}.json", file.module)), file.text.as_bytes())).collect();
    transaction::commit(&writes, &[]).map_err(ImportError::Write)?;
    Ok(CorpusReport { modules: files.iter().map(|file| (file.module.clone(), file.examples, file.skipped)).collect() })
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
