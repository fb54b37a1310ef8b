//! `cargo xtask codegen [--check]`: brings the generated files in line with the specs, or (with
//! `--check`) reports how they differ, writing nothing.
//!
//! [`generate`] reads the specs ([`spec_files`]) and returns every file or every problem;
//! [`compare`] sets the files against the tree; [`apply`] writes what differs.

use std::fmt::Write as _;
use std::fs;
use std::io::{self, Read as _};
use std::path::{Path, PathBuf};

use tcgen::GeneratedFile;

use crate::spec_files;

/// The common error codes spec, relative to the workspace root.
pub const COMMON_ERRORS_SPEC: &str = "specs/common/errors.yaml";
/// The directory of service specs, relative to the workspace root.
pub const SERVICES_DIR: &str = "specs/services";
/// The command that fixes a stale tree.
pub const FIX_COMMAND: &str = "cargo xtask codegen";

/// What went wrong: the specs have problems, or the disk could not be read or written.
#[derive(Debug)]
pub enum CodegenError {
    /// Problems in the specs (unreadable files among them); nothing was written.
    Specs(tcgen::Diagnostics),
    /// An I/O failure, with the path it concerns.
    Io { path: PathBuf, error: io::Error },
}

impl std::fmt::Display for CodegenError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Specs(diagnostics) => write!(f, "{diagnostics}; nothing was written"),
            Self::Io { path, error } => write!(f, "{}: {error}", path.display()),
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
    let mut problems = Vec::new();
    let common = spec_files::read_spec(root, COMMON_ERRORS_SPEC).map_err(|problem| problems.push(problem)).ok();
    let services_dir = root.join(SERVICES_DIR);
    let mut services = Vec::new();
    for spec in spec_files::service_specs(root, SERVICES_DIR).map_err(io_error(&services_dir))? {
        match spec {
            Ok(source) => services.push(source),
            Err(problem) => problems.push(problem),
        }
    }
    // Without the common error codes every service would report each code it names.
    let Some(common) = common else { return Err(specs_error(problems)) };
    match tcgen::generate(&common, &services) {
        Ok(files) if problems.is_empty() => Ok(files),
        Ok(_) => Err(specs_error(problems)),
        Err(tcgen::Diagnostics(found)) => {
            problems.extend(found);
            Err(specs_error(problems))
        }
    }
}

fn specs_error(mut problems: Vec<tcgen::Diagnostic>) -> CodegenError {
    problems.sort();
    problems.dedup();
    CodegenError::Specs(tcgen::Diagnostics(problems))
}

/// The generated files that exist under `root` now: every file of the generated crate's source
/// and manifest, and the schemas, that starts with the `@generated` header. Only regular files
/// are opened; symbolic links are neither followed nor listed.
fn existing_generated(root: &Path) -> Result<Vec<String>, CodegenError> {
    let mut found = Vec::new();
    let mut pending = vec![root.join("generated/src"), root.join("specs")];
    while let Some(dir) = pending.pop() {
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
                pending.push(path);
            } else if file_type.is_file() && is_generated(&path) {
                let relative = path.strip_prefix(root).unwrap_or(&path);
                found.push(relative.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    let manifest = root.join("generated/Cargo.toml");
    if fs::symlink_metadata(&manifest).is_ok_and(|metadata| metadata.is_file()) && is_generated(&manifest) {
        found.push("generated/Cargo.toml".to_owned());
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

/// Compares the files with the tree under `root`.
pub fn compare(root: &Path, files: &[GeneratedFile]) -> Result<Comparison, CodegenError> {
    let produced: std::collections::HashSet<&str> = files.iter().map(|file| file.path.as_str()).collect();
    let mut comparison = Comparison::default();
    for file in files {
        let path = root.join(&file.path);
        match fs::read_to_string(&path) {
            Ok(current) if current == file.contents => comparison.unchanged.push(file.path.clone()),
            Ok(current) => {
                let diff = similar::TextDiff::from_lines(&current, &file.contents)
                    .unified_diff()
                    .context_radius(3)
                    .header(&format!("a/{}", file.path), &format!("b/{}", file.path))
                    .to_string();
                comparison.stale.push((file.path.clone(), diff));
            }
            Err(error) if error.kind() == io::ErrorKind::NotFound => comparison.missing.push(file.path.clone()),
            Err(error) => return Err(CodegenError::Io { path, error }),
        }
    }
    comparison.extra = existing_generated(root)?.into_iter().filter(|path| !produced.contains(path.as_str())).collect();
    Ok(comparison)
}

/// Writes what differs and removes the extra files. Nothing is touched until every new file has
/// been written in full next to its target; then each is renamed into place. A failure while
/// writing leaves the tree as it was; an interruption during the renames leaves each file whole,
/// old or new, and the next run completes it. Returns the comparison it acted on.
pub fn apply(root: &Path, files: &[GeneratedFile]) -> Result<Comparison, CodegenError> {
    let comparison = compare(root, files)?;
    let by_path: std::collections::HashMap<&str, &GeneratedFile> =
        files.iter().map(|file| (file.path.as_str(), file)).collect();
    let to_write: Vec<&GeneratedFile> = comparison
        .stale
        .iter()
        .map(|(path, _)| path)
        .chain(&comparison.missing)
        .filter_map(|relative| by_path.get(relative.as_str()).copied())
        .collect();
    let mut staged: Vec<(PathBuf, PathBuf)> = Vec::with_capacity(to_write.len());
    for file in to_write {
        let target = root.join(&file.path);
        match stage(&target, file.contents.as_bytes()) {
            Ok(temporary) => staged.push((temporary, target)),
            Err(error) => {
                for (temporary, _) in &staged {
                    let _ = fs::remove_file(temporary);
                }
                return Err(error);
            }
        }
    }
    for (temporary, target) in &staged {
        fs::rename(temporary, target).map_err(io_error(target))?;
    }
    for relative in &comparison.extra {
        let path = root.join(relative);
        fs::remove_file(&path).map_err(io_error(&path))?;
        remove_empty_parents(root, &path);
    }
    Ok(comparison)
}

/// The temporary file `stage` writes for `target`: hidden, next to it, so the rename stays on
/// one file system.
pub fn staging_path(target: &Path) -> PathBuf {
    let dir = target.parent().unwrap_or(Path::new("."));
    let file_name = target.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
    dir.join(format!(".{file_name}.tcgen-{}.tmp", std::process::id()))
}

/// Writes one file atomically: a reader, or an interrupted run, sees the old file or the new one,
/// never half of one.
pub fn write_atomically(target: &Path, contents: &[u8]) -> Result<(), CodegenError> {
    let temporary = stage(target, contents)?;
    fs::rename(&temporary, target).map_err(|error| {
        let _ = fs::remove_file(&temporary);
        CodegenError::Io { path: target.to_owned(), error }
    })
}

/// Writes `contents` to the staging path of `target` and returns that path.
fn stage(target: &Path, contents: &[u8]) -> Result<PathBuf, CodegenError> {
    let dir = target.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir).map_err(io_error(dir))?;
    let temporary = staging_path(target);
    if let Err(error) = fs::write(&temporary, contents) {
        let _ = fs::remove_file(&temporary);
        return Err(CodegenError::Io { path: temporary, error });
    }
    Ok(temporary)
}

fn remove_empty_parents(root: &Path, path: &Path) {
    let mut dir = path.parent();
    while let Some(current) = dir {
        if current == root || fs::remove_dir(current).is_err() {
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
