//! The README's usage example, compiled and run against a local server so
//! the documentation cannot drift from the generated API.

use std::time::Duration;

use futures::TryStreamExt;
use generated_client::runtime::RetryPolicy;
use generated_client::{apibricks_console, pack_cloud};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn readme_example_works() -> Result<(), Box<dyn std::error::Error>> {
    let server = MockServer::start().await;
    let page = serde_json::json!({
        "data": [{
            "id": "inv_1", "number": "2023-0001", "reference": null, "status": "paid",
            "total_excl_vat": 100.0, "total_incl_vat": 121.0,
            "due_at": "2024-07-11T00:00:00Z", "sent_at": "2024-07-01T00:00:00Z",
            "created_at": "2024-07-01T00:00:00Z", "updated_at": "2024-07-01T00:00:00Z"
        }],
        "prev": null, "next": null, "per_page": 25
    });
    Mock::given(method("GET"))
        .and(path("/organizations/org-123/billing/invoices"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/invoices/paid"))
        .respond_with(ResponseTemplate::new(401).set_body_json(serde_json::json!({"message": "bad key"})))
        .mount(&server)
        .await;

    // From README.md, "Using the generated client" (base URLs point at the test server).
    let packs = pack_cloud::Client::builder()
        .base_url(server.uri())
        .bearer_auth("my-token")
        .timeout(Duration::from_secs(10))
        .retry(RetryPolicy::default().max_retries(3))
        .build()?;

    let page = packs.list_invoices("org-123").await?;
    let summary = format!("{} ({} invoices, ETag {:?})", page.status(), page.data.len(), page.headers().get("etag"));
    assert_eq!(summary, "200 OK (1 invoices, ETag None)");

    let mut stream = packs.list_invoices_stream("org-123");
    let mut lines = Vec::new();
    while let Some(invoice) = stream.try_next().await? {
        lines.push(format!("{} {:?} {}", invoice.id, invoice.number, invoice.total_incl_vat));
    }
    assert_eq!(lines, ["inv_1 Some(\"2023-0001\") 121"]);

    let bricks = apibricks_console::Client::builder().base_url(server.uri()).api_key_auth("my-api-key").build()?;
    match bricks.list_paid_invoices().await {
        Ok(invoices) => panic!("expected a 401, got {} invoices", invoices.len()),
        Err(generated_client::runtime::Error::Status(error)) => {
            assert_eq!(error.status, 401);
            assert_eq!(error.parsed.map(|body| body.message), Some("bad key".to_owned()));
        }
        Err(other) => panic!("expected a status error, got {other}"),
    }
    Ok(())
}
