//! Helpers shared by the test files: running the generator on files of
//! this workspace, rendering output and diagnostics for snapshots.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use generator::{Config, Diagnostics, Loader, Output, SpecInput};

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ has a parent").to_path_buf()
}

/// Reads spec files relative to the workspace root, so paths in output and
/// diagnostics are the same on every machine.
pub struct WorkspaceLoader;

impl Loader for WorkspaceLoader {
    fn load(&self, path: &str) -> Result<String, String> {
        std::fs::read_to_string(root().join(path)).map_err(|error| error.to_string())
    }
}

/// `*.yaml`, `*.yml` and `*.json` files in `dir` (relative to the root),
/// sorted, as root-relative paths.
pub fn spec_files(dir: &str) -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir(root().join(dir))
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|entry| entry.file_name().to_string_lossy().into_owned())
                .filter(|name| name.ends_with(".yaml") || name.ends_with(".yml") || name.ends_with(".json"))
                .map(|name| format!("{dir}/{name}"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

/// The file stem (`specs/pack-cloud.yaml` → `pack-cloud`).
pub fn stem(path: &str) -> String {
    Path::new(path).file_stem().map(|stem| stem.to_string_lossy().into_owned()).unwrap_or_default()
}

/// Generates one spec the way `cargo xtask codegen` does.
pub fn generate_file(path: &str) -> Result<Output, Diagnostics> {
    generate_files(&[path.to_owned()])
}

/// Generates several specs in one run.
pub fn generate_files(paths: &[String]) -> Result<Output, Diagnostics> {
    let specs: Vec<SpecInput> =
        paths.iter().map(|path| SpecInput { path: path.clone(), module: generator::module_name_for_path(path) }).collect();
    generator::generate(&specs, &WorkspaceLoader, &Config::default())
}

/// Every generated file of the spec's module, each under a `// ---- path`
/// line (the runtime and crate root are the same for every spec and left
/// out).
pub fn render_output(output: &Output) -> String {
    output
        .files
        .iter()
        .filter(|(path, _)| !path.starts_with("src/runtime/") && *path != "src/lib.rs")
        .map(|(path, text)| format!("// ---- {path}\n{text}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// One diagnostic a line.
pub fn render_diagnostics(diagnostics: &Diagnostics) -> String {
    diagnostics.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n")
}

/// Runs `cargo ARGS` in `dir` (a generated crate) with warnings as errors,
/// in its own target directory (the workspace's is locked by the running
/// `cargo test`); returns success and stdout + stderr.
pub fn cargo_in(dir: &Path, args: &[&str]) -> (bool, String) {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = std::process::Command::new(cargo)
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", root().join("target/hostile"))
        .env("RUSTFLAGS", "-D warnings")
        .env("RUSTDOCFLAGS", "-D warnings")
        .output()
        .expect("cargo runs");
    let text = format!("{}\n{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    (output.status.success(), text)
}

/// Writes `output` as a crate in a fresh `target/hostile-crates/NAME`, with
/// the workspace's lock file (the same dependency versions).
pub fn write_crate(name: &str, output: &Output) -> PathBuf {
    let dir = root().join("target/hostile-crates").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    for (path, text) in &output.files {
        let target = dir.join(path);
        std::fs::create_dir_all(target.parent().expect("files have parents")).expect("creates dirs");
        std::fs::write(&target, text).expect("writes file");
    }
    std::fs::copy(root().join("Cargo.lock"), dir.join("Cargo.lock")).expect("copies Cargo.lock");
    dir
}
