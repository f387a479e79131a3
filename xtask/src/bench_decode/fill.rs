//! Bodies for the decode bench: a spec's examples, filled out where they
//! omit what their schema requires (GitHub's `full-repository` example has
//! no `has_discussions`, say), so that models of both kinds decode them.

use serde_json::{Map, Value};

/// Deeper than any real response: a guard against schemas that recurse.
const MAX_DEPTH: usize = 24;

/// `value` with every required property its `schema` lists (recursively)
/// that is absent filled in with a plain value of the property's schema.
pub(crate) fn fill(value: &mut Value, schema: &Value, spec: &Value) {
    fill_at(value, schema, spec, 0);
}

fn resolve<'a>(schema: &'a Value, spec: &'a Value) -> &'a Value {
    let mut schema = schema;
    for _ in 0..16 {
        match schema.get("$ref").and_then(Value::as_str).and_then(|reference| reference.strip_prefix('#')) {
            Some(pointer) => match spec.pointer(pointer) {
                Some(target) => schema = target,
                None => return schema,
            },
            None => return schema,
        }
    }
    schema
}

fn fill_at(value: &mut Value, schema: &Value, spec: &Value, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    let schema = resolve(schema, spec);
    for part in schema.get("allOf").and_then(Value::as_array).into_iter().flatten() {
        fill_at(value, part, spec, depth + 1);
    }
    match value {
        Value::Object(object) => {
            let properties = schema.get("properties").and_then(Value::as_object);
            for name in schema.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str) {
                if !object.contains_key(name) {
                    let property = properties.and_then(|properties| properties.get(name)).unwrap_or(&Value::Null);
                    object.insert(name.to_owned(), plain(property, spec, depth + 1));
                }
            }
            for (name, property) in properties.into_iter().flatten() {
                if let Some(inner) = object.get_mut(name) {
                    fill_at(inner, property, spec, depth + 1);
                }
            }
        }
        Value::Array(items) => {
            if let Some(item_schema) = schema.get("items") {
                for item in items {
                    fill_at(item, item_schema, spec, depth + 1);
                }
            }
        }
        _ => {}
    }
}

/// A plain value of `schema`: null where it may be null, the first enum
/// value, a timestamp for `date-time`, an object with its required
/// properties.
fn plain(schema: &Value, spec: &Value, depth: usize) -> Value {
    let schema = resolve(schema, spec);
    let types: Vec<&str> = match schema.get("type") {
        Some(Value::String(one)) => vec![one.as_str()],
        Some(Value::Array(many)) => many.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if schema.get("nullable") == Some(&Value::Bool(true)) || types.contains(&"null") || depth > MAX_DEPTH {
        return Value::Null;
    }
    if let Some(first) = schema.get("enum").and_then(Value::as_array).and_then(|values| values.first()) {
        return first.clone();
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        if let Some(first) = schema.get(key).and_then(Value::as_array).and_then(|parts| parts.first()) {
            let mut value = plain(first, spec, depth + 1);
            fill_at(&mut value, schema, spec, depth + 1);
            return value;
        }
    }
    let format = schema.get("format").and_then(Value::as_str);
    match types.first().copied() {
        Some("string") => Value::from(match format {
            Some("date-time") => "2011-04-10T20:09:31Z",
            Some("date") => "2011-04-10",
            Some("uuid") => "00000000-0000-0000-0000-000000000000",
            Some("uri" | "url") => "https://example.com/",
            _ => "text",
        }),
        Some("integer") => Value::from(0),
        Some("number") => Value::from(0.5),
        Some("boolean") => Value::Bool(false),
        Some("array") => Value::Array(Vec::new()),
        _ => {
            let mut object = Value::Object(Map::new());
            fill_at(&mut object, schema, spec, depth + 1);
            object
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn fills_what_is_required_and_keeps_what_is_there() {
        let spec = json!({"components": {"schemas": {
            "Repo": {"type": "object", "required": ["id", "owner", "has_discussions", "topics"], "properties": {
                "id": {"type": "integer"}, "has_discussions": {"type": "boolean"},
                "owner": {"$ref": "#/components/schemas/User"}, "topics": {"type": "array", "items": {"type": "string"}}}},
            "User": {"type": "object", "required": ["login", "type"], "properties": {
                "login": {"type": "string"}, "type": {"type": "string", "enum": ["User", "Bot"]},
                "since": {"type": "string", "format": "date-time", "nullable": true}}}
        }}});
        let mut value = json!({"id": 7, "owner": {"login": "octocat"}});
        super::fill(&mut value, &json!({"$ref": "#/components/schemas/Repo"}), &spec);
        assert_eq!(value, json!({"id": 7, "owner": {"login": "octocat", "type": "User"}, "has_discussions": false, "topics": []}));
    }
}
