//! The generator's modules import each other in one direction only: data
//! (`pointer`, `diagnostics`, `model`, `ir`) at the bottom, the stages
//! above it, the facade (`lib.rs`) on top — no module reaches one that
//! reaches it back (ARCHITECTURE.md, "Invariants"). Read from the sources:
//! every `crate::<module>` a top-level module names outside comments and
//! test code.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|extension| extension == "rs") {
            found.push(path);
        }
    }
}

/// `crate::name` paths in `line` (not in a comment).
fn named_modules(line: &str) -> Vec<String> {
    let code = line.trim_start();
    if code.starts_with("//") {
        return Vec::new();
    }
    let mut found = Vec::new();
    let mut rest = code;
    while let Some(index) = rest.find("crate::") {
        let after = &rest[index + "crate::".len()..];
        let name: String = after.chars().take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_').collect();
        // `$crate::…` is a macro's own crate, not a module of this one.
        if !name.is_empty() && !rest[..index].ends_with('$') {
            found.push(name);
        }
        rest = after;
    }
    found
}

#[test]
fn modules_import_each_other_in_one_direction() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut imports: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in &files {
        let relative = file.strip_prefix(&src).unwrap_or(file);
        let Some(first) = relative.components().next() else { continue };
        let module = first.as_os_str().to_string_lossy().trim_end_matches(".rs").to_owned();
        if module == "lib" || relative.ends_with("tests.rs") {
            continue;
        }
        let text = fs::read_to_string(file).unwrap_or_default();
        // Test modules may reach anywhere.
        let text = text.split("#[cfg(test)]\nmod tests").next().unwrap_or_default();
        for line in text.lines() {
            for named in named_modules(line) {
                if named != module {
                    imports.entry(module.clone()).or_default().insert(named);
                }
            }
        }
    }
    assert!(imports.get("emit").is_some_and(|emit| emit.contains("ir")), "the scan sees imports: {imports:?}");
    // Depth-first search for a way back.
    fn reaches(from: &str, to: &str, imports: &BTreeMap<String, BTreeSet<String>>, seen: &mut BTreeSet<String>) -> bool {
        if from == to {
            return true;
        }
        if !seen.insert(from.to_owned()) {
            return false;
        }
        imports.get(from).is_some_and(|next| next.iter().any(|module| reaches(module, to, imports, seen)))
    }
    let mut circles = Vec::new();
    for (module, named) in &imports {
        for other in named {
            if reaches(other, module, &imports, &mut BTreeSet::new()) {
                circles.push(format!("{module} -> {other} -> … -> {module}"));
            }
        }
    }
    assert!(circles.is_empty(), "import circles: {circles:#?}");
}
