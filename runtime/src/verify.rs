//! Checks a received request's TC3-HMAC-SHA256 signature the way the API does: the verifier of the
//! mock server, written apart from the signer.
//!
//! [`crate::sign`] streams the canonical request into SHA-256, keeps the derived signing keys and
//! formats nothing: it is written to be fast. This module is written to be obviously right instead,
//! so that it is a second opinion on the signer rather than the same code run twice. It follows the
//! algorithm as Tencent documents it (and as the official Python SDK implements it) step by step:
//! the canonical request and the string to sign are plain `String`s, the signing key is derived with
//! four plain HMAC calls, and the signature is compared in constant time. It shares nothing with the
//! signer but the [`Credentials`] accessors and the `X-TC-*` header names.
//!
//! It is compiled whatever the features: it needs no crate the runtime does not already build, so it
//! costs nothing, it is built, linted and documented in every feature set rather than only with
//! `mock`, and code that checks signatures itself (a test, a proxy) can use it without the mock's
//! HTTP server.

use hmac::{Hmac, Mac};
use http::header::{AUTHORIZATION, CONTENT_TYPE, HOST};
use http::{HeaderMap, HeaderName};
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::credentials::Credentials;
use super::sign::headers::{TIMESTAMP, TOKEN};

type HmacSha256 = Hmac<Sha256>;

/// How far a request's timestamp may be from the verifier's clock, as the API allows (5 minutes).
pub const MAX_CLOCK_SKEW_SECONDS: i64 = 300;

/// Why a request's signature was rejected; each maps to the API's error code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// A header the signature needs is missing or malformed (`AuthFailure.InvalidAuthorization`).
    #[error("the request's {0} is missing or malformed")]
    Malformed(&'static str),
    /// The secret id is not the expected one (`AuthFailure.SecretIdNotFound`).
    #[error("unknown secret id")]
    UnknownSecretId,
    /// The timestamp is more than 5 minutes away from now (`AuthFailure.SignatureExpire`).
    #[error("the timestamp is more than 5 minutes away from the server's clock")]
    Expired,
    /// The token does not match (`AuthFailure.TokenFailure`).
    #[error("the token is missing or wrong")]
    Token,
    /// The signature does not match the request (`AuthFailure.SignatureFailure`).
    #[error("the signature does not match")]
    Signature,
}

impl VerifyError {
    /// The API's error code for this rejection.
    pub fn code(&self) -> &'static str {
        match self {
            VerifyError::Malformed(_) => "AuthFailure.InvalidAuthorization",
            VerifyError::UnknownSecretId => "AuthFailure.SecretIdNotFound",
            VerifyError::Expired => "AuthFailure.SignatureExpire",
            VerifyError::Token => "AuthFailure.TokenFailure",
            VerifyError::Signature => "AuthFailure.SignatureFailure",
        }
    }
}

/// Checks the signature of a request received as `header_map` and `body`, expected from
/// `credentials` for `service`, at the verifier's Unix time `now`.
///
/// The request is taken to be a POST to `/` (the only form the API and this SDK use; the caller
/// checks the method and path). The checks, in order:
///
/// 1. `Authorization`, `X-TC-Timestamp`, `Host` and `Content-Type` are each present once and
///    readable; the timestamp is plain decimal digits; `Authorization` is exactly
///    `TC3-HMAC-SHA256 Credential=<id>/<date>/<service>/tc3_request, SignedHeaders=content-type;host,
///    Signature=<64 lowercase hex digits>` ([`VerifyError::Malformed`]);
/// 2. the secret id is `credentials`' ([`VerifyError::UnknownSecretId`]);
/// 3. the timestamp is at most [`MAX_CLOCK_SKEW_SECONDS`] from `now` ([`VerifyError::Expired`]);
/// 4. `X-TC-Token` is sent exactly when `credentials` have a token, and equals it
///    ([`VerifyError::Token`]);
/// 5. the credential scope's date is the timestamp's UTC date and its service is `service`, and the
///    signature is the one recomputed from `Content-Type` and `Host` as sent and the body
///    ([`VerifyError::Signature`]).
pub fn verify(
    header_map: &HeaderMap,
    body: &[u8],
    credentials: &Credentials,
    service: &str,
    now: i64,
) -> Result<(), VerifyError> {
    let authorization = single_header(header_map, &AUTHORIZATION, "Authorization header")?;
    let timestamp_text = single_header(header_map, &TIMESTAMP, "X-TC-Timestamp header")?;
    let timestamp = parse_timestamp(timestamp_text).ok_or(VerifyError::Malformed("X-TC-Timestamp header"))?;
    let host = single_header(header_map, &HOST, "Host header")?;
    let content_type = single_header(header_map, &CONTENT_TYPE, "Content-Type header")?;
    let authorization = Authorization::parse(authorization)?;

    if authorization.secret_id != credentials.secret_id() {
        return Err(VerifyError::UnknownSecretId);
    }
    if now.abs_diff(timestamp) > MAX_CLOCK_SKEW_SECONDS.unsigned_abs() {
        return Err(VerifyError::Expired);
    }
    check_token(header_map, credentials)?;

    let date = utc_date(timestamp).ok_or(VerifyError::Malformed("X-TC-Timestamp header"))?;
    if authorization.date != date || authorization.service != service {
        return Err(VerifyError::Signature);
    }
    let string_to_sign = string_to_sign(timestamp_text, &date, service, &canonical_request(content_type, host, body));
    let signing_key = signing_key(credentials.secret_key(), &date, service)?;
    let mut mac = HmacSha256::new_from_slice(&signing_key).map_err(|_| VerifyError::Signature)?;
    mac.update(string_to_sign.as_bytes());
    // `verify_slice` compares in constant time.
    mac.verify_slice(&authorization.signature).map_err(|_| VerifyError::Signature)
}

/// The canonical request of a POST to `/` with these headers and body, as the algorithm spells it:
/// `POST\n/\n\ncontent-type:<Content-Type>\nhost:<Host>\n\ncontent-type;host\n<hex SHA-256 of body>`
/// (the query string line is empty).
pub fn canonical_request(content_type: &str, host: &str, body: &[u8]) -> String {
    let body_hash = sha256_hex(body);
    format!("POST\n/\n\ncontent-type:{content_type}\nhost:{host}\n\ncontent-type;host\n{body_hash}")
}

/// The string to sign: the algorithm, the timestamp as sent, the credential scope
/// `<date>/<service>/tc3_request` and the hex SHA-256 of the canonical request, one a line.
pub fn string_to_sign(timestamp: &str, date: &str, service: &str, canonical_request: &str) -> String {
    let canonical_request_hash = sha256_hex(canonical_request.as_bytes());
    format!("TC3-HMAC-SHA256\n{timestamp}\n{date}/{service}/tc3_request\n{canonical_request_hash}")
}

/// The `YYYY-MM-DD` UTC date of a Unix timestamp; `None` outside the years 0 to 9999.
pub fn utc_date(timestamp: i64) -> Option<String> {
    let date = time::OffsetDateTime::from_unix_timestamp(timestamp).ok()?.date();
    if !(0..=9999).contains(&date.year()) {
        return None;
    }
    Some(format!("{:04}-{:02}-{:02}", date.year(), u8::from(date.month()), date.day()))
}

/// Lowercase hex of the SHA-256 of `data`.
fn sha256_hex(data: &[u8]) -> String {
    const_hex::encode(Sha256::digest(data))
}

/// HMAC-SHA256 of `data` keyed with `key`.
fn hmac_sha256(key: &[u8], data: &[u8]) -> Result<[u8; 32], VerifyError> {
    // HMAC takes keys of any length: this error cannot happen, and is no reason to panic.
    let mut mac = HmacSha256::new_from_slice(key).map_err(|_| VerifyError::Signature)?;
    mac.update(data);
    Ok(mac.finalize().into_bytes().into())
}

/// The day's signing key of `service`: kDate = HMAC("TC3" + SecretKey, Date), kService =
/// HMAC(kDate, service), kSigning = HMAC(kService, "tc3_request").
fn signing_key(secret_key: &SecretString, date: &str, service: &str) -> Result<[u8; 32], VerifyError> {
    // The prefixed key is a secret too: wiped when dropped.
    let key = SecretString::from(format!("TC3{}", secret_key.expose_secret()));
    let k_date = hmac_sha256(key.expose_secret().as_bytes(), date.as_bytes())?;
    let k_service = hmac_sha256(&k_date, service.as_bytes())?;
    hmac_sha256(&k_service, b"tc3_request")
}

/// The value of a header sent exactly once, as text.
fn single_header<'a>(header_map: &'a HeaderMap, name: &HeaderName, what: &'static str) -> Result<&'a str, VerifyError> {
    let mut values = header_map.get_all(name).iter();
    match (values.next(), values.next()) {
        (Some(value), None) => value.to_str().map_err(|_| VerifyError::Malformed(what)),
        _ => Err(VerifyError::Malformed(what)),
    }
}

/// A Unix timestamp written as plain decimal digits, without sign or leading zeros, so that the
/// text signed is the number's only spelling.
fn parse_timestamp(text: &str) -> Option<i64> {
    let digits = text.as_bytes();
    let canonical =
        !digits.is_empty() && digits.iter().all(u8::is_ascii_digit) && (digits == b"0" || digits[0] != b'0');
    if canonical { text.parse().ok() } else { None }
}

/// `X-TC-Token` is sent when, and only when, the credentials have a token, and equals it.
fn check_token(header_map: &HeaderMap, credentials: &Credentials) -> Result<(), VerifyError> {
    let mut sent = header_map.get_all(&TOKEN).iter();
    match (sent.next(), sent.next(), credentials.token()) {
        (None, _, None) => Ok(()),
        // Compared in constant time (only the length may show): the token is a secret.
        (Some(sent), None, Some(expected))
            if bool::from(sent.as_bytes().ct_eq(expected.expose_secret().as_bytes())) =>
        {
            Ok(())
        }
        _ => Err(VerifyError::Token),
    }
}

/// The fields of an `Authorization` header.
struct Authorization<'a> {
    secret_id: &'a str,
    date: &'a str,
    service: &'a str,
    signature: [u8; 32],
}

impl<'a> Authorization<'a> {
    /// Parses exactly `TC3-HMAC-SHA256 Credential=<id>/<date>/<service>/tc3_request,
    /// SignedHeaders=content-type;host, Signature=<64 lowercase hex digits>`: the fields in this
    /// order, separated by `, `, nothing else.
    fn parse(value: &'a str) -> Result<Self, VerifyError> {
        let credential_and_rest = value
            .strip_prefix("TC3-HMAC-SHA256 ")
            .ok_or(VerifyError::Malformed("Authorization algorithm"))?
            .strip_prefix("Credential=")
            .ok_or(VerifyError::Malformed("Authorization Credential"))?;
        let (credential, rest) = credential_and_rest
            .split_once(", SignedHeaders=")
            .ok_or(VerifyError::Malformed("Authorization SignedHeaders"))?;
        let (signed_headers, signature) =
            rest.split_once(", Signature=").ok_or(VerifyError::Malformed("Authorization Signature"))?;
        if signed_headers != "content-type;host" {
            return Err(VerifyError::Malformed("Authorization SignedHeaders"));
        }

        let mut scope = credential.split('/');
        let (Some(secret_id), Some(date), Some(service), Some("tc3_request"), None) =
            (scope.next(), scope.next(), scope.next(), scope.next(), scope.next())
        else {
            return Err(VerifyError::Malformed("Authorization Credential"));
        };
        if secret_id.is_empty() || date.is_empty() || service.is_empty() {
            return Err(VerifyError::Malformed("Authorization Credential"));
        }

        let lowercase_hex = |byte: &u8| matches!(byte, b'0'..=b'9' | b'a'..=b'f');
        if signature.len() != 64 || !signature.as_bytes().iter().all(lowercase_hex) {
            return Err(VerifyError::Malformed("Authorization Signature"));
        }
        let mut decoded = [0u8; 32];
        const_hex::decode_to_slice(signature, &mut decoded)
            .map_err(|_| VerifyError::Malformed("Authorization Signature"))?;
        Ok(Authorization { secret_id, date, service, signature: decoded })
    }
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;
    use http::{HeaderValue, Request};

    use super::*;
    use crate::config::Endpoint;
    use crate::sign::{RequestParts, signed_request};

    const SECRET_ID: &str = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE";
    const SECRET_KEY: &str = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE";
    const BODY: &str = r#"{"CertId": "Dsqef134", "DeleteDnsAutoRecord": 1, "VerifyType": "DNS"}"#;
    const NOW: i64 = 1_700_000_010;

    fn credentials() -> Credentials {
        Credentials::new(SECRET_ID, SECRET_KEY)
    }

    /// A request the signer signed, as the client sends it.
    fn signed(credentials: &Credentials) -> Request<Bytes> {
        let endpoint = match Endpoint::parse("https://ssl.intl.tencentcloudapi.com") {
            Ok(endpoint) => endpoint,
            Err(error) => panic!("{error}"),
        };
        let parts = RequestParts {
            endpoint: &endpoint,
            service: "ssl",
            action: "CertificateOrderSubmit",
            version: "2019-12-05",
            region: None,
            language: "en-US",
        };
        match signed_request(credentials, &parts, 1_700_000_000, Bytes::from_static(BODY.as_bytes())) {
            Ok(request) => request,
            Err(error) => panic!("signing failed: {error}"),
        }
    }

    fn with_authorization(request: &Request<Bytes>, authorization: &str) -> HeaderMap {
        let mut header_map = request.headers().clone();
        header_map.insert(AUTHORIZATION, HeaderValue::from_str(authorization).unwrap_or(HeaderValue::from_static("")));
        header_map
    }

    fn authorization_of(request: &Request<Bytes>) -> String {
        request.headers().get(AUTHORIZATION).and_then(|value| value.to_str().ok()).unwrap_or_default().to_owned()
    }

    #[test]
    fn accepts_the_signed_request_and_rejects_changes() {
        let credentials = credentials().with_token("temporary-token");
        let request = signed(&credentials);
        let check = |header_map: &HeaderMap, body: &[u8], credentials: &Credentials, now| {
            verify(header_map, body, credentials, "ssl", now)
        };
        assert_eq!(check(request.headers(), request.body(), &credentials, NOW), Ok(()));
        assert_eq!(check(request.headers(), request.body(), &credentials, NOW - 310), Ok(()));
        assert_eq!(check(request.headers(), request.body(), &credentials, NOW + 290), Ok(()));
        assert_eq!(check(request.headers(), b"{}", &credentials, NOW), Err(VerifyError::Signature));
        let other_key = Credentials::new(SECRET_ID, "another-key").with_token("temporary-token");
        assert_eq!(check(request.headers(), request.body(), &other_key, NOW), Err(VerifyError::Signature));
        let other_id = Credentials::new("AKIDother", SECRET_KEY).with_token("temporary-token");
        assert_eq!(check(request.headers(), request.body(), &other_id, NOW), Err(VerifyError::UnknownSecretId));
        assert_eq!(check(request.headers(), request.body(), &self::credentials(), NOW), Err(VerifyError::Token));
        let other_token = self::credentials().with_token("temporary-tokeN");
        assert_eq!(check(request.headers(), request.body(), &other_token, NOW), Err(VerifyError::Token));
        assert_eq!(check(request.headers(), request.body(), &credentials, NOW + 291), Err(VerifyError::Expired));
        assert_eq!(check(request.headers(), request.body(), &credentials, NOW - 311), Err(VerifyError::Expired));
        assert_eq!(check(request.headers(), request.body(), &credentials, i64::MIN), Err(VerifyError::Expired));
        assert_eq!(verify(request.headers(), request.body(), &credentials, "cvm", NOW), Err(VerifyError::Signature));

        let mut header_map = request.headers().clone();
        header_map.insert(HOST, HeaderValue::from_static("evil.example"));
        assert_eq!(check(&header_map, request.body(), &credentials, NOW), Err(VerifyError::Signature));
        header_map.remove(AUTHORIZATION);
        assert_eq!(
            check(&header_map, request.body(), &credentials, NOW),
            Err(VerifyError::Malformed("Authorization header"))
        );
    }

    #[test]
    fn a_token_is_refused_when_none_is_expected() {
        let request = signed(&credentials().with_token("temporary-token"));
        assert_eq!(verify(request.headers(), request.body(), &credentials(), "ssl", NOW), Err(VerifyError::Token));
        let mut twice = request.headers().clone();
        twice.append(TOKEN, HeaderValue::from_static("temporary-token"));
        let credentials = credentials().with_token("temporary-token");
        assert_eq!(verify(&twice, request.body(), &credentials, "ssl", NOW), Err(VerifyError::Token));
    }

    #[test]
    fn the_authorization_header_is_parsed_strictly() {
        let credentials = credentials();
        let request = signed(&credentials);
        let good = authorization_of(&request);
        let signature = good.rsplit_once('=').map(|(_, signature)| signature.to_owned()).unwrap_or_default();
        let scope = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2023-11-14/ssl/tc3_request";
        let cases: Vec<(String, VerifyError)> = vec![
            (good.replacen("TC3-HMAC-SHA256", "TC3-HMAC-SHA1", 1), VerifyError::Malformed("Authorization algorithm")),
            (
                good.replacen("TC3-HMAC-SHA256 ", "TC3-HMAC-SHA256  ", 1),
                VerifyError::Malformed("Authorization Credential"),
            ),
            (good.replacen("Credential=", "credential=", 1), VerifyError::Malformed("Authorization Credential")),
            (
                good.replacen(", SignedHeaders", ",SignedHeaders", 1),
                VerifyError::Malformed("Authorization SignedHeaders"),
            ),
            (
                good.replacen("content-type;host", "content-type;host;x-tc-action", 1),
                VerifyError::Malformed("Authorization SignedHeaders"),
            ),
            (
                good.replacen("content-type;host", "host;content-type", 1),
                VerifyError::Malformed("Authorization SignedHeaders"),
            ),
            (good.replacen("/tc3_request", "/tc4_request", 1), VerifyError::Malformed("Authorization Credential")),
            (good.replacen("/tc3_request", "/tc3_request/", 1), VerifyError::Malformed("Authorization Credential")),
            (good.replacen("/ssl/", "//", 1), VerifyError::Malformed("Authorization Credential")),
            (good.replacen(SECRET_ID, "", 1), VerifyError::Malformed("Authorization Credential")),
            (
                good.replacen(&signature, &signature.to_uppercase(), 1),
                VerifyError::Malformed("Authorization Signature"),
            ),
            (good.replacen(&signature, &signature[1..], 1), VerifyError::Malformed("Authorization Signature")),
            (format!("{good}0"), VerifyError::Malformed("Authorization Signature")),
            (format!("{good}, Extra=1"), VerifyError::Malformed("Authorization Signature")),
            (good.replacen(", Signature=", ", Signature= ", 1), VerifyError::Malformed("Authorization Signature")),
            // The fields in another order.
            (
                format!("TC3-HMAC-SHA256 SignedHeaders=content-type;host, Credential={scope}, Signature={signature}"),
                VerifyError::Malformed("Authorization Credential"),
            ),
            (
                format!("TC3-HMAC-SHA256 Credential={scope}, Signature={signature}, SignedHeaders=content-type;host"),
                VerifyError::Malformed("Authorization Signature"),
            ),
            ("SKIP".to_owned(), VerifyError::Malformed("Authorization algorithm")),
            (String::new(), VerifyError::Malformed("Authorization algorithm")),
            // Well formed, but for another day or service.
            (good.replacen("2023-11-14", "2023-11-15", 1), VerifyError::Signature),
            (good.replacen("/ssl/", "/cvm/", 1), VerifyError::Signature),
        ];
        assert_eq!(verify(request.headers(), request.body(), &credentials, "ssl", NOW), Ok(()));
        for (authorization, expected) in cases {
            let header_map = with_authorization(&request, &authorization);
            assert_eq!(verify(&header_map, request.body(), &credentials, "ssl", NOW), Err(expected), "{authorization}");
        }
    }

    #[test]
    fn the_signed_headers_are_read_strictly() {
        let credentials = credentials();
        let request = signed(&credentials);
        let check = |header_map: &HeaderMap| verify(header_map, request.body(), &credentials, "ssl", NOW);
        for timestamp in ["+1700000000", "01700000000", "1700000000 ", "1.7e9", "", "-1700000000"] {
            let mut header_map = request.headers().clone();
            header_map.insert(TIMESTAMP, HeaderValue::from_str(timestamp).unwrap_or(HeaderValue::from_static("x")));
            assert_eq!(check(&header_map), Err(VerifyError::Malformed("X-TC-Timestamp header")), "{timestamp:?}");
        }
        for (name, what) in [
            (HOST, "Host header"),
            (CONTENT_TYPE, "Content-Type header"),
            (TIMESTAMP, "X-TC-Timestamp header"),
            (AUTHORIZATION, "Authorization header"),
        ] {
            let mut missing = request.headers().clone();
            missing.remove(&name);
            assert_eq!(check(&missing), Err(VerifyError::Malformed(what)));
            let mut twice = request.headers().clone();
            if let Some(value) = request.headers().get(&name) {
                twice.append(name.clone(), value.clone());
            }
            assert_eq!(check(&twice), Err(VerifyError::Malformed(what)));
            let mut unreadable = request.headers().clone();
            unreadable.insert(name, HeaderValue::from_bytes(b"caf\xc3\xa9").unwrap_or(HeaderValue::from_static("")));
            assert!(matches!(check(&unreadable), Err(VerifyError::Malformed(_))));
        }
    }

    #[test]
    fn dates_are_utc() {
        assert_eq!(utc_date(0).as_deref(), Some("1970-01-01"));
        assert_eq!(utc_date(1_551_113_065).as_deref(), Some("2019-02-25"));
        // 1551113065 is 16:44:25 UTC, already 00:44:25 on the 26th in UTC+8: the date is the 25th.
        assert_eq!(utc_date(1_551_113_065 + 7 * 3600).as_deref(), Some("2019-02-25"));
        assert_eq!(utc_date(1_551_113_065 + 8 * 3600).as_deref(), Some("2019-02-26"));
        assert_eq!(utc_date(253_402_300_799).as_deref(), Some("9999-12-31"));
        assert_eq!(utc_date(253_402_300_800), None);
        assert_eq!(utc_date(i64::MAX), None);
    }

    #[test]
    fn rejections_name_the_api_codes() {
        assert_eq!(VerifyError::Malformed("Host header").code(), "AuthFailure.InvalidAuthorization");
        assert_eq!(VerifyError::UnknownSecretId.code(), "AuthFailure.SecretIdNotFound");
        assert_eq!(VerifyError::Expired.code(), "AuthFailure.SignatureExpire");
        assert_eq!(VerifyError::Token.code(), "AuthFailure.TokenFailure");
        assert_eq!(VerifyError::Signature.code(), "AuthFailure.SignatureFailure");
    }
}
