//! The OAuth2 client-credentials grant (RFC 6749 §4.4) as a
//! [`CredentialProvider`]: one token, cached until shortly before it
//! expires, fetched once for all the calls that need it at the same time.

use std::fmt;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use futures::future::BoxFuture;

use super::credentials::{CredentialError, CredentialProvider, Secret};
use super::error::truncate;
use super::redact::redact_text;
use super::{DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_ERROR_BODY_BYTES, DEFAULT_TIMEOUT, StatusCode};

/// How the client authenticates to the token endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ClientAuth {
    /// HTTP basic (`client_secret_basic`, the default).
    Basic,
    /// `client_id` and `client_secret` in the form body (`client_secret_post`).
    Post,
}

/// A cached access token.
struct Token {
    secret: Secret,
    /// When to fetch a new one (`None`: the endpoint sent no `expires_in`;
    /// kept until the API rejects it).
    refresh_at: Option<Instant>,
}

/// Fetches access tokens with the OAuth2 client-credentials grant and
/// caches them: install it with the builder's `…_provider` method of an
/// OAuth2 scheme (the generated module has the spec's token URL as a
/// `…_TOKEN_URL` constant):
///
/// ```text
/// let tokens = OAuth2ClientCredentials::new(OAUTH_TOKEN_URL, client_id, client_secret).scopes(["read"]);
/// let client = Client::builder().oauth_provider(tokens).build()?;
/// ```
///
/// - The token request is a POST of `grant_type=client_credentials` (and
///   `scope`, when scopes are set) with the client id and secret as HTTP
///   basic credentials (form-urlencoded first, as RFC 6749 §2.3.1 says), or
///   in the body after [`client_secret_post`](Self::client_secret_post).
/// - A token is reused until `expires_in` minus a margin (the smaller of
///   30 s and a tenth of its lifetime; see
///   [`refresh_before`](Self::refresh_before)); a token without
///   `expires_in` is reused until the API rejects it with a 401.
/// - Concurrent calls that find no fresh token wait for one token request.
/// - The token endpoint gets no redirects followed (a 3xx is an error, so
///   the secret never goes elsewhere), its answer is read up to 64 KiB
///   ([`DEFAULT_MAX_ERROR_BODY_BYTES`](super::DEFAULT_MAX_ERROR_BODY_BYTES)),
///   and the request times out after 30 s
///   ([`DEFAULT_TIMEOUT`](super::DEFAULT_TIMEOUT), see
///   [`timeout`](Self::timeout)) — and within the call's own timeout.
/// - Failures are [`CredentialError`]s: an `{"error": "invalid_client"}`
///   answer keeps its code ([`CredentialError::oauth2_error`]); connection
///   failures, timeouts, 408, 429 and 5xx answers are retryable. The client
///   secret never appears in them, nor in `Debug`.
///
/// Share one provider between clients by wrapping it in an `Arc`.
pub struct OAuth2ClientCredentials {
    token_url: String,
    client_id: String,
    client_secret: Secret,
    scopes: Vec<String>,
    params: Vec<(String, String)>,
    auth: ClientAuth,
    timeout: Duration,
    refresh_before: Option<Duration>,
    http: OnceLock<Result<reqwest::Client, String>>,
    cached: Mutex<Option<Token>>,
    /// Held by the one call fetching a token; the others wait on it.
    refresh: futures::lock::Mutex<()>,
}

impl fmt::Debug for OAuth2ClientCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cached = self.lock_cache().is_some();
        f.debug_struct("OAuth2ClientCredentials")
            .field("token_url", &redact_text(&self.token_url, &[]))
            .field("client_id", &self.client_id)
            .field("client_secret", &"<redacted>")
            .field("scopes", &self.scopes)
            .field("auth", &self.auth)
            .field("timeout", &self.timeout)
            .field("token_cached", &cached)
            .finish_non_exhaustive()
    }
}

impl OAuth2ClientCredentials {
    /// A provider asking `token_url` (absolute) for tokens as `client_id`
    /// with `client_secret`, without scopes.
    pub fn new(token_url: impl Into<String>, client_id: impl Into<String>, client_secret: impl Into<String>) -> Self {
        OAuth2ClientCredentials {
            token_url: token_url.into(),
            client_id: client_id.into(),
            client_secret: Secret::new(client_secret),
            scopes: Vec::new(),
            params: Vec::new(),
            auth: ClientAuth::Basic,
            timeout: DEFAULT_TIMEOUT,
            refresh_before: None,
            http: OnceLock::new(),
            cached: Mutex::new(None),
            refresh: futures::lock::Mutex::new(()),
        }
    }

    /// Asks for these scopes (sent space-separated as `scope`).
    pub fn scopes<S: Into<String>>(mut self, scopes: impl IntoIterator<Item = S>) -> Self {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// Sends one more form parameter with the token request (`audience`,
    /// `resource`, …).
    pub fn param(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.params.push((name.into(), value.into()));
        self
    }

    /// Sends the client id and secret in the form body
    /// (`client_secret_post`) instead of as HTTP basic credentials.
    pub fn client_secret_post(mut self) -> Self {
        self.auth = ClientAuth::Post;
        self
    }

    /// Fails a token request that takes longer than `timeout` (default:
    /// 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Fetches a new token `margin` before the current one expires
    /// (default: the smaller of 30 s and a tenth of the token's lifetime).
    pub fn refresh_before(mut self, margin: Duration) -> Self {
        self.refresh_before = Some(margin);
        self
    }

    /// Sends token requests with a client built from `http` (proxies, TLS
    /// roots); redirects are still not followed, and `Referer` not sent.
    pub fn http_client(mut self, http: reqwest::ClientBuilder) -> Self {
        let built = http.redirect(reqwest::redirect::Policy::none()).referer(false).build().map_err(|error| error.to_string());
        self.http = OnceLock::from(built);
        self
    }

    fn lock_cache(&self) -> std::sync::MutexGuard<'_, Option<Token>> {
        match self.cached.lock() {
            Ok(cached) => cached,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    /// The cached token, if it is not due for a refresh.
    fn fresh(&self) -> Option<Secret> {
        let cached = self.lock_cache();
        let token = cached.as_ref()?;
        match token.refresh_at {
            Some(at) if Instant::now() >= at => None,
            _ => Some(token.secret.clone()),
        }
    }

    fn http(&self) -> Result<&reqwest::Client, CredentialError> {
        let built = self.http.get_or_init(|| {
            reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .referer(false)
                .connect_timeout(DEFAULT_CONNECT_TIMEOUT)
                .build()
                .map_err(|error| error.to_string())
        });
        built.as_ref().map_err(|message| CredentialError::new(format!("the HTTP client for the token endpoint: {message}")))
    }

    /// `text` from the token endpoint made fit to show: the client secret
    /// replaced, control characters removed, at most 200 characters.
    fn clean(&self, text: &str) -> String {
        let secret = self.client_secret.expose();
        let text = if secret.is_empty() { text.to_owned() } else { text.replace(secret, "<redacted>") };
        truncate(&text, 200).chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
    }

    /// One token request.
    async fn fetch(&self) -> Result<Token, CredentialError> {
        let shown_url = redact_text(&self.token_url, &[]);
        let http = self.http()?;
        let mut form: Vec<(&str, &str)> = vec![("grant_type", "client_credentials")];
        let scope = self.scopes.join(" ");
        if !scope.is_empty() {
            form.push(("scope", &scope));
        }
        form.extend(self.params.iter().map(|(name, value)| (name.as_str(), value.as_str())));
        let mut request = http.post(&self.token_url).header(reqwest::header::ACCEPT, "application/json").timeout(self.timeout);
        match self.auth {
            ClientAuth::Basic => {
                let encode = |text: &str| percent_encoding::utf8_percent_encode(text, FORM).to_string();
                request = request.basic_auth(encode(&self.client_id), Some(encode(self.client_secret.expose())));
            }
            ClientAuth::Post => {
                form.push(("client_id", &self.client_id));
                form.push(("client_secret", self.client_secret.expose()));
            }
        }
        let transport = |error: reqwest::Error| {
            let retryable = error.is_connect() || error.is_timeout();
            CredentialError::new(format!("the token request to `{shown_url}` failed")).with_source(error.without_url()).retryable(retryable)
        };
        let mut response = request.form(&form).send().await.map_err(transport)?;
        let status = response.status();
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(transport)? {
            if body.len() + chunk.len() > DEFAULT_MAX_ERROR_BODY_BYTES {
                return Err(CredentialError::new(format!(
                    "the token endpoint `{shown_url}` answered {status} with more than {DEFAULT_MAX_ERROR_BODY_BYTES} bytes"
                ))
                .endpoint_answer(status, None));
            }
            body.extend_from_slice(&chunk);
        }
        let json: Option<serde_json::Map<String, serde_json::Value>> = serde_json::from_slice(&body).ok();
        let field = |name: &str| json.as_ref().and_then(|json| json.get(name)).and_then(serde_json::Value::as_str);
        if !status.is_success() {
            let code = field("error").map(|code| self.clean(code));
            let mut message = format!("the token endpoint `{shown_url}` answered {status}");
            if let Some(code) = &code {
                message.push_str(&format!(": {code}"));
                if let Some(description) = field("error_description") {
                    message.push_str(&format!(" ({})", self.clean(description)));
                }
            }
            let retryable = status.is_server_error() || matches!(status, StatusCode::REQUEST_TIMEOUT | StatusCode::TOO_MANY_REQUESTS);
            return Err(CredentialError::new(message).retryable(retryable).endpoint_answer(status, code));
        }
        let invalid = |what: &str| {
            CredentialError::new(format!("the token endpoint `{shown_url}` answered {status} {what}")).endpoint_answer(status, None)
        };
        let token = match field("access_token") {
            Some(token) if !token.is_empty() => token,
            _ => return Err(invalid("without an `access_token`")),
        };
        if let Some(kind) = field("token_type")
            && !kind.eq_ignore_ascii_case("bearer")
        {
            return Err(invalid(&format!("with a token of type `{}` (only bearer tokens are supported)", self.clean(kind))));
        }
        let expires_in = json.as_ref().and_then(|json| json.get("expires_in")).and_then(|value| match value {
            serde_json::Value::Number(number) => number.as_f64(),
            serde_json::Value::String(text) => text.trim().parse::<f64>().ok(),
            _ => None,
        });
        let refresh_at = expires_in.filter(|seconds| seconds.is_finite() && *seconds >= 0.0).map(|seconds| {
            let lifetime = Duration::from_secs_f64(seconds.min(1e9));
            let margin = self.refresh_before.unwrap_or_else(|| (lifetime / 10).min(Duration::from_secs(30)));
            Instant::now() + lifetime.saturating_sub(margin)
        });
        Ok(Token { secret: Secret::new(token), refresh_at })
    }
}

/// What `application/x-www-form-urlencoded` leaves as it is.
const FORM: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC.remove(b'*').remove(b'-').remove(b'.').remove(b'_');

impl CredentialProvider for OAuth2ClientCredentials {
    fn credential(&self) -> BoxFuture<'_, Result<Secret, CredentialError>> {
        Box::pin(async move {
            if let Some(token) = self.fresh() {
                return Ok(token);
            }
            // One request for everyone who found no fresh token: the first
            // fetches, the others find its token once they get the lock (a
            // fetch whose call is dropped releases it to the next).
            let _refreshing = self.refresh.lock().await;
            if let Some(token) = self.fresh() {
                return Ok(token);
            }
            let token = self.fetch().await?;
            let secret = token.secret.clone();
            *self.lock_cache() = Some(token);
            Ok(secret)
        })
    }

    fn invalidate(&self, rejected: &Secret) {
        let mut cached = self.lock_cache();
        if cached.as_ref().is_some_and(|token| &token.secret == rejected) {
            *cached = None;
        }
    }
}
