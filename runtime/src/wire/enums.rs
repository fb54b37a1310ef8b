//! Enumerations of the spec: a closed list of wire values, each a variant, and `Unknown` for any
//! value the list lacks, so that a new value from the server is never an error. Generated code
//! declares them with [`string_enum!`](crate::string_enum) and [`integer_enum!`](crate::integer_enum).

use std::fmt;

use serde::Deserializer;
use serde::de::{self, Visitor};

use super::{CorrectionKind, DecodeCx, excerpt_str};

/// An enumeration of the spec, declared with [`string_enum!`](crate::string_enum) or
/// [`integer_enum!`](crate::integer_enum).
pub trait Enumeration: super::WireValue + PartialEq + fmt::Debug + Sized + 'static {
    /// Every value the spec lists.
    fn known() -> &'static [Self];
    /// Whether this is the `Unknown` variant (a value the spec does not list).
    fn is_unknown(&self) -> bool;
}

/// Reads a string enum: the text as sent (a number is kept as its text, corrected), `null` leaves
/// the default (`Unknown("")`), corrected.
pub fn decode_string_enum<'de, D: Deserializer<'de>, T>(
    slot: &mut T,
    deserializer: D,
    cx: &mut DecodeCx,
    from_wire_value: fn(&str) -> T,
) -> Result<(), D::Error> {
    deserializer.deserialize_any(StringEnumVisitor { slot, cx, from_wire_value })
}

struct StringEnumVisitor<'a, T> {
    slot: &'a mut T,
    cx: &'a mut DecodeCx,
    from_wire_value: fn(&str) -> T,
}

impl<T> StringEnumVisitor<'_, T> {
    fn read_number_text<E: de::Error>(self, text: String) -> Result<(), E> {
        self.cx.correct(CorrectionKind::StringFromNumber, || text.clone())?;
        *self.slot = (self.from_wire_value)(&text);
        Ok(())
    }
}

impl<'de, T> Visitor<'de> for StringEnumVisitor<'_, T> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<(), E> {
        *self.slot = (self.from_wire_value)(text);
        Ok(())
    }

    fn visit_i64<E: de::Error>(self, number: i64) -> Result<(), E> {
        self.read_number_text(number.to_string())
    }

    fn visit_u64<E: de::Error>(self, number: u64) -> Result<(), E> {
        self.read_number_text(number.to_string())
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.cx.correct(CorrectionKind::Null, || "null".to_owned())
    }
}

/// Reads an integer enum: an integer (an integral float or a number in a string is corrected),
/// `null` leaves the default (`Unknown(0)`), corrected.
pub fn decode_integer_enum<'de, D: Deserializer<'de>, T>(
    slot: &mut T,
    deserializer: D,
    cx: &mut DecodeCx,
    from_wire_value: fn(i64) -> T,
) -> Result<(), D::Error> {
    deserializer.deserialize_any(IntegerEnumVisitor { slot, cx, from_wire_value })
}

struct IntegerEnumVisitor<'a, T> {
    slot: &'a mut T,
    cx: &'a mut DecodeCx,
    from_wire_value: fn(i64) -> T,
}

impl<'de, T> Visitor<'de> for IntegerEnumVisitor<'_, T> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an integer")
    }

    fn visit_i64<E: de::Error>(self, number: i64) -> Result<(), E> {
        *self.slot = (self.from_wire_value)(number);
        Ok(())
    }

    fn visit_u64<E: de::Error>(self, number: u64) -> Result<(), E> {
        let number = i64::try_from(number).map_err(|_| E::custom(format!("{number} cannot be read as an int64")))?;
        self.visit_i64(number)
    }

    fn visit_f64<E: de::Error>(self, number: f64) -> Result<(), E> {
        let mut integer = 0i64;
        super::WireValue::decode_into(&mut integer, de::value::F64Deserializer::<E>::new(number), self.cx)?;
        *self.slot = (self.from_wire_value)(integer);
        Ok(())
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<(), E> {
        let integer = text
            .trim()
            .parse::<i64>()
            .map_err(|_| E::custom(format!("{} cannot be read as an int64", excerpt_str(text))))?;
        self.cx.correct(CorrectionKind::NumberFromString, || excerpt_str(text))?;
        *self.slot = (self.from_wire_value)(integer);
        Ok(())
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.cx.correct(CorrectionKind::Null, || "null".to_owned())
    }
}

/// The impls [`string_enum!`] and [`integer_enum!`] share: `Display` and `Serialize` of the wire
/// value, `Deserialize` and decoding through `$decode` (forgiving, `Unknown` kept), `Enumeration`.
#[doc(hidden)]
#[macro_export]
macro_rules! __enum_impls {
    ($name:ident, $serialize:ident, $decode:ident) => {
        impl ::core::fmt::Display for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                ::core::fmt::Display::fmt(&self.wire_value(), f)
            }
        }

        impl $crate::serde::Serialize for $name {
            fn serialize<S: $crate::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                serializer.$serialize(self.wire_value())
            }
        }

        impl<'de> $crate::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::core::result::Result<Self, D::Error> {
                $crate::wire::deserialize_value(deserializer)
            }
        }

        impl $crate::wire::WireValue for $name {
            fn decode_into<'de, D: $crate::serde::Deserializer<'de>>(
                slot: &mut Self,
                deserializer: D,
                cx: &mut $crate::wire::DecodeCx,
            ) -> ::core::result::Result<(), D::Error> {
                $crate::wire::$decode(slot, deserializer, cx, Self::from_wire_value)
            }
        }

        impl $crate::wire::Enumeration for $name {
            fn known() -> &'static [Self] {
                Self::KNOWN
            }

            fn is_unknown(&self) -> bool {
                ::core::matches!(self, Self::Unknown(_))
            }
        }
    };
}

/// Declares a string enumeration from a table of variants and wire values.
///
/// ```
/// tcapi_runtime::string_enum! {
///     /// How a domain is validated.
///     pub enum VerifyType {
///         /// By a DNS record.
///         Dns = "DNS",
///         /// By a file on the web site.
///         File = "FILE",
///     }
/// }
/// assert_eq!(VerifyType::from_wire_value("DNS"), VerifyType::Dns);
/// assert_eq!(VerifyType::from_wire_value("EMAIL"), VerifyType::Unknown("EMAIL".into()));
/// assert_eq!(serde_json::to_string(&VerifyType::File).unwrap(), r#""FILE""#);
/// ```
#[macro_export]
macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident { $( $(#[$variant_meta:meta])* $variant:ident = $value:literal, )* }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        $vis enum $name {
            $( $(#[$variant_meta])* $variant, )*
            /// A value the spec does not list, as the server sent it.
            Unknown(::std::string::String),
        }

        impl $name {
            /// Every value the spec lists.
            pub const KNOWN: &'static [Self] = &[ $( Self::$variant, )* ];

            /// The value sent on the wire.
            pub fn wire_value(&self) -> &str {
                match self {
                    $( Self::$variant => $value, )*
                    Self::Unknown(raw) => raw,
                }
            }

            /// The variant for a wire value; values the spec does not list become `Unknown`.
            pub fn from_wire_value(value: &str) -> Self {
                match value {
                    $( $value => Self::$variant, )*
                    other => Self::Unknown(::std::borrow::ToOwned::to_owned(other)),
                }
            }
        }

        /// `Unknown("")`: what a missing or `null` value is corrected to.
        impl ::core::default::Default for $name {
            fn default() -> Self {
                Self::Unknown(::std::string::String::new())
            }
        }

        $crate::__enum_impls!($name, serialize_str, decode_string_enum);
    };
}

/// Declares an integer enumeration from a table of variants and wire values.
///
/// ```
/// tcapi_runtime::integer_enum! {
///     /// Status of a certificate.
///     pub enum CertificateStatus {
///         /// Under review.
///         UnderReview = 0,
///         /// Issued.
///         Issued = 1,
///     }
/// }
/// assert_eq!(CertificateStatus::from_wire_value(1), CertificateStatus::Issued);
/// assert_eq!(CertificateStatus::from_wire_value(-1), CertificateStatus::Unknown(-1));
/// ```
#[macro_export]
macro_rules! integer_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident { $( $(#[$variant_meta:meta])* $variant:ident = $value:literal, )* }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        $vis enum $name {
            $( $(#[$variant_meta])* $variant, )*
            /// A value the spec does not list, as the server sent it.
            Unknown(i64),
        }

        impl $name {
            /// Every value the spec lists.
            pub const KNOWN: &'static [Self] = &[ $( Self::$variant, )* ];

            /// The value sent on the wire.
            pub fn wire_value(&self) -> i64 {
                match self {
                    $( Self::$variant => $value, )*
                    Self::Unknown(raw) => *raw,
                }
            }

            /// The variant for a wire value; values the spec does not list become `Unknown`.
            pub fn from_wire_value(value: i64) -> Self {
                match value {
                    $( $value => Self::$variant, )*
                    other => Self::Unknown(other),
                }
            }
        }

        /// `Unknown(0)`: what a missing or `null` value is corrected to (even when 0 is a listed
        /// value, so that a corrected value never passes for one the server sent).
        impl ::core::default::Default for $name {
            fn default() -> Self {
                Self::Unknown(0)
            }
        }

        $crate::__enum_impls!($name, serialize_i64, decode_integer_enum);
    };
}
