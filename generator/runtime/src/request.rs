//! A request being built, and sending it: redirects (credentials never
//! leave their origin), retries, hooks, and the total timeout.

use std::fmt;
use std::ops::RangeInclusive;
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::header::{HeaderName, HeaderValue};

use super::core::Core;
use super::credentials::{Credential, CredentialProvider, Secret};
use super::hooks::Attempt;
use super::multipart::Multipart;
use super::multipart::{MultipartValue, multipart_form};
use super::params::{QueryStyle, encode_path, query_pairs, scalar_text, simple_text};
use super::redact::{redact_text, redacted, transport};
use super::response::{RawResponse, Response};
use super::{Error, HeaderMap, MAX_REDIRECTS, Method, RetryPolicy, StatusCode, TransportError};

/// An operation's call: a future of its typed response or its error.
/// Boxed, so it has a name (store it, return it) and every operation
/// shares one state machine, the runtime's, instead of an `async fn` of
/// its own. It owns everything it needs, so it borrows nothing from the
/// client or the arguments: `tokio::spawn(client.op(…))` works.
pub type Call<T, E> = std::pin::Pin<Box<dyn std::future::Future<Output = Result<T, Error<E>>> + Send + 'static>>;

/// Decodes an error body for a status the operation does not treat as
/// success (`None`: not of the documented shape).
#[doc(hidden)]
pub type ParseError<E> = fn(StatusCode, &[u8]) -> Option<E>;

/// What a [`Call`] expects back: the `Accept` header, the success
/// statuses and how to read an error body. Owned, as the call outlives
/// the operation that made it.
struct Expected<E> {
    accept: String,
    success: Vec<RangeInclusive<u16>>,
    parse_error: ParseError<E>,
}

impl<E> Expected<E> {
    fn new(accept: &str, success: &[RangeInclusive<u16>], parse_error: ParseError<E>) -> Self {
        Self { accept: accept.to_owned(), success: success.to_vec(), parse_error }
    }
}

/// The credentials a request carries, kept apart from everything else so
/// they can be dropped on a redirect to another origin and redacted
/// wherever the request or its URL is shown. Static values are placed when
/// the request is built; providers are asked before every attempt, and
/// what they return is placed in a copy for that attempt
/// ([`Request::resolve_credentials`]), under the same rules.
#[derive(Default, Clone)]
struct Credentials {
    headers: HeaderMap,
    query: Vec<(String, String)>,
    cookies: Vec<String>,
    providers: Vec<(Place, Arc<dyn CredentialProvider>)>,
}

/// Where a provider's credential goes.
#[derive(Debug, Clone)]
enum Place {
    /// A header, as it is or (`bearer`) as `Bearer <token>`.
    Header {
        name: HeaderName,
        bearer: bool,
    },
    Query(String),
    Cookie(String),
}

impl Credentials {
    /// Names of credential query parameters, for redaction.
    fn query_names(&self) -> Vec<&str> {
        let provided = self.providers.iter().filter_map(|(place, _)| match place {
            Place::Query(name) => Some(name.as_str()),
            _ => None,
        });
        self.query.iter().map(|(name, _)| name.as_str()).chain(provided).collect()
    }

    /// Places `secret` as `place` says; `Err` names the place, never the value.
    fn place(&mut self, place: &Place, secret: &Secret) -> Result<(), String> {
        match place {
            Place::Header { name, bearer } => {
                let text = if *bearer { format!("Bearer {}", secret.expose()) } else { secret.expose().to_owned() };
                let mut value = HeaderValue::from_str(&text)
                    .map_err(|_| format!("the credential provider's value for header `{name}` is not valid in HTTP"))?;
                value.set_sensitive(true);
                self.headers.insert(name.clone(), value);
            }
            Place::Query(name) => self.query.push((name.clone(), secret.expose().to_owned())),
            Place::Cookie(name) => self.cookies.push(format!("{name}={}", encode_path(secret.expose()))),
        }
        Ok(())
    }
}

/// The credentials of one attempt, and what each provider gave for it
/// (told when the server rejects it).
struct Resolved<'a> {
    credentials: std::borrow::Cow<'a, Credentials>,
    provided: Vec<(Arc<dyn CredentialProvider>, Secret)>,
}

/// A request body, kept in a form that can be sent again (redirects,
/// retries).
#[derive(Debug, Clone)]
enum Body {
    Empty,
    Bytes { content_type: HeaderValue, bytes: Vec<u8> },
    Form(Vec<(String, String)>),
    Multipart(Vec<(String, MultipartValue)>),
}

/// A request being built by a generated operation method. Problems found
/// while adding parts are kept and reported by [`Request::send`]. Cheap
/// enough to clone: pagination keeps one to build the next page's.
#[derive(Clone)]
pub struct Request {
    core: Core,
    /// The URL credentials belong to: only requests to its origin get them.
    origin: String,
    method: Method,
    url: String,
    query: Vec<(String, String)>,
    headers: HeaderMap,
    cookies: Vec<String>,
    credentials: Credentials,
    body: Body,
    accept: Option<String>,
    /// The body is streamed: the total timeout ends at the response head.
    streaming: bool,
    /// The key `with_idempotency_key` gave this call, until it is sent.
    idempotency: Option<String>,
    problem: Option<String>,
}

/// Shows method, URL and headers; credential values never appear.
impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names = self.credentials.query_names();
        let credential_headers: Vec<&str> = self.credentials.headers.keys().map(HeaderName::as_str).collect();
        let credential_cookies = self.credentials.cookies.len();
        let credential_providers: Vec<&Place> = self.credentials.providers.iter().map(|(place, _)| place).collect();
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("url", &redact_text(&self.url, &names))
            .field("query", &self.query)
            .field("headers", &self.headers)
            .field("credential_headers", &credential_headers)
            .field("credential_query", &names)
            .field("credential_cookies", &credential_cookies)
            .field("credential_providers", &credential_providers)
            .finish_non_exhaustive()
    }
}

impl Request {
    pub(crate) fn new(core: Core, method: Method, url: String) -> Self {
        let idempotency = core.take_idempotency_key();
        Request {
            idempotency,
            origin: url.clone(),
            core,
            method,
            url,
            query: Vec::new(),
            headers: HeaderMap::new(),
            cookies: Vec::new(),
            credentials: Credentials::default(),
            body: Body::Empty,
            accept: None,
            streaming: false,
            problem: None,
        }
    }

    pub(crate) fn fail(&mut self, problem: String) {
        self.problem.get_or_insert(problem);
    }

    /// Adds a query parameter; `None` leaves it off the wire.
    pub fn query<T: serde::Serialize + ?Sized>(&mut self, name: &str, value: Option<&T>, style: QueryStyle) {
        let Some(value) = value else { return };
        match query_pairs(name, value, style) {
            Ok(mut pairs) => self.query.append(&mut pairs),
            Err(problem) => self.fail(problem),
        }
    }

    /// Adds a header parameter (`style: simple`); `None` leaves it off.
    pub fn header<T: serde::Serialize + ?Sized>(&mut self, name: &str, value: Option<&T>) {
        let Some(value) = value else { return };
        match serde_json::to_value(value) {
            Ok(serde_json::Value::Null) => {}
            Ok(value) => {
                let text = simple_text(&value);
                self.raw_header(name, &text);
            }
            Err(error) => self.fail(format!("header `{name}`: {error}")),
        }
    }

    /// Adds a cookie parameter, percent-encoded; `None` leaves it off.
    pub fn cookie<T: serde::Serialize + ?Sized>(&mut self, name: &str, value: Option<&T>) {
        let Some(value) = value else { return };
        match serde_json::to_value(value) {
            Ok(serde_json::Value::Null) => {}
            Ok(value) => self.cookies.push(format!("{name}={}", encode_path(&simple_text(&value)))),
            Err(error) => self.fail(format!("cookie `{name}`: {error}")),
        }
    }

    fn header_pair(name: &str, value: &str) -> Result<(HeaderName, HeaderValue), String> {
        let header = HeaderName::from_bytes(name.as_bytes()).map_err(|_| format!("invalid header name `{name}`"))?;
        let value = HeaderValue::from_str(value).map_err(|_| format!("header `{name}`: the value is not valid in HTTP"))?;
        Ok((header, value))
    }

    /// Sets a header to an exact value (used for `Accept`).
    pub fn raw_header(&mut self, name: &str, value: &str) {
        match Self::header_pair(name, value) {
            Ok((header, value)) => {
                self.headers.insert(header, value);
            }
            Err(problem) => self.fail(problem),
        }
    }

    fn credential_header(&mut self, name: &str, credential: Credential, bearer: bool) {
        match credential {
            Credential::Static(value) => {
                let value = if bearer { format!("Bearer {value}") } else { value };
                match Self::header_pair(name, &value) {
                    Ok((header, mut value)) => {
                        value.set_sensitive(true);
                        self.credentials.headers.insert(header, value);
                    }
                    // The message names the header, never the value.
                    Err(problem) => self.fail(problem),
                }
            }
            Credential::Provider(provider) => match HeaderName::from_bytes(name.as_bytes()) {
                Ok(name) => self.credentials.providers.push((Place::Header { name, bearer }, provider)),
                Err(_) => self.fail(format!("invalid header name `{name}`")),
            },
        }
    }

    /// Sends an API key as a header (a value, or a provider's).
    pub fn header_api_key(&mut self, name: &str, key: impl Into<Credential>) {
        self.credential_header(name, key.into(), false);
    }

    /// Sends `Authorization: Bearer <token>` (a value, or a provider's).
    pub fn bearer_auth(&mut self, token: impl Into<Credential>) {
        self.credential_header("authorization", token.into(), true);
    }

    /// Sends HTTP basic credentials.
    pub fn basic_auth(&mut self, username: &str, password: Option<&str>) {
        use base64::Engine as _;
        let pair = format!("{username}:{}", password.unwrap_or_default());
        let encoded = base64::engine::general_purpose::STANDARD.encode(pair);
        self.credential_header("authorization", Credential::Static(format!("Basic {encoded}")), false);
    }

    /// Adds an API key sent as a query parameter (a value, or a provider's).
    pub fn query_api_key(&mut self, name: &str, key: impl Into<Credential>) {
        match key.into() {
            Credential::Static(key) => self.credentials.query.push((name.to_owned(), key)),
            Credential::Provider(provider) => self.credentials.providers.push((Place::Query(name.to_owned()), provider)),
        }
    }

    /// Adds an API key sent as a cookie (percent-encoded, so a value can
    /// never add cookies of its own; a value, or a provider's).
    pub fn cookie_api_key(&mut self, name: &str, key: impl Into<Credential>) {
        match key.into() {
            Credential::Static(key) => self.credentials.cookies.push(format!("{name}={}", encode_path(&key))),
            Credential::Provider(provider) => self.credentials.providers.push((Place::Cookie(name.to_owned()), provider)),
        }
    }

    /// Sends `body` as JSON.
    pub fn json<T: serde::Serialize + ?Sized>(&mut self, content_type: &str, body: &T) {
        match serde_json::to_vec(body) {
            Ok(bytes) => self.bytes(content_type, bytes),
            Err(error) => self.fail(format!("request body: {error}")),
        }
    }

    /// Sends `body` as `application/x-www-form-urlencoded`.
    pub fn form<T: serde::Serialize + ?Sized>(&mut self, body: &T) {
        let mut pairs = Vec::new();
        match serde_json::to_value(body) {
            Ok(serde_json::Value::Object(fields)) => {
                for (field, value) in fields {
                    match value {
                        serde_json::Value::Null => {}
                        serde_json::Value::Array(items) => {
                            pairs.extend(items.iter().map(|item| (field.clone(), scalar_text(item))));
                        }
                        value => pairs.push((field, scalar_text(&value))),
                    }
                }
                self.body = Body::Form(pairs);
            }
            Ok(_) => self.fail("form body must be an object".to_owned()),
            Err(error) => self.fail(format!("request body: {error}")),
        }
    }

    /// Sends a `multipart/form-data` body built with [`Multipart`].
    pub fn multipart(&mut self, form: Multipart) {
        match form.problem {
            Some(problem) => self.fail(problem),
            None => self.body = Body::Multipart(form.parts),
        }
    }

    /// Sends the fields of `body` (an object) as `multipart/form-data`
    /// parts: strings as they are, other values as JSON text.
    pub fn multipart_fields<T: serde::Serialize + ?Sized>(&mut self, body: &T) {
        match serde_json::to_value(body) {
            Ok(serde_json::Value::Object(fields)) => {
                let mut form = Multipart::new();
                for (field, value) in &fields {
                    form.text(field, Some(value));
                }
                self.multipart(form);
            }
            Ok(_) => self.fail("multipart body must be an object".to_owned()),
            Err(error) => self.fail(format!("request body: {error}")),
        }
    }

    /// Sends `body` as JSON with its boolean property `flag` set to `true`
    /// (`"stream": true`, for the streaming twin of an operation that
    /// answers with JSON or with a stream as the body asks).
    pub fn json_with_flag<T: serde::Serialize + ?Sized>(&mut self, content_type: &str, body: &T, flag: &str) {
        match serde_json::to_value(body) {
            Ok(serde_json::Value::Object(mut fields)) => {
                fields.insert(flag.to_owned(), serde_json::Value::Bool(true));
                self.json(content_type, &fields);
            }
            Ok(_) => self.fail(format!("request body: `{flag}` can only be set on an object")),
            Err(error) => self.fail(format!("request body: {error}")),
        }
    }

    /// Sends raw bytes with the given content type.
    pub fn bytes(&mut self, content_type: &str, body: Vec<u8>) {
        match HeaderValue::from_str(content_type) {
            Ok(content_type) => self.body = Body::Bytes { content_type, bytes: body },
            Err(_) => self.fail(format!("content type `{content_type}` is not valid in HTTP")),
        }
    }

    /// Sends `value` (or, when the caller gave none, a fresh random UUID) as
    /// the idempotency-key header `name`: the same key on every attempt, so
    /// POST and PATCH can be retried safely.
    #[doc(hidden)]
    pub fn idempotency_key(&mut self, name: &str, value: Option<&str>) {
        let key = match value {
            Some(value) => value.to_owned(),
            None => self.idempotency.take().unwrap_or_else(|| uuid::Uuid::new_v4().to_string()),
        };
        self.raw_header(name, &key);
    }

    /// Replaces the URL with `url` (a next-page link, already resolved):
    /// its query replaces the request's. Credentials are sent with it only
    /// if it has the origin of the first URL.
    #[doc(hidden)]
    pub fn set_url(&mut self, url: &str) {
        self.url = url.to_owned();
        self.query.clear();
        // A next page is another request: the call's key is not its.
        self.idempotency = None;
    }

    /// Sets query parameter `name` to `value`, replacing earlier values
    /// (pagination cursors and page numbers).
    #[doc(hidden)]
    pub fn set_query(&mut self, name: &str, value: String) {
        self.idempotency = None;
        self.query.retain(|(known, _)| known != name);
        self.query.push((name.to_owned(), value));
    }

    /// The current value of query parameter `name`.
    #[doc(hidden)]
    pub fn query_value(&self, name: &str) -> Option<&str> {
        self.query.iter().find(|(known, _)| known == name).map(|(_, value)| value.as_str())
    }

    /// The URL this request is sent to, with its query (credentials left
    /// out), for resolving relative next links.
    #[doc(hidden)]
    pub fn url(&self) -> Result<reqwest::Url, String> {
        let mut url = reqwest::Url::parse(&self.url).map_err(|error| format!("invalid URL: {error}"))?;
        if !self.query.is_empty() {
            url.query_pairs_mut().extend_pairs(&self.query);
        }
        Ok(url)
    }

    /// Sets the `Accept` header sent with every attempt.
    #[doc(hidden)]
    pub fn accept(&mut self, accept: &str) {
        if !accept.is_empty() {
            self.accept = Some(accept.to_owned());
        }
    }

    /// Sends the request and returns the response, whatever its status.
    ///
    /// Redirects (301, 302, 303, 307, 308) are followed up to
    /// [`MAX_REDIRECTS`]. Once a redirect leaves the origin of the first
    /// URL (another scheme, host or port), every credential this request
    /// carries — headers, query parameters and cookies — is left off, for
    /// that hop and every later one. 303, and 301/302 after a POST, continue
    /// as a GET without body, as browsers do.
    ///
    /// Failed attempts are retried as the client's [`RetryPolicy`] says;
    /// the client's timeout bounds every attempt and wait together.
    pub async fn send<E>(self, accept: &str) -> Result<RawResponse, Error<E>> {
        self.send_inner(accept).await
    }

    /// [`send`](Self::send), then the body of a documented success
    /// (`success`: its status ranges) decoded as JSON, with the headers
    /// the operation documents parsed as `H` (`()` when it documents none);
    /// any other status is an [`Error::Status`] whose body `parse_error`
    /// decodes ([`error_json`](super::__private::error_json) for one error type, a
    /// `match` on the status for per-status error enums).
    ///
    /// Operations whose successes share one body return this (or
    /// [`call_text`](Self::call_text), …) instead of being `async fn`s with
    /// a `match` on the status of their own: on APIs with thousands of
    /// operations, type- and borrow-checking one state machine per
    /// operation was a third of the client's compile time.
    pub fn call_json<T, H, E>(self, accept: &str, success: &[RangeInclusive<u16>], parse_error: ParseError<E>) -> Call<Response<T, H>, E>
    where
        T: serde::de::DeserializeOwned + 'static,
        H: super::__private::FromHeaders + Send + 'static,
        E: 'static,
    {
        self.call_decoded(Expected::new(accept, success, parse_error), super::__private::json::<T, ()>)
    }

    /// [`call_json`](Self::call_json) for a text body.
    pub fn call_text<H, E>(self, accept: &str, success: &[RangeInclusive<u16>], parse_error: ParseError<E>) -> Call<Response<String, H>, E>
    where
        H: super::__private::FromHeaders + Send + 'static,
        E: 'static,
    {
        self.call_decoded(Expected::new(accept, success, parse_error), super::__private::text::<()>)
    }

    /// [`call_json`](Self::call_json) for a binary body.
    pub fn call_bytes<H, E>(
        self,
        accept: &str,
        success: &[RangeInclusive<u16>],
        parse_error: ParseError<E>,
    ) -> Call<Response<Vec<u8>, H>, E>
    where
        H: super::__private::FromHeaders + Send + 'static,
        E: 'static,
    {
        self.call_decoded(Expected::new(accept, success, parse_error), super::__private::bytes::<()>)
    }

    /// [`call_json`](Self::call_json) for successes without a body.
    pub fn call_empty<H, E>(self, accept: &str, success: &[RangeInclusive<u16>], parse_error: ParseError<E>) -> Call<Response<(), H>, E>
    where
        H: super::__private::FromHeaders + Send + 'static,
        E: 'static,
    {
        self.call_decoded(Expected::new(accept, success, parse_error), super::__private::empty::<()>)
    }

    /// [`call_json`](Self::call_json) for a streamed body: the call ends
    /// with the response head (the total timeout bounds only that), and its
    /// value is the stream of the body's items — events, lines or chunks as
    /// `framing` says — each decoded by `decode`.
    pub fn call_stream<T, H, E>(
        mut self,
        accept: &str,
        success: &[RangeInclusive<u16>],
        parse_error: ParseError<E>,
        framing: super::__private::Framing,
        decode: super::stream::ItemDecoder<T>,
    ) -> Call<super::ResponseStream<T, E, H>, E>
    where
        T: 'static,
        H: super::__private::FromHeaders + 'static,
        E: 'static,
    {
        self.streaming = true;
        let expected = Expected::new(accept, success, parse_error);
        Box::pin(async move {
            let Expected { accept, success, parse_error } = expected;
            let idle_timeout = self.core.settings.idle_timeout;
            match self.call(&accept, &success).await {
                Ok(response) => Ok(super::stream::response_stream(response, framing, decode, idle_timeout)),
                Err(error) => Err(error.parse_status(parse_error)),
            }
        })
    }

    /// The [`Call`] of the `call_…` functions: send, check the status,
    /// read the success body with `decode`, parse the documented headers.
    fn call_decoded<T, H, E, F, Fut>(self, expected: Expected<E>, decode: F) -> Call<Response<T, H>, E>
    where
        T: 'static,
        H: super::__private::FromHeaders + Send + 'static,
        E: 'static,
        F: FnOnce(RawResponse) -> Fut + Send + 'static,
        Fut: std::future::Future<Output = Result<Response<T>, Error<()>>> + Send,
    {
        // Nothing typed is held across an `await` (errors are untyped until
        // the end, and the value is decoded after the last read), so the
        // call is `Send` without asking whether `T` and `E` are: for
        // deeply nested models that question overflows the compiler's
        // recursion limit.
        Box::pin(async move {
            let Expected { accept, success, parse_error } = expected;
            let response = match self.call(&accept, &success).await {
                Ok(response) => response,
                Err(error) => return Err(error.parse_status(parse_error)),
            };
            match decode(response).await {
                Ok(response) => Ok(Response::with_typed_headers(response)),
                Err(error) => Err(error.retype()),
            }
        })
    }

    /// Sends, and turns a status outside the expected ones into
    /// [`Error::Status`] (its body not parsed yet).
    async fn call(self, accept: &str, success: &[RangeInclusive<u16>]) -> Result<RawResponse, Error<()>> {
        let response = self.send_inner(accept).await?;
        let status = response.status().as_u16();
        if success.iter().any(|range| range.contains(&status)) {
            Ok(response)
        } else {
            Err(super::__private::status_error(response, |_, _| None).await)
        }
    }

    async fn send_inner<E>(mut self, accept: &str) -> Result<RawResponse, Error<E>> {
        self.accept(accept);
        if let Some(accept) = self.accept.clone() {
            self.raw_header("accept", &accept);
        }
        if let Some(key) = self.idempotency.take()
            && !self.headers.contains_key("idempotency-key")
        {
            self.raw_header("idempotency-key", &key);
        }
        if let Some(problem) = self.problem.take() {
            return Err(Error::InvalidRequest(problem));
        }
        let settings = self.core.settings.clone();
        let deadline = settings.timeout.map(|timeout| Instant::now() + timeout);
        let policy = settings.retry;
        let retryable = RetryPolicy::is_idempotent(&self.method) || self.headers.contains_key("idempotency-key");
        let mut retry = 0;
        let mut number = 0;
        let mut reauthorized = false;
        loop {
            number += 1;
            let attempt_deadline = match (deadline, settings.attempt_timeout) {
                (Some(total), Some(attempt)) => Some(total.min(Instant::now() + attempt)),
                (None, Some(attempt)) => Some(Instant::now() + attempt),
                (total, None) => total,
            };
            let (result, provided) = match self.resolve_credentials(deadline).await {
                Ok(resolved) => (self.send_once(&resolved.credentials, deadline, attempt_deadline, number).await, resolved.provided),
                Err(error) => (Err(error), Vec::new()),
            };
            // A 401 to a request that carried a provider's credential: the
            // provider forgets it, and the request goes once more with a
            // new one (a 401 means the server did not act on the request,
            // so any method may be re-sent).
            if let Ok((response, true)) = &result
                && response.status() == StatusCode::UNAUTHORIZED
                && !provided.is_empty()
            {
                for (provider, secret) in &provided {
                    provider.invalidate(secret);
                }
                if settings.retry_unauthorized && !reauthorized && deadline.is_none_or(|deadline| Instant::now() < deadline) {
                    reauthorized = true;
                    drop(result);
                    continue;
                }
            }
            let result = result.map(|(response, _)| response);
            let retry_after = match &result {
                Ok(response) if RetryPolicy::retries_status(response.status()) => {
                    Some(response.headers().get(reqwest::header::RETRY_AFTER).and_then(|value| value.to_str().ok()).map(str::to_owned))
                }
                Err(Error::Transport(error)) if error.is_connect() || error.is_timeout() => Some(None),
                Err(Error::Credential(error)) if error.is_retryable() => Some(None),
                _ => None,
            };
            let Some(retry_after) = retry_after else { return result };
            if !retryable || retry >= policy.retries() {
                return result;
            }
            let Some(wait) = policy.delay(retry, retry_after.as_deref()) else { return result };
            if deadline.is_some_and(|deadline| Instant::now() + wait >= deadline) {
                return result;
            }
            drop(result);
            tokio::time::sleep(wait).await;
            retry += 1;
        }
    }

    /// This attempt's credentials: the static ones, and what every
    /// provider gives now (asked in turn, within the call's deadline).
    async fn resolve_credentials<E>(&self, deadline: Option<Instant>) -> Result<Resolved<'_>, Error<E>> {
        if self.credentials.providers.is_empty() {
            return Ok(Resolved { credentials: std::borrow::Cow::Borrowed(&self.credentials), provided: Vec::new() });
        }
        let mut credentials = self.credentials.clone();
        let mut provided = Vec::new();
        for (place, provider) in &self.credentials.providers {
            let asked = provider.credential();
            let answer = match deadline {
                Some(deadline) => match tokio::time::timeout_at(deadline.into(), asked).await {
                    Ok(answer) => answer,
                    Err(_) => {
                        let what = format!(
                            "no credential from the provider within {:?} (see `timeout`)",
                            self.core.settings.timeout.unwrap_or_default()
                        );
                        return Err(Error::Transport(TransportError::timeout(what)));
                    }
                },
                None => asked.await,
            };
            let secret = answer.map_err(Error::Credential)?;
            credentials.place(place, &secret).map_err(Error::InvalidRequest)?;
            provided.push((provider.clone(), secret));
        }
        Ok(Resolved { credentials: std::borrow::Cow::Owned(credentials), provided })
    }

    /// One attempt: the request and its redirects.
    /// `deadline` bounds the call (for a streamed body: up to its head);
    /// `head_deadline` this attempt up to its response head.
    /// With the response, whether its request carried the credentials
    /// (a redirect to another origin leaves them off).
    async fn send_once<E>(
        &self,
        credentials: &Credentials,
        deadline: Option<Instant>,
        head_deadline: Option<Instant>,
        number: u32,
    ) -> Result<(RawResponse, bool), Error<E>> {
        let settings = &self.core.settings;
        let redaction = self.redaction_names();
        let names: Vec<&str> = redaction.iter().map(String::as_str).collect();
        let origin = match reqwest::Url::parse(&self.origin) {
            Ok(url) => url.origin(),
            Err(error) => {
                let shown = redact_text(&self.origin, &[]);
                return Err(Error::InvalidRequest(format!("invalid URL `{shown}`: {error}")));
            }
        };
        let mut url = self.url().map_err(|message| Error::InvalidRequest(redact_text(&message, &names)))?;
        let mut method = self.method.clone();
        let mut with_body = true;
        let mut with_credentials = true;
        let mut redirects = 0;
        let started = Instant::now();
        loop {
            with_credentials &= url.origin() == origin;
            let mut request = self.build(credentials, &method, url.clone(), with_body, with_credentials, deadline)?;
            let attempt = Attempt { number, redirect: redirects, method: method.clone(), url: redacted(&url, &names) };
            for hook in &settings.hooks {
                hook.before_request(&mut request, &attempt).map_err(Error::Hook)?;
            }
            // A streamed body outlives the total timeout, so `reqwest` is
            // not given it (see `build`): it bounds the head only, here, as
            // the attempt timeout does for every call.
            let executed = match head_deadline {
                Some(head_deadline) if self.streaming || settings.attempt_timeout.is_some() => {
                    match tokio::time::timeout_at(head_deadline.into(), settings.http.execute(request)).await {
                        Ok(executed) => executed,
                        Err(_) => {
                            let what = match settings.attempt_timeout {
                                Some(attempt) => format!("no response head within {attempt:?} (see `attempt_timeout` and `timeout`)"),
                                None => format!("no response head within {:?} (see `timeout`)", settings.timeout.unwrap_or_default()),
                            };
                            return Err(Error::Transport(TransportError::timeout(what)));
                        }
                    }
                }
                _ => settings.http.execute(request).await,
            };
            let response = match executed {
                Ok(response) => response,
                Err(error) => return Err(transport(error, &redaction)),
            };
            for hook in &settings.hooks {
                hook.after_response(response.status(), response.headers(), started.elapsed(), &attempt).map_err(Error::Hook)?;
            }
            let status = response.status();
            let location = response
                .headers()
                .get(reqwest::header::LOCATION)
                .and_then(|location| location.to_str().ok())
                .and_then(|location| url.join(location).ok())
                .filter(|next| matches!(next.scheme(), "http" | "https"));
            let redirect = matches!(status.as_u16(), 301 | 302 | 303 | 307 | 308);
            match location {
                Some(next) if redirect && redirects < MAX_REDIRECTS => {
                    redirects += 1;
                    if status == StatusCode::SEE_OTHER || (matches!(status.as_u16(), 301 | 302) && method == Method::POST) {
                        method = if method == Method::HEAD { Method::HEAD } else { Method::GET };
                        with_body = false;
                    }
                    url = next;
                }
                _ => return Ok((RawResponse::new(response, settings.limits, redaction), with_credentials)),
            }
        }
    }

    /// One hop's `reqwest::Request`: credentials only when allowed.
    fn build<E>(
        &self,
        credentials: &Credentials,
        method: &Method,
        mut url: reqwest::Url,
        with_body: bool,
        with_credentials: bool,
        deadline: Option<Instant>,
    ) -> Result<reqwest::Request, Error<E>> {
        if with_credentials && !credentials.query.is_empty() {
            let present: Vec<String> = url.query_pairs().map(|(name, _)| name.into_owned()).collect();
            let missing: Vec<&(String, String)> = credentials.query.iter().filter(|(name, _)| !present.contains(name)).collect();
            if !missing.is_empty() {
                url.query_pairs_mut().extend_pairs(missing);
            }
        }
        let mut headers = self.headers.clone();
        let mut cookies = self.cookies.clone();
        if with_credentials {
            headers.extend(credentials.headers.clone());
            cookies.extend(credentials.cookies.iter().cloned());
        }
        if !cookies.is_empty() {
            let mut cookie = HeaderValue::from_str(&cookies.join("; "))
                .map_err(|_| Error::InvalidRequest("a cookie value is not valid in HTTP".to_owned()))?;
            cookie.set_sensitive(with_credentials && !credentials.cookies.is_empty());
            headers.insert(reqwest::header::COOKIE, cookie);
        }
        let mut builder = self.core.settings.http.request(method.clone(), url);
        if with_body {
            builder = match &self.body {
                Body::Empty => builder,
                Body::Bytes { content_type, bytes } => {
                    headers.insert(reqwest::header::CONTENT_TYPE, content_type.clone());
                    builder.body(bytes.clone())
                }
                Body::Form(pairs) => builder.form(pairs),
                Body::Multipart(parts) => builder.multipart(multipart_form(parts).map_err(Error::InvalidRequest)?),
            };
        }
        builder = builder.headers(headers);
        if let Some(deadline) = deadline.filter(|_| !self.streaming) {
            // One budget for every hop and attempt.
            builder = builder.timeout(deadline.saturating_duration_since(Instant::now()).max(Duration::from_millis(1)));
        }
        builder.build().map_err(|error| transport(error, &self.redaction_names()))
    }

    fn redaction_names(&self) -> Vec<String> {
        self.credentials.query_names().into_iter().map(str::to_owned).collect()
    }
}
