//! Feeds arbitrary bytes, with an arbitrary status, to the response decoder of
//! `CertificateOrderSubmit`: it must never panic, and every error it returns must stay one
//! bounded line whatever the body holds.
#![no_main]

use http::StatusCode;
use libfuzzer_sys::fuzz_target;
use tcapi::runtime::decode_response;
use tcapi::ssl::CertificateOrderSubmitRequest;

fuzz_target!(|data: &[u8]| {
    // The first byte picks the status: mostly 200 (where the body is parsed fully), else any
    // status from 100 to 610.
    let (status, body) = match data.split_first() {
        Some((&selector, body)) if selector >= 64 => (StatusCode::OK, body),
        Some((&selector, body)) => {
            (StatusCode::from_u16(100 + u16::from(selector) * 8).unwrap_or(StatusCode::OK), body)
        }
        None => (StatusCode::OK, data),
    };
    if let Err(error) = decode_response::<CertificateOrderSubmitRequest>(status, body) {
        let line = error.to_string();
        assert!(!line.contains(['\n', '\r']), "error is not one line: {line:?}");
        assert!(line.chars().count() <= 400, "error line of {} characters", line.chars().count());
    }
});
