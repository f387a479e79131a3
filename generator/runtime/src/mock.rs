//! Typed mock helpers for the tests of code that uses a generated client,
//! on a [`wiremock`] server: compiled only with the crate's `mock` feature.
//!
//! Every API module's `mock` module has a `MockServerExt` trait with one
//! `mock_<operation>` method per operation. It takes a closure that narrows
//! what the mock matches (the operation's typed parameters and body, the
//! same Rust types the client takes) and returns a [`Responder`], whose
//! `respond…` methods say what the server answers (the operation's success
//! or error type, serialized as the client reads it); awaiting the
//! [`Mounting`] they return mounts the mock:
//!
//! ```text
//! use my_client::mock::MockServerExt as _;
//!
//! let server = wiremock::MockServer::start().await;
//! server
//!     .mock_list_invoices(|when| when.organization_id("org-1"))
//!     .respond(200, &page)
//!     .expect(1)
//!     .await;
//! let client = my_client::Client::builder().base_url(server.uri()).build()?;
//! ```
//!
//! A mock always matches the operation's method and path template (the
//! client's base URL is the server's [`uri`](wiremock::MockServer::uri),
//! alone or followed by the path of the spec's server URL, `/v1` say); each parameter given must have been sent as
//! the client sends that value (path parameters percent-encoded and in
//! their style, query parameters in their style, headers and cookies), and
//! a JSON body given must equal the request's body as JSON values. A
//! request that matches no mock gets wiremock's `404`.

use std::future::{Future, IntoFuture};
use std::pin::Pin;

pub use wiremock;

use super::params::{PathStyle, QueryStyle, encode_path, path_param, query_pairs, simple_text};

/// The characters a URL parser percent-encodes in a path (the WHATWG URL
/// standard's path percent-encode set): a path template's literal text is
/// matched as the client's URL carries it.
const PATH: &percent_encoding::AsciiSet =
    &percent_encoding::CONTROLS.add(b' ').add(b'"').add(b'#').add(b'<').add(b'>').add(b'?').add(b'`').add(b'{').add(b'}');

/// One piece of an operation's path template, as generated code lists it.
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub enum PathPiece {
    /// Literal text of the template.
    Literal(&'static str),
    /// A `{placeholder}`, by its name in the template.
    Param(&'static str),
}

#[derive(Debug, Clone)]
enum Segment {
    /// Text the path has here, as sent (percent-encoded).
    Text(String),
    /// A parameter no value was given for: one or more characters, no `/`.
    Any(&'static str),
    /// A parameter value the client could not send: nothing matches.
    Never,
}

#[derive(Debug, Clone)]
enum BodyMatch {
    Json(serde_json::Value),
    Bytes(Vec<u8>),
}

/// What a request must be to match one operation's mock: its method and
/// path template, plus each parameter and body the test gave. Generated
/// `…When` types wrap it; it is a [`wiremock::Match`].
#[doc(hidden)]
pub struct Expect {
    method: &'static str,
    base_path: String,
    path: Vec<Segment>,
    query: Vec<(String, Vec<String>)>,
    headers: Vec<(String, String)>,
    cookies: Vec<String>,
    body: Option<BodyMatch>,
    never: bool,
    extra: Vec<Box<dyn wiremock::Match>>,
}

impl std::fmt::Debug for Expect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Expect")
            .field("method", &self.method)
            .field("base_path", &self.base_path)
            .field("path", &self.path)
            .field("query", &self.query)
            .field("headers", &self.headers)
            .field("cookies", &self.cookies)
            .field("body", &self.body)
            .field("extra", &self.extra.len())
            .finish()
    }
}

impl Expect {
    /// Matches `method` and the path template `path`, any parameter
    /// values, below the server's root or below `base_path` (the path of
    /// the spec's server URL: a client whose base URL is the mock server's
    /// URL plus that path works too).
    pub fn new(method: &'static str, base_path: &str, path: &[PathPiece]) -> Self {
        let path = path
            .iter()
            .map(|piece| match piece {
                PathPiece::Literal(text) => Segment::Text(percent_encoding::utf8_percent_encode(text, PATH).to_string()),
                PathPiece::Param(name) => Segment::Any(name),
            })
            .collect();
        let base_path = percent_encoding::utf8_percent_encode(base_path.trim_end_matches('/'), PATH).to_string();
        Self {
            method,
            base_path,
            path,
            query: Vec::new(),
            headers: Vec::new(),
            cookies: Vec::new(),
            body: None,
            never: false,
            extra: Vec::new(),
        }
    }

    /// The path parameter `name` must be `value`, written in `style`.
    pub fn path<T: serde::Serialize + ?Sized>(mut self, name: &'static str, value: &T, style: PathStyle) -> Self {
        let rendered = match path_param(name, value, style).0 {
            Ok(text) => Segment::Text(text.into_owned()),
            Err(_) => Segment::Never,
        };
        for segment in &mut self.path {
            if matches!(segment, Segment::Any(placeholder) if *placeholder == name) {
                *segment = rendered.clone();
            }
        }
        self
    }

    /// The query parameter `name` must be `value`, written in `style`: the
    /// request has exactly these values for each name `value` is sent as.
    pub fn query<T: serde::Serialize + ?Sized>(mut self, name: &str, value: &T, style: QueryStyle) -> Self {
        match query_pairs(name, value, style) {
            Ok(pairs) => {
                for (key, item) in pairs {
                    match self.query.iter_mut().find(|(known, _)| *known == key) {
                        Some((_, items)) => items.push(item),
                        None => self.query.push((key, vec![item])),
                    }
                }
            }
            Err(_) => self.never = true,
        }
        self
    }

    /// The header `name` must be `value` (`style: simple`).
    pub fn header<T: serde::Serialize + ?Sized>(mut self, name: &str, value: &T) -> Self {
        match serde_json::to_value(value) {
            Ok(value) => self.headers.push((name.to_owned(), simple_text(&value))),
            Err(_) => self.never = true,
        }
        self
    }

    /// The cookie `name` must be `value`.
    pub fn cookie<T: serde::Serialize + ?Sized>(mut self, name: &str, value: &T) -> Self {
        match serde_json::to_value(value) {
            Ok(value) => self.cookies.push(format!("{name}={}", encode_path(&simple_text(&value)))),
            Err(_) => self.never = true,
        }
        self
    }

    /// The body must be `value` as JSON (compared as JSON values).
    pub fn json_body<T: serde::Serialize + ?Sized>(mut self, value: &T) -> Self {
        match serde_json::to_value(value) {
            Ok(value) => self.body = Some(BodyMatch::Json(value)),
            Err(_) => self.never = true,
        }
        self
    }

    /// The body must be these bytes.
    pub fn bytes_body(mut self, value: &[u8]) -> Self {
        self.body = Some(BodyMatch::Bytes(value.to_vec()));
        self
    }

    /// The request must also satisfy `matcher`.
    pub fn and(mut self, matcher: impl wiremock::Match + 'static) -> Self {
        self.extra.push(Box::new(matcher));
        self
    }
}

/// Whether `path` (percent-encoded, as the request carries it) is `segments`.
fn path_matches(segments: &[Segment], path: &str) -> bool {
    match segments.split_first() {
        None => path.is_empty(),
        Some((Segment::Text(text), rest)) => path.strip_prefix(text.as_str()).is_some_and(|path| path_matches(rest, path)),
        Some((Segment::Any(_), rest)) => {
            let end = path.find('/').unwrap_or(path.len());
            (1..=end).any(|length| path.is_char_boundary(length) && path_matches(rest, &path[length..]))
        }
        Some((Segment::Never, _)) => false,
    }
}

impl wiremock::Match for Expect {
    fn matches(&self, request: &wiremock::Request) -> bool {
        let path = request.url.path();
        let below_base = |base: &str| path.strip_prefix(base).is_some_and(|path| path_matches(&self.path, path));
        if self.never
            || request.method.as_str() != self.method
            || !(below_base("") || (!self.base_path.is_empty() && below_base(&self.base_path)))
        {
            return false;
        }
        let sent: Vec<(String, String)> = request.url.query_pairs().map(|(key, value)| (key.into_owned(), value.into_owned())).collect();
        let query = self.query.iter().all(|(key, expected)| {
            let values: Vec<&String> = sent.iter().filter(|(name, _)| name == key).map(|(_, value)| value).collect();
            values.len() == expected.len() && values.iter().zip(expected).all(|(value, expected)| *value == expected)
        });
        let headers = self.headers.iter().all(|(name, expected)| {
            request.headers.get_all(name.as_str()).iter().any(|value| value.to_str().is_ok_and(|value| value == expected))
        });
        let cookies = self.cookies.iter().all(|expected| {
            request
                .headers
                .get_all("cookie")
                .iter()
                .filter_map(|value| value.to_str().ok())
                .flat_map(|value| value.split(';'))
                .any(|cookie| cookie.trim() == expected)
        });
        let body = match &self.body {
            None => true,
            Some(BodyMatch::Json(expected)) => {
                serde_json::from_slice::<serde_json::Value>(&request.body).is_ok_and(|sent| sent == *expected)
            }
            Some(BodyMatch::Bytes(expected)) => request.body == *expected,
        };
        query && headers && cookies && body && self.extra.iter().all(|matcher| matcher.matches(request))
    }
}

/// A response body, encoded as the client reads it.
#[doc(hidden)]
#[derive(Debug, Clone, Default)]
pub struct Body {
    content_type: Option<String>,
    bytes: Vec<u8>,
}

impl Body {
    /// `value` as JSON. (A value that does not serialize is answered as
    /// that error, which the client then fails to decode.)
    pub fn json<T: serde::Serialize + ?Sized>(content_type: &str, value: &T) -> Self {
        let bytes = serde_json::to_vec(value).unwrap_or_else(|error| format!("mock: the body does not serialize: {error}").into_bytes());
        Self { content_type: Some(content_type.to_owned()), bytes }
    }

    /// Text, as it is.
    pub fn text(content_type: &str, value: &str) -> Self {
        Self { content_type: Some(content_type.to_owned()), bytes: value.as_bytes().to_vec() }
    }

    /// Bytes, as they are.
    pub fn bytes(content_type: &str, value: &[u8]) -> Self {
        Self { content_type: Some(content_type.to_owned()), bytes: value.to_vec() }
    }

    /// No body.
    pub fn empty() -> Self {
        Self::default()
    }

    fn template(self, status: u16) -> wiremock::ResponseTemplate {
        let template = wiremock::ResponseTemplate::new(status);
        match self.content_type {
            Some(content_type) => template.set_body_raw(self.bytes, &content_type),
            None => template,
        }
    }
}

/// How a streamed success body is framed (see [`Body::stream`]).
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub enum Framing {
    /// Server-sent events, one `data:` event per item, then the sentinel.
    Events(Option<&'static str>),
    /// One item per line.
    Lines,
    /// The items' bytes, one after the other.
    Chunks,
}

/// A JSON stream item's bytes.
#[doc(hidden)]
pub fn item_json<T: serde::Serialize>(item: &T) -> Vec<u8> {
    serde_json::to_vec(item).unwrap_or_default()
}

/// A text stream item's bytes.
#[doc(hidden)]
#[allow(clippy::ptr_arg)] // (a `fn(&T)` with `T = String`)
pub fn item_text(item: &String) -> Vec<u8> {
    item.as_bytes().to_vec()
}

/// A byte stream item's bytes.
#[doc(hidden)]
pub fn item_bytes(item: &bytes::Bytes) -> Vec<u8> {
    item.to_vec()
}

impl Body {
    /// `items`, each written by `item`, framed as `framing`.
    pub fn stream<T>(content_type: &str, items: &[T], item: fn(&T) -> Vec<u8>, framing: Framing) -> Self {
        let mut bytes = Vec::new();
        for value in items {
            let value = item(value);
            match framing {
                Framing::Events(_) => {
                    for line in String::from_utf8_lossy(&value).split('\n') {
                        bytes.extend_from_slice(b"data: ");
                        bytes.extend_from_slice(line.as_bytes());
                        bytes.push(b'\n');
                    }
                    bytes.push(b'\n');
                }
                Framing::Lines => {
                    bytes.extend_from_slice(&value);
                    bytes.push(b'\n');
                }
                Framing::Chunks => bytes.extend_from_slice(&value),
            }
        }
        if let Framing::Events(Some(done)) = framing {
            bytes.extend_from_slice(format!("data: {done}\n\n").as_bytes());
        }
        Self { content_type: Some(content_type.to_owned()), bytes }
    }
}

/// The success or error type of an operation whose type cannot be
/// serialized (a client generated with `--serde-as-used`, where response
/// models only implement `Deserialize`): no value exists, so the typed
/// `respond` cannot be called; [`Responder::respond_json`] and
/// [`Responder::respond_raw`] still can.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unserializable {}

/// The encoder of [`Unserializable`] (never called: no value exists).
#[doc(hidden)]
pub fn unserializable(value: &Unserializable) -> Body {
    match *value {}
}

/// A mock that knows what it matches; its `respond…` methods say what it
/// answers. `S` is the operation's success type and `E` its error type,
/// as the client returns them.
#[must_use = "a mock does nothing until it is given a response and awaited"]
pub struct Responder<'a, S, E> {
    server: &'a wiremock::MockServer,
    expect: Expect,
    success: fn(&S) -> Body,
    error: fn(&E) -> Body,
}

impl<S, E> std::fmt::Debug for Responder<'_, S, E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Responder").field("expect", &self.expect).finish_non_exhaustive()
    }
}

impl<'a, S, E> Responder<'a, S, E> {
    /// A mock on `server` matching `expect`, answering with bodies
    /// `success` and `error` encode.
    #[doc(hidden)]
    pub fn new(server: &'a wiremock::MockServer, expect: Expect, success: fn(&S) -> Body, error: fn(&E) -> Body) -> Self {
        Self { server, expect, success, error }
    }

    fn answer(self, template: impl wiremock::Respond + 'static) -> Mounting<'a> {
        Mounting { server: self.server, mock: wiremock::Mock::given(self.expect).respond_with(template) }
    }

    /// Answers `status` with `body`, the operation's success value, encoded
    /// as the client reads it (JSON with the documented media type, text,
    /// bytes, or nothing for `()`).
    ///
    /// Panics (failing the test) if `status` is not an HTTP status.
    pub fn respond(self, status: u16, body: &S) -> Mounting<'a> {
        let body = (self.success)(body);
        self.answer(body.template(status))
    }

    /// Answers `status` with `body`, the operation's error value (its
    /// documented error body), encoded as the client reads it.
    ///
    /// Panics (failing the test) if `status` is not an HTTP status.
    pub fn respond_error(self, status: u16, body: &E) -> Mounting<'a> {
        let body = (self.error)(body);
        self.answer(body.template(status))
    }

    /// Answers `status` with no body.
    pub fn respond_empty(self, status: u16) -> Mounting<'a> {
        self.answer(wiremock::ResponseTemplate::new(status))
    }

    /// Answers `status` with any value as JSON (`application/json`): for
    /// undocumented bodies, and for types that cannot be serialized.
    pub fn respond_json<T: serde::Serialize + ?Sized>(self, status: u16, body: &T) -> Mounting<'a> {
        self.answer(Body::json("application/json", body).template(status))
    }

    /// Answers `status` with `body` as it is, sent as `content_type`.
    pub fn respond_raw(self, status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Mounting<'a> {
        self.answer(Body { content_type: Some(content_type.to_owned()), bytes: body.into() }.template(status))
    }

    /// Answers `status` with a stream of server-sent events
    /// (`text/event-stream`), one `data:` event per item as JSON, then
    /// `done` when given (`Some("[DONE]")` for streams that end that way).
    pub fn respond_events<T: serde::Serialize>(self, status: u16, items: &[T], done: Option<&str>) -> Mounting<'a> {
        let mut text = String::new();
        for item in items {
            let json = serde_json::to_string(item).unwrap_or_default();
            text.push_str(&format!("data: {json}\n\n"));
        }
        if let Some(done) = done {
            text.push_str(&format!("data: {done}\n\n"));
        }
        self.respond_raw(status, "text/event-stream", text)
    }

    /// Answers `status` with one JSON item per line (`application/x-ndjson`).
    pub fn respond_lines<T: serde::Serialize>(self, status: u16, items: &[T]) -> Mounting<'a> {
        let mut text = String::new();
        for item in items {
            text.push_str(&serde_json::to_string(item).unwrap_or_default());
            text.push('\n');
        }
        self.respond_raw(status, "application/x-ndjson", text)
    }

    /// Answers with any wiremock responder (a [`wiremock::ResponseTemplate`]
    /// with a delay or headers, say).
    pub fn respond_with(self, responder: impl wiremock::Respond + 'static) -> Mounting<'a> {
        self.answer(responder)
    }
}

/// A mock with its response, mounted on its server when awaited (or with
/// [`Mounting::mount`]); before that, [`expect`](Mounting::expect) and
/// the other wiremock settings apply.
#[must_use = "a mock is mounted only when awaited"]
pub struct Mounting<'a> {
    server: &'a wiremock::MockServer,
    mock: wiremock::Mock,
}

impl std::fmt::Debug for Mounting<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mounting").field("server", &self.server.uri()).finish_non_exhaustive()
    }
}

impl<'a> Mounting<'a> {
    /// The server checks, when it is dropped (or verified), that the mock
    /// matched this many requests (`1`, `1..`, `..=3`).
    pub fn expect(self, times: impl Into<wiremock::Times>) -> Self {
        Self { mock: self.mock.expect(times), ..self }
    }

    /// The mock answers at most `n` requests.
    pub fn up_to_n_times(self, n: u64) -> Self {
        Self { mock: self.mock.up_to_n_times(n), ..self }
    }

    /// Mocks with a smaller priority number are tried first (default 5).
    pub fn with_priority(self, priority: u8) -> Self {
        Self { mock: self.mock.with_priority(priority), ..self }
    }

    /// A name for the mock in wiremock's failure messages.
    pub fn named(self, name: impl Into<String>) -> Self {
        Self { mock: self.mock.named(name), ..self }
    }

    /// Mounts the mock: it answers from now on.
    pub async fn mount(self) {
        self.mock.mount(self.server).await;
    }

    /// Mounts the mock until the returned guard is dropped (which checks
    /// its [`expect`](Mounting::expect)ations).
    pub async fn mount_as_scoped(self) -> wiremock::MockGuard {
        self.mock.mount_as_scoped(self.server).await
    }

    /// The wiremock [`Mock`](wiremock::Mock), to mount elsewhere.
    pub fn into_mock(self) -> wiremock::Mock {
        self.mock
    }
}

impl<'a> IntoFuture for Mounting<'a> {
    type Output = ();
    type IntoFuture = Pin<Box<dyn Future<Output = ()> + Send + 'a>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.mount())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segments(path: &[PathPiece]) -> Vec<Segment> {
        Expect::new("GET", "", path).path
    }

    #[test]
    fn path_templates_match_whole_segments() {
        let template = segments(&[PathPiece::Literal("/pets/"), PathPiece::Param("id"), PathPiece::Literal(".json")]);
        assert!(path_matches(&template, "/pets/12.json"));
        assert!(path_matches(&template, "/pets/a.b.json"));
        assert!(!path_matches(&template, "/pets/.json"), "a parameter is never empty");
        assert!(!path_matches(&template, "/pets/1/2.json"), "nor more than one segment");
        assert!(!path_matches(&template, "/v1/pets/12.json"), "the whole path");
        let spaced = segments(&[PathPiece::Literal("/a b/{x}")]);
        assert!(path_matches(&spaced, "/a%20b/%7Bx%7D"), "literals as a URL carries them");
    }

    #[test]
    fn the_spec_servers_path_may_come_first() {
        let expect = Expect::new("GET", "/v1/", &[PathPiece::Literal("/pets")]);
        let request = |path: &str| wiremock::Request {
            url: format!("http://mock.test{path}").parse().expect("a URL"),
            method: wiremock::http::Method::GET,
            headers: wiremock::http::HeaderMap::new(),
            body: Vec::new(),
        };
        use wiremock::Match as _;
        assert!(expect.matches(&request("/pets")));
        assert!(expect.matches(&request("/v1/pets")));
        assert!(!expect.matches(&request("/v2/pets")));
        assert!(!expect.matches(&request("/v1/v1/pets")));
    }

    #[test]
    fn given_parameters_are_matched_as_the_client_writes_them() {
        let expect = Expect::new("GET", "", &[PathPiece::Literal("/files/"), PathPiece::Param("name")]).path(
            "name",
            "a/b c",
            PathStyle::Simple { explode: false },
        );
        assert!(path_matches(&expect.path, "/files/a%2Fb%20c"));
        assert!(!path_matches(&expect.path, "/files/a/b%20c"));
        let never = Expect::new("GET", "", &[PathPiece::Literal("/files/"), PathPiece::Param("name")]).path(
            "name",
            "..",
            PathStyle::Simple { explode: false },
        );
        assert!(!path_matches(&never.path, "/files/.."));
    }
}
