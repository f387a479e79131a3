//! Wire-level behaviour of the generated Pack.cloud client
//! (`generated_client::pack_cloud`) against a local mock server.

use crate::support as wire;

use chrono::{DateTime, Utc};
use generated_client::pack_cloud::{Client, types};
use generated_client::runtime::{Error, StatusCode};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use wire::{assert_get_without_query, header_values, only_request};

const TOKEN: &str = "tok";
/// An organization ID with a space, a slash, a non-ASCII letter, `?` and `#`.
const AWKWARD_ORG: &str = "acme corp/ü?#";
/// Its exact wire form, below the spec's `/v1` server prefix.
const AWKWARD_PATH: &str = "/v1/organizations/acme%20corp%2F%C3%BC%3F%23/billing/invoices";
const ORG_PATH: &str = "/v1/organizations/org_123/billing/invoices";

/// One page built from the vendor page's example values: a complete first
/// invoice and a second one whose nullable fields are `null`.
const SEED_PAGE: &str = r#"{
  "data": [
    {
      "id": "inv_123",
      "number": "2023-0001",
      "reference": "ABCDEFGHI",
      "status": "paid",
      "total_excl_vat": 100.0,
      "total_incl_vat": 121.0,
      "due_at": "2023-02-01T00:00:00Z",
      "sent_at": "2023-01-02T09:30:00Z",
      "created_at": "2023-01-02T09:00:00Z",
      "updated_at": "2023-01-15T12:00:00Z"
    },
    {
      "id": "inv_124",
      "number": null,
      "reference": null,
      "status": "open",
      "total_excl_vat": 10.5,
      "total_incl_vat": 12.705,
      "due_at": "2023-03-01T00:00:00+01:00",
      "sent_at": "2023-02-01T09:30:00Z",
      "created_at": "2023-02-01T09:00:00Z",
      "updated_at": "2023-02-01T09:00:00Z"
    }
  ],
  "prev": null,
  "next": "https://api.pack.cloud/v1/organizations/org_123/billing/invoices?page=2",
  "per_page": 25
}"#;

/// Retries are off: these tests look at single responses (retries have
/// tests of their own in `runtime_wire.rs`).
fn client_for(server: &MockServer) -> Client {
    Client::builder()
        .retry(generated_client::runtime::RetryPolicy::none())
        .base_url(format!("{}/v1", server.uri()))
        .bearer_auth(TOKEN)
        .build()
        .expect("client builds")
}

fn json_response(status: u16, body: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body.as_bytes().to_vec(), "application/json")
}

fn utc(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).expect("valid RFC 3339").with_timezone(&Utc)
}

/// Serves `response` for the org_123 invoices path and returns the call's error.
async fn failing_call(response: ResponseTemplate) -> Error<types::Error> {
    let server = MockServer::start().await;
    Mock::given(method("GET")).and(path(ORG_PATH)).respond_with(response).expect(1).mount(&server).await;
    client_for(&server).list_invoices("org_123").await.expect_err("the call must fail")
}

/// Asserts a typed status error: status, raw body kept, `Error` body parsed.
async fn assert_typed_status(status: u16, body: &str, message: &str, code: Option<&str>) {
    match failing_call(json_response(status, body)).await {
        Error::Status(error) => {
            assert_eq!(error.status.as_u16(), status);
            assert_eq!(error.body, body.as_bytes());
            assert_eq!(error.parsed, Some(types::Error { message: message.to_owned(), code: code.map(str::to_owned) }));
        }
        other => panic!("expected Error::Status({status}), got {other:?}"),
    }
}

#[tokio::test]
async fn list_invoices_sends_exact_request_with_encoded_path_bearer_and_accept() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(AWKWARD_PATH))
        .and(header("authorization", "Bearer tok"))
        .and(header("accept", "application/json"))
        .respond_with(json_response(200, SEED_PAGE))
        .expect(1)
        .mount(&server)
        .await;

    let page = client_for(&server).list_invoices(AWKWARD_ORG).await.expect("call succeeds");
    assert_eq!(page.per_page, 25);

    let request = only_request(&server).await;
    assert_get_without_query(&request, AWKWARD_PATH);
    // wiremock rebuilds the URL on `localhost`; the Host header shows where it went.
    assert_eq!(header_values(&request, "host"), [server.address().to_string()]);
    assert_eq!(header_values(&request, "authorization"), ["Bearer tok"]);
    assert_eq!(header_values(&request, "accept"), ["application/json"]);
}

#[tokio::test]
async fn a_call_borrows_nothing_and_can_be_spawned() {
    // An operation returns a `runtime::Call`: built when the method is
    // called, owning all it needs, so it outlives the client and the
    // arguments and runs on another task.
    let server = MockServer::start().await;
    Mock::given(method("GET")).and(path(ORG_PATH)).respond_with(json_response(200, SEED_PAGE)).expect(1).mount(&server).await;
    let call = {
        let client = client_for(&server);
        let organization = String::from("org_123");
        client.list_invoices(&organization)
    };
    let page = tokio::spawn(call).await.expect("task").expect("call succeeds");
    assert_eq!(page.data.len(), 2);
    assert_get_without_query(&only_request(&server).await, ORG_PATH);
}

#[tokio::test]
async fn an_empty_path_parameter_fails_the_call_without_a_request() {
    let server = MockServer::start().await;
    let error = client_for(&server).list_invoices("").await.expect_err("refused");
    assert!(matches!(&error, Error::InvalidRequest(message) if message.contains("`organizationId` is an empty value")), "{error:?}");
    assert!(server.received_requests().await.unwrap_or_default().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn list_invoices_base_url_trailing_slash_does_not_double_the_slash() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).and(path(ORG_PATH)).respond_with(json_response(200, SEED_PAGE)).expect(1).mount(&server).await;

    let client = Client::builder().base_url(format!("{}/v1/", server.uri())).bearer_auth(TOKEN).build().expect("client builds");
    client.list_invoices("org_123").await.expect("call succeeds");

    let request = only_request(&server).await;
    assert_get_without_query(&request, ORG_PATH);
}

#[tokio::test]
async fn list_invoices_without_credentials_sends_no_authorization_header() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).and(path(ORG_PATH)).respond_with(json_response(200, SEED_PAGE)).expect(1).mount(&server).await;

    let client = Client::builder().base_url(format!("{}/v1", server.uri())).build().expect("client builds");
    client.list_invoices("org_123").await.expect("call succeeds");

    let request = only_request(&server).await;
    assert_get_without_query(&request, ORG_PATH);
    assert!(header_values(&request, "authorization").is_empty(), "no Authorization header expected, got {:?}", request.headers);
    assert_eq!(header_values(&request, "accept"), ["application/json"]);
}

#[tokio::test]
async fn list_invoices_decodes_seed_example_page_with_nulls() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).and(path(ORG_PATH)).respond_with(json_response(200, SEED_PAGE)).expect(1).mount(&server).await;

    let page = client_for(&server).list_invoices("org_123").await.expect("call succeeds");

    assert_eq!(page.per_page, 25);
    assert_eq!(page.prev, None);
    assert_eq!(page.next.as_deref(), Some("https://api.pack.cloud/v1/organizations/org_123/billing/invoices?page=2"));
    assert_eq!(page.data.len(), 2);

    let first = &page.data[0];
    assert_eq!(first.id, "inv_123");
    assert_eq!(first.number.as_deref(), Some("2023-0001"));
    assert_eq!(first.reference.as_deref(), Some("ABCDEFGHI"));
    assert_eq!(first.status, "paid");
    assert_eq!(first.total_excl_vat, 100.0);
    assert_eq!(first.total_incl_vat, 121.0);
    assert_eq!(first.due_at, utc("2023-02-01T00:00:00Z"));
    assert_eq!(first.sent_at, utc("2023-01-02T09:30:00Z"));
    assert_eq!(first.created_at, utc("2023-01-02T09:00:00Z"));
    assert_eq!(first.updated_at, utc("2023-01-15T12:00:00Z"));

    let second = &page.data[1];
    assert_eq!(second.id, "inv_124");
    assert_eq!(second.number, None);
    assert_eq!(second.reference, None);
    assert_eq!(second.status, "open");
    assert_eq!(second.total_excl_vat, 10.5);
    assert_eq!(second.total_incl_vat, 12.705);
    // An offset date-time is normalised to UTC.
    assert_eq!(second.due_at, utc("2023-02-28T23:00:00Z"));
}

#[tokio::test]
async fn list_invoices_decodes_last_page_with_null_next_and_empty_data() {
    let server = MockServer::start().await;
    let body = r#"{
      "data": [],
      "prev": "https://api.pack.cloud/v1/organizations/org_123/billing/invoices?page=1",
      "next": null,
      "per_page": 25
    }"#;
    Mock::given(method("GET")).and(path(ORG_PATH)).respond_with(json_response(200, body)).expect(1).mount(&server).await;

    let page = client_for(&server).list_invoices("org_123").await.expect("call succeeds");
    assert_eq!(
        page,
        types::InvoicePage {
            data: Vec::new(),
            prev: Some("https://api.pack.cloud/v1/organizations/org_123/billing/invoices?page=1".to_owned()),
            next: None,
            per_page: 25,
        }
    );
}

#[tokio::test]
async fn list_invoices_ignores_unknown_fields_at_top_level_and_nested() {
    let server = MockServer::start().await;
    let body = r#"{
      "data": [
        {
          "id": "inv_123",
          "number": "2023-0001",
          "reference": "ABCDEFGHI",
          "status": "paid",
          "total_excl_vat": 100.0,
          "total_incl_vat": 121.0,
          "due_at": "2023-02-01T00:00:00Z",
          "sent_at": "2023-01-02T09:30:00Z",
          "created_at": "2023-01-02T09:00:00Z",
          "updated_at": "2023-01-15T12:00:00Z",
          "currency": "EUR",
          "lines": [{"sku": "box", "qty": 3}]
        }
      ],
      "prev": null,
      "next": null,
      "per_page": 25,
      "total": 1,
      "meta": {"request_id": "abc"}
    }"#;
    Mock::given(method("GET")).and(path(ORG_PATH)).respond_with(json_response(200, body)).expect(1).mount(&server).await;

    let page = client_for(&server).list_invoices("org_123").await.expect("unknown fields are ignored");
    assert_eq!(page.per_page, 25);
    assert_eq!(page.data.len(), 1);
    assert_eq!(page.data[0].id, "inv_123");
    assert_eq!(page.data[0].total_incl_vat, 121.0);
}

#[tokio::test]
async fn list_invoices_401_is_status_error_with_typed_body() {
    assert_typed_status(401, r#"{"message":"Invalid token","code":"unauthorized"}"#, "Invalid token", Some("unauthorized")).await;
}

#[tokio::test]
async fn list_invoices_404_is_status_error_with_typed_body() {
    assert_typed_status(404, r#"{"message":"Organization not found","code":"not_found"}"#, "Organization not found", Some("not_found"))
        .await;
}

#[tokio::test]
async fn list_invoices_500_is_status_error_with_typed_body_without_code() {
    assert_typed_status(500, r#"{"message":"Internal error"}"#, "Internal error", None).await;
}

#[tokio::test]
async fn list_invoices_503_in_5xx_range_is_status_error_with_typed_body() {
    assert_typed_status(503, r#"{"message":"Down for maintenance","code":"maintenance"}"#, "Down for maintenance", Some("maintenance"))
        .await;
}

#[tokio::test]
async fn list_invoices_500_with_non_json_body_keeps_body_and_parses_nothing() {
    let body = "<html><body>502 Bad Gateway</body></html>";
    let response = ResponseTemplate::new(500).set_body_raw(body.as_bytes().to_vec(), "text/html");
    let error = failing_call(response).await;
    assert_eq!(error.status(), Some(StatusCode::INTERNAL_SERVER_ERROR));
    assert!(error.error_body().is_none());
    match error {
        Error::Status(error) => {
            assert_eq!(error.status, StatusCode::INTERNAL_SERVER_ERROR);
            assert_eq!(error.body, body.as_bytes());
            assert_eq!(error.body_text(), body);
            assert_eq!(error.parsed, None);
        }
        other => panic!("expected Error::Status(500), got {other:?}"),
    }
}

#[tokio::test]
async fn list_invoices_429_keeps_retry_after_header_and_typed_body() {
    let body = r#"{"message":"Slow down","code":"rate_limited"}"#;
    let response = json_response(429, body).insert_header("Retry-After", "30");
    match failing_call(response).await {
        Error::Status(error) => {
            assert_eq!(error.status, StatusCode::TOO_MANY_REQUESTS);
            let retry_after = error.headers.get("retry-after").expect("Retry-After kept");
            assert_eq!(retry_after.to_str().expect("ASCII header"), "30");
            assert_eq!(error.body, body.as_bytes());
            assert_eq!(error.parsed, Some(types::Error { message: "Slow down".to_owned(), code: Some("rate_limited".to_owned()) }));
        }
        other => panic!("expected Error::Status(429), got {other:?}"),
    }
}

#[tokio::test]
async fn list_invoices_wrong_per_page_type_is_decode_error_at_per_page() {
    let body = r#"{"data": [], "prev": null, "next": null, "per_page": "twenty-five"}"#;
    match failing_call(json_response(200, body)).await {
        Error::Decode(error) => {
            assert_eq!(error.path, "per_page");
            assert_eq!(error.status, StatusCode::OK);
            assert_eq!(error.body, body.as_bytes());
        }
        other => panic!("expected Error::Decode, got {other:?}"),
    }
}

#[tokio::test]
async fn list_invoices_wrong_nested_type_is_decode_error_with_indexed_path() {
    let body = SEED_PAGE.replace(r#""total_excl_vat": 10.5"#, r#""total_excl_vat": "10.5""#);
    assert_ne!(body, SEED_PAGE, "the fixture must have been changed");
    match failing_call(json_response(200, &body)).await {
        Error::Decode(error) => {
            assert_eq!(error.path, "data[1].total_excl_vat");
            assert_eq!(error.body, body.as_bytes());
            let message = error.to_string();
            assert!(message.contains("data[1].total_excl_vat"), "Display names the path: {message}");
        }
        other => panic!("expected Error::Decode, got {other:?}"),
    }
}

#[tokio::test]
async fn list_invoices_invalid_date_time_is_decode_error_at_field() {
    let body = SEED_PAGE.replace(r#""due_at": "2023-02-01T00:00:00Z""#, r#""due_at": "next Tuesday""#);
    assert_ne!(body, SEED_PAGE, "the fixture must have been changed");
    match failing_call(json_response(200, &body)).await {
        Error::Decode(error) => assert_eq!(error.path, "data[0].due_at"),
        other => panic!("expected Error::Decode, got {other:?}"),
    }
}

#[tokio::test]
async fn list_invoices_times_out_when_server_is_too_slow() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(ORG_PATH))
        .respond_with(json_response(200, SEED_PAGE).set_delay(wire::SERVER_DELAY))
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(format!("{}/v1", server.uri()))
        .bearer_auth(TOKEN)
        .timeout(wire::CLIENT_TIMEOUT)
        .build()
        .expect("client builds");

    wire::assert_times_out(client.list_invoices("org_123")).await;
}

#[tokio::test]
async fn debug_output_does_not_reveal_the_bearer_token() {
    let secret = "pk_live_s3cr3t-T0KEN-do-not-log";
    let builder = Client::builder().base_url("http://127.0.0.1:9/v1").bearer_auth(secret);
    let builder_debug = format!("{builder:?}");
    let client = builder.build().expect("client builds");
    let client_debug = format!("{client:?}");
    let pretty_debug = format!("{client:#?}");

    wire::assert_debug_hides_secret(secret, "127.0.0.1:9/v1", &[builder_debug, client_debug, pretty_debug]);
}

/// The verdict of the generated conformance tests
/// (`runtime::__private::conformance_check`): a request the mock's
/// validator rejected (Prism's `sl-violations` header) fails naming the
/// operation and the violation, as do a rejected credential and a body
/// the models cannot read; a success passes, and so does a documented
/// error when the operation documents no success.
#[tokio::test]
async fn conformance_verdicts() {
    use generated_client::runtime::__private::conformance_check;
    let server = MockServer::start().await;
    let client = client_for(&server);
    let verdict = |result, documents_success| {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || conformance_check("list_invoices", documents_success, result)))
            .map_err(|panic| panic.downcast_ref::<String>().cloned().unwrap_or_default())
    };
    let respond = |template: ResponseTemplate| {
        let server = &server;
        async move {
            server.reset().await;
            Mock::given(method("GET")).respond_with(template).mount(server).await;
        }
    };

    respond(ResponseTemplate::new(200).set_body_raw(SEED_PAGE, "application/json")).await;
    assert_eq!(verdict(client.list_invoices("org_123").await, true), Ok(()), "a success passes");

    let violation = r#"[{"location":["request","query","page"],"severity":"Error","message":"must be integer"}]"#;
    respond(ResponseTemplate::new(422).insert_header("sl-violations", violation).set_body_raw("{}", "application/json")).await;
    let failure = verdict(client.list_invoices("org_123").await, false).expect_err("a rejected request fails");
    assert!(failure.starts_with("list_invoices: the server answered 422"), "{failure}");
    assert!(failure.contains("must be integer"), "the violation is shown: {failure}");

    respond(ResponseTemplate::new(401)).await;
    let failure = verdict(client.list_invoices("org_123").await, false).expect_err("a rejected credential fails");
    assert!(failure.contains("401"), "{failure}");

    respond(ResponseTemplate::new(404).set_body_raw("{}", "application/json")).await;
    assert_eq!(verdict(client.list_invoices("org_123").await, false), Ok(()), "a documented error, no success documented");
    let failure = verdict(client.list_invoices("org_123").await, true).expect_err("an error where a success is documented fails");
    assert!(failure.contains("404"), "{failure}");

    respond(ResponseTemplate::new(200).set_body_raw(r#"{"data": 7}"#, "application/json")).await;
    let failure = verdict(client.list_invoices("org_123").await, true).expect_err("a body the models cannot read fails");
    assert!(failure.contains("does not decode at `data`"), "{failure}");
}
