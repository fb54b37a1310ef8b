//! Credentials and where they come from: given in code, the environment, the profile file the
//! official tools use, a CVM instance's CAM role, an STS role assumed with other credentials, a
//! web identity (TKE OIDC), or a chain of those.
//!
//! One module, one job: this one holds the types and the trait; [`env`](mod@env), [`profile`], [`cvm`],
//! [`sts`] and [`web_identity`] are the sources; [`cache`] keeps temporary credentials and
//! refreshes them before they expire; [`chain`] tries sources in order.
//!
//! Secret keys, tokens and web identity tokens are [`SecretString`]s or never kept at all: no
//! `Debug`, `Display`, log line or error ever shows them.

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, OnceLock};
use std::task::{Context, Poll};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ::http::HeaderValue;
use secrecy::{ExposeSecret, SecretString};

use super::sign::SigningKeys;

pub mod cache;
pub mod chain;
pub mod cvm;
pub mod env;
mod http;
pub mod profile;
pub mod sts;
pub mod web_identity;

pub use cache::{CachedCredentials, Clock, SystemClock};
pub use chain::CredentialsChain;
pub use cvm::{CvmRoleCredentials, CvmRoleCredentialsBuilder, ENV_METADATA_ENDPOINT};
pub use env::EnvCredentials;
pub use profile::{ENV_CREDENTIALS_FILE, ProfileCredentials};
pub use sts::{AssumeRoleCredentials, AssumeRoleCredentialsBuilder, ENV_STS_ENDPOINT};
pub use web_identity::{WebIdentityCredentials, WebIdentityCredentialsBuilder};

/// The environment variable holding the secret id.
pub const ENV_SECRET_ID: &str = "TENCENTCLOUD_SECRET_ID";
/// The environment variable holding the secret key.
pub const ENV_SECRET_KEY: &str = "TENCENTCLOUD_SECRET_KEY";
/// The environment variable holding the token of a temporary credential.
pub const ENV_TOKEN: &str = "TENCENTCLOUD_TOKEN";
/// The environment variable holding the region.
pub const ENV_REGION: &str = "TENCENTCLOUD_REGION";

/// A secret id, a secret key and, for a temporary credential, a token and when it expires.
///
/// Cheap to clone: clones share the values and the signing keys derived from them.
#[derive(Clone)]
pub struct Credentials {
    values: Arc<CredentialValues>,
}

struct CredentialValues {
    secret_id: String,
    secret_key: SecretString,
    token: Option<SecretString>,
    expiry: Option<SystemTime>,
    /// Derived from `secret_key`, so they live and die with it.
    signing_keys: SigningKeys,
    /// The outcome of checking them as static credentials: the values never change, so they are
    /// checked on the first request rather than on every one.
    static_check: OnceLock<Result<(), CredentialsError>>,
    /// The token as a sensitive `X-TC-Token` value (`Err`: it cannot be one), made on the first
    /// request rather than checked and copied on every one.
    token_header: OnceLock<Result<Option<HeaderValue>, NotHeaderSafe>>,
}

/// A value that cannot go into an HTTP header.
#[derive(Debug, Clone, Copy)]
pub(crate) struct NotHeaderSafe;

impl Credentials {
    /// Long-term credentials. Values are checked when a request is signed (see [`Credentials::validate`]).
    pub fn new(secret_id: impl Into<String>, secret_key: impl Into<String>) -> Self {
        Credentials::from_values(secret_id.into(), SecretString::from(secret_key.into()), None, None)
    }

    fn from_values(
        secret_id: String,
        secret_key: SecretString,
        token: Option<SecretString>,
        expiry: Option<SystemTime>,
    ) -> Self {
        Credentials {
            values: Arc::new(CredentialValues {
                secret_id,
                secret_key,
                token,
                expiry,
                signing_keys: SigningKeys::default(),
                static_check: OnceLock::new(),
                token_header: OnceLock::new(),
            }),
        }
    }

    /// Temporary credentials as a credentials service issues them.
    pub(crate) fn temporary(secret_id: String, secret_key: String, token: String, expiry: SystemTime) -> Self {
        Credentials::from_values(
            secret_id,
            SecretString::from(secret_key),
            Some(SecretString::from(token)),
            Some(expiry),
        )
    }

    /// The same credentials with the token of a temporary credential (sent as `X-TC-Token`).
    pub fn with_token(self, token: impl Into<String>) -> Self {
        let values = &self.values;
        Credentials::from_values(
            values.secret_id.clone(),
            values.secret_key.clone(),
            Some(SecretString::from(token.into())),
            values.expiry,
        )
    }

    /// The same credentials, valid until `expiry`: a [`CachedCredentials`] holding them fetches
    /// new ones before then.
    pub fn with_expiry(self, expiry: SystemTime) -> Self {
        let values = &self.values;
        Credentials::from_values(
            values.secret_id.clone(),
            values.secret_key.clone(),
            values.token.clone(),
            Some(expiry),
        )
    }

    /// The token's `X-TC-Token` header value, marked sensitive; `None` without a token.
    pub(crate) fn token_header(&self) -> Result<Option<&HeaderValue>, NotHeaderSafe> {
        let header = self.values.token_header.get_or_init(|| {
            let Some(token) = &self.values.token else { return Ok(None) };
            let mut header = HeaderValue::from_str(token.expose_secret()).map_err(|_| NotHeaderSafe)?;
            header.set_sensitive(true);
            Ok(Some(header))
        });
        header.as_ref().map(Option::as_ref).map_err(|error| *error)
    }

    /// The secret id (`AKID...`); it is not secret and appears in the `Authorization` header.
    pub fn secret_id(&self) -> &str {
        &self.values.secret_id
    }

    /// The secret key.
    pub fn secret_key(&self) -> &SecretString {
        &self.values.secret_key
    }

    /// The token of a temporary credential.
    pub fn token(&self) -> Option<&SecretString> {
        self.values.token.as_ref()
    }

    /// When temporary credentials stop being valid; `None` for long-term credentials.
    pub fn expiry(&self) -> Option<SystemTime> {
        self.values.expiry
    }

    pub(crate) fn signing_keys(&self) -> &SigningKeys {
        &self.values.signing_keys
    }

    /// Checks every value: not empty, no surrounding whitespace, usable in an HTTP header.
    /// `origin` says where the values came from, for the error message.
    pub fn validate(&self, origin: &str) -> Result<(), CredentialsError> {
        check_value(self.secret_id(), || format!("{origin}: secret id"))?;
        check_value(self.secret_key().expose_secret(), || format!("{origin}: secret key"))?;
        if let Some(token) = self.token() {
            check_value(token.expose_secret(), || format!("{origin}: token"))?;
        }
        Ok(())
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("secret_id", &self.secret_id())
            .field("secret_key", &"[redacted]")
            .field("token", &self.token().map(|_| "[redacted]"))
            .field("expiry", &self.expiry().map(rfc3339))
            .finish()
    }
}

/// `time` as `2024-01-02T03:04:05Z` (whole seconds, UTC), for messages.
pub(crate) fn rfc3339(time: SystemTime) -> String {
    let seconds = match time.duration_since(UNIX_EPOCH) {
        Ok(since) => i64::try_from(since.as_secs()).unwrap_or(i64::MAX),
        Err(before) => -i64::try_from(before.duration().as_secs()).unwrap_or(i64::MAX),
    };
    time::OffsetDateTime::from_unix_timestamp(seconds)
        .ok()
        .and_then(|time| time.format(&time::format_description::well_known::Rfc3339).ok())
        .unwrap_or_else(|| format!("{seconds} seconds after 1970-01-01T00:00:00Z"))
}

/// Why no usable credentials were found. Names the provider, variable, file or key, and what went
/// wrong; never a secret value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CredentialsError {
    /// The source holds no credentials (variables unset, file absent, no metadata service, no
    /// role on this machine); a chain tries the next one.
    #[error("{source_name}: {detail}")]
    NotConfigured {
        /// The source (`environment`, a file path, `CVM role`).
        source_name: String,
        /// What is missing.
        detail: String,
    },
    /// A value is present but unusable.
    #[error("{origin} {problem}")]
    InvalidValue {
        /// The variable, or file and key, holding the value.
        origin: String,
        /// What is wrong with it.
        problem: InvalidValueProblem,
    },
    /// A credentials file exists but cannot be read or parsed.
    #[error("cannot read credentials file {}: {message}", .path.display())]
    Unreadable {
        /// The file.
        path: std::path::PathBuf,
        /// What went wrong.
        message: String,
    },
    /// Every source of a chain was tried and none holds credentials.
    #[error("no credentials found: {}", join_errors(.tried))]
    NoneFound {
        /// What each source said, in order.
        tried: Vec<CredentialsError>,
    },
    /// A custom provider failed.
    #[error("credentials provider failed: {message}")]
    Provider {
        /// What the provider reported.
        message: String,
    },
    /// A provider of temporary credentials could not get them: the service was unreachable or
    /// slow, or answered something unusable.
    #[error("{provider}: {reason}")]
    Fetch {
        /// The provider (`CVM role`, `STS AssumeRole of qcs::cam::uin/...`).
        provider: String,
        /// What went wrong, and where.
        reason: String,
    },
    /// The service issuing temporary credentials refused with one of its error codes.
    #[error("{provider}: {code}: {message} (RequestId {request_id})")]
    Refused {
        /// The provider.
        provider: String,
        /// The service's error code (`InvalidParameter.WebIdentityTokenError`).
        code: String,
        /// The service's message, on one line and cut short.
        message: String,
        /// The RequestId of the refused request (empty when the service sent none).
        request_id: String,
    },
    /// Temporary credentials expired and getting new ones failed.
    #[error("{provider}: the credentials expired at {expired_at} and refreshing them failed: {cause}")]
    Expired {
        /// The provider.
        provider: String,
        /// When they expired (RFC 3339).
        expired_at: String,
        /// Why the last refresh failed.
        cause: Box<CredentialsError>,
    },
}

fn join_errors(errors: &[CredentialsError]) -> String {
    errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
}

/// What is wrong with a credential value or setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InvalidValueProblem {
    /// The value is empty.
    #[error("is empty")]
    Empty,
    /// The value starts or ends with whitespace (often a copy-paste accident).
    #[error("has leading or trailing whitespace")]
    SurroundingWhitespace,
    /// The value has characters an HTTP header cannot carry.
    #[error("contains characters not allowed in an HTTP header")]
    NotHeaderSafe,
    /// The value is not valid Unicode.
    #[error("is not valid Unicode")]
    NotUnicode,
    /// The value is missing while the other credential values are set.
    #[error("is missing")]
    Missing,
    /// The value is not an `http://` or `https://` URL of a host (and port).
    #[error("is not an http:// or https:// URL with a host")]
    NotAUrl,
    /// The value is outside the range the service accepts.
    #[error("is out of range")]
    OutOfRange,
    /// The value has characters the service does not accept in it.
    #[error("contains characters that are not allowed")]
    NotAllowedCharacters,
}

pub(crate) fn check_value(value: &str, origin: impl FnOnce() -> String) -> Result<(), CredentialsError> {
    let problem = if value.is_empty() {
        InvalidValueProblem::Empty
    } else if value.trim() != value {
        InvalidValueProblem::SurroundingWhitespace
    } else if !value.bytes().all(is_header_value_byte) {
        InvalidValueProblem::NotHeaderSafe
    } else {
        return Ok(());
    };
    Err(CredentialsError::InvalidValue { origin: origin(), problem })
}

/// What `http::HeaderValue::from_str` accepts, checked without building (and allocating) a value:
/// this runs for every request.
fn is_header_value_byte(byte: u8) -> bool {
    byte == b'\t' || (byte >= b' ' && byte != 0x7f)
}

/// What a [`ProvideCredentials`] gives: credentials, or why there are none.
pub type CredentialsResult = Result<Credentials, CredentialsError>;

/// The future [`ProvideCredentials::provide_credentials`] returns: ready at once (static and
/// cached credentials, with no allocation), or pending on a fetch (boxed).
#[must_use = "a credentials future does nothing unless awaited"]
pub enum CredentialsFuture<'a> {
    /// Already known; `None` once taken by the poll that completed the future.
    Ready(Option<CredentialsResult>),
    /// Fetched asynchronously.
    Pending(Pin<Box<dyn Future<Output = CredentialsResult> + Send + 'a>>),
}

impl<'a> CredentialsFuture<'a> {
    /// A future that is ready with `result`.
    pub fn ready(result: CredentialsResult) -> Self {
        CredentialsFuture::Ready(Some(result))
    }

    /// A future that runs `future`.
    pub fn pending(future: impl Future<Output = CredentialsResult> + Send + 'a) -> Self {
        CredentialsFuture::Pending(Box::pin(future))
    }
}

impl Future for CredentialsFuture<'_> {
    type Output = CredentialsResult;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.get_mut() {
            CredentialsFuture::Ready(result) => Poll::Ready(result.take().unwrap_or_else(|| {
                Err(CredentialsError::Provider { message: "a credentials future was polled after it completed".into() })
            })),
            CredentialsFuture::Pending(future) => future.as_mut().poll(cx),
        }
    }
}

impl fmt::Debug for CredentialsFuture<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CredentialsFuture::Ready(_) => "CredentialsFuture::Ready",
            CredentialsFuture::Pending(_) => "CredentialsFuture::Pending",
        })
    }
}

/// Gives credentials for each call, so rotated temporary credentials are picked up.
///
/// Called once per attempt, from async code. Answer with [`CredentialsFuture::ready`] when the
/// credentials are at hand (static, or cached and fresh: no allocation, no wait), and with
/// [`CredentialsFuture::pending`] when they must be fetched; wrap a fetching provider in a
/// [`CachedCredentials`] so it fetches only when they are about to expire. Returning clones of
/// the same [`Credentials`] while they stay valid also keeps the signing keys derived from them;
/// new ones derive their keys again.
pub trait ProvideCredentials: Send + Sync + fmt::Debug {
    /// The credentials to sign the next request with.
    fn provide_credentials(&self) -> CredentialsFuture<'_>;
}

impl ProvideCredentials for Credentials {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        let checked = self.values.static_check.get_or_init(|| self.validate("static credentials")).clone();
        CredentialsFuture::ready(checked.map(|()| self.clone()))
    }
}

impl<T: ProvideCredentials + ?Sized> ProvideCredentials for Arc<T> {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        (**self).provide_credentials()
    }
}

/// A source that can never give credentials, for the reason it holds: how a chain keeps a source
/// whose settings were missing or wrong when the chain was made, so its turn reports why.
#[derive(Debug, Clone)]
pub(crate) struct Unavailable(pub(crate) CredentialsError);

impl ProvideCredentials for Unavailable {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        CredentialsFuture::ready(Err(self.0.clone()))
    }
}

/// Looks a variable up: `None` when unset, an error when its value is unusable.
type Lookup = dyn Fn(&str) -> Option<Result<String, InvalidValueProblem>> + Send + Sync;

/// Reads environment variables; the process environment by default, a map in tests.
#[derive(Clone)]
pub struct Environment {
    lookup: Arc<Lookup>,
}

impl Environment {
    /// The process environment.
    pub fn process() -> Self {
        Environment {
            lookup: Arc::new(|name| {
                std::env::var_os(name).map(|value| value.into_string().map_err(|_| InvalidValueProblem::NotUnicode))
            }),
        }
    }

    /// Fixed variables, for tests.
    pub fn from_map<K: Into<String>, V: Into<String>>(variables: impl IntoIterator<Item = (K, V)>) -> Self {
        let map: HashMap<String, String> = variables.into_iter().map(|(k, v)| (k.into(), v.into())).collect();
        Environment { lookup: Arc::new(move |name| map.get(name).cloned().map(Ok)) }
    }

    /// The variable's value: `None` when unset, an error when not valid Unicode.
    pub fn get(&self, name: &str) -> Option<Result<String, InvalidValueProblem>> {
        (self.lookup)(name)
    }

    /// The variable's value when set, checked like a credential value.
    pub(crate) fn get_checked(&self, name: &str) -> Result<Option<String>, CredentialsError> {
        let origin = || format!("environment variable {name}");
        match self.get(name) {
            None => Ok(None),
            Some(Err(problem)) => Err(CredentialsError::InvalidValue { origin: origin(), problem }),
            Some(Ok(value)) => {
                check_value(&value, origin)?;
                Ok(Some(value))
            }
        }
    }

    /// Like [`Self::get_checked`], with an empty value taken as unset (how shells often "unset").
    pub(crate) fn get_nonempty(&self, name: &str) -> Result<Option<String>, CredentialsError> {
        match self.get(name) {
            Some(Ok(value)) if value.is_empty() => Ok(None),
            _ => self.get_checked(name),
        }
    }
}

impl fmt::Debug for Environment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The values may be secrets.
        f.write_str("Environment { .. }")
    }
}

/// The current wall-clock time as Unix seconds, for request timestamps.
pub(crate) fn unix_now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |since| i64::try_from(since.as_secs()).unwrap_or(i64::MAX))
}

/// A duration for messages: `2s`, `1.5s`, `250ms`.
pub(crate) fn show_duration(duration: Duration) -> String {
    if duration < Duration::from_secs(1) {
        format!("{}ms", duration.as_millis())
    } else if duration.subsec_millis() == 0 {
        format!("{}s", duration.as_secs())
    } else {
        format!("{:.1}s", duration.as_secs_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_secret_key_and_token_and_shows_the_expiry() {
        let expiry = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let credentials =
            Credentials::new("AKIDexample", "very-secret-key").with_token("very-secret-token").with_expiry(expiry);
        let debug = format!("{credentials:?}");
        assert!(debug.contains("AKIDexample"));
        assert!(debug.contains("2023-11-14T22:13:20Z"), "{debug}");
        assert!(!debug.contains("very-secret"), "{debug}");
        assert_eq!(credentials.expiry(), Some(expiry));
        assert_eq!(Credentials::new("AKID", "k").expiry(), None);
        // The token and the expiry survive each other's setters.
        let again = credentials.with_token("other-token");
        assert_eq!(again.expiry(), Some(expiry));
        assert!(again.with_expiry(expiry).token().is_some());
    }

    #[test]
    fn a_ready_future_needs_no_runtime_and_answers_once() {
        let credentials = Credentials::new("AKIDready", "key");
        let mut future = credentials.provide_credentials();
        let waker = std::task::Waker::noop();
        let mut context = Context::from_waker(waker);
        let first = Pin::new(&mut future).poll(&mut context);
        assert!(matches!(first, Poll::Ready(Ok(ref found)) if found.secret_id() == "AKIDready"), "{first:?}");
        let second = Pin::new(&mut future).poll(&mut context);
        assert!(matches!(second, Poll::Ready(Err(CredentialsError::Provider { .. }))), "{second:?}");
    }

    #[tokio::test]
    async fn static_credentials_reject_bad_values_without_showing_them() {
        let error = Credentials::new("AKID", " padded-secret").provide_credentials().await.err();
        let Some(error) = error else { panic!("accepted a padded key") };
        assert_eq!(error.to_string(), "static credentials: secret key has leading or trailing whitespace");
        let error = Credentials::new("", "key").provide_credentials().await.err().map(|e| e.to_string());
        assert_eq!(error.as_deref(), Some("static credentials: secret id is empty"));
        // Checked once, refused every time; a value with a control character is refused too.
        let bad = Credentials::new("AKID", "key").with_token("tok\nen");
        for _ in 0..2 {
            let error = bad.provide_credentials().await.err().map(|e| e.to_string());
            assert_eq!(
                error.as_deref(),
                Some("static credentials: token contains characters not allowed in an HTTP header")
            );
        }
        assert!(Credentials::new("AKID", "key\twith tab").provide_credentials().await.is_ok());
    }

    #[test]
    fn times_and_durations_read_well_in_messages() {
        assert_eq!(rfc3339(UNIX_EPOCH + Duration::from_secs(1_700_000_000)), "2023-11-14T22:13:20Z");
        assert_eq!(show_duration(Duration::from_millis(250)), "250ms");
        assert_eq!(show_duration(Duration::from_secs(2)), "2s");
        assert_eq!(show_duration(Duration::from_millis(1500)), "1.5s");
    }
}
