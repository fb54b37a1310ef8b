//! `cargo xtask codegen` end to end, on copies of the workspace's specs in temporary trees, and
//! the freshness check of the real tree (so that `cargo test` fails when it is stale). Also: a
//! write that fails at any step changes nothing, and unreadable specs (FIFOs, devices, huge or
//! non-UTF-8 files, `.yml` names) are located errors.

#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use xtask::codegen::{self, CodegenError};
use xtask::transaction::{CommitError, Step};

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

/// Every directory and file under `root/generated` and `root/specs` (symbolic links as their
/// targets), with contents.
fn tree(root: &Path) -> BTreeMap<PathBuf, Option<Vec<u8>>> {
    let mut entries = BTreeMap::new();
    let mut pending = vec![root.join("generated"), root.join("specs")];
    while let Some(dir) = pending.pop() {
        for entry in fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            let file_type = entry.file_type().unwrap();
            let contents = if file_type.is_dir() {
                pending.push(path.clone());
                None
            } else if file_type.is_symlink() {
                Some(fs::read_link(&path).unwrap().into_os_string().into_encoded_bytes())
            } else if file_type.is_file() {
                Some(fs::read(&path).unwrap())
            } else {
                Some(b"(special file)".to_vec())
            };
            entries.insert(path.strip_prefix(root).unwrap().to_owned(), contents);
        }
    }
    entries
}

/// What codegen owns, for before/after comparisons: every directory and file under `generated/`
/// and the schemas in `specs/` (with anything next to them named after them).
fn snapshot(root: &Path) -> BTreeMap<PathBuf, Option<Vec<u8>>> {
    let mut entries = tree(root);
    entries.retain(|path, _| {
        path.starts_with("generated")
            || (path.parent() == Some(Path::new("specs")) && path.to_string_lossy().contains(".schema.json"))
    });
    entries
}

/// Temporary files and backups left in the tree.
fn leftovers(root: &Path) -> Vec<PathBuf> {
    tree(root).into_keys().filter(|path| path.to_string_lossy().contains(".tcgen-")).collect()
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
    assert!(report.contains("--- a/generated/src/ssl/certificate_order_submit.rs"), "{report}");
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
    assert!(report.contains("+    pub remark: ::core::option::Option<::std::string::String>,"), "{report}");
}

#[test]
fn files_no_spec_produces_are_listed_and_removed_but_hand_written_files_stay() {
    let scratch = Scratch::new("extra");
    scratch.generate_and_apply();
    let stale_action = scratch.path("generated/src/ssl/old_action.rs");
    fs::write(&stale_action, format!("// {}\nfn old() {{}}\n", tcgen::emit::HEADER_TEXT)).unwrap();
    let hand_written = scratch.path("generated/src/ssl/notes.rs");
    fs::write(&hand_written, "// written by a person\n").unwrap();
    let comparison = scratch.check();
    assert_eq!(comparison.extra, ["generated/src/ssl/old_action.rs"]);
    assert!(comparison.check_report().contains("extra (no spec produces it): generated/src/ssl/old_action.rs"));
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

/// A tree where applying needs every kind of step: directories to create (the ssl module is
/// gone), files to create, files to replace (the manifest and a schema are stale), files to remove
/// (a retired module, one of them alone in its directory), and a hand-written file that stays.
fn a_tree_that_needs_every_kind_of_step(name: &str) -> Scratch {
    let scratch = Scratch::new(name);
    scratch.generate_and_apply();
    fs::remove_dir_all(scratch.path("generated/src/ssl")).unwrap();
    let header = tcgen::emit::HEADER_TEXT;
    fs::write(scratch.path("generated/Cargo.toml"), format!("# {header}\n[package]\nname = \"stale\"\n")).unwrap();
    fs::write(scratch.path("specs/spec.schema.json"), format!("{{\"$comment\": \"{header}\"}}\n")).unwrap();
    fs::write(scratch.path("generated/src/retired.rs"), format!("// {header}\n")).unwrap();
    fs::create_dir_all(scratch.path("generated/src/retired")).unwrap();
    fs::write(scratch.path("generated/src/retired/old.rs"), format!("// {header}\n")).unwrap();
    fs::write(scratch.path("generated/src/notes.rs"), "// written by a person\n").unwrap();
    scratch
}

#[test]
fn a_failure_at_any_step_of_a_write_leaves_the_tree_as_it_was() {
    let scratch = a_tree_that_needs_every_kind_of_step("every-step");
    let before = snapshot(&scratch.0);
    let files = codegen::generate(&scratch.0).unwrap();
    let mut kinds = std::collections::BTreeSet::new();
    // Fail the k-th step (not counting the deletion of backups, after the change is complete),
    // for k = 0, 1, ... until a run takes every step without reaching k.
    for k in 0.. {
        let mut taken = 0;
        let mut failed_at = None;
        let result = codegen::apply_with(&scratch.0, &files, &mut |step| {
            if matches!(step, Step::Discard(_)) {
                return Ok(());
            }
            taken += 1;
            if taken - 1 == k {
                failed_at = Some(format!("{step:?}"));
                return Err(io::Error::other("injected failure"));
            }
            Ok(())
        });
        let Some(step) = failed_at else {
            let comparison = result.unwrap();
            assert!(k >= 15, "only {k} steps");
            assert_eq!(comparison.extra.len(), 2);
            break;
        };
        kinds.insert(step.split('(').next().unwrap().to_owned());
        let error = result.unwrap_err();
        assert!(
            matches!(error, CodegenError::Write(CommitError::Undone { ref undo_failures, .. }) if undo_failures.is_empty())
        );
        assert!(error.to_string().ends_with("injected failure; every file was left as it was"), "{error}");
        assert_eq!(snapshot(&scratch.0), before, "failing at step {k} ({step}) changed the tree");
    }
    assert_eq!(kinds.into_iter().collect::<Vec<_>>(), ["Backup", "CreateDir", "Remove", "Rename", "Stage"]);
    assert!(scratch.check().is_fresh());
    assert!(!scratch.path("generated/src/retired").exists(), "the emptied directory is still there");
    assert!(scratch.path("generated/src/notes.rs").exists());
    assert!(leftovers(&scratch.0).is_empty(), "{:?}", leftovers(&scratch.0));
}

#[test]
fn a_file_where_a_directory_goes_fails_the_write_and_changes_nothing() {
    let scratch = a_tree_that_needs_every_kind_of_step("file-for-dir");
    // A real failure, no hook: the stale files are staged, then the ssl directory cannot be made.
    fs::write(scratch.path("generated/src/ssl"), "in the way\n").unwrap();
    let before = snapshot(&scratch.0);
    let files = codegen::generate(&scratch.0).unwrap();
    let error = codegen::apply(&scratch.0, &files).unwrap_err();
    assert!(error.to_string().contains("generated/src/ssl: not a directory, where one is needed"), "{error}");
    assert!(error.to_string().ends_with("every file was left as it was"), "{error}");
    assert_eq!(snapshot(&scratch.0), before);
    fs::remove_file(scratch.path("generated/src/ssl")).unwrap();
    scratch.generate_and_apply();
    assert!(scratch.check().is_fresh());
}

#[test]
fn a_directory_where_a_generated_file_goes_is_refused_before_anything_is_written() {
    let scratch = a_tree_that_needs_every_kind_of_step("dir-for-file");
    fs::create_dir_all(scratch.path("generated/src/ssl/types.rs")).unwrap();
    let before = snapshot(&scratch.0);
    let files = codegen::generate(&scratch.0).unwrap();
    let error = codegen::apply(&scratch.0, &files).unwrap_err();
    assert!(error.to_string().contains("types.rs: not a regular file, where a generated file goes"), "{error}");
    assert_eq!(snapshot(&scratch.0), before);
}

#[test]
fn backups_that_cannot_be_deleted_are_reported_and_the_next_run_removes_them() {
    let scratch = a_tree_that_needs_every_kind_of_step("discard");
    let files = codegen::generate(&scratch.0).unwrap();
    let error = codegen::apply_with(&scratch.0, &files, &mut |step| match step {
        Step::Discard(_) => Err(io::Error::other("injected failure")),
        _ => Ok(()),
    })
    .unwrap_err();
    let message = error.to_string();
    assert!(message.starts_with("every file was written, but the backup "), "{message}");
    assert!(message.contains(".tcgen-") && message.ends_with("could not be deleted: injected failure"), "{message}");
    // The change is complete; the backups (two replaced files, two removed ones) are extra.
    let comparison = scratch.check();
    assert!(comparison.stale.is_empty() && comparison.missing.is_empty(), "{comparison:?}");
    assert_eq!(comparison.extra.len(), 4, "{comparison:?}");
    assert!(comparison.extra.iter().all(|path| path.contains(".tcgen-")), "{comparison:?}");
    scratch.generate_and_apply();
    assert!(scratch.check().is_fresh());
    assert!(leftovers(&scratch.0).is_empty(), "{:?}", leftovers(&scratch.0));
}

#[test]
fn what_an_interrupted_run_left_is_listed_as_extra_and_removed() {
    let scratch = Scratch::new("interrupted");
    scratch.generate_and_apply();
    // A temporary file without the header (killed while writing) and a backup of the manifest.
    fs::write(scratch.path("generated/src/ssl/.types.rs.tcgen-999-0.tmp"), "pub struct Ha").unwrap();
    fs::write(scratch.path("generated/.Cargo.toml.tcgen-999-1.bak"), "[package]\n").unwrap();
    let comparison = scratch.check();
    assert_eq!(
        comparison.extra,
        ["generated/.Cargo.toml.tcgen-999-1.bak", "generated/src/ssl/.types.rs.tcgen-999-0.tmp"]
    );
    scratch.generate_and_apply();
    assert!(scratch.check().is_fresh());
    assert!(leftovers(&scratch.0).is_empty());
}

#[test]
fn two_outputs_with_one_path_or_a_path_outside_the_tree_are_refused_and_nothing_is_written() {
    let scratch = a_tree_that_needs_every_kind_of_step("duplicate-path");
    let before = snapshot(&scratch.0);
    let files = codegen::generate(&scratch.0).unwrap();
    let mut duplicated = files.clone();
    duplicated.push(tcgen::GeneratedFile { path: files[0].path.clone(), contents: "other\n".to_owned() });
    let error = codegen::apply(&scratch.0, &duplicated).unwrap_err();
    assert!(matches!(error, CodegenError::Generator(_)), "{error}");
    assert_eq!(
        error.to_string(),
        format!(
            "internal error of the generator: it produced two files with the path {}; nothing was written",
            files[0].path
        )
    );
    for path in ["specs/services/ssl.yaml", "generated/../Cargo.toml", "/etc/x", "generated//x.rs", "README.md"] {
        let mut escaping = files.clone();
        escaping.push(tcgen::GeneratedFile { path: path.to_owned(), contents: "x\n".to_owned() });
        let error = codegen::apply(&scratch.0, &escaping).unwrap_err();
        assert!(
            error.to_string().contains("which is not a plain relative path in `generated/` or of a spec schema"),
            "{path}: {error}"
        );
    }
    assert_eq!(snapshot(&scratch.0), before);
}

/// Runs `codegen::generate` on another thread and fails, instead of hanging, when it blocks.
fn generate_within_seconds(root: &Path, seconds: u64) -> Result<Vec<tcgen::GeneratedFile>, CodegenError> {
    let (sender, receiver) = std::sync::mpsc::channel();
    let root = root.to_owned();
    std::thread::spawn(move || sender.send(codegen::generate(&root)));
    receiver.recv_timeout(std::time::Duration::from_secs(seconds)).expect("codegen blocked")
}

/// The messages of the spec problems `generate` reports.
fn spec_problems(root: &Path) -> Vec<String> {
    match generate_within_seconds(root, 30) {
        Err(CodegenError::Specs(diagnostics)) => diagnostics.0.iter().map(ToString::to_string).collect(),
        Err(other) => panic!("not a spec problem: {other}"),
        Ok(_) => panic!("generated although a spec cannot be read"),
    }
}

#[cfg(unix)]
fn mkfifo(path: &Path) {
    let status = std::process::Command::new("mkfifo").arg(path).status().unwrap();
    assert!(status.success(), "mkfifo {}", path.display());
}

#[cfg(unix)]
#[test]
fn a_fifo_named_like_a_spec_is_refused_without_blocking() {
    let scratch = Scratch::new("fifo");
    scratch.generate_and_apply();
    let before = snapshot(&scratch.0);
    mkfifo(&scratch.path("specs/services/pipe.yaml"));
    assert_eq!(
        spec_problems(&scratch.0),
        ["specs/services/pipe.yaml:1:1: the spec is a FIFO (named pipe), not a regular file (a regular file, or a \
          symbolic link to one)"]
    );
    fs::remove_file(scratch.path("specs/services/pipe.yaml")).unwrap();
    // A FIFO that is no spec is never opened, neither among the specs nor among the schemas.
    mkfifo(&scratch.path("specs/services/notes.txt"));
    mkfifo(&scratch.path("specs/pipe.schema.json"));
    let files = generate_within_seconds(&scratch.0, 30).unwrap();
    let comparison = codegen::apply(&scratch.0, &files).unwrap();
    assert!(comparison.is_fresh(), "{}", comparison.check_report());
    assert_eq!(snapshot(&scratch.0).len(), before.len() + 1); // the FIFO among the schemas
}

#[cfg(unix)]
#[test]
fn a_link_to_a_device_is_refused_and_a_link_to_a_regular_file_is_read() {
    let scratch = Scratch::new("links");
    scratch.generate_and_apply();
    let before = snapshot(&scratch.0);
    std::os::unix::fs::symlink("/dev/zero", scratch.path("specs/services/zero.yaml")).unwrap();
    std::os::unix::fs::symlink("nowhere.yaml", scratch.path("specs/services/dangling.yaml")).unwrap();
    // An editor's lock file (a dangling link) is hidden, and ignored.
    std::os::unix::fs::symlink("user@host.1234", scratch.path("specs/services/.#ssl.yaml")).unwrap();
    let problems = spec_problems(&scratch.0);
    assert_eq!(problems.len(), 2, "{problems:#?}");
    assert!(problems[0].starts_with("specs/services/dangling.yaml:1:1: cannot read the file: "), "{}", problems[0]);
    assert_eq!(
        problems[1],
        "specs/services/zero.yaml:1:1: the spec is a character device, not a regular file (a regular file, or a \
         symbolic link to one)"
    );
    assert_eq!(snapshot(&scratch.0), before);
    fs::remove_file(scratch.path("specs/services/zero.yaml")).unwrap();
    fs::remove_file(scratch.path("specs/services/dangling.yaml")).unwrap();
    // The spec itself as a link to a regular file elsewhere.
    let elsewhere = scratch.path("ssl-elsewhere.yaml");
    fs::rename(scratch.path("specs/services/ssl.yaml"), &elsewhere).unwrap();
    std::os::unix::fs::symlink(&elsewhere, scratch.path("specs/services/ssl.yaml")).unwrap();
    assert!(scratch.check().is_fresh());
}

#[test]
fn a_spec_over_the_size_cap_is_refused_after_reading_no_more_than_the_cap() {
    let scratch = Scratch::new("huge");
    scratch.generate_and_apply();
    let before = snapshot(&scratch.0);
    // A sparse file of 64 times the cap: refused after reading one byte more than the cap.
    let huge = fs::File::create(scratch.path("specs/services/huge.yaml")).unwrap();
    huge.set_len(64 * tcgen::load::MAX_SPEC_BYTES as u64).unwrap();
    drop(huge);
    let max = tcgen::load::MAX_SPEC_BYTES;
    assert_eq!(
        spec_problems(&scratch.0),
        [format!("specs/services/huge.yaml:1:1: the file is larger than {max} bytes (at most {max} bytes)")]
    );
    fs::remove_file(scratch.path("specs/services/huge.yaml")).unwrap();
    assert_eq!(snapshot(&scratch.0), before);
}

#[test]
fn invalid_utf8_is_reported_at_the_line_and_column_of_its_first_byte() {
    let scratch = Scratch::new("utf8");
    scratch.generate_and_apply();
    let before = snapshot(&scratch.0);
    let text = fs::read_to_string(scratch.path("specs/services/ssl.yaml")).unwrap();
    let edited = text.replacen("  title: SSL Certificates\n", "  title: SSL\u{e9}\u{1}\n", 1);
    assert_ne!(edited, text);
    // Line 6 reads `  title: SSLé` and then the invalid byte, at column 14.
    let mut bytes = edited.into_bytes();
    let offset = bytes.iter().position(|&byte| byte == 1).unwrap();
    bytes[offset] = 0xff;
    fs::write(scratch.path("specs/services/ssl.yaml"), bytes).unwrap();
    assert_eq!(
        spec_problems(&scratch.0),
        [format!(
            "specs/services/ssl.yaml:6:14: the file is not valid UTF-8: byte 0xff at offset {offset} is not part of \
             a character (UTF-8 text)"
        )]
    );
    assert_eq!(snapshot(&scratch.0), before);
}

#[test]
fn a_yml_file_is_an_error_and_other_files_are_ignored() {
    let scratch = Scratch::new("yml");
    scratch.generate_and_apply();
    let before = snapshot(&scratch.0);
    fs::copy(scratch.path("specs/services/ssl.yaml"), scratch.path("specs/services/cvm.yml")).unwrap();
    fs::write(scratch.path("specs/services/dns.YAML"), "service: {}\n").unwrap();
    assert_eq!(
        spec_problems(&scratch.0),
        [
            "specs/services/cvm.yml:1:1: `cvm.yml` is not read: spec files end in `.yaml` (rename it to `cvm.yaml`)",
            "specs/services/dns.YAML:1:1: `dns.YAML` is not read: spec files end in `.yaml` (rename it to `dns.yaml`)",
        ]
    );
    assert_eq!(snapshot(&scratch.0), before);
    fs::remove_file(scratch.path("specs/services/cvm.yml")).unwrap();
    fs::remove_file(scratch.path("specs/services/dns.YAML")).unwrap();
    for ignored in ["README.md", ".gitkeep", ".ssl.yaml.swp", "ssl.yaml~", "yaml"] {
        fs::write(scratch.path(&format!("specs/services/{ignored}")), [0xff, 0xfe]).unwrap();
    }
    assert!(scratch.check().is_fresh());
}

#[test]
fn unreadable_specs_are_reported_with_the_problems_of_the_readable_ones() {
    let scratch = Scratch::new("together");
    scratch.generate_and_apply();
    let before = snapshot(&scratch.0);
    fs::write(scratch.path("specs/services/broken.yaml"), b"service:\n  name: \xc3\n").unwrap();
    fs::write(scratch.path("specs/services/old.yml"), "service: {}\n").unwrap();
    scratch.edit_spec("version: \"2019-12-05\"", "version: \"2019-13\"");
    let problems = spec_problems(&scratch.0);
    assert_eq!(problems.len(), 3, "{problems:#?}");
    assert!(
        problems[0].starts_with("specs/services/broken.yaml:2:9: the file is not valid UTF-8: byte 0xc3 at offset 17")
    );
    assert!(problems[1].starts_with("specs/services/old.yml:1:1: `old.yml` is not read"));
    assert!(problems[2].starts_with("specs/services/ssl.yaml:5:12: invalid API version"));
    let files = codegen::generate(&scratch.0);
    assert!(files.unwrap_err().to_string().ends_with("3 problem(s) found in the specs; nothing was written"));
    assert_eq!(snapshot(&scratch.0), before);
}
