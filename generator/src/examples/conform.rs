//! Does a JSON value fit a type of the IR, as the generated client would
//! read it? Each misfit is named with its place inside the value.

use crate::ir::{EnumRepr, Presence, TypeKind, TypeRef, TypeSpace};

/// One way a value does not fit: where inside it (JSON pointer segments)
/// and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Misfit {
    /// Path segments inside the value.
    pub path: Vec<String>,
    /// What does not fit.
    pub what: String,
}

/// Misfits kept per value (the first ones tell the story).
const MAX_MISFITS: usize = 8;

/// How deep a value is followed (hostile examples may nest without end).
const MAX_DEPTH: usize = 128;

/// Checks values against types.
pub struct Checker<'a> {
    types: &'a TypeSpace,
    misfits: Vec<Misfit>,
    path: Vec<String>,
}

impl<'a> Checker<'a> {
    pub fn new(types: &'a TypeSpace) -> Self {
        Checker { types, misfits: Vec::new(), path: Vec::new() }
    }

    /// The misfits of `value` as a `ty` (empty: it fits).
    pub fn check(mut self, value: &serde_json::Value, ty: &TypeRef) -> Vec<Misfit> {
        self.value(value, ty);
        self.misfits
    }

    /// The misfits of a property value with `presence` (`None`: absent).
    pub fn check_field(mut self, value: &serde_json::Value, ty: &TypeRef, presence: Presence) -> Vec<Misfit> {
        match (value, presence) {
            (serde_json::Value::Null, Presence::Nullable | Presence::OptionalNullable) => self.null_in_enum(ty),
            (value, _) => self.value(value, ty),
        }
        self.misfits
    }

    fn misfit(&mut self, what: impl Into<String>) {
        if self.misfits.len() < MAX_MISFITS {
            self.misfits.push(Misfit { path: self.path.clone(), what: what.into() });
        }
    }

    fn within(&mut self, segment: String, check: impl FnOnce(&mut Self)) {
        self.path.push(segment);
        check(self);
        self.path.pop();
    }

    /// Whether `value` fits `ty`, without recording anything.
    fn fits(&self, value: &serde_json::Value, ty: &TypeRef) -> bool {
        let mut trial = Checker { types: self.types, misfits: Vec::new(), path: self.path.clone() };
        trial.value(value, ty);
        trial.misfits.is_empty()
    }

    fn value(&mut self, value: &serde_json::Value, ty: &TypeRef) {
        use serde_json::Value;
        if self.path.len() > MAX_DEPTH {
            return;
        }
        match (ty, value) {
            (TypeRef::Json | TypeRef::Unit, _) => {}
            (TypeRef::Option(inner), Value::Null) => self.null_in_enum(inner),
            (TypeRef::Option(inner) | TypeRef::Boxed(inner), value) => self.value(value, inner),
            (_, Value::Null) => self.misfit("null where the schema does not allow it"),
            (TypeRef::String | TypeRef::Bytes | TypeRef::File, Value::String(_)) => {}
            (TypeRef::Bool, Value::Bool(_)) => {}
            (TypeRef::I32, Value::Number(number)) => self.integer(number, i64::from(i32::MIN), i64::from(i32::MAX)),
            (TypeRef::I64, Value::Number(number)) => self.integer(number, i64::MIN, i64::MAX),
            (TypeRef::U32, Value::Number(number)) => self.integer(number, 0, i64::from(u32::MAX)),
            (TypeRef::U64, Value::Number(number)) => {
                if number.as_u64().is_none() {
                    self.misfit(format!("expected a non-negative integer, found {number}"));
                }
            }
            (TypeRef::F32 | TypeRef::F64, Value::Number(_)) => {}
            (TypeRef::DateTime, Value::String(text)) => {
                if !is_date_time(text) {
                    self.misfit(format!("{} is not a date-time (RFC 3339)", quoted(text)));
                }
            }
            (TypeRef::Date, Value::String(text)) => {
                if !is_date(text) {
                    self.misfit(format!("{} is not a date (YYYY-MM-DD)", quoted(text)));
                }
            }
            (TypeRef::Uuid, Value::String(text)) => {
                if !is_uuid(text) {
                    self.misfit(format!("{} is not a UUID", quoted(text)));
                }
            }
            (TypeRef::JsonObject, Value::Object(_)) => {}
            (TypeRef::Vec(item), Value::Array(items)) => {
                for (index, value) in items.iter().enumerate() {
                    self.within(index.to_string(), |checker| checker.value(value, item));
                }
            }
            (TypeRef::Map(item), Value::Object(entries)) => {
                for (key, value) in entries {
                    self.within(key.clone(), |checker| checker.value(value, item));
                }
            }
            (TypeRef::Named(id), value) => self.named(value, id.0),
            (ty, value) => self.misfit(format!("expected {}, found {}", expected(ty), kind_of(value))),
        }
    }

    /// `null` for a nullable enum: JSON Schema (and OpenAPI 3.0.3's
    /// `nullable`) allow it only when the enum lists it, though the client
    /// reads it as `None`.
    fn null_in_enum(&mut self, ty: &TypeRef) {
        let mut ty = ty;
        for _ in 0..16 {
            match ty {
                TypeRef::Boxed(inner) => ty = inner,
                TypeRef::Named(id) => match self.types.defs.get(id.0).map(|def| &def.kind) {
                    Some(TypeKind::Alias { target, .. }) => ty = target,
                    Some(TypeKind::Enum(enumeration)) => {
                        if !enumeration.lists_null {
                            self.misfit("null is not one of the enum's values (the schema is nullable: the client reads it as `None`)");
                        }
                        return;
                    }
                    _ => return,
                },
                _ => return,
            }
        }
    }

    fn integer(&mut self, number: &serde_json::Number, min: i64, max: i64) {
        match number.as_i64() {
            Some(value) if (min..=max).contains(&value) => {}
            Some(value) => self.misfit(format!("{value} is out of range ({min} to {max})")),
            None if number.as_u64().is_some() => self.misfit(format!("{number} is out of range ({min} to {max})")),
            None => self.misfit(format!("expected an integer, found {number}")),
        }
    }

    fn named(&mut self, value: &serde_json::Value, id: usize) {
        let Some(def) = self.types.defs.get(id) else { return };
        match &def.kind {
            TypeKind::Responses(_) => {}
            TypeKind::Alias { target, .. } => self.value(value, target),
            TypeKind::Enum(enumeration) => {
                if enumeration.variants.iter().any(|variant| variant.value == *value) {
                    return;
                }
                let type_fits = match enumeration.repr {
                    EnumRepr::String => value.is_string(),
                    EnumRepr::Integer => value.is_i64() || value.is_u64(),
                    EnumRepr::Mixed => true,
                };
                let listed: Vec<String> = enumeration.variants.iter().take(6).map(|variant| variant.value.to_string()).collect();
                let more = if enumeration.variants.len() > 6 { ", …" } else { "" };
                if type_fits && enumeration.open {
                    self.misfit(format!(
                        "{} is not one of the enum's values ({}{more}); the client reads it as `Unknown`",
                        short(value),
                        listed.join(", ")
                    ));
                } else {
                    self.misfit(format!("{} is not one of the enum's values ({}{more})", short(value), listed.join(", ")));
                }
            }
            TypeKind::Struct(structure) => {
                let serde_json::Value::Object(entries) = value else {
                    return self.misfit(format!("expected an object, found {}", kind_of(value)));
                };
                for field in &structure.fields {
                    match entries.get(&field.wire) {
                        None if matches!(field.presence, Presence::Required | Presence::Nullable) => {
                            self.within(field.wire.clone(), |checker| checker.misfit("required property absent"));
                        }
                        None => {}
                        Some(serde_json::Value::Null) if matches!(field.presence, Presence::Nullable | Presence::OptionalNullable) => {
                            self.within(field.wire.clone(), |checker| checker.null_in_enum(&field.ty));
                        }
                        Some(value) => self.within(field.wire.clone(), |checker| checker.value(value, &field.ty)),
                    }
                }
                if structure.closed {
                    for key in entries.keys() {
                        if !structure.fields.iter().any(|field| field.wire == *key) {
                            self.within(key.clone(), |checker| {
                                checker.misfit("a property `additionalProperties: false` does not allow (the client skips it)");
                            });
                        }
                    }
                }
                if let Some(additional) = &structure.additional {
                    for (key, value) in entries {
                        if !structure.fields.iter().any(|field| field.wire == *key) {
                            self.within(key.clone(), |checker| checker.value(value, additional));
                        }
                    }
                }
            }
            TypeKind::Union(union) => {
                if let (Some(tag), serde_json::Value::Object(entries)) = (&union.tag, value)
                    && let Some(serde_json::Value::String(tag_value)) = entries.get(tag)
                    && let Some(variant) = union.variants.iter().find(|variant| variant.tag_values.contains(tag_value))
                {
                    let ty = variant.ty.clone();
                    return self.value(value, &ty);
                }
                let fitting: Vec<&str> =
                    union.variants.iter().filter(|variant| self.fits(value, &variant.ty)).map(|variant| variant.name.as_str()).collect();
                match fitting.as_slice() {
                    [] => {}
                    [_] => return,
                    [first, ..] if union.exclusive => {
                        let names: Vec<String> = fitting.iter().map(|name| format!("`{name}`")).collect();
                        return self.misfit(format!(
                            "fits more than one of the `oneOf` alternatives ({}); the client reads it as `{first}`",
                            names.join(", ")
                        ));
                    }
                    _ => return,
                }
                // Name what the closest variant lacks: the one with the
                // fewest misfits.
                let closest = union
                    .variants
                    .iter()
                    .map(|variant| {
                        let trial = Checker { types: self.types, misfits: Vec::new(), path: self.path.clone() };
                        (trial.check(value, &variant.ty), &variant.name)
                    })
                    .min_by_key(|(misfits, _)| misfits.len());
                match closest {
                    Some((misfits, name)) if !misfits.is_empty() => {
                        let first = &misfits[0];
                        let inside = first.path[self.path.len().min(first.path.len())..].join("/").escape_debug().to_string();
                        let at = if inside.is_empty() { String::new() } else { format!(" at `{inside}`") };
                        self.misfit(format!("matches none of the union's alternatives (closest, `{name}`{at}: {})", first.what));
                    }
                    _ => self.misfit("matches none of the union's alternatives"),
                }
            }
        }
    }
}

fn expected(ty: &TypeRef) -> &'static str {
    match ty {
        TypeRef::String | TypeRef::Bytes | TypeRef::File | TypeRef::DateTime | TypeRef::Date | TypeRef::Uuid => "a string",
        TypeRef::Bool => "a boolean",
        TypeRef::I32 | TypeRef::I64 | TypeRef::U32 | TypeRef::U64 => "an integer",
        TypeRef::F32 | TypeRef::F64 => "a number",
        TypeRef::Vec(_) => "an array",
        TypeRef::Map(_) | TypeRef::JsonObject => "an object",
        _ => "another type",
    }
}

fn kind_of(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(number) if number.is_f64() => "a number",
        serde_json::Value::Number(_) => "an integer",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

/// A short rendering of a value for messages (spec text: the message
/// goes through the diagnostics' own escaping).
fn short(value: &serde_json::Value) -> String {
    let text = value.to_string();
    match text.char_indices().nth(40) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text,
    }
}

fn quoted(text: &str) -> String {
    short(&serde_json::Value::String(text.to_owned()))
}

/// RFC 3339 `date-time`, as the client's `chrono` parser accepts it.
fn is_date_time(text: &str) -> bool {
    chrono::DateTime::parse_from_rfc3339(text).is_ok()
}

/// `YYYY-MM-DD`, a real date.
fn is_date(text: &str) -> bool {
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").is_ok() && text.len() == 10
}

/// A UUID as the client's `uuid` parser accepts it (hyphenated, simple,
/// braced or URN forms).
fn is_uuid(text: &str) -> bool {
    uuid::Uuid::parse_str(text).is_ok()
}

/// `value` as the client keeps it once read as `ty`: the properties `ty`
/// does not declare (and does not collect) left out, recursively; for an
/// untagged union, as the first alternative that fits. What a decoded and
/// re-encoded example is compared with.
pub fn project(value: &serde_json::Value, ty: &TypeRef, types: &TypeSpace) -> serde_json::Value {
    project_at(value, ty, types, 0)
}

fn project_at(value: &serde_json::Value, ty: &TypeRef, types: &TypeSpace, depth: usize) -> serde_json::Value {
    use serde_json::Value;
    if depth > MAX_DEPTH {
        return value.clone();
    }
    let next = depth + 1;
    match (ty, value) {
        (TypeRef::Option(inner) | TypeRef::Boxed(inner), value) if !value.is_null() => project_at(value, inner, types, next),
        (TypeRef::Vec(item), Value::Array(items)) => Value::Array(items.iter().map(|value| project_at(value, item, types, next)).collect()),
        (TypeRef::Map(item), Value::Object(entries)) => {
            Value::Object(entries.iter().map(|(key, value)| (key.clone(), project_at(value, item, types, next))).collect())
        }
        (TypeRef::Named(id), value) => match types.defs.get(id.0).map(|def| &def.kind) {
            Some(TypeKind::Alias { target, .. }) => project_at(value, target, types, next),
            Some(TypeKind::Struct(structure)) => {
                let Value::Object(entries) = value else { return value.clone() };
                let mut kept = serde_json::Map::new();
                for (key, item) in entries {
                    match structure.fields.iter().find(|field| field.wire == *key) {
                        Some(field) => {
                            kept.insert(key.clone(), project_at(item, &field.ty, types, next));
                        }
                        None => {
                            if let Some(additional) = &structure.additional {
                                kept.insert(key.clone(), project_at(item, additional, types, next));
                            }
                        }
                    }
                }
                Value::Object(kept)
            }
            Some(TypeKind::Union(union)) => {
                let chosen = match (&union.tag, value) {
                    (Some(tag), Value::Object(entries)) => entries.get(tag).and_then(Value::as_str).and_then(|tag_value| {
                        union.variants.iter().find(|variant| variant.tag_values.iter().any(|known| known == tag_value))
                    }),
                    _ => union.variants.iter().find(|variant| Checker::new(types).check(value, &variant.ty).is_empty()),
                };
                match chosen {
                    Some(variant) => {
                        let mut projected = project_at(value, &variant.ty, types, next);
                        // The union writes its tag, whether or not the
                        // variant declares it.
                        if let (Some(tag), Value::Object(entries), Value::Object(kept)) = (&union.tag, value, &mut projected)
                            && let Some(tag_value) = entries.get(tag)
                        {
                            kept.insert(tag.clone(), tag_value.clone());
                        }
                        projected
                    }
                    None => value.clone(),
                }
            }
            _ => value.clone(),
        },
        (_, value) => value.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert!(is_date_time("2024-07-01T00:00:00Z") && is_date_time("2011-01-26T19:06:43+01:00"));
        assert!(!is_date_time("2024-07-01") && !is_date_time("yesterday"));
        assert!(is_date("2024-02-29") && !is_date("2023-02-29") && !is_date("2024-7-1"));
        assert!(is_uuid("3fa85f64-5717-4562-b3fc-2c963f66afa6") && !is_uuid("3fa85f64"));
    }
}
