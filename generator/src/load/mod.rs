//! Stage 1: text → documents. YAML and JSON are both read into
//! `serde_json::Value` (JSON with the JSON parser, never through YAML), then
//! the root is deserialized into [`openapiv3::OpenAPI`]. Files named by
//! relative `$ref`s are loaded too, through the caller's [`Loader`].
//!
//! Spec text is untrusted:
//! * every text is scanned for nesting depth in linear time before a parser
//!   sees it ([`nesting`]);
//! * `$ref`s are confined to the root spec's directory tree ([`join_ref`]):
//!   absolute paths, `..` leading out of it and URLs are reported and never
//!   handed to the loader;
//! * diagnostics about a referenced file name the place and a generic reason
//!   but never quote its content.
//!
//! This is the only module that knows about serde_yaml.

pub mod nesting;

pub use nesting::MAX_NESTING;

use std::collections::BTreeMap;

use openapiv3::OpenAPI;
use serde_json::Value;

use crate::model::{Document, Version};

use crate::Loader;
use crate::confine::{join_ref, tree_prefix};
use crate::diagnostics::{Code, Diagnostic, Diagnostics};
use crate::pointer::Pointer;

/// A spec and every file it references, read into the model.
#[derive(Debug)]
pub struct Documents {
    /// Path of the root document.
    pub root_path: String,
    /// The directory `$ref`s may read files in, as a prefix of paths
    /// (`specs/`, or empty for the loader's base): the root spec's
    /// directory, or [`crate::Config::ref_root`]. What [`join_ref`] confines
    /// to.
    pub tree: String,
    /// The version the root was read as: only the readers ask (fragments
    /// read on demand, through [`Documents::context`]); past them, the
    /// model's [`crate::model::Dialect`] says what depends on it.
    pub version: Version,
    /// The root document in the version-neutral model.
    pub model: Document,
    /// Every loaded file (the root included) as untyped JSON, keyed by
    /// path, for `$ref`s that point anywhere other than a root component,
    /// and for checking examples (which the model leaves out).
    pub raw: BTreeMap<String, Value>,
    /// Referenced files that could not be loaded, with the reason. The
    /// `$ref`s into them are reported where they are resolved, so one
    /// missing file does not hide other problems.
    pub failed: BTreeMap<String, String>,
    /// Swagger 2.0 global `consumes` and `produces` (for fragments read on
    /// demand).
    pub media: (Vec<String>, Vec<String>),
    /// Problems the reader found (errors, e.g. a Swagger 2.0 parameter
    /// `$ref` to nothing, and warnings for interpretations it made); they
    /// are reported together with lowering's.
    pub read_problems: Vec<Diagnostic>,
    /// Warnings raised while resolving (`$ref`s into the wrong section
    /// that were used); drained by lowering.
    pub notes: std::cell::RefCell<Vec<Diagnostic>>,
}

impl Documents {
    /// What reading a fragment of these documents needs.
    pub fn context(&self) -> crate::read::Context<'_> {
        crate::read::Context {
            version: self.version,
            raw: &self.raw,
            root_file: &self.root_path,
            tree: &self.tree,
            consumes: &self.media.0,
            produces: &self.media.1,
        }
    }
}

/// Loads the spec at `path` and every file its `$ref`s name. A file outside
/// the directory tree of `path` is never asked for; a `$ref` to one is a
/// [`Code::RefOutsideSpecTree`] diagnostic where it is resolved (a `$ref`
/// nothing follows — inside an example or an extension, say — is data).
///
/// The version is checked first; a 2.0 or 3.1 document is then read from
/// its JSON value, a 3.0 document through `openapiv3`.
#[cfg(test)]
pub fn load_spec(path: &str, loader: &dyn Loader) -> Result<Documents, Diagnostics> {
    load_spec_in(path, None, loader)
}

/// [`load_spec`] with `$ref`s confined to `ref_root` (a directory that
/// holds the spec, as the loader names paths) instead of the spec's own
/// directory. A spec outside `ref_root` is an error.
pub fn load_spec_in(path: &str, ref_root: Option<&str>, loader: &dyn Loader) -> Result<Documents, Diagnostics> {
    let tree = tree_prefix(path, ref_root)?;
    let mut root_value = load_value(path, loader, Origin::Root)?;
    let version = check_version(path, &root_value)?;
    let (version, tolerated) = prepare(&mut root_value, path, version);
    let mut root_refs = Refs::default();
    collect_refs(&root_value, &tree, path, &mut root_refs);
    let mut raw = BTreeMap::new();
    let mut failed = BTreeMap::new();
    let mut pending: Vec<Vec<String>> = vec![std::mem::take(&mut root_refs.files)];
    while let Some(targets) = pending.pop() {
        for target_file in targets {
            if target_file == path || raw.contains_key(&target_file) || failed.contains_key(&target_file) {
                continue;
            }
            match load_value(&target_file, loader, Origin::Referenced) {
                Ok(value) => {
                    let mut refs = Refs::default();
                    collect_refs(&value, &tree, &target_file, &mut refs);
                    raw.insert(target_file, value);
                    pending.push(refs.files);
                }
                Err(found) => {
                    let reason = found.iter().map(|d| d.message.clone()).collect::<Vec<_>>().join("; ");
                    failed.insert(target_file, reason);
                }
            }
        }
    }
    let mut media = (Vec::new(), Vec::new());
    let (model, mut warnings) = match version {
        Version::OpenApi30 => {
            // The typed document serves every `#/components/...` reference;
            // the raw root serves the others, and the example checks
            // (examples are not part of the model).
            raw.insert(path.to_owned(), root_value.clone());
            // Deserialized without path tracking, which costs a sixth of
            // loading a large spec; a document openapiv3 refuses is read
            // again and the error located then.
            match serde_json::from_value::<OpenAPI>(root_value) {
                Ok(root) => (crate::read::v30::document(path, &root), Vec::new()),
                Err(_) => {
                    // The value was consumed; read it again.
                    let value = load_value(path, loader, Origin::Root)?;
                    // Prepared as the refused value was (its warnings
                    // were recorded the first time), so the error is found
                    // where openapiv3 found it.
                    let mut prepared = value.clone();
                    let _ = prepare(&mut prepared, path, version);
                    let diagnostic = shape_error(path, &prepared);
                    let refused = locate_shape_error(path, &value, diagnostic);
                    read_node_by_node(path, value, refused, &mut raw)
                }
            }
        }
        Version::OpenApi31 => {
            let mut reader = crate::read::json::Reader::new(version);
            let model = reader.document(&root_value, path);
            raw.insert(path.to_owned(), root_value);
            (model, reader.problems)
        }
        Version::Swagger2 => {
            media = crate::read::v2::media_defaults(&root_value);
            raw.insert(path.to_owned(), root_value);
            let empty = Value::Null;
            let root = raw.get(path).unwrap_or(&empty);
            let mut swagger = crate::read::v2::Swagger::new(&raw, path, &tree, media.0.clone(), media.1.clone());
            let model = swagger.document(root);
            (model, swagger.reader.problems)
        }
    };
    warnings.splice(0..0, tolerated.warnings);
    Ok(Documents {
        root_path: path.to_owned(),
        tree,
        version,
        model,
        raw,
        failed,
        media,
        read_problems: warnings,
        notes: Default::default(),
    })
}

/// The tolerant reader's interpretations applied to the root document of
/// `version`, and the version it is read as: 3.1 keywords in a 3.0
/// document make it 3.1 (whose reader knows them, and `nullable` as well);
/// a document still read as 3.0 is normalized for openapiv3.
fn prepare(value: &mut Value, path: &str, version: Version) -> (Version, crate::read::tolerate::Tolerated) {
    let tolerated = crate::read::tolerate::apply(value, path, version);
    let version = if tolerated.read_as_31 { Version::OpenApi31 } else { version };
    if version == Version::OpenApi30 {
        normalize(value);
    }
    (version, tolerated)
}

/// A 3.0 document that `openapiv3` refused (it refuses the whole document
/// for one node it cannot read) is read by the JSON reader (3.1's, which
/// knows 3.0's keywords too) node by node: what it cannot read is reported
/// where it is, and an operation with such a node is left out with a
/// warning. When it finds nothing wrong itself, `refused` is kept as a
/// warning, so `--strict` refuses the document as before.
fn read_node_by_node(
    path: &str,
    value: Value,
    refused: Diagnostic,
    raw: &mut BTreeMap<String, Value>,
) -> (crate::model::Document, Vec<Diagnostic>) {
    let mut reader = crate::read::json::Reader::new(Version::OpenApi30);
    let model = reader.document(&value, path);
    raw.insert(path.to_owned(), value);
    let mut problems = reader.problems;
    if !problems.iter().any(Diagnostic::is_error) {
        let message = format!("{}; the document is read node by node instead, leaving out what does not fit", refused.message);
        problems.insert(0, Diagnostic::warning(refused.code, &refused.file, &refused.pointer, message));
    }
    (model, problems)
}

/// Whether a file is the root spec or was named by a `$ref`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Origin {
    /// The spec the caller asked for: its problems are reported in full.
    Root,
    /// A file named by a `$ref`: problems are located, but nothing of its
    /// content is quoted (it may be any file in the spec's tree).
    Referenced,
}

/// Parses `text` as JSON when it looks like JSON, otherwise as YAML. Text
/// nested deeper than [`MAX_NESTING`] is refused before either
/// parser runs.
pub fn parse_text(path: &str, text: &str) -> Result<Value, Diagnostic> {
    // A UTF-8 byte order mark (editors on Windows write one; JSON parsers
    // may ignore it) is not part of the document.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    nesting::check(text, MAX_NESTING).map_err(|at| {
        let message = format!("collections are nested more than {} levels deep; the file was not parsed", MAX_NESTING);
        let mut diagnostic = Diagnostic::new(Code::NestingTooDeep, path, "", message);
        diagnostic.line_column = Some((at.line, at.column));
        diagnostic
    })?;
    let looks_like_json = path.ends_with(".json") || text.trim_start().starts_with('{');
    if looks_like_json {
        return serde_json::from_str(text).map_err(|error| {
            let message = error.to_string();
            let mut diagnostic = if is_recursion_limit(&message) {
                Diagnostic::new(Code::NestingTooDeep, path, "", PARSER_DEPTH_MESSAGE)
            } else {
                Diagnostic::new(Code::Syntax, path, "", format!("invalid JSON: {message}"))
            };
            diagnostic.line_column = Some((error.line(), error.column()));
            diagnostic
        });
    }
    let mut yaml: serde_yaml::Value = match serde_yaml::from_str(text) {
        Ok(yaml) => yaml,
        // serde_yaml::Value holds no integer beyond 64 bits; such a number
        // is valid YAML (`minimum: -9223372036854775809`), read as a float.
        Err(error) if is_wide_integer(&error.to_string()) => {
            if let Ok(wide) = serde_yaml::from_str::<WideJson>(text) {
                return Ok(wide.0);
            }
            return Err(yaml_error(path, &error));
        }
        Err(error) => return Err(yaml_error(path, &error)),
    };
    yaml.apply_merge().map_err(|error| Diagnostic::new(Code::Syntax, path, "", format!("invalid YAML merge key: {error}")))?;
    Ok(yaml_to_json(yaml))
}

fn is_wide_integer(message: &str) -> bool {
    message.contains("as i128") || message.contains("as u128")
}

fn yaml_error(path: &str, error: &serde_yaml::Error) -> Diagnostic {
    let message = error.to_string();
    let mut diagnostic = if is_recursion_limit(&message) {
        Diagnostic::new(Code::NestingTooDeep, path, "", PARSER_DEPTH_MESSAGE)
    } else {
        Diagnostic::new(Code::Syntax, path, "", format!("invalid YAML: {message}"))
    };
    diagnostic.line_column = error.location().map(|location| (location.line(), location.column()));
    diagnostic
}

/// A JSON value read straight from YAML, with integers beyond 64 bits as
/// floats (the fallback of [`parse_text`] for such numbers; merge keys are
/// not applied on this path).
struct WideJson(Value);

impl<'de> serde::Deserialize<'de> for WideJson {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = WideJson;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("any YAML value")
            }
            fn visit_bool<E>(self, v: bool) -> Result<WideJson, E> {
                Ok(WideJson(Value::Bool(v)))
            }
            fn visit_i64<E>(self, v: i64) -> Result<WideJson, E> {
                Ok(WideJson(Value::from(v)))
            }
            fn visit_u64<E>(self, v: u64) -> Result<WideJson, E> {
                Ok(WideJson(Value::from(v)))
            }
            // Precision is lost past 2^53, as for any JSON number.
            fn visit_i128<E>(self, v: i128) -> Result<WideJson, E> {
                Ok(WideJson(serde_json::Number::from_f64(v as f64).map_or(Value::Null, Value::Number)))
            }
            fn visit_u128<E>(self, v: u128) -> Result<WideJson, E> {
                Ok(WideJson(serde_json::Number::from_f64(v as f64).map_or(Value::Null, Value::Number)))
            }
            fn visit_f64<E>(self, v: f64) -> Result<WideJson, E> {
                Ok(WideJson(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number)))
            }
            fn visit_str<E>(self, v: &str) -> Result<WideJson, E> {
                Ok(WideJson(Value::String(v.to_owned())))
            }
            fn visit_string<E>(self, v: String) -> Result<WideJson, E> {
                Ok(WideJson(Value::String(v)))
            }
            fn visit_unit<E>(self) -> Result<WideJson, E> {
                Ok(WideJson(Value::Null))
            }
            fn visit_none<E>(self) -> Result<WideJson, E> {
                Ok(WideJson(Value::Null))
            }
            fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<WideJson, D::Error> {
                serde::Deserialize::deserialize(d)
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<WideJson, A::Error> {
                let mut items = Vec::new();
                while let Some(WideJson(item)) = seq.next_element()? {
                    items.push(item);
                }
                Ok(WideJson(Value::Array(items)))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<WideJson, A::Error> {
                let mut entries = serde_json::Map::new();
                while let Some((WideJson(key), WideJson(value))) = map.next_entry()? {
                    let key = match key {
                        Value::String(key) => key,
                        other => other.to_string(),
                    };
                    entries.insert(key, value);
                }
                Ok(WideJson(Value::Object(entries)))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// serde_json and serde_yaml both stop at 128 levels, with this message.
fn is_recursion_limit(message: &str) -> bool {
    message.starts_with("recursion limit exceeded")
}

const PARSER_DEPTH_MESSAGE: &str = "collections are nested more than 128 levels deep (the parser's limit)";

fn load_value(path: &str, loader: &dyn Loader, origin: Origin) -> Result<Value, Diagnostics> {
    let text = loader.load(path).map_err(|error| Diagnostic::new(Code::Io, path, "", format!("cannot read file: {error}")))?;
    match (parse_text(path, &text), origin) {
        (Ok(value), _) => Ok(value),
        (Err(diagnostic), Origin::Root) => Err(diagnostic.into()),
        (Err(diagnostic), Origin::Referenced) => Err(without_content(diagnostic).into()),
    }
}

/// A parse problem in a referenced file, with the parser's message (which
/// may quote the file, e.g. serde_yaml's `duplicate entry with key "…"`)
/// replaced by a generic one. The location is kept.
fn without_content(mut diagnostic: Diagnostic) -> Diagnostic {
    if diagnostic.code == Code::Syntax {
        let at = diagnostic.line_column.map_or_else(String::new, |(line, column)| format!(" at line {line}, column {column}"));
        diagnostic.message = format!("not valid YAML or JSON{at} (the parser's message is not shown for referenced files)");
    } else if diagnostic.code == Code::NestingTooDeep
        && let Some((line, column)) = diagnostic.line_column
    {
        diagnostic.message = format!("{} (at line {line}, column {column})", diagnostic.message);
    }
    diagnostic
}

/// YAML allows keys that JSON does not (`200:` is an integer, `yes:` a
/// boolean); OpenAPI means them as strings.
fn yaml_to_json(value: serde_yaml::Value) -> Value {
    match value {
        serde_yaml::Value::Null => Value::Null,
        serde_yaml::Value::Bool(b) => Value::Bool(b),
        serde_yaml::Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                n.as_f64().and_then(serde_json::Number::from_f64).map_or(Value::Null, Value::Number)
            }
        }
        serde_yaml::Value::String(s) => Value::String(s),
        serde_yaml::Value::Sequence(items) => Value::Array(items.into_iter().map(yaml_to_json).collect()),
        serde_yaml::Value::Mapping(map) => {
            Value::Object(map.into_iter().map(|(key, value)| (yaml_key(key), yaml_to_json(value))).collect())
        }
        serde_yaml::Value::Tagged(tagged) => yaml_to_json(tagged.value),
    }
}

fn yaml_key(key: serde_yaml::Value) -> String {
    match key {
        serde_yaml::Value::String(s) => s,
        serde_yaml::Value::Bool(b) => b.to_string(),
        serde_yaml::Value::Number(n) => n.to_string(),
        serde_yaml::Value::Null => "null".to_owned(),
        other => serde_json::to_string(&yaml_to_json(other)).unwrap_or_default(),
    }
}

fn check_version(path: &str, value: &Value) -> Result<Version, Diagnostic> {
    if let Some(swagger) = value.get("swagger") {
        let text = swagger.as_str().map_or_else(|| swagger.to_string(), str::to_owned);
        return match text.as_str() {
            "2.0" => Ok(Version::Swagger2),
            _ => Err(Diagnostic::new(
                Code::UnsupportedVersion,
                path,
                "/swagger",
                format!("Swagger `{}` is not a version this generator reads (2.0, or OpenAPI 3.0 and 3.1)", text.escape_debug()),
            )),
        };
    }
    match value.get("openapi").and_then(Value::as_str) {
        Some(version) if version.starts_with("3.0") => Ok(Version::OpenApi30),
        Some(version) if version.starts_with("3.1") => Ok(Version::OpenApi31),
        Some(version) => Err(Diagnostic::new(
            Code::UnsupportedVersion,
            path,
            "/openapi",
            format!("OpenAPI `{}` is not supported; this generator reads OpenAPI 3.0.x and 3.1.x and Swagger 2.0", version.escape_debug()),
        )),
        None => Err(Diagnostic::new(Code::InvalidDocument, path, "", "not an OpenAPI document: the `openapi` version field is missing")),
    }
}

/// Why openapiv3 refuses `value`, located by the path serde reached.
fn shape_error(path: &str, value: &Value) -> Diagnostic {
    match serde_path_to_error::deserialize::<_, OpenAPI>(value) {
        Ok(_) => Diagnostic::new(Code::InvalidDocument, path, "", "openapiv3 refused the document"),
        Err(error) => {
            let pointer = path_to_pointer(error.path());
            Diagnostic::new(Code::InvalidDocument, path, &pointer.to_string(), error.inner().to_string())
        }
    }
}

/// Re-locates a shape error against the raw document (see [`refine`]).
fn locate_shape_error(path: &str, value: &Value, diagnostic: Diagnostic) -> Diagnostic {
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
fn normalize(root: &mut Value) {
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

/// What the `$ref`s of one document point at.
#[derive(Debug, Default)]
struct Refs {
    /// Other files, as paths for the loader (see [`join_ref`]), each once.
    files: Vec<String>,
}

/// Collects the `$ref`s of `value`, a document loaded as `from`, confined
/// to the tree `root` (see [`join_ref`]). A file outside the tree is never listed (so never
/// loaded); `resolve` reports a `$ref` to one where something follows it.
fn collect_refs(value: &Value, root: &str, from: &str, found: &mut Refs) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get("$ref") {
                let file = reference.split_once('#').map_or(reference.as_str(), |(file, _)| file);
                if !file.is_empty()
                    && let Ok(target) = join_ref(root, from, file)
                    && !found.files.contains(&target)
                {
                    found.files.push(target);
                }
            }
            for child in map.values() {
                collect_refs(child, root, from, found);
            }
        }
        Value::Array(items) => items.iter().for_each(|child| collect_refs(child, root, from, found)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::confine::Refusal;

    fn files(entries: &[(&str, &str)]) -> BTreeMap<String, String> {
        entries.iter().map(|(path, text)| (path.to_string(), text.to_string())).collect()
    }

    #[test]
    fn yaml_integer_status_keys_become_strings() {
        let value = parse_text("a.yaml", "responses:\n  200:\n    description: ok\n").expect("valid yaml");
        assert!(value["responses"].get("200").is_some());
    }

    #[test]
    fn syntax_errors_carry_line_and_column() {
        for (path, text) in [("bom.json", "\u{feff}{\"a\": 1}"), ("bom.yaml", "\u{feff}a: 1\n")] {
            let value = parse_text(path, text).unwrap_or_else(|error| panic!("a byte order mark is not part of {path}: {error}"));
            assert_eq!(value, serde_json::json!({"a": 1}));
        }
        let diagnostic = parse_text("bad.yaml", "openapi: 3.0.3\ninfo: [unclosed\n").expect_err("invalid yaml");
        assert_eq!(diagnostic.code, Code::Syntax);
        assert!(diagnostic.line_column.is_some(), "{diagnostic}");
        let diagnostic = parse_text("bad.json", "{\"openapi\": }").expect_err("invalid json");
        assert_eq!(diagnostic.line_column, Some((1, 13)));
    }

    #[test]
    fn reads_each_version_and_rejects_others_with_a_location() {
        let loader = files(&[
            ("s.yaml", "swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths: {}\n"),
            ("t.yaml", "openapi: 3.1.0\ninfo: {title: t, version: '1'}\n"),
            ("u.yaml", "swagger: '1.2'\n"),
            ("v.yaml", "openapi: 4.0.0\n"),
        ]);
        assert_eq!(load_spec("s.yaml", &loader).map(|d| d.version).ok(), Some(Version::Swagger2));
        assert_eq!(load_spec("t.yaml", &loader).map(|d| d.version).ok(), Some(Version::OpenApi31));
        let error = load_spec("u.yaml", &loader).expect_err("swagger 1.2");
        assert_eq!(error.iter().next().map(|d| (d.code, d.pointer.as_str())), Some((Code::UnsupportedVersion, "/swagger")));
        let error = load_spec("v.yaml", &loader).expect_err("4.0");
        assert_eq!(error.iter().next().map(|d| (d.code, d.pointer.as_str())), Some((Code::UnsupportedVersion, "/openapi")));
    }

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

    #[test]
    fn loads_referenced_files_relative_to_the_referrer() {
        let loader = files(&[
            (
                "specs/api.yaml",
                "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A: {$ref: 'common/b.yaml#/B'}\n",
            ),
            ("specs/common/b.yaml", "B: {type: string}\n"),
        ]);
        let documents = load_spec("specs/api.yaml", &loader).expect("loads");
        assert!(documents.raw.contains_key("specs/common/b.yaml"));
        let loader = files(&[(
            "api.yaml",
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A: {$ref: 'missing.yaml#/B'}\n",
        )]);
        let documents = load_spec("api.yaml", &loader).expect("a missing referenced file is reported later");
        assert!(documents.failed["missing.yaml"].contains("cannot read file"));
    }

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

    /// `Config::ref_root` widens the tree to a directory that holds the
    /// spec (`..` may reach it); outside it stays refused, and a spec
    /// outside the root is an error.
    #[test]
    fn a_ref_root_widens_the_tree() {
        let table = [
            ("data/api/sync.yaml", None, Ok("data/api/")),
            ("data/api/sync.yaml", Some("data"), Ok("data/")),
            ("data/api/sync.yaml", Some("data/"), Ok("data/")),
            ("data/api/sync.yaml", Some("."), Ok("")),
            ("data/api/sync.yaml", Some(""), Ok("")),
            ("/abs/api/sync.yaml", Some("/"), Ok("/")),
            ("data/api/sync.yaml", Some("dat"), Err(())),
            ("data/api/sync.yaml", Some("other"), Err(())),
            ("data/../x/sync.yaml", Some("data"), Err(())),
        ];
        for (path, root, expected) in table {
            let found = tree_prefix(path, root)
                .map_err(|found| assert_eq!(found.iter().map(|d| d.code).collect::<Vec<_>>(), [Code::RefOutsideSpecTree]));
            assert_eq!(found.as_deref().map_err(|&()| ()), expected, "{path} in {root:?}");
        }
        assert_eq!(join_ref("data/", "data/api/sync.yaml", "../schema/x.yaml"), Ok("data/schema/x.yaml".to_owned()));
        assert_eq!(join_ref("data/", "data/api/sync.yaml", "../../x.yaml"), Err(Refusal::Escapes));
        let loader = files(&[
            (
                "data/api/sync.yaml",
                "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    E: {$ref: '../schema/e.yaml#/E'}\n",
            ),
            ("data/schema/e.yaml", "E: {type: string}\n"),
        ]);
        let spec = crate::SpecInput { path: "data/api/sync.yaml".to_owned(), module: "sync".to_owned() };
        let refused =
            crate::generate(std::slice::from_ref(&spec), &loader, &crate::Config::default()).expect_err("outside the spec's directory");
        let codes: Vec<Code> = refused.iter().map(|d| d.code).collect();
        assert_eq!(codes, [Code::RefOutsideSpecTree]);
        assert!(refused.iter().all(|d| d.message.contains("`--ref-root DIR`")), "{refused}");
        let config = crate::Config { ref_root: Some("data".to_owned()), ..crate::Config::default() };
        assert!(crate::generate(&[spec], &loader, &config).is_ok(), "inside the ref root");
    }

    /// A loader that records every path it is asked for.
    struct Recording(BTreeMap<String, String>, std::cell::RefCell<Vec<String>>);

    impl Loader for Recording {
        fn load(&self, path: &str) -> Result<String, String> {
            self.1.borrow_mut().push(path.to_owned());
            self.0.load(path)
        }
    }

    #[test]
    fn refs_outside_the_tree_are_located_and_never_loaded() {
        let root = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    Abs: {$ref: '/etc/secret.yaml#/S'}\n    Up: {$ref: 'sub/../../secret.yaml#/S'}\n    Url: {$ref: 'file:///etc/secret.yaml#/S'}\n    Web: {$ref: 'https://example.com/x.yaml#/S'}\n    Fine: {$ref: 'sub/../common/ok.yaml#/S'}\n    Deep: {$ref: 'common/ok.yaml#/T'}\n    List:\n      allOf:\n        - {$ref: 'common/ok.yaml#/S'}\n        - {$ref: 'C:\\\\secret.yaml#/S'}\n      example: {$ref: '/etc/data-not-a-ref.yaml'}\n";
        let loader = Recording(
            files(&[
                ("specs/api.yaml", root),
                ("specs/common/ok.yaml", "S: {type: string}\nT: {$ref: '../../secret.yaml#/S'}\n"),
                ("secret.yaml", "S: {type: string}\n"),
                ("/etc/secret.yaml", "S: {type: string}\n"),
            ]),
            Default::default(),
        );
        let specs = [crate::SpecInput { path: "specs/api.yaml".to_owned(), module: "api".to_owned() }];
        let error = crate::generate(&specs, &loader, &crate::Config::default()).expect_err("refs outside the tree");
        let found: Vec<(Code, &str, &str)> = error.iter().map(|d| (d.code, d.file.as_str(), d.pointer.as_str())).collect();
        let outside = Code::RefOutsideSpecTree;
        // Every `$ref` that is followed is reported; the one inside an
        // example is data and is neither followed nor reported.
        for expected in [
            (outside, "specs/api.yaml", "/components/schemas/Abs"),
            (outside, "specs/api.yaml", "/components/schemas/Up"),
            (outside, "specs/api.yaml", "/components/schemas/Url"),
            (outside, "specs/api.yaml", "/components/schemas/Web"),
            (outside, "specs/api.yaml", "/components/schemas/List/allOf/1"),
            (outside, "specs/common/ok.yaml", "/T"),
        ] {
            assert!(found.contains(&expected), "{expected:?} in {found:?}");
        }
        assert!(!found.iter().any(|(_, _, pointer)| pointer.contains("example")), "{found:?}");
        // (Files are read again to locate the problems' lines.)
        let read: std::collections::BTreeSet<String> = loader.1.borrow().iter().cloned().collect();
        assert_eq!(read, ["specs/api.yaml", "specs/common/ok.yaml"].map(str::to_owned).into(), "only files inside the tree are read");
        let message = |file: &str, pointer: &str| {
            error.iter().find(|d| d.file == file && d.pointer == pointer).map(|d| d.message.clone()).unwrap_or_default()
        };
        let absolute = message("specs/api.yaml", "/components/schemas/Abs");
        assert!(absolute.starts_with("`$ref` names `/etc/secret.yaml`, an absolute path"), "{absolute}");
        assert!(absolute.contains("directory `specs` and below"), "{absolute}");
        let nested = message("specs/common/ok.yaml", "/T");
        assert!(nested.starts_with("this `$ref` names a path"), "a referenced file's text is not quoted: {nested}");
        let hidden = Refusal::Absolute.message(Some("/x\u{202e}\n.yaml"), "a.yaml");
        assert!(hidden.contains(r"`/x\u{202e}\u{a}.yaml`") && hidden.contains("directory `.`"), "{hidden}");
    }

    #[test]
    fn referenced_files_are_never_quoted() {
        let root = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A: {$ref: 'dup.yaml#/A'}\n    B: {$ref: 'bad.json#/B'}\n";
        let loader = files(&[
            ("api.yaml", root),
            ("dup.yaml", "s3cr3t-key: 1\ns3cr3t-key: 2\n"),
            ("bad.json", "{\"B\": {\"type\": \"s3cr3t-value\"}, }"),
        ]);
        let documents = load_spec("api.yaml", &loader).expect("loading fails only later, at the refs");
        for reason in documents.failed.values() {
            assert!(!reason.contains("s3cr3t"), "{reason}");
            assert!(reason.contains("at line"), "still located: {reason}");
        }
        assert_eq!(documents.failed.len(), 2);
    }

    #[test]
    fn deep_nesting_is_refused_before_parsing() {
        let deep = format!("openapi: 3.0.3\nx: {}", "[".repeat(MAX_NESTING + 10));
        let diagnostic = parse_text("deep.yaml", &deep).expect_err("too deep");
        assert_eq!((diagnostic.code, diagnostic.line_column), (Code::NestingTooDeep, Some((2, MAX_NESTING + 3))));
        let diagnostic = parse_text("deep.json", &"[".repeat(MAX_NESTING + 1)).expect_err("too deep");
        // The line itself is one (block) level.
        assert_eq!((diagnostic.code, diagnostic.line_column), (Code::NestingTooDeep, Some((1, MAX_NESTING))));
        // Between the parsers' own limit (128) and the scan's: still a clear code.
        let json = format!("{}{}", "[".repeat(200), "]".repeat(200));
        let diagnostic = parse_text("deep.json", &json).expect_err("deeper than serde_json allows");
        assert_eq!(diagnostic.code, Code::NestingTooDeep, "{diagnostic}");
        assert!(diagnostic.line_column.is_some());
        let yaml = format!("x: {}{}", "[".repeat(200), "]".repeat(200));
        let diagnostic = parse_text("deep.yaml", &yaml).expect_err("deeper than serde_yaml allows");
        assert_eq!(diagnostic.code, Code::NestingTooDeep, "{diagnostic}");
        assert!(parse_text("ok.yaml", &format!("x: {}{}", "[".repeat(100), "]".repeat(100))).is_ok());
    }

    /// 200 KB of hostile nesting in each shape is refused in linear time.
    /// Before the scan, the flow shapes took 5–43 s (debug build).
    #[test]
    fn hostile_nesting_is_refused_quickly() {
        const SIZE: usize = 200_000;
        let mut block = String::new();
        while block.len() < SIZE {
            let level = block.matches('\n').count();
            block.push_str(&" ".repeat(level));
            block.push_str("a:\n");
        }
        let cases = [
            ("flow sequences", "[".repeat(SIZE)),
            ("flow mappings", format!("x: {}", "{a: ".repeat(SIZE / 4))),
            ("mixed flow", format!("x: {}", "[{a: ".repeat(SIZE / 5))),
            ("compact block sequences", "- ".repeat(SIZE / 2)),
            ("indented block mappings", block),
            ("nesting after 200 KB of plain text", format!("{}x: {}", "a: [b, 'c', {d: e}]  # f\n".repeat(SIZE / 25), "[".repeat(1000))),
        ];
        for (name, text) in cases {
            let started = std::time::Instant::now();
            let diagnostic = parse_text("hostile.yaml", &text).expect_err(name);
            let elapsed = started.elapsed();
            assert_eq!(diagnostic.code, Code::NestingTooDeep, "{name}: {diagnostic}");
            assert!(diagnostic.line_column.is_some(), "{name}");
            assert!(elapsed < std::time::Duration::from_secs(5), "{name}: {elapsed:?}");
            eprintln!("{name}: {} bytes refused in {elapsed:?}", text.len());
        }
        // Just under the cap, many times over: the scan lets it through and
        // the parser's cost grows with depth × size; still bounded.
        let under = format!(
            "x: [{}]\n",
            format!("{}{}", "[".repeat(MAX_NESTING - 3), "]".repeat(MAX_NESTING - 3)).repeat(SIZE / 500).replace("][", "],[")
        );
        let started = std::time::Instant::now();
        let result = parse_text("under.yaml", &under);
        let elapsed = started.elapsed();
        assert_eq!(result.map_err(|d| d.code).err(), Some(Code::NestingTooDeep), "serde_yaml's own limit");
        assert!(elapsed < std::time::Duration::from_secs(5), "under the cap: {elapsed:?}");
        eprintln!("{} levels, {} bytes, parsed and refused in {elapsed:?}", MAX_NESTING - 1, under.len());
    }
}
