//! The checked-in generated code (`generated-client/src`, `tests/src`) is
//! what `cargo xtask codegen` produces now. CI also runs `--check`.

#[test]
fn generated_code_is_fresh() {
    let problems = xtask::codegen_check(&xtask::workspace_root()).expect("codegen runs");
    assert!(problems.is_empty(), "{}\nrun `cargo xtask codegen`", problems.join("\n"));
}
