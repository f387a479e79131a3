//! `cargo xtask codegen`: regenerates every [`TARGETS`] crate from its spec
//! directory (`generated-client` from `specs/`, the `tests` crate's fixture
//! clients from `tests/fixtures/ok/`), or checks that they are up to date.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use generator::module_name_for_path;
use generator::{Config, SpecInput};

use crate::Error;
use crate::sync::{Change, Mode, Orphans, Target, sync_all};
use generator::build::DiskLoader;

/// The command written into every generated file's header.
pub(crate) const REGENERATE_COMMAND: &str = "cargo xtask codegen";
/// Directory of the specs, relative to the workspace root.
pub(crate) const SPECS_DIR: &str = "specs";
/// (spec directory, generated crate directory, models with serde's
/// derives), relative to the workspace root. Every crate's `src/` holds
/// generated code only. The two `twin` crates are one spec generated both
/// ways, for the differential test (`tests/tests/differential.rs`).
pub(crate) const TARGETS: &[(&str, &str, bool)] = &[
    (SPECS_DIR, "generated-client", false),
    ("tests/fixtures/ok", "tests", false),
    ("tests/fixtures/twin", "tests/twin-tables", false),
    ("tests/fixtures/twin", "tests/twin-derive", true),
];
/// File extensions that mark a spec in [`SPECS_DIR`].
const SPEC_EXTENSIONS: &[&str] = &["yaml", "yml", "json"];

/// What one `codegen` run found (check mode) or did (write mode).
#[derive(Debug)]
pub(crate) struct Report {
    /// Number of specs generated from.
    pub(crate) specs: usize,
    /// Number of files the generator produced.
    pub(crate) files: usize,
    /// Files that differed from the output (and, in write mode, were fixed),
    /// each with the crate directory it is in.
    pub(crate) changes: Vec<(&'static str, Change)>,
    /// Interpretations the generator made (warnings), printed by the caller.
    pub(crate) warnings: Vec<generator::Diagnostic>,
}

/// Generates every target from the specs under `root` and syncs the crates
/// according to `mode`. Everything is generated before anything is
/// written: on any generator diagnostic nothing is written at all, and an
/// I/O error while writing restores every crate (see `sync_all`).
pub(crate) fn codegen(root: &Path, mode: Mode) -> Result<Report, Error> {
    let config = Config { regenerate_command: REGENERATE_COMMAND.to_owned(), ..Config::default() };
    let mut outputs = Vec::new();
    let mut diagnostics = generator::Diagnostics::default();
    let mut spec_count = 0;
    for (spec_dir, crate_dir, serde_derive) in TARGETS {
        let config =
            Config { settings: generator::Settings { serde_derive: *serde_derive, ..generator::Settings::default() }, ..config.clone() };
        if *spec_dir != SPECS_DIR && !root.join(spec_dir).is_dir() {
            // Only `specs/` is mandatory (a copy of the specs alone works).
            continue;
        }
        let specs = spec_inputs(root, spec_dir)?;
        spec_count += specs.len();
        // Specs are found, not named: a symbolic link in the spec directory
        // that leads out of it is refused like a `$ref` that does.
        let loader = DiskLoader::new(root, [spec_dir], Vec::new());
        match generator::generate(&specs, &loader, &config) {
            Ok(output) => outputs.push((*crate_dir, output)),
            Err(mut found) => diagnostics.append(&mut found),
        }
    }
    if !diagnostics.is_empty() {
        return Err(Error::Diagnostics(diagnostics));
    }
    // One transaction for every crate: a failure anywhere leaves all as
    // they were.
    let dirs: Vec<_> = outputs.iter().map(|(crate_dir, _)| root.join(crate_dir)).collect();
    let targets: Vec<Target<'_>> =
        outputs.iter().zip(&dirs).map(|((_, output), dir)| Target { dir, files: &output.files, orphans: Orphans::AllFiles }).collect();
    let changes = sync_all(&targets, mode).map_err(Error::Message)?;
    let mut report = Report { specs: spec_count, files: 0, changes: Vec::new(), warnings: Vec::new() };
    for ((crate_dir, output), changes) in outputs.iter().zip(changes) {
        report.files += output.files.len();
        report.warnings.extend(output.warnings.iter().cloned());
        report.changes.extend(changes.into_iter().map(|change| (*crate_dir, change)));
    }
    Ok(report)
}

/// One [`SpecInput`] per spec file in `root/spec_dir`, sorted by file name,
/// with paths relative to `root` so that output is the same on every machine.
pub(crate) fn spec_inputs(root: &Path, spec_dir: &str) -> Result<Vec<SpecInput>, Error> {
    let dir = root.join(spec_dir);
    let entries = fs::read_dir(&dir).map_err(|error| Error::Message(format!("cannot read spec directory {}: {error}", dir.display())))?;
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|error| Error::Message(format!("{}: {error}", dir.display())))?;
        let path = entry.path();
        if !is_spec_file(&path) {
            continue;
        }
        let name = entry
            .file_name()
            .into_string()
            .map_err(|name| Error::Message(format!("{}: spec file name {name:?} is not valid UTF-8", dir.display())))?;
        names.push(name);
    }
    if names.is_empty() {
        return Err(Error::Message(format!("no specs found in {} (expected *.yaml, *.yml or *.json files)", dir.display())));
    }
    names.sort();
    let mut modules: BTreeMap<String, String> = BTreeMap::new();
    let mut specs = Vec::new();
    for name in names {
        let path = format!("{spec_dir}/{name}");
        let module = module_name_for_path(&path);
        if let Some(first) = modules.insert(module.clone(), path.clone()) {
            return Err(Error::Message(format!("{first} and {path} would both generate module `{module}`; rename one of them")));
        }
        specs.push(SpecInput { path, module });
    }
    Ok(specs)
}

/// True for an existing file named `*.yaml`, `*.yml` or `*.json` (any case).
pub(crate) fn is_spec_file(path: &Path) -> bool {
    let has_spec_extension = path
        .extension()
        .and_then(|extension| extension.to_str())
        .is_some_and(|extension| SPEC_EXTENSIONS.iter().any(|known| known.eq_ignore_ascii_case(extension)));
    has_spec_extension && path.is_file()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::TempDir;

    #[test]
    fn collects_specs_sorted_with_relative_paths() -> Result<(), Box<dyn std::error::Error>> {
        let temp = TempDir::new("spec-inputs")?;
        let specs = temp.path().join(SPECS_DIR);
        fs::create_dir_all(specs.join("nested.yaml"))?;
        for file in ["b-api.yml", "a.json", "README.md", "c.YAML"] {
            fs::write(specs.join(file), "")?;
        }
        let found: Vec<(String, String)> = spec_inputs(temp.path(), SPECS_DIR)
            .map_err(|error| error.to_string())?
            .into_iter()
            .map(|spec| (spec.path, spec.module))
            .collect();
        let expected = [("specs/a.json", "a"), ("specs/b-api.yml", "b_api"), ("specs/c.YAML", "c")];
        let expected: Vec<(String, String)> = expected.iter().map(|(path, module)| (path.to_string(), module.to_string())).collect();
        assert_eq!(found, expected);
        Ok(())
    }

    #[test]
    fn explains_missing_or_empty_specs_dir() -> Result<(), Box<dyn std::error::Error>> {
        let temp = TempDir::new("no-specs")?;
        let missing = spec_inputs(temp.path(), SPECS_DIR).map(drop).map_err(|error| error.to_string());
        assert!(missing.as_ref().is_err_and(|text| text.contains("specs")), "{missing:?}");
        fs::create_dir_all(temp.path().join(SPECS_DIR))?;
        let empty = spec_inputs(temp.path(), SPECS_DIR).map(drop).map_err(|error| error.to_string());
        assert!(empty.as_ref().is_err_and(|text| text.contains("no specs found")), "{empty:?}");
        Ok(())
    }

    #[test]
    fn refuses_two_specs_for_one_module() -> Result<(), Box<dyn std::error::Error>> {
        let temp = TempDir::new("same-module")?;
        let specs = temp.path().join(SPECS_DIR);
        fs::create_dir_all(&specs)?;
        fs::write(specs.join("pets.json"), "")?;
        fs::write(specs.join("pets.yaml"), "")?;
        let result = spec_inputs(temp.path(), SPECS_DIR).map(drop).map_err(|error| error.to_string());
        assert!(result.as_ref().is_err_and(|text| text.contains("module `pets`")), "{result:?}");
        Ok(())
    }
}
