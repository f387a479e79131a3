//! `names` lists every method the runtime's client macros define: the
//! generator keeps operations and security schemes off those names.

/// The `pub fn` names the macro `name` of `core.rs` defines.
fn macro_methods(name: &str) -> Vec<String> {
    let source = include_str!("../src/core.rs");
    let start = source.find(&format!("macro_rules! {name} {{")).expect("the macro is in core.rs");
    let body = &source[start..];
    let body = &body[..body.find("\n}\n").expect("the macro ends")];
    body.split("pub fn ").skip(1).map(|rest| rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect()).collect()
}

#[test]
fn reserved_names_list_every_macro_method() {
    let client = macro_methods("__client_methods");
    let builder = macro_methods("__client_builder_methods");
    assert!(client.len() >= 3 && builder.len() >= 10, "{client:?} {builder:?}");
    for method in client {
        assert!(oagen_runtime::names::CLIENT_METHODS.contains(&method.as_str()), "Client::{method} is not in names::CLIENT_METHODS");
    }
    for method in builder {
        assert!(
            oagen_runtime::names::BUILDER_METHODS.contains(&method.as_str()),
            "ClientBuilder::{method} is not in names::BUILDER_METHODS"
        );
    }
}
