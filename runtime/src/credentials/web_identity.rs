//! Credentials of a CAM role assumed with a web identity (an OIDC token), through STS
//! `AssumeRoleWithWebIdentity`: how a TKE pod gets its role. The request is unsigned
//! (`Authorization: SKIP`); the token file is read again for each exchange, so a rotated token is
//! picked up, and the token is never kept.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};

use super::cache::{CachedCredentials, Clock};
use super::sts::{
    DEFAULT_DURATION, Sts, StsSettings, check_session_name, default_session_name, duration_seconds,
    sts_settings_setters,
};
use super::{
    CredentialsError, CredentialsFuture, CredentialsResult, Environment, InvalidValueProblem, ProvideCredentials,
    check_value,
};
use crate::error::one_line;
use crate::transport::HttpTransport;

/// The TKE variable holding the region STS requests carry.
pub const ENV_TKE_REGION: &str = "TKE_REGION";
/// The TKE variable holding the OIDC identity provider's id (`ProviderId`).
pub const ENV_TKE_PROVIDER_ID: &str = "TKE_PROVIDER_ID";
/// The TKE variable holding the path of the web identity token file.
pub const ENV_TKE_WEB_IDENTITY_TOKEN_FILE: &str = "TKE_WEB_IDENTITY_TOKEN_FILE";
/// The TKE variable holding the role to assume.
pub const ENV_TKE_ROLE_ARN: &str = "TKE_ROLE_ARN";

/// The largest token file read.
const MAX_TOKEN_FILE_SIZE: u64 = 64 * 1024;

/// Credentials of a role assumed with a web identity token, kept and refreshed before they
/// expire (see [`CachedCredentials`]). Clones share them.
#[derive(Debug, Clone)]
pub struct WebIdentityCredentials {
    cache: Arc<CachedCredentials<WebIdentityFetch>>,
}

impl WebIdentityCredentials {
    /// A builder assuming `role_arn` with the token in `token_file`, issued by the identity
    /// provider `provider_id`.
    pub fn builder(
        provider_id: impl Into<String>,
        role_arn: impl Into<String>,
        token_file: impl Into<PathBuf>,
    ) -> WebIdentityCredentialsBuilder {
        WebIdentityCredentialsBuilder {
            provider_id: provider_id.into(),
            role_arn: role_arn.into(),
            token_file: token_file.into(),
            session_name: None,
            duration: DEFAULT_DURATION,
            kind: "web identity",
            sts: StsSettings::default(),
        }
    }

    /// TKE OIDC from the process environment: `TKE_REGION`, `TKE_PROVIDER_ID`,
    /// `TKE_WEB_IDENTITY_TOKEN_FILE` and `TKE_ROLE_ARN` (see [`Self::from_tke_environment`]).
    pub fn from_tke_env() -> Result<Self, CredentialsError> {
        Self::from_tke_environment(&Environment::process())
    }

    /// TKE OIDC from `environment`: [`CredentialsError::NotConfigured`] when none of
    /// `TKE_PROVIDER_ID`, `TKE_WEB_IDENTITY_TOKEN_FILE` and `TKE_ROLE_ARN` is set, an error
    /// naming the missing variable when only some of them (or not `TKE_REGION`) are.
    /// `TENCENTCLOUD_STS_ENDPOINT` is read from `environment` too.
    pub fn from_tke_environment(environment: &Environment) -> Result<Self, CredentialsError> {
        Self::tke_builder(environment)?.build()
    }

    /// The builder [`Self::from_tke_environment`] builds, to change more settings.
    pub fn tke_builder(environment: &Environment) -> Result<WebIdentityCredentialsBuilder, CredentialsError> {
        let provider_id = environment.get_nonempty(ENV_TKE_PROVIDER_ID)?;
        let token_file = environment.get_nonempty(ENV_TKE_WEB_IDENTITY_TOKEN_FILE)?;
        let role_arn = environment.get_nonempty(ENV_TKE_ROLE_ARN)?;
        let region = environment.get_nonempty(ENV_TKE_REGION)?;
        let missing = |name: &str| CredentialsError::InvalidValue {
            origin: format!("environment variable {name}"),
            problem: InvalidValueProblem::Missing,
        };
        let (provider_id, token_file, role_arn) = match (provider_id, token_file, role_arn) {
            (None, None, None) => {
                return Err(CredentialsError::NotConfigured {
                    source_name: "TKE OIDC".into(),
                    detail: format!(
                        "{ENV_TKE_PROVIDER_ID}, {ENV_TKE_WEB_IDENTITY_TOKEN_FILE} and {ENV_TKE_ROLE_ARN} are not set"
                    ),
                });
            }
            (Some(provider_id), Some(token_file), Some(role_arn)) => (provider_id, token_file, role_arn),
            (None, ..) => return Err(missing(ENV_TKE_PROVIDER_ID)),
            (_, None, _) => return Err(missing(ENV_TKE_WEB_IDENTITY_TOKEN_FILE)),
            (.., None) => return Err(missing(ENV_TKE_ROLE_ARN)),
        };
        let region = region.ok_or_else(|| missing(ENV_TKE_REGION))?;
        let mut builder = Self::builder(provider_id, role_arn, token_file).region(region).environment(environment);
        builder.kind = "TKE OIDC";
        Ok(builder)
    }

    /// The role assumed.
    pub fn role_arn(&self) -> &str {
        &self.cache.provider().role_arn
    }
}

impl ProvideCredentials for WebIdentityCredentials {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        self.cache.provide_credentials()
    }
}

/// Configures a [`WebIdentityCredentials`].
#[derive(Debug)]
#[must_use]
pub struct WebIdentityCredentialsBuilder {
    provider_id: String,
    role_arn: String,
    token_file: PathBuf,
    session_name: Option<String>,
    duration: Duration,
    /// How errors name the provider: `web identity`, or `TKE OIDC`.
    kind: &'static str,
    sts: StsSettings,
}

impl WebIdentityCredentialsBuilder {
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

    sts_settings_setters!();

    /// Checks the settings. Nothing is read or sent until credentials are asked for.
    pub fn build(self) -> Result<WebIdentityCredentials, CredentialsError> {
        let kind = self.kind;
        check_value(&self.provider_id, || format!("the {kind} provider id"))?;
        check_value(&self.role_arn, || format!("the {kind} role ARN"))?;
        if self.token_file.as_os_str().is_empty() {
            return Err(CredentialsError::InvalidValue {
                origin: format!("the {kind} token file"),
                problem: InvalidValueProblem::Empty,
            });
        }
        let session_name = self.session_name.unwrap_or_else(default_session_name);
        check_session_name(&session_name, || format!("the {kind} session name"))?;
        let duration_seconds = duration_seconds(self.duration, || format!("the {kind} duration (1 s to 12 h)"))?;
        let name = format!("{kind} (AssumeRoleWithWebIdentity of {})", one_line(&self.role_arn, 200));
        let fetch = WebIdentityFetch {
            sts: self.sts.client("AssumeRoleWithWebIdentity", &format!("the {kind} provider"))?,
            name: name.clone(),
            provider_id: self.provider_id,
            role_arn: self.role_arn,
            token_file: self.token_file,
            session_name,
            duration_seconds,
        };
        Ok(WebIdentityCredentials { cache: Arc::new(self.sts.cache(name, fetch)) })
    }
}

/// Exchanges the token once; [`WebIdentityCredentials`] keeps what it gets.
struct WebIdentityFetch {
    name: String,
    sts: Sts,
    provider_id: String,
    role_arn: String,
    token_file: PathBuf,
    session_name: String,
    duration_seconds: u64,
}

impl fmt::Debug for WebIdentityFetch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The token is never kept, so never shown: only where it is read from.
        f.debug_struct("AssumeRoleWithWebIdentity")
            .field("provider_id", &self.provider_id)
            .field("role_arn", &self.role_arn)
            .field("token_file", &self.token_file)
            .field("session_name", &self.session_name)
            .field("duration_seconds", &self.duration_seconds)
            .field("sts", &self.sts)
            .finish()
    }
}

impl WebIdentityFetch {
    fn fetch_error(&self, reason: String) -> CredentialsError {
        CredentialsError::Fetch { provider: self.name.clone(), reason }
    }

    /// The token, read now: the file is rotated under a running process. Small and local (a
    /// projected volume), so read in place.
    fn read_token(&self) -> Result<SecretString, CredentialsError> {
        let path: &Path = &self.token_file;
        let shown = path.display();
        let cannot = |error: std::io::Error| self.fetch_error(format!("cannot read the token file {shown}: {error}"));
        let size = std::fs::metadata(path).map_err(cannot)?.len();
        if size > MAX_TOKEN_FILE_SIZE {
            return Err(self.fetch_error(format!("the token file {shown} is larger than {MAX_TOKEN_FILE_SIZE} bytes")));
        }
        let bytes = std::fs::read(path).map_err(cannot)?;
        let Ok(text) = String::from_utf8(bytes) else {
            return Err(CredentialsError::InvalidValue {
                origin: format!("the token file {shown}"),
                problem: InvalidValueProblem::NotUnicode,
            });
        };
        let token = text.trim();
        if token.is_empty() {
            return Err(CredentialsError::InvalidValue {
                origin: format!("the token file {shown}"),
                problem: InvalidValueProblem::Empty,
            });
        }
        Ok(SecretString::from(token.to_owned()))
    }

    async fn fetch(&self) -> CredentialsResult {
        let token = self.read_token()?;
        let body = serde_json::json!({
            "ProviderId": self.provider_id,
            "WebIdentityToken": token.expose_secret(),
            "RoleArn": self.role_arn,
            "RoleSessionName": self.session_name,
            "DurationSeconds": self.duration_seconds,
        })
        .to_string()
        .into_bytes();
        self.sts.exchange(&self.name, body, None, &[token.expose_secret()]).await
    }
}

impl ProvideCredentials for WebIdentityFetch {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        CredentialsFuture::pending(self.fetch())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tke(variables: &[(&str, &str)]) -> Result<String, String> {
        WebIdentityCredentials::from_tke_environment(&Environment::from_map(variables.iter().copied()))
            .map(|provider| provider.role_arn().to_owned())
            .map_err(|error| error.to_string())
    }

    #[test]
    fn tke_variables_all_unset_is_not_configured_and_some_unset_is_named() {
        assert_eq!(
            tke(&[("TKE_REGION", "ap-guangzhou")]),
            Err("TKE OIDC: TKE_PROVIDER_ID, TKE_WEB_IDENTITY_TOKEN_FILE and TKE_ROLE_ARN are not set".into())
        );
        let all = [
            ("TKE_REGION", "ap-guangzhou"),
            ("TKE_PROVIDER_ID", "oidc-provider"),
            ("TKE_WEB_IDENTITY_TOKEN_FILE", "/var/run/token"),
            ("TKE_ROLE_ARN", "qcs::cam::uin/1:roleName/pod"),
        ];
        assert_eq!(tke(&all), Ok("qcs::cam::uin/1:roleName/pod".into()));
        for skipped in 0..all.len() {
            let some: Vec<_> = all.iter().enumerate().filter(|(i, _)| *i != skipped).map(|(_, v)| *v).collect();
            assert_eq!(tke(&some), Err(format!("environment variable {} is missing", all[skipped].0)));
        }
        let mut padded = all;
        padded[3] = ("TKE_ROLE_ARN", " qcs::cam::uin/1:roleName/pod");
        assert_eq!(tke(&padded), Err("environment variable TKE_ROLE_ARN has leading or trailing whitespace".into()));
    }
}
