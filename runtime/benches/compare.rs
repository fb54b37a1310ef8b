//! The Rust half of `scripts/bench/compare.sh`: times the same work, on the same inputs and with
//! the same number of iterations, as `scripts/bench/python_sdk.py` does with the official Python
//! SDK, and prints one JSON object per line (`{"work": ..., "median_ns": ..., "min_ns": ...}`).
//!
//! `cargo bench -p tcapi --bench compare -- --iterations 20000 --repeats 5`
//!
//! Each work runs `iterations` times per repeat after a warm-up of a tenth of that; the per-call
//! time of each repeat is kept, and the median and minimum of the repeats are printed. Nothing
//! here asserts a time.

mod common;

use std::hint::black_box;
use std::time::Instant;

use http::StatusCode;
use tcapi::ssl::CertificateOrderSubmitRequest;
use tcapi_runtime::decode_response;

struct Options {
    iterations: u32,
    repeats: u32,
    only: Option<String>,
    /// Appended to every work's name: the same work from another build (`_release_profile`).
    name_suffix: String,
}

fn options() -> Options {
    let mut options = Options { iterations: 20_000, repeats: 5, only: None, name_suffix: String::new() };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().unwrap_or_else(|| panic!("{name} needs a value"));
        match arg.as_str() {
            "--iterations" => options.iterations = value("--iterations").parse().expect("--iterations N"),
            "--repeats" => options.repeats = value("--repeats").parse().expect("--repeats N"),
            "--only" => options.only = Some(value("--only")),
            "--name-suffix" => options.name_suffix = value("--name-suffix"),
            // `cargo bench` passes `--bench`; anything else is a mistake.
            "--bench" => {}
            other => panic!("unknown argument {other:?} (--iterations N --repeats N --only WORK --name-suffix S)"),
        }
    }
    options
}

/// Per-call nanoseconds of each repeat.
fn time<R>(options: &Options, mut work: impl FnMut() -> R) -> Vec<f64> {
    for _ in 0..(options.iterations / 10).max(1) {
        black_box(work());
    }
    (0..options.repeats)
        .map(|_| {
            let started = Instant::now();
            for _ in 0..options.iterations {
                black_box(work());
            }
            started.elapsed().as_nanos() as f64 / f64::from(options.iterations)
        })
        .collect()
}

/// Like [`time`] for async work, measured as a program already running on tokio calls: each
/// repeat runs inside one `block_on` instead of entering the runtime for every call.
fn time_async<F: Future>(options: &Options, runtime: &tokio::runtime::Runtime, work: impl Fn() -> F) -> Vec<f64> {
    runtime.block_on(async {
        for _ in 0..(options.iterations / 10).max(1) {
            black_box(work().await);
        }
        let mut samples = Vec::new();
        for _ in 0..options.repeats {
            let started = Instant::now();
            for _ in 0..options.iterations {
                black_box(work().await);
            }
            samples.push(started.elapsed().as_nanos() as f64 / f64::from(options.iterations));
        }
        samples
    })
}

fn report(options: &Options, work: &str, description: &str, mut samples: Vec<f64>) {
    samples.sort_by(f64::total_cmp);
    let median = samples[samples.len() / 2];
    let min = samples[0];
    let suffix = &options.name_suffix;
    println!(
        "{{\"side\": \"rust\", \"work\": \"{work}{suffix}\", \"median_ns\": {median:.1}, \"min_ns\": {min:.1}, \
         \"iterations\": {}, \"repeats\": {}, \"description\": \"{description}\"}}",
        options.iterations, options.repeats
    );
}

fn main() {
    let options = options();
    let wanted = |work: &str| options.only.as_deref().is_none_or(|only| only == work);

    if wanted("whole_call") || wanted("whole_call_block_on") {
        let runtime = common::runtime();
        let client = common::canned_client(common::SUCCESS_BODY);
        assert!(runtime.block_on(common::whole_call(&client)), "the canned call failed");
        if wanted("whole_call") {
            let samples = time_async(&options, &runtime, || common::whole_call(&client));
            report(&options, "whole_call", "tcapi::ssl::Client, canned transport, rate limit off", samples);
        }
        if wanted("whole_call_block_on") {
            let samples = time(&options, || runtime.block_on(common::whole_call(&client)));
            report(&options, "whole_call_block_on", "the same, entering the runtime for each call", samples);
        }
    }
    if wanted("whole_call_temporary") {
        let runtime = common::runtime();
        let client = common::canned_client_temporary(common::SUCCESS_BODY);
        assert!(runtime.block_on(common::whole_call(&client)), "the canned call failed");
        let samples = time_async(&options, &runtime, || common::whole_call(&client));
        report(&options, "whole_call_temporary", "the same, temporary keys kept by CachedCredentials", samples);
    }
    if wanted("build_sign_serialize") {
        let credentials = common::credentials();
        let template = common::template();
        let samples = time(&options, || common::build_sign_serialize(black_box(&credentials), &template));
        report(&options, "build_sign_serialize", "builder, serde_json::to_vec, RequestTemplate::signed", samples);
    }
    if wanted("request_head") {
        // What the client hands every transport besides the signature's work: the kept head
        // copied (URI and 8 headers) with the body and the timestamp put in, then dropped, as a
        // transport drops it after sending.
        let template = common::template();
        let body = bytes::Bytes::from(common::request_body());
        let timestamp = common::now();
        let samples = time(&options, || black_box(&template).unsigned(timestamp, body.clone()).map(drop));
        report(&options, "request_head", "RequestTemplate::unsigned, the request dropped", samples);
    }
    if wanted("sign") {
        let credentials = common::credentials();
        let body = common::request_body();
        let timestamp = common::now();
        let samples = time(&options, || common::authorization(black_box(&credentials), black_box(&body), timestamp));
        report(&options, "sign", "sign::authorization from the body bytes", samples);
    }
    if wanted("sign_key_derived") {
        let body = common::request_body();
        let timestamp = common::now();
        let samples = time(&options, || {
            // New credentials every time: nothing derived is kept, as on the first call of a day.
            common::authorization(&common::credentials(), black_box(&body), timestamp)
        });
        report(&options, "sign_key_derived", "sign::authorization with fresh credentials: the key derived", samples);
    }
    if wanted("decode_success") {
        let body = common::SUCCESS_BODY.as_bytes();
        assert!(decode_response::<CertificateOrderSubmitRequest>(StatusCode::OK, body).is_ok());
        let samples =
            time(&options, || decode_response::<CertificateOrderSubmitRequest>(StatusCode::OK, black_box(body)));
        report(&options, "decode_success", "decode_response, success body", samples);
    }
    if wanted("decode_error") {
        let body = common::ERROR_BODY.as_bytes();
        assert!(decode_response::<CertificateOrderSubmitRequest>(StatusCode::OK, body).is_err());
        let samples =
            time(&options, || decode_response::<CertificateOrderSubmitRequest>(StatusCode::OK, black_box(body)));
        report(&options, "decode_error", "decode_response, error body", samples);
    }
    if wanted("crypto_floor") {
        let floor = common::FloorInput::new(1_700_000_000);
        let samples = time(&options, || black_box(&floor).compute());
        report(&options, "crypto_floor", "2 SHA-256 + 4 HMAC-SHA256 (sha2/hmac)", samples);
    }
    if wanted("crypto_floor_cached_key") {
        let floor = common::FloorInput::new(1_700_000_000);
        let keyed = floor.keyed_signing_mac();
        let samples = time(&options, || black_box(&floor).compute_with(black_box(&keyed)));
        report(&options, "crypto_floor_cached_key", "2 SHA-256 + 1 HMAC-SHA256 from a keyed MAC", samples);
    }
}
