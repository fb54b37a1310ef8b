//! The `certificate_order_submit` example as a user runs it: a real process, its exit code, its
//! stdout and stderr. The binary is built once by `cargo build --example` (a no-op when
//! `cargo test` already built the examples).
//!
//! The example reads its credentials through the default chain: the tests give it keys, a CVM
//! role (a fake metadata service), TKE variables (the mock as STS), or nothing at all.

#![allow(clippy::unwrap_used)]

mod credentials_common;
mod examples_common;

use std::time::{Duration, Instant, SystemTime};

use credentials_common::{
    FakeMetadata, ROLES_PATH, TempDir, closed_port_url, signed_by, signer, silent_server, ssl_mock, sts_answer,
    sts_mock, temporary, temporary_secrets,
};
use examples_common::{run_example, run_example_async};
use secrecy::ExposeSecret;
use tcapi::ssl;
use tcapi_runtime::mock::{MockServer, Reply, example_credentials};

fn example_credentials_env() -> Vec<(String, String)> {
    let credentials = example_credentials();
    vec![
        ("TENCENTCLOUD_SECRET_ID".into(), credentials.secret_id().into()),
        ("TENCENTCLOUD_SECRET_KEY".into(), credentials.secret_key().expose_secret().into()),
    ]
}

fn documented_example_response() -> serde_json::Value {
    let example = ssl::EXAMPLES
        .iter()
        .find(|example| example.action == "CertificateOrderSubmit")
        .map(|example| example.response)
        .unwrap();
    serde_json::from_str::<serde_json::Value>(example).unwrap()["Response"].clone()
}

#[test]
fn with_mock_it_prints_the_documented_response_as_json_and_exits_0() {
    let run = run_example("certificate_order_submit", &["--cert-id", "Dsqef134", "--mock"], &[]);
    assert_eq!(run.code, Some(0), "stderr: {}", run.stderr);
    assert_eq!(run.stderr, "");
    let printed: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(printed, documented_example_response());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_endpoint_it_sends_a_signed_request_built_from_the_flags() {
    let server = MockServer::builder().actions(ssl::ACTIONS).examples(ssl::EXAMPLES).start().await.unwrap();
    server.enqueue(Reply::response(serde_json::json!({
        "OrderId": "SO-from-test", "Status": 4, "IsAudited": false, "RequestId": "r-endpoint"
    })));
    let args = [
        "--cert-id",
        "Dsqef134",
        "--verify-type",
        "FILE",
        "--delete-dns-auto-record",
        "--region",
        "ap-guangzhou",
        "--endpoint",
        &server.endpoint(),
    ]
    .map(String::from)
    .to_vec();
    let run = run_example_async("certificate_order_submit", args, example_credentials_env()).await;
    assert_eq!(run.code, Some(0), "stderr: {}", run.stderr);
    let printed: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        printed,
        serde_json::json!({"OrderId": "SO-from-test", "Status": 4, "IsAudited": false, "RequestId": "r-endpoint"})
    );

    let received = server.requests();
    assert_eq!(received.len(), 1);
    let request = &received[0];
    assert!(request.signature_valid, "{:?}", request.rejection);
    assert_eq!(request.action, "CertificateOrderSubmit");
    assert_eq!(&request.body[..], br#"{"CertId":"Dsqef134","DeleteDnsAutoRecord":1,"VerifyType":"FILE"}"#);
    assert_eq!(request.headers.get("x-tc-region").and_then(|v| v.to_str().ok()), Some("ap-guangzhou"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_service_error_is_one_line_on_stderr_and_exit_code_1() {
    let server = MockServer::builder().actions(ssl::ACTIONS).examples(ssl::EXAMPLES).start().await.unwrap();
    server.enqueue(Reply::service_error("FailedOperation.CertificateNotFound", "The certificate does not exist."));
    let args = ["--cert-id", "nope", "--endpoint", &server.endpoint()].map(String::from).to_vec();
    let run = run_example_async("certificate_order_submit", args, example_credentials_env()).await;
    assert_eq!(run.code, Some(1));
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr
            .starts_with("error: FailedOperation.CertificateNotFound: The certificate does not exist. (RequestId "),
        "{}",
        run.stderr
    );
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(!run.stderr.contains(example_credentials().secret_key().expose_secret()));
    assert_eq!(server.request_count(), 1);
}

#[test]
fn without_credentials_it_says_where_it_looked_and_exits_1() {
    // No metadata service either: nothing listens where the CVM role is looked for.
    let metadata = closed_port_url();
    let started = Instant::now();
    let run = run_example(
        "certificate_order_submit",
        &["--cert-id", "Dsqef134", "--endpoint", "http://127.0.0.1:9"],
        &[("TENCENTCLOUD_METADATA_ENDPOINT", &metadata)],
    );
    assert_eq!(run.code, Some(1));
    assert_eq!(run.stdout, "");
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(
        run.stderr.starts_with("error: no credentials found: environment: TENCENTCLOUD_SECRET_ID"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains(".tencentcloud/credentials"), "{}", run.stderr);
    assert!(
        run.stderr.contains("; TKE OIDC: TKE_PROVIDER_ID, TKE_WEB_IDENTITY_TOKEN_FILE and TKE_ROLE_ARN are not set; ")
    );
    assert!(
        run.stderr.contains(&format!("; CVM role: no metadata service answered at {metadata}{ROLES_PATH}: ")),
        "{}",
        run.stderr
    );
    assert!(started.elapsed() < Duration::from_secs(10), "took {:?}", started.elapsed());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_keys_and_with_a_metadata_service_that_never_answers_it_gives_up_within_seconds() {
    let (silent, _server) = silent_server().await;
    let args = ["--cert-id", "Dsqef134", "--endpoint", "http://127.0.0.1:9"].map(String::from).to_vec();
    let started = Instant::now();
    let run = run_example_async(
        "certificate_order_submit",
        args,
        vec![("TENCENTCLOUD_METADATA_ENDPOINT".into(), silent.clone())],
    )
    .await;
    let elapsed = started.elapsed();
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(run.stderr.contains(&format!("CVM role: no metadata service answered at {silent}")), "{}", run.stderr);
    assert!(elapsed < Duration::from_secs(8), "took {elapsed:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_only_a_cvm_role_it_signs_with_the_role_credentials() {
    let metadata =
        FakeMetadata::start(Some("cvm-role"), vec![(temporary(1), SystemTime::now() + Duration::from_secs(3600))])
            .await;
    let server = ssl_mock(&[temporary(1)]).await;
    let args = ["--cert-id", "Dsqef134", "--endpoint", &server.endpoint()].map(String::from).to_vec();
    let run = run_example_async(
        "certificate_order_submit",
        args,
        vec![("TENCENTCLOUD_METADATA_ENDPOINT".into(), metadata.url())],
    )
    .await;
    assert_eq!(run.code, Some(0), "stderr: {}", run.stderr);
    let printed: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(printed, documented_example_response());

    assert_eq!(metadata.requests(), [ROLES_PATH.to_owned(), format!("{ROLES_PATH}cvm-role")]);
    let received = server.requests();
    assert_eq!(received.len(), 1);
    assert!(received[0].signature_valid, "{:?}", received[0].rejection);
    assert_eq!(signer(&received[0]), signed_by(&temporary(1)));
    for secret in temporary_secrets(1) {
        assert!(!run.stdout.contains(&secret) && !run.stderr.contains(&secret));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_only_the_tke_variables_it_signs_with_the_assumed_role() {
    let dir = TempDir::new("example-tke");
    let token_file = dir.write("token", "tke-web-identity-token");
    let sts = sts_mock(example_credentials()).await;
    sts.enqueue(sts_answer(&temporary(2), SystemTime::now() + Duration::from_secs(3600)));
    let server = ssl_mock(&[temporary(2)]).await;
    let role_arn = "qcs::cam::uin/100000000001:roleName/tke-pod";
    let env = [
        ("TKE_REGION", "ap-singapore".to_owned()),
        ("TKE_PROVIDER_ID", "tke-oidc-provider".to_owned()),
        ("TKE_WEB_IDENTITY_TOKEN_FILE", token_file.display().to_string()),
        ("TKE_ROLE_ARN", role_arn.to_owned()),
        ("TENCENTCLOUD_STS_ENDPOINT", sts.endpoint()),
        // Never reached: TKE comes before the CVM role.
        ("TENCENTCLOUD_METADATA_ENDPOINT", closed_port_url()),
    ]
    .map(|(name, value)| (name.to_owned(), value))
    .to_vec();
    let args = ["--cert-id", "Dsqef134", "--endpoint", &server.endpoint()].map(String::from).to_vec();
    let run = run_example_async("certificate_order_submit", args, env).await;
    assert_eq!(run.code, Some(0), "stderr: {}", run.stderr);
    let printed: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(printed, documented_example_response());

    let exchanged = sts.requests();
    assert_eq!(exchanged.len(), 1);
    let request = &exchanged[0];
    assert_eq!(request.action, "AssumeRoleWithWebIdentity");
    assert_eq!(request.headers.get("authorization").map(|v| v.as_bytes()), Some(&b"SKIP"[..]));
    assert_eq!(request.headers.get("x-tc-region").and_then(|v| v.to_str().ok()), Some("ap-singapore"));
    let body: serde_json::Value = serde_json::from_slice(&request.body).unwrap();
    assert_eq!(body["ProviderId"], "tke-oidc-provider");
    assert_eq!(body["WebIdentityToken"], "tke-web-identity-token");
    assert_eq!(body["RoleArn"], role_arn);

    let received = server.requests();
    assert_eq!(received.len(), 1);
    assert!(received[0].signature_valid, "{:?}", received[0].rejection);
    assert_eq!(signer(&received[0]), signed_by(&temporary(2)));
    assert!(!run.stderr.contains("tke-web-identity-token"));
}

#[test]
fn an_unreachable_endpoint_is_one_line_and_exit_code_1() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let endpoint = format!("http://127.0.0.1:{port}");
    let credentials = [("TENCENTCLOUD_SECRET_ID", "AKIDexample"), ("TENCENTCLOUD_SECRET_KEY", "example-key")];
    let run =
        run_example("certificate_order_submit", &["--cert-id", "Dsqef134", "--endpoint", &endpoint], &credentials);
    assert_eq!(run.code, Some(1));
    assert!(run.stderr.starts_with(&format!("error: cannot connect to {endpoint}/")), "{}", run.stderr);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
}

#[test]
fn invalid_flags_are_usage_errors() {
    let run =
        run_example("certificate_order_submit", &["--cert-id", "Dsqef134", "--verify-type", "EMAIL", "--mock"], &[]);
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("invalid value 'EMAIL' for '--verify-type <TYPE>'"), "{}", run.stderr);
    let run = run_example("certificate_order_submit", &["--mock"], &[]);
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("--cert-id <ID>"), "{}", run.stderr);
    let run =
        run_example("certificate_order_submit", &["--cert-id", "x", "--mock", "--endpoint", "http://127.0.0.1:9"], &[]);
    assert_eq!(run.code, Some(2));
}
