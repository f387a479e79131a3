//! The method names every generated `Client` and `ClientBuilder` already
//! has: the runtime's macros ([`__client_methods!`](crate::__client_methods),
//! [`__client_builder_methods!`](crate::__client_builder_methods)) define
//! most, the emitted client the rest. Defined once, here: the generator
//! includes this file and keeps operations and security schemes off these
//! names (and its `validate` pass refuses an IR that uses one), and a test
//! of this crate checks the lists against the macros.

/// Methods of every generated `Client`, and its field (an operation named
/// `core` would make `self.core` ambiguous to readers).
pub const CLIENT_METHODS: &[&str] = &[
    // `__client_methods!`
    "base_url",
    "with_retry",
    "with_idempotency_key",
    // the emitted client, and what it derives (an inherent `clone` would
    // shadow `Clone::clone` for every caller)
    "builder",
    "new",
    "core",
    "clone",
    "fmt",
];

/// Methods of every generated `ClientBuilder`, and its field.
pub const BUILDER_METHODS: &[&str] = &[
    // `__client_builder_methods!`
    "base_url",
    "timeout",
    "no_timeout",
    "attempt_timeout",
    "connect_timeout",
    "stream_idle_timeout",
    "no_stream_idle_timeout",
    "max_stream_item_bytes",
    "max_body_bytes",
    "max_error_body_bytes",
    "http_client",
    "user_agent",
    "retry",
    "hook",
    "retry_unauthorized",
    // the emitted builder
    "build",
    "server_variable",
    "core",
];
