//! `cargo xtask scale`: imports every service version of Tencent's metadata into a scratch
//! directory (`target/scale/`), generates the client for all of them with the tcgen library,
//! and runs `cargo check` on a scratch crate made of that generated code and the repository's
//! hand-written runtime. It reports the times, the lines generated per action, and every
//! service that fails to validate or to check, with why.
//!
//! The scratch directory is laid out like the repository, so that generating and writing are
//! exactly `cargo xtask codegen`'s ([`tcgen::generate_with`] and [`codegen::apply`]):
//! - `specs/services/*.yaml`, `specs/review/*.md`: the imported specs and their review lists;
//! - `generated/`: the generated crate, whose manifest names the repository's `runtime/` crate by
//!   absolute path;
//! - `Cargo.toml`: a workspace of that one crate, made from data (`toml_edit`) with the root
//!   manifest's `[workspace.package]`, `[workspace.dependencies]`, `[workspace.lints]` and
//!   `[profile.*]`, and the root's `Cargo.lock` beside it; `examples` links to the
//!   repository's, which the generated manifest names;
//! - `target/`: cargo's build directory for it;
//! - `report.txt`: the full report (every note of the import, every failure).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::codegen::{self, COMMON_ERRORS_SPEC};
use crate::corpus_run;
use crate::import::{self, CorpusOptions, ImportOptions, Selection};
use crate::{spec_files, transaction};

/// The command's options.
#[derive(Debug, Clone)]
pub struct ScaleOptions {
    /// The `tccli-intl-en` wheel or directory.
    pub from: PathBuf,
    /// The `tencentcloud-sdk-python-intl-en` wheel or directory.
    pub errors: Option<PathBuf>,
    /// The scratch directory (`target/scale`).
    pub dir: PathBuf,
    /// Run `cargo check` on the generated crate.
    pub cargo_check: bool,
    /// Lines of generated service code per `cargo check` batch (rustc's memory grows with it).
    pub batch_lines: usize,
    /// Decode every published example response with the generated code (the corpus tests).
    pub decode: bool,
}

/// The service modules in batches of at most `budget` lines (a larger module is a batch alone).
fn batches(module_lines: &BTreeMap<String, usize>, budget: usize) -> Vec<Vec<String>> {
    let mut batches: Vec<Vec<String>> = Vec::new();
    let mut current: Vec<String> = Vec::new();
    let mut lines = 0;
    for (module, count) in module_lines {
        if !current.is_empty() && lines + count > budget {
            batches.push(std::mem::take(&mut current));
            lines = 0;
        }
        current.push(module.clone());
        lines += count;
    }
    if !current.is_empty() {
        batches.push(current);
    }
    batches
}

/// What went wrong before there was anything to report.
#[derive(Debug)]
pub enum ScaleError {
    Import(import::ImportError),
    Io {
        path: PathBuf,
        error: io::Error,
    },
    /// The repository's files are not as this command expects.
    Layout(String),
}

impl std::fmt::Display for ScaleError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Import(error) => write!(f, "import: {error}"),
            Self::Io { path, error } => write!(f, "{}: {error}", path.display()),
            Self::Layout(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for ScaleError {}

impl From<import::ImportError> for ScaleError {
    fn from(error: import::ImportError) -> Self {
        Self::Import(error)
    }
}

fn io_error(path: &Path) -> impl FnOnce(io::Error) -> ScaleError + '_ {
    move |error| ScaleError::Io { path: path.to_owned(), error }
}

/// The numbers and failures of one run.
#[derive(Debug, Default)]
pub struct ScaleReport {
    pub service_versions: usize,
    pub actions: usize,
    pub structures: usize,
    pub error_codes: usize,
    pub examples: usize,
    pub import_time: Duration,
    pub generation_time: Duration,
    /// Lines of the generated service modules, and of the per-action files among them.
    pub generated_lines: usize,
    pub action_file_lines: usize,
    pub generated_files: usize,
    /// Specs the validator rejects: spec file -> its problems.
    pub invalid: BTreeMap<String, Vec<String>>,
    /// Lines of generated code per service module, for batching the check.
    pub module_lines: BTreeMap<String, usize>,
    /// `cargo check` of the runtime and dependencies alone (no service feature); `None` when
    /// not run.
    pub runtime_check: Option<CheckResult>,
    /// `cargo check` of the services, batch by batch (the features of each batch on). One run
    /// with every feature needs more than 22 GB of memory for rustc, more than the machine has.
    pub service_checks: Vec<(Vec<String>, CheckResult)>,
    /// The corpus tests, batch by batch, when asked for.
    pub decodings: Vec<(Vec<String>, corpus_run::DecodeRun)>,
    /// Every note of the import.
    pub notes: tcgen::import::report::Notes,
}

/// One `cargo check` run.
#[derive(Debug, Clone, Default)]
pub struct CheckResult {
    pub time: Duration,
    pub success: bool,
    /// Errors and warnings, by the service module they are in (`(runtime or other)` otherwise).
    pub errors: BTreeMap<String, Vec<String>>,
    /// Warnings, counted.
    pub warnings: usize,
    /// Where cargo's full output is.
    pub log: PathBuf,
}

/// Runs the whole thing from the workspace `root`.
pub fn run(root: &Path, options: &ScaleOptions) -> Result<ScaleReport, ScaleError> {
    let mut report = ScaleReport::default();
    let specs_dir = options.dir.join("specs/services");
    // A clean start: the specs of service versions that are gone from the metadata must not count.
    for dir in [&specs_dir, &options.dir.join("specs/review")] {
        if dir.exists() {
            fs::remove_dir_all(dir).map_err(io_error(dir))?;
        }
    }
    fs::create_dir_all(&specs_dir).map_err(io_error(&specs_dir))?;

    let started = Instant::now();
    let import_options = ImportOptions {
        from: options.from.clone(),
        errors: options.errors.clone(),
        selection: Selection::All,
        out: specs_dir.clone(),
        common_errors: root.join(COMMON_ERRORS_SPEC),
        check: false,
    };
    let reports = import::run(&import_options)?;
    report.import_time = started.elapsed();
    report.service_versions = reports.len();
    for service in &reports {
        report.actions += service.counts.actions;
        report.structures += service.counts.structures;
        report.error_codes += service.counts.errors;
        report.examples += service.counts.examples;
    }
    report.notes = import::all_notes(&reports);

    let started = Instant::now();
    let files = generate(root, &options.dir, &mut report)?;
    report.generation_time = started.elapsed();

    write_workspace(root, &options.dir, &files, &mut report)?;
    let crate_dir = options.dir.join(tcgen::emit::CRATE_DIR);
    if options.cargo_check {
        let target = options.dir.join("target");
        let log = options.dir.join("check-runtime.log");
        report.runtime_check = Some(cargo_check(&crate_dir, &target, &["--no-default-features"], &log)?);
        for (index, batch) in batches(&report.module_lines, options.batch_lines).into_iter().enumerate() {
            let features = format!("mock,{}", batch.join(","));
            let log = options.dir.join(format!("check-batch-{:02}.log", index + 1));
            let result = cargo_check(&crate_dir, &target, &["--no-default-features", "--features", &features], &log)?;
            eprintln!(
                "scale: batch {} ({} services) {} in {:.0}s",
                index + 1,
                batch.len(),
                if result.success { "ok" } else { "FAILED" },
                result.time.as_secs_f64()
            );
            report.service_checks.push((batch, result));
        }
    }
    if options.decode {
        let corpus = CorpusOptions {
            from: options.from.clone(),
            selection: Selection::All,
            out: options.dir.join(tcgen::CORPUS_DIR),
        };
        import::corpus(&corpus)?;
        let target = options.dir.join("target");
        for (index, batch) in batches(&report.module_lines, options.batch_lines).into_iter().enumerate() {
            let features = format!("mock,{}", batch.join(","));
            let log = options.dir.join(format!("decode-batch-{:02}.log", index + 1));
            let run = corpus_run::run(&crate_dir, &target, &features, &log).map_err(io_error(&crate_dir))?;
            eprintln!(
                "scale: decoding batch {} ({} services) in {:.0}s",
                index + 1,
                batch.len(),
                run.time.as_secs_f64()
            );
            report.decodings.push((batch, run));
        }
    }
    let text = report.render(true);
    let path = options.dir.join("report.txt");
    fs::write(&path, text).map_err(io_error(&path))?;
    Ok(report)
}

/// Generates from every spec in the scratch directory as `cargo xtask codegen` does, into the
/// layout of the scratch crate; specs the validator rejects are recorded and left out, so the
/// others still generate and get checked.
fn generate(root: &Path, dir: &Path, report: &mut ScaleReport) -> Result<Vec<tcgen::GeneratedFile>, ScaleError> {
    let common =
        spec_files::read_spec(root, COMMON_ERRORS_SPEC).map_err(|problem| ScaleError::Layout(problem.to_string()))?;
    let mut services = Vec::new();
    let listed =
        spec_files::service_specs(dir, codegen::SERVICES_DIR).map_err(io_error(&dir.join(codegen::SERVICES_DIR)))?;
    for spec in listed {
        services.push(spec.map_err(|problem| ScaleError::Layout(problem.to_string()))?);
    }
    let runtime = root.join("runtime");
    let layout = tcgen::Layout {
        crate_dir: tcgen::emit::CRATE_DIR.to_owned(),
        runtime_path: runtime
            .to_str()
            .ok_or_else(|| ScaleError::Layout(format!("{} is not UTF-8", runtime.display())))?
            .to_owned(),
        // Each batch's tests build that batch's services, not all 160.
        every_service_in_tests: false,
    };
    loop {
        match tcgen::generate_with(&common, &services, &layout) {
            Ok(files) => return Ok(files),
            Err(tcgen::GenerateError::Emit(error)) => return Err(ScaleError::Layout(error.to_string())),
            Err(tcgen::GenerateError::Specs(diagnostics)) => {
                let before = services.len();
                for diagnostic in &diagnostics.0 {
                    report.invalid.entry(diagnostic.file.clone()).or_default().push(diagnostic.to_string());
                }
                services.retain(|source| !report.invalid.contains_key(&source.path));
                if services.len() == before || services.is_empty() {
                    return Err(ScaleError::Layout(format!("the specs cannot be generated:\n{diagnostics}")));
                }
            }
        }
    }
}

/// Writes the generated files with `cargo xtask codegen`'s own [`codegen::apply`] (only what
/// changed; stale files removed), and the scratch workspace's manifest, lock file and examples
/// link around them; counts the lines of each service module.
fn write_workspace(
    root: &Path,
    dir: &Path,
    files: &[tcgen::GeneratedFile],
    report: &mut ScaleReport,
) -> Result<(), ScaleError> {
    for file in files {
        let Some(relative) = file.path.strip_prefix("generated/src/") else { continue };
        let Some((module, name)) = relative.split_once('/') else { continue };
        let lines = file.contents.lines().count();
        *report.module_lines.entry(module.to_owned()).or_default() += lines;
        report.generated_lines += lines;
        report.generated_files += 1;
        if !matches!(name, "mod.rs" | "types.rs" | "errors.rs" | "tests.rs" | "examples.rs") {
            report.action_file_lines += lines;
        }
    }
    codegen::apply(dir, files).map_err(|error| ScaleError::Layout(error.to_string()))?;
    let root_manifest_path = root.join("Cargo.toml");
    let root_manifest = fs::read_to_string(&root_manifest_path).map_err(io_error(&root_manifest_path))?;
    let manifest = workspace_manifest(&root_manifest)
        .map_err(|error| ScaleError::Layout(format!("{}: {error}", root_manifest_path.display())))?;
    let lock = fs::read(root.join("Cargo.lock")).map_err(io_error(&root.join("Cargo.lock")))?;
    let mut writes: Vec<(PathBuf, &[u8])> = Vec::new();
    for (path, contents) in [(dir.join("Cargo.toml"), manifest.as_bytes()), (dir.join("Cargo.lock"), lock.as_slice())] {
        if fs::read(&path).ok().as_deref() != Some(contents) {
            writes.push((path, contents));
        }
    }
    transaction::commit(&writes, &[]).map_err(|error| ScaleError::Layout(error.to_string()))?;
    // The generated manifest names the repository's examples (`../examples/...`).
    let examples = dir.join("examples");
    if fs::symlink_metadata(&examples).is_err() {
        link_dir(&root.join("examples"), &examples)?;
    }
    Ok(())
}

#[cfg(unix)]
fn link_dir(target: &Path, link: &Path) -> Result<(), ScaleError> {
    std::os::unix::fs::symlink(target, link).map_err(io_error(link))
}

#[cfg(not(unix))]
fn link_dir(_target: &Path, _link: &Path) -> Result<(), ScaleError> {
    Ok(())
}

/// The scratch workspace's manifest: a workspace of `generated` with the root manifest's shared
/// tables, built as TOML data.
fn workspace_manifest(root_manifest: &str) -> Result<String, String> {
    use toml_edit::{Array, DocumentMut, Item, Table, value};
    let root: DocumentMut = root_manifest.parse().map_err(|error| format!("not TOML: {error}"))?;
    let root_workspace = root.get("workspace").and_then(Item::as_table).ok_or("no [workspace] table")?;
    let mut document = DocumentMut::new();
    let mut workspace = Table::new();
    let mut members = Array::new();
    members.push(tcgen::emit::CRATE_DIR);
    workspace.insert("members", value(members));
    workspace.insert("resolver", value(root_workspace.get("resolver").and_then(Item::as_str).unwrap_or("3")));
    for key in ["package", "dependencies", "lints"] {
        if let Some(item) = root_workspace.get(key) {
            workspace.insert(key, item.clone());
        }
    }
    document.insert("workspace", Item::Table(workspace));
    if let Some(profile) = root.get("profile") {
        document.insert("profile", profile.clone());
    }
    let header =
        "# The scale run's scratch workspace, written by `cargo xtask scale` from the repository's manifest.\n";
    Ok(format!("{header}{document}"))
}

/// Runs `cargo check --lib` with `features` on the scratch crate, keeping the output in `log`.
fn cargo_check(crate_dir: &Path, target: &Path, features: &[&str], log: &Path) -> Result<CheckResult, ScaleError> {
    let started = Instant::now();
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .arg("check")
        .arg("--lib")
        .args(features)
        .arg("--message-format=short")
        .arg("--manifest-path")
        .arg(crate_dir.join("Cargo.toml"))
        .current_dir(crate_dir)
        .env("CARGO_TARGET_DIR", target)
        .output()
        .map_err(io_error(crate_dir))?;
    let time = started.elapsed();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    fs::write(log, &stderr).map_err(io_error(log))?;
    let mut result =
        CheckResult { time, success: output.status.success(), log: log.to_owned(), ..CheckResult::default() };
    for line in stderr.lines() {
        if line.contains(": warning: ") || line.starts_with("warning: ") {
            result.warnings += 1;
        }
        let is_warning = line.contains("src/") && line.contains(": warning: ");
        if !(line.contains(": error") || line.starts_with("error") || is_warning) {
            continue;
        }
        let module = line
            .split("generated/src/")
            .nth(1)
            .or_else(|| line.strip_prefix("src/"))
            .and_then(|rest| rest.split_once('/').map(|(module, _)| module))
            .unwrap_or("(runtime or other)")
            .to_owned();
        result.errors.entry(module).or_default().push(line.to_owned());
    }
    Ok(result)
}

impl ScaleReport {
    /// The report; `full` adds every note line (the file has them, the terminal a summary).
    pub fn render(&self, full: bool) -> String {
        let mut out = String::new();
        let per_action = |lines: usize| if self.actions == 0 { 0.0 } else { lines as f64 / self.actions as f64 };
        let _ = writeln!(
            out,
            "{} service versions: {} actions, {} structures, {} error codes, {} examples",
            self.service_versions, self.actions, self.structures, self.error_codes, self.examples
        );
        let _ = writeln!(
            out,
            "import {:.1}s + generation {:.1}s = {:.1}s",
            self.import_time.as_secs_f64(),
            self.generation_time.as_secs_f64(),
            (self.import_time + self.generation_time).as_secs_f64()
        );
        let _ = writeln!(
            out,
            "generated {} lines of service code in {} files: {:.0} lines per action in all ({:.0} in the action's own file)",
            self.generated_lines,
            self.generated_files,
            per_action(self.generated_lines),
            per_action(self.action_file_lines)
        );
        if !self.service_checks.is_empty() {
            let total: Duration = self.service_checks.iter().map(|(_, check)| check.time).sum();
            let failed = self.service_checks.iter().filter(|(_, check)| !check.success).count();
            let batches = self.service_checks.len();
            let _ = writeln!(
                out,
                "cargo check of the services: {:.0}s in {batches} batches, {failed} failed",
                total.as_secs_f64()
            );
        }
        let checks =
            self.runtime_check.iter().map(|check| ("runtime and dependencies".to_owned(), check)).chain(
                self.service_checks.iter().map(|(batch, check)| (format!("services {}", batch.join(" ")), check)),
            );
        for (title, check) in checks {
            let verdict = if check.success { "ok" } else { "FAILED" };
            let _ = writeln!(
                out,
                "cargo check ({title}): {verdict} in {:.1}s, {} warning lines; output in {}",
                check.time.as_secs_f64(),
                check.warnings,
                check.log.display()
            );
            for (module, errors) in &check.errors {
                let _ = writeln!(out, "  {module}: {} error(s) or warning(s)", errors.len());
                for error in errors.iter().take(if full { usize::MAX } else { 3 }) {
                    let _ = writeln!(out, "    {error}");
                }
            }
        }
        self.render_decodings(&mut out, full);
        if self.invalid.is_empty() {
            let _ = writeln!(out, "every spec validates and generates");
        }
        for (file, problems) in &self.invalid {
            let _ = writeln!(out, "INVALID {file}: {} problem(s)", problems.len());
            for problem in problems.iter().take(if full { usize::MAX } else { 5 }) {
                let _ = writeln!(out, "  {problem}");
            }
        }
        let sections = self.notes.sections();
        for (title, lines) in sections {
            let _ = writeln!(out, "{title}: {}", lines.len());
            // The unsupported constructs are few and matter; the rest are summarised on a terminal.
            if full || title.starts_with("not expressible") {
                for line in lines {
                    let _ = writeln!(out, "  {line}");
                }
            }
        }
        let checked: BTreeSet<&String> = self.invalid.keys().collect();
        if !checked.is_empty() {
            let _ = writeln!(out, "{} spec(s) left out of generation because they do not validate", checked.len());
        }
        out
    }

    /// The corpus figures: how many JSON success examples decode, and what Go's semantics would.
    fn render_decodings(&self, out: &mut String, full: bool) {
        if self.decodings.is_empty() {
            return;
        }
        let modules: Vec<(&String, &corpus_run::ModuleDecoding)> =
            self.decodings.iter().flat_map(|(_, run)| run.modules.iter()).collect();
        let sum =
            |count: fn(&corpus_run::ModuleDecoding) -> usize| modules.iter().map(|(_, m)| count(m)).sum::<usize>();
        let successes = sum(|m| m.successes);
        let percent = |count: usize| if successes == 0 { 0.0 } else { 100.0 * count as f64 / successes as f64 };
        let (decoded, corrected, go_fail) = (sum(|m| m.decoded), sum(|m| m.corrected), sum(|m| m.go_would_fail));
        let _ = writeln!(
            out,
            "decoding Tencent's example responses ({} modules): {decoded} of {successes} JSON success examples decode ({:.2}%), {corrected} of them corrected; {} fail ({:.2}%); Go's semantics would fail {go_fail} ({:.2}%)",
            modules.len(),
            percent(decoded),
            successes - decoded,
            percent(successes - decoded),
            percent(go_fail)
        );
        for (batch, run) in &self.decodings {
            if !run.built {
                let _ = writeln!(out, "  the corpus tests of {} did not build", batch.join(" "));
            }
        }
        for (module, decoding) in modules.iter().filter(|(_, m)| m.successes > m.decoded) {
            let _ =
                writeln!(out, "  {module}: {} of {} fail", decoding.successes - decoding.decoded, decoding.successes);
            for failure in decoding.failures.iter().take(if full { usize::MAX } else { 3 }) {
                let _ = writeln!(out, "    {failure}");
            }
        }
    }

    /// Whether everything validated, generated and checked.
    pub fn all_pass(&self) -> bool {
        self.invalid.is_empty()
            && self.runtime_check.as_ref().is_none_or(|check| check.success)
            && self.service_checks.iter().all(|(_, check)| check.success)
            && self.decodings.iter().all(|(_, run)| run.built)
    }
}
