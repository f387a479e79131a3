//! The same input gives the same bytes, every run.

mod common;

use common::{generate_file, spec_files};

#[test]
fn generating_twice_gives_identical_bytes() {
    let mut paths = spec_files("specs");
    paths.extend(spec_files("tests/fixtures/ok"));
    assert!(paths.len() > 2, "specs and fixtures found");
    for path in paths {
        let first = generate_file(&path).expect("generates");
        for _ in 0..3 {
            let again = generate_file(&path).expect("generates");
            assert_eq!(first.files, again.files, "{path}: output differs between runs");
        }
    }
}

#[test]
fn generating_specs_together_equals_generating_them_apart() {
    // Module output must not depend on which other specs are in the run.
    let specs = spec_files("specs");
    let together = common::generate_files(&specs).expect("all specs generate");
    for path in &specs {
        let alone = generate_file(path).expect("generates");
        for (file, text) in alone.files.iter().filter(|(file, _)| *file != "src/lib.rs") {
            assert_eq!(together.files.get(file), Some(text), "{file} differs");
        }
    }
}
