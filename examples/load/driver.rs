//! The load driver of the `load` example, shared with `tests/load.rs`: N calls of
//! `CertificateOrderSubmit` through one client from C concurrent workers, timed one by one.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use tcapi::Error;
use tcapi::ssl;
use tcapi_runtime::ErrorCode;

/// What a load run measured.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Calls made.
    pub requests: usize,
    /// Calls that returned a decoded response.
    pub succeeded: usize,
    /// From the first call to the last result.
    pub elapsed: Duration,
    /// Of every call, from `send` to its result (the wait for the rate limiter included), sorted.
    pub latencies: Vec<Duration>,
    /// Failed calls by kind (`timeout`, `service FailedOperation.NetworkError`, `http 503`, ...).
    pub errors_by_kind: BTreeMap<String, usize>,
}

impl Report {
    /// Completed calls per second.
    pub fn achieved_rate(&self) -> f64 {
        let seconds = self.elapsed.as_secs_f64();
        if seconds > 0.0 { self.requests as f64 / seconds } else { 0.0 }
    }

    /// The latency below which `percent` % of the calls finished (nearest rank), `None` without calls.
    pub fn latency_percentile(&self, percent: f64) -> Option<Duration> {
        if self.latencies.is_empty() {
            return None;
        }
        let rank = (percent / 100.0 * self.latencies.len() as f64).ceil() as usize;
        self.latencies.get(rank.clamp(1, self.latencies.len()) - 1).copied()
    }

    /// Failed calls.
    pub fn failed(&self) -> usize {
        self.errors_by_kind.values().sum()
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let millis = |latency: Option<Duration>| latency.map_or(0.0, |latency| latency.as_secs_f64() * 1000.0);
        writeln!(f, "requests:      {} in {:.2} s", self.requests, self.elapsed.as_secs_f64())?;
        writeln!(f, "achieved rate: {:.2} requests/s", self.achieved_rate())?;
        writeln!(
            f,
            "latency:       p50 {:.1} ms, p99 {:.1} ms (from send to result, waiting for the rate limiter included)",
            millis(self.latency_percentile(50.0)),
            millis(self.latency_percentile(99.0)),
        )?;
        writeln!(f, "succeeded:     {}", self.succeeded)?;
        if self.errors_by_kind.is_empty() {
            write!(f, "errors:        none")
        } else {
            write!(f, "errors:        {}", self.failed())?;
            for (kind, count) in &self.errors_by_kind {
                write!(f, "\n  {count:>6}  {kind}")?;
            }
            Ok(())
        }
    }
}

/// The kind of a failed call, for counting: the variant, with the code or status when there is one.
pub fn error_kind<C: ErrorCode>(error: &Error<C>) -> String {
    match error {
        Error::Service(error) => format!("service {}", error.code.code()),
        Error::Http { status, .. } => format!("http {}", status.as_u16()),
        Error::Decode { .. } => "decode".to_owned(),
        Error::Timeout { .. } => "timeout".to_owned(),
        Error::Connect { .. } => "connect".to_owned(),
        Error::Transport { .. } => "transport".to_owned(),
        Error::BodyTooLarge { .. } => "body too large".to_owned(),
        Error::Credentials(_) => "credentials".to_owned(),
        Error::Build(_) => "build".to_owned(),
        Error::Config(_) => "config".to_owned(),
        _ => "other".to_owned(),
    }
}

/// Sends `requests` calls of `request` through `client` from `concurrency` workers (at least 1).
pub async fn run(
    client: &ssl::Client,
    request: &ssl::CertificateOrderSubmitRequest,
    requests: usize,
    concurrency: usize,
) -> Report {
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..concurrency.clamp(1, requests.max(1)) {
        let (client, request, next) = (client.clone(), request.clone(), next.clone());
        workers.spawn(async move {
            let mut outcomes = Vec::new();
            while next.fetch_add(1, Ordering::Relaxed) < requests {
                let sent = Instant::now();
                let result = client.send(&request).await;
                outcomes.push((sent.elapsed(), result.err().map(|error| error_kind(&error))));
            }
            outcomes
        });
    }
    let mut report = Report { requests, ..Report::default() };
    while let Some(joined) = workers.join_next().await {
        let outcomes = joined.unwrap_or_else(|error| vec![(Duration::ZERO, Some(format!("worker failed: {error}")))]);
        for (latency, error) in outcomes {
            report.latencies.push(latency);
            match error {
                None => report.succeeded += 1,
                Some(kind) => *report.errors_by_kind.entry(kind).or_default() += 1,
            }
        }
    }
    report.elapsed = started.elapsed();
    report.latencies.sort();
    report
}
