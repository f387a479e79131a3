//! The connection settings every call shares ([`Core`]), the builder that
//! makes them ([`CoreBuilder`]), and the builder and client methods every
//! generated module has (as macros, so each module keeps only what is
//! specific to its spec).

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use super::redact::redact_text;
use super::request::Request;
use super::{
    DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_ERROR_BODY_BYTES, DEFAULT_MAX_STREAM_ITEM_BYTES,
    DEFAULT_STREAM_IDLE_TIMEOUT, DEFAULT_TIMEOUT, Error, Hook, Method, RetryPolicy, TransportError,
};

/// Body size limits, copied into every request.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    pub(crate) body: usize,
    pub(crate) error_body: usize,
    /// The largest item (event, line) of a streamed body.
    pub(crate) stream_item: usize,
}

/// What every request of a client shares.
#[derive(Clone)]
pub(crate) struct Settings {
    pub(crate) base_url: String,
    pub(crate) http: reqwest::Client,
    pub(crate) timeout: Option<Duration>,
    /// How long one attempt may take (a timed-out attempt is retried).
    pub(crate) attempt_timeout: Option<Duration>,
    /// How long a streamed body may send nothing.
    pub(crate) idle_timeout: Option<Duration>,
    pub(crate) limits: Limits,
    pub(crate) retry: RetryPolicy,
    pub(crate) hooks: Vec<Arc<dyn Hook>>,
    /// After a 401 to a request with a provider's credential: invalidate,
    /// ask again, and send once more.
    pub(crate) retry_unauthorized: bool,
    /// The key for the next call made through this client (taken by it:
    /// a key is never sent with two calls).
    pub(crate) idempotency_key: Option<Arc<std::sync::Mutex<Option<String>>>>,
}

/// Connection settings shared by the generated clients: base URL, the
/// `reqwest` client, timeouts, body limits, retries and hooks. Cheap to
/// clone.
#[derive(Clone)]
pub struct Core {
    pub(crate) settings: Arc<Settings>,
}

impl fmt::Debug for Core {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let settings = &self.settings;
        f.debug_struct("Core")
            .field("base_url", &redact_text(&settings.base_url, &[]))
            .field("timeout", &settings.timeout)
            .field("attempt_timeout", &settings.attempt_timeout)
            .field("max_body_bytes", &settings.limits.body)
            .field("max_error_body_bytes", &settings.limits.error_body)
            .field("retry", &settings.retry)
            .field("hooks", &settings.hooks.len())
            .field("retry_unauthorized", &settings.retry_unauthorized)
            .field("idempotency_key", &settings.idempotency_key.as_ref().map(|_| "<set>"))
            .finish_non_exhaustive()
    }
}

/// Builds a [`Core`]; wrapped by each generated `ClientBuilder`.
pub struct CoreBuilder {
    base_url: String,
    /// The server URL template and its variables, when the spec has any.
    server: Option<(&'static str, Vec<(String, String)>)>,
    http: Option<reqwest::ClientBuilder>,
    timeout: Option<Duration>,
    attempt_timeout: Option<Duration>,
    idle_timeout: Option<Duration>,
    connect_timeout: Duration,
    user_agent: Option<String>,
    limits: Limits,
    retry: RetryPolicy,
    hooks: Vec<Arc<dyn Hook>>,
    retry_unauthorized: bool,
}

impl fmt::Debug for CoreBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CoreBuilder")
            .field("base_url", &redact_text(&self.base_url, &[]))
            .field("timeout", &self.timeout)
            .field("attempt_timeout", &self.attempt_timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("user_agent", &self.user_agent)
            .field("limits", &self.limits)
            .field("retry", &self.retry)
            .field("hooks", &self.hooks.len())
            .field("retry_unauthorized", &self.retry_unauthorized)
            .finish_non_exhaustive()
    }
}

impl CoreBuilder {
    /// Starts from `base_url`, the default timeouts, limits and retry
    /// policy, and a fresh client.
    pub fn new(base_url: &str) -> Self {
        Self {
            base_url: base_url.to_owned(),
            server: None,
            http: None,
            timeout: Some(DEFAULT_TIMEOUT),
            attempt_timeout: None,
            idle_timeout: Some(DEFAULT_STREAM_IDLE_TIMEOUT),
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            user_agent: None,
            limits: Limits {
                body: DEFAULT_MAX_BODY_BYTES,
                error_body: DEFAULT_MAX_ERROR_BODY_BYTES,
                stream_item: DEFAULT_MAX_STREAM_ITEM_BYTES,
            },
            retry: RetryPolicy::default(),
            hooks: Vec::new(),
            retry_unauthorized: true,
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

    /// Sets or clears the total timeout of a call.
    pub fn timeout(&mut self, timeout: Option<Duration>) {
        self.timeout = timeout;
    }

    /// Sets or clears the timeout of each attempt.
    pub fn attempt_timeout(&mut self, timeout: Option<Duration>) {
        self.attempt_timeout = timeout;
    }

    /// Sets or clears the idle timeout of streamed bodies.
    pub fn stream_idle_timeout(&mut self, timeout: Option<Duration>) {
        self.idle_timeout = timeout;
    }

    /// Sets the largest item of a streamed body.
    pub fn max_stream_item_bytes(&mut self, limit: usize) {
        self.limits.stream_item = limit;
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

    /// Sets the retry policy.
    pub fn retry(&mut self, policy: RetryPolicy) {
        self.retry = policy;
    }

    /// Adds a hook.
    pub fn hook(&mut self, hook: Arc<dyn Hook>) {
        self.hooks.push(hook);
    }

    /// Turns the re-send after a 401 with a refreshed credential on or off.
    pub fn retry_unauthorized(&mut self, enabled: bool) {
        self.retry_unauthorized = enabled;
    }

    /// Finishes the core. Fails when a server variable is unknown or the
    /// `reqwest::Client` cannot be built (for example when TLS cannot be
    /// initialised).
    pub fn build(self) -> Result<Core, Error> {
        if self.base_url.trim().is_empty() {
            return Err(Error::InvalidRequest(
                "no base URL: the spec names no server, so set one with the builder's `base_url`".to_owned(),
            ));
        }
        if let Some((template, variables)) = &self.server {
            let unknown: Vec<&str> =
                variables.iter().map(|(name, _)| name.as_str()).filter(|name| !template.contains(&format!("{{{name}}}"))).collect();
            if !unknown.is_empty() {
                return Err(Error::InvalidRequest(format!("unknown server variable(s): {}", unknown.join(", "))));
            }
        }
        let user_agent = self.user_agent.unwrap_or_else(|| concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION")).to_owned());
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
            .map_err(|error| Error::Transport(TransportError::http(error, None)))?;
        let base_url = self.base_url.trim_end_matches('/').to_owned();
        let settings = Settings {
            base_url,
            http,
            timeout: self.timeout,
            attempt_timeout: self.attempt_timeout,
            idle_timeout: self.idle_timeout,
            limits: self.limits,
            retry: self.retry,
            hooks: self.hooks,
            retry_unauthorized: self.retry_unauthorized,
            idempotency_key: None,
        };
        Ok(Core { settings: Arc::new(settings) })
    }
}

impl Core {
    /// The base URL every request path is appended to.
    pub fn base_url(&self) -> &str {
        &self.settings.base_url
    }

    /// The retry policy.
    pub fn retry_policy(&self) -> RetryPolicy {
        self.settings.retry
    }

    /// A copy using `policy` (the original is unchanged).
    pub fn with_retry(&self, policy: RetryPolicy) -> Self {
        let mut settings = (*self.settings).clone();
        settings.retry = policy;
        Core { settings: Arc::new(settings) }
    }

    /// A copy whose next call — the first one made through it — sends
    /// `key` as its `Idempotency-Key` (on every attempt of that call, which
    /// makes a POST or PATCH safe to retry); later calls through the copy
    /// send none. The original is unchanged.
    pub fn with_idempotency_key(&self, key: String) -> Self {
        let mut settings = (*self.settings).clone();
        settings.idempotency_key = Some(Arc::new(std::sync::Mutex::new(Some(key))));
        Core { settings: Arc::new(settings) }
    }

    /// Takes the key [`with_idempotency_key`](Self::with_idempotency_key)
    /// left for the next call, if it is still there.
    pub(crate) fn take_idempotency_key(&self) -> Option<String> {
        let slot = self.settings.idempotency_key.as_ref()?;
        match slot.lock() {
            Ok(mut key) => key.take(),
            Err(poisoned) => poisoned.into_inner().take(),
        }
    }

    /// Starts a request to `path` (already percent-encoded) below the base URL.
    pub fn request(&self, method: Method, path: &str) -> Request {
        Request::new(self.clone(), method, format!("{}{}", self.settings.base_url, path))
    }

    /// A request to the path `parts` make up; a path parameter that cannot
    /// be sent makes it fail when it is sent, as [`Error::InvalidRequest`](super::Error::InvalidRequest).
    pub fn request_path(&self, method: Method, parts: &[super::__private::PathPart]) -> Request {
        let mut path = String::new();
        let mut problem = None;
        for part in parts {
            match &part.0 {
                Ok(text) => path.push_str(text),
                Err(error) => {
                    problem.get_or_insert_with(|| error.clone());
                }
            }
        }
        let mut request = self.request(method, &path);
        if let Some(problem) = problem {
            request.fail(problem);
        }
        request
    }
}

/// An `impl` block of the methods every generated module's builder has,
/// for a builder type with a `core: CoreBuilder` field:
/// `__client_builder_methods!(crate::runtime; ClientBuilder)` (the
/// runtime's path, then the type).
#[doc(hidden)]
#[macro_export]
macro_rules! __client_builder_methods {
    ($($rt:ident)::+; $builder:ident) => {
        impl $builder {
            /// Sends requests to `base_url` instead of the default (a mock
            /// server, a proxy, another region).
            pub fn base_url(mut self, base_url: impl ::std::convert::Into<::std::string::String>) -> Self {
                self.core.base_url(base_url.into());
                self
            }

            /// Fails calls that take longer than `timeout` in all — connecting,
            /// redirects, retries and their waits, and reading the body
            /// (default: 30 s). For streamed responses (`…_stream`, event and
            /// line streams, downloads) it bounds everything up to the
            /// response head; the body is bounded by
            /// [`stream_idle_timeout`](Self::stream_idle_timeout) instead.
            pub fn timeout(mut self, timeout: ::std::time::Duration) -> Self {
                self.core.timeout(::std::option::Option::Some(timeout));
                self
            }

            /// Lets calls take as long as they take.
            pub fn no_timeout(mut self) -> Self {
                self.core.timeout(::std::option::Option::None);
                self
            }

            /// Gives up on one attempt — connecting, sending, and the response
            /// up to the end of its head — after `timeout`, and retries it as
            /// a connection failure is retried (the retry policy decides; POST
            /// and PATCH need an idempotency key), within the total
            /// [`timeout`](Self::timeout). Default: none, each attempt may use
            /// what is left of the total.
            pub fn attempt_timeout(mut self, timeout: ::std::time::Duration) -> Self {
                self.core.attempt_timeout(::std::option::Option::Some(timeout));
                self
            }

            /// Fails a streamed response body that sends nothing for `timeout`
            /// (default: 60 s); a stream that keeps sending may last as long as
            /// it needs.
            pub fn stream_idle_timeout(mut self, timeout: ::std::time::Duration) -> Self {
                self.core.stream_idle_timeout(::std::option::Option::Some(timeout));
                self
            }

            /// Lets a streamed response body wait for its next byte for as long
            /// as it takes.
            pub fn no_stream_idle_timeout(mut self) -> Self {
                self.core.stream_idle_timeout(::std::option::Option::None);
                self
            }

            /// The largest item of a streamed body — one server-sent event, one
            /// line — in bytes (default: 16 MiB); a larger one fails the stream
            /// with `Error::ItemTooLarge`. Byte-chunk streams (downloads) have
            /// no limit: they hold one chunk at a time.
            pub fn max_stream_item_bytes(mut self, limit: usize) -> Self {
                self.core.max_stream_item_bytes(limit);
                self
            }

            /// Fails connection attempts that take longer than `timeout`
            /// (default: 10 s).
            pub fn connect_timeout(mut self, timeout: ::std::time::Duration) -> Self {
                self.core.connect_timeout(timeout);
                self
            }

            /// The largest success body read, in bytes (default: 32 MiB); a
            /// longer body fails with `Error::BodyTooLarge`. Streamed bodies
            /// are not held whole, so this limit does not apply to them (see
            /// [`max_stream_item_bytes`](Self::max_stream_item_bytes)).
            pub fn max_body_bytes(mut self, limit: usize) -> Self {
                self.core.max_body_bytes(limit);
                self
            }

            /// How much of an error body is kept, in bytes (default: 64 KiB).
            pub fn max_error_body_bytes(mut self, limit: usize) -> Self {
                self.core.max_error_body_bytes(limit);
                self
            }

            /// Starts from your own `reqwest::ClientBuilder` (proxies, TLS
            /// settings, connection pools). The client still follows redirects
            /// itself (so credentials never leave their origin), never sends
            /// `Referer`, and applies the timeouts and `User-Agent` set here.
            pub fn http_client(mut self, http: $($rt)::+::reqwest::ClientBuilder) -> Self {
                self.core.http_client(http);
                self
            }

            /// Sets the `User-Agent` header.
            pub fn user_agent(mut self, user_agent: impl ::std::convert::Into<::std::string::String>) -> Self {
                self.core.user_agent(user_agent.into());
                self
            }

            /// Sets when and how failed calls are retried (default:
            /// [`RetryPolicy::default`](crate::runtime::RetryPolicy), twice for
            /// idempotent requests; [`RetryPolicy::none`](crate::runtime::RetryPolicy::none)
            /// turns retries off).
            pub fn retry(mut self, policy: $($rt)::+::RetryPolicy) -> Self {
                self.core.retry(policy);
                self
            }

            /// Adds a [`Hook`](crate::runtime::Hook) that runs before every
            /// attempt is sent and after its response arrives.
            pub fn hook(mut self, hook: impl $($rt)::+::Hook) -> Self {
                self.core.hook(::std::sync::Arc::new(hook));
                self
            }

            /// Whether a request that a server answers with 401 is sent once
            /// more with a fresh credential (default: on). Only credentials
            /// from a [`CredentialProvider`](crate::runtime::CredentialProvider)
            /// (a scheme's `…_provider` method) take part: the provider is told
            /// the credential was rejected
            /// ([`invalidate`](crate::runtime::CredentialProvider::invalidate)),
            /// asked again, and the request re-sent once, whatever its method
            /// (a 401 means the server did not act on it); a second 401 is the
            /// call's `Error::Status`. Static credentials are never re-sent.
            /// With `false`, the provider is still told, so the next call gets
            /// a fresh credential.
            pub fn retry_unauthorized(mut self, enabled: bool) -> Self {
                self.core.retry_unauthorized(enabled);
                self
            }
        }
    };
}

/// An `impl` block of the methods every generated module's client has,
/// for a client type with a `core: Core` field:
/// `__client_methods!(crate::runtime; Client)` (the runtime's path, then
/// the type).
#[doc(hidden)]
#[macro_export]
macro_rules! __client_methods {
    ($($rt:ident)::+; $client:ident) => {
        impl $client {
            /// The base URL requests are sent to.
            pub fn base_url(&self) -> &str {
                self.core.base_url()
            }

            /// A clone of this client with another retry policy, e.g. for one
            /// call: `client.with_retry(RetryPolicy::none()).some_call()`.
            pub fn with_retry(&self, policy: $($rt)::+::RetryPolicy) -> Self {
                let mut client = ::std::clone::Clone::clone(self);
                client.core = self.core.with_retry(policy);
                client
            }

            /// A clone of this client whose next call — the first one made
            /// through it — sends `key` as its `Idempotency-Key` header, on
            /// every attempt of that call, so that a POST or PATCH is retried
            /// too: `client.with_idempotency_key("order-17").create_order(&order)`.
            /// The key goes with that one call only: later calls through the
            /// clone send none (a key reused for a different request would make
            /// the server answer it with the first one's result).
            pub fn with_idempotency_key(&self, key: impl ::std::convert::Into<::std::string::String>) -> Self {
                let mut client = ::std::clone::Clone::clone(self);
                client.core = self.core.with_idempotency_key(key.into());
                client
            }
        }
    };
}
