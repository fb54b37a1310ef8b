//! Property tests of the two decodings of a response: on bodies whose members take any JSON
//! value (the right type, a string of digits, a float, a boolean, `null`, absent, nested
//! values), neither panics, every error is one bounded line, and they agree: strict accepts
//! exactly what the forgiving decoding reads without a correction, into the same value.

use http::StatusCode;
use proptest::prelude::*;
use serde_json::{Map, Value, json};
use tcapi::ssl::CertificateOrderSubmitRequest;
use tcapi_runtime::decode_response_with;

/// Any value a server might put where a member goes.
fn member_value() -> impl Strategy<Value = Option<Value>> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(Value::from),
        (-3i64..20).prop_map(|n| Value::from(n as f64)),
        (-3i64..20).prop_map(|n| Value::from(n.to_string())),
        prop_oneof![Just("true"), Just("false"), Just("0"), Just("1"), Just("8.0"), Just(" 8"), Just("")]
            .prop_map(Value::from),
        "[a-zA-Z0-9 ._-]{0,12}".prop_map(Value::from),
    ];
    let value = leaf.prop_recursive(2, 8, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..3).prop_map(Value::from),
            inner.prop_map(|value| json!({"Nested": value})),
        ]
    });
    prop::option::weighted(0.9, value)
}

fn body(members: &[(&str, Option<Value>)]) -> String {
    let mut response = Map::new();
    for (key, value) in members {
        if let Some(value) = value {
            response.insert((*key).to_owned(), value.clone());
        }
    }
    json!({"Response": response}).to_string()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    #[test]
    fn strict_and_forgiving_decoding_agree(
        order_id in member_value(),
        status in member_value(),
        is_audited in member_value(),
        request_id in prop_oneof![Just(Some(Value::from("r"))), member_value()],
    ) {
        let text = body(&[("OrderId", order_id), ("Status", status), ("IsAudited", is_audited), ("RequestId", request_id)]);
        let forgiving = decode_response_with::<CertificateOrderSubmitRequest>(StatusCode::OK, text.as_bytes(), false);
        let strict = decode_response_with::<CertificateOrderSubmitRequest>(StatusCode::OK, text.as_bytes(), true);
        for result in [&forgiving, &strict] {
            if let Err(error) = result {
                let line = error.to_string();
                prop_assert!(!line.contains(['\n', '\r']), "{line:?}");
                prop_assert!(line.chars().count() <= 400, "{line:?}");
            }
        }
        match (&forgiving, &strict) {
            (Ok(read), Ok(strictly)) => prop_assert!(read.corrections.is_empty() && read == strictly, "{text}"),
            (Ok(read), Err(error)) => prop_assert!(!read.corrections.is_empty(), "{text}: strict refused ({error}) what needed no correction"),
            (Err(error), Ok(_)) => prop_assert!(false, "{text}: strict accepted what the forgiving decoding refused ({error})"),
            (Err(_), Err(_)) => {}
        }
    }
}
