//! What the fetching providers share: their transport, made on first use, one bounded exchange,
//! and reading fields out of JSON without ever quoting a value.

use std::fmt;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use bytes::Bytes;
use http::{Request, Response};

use super::show_duration;
use crate::transport::{HttpTransport, ReqwestTransport, TransportError};

/// The default transport a provider makes for itself.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TransportSettings {
    pub(crate) connect_timeout: Duration,
    pub(crate) request_timeout: Duration,
    /// Whether the system's proxy settings apply (not to the link-local metadata service).
    pub(crate) use_proxy: bool,
}

/// A transport given by the user, or the default one made on first use: a chain that finds
/// credentials in the environment never builds the HTTP clients of the sources after it.
#[derive(Clone)]
pub(crate) struct LazyTransport {
    given: Option<Arc<dyn HttpTransport>>,
    settings: TransportSettings,
    made: Arc<OnceLock<Result<Arc<dyn HttpTransport>, String>>>,
}

impl LazyTransport {
    pub(crate) fn new(given: Option<Arc<dyn HttpTransport>>, settings: TransportSettings) -> Self {
        LazyTransport { given, settings, made: Arc::default() }
    }

    fn get(&self) -> Result<&Arc<dyn HttpTransport>, String> {
        if let Some(given) = &self.given {
            return Ok(given);
        }
        let made = self.made.get_or_init(|| {
            let settings = self.settings;
            let mut builder = reqwest::Client::builder()
                .connect_timeout(settings.connect_timeout)
                .timeout(settings.request_timeout)
                .redirect(reqwest::redirect::Policy::none())
                .user_agent(crate::sign::REQUEST_CLIENT);
            if !settings.use_proxy {
                builder = builder.no_proxy();
            }
            match builder.build() {
                Ok(client) => Ok(Arc::new(ReqwestTransport::from_client(client)) as Arc<dyn HttpTransport>),
                Err(error) => Err(format!("cannot create the HTTP client: {error}")),
            }
        });
        made.as_ref().map_err(Clone::clone)
    }

    /// Sends `request` and reads the answer, bounded by the request timeout whatever the transport.
    pub(crate) async fn exchange(&self, request: Request<Bytes>, max_size: usize) -> Result<Response<Bytes>, Failed> {
        let transport = self.get().map_err(Failed::Setup)?;
        let timeout = self.settings.request_timeout;
        match tokio::time::timeout(timeout, transport.send(request, max_size)).await {
            Err(_elapsed) => Err(Failed::Timeout(timeout)),
            Ok(Err(error)) => Err(Failed::Transport(error)),
            Ok(Ok(response)) if response.body().len() > max_size => {
                Err(Failed::Transport(TransportError::BodyTooLarge { limit: max_size }))
            }
            Ok(Ok(response)) => Ok(response),
        }
    }
}

impl fmt::Debug for LazyTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.given {
            Some(given) => f.debug_tuple("LazyTransport").field(given).finish(),
            None => f.debug_tuple("LazyTransport").field(&self.settings).finish(),
        }
    }
}

/// Why an exchange gave no response.
#[derive(Debug)]
pub(crate) enum Failed {
    /// The default transport could not be made.
    Setup(String),
    /// No complete answer within the request timeout.
    Timeout(Duration),
    /// The transport failed.
    Transport(TransportError),
}

impl Failed {
    /// Whether nothing answered at all (refused, unreachable, timed out before connecting): how
    /// a machine without the service looks.
    pub(crate) fn nobody_answered(&self) -> bool {
        match self {
            Failed::Timeout(_) => true,
            Failed::Transport(error) => error.never_reached_server() || matches!(error, TransportError::Timeout { .. }),
            Failed::Setup(_) => false,
        }
    }
}

impl fmt::Display for Failed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failed::Setup(message) => f.write_str(message),
            Failed::Timeout(timeout) => write!(f, "no answer within {}", show_duration(*timeout)),
            Failed::Transport(error) => fmt::Display::fmt(error, f),
        }
    }
}

/// A JSON object's string field, checked like a credential value; the error names the field,
/// never its value.
pub(crate) fn string_field<'a>(
    object: &'a serde_json::Map<String, serde_json::Value>,
    name: &str,
) -> Result<&'a str, String> {
    match object.get(name) {
        None | Some(serde_json::Value::Null) => Err(format!("the answer has no `{name}`")),
        Some(serde_json::Value::String(value)) if value.is_empty() => Err(format!("`{name}` is empty")),
        Some(serde_json::Value::String(value)) if value.trim() != value => {
            Err(format!("`{name}` has leading or trailing whitespace"))
        }
        Some(serde_json::Value::String(value)) if !value.bytes().all(super::is_header_value_byte) => {
            Err(format!("`{name}` contains characters not allowed in an HTTP header"))
        }
        Some(serde_json::Value::String(value)) => Ok(value),
        Some(_) => Err(format!("`{name}` is not a string")),
    }
}

/// A JSON object's field holding Unix seconds (a number, or a string of digits).
pub(crate) fn unix_seconds_field(
    object: &serde_json::Map<String, serde_json::Value>,
    name: &str,
) -> Result<std::time::SystemTime, String> {
    let seconds = match object.get(name) {
        None | Some(serde_json::Value::Null) => return Err(format!("the answer has no `{name}`")),
        Some(serde_json::Value::Number(number)) => number.as_u64(),
        Some(serde_json::Value::String(text)) => text.parse::<u64>().ok(),
        Some(_) => None,
    };
    seconds
        .and_then(|seconds| std::time::UNIX_EPOCH.checked_add(Duration::from_secs(seconds)))
        .ok_or_else(|| format!("`{name}` is not a time in Unix seconds"))
}

/// Parses a JSON object; the error says where the syntax broke, never what the text was.
pub(crate) fn json_object(body: &[u8]) -> Result<serde_json::Map<String, serde_json::Value>, String> {
    match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(serde_json::Value::Object(object)) => Ok(object),
        Ok(_) => Err("the answer is not a JSON object".into()),
        Err(error) => Err(format!("the answer is not JSON (line {}, column {})", error.line(), error.column())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_named_never_quoted() {
        let object = json_object(br#"{"Key": 12345, "Pad": " secret ", "Ok": "value", "T": "1700000000", "N": -1}"#);
        let Ok(object) = object else { panic!("{object:?}") };
        assert_eq!(string_field(&object, "Key"), Err("`Key` is not a string".into()));
        assert_eq!(string_field(&object, "Pad"), Err("`Pad` has leading or trailing whitespace".into()));
        assert_eq!(string_field(&object, "Missing"), Err("the answer has no `Missing`".into()));
        assert_eq!(string_field(&object, "Ok"), Ok("value"));
        assert!(unix_seconds_field(&object, "T").is_ok());
        assert_eq!(unix_seconds_field(&object, "N"), Err("`N` is not a time in Unix seconds".into()));
        let error = json_object(br#"{"TmpSecretKey": "secret-value"#).err().unwrap_or_default();
        assert!(error.starts_with("the answer is not JSON (line 1, column"), "{error}");
        assert!(!error.contains("secret-value"));
    }
}
