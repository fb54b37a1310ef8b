//! Importing the fixture: the specs it makes are snapshot-tested against the committed YAML
//! under `tests/fixtures/expected/` (`UPDATE_SNAPSHOTS=1 cargo test -p xtask --test
//! import_fixture` rewrites them), they validate, a second import changes nothing, and a wheel
//! (zip) reads the same as its unpacked directory.

mod support;

use std::fs;
use std::io::Write as _;
use std::path::Path;

use support::{TestResult, expected_dir, fixture, import, scratch};
use xtask::import::report::Outcome;

/// Compares `actual` with the committed snapshot `name`, or rewrites it when asked to.
fn assert_snapshot(name: &str, actual: &str) -> TestResult {
    let path = expected_dir().join(name);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        fs::create_dir_all(expected_dir())?;
        fs::write(&path, actual)?;
        return Ok(());
    }
    let expected = fs::read_to_string(&path)
        .map_err(|error| format!("{}: {error}; run with UPDATE_SNAPSHOTS=1", path.display()))?;
    if expected != actual {
        let diff = similar::TextDiff::from_lines(expected.as_str(), actual)
            .unified_diff()
            .header("expected", "actual")
            .to_string();
        return Err(format!("{name} differs from its snapshot (UPDATE_SNAPSHOTS=1 accepts it):\n{diff}").into());
    }
    Ok(())
}

#[test]
fn the_fixture_imports_to_the_committed_specs() -> TestResult {
    let out = scratch("snapshot")?;
    let reports = import(&fixture(), &out, false)?;
    let files: Vec<String> = reports
        .iter()
        .map(|report| report.file.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default())
        .collect();
    // The newest version keeps the plain name; the older one is told apart by its module.
    assert_eq!(files, ["demo_20200101.yaml", "demo.yaml"]);
    for file in &files {
        assert_snapshot(file, &fs::read_to_string(out.join(file))?)?;
    }
    // What the conversion had to do (renames, constructs left out, examples dropped, paginators)
    // is part of the contract too.
    let notes: String =
        reports.iter().map(|report| format!("{}:\n{}", report.label, report.notes.render(true, "  "))).collect();
    assert_snapshot("notes.txt", &notes)?;
    for report in &reports {
        assert_eq!(report.outcome, Outcome::Created);
        assert!(report.validation.is_empty(), "{} does not validate:\n{}", report.label, report.validation.join("\n"));
    }
    Ok(())
}

#[test]
fn the_imported_specs_generate_code() -> TestResult {
    let out = scratch("generate")?;
    import(&fixture(), &out, false)?;
    let root = xtask::workspace_root();
    let common = tcgen::SpecSource {
        path: xtask::codegen::COMMON_ERRORS_SPEC.to_owned(),
        text: fs::read_to_string(root.join(xtask::codegen::COMMON_ERRORS_SPEC))?,
    };
    let mut services = Vec::new();
    for name in ["demo.yaml", "demo_20200101.yaml"] {
        services.push(tcgen::SpecSource {
            path: format!("specs/services/{name}"),
            text: fs::read_to_string(out.join(name))?,
        });
    }
    let files = tcgen::generate(&common, &services).map_err(|diagnostics| diagnostics.to_string())?;
    for module in ["demo", "demo_20200101"] {
        let wanted = format!("generated/src/{module}/mod.rs");
        assert!(files.iter().any(|file| file.path == wanted), "no {wanted}");
    }
    Ok(())
}

#[test]
fn a_second_import_changes_nothing() -> TestResult {
    let out = scratch("idempotent")?;
    import(&fixture(), &out, false)?;
    let first = fs::read_to_string(out.join("demo.yaml"))?;
    let again = import(&fixture(), &out, false)?;
    assert!(again.iter().all(|report| report.outcome == Outcome::Unchanged), "{again:#?}");
    assert!(again.iter().all(|report| report.differences.is_empty()), "{:?}", support::difference_lines(&again));
    assert_eq!(fs::read_to_string(out.join("demo.yaml"))?, first);
    let checked = import(&fixture(), &out, true)?;
    assert!(checked.iter().all(|report| report.outcome == Outcome::Current));
    Ok(())
}

#[test]
fn a_wheel_reads_like_its_unpacked_directory() -> TestResult {
    let scratch_dir = scratch("wheel")?;
    let wheel = scratch_dir.join("fixture.whl");
    zip_tree(&fixture(), &wheel)?;
    let from_dir = scratch_dir.join("from-dir");
    let from_wheel = scratch_dir.join("from-wheel");
    import(&fixture(), &from_dir, false)?;
    import(&wheel, &from_wheel, false)?;
    for name in ["demo.yaml", "demo_20200101.yaml"] {
        assert_eq!(fs::read_to_string(from_dir.join(name))?, fs::read_to_string(from_wheel.join(name))?, "{name}");
    }
    Ok(())
}

#[test]
fn broken_metadata_is_an_error_naming_the_file_and_the_place() -> TestResult {
    let metadata = scratch("broken")?.join("metadata");
    support::copy_tree(&fixture(), &metadata)?;
    let api = metadata.join("tccli/services/demo/v20240101/api.json");
    let text = fs::read_to_string(&api)?.replace("\"member\": \"WidgetSpec\"", "\"member\": \"NoSuchSpec\"");
    fs::write(&api, text)?;
    let out = scratch("broken-out")?;
    let error = import(&metadata, &out, false).err().map(|error| error.to_string()).unwrap_or_default();
    assert!(error.contains("tccli/services/demo/v20240101/api.json"), "{error}");
    assert!(error.contains("member `Spec` names the object `NoSuchSpec`, which is not under `objects`"), "{error}");

    fs::write(&api, "{\"metadata\": {}}")?;
    let error = import(&metadata, &out, false).err().map(|error| error.to_string()).unwrap_or_default();
    assert!(error.contains("api.json: at `metadata`: missing field `apiVersion`"), "{error}");
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
