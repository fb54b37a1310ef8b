//! Moving a signed request to the server and its response back: a small trait, so users can
//! plug their own HTTP client or a fake, and the default implementation over `reqwest`.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use http::{Request, Response};

/// The future an [`HttpTransport`] returns.
pub type TransportFuture<'a> = Pin<Box<dyn Future<Output = Result<Response<Bytes>, TransportError>> + Send + 'a>>;

/// Sends one HTTP request and reads the whole response.
///
/// Implementations must not follow redirects and must stop reading a body longer than
/// `max_response_size` with [`TransportError::BodyTooLarge`] (the runtime checks the size again).
/// The runtime also bounds each exchange with the configured request timeout.
pub trait HttpTransport: Send + Sync + fmt::Debug {
    /// Sends `request` and returns the response with its complete body.
    fn send(&self, request: Request<Bytes>, max_response_size: usize) -> TransportFuture<'_>;
}

/// Why an exchange failed. What matters for retries is whether the request reached the server.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TransportError {
    /// The request never reached the server (DNS, TCP, TLS): safe to retry.
    #[error("connection failed: {0}")]
    Connect(String),
    /// No complete response in time. `sent` is false when the time ran out while connecting.
    #[error("timed out ({})", if *.sent { "after sending the request" } else { "while connecting" })]
    Timeout {
        /// Whether the request may have reached the server.
        sent: bool,
    },
    /// The response body exceeded the limit; reading stopped there.
    #[error("response body larger than {limit} bytes")]
    BodyTooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// Any other failure (the connection broke during the exchange, a protocol error).
    #[error("{0}")]
    Other(String),
}

impl TransportError {
    /// Whether the request certainly did not reach the server, so sending it again is safe.
    pub fn never_reached_server(&self) -> bool {
        matches!(self, TransportError::Connect(_) | TransportError::Timeout { sent: false })
    }
}

/// The default transport: `reqwest` over rustls, one connection pool per [`Client`](super::Client)
/// (its clones share it).
#[derive(Debug, Clone)]
pub struct ReqwestTransport {
    client: reqwest::Client,
}

impl ReqwestTransport {
    /// A transport with these timeouts: `connect_timeout` for DNS, TCP and TLS, `request_timeout`
    /// for the whole exchange.
    pub fn new(connect_timeout: Duration, request_timeout: Duration) -> Result<Self, TransportError> {
        let client = reqwest::Client::builder()
            .connect_timeout(connect_timeout)
            .timeout(request_timeout)
            // A redirected POST would be re-sent unsigned for another host; the API never redirects.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(super::sign::REQUEST_CLIENT)
            .build()
            .map_err(|error| TransportError::Other(error_chain(&error)))?;
        Ok(ReqwestTransport { client })
    }

    /// A transport over a `reqwest::Client` configured by the caller (proxies, root certificates).
    /// Disable its redirects.
    pub fn from_client(client: reqwest::Client) -> Self {
        ReqwestTransport { client }
    }

    async fn exchange(
        &self,
        request: Request<Bytes>,
        max_response_size: usize,
    ) -> Result<Response<Bytes>, TransportError> {
        let request =
            reqwest::Request::try_from(request).map_err(|error| TransportError::Other(error_chain(&error)))?;
        let mut response = self.client.execute(request).await.map_err(classify)?;
        if response.content_length().is_some_and(|length| length > max_response_size as u64) {
            return Err(TransportError::BodyTooLarge { limit: max_response_size });
        }
        let mut builder = Response::builder().status(response.status()).version(response.version());
        if let Some(headers) = builder.headers_mut() {
            *headers = std::mem::take(response.headers_mut());
        }
        // Chunk by chunk, so a huge body is refused after `max_response_size` bytes instead of
        // being buffered whole.
        let mut body = BytesMut::new();
        while let Some(chunk) = response.chunk().await.map_err(classify)? {
            if body.len() + chunk.len() > max_response_size {
                return Err(TransportError::BodyTooLarge { limit: max_response_size });
            }
            body.extend_from_slice(&chunk);
        }
        builder.body(body.freeze()).map_err(|error| TransportError::Other(error.to_string()))
    }
}

impl HttpTransport for ReqwestTransport {
    fn send(&self, request: Request<Bytes>, max_response_size: usize) -> TransportFuture<'_> {
        Box::pin(self.exchange(request, max_response_size))
    }
}

fn classify(error: reqwest::Error) -> TransportError {
    // A connect timeout is both a connect and a timeout error: the request was never sent.
    if error.is_connect() {
        TransportError::Connect(error_chain(&error))
    } else if error.is_timeout() {
        TransportError::Timeout { sent: true }
    } else {
        TransportError::Other(error_chain(&error))
    }
}

/// The error and its sources on one line (`reqwest`'s own Display omits the cause).
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}
