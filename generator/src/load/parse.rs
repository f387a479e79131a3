//! Text → `serde_json::Value`: JSON with the JSON parser, YAML with
//! serde_yaml (integers wider than 64 bits read as floats, keys as strings).
//! The only module that knows about serde_yaml.

use serde_json::Value;

use super::nesting::{self, MAX_NESTING};
use crate::diagnostics::{Code, Diagnostic};

/// Parses `text` as JSON when it looks like JSON, otherwise as YAML. Text
/// nested deeper than [`MAX_NESTING`] is refused before either
/// parser runs.
pub(super) fn parse_text(path: &str, text: &str) -> Result<Value, Diagnostic> {
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

#[cfg(test)]
mod tests {
    use super::*;

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
