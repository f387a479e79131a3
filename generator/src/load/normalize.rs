//! Lenient normalisation of sloppy 3.0 specs before openapiv3 types them:
//! dropped callbacks, stringified string enums, ill-typed validation keywords.

use serde_json::Value;

/// Leniencies for common mistakes of real-world specs, applied before the
/// document is typed, for things this generator does not use or can read
/// unambiguously:
/// * `callbacks` are dropped (they describe requests the *server* makes,
///   which a client does not generate; openapiv3 also rejects `$ref`s there);
/// * non-string values in the `enum` of a `type: string` schema
///   (`enum: [0, 90]`) are read as the strings they would be on the wire;
/// * validation keywords the client does not enforce are dropped when they
///   hold a scalar of the wrong type (`pattern: 0`, `maxLength: "10"`). A
///   property *named* like a keyword has an object value and is kept.
pub(super) fn normalize(root: &mut Value) {
    if let Some(paths) = root.get_mut("paths").and_then(Value::as_object_mut) {
        for item in paths.values_mut().filter_map(Value::as_object_mut) {
            for operation in item.values_mut().filter_map(Value::as_object_mut) {
                operation.remove("callbacks");
            }
        }
    }
    stringify_string_enums(root);
}

/// Whether a JSON value has the type a keyword requires.
type ValueCheck = fn(&Value) -> bool;

/// Validation keywords and the JSON type their value must have.
const VALIDATION_KEYWORDS: &[(&str, ValueCheck)] = &[
    ("pattern", Value::is_string),
    ("minimum", Value::is_number),
    ("maximum", Value::is_number),
    ("multipleOf", Value::is_number),
    ("minLength", Value::is_u64),
    ("maxLength", Value::is_u64),
    ("minItems", Value::is_u64),
    ("maxItems", Value::is_u64),
    ("minProperties", Value::is_u64),
    ("maxProperties", Value::is_u64),
];

fn stringify_string_enums(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.retain(|key, value| {
                let wrong_scalar = |valid: &ValueCheck| !value.is_object() && !value.is_array() && !valid(value);
                !VALIDATION_KEYWORDS.iter().any(|(keyword, valid)| key == keyword && wrong_scalar(valid))
            });
            if map.get("type").and_then(Value::as_str) == Some("string")
                && let Some(Value::Array(values)) = map.get_mut("enum")
            {
                for item in values.iter_mut() {
                    if let Value::Number(_) | Value::Bool(_) = item {
                        *item = Value::String(item.to_string());
                    }
                }
            }
            map.values_mut().for_each(stringify_string_enums);
        }
        Value::Array(items) => items.iter_mut().for_each(stringify_string_enums),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use crate::load::load_spec;
    use crate::load::tests::files;

    #[test]
    fn tolerates_callbacks_and_number_values_in_string_enums() {
        let loader = files(&[(
            "s.yaml",
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      callbacks: {cb: {$ref: '#/components/callbacks/X'}}\n      responses: {'204': {description: ok}}\ncomponents:\n  schemas:\n    Angle: {type: string, enum: [0, 90, 'x'], pattern: 0, maxLength: '3'}\n    Keyed: {type: object, properties: {pattern: {type: string}}}\n",
        )]);
        let documents = load_spec("s.yaml", &loader).expect("loads");
        let schemas = &documents.model.components.schemas;
        let angle = schemas.get("Angle").and_then(|node| node.as_item()).expect("Angle is a schema");
        assert_eq!(angle.types, ["string"]);
        assert_eq!(angle.enumeration, ["0", "90", "x"]);
        let keyed = schemas.get("Keyed").and_then(|node| node.as_item()).expect("Keyed is a schema");
        assert_eq!(keyed.properties.first().map(|(name, _)| name.as_str()), Some("pattern"), "a property named `pattern` is kept");
    }
}
