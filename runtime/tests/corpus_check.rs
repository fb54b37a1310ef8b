//! The corpus check of the generated crates (`testing::corpus`): the published example responses
//! of a service decode forgivingly, and the examples that fail are exactly those listed with why.

use std::fs;
use std::path::{Path, PathBuf};

use tcapi::ssl::{CertificateOrderSubmitRequest, DescribeCertificateRequest};
use tcapi_runtime::testing::{self, ExampleDecoder};

const DECODERS: &[(&str, ExampleDecoder)] = &[
    ("CertificateOrderSubmit", testing::decode_example::<CertificateOrderSubmitRequest>),
    ("DescribeCertificate", testing::decode_example::<DescribeCertificateRequest>),
];

/// A corpus of three examples: one exact, one the decoder corrects (`Status` as a string), one it
/// cannot decode (`Status` 8.5); plus an error example and one of an action the spec lacks.
fn corpus(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("corpus-check").join(name);
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap_or_else(|error| panic!("{error}"));
    let response = |fields: &str| format!("{{\"Response\": {{{fields}, \"RequestId\": \"r\"}}}}");
    let examples = serde_json::json!({"service": "ssl", "version": "2019-12-05", "module": "ssl", "examples": [
        {"action": "CertificateOrderSubmit", "title": "exact", "response": response("\"OrderId\": \"o\", \"Status\": 8, \"IsAudited\": true")},
        {"action": "CertificateOrderSubmit", "title": "a string for a number", "response": response("\"OrderId\": \"o\", \"Status\": \"8\", \"IsAudited\": true")},
        {"action": "CertificateOrderSubmit", "title": "lossy", "response": response("\"OrderId\": \"o\", \"Status\": 8.5, \"IsAudited\": true")},
        {"action": "DescribeCertificate", "title": "an error", "response": "{\"Response\": {\"Error\": {\"Code\": \"FailedOperation\", \"Message\": \"m\"}, \"RequestId\": \"r\"}}"},
        {"action": "NotInTheSpec", "title": "other", "response": response("\"X\": 1")},
    ]});
    let base = dir.join("ssl");
    fs::write(base.with_extension("json"), examples.to_string()).unwrap_or_else(|error| panic!("{error}"));
    base
}

fn check(base: &Path) -> Result<(), String> {
    let base = base.to_string_lossy().into_owned();
    std::panic::catch_unwind(|| testing::corpus(&base, "ssl", DECODERS)).map_err(|payload| {
        payload.downcast_ref::<String>().cloned().unwrap_or_else(|| "a panic without a message".to_owned())
    })
}

fn write_failures(base: &Path, failures: &serde_json::Value) {
    fs::write(base.with_extension("failures.json"), failures.to_string()).unwrap_or_else(|error| panic!("{error}"));
}

#[test]
fn a_failure_not_listed_fails_the_check_naming_the_example_and_the_field() {
    let base = corpus("unlisted");
    let message = check(&base).expect_err("an unlisted failure passed");
    assert!(message.contains("CertificateOrderSubmit \"lossy\""), "{message}");
    assert!(message.contains("Response.Status"), "{message}");
    assert!(!message.contains("a string for a number"), "a corrected example counted as failing: {message}");
}

#[test]
fn listed_failures_pass_and_a_listed_example_that_decodes_fails_the_check() {
    let base = corpus("listed");
    write_failures(
        &base,
        &serde_json::json!([
            {"action": "CertificateOrderSubmit", "title": "lossy", "why": "8.5 is not an integer"},
        ]),
    );
    check(&base).unwrap_or_else(|message| panic!("{message}"));

    write_failures(
        &base,
        &serde_json::json!([
            {"action": "CertificateOrderSubmit", "title": "lossy", "why": "8.5 is not an integer"},
            {"action": "CertificateOrderSubmit", "title": "exact", "why": "stale"},
        ]),
    );
    let message = check(&base).expect_err("a stale entry passed");
    assert!(message.contains("remove them from the list") && message.contains("\"exact\""), "{message}");
}

#[test]
fn a_listed_failure_without_why_is_refused() {
    let base = corpus("no-why");
    write_failures(&base, &serde_json::json!([{"action": "CertificateOrderSubmit", "title": "lossy"}]));
    let message = check(&base).expect_err("an entry without why passed");
    assert!(message.contains("why"), "{message}");
}

#[test]
fn without_a_corpus_file_nothing_is_checked() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("corpus-check").join("absent");
    check(&dir.join("ssl")).unwrap_or_else(|message| panic!("{message}"));
}
