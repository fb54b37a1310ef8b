//! How generated types meet the API's JSON: read forgivingly where nothing is lost, written exactly.
//!
//! Generated structures implement [`Wire`] through `#[derive(Wire)]` (the `tcapi-derive` crate):
//! a table of their members ([`Wire::FIELDS`]) and one line per member that hands it to the
//! runtime. Everything that decides how a value is read lives here, once:
//!
//! - a member the spec marks required that is missing or `null` gets its default (empty, zero,
//!   false, an empty list, the enum's `Unknown`, a structure's defaults) — smithy-rs calls this
//!   "client error correction";
//! - lossless deviations are read as meant: numbers sent as strings (`"23"`, `"1.5"`), numbers sent
//!   for strings, integral floats (`2.0`) for integers, `"true"`/`"false"` (any case)/`0`/`1` for booleans;
//! - anything lossy (`8.5` or `2^70` for an integer, `"eight"` for a number) is an error naming the
//!   member's path (`Response.Status`) with a short excerpt of the value.
//!
//! Every correction is recorded with its path ([`Correction`]); in strict mode
//! ([`ConfigBuilder::strict_decoding`](crate::ConfigBuilder::strict_decoding)) each is an error
//! instead. Values are decoded in one pass straight from the body; paths are only built for the
//! rare value that needs one.

mod correction;
mod enums;
mod values;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Deserializer, Serialize};

pub use correction::Segment as PathSegment;
pub use correction::{Correction, CorrectionKind, Corrections};
pub(crate) use correction::{PathStep, Segment, write_path, write_steps};
pub use enums::{Enumeration, decode_integer_enum, decode_string_enum};
pub use values::IntBool;

use crate::error::{BuildError, one_line};

/// A member of a generated structure: its JSON key, and whether the spec requires it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    /// The JSON key (`CertId`).
    pub name: &'static str,
    /// The spec requires it: in a response, a missing one is corrected (or refused in strict mode);
    /// in a request, `build()` refuses to go on without it.
    pub required: bool,
}

impl Field {
    /// A member named `name` on the wire.
    pub const fn new(name: &'static str, required: bool) -> Self {
        Field { name, required }
    }
}

/// A generated structure: its members and how each is read and written. Implemented by
/// `#[derive(Wire)]`; not meant to be implemented by hand.
pub trait Wire: Default {
    /// The members, in declaration order.
    const FIELDS: &'static [Field];

    /// Reads the value of member `index` (into [`Self::FIELDS`]) from `map`.
    fn decode_field<'de, A: MapAccess<'de>>(
        &mut self,
        index: usize,
        map: &mut A,
        cx: &mut DecodeCx,
    ) -> Result<(), A::Error>;

    /// Writes every member that is set.
    fn encode_fields<M: SerializeMap>(&self, map: &mut M, cx: &mut EncodeCx) -> Result<(), M::Error>;

    /// Checks that every required member is set, in nested structures too; `path` is where this
    /// value stands (for the error).
    fn check_fields(&self, path: &mut Vec<Segment>) -> Result<(), BuildError>;

    /// Where a response keeps the corrections made while decoding it; `None` for other structures.
    fn corrections_mut(&mut self) -> Option<&mut Corrections> {
        None
    }
}

/// A value that can be a member of a generated structure: strings, numbers, booleans, lists,
/// optional values and the generated enums and structures.
pub trait WireValue: Default + Serialize {
    /// Reads a value into `slot`, which holds the type's default.
    fn decode_into<'de, D: Deserializer<'de>>(
        slot: &mut Self,
        deserializer: D,
        cx: &mut DecodeCx,
    ) -> Result<(), D::Error>;

    /// Whether the value is unset (an optional value that is `None`): unset members are not sent.
    fn is_absent(&self) -> bool {
        false
    }

    /// Whether the value can hold a structure, whose members [`WireValue::check`] checks:
    /// `false` lets a structure's check skip the member altogether, path and all, at compile time
    /// (the checks of leaf members were half of a service's generated machine code).
    const NESTED: bool = false;

    /// Checks the required members of the structures this value holds.
    fn check(&self, _path: &mut Vec<Segment>) -> Result<(), BuildError> {
        Ok(())
    }
}

/// The state of one decoding: strict or not, the corrections made so far and, after an error,
/// where it happened.
#[derive(Debug, Default)]
pub struct DecodeCx {
    strict: bool,
    corrections: Vec<Pending>,
    error_path: Vec<Segment>,
    /// Set when the top-level `Response` turned out to hold a non-null `Error`.
    pub(crate) error_present: bool,
}

/// A correction whose path is still being assembled, innermost segment first.
#[derive(Debug)]
struct Pending {
    segments: Vec<Segment>,
    kind: CorrectionKind,
    sent: String,
}

/// The longest excerpt of a sent value that a correction or an error shows, in characters.
const VALUE_EXCERPT_CHARS: usize = 40;

impl DecodeCx {
    /// A decoding that corrects (`strict == false`) or refuses every deviation.
    pub fn new(strict: bool) -> Self {
        DecodeCx { strict, ..DecodeCx::default() }
    }

    /// Records a correction of the value being read, or refuses it in strict mode. `sent` shows
    /// the value as sent; it is only made when needed.
    pub fn correct<E: de::Error>(&mut self, kind: CorrectionKind, sent: impl FnOnce() -> String) -> Result<(), E> {
        let sent = one_line(&sent(), VALUE_EXCERPT_CHARS);
        if self.strict {
            let shown = if sent.is_empty() { String::new() } else { format!(" (sent {sent})") };
            return Err(E::custom(format!("{}{shown}, refused by strict decoding", kind.describe())));
        }
        self.corrections.push(Pending { segments: Vec::new(), kind, sent });
        Ok(())
    }

    /// Adds `segment` to the path of every correction made since `since` (they were made inside it).
    #[inline]
    fn enter(&mut self, since: usize, segment: Segment) {
        if since == self.corrections.len() {
            return;
        }
        for pending in &mut self.corrections[since..] {
            pending.segments.push(segment);
        }
    }

    /// The corrections made, with their paths.
    pub(crate) fn take_corrections(&mut self) -> Corrections {
        if self.corrections.is_empty() {
            return Corrections::default();
        }
        let corrections = std::mem::take(&mut self.corrections)
            .into_iter()
            .map(|pending| {
                let mut path = String::new();
                let _ = write_path(&pending.segments, &mut path);
                Correction { path, kind: pending.kind, sent: pending.sent }
            })
            .collect();
        Corrections::from_vec(corrections)
    }

    /// Where the last error happened (`Response.Certificates[3].Status`); empty when it was at the top.
    pub(crate) fn error_path(&self) -> String {
        let mut path = String::new();
        let _ = write_path(&self.error_path, &mut path);
        path
    }

    /// Records that an error passed through `segment` on its way out.
    fn fail_within<E>(&mut self, segment: Segment, error: E) -> E {
        self.error_path.push(segment);
        error
    }
}

/// An excerpt of a sent text value for messages: quoted, one line, short.
pub(crate) fn excerpt_str(text: &str) -> String {
    format!("\"{}\"", one_line(text, VALUE_EXCERPT_CHARS))
}

/// The state of one encoding: whether the idempotency token of the request is filled in.
#[derive(Debug, Default)]
pub struct EncodeCx {
    fill_token: bool,
    filled: Option<String>,
}

impl EncodeCx {
    /// An encoding that fills an unset idempotency token with a random UUID (the client's).
    pub(crate) fn filling_token() -> Self {
        EncodeCx { fill_token: true, filled: None }
    }

    /// The token filled in, if one was.
    pub(crate) fn filled_token(&self) -> Option<&str> {
        self.filled.as_deref()
    }
}

/// Reads the next value of `map` into `slot`. Called by `#[derive(Wire)]`.
pub fn decode_value<'de, A: MapAccess<'de>, T: WireValue>(
    map: &mut A,
    slot: &mut T,
    cx: &mut DecodeCx,
) -> Result<(), A::Error> {
    map.next_value_seed(Seed { slot, cx })
}

/// Reads the next value of `map` into a boolean sent as `0`/`1`. Called by `#[derive(Wire)]`.
pub fn decode_int_bool<'de, A: MapAccess<'de>, T: IntBool>(
    map: &mut A,
    slot: &mut T,
    cx: &mut DecodeCx,
) -> Result<(), A::Error> {
    map.next_value_seed(values::IntBoolSeed { slot, cx })
}

/// Skips the next value of `map`.
pub fn skip_value<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<IgnoredAny>().map(|_| ())
}

/// Writes `value` as member `name` unless it is unset. Called by `#[derive(Wire)]`.
pub fn encode_value<M: SerializeMap, T: WireValue>(map: &mut M, name: &'static str, value: &T) -> Result<(), M::Error> {
    if value.is_absent() { Ok(()) } else { map.serialize_entry(name, value) }
}

/// Writes a boolean as `0`/`1` unless it is unset. Called by `#[derive(Wire)]`.
pub fn encode_int_bool<M: SerializeMap, T: IntBool>(
    map: &mut M,
    name: &'static str,
    value: &T,
) -> Result<(), M::Error> {
    match value.get() {
        Some(flag) => map.serialize_entry(name, &u8::from(flag)),
        None => Ok(()),
    }
}

/// Writes the idempotency token: the caller's, or (for the client's encoding) a new random UUID v4
/// made once, so every attempt of the call carries the same one. Called by `#[derive(Wire)]`.
pub fn encode_token<M: SerializeMap>(
    map: &mut M,
    name: &'static str,
    value: &Option<String>,
    cx: &mut EncodeCx,
) -> Result<(), M::Error> {
    match value {
        Some(token) => map.serialize_entry(name, token),
        None if cx.fill_token => {
            let token = uuid::Uuid::new_v4().to_string();
            map.serialize_entry(name, &token)?;
            cx.filled = Some(token);
            Ok(())
        }
        None => Ok(()),
    }
}

/// Fails when a required member is unset. Called by `#[derive(Wire)]`.
pub fn check_present<T: WireValue>(value: &T, name: &'static str, path: &mut Vec<Segment>) -> Result<(), BuildError> {
    if value.is_absent() {
        return Err(missing_parameter(name, path));
    }
    check_nested(value, name, path)
}

/// The error for the required member `name` of the structure at `path`: out of line, so that
/// each structure's check holds only a call to it.
#[cold]
#[inline(never)]
fn missing_parameter(name: &'static str, path: &[Segment]) -> BuildError {
    let mut segments: Vec<Segment> = path.iter().rev().copied().collect();
    segments.insert(0, Segment::Field(name));
    let mut parameter = String::new();
    let _ = write_path(&segments, &mut parameter);
    BuildError::MissingParameter { parameter }
}

/// Checks the required members of the structures `value` holds. Called by `#[derive(Wire)]`.
pub fn check_nested<T: WireValue>(value: &T, name: &'static str, path: &mut Vec<Segment>) -> Result<(), BuildError> {
    if !T::NESTED {
        return Ok(());
    }
    path.push(Segment::Field(name));
    let result = value.check(path);
    path.pop();
    result
}

/// Checks every required member of a request, as its builder's `build()` does.
pub fn check<T: Wire>(value: &T) -> Result<(), BuildError> {
    value.check_fields(&mut Vec::new())
}

/// `Serialize` of a generated structure: its set members as a JSON object.
pub fn serialize<T: Wire, S: Serializer>(value: &T, serializer: S) -> Result<S::Ok, S::Error> {
    let mut map = serializer.serialize_map(None)?;
    value.encode_fields(&mut map, &mut EncodeCx::default())?;
    map.end()
}

/// The JSON body of a request as the client sends it, with the idempotency token filled in when
/// the caller left it unset; returns the token it made, if it made one.
pub(crate) fn encode_request<T: Wire>(value: &T) -> Result<(Vec<u8>, Option<String>), serde_json::Error> {
    let mut body = Vec::with_capacity(128);
    let mut serializer = serde_json::Serializer::new(&mut body);
    let mut cx = EncodeCx::filling_token();
    let mut map = serializer.serialize_map(None)?;
    value.encode_fields(&mut map, &mut cx)?;
    map.end()?;
    let token = cx.filled_token().map(str::to_owned);
    Ok((body, token))
}

/// `Deserialize` of a generated structure: read forgivingly, the corrections kept in the value
/// when it has a place for them.
pub fn deserialize<'de, T: Wire, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
    let mut value = T::default();
    let mut cx = DecodeCx::new(false);
    decode_struct(&mut value, deserializer, &mut cx)?;
    let corrections = cx.take_corrections();
    if let Some(slot) = value.corrections_mut() {
        *slot = corrections;
    }
    Ok(value)
}

/// `Deserialize` of any wire value (the generated enums use it): read forgivingly, the
/// corrections dropped.
pub fn deserialize_value<'de, T: WireValue, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
    let mut value = T::default();
    T::decode_into(&mut value, deserializer, &mut DecodeCx::new(false))?;
    Ok(value)
}

/// [`WireValue::decode_into`] of a generated structure.
pub fn decode_struct<'de, T: Wire, D: Deserializer<'de>>(
    slot: &mut T,
    deserializer: D,
    cx: &mut DecodeCx,
) -> Result<(), D::Error> {
    deserializer.deserialize_any(StructVisitor { slot, cx, envelope: false })
}

/// Reads the API's `Response` object into a structure: its members, and a non-null `Error` stops
/// the pass (`cx.error_present`) so that the caller reads the error instead. Paths start at
/// `Response`.
pub(crate) struct ResponseSeed<'a, T> {
    slot: &'a mut T,
    cx: &'a mut DecodeCx,
}

impl<'a, T> ResponseSeed<'a, T> {
    pub(crate) fn new(slot: &'a mut T, cx: &'a mut DecodeCx) -> Self {
        ResponseSeed { slot, cx }
    }
}

impl<'de, T: Wire> DeserializeSeed<'de> for ResponseSeed<'_, T> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        let before = self.cx.corrections.len();
        // A map only: serde's derived structs would also take an array of member values.
        match deserializer.deserialize_map(StructVisitor { slot: self.slot, cx: self.cx, envelope: true }) {
            Ok(()) => {
                self.cx.enter(before, Segment::Field("Response"));
                Ok(())
            }
            Err(error) => Err(self.cx.fail_within(Segment::Field("Response"), error)),
        }
    }
}

/// Decodes a value into the slot it is given.
struct Seed<'a, T> {
    slot: &'a mut T,
    cx: &'a mut DecodeCx,
}

impl<'de, T: WireValue> DeserializeSeed<'de> for Seed<'_, T> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        T::decode_into(self.slot, deserializer, self.cx)
    }
}

/// Reads a JSON object into a generated structure.
struct StructVisitor<'a, T> {
    slot: &'a mut T,
    cx: &'a mut DecodeCx,
    /// This is the API's `Response`: `Error` is not a member but the sign of a failure.
    envelope: bool,
}

impl<'de, T: Wire> Visitor<'de> for StructVisitor<'_, T> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let fields = T::FIELDS;
        let mut seen = Seen::with_capacity(fields.len());
        // Servers send members in the spec's order nearly always: try the next one first.
        let mut expected = 0;
        while let Some(key) = map.next_key::<KeyText<'de>>()? {
            let key = key.as_str();
            if self.envelope && key == "Error" {
                if map.next_value::<Option<IgnoredAny>>()?.is_some() {
                    self.cx.error_present = true;
                    return Err(de::Error::custom("`Response` holds `Error`"));
                }
                continue;
            }
            let index = match fields.get(expected) {
                Some(field) if same_key(field.name, key) => expected,
                _ => match fields.iter().position(|field| same_key(field.name, key)) {
                    Some(index) => index,
                    None => {
                        // Members the spec does not know: new ones the server added, ignored.
                        map.next_value::<IgnoredAny>()?;
                        continue;
                    }
                },
            };
            expected = index + 1;
            let name = fields[index].name;
            if !seen.insert(index) {
                return Err(de::Error::duplicate_field(name));
            }
            let before = self.cx.corrections.len();
            match self.slot.decode_field(index, &mut map, self.cx) {
                Ok(()) => self.cx.enter(before, Segment::Field(name)),
                Err(error) => return Err(self.cx.fail_within(Segment::Field(name), error)),
            }
        }
        // Nearly always every member was sent: then none can be missing.
        if seen.count() < fields.len() {
            for (index, field) in fields.iter().enumerate() {
                if field.required && !seen.contains(index) {
                    let before = self.cx.corrections.len();
                    self.cx
                        .correct(CorrectionKind::Missing, String::new)
                        .map_err(|error| self.cx.fail_within(Segment::Field(field.name), error))?;
                    self.cx.enter(before, Segment::Field(field.name));
                }
            }
        }
        Ok(())
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        // `null` where the spec requires a structure: its defaults.
        self.cx.correct(CorrectionKind::Null, || "null".to_owned())
    }
}

/// Whether a member's name is `key`. Compared in place, eight bytes at a time: keys are short,
/// and `==` on strings calls `memcmp`, a call per member of every structure decoded.
#[inline]
fn same_key(name: &str, key: &str) -> bool {
    let (name, key) = (name.as_bytes(), key.as_bytes());
    if name.len() != key.len() {
        return false;
    }
    let mut names = name.chunks_exact(8);
    let mut keys = key.chunks_exact(8);
    let word = |chunk: &[u8]| chunk.try_into().map_or(0, u64::from_ne_bytes);
    (&mut names).zip(&mut keys).all(|(name, key)| word(name) == word(key))
        && names.remainder().iter().zip(keys.remainder()).all(|(name, key)| name == key)
}

/// Which members of a structure were read, to refuse duplicates and find the missing ones.
struct Seen {
    small: u128,
    large: Vec<bool>,
}

impl Seen {
    fn with_capacity(fields: usize) -> Self {
        Seen { small: 0, large: if fields > 128 { vec![false; fields] } else { Vec::new() } }
    }

    /// Marks `index`; false when it was marked already.
    fn insert(&mut self, index: usize) -> bool {
        if self.large.is_empty() {
            let bit = 1u128 << index;
            let fresh = self.small & bit == 0;
            self.small |= bit;
            fresh
        } else {
            !std::mem::replace(&mut self.large[index], true)
        }
    }

    /// How many members were marked.
    #[inline]
    fn count(&self) -> usize {
        if self.large.is_empty() {
            self.small.count_ones() as usize
        } else {
            self.large.iter().filter(|seen| **seen).count()
        }
    }

    fn contains(&self, index: usize) -> bool {
        if self.large.is_empty() { self.small & (1u128 << index) != 0 } else { self.large[index] }
    }
}

/// A key as read: borrowed from the body unless it had escapes.
pub(crate) enum KeyText<'de> {
    Borrowed(&'de str),
    Owned(String),
}

impl KeyText<'_> {
    pub(crate) fn as_str(&self) -> &str {
        match self {
            KeyText::Borrowed(key) => key,
            KeyText::Owned(key) => key,
        }
    }
}

impl<'de> Deserialize<'de> for KeyText<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyTextVisitor;
        impl<'de> Visitor<'de> for KeyTextVisitor {
            type Value = KeyText<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a key")
            }
            fn visit_borrowed_str<E: de::Error>(self, key: &'de str) -> Result<KeyText<'de>, E> {
                Ok(KeyText::Borrowed(key))
            }
            fn visit_str<E: de::Error>(self, key: &str) -> Result<KeyText<'de>, E> {
                Ok(KeyText::Owned(key.to_owned()))
            }
            fn visit_string<E: de::Error>(self, key: String) -> Result<KeyText<'de>, E> {
                Ok(KeyText::Owned(key))
            }
        }
        deserializer.deserialize_str(KeyTextVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_compare_as_strings_do() {
        let names: Vec<String> = (0..24).map(|len| "AbcdefghIjklmnopQrstuvwx"[..len].to_owned()).collect();
        for name in &names {
            for key in &names {
                assert_eq!(same_key(name, key), name == key, "{name:?} {key:?}");
            }
            // Differing in one byte, at every position.
            for position in 0..name.len() {
                let mut key = name.clone().into_bytes();
                key[position] = b'_';
                let key = String::from_utf8(key).unwrap_or_default();
                assert!(!same_key(name, &key), "{name:?} {key:?}");
            }
        }
    }
}
