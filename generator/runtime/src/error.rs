//! The error type of every call, and the error values it carries.

use std::fmt;

use super::{HeaderMap, StatusCode};

/// The error a [hook](super::Hook) fails a call with.
pub type HookError = Box<dyn std::error::Error + Send + Sync>;

/// Everything that can go wrong when calling an operation. `E` is the typed
/// error body the operation documents for non-success statuses.
///
/// `Display` shows each variant's own message (the transport failure, the
/// decode error, the hook's error); `source()` continues below it, so an
/// error reporter (`anyhow`, `eyre`, `tracing`) prints every cause once.
/// New variants may come: match with a wildcard arm.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error<E = serde_json::Value> {
    /// The request could not be built (an invalid base URL, a header value
    /// that is not valid in HTTP, a path parameter that would change the
    /// path, a body that cannot be encoded, …).
    InvalidRequest(String),
    /// The request could not be sent, or the response not read: connection
    /// failures, TLS errors, timeouts. See [`Error::is_timeout`].
    Transport(TransportError),
    /// The server answered with a status the operation does not treat as
    /// success. Status, headers and (the start of) the body are kept.
    Status(Box<StatusError<E>>),
    /// The server answered with a success status, but the body does not match
    /// the documented schema.
    Decode(Box<DecodeError>),
    /// The response body is larger than the limit set with the builder's
    /// `max_body_bytes`; reading stopped there.
    BodyTooLarge {
        /// The response status.
        status: StatusCode,
        /// The limit, in bytes.
        limit: usize,
    },
    /// One item of a streamed body (an event, a line) is larger than the
    /// limit set with the builder's `max_stream_item_bytes`; the stream
    /// ends there.
    ItemTooLarge {
        /// The response status.
        status: StatusCode,
        /// The limit, in bytes.
        limit: usize,
    },
    /// A [hook](super::Hook) failed the call.
    Hook(HookError),
    /// A [credential provider](super::CredentialProvider) had no credential
    /// (the OAuth2 token endpoint refused the client, could not be
    /// reached, …). Retried only when the provider marked it
    /// [retryable](super::CredentialError::is_retryable).
    Credential(super::CredentialError),
    /// Following pages went wrong: the server sent the same next page twice
    /// (a loop), or a next link that is not a URL.
    Pagination(String),
}

impl<E> Error<E> {
    /// The HTTP status of the response, when there was one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Status(error) => Some(error.status),
            Error::Decode(error) => Some(error.status),
            Error::Transport(error) => error.inner().and_then(reqwest::Error::status),
            Error::BodyTooLarge { status, .. } | Error::ItemTooLarge { status, .. } => Some(*status),
            Error::InvalidRequest(_) | Error::Hook(_) | Error::Credential(_) | Error::Pagination(_) => None,
        }
    }

    /// True when the request timed out (the total timeout, an attempt
    /// timeout, or a stream that went idle).
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Transport(error) if error.is_timeout())
    }

    /// True when no connection could be made.
    pub fn is_connect(&self) -> bool {
        matches!(self, Error::Transport(error) if error.is_connect())
    }

    /// True for what the client's retry policy retries — a connection
    /// failure, a timeout, a 408, 429, 500, 502, 503 or 504, or a
    /// credential provider's error it marked retryable — for code
    /// that retries at a higher level (a queue, a job runner).
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Transport(error) => error.is_connect() || error.is_timeout(),
            Error::Status(error) => super::RetryPolicy::retries_status(error.status),
            Error::Credential(error) => error.is_retryable(),
            _ => false,
        }
    }

    /// The same error without its typed body, so that errors of operations
    /// with different error types can be stored, merged and passed on as
    /// one type (the raw body of an [`Error::Status`] is kept).
    pub fn into_untyped(self) -> Error<()> {
        self.retype()
    }

    /// The response of an [`Error::Status`]: status, headers, raw body
    /// and the typed body.
    pub fn status_error(&self) -> Option<&StatusError<E>> {
        match self {
            Error::Status(error) => Some(error),
            _ => None,
        }
    }

    /// The typed error body of an [`Error::Status`], when the body matched
    /// the documented error schema ([`StatusError::parsed`]).
    pub fn error_body(&self) -> Option<&E> {
        self.status_error()?.parsed.as_ref()
    }

    /// The typed error body: renamed [`error_body`](Self::error_body).
    #[deprecated(since = "0.2.0", note = "renamed `error_body` (the status error is `StatusError`)")]
    pub fn api_error(&self) -> Option<&E> {
        self.error_body()
    }

    /// The same error with the body of a [`Error::Status`] parsed by
    /// `parse` (when it was read whole).
    pub(crate) fn parse_status<F>(self, parse: fn(StatusCode, &[u8]) -> Option<F>) -> Error<F> {
        match self {
            Error::Status(error) => {
                let parsed = if error.truncated { None } else { parse(error.status, &error.body) };
                let StatusError { status, headers, body, truncated, .. } = *error;
                Error::Status(Box::new(StatusError { status, headers, body, truncated, parsed }))
            }
            other => other.retype(),
        }
    }

    pub(crate) fn retype<F>(self) -> Error<F> {
        match self {
            Error::InvalidRequest(message) => Error::InvalidRequest(message),
            Error::Transport(error) => Error::Transport(error),
            Error::Decode(error) => Error::Decode(error),
            Error::BodyTooLarge { status, limit } => Error::BodyTooLarge { status, limit },
            Error::ItemTooLarge { status, limit } => Error::ItemTooLarge { status, limit },
            Error::Hook(error) => Error::Hook(error),
            Error::Credential(error) => Error::Credential(error),
            Error::Pagination(message) => Error::Pagination(message),
            Error::Status(error) => Error::Status(Box::new(StatusError {
                status: error.status,
                headers: error.headers,
                body: error.body,
                truncated: error.truncated,
                parsed: None,
            })),
        }
    }
}

impl<E: fmt::Debug> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidRequest(message) => write!(f, "invalid request: {message}"),
            Error::Transport(error) => write!(f, "transport error: {error}"),
            Error::Status(error) => write!(f, "{error}"),
            Error::Decode(error) => write!(f, "{error}"),
            Error::BodyTooLarge { status, limit } => {
                write!(f, "response body ({status}) exceeds the limit of {limit} bytes (see `max_body_bytes`)")
            }
            Error::ItemTooLarge { status, limit } => write!(
                f,
                "an item of the streamed response body ({status}) exceeds the limit of {limit} bytes (see `max_stream_item_bytes`)"
            ),
            Error::Hook(error) => write!(f, "hook failed: {error}"),
            Error::Credential(error) => write!(f, "no credentials: {error}"),
            Error::Pagination(message) => write!(f, "pagination: {message}"),
        }
    }
}

/// `source()` continues below what `Display` already shows: the transport
/// error's cause, the decode error's (none: its message is shown), the
/// hook error's and the credential error's cause.
impl<E: fmt::Debug> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport(error) => std::error::Error::source(error),
            Error::Decode(error) => std::error::Error::source(&error.source),
            Error::Hook(error) => error.source(),
            Error::Credential(error) => std::error::Error::source(error),
            Error::InvalidRequest(_)
            | Error::Status(_)
            | Error::BodyTooLarge { .. }
            | Error::ItemTooLarge { .. }
            | Error::Pagination(_) => None,
        }
    }
}

/// A connection, TLS, timeout or body-reading failure. Its URL is shown
/// with credentials replaced by `<redacted>`.
#[derive(Debug)]
pub struct TransportError {
    pub(crate) cause: Cause,
    pub(crate) url: Option<String>,
}

/// What went wrong on the wire.
#[derive(Debug)]
pub(crate) enum Cause {
    /// `reqwest` failed.
    Http(reqwest::Error),
    /// A timeout the runtime keeps itself: the head of a streamed response
    /// within the total timeout, or a stream's idle timeout.
    Timeout(String),
}

impl TransportError {
    pub(crate) fn http(error: reqwest::Error, url: Option<String>) -> Self {
        TransportError { cause: Cause::Http(error), url }
    }

    pub(crate) fn timeout(what: String) -> Self {
        TransportError { cause: Cause::Timeout(what), url: None }
    }

    /// True when the request timed out (the total timeout, or a stream that
    /// went idle).
    pub fn is_timeout(&self) -> bool {
        match &self.cause {
            Cause::Http(error) => error.is_timeout(),
            Cause::Timeout(_) => true,
        }
    }

    /// True when no connection could be made.
    pub fn is_connect(&self) -> bool {
        matches!(&self.cause, Cause::Http(error) if error.is_connect())
    }

    /// The URL of the failed request, credentials redacted.
    pub fn url(&self) -> Option<&str> {
        self.url.as_deref()
    }

    /// The underlying `reqwest` error (without its URL), when `reqwest`
    /// reported it.
    pub fn inner(&self) -> Option<&reqwest::Error> {
        match &self.cause {
            Cause::Http(error) => Some(error),
            Cause::Timeout(_) => None,
        }
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.cause {
            Cause::Http(error) => write!(f, "{error}")?,
            Cause::Timeout(what) => write!(f, "timed out: {what}")?,
        }
        if let Some(url) = &self.url {
            write!(f, " for url ({url})")?;
        }
        Ok(())
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        std::error::Error::source(self.inner()?)
    }
}

/// A response whose status the operation does not treat as success: what
/// [`Error::Status`] holds ([`Error::status_error`]).
#[derive(Debug)]
pub struct StatusError<E> {
    /// The response status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The raw response body, at most the error body limit
    /// ([`super::DEFAULT_MAX_ERROR_BODY_BYTES`] unless changed).
    pub body: Vec<u8>,
    /// True when the body was longer than the limit and was cut.
    pub truncated: bool,
    /// The body decoded as the documented error schema, when it matched
    /// (never for a truncated body).
    pub parsed: Option<E>,
}

/// The status error: renamed [`StatusError`] (the name of the
/// [`Error::Status`] variant that holds it).
#[deprecated(since = "0.2.0", note = "renamed `StatusError`")]
pub type ApiError<E> = StatusError<E>;

impl<E> StatusError<E> {
    /// The body as text (lossy UTF-8).
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

impl<E> fmt::Display for StatusError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = String::from_utf8_lossy(&self.body);
        let text: String = truncate(&text, 200).chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
        write!(f, "server returned {}: {text}", self.status)
    }
}

/// A success response whose body did not match the documented schema.
#[derive(Debug)]
pub struct DecodeError {
    /// The response status.
    pub status: StatusCode,
    /// Where in the body decoding failed, as a path like
    /// `[0].organization.creditBalance` (`.` for the whole body).
    pub path: String,
    /// For a streamed body, which item failed (1 for the first event or
    /// line); `path` is then inside that item.
    pub item: Option<usize>,
    /// The raw response body (for a streamed body, the item's).
    pub body: Vec<u8>,
    /// The underlying error.
    pub source: serde_json::Error,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.item {
            Some(item) => write!(f, "could not decode item {item} of the streamed response body at `{}`: {}", self.path, self.source),
            None => write!(f, "could not decode response body at `{}`: {}", self.path, self.source),
        }
    }
}

pub(crate) fn truncate(text: &str, max: usize) -> &str {
    match text.char_indices().nth(max) {
        Some((index, _)) => &text[..index],
        None => text,
    }
}
