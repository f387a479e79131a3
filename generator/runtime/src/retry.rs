//! When and how long to wait before trying a request again.

use std::time::{Duration, SystemTime};

use super::{Method, StatusCode};

/// Which failures are retried, how often, and how long to wait between
/// attempts.
///
/// By default a call is retried twice on connection failures, timeouts of
/// an attempt, and the statuses 408, 429, 500, 502, 503 and 504 — but only
/// when sending it again is safe: for GET, HEAD, OPTIONS, TRACE, PUT and
/// DELETE, and for POST or PATCH when the request carries an
/// `Idempotency-Key` (the same key on every attempt). Waits grow
/// exponentially with full jitter; a `Retry-After` header (seconds or an
/// HTTP date) is honoured up to [`RetryPolicy::max_retry_after`] — a server
/// asking for longer is not retried. The client's total timeout bounds all
/// attempts and waits together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    max_retries: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 2,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
            max_retry_after: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// Never retries.
    pub fn none() -> Self {
        Self { max_retries: 0, ..Self::default() }
    }

    /// Retries up to `max_retries` times (after the first attempt).
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = max_retries;
        self
    }

    /// The wait before the first retry; each later wait doubles, up to
    /// `max` (the actual wait is a random part of that, "full jitter").
    pub fn backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_backoff = initial;
        self.max_backoff = max.max(initial);
        self
    }

    /// The longest `Retry-After` honoured; a longer one ends the retries.
    pub fn max_retry_after(mut self, max: Duration) -> Self {
        self.max_retry_after = max;
        self
    }

    /// Retries allowed after the first attempt.
    pub fn retries(&self) -> u32 {
        self.max_retries
    }

    /// True when `status` is worth another attempt.
    pub fn retries_status(status: StatusCode) -> bool {
        matches!(status.as_u16(), 408 | 429 | 500 | 502 | 503 | 504)
    }

    /// True when `method` can be sent twice without changing the outcome.
    pub fn is_idempotent(method: &Method) -> bool {
        matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE | Method::PUT | Method::DELETE)
    }

    /// The wait before retry number `retry` (0 for the first), given the
    /// server's `Retry-After` header if any; `None` when the server asks for
    /// more than [`RetryPolicy::max_retry_after`].
    pub fn delay(&self, retry: u32, retry_after: Option<&str>) -> Option<Duration> {
        if let Some(wait) = retry_after.and_then(parse_retry_after) {
            return (wait <= self.max_retry_after).then_some(wait);
        }
        let ceiling = self.initial_backoff.saturating_mul(2u32.saturating_pow(retry)).min(self.max_backoff);
        Some(ceiling.mul_f64(jitter()))
    }
}

/// `Retry-After`: delay seconds, or an HTTP date (a date in the past means
/// now).
fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(SystemTime::now()).unwrap_or(Duration::ZERO))
}

/// A random factor in `[0, 1)`, from the standard library's randomly
/// seeded hasher (no extra dependency for a little jitter).
fn jitter() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0));
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
}
