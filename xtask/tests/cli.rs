//! The `xtask` binary as a process: it acts on the workspace it is run in (not the one it was
//! built in), says so when it is run outside one, and its help speaks of `cargo xtask`.

#![allow(clippy::unwrap_used)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A directory of this test's own, outside every workspace (the system's temporary directory),
/// removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("tcgen-xtask-cli-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }

    /// Makes it a minimal clone: a workspace manifest, the common error codes and the
    /// CertificateOrderSubmit fixture as its only service.
    fn clone_of_the_workspace(name: &str) -> Self {
        let dir = Self::new(name);
        let root = xtask::workspace_root();
        fs::write(dir.0.join("Cargo.toml"), "[workspace]\nmembers = []\n").unwrap();
        fs::create_dir_all(dir.0.join("specs/common")).unwrap();
        fs::create_dir_all(dir.0.join("specs/services")).unwrap();
        fs::copy(root.join("specs/common/errors.yaml"), dir.0.join("specs/common/errors.yaml")).unwrap();
        let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/certificate-order-submit.yaml");
        fs::copy(fixture, dir.0.join("specs/services/ssl.yaml")).unwrap();
        dir
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// Runs the binary cargo built for these tests in `dir`, without cargo's environment variables
/// that name this workspace.
fn xtask(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .current_dir(dir)
        .env_remove("CARGO_MANIFEST_DIR")
        .env_remove("CARGO_PKG_NAME")
        .output()
        .unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn the_binary_acts_on_the_workspace_it_is_run_in_not_the_one_it_was_built_in() {
    let clone = TempDir::clone_of_the_workspace("other-clone");
    // From a subdirectory, as `cargo xtask` may be run anywhere inside the workspace.
    let output = xtask(&clone.0.join("specs/services"), &["codegen"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let report = stdout(&output);
    assert!(report.contains("created generated/src/ssl/certificate_order_submit.rs"), "{report}");
    assert!(report.ends_with("codegen: 12 written, 0 kept, 0 removed\n"), "{report}");
    assert!(clone.0.join("generated/src/ssl/mod.rs").is_file());
    assert!(clone.0.join("specs/spec.schema.json").is_file());

    let output = xtask(&clone.0, &["codegen", "--check"]);
    assert!(output.status.success(), "{}{}", stdout(&output), stderr(&output));
    assert_eq!(stdout(&output), "generated code is up to date (12 files)\n");

    // A stale file in the clone fails its check, not this workspace's.
    let action = clone.0.join("generated/src/ssl/certificate_order_submit.rs");
    fs::write(&action, fs::read_to_string(&action).unwrap().replace("Order number", "Order No.")).unwrap();
    let output = xtask(&clone.0.join("generated"), &["codegen", "--check"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).contains("--- a/generated/src/ssl/certificate_order_submit.rs"));
    let here = xtask(&xtask::workspace_root(), &["codegen", "--check"]);
    assert!(here.status.success(), "{}", stdout(&here));
    assert!(stdout(&here).starts_with("generated code is up to date"));
}

#[test]
fn outside_a_workspace_the_binary_says_so_and_fails() {
    let nowhere = TempDir::new("nowhere");
    // A workspace manifest without specs/ next to it is some other project.
    fs::write(nowhere.0.join("Cargo.toml"), "[workspace]\n").unwrap();
    for args in [&["codegen"][..], &["codegen", "--check"], &["scale", "--from", "x"]] {
        let output = xtask(&nowhere.0, args);
        assert_eq!(output.status.code(), Some(1), "{args:?}");
        let message = stderr(&output);
        assert!(message.starts_with("not inside a tcgen workspace: neither "), "{message}");
        assert!(message.contains(&nowhere.0.display().to_string()), "{message}");
        assert!(stdout(&output).is_empty());
    }
    assert_eq!(fs::read_dir(&nowhere.0).unwrap().count(), 1, "something was written");
}

#[test]
fn the_help_and_every_usage_line_say_cargo_xtask() {
    // Help needs no workspace.
    let nowhere = TempDir::new("help");
    let help = stdout(&xtask(&nowhere.0, &["--help"]));
    assert!(help.contains("Usage: cargo xtask <COMMAND>"), "{help}");
    for task in ["codegen", "import", "scale"] {
        let output = xtask(&nowhere.0, &[task, "--help"]);
        assert!(output.status.success());
        assert!(stdout(&output).contains(&format!("Usage: cargo xtask {task} ")), "{}", stdout(&output));
        let output = xtask(&nowhere.0, &["help", task]);
        assert!(stdout(&output).contains(&format!("Usage: cargo xtask {task} ")), "{}", stdout(&output));
    }
    let output = xtask(&nowhere.0, &["codegen", "--bogus"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("Usage: cargo xtask codegen [OPTIONS]"), "{}", stderr(&output));
    let output = xtask(&nowhere.0, &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("Usage: cargo xtask <COMMAND>"), "{}", stderr(&output));
}
