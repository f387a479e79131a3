//! Examples checked against the types the client reads them with.
//!
//! Every `example`/`examples` of a spec — on schemas and properties, media
//! types, parameters and headers; inline or a `$ref` to
//! `#/components/examples`; Swagger 2.0's response `examples` and
//! `x-example` — is checked against the IR type of the node it illustrates
//! (so through the same interpretations the client makes: `allOf` merged,
//! nullability, formats the client parses). A misfit is an
//! `example-mismatch` warning located inside the example, at the first
//! place that does not fit. Examples never change the generated types.
//!
//! The IR does not keep examples; they are read from the raw documents at
//! the locations IR nodes remember.

mod conform;

use std::collections::BTreeMap;

use serde_json::Value;

use crate::diagnostics::{Code, Diagnostic};
use crate::ir::{Api, BodyExample, BodyKind, Location, Operation, Presence, Samples, TypeId, TypeKind, TypeRef};
use crate::load::Documents;
use crate::pointer::Pointer;

use conform::Checker;

/// Misfits named in one warning.
const SHOWN_MISFITS: usize = 3;

/// What [`check`] found.
pub struct Found {
    /// `example-mismatch` warnings.
    pub warnings: Vec<Diagnostic>,
    /// The body examples that fit (for round-trip tests).
    pub bodies: Vec<BodyExample>,
    /// The examples that fit, by what they illustrate (for the
    /// conformance test's arguments).
    pub samples: Samples,
}

/// The `example-mismatch` warnings of `api`, lowered from `documents`, and
/// the examples that fit.
pub fn check(documents: &Documents, api: &Api) -> Found {
    let mut finder =
        Finder { documents, api, seen: BTreeMap::new(), warnings: Vec::new(), bodies: Vec::new(), samples: Samples::default() };
    for (index, operation) in api.operations.iter().enumerate() {
        finder.operation(index, operation);
    }
    finder.schemas();
    Found { warnings: finder.warnings, bodies: finder.bodies, samples: finder.samples }
}

/// What an example illustrates, for [`Samples`].
#[derive(Clone)]
enum Use {
    /// Nothing a sample is kept for (response headers).
    Other,
    /// A named type.
    Type(TypeId),
    /// A struct's property (wire name).
    Field(TypeId, String),
    /// An operation's parameter (wire name).
    Param(usize, String),
    /// An operation's request body.
    Body(usize),
}

struct Finder<'a> {
    documents: &'a Documents,
    api: &'a Api,
    /// Examples already checked, with the type they were checked
    /// against (one example may be referenced from many places, and with
    /// different schemas), and whether it fits.
    seen: BTreeMap<(String, String, TypeRef), bool>,
    warnings: Vec<Diagnostic>,
    /// Body examples that fit.
    bodies: Vec<BodyExample>,
    /// Examples that fit, by use.
    samples: Samples,
}

/// An example found: where its value is, and the value.
struct Example<'v> {
    at: Location,
    value: &'v Value,
}

impl<'a> Finder<'a> {
    /// The raw node at `at`.
    fn node(&self, at: &Location) -> Option<&'a Value> {
        self.documents.raw.get(&at.file)?.pointer(&at.pointer.to_string())
    }

    /// The node at `at`, following a local `$ref` chain (a few hops).
    fn resolved(&self, at: &Location) -> Option<(Location, &'a Value)> {
        let mut at = at.clone();
        for _ in 0..8 {
            let node = self.node(&at)?;
            match node.get("$ref").and_then(Value::as_str) {
                Some(reference) => {
                    let (file, fragment) = reference.split_once('#')?;
                    if !file.is_empty() {
                        return None;
                    }
                    at = Location::new(&at.file, Pointer::parse(fragment)?);
                }
                None => return Some((at, node)),
            }
        }
        None
    }

    /// The examples of the node at `at`: `example`, `x-example`, an
    /// `examples` map of example objects (each inline or a `$ref`), or a
    /// JSON Schema `examples` array.
    fn examples_of(&self, at: &Location) -> Vec<Example<'a>> {
        let Some(node) = self.node(at) else { return Vec::new() };
        let mut found = Vec::new();
        for key in ["example", "x-example"] {
            if let Some(value) = node.get(key) {
                found.push(Example { at: at.push(key), value });
            }
        }
        match node.get("examples") {
            Some(Value::Object(examples)) => {
                for name in examples.keys() {
                    let Some((example_at, example)) = self.resolved(&at.join(["examples", name.as_str()])) else { continue };
                    if let Some(value) = example.get("value") {
                        found.push(Example { at: example_at.push("value"), value });
                    }
                }
            }
            Some(Value::Array(values)) => {
                for (index, value) in values.iter().enumerate() {
                    found.push(Example { at: at.join(["examples", index.to_string().as_str()]), value });
                }
            }
            _ => {}
        }
        found
    }

    /// Checks the examples at `at` against `ty`.
    fn check_at(&mut self, at: &Location, ty: &TypeRef, presence: Presence, used: Use) {
        for example in self.examples_of(at) {
            self.check_example(&example, ty, presence, false, used.clone());
        }
    }

    /// Checks the examples of a request or response body at `at`.
    fn check_body_at(&mut self, at: &Location, ty: &TypeRef, used: Use) {
        for example in self.examples_of(at) {
            self.check_example(&example, ty, Presence::Required, true, used.clone());
        }
    }

    /// Keeps a fitting example's value as the sample of its use (the first
    /// wins); a value of a named type is a sample of that type too.
    fn keep_sample(&mut self, value: &Value, ty: &TypeRef, used: Use) {
        let samples = &mut self.samples;
        match used {
            Use::Other => {}
            Use::Type(id) => {
                samples.types.entry(id).or_insert_with(|| value.clone());
            }
            Use::Field(id, wire) => {
                samples.fields.entry((id, wire)).or_insert_with(|| value.clone());
            }
            Use::Param(operation, wire) => {
                samples.operations.entry(operation).or_default().params.entry(wire).or_insert_with(|| value.clone());
            }
            Use::Body(operation) => {
                samples.operations.entry(operation).or_default().body.get_or_insert_with(|| value.clone());
            }
        }
        if let TypeRef::Named(id) = ty
            && !value.is_null()
        {
            samples.types.entry(*id).or_insert_with(|| value.clone());
        }
    }

    fn check_example(&mut self, example: &Example<'_>, ty: &TypeRef, presence: Presence, body: bool, used: Use) {
        let key = (example.at.file.clone(), example.at.pointer.to_string(), ty.clone());
        if let Some(&fits) = self.seen.get(&key) {
            if fits {
                self.keep_sample(example.value, ty, used);
            }
            return;
        }
        let misfits = Checker::new(&self.api.types).check_field(example.value, ty, presence);
        self.seen.insert(key, misfits.is_empty());
        let Some(first) = misfits.first() else {
            self.keep_sample(example.value, ty, used);
            if body {
                let expected = conform::project(example.value, ty, &self.api.types);
                self.bodies.push(BodyExample { at: example.at.clone(), value: example.value.clone(), expected, ty: ty.clone() });
            }
            return;
        };
        let at = example.at.pointer.join(first.path.iter().map(String::as_str));
        let mut message = format!("the example does not fit its schema as the client reads it: {}", first.what);
        if misfits.len() > 1 {
            let more: Vec<String> = misfits[1..]
                .iter()
                .take(SHOWN_MISFITS - 1)
                .map(|misfit| format!("`/{}`: {}", misfit.path.join("/").escape_debug(), misfit.what))
                .collect();
            let rest = misfits.len() - 1 - more.len();
            let rest = if rest > 0 { format!(" and {rest} more") } else { String::new() };
            message.push_str(&format!("; also {}{rest}", more.join("; ")));
        }
        message.push_str(" (examples never change the generated types)");
        self.warnings.push(Diagnostic::warning(Code::ExampleMismatch, &example.at.file, &at.to_string(), message));
    }

    /// An operation's parameter, request body, response and header
    /// examples.
    fn operation(&mut self, index: usize, operation: &'a Operation) {
        let at = &operation.origin;
        let Some(node) = self.node(at) else { return };
        // Parameters: the operation's, then its path item's.
        let item = Location::new(&at.file, parent(&at.pointer));
        for list in [at.push("parameters"), item.push("parameters")] {
            let count = self.node(&list).and_then(Value::as_array).map_or(0, Vec::len);
            for index in 0..count {
                let Some((param_at, param)) = self.resolved(&list.push(index.to_string())) else { continue };
                let (Some(name), Some(location)) = (param.get("name").and_then(Value::as_str), param.get("in").and_then(Value::as_str))
                else {
                    continue;
                };
                let ty = match location {
                    "path" => operation.path_params.iter().find(|param| param.wire == name).map(|param| param.ty.clone()),
                    "body" => operation.body.as_ref().filter(|body| body.kind == BodyKind::Json).map(|body| body.ty.clone()),
                    _ => operation.params.iter().find(|param| param.wire == name).map(|param| param.ty.clone()),
                };
                if let Some(ty) = ty {
                    let used = if location == "body" { Use::Body(index) } else { Use::Param(index, name.to_owned()) };
                    self.check_at(&param_at, &ty, Presence::Required, used.clone());
                    if location == "body" {
                        self.media_map(&param_at.push("x-examples"), &ty, used);
                    } else {
                        // The parameter's schema's `default` (its example
                        // is checked with the schemas or here).
                        self.check_at(&param_at.push("schema"), &ty, Presence::Required, used.clone());
                        self.default_at(&param_at.push("schema"), &ty, used);
                    }
                }
            }
        }
        // The request body (3.x).
        if let (Some(body), Some(_)) = (&operation.body, node.get("requestBody"))
            && body.kind == BodyKind::Json
            && let Some((body_at, _)) = self.resolved(&at.push("requestBody"))
        {
            self.check_body_at(&body_at.join(["content", body.content_type.as_str()]), &body.ty, Use::Body(index));
        }
        // Responses.
        let Some(Value::Object(responses)) = node.get("responses") else { return };
        for key in responses.keys() {
            let Some(status) = crate::lower::status_match(key) else { continue };
            let Some(case) = operation.success.iter().chain(&operation.errors).find(|case| case.status == status) else { continue };
            let Some((response_at, response)) = self.resolved(&at.join(["responses", key.as_str()])) else { continue };
            if let Some(body) = case.body.as_ref().filter(|body| body.kind == BodyKind::Json) {
                self.check_body_at(&response_at.join(["content", body.content_type.as_str()]), &body.ty, Use::Other);
                // Swagger 2.0: `examples: {<media type>: <value>}`.
                if response.get("content").is_none() {
                    self.media_map(&response_at.push("examples"), &body.ty, Use::Other);
                }
            }
            for header in &case.headers {
                if let Some((header_at, _)) = self.resolved(&response_at.join(["headers", header.wire.as_str()])) {
                    self.check_at(&header_at, &header.ty, Presence::Required, Use::Other);
                }
            }
        }
    }

    /// Swagger 2.0's `{<media type>: <value>}` examples: the JSON ones.
    fn media_map(&mut self, at: &Location, ty: &TypeRef, used: Use) {
        let Some(Value::Object(examples)) = self.node(at) else { return };
        for (media_type, value) in examples {
            if crate::media::is_json(media_type) {
                let example = Example { at: at.push(media_type), value };
                self.check_example(&example, ty, Presence::Required, true, used.clone());
            }
        }
    }

    /// A schema's `default` that fits `ty`, as a sample (never a warning:
    /// a default is not an example).
    fn default_at(&mut self, at: &Location, ty: &TypeRef, used: Use) {
        let Some(value) = self.node(at).and_then(|schema| schema.get("default")) else { return };
        if Checker::new(&self.api.types).check_field(value, ty, Presence::Required).is_empty() {
            self.keep_sample(value, ty, used);
        }
    }

    /// Schema and property examples: every named type's own, and its
    /// fields'.
    fn schemas(&mut self) {
        let types = &self.api.types;
        // Fields first: an inline object's schema is also a property, and
        // the property knows whether it may be `null`.
        for (index, def) in types.defs.iter().enumerate() {
            if let TypeKind::Struct(structure) = &def.kind {
                for field in &structure.fields {
                    self.check_at(&field.origin, &field.ty, field.presence, Use::Field(TypeId(index), field.wire.clone()));
                }
            }
        }
        for (index, def) in types.defs.iter().enumerate() {
            // Nullability is the use's (the IR's `Option`s), so the
            // schema's own `null` is read from the schema.
            let presence = if self.node(&def.origin).is_some_and(allows_null) { Presence::Nullable } else { Presence::Required };
            self.check_at(&def.origin, &TypeRef::Named(TypeId(index)), presence, Use::Type(TypeId(index)));
        }
    }
}

/// Whether a schema allows `null` itself: `nullable: true` (3.0),
/// `x-nullable: true` (2.0), `null` among its `type`s or a `null`
/// alternative (3.1).
fn allows_null(schema: &Value) -> bool {
    let flag = |key: &str| schema.get(key).and_then(Value::as_bool) == Some(true);
    let null_type = |schema: &Value| match schema.get("type") {
        Some(Value::String(kind)) => kind == "null",
        Some(Value::Array(kinds)) => kinds.iter().any(|kind| kind == "null"),
        _ => false,
    };
    let null_alternative = ["oneOf", "anyOf"]
        .iter()
        .any(|key| schema.get(*key).and_then(Value::as_array).is_some_and(|alternatives| alternatives.iter().any(null_type)));
    flag("nullable") || flag("x-nullable") || null_type(schema) || null_alternative
}

/// The pointer one segment up.
fn parent(pointer: &Pointer) -> Pointer {
    let segments = pointer.segments();
    Pointer::root().join(segments[..segments.len().saturating_sub(1)].iter().map(String::as_str))
}

#[cfg(test)]
mod tests;
