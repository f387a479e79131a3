//! The generated mock helpers (each module's `mock`, the `mock` feature),
//! used as a user's test would: mount a typed mock on a wiremock server,
//! call the real client against it, and look at what the client got.
//! Both seed specs (`generated_client`), plus fixtures for what they lack:
//! request bodies, query/header/cookie parameters, per-status responses and
//! streams.

use chrono::{TimeZone, Utc};
use generated_client::runtime::{Error, RetryPolicy, StatusCode};
use wiremock::MockServer;

/// The client reports a status error with this status (a request no mock
/// matched gets wiremock's 404).
fn assert_status<T: std::fmt::Debug, E: std::fmt::Debug>(result: Result<T, Error<E>>, status: u16) {
    match result {
        Err(Error::Status(error)) => assert_eq!(error.status, StatusCode::from_u16(status).expect("a status")),
        other => panic!("expected a {status} status error, got {other:?}"),
    }
}

mod pack_cloud {
    use generated_client::pack_cloud::mock::MockServerExt as _;
    use generated_client::pack_cloud::{Client, types};

    use super::*;

    fn page() -> types::InvoicePage {
        let at = Utc.with_ymd_and_hms(2023, 1, 2, 9, 30, 0).single().expect("a time");
        types::InvoicePage {
            data: vec![types::Invoice {
                id: "inv_123".to_owned(),
                number: Some("2023-0001".to_owned()),
                reference: None,
                status: "paid".to_owned(),
                total_excl_vat: 100.0,
                total_incl_vat: 121.0,
                due_at: at,
                sent_at: at,
                created_at: at,
                updated_at: at,
            }],
            prev: None,
            next: None,
            per_page: 25,
        }
    }

    fn client(base_url: String) -> Client {
        Client::builder().retry(RetryPolicy::none()).base_url(base_url).bearer_auth("tok").build().expect("a client")
    }

    #[tokio::test]
    async fn a_typed_response_decodes_equal_for_the_matching_parameter() {
        let server = MockServer::start().await;
        server.mock_list_invoices(|when| when.organization_id("org 1/ü")).respond(200, &page()).expect(1).await;
        let client = client(server.uri());
        let response = client.list_invoices("org 1/ü").await.expect("the mock answers");
        assert_eq!(*response, page());
        // Another organization is another path: no mock, wiremock's 404.
        assert_status(client.list_invoices("org-2").await, 404);
    }

    /// docs/client.md's example ("Testing your code: mock helpers"), with
    /// this workspace's module names.
    #[tokio::test]
    async fn the_documented_example_works() -> Result<(), Box<dyn std::error::Error>> {
        let server = wiremock::MockServer::start().await;
        let page = types::InvoicePage { data: vec![], prev: None, next: None, per_page: 25 };
        server.mock_list_invoices(|when| when.organization_id("org-1")).respond(200, &page).expect(1).await;
        let client = Client::builder().base_url(server.uri()).build()?;
        assert_eq!(*client.list_invoices("org-1").await?, page);
        Ok(())
    }

    #[tokio::test]
    async fn the_spec_servers_path_may_be_part_of_the_base_url() {
        let server = MockServer::start().await;
        server.mock_list_invoices(|when| when).respond(200, &page()).expect(2).await;
        for base_url in [server.uri(), format!("{}/v1", server.uri())] {
            let response = client(base_url).list_invoices("any").await.expect("the mock answers");
            assert_eq!(response.data.len(), 1);
        }
    }

    #[tokio::test]
    async fn a_typed_error_decodes_into_the_error_type() {
        let server = MockServer::start().await;
        let error = types::Error { message: "no such organization".to_owned(), code: Some("not_found".to_owned()) };
        server.mock_list_invoices(|when| when.organization_id("gone")).respond_error(404, &error).await;
        match client(server.uri()).list_invoices("gone").await {
            Err(Error::Status(status)) => {
                assert_eq!(status.status, StatusCode::NOT_FOUND);
                assert_eq!(status.parsed, Some(error));
            }
            other => panic!("expected the typed error, got {other:?}"),
        }
    }
}

mod apibricks_console {
    use generated_client::apibricks_console::mock::MockServerExt as _;
    use generated_client::apibricks_console::{Client, types};

    use super::*;

    fn invoices() -> Vec<types::Invoice> {
        serde_json::from_value(serde_json::json!([{
            "idOrganization": "9bf7f388-1dbc-4a73-92b2-4ad35e7fe880",
            "id": "in_1",
            "invoiceNumber": "A-1",
            "created": "2024-01-01T00:00:00Z",
            "paidDate": "2024-01-02T00:00:00Z",
            "dueDate": null,
            "paid": true,
            "voided": false,
            "uncollectible": false,
            "status": "paid",
            "amountUsdCents": 1200,
            "currency": "usd",
            "organization": {"id": "9bf7f388-1dbc-4a73-92b2-4ad35e7fe880", "name": "Acme"}
        }]))
        .expect("the sample fits the model")
    }

    fn client(server: &MockServer) -> Client {
        Client::builder().retry(RetryPolicy::none()).base_url(server.uri()).api_key_auth("ak").build().expect("a client")
    }

    #[tokio::test]
    async fn a_typed_response_decodes_equal() {
        let server = MockServer::start().await;
        server.mock_list_paid_invoices(|when| when).respond(200, &invoices()).expect(1).await;
        let response = client(&server).list_paid_invoices().await.expect("the mock answers");
        assert_eq!(*response, invoices());
    }

    #[tokio::test]
    async fn a_typed_error_decodes_into_the_error_type() {
        let server = MockServer::start().await;
        let error = types::ErrorResponse { status_code: Some(401), message: "bad key".to_owned(), error: Some("Unauthorized".to_owned()) };
        server.mock_list_paid_invoices(|when| when).respond_error(401, &error).await;
        match client(&server).list_paid_invoices().await {
            Err(Error::Status(status)) => assert_eq!(status.parsed, Some(error)),
            other => panic!("expected the typed error, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn other_wiremock_matchers_narrow_a_mock() {
        let server = MockServer::start().await;
        server
            .mock_list_paid_invoices(|when| when.matching(wiremock::matchers::header("Authorization", "other")))
            .respond(200, &invoices())
            .await;
        assert_status(client(&server).list_paid_invoices().await, 404);
    }
}

/// Fixture modules (`tests/src`, generated with their mock modules, and
/// their own copy of the runtime).
mod fixtures {
    use tests::runtime::{Error, RetryPolicy, StatusCode};
    use wiremock::MockServer;

    fn assert_status<T: std::fmt::Debug, E: std::fmt::Debug>(result: Result<T, Error<E>>, status: u16) {
        match result {
            Err(Error::Status(error)) => assert_eq!(error.status, StatusCode::from_u16(status).expect("a status")),
            other => panic!("expected a {status} status error, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn a_json_body_matches_as_json_values() {
        use tests::bodies::mock::MockServerExt as _;
        use tests::bodies::{Client, types};
        let server = MockServer::start().await;
        let note = types::Note { text: "hello".to_owned() };
        let echo = types::Note { text: "echo".to_owned() };
        server.mock_post_json(|when| when.body(&note)).respond(200, &echo).expect(1).await;
        let client = Client::builder().retry(RetryPolicy::none()).base_url(server.uri()).build().expect("a client");
        assert_eq!(*client.post_json(&note).await.expect("the body matches"), echo);
        assert_status(client.post_json(&types::Note { text: "other".to_owned() }).await, 404);
    }

    #[tokio::test]
    async fn a_text_body_and_a_text_response() {
        use tests::bodies::Client;
        use tests::bodies::mock::MockServerExt as _;
        let server = MockServer::start().await;
        server.mock_post_text(|when| when.body("ping")).respond(200, &"pong".to_owned()).await;
        let client = Client::builder().retry(RetryPolicy::none()).base_url(server.uri()).build().expect("a client");
        assert_eq!(*client.post_text("ping").await.expect("the body matches"), "pong");
        assert_status(client.post_text("pong").await, 404);
    }

    #[tokio::test]
    async fn query_header_and_cookie_parameters_match_as_the_client_sends_them() {
        use tests::parameters::mock::MockServerExt as _;
        use tests::parameters::{Client, types};
        let server = MockServer::start().await;
        let tags = vec!["a b".to_owned(), "c&d".to_owned()];
        let filter = types::GetPartFilter { color: Some("red".to_owned()), size: Some(3) };
        server
            .mock_get_part(|when| {
                when.item_id(7)
                    .part("wheel/front")
                    .verbose(true)
                    .tags(&tags)
                    .ids(&vec![1, 2])
                    .filter(&filter)
                    .x_request_id("req-1")
                    .session("s 1")
            })
            .respond(200, &types::GetPartResponse { ok: Some(true) })
            .expect(1)
            .await;
        let client = Client::builder().retry(RetryPolicy::none()).base_url(server.uri()).build().expect("a client");
        let params = types::GetPartParams {
            verbose: true,
            tags: Some(tags.clone()),
            ids: Some(vec![1, 2]),
            piped: None,
            spaced: None,
            filter: Some(filter.clone()),
            x_request_id: "req-1".to_owned(),
            x_trace: None,
            session: Some("s 1".to_owned()),
            limit: Some(5),
        };
        let response = client.get_part(7, "wheel/front", &params).await.expect("every parameter matches");
        assert_eq!(response.ok, Some(true));
        // One value differs each time: no match.
        let changes: [fn(&mut types::GetPartParams); 4] = [
            |params| params.verbose = false,
            |params| params.tags = Some(vec!["a b".to_owned()]),
            |params| params.x_request_id = "req-2".to_owned(),
            |params| params.session = None,
        ];
        for change in changes {
            let mut other = params.clone();
            change(&mut other);
            assert_status(client.get_part(7, "wheel/front", &other).await, 404);
        }
        assert_status(client.get_part(8, "wheel/front", &params).await, 404);
    }

    #[tokio::test]
    async fn placeholders_in_one_segment_match_any_values_until_given() {
        use tests::parameters::Client;
        use tests::parameters::mock::MockServerExt as _;
        use tests::parameters::types::GetReportsYearFormatFormat;
        let server = MockServer::start().await;
        server.mock_get_reports_year_format(|when| when.format(&GetReportsYearFormatFormat::Csv)).respond(204, &()).expect(2).await;
        let client = Client::builder().retry(RetryPolicy::none()).base_url(server.uri()).build().expect("a client");
        for year in [2023, 2024] {
            client.get_reports_year_format(year, &GetReportsYearFormatFormat::Csv).await.expect("any year matches");
        }
        assert_status(client.get_reports_year_format(2024, &GetReportsYearFormatFormat::Json).await, 404);
    }

    #[tokio::test]
    async fn per_status_responses_and_errors_are_written_as_their_variant() {
        use tests::responses::mock::MockServerExt as _;
        use tests::responses::{Client, types};
        let server = MockServer::start().await;
        let ticket = types::Ticket { ticket: "t-1".to_owned() };
        server.mock_start_job(|when| when).respond(202, &types::StartJobResponse::Accepted(ticket.clone())).up_to_n_times(1).await;
        let client = Client::builder().retry(RetryPolicy::none()).base_url(server.uri()).build().expect("a client");
        let response = client.start_job(None).await.expect("the mock answers");
        assert_eq!(*response, types::StartJobResponse::Accepted(ticket));

        server.reset().await;
        server.mock_start_job(|when| when).respond_error(500, &types::StartJobError::Default("down".to_owned())).await;
        match client.start_job(None).await {
            Err(Error::Status(status)) => assert_eq!(status.parsed, Some(types::StartJobError::Default("down".to_owned()))),
            other => panic!("expected the typed error, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn a_streamed_body_is_written_as_the_stream_the_client_reads() {
        use futures::StreamExt as _;
        use tests::streaming::mock::MockServerExt as _;
        use tests::streaming::{Client, types};
        let server = MockServer::start().await;
        let entries = vec![
            types::LogEntry { level: types::LogEntryLevel::Info, message: "one".to_owned() },
            types::LogEntry { level: types::LogEntryLevel::Warn, message: "two\nlines".to_owned() },
        ];
        server.mock_tail_logs(|when| when.follow(true)).respond(200, &entries).await;
        let client = Client::builder().retry(RetryPolicy::none()).base_url(server.uri()).build().expect("a client");
        let stream = client.tail_logs(&types::TailLogsParams { follow: Some(true) }).await.expect("the stream starts");
        let got: Vec<types::LogEntry> = stream.map(|item| item.expect("an item")).collect().await;
        assert_eq!(got, entries);
    }

    #[tokio::test]
    async fn server_sent_events_carry_json_and_multi_line_text() {
        use futures::StreamExt as _;
        use tests::streaming::mock::MockServerExt as _;
        use tests::streaming::{Client, types};
        let server = MockServer::start().await;
        let request = types::ChatRequest { model: "m".to_owned(), messages: vec!["hi".to_owned()], stream: None };
        let tokens = vec![types::Token { text: "a".to_owned(), special: None }, types::Token { text: "b".to_owned(), special: Some(true) }];
        server.mock_generate_stream(|when| when.body(&request)).respond(200, &tokens).await;
        let notes = vec!["one".to_owned(), "two\nlines".to_owned()];
        server.mock_watch_notifications(|when| when.topic("news")).respond(200, &notes).await;
        let client = Client::builder().retry(RetryPolicy::none()).base_url(server.uri()).build().expect("a client");
        let stream = client.generate_stream(&request).await.expect("the stream starts");
        let got: Vec<types::Token> = stream.map(|item| item.expect("an item")).collect().await;
        assert_eq!(got, tokens);
        let params = types::WatchNotificationsParams { topic: "news".to_owned() };
        let stream = client.watch_notifications(&params).await.expect("the stream starts");
        let got: Vec<String> = stream.map(|item| item.expect("an item")).collect().await;
        assert_eq!(got, notes);
    }
}
