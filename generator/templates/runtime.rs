//! Support code shared by every generated API module: the HTTP core, request
//! building (parameter styles, security, bodies), response decoding and the
//! error type. Hand-written; the generator copies it verbatim into each crate.

use std::fmt;
use std::time::Duration;

pub use reqwest;
pub use reqwest::{Method, StatusCode, header::HeaderMap};

/// Timeout applied to every request unless changed with the builder.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// Everything that can go wrong when calling an operation. `E` is the typed
/// error body the operation documents for non-success statuses.
#[derive(Debug)]
pub enum Error<E = serde_json::Value> {
    /// The request could not be built (an invalid base URL, a header value
    /// that is not valid in HTTP, a body that cannot be encoded, …).
    InvalidRequest(String),
    /// The request could not be sent, or the response not read: connection
    /// failures, TLS errors, timeouts. See [`Error::is_timeout`].
    Transport(reqwest::Error),
    /// The server answered with a status the operation does not treat as
    /// success. Status, headers and body are kept.
    Status(Box<ApiError<E>>),
    /// The server answered with a success status, but the body does not match
    /// the documented schema.
    Decode(Box<DecodeError>),
}

impl<E> Error<E> {
    /// The HTTP status of the response, when there was one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Status(error) => Some(error.status),
            Error::Decode(error) => Some(error.status),
            Error::Transport(error) => error.status(),
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
            Error::Status(error) => Error::Status(Box::new(ApiError {
                status: error.status,
                headers: error.headers,
                body: error.body,
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
        }
    }
}

impl<E: fmt::Debug> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport(error) => Some(error),
            Error::Decode(error) => Some(&error.source),
            Error::InvalidRequest(_) | Error::Status(_) => None,
        }
    }
}

/// A response whose status the operation does not treat as success.
#[derive(Debug)]
pub struct ApiError<E> {
    /// The response status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The raw response body.
    pub body: Vec<u8>,
    /// The body decoded as the documented error schema, when it matched.
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
        write!(f, "server returned {}: {}", self.status, truncate(&self.body_text(), 200))
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

/// Connection settings shared by the generated clients: base URL, the
/// `reqwest` client and the per-request timeout.
#[derive(Debug, Clone)]
pub struct Core {
    base_url: String,
    http: reqwest::Client,
    timeout: Option<Duration>,
}

/// Builds a [`Core`]; wrapped by each generated `ClientBuilder`.
#[derive(Debug, Clone)]
pub struct CoreBuilder {
    base_url: String,
    /// The server URL template and its variables, when the spec has any.
    server: Option<(&'static str, Vec<(String, String)>)>,
    http: Option<reqwest::Client>,
    timeout: Option<Duration>,
    user_agent: Option<String>,
}

impl CoreBuilder {
    /// Starts from `base_url`, the [`DEFAULT_TIMEOUT`] and a fresh client.
    pub fn new(base_url: &str) -> Self {
        Self { base_url: base_url.to_owned(), server: None, http: None, timeout: Some(DEFAULT_TIMEOUT), user_agent: None }
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

    /// Sets or clears the per-request timeout.
    pub fn timeout(&mut self, timeout: Option<Duration>) {
        self.timeout = timeout;
    }

    /// Uses a caller-built `reqwest::Client` (proxies, TLS roots, pools…).
    pub fn http_client(&mut self, http: reqwest::Client) {
        self.http = Some(http);
    }

    /// Sets the `User-Agent` of a client built by [`CoreBuilder::build`].
    pub fn user_agent(&mut self, user_agent: String) {
        self.user_agent = Some(user_agent);
    }

    /// Finishes the core. Fails only when no `reqwest::Client` was given and
    /// one cannot be built (for example when TLS cannot be initialised).
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
        let http = match self.http {
            Some(http) => http,
            None => {
                let user_agent = self.user_agent.unwrap_or_else(|| {
                    concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION")).to_owned()
                });
                reqwest::Client::builder().user_agent(user_agent).build().map_err(Error::Transport)?
            }
        };
        let base_url = self.base_url.trim_end_matches('/').to_owned();
        Ok(Core { base_url, http, timeout: self.timeout })
    }
}

impl Core {
    /// The base URL every request path is appended to.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Starts a request to `path` (already percent-encoded) below the base URL.
    pub fn request(&self, method: Method, path: &str) -> Request {
        let mut builder = self.http.request(method, format!("{}{}", self.base_url, path));
        if let Some(timeout) = self.timeout {
            builder = builder.timeout(timeout);
        }
        Request { builder: Some(builder), query: Vec::new(), cookies: Vec::new(), problem: None }
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

/// A request being built by a generated operation method. Problems found
/// while adding parts are kept and reported by [`Request::send`].
#[derive(Debug)]
pub struct Request {
    builder: Option<reqwest::RequestBuilder>,
    query: Vec<(String, String)>,
    cookies: Vec<String>,
    problem: Option<String>,
}

impl Request {
    fn map(&mut self, f: impl FnOnce(reqwest::RequestBuilder) -> reqwest::RequestBuilder) {
        self.builder = self.builder.take().map(f);
    }

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

    /// Sets a header to an exact value (used for `Accept` and API keys).
    pub fn raw_header(&mut self, name: &str, value: &str) {
        let header = reqwest::header::HeaderName::from_bytes(name.as_bytes())
            .map_err(|error| format!("header name `{name}`: {error}"))
            .and_then(|header| {
                reqwest::header::HeaderValue::from_str(value)
                    .map(|value| (header, value))
                    .map_err(|error| format!("header `{name}`: {error}"))
            });
        match header {
            Ok((header, value)) => self.map(|builder| builder.header(header, value)),
            Err(problem) => self.fail(problem),
        }
    }

    /// Sends `Authorization: Bearer <token>`.
    pub fn bearer_auth(&mut self, token: &str) {
        self.raw_header("authorization", &format!("Bearer {token}"));
    }

    /// Sends HTTP basic credentials.
    pub fn basic_auth(&mut self, username: &str, password: Option<&str>) {
        self.map(|builder| builder.basic_auth(username, password));
    }

    /// Adds an API key sent as a query parameter.
    pub fn query_api_key(&mut self, name: &str, key: &str) {
        self.query.push((name.to_owned(), key.to_owned()));
    }

    /// Adds an API key sent as a cookie (percent-encoded, so a value can
    /// never add cookies of its own).
    pub fn cookie_api_key(&mut self, name: &str, key: &str) {
        self.cookies.push(format!("{name}={}", encode_path(key)));
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
                self.map(|builder| builder.form(&pairs));
            }
            Ok(_) => self.fail("form body must be an object".to_owned()),
            Err(error) => self.fail(format!("request body: {error}")),
        }
    }

    /// Sends a `multipart/form-data` body built with [`Multipart`].
    pub fn multipart(&mut self, form: Multipart) {
        if let Some(problem) = form.problem {
            return self.fail(problem);
        }
        if let Some(form) = form.form {
            self.map(|builder| builder.multipart(form));
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
        self.raw_header("content-type", content_type);
        self.map(|builder| builder.body(body));
    }

    /// Sends the request and returns the response, whatever its status.
    pub async fn send<E>(mut self, accept: &str) -> Result<reqwest::Response, Error<E>> {
        if !accept.is_empty() {
            self.raw_header("accept", accept);
        }
        if !self.cookies.is_empty() {
            let cookies = self.cookies.join("; ");
            self.raw_header("cookie", &cookies);
        }
        if let Some(problem) = self.problem {
            return Err(Error::InvalidRequest(problem));
        }
        let query = std::mem::take(&mut self.query);
        let Some(mut builder) = self.builder else {
            return Err(Error::InvalidRequest("request was not initialised".to_owned()));
        };
        if !query.is_empty() {
            builder = builder.query(&query);
        }
        builder.send().await.map_err(Error::Transport)
    }
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

/// Builds a `multipart/form-data` body field by field (generated code
/// calls this for multipart request bodies).
#[derive(Debug, Default)]
pub struct Multipart {
    form: Option<reqwest::multipart::Form>,
    problem: Option<String>,
}

impl Multipart {
    /// An empty form.
    pub fn new() -> Self {
        Self { form: Some(reqwest::multipart::Form::new()), problem: None }
    }

    /// Adds a text part: strings as they are, other values as JSON; arrays
    /// add one part per item. `None` adds nothing.
    pub fn text<T: serde::Serialize + ?Sized>(&mut self, name: &str, value: Option<&T>) {
        let Some(value) = value else { return };
        match serde_json::to_value(value) {
            Ok(serde_json::Value::Null) => {}
            Ok(serde_json::Value::Array(items)) => {
                for item in items {
                    self.form = self.form.take().map(|form| form.text(name.to_owned(), scalar_text(&item)));
                }
            }
            Ok(value) => self.form = self.form.take().map(|form| form.text(name.to_owned(), scalar_text(&value))),
            Err(error) => {
                self.problem.get_or_insert(format!("multipart field `{name}`: {error}"));
            }
        }
    }

    /// Adds file parts (`None` adds nothing).
    pub fn files<'a>(&mut self, name: &str, files: impl IntoIterator<Item = &'a FilePart>) {
        for file in files {
            match file.to_part() {
                Ok(part) => self.form = self.form.take().map(|form| form.part(name.to_owned(), part)),
                Err(problem) => {
                    self.problem.get_or_insert(format!("multipart file `{name}`: {problem}"));
                }
            }
        }
    }
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

/// A path parameter, percent-encoded and written in `style`.
pub fn path_param<T: serde::Serialize + ?Sized>(name: &str, value: &T, style: PathStyle) -> String {
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
/// connection can be reused).
pub async fn empty<E>(response: reqwest::Response) -> Result<(), Error<E>> {
    read_body(response).await.map(drop)
}

async fn read_body<E>(response: reqwest::Response) -> Result<(StatusCode, HeaderMap, Vec<u8>), Error<E>> {
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.bytes().await.map_err(Error::Transport)?;
    Ok((status, headers, body.to_vec()))
}

/// Decodes a JSON success body, reporting the JSON path that failed.
pub async fn json<T: serde::de::DeserializeOwned, E>(response: reqwest::Response) -> Result<T, Error<E>> {
    let (status, _, body) = read_body(response).await?;
    let deserializer = &mut serde_json::Deserializer::from_slice(&body);
    serde_path_to_error::deserialize(deserializer).map_err(|error| {
        let path = error.path().to_string();
        Error::Decode(Box::new(DecodeError { status, path, body: body.clone(), source: error.into_inner() }))
    })
}

/// Reads a text success body.
pub async fn text<E>(response: reqwest::Response) -> Result<String, Error<E>> {
    let (_, _, body) = read_body(response).await?;
    Ok(String::from_utf8_lossy(&body).into_owned())
}

/// Reads a binary success body.
pub async fn bytes<E>(response: reqwest::Response) -> Result<Vec<u8>, Error<E>> {
    read_body(response).await.map(|(_, _, body)| body)
}

/// Turns a non-success response into [`Error::Status`], decoding the body
/// with `parse` (which sees the status) when it matches.
pub async fn api_error<E>(
    response: reqwest::Response,
    parse: impl FnOnce(StatusCode, &[u8]) -> Option<E>,
) -> Error<E> {
    match read_body::<()>(response).await {
        Ok((status, headers, body)) => {
            let parsed = parse(status, &body);
            Error::Status(Box::new(ApiError { status, headers, body, parsed }))
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
