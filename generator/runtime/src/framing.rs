//! Cutting a streamed body into items as its bytes arrive: server-sent
//! events (the WHATWG "event stream" format), newline-delimited lines
//! (NDJSON, JSON Lines), or the body's chunks as they are. Pure: bytes in,
//! frames out, whatever the network's chunk boundaries.

use std::collections::VecDeque;
use std::time::Duration;

use bytes::Bytes;

/// How a streamed body is cut into items.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    /// Server-sent events; an event whose data is `done` ends the stream.
    Events {
        /// The data that ends the stream (`[DONE]` unless the spec says
        /// otherwise), or `None`.
        done: Option<&'static str>,
    },
    /// One item per line (NDJSON, JSON Lines); blank lines are skipped.
    Lines,
    /// The body's chunks as they arrive.
    Chunks,
}

/// One item cut from the body: an event's or a line's data, or a chunk.
#[derive(Debug, Clone, Default)]
pub(crate) struct Frame {
    /// The event's data (lines joined with `\n`), the line, or the chunk.
    pub(crate) data: Bytes,
    /// The event type (`event:`); `None` for `message`, lines and chunks.
    pub(crate) event: Option<String>,
    /// The last event ID seen (`id:`), as the stream set it.
    pub(crate) id: Option<String>,
    /// The reconnection time the event set (`retry:`).
    pub(crate) retry: Option<Duration>,
}

/// An item longer than the limit.
#[derive(Debug)]
pub(crate) struct TooLarge;

/// Cuts bytes into frames, keeping what is left of an unfinished item
/// between chunks.
#[derive(Debug)]
pub(crate) struct Framer {
    framing: Framing,
    limit: usize,
    /// The bytes of the current line (SSE and lines), not yet complete.
    line: Vec<u8>,
    /// The previous chunk ended in `\r`: a `\n` starting the next chunk
    /// belongs to that line end.
    after_cr: bool,
    /// Nothing seen yet (a leading UTF-8 BOM is dropped).
    at_start: bool,
    /// The event being built.
    event: EventBuilder,
    /// The `done` event arrived: nothing after it is read.
    finished: bool,
}

#[derive(Debug, Default)]
struct EventBuilder {
    data: Vec<u8>,
    has_data: bool,
    event: Option<String>,
    last_id: Option<String>,
    retry: Option<Duration>,
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

impl Framer {
    pub(crate) fn new(framing: Framing, limit: usize) -> Self {
        Framer { framing, limit, line: Vec::new(), after_cr: false, at_start: true, event: EventBuilder::default(), finished: false }
    }

    /// True once the `done` event arrived: the stream is over.
    pub(crate) fn finished(&self) -> bool {
        self.finished
    }

    /// Cuts `chunk` into the frames it completes.
    pub(crate) fn push(&mut self, chunk: Bytes, frames: &mut VecDeque<Frame>) -> Result<(), TooLarge> {
        if self.finished || chunk.is_empty() {
            return Ok(());
        }
        if self.framing == Framing::Chunks {
            frames.push_back(Frame { data: chunk, ..Frame::default() });
            return Ok(());
        }
        let mut rest: &[u8] = &chunk;
        if self.at_start {
            // The BOM may itself be split across chunks.
            let seen = self.line.len();
            let wanted = BOM.len() - seen;
            let take = wanted.min(rest.len());
            if BOM[seen..seen + take] == rest[..take] {
                self.line.extend_from_slice(&rest[..take]);
                rest = &rest[take..];
                if self.line.len() < BOM.len() {
                    return Ok(());
                }
                self.line.clear();
            } else {
                // Not a BOM: what was held back is the start of the line.
            }
            self.at_start = false;
        }
        if self.after_cr && rest.first() == Some(&b'\n') {
            rest = &rest[1..];
        }
        self.after_cr = false;
        while !rest.is_empty() && !self.finished {
            match rest.iter().position(|&byte| byte == b'\n' || byte == b'\r') {
                Some(end) => {
                    self.extend_line(&rest[..end])?;
                    let crlf = rest[end] == b'\r';
                    rest = &rest[end + 1..];
                    if crlf {
                        match rest.first() {
                            Some(b'\n') => rest = &rest[1..],
                            None => self.after_cr = true,
                            Some(_) => {}
                        }
                    }
                    let line = std::mem::take(&mut self.line);
                    self.line_done(line, frames)?;
                }
                None => {
                    self.extend_line(rest)?;
                    rest = &[];
                }
            }
        }
        Ok(())
    }

    /// The body ended: a last line without a line end is an item (lines);
    /// an event not ended by a blank line is discarded (as the event
    /// stream format says).
    pub(crate) fn finish(&mut self, frames: &mut VecDeque<Frame>) -> Result<(), TooLarge> {
        if self.finished {
            return Ok(());
        }
        let line = std::mem::take(&mut self.line);
        if self.framing == Framing::Lines {
            self.line_done(line, frames)?;
        }
        self.finished = true;
        Ok(())
    }

    fn extend_line(&mut self, bytes: &[u8]) -> Result<(), TooLarge> {
        if self.line.len() + bytes.len() + self.event.data.len() > self.limit {
            return Err(TooLarge);
        }
        self.line.extend_from_slice(bytes);
        Ok(())
    }

    fn line_done(&mut self, line: Vec<u8>, frames: &mut VecDeque<Frame>) -> Result<(), TooLarge> {
        match self.framing {
            Framing::Lines => {
                if !line.iter().all(u8::is_ascii_whitespace) {
                    frames.push_back(Frame { data: Bytes::from(line), ..Frame::default() });
                }
                Ok(())
            }
            Framing::Events { done } => {
                self.event_line(&line, done, frames);
                Ok(())
            }
            Framing::Chunks => Ok(()),
        }
    }

    /// One line of an event stream: a field, a comment, or the blank line
    /// that dispatches the event.
    fn event_line(&mut self, line: &[u8], done: Option<&str>, frames: &mut VecDeque<Frame>) {
        if line.is_empty() {
            return self.dispatch(done, frames);
        }
        if line[0] == b':' {
            return;
        }
        let (field, value) = match line.iter().position(|&byte| byte == b':') {
            Some(colon) => {
                let value = &line[colon + 1..];
                (&line[..colon], value.strip_prefix(b" ").unwrap_or(value))
            }
            None => (line, &[][..]),
        };
        match field {
            b"data" => {
                if self.event.has_data {
                    self.event.data.push(b'\n');
                }
                self.event.data.extend_from_slice(value);
                self.event.has_data = true;
            }
            b"event" => self.event.event = Some(String::from_utf8_lossy(value).into_owned()),
            b"id" if !value.contains(&0) => {
                self.event.last_id = Some(String::from_utf8_lossy(value).into_owned());
            }
            b"retry" if !value.is_empty() && value.iter().all(u8::is_ascii_digit) => {
                if let Some(millis) = std::str::from_utf8(value).ok().and_then(|text| text.parse::<u64>().ok()) {
                    self.event.retry = Some(Duration::from_millis(millis));
                }
            }
            _ => {}
        }
    }

    /// A blank line: the event built so far is complete (and dispatched
    /// when it has data).
    fn dispatch(&mut self, done: Option<&str>, frames: &mut VecDeque<Frame>) {
        let event = self.event.event.take();
        let retry = self.event.retry.take();
        if !std::mem::take(&mut self.event.has_data) {
            return;
        }
        let data = std::mem::take(&mut self.event.data);
        if done.is_some_and(|done| data == done.as_bytes()) {
            self.finished = true;
            return;
        }
        let data = match String::from_utf8(data) {
            Ok(text) => Bytes::from(text),
            // Invalid UTF-8 is replaced, as the format's decoding does.
            Err(error) => Bytes::from(String::from_utf8_lossy(error.as_bytes()).into_owned()),
        };
        frames.push_back(Frame { data, event, id: self.event.last_id.clone(), retry });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DONE: Framing = Framing::Events { done: Some("[DONE]") };

    /// The frames of `body` cut into chunks at every position in `cuts`.
    fn frames(framing: Framing, body: &[u8], cuts: &[usize]) -> Vec<Frame> {
        let mut framer = Framer::new(framing, 1 << 20);
        let mut frames = VecDeque::new();
        let mut start = 0;
        for &cut in cuts.iter().chain(&[body.len()]) {
            assert!(framer.push(Bytes::copy_from_slice(&body[start..cut]), &mut frames).is_ok());
            start = cut;
        }
        assert!(framer.finish(&mut frames).is_ok());
        frames.into_iter().collect()
    }

    fn data(frames: &[Frame]) -> Vec<String> {
        frames.iter().map(|frame| String::from_utf8_lossy(&frame.data).into_owned()).collect()
    }

    /// Every way of cutting `body` in two and in three gives `expected`.
    fn check_every_split(framing: Framing, body: &[u8], expected: &[&str]) {
        let whole = data(&frames(framing, body, &[]));
        assert_eq!(whole, expected, "unsplit");
        for first in 0..=body.len() {
            assert_eq!(data(&frames(framing, body, &[first])), expected, "split at {first}");
            for second in first..=body.len() {
                assert_eq!(data(&frames(framing, body, &[first, second])), expected, "split at {first}, {second}");
            }
        }
    }

    #[test]
    fn events_with_every_line_end_and_split() {
        let body = "\u{feff}: keep-alive\r\ndata: a\r\n\r\ndata:b\rdata: c\r\rdata: é😀\n\nevent: x\n\ndata: [DONE]\n\ndata: after\n\n";
        check_every_split(DONE, body.as_bytes(), &["a", "b\nc", "é😀"]);
    }

    #[test]
    fn event_fields() {
        let body = b"event: delta\nid: 7\nretry: 1500\ndata: {\"a\":1}\n\ndata: next\n\nid\ndata: x\n\nretry: soon\nevent\ndata: y\n\n";
        let frames = frames(DONE, body, &[]);
        assert_eq!(data(&frames), ["{\"a\":1}", "next", "x", "y"]);
        assert_eq!(frames[0].event.as_deref(), Some("delta"));
        assert_eq!(frames[0].id.as_deref(), Some("7"));
        assert_eq!(frames[0].retry, Some(Duration::from_millis(1500)));
        // The event type and retry are per event; the last ID persists
        // until an `id` field changes it (here to the empty string).
        assert_eq!(frames[1].event, None);
        assert_eq!(frames[1].id.as_deref(), Some("7"));
        assert_eq!(frames[1].retry, None);
        assert_eq!(frames[2].id.as_deref(), Some(""));
        assert_eq!(frames[3].event.as_deref(), Some(""));
    }

    #[test]
    fn events_without_data_or_blank_line_are_not_dispatched() {
        assert!(data(&frames(DONE, b"event: ping\n\n: comment\n\nid: 1\n\ndata: unfinished", &[])).is_empty());
        // `data` with an empty value is data (an empty event).
        assert_eq!(data(&frames(DONE, b"data\n\ndata:\ndata:\n\n", &[])), ["", "\n"]);
    }

    #[test]
    fn done_sentinel_is_configurable() {
        let body = b"data: 1\n\ndata: [DONE]\n\ndata: 2\n\n";
        assert_eq!(data(&frames(DONE, body, &[])), ["1"]);
        assert_eq!(data(&frames(Framing::Events { done: None }, body, &[])), ["1", "[DONE]", "2"]);
        assert_eq!(data(&frames(Framing::Events { done: Some("end") }, b"data: 1\n\ndata: end\n\n", &[])), ["1"]);
    }

    #[test]
    fn lines_with_every_line_end_and_split() {
        let body = "{\"a\":1}\r\n\n  \n{\"b\":\"é\"}\n{\"c\":3}";
        check_every_split(Framing::Lines, body.as_bytes(), &["{\"a\":1}", "{\"b\":\"é\"}", "{\"c\":3}"]);
    }

    #[test]
    fn an_item_over_the_limit_fails() {
        let mut framer = Framer::new(DONE, 10);
        let mut frames = VecDeque::new();
        assert!(framer.push(Bytes::from_static(b"data: 0123\n\n"), &mut frames).is_ok());
        assert!(framer.push(Bytes::from_static(b"data: 0123"), &mut frames).is_ok());
        assert!(framer.push(Bytes::from_static(b"\ndata: 456789"), &mut frames).is_err());
        let mut lines = Framer::new(Framing::Lines, 4);
        assert!(lines.push(Bytes::from_static(b"1234\n12"), &mut frames).is_ok());
        assert!(lines.push(Bytes::from_static(b"345"), &mut frames).is_err());
    }

    #[test]
    fn chunks_pass_through() {
        let frames = frames(Framing::Chunks, b"abcdef", &[2, 2, 5]);
        assert_eq!(data(&frames), ["ab", "cde", "f"]);
    }
}
