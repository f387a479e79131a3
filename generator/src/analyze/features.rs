//! Cargo features for slices of an API: one feature per tag. An operation
//! is compiled when any of its tags' features is on (untagged operations
//! have a feature of their own); a type is compiled when an operation that
//! reaches it is. Types no operation reaches (webhook payloads, say) and
//! what they use are under a feature of their own, [`SCHEMAS`]. The default
//! feature set is everything, so `cargo add` needs no thought.

use std::collections::BTreeSet;

use super::{operation_roots, reachable};
use crate::diagnostics::{Code, Diagnostic};
use crate::ir::{Api, FULL, Features, MOCK, SCHEMAS, Slice, UNTAGGED};
use crate::naming::Scope;
use crate::pointer::Location;

/// A Cargo feature name for a tag: lowercase ASCII letters, digits, `-`
/// and `_`, starting with a letter.
fn feature_name(tag: &str) -> String {
    let mut name = String::new();
    for c in tag.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            name.push(c.to_ascii_lowercase());
        } else if !name.ends_with('-') {
            name.push('-');
        }
    }
    let name = name.trim_matches('-').to_owned();
    let name = if name.starts_with(|c: char| c.is_ascii_alphabetic()) { name } else { format!("tag-{name}") };
    crate::naming::shorten_plain(name.trim_end_matches('-'))
}

/// Assigns features to the operations and types of `api`, with a
/// `name-collision` warning for each tag whose feature is numbered (at the
/// first operation with the tag).
pub fn assign(api: &Api) -> (Features, Vec<Diagnostic>) {
    // Names reserved by Cargo, by this module or by the manifest's other
    // features.
    let mut scope = Scope::with_reserved(["default", FULL, UNTAGGED, SCHEMAS, MOCK]);
    let mut names: Vec<(String, Slice)> = Vec::new();
    let mut warnings = Vec::new();
    // (`at`: where a tag's numbered feature is warned; `None` for the
    // features that are not tags.)
    let mut index_of = |slice: Slice, names: &mut Vec<(String, Slice)>, at: Option<&Location>| -> usize {
        if let Some(found) = names.iter().position(|(_, known)| *known == slice) {
            return found;
        }
        let name = match &slice {
            Slice::Tag(tag) => {
                let plain = feature_name(tag);
                let name = scope.claim(&plain);
                if let Some(at) = at
                    && name != plain
                {
                    let message = format!(
                        "tag `{}` would be the Cargo feature `{plain}`, which is taken (by another tag, or by the generated manifest); it is the feature `{name}`",
                        tag.escape_debug()
                    );
                    warnings.push(Diagnostic::warning(Code::NameCollision, &at.file, &at.pointer.to_string(), message));
                }
                name
            }
            Slice::Untagged => UNTAGGED.to_owned(),
            Slice::Schemas => SCHEMAS.to_owned(),
        };
        names.push((name, slice));
        names.len() - 1
    };
    let mut operations = Vec::new();
    for operation in &api.operations {
        let at = &operation.origin;
        let mut features: Vec<usize> = operation.tags.iter().map(|tag| index_of(Slice::Tag(tag.clone()), &mut names, Some(at))).collect();
        if features.is_empty() {
            features.push(index_of(Slice::Untagged, &mut names, None));
        }
        features.sort_unstable();
        features.dedup();
        operations.push(features);
    }
    let mut per_type: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); api.types.defs.len()];
    for feature in 0..names.len() {
        let roots = api
            .operations
            .iter()
            .zip(&operations)
            .filter(|(_, features)| features.contains(&feature))
            .flat_map(|(operation, _)| operation_roots(operation))
            .collect();
        for (id, reached) in reachable(&api.types, roots).into_iter().enumerate() {
            if reached {
                per_type[id].insert(feature);
            }
        }
    }
    // Types no operation reaches are under their own feature, and so is
    // everything they use (`analyze::mark_unreached`).
    if api.types.defs.iter().any(|def| def.unreached) && !names.is_empty() {
        let schemas = index_of(Slice::Schemas, &mut names, None);
        for (features, def) in per_type.iter_mut().zip(&api.types.defs) {
            if def.unreached {
                features.insert(schemas);
            }
        }
    }
    let types = per_type.into_iter().map(|features| (!features.is_empty()).then(|| features.into_iter().collect())).collect();
    (Features { names, operations, types }, warnings)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_become_feature_names() {
        let cases = [
            ("repos", "repos"),
            ("Billing & Invoices", "billing-invoices"),
            ("users.user", "users-user"),
            ("2fa", "tag-2fa"),
            ("snake_case", "snake_case"),
            ("  spaced  ", "spaced"),
            ("ünïcode", "n-code"),
            ("12", "tag-12"),
        ];
        for (tag, expected) in cases {
            assert_eq!(feature_name(tag), expected, "{tag:?}");
        }
    }
}
