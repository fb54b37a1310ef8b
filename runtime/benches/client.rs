//! Criterion benchmarks of the request path: `cargo bench -p tcapi --bench client`.
//!
//! - `build_sign_serialize`: builder → `serde_json::to_vec` → TC3 signature of those exact bytes →
//!   `http::Request` with every header, from the action's kept `RequestTemplate`;
//! - `authorization`: the `Authorization` value alone from the body bytes (the day's signing key
//!   derived on the first iteration and kept by the credentials);
//! - `authorization_key_derived`: the same with fresh credentials, so the key is derived each time;
//! - `crypto_floor`: only the 2 SHA-256 and 4 HMAC-SHA256 the signature needs (sha2/hmac directly);
//! - `crypto_floor_cached_key`: 2 SHA-256 and the last HMAC from a MAC already keyed with the
//!   day's signing key: what a request must compute when the key is kept;
//! - `decode_success` / `decode_error`: `decode_response` of a 200 body;
//! - `whole_call`: one call through `tcapi::ssl::Client` with a canned transport, rate limit off,
//!   from inside the runtime; `whole_call_block_on` enters the runtime for each call;
//!   `whole_call_service_error` answers with an error.
//!
//! Numbers go to BENCHMARKS.md; nothing here asserts a time.

mod common;

use std::hint::black_box;
use std::time::Instant;

use criterion::{Criterion, criterion_group, criterion_main};
use http::StatusCode;
use tcapi::ssl::CertificateOrderSubmitRequest;
use tcapi_runtime::decode_response;

fn request_path(c: &mut Criterion) {
    let credentials = common::credentials();
    let template = common::template();
    c.bench_function("build_sign_serialize", |b| {
        b.iter(|| common::build_sign_serialize(black_box(&credentials), &template))
    });

    let body = common::request_body();
    let timestamp = common::now();
    c.bench_function("authorization", |b| {
        b.iter(|| common::authorization(black_box(&credentials), black_box(&body), timestamp))
    });

    c.bench_function("authorization_key_derived", |b| {
        b.iter(|| common::authorization(&common::credentials(), black_box(&body), timestamp))
    });

    let floor = common::FloorInput::new(1_700_000_000);
    c.bench_function("crypto_floor", |b| b.iter(|| black_box(&floor).compute()));
    let keyed = floor.keyed_signing_mac();
    c.bench_function("crypto_floor_cached_key", |b| b.iter(|| black_box(&floor).compute_with(black_box(&keyed))));

    c.bench_function("serialize_only", |b| b.iter(|| serde_json::to_vec(&common::build_request())));
}

fn decoding(c: &mut Criterion) {
    let success = common::SUCCESS_BODY.as_bytes();
    let error = common::ERROR_BODY.as_bytes();
    assert!(decode_response::<CertificateOrderSubmitRequest>(StatusCode::OK, success).is_ok());
    assert!(decode_response::<CertificateOrderSubmitRequest>(StatusCode::OK, error).is_err());
    c.bench_function("decode_success", |b| {
        b.iter(|| decode_response::<CertificateOrderSubmitRequest>(StatusCode::OK, black_box(success)))
    });
    c.bench_function("decode_error", |b| {
        b.iter(|| decode_response::<CertificateOrderSubmitRequest>(StatusCode::OK, black_box(error)))
    });
}

/// Calls measured as a program already running on tokio makes them: every batch inside one
/// `block_on`. `whole_call_block_on` enters the runtime for each call instead, as a synchronous
/// caller would.
fn whole_call(c: &mut Criterion) {
    let runtime = common::runtime();
    let in_runtime = |b: &mut criterion::Bencher<'_>, client: &tcapi::ssl::Client| {
        b.iter_custom(|iterations| {
            runtime.block_on(async {
                let started = Instant::now();
                for _ in 0..iterations {
                    black_box(common::whole_call(black_box(client)).await);
                }
                started.elapsed()
            })
        })
    };
    let client = common::canned_client(common::SUCCESS_BODY);
    assert!(runtime.block_on(common::whole_call(&client)), "the canned call failed");
    c.bench_function("whole_call", |b| in_runtime(b, &client));
    c.bench_function("whole_call_block_on", |b| b.iter(|| runtime.block_on(common::whole_call(black_box(&client)))));
    let failing = common::canned_client(common::ERROR_BODY);
    c.bench_function("whole_call_service_error", |b| in_runtime(b, &failing));
}

criterion_group!(benches, request_path, decoding, whole_call);
criterion_main!(benches);
