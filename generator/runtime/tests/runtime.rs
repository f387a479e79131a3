//! The runtime on its own, without generated code: retry timing, pages
//! through `Link` headers, redirects that drop credentials.

use std::time::{Duration, SystemTime};

use futures::TryStreamExt;
use oagen_runtime::__private::{CoreBuilder, Pagination, error_json, pages};
use oagen_runtime::{Method, RetryPolicy, StatusCode};
use wiremock::matchers::{path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[test]
fn backoff_grows_exponentially_within_its_bounds() {
    let policy = RetryPolicy::default().backoff(Duration::from_millis(100), Duration::from_millis(500));
    for _ in 0..100 {
        for (retry, ceiling) in [(0, 100), (1, 200), (2, 400), (3, 500), (10, 500)] {
            let wait = policy.delay(retry, None).expect("no Retry-After: always a wait");
            assert!(wait <= Duration::from_millis(ceiling), "retry {retry}: {wait:?}");
        }
    }
    let waits: Vec<Duration> = (0..50).map(|_| policy.delay(3, None).unwrap_or_default()).collect();
    assert!(waits.iter().any(|wait| *wait != waits[0]), "jitter varies the wait");
}

#[test]
fn retry_after_is_read_as_seconds_or_a_date_and_capped() {
    let policy = RetryPolicy::default().max_retry_after(Duration::from_secs(10));
    assert_eq!(policy.delay(0, Some("3")), Some(Duration::from_secs(3)));
    assert_eq!(policy.delay(0, Some(" 0 ")), Some(Duration::ZERO));
    assert_eq!(policy.delay(0, Some("11")), None, "longer than the cap: no retry");
    assert_eq!(policy.delay(0, Some("Wed, 21 Oct 2015 07:28:00 GMT")), Some(Duration::ZERO), "a past date: now");
    let soon = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(5));
    let wait = policy.delay(0, Some(&soon)).expect("within the cap");
    assert!(wait <= Duration::from_secs(5) && wait >= Duration::from_secs(3), "{wait:?}");
    // Garbage falls back to the backoff.
    assert!(policy.delay(0, Some("soon")).is_some_and(|wait| wait <= Duration::from_millis(200)));
}

#[test]
fn idempotent_methods_and_retryable_statuses() {
    for method in [Method::GET, Method::HEAD, Method::OPTIONS, Method::PUT, Method::DELETE] {
        assert!(RetryPolicy::is_idempotent(&method), "{method}");
    }
    for method in [Method::POST, Method::PATCH] {
        assert!(!RetryPolicy::is_idempotent(&method), "{method}");
    }
    for status in [408, 429, 500, 502, 503, 504] {
        assert!(RetryPolicy::retries_status(StatusCode::from_u16(status).expect("valid")), "{status}");
    }
    for status in [200, 301, 400, 401, 404, 409, 501] {
        assert!(!RetryPolicy::retries_status(StatusCode::from_u16(status).expect("valid")), "{status}");
    }
}

#[tokio::test]
async fn link_headers_lead_from_page_to_page() {
    let server = MockServer::start().await;
    let next = format!("<{}/items?page=2>; rel=\"next\", <{0}/items?page=1>; rel=\"prev first\"", server.uri());
    Mock::given(path("/items"))
        .and(query_param_is_missing("page"))
        .respond_with(ResponseTemplate::new(200).set_body_json([1, 2]).insert_header("link", next.as_str()))
        .mount(&server)
        .await;
    Mock::given(path("/items"))
        .and(query_param("page", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_json([3]))
        .mount(&server)
        .await;
    let core = CoreBuilder::new(&server.uri()).build().expect("builds");
    let first = core.request(Method::GET, "/items");
    let all: Vec<_> =
        pages(first, Pagination::LinkHeader, |request| request.call_json::<Vec<u32>, (), ()>("application/json", &[200..=200], error_json))
            .try_collect()
            .await
            .expect("both pages decode");
    let items: Vec<u32> = all.into_iter().flat_map(|page| page.into_inner()).collect();
    assert_eq!(items, [1, 2, 3]);
}

#[tokio::test]
async fn redirects_to_another_origin_drop_credentials() {
    let (first, second) = (MockServer::start().await, MockServer::start().await);
    Mock::given(path("/start"))
        .respond_with(ResponseTemplate::new(307).insert_header("location", format!("{}/end", second.uri())))
        .mount(&first)
        .await;
    Mock::given(path("/end")).respond_with(ResponseTemplate::new(204)).mount(&second).await;
    let core = CoreBuilder::new(&first.uri()).build().expect("builds");
    let mut request = core.request(Method::GET, "/start");
    request.header_api_key("x-api-key", "secret");
    request.query_api_key("key", "secret");
    let response = request.send::<()>("").await.expect("followed");
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let landed = second.received_requests().await.expect("recording is on");
    assert!(landed[0].headers.get("x-api-key").is_none());
    assert_eq!(landed[0].url.query(), None);
}

/// A model that loses a property it should keep, to prove the example
/// round trip notices.
#[derive(serde::Deserialize, serde::Serialize)]
struct Lossy {
    id: i64,
    #[serde(skip_serializing)]
    #[allow(dead_code)]
    name: Option<String>,
    at: Option<String>,
}

#[test]
fn example_round_trips_normalise_and_notice_losses() {
    use oagen_runtime::__private::round_trip;
    // Normalisations: null and absent, 1 and 1.0, instants however written.
    assert_eq!(round_trip::<serde_json::Value>(r#"{"a":1,"b":null}"#, Some(r#"{"a":1.0}"#)), Ok(()));
    assert_eq!(
        round_trip::<Lossy>(r#"{"id":1,"at":"2024-07-01T10:00:00+02:00"}"#, Some(r#"{"id":1,"at":"2024-07-01T08:00:00Z"}"#)),
        Ok(())
    );
    // A property the model reads but does not write back is a failure.
    let lost = round_trip::<Lossy>(r#"{"id":1,"name":"x"}"#, None);
    assert_eq!(lost, Err(r#"at `.name`: expected "x", encoded null"#.to_owned()));
    // So is one that does not decode, with its path.
    let Err(problem) = round_trip::<Lossy>(r#"{"id":"one"}"#, None) else { panic!("decoded") };
    assert!(problem.starts_with("does not decode at `id`"), "{problem}");
    assert!(oagen_runtime::__private::decodes::<Lossy>(r#"{"id":2}"#).is_ok());
}
