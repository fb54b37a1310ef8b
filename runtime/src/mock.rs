//! A mock Tencent Cloud API server for tests (feature `mock`): it listens on `127.0.0.1`,
//! verifies each request's TC3 signature with the credentials it was given, records what it
//! received, and answers from the action's documented example or from replies the test queued.
//!
//! ```
//! # use tcapi_runtime::{Action, ActionInfo, Client, CodeFacts, Config, ErrorCode, ExampleInfo, ServiceInfo};
//! # use tcapi_runtime::mock::{MockServer, Reply, example_credentials};
//! # #[derive(Debug, Default, tcapi_runtime::Wire)]
//! # struct Ping {}
//! # #[derive(Debug, Default, tcapi_runtime::Wire)]
//! # struct PingOutput { request_id: String }
//! # tcapi_runtime::error_codes! {
//! #     pub enum PingError { ResourceNotFound = ("ResourceNotFound", CodeFacts::new("No such thing.")), }
//! # }
//! # static SERVICE: ServiceInfo = ServiceInfo {
//! #     name: "demo", version: "2020-01-01", endpoint: "demo.intl.tencentcloudapi.com",
//! #     mainland_endpoint: "demo.tencentcloudapi.com", error_facts: <PingError as ErrorCode>::facts_of,
//! # };
//! # static PING: ActionInfo = ActionInfo::new("Ping", &SERVICE);
//! # static EXAMPLES: &[ExampleInfo] = &[ExampleInfo {
//! #     action: "Ping", title: "ping", request: "{}", response: r#"{"Response":{"RequestId":"example"}}"#,
//! # }];
//! # impl Action for Ping { type Output = PingOutput; type ErrorCode = PingError; const INFO: &'static ActionInfo = &PING; }
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let server =
//!     MockServer::builder().credentials(example_credentials()).actions(&[&PING]).examples(EXAMPLES).start().await?;
//! let client = Client::new(server.config_builder().build()?);
//!
//! // With nothing queued, the server answers with the action's documented example.
//! let output = client.send(&Ping {}).await?;
//! assert_eq!(output.request_id, "example");
//!
//! // Queued replies are used first, in order.
//! server.enqueue(Reply::service_error("ResourceNotFound", "no such thing"));
//! let error = client.send(&Ping {}).await.err().ok_or("expected an error")?;
//! assert!(error.to_string().starts_with("ResourceNotFound: no such thing"));
//!
//! let received = server.requests();
//! assert_eq!(received.len(), 2);
//! assert!(received.iter().all(|request| request.action == "Ping" && request.signature_valid));
//! # Ok(())
//! # }
//! ```

use std::collections::{HashMap, VecDeque};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http::header::{AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE};
use http::{HeaderMap, HeaderValue, Request, Response, StatusCode};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::task::{JoinHandle, JoinSet};

use super::action::{ActionInfo, ExampleInfo};
use super::config::{Config, ConfigBuilder};
use super::credentials::Credentials;
use super::sign::headers;
use super::verify;

/// The example credentials of the TC3 reference (not a real account).
pub fn example_credentials() -> Credentials {
    Credentials::new("AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE", "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE")
}

/// The largest request body the mock accepts.
const MAX_REQUEST_BODY: usize = 1024 * 1024;

/// How the mock answers one request.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Reply {
    /// A success: the `Response` object's fields (`{"OrderId": "..."}`); a `RequestId` is added
    /// when missing.
    Response(serde_json::Value),
    /// A Tencent-shaped error response with this code and message.
    ServiceError {
        /// The error code (`FailedOperation.CertificateNotFound`).
        code: String,
        /// The message.
        message: String,
    },
    /// Exactly these bytes, with this status and content type.
    Raw {
        /// The HTTP status.
        status: StatusCode,
        /// The `Content-Type` header.
        content_type: String,
        /// The body.
        body: Bytes,
    },
    /// Waits, then answers with the inner reply.
    Delayed {
        /// How long to wait.
        delay: Duration,
        /// The answer after the wait.
        reply: Box<Reply>,
    },
    /// Never answers (the connection stays open until the client gives up or the server drops).
    Hang,
    /// Announces a longer body than it sends, sends `partial`, then closes the connection.
    CloseMidBody {
        /// The bytes sent before closing.
        partial: Bytes,
    },
}

impl Reply {
    /// A success with these `Response` fields.
    pub fn response(fields: serde_json::Value) -> Self {
        Reply::Response(fields)
    }

    /// A Tencent-shaped error.
    pub fn service_error(code: impl Into<String>, message: impl Into<String>) -> Self {
        Reply::ServiceError { code: code.into(), message: message.into() }
    }

    /// Raw bytes with a status and content type.
    pub fn raw(status: StatusCode, content_type: impl Into<String>, body: impl Into<Bytes>) -> Self {
        Reply::Raw { status, content_type: content_type.into(), body: body.into() }
    }

    /// `reply`, after `delay`.
    pub fn delayed(delay: Duration, reply: Reply) -> Self {
        Reply::Delayed { delay, reply: Box::new(reply) }
    }

    /// No answer at all.
    pub fn hang() -> Self {
        Reply::Hang
    }

    /// `partial`, then the connection closes before the announced length.
    pub fn close_mid_body(partial: impl Into<Bytes>) -> Self {
        Reply::CloseMidBody { partial: partial.into() }
    }
}

/// A request as the mock received it.
#[derive(Debug, Clone)]
pub struct ReceivedRequest {
    /// The `X-TC-Action` header (empty when absent).
    pub action: String,
    /// All headers, `Authorization` included (the mock's own credentials are test values).
    pub headers: HeaderMap,
    /// The body.
    pub body: Bytes,
    /// When the request's body was fully received (monotonic clock, for pacing checks).
    pub received_at: std::time::Instant,
    /// When the request's body was fully received (wall clock).
    pub received_at_system: SystemTime,
    /// Whether the signature verified; when not, why, as the API's error code.
    pub signature_valid: bool,
    /// The rejection code when the signature did not verify.
    pub rejection: Option<&'static str>,
}

/// Configures a [`MockServer`].
#[derive(Debug)]
#[must_use]
pub struct MockServerBuilder {
    credentials: Credentials,
    also_accepted: Vec<Credentials>,
    actions: Vec<&'static ActionInfo>,
    /// Examples, with the service they belong to when it is known.
    examples: Vec<(Option<&'static str>, &'static ExampleInfo)>,
    any_action: bool,
}

impl MockServerBuilder {
    /// The credentials requests must be signed with (default: [`example_credentials`]).
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = credentials;
        self
    }

    /// Accepts requests signed with these credentials too (rotated temporary credentials); the
    /// secret id of a request picks the credentials its signature is checked with.
    pub fn also_accept(mut self, credentials: Credentials) -> Self {
        self.also_accepted.push(credentials);
        self
    }

    /// The actions the server knows; others get `InvalidAction`.
    pub fn actions(mut self, actions: &[&'static ActionInfo]) -> Self {
        self.actions.extend_from_slice(actions);
        self
    }

    /// Documented examples (a service's `EXAMPLES`, feature `mock`): an action with nothing queued
    /// answers with its first one, or with an empty success when it has none.
    pub fn examples(mut self, examples: &'static [ExampleInfo]) -> Self {
        self.examples.extend(examples.iter().map(|example| (None, example)));
        self
    }

    /// A service's actions and examples (`tcapi::ssl::ACTIONS`, `tcapi::ssl::EXAMPLES`): with
    /// several services, an action name two of them have is told apart by the signature's scope.
    pub fn service(mut self, actions: &[&'static ActionInfo], examples: &'static [ExampleInfo]) -> Self {
        self.actions.extend_from_slice(actions);
        let service = actions.first().map(|info| info.service.name);
        self.examples.extend(examples.iter().map(|example| (service, example)));
        self
    }

    /// Every service of a list such as `tcapi::SERVICES` (the services the crate was built with).
    pub fn services(mut self, services: &[(&'static [&'static ActionInfo], &'static [ExampleInfo])]) -> Self {
        for (actions, examples) in services {
            self = self.service(actions, examples);
        }
        self
    }

    /// Answers actions it was not given too: their signature is checked for the service their
    /// scope names, and they get an empty success (or the queued reply). For the generic call.
    pub fn any_action(mut self) -> Self {
        self.any_action = true;
        self
    }

    /// Binds `127.0.0.1` on a free port and starts serving.
    pub async fn start(self) -> std::io::Result<MockServer> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let address = listener.local_addr()?;
        let mut accepted = vec![self.credentials.clone()];
        accepted.extend(self.also_accepted);
        let state = Arc::new(State {
            credentials: self.credentials,
            accepted,
            actions: self.actions.iter().fold(HashMap::new(), |mut by_name, info| {
                by_name.entry(info.name).or_insert_with(Vec::new).push(*info);
                by_name
            }),
            examples: self
                .examples
                .iter()
                .rev()
                .map(|(service, example)| ((*service, example.action), *example))
                .collect(),
            any_action: self.any_action,
            queue: Mutex::new(VecDeque::new()),
            received: Mutex::new(Vec::new()),
        });
        let accept_task = tokio::spawn(accept_loop(listener, state.clone()));
        Ok(MockServer { address, state, accept_task })
    }
}

/// A running mock server; it stops (and drops its open connections) when dropped.
#[derive(Debug)]
pub struct MockServer {
    address: SocketAddr,
    state: Arc<State>,
    accept_task: JoinHandle<()>,
}

#[derive(Debug)]
struct State {
    credentials: Credentials,
    /// `credentials` and those of [`MockServerBuilder::also_accept`].
    accepted: Vec<Credentials>,
    /// The actions of each name (services may share one).
    actions: HashMap<&'static str, Vec<&'static ActionInfo>>,
    /// The first example of each action, by service (when given with it) and name.
    examples: HashMap<(Option<&'static str>, &'static str), &'static ExampleInfo>,
    any_action: bool,
    queue: Mutex<VecDeque<Reply>>,
    received: Mutex<Vec<ReceivedRequest>>,
}

impl MockServer {
    /// A builder with the example credentials and no actions.
    pub fn builder() -> MockServerBuilder {
        MockServerBuilder {
            credentials: example_credentials(),
            also_accepted: Vec::new(),
            actions: Vec::new(),
            examples: Vec::new(),
            any_action: false,
        }
    }

    /// The URL to configure as the client's endpoint (`http://127.0.0.1:PORT`).
    pub fn endpoint(&self) -> String {
        format!("http://{}", self.address)
    }

    /// A client configuration aimed at this server, with the credentials it verifies: what a test
    /// of code that uses the client needs. Add settings before `build()`.
    pub fn config_builder(&self) -> ConfigBuilder {
        Config::builder().credentials(self.state.credentials.clone()).endpoint(self.endpoint())
    }

    /// The address the server listens on.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// Queues a reply; queued replies answer the next correctly signed requests, in order, before
    /// the examples do.
    pub fn enqueue(&self, reply: Reply) {
        lock(&self.state.queue).push_back(reply);
    }

    /// The requests received so far, in arrival order.
    pub fn requests(&self) -> Vec<ReceivedRequest> {
        lock(&self.state.received).clone()
    }

    /// How many requests were received so far.
    pub fn request_count(&self) -> usize {
        lock(&self.state.received).len()
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        // Aborting the accept loop drops its JoinSet, which aborts every connection task.
        self.accept_task.abort();
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A test that panicked while holding the lock leaves valid data behind.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

async fn accept_loop(listener: TcpListener, state: Arc<State>) {
    let mut connections = JoinSet::new();
    loop {
        while connections.try_join_next().is_some() {}
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(_) => {
                // Out of file descriptors and the like: wait a little rather than spin.
                tokio::time::sleep(Duration::from_millis(10)).await;
                continue;
            }
        };
        let state = state.clone();
        connections.spawn(async move {
            let service = hyper::service::service_fn(move |request| handle(state.clone(), request));
            // A client that breaks the connection is part of what tests do; nothing to report.
            let _ = hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
        });
    }
}

async fn handle(state: Arc<State>, request: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    let (parts, body) = request.into_parts();
    let body = match Limited::new(body, MAX_REQUEST_BODY).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => return Ok(error_response("RequestSizeLimitExceeded", "the request body is too large or broken")),
    };
    let received_at = std::time::Instant::now();
    let received_at_system = SystemTime::now();
    let action =
        parts.headers.get(headers::ACTION).and_then(|value| value.to_str().ok()).unwrap_or_default().to_owned();
    let scope = scope_service(&parts.headers);
    let info = state.actions.get(action.as_str()).and_then(|infos| {
        infos.iter().find(|info| Some(info.service.name) == scope.as_deref()).or(infos.first()).copied()
    });
    let now = received_at_system
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| i64::try_from(since.as_secs()).unwrap_or(i64::MAX));
    let verdict = match (info, &scope) {
        // Tencent takes these without a signature; the SDKs send `Authorization: SKIP`.
        (Some(info), _) if info.unsigned => match parts.headers.get(AUTHORIZATION).map(|value| value.as_bytes()) {
            Some(b"SKIP") => Ok(()),
            _ => Err("AuthFailure.InvalidAuthorization"),
        },
        (Some(info), _) => verify_any(&state.accepted, &parts.headers, &body, info.service.name, now),
        (None, Some(service)) if state.any_action => verify_any(&state.accepted, &parts.headers, &body, service, now),
        (None, _) => Err("InvalidAction"),
    };
    lock(&state.received).push(ReceivedRequest {
        action,
        headers: parts.headers,
        body,
        received_at,
        received_at_system,
        signature_valid: verdict.is_ok(),
        rejection: verdict.err(),
    });
    if let Err(code) = verdict {
        return Ok(error_response(code, &rejection_message(info, code)));
    }
    let example = info.and_then(|info| {
        let by_service = state.examples.get(&(Some(info.service.name), info.name));
        by_service.or_else(|| state.examples.get(&(None, info.name))).copied()
    });
    let reply = lock(&state.queue).pop_front();
    Ok(match reply {
        Some(reply) => answer(reply).await,
        None => example_response(example),
    })
}

/// The service a signature's scope names: `Credential=<id>/<date>/<service>/tc3_request`.
fn scope_service(header_map: &HeaderMap) -> Option<String> {
    let authorization = header_map.get(AUTHORIZATION)?.to_str().ok()?;
    let credential = authorization.split("Credential=").nth(1)?.split(',').next()?;
    let service = credential.split('/').nth(2)?;
    (!service.is_empty()).then(|| service.to_owned())
}

/// Checks the signature with the accepted credentials of the request's secret id.
fn verify_any(
    accepted: &[Credentials],
    header_map: &HeaderMap,
    body: &[u8],
    service: &str,
    now: i64,
) -> Result<(), &'static str> {
    let mut verdict = Err(verify::VerifyError::UnknownSecretId);
    for credentials in accepted {
        match verify::verify(header_map, body, credentials, service, now) {
            Err(verify::VerifyError::UnknownSecretId) => {}
            other => {
                verdict = other;
                break;
            }
        }
    }
    verdict.map_err(|error| error.code())
}

/// The message the spec documents for a rejection code, as the API would send it.
fn rejection_message(info: Option<&ActionInfo>, code: &str) -> String {
    match info.and_then(|info| (info.service.error_facts)(code)) {
        Some(facts) => facts.message.to_owned(),
        None if code == "InvalidAction" => "The action is not known to this mock server.".to_owned(),
        None => format!("The request was rejected ({code})."),
    }
}

async fn answer(reply: Reply) -> Response<Full<Bytes>> {
    match reply {
        Reply::Response(fields) => json_response(StatusCode::OK, with_request_id(fields)),
        Reply::ServiceError { code, message } => error_response(&code, &message),
        Reply::Raw { status, content_type, body } => {
            let mut response = Response::new(Full::new(body));
            *response.status_mut() = status;
            if let Ok(value) = HeaderValue::from_str(&content_type) {
                response.headers_mut().insert(CONTENT_TYPE, value);
            }
            response
        }
        Reply::Delayed { delay, reply } => {
            tokio::time::sleep(delay).await;
            Box::pin(answer(*reply)).await
        }
        Reply::Hang => std::future::pending().await,
        Reply::CloseMidBody { partial } => {
            // Announcing more than is sent makes the server close the connection after `partial`.
            let announced = partial.len() + 1024;
            let mut response = Response::new(Full::new(partial));
            response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
            response.headers_mut().insert(CONTENT_LENGTH, HeaderValue::from(announced));
            response
        }
    }
}

fn example_response(example: Option<&ExampleInfo>) -> Response<Full<Bytes>> {
    match example {
        Some(example) => {
            let mut response = Response::new(Full::new(Bytes::from_static(example.response.as_bytes())));
            response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
            response
        }
        None => json_response(StatusCode::OK, with_request_id(serde_json::json!({}))),
    }
}

fn with_request_id(mut fields: serde_json::Value) -> serde_json::Value {
    if let Some(object) = fields.as_object_mut() {
        object.entry("RequestId").or_insert_with(|| serde_json::Value::String(new_request_id()));
    }
    serde_json::json!({ "Response": fields })
}

fn error_response(code: &str, message: &str) -> Response<Full<Bytes>> {
    json_response(
        StatusCode::OK,
        serde_json::json!({
            "Response": {"Error": {"Code": code, "Message": message}, "RequestId": new_request_id()}
        }),
    )
}

fn json_response(status: StatusCode, value: serde_json::Value) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(value.to_string())));
    *response.status_mut() = status;
    response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

/// A random UUID-shaped RequestId, as the API sends.
fn new_request_id() -> String {
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        fastrand::u32(..),
        fastrand::u16(..),
        fastrand::u16(..0x1000),
        fastrand::u16(..),
        fastrand::u64(..1 << 48)
    )
}
