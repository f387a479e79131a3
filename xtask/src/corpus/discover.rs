//! Finding the spec files of a corpus directory and telling the OpenAPI 3.0
//! documents from the rest.

use std::fs;
use std::path::Path;

use crate::codegen::is_spec_file;
use crate::fs::{files_under, slash_path};

/// Why a file with a spec extension is not run.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Unreadable {
    /// A `swagger` version other than 2.0 (e.g. 1.2).
    OtherSwagger(String),
    /// An `openapi` version other than 3.0.x (e.g. 3.1.0).
    OtherVersion(String),
    /// No top-level `openapi` or `swagger` key: a fragment, or not a spec.
    NoVersion,
}

impl Unreadable {
    pub(super) fn label(&self) -> String {
        match self {
            Unreadable::OtherSwagger(version) => format!("swagger {version}"),
            Unreadable::OtherVersion(version) => format!("openapi {version}"),
            Unreadable::NoVersion => "no version".to_owned(),
        }
    }
}

/// A spec file to run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Found {
    /// Path relative to the corpus directory, `/`-separated, for display.
    pub(super) shown: String,
    /// Path as handed to the generator (the corpus directory joined with
    /// `shown`, so relative to the current directory if the directory is).
    pub(super) path: String,
    /// File size.
    pub(super) bytes: u64,
}

/// Every `*.json`, `*.yaml` and `*.yml` file under a directory, split into
/// specs the generator reads (Swagger 2.0, OpenAPI 3.0 and 3.1) and the rest.
#[derive(Debug, Default)]
pub(super) struct Discovery {
    /// The OpenAPI 3.0 documents, sorted by path.
    pub(super) specs: Vec<Found>,
    /// The other files (display path, reason), sorted by path.
    pub(super) skipped: Vec<(String, Unreadable)>,
}

/// Finds the specs under `dir`, recursively and sorted. Files under
/// `exclude` (the scratch directory, if it lies inside `dir`) are ignored.
pub(super) fn discover(dir: &Path, exclude: Option<&Path>) -> Result<Discovery, String> {
    if !dir.is_dir() {
        return Err(format!("{}: not a directory", dir.display()));
    }
    let canonical_dir = fs::canonicalize(dir).map_err(|error| format!("{}: {error}", dir.display()))?;
    let files = files_under(dir).map_err(|error| format!("{}: {error}", dir.display()))?;
    let mut discovery = Discovery::default();
    for relative in files {
        if exclude.is_some_and(|exclude| canonical_dir.join(&relative).starts_with(exclude)) {
            continue;
        }
        let path = dir.join(&relative);
        if !is_spec_file(&path) {
            continue;
        }
        let bytes = fs::read(&path).map_err(|error| format!("{}: {error}", path.display()))?;
        let shown = slash_path(&relative);
        match classify(&String::from_utf8_lossy(&bytes)) {
            Ok(()) => discovery.specs.push(Found { shown, path: path.to_string_lossy().into_owned(), bytes: bytes.len() as u64 }),
            Err(reason) => discovery.skipped.push((shown, reason)),
        }
    }
    Ok(discovery)
}

/// Decides from a cheap look at the text whether it is a document the
/// generator reads: a top-level `openapi` key whose value starts with `3.0`
/// or `3.1`, or `swagger: "2.0"`.
fn classify(text: &str) -> Result<(), Unreadable> {
    match top_level_scalar(text, "openapi") {
        Some(version) if version.starts_with("3.0") || version.starts_with("3.1") => Ok(()),
        Some(version) => Err(Unreadable::OtherVersion(version)),
        None => match top_level_scalar(text, "swagger") {
            Some(version) if version == "2.0" => Ok(()),
            Some(version) => Err(Unreadable::OtherSwagger(version)),
            None => Err(Unreadable::NoVersion),
        },
    }
}

/// The scalar value of `key`: in YAML a line starting with `key:` (plain or
/// quoted key, no indentation); in JSON the first `"key"` followed by `:`
/// and a string or number. Not a parser, a peek.
fn top_level_scalar(text: &str, key: &str) -> Option<String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let keys = [key.to_owned(), format!("\"{key}\""), format!("'{key}'")];
    for line in text.lines() {
        for candidate in &keys {
            if let Some(value) = line.strip_prefix(candidate.as_str()).and_then(|rest| rest.trim_start().strip_prefix(':')) {
                return scalar(value);
            }
        }
    }
    let needle = &keys[1];
    let mut rest = text;
    while let Some(found) = rest.find(needle.as_str()) {
        rest = &rest[found + needle.len()..];
        if let Some(value) = rest.trim_start().strip_prefix(':').and_then(scalar) {
            return Some(value);
        }
    }
    None
}

/// A quoted or plain scalar at the start of `value`; `None` for an object,
/// an array or nothing.
fn scalar(value: &str) -> Option<String> {
    let value = value.trim_start();
    let text = if let Some(quoted) = value.strip_prefix('"') {
        quoted.split('"').next()
    } else if let Some(quoted) = value.strip_prefix('\'') {
        quoted.split('\'').next()
    } else if value.starts_with(['{', '[']) {
        None
    } else {
        value.split([',', '}', '#', '\n', '\r']).next().map(str::trim)
    }?;
    (!text.is_empty()).then(|| text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fs::write_if_changed;
    use crate::test_support::TempDir;

    #[test]
    fn classifies_by_peeking() {
        let table: &[(&str, Result<(), Unreadable>)] = &[
            ("{\n  \"openapi\": \"3.0.3\",\n  \"info\": {}\n}", Ok(())),
            ("{\"openapi\":\"3.0.0\",\"paths\":{}}", Ok(())),
            ("openapi: 3.0.1\ninfo:\n  title: x\n", Ok(())),
            ("# comment\nopenapi: '3.0.2' # trailing\n", Ok(())),
            ("\u{feff}\"openapi\": \"3.0.0\"\n", Ok(())),
            ("openapi: 3.1.0\n", Ok(())),
            ("{ \"openapi\" : \"3.1.0\" }", Ok(())),
            ("openapi: 4.0.0\n", Err(Unreadable::OtherVersion("4.0.0".to_owned()))),
            ("{\"swagger\": \"2.0\", \"info\": {}}", Ok(())),
            ("swagger: '2.0'\n", Ok(())),
            ("swagger: '1.2'\n", Err(Unreadable::OtherSwagger("1.2".to_owned()))),
            ("type: object\nproperties:\n  openapi:\n    type: string\n", Err(Unreadable::NoVersion)),
            ("{\"properties\": {\"openapi\": {\"type\": \"string\"}}}", Err(Unreadable::NoVersion)),
            ("", Err(Unreadable::NoVersion)),
        ];
        for (text, expected) in table {
            assert_eq!(&classify(text), expected, "text: {text:?}");
        }
    }

    #[test]
    fn discovers_specs_recursively_sorted() -> Result<(), Box<dyn std::error::Error>> {
        let temp = TempDir::new("corpus-discover")?;
        let dir = temp.path();
        let files = [
            ("b.json", "{\"openapi\": \"3.0.0\"}"),
            ("a.yaml", "openapi: 3.0.3\n"),
            ("sub/c.YML", "openapi: \"3.0.1\"\n"),
            ("sub/deeper/v2.json", "{\"swagger\": \"2.0\"}"),
            ("sub/deeper/v12.json", "{\"swagger\": \"1.2\"}"),
            ("v31.yaml", "openapi: 3.1.0\n"),
            ("v4.yaml", "openapi: 4.0.0\n"),
            ("fragment.json", "{\"type\": \"object\"}"),
            ("README.md", "openapi: 3.0.0\n"),
            ("scratch/generated.json", "{\"openapi\": \"3.0.0\"}"),
        ];
        for (file, text) in files {
            write_if_changed(&dir.join(file), text)?;
        }
        let scratch = fs::canonicalize(dir.join("scratch"))?;
        let found = discover(dir, Some(&scratch))?;
        let shown: Vec<&str> = found.specs.iter().map(|spec| spec.shown.as_str()).collect();
        assert_eq!(shown, ["a.yaml", "b.json", "sub/c.YML", "sub/deeper/v2.json", "v31.yaml"]);
        assert_eq!(found.specs[1].path, dir.join("b.json").to_string_lossy());
        assert_eq!(found.specs[1].bytes, 20);
        assert_eq!(
            found.skipped,
            [
                ("fragment.json".to_owned(), Unreadable::NoVersion),
                ("sub/deeper/v12.json".to_owned(), Unreadable::OtherSwagger("1.2".to_owned())),
                ("v4.yaml".to_owned(), Unreadable::OtherVersion("4.0.0".to_owned())),
            ]
        );
        assert!(discover(&dir.join("missing"), None).is_err());
        Ok(())
    }
}
