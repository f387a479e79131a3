//! Support code shared by every generated API module: the HTTP core and its
//! builder, request building (parameter styles, credentials, bodies),
//! redirects, retries, hooks, bounded response reading and decoding,
//! pagination, and the error type.
//!
//! Hand-written, and compiled and tested as a crate of its own in the
//! generator's workspace; the generator copies these files verbatim into
//! every generated crate as its `runtime` module. What generated code calls
//! and users have no need of lives in the hidden module `__private`.
//!
//! Servers are untrusted: redirects are followed by this module (never by
//! `reqwest`), and credentials are dropped as soon as a redirect or a
//! pagination link leaves the origin (scheme, host, port) they were
//! configured for — static ones and those a [`CredentialProvider`] supplies
//! alike; `Referer` is never sent; every body is read in chunks up
//! to a limit; URLs in errors and `Debug` output have credential query
//! values replaced by `<redacted>`.

mod core;
mod credentials;
mod error;
mod examples;
mod framing;
mod hooks;
#[cfg(feature = "mock")]
pub mod mock;
mod multipart;
#[doc(hidden)]
pub mod names;
mod oauth2;
mod object;
mod paginate;
mod params;
mod redact;
mod request;
mod response;
mod retry;
mod stream;
mod union;

use std::time::Duration;

pub use futures;
pub use reqwest;
pub use reqwest::{Method, StatusCode, header::HeaderMap};

pub use bytes::Bytes;
pub use credentials::{CredentialError, CredentialFn, CredentialProvider, Secret, credential_fn};
#[allow(deprecated)]
pub use error::ApiError;
pub use error::{DecodeError, Error, HookError, StatusError, TransportError};
pub use hooks::{Attempt, Hook};
pub use multipart::FilePart;
pub use oauth2::OAuth2ClientCredentials;
pub use paginate::PageStream;
pub use request::Call;
pub use response::Response;
pub use retry::RetryPolicy;
pub use stream::{Event, ResponseStream};

/// What generated code calls, and nothing a user needs: one module, so the
/// runtime's public API (above) is all that its root and its documentation
/// show.
#[doc(hidden)]
pub mod __private {
    pub use super::core::{Core, CoreBuilder};
    pub use super::credentials::Credential;
    pub use super::examples::{argument, conformance_check, conformance_url, decodes, round_trip};
    pub use super::framing::Framing;
    pub use super::multipart::Multipart;
    pub use super::object::{
        FieldIndex, FromObject, Key, MapWriter, RestSlot, Sink, Slot, StructWriter, Text, deserialize_object, double_option, missing,
        moved, read_object,
    };
    pub use super::paginate::{Pagination, items, pages};
    pub use super::params::{PathPart, PathStyle, QueryStyle, encode_path, path_param};
    pub use super::request::{ParseError, Request};
    pub use super::response::{
        FromHeaders, RawResponse, bytes, decode_json, empty, error_json, header_value, json, parse_json, serialize_tagged, status_error,
        text, union_variant, union_variant_untagged,
    };
    pub use super::stream::{item_bytes, item_json, item_text};
    pub use super::union::{Buffered, BufferedRef, TryVariant, Variant, buffered_json, deserialize_untagged, tag_of, tagged_variant};
}

/// Total time a call may take — connecting, redirects, retries with their
/// waits, and reading the body — unless changed with the builder.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// Time allowed to establish a connection unless changed with the builder.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Largest success body read unless changed with the builder (32 MiB).
pub const DEFAULT_MAX_BODY_BYTES: usize = 32 * 1024 * 1024;

/// How long a streamed response body may send nothing before the stream
/// fails, unless changed with the builder (60 s).
pub const DEFAULT_STREAM_IDLE_TIMEOUT: Duration = Duration::from_secs(60);

/// Largest item of a streamed body — one server-sent event, one line —
/// unless changed with the builder (16 MiB).
pub const DEFAULT_MAX_STREAM_ITEM_BYTES: usize = 16 * 1024 * 1024;

/// Largest error body kept in [`StatusError::body`] (64 KiB); the rest is
/// not read.
pub const DEFAULT_MAX_ERROR_BODY_BYTES: usize = 64 * 1024;

/// Redirects followed before the last 3xx response is returned as it is.
pub const MAX_REDIRECTS: usize = 10;
