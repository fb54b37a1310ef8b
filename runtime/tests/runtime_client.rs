//! The runtime's send path over real loopback HTTP against the built-in mock server.

mod runtime_common;

use std::time::{Duration, Instant};

use bytes::Bytes;
use http::StatusCode;
use runtime_common::{CODES, CertificateOrderSubmitErrorCode as Code, EXAMPLE_RESPONSE, client_for, mock, request};
use tcapi_runtime::mock::{Reply, example_credentials};
use tcapi_runtime::{Client, Config, Credentials, Error, Language, RateLimit, RetryPolicy};

#[tokio::test]
async fn signed_request_is_accepted_and_decoded_from_the_example() {
    let server = mock().await;
    let client = client_for(&server, |builder| builder);
    let output = client.send(&request()).await;
    let Ok(output) = output else { panic!("call failed: {}", output.err().map(|e| e.to_string()).unwrap_or_default()) };
    assert_eq!(output.order_id, "Dsqef134");
    assert_eq!(output.status, 1);
    assert!(!output.is_audited);
    assert_eq!(output.request_id, "3c140219-cfe9-470e-b241-907877d6fb03");

    let received = server.requests();
    assert_eq!(received.len(), 1);
    let received = &received[0];
    assert!(received.signature_valid, "{:?}", received.rejection);
    assert_eq!(received.action, "CertificateOrderSubmit");
    assert_eq!(
        received.body,
        Bytes::from_static(br#"{"CertId":"Dsqef134","DeleteDnsAutoRecord":1,"VerifyType":"DNS"}"#)
    );
    let header = |name: &str| received.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
    assert_eq!(header("x-tc-version").as_deref(), Some("2019-12-05"));
    assert_eq!(header("x-tc-language").as_deref(), Some("en-US"));
    assert_eq!(header("content-type").as_deref(), Some("application/json"));
    assert_eq!(header("host"), Some(server.endpoint().trim_start_matches("http://").to_owned()));
    assert!(header("x-tc-requestclient").is_some_and(|client| client.starts_with("tcapi-rust_")));
    assert_eq!(header("x-tc-region"), None);
    assert_eq!(header("x-tc-token"), None);
}

#[tokio::test]
async fn region_token_and_language_are_sent_and_the_token_verified() {
    let credentials = example_credentials().with_token("temporary-token-value");
    let server = runtime_common::mock_with_credentials(credentials.clone()).await;
    let client =
        client_for(&server, |builder| builder.credentials(credentials).region("ap-guangzhou").language(Language::ZhCn));
    assert!(client.send(&request()).await.is_ok());
    let received = &server.requests()[0];
    assert!(received.signature_valid);
    let header = |name: &str| received.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
    assert_eq!(header("x-tc-region").as_deref(), Some("ap-guangzhou"));
    assert_eq!(header("x-tc-language").as_deref(), Some("zh-CN"));
    assert_eq!(header("x-tc-token").as_deref(), Some("temporary-token-value"));
}

#[tokio::test]
async fn wrong_secret_key_is_rejected_by_the_mock_verification() {
    let server = mock().await;
    let client = client_for(&server, |builder| {
        builder.credentials(Credentials::new(example_credentials().secret_id(), "not-the-key"))
    });
    match client.send(&request()).await {
        Err(Error::Service(error)) => {
            assert_eq!(error.code, Code::AuthFailureSignatureFailure);
            // The mock answers with the message the spec documents, the client adds its hint.
            assert!(
                error.to_string().starts_with("AuthFailure.SignatureFailure: Signature verification failed."),
                "{error}"
            );
            assert!(error.to_string().contains("check the secret key"), "{error}");
        }
        other => panic!("expected a signature failure, got {other:?}"),
    }
    assert_eq!(server.request_count(), 1);
    assert!(!server.requests()[0].signature_valid);
}

#[tokio::test]
async fn each_documented_code_decodes_to_its_variant_and_unknown_codes_are_kept() {
    let server = mock().await;
    let client = client_for(&server, |builder| builder.retry_policy(RetryPolicy::disabled()));
    for (code, variant, ..) in CODES {
        server.enqueue(Reply::service_error(*code, "server says no"));
        match client.send(&request()).await {
            Err(Error::Service(error)) => {
                assert_eq!(error.code, variant(), "{code}");
                assert_eq!(error.message, "server says no");
                assert!(!error.request_id.is_empty());
                let display = Error::Service(error.clone()).to_string();
                assert!(
                    display.starts_with(&format!("{code}: server says no (RequestId {})", error.request_id)),
                    "{display}"
                );
                assert!(!display.contains('\n'));
            }
            other => panic!("{code}: expected a service error, got {other:?}"),
        }
    }
    server.enqueue(Reply::service_error("FailedOperation.SomethingNew", "new"));
    match client.send(&request()).await {
        Err(Error::Service(error)) => assert_eq!(error.code, Code::Unknown("FailedOperation.SomethingNew".into())),
        other => panic!("expected a service error, got {other:?}"),
    }
}

#[tokio::test]
async fn matching_a_typed_code_in_one_step() {
    let server = mock().await;
    let client = client_for(&server, |builder| builder);
    server.enqueue(Reply::service_error("FailedOperation.CertificateNotFound", "gone"));
    match client.send(&request()).await {
        Err(Error::Service(e)) if e.code == Code::FailedOperationCertificateNotFound => {}
        other => panic!("expected CertificateNotFound, got {other:?}"),
    }
}

#[tokio::test]
async fn signature_expire_tells_to_check_the_clock() {
    let server = mock().await;
    let client = client_for(&server, |builder| builder);
    server.enqueue(Reply::service_error("AuthFailure.SignatureExpire", "Signature expired."));
    let error = client.send(&request()).await.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(error.contains("check the system clock"), "{error}");
}

#[tokio::test]
async fn unknown_status_and_extra_fields_are_kept_forward_compatible() {
    let server = mock().await;
    let client = client_for(&server, |builder| builder);
    server.enqueue(Reply::response(serde_json::json!({
        "OrderId": "o-1", "Status": 99, "IsAudited": true, "NewField": {"nested": [1, 2]}, "RequestId": "r-1"
    })));
    let output = client.send(&request()).await.ok();
    assert_eq!(output.map(|o| (o.order_id, o.status, o.request_id)), Some(("o-1".into(), 99, "r-1".into())));
}

#[tokio::test]
async fn request_limit_exceeded_twice_then_success_takes_three_attempts() {
    let server = mock().await;
    let client = client_for(&server, |builder| builder);
    server.enqueue(Reply::service_error("RequestLimitExceeded", "slow down"));
    server.enqueue(Reply::service_error("RequestLimitExceeded.UinLimitExceeded", "slow down"));
    let output = client.send(&request()).await;
    assert!(output.is_ok(), "{output:?}");
    let received = server.requests();
    assert_eq!(received.len(), 3);
    assert!(received.iter().all(|request| request.signature_valid));
    // Every attempt is signed anew (the mock verified each one).
    assert!(received.iter().all(|request| request.headers.contains_key("authorization")));
}

#[tokio::test]
async fn a_code_the_spec_marks_retryable_is_retried_up_to_max_attempts() {
    let server = mock().await;
    let client = client_for(&server, |builder| builder);
    for _ in 0..3 {
        server.enqueue(Reply::service_error("FailedOperation.NetworkError", "The CA system is busy"));
    }
    match client.send(&request()).await {
        Err(Error::Service(error)) => assert_eq!(error.code, Code::FailedOperationNetworkError),
        other => panic!("expected the retryable code after 3 attempts, got {other:?}"),
    }
    assert_eq!(server.request_count(), 3);
}

#[tokio::test]
async fn a_non_retryable_error_is_sent_exactly_once() {
    let server = mock().await;
    let client = client_for(&server, |builder| builder);
    server.enqueue(Reply::service_error("InternalError", "oops"));
    assert!(matches!(client.send(&request()).await, Err(Error::Service(e)) if e.code == Code::InternalError));
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn a_server_that_never_answers_times_out_in_the_configured_time_without_retry() {
    let server = mock().await;
    let timeout = Duration::from_millis(400);
    let client = client_for(&server, |builder| builder.request_timeout(timeout));
    server.enqueue(Reply::hang());
    let started = Instant::now();
    let result = client.send(&request()).await;
    let elapsed = started.elapsed();
    assert!(matches!(result, Err(Error::Timeout { timeout: t, retried: false }) if t == timeout), "{result:?}");
    assert!(elapsed >= timeout && elapsed < timeout + Duration::from_secs(2), "{elapsed:?}");
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn a_slow_answer_within_the_timeout_succeeds() {
    let server = mock().await;
    let client = client_for(&server, |builder| builder.request_timeout(Duration::from_secs(5)));
    server.enqueue(Reply::delayed(
        Duration::from_millis(100),
        Reply::response(serde_json::json!({
            "OrderId": "late", "Status": 0, "IsAudited": false
        })),
    ));
    assert_eq!(client.send(&request()).await.ok().map(|o| o.order_id), Some("late".into()));
}

#[tokio::test]
async fn http_500_with_html_is_an_http_error_with_an_excerpt() {
    let server = mock().await;
    let client = client_for(&server, |builder| builder);
    let html = format!("<html><body>\n<h1>502 Bad Gateway</h1>{}</body></html>", "x".repeat(5000));
    server.enqueue(Reply::raw(StatusCode::INTERNAL_SERVER_ERROR, "text/html", html));
    match client.send(&request()).await {
        Err(error @ Error::Http { .. }) => {
            let Error::Http { status, excerpt, request_id } = &error else { unreachable!() };
            assert_eq!(*status, StatusCode::INTERNAL_SERVER_ERROR);
            assert!(excerpt.starts_with(r"<html><body>\n<h1>502"), "{excerpt}");
            assert!(excerpt.chars().count() <= 200);
            assert_eq!(*request_id, None);
            let display = error.to_string();
            assert!(display.starts_with("HTTP 500 Internal Server Error"), "{display}");
            assert!(!display.contains('\n'));
        }
        other => panic!("expected an HTTP error, got {other:?}"),
    }
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn truncated_and_mistyped_json_are_decode_errors() {
    let server = mock().await;
    let client = client_for(&server, |builder| builder);
    // A service error only needs the body, whatever the content type says.
    server.enqueue(Reply::raw(StatusCode::OK, "application/json; charset=utf-8", r#"{"Response":{"OrderId":"x","Sta"#));
    assert!(
        matches!(client.send(&request()).await, Err(Error::Decode { excerpt, .. }) if excerpt.starts_with(r#"{"Response""#))
    );
    server.enqueue(Reply::response(
        serde_json::json!({"OrderId": "o", "Status": "one", "IsAudited": false, "RequestId": "r-9"}),
    ));
    match client.send(&request()).await {
        Err(error @ Error::Decode { .. }) => {
            assert_eq!(error.request_id(), Some("r-9"));
            assert!(error.to_string().contains("Response.Status: \"one\" cannot be read as an int64"), "{error}");
            assert!(error.to_string().contains("(RequestId r-9)"), "{error}");
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
    server.enqueue(Reply::raw(StatusCode::OK, "application/json", r#"{"Result":{}}"#));
    assert!(
        matches!(client.send(&request()).await, Err(Error::Decode { message, .. }) if message.contains("Response"))
    );
    assert_eq!(server.request_count(), 3);
}

#[tokio::test]
async fn an_error_body_is_read_whatever_the_content_type() {
    let server = mock().await;
    let client = client_for(&server, |builder| builder);
    let body = r#"{"Response":{"Error":{"Code":"InternalError","Message":"m"},"RequestId":"r-7"}}"#;
    server.enqueue(Reply::raw(StatusCode::OK, "application/json; charset=utf-8", body));
    assert!(
        matches!(client.send(&request()).await, Err(Error::Service(e)) if e.code == Code::InternalError && e.request_id == "r-7")
    );
}

#[tokio::test]
async fn a_connection_closed_mid_body_is_a_transport_error_not_retried() {
    let server = mock().await;
    let client = client_for(&server, |builder| builder);
    server.enqueue(Reply::close_mid_body(r#"{"Response":{"OrderId":"#));
    let result = client.send(&request()).await;
    assert!(matches!(result, Err(Error::Transport { .. })), "{result:?}");
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn a_64_mib_body_is_refused_at_the_limit() {
    let server = mock().await;
    let client = client_for(&server, |builder| builder);
    server.enqueue(Reply::raw(StatusCode::OK, "application/json", vec![b' '; 64 * 1024 * 1024]));
    let result = client.send(&request()).await;
    assert!(matches!(result, Err(Error::BodyTooLarge { limit }) if limit == 10 * 1024 * 1024), "{result:?}");
    // A smaller configured limit applies too.
    let client = client_for(&server, |builder| builder.max_response_size(64));
    let result = client.send(&request()).await;
    assert!(matches!(result, Err(Error::BodyTooLarge { limit: 64 })), "{result:?}");
}

#[tokio::test]
async fn an_endless_chunked_body_is_cut_off_at_the_limit_without_reading_it_all() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    // A raw server: chunked encoding (no Content-Length to refuse up front), up to 64 MiB.
    let listener = match tokio::net::TcpListener::bind("127.0.0.1:0").await {
        Ok(listener) => listener,
        Err(error) => panic!("{error}"),
    };
    let endpoint = format!("http://{}", listener.local_addr().map(|a| a.to_string()).unwrap_or_default());
    let server = tokio::spawn(async move {
        let Ok((mut stream, _)) = listener.accept().await else { return 0usize };
        let mut request = [0u8; 4096];
        let _ = stream.read(&mut request).await;
        if stream
            .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n")
            .await
            .is_err()
        {
            return 0;
        }
        let chunk = vec![b' '; 64 * 1024];
        let mut written = 0;
        while written < 64 * 1024 * 1024 {
            let framed = [format!("{:x}\r\n", chunk.len()).as_bytes(), &chunk, b"\r\n"].concat();
            if stream.write_all(&framed).await.is_err() {
                break;
            }
            written += chunk.len();
        }
        written
    });
    let config =
        Config::builder().credentials(example_credentials()).endpoint(endpoint).max_response_size(1024 * 1024).build();
    let Ok(config) = config else { panic!("config rejected") };
    let result = Client::new(config).send(&request()).await;
    assert!(matches!(result, Err(Error::BodyTooLarge { limit: 1_048_576 })), "{result:?}");
    let written = server.await.unwrap_or_default();
    // The client hung up soon after the limit; socket buffers hold a few MiB at most.
    assert!(written < 16 * 1024 * 1024, "the server wrote {written} bytes before the client hung up");
}

#[tokio::test]
async fn an_unreachable_endpoint_is_a_connect_error_after_all_attempts() {
    // A port that was just free: nothing listens there.
    let port = match std::net::TcpListener::bind("127.0.0.1:0").and_then(|listener| listener.local_addr()) {
        Ok(address) => address.port(),
        Err(error) => panic!("{error}"),
    };
    let config = Config::builder()
        .credentials(example_credentials())
        .endpoint(format!("http://127.0.0.1:{port}"))
        .retry_policy(RetryPolicy::default().with_base_delay(Duration::from_millis(1)))
        .build();
    let Ok(config) = config else { panic!("config rejected") };
    let result = Client::new(config).send(&request()).await;
    assert!(
        matches!(&result, Err(Error::Connect { endpoint, .. }) if endpoint.contains(&port.to_string())),
        "{result:?}"
    );
}

#[tokio::test]
async fn a_required_region_is_checked_before_sending() {
    static REGIONAL: tcapi_runtime::ActionInfo =
        tcapi_runtime::ActionInfo { region_required: true, ..runtime_common::CERTIFICATE_ORDER_SUBMIT };
    #[derive(Debug, Default, tcapi_runtime::Wire)]
    struct Regional {}
    impl tcapi_runtime::Action for Regional {
        type Output = runtime_common::CertificateOrderSubmitResponse;
        type ErrorCode = Code;
        const INFO: &'static tcapi_runtime::ActionInfo = &REGIONAL;
    }
    let server = mock().await;
    let client = client_for(&server, |builder| builder);
    let result = client.send(&Regional {}).await;
    assert!(matches!(result, Err(Error::Config(_))), "{result:?}");
    assert_eq!(server.request_count(), 0);
}

#[tokio::test]
async fn twenty_five_calls_at_ten_per_second_are_paced_over_real_loopback() {
    let server = mock().await;
    let client = client_for(&server, |builder| builder.rate_limit(RateLimit::FromSpec));
    let started = Instant::now();
    let mut calls = tokio::task::JoinSet::new();
    for _ in 0..25 {
        // Clones share the limiter.
        let client = client.clone();
        calls.spawn(async move { client.send(&request()).await.is_ok() });
    }
    let mut succeeded = 0;
    while let Some(result) = calls.join_next().await {
        succeeded += usize::from(matches!(result, Ok(true)));
    }
    assert_eq!(succeeded, 25);
    assert!(started.elapsed() >= Duration::from_millis(1500), "{:?}", started.elapsed());
    let mut arrivals: Vec<Instant> = server.requests().iter().map(|request| request.received_at).collect();
    arrivals.sort();
    for window in arrivals.windows(11) {
        assert!(window[10] - window[0] > Duration::from_secs(1), "11 requests within {:?}", window[10] - window[0]);
    }
}

#[test]
fn the_example_response_is_the_api_envelope() {
    let value: serde_json::Value = serde_json::from_str(EXAMPLE_RESPONSE).unwrap_or_default();
    assert!(value["Response"]["RequestId"].is_string());
}

#[tokio::test]
async fn an_unsigned_action_is_sent_with_authorization_skip_and_needs_no_credentials() {
    static UNSIGNED: tcapi_runtime::ActionInfo =
        tcapi_runtime::ActionInfo { unsigned: true, ..runtime_common::CERTIFICATE_ORDER_SUBMIT };
    #[derive(Debug, Default, tcapi_runtime::Wire)]
    struct Unsigned {}
    impl tcapi_runtime::Action for Unsigned {
        type Output = runtime_common::CertificateOrderSubmitResponse;
        type ErrorCode = Code;
        const INFO: &'static tcapi_runtime::ActionInfo = &UNSIGNED;
    }
    let server = match tcapi_runtime::mock::MockServer::builder().actions(&[&UNSIGNED]).start().await {
        Ok(server) => server,
        Err(error) => panic!("mock server failed to start: {error}"),
    };
    // No credentials anywhere: an empty environment and no profile file.
    let nowhere = tcapi_runtime::Environment::from_map([("HOME", "/nonexistent-home-for-tcapi-tests")]);
    let config = Config::builder()
        .credentials(tcapi_runtime::CredentialsChain::default_chain_in(&nowhere))
        .endpoint(server.endpoint())
        .build();
    let Ok(config) = config else { panic!("config rejected") };
    let result = Client::new(config).send(&Unsigned {}).await;
    assert!(result.is_ok(), "{result:?}");
    let received = server.requests();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].headers.get("authorization").map(|value| value.as_bytes()), Some(&b"SKIP"[..]));
    assert!(received[0].headers.get("x-tc-token").is_none());
}

/// Answers every request with the example and records where it was addressed.
#[derive(Debug, Default)]
struct AddressRecorder {
    addressed: std::sync::Mutex<Vec<(String, String)>>,
}

impl tcapi_runtime::HttpTransport for AddressRecorder {
    fn send(&self, request: http::Request<Bytes>, _max_response_size: usize) -> tcapi_runtime::TransportFuture<'_> {
        let host = request.headers().get(http::header::HOST).and_then(|host| host.to_str().ok()).unwrap_or_default();
        let address = (request.uri().to_string(), host.to_owned());
        self.addressed.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(address);
        Box::pin(async { Ok(http::Response::new(Bytes::from_static(EXAMPLE_RESPONSE.as_bytes()))) })
    }
}

#[tokio::test]
async fn each_call_goes_to_the_site_s_default_endpoint_with_its_host_header() {
    for (site, host) in [
        (tcapi::Site::International, "ssl.intl.tencentcloudapi.com"),
        (tcapi::Site::Mainland, "ssl.tencentcloudapi.com"),
    ] {
        let transport = std::sync::Arc::new(AddressRecorder::default());
        let config = Config::builder()
            .credentials(example_credentials())
            .site(site)
            .rate_limit(RateLimit::Disabled)
            .transport(transport.clone())
            .build()
            .unwrap();
        let client = Client::new(config);
        for _ in 0..3 {
            client.send(&request()).await.unwrap();
        }
        let expected = (format!("https://{host}/"), host.to_owned());
        assert_eq!(*transport.addressed.lock().unwrap(), vec![expected; 3]);
    }
}
