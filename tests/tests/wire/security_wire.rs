//! The client against hostile servers, on the wire: credentials never
//! follow a redirect to another origin (two local listeners are two
//! origins), `Referer` is never sent, secrets never appear in `Display` or
//! `Debug` of any error or request, and path parameters cannot move the
//! request.

use std::time::Duration;

use tests::runtime::__private::CoreBuilder;
use tests::runtime::{Error, Method};
use tests::security::Client;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const SECRET: &str = "s3cr3t-value";

/// Every credential the fixture knows, all set to [`SECRET`]-bearing values.
fn client(base: &str) -> Client {
    Client::builder()
        .base_url(base)
        .bearer(format!("bearer-{SECRET}"))
        .header_key(format!("header-{SECRET}"))
        .query_key(format!("query-{SECRET}"))
        .cookie_key(format!("cookie-{SECRET}"))
        .build()
        .expect("client builds")
}

fn basic_client(base: &str) -> Client {
    Client::builder().base_url(base).basic("user", Some(format!("pw-{SECRET}"))).build().expect("client builds")
}

/// No header, query value or cookie of `request` carries a credential.
fn assert_no_credentials(request: &Request) {
    for (name, value) in &request.headers {
        let value = String::from_utf8_lossy(value.as_bytes());
        assert!(!value.contains(SECRET), "header {name} carries a credential: {value}");
        assert_ne!(name.as_str(), "authorization", "Authorization was sent: {value}");
        assert_ne!(name.as_str(), "referer", "Referer was sent: {value}");
    }
    assert!(!request.url.as_str().contains(SECRET), "the URL carries a credential: {}", request.url);
}

async fn requests(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.expect("recording is on")
}

/// The first origin answers `status` with a `Location` on the second.
async fn redirect_to_other_origin(status: u16, operation: &str, basic: bool) {
    let (first, second) = (MockServer::start().await, MockServer::start().await);
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(status).insert_header("location", format!("{}/landing", second.uri())))
        .mount(&first)
        .await;
    Mock::given(path("/landing")).respond_with(ResponseTemplate::new(204)).mount(&second).await;
    let client = if basic { basic_client(&first.uri()) } else { client(&first.uri()) };
    let result = match operation {
        "global" => client.uses_global().await,
        "either" => client.uses_either().await,
        "cookie" => client.uses_cookie().await,
        other => unreachable!("{other}"),
    };
    result.unwrap_or_else(|error| panic!("{status} {operation}: the redirect is followed: {error}"));

    let sent = requests(&first).await;
    assert_eq!(sent.len(), 1);
    let origin_request = &sent[0];
    let carried = |name: &str| origin_request.headers.get(name).is_some();
    match (operation, basic) {
        ("global", _) => assert!(carried("authorization"), "the first origin gets the bearer token"),
        ("either", false) => {
            assert!(carried("x-api-key") && origin_request.url.as_str().contains(SECRET), "key in header and query")
        }
        ("either", true) => assert!(carried("authorization"), "the first origin gets basic credentials"),
        _ => assert!(carried("cookie"), "the first origin gets the cookie"),
    }
    let landed = requests(&second).await;
    assert_eq!(landed.len(), 1, "{status}: the second origin is reached once");
    assert_no_credentials(&landed[0]);
}

#[tokio::test]
async fn credentials_never_follow_a_redirect_to_another_origin() {
    for status in [301, 302, 303, 307, 308] {
        for operation in ["global", "either", "cookie"] {
            redirect_to_other_origin(status, operation, false).await;
        }
        redirect_to_other_origin(status, "either", true).await;
    }
}

#[tokio::test]
async fn same_origin_redirects_keep_credentials_and_send_no_referer() {
    let server = MockServer::start().await;
    Mock::given(path("/either")).respond_with(ResponseTemplate::new(307).insert_header("location", "/moved?page=2")).mount(&server).await;
    Mock::given(path("/moved")).respond_with(ResponseTemplate::new(204)).mount(&server).await;
    client(&server.uri()).uses_either().await.expect("follows the redirect");
    let sent = requests(&server).await;
    assert_eq!(sent.len(), 2);
    let moved = &sent[1];
    assert_eq!(moved.url.path(), "/moved");
    assert!(moved.headers.get("x-api-key").is_some(), "same origin: the header key is kept");
    assert!(moved.url.query().is_some_and(|query| query.contains("page=2") && query.contains("api_key=")), "{}", moved.url);
    for request in &sent {
        assert!(request.headers.get("referer").is_none(), "Referer was sent");
    }
}

#[tokio::test]
async fn a_redirect_loop_ends_with_the_last_redirect() {
    let server = MockServer::start().await;
    Mock::given(path("/global")).respond_with(ResponseTemplate::new(302).insert_header("location", "/global")).mount(&server).await;
    let error = client(&server.uri()).uses_global().await.expect_err("a loop is not a success");
    assert_eq!(error.status().map(|status| status.as_u16()), Some(302));
    assert_eq!(requests(&server).await.len(), tests::runtime::MAX_REDIRECTS + 1);
}

/// Every error variant, shown with `Display` and `Debug`, keeps secrets out.
#[tokio::test]
async fn no_error_shows_a_credential() {
    let mut renderings = Vec::new();
    let mut show = |error: &Error<_>| {
        renderings.push(format!("{error}"));
        renderings.push(format!("{error:?}"));
    };

    // Transport: nothing listens on the port (the query key is in the URL).
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("binds");
    let closed_url = format!("http://{}", closed.local_addr().expect("has an address"));
    drop(closed);
    let error = client(&closed_url).uses_either().await.expect_err("connection refused");
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    assert!(format!("{error}").contains("<redacted>"), "the URL is shown, redacted: {error}");
    show(&error);

    // Transport: a timeout.
    let slow = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(204).set_delay(Duration::from_secs(5))).mount(&slow).await;
    let timing_out = Client::builder()
        .base_url(slow.uri())
        .query_key(format!("query-{SECRET}"))
        .header_key(format!("header-{SECRET}"))
        .timeout(Duration::from_millis(100))
        .build()
        .expect("builds");
    let error = timing_out.uses_either().await.expect_err("times out");
    assert!(error.is_timeout(), "{error:?}");
    show(&error);

    // Status, Decode and BodyTooLarge from a server that echoes nothing.
    let server = MockServer::start().await;
    Mock::given(path("/global")).respond_with(ResponseTemplate::new(401).set_body_string("denied")).mount(&server).await;
    let error = client(&server.uri()).uses_global().await.expect_err("401");
    assert!(matches!(error, Error::Status(_)), "{error:?}");
    show(&error);

    // BodyTooLarge (a client that knows the secret as its idempotency key).
    Mock::given(path("/status")).respond_with(ResponseTemplate::new(200).set_body_string("x".repeat(100))).mount(&server).await;
    let small = tests::pagination::Client::builder().base_url(server.uri()).max_body_bytes(10).build().expect("builds");
    let error = small.with_idempotency_key(SECRET).get_status().await.expect_err("too large");
    assert!(matches!(error, Error::BodyTooLarge { limit: 10, .. }), "{error:?}");
    show(&error);

    // InvalidRequest: a credential that is not a valid header value.
    let broken = Client::builder().base_url(server.uri()).bearer(format!("{SECRET}\n")).build().expect("builds");
    let error = broken.uses_global().await.expect_err("invalid header");
    assert!(matches!(error, Error::InvalidRequest(_)), "{error:?}");
    show(&error);

    for text in &renderings {
        assert!(!text.contains(SECRET), "a credential leaked: {text}");
    }
}

#[test]
fn request_debug_hides_every_credential() {
    let core = CoreBuilder::new("http://127.0.0.1:9/base").build().expect("builds");
    let mut request = core.request(Method::GET, "/items");
    request.bearer_auth(SECRET);
    request.header_api_key("x-api-key", SECRET);
    request.query_api_key("api_key", SECRET);
    request.cookie_api_key("sid", SECRET);
    request.raw_header("accept", "application/json");
    let shown = format!("{request:?}");
    assert!(!shown.contains(SECRET), "{shown}");
    assert!(shown.contains("x-api-key") && shown.contains("api_key") && shown.contains("accept"), "{shown}");
}

#[tokio::test]
async fn dot_segments_and_empty_path_parameters_are_refused() {
    use generated_client::pack_cloud::Client;
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(200)).mount(&server).await;
    let client = Client::builder().base_url(server.uri()).build().expect("builds");
    for value in ["", ".", ".."] {
        let error = client.list_invoices(value).await.expect_err("refused");
        match &error {
            generated_client::runtime::Error::InvalidRequest(message) => {
                assert!(message.contains("`organizationId`"), "names the parameter: {message}")
            }
            other => panic!("{value:?}: {other:?}"),
        }
    }
    // Dots inside a value are ordinary characters.
    client.list_invoices("...").await.expect_err("the empty 200 body is not an invoice page");
    let sent = requests(&server).await;
    assert_eq!(sent.len(), 1, "only the valid value was sent");
    assert!(sent[0].url.path().contains("/organizations/.../"), "{}", sent[0].url);
}
