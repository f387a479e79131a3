//! Multipart request bodies on the wire: text fields as text parts, files
//! (`format: binary`) as file parts with name and content type.

use tests::bodies::{Client, types::PostMultipartBody};
use tests::runtime::FilePart;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn multipart_sends_text_and_file_parts() {
    let server = MockServer::start().await;
    Mock::given(method("POST")).and(path("/multipart")).respond_with(ResponseTemplate::new(204)).expect(1).mount(&server).await;
    let client = Client::builder().base_url(server.uri()).build().expect("client builds");
    let body = PostMultipartBody {
        title: Some("report".to_owned()),
        size: None,
        file: FilePart::new(b"%PDF-1.7 binary\x00\xff".to_vec()).file_name("report.pdf").content_type("application/pdf"),
        attachments: Some(vec![FilePart::new("a"), FilePart::new("b").file_name("b.txt")]),
    };
    client.post_multipart(&body).await.expect("204 is success");

    let requests = server.received_requests().await.expect("recording is on");
    let request = &requests[0];
    let content_type = request.headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default();
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .unwrap_or_else(|| panic!("multipart content type, got {content_type:?}"));
    let body = &request.body;
    let text = String::from_utf8_lossy(body);
    let parts: Vec<&str> = text.split(&format!("--{boundary}")).filter(|part| part.contains("Content-Disposition")).collect();
    assert_eq!(parts.len(), 4, "title, file and two attachments; size is None and left out:\n{text}");
    assert!(parts[0].contains("name=\"title\"") && parts[0].contains("\r\n\r\nreport\r\n"), "{}", parts[0]);
    assert!(parts[1].contains("name=\"file\"; filename=\"report.pdf\""), "{}", parts[1]);
    assert!(parts[1].contains("Content-Type: application/pdf"), "{}", parts[1]);
    let raw_file = b"%PDF-1.7 binary\x00\xff";
    assert!(body.windows(raw_file.len()).any(|window| window == raw_file), "file bytes sent unchanged");
    assert!(parts[2].contains("name=\"attachments\"") && parts[2].contains("application/octet-stream"), "{}", parts[2]);
    assert!(parts[3].contains("filename=\"b.txt\""), "{}", parts[3]);
    assert!(!text.contains("name=\"size\""), "unset optional field is not sent");
}

#[tokio::test]
async fn an_invalid_file_content_type_is_reported_before_sending() {
    let server = MockServer::start().await;
    let client = Client::builder().base_url(server.uri()).build().expect("client builds");
    let body = PostMultipartBody { title: None, size: None, file: FilePart::new("x").content_type("not a mime type"), attachments: None };
    match client.post_multipart(&body).await {
        Err(tests::runtime::Error::InvalidRequest(message)) => assert!(message.contains("not a mime type"), "{message}"),
        other => panic!("expected InvalidRequest, got {other:?}"),
    }
    assert!(server.received_requests().await.expect("recording is on").is_empty(), "nothing was sent");
}
