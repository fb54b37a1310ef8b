//! Feeds arbitrary bytes, with an arbitrary status, to the response decoder of
//! `CertificateOrderSubmit`: it must never panic, every error it returns must stay one bounded
//! line whatever the body holds, and the forgiving and the strict decoding must agree: strict
//! accepts exactly the bodies the forgiving decoding reads without a correction, into the same
//! value.
#![no_main]

use http::StatusCode;
use libfuzzer_sys::fuzz_target;
use tcapi::runtime::decode_response_with;
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
    let forgiving = decode_response_with::<CertificateOrderSubmitRequest>(status, body, false);
    let strict = decode_response_with::<CertificateOrderSubmitRequest>(status, body, true);
    for result in [&forgiving, &strict] {
        if let Err(error) = result {
            let line = error.to_string();
            assert!(!line.contains(['\n', '\r']), "error is not one line: {line:?}");
            assert!(line.chars().count() <= 400, "error line of {} characters", line.chars().count());
        }
    }
    match (&forgiving, &strict) {
        (Ok(read), Ok(strictly)) => assert!(read.corrections.is_empty() && read == strictly),
        (Ok(read), Err(_)) => assert!(!read.corrections.is_empty(), "strict refused what needed no correction"),
        (Err(_), Ok(_)) => panic!("strict accepted what the forgiving decoding refused"),
        (Err(_), Err(_)) => {}
    }
});
