//! Wire-level behaviour of the fixture clients (the `tests` crate's library,
//! generated from `tests/fixtures/ok/*.yaml`) against a local mock server:
//! exact paths, query strings, headers, cookies, bodies, response decoding
//! and errors.

use crate::support as wire;

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tests::runtime::Error;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use wire::{assert_get_without_query, header_values, only_request};

fn json_response(status: u16, body: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body.as_bytes().to_vec(), "application/json")
}

fn raw_response(status: u16, body: &[u8], content_type: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body.to_vec(), content_type)
}

/// Starts a server answering `method path` with `response`, once.
async fn serve(verb: &str, at: &str, response: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method(verb)).and(path(at)).respond_with(response).expect(1).mount(&server).await;
    server
}

/// The decoded query string as ordered `(name, value)` pairs.
fn query_pairs(request: &Request) -> Vec<(String, String)> {
    request.url.query_pairs().map(|(name, value)| (name.into_owned(), value.into_owned())).collect()
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected.iter().map(|(name, value)| ((*name).to_owned(), (*value).to_owned())).collect()
}

/// The request body as JSON.
fn body_json(request: &Request) -> Value {
    serde_json::from_slice(&request.body)
        .unwrap_or_else(|error| panic!("body is not JSON ({error}): {}", String::from_utf8_lossy(&request.body)))
}

fn assert_no_header(request: &Request, name: &str) {
    assert!(header_values(request, name).is_empty(), "no `{name}` header expected, got {:?}", request.headers);
}

mod parameters {
    use super::*;
    use tests::parameters::types::{GetPartFilter, GetPartParams, GetReportsYearFormatFormat};
    use tests::parameters::{Client, DEFAULT_BASE_URL};

    /// Larger than 2^53: survives only if never routed through an f64.
    const ITEM_ID: i64 = 9_007_199_254_740_993;
    const PART: &str = "a b/c?d#ü";
    const PART_PATH: &str = "/items/9007199254740993/parts/a%20b%2Fc%3Fd%23%C3%BC";

    fn client(server: &MockServer) -> Client {
        Client::builder().base_url(server.uri()).build().expect("client builds")
    }

    fn minimal_params() -> GetPartParams {
        GetPartParams {
            verbose: false,
            tags: None,
            ids: None,
            piped: None,
            spaced: None,
            filter: None,
            x_request_id: "req-1".to_owned(),
            x_trace: None,
            session: None,
            limit: None,
        }
    }

    fn full_params() -> GetPartParams {
        GetPartParams {
            verbose: true,
            tags: Some(vec!["a".to_owned(), "b".to_owned()]),
            ids: Some(vec![1, 2]),
            piped: Some(vec!["a".to_owned(), "b".to_owned()]),
            spaced: Some(vec!["x".to_owned(), "y".to_owned()]),
            filter: Some(GetPartFilter { color: Some("red".to_owned()), size: Some(3) }),
            x_request_id: "req-42".to_owned(),
            x_trace: Some(vec!["a".to_owned(), "b".to_owned()]),
            session: Some("sess-1".to_owned()),
            limit: Some(5),
        }
    }

    async fn get_part(params: &GetPartParams) -> Request {
        let server = serve("GET", PART_PATH, json_response(200, r#"{"ok":true}"#)).await;
        let response = client(&server).get_part(ITEM_ID, PART, params).await.expect("call succeeds");
        assert_eq!(response.ok, Some(true));
        only_request(&server).await
    }

    #[test]
    fn default_base_url_substitutes_server_variables() {
        assert_eq!(DEFAULT_BASE_URL, "https://eu.params.example.com/v2");
        let client = Client::new().expect("client builds");
        assert_eq!(client.base_url(), "https://eu.params.example.com/v2");
    }

    #[tokio::test]
    async fn get_part_sends_exact_path_and_every_query_style() {
        let request = get_part(&full_params()).await;
        assert_eq!(request.method.as_str(), "GET");
        assert_eq!(request.url.path(), PART_PATH, "raw URL was {}", request.url);
        assert_eq!(
            query_pairs(&request),
            pairs(&[
                ("verbose", "true"),
                ("tags", "a"),
                ("tags", "b"),
                ("ids", "1,2"),
                ("piped", "a|b"),
                ("spaced", "x y"),
                ("filter[color]", "red"),
                ("filter[size]", "3"),
                ("limit", "5"),
            ]),
            "raw query was {:?}",
            request.url.query()
        );
        assert!(request.body.is_empty(), "GET must not carry a body");
    }

    #[tokio::test]
    async fn get_part_raw_query_repeats_tags_and_keeps_parameter_order() {
        let request = get_part(&full_params()).await;
        let raw = request.url.query().expect("a query string").to_owned();
        assert!(raw.starts_with("verbose=true&tags=a&tags=b&"), "{raw}");
        // deepObject names are `filter[color]` (brackets possibly encoded).
        let decoded_names: Vec<String> = query_pairs(&request).into_iter().map(|(n, _)| n).collect();
        assert!(decoded_names.contains(&"filter[color]".to_owned()), "{raw}");
        assert!(!raw.contains("filter="), "no plain `filter` pair: {raw}");
        assert!(raw.ends_with("&limit=5"), "{raw}");
    }

    #[tokio::test]
    async fn get_part_sends_header_and_cookie_parameters() {
        let request = get_part(&full_params()).await;
        assert_eq!(header_values(&request, "x-request-id"), ["req-42"]);
        assert_eq!(header_values(&request, "x-trace"), ["a,b"]);
        assert_eq!(header_values(&request, "cookie"), ["session=sess-1"]);
        // The spec's `Accept` header parameter is not duplicated: one Accept.
        assert_eq!(header_values(&request, "accept"), ["application/json"]);
    }

    #[tokio::test]
    async fn get_part_leaves_unset_optional_parameters_off_the_wire() {
        let request = get_part(&minimal_params()).await;
        assert_eq!(request.url.path(), PART_PATH);
        // Required `verbose` is always sent (also when false); `limit` has a
        // default in the spec but is not set, so it is not sent.
        assert_eq!(request.url.query(), Some("verbose=false"));
        assert_eq!(header_values(&request, "x-request-id"), ["req-1"]);
        assert_no_header(&request, "x-trace");
        assert_no_header(&request, "cookie");
        assert_eq!(header_values(&request, "accept"), ["application/json"]);
    }

    #[tokio::test]
    async fn get_part_empty_filter_and_partial_filter() {
        let mut params = minimal_params();
        params.filter = Some(GetPartFilter { color: None, size: Some(0) });
        params.limit = Some(-1);
        let request = get_part(&params).await;
        assert_eq!(query_pairs(&request), pairs(&[("verbose", "false"), ("filter[size]", "0"), ("limit", "-1")]));
    }

    #[tokio::test]
    async fn get_part_encodes_reserved_characters_in_query_values() {
        let mut params = minimal_params();
        params.tags = Some(vec!["a b".to_owned(), "c&d=e".to_owned(), "ü#".to_owned()]);
        let request = get_part(&params).await;
        assert_eq!(
            query_pairs(&request),
            pairs(&[("verbose", "false"), ("tags", "a b"), ("tags", "c&d=e"), ("tags", "ü#"),]),
            "raw query was {:?}",
            request.url.query()
        );
    }

    #[tokio::test]
    async fn get_part_header_with_newline_is_an_invalid_request_and_nothing_is_sent() {
        let server = MockServer::start().await;
        let mut params = minimal_params();
        params.x_request_id = "a\nInjected: yes".to_owned();
        let error = client(&server).get_part(ITEM_ID, PART, &params).await.expect_err("the request cannot be built");
        assert!(matches!(error, Error::InvalidRequest(_)), "expected InvalidRequest, got {error:?}");
        let received = server.received_requests().await.expect("recording");
        assert!(received.is_empty(), "nothing may be sent: {received:?}");
    }

    #[tokio::test]
    async fn report_without_operation_id_fills_two_placeholders_in_one_segment() {
        let server = serve("GET", "/reports/2024.csv", ResponseTemplate::new(204)).await;
        client(&server).get_reports_year_format(2024, &GetReportsYearFormatFormat::Csv).await.expect("call succeeds");
        let request = only_request(&server).await;
        assert_get_without_query(&request, "/reports/2024.csv");
        // No response body is documented: no media type is asked for
        // (reqwest's own `*/*` default stays).
        assert_eq!(header_values(&request, "accept"), ["*/*"]);
    }

    #[tokio::test]
    async fn report_unknown_format_is_sent_percent_encoded() {
        let server = serve("GET", "/reports/-1.x%20y", ResponseTemplate::new(204)).await;
        client(&server).get_reports_year_format(-1, &GetReportsYearFormatFormat::Unknown("x y".to_owned())).await.expect("call succeeds");
        let request = only_request(&server).await;
        assert_get_without_query(&request, "/reports/-1.x%20y");
    }

    #[tokio::test]
    async fn get_part_error_status_keeps_body_and_parses_json() {
        let server = serve("GET", PART_PATH, json_response(400, r#"{"why":"bad"}"#)).await;
        let error = client(&server).get_part(ITEM_ID, PART, &minimal_params()).await.expect_err("400 is an error");
        match error {
            Error::Status(error) => {
                assert_eq!(error.status.as_u16(), 400);
                assert_eq!(error.body, br#"{"why":"bad"}"#);
                assert_eq!(error.parsed, Some(json!({"why": "bad"})));
            }
            other => panic!("expected Error::Status, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn get_part_decode_error_names_the_failing_field() {
        let server = serve("GET", PART_PATH, json_response(200, r#"{"ok":"yes"}"#)).await;
        let error = client(&server).get_part(ITEM_ID, PART, &minimal_params()).await.expect_err("a string is not a boolean");
        match error {
            Error::Decode(error) => {
                assert_eq!(error.status.as_u16(), 200);
                assert_eq!(error.path, "ok");
                assert_eq!(error.body, br#"{"ok":"yes"}"#);
            }
            other => panic!("expected Error::Decode, got {other:?}"),
        }
    }
}

mod enums {
    use super::*;
    use tests::enums::Client;
    use tests::enums::types::{ListThingsParams, Status, ThingColor};

    #[tokio::test]
    async fn list_things_sends_enum_query_value_and_decodes_enums() {
        let server = serve(
            "GET",
            "/things",
            json_response(200, r#"[{"status":"foo bar","priority":2,"color":null},{"status":"later","color":"red"}]"#),
        )
        .await;
        let things = Client::builder()
            .base_url(server.uri())
            .build()
            .expect("client builds")
            .list_things(&ListThingsParams { status: Some(Status::FooBar) })
            .await
            .expect("call succeeds");
        assert_eq!(things.len(), 2);
        assert_eq!(things[0].status, Status::FooBar);
        assert_eq!(things[0].color, Some(None));
        assert_eq!(things[1].status, Status::Unknown("later".to_owned()));
        assert_eq!(things[1].color, Some(Some(ThingColor::Red)));

        let request = only_request(&server).await;
        assert_eq!(query_pairs(&request), pairs(&[("status", "foo bar")]), "raw query was {:?}", request.url.query());
    }

    #[tokio::test]
    async fn list_things_without_status_sends_no_query() {
        let server = serve("GET", "/things", json_response(200, "[]")).await;
        let things = Client::builder()
            .base_url(server.uri())
            .build()
            .expect("client builds")
            .list_things(&ListThingsParams::default())
            .await
            .expect("call succeeds");
        assert!(things.is_empty());
        assert_get_without_query(&only_request(&server).await, "/things");
    }
}

mod objects {
    use super::*;
    use tests::objects::Client;
    use tests::objects::types::WidgetPatch;

    const WIDGET: &str = r#"{"id":"w 1","name":"n","label":null,"comment":null,"dimensions":{"width":1}}"#;

    async fn patch(body: &WidgetPatch) -> (Request, tests::objects::types::Widget) {
        let server = serve("PATCH", "/widgets/w%201", json_response(200, WIDGET)).await;
        let widget = Client::builder()
            .base_url(server.uri())
            .build()
            .expect("client builds")
            .patch_widget("w 1", body)
            .await
            .expect("call succeeds")
            .into_inner();
        (only_request(&server).await, widget)
    }

    #[tokio::test]
    async fn patch_widget_sends_null_to_clear_and_omits_absent_fields() {
        let (request, widget) = patch(&WidgetPatch { name: None, comment: Some(None) }).await;
        assert_eq!(request.method.as_str(), "PATCH");
        assert_eq!(request.body, br#"{"comment":null}"#);
        assert_eq!(header_values(&request, "content-type"), ["application/json"]);
        assert_eq!(widget.id, "w 1");
        assert_eq!(widget.label, None);
        assert_eq!(widget.comment, Some(None));
        assert_eq!(widget.dimensions.width, 1.0);
    }

    #[tokio::test]
    async fn patch_widget_empty_patch_is_an_empty_object() {
        let (request, _) = patch(&WidgetPatch::default()).await;
        assert_eq!(request.body, b"{}");
    }

    #[tokio::test]
    async fn patch_widget_value_is_sent() {
        let (request, _) = patch(&WidgetPatch { name: Some("x".to_owned()), comment: Some(Some("c".to_owned())) }).await;
        assert_eq!(body_json(&request), json!({"name": "x", "comment": "c"}));
    }
}

mod naming {
    use super::*;
    use tests::naming::Client;
    use tests::naming::types::TypeParams;

    #[tokio::test]
    async fn keyword_named_operation_and_case_colliding_query_parameters() {
        let server = serve("GET", "/type/me", json_response(200, r#"{"type":"t","@id":"i"}"#)).await;
        let value = Client::builder()
            .base_url(server.uri())
            .build()
            .expect("client builds")
            .r#type("me", &TypeParams { r#async: Some("lower".to_owned()), async_2: Some("upper".to_owned()) })
            .await
            .expect("call succeeds");
        assert_eq!(value.r#type.as_deref(), Some("t"));
        assert_eq!(value.id.as_deref(), Some("i"));
        let request = only_request(&server).await;
        assert_eq!(query_pairs(&request), pairs(&[("async", "lower"), ("Async", "upper")]));
    }

    #[tokio::test]
    async fn suffixed_operation_calls_its_own_path() {
        let server = serve("GET", "/type-2", ResponseTemplate::new(204)).await;
        Client::builder().base_url(server.uri()).build().expect("client builds").type_2().await.expect("call succeeds");
        assert_get_without_query(&only_request(&server).await, "/type-2");
    }
}

mod one_of {
    use super::*;
    use tests::one_of::Client;
    use tests::one_of::types::{Event, Shape};

    #[tokio::test]
    async fn list_shapes_and_events_decode_tagged_unions() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/shapes"))
            .respond_with(json_response(200, r#"[{"shapeType":"circle","radius":1},{"shapeType":"star","points":5}]"#))
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/events"))
            .respond_with(json_response(200, r#"[{"type":"Deleted","id":"1","deletedAt":"2024-01-01T00:00:00Z"}]"#))
            .expect(1)
            .mount(&server)
            .await;
        let client = Client::builder().base_url(server.uri()).build().expect("client builds");
        let shapes = client.list_shapes().await.expect("shapes decode");
        assert!(matches!(&shapes[0], Shape::Circle(circle) if circle.radius == 1.0), "{shapes:?}");
        assert_eq!(shapes[1], Shape::Unknown(json!({"shapeType": "star", "points": 5})));
        let events = client.list_events().await.expect("events decode");
        assert!(matches!(&events[0], Event::Deleted(deleted) if deleted.id == "1"), "{events:?}");
    }

    #[tokio::test]
    async fn known_tag_with_wrong_shape_is_a_decode_error() {
        let server = serve("GET", "/shapes", json_response(200, r#"[{"shapeType":"square","side":1},{"shapeType":"circle"}]"#)).await;
        let error = Client::builder()
            .base_url(server.uri())
            .build()
            .expect("client builds")
            .list_shapes()
            .await
            .expect_err("a circle without radius does not decode");
        match error {
            Error::Decode(error) => assert!(error.path.starts_with("[1]"), "path {}", error.path),
            other => panic!("expected Error::Decode, got {other:?}"),
        }
    }
}

mod bodies {
    use super::*;
    use tests::bodies::Client;
    use tests::bodies::types::{Note, PostFormBody, PostMultipartBody};
    use tests::runtime::FilePart;

    fn client(server: &MockServer) -> Client {
        Client::builder().base_url(server.uri()).build().expect("client builds")
    }

    #[tokio::test]
    async fn post_json_prefers_json_over_xml_and_decodes_problem_json() {
        let server = serve("POST", "/json", raw_response(200, br#"{"text":"back"}"#, "application/problem+json")).await;
        let note = client(&server).post_json(&Note { text: "hi \"there\"".to_owned() }).await.expect("call succeeds");
        assert_eq!(note, Note { text: "back".to_owned() });
        let request = only_request(&server).await;
        assert_eq!(header_values(&request, "content-type"), ["application/json"]);
        assert_eq!(request.body, br#"{"text":"hi \"there\""}"#);
        assert_eq!(header_values(&request, "accept"), ["application/problem+json"]);
    }

    #[tokio::test]
    async fn put_vendor_json_sends_the_declared_content_type() {
        let server = serve("PUT", "/vendor-json", ResponseTemplate::new(204)).await;
        client(&server).put_vendor_json(Some(&Note { text: "v".to_owned() })).await.expect("call succeeds");
        let request = only_request(&server).await;
        assert_eq!(header_values(&request, "content-type"), ["application/vnd.example+json"]);
        assert_eq!(body_json(&request), json!({"text": "v"}));
    }

    #[tokio::test]
    async fn put_vendor_json_optional_body_absent_sends_nothing() {
        let server = serve("PUT", "/vendor-json", ResponseTemplate::new(204)).await;
        client(&server).put_vendor_json(None).await.expect("call succeeds");
        let request = only_request(&server).await;
        assert!(request.body.is_empty(), "no body expected");
        assert_no_header(&request, "content-type");
    }

    #[tokio::test]
    async fn post_form_sends_exact_urlencoded_bytes_in_field_order() {
        let server = serve("POST", "/form", ResponseTemplate::new(204)).await;
        client(&server)
            .post_form(&PostFormBody { name: "n".to_owned(), tags: Some(vec!["a".to_owned(), "b".to_owned()]), count: Some(2) })
            .await
            .expect("call succeeds");
        let request = only_request(&server).await;
        assert_eq!(header_values(&request, "content-type"), ["application/x-www-form-urlencoded"]);
        assert_eq!(String::from_utf8_lossy(&request.body), "name=n&tags=a&tags=b&count=2");
    }

    #[tokio::test]
    async fn post_form_encodes_values_and_omits_absent_fields() {
        let server = serve("POST", "/form", ResponseTemplate::new(204)).await;
        client(&server).post_form(&PostFormBody { name: "a b&c=d/ü".to_owned(), tags: None, count: None }).await.expect("call succeeds");
        let request = only_request(&server).await;
        let decoded: Vec<(String, String)> = url_decode_form(&request.body);
        assert_eq!(decoded, pairs(&[("name", "a b&c=d/ü")]));
        let raw = String::from_utf8_lossy(&request.body).into_owned();
        assert!(raw.starts_with("name="), "{raw}");
        assert!(!raw.contains('&'), "one pair only: {raw}");
    }

    /// Decodes an `application/x-www-form-urlencoded` body via a URL parser.
    fn url_decode_form(body: &[u8]) -> Vec<(String, String)> {
        let text = String::from_utf8_lossy(body);
        let url = reqwest::Url::parse(&format!("http://x/?{text}")).expect("valid URL");
        url.query_pairs().map(|(name, value)| (name.into_owned(), value.into_owned())).collect()
    }

    #[tokio::test]
    async fn post_multipart_sends_text_parts() {
        let server = serve("POST", "/multipart", ResponseTemplate::new(204)).await;
        client(&server)
            .post_multipart(&PostMultipartBody {
                title: Some("Hello title".to_owned()),
                size: Some(3),
                file: FilePart::new(b"file-bytes".to_vec()).file_name("f.bin"),
                attachments: None,
            })
            .await
            .expect("call succeeds");
        let request = only_request(&server).await;
        let content_type = header_values(&request, "content-type");
        assert_eq!(content_type.len(), 1, "{content_type:?}");
        assert!(content_type[0].starts_with("multipart/form-data; boundary="), "{content_type:?}");
        let boundary = content_type[0].split("boundary=").nth(1).expect("a boundary").to_owned();
        let body = String::from_utf8_lossy(&request.body).into_owned();
        assert!(body.contains(&format!("--{boundary}")), "{body}");
        assert!(body.contains("name=\"title\""), "{body}");
        assert!(body.contains("\r\n\r\nHello title\r\n"), "{body}");
        assert!(body.contains("name=\"size\""), "{body}");
        assert!(body.contains("\r\n\r\n3\r\n"), "{body}");
        // The required file part is there too, with its bytes.
        assert!(body.contains("name=\"file\"; filename=\"f.bin\""), "{body}");
        assert!(body.contains("\r\n\r\nfile-bytes\r\n"), "{body}");
        assert!(body.trim_end().ends_with(&format!("--{boundary}--")), "{body}");
    }

    #[tokio::test]
    async fn post_multipart_omits_absent_optional_fields() {
        let server = serve("POST", "/multipart", ResponseTemplate::new(204)).await;
        client(&server)
            .post_multipart(&PostMultipartBody {
                title: Some("only".to_owned()),
                size: None,
                file: FilePart::new(b"x".to_vec()),
                attachments: None,
            })
            .await
            .expect("call succeeds");
        let request = only_request(&server).await;
        let body = String::from_utf8_lossy(&request.body).into_owned();
        assert!(body.contains("name=\"title\""), "{body}");
        assert!(!body.contains("name=\"size\""), "{body}");
        assert!(!body.contains("name=\"attachments\""), "{body}");
    }

    #[tokio::test]
    async fn upload_sends_raw_bytes_with_octet_stream() {
        let server = serve("PUT", "/upload", ResponseTemplate::new(204)).await;
        let bytes = [0_u8, 255, 1, b'\n', 0x80];
        client(&server).upload(&bytes).await.expect("call succeeds");
        let request = only_request(&server).await;
        assert_eq!(request.body, bytes);
        assert_eq!(header_values(&request, "content-type"), ["application/octet-stream"]);
    }

    #[tokio::test]
    async fn post_text_sends_and_receives_plain_text() {
        let server = serve("POST", "/text", raw_response(200, "écho: {not json}".as_bytes(), "text/plain; charset=utf-8")).await;
        let echoed = client(&server).post_text("héllo\nworld").await.expect("call succeeds");
        assert_eq!(*echoed, "écho: {not json}");
        let request = only_request(&server).await;
        assert_eq!(request.body, "héllo\nworld".as_bytes());
        assert_eq!(header_values(&request, "content-type"), ["text/plain"]);
        assert_eq!(header_values(&request, "accept"), ["text/plain"]);
    }
}

mod responses {
    use super::*;
    use tests::responses::Client;
    use tests::responses::types::{PingResponse, Problem, ResultType, StartJobBody, StartJobError, StartJobResponse, Ticket};

    fn client(server: &MockServer) -> Client {
        Client::builder().base_url(server.uri()).build().expect("client builds")
    }

    async fn start_job(response: ResponseTemplate) -> Result<StartJobResponse, Error<StartJobError>> {
        let server = serve("POST", "/jobs", response).await;
        let result = client(&server).start_job(None).await;
        let request = only_request(&server).await;
        assert_eq!(header_values(&request, "accept"), ["application/json, text/plain"]);
        result.map(tests::runtime::Response::into_inner)
    }

    async fn start_job_error(response: ResponseTemplate) -> tests::runtime::StatusError<StartJobError> {
        match start_job(response).await {
            Err(Error::Status(error)) => *error,
            other => panic!("expected Error::Status, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn start_job_200_is_the_ok_variant() {
        let result = start_job(json_response(200, r#"{"value":7}"#)).await;
        assert_eq!(result.expect("200 succeeds"), StartJobResponse::Ok(ResultType { value: Some(7) }));
    }

    #[tokio::test]
    async fn start_job_202_is_the_accepted_variant() {
        let result = start_job(json_response(202, r#"{"ticket":"t-1"}"#)).await;
        assert_eq!(result.expect("202 succeeds"), StartJobResponse::Accepted(Ticket { ticket: "t-1".to_owned() }));
    }

    #[tokio::test]
    async fn start_job_204_is_no_content() {
        let result = start_job(ResponseTemplate::new(204)).await;
        assert_eq!(result.expect("204 succeeds"), StartJobResponse::NoContent);
    }

    #[tokio::test]
    async fn start_job_202_with_the_200_body_is_a_decode_error() {
        match start_job(json_response(202, r#"{"value":7}"#)).await {
            Err(Error::Decode(error)) => {
                assert_eq!(error.status.as_u16(), 202);
                assert_eq!(error.body, br#"{"value":7}"#);
            }
            other => panic!("expected Error::Decode, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn start_job_sends_optional_body_when_given() {
        let server = serve("POST", "/jobs", ResponseTemplate::new(204)).await;
        client(&server).start_job(Some(&StartJobBody { name: Some("build".to_owned()) })).await.expect("call succeeds");
        let request = only_request(&server).await;
        assert_eq!(request.body, br#"{"name":"build"}"#);
        assert_eq!(header_values(&request, "content-type"), ["application/json"]);
    }

    #[tokio::test]
    async fn start_job_without_body_sends_none() {
        let server = serve("POST", "/jobs", ResponseTemplate::new(204)).await;
        client(&server).start_job(None).await.expect("call succeeds");
        let request = only_request(&server).await;
        assert!(request.body.is_empty());
        assert_no_header(&request, "content-type");
    }

    #[tokio::test]
    async fn start_job_404_is_the_not_found_variant() {
        let body = r#"{"title":"no such job","status":404}"#;
        let error = start_job_error(json_response(404, body)).await;
        assert_eq!(error.status.as_u16(), 404);
        assert_eq!(error.body, body.as_bytes());
        assert_eq!(error.parsed, Some(StartJobError::NotFound(Problem { title: "no such job".to_owned(), status: Some(404) })));
    }

    #[tokio::test]
    async fn start_job_418_is_the_4xx_range_variant() {
        let error = start_job_error(json_response(418, r#"{"title":"teapot"}"#).insert_header("x-extra", "kept")).await;
        assert_eq!(error.status.as_u16(), 418);
        assert_eq!(error.parsed, Some(StartJobError::Status4xx(Problem { title: "teapot".to_owned(), status: None })));
        assert_eq!(error.headers.get("x-extra").map(|value| value.as_bytes()), Some(&b"kept"[..]));
    }

    #[tokio::test]
    async fn start_job_4xx_with_unparseable_body_keeps_the_raw_body() {
        let error = start_job_error(raw_response(400, b"<html>nope</html>", "text/html")).await;
        assert_eq!(error.status.as_u16(), 400);
        assert_eq!(error.parsed, None);
        assert_eq!(error.body_text(), "<html>nope</html>");
    }

    #[tokio::test]
    async fn start_job_500_text_is_the_default_variant() {
        let error = start_job_error(raw_response(500, b"boom: disk full", "text/plain")).await;
        assert_eq!(error.status.as_u16(), 500);
        assert_eq!(error.parsed, Some(StartJobError::Default("boom: disk full".to_owned())));
        assert_eq!(error.body, b"boom: disk full");
    }

    #[tokio::test]
    async fn start_job_error_accessors() {
        let error = start_job(json_response(404, r#"{"title":"x"}"#)).await.expect_err("404 fails");
        assert_eq!(error.status().map(|status| status.as_u16()), Some(404));
        assert!(!error.is_timeout());
        assert_eq!(error.error_body(), Some(&StartJobError::NotFound(Problem { title: "x".to_owned(), status: None })));
        assert!(error.to_string().contains("404"), "{error}");
    }

    #[tokio::test]
    async fn get_job_log_returns_text() {
        let server = serve("GET", "/jobs/j%2F1/log", raw_response(200, b"line 1\nline 2\n", "text/plain")).await;
        let log = client(&server).get_job_log("j/1").await.expect("call succeeds");
        assert_eq!(*log, "line 1\nline 2\n");
        let request = only_request(&server).await;
        assert_get_without_query(&request, "/jobs/j%2F1/log");
        assert_eq!(header_values(&request, "accept"), ["text/plain"]);
    }

    #[tokio::test]
    async fn get_artifact_returns_bytes() {
        let bytes = [0x89_u8, b'P', b'N', b'G', 0, 0xff];
        let server = serve("GET", "/jobs/j1/artifact", raw_response(200, &bytes, "application/octet-stream")).await;
        let artifact = client(&server).get_artifact("j1").await.expect("call succeeds");
        assert_eq!(*artifact, bytes);
        let request = only_request(&server).await;
        assert_eq!(header_values(&request, "accept"), ["application/octet-stream"]);
    }

    #[tokio::test]
    async fn put_artifact_accepts_any_2xx() {
        for status in [200_u16, 201, 204, 299] {
            let server = serve("PUT", "/jobs/j1/artifact", ResponseTemplate::new(status)).await;
            client(&server).put_artifact("j1", b"\x00data").await.unwrap_or_else(|error| panic!("{status} must succeed: {error:?}"));
            let request = only_request(&server).await;
            assert_eq!(request.body, b"\x00data");
            assert_eq!(header_values(&request, "content-type"), ["application/octet-stream"]);
        }
    }

    #[tokio::test]
    async fn put_artifact_outside_2xx_is_a_status_error() {
        let server = serve("PUT", "/jobs/j1/artifact", json_response(409, r#"{"c":1}"#)).await;
        match client(&server).put_artifact("j1", b"x").await {
            Err(Error::Status(error)) => {
                assert_eq!(error.status.as_u16(), 409);
                assert_eq!(error.parsed, Some(json!({"c": 1})));
            }
            other => panic!("expected Error::Status, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn ping_default_only_response_decodes_on_200() {
        let server = serve("GET", "/ping", json_response(200, r#"{"pong":true}"#)).await;
        let pong = client(&server).ping().await.expect("200 decodes");
        assert_eq!(pong, PingResponse { pong: Some(true) });
        assert_eq!(header_values(&only_request(&server).await, "accept"), ["application/json"]);
    }

    #[tokio::test]
    async fn ping_default_only_response_decodes_on_503_too() {
        let server = serve("GET", "/ping", json_response(503, r#"{"pong":false}"#)).await;
        let client = client(&server).with_retry(tests::runtime::RetryPolicy::none());
        let pong = client.ping().await.expect("default is the success");
        assert_eq!(pong, PingResponse { pong: Some(false) });
    }

    #[tokio::test]
    async fn ping_times_out_with_a_slow_server() {
        let server = serve("GET", "/ping", json_response(200, "{}").set_delay(wire::SERVER_DELAY)).await;
        let client = Client::builder().base_url(server.uri()).timeout(wire::CLIENT_TIMEOUT).build().expect("client builds");
        let started = Instant::now();
        let error = client.ping().await.expect_err("times out");
        let elapsed = started.elapsed();
        assert!(error.is_timeout(), "expected a timeout, got {error:?}");
        assert!(elapsed >= wire::CLIENT_TIMEOUT - Duration::from_millis(50), "took {elapsed:?}");
        assert!(elapsed < wire::TIMEOUT_BUDGET, "took {elapsed:?}");
    }
}

mod security {
    use super::*;
    use tests::security::{Client, ClientBuilder};

    const TOKEN: &str = "t";

    fn builder(server: &MockServer) -> ClientBuilder {
        Client::builder().base_url(server.uri())
    }

    /// A builder with every credential configured.
    fn all_credentials(server: &MockServer) -> ClientBuilder {
        builder(server).bearer(TOKEN).basic("user", Some("pass".to_owned())).header_key("hk").query_key("qk").cookie_key("ck").oauth("ot")
    }

    /// Calls `op` on a client built by `client` against a server answering
    /// 204 at `at`; returns the one request it sent.
    pub(super) async fn call(at: &str, client: impl FnOnce(&MockServer) -> Client, op: Op) -> Request {
        let server = serve("GET", at, ResponseTemplate::new(204)).await;
        let client = client(&server);
        let result = match op {
            Op::Global => client.uses_global().await,
            Op::Either => client.uses_either().await,
            Op::Cookie => client.uses_cookie().await,
            Op::Optional => client.optional_auth().await,
            Op::Public => client.public_endpoint().await,
            Op::Oauth => client.uses_oauth().await,
        };
        result.expect("call succeeds");
        only_request(&server).await
    }

    #[derive(Clone, Copy)]
    pub(super) enum Op {
        Global,
        Either,
        Cookie,
        Optional,
        Public,
        Oauth,
    }

    fn with_all_credentials(server: &MockServer) -> Client {
        all_credentials(server).build().expect("client builds")
    }

    pub(super) fn with_bearer(server: &MockServer) -> Client {
        builder(server).bearer(TOKEN).build().expect("client builds")
    }

    fn assert_no_credentials(request: &Request) {
        assert_no_header(request, "authorization");
        assert_no_header(request, "x-api-key");
        assert_no_header(request, "cookie");
        assert_eq!(request.url.query(), None, "raw URL was {}", request.url);
    }

    #[tokio::test]
    async fn uses_global_sends_the_global_bearer() {
        let request = call("/global", with_bearer, Op::Global).await;
        assert_eq!(header_values(&request, "authorization"), ["Bearer t"]);
        assert_get_without_query(&request, "/global");
    }

    #[tokio::test]
    async fn uses_global_without_credentials_sends_nothing() {
        let request = call("/global", |server| builder(server).build().expect("client builds"), Op::Global).await;
        assert_no_credentials(&request);
    }

    #[tokio::test]
    async fn uses_either_with_header_and_query_keys_sends_both() {
        let request =
            call("/either", |server| builder(server).header_key("hk").query_key("qk").build().expect("client builds"), Op::Either).await;
        assert_eq!(header_values(&request, "x-api-key"), ["hk"]);
        assert_eq!(query_pairs(&request), pairs(&[("api_key", "qk")]));
        assert_no_header(&request, "authorization");
    }

    #[tokio::test]
    async fn uses_either_with_everything_uses_only_the_first_alternative() {
        let request = call("/either", with_all_credentials, Op::Either).await;
        assert_eq!(header_values(&request, "x-api-key"), ["hk"]);
        assert_eq!(query_pairs(&request), pairs(&[("api_key", "qk")]));
        // Neither basic nor the (not accepted here) bearer is sent.
        assert_no_header(&request, "authorization");
        assert_no_header(&request, "cookie");
    }

    #[tokio::test]
    async fn uses_either_with_only_basic_sends_basic() {
        let request =
            call("/either", |server| builder(server).basic("user", Some("pass".to_owned())).build().expect("client builds"), Op::Either)
                .await;
        // base64("user:pass")
        assert_eq!(header_values(&request, "authorization"), ["Basic dXNlcjpwYXNz"]);
        assert_no_header(&request, "x-api-key");
        assert_eq!(request.url.query(), None);
    }

    #[tokio::test]
    async fn uses_either_basic_without_password() {
        let request = call("/either", |server| builder(server).basic("user", None).build().expect("client builds"), Op::Either).await;
        // base64("user:")
        assert_eq!(header_values(&request, "authorization"), ["Basic dXNlcjo="]);
    }

    #[tokio::test]
    async fn uses_either_with_half_of_an_alternative_falls_back_to_basic() {
        let request = call(
            "/either",
            |server| builder(server).header_key("hk").basic("user", Some("pass".to_owned())).build().expect("client builds"),
            Op::Either,
        )
        .await;
        assert_eq!(header_values(&request, "authorization"), ["Basic dXNlcjpwYXNz"]);
        assert_no_header(&request, "x-api-key");
        assert_eq!(request.url.query(), None);
    }

    #[tokio::test]
    async fn uses_either_with_neither_sends_nothing() {
        let request =
            call("/either", |server| builder(server).query_key("qk").bearer(TOKEN).build().expect("client builds"), Op::Either).await;
        assert_no_credentials(&request);
    }

    #[tokio::test]
    async fn uses_cookie_sends_the_cookie_key() {
        let request = call("/cookie", |server| builder(server).cookie_key("ck-1").build().expect("client builds"), Op::Cookie).await;
        assert_eq!(header_values(&request, "cookie"), ["sid=ck-1"]);
        assert_no_header(&request, "authorization");
    }

    #[tokio::test]
    async fn uses_cookie_with_everything_sends_only_the_cookie() {
        let request = call("/cookie", with_all_credentials, Op::Cookie).await;
        assert_eq!(header_values(&request, "cookie"), ["sid=ck"]);
        assert_no_header(&request, "authorization");
        assert_no_header(&request, "x-api-key");
        assert_eq!(request.url.query(), None);
    }

    #[tokio::test]
    async fn optional_auth_without_credentials_sends_nothing() {
        let request = call("/optional", |server| builder(server).build().expect("client builds"), Op::Optional).await;
        assert_no_credentials(&request);
    }

    #[tokio::test]
    async fn public_endpoint_never_sends_credentials() {
        let request = call("/public", with_all_credentials, Op::Public).await;
        assert_no_credentials(&request);
        assert_get_without_query(&request, "/public");
    }

    #[tokio::test]
    async fn uses_oauth_sends_the_oauth_token_as_bearer() {
        let request = call("/oauth", |server| builder(server).oauth("ot-1").build().expect("client builds"), Op::Oauth).await;
        assert_eq!(header_values(&request, "authorization"), ["Bearer ot-1"]);
    }

    #[tokio::test]
    async fn uses_oauth_with_everything_sends_the_oauth_token_only() {
        let request = call("/oauth", with_all_credentials, Op::Oauth).await;
        assert_eq!(header_values(&request, "authorization"), ["Bearer ot"]);
        assert_no_header(&request, "x-api-key");
        assert_no_header(&request, "cookie");
        assert_eq!(request.url.query(), None);
    }

    #[test]
    fn client_debug_redacts_credentials() {
        let client = Client::builder()
            .base_url("http://127.0.0.1:9")
            .bearer("secret-bearer")
            .basic("user", Some("secret-pass".to_owned()))
            .header_key("secret-hk")
            .build()
            .expect("client builds");
        let debug = format!("{client:?}");
        for secret in ["secret-bearer", "secret-pass", "secret-hk"] {
            assert!(!debug.contains(secret), "{secret} leaked: {debug}");
        }
    }
}

mod external_refs {
    use super::*;
    use tests::external_refs::Client;
    use tests::external_refs::types::{Currency, ListPricesParams, Money};

    fn client(server: &MockServer) -> Client {
        Client::builder().base_url(server.uri()).build().expect("client builds")
    }

    #[tokio::test]
    async fn list_prices_decodes_money_with_shared_currency() {
        let server = serve(
            "GET",
            "/prices",
            json_response(200, r#"[{"amount":1999,"currency":"EUR"},{"amount":5,"currency":"USD"},{"amount":1,"currency":"JPY"}]"#),
        )
        .await;
        let prices = client(&server).list_prices(&ListPricesParams { page: Some(2) }).await.expect("call succeeds");
        assert_eq!(
            prices,
            vec![
                Money { amount: 1999, currency: Currency::Eur },
                Money { amount: 5, currency: Currency::Usd },
                Money { amount: 1, currency: Currency::Unknown("JPY".to_owned()) },
            ]
        );
        let request = only_request(&server).await;
        assert_eq!(query_pairs(&request), pairs(&[("page", "2")]));
        assert_eq!(header_values(&request, "accept"), ["application/json"]);
    }

    #[tokio::test]
    async fn list_prices_without_page_sends_no_query() {
        let server = serve("GET", "/prices", json_response(200, "[]")).await;
        let prices = client(&server).list_prices(&ListPricesParams::default()).await.expect("call succeeds");
        assert!(prices.is_empty());
        assert_get_without_query(&only_request(&server).await, "/prices");
    }

    #[tokio::test]
    async fn create_price_sends_the_json_body() {
        let server = serve("POST", "/prices", ResponseTemplate::new(201).insert_header("location", "/prices/1")).await;
        client(&server).create_price(&Money { amount: 250, currency: Currency::Usd }).await.expect("call succeeds");
        let request = only_request(&server).await;
        assert_eq!(request.body, br#"{"amount":250,"currency":"USD"}"#);
        assert_eq!(header_values(&request, "content-type"), ["application/json"]);
    }

    #[tokio::test]
    async fn create_price_200_is_not_the_documented_201() {
        let server = serve("POST", "/prices", ResponseTemplate::new(200)).await;
        let error = client(&server).create_price(&Money { amount: 1, currency: Currency::Eur }).await.expect_err("only 201 is documented");
        assert_eq!(error.status().map(|status| status.as_u16()), Some(200));
    }
}

/// `security: [{}, {bearer: []}]` makes authentication optional, not
/// forbidden: a caller who configured a bearer token must send it (the
/// builder promises credentials are "sent with every operation that
/// accepts it"). Alternatives in a security list are unordered
/// ("only one needs to be satisfied"), so listing `{}` first must not
/// make the operation behave like `security: []`.
#[tokio::test]
async fn optional_auth_with_bearer_configured_sends_it() {
    let request = security::call("/optional", security::with_bearer, security::Op::Optional).await;
    assert_eq!(header_values(&request, "authorization"), ["Bearer t"]);
}

/// A cookie parameter value must not be able to inject other cookies:
/// `style: form` percent-encodes reserved characters (RFC 6570), and
/// `;`, `,`, space and `"` are not allowed in a cookie value (RFC 6265).
#[tokio::test]
async fn cookie_parameter_value_is_percent_encoded() {
    use tests::parameters::Client;
    use tests::parameters::types::GetPartParams;

    let server = serve("GET", "/items/1/parts/p", json_response(200, "{}")).await;
    Client::builder()
        .base_url(server.uri())
        .build()
        .expect("client builds")
        .get_part(
            1,
            "p",
            &GetPartParams {
                verbose: false,
                tags: None,
                ids: None,
                piped: None,
                spaced: None,
                filter: None,
                x_request_id: "r".to_owned(),
                x_trace: None,
                session: Some("a b; admin=1".to_owned()),
                limit: None,
            },
        )
        .await
        .expect("call succeeds");
    let request = only_request(&server).await;
    assert_eq!(header_values(&request, "cookie"), ["session=a%20b%3B%20admin%3D1"]);
}

/// Path styles (`simple`, `label`, `matrix`, with and without `explode`)
/// write arrays and objects into the path as OpenAPI specifies.
mod path_styles {
    use super::*;
    use tests::path_styles::{Client, types};

    async fn path_of(call: impl AsyncFnOnce(&Client) -> Result<tests::runtime::Response<()>, tests::runtime::Error>) -> String {
        let server = MockServer::start().await;
        Mock::given(wiremock::matchers::any()).respond_with(ResponseTemplate::new(204)).mount(&server).await;
        let client = Client::builder().base_url(server.uri()).build().expect("client builds");
        call(&client).await.expect("204 is success");
        let requests = server.received_requests().await.expect("recording is on");
        requests[0].url.path().to_owned()
    }

    #[tokio::test]
    async fn simple_label_and_matrix_paths() {
        let object = types::SimpleStyleObj { role: Some("admin".to_owned()), name: Some("Al ex".to_owned()) };
        let path = path_of(async |client| client.simple_style(&vec![3, 4, 5], &object).await).await;
        assert_eq!(path, "/simple/3,4,5/role=admin,name=Al%20ex");

        let path = path_of(async |client| client.label_style("a b", &vec!["x".to_owned(), "y".to_owned()]).await).await;
        assert_eq!(path, "/label/.a%20b/.x.y");

        let matrix = types::MatrixStyleObj { role: Some("admin".to_owned()), name: None };
        let ids = vec!["x".to_owned(), "y".to_owned()];
        let path = path_of(async |client| client.matrix_style("5", &ids, &matrix).await).await;
        assert_eq!(path, "/matrix/;id=5/;ids=x;ids=y/;obj=role,admin");
    }
}
