//! Client-side pacing of each action to its documented requests-per-second limit. Calls wait
//! for their turn; they never fail because of the limit.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::time::Instant;

/// How calls of an action are paced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum RateLimit {
    /// The limit the spec documents for the action (`ActionInfo::rate_limit`); none when it gives none.
    #[default]
    FromSpec,
    /// No client-side limit.
    Disabled,
    /// At most this many requests per second.
    PerSecond(u32),
}

impl RateLimit {
    /// The requests per second in force for an action documenting `spec_limit`.
    pub fn per_second(self, spec_limit: Option<u32>) -> Option<u32> {
        match self {
            RateLimit::FromSpec => spec_limit,
            RateLimit::Disabled => None,
            RateLimit::PerSecond(limit) => Some(limit),
        }
        .filter(|&limit| limit > 0)
    }
}

/// Headroom added to the pacing interval: requests go out every `1 s / N × 1.02`. A server
/// counting arrivals then sees at most N in any one-second window as long as network jitter
/// stays below about 1% of a second per request (10 ms at N = 10).
pub const PACING_HEADROOM: f64 = 0.02;

/// The time between two requests of an action limited to `per_second`.
pub fn pacing_interval(per_second: u32) -> Duration {
    Duration::from_secs_f64((1.0 + PACING_HEADROOM) / f64::from(per_second.max(1)))
}

/// Spaces requests evenly: each caller reserves the next free slot, then sleeps until it.
#[derive(Debug)]
pub struct Pacer {
    interval: Duration,
    next_slot: Mutex<Option<Instant>>,
}

impl Pacer {
    /// A pacer letting one request through every `interval`.
    pub fn new(interval: Duration) -> Self {
        Pacer { interval, next_slot: Mutex::new(None) }
    }

    /// Waits for this caller's turn. A caller that gives up (its future dropped) leaves its slot
    /// unused, which only makes the pacing more conservative.
    pub async fn wait_turn(&self) {
        if let Some(slot) = self.reserve() {
            tokio::time::sleep_until(slot).await;
        }
    }

    /// Reserves this caller's turn: when it is, or `None` when it is now.
    pub(crate) fn reserve(&self) -> Option<Instant> {
        // The critical section cannot panic, so a poisoned lock still holds a valid instant.
        let mut next_slot = self.next_slot.lock().unwrap_or_else(PoisonError::into_inner);
        let now = Instant::now();
        let slot = next_slot.map_or(now, |next| next.max(now));
        *next_slot = Some(slot + self.interval);
        (slot > now).then_some(slot)
    }
}

/// One pacer per (service, action), created on first use and shared by all clones of a client.
#[derive(Debug, Default)]
pub(crate) struct Pacers {
    by_action: Mutex<HashMap<(&'static str, &'static str), Arc<Pacer>>>,
}

impl Pacers {
    /// The pacer of an action at `per_second`.
    pub(crate) fn get(&self, service: &'static str, action: &'static str, per_second: u32) -> Arc<Pacer> {
        let mut by_action = self.by_action.lock().unwrap_or_else(PoisonError::into_inner);
        by_action.entry((service, action)).or_insert_with(|| Arc::new(Pacer::new(pacing_interval(per_second)))).clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn paces_evenly_and_never_more_than_n_in_a_second() {
        let pacer = Arc::new(Pacer::new(pacing_interval(10)));
        let start = Instant::now();
        let mut tasks = Vec::new();
        for _ in 0..25 {
            let pacer = pacer.clone();
            tasks.push(tokio::spawn(async move {
                pacer.wait_turn().await;
                Instant::now()
            }));
        }
        let mut times = Vec::new();
        for task in tasks {
            if let Ok(time) = task.await {
                times.push(time);
            }
        }
        times.sort();
        assert_eq!(times.len(), 25);
        assert!(times[24] - start >= Duration::from_millis(2400), "{:?}", times[24] - start);
        for window in times.windows(11) {
            assert!(window[10] - window[0] > Duration::from_secs(1));
        }
    }

    #[test]
    fn rate_limit_choice() {
        assert_eq!(RateLimit::FromSpec.per_second(Some(10)), Some(10));
        assert_eq!(RateLimit::FromSpec.per_second(None), None);
        assert_eq!(RateLimit::Disabled.per_second(Some(10)), None);
        assert_eq!(RateLimit::PerSecond(3).per_second(Some(10)), Some(3));
        assert_eq!(RateLimit::PerSecond(0).per_second(Some(10)), None);
        let interval = pacing_interval(10);
        assert!(interval > Duration::from_micros(101_900) && interval < Duration::from_micros(102_100));
    }
}
