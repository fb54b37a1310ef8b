//! What Tencent's servers send unlike their metadata says, over real loopback (the mock answers
//! each deviation) and at the decoder: a lossless deviation is corrected, recorded with its path
//! and logged; a lossy one is an error naming the member with a short excerpt; strict decoding
//! refuses every correction.

#![allow(clippy::unwrap_used)]

use std::sync::{Arc, Mutex};

use http::StatusCode;
use tcapi_runtime::mock::{MockServer, Reply};
use tcapi_runtime::{Action, ActionInfo, CodeFacts, CorrectionKind, Error, ErrorCode, ServiceInfo};

static SERVICE: ServiceInfo = ServiceInfo {
    name: "demo",
    version: "2020-01-01",
    endpoint: "demo.intl.tencentcloudapi.com",
    mainland_endpoint: "demo.tencentcloudapi.com",
    error_facts: <Code as ErrorCode>::facts_of,
};

static DESCRIBE: ActionInfo = ActionInfo::new("DescribeThing", &SERVICE);

tcapi_runtime::error_codes! {
    /// Codes of the demo.
    pub enum Code {
        FailedOperation = ("FailedOperation", CodeFacts::new("Failed.")),
    }
}

tcapi_runtime::integer_enum! {
    /// A status.
    pub enum Status {
        /// Running.
        Running = 1,
    }
}

tcapi_runtime::string_enum! {
    /// A kind.
    pub enum Kind {
        /// Big.
        Big = "BIG",
    }
}

#[derive(Debug, Clone, Default, PartialEq, tcapi_runtime::Wire)]
struct Inner {
    name: String,
    size: i64,
}

#[derive(Debug, Default, tcapi_runtime::Wire)]
struct Describe {}

#[derive(Debug, Clone, Default, PartialEq, tcapi_runtime::Wire)]
struct DescribeResponse {
    name: String,
    count: i64,
    total: u64,
    ratio: f64,
    enabled: bool,
    #[wire(int_bool)]
    switched_on: bool,
    tags: Vec<String>,
    status: Status,
    kind: Kind,
    inner: Inner,
    note: Option<String>,
    request_id: String,
    #[wire(corrections)]
    corrections: tcapi_runtime::Corrections,
}

impl Action for Describe {
    type Output = DescribeResponse;
    type ErrorCode = Code;
    const INFO: &'static ActionInfo = &DESCRIBE;
}

/// A response as the spec says it.
fn exact() -> serde_json::Map<String, serde_json::Value> {
    let value = serde_json::json!({
        "Name": "n", "Count": 3, "Total": 4, "Ratio": 0.5, "Enabled": true, "SwitchedOn": 1, "Tags": ["t"],
        "Status": 1, "Kind": "BIG", "Inner": {"Name": "i", "Size": 2}, "Note": "x", "RequestId": "r-1"
    });
    value.as_object().unwrap().clone()
}

/// `exact()` with `key` set to `value`, or removed when `value` is `None`.
fn with(key: &str, value: Option<serde_json::Value>) -> String {
    let mut fields = exact();
    match value {
        Some(value) => fields.insert(key.to_owned(), value),
        None => fields.remove(key),
    };
    serde_json::json!({ "Response": fields }).to_string()
}

/// Every lossless deviation: the body, the member's path, what the decoder does, and a check of
/// the value it keeps.
type Check = fn(&DescribeResponse) -> bool;

fn deviations() -> Vec<(String, &'static str, CorrectionKind, Check)> {
    use serde_json::json;
    vec![
        // Missing or null required members: their defaults.
        (with("Name", None), "Response.Name", CorrectionKind::Missing, |r| r.name.is_empty()),
        (with("Count", Some(json!(null))), "Response.Count", CorrectionKind::Null, |r| r.count == 0),
        (with("Enabled", None), "Response.Enabled", CorrectionKind::Missing, |r| !r.enabled),
        (with("Tags", Some(json!(null))), "Response.Tags", CorrectionKind::Null, |r| r.tags.is_empty()),
        (with("Status", None), "Response.Status", CorrectionKind::Missing, |r| r.status == Status::Unknown(0)),
        (with("Kind", Some(json!(null))), "Response.Kind", CorrectionKind::Null, |r| {
            r.kind == Kind::Unknown(String::new())
        }),
        (with("Inner", None), "Response.Inner", CorrectionKind::Missing, |r| r.inner == Inner::default()),
        (with("Inner", Some(json!({"Name": "i"}))), "Response.Inner.Size", CorrectionKind::Missing, |r| {
            r.inner.size == 0
        }),
        // Numbers sent as strings.
        (with("Count", Some(json!("23"))), "Response.Count", CorrectionKind::NumberFromString, |r| r.count == 23),
        (with("Ratio", Some(json!("1.5"))), "Response.Ratio", CorrectionKind::NumberFromString, |r| r.ratio == 1.5),
        (with("Status", Some(json!("1"))), "Response.Status", CorrectionKind::NumberFromString, |r| {
            r.status == Status::Running
        }),
        // Numbers sent for strings.
        (with("Name", Some(json!(42))), "Response.Name", CorrectionKind::StringFromNumber, |r| r.name == "42"),
        (with("Tags", Some(json!(["a", 7]))), "Response.Tags[1]", CorrectionKind::StringFromNumber, |r| {
            r.tags == ["a", "7"]
        }),
        // Integral floats for integers.
        (with("Total", Some(json!(2.0))), "Response.Total", CorrectionKind::IntegerFromFloat, |r| r.total == 2),
        // Booleans sent as strings or numbers.
        (with("Enabled", Some(json!("false"))), "Response.Enabled", CorrectionKind::BoolFromString, |r| !r.enabled),
        (with("Enabled", Some(json!("True"))), "Response.Enabled", CorrectionKind::BoolFromString, |r| r.enabled),
        (with("Enabled", Some(json!("FALSE"))), "Response.Enabled", CorrectionKind::BoolFromString, |r| !r.enabled),
        (with("Enabled", Some(json!(1))), "Response.Enabled", CorrectionKind::BoolFromNumber, |r| r.enabled),
        (with("SwitchedOn", Some(json!(true))), "Response.SwitchedOn", CorrectionKind::IntegerBoolFromBool, |r| {
            r.switched_on
        }),
    ]
}

/// Lossy values: the body and the start of the error's message (the path, what was sent).
fn lossy() -> Vec<(String, &'static str)> {
    use serde_json::json;
    vec![
        (with("Count", Some(json!(8.5))), "Response.Count: 8.5 cannot be read as an int64"),
        (with("Count", Some(json!(1_180_591_620_717_411_303_424.0))), "Response.Count: 11805916207174112"),
        (with("Ratio", Some(json!("eight"))), r#"Response.Ratio: "eight" cannot be read as a number"#),
        (with("Total", Some(json!(-1))), "Response.Total: -1 cannot be read as a uint64"),
        (with("Enabled", Some(json!(2))), "Response.Enabled: 2 cannot be read as a boolean"),
        (with("Enabled", Some(json!("yes"))), r#"Response.Enabled: "yes" cannot be read as a boolean"#),
        (with("Inner", Some(json!({"Name": "i", "Size": "x".repeat(10_000)}))), "Response.Inner.Size: \"xxxxxxxx"),
        (with("Tags", Some(json!("a"))), "Response.Tags: invalid type: string \"a\", expected a list"),
    ]
}

#[test]
fn at_the_decoder_each_lossless_deviation_is_corrected_with_its_path() {
    for (body, path, kind, check) in deviations() {
        let output = tcapi_runtime::decode_response::<Describe>(StatusCode::OK, body.as_bytes()).unwrap();
        let corrections: Vec<_> = output.corrections.iter().map(|c| (c.path.as_str(), c.kind)).collect();
        assert_eq!(corrections, [(path, kind)], "{body}");
        assert!(check(&output), "{body}: {output:?}");
        // Everything else is as sent.
        assert_eq!(output.request_id, "r-1");
    }
}

#[test]
fn at_the_decoder_strict_mode_refuses_each_correction_naming_the_member() {
    for (body, path, ..) in deviations() {
        let error =
            tcapi_runtime::decode_response_with::<Describe>(StatusCode::OK, body.as_bytes(), true).err().unwrap();
        let Error::Decode { message, request_id, .. } = &error else { panic!("{error:?}") };
        assert!(message.starts_with(&format!("{path}: ")), "{body}: {message}");
        assert!(message.contains("refused by strict decoding"), "{message}");
        assert_eq!(request_id.as_deref(), Some("r-1"));
    }
    // The spec's own shape passes strict decoding untouched.
    let exact = serde_json::json!({ "Response": exact() }).to_string();
    let output = tcapi_runtime::decode_response_with::<Describe>(StatusCode::OK, exact.as_bytes(), true).unwrap();
    assert!(output.corrections.is_empty());
}

#[test]
fn at_the_decoder_lossy_values_are_errors_naming_the_member_with_a_short_excerpt() {
    for (body, expected) in lossy() {
        let error = tcapi_runtime::decode_response::<Describe>(StatusCode::OK, body.as_bytes()).err().unwrap();
        let Error::Decode { message, request_id, .. } = &error else { panic!("{error:?}") };
        assert!(message.starts_with(expected), "{body}: {message}");
        assert!(error.to_string().chars().count() < 300, "{error}");
        assert_eq!(request_id.as_deref(), Some("r-1"));
    }
}

/// Captures what the client logs, as tracing-subscriber's fmt writes it.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

async fn mock() -> MockServer {
    MockServer::builder().actions(&[&DESCRIBE]).start().await.unwrap()
}

#[tokio::test]
async fn over_loopback_corrections_are_kept_in_the_output_and_logged_as_warnings() {
    let server = mock().await;
    let client = tcapi_runtime::Client::new(server.config_builder().build().unwrap());
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt().with_writer(move || writer.clone()).with_ansi(false).finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    for (body, path, kind, check) in deviations() {
        server.enqueue(Reply::raw(StatusCode::OK, "application/json", body.clone()));
        let output = client.send(&Describe {}).await.unwrap();
        let corrections: Vec<_> = output.corrections.iter().map(|c| (c.path.as_str(), c.kind)).collect();
        assert_eq!(corrections, [(path, kind)], "{body}");
        assert!(check(&output), "{body}");
    }
    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let warnings: Vec<&str> = log.lines().filter(|line| line.contains("WARN")).collect();
    assert_eq!(warnings.len(), deviations().len(), "{log}");
    let first = warnings[0];
    for part in
        ["action=\"DescribeThing\"", "request_id=\"r-1\"", "path=\"Response.Name\"", "missing, set to its default"]
    {
        assert!(first.contains(part), "{part} not in {first}");
    }
}

#[tokio::test]
async fn over_loopback_strict_mode_refuses_each_correction_and_lossy_values_are_errors() {
    let server = mock().await;
    let strict = tcapi_runtime::Client::new(server.config_builder().strict_decoding(true).build().unwrap());
    for (body, path, ..) in deviations() {
        server.enqueue(Reply::raw(StatusCode::OK, "application/json", body.clone()));
        let error = strict.send(&Describe {}).await.err().unwrap();
        assert!(error.to_string().contains(&format!("{path}: ")), "{body}: {error}");
    }
    let lenient = tcapi_runtime::Client::new(server.config_builder().build().unwrap());
    for (body, expected) in lossy() {
        server.enqueue(Reply::raw(StatusCode::OK, "application/json", body.clone()));
        let error = lenient.send(&Describe {}).await.err().unwrap();
        assert!(matches!(&error, Error::Decode { message, .. } if message.starts_with(expected)), "{body}: {error}");
    }
    // A decode error is final: nothing was sent twice.
    assert_eq!(server.request_count(), deviations().len() + lossy().len());
}
