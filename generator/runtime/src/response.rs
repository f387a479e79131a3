//! Responses: read in chunks up to the client's limits, decoded, and handed
//! to the caller with their status and headers.

use std::ops::{Deref, DerefMut};

use super::core::Limits;
use super::redact::transport;
use super::{DecodeError, Error, HeaderMap, StatusCode, StatusError};

/// A response as it arrived, before its body is read (generated code
/// decodes it with [`json`], [`text`], [`bytes`], [`empty`] or
/// [`status_error`]).
#[doc(hidden)]
#[derive(Debug)]
pub struct RawResponse {
    inner: reqwest::Response,
    limits: Limits,
    redaction: Vec<String>,
}

impl RawResponse {
    pub(crate) fn new(inner: reqwest::Response, limits: Limits, redaction: Vec<String>) -> Self {
        Self { inner, limits, redaction }
    }

    /// The response status.
    pub fn status(&self) -> StatusCode {
        self.inner.status()
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        self.inner.headers()
    }

    /// Takes the headers out (a stream keeps them apart from the body).
    pub(crate) fn take_headers(&mut self) -> HeaderMap {
        std::mem::take(self.inner.headers_mut())
    }

    pub(crate) fn limits(&self) -> Limits {
        self.limits
    }

    /// The names of credential query parameters, for redacting URLs.
    pub(crate) fn redaction(&self) -> &[String] {
        &self.redaction
    }

    /// The next chunk of the body (`None` at its end).
    pub(crate) async fn chunk(&mut self) -> reqwest::Result<Option<bytes::Bytes>> {
        self.inner.chunk().await
    }

    /// Reads the body, at most `limit` bytes; the flag says whether it was
    /// longer (and cut).
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
    async fn success_body<E>(self) -> Result<(StatusCode, HeaderMap, Vec<u8>), Error<E>> {
        let limit = self.limits.body;
        let (status, headers, body, truncated) = self.read(limit).await?;
        if truncated {
            return Err(Error::BodyTooLarge { status, limit });
        }
        Ok((status, headers, body))
    }
}

/// A successful call's value together with the response's status and
/// headers. Derefs to the value, so `response.field` and `&response[..]`
/// work as on the value itself; `H` holds the headers the spec documents,
/// typed (see [`Response::typed_headers`]).
#[derive(Debug, Clone)]
pub struct Response<T, H = ()> {
    status: StatusCode,
    headers: HeaderMap,
    value: T,
    typed: H,
}

impl<T> Response<T> {
    /// A response holding `value`.
    pub fn new(status: StatusCode, headers: HeaderMap, value: T) -> Self {
        Self { status, headers, value, typed: () }
    }

    /// Parses the documented headers into `H`.
    #[doc(hidden)]
    pub fn with_typed_headers<H: FromHeaders>(self) -> Response<T, H> {
        let typed = H::from_headers(&self.headers);
        Response { status: self.status, headers: self.headers, value: self.value, typed }
    }
}

impl<T, H> Response<T, H> {
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// All response headers (rate-limit counters, `Link`, `ETag`, …).
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The headers the spec documents for this response, typed.
    pub fn typed_headers(&self) -> &H {
        &self.typed
    }

    /// The value, without status and headers.
    pub fn into_inner(self) -> T {
        self.value
    }

    /// Status, headers and value.
    pub fn into_parts(self) -> (StatusCode, HeaderMap, T) {
        (self.status, self.headers, self.value)
    }

    /// The same response with its value mapped by `f`.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Response<U, H> {
        Response { status: self.status, headers: self.headers, value: f(self.value), typed: self.typed }
    }
}

impl<T, H> Deref for Response<T, H> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T, H> DerefMut for Response<T, H> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.value
    }
}

/// A response equals a value when its value does (status and headers
/// aside): `assert_eq!(client.get_pet(1).await?, expected_pet)`.
impl<T: PartialEq, H> PartialEq<T> for Response<T, H> {
    fn eq(&self, other: &T) -> bool {
        self.value == *other
    }
}

/// Typed response headers, parsed from the header map; a header that is
/// missing or does not parse is `None`.
pub trait FromHeaders: Sized {
    /// Parses the headers.
    fn from_headers(headers: &HeaderMap) -> Self;
}

impl FromHeaders for () {
    fn from_headers(_: &HeaderMap) -> Self {}
}

/// Header `name` as a `T` (`style: simple`): numbers and booleans as
/// written, strings as they are, arrays from comma-separated values.
/// `None` when missing or when it does not parse as `T`.
pub fn header_value<T: serde::de::DeserializeOwned>(headers: &HeaderMap, name: &str) -> Option<T> {
    let text = headers.get(name)?.to_str().ok()?.trim();
    let scalar = |text: &str| {
        serde_json::from_str::<serde_json::Value>(text)
            .ok()
            .filter(|value| !value.is_object() && !value.is_array() && !value.is_string())
            .unwrap_or_else(|| serde_json::Value::String(text.to_owned()))
    };
    serde_json::from_value(scalar(text)).ok().or_else(|| {
        let items = text.split(',').map(|item| scalar(item.trim())).collect();
        serde_json::from_value(serde_json::Value::Array(items)).ok()
    })
}

/// Reads and discards a success body the spec documents as empty (so the
/// connection can be reused), within the body limit.
pub async fn empty<E>(response: RawResponse) -> Result<Response<()>, Error<E>> {
    let (status, headers, _) = response.success_body().await?;
    Ok(Response::new(status, headers, ()))
}

/// Decodes a JSON success body, reporting the JSON path that failed.
pub async fn json<T: serde::de::DeserializeOwned, E>(response: RawResponse) -> Result<Response<T>, Error<E>> {
    let (status, headers, body) = response.success_body().await?;
    match decode_json(&body) {
        Ok(value) => Ok(Response::new(status, headers, value)),
        Err((path, source)) => Err(Error::Decode(Box::new(DecodeError { status, path, item: None, body, source }))),
    }
}

/// Decodes JSON at full speed; only when that fails is the input read again
/// with path tracking, so the error names the JSON path that failed (the
/// second reading fails at the same place with the same message).
pub fn decode_json<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, (String, serde_json::Error)> {
    match serde_json::from_slice(body) {
        Ok(value) => Ok(value),
        Err(plain) => {
            let deserializer = &mut serde_json::Deserializer::from_slice(body);
            match serde_path_to_error::deserialize::<_, T>(deserializer) {
                Err(error) => Err((error.path().to_string(), error.into_inner())),
                // What the path-tracking reading accepts and the plain one
                // refused is trailing input after the value.
                Ok(_) => Err((".".to_owned(), plain)),
            }
        }
    }
}

/// Decodes one variant of a tagged union from its JSON value (the tag has
/// chosen it); a failure inside names its JSON path, relative to the union.
pub fn union_variant<T: serde::de::DeserializeOwned, E: serde::de::Error>(value: serde_json::Value) -> Result<T, E> {
    serde_path_to_error::deserialize(value).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        if path == "." { E::custom(inner) } else { E::custom(format_args!("{path}: {inner}")) }
    })
}

/// [`union_variant`] for a variant whose type leaves the discriminator to
/// the union: the `tag` property is taken out first (it is not a field of
/// the variant, and would otherwise land in its additional properties).
pub fn union_variant_untagged<T: serde::de::DeserializeOwned, E: serde::de::Error>(
    mut value: serde_json::Value,
    tag: &str,
) -> Result<T, E> {
    if let Some(object) = value.as_object_mut() {
        object.shift_remove(tag);
    }
    union_variant(value)
}

/// Serializes a variant of a tagged union whose type leaves the
/// discriminator to the union: `tag: value` first, then the variant's own
/// properties — written straight through, as serde's internally tagged
/// derive does (no intermediate `serde_json::Value`).
pub fn serialize_tagged<S: serde::Serializer, T: serde::Serialize>(
    serializer: S,
    tag: &'static str,
    value: &'static str,
    variant: &T,
) -> Result<S::Ok, S::Error> {
    variant.serialize(TaggedSerializer { delegate: serializer, tag, value })
}

/// A serializer that writes `tag: value` before the properties of the
/// struct or map it is given (anything else is an error: a tagged union's
/// variants are objects).
struct TaggedSerializer<S> {
    delegate: S,
    tag: &'static str,
    value: &'static str,
}

impl<S: serde::Serializer> TaggedSerializer<S> {
    fn not_an_object(&self, what: &str) -> S::Error {
        serde::ser::Error::custom(format_args!("a variant of a union tagged by `{}` must be an object, not {what}", self.tag))
    }
}

macro_rules! not_an_object {
    ($($method:ident($($argument:ty),*) $what:literal;)*) => {
        $(
            fn $method(self, $(_: $argument),*) -> Result<S::Ok, S::Error> {
                Err(self.not_an_object($what))
            }
        )*
    };
}

impl<S: serde::Serializer> serde::Serializer for TaggedSerializer<S> {
    type Ok = S::Ok;
    type Error = S::Error;
    type SerializeSeq = serde::ser::Impossible<S::Ok, S::Error>;
    type SerializeTuple = serde::ser::Impossible<S::Ok, S::Error>;
    type SerializeTupleStruct = serde::ser::Impossible<S::Ok, S::Error>;
    type SerializeTupleVariant = serde::ser::Impossible<S::Ok, S::Error>;
    type SerializeMap = S::SerializeMap;
    type SerializeStruct = S::SerializeStruct;
    type SerializeStructVariant = serde::ser::Impossible<S::Ok, S::Error>;

    not_an_object! {
        serialize_bool(bool) "a boolean";
        serialize_i8(i8) "a number";
        serialize_i16(i16) "a number";
        serialize_i32(i32) "a number";
        serialize_i64(i64) "a number";
        serialize_u8(u8) "a number";
        serialize_u16(u16) "a number";
        serialize_u32(u32) "a number";
        serialize_u64(u64) "a number";
        serialize_f32(f32) "a number";
        serialize_f64(f64) "a number";
        serialize_char(char) "a string";
        serialize_str(&str) "a string";
        serialize_bytes(&[u8]) "bytes";
        serialize_none() "null";
        serialize_unit() "null";
        serialize_unit_struct(&'static str) "null";
        serialize_unit_variant(&'static str, u32, &'static str) "a string";
    }

    fn serialize_some<T: serde::Serialize + ?Sized>(self, value: &T) -> Result<S::Ok, S::Error> {
        value.serialize(self)
    }

    fn serialize_newtype_struct<T: serde::Serialize + ?Sized>(self, _: &'static str, value: &T) -> Result<S::Ok, S::Error> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: serde::Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<S::Ok, S::Error> {
        Err(self.not_an_object("an enum"))
    }

    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, S::Error> {
        Err(self.not_an_object("an array"))
    }

    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, S::Error> {
        Err(self.not_an_object("an array"))
    }

    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeTupleStruct, S::Error> {
        Err(self.not_an_object("an array"))
    }

    fn serialize_tuple_variant(self, _: &'static str, _: u32, _: &'static str, _: usize) -> Result<Self::SerializeTupleVariant, S::Error> {
        Err(self.not_an_object("an enum"))
    }

    fn serialize_map(self, len: Option<usize>) -> Result<S::SerializeMap, S::Error> {
        use serde::ser::SerializeMap as _;
        let mut map = self.delegate.serialize_map(len.map(|len| len + 1))?;
        map.serialize_entry(self.tag, self.value)?;
        Ok(map)
    }

    fn serialize_struct(self, name: &'static str, len: usize) -> Result<S::SerializeStruct, S::Error> {
        use serde::ser::SerializeStruct as _;
        let mut state = self.delegate.serialize_struct(name, len + 1)?;
        state.serialize_field(self.tag, self.value)?;
        Ok(state)
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, S::Error> {
        Err(self.not_an_object("an enum"))
    }
}

/// Reads a text success body.
pub async fn text<E>(response: RawResponse) -> Result<Response<String>, Error<E>> {
    let (status, headers, body) = response.success_body().await?;
    let text = match String::from_utf8(body) {
        Ok(text) => text,
        Err(error) => String::from_utf8_lossy(error.as_bytes()).into_owned(),
    };
    Ok(Response::new(status, headers, text))
}

/// Reads a binary success body.
pub async fn bytes<E>(response: RawResponse) -> Result<Response<Vec<u8>>, Error<E>> {
    let (status, headers, body) = response.success_body().await?;
    Ok(Response::new(status, headers, body))
}

/// Turns a non-success response into [`Error::Status`], keeping at most the
/// error body limit and decoding it with `parse` (which sees the status)
/// when it was read whole.
pub async fn status_error<E>(response: RawResponse, parse: impl FnOnce(StatusCode, &[u8]) -> Option<E>) -> Error<E> {
    let limit = response.limits.error_body;
    match response.read::<()>(limit).await {
        Ok((status, headers, body, truncated)) => {
            let parsed = if truncated { None } else { parse(status, &body) };
            Error::Status(Box::new(StatusError { status, headers, body, truncated, parsed }))
        }
        Err(error) => error.retype(),
    }
}

/// Decodes an error body as JSON `E`, whatever the status (the
/// [`ParseError`](super::request::ParseError) of operations with one error
/// type), or `None` when it does not match.
pub fn error_json<E: serde::de::DeserializeOwned>(_status: StatusCode, body: &[u8]) -> Option<E> {
    parse_json(body)
}

/// Decodes an error body as JSON `T`, or `None` when it does not match.
pub fn parse_json<T: serde::de::DeserializeOwned>(body: &[u8]) -> Option<T> {
    serde_json::from_slice(body).ok()
}
