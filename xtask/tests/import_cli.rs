//! `cargo xtask import` and `cargo xtask corpus` as commands: which versions a selection
//! imports, a second import changing nothing, a wheel reading like its unpacked directory,
//! broken metadata named with its file and place, and the corpus files.

mod support;

use std::fs;
use std::io::Write as _;
use std::path::Path;
use std::process::Command;

use support::{TestResult, fixture, scratch, services_dir, xtask_import};

fn names(dir: &Path) -> Result<Vec<String>, std::io::Error> {
    let mut names: Vec<String> = fs::read_dir(dir)?
        .map(|entry| entry.map(|entry| entry.file_name().to_string_lossy().into_owned()))
        .collect::<Result<_, _>>()?;
    names.sort();
    Ok(names)
}

#[test]
fn a_service_imports_its_plain_version_unless_told_otherwise() -> TestResult {
    let base = scratch("select")?;
    let out = services_dir(&base);
    let (ok, text) = xtask_import(&fixture(), &out, &["--service", "demo"])?;
    assert!(ok, "{text}");
    assert_eq!(names(&out)?, ["demo.yaml"]);
    assert_eq!(names(&base.join("specs/review"))?, ["demo.md"]);
    let (ok, text) = xtask_import(&fixture(), &out, &["--service", "demo", "--version", "2020-01-01"])?;
    assert!(ok, "{text}");
    assert_eq!(names(&out)?, ["demo.yaml", "demo_20200101.yaml"]);
    let (ok, text) = xtask_import(&fixture(), &out, &["--service", "demo", "--all-versions", "--check"])?;
    assert!(ok, "{text}");
    let (ok, text) = xtask_import(&fixture(), &out, &["--service", "demo", "--version", "2021-01-01"])?;
    assert!(!ok && text.contains("no version 2021-01-01 of the service; versions: 2020-01-01, 2024-01-01"), "{text}");
    let (ok, text) = xtask_import(&fixture(), &out, &["--service", "nope"])?;
    assert!(!ok && text.contains("no service `nope` in the metadata; services: demo"), "{text}");
    Ok(())
}

#[test]
fn a_second_import_changes_nothing() -> TestResult {
    let base = scratch("idempotent")?;
    let out = services_dir(&base);
    let (ok, text) = xtask_import(&fixture(), &out, &["--all"])?;
    assert!(ok && text.contains("demo 2024-01-01") && text.contains("created"), "{text}");
    let first = fs::read_to_string(out.join("demo.yaml"))?;
    let (ok, text) = xtask_import(&fixture(), &out, &["--all"])?;
    assert!(ok, "{text}");
    assert_eq!(text.matches(": unchanged;").count(), 2, "{text}");
    assert_eq!(fs::read_to_string(out.join("demo.yaml"))?, first);
    let (ok, text) = xtask_import(&fixture(), &out, &["--all", "--check"])?;
    assert!(ok && text.matches("in line with the metadata").count() == 2, "{text}");
    Ok(())
}

#[test]
fn a_wheel_reads_like_its_unpacked_directory() -> TestResult {
    let base = scratch("wheel")?;
    let wheel = base.join("fixture.whl");
    zip_tree(&fixture(), &wheel)?;
    let from_dir = services_dir(&base.join("from-dir"));
    let from_wheel = services_dir(&base.join("from-wheel"));
    assert!(xtask_import(&fixture(), &from_dir, &["--all"])?.0);
    assert!(xtask_import(&wheel, &from_wheel, &["--all"])?.0);
    for name in ["demo.yaml", "demo_20200101.yaml"] {
        assert_eq!(fs::read_to_string(from_dir.join(name))?, fs::read_to_string(from_wheel.join(name))?, "{name}");
    }
    Ok(())
}

#[test]
fn broken_metadata_is_an_error_naming_the_file_and_the_place() -> TestResult {
    let base = scratch("broken")?;
    let metadata = base.join("metadata");
    support::copy_tree(&fixture(), &metadata)?;
    let api = metadata.join("tccli/services/demo/v20240101/api.json");
    let text = fs::read_to_string(&api)?.replace("\"member\": \"WidgetSpec\"", "\"member\": \"NoSuchSpec\"");
    fs::write(&api, text)?;
    let out = services_dir(&base);
    let (ok, error) = xtask_import(&metadata, &out, &["--all"])?;
    assert!(!ok);
    assert!(error.contains("tccli/services/demo/v20240101/api.json"), "{error}");
    assert!(error.contains("member `Spec` names the object `NoSuchSpec`, which is not under `objects`"), "{error}");
    fs::write(&api, "{\"metadata\": {}}")?;
    let (ok, error) = xtask_import(&metadata, &out, &["--all"])?;
    assert!(!ok && error.contains("api.json: at `metadata`: missing field `apiVersion`"), "{error}");
    assert!(!out.exists() || fs::read_dir(&out)?.next().is_none(), "a failed import wrote a spec");
    Ok(())
}

#[test]
fn the_corpus_command_writes_one_file_per_service_version() -> TestResult {
    let base = scratch("corpus")?;
    let run = |out: &Path| {
        Command::new(env!("CARGO_BIN_EXE_xtask"))
            .arg("corpus")
            .arg("--from")
            .arg(fixture())
            .arg("--all")
            .arg("--out")
            .arg(out)
            .output()
    };
    let first = base.join("first");
    let output = run(&first)?;
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{text}{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(names(&first)?, ["demo.json", "demo_20200101.json"]);
    assert!(text.contains("corpus: 2 service versions"), "{text}");
    let demo: serde_json::Value = serde_json::from_str(&fs::read_to_string(first.join("demo.json"))?)?;
    assert_eq!(demo["module"], "demo");
    assert!(demo["examples"].as_array().is_some_and(|examples| !examples.is_empty()));
    // Deterministic: a second run writes the same bytes.
    let second = base.join("second");
    assert!(run(&second)?.status.success());
    for name in ["demo.json", "demo_20200101.json"] {
        assert_eq!(fs::read(first.join(name))?, fs::read(second.join(name))?, "{name}");
    }
    Ok(())
}

/// Writes the files under `dir` into a zip file, as a wheel holds them.
fn zip_tree(dir: &Path, to: &Path) -> TestResult {
    let mut writer = zip::ZipWriter::new(fs::File::create(to)?);
    let mut pending = vec![dir.to_owned()];
    let mut files = Vec::new();
    while let Some(current) = pending.pop() {
        for entry in fs::read_dir(&current)? {
            let path = entry?.path();
            if path.is_dir() { pending.push(path) } else { files.push(path) }
        }
    }
    files.sort();
    for path in files {
        let name = path.strip_prefix(dir)?.to_string_lossy().replace('\\', "/");
        writer.start_file(name, zip::write::SimpleFileOptions::default())?;
        writer.write_all(&fs::read(&path)?)?;
    }
    writer.finish()?;
    Ok(())
}
