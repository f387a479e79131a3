//! Helpers shared by the wire-level behaviour tests
//! (`behaviour_*.rs`, …): inspecting what the mock server received.

use std::fmt::Debug;
use std::future::Future;
use std::time::{Duration, Instant};

use generated_client::runtime::Error;

use wiremock::{MockServer, Request};

/// Client timeout used by the timeout tests.
pub const CLIENT_TIMEOUT: Duration = Duration::from_millis(200);

/// How long the "slow" mock server waits before answering.
pub const SERVER_DELAY: Duration = Duration::from_secs(5);

/// Upper bound for how long a timed-out call may take end to end.
pub const TIMEOUT_BUDGET: Duration = Duration::from_secs(3);

/// The one request the mock server received; fails if it saw none or more.
pub async fn only_request(server: &MockServer) -> Request {
    let mut requests = server.received_requests().await.expect("request recording is enabled");
    assert_eq!(requests.len(), 1, "expected exactly one request, got {requests:?}");
    requests.remove(0)
}

/// Every value the request carries for header `name`, as text.
pub fn header_values(request: &Request, name: &str) -> Vec<String> {
    request.headers.get_all(name).iter().map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned()).collect()
}

/// Asserts the raw request line: GET, the exact (still percent-encoded)
/// path, no query string at all and no body.
pub fn assert_get_without_query(request: &Request, expected_path: &str) {
    assert_eq!(request.method.as_str(), "GET");
    assert_eq!(request.url.path(), expected_path, "raw URL was {}", request.url);
    assert_eq!(request.url.query(), None, "raw URL was {}", request.url);
    assert!(!request.url.as_str().contains('?'), "raw URL was {}", request.url);
    assert!(request.body.is_empty(), "GET must not carry a body");
}

/// Awaits `call` (against a server slower than [`CLIENT_TIMEOUT`]) and
/// asserts it failed as a timeout: a transport error, no status, after the
/// client timeout but well within [`TIMEOUT_BUDGET`].
pub async fn assert_times_out<T: Debug, E: Debug>(call: impl Future<Output = Result<T, Error<E>>>) {
    let started = Instant::now();
    let error = call.await.expect_err("the call must time out");
    let elapsed = started.elapsed();

    assert!(error.is_timeout(), "expected a timeout, got {error:?}");
    assert!(matches!(error, Error::Transport(_)), "expected a transport error, got {error:?}");
    assert_eq!(error.status(), None);
    assert!(elapsed >= CLIENT_TIMEOUT - Duration::from_millis(50), "returned too early: {elapsed:?}");
    assert!(elapsed < TIMEOUT_BUDGET, "took {elapsed:?}");
}

/// Asserts that none of the `Debug` renderings contains `secret` (or its
/// telltale part `s3cr3t`) while each still shows `setting`.
pub fn assert_debug_hides_secret(secret: &str, setting: &str, renderings: &[String]) {
    for text in renderings {
        assert!(!text.contains(secret), "secret leaked in {text}");
        assert!(!text.contains("s3cr3t"), "part of the secret leaked in {text}");
        assert!(text.contains(setting), "Debug still shows the settings: {text}");
    }
}
