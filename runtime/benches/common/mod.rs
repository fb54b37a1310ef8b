//! Inputs and helpers shared by the benchmarks: the same request, canned responses and
//! credentials that `scripts/bench/python_sdk.py` gives the official Python SDK.

#![allow(dead_code)]

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use hmac::{Hmac, Mac};
use http::{HeaderValue, Request, Response};
use sha2::{Digest, Sha256};
use tcapi::ssl::{CertificateOrderSubmitRequest, VerifyType};
use tcapi_runtime::credentials::{CachedCredentials, CredentialsFuture, ProvideCredentials};
use tcapi_runtime::sign::{self, RequestParts, RequestTemplate, SignError};
use tcapi_runtime::{Credentials, Endpoint, HttpTransport, RateLimit, Site, TransportFuture};

/// The body of a successful `CertificateOrderSubmit` (the spec's example).
pub const SUCCESS_BODY: &str = include_str!("../data/success.json");
/// The body of a service error.
pub const ERROR_BODY: &str = include_str!("../data/error.json");

/// The TC3 reference's example credentials (not a real account).
pub const SECRET_ID: &str = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE";
/// The TC3 reference's example secret key.
pub const SECRET_KEY: &str = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE";
/// The host the requests are signed for.
pub const HOST: &str = "ssl.intl.tencentcloudapi.com";

/// The reference's example credentials.
pub fn credentials() -> Credentials {
    Credentials::new(SECRET_ID, SECRET_KEY)
}

/// Unix seconds now, as the client computes them for every attempt.
pub fn now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |since| i64::try_from(since.as_secs()).unwrap_or(0))
}

/// The endpoint the requests go to, parsed once as the client's configuration does.
pub fn endpoint() -> Endpoint {
    match Endpoint::for_service(&tcapi::ssl::SERVICE, Site::International) {
        Ok(endpoint) => endpoint,
        Err(error) => panic!("{error}"),
    }
}

/// What every request of the action carries besides the body, the timestamp and the credentials,
/// made once as the client keeps it after the action's first call.
pub fn template() -> RequestTemplate {
    let endpoint = endpoint();
    let parts = RequestParts {
        endpoint: &endpoint,
        service: "ssl",
        action: "CertificateOrderSubmit",
        version: "2019-12-05",
        region: None,
        language: "en-US",
    };
    match RequestTemplate::new(&parts) {
        Ok(template) => template,
        Err(error) => panic!("{error}"),
    }
}

/// The request every benchmark sends: `CertId`, `DeleteDnsAutoRecord` and `VerifyType` set.
pub fn build_request() -> CertificateOrderSubmitRequest {
    match CertificateOrderSubmitRequest::builder()
        .cert_id("Dsqef134")
        .delete_dns_auto_record(true)
        .verify_type(VerifyType::Dns)
        .build()
    {
        Ok(request) => request,
        Err(error) => panic!("{error}"),
    }
}

/// The JSON body of [`build_request`], as the client serializes it.
pub fn request_body() -> Vec<u8> {
    serde_json::to_vec(&build_request()).unwrap_or_default()
}

/// Builder, `serde_json::to_vec`, then a signed `http::Request` over exactly those bytes: what the
/// client does before handing a request to its transport. The template is made beforehand, as the
/// client keeps it after the action's first call.
pub fn build_sign_serialize(
    credentials: &Credentials,
    template: &RequestTemplate,
) -> Result<Request<Bytes>, SignError> {
    let request = build_request();
    let body = serde_json::to_vec(&request).unwrap_or_default();
    template.signed(credentials, now(), Bytes::from(body))
}

/// A transport that never touches the network: every request gets the same canned response.
#[derive(Debug, Clone)]
pub struct CannedTransport {
    body: Bytes,
}

impl CannedTransport {
    /// Answers every request with `body`, status 200, `Content-Type: application/json`.
    pub fn new(body: &'static str) -> Self {
        CannedTransport { body: Bytes::from_static(body.as_bytes()) }
    }
}

impl HttpTransport for CannedTransport {
    fn send(&self, request: Request<Bytes>, _max_response_size: usize) -> TransportFuture<'_> {
        drop(request);
        // Made in place rather than through `Response::builder()`, whose checks are the fake's
        // cost, not the client's.
        let mut response = Response::new(self.body.clone());
        response.headers_mut().insert(http::header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
        Box::pin(std::future::ready(Ok(response)))
    }
}

/// An ssl client whose transport answers every call with `body`; rate limit off.
pub fn canned_client(body: &'static str) -> tcapi::ssl::Client {
    client_with(body, Arc::new(credentials()))
}

/// Temporary keys with a token, valid for an hour, as the CVM role, STS and web identity
/// providers fetch them: the benchmark's stand-in for a fetch, which it makes only once.
#[derive(Debug)]
pub struct TemporaryKeys;

impl ProvideCredentials for TemporaryKeys {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        let expiry = SystemTime::now() + Duration::from_secs(3600);
        CredentialsFuture::ready(Ok(credentials().with_token(TOKEN).with_expiry(expiry)))
    }
}

/// The token of [`TemporaryKeys`] (not a real one).
pub const TOKEN: &str = "a-benchmark-session-token-of-about-the-length-sts-answers-with";

/// A client as [`canned_client`] makes it, signing with temporary keys kept by
/// [`CachedCredentials`]: the path of every call in production, after the first fetch.
pub fn canned_client_temporary(body: &'static str) -> tcapi::ssl::Client {
    client_with(body, Arc::new(CachedCredentials::new("benchmark", TemporaryKeys)))
}

fn client_with(body: &'static str, credentials: Arc<dyn ProvideCredentials>) -> tcapi::ssl::Client {
    let config = tcapi::Config::builder()
        .credentials_provider(credentials)
        .rate_limit(RateLimit::Disabled)
        .transport(Arc::new(CannedTransport::new(body)))
        .build();
    match config {
        Ok(config) => tcapi::ssl::Client::new(config),
        Err(error) => panic!("{error}"),
    }
}

/// A current-thread runtime with timers (the client bounds each exchange with a timeout).
pub fn runtime() -> tokio::runtime::Runtime {
    match tokio::runtime::Builder::new_current_thread().enable_time().build() {
        Ok(runtime) => runtime,
        Err(error) => panic!("{error}"),
    }
}

/// One whole call through the ssl client: build, serialize, sign, send (canned), decode.
pub async fn whole_call(client: &tcapi::ssl::Client) -> bool {
    client
        .certificate_order_submit()
        .cert_id("Dsqef134")
        .delete_dns_auto_record(true)
        .verify_type(VerifyType::Dns)
        .send()
        .await
        .is_ok()
}

/// The inputs of the cryptographic floor: the exact body, canonical request, date, service and
/// string to sign a TC3 signature of the benchmark's request hashes and MACs.
#[derive(Debug, Clone)]
pub struct FloorInput {
    pub body: Vec<u8>,
    pub canonical_request: Vec<u8>,
    pub key: Vec<u8>,
    pub date: Vec<u8>,
    pub string_to_sign: Vec<u8>,
}

impl FloorInput {
    /// The values for the benchmark's request signed at `timestamp` (2023-11-14 for 1700000000).
    pub fn new(timestamp: i64) -> Self {
        let body = request_body();
        let body_hash = const_hex::encode(Sha256::digest(&body));
        let canonical_request =
            format!("POST\n/\n\ncontent-type:application/json\nhost:{HOST}\n\ncontent-type;host\n{body_hash}");
        let date = "2023-11-14";
        let string_to_sign = format!(
            "TC3-HMAC-SHA256\n{timestamp}\n{date}/ssl/tc3_request\n{}",
            const_hex::encode(Sha256::digest(canonical_request.as_bytes()))
        );
        FloorInput {
            body,
            canonical_request: canonical_request.into_bytes(),
            key: format!("TC3{SECRET_KEY}").into_bytes(),
            date: date.as_bytes().to_vec(),
            string_to_sign: string_to_sign.into_bytes(),
        }
    }

    /// The computations a TC3 signature cannot do without, and nothing else: SHA-256 of the body,
    /// SHA-256 of the canonical request, and the four chained HMAC-SHA256 (date, service,
    /// `tc3_request`, string to sign). No formatting, hex or allocation.
    pub fn compute(&self) -> [u8; 32] {
        self.compute_with(&self.keyed_signing_mac())
    }
}

impl FloorInput {
    /// The MAC keyed with the day's signing key, as the credentials keep it.
    pub fn keyed_signing_mac(&self) -> Hmac<Sha256> {
        let k_date = hmac(&self.key, &self.date);
        let k_service = hmac(&k_date, b"ssl");
        keyed(&hmac(&k_service, b"tc3_request"))
    }

    /// What a request computes when the signing key is kept: SHA-256 of the body and of the
    /// canonical request, and the last HMAC from the keyed MAC (a copy of its state).
    pub fn compute_with(&self, keyed: &Hmac<Sha256>) -> [u8; 32] {
        let body_hash = Sha256::digest(&self.body);
        let canonical_hash = Sha256::digest(&self.canonical_request);
        let mut mac = keyed.clone();
        mac.update(&self.string_to_sign);
        let mut signature: [u8; 32] = mac.finalize().into_bytes().into();
        // Keep the two digests alive so they are not optimized away.
        signature[0] ^= body_hash[0] ^ canonical_hash[0];
        signature
    }
}

fn keyed(key: &[u8]) -> Hmac<Sha256> {
    match Hmac::<Sha256>::new_from_slice(key) {
        Ok(mac) => mac,
        Err(error) => panic!("{error}"),
    }
}

fn hmac(key: &[u8], data: &[u8]) -> [u8; 32] {
    let mut mac = keyed(key);
    mac.update(data);
    mac.finalize().into_bytes().into()
}

/// `sign::authorization` of `body` at `timestamp` for the benchmark's host: signing alone.
pub fn authorization(
    credentials: &Credentials,
    body: &[u8],
    timestamp: i64,
) -> Result<String, sign::TimestampOutOfRange> {
    sign::authorization(
        credentials,
        &sign::SigningInput { service: "ssl", host: HOST, content_type: sign::CONTENT_TYPE_JSON, timestamp, body },
    )
}
