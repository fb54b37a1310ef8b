//! Provenance and drift, through the real `cargo xtask import`: the imported spec is
//! machine-owned and a re-import applies upstream changes (retyped, removed, deprecated), while
//! what people curate in `specs/curation/` survives untouched; `--check` names every difference
//! before the re-import, and every curation entry that no longer applies.

mod support;

use std::fs;
use std::path::Path;

use support::{TestResult, changed_metadata, fixture, members, scratch, services_dir, xtask_import};
use tcgen::SpecSource;

const CURATION: &str = "\
# Curated by hand: kept byte for byte by every import.
enums:
  WidgetState:
    doc: State of a widget.
    type: integer
    values:
      - {value: 0, name: New, doc: New.}
      - {value: 1, name: Ready, doc: Ready.}
structures:
  Widget:
    fields:
      State: {type: WidgetState}
actions:
  CreateWidget:
    rate_limit: 20
";

/// A scratch workspace with the fixture imported and the curation above.
fn curated_workspace(name: &str) -> Result<std::path::PathBuf, Box<dyn std::error::Error>> {
    let base = scratch(name)?;
    let (ok, text) = xtask_import(&fixture(), &services_dir(&base), &["--all"])?;
    assert!(ok, "{text}");
    fs::create_dir_all(base.join("specs/curation"))?;
    fs::write(base.join("specs/curation/demo.yaml"), CURATION)?;
    let (fresh, text) = xtask_import(&fixture(), &services_dir(&base), &["--all", "--check"])?;
    assert!(fresh, "the specs just imported, with their curation, should be in line with the metadata:\n{text}");
    Ok(base)
}

/// The generator's view of the spec with its curation.
fn checked(base: &Path) -> Result<tcgen::ir::Crate, Box<dyn std::error::Error>> {
    let root = xtask::workspace_root();
    let common = SpecSource {
        path: xtask::codegen::COMMON_ERRORS_SPEC.to_owned(),
        text: fs::read_to_string(root.join(xtask::codegen::COMMON_ERRORS_SPEC))?,
    };
    let sources = vec![
        SpecSource {
            path: "specs/services/demo.yaml".into(),
            text: fs::read_to_string(base.join("specs/services/demo.yaml"))?,
        },
        SpecSource {
            path: "specs/curation/demo.yaml".into(),
            text: fs::read_to_string(base.join("specs/curation/demo.yaml"))?,
        },
    ];
    tcgen::check(&common, &sources).map_err(|diagnostics| diagnostics.to_string().into())
}

#[test]
fn upstream_changes_are_named_then_applied_and_the_curation_survives() -> TestResult {
    let base = curated_workspace("drift-applied")?;
    let metadata = base.join("metadata");
    changed_metadata(&metadata, |api| {
        if let Some(members) = members(api, "CreateWidgetRequest") {
            for member in members.iter_mut().filter(|member| member["name"] == "LegacyMode") {
                member["type"] = "string".into();
                member["member"] = "string".into();
            }
            members.retain(|member| member["name"] != "Ports");
        }
    })?;
    let spec_path = base.join("specs/services/demo.yaml");
    let before = fs::read_to_string(&spec_path)?;

    let (fresh, text) = xtask_import(&metadata, &services_dir(&base), &["--all", "--check"])?;
    assert!(!fresh, "the check should fail:\n{text}");
    for wanted in [
        "demo CreateWidget: request parameter LegacyMode is string upstream, int64 in the spec",
        "demo CreateWidget: request parameter Ports is gone upstream",
    ] {
        assert!(text.contains(wanted), "missing {wanted:?} in:\n{text}");
    }
    assert_eq!(fs::read_to_string(&spec_path)?, before, "--check wrote to the spec");

    let (ok, text) = xtask_import(&metadata, &services_dir(&base), &["--all"])?;
    assert!(ok, "{text}");
    let after: tcgen::spec::ServiceSpec = serde_yaml::from_str(&fs::read_to_string(&spec_path)?)?;
    let create = &after.actions["CreateWidget"];
    assert_eq!(create.request["LegacyMode"].ty, "string");
    assert!(!create.request.contains_key("Ports"));
    // Nothing curated went into the machine-owned spec, and the curation is as it was.
    assert!(create.rate_limit.is_none() && !after.enums.contains_key("WidgetState"));
    assert_eq!(fs::read_to_string(base.join("specs/curation/demo.yaml"))?, CURATION);
    let krate = checked(&base)?;
    let demo = krate.services.iter().find(|service| service.module == "demo").ok_or("no demo")?;
    let create = demo.actions.iter().find(|action| action.name == "CreateWidget").ok_or("no CreateWidget")?;
    assert_eq!(create.rate_limit, Some(20));
    let widget = demo.structures.iter().find(|structure| structure.name == "Widget").ok_or("no Widget")?;
    let state = widget.fields.iter().find(|field| field.wire_name == "State").ok_or("no State")?;
    assert_eq!(state.ty, tcgen::ir::TypeRef::Enum("WidgetState".into()));

    let (fresh, text) = xtask_import(&metadata, &services_dir(&base), &["--all", "--check"])?;
    assert!(fresh, "{text}");
    Ok(())
}

#[test]
fn deprecations_removals_and_new_members_are_named() -> TestResult {
    let base = curated_workspace("drift-kinds")?;
    let metadata = base.join("metadata");
    changed_metadata(&metadata, |api| {
        if let Some(members) = members(api, "Widget") {
            members.retain(|member| member["name"] != "Score");
        }
        if let Some(members) = members(api, "DeleteWidgetRequest") {
            members.push(serde_json::json!({
                "name": "Force", "type": "bool", "member": "bool", "document": "Delete even when in use.", "required": false
            }));
        }
        if let Some(action) = api.pointer_mut("/actions/CreateWidget") {
            action["status"] = "deprecated".into();
        }
        if let Some(actions) = api.pointer_mut("/actions").and_then(serde_json::Value::as_object_mut) {
            actions.remove("GetToken");
        }
    })?;
    let (fresh, text) = xtask_import(&metadata, &services_dir(&base), &["--all", "--check"])?;
    assert!(!fresh);
    for wanted in [
        "demo structure Widget: member Score is gone upstream",
        "demo DeleteWidget: request parameter Force (bool) is new upstream",
        "demo CreateWidget: the action is deprecated upstream",
        "demo: action GetToken is gone upstream",
    ] {
        assert!(text.contains(wanted), "missing {wanted:?} in:\n{text}");
    }
    Ok(())
}

#[test]
fn a_curation_entry_that_no_longer_applies_is_named() -> TestResult {
    let base = curated_workspace("drift-curation")?;
    // The curation also documents a parameter, which Tencent then removes.
    let curation = format!("{CURATION}    request:\n      Super: {{doc: Curated doc.}}\n");
    fs::write(base.join("specs/curation/demo.yaml"), &curation)?;
    let metadata = base.join("metadata");
    changed_metadata(&metadata, |api| {
        if let Some(members) = members(api, "CreateWidgetRequest") {
            members.retain(|member| member["name"] != "Super");
        }
    })?;
    let (fresh, text) = xtask_import(&metadata, &services_dir(&base), &["--all", "--check"])?;
    assert!(!fresh);
    assert!(text.contains("demo: the curation no longer applies: specs/curation/demo.yaml:"), "{text}");
    assert!(
        text.contains("the curation changes `Super` of action `CreateWidget`, which the spec does not have"),
        "{text}"
    );
    // The re-import writes the spec, never the curation, and still says so.
    let (ok, text) = xtask_import(&metadata, &services_dir(&base), &["--all"])?;
    assert!(!ok && text.contains("the curation no longer applies"), "{text}");
    assert_eq!(fs::read_to_string(base.join("specs/curation/demo.yaml"))?, curation);
    Ok(())
}

#[test]
fn a_missing_spec_file_lags_and_check_writes_nothing() -> TestResult {
    let base = scratch("drift-missing")?;
    let out = services_dir(&base);
    fs::create_dir_all(&out)?;
    let (fresh, text) = xtask_import(&fixture(), &out, &["--all", "--check"])?;
    assert!(!fresh);
    assert!(text.contains("demo: the spec file") && text.contains("is missing"), "{text}");
    assert!(fs::read_dir(&out)?.next().is_none(), "--check wrote a file");
    assert!(!base.join("specs/review").exists(), "--check wrote a review list");
    Ok(())
}
