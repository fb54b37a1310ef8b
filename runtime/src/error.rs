//! The errors a call can end with, each one line a person can act on.

use std::fmt;
use std::time::Duration;

use http::StatusCode;

use super::action::ErrorCode;
use super::credentials::CredentialsError;

/// The longest body excerpt an error carries, in characters. Also the longest server message a
/// service error shows.
pub const EXCERPT_MAX_CHARS: usize = 100;

/// The longest error code or RequestId an error's `Display` shows, in characters: the server
/// sends them, and a hostile one could send a megabyte or a line break.
pub const ID_MAX_CHARS: usize = 64;

/// The result of a call of an action whose error codes are `C`.
pub type Result<T, C> = std::result::Result<T, Error<C>>;

/// Why a call failed. Match the case you handle and let the rest propagate:
///
/// ```no_run
/// # #[cfg(feature = "ssl")]
/// # async fn example(client: tcapi::ssl::Client) -> Result<(), tcapi::Error<tcapi::ssl::CertificateOrderSubmitErrorCode>> {
/// use tcapi::Error;
/// use tcapi::ssl::CertificateOrderSubmitErrorCode;
///
/// match client.certificate_order_submit().cert_id("Dsqef134").send().await {
///     Ok(response) => println!("order {}", response.order_id),
///     Err(Error::Service(e)) if e.code == CertificateOrderSubmitErrorCode::FailedOperationCertificateNotFound => {
///         eprintln!("no such certificate ({})", e.request_id);
///     }
///     Err(other) => return Err(other),
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error<C: ErrorCode> {
    /// The API answered with an error code (`{"Response":{"Error":{...}}}`).
    #[error(transparent)]
    Service(ServiceError<C>),
    /// The HTTP status was not 200: a gateway or proxy answered, not the API.
    #[error("HTTP {status} from the endpoint (the request did not reach the API){}: {excerpt}", request_id_suffix(.request_id.as_deref()))]
    Http {
        /// The status received.
        status: StatusCode,
        /// The start of the body, escaped and at most [`EXCERPT_MAX_CHARS`] characters.
        excerpt: String,
        /// The RequestId, when the body carried one.
        request_id: Option<String>,
    },
    /// The body was not the JSON the action returns.
    #[error("cannot decode the response: {message}{}; body starts: {excerpt}", request_id_suffix(.request_id.as_deref()))]
    Decode {
        /// What the JSON parser reported.
        message: String,
        /// The start of the body, escaped and at most [`EXCERPT_MAX_CHARS`] characters.
        excerpt: String,
        /// The RequestId, when the body carried one.
        request_id: Option<String>,
    },
    /// No complete response arrived in time after the request was sent. The server may have
    /// processed it, so it was retried only when the action is idempotent (its token makes the
    /// server deduplicate the attempts).
    #[error("no response within {timeout:?}; {}", if *.retried {
        "it was retried with the same idempotency token, on every attempt (raise the request timeout if the endpoint is slow)"
    } else {
        "the request may have been processed, so it was not retried (raise the request timeout if the endpoint is slow)"
    })]
    Timeout {
        /// The request timeout in force.
        timeout: Duration,
        /// The action is idempotent and every attempt timed out.
        retried: bool,
    },
    /// The request never reached the server (DNS, TCP or TLS failure, connect timeout), on every attempt.
    #[error("cannot connect to {endpoint}: {message} (check the endpoint, network and proxy settings)")]
    Connect {
        /// The endpoint URL.
        endpoint: String,
        /// What the transport reported.
        message: String,
    },
    /// The exchange failed after the request was sent (connection reset, body cut short). Retried
    /// only when the action is idempotent.
    #[error("the connection to {endpoint} failed during the exchange: {message}; {}", if *.retried {
        "it was retried with the same idempotency token, on every attempt"
    } else {
        "the request may have been processed, so it was not retried"
    })]
    Transport {
        /// The endpoint URL.
        endpoint: String,
        /// What the transport reported.
        message: String,
        /// The action is idempotent and every attempt failed so.
        retried: bool,
    },
    /// The response body exceeded the configured size limit; reading stopped there.
    #[error("the response body exceeds the limit of {limit} bytes (raise `max_response_size` if this is expected)")]
    BodyTooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// No usable credentials.
    #[error(transparent)]
    Credentials(#[from] CredentialsError),
    /// The request could not be built (a required parameter is missing).
    #[error(transparent)]
    Build(#[from] BuildError),
    /// The configuration does not allow this call (for example a region is required but not set).
    #[error(transparent)]
    Config(#[from] ConfigError),
}

impl<C: ErrorCode> Error<C> {
    /// The RequestId the server gave this call, when it answered with one. Quote it to support.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Service(error) => Some(error.request_id.as_str()).filter(|id| !id.is_empty()),
            Error::Http { request_id, .. } | Error::Decode { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }

    /// The same error with its service code converted to another code type (the code string is kept).
    pub(crate) fn retype<D: ErrorCode>(self) -> Error<D> {
        match self {
            Error::Service(error) => Error::Service(ServiceError {
                code: D::from_code(error.code.code()),
                message: error.message,
                request_id: error.request_id,
            }),
            Error::Http { status, excerpt, request_id } => Error::Http { status, excerpt, request_id },
            Error::Decode { message, excerpt, request_id } => Error::Decode { message, excerpt, request_id },
            Error::Timeout { timeout, retried } => Error::Timeout { timeout, retried },
            Error::Connect { endpoint, message } => Error::Connect { endpoint, message },
            Error::Transport { endpoint, message, retried } => Error::Transport { endpoint, message, retried },
            Error::BodyTooLarge { limit } => Error::BodyTooLarge { limit },
            Error::Credentials(error) => Error::Credentials(error),
            Error::Build(error) => Error::Build(error),
            Error::Config(error) => Error::Config(error),
        }
    }
}

fn request_id_suffix(request_id: Option<&str>) -> String {
    request_id.map(|id| format!(" (RequestId {})", one_line(id, ID_MAX_CHARS))).unwrap_or_default()
}

/// An error code the API returned, with its message and the RequestId of the call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceError<C: ErrorCode> {
    /// The typed code; codes the spec does not list are kept in its `Unknown` variant.
    pub code: C,
    /// The message the server sent.
    pub message: String,
    /// The RequestId of the call; empty in the rare error body that carries none.
    pub request_id: String,
}

impl<C: ErrorCode> fmt::Display for ServiceError<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let code = self.code.code();
        write!(f, "{}: {}", one_line(code, ID_MAX_CHARS), escape_excerpt(&self.message))?;
        if self.request_id.is_empty() {
            f.write_str(" (no RequestId)")?;
        } else {
            write!(f, " (RequestId {})", one_line(&self.request_id, ID_MAX_CHARS))?;
        }
        if let Some(hint) = self.code.hint() {
            write!(f, "; {hint}")?;
        }
        Ok(())
    }
}

impl<C: ErrorCode> std::error::Error for ServiceError<C> {}

/// The code of a service error before the action's code type is known: the send loop is not
/// generic, so each action's code type is applied once at the end ([`Error::retype`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct UntypedCode(String);

impl fmt::Display for UntypedCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl ErrorCode for UntypedCode {
    fn from_code(code: &str) -> Self {
        UntypedCode(code.to_owned())
    }

    fn code(&self) -> &str {
        &self.0
    }

    fn facts(&self) -> Option<&'static crate::CodeFacts> {
        None
    }
}

/// A request that cannot be sent as built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// A required parameter was not set.
    #[error("missing required parameter `{parameter}`: set it on the request builder")]
    MissingParameter {
        /// The parameter's wire name (`CertId`), or its path in a nested structure
        /// (`DataDisks[0].DiskSize`).
        parameter: String,
    },
    /// The request could not be serialized to JSON (a custom `Serialize` implementation failed).
    #[error("cannot serialize the request to JSON: {message}")]
    Serialize {
        /// What serde_json reported.
        message: String,
    },
}

/// A configuration that is invalid, or that does not allow a call.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The endpoint override is not an `https://host[:port]` or `http://host:port` URL.
    #[error("invalid endpoint `{endpoint}`: {reason}")]
    InvalidEndpoint {
        /// The endpoint as given.
        endpoint: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The region is empty, has surrounding whitespace or characters not allowed in a header.
    #[error("invalid region from {origin}: {reason}")]
    InvalidRegion {
        /// Where the region came from (`the builder`, `environment variable TENCENTCLOUD_REGION`).
        origin: String,
        /// What is wrong with it (never the value itself when it is not printable).
        reason: &'static str,
    },
    /// The action needs `X-TC-Region` but no region is configured.
    #[error("action {action} requires a region: set one with `ConfigBuilder::region` or TENCENTCLOUD_REGION")]
    RegionRequired {
        /// The action name.
        action: &'static str,
    },
    /// A setting is out of range.
    #[error("invalid setting `{setting}`: {reason}")]
    InvalidSetting {
        /// The builder method.
        setting: &'static str,
        /// What is wrong.
        reason: &'static str,
    },
    /// The default HTTP transport could not be created.
    #[error("cannot create the HTTP client: {message}")]
    Transport {
        /// What the HTTP library reported.
        message: String,
    },
}

/// The start of `body` for an error message: at most [`EXCERPT_MAX_CHARS`] characters, invalid
/// UTF-8 replaced, control characters escaped, `…` appended when cut.
pub fn excerpt(body: &[u8]) -> String {
    // Four bytes per character at most, plus room for the escapes: enough for the excerpt
    // without decoding a large body.
    let head = &body[..body.len().min(EXCERPT_MAX_CHARS * 4)];
    let text = String::from_utf8_lossy(head);
    let mut out = escape_excerpt(&text);
    if body.len() > head.len() && !out.ends_with('…') {
        truncate_chars(&mut out, EXCERPT_MAX_CHARS - 1);
        out.push('…');
    }
    out
}

/// `text` with control characters escaped (so it stays on one line), at most
/// [`EXCERPT_MAX_CHARS`] characters, `…` appended when cut.
fn escape_excerpt(text: &str) -> String {
    one_line(text, EXCERPT_MAX_CHARS)
}

/// `text` with control characters escaped (so it stays on one line), at most `max_chars`
/// characters, `…` appended when cut. Reads only as much of `text` as it keeps.
pub(crate) fn one_line(text: &str, max_chars: usize) -> String {
    let mut out = String::new();
    let mut chars = 0;
    for c in text.chars() {
        if chars > max_chars {
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
            chars += c.escape_default().count();
        } else {
            out.push(c);
            chars += 1;
        }
    }
    if chars > max_chars {
        truncate_chars(&mut out, max_chars.saturating_sub(1));
        out.push('…');
    }
    out
}

fn truncate_chars(text: &mut String, max_chars: usize) {
    if let Some((index, _)) = text.char_indices().nth(max_chars) {
        text.truncate(index);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpt_is_short_single_line_and_char_safe() {
        let body = "é\n".repeat(1000);
        let short = excerpt(body.as_bytes());
        assert_eq!(short.chars().count(), EXCERPT_MAX_CHARS, "{short}");
        assert!(!short.contains('\n'));
        assert!(short.starts_with("é\\né\\n"));
        assert!(short.ends_with('…'));
    }

    #[test]
    fn excerpt_keeps_short_bodies_whole_and_replaces_invalid_utf8() {
        assert_eq!(excerpt(b"<html>oops</html>"), "<html>oops</html>");
        assert_eq!(excerpt(b"a\xffb\x07"), "a\u{fffd}b\\u{7}");
        assert_eq!(excerpt(b""), "");
    }

    #[test]
    fn one_line_keeps_what_fits_and_cuts_the_rest() {
        assert_eq!(one_line("abc", 3), "abc");
        assert_eq!(one_line("abcd", 3), "ab…");
        assert_eq!(one_line("a\nb", 4), "a\\nb");
        assert_eq!(one_line("a\nb", 3), "a\\…");
        assert_eq!(one_line(&"x".repeat(1_000_000), ID_MAX_CHARS).chars().count(), ID_MAX_CHARS);
    }

    #[test]
    fn excerpt_of_long_ascii_body_is_cut() {
        let body = vec![b'x'; 10_000];
        let short = excerpt(&body);
        assert_eq!(short.chars().count(), EXCERPT_MAX_CHARS);
    }
}
