//! Checks the generated crate's unit tests run on every service (feature `testing`): each of the
//! spec's examples decodes strictly and writes back what the generator computed from the spec, each
//! enum's values round-trip, each error code parses. Failures panic with the action and example.

use std::fmt::Debug;

use http::StatusCode;
use serde_json::Value;

use crate::action::{Action, ErrorCode, ExampleInfo};
use crate::codes::KnownCodes;
use crate::error::Error;
use crate::wire::{self, DecodeCx, Enumeration, Wire};

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
