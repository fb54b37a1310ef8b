//! Credentials and where they come from: given in code, the environment, the profile file the
//! official tools use, or a chain of those. Secret keys and tokens are [`SecretString`]s: no
//! `Debug`, `Display`, log line or error ever shows them.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use secrecy::{ExposeSecret, SecretString};

use super::sign::SigningKeys;

/// The environment variable holding the secret id.
pub const ENV_SECRET_ID: &str = "TENCENTCLOUD_SECRET_ID";
/// The environment variable holding the secret key.
pub const ENV_SECRET_KEY: &str = "TENCENTCLOUD_SECRET_KEY";
/// The environment variable holding the token of a temporary credential.
pub const ENV_TOKEN: &str = "TENCENTCLOUD_TOKEN";
/// The environment variable holding the region.
pub const ENV_REGION: &str = "TENCENTCLOUD_REGION";

/// A secret id, a secret key and, for a temporary credential, a token.
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
    /// Derived from `secret_key`, so they live and die with it.
    signing_keys: SigningKeys,
    /// The outcome of checking them as static credentials: the values never change, so they are
    /// checked on the first request rather than on every one.
    static_check: OnceLock<Result<(), CredentialsError>>,
}

impl Credentials {
    /// Long-term credentials. Values are checked when a request is signed (see [`Credentials::validate`]).
    pub fn new(secret_id: impl Into<String>, secret_key: impl Into<String>) -> Self {
        Credentials::from_values(secret_id.into(), SecretString::from(secret_key.into()), None)
    }

    fn from_values(secret_id: String, secret_key: SecretString, token: Option<SecretString>) -> Self {
        Credentials {
            values: Arc::new(CredentialValues {
                secret_id,
                secret_key,
                token,
                signing_keys: SigningKeys::default(),
                static_check: OnceLock::new(),
            }),
        }
    }

    /// The same credentials with the token of a temporary credential (sent as `X-TC-Token`).
    pub fn with_token(self, token: impl Into<String>) -> Self {
        let values = &self.values;
        Credentials::from_values(
            values.secret_id.clone(),
            values.secret_key.clone(),
            Some(SecretString::from(token.into())),
        )
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
            .finish()
    }
}

/// Why no usable credentials were found. Names the variable, file and key; never a value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CredentialsError {
    /// The source holds no credentials (variables unset, file absent); a chain tries the next one.
    #[error("{source_name}: {detail}")]
    NotConfigured {
        /// The source (`environment`, a file path).
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
        path: PathBuf,
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
}

fn join_errors(errors: &[CredentialsError]) -> String {
    errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
}

/// What is wrong with a credential value.
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
}

fn check_value(value: &str, origin: impl FnOnce() -> String) -> Result<(), CredentialsError> {
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

/// Gives credentials for each call, so rotated temporary credentials are picked up.
///
/// Called once per attempt, from async code: implementations should answer quickly (cache what
/// is expensive to fetch). Returning clones of the same [`Credentials`] while they stay valid
/// also keeps the signing keys derived from them; new ones derive their keys again.
pub trait ProvideCredentials: Send + Sync + fmt::Debug {
    /// The credentials to sign the next request with.
    fn credentials(&self) -> Result<Credentials, CredentialsError>;
}

impl ProvideCredentials for Credentials {
    fn credentials(&self) -> Result<Credentials, CredentialsError> {
        self.values.static_check.get_or_init(|| self.validate("static credentials")).clone()?;
        Ok(self.clone())
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
}

impl fmt::Debug for Environment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The values may be secrets.
        f.write_str("Environment { .. }")
    }
}

/// Credentials from `TENCENTCLOUD_SECRET_ID`, `TENCENTCLOUD_SECRET_KEY` and, optionally,
/// `TENCENTCLOUD_TOKEN`, read on every call.
#[derive(Debug, Clone)]
pub struct EnvCredentials {
    environment: Environment,
}

impl EnvCredentials {
    /// Reads the process environment.
    pub fn new() -> Self {
        Self::with_environment(Environment::process())
    }

    /// Reads the given environment (tests).
    pub fn with_environment(environment: Environment) -> Self {
        EnvCredentials { environment }
    }
}

impl Default for EnvCredentials {
    fn default() -> Self {
        Self::new()
    }
}

impl ProvideCredentials for EnvCredentials {
    fn credentials(&self) -> Result<Credentials, CredentialsError> {
        let secret_id = self.environment.get_checked(ENV_SECRET_ID)?;
        let secret_key = self.environment.get_checked(ENV_SECRET_KEY)?;
        let token = self.environment.get_checked(ENV_TOKEN)?;
        let missing = |name: &str| CredentialsError::InvalidValue {
            origin: format!("environment variable {name}"),
            problem: InvalidValueProblem::Missing,
        };
        match (secret_id, secret_key) {
            (Some(id), Some(key)) => {
                let credentials = Credentials::new(id, key);
                Ok(match token {
                    Some(token) => credentials.with_token(token),
                    None => credentials,
                })
            }
            (Some(_), None) => Err(missing(ENV_SECRET_KEY)),
            (None, Some(_)) => Err(missing(ENV_SECRET_ID)),
            (None, None) => Err(CredentialsError::NotConfigured {
                source_name: "environment".into(),
                detail: format!("{ENV_SECRET_ID} and {ENV_SECRET_KEY} are not set"),
            }),
        }
    }
}

/// Credentials from the `[default]` section (`secret_id`, `secret_key`, optional `token`) of the
/// first file that exists among `~/.tencentcloud/credentials` and `/etc/tencentcloud/credentials`,
/// read on every call.
#[derive(Debug, Clone)]
pub struct ProfileCredentials {
    paths: Vec<PathBuf>,
}

impl ProfileCredentials {
    /// The standard paths, with `~` taken from `HOME` (`USERPROFILE` on Windows) in the process environment.
    pub fn new() -> Self {
        Self::from_home_in(&Environment::process())
    }

    /// The standard paths, with the home directory read from `environment`.
    pub fn from_home_in(environment: &Environment) -> Self {
        let home = environment
            .get("HOME")
            .or_else(|| environment.get("USERPROFILE"))
            .and_then(Result::ok)
            .filter(|home| !home.is_empty());
        let mut paths = Vec::new();
        if let Some(home) = home {
            paths.push(Path::new(&home).join(".tencentcloud").join("credentials"));
        }
        paths.push(PathBuf::from("/etc/tencentcloud/credentials"));
        ProfileCredentials { paths }
    }

    /// These files, tried in order (tests, unusual setups).
    pub fn from_paths(paths: impl IntoIterator<Item = PathBuf>) -> Self {
        ProfileCredentials { paths: paths.into_iter().collect() }
    }

    /// The files tried, in order.
    pub fn paths(&self) -> &[PathBuf] {
        &self.paths
    }
}

impl Default for ProfileCredentials {
    fn default() -> Self {
        Self::new()
    }
}

impl ProvideCredentials for ProfileCredentials {
    fn credentials(&self) -> Result<Credentials, CredentialsError> {
        for path in &self.paths {
            let text = match std::fs::read_to_string(path) {
                Ok(text) => text,
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => continue,
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
}

const PROFILE_SECTION: &str = "default";

fn parse_profile(path: &Path, text: &str) -> Result<Credentials, CredentialsError> {
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
    let value = |key: &str, required: bool| -> Result<Option<String>, CredentialsError> {
        let origin = || format!("{} [{PROFILE_SECTION}] {key}", path.display());
        match section.get(key) {
            None if required => {
                Err(CredentialsError::InvalidValue { origin: origin(), problem: InvalidValueProblem::Missing })
            }
            None => Ok(None),
            Some(value) => {
                check_value(value, origin)?;
                Ok(Some(value.to_owned()))
            }
        }
    };
    let secret_id = value("secret_id", true)?.unwrap_or_default();
    let secret_key = value("secret_key", true)?.unwrap_or_default();
    let credentials = Credentials::new(secret_id, secret_key);
    Ok(match value("token", false)? {
        Some(token) => credentials.with_token(token),
        None => credentials,
    })
}

/// Tries providers in order: the first that holds credentials wins; a source with no credentials
/// is skipped; a source with invalid values stops the chain (a misconfiguration to fix, not to
/// hide); when none holds any, the error lists what each said.
///
/// The first credentials found are kept for the life of the chain (and of the clients sharing
/// it), so the environment and the profile file are read once rather than on every request, and
/// no file is read on the async path after that. Failures are not kept: the next call tries
/// again. Build a new client to pick up changed credentials.
#[derive(Debug, Clone)]
pub struct CredentialsChain {
    providers: Vec<Arc<dyn ProvideCredentials>>,
    resolved: Arc<std::sync::OnceLock<Credentials>>,
}

impl CredentialsChain {
    /// The default chain: the process environment, then the profile files.
    pub fn default_chain() -> Self {
        Self::default_chain_in(&Environment::process())
    }

    /// The default chain over the given environment (tests).
    pub fn default_chain_in(environment: &Environment) -> Self {
        CredentialsChain::new(vec![
            Arc::new(EnvCredentials::with_environment(environment.clone())),
            Arc::new(ProfileCredentials::from_home_in(environment)),
        ])
    }

    /// A chain of these providers.
    pub fn new(providers: Vec<Arc<dyn ProvideCredentials>>) -> Self {
        CredentialsChain { providers, resolved: Arc::default() }
    }
}

impl ProvideCredentials for CredentialsChain {
    fn credentials(&self) -> Result<Credentials, CredentialsError> {
        if let Some(resolved) = self.resolved.get() {
            return Ok(resolved.clone());
        }
        let mut tried = Vec::new();
        for provider in &self.providers {
            match provider.credentials() {
                Err(error @ CredentialsError::NotConfigured { .. }) => tried.push(error),
                Ok(found) => return Ok(self.resolved.get_or_init(|| found).clone()),
                Err(error) => return Err(error),
            }
        }
        Err(CredentialsError::NoneFound { tried })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_secret_key_and_token() {
        let credentials = Credentials::new("AKIDexample", "very-secret-key").with_token("very-secret-token");
        let debug = format!("{credentials:?}");
        assert!(debug.contains("AKIDexample"));
        assert!(!debug.contains("very-secret"), "{debug}");
    }

    /// A source that counts how often it is asked, and has credentials only from the second ask.
    #[derive(Debug, Default)]
    struct CountingSource {
        asked: std::sync::atomic::AtomicUsize,
    }

    impl ProvideCredentials for CountingSource {
        fn credentials(&self) -> Result<Credentials, CredentialsError> {
            match self.asked.fetch_add(1, std::sync::atomic::Ordering::SeqCst) {
                0 => Err(CredentialsError::NotConfigured {
                    source_name: "counting source".into(),
                    detail: "nothing yet".into(),
                }),
                _ => Ok(Credentials::new("AKIDcounted", "counted-key")),
            }
        }
    }

    #[test]
    fn the_chain_keeps_the_first_credentials_found_but_not_failures() {
        let source = Arc::new(CountingSource::default());
        let chain = CredentialsChain::new(vec![source.clone()]);
        assert!(matches!(chain.credentials(), Err(CredentialsError::NoneFound { .. })));
        for _ in 0..3 {
            let found = chain.clone().credentials().map(|found| found.secret_id().to_owned());
            assert_eq!(found.as_deref(), Ok("AKIDcounted"));
        }
        // Asked once for the failure and once for the success; clones shared what was found.
        assert_eq!(source.asked.load(std::sync::atomic::Ordering::SeqCst), 2);
    }

    #[test]
    fn static_credentials_reject_bad_values_without_showing_them() {
        let error = Credentials::new("AKID", " padded-secret").credentials().err();
        let Some(error) = error else { panic!("accepted a padded key") };
        assert_eq!(error.to_string(), "static credentials: secret key has leading or trailing whitespace");
        let error = Credentials::new("", "key").credentials().err().map(|e| e.to_string());
        assert_eq!(error.as_deref(), Some("static credentials: secret id is empty"));
        // Checked once, refused every time; a value with a control character is refused too.
        let bad = Credentials::new("AKID", "key").with_token("tok\nen");
        for _ in 0..2 {
            let error = bad.credentials().err().map(|e| e.to_string());
            assert_eq!(
                error.as_deref(),
                Some("static credentials: token contains characters not allowed in an HTTP header")
            );
        }
        assert!(Credentials::new("AKID", "key\twith tab").credentials().is_ok());
    }
}
