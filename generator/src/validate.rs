//! The IR's invariants, checked once between analysis and emission.
//!
//! Emission trusts the IR: every type id names a type (the IR cannot hold
//! an undefined one: lowering's `Declared` types become `TypeDef`s only
//! once defined), every item has a name, names are unique where Rust needs
//! them to be, and every security requirement names a scheme. A broken
//! invariant is a bug in the generator, not in the spec; it is reported as
//! an `internal` diagnostic (with the location of the node concerned) and
//! nothing is emitted, instead of emitting a silent default.

use std::collections::BTreeSet;

use crate::diagnostics::{Code, Diagnostic};
use crate::ir::{Api, Location, TypeKind};
use crate::runtime_names::{BUILDER_METHODS, CLIENT_METHODS};

/// Every broken invariant of `api`, located; empty when emission may go on.
pub fn check(api: &Api) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    let mut report = |at: &Location, message: String| {
        problems.push(Diagnostic::new(Code::Internal, &at.file, &at.pointer.to_string(), format!("internal error: {message}")));
    };
    let count = api.types.defs.len();
    let mut dangling = 0;
    api.visit_type_ids(&mut |id| dangling += usize::from(id.0 >= count));
    if dangling > 0 {
        let at = api.types.defs.first().map(|def| def.origin.clone()).or_else(|| api.operations.first().map(|op| op.origin.clone()));
        let at = at.unwrap_or_else(|| Location::new("", crate::pointer::Pointer::root()));
        report(&at, format!("{dangling} type reference(s) name no type (the type space has {count})"));
    }
    let mut type_names = BTreeSet::new();
    for def in &api.types.defs {
        if def.name.is_empty() {
            report(&def.origin, "a type has no name".to_owned());
        } else if !type_names.insert(def.name.as_str()) {
            report(&def.origin, format!("two types are named `{}`", def.name));
        }
        match &def.kind {
            TypeKind::Struct(structure) => {
                let mut fields = BTreeSet::new();
                for field in &structure.fields {
                    if field.name.is_empty() || !fields.insert(field.name.as_str()) {
                        report(&field.origin, format!("field `{}` of `{}` is empty or repeated", field.name, def.name));
                    }
                }
            }
            TypeKind::Union(union) => {
                let mut variants = BTreeSet::new();
                for variant in &union.variants {
                    if variant.name.is_empty() || !variants.insert(variant.name.as_str()) || variant.name == FALLBACK_VARIANT {
                        report(&def.origin, format!("variant `{}` of `{}` is empty, repeated or the fallback's", variant.name, def.name));
                    }
                }
            }
            TypeKind::Enum(enumeration) => {
                let mut variants = BTreeSet::new();
                for variant in &enumeration.variants {
                    if variant.name.is_empty() || !variants.insert(variant.name.as_str()) || variant.name == FALLBACK_VARIANT {
                        report(&def.origin, format!("variant `{}` of `{}` is empty, repeated or the fallback's", variant.name, def.name));
                    }
                }
            }
            TypeKind::Alias { .. } | TypeKind::Responses(_) => {}
        }
    }
    let mut operation_names = BTreeSet::new();
    for operation in &api.operations {
        let methods = operation.pagination.iter().flat_map(|pagination| {
            let methods = &pagination.methods;
            [&methods.request, &methods.send, &methods.pages, &methods.stream]
        });
        for name in std::iter::once(&operation.name).chain(methods) {
            if name.is_empty() || !operation_names.insert(name.as_str()) || CLIENT_METHODS.contains(&crate::naming::unraw(name)) {
                report(&operation.origin, format!("method name `{name}` is empty, repeated or one the runtime defines"));
            }
        }
        let mut params = BTreeSet::new();
        for param in operation
            .path_params
            .iter()
            .map(|param| (&param.name, &param.origin))
            .chain(operation.params.iter().map(|param| (&param.name, &param.origin)))
        {
            if param.0.is_empty() || !params.insert(param.0.as_str()) {
                report(param.1, format!("parameter `{}` of `{}` is empty or repeated", param.0, operation.name));
            }
        }
        for name in [&operation.params_type, &operation.headers_type].into_iter().flatten() {
            if name.is_empty() || type_names.contains(name.as_str()) {
                report(&operation.origin, format!("`{name}` of `{}` is empty or taken by a model", operation.name));
            }
        }
        if operation.security.iter().flatten().any(|id| api.scheme(*id).is_none()) {
            report(&operation.origin, format!("a security requirement of `{}` names no scheme", operation.name));
        }
    }
    let mut setters = BTreeSet::new();
    for scheme in &api.security_schemes {
        for name in std::iter::once(&scheme.name).chain(&scheme.provider) {
            if BUILDER_METHODS.contains(&crate::naming::unraw(name)) || !setters.insert(name.as_str()) {
                report(&scheme.origin, format!("security scheme setter `{name}` is repeated or a method the runtime defines"));
            }
        }
    }
    problems
}

/// The catch-all variant of open enums and tagged unions.
const FALLBACK_VARIANT: &str = "Unknown";
