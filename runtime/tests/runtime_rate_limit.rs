//! Pacing in virtual time, through a client with an in-memory transport.

mod runtime_common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use runtime_common::{EXAMPLE_RESPONSE, request};
use tcapi_runtime::mock::example_credentials;
use tcapi_runtime::{Client, Config, HttpTransport, RateLimit, TransportFuture};
use tokio::time::Instant;

/// Answers every request with the example at once and records when each arrived.
#[derive(Debug, Default)]
struct RecordingTransport {
    arrivals: Mutex<Vec<Instant>>,
}

impl HttpTransport for RecordingTransport {
    fn send(&self, _request: http::Request<Bytes>, _max_response_size: usize) -> TransportFuture<'_> {
        self.arrivals.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(Instant::now());
        Box::pin(async { Ok(http::Response::new(Bytes::from_static(EXAMPLE_RESPONSE.as_bytes()))) })
    }
}

fn client(transport: Arc<RecordingTransport>, rate_limit: RateLimit) -> Client {
    let config = Config::builder()
        .credentials(example_credentials())
        .transport(transport)
        .action_rate_limit("CertificateOrderSubmit", rate_limit)
        .build();
    match config {
        Ok(config) => Client::new(config),
        Err(error) => panic!("{error}"),
    }
}

async fn send_concurrently(client: &Client, calls: usize) -> usize {
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..calls {
        let client = client.clone();
        tasks.spawn(async move { client.send(&request()).await.is_ok() });
    }
    let mut succeeded = 0;
    while let Some(result) = tasks.join_next().await {
        succeeded += usize::from(matches!(result, Ok(true)));
    }
    succeeded
}

fn arrivals(transport: &RecordingTransport) -> Vec<Instant> {
    let mut arrivals = transport.arrivals.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone();
    arrivals.sort();
    arrivals
}

#[tokio::test(start_paused = true)]
async fn spec_limit_of_ten_per_second_paces_twenty_five_calls() {
    let transport = Arc::new(RecordingTransport::default());
    let client = client(transport.clone(), RateLimit::FromSpec);
    let started = Instant::now();
    assert_eq!(send_concurrently(&client, 25).await, 25);
    assert!(started.elapsed() >= Duration::from_millis(1500), "{:?}", started.elapsed());
    let arrivals = arrivals(&transport);
    assert_eq!(arrivals.len(), 25);
    for window in arrivals.windows(11) {
        assert!(window[10] - window[0] > Duration::from_secs(1));
    }
}

#[tokio::test(start_paused = true)]
async fn the_limit_can_be_overridden_or_disabled() {
    let transport = Arc::new(RecordingTransport::default());
    let started = Instant::now();
    assert_eq!(send_concurrently(&client(transport.clone(), RateLimit::PerSecond(2)), 5).await, 5);
    assert!(started.elapsed() >= Duration::from_secs(2), "{:?}", started.elapsed());

    let transport = Arc::new(RecordingTransport::default());
    let started = Instant::now();
    assert_eq!(send_concurrently(&client(transport, RateLimit::Disabled), 25).await, 25);
    assert!(started.elapsed() < Duration::from_millis(10), "{:?}", started.elapsed());
}

#[tokio::test(start_paused = true)]
async fn separate_clients_have_separate_limiters_and_clones_share_one() {
    let transport = Arc::new(RecordingTransport::default());
    let first = client(transport.clone(), RateLimit::PerSecond(1));
    let second = client(transport.clone(), RateLimit::PerSecond(1));
    let request = request();
    let started = Instant::now();
    let (a, b) = tokio::join!(first.send(&request), second.send(&request));
    assert!(a.is_ok() && b.is_ok());
    assert!(started.elapsed() < Duration::from_millis(10));
    let clone = first.clone();
    let (a, b) = tokio::join!(first.send(&request), clone.send(&request));
    assert!(a.is_ok() && b.is_ok());
    assert!(started.elapsed() >= Duration::from_secs(1), "{:?}", started.elapsed());
}
