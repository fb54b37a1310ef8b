//! Maintenance tasks of the tcgen workspace, run as `cargo xtask <task>`.
//!
//! The binary (`main.rs`) only parses arguments; the tasks live here. Every task acts on the
//! workspace found from the current directory at run time ([`find_workspace_root`]), never on the
//! one the binary was compiled in: with a shared `CARGO_TARGET_DIR`, one binary serves several
//! clones.

#![forbid(unsafe_code)]

pub mod codegen;
pub mod corpus_run;
pub mod import;
pub mod scale;
pub mod source;
pub mod spec_files;
pub mod transaction;

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

/// The directory that marks the tcgen workspace, next to its `Cargo.toml`.
const SPECS_DIR: &str = "specs";

/// At most this much of a `Cargo.toml` is read when looking for the workspace.
const MAX_MANIFEST_BYTES: usize = 1024 * 1024;

/// Why no workspace could be found.
#[derive(Debug)]
pub enum RootError {
    /// The current directory cannot be determined (it was removed, or is not accessible).
    CurrentDir(io::Error),
    /// Neither `start` nor any directory above it is the root of a tcgen workspace.
    NotFound {
        /// Where the search started.
        start: PathBuf,
    },
}

impl fmt::Display for RootError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::CurrentDir(error) => write!(f, "cannot determine the current directory: {error}"),
            Self::NotFound { start } => write!(
                f,
                "not inside a tcgen workspace: neither {} nor a directory above it has a Cargo.toml with a \
                 [workspace] table next to a `{SPECS_DIR}/` directory; run `cargo xtask` inside a clone of the \
                 repository",
                start.display()
            ),
        }
    }
}

impl std::error::Error for RootError {}

/// The root of the tcgen workspace that contains `start`: the nearest of `start` and the
/// directories above it whose `Cargo.toml` has a `[workspace]` table and which has a `specs/`
/// directory. A nested workspace without specs (`fuzz/`) is passed over.
pub fn find_workspace_root(start: &Path) -> Result<PathBuf, RootError> {
    start
        .ancestors()
        .find(|dir| dir.join(SPECS_DIR).is_dir() && manifest_has_workspace(&dir.join("Cargo.toml")))
        .map(Path::to_path_buf)
        .ok_or_else(|| RootError::NotFound { start: start.to_owned() })
}

/// The root of the tcgen workspace that contains the current directory. `cargo xtask` runs the
/// binary in the directory it was invoked from, anywhere inside the workspace.
pub fn current_workspace_root() -> Result<PathBuf, RootError> {
    let current = std::env::current_dir().map_err(RootError::CurrentDir)?;
    find_workspace_root(&current)
}

/// [`current_workspace_root`] for tests, which cargo runs in the package directory (`xtask/`).
///
/// # Panics
///
/// When the current directory is not inside a tcgen workspace.
pub fn workspace_root() -> PathBuf {
    current_workspace_root().unwrap_or_else(|error| panic!("{error}"))
}

/// Whether the file at `path` is a regular file (or a link to one) whose text has a
/// `[workspace]` table or a `[workspace.*]` subtable.
fn manifest_has_workspace(path: &Path) -> bool {
    spec_files::read_text(path, MAX_MANIFEST_BYTES).is_ok_and(|text| has_workspace_table(&text))
}

/// Whether a Cargo manifest declares a workspace: a line `[workspace]` or `[workspace.<key>]`,
/// outside comments. A line scan, not a TOML parser: enough for a table header, which TOML
/// requires on a line of its own.
fn has_workspace_table(manifest: &str) -> bool {
    manifest.lines().any(|line| {
        let line = line.split('#').next().unwrap_or_default().trim();
        let Some(header) = line.strip_prefix('[').and_then(|rest| rest.strip_suffix(']')) else { return false };
        if header.starts_with('[') {
            return false; // an array of tables, `[[...]]`
        }
        let header = header.trim();
        header == "workspace" || header.strip_prefix("workspace").is_some_and(|rest| rest.trim_start().starts_with('.'))
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn a_workspace_table_is_recognised_in_its_forms() {
        assert!(has_workspace_table("[workspace]\nmembers = []\n"));
        assert!(has_workspace_table("[package]\nname = \"x\"\n\n  [ workspace ]  # the root\n"));
        assert!(has_workspace_table("[workspace.package]\nedition = \"2024\"\n"));
        assert!(!has_workspace_table("[package]\nname = \"x\"\n"));
        assert!(!has_workspace_table("# [workspace]\n[package]\n"));
        assert!(!has_workspace_table("[workspaces]\n[[workspace]]\n"));
        assert!(!has_workspace_table("[package]\nworkspace = \"..\"\n"));
    }

    #[test]
    fn the_root_is_found_from_any_directory_inside_it() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        assert_eq!(find_workspace_root(root).unwrap(), root);
        assert_eq!(find_workspace_root(&root.join("xtask/src")).unwrap(), root);
        assert_eq!(find_workspace_root(&root.join("specs/services")).unwrap(), root);
        // `fuzz/` is a workspace of its own, without specs: the search goes on above it.
        assert_eq!(find_workspace_root(&root.join("fuzz")).unwrap(), root);
    }

    #[test]
    fn outside_a_workspace_the_error_says_where_the_search_started() {
        let start = std::env::temp_dir().join(format!("tcgen-no-workspace-{}", std::process::id()));
        std::fs::create_dir_all(&start).unwrap();
        let result = find_workspace_root(&start);
        std::fs::remove_dir_all(&start).unwrap();
        let message = result.unwrap_err().to_string();
        assert!(message.starts_with("not inside a tcgen workspace"), "{message}");
        assert!(message.contains(&start.display().to_string()), "{message}");
    }
}
