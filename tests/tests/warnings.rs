//! Warnings: the interpretations the generator makes of sloppy specs
//! instead of refusing them. Every fixture's warnings are snapshotted
//! (`warn__<fixture>`), each located and saying what was done; with
//! `Config::strict` the same fixture fails with exactly those diagnostics
//! as errors (today's refusals, reproduced); without it, the fixture
//! generates (its code is the `ok__` snapshot and compiles in `tests/src`).

mod common;

use common::{WorkspaceLoader, spec_files};
use generator::{Config, Severity, SpecInput};

fn generate(path: &str, strict: bool) -> Result<generator::Output, generator::Diagnostics> {
    let spec = SpecInput { path: path.to_owned(), module: generator::module_name_for_path(path) };
    generator::generate(&[spec], &WorkspaceLoader, &Config { strict, ..Config::default() })
}

#[test]
fn warnings_are_located_snapshotted_and_strict_makes_them_errors() {
    let mut warned = 0;
    for path in spec_files("tests/fixtures/ok") {
        let output = generate(&path, false).unwrap_or_else(|diagnostics| panic!("{path} failed:\n{diagnostics}"));
        if output.warnings.is_empty() {
            assert!(generate(&path, true).is_ok(), "{path}: without warnings, strict changes nothing");
            continue;
        }
        warned += 1;
        for warning in &output.warnings {
            assert_eq!(warning.severity, Severity::Warning);
            assert_eq!(warning.file, path, "warnings name the spec file");
            assert!(!warning.pointer.is_empty(), "located: {warning}");
        }
        let rendered: Vec<String> = output.warnings.iter().map(ToString::to_string).collect();
        insta::assert_snapshot!(format!("warn__{}", common::stem(&path)), rendered.join("\n"));
        let errors = generate(&path, true).err().unwrap_or_else(|| panic!("{path}: --strict must refuse it"));
        let errors: Vec<_> = errors.into_iter().collect();
        assert!(errors.iter().all(|error| error.severity == Severity::Error), "{errors:?}");
        let as_errors: Vec<_> = output
            .warnings
            .iter()
            .cloned()
            .map(|mut warning| {
                warning.severity = Severity::Error;
                warning
            })
            .collect();
        assert_eq!(errors, as_errors, "{path}: strict reports each warning as an error");
    }
    assert!(warned >= 5, "the tolerant_* fixtures warn");
}

#[test]
fn a_warning_says_what_was_done_and_where() {
    let output = generate("tests/fixtures/ok/tolerant_security.yaml", false).expect("generates");
    let first = output.warnings.iter().find(|w| w.code == generator::Code::UndefinedSecurityScheme).expect("warned");
    assert_eq!(
        first.to_string(),
        "tests/fixtures/ok/tolerant_security.yaml:5:5#/security/0/bearer: warning: security requirement names undefined scheme `bearer` (not in components.securitySchemes); this alternative is dropped and the operation is generated without credentials for it [undefined-security-scheme]"
    );
}
