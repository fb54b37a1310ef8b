//! Drift: when the metadata gains a parameter, `cargo xtask import --check` fails and names it;
//! a retyped field and a newly deprecated action are named too; the import then adds what was
//! missing and the check passes.

mod support;

use std::fs;
use std::path::Path;
use std::process::Command;

use support::{TestResult, copy_tree, fixture, import, scratch};

/// The fixture copied to `dir`, with `edit` applied to the newest version's api.json.
fn changed_metadata(dir: &Path, edit: impl FnOnce(&mut serde_json::Value)) -> TestResult {
    copy_tree(&fixture(), dir)?;
    let api = dir.join("tccli/services/demo/v20240101/api.json");
    let mut value: serde_json::Value = serde_json::from_str(&fs::read_to_string(&api)?)?;
    edit(&mut value);
    fs::write(&api, serde_json::to_string_pretty(&value)?)?;
    Ok(())
}

fn members<'a>(api: &'a mut serde_json::Value, object: &str) -> Option<&'a mut Vec<serde_json::Value>> {
    api.pointer_mut(&format!("/objects/{object}/members"))?.as_array_mut()
}

/// Runs the real command, `cargo xtask import --check`, and returns (success, stdout + stderr).
fn import_check(from: &Path, out: &Path) -> Result<(bool, String), std::io::Error> {
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["import", "--all", "--check", "--from"])
        .arg(from)
        .arg("--out")
        .arg(out)
        .output()?;
    let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    Ok((output.status.success(), text))
}

#[test]
fn a_new_parameter_makes_the_check_fail_naming_it() -> TestResult {
    let base = scratch("drift-parameter")?;
    let specs = base.join("specs");
    import(&fixture(), &specs, false)?;
    let (fresh, text) = import_check(&fixture(), &specs)?;
    assert!(fresh, "the specs just imported should be in line with the metadata:\n{text}");

    let metadata = base.join("metadata");
    changed_metadata(&metadata, |api| {
        if let Some(members) = members(api, "CreateWidgetRequest") {
            members.push(serde_json::json!({
                "name": "NewParam", "type": "string", "member": "string", "document": "A new parameter.",
                "required": false, "disabled": false
            }));
        }
    })?;
    let before = fs::read_to_string(specs.join("demo.yaml"))?;
    let (fresh, text) = import_check(&metadata, &specs)?;
    assert!(!fresh, "the check should fail:\n{text}");
    assert!(text.contains("demo CreateWidget: request parameter NewParam (string) is missing from the spec"), "{text}");
    assert_eq!(fs::read_to_string(specs.join("demo.yaml"))?, before, "--check wrote to the spec");

    // The import adds it, after which the check passes.
    let reports = import(&metadata, &specs, false)?;
    assert!(support::difference_lines(&reports).iter().any(|line| line.contains("NewParam")));
    assert!(fs::read_to_string(specs.join("demo.yaml"))?.contains("NewParam"));
    let (fresh, text) = import_check(&metadata, &specs)?;
    assert!(fresh, "{text}");
    Ok(())
}

#[test]
fn retyped_removed_and_deprecated_are_named() -> TestResult {
    let base = scratch("drift-kinds")?;
    let specs = base.join("specs");
    import(&fixture(), &specs, false)?;
    let metadata = base.join("metadata");
    changed_metadata(&metadata, |api| {
        if let Some(members) = members(api, "Widget") {
            for member in members.iter_mut().filter(|member| member["name"] == "State") {
                member["type"] = "string".into();
                member["member"] = "string".into();
            }
            members.retain(|member| member["name"] != "Score");
        }
        if let Some(action) = api.pointer_mut("/actions/CreateWidget") {
            action["status"] = "deprecated".into();
        }
    })?;
    let reports = import(&metadata, &specs, true)?;
    let lines = support::difference_lines(&reports);
    for wanted in [
        "demo structure Widget: member State is int64 in the spec but string in the metadata",
        "demo structure Widget: member Score is in the spec but not in the metadata",
        "demo CreateWidget: the action is deprecated by Tencent; marked deprecated",
    ] {
        assert!(lines.iter().any(|line| line == wanted), "missing {wanted:?} in {lines:#?}");
    }
    assert!(reports.iter().any(|report| report.lags()));
    Ok(())
}

#[test]
fn a_missing_spec_file_lags() -> TestResult {
    let specs = scratch("drift-missing")?;
    let (fresh, text) = import_check(&fixture(), &specs)?;
    assert!(!fresh);
    assert!(text.contains("demo: the spec file") && text.contains("is missing"), "{text}");
    assert!(fs::read_dir(&specs)?.next().is_none(), "--check wrote a file");
    Ok(())
}
