//! Serde adapters for wire representations that differ from the Rust type.

use serde::{Deserialize, Deserializer, de};

/// The API's integer `0`/`1`, leniently also `false`/`true`.
fn read_int_bool<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<bool>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Wire {
        Int(i64),
        Bool(bool),
    }
    match Option::<Wire>::deserialize(deserializer)? {
        None => Ok(None),
        Some(Wire::Bool(flag)) => Ok(Some(flag)),
        Some(Wire::Int(0)) => Ok(Some(false)),
        Some(Wire::Int(1)) => Ok(Some(true)),
        Some(Wire::Int(other)) => Err(de::Error::invalid_value(de::Unexpected::Signed(other), &"0 or 1")),
    }
}

/// A `bool` the API sends and takes as the integer `0` or `1` (`#[serde(with = ...)]`).
pub mod int_bool {
    use serde::{Deserializer, Serializer, de};

    /// Writes `true` as `1` and `false` as `0`.
    pub fn serialize<S: Serializer>(value: &bool, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u8(u8::from(*value))
    }

    /// Reads `0` or `1`.
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
        super::read_int_bool(deserializer)?.ok_or_else(|| de::Error::invalid_type(de::Unexpected::Unit, &"0 or 1"))
    }
}

/// An `Option<bool>` sent as `0`/`1`; pair it with `skip_serializing_if = "Option::is_none"`.
pub mod int_bool_option {
    use serde::{Deserializer, Serializer};

    /// Writes `Some(true)` as `1`, `Some(false)` as `0` and `None` as `null`.
    pub fn serialize<S: Serializer>(value: &Option<bool>, serializer: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(flag) => super::int_bool::serialize(flag, serializer),
            None => serializer.serialize_none(),
        }
    }

    /// Reads `0`, `1` or `null`.
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<bool>, D::Error> {
        super::read_int_bool(deserializer)
    }
}
