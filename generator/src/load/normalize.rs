//! What openapiv3 must not see in a 3.0 document: callbacks (the one
//! leniency left here; the interpretations of sloppy specs are
//! `read::tolerate`'s, each with a warning).

use serde_json::Value;

/// `callbacks` are dropped before the document is typed: they describe
/// requests the *server* makes, which a client does not generate (and
/// openapiv3 rejects `$ref`s there). Nothing is interpreted, so nothing is
/// warned.
pub(super) fn normalize(root: &mut Value) {
    if let Some(paths) = root.get_mut("paths").and_then(Value::as_object_mut) {
        for item in paths.values_mut().filter_map(Value::as_object_mut) {
            for operation in item.values_mut().filter_map(Value::as_object_mut) {
                operation.remove("callbacks");
            }
        }
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
