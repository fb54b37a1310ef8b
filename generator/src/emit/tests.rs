//! `<module>/tests.rs`: the spec's examples, enums and error codes as unit tests of the generated
//! crate. What each example must write back was computed by validation from the example and the
//! spec (`ir::Example`), not by the generated code: a test compares the two. Written one check
//! per line (prettyplease would spread each call over ten).

use std::fmt::Write as _;

use super::table::string_literal;
use crate::ir::{ActionErrors, Service};

/// The test module of a service, as Rust source text; `root` is the workspace root relative to
/// the crate's directory (`..`), where the corpus of published responses is.
pub fn tests_file(service: &Service, root: &str) -> String {
    let mut out = String::from("//! The spec's examples, enums and error codes, checked against the generated code.\n");
    let mut index = 0usize;
    let mut examples = String::new();
    for action in &service.actions {
        for example in &action.examples {
            let request = string_literal(&example.request_expected.to_string());
            let success = option(example.success.as_ref().map(ToString::to_string));
            let error_code = option(example.error_code.clone());
            let _ = writeln!(
                examples,
                "    ::tcapi_runtime::testing::example::<super::{}>(&super::EXAMPLES[{index}], {request}, {success}, {error_code});",
                action.names.request
            );
            index += 1;
        }
    }
    if !examples.is_empty() {
        out.push_str("\n#[test]\nfn examples_decode_strictly_and_write_back_as_the_spec_says() {\n");
        out.push_str(&examples);
        out.push_str("}\n");
    }
    if !service.enums.is_empty() {
        out.push_str("\n#[test]\nfn enum_values_round_trip_and_unknown_values_are_kept() {\n");
        for item in &service.enums {
            let _ = writeln!(out, "    ::tcapi_runtime::testing::enumeration::<super::{}>();", item.name);
        }
        out.push_str("}\n");
    }
    // Tencent's published example responses (`cargo xtask corpus`), decoded as the client would.
    let base = string_literal(&format!("/{root}/{}/{}", crate::CORPUS_DIR, service.module));
    let module = string_literal(&service.module);
    let _ = write!(
        out,
        "\n#[test]\nfn published_example_responses_decode_forgivingly() {{\n    ::tcapi_runtime::testing::corpus(::core::concat!(::core::env!(\"CARGO_MANIFEST_DIR\"), {base}), {module}, &[\n"
    );
    for action in &service.actions {
        let _ = writeln!(
            out,
            "        ({}, ::tcapi_runtime::testing::decode_example::<super::{}>),",
            string_literal(&action.name),
            action.names.request
        );
    }
    out.push_str("    ]);\n}\n");
    out.push_str("\n#[test]\nfn error_codes_parse_show_and_keep_unknown_ones() {\n");
    out.push_str("    ::tcapi_runtime::testing::error_codes::<super::ErrorCode>();\n");
    for action in &service.actions {
        if let ActionErrors::Own(_) = &action.errors {
            let _ = writeln!(out, "    ::tcapi_runtime::testing::error_codes::<super::{}>();", action.names.error_code);
        }
    }
    out.push_str("}\n");
    out
}

fn option(text: Option<String>) -> String {
    match text {
        Some(text) => format!("::core::option::Option::Some({})", string_literal(&text)),
        None => "::core::option::Option::None".to_owned(),
    }
}
