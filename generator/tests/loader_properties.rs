//! Property tests: the loader and validator never panic and never hang, whatever they are fed.
//! Arbitrary bytes, arbitrary YAML trees, and valid specs with one random byte changed.

use proptest::prelude::*;
use tcgen::SpecSource;

fn check(text: &str) {
    let common = SpecSource { path: "specs/common/errors.yaml".to_owned(), text: "errors: {}\n".to_owned() };
    let spec = SpecSource { path: "specs/services/fuzz.yaml".to_owned(), text: text.to_owned() };
    // Either outcome is fine; each diagnostic must be located in the file it was given.
    if let Err(tcgen::GenerateError::Specs(diagnostics)) = tcgen::generate(&common, &[spec]) {
        for diagnostic in &diagnostics.0 {
            assert!(diagnostic.file.starts_with("specs/"), "{diagnostic}");
            assert!(diagnostic.position.line >= 1 && diagnostic.position.column >= 1, "{diagnostic}");
        }
    }
}

/// YAML documents built from the keys the format knows and random scalars, nested a few levels.
fn yaml_tree() -> impl Strategy<Value = serde_yaml::Value> {
    let keys = prop_oneof![
        Just("service"),
        Just("actions"),
        Just("structures"),
        Just("enums"),
        Just("errors"),
        Just("name"),
        Just("version"),
        Just("type"),
        Just("list"),
        Just("required"),
        Just("values"),
        Just("value"),
        Just("fields"),
        Just("request"),
        Just("response"),
        Just("doc"),
        Just("title"),
        Just("paginate"),
        Just("Ping"),
        Just("CertId"),
        Just("string"),
        Just("examples"),
    ];
    let scalar = prop_oneof![
        any::<bool>().prop_map(serde_yaml::Value::from),
        any::<i64>().prop_map(serde_yaml::Value::from),
        "[a-zA-Z0-9 ._-]{0,12}".prop_map(serde_yaml::Value::from),
        Just(serde_yaml::Value::Null),
    ];
    scalar.prop_recursive(5, 64, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(serde_yaml::Value::Sequence),
            prop::collection::vec((keys.clone(), inner), 0..6).prop_map(|entries| {
                serde_yaml::Value::Mapping(
                    entries.into_iter().map(|(key, value)| (serde_yaml::Value::from(key), value)).collect(),
                )
            }),
        ]
    })
}

const VALID: &str = include_str!("fixtures/everything.yaml");

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        check(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn arbitrary_yaml_trees_never_panic(tree in yaml_tree()) {
        check(&serde_yaml::to_string(&tree).unwrap_or_default());
    }

    #[test]
    fn a_valid_spec_with_one_byte_changed_never_panics(index in 0..VALID.len(), byte in any::<u8>()) {
        let mut bytes = VALID.as_bytes().to_vec();
        bytes[index] = byte;
        check(&String::from_utf8_lossy(&bytes));
    }
}
