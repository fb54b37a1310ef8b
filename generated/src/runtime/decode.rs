//! Reading a response: the body decides whether it is a success or a service error, never the
//! `Content-Type` string (the official Python SDK silently returns nulls for
//! `application/json; charset=utf-8`).
//!
//! A first, non-generic pass reads only `Response.Error` and `Response.RequestId` (serde skips the
//! other fields without building values); a success is then deserialized into the action's
//! output. serde_json's recursion limit stays on, so deep nesting is an error, not a stack overflow.

use std::fmt;

use http::StatusCode;
use serde::de::{self, DeserializeOwned, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};

use super::action::ErrorCode;
use super::error::{EXCERPT_MAX_CHARS, Error, ServiceError, excerpt, one_line};

/// What the first pass learned about a 200 body.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Probe {
    /// `{"Response":{"Error":{...}}}`.
    ServiceError { code: String, message: String, request_id: String },
    /// A `Response` without `Error`; its fields still have to be decoded.
    Success { request_id: Option<String> },
}

/// The envelope `{"Response": ...}`. Read through `deserialize_map`, so only a JSON object is
/// accepted: serde's derived structs would also take an array of field values, and `[[...]]`
/// is not an answer of the API.
struct ProbeEnvelope {
    response: Option<ProbeResponse>,
}

/// `Response` as far as the probe reads it; an object too.
struct ProbeResponse {
    error: Option<ProbeError>,
    request_id: Option<String>,
}

/// The keys the probe reads; every other key is skipped without building a value.
enum ProbeKey {
    Response,
    Error,
    RequestId,
    Other,
}

impl<'de> Deserialize<'de> for ProbeKey {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl Visitor<'_> for KeyVisitor {
            type Value = ProbeKey;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_str<E: de::Error>(self, key: &str) -> Result<ProbeKey, E> {
                Ok(match key {
                    "Response" => ProbeKey::Response,
                    "Error" => ProbeKey::Error,
                    "RequestId" => ProbeKey::RequestId,
                    _ => ProbeKey::Other,
                })
            }
        }
        deserializer.deserialize_identifier(KeyVisitor)
    }
}

/// Stores the value of a key read once; a second occurrence is an error, as in derived structs.
fn read_once<'de, T: Deserialize<'de>, A: MapAccess<'de>>(
    map: &mut A,
    slot: &mut Option<T>,
    name: &'static str,
) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(de::Error::duplicate_field(name));
    }
    *slot = Some(map.next_value()?);
    Ok(())
}

impl<'de> Deserialize<'de> for ProbeEnvelope {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct EnvelopeVisitor;
        impl<'de> Visitor<'de> for EnvelopeVisitor {
            type Value = ProbeEnvelope;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("the API's envelope, an object with `Response`")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ProbeEnvelope, A::Error> {
                let mut response: Option<Option<ProbeResponse>> = None;
                while let Some(key) = map.next_key()? {
                    match key {
                        ProbeKey::Response => read_once(&mut map, &mut response, "Response")?,
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(ProbeEnvelope { response: response.flatten() })
            }
        }
        deserializer.deserialize_map(EnvelopeVisitor)
    }
}

impl<'de> Deserialize<'de> for ProbeResponse {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ResponseVisitor;
        impl<'de> Visitor<'de> for ResponseVisitor {
            type Value = ProbeResponse;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("the `Response` object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ProbeResponse, A::Error> {
                let mut error: Option<Option<ProbeError>> = None;
                let mut request_id: Option<Option<String>> = None;
                while let Some(key) = map.next_key()? {
                    match key {
                        ProbeKey::Error => read_once(&mut map, &mut error, "Error")?,
                        ProbeKey::RequestId => read_once(&mut map, &mut request_id, "RequestId")?,
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(ProbeResponse { error: error.flatten(), request_id: request_id.flatten() })
            }
        }
        deserializer.deserialize_map(ResponseVisitor)
    }
}

#[derive(Deserialize)]
struct ProbeError {
    /// Optional here so that an `Error` without `Code` is reported as such, with the RequestId.
    #[serde(rename = "Code")]
    code: Option<String>,
    #[serde(rename = "Message", default)]
    message: String,
}

/// Classifies a 200 body, or explains why it is not the API's envelope.
pub(crate) fn probe<C: ErrorCode>(body: &[u8]) -> Result<Probe, Error<C>> {
    let envelope: ProbeEnvelope = serde_json::from_slice(body).map_err(|error| decode_error(&error, body, None))?;
    let Some(response) = envelope.response else {
        return Err(Error::Decode {
            message: "the body has no `Response` object".into(),
            excerpt: excerpt(body),
            request_id: None,
        });
    };
    Ok(match response.error {
        Some(ProbeError { code: Some(code), message }) if !code.is_empty() => {
            Probe::ServiceError { code, message, request_id: response.request_id.unwrap_or_default() }
        }
        Some(ProbeError { .. }) => {
            return Err(Error::Decode {
                message: "the `Error` object has no `Code`".into(),
                excerpt: excerpt(body),
                request_id: response.request_id,
            });
        }
        None => Probe::Success { request_id: response.request_id },
    })
}

/// The error for a status other than 200, with the RequestId when the body is the API's envelope.
pub(crate) fn http_error<C: ErrorCode>(status: StatusCode, body: &[u8]) -> Error<C> {
    let request_id = serde_json::from_slice::<ProbeEnvelope>(body)
        .ok()
        .and_then(|envelope| envelope.response)
        .and_then(|response| response.request_id);
    Error::Http { status, excerpt: excerpt(body), request_id }
}

/// The service error of a probe.
pub(crate) fn service_error<C: ErrorCode>(code: &str, message: String, request_id: String) -> Error<C> {
    Error::Service(ServiceError { code: C::from_code(code), message, request_id })
}

#[derive(Deserialize)]
struct Envelope<T> {
    #[serde(rename = "Response")]
    response: T,
}

/// The `Response` object of a successful body as the action's output.
pub(crate) fn output<T: DeserializeOwned, C: ErrorCode>(
    body: &[u8],
    request_id: Option<String>,
) -> Result<T, Error<C>> {
    serde_json::from_slice::<Envelope<T>>(body)
        .map(|envelope| envelope.response)
        .map_err(|error| decode_error(&error, body, request_id))
}

/// Decodes a whole HTTP response of action `A` the way [`Client::send`](super::Client::send) does:
/// status, then envelope, then the typed output. For tests, fuzzing and benchmarks of decoding
/// on its own.
pub fn decode_response<A: super::Action>(status: StatusCode, body: &[u8]) -> Result<A::Output, Error<A::ErrorCode>> {
    if status != StatusCode::OK {
        return Err(http_error(status, body));
    }
    match probe(body)? {
        Probe::ServiceError { code, message, request_id } => Err(service_error(&code, message, request_id)),
        Probe::Success { request_id } => output(body, request_id),
    }
}

fn decode_error<C: ErrorCode>(error: &serde_json::Error, body: &[u8], request_id: Option<String>) -> Error<C> {
    Error::Decode { message: short_message(error), excerpt: excerpt(body), request_id }
}

/// serde_json's message, on one line and at most [`EXCERPT_MAX_CHARS`] characters: it quotes
/// values from the body (`invalid type: string "...", expected i64`), which a hostile server makes
/// as long as it likes. The position (`at line 1 column 42`) is kept when the middle is cut.
fn short_message(error: &serde_json::Error) -> String {
    let text = error.to_string();
    if text.chars().count() <= EXCERPT_MAX_CHARS && !text.contains(char::is_control) {
        return text;
    }
    let position =
        if error.line() > 0 { format!(" at line {} column {}", error.line(), error.column()) } else { String::new() };
    let head = text.strip_suffix(&position).unwrap_or(&text);
    let room = EXCERPT_MAX_CHARS.saturating_sub(position.chars().count());
    one_line(head, room) + &position
}

#[cfg(test)]
mod tests {
    use super::*;
    // Any code type does for decoding; the runtime's own untyped one is at hand.
    use crate::runtime::error::UntypedCode as Code;

    #[test]
    fn error_envelope_is_a_service_error_whatever_else_it_holds() {
        let body = br#"{"Response":{"Extra":[1,{"a":2}],"Error":{"Code":"InvalidParameter","Message":"bad"},"RequestId":"r-1"}}"#;
        assert_eq!(
            probe::<Code>(body),
            Ok(Probe::ServiceError {
                code: "InvalidParameter".into(),
                message: "bad".into(),
                request_id: "r-1".into()
            })
        );
    }

    #[test]
    fn success_and_malformed_bodies() {
        assert_eq!(
            probe::<Code>(br#"{"Response":{"OrderId":"o","RequestId":"r-2"}}"#),
            Ok(Probe::Success { request_id: Some("r-2".into()) })
        );
        assert!(
            matches!(probe::<Code>(br#"{"Other":{}}"#), Err(Error::Decode { message, .. }) if message.contains("Response"))
        );
        assert!(matches!(probe::<Code>(br#"{"Response":{"Order"#), Err(Error::Decode { .. })));
        assert!(matches!(probe::<Code>(b"<html>"), Err(Error::Decode { excerpt, .. }) if excerpt == "<html>"));
    }

    #[test]
    fn deep_nesting_is_a_decode_error_not_a_crash() {
        let body = format!(r#"{{"Response":{{"Skipped":{}{}}}}}"#, "[".repeat(100_000), "]".repeat(100_000));
        // Skipping is iterative in serde_json; building values stops at its recursion limit.
        assert!(probe::<Code>(body.as_bytes()).is_ok());
        let decoded = output::<serde_json::Value, Code>(body.as_bytes(), None);
        assert!(matches!(decoded, Err(Error::Decode { message, .. }) if message.contains("recursion limit")));
    }

    #[test]
    fn mistyped_output_keeps_the_request_id() {
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Output {
            #[serde(rename = "Status")]
            status: i64,
        }
        let result = output::<Output, Code>(br#"{"Response":{"Status":"x"}}"#, Some("r-3".into()));
        assert!(matches!(result, Err(Error::Decode { request_id: Some(id), .. }) if id == "r-3"));
    }

    #[test]
    fn http_error_picks_up_request_id_when_present() {
        let error = http_error::<Code>(StatusCode::BAD_GATEWAY, br#"{"Response":{"RequestId":"r-4"}}"#);
        assert_eq!(error.request_id(), Some("r-4"));
        let error = http_error::<Code>(StatusCode::INTERNAL_SERVER_ERROR, b"<html>boom</html>");
        assert_eq!(
            error.to_string(),
            "HTTP 500 Internal Server Error from the endpoint (the request did not reach the API): <html>boom</html>"
        );
    }
}
