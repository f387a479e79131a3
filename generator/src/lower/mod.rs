//! Stage 3: the spec model → [`Api`] (the IR). Lowering reads only
//! [`crate::model`] (through [`Documents::model`] and the [`Resolver`]),
//! never a version-specific type.
//!
//! * [`schema`]: schemas → named types and type references.
//! * [`operation`]: paths → operations (parameters, bodies, responses).
//! * [`security`]: security schemes and servers.
//!
//! Lowering collects problems instead of stopping at the first: a schema it
//! cannot express becomes `serde_json::Value` plus a diagnostic, so one run
//! reports everything.

mod operation;
pub(crate) use operation::status_match;
mod schema;
mod security;

use std::collections::{BTreeMap, BTreeSet};

use crate::context::Context;
use crate::diagnostics::{Code, Diagnostic, Diagnostics};
use crate::ir::{Api, Location, SerdeUse, TypeDef, TypeId, TypeKind, TypeSpace};
use crate::load::Documents;
use crate::naming::Scope;
use crate::resolve::Resolver;

/// Lowers loaded documents into the IR, as `context` says: with
/// `skip_unsupported`, operations that hit problems are left out and
/// reported in [`Api::skipped`] (otherwise any problem fails the whole
/// spec); with `only_tags`, only operations with one of those tags are
/// lowered; the settings' type mappings apply.
pub fn lower(documents: &Documents, context: &Context<'_>) -> Result<Api, Diagnostics> {
    let (skip_unsupported, only_tags) = (context.skip_unsupported, context.only_tags);
    let mut lowerer = Lowerer::new(documents, context);
    lowerer.lower_components();
    let security_schemes = lowerer.security_schemes();
    let (operations, mut skipped) = lowerer.operations(&security_schemes, skip_unsupported, only_tags);
    let (mut types, undefined) = defined_types(std::mem::take(&mut lowerer.declared));
    types.partial_eq = context.settings.partial_eq;
    types.serde_derive = context.settings.serde_derive;
    types.macro_calls = context.macro_calls;
    schema::order_untagged_unions(&mut types);
    let (base_url, server_template, server_variables) = security::servers(&documents.model.servers);
    let mut problems = std::mem::take(&mut lowerer.problems);
    if skip_unsupported {
        // What is left are problems in shared schemas: those types were
        // degraded to JSON values, which is reported but not fatal.
        skipped.splice(0..0, problems.drain(..));
    }
    // A generator bug, never a problem of the spec: fatal either way.
    problems.extend(undefined);
    let info = &documents.model.info;
    let api = Api {
        title: info.title.clone(),
        version: info.version.clone(),
        description: info.description.clone(),
        base_url,
        server_template,
        server_variables,
        types,
        operations,
        security_schemes,
        skipped,
        warnings: {
            let mut warnings = std::mem::take(&mut lowerer.warnings);
            for note in documents.notes.borrow_mut().drain(..) {
                if !warnings.contains(&note) {
                    warnings.push(note);
                }
            }
            warnings
        },
        examples: Vec::new(),
        samples: crate::ir::Samples::default(),
        features: None,
    };
    let mut diagnostics = Diagnostics::default();
    for problem in problems {
        diagnostics.push(problem);
    }
    if !diagnostics.is_empty() {
        // A failed run still reports what was interpreted.
        api.warnings.iter().cloned().for_each(|warning| diagnostics.push(warning));
    }
    diagnostics.into_result(api)
}

/// A named type while it is lowered: its name is claimed when it is first
/// referred to (so forward and cyclic `$ref`s get an id at once), its
/// `kind` set when its schema has been lowered. Only defined types reach
/// the IR ([`defined_types`]).
struct Declared {
    name: String,
    origin: Location,
    doc: Option<String>,
    deprecated: bool,
    kind: Option<TypeKind>,
}

/// The IR's types from the declared ones, and an `internal` problem for
/// each that was never defined (a generator bug: every declaration is
/// followed by its definition). Such a type stands in as a JSON value, so
/// ids stay dense; the problem fails the run.
fn defined_types(declared: Vec<Declared>) -> (TypeSpace, Vec<Diagnostic>) {
    let mut problems = Vec::new();
    let defs = declared
        .into_iter()
        .map(|declared| {
            let kind = declared.kind.unwrap_or_else(|| {
                let message = format!("type `{}` was declared but never defined", declared.name);
                problems.push(Diagnostic::new(Code::Internal, &declared.origin.file, &declared.origin.pointer.to_string(), message));
                TypeKind::Alias { target: crate::ir::TypeRef::Json, newtype: false }
            });
            TypeDef {
                name: declared.name,
                origin: declared.origin,
                doc: declared.doc,
                deprecated: declared.deprecated,
                kind,
                serde: SerdeUse::BOTH,
                unreached: false,
            }
        })
        .collect();
    (TypeSpace { defs, ..TypeSpace::default() }, problems)
}

/// Lowering state for one spec.
struct Lowerer<'a> {
    documents: &'a Documents,
    context: &'a Context<'a>,
    resolver: Resolver<'a>,
    /// The named types, by `TypeId`: declared when first referred to,
    /// defined once their schema is lowered.
    declared: Vec<Declared>,
    type_names: Scope,
    /// Named types by the location of their schema.
    by_location: BTreeMap<Location, TypeId>,
    /// Named types whose schema is `nullable`.
    nullable: BTreeSet<TypeId>,
    /// Inline types by shape (see `schema::shape_key`): an inline type
    /// identical to an earlier one becomes an alias of it.
    shapes: BTreeMap<String, TypeId>,
    /// Inline schemas being lowered right now, by location. Merging `allOf`
    /// copies properties out of other schemas, so an inline schema can be
    /// reached again while it is being lowered; it then refers to itself.
    in_progress: BTreeMap<Location, TypeId>,
    /// Problems found so far.
    problems: Vec<Diagnostic>,
    /// Interpretations made so far (warnings).
    warnings: Vec<Diagnostic>,
    /// Keys of `mutualTLS` schemes (nothing for the generated code to send).
    tls_schemes: BTreeSet<String>,
    /// Schemas with a `discriminator` and no `oneOf`, by location, with the
    /// `$ref`s of the component schemas that extend them through `allOf`
    /// (inheritance, as Swagger 2.0 and many 3.0 specs write it): such a
    /// schema is a union of those schemas.
    derived: BTreeMap<Location, Vec<String>>,
    /// The variants of every enum lowered so far, by its values (as JSON
    /// text): specs repeat the same long enums (Microsoft Graph's `$select`
    /// lists, on thousands of operations), and each is named once; with
    /// the values whose name another had, warned of at every use.
    enum_variants: BTreeMap<String, (Vec<crate::ir::EnumVariant>, Vec<schema::Renamed>)>,
}

impl<'a> Lowerer<'a> {
    fn new(documents: &'a Documents, context: &'a Context<'a>) -> Self {
        Self {
            documents,
            context,
            resolver: Resolver::new(documents),
            declared: Vec::new(),
            type_names: Scope::new(),
            by_location: BTreeMap::new(),
            nullable: BTreeSet::new(),
            shapes: BTreeMap::new(),
            in_progress: BTreeMap::new(),
            problems: documents.read_problems.iter().filter(|d| d.is_error()).cloned().collect(),
            warnings: documents.read_problems.iter().filter(|d| !d.is_error()).cloned().collect(),
            tls_schemes: BTreeSet::new(),
            derived: BTreeMap::new(),
            enum_variants: BTreeMap::new(),
        }
    }

    /// Records an interpretation the generator made: `message` says what
    /// it did instead of refusing.
    fn warn(&mut self, code: Code, at: &Location, message: impl Into<String>) {
        let warning = Diagnostic::warning(code, &at.file, &at.pointer.to_string(), message);
        if !self.warnings.contains(&warning) {
            self.warnings.push(warning);
        }
    }

    /// Claims `candidate` in `names` for the spec's `what` (`("property",
    /// wire)`) as a `kind` of name (`"field"`); a name another had is
    /// numbered, with a `name-collision` warning at `at`.
    fn claim_name(&mut self, names: &mut Scope, candidate: &str, (what, wire): (&str, &str), kind: &str, at: &Location) -> String {
        let name = names.claim(candidate);
        let subject = format!("{what} `{}`", wire.escape_debug());
        self.warn_collision(at, &subject, Some(kind), candidate, &format!("another {what}, or by the generated code"), &name);
        name
    }

    /// Warns (`name-collision`, at `at`) when `name` is not `candidate`:
    /// see [`crate::naming::collision_message`].
    fn warn_collision(&mut self, at: &Location, subject: &str, kind: Option<&str>, candidate: &str, taken_by: &str, name: &str) {
        if name != candidate {
            self.warn(Code::NameCollision, at, crate::naming::collision_message(subject, kind, candidate, taken_by, name));
        }
    }

    /// Claims the type name of something the generated code makes for an
    /// operation (`what`: "parameters of `get_pet`"), warned when a schema or
    /// another such type has it.
    fn claim_operation_type(&mut self, candidate: &str, what: &str, at: &Location) -> String {
        let name = self.type_names.claim(candidate);
        let subject = format!("the type of the {what}");
        self.warn_collision(at, &subject, None, candidate, "a schema, or by another generated type", &name);
        name
    }

    /// Adds a named type that is still to be defined.
    fn declare(&mut self, name_hint: &str, origin: &Location) -> TypeId {
        let name = self.type_names.claim(&crate::naming::type_name(name_hint));
        self.declare_claimed(name, origin)
    }

    /// [`Self::declare`] under a name already claimed.
    fn declare_claimed(&mut self, name: String, origin: &Location) -> TypeId {
        let id = TypeId(self.declared.len());
        self.declared.push(Declared { name, origin: origin.clone(), doc: None, deprecated: false, kind: None });
        id
    }

    /// Every `components.schemas` entry becomes a named type, claimed in spec
    /// order first so components keep their own names.
    fn lower_components(&mut self) {
        let components = &self.documents.model.components;
        let mut declared = Vec::new();
        for (name, node) in &components.schemas {
            let at = node.at.clone();
            let candidate = crate::naming::type_name(name);
            let claimed = self.type_names.claim(&candidate);
            let subject = format!("schema `{}`", name.escape_debug());
            self.warn_collision(&at, &subject, Some("type"), &candidate, "another schema, or by the generated code", &claimed);
            let id = self.declare_claimed(claimed, &at);
            self.by_location.insert(at.clone(), id);
            // (`null` itself, or a `null` alternative of a 3.1 union:
            // `ResponseError: {anyOf: [{type: object, …}, {type: 'null'}]}`.)
            if let Some(schema) = node.as_item()
                && (schema.allows_null() || schema.one_of.iter().chain(&schema.any_of).any(|member| self.is_null_member(member)))
            {
                // Known before any use is lowered, so whether a `$ref` is
                // nullable does not depend on the order of components.
                self.nullable.insert(id);
            }
            declared.push((id, at));
        }
        self.derived = schema::derived_schemas(self.documents, &self.resolver);
        for (id, at) in declared {
            self.define_at(id, &at);
        }
    }
}

#[cfg(test)]
mod tests;
