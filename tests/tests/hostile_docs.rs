//! A hostile spec (`tests/fixtures/ok/hostile.json`) tries to run code on
//! the developer's machine through every text position that reaches docs:
//! each payload would create a marker file if rustdoc ran it as a doctest.
//! The fixture is also part of the `tests` library, so it compiles (and
//! passes clippy) on every run; here it is built as a standalone crate and
//! its doctests are run — once as generated, and once with the manifest's
//! `doctest = false` removed, so the sanitizer alone is shown to suffice.

mod common;

use std::path::{Path, PathBuf};

use generator::{Config, Layout, SpecInput};

const MARKERS: &str = "/tmp/openapi-hostile-markers";

fn hostile_crate(name: &str) -> PathBuf {
    let config = Config {
        regenerate_command: "cargo xtask generate --spec tests/fixtures/ok/hostile.json --out hostile".to_owned(),
        layout: Layout::standalone("hostile-client"),
        ..Config::default()
    };
    let input = SpecInput { path: "tests/fixtures/ok/hostile.json".to_owned(), module: "hostile".to_owned() };
    let output = generator::generate(&[input], &common::WorkspaceLoader, &config).expect("the hostile spec generates");
    common::write_crate(name, &output)
}

#[test]
fn hostile_spec_text_never_runs_and_never_breaks_the_build() {
    let _ = std::fs::remove_dir_all(MARKERS);

    // As generated: compiles warning-free, tests pass, doctests are off.
    let dir = hostile_crate("as-generated");
    let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).expect("manifest");
    assert!(manifest.contains("[lib]\ndoctest = false\n"), "{manifest}");
    let (ok, log) = common::cargo_in(&dir, &["test"]);
    assert!(ok, "cargo test of the generated crate failed:\n{log}");
    assert!(!Path::new(MARKERS).exists(), "a spec payload ran:\n{log}");

    // Without the second wall: rustdoc finds no doctest at all.
    let dir = hostile_crate("doctests-on");
    let manifest = manifest.replace("[lib]\ndoctest = false\n", "");
    std::fs::write(dir.join("Cargo.toml"), &manifest).expect("writes manifest");
    let (ok, log) = common::cargo_in(&dir, &["test", "--doc"]);
    assert!(ok, "cargo test --doc failed:\n{log}");
    assert!(log.contains("running 0 tests"), "rustdoc found doctests:\n{log}");
    assert!(!Path::new(MARKERS).exists(), "a spec payload ran:\n{log}");
    let (ok, log) = common::cargo_in(&dir, &["doc", "--no-deps"]);
    assert!(ok, "cargo doc failed:\n{log}");
}

/// Every text position of the fixture carries a payload, and each payload
/// reaches the generated docs — as inert text.
#[test]
fn every_payload_reaches_the_docs_as_text() {
    let output = common::generate_file("tests/fixtures/ok/hostile.json").expect("generates");
    let all: String = output.files.values().cloned().collect();
    for position in [
        "title",
        "version",
        "info-description",
        "server-default",
        "server-variable-description",
        "scheme-description",
        "schema-option",
        "property",
        "default",
        "enum-value",
        "schema-string",
        "schema-result",
        "summary",
        "operation-description",
        "query-param",
        "header-param",
        "long-schema",
        "discriminator",
    ] {
        assert!(all.contains(&format!("{MARKERS}/{position}")), "payload `{position}` is not in the output");
    }
    for line in all.lines() {
        assert!(!line.contains('\r'), "bare CR in {line}");
        assert!(!line.chars().any(|c| matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\0')), "{line}");
    }
}
