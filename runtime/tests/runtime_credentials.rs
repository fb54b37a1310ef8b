//! Credentials from the environment, profile files and the default chain, with an injected
//! environment and temporary files (never the real ones).

use std::path::PathBuf;

use secrecy::ExposeSecret;
use tcapi_runtime::credentials::{InvalidValueProblem, ProvideCredentials};
use tcapi_runtime::{CredentialsChain, CredentialsError, EnvCredentials, Environment, ProfileCredentials};

/// A fresh directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let path = std::env::temp_dir().join(format!("tcapi-test-{name}-{}-{}", std::process::id(), fastrand_suffix()));
        if let Err(error) = std::fs::create_dir_all(&path) {
            panic!("cannot create {}: {error}", path.display());
        }
        TempDir(path)
    }

    fn write(&self, relative: &str, contents: &str) -> PathBuf {
        let path = self.0.join(relative);
        if let Some(parent) = path.parent() {
            let _ = std::fs::create_dir_all(parent);
        }
        if let Err(error) = std::fs::write(&path, contents) {
            panic!("cannot write {}: {error}", path.display());
        }
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn fastrand_suffix() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64)
}

#[tokio::test]
async fn environment_credentials_with_and_without_token() {
    let env = Environment::from_map([("TENCENTCLOUD_SECRET_ID", "AKIDenv"), ("TENCENTCLOUD_SECRET_KEY", "env-key")]);
    let credentials = EnvCredentials::with_environment(env).provide_credentials().await;
    let Ok(credentials) = credentials else { panic!("{credentials:?}") };
    assert_eq!(credentials.secret_id(), "AKIDenv");
    assert_eq!(credentials.secret_key().expose_secret(), "env-key");
    assert!(credentials.token().is_none());

    let env = Environment::from_map([
        ("TENCENTCLOUD_SECRET_ID", "AKIDenv"),
        ("TENCENTCLOUD_SECRET_KEY", "env-key"),
        ("TENCENTCLOUD_TOKEN", "env-token"),
    ]);
    let token = EnvCredentials::with_environment(env)
        .provide_credentials()
        .await
        .ok()
        .and_then(|c| c.token().map(|t| t.expose_secret().to_owned()));
    assert_eq!(token.as_deref(), Some("env-token"));
}

#[tokio::test]
async fn bad_environment_values_name_the_variable_never_the_value() {
    let cases = [
        (
            vec![("TENCENTCLOUD_SECRET_ID", "AKID"), ("TENCENTCLOUD_SECRET_KEY", "")],
            "environment variable TENCENTCLOUD_SECRET_KEY is empty",
        ),
        (
            vec![("TENCENTCLOUD_SECRET_ID", "AKID"), ("TENCENTCLOUD_SECRET_KEY", "secret-value\n")],
            "environment variable TENCENTCLOUD_SECRET_KEY has leading or trailing whitespace",
        ),
        (
            vec![
                ("TENCENTCLOUD_SECRET_ID", "AKID"),
                ("TENCENTCLOUD_SECRET_KEY", "k"),
                ("TENCENTCLOUD_TOKEN", " secret-value"),
            ],
            "environment variable TENCENTCLOUD_TOKEN has leading or trailing whitespace",
        ),
        (vec![("TENCENTCLOUD_SECRET_ID", "AKID")], "environment variable TENCENTCLOUD_SECRET_KEY is missing"),
        (vec![("TENCENTCLOUD_SECRET_KEY", "secret-value")], "environment variable TENCENTCLOUD_SECRET_ID is missing"),
    ];
    for (variables, expected) in cases {
        let error =
            EnvCredentials::with_environment(Environment::from_map(variables)).provide_credentials().await.err();
        let message = error.map(|e| e.to_string()).unwrap_or_default();
        assert_eq!(message, expected);
        assert!(!message.contains("secret-value"));
    }
}

#[tokio::test]
async fn profile_file_default_section() {
    let dir = TempDir::new("profile");
    let path = dir.write(
        "credentials",
        "[other]\nsecret_id = AKIDother\nsecret_key = other\n\n[default]\nsecret_id = AKIDfile\nsecret_key = file-key\ntoken = file-token\n",
    );
    let credentials = ProfileCredentials::from_paths([path]).provide_credentials().await;
    let Ok(credentials) = credentials else { panic!("{credentials:?}") };
    assert_eq!(credentials.secret_id(), "AKIDfile");
    assert_eq!(credentials.secret_key().expose_secret(), "file-key");
    assert_eq!(credentials.token().map(|t| t.expose_secret().to_owned()).as_deref(), Some("file-token"));
}

#[tokio::test]
async fn profile_file_errors_name_file_and_key() {
    let dir = TempDir::new("profile-errors");
    let missing_key = dir.write("a", "[default]\nsecret_id = AKID\n");
    let message =
        ProfileCredentials::from_paths([missing_key.clone()]).provide_credentials().await.err().map(|e| e.to_string());
    assert_eq!(message, Some(format!("{} [default] secret_key is missing", missing_key.display())));

    let empty = dir.write("b", "[default]\nsecret_id = AKID\nsecret_key =\n");
    let error = ProfileCredentials::from_paths([empty]).provide_credentials().await.err();
    assert!(
        matches!(error, Some(CredentialsError::InvalidValue { problem: InvalidValueProblem::Empty, ref origin }) if origin.ends_with("[default] secret_key")),
        "{error:?}"
    );

    let no_section = dir.write("c", "[work]\nsecret_id = AKID\nsecret_key = k\n");
    let message = ProfileCredentials::from_paths([no_section])
        .provide_credentials()
        .await
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(message.ends_with("no [default] section"), "{message}");
}

#[tokio::test]
async fn profile_paths_come_from_home_then_etc_and_the_first_existing_file_wins() {
    let dir = TempDir::new("home");
    let env = Environment::from_map([("HOME", dir.0.display().to_string())]);
    let profile = ProfileCredentials::from_home_in(&env);
    assert_eq!(profile.paths()[0], dir.0.join(".tencentcloud").join("credentials"));
    assert_eq!(profile.paths()[1], PathBuf::from("/etc/tencentcloud/credentials"));

    let second = dir.write("second", "[default]\nsecret_id = AKIDsecond\nsecret_key = k\n");
    let profile = ProfileCredentials::from_paths([dir.0.join("absent"), second]);
    assert_eq!(
        profile.provide_credentials().await.ok().map(|c| c.secret_id().to_owned()).as_deref(),
        Some("AKIDsecond")
    );
}

#[tokio::test]
async fn default_chain_prefers_the_environment_then_the_profile() {
    let dir = TempDir::new("chain");
    dir.write(".tencentcloud/credentials", "[default]\nsecret_id = AKIDfile\nsecret_key = file-key\n");
    let home = dir.0.display().to_string();

    let env = Environment::from_map([
        ("HOME", home.as_str()),
        ("TENCENTCLOUD_SECRET_ID", "AKIDenv"),
        ("TENCENTCLOUD_SECRET_KEY", "env-key"),
    ]);
    let id =
        CredentialsChain::default_chain_in(&env).provide_credentials().await.ok().map(|c| c.secret_id().to_owned());
    assert_eq!(id.as_deref(), Some("AKIDenv"));

    let env = Environment::from_map([("HOME", home.as_str())]);
    let id =
        CredentialsChain::default_chain_in(&env).provide_credentials().await.ok().map(|c| c.secret_id().to_owned());
    assert_eq!(id.as_deref(), Some("AKIDfile"));
}

#[tokio::test]
async fn an_invalid_environment_value_stops_the_chain() {
    let dir = TempDir::new("chain-invalid");
    dir.write(".tencentcloud/credentials", "[default]\nsecret_id = AKIDfile\nsecret_key = file-key\n");
    let env = Environment::from_map([
        ("HOME", dir.0.display().to_string()),
        ("TENCENTCLOUD_SECRET_ID", "AKIDenv".into()),
        ("TENCENTCLOUD_SECRET_KEY", String::new()),
    ]);
    let error = CredentialsChain::default_chain_in(&env).provide_credentials().await.err();
    assert!(matches!(error, Some(CredentialsError::InvalidValue { .. })), "{error:?}");
}

#[tokio::test]
async fn an_empty_chain_result_lists_every_source() {
    let dir = TempDir::new("chain-empty");
    let env = Environment::from_map([("HOME", dir.0.display().to_string())]);
    let chain = CredentialsChain::new(vec![
        std::sync::Arc::new(EnvCredentials::with_environment(env)),
        std::sync::Arc::new(ProfileCredentials::from_paths([dir.0.join("nope")])),
    ]);
    let message = chain.provide_credentials().await.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(message.starts_with("no credentials found: environment: TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY are not set; profile file: none of "), "{message}");
    assert!(message.contains("nope exists"), "{message}");
}
