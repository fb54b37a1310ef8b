//! The contract between generated code and the runtime: what an action, a service and an
//! error-code enum declare about themselves. Generated modules implement these traits and hold
//! only data; everything that runs lives in the runtime.

use std::fmt;

use crate::codes::CodeFacts;
use crate::wire::Wire;

/// A service version, as its spec describes it.
#[derive(Debug, Clone, Copy)]
pub struct ServiceInfo {
    /// Short name, also the signing scope's service (`ssl`).
    pub name: &'static str,
    /// API version sent as `X-TC-Version` (`2019-12-05`).
    pub version: &'static str,
    /// Default endpoint host, international site (`ssl.intl.tencentcloudapi.com`).
    pub endpoint: &'static str,
    /// Endpoint host of the mainland site (`ssl.tencentcloudapi.com`).
    pub mainland_endpoint: &'static str,
    /// What the spec documents about an error code of the service (its own or a common one).
    pub error_facts: fn(&str) -> Option<&'static CodeFacts>,
}

impl PartialEq for ServiceInfo {
    fn eq(&self, other: &Self) -> bool {
        (self.name, self.version) == (other.name, other.version)
    }
}

/// A documented example call of an action: what the mock server answers with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExampleInfo {
    /// The action it belongs to (`CertificateOrderSubmit`).
    pub action: &'static str,
    /// What the example shows.
    pub title: &'static str,
    /// The request body, JSON text.
    pub request: &'static str,
    /// The response body, JSON text (`{"Response": {...}}`).
    pub response: &'static str,
}

/// An action, as its spec describes it.
#[derive(Debug, Clone, Copy, PartialEq)]
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
    /// The request parameter that makes the action idempotent (`ClientToken`), when it has one:
    /// the client fills it when the caller did not, and may then retry after a timeout.
    pub idempotency_token: Option<&'static str>,
    /// Error codes after which this action may be sent again, besides the codes its error-code
    /// type marks retryable.
    pub retryable_codes: &'static [&'static str],
}

impl ActionInfo {
    /// An action of `service` without a rate limit, region requirement, signature exemption,
    /// idempotency token or retryable codes of its own; the methods below add them.
    pub const fn new(name: &'static str, service: &'static ServiceInfo) -> Self {
        ActionInfo {
            name,
            service,
            rate_limit: None,
            region_required: false,
            unsigned: false,
            idempotency_token: None,
            retryable_codes: &[],
        }
    }

    /// Documented at most `per_second` requests per second.
    pub const fn rate_limit(self, per_second: u32) -> Self {
        ActionInfo { rate_limit: Some(per_second), ..self }
    }

    /// Needs a region.
    pub const fn region_required(self) -> Self {
        ActionInfo { region_required: true, ..self }
    }

    /// Taken without a signature.
    pub const fn unsigned(self) -> Self {
        ActionInfo { unsigned: true, ..self }
    }

    /// Made idempotent by the request parameter `parameter`.
    pub const fn idempotency_token(self, parameter: &'static str) -> Self {
        ActionInfo { idempotency_token: Some(parameter), ..self }
    }

    /// Retried after `codes` too.
    pub const fn retryable_codes(self, codes: &'static [&'static str]) -> Self {
        ActionInfo { retryable_codes: codes, ..self }
    }
}

/// A typed error code: every code the action documents, the common codes, and `Unknown` for any
/// other string the server sends. Generated enums implement it with
/// [`error_codes!`](crate::error_codes).
pub trait ErrorCode: Sized + Clone + fmt::Debug + fmt::Display + PartialEq + Send + Sync + 'static {
    /// Parses any code string; codes the spec does not list become the `Unknown` variant.
    fn from_code(code: &str) -> Self;
    /// The code as the server sent it (`FailedOperation.CertificateNotFound`).
    fn code(&self) -> &str;
    /// What the spec documents about this code; `None` for unknown codes.
    fn facts(&self) -> Option<&'static CodeFacts>;

    /// The message the spec documents for this code; `None` for unknown codes.
    fn documented_message(&self) -> Option<&'static str> {
        self.facts().map(|facts| facts.message)
    }

    /// Whether the spec marks this code safe to retry for the action.
    fn is_retryable(&self) -> bool {
        self.facts().is_some_and(|facts| facts.retryable)
    }

    /// What the caller can do about this code, when the spec says.
    fn hint(&self) -> Option<&'static str> {
        self.facts().and_then(|facts| facts.hint)
    }

    /// What the spec documents about `code`: [`ServiceInfo::error_facts`] of a service's enum.
    fn facts_of(code: &str) -> Option<&'static CodeFacts> {
        Self::from_code(code).facts()
    }
}

/// A request value of one action: it knows its wire name, its response and its error codes.
pub trait Action: Wire + fmt::Debug + Send + Sync {
    /// The decoded `Response` object of a successful call.
    type Output: Wire + fmt::Debug + Send + 'static;
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
