//! Wire-level behaviour of the generated APIbricks Console client
//! (`generated_client::apibricks_console`) against a local mock server.

use crate::support as wire;

use chrono::{DateTime, Utc};
use generated_client::apibricks_console::{Client, types};
use generated_client::runtime::{Error, StatusCode};
use uuid::Uuid;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use wire::{assert_get_without_query, header_values, only_request};

const API_KEY: &str = "ak_test_0123456789abcdef";
const PAID_PATH: &str = "/invoices/paid";

/// The sample response of the vendor's "Get paid invoices" page, verbatim.
const SEED_EXAMPLE: &str = r#"[
  {
    "idOrganization": "9bf7f388-1dbc-4a73-92b2-4ad35e7fe880",
    "id": "string",
    "invoiceNumber": "string",
    "created": "2019-08-24T14:15:22Z",
    "paidDate": "2019-08-24T14:15:22Z",
    "dueDate": "2019-08-24T14:15:22Z",
    "paid": true,
    "voided": true,
    "uncollectible": true,
    "status": "string",
    "amountUsdCents": 0,
    "currency": "string",
    "organization": {
      "id": "497f6eca-6276-4993-bfeb-53cbbbba6f08",
      "stripeId": "string",
      "name": "string",
      "company": "string",
      "country": "string",
      "address1": "string",
      "address2": "string",
      "city": "string",
      "postalCode": "string",
      "region": "string",
      "purchaseOrder": "string",
      "billingEmail": "string",
      "autoRechargeEnabled": 0,
      "autoRechargeBalanceGoesBelowUsd": 0,
      "autoRechargeBalanceBackUpToUsd": 0,
      "creditBalance": 0,
      "creditUninvoicedCurrent": 0,
      "creditUninvoicedLimit": 0,
      "creditUsageYesterday": 0,
      "creditUsageToday": 0,
      "creditUsageTodayUpdatedAt": "2019-08-24T14:15:22Z",
      "pastDueUsd": 0,
      "pastDueSince": "2019-08-24T14:15:22Z",
      "apiKeysActiveCount": 0,
      "ticketsLiveWaitOnProvider": 0,
      "ticketsLiveWaitOnCustomer": 0,
      "ticketsNotLive": 0,
      "totalPaidUsd": 0,
      "totalPaidUsdLastW": 0,
      "totalPaidUsdLastM": 0,
      "totalPaidUsdLastQ": 0,
      "totalPaidUsdLastY": 0,
      "tier": "string",
      "firstPaymentDate": "2019-08-24T14:15:22Z",
      "lastAuditTrailEvent": "2019-08-24T14:15:22Z",
      "usageInvoicedUpToExcl": "2019-08-24T14:15:22Z",
      "paymentMethodsLiveCount": 0,
      "quotaThresholdLastNotification": "2019-08-24T14:15:22Z",
      "quotaExceededLastNotification": "2019-08-24T14:15:22Z",
      "allNotificationsEmail": "string",
      "actionRequiredNotificationsEmail": "string",
      "creditsLowBalanceLastNotification": "2019-08-24T14:15:22Z",
      "timeCreated": "2019-08-24T14:15:22Z",
      "domainsCsv": "string",
      "teamMembersCount": 0,
      "spendMgmtEnabled": 0,
      "spendMgmtCreditUsageDailyHardLimit": 0,
      "spendMgmtCreditUsageDailyNotifyThreshold": 0,
      "spendMgmtCreditUsageWebhookUrl": "string",
      "slackChannelRequestedTime": "2019-08-24T14:15:22Z",
      "status": "string",
      "statusChangedTime": "2019-08-24T14:15:22Z",
      "statusSuspendedReason": "string"
    }
  }
]"#;

/// Retries are off: these tests look at single responses (retries have
/// tests of their own in `runtime_wire.rs`).
fn client_for(server: &MockServer) -> Client {
    Client::builder()
        .retry(generated_client::runtime::RetryPolicy::none())
        .base_url(server.uri())
        .api_key_auth(API_KEY)
        .build()
        .expect("client builds")
}

fn json_response(status: u16, body: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body.as_bytes().to_vec(), "application/json")
}

fn utc(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).expect("valid RFC 3339").with_timezone(&Utc)
}

fn uuid(text: &str) -> Uuid {
    Uuid::parse_str(text).expect("valid UUID")
}

/// Serves `response` for `GET /invoices/paid` and returns the decoded result.
async fn call(response: ResponseTemplate) -> Result<Vec<types::Invoice>, Error<types::ErrorResponse>> {
    let server = MockServer::start().await;
    Mock::given(method("GET")).and(path(PAID_PATH)).respond_with(response).expect(1).mount(&server).await;
    client_for(&server).list_paid_invoices().await.map(generated_client::runtime::Response::into_inner)
}

async fn failing_call(response: ResponseTemplate) -> Error<types::ErrorResponse> {
    call(response).await.expect_err("the call must fail")
}

/// Asserts a typed status error: status, raw body kept, `ErrorResponse` parsed.
async fn assert_typed_status(status: u16, body: &str, expected: types::ErrorResponse) {
    match failing_call(json_response(status, body)).await {
        Error::Status(error) => {
            assert_eq!(error.status.as_u16(), status);
            assert_eq!(error.body, body.as_bytes());
            assert_eq!(error.parsed, Some(expected));
        }
        other => panic!("expected Error::Status({status}), got {other:?}"),
    }
}

#[tokio::test]
async fn list_paid_invoices_sends_exact_request_with_raw_api_key() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(PAID_PATH))
        .and(header("authorization", API_KEY))
        .and(header("accept", "application/json"))
        .respond_with(json_response(200, SEED_EXAMPLE))
        .expect(1)
        .mount(&server)
        .await;

    let invoices = client_for(&server).list_paid_invoices().await.expect("call succeeds");
    assert_eq!(invoices.len(), 1);

    let request = only_request(&server).await;
    assert_get_without_query(&request, PAID_PATH);
    // wiremock rebuilds the URL on `localhost`; the Host header shows where it went.
    assert_eq!(header_values(&request, "host"), [server.address().to_string()]);
    // The key goes out verbatim: no `Bearer ` (or any other) prefix.
    assert_eq!(header_values(&request, "authorization"), [API_KEY]);
    assert_eq!(header_values(&request, "accept"), ["application/json"]);
}

#[tokio::test]
async fn list_paid_invoices_without_credentials_sends_no_authorization_header() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).and(path(PAID_PATH)).respond_with(json_response(200, "[]")).expect(1).mount(&server).await;

    let client = Client::builder().base_url(server.uri()).build().expect("client builds");
    let invoices = client.list_paid_invoices().await.expect("call succeeds");
    assert!(invoices.is_empty());

    let request = only_request(&server).await;
    assert_get_without_query(&request, PAID_PATH);
    assert!(header_values(&request, "authorization").is_empty(), "no Authorization header expected, got {:?}", request.headers);
    assert_eq!(header_values(&request, "accept"), ["application/json"]);
}

#[tokio::test]
async fn list_paid_invoices_decodes_seed_example_verbatim() {
    let invoices = call(json_response(200, SEED_EXAMPLE)).await.expect("the vendor's sample decodes");
    assert_eq!(invoices.len(), 1);
    let invoice = &invoices[0];

    let sample_time = utc("2019-08-24T14:15:22Z");
    assert_eq!(invoice.id_organization, uuid("9bf7f388-1dbc-4a73-92b2-4ad35e7fe880"));
    assert_eq!(invoice.id, "string");
    assert_eq!(invoice.invoice_number, "string");
    assert_eq!(invoice.created, sample_time);
    assert_eq!(invoice.paid_date, sample_time);
    assert_eq!(invoice.due_date, Some(sample_time));
    assert!(invoice.paid);
    assert!(invoice.voided);
    assert!(invoice.uncollectible);
    assert_eq!(invoice.status, "string");
    assert_eq!(invoice.amount_usd_cents, 0);
    assert_eq!(invoice.currency, "string");

    let organization = &invoice.organization;
    assert_eq!(organization.id, uuid("497f6eca-6276-4993-bfeb-53cbbbba6f08"));
    assert_eq!(organization.name, "string");
    assert_eq!(organization.stripe_id, Some(Some("string".to_owned())));
    assert_eq!(organization.company, Some(Some("string".to_owned())));
    assert_eq!(organization.country.as_deref(), Some("string"));
    assert_eq!(organization.postal_code.as_deref(), Some("string"));
    assert_eq!(organization.billing_email.as_deref(), Some("string"));
    assert_eq!(organization.auto_recharge_enabled, Some(0));
    assert_eq!(organization.auto_recharge_balance_goes_below_usd, Some(0.0));
    assert_eq!(organization.credit_balance, Some(0.0));
    assert_eq!(organization.credit_usage_today_updated_at, Some(Some(sample_time)));
    assert_eq!(organization.past_due_since, Some(Some(sample_time)));
    assert_eq!(organization.api_keys_active_count, Some(0));
    assert_eq!(organization.total_paid_usd_last_y, Some(0.0));
    assert_eq!(organization.tier.as_deref(), Some("string"));
    assert_eq!(organization.team_members_count, Some(0));
    assert_eq!(organization.spend_mgmt_enabled, Some(0));
    assert_eq!(organization.spend_mgmt_credit_usage_daily_hard_limit, Some(Some(0.0)));
    assert_eq!(organization.spend_mgmt_credit_usage_webhook_url, Some(Some("string".to_owned())));
    assert_eq!(organization.time_created, Some(sample_time));
    assert_eq!(organization.status.as_deref(), Some("string"));
    assert_eq!(organization.status_changed_time, Some(sample_time));
    assert_eq!(organization.status_suspended_reason, Some(Some("string".to_owned())));
}

#[tokio::test]
async fn list_paid_invoices_decodes_realistic_values_nulls_and_absent_fields() {
    let body = r#"[
      {
        "idOrganization": "9bf7f388-1dbc-4a73-92b2-4ad35e7fe880",
        "id": "in_1NkXwQ2eZvKYlo2C",
        "invoiceNumber": "A1B2C3D4-0001",
        "created": "2024-07-01T08:00:00Z",
        "paidDate": "2024-07-02T10:30:00+02:00",
        "dueDate": null,
        "paid": true,
        "voided": false,
        "uncollectible": false,
        "status": "paid",
        "amountUsdCents": 9007199254740993,
        "currency": "usd",
        "organization": {
          "id": "497f6eca-6276-4993-bfeb-53cbbbba6f08",
          "name": "Acme",
          "stripeId": null,
          "creditBalance": 49.75,
          "apiKeysActiveCount": 2,
          "autoRechargeEnabled": 1,
          "spendMgmtCreditUsageDailyHardLimit": null
        }
      }
    ]"#;
    let invoices = call(json_response(200, body)).await.expect("call succeeds");
    assert_eq!(invoices.len(), 1);
    let invoice = &invoices[0];

    assert_eq!(invoice.id, "in_1NkXwQ2eZvKYlo2C");
    assert_eq!(invoice.invoice_number, "A1B2C3D4-0001");
    assert_eq!(invoice.created, utc("2024-07-01T08:00:00Z"));
    // An offset date-time is normalised to UTC.
    assert_eq!(invoice.paid_date, utc("2024-07-02T08:30:00Z"));
    assert_eq!(invoice.due_date, None);
    assert!(invoice.paid);
    assert!(!invoice.voided);
    assert!(!invoice.uncollectible);
    // int64 beyond f64's exact range survives unchanged.
    assert_eq!(invoice.amount_usd_cents, 9_007_199_254_740_993);
    assert_eq!(invoice.currency, "usd");

    let organization = &invoice.organization;
    assert_eq!(organization.name, "Acme");
    // Present and null vs absent are told apart for optional nullable fields.
    assert_eq!(organization.stripe_id, Some(None));
    assert_eq!(organization.spend_mgmt_credit_usage_daily_hard_limit, Some(None));
    assert_eq!(organization.company, None);
    assert_eq!(organization.country, None);
    assert_eq!(organization.credit_balance, Some(49.75));
    assert_eq!(organization.api_keys_active_count, Some(2));
    assert_eq!(organization.auto_recharge_enabled, Some(1));
    assert_eq!(organization.time_created, None);
}

#[tokio::test]
async fn list_paid_invoices_ignores_unknown_fields_at_top_level_and_nested() {
    let body = r#"[
      {
        "idOrganization": "9bf7f388-1dbc-4a73-92b2-4ad35e7fe880",
        "id": "in_1",
        "invoiceNumber": "0001",
        "created": "2019-08-24T14:15:22Z",
        "paidDate": "2019-08-24T14:15:22Z",
        "dueDate": "2019-08-24T14:15:22Z",
        "paid": true,
        "voided": false,
        "uncollectible": false,
        "status": "paid",
        "amountUsdCents": 4900,
        "currency": "usd",
        "hostedInvoiceUrl": "https://example.com/i/1",
        "lines": [{"amount": 4900}],
        "organization": {
          "id": "497f6eca-6276-4993-bfeb-53cbbbba6f08",
          "name": "Acme",
          "creditBalance": 50,
          "featureFlags": {"beta": true},
          "legacyPlan": null
        }
      }
    ]"#;
    let invoices = call(json_response(200, body)).await.expect("unknown fields are ignored");
    assert_eq!(invoices.len(), 1);
    assert_eq!(invoices[0].amount_usd_cents, 4900);
    assert_eq!(invoices[0].organization.name, "Acme");
    assert_eq!(invoices[0].organization.credit_balance, Some(50.0));
}

#[tokio::test]
async fn list_paid_invoices_401_is_status_error_with_typed_body() {
    assert_typed_status(
        401,
        r#"{"statusCode":401,"message":"Invalid API key","error":"Unauthorized"}"#,
        types::ErrorResponse { status_code: Some(401), message: "Invalid API key".to_owned(), error: Some("Unauthorized".to_owned()) },
    )
    .await;
}

#[tokio::test]
async fn list_paid_invoices_404_is_status_error_with_typed_body() {
    assert_typed_status(
        404,
        r#"{"statusCode":404,"message":"Cannot GET /invoices/paid","error":"Not Found"}"#,
        types::ErrorResponse {
            status_code: Some(404),
            message: "Cannot GET /invoices/paid".to_owned(),
            error: Some("Not Found".to_owned()),
        },
    )
    .await;
}

#[tokio::test]
async fn list_paid_invoices_500_is_status_error_with_typed_body_of_only_message() {
    assert_typed_status(
        500,
        r#"{"message":"Internal server error"}"#,
        types::ErrorResponse { status_code: None, message: "Internal server error".to_owned(), error: None },
    )
    .await;
}

#[tokio::test]
async fn list_paid_invoices_500_with_non_json_body_keeps_body_and_parses_nothing() {
    let body = "upstream connect error or disconnect/reset before headers";
    let response = ResponseTemplate::new(500).set_body_raw(body.as_bytes().to_vec(), "text/plain");
    let error = failing_call(response).await;
    assert_eq!(error.status(), Some(StatusCode::INTERNAL_SERVER_ERROR));
    assert!(error.error_body().is_none());
    match error {
        Error::Status(error) => {
            assert_eq!(error.status, StatusCode::INTERNAL_SERVER_ERROR);
            assert_eq!(error.body, body.as_bytes());
            assert_eq!(error.parsed, None);
        }
        other => panic!("expected Error::Status(500), got {other:?}"),
    }
}

#[tokio::test]
async fn list_paid_invoices_429_keeps_retry_after_header_and_typed_body() {
    let body = r#"{"statusCode":429,"message":"ThrottlerException: Too Many Requests","error":"Too Many Requests"}"#;
    let response = json_response(429, body).insert_header("Retry-After", "7");
    match failing_call(response).await {
        Error::Status(error) => {
            assert_eq!(error.status, StatusCode::TOO_MANY_REQUESTS);
            let retry_after = error.headers.get("retry-after").expect("Retry-After kept");
            assert_eq!(retry_after.to_str().expect("ASCII header"), "7");
            assert_eq!(error.body, body.as_bytes());
            assert_eq!(
                error.parsed,
                Some(types::ErrorResponse {
                    status_code: Some(429),
                    message: "ThrottlerException: Too Many Requests".to_owned(),
                    error: Some("Too Many Requests".to_owned()),
                })
            );
        }
        other => panic!("expected Error::Status(429), got {other:?}"),
    }
}

#[tokio::test]
async fn list_paid_invoices_malformed_nested_number_is_decode_error_at_path() {
    let body = SEED_EXAMPLE.replace(r#""creditBalance": 0,"#, r#""creditBalance": "lots","#);
    assert_ne!(body, SEED_EXAMPLE, "the fixture must have been changed");
    match failing_call(json_response(200, &body)).await {
        Error::Decode(error) => {
            assert_eq!(error.path, "[0].organization.creditBalance");
            assert_eq!(error.status, StatusCode::OK);
            assert_eq!(error.body, body.as_bytes());
            let message = error.to_string();
            assert!(message.contains("[0].organization.creditBalance"), "Display names the path: {message}");
        }
        other => panic!("expected Error::Decode, got {other:?}"),
    }
}

#[tokio::test]
async fn list_paid_invoices_invalid_uuid_is_decode_error_at_path() {
    let body = SEED_EXAMPLE.replace("9bf7f388-1dbc-4a73-92b2-4ad35e7fe880", "not-a-uuid");
    assert_ne!(body, SEED_EXAMPLE, "the fixture must have been changed");
    match failing_call(json_response(200, &body)).await {
        Error::Decode(error) => assert_eq!(error.path, "[0].idOrganization"),
        other => panic!("expected Error::Decode, got {other:?}"),
    }
}

#[tokio::test]
async fn list_paid_invoices_object_instead_of_array_is_decode_error_at_root() {
    let body = r#"{"data": []}"#;
    match failing_call(json_response(200, body)).await {
        Error::Decode(error) => {
            assert_eq!(error.path, ".");
            assert_eq!(error.body, body.as_bytes());
        }
        other => panic!("expected Error::Decode, got {other:?}"),
    }
}

#[tokio::test]
async fn list_paid_invoices_times_out_when_server_is_too_slow() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(PAID_PATH))
        .respond_with(json_response(200, "[]").set_delay(wire::SERVER_DELAY))
        .mount(&server)
        .await;
    let client =
        Client::builder().base_url(server.uri()).api_key_auth(API_KEY).timeout(wire::CLIENT_TIMEOUT).build().expect("client builds");

    wire::assert_times_out(client.list_paid_invoices()).await;
}

#[tokio::test]
async fn debug_output_does_not_reveal_the_api_key() {
    let secret = "ak_live_s3cr3t-KEY-do-not-log";
    let builder = Client::builder().base_url("http://127.0.0.1:9").api_key_auth(secret);
    let builder_debug = format!("{builder:?}");
    let client = builder.build().expect("client builds");
    let client_debug = format!("{client:?}");
    let pretty_debug = format!("{client:#?}");

    wire::assert_debug_hides_secret(secret, "127.0.0.1:9", &[builder_debug, client_debug, pretty_debug]);
}
