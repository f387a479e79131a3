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

/// The base URL of the mock server a conformance test calls: the
/// environment variable `CONFORMANCE_URL_<MODULE>` (the spec module's name
/// in upper case, taken from the test's `module_path`), else
/// `CONFORMANCE_URL`. Panics (failing the test) when neither is set.
#[doc(hidden)]
pub fn conformance_url(module_path: &str) -> String {
    // `<crate>::…::<module>::conformance`.
    let module = module_path.rsplit("::").nth(1).unwrap_or_default();
    let specific = format!("CONFORMANCE_URL_{}", module.to_ascii_uppercase());
    match std::env::var(&specific).or_else(|_| std::env::var("CONFORMANCE_URL")) {
        Ok(url) => url,
        Err(_) => panic!("set {specific} or CONFORMANCE_URL to the base URL of a mock server of the spec"),
    }
}

/// An argument of a conformance call, decoded from JSON text (the spec's
/// example, or a minimal value the generator wrote). Panics (failing the
/// test) when it does not decode.
#[doc(hidden)]
pub fn argument<T: serde::de::DeserializeOwned>(json: &str) -> T {
    match super::__private::decode_json(json.as_bytes()) {
        Ok(value) => value,
        Err((path, error)) => panic!("the argument {json} does not decode at `{path}`: {error}"),
    }
}

/// Fails the conformance test of `operation` unless the call succeeded,
/// or answered with a documented error when the operation documents no
/// success (`documents_success` false; a mock can only answer with what
/// the spec documents). A request the mock found invalid (Prism's
/// `sl-violations` header) or a rejected credential always fails, showing
/// the status and the server's explanation; so does a body that did not
/// decode into the models.
#[doc(hidden)]
pub fn conformance_check<T, E: std::fmt::Debug>(operation: &str, documents_success: bool, result: Result<T, super::Error<E>>) {
    let Err(error) = result else { return };
    let shown = |bytes: &[u8]| String::from_utf8_lossy(bytes).chars().take(2000).collect::<String>();
    let detail = match &error {
        super::Error::Status(status) => {
            let violations = status.headers.get("sl-violations").map(|value| shown(value.as_bytes()));
            let rejected = matches!(status.status.as_u16(), 401 | 403);
            // Prism's own failure to answer (no schema to generate a
            // response from): nothing about the client is known.
            if status.status.is_server_error() && shown(&status.body).contains("stoplight.io/prism/errors#UNKNOWN") {
                eprintln!("{operation}: not checked, the mock could not answer: {}", shown(&status.body));
                return;
            }
            if violations.is_none() && !rejected && !documents_success {
                return;
            }
            let violations = violations.map(|text| format!("; violations: {text}")).unwrap_or_default();
            format!("the server answered {}: {}{violations}", status.status, shown(&status.body))
        }
        super::Error::Decode(decode) => {
            format!("the response does not decode at `{}`: {}; body: {}", decode.path, decode.source, shown(&decode.body))
        }
        other => {
            let mut text = other.to_string();
            let mut source = std::error::Error::source(other);
            while let Some(cause) = source {
                text.push_str(&format!(": {cause}"));
                source = cause.source();
            }
            text
        }
    };
    panic!("{operation}: {detail}");
}
