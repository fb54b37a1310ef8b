//! Compiles the snapshot of `fixtures/everything.yaml` against the real runtime and runs the tests
//! the generator wrote for it (its examples and enum values), so every feature of the format is
//! known to produce code that builds and behaves. The snapshot names the runtime by its absolute
//! path, `::tcapi_runtime`, as every generated module does.

#![allow(clippy::unwrap_used)]
// The generated module keeps its examples behind `tcapi`'s feature `mock`, which this crate lacks.
#![allow(unexpected_cfgs)]

// The snapshot is prettyplease output, byte for byte; rustfmt must not touch it. Generated code
// finds the common codes' facts at the crate's root, as in the generated crate.
#[rustfmt::skip]
#[path = "snapshots/common_errors.rs"]
#[allow(dead_code)]
mod common_errors;

#[rustfmt::skip]
#[path = "snapshots/everything/mod.rs"]
#[allow(dead_code)]
mod everything;

use everything::*;

#[test]
fn builders_check_required_parameters() {
    let missing = PutItemRequest::builder().item_id("i-1").count(1).build();
    assert!(matches!(missing, Err(ref error) if error.to_string().contains("Force")), "{missing:?}");
    let request = PutItemRequest::builder().item_id("i-1").count(1).force(true).tags(["a".to_owned()]).build();
    let json = serde_json::to_value(request.unwrap()).unwrap();
    assert_eq!(json, serde_json::json!({"ItemID": "i-1", "Count": 1, "Force": 1, "Tags": ["a"]}));
}
