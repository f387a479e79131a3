//! Schemas → types. Component schemas and inline objects, enums and unions
//! become named types; everything else becomes a [`TypeRef`] built from
//! primitives, `Vec`, `BTreeMap` and `Option`.

use std::borrow::Cow;

use openapiv3::{AdditionalProperties, ReferenceOr, Schema};
use serde_json::Value;

use super::view::{doc_of, SchemaView};
use super::Lowerer;
use crate::diagnostics::Code;
use crate::ir::{
    Enum, EnumRepr, EnumVariant, Field, Location, Presence, Struct, TypeId, TypeKind, TypeRef, Union, UnionVariant,
};
use crate::naming::{field_name, type_name, variant_name, Scope};
use crate::resolve::{Component, Node};

/// A lowered schema use: the type and whether `null` is allowed.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Lowered {
    pub ty: TypeRef,
    pub nullable: bool,
}

impl Lowered {
    fn of(ty: TypeRef) -> Self {
        Self { ty, nullable: false }
    }
}

/// Where an inline schema that needs a name puts its definition.
#[derive(Debug, Clone, Copy)]
enum Target<'h> {
    /// A new named type, called after the hint.
    New(&'h str),
    /// An already declared type (a component).
    Existing(TypeId),
}

/// A property gathered for a struct: wire name, schema, location.
type Property<'s> = (String, Node<'s, Schema>, Location);

impl<'a> Lowerer<'a> {
    /// Resolves `node` when it is a reference.
    pub(super) fn deref<'s, T: Component>(&mut self, node: Node<'s, T>, at: &Location) -> Option<(Cow<'s, T>, Location)>
    where
        'a: 's,
    {
        match node {
            Node::Item(item) => Some((Cow::Borrowed(item), at.clone())),
            Node::Ref(reference) => match self.resolver.resolve::<T>(reference, at) {
                Ok((item, location)) => Some((item, location)),
                Err(problem) => {
                    self.problems.push(problem);
                    None
                }
            },
        }
    }

    /// The type for a use of `node`, found at `at`. Inline types it needs are
    /// named after `hint`.
    pub(super) fn schema_use(&mut self, node: Node<'_, Schema>, at: &Location, hint: &str) -> Lowered {
        match node {
            Node::Ref(reference) => self.named_ref(reference, at),
            Node::Item(schema) => self.inline(schema, at, Target::New(hint)),
        }
    }

    /// A reference to a schema: the named type defined at its target.
    fn named_ref(&mut self, reference: &str, at: &Location) -> Lowered {
        let resolver = self.resolver;
        let (schema, target) = match resolver.resolve::<Schema>(reference, at) {
            Ok(found) => found,
            Err(problem) => {
                self.problems.push(problem);
                return Lowered::of(TypeRef::Json);
            }
        };
        let id = match self.by_location.get(&target) {
            Some(id) => *id,
            None => {
                let name = target.pointer.last().unwrap_or("Schema").to_owned();
                let id = self.declare(&name, &target);
                self.by_location.insert(target.clone(), id);
                self.define(id, &schema, &target);
                id
            }
        };
        Lowered { ty: TypeRef::Named(id), nullable: self.nullable.contains(&id) }
    }

    /// Defines the declared component `id` from the schema at `at`.
    pub(super) fn define_at(&mut self, id: TypeId, at: &Location) {
        let documents = self.documents;
        let Some(components) = &documents.root.components else { return };
        let Some(node) = at.pointer.last().and_then(|name| components.schemas.get(name)) else { return };
        match node {
            ReferenceOr::Item(schema) => self.define(id, schema, at),
            ReferenceOr::Reference { reference } => {
                let lowered = self.named_ref(reference, at);
                self.set_alias(id, lowered, at);
            }
        }
    }

    /// Defines `id` from `schema`: a struct, enum or union in place, or an
    /// alias of whatever type the schema lowers to.
    fn define(&mut self, id: TypeId, schema: &Schema, at: &Location) {
        let lowered = self.inline(schema, at, Target::Existing(id));
        if lowered.ty != TypeRef::Named(id) {
            self.set_alias(id, lowered.clone(), at);
        }
        let view = SchemaView::of(schema);
        if let Some(def) = self.types.defs.get_mut(id.0) {
            def.doc = def.doc.take().or_else(|| view.doc());
            def.deprecated |= view.data.deprecated;
        }
        if lowered.nullable {
            self.nullable.insert(id);
        }
    }

    fn set_alias(&mut self, id: TypeId, lowered: Lowered, at: &Location) {
        let target = if lowered.ty == TypeRef::Named(id) {
            self.problem(Code::UnsupportedSchema, at, "schema is defined as itself; using a JSON value");
            TypeRef::Json
        } else {
            lowered.ty
        };
        if lowered.nullable {
            self.nullable.insert(id);
        }
        if let Some(def) = self.types.defs.get_mut(id.0) {
            def.kind = TypeKind::Alias { target, newtype: false };
        }
    }

    /// The id to define a named type into.
    fn target_id(&mut self, target: Target<'_>, at: &Location) -> TypeId {
        match target {
            Target::Existing(id) => id,
            Target::New(hint) => self.declare(hint, at),
        }
    }

    /// Stores the definition of `id`. An inline type (`target` is new) with
    /// exactly the shape of an earlier inline type becomes an alias of it:
    /// real specs repeat the same inline enums and objects hundreds of times,
    /// and aliases keep every name while compiling one definition.
    fn finish(&mut self, id: TypeId, kind: TypeKind, view: &SchemaView<'_>, target: Target<'_>) -> TypeRef {
        let kind = match (target, shape_key(&kind)) {
            (Target::New(_), Some(key)) => match self.shapes.get(&key) {
                Some(existing) => TypeKind::Alias { target: TypeRef::Named(*existing), newtype: false },
                None => {
                    self.shapes.insert(key, id);
                    kind
                }
            },
            _ => kind,
        };
        if let Some(def) = self.types.defs.get_mut(id.0) {
            def.kind = kind;
            def.doc = def.doc.take().or_else(|| view.doc());
            def.deprecated |= view.data.deprecated;
        }
        TypeRef::Named(id)
    }

    fn name_of(&self, id: TypeId) -> String {
        self.types.get(id).map(|def| def.name.clone()).unwrap_or_default()
    }

    /// Lowers an inline schema.
    fn inline(&mut self, schema: &Schema, at: &Location, target: Target<'_>) -> Lowered {
        if let (Target::New(_), Some(id)) = (target, self.in_progress.get(at)) {
            return Lowered { ty: TypeRef::Named(*id), nullable: schema.schema_data.nullable };
        }
        let view = SchemaView::of(schema);
        let nullable = view.data.nullable;
        let lowered = if !view.all_of.is_empty() {
            self.all_of(schema, &view, at, target)
        } else if !view.one_of.is_empty() || !view.any_of.is_empty() {
            self.union(&view, at, target)
        } else {
            let values = SchemaView::enumeration(schema);
            if !values.is_empty() && view.typ != Some("boolean") {
                self.enumeration(values, &view, at, target)
            } else {
                self.by_type(&view, at, target)
            }
        };
        Lowered { ty: lowered.ty, nullable: lowered.nullable || nullable }
    }

    fn hint_for(&self, target: Target<'_>) -> String {
        match target {
            Target::New(hint) => type_name(hint),
            Target::Existing(id) => self.name_of(id),
        }
    }

    fn by_type(&mut self, view: &SchemaView<'_>, at: &Location, target: Target<'_>) -> Lowered {
        let ty = match view.typ {
            Some("string") => string_type(view.format),
            Some("integer") => integer_type(view.format),
            Some("number") => if view.format == Some("float") { TypeRef::F32 } else { TypeRef::F64 },
            Some("boolean") => TypeRef::Bool,
            Some("array") => return self.array(view, at, target),
            Some("object") => return self.object(view, at, target),
            None if view.has_properties() || view.additional.is_some() => return self.object(view, at, target),
            None if view.items.is_some() => return self.array(view, at, target),
            _ => TypeRef::Json,
        };
        Lowered::of(ty)
    }

    fn array(&mut self, view: &SchemaView<'_>, at: &Location, target: Target<'_>) -> Lowered {
        let Some(items) = view.items else { return Lowered::of(TypeRef::Vec(Box::new(TypeRef::Json))) };
        let hint = format!("{}Item", self.hint_for(target));
        let item = self.schema_use(items.into(), &at.push("items"), &hint);
        Lowered::of(TypeRef::Vec(Box::new(optional(item))))
    }

    fn object(&mut self, view: &SchemaView<'_>, at: &Location, target: Target<'_>) -> Lowered {
        if !view.has_properties() {
            return match view.additional {
                Some(AdditionalProperties::Schema(schema)) => {
                    let hint = format!("{}Value", self.hint_for(target));
                    let value = self.schema_use(schema.as_ref().into(), &at.push("additionalProperties"), &hint);
                    Lowered::of(TypeRef::Map(Box::new(optional(value))))
                }
                _ => Lowered::of(TypeRef::JsonObject),
            };
        }
        let properties: Vec<Property<'_>> = view
            .properties
            .into_iter()
            .flatten()
            .map(|(wire, node)| (wire.clone(), node.into(), at.join(["properties", wire.as_str()])))
            .collect();
        let id = self.target_id(target, at);
        let additional = view.additional.map(|additional| (additional, at.push("additionalProperties")));
        self.in_progress.insert(at.clone(), id);
        let lowered = self.structure(id, &properties, view.required, additional);
        self.in_progress.remove(at);
        let ty = self.finish(id, TypeKind::Struct(lowered), view, target);
        Lowered::of(ty)
    }

    /// Builds the fields of struct `id` from `properties`.
    fn structure(
        &mut self,
        id: TypeId,
        properties: &[Property<'_>],
        required: &[String],
        additional: Option<(&AdditionalProperties, Location)>,
    ) -> Struct {
        let struct_name = self.name_of(id);
        let mut names = Scope::new();
        let mut fields = Vec::new();
        for (wire, node, at) in properties {
            let hint = format!("{struct_name}{}", type_name(wire));
            let lowered = self.schema_use(*node, at, &hint);
            let data = match node {
                Node::Item(schema) => Some(&schema.schema_data),
                Node::Ref(_) => None,
            };
            let read_or_write_only = data.is_some_and(|data| data.read_only || data.write_only);
            let required = required.contains(wire) && !read_or_write_only;
            // A schema that allows anything allows `null`, which must stay
            // distinguishable from an absent property.
            let nullable = lowered.nullable || lowered.ty == TypeRef::Json;
            let presence = match (required, nullable) {
                (true, false) => Presence::Required,
                (true, true) => Presence::Nullable,
                (false, false) => Presence::Optional,
                (false, true) => Presence::OptionalNullable,
            };
            fields.push(Field {
                name: names.claim(&field_name(wire)),
                wire: wire.clone(),
                ty: lowered.ty,
                presence,
                doc: data.and_then(doc_of),
                deprecated: data.is_some_and(|data| data.deprecated),
                default: data.and_then(|data| data.default.clone()),
                origin: at.clone(),
            });
        }
        let additional = match additional {
            Some((AdditionalProperties::Any(true), _)) => Some(TypeRef::Json),
            Some((AdditionalProperties::Schema(schema), at)) => {
                let hint = format!("{struct_name}Value");
                let value = self.schema_use(schema.as_ref().into(), &at, &hint);
                Some(optional(value))
            }
            _ => None,
        };
        Struct { fields, additional }
    }

    fn enumeration(&mut self, values: Vec<Value>, view: &SchemaView<'_>, at: &Location, target: Target<'_>) -> Lowered {
        let nullable = values.contains(&Value::Null);
        let values: Vec<Value> = values.into_iter().filter(|value| !value.is_null()).collect();
        if values.is_empty() {
            return Lowered { ty: TypeRef::Json, nullable: true };
        }
        let repr = if values.iter().all(Value::is_string) {
            EnumRepr::String
        } else if values.iter().all(|value| value.is_i64() || value.is_u64()) {
            EnumRepr::Integer
        } else {
            EnumRepr::Mixed
        };
        let mut names = Scope::with_reserved(["Unknown"]);
        let mut variants = Vec::new();
        for value in values {
            if variants.iter().any(|variant: &EnumVariant| variant.value == value) {
                continue;
            }
            let raw = match &value {
                Value::String(text) => variant_name(text),
                Value::Number(number) => number_variant(number),
                other => variant_name(&other.to_string()),
            };
            variants.push(EnumVariant { name: names.claim(&raw), value });
        }
        let id = self.target_id(target, at);
        let ty = self.finish(id, TypeKind::Enum(Enum { variants, open: true, repr }), view, target);
        Lowered { ty, nullable }
    }

    fn union(&mut self, view: &SchemaView<'_>, at: &Location, target: Target<'_>) -> Lowered {
        let (keyword, members) =
            if view.one_of.is_empty() { ("anyOf", view.any_of) } else { ("oneOf", view.one_of) };
        if view.has_properties() {
            // An object that also lists alternatives: the properties are what
            // all alternatives share, so the object is the useful type.
            return self.object(view, at, target);
        }
        if let [only] = members {
            let hint = self.hint_for(target);
            return self.schema_use(only.into(), &at.join([keyword, "0"]), &hint);
        }
        let id = self.target_id(target, at);
        let union_name = self.name_of(id);
        let mut names = Scope::new();
        let mut variants = Vec::new();
        let mut nullable = false;
        for (index, member) in members.iter().enumerate() {
            let member_at = at.join([keyword, &index.to_string()]);
            if let ReferenceOr::Item(schema) = member
                && SchemaView::of(schema).typ == Some("null")
            {
                nullable = true;
                continue;
            }
            let title = match member {
                ReferenceOr::Item(schema) => schema.schema_data.title.clone(),
                ReferenceOr::Reference { .. } => None,
            };
            let hint = format!("{union_name}{}", title.as_deref().map_or_else(|| format!("Variant{index}"), type_name));
            let lowered = self.schema_use(member.into(), &member_at, &hint);
            nullable |= lowered.nullable;
            let base = match &lowered.ty {
                TypeRef::Named(named) => self.name_of(*named),
                other => describe(other).to_owned(),
            };
            if variants.iter().any(|variant: &UnionVariant| variant.ty == lowered.ty) {
                continue;
            }
            let tag_values = match member {
                ReferenceOr::Reference { reference } => self.tag_values(view, reference, &member_at),
                ReferenceOr::Item(_) => Vec::new(),
            };
            variants.push(UnionVariant { name: names.claim(&base), ty: lowered.ty, tag_values });
        }
        let tagged = view.data.discriminator.is_some()
            && variants.iter().all(|variant| matches!(variant.ty, TypeRef::Named(_)) && !variant.tag_values.is_empty());
        let tag = if tagged { view.data.discriminator.as_ref().map(|d| d.property_name.clone()) } else { None };
        let ty = self.finish(id, TypeKind::Union(Union { variants, tag }), view, target);
        Lowered { ty, nullable }
    }

    /// Discriminator values that select the member `reference`: mapping
    /// entries that point at it, else the referenced schema's name.
    fn tag_values(&self, view: &SchemaView<'_>, reference: &str, at: &Location) -> Vec<String> {
        let Some(discriminator) = &view.data.discriminator else { return Vec::new() };
        let Ok(member) = self.resolver.target(&at.file, reference) else { return Vec::new() };
        let mapped: Vec<String> = discriminator
            .mapping
            .iter()
            .filter(|(_, target)| {
                let target = if target.contains('#') || target.contains('/') {
                    target.to_string()
                } else {
                    format!("#/components/schemas/{target}")
                };
                self.resolver.target(&at.file, &target).is_ok_and(|location| location == member)
            })
            .map(|(value, _)| value.clone())
            .collect();
        if !mapped.is_empty() {
            return mapped;
        }
        member.pointer.last().map(|name| vec![name.to_owned()]).unwrap_or_default()
    }

    fn all_of(&mut self, schema: &Schema, view: &SchemaView<'_>, at: &Location, target: Target<'_>) -> Lowered {
        let simple_wrapper = !view.has_properties() && view.additional.is_none() && view.one_of.is_empty();
        // `allOf: [$ref]`, or a `$ref` next to members that only annotate
        // (description, nullable, example…), is how 3.0 specs attach
        // `nullable` or docs to a reference: it is that reference.
        let mut substantial = view
            .all_of
            .iter()
            .enumerate()
            .filter(|(_, member)| !matches!(member, ReferenceOr::Item(schema) if annotation_only(schema)));
        if let (Some((index, only)), None, true) = (substantial.next(), substantial.next(), simple_wrapper) {
            let hint = self.hint_for(target);
            let annotated_nullable = view.all_of.iter().any(|member| matches!(member, ReferenceOr::Item(schema) if schema.schema_data.nullable));
            let lowered = self.schema_use(only.into(), &at.join(["allOf", &index.to_string()]), &hint);
            return Lowered { ty: lowered.ty, nullable: lowered.nullable || annotated_nullable };
        }
        let mut merged = Merged::default();
        let mut visited = Vec::new();
        self.merge(schema, at, &mut merged, &mut visited);
        if merged.properties.is_empty() {
            // Nothing object-like to merge (e.g. constraints layered on a
            // primitive): the first member carries the type.
            let hint = self.hint_for(target);
            return match view.all_of.first() {
                Some(first) => self.schema_use(first.into(), &at.join(["allOf", "0"]), &hint),
                None => Lowered::of(TypeRef::Json),
            };
        }
        let id = self.target_id(target, at);
        let properties: Vec<Property<'_>> = merged
            .properties
            .iter()
            .map(|(wire, node, location)| (wire.clone(), Node::from(node), location.clone()))
            .collect();
        let additional = merged.additional.as_ref().map(|(additional, location)| (additional, location.clone()));
        self.in_progress.insert(at.clone(), id);
        let lowered = self.structure(id, &properties, &merged.required, additional);
        self.in_progress.remove(at);
        let ty = self.finish(id, TypeKind::Struct(lowered), view, target);
        Lowered::of(ty)
    }

    /// Gathers the properties of `schema` and, recursively, of its `allOf`
    /// members. A property defined twice keeps the later definition.
    fn merge(&mut self, schema: &Schema, at: &Location, merged: &mut Merged, visited: &mut Vec<Location>) {
        if visited.contains(at) {
            return;
        }
        visited.push(at.clone());
        let view = SchemaView::of(schema);
        for (index, member) in view.all_of.iter().enumerate() {
            let member_at = at.join(["allOf", &index.to_string()]);
            if let Some((member, location)) = self.deref(Node::from(member), &member_at) {
                self.merge(&member, &location, merged, visited);
            }
        }
        for (wire, node) in view.properties.into_iter().flatten() {
            let location = at.join(["properties", wire.as_str()]);
            merged.properties.retain(|(existing, _, _)| existing != wire);
            merged.properties.push((wire.clone(), node.clone(), location));
        }
        for name in view.required {
            if !merged.required.contains(name) {
                merged.required.push(name.clone());
            }
        }
        if let Some(additional) = view.additional {
            merged.additional = Some((additional.clone(), at.push("additionalProperties")));
        }
    }
}

/// True for a schema that says nothing about the shape of a value, only
/// describes it (`{description: …}`, `{nullable: true}`, `{example: …}`).
fn annotation_only(schema: &Schema) -> bool {
    let view = SchemaView::of(schema);
    view.typ.is_none()
        && view.format.is_none()
        && view.properties.is_none()
        && view.additional.is_none()
        && view.items.is_none()
        && view.all_of.is_empty()
        && view.one_of.is_empty()
        && view.any_of.is_empty()
        && SchemaView::enumeration(schema).is_empty()
        && !matches!(schema.schema_kind, openapiv3::SchemaKind::Not { .. })
}

/// The union of an `allOf`'s members.
#[derive(Debug, Default)]
struct Merged {
    properties: Vec<(String, ReferenceOr<Box<Schema>>, Location)>,
    required: Vec<String>,
    additional: Option<(AdditionalProperties, Location)>,
}

/// Arrays and maps of nullable items hold `Option`s.
fn optional(lowered: Lowered) -> TypeRef {
    if lowered.nullable && lowered.ty != TypeRef::Json {
        TypeRef::Option(Box::new(lowered.ty))
    } else {
        lowered.ty
    }
}

fn string_type(format: Option<&str>) -> TypeRef {
    match format {
        Some("date-time") => TypeRef::DateTime,
        Some("date") => TypeRef::Date,
        Some("uuid") => TypeRef::Uuid,
        Some("binary") => TypeRef::File,
        _ => TypeRef::String,
    }
}

fn integer_type(format: Option<&str>) -> TypeRef {
    match format {
        Some("int32" | "int16" | "int8") => TypeRef::I32,
        Some("uint32" | "uint16" | "uint8") => TypeRef::U32,
        Some("uint64" | "uint") => TypeRef::U64,
        _ => TypeRef::I64,
    }
}

fn number_variant(number: &serde_json::Number) -> String {
    let text = number.to_string();
    match text.strip_prefix('-') {
        Some(positive) => format!("Minus{}", positive.replace('.', "_")),
        None => format!("V{}", text.replace('.', "_")),
    }
}

/// A variant name for an unnamed alternative.
fn describe(ty: &TypeRef) -> &'static str {
    match ty {
        TypeRef::String => "String",
        TypeRef::Date => "Date",
        TypeRef::DateTime => "DateTime",
        TypeRef::Uuid => "Uuid",
        TypeRef::File => "File",
        TypeRef::Bool => "Boolean",
        TypeRef::I32 | TypeRef::I64 | TypeRef::U32 | TypeRef::U64 => "Integer",
        TypeRef::F32 | TypeRef::F64 => "Number",
        TypeRef::Vec(_) => "Array",
        TypeRef::Map(_) | TypeRef::JsonObject => "Object",
        _ => "Value",
    }
}

/// What makes two inline types interchangeable: everything that reaches
/// the generated code except names of the types themselves and docs.
fn shape_key(kind: &TypeKind) -> Option<String> {
    use std::fmt::Write;
    let mut key = String::new();
    match kind {
        TypeKind::Struct(structure) => {
            key.push_str("struct");
            for field in &structure.fields {
                let _ = write!(
                    key,
                    "|{}:{}:{:?}:{:?}:{}:{:?}",
                    field.name, field.wire, field.ty, field.presence, field.deprecated, field.default
                );
            }
            let _ = write!(key, "|+{:?}", structure.additional);
        }
        TypeKind::Enum(enumeration) => {
            let _ = write!(key, "enum:{:?}:{}", enumeration.repr, enumeration.open);
            for variant in &enumeration.variants {
                let _ = write!(key, "|{}={}", variant.name, variant.value);
            }
        }
        TypeKind::Union(union) => {
            let _ = write!(key, "union:{:?}", union.tag);
            for variant in &union.variants {
                let _ = write!(key, "|{}:{:?}:{:?}", variant.name, variant.ty, variant.tag_values);
            }
        }
        _ => return None,
    }
    Some(key)
}

/// Whether a schema allows `null` on its own (`nullable: true`, or `null`
/// among its `enum` values).
pub(super) fn is_nullable(schema: &Schema) -> bool {
    schema.schema_data.nullable || SchemaView::enumeration(schema).contains(&Value::Null)
}

/// Orders the variants of every untagged union (see [`untagged_rank`]).
/// Runs once all types are defined, so the order does not depend on the
/// order of components in the spec.
pub(super) fn order_untagged_unions(types: &mut crate::ir::TypeSpace) {
    let ranks: Vec<Vec<(u8, i64)>> = types
        .defs
        .iter()
        .map(|def| match &def.kind {
            TypeKind::Union(union) if union.tag.is_none() => {
                union.variants.iter().map(|variant| untagged_rank(types, &variant.ty)).collect()
            }
            _ => Vec::new(),
        })
        .collect();
    for (def, ranks) in types.defs.iter_mut().zip(ranks) {
        if let TypeKind::Union(union) = &mut def.kind
            && union.tag.is_none()
        {
            let mut ranked: Vec<((u8, i64), UnionVariant)> = ranks.into_iter().zip(union.variants.drain(..)).collect();
            ranked.sort_by_key(|(rank, _)| *rank);
            union.variants = ranked.into_iter().map(|(_, variant)| variant).collect();
        }
    }
}

/// Untagged unions try variants in order; put the pickiest first: structs
/// with more required fields, then the other named types, arrays, integers
/// before numbers, formatted strings before plain strings, catch-alls last.
fn untagged_rank(types: &crate::ir::TypeSpace, ty: &TypeRef) -> (u8, i64) {
    match ty {
        TypeRef::Named(id) => match types.get(*id).map(|def| &def.kind) {
            Some(TypeKind::Struct(fields)) => {
                let required = fields.fields.iter().filter(|f| f.presence == Presence::Required).count();
                (0, -(i64::try_from(required).unwrap_or(i64::MAX)))
            }
            Some(TypeKind::Enum(_)) => (2, 0),
            _ => (1, 0),
        },
        TypeRef::Vec(_) => (3, 0),
        TypeRef::Bool => (4, 0),
        TypeRef::I32 | TypeRef::I64 | TypeRef::U32 | TypeRef::U64 => (5, 0),
        TypeRef::F32 | TypeRef::F64 => (6, 0),
        TypeRef::DateTime | TypeRef::Date | TypeRef::Uuid => (7, 0),
        TypeRef::String => (8, 0),
        TypeRef::Map(_) | TypeRef::JsonObject => (9, 0),
        _ => (10, 0),
    }
}
