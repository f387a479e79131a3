//! Shape errors: why openapiv3 refuses a 3.0 document, located at the node
//! that is wrong with serde_path_to_error.

use openapiv3::OpenAPI;
use serde_json::Value;

use crate::diagnostics::{Code, Diagnostic};
use crate::pointer::Pointer;

/// Why openapiv3 refuses `value`, located by the path serde reached.
pub(super) fn shape_error(path: &str, value: &Value) -> Diagnostic {
    match serde_path_to_error::deserialize::<_, OpenAPI>(value) {
        Ok(_) => Diagnostic::new(Code::InvalidDocument, path, "", "openapiv3 refused the document"),
        Err(error) => {
            let pointer = path_to_pointer(error.path());
            Diagnostic::new(Code::InvalidDocument, path, &pointer.to_string(), error.inner().to_string())
        }
    }
}

/// Re-locates a shape error against the raw document (see [`refine`]).
pub(super) fn locate_shape_error(path: &str, value: &Value, diagnostic: Diagnostic) -> Diagnostic {
    let pointer = Pointer::parse(&diagnostic.pointer).unwrap_or_default();
    let (pointer, message) = refine(value, pointer, diagnostic.message);
    Diagnostic::new(Code::InvalidDocument, path, &pointer.to_string(), format!("not a valid OpenAPI 3.0 document: {message}"))
}

/// serde stops tracking the path at maps that openapiv3 deserializes
/// through `flatten` (paths, components); deserializing the entries below
/// one at a time finds the node that is actually wrong.
fn refine(root: &Value, pointer: Pointer, message: String) -> (Pointer, String) {
    fn first_error<T: serde::de::DeserializeOwned>(at: &Pointer, entries: &serde_json::Map<String, Value>) -> Option<(Pointer, String)> {
        entries.iter().find_map(|(key, value)| {
            serde_path_to_error::deserialize::<_, T>(value)
                .err()
                .map(|error| (at.push(key.clone()).join(path_to_pointer(error.path()).segments()), error.inner().to_string()))
        })
    }
    let segments = pointer.segments();
    let found = match segments.first().map(String::as_str) {
        Some("paths") => root
            .get("paths")
            .and_then(Value::as_object)
            .and_then(|paths| first_error::<openapiv3::PathItem>(&Pointer::root().push("paths"), paths)),
        Some("components") => {
            let components = root.get("components").and_then(Value::as_object);
            let section = |name: &str| components.and_then(|c| c.get(name)).and_then(Value::as_object);
            let at = |name: &str| Pointer::root().join(["components", name]);
            section("schemas")
                .and_then(|entries| first_error::<openapiv3::ReferenceOr<openapiv3::Schema>>(&at("schemas"), entries))
                .or_else(|| {
                    section("parameters").and_then(|e| first_error::<openapiv3::ReferenceOr<openapiv3::Parameter>>(&at("parameters"), e))
                })
                .or_else(|| {
                    section("responses").and_then(|e| first_error::<openapiv3::ReferenceOr<openapiv3::Response>>(&at("responses"), e))
                })
                .or_else(|| {
                    section("requestBodies")
                        .and_then(|e| first_error::<openapiv3::ReferenceOr<openapiv3::RequestBody>>(&at("requestBodies"), e))
                })
                .or_else(|| {
                    section("securitySchemes")
                        .and_then(|e| first_error::<openapiv3::ReferenceOr<openapiv3::SecurityScheme>>(&at("securitySchemes"), e))
                })
        }
        _ => None,
    };
    match found {
        Some((deeper, message)) if deeper.segments().len() > segments.len() => (deeper, message),
        _ => (pointer, message),
    }
}

/// Converts serde_path_to_error's path (which names the innermost field or
/// index it reached) into a JSON pointer.
fn path_to_pointer(path: &serde_path_to_error::Path) -> Pointer {
    let mut pointer = Pointer::root();
    for segment in path.iter() {
        match segment {
            serde_path_to_error::Segment::Seq { index } => pointer = pointer.push(index.to_string()),
            serde_path_to_error::Segment::Map { key } => pointer = pointer.push(key.clone()),
            serde_path_to_error::Segment::Enum { .. } | serde_path_to_error::Segment::Unknown => {}
        }
    }
    pointer
}

#[cfg(test)]
mod tests {
    use crate::diagnostics::Code;
    use crate::load::load_spec;
    use crate::load::tests::files;
    use crate::model::Version;

    #[test]
    fn shape_errors_point_at_the_node_and_the_document_is_read_node_by_node() {
        let loader = files(&[("s.yaml", "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses: 7\n")]);
        let documents = load_spec("s.yaml", &loader).expect("read by the JSON reader");
        assert_eq!(documents.version, Version::OpenApi30);
        assert!(documents.model.paths.iter().any(|(path, _)| path == "/a"), "the rest of the document is read");
        let diagnostic = documents.read_problems.first().expect("the refusal, as a warning");
        assert_eq!((diagnostic.code, diagnostic.severity), (Code::InvalidDocument, crate::Severity::Warning));
        assert_eq!(diagnostic.pointer, "/paths/~1a/get/responses", "{diagnostic}");
        assert!(diagnostic.message.starts_with("not a valid OpenAPI 3.0 document: invalid type: integer `7`"), "{diagnostic}");
    }
}
