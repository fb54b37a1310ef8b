//! The generic call: any action of any service and version, with a JSON body, for what tcapi
//! does not generate yet. It is sent the way a generated action is (paced by the configured
//! rate limits, signed, retried when safe, errors typed by code, message and RequestId) and
//! answers the `Response` object as JSON.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use bytes::Bytes;
use serde_json::Value;

use crate::action::{ActionInfo, ErrorCode, ServiceInfo};
use crate::client::Client;
use crate::decode::{self, NotOutput};
use crate::error::{BuildError, ConfigError, Error};

/// One call of [`Client::call_json`]: which action, of which service and version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JsonCall<'a> {
    /// The service's short name, the first label of its host and the signing scope (`cvm`).
    pub service: &'a str,
    /// The API version (`2017-03-12`).
    pub version: &'a str,
    /// The action (`DescribeZones`).
    pub action: &'a str,
}

impl JsonCall<'_> {
    /// Checks the three names: they go into headers, the host and the signature.
    fn check(&self) -> Result<(), ConfigError> {
        let label = |text: &str| {
            !text.is_empty()
                && text.len() <= 63
                && text.bytes().all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit() || byte == b'-')
        };
        let date = |text: &str| {
            let bytes = text.as_bytes();
            bytes.len() == 10
                && bytes.iter().enumerate().all(|(i, b)| if i == 4 || i == 7 { *b == b'-' } else { b.is_ascii_digit() })
        };
        let action =
            |text: &str| !text.is_empty() && text.len() <= 128 && text.bytes().all(|byte| byte.is_ascii_alphanumeric());
        let invalid = |setting, reason| Err(ConfigError::InvalidSetting { setting, reason });
        if !label(self.service) {
            return invalid("service", "a lowercase host label such as `cvm`");
        }
        if !date(self.version) {
            return invalid("version", "an API version, YYYY-MM-DD");
        }
        if !action(self.action) {
            return invalid("action", "letters and digits, such as `DescribeZones`");
        }
        Ok(())
    }
}

/// The descriptions of the actions called so far, made once each and kept for the program's life
/// (a few dozen bytes per distinct action), so that they go through the same send path, rate
/// limiters and request templates as generated actions, which describe themselves in statics.
static KNOWN: Mutex<Option<KnownActions>> = Mutex::new(None);

/// The described actions, by service, version and name.
type KnownActions = HashMap<(String, String, String), &'static ActionInfo>;

fn leak(text: String) -> &'static str {
    Box::leak(text.into_boxed_str())
}

/// The action's description, made on its first call.
fn action_info(call: &JsonCall<'_>) -> &'static ActionInfo {
    let mut known = KNOWN.lock().unwrap_or_else(PoisonError::into_inner);
    let key = (call.service.to_owned(), call.version.to_owned(), call.action.to_owned());
    if let Some(info) = known.get_or_insert_with(HashMap::new).get(&key) {
        return info;
    }
    let service: &'static ServiceInfo = Box::leak(Box::new(ServiceInfo {
        name: leak(call.service.to_owned()),
        version: leak(call.version.to_owned()),
        endpoint: leak(format!("{}.intl.tencentcloudapi.com", call.service)),
        mainland_endpoint: leak(format!("{}.tencentcloudapi.com", call.service)),
        error_facts: |_| None,
    }));
    let info: &'static ActionInfo = Box::leak(Box::new(ActionInfo::new(leak(call.action.to_owned()), service)));
    known.get_or_insert_with(HashMap::new).insert(key, info);
    info
}

impl Client {
    /// Sends any action with a JSON body (an object of its parameters) and returns its `Response`
    /// object as JSON: for actions tcapi does not generate yet. The endpoint is the configured
    /// one, or `<service>.intl.tencentcloudapi.com` (`<service>.tencentcloudapi.com` on the
    /// mainland site); the region is the configured one. Service errors are typed as `C`: use
    /// `tcapi::CommonErrorCode` for the codes every action may return, or any service's enum.
    /// Rate-limit refusals and requests that never reached the server are retried.
    ///
    /// ```no_run
    /// # async fn example(client: tcapi_runtime::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// use tcapi_runtime::call::JsonCall;
    /// # type CommonErrorCode = tcapi_runtime::call::AnyCode;
    /// let call = JsonCall { service: "cvm", version: "2017-03-12", action: "DescribeZones" };
    /// let zones = client.call_json::<CommonErrorCode>(&call, &serde_json::json!({})).await?;
    /// println!("{}", zones["ZoneSet"]);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn call_json<C: ErrorCode>(&self, call: &JsonCall<'_>, body: &Value) -> Result<Value, Error<C>> {
        call.check().map_err(Error::Config)?;
        if !body.is_object() {
            return Err(Error::Build(BuildError::Serialize { message: "the body is not a JSON object".into() }));
        }
        let body = serde_json::to_vec(body)
            .map_err(|error| Error::Build(BuildError::Serialize { message: error.to_string() }))?;
        let retryable = |code: &str| C::from_code(code).is_retryable();
        let mut output = None;
        let mut decode_output = |body: &[u8]| {
            output = Some(response_object(body)?);
            Ok(())
        };
        let result = self.call_untyped(action_info(call), Bytes::from(body), retryable, &mut decode_output).await;
        match (result, output) {
            (Ok(()), Some(output)) => Ok(output),
            (Err(error), _) => Err(error.retype()),
            (Ok(()), None) => {
                Err(Error::Decode { message: "no output was decoded".into(), excerpt: String::new(), request_id: None })
            }
        }
    }
}

/// The `Response` object of a success; a non-null `Error` or another shape goes to the probe.
fn response_object(body: &[u8]) -> Result<Value, NotOutput> {
    let envelope: Value =
        serde_json::from_slice(body).map_err(|error| NotOutput::Invalid { error, path: String::new() })?;
    let Value::Object(mut envelope) = envelope else {
        return Err(decode::not_the_envelope());
    };
    match envelope.remove("Response") {
        Some(Value::Object(response)) if response.get("Error").is_some_and(|error| !error.is_null()) => {
            Err(NotOutput::ErrorPresent)
        }
        Some(response @ Value::Object(_)) => Ok(response),
        _ => Err(decode::not_the_envelope()),
    }
}

/// An error code without a table: the code as the server sent it, with no documented facts.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AnyCode(pub String);

impl std::fmt::Display for AnyCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl ErrorCode for AnyCode {
    fn from_code(code: &str) -> Self {
        AnyCode(code.to_owned())
    }

    fn code(&self) -> &str {
        &self.0
    }

    fn facts(&self) -> Option<&'static crate::CodeFacts> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_cannot_go_into_a_request_are_refused() {
        let ok = JsonCall { service: "cvm", version: "2017-03-12", action: "DescribeZones" };
        assert_eq!(ok.check(), Ok(()));
        for bad in [
            JsonCall { service: "cvm.evil", ..ok },
            JsonCall { service: "", ..ok },
            JsonCall { version: "2017-3-12", ..ok },
            JsonCall { action: "Describe\r\nZones", ..ok },
            JsonCall { action: "", ..ok },
        ] {
            assert!(bad.check().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn an_action_is_described_once() {
        let call = JsonCall { service: "cvm", version: "2017-03-12", action: "DescribeZones" };
        let first = action_info(&call);
        assert!(std::ptr::eq(first, action_info(&call)));
        assert_eq!((first.name, first.service.endpoint), ("DescribeZones", "cvm.intl.tencentcloudapi.com"));
    }

    #[test]
    fn the_response_object_is_the_output_and_an_error_is_not() {
        let body = br#"{"Response":{"ZoneSet":[],"RequestId":"r"}}"#;
        assert_eq!(response_object(body).ok(), Some(serde_json::json!({"ZoneSet": [], "RequestId": "r"})));
        assert!(matches!(response_object(br#"{"Response":{"Error":{"Code":"X"}}}"#), Err(NotOutput::ErrorPresent)));
        assert!(matches!(response_object(br#"{"Response":[]}"#), Err(NotOutput::Invalid { .. })));
        assert!(matches!(response_object(b"[1]"), Err(NotOutput::Invalid { .. })));
    }
}
