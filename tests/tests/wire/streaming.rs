//! Streamed responses of the `streaming` fixture client (server-sent
//! events, NDJSON and JSON Lines, binary downloads) against a hand-rolled
//! local HTTP server that cuts its body where each test says — inside a
//! line end, inside a multi-byte character — and waits between pieces.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use futures::StreamExt as _;
use futures::TryStreamExt as _;
use tests::runtime::Error;
use tests::streaming::{Client, types};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

/// A request as the server read it.
#[derive(Debug)]
struct Seen {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Seen {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(key, _)| key.eq_ignore_ascii_case(name)).map(|(_, value)| value.as_str())
    }

    fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("a JSON request body")
    }
}

/// One step of a response body.
#[derive(Clone)]
enum Step {
    /// Bytes, written as one HTTP chunk and flushed.
    Send(Vec<u8>),
    /// A pause before the next step.
    Wait(Duration),
}

fn send(text: &str) -> Step {
    Step::Send(text.as_bytes().to_vec())
}

/// `text` cut into pieces of `size` bytes (cutting characters and line
/// ends anywhere), each its own chunk, with a short pause between them so
/// they reach the client apart.
fn trickle(text: &str, size: usize) -> Vec<Step> {
    text.as_bytes().chunks(size).flat_map(|piece| [Step::Send(piece.to_vec()), Step::Wait(Duration::from_millis(2))]).collect()
}

/// Serves one response per connection: `head` (status line and headers,
/// without `transfer-encoding`), then the steps as a chunked body.
/// Returns the base URL, the requests seen, and a flag raised when writing
/// to the client failed (it went away).
async fn serve(head: &str, steps: Vec<Step>) -> (String, mpsc::UnboundedReceiver<Seen>, Arc<AtomicBool>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("binds");
    let address = listener.local_addr().expect("has an address");
    let (seen_tx, seen_rx) = mpsc::unbounded_channel();
    let gone = Arc::new(AtomicBool::new(false));
    let head = head.to_owned();
    let flag = gone.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let (head, steps, seen_tx, flag) = (head.clone(), steps.clone(), seen_tx.clone(), flag.clone());
            tokio::spawn(async move {
                if respond(socket, &head, &steps, &seen_tx).await.is_err() {
                    flag.store(true, Ordering::SeqCst);
                }
            });
        }
    });
    (format!("http://{address}"), seen_rx, gone)
}

async fn respond(mut socket: TcpStream, head: &str, steps: &[Step], seen: &mpsc::UnboundedSender<Seen>) -> std::io::Result<()> {
    let request = read_request(&mut socket).await?;
    let _ = seen.send(request);
    socket.write_all(format!("{head}\r\ntransfer-encoding: chunked\r\n\r\n").as_bytes()).await?;
    for step in steps {
        match step {
            Step::Send(bytes) if bytes.is_empty() => {}
            Step::Send(bytes) => {
                socket.write_all(format!("{:x}\r\n", bytes.len()).as_bytes()).await?;
                socket.write_all(bytes).await?;
                socket.write_all(b"\r\n").await?;
                socket.flush().await?;
            }
            Step::Wait(pause) => tokio::time::sleep(*pause).await,
        }
    }
    socket.write_all(b"0\r\n\r\n").await?;
    socket.flush().await
}

async fn read_request(socket: &mut TcpStream) -> std::io::Result<Seen> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    let end = loop {
        let read = socket.read(&mut chunk).await?;
        if read == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        buffer.extend_from_slice(&chunk[..read]);
        if let Some(end) = buffer.windows(4).position(|window| window == b"\r\n\r\n") {
            break end;
        }
    };
    let head = String::from_utf8_lossy(&buffer[..end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next().unwrap_or_default().split(' ');
    let method = request_line.next().unwrap_or_default().to_owned();
    let target = request_line.next().unwrap_or_default().to_owned();
    let headers: Vec<(String, String)> =
        lines.filter_map(|line| line.split_once(':')).map(|(name, value)| (name.trim().to_owned(), value.trim().to_owned())).collect();
    let length = headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, value)| value.parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = buffer[end + 4..].to_vec();
    while body.len() < length {
        let read = socket.read(&mut chunk).await?;
        if read == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..read]);
    }
    Ok(Seen { method, target, headers, body })
}

const SSE_HEAD: &str = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nx-request-id: req-7";

fn chat_request() -> types::ChatRequest {
    serde_json::from_value(serde_json::json!({"model": "m", "messages": ["hi"]})).expect("a request")
}

fn chunk(id: &str, delta: &str) -> types::ChatChunk {
    serde_json::from_value(serde_json::json!({"id": id, "delta": delta})).expect("a chunk")
}

/// Every framing case of the event stream format in one body: a BOM,
/// LF, CRLF and CR line ends, comments, multi-line data, fields without a
/// space, an event without data, multi-byte characters — then `[DONE]`,
/// after which nothing is read.
const AWKWARD_EVENTS: &str = concat!(
    "\u{feff}: keep-alive\r\n\r\n",
    "data: {\"id\":\"1\",\"delta\":\"Hé\"}\r\n\r\n",
    "event: ping\n\n",
    "data:{\"id\":\"2\",\n",
    "data: \"delta\":\"llo 😀\"}\r\r",
    "id: 9\nretry: 250\ndata: {\"id\":\"3\",\"delta\":\"\\n\"}\n\n",
    ": the end\n",
    "data: [DONE]\n\n",
    "data: {\"id\":\"4\",\"delta\":\"never read\"}\n\n",
);

#[tokio::test]
async fn events_arrive_whatever_the_framing() {
    for size in [1, 2, 3, 5, 7, 13, 1000] {
        let (base, mut seen, _) = serve(SSE_HEAD, trickle(AWKWARD_EVENTS, size)).await;
        let client = Client::builder().base_url(&base).build().expect("builds");
        let mut request = chat_request();
        request.stream = Some(false);
        let mut stream = client.create_chat_completion_stream(&request).await.expect("the head");
        assert_eq!(stream.status().as_u16(), 200);
        assert_eq!(stream.typed_headers().x_request_id.as_deref(), Some("req-7"));
        let mut chunks = Vec::new();
        while let Some(chunk) = stream.try_next().await.expect("every event decodes") {
            chunks.push(chunk);
        }
        assert_eq!(chunks, [chunk("1", "Hé"), chunk("2", "llo 😀"), chunk("3", "\n")], "pieces of {size} bytes");

        // The wire: the stream flag set, `Accept: text/event-stream`.
        let request = seen.recv().await.expect("a request");
        assert_eq!((request.method.as_str(), request.target.as_str()), ("POST", "/chat/completions"));
        assert_eq!(request.header("accept"), Some("text/event-stream"));
        assert_eq!(request.header("content-type"), Some("application/json"));
        assert_eq!(request.json(), serde_json::json!({"model": "m", "messages": ["hi"], "stream": true}));
    }
}

#[tokio::test]
async fn the_plain_twin_leaves_the_flag_as_given() {
    let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json";
    let (base, mut seen, _) = serve(head, vec![send(r#"{"id":"c","text":"whole"}"#)]).await;
    let client = Client::builder().base_url(&base).build().expect("builds");
    let completion = client.create_chat_completion(&chat_request()).await.expect("decodes");
    assert_eq!(completion.text, "whole");
    let request = seen.recv().await.expect("a request");
    assert_eq!(request.json(), serde_json::json!({"model": "m", "messages": ["hi"]}));
    assert_eq!(request.header("accept"), Some("application/json"));
}

#[tokio::test]
async fn event_metadata_is_reachable() {
    let body = "event: note\nid: 1\ndata: first\n\ndata: second\ndata: line\n\nid: 2\nretry: 1500\nevent: alert\ndata: third\n\n";
    let (base, mut seen, _) = serve(SSE_HEAD, trickle(body, 4)).await;
    let client = Client::builder().base_url(&base).build().expect("builds");
    let params = types::WatchNotificationsParams { topic: "builds".to_owned() };
    let events: Vec<_> =
        client.watch_notifications(&params).await.expect("the head").with_events().try_collect().await.expect("every event");
    let summary: Vec<(&str, Option<&str>, Option<Duration>, &str)> =
        events.iter().map(|event| (event.event.as_str(), event.id.as_deref(), event.retry, event.data.as_str())).collect();
    assert_eq!(
        summary,
        [
            ("note", Some("1"), None, "first"),
            ("message", Some("1"), None, "second\nline"),
            ("alert", Some("2"), Some(Duration::from_millis(1500)), "third"),
        ]
    );
    let request = seen.recv().await.expect("a request");
    assert_eq!((request.method.as_str(), request.target.as_str()), ("GET", "/notifications?topic=builds"));
}

#[tokio::test]
async fn without_a_sentinel_the_stream_ends_with_the_body() {
    let body = "data: {\"text\":\"a\"}\n\ndata: [DONE]\n\ndata: {\"text\":\"b\",\"special\":true}\n\n";
    let (base, _, _) = serve(SSE_HEAD, trickle(body, 9)).await;
    let client = Client::builder().base_url(&base).build().expect("builds");
    let mut stream = client.generate_stream(&chat_request()).await.expect("the head");
    assert_eq!(stream.try_next().await.expect("decodes").map(|token| token.text), Some("a".to_owned()));
    // `[DONE]` is data here (`x-stream-done: false`): not a token, so a
    // decode error naming the event, and the stream goes on.
    match stream.next().await {
        Some(Err(Error::Decode(error))) => {
            assert_eq!(error.item, Some(2));
            assert_eq!(error.body, b"[DONE]");
            assert!(error.to_string().contains("item 2"), "{error}");
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
    let last = stream.try_next().await.expect("decodes").expect("a third event");
    assert_eq!((last.text.as_str(), last.special), ("b", Some(true)));
    assert!(stream.try_next().await.expect("the end").is_none());
}

#[tokio::test]
async fn an_error_status_comes_before_any_stream() {
    let head = "HTTP/1.1 400 Bad Request\r\ncontent-type: application/json";
    let (base, _, _) = serve(head, vec![send(r#"{"message":"no model"}"#)]).await;
    let client = Client::builder().base_url(&base).build().expect("builds");
    match client.create_chat_completion_stream(&chat_request()).await {
        Err(Error::Status(error)) => {
            assert_eq!(error.status.as_u16(), 400);
            assert_eq!(error.parsed.as_ref().map(|problem| problem.message.as_str()), Some("no model"));
        }
        other => panic!("expected a status error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_stream_outlives_the_request_timeout_while_it_sends() {
    // Ten events 150 ms apart: 1.5 s, three times the client's timeout.
    let mut steps = Vec::new();
    for n in 0..10 {
        steps.push(send(&format!("data: {{\"id\":\"{n}\",\"delta\":\"x\"}}\n\n")));
        steps.push(Step::Wait(Duration::from_millis(150)));
    }
    let (base, _, _) = serve(SSE_HEAD, steps).await;
    let client = Client::builder().base_url(&base).timeout(Duration::from_millis(500)).build().expect("builds");
    let started = Instant::now();
    let chunks: Vec<types::ChatChunk> =
        client.create_chat_completion_stream(&chat_request()).await.expect("the head").try_collect().await.expect("every event");
    assert_eq!(chunks.len(), 10);
    assert!(started.elapsed() > Duration::from_millis(1200), "{:?}", started.elapsed());
}

#[tokio::test]
async fn a_silent_stream_hits_the_idle_timeout() {
    let steps = vec![send("data: {\"id\":\"1\",\"delta\":\"x\"}\n\n"), Step::Wait(Duration::from_secs(3)), send("data: late\n\n")];
    let (base, _, _) = serve(SSE_HEAD, steps).await;
    let client = Client::builder().base_url(&base).stream_idle_timeout(Duration::from_millis(300)).build().expect("builds");
    let started = Instant::now();
    let mut stream = client.create_chat_completion_stream(&chat_request()).await.expect("the head");
    assert_eq!(stream.try_next().await.expect("the first event"), Some(chunk("1", "x")));
    match stream.next().await {
        Some(Err(error)) => {
            assert!(error.is_timeout(), "{error:?}");
            assert!(error.to_string().contains("stream_idle_timeout"), "{error}");
        }
        other => panic!("expected an idle timeout, got {other:?}"),
    }
    assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
    assert!(stream.next().await.is_none(), "the stream ends after a timeout");
}

#[tokio::test]
async fn the_head_is_bounded_by_the_request_timeout() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("binds");
    let address = listener.local_addr().expect("has an address");
    // Accepts, reads, never answers.
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((mut socket, _)) = listener.accept().await {
            let _ = read_request(&mut socket).await;
            held.push(socket);
        }
    });
    let client = Client::builder()
        .base_url(format!("http://{address}"))
        .timeout(Duration::from_millis(300))
        .retry(tests::runtime::RetryPolicy::none())
        .build()
        .expect("builds");
    let started = Instant::now();
    let error = client.create_chat_completion_stream(&chat_request()).await.expect_err("no head");
    assert!(error.is_timeout(), "{error:?}");
    assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
}

#[tokio::test]
async fn an_oversized_event_ends_the_stream() {
    let big = format!("data: {{\"id\":\"2\",\"delta\":\"{}\"}}\n\n", "x".repeat(5000));
    let steps = [
        vec![send("data: {\"id\":\"1\",\"delta\":\"x\"}\n\n")],
        trickle(&big, 700),
        vec![send("data: {\"id\":\"3\",\"delta\":\"x\"}\n\n")],
    ]
    .concat();
    let (base, _, _) = serve(SSE_HEAD, steps).await;
    let client = Client::builder().base_url(&base).max_stream_item_bytes(4096).build().expect("builds");
    let mut stream = client.create_chat_completion_stream(&chat_request()).await.expect("the head");
    assert_eq!(stream.try_next().await.expect("the first event"), Some(chunk("1", "x")));
    match stream.next().await {
        Some(Err(Error::ItemTooLarge { limit: 4096, .. })) => {}
        other => panic!("expected ItemTooLarge, got {other:?}"),
    }
    assert!(stream.next().await.is_none(), "nothing after an oversized event");
}

#[tokio::test]
async fn ndjson_lines_split_anywhere_without_a_final_newline() {
    let body = "{\"level\":\"info\",\"message\":\"starting é\"}\r\n\n{\"level\":\"warn\",\"message\":\"disk 😀\"}\n  \n{\"level\":\"error\",\"message\":\"last\"}";
    let head = "HTTP/1.1 200 OK\r\ncontent-type: application/x-ndjson";
    for size in [1, 3, 8, 1000] {
        let (base, mut seen, _) = serve(head, trickle(body, size)).await;
        let client = Client::builder().base_url(&base).build().expect("builds");
        let params = types::TailLogsParams { follow: Some(true) };
        let entries: Vec<types::LogEntry> = client.tail_logs(&params).await.expect("the head").try_collect().await.expect("every line");
        let messages: Vec<&str> = entries.iter().map(|entry| entry.message.as_str()).collect();
        assert_eq!(messages, ["starting é", "disk 😀", "last"], "pieces of {size} bytes");
        assert_eq!(entries[2].level, types::LogEntryLevel::Error);
        let request = seen.recv().await.expect("a request");
        assert_eq!(request.target, "/logs?follow=true");
        assert_eq!(request.header("accept"), Some("application/x-ndjson"));
    }
}

#[tokio::test]
async fn a_bad_line_names_its_position_and_the_stream_goes_on() {
    let body = "{\"level\":\"info\",\"message\":\"a\"}\n{\"level\":\"info\",\"message\":5}\n{\"level\":\"info\",\"message\":\"c\"}\n";
    let head = "HTTP/1.1 200 OK\r\ncontent-type: application/jsonl";
    let (base, _, _) = serve(head, vec![send(body)]).await;
    let client = Client::builder().base_url(&base).build().expect("builds");
    let results: Vec<_> = client.export_records("x").await.expect("the head").collect().await;
    assert_eq!(results.len(), 3);
    match &results[1] {
        Err(Error::Decode(error)) => {
            assert_eq!(error.item, Some(2));
            assert_eq!(error.path, "message");
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
    assert!(results[0].is_ok() && results[2].is_ok());
}

#[tokio::test]
async fn dropping_the_stream_closes_the_connection() {
    let mut steps = Vec::new();
    for _ in 0..400 {
        steps.push(send("data: {\"id\":\"n\",\"delta\":\"x\"}\n\n"));
        steps.push(Step::Wait(Duration::from_millis(10)));
    }
    let (base, _, gone) = serve(SSE_HEAD, steps).await;
    let client = Client::builder().base_url(&base).build().expect("builds");
    let mut stream = client.create_chat_completion_stream(&chat_request()).await.expect("the head");
    for _ in 0..3 {
        assert!(stream.try_next().await.expect("an event").is_some());
    }
    drop(stream);
    let started = Instant::now();
    while !gone.load(Ordering::SeqCst) && started.elapsed() < Duration::from_secs(3) {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(gone.load(Ordering::SeqCst), "the server still writes to a dropped stream");
}

#[tokio::test]
async fn a_download_streams_its_bytes_in_order() {
    let body: Vec<u8> = (0..200_000u32).map(|n| (n % 251) as u8).collect();
    let steps: Vec<Step> = body.chunks(7919).map(|piece| Step::Send(piece.to_vec())).collect();
    let head = "HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream";
    let (base, mut seen, _) = serve(head, steps).await;
    // A body limit far below the download's size: it does not apply.
    let client = Client::builder().base_url(&base).max_body_bytes(1000).build().expect("builds");
    let chunks: Vec<tests::runtime::Bytes> =
        client.download_file_stream_2("f").await.expect("the head").try_collect().await.expect("every chunk");
    assert!(chunks.len() > 1, "{} chunks", chunks.len());
    assert_eq!(chunks.concat(), body);
    let request = seen.recv().await.expect("a request");
    assert_eq!(request.target, "/files/f");
    assert_eq!(request.header("accept"), Some("application/octet-stream"));
    // The buffered twin still has its limit.
    assert!(matches!(client.download_file("f").await, Err(Error::BodyTooLarge { limit: 1000, .. })));
}

#[tokio::test]
async fn a_multipart_body_sends_the_stream_part() {
    let (base, mut seen, _) = serve(SSE_HEAD, vec![send("data: hello\n\ndata: [DONE]\n\n")]).await;
    let client = Client::builder().base_url(&base).build().expect("builds");
    let body = types::CreateTranscriptionBody { file: tests::runtime::FilePart::new(b"RIFF".to_vec()), stream: None };
    let texts: Vec<String> = client.create_transcription_stream(&body).await.expect("the head").try_collect().await.expect("every event");
    assert_eq!(texts, ["hello"]);
    let request = seen.recv().await.expect("a request");
    let content_type = request.header("content-type").unwrap_or_default().to_owned();
    assert!(content_type.starts_with("multipart/form-data; boundary="), "{content_type}");
    let text = String::from_utf8_lossy(&request.body);
    assert!(text.contains("name=\"stream\"\r\n\r\ntrue\r\n"), "{text}");
    assert!(text.contains("RIFF"), "{text}");
    assert_eq!(request.header("accept"), Some("text/event-stream"));
}
