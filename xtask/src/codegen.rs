//! `cargo xtask codegen`: regenerates every [`TARGETS`] crate from its spec
//! directory (`generated-client` from `specs/`, the `tests` crate's fixture
//! clients from `tests/fixtures/ok/`), or checks that they are up to date.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use generator::module_name_for_path;
use generator::{Config, Runtime, Settings, SpecInput};

use crate::Error;
use crate::sync::{Change, Mode, Orphans, Target, sync_all};
use generator::build::DiskLoader;

/// The command written into every generated file's header.
pub(crate) const REGENERATE_COMMAND: &str = "cargo xtask codegen";
/// Directory of the specs, relative to the workspace root.
pub(crate) const SPECS_DIR: &str = "specs";
/// One crate `codegen` keeps generated.
pub(crate) struct CodegenTarget {
    /// The spec directory (every spec in it, a module each) or one spec
    /// file, relative to the workspace root.
    pub(crate) specs: &'static str,
    /// The generated crate's directory, relative to the workspace root.
    /// Its `src/` holds generated code only.
    pub(crate) dir: &'static str,
    /// Models with serde's derives.
    pub(crate) serde_derive: bool,
    /// The runtime is the workspace's `oagen-runtime` crate (shared)
    /// instead of a copy.
    pub(crate) shared_runtime: bool,
}

const fn target(specs: &'static str, dir: &'static str) -> CodegenTarget {
    CodegenTarget { specs, dir, serde_derive: false, shared_runtime: false }
}

/// Every generated crate. The two `twin` crates are one spec generated
/// both ways, for the differential test (`tests/tests/differential.rs`);
/// the two `shared-runtime` crates are clients of the two seed specs that
/// share the `oagen-runtime` crate (`tests/tests/wire/shared_runtime.rs`).
pub(crate) const TARGETS: &[CodegenTarget] = &[
    target(SPECS_DIR, "generated-client"),
    target("tests/fixtures/ok", "tests"),
    target("tests/fixtures/twin", "tests/twin-tables"),
    CodegenTarget { serde_derive: true, ..target("tests/fixtures/twin", "tests/twin-derive") },
    CodegenTarget { shared_runtime: true, ..target("specs/pack-cloud.yaml", "tests/shared-runtime/pack-cloud") },
    CodegenTarget { shared_runtime: true, ..target("specs/apibricks-console.yaml", "tests/shared-runtime/apibricks-console") },
];
/// The runtime crate's directory as the shared-runtime crates' manifests
/// name it (only standalone crates get it written; theirs are
/// hand-written, so this is for the record in `Settings`).
const SHARED_RUNTIME_FROM_TESTS: &str = "../../../generator/runtime";
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
    for target in TARGETS {
        let runtime = if target.shared_runtime { Runtime::path(SHARED_RUNTIME_FROM_TESTS) } else { Runtime::Copied };
        let settings = Settings { serde_derive: target.serde_derive, runtime, ..Settings::default() };
        let config = Config { settings, ..config.clone() };
        let is_file = root.join(target.specs).is_file();
        if target.specs != SPECS_DIR && !is_file && !root.join(target.specs).is_dir() {
            // Only `specs/` is mandatory (a copy of the specs alone works).
            continue;
        }
        let (specs, tree) = if is_file {
            let tree = Path::new(target.specs).parent().map_or_else(|| ".".to_owned(), |parent| parent.to_string_lossy().into_owned());
            (vec![SpecInput { path: target.specs.to_owned(), module: module_name_for_path(target.specs) }], tree)
        } else {
            (spec_inputs(root, target.specs)?, target.specs.to_owned())
        };
        spec_count += specs.len();
        // Specs are found, not named: a symbolic link in the spec directory
        // that leads out of it is refused like a `$ref` that does.
        let loader = DiskLoader::new(root, [tree], Vec::new());
        match generator::generate(&specs, &loader, &config) {
            Ok(output) => outputs.push((target.dir, output)),
            Err(mut found) => diagnostics.append(&mut found),
        }
    }
    if !diagnostics.is_empty() {
        // The other crates' warnings too: a failed run reports everything.
        for (_, output) in outputs {
            for warning in output.warnings {
                diagnostics.push(warning);
            }
        }
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
