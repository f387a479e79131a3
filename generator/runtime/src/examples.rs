//! The spec's own examples as tests of the models: each body example that
//! fits its schema is decoded, encoded again, and compared with what the
//! client keeps of it (generated `examples` modules call these).

use serde_json::Value;

/// Decodes `input` (JSON text) as `T`, encodes the value again and compares
/// it with `expected` (the input without what `T` does not declare; `None`:
/// the input itself), modulo these normalisations: a property that is
/// `null` equals one that is absent; numbers are compared as numbers (`1`
/// equals `1.0`); two strings that are both RFC 3339 date-times are compared
/// as instants (offsets and fractions written differently are equal), and
/// two UUIDs whatever their case.
#[doc(hidden)]
pub fn round_trip<T: serde::de::DeserializeOwned + serde::Serialize>(input: &str, expected: Option<&str>) -> Result<(), String> {
    let value: T =
        super::__private::decode_json(input.as_bytes()).map_err(|(path, error)| format!("does not decode at `{path}`: {error}"))?;
    let encoded = serde_json::to_value(&value).map_err(|error| format!("does not encode: {error}"))?;
    let expected: Value = serde_json::from_str(expected.unwrap_or(input)).map_err(|error| format!("not JSON: {error}"))?;
    let mut path = String::new();
    same(&expected, &encoded, &mut path)
}

/// Decodes `input` as `T` (for types the client only reads).
#[doc(hidden)]
pub fn decodes<T: serde::de::DeserializeOwned>(input: &str) -> Result<(), String> {
    super::__private::decode_json::<T>(input.as_bytes()).map(drop).map_err(|(path, error)| format!("does not decode at `{path}`: {error}"))
}

/// Compares `expected` and `actual` (see [`round_trip`]); `path` is where.
fn same(expected: &Value, actual: &Value, path: &mut String) -> Result<(), String> {
    let differs = || Err(format!("at `{}`: expected {expected}, encoded {actual}", if path.is_empty() { "." } else { path.as_str() }));
    match (expected, actual) {
        (Value::Object(left), Value::Object(right)) => {
            for key in left.keys().chain(right.keys().filter(|key| !left.contains_key(*key))) {
                let (left, right) = (left.get(key).unwrap_or(&Value::Null), right.get(key).unwrap_or(&Value::Null));
                let length = path.len();
                path.push('.');
                path.push_str(key);
                same(left, right, path)?;
                path.truncate(length);
            }
            Ok(())
        }
        (Value::Array(left), Value::Array(right)) if left.len() == right.len() => {
            for (index, (left, right)) in left.iter().zip(right).enumerate() {
                let length = path.len();
                path.push_str(&format!("[{index}]"));
                same(left, right, path)?;
                path.truncate(length);
            }
            Ok(())
        }
        (Value::Number(left), Value::Number(right)) => {
            let equal = left == right || left.as_f64().zip(right.as_f64()).is_some_and(|(left, right)| left == right);
            if equal { Ok(()) } else { differs() }
        }
        (Value::String(left), Value::String(right)) => {
            let instants = chrono::DateTime::parse_from_rfc3339(left).ok().zip(chrono::DateTime::parse_from_rfc3339(right).ok());
            let uuids = uuid::Uuid::parse_str(left).ok().zip(uuid::Uuid::parse_str(right).ok());
            let equal =
                left == right || instants.is_some_and(|(left, right)| left == right) || uuids.is_some_and(|(left, right)| left == right);
            if equal { Ok(()) } else { differs() }
        }
        (left, right) if left == right => Ok(()),
        _ => differs(),
    }
}
