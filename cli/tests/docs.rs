//! What the documents tell a user to write is what works: the build.rs
//! section's `[dependencies]` are the client's (`runtime_dependencies`), its
//! `build.rs` and `include!` are the ones `as_a_user` builds, and the README's
//! install command names this crate.

use std::path::Path;

fn read(relative: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(relative)).expect("the document")
}

#[test]
fn the_build_rs_section_holds_what_the_client_needs() {
    let docs = read("docs/generating.md");
    let dependencies = format!("```toml\n[dependencies]\n{}\n\n", generator::runtime_dependencies().trim_end());
    assert!(docs.contains(&dependencies), "docs/generating.md must list:\n{dependencies}");
    assert!(docs.contains("[features]\nmock = [\"dep:wiremock\"]\n\n[build-dependencies]\n"), "the mock feature");
    assert!(docs.contains("    generator::build::Builder::new(\"openapi.yaml\").generate()?;\n"));
    assert!(docs.contains("include!(concat!(env!(\"OUT_DIR\"), \"/openapi.rs\"));"));
}

#[test]
fn the_readme_installs_this_crate() {
    let readme = read("README.md");
    assert!(readme.contains("cargo install --path cli "), "README");
    assert!(readme.contains("\noagen generate "), "README");
    let manifest = read("cli/Cargo.toml");
    assert!(manifest.contains("\nname = \"oagen\"\n"), "the binary is `oagen`");
}
