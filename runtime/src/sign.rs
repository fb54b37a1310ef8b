//! TC3-HMAC-SHA256 request signing, over the exact body bytes sent.
//!
//! Only `content-type` and `host` are signed (as the official SDKs do); the `X-TC-*` headers are
//! not part of the signature. Signatures are checked by [`crate::verify`], written apart from this
//! code so that the mock server is a second opinion on it.

use std::sync::{PoisonError, RwLock};

use bytes::Bytes;
use hmac::{Hmac, Mac};
use http::header::{AUTHORIZATION, CONTENT_TYPE, HOST};
use http::{HeaderMap, HeaderName, HeaderValue, Method, Request};
use secrecy::ExposeSecret;
use sha2::{Digest, Sha256};

use super::config::Endpoint;
use super::credentials::{Credentials, CredentialsError, InvalidValueProblem};

type HmacSha256 = Hmac<Sha256>;

/// The signing algorithm's name, first word of the `Authorization` header.
pub const ALGORITHM: &str = "TC3-HMAC-SHA256";
/// The headers covered by the signature.
pub const SIGNED_HEADERS: &str = "content-type;host";
/// The content type of every request.
pub const CONTENT_TYPE_JSON: &str = "application/json";
/// Sent as `X-TC-RequestClient`: this crate and its version. The official SDKs write
/// `SDK_PYTHON_3.0.1`; the header allows no `/`, so the separator is `_`.
pub const REQUEST_CLIENT: &str = concat!("tcapi-rust_", env!("CARGO_PKG_VERSION"));

// The API accepts at most 128 characters of `[0-9a-zA-Z-_,;.]` in X-TC-RequestClient; a version
// with build metadata (`+`) would break that, so it fails the build instead.
const _: () = assert!(is_valid_request_client(REQUEST_CLIENT));

/// Whether `value` is a valid `X-TC-RequestClient`.
pub const fn is_valid_request_client(value: &str) -> bool {
    let bytes = value.as_bytes();
    if bytes.is_empty() || bytes.len() > 128 {
        return false;
    }
    let mut index = 0;
    while index < bytes.len() {
        let byte = bytes[index];
        if !(byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b',' | b';' | b'.')) {
            return false;
        }
        index += 1;
    }
    true
}

/// The `X-TC-*` header names.
pub mod headers {
    use http::HeaderName;

    /// `X-TC-Action`.
    pub const ACTION: HeaderName = HeaderName::from_static("x-tc-action");
    /// `X-TC-Version`.
    pub const VERSION: HeaderName = HeaderName::from_static("x-tc-version");
    /// `X-TC-Timestamp`.
    pub const TIMESTAMP: HeaderName = HeaderName::from_static("x-tc-timestamp");
    /// `X-TC-Region`.
    pub const REGION: HeaderName = HeaderName::from_static("x-tc-region");
    /// `X-TC-Token`.
    pub const TOKEN: HeaderName = HeaderName::from_static("x-tc-token");
    /// `X-TC-Language`.
    pub const LANGUAGE: HeaderName = HeaderName::from_static("x-tc-language");
    /// `X-TC-RequestClient`.
    pub const REQUEST_CLIENT: HeaderName = HeaderName::from_static("x-tc-requestclient");
}

/// What the signature covers.
#[derive(Debug, Clone, Copy)]
pub struct SigningInput<'a> {
    /// The signing scope's service (`ssl`).
    pub service: &'a str,
    /// The `Host` header as sent (`ssl.intl.tencentcloudapi.com`, or `127.0.0.1:8080`).
    pub host: &'a str,
    /// The `Content-Type` header as sent.
    pub content_type: &'a str,
    /// Unix seconds, also sent as `X-TC-Timestamp`.
    pub timestamp: i64,
    /// The exact body bytes sent.
    pub body: &'a [u8],
}

/// The `YYYY-MM-DD` UTC date of a Unix timestamp, as ASCII; `None` outside years 0 to 9999.
fn utc_date(timestamp: i64) -> Option<[u8; 10]> {
    let (year, month, day) = time::OffsetDateTime::from_unix_timestamp(timestamp).ok()?.date().to_calendar_date();
    let year = u16::try_from(year).ok().filter(|year| *year <= 9999)?;
    let digit = |value: u16| b'0' + (value % 10) as u8;
    let (month, day) = (u16::from(u8::from(month)), u16::from(day));
    Some([
        digit(year / 1000),
        digit(year / 100),
        digit(year / 10),
        digit(year),
        b'-',
        digit(month / 10),
        digit(month),
        b'-',
        digit(day / 10),
        digit(day),
    ])
}

/// Lowercase hex of a SHA-256 output, on the stack.
fn hex32(bytes: &[u8]) -> [u8; 64] {
    let mut out = [0u8; 64];
    // 32 bytes always fill exactly 64 hex digits, so this cannot fail.
    let _ = const_hex::encode_to_slice(bytes, &mut out);
    out
}

fn hmac(key: &[u8]) -> HmacSha256 {
    // HMAC takes keys of any length, so `new_from_slice` never fails; the fallback (an
    // empty-key MAC, a wrong signature the server rejects) only keeps this code panic-free.
    HmacSha256::new_from_slice(key).unwrap_or_else(|_| HmacSha256::new(&Default::default()))
}

/// SHA-256 over the part of the canonical request that is the same for every request to `host`
/// with `content_type`: `POST`, `/`, no query, the two signed headers. A template hashes it once,
/// so a signature only hashes what follows (the body's hash), one block less.
fn canonical_prefix(content_type: &str, host: &str) -> Sha256 {
    // `update` through `&mut` rather than `chain_update`, which moves the hasher state each time.
    let mut hasher = Sha256::new();
    for part in [
        b"POST\n/\n\ncontent-type:".as_slice(),
        content_type.as_bytes(),
        b"\nhost:",
        host.as_bytes(),
        b"\n\n",
        SIGNED_HEADERS.as_bytes(),
        b"\n",
    ] {
        Digest::update(&mut hasher, part);
    }
    hasher
}

/// Hex SHA-256 of the canonical request: `prefix` (see [`canonical_prefix`]) and the hex SHA-256
/// of the body.
fn canonical_request_hash(prefix: &Sha256, body: &[u8]) -> [u8; 64] {
    let body_hash = hex32(&Sha256::digest(body));
    let mut hasher = prefix.clone();
    Digest::update(&mut hasher, body_hash);
    hex32(&hasher.finalize())
}

/// HMAC-SHA256 keyed with the day's signing key of `service`: `TC3` + secret key, then the date,
/// the service and `tc3_request`, each the key of the next HMAC.
fn keyed_signing_mac(secret_key: &str, date: &[u8; 10], service: &str) -> HmacSha256 {
    let mut key = Vec::with_capacity(3 + secret_key.len());
    key.extend_from_slice(b"TC3");
    key.extend_from_slice(secret_key.as_bytes());
    let derive = |key: &[u8], data: &[u8]| {
        let mut mac = hmac(key);
        mac.update(data);
        mac.finalize().into_bytes()
    };
    let k_date = derive(&key, date);
    let k_service = derive(&k_date, service.as_bytes());
    let k_signing = derive(&k_service, b"tc3_request");
    hmac(&k_signing)
}

/// How many services' signing keys one secret keeps at a time.
const MAX_CACHED_SIGNING_KEYS: usize = 32;

const SECONDS_PER_DAY: i64 = 86_400;

/// The signing keys derived from one secret key, by UTC date and service, kept with the
/// [`Credentials`] they come from.
///
/// A key changes once a day, yet deriving it takes three of the four HMACs of a signature: each is
/// derived once per day and service instead of once per request (the AWS SDK for Java keeps its
/// SigV4 signing keys the same way).
/// What is kept is the MAC already keyed with it, so the key's HMAC blocks are not redone either,
/// with the texts that name the key in a signature, so they are not formatted again either.
#[derive(Default)]
pub(crate) struct SigningKeys {
    entries: RwLock<Vec<SigningKey>>,
}

struct SigningKey {
    /// Days since 1970-01-01 (UTC) of the date the key is derived for.
    day: i64,
    service: Box<str>,
    mac: HmacSha256,
    /// The credential scope and a newline, as the string to sign has it: `2023-11-14/ssl/tc3_request\n`.
    scope_line: Box<[u8]>,
    /// The `Authorization` value up to the signature:
    /// `TC3-HMAC-SHA256 Credential=<id>/2023-11-14/ssl/tc3_request, SignedHeaders=content-type;host, Signature=`.
    header_prefix: Box<str>,
}

impl SigningKey {
    fn derive(secret_id: &str, secret_key: &str, day: i64, date: &[u8; 10], service: &str) -> Self {
        let date_text = std::str::from_utf8(date).unwrap_or_default();
        let scope = format!("{date_text}/{service}/tc3_request");
        SigningKey {
            day,
            service: service.into(),
            mac: keyed_signing_mac(secret_key, date, service),
            scope_line: format!("{scope}\n").into_bytes().into_boxed_slice(),
            header_prefix: format!(
                "{ALGORITHM} Credential={secret_id}/{scope}, SignedHeaders={SIGNED_HEADERS}, Signature="
            )
            .into_boxed_str(),
        }
    }
}

impl SigningKeys {
    /// Runs `use_key` on the key of `service` for the UTC date of `timestamp`, derived from the
    /// credentials when not kept yet; `None` when the timestamp has no date a signature can name.
    fn with_key<R>(
        &self,
        credentials: &Credentials,
        timestamp: i64,
        service: &str,
        use_key: impl FnOnce(&SigningKey) -> R,
    ) -> Option<R> {
        let day = timestamp.div_euclid(SECONDS_PER_DAY);
        let kept =
            |entries: &[SigningKey]| entries.iter().position(|entry| entry.day == day && *entry.service == *service);
        // Read-locked: signatures made at once on other threads with the same credentials do not
        // wait for each other. Nothing in here panics, but a poisoned lock must not stop signing:
        // the entries stay valid.
        {
            let entries = self.entries.read().unwrap_or_else(PoisonError::into_inner);
            if let Some(index) = kept(&entries) {
                return Some(use_key(&entries[index]));
            }
        }
        let mut entries = self.entries.write().unwrap_or_else(PoisonError::into_inner);
        // Another thread may have derived it meanwhile.
        if let Some(index) = kept(&entries) {
            return Some(use_key(&entries[index]));
        }
        let date = utc_date(timestamp)?;
        let secret_key = credentials.secret_key().expose_secret();
        let entry = SigningKey::derive(credentials.secret_id(), secret_key, day, &date, service);
        let result = use_key(&entry);
        // A new day makes the other days' keys useless.
        entries.retain(|entry| entry.day == day);
        if entries.len() >= MAX_CACHED_SIGNING_KEYS {
            entries.remove(0);
        }
        entries.push(entry);
        Some(result)
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.entries.read().unwrap_or_else(PoisonError::into_inner).len()
    }
}

/// Bytes gathered on the stack and fed to a MAC in few updates: each update costs a call and a
/// copy into the MAC's own block buffer, and a string to sign has nine parts.
struct Gathered {
    buffer: [u8; 192],
    len: usize,
}

impl Gathered {
    fn new() -> Self {
        Gathered { buffer: [0; 192], len: 0 }
    }

    fn push(&mut self, bytes: &[u8], mac: &mut HmacSha256) {
        if bytes.len() > self.buffer.len() - self.len {
            self.flush(mac);
            if bytes.len() > self.buffer.len() {
                mac.update(bytes);
                return;
            }
        }
        self.buffer[self.len..self.len + bytes.len()].copy_from_slice(bytes);
        self.len += bytes.len();
    }

    fn flush(&mut self, mac: &mut HmacSha256) {
        mac.update(&self.buffer[..self.len]);
        self.len = 0;
    }
}

/// A signature that cannot be computed: the timestamp is outside the calendar's range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("timestamp {0} is out of range")]
pub struct TimestampOutOfRange(pub i64);

/// The `Authorization` header value for `input` signed with `credentials`.
pub fn authorization(credentials: &Credentials, input: &SigningInput<'_>) -> Result<String, TimestampOutOfRange> {
    authorization_after(&canonical_prefix(input.content_type, input.host), credentials, input)
}

/// [`authorization`], the start of the canonical request already hashed into `prefix`.
///
/// The canonical request and the string to sign go straight into the hasher and the MAC rather
/// than being formatted first, the key's texts come with the kept key: signing is then little more
/// than the hashing it must do (BENCHMARKS.md).
fn authorization_after(
    prefix: &Sha256,
    credentials: &Credentials,
    input: &SigningInput<'_>,
) -> Result<String, TimestampOutOfRange> {
    let canonical_request_hash = canonical_request_hash(prefix, input.body);
    // Exactly as long as needed: the header value then takes the string's buffer as it is, where
    // spare capacity would make it allocate a shared buffer of its own.
    let scope_len = "2023-11-14/".len() + input.service.len() + "/tc3_request".len();
    let mut header = String::with_capacity(
        ALGORITHM.len()
            + " Credential=".len()
            + credentials.secret_id().len()
            + "/".len()
            + scope_len
            + ", SignedHeaders=".len()
            + SIGNED_HEADERS.len()
            + ", Signature=".len()
            + 64,
    );
    let mut text = Gathered::new();
    let mut timestamp = itoa::Buffer::new();
    let timestamp = timestamp.format(input.timestamp).as_bytes();
    // The MAC is finished where its copy of the kept key is made: a MAC's state is over 200 bytes,
    // and handing it out of the closure would copy it twice more.
    let signed = credentials.signing_keys().with_key(credentials, input.timestamp, input.service, |key| {
        let mut mac = key.mac.clone();
        for part in [ALGORITHM.as_bytes(), b"\n", timestamp, b"\n", &key.scope_line, &canonical_request_hash] {
            text.push(part, &mut mac);
        }
        text.flush(&mut mac);
        header.push_str(&key.header_prefix);
        mac.finalize().into_bytes()
    });
    let signature = hex32(&signed.ok_or(TimestampOutOfRange(input.timestamp))?);
    header.push_str(std::str::from_utf8(&signature).unwrap_or_default());
    Ok(header)
}

/// Everything a request of one action carries besides the body, the timestamp and the credentials.
///
/// The names are `'static`, as the generated code's are: their headers are made from the strings
/// themselves, without a copy.
#[derive(Debug, Clone, Copy)]
pub struct RequestParts<'a> {
    /// Where the request goes: its URI and `Host` header.
    pub endpoint: &'a Endpoint,
    /// The signing scope's service.
    pub service: &'static str,
    /// `X-TC-Action`.
    pub action: &'static str,
    /// `X-TC-Version`.
    pub version: &'static str,
    /// `X-TC-Region`, only sent when set.
    pub region: Option<&'a str>,
    /// `X-TC-Language` (`en-US`).
    pub language: &'static str,
}

/// Why a signed request could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignError {
    /// The credentials cannot go into a header.
    #[error(transparent)]
    Credentials(#[from] CredentialsError),
    /// A header or URL value is invalid (it names which, never a secret).
    #[error("invalid {0} for an HTTP request")]
    InvalidPart(&'static str),
    /// The timestamp cannot be signed.
    #[error(transparent)]
    Timestamp(#[from] TimestampOutOfRange),
}

/// The part of an action's requests that is the same on every call: the URI and every header but
/// the timestamp, the token and the signature, each checked once.
///
/// A client keeps one per action, so a call copies these headers instead of checking and hashing
/// each of them again (BENCHMARKS.md).
#[derive(Debug, Clone)]
pub struct RequestTemplate {
    endpoint: Endpoint,
    service: &'static str,
    /// The request head: POST, the endpoint's URI, the headers with placeholders for the
    /// timestamp and the signature.
    head: http::request::Parts,
    /// The same with a placeholder for the token after the signature's, for temporary
    /// credentials: a token added to a copy of `head` would grow its map on every request.
    head_with_token: http::request::Parts,
    /// SHA-256 of the canonical request's constant start (see [`canonical_prefix`]).
    canonical_prefix: Sha256,
    /// Where in the heads' headers the timestamp's placeholder is; the signature's follows it,
    /// then the token's.
    timestamp_slot: usize,
}

impl RequestTemplate {
    /// The template of `parts`' requests; fails when a part cannot go into a header.
    pub fn new(parts: &RequestParts<'_>) -> Result<Self, SignError> {
        // Checked like any header value, but not copied.
        let static_value = |what: &'static str, text: &'static str| {
            HeaderValue::from_maybe_shared(Bytes::from_static(text.as_bytes()))
                .map_err(|_| SignError::InvalidPart(what))
        };
        let mut fixed = HeaderMap::with_capacity(10);
        fixed.insert(HOST, parts.endpoint.host_header().clone());
        fixed.insert(CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE_JSON));
        fixed.insert(headers::ACTION, static_value("action", parts.action)?);
        fixed.insert(headers::VERSION, static_value("version", parts.version)?);
        if let Some(region) = parts.region {
            fixed.insert(headers::REGION, HeaderValue::from_str(region).map_err(|_| SignError::InvalidPart("region"))?);
        }
        fixed.insert(headers::LANGUAGE, static_value("language", parts.language)?);
        fixed.insert(headers::REQUEST_CLIENT, HeaderValue::from_static(REQUEST_CLIENT));
        // Placeholders each request replaces: a clone of the map has room for exactly the entries
        // it holds, so adding them instead would grow it on every request.
        let timestamp_slot = fixed.len();
        fixed.insert(headers::TIMESTAMP, HeaderValue::from_static(""));
        fixed.insert(AUTHORIZATION, HeaderValue::from_static(""));
        let head = |headers: HeaderMap| {
            let (mut head, ()) = Request::new(()).into_parts();
            head.method = Method::POST;
            head.uri = parts.endpoint.uri().clone();
            head.headers = headers;
            head
        };
        let mut with_token = fixed.clone();
        with_token.insert(headers::TOKEN, HeaderValue::from_static(""));
        Ok(RequestTemplate {
            canonical_prefix: canonical_prefix(CONTENT_TYPE_JSON, parts.endpoint.host()),
            endpoint: parts.endpoint.clone(),
            service: parts.service,
            head: head(fixed),
            head_with_token: head(with_token),
            timestamp_slot,
        })
    }

    /// Where the requests go.
    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    /// A complete signed POST request over `body`, made at `timestamp` (Unix seconds).
    pub fn signed(&self, credentials: &Credentials, timestamp: i64, body: Bytes) -> Result<Request<Bytes>, SignError> {
        let authorization = authorization_after(
            &self.canonical_prefix,
            credentials,
            &SigningInput {
                service: self.service,
                host: self.endpoint.host(),
                content_type: CONTENT_TYPE_JSON,
                timestamp,
                body: &body,
            },
        )?;
        let header_safe = |origin: &str| CredentialsError::InvalidValue {
            origin: origin.into(),
            problem: InvalidValueProblem::NotHeaderSafe,
        };
        // From the `String` itself: no copy of the header value.
        let mut authorization = HeaderValue::try_from(authorization).map_err(|_| header_safe("secret id"))?;
        authorization.set_sensitive(true);
        // A clone of the kept value shares its bytes.
        let token = credentials.token_header().map_err(|_| header_safe("token"))?.cloned();
        self.request(timestamp, body, authorization, token)
    }

    /// A complete POST request for an action Tencent takes without a signature (`skip_sign`):
    /// `Authorization: SKIP`, as the official SDKs send it, and no credentials at all.
    pub fn unsigned(&self, timestamp: i64, body: Bytes) -> Result<Request<Bytes>, SignError> {
        self.request(timestamp, body, HeaderValue::from_static("SKIP"), None)
    }

    fn request(
        &self,
        timestamp: i64,
        body: Bytes,
        authorization: HeaderValue,
        token: Option<HeaderValue>,
    ) -> Result<Request<Bytes>, SignError> {
        // The head copied as a whole rather than a default request filled field by field.
        let head = if token.is_some() { &self.head_with_token } else { &self.head };
        let mut request = Request::from_parts(head.clone(), body);
        let header_map = request.headers_mut();
        // Copied from a stack buffer in one exact allocation; `HeaderValue::from(i64)` takes two.
        let mut text = itoa::Buffer::new();
        let timestamp =
            HeaderValue::from_str(text.format(timestamp)).map_err(|_| SignError::InvalidPart("timestamp"))?;
        // The placeholders are the head's entries from `timestamp_slot` on: replaced where they
        // are, without hashing their names again. The map's order is not documented, so a value
        // whose placeholder is not where it was put is inserted instead.
        let mut slots = header_map.iter_mut().skip(self.timestamp_slot);
        let mut in_place = |name: &HeaderName, value: HeaderValue| match slots.next() {
            Some((slot_name, slot)) if slot_name == name => {
                *slot = value;
                None
            }
            _ => Some((name.clone(), value)),
        };
        let misplaced = [
            in_place(&headers::TIMESTAMP, timestamp),
            in_place(&AUTHORIZATION, authorization),
            token.and_then(|token| in_place(&headers::TOKEN, token)),
        ];
        for (name, value) in misplaced.into_iter().flatten() {
            header_map.insert(name, value);
        }
        Ok(request)
    }
}

/// A complete signed POST request with all the API's headers: [`RequestTemplate::signed`] without
/// keeping the template.
pub fn signed_request(
    credentials: &Credentials,
    parts: &RequestParts<'_>,
    timestamp: i64,
    body: Bytes,
) -> Result<Request<Bytes>, SignError> {
    RequestTemplate::new(parts)?.signed(credentials, timestamp, body)
}

#[cfg(test)]
mod tests {
    use super::*;

    use std::sync::LazyLock;

    /// The TC3 vectors (tests/data/tc3-vectors.json), shared with the verifier's tests.
    #[derive(serde::Deserialize)]
    struct Vectors {
        secret_id: String,
        secret_key: String,
        vectors: Vec<Vector>,
    }

    #[derive(serde::Deserialize)]
    struct Vector {
        name: String,
        service: String,
        host: String,
        content_type: String,
        timestamp: i64,
        date: String,
        body: String,
        body_sha256: String,
        canonical_request_sha256: String,
        authorization: String,
    }

    impl Vector {
        fn input(&self) -> SigningInput<'_> {
            SigningInput {
                service: &self.service,
                host: &self.host,
                content_type: &self.content_type,
                timestamp: self.timestamp,
                body: self.body.as_bytes(),
            }
        }
    }

    static VECTORS: LazyLock<Vectors> =
        LazyLock::new(|| match serde_json::from_str(include_str!("../tests/data/tc3-vectors.json")) {
            Ok(vectors) => vectors,
            Err(error) => panic!("tests/data/tc3-vectors.json: {error}"),
        });

    fn vector(name: &str) -> &'static Vector {
        match VECTORS.vectors.iter().find(|vector| vector.name == name) {
            Some(vector) => vector,
            None => panic!("no vector {name}"),
        }
    }

    fn credentials() -> Credentials {
        Credentials::new(&VECTORS.secret_id, &VECTORS.secret_key)
    }

    fn vector_1() -> SigningInput<'static> {
        vector("certificate_order_submit").input()
    }

    #[test]
    fn the_vectors_sign_as_published() {
        assert_eq!(VECTORS.vectors.len(), 2);
        for vector in &VECTORS.vectors {
            let input = vector.input();
            let name = &vector.name;
            assert_eq!(&hex32(&Sha256::digest(input.body)), vector.body_sha256.as_bytes(), "{name}");
            let prefix = canonical_prefix(input.content_type, input.host);
            assert_eq!(
                &canonical_request_hash(&prefix, input.body),
                vector.canonical_request_sha256.as_bytes(),
                "{name}"
            );
            assert_eq!(
                utc_date(input.timestamp).as_ref().map(<[u8; 10]>::as_slice),
                Some(vector.date.as_bytes()),
                "{name}"
            );
            assert_eq!(authorization(&credentials(), &input).as_ref(), Ok(&vector.authorization), "{name}");
        }
        // The body's `\u672a` escapes are literal ASCII in the signed bytes.
        assert!(vector("describe_instances").body.contains(r"\u672a"));
    }

    /// `use_parts` on the parts of a CertificateOrderSubmit to the international ssl host.
    fn with_ssl_parts<R>(region: Option<&str>, use_parts: impl FnOnce(&RequestParts<'_>) -> R) -> R {
        let endpoint = match Endpoint::parse("https://ssl.intl.tencentcloudapi.com") {
            Ok(endpoint) => endpoint,
            Err(error) => panic!("{error}"),
        };
        use_parts(&RequestParts {
            endpoint: &endpoint,
            service: "ssl",
            action: "CertificateOrderSubmit",
            version: "2019-12-05",
            region,
            language: "en-US",
        })
    }

    fn signed_vector_1(credentials: &Credentials) -> Request<Bytes> {
        let vector = vector("certificate_order_submit");
        let signed = with_ssl_parts(None, |parts| {
            signed_request(credentials, parts, vector.timestamp, Bytes::from(vector.body.clone()))
        });
        signed.unwrap_or_else(|error| panic!("signing failed: {error}"))
    }

    #[test]
    fn signed_request_carries_the_headers_and_the_vector_signature() {
        let request = signed_vector_1(&credentials());
        let h = request.headers();
        let get = |name: &str| h.get(name).and_then(|v| v.to_str().ok()).unwrap_or("<missing>");
        assert_eq!(get("host"), "ssl.intl.tencentcloudapi.com");
        assert_eq!(get("content-type"), "application/json");
        assert_eq!(get("x-tc-action"), "CertificateOrderSubmit");
        assert_eq!(get("x-tc-version"), "2019-12-05");
        assert_eq!(get("x-tc-timestamp"), "1700000000");
        assert_eq!(get("x-tc-language"), "en-US");
        assert_eq!(get("x-tc-requestclient"), REQUEST_CLIENT);
        assert!(h.get("x-tc-region").is_none());
        assert!(h.get("x-tc-token").is_none());
        assert_eq!(get("authorization"), vector("certificate_order_submit").authorization);
        assert!(h.get("authorization").is_some_and(HeaderValue::is_sensitive));
        // The placeholders were replaced, not added to.
        assert_eq!(h.len(), 8);
        assert!(h.values().all(|value| !value.is_empty()));
    }

    #[test]
    fn every_header_is_sent_once_with_a_region_and_a_token() {
        let template =
            with_ssl_parts(Some("ap-guangzhou"), RequestTemplate::new).unwrap_or_else(|error| panic!("{error}"));
        let credentials = credentials().with_token("a-token");
        for timestamp in [1_700_000_000, 1_700_000_001] {
            let request = match template.signed(&credentials, timestamp, Bytes::from_static(b"{}")) {
                Ok(request) => request,
                Err(error) => panic!("{error}"),
            };
            let h = request.headers();
            assert_eq!(h.len(), 10, "{h:?}");
            assert_eq!(h.keys_len(), 10);
            assert!(h.values().all(|value| !value.is_empty()));
            assert_eq!(h.get("x-tc-timestamp").and_then(|v| v.to_str().ok()), Some(timestamp.to_string().as_str()));
            assert_eq!(h.get("x-tc-region").and_then(|v| v.to_str().ok()), Some("ap-guangzhou"));
            assert_eq!(h.get("x-tc-token").and_then(|v| v.to_str().ok()), Some("a-token"));
            let expected = authorization(
                &credentials,
                &SigningInput {
                    service: "ssl",
                    host: "ssl.intl.tencentcloudapi.com",
                    content_type: CONTENT_TYPE_JSON,
                    timestamp,
                    body: b"{}",
                },
            );
            assert_eq!(h.get("authorization").and_then(|v| v.to_str().ok()), expected.as_deref().ok());
        }
    }

    #[test]
    fn request_client_is_valid() {
        assert!(is_valid_request_client(REQUEST_CLIENT));
        assert_eq!(REQUEST_CLIENT, concat!("tcapi-rust_", env!("CARGO_PKG_VERSION")));
        assert!(!is_valid_request_client("tcapi rust"));
        assert!(!is_valid_request_client("tcapi-rust/1.0.0"));
        assert!(!is_valid_request_client("tcapi-rust/1.0.0+build"));
    }

    #[test]
    fn kept_signing_keys_sign_like_fresh_ones_for_every_date_and_service() {
        let kept = credentials();
        let vector_2 = SigningInput { service: "cvm", timestamp: 1_551_113_065, ..vector_1() };
        for input in [vector_1(), vector_1(), vector_2, vector_1()] {
            assert_eq!(authorization(&kept, &input), authorization(&credentials(), &input));
        }
        // A new date dropped the other date's key: one key is kept.
        assert_eq!(kept.signing_keys().len(), 1);
        // Clones share the keys.
        let clone = kept.clone();
        assert!(authorization(&clone, &SigningInput { service: "cvm", ..vector_1() }).is_ok());
        assert_eq!(kept.signing_keys().len(), 2);
        // Other credentials keep their own, derived from their own secret.
        let other = Credentials::new(&VECTORS.secret_id, "another-key");
        assert_ne!(authorization(&kept, &vector_1()), authorization(&other, &vector_1()));
        assert_eq!(other.signing_keys().len(), 1);
    }

    #[test]
    fn signing_keys_are_kept_for_a_bounded_number_of_services() {
        let kept = credentials();
        let services: Vec<String> = (0..MAX_CACHED_SIGNING_KEYS + 8).map(|n| format!("service{n}")).collect();
        for service in &services {
            let input = SigningInput { service, ..vector_1() };
            assert_eq!(authorization(&kept, &input), authorization(&credentials(), &input));
        }
        assert_eq!(kept.signing_keys().len(), MAX_CACHED_SIGNING_KEYS);
        // The oldest were dropped and are derived again when needed.
        let first = SigningInput { service: &services[0], ..vector_1() };
        assert_eq!(authorization(&kept, &first), authorization(&credentials(), &first));
    }

    #[test]
    fn threads_signing_with_shared_credentials_derive_each_key_once_and_agree() {
        let shared = credentials();
        let services = ["ssl", "cvm", "vpc", "cam"];
        let signatures: Vec<Vec<_>> = std::thread::scope(|scope| {
            let threads: Vec<_> = (0..8)
                .map(|_| {
                    scope.spawn(|| {
                        (0..200)
                            .map(|n| authorization(&shared, &SigningInput { service: services[n % 4], ..vector_1() }))
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            threads.into_iter().map(|thread| thread.join().unwrap_or_default()).collect()
        });
        let expected: Vec<_> = (0..200)
            .map(|n| authorization(&credentials(), &SigningInput { service: services[n % 4], ..vector_1() }))
            .collect();
        assert!(signatures.iter().all(|signed| *signed == expected));
        // Threads that missed the same key at once derived it once between them.
        assert_eq!(shared.signing_keys().len(), services.len());
    }

    /// TC3 as the reference describes it, formatted step by step.
    fn reference_authorization(secret_id: &str, secret_key: &str, input: &SigningInput<'_>) -> String {
        let hex = |bytes: &[u8]| const_hex::encode(Sha256::digest(bytes));
        let canonical = format!(
            "POST\n/\n\ncontent-type:{}\nhost:{}\n\n{SIGNED_HEADERS}\n{}",
            input.content_type,
            input.host,
            hex(input.body)
        );
        let date = utc_date(input.timestamp).unwrap_or_default();
        let scope = format!("{}/{}/tc3_request", String::from_utf8_lossy(&date), input.service);
        let string_to_sign = format!("{ALGORITHM}\n{}\n{scope}\n{}", input.timestamp, hex(canonical.as_bytes()));
        let mut mac = keyed_signing_mac(secret_key, &date, input.service);
        mac.update(string_to_sign.as_bytes());
        let signature = const_hex::encode(mac.finalize().into_bytes());
        format!("{ALGORITHM} Credential={secret_id}/{scope}, SignedHeaders={SIGNED_HEADERS}, Signature={signature}")
    }

    #[test]
    fn signatures_match_the_formatted_reference_for_long_services_and_day_boundaries() {
        let kept = credentials();
        let long = "s".repeat(300);
        for service in ["ssl", "a-service-name-of-sixty-three-characters-which-is-the-limit-ok", long.as_str()] {
            for timestamp in [-1, 0, 86_399, 86_400, 1_700_000_000] {
                let input = SigningInput { service, timestamp, ..vector_1() };
                let expected = reference_authorization(&VECTORS.secret_id, &VECTORS.secret_key, &input);
                let header = authorization(&kept, &input);
                assert_eq!(header.as_ref(), Ok(&expected), "{service} at {timestamp}");
                // Exactly as long as needed, so the header value takes the buffer as it is.
                assert!(header.is_ok_and(|header| header.len() == header.capacity()));
            }
        }
        assert_eq!(
            authorization(&kept, &SigningInput { timestamp: 253_402_300_800, ..vector_1() }),
            Err(TimestampOutOfRange(253_402_300_800))
        );
    }
}
