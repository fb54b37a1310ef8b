//! Curations (`specs/curation/<name>.yaml`) applied to their spec: what they set wins, what they
//! name must exist, and every problem is located in the file that holds the value.

#![allow(clippy::unwrap_used)]

use tcgen::SpecSource;

const SPEC: &str = r#"service:
  name: demo
  version: "2020-01-01"
  title: Demo
  endpoint: demo.intl.tencentcloudapi.com
  mainland_endpoint: demo.tencentcloudapi.com
actions:
  CreateThing:
    title: Create a thing
    doc: Creates a thing.
    request:
      ClientToken: {type: string, doc: A token.}
      Kind: {type: string, required: true, doc: "The kind: RED or BLUE."}
    response:
      Status: {type: int64, doc: Status.}
"#;

const CURATION: &str = r#"service:
  title: The Demo Service
  region: required
enums:
  Kind:
    doc: A kind.
    type: string
    values:
      - {value: RED, name: Red, doc: Red.}
      - {value: BLUE, name: Blue, doc: Blue.}
actions:
  CreateThing:
    rate_limit: 20
    idempotency_token: ClientToken
    request:
      Kind: {type: Kind}
"#;

fn sources(spec: &str, curation: &str) -> Vec<SpecSource> {
    vec![
        SpecSource { path: "specs/services/demo.yaml".into(), text: spec.into() },
        SpecSource { path: "specs/curation/demo.yaml".into(), text: curation.into() },
    ]
}

fn common() -> SpecSource {
    SpecSource {
        path: "specs/common/errors.yaml".into(),
        text: "errors:\n  FailedOperation:\n    message: Failed.\n".into(),
    }
}

fn problems(spec: &str, curation: &str) -> Vec<String> {
    match tcgen::check(&common(), &sources(spec, curation)) {
        Ok(_) => Vec::new(),
        Err(found) => found.0.iter().map(ToString::to_string).collect(),
    }
}

#[test]
fn what_the_curation_sets_wins() {
    let krate = tcgen::check(&common(), &sources(SPEC, CURATION)).unwrap();
    let service = &krate.services[0];
    assert_eq!(service.title, "The Demo Service");
    let action = &service.actions[0];
    assert_eq!((action.rate_limit, action.region_required), (Some(20), true));
    assert_eq!(action.idempotency_token.as_deref(), Some("ClientToken"));
    let kind = action.request.iter().find(|field| field.wire_name == "Kind").unwrap();
    assert_eq!(kind.ty, tcgen::ir::TypeRef::Enum("Kind".into()));
    // What the curation does not touch is the spec's.
    assert_eq!(kind.doc, "The kind: RED or BLUE.");
    assert!(kind.required);
}

#[test]
fn a_curation_of_something_the_spec_lacks_is_an_error_in_the_curation() {
    let curation =
        "actions:\n  CreateThing:\n    request:\n      Colour: {type: string}\n  DeleteThing:\n    rate_limit: 5\n";
    assert_eq!(
        problems(SPEC, curation),
        [
            "specs/curation/demo.yaml:4:7: the curation changes `Colour` of action `CreateThing`, which the spec does not have (a member of the spec (renamed or removed upstream?))",
            "specs/curation/demo.yaml:5:3: the curation changes action `DeleteThing`, which the spec does not have (an action of the spec (renamed or removed upstream?))",
        ]
    );
}

#[test]
fn problems_are_reported_in_the_file_that_holds_the_value() {
    // A type the curation sets, and one the spec has.
    let curation = "actions:\n  CreateThing:\n    request:\n      Kind: {type: Knd}\n";
    let spec = SPEC.replace("Status: {type: int64", "Status: {type: int46");
    assert_eq!(
        problems(&spec, curation),
        [
            "specs/curation/demo.yaml:4:20: unknown type `Knd` (one of string, int64, uint64, bool, int_bool, float, date, datetime, datetime_iso or an enum or structure of this spec)",
            "specs/services/demo.yaml:15:22: unknown type `int46` (did you mean `int64`? types are string, int64, uint64, bool, int_bool, float, date, datetime, datetime_iso or an enum or structure of this spec)",
        ]
    );
}

#[test]
fn a_curation_without_its_spec_and_a_broken_curation_are_located() {
    let found = match tcgen::check(
        &common(),
        &[SpecSource { path: "specs/curation/ghost.yaml".into(), text: "actions: {}\n".into() }],
    ) {
        Ok(_) => Vec::new(),
        Err(found) => found.0.iter().map(ToString::to_string).collect(),
    };
    assert_eq!(
        found,
        [
            "specs/curation/ghost.yaml:1:1: no spec `specs/services/ghost.yaml` for this curation (a curation named like the spec it curates)"
        ]
    );
    assert_eq!(
        problems(SPEC, "actions:\n  CreateThing:\n    rate_limt: 5\n"),
        [
            "specs/curation/demo.yaml:3:5: unknown key `rate_limt` (expected one of `title`, `doc`, `rate_limit`, `region`, `deprecated`, `idempotency_token`, `request`, `response`, `errors`, `retryable`, `paginate`, `examples`)"
        ]
    );
}
