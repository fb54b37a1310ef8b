//! Temporary credentials from STS (service `sts`, version `2018-08-13`): [`AssumeRoleCredentials`]
//! signs `AssumeRole` with base credentials; [`WebIdentityCredentials`](super::WebIdentityCredentials)
//! sends `AssumeRoleWithWebIdentity` unsigned. Both are sent by the runtime itself, through its
//! [`HttpTransport`] and signer, not through a [`Client`](crate::Client).
//!
//! The endpoint is `https://sts.tencentcloudapi.com` (the official providers' default) unless the
//! builder or `TENCENTCLOUD_STS_ENDPOINT` says otherwise; the region is `ap-guangzhou` by default.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::StatusCode;
use secrecy::ExposeSecret;

use super::cache::{CachedCredentials, Clock};
use super::http::{LazyTransport, TransportSettings, json_object, string_field, unix_seconds_field};
use super::{
    Credentials, CredentialsError, CredentialsFuture, CredentialsResult, Environment, InvalidValueProblem,
    ProvideCredentials, check_value, unix_now,
};
use crate::config::Endpoint;
use crate::error::one_line;
use crate::sign::{RequestParts, RequestTemplate, SignError};
use crate::transport::HttpTransport;

/// The environment variable overriding the STS endpoint (this project's name; the official SDKs
/// have none): `https://host[:port]`, or `http://host:port` for tests and proxies.
pub const ENV_STS_ENDPOINT: &str = "TENCENTCLOUD_STS_ENDPOINT";
/// The STS endpoint of the official credential providers.
pub const DEFAULT_STS_ENDPOINT: &str = "https://sts.tencentcloudapi.com";
/// The region STS requests carry by default.
pub const DEFAULT_STS_REGION: &str = "ap-guangzhou";
/// The STS API version.
pub const STS_VERSION: &str = "2018-08-13";
/// How long assumed credentials live unless told otherwise (`DurationSeconds`).
pub const DEFAULT_DURATION: Duration = Duration::from_secs(7200);
/// The longest lifetime STS grants.
pub const MAX_DURATION: Duration = Duration::from_secs(43200);
/// The connect timeout of STS requests.
pub const STS_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// The timeout of one STS request.
pub const STS_REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

const SERVICE: &str = "sts";
const MAX_RESPONSE_SIZE: usize = 1024 * 1024;

/// The setters of [`StsSettings`] (region, endpoint, environment, transport, timeout, clock), the
/// same in the builder of every provider that calls STS; each builder keeps them in `self.sts`.
macro_rules! sts_settings_setters {
    () => {
        /// The region STS requests carry (`ap-guangzhou` unless set; `TKE_REGION` for TKE).
        pub fn region(mut self, region: impl Into<String>) -> Self {
            self.sts.region = Some(region.into());
            self
        }

        /// The STS endpoint (`https://sts.tencentcloudapi.com`), over `TENCENTCLOUD_STS_ENDPOINT`.
        pub fn endpoint(mut self, url: impl Into<String>) -> Self {
            self.sts.endpoint = Some(url.into());
            self
        }

        /// Reads `TENCENTCLOUD_STS_ENDPOINT` from `environment` instead of the process's.
        pub fn environment(mut self, environment: &Environment) -> Self {
            self.sts.environment = Some(environment.clone());
            self
        }

        /// Sends STS requests through this transport instead of a `reqwest` one of its own.
        pub fn transport(mut self, transport: Arc<dyn HttpTransport>) -> Self {
            self.sts.transport = Some(transport);
            self
        }

        /// The timeout of one STS request (10 s).
        pub fn timeout(mut self, timeout: Duration) -> Self {
            self.sts.timeout = Some(timeout);
            self
        }

        /// Compares expiry times with this clock (tests).
        pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
            self.sts.clock = Some(clock);
            self
        }
    };
}
pub(crate) use sts_settings_setters;

/// Where STS requests go, and how; shared by the STS providers' builders.
#[derive(Debug, Default, Clone)]
pub(crate) struct StsSettings {
    pub(crate) endpoint: Option<String>,
    pub(crate) region: Option<String>,
    pub(crate) environment: Option<Environment>,
    pub(crate) transport: Option<Arc<dyn HttpTransport>>,
    pub(crate) timeout: Option<Duration>,
    pub(crate) clock: Option<Arc<dyn Clock>>,
}

impl StsSettings {
    /// The client of one STS action, its settings checked. `owner` names the builder in errors.
    pub(crate) fn client(&self, action: &'static str, owner: &str) -> Result<Sts, CredentialsError> {
        let environment = self.environment.clone().unwrap_or_else(Environment::process);
        let (url, origin) = match &self.endpoint {
            Some(url) => (url.clone(), format!("{owner}'s STS endpoint")),
            None => match environment.get_nonempty(ENV_STS_ENDPOINT)? {
                Some(url) => (url, format!("environment variable {ENV_STS_ENDPOINT}")),
                None => (DEFAULT_STS_ENDPOINT.to_owned(), "the default STS endpoint".into()),
            },
        };
        let endpoint = Endpoint::parse(&url)
            .map_err(|_| CredentialsError::InvalidValue { origin, problem: InvalidValueProblem::NotAUrl })?;
        let region = self.region.clone().unwrap_or_else(|| DEFAULT_STS_REGION.to_owned());
        let region_origin = || format!("{owner}'s STS region");
        check_value(&region, region_origin)?;
        if !region.bytes().all(|byte| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_') {
            return Err(CredentialsError::InvalidValue {
                origin: region_origin(),
                problem: InvalidValueProblem::NotAllowedCharacters,
            });
        }
        let parts = RequestParts {
            endpoint: &endpoint,
            service: SERVICE,
            action,
            version: STS_VERSION,
            region: Some(&region),
            language: "en-US",
        };
        let template = RequestTemplate::new(&parts).map_err(|_| CredentialsError::InvalidValue {
            origin: region_origin(),
            problem: InvalidValueProblem::NotHeaderSafe,
        })?;
        let timeout = match self.timeout {
            Some(timeout) if timeout.is_zero() => {
                return Err(CredentialsError::InvalidValue {
                    origin: format!("{owner}'s STS timeout"),
                    problem: InvalidValueProblem::OutOfRange,
                });
            }
            Some(timeout) => timeout,
            None => STS_REQUEST_TIMEOUT,
        };
        let transport = LazyTransport::new(
            self.transport.clone(),
            TransportSettings {
                connect_timeout: STS_CONNECT_TIMEOUT.min(timeout),
                request_timeout: timeout,
                use_proxy: true,
            },
        );
        Ok(Sts { template, endpoint, action, region, transport })
    }

    /// Wraps `fetch` in a cache named `name`, with the settings' clock.
    pub(crate) fn cache<P: ProvideCredentials>(&self, name: String, fetch: P) -> CachedCredentials<P> {
        let cache = CachedCredentials::new(name, fetch);
        match &self.clock {
            Some(clock) => cache.with_clock(clock.clone()),
            None => cache,
        }
    }
}

/// One STS action's requests.
pub(crate) struct Sts {
    template: RequestTemplate,
    endpoint: Endpoint,
    action: &'static str,
    region: String,
    transport: LazyTransport,
}

impl fmt::Debug for Sts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sts")
            .field("endpoint", &format_args!("{}", self.endpoint))
            .field("action", &self.action)
            .field("region", &self.region)
            .field("transport", &self.transport)
            .finish()
    }
}

impl Sts {
    /// Sends `body`, signed with `signer` or unsigned (`Authorization: SKIP`), and reads the
    /// credentials from the answer. `secrets` are blanked out of the service's messages.
    pub(crate) async fn exchange(
        &self,
        provider: &str,
        body: Vec<u8>,
        signer: Option<&Credentials>,
        secrets: &[&str],
    ) -> CredentialsResult {
        let fetch_error = |reason: String| CredentialsError::Fetch { provider: provider.to_owned(), reason };
        let body = Bytes::from(body);
        let request = match signer {
            Some(credentials) => self.template.signed(credentials, unix_now(), body),
            None => self.template.unsigned(unix_now(), body),
        };
        let request = request.map_err(|error| match error {
            SignError::Credentials(error) => fetch_error(format!("the base credentials are unusable: {error}")),
            other => fetch_error(format!("cannot sign the request: {other}")),
        })?;
        let endpoint = &self.endpoint;
        let response = self
            .transport
            .exchange(request, MAX_RESPONSE_SIZE)
            .await
            .map_err(|failed| fetch_error(format!("{endpoint}: {failed}")))?;
        let status = response.status();
        let answered = |what: &str| {
            if status == StatusCode::OK {
                fetch_error(format!("{endpoint}: {what}"))
            } else {
                fetch_error(format!("{endpoint} answered HTTP {}: {what}", status.as_u16()))
            }
        };
        let object = json_object(response.body()).map_err(|reason| answered(&reason))?;
        let Some(serde_json::Value::Object(answer)) = object.get("Response") else {
            return Err(answered("the answer has no `Response` object"));
        };
        let request_id = answer.get("RequestId").and_then(serde_json::Value::as_str).unwrap_or_default();
        if let Some(error) = answer.get("Error") {
            let text = |name: &str| error.get(name).and_then(serde_json::Value::as_str).unwrap_or_default();
            return Err(CredentialsError::Refused {
                provider: provider.to_owned(),
                code: one_line(text("Code"), 64),
                message: one_line(&blank_out(text("Message"), secrets), 200),
                request_id: one_line(request_id, 64),
            });
        }
        if status != StatusCode::OK {
            return Err(answered("no error code"));
        }
        let Some(serde_json::Value::Object(issued)) = answer.get("Credentials") else {
            return Err(answered("the answer has no `Credentials` object"));
        };
        let field = |name| string_field(issued, name).map_err(|reason| answered(&reason));
        let (secret_id, secret_key, token) = (field("TmpSecretId")?, field("TmpSecretKey")?, field("Token")?);
        let expiry = unix_seconds_field(answer, "ExpiredTime").map_err(|reason| answered(&reason))?;
        Ok(Credentials::temporary(secret_id.to_owned(), secret_key.to_owned(), token.to_owned(), expiry))
    }
}

/// `text` with each of `secrets` replaced by `[redacted]`: a service may quote what it was sent.
fn blank_out(text: &str, secrets: &[&str]) -> String {
    secrets
        .iter()
        .filter(|secret| !secret.is_empty())
        .fold(text.to_owned(), |text, secret| text.replace(secret, "[redacted]"))
}

/// A role session name: 2 to 128 of letters, digits and `_+=,.@-`.
pub(crate) fn check_session_name(name: &str, origin: impl FnOnce() -> String) -> Result<(), CredentialsError> {
    let problem = if name.is_empty() {
        InvalidValueProblem::Empty
    } else if !(2..=128).contains(&name.len()) {
        InvalidValueProblem::OutOfRange
    } else if !name.bytes().all(|byte| byte.is_ascii_alphanumeric() || b"_+=,.@-".contains(&byte)) {
        InvalidValueProblem::NotAllowedCharacters
    } else {
        return Ok(());
    };
    Err(CredentialsError::InvalidValue { origin: origin(), problem })
}

/// A session name unique enough to tell this process's sessions apart in CAM's logs.
pub(crate) fn default_session_name() -> String {
    format!("tcapi-rust-{}", unix_now())
}

/// `DurationSeconds`: whole seconds from 1 to [`MAX_DURATION`].
pub(crate) fn duration_seconds(duration: Duration, origin: impl FnOnce() -> String) -> Result<u64, CredentialsError> {
    let seconds = duration.as_secs();
    if seconds == 0 || duration > MAX_DURATION {
        return Err(CredentialsError::InvalidValue { origin: origin(), problem: InvalidValueProblem::OutOfRange });
    }
    Ok(seconds)
}

/// Percent-encodes all but the unreserved characters, as the API wants a policy.
fn url_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push('%');
            out.push(char::from(b"0123456789ABCDEF"[usize::from(byte >> 4)]));
            out.push(char::from(b"0123456789ABCDEF"[usize::from(byte & 15)]));
        }
    }
    out
}

/// Credentials of a CAM role, assumed through STS `AssumeRole` signed with base credentials,
/// kept and refreshed before they expire (see [`CachedCredentials`]). Clones share them.
#[derive(Debug, Clone)]
pub struct AssumeRoleCredentials {
    cache: Arc<CachedCredentials<AssumeRoleFetch>>,
}

impl AssumeRoleCredentials {
    /// A builder assuming `role_arn` (`qcs::cam::uin/100000000001:roleName/ops`) with the
    /// credentials `base` gives.
    pub fn builder(
        base: impl ProvideCredentials + 'static,
        role_arn: impl Into<String>,
    ) -> AssumeRoleCredentialsBuilder {
        AssumeRoleCredentialsBuilder {
            base: Arc::new(base),
            role_arn: role_arn.into(),
            session_name: None,
            duration: DEFAULT_DURATION,
            policy: None,
            sts: StsSettings::default(),
        }
    }

    /// The role assumed.
    pub fn role_arn(&self) -> &str {
        &self.cache.provider().role_arn
    }
}

impl ProvideCredentials for AssumeRoleCredentials {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        self.cache.provide_credentials()
    }
}

/// Configures an [`AssumeRoleCredentials`].
#[derive(Debug)]
#[must_use]
pub struct AssumeRoleCredentialsBuilder {
    base: Arc<dyn ProvideCredentials>,
    role_arn: String,
    session_name: Option<String>,
    duration: Duration,
    policy: Option<String>,
    sts: StsSettings,
}

impl AssumeRoleCredentialsBuilder {
    /// `RoleSessionName` (default `tcapi-rust-<unix time>`): 2 to 128 of letters, digits and `_+=,.@-`.
    pub fn session_name(mut self, name: impl Into<String>) -> Self {
        self.session_name = Some(name.into());
        self
    }

    /// How long the assumed credentials live (`DurationSeconds`): 2 hours by default, 12 at most.
    pub fn duration(mut self, duration: Duration) -> Self {
        self.duration = duration;
        self
    }

    /// A policy (JSON, as written) narrowing what the assumed credentials may do; it is sent
    /// URL-encoded, as the API requires.
    pub fn policy(mut self, policy: impl Into<String>) -> Self {
        self.policy = Some(policy.into());
        self
    }

    sts_settings_setters!();

    /// Checks the settings. Nothing is sent until credentials are asked for.
    pub fn build(self) -> Result<AssumeRoleCredentials, CredentialsError> {
        check_value(&self.role_arn, || "the AssumeRole role ARN".into())?;
        let session_name = self.session_name.unwrap_or_else(default_session_name);
        check_session_name(&session_name, || "the AssumeRole session name".into())?;
        let duration = duration_seconds(self.duration, || "the AssumeRole duration (1 s to 12 h)".into())?;
        let mut body = serde_json::json!({
            "RoleArn": self.role_arn,
            "RoleSessionName": session_name,
            "DurationSeconds": duration,
        });
        if let (Some(policy), Some(object)) = (&self.policy, body.as_object_mut()) {
            object.insert("Policy".into(), url_encode(policy).into());
        }
        let fetch = AssumeRoleFetch {
            name: format!("STS AssumeRole of {}", one_line(&self.role_arn, 200)),
            base: self.base,
            sts: self.sts.client("AssumeRole", "the AssumeRole provider")?,
            role_arn: self.role_arn,
            body: body.to_string().into_bytes(),
        };
        Ok(AssumeRoleCredentials { cache: Arc::new(self.sts.cache(fetch.name.clone(), fetch)) })
    }
}

/// Assumes the role once; [`AssumeRoleCredentials`] keeps what it gets.
struct AssumeRoleFetch {
    name: String,
    base: Arc<dyn ProvideCredentials>,
    sts: Sts,
    role_arn: String,
    /// The request body: the same on every refresh.
    body: Vec<u8>,
}

impl fmt::Debug for AssumeRoleFetch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AssumeRole")
            .field("role_arn", &self.role_arn)
            .field("base", &self.base)
            .field("sts", &self.sts)
            .finish_non_exhaustive()
    }
}

impl AssumeRoleFetch {
    async fn fetch(&self) -> CredentialsResult {
        let base = self.base.provide_credentials().await.map_err(|error| CredentialsError::Fetch {
            provider: self.name.clone(),
            reason: format!("no base credentials to sign AssumeRole with: {error}"),
        })?;
        let token = base.token().map(ExposeSecret::expose_secret).unwrap_or_default();
        let secrets = [base.secret_key().expose_secret(), token];
        self.sts.exchange(&self.name, self.body.clone(), Some(&base), &secrets).await
    }
}

impl ProvideCredentials for AssumeRoleFetch {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        CredentialsFuture::pending(self.fetch())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_are_checked_when_built() {
        let base = Credentials::new("AKIDbase", "base-key");
        let no_env = Environment::from_map([("HOME", "/nonexistent")]);
        let build = |builder: AssumeRoleCredentialsBuilder| {
            builder
                .environment(&no_env)
                .build()
                .map(|provider| provider.role_arn().to_owned())
                .map_err(|e| e.to_string())
        };
        let arn = "qcs::cam::uin/100000000001:roleName/ops";
        assert_eq!(build(AssumeRoleCredentials::builder(base.clone(), arn)), Ok(arn.into()));
        assert_eq!(
            build(AssumeRoleCredentials::builder(base.clone(), "")),
            Err("the AssumeRole role ARN is empty".into())
        );
        assert_eq!(
            build(AssumeRoleCredentials::builder(base.clone(), arn).duration(Duration::from_secs(43201))),
            Err("the AssumeRole duration (1 s to 12 h) is out of range".into())
        );
        assert_eq!(
            build(AssumeRoleCredentials::builder(base.clone(), arn).session_name("a b")),
            Err("the AssumeRole session name contains characters that are not allowed".into())
        );
        assert_eq!(
            build(AssumeRoleCredentials::builder(base.clone(), arn).endpoint("sts.tencentcloudapi.com")),
            Err("the AssumeRole provider's STS endpoint is not an http:// or https:// URL with a host".into())
        );
        assert_eq!(
            build(AssumeRoleCredentials::builder(base, arn).region("ap guangzhou")),
            Err("the AssumeRole provider's STS region contains characters that are not allowed".into())
        );
    }

    #[test]
    fn policies_are_url_encoded_and_messages_lose_their_secrets() {
        assert_eq!(url_encode(r#"{"a": "b/c"}"#), "%7B%22a%22%3A%20%22b%2Fc%22%7D");
        assert_eq!(blank_out("bad token tok-123 given", &["tok-123", ""]), "bad token [redacted] given");
    }
}
