//! Credentials from the profile file the official tools use: the `[default]` section's
//! `secret_id`, `secret_key` and optional `token`, or, with `role_arn` (and optionally
//! `role_session_name`), a role assumed through STS with those keys.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use super::sts::{AssumeRoleCredentials, check_session_name};
use super::{
    Credentials, CredentialsError, CredentialsFuture, Environment, InvalidValueProblem, ProvideCredentials, check_value,
};

/// The environment variable naming the credentials file to read instead of the standard ones.
pub const ENV_CREDENTIALS_FILE: &str = "TENCENTCLOUD_CREDENTIALS_FILE";

/// Credentials from the `[default]` section of the first file that exists among
/// `TENCENTCLOUD_CREDENTIALS_FILE` (when set, the only one tried), else
/// `~/.tencentcloud/credentials` and `/etc/tencentcloud/credentials`.
///
/// Keys are read on every call (a [`CredentialsChain`](super::CredentialsChain) keeps what it
/// found instead). A section with `role_arn` assumes that role with its keys
/// ([`AssumeRoleCredentials`], STS endpoint from `TENCENTCLOUD_STS_ENDPOINT` or
/// [`Self::with_sts_endpoint`]); that provider is made once and kept, with the credentials it
/// refreshes, so the file is not read again. Clones share it.
#[derive(Debug, Clone)]
pub struct ProfileCredentials {
    paths: Vec<PathBuf>,
    /// The variable that named the only path, when one did: a missing file is then an error.
    named_by: Option<&'static str>,
    sts_endpoint: Option<String>,
    environment: Environment,
    assumed: Arc<OnceLock<AssumeRoleCredentials>>,
}

impl ProfileCredentials {
    /// The standard paths, read from the process environment (see [`Self::from_home_in`]).
    pub fn new() -> Self {
        Self::from_home_in(&Environment::process())
    }

    /// The file named by `TENCENTCLOUD_CREDENTIALS_FILE` in `environment` when set; else the
    /// standard paths, with `~` taken from `HOME` (`USERPROFILE` on Windows).
    pub fn from_home_in(environment: &Environment) -> Self {
        let mut profile = Self::from_paths(Vec::new());
        profile.environment = environment.clone();
        if let Some(Ok(file)) = environment.get(ENV_CREDENTIALS_FILE)
            && !file.is_empty()
        {
            profile.paths.push(PathBuf::from(file));
            profile.named_by = Some(ENV_CREDENTIALS_FILE);
            return profile;
        }
        let home = environment
            .get("HOME")
            .or_else(|| environment.get("USERPROFILE"))
            .and_then(Result::ok)
            .filter(|home| !home.is_empty());
        if let Some(home) = home {
            profile.paths.push(Path::new(&home).join(".tencentcloud").join("credentials"));
        }
        profile.paths.push(PathBuf::from("/etc/tencentcloud/credentials"));
        profile
    }

    /// These files, tried in order (tests, unusual setups).
    pub fn from_paths(paths: impl IntoIterator<Item = PathBuf>) -> Self {
        ProfileCredentials {
            paths: paths.into_iter().collect(),
            named_by: None,
            sts_endpoint: None,
            environment: Environment::process(),
            assumed: Arc::default(),
        }
    }

    /// The STS endpoint a `role_arn` profile assumes its role through, over `TENCENTCLOUD_STS_ENDPOINT`.
    #[must_use]
    pub fn with_sts_endpoint(mut self, url: impl Into<String>) -> Self {
        self.sts_endpoint = Some(url.into());
        self
    }

    /// The files tried, in order.
    pub fn paths(&self) -> &[PathBuf] {
        &self.paths
    }

    fn read(&self) -> Result<Profile, CredentialsError> {
        for path in &self.paths {
            let text = match std::fs::read_to_string(path) {
                Ok(text) => text,
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => match self.named_by {
                    Some(variable) => {
                        return Err(CredentialsError::Unreadable {
                            path: path.clone(),
                            message: format!("it does not exist (named by {variable})"),
                        });
                    }
                    None => continue,
                },
                Err(error) => {
                    return Err(CredentialsError::Unreadable { path: path.clone(), message: error.to_string() });
                }
            };
            return parse_profile(path, &text);
        }
        let tried = self.paths.iter().map(|path| path.display().to_string()).collect::<Vec<_>>();
        Err(CredentialsError::NotConfigured {
            source_name: "profile file".into(),
            detail: if tried.is_empty() {
                "no path to try".into()
            } else {
                format!("none of {} exists", tried.join(", "))
            },
        })
    }

    fn assume(&self, role: AssumedRole) -> Result<AssumeRoleCredentials, CredentialsError> {
        let mut builder = AssumeRoleCredentials::builder(role.base, role.role_arn).environment(&self.environment);
        if let Some(name) = role.session_name {
            builder = builder.session_name(name);
        }
        if let Some(url) = &self.sts_endpoint {
            builder = builder.endpoint(url.clone());
        }
        builder.build()
    }
}

impl Default for ProfileCredentials {
    fn default() -> Self {
        Self::new()
    }
}

impl ProvideCredentials for ProfileCredentials {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        if let Some(assumed) = self.assumed.get() {
            return assumed.provide_credentials();
        }
        match self.read() {
            Err(error) => CredentialsFuture::ready(Err(error)),
            Ok(Profile::Keys(credentials)) => CredentialsFuture::ready(Ok(credentials)),
            Ok(Profile::Role(role)) => match self.assume(role) {
                Err(error) => CredentialsFuture::ready(Err(error)),
                Ok(assumed) => {
                    // Two first calls may race here: the first provider set is the one kept.
                    let _ = self.assumed.set(assumed);
                    match self.assumed.get() {
                        Some(assumed) => assumed.provide_credentials(),
                        None => CredentialsFuture::ready(Err(CredentialsError::Provider {
                            message: "the profile's assumed role was not kept".into(),
                        })),
                    }
                }
            },
        }
    }
}

/// What a profile section holds.
enum Profile {
    Keys(Credentials),
    Role(AssumedRole),
}

struct AssumedRole {
    base: Credentials,
    role_arn: String,
    session_name: Option<String>,
}

const PROFILE_SECTION: &str = "default";

fn parse_profile(path: &Path, text: &str) -> Result<Profile, CredentialsError> {
    let ini = ini::Ini::load_from_str(text).map_err(|error| CredentialsError::Unreadable {
        path: path.to_owned(),
        // The parser's message names a line and column, not the content.
        message: error.to_string(),
    })?;
    let Some(section) = ini.section(Some(PROFILE_SECTION)) else {
        return Err(CredentialsError::Unreadable {
            path: path.to_owned(),
            message: format!("no [{PROFILE_SECTION}] section"),
        });
    };
    let origin = |key: &str| format!("{} [{PROFILE_SECTION}] {key}", path.display());
    let value = |key: &str, required: bool| -> Result<Option<String>, CredentialsError> {
        match section.get(key) {
            None if required => {
                Err(CredentialsError::InvalidValue { origin: origin(key), problem: InvalidValueProblem::Missing })
            }
            None => Ok(None),
            Some(value) => {
                check_value(value, || origin(key))?;
                Ok(Some(value.to_owned()))
            }
        }
    };
    let secret_id = value("secret_id", true)?.unwrap_or_default();
    let secret_key = value("secret_key", true)?.unwrap_or_default();
    let mut credentials = Credentials::new(secret_id, secret_key);
    if let Some(token) = value("token", false)? {
        credentials = credentials.with_token(token);
    }
    let session_name = value("role_session_name", false)?;
    if let Some(name) = &session_name {
        check_session_name(name, || origin("role_session_name"))?;
    }
    Ok(match value("role_arn", false)? {
        Some(role_arn) => Profile::Role(AssumedRole { base: credentials, role_arn, session_name }),
        None => Profile::Keys(credentials),
    })
}
