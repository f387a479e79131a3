//! Schemas → types. Component schemas and inline objects, enums and unions
//! become named types; everything else becomes a [`TypeRef`] built from
//! primitives, `Vec`, `BTreeMap` and `Option`.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde_json::Value;

use super::Lowerer;
use crate::DateTimes;
use crate::diagnostics::Code;
use crate::ir::{Enum, EnumRepr, EnumVariant, Field, Location, Presence, Struct, TypeId, TypeKind, TypeRef, Union, UnionVariant};
use crate::load::Documents;
use crate::model::{Additional, Node, RefOr, Schema};
use crate::naming::{Scope, field_name, type_name, variant_name};
use crate::read::Component;
use crate::resolve::Resolver;

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

/// What an inline type is called if one is needed: spelled out only then
/// (most uses are references or primitives, which need no name).
#[derive(Debug, Clone, Copy)]
pub(super) enum Hint<'h> {
    /// This text.
    Text(&'h str),
    /// A property's type: the struct's name, then the property's.
    Property {
        /// The struct's name.
        owner: &'h str,
        /// The property's wire name.
        wire: &'h str,
    },
    /// Another hint, made a type name, then a suffix (`Item`, `Value`).
    Suffixed(&'h Hint<'h>, &'static str),
}

impl Hint<'_> {
    /// The hint's text.
    fn text(&self) -> String {
        match self {
            Hint::Text(text) => (*text).to_owned(),
            Hint::Property { owner, wire } => format!("{owner}{}", type_name(wire)),
            Hint::Suffixed(inner, suffix) => format!("{}{suffix}", type_name(&inner.text())),
        }
    }
}

/// Where an inline schema that needs a name puts its definition.
#[derive(Debug, Clone, Copy)]
enum Target<'h> {
    /// A new named type, called after the hint.
    New(&'h Hint<'h>),
    /// An already declared type (a component).
    Existing(TypeId),
}

/// A property gathered for a struct: wire name and schema (which knows
/// its location).
type Property<'s> = (String, &'s Node<Schema>);

impl<'a> Lowerer<'a> {
    /// `node`'s definition, following a `$ref`: the one way lowering
    /// follows references ([`Self::deref`] reports a broken one, [`Self::peek`]
    /// leaves that to where the node is lowered).
    fn follow<'s, T: Component>(&self, node: &'s Node<T>) -> Result<(Cow<'s, T>, Location), crate::diagnostics::Diagnostic>
    where
        'a: 's,
    {
        match &node.value {
            RefOr::Item(item) => Ok((Cow::Borrowed(item), node.at.clone())),
            RefOr::Ref(reference) => self.resolver.resolve::<T>(reference, &node.at),
        }
    }

    /// Resolves `node` when it is a reference; a broken one is reported.
    pub(super) fn deref<'s, T: Component>(&mut self, node: &'s Node<T>) -> Option<(Cow<'s, T>, Location)>
    where
        'a: 's,
    {
        self.follow(node).map_err(|problem| self.problems.push(problem)).ok()
    }

    /// The type for a use of `node`. Inline types it needs are named after
    /// `hint`.
    pub(super) fn schema_use(&mut self, node: &Node<Schema>, hint: &str) -> Lowered {
        self.schema_use_hinted(node, &Hint::Text(hint))
    }

    /// [`Self::schema_use`] with a hint spelled out only if it is needed.
    fn schema_use_hinted(&mut self, node: &Node<Schema>, hint: &Hint<'_>) -> Lowered {
        match &node.value {
            RefOr::Ref(reference) => self.named_ref(reference, &node.at),
            RefOr::Item(schema) => self.inline(schema, &node.at, Target::New(hint)),
        }
    }

    /// Uses `node` with a hint made from `target`'s: its type name followed
    /// by `suffix`.
    fn schema_use_within(&mut self, node: &Node<Schema>, target: Target<'_>, suffix: &'static str) -> Lowered {
        match target {
            Target::New(hint) => self.schema_use_hinted(node, &Hint::Suffixed(hint, suffix)),
            Target::Existing(id) => {
                let hint = format!("{}{suffix}", self.name_of(id));
                self.schema_use(node, &hint)
            }
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
                let name = target.pointer.last().map_or_else(|| "Schema".to_owned(), std::borrow::Cow::into_owned);
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
        let components = &documents.model.components;
        let Some(node) = at.pointer.last().and_then(|name| components.schemas.get(&*name)) else { return };
        match &node.value {
            RefOr::Item(schema) => self.define(id, schema, at),
            RefOr::Ref(reference) => {
                let lowered = self.named_ref(reference, at);
                self.set_alias(id, lowered, at);
            }
        }
    }

    /// Defines `id` from `schema`: a struct, enum or union in place, or an
    /// alias of whatever type the schema lowers to.
    fn define(&mut self, id: TypeId, schema: &Schema, at: &Location) {
        let lowered = self.inline(schema, at, Target::Existing(id));
        // (A schema that only refers to itself, `A: {allOf: [$ref: A]}`,
        // lowers to itself without a definition: `set_alias` says so.)
        let undefined = self.declared.get(id.0).is_some_and(|def| def.kind.is_none());
        if lowered.ty != TypeRef::Named(id) || undefined {
            self.set_alias(id, lowered.clone(), at);
        }
        if let Some(def) = self.declared.get_mut(id.0) {
            def.doc = def.doc.take().or_else(|| schema.doc());
            def.deprecated |= schema.deprecated;
        }
        if lowered.nullable {
            self.nullable.insert(id);
        }
    }

    fn set_alias(&mut self, id: TypeId, lowered: Lowered, at: &Location) {
        let target = if lowered.ty == TypeRef::Named(id) {
            self.warn(Code::UnsupportedSchema, at, "schema is defined as itself; it is typed as any JSON value (`serde_json::Value`)");
            TypeRef::Json
        } else {
            lowered.ty
        };
        if lowered.nullable {
            self.nullable.insert(id);
        }
        if let Some(def) = self.declared.get_mut(id.0) {
            def.kind = Some(TypeKind::Alias { target, newtype: false });
        }
    }

    /// The id to define a named type into.
    fn target_id(&mut self, target: Target<'_>, at: &Location) -> TypeId {
        match target {
            Target::Existing(id) => id,
            Target::New(hint) => self.declare(&hint.text(), at),
        }
    }

    /// Stores the definition of `id`. An inline type (`target` is new) with
    /// exactly the shape of an earlier inline type becomes an alias of it:
    /// real specs repeat the same inline enums and objects hundreds of times,
    /// and aliases keep every name while compiling one definition.
    fn finish(&mut self, id: TypeId, kind: TypeKind, view: &Schema, target: Target<'_>) -> TypeRef {
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
        if let Some(def) = self.declared.get_mut(id.0) {
            def.kind = Some(kind);
            def.doc = def.doc.take().or_else(|| view.doc());
            def.deprecated |= view.deprecated;
        }
        TypeRef::Named(id)
    }

    fn name_of(&self, id: TypeId) -> String {
        self.declared.get(id.0).map(|def| def.name.clone()).unwrap_or_default()
    }

    /// Lowers an inline schema.
    fn inline(&mut self, schema: &Schema, at: &Location, target: Target<'_>) -> Lowered {
        if let (Target::New(_), Some(id)) = (target, self.in_progress.get(at)) {
            return Lowered { ty: TypeRef::Named(*id), nullable: schema.nullable };
        }
        let view = schema;
        let nullable = view.nullable;
        let derived = match target {
            Target::Existing(_) => self.derived.get(at).cloned(),
            Target::New(_) => None,
        };
        let lowered = if let Some(derived) = derived {
            // A base schema with a discriminator: a union of the schemas
            // that extend it (each carries the base's properties).
            let members: Vec<Node<Schema>> =
                derived.into_iter().map(|reference| Node { value: RefOr::Ref(reference), at: at.clone() }).collect();
            self.union_of(view, &members, at, target, false)
        } else if !view.all_of.is_empty() {
            self.all_of(schema, at, target)
        } else if !view.one_of.is_empty() || !view.any_of.is_empty() {
            let (members, exclusive) = if view.one_of.is_empty() { (&view.any_of, false) } else { (&view.one_of, true) };
            self.union(view, members, at, target, exclusive)
        } else if view.types.len() > 1 {
            // A 3.1 `type` array of several types: a union of one schema
            // per type, each at its entry of the array.
            let members = type_members(view, at);
            self.union(view, &members, at, target, false)
        } else {
            let values = view.enumeration.clone();
            if !values.is_empty() && view.single_type() != Some("boolean") {
                self.enumeration(values, view, at, target)
            } else {
                self.by_type(view, at, target)
            }
        };
        Lowered { ty: lowered.ty, nullable: lowered.nullable || nullable }
    }

    fn by_type(&mut self, view: &Schema, at: &Location, target: Target<'_>) -> Lowered {
        let format = view.format.as_deref();
        let ty = match view.single_type() {
            Some("string") => string_type(format, self.context.settings.date_time),
            Some("integer") => integer_type(format),
            Some("number") => {
                if format == Some("float") {
                    TypeRef::F32
                } else {
                    TypeRef::F64
                }
            }
            Some("boolean") => TypeRef::Bool,
            Some("array") => return self.array(view, at, target),
            Some("object") => return self.object(view, at, target),
            None if view.has_properties() || view.additional.is_some() => return self.object(view, at, target),
            None if view.items.is_some() => return self.array(view, at, target),
            _ => TypeRef::Json,
        };
        Lowered::of(ty)
    }

    fn array(&mut self, view: &Schema, _at: &Location, target: Target<'_>) -> Lowered {
        let Some(items) = &view.items else { return Lowered::of(TypeRef::Vec(Box::new(TypeRef::Json))) };
        let item = self.schema_use_within(items, target, "Item");
        Lowered::of(TypeRef::Vec(Box::new(optional(item))))
    }

    fn object(&mut self, view: &Schema, at: &Location, target: Target<'_>) -> Lowered {
        if !view.has_properties() {
            return match &view.additional {
                Some(Additional::Schema(schema)) => {
                    let value = self.schema_use_within(schema, target, "Value");
                    Lowered::of(TypeRef::Map(Box::new(optional(value))))
                }
                _ => Lowered::of(TypeRef::JsonObject),
            };
        }
        let properties: Vec<Property<'_>> = view.properties.iter().map(|(wire, node)| (wire.clone(), node)).collect();
        let id = self.target_id(target, at);
        self.in_progress.insert(at.clone(), id);
        let lowered = self.structure(id, &properties, &view.required, view.additional.as_ref());
        self.in_progress.remove(at);
        let ty = self.finish(id, TypeKind::Struct(lowered), view, target);
        Lowered::of(ty)
    }

    /// Builds the fields of struct `id` from `properties`.
    fn structure(&mut self, id: TypeId, properties: &[Property<'_>], required: &[String], additional: Option<&Additional>) -> Struct {
        let struct_name = self.name_of(id);
        // The map of other properties is the field `additional_properties`
        // (emit): a property of that name gets another.
        let has_map = matches!(additional, Some(Additional::Any(true) | Additional::Schema(_)));
        let mut names = if has_map { Scope::with_reserved(["additional_properties"]) } else { Scope::new() };
        let mut fields = Vec::new();
        for (wire, node) in properties {
            let lowered = self.schema_use_hinted(node, &Hint::Property { owner: &struct_name, wire });
            let data = node.as_item();
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
            let name = self.claim_name(&mut names, &field_name(wire), ("property", wire), "field", &node.at);
            fields.push(Field {
                name,
                wire: wire.clone(),
                ty: lowered.ty,
                presence,
                doc: data.and_then(Schema::doc),
                deprecated: data.is_some_and(|data| data.deprecated),
                default: data.and_then(|data| data.default.clone()),
                origin: node.at.clone(),
            });
        }
        let additional_keyword = additional;
        let additional = match additional {
            Some(Additional::Any(true)) => Some(TypeRef::Json),
            Some(Additional::Schema(schema)) => {
                let hint = format!("{struct_name}Value");
                let value = self.schema_use(schema, &hint);
                Some(optional(value))
            }
            _ => None,
        };
        let closed = matches!(additional_keyword, Some(Additional::Any(false)));
        Struct { fields, additional, tagged_by: None, closed }
    }

    fn enumeration(&mut self, values: Vec<Value>, view: &Schema, at: &Location, target: Target<'_>) -> Lowered {
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
        let key = values.iter().map(Value::to_string).collect::<Vec<_>>().join(",");
        let (variants, renamed) = match self.enum_variants.get(&key) {
            Some(named) => named.clone(),
            None => {
                let named = enum_variants(values);
                self.enum_variants.insert(key, named.clone());
                named
            }
        };
        for Renamed { value, would_be, name } in renamed {
            let taken_by = "another value, or by the fallback for unlisted values, `Unknown`";
            self.warn_collision(at, &format!("enum value {value}"), Some("variant"), &would_be, taken_by, &name);
        }
        let id = self.target_id(target, at);
        let ty = self.finish(id, TypeKind::Enum(Enum { variants, open: true, repr, lists_null: nullable }), view, target);
        Lowered { ty, nullable }
    }

    fn union(&mut self, view: &Schema, members: &[Node<Schema>], at: &Location, target: Target<'_>, exclusive: bool) -> Lowered {
        if view.has_properties() {
            // An object that also lists alternatives: the properties are what
            // all alternatives share, so the object is the useful type.
            return self.object(view, at, target);
        }
        self.union_of(view, members, at, target, exclusive)
    }

    /// A union of `members` (what [`Self::union`] does once properties are
    /// ruled out); `exclusive` for `oneOf`.
    fn union_of(&mut self, view: &Schema, members: &[Node<Schema>], at: &Location, target: Target<'_>, exclusive: bool) -> Lowered {
        // `null` members (3.1 `{type: 'null'}`) make the union nullable;
        // one other member left is that member, as an `Option`.
        let null_members: Vec<bool> = members.iter().map(|member| self.is_null_member(member)).collect();
        let others: Vec<&Node<Schema>> = members.iter().zip(&null_members).filter(|(_, null)| !**null).map(|(member, _)| member).collect();
        if let [only] = others.as_slice() {
            let lowered = self.schema_use_within(only, target, "");
            return Lowered { ty: lowered.ty, nullable: lowered.nullable || others.len() < members.len() };
        }
        // Without a `discriminator`, a property every alternative requires
        // with one distinct constant each (`const`, or a one-value `enum`:
        // what utoipa, schemars, pydantic and msgspec write for tagged
        // enums) chooses the alternative just the same.
        let implied = if view.discriminator.is_none() { self.implied_tag(members, &null_members) } else { None };
        let id = self.target_id(target, at);
        let union_name = self.name_of(id);
        // `Unknown` is the fallback variant of tagged unions.
        let mut names = Scope::with_reserved(["Unknown"]);
        let mut variants = Vec::new();
        let mut nullable = false;
        for (index, member) in members.iter().enumerate() {
            let member_at = &member.at;
            if null_members.get(index).copied().unwrap_or(false) {
                nullable = true;
                continue;
            }
            let implied_value = implied.as_ref().and_then(|(_, values)| values.get(index)).and_then(Option::as_deref);
            let title = member.as_item().and_then(|schema| schema.title.clone()).or_else(|| implied_value.map(str::to_owned));
            let hint = format!("{union_name}{}", title.as_deref().map_or_else(|| format!("Variant{index}"), type_name));
            let lowered = self.schema_use(member, &hint);
            nullable |= lowered.nullable;
            let base = match (&lowered.ty, &member.value, implied_value) {
                // An inline alternative is named by its constant (`Poll`).
                (TypeRef::Named(_), RefOr::Item(_), Some(value)) => type_name(value),
                (TypeRef::Named(named), ..) => self.name_of(*named),
                (other, ..) => describe(other).to_owned(),
            };
            if variants.iter().any(|variant: &UnionVariant| variant.ty == lowered.ty) {
                continue;
            }
            let tag_values = match (&member.value, implied_value) {
                (_, Some(value)) => vec![value.to_owned()],
                (RefOr::Ref(reference), None) => self.tag_values(view, reference, member_at),
                (RefOr::Item(_), None) => Vec::new(),
            };
            variants.push(UnionVariant { name: names.claim(&base), ty: lowered.ty, tag_values, writes_tag: false });
        }
        let tag_property = view.discriminator.as_ref().map(|d| d.property_name.clone()).or_else(|| implied.map(|(property, _)| property));
        let tagged = tag_property.is_some()
            && variants.iter().all(|variant| matches!(variant.ty, TypeRef::Named(_)) && !variant.tag_values.is_empty());
        let tag = if tagged { tag_property } else { None };
        let ty = self.finish(id, TypeKind::Union(Union { variants, tag, exclusive }), view, target);
        Lowered { ty, nullable }
    }

    /// The property that tells `members` apart without a `discriminator`:
    /// required in every non-null member, each time with one string
    /// constant, all different. Returns it with each member's constant
    /// (`None` for the null members).
    fn implied_tag(&self, members: &[Node<Schema>], null_members: &[bool]) -> Option<(String, Vec<Option<String>>)> {
        let schemas: Vec<Option<Cow<'_, Schema>>> = members
            .iter()
            .zip(null_members)
            .map(|(member, null)| if *null { None } else { self.peek(member).map(|(schema, _)| schema) })
            .collect();
        if let Some(tag) = self.implied_tag_of(&schemas, null_members) {
            return Some(tag);
        }
        if !schemas.iter().flatten().any(|schema| !schema.all_of.is_empty()) {
            return None;
        }
        // Members made with `allOf` (`allOf: [{$ref: rule-creation}, {$ref:
        // ruleset-info}]`): their parts' properties and required names
        // count too.
        let merged: Vec<Option<Cow<'_, Schema>>> =
            schemas.iter().map(|schema| schema.as_ref().map(|schema| Cow::Owned(self.object_shape(schema, 0)))).collect();
        self.implied_tag_of(&merged, null_members)
    }

    /// [`Self::implied_tag`] over the members' schemas (`None`: a `null`
    /// member, or one that does not resolve).
    fn implied_tag_of(&self, schemas: &[Option<Cow<'_, Schema>>], null_members: &[bool]) -> Option<(String, Vec<Option<String>>)> {
        let objects: Vec<&Schema> = schemas.iter().flatten().map(|schema| &**schema).collect();
        if objects.len() < 2 || objects.len() != null_members.iter().filter(|null| !**null).count() {
            return None;
        }
        let first = objects.first()?;
        first.properties.iter().map(|(property, _)| property).find_map(|property| {
            let mut values: Vec<Option<String>> = Vec::new();
            for (schema, null) in schemas.iter().zip(null_members) {
                if *null {
                    values.push(None);
                    continue;
                }
                let schema = schema.as_deref()?;
                if !schema.required.contains(property) {
                    return None;
                }
                let (_, node) = schema.properties.iter().find(|(name, _)| name == property)?;
                let (value, _) = self.peek(node)?;
                match value.enumeration.as_slice() {
                    [Value::String(constant)] if !values.contains(&Some(constant.clone())) => values.push(Some(constant.clone())),
                    _ => return None,
                }
            }
            Some((property.clone(), values))
        })
    }

    /// An object schema with the properties and required names of its
    /// `allOf` parts (a few levels deep) added: only those two are read.
    fn object_shape(&self, schema: &Schema, depth: usize) -> Schema {
        let mut shape = Schema { properties: schema.properties.clone(), required: schema.required.clone(), ..Schema::default() };
        if depth < 4 {
            for part in &schema.all_of {
                if let Some((part, _)) = self.peek(part) {
                    let more = self.object_shape(&part, depth + 1);
                    for (name, node) in more.properties {
                        if !shape.properties.iter().any(|(known, _)| *known == name) {
                            shape.properties.push((name, node));
                        }
                    }
                    shape.required.extend(more.required);
                }
            }
        }
        shape
    }

    /// A schema node's definition, following a `$ref` (problems are
    /// reported where the node is lowered, not here).
    pub(super) fn peek<'s>(&self, node: &'s Node<Schema>) -> Option<(Cow<'s, Schema>, Location)>
    where
        'a: 's,
    {
        self.follow(node).ok()
    }

    /// Whether a union member only allows `null` (following a `$ref`; a
    /// broken one is reported where the member is lowered).
    pub(super) fn is_null_member(&self, member: &Node<Schema>) -> bool {
        match &member.value {
            RefOr::Item(schema) => is_null_schema(schema),
            RefOr::Ref(_) => self.peek(member).is_some_and(|(schema, _)| is_null_schema(&schema)),
        }
    }

    /// Discriminator values that select the member `reference`: mapping
    /// entries that point at it, else the referenced schema's name.
    fn tag_values(&self, view: &Schema, reference: &str, at: &Location) -> Vec<String> {
        let Some(discriminator) = &view.discriminator else { return Vec::new() };
        let components_prefix = self.documents.model.dialect.ref_prefix(crate::model::Section::Schemas);
        let Ok(member) = self.resolver.target(&at.file, reference) else { return Vec::new() };
        let mapped: Vec<String> = discriminator
            .mapping
            .iter()
            .filter(|(_, target)| {
                let target =
                    if target.contains('#') || target.contains('/') { target.to_string() } else { format!("{components_prefix}{target}") };
                self.resolver.target(&at.file, &target).is_ok_and(|location| location == member)
            })
            .map(|(value, _)| value.clone())
            .collect();
        if !mapped.is_empty() {
            return mapped;
        }
        member.pointer.last().map(|name| vec![name.into_owned()]).unwrap_or_default()
    }

    fn all_of(&mut self, schema: &Schema, at: &Location, target: Target<'_>) -> Lowered {
        let view = schema;
        let simple_wrapper = !view.has_properties() && view.additional.is_none() && view.one_of.is_empty();
        // `allOf: [$ref]`, or a `$ref` next to members that only annotate
        // (description, nullable, example…), is how 3.0 specs attach
        // `nullable` or docs to a reference: it is that reference. (A 3.1
        // `$ref` with sibling keywords is read into the same shape.)
        let mut substantial = view.all_of.iter().filter(|member| !member.as_item().is_some_and(Schema::is_annotation_only));
        if let (Some(only), None, true) = (substantial.next(), substantial.next(), simple_wrapper) {
            let annotated_nullable = view.all_of.iter().any(|member| member.as_item().is_some_and(|schema| schema.nullable));
            let lowered = self.schema_use_within(only, target, "");
            return Lowered { ty: lowered.ty, nullable: lowered.nullable || annotated_nullable };
        }
        let mut merged = Merged::default();
        let mut visited = Vec::new();
        self.merge(schema, at, &mut merged, &mut visited);
        if merged.properties.is_empty() {
            // Nothing object-like to merge (e.g. constraints layered on a
            // primitive): the first member carries the type.
            return match view.all_of.first() {
                Some(first) => self.schema_use_within(first, target, ""),
                None => Lowered::of(TypeRef::Json),
            };
        }
        let id = self.target_id(target, at);
        let properties: Vec<Property<'_>> = merged.properties.iter().map(|(wire, node)| (wire.clone(), node)).collect();
        self.in_progress.insert(at.clone(), id);
        let lowered = self.structure(id, &properties, &merged.required, merged.additional.as_ref());
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
        for member in &schema.all_of {
            if let Some((member, location)) = self.deref(member) {
                self.merge(&member, &location, merged, visited);
            }
        }
        for (wire, node) in &schema.properties {
            merged.properties.retain(|(existing, _)| existing != wire);
            merged.properties.push((wire.clone(), node.clone()));
        }
        for name in &schema.required {
            if !merged.required.contains(name) {
                merged.required.push(name.clone());
            }
        }
        if let Some(additional) = &schema.additional {
            merged.additional = Some(additional.clone());
        }
    }
}

/// A schema that only allows `null`: 3.1 `{type: 'null'}`, or
/// `{enum: [null]}` (drf-spectacular's `NullEnum`, a member of every
/// nullable choice field).
fn is_null_schema(schema: &Schema) -> bool {
    (schema.types.is_empty() && schema.nullable && schema.is_annotation_only())
        || (!schema.enumeration.is_empty() && schema.enumeration.iter().all(Value::is_null))
}

/// One schema per entry of a `type` array (`[string, integer]`), each
/// keeping the keywords that apply to its type, at `…/type/N`.
fn type_members(schema: &Schema, at: &Location) -> Vec<Node<Schema>> {
    schema
        .types
        .iter()
        .enumerate()
        .map(|(index, typ)| {
            let mut member = Schema { types: vec![typ.clone()], ..Schema::default() };
            match typ.as_str() {
                "string" | "integer" | "number" => member.format.clone_from(&schema.format),
                "array" => member.items.clone_from(&schema.items),
                "object" => {
                    member.properties.clone_from(&schema.properties);
                    member.required.clone_from(&schema.required);
                    member.additional.clone_from(&schema.additional);
                }
                _ => {}
            }
            Node::item(at.join(["type", index.to_string().as_str()]), member)
        })
        .collect()
}

/// The union of an `allOf`'s members.
#[derive(Debug, Default)]
struct Merged {
    properties: Vec<(String, Node<Schema>)>,
    required: Vec<String>,
    additional: Option<Additional>,
}

/// Arrays and maps of nullable items hold `Option`s.
fn optional(lowered: Lowered) -> TypeRef {
    if lowered.nullable && lowered.ty != TypeRef::Json { TypeRef::Option(Box::new(lowered.ty)) } else { lowered.ty }
}

fn string_type(format: Option<&str>, date_time: DateTimes) -> TypeRef {
    match format {
        Some("date-time") if date_time == DateTimes::Chrono => TypeRef::DateTime,
        Some("date") if date_time == DateTimes::Chrono => TypeRef::Date,
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

/// An enum value whose variant name another value (or the fallback) had.
#[derive(Debug, Clone)]
pub(super) struct Renamed {
    /// The value in backticks (a string's text, else its JSON).
    value: String,
    /// The name it would have had.
    would_be: String,
    /// The name it has.
    name: String,
}

/// One variant per distinct value, named after it (`Unknown` is kept for
/// the catch-all variant of open enums), and the values renamed.
fn enum_variants(values: Vec<Value>) -> (Vec<EnumVariant>, Vec<Renamed>) {
    let mut names = Scope::with_reserved(["Unknown"]);
    // Strings (nearly every enum) are compared through a set; other values
    // by `Value` equality, which treats `0.0` and `-0.0` (and objects with
    // keys in another order) as the same value.
    let mut seen_strings = std::collections::BTreeSet::new();
    let mut variants: Vec<EnumVariant> = Vec::new();
    let mut renamed = Vec::new();
    for value in values {
        let repeated = match &value {
            Value::String(text) => !seen_strings.insert(text.clone()),
            other => variants.iter().any(|variant| variant.value == *other),
        };
        if repeated {
            continue;
        }
        let raw = match &value {
            Value::String(text) => variant_name(text),
            Value::Number(number) => number_variant(number),
            other => variant_name(&other.to_string()),
        };
        let name = names.claim(&raw);
        if name != raw {
            let text = match &value {
                Value::String(text) => text.escape_debug().to_string(),
                other => other.to_string(),
            };
            renamed.push(Renamed { value: format!("`{text}`"), would_be: raw, name: name.clone() });
        }
        variants.push(EnumVariant { name, value });
    }
    (variants, renamed)
}

/// `V2`, `V1_5`, `Minus3`, `V1_034E20`, `V1EMinus7`: a variant name for
/// a number as serde_json writes it (exponents included).
fn number_variant(number: &serde_json::Number) -> String {
    let text = number.to_string();
    let (sign, digits) = match text.strip_prefix('-') {
        Some(positive) => ("Minus", positive),
        None => ("V", text.as_str()),
    };
    let mut name = sign.to_owned();
    for c in digits.chars() {
        match c {
            '.' => name.push('_'),
            'e' | 'E' => name.push('E'),
            '-' => name.push_str("Minus"),
            c if c.is_ascii_digit() => name.push(c),
            _ => {}
        }
    }
    name
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

/// Base schemas (a `discriminator`, no `oneOf`/`anyOf`) and the component
/// schemas that extend them: `allOf` with a `$ref` to the base and
/// something of their own besides. A schema that only wraps the base
/// (`allOf: [$ref]`) is the base itself, not a variant of it.
pub(super) fn derived_schemas(documents: &Documents, resolver: &Resolver<'_>) -> BTreeMap<Location, Vec<String>> {
    let components = &documents.model.components;
    let prefix = documents.model.dialect.ref_prefix(crate::model::Section::Schemas);
    let is_base = |location: &Location| {
        location.file == documents.root_path
            && location.pointer.last().and_then(|name| components.schemas.get(&*name)).is_some_and(|node| {
                node.at == *location
                    && node
                        .as_item()
                        .is_some_and(|schema| schema.discriminator.is_some() && schema.one_of.is_empty() && schema.any_of.is_empty())
            })
    };
    let mut derived: BTreeMap<Location, Vec<String>> = BTreeMap::new();
    for (name, node) in &components.schemas {
        let Some(schema) = node.as_item() else { continue };
        let substantial = schema.all_of.iter().filter(|member| !member.as_item().is_some_and(Schema::is_annotation_only)).count();
        if substantial < 2 && !schema.has_properties() {
            continue;
        }
        for member in &schema.all_of {
            let RefOr::Ref(reference) = &member.value else { continue };
            let Ok(base) = resolver.target(&member.at.file, reference) else { continue };
            if base != node.at && is_base(&base) {
                let child = format!("{prefix}{}", crate::pointer::Pointer::root().push(name.as_str()).to_string().trim_start_matches('/'));
                let children = derived.entry(base).or_default();
                if !children.contains(&child) {
                    children.push(child);
                }
            }
        }
    }
    derived
}
