//! One broken spec per validation rule, each with the exact located message(s) it must produce.
//! Every case is a whole spec file; `BASE` is a valid one that cases start from.

#![allow(clippy::unwrap_used)]

use tcgen::SpecSource;

const FILE: &str = "specs/services/demo.yaml";

const BASE: &str = r#"service:
  name: demo
  version: "2020-01-01"
  title: Demo
  endpoint: demo.intl.tencentcloudapi.com
  mainland_endpoint: demo.tencentcloudapi.com
actions:
  Ping:
    title: Ping
    doc: Pings.
"#;

const COMMON: &str = "errors:\n  FailedOperation:\n    message: Operation failed.\n  RequestLimitExceeded:\n    message: Too many requests.\n    retryable: true\n";

fn diagnostics(text: &str) -> Vec<String> {
    let common = SpecSource { path: "specs/common/errors.yaml".to_owned(), text: COMMON.to_owned() };
    let service = SpecSource { path: FILE.to_owned(), text: text.to_owned() };
    match tcgen::check(&common, &[service]) {
        Ok(_) => Vec::new(),
        Err(found) => {
            found.0.iter().map(|diagnostic| diagnostic.to_string().replacen(&format!("{FILE}:"), "", 1)).collect()
        }
    }
}

/// `BASE` with `extra` appended (more sections or entries under `Ping`).
fn base_with(extra: &str) -> String {
    format!("{BASE}{extra}")
}

#[test]
fn the_base_spec_is_valid() {
    assert_eq!(diagnostics(BASE), Vec::<String>::new());
}

#[test]
fn every_broken_spec_gets_its_exact_located_messages() {
    let cases: Vec<(&str, String, Vec<&str>)> = vec![
        // Syntax.
        ("unclosed flow sequence", base_with("    errors: [FailedOperation\n"), vec![
            "12:1: invalid YAML: did not find expected ',' or ']', while parsing a flow sequence at line 11 column 13 (well-formed YAML)",
        ]),
        ("tab indentation", BASE.replace("    title: Ping", "\ttitle: Ping"), vec![
            "9:1: invalid YAML: found character that cannot start any token, while scanning for the next token (well-formed YAML)",
        ]),
        ("duplicate key", base_with("    title: Pong\n"), vec![
            "11:5: duplicate key \"title\" in `actions.Ping` (each key once per mapping)",
        ]),
        ("empty document", String::new(), vec![
            "1:1: the document is empty (a mapping with `service` and `actions`)",
        ]),
        ("document is a list", "- a\n- b\n".to_owned(), vec![
            "1:1: the document is a list (a mapping with `service` and `actions`)",
        ]),
        // Keys and shapes.
        ("unknown top-level key", base_with("colour: red\n"), vec![
            "11:1: unknown key `colour` (one of `service`, `errors`, `enums`, `structures`, `actions`)",
        ]),
        ("unknown action key", base_with("    rate_limt: 10\n"), vec![
            "11:5: unknown key `rate_limt` (expected one of `title`, `doc`, `rate_limit`, `region`, `deprecated`, `unsigned`, `idempotency_token`, `request`, `response`, `errors`, `retryable`, `paginate`, `examples`)",
        ]),
        ("unknown field key", base_with("    request:\n      Name: {type: string, doc: n, tpye: int64}\n"), vec![
            "12:36: unknown key `tpye` (expected one of `type`, `list`, `required`, `nullable`, `deprecated`, `rust_name`, `doc`)",
        ]),
        ("wrong value type", base_with("    rate_limit: ten\n"), vec![
            "11:17: invalid type: string \"ten\" (expected u32)",
        ]),
        ("missing service", BASE.split("actions:").nth(1).map(|rest| format!("actions:{rest}")).unwrap(), vec![
            "1:1: missing key `service` (a `service` section with name, version, title and endpoints)",
        ]),
        ("missing actions", BASE.split("actions:").next().unwrap().to_owned(), vec![
            "1:1: missing key `actions` (an `actions` section with at least one action)",
        ]),
        ("empty actions", BASE.split("  Ping:").next().unwrap().to_owned(), vec![
            "7:1: the spec has no actions (at least one action)",
        ]),
        ("missing action title", BASE.replace("    title: Ping\n", ""), vec![
            "8:3: missing key `title` (every entry needs it)",
        ]),
        ("a key that is not a string", base_with("    request:\n      1: {type: string, doc: n}\n"), vec![
            "12:7: key the number 1 is not a string (a name)",
        ]),
        // Service section.
        ("invalid version", BASE.replace("2020-01-01", "2020-1-1"), vec![
            "3:12: invalid API version \"2020-1-1\" (a date, YYYY-MM-DD)",
        ]),
        ("invalid service name", BASE.replace("name: demo", "name: Demo"), vec![
            "2:9: invalid service name \"Demo\" (lowercase letters and digits, like `ssl`)",
        ]),
        ("invalid endpoint", BASE.replace("demo.intl.tencentcloudapi.com", "https://demo"), vec![
            "5:13: invalid host \"https://demo\" (a host name such as `ssl.intl.tencentcloudapi.com`)",
        ]),
        // Types and references.
        ("misspelled type", base_with("    request:\n      Name: {type: strng, doc: n}\n"), vec![
            "12:20: unknown type `strng` (did you mean `string`? types are string, int64, uint64, bool, int_bool, float, date, datetime, datetime_iso or an enum or structure of this spec)",
        ]),
        ("undefined structure", base_with("    response:\n      Item: {type: Certificate, doc: n}\n"), vec![
            "12:20: unknown type `Certificate` (one of string, int64, uint64, bool, int_bool, float, date, datetime, datetime_iso or an enum or structure of this spec)",
        ]),
        ("undefined error code", base_with("    errors: [FailedOperation.Nope]\n"), vec![
            "11:14: error code `FailedOperation.Nope` is not defined (a code under `errors` of this spec or in the common codes)",
        ]),
        ("duplicate error in the action's list", base_with("    errors: [FailedOperation, FailedOperation]\n"), vec![
            "11:31: error code `FailedOperation` is listed twice (each code once)",
        ]),
        ("retryable code the action cannot return", base_with("    errors: [FailedOperation]\n    retryable: [InternalError]\n"), vec![
            "12:17: retryable code `InternalError` is not an error of action `Ping` (a code from the action's `errors`, the service's or the common codes)",
        ]),
        ("invalid error code", base_with("errors:\n  Failed Operation:\n    message: m\n"), vec![
            "12:3: invalid error code `Failed Operation` (words of ASCII letters and digits separated by dots)",
        ]),
        ("error codes colliding in UpperCamelCase", base_with("errors:\n  Failed.Operation:\n    message: m\n"), vec![
            "12:3: error code `Failed.Operation` makes the variant `FailedOperation` of the service's `ErrorCode`, which is already the variant of error code `FailedOperation` (codes that stay distinct in UpperCamelCase, or a `variant`)",
        ]),
        ("empty error message", base_with("errors:\n  Demo.Broken:\n    message: \"\"\n"), vec![
            "13:14: error code `Demo.Broken` has an empty message (the documented message)",
        ]),
        ("reference cycle through a required member", base_with("structures:\n  Node:\n    doc: n\n    fields:\n      Next: {type: Node, required: true, doc: n}\n"), vec![
            "12:3: structure `Node` contains itself through required members: Node -> Next: Node (an optional member or a list somewhere on the cycle, or no value could ever be written)",
        ]),
        ("required cycle through two structures", base_with("structures:\n  A:\n    doc: a\n    fields:\n      B: {type: B, required: true, doc: b}\n  B:\n    doc: b\n    fields:\n      A: {type: A, required: true, doc: a}\n"), vec![
            "12:3: structure `A` contains itself through required members: A -> B: B -> A: A (an optional member or a list somewhere on the cycle, or no value could ever be written)",
            "16:3: structure `B` contains itself through required members: B -> A: A -> B: B (an optional member or a list somewhere on the cycle, or no value could ever be written)",
        ]),
        // Names.
        ("duplicate type name", base_with("enums:\n  Kind:\n    doc: k\n    type: string\n    values: [{value: a, name: A, doc: a}]\nstructures:\n  Kind:\n    doc: k\n    fields: {}\n"), vec![
            "17:3: structure `Kind` makes the type `Kind` in the service's module, which is already the enum `Kind` (distinct type names)",
        ]),
        // Generated code names everything by its full path: a type may take a prelude's name.
        ("type named like the prelude's", base_with("structures:\n  Result:\n    doc: r\n    fields: {}\n"), vec![]),
        ("type colliding with a generated name", base_with("structures:\n  PingRequest:\n    doc: p\n    fields: {}\n"), vec![
            "12:3: structure `PingRequest` makes the type `PingRequest` in the service's module, which is already the request type of action `Ping` (distinct type names)",
        ]),
        ("wire names colliding in snake_case", base_with("    request:\n      CertId: {type: string, doc: a}\n      CertID: {type: string, doc: b}\n"), vec![
            "13:7: `CertID` makes the member `cert_id` of the request, which is already the Rust name of `CertId` (names that stay distinct in snake_case, or a `rust_name`)",
        ]),
        ("keyword that cannot be raw", base_with("    request:\n      Self: {type: string, doc: s}\n"), vec![
            "12:7: `Self` cannot be a Rust name: it is a Rust keyword that cannot be a raw identifier (a `rust_name` for it)",
        ]),
        ("keyword as a type name", base_with("structures:\n  Self:\n    doc: s\n    fields: {}\n"), vec![
            "12:3: invalid type name `Self` (a name that is not a Rust keyword)",
        ]),
        ("lower-case action name", BASE.replace("  Ping:", "  ping:"), vec![
            "8:3: invalid action name `ping` (an UpperCamelCase ASCII name such as `CertificateOrderSubmit`)",
        ]),
        ("action names colliding in snake_case", base_with("  PingCSR:\n    title: t\n    doc: d\n  PingCsr:\n    title: t\n    doc: d\n"), vec![
            "14:3: action `PingCsr` makes the file and module `ping_csr` in the service's module, which is already the file and module of action `PingCSR` (action names whose items stay distinct)",
        ]),
        ("rust_name that is not snake_case", base_with("    request:\n      Super: {type: string, doc: s, rust_name: Super}\n"), vec![
            "12:48: `rust_name` \"Super\" is not snake_case (a snake_case Rust name such as `app_id_2`)",
        ]),
        ("error variant that is not a type name", base_with("errors:\n  Demo.Broken:\n    message: m\n    variant: demo_broken\n"), vec![
            "14:14: invalid variant name `demo_broken` (an UpperCamelCase ASCII name)",
        ]),
        ("non-ASCII name", base_with("    request:\n      Größe: {type: string, doc: s}\n"), vec![
            "12:7: invalid name `Größe` (an ASCII name of letters, digits and underscores)",
        ]),
        ("empty name", base_with("    request:\n      \"\": {type: string, doc: s}\n"), vec![
            "12:7: invalid name `` (an ASCII name of letters, digits and underscores)",
        ]),
        ("RequestId declared", base_with("    response:\n      RequestId: {type: string, doc: r}\n"), vec![
            "12:7: `RequestId` is declared (no `RequestId`: every response has it)",
        ]),
        // Enums.
        ("enum without values", base_with("enums:\n  Kind:\n    doc: k\n    type: string\n    values: []\n"), vec![
            "15:5: enum `Kind` has no values (at least one value)",
        ]),
        ("enum values colliding", base_with("enums:\n  Kind:\n    doc: k\n    type: integer\n    values:\n      - {value: 1, name: One, doc: o}\n      - {value: 1, name: Uno, doc: u}\n"), vec![
            "17:17: value 1 of enum `Kind` is listed twice (items 0 and 1) (distinct values)",
        ]),
        ("enum names colliding", base_with("enums:\n  Kind:\n    doc: k\n    type: integer\n    values:\n      - {value: 1, name: One, doc: o}\n      - {value: 2, name: One, doc: u}\n"), vec![
            "17:26: item 1 of enum `Kind` makes the variant `One` of the enum, which is already the name of item 0 (distinct names)",
        ]),
        ("enum value of the wrong type", base_with("enums:\n  Kind:\n    doc: k\n    type: integer\n    values:\n      - {value: one, name: One, doc: o}\n"), vec![
            "16:17: value of `Kind` is a string (an integer, as the enum's type is integer)",
        ]),
        ("enum value out of range", base_with("enums:\n  Kind:\n    doc: k\n    type: integer\n    values:\n      - {value: 1180591620717411303424, name: Huge, doc: h}\n"), vec![
            "16:17: integer 1180591620717411303424 is out of range (an integer between -2^63 and 2^64 - 1)",
        ]),
        ("enum variant named Unknown", base_with("enums:\n  Kind:\n    doc: k\n    type: string\n    values:\n      - {value: u, name: Unknown, doc: u}\n"), vec![
            "16:26: item 0 of enum `Kind` makes the variant `Unknown` of the enum, which is already an item every enum has (`Unknown` keeps values the spec does not list) (distinct names)",
        ]),
        // Limits and unsupported combinations.
        ("rate limit zero", base_with("    rate_limit: 0\n"), vec![
            "11:17: rate limit 0 (a positive number of requests per second, or no `rate_limit`)",
        ]),
        ("list of int_bool", base_with("    request:\n      Flags: {type: int_bool, list: true, doc: f}\n"), vec![
            "12:37: a list of `int_bool` is not supported (a list of `int64`, or a single `int_bool`)",
        ]),
        ("paginate naming a missing member", base_with("    paginate: {items: Items}\n"), vec![
            "11:15: `Limit` is not a request member of this action (the request member holding the limit)",
            "11:15: `Offset` is not a request member of this action (the request member holding the offset)",
            "11:23: `Items` is not a response member of this action (the response member holding the items)",
        ]),
        ("paginate items that are not a list", base_with("    request:\n      Offset: {type: int64, doc: o}\n      Limit: {type: int64, doc: l}\n    response:\n      TotalCount: {type: string, doc: t}\n      Items: {type: string, doc: i}\n    paginate: {items: Items}\n"), vec![
            "17:23: `Items` is not a list (the response member holding the items, a list)",
        ]),
        // Examples.
        ("example request that is not JSON", base_with("    examples:\n      - {title: t, request: \"{\", response: \"{}\"}\n"), vec![
            "12:29: the example request is not JSON: EOF while parsing an object at line 1 column 1 (a JSON object of request parameters)",
        ]),
        ("example request of the wrong type", base_with("    request:\n      Count: {type: int64, doc: c}\n    examples:\n      - title: t\n        request: '{\"Count\": \"many\"}'\n        response: '{\"Response\": {\"RequestId\": \"r\"}}'\n"), vec![
            "15:18: `Count` in the example request is \"many\" (a value of type `int64`)",
        ]),
        ("example response without Response", base_with("    examples:\n      - {title: t, request: \"{}\", response: \"{}\"}\n"), vec![
            "12:45: the example response has no `Response` object (`{\"Response\": {...}}`)",
        ]),
        // Hostile documents.
        ("exponential aliases", "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\ng: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\n".to_owned(), vec![
            "1:1: invalid YAML: repetition limit exceeded (well-formed YAML)",
        ]),
        ("deep nesting", format!("a: {}{}\n", "[".repeat(10_000), "]".repeat(10_000)), vec![
            "1:131: invalid YAML: recursion limit exceeded (well-formed YAML)",
        ]),
        ("enormous document", format!("# {}\n{BASE}", "x".repeat(17 * 1024 * 1024)), vec![
            "1:1: the file is 17825992 bytes (at most 16777216 bytes)",
        ]),
    ];
    let mut failures = Vec::new();
    for (name, text, expected) in &cases {
        let found = diagnostics(text);
        if &found != expected {
            failures.push(format!("{name}:\n  expected {expected:#?}\n  found    {found:#?}"));
        }
    }
    assert!(cases.len() >= 30);
    assert!(failures.is_empty(), "{} of {} cases differ:\n{}", failures.len(), cases.len(), failures.join("\n"));
}
