//! What the tests of the credential providers share: a fake CVM metadata service and a silent
//! server on 127.0.0.1, the built-in mock server playing STS and ssl, temporary credentials and
//! a clock the test moves.

#![allow(dead_code, clippy::unwrap_used)]

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http::{Request, Response, StatusCode};
use http_body_util::Full;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use secrecy::ExposeSecret;
use tcapi::ssl;
use tcapi_runtime::credentials::Clock;
use tcapi_runtime::mock::{MockServer, ReceivedRequest, Reply};
use tcapi_runtime::{ActionInfo, Config, Credentials, ProvideCredentials, RateLimit, RetryPolicy, ServiceInfo};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

pub const ROLES_PATH: &str = "/latest/meta-data/cam/security-credentials/";

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Temporary credentials number `n`: what a metadata service or STS hands out.
pub fn temporary(n: u32) -> Credentials {
    Credentials::new(format!("AKIDtemporary{n}"), format!("tmp-key-{n}-0f9e8d7c6b5a-SECRET"))
        .with_token(format!("tmp-token-{n}-1a2b3c4d5e6f-SECRET"))
}

/// The secret values of `temporary(1..=n)`: none may ever be shown.
pub fn temporary_secrets(n: u32) -> Vec<String> {
    (1..=n)
        .flat_map(|n| {
            let credentials = temporary(n);
            [
                credentials.secret_key().expose_secret().to_owned(),
                credentials.token().map(|token| token.expose_secret().to_owned()).unwrap_or_default(),
            ]
        })
        .collect()
}

/// A wall clock that starts at the system's time and moves only when told.
#[derive(Debug)]
pub struct TestClock(Mutex<SystemTime>);

impl TestClock {
    pub fn new() -> Arc<Self> {
        Arc::new(TestClock(Mutex::new(SystemTime::now())))
    }

    pub fn now(&self) -> SystemTime {
        *lock(&self.0)
    }

    pub fn advance(&self, by: Duration) {
        *lock(&self.0) += by;
    }
}

impl Clock for TestClock {
    fn now(&self) -> SystemTime {
        *lock(&self.0)
    }
}

pub fn unix_seconds(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH).unwrap().as_secs()
}

/// A fake CVM metadata service: names `role` (or answers 404), then hands out the credentials
/// of its list in turn (the last one again once the list is used up), each with its expiry.
pub struct FakeMetadata {
    address: SocketAddr,
    state: Arc<MetadataState>,
    task: JoinHandle<()>,
}

#[derive(Default)]
struct MetadataState {
    role: Option<String>,
    issued: Vec<(Credentials, SystemTime)>,
    /// How many credentials were handed out.
    handed_out: Mutex<usize>,
    /// Every request's path, in arrival order.
    requests: Mutex<Vec<String>>,
    /// Waited before answering a credentials request.
    delay: Mutex<Duration>,
    /// Answered to credentials requests instead of credentials.
    failure: Mutex<Option<StatusCode>>,
}

impl FakeMetadata {
    pub async fn start(role: Option<&str>, issued: Vec<(Credentials, SystemTime)>) -> Self {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await.unwrap();
        let address = listener.local_addr().unwrap();
        let state = Arc::new(MetadataState { role: role.map(str::to_owned), issued, ..MetadataState::default() });
        let served = state.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else { continue };
                let state = served.clone();
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(move |request| answer(state.clone(), request));
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        FakeMetadata { address, state, task }
    }

    /// The base URL to configure (`http://127.0.0.1:PORT`).
    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    pub fn requests(&self) -> Vec<String> {
        lock(&self.state.requests).clone()
    }

    /// How many credentials requests arrived (role listings not counted).
    pub fn credential_requests(&self) -> usize {
        self.requests().iter().filter(|path| path.len() > ROLES_PATH.len()).count()
    }

    pub fn set_delay(&self, delay: Duration) {
        *lock(&self.state.delay) = delay;
    }

    pub fn fail_with(&self, status: Option<StatusCode>) {
        *lock(&self.state.failure) = status;
    }
}

impl Drop for FakeMetadata {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn answer(state: Arc<MetadataState>, request: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    let path = request.uri().path().to_owned();
    lock(&state.requests).push(path.clone());
    let reply = |status: StatusCode, body: String| {
        let mut response = Response::new(Full::new(Bytes::from(body)));
        *response.status_mut() = status;
        Ok(response)
    };
    if path == ROLES_PATH {
        return match &state.role {
            Some(role) => reply(StatusCode::OK, format!("{role}\n")),
            None => reply(StatusCode::NOT_FOUND, "<html>404 Not Found</html>".into()),
        };
    }
    let asked_role = path.strip_prefix(ROLES_PATH);
    if asked_role.is_none() || asked_role != state.role.as_deref() {
        return reply(StatusCode::NOT_FOUND, "<html>404 Not Found</html>".into());
    }
    let delay = *lock(&state.delay);
    tokio::time::sleep(delay).await;
    if let Some(status) = *lock(&state.failure) {
        return reply(status, "<html>internal error</html>".into());
    }
    let (credentials, expiry) = {
        let mut handed_out = lock(&state.handed_out);
        let index = (*handed_out).min(state.issued.len() - 1);
        *handed_out += 1;
        state.issued[index].clone()
    };
    let body = serde_json::json!({
        "TmpSecretId": credentials.secret_id(),
        "TmpSecretKey": credentials.secret_key().expose_secret(),
        "Token": credentials.token().map(|token| token.expose_secret().to_owned()),
        "ExpiredTime": unix_seconds(expiry),
        "Expiration": "2030-01-01T00:00:00Z",
        "Code": "Success",
    });
    reply(StatusCode::OK, body.to_string())
}

/// A server that accepts connections and never answers: a metadata service that hangs.
pub async fn silent_server() -> (String, JoinHandle<()>) {
    let listener = TcpListener::bind(("127.0.0.1", 0)).await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((stream, _)) = listener.accept().await {
            held.push(stream);
        }
    });
    (url, task)
}

/// A loopback URL where nothing listens.
pub fn closed_port_url() -> String {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    format!("http://127.0.0.1:{port}")
}

pub static STS: ServiceInfo = ServiceInfo {
    name: "sts",
    version: "2018-08-13",
    endpoint: "sts.tencentcloudapi.com",
    mainland_endpoint: "sts.tencentcloudapi.com",
    error_facts: |_| None,
};

/// Signed with the base credentials; unqueued requests get a response without credentials.
pub static ASSUME_ROLE: ActionInfo = ActionInfo::new("AssumeRole", &STS);

/// Unsigned (`Authorization: SKIP`), as Tencent takes it.
pub static ASSUME_ROLE_WITH_WEB_IDENTITY: ActionInfo = ActionInfo::new("AssumeRoleWithWebIdentity", &STS).unsigned();

/// The built-in mock server playing STS, verifying `AssumeRole` signatures made with `base`.
pub async fn sts_mock(base: Credentials) -> MockServer {
    MockServer::builder()
        .credentials(base)
        .actions(&[&ASSUME_ROLE, &ASSUME_ROLE_WITH_WEB_IDENTITY])
        .start()
        .await
        .unwrap()
}

/// STS's answer handing out `credentials`, valid until `expiry`.
pub fn sts_answer(credentials: &Credentials, expiry: SystemTime) -> Reply {
    Reply::response(serde_json::json!({
        "Credentials": {
            "Token": credentials.token().map(|token| token.expose_secret().to_owned()),
            "TmpSecretId": credentials.secret_id(),
            "TmpSecretKey": credentials.secret_key().expose_secret(),
        },
        "ExpiredTime": unix_seconds(expiry),
        "Expiration": "2030-01-01T00:00:00Z",
    }))
}

/// The mock playing ssl, accepting calls signed with any of `accepted`.
pub async fn ssl_mock(accepted: &[Credentials]) -> MockServer {
    let mut builder =
        MockServer::builder().credentials(accepted[0].clone()).actions(ssl::ACTIONS).examples(ssl::EXAMPLES);
    for credentials in &accepted[1..] {
        builder = builder.also_accept(credentials.clone());
    }
    builder.start().await.unwrap()
}

/// An ssl client of `server` with credentials from `provider`, no rate limit, fast retries.
pub fn ssl_client(server: &MockServer, provider: impl ProvideCredentials + 'static) -> ssl::Client {
    let config = Config::builder()
        .credentials(provider)
        .endpoint(server.endpoint())
        .rate_limit(RateLimit::Disabled)
        .retry_policy(RetryPolicy::default().with_base_delay(Duration::from_millis(2)))
        .build()
        .unwrap();
    ssl::Client::new(config)
}

/// Sends one `CertificateOrderSubmit`; its order id, or the error's text.
pub async fn submit(client: &ssl::Client) -> Result<String, String> {
    client
        .certificate_order_submit()
        .cert_id("Dsqef134")
        .send()
        .await
        .map(|response| response.order_id)
        .map_err(|error| error.to_string())
}

/// The secret id and token a received request was signed with.
pub fn signer(request: &ReceivedRequest) -> (String, Option<String>) {
    let header = |name: &str| request.headers.get(name).and_then(|value| value.to_str().ok()).map(str::to_owned);
    let authorization = header("authorization").unwrap_or_default();
    let secret_id = authorization
        .split_once("Credential=")
        .and_then(|(_, rest)| rest.split_once('/'))
        .map(|(id, _)| id.to_owned())
        .unwrap_or(authorization);
    (secret_id, header("x-tc-token"))
}

/// The secret id and token of `credentials`, as [`signer`] reads them off a request.
pub fn signed_by(credentials: &Credentials) -> (String, Option<String>) {
    (credentials.secret_id().to_owned(), credentials.token().map(|token| token.expose_secret().to_owned()))
}

/// A received request's JSON body.
pub fn body_json(request: &ReceivedRequest) -> serde_json::Value {
    serde_json::from_slice(&request.body).unwrap()
}

/// A fresh directory under the system temp dir, removed on drop.
pub struct TempDir(pub std::path::PathBuf);

impl TempDir {
    pub fn new(name: &str) -> Self {
        let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |since| since.as_nanos());
        let path = std::env::temp_dir().join(format!("tcapi-test-{name}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&path).unwrap();
        TempDir(path)
    }

    pub fn write(&self, relative: &str, contents: &str) -> std::path::PathBuf {
        let path = self.0.join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(&path, contents).unwrap();
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
