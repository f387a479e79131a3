//! Server URLs: `servers[0]` with variables substituted by their defaults,
//! overridable per variable or as a whole.

use tests::parameters::{Client, DEFAULT_BASE_URL, SERVER_URL_TEMPLATE};
use tests::runtime::Error;

#[test]
fn default_base_url_substitutes_variable_defaults() {
    assert_eq!(SERVER_URL_TEMPLATE, "https://{region}.params.example.com/{version}");
    assert_eq!(DEFAULT_BASE_URL, "https://eu.params.example.com/v2");
    let client = Client::new().expect("builds");
    assert_eq!(client.base_url(), DEFAULT_BASE_URL);
}

#[test]
fn server_variables_can_be_overridden_one_by_one() {
    let client = Client::builder().server_variable("region", "us").build().expect("builds");
    assert_eq!(client.base_url(), "https://us.params.example.com/v2");
    let client = Client::builder().server_variable("version", "v3").server_variable("region", "ap").build().expect("builds");
    assert_eq!(client.base_url(), "https://ap.params.example.com/v3");
}

#[test]
fn unknown_server_variables_are_reported() {
    match Client::builder().server_variable("zone", "x").build() {
        Err(Error::InvalidRequest(message)) => assert!(message.contains("zone"), "{message}"),
        other => panic!("expected InvalidRequest, got {other:?}"),
    }
}

#[test]
fn an_explicit_base_url_wins() {
    let client = Client::builder().server_variable("region", "us").base_url("http://127.0.0.1:9/").build().expect("builds");
    assert_eq!(client.base_url(), "http://127.0.0.1:9");
}

/// A spec without servers has no `DEFAULT_BASE_URL`; building without
/// a base URL fails with a clear error.
#[test]
fn specs_without_servers_need_a_base_url() {
    let error = tests::enums::Client::builder().build().expect_err("no base URL");
    assert!(error.to_string().contains("no base URL"), "{error}");
    let source = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/enums/mod.rs")).expect("reads");
    assert!(!source.contains("DEFAULT_BASE_URL"), "no empty default");
    tests::enums::Client::builder().base_url("http://127.0.0.1:9").build().expect("builds with one");
}
