//! Maintenance tasks of the tcgen workspace, run as `cargo xtask <task>`.

#![forbid(unsafe_code)]

pub mod codegen;
pub mod import;
pub mod scale;
pub mod spec_files;

use std::path::PathBuf;

/// The workspace root (the parent of this crate's directory).
pub fn workspace_root() -> PathBuf {
    let manifest_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().map(PathBuf::from).unwrap_or(manifest_dir)
}
