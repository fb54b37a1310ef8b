//! The secret key and token never leak: not in tracing output at TRACE level from every target
//! (tcapi, hyper-util, ...), not in what `reqwest` logs through the `log` crate, not in error
//! messages, not in `Debug` output, whether calls succeed or fail and however the credentials
//! were given: keys, the providers of temporary credentials (CVM role, STS AssumeRole, web
//! identity, a profile's role) and what they fetch, web identity tokens included. Complements
//! `runtime_tracing.rs` (span contents of one failed call).
//!
//! Alone in its test binary: it installs the process-wide tracing subscriber and logger.

#![allow(clippy::unwrap_used)]

mod credentials_common;

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http::StatusCode;
use tcapi::ssl::{self, CertificateOrderSubmitErrorCode as Code, CertificateOrderSubmitRequest};
use tcapi::{Config, Credentials, Error, RateLimit, RetryPolicy};
use tcapi_runtime::Endpoint;
use tcapi_runtime::mock::{MockServer, Reply};
use tcapi_runtime::sign::{self, RequestParts};
use tcapi_runtime::{
    CredentialsChain, EnvCredentials, Environment, HttpTransport, ProfileCredentials, ProvideCredentials,
    ReqwestTransport, decode_response,
};

const SECRET_ID: &str = "AKIDvisibleSecretId0001";
const SECRET_KEY: &str = "sk-9f8e7d6c5b4a-SECRET-KEY-never-shown";
const TOKEN: &str = "tok-0a1b2c3d4e5f-SECRET-TOKEN-never-shown";
const WRONG_KEY: &str = "sk-wrong-1234-ANOTHER-SECRET-KEY";
const SECRETS: [&str; 3] = [SECRET_KEY, TOKEN, WRONG_KEY];

/// Everything logged by the process, from the tracing subscriber and from the `log` logger.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap_or_else(PoisonError::into_inner)).into_owned()
    }

    fn append(&self, bytes: &[u8]) {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).extend_from_slice(bytes);
    }
}

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.append(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl log::Log for Captured {
    fn enabled(&self, _metadata: &log::Metadata<'_>) -> bool {
        true
    }

    fn log(&self, record: &log::Record<'_>) {
        self.append(format!("log {} {}: {}\n", record.level(), record.target(), record.args()).as_bytes());
    }

    fn flush(&self) {}
}

/// Installs the process-wide subscriber (TRACE, every target, span events) and logger once.
fn capture() -> &'static Captured {
    static CAPTURED: OnceLock<Captured> = OnceLock::new();
    CAPTURED.get_or_init(|| {
        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_span_events(tracing_subscriber::fmt::format::FmtSpan::FULL)
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .finish();
        tracing::subscriber::set_global_default(subscriber).unwrap();
        log::set_logger(Box::leak(Box::new(captured.clone()))).unwrap();
        log::set_max_level(log::LevelFilter::Trace);
        captured
    })
}

fn assert_no_secret(what: &str, text: &str) {
    for secret in SECRETS {
        assert!(!text.contains(secret), "a secret leaked into {what}:\n{text}");
    }
}

fn credentials() -> Credentials {
    Credentials::new(SECRET_ID, SECRET_KEY).with_token(TOKEN)
}

async fn mock() -> MockServer {
    MockServer::builder()
        .credentials(credentials())
        .actions(ssl::ACTIONS)
        .examples(ssl::EXAMPLES)
        .start()
        .await
        .unwrap()
}

fn config(endpoint: &str, provider: impl ProvideCredentials + 'static) -> Config {
    Config::builder()
        .credentials(provider)
        .endpoint(endpoint)
        .rate_limit(RateLimit::Disabled)
        .request_timeout(Duration::from_millis(500))
        .retry_policy(RetryPolicy::default().with_base_delay(Duration::from_millis(2)))
        .build()
        .unwrap()
}

fn request() -> CertificateOrderSubmitRequest {
    CertificateOrderSubmitRequest::builder().cert_id("Dsqef134").build().unwrap()
}

/// Display and Debug of a call's result.
fn describe<T: std::fmt::Debug>(result: &Result<T, Error<Code>>) -> String {
    match result {
        Ok(output) => format!("{output:?}"),
        Err(error) => format!("{error} | {error:?}"),
    }
}

#[tokio::test]
async fn no_secret_in_trace_output_errors_or_debug_across_succeeding_and_failing_calls() {
    let captured = capture();
    let server = mock().await;
    let endpoint = server.endpoint();
    let client = ssl::Client::new(config(&endpoint, credentials()));
    let mut outcomes = Vec::new();

    // Success, then retried rate-limit refusals ending in a service error.
    let result = client.send(&request()).await;
    assert!(result.is_ok(), "{result:?}");
    outcomes.push(describe(&result));
    server.enqueue(Reply::service_error("RequestLimitExceeded", "slow down"));
    server.enqueue(Reply::service_error("InternalError", "oops"));
    outcomes.push(describe(&client.send(&request()).await));
    // An HTTP error, a decode error, a timeout.
    server.enqueue(Reply::raw(StatusCode::BAD_GATEWAY, "text/html", "<html>bad gateway</html>"));
    outcomes.push(describe(&client.send(&request()).await));
    server.enqueue(Reply::raw(StatusCode::OK, "application/json", "{\"Response\":"));
    outcomes.push(describe(&client.send(&request()).await));
    server.enqueue(Reply::hang());
    let result = client.send(&request()).await;
    assert!(matches!(result, Err(Error::Timeout { .. })), "{result:?}");
    outcomes.push(describe(&result));
    assert!(server.requests().iter().all(|request| request.signature_valid));

    // The wrong key: the server rejects the signature.
    let wrong = ssl::Client::new(config(&endpoint, Credentials::new(SECRET_ID, WRONG_KEY).with_token(TOKEN)));
    let result = wrong.send(&request()).await;
    assert!(matches!(&result, Err(Error::Service(e)) if e.code == Code::AuthFailureSignatureFailure), "{result:?}");
    outcomes.push(describe(&result));

    // Nothing listening: connect errors on every attempt.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let unreachable = ssl::Client::new(config(&format!("http://127.0.0.1:{port}"), credentials()));
    let result = unreachable.send(&request()).await;
    assert!(matches!(result, Err(Error::Connect { .. })), "{result:?}");
    outcomes.push(describe(&result));

    // Unusable values are named, never shown.
    for bad in [
        Credentials::new(SECRET_ID, format!(" {SECRET_KEY}")),
        Credentials::new(SECRET_ID, format!("{SECRET_KEY}\n")),
        Credentials::new(SECRET_ID, SECRET_KEY).with_token(format!("{TOKEN}\r\nX-Injected: 1")),
        Credentials::new(SECRET_ID, SECRET_KEY).with_token(""),
    ] {
        let result = ssl::Client::new(config(&endpoint, bad.clone())).send(&request()).await;
        assert!(matches!(result, Err(Error::Credentials(_))), "{result:?}");
        outcomes.push(describe(&result));
        outcomes.push(format!("{bad:?}"));
    }

    // From the environment and through the default chain.
    let environment = Environment::from_map([
        ("TENCENTCLOUD_SECRET_ID", SECRET_ID),
        ("TENCENTCLOUD_SECRET_KEY", SECRET_KEY),
        ("TENCENTCLOUD_TOKEN", TOKEN),
        ("HOME", "/nonexistent"),
    ]);
    let chain = CredentialsChain::default_chain_in(&environment);
    let via_chain = ssl::Client::new(config(&endpoint, chain.clone()));
    let result = via_chain.send(&request()).await;
    assert!(result.is_ok(), "{result:?}");
    outcomes.push(describe(&result));
    let padded = Environment::from_map([("TENCENTCLOUD_SECRET_ID", SECRET_ID), ("TENCENTCLOUD_SECRET_KEY", " x")]);
    let result = EnvCredentials::with_environment(padded).provide_credentials().await;
    assert!(result.is_err());
    outcomes.push(format!("{:?} {}", result, result.as_ref().err().map(ToString::to_string).unwrap_or_default()));
    outcomes.push(format!("{environment:?} {chain:?} {:?}", EnvCredentials::with_environment(environment.clone())));

    // From a profile file, readable and broken.
    let directory = std::env::temp_dir().join(format!("tcapi-secrets-test-{}", std::process::id()));
    std::fs::create_dir_all(&directory).unwrap();
    let good = directory.join("credentials");
    std::fs::write(&good, format!("[default]\nsecret_id = {SECRET_ID}\nsecret_key = {SECRET_KEY}\ntoken = {TOKEN}\n"))
        .unwrap();
    let profile = ProfileCredentials::from_paths([good]);
    let result = ssl::Client::new(config(&endpoint, profile.clone())).send(&request()).await;
    assert!(result.is_ok(), "{result:?}");
    outcomes.push(format!("{} {profile:?}", describe(&result)));
    let broken = directory.join("broken");
    std::fs::write(&broken, format!("[default]\nsecret_key = {SECRET_KEY}\ntoken = {TOKEN}\n[unclosed\n")).unwrap();
    let result = ProfileCredentials::from_paths([broken]).provide_credentials().await;
    assert!(result.is_err());
    outcomes.push(format!("{:?} {}", result, result.as_ref().err().map(ToString::to_string).unwrap_or_default()));
    let _ = std::fs::remove_dir_all(&directory);

    // Debug of everything that holds credentials.
    outcomes.push(format!("{client:?} {:?} {:?} {:?}", client.runtime(), client.runtime().config(), credentials()));

    for outcome in &outcomes {
        assert_no_secret("an error message or Debug output", outcome);
    }
    let text = captured.text();
    // The capture works and saw the calls, the HTTP stack's own records included.
    assert!(text.contains("tcapi.call") && text.contains("tcapi.attempt"), "{text}");
    assert!(text.contains("TRACE") && text.contains("hyper_util"), "{text}");
    assert!(text.contains("log DEBUG reqwest"), "{text}");
    assert_no_secret("the captured tracing and log output", &text);
    assert!(!text.contains("Signature="), "the Authorization header was logged");
    if std::env::var_os("TCAPI_SHOW_CAPTURED").is_some() {
        eprintln!("{text}");
    }
}

/// A request signed with a clock an hour behind: the mock's clock check answers
/// `AuthFailure.SignatureExpire`, and the error says what to do.
#[tokio::test]
async fn signature_expire_tells_the_user_to_check_the_system_clock() {
    let captured = capture();
    let server = mock().await;
    let endpoint = Endpoint::parse(&server.endpoint()).unwrap();
    let an_hour_ago = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() as i64 - 3600;
    let parts = RequestParts {
        endpoint: &endpoint,
        service: "ssl",
        action: "CertificateOrderSubmit",
        version: ssl::SERVICE.version,
        region: None,
        language: "en-US",
    };
    let body = Bytes::from(serde_json::to_vec(&request()).unwrap());
    let signed = sign::signed_request(&credentials(), &parts, an_hour_ago, body).unwrap();
    let transport = ReqwestTransport::new(Duration::from_secs(5), Duration::from_secs(5)).unwrap();
    let response = transport.send(signed, 1024 * 1024).await.unwrap();
    assert_eq!(server.requests()[0].rejection, Some("AuthFailure.SignatureExpire"));

    let error = decode_response::<CertificateOrderSubmitRequest>(response.status(), response.body()).err().unwrap();
    let Error::Service(service) = &error else { panic!("expected a service error, got {error:?}") };
    assert_eq!(service.code, Code::AuthFailureSignatureExpire);
    let line = error.to_string();
    assert!(line.starts_with("AuthFailure.SignatureExpire: "), "{line}");
    assert!(
        line.contains("; check the system clock: the server rejects requests signed more than 5 minutes"),
        "{line}"
    );
    assert!(!line.contains('\n'));
    assert_no_secret("the SignatureExpire error", &format!("{error} {error:?}"));
    assert_no_secret("the captured tracing and log output", &captured.text());
}

/// The web identity token of the provider tests below; a token is as secret as a key.
const WEB_IDENTITY_TOKEN: &str = "eyJhbGciOiJSUzI1NiJ9.WEB-IDENTITY-TOKEN-never-shown.c2ln";

/// Every provider of temporary credentials, succeeding, failing to refresh, expiring and refused:
/// neither the keys and tokens it fetched, nor the base credentials it signs with, nor a web
/// identity token appear in its `Debug`, its errors or anything logged.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_temporary_secret_in_the_providers_debug_errors_or_logs() {
    use credentials_common::{
        FakeMetadata, TempDir, TestClock, closed_port_url, ssl_mock, sts_answer, sts_mock, submit, temporary,
        temporary_secrets,
    };
    use tcapi_runtime::{AssumeRoleCredentials, CvmRoleCredentials, WebIdentityCredentials};

    let captured = capture();
    let hour = Duration::from_secs(3600);
    let clock = TestClock::new();
    let mut outcomes = Vec::new();
    let server = ssl_mock(&[temporary(1), temporary(2), temporary(3)]).await;
    let client = |provider: Arc<dyn ProvideCredentials>| {
        ssl::Client::new(
            Config::builder()
                .credentials_provider(provider)
                .endpoint(server.endpoint())
                .rate_limit(RateLimit::Disabled)
                .build()
                .unwrap(),
        )
    };

    // The CVM role: fetched, a refresh that fails (a warning), then expired (an error).
    let metadata = FakeMetadata::start(Some("ops-role"), vec![(temporary(1), clock.now() + hour)]).await;
    let cvm = CvmRoleCredentials::builder().endpoint(metadata.url()).clock(clock.clone()).build().unwrap();
    let cvm_client = client(Arc::new(cvm.clone()));
    outcomes.push(format!("{:?}", submit(&cvm_client).await));
    outcomes.push(format!("{cvm:?} {:?} {:?}", cvm.provide_credentials(), cvm.provide_credentials().await));
    metadata.fail_with(Some(StatusCode::SERVICE_UNAVAILABLE));
    clock.advance(hour - Duration::from_secs(60));
    let result = submit(&cvm_client).await;
    assert!(result.is_ok(), "{result:?}");
    clock.advance(Duration::from_secs(120));
    let result = cvm_client.certificate_order_submit().cert_id("x").send().await;
    assert!(matches!(result, Err(Error::Credentials(_))), "{result:?}");
    outcomes.push(describe(&result));
    outcomes.push(format!("{cvm:?} {cvm_client:?}"));

    // STS AssumeRole signed with the keys and token of `credentials()`.
    let sts = sts_mock(credentials()).await;
    sts.enqueue(sts_answer(&temporary(2), clock.now() + hour));
    let assume = AssumeRoleCredentials::builder(credentials(), "qcs::cam::uin/1:roleName/ci")
        .endpoint(sts.endpoint())
        .clock(clock.clone())
        .build()
        .unwrap();
    let assume_client = client(Arc::new(assume.clone()));
    outcomes.push(format!("{:?}", submit(&assume_client).await));
    outcomes.push(format!("{assume:?} {:?} {assume_client:?}", assume.provide_credentials().await));
    // A refusal quoting what it was sent is blanked out.
    sts.enqueue(Reply::service_error("AuthFailure.SignatureFailure", format!("bad key {SECRET_KEY} / {TOKEN}")));
    let refused = AssumeRoleCredentials::builder(credentials(), "qcs::cam::uin/1:roleName/ci")
        .endpoint(sts.endpoint())
        .build()
        .unwrap();
    let error = refused.provide_credentials().await.err().unwrap();
    assert!(error.to_string().contains("bad key [redacted] / [redacted]"), "{error}");
    outcomes.push(format!("{error} {error:?}"));

    // A web identity: exchanged, refused quoting the token, its token file gone.
    let dir = TempDir::new("secrets-web-identity");
    let token_file = dir.write("token", WEB_IDENTITY_TOKEN);
    sts.enqueue(sts_answer(&temporary(3), clock.now() + hour));
    let web = WebIdentityCredentials::builder("oidc", "qcs::cam::uin/1:roleName/pod", &token_file)
        .endpoint(sts.endpoint())
        .clock(clock.clone())
        .build()
        .unwrap();
    let web_client = client(Arc::new(web.clone()));
    outcomes.push(format!("{:?}", submit(&web_client).await));
    outcomes.push(format!("{web:?} {:?} {web_client:?}", web.provide_credentials().await));
    sts.enqueue(Reply::service_error(
        "InvalidParameter.WebIdentityTokenError",
        format!("token {WEB_IDENTITY_TOKEN} is invalid"),
    ));
    clock.advance(hour);
    let result = submit(&web_client).await;
    let error = result.unwrap_err();
    assert!(error.contains("token [redacted] is invalid"), "{error}");
    outcomes.push(error);
    std::fs::remove_file(&token_file).unwrap();
    clock.advance(2 * hour);
    let result = web_client.certificate_order_submit().cert_id("x").send().await;
    assert!(matches!(result, Err(Error::Credentials(_))), "{result:?}");
    outcomes.push(describe(&result));
    assert!(sts.requests().iter().any(|request| request.action == "AssumeRoleWithWebIdentity"));

    // A profile's role, and the default chain holding every source.
    let profile_dir = TempDir::new("secrets-profile-role");
    let profile_file = profile_dir.write(
        "credentials",
        &format!("[default]\nsecret_id = {SECRET_ID}\nsecret_key = {SECRET_KEY}\ntoken = {TOKEN}\nrole_arn = qcs::cam::uin/1:roleName/p\n"),
    );
    sts.enqueue(sts_answer(&temporary(1), SystemTime::now() + hour));
    let profile = ProfileCredentials::from_paths([profile_file]).with_sts_endpoint(sts.endpoint());
    outcomes.push(format!("{:?} {profile:?}", profile.provide_credentials().await));
    let environment = Environment::from_map([
        ("HOME", profile_dir.0.display().to_string()),
        ("TKE_REGION", "ap-guangzhou".into()),
        ("TKE_PROVIDER_ID", "oidc".into()),
        ("TKE_WEB_IDENTITY_TOKEN_FILE", token_file.display().to_string()),
        ("TKE_ROLE_ARN", "qcs::cam::uin/1:roleName/pod".into()),
        ("TENCENTCLOUD_STS_ENDPOINT", closed_port_url()),
        ("TENCENTCLOUD_METADATA_ENDPOINT", metadata.url()),
    ]);
    let chain = CredentialsChain::default_chain_in(&environment);
    outcomes.push(format!("{chain:?} {:?} {chain:?}", chain.provide_credentials().await));

    let secrets: Vec<String> = temporary_secrets(3)
        .into_iter()
        .chain([WEB_IDENTITY_TOKEN.to_owned()])
        .chain(SECRETS.iter().map(|secret| (*secret).to_owned()))
        .collect();
    let leaked = |what: &str, text: &str| {
        for secret in &secrets {
            assert!(!text.contains(secret.as_str()), "a secret leaked into {what}:\n{text}");
        }
    };
    for outcome in &outcomes {
        leaked("an error message or Debug output", outcome);
    }
    let text = captured.text();
    // The capture saw the providers' own records: the failed refresh's warning among them.
    assert!(text.contains("refreshing credentials failed; using the current ones while they are valid"), "{text}");
    assert!(text.contains("fetching credentials"), "{text}");
    leaked("the captured tracing and log output", &text);
}
