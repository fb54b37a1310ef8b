//! The production credential providers over real loopback sockets: a fake CVM metadata service,
//! the built-in mock server playing STS, and the generated ssl client whose calls show which
//! credentials signed them. Expiry is driven by a test clock; nothing waits for real expiry.

#![allow(clippy::unwrap_used)]

mod credentials_common;

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use credentials_common::*;
use http::StatusCode;
use tcapi_runtime::credentials::{CredentialsFuture, ENV_METADATA_ENDPOINT, ENV_STS_ENDPOINT};
use tcapi_runtime::mock::{Reply, example_credentials};
use tcapi_runtime::verify::{self, VerifyError};
use tcapi_runtime::{
    AssumeRoleCredentials, Credentials, CredentialsChain, CredentialsError, CvmRoleCredentials, Environment,
    ProfileCredentials, ProvideCredentials, WebIdentityCredentials,
};

const HOUR: Duration = Duration::from_secs(3600);
const ROLE_ARN: &str = "qcs::cam::uin/100000000001:roleName/ci";

fn rfc3339(time: SystemTime) -> String {
    let seconds = i64::try_from(unix_seconds(time)).unwrap();
    time::OffsetDateTime::from_unix_timestamp(seconds)
        .unwrap()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap()
}

/// `time` cut to whole seconds, as the services send it.
fn whole_seconds(time: SystemTime) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(unix_seconds(time))
}

fn now_unix() -> i64 {
    i64::try_from(unix_seconds(SystemTime::now())).unwrap()
}

fn header<'a>(request: &'a tcapi_runtime::mock::ReceivedRequest, name: &str) -> Option<&'a str> {
    request.headers.get(name).and_then(|value| value.to_str().ok())
}

#[tokio::test]
async fn the_cvm_role_signs_calls_with_its_token_and_is_asked_once_while_fresh() {
    let clock = TestClock::new();
    let expiry = clock.now() + 2 * HOUR;
    let metadata = FakeMetadata::start(Some("ops-role"), vec![(temporary(1), expiry)]).await;
    let server = ssl_mock(&[temporary(1)]).await;
    let cvm = CvmRoleCredentials::builder().endpoint(metadata.url()).clock(clock.clone()).build().unwrap();
    let client = ssl_client(&server, cvm.clone());
    for _ in 0..3 {
        assert!(submit(&client).await.is_ok());
    }
    assert_eq!(metadata.requests(), [ROLES_PATH.to_owned(), format!("{ROLES_PATH}ops-role")]);
    let received = server.requests();
    assert_eq!(received.len(), 3);
    for request in &received {
        assert!(request.signature_valid, "{:?}", request.rejection);
        assert_eq!(signer(request), signed_by(&temporary(1)));
    }
    // Fresh kept credentials come back at once, with when they expire.
    let future = cvm.provide_credentials();
    assert!(matches!(future, CredentialsFuture::Ready(_)));
    assert_eq!(future.await.unwrap().expiry(), Some(whole_seconds(expiry)));
}

#[tokio::test]
async fn without_a_role_the_metadata_404_is_not_configured_and_the_chain_moves_on() {
    let metadata = FakeMetadata::start(None, Vec::new()).await;
    let cvm = CvmRoleCredentials::builder().endpoint(metadata.url()).build().unwrap();
    let error = cvm.provide_credentials().await.err().unwrap();
    assert!(matches!(error, CredentialsError::NotConfigured { .. }), "{error:?}");
    assert_eq!(
        error.to_string(),
        format!("CVM role: {}{ROLES_PATH} answered 404: this machine has no CAM role", metadata.url())
    );

    // A chain takes the next source.
    let server = ssl_mock(&[example_credentials()]).await;
    let chain = CredentialsChain::new(vec![Arc::new(cvm), Arc::new(example_credentials())]);
    assert!(submit(&ssl_client(&server, chain)).await.is_ok());
    assert_eq!(signer(&server.requests()[0]), signed_by(&example_credentials()));

    // The default chain tries the CVM role last and says what each source said.
    let home = TempDir::new("no-role");
    let environment =
        Environment::from_map([("HOME", home.0.display().to_string()), (ENV_METADATA_ENDPOINT, metadata.url())]);
    let message =
        CredentialsChain::default_chain_in(&environment).provide_credentials().await.err().unwrap().to_string();
    assert!(
        message.starts_with(
            "no credentials found: environment: TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY are not set; \
             profile file: none of "
        ),
        "{message}"
    );
    assert!(
        message.ends_with(&format!(
            "; TKE OIDC: TKE_PROVIDER_ID, TKE_WEB_IDENTITY_TOKEN_FILE and TKE_ROLE_ARN are not set; \
             CVM role: {}{ROLES_PATH} answered 404: this machine has no CAM role",
            metadata.url()
        )),
        "{message}"
    );
}

#[tokio::test]
async fn cvm_credentials_are_refreshed_five_minutes_before_they_expire_and_rotate() {
    let clock = TestClock::new();
    let issued = vec![(temporary(1), clock.now() + 2 * HOUR), (temporary(2), clock.now() + 4 * HOUR)];
    let metadata = FakeMetadata::start(Some("ops-role"), issued).await;
    let server = ssl_mock(&[temporary(1), temporary(2)]).await;
    let cvm = CvmRoleCredentials::builder().endpoint(metadata.url()).clock(clock.clone()).build().unwrap();
    let client = ssl_client(&server, cvm);

    assert!(submit(&client).await.is_ok());
    clock.advance(2 * HOUR - Duration::from_secs(5 * 60 + 2));
    assert!(submit(&client).await.is_ok());
    assert_eq!(metadata.credential_requests(), 1);
    clock.advance(Duration::from_secs(4));
    assert!(submit(&client).await.is_ok());
    assert!(submit(&client).await.is_ok());
    // The role was named once; its credentials were asked for twice.
    assert_eq!(metadata.requests().len(), 3);
    assert_eq!(metadata.credential_requests(), 2);
    let signers: Vec<_> = server.requests().iter().map(signer).collect();
    assert_eq!(
        signers,
        [signed_by(&temporary(1)), signed_by(&temporary(1)), signed_by(&temporary(2)), signed_by(&temporary(2))]
    );
    assert!(server.requests().iter().all(|request| request.signature_valid));
}

#[tokio::test]
async fn a_failed_refresh_keeps_the_valid_credentials_and_fails_only_once_they_expired() {
    let clock = TestClock::new();
    let expiry = clock.now() + HOUR;
    let metadata =
        FakeMetadata::start(Some("ops-role"), vec![(temporary(1), expiry), (temporary(2), expiry + 2 * HOUR)]).await;
    let server = ssl_mock(&[temporary(1), temporary(2)]).await;
    let cvm = CvmRoleCredentials::builder().endpoint(metadata.url()).clock(clock.clone()).build().unwrap();
    let client = ssl_client(&server, cvm);
    assert!(submit(&client).await.is_ok());

    metadata.fail_with(Some(StatusCode::INTERNAL_SERVER_ERROR));
    clock.advance(HOUR - Duration::from_secs(120));
    assert!(submit(&client).await.is_ok());
    assert_eq!(metadata.credential_requests(), 2);

    clock.advance(Duration::from_secs(121));
    let error = submit(&client).await.unwrap_err();
    assert_eq!(
        error,
        format!(
            "CVM role: the credentials expired at {} and refreshing them failed: \
             CVM role: {}{ROLES_PATH}ops-role answered HTTP 500",
            rfc3339(expiry),
            metadata.url()
        )
    );
    // The failed call never reached the API.
    assert_eq!(server.request_count(), 2);

    metadata.fail_with(None);
    assert!(submit(&client).await.is_ok());
    let signers: Vec<_> = server.requests().iter().map(signer).collect();
    assert_eq!(signers, [signed_by(&temporary(1)), signed_by(&temporary(1)), signed_by(&temporary(2))]);
}

#[tokio::test]
async fn a_metadata_service_that_hangs_or_is_absent_ends_the_chain_within_seconds() {
    let (silent, _server) = silent_server().await;
    let home = TempDir::new("no-metadata");
    for url in [silent.clone(), closed_port_url()] {
        let environment =
            Environment::from_map([("HOME", home.0.display().to_string()), (ENV_METADATA_ENDPOINT, url.clone())]);
        let started = Instant::now();
        let error = CredentialsChain::default_chain_in(&environment).provide_credentials().await.err().unwrap();
        let elapsed = started.elapsed();
        assert!(matches!(error, CredentialsError::NoneFound { .. }), "{error:?}");
        let message = error.to_string();
        assert!(
            message.contains(&format!("; CVM role: no metadata service answered at {url}{ROLES_PATH}: ")),
            "{message}"
        );
        assert!(elapsed < Duration::from_secs(4), "took {elapsed:?}");
        if url == silent {
            // It waited for the request timeout (2 s), no longer.
            assert!(elapsed >= Duration::from_millis(1900), "took {elapsed:?}");
            assert!(message.contains("no answer within 2s") || message.contains("timed out"), "{message}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_hundred_concurrent_calls_across_an_expiry_ask_the_metadata_service_once() {
    let clock = TestClock::new();
    let issued = vec![(temporary(1), clock.now() + 2 * HOUR), (temporary(2), clock.now() + 4 * HOUR)];
    let metadata = FakeMetadata::start(Some("ops-role"), issued).await;
    let server = ssl_mock(&[temporary(1), temporary(2)]).await;
    let cvm = CvmRoleCredentials::builder().endpoint(metadata.url()).clock(clock.clone()).build().unwrap();
    let client = ssl_client(&server, cvm);
    assert!(submit(&client).await.is_ok());

    // The refresh takes long enough for every call to arrive while it is under way.
    metadata.set_delay(Duration::from_millis(300));
    clock.advance(2 * HOUR + Duration::from_secs(1));
    let calls: Vec<_> = (0..100)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { submit(&client).await })
        })
        .collect();
    for call in calls {
        assert!(call.await.unwrap().is_ok());
    }
    assert_eq!(metadata.credential_requests(), 2);
    let received = server.requests();
    assert_eq!(received.len(), 101);
    assert!(received[1..].iter().all(|request| request.signature_valid && signer(request) == signed_by(&temporary(2))));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_hundred_concurrent_calls_across_an_expiry_assume_the_role_once() {
    let clock = TestClock::new();
    let sts = sts_mock(example_credentials()).await;
    sts.enqueue(sts_answer(&temporary(1), clock.now() + HOUR));
    let server = ssl_mock(&[temporary(1), temporary(2)]).await;
    let provider = AssumeRoleCredentials::builder(example_credentials(), ROLE_ARN)
        .endpoint(sts.endpoint())
        .clock(clock.clone())
        .build()
        .unwrap();
    let client = ssl_client(&server, provider);
    assert!(submit(&client).await.is_ok());

    sts.enqueue(Reply::delayed(Duration::from_millis(300), sts_answer(&temporary(2), clock.now() + 3 * HOUR)));
    clock.advance(HOUR + Duration::from_secs(1));
    let calls: Vec<_> = (0..100)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { submit(&client).await })
        })
        .collect();
    for call in calls {
        assert!(call.await.unwrap().is_ok());
    }
    assert_eq!(sts.request_count(), 2);
    assert!(server.requests()[1..].iter().all(|request| signer(request) == signed_by(&temporary(2))));
}

#[tokio::test]
async fn assume_role_is_signed_with_the_base_credentials_and_its_credentials_sign_the_next_call() {
    let base = example_credentials().with_token("base-token-of-a-temporary-base");
    let sts = sts_mock(base.clone()).await;
    let clock = TestClock::new();
    let expiry = clock.now() + HOUR;
    sts.enqueue(sts_answer(&temporary(1), expiry));
    let server = ssl_mock(&[temporary(1)]).await;
    let provider = AssumeRoleCredentials::builder(base.clone(), ROLE_ARN)
        .endpoint(sts.endpoint())
        .session_name("ci-session")
        .duration(HOUR)
        .policy(r#"{"a":"b c"}"#)
        .region("ap-shanghai")
        .clock(clock)
        .build()
        .unwrap();
    let client = ssl_client(&server, provider.clone());
    assert!(submit(&client).await.is_ok());
    assert!(submit(&client).await.is_ok());

    let received = sts.requests();
    assert_eq!(received.len(), 1);
    let request = &received[0];
    assert_eq!(request.action, "AssumeRole");
    assert!(request.signature_valid, "{:?}", request.rejection);
    // Verified here too, as STS does: the base credentials, the scope of the `sts` service.
    assert_eq!(verify::verify(&request.headers, &request.body, &base, "sts", now_unix()), Ok(()));
    assert_eq!(verify::verify(&request.headers, &request.body, &base, "ssl", now_unix()), Err(VerifyError::Signature));
    assert_eq!(signer(request), signed_by(&base));
    assert_eq!(header(request, "x-tc-version"), Some("2018-08-13"));
    assert_eq!(header(request, "x-tc-region"), Some("ap-shanghai"));
    assert_eq!(
        body_json(request),
        serde_json::json!({
            "RoleArn": ROLE_ARN,
            "RoleSessionName": "ci-session",
            "DurationSeconds": 3600,
            "Policy": "%7B%22a%22%3A%22b%20c%22%7D",
        })
    );

    let signers: Vec<_> = server.requests().iter().map(signer).collect();
    assert_eq!(signers, [signed_by(&temporary(1)), signed_by(&temporary(1))]);
    assert_eq!(provider.provide_credentials().await.unwrap().expiry(), Some(whole_seconds(expiry)));
}

#[tokio::test]
async fn sts_refusals_and_failures_name_the_provider_and_what_went_wrong() {
    let sts = sts_mock(example_credentials()).await;
    let assume = |base: Credentials, endpoint: String| {
        AssumeRoleCredentials::builder(base, ROLE_ARN).endpoint(endpoint).build().unwrap()
    };
    sts.enqueue(Reply::service_error("InvalidParameter.RoleNotExist", "role not exist"));
    let error = assume(example_credentials(), sts.endpoint()).provide_credentials().await.err().unwrap();
    let CredentialsError::Refused { provider, code, message, request_id } = &error else { panic!("{error:?}") };
    assert_eq!(provider, &format!("STS AssumeRole of {ROLE_ARN}"));
    assert_eq!((code.as_str(), message.as_str()), ("InvalidParameter.RoleNotExist", "role not exist"));
    assert_eq!(
        error.to_string(),
        format!("{provider}: InvalidParameter.RoleNotExist: role not exist (RequestId {request_id})")
    );

    // STS checks the signature: a wrong base key is its refusal.
    let wrong = Credentials::new(example_credentials().secret_id(), "not-the-key");
    let error = assume(wrong, sts.endpoint()).provide_credentials().await.err().unwrap();
    assert!(
        matches!(&error, CredentialsError::Refused { code, .. } if code == "AuthFailure.SignatureFailure"),
        "{error:?}"
    );

    // An answer without credentials, and nobody listening.
    let error = assume(example_credentials(), sts.endpoint()).provide_credentials().await.err().unwrap().to_string();
    assert_eq!(
        error,
        format!("STS AssumeRole of {ROLE_ARN}: {}/: the answer has no `Credentials` object", sts.endpoint())
    );
    let closed = closed_port_url();
    let error = assume(example_credentials(), closed.clone()).provide_credentials().await.err().unwrap();
    assert!(matches!(error, CredentialsError::Fetch { .. }), "{error:?}");
    assert!(
        error.to_string().starts_with(&format!("STS AssumeRole of {ROLE_ARN}: {closed}/: connection failed")),
        "{error}"
    );
}

#[tokio::test]
async fn web_identity_is_sent_unsigned_and_reads_the_token_file_for_each_exchange() {
    let dir = TempDir::new("web-identity");
    let token_file = dir.write("token", "jwt-first\n");
    let clock = TestClock::new();
    let sts = sts_mock(example_credentials()).await;
    sts.enqueue(sts_answer(&temporary(1), clock.now() + HOUR));
    sts.enqueue(sts_answer(&temporary(2), clock.now() + 3 * HOUR));
    let server = ssl_mock(&[temporary(1), temporary(2)]).await;
    let provider = WebIdentityCredentials::builder("oidc-provider-1", ROLE_ARN, &token_file)
        .endpoint(sts.endpoint())
        .session_name("pod-session")
        .region("ap-beijing")
        .clock(clock.clone())
        .build()
        .unwrap();
    let client = ssl_client(&server, provider);
    assert!(submit(&client).await.is_ok());
    std::fs::write(&token_file, "jwt-second").unwrap();
    clock.advance(HOUR);
    assert!(submit(&client).await.is_ok());

    let received = sts.requests();
    assert_eq!(received.len(), 2);
    for (request, token) in received.iter().zip(["jwt-first", "jwt-second"]) {
        assert_eq!(request.action, "AssumeRoleWithWebIdentity");
        assert!(request.signature_valid, "{:?}", request.rejection);
        assert_eq!(header(request, "authorization"), Some("SKIP"));
        assert_eq!(header(request, "x-tc-token"), None);
        assert_eq!(header(request, "x-tc-region"), Some("ap-beijing"));
        assert_eq!(header(request, "x-tc-version"), Some("2018-08-13"));
        assert_eq!(
            body_json(request),
            serde_json::json!({
                "ProviderId": "oidc-provider-1",
                "WebIdentityToken": token,
                "RoleArn": ROLE_ARN,
                "RoleSessionName": "pod-session",
                "DurationSeconds": 7200,
            })
        );
    }
    let signers: Vec<_> = server.requests().iter().map(signer).collect();
    assert_eq!(signers, [signed_by(&temporary(1)), signed_by(&temporary(2))]);

    // A missing token file is named.
    std::fs::remove_file(&token_file).unwrap();
    clock.advance(3 * HOUR);
    let error = submit(&client).await.unwrap_err();
    assert!(
        error.contains(&format!(
            "web identity (AssumeRoleWithWebIdentity of {ROLE_ARN}): cannot read the token file {}",
            token_file.display()
        )),
        "{error}"
    );
}

#[tokio::test]
async fn the_default_chain_uses_tke_oidc_from_its_variables_before_the_cvm_role() {
    let dir = TempDir::new("tke");
    let token_file = dir.write("token", "tke-jwt");
    let metadata = FakeMetadata::start(Some("node-role"), vec![(temporary(9), SystemTime::now() + HOUR)]).await;
    let sts = sts_mock(example_credentials()).await;
    sts.enqueue(sts_answer(&temporary(1), SystemTime::now() + HOUR));
    let environment = Environment::from_map([
        ("HOME", dir.0.display().to_string()),
        ("TKE_REGION", "ap-singapore".into()),
        ("TKE_PROVIDER_ID", "tke-oidc".into()),
        ("TKE_WEB_IDENTITY_TOKEN_FILE", token_file.display().to_string()),
        ("TKE_ROLE_ARN", ROLE_ARN.into()),
        (ENV_STS_ENDPOINT, sts.endpoint()),
        (ENV_METADATA_ENDPOINT, metadata.url()),
    ]);
    let server = ssl_mock(&[temporary(1)]).await;
    let client = ssl_client(&server, CredentialsChain::default_chain_in(&environment));
    assert!(submit(&client).await.is_ok());
    assert!(submit(&client).await.is_ok());
    assert_eq!(signer(&server.requests()[1]), signed_by(&temporary(1)));

    let received = sts.requests();
    assert_eq!(received.len(), 1);
    assert_eq!(header(&received[0], "authorization"), Some("SKIP"));
    assert_eq!(header(&received[0], "x-tc-region"), Some("ap-singapore"));
    let body = body_json(&received[0]);
    assert_eq!((body["ProviderId"].as_str(), body["WebIdentityToken"].as_str()), (Some("tke-oidc"), Some("tke-jwt")));
    assert!(body["RoleSessionName"].as_str().unwrap().starts_with("tcapi-rust-"), "{body}");
    // The CVM role, after TKE in the chain, was never asked.
    assert!(metadata.requests().is_empty());
}

#[tokio::test]
async fn the_default_chain_order_is_environment_profile_tke_then_the_cvm_role() {
    let dir = TempDir::new("chain-order");
    let token_file = dir.write("token", "tke-jwt");
    let profile_home = dir.0.join("home-with-profile");
    dir.write(
        "home-with-profile/.tencentcloud/credentials",
        "[default]\nsecret_id = AKIDprofile\nsecret_key = profile-key\n",
    );
    let empty_home = dir.0.join("empty-home");
    let metadata = FakeMetadata::start(Some("node-role"), vec![(temporary(4), SystemTime::now() + HOUR)]).await;
    let sts = sts_mock(example_credentials()).await;
    sts.enqueue(sts_answer(&temporary(3), SystemTime::now() + HOUR));

    let keys = [("TENCENTCLOUD_SECRET_ID", "AKIDenvironment"), ("TENCENTCLOUD_SECRET_KEY", "environment-key")];
    let tke = [
        ("TKE_REGION", "ap-guangzhou"),
        ("TKE_PROVIDER_ID", "tke-oidc"),
        ("TKE_WEB_IDENTITY_TOKEN_FILE", token_file.to_str().unwrap()),
        ("TKE_ROLE_ARN", ROLE_ARN),
    ];
    let endpoints = [(ENV_STS_ENDPOINT, sts.endpoint()), (ENV_METADATA_ENDPOINT, metadata.url())];
    let found = |with_keys: bool, home: &std::path::Path, with_tke: bool| {
        let mut variables: Vec<(String, String)> =
            endpoints.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect();
        variables.push(("HOME".into(), home.display().to_string()));
        if with_keys {
            variables.extend(keys.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())));
        }
        if with_tke {
            variables.extend(tke.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())));
        }
        let chain = CredentialsChain::default_chain_in(&Environment::from_map(variables));
        async move { chain.provide_credentials().await.map(|credentials| credentials.secret_id().to_owned()) }
    };
    assert_eq!(found(true, &profile_home, true).await.as_deref(), Ok("AKIDenvironment"));
    assert_eq!(found(false, &profile_home, true).await.as_deref(), Ok("AKIDprofile"));
    assert_eq!((sts.request_count(), metadata.requests().len()), (0, 0));
    assert_eq!(found(false, &empty_home, true).await.as_deref(), Ok("AKIDtemporary3"));
    assert_eq!(metadata.requests().len(), 0);
    assert_eq!(found(false, &empty_home, false).await.as_deref(), Ok("AKIDtemporary4"));
    assert_eq!((sts.request_count(), metadata.credential_requests()), (1, 1));
}

#[tokio::test]
async fn a_profile_with_role_arn_assumes_the_role_with_its_keys() {
    let base = example_credentials();
    let sts = sts_mock(base.clone()).await;
    sts.enqueue(sts_answer(&temporary(1), SystemTime::now() + HOUR));
    let dir = TempDir::new("profile-role");
    let file = dir.write(
        ".tencentcloud/credentials",
        &format!(
            "[default]\nsecret_id = {}\nsecret_key = {}\nrole_arn = {ROLE_ARN}\nrole_session_name = profile-session\n",
            base.secret_id(),
            secrecy::ExposeSecret::expose_secret(base.secret_key())
        ),
    );
    // Through the default chain: the STS endpoint comes from TENCENTCLOUD_STS_ENDPOINT.
    let environment = Environment::from_map([
        ("HOME", dir.0.display().to_string()),
        (ENV_STS_ENDPOINT, sts.endpoint()),
        (ENV_METADATA_ENDPOINT, closed_port_url()),
    ]);
    let server = ssl_mock(&[temporary(1)]).await;
    let client = ssl_client(&server, CredentialsChain::default_chain_in(&environment));
    assert!(submit(&client).await.is_ok());
    // The assumed role is kept: the file is not read again.
    std::fs::remove_file(&file).unwrap();
    assert!(submit(&client).await.is_ok());

    let received = sts.requests();
    assert_eq!(received.len(), 1);
    assert!(received[0].signature_valid, "{:?}", received[0].rejection);
    assert_eq!(verify::verify(&received[0].headers, &received[0].body, &base, "sts", now_unix()), Ok(()));
    assert_eq!(
        body_json(&received[0]),
        serde_json::json!({"RoleArn": ROLE_ARN, "RoleSessionName": "profile-session", "DurationSeconds": 7200})
    );
    assert!(server.requests().iter().all(|request| signer(request) == signed_by(&temporary(1))));

    // With the builder's endpoint instead.
    sts.enqueue(sts_answer(&temporary(2), SystemTime::now() + HOUR));
    let file = dir.write(
        "other",
        &format!(
            "[default]\nsecret_id = {}\nsecret_key = {}\nrole_arn = {ROLE_ARN}\n",
            base.secret_id(),
            secrecy::ExposeSecret::expose_secret(base.secret_key())
        ),
    );
    let profile = ProfileCredentials::from_paths([file]).with_sts_endpoint(sts.endpoint());
    assert_eq!(profile.provide_credentials().await.map(|c| c.secret_id().to_owned()).as_deref(), Ok("AKIDtemporary2"));
}

#[tokio::test]
async fn tencentcloud_credentials_file_names_the_only_profile_file() {
    let dir = TempDir::new("credentials-file");
    dir.write("home/.tencentcloud/credentials", "[default]\nsecret_id = AKIDhome\nsecret_key = home-key\n");
    let named = dir.write("elsewhere.ini", "[default]\nsecret_id = AKIDnamed\nsecret_key = named-key\n");
    let home = dir.0.join("home").display().to_string();
    let chain = |file: &std::path::Path| {
        CredentialsChain::default_chain_in(&Environment::from_map([
            ("HOME", home.clone()),
            ("TENCENTCLOUD_CREDENTIALS_FILE", file.display().to_string()),
            (ENV_METADATA_ENDPOINT, closed_port_url()),
        ]))
    };
    let found = chain(&named).provide_credentials().await.map(|credentials| credentials.secret_id().to_owned());
    assert_eq!(found.as_deref(), Ok("AKIDnamed"));
    let missing = dir.0.join("missing.ini");
    let error = chain(&missing).provide_credentials().await.err().unwrap();
    assert_eq!(
        error.to_string(),
        format!(
            "cannot read credentials file {}: it does not exist (named by TENCENTCLOUD_CREDENTIALS_FILE)",
            missing.display()
        )
    );
}
