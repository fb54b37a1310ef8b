//! Reading a response: the body decides whether it is a success or a service error, never the
//! `Content-Type` string (the official Python SDK silently returns nulls for
//! `application/json; charset=utf-8`).
//!
//! A 200 body is first decoded straight into the action's output (by [`crate::wire`], which
//! corrects lossless deviations and stops at a non-null `Response.Error`); a success (nearly every
//! response) is read once. Anything else goes to the probe, a non-generic pass that reads only
//! `Response.Error` and `Response.RequestId` (serde skips the other fields without building
//! values). serde_json's recursion limit stays on, so deep nesting is an error, not a stack
//! overflow.

use std::fmt;

use http::StatusCode;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};

use crate::action::ErrorCode;
use crate::error::{Error, ServiceError, excerpt, one_line};
use crate::wire::{self, Corrections, DecodeCx, PathStep, Wire, write_steps};

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

/// The RequestId of a body that is the API's envelope.
pub(crate) fn request_id(body: &[u8]) -> Option<String> {
    serde_json::from_slice::<ProbeEnvelope>(body).ok()?.response?.request_id
}

/// The error for a status other than 200, with the RequestId when the body is the API's envelope.
pub(crate) fn http_error<C: ErrorCode>(status: StatusCode, body: &[u8]) -> Error<C> {
    Error::Http { status, excerpt: excerpt(body), request_id: request_id(body) }
}

/// The service error of a probe.
pub(crate) fn service_error<C: ErrorCode>(code: &str, message: String, request_id: String) -> Error<C> {
    Error::Service(ServiceError { code: C::from_code(code), message, request_id })
}

/// Why a 200 body did not decode as the action's output in one pass; [`probe`] then says what it is.
#[derive(Debug)]
pub(crate) enum NotOutput {
    /// `Response` has a non-null `Error`.
    ErrorPresent,
    /// The body is not `{"Response": output}`; `path` is where inside it the decoder stopped
    /// (`Response.Status`), empty when it was not inside a member.
    Invalid { error: serde_json::Error, path: String },
}

/// A body that is JSON but not `{"Response": {...}}`.
pub(crate) fn not_the_envelope() -> NotOutput {
    let error = <serde_json::Error as de::Error>::custom("the body is not the API's envelope `{\"Response\": {...}}`");
    NotOutput::Invalid { error, path: String::new() }
}

/// Decodes a 200 body straight into the action's output, in one pass over the body, with the
/// corrections it made; `strict` refuses every correction instead of making it.
///
/// The output never sees `Response.Error`: a non-null one stops the pass. A success is then read
/// once; everything else (a service error, a broken body) goes to [`probe`].
pub(crate) fn success_output<T: Wire>(body: &[u8], strict: bool) -> Result<(T, Corrections), NotOutput> {
    let mut output = T::default();
    let corrections = success_output_into(&mut output, body, strict)?;
    Ok((output, corrections))
}

/// [`success_output`] into `output`, which holds its type's default; on an error it holds what was
/// read before it.
///
/// The body is checked to be UTF-8 once, as a whole: read from a `&[u8]`, serde_json checks every
/// string it parses again (a fifth of the decoding of a small success). JSON is UTF-8 (RFC 8259),
/// so a body that is not is refused, even where the bytes are in a member the output skips; the
/// error names the member that holds the first bad byte.
pub(crate) fn success_output_into<T: Wire>(
    output: &mut T,
    body: &[u8],
    strict: bool,
) -> Result<Corrections, NotOutput> {
    let Ok(text) = std::str::from_utf8(body) else {
        return Err(not_utf8(body));
    };
    let mut cx = DecodeCx::new(strict);
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let result =
        OutputEnvelope { slot: output, cx: &mut cx }.deserialize(&mut deserializer).and_then(|()| deserializer.end());
    match result {
        Ok(()) => Ok(cx.take_corrections()),
        Err(_) if cx.error_present => Err(NotOutput::ErrorPresent),
        Err(error) => Err(NotOutput::Invalid { error, path: cx.error_path() }),
    }
}

/// Why a body that is not UTF-8 cannot be read, and where: serde_json's error for the first bad
/// byte (`invalid unicode code point at line 1 column 30`) and the path of the member holding it
/// (`Response.OrderId`), found by a pass over the raw bytes that reads every string and key.
/// Not generic, so the outputs' decoders are compiled for one reader only.
#[cold]
fn not_utf8(body: &[u8]) -> NotOutput {
    let mut segments = Vec::new();
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let result = EveryText { segments: &mut segments }.deserialize(&mut deserializer).and_then(|()| deserializer.end());
    let error = match result {
        Err(error) => error,
        // Not reached: a byte that is not UTF-8 is either in a string or breaks the syntax.
        Ok(()) => return NotOutput::Invalid { error: de::Error::custom("the body is not UTF-8"), path: String::new() },
    };
    let steps = segments.iter().map(|segment| match segment {
        TextSegment::Key(key) => PathStep::Field(key),
        TextSegment::Index(index) => PathStep::Index(*index),
    });
    let mut path = String::new();
    let _ = write_steps(steps, &mut path);
    NotOutput::Invalid { error, path }
}

/// A step of the path [`EveryText`] is at, outermost first: on an error, the steps stay where the
/// error happened.
enum TextSegment {
    Key(String),
    Index(usize),
}

/// Reads any JSON value, parsing (and so checking) every string and key in it.
struct EveryText<'a> {
    segments: &'a mut Vec<TextSegment>,
}

impl<'de> DeserializeSeed<'de> for EveryText<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for EveryText<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }

    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }

    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }

    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }

    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            self.segments.push(TextSegment::Key(key));
            map.next_value_seed(EveryText { segments: &mut *self.segments })?;
            self.segments.pop();
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        for index in 0.. {
            self.segments.push(TextSegment::Index(index));
            let element = seq.next_element_seed(EveryText { segments: &mut *self.segments })?;
            self.segments.pop();
            if element.is_none() {
                break;
            }
        }
        Ok(())
    }
}

/// The error for a 200 body that [`probe`] found to be a success but that does not fit the output.
pub(crate) fn undecodable<C: ErrorCode>(not_output: &NotOutput, body: &[u8], request_id: Option<String>) -> Error<C> {
    match not_output {
        NotOutput::Invalid { error, path } => {
            Error::Decode { message: short_message(path, error), excerpt: excerpt(body), request_id }
        }
        // The probe reads a non-null `Error` as a service error or a broken one; never reached.
        NotOutput::ErrorPresent => {
            Error::Decode { message: "the `Error` object cannot be read".into(), excerpt: excerpt(body), request_id }
        }
    }
}

/// `{"Response": output}`, read as an object only (like the probe's envelope).
struct OutputEnvelope<'a, T> {
    slot: &'a mut T,
    cx: &'a mut DecodeCx,
}

impl<'de, T: Wire> DeserializeSeed<'de> for OutputEnvelope<'_, T> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de, T: Wire> Visitor<'de> for OutputEnvelope<'_, T> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the API's envelope, an object with `Response`")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut read = false;
        while let Some(key) = map.next_key::<ProbeKey>()? {
            match key {
                ProbeKey::Response if read => return Err(de::Error::duplicate_field("Response")),
                ProbeKey::Response => {
                    read = true;
                    map.next_value_seed(wire::ResponseSeed::new(&mut *self.slot, &mut *self.cx))?;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        if read { Ok(()) } else { Err(de::Error::missing_field("Response")) }
    }
}

/// Decodes a whole HTTP response of action `A` the way [`Client::send`](crate::Client::send) does:
/// status, then the output in one pass (correcting what can be corrected), then the probe for
/// anything but a success. For tests, fuzzing and benchmarks of decoding on its own.
pub fn decode_response<A: crate::Action>(status: StatusCode, body: &[u8]) -> Result<A::Output, Error<A::ErrorCode>> {
    decode_response_with::<A>(status, body, false)
}

/// [`decode_response`], refusing every correction when `strict` (as
/// [`ConfigBuilder::strict_decoding`](crate::ConfigBuilder::strict_decoding) makes the client do).
/// The corrections made are in the output's `corrections`.
pub fn decode_response_with<A: crate::Action>(
    status: StatusCode,
    body: &[u8],
    strict: bool,
) -> Result<A::Output, Error<A::ErrorCode>> {
    if status != StatusCode::OK {
        return Err(http_error(status, body));
    }
    let not_output = match success_output::<A::Output>(body, strict) {
        Ok((mut output, corrections)) => {
            if let Some(slot) = output.corrections_mut() {
                *slot = corrections;
            }
            return Ok(output);
        }
        Err(not_output) => not_output,
    };
    match probe(body)? {
        Probe::ServiceError { code, message, request_id } => Err(service_error(&code, message, request_id)),
        Probe::Success { request_id } => Err(undecodable(&not_output, body, request_id)),
    }
}

fn decode_error<C: ErrorCode>(error: &serde_json::Error, body: &[u8], request_id: Option<String>) -> Error<C> {
    Error::Decode { message: short_message("", error), excerpt: excerpt(body), request_id }
}

/// The longest message of a decode error, in characters: a member's path (as deep as the
/// recursion limit lets JSON nest), what was wrong and where in the body.
pub const DECODE_MESSAGE_MAX_CHARS: usize = 160;

/// serde_json's message after `path` (`Response.Status: `), on one line and at most
/// [`DECODE_MESSAGE_MAX_CHARS`] characters: it quotes values from the body (`invalid type: string
/// "...", expected i64`), which a hostile server makes as long as it likes. The position (`at line
/// 1 column 42`) is kept when the middle is cut.
fn short_message(path: &str, error: &serde_json::Error) -> String {
    let text = if path.is_empty() { error.to_string() } else { format!("{path}: {error}") };
    if text.chars().count() <= DECODE_MESSAGE_MAX_CHARS && !text.contains(char::is_control) {
        return text;
    }
    let position =
        if error.line() > 0 { format!(" at line {} column {}", error.line(), error.column()) } else { String::new() };
    let head = text.strip_suffix(&position).unwrap_or(&text);
    let room = DECODE_MESSAGE_MAX_CHARS.saturating_sub(position.chars().count());
    one_line(head, room) + &position
}

#[cfg(test)]
mod tests {
    use super::*;
    // Any code type does for decoding; the runtime's own untyped one is at hand.
    use crate::error::UntypedCode as Code;

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
        let nested = format!(r#"{{"Response":{}{}}}"#, r#"{"Inner":"#.repeat(100_000), "}".repeat(100_000));
        let decoded = success_output::<Nested>(nested.as_bytes(), false);
        assert!(
            matches!(decoded, Err(NotOutput::Invalid { error, .. }) if error.to_string().contains("recursion limit"))
        );
    }

    #[derive(Debug, Default, PartialEq, crate::Wire)]
    struct Nested {
        inner: Option<Box<Nested>>,
    }

    #[derive(Debug, Default, PartialEq, crate::Wire)]
    struct Output {
        status: i64,
        request_id: String,
    }

    #[test]
    fn one_pass_decodes_a_success_and_hides_a_null_error() {
        for body in [
            r#"{"Response":{"Status":1,"RequestId":"r"}}"#,
            r#"{"Response":{"Error":null,"Extra":[{"Error":1}],"Status":1,"RequestId":"r"},"Other":2}"#,
            // Escaped keys are read into a `String` instead of borrowed.
            r#"{"Response":{"\u0053tatus":1,"RequestId":"r"}}"#,
        ] {
            let expected = Output { status: 1, request_id: "r".into() };
            let decoded = success_output::<Output>(body.as_bytes(), true)
                .map(|(output, corrections)| (output, corrections.len()));
            assert_eq!(decoded.ok(), Some((expected, 0)), "{body}");
        }
    }

    #[test]
    fn one_pass_leaves_everything_but_a_plain_success_to_the_probe() {
        let error_present =
            |body: &str| matches!(success_output::<Output>(body.as_bytes(), false), Err(NotOutput::ErrorPresent));
        let invalid =
            |body: &str| matches!(success_output::<Output>(body.as_bytes(), false), Err(NotOutput::Invalid { .. }));
        // Even when every output field is there too.
        assert!(error_present(r#"{"Response":{"Status":1,"RequestId":"r","Error":{"Code":"X"}}}"#));
        assert!(error_present(r#"{"Response":{"Error":{"Code":"X","Message":"m"},"RequestId":"r"}}"#));
        assert!(invalid(r#"{"Response":[1,"r"]}"#), "an array of field values is not an object");
        assert!(invalid(r#"[{"Status":1,"RequestId":"r"}]"#));
        assert!(invalid(r#"{"Response":{"Status":1,"RequestId":"r"},"Response":{}}"#));
        assert!(invalid(r#"{"Response":{"Status":1,"Status":2,"RequestId":"r"}}"#));
        assert!(invalid(r#"{"Response":{"Status":1,"RequestId":"r"}} trailing"#));
        assert!(invalid(r#"{"Response":null}"#));
        assert!(invalid(r#"{"Other":{}}"#));
    }

    #[test]
    fn a_body_that_is_not_utf8_names_the_member_holding_the_first_bad_byte() {
        let invalid = |body: &[u8]| match success_output::<Output>(body, false) {
            Err(NotOutput::Invalid { error, path }) => (path, error.to_string()),
            other => panic!("{other:?}"),
        };
        let (path, message) = invalid(b"{\"Response\":{\"Status\":1,\"RequestId\":\"r\xff\"}}");
        assert_eq!(path, "Response.RequestId");
        assert!(message.starts_with("invalid unicode code point"), "{message}");
        // In a member the output skips, an array and a key too.
        let (path, _) = invalid(b"{\"Response\":{\"Extra\":[{\"A\":1},{\"B\":[\"\xc3\"]}],\"Status\":1}}");
        assert_eq!(path, "Response.Extra[1].B[0]");
        let (path, _) = invalid(b"{\"Response\":{\"Sta\xfftus\":1}}");
        assert_eq!(path, "Response");
        // Outside any string the byte breaks the syntax.
        let (path, message) = invalid(b"{\"Response\":\xff}");
        assert_eq!((path.as_str(), message.starts_with("expected value")), ("Response", true), "{message}");
        // Text that is UTF-8 beyond ASCII reads as before.
        let body = "{\"Response\":{\"Status\":1,\"RequestId\":\"r-\u{fc}\u{4e2d}\"}}";
        let decoded = success_output::<Output>(body.as_bytes(), true).map(|(output, _)| output.request_id);
        assert_eq!(decoded.ok().as_deref(), Some("r-\u{fc}\u{4e2d}"));
    }

    #[test]
    fn mistyped_output_keeps_the_request_id() {
        let body = br#"{"Response":{"Status":"x","RequestId":"r-3"}}"#;
        let not_output = success_output::<Output>(body, false).err();
        let request_id = match probe::<Code>(body) {
            Ok(Probe::Success { request_id }) => request_id,
            other => panic!("{other:?}"),
        };
        let error = undecodable::<Code>(&not_output.unwrap(), body, request_id);
        assert!(
            matches!(&error, Error::Decode { request_id: Some(id), message, .. }
            if id == "r-3" && message.starts_with("Response.Status: \"x\" cannot be read as an int64")),
            "{error:?}"
        );
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
