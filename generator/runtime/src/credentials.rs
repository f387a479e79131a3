//! Credentials that can change: a [`CredentialProvider`] per security
//! scheme, asked before every attempt (so a retried attempt, and the one
//! re-sent after a 401, gets a refreshed token), and the secret it returns.
//! Provider credentials are kept with the static ones (`request.rs`), so
//! they obey the same origin rules and redaction.

use std::fmt;
use std::future::Future;
use std::sync::Arc;

use futures::future::BoxFuture;

/// A credential value: a token, an API key. `Debug` shows `<redacted>`;
/// there is no `Display`. Cheap to clone.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Arc<str>);

impl Secret {
    /// Wraps `value`.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(Arc::from(value.into()))
    }

    /// The value, to be sent.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret::new(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret::new(value)
    }
}

/// Why a [`CredentialProvider`] has no credential; a call fails with it as
/// [`Error::Credential`](super::Error::Credential). Not retried unless the
/// provider marks it [`retryable`](Self::retryable) (the client's retry
/// policy then retries the call as it retries a connection failure).
///
/// `Display` shows the message; `source()` the cause, if any. Neither may
/// contain the secret: providers build messages without it (the OAuth2
/// provider replaces its client secret with `<redacted>` in whatever the
/// token endpoint answered).
#[derive(Debug)]
pub struct CredentialError {
    message: String,
    oauth2_error: Option<String>,
    status: Option<super::StatusCode>,
    retryable: bool,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl CredentialError {
    /// An error with `message` (no secrets in it), not retryable.
    pub fn new(message: impl Into<String>) -> Self {
        CredentialError { message: message.into(), oauth2_error: None, status: None, retryable: false, source: None }
    }

    /// Keeps `source` as the cause, returned by `source()`.
    pub fn with_source(mut self, source: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        self.source = Some(source.into());
        self
    }

    /// Marks the error as worth another attempt (a token endpoint that
    /// could not be reached, or answered 5xx).
    pub fn retryable(mut self, retryable: bool) -> Self {
        self.retryable = retryable;
        self
    }

    /// True when another attempt may succeed.
    pub fn is_retryable(&self) -> bool {
        self.retryable
    }

    /// The OAuth2 `error` code the token endpoint answered with
    /// (`invalid_client`, `invalid_scope`, …), if any.
    pub fn oauth2_error(&self) -> Option<&str> {
        self.oauth2_error.as_deref()
    }

    /// The status the token endpoint answered with, if it answered.
    pub fn status(&self) -> Option<super::StatusCode> {
        self.status
    }

    pub(crate) fn endpoint_answer(mut self, status: super::StatusCode, oauth2_error: Option<String>) -> Self {
        self.status = Some(status);
        self.oauth2_error = oauth2_error;
        self
    }
}

impl fmt::Display for CredentialError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CredentialError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_deref().map(|source| source as &(dyn std::error::Error + 'static))
    }
}

/// Supplies the credential of one security scheme; installed with the
/// builder's `…_provider` method of that scheme. The client asks
/// [`credential`](Self::credential) before every attempt of every call that
/// sends the scheme — cache what you return (the ready-made
/// [`OAuth2ClientCredentials`](super::OAuth2ClientCredentials) does), as
/// concurrent calls ask concurrently. When the server answers 401 to a
/// request that carried the credential, the client calls
/// [`invalidate`](Self::invalidate) with it and, unless the builder's
/// `retry_unauthorized(false)` turned it off, asks again and sends the
/// request once more.
///
/// Object-safe and implemented by `Arc<P>`, so one provider can be shared
/// by several clients:
///
/// ```text
/// struct FromVault(Vault);
///
/// impl CredentialProvider for FromVault {
///     fn credential(&self) -> BoxFuture<'_, Result<Secret, CredentialError>> {
///         Box::pin(async move {
///             let token = self.0.read("api-token").await.map_err(|e| CredentialError::new("vault").with_source(e))?;
///             Ok(Secret::new(token))
///         })
///     }
/// }
/// ```
pub trait CredentialProvider: Send + Sync + 'static {
    /// The credential to send now (a bearer token without `Bearer `, an
    /// API key).
    fn credential(&self) -> BoxFuture<'_, Result<Secret, CredentialError>>;

    /// The server rejected `rejected` (401): forget it if it is still the
    /// one you would return. Does nothing by default.
    fn invalidate(&self, rejected: &Secret) {
        let _ = rejected;
    }
}

impl<P: CredentialProvider + ?Sized> CredentialProvider for Arc<P> {
    fn credential(&self) -> BoxFuture<'_, Result<Secret, CredentialError>> {
        (**self).credential()
    }

    fn invalidate(&self, rejected: &Secret) {
        (**self).invalidate(rejected)
    }
}

/// A provider made of an async function (see [`credential_fn`]).
pub struct CredentialFn<F>(F);

impl<F> fmt::Debug for CredentialFn<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CredentialFn")
    }
}

/// A provider that calls `f` for every credential (it never invalidates
/// anything): `credential_fn(|| async { Ok(Secret::new(read_token()?)) })`.
pub fn credential_fn<F, Fut>(f: F) -> CredentialFn<F>
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<Secret, CredentialError>> + Send + 'static,
{
    CredentialFn(f)
}

impl<F, Fut> CredentialProvider for CredentialFn<F>
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<Secret, CredentialError>> + Send + 'static,
{
    fn credential(&self) -> BoxFuture<'_, Result<Secret, CredentialError>> {
        Box::pin((self.0)())
    }
}

/// A security scheme's credential as the generated client keeps it: a
/// value set once, or a provider asked before every attempt.
#[doc(hidden)]
#[derive(Clone)]
pub enum Credential {
    /// Set with the scheme's builder method.
    Static(String),
    /// Set with the scheme's `…_provider` builder method.
    Provider(Arc<dyn CredentialProvider>),
}

impl Credential {
    /// Boxes `provider`.
    pub fn provider(provider: impl CredentialProvider) -> Self {
        Credential::Provider(Arc::new(provider))
    }
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credential::Static(_) => f.write_str("<redacted>"),
            Credential::Provider(_) => f.write_str("<provider>"),
        }
    }
}

impl From<&str> for Credential {
    fn from(value: &str) -> Self {
        Credential::Static(value.to_owned())
    }
}

impl From<&String> for Credential {
    fn from(value: &String) -> Self {
        Credential::Static(value.clone())
    }
}

impl From<String> for Credential {
    fn from(value: String) -> Self {
        Credential::Static(value)
    }
}

impl From<&Credential> for Credential {
    fn from(value: &Credential) -> Self {
        value.clone()
    }
}
