//! The production runtime on the wire: following pages in every style,
//! retries (count, `Retry-After`, idempotency, the total timeout), status
//! and headers of successful responses, typed documented headers, and hooks.

use crate::support as wire;

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use futures::TryStreamExt;
use tests::pagination::{Client, types};
use tests::runtime::{Attempt, Error, Hook, HookError, RetryPolicy, StatusCode};
use wiremock::matchers::{header, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

fn json(body: serde_json::Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

/// Fast retries for tests: milliseconds, not seconds.
fn fast_retries(retries: u32) -> RetryPolicy {
    RetryPolicy::default().max_retries(retries).backoff(Duration::from_millis(1), Duration::from_millis(5))
}

fn client(server: &MockServer) -> Client {
    Client::builder().base_url(server.uri()).retry(fast_retries(2)).build().expect("client builds")
}

async fn received(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.expect("recording is on")
}

fn repos(ids: &[i64]) -> serde_json::Value {
    serde_json::Value::Array(ids.iter().map(|id| serde_json::json!({"id": id})).collect())
}

fn repo_ids(items: &[types::Repo]) -> Vec<i64> {
    items.iter().map(|repo| repo.id).collect()
}

mod pack_cloud {
    use super::*;
    use generated_client::pack_cloud::Client;

    const PATH: &str = "/v1/organizations/org_123/billing/invoices";

    fn invoice(id: &str) -> serde_json::Value {
        serde_json::json!({
            "id": id, "number": null, "reference": null, "status": "paid", "total_excl_vat": 1.0,
            "total_incl_vat": 1.21, "due_at": "2023-02-01T00:00:00Z", "sent_at": "2023-01-02T09:30:00Z",
            "created_at": "2023-01-02T09:00:00Z", "updated_at": "2023-01-15T12:00:00Z"
        })
    }

    fn page(ids: &[&str], next: Option<String>) -> serde_json::Value {
        let data: Vec<_> = ids.iter().map(|id| invoice(id)).collect();
        serde_json::json!({"data": data, "prev": null, "next": next, "per_page": 2})
    }

    /// Three pages linked by absolute `next` URLs (as the vendor documents
    /// them), the third with `next: null`.
    #[tokio::test]
    async fn the_stream_yields_every_invoice_of_every_page_in_order() {
        let server = MockServer::start().await;
        let next = |page: u32| Some(format!("{}{PATH}?page={page}&cursor=a%2Fb", server.uri()));
        Mock::given(path(PATH))
            .and(query_param_is_missing("page"))
            .respond_with(json(page(&["inv_1", "inv_2"], next(2))))
            .mount(&server)
            .await;
        Mock::given(path(PATH)).and(query_param("page", "2")).respond_with(json(page(&["inv_3", "inv_4"], next(3)))).mount(&server).await;
        Mock::given(path(PATH)).and(query_param("page", "3")).respond_with(json(page(&["inv_5"], None))).mount(&server).await;

        let client = Client::builder().base_url(format!("{}/v1", server.uri())).bearer_auth("tok").build().expect("builds");
        let mut stream = client.list_invoices_stream("org_123");
        let mut ids = Vec::new();
        while let Some(invoice) = stream.try_next().await.expect("every page decodes") {
            ids.push(invoice.id);
        }
        assert_eq!(ids, ["inv_1", "inv_2", "inv_3", "inv_4", "inv_5"]);

        let sent = received(&server).await;
        assert_eq!(sent.len(), 3, "one request per page");
        assert_eq!((sent[0].url.path(), sent[0].url.query()), (PATH, None));
        for (request, page) in sent[1..].iter().zip([2, 3]) {
            // The next URL is requested exactly as given (wiremock reports
            // the host as `localhost`).
            let link = reqwest::Url::parse(&next(page).expect("a link")).expect("a URL");
            assert_eq!((request.url.path(), request.url.query()), (link.path(), link.query()));
            assert_eq!(wire::header_values(request, "authorization"), ["Bearer tok"], "same origin: the token is sent");
        }
    }

    #[tokio::test]
    async fn pages_are_fetched_only_when_consumed() {
        let server = MockServer::start().await;
        let next = Some(format!("{}{PATH}?page=2", server.uri()));
        Mock::given(path(PATH)).and(query_param_is_missing("page")).respond_with(json(page(&["inv_1"], next))).mount(&server).await;
        Mock::given(path(PATH)).and(query_param("page", "2")).respond_with(json(page(&["inv_2"], None))).mount(&server).await;
        let client = Client::builder().base_url(format!("{}/v1", server.uri())).build().expect("builds");
        let mut pages = client.list_invoices_pages("org_123");
        let first = pages.try_next().await.expect("decodes").expect("a first page");
        assert_eq!(first.status(), StatusCode::OK);
        assert_eq!(first.data.len(), 1);
        assert_eq!(received(&server).await.len(), 1, "the second page is not fetched yet");
        let second = pages.try_next().await.expect("decodes").expect("a second page");
        assert_eq!(second.data[0].id, "inv_2");
        assert!(pages.try_next().await.expect("no error").is_none(), "next: null ends the stream");
        assert_eq!(received(&server).await.len(), 2);
    }

    /// A next link to another origin is followed without the credentials.
    #[tokio::test]
    async fn a_next_link_to_another_origin_gets_no_credentials() {
        let (first, other) = (MockServer::start().await, MockServer::start().await);
        let next = Some(format!("{}/elsewhere", other.uri()));
        Mock::given(path(PATH)).respond_with(json(page(&["inv_1"], next))).mount(&first).await;
        Mock::given(path("/elsewhere")).respond_with(json(page(&["inv_2"], None))).mount(&other).await;
        let client = Client::builder().base_url(format!("{}/v1", first.uri())).bearer_auth("s3cr3t").build().expect("builds");
        let items: Vec<_> = client.list_invoices_stream("org_123").try_collect().await.expect("both pages decode");
        assert_eq!(items.len(), 2);
        let landed = received(&other).await;
        assert_eq!(landed.len(), 1);
        assert!(landed[0].headers.get("authorization").is_none(), "the token stayed on its origin");
    }

    /// A server that sends the same next link again ends the stream with an
    /// error instead of spinning.
    #[tokio::test]
    async fn a_looping_next_link_ends_with_an_error() {
        let server = MockServer::start().await;
        let next = Some(format!("{}{PATH}?page=2", server.uri()));
        Mock::given(path(PATH)).respond_with(json(page(&["inv_1"], next))).mount(&server).await;
        let client = Client::builder().base_url(format!("{}/v1", server.uri())).build().expect("builds");
        let mut stream = client.list_invoices_stream("org_123");
        let mut seen = 0;
        let error = loop {
            match stream.try_next().await {
                Ok(Some(_)) => seen += 1,
                Ok(None) => panic!("the loop must not end quietly"),
                Err(error) => break error,
            }
        };
        assert!(matches!(error, generated_client::runtime::Error::Pagination(_)), "{error:?}");
        assert_eq!(seen, 2, "the first page and the page=2 page are read once each");
        assert_eq!(received(&server).await.len(), 2);
    }
}

#[tokio::test]
async fn link_header_pages() {
    let server = MockServer::start().await;
    let link = format!("<{0}/repos?per_page=2&page=2>; rel=\"next\", <{0}/repos?per_page=2&page=9>; rel=\"last\"", server.uri());
    Mock::given(path("/repos"))
        .and(query_param_is_missing("page"))
        .respond_with(json(repos(&[1, 2])).insert_header("link", link.as_str()))
        .mount(&server)
        .await;
    let last = format!("<{0}/repos?per_page=2&page=1>; rel=\"first\"", server.uri());
    Mock::given(path("/repos"))
        .and(query_param("page", "2"))
        .respond_with(json(repos(&[3])).insert_header("link", last.as_str()))
        .mount(&server)
        .await;
    let params = types::ListReposParams { per_page: Some(2), page: None };
    let items: Vec<types::Repo> = client(&server).list_repos_stream(&params).try_collect().await.expect("decodes");
    assert_eq!(repo_ids(&items), [1, 2, 3]);
    let sent = received(&server).await;
    assert_eq!(sent[1].url.query(), Some("per_page=2&page=2"), "the Link target, as given");
}

#[tokio::test]
async fn cursor_pages() {
    let server = MockServer::start().await;
    let page = |ids: &[&str], next: Option<&str>| {
        let items: Vec<_> = ids.iter().map(|id| serde_json::json!({"id": id})).collect();
        json(serde_json::json!({"items": items, "next_cursor": next}))
    };
    Mock::given(path("/events")).and(query_param_is_missing("cursor")).respond_with(page(&["a", "b"], Some("c1"))).mount(&server).await;
    Mock::given(path("/events")).and(query_param("cursor", "c1")).respond_with(page(&["c"], Some("c 2/+"))).mount(&server).await;
    Mock::given(path("/events")).and(query_param("cursor", "c 2/+")).respond_with(page(&["d"], None)).mount(&server).await;
    let items: Vec<types::Event> =
        client(&server).list_events_stream(&types::ListEventsParams::default()).try_collect().await.expect("decodes");
    let ids: Vec<&str> = items.iter().map(|event| event.id.as_str()).collect();
    assert_eq!(ids, ["a", "b", "c", "d"]);
    assert_eq!(received(&server).await.len(), 3);
}

#[tokio::test]
async fn has_more_pages_send_the_last_id() {
    let server = MockServer::start().await;
    let page = |ids: &[&str], more: bool| {
        let data: Vec<_> = ids.iter().map(|id| serde_json::json!({"id": id})).collect();
        json(serde_json::json!({"object": "list", "data": data, "has_more": more, "url": "/customers"}))
    };
    Mock::given(path("/customers"))
        .and(query_param_is_missing("starting_after"))
        .respond_with(page(&["cus_1", "cus_2"], true))
        .mount(&server)
        .await;
    Mock::given(path("/customers")).and(query_param("starting_after", "cus_2")).respond_with(page(&["cus_3"], false)).mount(&server).await;
    let params = types::ListCustomersParams { limit: Some(2), starting_after: None };
    let items: Vec<types::Customer> = client(&server).list_customers_stream(&params).try_collect().await.expect("decodes");
    let ids: Vec<&str> = items.iter().map(|customer| customer.id.as_str()).collect();
    assert_eq!(ids, ["cus_1", "cus_2", "cus_3"]);
    let sent = received(&server).await;
    assert_eq!(sent[1].url.query(), Some("limit=2&starting_after=cus_2"));
}

#[tokio::test]
async fn page_numbers_stop_on_a_short_page() {
    let server = MockServer::start().await;
    Mock::given(path("/numbered")).and(query_param_is_missing("page")).respond_with(json(repos(&[1, 2]))).mount(&server).await;
    Mock::given(path("/numbered")).and(query_param("page", "2")).respond_with(json(repos(&[3, 4]))).mount(&server).await;
    Mock::given(path("/numbered")).and(query_param("page", "3")).respond_with(json(repos(&[5]))).mount(&server).await;
    let params = types::ListNumberedParams { page: None, page_size: Some(2) };
    let items: Vec<types::Repo> = client(&server).list_numbered_stream(&params).try_collect().await.expect("decodes");
    assert_eq!(repo_ids(&items), [1, 2, 3, 4, 5]);
    assert_eq!(received(&server).await.len(), 3, "the short third page is the last");
}

#[tokio::test]
async fn offsets_advance_by_the_items_read() {
    let server = MockServer::start().await;
    let rows = |ids: &[i64]| json(serde_json::json!({"rows": repos(ids), "extra": []}));
    Mock::given(path("/offsets")).and(query_param("skip", "5")).respond_with(rows(&[1, 2])).mount(&server).await;
    Mock::given(path("/offsets")).and(query_param("skip", "7")).respond_with(rows(&[3, 4])).mount(&server).await;
    Mock::given(path("/offsets")).and(query_param("skip", "9")).respond_with(rows(&[])).mount(&server).await;
    let params = types::ListOffsetsParams { skip: Some(5), take: Some(2) };
    let items: Vec<types::Repo> = client(&server).list_offsets_stream(&params).try_collect().await.expect("decodes");
    assert_eq!(repo_ids(&items), [1, 2, 3, 4]);
    assert_eq!(received(&server).await.len(), 3, "the empty page ends the stream");
}

#[tokio::test]
async fn relative_next_links_resolve_against_the_request() {
    let server = MockServer::start().await;
    let page = |ids: &[i64], next: Option<&str>| json(serde_json::json!({"results": repos(ids), "next": next}));
    Mock::given(path("/links")).and(query_param_is_missing("after")).respond_with(page(&[1], Some("?after=1"))).mount(&server).await;
    Mock::given(path("/links")).and(query_param("after", "1")).respond_with(page(&[2], Some("/links?after=2"))).mount(&server).await;
    Mock::given(path("/links")).and(query_param("after", "2")).respond_with(page(&[3], None)).mount(&server).await;
    let items: Vec<types::Repo> = client(&server).list_links_stream().try_collect().await.expect("decodes");
    assert_eq!(repo_ids(&items), [1, 2, 3]);
}

/// `status()`, `headers()` and the documented headers, typed.
#[tokio::test]
async fn successes_carry_status_and_headers() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/jobs"))
        .respond_with(
            ResponseTemplate::new(201)
                .set_body_json(serde_json::json!({"id": 7}))
                .insert_header("x-ratelimit-remaining", "42")
                .insert_header("x-request-id", "req-1")
                .insert_header("etag", "\"v1\""),
        )
        .mount(&server)
        .await;
    let response = client(&server).create_job(&types::CreateJobParams::default()).await.expect("created");
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(response.headers().get("etag").and_then(|value| value.to_str().ok()), Some("\"v1\""));
    assert_eq!(response.id, 7, "derefs to the body");
    let typed = response.typed_headers();
    assert_eq!(typed.x_rate_limit_remaining, Some(42));
    assert_eq!(typed.x_request_id.as_deref(), Some("req-1"));
    let (status, _, repo) = response.into_parts();
    assert_eq!((status.as_u16(), repo.id), (201, 7));
}

mod retries {
    use super::*;

    /// Fails `failures` times with `status` (and `headers`), then answers 200.
    async fn flaky(route: &str, verb: &str, failures: u64, status: u16, headers: &[(&str, &str)]) -> MockServer {
        let server = MockServer::start().await;
        let mut failing = ResponseTemplate::new(status);
        for (name, value) in headers {
            failing = failing.insert_header(*name, *value);
        }
        Mock::given(method(verb)).and(path(route)).respond_with(failing).up_to_n_times(failures).mount(&server).await;
        let ok = if verb == "GET" {
            json(serde_json::json!({"ok": true}))
        } else {
            ResponseTemplate::new(201).set_body_json(serde_json::json!({"id": 1}))
        };
        Mock::given(method(verb)).and(path(route)).respond_with(ok).mount(&server).await;
        server
    }

    #[tokio::test]
    async fn idempotent_calls_are_retried_on_retryable_statuses() {
        for status in [408, 429, 500, 502, 503, 504] {
            let server = flaky("/status", "GET", 2, status, &[]).await;
            let response = client(&server).get_status().await.unwrap_or_else(|error| panic!("{status}: {error}"));
            assert_eq!(response.ok, Some(true));
            assert_eq!(received(&server).await.len(), 3, "{status}: two retries");
        }
    }

    #[tokio::test]
    async fn the_retry_count_is_respected_and_none_turns_retries_off() {
        let server = flaky("/status", "GET", 5, 503, &[]).await;
        let error = client(&server).get_status().await.expect_err("still failing after two retries");
        assert_eq!(error.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
        assert_eq!(received(&server).await.len(), 3);

        let server = flaky("/status", "GET", 1, 503, &[]).await;
        let error = client(&server).with_retry(RetryPolicy::none()).get_status().await.expect_err("no retry");
        assert_eq!(error.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
        assert_eq!(received(&server).await.len(), 1);
    }

    #[tokio::test]
    async fn other_statuses_are_not_retried() {
        let server = flaky("/status", "GET", 1, 404, &[]).await;
        client(&server).get_status().await.expect_err("404");
        assert_eq!(received(&server).await.len(), 1);
    }

    #[tokio::test]
    async fn retry_after_is_honoured_and_capped() {
        // An HTTP date in the past: retry at once.
        let server = flaky("/status", "GET", 1, 429, &[("retry-after", "Wed, 21 Oct 2015 07:28:00 GMT")]).await;
        client(&server).get_status().await.expect("the retry succeeds");
        assert_eq!(received(&server).await.len(), 2);

        // Seconds beyond the cap: not retried, the 429 is returned at once.
        let server = flaky("/status", "GET", 1, 429, &[("retry-after", "120")]).await;
        let started = Instant::now();
        let error = client(&server).get_status().await.expect_err("the server asks for too long a wait");
        assert_eq!(error.status(), Some(StatusCode::TOO_MANY_REQUESTS));
        assert!(started.elapsed() < Duration::from_secs(2));
        assert_eq!(received(&server).await.len(), 1);

        // Within a (test-sized) cap: waited for.
        let policy = fast_retries(1).max_retry_after(Duration::from_secs(2));
        let server = flaky("/status", "GET", 1, 503, &[("retry-after", "1")]).await;
        let started = Instant::now();
        client(&server).with_retry(policy).get_status().await.expect("the retry succeeds");
        assert!(started.elapsed() >= Duration::from_millis(950), "waited {:?}", started.elapsed());
    }

    #[tokio::test]
    async fn post_is_retried_only_with_an_idempotency_key() {
        let server = flaky("/reports", "POST", 1, 503, &[]).await;
        client(&server).create_report().await.expect_err("a POST without a key is not retried");
        assert_eq!(received(&server).await.len(), 1);

        let server = flaky("/reports", "POST", 2, 503, &[]).await;
        client(&server).with_idempotency_key("key-1").create_report().await.expect_err("201 is not this op's success");
        let sent = received(&server).await;
        assert_eq!(sent.len(), 3, "with a key the POST is retried");
        for request in &sent {
            assert_eq!(wire::header_values(request, "idempotency-key"), ["key-1"], "the same key on every attempt");
        }
    }

    /// The first attempt stalls for 5 s before its head; later ones answer.
    async fn stalls_once() -> MockServer {
        let server = MockServer::start().await;
        let stalled = json(serde_json::json!({"ok": false})).set_delay(Duration::from_secs(5));
        Mock::given(method("GET")).and(path("/status")).respond_with(stalled).up_to_n_times(1).mount(&server).await;
        Mock::given(method("GET")).and(path("/status")).respond_with(json(serde_json::json!({"ok": true}))).mount(&server).await;
        server
    }

    #[tokio::test]
    async fn a_stalled_attempt_is_retried_after_the_attempt_timeout() {
        let server = stalls_once().await;
        let client = Client::builder()
            .base_url(server.uri())
            .retry(fast_retries(2))
            .attempt_timeout(Duration::from_millis(300))
            .build()
            .expect("client builds");
        let started = Instant::now();
        let response = client.get_status().await.expect("the second attempt answers");
        assert_eq!(response.ok, Some(true));
        assert_eq!(received(&server).await.len(), 2);
        assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());

        // Without one, the stalled attempt has the whole (here 1 s) budget
        // and nothing is left to retry with.
        let server = stalls_once().await;
        let client =
            Client::builder().base_url(server.uri()).retry(fast_retries(2)).timeout(Duration::from_secs(1)).build().expect("builds");
        let error = client.get_status().await.expect_err("the budget is spent on the stalled attempt");
        assert!(error.is_timeout(), "{error:?}");
        assert_eq!(received(&server).await.len(), 1);

        // A POST without a key is not retried after its attempt timed out.
        let server = MockServer::start().await;
        let stalled = ResponseTemplate::new(201).set_body_json(serde_json::json!({"id": 1})).set_delay(Duration::from_secs(5));
        Mock::given(method("POST")).and(path("/reports")).respond_with(stalled).mount(&server).await;
        let client = Client::builder()
            .base_url(server.uri())
            .retry(fast_retries(2))
            .attempt_timeout(Duration::from_millis(200))
            .build()
            .expect("builds");
        let error = client.create_report().await.expect_err("timed out");
        assert!(error.is_timeout() && error.to_string().contains("attempt_timeout"), "{error}");
        assert_eq!(received(&server).await.len(), 1);
    }

    #[tokio::test]
    async fn an_idempotency_key_goes_with_one_call_only() {
        // (400: not retried, so one request per call.)
        let server = flaky("/reports", "POST", 3, 400, &[]).await;
        let keyed = client(&server).with_idempotency_key("order-17");
        let _ = keyed.create_report().await;
        let _ = keyed.create_report().await;
        let _ = client(&server).create_report().await;
        let sent = received(&server).await;
        assert_eq!(sent.len(), 3);
        let keys: Vec<Vec<String>> = sent.iter().map(|request| wire::header_values(request, "idempotency-key")).collect();
        assert_eq!(keys, [vec!["order-17".to_owned()], vec![], vec![]], "the second call through the clone sends no key");

        // A declared key parameter left empty takes the clone's key.
        let server = flaky("/jobs", "POST", 1, 500, &[]).await;
        client(&server).with_idempotency_key("job-9").create_job(&types::CreateJobParams::default()).await.expect("retried");
        for request in received(&server).await {
            assert_eq!(wire::header_values(&request, "idempotency-key"), ["job-9"]);
        }
    }

    #[tokio::test]
    async fn a_declared_idempotency_key_is_generated_once_and_reused() {
        let server = flaky("/jobs", "POST", 2, 500, &[]).await;
        client(&server).create_job(&types::CreateJobParams::default()).await.expect("the third attempt succeeds");
        let sent = received(&server).await;
        assert_eq!(sent.len(), 3);
        let keys: Vec<Vec<String>> = sent.iter().map(|request| wire::header_values(request, "idempotency-key")).collect();
        assert_eq!(keys[0].len(), 1, "a key is generated");
        assert!(keys.iter().all(|key| *key == keys[0]), "{keys:?}");

        let server = flaky("/jobs", "POST", 1, 500, &[]).await;
        let params = types::CreateJobParams { idempotency_key: Some("mine".to_owned()) };
        client(&server).create_job(&params).await.expect("retried");
        for request in received(&server).await {
            assert_eq!(wire::header_values(&request, "idempotency-key"), ["mine"]);
        }
    }

    /// Attempts and waits share one budget: the client's timeout.
    #[tokio::test]
    async fn the_total_timeout_bounds_every_attempt() {
        let server = MockServer::start().await;
        Mock::given(path("/status")).respond_with(ResponseTemplate::new(503).set_delay(Duration::from_millis(150))).mount(&server).await;
        let client =
            Client::builder().base_url(server.uri()).retry(fast_retries(10)).timeout(Duration::from_millis(400)).build().expect("builds");
        let started = Instant::now();
        client.get_status().await.expect_err("never succeeds");
        let elapsed = started.elapsed();
        assert!(elapsed < Duration::from_millis(1000), "took {elapsed:?}");
        let attempts = received(&server).await.len();
        assert!((2..=3).contains(&attempts), "{attempts} attempts in 400 ms");
    }

    #[tokio::test]
    async fn connection_failures_are_retried() {
        let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("binds");
        let url = format!("http://{}", closed.local_addr().expect("address"));
        drop(closed);
        let hook = Counting::default();
        let attempts = hook.before.clone();
        let client = Client::builder().base_url(url).retry(fast_retries(2)).hook(hook).build().expect("builds");
        let error = client.get_status().await.expect_err("nothing listens");
        assert!(matches!(&error, Error::Transport(transport) if transport.is_connect()), "{error:?}");
        assert_eq!(attempts.load(Ordering::SeqCst), 3);
    }
}

/// Counts hook calls and signs every attempt.
#[derive(Default)]
struct Counting {
    before: Arc<AtomicU32>,
    after: Arc<AtomicU32>,
}

impl Hook for Counting {
    fn before_request(&self, request: &mut reqwest::Request, attempt: &Attempt) -> Result<(), HookError> {
        self.before.fetch_add(1, Ordering::SeqCst);
        let signature = format!("attempt-{}", attempt.number);
        request.headers_mut().insert("x-signature", signature.parse()?);
        Ok(())
    }

    fn after_response(&self, _: StatusCode, _: &reqwest::header::HeaderMap, _: Duration, _: &Attempt) -> Result<(), HookError> {
        self.after.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }
}

#[tokio::test]
async fn hooks_see_every_attempt() {
    let server = MockServer::start().await;
    Mock::given(path("/status")).respond_with(ResponseTemplate::new(503)).up_to_n_times(2).mount(&server).await;
    Mock::given(path("/status"))
        .and(header("x-signature", "attempt-3"))
        .respond_with(json(serde_json::json!({"ok": true})))
        .mount(&server)
        .await;
    let hook = Counting::default();
    let (before, after) = (hook.before.clone(), hook.after.clone());
    let client = Client::builder().base_url(server.uri()).retry(fast_retries(2)).hook(hook).build().expect("builds");
    client.get_status().await.expect("the signed third attempt succeeds");
    assert_eq!((before.load(Ordering::SeqCst), after.load(Ordering::SeqCst)), (3, 3));
    let signatures: Vec<Vec<String>> = received(&server).await.iter().map(|request| wire::header_values(request, "x-signature")).collect();
    assert_eq!(signatures, [["attempt-1"], ["attempt-2"], ["attempt-3"]]);
}

struct Refusing;

impl Hook for Refusing {
    fn before_request(&self, _: &mut reqwest::Request, _: &Attempt) -> Result<(), HookError> {
        Err("no requests on Sundays".into())
    }
}

#[tokio::test]
async fn a_hook_can_fail_the_call() {
    let server = MockServer::start().await;
    Mock::given(path("/status")).respond_with(json(serde_json::json!({}))).mount(&server).await;
    let client = Client::builder().base_url(server.uri()).hook(Refusing).build().expect("builds");
    let error = client.get_status().await.expect_err("the hook refuses");
    assert!(matches!(&error, Error::Hook(inner) if inner.to_string() == "no requests on Sundays"), "{error:?}");
    assert!(received(&server).await.is_empty(), "nothing was sent");
}

mod errors {
    use super::*;

    /// Every message of an error's `source()` chain, outermost first.
    fn chain(error: &(dyn std::error::Error + 'static)) -> Vec<String> {
        let mut messages = vec![error.to_string()];
        let mut next = error.source();
        while let Some(cause) = next {
            messages.push(cause.to_string());
            next = cause.source();
        }
        messages
    }

    /// No message repeats the one below it (a reporter prints each once).
    fn assert_each_cause_once(messages: &[String]) {
        for pair in messages.windows(2) {
            assert!(!pair[0].contains(&pair[1]), "printed twice: {messages:?}");
        }
    }

    #[tokio::test]
    async fn error_chains_print_each_cause_once() {
        // A connection refused: transport error, then its causes.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("binds");
        let address = listener.local_addr().expect("an address");
        drop(listener);
        let client = Client::builder().base_url(format!("http://{address}")).retry(RetryPolicy::none()).build().expect("builds");
        let error = client.get_status().await.expect_err("nothing listens");
        assert!(error.is_connect() && error.is_retryable() && !error.is_timeout(), "{error:?}");
        let messages = chain(&error);
        assert!(messages.len() >= 2, "the cause is reachable: {messages:?}");
        assert_each_cause_once(&messages);
        let reported = format!("{:#}", anyhow::Error::from(error));
        assert!(reported.starts_with("transport error: "), "{reported}");

        // A decode error: its message once, the JSON error not again.
        let server = MockServer::start().await;
        Mock::given(method("GET")).and(path("/status")).respond_with(json(serde_json::json!({"ok": "yes"}))).mount(&server).await;
        let error = client_for(&server).get_status().await.expect_err("`ok` is a boolean");
        assert!(!error.is_retryable());
        assert_each_cause_once(&chain(&error));
        let reported = format!("{:#}", anyhow::Error::from(error));
        assert_eq!(reported.matches("invalid type").count(), 1, "{reported}");

        // A hook's error: once.
        let server = MockServer::start().await;
        let client = Client::builder().base_url(server.uri()).hook(Refuse).build().expect("builds");
        let error = client.get_status().await.expect_err("the hook refuses");
        let reported = format!("{:#}", anyhow::Error::from(error));
        assert_eq!(reported.matches("not today").count(), 1, "{reported}");
    }

    #[tokio::test]
    async fn errors_of_different_operations_merge_untyped() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/status"))
            .respond_with(ResponseTemplate::new(503).set_body_string("busy"))
            .mount(&server)
            .await;
        let client = Client::builder().base_url(server.uri()).retry(RetryPolicy::none()).build().expect("builds");
        let status_error = client.get_status().await.expect_err("503");
        assert!(status_error.is_retryable());
        let errors: Vec<Error<()>> = vec![status_error.into_untyped(), Error::<types::Repo>::InvalidRequest("x".to_owned()).into_untyped()];
        match &errors[0] {
            Error::Status(error) => assert_eq!((error.status.as_u16(), error.body_text().as_str()), (503, "busy")),
            other => panic!("{other:?}"),
        }
        assert!(!errors[1].is_retryable());
    }

    fn client_for(server: &MockServer) -> Client {
        Client::builder().base_url(server.uri()).retry(RetryPolicy::none()).build().expect("builds")
    }

    struct Refuse;

    impl Hook for Refuse {
        fn before_request(&self, _: &mut tests::runtime::reqwest::Request, _: &Attempt) -> Result<(), HookError> {
            Err("not today".into())
        }
    }
}

#[tokio::test]
async fn page_streams_own_their_client_and_can_be_spawned() {
    let server = MockServer::start().await;
    for route in ["/repos", "/feed"] {
        let link = format!("<{}{route}?page=2>; rel=\"next\"", server.uri());
        Mock::given(path(route))
            .and(query_param_is_missing("page"))
            .respond_with(json(repos(&[1, 2])).insert_header("link", link.as_str()))
            .mount(&server)
            .await;
        Mock::given(path(route)).and(query_param("page", "2")).respond_with(json(repos(&[3]))).mount(&server).await;
    }
    let client = client(&server);
    // A `Call`-returning operation and an `async fn` one (its success is
    // `default`): both streams outlive the client they came from.
    let repos_stream = client.list_repos_stream(&types::ListReposParams::default());
    let feed_stream = client.list_feed_stream(&types::ListFeedParams::default());
    drop(client);
    let repos_task = tokio::spawn(repos_stream.try_collect::<Vec<types::Repo>>());
    let feed_task = tokio::spawn(feed_stream.try_collect::<Vec<types::Repo>>());
    let repos = repos_task.await.expect("the task ran").expect("decodes");
    let feed = feed_task.await.expect("the task ran").expect("decodes");
    assert_eq!(repo_ids(&repos), [1, 2, 3]);
    assert_eq!(repo_ids(&feed), [1, 2, 3]);
}
