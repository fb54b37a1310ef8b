//! Fault injection over real loopback connections: servers that refuse, reset, stall, trickle,
//! or answer with HTML, broken UTF-8, absurd nesting, oversized bodies and envelopes that are
//! almost right. Every case must end in its typed error whose `Display` is one short line, with no
//! panic, no hang and no unbounded buffering.
//!
//! Faults the built-in mock can play (`Reply::raw`, `Reply::hang`) go through it, with the
//! generated `tcapi::ssl` client; faults below HTTP (resets, trickling bodies, garbage instead of
//! HTTP) use small raw TCP servers on 127.0.0.1 started by each test.

#![allow(clippy::unwrap_used)]

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::StatusCode;
use tcapi::CorrectionKind;
use tcapi::ssl::{self, CertificateOrderSubmitErrorCode as Code, CertificateOrderSubmitRequest, CertificateStatus};
use tcapi::{Config, Error, RateLimit, RetryPolicy};
use tcapi_runtime::mock::{MockServer, Reply, example_credentials};
use tcapi_runtime::{Action, ActionInfo, ErrorCode};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};

type SslError = Error<Code>;

/// The longest `Display` of an error we accept as "one readable line".
const MAX_LINE_CHARS: usize = 300;

fn request() -> CertificateOrderSubmitRequest {
    CertificateOrderSubmitRequest::builder().cert_id("Dsqef134").build().unwrap()
}

/// A client of `endpoint` with the example credentials, no rate limit, fast retries and a 5 s
/// request timeout, adjusted by `configure`.
fn client(endpoint: &str, configure: impl FnOnce(tcapi::ConfigBuilder) -> tcapi::ConfigBuilder) -> ssl::Client {
    let builder = Config::builder()
        .credentials(example_credentials())
        .endpoint(endpoint)
        .rate_limit(RateLimit::Disabled)
        .request_timeout(Duration::from_secs(5))
        .retry_policy(RetryPolicy::default().with_base_delay(Duration::from_millis(5)));
    ssl::Client::new(configure(builder).build().unwrap())
}

async fn mock() -> MockServer {
    MockServer::builder().actions(ssl::ACTIONS).examples(ssl::EXAMPLES).start().await.unwrap()
}

/// Sends one `Reply` through the mock and returns the result and how many requests arrived.
async fn through_mock(reply: Reply) -> (Result<ssl::CertificateOrderSubmitResponse, SslError>, usize) {
    through_mock_with(reply, |builder| builder).await
}

async fn through_mock_with(
    reply: Reply,
    configure: impl FnOnce(tcapi::ConfigBuilder) -> tcapi::ConfigBuilder,
) -> (Result<ssl::CertificateOrderSubmitResponse, SslError>, usize) {
    let server = mock().await;
    server.enqueue(reply);
    let result = client(&server.endpoint(), configure).send(&request()).await;
    assert!(server.requests().iter().all(|received| received.signature_valid));
    (result, server.request_count())
}

fn ok_json(body: impl Into<Bytes>) -> Reply {
    Reply::raw(StatusCode::OK, "application/json", body)
}

/// The error's `Display`, checked to be one non-empty line of at most [`MAX_LINE_CHARS`].
fn one_line<C: ErrorCode>(error: &Error<C>) -> String {
    let line = error.to_string();
    assert!(!line.is_empty());
    assert!(!line.contains(['\n', '\r']), "not one line: {line:?}");
    assert!(line.chars().count() <= MAX_LINE_CHARS, "{} chars: {line}", line.chars().count());
    line
}

/// The decode error of `result`, with its `Display` checked; panics on anything else.
fn decode_error<T: std::fmt::Debug, C: ErrorCode>(result: Result<T, Error<C>>) -> (String, String, Option<String>) {
    match result {
        Err(error @ Error::Decode { .. }) => {
            let line = one_line(&error);
            let Error::Decode { message, excerpt, request_id } = error else { unreachable!() };
            assert!(line.starts_with("cannot decode the response: "), "{line}");
            assert!(line.contains(&message), "{line}");
            (message, excerpt, request_id)
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// Raw TCP servers for the faults below HTTP.

/// A TCP server on 127.0.0.1 running `behaviour` on every connection; stops when dropped.
struct RawServer {
    endpoint: String,
    connections: Arc<AtomicUsize>,
    accept_task: JoinHandle<()>,
}

impl RawServer {
    async fn start<F, Fut>(behaviour: F) -> RawServer
    where
        F: Fn(TcpStream) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let endpoint = format!("http://{}", listener.local_addr().unwrap());
        let connections = Arc::new(AtomicUsize::new(0));
        let counter = connections.clone();
        let accept_task = tokio::spawn(async move {
            // Dropped with the accept task, which aborts every connection still open.
            let mut open = JoinSet::new();
            while let Ok((stream, _)) = listener.accept().await {
                counter.fetch_add(1, Ordering::SeqCst);
                open.spawn(behaviour(stream));
            }
        });
        RawServer { endpoint, connections, accept_task }
    }

    fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

impl Drop for RawServer {
    fn drop(&mut self) {
        self.accept_task.abort();
    }
}

/// Reads one HTTP/1.1 request (headers, then `Content-Length` bytes of body); `false` when the
/// client went away first. Bounded: at most 1 MiB.
async fn read_request(stream: &mut TcpStream) -> bool {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    while buffer.len() < 1024 * 1024 {
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return false,
            Ok(read) => buffer.extend_from_slice(&chunk[..read]),
        }
        let Some(end) = buffer.windows(4).position(|window| window == b"\r\n\r\n") else { continue };
        let head = String::from_utf8_lossy(&buffer[..end]).to_ascii_lowercase();
        let length = head
            .lines()
            .find_map(|line| line.strip_prefix("content-length:"))
            .and_then(|value| value.trim().parse::<usize>().ok())
            .unwrap_or(0);
        if buffer.len() >= end + 4 + length {
            return true;
        }
    }
    false
}

const ENVELOPE_START: &[u8] = br#"{"Response":{"OrderId":"SO8zRv29","Status":8,"#;

fn response_head(content_length: u64) -> Vec<u8> {
    format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {content_length}\r\n\r\n")
        .into_bytes()
}

// ---------------------------------------------------------------------------------------------
// Connections that fail.

#[tokio::test]
async fn connection_refused_is_a_connect_error_after_every_attempt() {
    // A port that was just free: nothing listens there.
    let address = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let started = Instant::now();
    let result = client(&format!("http://{address}"), |builder| builder).send(&request()).await;
    match &result {
        Err(error @ Error::Connect { endpoint, .. }) => {
            assert!(endpoint.contains(&address.port().to_string()), "{endpoint}");
            let line = one_line(error);
            assert!(line.starts_with(&format!("cannot connect to http://{address}/")), "{line}");
            assert!(line.contains("check the endpoint"), "{line}");
        }
        other => panic!("expected a connect error, got {other:?}"),
    }
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
}

#[tokio::test]
async fn a_connection_reset_mid_body_is_a_transport_error_sent_once() {
    let server = RawServer::start(|mut stream| async move {
        if !read_request(&mut stream).await {
            return;
        }
        let mut bytes = response_head(1000);
        bytes.extend_from_slice(ENVELOPE_START);
        let _ = stream.write_all(&bytes).await;
        let _ = stream.flush().await;
        tokio::time::sleep(Duration::from_millis(50)).await;
        // SO_LINGER 0: closing sends RST instead of FIN.
        let _ = stream.set_zero_linger();
        drop(stream);
    })
    .await;
    let result = client(&server.endpoint, |builder| builder).send(&request()).await;
    match &result {
        Err(error @ Error::Transport { .. }) => {
            let line = one_line(error);
            assert!(line.contains("the request may have been processed"), "{line}");
        }
        other => panic!("expected a transport error, got {other:?}"),
    }
    // The request reached the server: not retried (submitting an order is not idempotent).
    assert_eq!(server.connections(), 1);
}

#[tokio::test]
async fn a_connection_closed_without_an_answer_is_a_transport_error_sent_once() {
    let server = RawServer::start(|mut stream| async move {
        read_request(&mut stream).await;
    })
    .await;
    let result = client(&server.endpoint, |builder| builder).send(&request()).await;
    assert!(matches!(&result, Err(error @ Error::Transport { .. }) if !one_line(error).is_empty()), "{result:?}");
    assert_eq!(server.connections(), 1);
}

#[tokio::test]
async fn garbage_instead_of_http_is_a_transport_error() {
    let server = RawServer::start(|mut stream| async move {
        if read_request(&mut stream).await {
            let _ = stream.write_all(b"SSH-2.0-OpenSSH_9.6\r\n\x00\xff\xfe garbage\r\n\r\n").await;
        }
    })
    .await;
    let result = client(&server.endpoint, |builder| builder).send(&request()).await;
    assert!(matches!(&result, Err(error @ Error::Transport { .. }) if !one_line(error).is_empty()), "{result:?}");
    assert_eq!(server.connections(), 1);
}

// ---------------------------------------------------------------------------------------------
// Servers that are slow.

#[tokio::test]
async fn headers_that_never_come_time_out_in_the_configured_time_without_retry() {
    let server = RawServer::start(|mut stream| async move {
        read_request(&mut stream).await;
        // Keeps the connection open, silent, until the test drops the server.
        tokio::time::sleep(Duration::from_secs(60)).await;
    })
    .await;
    let timeout = Duration::from_millis(500);
    let started = Instant::now();
    let result = client(&server.endpoint, |builder| builder.request_timeout(timeout)).send(&request()).await;
    let elapsed = started.elapsed();
    match &result {
        Err(error @ Error::Timeout { timeout: reported, retried: false }) => {
            assert_eq!(*reported, timeout);
            let line = one_line(error);
            assert!(line.starts_with("no response within 500ms"), "{line}");
            assert!(line.contains("not retried"), "{line}");
        }
        other => panic!("expected a timeout, got {other:?}"),
    }
    assert!(elapsed >= timeout && elapsed < timeout + Duration::from_secs(2), "{elapsed:?}");
    assert_eq!(server.connections(), 1);
}

#[tokio::test]
async fn a_body_that_trickles_past_the_request_timeout_times_out() {
    let server = RawServer::start(|mut stream| async move {
        if !read_request(&mut stream).await {
            return;
        }
        let body = [ENVELOPE_START, br#""IsAudited":true,"RequestId":"r-trickle"}}"#].concat();
        if stream.write_all(&response_head(body.len() as u64)).await.is_err() {
            return;
        }
        // One byte every 50 ms: the whole body would take about 4.5 s.
        for byte in body {
            if stream.write_all(&[byte]).await.is_err() || stream.flush().await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await;
    let timeout = Duration::from_millis(600);
    let started = Instant::now();
    let result = client(&server.endpoint, |builder| builder.request_timeout(timeout)).send(&request()).await;
    let elapsed = started.elapsed();
    assert!(matches!(&result, Err(error @ Error::Timeout { .. }) if !one_line(error).is_empty()), "{result:?}");
    assert!(elapsed >= timeout && elapsed < timeout + Duration::from_secs(2), "{elapsed:?}");
    assert_eq!(server.connections(), 1);
}

#[tokio::test]
async fn an_announced_huge_body_is_refused_before_reading_or_waiting() {
    let server = RawServer::start(|mut stream| async move {
        if read_request(&mut stream).await {
            // 10 GiB announced, a few bytes sent, then silence.
            let mut bytes = response_head(10 * 1024 * 1024 * 1024);
            bytes.extend_from_slice(ENVELOPE_START);
            let _ = stream.write_all(&bytes).await;
            tokio::time::sleep(Duration::from_secs(60)).await;
        }
    })
    .await;
    let started = Instant::now();
    let result =
        client(&server.endpoint, |builder| builder.request_timeout(Duration::from_secs(10))).send(&request()).await;
    match &result {
        Err(error @ Error::BodyTooLarge { limit }) => {
            assert_eq!(*limit, 10 * 1024 * 1024);
            assert!(one_line(error).contains("max_response_size"));
        }
        other => panic!("expected BodyTooLarge, got {other:?}"),
    }
    assert!(started.elapsed() < Duration::from_secs(2), "waited for the body: {:?}", started.elapsed());
    assert_eq!(server.connections(), 1);
}

// ---------------------------------------------------------------------------------------------
// Statuses and content types.

#[tokio::test]
async fn gateway_errors_with_html_are_http_errors_with_a_short_excerpt_sent_once() {
    for status in [StatusCode::INTERNAL_SERVER_ERROR, StatusCode::BAD_GATEWAY, StatusCode::SERVICE_UNAVAILABLE] {
        let html = format!(
            "<!DOCTYPE html>\n<html><head><title>{status}</title></head>\n<body><h1>{status}</h1>{}</body></html>\n",
            "<p>nginx</p>\n".repeat(500)
        );
        let (result, requests) = through_mock(Reply::raw(status, "text/html; charset=utf-8", html)).await;
        match &result {
            Err(error @ Error::Http { status: got, excerpt, request_id }) => {
                assert_eq!(*got, status);
                assert_eq!(*request_id, None);
                assert!(excerpt.starts_with(r"<!DOCTYPE html>\n<html>"), "{excerpt}");
                let line = one_line(error);
                assert!(line.starts_with(&format!("HTTP {status} from the endpoint")), "{line}");
            }
            other => panic!("{status}: expected an HTTP error, got {other:?}"),
        }
        assert_eq!(requests, 1, "{status} was retried");
    }
}

#[tokio::test]
async fn a_gateway_error_carrying_the_envelope_keeps_its_request_id() {
    let body = r#"{"Response":{"Error":{"Code":"InternalError","Message":"m"},"RequestId":"r-502"}}"#;
    let (result, _) = through_mock(Reply::raw(StatusCode::BAD_GATEWAY, "application/json", body)).await;
    match &result {
        Err(error @ Error::Http { request_id, .. }) => {
            assert_eq!(request_id.as_deref(), Some("r-502"));
            assert!(one_line(error).contains("(RequestId r-502)"));
        }
        other => panic!("expected an HTTP error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_200_labelled_text_html_is_decoded_by_its_body() {
    let body = r#"{"Response":{"OrderId":"SO8zRv29","Status":8,"IsAudited":true,"RequestId":"r-html"}}"#;
    let (result, _) = through_mock(Reply::raw(StatusCode::OK, "text/html", body)).await;
    let response = result.unwrap();
    assert_eq!(response.order_id, "SO8zRv29");
    assert_eq!(response.status, CertificateStatus::PendingConfirmationLetter);
    assert_eq!(response.request_id, "r-html");

    let body =
        r#"{"Response":{"Error":{"Code":"FailedOperation.CertificateNotFound","Message":"gone"},"RequestId":"r-e"}}"#;
    let (result, _) = through_mock(Reply::raw(StatusCode::OK, "text/html; charset=gbk", body)).await;
    match &result {
        Err(Error::Service(error)) => {
            assert_eq!(error.code, Code::FailedOperationCertificateNotFound);
            assert_eq!(error.request_id, "r-e");
        }
        other => panic!("expected a service error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_200_html_page_is_a_decode_error_with_an_escaped_excerpt() {
    let page = "<html>\n<body>Please log in to the captive portal</body>\n</html>\n";
    let (result, requests) = through_mock(Reply::raw(StatusCode::OK, "text/html", page)).await;
    let (message, excerpt, request_id) = decode_error(result);
    assert!(message.starts_with("expected value at line 1 column 1"), "{message}");
    assert_eq!(excerpt, r"<html>\n<body>Please log in to the captive portal</body>\n</html>\n");
    assert_eq!(request_id, None);
    assert_eq!(requests, 1);
}

#[tokio::test]
async fn an_empty_200_body_is_a_decode_error() {
    let (result, _) = through_mock(ok_json(Bytes::new())).await;
    let (message, excerpt, _) = decode_error(result);
    assert!(message.starts_with("EOF while parsing a value"), "{message}");
    assert_eq!(excerpt, "");
}

// ---------------------------------------------------------------------------------------------
// Bodies that are not valid JSON, or too much of it.

#[tokio::test]
async fn invalid_utf8_is_a_decode_error_with_replacement_characters_in_the_excerpt() {
    let body = b"{\"Response\":{\"OrderId\":\"SO\xff\xfe\",\"Status\":8,\"IsAudited\":true,\"RequestId\":\"r-1\"}}";
    let (result, _) = through_mock(ok_json(&body[..])).await;
    let (message, excerpt, _) = decode_error(result);
    assert!(message.starts_with("Response.OrderId: invalid unicode code point"), "{message}");
    assert!(excerpt.contains("SO\u{fffd}\u{fffd}"), "{excerpt}");

    // JSON is UTF-8: a bad byte in a member the output skips is named too.
    let body = b"{\"Response\":{\"Extra\":[\"\xc3\"],\"OrderId\":\"SO\",\"Status\":8,\"IsAudited\":true,\"RequestId\":\"r-1\"}}";
    let (result, _) = through_mock(ok_json(&body[..])).await;
    let (message, _, _) = decode_error(result);
    assert!(message.starts_with("Response.Extra[0]: invalid unicode code point"), "{message}");

    // Binary garbage, control characters included, stays one printable line.
    let garbage: Vec<u8> = (0u8..=255).cycle().take(4096).collect();
    let (result, _) = through_mock(ok_json(garbage)).await;
    let (_, excerpt, _) = decode_error(result);
    assert!(excerpt.starts_with(r"\u{0}\u{1}\u{2}"), "{excerpt}");
    assert!(excerpt.ends_with('…'), "{excerpt}");
}

/// `prefix`, `depth` × `[`, `depth` × `]`, then `suffix`: 200 KB that would overflow the stack of a
/// parser without a recursion limit.
fn nested(prefix: &str, depth: usize, suffix: &str) -> Vec<u8> {
    let mut body = prefix.as_bytes().to_vec();
    body.extend(std::iter::repeat_n(b'[', depth));
    body.extend(std::iter::repeat_n(b']', depth));
    body.extend_from_slice(suffix.as_bytes());
    body
}

#[tokio::test]
async fn json_nested_100000_levels_deep_is_refused_or_skipped_never_a_stack_overflow() {
    const DEPTH: usize = 100_000;
    // Where a value is read, the nesting is refused at its first level or at serde_json's
    // recursion limit (128).
    for (prefix, expected) in [
        (r#"{"Response":"#, "invalid type: sequence, expected the `Response` object at line 1 column 12"),
        (r#"{"Response":{"RequestId":"r-deep","Error":"#, "invalid type: sequence, expected a string"),
        (
            r#"{"Response":{"RequestId":"r-deep","IsAudited":true,"Status":1,"OrderId":"#,
            "Response.OrderId: a list cannot be read as a string",
        ),
        (
            r#"{"Response":{"RequestId":"r-deep","IsAudited":true,"Status":"#,
            "Response.Status: invalid type: sequence, expected an integer",
        ),
    ] {
        let (result, _) = through_mock(ok_json(nested(prefix, DEPTH, "}}"))).await;
        let (message, excerpt, _) = decode_error(result);
        assert!(message.starts_with(expected), "{prefix}: {message}");
        assert!(excerpt.ends_with("[[[…"), "{excerpt}");
    }
    // Into a `serde_json::Value` (what a user decoding the body themselves would do): the limit.
    let body = nested(r#"{"Response":"#, DEPTH, "}");
    let error = serde_json::from_slice::<serde_json::Value>(&body).err().map(|e| e.to_string());
    assert!(error.is_some_and(|message| message.starts_with("recursion limit exceeded")));
    // In a field nobody reads, serde_json skips without recursing: the response decodes.
    let prefix = r#"{"Response":{"OrderId":"SO8zRv29","Status":8,"IsAudited":true,"RequestId":"r-deep","New":"#;
    let (result, _) = through_mock(ok_json(nested(prefix, DEPTH, "}}"))).await;
    assert_eq!(result.unwrap().request_id, "r-deep");
    // In the body of a gateway error, read only for its RequestId: still the HTTP error.
    let deep = nested(r#"{"Response":{"RequestId":"#, DEPTH, "}}");
    let (result, _) = through_mock(Reply::raw(StatusCode::BAD_GATEWAY, "application/json", deep)).await;
    assert!(matches!(&result, Err(error @ Error::Http { request_id: None, .. }) if !one_line(error).is_empty()));
}

#[tokio::test]
async fn a_body_over_the_size_cap_is_refused_whatever_its_status() {
    let body =
        format!(r#"{{"Response":{{"OrderId":"{}","Status":1,"IsAudited":true,"RequestId":"r"}}}}"#, "x".repeat(2000));
    for status in [StatusCode::OK, StatusCode::INTERNAL_SERVER_ERROR] {
        let reply = Reply::raw(status, "application/json", body.clone());
        let (result, requests) = through_mock_with(reply, |builder| builder.max_response_size(1024)).await;
        match &result {
            Err(error @ Error::BodyTooLarge { limit: 1024 }) => {
                assert_eq!(
                    one_line(error),
                    "the response body exceeds the limit of 1024 bytes (raise `max_response_size` if this is expected)"
                );
            }
            other => panic!("{status}: expected BodyTooLarge, got {other:?}"),
        }
        assert_eq!(requests, 1);
    }
    // Exactly at the cap is fine.
    let exact = body.len();
    let (result, _) = through_mock_with(ok_json(body), |builder| builder.max_response_size(exact)).await;
    assert_eq!(result.unwrap().order_id.len(), 2000);
}

// ---------------------------------------------------------------------------------------------
// JSON that is almost the envelope.

#[tokio::test]
async fn a_missing_response_object_is_a_decode_error() {
    for body in [r#"{"Result":{"RequestId":"r"}}"#, "{}", r#"{"Response":null}"#] {
        let (result, _) = through_mock(ok_json(body)).await;
        let (message, excerpt, _) = decode_error(result);
        assert_eq!(message, "the body has no `Response` object", "{body}");
        assert_eq!(excerpt, body);
    }
    // Not objects, arrays of field values included (serde's derived structs would accept those).
    for body in [
        "null",
        "[]",
        r#""Response""#,
        "42",
        r#"{"Response":[]}"#,
        r#"{"Response":"ok"}"#,
        r#"[{"OrderId":"SO8zRv29","Status":8,"IsAudited":true,"RequestId":"r"}]"#,
        r#"{"Response":["SO8zRv29",8,true,"r"]}"#,
    ] {
        let (result, _) = through_mock(ok_json(body)).await;
        let (message, ..) = decode_error(result);
        assert!(message.starts_with("invalid type"), "{body}: {message}");
    }
}

/// Our response types require `RequestId` (every API 3.0 response carries one, and it is what
/// support asks for), so a success without it is a decode error rather than a response with an
/// empty id.
#[tokio::test]
async fn a_success_without_request_id_is_corrected_and_refused_in_strict_mode() {
    for (body, kind) in [
        (r#"{"Response":{"OrderId":"SO8zRv29","Status":8,"IsAudited":true}}"#, CorrectionKind::Missing),
        (r#"{"Response":{"OrderId":"SO8zRv29","Status":8,"IsAudited":true,"RequestId":null}}"#, CorrectionKind::Null),
    ] {
        // The order was placed: the call succeeds, and says what it corrected.
        let (result, _) = through_mock(ok_json(body)).await;
        let response = result.unwrap();
        assert_eq!((response.order_id.as_str(), response.request_id.as_str()), ("SO8zRv29", ""));
        let corrections: Vec<_> = response.corrections.iter().map(|c| (c.path.as_str(), c.kind)).collect();
        assert_eq!(corrections, [("Response.RequestId", kind)], "{body}");

        let (result, _) = through_mock_with(ok_json(body), |builder| builder.strict_decoding(true)).await;
        let (message, ..) = decode_error(result);
        assert!(message.starts_with("Response.RequestId: "), "{message}");
        assert!(message.contains("refused by strict decoding"), "{message}");
    }
}

#[tokio::test]
async fn an_error_without_request_id_is_still_a_typed_service_error() {
    let body = r#"{"Response":{"Error":{"Code":"FailedOperation.CertificateNotFound","Message":"gone"}}}"#;
    let (result, _) = through_mock(ok_json(body)).await;
    match &result {
        Err(error @ Error::Service(service)) => {
            assert_eq!(service.code, Code::FailedOperationCertificateNotFound);
            assert_eq!(error.request_id(), None);
            let line = one_line(error);
            assert_eq!(line, "FailedOperation.CertificateNotFound: gone (no RequestId)");
        }
        other => panic!("expected a service error, got {other:?}"),
    }
}

#[tokio::test]
async fn an_error_without_code_is_a_decode_error_that_keeps_the_request_id() {
    for body in [
        r#"{"Response":{"Error":{"Message":"something failed"},"RequestId":"r-nocode"}}"#,
        r#"{"Response":{"Error":{"Code":null,"Message":"something failed"},"RequestId":"r-nocode"}}"#,
        r#"{"Response":{"Error":{},"RequestId":"r-nocode"}}"#,
    ] {
        let (result, requests) = through_mock(ok_json(body)).await;
        let (message, _, request_id) = decode_error(result);
        assert_eq!(message, "the `Error` object has no `Code`", "{body}");
        assert_eq!(request_id.as_deref(), Some("r-nocode"));
        assert_eq!(requests, 1);
    }
    // A code that is not a string is not an error code either.
    let body = r#"{"Response":{"Error":{"Code":42,"Message":"m"},"RequestId":"r-42"}}"#;
    let (result, _) = through_mock(ok_json(body)).await;
    let (message, ..) = decode_error(result);
    assert!(message.starts_with("invalid type: integer `42`, expected a string"), "{message}");
}

#[tokio::test]
async fn numbers_out_of_range_for_the_status_enum_are_decode_errors() {
    let with_status = |status: &str| {
        format!(r#"{{"Response":{{"OrderId":"SO8zRv29","Status":{status},"IsAudited":true,"RequestId":"r-n"}}}}"#)
    };
    // 2^70, 2^63 (one past i64::MAX), a fraction, a string: none is an i64.
    for (status, expected) in [
        ("1180591620717411303424", "Response.Status: 1180591620717411300000 cannot be read as an int64"),
        ("9223372036854775808", "Response.Status: 9223372036854775808 cannot be read as an int64"),
        ("1.5", "Response.Status: 1.5 cannot be read as an int64"),
        (r#""eight""#, r#"Response.Status: "eight" cannot be read as an int64"#),
    ] {
        let (result, _) = through_mock(ok_json(with_status(status))).await;
        let (message, _, request_id) = decode_error(result);
        assert!(message.starts_with(expected), "{status}: {message}");
        assert_eq!(request_id.as_deref(), Some("r-n"), "{status}");
    }
    // In range but not listed by the spec: kept, not an error.
    let (result, _) = through_mock(ok_json(with_status("-1"))).await;
    assert_eq!(result.unwrap().status, CertificateStatus::Unknown(-1));
    let (result, _) = through_mock(ok_json(with_status("9223372036854775807"))).await;
    assert_eq!(result.unwrap().status, CertificateStatus::Unknown(i64::MAX));

    // A bool field given an integer.
    let body = r#"{"Response":{"OrderId":"SO8zRv29","Status":8,"IsAudited":2,"RequestId":"r-n"}}"#;
    let (result, _) = through_mock(ok_json(body)).await;
    let (message, ..) = decode_error(result);
    assert!(
        message.starts_with("Response.IsAudited: 2 cannot be read as a boolean (true, false, 0 or 1)"),
        "{message}"
    );
}

// A hand-written action with a `uint64` field (the ssl spec has none), served by the mock.

static QUOTA_INFO: ActionInfo = ActionInfo::new("DescribeQuota", &ssl::SERVICE);

#[derive(Debug, Default, tcapi_runtime::Wire)]
struct DescribeQuota {}

#[derive(Debug, Default, tcapi_runtime::Wire)]
struct DescribeQuotaResponse {
    total_count: u64,
    request_id: String,
}

impl Action for DescribeQuota {
    type Output = DescribeQuotaResponse;
    type ErrorCode = Code;
    const INFO: &'static ActionInfo = &QUOTA_INFO;
}

#[tokio::test]
async fn numbers_out_of_range_for_a_uint64_field_are_decode_errors() {
    let server = MockServer::builder().actions(&[&QUOTA_INFO]).start().await.unwrap();
    let client = client(&server.endpoint(), |builder| builder);
    let body = |count: &str| format!(r#"{{"Response":{{"TotalCount":{count},"RequestId":"r-q"}}}}"#);
    for (count, expected) in [
        ("-1", "Response.TotalCount: -1 cannot be read as a uint64"),
        ("18446744073709551616", "Response.TotalCount: 18446744073709552000 cannot be read as a uint64"),
        ("1180591620717411303424", "Response.TotalCount: 1180591620717411300000 cannot be read as a uint64"),
        ("1500.5", "Response.TotalCount: 1500.5 cannot be read as a uint64"),
    ] {
        server.enqueue(ok_json(body(count)));
        let (message, _, request_id) = decode_error(client.send(&DescribeQuota {}).await);
        assert!(message.starts_with(expected), "{count}: {message}");
        assert_eq!(request_id.as_deref(), Some("r-q"));
    }
    server.enqueue(ok_json(body("18446744073709551615")));
    let output = client.send(&DescribeQuota {}).await.unwrap();
    assert_eq!((output.total_count, output.request_id.as_str()), (u64::MAX, "r-q"));
    // An integral float loses nothing: it is read as the integer.
    server.enqueue(ok_json(body("1e3")));
    assert_eq!(client.send(&DescribeQuota {}).await.unwrap().total_count, 1000);
}

/// Duplicate keys are ambiguous (which one did the server mean?), so a duplicate among the fields
/// that are read is a decode error, always, naming the field; duplicates inside fields nobody
/// reads are skipped with them.
#[tokio::test]
async fn duplicate_keys_are_decode_errors_naming_the_field() {
    for (body, field) in [
        (r#"{"Response":{"OrderId":"a","OrderId":"b","Status":8,"IsAudited":true,"RequestId":"r"}}"#, "OrderId"),
        (r#"{"Response":{"OrderId":"a","Status":8,"IsAudited":true,"RequestId":"r","RequestId":"s"}}"#, "RequestId"),
        (r#"{"Response":{"RequestId":"r"},"Response":{"RequestId":"s"}}"#, "Response"),
        (r#"{"Response":{"Error":{"Code":"A","Code":"B"},"RequestId":"r"}}"#, "Code"),
    ] {
        for _ in 0..2 {
            let (result, _) = through_mock(ok_json(body)).await;
            let (message, ..) = decode_error(result);
            assert!(message.contains(&format!("duplicate field `{field}`")), "{body}: {message}");
        }
    }
    let body = r#"{"Response":{"OrderId":"a","Status":8,"IsAudited":true,"RequestId":"r","Extra":{"k":1,"k":2}}}"#;
    let (result, _) = through_mock(ok_json(body)).await;
    assert_eq!(result.unwrap().order_id, "a");
}

#[tokio::test]
async fn truncated_envelopes_are_decode_errors_at_every_cut() {
    let body = r#"{"Response":{"OrderId":"SO8zRv29","Status":8,"IsAudited":true,"RequestId":"r-cut"}}"#;
    let server = mock().await;
    let client = client(&server.endpoint(), |builder| builder);
    // Every prefix of the body, through one connection-reusing client.
    for cut in (0..body.len()).step_by(7) {
        server.enqueue(ok_json(body[..cut].to_owned()));
        let result = client.send(&request()).await;
        decode_error(result);
    }
    server.enqueue(ok_json(body));
    assert_eq!(client.send(&request()).await.unwrap().request_id, "r-cut");
}

#[tokio::test]
async fn a_server_that_never_answers_through_the_mock_is_a_timeout() {
    let (result, requests) =
        through_mock_with(Reply::hang(), |builder| builder.request_timeout(Duration::from_millis(300))).await;
    assert!(matches!(&result, Err(error @ Error::Timeout { .. }) if !one_line(error).is_empty()), "{result:?}");
    assert_eq!(requests, 1);
}

/// The bound on one error line whatever the server puts in codes, messages, RequestIds and the
/// values serde_json quotes: each is escaped and cut (64 characters for codes and RequestIds,
/// [`tcapi_runtime::error::EXCERPT_MAX_CHARS`] for messages and excerpts).
const MAX_HOSTILE_LINE_CHARS: usize = 400;

#[tokio::test]
async fn huge_or_multiline_strings_from_the_server_stay_one_bounded_line() {
    let huge = "A".repeat(1024 * 1024);
    let lines = "line one\nline two\r\n\u{1b}[31mred\u{1b}[0m\u{0}";
    let server = mock().await;
    let client = client(&server.endpoint(), |builder| builder.retry_policy(RetryPolicy::disabled()));
    let error_body = |code: &str, message: &str, request_id: &str| {
        serde_json::json!({"Response": {"Error": {"Code": code, "Message": message}, "RequestId": request_id}})
            .to_string()
    };
    let status_body = |status: &str| {
        serde_json::json!({"Response": {"OrderId": "o", "Status": status, "IsAudited": true, "RequestId": lines}})
            .to_string()
    };
    for body in [
        error_body(&huge, &huge, &huge),
        error_body(lines, lines, lines),
        error_body("AuthFailure.SignatureExpire", &huge, &huge),
        status_body(&huge),
        status_body(lines),
    ] {
        server.enqueue(ok_json(body));
        let error = client.send(&request()).await.err().unwrap();
        let line = error.to_string();
        assert!(!line.contains(['\n', '\r', '\u{1b}', '\u{0}']), "not one line: {line:?}");
        assert!(line.chars().count() <= MAX_HOSTILE_LINE_CHARS, "{} chars: {line}", line.chars().count());
        assert!(matches!(error, Error::Service(_) | Error::Decode { .. }), "{error:?}");
    }
    // The values themselves are kept whole for code that needs them.
    server.enqueue(ok_json(error_body(&huge, "m", "r")));
    match client.send(&request()).await {
        Err(Error::Service(error)) => assert_eq!(error.code, Code::Unknown(huge.clone())),
        other => panic!("expected a service error, got {other:?}"),
    }
    // Over HTTP errors too: a RequestId with line breaks in a gateway's envelope.
    let body = serde_json::json!({"Response": {"RequestId": lines}}).to_string();
    server.enqueue(Reply::raw(StatusCode::BAD_GATEWAY, "application/json", body));
    let line = client.send(&request()).await.err().unwrap().to_string();
    assert!(!line.contains(['\n', '\r']) && line.contains(r"(RequestId line one\nline two\r\n"), "{line}");
}
