//! Stage 2: following `$ref`s. A reference may point at a root component
//! (fast path, borrowed from the typed document), anywhere else in the root,
//! or into another loaded file (deserialized on demand). Chains are followed
//! to the definition; loops are reported, never followed forever.

use std::borrow::Cow;

use openapiv3::{Components, Parameter, ReferenceOr, RequestBody, Response, Schema, SecurityScheme};
use serde::de::DeserializeOwned;

use crate::diagnostics::{Code, Diagnostic};
use crate::ir::Location;
use crate::load::{join_ref, Documents};
use crate::pointer::Pointer;

/// The longest `$ref` chain followed before giving up.
const MAX_HOPS: usize = 64;

/// Something a `$ref` can point at.
pub trait Component: DeserializeOwned + Clone {
    /// Its section in `components`.
    const SECTION: &'static str;
    /// Looks up `name` in that section.
    fn lookup<'a>(components: &'a Components, name: &str) -> Option<&'a ReferenceOr<Self>>;
}

macro_rules! component {
    ($ty:ty, $section:literal, $field:ident) => {
        impl Component for $ty {
            const SECTION: &'static str = $section;
            fn lookup<'a>(components: &'a Components, name: &str) -> Option<&'a ReferenceOr<Self>> {
                components.$field.get(name)
            }
        }
    };
}

component!(Schema, "schemas", schemas);
component!(Parameter, "parameters", parameters);
component!(Response, "responses", responses);
component!(RequestBody, "requestBodies", request_bodies);
component!(openapiv3::Header, "headers", headers);
component!(SecurityScheme, "securitySchemes", security_schemes);

/// Path items have no components section in OpenAPI 3.0; they can only be
/// referenced by pointer or in another file.
impl Component for openapiv3::PathItem {
    const SECTION: &'static str = "pathItems";
    fn lookup<'a>(_: &'a Components, _: &str) -> Option<&'a ReferenceOr<Self>> {
        None
    }
}

/// A node that is either inline or a reference; lets `ReferenceOr<T>` and
/// `ReferenceOr<Box<T>>` be handled alike.
#[derive(Debug)]
pub enum Node<'a, T> {
    /// `$ref: …`.
    Ref(&'a str),
    /// Inline definition.
    Item(&'a T),
}

impl<T> Clone for Node<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Node<'_, T> {}

impl<'a, T> From<&'a ReferenceOr<T>> for Node<'a, T> {
    fn from(node: &'a ReferenceOr<T>) -> Self {
        match node {
            ReferenceOr::Reference { reference } => Node::Ref(reference),
            ReferenceOr::Item(item) => Node::Item(item),
        }
    }
}

impl<'a, T> From<&'a ReferenceOr<Box<T>>> for Node<'a, T> {
    fn from(node: &'a ReferenceOr<Box<T>>) -> Self {
        match node {
            ReferenceOr::Reference { reference } => Node::Ref(reference),
            ReferenceOr::Item(item) => Node::Item(item),
        }
    }
}

/// Follows references within a set of loaded documents.
#[derive(Debug, Clone, Copy)]
pub struct Resolver<'a> {
    documents: &'a Documents,
}

impl<'a> Resolver<'a> {
    /// A resolver over `documents`.
    pub fn new(documents: &'a Documents) -> Self {
        Self { documents }
    }

    /// Where the `$ref` string `reference`, written in `from_file`, points.
    pub fn target(&self, from_file: &str, reference: &str) -> Result<Location, String> {
        let (file, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        let file = if file.is_empty() {
            from_file.to_owned()
        } else {
            // `load` never loaded a file outside the tree; a `$ref` to one
            // is reported here, where something needs it.
            join_ref(&self.documents.root_path, from_file, file)
                .map_err(|refusal| {
                    // A referenced file's text is never quoted.
                    let quoted = (from_file == self.documents.root_path).then_some(file);
                    refusal.message(quoted, &self.documents.root_path)
                })?
        };
        let pointer = Pointer::parse(fragment).ok_or_else(|| format!("`{reference}` is not a valid JSON pointer reference"))?;
        Ok(Location { file, pointer })
    }

    /// Follows the `$ref` string `reference`, written at `at`, to its
    /// definition; returns the definition and where it is.
    pub fn resolve<T: Component>(&self, reference: &str, at: &Location) -> Result<(Cow<'a, T>, Location), Diagnostic> {
        let mut reference = reference.to_owned();
        let mut from = at.clone();
        let mut seen: Vec<Location> = Vec::new();
        for _ in 0..MAX_HOPS {
            let target = self.target(&from.file, &reference).map_err(|message| {
                let (file, _) = reference.split_once('#').unwrap_or((&reference, ""));
                let outside = !file.is_empty() && join_ref(&self.documents.root_path, &from.file, file).is_err();
                diagnostic(if outside { Code::RefOutsideSpecTree } else { Code::BrokenRef }, &from, message)
            })?;
            if seen.contains(&target) {
                return Err(diagnostic(Code::RefCycle, at, format!("`$ref` chain loops back to {target}")));
            }
            seen.push(target.clone());
            match self.step::<T>(&target) {
                Ok(Step::Found(item)) => return Ok((item, target)),
                Ok(Step::Next(next)) => {
                    reference = next;
                    from = target;
                }
                Err(message) => return Err(diagnostic(Code::BrokenRef, &from, format!("`{reference}`: {message}"))),
            }
        }
        Err(diagnostic(Code::RefCycle, at, format!("`$ref` chain is longer than {MAX_HOPS} hops")))
    }

    fn step<T: Component>(&self, target: &Location) -> Result<Step<'a, T>, String> {
        let segments = target.pointer.segments();
        if target.file == self.documents.root_path
            && segments.len() == 3
            && segments[0] == "components"
            && segments[1] == T::SECTION
            && let Some(components) = &self.documents.root.components
        {
            return match T::lookup(components, &segments[2]) {
                Some(ReferenceOr::Item(item)) => Ok(Step::Found(Cow::Borrowed(item))),
                Some(ReferenceOr::Reference { reference }) => Ok(Step::Next(reference.clone())),
                None => Err(format!("no `{}` in components.{}", segments[2], T::SECTION)),
            };
        }
        if target.file == self.documents.root_path
            && segments.len() == 3
            && segments[0] == "components"
            && segments[1] != T::SECTION
        {
            return Err(format!("points into components.{}, but a {} entry is expected here", segments[1], T::SECTION));
        }
        if let Some(reason) = self.documents.failed.get(&target.file) {
            return Err(format!("cannot load `{}`: {reason}", target.file));
        }
        let document = self
            .documents
            .raw
            .get(&target.file)
            .ok_or_else(|| format!("file `{}` was not loaded", target.file))?;
        let value = document
            .pointer(&target.pointer.to_string())
            .ok_or_else(|| format!("nothing at `{}#{}`", target.file, target.pointer))?;
        if let Some(next) = value.get("$ref").and_then(serde_json::Value::as_str) {
            return Ok(Step::Next(next.to_owned()));
        }
        serde_path_to_error::deserialize::<_, T>(value).map(|item| Step::Found(Cow::Owned(item))).map_err(|error| {
            if target.file == self.documents.root_path {
                format!("the target is not a valid {} entry at `{}`: {}", T::SECTION, error.path(), error.inner())
            } else {
                // serde's message and path quote the referenced file
                // (`invalid type: string "…"`); name the place only.
                format!(
                    "`{target}` is not a valid {} entry (details are not shown for referenced files)",
                    T::SECTION
                )
            }
        })
    }
}

enum Step<'a, T: Clone> {
    Found(Cow<'a, T>),
    Next(String),
}

fn diagnostic(code: Code, at: &Location, message: impl Into<String>) -> Diagnostic {
    Diagnostic::new(code, &at.file, &at.pointer.to_string(), message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn documents(files: &[(&str, &str)]) -> Documents {
        let loader: BTreeMap<String, String> =
            files.iter().map(|(path, text)| (path.to_string(), text.to_string())).collect();
        crate::load::load_spec(files[0].0, &loader).expect("loads")
    }

    const HEAD: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n";

    fn resolve_schema(documents: &Documents, reference: &str) -> Result<(Schema, Location), Diagnostic> {
        let at = Location::new(&documents.root_path, Pointer::root());
        Resolver::new(documents)
            .resolve::<Schema>(reference, &at)
            .map(|(schema, location)| (schema.into_owned(), location))
    }

    #[test]
    fn follows_chains_to_the_definition() {
        let docs = documents(&[(
            "a.yaml",
            &format!("{HEAD}components:\n  schemas:\n    A: {{$ref: '#/components/schemas/B'}}\n    B: {{type: string}}\n"),
        )]);
        let (_, location) = resolve_schema(&docs, "#/components/schemas/A").expect("resolves");
        assert_eq!(location.to_string(), "a.yaml#/components/schemas/B");
    }

    #[test]
    fn reports_loops_and_dangling_refs() {
        let docs = documents(&[(
            "a.yaml",
            &format!("{HEAD}components:\n  schemas:\n    A: {{$ref: '#/components/schemas/B'}}\n    B: {{$ref: '#/components/schemas/A'}}\n"),
        )]);
        let error = resolve_schema(&docs, "#/components/schemas/A").expect_err("loop");
        assert_eq!(error.code, Code::RefCycle);
        let error = resolve_schema(&docs, "#/components/schemas/Nope").expect_err("dangling");
        assert_eq!(error.code, Code::BrokenRef);
        assert!(error.message.contains("Nope"), "{}", error.message);
    }

    #[test]
    fn resolves_into_other_files_and_non_component_pointers() {
        let docs = documents(&[
            ("api.yaml", &format!("{HEAD}components:\n  schemas:\n    A: {{$ref: 'lib/b.yaml#/B'}}\n")),
            ("lib/b.yaml", "B: {$ref: '#/C'}\nC: {type: integer}\n"),
        ]);
        let (schema, location) = resolve_schema(&docs, "#/components/schemas/A").expect("resolves");
        assert_eq!(location.to_string(), "lib/b.yaml#/C");
        assert!(matches!(schema.schema_kind, openapiv3::SchemaKind::Type(openapiv3::Type::Integer(_))));
    }
}
