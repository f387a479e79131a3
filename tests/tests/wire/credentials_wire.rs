//! Credentials that can change, on the wire: credential providers asked
//! before every attempt, the OAuth2 client-credentials provider (one token
//! request cached across calls, refreshed when it expires, shared by
//! concurrent calls), the single re-send after a 401, origin rules and
//! redaction for provider credentials, and typed provider errors. Two
//! local servers: the API and the token endpoint.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tests::runtime::__private::{CoreBuilder, Credential};
use tests::runtime::{CredentialError, Error, Method, OAuth2ClientCredentials, RetryPolicy, Secret, credential_fn};
use tests::security::Client;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const CLIENT_ID: &str = "client-17";
const CLIENT_SECRET: &str = "s3cr3t-client";
/// What the providers of the origin tests hand out.
const TOKEN: &str = "s3cr3t-token";

/// A token endpoint answering `tok-1`, `tok-2`, … with `expires_in`.
struct Tokens {
    issued: AtomicUsize,
    expires_in: u64,
}

impl Respond for Tokens {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let number = self.issued.fetch_add(1, Ordering::SeqCst) + 1;
        ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "access_token": format!("tok-{number}"),
            "token_type": "Bearer",
            "expires_in": self.expires_in,
        }))
    }
}

async fn token_server(expires_in: u64, delay: Duration) -> MockServer {
    let server = MockServer::start().await;
    let tokens = Tokens { issued: AtomicUsize::new(0), expires_in };
    Mock::given(method("POST")).and(path("/token")).respond_with(DelayedTokens(tokens, delay)).mount(&server).await;
    server
}

/// [`Tokens`] answered after `delay`.
struct DelayedTokens(Tokens, Duration);

impl Respond for DelayedTokens {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        self.0.respond(request).set_delay(self.1)
    }
}

fn provider(tokens: &MockServer) -> OAuth2ClientCredentials {
    OAuth2ClientCredentials::new(format!("{}/token", tokens.uri()), CLIENT_ID, CLIENT_SECRET).scopes(["read"])
}

fn oauth_client(api: &MockServer, tokens: &MockServer) -> Client {
    Client::builder().base_url(api.uri()).oauth_provider(provider(tokens)).build().expect("client builds")
}

async fn requests(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.expect("recording is on")
}

fn bearer_of(request: &Request) -> Option<String> {
    request.headers.get("authorization").map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned())
}

/// An API answering `/oauth` with 204 to any request.
async fn api_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(path("/oauth")).respond_with(ResponseTemplate::new(204)).mount(&server).await;
    server
}

#[tokio::test]
async fn a_token_is_fetched_once_and_cached_across_calls() {
    let (api, tokens) = (api_server().await, token_server(3600, Duration::ZERO).await);
    let client = oauth_client(&api, &tokens);
    for _ in 0..3 {
        client.uses_oauth().await.expect("the call succeeds");
    }
    let token_requests = requests(&tokens).await;
    assert_eq!(token_requests.len(), 1, "one token for three calls");
    let form = String::from_utf8_lossy(&token_requests[0].body).into_owned();
    assert_eq!(form, "grant_type=client_credentials&scope=read");
    use base64::Engine as _;
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("{CLIENT_ID}:{CLIENT_SECRET}"));
    assert_eq!(bearer_of(&token_requests[0]), Some(format!("Basic {basic}")), "client_secret_basic by default");
    let sent = requests(&api).await;
    assert_eq!(sent.len(), 3);
    assert!(sent.iter().all(|request| bearer_of(request).as_deref() == Some("Bearer tok-1")), "{sent:?}");
}

#[tokio::test]
async fn client_secret_post_sends_the_secret_in_the_body() {
    let (api, tokens) = (api_server().await, token_server(3600, Duration::ZERO).await);
    let provider = provider(&tokens).client_secret_post().param("audience", "https://api");
    let client = Client::builder().base_url(api.uri()).oauth_provider(provider).build().expect("client builds");
    client.uses_oauth().await.expect("the call succeeds");
    let token_request = &requests(&tokens).await[0];
    assert_eq!(bearer_of(token_request), None, "no basic credentials");
    let form = String::from_utf8_lossy(&token_request.body).into_owned();
    assert_eq!(form, "grant_type=client_credentials&scope=read&audience=https%3A%2F%2Fapi&client_id=client-17&client_secret=s3cr3t-client");
}

#[tokio::test]
async fn an_expiring_token_is_refreshed_ahead_of_expiry() {
    // Two seconds of lifetime: refreshed after 1.8 s (a tenth ahead).
    let (api, tokens) = (api_server().await, token_server(2, Duration::ZERO).await);
    let client = oauth_client(&api, &tokens);
    client.uses_oauth().await.expect("first call");
    client.uses_oauth().await.expect("second call, same token");
    assert_eq!(requests(&tokens).await.len(), 1);
    tokio::time::sleep(Duration::from_millis(1850)).await;
    client.uses_oauth().await.expect("third call, new token");
    assert_eq!(requests(&tokens).await.len(), 2, "the token was refreshed");
    let sent: Vec<Option<String>> = requests(&api).await.iter().map(bearer_of).collect();
    let expected = ["Bearer tok-1", "Bearer tok-1", "Bearer tok-2"].map(|token| Some(token.to_owned()));
    assert_eq!(sent, expected);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_calls_share_one_token_request() {
    // A slow token endpoint, so that every call is waiting for it at once.
    let (api, tokens) = (api_server().await, token_server(3600, Duration::from_millis(300)).await);
    let client = oauth_client(&api, &tokens);
    let calls: Vec<_> = (0..20).map(|_| tokio::spawn(client.uses_oauth())).collect();
    for call in futures::future::join_all(calls).await {
        call.expect("the task ends").expect("the call succeeds");
    }
    assert_eq!(requests(&tokens).await.len(), 1, "one token request for 20 concurrent calls");
    let sent = requests(&api).await;
    assert_eq!(sent.len(), 20);
    assert!(sent.iter().all(|request| bearer_of(request).as_deref() == Some("Bearer tok-1")));
}

/// An API that takes only `tok-2` and later tokens (`tok-1` was revoked).
async fn api_rejecting_first_token() -> MockServer {
    let api = MockServer::start().await;
    Mock::given(path("/oauth"))
        .and(header("authorization", "Bearer tok-1"))
        .respond_with(ResponseTemplate::new(401))
        .with_priority(1)
        .mount(&api)
        .await;
    Mock::given(path("/oauth")).respond_with(ResponseTemplate::new(204)).mount(&api).await;
    api
}

#[tokio::test]
async fn a_401_refreshes_the_token_and_sends_once_more() {
    let (api, tokens) = (api_rejecting_first_token().await, token_server(3600, Duration::ZERO).await);
    let client = oauth_client(&api, &tokens);
    client.uses_oauth().await.expect("succeeds with the refreshed token");
    assert_eq!(requests(&tokens).await.len(), 2, "the rejected token was replaced");
    let sent: Vec<Option<String>> = requests(&api).await.iter().map(bearer_of).collect();
    assert_eq!(sent, [Some("Bearer tok-1".to_owned()), Some("Bearer tok-2".to_owned())]);
    client.uses_oauth().await.expect("the new token is cached");
    assert_eq!(requests(&tokens).await.len(), 2);
}

#[tokio::test]
async fn a_second_401_is_the_status_error() {
    let tokens = token_server(3600, Duration::ZERO).await;
    let api = MockServer::start().await;
    Mock::given(path("/oauth")).respond_with(ResponseTemplate::new(401).set_body_string("no")).mount(&api).await;
    let client = oauth_client(&api, &tokens);
    let error = client.uses_oauth().await.expect_err("rejected twice");
    assert!(matches!(&error, Error::Status(status) if status.status.as_u16() == 401), "{error:?}");
    assert_eq!(requests(&api).await.len(), 2, "sent once more, not again");
    assert_eq!(requests(&tokens).await.len(), 2);
}

#[tokio::test]
async fn without_retry_unauthorized_a_401_is_returned_and_the_next_call_refreshes() {
    let (api, tokens) = (api_rejecting_first_token().await, token_server(3600, Duration::ZERO).await);
    let client =
        Client::builder().base_url(api.uri()).oauth_provider(provider(&tokens)).retry_unauthorized(false).build().expect("client builds");
    let error = client.uses_oauth().await.expect_err("401, not re-sent");
    assert_eq!(error.status().map(|status| status.as_u16()), Some(401));
    assert_eq!(requests(&api).await.len(), 1);
    client.uses_oauth().await.expect("the rejected token was forgotten");
    assert_eq!(requests(&tokens).await.len(), 2);
}

#[tokio::test]
async fn static_tokens_work_as_before_and_are_never_re_sent_after_a_401() {
    let api = MockServer::start().await;
    Mock::given(path("/oauth")).respond_with(ResponseTemplate::new(401)).mount(&api).await;
    Mock::given(path("/global")).respond_with(ResponseTemplate::new(204)).mount(&api).await;
    let client = Client::builder().base_url(api.uri()).oauth("fixed").bearer("fixed-bearer").build().expect("client builds");
    client.uses_global().await.expect("the static bearer token works");
    let error = client.uses_oauth().await.expect_err("401");
    assert_eq!(error.status().map(|status| status.as_u16()), Some(401));
    let sent = requests(&api).await;
    assert_eq!(sent.len(), 2, "the 401 was not re-sent");
    assert_eq!(bearer_of(&sent[0]).as_deref(), Some("Bearer fixed-bearer"));
    assert_eq!(bearer_of(&sent[1]).as_deref(), Some("Bearer fixed"));
}

/// A provider handing out [`TOKEN`], counting how often it was asked.
fn counting_provider(asked: &Arc<AtomicUsize>) -> impl tests::runtime::CredentialProvider {
    let asked = asked.clone();
    credential_fn(move || {
        asked.fetch_add(1, Ordering::SeqCst);
        async { Ok(Secret::new(TOKEN)) }
    })
}

fn assert_no_token(request: &Request) {
    for (name, value) in &request.headers {
        let value = String::from_utf8_lossy(value.as_bytes());
        assert!(!value.contains(TOKEN), "header {name} carries the token: {value}");
    }
    assert!(!request.url.as_str().contains(TOKEN), "the URL carries the token: {}", request.url);
}

#[tokio::test]
async fn provider_credentials_never_follow_a_redirect_to_another_origin() {
    let (first, second) = (MockServer::start().await, MockServer::start().await);
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(307).insert_header("location", format!("{}/landing", second.uri())))
        .mount(&first)
        .await;
    Mock::given(path("/landing")).respond_with(ResponseTemplate::new(204)).mount(&second).await;
    let asked = Arc::new(AtomicUsize::new(0));
    let client = Client::builder()
        .base_url(first.uri())
        .bearer_provider(counting_provider(&asked))
        .header_key_provider(counting_provider(&asked))
        .query_key_provider(counting_provider(&asked))
        .cookie_key_provider(counting_provider(&asked))
        .build()
        .expect("client builds");
    client.uses_global().await.expect("bearer: the redirect is followed");
    client.uses_either().await.expect("header and query keys: the redirect is followed");
    client.uses_cookie().await.expect("cookie: the redirect is followed");
    assert_eq!(asked.load(Ordering::SeqCst), 4, "each provider is asked once per attempt");

    let origin = requests(&first).await;
    assert_eq!(bearer_of(&origin[0]).as_deref(), Some("Bearer s3cr3t-token"));
    assert!(origin[1].headers.get("x-api-key").is_some() && origin[1].url.as_str().contains("api_key=s3cr3t-token"), "{:?}", origin[1]);
    assert!(origin[2].headers.get("cookie").is_some_and(|cookie| cookie.as_bytes() == b"sid=s3cr3t-token"));
    let landed = requests(&second).await;
    assert_eq!(landed.len(), 3);
    landed.iter().for_each(assert_no_token);
}

#[tokio::test]
async fn provider_credentials_never_follow_a_next_link_to_another_origin() {
    let (first, second) = (MockServer::start().await, MockServer::start().await);
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(204)).mount(&first).await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(204)).mount(&second).await;
    let asked = Arc::new(AtomicUsize::new(0));
    let core = CoreBuilder::new(&first.uri()).build().expect("builds");
    let mut request = core.request(Method::GET, "/items");
    request.bearer_auth(Credential::provider(counting_provider(&asked)));
    request.query_api_key("api_key", Credential::provider(counting_provider(&asked)));
    let mut next = request.clone();
    request.send::<()>("").await.expect("the first page");
    // An absolute next link on another origin, as pagination follows it.
    next.set_url(&format!("{}/items?page=2", second.uri()));
    next.send::<()>("").await.expect("the next page");
    assert_eq!(bearer_of(&requests(&first).await[0]).as_deref(), Some("Bearer s3cr3t-token"));
    let landed = requests(&second).await;
    assert_eq!(landed.len(), 1);
    assert_no_token(&landed[0]);
}

#[tokio::test]
async fn token_endpoint_errors_are_typed_redacted_and_not_retried() {
    let (api, tokens) = (api_server().await, MockServer::start().await);
    Mock::given(path("/token"))
        .respond_with(ResponseTemplate::new(401).set_body_json(serde_json::json!({
            "error": "invalid_client",
            "error_description": format!("client secret {CLIENT_SECRET} is wrong"),
        })))
        .mount(&tokens)
        .await;
    let provider = provider(&tokens);
    assert!(!format!("{provider:?}").contains(CLIENT_SECRET), "{provider:?}");
    let client = Client::builder()
        .base_url(api.uri())
        .oauth_provider(provider)
        .retry(RetryPolicy::default().backoff(Duration::from_millis(1), Duration::from_millis(1)))
        .build()
        .expect("client builds");
    assert!(!format!("{client:?}").contains(CLIENT_SECRET), "{client:?}");
    let error = client.uses_oauth().await.expect_err("the client is refused");
    let Error::Credential(credential) = &error else { panic!("{error:?}") };
    assert_eq!(credential.oauth2_error(), Some("invalid_client"));
    assert_eq!(credential.status().map(|status| status.as_u16()), Some(401));
    assert!(!credential.is_retryable() && !error.is_retryable());
    let (shown, debug) = (format!("{error}"), format!("{error:?}"));
    assert!(shown.contains("invalid_client") && shown.contains("<redacted>"), "{shown}");
    for text in [&shown, &debug] {
        assert!(!text.contains(CLIENT_SECRET), "the secret leaked: {text}");
    }
    let chain = format!("{:?}", anyhow::Error::new(error));
    assert!(!chain.contains(CLIENT_SECRET), "{chain}");
    assert_eq!(requests(&tokens).await.len(), 1, "a refused client is not retried");
    assert!(requests(&api).await.is_empty(), "the API is not called without a token");
}

#[tokio::test]
async fn an_unavailable_token_endpoint_is_retried_by_the_retry_policy() {
    let (api, tokens) = (api_server().await, MockServer::start().await);
    Mock::given(path("/token")).respond_with(ResponseTemplate::new(503)).up_to_n_times(1).mount(&tokens).await;
    let tokens_ok = Tokens { issued: AtomicUsize::new(0), expires_in: 3600 };
    Mock::given(path("/token")).respond_with(tokens_ok).mount(&tokens).await;
    let client = Client::builder()
        .base_url(api.uri())
        .oauth_provider(provider(&tokens))
        .retry(RetryPolicy::default().backoff(Duration::from_millis(1), Duration::from_millis(1)))
        .build()
        .expect("client builds");
    client.uses_oauth().await.expect("the second token request succeeds");
    assert_eq!(requests(&tokens).await.len(), 2);
    assert_eq!(requests(&api).await.len(), 1);
}

#[tokio::test]
async fn provider_errors_are_typed_and_not_retried_unless_marked() {
    let api = api_server().await;
    let asked = Arc::new(AtomicUsize::new(0));
    let counter = asked.clone();
    let failing = credential_fn(move || {
        counter.fetch_add(1, Ordering::SeqCst);
        async { Err(CredentialError::new("the vault is sealed")) }
    });
    let client = Client::builder().base_url(api.uri()).oauth_provider(failing).build().expect("client builds");
    let error = client.uses_oauth().await.expect_err("no credential");
    assert!(matches!(&error, Error::Credential(_)), "{error:?}");
    assert_eq!(error.to_string(), "no credentials: the vault is sealed");
    assert_eq!(asked.load(Ordering::SeqCst), 1, "not retried");
    assert!(requests(&api).await.is_empty());
}

#[tokio::test]
async fn the_token_endpoint_gets_no_redirect_followed_and_bounded_answers() {
    let (api, tokens, elsewhere) = (api_server().await, MockServer::start().await, MockServer::start().await);
    Mock::given(path("/token"))
        .respond_with(ResponseTemplate::new(307).insert_header("location", format!("{}/token", elsewhere.uri())))
        .mount(&tokens)
        .await;
    Mock::given(path("/big")).respond_with(ResponseTemplate::new(200).set_body_string("x".repeat(100_000))).mount(&tokens).await;
    let client = oauth_client(&api, &tokens);
    let error = client.uses_oauth().await.expect_err("a redirect is an error");
    assert!(matches!(&error, Error::Credential(credential) if credential.status().map(|s| s.as_u16()) == Some(307)), "{error:?}");
    assert!(requests(&elsewhere).await.is_empty(), "the client secret went nowhere else");

    let big = OAuth2ClientCredentials::new(format!("{}/big", tokens.uri()), CLIENT_ID, CLIENT_SECRET);
    let client = Client::builder().base_url(api.uri()).oauth_provider(big).build().expect("client builds");
    let error = client.uses_oauth().await.expect_err("too large");
    assert!(error.to_string().contains("more than 65536 bytes"), "{error}");
}

#[tokio::test]
async fn a_stalled_provider_is_bounded_by_the_call_timeout() {
    let api = api_server().await;
    let stalled = credential_fn(|| async {
        tokio::time::sleep(Duration::from_secs(5)).await;
        Ok(Secret::new(TOKEN))
    });
    let client =
        Client::builder().base_url(api.uri()).oauth_provider(stalled).timeout(Duration::from_millis(200)).build().expect("client builds");
    let started = std::time::Instant::now();
    let error = client.uses_oauth().await.expect_err("times out");
    assert!(error.is_timeout(), "{error:?}");
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[test]
fn secrets_and_providers_are_redacted_in_debug() {
    let secret = Secret::new(TOKEN);
    assert_eq!(format!("{secret:?}"), "Secret(<redacted>)");
    let asked = Arc::new(AtomicUsize::new(0));
    let builder = Client::builder().bearer_provider(counting_provider(&asked)).oauth(TOKEN);
    let shown = format!("{builder:?}");
    assert!(shown.contains("<provider>") && shown.contains("<redacted>") && !shown.contains(TOKEN), "{shown}");
}

#[tokio::test]
async fn an_error_chain_prints_the_providers_cause_once() {
    let api = api_server().await;
    let failing = credential_fn(|| async {
        let cause = std::io::Error::new(std::io::ErrorKind::PermissionDenied, "the token file is unreadable");
        Err(CredentialError::new("reading the token").with_source(cause))
    });
    let client = Client::builder().base_url(api.uri()).bearer_provider(failing).build().expect("client builds");
    let error = client.uses_global().await.expect_err("no credential");
    let chain = format!("{:#}", anyhow::Error::new(error));
    assert_eq!(chain, "no credentials: reading the token: the token file is unreadable");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_401s_share_one_refresh() {
    let (api, tokens) = (api_rejecting_first_token().await, token_server(3600, Duration::from_millis(100)).await);
    let client = oauth_client(&api, &tokens);
    let calls: Vec<_> = (0..20).map(|_| tokio::spawn(client.uses_oauth())).collect();
    for call in futures::future::join_all(calls).await {
        call.expect("the task ends").expect("the call succeeds after one re-send");
    }
    // One refresh: a call that reports `tok-1` after the refresh does not
    // throw `tok-2` away. Calls that ask while it is under way wait for it
    // and send `tok-2` straight away.
    assert_eq!(requests(&tokens).await.len(), 2);
    let sent: Vec<Option<String>> = requests(&api).await.iter().map(bearer_of).collect();
    let with = |token: &str| sent.iter().filter(|sent| sent.as_deref() == Some(token)).count();
    assert_eq!(with("Bearer tok-2"), 20, "every call ends with the new token");
    assert!(with("Bearer tok-1") >= 1 && with("Bearer tok-1") + 20 == sent.len(), "{sent:?}");
}
