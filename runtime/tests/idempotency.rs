//! Idempotency tokens over real loopback: the client fills an unset `ClientToken` once, every
//! attempt carries the same one, and only such an action is retried after a timeout or a dropped
//! connection (the server deduplicates); every other action keeps the rule that a request that
//! may have been processed is not sent again.

#![allow(clippy::unwrap_used)]

mod runtime_common;

use std::time::Duration;

use runtime_common::{CertificateOrderSubmitErrorCode as Code, SSL, client_for, request};
use tcapi_runtime::mock::{MockServer, Reply};
use tcapi_runtime::{Action, ActionInfo, Error};

static CREATE_THING: ActionInfo = ActionInfo::new("CreateThing", &SSL).idempotency_token("ClientToken");

#[derive(Debug, Clone, Default, tcapi_runtime::Wire)]
struct CreateThing {
    name: Option<String>,
    #[wire(token)]
    client_token: Option<String>,
}

#[derive(Debug, Default, tcapi_runtime::Wire)]
struct CreateThingResponse {
    request_id: String,
}

impl Action for CreateThing {
    type Output = CreateThingResponse;
    type ErrorCode = Code;
    const INFO: &'static ActionInfo = &CREATE_THING;
}

async fn server() -> MockServer {
    MockServer::builder()
        .actions(&[&CREATE_THING, &runtime_common::CERTIFICATE_ORDER_SUBMIT])
        .examples(runtime_common::EXAMPLES)
        .start()
        .await
        .unwrap()
}

/// The `ClientToken` of every request the server received, in order.
fn tokens(server: &MockServer) -> Vec<Option<String>> {
    server
        .requests()
        .iter()
        .map(|request| {
            let body: serde_json::Value = serde_json::from_slice(&request.body).unwrap();
            body["ClientToken"].as_str().map(str::to_owned)
        })
        .collect()
}

fn thing() -> CreateThing {
    CreateThing { name: Some("a".into()), client_token: None }
}

#[tokio::test]
async fn an_unset_token_is_filled_once_and_every_retry_after_a_timeout_carries_it() {
    let server = server().await;
    server.enqueue(Reply::hang());
    server.enqueue(Reply::hang());
    let client = client_for(&server, |builder| builder.request_timeout(Duration::from_millis(300)));
    let response = client.send(&thing()).await;
    assert!(response.is_ok(), "{response:?}");
    let sent = tokens(&server);
    assert_eq!(sent.len(), 3, "two timeouts, then the answer");
    let token = sent[0].clone().unwrap();
    assert!(uuid::Uuid::parse_str(&token).is_ok_and(|uuid| uuid.get_version_num() == 4), "{token}");
    assert!(sent.iter().all(|each| each.as_deref() == Some(token.as_str())), "{sent:?}");
    // The next call is another call: another token.
    client.send(&thing()).await.unwrap();
    assert_ne!(tokens(&server)[3].as_deref(), Some(token.as_str()));
}

#[tokio::test]
async fn a_dropped_connection_is_retried_with_the_same_token_and_a_caller_token_is_kept() {
    let server = server().await;
    server.enqueue(Reply::close_mid_body(r#"{"Response":"#));
    let client = client_for(&server, |builder| builder);
    let mine = CreateThing { client_token: Some("my-own-token".into()), ..thing() };
    client.send(&mine).await.unwrap();
    assert_eq!(tokens(&server), [Some("my-own-token".to_owned()), Some("my-own-token".to_owned())]);
}

#[tokio::test]
async fn every_attempt_timing_out_says_it_was_retried_with_the_same_token() {
    let server = server().await;
    for _ in 0..3 {
        server.enqueue(Reply::hang());
    }
    let client = client_for(&server, |builder| builder.request_timeout(Duration::from_millis(200)));
    let error = client.send(&thing()).await.err().unwrap();
    assert!(matches!(error, Error::Timeout { retried: true, .. }), "{error:?}");
    assert!(error.to_string().contains("retried with the same idempotency token"), "{error}");
    assert_eq!(server.request_count(), 3);
}

#[tokio::test]
async fn an_action_without_a_token_is_not_retried_after_a_timeout_or_a_dropped_connection() {
    let server = server().await;
    server.enqueue(Reply::hang());
    let client = client_for(&server, |builder| builder.request_timeout(Duration::from_millis(200)));
    let error = client.send(&request()).await.err().unwrap();
    assert!(matches!(error, Error::Timeout { retried: false, .. }), "{error:?}");
    assert_eq!(server.request_count(), 1);

    server.enqueue(Reply::close_mid_body(r#"{"Response":"#));
    let error = client.send(&request()).await.err().unwrap();
    assert!(matches!(error, Error::Transport { retried: false, .. }), "{error:?}");
    assert_eq!(server.request_count(), 2);
}
