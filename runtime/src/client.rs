//! The client and its send path: pace, resolve credentials, sign, send, classify, retry.
//!
//! Only [`Client::send`] is generic, and it stays tiny (serialize, hand the shared loop a decoder
//! of its output): everything else is compiled once, not once per action.

use std::collections::HashMap;
use std::fmt;
use std::future::poll_fn;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::Poll;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http::{Request, StatusCode};
use tracing::field::Empty;
use tracing::{Instrument, Span};

use super::action::{Action, ActionInfo, ErrorCode};
use super::config::{Config, Endpoint};
use super::credentials::{Credentials, ProvideCredentials};
use super::decode::{self, NotOutput, Probe};
use super::error::{BuildError, ConfigError, Error, UntypedCode};
use super::rate_limit::{Pacer, Pacers};
use super::retry::is_rate_limit_code;
use super::sign::{RequestParts, RequestTemplate, SignError};
use super::transport::TransportError;
use super::wire::{self, Corrections, Wire as _};

/// A Tencent Cloud API client. Cheap to clone: clones share the configuration, the connection
/// pool and the rate limiters.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    config: Config,
    pacers: Pacers,
    /// Request templates by the address of their action's `'static` [`ActionInfo`], made on an
    /// action's first call instead of on every call. One address holds one action for the whole
    /// program, so a hit is always the right template.
    templates: Mutex<HashMap<usize, Arc<RequestTemplate>>>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client").field("config", &self.inner.config).finish_non_exhaustive()
    }
}

/// A failed attempt, and whether another attempt may follow.
struct Failure {
    error: Error<UntypedCode>,
    retryable: bool,
}

impl Failure {
    fn last(error: impl Into<Error<UntypedCode>>) -> Self {
        Failure { error: error.into(), retryable: false }
    }
}

/// Whether the action's spec marks an error code retryable; one small function per action.
pub(crate) type RetryableCode = fn(&str) -> bool;

/// Decodes a 200 body into the action's output, which it keeps; the one generic step of a call.
pub(crate) type DecodeOutput<'a> = dyn FnMut(&[u8]) -> Result<(), NotOutput> + Send + 'a;

impl Client {
    /// A client with this configuration.
    pub fn new(config: Config) -> Self {
        Client { inner: Arc::new(Inner { config, pacers: Pacers::default(), templates: Mutex::default() }) }
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// Sends one action and decodes its response, retrying only what is safe to retry.
    ///
    /// A response that differs from the spec without losing anything is corrected (see
    /// [`wire`]); each correction is logged as a `tracing` warning and kept in the
    /// output's `corrections`. With [`ConfigBuilder::strict_decoding`](crate::ConfigBuilder::strict_decoding)
    /// every correction is an error instead.
    pub async fn send<A: Action>(&self, request: &A) -> Result<A::Output, Error<A::ErrorCode>> {
        let (body, token) = wire::encode_request(request)
            .map_err(|error| Error::Build(BuildError::Serialize { message: error.to_string() }))?;
        if let Some(token) = &token {
            tracing::debug!(action = A::INFO.name, token = token.as_str(), "filled in the idempotency token");
        }
        let retryable: RetryableCode = |code| A::ErrorCode::from_code(code).is_retryable();
        let strict = self.inner.config.strict_decoding;
        let mut output = None;
        let mut decode_output = |body: &[u8]| {
            let (value, corrections) = decode::success_output::<A::Output>(body, strict)?;
            // A second pass for the RequestId, only for the rare response that needed a correction.
            let request_id = if corrections.is_empty() { None } else { decode::request_id(body) };
            output = Some((value, corrections, request_id));
            Ok(())
        };
        let result = self.inner.call(A::INFO, Bytes::from(body), retryable, &mut decode_output).await;
        match (result, output) {
            (Ok(()), Some((mut value, corrections, request_id))) => {
                if !corrections.is_empty() {
                    report_corrections(A::INFO, &corrections, request_id.as_deref().unwrap_or_default());
                    if let Some(slot) = value.corrections_mut() {
                        *slot = corrections;
                    }
                }
                Ok(value)
            }
            (Err(error), _) => Err(error.retype()),
            // `call` succeeds only after the decoder kept an output.
            (Ok(()), None) => {
                Err(Error::Decode { message: "no output was decoded".into(), excerpt: String::new(), request_id: None })
            }
        }
    }
}

impl Client {
    /// `send()` of a generated builder: the request it built, or why it could not, sent with its
    /// client. Generic here rather than an `async fn` in every builder, so the generated crate
    /// type-checks one call per action instead of one future per action.
    pub async fn send_built<C: AsRef<Client>, A: Action>(
        built: Result<(C, A), BuildError>,
    ) -> Result<A::Output, Error<A::ErrorCode>> {
        let (client, request) = built?;
        client.as_ref().send(&request).await
    }

    /// The send path of every call, typed or not: `decode_output` reads a 200 body into the
    /// caller's output (the only step that depends on the action).
    pub(crate) async fn call_untyped(
        &self,
        info: &'static ActionInfo,
        body: Bytes,
        retryable: RetryableCode,
        decode_output: &mut DecodeOutput<'_>,
    ) -> Result<(), Error<UntypedCode>> {
        self.inner.call(info, body, retryable, decode_output).await
    }
}

/// One `tracing` warning per corrected value: the action, the path, what was done, the RequestId.
fn report_corrections(info: &ActionInfo, corrections: &Corrections, request_id: &str) {
    for correction in corrections {
        tracing::warn!(
            action = info.name,
            service = info.service.name,
            request_id,
            path = correction.path.as_str(),
            sent = correction.sent.as_str(),
            "corrected a response value that differs from the spec: {}",
            correction.kind.describe(),
        );
    }
}

impl Inner {
    async fn call(
        &self,
        info: &'static ActionInfo,
        body: Bytes,
        retryable: RetryableCode,
        decode_output: &mut DecodeOutput<'_>,
    ) -> Result<(), Error<UntypedCode>> {
        let span = tracing::info_span!(
            "tcapi.call",
            action = info.name,
            service = info.service.name,
            attempts = Empty,
            error = Empty,
        );
        let result = self.attempts(info, body, retryable, decode_output).instrument(span.clone()).await;
        if let Err(error) = &result {
            span.record("error", tracing::field::display(error));
        }
        result
    }

    async fn attempts(
        &self,
        info: &'static ActionInfo,
        body: Bytes,
        retryable: RetryableCode,
        decode_output: &mut DecodeOutput<'_>,
    ) -> Result<(), Error<UntypedCode>> {
        let config = &self.config;
        if info.region_required && config.region.is_none() {
            return Err(ConfigError::RegionRequired { action: info.name }.into());
        }
        let template = self.template_for(info)?;
        let pacer = config
            .rate_limit_for(info.name, info.rate_limit)
            .map(|per_second| self.pacers.get(info.service.name, info.name, per_second));
        let policy = config.retry_policy;
        let mut attempt = 1;
        loop {
            let span =
                tracing::debug_span!("tcapi.attempt", attempt, request_id = Empty, status = Empty, latency_ms = Empty,);
            let outcome = self
                .attempt(info, &template, body.clone(), pacer.as_deref(), retryable, &mut *decode_output)
                .instrument(span)
                .await;
            let result = match outcome {
                Ok(()) => Ok(()),
                Err(failure) if failure.retryable && attempt < policy.max_attempts() => {
                    let delay = policy.backoff(attempt);
                    tracing::debug!(attempt, delay_ms = millis(delay), error = %failure.error, "retrying");
                    tokio::time::sleep(delay).await;
                    attempt += 1;
                    continue;
                }
                Err(failure) => Err(failure.error),
            };
            // Recorded once: subscribers such as tracing-subscriber's fmt append every record.
            Span::current().record("attempts", attempt);
            return result;
        }
    }

    /// One signed exchange; the caller's span records its outcome.
    async fn attempt(
        &self,
        info: &'static ActionInfo,
        template: &RequestTemplate,
        body: Bytes,
        pacer: Option<&Pacer>,
        retryable: RetryableCode,
        decode_output: &mut DecodeOutput<'_>,
    ) -> Result<(), Failure> {
        let config = &self.config;
        if let Some(pacer) = pacer {
            pacer.wait_turn().await;
        }
        // Ready at once for static and fresh cached credentials; a fetch only when they expire.
        let credentials = if info.unsigned {
            None
        } else {
            Some(config.credentials.provide_credentials().await.map_err(Failure::last)?)
        };
        let request = self.request_for_attempt(template, body, credentials)?;

        let span = Span::current();
        // The clock is read only when the span records the latency.
        let started = (!span.is_disabled()).then(tokio::time::Instant::now);
        let mut exchange = config.transport.send(request, config.max_response_size);
        // An exchange that is ready at once (a fake or caching transport) needs no timer: the timer,
        // and the clock read that sets its deadline, are made only for one that has to wait.
        let result = match poll_fn(|cx| Poll::Ready(exchange.as_mut().poll(cx))).await {
            Poll::Ready(result) => Ok(result),
            Poll::Pending => tokio::time::timeout(config.request_timeout, exchange).await,
        };
        if let Some(started) = started {
            span.record("latency_ms", millis(started.elapsed()));
        }
        // An action with an idempotency token is deduplicated by the server: a request that may
        // have been processed is safe to send again (with the same token, in the same body).
        let idempotent = info.idempotency_token.is_some();
        let response = match result {
            Err(_elapsed) => {
                let error = Error::Timeout { timeout: config.request_timeout, retried: idempotent };
                return Err(Failure { error, retryable: idempotent });
            }
            Ok(Err(error)) => return Err(self.transport_failure(error, template.endpoint(), idempotent)),
            Ok(Ok(response)) => response,
        };
        let status = response.status();
        span.record("status", status.as_u16());
        let body = response.into_body();
        // The built-in transport stops reading at the cap; a user's transport may not.
        if body.len() > config.max_response_size {
            return Err(Failure::last(Error::BodyTooLarge { limit: config.max_response_size }));
        }
        if status != StatusCode::OK {
            let error = decode::http_error(status, &body);
            if let Some(request_id) = error.request_id() {
                span.record("request_id", request_id);
            }
            return Err(Failure::last(error));
        }
        let not_output = match decode_output(&body) {
            Ok(()) => {
                // Reading the RequestId takes a second pass: only done when the span records it.
                if !span.is_disabled()
                    && let Ok(Probe::Success { request_id: Some(request_id) }) = decode::probe::<UntypedCode>(&body)
                {
                    span.record("request_id", request_id.as_str());
                }
                return Ok(());
            }
            Err(not_output) => not_output,
        };
        match decode::probe(&body).map_err(Failure::last)? {
            Probe::ServiceError { code, message, request_id } => {
                span.record("request_id", request_id.as_str());
                let retry =
                    is_rate_limit_code(&code) || retryable(&code) || info.retryable_codes.contains(&code.as_str());
                tracing::debug!(code = code.as_str(), retryable = retry, "service error");
                Err(Failure { error: decode::service_error(&code, message, request_id), retryable: retry })
            }
            Probe::Success { request_id } => Err(Failure::last(decode::undecodable(&not_output, &body, request_id))),
        }
    }

    /// The request of one attempt, signed anew (the timestamp must be fresh) with `credentials`
    /// (`None` for an unsigned action). Not async, so none of its locals are kept in the attempt's
    /// future.
    fn request_for_attempt(
        &self,
        template: &RequestTemplate,
        body: Bytes,
        credentials: Option<Credentials>,
    ) -> Result<Request<Bytes>, Failure> {
        let timestamp = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |since| i64::try_from(since.as_secs()).unwrap_or(i64::MAX));
        let request = match credentials {
            None => template.unsigned(timestamp, body),
            Some(credentials) => template.signed(&credentials, timestamp, body),
        };
        request.map_err(|error| match error {
            SignError::Credentials(error) => Failure::last(error),
            other => Failure::last(invalid_request(&other)),
        })
    }

    /// The kept template of `info`'s requests, made on its first call.
    fn template_for(&self, info: &'static ActionInfo) -> Result<Arc<RequestTemplate>, ConfigError> {
        let key = std::ptr::from_ref(info).addr();
        let mut templates = self.templates.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(template) = templates.get(&key) {
            return Ok(Arc::clone(template));
        }
        let config = &self.config;
        let endpoint = config.endpoint_for(info.service)?;
        let parts = RequestParts {
            endpoint: &endpoint,
            service: info.service.name,
            action: info.name,
            version: info.service.version,
            region: config.region.as_deref(),
            language: config.language.as_str(),
        };
        let template = Arc::new(RequestTemplate::new(&parts).map_err(|error| invalid_request(&error))?);
        templates.insert(key, Arc::clone(&template));
        Ok(template)
    }

    /// The failure of an exchange; `idempotent` actions are retried after a timeout or a dropped
    /// connection too, not only when the request never left.
    fn transport_failure(&self, error: TransportError, endpoint: &Endpoint, idempotent: bool) -> Failure {
        let endpoint = endpoint.to_string();
        let retryable = error.never_reached_server()
            || (idempotent && matches!(error, TransportError::Timeout { .. } | TransportError::Other(_)));
        let error = match error {
            TransportError::Connect(message) => Error::Connect { endpoint, message },
            TransportError::Timeout { sent: false } => Error::Connect { endpoint, message: "connect timed out".into() },
            TransportError::Timeout { sent: true } => {
                Error::Timeout { timeout: self.config.request_timeout, retried: idempotent }
            }
            TransportError::BodyTooLarge { limit } => Error::BodyTooLarge { limit },
            TransportError::Other(message) => Error::Transport { endpoint, message, retried: idempotent },
        };
        Failure { error, retryable }
    }
}

/// A request that cannot be built or signed for a reason of the configuration, never a secret.
fn invalid_request(error: &SignError) -> ConfigError {
    let reason = match error {
        SignError::InvalidPart(_) => "the endpoint, action, version, region or language cannot go into an HTTP header",
        _ => "the clock is outside the range a signature can express",
    };
    ConfigError::InvalidSetting { setting: "request", reason }
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}
