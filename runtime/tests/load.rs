//! Load through one client against the built-in mock server, checked from the server's side:
//! 100 calls from 50 concurrent workers with the spec's default limit of 10 per second.
//! Real time (about 10 s): pacing cannot be observed in virtual time across real sockets.

#![allow(clippy::unwrap_used)]

#[path = "../../examples/load/driver.rs"]
#[allow(dead_code)]
mod driver;

use std::time::{Duration, Instant};

use tcapi::ssl::{self, CertificateOrderSubmitRequest, VerifyType};
use tcapi::{Config, RateLimit};
use tcapi_runtime::mock::{MockServer, example_credentials};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_calls_at_concurrency_fifty_never_exceed_ten_per_second_at_the_server() {
    const REQUESTS: usize = 100;
    let server = MockServer::builder().actions(ssl::ACTIONS).examples(ssl::EXAMPLES).start().await.unwrap();
    // The default rate limit: the spec's 10 per second for CertificateOrderSubmit.
    let config = Config::builder().credentials(example_credentials()).endpoint(server.endpoint()).build().unwrap();
    assert_eq!(
        config.rate_limit_for("CertificateOrderSubmit", ssl::CERTIFICATE_ORDER_SUBMIT_INFO.rate_limit),
        Some(10)
    );
    let client = ssl::Client::new(config);
    let request =
        CertificateOrderSubmitRequest::builder().cert_id("Dsqef134").verify_type(VerifyType::Dns).build().unwrap();

    let started = Instant::now();
    let report = driver::run(&client, &request, REQUESTS, 50).await;
    let elapsed = started.elapsed();

    // Every call succeeded, once: nothing lost, nothing retried.
    assert_eq!(report.succeeded, REQUESTS, "{report}");
    assert!(report.errors_by_kind.is_empty(), "{report}");
    assert_eq!(report.latencies.len(), REQUESTS);
    let received = server.requests();
    assert_eq!(received.len(), REQUESTS);
    assert!(received.iter().all(|request| request.signature_valid && request.action == "CertificateOrderSubmit"));

    // No one-second window at the server saw more than 10 arrivals: any 11 consecutive arrivals
    // span more than a second.
    let mut arrivals: Vec<Instant> = received.iter().map(|request| request.received_at).collect();
    arrivals.sort();
    for (index, window) in arrivals.windows(11).enumerate() {
        let span = window[10] - window[0];
        assert!(span > Duration::from_secs(1), "arrivals {index}..={} within {span:?}", index + 10);
    }
    // 100 calls at 10/s need at least 9.9 s (the first goes at once); the pacing keeps close to it.
    assert!(elapsed >= Duration::from_millis(9_900), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(30), "{elapsed:?}");
    assert!(report.achieved_rate() <= 10.2, "{report}");
    // The calls queued behind the limiter: the slowest waited most of the run.
    assert!(report.latency_percentile(99.0).unwrap() > Duration::from_secs(4), "{report}");
    assert!(report.latency_percentile(50.0).unwrap() <= report.latency_percentile(99.0).unwrap());
}

#[tokio::test]
async fn without_the_rate_limit_the_same_load_is_not_paced() {
    let server = MockServer::builder().actions(ssl::ACTIONS).examples(ssl::EXAMPLES).start().await.unwrap();
    let config = Config::builder()
        .credentials(example_credentials())
        .endpoint(server.endpoint())
        .rate_limit(RateLimit::Disabled)
        .build()
        .unwrap();
    let client = ssl::Client::new(config);
    let request = CertificateOrderSubmitRequest::builder().cert_id("Dsqef134").build().unwrap();
    let started = Instant::now();
    let report = driver::run(&client, &request, 100, 50).await;
    assert_eq!(report.succeeded, 100, "{report}");
    assert_eq!(server.request_count(), 100);
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
}

#[test]
fn the_report_counts_errors_by_kind_and_takes_nearest_rank_percentiles() {
    let report = driver::Report {
        requests: 4,
        succeeded: 2,
        elapsed: Duration::from_secs(2),
        latencies: [10, 20, 30, 400].map(Duration::from_millis).to_vec(),
        errors_by_kind: [("timeout".to_owned(), 1), ("service RequestLimitExceeded".to_owned(), 1)].into(),
    };
    assert_eq!(report.achieved_rate(), 2.0);
    assert_eq!(report.latency_percentile(50.0), Some(Duration::from_millis(20)));
    assert_eq!(report.latency_percentile(99.0), Some(Duration::from_millis(400)));
    assert_eq!(report.failed(), 2);
    let printed = report.to_string();
    assert!(printed.contains("achieved rate: 2.00 requests/s"), "{printed}");
    assert!(printed.contains("p50 20.0 ms, p99 400.0 ms"), "{printed}");
    assert!(printed.contains("1  service RequestLimitExceeded") && printed.contains("1  timeout"), "{printed}");
    assert_eq!(driver::Report::default().latency_percentile(50.0), None);
}
