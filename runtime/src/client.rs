//! The client and its send path: pace, resolve credentials, sign, send, classify, retry.
//!
//! Only [`Client::send`] and [`Client::send_built`] are generic, and they stay tiny (serialize,
//! hand the shared call a decoder of its output): everything else is compiled once, not once per
//! action.

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::hash::{BuildHasherDefault, Hasher};
use std::pin::Pin;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::task::{Context, Poll};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http::{Response, StatusCode};
use tracing::Span;
use tracing::field::Empty;

use super::action::{Action, ActionInfo, ErrorCode};
use super::config::{Config, Endpoint};
use super::credentials::{Credentials, ProvideCredentials};
use super::decode::{self, NotOutput, Probe};
use super::error::{BuildError, ConfigError, Error, UntypedCode};
use super::rate_limit::{Pacer, Pacers};
use super::retry::is_rate_limit_code;
use super::sign::{RequestParts, RequestTemplate, SignError};
use super::transport::{TransportError, TransportFuture};
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
    /// What each action's calls share, made on its first call instead of on every call, found by
    /// the address of its `'static` [`ActionInfo`]: one address holds one action for the whole
    /// program, so a hit is always the right one. The first actions called each take the slot
    /// their address picks, read without a lock or a reference count; the others are in `actions`.
    slots: [OnceLock<Box<(usize, ActionState)>>; ACTION_SLOTS],
    actions: Mutex<HashMap<usize, Arc<ActionState>, BuildHasherDefault<AddressHasher>>>,
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

/// How many actions a client finds without a lock.
const ACTION_SLOTS: usize = 32;

/// What every call of an action uses: its request template and, when it is paced, its pacer.
struct ActionState {
    template: RequestTemplate,
    pacer: Option<Arc<Pacer>>,
}

/// An action's kept state: in its slot, or shared from the map of the others.
enum ActionRef<'a> {
    Slot(&'a ActionState),
    Shared(Arc<ActionState>),
}

impl std::ops::Deref for ActionRef<'_> {
    type Target = ActionState;

    fn deref(&self) -> &ActionState {
        match self {
            ActionRef::Slot(state) => state,
            ActionRef::Shared(state) => state,
        }
    }
}

/// Hashes the address of an action's `ActionInfo`, a pointer and already unique: one
/// multiplication spreads its bits, where SipHash (the default) costs more than the lookup.
#[derive(Default)]
struct AddressHasher(u64);

impl AddressHasher {
    fn hash(address: impl TryInto<u64>) -> u64 {
        let product = address.try_into().unwrap_or(0).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        // The high half carries the most mixed bits, a table's index the low ones.
        product ^ (product >> 32)
    }
}

impl Hasher for AddressHasher {
    fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.write_u64(self.0.rotate_left(8) ^ u64::from(*byte));
        }
    }

    fn write_u64(&mut self, value: u64) {
        self.0 = AddressHasher::hash(value);
    }

    fn write_usize(&mut self, value: usize) {
        self.0 = AddressHasher::hash(value);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// Whether the action's spec marks an error code retryable; one small function per action.
pub(crate) type RetryableCode = fn(&str) -> bool;

/// Decodes a 200 body into the action's output, which it keeps; the one generic step of a call.
pub(crate) type DecodeOutput<'a> = dyn FnMut(&[u8]) -> Result<(), NotOutput> + Send + 'a;

impl Client {
    /// A client with this configuration.
    pub fn new(config: Config) -> Self {
        let inner = Inner {
            config,
            pacers: Pacers::default(),
            slots: std::array::from_fn(|_| OnceLock::new()),
            actions: Mutex::default(),
        };
        Client { inner: Arc::new(inner) }
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
    pub fn send<'a, A: Action>(
        &'a self,
        request: &A,
    ) -> impl Future<Output = Result<A::Output, Error<A::ErrorCode>>> + use<'a, A> {
        typed_call::<&Client, A>(encode(request).map(|body| (self, body)))
    }
}

impl AsRef<Client> for Client {
    fn as_ref(&self) -> &Client {
        self
    }
}

impl Client {
    /// `send()` of a generated builder: the request it built, or why it could not, sent with its
    /// client. Generic here rather than an `async fn` in every builder, so the generated crate
    /// type-checks one call per action instead of one future per action.
    pub fn send_built<C: AsRef<Client>, A: Action>(
        built: Result<(C, A), BuildError>,
    ) -> impl Future<Output = Result<A::Output, Error<A::ErrorCode>>> {
        // Encoded before the future is made: it need not keep the request.
        let encoded = built.map_err(Error::Build).and_then(|(client, request)| Ok((client, encode(&request)?)));
        typed_call::<C, A>(encoded)
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

/// A typed call of `A` with its encoded body, by `client`: the shared call, decoding into `A`'s
/// output. The one future of a call besides the shared call's own: each level of `async` around
/// it would copy the whole call's state once more when it starts.
async fn typed_call<C: AsRef<Client>, A: Action>(
    encoded: Result<(C, Bytes), Error<A::ErrorCode>>,
) -> Result<A::Output, Error<A::ErrorCode>> {
    let (client, body) = encoded?;
    let inner = &client.as_ref().inner;
    let mut output = Output::<A>::new(inner.config.strict_decoding);
    let result = inner.call(A::INFO, body, retryable_code::<A>, &mut |body| output.decode(body)).await;
    output.finish(result)
}

/// The JSON body of `request`, its idempotency token filled in when unset.
fn encode<A: Action>(request: &A) -> Result<Bytes, Error<A::ErrorCode>> {
    let (body, token) = wire::encode_request(request)
        .map_err(|error| Error::Build(BuildError::Serialize { message: error.to_string() }))?;
    if let Some(token) = &token {
        tracing::debug!(action = A::INFO.name, token = token.as_str(), "filled in the idempotency token");
    }
    Ok(Bytes::from(body))
}

/// Whether `A`'s spec marks `code` retryable.
fn retryable_code<A: Action>(code: &str) -> bool {
    A::ErrorCode::from_code(code).is_retryable()
}

/// The output of a typed call, decoded in place: the value, its corrections and, when there are
/// corrections, the RequestId they are reported with. Kept as fields rather than an `Option` of
/// them, which would move the whole output once more when set.
struct Output<A: Action> {
    strict: bool,
    decoded: bool,
    value: A::Output,
    corrections: Corrections,
    request_id: Option<String>,
}

impl<A: Action> Output<A> {
    fn new(strict: bool) -> Self {
        Output {
            strict,
            decoded: false,
            value: A::Output::default(),
            corrections: Corrections::default(),
            request_id: None,
        }
    }

    fn decode(&mut self, body: &[u8]) -> Result<(), NotOutput> {
        self.corrections = decode::success_output_into(&mut self.value, body, self.strict)?;
        // A second pass for the RequestId, only for the rare response that needed a correction.
        if !self.corrections.is_empty() {
            self.request_id = decode::request_id(body);
        }
        self.decoded = true;
        Ok(())
    }

    fn finish(self, result: Result<(), Error<UntypedCode>>) -> Result<A::Output, Error<A::ErrorCode>> {
        match result {
            Ok(()) if self.decoded => {
                let Output { mut value, corrections, request_id, .. } = self;
                if !corrections.is_empty() {
                    report_corrections(A::INFO, &corrections, request_id.as_deref().unwrap_or_default());
                    if let Some(slot) = value.corrections_mut() {
                        *slot = corrections;
                    }
                }
                Ok(value)
            }
            Err(error) => Err(error.retype()),
            // `call` succeeds only after the decoder kept an output.
            Ok(()) => {
                Err(Error::Decode { message: "no output was decoded".into(), excerpt: String::new(), request_id: None })
            }
        }
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

/// The spans a step of a call runs in: the call's and, within an attempt, the attempt's. They are
/// entered by hand around each step rather than by wrapping the call's future in `Instrumented`
/// layers, which would each move the whole future once more on every call.
#[derive(Clone, Copy)]
struct Spans<'a> {
    call: &'a Span,
    attempt: Option<&'a Span>,
}

impl<'a> Spans<'a> {
    /// Runs `step` inside the spans, as `Instrumented` would.
    #[inline]
    fn run<R>(self, step: impl FnOnce() -> R) -> R {
        let _call = self.call.enter();
        let _attempt = self.attempt.map(Span::enter);
        step()
    }

    /// `future`, polled (and dropped) inside the spans.
    fn wait<F: Future + Unpin>(self, future: F) -> InSpans<'a, F> {
        InSpans { spans: self, future: Some(future) }
    }
}

/// A future polled inside [`Spans`]; only small ones (boxes) are wrapped.
struct InSpans<'a, F> {
    spans: Spans<'a>,
    /// Taken when dropped, so it is dropped inside the spans too.
    future: Option<F>,
}

impl<F: Future + Unpin> Future for InSpans<'_, F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = &mut *self;
        match &mut this.future {
            Some(future) => this.spans.run(|| Pin::new(future).poll(cx)),
            None => Poll::Pending,
        }
    }
}

impl<F> Drop for InSpans<'_, F> {
    fn drop(&mut self) {
        let future = self.future.take();
        self.spans.run(|| drop(future));
    }
}

/// The exchange of an attempt, bounded by the request timeout (`None` when it ran out). An exchange
/// that completes on its first poll (a fake or caching transport) needs no timer: the timer, and
/// the clock read that sets its deadline, are only made for one that has to wait.
struct Exchange<'a> {
    /// Until its first poll.
    first: Option<TransportFuture<'a>>,
    /// After a first poll that was not ready.
    timed: Option<Pin<Box<tokio::time::Timeout<TransportFuture<'a>>>>>,
    timeout: Duration,
}

impl Future for Exchange<'_> {
    type Output = Option<Result<Response<Bytes>, TransportError>>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        if let Some(mut exchange) = this.first.take() {
            if let Poll::Ready(response) = exchange.as_mut().poll(cx) {
                return Poll::Ready(Some(response));
            }
            this.timed = Some(Box::pin(tokio::time::timeout(this.timeout, exchange)));
        }
        match &mut this.timed {
            Some(timed) => timed.as_mut().poll(cx).map(Result::ok),
            None => Poll::Pending,
        }
    }
}

impl Inner {
    /// Pace, resolve credentials, sign, send, classify, retry: the send path of every call.
    ///
    /// One future for the whole call, holding only what must outlive a wait: every step between
    /// two waits is a plain function, and what rarely waits (pacing, fetching credentials, a
    /// timer, a backoff) waits in a box of its own. An `async` block rather than an `async fn`,
    /// whose arguments the future would hold twice.
    #[allow(clippy::manual_async_fn)]
    fn call<'a>(
        &'a self,
        info: &'static ActionInfo,
        body: Bytes,
        retryable: RetryableCode,
        decode_output: &'a mut DecodeOutput<'_>,
    ) -> impl Future<Output = Result<(), Error<UntypedCode>>> + Send + 'a {
        async move {
            let call = tracing::info_span!(
                "tcapi.call",
                action = info.name,
                service = info.service.name,
                attempts = Empty,
                error = Empty,
            );
            let outside = Spans { call: &call, attempt: None };
            let action = match outside.run(|| self.prepare(info)) {
                Ok(prepared) => prepared,
                Err(error) => {
                    call.record("error", tracing::field::display(&error));
                    return Err(error);
                }
            };
            let mut attempt = 1;
            let result = loop {
                // The attempt's span closes with the attempt, before a backoff.
                let outcome = 'attempt: {
                    let span = outside.run(|| {
                        tracing::debug_span!(
                            "tcapi.attempt",
                            attempt,
                            request_id = Empty,
                            status = Empty,
                            latency_ms = Empty
                        )
                    });
                    let spans = Spans { call: &call, attempt: Some(&span) };
                    if let Some(slot) = action.pacer.as_deref().and_then(Pacer::reserve) {
                        spans.wait(Box::pin(tokio::time::sleep_until(slot))).await;
                    }
                    // Ready at once for static and fresh cached credentials; a fetch only when they
                    // expire.
                    let credentials = if info.unsigned {
                        None
                    } else {
                        match spans.wait(spans.run(|| self.config.credentials.provide_credentials())).await {
                            Ok(credentials) => Some(credentials),
                            Err(error) => break 'attempt Err(Failure::last(error)),
                        }
                    };
                    // The clock is read only when the span records the latency.
                    let started = (!span.is_disabled()).then(tokio::time::Instant::now);
                    let exchange = match spans.run(|| self.exchange(&action.template, body.clone(), credentials)) {
                        Ok(exchange) => exchange,
                        Err(failure) => break 'attempt Err(failure),
                    };
                    let response = spans.wait(exchange).await;
                    if let Some(started) = started {
                        span.record("latency_ms", millis(started.elapsed()));
                    }
                    spans.run(|| self.outcome(&span, info, &action.template, response, retryable, decode_output))
                };
                let delay = match outcome {
                    Ok(()) => break Ok(()),
                    Err(failure) if failure.retryable && attempt < self.config.retry_policy.max_attempts() => {
                        let delay = self.config.retry_policy.backoff(attempt);
                        let error = &failure.error;
                        outside.run(|| tracing::debug!(attempt, delay_ms = millis(delay), error = %error, "retrying"));
                        delay
                    }
                    Err(failure) => break Err(failure.error),
                };
                outside.wait(Box::pin(tokio::time::sleep(delay))).await;
                attempt += 1;
            };
            // Recorded once: subscribers such as tracing-subscriber's fmt append every record.
            call.record("attempts", attempt);
            if let Err(error) = &result {
                call.record("error", tracing::field::display(error));
            }
            result
        }
    }

    /// What every attempt of a call of `info` uses, after checking that it can be sent.
    fn prepare(&self, info: &'static ActionInfo) -> Result<ActionRef<'_>, Error<UntypedCode>> {
        if info.region_required && self.config.region.is_none() {
            return Err(ConfigError::RegionRequired { action: info.name }.into());
        }
        Ok(self.action_state(info)?)
    }

    /// The request of one attempt, signed anew (the timestamp must be fresh) with `credentials`
    /// (`None` for an unsigned action), handed to the transport.
    fn exchange(
        &self,
        template: &RequestTemplate,
        body: Bytes,
        credentials: Option<Credentials>,
    ) -> Result<Exchange<'_>, Failure> {
        let timestamp = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |since| i64::try_from(since.as_secs()).unwrap_or(i64::MAX));
        let request = match credentials {
            None => template.unsigned(timestamp, body),
            Some(credentials) => template.signed(&credentials, timestamp, body),
        };
        let request = request.map_err(|error| match error {
            SignError::Credentials(error) => Failure::last(error),
            other => Failure::last(invalid_request(&other)),
        })?;
        let exchange = self.config.transport.send(request, self.config.max_response_size);
        Ok(Exchange { first: Some(exchange), timed: None, timeout: self.config.request_timeout })
    }

    /// What the exchange of an attempt came to (`None`: it timed out), recorded in its `span`.
    fn outcome(
        &self,
        span: &Span,
        info: &'static ActionInfo,
        template: &RequestTemplate,
        response: Option<Result<Response<Bytes>, TransportError>>,
        retryable: RetryableCode,
        decode_output: &mut DecodeOutput<'_>,
    ) -> Result<(), Failure> {
        let config = &self.config;
        // An action with an idempotency token is deduplicated by the server: a request that may
        // have been processed is safe to send again (with the same token, in the same body).
        let idempotent = info.idempotency_token.is_some();
        let response = match response {
            None => {
                let error = Error::Timeout { timeout: config.request_timeout, retried: idempotent };
                return Err(Failure { error, retryable: idempotent });
            }
            Some(Err(error)) => return Err(self.transport_failure(error, template.endpoint(), idempotent)),
            Some(Ok(response)) => response,
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

    /// The kept state of `info`'s calls, made on its first call.
    fn action_state(&self, info: &'static ActionInfo) -> Result<ActionRef<'_>, ConfigError> {
        let key = std::ptr::from_ref(info).addr();
        let slot = &self.slots[usize::try_from(AddressHasher::hash(key) % ACTION_SLOTS as u64).unwrap_or(0)];
        let taken = match slot.get() {
            Some(entry) => entry,
            None => {
                let state = self.new_action_state(info)?;
                // Another thread may have filled the slot meanwhile, with this action or another.
                slot.get_or_init(|| Box::new((key, state)))
            }
        };
        if taken.0 == key {
            return Ok(ActionRef::Slot(&taken.1));
        }
        let mut actions = self.actions.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(state) = actions.get(&key) {
            return Ok(ActionRef::Shared(Arc::clone(state)));
        }
        let state = Arc::new(self.new_action_state(info)?);
        actions.insert(key, Arc::clone(&state));
        Ok(ActionRef::Shared(state))
    }

    fn new_action_state(&self, info: &'static ActionInfo) -> Result<ActionState, ConfigError> {
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
        let template = RequestTemplate::new(&parts).map_err(|error| invalid_request(&error))?;
        // The configuration never changes, so neither does the action's limit.
        let pacer = config
            .rate_limit_for(info.name, info.rate_limit)
            .map(|per_second| self.pacers.get(info.service.name, info.name, per_second));
        Ok(ActionState { template, pacer })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_keeps_its_own_state_in_a_slot_or_beyond() {
        let config = Config::builder().credentials(Credentials::new("id", "key")).build();
        let client = Client::new(config.unwrap_or_else(|error| panic!("{error}")));
        static SERVICE: crate::action::ServiceInfo = crate::action::ServiceInfo {
            name: "cvm",
            version: "2017-03-12",
            endpoint: "cvm.intl.tencentcloudapi.com",
            mainland_endpoint: "cvm.tencentcloudapi.com",
            error_facts: |_| None,
        };
        // More actions than slots: some share a slot and are kept in the map instead.
        let infos: Vec<&'static ActionInfo> = (0..ACTION_SLOTS * 3)
            .map(|n| &*Box::leak(Box::new(ActionInfo::new(Box::leak(format!("Action{n}").into_boxed_str()), &SERVICE))))
            .collect();
        for _ in 0..2 {
            for info in &infos {
                let state = client.inner.action_state(info).unwrap_or_else(|error| panic!("{error}"));
                let request = state.template.unsigned(0, Bytes::new()).unwrap_or_else(|error| panic!("{error}"));
                assert_eq!(
                    request.headers().get("x-tc-action").map(|value| value.as_bytes()),
                    Some(info.name.as_bytes())
                );
            }
        }
        let in_slots = client.inner.slots.iter().filter(|slot| slot.get().is_some()).count();
        let in_map = client.inner.actions.lock().unwrap_or_else(PoisonError::into_inner).len();
        assert_eq!(in_slots + in_map, infos.len());
        assert!(in_map > 0);
    }
}
