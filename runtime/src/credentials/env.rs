//! Credentials from the environment: `TENCENTCLOUD_SECRET_ID`, `TENCENTCLOUD_SECRET_KEY` and,
//! optionally, `TENCENTCLOUD_TOKEN`.

use super::{
    Credentials, CredentialsError, CredentialsFuture, ENV_SECRET_ID, ENV_SECRET_KEY, ENV_TOKEN, Environment,
    InvalidValueProblem, ProvideCredentials,
};

/// Credentials from `TENCENTCLOUD_SECRET_ID`, `TENCENTCLOUD_SECRET_KEY` and, optionally,
/// `TENCENTCLOUD_TOKEN`, read on every call (a [`CredentialsChain`](super::CredentialsChain)
/// keeps what it found instead).
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

    fn read(&self) -> Result<Credentials, CredentialsError> {
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

impl Default for EnvCredentials {
    fn default() -> Self {
        Self::new()
    }
}

impl ProvideCredentials for EnvCredentials {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        CredentialsFuture::ready(self.read())
    }
}
