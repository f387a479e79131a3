//! Serde helpers for fields that are both optional and nullable: absent,
//! `null` and a value are `None`, `Some(None)` and `Some(Some(value))`.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Serializes the inner option (`Some(None)` → `null`); pair with
/// `skip_serializing_if = "Option::is_none"` so `None` is left out.
pub fn serialize<T: Serialize, S: Serializer>(value: &Option<Option<T>>, serializer: S) -> Result<S::Ok, S::Error> {
    match value {
        Some(inner) => inner.serialize(serializer),
        None => serializer.serialize_none(),
    }
}

/// Deserializes a present field (`null` or a value); pair with
/// `default` so an absent field becomes `None`.
pub fn deserialize<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(deserializer).map(Some)
}
