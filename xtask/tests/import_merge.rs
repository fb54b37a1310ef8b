//! Merging into a curated spec: what people curated (an enum used as a field's type, an
//! action's error list, retryable codes, a rate limit, doc fixes, a paginator override, their
//! own examples, the file's header comment) survives a re-import, and a compatible refinement
//! (an integer enum for an integer, `int_bool` for an integer) is not reported as drift.

mod support;

use std::fs;

use support::{TestResult, fixture, import, scratch};
use tcgen::spec::{EnumRepr, EnumSpec, EnumValue, EnumValueSpec, ExampleSpec, PaginateSpec, ServiceSpec};
use xtask::import::report::Outcome;

#[test]
fn curated_content_survives_a_reimport() -> TestResult {
    let specs = scratch("merge")?;
    import(&fixture(), &specs, false)?;
    let path = specs.join("demo.yaml");
    let text = fs::read_to_string(&path)?;
    let mut spec: ServiceSpec = serde_yaml::from_str(&text)?;

    // Curate, as a person would.
    spec.service.title = "Demo Widgets, curated".into();
    spec.enums.insert(
        "WidgetState".into(),
        EnumSpec {
            doc: "State of a widget.".into(),
            repr: EnumRepr::Integer,
            values: vec![
                EnumValueSpec { value: EnumValue::Integer(0), name: "New".into(), doc: "New.".into() },
                EnumValueSpec { value: EnumValue::Integer(1), name: "Ready".into(), doc: "Ready.".into() },
            ],
        },
    );
    let widget = spec.structures.get_mut("Widget").ok_or("no Widget")?;
    widget.fields.get_mut("State").ok_or("no State")?.ty = "WidgetState".into();
    let create = spec.actions.get_mut("CreateWidget").ok_or("no CreateWidget")?;
    create.doc = "Creates a widget (doc fixed by hand).".into();
    create.rate_limit = Some(20);
    create.errors = Some(vec!["FailedOperation.WidgetNotFound".into(), "RequestLimitExceeded".into()]);
    create.retryable = vec!["FailedOperation.WidgetNotFound".into()];
    create.request.get_mut("Spec").ok_or("no Spec")?.doc = "Curated doc.".into();
    create.examples = vec![ExampleSpec {
        title: "Hand-written".into(),
        request: "{\"Name\": \"x\", \"Spec\": {\"Size\": 1}}\n".into(),
        response: "{\"Response\": {\"WidgetId\": \"w\", \"CreatedAt\": \"2024-01-01 00:00:00\", \"InstanceId\": \"i\", \"RequestId\": \"r\"}}\n".into(),
    }];
    let delete = spec.actions.get_mut("DeleteWidget").ok_or("no DeleteWidget")?;
    delete.request.get_mut("WidgetId").ok_or("no WidgetId")?.required = true;
    let describe = spec.actions.get_mut("DescribeWidgets").ok_or("no DescribeWidgets")?;
    describe.paginate = Some(PaginateSpec {
        items: "Widgets".into(),
        offset: Some("Offset".into()),
        limit: Some("Limit".into()),
        total: Some("TotalCount".into()),
        ..PaginateSpec::default()
    });
    describe.request.get_mut("Offset").ok_or("no Offset")?.ty = "int_bool".into();
    // Something to add back: a parameter and an error code the curated file lost.
    spec.actions.get_mut("CreateWidget").ok_or("no CreateWidget")?.request.shift_remove("Tags");
    spec.errors.shift_remove("FailedOperation.Undocumented");
    let curated_text = format!(
        "# yaml-language-server: $schema=../spec.schema.json\n# Curated by hand.\n{}",
        serde_yaml::to_string(&spec)?
    );
    fs::write(&path, &curated_text)?;

    let reports = import(&fixture(), &specs, false)?;
    let report = reports.iter().find(|report| report.label == "demo").ok_or("no demo report")?;
    assert_eq!(report.outcome, Outcome::Updated);
    let lines = support::difference_lines(&reports);
    assert!(
        lines
            .iter()
            .any(|line| line == "demo CreateWidget: request parameter Tags (list of string) is missing from the spec"),
        "{lines:#?}"
    );
    assert!(lines.iter().any(|line| line.starts_with("demo: error code FailedOperation.Undocumented")), "{lines:#?}");
    // Refinements are not drift.
    assert!(!lines.iter().any(|line| line.contains("State") || line.contains("Offset")), "{lines:#?}");

    let merged_text = fs::read_to_string(&path)?;
    assert!(merged_text.starts_with("# yaml-language-server: $schema=../spec.schema.json\n# Curated by hand.\n"));
    let merged: ServiceSpec = serde_yaml::from_str(&merged_text)?;
    let mut expected = spec.clone();
    let create = expected.actions.get_mut("CreateWidget").ok_or("no CreateWidget")?;
    let tags = serde_yaml::from_str::<ServiceSpec>(&text)?.actions["CreateWidget"].request["Tags"].clone();
    create.request.shift_insert(2, "Tags".into(), tags);
    let undocumented = serde_yaml::from_str::<ServiceSpec>(&text)?.errors["FailedOperation.Undocumented"].clone();
    expected.errors.shift_insert(2, "FailedOperation.Undocumented".into(), undocumented);
    // Everything curated is as it was; only the two missing entries came back, in their places.
    assert_eq!(merged, expected);

    let checked = import(&fixture(), &specs, true)?;
    assert!(checked.iter().all(|report| !report.lags()), "{:#?}", support::difference_lines(&checked));
    Ok(())
}

#[test]
fn optionality_differences_lag_only_when_they_break_calls() -> TestResult {
    let specs = scratch("merge-optionality")?;
    import(&fixture(), &specs, false)?;
    let path = specs.join("demo.yaml");
    let mut spec: ServiceSpec = serde_yaml::from_str(&fs::read_to_string(&path)?)?;
    let create = spec.actions.get_mut("CreateWidget").ok_or("no CreateWidget")?;
    create.request.get_mut("Name").ok_or("no Name")?.required = false;
    create.request.get_mut("Ports").ok_or("no Ports")?.required = true;
    create.response.get_mut("Result").ok_or("no Result")?.nullable = false;
    fs::write(&path, serde_yaml::to_string(&spec)?)?;
    let reports = import(&fixture(), &specs, true)?;
    let report = reports.iter().find(|report| report.label == "demo").ok_or("no demo report")?;
    let find = |needle: &str| {
        report.differences.iter().find(|difference| difference.text.contains(needle)).map(|d| d.severity)
    };
    use xtask::import::report::Severity;
    // Letting callers leave out what the server requires breaks calls; requiring more does not.
    assert_eq!(
        find("request parameter Name is required per the metadata, but optional in the spec"),
        Some(Severity::Lag)
    );
    assert_eq!(
        find("request parameter Ports is optional per the metadata, but required in the spec"),
        Some(Severity::Note)
    );
    assert_eq!(find("response field Result may be null or absent per the metadata"), Some(Severity::Lag));
    Ok(())
}
