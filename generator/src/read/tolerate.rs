//! Interpretations of sloppy specs, applied to the JSON value of the root
//! document before any reader sees it. Each one is a warning that says what
//! was done; `Config::strict` turns them into errors.
//!
//! * a documentation field (`description`, `summary`, `title`) that is not
//!   text (e.g. `{$ref: ./intro.md}` written for documentation bundlers) is
//!   ignored;
//! * `null` instead of a list of scopes in a security requirement means no
//!   scopes;
//! * a validation keyword with a number beyond 64 bits, or with a scalar of
//!   the wrong type (`pattern: 0`, `maxLength: "10"`), is ignored (the
//!   client does not check validation keywords);
//! * numbers and booleans in the `enum` of a `type: string` schema
//!   (`enum: [0, 90]`) are the strings they are on the wire;
//! * in a 3.0 document, JSON Schema keywords of 3.1 (`type` arrays, numeric
//!   `exclusiveMinimum`/`exclusiveMaximum`, `const`, `examples` arrays) make
//!   the document be read by the 3.1 reader, which knows them.
//!
//! The walk knows which maps are keyed by the spec's own names
//! (`properties`, `schemas`, `paths`, …), so a property *named*
//! `description` is never mistaken for documentation, and it never looks
//! inside data (`example`, `default`, `enum`, `const`, extensions).

use serde_json::{Map, Value};

use crate::diagnostics::{Code, Diagnostic};
use crate::model::Version;
use crate::pointer::Pointer;

/// Maps whose keys are names chosen by the spec author.
const NAMED_MAPS: &[&str] = &[
    "properties",
    "patternProperties",
    "definitions",
    "$defs",
    "schemas",
    "parameters",
    "responses",
    "requestBodies",
    "headers",
    "securitySchemes",
    "securityDefinitions",
    "examples",
    "links",
    "callbacks",
    "content",
    "encoding",
    "variables",
    "mapping",
    "pathItems",
    "webhooks",
    "paths",
    "scopes",
    "dependentSchemas",
];

/// Keys whose values are data, not spec structure.
const DATA_KEYS: &[&str] = &["example", "default", "enum", "const", "value", "x-example"];

/// Documentation fields that must be text.
const DOC_KEYS: &[&str] = &["description", "summary", "title"];

/// Validation keywords with a numeric value.
const NUMERIC_KEYWORDS: &[&str] = &["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"];

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

/// What the pass found.
#[derive(Debug, Default)]
pub struct Tolerated {
    /// One warning per interpretation.
    pub warnings: Vec<Diagnostic>,
    /// A 3.0 document uses 3.1 keywords: read it with the 3.1 reader.
    pub read_as_31: bool,
}

/// Applies the interpretations to `root`, the document `file` of `version`.
pub fn apply(root: &mut Value, file: &str, version: Version) -> Tolerated {
    let mut pass = Pass { file, version, found: Tolerated::default() };
    pass.node(root, &Path::Root);
    pass.found
}

/// Where the walk is: a chain of borrowed segments, made into a
/// [`Pointer`] only for a warning (the walk visits every node of the
/// document, and warnings are rare).
enum Path<'a> {
    Root,
    Key(&'a Path<'a>, &'a str),
    Index(&'a Path<'a>, usize),
}

impl Path<'_> {
    fn pointer(&self) -> Pointer {
        match self {
            Path::Root => Pointer::root(),
            Path::Key(parent, key) => parent.pointer().push(key),
            Path::Index(parent, index) => parent.pointer().push(index.to_string()),
        }
    }
}

struct Pass<'f> {
    file: &'f str,
    version: Version,
    found: Tolerated,
}

impl Pass<'_> {
    fn warn(&mut self, code: Code, at: &Pointer, message: String) {
        self.found.warnings.push(Diagnostic::warning(code, self.file, &at.to_string(), message));
    }

    fn node(&mut self, value: &mut Value, at: &Path<'_>) {
        match value {
            Value::Object(map) => self.object(map, at),
            Value::Array(items) => {
                for (index, item) in items.iter_mut().enumerate() {
                    self.node(item, &Path::Index(at, index));
                }
            }
            _ => {}
        }
    }

    fn object(&mut self, map: &mut Map<String, Value>, at: &Path<'_>) {
        if self.version == Version::OpenApi30 {
            self.keywords_of_31(map, at);
        }
        self.string_enum(map, at);
        // Keys are visited in document order (so are the warnings); the
        // ignored ones are removed afterwards.
        let mut ignored = Vec::new();
        for (key, value) in map.iter_mut() {
            if key.starts_with("x-") || DATA_KEYS.contains(&key.as_str()) {
                continue;
            }
            let here = Path::Key(at, key);
            if DOC_KEYS.contains(&key.as_str()) && !value.is_string() {
                self.warn(Code::NonTextDocumentation, &here.pointer(), format!("`{key}` is not text; it is ignored"));
                ignored.push(key.clone());
                continue;
            }
            if NUMERIC_KEYWORDS.contains(&key.as_str()) && out_of_range(value) {
                let message = format!("`{key}` is beyond the 64-bit range; the keyword is ignored (the client does not check it)");
                self.warn(Code::OutOfRangeNumber, &here.pointer(), message);
                ignored.push(key.clone());
                continue;
            }
            let ill_typed = VALIDATION_KEYWORDS.iter().find(|(keyword, _)| key == keyword).filter(|(_, valid)| {
                // An object or list here is a property *named* like the
                // keyword, inside a map the walk does not know.
                !value.is_object() && !value.is_array() && !valid(value)
            });
            if ill_typed.is_some() {
                let message =
                    format!("`{key}` holds {value}, not a value of its type; the keyword is ignored (the client does not check it)");
                self.warn(Code::IllTypedKeyword, &here.pointer(), message);
                ignored.push(key.clone());
                continue;
            }
            if key == "security" {
                if let Value::Array(requirements) = value {
                    self.security(requirements, &here);
                }
                continue;
            }
            match value {
                Value::Object(entries) if NAMED_MAPS.contains(&key.as_str()) => {
                    for (name, entry) in entries.iter_mut() {
                        self.node(entry, &Path::Key(&here, name));
                    }
                }
                other => self.node(other, &here),
            }
        }
        for key in ignored {
            map.remove(&key);
        }
    }

    /// Numbers and booleans in the `enum` of a `type: string` schema
    /// become the strings they are on the wire.
    fn string_enum(&mut self, map: &mut Map<String, Value>, at: &Path<'_>) {
        if map.get("type").and_then(Value::as_str) != Some("string") {
            return;
        }
        let Some(Value::Array(values)) = map.get_mut("enum") else { return };
        for (index, item) in values.iter_mut().enumerate() {
            if let Value::Number(_) | Value::Bool(_) = item {
                let text = item.to_string();
                let here = Path::Index(&Path::Key(at, "enum"), index);
                self.warn(
                    Code::StringEnumValue,
                    &here.pointer(),
                    format!("{text} in the `enum` of a string schema is read as the string \"{text}\""),
                );
                *item = Value::String(text);
            }
        }
    }

    fn security(&mut self, requirements: &mut [Value], at: &Path<'_>) {
        for (index, requirement) in requirements.iter_mut().enumerate() {
            let Value::Object(requirement) = requirement else { continue };
            for (name, scopes) in requirement.iter_mut() {
                if scopes.is_null() {
                    *scopes = Value::Array(Vec::new());
                    let here = at.pointer().join([index.to_string(), name.clone()]);
                    self.warn(Code::NullScopes, &here, "scopes are `null`; read as no scopes".to_owned());
                }
            }
        }
    }

    /// Flags 3.1 keywords in a 3.0 document (`map` is any object that is
    /// not data; these keywords only occur in schemas).
    fn keywords_of_31(&mut self, map: &Map<String, Value>, at: &Path<'_>) {
        let mut found = Vec::new();
        if map.get("type").is_some_and(Value::is_array) {
            found.push(("type", "a `type` array"));
        }
        for keyword in ["exclusiveMinimum", "exclusiveMaximum"] {
            if map.get(keyword).is_some_and(Value::is_number) {
                found.push((keyword, "a numeric exclusive bound"));
            }
        }
        if map.contains_key("const") && !map.contains_key("in") {
            found.push(("const", "`const`"));
        }
        if map.get("examples").is_some_and(Value::is_array) {
            found.push(("examples", "an `examples` array"));
        }
        for (keyword, what) in found {
            self.found.read_as_31 = true;
            self.warn(
                Code::JsonSchemaKeyword,
                &at.pointer().push(keyword),
                format!("{what} is OpenAPI 3.1 (JSON Schema), not 3.0; the document is read with the 3.1 reader"),
            );
        }
    }
}

/// A number a 64-bit integer cannot hold (parsed as a float that is whole
/// and beyond the `i64`/`u64` range).
fn out_of_range(value: &Value) -> bool {
    match value.as_f64() {
        Some(number) if value.as_i64().is_none() && value.as_u64().is_none() => {
            number.fract() == 0.0 && (number >= 9_223_372_036_854_775_808.0 || number <= -9_223_372_036_854_775_808.0)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str, version: Version) -> (Value, Tolerated) {
        let mut value: Value = serde_json::from_str(text).expect("json");
        let found = apply(&mut value, "s.json", version);
        (value, found)
    }

    #[test]
    fn ill_typed_keywords_and_string_enum_values_are_read_with_warnings() {
        let (value, found) = run(
            r#"{"components": {"schemas": {
                "Angle": {"type": "string", "enum": [0, 90, "x", true], "pattern": 0, "maxLength": "3", "minLength": 1},
                "Keyed": {"type": "object", "properties": {"pattern": {"type": "string"}},
                          "example": {"pattern": 0, "type": "string", "enum": [1]}}}}}"#,
            Version::OpenApi30,
        );
        let seen: Vec<(&str, &str)> = found.warnings.iter().map(|warning| (warning.code.as_str(), warning.pointer.as_str())).collect();
        assert_eq!(
            seen,
            [
                ("string-enum-value", "/components/schemas/Angle/enum/0"),
                ("string-enum-value", "/components/schemas/Angle/enum/1"),
                ("string-enum-value", "/components/schemas/Angle/enum/3"),
                ("ill-typed-keyword", "/components/schemas/Angle/pattern"),
                ("ill-typed-keyword", "/components/schemas/Angle/maxLength"),
            ]
        );
        // A property named like a keyword, and data, are left alone.
        assert_eq!(
            value["components"]["schemas"],
            serde_json::json!({
                "Angle": {"type": "string", "enum": ["0", "90", "x", "true"], "minLength": 1},
                "Keyed": {"type": "object", "properties": {"pattern": {"type": "string"}},
                          "example": {"pattern": 0, "type": "string", "enum": [1]}}
            })
        );
    }

    #[test]
    fn warnings_follow_document_order() {
        let (value, found) =
            run(r#"{"summary": 1, "properties": {"a": {"title": 2}}, "title": 3, "description": "kept"}"#, Version::OpenApi30);
        let at: Vec<&str> = found.warnings.iter().map(|warning| warning.pointer.as_str()).collect();
        assert_eq!(at, ["/summary", "/properties/a/title", "/title"]);
        assert_eq!(value, serde_json::json!({"properties": {"a": {}}, "description": "kept"}));
    }

    #[test]
    fn interprets_and_warns() {
        let (value, found) = run(
            r##"{"info": {"description": {"$ref": "./intro.md"}},
                "tags": [{"name": "a", "description": 7}],
                "security": [{"k": null}],
                "components": {"schemas": {"description": {"type": "object", "properties": {"title": {"type": "string"}}, "minimum": -9223372036854775809, "example": {"description": 1}}}}}"##,
            Version::OpenApi30,
        );
        let codes: Vec<(&str, String)> = found.warnings.iter().map(|w| (w.code.as_str(), w.pointer.clone())).collect();
        assert_eq!(
            codes,
            [
                ("non-text-documentation", "/info/description".to_owned()),
                ("non-text-documentation", "/tags/0/description".to_owned()),
                ("null-scopes", "/security/0/k".to_owned()),
                ("out-of-range-number", "/components/schemas/description/minimum".to_owned()),
            ]
        );
        assert!(value["info"].get("description").is_none());
        assert_eq!(value["security"][0]["k"], Value::Array(Vec::new()));
        let schema = &value["components"]["schemas"]["description"];
        assert!(schema.get("minimum").is_none() && schema["properties"]["title"].is_object(), "named maps and data kept: {schema}");
        assert!(!found.read_as_31);
    }

    #[test]
    fn spots_31_keywords_in_30_documents_only() {
        let text = r#"{"components": {"schemas": {"A": {"type": ["string", "null"], "examples": ["a"]}, "B": {"const": 1}, "C": {"exclusiveMinimum": 0}, "D": {"exclusiveMinimum": true}}}}"#;
        let (_, found) = run(text, Version::OpenApi30);
        assert!(found.read_as_31);
        let pointers: Vec<&str> = found.warnings.iter().map(|w| w.pointer.as_str()).collect();
        assert_eq!(
            pointers,
            [
                "/components/schemas/A/type",
                "/components/schemas/A/examples",
                "/components/schemas/B/const",
                "/components/schemas/C/exclusiveMinimum"
            ]
        );
        let (_, found) = run(text, Version::OpenApi31);
        assert!(!found.read_as_31 && found.warnings.is_empty());
    }
}
