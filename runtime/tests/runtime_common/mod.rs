//! A hand-written action shaped like ssl `CertificateOrderSubmit`, standing in for the generated
//! one in the runtime's tests, and helpers shared by those tests.

#![allow(dead_code)]

use std::time::Duration;

use tcapi_runtime::mock::{MockServer, example_credentials};
use tcapi_runtime::{Action, ActionInfo, Client, CodeFacts, ErrorCode, ExampleInfo, RetryPolicy, ServiceInfo};

pub static SSL: ServiceInfo = ServiceInfo {
    name: "ssl",
    version: "2019-12-05",
    endpoint: "ssl.intl.tencentcloudapi.com",
    mainland_endpoint: "ssl.tencentcloudapi.com",
    error_facts: <CertificateOrderSubmitErrorCode as ErrorCode>::facts_of,
};

pub const EXAMPLE_RESPONSE: &str = r#"{"Response":{"OrderId":"Dsqef134","Status":1,"IsAudited":false,"RequestId":"3c140219-cfe9-470e-b241-907877d6fb03"}}"#;

pub static CERTIFICATE_ORDER_SUBMIT: ActionInfo = ActionInfo::new("CertificateOrderSubmit", &SSL).rate_limit(10);

pub static EXAMPLES: &[ExampleInfo] = &[ExampleInfo {
    action: "CertificateOrderSubmit",
    title: "Submit a certificate order",
    request: r#"{"CertId":"Dsqef134","DeleteDnsAutoRecord":1,"VerifyType":"DNS"}"#,
    response: EXAMPLE_RESPONSE,
}];

#[derive(Debug, Clone, Default, PartialEq, tcapi_runtime::Wire)]
pub struct CertificateOrderSubmitRequest {
    #[wire(required)]
    pub cert_id: Option<String>,
    #[wire(int_bool)]
    pub delete_dns_auto_record: Option<bool>,
    pub verify_type: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, tcapi_runtime::Wire)]
pub struct CertificateOrderSubmitResponse {
    pub order_id: String,
    pub status: i64,
    pub is_audited: bool,
    pub request_id: String,
    #[wire(corrections)]
    pub corrections: tcapi_runtime::Corrections,
}

tcapi_runtime::error_codes! {
    /// The codes the runtime's tests use.
    pub enum CertificateOrderSubmitErrorCode {
        FailedOperationCertificateNotFound = ("FailedOperation.CertificateNotFound", CodeFacts::new("The certificate does not exist.")),
        FailedOperationNetworkError = ("FailedOperation.NetworkError", CodeFacts::new("The CA system is busy.").retryable()),
        FailedOperationCertificateStatusNotAllowVerify = ("FailedOperation.CertificateStatusNotAllowVerify", CodeFacts::new("The certificate status does not allow this.")),
        AuthFailureSignatureExpire = ("AuthFailure.SignatureExpire", CodeFacts::new("Signature expired.").hint("check the system clock: the server rejects requests signed more than 5 minutes away from its time")),
        AuthFailureSignatureFailure = ("AuthFailure.SignatureFailure", CodeFacts::new("Signature verification failed.").hint("check the secret key (it does not match the secret id)")),
        RequestLimitExceeded = ("RequestLimitExceeded", CodeFacts::new("Too many requests.")),
        InternalError = ("InternalError", CodeFacts::new("Internal error.")),
    }
}

/// A documented code: (code, variant, documented message, retryable).
pub type DocumentedCode = (&'static str, fn() -> CertificateOrderSubmitErrorCode, &'static str, bool);

pub const CODES: &[DocumentedCode] = &[
    (
        "FailedOperation.CertificateNotFound",
        || CertificateOrderSubmitErrorCode::FailedOperationCertificateNotFound,
        "The certificate does not exist.",
        false,
    ),
    (
        "FailedOperation.NetworkError",
        || CertificateOrderSubmitErrorCode::FailedOperationNetworkError,
        "The CA system is busy.",
        true,
    ),
    (
        "FailedOperation.CertificateStatusNotAllowVerify",
        || CertificateOrderSubmitErrorCode::FailedOperationCertificateStatusNotAllowVerify,
        "The certificate status does not allow this.",
        false,
    ),
    (
        "AuthFailure.SignatureExpire",
        || CertificateOrderSubmitErrorCode::AuthFailureSignatureExpire,
        "Signature expired.",
        false,
    ),
    ("RequestLimitExceeded", || CertificateOrderSubmitErrorCode::RequestLimitExceeded, "Too many requests.", false),
    ("InternalError", || CertificateOrderSubmitErrorCode::InternalError, "Internal error.", false),
];

impl Action for CertificateOrderSubmitRequest {
    type Output = CertificateOrderSubmitResponse;
    type ErrorCode = CertificateOrderSubmitErrorCode;
    const INFO: &'static ActionInfo = &CERTIFICATE_ORDER_SUBMIT;
}

pub fn request() -> CertificateOrderSubmitRequest {
    CertificateOrderSubmitRequest {
        cert_id: Some("Dsqef134".into()),
        delete_dns_auto_record: Some(true),
        verify_type: Some("DNS".into()),
    }
}

pub async fn mock() -> MockServer {
    mock_with_credentials(example_credentials()).await
}

/// A mock of the test action that verifies signatures made with `credentials`.
pub async fn mock_with_credentials(credentials: tcapi_runtime::Credentials) -> MockServer {
    match MockServer::builder()
        .credentials(credentials)
        .actions(&[&CERTIFICATE_ORDER_SUBMIT])
        .examples(EXAMPLES)
        .start()
        .await
    {
        Ok(server) => server,
        Err(error) => panic!("mock server failed to start: {error}"),
    }
}

/// A client of `server` with fast retries, the example credentials and no rate limit unless the
/// test sets one.
pub fn client_for(
    server: &MockServer,
    configure: impl FnOnce(tcapi_runtime::ConfigBuilder) -> tcapi_runtime::ConfigBuilder,
) -> Client {
    let builder = server.config_builder().rate_limit(tcapi_runtime::RateLimit::Disabled).retry_policy(
        RetryPolicy::default().with_base_delay(Duration::from_millis(5)).with_max_delay(Duration::from_millis(20)),
    );
    match configure(builder).build() {
        Ok(config) => Client::new(config),
        Err(error) => panic!("config rejected: {error}"),
    }
}
