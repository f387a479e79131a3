//! Per-tag Cargo features of standalone crates: each slice compiles
//! warning-free on its own, and holds only its operations and the types
//! they reach.

mod common;

use std::path::Path;

use generator::{Config, Layout, SpecInput};

const SPEC: &str = "tests/fixtures/standalone/tagged.yaml";

fn generate() -> generator::Output {
    let config = Config {
        regenerate_command: format!("cargo xtask generate --spec {SPEC} --out tagged"),
        layout: Layout::standalone("tagged-client"),
        ..Config::default()
    };
    let input = SpecInput { path: SPEC.to_owned(), module: "tagged".to_owned() };
    generator::generate(&[input], &common::WorkspaceLoader, &config).expect("generates")
}

#[test]
fn every_tag_is_a_feature_and_the_default_is_everything() {
    let output = generate();
    let manifest = &output.files["Cargo.toml"];
    assert!(
        manifest.contains("[features]\ndefault = [\"full\"]\nfull = [\"repos\", \"users-teams\", \"untagged\", \"schemas\"]\n"),
        "{manifest}"
    );
    for feature in ["repos = []", "users-teams = []", "untagged = []", "schemas = []"] {
        assert!(manifest.contains(feature), "{feature}: {manifest}");
    }
    let client = &output.files["src/tagged/mod.rs"];
    assert!(client.contains("pub fn list_repos_stream("), "listRepos is paginated");
    for method in ["pub fn list_repos_pages(", "pub fn list_repos_stream(", "pub fn list_repos(", "fn list_repos_request("] {
        let at = client.find(method).unwrap_or_else(|| panic!("{method}"));
        let before = &client[..at];
        let attrs = &before[before.rfind("\n\n").unwrap_or(0)..];
        assert!(attrs.contains("#[cfg(feature = \"repos\")]"), "{method} has the repos cfg: {attrs}");
    }
    let types = &output.files["src/tagged/types.rs"];
    // Shared is reached by both tags; User by one; Unused by none.
    let cfg_before = |item: &str| {
        let at = types.find(item).unwrap_or_else(|| panic!("{item} in {types}"));
        let before = &types[..at];
        before
            .rfind("#[cfg(")
            .filter(|cfg| !before[*cfg..].contains("\npub "))
            .map(|cfg| before[cfg..].lines().next().unwrap_or("").to_owned())
    };
    assert_eq!(cfg_before("pub struct Shared").as_deref(), Some("#[cfg(any(feature = \"repos\", feature = \"users-teams\"))]"));
    assert_eq!(cfg_before("pub struct User").as_deref(), Some("#[cfg(feature = \"users-teams\")]"));
    assert_eq!(cfg_before("pub struct Unused").as_deref(), Some("#[cfg(feature = \"schemas\")]"), "types no operation reaches");
    // Repo is used by `repos` operations and by Unused, so it (and Owner,
    // through it) is compiled by either feature.
    assert_eq!(cfg_before("pub struct Repo").as_deref(), Some("#[cfg(any(feature = \"repos\", feature = \"schemas\"))]"));
    assert_eq!(cfg_before("pub struct Owner").as_deref(), Some("#[cfg(any(feature = \"repos\", feature = \"schemas\"))]"));
}

fn cargo_check(dir: &Path, features: &str) -> (bool, String) {
    let mut args = vec!["check", "--no-default-features"];
    if !features.is_empty() {
        args.extend(["--features", features]);
    }
    common::cargo_in(dir, &args)
}

#[test]
fn each_slice_compiles_warning_free() {
    let dir = common::write_crate("tagged", &generate());
    for features in ["repos", "users-teams", "untagged", "schemas", "", "repos,untagged", "full"] {
        let (ok, log) = cargo_check(&dir, features);
        assert!(ok, "features `{features}`:\n{log}");
    }
    // A slice really is a slice: code using another tag does not compile.
    std::fs::write(dir.join("src/probe.rs"), "pub fn probe(client: &crate::Client) { let _ = client.list_users(); }\n").expect("writes");
    let lib = std::fs::read_to_string(dir.join("src/lib.rs")).expect("reads lib.rs");
    std::fs::write(dir.join("src/lib.rs"), format!("{lib}\npub mod probe;\n")).expect("writes lib.rs");
    let (ok, log) = cargo_check(&dir, "repos");
    assert!(!ok && log.contains("list_users"), "list_users must not exist with only `repos`:\n{log}");
}

#[test]
fn models_without_partial_eq_and_with_serde_as_used_compile_warning_free() {
    // Settings change what models derive; every combination must still be
    // a crate that compiles without warnings (`-D warnings`).
    let spec = "tests/fixtures/ok/one_of.yaml";
    let config = Config {
        regenerate_command: format!("cargo xtask generate --spec {spec} --out one-of --no-partial-eq --serde-as-used --params-always"),
        layout: Layout::standalone("one-of-client"),
        settings: generator::Settings {
            partial_eq: false,
            serde_impls: generator::SerdeImpls::AsUsed,
            parameters: generator::Parameters::Always,
            ..generator::Settings::default()
        },
        ..Config::default()
    };
    let input = SpecInput { path: spec.to_owned(), module: "one_of".to_owned() };
    let output = generator::generate(&[input], &common::WorkspaceLoader, &config).expect("generates");
    let types = &output.files["src/one_of/types.rs"];
    let derive_of = |item: &str| {
        let at = types.find(item).unwrap_or_else(|| panic!("{item} in {types}"));
        types[..at].rfind("#[derive(").map(|start| types[start..at].lines().next().unwrap_or("").to_owned())
    };
    assert_eq!(derive_of("pub struct Circle").as_deref(), Some("#[derive(Debug, Clone)]"), "received only: no Serialize");
    assert_eq!(derive_of("pub enum Shape").as_deref(), Some("#[derive(Debug, Clone)]"));
    assert!(!types.contains("PartialEq)]\npub struct"), "{types}");
    // `listShapes` has no parameters, and takes an (empty) struct anyway.
    assert!(types.contains("pub struct ListShapesParams {}"), "{types}");
    assert!(output.files["src/one_of/mod.rs"].contains("_params: &types::ListShapesParams"));
    let dir = common::write_crate("one-of-settings", &output);
    let (ok, log) = common::cargo_in(&dir, &["check"]);
    assert!(ok, "{log}");
}
