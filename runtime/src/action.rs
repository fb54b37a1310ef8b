//! The contract between generated code and the runtime: what an action, a service and an
//! error-code enum declare about themselves. Generated modules implement these traits and hold
//! only data; everything that runs lives in the runtime.

use std::fmt;

use serde::Serialize;
use serde::de::DeserializeOwned;

/// A service version, as its spec describes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServiceInfo {
    /// Short name, also the signing scope's service (`ssl`).
    pub name: &'static str,
    /// API version sent as `X-TC-Version` (`2019-12-05`).
    pub version: &'static str,
    /// Default endpoint host, international site (`ssl.intl.tencentcloudapi.com`).
    pub endpoint: &'static str,
    /// Endpoint host of the mainland site (`ssl.tencentcloudapi.com`).
    pub mainland_endpoint: &'static str,
}

/// A documented example call of an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExampleInfo {
    /// What the example shows.
    pub title: &'static str,
    /// The request body, JSON text.
    pub request: &'static str,
    /// The response body, JSON text (`{"Response": {...}}`).
    pub response: &'static str,
}

/// An action, as its spec describes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActionInfo {
    /// The action name sent as `X-TC-Action` (`CertificateOrderSubmit`).
    pub name: &'static str,
    /// The service the action belongs to.
    pub service: &'static ServiceInfo,
    /// Documented requests per second; `None` when the spec gives no limit.
    pub rate_limit: Option<u32>,
    /// The call needs `X-TC-Region`; sending without a configured region fails before sending.
    pub region_required: bool,
    /// Tencent takes the action without a signature: it is sent with `Authorization: SKIP`,
    /// without credentials.
    pub unsigned: bool,
    /// The spec's examples.
    pub examples: &'static [ExampleInfo],
}

/// A typed error code: every code the action documents, the common codes, and `Unknown` for any
/// other string the server sends.
pub trait ErrorCode: Sized + Clone + fmt::Debug + fmt::Display + PartialEq + Send + Sync + 'static {
    /// Parses any code string; codes the spec does not list become the `Unknown` variant.
    fn from_code(code: &str) -> Self;
    /// The code as the server sent it (`FailedOperation.CertificateNotFound`).
    fn code(&self) -> &str;
    /// The message the spec documents for this code; `None` for unknown codes.
    fn documented_message(&self) -> Option<&'static str>;
    /// Whether the spec marks this code safe to retry for the action.
    fn is_retryable(&self) -> bool;
}

/// A request value of one action: it knows its wire name, its response and its error codes.
pub trait Action: Serialize + fmt::Debug + Send + Sync {
    /// The decoded `Response` object of a successful call.
    type Output: DeserializeOwned + fmt::Debug + Send + 'static;
    /// The typed error code of a failed call.
    type ErrorCode: ErrorCode;
    /// What the spec says about the action.
    const INFO: &'static ActionInfo;
}

/// Writes `code (documented message)`, or just the code when the spec documents no message.
/// Shared by every generated error-code enum's `Display`.
pub fn fmt_error_code<C: ErrorCode>(code: &C, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    match code.documented_message() {
        Some(message) => write!(f, "{} ({message})", code.code()),
        None => f.write_str(code.code()),
    }
}
