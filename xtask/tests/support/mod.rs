//! What the importer tests share: the fixture, scratch directories, and running an import.
//! The tests read only the fixture under `tests/fixtures/metadata` (written for them), never
//! downloaded metadata or the network.

#![allow(dead_code)] // Each test file uses part of this.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use xtask::import::report::ServiceReport;
use xtask::import::{self, ImportOptions, Selection};

pub type TestResult = Result<(), Box<dyn std::error::Error>>;

/// The hand-written metadata fixture: one service, two versions, every construct.
pub fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/metadata")
}

/// The committed expected output of importing the fixture.
pub fn expected_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/expected")
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

/// The options of `cargo xtask import --from <from> --all --out <out> [--check]`.
pub fn options(from: &Path, out: &Path, check: bool) -> ImportOptions {
    ImportOptions {
        from: from.to_owned(),
        errors: None,
        selection: Selection::All,
        out: out.to_owned(),
        common_errors: xtask::workspace_root().join(xtask::codegen::COMMON_ERRORS_SPEC),
        check,
        validate: !check,
    }
}

/// Imports everything in `from` into `out`.
pub fn import(from: &Path, out: &Path, check: bool) -> Result<Vec<ServiceReport>, import::ImportError> {
    import::run(&options(from, out, check))
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

/// Every difference line of the reports, for assertions.
pub fn difference_lines(reports: &[ServiceReport]) -> Vec<String> {
    reports.iter().flat_map(|report| report.differences.iter().map(|difference| difference.text.clone())).collect()
}
