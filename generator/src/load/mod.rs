//! Stage 1: text → documents. Loads a spec and the files its relative
//! `$ref`s name, through the caller's [`Loader`], and reads the root into
//! the model; each step but the loading is a submodule.
//!
//! YAML and JSON are both read into `serde_json::Value` ([`parse`]: JSON
//! with the JSON parser, never through YAML; the only module that knows
//! about serde_yaml). The version is checked on that value ([`version`]);
//! a 3.0 root is made lenient ([`normalize`]) and deserialized into
//! [`openapiv3::OpenAPI`], a refusal located at its node ([`shape`]); 2.0
//! and 3.1 are read from the value. [`refs`] lists the files to load next.
//!
//! Spec text is untrusted:
//! * every text is scanned for nesting depth in linear time before a parser
//!   sees it ([`nesting`]);
//! * `$ref`s are confined to the root spec's directory tree
//!   ([`join_ref`](crate::confine::join_ref)): absolute paths, `..` leading
//!   out of it and URLs are reported and never handed to the loader;
//! * diagnostics about a referenced file name the place and a generic reason
//!   but never quote its content.

pub mod nesting;
mod normalize;
mod parse;
mod refs;
mod shape;
mod version;

pub use nesting::MAX_NESTING;

use std::collections::BTreeMap;

use openapiv3::OpenAPI;
use serde_json::Value;

use crate::model::{Document, Version};

use crate::Loader;
use crate::confine::tree_prefix;
use crate::diagnostics::{Code, Diagnostic, Diagnostics};

use normalize::normalize;
use parse::parse_text;
use refs::{Refs, collect_refs};
use shape::{locate_shape_error, shape_error};
use version::check_version;

/// A spec and every file it references, read into the model.
#[derive(Debug)]
pub struct Documents {
    /// Path of the root document.
    pub root_path: String,
    /// The directory `$ref`s may read files in, as a prefix of paths
    /// (`specs/`, or empty for the loader's base): the root spec's
    /// directory, or [`crate::Config::ref_root`]. What
    /// [`join_ref`](crate::confine::join_ref) confines to.
    pub tree: String,
    /// The version the root was read as: only the readers ask (fragments
    /// read on demand, through [`Documents::context`]); past them, the
    /// model's [`crate::model::Dialect`] says what depends on it.
    pub version: Version,
    /// The root document in the version-neutral model.
    pub model: Document,
    /// Every loaded file (the root included) as untyped JSON, keyed by
    /// path, for `$ref`s that point anywhere other than a root component,
    /// and for checking examples (which the model leaves out).
    pub raw: BTreeMap<String, Value>,
    /// Referenced files that could not be loaded, with the reason. The
    /// `$ref`s into them are reported where they are resolved, so one
    /// missing file does not hide other problems.
    pub failed: BTreeMap<String, String>,
    /// Swagger 2.0 global `consumes` and `produces` (for fragments read on
    /// demand).
    pub media: (Vec<String>, Vec<String>),
    /// Problems the reader found (errors, e.g. a Swagger 2.0 parameter
    /// `$ref` to nothing, and warnings for interpretations it made); they
    /// are reported together with lowering's.
    pub read_problems: Vec<Diagnostic>,
    /// Warnings raised while resolving (`$ref`s into the wrong section
    /// that were used); drained by lowering.
    pub notes: std::cell::RefCell<Vec<Diagnostic>>,
}

impl Documents {
    /// What reading a fragment of these documents needs.
    pub fn context(&self) -> crate::read::Context<'_> {
        crate::read::Context {
            version: self.version,
            raw: &self.raw,
            root_file: &self.root_path,
            tree: &self.tree,
            consumes: &self.media.0,
            produces: &self.media.1,
        }
    }
}

/// Loads the spec at `path` and every file its `$ref`s name. A file outside
/// the directory tree of `path` is never asked for; a `$ref` to one is a
/// [`Code::RefOutsideSpecTree`] diagnostic where it is resolved (a `$ref`
/// nothing follows — inside an example or an extension, say — is data).
///
/// The version is checked first; a 2.0 or 3.1 document is then read from
/// its JSON value, a 3.0 document through `openapiv3`.
#[cfg(test)]
pub fn load_spec(path: &str, loader: &dyn Loader) -> Result<Documents, Diagnostics> {
    load_spec_in(path, None, loader)
}

/// [`load_spec`] with `$ref`s confined to `ref_root` (a directory that
/// holds the spec, as the loader names paths) instead of the spec's own
/// directory. A spec outside `ref_root` is an error.
pub fn load_spec_in(path: &str, ref_root: Option<&str>, loader: &dyn Loader) -> Result<Documents, Diagnostics> {
    let tree = tree_prefix(path, ref_root)?;
    let mut root_value = load_value(path, loader, Origin::Root)?;
    let version = check_version(path, &root_value)?;
    let (version, tolerated) = prepare(&mut root_value, path, version);
    let mut root_refs = Refs::default();
    collect_refs(&root_value, &tree, path, &mut root_refs);
    let mut raw = BTreeMap::new();
    let mut failed = BTreeMap::new();
    let mut pending: Vec<Vec<String>> = vec![std::mem::take(&mut root_refs.files)];
    while let Some(targets) = pending.pop() {
        for target_file in targets {
            if target_file == path || raw.contains_key(&target_file) || failed.contains_key(&target_file) {
                continue;
            }
            match load_value(&target_file, loader, Origin::Referenced) {
                Ok(value) => {
                    let mut refs = Refs::default();
                    collect_refs(&value, &tree, &target_file, &mut refs);
                    raw.insert(target_file, value);
                    pending.push(refs.files);
                }
                Err(found) => {
                    let reason = found.iter().map(|d| d.message.clone()).collect::<Vec<_>>().join("; ");
                    failed.insert(target_file, reason);
                }
            }
        }
    }
    let mut media = (Vec::new(), Vec::new());
    let (model, mut warnings) = match version {
        Version::OpenApi30 => {
            // The typed document serves every `#/components/...` reference;
            // the raw root serves the others, and the example checks
            // (examples are not part of the model).
            raw.insert(path.to_owned(), root_value.clone());
            // Deserialized without path tracking, which costs a sixth of
            // loading a large spec; a document openapiv3 refuses is read
            // again and the error located then.
            match serde_json::from_value::<OpenAPI>(root_value) {
                Ok(root) => (crate::read::v30::document(path, &root), Vec::new()),
                Err(_) => {
                    // The value was consumed; read it again.
                    let value = load_value(path, loader, Origin::Root)?;
                    // Prepared as the refused value was (its warnings
                    // were recorded the first time), so the error is found
                    // where openapiv3 found it.
                    let mut prepared = value.clone();
                    let _ = prepare(&mut prepared, path, version);
                    let diagnostic = shape_error(path, &prepared);
                    let refused = locate_shape_error(path, &value, diagnostic);
                    read_node_by_node(path, value, refused, &mut raw)
                }
            }
        }
        Version::OpenApi31 => {
            let mut reader = crate::read::json::Reader::new(version);
            let model = reader.document(&root_value, path);
            raw.insert(path.to_owned(), root_value);
            (model, reader.problems)
        }
        Version::Swagger2 => {
            media = crate::read::v2::media_defaults(&root_value);
            raw.insert(path.to_owned(), root_value);
            let empty = Value::Null;
            let root = raw.get(path).unwrap_or(&empty);
            let mut swagger = crate::read::v2::Swagger::new(&raw, path, &tree, media.0.clone(), media.1.clone());
            let model = swagger.document(root);
            (model, swagger.reader.problems)
        }
    };
    warnings.splice(0..0, tolerated.warnings);
    Ok(Documents {
        root_path: path.to_owned(),
        tree,
        version,
        model,
        raw,
        failed,
        media,
        read_problems: warnings,
        notes: Default::default(),
    })
}

/// The tolerant reader's interpretations applied to the root document of
/// `version`, and the version it is read as: 3.1 keywords in a 3.0
/// document make it 3.1 (whose reader knows them, and `nullable` as well);
/// a document still read as 3.0 is normalized for openapiv3.
fn prepare(value: &mut Value, path: &str, version: Version) -> (Version, crate::read::tolerate::Tolerated) {
    let tolerated = crate::read::tolerate::apply(value, path, version);
    let version = if tolerated.read_as_31 { Version::OpenApi31 } else { version };
    if version == Version::OpenApi30 {
        normalize(value);
    }
    (version, tolerated)
}

/// A 3.0 document that `openapiv3` refused (it refuses the whole document
/// for one node it cannot read) is read by the JSON reader (3.1's, which
/// knows 3.0's keywords too) node by node: what it cannot read is reported
/// where it is, and an operation with such a node is left out with a
/// warning. When it finds nothing wrong itself, `refused` is kept as a
/// warning, so `--strict` refuses the document as before.
fn read_node_by_node(
    path: &str,
    value: Value,
    refused: Diagnostic,
    raw: &mut BTreeMap<String, Value>,
) -> (crate::model::Document, Vec<Diagnostic>) {
    let mut reader = crate::read::json::Reader::new(Version::OpenApi30);
    let model = reader.document(&value, path);
    raw.insert(path.to_owned(), value);
    let mut problems = reader.problems;
    if !problems.iter().any(Diagnostic::is_error) {
        let message = format!("{}; the document is read node by node instead, leaving out what does not fit", refused.message);
        problems.insert(0, Diagnostic::warning(refused.code, &refused.file, &refused.pointer, message));
    }
    (model, problems)
}

/// Whether a file is the root spec or was named by a `$ref`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Origin {
    /// The spec the caller asked for: its problems are reported in full.
    Root,
    /// A file named by a `$ref`: problems are located, but nothing of its
    /// content is quoted (it may be any file in the spec's tree).
    Referenced,
}

fn load_value(path: &str, loader: &dyn Loader, origin: Origin) -> Result<Value, Diagnostics> {
    let text = loader.load(path).map_err(|error| Diagnostic::new(Code::Io, path, "", format!("cannot read file: {error}")))?;
    match (parse_text(path, &text), origin) {
        (Ok(value), _) => Ok(value),
        (Err(diagnostic), Origin::Root) => Err(diagnostic.into()),
        (Err(diagnostic), Origin::Referenced) => Err(without_content(diagnostic).into()),
    }
}

/// A parse problem in a referenced file, with the parser's message (which
/// may quote the file, e.g. serde_yaml's `duplicate entry with key "…"`)
/// replaced by a generic one. The location is kept.
fn without_content(mut diagnostic: Diagnostic) -> Diagnostic {
    if diagnostic.code == Code::Syntax {
        let at = diagnostic.line_column.map_or_else(String::new, |(line, column)| format!(" at line {line}, column {column}"));
        diagnostic.message = format!("not valid YAML or JSON{at} (the parser's message is not shown for referenced files)");
    } else if diagnostic.code == Code::NestingTooDeep
        && let Some((line, column)) = diagnostic.line_column
    {
        diagnostic.message = format!("{} (at line {line}, column {column})", diagnostic.message);
    }
    diagnostic
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::confine::{Refusal, join_ref};

    /// An in-memory loader: path → text.
    pub(super) fn files(entries: &[(&str, &str)]) -> BTreeMap<String, String> {
        entries.iter().map(|(path, text)| (path.to_string(), text.to_string())).collect()
    }

    #[test]
    fn loads_referenced_files_relative_to_the_referrer() {
        let loader = files(&[
            (
                "specs/api.yaml",
                "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A: {$ref: 'common/b.yaml#/B'}\n",
            ),
            ("specs/common/b.yaml", "B: {type: string}\n"),
        ]);
        let documents = load_spec("specs/api.yaml", &loader).expect("loads");
        assert!(documents.raw.contains_key("specs/common/b.yaml"));
        let loader = files(&[(
            "api.yaml",
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A: {$ref: 'missing.yaml#/B'}\n",
        )]);
        let documents = load_spec("api.yaml", &loader).expect("a missing referenced file is reported later");
        assert!(documents.failed["missing.yaml"].contains("cannot read file"));
    }

    /// `Config::ref_root` widens the tree to a directory that holds the
    /// spec (`..` may reach it); outside it stays refused, and a spec
    /// outside the root is an error.
    #[test]
    fn a_ref_root_widens_the_tree() {
        let table = [
            ("data/api/sync.yaml", None, Ok("data/api/")),
            ("data/api/sync.yaml", Some("data"), Ok("data/")),
            ("data/api/sync.yaml", Some("data/"), Ok("data/")),
            ("data/api/sync.yaml", Some("."), Ok("")),
            ("data/api/sync.yaml", Some(""), Ok("")),
            ("/abs/api/sync.yaml", Some("/"), Ok("/")),
            ("data/api/sync.yaml", Some("dat"), Err(())),
            ("data/api/sync.yaml", Some("other"), Err(())),
            ("data/../x/sync.yaml", Some("data"), Err(())),
        ];
        for (path, root, expected) in table {
            let found = tree_prefix(path, root)
                .map_err(|found| assert_eq!(found.iter().map(|d| d.code).collect::<Vec<_>>(), [Code::RefOutsideSpecTree]));
            assert_eq!(found.as_deref().map_err(|&()| ()), expected, "{path} in {root:?}");
        }
        assert_eq!(join_ref("data/", "data/api/sync.yaml", "../schema/x.yaml"), Ok("data/schema/x.yaml".to_owned()));
        assert_eq!(join_ref("data/", "data/api/sync.yaml", "../../x.yaml"), Err(Refusal::Escapes));
        let loader = files(&[
            (
                "data/api/sync.yaml",
                "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    E: {$ref: '../schema/e.yaml#/E'}\n",
            ),
            ("data/schema/e.yaml", "E: {type: string}\n"),
        ]);
        let spec = crate::SpecInput { path: "data/api/sync.yaml".to_owned(), module: "sync".to_owned() };
        let refused =
            crate::generate(std::slice::from_ref(&spec), &loader, &crate::Config::default()).expect_err("outside the spec's directory");
        let codes: Vec<Code> = refused.iter().map(|d| d.code).collect();
        assert_eq!(codes, [Code::RefOutsideSpecTree]);
        assert!(refused.iter().all(|d| d.message.contains("`--ref-root DIR`")), "{refused}");
        let config = crate::Config { ref_root: Some("data".to_owned()), ..crate::Config::default() };
        assert!(crate::generate(&[spec], &loader, &config).is_ok(), "inside the ref root");
    }

    #[test]
    fn referenced_files_are_never_quoted() {
        let root = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A: {$ref: 'dup.yaml#/A'}\n    B: {$ref: 'bad.json#/B'}\n";
        let loader = files(&[
            ("api.yaml", root),
            ("dup.yaml", "s3cr3t-key: 1\ns3cr3t-key: 2\n"),
            ("bad.json", "{\"B\": {\"type\": \"s3cr3t-value\"}, }"),
        ]);
        let documents = load_spec("api.yaml", &loader).expect("loading fails only later, at the refs");
        for reason in documents.failed.values() {
            assert!(!reason.contains("s3cr3t"), "{reason}");
            assert!(reason.contains("at line"), "still located: {reason}");
        }
        assert_eq!(documents.failed.len(), 2);
    }
}
