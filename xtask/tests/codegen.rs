//! `cargo xtask codegen` end to end, on copies of the workspace's specs in temporary trees, and
//! the freshness check of the real tree (so that `cargo test` fails when it is stale).

#![allow(clippy::unwrap_used)]

use std::fs;
use std::path::{Path, PathBuf};

use xtask::codegen::{self, CodegenError};

/// A scratch tree with the workspace's common error codes and, as its only service, a fixed copy
/// of the hand-written CertificateOrderSubmit spec (so line numbers stay put when `specs/` grows).
/// Removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Self {
        let root = std::env::temp_dir().join(format!("tcgen-xtask-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        copy_dir(&xtask::workspace_root().join("specs/common"), &root.join("specs/common"));
        fs::create_dir_all(root.join("specs/services")).unwrap();
        let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/certificate-order-submit.yaml");
        fs::copy(fixture, root.join("specs/services/ssl.yaml")).unwrap();
        Self(root)
    }

    fn path(&self, relative: &str) -> PathBuf {
        self.0.join(relative)
    }

    fn generate_and_apply(&self) -> codegen::Comparison {
        let files = codegen::generate(&self.0).unwrap();
        codegen::apply(&self.0, &files).unwrap()
    }

    fn check(&self) -> codegen::Comparison {
        let files = codegen::generate(&self.0).unwrap();
        codegen::compare(&self.0, &files).unwrap()
    }

    fn edit_spec(&self, from: &str, to: &str) {
        let path = self.path("specs/services/ssl.yaml");
        let text = fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "the spec no longer contains {from:?}");
        fs::write(&path, text.replacen(from, to, 1)).unwrap();
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Every file under `root/generated`, with contents, for before/after comparisons.
fn snapshot(root: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    let mut pending = vec![root.join("generated")];
    while let Some(dir) = pending.pop() {
        for entry in fs::read_dir(&dir).into_iter().flatten().flatten() {
            if entry.file_type().unwrap().is_dir() {
                pending.push(entry.path());
            } else {
                files.push((entry.path(), fs::read(entry.path()).unwrap()));
            }
        }
    }
    files.sort();
    files
}

#[test]
fn the_committed_generated_code_is_fresh() {
    let root = xtask::workspace_root();
    let files = codegen::generate(&root).unwrap_or_else(|error| panic!("{error}"));
    let comparison = codegen::compare(&root, &files).unwrap();
    assert!(comparison.is_fresh(), "{}", comparison.check_report());
}

#[test]
fn a_second_run_writes_nothing_and_output_is_deterministic() {
    let scratch = Scratch::new("deterministic");
    let first = scratch.generate_and_apply();
    assert!(!first.missing.is_empty());
    let before = snapshot(&scratch.0);
    let second = scratch.generate_and_apply();
    assert!(second.is_fresh(), "{}", second.check_report());
    assert_eq!(snapshot(&scratch.0), before);
}

#[test]
fn a_doc_edit_makes_the_check_fail_with_a_diff_naming_the_file() {
    let scratch = Scratch::new("doc-edit");
    scratch.generate_and_apply();
    scratch.edit_spec("Order number from the certificate authority.", "Order number issued by the CA.");
    let comparison = scratch.check();
    assert!(!comparison.is_fresh());
    let report = comparison.check_report();
    assert!(report.contains("--- a/generated/src/services/ssl/certificate_order_submit.rs"), "{report}");
    assert!(report.contains("+    /// Order number issued by the CA."), "{report}");
    assert!(report.trim_end().ends_with("run `cargo xtask codegen` to update it"), "{report}");
    let applied = scratch.generate_and_apply();
    assert_eq!(applied.stale.len(), 1);
    assert!(scratch.check().is_fresh());
}

#[test]
fn a_new_optional_parameter_makes_the_check_fail() {
    let scratch = Scratch::new("new-parameter");
    scratch.generate_and_apply();
    scratch.edit_spec(
        "    response:\n      OrderId:",
        "      Remark:\n        type: string\n        doc: A note for the order.\n    response:\n      OrderId:",
    );
    let report = scratch.check().check_report();
    assert!(report.contains("+    pub remark: Option<String>,"), "{report}");
}

#[test]
fn files_no_spec_produces_are_listed_and_removed_but_hand_written_files_stay() {
    let scratch = Scratch::new("extra");
    scratch.generate_and_apply();
    let stale_action = scratch.path("generated/src/services/ssl/old_action.rs");
    fs::write(&stale_action, format!("// {}\nfn old() {{}}\n", tcgen::emit::HEADER_TEXT)).unwrap();
    let hand_written = scratch.path("generated/src/services/ssl/notes.rs");
    fs::write(&hand_written, "// written by a person\n").unwrap();
    let comparison = scratch.check();
    assert_eq!(comparison.extra, ["generated/src/services/ssl/old_action.rs"]);
    assert!(
        comparison.check_report().contains("extra (no spec produces it): generated/src/services/ssl/old_action.rs")
    );
    scratch.generate_and_apply();
    assert!(!stale_action.exists());
    assert!(hand_written.exists());
}

#[test]
fn a_spec_with_five_mistakes_reports_five_located_errors_and_writes_nothing() {
    let scratch = Scratch::new("five-mistakes");
    scratch.generate_and_apply();
    let before = snapshot(&scratch.0);
    scratch.edit_spec("version: \"2019-12-05\"", "version: \"2019-13\"");
    scratch.edit_spec("      - {value: 1, name: Approved", "      - {value: 0, name: Approved");
    scratch.edit_spec("        type: string\n        required: true", "        type: strin\n        required: true");
    scratch.edit_spec("        type: bool\n", "        type: bool\n        colour: red\n");
    scratch.edit_spec("      - FailedOperation.NoRealNameAuth\n", "      - FailedOperation.NoSuchCode\n");
    let Err(CodegenError::Specs(diagnostics)) = codegen::generate(&scratch.0) else {
        panic!("a broken spec generated code");
    };
    let messages: Vec<String> = diagnostics.0.iter().map(ToString::to_string).collect();
    assert_eq!(messages.len(), 5, "{messages:#?}");
    let expected_starts = [
        "specs/services/ssl.yaml:5:12: invalid API version \"2019-13\" (a date, YYYY-MM-DD)",
        "specs/services/ssl.yaml:47:17: value 0 of enum `CertificateStatus` is listed twice",
        "specs/services/ssl.yaml:84:15: unknown type `strin` (did you mean `string`?",
        "specs/services/ssl.yaml:104:9: unknown key `colour` (expected one of `type`, `list`",
        "specs/services/ssl.yaml:118:9: error code `FailedOperation.NoSuchCode` is not defined",
    ];
    for (message, expected) in messages.iter().zip(expected_starts) {
        assert!(message.starts_with(expected), "{message}\n  does not start with\n{expected}");
    }
    assert_eq!(snapshot(&scratch.0), before, "generated/ changed although the spec is broken");
}

#[test]
fn a_failed_write_leaves_the_tree_as_it_was() {
    let scratch = Scratch::new("failed-write");
    scratch.generate_and_apply();
    let before = snapshot(&scratch.0);
    // A doc edit changes the action file; a new action adds a file and changes mod.rs.
    scratch.edit_spec("Order number from the certificate authority.", "Order number issued by the CA.");
    scratch.edit_spec(
        "actions:\n",
        "actions:\n  CertificateOrderCheck:\n    title: Check\n    doc: Checks.\n    request:\n      CertId: {type: string, required: true, doc: The ID.}\n",
    );
    let files = codegen::generate(&scratch.0).unwrap();
    let comparison = codegen::compare(&scratch.0, &files).unwrap();
    assert!(comparison.stale.len() >= 2 && !comparison.missing.is_empty(), "{comparison:?}");
    // Make the staging of the new file fail: a directory stands where its temporary file goes.
    let blocked = codegen::staging_path(&scratch.path("generated/src/services/ssl/certificate_order_check.rs"));
    fs::create_dir_all(&blocked).unwrap();
    let error = codegen::apply(&scratch.0, &files).unwrap_err();
    assert!(error.to_string().contains("certificate_order_check.rs"), "{error}");
    fs::remove_dir(&blocked).unwrap();
    assert_eq!(snapshot(&scratch.0), before, "a failed run changed generated/");
    // The next run completes the change.
    scratch.generate_and_apply();
    assert!(scratch.check().is_fresh());
}
