//! How a client reaches the API: credentials, endpoint, region, language, timeouts, retries,
//! rate limits and transport.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::HeaderValue;
use http::uri::{self, Authority, PathAndQuery, Scheme, Uri};

use super::action::ServiceInfo;
use super::credentials::{CredentialsChain, ENV_REGION, Environment, ProvideCredentials};
use super::error::ConfigError;
use super::rate_limit::RateLimit;
use super::retry::RetryPolicy;
use super::transport::{HttpTransport, ReqwestTransport};

/// The default connect timeout (DNS, TCP and TLS).
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// The default timeout of one whole exchange (the official Python SDK's 60 s).
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(60);
/// The default cap on a response body: 10 MiB.
pub const DEFAULT_MAX_RESPONSE_SIZE: usize = 10 * 1024 * 1024;

/// Which of Tencent Cloud's sites serves the calls when no endpoint is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Site {
    /// The international site (`ssl.intl.tencentcloudapi.com`).
    #[default]
    International,
    /// The mainland China site (`ssl.tencentcloudapi.com`).
    Mainland,
}

impl Site {
    /// The host serving `service` on this site.
    pub fn host_of(self, service: &ServiceInfo) -> &'static str {
        match self {
            Site::International => service.endpoint,
            Site::Mainland => service.mainland_endpoint,
        }
    }
}

/// The language of the API's messages (`X-TC-Language`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Language {
    /// English (`en-US`).
    #[default]
    EnUs,
    /// Simplified Chinese (`zh-CN`).
    ZhCn,
}

impl Language {
    /// The header value.
    pub fn as_str(self) -> &'static str {
        match self {
            Language::EnUs => "en-US",
            Language::ZhCn => "zh-CN",
        }
    }
}

/// An endpoint, checked and parsed once: `https://host[:port]` or `http://host[:port]`, no path or
/// query. Every request clones its parsed URI and `Host` header instead of parsing text again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    uri: Uri,
    host: HeaderValue,
}

impl Endpoint {
    /// Parses an endpoint URL (`https://ssl.intl.tencentcloudapi.com`, `http://127.0.0.1:8080`).
    pub fn parse(text: &str) -> Result<Self, ConfigError> {
        let invalid = |reason| ConfigError::InvalidEndpoint { endpoint: text.to_owned(), reason };
        let uri: Uri = text.parse().map_err(|_| invalid("not a URL"))?;
        let scheme = match uri.scheme_str() {
            Some("https") => Scheme::HTTPS,
            Some("http") => Scheme::HTTP,
            _ => return Err(invalid("the scheme must be https:// (or http:// for tests and proxies)")),
        };
        let authority = uri.authority().ok_or_else(|| invalid("no host"))?;
        if authority.as_str().contains('@') {
            return Err(invalid("user information is not allowed"));
        }
        if authority.host().is_empty() {
            return Err(invalid("no host"));
        }
        if !matches!(uri.path(), "" | "/") || uri.query().is_some() {
            return Err(invalid("a path or query is not allowed: the API is served at `/`"));
        }
        let host =
            HeaderValue::from_str(authority.as_str()).map_err(|_| invalid("the host cannot go into a header"))?;
        Endpoint::from_parts(scheme, authority.clone(), host).ok_or_else(|| invalid("not a URL"))
    }

    /// The default endpoint of a service on a site. Made from the service's static host name
    /// without copying it, so computing it for every call costs only the check of the name.
    pub fn for_service(service: &ServiceInfo, site: Site) -> Result<Self, ConfigError> {
        let host = site.host_of(service);
        let invalid = || ConfigError::InvalidEndpoint { endpoint: host.to_owned(), reason: "not a host name" };
        let static_host = || Bytes::from_static(host.as_bytes());
        let authority = Authority::from_maybe_shared(static_host()).map_err(|_| invalid())?;
        let header = HeaderValue::from_maybe_shared(static_host()).map_err(|_| invalid())?;
        if authority.host().is_empty() || host.contains('@') {
            return Err(invalid());
        }
        Endpoint::from_parts(Scheme::HTTPS, authority, header).ok_or_else(invalid)
    }

    fn from_parts(scheme: Scheme, authority: Authority, host: HeaderValue) -> Option<Self> {
        let mut parts = uri::Parts::default();
        parts.scheme = Some(scheme);
        parts.authority = Some(authority);
        parts.path_and_query = Some(PathAndQuery::from_static("/"));
        Some(Endpoint { uri: Uri::from_parts(parts).ok()?, host })
    }

    /// The URI requests are posted to (`https://ssl.intl.tencentcloudapi.com/`).
    pub fn uri(&self) -> &Uri {
        &self.uri
    }

    /// The `Host` header value (host, and port when given).
    pub fn host(&self) -> &str {
        self.uri.authority().map_or("", Authority::as_str)
    }

    /// The `Host` header, ready to send.
    pub fn host_header(&self) -> &HeaderValue {
        &self.host
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.uri, f)
    }
}

/// A checked client configuration; build one with [`Config::builder`] or [`Config::from_env`].
#[derive(Debug, Clone)]
pub struct Config {
    pub(crate) credentials: Arc<dyn ProvideCredentials>,
    pub(crate) endpoint: Option<Endpoint>,
    pub(crate) site: Site,
    pub(crate) region: Option<String>,
    pub(crate) language: Language,
    pub(crate) connect_timeout: Duration,
    pub(crate) request_timeout: Duration,
    pub(crate) retry_policy: RetryPolicy,
    pub(crate) strict_decoding: bool,
    pub(crate) rate_limit: RateLimit,
    pub(crate) action_rate_limits: HashMap<String, RateLimit>,
    pub(crate) transport: Arc<dyn HttpTransport>,
    pub(crate) max_response_size: usize,
}

impl Config {
    /// A builder with the defaults: credentials from the default chain (environment, profile file,
    /// TKE OIDC, CVM role: [`CredentialsChain::default_chain`]), the international site, no
    /// region, `en-US`, 5 s connect and 60 s request timeouts, 3 attempts, the spec's rate
    /// limits, 10 MiB responses at most.
    pub fn builder() -> ConfigBuilder {
        ConfigBuilder::default()
    }

    /// The defaults of [`Config::builder`] with the region from `TENCENTCLOUD_REGION` when set.
    /// To change other settings too, start from [`ConfigBuilder::from_env`].
    pub fn from_env() -> Result<Config, ConfigError> {
        ConfigBuilder::from_env().build()
    }

    /// The endpoint a service's calls go to: the override, or the service's default on the site.
    pub fn endpoint_for(&self, service: &ServiceInfo) -> Result<Endpoint, ConfigError> {
        match &self.endpoint {
            Some(endpoint) => Ok(endpoint.clone()),
            None => Endpoint::for_service(service, self.site),
        }
    }

    /// The configured region.
    pub fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }

    /// The language of the API's messages.
    pub fn language(&self) -> Language {
        self.language
    }

    /// The connect timeout.
    pub fn connect_timeout(&self) -> Duration {
        self.connect_timeout
    }

    /// The timeout of one exchange.
    pub fn request_timeout(&self) -> Duration {
        self.request_timeout
    }

    /// The retry policy.
    pub fn retry_policy(&self) -> RetryPolicy {
        self.retry_policy
    }

    /// Whether responses that differ from the spec are refused rather than corrected.
    pub fn strict_decoding(&self) -> bool {
        self.strict_decoding
    }

    /// The cap on a response body, in bytes.
    pub fn max_response_size(&self) -> usize {
        self.max_response_size
    }

    /// The requests per second in force for an action documenting `spec_limit`.
    pub fn rate_limit_for(&self, action: &str, spec_limit: Option<u32>) -> Option<u32> {
        self.action_rate_limits.get(action).copied().unwrap_or(self.rate_limit).per_second(spec_limit)
    }
}

/// Builds a [`Config`]; every setting has a default (see [`Config::builder`]).
#[derive(Debug, Default)]
#[must_use]
pub struct ConfigBuilder {
    credentials: Option<Arc<dyn ProvideCredentials>>,
    endpoint: Option<String>,
    site: Site,
    region: Option<(String, String)>,
    language: Language,
    connect_timeout: Option<Duration>,
    request_timeout: Option<Duration>,
    retry_policy: RetryPolicy,
    strict_decoding: bool,
    rate_limit: RateLimit,
    action_rate_limits: HashMap<String, RateLimit>,
    transport: Option<Arc<dyn HttpTransport>>,
    max_response_size: Option<usize>,
}

impl ConfigBuilder {
    /// A builder with the region from `TENCENTCLOUD_REGION` when set (checked by [`Self::build`]).
    pub fn from_env() -> Self {
        ConfigBuilder::from_environment(&Environment::process())
    }

    /// A builder whose default credentials chain and region read `environment` (tests).
    pub fn from_environment(environment: &Environment) -> Self {
        let mut builder = ConfigBuilder {
            credentials: Some(Arc::new(CredentialsChain::default_chain_in(environment))),
            ..ConfigBuilder::default()
        };
        match environment.get(ENV_REGION) {
            None => {}
            Some(Ok(region)) => builder.region = Some((region, format!("environment variable {ENV_REGION}"))),
            // Kept as a value that fails validation, so `build` reports it.
            Some(Err(_)) => builder.region = Some((String::new(), format!("environment variable {ENV_REGION}"))),
        }
        builder
    }

    /// Where credentials come from: fixed [`Credentials`](super::Credentials), or any provider.
    pub fn credentials(mut self, provider: impl ProvideCredentials + 'static) -> Self {
        self.credentials = Some(Arc::new(provider));
        self
    }

    /// Where credentials come from, as a shared provider.
    pub fn credentials_provider(mut self, provider: Arc<dyn ProvideCredentials>) -> Self {
        self.credentials = Some(provider);
        self
    }

    /// Sends every call to this URL instead of the service's default host: `https://host[:port]`,
    /// or `http://host:port` for tests and proxies.
    pub fn endpoint(mut self, url: impl Into<String>) -> Self {
        self.endpoint = Some(url.into());
        self
    }

    /// The site whose endpoints are used when no endpoint is given.
    pub fn site(mut self, site: Site) -> Self {
        self.site = site;
        self
    }

    /// The region sent as `X-TC-Region` (`ap-guangzhou`).
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some((region.into(), "the builder".into()));
        self
    }

    /// The language of the API's messages.
    pub fn language(mut self, language: Language) -> Self {
        self.language = language;
        self
    }

    /// The connect timeout of the default transport.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// The timeout of one exchange, sending to last body byte.
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = Some(timeout);
        self
    }

    /// The retry policy.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry_policy = policy;
        self
    }

    /// Refuse responses that differ from the spec, instead of correcting what can be corrected
    /// without loss (see [`wire`](crate::wire)): every correction becomes an
    /// [`Error::Decode`](crate::Error::Decode) naming the member. Off by default; the project's
    /// own tests of the specs' examples run strict.
    pub fn strict_decoding(mut self, strict: bool) -> Self {
        self.strict_decoding = strict;
        self
    }

    /// The rate limit of every action without its own override.
    pub fn rate_limit(mut self, limit: RateLimit) -> Self {
        self.rate_limit = limit;
        self
    }

    /// The rate limit of one action (`CertificateOrderSubmit`), overriding [`Self::rate_limit`].
    pub fn action_rate_limit(mut self, action: impl Into<String>, limit: RateLimit) -> Self {
        self.action_rate_limits.insert(action.into(), limit);
        self
    }

    /// A transport to use instead of the default `reqwest` one (your own HTTP client, a fake).
    pub fn transport(mut self, transport: Arc<dyn HttpTransport>) -> Self {
        self.transport = Some(transport);
        self
    }

    /// The cap on a response body, in bytes.
    pub fn max_response_size(mut self, bytes: usize) -> Self {
        self.max_response_size = Some(bytes);
        self
    }

    /// Checks the settings and creates the transport.
    pub fn build(self) -> Result<Config, ConfigError> {
        let endpoint = self.endpoint.as_deref().map(Endpoint::parse).transpose()?;
        let region = match self.region {
            Some((region, origin)) => Some(check_region(region, origin)?),
            None => None,
        };
        let connect_timeout = positive(self.connect_timeout, DEFAULT_CONNECT_TIMEOUT, "connect_timeout")?;
        let request_timeout = positive(self.request_timeout, DEFAULT_REQUEST_TIMEOUT, "request_timeout")?;
        let max_response_size = self.max_response_size.unwrap_or(DEFAULT_MAX_RESPONSE_SIZE);
        if max_response_size == 0 {
            return Err(ConfigError::InvalidSetting {
                setting: "max_response_size",
                reason: "must be at least 1 byte",
            });
        }
        let zero_rate = |limit: &RateLimit| *limit == RateLimit::PerSecond(0);
        if zero_rate(&self.rate_limit) || self.action_rate_limits.values().any(zero_rate) {
            return Err(ConfigError::InvalidSetting {
                setting: "rate_limit",
                reason: "PerSecond(0) would block every call; use RateLimit::Disabled to turn the limit off",
            });
        }
        let transport = match self.transport {
            Some(transport) => transport,
            None => Arc::new(
                ReqwestTransport::new(connect_timeout, request_timeout)
                    .map_err(|error| ConfigError::Transport { message: error.to_string() })?,
            ),
        };
        Ok(Config {
            credentials: self.credentials.unwrap_or_else(|| Arc::new(CredentialsChain::default_chain())),
            endpoint,
            site: self.site,
            region,
            language: self.language,
            connect_timeout,
            request_timeout,
            retry_policy: self.retry_policy,
            strict_decoding: self.strict_decoding,
            rate_limit: self.rate_limit,
            action_rate_limits: self.action_rate_limits,
            transport,
            max_response_size,
        })
    }
}

fn positive(value: Option<Duration>, default: Duration, setting: &'static str) -> Result<Duration, ConfigError> {
    match value {
        Some(duration) if duration.is_zero() => {
            Err(ConfigError::InvalidSetting { setting, reason: "must be longer than zero" })
        }
        Some(duration) => Ok(duration),
        None => Ok(default),
    }
}

fn check_region(region: String, origin: String) -> Result<String, ConfigError> {
    let reason = if region.is_empty() {
        "it is empty"
    } else if region.trim() != region {
        "it has leading or trailing whitespace"
    } else if !region.bytes().all(|byte| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_') {
        "only letters, digits, `-` and `_` are allowed"
    } else {
        return Ok(region);
    };
    Err(ConfigError::InvalidRegion { origin, reason })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_accept_https_hosts_and_http_test_servers() {
        let parse = |text| Endpoint::parse(text).map(|endpoint| (endpoint.to_string(), endpoint.host().to_owned()));
        assert_eq!(
            parse("https://ssl.tencentcloudapi.com"),
            Ok(("https://ssl.tencentcloudapi.com/".into(), "ssl.tencentcloudapi.com".into()))
        );
        assert_eq!(parse("http://127.0.0.1:8080/"), Ok(("http://127.0.0.1:8080/".into(), "127.0.0.1:8080".into())));
        for bad in
            ["ssl.tencentcloudapi.com", "ftp://x", "https://x/path", "https://x/?q=1", "https://u:p@x", "https://"]
        {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_site_chooses_the_default_endpoint_and_an_override_wins() {
        static SERVICE: ServiceInfo = ServiceInfo {
            name: "ssl",
            version: "2019-12-05",
            endpoint: "ssl.intl.tencentcloudapi.com",
            mainland_endpoint: "ssl.tencentcloudapi.com",
            error_facts: |_| None,
        };
        let url = |builder: ConfigBuilder| {
            builder.build().and_then(|config| config.endpoint_for(&SERVICE)).map(|e| e.to_string())
        };
        assert_eq!(url(Config::builder()), Ok("https://ssl.intl.tencentcloudapi.com/".into()));
        assert_eq!(url(Config::builder().site(Site::Mainland)), Ok("https://ssl.tencentcloudapi.com/".into()));
        assert_eq!(
            url(Config::builder().site(Site::Mainland).endpoint("https://proxy.example:8443")),
            Ok("https://proxy.example:8443/".into())
        );
    }

    static SERVICE_FOR_TEST: ServiceInfo = ServiceInfo {
        name: "ssl",
        version: "2019-12-05",
        endpoint: "ssl.intl.tencentcloudapi.com",
        mainland_endpoint: "ssl.tencentcloudapi.com",
        error_facts: |_| None,
    };

    #[test]
    fn a_default_endpoint_is_the_static_host_with_its_host_header() {
        let endpoint = Endpoint::for_service(&SERVICE_FOR_TEST, Site::International);
        let endpoint = endpoint.as_ref().map(|e| (e.to_string(), e.host().to_owned(), e.host_header().clone()));
        assert_eq!(
            endpoint,
            Ok((
                "https://ssl.intl.tencentcloudapi.com/".into(),
                "ssl.intl.tencentcloudapi.com".into(),
                HeaderValue::from_static("ssl.intl.tencentcloudapi.com")
            ))
        );
    }

    #[test]
    fn a_service_whose_host_is_not_a_host_name_is_an_error_not_a_panic() {
        for host in ["", "a b", "https://x", "x/y", "user@x", "x\n"] {
            let service =
                ServiceInfo { name: "x", version: "1", endpoint: host, mainland_endpoint: host, error_facts: |_| None };
            for site in [Site::International, Site::Mainland] {
                assert!(
                    matches!(Endpoint::for_service(&service, site), Err(ConfigError::InvalidEndpoint { .. })),
                    "{host:?}"
                );
            }
        }
    }

    #[test]
    fn region_from_environment_is_checked() {
        let environment = Environment::from_map([("TENCENTCLOUD_REGION", " ap-guangzhou")]);
        let error = ConfigBuilder::from_environment(&environment).build().err().map(|e| e.to_string());
        assert_eq!(
            error.as_deref(),
            Some("invalid region from environment variable TENCENTCLOUD_REGION: it has leading or trailing whitespace")
        );
        let environment = Environment::from_map([("TENCENTCLOUD_REGION", "ap-guangzhou")]);
        let config = ConfigBuilder::from_environment(&environment).build();
        assert_eq!(config.ok().as_ref().and_then(Config::region), Some("ap-guangzhou"));
    }

    #[test]
    fn rate_limit_overrides_per_action() {
        let config = Config::builder()
            .rate_limit(RateLimit::Disabled)
            .action_rate_limit("CertificateOrderSubmit", RateLimit::PerSecond(3))
            .build();
        let Ok(config) = config else { panic!("config rejected") };
        assert_eq!(config.rate_limit_for("CertificateOrderSubmit", Some(10)), Some(3));
        assert_eq!(config.rate_limit_for("Other", Some(10)), None);
        assert!(Config::builder().rate_limit(RateLimit::PerSecond(0)).build().is_err());
    }
}
