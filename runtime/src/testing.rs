//! Checks the generated crate's unit tests run on every service (feature `testing`): each of the
//! spec's examples decodes strictly and writes back what the generator computed from the spec, each
//! enum's values round-trip, each error code parses. Failures panic with the action and example.

use std::fmt::Debug;

use http::StatusCode;
use serde_json::Value;

use crate::action::{Action, ErrorCode, ExampleInfo};
use crate::codes::KnownCodes;
use crate::error::Error;
use crate::wire::{self, CorrectionKind, DecodeCx, Enumeration, Wire};

fn parse(text: &str, what: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|error| panic!("{what} is not JSON: {error}"))
}

fn written<T: Wire>(value: &T) -> Value {
    wire::serialize(value, serde_json::value::Serializer)
        .unwrap_or_else(|error| panic!("cannot write the value: {error}"))
}

/// One example of action `A`: the request decodes strictly and writes back as `expected_request`;
/// the response is a success that decodes strictly (no correction) and writes back as
/// `expected_success`, or the service error `error_code`.
pub fn example<A: Action>(
    info: &ExampleInfo,
    expected_request: &str,
    expected_success: Option<&str>,
    error_code: Option<&str>,
) {
    let label = format!("{} example {:?}", info.action, info.title);
    assert_eq!(info.action, A::INFO.name, "{label}: the example belongs to another action");
    let mut request = A::default();
    let mut deserializer = serde_json::Deserializer::from_str(info.request);
    let mut cx = DecodeCx::new(true);
    if let Err(error) = wire::decode_struct(&mut request, &mut deserializer, &mut cx) {
        panic!("{label}: the request does not decode strictly: {}: {error}", cx.error_path());
    }
    assert_eq!(written(&request), parse(expected_request, "the expected request"), "{label}: the request");
    match crate::decode_response_with::<A>(StatusCode::OK, info.response.as_bytes(), true) {
        Ok(output) => {
            let expected =
                expected_success.unwrap_or_else(|| panic!("{label}: a success, where the spec has an error"));
            assert_eq!(written(&output), parse(expected, "the expected response"), "{label}: the response");
        }
        Err(Error::Service(error)) => {
            assert_eq!(Some(error.code.code()), error_code, "{label}: the error code");
            assert!(error.code.facts().is_some(), "{label}: the code {} is not one of the action's", error.code.code());
        }
        Err(other) => panic!("{label}: the response does not decode strictly: {other}"),
    }
}

/// Every value of enum `E` is written as its wire value and read back; a value the spec does not
/// list is kept as `Unknown`.
pub fn enumeration<E: Enumeration>() {
    let known = E::known();
    assert!(!known.is_empty(), "{} lists no value", std::any::type_name::<E>());
    let decode = |json: &Value| {
        let mut value = E::default();
        let mut cx = DecodeCx::new(true);
        <E as wire::WireValue>::decode_into(&mut value, json, &mut cx).map(|()| value)
    };
    let mut jsons = Vec::new();
    for value in known {
        let json = serde_json::to_value(value).unwrap_or(Value::Null);
        assert_eq!(decode(&json).ok().as_ref(), Some(value), "{value:?} does not read back from {json}");
        assert!(!value.is_unknown(), "{value:?} is a listed value");
        jsons.push(json);
    }
    let unknown = if jsons[0].is_string() {
        (0..).map(|n| Value::from(format!("NotInTheSpec{n}"))).find(|candidate| !jsons.contains(candidate))
    } else {
        let max = jsons.iter().filter_map(Value::as_i64).max().unwrap_or(0);
        Some(Value::from(max.checked_add(1).unwrap_or(i64::MIN)))
    };
    let unknown = unknown.unwrap_or(Value::Null);
    let kept = decode(&unknown).unwrap_or_else(|error| panic!("{unknown} does not read: {error}"));
    assert!(kept.is_unknown(), "{unknown} is not kept as Unknown but as {kept:?}");
    assert_eq!(serde_json::to_value(&kept).ok(), Some(unknown), "an unknown value is not written back as sent");
}

/// Every code of `C` parses to itself, with its documented facts; an unknown code is kept.
pub fn error_codes<C: ErrorCode + KnownCodes + Debug>() {
    for code in C::CODES {
        let parsed = C::from_code(code);
        assert_eq!(parsed.code(), *code);
        assert!(parsed.facts().is_some(), "{code} has no facts");
        assert!(parsed.to_string().starts_with(code), "{parsed}");
    }
    let unknown = C::from_code("FailedOperation.NotInTheSpec");
    assert_eq!(unknown.code(), "FailedOperation.NotInTheSpec");
    assert!(unknown.facts().is_none() && !unknown.is_retryable());
    assert_eq!(unknown.to_string(), "FailedOperation.NotInTheSpec");
}

/// What decoding one published example response gave.
#[derive(Debug)]
pub enum ExampleOutcome {
    /// A success, with the kinds of the corrections it needed (none when it matched the spec).
    Decoded(Vec<CorrectionKind>),
    /// The example is a service error, not a success.
    ServiceError,
    /// The example could not be decoded: why.
    Failed(String),
}

/// A decoder of one action's example responses, in the default (forgiving) mode.
pub type ExampleDecoder = fn(&str) -> ExampleOutcome;

/// Decodes `response` as action `A`'s output, as the client does by default.
pub fn decode_example<A: Action>(response: &str) -> ExampleOutcome {
    match crate::decode_response_with::<A>(StatusCode::OK, response.as_bytes(), false) {
        Ok(mut output) => {
            let kinds = output.corrections_mut().map(|corrections| corrections.iter().map(|c| c.kind).collect());
            ExampleOutcome::Decoded(kinds.unwrap_or_default())
        }
        Err(Error::Service(_)) => ExampleOutcome::ServiceError,
        Err(other) => ExampleOutcome::Failed(other.to_string()),
    }
}

/// A published example response (`specs/corpus/<module>.json`, from `cargo xtask corpus`).
#[derive(serde::Deserialize)]
struct CorpusExample {
    action: String,
    title: String,
    response: String,
}

#[derive(serde::Deserialize)]
struct CorpusFile {
    examples: Vec<CorpusExample>,
}

/// An example known not to decode (`specs/corpus/<module>.failures.json`), and why.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct KnownFailure {
    action: String,
    title: String,
    // Required, so that every listed failure says why; for people, the check does not read it.
    #[allow(dead_code)]
    why: String,
}

/// Decodes every published example response of a service (`<base>.json`) with the decoder of its
/// action, in the default mode, and prints one summary line (`corpus <module>: ...`, read by the
/// scale run). Panics when the examples that fail are not exactly those `<base>.failures.json`
/// lists, each with why. Without a corpus file (a service written by hand) it prints so and
/// checks nothing.
pub fn corpus(base: &str, module: &str, decoders: &[(&str, ExampleDecoder)]) {
    let corpus_path = format!("{base}.json");
    let text = match std::fs::read_to_string(&corpus_path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            println!("corpus {module}: no corpus file");
            return;
        }
        Err(error) => panic!("{corpus_path}: {error}"),
    };
    let corpus: CorpusFile = serde_json::from_str(&text).unwrap_or_else(|error| panic!("{corpus_path}: {error}"));
    let failures_path = format!("{base}.failures.json");
    let known: Vec<KnownFailure> = match std::fs::read_to_string(&failures_path) {
        Ok(text) => serde_json::from_str(&text).unwrap_or_else(|error| panic!("{failures_path}: {error}")),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(error) => panic!("{failures_path}: {error}"),
    };
    let mut tally = CorpusTally::default();
    let mut failed = Vec::new();
    for example in &corpus.examples {
        let Some((_, decode)) = decoders.iter().find(|(action, _)| *action == example.action) else {
            tally.not_in_spec += 1;
            continue;
        };
        match decode(&example.response) {
            ExampleOutcome::Decoded(kinds) => tally.decoded(&kinds),
            ExampleOutcome::ServiceError => tally.service_errors += 1,
            ExampleOutcome::Failed(why) => {
                tally.successes += 1;
                tally.failed += 1;
                failed.push((example.action.as_str(), example.title.as_str(), why));
            }
        }
    }
    println!("corpus {module}: {tally}");
    let is_known = |action: &str, title: &str| known.iter().any(|k| k.action == action && k.title == title);
    let unexpected: Vec<String> = failed
        .iter()
        .filter(|(action, title, _)| !is_known(action, title))
        .map(|(action, title, why)| format!("  {action} {title:?}: {why}"))
        .collect();
    let fixed: Vec<String> = known
        .iter()
        .filter(|k| !failed.iter().any(|(action, title, _)| k.action == *action && k.title == *title))
        .map(|k| format!("  {} {:?}", k.action, k.title))
        .collect();
    assert!(
        unexpected.is_empty() && fixed.is_empty(),
        "corpus {module}: the examples that fail are not those {failures_path} lists\n\
         failing, not listed (fix the decoder or the spec, or list them with why):\n{}\n\
         listed, but decoding now (remove them from the list):\n{}",
        unexpected.join("\n"),
        fixed.join("\n"),
    );
}

/// The counts of one corpus run.
#[derive(Default)]
struct CorpusTally {
    successes: usize,
    corrected: usize,
    by_kind: std::collections::BTreeMap<&'static str, usize>,
    failed: usize,
    /// Successes the official Go SDK's decoding (every member optional, no type coercion) would
    /// refuse: those needing a coercion, and those that fail here.
    go_would_fail: usize,
    service_errors: usize,
    not_in_spec: usize,
}

impl CorpusTally {
    fn decoded(&mut self, kinds: &[CorrectionKind]) {
        self.successes += 1;
        if kinds.is_empty() {
            return;
        }
        self.corrected += 1;
        for kind in kinds {
            *self.by_kind.entry(kind_name(*kind)).or_default() += 1;
        }
        if kinds.iter().any(|kind| is_coercion(*kind)) {
            self.go_would_fail += 1;
        }
    }
}

impl std::fmt::Display for CorpusTally {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} success examples, {} decode ({} corrected",
            self.successes,
            self.successes - self.failed,
            self.corrected
        )?;
        for (kind, count) in &self.by_kind {
            write!(f, ", {kind} {count}")?;
        }
        write!(
            f,
            "), {} fail; Go's semantics would fail {}; {} error examples, {} examples of actions the spec lacks",
            self.failed,
            self.go_would_fail + self.failed,
            self.service_errors,
            self.not_in_spec
        )
    }
}

/// A short name of a correction kind for the summary line.
fn kind_name(kind: CorrectionKind) -> &'static str {
    match kind {
        CorrectionKind::Missing => "missing",
        CorrectionKind::Null => "null",
        CorrectionKind::NumberFromString => "number-from-string",
        CorrectionKind::StringFromNumber => "string-from-number",
        CorrectionKind::IntegerFromFloat => "integer-from-float",
        CorrectionKind::BoolFromString => "bool-from-string",
        CorrectionKind::BoolFromNumber => "bool-from-number",
        CorrectionKind::IntegerBoolFromBool => "int-bool-from-bool",
    }
}

/// Whether a correction converts a value's type, which Go's `encoding/json` refuses (a missing or
/// `null` member it takes, as every member of the Go SDK's models is a pointer).
fn is_coercion(kind: CorrectionKind) -> bool {
    !matches!(kind, CorrectionKind::Missing | CorrectionKind::Null | CorrectionKind::IntegerBoolFromBool)
}
