//! [`WireValue`] for strings, numbers, booleans, lists, optional and boxed values: what each
//! accepts as sent, what it corrects, and what it refuses.

use std::fmt;
use std::marker::PhantomData;

use serde::Deserializer;
use serde::de::{self, DeserializeSeed, SeqAccess, Unexpected, Visitor};

use super::{CorrectionKind, DecodeCx, Seed, Segment, WireValue, excerpt_str};
use crate::error::{BuildError, one_line};

/// The message of a lossy value: what was sent, and what the member needs.
fn refuse<E: de::Error>(sent: &str, wanted: &str) -> E {
    E::custom(format!("{sent} cannot be read as {wanted}"))
}

/// Implements the visitor methods for JSON values a scalar never accepts.
macro_rules! refuse_containers {
    ($wanted:literal) => {
        fn visit_map<A: de::MapAccess<'de>>(self, _map: A) -> Result<(), A::Error> {
            Err(refuse("an object", $wanted))
        }

        fn visit_seq<A: SeqAccess<'de>>(self, _seq: A) -> Result<(), A::Error> {
            Err(refuse("a list", $wanted))
        }
    };
}

struct StringVisitor<'a> {
    slot: &'a mut String,
    cx: &'a mut DecodeCx,
}

impl<'de> Visitor<'de> for StringVisitor<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<(), E> {
        // A copy of exactly its size: the slot holds an empty default, and `clone_into` would grow
        // it through the reallocating path.
        *self.slot = text.to_owned();
        Ok(())
    }

    fn visit_string<E: de::Error>(self, text: String) -> Result<(), E> {
        *self.slot = text;
        Ok(())
    }

    fn visit_i64<E: de::Error>(self, number: i64) -> Result<(), E> {
        let text = number.to_string();
        self.cx.correct(CorrectionKind::StringFromNumber, || text.clone())?;
        *self.slot = text;
        Ok(())
    }

    fn visit_u64<E: de::Error>(self, number: u64) -> Result<(), E> {
        let text = number.to_string();
        self.cx.correct(CorrectionKind::StringFromNumber, || text.clone())?;
        *self.slot = text;
        Ok(())
    }

    fn visit_f64<E: de::Error>(self, number: f64) -> Result<(), E> {
        let text = number.to_string();
        self.cx.correct(CorrectionKind::StringFromNumber, || text.clone())?;
        *self.slot = text;
        Ok(())
    }

    fn visit_bool<E: de::Error>(self, flag: bool) -> Result<(), E> {
        Err(refuse(&format!("the boolean {flag}"), "a string"))
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.cx.correct(CorrectionKind::Null, || "null".to_owned())
    }

    refuse_containers!("a string");
}

impl WireValue for String {
    fn decode_into<'de, D: Deserializer<'de>>(
        slot: &mut Self,
        deserializer: D,
        cx: &mut DecodeCx,
    ) -> Result<(), D::Error> {
        deserializer.deserialize_any(StringVisitor { slot, cx })
    }
}

/// An integer type of the API: `int64` or `uint64`.
trait Integer: Copy + TryFrom<i64> + TryFrom<u64> + std::str::FromStr {
    const NAME: &'static str;
    fn from_f64(number: f64) -> Option<Self>;
}

impl Integer for i64 {
    const NAME: &'static str = "an int64";
    fn from_f64(number: f64) -> Option<Self> {
        // 2^63 is exact as an f64; every integral value in the half-open range fits.
        (number.fract() == 0.0 && (-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&number))
            .then_some(number as i64)
    }
}

impl Integer for u64 {
    const NAME: &'static str = "a uint64";
    fn from_f64(number: f64) -> Option<Self> {
        (number.fract() == 0.0 && (0.0..18_446_744_073_709_551_616.0).contains(&number)).then_some(number as u64)
    }
}

struct IntegerVisitor<'a, T> {
    slot: &'a mut T,
    cx: &'a mut DecodeCx,
}

impl<'de, T: Integer> Visitor<'de> for IntegerVisitor<'_, T> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(T::NAME)
    }

    fn visit_i64<E: de::Error>(self, number: i64) -> Result<(), E> {
        *self.slot = T::try_from(number).map_err(|_| refuse(&number.to_string(), T::NAME))?;
        Ok(())
    }

    fn visit_u64<E: de::Error>(self, number: u64) -> Result<(), E> {
        *self.slot = T::try_from(number).map_err(|_| refuse(&number.to_string(), T::NAME))?;
        Ok(())
    }

    fn visit_f64<E: de::Error>(self, number: f64) -> Result<(), E> {
        let integer = T::from_f64(number).ok_or_else(|| refuse(&number.to_string(), T::NAME))?;
        self.cx.correct(CorrectionKind::IntegerFromFloat, || number.to_string())?;
        *self.slot = integer;
        Ok(())
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<(), E> {
        let exact = text.parse::<T>().ok();
        let integral = || text.parse::<f64>().ok().filter(|number| number.is_finite()).and_then(T::from_f64);
        let integer = exact.or_else(integral).ok_or_else(|| refuse(&excerpt_str(text), T::NAME))?;
        self.cx.correct(CorrectionKind::NumberFromString, || excerpt_str(text))?;
        *self.slot = integer;
        Ok(())
    }

    fn visit_bool<E: de::Error>(self, flag: bool) -> Result<(), E> {
        Err(refuse(&format!("the boolean {flag}"), T::NAME))
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.cx.correct(CorrectionKind::Null, || "null".to_owned())
    }

    refuse_containers!("an integer");
}

impl WireValue for i64 {
    fn decode_into<'de, D: Deserializer<'de>>(
        slot: &mut Self,
        deserializer: D,
        cx: &mut DecodeCx,
    ) -> Result<(), D::Error> {
        deserializer.deserialize_any(IntegerVisitor { slot, cx })
    }
}

impl WireValue for u64 {
    fn decode_into<'de, D: Deserializer<'de>>(
        slot: &mut Self,
        deserializer: D,
        cx: &mut DecodeCx,
    ) -> Result<(), D::Error> {
        deserializer.deserialize_any(IntegerVisitor { slot, cx })
    }
}

struct FloatVisitor<'a> {
    slot: &'a mut f64,
    cx: &'a mut DecodeCx,
}

impl<'de> Visitor<'de> for FloatVisitor<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a number")
    }

    // JSON does not tell integers from floats: `2` is a fine float.
    #[allow(clippy::cast_precision_loss)]
    fn visit_i64<E: de::Error>(self, number: i64) -> Result<(), E> {
        *self.slot = number as f64;
        Ok(())
    }

    #[allow(clippy::cast_precision_loss)]
    fn visit_u64<E: de::Error>(self, number: u64) -> Result<(), E> {
        *self.slot = number as f64;
        Ok(())
    }

    fn visit_f64<E: de::Error>(self, number: f64) -> Result<(), E> {
        *self.slot = number;
        Ok(())
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<(), E> {
        let number = text
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|number| number.is_finite())
            .ok_or_else(|| refuse(&excerpt_str(text), "a number"))?;
        self.cx.correct(CorrectionKind::NumberFromString, || excerpt_str(text))?;
        *self.slot = number;
        Ok(())
    }

    fn visit_bool<E: de::Error>(self, flag: bool) -> Result<(), E> {
        Err(refuse(&format!("the boolean {flag}"), "a number"))
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.cx.correct(CorrectionKind::Null, || "null".to_owned())
    }

    refuse_containers!("a number");
}

impl WireValue for f64 {
    fn decode_into<'de, D: Deserializer<'de>>(
        slot: &mut Self,
        deserializer: D,
        cx: &mut DecodeCx,
    ) -> Result<(), D::Error> {
        deserializer.deserialize_any(FloatVisitor { slot, cx })
    }
}

/// Reads a boolean; `sent_as_integer` is the spec's `int_bool`, whose normal form is `0`/`1`.
struct BoolVisitor<'a> {
    slot: &'a mut bool,
    cx: &'a mut DecodeCx,
    sent_as_integer: bool,
}

impl BoolVisitor<'_> {
    fn read_number<E: de::Error>(self, number: Option<u64>, shown: &dyn Fn() -> String) -> Result<(), E> {
        let flag = match number {
            Some(0) => false,
            Some(1) => true,
            _ => return Err(refuse(&shown(), "a boolean (true, false, 0 or 1)")),
        };
        if !self.sent_as_integer {
            self.cx.correct(CorrectionKind::BoolFromNumber, shown)?;
        }
        *self.slot = flag;
        Ok(())
    }
}

impl<'de> Visitor<'de> for BoolVisitor<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a boolean")
    }

    fn visit_bool<E: de::Error>(self, flag: bool) -> Result<(), E> {
        if self.sent_as_integer {
            self.cx.correct(CorrectionKind::IntegerBoolFromBool, || flag.to_string())?;
        }
        *self.slot = flag;
        Ok(())
    }

    fn visit_u64<E: de::Error>(self, number: u64) -> Result<(), E> {
        self.read_number(Some(number), &|| number.to_string())
    }

    fn visit_i64<E: de::Error>(self, number: i64) -> Result<(), E> {
        self.read_number(u64::try_from(number).ok(), &|| number.to_string())
    }

    fn visit_f64<E: de::Error>(self, number: f64) -> Result<(), E> {
        Err(refuse(&number.to_string(), "a boolean (true, false, 0 or 1)"))
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<(), E> {
        // Any letter case: servers also send `"True"` and `"TRUE"`, which mean nothing else.
        let flag = if text == "1" || text.eq_ignore_ascii_case("true") {
            true
        } else if text == "0" || text.eq_ignore_ascii_case("false") {
            false
        } else {
            return Err(refuse(&excerpt_str(text), "a boolean (true, false, 0 or 1)"));
        };
        self.cx.correct(CorrectionKind::BoolFromString, || excerpt_str(text))?;
        *self.slot = flag;
        Ok(())
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.cx.correct(CorrectionKind::Null, || "null".to_owned())
    }

    refuse_containers!("a boolean");
}

impl WireValue for bool {
    fn decode_into<'de, D: Deserializer<'de>>(
        slot: &mut Self,
        deserializer: D,
        cx: &mut DecodeCx,
    ) -> Result<(), D::Error> {
        deserializer.deserialize_any(BoolVisitor { slot, cx, sent_as_integer: false })
    }
}

/// A boolean member the API sends as the integer `0` or `1` (the spec's `int_bool`): `bool`, or
/// `Option<bool>` when it is optional.
pub trait IntBool {
    /// The value, `None` when unset.
    fn get(&self) -> Option<bool>;
    #[doc(hidden)]
    fn decode_from<'de, D: Deserializer<'de>>(&mut self, deserializer: D, cx: &mut DecodeCx) -> Result<(), D::Error>;
}

impl IntBool for bool {
    fn get(&self) -> Option<bool> {
        Some(*self)
    }

    fn decode_from<'de, D: Deserializer<'de>>(&mut self, deserializer: D, cx: &mut DecodeCx) -> Result<(), D::Error> {
        AsIntBool::read(self, deserializer, cx)
    }
}

impl IntBool for Option<bool> {
    fn get(&self) -> Option<bool> {
        *self
    }

    fn decode_from<'de, D: Deserializer<'de>>(&mut self, deserializer: D, cx: &mut DecodeCx) -> Result<(), D::Error> {
        deserializer.deserialize_option(OptionVisitor { slot: self, cx, read: PhantomData::<AsIntBool> })
    }
}

pub(super) struct IntBoolSeed<'a, T> {
    pub(super) slot: &'a mut T,
    pub(super) cx: &'a mut DecodeCx,
}

impl<'de, T: IntBool> DeserializeSeed<'de> for IntBoolSeed<'_, T> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        self.slot.decode_from(deserializer, self.cx)
    }
}

/// How the value inside an `Option` is read.
trait Read<T> {
    fn read<'de, D: Deserializer<'de>>(slot: &mut T, deserializer: D, cx: &mut DecodeCx) -> Result<(), D::Error>;
}

/// As the type reads itself.
struct AsValue;

impl<T: WireValue> Read<T> for AsValue {
    fn read<'de, D: Deserializer<'de>>(slot: &mut T, deserializer: D, cx: &mut DecodeCx) -> Result<(), D::Error> {
        T::decode_into(slot, deserializer, cx)
    }
}

/// As a boolean sent as `0`/`1`.
struct AsIntBool;

impl Read<bool> for AsIntBool {
    fn read<'de, D: Deserializer<'de>>(slot: &mut bool, deserializer: D, cx: &mut DecodeCx) -> Result<(), D::Error> {
        deserializer.deserialize_any(BoolVisitor { slot, cx, sent_as_integer: true })
    }
}

/// Reads `null` as `None` (no correction: the spec allows it) and anything else with `R`.
struct OptionVisitor<'a, T, R> {
    slot: &'a mut Option<T>,
    cx: &'a mut DecodeCx,
    read: PhantomData<R>,
}

impl<'de, T: Default, R: Read<T>> Visitor<'de> for OptionVisitor<'_, T, R> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a value or null")
    }

    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        *self.slot = None;
        Ok(())
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        *self.slot = None;
        Ok(())
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        let mut value = T::default();
        R::read(&mut value, deserializer, self.cx)?;
        *self.slot = Some(value);
        Ok(())
    }
}

impl<T: WireValue> WireValue for Option<T> {
    fn decode_into<'de, D: Deserializer<'de>>(
        slot: &mut Self,
        deserializer: D,
        cx: &mut DecodeCx,
    ) -> Result<(), D::Error> {
        deserializer.deserialize_option(OptionVisitor { slot, cx, read: PhantomData::<AsValue> })
    }

    fn is_absent(&self) -> bool {
        self.is_none()
    }

    const NESTED: bool = T::NESTED;

    fn check(&self, path: &mut Vec<Segment>) -> Result<(), BuildError> {
        self.as_ref().map_or(Ok(()), |value| value.check(path))
    }
}

struct ListVisitor<'a, T> {
    slot: &'a mut Vec<T>,
    cx: &'a mut DecodeCx,
}

impl<'de, T: WireValue> Visitor<'de> for ListVisitor<'_, T> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        self.slot.clear();
        if let Some(size) = seq.size_hint() {
            self.slot.reserve(size.min(4096));
        }
        loop {
            let index = self.slot.len();
            self.slot.push(T::default());
            let before = self.cx.corrections.len();
            let Some(element) = self.slot.last_mut() else { break };
            match seq.next_element_seed(Seed { slot: element, cx: self.cx }) {
                Ok(Some(())) => self.cx.enter(before, Segment::Index(index)),
                Ok(None) => {
                    self.slot.pop();
                    break;
                }
                Err(error) => return Err(self.cx.fail_within(Segment::Index(index), error)),
            }
        }
        Ok(())
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.cx.correct(CorrectionKind::Null, || "null".to_owned())
    }

    fn visit_map<A: de::MapAccess<'de>>(self, _map: A) -> Result<(), A::Error> {
        Err(refuse("an object", "a list"))
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<(), E> {
        Err(de::Error::invalid_type(Unexpected::Str(&one_line(text, 40)), &self))
    }

    fn visit_bool<E: de::Error>(self, flag: bool) -> Result<(), E> {
        Err(refuse(&format!("the boolean {flag}"), "a list"))
    }

    fn visit_i64<E: de::Error>(self, number: i64) -> Result<(), E> {
        Err(refuse(&number.to_string(), "a list"))
    }

    fn visit_u64<E: de::Error>(self, number: u64) -> Result<(), E> {
        Err(refuse(&number.to_string(), "a list"))
    }

    fn visit_f64<E: de::Error>(self, number: f64) -> Result<(), E> {
        Err(refuse(&number.to_string(), "a list"))
    }
}

impl<T: WireValue> WireValue for Vec<T> {
    fn decode_into<'de, D: Deserializer<'de>>(
        slot: &mut Self,
        deserializer: D,
        cx: &mut DecodeCx,
    ) -> Result<(), D::Error> {
        deserializer.deserialize_any(ListVisitor { slot, cx })
    }

    const NESTED: bool = T::NESTED;

    fn check(&self, path: &mut Vec<Segment>) -> Result<(), BuildError> {
        for (index, value) in self.iter().enumerate() {
            path.push(Segment::Index(index));
            let result = value.check(path);
            path.pop();
            result?;
        }
        Ok(())
    }
}

impl<T: WireValue> WireValue for Box<T> {
    fn decode_into<'de, D: Deserializer<'de>>(
        slot: &mut Self,
        deserializer: D,
        cx: &mut DecodeCx,
    ) -> Result<(), D::Error> {
        T::decode_into(slot, deserializer, cx)
    }

    const NESTED: bool = T::NESTED;

    fn check(&self, path: &mut Vec<Segment>) -> Result<(), BuildError> {
        (**self).check(path)
    }
}
