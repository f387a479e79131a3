//! Serde helper for fields that are both optional and nullable: `None`,
//! `Some(None)` and `Some(Some(value))` are sent as an absent field, `null`
//! and the value. (Decoding them is `present` in
//! [`__deserialize_object!`](crate::__deserialize_object).)

use serde::{Serialize, Serializer};

/// Serializes the inner option (`Some(None)` → `null`); pair with
/// `skip_serializing_if = "Option::is_none"` so `None` is left out.
pub fn serialize<T: Serialize, S: Serializer>(value: &Option<Option<T>>, serializer: S) -> Result<S::Ok, S::Error> {
    match value {
        Some(inner) => inner.serialize(serializer),
        None => serializer.serialize_none(),
    }
}
