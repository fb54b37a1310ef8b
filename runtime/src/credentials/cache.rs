//! Keeping temporary credentials and getting new ones before they expire.
//!
//! [`CachedCredentials`] wraps a provider that fetches (the CVM role, STS, a web identity): calls
//! get the kept credentials at once, without allocating, until the refresh time; then one caller
//! fetches while the others wait for its outcome (single flight). A failed refresh keeps the
//! credentials that are still valid; only once they have expired do calls fail.

use std::fmt;
use std::sync::{Arc, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::{Duration, SystemTime};

use super::{Credentials, CredentialsError, CredentialsFuture, CredentialsResult, ProvideCredentials, rfc3339};

/// How long before they expire credentials are refreshed, when they live long enough (else
/// after 90% of their lifetime).
pub const REFRESH_AHEAD: Duration = Duration::from_secs(5 * 60);

/// The shortest time new credentials are kept before the next fetch, even when they arrive with
/// (almost) no lifetime left by this machine's clock: a skewed clock must not turn every call
/// into a fetch.
pub const MIN_REFRESH_INTERVAL: Duration = Duration::from_secs(5);

/// After a failed refresh, how long the credentials still valid are used before the next attempt
/// (never past their expiry).
pub const RETRY_AFTER_FAILURE: Duration = Duration::from_secs(10);

/// The wall clock expiry times are compared with: the system clock, or a test's clock.
pub trait Clock: Send + Sync + fmt::Debug {
    /// The current time.
    fn now(&self) -> SystemTime;
}

/// The system's wall clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }
}

/// When credentials fetched at `fetched` and valid until `expiry` should be refreshed:
/// [`REFRESH_AHEAD`] before they expire, or after 90% of their lifetime when that is earlier,
/// and not before [`MIN_REFRESH_INTERVAL`] has passed.
pub fn refresh_time(fetched: SystemTime, expiry: SystemTime) -> SystemTime {
    let lifetime = expiry.duration_since(fetched).unwrap_or(Duration::ZERO);
    let ahead = REFRESH_AHEAD.min(lifetime / 10);
    let keep = (lifetime - ahead).max(MIN_REFRESH_INTERVAL);
    fetched.checked_add(keep).unwrap_or(expiry)
}

/// A provider's credentials, kept until shortly before they expire (see the module's docs).
///
/// Credentials without an expiry are kept for good. Errors of a first fetch are returned as the
/// provider gave them (so a chain still sees [`CredentialsError::NotConfigured`]); once
/// credentials were fetched and have expired, a failed refresh is
/// [`CredentialsError::Expired`], naming the provider and the cause.
pub struct CachedCredentials<P> {
    name: String,
    provider: P,
    clock: Arc<dyn Clock>,
    state: RwLock<State>,
    /// Held by the one caller fetching; the others wait for it.
    turn: tokio::sync::Mutex<()>,
}

#[derive(Default)]
struct State {
    current: Option<Kept>,
    /// How many fetches finished, successful or not: a caller that waited for its turn sees
    /// whether someone else fetched meanwhile.
    fetches: u64,
    last_error: Option<CredentialsError>,
}

struct Kept {
    credentials: Credentials,
    /// `None`: kept for good.
    refresh_at: Option<SystemTime>,
}

impl Kept {
    fn is_valid_at(&self, now: SystemTime) -> bool {
        self.credentials.expiry().is_none_or(|expiry| now < expiry)
    }
}

impl<P: ProvideCredentials> CachedCredentials<P> {
    /// Keeps what `provider` fetches; `name` names it in errors and logs (`CVM role`).
    pub fn new(name: impl Into<String>, provider: P) -> Self {
        CachedCredentials {
            name: name.into(),
            provider,
            clock: Arc::new(SystemClock),
            state: RwLock::default(),
            turn: tokio::sync::Mutex::new(()),
        }
    }

    /// Compares expiry times with this clock instead of the system's (tests).
    #[must_use]
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// The provider's name, as errors and logs show it.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The wrapped provider.
    pub fn provider(&self) -> &P {
        &self.provider
    }

    /// When the kept credentials expire (`None` when none are kept or they never expire).
    pub fn expiry(&self) -> Option<SystemTime> {
        self.read().current.as_ref().and_then(|kept| kept.credentials.expiry())
    }

    fn read(&self) -> RwLockReadGuard<'_, State> {
        // Nothing panics while the lock is held; a poisoned lock still holds valid state.
        self.state.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn write(&self) -> RwLockWriteGuard<'_, State> {
        self.state.write().unwrap_or_else(PoisonError::into_inner)
    }

    /// The kept credentials when it is not time to refresh them yet.
    fn fresh(state: &State, now: SystemTime) -> Option<Credentials> {
        state
            .current
            .as_ref()
            .filter(|kept| kept.refresh_at.is_none_or(|refresh_at| now < refresh_at))
            .map(|kept| kept.credentials.clone())
    }

    /// The outcome of a fetch that failed with `cause`: the kept credentials while they are
    /// valid, else the error.
    fn after_failure(&self, state: &State, now: SystemTime, cause: CredentialsError) -> CredentialsResult {
        match &state.current {
            Some(kept) if kept.is_valid_at(now) => Ok(kept.credentials.clone()),
            Some(kept) => Err(CredentialsError::Expired {
                provider: self.name.clone(),
                expired_at: kept.credentials.expiry().map(rfc3339).unwrap_or_default(),
                cause: Box::new(cause),
            }),
            None => Err(cause),
        }
    }

    async fn refresh(&self) -> CredentialsResult {
        let seen = self.read().fetches;
        let _turn = self.turn.lock().await;
        {
            let now = self.clock.now();
            let state = self.read();
            if let Some(credentials) = Self::fresh(&state, now) {
                return Ok(credentials);
            }
            if state.fetches != seen {
                // Someone fetched while this caller waited, and failed (else the credentials would
                // be fresh): its outcome is this caller's too, so a failing service is asked once.
                let cause = state.last_error.clone().unwrap_or_else(|| CredentialsError::Fetch {
                    provider: self.name.clone(),
                    reason: "the last refresh failed".into(),
                });
                return self.after_failure(&state, now, cause);
            }
        }
        tracing::debug!(provider = %self.name, "fetching credentials");
        let result = self.provider.provide_credentials().await;
        let now = self.clock.now();
        let mut state = self.write();
        state.fetches += 1;
        match result {
            Ok(credentials) => {
                let refresh_at = credentials.expiry().map(|expiry| {
                    if expiry <= now {
                        tracing::warn!(
                            provider = %self.name,
                            expires_at = %rfc3339(expiry),
                            "the new credentials have already expired by this machine's clock; check the system clock"
                        );
                    } else {
                        tracing::debug!(provider = %self.name, expires_at = %rfc3339(expiry), "fetched credentials");
                    }
                    refresh_time(now, expiry)
                });
                state.current = Some(Kept { credentials: credentials.clone(), refresh_at });
                state.last_error = None;
                Ok(credentials)
            }
            Err(error) => {
                state.last_error = Some(error.clone());
                let outcome = self.after_failure(&state, now, error.clone());
                if let (Ok(_), Some(kept)) = (&outcome, state.current.as_mut()) {
                    let expiry = kept.credentials.expiry();
                    let retry_at = now.checked_add(RETRY_AFTER_FAILURE).unwrap_or(now);
                    kept.refresh_at = Some(expiry.map_or(retry_at, |expiry| expiry.min(retry_at)));
                    tracing::warn!(
                        provider = %self.name,
                        error = %error,
                        expires_at = %expiry.map(rfc3339).unwrap_or_default(),
                        "refreshing credentials failed; using the current ones while they are valid"
                    );
                }
                outcome
            }
        }
    }
}

impl<P: ProvideCredentials> ProvideCredentials for CachedCredentials<P> {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        if let Some(credentials) = Self::fresh(&self.read(), self.clock.now()) {
            return CredentialsFuture::ready(Ok(credentials));
        }
        CredentialsFuture::pending(self.refresh())
    }
}

impl<P: fmt::Debug> fmt::Debug for CachedCredentials<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.state.read().unwrap_or_else(PoisonError::into_inner);
        let expiry = state.current.as_ref().map(|kept| kept.credentials.expiry().map(rfc3339));
        f.debug_struct("CachedCredentials")
            .field("name", &self.name)
            .field("provider", &self.provider)
            .field("kept", &expiry.map(|expiry| expiry.unwrap_or_else(|| "never expires".into())))
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::UNIX_EPOCH;

    use super::*;

    const START: Duration = Duration::from_secs(1_700_000_000);

    /// A clock that moves only when told.
    #[derive(Debug)]
    struct TestClock(Mutex<SystemTime>);

    impl TestClock {
        fn new() -> Arc<Self> {
            Arc::new(TestClock(Mutex::new(UNIX_EPOCH + START)))
        }

        fn advance(&self, by: Duration) {
            let mut now = self.0.lock().unwrap_or_else(PoisonError::into_inner);
            *now += by;
        }
    }

    impl Clock for TestClock {
        fn now(&self) -> SystemTime {
            *self.0.lock().unwrap_or_else(PoisonError::into_inner)
        }
    }

    /// Hands out `key-1`, `key-2`, ... valid for `lifetime`, after `delay`; fails while `failing`.
    #[derive(Debug)]
    struct Issuer {
        clock: Arc<TestClock>,
        lifetime: Duration,
        delay: Duration,
        fetches: AtomicUsize,
        failing: std::sync::atomic::AtomicBool,
    }

    impl Issuer {
        fn new(clock: &Arc<TestClock>, lifetime: Duration) -> Self {
            Issuer {
                clock: clock.clone(),
                lifetime,
                delay: Duration::ZERO,
                fetches: AtomicUsize::new(0),
                failing: false.into(),
            }
        }

        fn fetches(&self) -> usize {
            self.fetches.load(Ordering::SeqCst)
        }
    }

    impl ProvideCredentials for Issuer {
        fn provide_credentials(&self) -> CredentialsFuture<'_> {
            CredentialsFuture::pending(async move {
                tokio::time::sleep(self.delay).await;
                let number = self.fetches.fetch_add(1, Ordering::SeqCst) + 1;
                if self.failing.load(Ordering::SeqCst) {
                    return Err(CredentialsError::Fetch { provider: "issuer".into(), reason: "service down".into() });
                }
                let expiry = self.clock.now() + self.lifetime;
                Ok(Credentials::temporary(format!("AKID{number}"), format!("key-{number}"), "token".into(), expiry))
            })
        }
    }

    fn cached(issuer: Issuer) -> CachedCredentials<Issuer> {
        let clock = issuer.clock.clone();
        CachedCredentials::new("test issuer", issuer).with_clock(clock)
    }

    async fn secret_id(cache: &CachedCredentials<Issuer>) -> String {
        match cache.provide_credentials().await {
            Ok(credentials) => credentials.secret_id().to_owned(),
            Err(error) => format!("error: {error}"),
        }
    }

    #[test]
    fn refresh_is_five_minutes_ahead_or_at_ninety_percent_and_never_at_once() {
        let at = UNIX_EPOCH + START;
        let hours = |h: u64| Duration::from_secs(h * 3600);
        assert_eq!(refresh_time(at, at + hours(2)), at + hours(2) - REFRESH_AHEAD);
        assert_eq!(refresh_time(at, at + Duration::from_secs(600)), at + Duration::from_secs(540));
        assert_eq!(refresh_time(at, at + Duration::from_secs(1)), at + MIN_REFRESH_INTERVAL);
        assert_eq!(refresh_time(at, at - Duration::from_secs(60)), at + MIN_REFRESH_INTERVAL);
    }

    #[tokio::test]
    async fn credentials_are_kept_until_their_refresh_time_then_fetched_again() {
        let clock = TestClock::new();
        let cache = cached(Issuer::new(&clock, Duration::from_secs(7200)));
        assert_eq!(secret_id(&cache).await, "AKID1");
        // Fresh credentials come back ready, without a fetch.
        assert!(matches!(cache.provide_credentials(), CredentialsFuture::Ready(_)));
        clock.advance(Duration::from_secs(7200 - 301));
        assert_eq!(secret_id(&cache).await, "AKID1");
        clock.advance(Duration::from_secs(2));
        assert!(matches!(cache.provide_credentials(), CredentialsFuture::Pending(_)));
        assert_eq!(secret_id(&cache).await, "AKID2");
        assert_eq!(cache.provider().fetches(), 2);
        assert_eq!(cache.expiry(), Some(clock.now() + Duration::from_secs(7200)));
    }

    #[tokio::test]
    async fn a_failed_refresh_keeps_valid_credentials_then_fails_naming_the_provider_once_they_expire() {
        let clock = TestClock::new();
        let cache = cached(Issuer::new(&clock, Duration::from_secs(3600)));
        assert_eq!(secret_id(&cache).await, "AKID1");
        cache.provider().failing.store(true, Ordering::SeqCst);
        clock.advance(Duration::from_secs(3600 - 200));
        assert_eq!(secret_id(&cache).await, "AKID1");
        assert_eq!(cache.provider().fetches(), 2);
        // The next attempt waits RETRY_AFTER_FAILURE: meanwhile calls get the kept credentials.
        clock.advance(RETRY_AFTER_FAILURE - Duration::from_secs(1));
        assert_eq!(secret_id(&cache).await, "AKID1");
        assert_eq!(cache.provider().fetches(), 2);
        clock.advance(Duration::from_secs(1));
        assert_eq!(secret_id(&cache).await, "AKID1");
        assert_eq!(cache.provider().fetches(), 3);
        clock.advance(Duration::from_secs(200));
        assert_eq!(
            secret_id(&cache).await,
            "error: test issuer: the credentials expired at 2023-11-14T23:13:20Z and refreshing them failed: \
             issuer: service down"
        );
        // Recovered: new credentials at once.
        cache.provider().failing.store(false, Ordering::SeqCst);
        assert_eq!(secret_id(&cache).await, "AKID5");
    }

    #[tokio::test]
    async fn a_first_fetch_error_is_returned_as_the_provider_gave_it() {
        let clock = TestClock::new();
        let issuer = Issuer::new(&clock, Duration::from_secs(3600));
        issuer.failing.store(true, Ordering::SeqCst);
        let cache = cached(issuer);
        let error = cache.provide_credentials().await.err();
        assert_eq!(error, Some(CredentialsError::Fetch { provider: "issuer".into(), reason: "service down".into() }));
    }

    #[tokio::test(start_paused = true)]
    async fn concurrent_calls_across_the_refresh_time_wait_for_one_fetch() {
        let clock = TestClock::new();
        let mut issuer = Issuer::new(&clock, Duration::from_secs(3600));
        issuer.delay = Duration::from_millis(200);
        let cache = Arc::new(cached(issuer));
        assert_eq!(secret_id(&cache).await, "AKID1");
        clock.advance(Duration::from_secs(3600));
        let calls: Vec<_> = (0..100)
            .map(|_| {
                let cache = cache.clone();
                tokio::spawn(async move { secret_id(&cache).await })
            })
            .collect();
        for call in calls {
            assert_eq!(call.await.ok().as_deref(), Some("AKID2"));
        }
        assert_eq!(cache.provider().fetches(), 2);

        // A failing fetch is shared the same way: the waiters take its outcome, no burst.
        cache.provider().failing.store(true, Ordering::SeqCst);
        clock.advance(Duration::from_secs(3600));
        let calls: Vec<_> = (0..50)
            .map(|_| {
                let cache = cache.clone();
                tokio::spawn(async move { secret_id(&cache).await })
            })
            .collect();
        for call in calls {
            let outcome = call.await.unwrap_or_default();
            assert!(outcome.starts_with("error: test issuer: the credentials expired at"), "{outcome}");
        }
        assert_eq!(cache.provider().fetches(), 3);
    }

    #[test]
    fn debug_names_the_provider_and_the_expiry_never_the_secret() {
        let clock = TestClock::new();
        let cache = cached(Issuer::new(&clock, Duration::from_secs(3600)));
        let runtime = tokio::runtime::Builder::new_current_thread().enable_time().build();
        let Ok(runtime) = runtime else { panic!("no runtime") };
        runtime.block_on(async { secret_id(&cache).await });
        let debug = format!("{cache:?}");
        assert!(debug.contains("test issuer") && debug.contains("2023-11-14T23:13:20Z"), "{debug}");
        assert!(!debug.contains("key-1"), "{debug}");
    }
}
