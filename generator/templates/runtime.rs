//! Support code shared by every generated API module: the HTTP core, request
//! building (parameter styles, security, bodies), response decoding and the
//! error type. Hand-written; the generator copies it verbatim into each crate.
//!
//! Servers are untrusted: redirects are followed by this module (never by
//! `reqwest`), and credentials are dropped as soon as a redirect leaves the
//! origin (scheme, host, port) they were configured for; `Referer` is never
//! sent; every body is read in chunks up to a limit; URLs in errors and
//! `Debug` output have credential query values replaced by `<redacted>`.

use std::fmt;
use std::time::{Duration, Instant};

pub use reqwest;
pub use reqwest::{Method, StatusCode, header::HeaderMap};

use reqwest::header::{HeaderName, HeaderValue};

/// Total time a request may take (connecting, redirects, reading the body)
/// unless changed with the builder.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// Time allowed to establish a connection unless changed with the builder.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Largest success body read unless changed with the builder (32 MiB).
pub const DEFAULT_MAX_BODY_BYTES: usize = 32 * 1024 * 1024;

/// Largest error body kept in [`ApiError::body`] (64 KiB); the rest is
/// not read.
pub const DEFAULT_MAX_ERROR_BODY_BYTES: usize = 64 * 1024;

/// Redirects followed before the last 3xx response is returned as it is.
pub const MAX_REDIRECTS: usize = 10;

/// Everything that can go wrong when calling an operation. `E` is the typed
/// error body the operation documents for non-success statuses.
#[derive(Debug)]
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
    Status(Box<ApiError<E>>),
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
}

impl<E> Error<E> {
    /// The HTTP status of the response, when there was one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Status(error) => Some(error.status),
            Error::Decode(error) => Some(error.status),
            Error::Transport(error) => error.error.status(),
            Error::BodyTooLarge { status, .. } => Some(*status),
            Error::InvalidRequest(_) => None,
        }
    }

    /// True when the request timed out.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Transport(error) if error.is_timeout())
    }

    /// The typed error body, when the status was not a success and the body
    /// matched the documented error schema.
    pub fn api_error(&self) -> Option<&E> {
        match self {
            Error::Status(error) => error.parsed.as_ref(),
            _ => None,
        }
    }

    fn retype<F>(self) -> Error<F> {
        match self {
            Error::InvalidRequest(message) => Error::InvalidRequest(message),
            Error::Transport(error) => Error::Transport(error),
            Error::Decode(error) => Error::Decode(error),
            Error::BodyTooLarge { status, limit } => Error::BodyTooLarge { status, limit },
            Error::Status(error) => Error::Status(Box::new(ApiError {
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
        }
    }
}

impl<E: fmt::Debug> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport(error) => Some(error),
            Error::Decode(error) => Some(&error.source),
            Error::InvalidRequest(_) | Error::Status(_) | Error::BodyTooLarge { .. } => None,
        }
    }
}

/// A path parameter that cannot be sent (see [`path_param`]).
#[doc(hidden)]
#[derive(Debug)]
pub struct PathError(String);

/// A connection, TLS, timeout or body-reading failure. Its URL is shown
/// with credentials replaced by `<redacted>`.
#[derive(Debug)]
pub struct TransportError {
    error: reqwest::Error,
    url: Option<String>,
}

impl TransportError {
    /// True when the request timed out.
    pub fn is_timeout(&self) -> bool {
        self.error.is_timeout()
    }

    /// True when no connection could be made.
    pub fn is_connect(&self) -> bool {
        self.error.is_connect()
    }

    /// The URL of the failed request, credentials redacted.
    pub fn url(&self) -> Option<&str> {
        self.url.as_deref()
    }

    /// The underlying `reqwest` error (without its URL).
    pub fn inner(&self) -> &reqwest::Error {
        &self.error
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.error)?;
        if let Some(url) = &self.url {
            write!(f, " for url ({url})")?;
        }
        Ok(())
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        std::error::Error::source(&self.error)
    }
}

impl<E> From<PathError> for Error<E> {
    fn from(error: PathError) -> Self {
        Error::InvalidRequest(error.0)
    }
}

/// A response whose status the operation does not treat as success.
#[derive(Debug)]
pub struct ApiError<E> {
    /// The response status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The raw response body, at most the error body limit
    /// ([`DEFAULT_MAX_ERROR_BODY_BYTES`] unless changed).
    pub body: Vec<u8>,
    /// True when the body was longer than the limit and was cut.
    pub truncated: bool,
    /// The body decoded as the documented error schema, when it matched
    /// (never for a truncated body).
    pub parsed: Option<E>,
}

impl<E> ApiError<E> {
    /// The body as text (lossy UTF-8).
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

impl<E> fmt::Display for ApiError<E> {
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
    /// The raw response body.
    pub body: Vec<u8>,
    /// The underlying error.
    pub source: serde_json::Error,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "could not decode response body at `{}`: {}", self.path, self.source)
    }
}

fn truncate(text: &str, max: usize) -> &str {
    match text.char_indices().nth(max) {
        Some((index, _)) => &text[..index],
        None => text,
    }
}

/// Body size limits, copied into every request.
#[derive(Debug, Clone, Copy)]
struct Limits {
    body: usize,
    error_body: usize,
}

/// Connection settings shared by the generated clients: base URL, the
/// `reqwest` client, timeouts and body limits.
#[derive(Clone)]
pub struct Core {
    base_url: String,
    http: reqwest::Client,
    timeout: Option<Duration>,
    limits: Limits,
}

impl fmt::Debug for Core {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Core")
            .field("base_url", &redact_text(&self.base_url, &[]))
            .field("timeout", &self.timeout)
            .field("max_body_bytes", &self.limits.body)
            .field("max_error_body_bytes", &self.limits.error_body)
            .finish_non_exhaustive()
    }
}

/// Builds a [`Core`]; wrapped by each generated `ClientBuilder`.
#[derive(Debug)]
pub struct CoreBuilder {
    base_url: String,
    /// The server URL template and its variables, when the spec has any.
    server: Option<(&'static str, Vec<(String, String)>)>,
    http: Option<reqwest::ClientBuilder>,
    timeout: Option<Duration>,
    connect_timeout: Duration,
    user_agent: Option<String>,
    limits: Limits,
}

impl CoreBuilder {
    /// Starts from `base_url`, the default timeouts and limits and a fresh
    /// client.
    pub fn new(base_url: &str) -> Self {
        Self {
            base_url: base_url.to_owned(),
            server: None,
            http: None,
            timeout: Some(DEFAULT_TIMEOUT),
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            user_agent: None,
            limits: Limits { body: DEFAULT_MAX_BODY_BYTES, error_body: DEFAULT_MAX_ERROR_BODY_BYTES },
        }
    }

    /// Starts from a server URL template (`https://{region}.example.com`)
    /// with the variables' default values.
    pub fn with_server(template: &'static str, defaults: &[(&str, &str)]) -> Self {
        let variables = defaults.iter().map(|(name, value)| (name.to_string(), value.to_string())).collect();
        let mut builder = Self::new(template);
        builder.server = Some((template, variables));
        builder.render_server();
        builder
    }

    /// Sets one server URL variable and re-renders the base URL from the
    /// template. Unknown names are reported by [`CoreBuilder::build`].
    pub fn server_variable(&mut self, name: &str, value: String) {
        match &mut self.server {
            Some((_, variables)) => match variables.iter_mut().find(|(known, _)| known == name) {
                Some(slot) => slot.1 = value,
                None => variables.push((name.to_owned(), value)),
            },
            None => self.server = Some(("", vec![(name.to_owned(), value)])),
        }
        self.render_server();
    }

    fn render_server(&mut self) {
        if let Some((template, variables)) = &self.server
            && !template.is_empty()
        {
            let mut url = template.to_string();
            for (name, value) in variables {
                url = url.replace(&format!("{{{name}}}"), value);
            }
            self.base_url = url;
        }
    }

    /// Replaces the base URL (scheme, host and path prefix); server
    /// variables no longer apply.
    pub fn base_url(&mut self, base_url: String) {
        self.base_url = base_url;
        self.server = None;
    }

    /// Sets or clears the total timeout of a request.
    pub fn timeout(&mut self, timeout: Option<Duration>) {
        self.timeout = timeout;
    }

    /// Sets the connect timeout.
    pub fn connect_timeout(&mut self, timeout: Duration) {
        self.connect_timeout = timeout;
    }

    /// Sets the largest success body that is read.
    pub fn max_body_bytes(&mut self, limit: usize) {
        self.limits.body = limit;
    }

    /// Sets how much of an error body is kept.
    pub fn max_error_body_bytes(&mut self, limit: usize) {
        self.limits.error_body = limit;
    }

    /// Starts from a caller-configured `reqwest::ClientBuilder` (proxies,
    /// TLS roots, pools…). Redirects, `Referer` and the connect timeout are
    /// still set by this module.
    pub fn http_client(&mut self, http: reqwest::ClientBuilder) {
        self.http = Some(http);
    }

    /// Sets the `User-Agent`.
    pub fn user_agent(&mut self, user_agent: String) {
        self.user_agent = Some(user_agent);
    }

    /// Finishes the core. Fails when a server variable is unknown or the
    /// `reqwest::Client` cannot be built (for example when TLS cannot be
    /// initialised).
    pub fn build(self) -> Result<Core, Error> {
        if let Some((template, variables)) = &self.server {
            let unknown: Vec<&str> = variables
                .iter()
                .map(|(name, _)| name.as_str())
                .filter(|name| !template.contains(&format!("{{{name}}}")))
                .collect();
            if !unknown.is_empty() {
                return Err(Error::InvalidRequest(format!("unknown server variable(s): {}", unknown.join(", "))));
            }
        }
        let user_agent = self
            .user_agent
            .unwrap_or_else(|| concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION")).to_owned());
        let http = self
            .http
            .unwrap_or_default()
            .user_agent(user_agent)
            // Redirects are followed by `Request::send`, which knows which
            // headers and query parameters are credentials.
            .redirect(reqwest::redirect::Policy::none())
            .referer(false)
            .connect_timeout(self.connect_timeout)
            .build()
            .map_err(|error| transport(error, &[]))?;
        let base_url = self.base_url.trim_end_matches('/').to_owned();
        Ok(Core { base_url, http, timeout: self.timeout, limits: self.limits })
    }
}

impl Core {
    /// The base URL every request path is appended to.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Starts a request to `path` (already percent-encoded) below the base URL.
    pub fn request(&self, method: Method, path: &str) -> Request {
        Request {
            http: self.http.clone(),
            method,
            url: format!("{}{}", self.base_url, path),
            timeout: self.timeout,
            limits: self.limits,
            query: Vec::new(),
            headers: HeaderMap::new(),
            cookies: Vec::new(),
            credentials: Credentials::default(),
            body: Body::Empty,
            problem: None,
        }
    }
}

/// How a parameter value is written into a query string (OpenAPI `style`
/// and `explode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryStyle {
    /// `style: form` (the default).
    Form {
        /// `explode`: arrays repeat the name; objects spread their fields.
        explode: bool,
    },
    /// `style: spaceDelimited`.
    SpaceDelimited,
    /// `style: pipeDelimited`.
    PipeDelimited,
    /// `style: deepObject`: `name[field]=value`.
    DeepObject,
}

/// The credentials a request carries, kept apart from everything else so
/// they can be dropped on a redirect to another origin and redacted
/// wherever the request or its URL is shown.
#[derive(Default, Clone)]
struct Credentials {
    headers: HeaderMap,
    query: Vec<(String, String)>,
    cookies: Vec<String>,
}

impl Credentials {
    /// Names of credential query parameters, for redaction.
    fn query_names(&self) -> Vec<&str> {
        self.query.iter().map(|(name, _)| name.as_str()).collect()
    }
}

/// A request body, kept in a form that can be sent again (redirects).
#[derive(Debug, Clone)]
enum Body {
    Empty,
    Bytes { content_type: HeaderValue, bytes: Vec<u8> },
    Form(Vec<(String, String)>),
    Multipart(Vec<(String, MultipartValue)>),
}

/// A request being built by a generated operation method. Problems found
/// while adding parts are kept and reported by [`Request::send`].
pub struct Request {
    http: reqwest::Client,
    method: Method,
    url: String,
    timeout: Option<Duration>,
    limits: Limits,
    query: Vec<(String, String)>,
    headers: HeaderMap,
    cookies: Vec<String>,
    credentials: Credentials,
    body: Body,
    problem: Option<String>,
}

/// Shows method, URL and headers; credential values never appear.
impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names = self.credentials.query_names();
        let credential_headers: Vec<&str> = self.credentials.headers.keys().map(HeaderName::as_str).collect();
        let credential_cookies = self.credentials.cookies.len();
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("url", &redact_text(&self.url, &names))
            .field("query", &self.query)
            .field("headers", &self.headers)
            .field("credential_headers", &credential_headers)
            .field("credential_query", &names)
            .field("credential_cookies", &credential_cookies)
            .finish_non_exhaustive()
    }
}

impl Request {
    fn fail(&mut self, problem: String) {
        self.problem.get_or_insert(problem);
    }

    /// Adds a query parameter; `None` leaves it off the wire.
    pub fn query<T: serde::Serialize + ?Sized>(&mut self, name: &str, value: Option<&T>, style: QueryStyle) {
        let Some(value) = value else { return };
        let value = match serde_json::to_value(value) {
            Ok(value) => value,
            Err(error) => return self.fail(format!("query parameter `{name}`: {error}")),
        };
        match (&value, style) {
            (serde_json::Value::Null, _) => {}
            (serde_json::Value::Array(items), QueryStyle::Form { explode: true }) => {
                for item in items {
                    self.query.push((name.to_owned(), scalar_text(item)));
                }
            }
            (serde_json::Value::Array(items), style) => {
                let separator = match style {
                    QueryStyle::SpaceDelimited => " ",
                    QueryStyle::PipeDelimited => "|",
                    _ => ",",
                };
                let joined = items.iter().map(scalar_text).collect::<Vec<_>>().join(separator);
                self.query.push((name.to_owned(), joined));
            }
            (serde_json::Value::Object(fields), QueryStyle::DeepObject) => {
                for (field, item) in fields {
                    self.query.push((format!("{name}[{field}]"), scalar_text(item)));
                }
            }
            (serde_json::Value::Object(fields), QueryStyle::Form { explode: true }) => {
                for (field, item) in fields {
                    self.query.push((field.clone(), scalar_text(item)));
                }
            }
            (serde_json::Value::Object(fields), _) => {
                let joined = fields
                    .iter()
                    .flat_map(|(field, item)| [field.clone(), scalar_text(item)])
                    .collect::<Vec<_>>()
                    .join(",");
                self.query.push((name.to_owned(), joined));
            }
            (scalar, _) => self.query.push((name.to_owned(), scalar_text(scalar))),
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

    fn credential_header(&mut self, name: &str, value: &str) {
        match Self::header_pair(name, value) {
            Ok((header, mut value)) => {
                value.set_sensitive(true);
                self.credentials.headers.insert(header, value);
            }
            // The message names the header, never the value.
            Err(problem) => self.fail(problem),
        }
    }

    /// Sends an API key as a header.
    pub fn header_api_key(&mut self, name: &str, key: &str) {
        self.credential_header(name, key);
    }

    /// Sends `Authorization: Bearer <token>`.
    pub fn bearer_auth(&mut self, token: &str) {
        self.credential_header("authorization", &format!("Bearer {token}"));
    }

    /// Sends HTTP basic credentials.
    pub fn basic_auth(&mut self, username: &str, password: Option<&str>) {
        use base64::Engine as _;
        let pair = format!("{username}:{}", password.unwrap_or_default());
        let encoded = base64::engine::general_purpose::STANDARD.encode(pair);
        self.credential_header("authorization", &format!("Basic {encoded}"));
    }

    /// Adds an API key sent as a query parameter.
    pub fn query_api_key(&mut self, name: &str, key: &str) {
        self.credentials.query.push((name.to_owned(), key.to_owned()));
    }

    /// Adds an API key sent as a cookie (percent-encoded, so a value can
    /// never add cookies of its own).
    pub fn cookie_api_key(&mut self, name: &str, key: &str) {
        self.credentials.cookies.push(format!("{name}={}", encode_path(key)));
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

    /// Sends raw bytes with the given content type.
    pub fn bytes(&mut self, content_type: &str, body: Vec<u8>) {
        match HeaderValue::from_str(content_type) {
            Ok(content_type) => self.body = Body::Bytes { content_type, bytes: body },
            Err(_) => self.fail(format!("content type `{content_type}` is not valid in HTTP")),
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
    pub async fn send<E>(mut self, accept: &str) -> Result<Response, Error<E>> {
        if !accept.is_empty() {
            self.raw_header("accept", accept);
        }
        if let Some(problem) = self.problem.take() {
            return Err(Error::InvalidRequest(problem));
        }
        let redaction = self.redaction_names();
        let first = match reqwest::Url::parse(&self.url) {
            Ok(url) => url,
            Err(error) => {
                let shown = redact_text(&self.url, &[]);
                return Err(Error::InvalidRequest(format!("invalid URL `{shown}`: {error}")));
            }
        };
        let origin = first.origin();
        let mut url = first;
        url.query_pairs_mut().extend_pairs(&self.query);
        let url_has_query = !self.query.is_empty();
        if !url_has_query {
            url.set_query(None);
        }
        let deadline = self.timeout.map(|timeout| Instant::now() + timeout);
        let mut method = self.method.clone();
        let mut with_body = true;
        let mut with_credentials = true;
        let mut redirects = 0;
        loop {
            with_credentials &= url.origin() == origin;
            let request = self.build(&method, url.clone(), with_body, with_credentials, deadline)?;
            let mut response = match self.http.execute(request).await {
                Ok(response) => response,
                Err(error) => return Err(transport(error, &redaction)),
            };
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
                    if status == StatusCode::SEE_OTHER
                        || (matches!(status.as_u16(), 301 | 302) && method == Method::POST)
                    {
                        method = if method == Method::HEAD { Method::HEAD } else { Method::GET };
                        with_body = false;
                    }
                    // Let the connection be reused; the body is not needed.
                    let _ = response.chunk().await;
                    url = next;
                }
                _ => {
                    return Ok(Response { inner: response, limits: self.limits, redaction });
                }
            }
        }
    }

    /// One attempt's `reqwest::Request`: credentials only when allowed.
    fn build<E>(
        &self,
        method: &Method,
        mut url: reqwest::Url,
        with_body: bool,
        with_credentials: bool,
        deadline: Option<Instant>,
    ) -> Result<reqwest::Request, Error<E>> {
        if with_credentials && !self.credentials.query.is_empty() {
            let present: Vec<String> = url.query_pairs().map(|(name, _)| name.into_owned()).collect();
            let missing: Vec<&(String, String)> =
                self.credentials.query.iter().filter(|(name, _)| !present.contains(name)).collect();
            if !missing.is_empty() {
                url.query_pairs_mut().extend_pairs(missing);
            }
        }
        let mut headers = self.headers.clone();
        let mut cookies = self.cookies.clone();
        if with_credentials {
            headers.extend(self.credentials.headers.clone());
            cookies.extend(self.credentials.cookies.iter().cloned());
        }
        if !cookies.is_empty() {
            let mut cookie = HeaderValue::from_str(&cookies.join("; "))
                .map_err(|_| Error::InvalidRequest("a cookie value is not valid in HTTP".to_owned()))?;
            cookie.set_sensitive(with_credentials && !self.credentials.cookies.is_empty());
            headers.insert(reqwest::header::COOKIE, cookie);
        }
        let mut builder = self.http.request(method.clone(), url);
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
        if let Some(deadline) = deadline {
            // One budget for every hop.
            builder = builder.timeout(deadline.saturating_duration_since(Instant::now()).max(Duration::from_millis(1)));
        }
        builder.build().map_err(|error| transport(error, &self.redaction_names()))
    }

    fn redaction_names(&self) -> Vec<String> {
        self.credentials.query_names().into_iter().map(str::to_owned).collect()
    }
}

/// The response to a sent request, read with the client's body limits.
#[derive(Debug)]
pub struct Response {
    inner: reqwest::Response,
    limits: Limits,
    redaction: Vec<String>,
}

impl Response {
    /// The response status.
    pub fn status(&self) -> StatusCode {
        self.inner.status()
    }

    /// Reads the body, at most `limit` bytes: `Ok(Err(..))` when it is
    /// longer (what was read so far is returned for error bodies).
    async fn read<E>(mut self, limit: usize) -> Result<(StatusCode, HeaderMap, Vec<u8>, bool), Error<E>> {
        let status = self.inner.status();
        let headers = std::mem::take(self.inner.headers_mut());
        let expected = self.inner.content_length().unwrap_or(0);
        let mut body = Vec::with_capacity(usize::try_from(expected).unwrap_or(usize::MAX).min(limit).min(1 << 20));
        loop {
            match self.inner.chunk().await {
                Ok(Some(chunk)) => {
                    let room = limit - body.len();
                    if chunk.len() > room {
                        body.extend_from_slice(&chunk[..room]);
                        return Ok((status, headers, body, true));
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(None) => return Ok((status, headers, body, false)),
                Err(error) => return Err(transport(error, &self.redaction)),
            }
        }
    }

    /// Reads a success body, failing with [`Error::BodyTooLarge`] past the
    /// limit.
    async fn success_body<E>(self) -> Result<(StatusCode, Vec<u8>), Error<E>> {
        let limit = self.limits.body;
        let (status, _, body, truncated) = self.read(limit).await?;
        if truncated {
            return Err(Error::BodyTooLarge { status, limit });
        }
        Ok((status, body))
    }
}

/// `url` as text, with the values of credential query parameters (and of
/// parameters whose names say they are secrets) and any password replaced
/// by `<redacted>`.
fn redacted(url: &reqwest::Url, names: &[&str]) -> String {
    let mut base = url.clone();
    base.set_query(None);
    base.set_fragment(None);
    if base.password().is_some() {
        let _ = base.set_password(Some("redacted"));
    }
    let mut text = base.to_string();
    if let Some(query) = url.query() {
        let pieces: Vec<String> = query
            .split('&')
            .map(|piece| {
                let raw_name = piece.split('=').next().unwrap_or_default();
                let name = percent_encoding::percent_decode_str(&raw_name.replace('+', " ")).decode_utf8_lossy().into_owned();
                if names.contains(&name.as_str()) || is_secret_name(&name) {
                    format!("{raw_name}=<redacted>")
                } else {
                    piece.to_owned()
                }
            })
            .collect();
        text.push('?');
        text.push_str(&pieces.join("&"));
    }
    text
}

/// Query parameter names that carry secrets by convention.
fn is_secret_name(name: &str) -> bool {
    let name = name.to_ascii_lowercase().replace(['-', '_'], "");
    ["apikey", "key", "token", "accesstoken", "secret", "clientsecret", "password", "signature", "sig", "auth"]
        .iter()
        .any(|secret| name == *secret)
}

fn redact_text(url: &str, names: &[&str]) -> String {
    match reqwest::Url::parse(url) {
        Ok(parsed) => redacted(&parsed, names),
        Err(_) => url.split(['?', '#']).next().unwrap_or_default().to_owned(),
    }
}

/// A transport error with its URL kept only in redacted form.
fn transport<E>(error: reqwest::Error, names: &[String]) -> Error<E> {
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let url = error.url().map(|url| redacted(url, &names));
    Error::Transport(TransportError { error: error.without_url(), url })
}

/// A query/form scalar as text: strings bare, everything else as JSON.
fn scalar_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(text) => text.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// `style: simple`: arrays and objects as comma-separated lists.
fn simple_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::Array(items) => items.iter().map(scalar_text).collect::<Vec<_>>().join(","),
        serde_json::Value::Object(fields) => fields
            .iter()
            .flat_map(|(field, item)| [field.clone(), scalar_text(item)])
            .collect::<Vec<_>>()
            .join(","),
        scalar => scalar_text(scalar),
    }
}

/// A file sent as a `multipart/form-data` part (schemas with
/// `format: binary`): the bytes, and optionally a file name and content type.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FilePart {
    /// The file's content.
    pub bytes: Vec<u8>,
    /// The file name sent in the part's `Content-Disposition`.
    pub file_name: Option<String>,
    /// The part's `Content-Type` (default `application/octet-stream`).
    pub content_type: Option<String>,
}

impl FilePart {
    /// A file part holding `bytes`.
    pub fn new(bytes: impl Into<Vec<u8>>) -> Self {
        Self { bytes: bytes.into(), file_name: None, content_type: None }
    }

    /// Sets the file name.
    pub fn file_name(mut self, file_name: impl Into<String>) -> Self {
        self.file_name = Some(file_name.into());
        self
    }

    /// Sets the content type.
    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }

    fn to_part(&self) -> Result<reqwest::multipart::Part, String> {
        let mut part = reqwest::multipart::Part::bytes(self.bytes.clone());
        if let Some(file_name) = &self.file_name {
            part = part.file_name(file_name.clone());
        }
        let content_type = self.content_type.as_deref().unwrap_or("application/octet-stream");
        part.mime_str(content_type).map_err(|error| format!("content type `{content_type}`: {error}"))
    }
}

/// In JSON (rare for binary data) a file is its bytes as a string.
impl serde::Serialize for FilePart {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&String::from_utf8_lossy(&self.bytes))
    }
}

impl<'de> serde::Deserialize<'de> for FilePart {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(FilePart::new)
    }
}

/// One value of a multipart field.
#[derive(Debug, Clone)]
enum MultipartValue {
    Text(String),
    File(FilePart),
}

/// Builds a `multipart/form-data` body field by field (generated code
/// calls this for multipart request bodies). Kept as data, so the body can
/// be sent again after a redirect.
#[derive(Debug, Default)]
pub struct Multipart {
    parts: Vec<(String, MultipartValue)>,
    problem: Option<String>,
}

impl Multipart {
    /// An empty form.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a text part: strings as they are, other values as JSON; arrays
    /// add one part per item. `None` adds nothing.
    pub fn text<T: serde::Serialize + ?Sized>(&mut self, name: &str, value: Option<&T>) {
        let Some(value) = value else { return };
        match serde_json::to_value(value) {
            Ok(serde_json::Value::Null) => {}
            Ok(serde_json::Value::Array(items)) => {
                for item in items {
                    self.parts.push((name.to_owned(), MultipartValue::Text(scalar_text(&item))));
                }
            }
            Ok(value) => self.parts.push((name.to_owned(), MultipartValue::Text(scalar_text(&value)))),
            Err(error) => {
                self.problem.get_or_insert(format!("multipart field `{name}`: {error}"));
            }
        }
    }

    /// Adds file parts (`None` adds nothing).
    pub fn files<'a>(&mut self, name: &str, files: impl IntoIterator<Item = &'a FilePart>) {
        for file in files {
            self.parts.push((name.to_owned(), MultipartValue::File(file.clone())));
        }
    }
}

/// A fresh `reqwest` form from the parts (forms cannot be cloned).
fn multipart_form(parts: &[(String, MultipartValue)]) -> Result<reqwest::multipart::Form, String> {
    let mut form = reqwest::multipart::Form::new();
    for (name, value) in parts {
        form = match value {
            MultipartValue::Text(text) => form.text(name.clone(), text.clone()),
            MultipartValue::File(file) => {
                let part = file.to_part().map_err(|problem| format!("multipart file `{name}`: {problem}"))?;
                form.part(name.clone(), part)
            }
        };
    }
    Ok(form)
}

/// Percent-encodes one path segment (everything but RFC 3986 unreserved
/// characters).
pub fn encode_path(segment: &str) -> String {
    const SEGMENT: &percent_encoding::AsciiSet =
        &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');
    percent_encoding::utf8_percent_encode(segment, SEGMENT).to_string()
}

/// How a path parameter is written into the path (OpenAPI `style` and
/// `explode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathStyle {
    /// `simple` (the default): `5`, `3,4,5`, `role,admin` / `role=admin`.
    Simple {
        /// `explode`: objects as `key=value` pairs.
        explode: bool,
    },
    /// `label`: `.5`, `.3,4,5` / `.3.4.5`.
    Label {
        /// `explode`: one `.` per item.
        explode: bool,
    },
    /// `matrix`: `;id=5`, `;id=3,4,5` / `;id=3;id=4;id=5`.
    Matrix {
        /// `explode`: one `;name=` per item.
        explode: bool,
    },
}

/// A path parameter, percent-encoded and written in `style`. A value that
/// would be read as a path of its own (empty, `.` or `..`, which URL
/// parsers collapse) is refused, naming the parameter.
pub fn path_param<T: serde::Serialize + ?Sized>(name: &str, value: &T, style: PathStyle) -> Result<String, PathError> {
    let rendered = render_path_param(name, value, style);
    if matches!(rendered.as_str(), "" | "." | "..") {
        let shown = if rendered.is_empty() { "an empty value".to_owned() } else { format!("`{rendered}`") };
        return Err(PathError(format!("path parameter `{name}` is {shown}, which would change the request path")));
    }
    Ok(rendered)
}

fn render_path_param<T: serde::Serialize + ?Sized>(name: &str, value: &T, style: PathStyle) -> String {
    let value = serde_json::to_value(value).unwrap_or(serde_json::Value::Null);
    let name = encode_path(name);
    match value {
        serde_json::Value::Array(items) => {
            let items: Vec<String> = items.iter().map(|item| encode_path(&scalar_text(item))).collect();
            match style {
                PathStyle::Simple { .. } => items.join(","),
                PathStyle::Label { explode: false } => format!(".{}", items.join(",")),
                PathStyle::Label { explode: true } => items.iter().map(|item| format!(".{item}")).collect(),
                PathStyle::Matrix { explode: false } => format!(";{name}={}", items.join(",")),
                PathStyle::Matrix { explode: true } => items.iter().map(|item| format!(";{name}={item}")).collect(),
            }
        }
        serde_json::Value::Object(fields) => {
            let pairs: Vec<(String, String)> =
                fields.iter().map(|(key, item)| (encode_path(key), encode_path(&scalar_text(item)))).collect();
            let flat = || pairs.iter().flat_map(|(key, item)| [key.clone(), item.clone()]).collect::<Vec<_>>().join(",");
            let assigned = |separator: &str| {
                pairs.iter().map(|(key, item)| format!("{key}={item}")).collect::<Vec<_>>().join(separator)
            };
            match style {
                PathStyle::Simple { explode: false } => flat(),
                PathStyle::Simple { explode: true } => assigned(","),
                PathStyle::Label { explode: false } => format!(".{}", flat()),
                PathStyle::Label { explode: true } => format!(".{}", assigned(".")),
                PathStyle::Matrix { explode: false } => format!(";{name}={}", flat()),
                PathStyle::Matrix { explode: true } => format!(";{}", assigned(";")),
            }
        }
        scalar => {
            let text = encode_path(&scalar_text(&scalar));
            match style {
                PathStyle::Simple { .. } => text,
                PathStyle::Label { .. } => format!(".{text}"),
                PathStyle::Matrix { .. } => format!(";{name}={text}"),
            }
        }
    }
}


/// Reads and discards a success body the spec documents as empty (so the
/// connection can be reused), within the body limit.
pub async fn empty<E>(response: Response) -> Result<(), Error<E>> {
    response.success_body().await.map(drop)
}

/// Decodes a JSON success body, reporting the JSON path that failed.
pub async fn json<T: serde::de::DeserializeOwned, E>(response: Response) -> Result<T, Error<E>> {
    let (status, body) = response.success_body().await?;
    let deserializer = &mut serde_json::Deserializer::from_slice(&body);
    match serde_path_to_error::deserialize(deserializer) {
        Ok(value) => Ok(value),
        Err(error) => {
            let path = error.path().to_string();
            Err(Error::Decode(Box::new(DecodeError { status, path, body, source: error.into_inner() })))
        }
    }
}

/// Reads a text success body.
pub async fn text<E>(response: Response) -> Result<String, Error<E>> {
    let (_, body) = response.success_body().await?;
    Ok(match String::from_utf8(body) {
        Ok(text) => text,
        Err(error) => String::from_utf8_lossy(error.as_bytes()).into_owned(),
    })
}

/// Reads a binary success body.
pub async fn bytes<E>(response: Response) -> Result<Vec<u8>, Error<E>> {
    response.success_body().await.map(|(_, body)| body)
}

/// Turns a non-success response into [`Error::Status`], keeping at most the
/// error body limit and decoding it with `parse` (which sees the status)
/// when it was read whole.
pub async fn api_error<E>(response: Response, parse: impl FnOnce(StatusCode, &[u8]) -> Option<E>) -> Error<E> {
    let limit = response.limits.error_body;
    match response.read::<()>(limit).await {
        Ok((status, headers, body, truncated)) => {
            let parsed = if truncated { None } else { parse(status, &body) };
            Error::Status(Box::new(ApiError { status, headers, body, truncated, parsed }))
        }
        Err(error) => error.retype(),
    }
}

/// Decodes an error body as JSON `T`, or `None` when it does not match.
pub fn parse_json<T: serde::de::DeserializeOwned>(body: &[u8]) -> Option<T> {
    serde_json::from_slice(body).ok()
}

/// Serde helpers for fields that are both optional and nullable: absent,
/// `null` and a value are `None`, `Some(None)` and `Some(Some(value))`.
pub mod double_option {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    /// Serializes the inner option (`Some(None)` → `null`); pair with
    /// `skip_serializing_if = "Option::is_none"` so `None` is left out.
    pub fn serialize<T: Serialize, S: Serializer>(value: &Option<Option<T>>, serializer: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(inner) => inner.serialize(serializer),
            None => serializer.serialize_none(),
        }
    }

    /// Deserializes a present field (`null` or a value); pair with
    /// `default` so an absent field becomes `None`.
    pub fn deserialize<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Option<T>>, D::Error> {
        Option::<T>::deserialize(deserializer).map(Some)
    }
}
