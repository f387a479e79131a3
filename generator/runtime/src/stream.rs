//! Streamed success bodies: server-sent events, lines and byte chunks,
//! decoded item by item as they arrive ([`ResponseStream`]).

use std::collections::VecDeque;
use std::fmt;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use futures::stream::{BoxStream, Stream, StreamExt as _};

use super::framing::{Frame, Framer, Framing};
use super::redact::transport;
use super::response::RawResponse;
use super::{DecodeError, Error, HeaderMap, StatusCode, TransportError};

/// Decodes one item's bytes: `Err((path, error))` names where inside it
/// decoding failed.
type DecodeItem<T> = Box<dyn Fn(Frame) -> Result<T, (String, serde_json::Error)> + Send + Sync>;

/// A successful response whose body arrives as a stream of items: the
/// events of a server-sent event stream, the lines of an NDJSON body, or
/// the chunks of a download, each decoded as it arrives.
///
/// Status and headers are there at once; the items follow as the server
/// sends them. Use it with [`futures::TryStreamExt`]:
///
/// ```text
/// while let Some(item) = stream.try_next().await? { … }
/// ```
///
/// The client's total timeout bounded the request up to this response's
/// head; the body is bounded by the idle timeout (no byte for that long
/// fails the stream) and, for events and lines, by the largest item
/// allowed. An item that fails to decode is an [`Error::Decode`] naming
/// the item (1 for the first) and the path inside it; the stream goes on
/// after it. A transport error, an idle timeout or an oversized item ends
/// the stream. Dropping the stream closes the connection.
pub struct ResponseStream<T, E, H = ()> {
    status: StatusCode,
    headers: HeaderMap,
    typed: H,
    frames: BoxStream<'static, Result<Frame, Error<()>>>,
    decode: DecodeItem<T>,
    /// Items read so far.
    count: usize,
    error: PhantomData<fn() -> E>,
}

impl<T, E, H> fmt::Debug for ResponseStream<T, E, H> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseStream")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("items_read", &self.count)
            .finish_non_exhaustive()
    }
}

impl<T, E, H> ResponseStream<T, E, H> {
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// All response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The headers the spec documents for this response, typed.
    pub fn typed_headers(&self) -> &H {
        &self.typed
    }

    /// The same stream, each item given with the server-sent event that
    /// carried it (its event type, last event ID and `retry`); for lines
    /// and chunks those are the defaults.
    pub fn with_events(self) -> ResponseStream<Event<T>, E, H>
    where
        T: 'static,
    {
        let decode = self.decode;
        ResponseStream {
            status: self.status,
            headers: self.headers,
            typed: self.typed,
            frames: self.frames,
            decode: Box::new(move |frame| {
                let (event, id, retry) = (frame.event.clone(), frame.id.clone(), frame.retry);
                decode(frame).map(|data| Event::new(event, id, retry, data))
            }),
            count: self.count,
            error: PhantomData,
        }
    }

    /// The same stream, undecoded: each event (or line) with its data as
    /// text, for events the spec does not describe.
    pub fn raw_events(self) -> ResponseStream<Event<String>, E, H> {
        ResponseStream {
            status: self.status,
            headers: self.headers,
            typed: self.typed,
            frames: self.frames,
            decode: Box::new(|frame| {
                let (event, id, retry) = (frame.event.clone(), frame.id.clone(), frame.retry);
                Ok(Event::new(event, id, retry, lossy_text(frame.data)))
            }),
            count: self.count,
            error: PhantomData,
        }
    }
}

impl<T, E, H: Unpin> Stream for ResponseStream<T, E, H> {
    type Item = Result<T, Error<E>>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        match this.frames.poll_next_unpin(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Ready(Some(Err(error))) => Poll::Ready(Some(Err(error.retype()))),
            Poll::Ready(Some(Ok(frame))) => {
                this.count += 1;
                let body = frame.data.clone();
                Poll::Ready(Some((this.decode)(frame).map_err(|(path, source)| {
                    Error::Decode(Box::new(DecodeError { status: this.status, path, item: Some(this.count), body: body.to_vec(), source }))
                })))
            }
        }
    }
}

/// A server-sent event: its type, the last event ID, the reconnection
/// time it set, and its data (decoded).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Event<T = String> {
    /// The event type (`event:`), `message` when the event names none.
    pub event: String,
    /// The last event ID the stream set (`id:`), to resume from.
    pub id: Option<String>,
    /// The reconnection time this event set (`retry:`).
    pub retry: Option<Duration>,
    /// The event's data.
    pub data: T,
}

impl<T> Event<T> {
    fn new(event: Option<String>, id: Option<String>, retry: Option<Duration>, data: T) -> Self {
        let event = event.filter(|event| !event.is_empty()).unwrap_or_else(|| "message".to_owned());
        Event { event, id, retry, data }
    }
}

fn lossy_text(data: Bytes) -> String {
    match String::from_utf8(data.into()) {
        Ok(text) => text,
        Err(error) => String::from_utf8_lossy(error.as_bytes()).into_owned(),
    }
}

/// An item decoded as JSON `T`.
#[doc(hidden)]
pub fn item_json<T: serde::de::DeserializeOwned>(data: Bytes) -> Result<T, (String, serde_json::Error)> {
    super::__private::decode_json(&data)
}

/// An item as text (invalid UTF-8 replaced).
#[doc(hidden)]
pub fn item_text(data: Bytes) -> Result<String, (String, serde_json::Error)> {
    Ok(lossy_text(data))
}

/// A chunk of a download, as it arrived (never copied).
#[doc(hidden)]
pub fn item_bytes(data: Bytes) -> Result<Bytes, (String, serde_json::Error)> {
    Ok(data)
}

/// How a generated operation decodes its stream's items: [`item_json`],
/// [`item_text`] or [`item_bytes`].
#[doc(hidden)]
pub type ItemDecoder<T> = fn(Bytes) -> Result<T, (String, serde_json::Error)>;

/// The stream of `response`'s body, cut by `framing` and decoded by
/// `decode`, with the documented headers parsed as `H`.
pub(crate) fn response_stream<T: 'static, E, H: super::__private::FromHeaders>(
    response: RawResponse,
    framing: Framing,
    decode: ItemDecoder<T>,
    idle_timeout: Option<Duration>,
) -> ResponseStream<T, E, H> {
    let (status, headers, frames) = frames(response, framing, idle_timeout);
    let typed = H::from_headers(&headers);
    let decode: DecodeItem<T> = Box::new(move |frame: Frame| decode(frame.data));
    ResponseStream { status, headers, typed, frames, decode, count: 0, error: PhantomData }
}

/// State of the frame stream: the response being read (`None` once it
/// ended, failed, or sent its `done` event: the connection is dropped),
/// the framer, the frames cut but not handed out yet, and the error to
/// hand out after them.
struct Reading {
    response: Option<RawResponse>,
    framer: Framer,
    ready: VecDeque<Frame>,
    failed: Option<Error<()>>,
    status: StatusCode,
    limit: usize,
    idle_timeout: Option<Duration>,
}

impl Reading {
    /// Reads the next chunk and cuts it into frames; the end of the body
    /// or a failure drops the response.
    async fn read(&mut self) {
        let Some(response) = self.response.as_mut() else { return };
        let next = match self.idle_timeout {
            Some(idle) => match tokio::time::timeout(idle, response.chunk()).await {
                Ok(next) => next,
                Err(_) => {
                    let what = format!("the streamed response body sent nothing for {idle:?} (see `stream_idle_timeout`)");
                    self.fail(Error::Transport(TransportError::timeout(what)));
                    return;
                }
            },
            None => response.chunk().await,
        };
        let pushed = match next {
            Ok(Some(chunk)) => self.framer.push(chunk, &mut self.ready),
            Ok(None) => {
                self.response = None;
                self.framer.finish(&mut self.ready)
            }
            Err(error) => {
                let error = transport(error, response.redaction());
                self.fail(error);
                return;
            }
        };
        if pushed.is_err() {
            self.fail(Error::ItemTooLarge { status: self.status, limit: self.limit });
        } else if self.framer.finished() {
            self.response = None;
        }
    }

    fn fail(&mut self, error: Error<()>) {
        self.response = None;
        self.failed = Some(error);
    }
}

/// Status, headers, and the body as frames: read chunk by chunk, each read
/// bounded by the idle timeout.
fn frames(
    mut response: RawResponse,
    framing: Framing,
    idle_timeout: Option<Duration>,
) -> (StatusCode, HeaderMap, BoxStream<'static, Result<Frame, Error<()>>>) {
    let status = response.status();
    let headers = response.take_headers();
    let limit = response.limits().stream_item;
    let state = Reading {
        response: Some(response),
        framer: Framer::new(framing, limit),
        ready: VecDeque::new(),
        failed: None,
        status,
        limit,
        idle_timeout,
    };
    let stream = futures::stream::unfold(state, |mut state| async move {
        loop {
            if let Some(frame) = state.ready.pop_front() {
                return Some((Ok(frame), state));
            }
            if let Some(error) = state.failed.take() {
                return Some((Err(error), state));
            }
            state.response.as_ref()?;
            state.read().await;
        }
    });
    (status, headers, stream.boxed())
}
