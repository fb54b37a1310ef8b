//! Credentials of the CAM role bound to a CVM instance, from the instance's metadata service.
//!
//! `GET <base>/latest/meta-data/cam/security-credentials/` names the role (404: the machine has
//! none); `GET .../security-credentials/<role>` gives `TmpSecretId`, `TmpSecretKey`, `Token` and
//! `ExpiredTime`. The base is `http://metadata.tencentyun.com` unless the builder or
//! `TENCENTCLOUD_METADATA_ENDPOINT` says otherwise. Timeouts are short, so a machine without a
//! metadata service is recognised within a few seconds.

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use bytes::Bytes;
use http::{Method, Request, StatusCode};

use super::cache::{CachedCredentials, Clock};
use super::http::{Failed, LazyTransport, TransportSettings, json_object, string_field, unix_seconds_field};
use super::{
    Credentials, CredentialsError, CredentialsFuture, CredentialsResult, Environment, InvalidValueProblem,
    ProvideCredentials,
};
use crate::error::one_line;
use crate::transport::HttpTransport;

/// The environment variable overriding the metadata service's base URL (this project's name; the
/// official SDKs have none): `http://host[:port]`, optionally with a path prefix.
pub const ENV_METADATA_ENDPOINT: &str = "TENCENTCLOUD_METADATA_ENDPOINT";
/// The metadata service every CVM instance reaches.
pub const DEFAULT_METADATA_ENDPOINT: &str = "http://metadata.tencentyun.com";
/// The connect timeout of metadata requests.
pub const METADATA_CONNECT_TIMEOUT: Duration = Duration::from_secs(1);
/// The timeout of one metadata request, connecting included.
pub const METADATA_REQUEST_TIMEOUT: Duration = Duration::from_secs(2);

const ROLES_PATH: &str = "/latest/meta-data/cam/security-credentials/";
const MAX_RESPONSE_SIZE: usize = 64 * 1024;
/// How errors and logs name this provider.
const NAME: &str = "CVM role";

/// The temporary credentials of the CAM role bound to this CVM instance, kept and refreshed
/// before they expire (see [`CachedCredentials`]). Clones share them.
///
/// A first call on a machine without a metadata service, or without a role, is
/// [`CredentialsError::NotConfigured`], so a chain tries its next source.
#[derive(Debug, Clone)]
pub struct CvmRoleCredentials {
    cache: Arc<CachedCredentials<MetadataFetch>>,
}

impl CvmRoleCredentials {
    /// A builder with the defaults: the role the metadata service names, its base URL from
    /// `TENCENTCLOUD_METADATA_ENDPOINT` or the default, 1 s to connect and 2 s per request.
    pub fn builder() -> CvmRoleCredentialsBuilder {
        CvmRoleCredentialsBuilder::default()
    }

    /// The defaults of [`Self::builder`], reading the process environment.
    pub fn from_env() -> Result<Self, CredentialsError> {
        Self::builder().build()
    }

    /// The URL that lists the role (`http://metadata.tencentyun.com/latest/meta-data/cam/security-credentials/`).
    pub fn roles_url(&self) -> &str {
        &self.cache.provider().roles_url
    }
}

impl ProvideCredentials for CvmRoleCredentials {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        self.cache.provide_credentials()
    }
}

/// Configures a [`CvmRoleCredentials`].
#[derive(Debug, Default)]
#[must_use]
pub struct CvmRoleCredentialsBuilder {
    endpoint: Option<String>,
    role: Option<String>,
    environment: Option<Environment>,
    transport: Option<Arc<dyn HttpTransport>>,
    connect_timeout: Option<Duration>,
    timeout: Option<Duration>,
    clock: Option<Arc<dyn Clock>>,
}

impl CvmRoleCredentialsBuilder {
    /// The metadata service's base URL (`http://127.0.0.1:8080`), over `TENCENTCLOUD_METADATA_ENDPOINT`.
    pub fn endpoint(mut self, url: impl Into<String>) -> Self {
        self.endpoint = Some(url.into());
        self
    }

    /// This role instead of the one the metadata service names (one request less).
    pub fn role(mut self, name: impl Into<String>) -> Self {
        self.role = Some(name.into());
        self
    }

    /// Reads `TENCENTCLOUD_METADATA_ENDPOINT` from `environment` instead of the process's.
    pub fn environment(mut self, environment: &Environment) -> Self {
        self.environment = Some(environment.clone());
        self
    }

    /// Sends the metadata requests through this transport instead of a `reqwest` one without proxies.
    pub fn transport(mut self, transport: Arc<dyn HttpTransport>) -> Self {
        self.transport = Some(transport);
        self
    }

    /// The connect timeout of the default transport (1 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// The timeout of each metadata request (2 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Compares expiry times with this clock (tests).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = Some(clock);
        self
    }

    /// Checks the settings. Nothing is sent until credentials are asked for.
    pub fn build(self) -> Result<CvmRoleCredentials, CredentialsError> {
        let environment = self.environment.unwrap_or_else(Environment::process);
        let base = match self.endpoint {
            Some(url) => base_url(&url, || "the CVM role provider's endpoint".into())?,
            None => match environment.get_nonempty(ENV_METADATA_ENDPOINT)? {
                Some(url) => base_url(&url, || format!("environment variable {ENV_METADATA_ENDPOINT}"))?,
                None => DEFAULT_METADATA_ENDPOINT.to_owned(),
            },
        };
        if let Some(role) = &self.role {
            check_role_name(role).map_err(|problem| CredentialsError::InvalidValue {
                origin: "the CVM role provider's role name".into(),
                problem,
            })?;
        }
        let request_timeout = positive(self.timeout, METADATA_REQUEST_TIMEOUT, "timeout")?;
        let connect_timeout = positive(self.connect_timeout, METADATA_CONNECT_TIMEOUT, "connect timeout")?;
        let transport = LazyTransport::new(
            self.transport,
            TransportSettings { connect_timeout, request_timeout, use_proxy: false },
        );
        let fetch = MetadataFetch {
            roles_url: format!("{base}{ROLES_PATH}"),
            fixed_role: self.role,
            discovered: Mutex::new(None),
            transport,
        };
        let mut cache = CachedCredentials::new(NAME, fetch);
        if let Some(clock) = self.clock {
            cache = cache.with_clock(clock);
        }
        Ok(CvmRoleCredentials { cache: Arc::new(cache) })
    }
}

fn positive(value: Option<Duration>, default: Duration, what: &str) -> Result<Duration, CredentialsError> {
    match value {
        Some(duration) if duration.is_zero() => Err(CredentialsError::InvalidValue {
            origin: format!("the CVM role provider's {what}"),
            problem: InvalidValueProblem::OutOfRange,
        }),
        Some(duration) => Ok(duration),
        None => Ok(default),
    }
}

/// `scheme://authority[/prefix]` without a trailing `/`, from an `http://` or `https://` URL with
/// a host and no query.
pub(crate) fn base_url(text: &str, origin: impl FnOnce() -> String) -> Result<String, CredentialsError> {
    let parsed = text.parse::<http::Uri>().ok().and_then(|uri| {
        let scheme = uri.scheme_str().filter(|scheme| matches!(*scheme, "http" | "https"))?;
        let authority =
            uri.authority().filter(|authority| !authority.host().is_empty() && !authority.as_str().contains('@'))?;
        uri.query().is_none().then(|| format!("{scheme}://{authority}{}", uri.path().trim_end_matches('/')))
    });
    parsed.ok_or_else(|| CredentialsError::InvalidValue { origin: origin(), problem: InvalidValueProblem::NotAUrl })
}

/// CAM role names: 1 to 128 of letters, digits and `+=,.@_-`.
fn check_role_name(name: &str) -> Result<(), InvalidValueProblem> {
    if name.is_empty() {
        Err(InvalidValueProblem::Empty)
    } else if name.len() > 128 {
        Err(InvalidValueProblem::OutOfRange)
    } else if !name.bytes().all(|byte| byte.is_ascii_alphanumeric() || b"+=,.@_-".contains(&byte)) {
        Err(InvalidValueProblem::NotAllowedCharacters)
    } else {
        Ok(())
    }
}

/// Fetches the role's credentials from the metadata service; [`CvmRoleCredentials`] keeps them.
struct MetadataFetch {
    roles_url: String,
    fixed_role: Option<String>,
    /// The role the service named, kept so a refresh takes one request.
    discovered: Mutex<Option<String>>,
    transport: LazyTransport,
}

impl fmt::Debug for MetadataFetch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MetadataService")
            .field("roles_url", &self.roles_url)
            .field("role", &self.fixed_role.clone().or_else(|| self.discovered().clone()))
            .field("transport", &self.transport)
            .finish()
    }
}

fn fetch_error(reason: String) -> CredentialsError {
    CredentialsError::Fetch { provider: NAME.into(), reason }
}

impl MetadataFetch {
    async fn get(&self, url: &str) -> Result<http::Response<Bytes>, Failed> {
        let mut request = Request::new(Bytes::new());
        *request.method_mut() = Method::GET;
        *request.uri_mut() = url.parse().map_err(|_| Failed::Setup(format!("{url} is not a valid URL")))?;
        self.transport.exchange(request, MAX_RESPONSE_SIZE).await
    }

    fn discovered(&self) -> std::sync::MutexGuard<'_, Option<String>> {
        self.discovered.lock().unwrap_or_else(PoisonError::into_inner)
    }

    async fn role(&self) -> Result<String, CredentialsError> {
        if let Some(role) = &self.fixed_role {
            return Ok(role.clone());
        }
        if let Some(role) = self.discovered().clone() {
            return Ok(role);
        }
        let url = &self.roles_url;
        let response = self.get(url).await.map_err(|failed| {
            if failed.nobody_answered() {
                CredentialsError::NotConfigured {
                    source_name: NAME.into(),
                    detail: format!("no metadata service answered at {url}: {failed}"),
                }
            } else {
                fetch_error(format!("{url}: {failed}"))
            }
        })?;
        match response.status() {
            StatusCode::OK => {}
            StatusCode::NOT_FOUND => {
                return Err(CredentialsError::NotConfigured {
                    source_name: NAME.into(),
                    detail: format!("{url} answered 404: this machine has no CAM role"),
                });
            }
            status => return Err(fetch_error(format!("{url} answered HTTP {}", status.as_u16()))),
        }
        let text = String::from_utf8_lossy(response.body());
        let Some(role) = text.lines().map(str::trim).find(|line| !line.is_empty()) else {
            return Err(CredentialsError::NotConfigured {
                source_name: NAME.into(),
                detail: format!("{url} names no role: this machine has no CAM role"),
            });
        };
        if let Err(problem) = check_role_name(role) {
            return Err(fetch_error(format!("{url} answered a role name that {problem}: {}", one_line(role, 64))));
        }
        *self.discovered() = Some(role.to_owned());
        Ok(role.to_owned())
    }

    async fn credentials(&self) -> CredentialsResult {
        let role = self.role().await?;
        let url = format!("{}{role}", self.roles_url);
        let response = self.get(&url).await.map_err(|failed| fetch_error(format!("{url}: {failed}")))?;
        match response.status() {
            StatusCode::OK => {}
            StatusCode::NOT_FOUND if self.fixed_role.is_none() => {
                // The role was unbound or replaced: the next refresh asks for its name again.
                *self.discovered() = None;
                return Err(fetch_error(format!(
                    "{url} answered 404: the role {role} is no longer bound to this machine"
                )));
            }
            status => return Err(fetch_error(format!("{url} answered HTTP {}", status.as_u16()))),
        }
        let invalid = |reason: String| fetch_error(format!("{url}: {reason}"));
        let object = json_object(response.body()).map_err(invalid)?;
        match object.get("Code").and_then(serde_json::Value::as_str) {
            None | Some("Success") => {}
            Some(code) => return Err(invalid(format!("the answer's Code is {}", one_line(code, 64)))),
        }
        let secret_id = string_field(&object, "TmpSecretId").map_err(invalid)?;
        let secret_key = string_field(&object, "TmpSecretKey").map_err(invalid)?;
        let token = string_field(&object, "Token").map_err(invalid)?;
        let expiry = unix_seconds_field(&object, "ExpiredTime").map_err(invalid)?;
        Ok(Credentials::temporary(secret_id.to_owned(), secret_key.to_owned(), token.to_owned(), expiry))
    }
}

impl ProvideCredentials for MetadataFetch {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        CredentialsFuture::pending(self.credentials())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_keep_scheme_host_port_and_prefix() {
        let parse = |text: &str| base_url(text, || "test".into()).map_err(|error| error.to_string());
        assert_eq!(parse("http://metadata.tencentyun.com"), Ok("http://metadata.tencentyun.com".into()));
        assert_eq!(parse("http://127.0.0.1:8080/"), Ok("http://127.0.0.1:8080".into()));
        assert_eq!(parse("https://proxy.example/meta/"), Ok("https://proxy.example/meta".into()));
        for bad in ["metadata.tencentyun.com", "ftp://x", "http://x/?q=1", "http://u:p@x", "http://", ""] {
            assert_eq!(parse(bad), Err("test is not an http:// or https:// URL with a host".into()), "{bad}");
        }
    }

    #[test]
    fn the_endpoint_comes_from_the_builder_then_the_environment_then_the_default() {
        let environment = Environment::from_map([(ENV_METADATA_ENDPOINT, "http://127.0.0.1:9/")]);
        let url = |builder: CvmRoleCredentialsBuilder| builder.build().map(|cvm| cvm.roles_url().to_owned());
        assert_eq!(
            url(CvmRoleCredentials::builder().environment(&environment)),
            Ok("http://127.0.0.1:9/latest/meta-data/cam/security-credentials/".into())
        );
        assert_eq!(
            url(CvmRoleCredentials::builder().environment(&environment).endpoint("http://10.0.0.1")),
            Ok("http://10.0.0.1/latest/meta-data/cam/security-credentials/".into())
        );
        let empty = Environment::from_map([(ENV_METADATA_ENDPOINT, "")]);
        assert_eq!(
            url(CvmRoleCredentials::builder().environment(&empty)),
            Ok("http://metadata.tencentyun.com/latest/meta-data/cam/security-credentials/".into())
        );
        let bad = Environment::from_map([(ENV_METADATA_ENDPOINT, "metadata")]);
        assert_eq!(
            url(CvmRoleCredentials::builder().environment(&bad)).map_err(|error| error.to_string()),
            Err("environment variable TENCENTCLOUD_METADATA_ENDPOINT is not an http:// or https:// URL with a host"
                .into())
        );
        let error = CvmRoleCredentials::builder().environment(&empty).role("a/b").build().err();
        assert_eq!(
            error.map(|error| error.to_string()).as_deref(),
            Some("the CVM role provider's role name contains characters that are not allowed")
        );
    }
}
