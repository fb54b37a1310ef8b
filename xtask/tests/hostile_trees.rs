//! Hostile and careless specs, end to end through the `cargo xtask codegen` binary, one case (or
//! more) per class of defect a review found: each is either refused with `file:line:col`, the
//! generated tree byte for byte as it was and no temporary file left, or accepted, and then the
//! workspace loads, `--check` is fresh and the generated crate compiles and passes its own tests
//! with every feature.

#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A valid service every case starts from; its module is `base`.
const BASE: &str = r#"service:
  name: base
  version: "2020-01-01"
  title: Base
  endpoint: base.intl.tencentcloudapi.com
  mainland_endpoint: base.tencentcloudapi.com
actions:
  Ping:
    title: Ping
    doc: Pings.
    request:
      Name: {type: string, doc: A name.}
    response:
      Count: {type: int64, doc: A count.}
"#;

/// A service spec named `name` (its module) with `body` after the `service` section.
fn service(name: &str, body: &str) -> String {
    format!(
        "service:\n  name: {name}\n  version: \"2020-01-01\"\n  title: T\n  endpoint: {name}.intl.tencentcloudapi.com\n  mainland_endpoint: {name}.tencentcloudapi.com\n{body}"
    )
}

/// One action `Ping` with `request`, `response` and `extra` (more keys of the action) under it.
fn ping(request: &str, response: &str, extra: &str) -> String {
    format!(
        "actions:\n  Ping:\n    title: Ping\n    doc: Pings.\n    request:\n{request}    response:\n{response}{extra}"
    )
}

/// A scratch tree: the common codes, the base spec, and `generated/` made by the binary.
struct Tree(PathBuf);

impl Tree {
    fn new(name: &str) -> Self {
        let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("hostile-trees").join(name);
        let _ = fs::remove_dir_all(&root);
        fs::create_dir_all(root.join("specs/services")).unwrap();
        fs::copy(xtask::workspace_root().join("specs/common/errors.yaml"), {
            fs::create_dir_all(root.join("specs/common")).unwrap();
            root.join("specs/common/errors.yaml")
        })
        .unwrap();
        fs::write(root.join("specs/services/base.yaml"), BASE).unwrap();
        // The crate's docs include the workspace README; this tree's has no code to test.
        fs::write(root.join("README.md"), "# A scratch tree\n").unwrap();
        // The workspace manifest the binary looks for, and the runtime the generated crate needs.
        fs::write(root.join("Cargo.toml"), workspace_manifest()).unwrap();
        fs::copy(xtask::workspace_root().join("Cargo.lock"), root.join("Cargo.lock")).unwrap();
        for shared in ["runtime", "examples"] {
            std::os::unix::fs::symlink(xtask::workspace_root().join(shared), root.join(shared)).unwrap();
        }
        let tree = Tree(root);
        let output = tree.codegen(&[]);
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        tree
    }

    fn write(&self, relative: &str, contents: impl AsRef<[u8]>) {
        let path = self.0.join(relative);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, contents).unwrap();
    }

    fn codegen(&self, args: &[&str]) -> std::process::Output {
        Command::new(env!("CARGO_BIN_EXE_xtask")).arg("codegen").args(args).current_dir(&self.0).output().unwrap()
    }

    /// Every file under `generated/` and the schemas, with contents.
    fn snapshot(&self) -> BTreeMap<PathBuf, Vec<u8>> {
        let mut files = BTreeMap::new();
        let mut pending = vec![self.0.join("generated"), self.0.join("specs")];
        while let Some(dir) = pending.pop() {
            for entry in fs::read_dir(&dir).into_iter().flatten().flatten() {
                let path = entry.path();
                let kind = entry.file_type().unwrap();
                if kind.is_dir() {
                    pending.push(path);
                } else if kind.is_file()
                    && (path.starts_with(self.0.join("generated")) || path.to_string_lossy().ends_with(".schema.json"))
                {
                    files.insert(path.clone(), fs::read(&path).unwrap());
                }
            }
        }
        files
    }

    fn leftovers(&self) -> Vec<PathBuf> {
        let mut found = Vec::new();
        let mut pending = vec![self.0.clone()];
        while let Some(dir) = pending.pop() {
            for entry in fs::read_dir(&dir).into_iter().flatten().flatten() {
                let path = entry.path();
                if entry.file_type().unwrap().is_dir() {
                    pending.push(path);
                } else if path.to_string_lossy().contains(".tcgen-") {
                    found.push(path);
                }
            }
        }
        found
    }

    /// `cargo <args>` in the tree, offline, with a target directory the cases share.
    fn cargo(&self, args: &[&str]) -> std::process::Output {
        Command::new(env!("CARGO"))
            .args(args)
            .arg("--offline")
            .current_dir(&self.0)
            .env("CARGO_TARGET_DIR", Path::new(env!("CARGO_TARGET_TMPDIR")).join("hostile-trees-target"))
            .env_remove("RUSTFLAGS")
            .output()
            .unwrap()
    }
}

impl Drop for Tree {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// The root manifest's workspace tables, with `generated` (and `runtime`, a path dependency in the
/// tree) as the only members.
fn workspace_manifest() -> String {
    let root = fs::read_to_string(xtask::workspace_root().join("Cargo.toml")).unwrap();
    let mut document: toml_edit::DocumentMut = root.parse().unwrap();
    let workspace = document["workspace"].as_table_mut().unwrap();
    workspace
        .insert("members", toml_edit::value(toml_edit::Array::from_iter(["generated", "runtime", "runtime/derive"])));
    workspace.remove("default-members");
    workspace.remove("exclude");
    document.to_string()
}

/// Refused: `(case, file, text, the start of one expected diagnostic after "file:")`.
fn refused() -> Vec<(&'static str, &'static str, String, &'static str)> {
    let responses = "      Count: {type: int64, doc: c.}\n";
    let no_request = "      {}\n";
    vec![
        // The manifest: a feature name taken, one module for two specs, a `.yml` file.
        (
            "feature named mock",
            "specs/services/mock.yaml",
            service("mock", &ping(no_request, responses, "")),
            "2:9: service `mock` makes the name `mock`",
        ),
        (
            "feature named default",
            "specs/services/default.yaml",
            service("default", &ping(no_request, responses, "")),
            "2:9: service `default` makes the name `default`",
        ),
        (
            "one module for two versions",
            "specs/services/other.yaml",
            service("base", &ping(no_request, responses, "")),
            "2:9: service `base` makes the name `base` in the crate",
        ),
        (
            "a .yml spec",
            "specs/services/extra.yml",
            BASE.to_owned(),
            "1:1: `extra.yml` is not read: spec files end in `.yaml`",
        ),
        // Names the emitters make.
        (
            "action becoming errors.rs",
            "specs/services/names.yaml",
            service("names", "actions:\n  Errors:\n    title: E\n    doc: E.\n"),
            "8:3: action `Errors` makes the file and module `errors`",
        ),
        (
            "action becoming mod.rs",
            "specs/services/names.yaml",
            service("names", "actions:\n  Mod:\n    title: M\n    doc: M.\n"),
            "8:3: action `Mod` makes the file and module `mod`",
        ),
        (
            "action named Send",
            "specs/services/names.yaml",
            service("names", "actions:\n  Send:\n    title: S\n    doc: S.\n"),
            "8:3: action `Send` makes the method `send`",
        ),
        (
            "action named New",
            "specs/services/names.yaml",
            service("names", "actions:\n  New:\n    title: N\n    doc: N.\n"),
            "8:3: action `New` makes the method `new`",
        ),
        (
            "action named Super",
            "specs/services/names.yaml",
            service("names", "actions:\n  Super:\n    title: S\n    doc: S.\n"),
            "8:3: action `Super` becomes the module and method `super`",
        ),
        (
            "parameter named Build",
            "specs/services/names.yaml",
            service("names", &ping("      Build: {type: string, doc: b.}\n", responses, "")),
            "12:7: parameter `Build` of `Ping` makes the setter `build`",
        ),
        (
            "response field RequestID",
            "specs/services/names.yaml",
            service("names", &ping(no_request, "      RequestID: {type: string, doc: r.}\n", "")),
            "14:7: `RequestID` makes the member `request_id` of the response",
        ),
        (
            "response field Error",
            "specs/services/names.yaml",
            service("names", &ping(no_request, "      Error: {type: string, doc: e.}\n", "")),
            "14:7: `Error` is declared",
        ),
        (
            "error code Unknown",
            "specs/services/names.yaml",
            service("names", &format!("errors:\n  Unknown:\n    message: u.\n{}", ping(no_request, responses, ""))),
            "8:3: error code `Unknown` makes the variant `Unknown`",
        ),
        (
            "error code self",
            "specs/services/names.yaml",
            service("names", &format!("errors:\n  self:\n    message: s.\n{}", ping(no_request, responses, ""))),
            "8:3: error code `self` becomes the variant `Self`",
        ),
        (
            "service named runtime",
            "specs/services/runtime.yaml",
            service("runtime", &ping(no_request, responses, "")),
            "2:9: service `runtime` makes the name `runtime`",
        ),
        // Doc text rustc refuses.
        (
            "a bidi control in a doc",
            "specs/services/docs.yaml",
            service("docs", &ping(no_request, "      Count: {type: int64, doc: \"a\\u202Eb\"}\n", "")),
            "14:33: the text holds the character U+202E",
        ),
        // Examples that contradict the spec.
        (
            "an example's error code the spec lacks",
            "specs/services/examples.yaml",
            service(
                "examples",
                &ping(
                    no_request,
                    responses,
                    "    examples:\n      - title: e\n        request: '{}'\n        response: '{\"Response\": {\"Error\": {\"Code\": \"NoSuch.Code\", \"Message\": \"m\"}, \"RequestId\": \"r\"}}'\n",
                ),
            ),
            "18:19: the example's error code `NoSuch.Code` is not an error of action `Ping`",
        ),
        (
            "an example's enum value the spec lacks",
            "specs/services/examples.yaml",
            service(
                "examples",
                &format!(
                    "enums:\n  Kind:\n    doc: k.\n    type: string\n    values:\n      - {{value: A, name: A, doc: a.}}\n{}",
                    ping(
                        no_request,
                        "      Kind: {type: Kind, doc: k.}\n",
                        "    examples:\n      - title: e\n        request: '{}'\n        response: '{\"Response\": {\"Kind\": \"B\", \"RequestId\": \"r\"}}'\n"
                    )
                ),
            ),
            "24:19: `Response.Kind` in the example response is \"B\", not a value of enum `Kind`",
        ),
        (
            "null for an optional parameter",
            "specs/services/examples.yaml",
            service(
                "examples",
                &ping(
                    "      Name: {type: string, doc: n.}\n",
                    responses,
                    "    examples:\n      - title: e\n        request: '{\"Name\": null}'\n        response: '{\"Response\": {\"Count\": 1, \"RequestId\": \"r\"}}'\n",
                ),
            ),
            "17:18: `Name` in the example request is null",
        ),
        // A paginator whose roles overlap.
        (
            "paginator offset: Limit",
            "specs/services/pages.yaml",
            service(
                "pages",
                &ping(
                    "      Limit: {type: int64, doc: l.}\n",
                    "      TotalCount: {type: int64, doc: t.}\n      Items: {type: string, list: true, doc: i.}\n",
                    "    paginate: {items: Items, offset: Limit, limit: Limit}\n",
                ),
            ),
            "16:52: `Limit` is already the paginator's `offset`",
        ),
    ]
}

#[test]
fn every_refused_tree_is_located_and_leaves_generated_as_it_was() {
    let tree = Tree::new("refused");
    let before = tree.snapshot();
    let mut failures = Vec::new();
    for (case, file, text, expected) in refused() {
        tree.write(file, &text);
        let output = tree.codegen(&[]);
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        let wanted = format!("{file}:{expected}");
        if output.status.success() || !stderr.lines().any(|line| line.starts_with(&wanted)) {
            failures.push(format!(
                "{case}: expected a line starting with\n  {wanted}\n  got (exit {:?}):\n{stderr}",
                output.status.code()
            ));
        }
        if tree.snapshot() != before {
            failures.push(format!("{case}: generated/ changed"));
        }
        if !tree.leftovers().is_empty() {
            failures.push(format!("{case}: temporary files left: {:?}", tree.leftovers()));
        }
        fs::remove_file(tree.0.join(file)).unwrap();
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn unreadable_specs_are_located_and_leave_generated_as_it_was() {
    let tree = Tree::new("unreadable");
    let before = tree.snapshot();
    let fifo = tree.0.join("specs/services/fifo.yaml");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    std::os::unix::fs::symlink("/dev/zero", tree.0.join("specs/services/endless.yaml")).unwrap();
    tree.write("specs/services/latin1.yaml", b"service:\n  name: caf\xe9\n");
    let output = tree.codegen(&[]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    for wanted in [
        "specs/services/endless.yaml:1:1: ",
        "specs/services/fifo.yaml:1:1: ",
        "specs/services/latin1.yaml:2:12: the file is not valid UTF-8",
    ] {
        assert!(stderr.lines().any(|line| line.starts_with(wanted)), "{wanted} not in:\n{stderr}");
    }
    assert_eq!(tree.snapshot(), before);
    assert!(tree.leftovers().is_empty());
}

/// Accepted: spec files that once broke the tree and are now fine. Generated together, so one
/// build compiles them all.
fn accepted() -> Vec<(&'static str, String)> {
    let responses = "      Count: {type: int64, doc: c.}\n";
    vec![
        // A title with newlines and TOML in it goes through a TOML library, never pasted.
        (
            "specs/services/injected.yaml",
            service("injected", &ping("      {}\n", responses, ""))
                .replace("title: T", "title: \"T\\n[dependencies]\\nevil = \\\"1\\\"\""),
        ),
        // Names that were refused or broke the build before fully qualified paths.
        (
            "specs/services/prelude.yaml",
            service(
                "prelude",
                &format!(
                    "structures:\n  Serialize:\n    doc: s.\n    fields:\n      Option: {{type: string, doc: o.}}\n  Result:\n    doc: r.\n    fields:\n      Vec: {{type: Serialize, doc: v.}}\n{}",
                    ping(
                        "      Client: {type: string, doc: c.}\n      Request: {type: Result, doc: r.}\n",
                        "      Value: {type: Serialize, nullable: true, doc: v.}\n",
                        ""
                    )
                ),
            ),
        ),
        // Doc text: a bare CR, a `~~~` fence (would be a doctest), HTML and brackets.
        (
            "specs/services/texts.yaml",
            service(
                "texts",
                &ping(
                    "      {}\n",
                    "      Count: {type: int64, doc: \"one\\rtwo\\n~~~\\nfn main() { panic!() }\\n~~~\\n<li>[x]</li>\"}\n",
                    "",
                ),
            ),
        ),
        // An integer where the spec declares a float is a float.
        (
            "specs/services/floats.yaml",
            service(
                "floats",
                &ping(
                    "      Ratio: {type: float, doc: r.}\n",
                    "      Value: {type: float, doc: v.}\n",
                    "    examples:\n      - title: e\n        request: '{\"Ratio\": 1}'\n        response: '{\"Response\": {\"Value\": 2, \"RequestId\": \"r\"}}'\n",
                ),
            ),
        ),
    ]
}

#[test]
fn accepted_trees_load_are_fresh_and_compile_and_pass_their_tests_with_every_feature() {
    let tree = Tree::new("accepted");
    for (file, text) in accepted() {
        tree.write(file, text);
    }
    let output = tree.codegen(&[]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let output = tree.codegen(&["--check"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stdout));
    let manifest = fs::read_to_string(tree.0.join("generated/Cargo.toml")).unwrap();
    assert!(!manifest.contains("evil"), "{manifest}");
    let texts = fs::read_to_string(tree.0.join("generated/src/texts/ping.rs")).unwrap();
    assert!(texts.contains(r"\~~~"), "{texts}");
    // The workspace loads, and the crate builds and passes its own tests (doctests included).
    let output = tree.cargo(&["metadata", "--format-version", "1", "--no-deps"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let output = tree.cargo(&["test", "-p", "tcapi", "--all-features"]);
    assert!(
        output.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
