//! Memory stays bounded whatever the server sends. A 100 MiB download
//! streams through a fixed amount of memory. A hostile server streams an
//! endless chunked body: the client reads at most its limit and fails with
//! `Error::BodyTooLarge`; an error body is cut at the error limit. (Its own
//! test binary, not part of `tests/wire/`, and one test run in order: the
//! peak memory it reads is the process's, so no other test may run beside
//! it.)

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use generated_client::pack_cloud::Client;
use generated_client::runtime::{DEFAULT_MAX_BODY_BYTES, Error};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// Serves every connection `status` and an endless chunked JSON-ish body;
/// counts the body bytes written.
async fn endless_server(status: u16) -> (String, Arc<AtomicU64>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("binds");
    let address = listener.local_addr().expect("has an address");
    let written = Arc::new(AtomicU64::new(0));
    let counter = written.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let counter = counter.clone();
            tokio::spawn(async move {
                let mut request = [0u8; 4096];
                let _ = socket.read(&mut request).await;
                let head = format!("HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n");
                if socket.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                let chunk = vec![b'['; 64 * 1024];
                let framed = [format!("{:x}\r\n", chunk.len()).into_bytes(), chunk, b"\r\n".to_vec()].concat();
                while socket.write_all(&framed).await.is_ok() {
                    counter.fetch_add(64 * 1024, Ordering::Relaxed);
                }
            });
        }
    });
    (format!("http://{address}"), written)
}

/// Peak resident memory of this process, in bytes (Linux).
fn peak_rss() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}

#[tokio::test]
async fn memory_stays_bounded() {
    // First the download: the peak memory it may raise is still this
    // process's lowest.
    a_large_download_streams_in_bounded_memory().await;
    endless_bodies_stop_at_the_limits().await;
}

/// Serves one download of `size` bytes (`n % 251` at offset `n`), chunked,
/// generated as it is written.
async fn download_server(size: u64) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("binds");
    let address = listener.local_addr().expect("has an address");
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut request = [0u8; 4096];
                let _ = socket.read(&mut request).await;
                let head = "HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\ntransfer-encoding: chunked\r\n\r\n";
                if socket.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                let mut offset = 0u64;
                let mut piece = Vec::with_capacity(64 * 1024);
                while offset < size {
                    piece.clear();
                    let end = (offset + 64 * 1024).min(size);
                    piece.extend((offset..end).map(|n| (n % 251) as u8));
                    let framed = [format!("{:x}\r\n", piece.len()).as_bytes(), &piece, b"\r\n"].concat();
                    if socket.write_all(&framed).await.is_err() {
                        return;
                    }
                    offset = end;
                }
                let _ = socket.write_all(b"0\r\n\r\n").await;
            });
        }
    });
    format!("http://{address}")
}

async fn a_large_download_streams_in_bounded_memory() {
    use futures::TryStreamExt as _;
    const SIZE: u64 = 100 * 1024 * 1024;
    let base = download_server(SIZE).await;
    let client = tests::streaming::Client::builder().base_url(&base).build().expect("builds");
    let before = peak_rss();
    let mut stream = client.download_file_stream_2("big").await.expect("the head");
    let (mut received, mut chunks, mut mismatches) = (0u64, 0u64, 0u64);
    while let Some(chunk) = stream.try_next().await.expect("every chunk") {
        mismatches += chunk.iter().zip(received..).filter(|(byte, n)| u64::from(**byte) != *n % 251).count() as u64;
        received += chunk.len() as u64;
        chunks += 1;
    }
    let grown = peak_rss().saturating_sub(before);
    eprintln!("100 MiB download: {received} bytes in {chunks} chunks; peak memory grew by {grown} bytes");
    assert_eq!(received, SIZE);
    assert_eq!(mismatches, 0, "every byte as sent, in order");
    // Past the buffered limit (32 MiB), in a few MiB at most.
    assert!(grown < 8 * 1024 * 1024, "peak memory grew by {grown} bytes");
}

async fn endless_bodies_stop_at_the_limits() {
    // Success body, default limit (32 MiB).
    let (base, written) = endless_server(200).await;
    let client = Client::builder().base_url(&base).build().expect("builds");
    let before = peak_rss();
    let error = client.list_invoices("org").await.expect_err("the body never ends");
    match &error {
        Error::BodyTooLarge { limit, status } => {
            assert_eq!(*limit, DEFAULT_MAX_BODY_BYTES);
            assert_eq!(status.as_u16(), 200);
        }
        other => panic!("expected BodyTooLarge, got {other:?}"),
    }
    assert!(error.to_string().contains("max_body_bytes"), "{error}");
    let sent = written.load(Ordering::Relaxed);
    assert!(sent >= DEFAULT_MAX_BODY_BYTES as u64 - 64 * 1024 * 8, "the server sent {sent} bytes");
    let grown = peak_rss().saturating_sub(before);
    eprintln!("endless body: the server sent {sent} bytes; peak memory grew by {grown} bytes");
    // The body is read once, into one buffer of at most the limit: well
    // under two copies of it, let alone the endless stream.
    assert!(grown < 2 * DEFAULT_MAX_BODY_BYTES as u64, "peak memory grew by {grown} bytes");

    // A limit of our own.
    let small = Client::builder().base_url(&base).max_body_bytes(100_000).build().expect("builds");
    match small.list_invoices("org").await {
        Err(Error::BodyTooLarge { limit: 100_000, .. }) => {}
        other => panic!("expected BodyTooLarge at 100000, got {other:?}"),
    }

    // Error body: the start is kept, marked truncated, not parsed.
    let (base, _) = endless_server(500).await;
    let client = Client::builder().base_url(&base).max_error_body_bytes(1000).build().expect("builds");
    match client.list_invoices("org").await {
        Err(Error::Status(error)) => {
            assert_eq!(error.status.as_u16(), 500);
            assert_eq!(error.body.len(), 1000);
            assert!(error.truncated && error.parsed.is_none());
        }
        other => panic!("expected a truncated status error, got {other:?}"),
    }
}
