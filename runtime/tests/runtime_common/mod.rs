//! A hand-written action shaped like ssl `CertificateOrderSubmit`, standing in for the generated
//! one in the runtime's tests, and helpers shared by those tests.

#![allow(dead_code)]

use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tcapi::runtime::action::fmt_error_code;
use tcapi::runtime::mock::{MockServer, example_credentials};
use tcapi::runtime::{Action, ActionInfo, Client, ErrorCode, ExampleInfo, RetryPolicy, ServiceInfo};

pub static SSL: ServiceInfo = ServiceInfo {
    name: "ssl",
    version: "2019-12-05",
    endpoint: "ssl.intl.tencentcloudapi.com",
    mainland_endpoint: "ssl.tencentcloudapi.com",
};

pub const EXAMPLE_RESPONSE: &str = r#"{"Response":{"OrderId":"Dsqef134","Status":1,"IsAudited":false,"RequestId":"3c140219-cfe9-470e-b241-907877d6fb03"}}"#;

pub static CERTIFICATE_ORDER_SUBMIT: ActionInfo = ActionInfo {
    name: "CertificateOrderSubmit",
    service: &SSL,
    rate_limit: Some(10),
    region_required: false,
    unsigned: false,
    examples: &[ExampleInfo {
        title: "Submit a certificate order",
        request: r#"{"CertId":"Dsqef134","DeleteDnsAutoRecord":1,"VerifyType":"DNS"}"#,
        response: EXAMPLE_RESPONSE,
    }],
};

#[derive(Debug, Clone, Serialize)]
pub struct CertificateOrderSubmitRequest {
    #[serde(rename = "CertId")]
    pub cert_id: String,
    #[serde(
        rename = "DeleteDnsAutoRecord",
        with = "tcapi::runtime::wire::int_bool_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub delete_dns_auto_record: Option<bool>,
    #[serde(rename = "VerifyType", skip_serializing_if = "Option::is_none")]
    pub verify_type: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct CertificateOrderSubmitResponse {
    #[serde(rename = "OrderId")]
    pub order_id: String,
    #[serde(rename = "Status")]
    pub status: i64,
    #[serde(rename = "IsAudited")]
    pub is_audited: bool,
    #[serde(rename = "RequestId")]
    pub request_id: String,
}

#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum CertificateOrderSubmitErrorCode {
    FailedOperationCertificateNotFound,
    FailedOperationNetworkError,
    FailedOperationCertificateStatusNotAllowVerify,
    AuthFailureSignatureExpire,
    RequestLimitExceeded,
    InternalError,
    Unknown(String),
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

impl fmt::Display for CertificateOrderSubmitErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt_error_code(self, f)
    }
}

impl ErrorCode for CertificateOrderSubmitErrorCode {
    fn from_code(code: &str) -> Self {
        CODES
            .iter()
            .find(|(known, ..)| *known == code)
            .map_or_else(|| CertificateOrderSubmitErrorCode::Unknown(code.to_owned()), |(_, variant, ..)| variant())
    }

    fn code(&self) -> &str {
        match self {
            CertificateOrderSubmitErrorCode::Unknown(code) => code,
            known => CODES.iter().find(|(_, variant, ..)| variant() == *known).map_or("", |(code, ..)| code),
        }
    }

    fn documented_message(&self) -> Option<&'static str> {
        CODES.iter().find(|(_, variant, ..)| variant() == *self).map(|(_, _, message, _)| *message)
    }

    fn is_retryable(&self) -> bool {
        CODES.iter().any(|(_, variant, _, retryable)| variant() == *self && *retryable)
    }
}

impl Action for CertificateOrderSubmitRequest {
    type Output = CertificateOrderSubmitResponse;
    type ErrorCode = CertificateOrderSubmitErrorCode;
    const INFO: &'static ActionInfo = &CERTIFICATE_ORDER_SUBMIT;
}

pub fn request() -> CertificateOrderSubmitRequest {
    CertificateOrderSubmitRequest {
        cert_id: "Dsqef134".into(),
        delete_dns_auto_record: Some(true),
        verify_type: Some("DNS".into()),
    }
}

pub async fn mock() -> MockServer {
    mock_with_credentials(example_credentials()).await
}

/// A mock of the test action that verifies signatures made with `credentials`.
pub async fn mock_with_credentials(credentials: tcapi::runtime::Credentials) -> MockServer {
    match MockServer::builder().credentials(credentials).actions(&[&CERTIFICATE_ORDER_SUBMIT]).start().await {
        Ok(server) => server,
        Err(error) => panic!("mock server failed to start: {error}"),
    }
}

/// A client of `server` with fast retries, the example credentials and no rate limit unless the
/// test sets one.
pub fn client_for(
    server: &MockServer,
    configure: impl FnOnce(tcapi::runtime::ConfigBuilder) -> tcapi::runtime::ConfigBuilder,
) -> Client {
    let builder = server.config_builder().rate_limit(tcapi::runtime::RateLimit::Disabled).retry_policy(
        RetryPolicy::default().with_base_delay(Duration::from_millis(5)).with_max_delay(Duration::from_millis(20)),
    );
    match configure(builder).build() {
        Ok(config) => Client::new(config),
        Err(error) => panic!("config rejected: {error}"),
    }
}
