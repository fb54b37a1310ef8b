//! What the importer's command-line tests share: the fixture, scratch workspaces, and running
//! the real `cargo xtask import`. The tests read only the fixture under
//! `generator/tests/fixtures/import/metadata` (written for them), never downloaded metadata or
//! the network.

#![allow(dead_code)] // Each test file uses part of this.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::Command;

pub type TestResult = Result<(), Box<dyn std::error::Error>>;

/// The hand-written metadata fixture: one service, two versions, every construct.
pub fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../generator/tests/fixtures/import/metadata")
}

/// An empty directory of this test's own under cargo's scratch space.
pub fn scratch(name: &str) -> io::Result<PathBuf> {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("import-tests").join(name);
    if dir.exists() {
        fs::remove_dir_all(&dir)?;
    }
    fs::create_dir_all(&dir)?;
    Ok(dir)
}

/// A scratch workspace: `specs/services/`, `specs/curation/`, `specs/review/` under `dir`.
pub fn services_dir(dir: &Path) -> PathBuf {
    dir.join("specs/services")
}

/// Runs `cargo xtask import --from <from> --out <out> <args>` and returns (success, stdout +
/// stderr).
pub fn xtask_import(from: &Path, out: &Path, args: &[&str]) -> Result<(bool, String), io::Error> {
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("import")
        .args(args)
        .arg("--from")
        .arg(from)
        .arg("--out")
        .arg(out)
        .output()?;
    let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    Ok((output.status.success(), text))
}

/// Copies a directory tree.
pub fn copy_tree(from: &Path, to: &Path) -> io::Result<()> {
    fs::create_dir_all(to)?;
    for entry in fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_tree(&entry.path(), &target)?;
        } else {
            fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

/// The fixture copied to `dir`, with `edit` applied to the newest version's api.json.
pub fn changed_metadata(dir: &Path, edit: impl FnOnce(&mut serde_json::Value)) -> TestResult {
    copy_tree(&fixture(), dir)?;
    let api = dir.join("tccli/services/demo/v20240101/api.json");
    let mut value: serde_json::Value = serde_json::from_str(&fs::read_to_string(&api)?)?;
    edit(&mut value);
    fs::write(&api, serde_json::to_string_pretty(&value)?)?;
    Ok(())
}

/// The members of an object of an api.json.
pub fn members<'a>(api: &'a mut serde_json::Value, object: &str) -> Option<&'a mut Vec<serde_json::Value>> {
    api.pointer_mut(&format!("/objects/{object}/members"))?.as_array_mut()
}
