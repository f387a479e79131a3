//! Stage 2: following `$ref`s over the model. A reference may point at a
//! component of the root document (found by its location, borrowed), at
//! anything else in the root, or into another loaded file (read on demand
//! by the document's reader). Chains are followed to the definition; loops
//! are reported, never followed forever.

use std::borrow::Cow;

use crate::confine::join_ref;
use crate::diagnostics::{Code, Diagnostic};
use crate::load::Documents;
use crate::model::RefOr;
use crate::pointer::Location;
use crate::pointer::Pointer;
use crate::read::Component;

/// The longest `$ref` chain followed.
const MAX_HOPS: usize = 64;

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
            join_ref(&self.documents.tree, from_file, file).map_err(|refusal| {
                // A referenced file's text is never quoted.
                let quoted = (from_file == self.documents.root_path).then_some(file);
                refusal.message(quoted, &self.documents.tree)
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
                let outside = !file.is_empty() && join_ref(&self.documents.tree, &from.file, file).is_err();
                diagnostic(if outside { Code::RefOutsideSpecTree } else { Code::BrokenRef }, &from, message)
            })?;
            if seen.contains(&target) {
                return Err(diagnostic(Code::RefCycle, at, format!("`$ref` chain loops back to {target}")));
            }
            seen.push(target.clone());
            match self.step::<T>(&target, &from, &reference) {
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

    /// One hop: what `reference`, written at `from`, finds at `target`.
    fn step<T: Component>(&self, target: &Location, from: &Location, reference: &str) -> Result<Step<'a, T>, String> {
        let documents = self.documents;
        let model = &documents.model;
        let in_root = target.file == documents.root_path;
        if in_root && let Some((section, name)) = model.components.find(target) {
            if section != T::SECTION
                && let Some(coerced) = T::coerce(&model.components, section, name)
            {
                // Reported where the `$ref` is written: that is the line to
                // fix. A referenced file's text is never quoted.
                let shown = if from.file == documents.root_path {
                    format!("the `$ref` `{}`", reference.escape_debug())
                } else {
                    "the `$ref`".to_owned()
                };
                documents.notes.borrow_mut().push(Diagnostic::warning(
                    Code::WrongSectionRef,
                    &from.file,
                    &from.pointer.push("$ref").to_string(),
                    format!(
                        "{} is expected here, but {} points into {}; it is read as {} (a response's JSON schema, a schema as a JSON response; any JSON value if it has no schema)",
                        T::SECTION.entry(),
                        shown,
                        model.dialect.section_label(section),
                        T::SECTION.entry(),
                    ),
                ));
                return Ok(Step::Found(Cow::Owned(coerced)));
            }
            if section != T::SECTION {
                return Err(format!(
                    "points into {}, but a {} entry is expected here",
                    model.dialect.section_label(section),
                    T::SECTION.name()
                ));
            }
            return match T::entries(&model.components).get(name).map(|node| &node.value) {
                Some(RefOr::Item(item)) => Ok(Step::Found(Cow::Borrowed(item))),
                Some(RefOr::Ref(reference)) => Ok(Step::Next(reference.clone())),
                None => Err(format!("no `{name}` in {}", model.dialect.section_label(section))),
            };
        }
        let segments = target.pointer.segments();
        if in_root && let Some(section) = model.dialect.section_of(&segments) {
            let name = segments.last().map(String::as_str).unwrap_or_default();
            return Err(if section == model.dialect.key(T::SECTION) {
                format!("no `{name}` in {}", model.dialect.label(section))
            } else {
                format!("points into {}, but a {} entry is expected here", model.dialect.label(section), T::SECTION.name())
            });
        }
        if let Some(reason) = documents.failed.get(&target.file) {
            return Err(format!("cannot load `{}`: {reason}", target.file));
        }
        let document = documents.raw.get(&target.file).ok_or_else(|| format!("file `{}` was not loaded", target.file))?;
        let value =
            document.pointer(&target.pointer.to_string()).ok_or_else(|| format!("nothing at `{}#{}`", target.file, target.pointer))?;
        if let Some(next) = value.get("$ref").and_then(serde_json::Value::as_str) {
            let sibling_keywords = value.as_object().is_some_and(|map| map.len() > 1);
            // A 3.1 schema with keywords beside its `$ref` is a definition.
            if !(model.dialect.ref_siblings_define && T::SECTION == crate::model::Section::Schemas && sibling_keywords) {
                return Ok(Step::Next(next.to_owned()));
            }
        }
        T::read(&documents.context(), value, target).map(|item| Step::Found(Cow::Owned(item))).map_err(|error| {
            if in_root {
                format!("the target is not a valid {} entry at `{}`: {}", T::SECTION.name(), error.path, error.message)
            } else {
                // serde's message and path quote the referenced file
                // (`invalid type: string "…"`); name the place only.
                format!("`{target}` is not a valid {} entry (details are not shown for referenced files)", T::SECTION.name())
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
    use crate::model::Schema;
    use std::collections::BTreeMap;

    fn documents(files: &[(&str, &str)]) -> Documents {
        let loader: BTreeMap<String, String> = files.iter().map(|(path, text)| (path.to_string(), text.to_string())).collect();
        crate::load::load_spec(files[0].0, &loader).expect("loads")
    }

    const HEAD: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n";

    fn resolve_schema(documents: &Documents, reference: &str) -> Result<(Schema, Location), Diagnostic> {
        let at = Location::new(&documents.root_path, Pointer::root());
        Resolver::new(documents).resolve::<Schema>(reference, &at).map(|(schema, location)| (schema.into_owned(), location))
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
            &format!(
                "{HEAD}components:\n  schemas:\n    A: {{$ref: '#/components/schemas/B'}}\n    B: {{$ref: '#/components/schemas/A'}}\n"
            ),
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
        assert_eq!(schema.types, ["integer"]);
    }

    #[test]
    fn swagger_definitions_are_found_where_they_are_written() {
        let docs = documents(&[(
            "s.yaml",
            "swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths: {}\ndefinitions:\n  A: {$ref: '#/definitions/B'}\n  B: {type: string}\n",
        )]);
        let (_, location) = resolve_schema(&docs, "#/definitions/A").expect("resolves");
        assert_eq!(location.to_string(), "s.yaml#/definitions/B");
        let error = resolve_schema(&docs, "#/definitions/Nope").expect_err("dangling");
        assert_eq!((error.code, error.message.as_str()), (Code::BrokenRef, "`#/definitions/Nope`: no `Nope` in definitions"));
    }
}
