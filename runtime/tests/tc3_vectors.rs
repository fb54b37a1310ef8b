//! The signer and the independent verifier against the same TC3-HMAC-SHA256 vectors
//! (tests/data/tc3-vectors.json), and against each other on random requests.
//!
//! The signer (`sign`) is the optimised code the client sends with; the verifier (`verify`) is the
//! mock server's, written apart from it. Each must reproduce the published values on its own, and
//! every request the signer signs must verify, while any one-byte change of what is signed or
//! checked must not.

use http::header::{AUTHORIZATION, CONTENT_TYPE, HOST};
use http::{HeaderMap, HeaderValue};
use proptest::prelude::*;
use sha2::{Digest, Sha256};
use tcapi_runtime::Credentials;
use tcapi_runtime::config::Endpoint;
use tcapi_runtime::sign::{self, RequestParts, SigningInput, headers};
use tcapi_runtime::verify::{self, MAX_CLOCK_SKEW_SECONDS, VerifyError};

#[derive(Debug, serde::Deserialize)]
struct Vectors {
    secret_id: String,
    secret_key: String,
    vectors: Vec<Vector>,
}

#[derive(Debug, serde::Deserialize)]
struct Vector {
    name: String,
    service: String,
    host: String,
    content_type: String,
    timestamp: i64,
    date: String,
    body: String,
    body_sha256: String,
    canonical_request: String,
    canonical_request_sha256: String,
    string_to_sign: String,
    signature: String,
    authorization: String,
}

fn vectors() -> Vectors {
    serde_json::from_str(include_str!("data/tc3-vectors.json")).expect("tests/data/tc3-vectors.json")
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

fn sha256_hex(data: &[u8]) -> String {
    const_hex::encode(Sha256::digest(data))
}

/// The headers the signature covers or the verifier reads, as sent.
fn header_map(host: &str, content_type: &str, timestamp: &str, authorization: &str, token: Option<&str>) -> HeaderMap {
    let value = |text: &str| HeaderValue::from_str(text).expect("a header value");
    let mut header_map = HeaderMap::new();
    header_map.insert(HOST, value(host));
    header_map.insert(CONTENT_TYPE, value(content_type));
    header_map.insert(headers::TIMESTAMP, value(timestamp));
    header_map.insert(AUTHORIZATION, value(authorization));
    // Not signed: the verifier must ignore them.
    header_map.insert(headers::ACTION, value("DescribeInstances"));
    header_map.insert(headers::VERSION, value("2017-03-12"));
    if let Some(token) = token {
        header_map.insert(headers::TOKEN, value(token));
    }
    header_map
}

/// `text` with its byte at `index` replaced by another byte that keeps it a valid header value.
fn change_byte(text: &str, index: usize) -> String {
    let mut bytes = text.as_bytes().to_vec();
    bytes[index] = if bytes[index] == b'x' { b'y' } else { b'x' };
    String::from_utf8(bytes).expect("ASCII")
}

#[test]
fn the_vector_file_is_consistent() {
    let vectors = vectors();
    assert_eq!(vectors.vectors.len(), 2);
    for vector in &vectors.vectors {
        let name = &vector.name;
        assert_eq!(sha256_hex(vector.body.as_bytes()), vector.body_sha256, "{name}");
        assert!(vector.canonical_request.ends_with(&format!("\n{}", vector.body_sha256)), "{name}");
        assert_eq!(sha256_hex(vector.canonical_request.as_bytes()), vector.canonical_request_sha256, "{name}");
        assert!(vector.string_to_sign.ends_with(&format!("\n{}", vector.canonical_request_sha256)), "{name}");
        assert!(vector.authorization.ends_with(&format!(", Signature={}", vector.signature)), "{name}");
    }
    // Literal escapes in the body, and a content type with parameters, as sent.
    let describe_instances = vectors.vectors.iter().find(|vector| vector.name == "describe_instances");
    assert!(describe_instances.is_some_and(
        |vector| vector.body.contains(r"\u672a") && vector.content_type == "application/json; charset=utf-8"
    ));
}

#[test]
fn the_signer_reproduces_the_vectors() {
    let vectors = vectors();
    let credentials = Credentials::new(&vectors.secret_id, &vectors.secret_key);
    for vector in &vectors.vectors {
        assert_eq!(
            sign::authorization(&credentials, &vector.input()).as_ref(),
            Ok(&vector.authorization),
            "{}",
            vector.name
        );
    }
}

#[test]
fn the_verifier_spells_the_vectors_intermediate_strings() {
    for vector in &vectors().vectors {
        let name = &vector.name;
        let canonical_request = verify::canonical_request(&vector.content_type, &vector.host, vector.body.as_bytes());
        assert_eq!(canonical_request, vector.canonical_request, "{name}");
        assert_eq!(verify::utc_date(vector.timestamp).as_ref(), Some(&vector.date), "{name}");
        let string_to_sign =
            verify::string_to_sign(&vector.timestamp.to_string(), &vector.date, &vector.service, &canonical_request);
        assert_eq!(string_to_sign, vector.string_to_sign, "{name}");
    }
}

#[test]
fn the_verifier_accepts_the_vectors_within_the_clock_skew() {
    let vectors = vectors();
    let credentials = Credentials::new(&vectors.secret_id, &vectors.secret_key);
    for vector in &vectors.vectors {
        let name = &vector.name;
        let sent =
            header_map(&vector.host, &vector.content_type, &vector.timestamp.to_string(), &vector.authorization, None);
        let check = |now| verify::verify(&sent, vector.body.as_bytes(), &credentials, &vector.service, now);
        assert_eq!(check(vector.timestamp), Ok(()), "{name}");
        assert_eq!(check(vector.timestamp - MAX_CLOCK_SKEW_SECONDS), Ok(()), "{name}");
        assert_eq!(check(vector.timestamp + MAX_CLOCK_SKEW_SECONDS), Ok(()), "{name}");
        assert_eq!(check(vector.timestamp - MAX_CLOCK_SKEW_SECONDS - 1), Err(VerifyError::Expired), "{name}");
        assert_eq!(check(vector.timestamp + MAX_CLOCK_SKEW_SECONDS + 1), Err(VerifyError::Expired), "{name}");
    }
}

/// Every one-byte change of the body, the host, the content type, the timestamp, the signature,
/// the secret id and the token, one at a time, each rejected with its reason.
#[test]
fn the_verifier_rejects_every_one_byte_change_of_the_vectors() {
    const TOKEN: &str = "temporary-token-of-the-session";
    let vectors = vectors();
    let credentials = Credentials::new(&vectors.secret_id, &vectors.secret_key).with_token(TOKEN);
    for vector in &vectors.vectors {
        let name = &vector.name;
        let timestamp = vector.timestamp.to_string();
        let now = vector.timestamp;
        let sent = Sent {
            host: vector.host.clone(),
            content_type: vector.content_type.clone(),
            timestamp: timestamp.clone(),
            authorization: vector.authorization.clone(),
            token: TOKEN.to_owned(),
            body: vector.body.clone().into_bytes(),
        };
        let check = |sent: &Sent| {
            let header_map = header_map(
                &sent.host,
                &sent.content_type,
                &sent.timestamp,
                &sent.authorization,
                Some(sent.token.as_str()),
            );
            verify::verify(&header_map, &sent.body, &credentials, &vector.service, now)
        };
        assert_eq!(check(&sent), Ok(()), "{name}");

        for index in 0..sent.body.len() {
            let mut changed = sent.clone();
            changed.body[index] ^= 0x01;
            assert_eq!(check(&changed), Err(VerifyError::Signature), "{name}: body byte {index}");
        }
        for index in 0..sent.host.len() {
            let changed = Sent { host: change_byte(&sent.host, index), ..sent.clone() };
            assert_eq!(check(&changed), Err(VerifyError::Signature), "{name}: host byte {index}");
        }
        for index in 0..sent.content_type.len() {
            let changed = Sent { content_type: change_byte(&sent.content_type, index), ..sent.clone() };
            assert_eq!(check(&changed), Err(VerifyError::Signature), "{name}: content type byte {index}");
        }
        for index in 0..timestamp.len() {
            let mut digits = timestamp.clone().into_bytes();
            digits[index] = if digits[index] == b'9' { b'8' } else { digits[index] + 1 };
            let changed = Sent { timestamp: String::from_utf8(digits).expect("digits"), ..sent.clone() };
            let skew = changed.timestamp.parse::<i64>().expect("a number").abs_diff(now);
            // A change of the last digits stays within the clock skew: the signature no longer matches.
            let expected = if skew > MAX_CLOCK_SKEW_SECONDS.unsigned_abs() {
                VerifyError::Expired
            } else {
                VerifyError::Signature
            };
            assert_eq!(check(&changed), Err(expected), "{name}: timestamp digit {index}");
        }
        let signature_at = vector.authorization.len() - vector.signature.len();
        for index in signature_at..vector.authorization.len() {
            let mut authorization = sent.authorization.clone().into_bytes();
            // Another lowercase hex digit.
            authorization[index] = if authorization[index] == b'0' { b'1' } else { b'0' };
            let changed = Sent { authorization: String::from_utf8(authorization).expect("ASCII"), ..sent.clone() };
            assert_eq!(check(&changed), Err(VerifyError::Signature), "{name}: signature digit {index}");
        }
        let secret_id_at = vector.authorization.find(&vectors.secret_id).expect("the secret id");
        for index in secret_id_at..secret_id_at + vectors.secret_id.len() {
            let changed = Sent { authorization: change_byte(&sent.authorization, index), ..sent.clone() };
            assert_eq!(check(&changed), Err(VerifyError::UnknownSecretId), "{name}: secret id byte {index}");
        }
        for index in 0..sent.token.len() {
            let changed = Sent { token: change_byte(&sent.token, index), ..sent.clone() };
            assert_eq!(check(&changed), Err(VerifyError::Token), "{name}: token byte {index}");
        }
        // The scope's date and service are signed too.
        for (from, to) in [
            (format!("/{}/", vector.date), "/2000-01-01/".to_owned()),
            (format!("/{}/", vector.service), "/ssl2/".to_owned()),
        ] {
            let changed = Sent { authorization: sent.authorization.replacen(&from, &to, 1), ..sent.clone() };
            assert_eq!(check(&changed), Err(VerifyError::Signature), "{name}: {from} -> {to}");
        }
        // A verifier with another secret key, or expecting another service.
        let other_key = Credentials::new(&vectors.secret_id, change_byte(&vectors.secret_key, 0)).with_token(TOKEN);
        let header_map = header_map(&sent.host, &sent.content_type, &sent.timestamp, &sent.authorization, Some(TOKEN));
        assert_eq!(
            verify::verify(&header_map, &sent.body, &other_key, &vector.service, now),
            Err(VerifyError::Signature)
        );
        assert_eq!(verify::verify(&header_map, &sent.body, &credentials, "tag", now), Err(VerifyError::Signature));
    }
}

/// What a request sends, to change one part of at a time.
#[derive(Debug, Clone)]
struct Sent {
    host: String,
    content_type: String,
    timestamp: String,
    authorization: String,
    token: String,
    body: Vec<u8>,
}

/// A complete request from the client's signing path, to a host with a port (as the mock's are),
/// with a token, verifies.
#[test]
fn a_request_signed_by_the_client_path_verifies() {
    let vectors = vectors();
    let credentials = Credentials::new(&vectors.secret_id, &vectors.secret_key).with_token("session-token");
    let endpoint = Endpoint::parse("http://127.0.0.1:8080").expect("an endpoint");
    let parts = RequestParts {
        endpoint: &endpoint,
        service: "ssl",
        action: "CertificateOrderSubmit",
        version: "2019-12-05",
        region: Some("ap-guangzhou"),
        language: "en-US",
    };
    let body = bytes::Bytes::from_static(br#"{"CertId":"Dsqef134"}"#);
    let request = sign::signed_request(&credentials, &parts, 1_700_000_000, body).expect("a signed request");
    assert_eq!(request.headers().get(HOST).map(HeaderValue::as_bytes), Some(b"127.0.0.1:8080".as_slice()));
    assert_eq!(verify::verify(request.headers(), request.body(), &credentials, "ssl", 1_700_000_123), Ok(()));
}

/// A random request: credentials, what is signed, and when.
#[derive(Debug, Clone)]
struct Case {
    secret_id: String,
    secret_key: String,
    token: Option<String>,
    service: String,
    host: String,
    content_type: String,
    timestamp: i64,
    body: Vec<u8>,
}

impl Case {
    fn credentials(&self) -> Credentials {
        let credentials = Credentials::new(&self.secret_id, &self.secret_key);
        match &self.token {
            Some(token) => credentials.with_token(token),
            None => credentials,
        }
    }

    /// The headers of the request as the signer signs it.
    fn signed(&self) -> HeaderMap {
        let input = SigningInput {
            service: &self.service,
            host: &self.host,
            content_type: &self.content_type,
            timestamp: self.timestamp,
            body: &self.body,
        };
        let authorization = sign::authorization(&self.credentials(), &input).expect("a timestamp in range");
        header_map(&self.host, &self.content_type, &self.timestamp.to_string(), &authorization, self.token.as_deref())
    }

    fn verify(&self, header_map: &HeaderMap, body: &[u8], now: i64) -> Result<(), VerifyError> {
        verify::verify(header_map, body, &self.credentials(), &self.service, now)
    }
}

/// The last second of 9999-12-31, the last date the algorithm can write.
const LAST_TIMESTAMP: i64 = 253_402_300_799;

fn case(min_body: usize) -> impl Strategy<Value = Case> {
    let content_type = prop_oneof![
        Just("application/json".to_owned()),
        Just("application/json; charset=utf-8".to_owned()),
        // Any header text: visible ASCII, spaces and tabs.
        "[ -~\t]{0,80}",
    ];
    (
        "[A-Za-z0-9]{1,40}",
        "\\PC{1,40}",
        proptest::option::of("[A-Za-z0-9._=+-]{1,64}"),
        "[a-z][a-z0-9]{0,15}",
        "[a-z0-9]([a-z0-9.-]{0,60}[a-z0-9])?(:[0-9]{1,5})?",
        content_type,
        0..=LAST_TIMESTAMP,
        prop::collection::vec(any::<u8>(), min_body..4096),
    )
        .prop_map(|(secret_id, secret_key, token, service, host, content_type, timestamp, body)| Case {
            secret_id,
            secret_key,
            token,
            service,
            host,
            content_type,
            timestamp,
            body,
        })
}

/// One byte of a body changed, inserted or removed.
#[derive(Debug, Clone)]
enum Mutation {
    Change(prop::sample::Index, u8),
    Insert(prop::sample::Index, u8),
    Remove(prop::sample::Index),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<prop::sample::Index>(), 1..=u8::MAX).prop_map(|(index, flip)| Mutation::Change(index, flip)),
        (any::<prop::sample::Index>(), any::<u8>()).prop_map(|(index, byte)| Mutation::Insert(index, byte)),
        any::<prop::sample::Index>().prop_map(Mutation::Remove),
    ]
}

impl Mutation {
    fn apply(&self, body: &[u8]) -> Vec<u8> {
        let mut body = body.to_vec();
        match self {
            Mutation::Change(index, flip) => {
                let at = index.index(body.len());
                body[at] ^= flip;
            }
            Mutation::Insert(index, byte) => body.insert(index.index(body.len() + 1), *byte),
            Mutation::Remove(index) => {
                body.remove(index.index(body.len()));
            }
        }
        body
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// What the signer signs, the verifier accepts, within the clock skew and only within it.
    #[test]
    fn signed_requests_verify(case in case(0), skew in -MAX_CLOCK_SKEW_SECONDS..=MAX_CLOCK_SKEW_SECONDS, late in 1..=1_000_000i64) {
        let signed = case.signed();
        prop_assert_eq!(case.verify(&signed, &case.body, case.timestamp + skew), Ok(()));
        prop_assert_eq!(case.verify(&signed, &case.body, case.timestamp + MAX_CLOCK_SKEW_SECONDS + late), Err(VerifyError::Expired));
        prop_assert_eq!(case.verify(&signed, &case.body, case.timestamp - MAX_CLOCK_SKEW_SECONDS - late), Err(VerifyError::Expired));
    }

    /// Any single-byte change, insertion or removal in the body breaks the signature.
    #[test]
    fn a_mutated_body_is_rejected(case in case(1), mutation in mutation(), skew in -MAX_CLOCK_SKEW_SECONDS..=MAX_CLOCK_SKEW_SECONDS) {
        let signed = case.signed();
        let mutated = mutation.apply(&case.body);
        prop_assert_ne!(&mutated, &case.body);
        prop_assert_eq!(case.verify(&signed, &mutated, case.timestamp + skew), Err(VerifyError::Signature));
    }
}
