//! A proposal for `tcapi::runtime::sign::authorization`, kept here to be measured next to it
//! (`sign_proposed`): the same TC3 signature with no intermediate strings. The canonical request
//! and the string to sign are streamed into the hasher and the MAC instead of being formatted,
//! hex goes through `hex::encode_to_slice` into stack buffers (the `hex::encode` iterator is a
//! fifth of the current signing time), the date is written from `to_calendar_date` instead of a
//! `time` format description, and the header value is the only allocation (plus the HMAC key).
//! `FloorInput` shows what is left: the hashing itself.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

type HmacSha256 = Hmac<Sha256>;

/// `YYYY-MM-DD` of a Unix timestamp, for years 0 to 9999.
fn utc_date(timestamp: i64) -> Option<[u8; 10]> {
    let date = time::OffsetDateTime::from_unix_timestamp(timestamp).ok()?.date();
    let (year, month, day) = date.to_calendar_date();
    let year = u32::try_from(year).ok().filter(|year| *year <= 9999)?;
    let (month, day) = (u32::from(u8::from(month)), u32::from(day));
    let digit = |value: u32| b'0' + (value % 10) as u8;
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

fn hex32(bytes: &[u8]) -> [u8; 64] {
    let mut out = [0u8; 64];
    // 32 bytes always fit 64 hex digits.
    let _ = hex::encode_to_slice(bytes, &mut out);
    out
}

fn mac(key: &[u8]) -> HmacSha256 {
    HmacSha256::new_from_slice(key).unwrap_or_else(|_| HmacSha256::new(&Default::default()))
}

/// The `Authorization` value, byte for byte what `tcapi::runtime::sign::authorization` returns.
pub fn authorization(
    secret_id: &str,
    secret_key: &str,
    service: &str,
    host: &str,
    content_type: &str,
    timestamp: i64,
    body: &[u8],
) -> Option<String> {
    let date = utc_date(timestamp)?;
    let body_hash = hex32(&Sha256::digest(body));
    let canonical_hash = hex32(
        &Sha256::new()
            .chain_update(b"POST\n/\n\ncontent-type:")
            .chain_update(content_type)
            .chain_update(b"\nhost:")
            .chain_update(host)
            .chain_update(b"\n\ncontent-type;host\n")
            .chain_update(body_hash)
            .finalize(),
    );
    let mut key = Vec::with_capacity(3 + secret_key.len());
    key.extend_from_slice(b"TC3");
    key.extend_from_slice(secret_key.as_bytes());
    let k_date = mac(&key).chain_update(date).finalize().into_bytes();
    let k_service = mac(&k_date).chain_update(service).finalize().into_bytes();
    let k_signing = mac(&k_service).chain_update(b"tc3_request").finalize().into_bytes();
    let mut timestamp_text = itoa_buffer(timestamp);
    let timestamp_text = timestamp_text.as_str();
    let signature = hex32(
        &mac(&k_signing)
            .chain_update(b"TC3-HMAC-SHA256\n")
            .chain_update(timestamp_text)
            .chain_update(b"\n")
            .chain_update(date)
            .chain_update(b"/")
            .chain_update(service)
            .chain_update(b"/tc3_request\n")
            .chain_update(canonical_hash)
            .finalize()
            .into_bytes(),
    );
    let date = std::str::from_utf8(&date).ok()?;
    let signature = std::str::from_utf8(&signature).ok()?;
    let mut header = String::with_capacity(160 + secret_id.len() + service.len());
    for part in [
        "TC3-HMAC-SHA256 Credential=",
        secret_id,
        "/",
        date,
        "/",
        service,
        "/tc3_request, SignedHeaders=content-type;host, Signature=",
        signature,
    ] {
        header.push_str(part);
    }
    Some(header)
}

/// Decimal digits of an `i64` on the stack.
struct Itoa {
    bytes: [u8; 20],
    start: usize,
}

impl Itoa {
    fn as_str(&mut self) -> &str {
        std::str::from_utf8(&self.bytes[self.start..]).unwrap_or_default()
    }
}

fn itoa_buffer(value: i64) -> Itoa {
    let mut bytes = [0u8; 20];
    let mut start = bytes.len();
    let mut rest = value.unsigned_abs();
    loop {
        start -= 1;
        bytes[start] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    if value < 0 {
        start -= 1;
        bytes[start] = b'-';
    }
    Itoa { bytes, start }
}
