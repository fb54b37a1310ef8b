//! Which failures are retried, and how long to wait before the next attempt.
//!
//! Only failures where the request certainly had no effect are retried: it never reached the
//! server, the server refused it for rate (`RequestLimitExceeded*`), or the spec marks the code
//! retryable. Timeouts after sending and every other error are final: submitting an order is not
//! idempotent.

use std::time::Duration;

/// How many attempts a call gets, and the backoff between them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    base_delay: Duration,
    max_delay: Duration,
}

impl Default for RetryPolicy {
    /// 3 attempts, backoff from 500 ms, at most 10 s.
    fn default() -> Self {
        RetryPolicy { max_attempts: 3, base_delay: Duration::from_millis(500), max_delay: Duration::from_secs(10) }
    }
}

impl RetryPolicy {
    /// One attempt, no retry.
    pub fn disabled() -> Self {
        RetryPolicy { max_attempts: 1, ..RetryPolicy::default() }
    }

    /// The same policy with at most `max_attempts` attempts in all (at least 1).
    pub fn with_max_attempts(mut self, max_attempts: u32) -> Self {
        self.max_attempts = max_attempts.max(1);
        self
    }

    /// The same policy with this base delay: the wait before attempt `n + 1` is drawn uniformly
    /// from `0 ..= min(max_delay, base_delay × 2^(n-1))` ("full jitter").
    pub fn with_base_delay(mut self, base_delay: Duration) -> Self {
        self.base_delay = base_delay;
        self
    }

    /// The same policy with this cap on a single wait.
    pub fn with_max_delay(mut self, max_delay: Duration) -> Self {
        self.max_delay = max_delay;
        self
    }

    /// Attempts in all, the first included.
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The base delay.
    pub fn base_delay(&self) -> Duration {
        self.base_delay
    }

    /// The cap on a single wait.
    pub fn max_delay(&self) -> Duration {
        self.max_delay
    }

    /// The upper bound of the wait after failed attempt `attempt` (1-based).
    pub fn backoff_ceiling(&self, attempt: u32) -> Duration {
        let factor = 1u32.checked_shl(attempt.saturating_sub(1)).unwrap_or(u32::MAX);
        self.base_delay.saturating_mul(factor).min(self.max_delay)
    }

    /// A random wait after failed attempt `attempt` (1-based): full jitter spreads clients that
    /// failed together so they do not retry together.
    pub fn backoff(&self, attempt: u32) -> Duration {
        let ceiling = self.backoff_ceiling(attempt);
        let nanos = u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX);
        Duration::from_nanos(fastrand::u64(0..=nanos))
    }
}

/// Whether a service error code is always safe to retry: the server refused the request for rate.
pub fn is_rate_limit_code(code: &str) -> bool {
    code == "RequestLimitExceeded" || code.starts_with("RequestLimitExceeded.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_exponentially_up_to_the_cap() {
        let policy = RetryPolicy::default()
            .with_base_delay(Duration::from_millis(100))
            .with_max_delay(Duration::from_millis(350));
        assert_eq!(policy.backoff_ceiling(1), Duration::from_millis(100));
        assert_eq!(policy.backoff_ceiling(2), Duration::from_millis(200));
        assert_eq!(policy.backoff_ceiling(3), Duration::from_millis(350));
        assert_eq!(policy.backoff_ceiling(80), Duration::from_millis(350));
        for attempt in 1..5 {
            assert!(policy.backoff(attempt) <= policy.backoff_ceiling(attempt));
        }
    }

    #[test]
    fn defaults_and_disabled() {
        assert_eq!(RetryPolicy::default().max_attempts(), 3);
        assert_eq!(RetryPolicy::disabled().max_attempts(), 1);
        assert_eq!(RetryPolicy::default().with_max_attempts(0).max_attempts(), 1);
    }

    #[test]
    fn rate_limit_codes() {
        assert!(is_rate_limit_code("RequestLimitExceeded"));
        assert!(is_rate_limit_code("RequestLimitExceeded.UinLimitExceeded"));
        assert!(!is_rate_limit_code("RequestLimitExceededX"));
        assert!(!is_rate_limit_code("LimitExceeded"));
    }
}
