//! The generic call (`Client::call_json`) and the `call` example, over real loopback: any action of
//! any service and version, signed like a generated one, its errors typed by code, message and
//! RequestId, rate-limit refusals retried.

#![allow(clippy::unwrap_used)]

mod examples_common;

use std::time::Duration;

use examples_common::{run_example, run_example_async};
use secrecy::ExposeSecret;
use tcapi::{CommonErrorCode, JsonCall};
use tcapi_runtime::mock::{MockServer, Reply, example_credentials};
use tcapi_runtime::{Client, Error, RetryPolicy};

const ZONES: JsonCall<'static> = JsonCall { service: "cvm", version: "2017-03-12", action: "DescribeZones" };

async fn any_action_mock() -> MockServer {
    MockServer::builder().services(tcapi::SERVICES).any_action().start().await.unwrap()
}

fn client(server: &MockServer) -> Client {
    let retry =
        RetryPolicy::default().with_base_delay(Duration::from_millis(5)).with_max_delay(Duration::from_millis(20));
    Client::new(server.config_builder().region("ap-singapore").retry_policy(retry).build().unwrap())
}

#[tokio::test]
async fn any_action_is_signed_for_its_service_and_answers_its_response_object() {
    let server = any_action_mock().await;
    server.enqueue(Reply::response(serde_json::json!({"TotalCount": 1, "ZoneSet": [{"Zone": "ap-singapore-1"}]})));
    let body = serde_json::json!({"Product": "cvm"});
    let response = client(&server).call_json::<CommonErrorCode>(&ZONES, &body).await.unwrap();
    assert_eq!(response["ZoneSet"][0]["Zone"], "ap-singapore-1");
    assert!(response["RequestId"].is_string());
    let received = &server.requests()[0];
    assert!(received.signature_valid, "{:?}", received.rejection);
    let header = |name: &str| received.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    assert_eq!(
        (header("x-tc-action"), header("x-tc-version"), header("x-tc-region")),
        ("DescribeZones".into(), "2017-03-12".into(), "ap-singapore".into())
    );
    assert!(header("authorization").contains("/cvm/tc3_request"), "{}", header("authorization"));
    assert_eq!(serde_json::from_slice::<serde_json::Value>(&received.body).unwrap(), body);
}

#[tokio::test]
async fn errors_are_typed_and_rate_limit_refusals_are_retried() {
    let server = any_action_mock().await;
    server.enqueue(Reply::service_error("RequestLimitExceeded", "slow down"));
    server.enqueue(Reply::service_error("AuthFailure.SignatureExpire", "expired"));
    let error = client(&server).call_json::<CommonErrorCode>(&ZONES, &serde_json::json!({})).await.err().unwrap();
    match &error {
        Error::Service(service) => {
            assert_eq!(service.code, CommonErrorCode::AuthFailureSignatureExpire);
            assert_eq!(service.message, "expired");
            assert!(!service.request_id.is_empty());
        }
        other => panic!("{other:?}"),
    }
    assert!(error.to_string().contains("check the system clock"), "{error}");
    assert_eq!(server.request_count(), 2, "the rate-limit refusal was sent again, the expired signature not");
}

#[tokio::test]
async fn names_that_cannot_go_into_a_request_and_bodies_that_are_not_objects_fail_before_sending() {
    let server = any_action_mock().await;
    let client = client(&server);
    let bad = JsonCall { service: "cvm\r\nX-Evil: 1", ..ZONES };
    assert!(matches!(client.call_json::<CommonErrorCode>(&bad, &serde_json::json!({})).await, Err(Error::Config(_))));
    assert!(matches!(client.call_json::<CommonErrorCode>(&ZONES, &serde_json::json!([1])).await, Err(Error::Build(_))));
    assert_eq!(server.request_count(), 0);
}

#[test]
fn the_example_with_mock_prints_the_response_json_and_exits_0() {
    // ssl is in this build: the mock answers with the spec's documented example.
    let args = [
        "--service",
        "ssl",
        "--version",
        "2019-12-05",
        "--action",
        "CertificateOrderSubmit",
        "--body",
        r#"{"CertId":"x"}"#,
        "--mock",
    ];
    let run = run_example("call", &args, &[]);
    assert_eq!(run.code, Some(0), "stderr: {}", run.stderr);
    let printed: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(printed["OrderId"], "SO8zRv29");
    // Another service: its documented example, or an empty success in a build without it; a
    // RequestId either way.
    let args = [
        "--service",
        "cvm",
        "--version",
        "2017-03-12",
        "--action",
        "DescribeZones",
        "--region",
        "ap-singapore",
        "--body",
        r#"{"Product":"cvm"}"#,
        "--mock",
    ];
    let run = run_example("call", &args, &[]);
    assert_eq!(run.code, Some(0), "stderr: {}", run.stderr);
    assert!(serde_json::from_str::<serde_json::Value>(&run.stdout).unwrap()["RequestId"].is_string());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_example_sends_to_any_endpoint_and_prints_errors_on_one_line() {
    let server = any_action_mock().await;
    server.enqueue(Reply::response(serde_json::json!({"ZoneSet": []})));
    server.enqueue(Reply::service_error("UnsupportedRegion", "not here"));
    let credentials = example_credentials();
    let env = vec![
        ("TENCENTCLOUD_SECRET_ID".to_owned(), credentials.secret_id().to_owned()),
        ("TENCENTCLOUD_SECRET_KEY".to_owned(), credentials.secret_key().expose_secret().to_owned()),
    ];
    let args: Vec<String> = ["--service", "cvm", "--version", "2017-03-12", "--action", "DescribeZones", "--endpoint"]
        .iter()
        .map(|arg| (*arg).to_owned())
        .chain([server.endpoint()])
        .collect();
    let run = run_example_async("call", args.clone(), env.clone()).await;
    assert_eq!(run.code, Some(0), "stderr: {}", run.stderr);
    assert_eq!(serde_json::from_str::<serde_json::Value>(&run.stdout).unwrap()["ZoneSet"], serde_json::json!([]));
    let run = run_example_async("call", args, env).await;
    assert_eq!(run.code, Some(1));
    assert!(run.stderr.starts_with("error: UnsupportedRegion: not here (RequestId "), "{}", run.stderr);
    assert_eq!(run.stderr.lines().count(), 1);
    // Invalid arguments: clap's usage error and exit code 2.
    assert_eq!(run_example("call", &["--service", "cvm"], &[]).code, Some(2));
}
