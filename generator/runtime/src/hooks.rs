//! Code of the user's that runs around every attempt: before a request is
//! sent (add headers, sign, log) and after its response arrives (metrics,
//! logging). Retries and redirects are attempts of their own, so a hook
//! sees each of them.

use std::time::Duration;

use super::{HookError, Method, StatusCode};

/// One attempt of a call, as hooks see it.
#[derive(Debug, Clone)]
pub struct Attempt {
    /// 1 for the first attempt, 2 for the first retry, …
    pub number: u32,
    /// Redirects followed so far within this attempt.
    pub redirect: usize,
    /// The request method.
    pub method: Method,
    /// The URL, credentials redacted.
    pub url: String,
}

/// Runs before each request is sent and after each response; set with the
/// builder's `hook`. Both methods may fail the call with their own error
/// ([`Error::Hook`](super::Error::Hook)). Hooks run in the order they were
/// added.
pub trait Hook: Send + Sync + 'static {
    /// Called with the request about to be sent (its headers may be
    /// changed, e.g. to add a signature).
    fn before_request(&self, request: &mut reqwest::Request, attempt: &Attempt) -> Result<(), HookError> {
        let _ = (request, attempt);
        Ok(())
    }

    /// Called when the response's status and headers have arrived, with
    /// the time the attempt took so far.
    fn after_response(
        &self,
        status: StatusCode,
        headers: &reqwest::header::HeaderMap,
        elapsed: Duration,
        attempt: &Attempt,
    ) -> Result<(), HookError> {
        let _ = (status, headers, elapsed, attempt);
        Ok(())
    }
}
