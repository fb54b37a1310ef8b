//! Trying credential sources in order, and the default chain of the official SDKs.

use std::sync::{Arc, OnceLock};

use super::cvm::CvmRoleCredentials;
use super::env::EnvCredentials;
use super::profile::ProfileCredentials;
use super::web_identity::WebIdentityCredentials;
use super::{
    Credentials, CredentialsError, CredentialsFuture, CredentialsResult, Environment, ProvideCredentials, Unavailable,
};

/// Tries providers in order: the first that holds credentials wins; a source with no credentials
/// is skipped; a source with invalid values or that fails stops the chain (a misconfiguration to
/// fix, not to hide); when none holds any, the error lists what each said.
///
/// What the chain found is kept for the life of the chain (and of the clients sharing it):
/// credentials that never expire (from the environment or a profile's keys) are kept themselves,
/// so the environment and the file are read once rather than on every request; for temporary
/// ones, the source that gave them is asked from then on, and it keeps and refreshes them. Failures
/// are not kept: the next call tries again. Build a new client to pick up changed keys.
#[derive(Debug, Clone)]
pub struct CredentialsChain {
    providers: Vec<Arc<dyn ProvideCredentials>>,
    found: Arc<OnceLock<Found>>,
}

#[derive(Debug)]
enum Found {
    /// Credentials that never expire.
    Kept(Credentials),
    /// The index of the provider of temporary credentials.
    Provider(usize),
}

impl CredentialsChain {
    /// The default chain over the process environment (see [`Self::default_chain_in`]).
    pub fn default_chain() -> Self {
        Self::default_chain_in(&Environment::process())
    }

    /// The default chain of the official SDKs over `environment`: the environment's keys
    /// ([`EnvCredentials`]), the profile file ([`ProfileCredentials`]), TKE OIDC when its
    /// variables are set ([`WebIdentityCredentials::from_tke_environment`]), then the CVM
    /// instance's role ([`CvmRoleCredentials`], `TENCENTCLOUD_METADATA_ENDPOINT` read from
    /// `environment`).
    pub fn default_chain_in(environment: &Environment) -> Self {
        let tke: Arc<dyn ProvideCredentials> = match WebIdentityCredentials::from_tke_environment(environment) {
            Ok(provider) => Arc::new(provider),
            Err(error) => Arc::new(Unavailable(error)),
        };
        let cvm: Arc<dyn ProvideCredentials> = match CvmRoleCredentials::builder().environment(environment).build() {
            Ok(provider) => Arc::new(provider),
            Err(error) => Arc::new(Unavailable(error)),
        };
        CredentialsChain::new(vec![
            Arc::new(EnvCredentials::with_environment(environment.clone())),
            Arc::new(ProfileCredentials::from_home_in(environment)),
            tke,
            cvm,
        ])
    }

    /// A chain of these providers.
    pub fn new(providers: Vec<Arc<dyn ProvideCredentials>>) -> Self {
        CredentialsChain { providers, found: Arc::default() }
    }

    /// The providers, in the order they are tried.
    pub fn providers(&self) -> &[Arc<dyn ProvideCredentials>] {
        &self.providers
    }

    async fn resolve(&self) -> CredentialsResult {
        let mut tried = Vec::new();
        for (index, provider) in self.providers.iter().enumerate() {
            match provider.provide_credentials().await {
                Err(error @ CredentialsError::NotConfigured { .. }) => tried.push(error),
                Ok(found) => {
                    let kept = match found.expiry() {
                        None => Found::Kept(found.clone()),
                        Some(_) => Found::Provider(index),
                    };
                    tracing::debug!(source = index, temporary = found.expiry().is_some(), "credentials found");
                    // Concurrent first calls may both resolve; the first answer kept is the one used.
                    let _ = self.found.set(kept);
                    return Ok(found);
                }
                Err(error) => return Err(error),
            }
        }
        Err(CredentialsError::NoneFound { tried })
    }
}

impl ProvideCredentials for CredentialsChain {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        match self.found.get() {
            Some(Found::Kept(credentials)) => CredentialsFuture::ready(Ok(credentials.clone())),
            Some(Found::Provider(index)) => match self.providers.get(*index) {
                Some(provider) => provider.provide_credentials(),
                None => CredentialsFuture::pending(self.resolve()),
            },
            None => CredentialsFuture::pending(self.resolve()),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::{Duration, SystemTime};

    use super::*;

    /// A source that counts how often it is asked, and has credentials only from the second ask.
    #[derive(Debug, Default)]
    struct CountingSource {
        asked: AtomicUsize,
        temporary: bool,
    }

    impl ProvideCredentials for CountingSource {
        fn provide_credentials(&self) -> CredentialsFuture<'_> {
            CredentialsFuture::ready(match self.asked.fetch_add(1, Ordering::SeqCst) {
                0 => Err(CredentialsError::NotConfigured {
                    source_name: "counting source".into(),
                    detail: "nothing yet".into(),
                }),
                n if self.temporary => Ok(Credentials::new(format!("AKIDtemporary{n}"), "key")
                    .with_expiry(SystemTime::now() + Duration::from_secs(3600))),
                _ => Ok(Credentials::new("AKIDcounted", "counted-key")),
            })
        }
    }

    #[tokio::test]
    async fn the_chain_keeps_credentials_that_never_expire_but_not_failures() {
        let source = Arc::new(CountingSource::default());
        let chain = CredentialsChain::new(vec![source.clone()]);
        assert!(matches!(chain.provide_credentials().await, Err(CredentialsError::NoneFound { .. })));
        for _ in 0..3 {
            let found = chain.clone().provide_credentials().await.map(|found| found.secret_id().to_owned());
            assert_eq!(found.as_deref(), Ok("AKIDcounted"));
        }
        // Asked once for the failure and once for the success; clones shared what was found.
        assert_eq!(source.asked.load(Ordering::SeqCst), 2);
        assert!(matches!(chain.provide_credentials(), CredentialsFuture::Ready(_)));
    }

    #[tokio::test]
    async fn the_chain_asks_the_source_of_temporary_credentials_again_and_skips_the_others() {
        let skipped = Arc::new(CountingSource::default());
        let temporary = Arc::new(CountingSource { temporary: true, ..CountingSource::default() });
        // The first ask of `temporary` is a NotConfigured: skip it on the first resolve.
        let _ = temporary.provide_credentials().await;
        let chain = CredentialsChain::new(vec![
            Arc::new(Unavailable(CredentialsError::NotConfigured {
                source_name: "nothing".into(),
                detail: "here".into(),
            })),
            temporary.clone(),
            skipped.clone(),
        ]);
        for n in 1..4 {
            let found = chain.provide_credentials().await.map(|found| found.secret_id().to_owned());
            assert_eq!(found, Ok(format!("AKIDtemporary{n}")));
        }
        assert_eq!(skipped.asked.load(Ordering::SeqCst), 0);
    }
}
