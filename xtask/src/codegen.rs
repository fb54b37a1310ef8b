//! `cargo xtask codegen [--check]`: brings the generated files in line with the specs, or (with
//! `--check`) reports how they differ, writing nothing.
//!
//! [`generate`] reads the specs ([`spec_files`]) and returns every file or every problem;
//! [`compare`] sets the files against the tree; [`apply`] changes the tree all or nothing
//! ([`transaction`]).

use std::fmt::Write as _;
use std::fs;
use std::io::{self, Read as _};
use std::path::{Path, PathBuf};

use tcgen::{GeneratedFile, SpecSource};

use crate::{spec_files, transaction};

/// The common error codes spec, relative to the workspace root.
pub const COMMON_ERRORS_SPEC: &str = "specs/common/errors.yaml";
/// The directory of curations, relative to the workspace root.
pub const CURATION_DIR: &str = "specs/curation";
/// The directory of service specs, relative to the workspace root.
pub const SERVICES_DIR: &str = "specs/services";
/// The command that fixes a stale tree.
pub const FIX_COMMAND: &str = "cargo xtask codegen";

/// What went wrong: the specs have problems, the disk could not be read or written, or the
/// generator produced something that cannot be written.
#[derive(Debug)]
pub enum CodegenError {
    /// Problems in the specs (unreadable files among them); nothing was written.
    Specs(tcgen::Diagnostics),
    /// An I/O failure before anything was written, with the path it concerns.
    Io { path: PathBuf, error: io::Error },
    /// Writing failed part-way; every change was undone (or the error says what is left where).
    Write(transaction::CommitError),
    /// A bug of the generator: two files with one path, or a path it must not write. Nothing was
    /// written.
    Generator(String),
}

impl std::fmt::Display for CodegenError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Specs(diagnostics) => write!(f, "{diagnostics}; nothing was written"),
            Self::Io { path, error } => write!(f, "{}: {error}", path.display()),
            Self::Write(error) => write!(f, "{error}"),
            Self::Generator(message) => write!(f, "internal error of the generator: {message}; nothing was written"),
        }
    }
}

impl std::error::Error for CodegenError {}

fn io_error(path: &Path) -> impl FnOnce(io::Error) -> CodegenError + '_ {
    move |error| CodegenError::Io { path: path.to_owned(), error }
}

/// How the generated tree compares with what the specs produce.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Comparison {
    /// Files whose contents already match.
    pub unchanged: Vec<String>,
    /// Files that exist with other contents: (path, unified diff from disk to expected).
    pub stale: Vec<(String, String)>,
    /// Files the specs produce that do not exist.
    pub missing: Vec<String>,
    /// Generated files (with the header) that no spec produces any more.
    pub extra: Vec<String>,
}

impl Comparison {
    /// Whether the tree is up to date.
    pub fn is_fresh(&self) -> bool {
        self.stale.is_empty() && self.missing.is_empty() && self.extra.is_empty()
    }

    /// The report of `--check`: a diff per stale file, the missing and extra files, and the fix.
    pub fn check_report(&self) -> String {
        let mut out = String::new();
        for (_, diff) in &self.stale {
            out.push_str(diff);
        }
        for path in &self.missing {
            let _ = writeln!(out, "missing: {path}");
        }
        for path in &self.extra {
            let _ = writeln!(out, "extra (no spec produces it): {path}");
        }
        if self.is_fresh() {
            let _ = writeln!(out, "generated code is up to date ({} files)", self.unchanged.len());
        } else {
            let _ = writeln!(
                out,
                "generated code is stale: {} changed, {} missing, {} extra; run `{FIX_COMMAND}` to update it",
                self.stale.len(),
                self.missing.len(),
                self.extra.len()
            );
        }
        out
    }
}

/// Reads the specs under `root` and generates every file, or returns every problem: those of the
/// files that cannot be read (see [`spec_files`]) together with those of the specs that can.
pub fn generate(root: &Path) -> Result<Vec<GeneratedFile>, CodegenError> {
    let (common, services) = read_sources(root)?;
    match tcgen::generate(&common, &services) {
        Ok(files) => Ok(files),
        Err(tcgen::GenerateError::Specs(tcgen::Diagnostics(found))) => Err(specs_error(found)),
        Err(tcgen::GenerateError::Emit(error)) => Err(CodegenError::Generator(error.to_string())),
    }
}

/// Reads the common error codes, every service spec and every curation under `root`; a file that
/// cannot be read is a located problem, reported with the problems the readable specs have.
pub fn read_sources(root: &Path) -> Result<(SpecSource, Vec<SpecSource>), CodegenError> {
    let mut problems = Vec::new();
    let common = spec_files::read_spec(root, COMMON_ERRORS_SPEC).map_err(|problem| problems.push(problem)).ok();
    let mut services = Vec::new();
    // Curations, when there are any, each applied to the spec of its name.
    for dir in [SERVICES_DIR, CURATION_DIR] {
        let path = root.join(dir);
        if dir == CURATION_DIR && !path.is_dir() {
            continue;
        }
        for spec in spec_files::service_specs(root, dir).map_err(io_error(&path))? {
            match spec {
                Ok(source) => services.push(source),
                Err(problem) => problems.push(problem),
            }
        }
    }
    // Without the common error codes every service would report each code it names.
    let Some(common) = common else { return Err(specs_error(problems)) };
    if !problems.is_empty() {
        // The readable specs' own problems too, so that one run shows them all.
        if let Err(tcgen::GenerateError::Specs(tcgen::Diagnostics(found))) = tcgen::generate(&common, &services) {
            problems.extend(found);
        }
        return Err(specs_error(problems));
    }
    Ok((common, services))
}

fn specs_error(mut problems: Vec<tcgen::Diagnostic>) -> CodegenError {
    problems.sort();
    problems.dedup();
    CodegenError::Specs(tcgen::Diagnostics(problems))
}

/// Checks what the generator returned before anything is compared or written: every path is
/// relative, plain (`/`-separated names, no `.` or `..`), unique, and inside what codegen owns
/// (`generated/`, and `*.schema.json` under `specs/`), so it can neither overwrite a spec nor
/// escape the tree.
fn check_outputs(files: &[GeneratedFile]) -> Result<(), CodegenError> {
    let mut seen = std::collections::HashSet::with_capacity(files.len());
    for file in files {
        let path = file.path.as_str();
        let plain = path.split('/').all(|part| !part.is_empty() && part != "." && part != ".." && !part.contains('\\'));
        let owned = path.starts_with("generated/") || (path.starts_with("specs/") && path.ends_with(".schema.json"));
        if !plain || !owned || Path::new(path).is_absolute() {
            return Err(CodegenError::Generator(format!(
                "it produced the path {path:?}, which is not a plain relative path in `generated/` or of a spec schema"
            )));
        }
        if !seen.insert(path) {
            return Err(CodegenError::Generator(format!("it produced two files with the path {path}")));
        }
    }
    Ok(())
}

/// The generated files that exist under `root` now: every file under `generated/src/` and
/// `specs/`, and every file at the top of `generated/`, that starts with the `@generated`
/// header, and what an interrupted run left next to them (see [`transaction`]). Symbolic links
/// are neither followed nor listed.
fn existing_generated(root: &Path) -> Result<Vec<String>, CodegenError> {
    let mut found = Vec::new();
    let mut pending =
        vec![(root.join("generated/src"), true), (root.join("specs"), true), (root.join("generated"), false)];
    while let Some((dir, recursive)) = pending.pop() {
        let entries = match fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(error) if error.kind() == io::ErrorKind::NotFound => continue,
            Err(error) => return Err(CodegenError::Io { path: dir, error }),
        };
        for entry in entries {
            let entry = entry.map_err(io_error(&dir))?;
            let path = entry.path();
            let file_type = entry.file_type().map_err(io_error(&path))?;
            if file_type.is_dir() {
                if recursive {
                    pending.push((path, true));
                }
            } else if file_type.is_file()
                && (transaction::is_aside_name(&entry.file_name().to_string_lossy()) || is_generated(&path))
            {
                let relative = path.strip_prefix(root).unwrap_or(&path);
                found.push(relative.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    found.sort();
    Ok(found)
}

/// Whether a regular file carries the header (in its first 300 bytes) and so belongs to codegen.
fn is_generated(path: &Path) -> bool {
    let mut head = Vec::with_capacity(300);
    fs::File::open(path).and_then(|file| file.take(300).read_to_end(&mut head)).is_ok()
        && String::from_utf8_lossy(&head).contains(tcgen::emit::HEADER_TEXT)
}

/// Compares the files with the tree under `root`. A file's place taken by something other than a
/// regular file (a directory, a symbolic link) is an error: codegen replaces only files.
pub fn compare(root: &Path, files: &[GeneratedFile]) -> Result<Comparison, CodegenError> {
    check_outputs(files)?;
    let produced: std::collections::HashSet<&str> = files.iter().map(|file| file.path.as_str()).collect();
    let mut comparison = Comparison::default();
    for file in files {
        let path = root.join(&file.path);
        match fs::symlink_metadata(&path) {
            Ok(metadata) if metadata.is_file() => {}
            Ok(_) => {
                let error =
                    io::Error::new(io::ErrorKind::InvalidInput, "not a regular file, where a generated file goes");
                return Err(CodegenError::Io { path, error });
            }
            // Missing, or a file stands where one of its directories goes (writing reports it).
            Err(error) if matches!(error.kind(), io::ErrorKind::NotFound | io::ErrorKind::NotADirectory) => {
                comparison.missing.push(file.path.clone());
                continue;
            }
            Err(error) => return Err(CodegenError::Io { path, error }),
        }
        let current = fs::read(&path).map_err(io_error(&path))?;
        if current == file.contents.as_bytes() {
            comparison.unchanged.push(file.path.clone());
        } else {
            let current = String::from_utf8_lossy(&current);
            let diff = similar::TextDiff::from_lines(current.as_ref(), &file.contents)
                .unified_diff()
                .context_radius(3)
                .header(&format!("a/{}", file.path), &format!("b/{}", file.path))
                .to_string();
            comparison.stale.push((file.path.clone(), diff));
        }
    }
    comparison.extra = existing_generated(root)?.into_iter().filter(|path| !produced.contains(path.as_str())).collect();
    Ok(comparison)
}

/// Writes what differs and removes the extra files, all or nothing (see [`transaction`]): every
/// new file is staged in full first, then each is renamed into place keeping its original
/// aside, and the extra files are removed only once every rename succeeded. Whatever fails
/// before the change is complete leaves `generated/` and the schemas exactly as they were, with
/// no temporary file behind. Returns the comparison it acted on.
pub fn apply(root: &Path, files: &[GeneratedFile]) -> Result<Comparison, CodegenError> {
    apply_with(root, files, &mut |_| Ok(()))
}

/// [`apply`], calling `hook` before each step of the change; an error from the hook fails that
/// step. For tests of failures at every point.
pub fn apply_with(
    root: &Path,
    files: &[GeneratedFile],
    hook: &mut dyn FnMut(transaction::Step<'_>) -> io::Result<()>,
) -> Result<Comparison, CodegenError> {
    let comparison = compare(root, files)?;
    let by_path: std::collections::HashMap<&str, &GeneratedFile> =
        files.iter().map(|file| (file.path.as_str(), file)).collect();
    let writes: Vec<(PathBuf, &[u8])> = comparison
        .stale
        .iter()
        .map(|(path, _)| path)
        .chain(&comparison.missing)
        .filter_map(|relative| by_path.get(relative.as_str()))
        .map(|file| (root.join(&file.path), file.contents.as_bytes()))
        .collect();
    let removals: Vec<PathBuf> = comparison.extra.iter().map(|relative| root.join(relative)).collect();
    transaction::commit_with(&writes, &removals, hook).map_err(CodegenError::Write)?;
    for path in &removals {
        remove_empty_parents(root, path);
    }
    Ok(comparison)
}

/// Writes one file atomically: a reader, or an interrupted run, sees the old file or the new one,
/// never half of one.
pub fn write_atomically(target: &Path, contents: &[u8]) -> Result<(), CodegenError> {
    transaction::write_atomically(target, contents).map_err(io_error(target))
}

/// Removes the directories above `path` while they are empty, up to `root`.
fn remove_empty_parents(root: &Path, path: &Path) {
    let mut dir = path.parent();
    while let Some(current) = dir {
        if current == root || !current.starts_with(root) || fs::remove_dir(current).is_err() {
            break;
        }
        dir = current.parent();
    }
}

/// The summary `cargo xtask codegen` prints: what it wrote, kept and removed.
pub fn apply_report(comparison: &Comparison) -> String {
    let mut out = String::new();
    for (path, _) in &comparison.stale {
        let _ = writeln!(out, "wrote   {path}");
    }
    for path in &comparison.missing {
        let _ = writeln!(out, "created {path}");
    }
    for path in &comparison.extra {
        let _ = writeln!(out, "removed {path}");
    }
    let _ = writeln!(
        out,
        "codegen: {} written, {} kept, {} removed",
        comparison.stale.len() + comparison.missing.len(),
        comparison.unchanged.len(),
        comparison.extra.len()
    );
    out
}
