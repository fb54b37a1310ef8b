//! Loopback throughput, the Rust half of `scripts/bench/compare.sh`:
//!
//! - `loopback serve`: starts the built-in mock server (it verifies every signature) with the
//!   example credentials and ssl's actions, prints `endpoint=http://127.0.0.1:PORT`, and serves
//!   until its standard input closes;
//! - `loopback drive --endpoint URL --requests N --concurrency C [--warmup W]`: sends N
//!   `CertificateOrderSubmit` calls through `tcapi::ssl::Client` (rate limit off) from C concurrent
//!   tasks sharing one client, and prints one JSON line: requests per second, p50 and p99.
//!
//! `cargo bench -p tcapi --bench loopback -- serve`. Nothing here asserts a time.

mod common;

use std::io::{BufRead, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use tcapi::RateLimit;
use tcapi_runtime::mock::{MockServer, example_credentials};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|arg| arg != "--bench").collect();
    match args.first().map(String::as_str) {
        Some("serve") => serve(),
        Some("drive") => drive(&args[1..]),
        _ => {
            eprintln!(
                "usage: loopback serve | loopback drive --endpoint URL --requests N --concurrency C [--warmup W]"
            );
            std::process::exit(2);
        }
    }
}

fn multi_thread_runtime() -> tokio::runtime::Runtime {
    match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => panic!("{error}"),
    }
}

fn serve() {
    let runtime = multi_thread_runtime();
    let server = runtime.block_on(async {
        MockServer::builder()
            .credentials(example_credentials())
            .actions(tcapi::ssl::ACTIONS)
            .examples(tcapi::ssl::EXAMPLES)
            .start()
            .await
    });
    let server = match server {
        Ok(server) => server,
        Err(error) => panic!("cannot start the mock server: {error}"),
    };
    println!("endpoint={}", server.endpoint());
    let _ = std::io::stdout().flush();
    // Serve until the parent closes our standard input (or kills us).
    let mut line = String::new();
    while std::io::stdin().lock().read_line(&mut line).is_ok_and(|read| read > 0) {
        line.clear();
    }
    eprintln!("loopback serve: {} requests received", server.request_count());
    drop(server);
}

fn drive(args: &[String]) {
    let mut endpoint = None;
    let mut requests: u64 = 10_000;
    let mut concurrency: u64 = 8;
    let mut warmup: u64 = 500;
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        let mut value = || iter.next().cloned().unwrap_or_else(|| panic!("{arg} needs a value"));
        match arg.as_str() {
            "--endpoint" => endpoint = Some(value()),
            "--requests" => requests = value().parse().expect("--requests N"),
            "--concurrency" => concurrency = value().parse().expect("--concurrency C"),
            "--warmup" => warmup = value().parse().expect("--warmup W"),
            other => panic!("unknown argument {other:?}"),
        }
    }
    let Some(endpoint) = endpoint else { panic!("--endpoint URL is required") };
    let config = tcapi::Config::builder()
        .credentials(example_credentials())
        .endpoint(endpoint)
        .rate_limit(RateLimit::Disabled)
        .build();
    let client = match config {
        Ok(config) => tcapi::ssl::Client::new(config),
        Err(error) => panic!("{error}"),
    };
    let runtime = multi_thread_runtime();
    runtime.block_on(async {
        // Warm-up: open the connections, fill the pool.
        run(&client, warmup, concurrency).await;
        let started = Instant::now();
        let (mut latencies, errors) = run(&client, requests, concurrency).await;
        let elapsed = started.elapsed();
        latencies.sort();
        let percentile = |p: f64| {
            let index = ((latencies.len() as f64 * p).ceil() as usize).clamp(1, latencies.len().max(1)) - 1;
            latencies.get(index).copied().unwrap_or_default()
        };
        println!(
            "{{\"side\": \"rust\", \"requests\": {requests}, \"concurrency\": {concurrency}, \"errors\": {errors}, \
             \"seconds\": {:.3}, \"rps\": {:.1}, \"p50_ms\": {:.3}, \"p99_ms\": {:.3}}}",
            elapsed.as_secs_f64(),
            requests as f64 / elapsed.as_secs_f64(),
            millis(percentile(0.50)),
            millis(percentile(0.99)),
        );
    });
}

/// Sends `requests` calls from `concurrency` tasks; returns each call's latency and the error count.
async fn run(client: &tcapi::ssl::Client, requests: u64, concurrency: u64) -> (Vec<Duration>, u64) {
    let next = Arc::new(AtomicU64::new(0));
    let errors = Arc::new(AtomicU64::new(0));
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..concurrency {
        let client = client.clone();
        let next = next.clone();
        let errors = errors.clone();
        tasks.spawn(async move {
            let mut latencies = Vec::new();
            while next.fetch_add(1, Ordering::Relaxed) < requests {
                let started = Instant::now();
                let ok = common::whole_call(&client).await;
                latencies.push(started.elapsed());
                if !ok {
                    errors.fetch_add(1, Ordering::Relaxed);
                }
            }
            latencies
        });
    }
    let mut all = Vec::with_capacity(usize::try_from(requests).unwrap_or(0));
    while let Some(result) = tasks.join_next().await {
        match result {
            Ok(latencies) => all.extend(latencies),
            Err(error) => panic!("{error}"),
        }
    }
    (all, errors.load(Ordering::Relaxed))
}

fn millis(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}
