//! Two clients generated against the shared `oagen-runtime` crate
//! (`Runtime::Crate`: `tests/shared-runtime/*`, from the two seed specs)
//! use one retry policy, one hook and one credential provider, and their
//! errors are one type — on the wire, against one local server.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use oagen_runtime::{Attempt, CredentialError, Error, Hook, HookError, RetryPolicy, Secret, StatusCode, credential_fn};
use shared_apibricks_console::apibricks_console;
use shared_pack_cloud::pack_cloud;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Counts the attempts of every client it is given.
#[derive(Clone, Default)]
struct CountAttempts(Arc<AtomicUsize>);

impl Hook for CountAttempts {
    fn after_response(&self, _: StatusCode, _: &oagen_runtime::HeaderMap, _: Duration, _: &Attempt) -> Result<(), HookError> {
        self.0.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }
}

/// The one error handler a program with both clients writes.
fn describe(error: &Error<()>) -> String {
    format!("{:?} retryable={}", error.status(), error.is_retryable())
}

#[tokio::test]
async fn two_clients_share_one_policy_one_hook_and_one_error_type() -> Result<(), Box<dyn std::error::Error>> {
    let server = MockServer::start().await;
    // Each endpoint fails once with 503, then answers.
    for (route, body) in [
        ("/organizations/org-1/billing/invoices", serde_json::json!({ "data": [], "prev": null, "next": null, "per_page": 10 })),
        ("/invoices/paid", serde_json::json!([])),
    ] {
        Mock::given(method("GET")).and(path(route)).respond_with(ResponseTemplate::new(503)).up_to_n_times(1).mount(&server).await;
        Mock::given(method("GET")).and(path(route)).respond_with(ResponseTemplate::new(200).set_body_json(body)).mount(&server).await;
    }

    // One of each, handed to both builders: the same types.
    let policy = RetryPolicy::default().max_retries(1).backoff(Duration::from_millis(1), Duration::from_millis(5));
    let hook = CountAttempts::default();
    let asked = Arc::new(AtomicUsize::new(0));
    let provider = Arc::new(credential_fn({
        let asked = asked.clone();
        move || {
            asked.fetch_add(1, Ordering::SeqCst);
            async { Ok::<_, CredentialError>(Secret::new("shared-token")) }
        }
    }));

    let pack = pack_cloud::Client::builder()
        .base_url(server.uri())
        .retry(policy)
        .hook(hook.clone())
        .bearer_auth_provider(provider.clone())
        .build()?;
    let bricks = apibricks_console::Client::builder()
        .base_url(server.uri())
        .retry(policy)
        .hook(hook.clone())
        .api_key_auth_provider(provider)
        .build()?;

    let page = pack.list_invoices("org-1").await?;
    assert!(page.data.is_empty());
    let paid = bricks.list_paid_invoices().await?;
    assert!(paid.is_empty());
    // Two attempts each (a 503, then the answer), all seen by one hook;
    // one provider asked before every attempt of both.
    assert_eq!(hook.0.load(Ordering::SeqCst), 4);
    assert_eq!(asked.load(Ordering::SeqCst), 4);
    let requests = server.received_requests().await.unwrap_or_default();
    assert_eq!(requests.len(), 4);
    for request in &requests {
        let authorization = request.headers.get("authorization").and_then(|value| value.to_str().ok());
        assert!(authorization.is_some_and(|value| value.ends_with("shared-token")), "{request:?}");
    }

    // Both clients' errors are `oagen_runtime::Error`; untyped, one
    // handler takes either.
    let missing =
        Mock::given(method("GET")).and(path("/organizations/org-2/billing/invoices")).and(header("authorization", "Bearer shared-token"));
    missing.respond_with(ResponseTemplate::new(404)).mount(&server).await;
    let pack_error = pack.list_invoices("org-2").await.err().ok_or("a 404 is an error")?.into_untyped();
    // Nothing is mounted under /elsewhere: wiremock answers 404.
    let elsewhere = apibricks_console::Client::builder().base_url(format!("{}/elsewhere", server.uri())).build()?;
    let bricks_error = elsewhere.list_paid_invoices().await.err().ok_or("a 404 is an error")?.into_untyped();
    let errors: Vec<Error<()>> = vec![pack_error, bricks_error];
    assert_eq!(errors.iter().map(describe).collect::<Vec<_>>(), ["Some(404) retryable=false", "Some(404) retryable=false"]);
    Ok(())
}
