//! `tcgen::import` on the hand-written metadata fixture (`tests/fixtures/import/metadata`: one
//! service, two versions, every construct): the specs, review lists and notes it makes are
//! snapshot-tested against `tests/fixtures/import/expected/` (`UPDATE_SNAPSHOTS=1 cargo test -p
//! tcgen --test import_fixture` rewrites them), they validate and generate code, the same
//! metadata gives the same bytes, and the corpus keeps every JSON example as published. The
//! tests read only the fixture, never downloaded metadata or the network.

use std::fs;
use std::path::{Path, PathBuf};

use tcgen::SpecSource;
use tcgen::import::{self, CommonErrors, Imported, MetadataFile, VersionFiles};

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import/metadata")
}

fn expected_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import/expected")
}

fn common() -> Result<CommonErrors, Box<dyn std::error::Error>> {
    let path = "specs/common/errors.yaml";
    let text = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(path))?;
    Ok(CommonErrors::parse(SpecSource { path: path.to_owned(), text })?)
}

/// The fixture's files of one version, as `cargo xtask import` reads them.
fn version(dir: &str) -> Result<VersionFiles, Box<dyn std::error::Error>> {
    let read = |relative: String| -> Option<MetadataFile> {
        let text = fs::read_to_string(fixture().join(&relative)).ok()?;
        Some(MetadataFile { label: format!("fixture!{relative}"), text })
    };
    let api = read(format!("tccli/services/demo/{dir}/api.json")).ok_or("no api.json")?;
    Ok(VersionFiles {
        package: "demo".into(),
        version_dir: dir.into(),
        api,
        examples: read(format!("tccli/services/demo/{dir}/examples.json")),
        error_codes: read(format!("tencentcloud/demo/{dir}/errorcodes.py")),
    })
}

/// Both versions imported, in package order.
fn import_fixture() -> Result<Vec<Imported>, Box<dyn std::error::Error>> {
    let parsed = ["v20200101", "v20240101"]
        .into_iter()
        .map(|dir| Ok(import::parse_version(&version(dir)?)?))
        .collect::<Result<Vec<_>, Box<dyn std::error::Error>>>()?;
    let summaries: Vec<_> = parsed.iter().map(import::summary).collect();
    let plans = import::names::plan_modules(&summaries);
    let common = common()?;
    let mut out = Vec::new();
    for (metadata, plan) in parsed.iter().zip(&plans) {
        out.push(import::import_version(metadata, plan, &common)?);
    }
    Ok(out)
}

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
        return Err(format!("{name} differs from its snapshot (UPDATE_SNAPSHOTS=1 accepts it):\n--- expected\n{expected}\n--- actual\n{actual}").into());
    }
    Ok(())
}

#[test]
fn the_fixture_imports_to_the_committed_specs() -> TestResult {
    let imported = import_fixture()?;
    let modules: Vec<&str> = imported.iter().map(|imported| imported.module.as_str()).collect();
    // The version with the most actions keeps the plain name; the other is told apart by its module.
    assert_eq!(modules, ["demo_20200101", "demo"]);
    let mut notes = String::new();
    for imported in &imported {
        assert_snapshot(&format!("{}.yaml", imported.module), &imported.spec_text(None)?)?;
        assert_snapshot(&format!("{}.md", imported.module), &imported.review_text())?;
        assert!(imported.validation.is_empty(), "{}: {:?}", imported.module, imported.validation);
        notes.push_str(&format!("{}:\n{}", imported.module, imported.notes.render(true, "  ")));
    }
    // What the conversion had to do (renames, constructs left out, examples dropped, paginators,
    // enums) is part of the contract too.
    assert_snapshot("notes.txt", &notes)?;
    let demo = &imported[1].spec;
    // The documented list became an enum, named after its member and typing it; an open list did not.
    assert_eq!(demo.actions["CreateWidget"].request["Mode"].ty, "Mode");
    assert_eq!(demo.enums["Mode"].values.len(), 2);
    assert_eq!(demo.structures["Filter"].fields["Name"].ty, "string");
    Ok(())
}

#[test]
fn the_same_metadata_gives_the_same_bytes() -> TestResult {
    let first = import_fixture()?;
    let second = import_fixture()?;
    for (a, b) in first.iter().zip(&second) {
        assert_eq!(a.spec_text(None)?, b.spec_text(None)?);
        assert_eq!(a.review_text(), b.review_text());
    }
    Ok(())
}

#[test]
fn the_imported_specs_generate_code() -> TestResult {
    let imported = import_fixture()?;
    let common = common()?;
    let mut services = Vec::new();
    for imported in &imported {
        services.push(SpecSource { path: import::spec_path(&imported.module), text: imported.spec_text(None)? });
    }
    let files = tcgen::generate(&common.source, &services).map_err(|error| error.to_string())?;
    for module in ["demo", "demo_20200101"] {
        let wanted = format!("generated/src/{module}/mod.rs");
        assert!(files.iter().any(|file| file.path == wanted), "no {wanted}");
    }
    Ok(())
}

#[test]
fn a_leading_comment_block_is_kept_and_the_rest_rewritten() -> TestResult {
    let imported = import_fixture()?;
    let existing = "# yaml-language-server: $schema=../spec.schema.json\n# Our note.\nservice: {}\n";
    let text = imported[1].spec_text(Some(existing))?;
    assert!(text.starts_with("# yaml-language-server: $schema=../spec.schema.json\n# Our note.\nservice:\n"), "{text}");
    Ok(())
}

#[test]
fn the_corpus_keeps_every_json_example_as_published() -> TestResult {
    let files = version("v20240101")?;
    let metadata = import::parse_version(&files)?;
    let corpus = import::corpus::corpus("demo", "2024-01-01", "demo", &metadata.examples);
    let published: serde_json::Value = serde_json::from_str(&files.examples.ok_or("no examples")?.text)?;
    let value: serde_json::Value = serde_json::from_str(&corpus.text)?;
    assert_eq!(
        (&value["service"], &value["version"], &value["module"]),
        (&"demo".into(), &"2024-01-01".into(), &"demo".into())
    );
    let examples = value["examples"].as_array().ok_or("no examples")?;
    // Every example whose output parses, not only those that fit the spec; the text unchanged.
    let mut wanted = Vec::new();
    for (action, list) in published["actions"].as_object().ok_or("no actions")? {
        for example in list.as_array().ok_or("not a list")? {
            let output = example["output"].as_str().unwrap_or_default();
            if serde_json::from_str::<serde_json::Value>(output).is_ok() {
                wanted.push((action.clone(), example["title"].clone(), output.to_owned()));
            }
        }
    }
    let found: Vec<(String, serde_json::Value, String)> = examples
        .iter()
        .map(|example| {
            let action = example["action"].as_str().unwrap_or_default().to_owned();
            (action, example["title"].clone(), example["response"].as_str().unwrap_or_default().to_owned())
        })
        .collect();
    assert_eq!(found, wanted);
    assert_eq!(
        corpus.examples + corpus.skipped,
        published["actions"].as_object().map_or(0, |a| a.values().map(|l| l.as_array().map_or(0, Vec::len)).sum())
    );
    assert!(corpus.skipped >= 1, "the fixture has an example whose output is not JSON");
    assert_snapshot("corpus-demo.json", &corpus.text)?;
    Ok(())
}
