//! Wire-level behaviour of clients generated from Swagger 2.0 and OpenAPI
//! 3.1 fixtures (`tests/fixtures/ok/swagger2_*.yaml`, `oas31_*.yaml`)
//! against a local mock server: `formData` bodies and file uploads,
//! `collectionFormat` query and path encodings, 2.0 security and servers,
//! 3.1 binary bodies and `components.pathItems`.

use crate::support as wire;

use tests::runtime::FilePart;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use wire::{header_values, only_request};

async fn serve(verb: &str, at: &str, response: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method(verb)).and(path(at)).respond_with(response).expect(1).mount(&server).await;
    server
}

fn json_response(status: u16, body: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body.as_bytes().to_vec(), "application/json")
}

mod swagger2_forms {
    use super::*;
    use tests::swagger2_forms::Client;
    use tests::swagger2_forms::types::{LoginBody, UploadPhotoBody};

    #[tokio::test]
    async fn form_data_parameters_are_one_urlencoded_body() {
        let server = serve("POST", "/login", ResponseTemplate::new(204)).await;
        let client = Client::builder().base_url(server.uri()).build().expect("client builds");
        let body = LoginBody { username: "ann".to_owned(), password: "p&ss word".to_owned(), remember: Some(true) };
        client.login(&body).await.expect("204 is success");
        let request = only_request(&server).await;
        assert_eq!(header_values(&request, "content-type"), ["application/x-www-form-urlencoded"]);
        assert_eq!(String::from_utf8_lossy(&request.body), "username=ann&password=p%26ss+word&remember=true");
    }

    #[tokio::test]
    async fn a_file_parameter_makes_a_multipart_body_with_a_file_part() {
        let server = serve("POST", "/pets/7/upload", json_response(200, r#"{"size": 3}"#)).await;
        let client = Client::builder().base_url(server.uri()).build().expect("client builds");
        let body = UploadPhotoBody {
            caption: Some("Rex".to_owned()),
            file: FilePart::new(b"\x89PNG".to_vec()).file_name("rex.png").content_type("image/png"),
        };
        let response = client.upload_photo("7", &body).await.expect("200 is success");
        assert_eq!(response.size, Some(3));
        let request = only_request(&server).await;
        let content_type = header_values(&request, "content-type").join("");
        assert!(content_type.starts_with("multipart/form-data; boundary="), "{content_type}");
        let text = String::from_utf8_lossy(&request.body);
        assert!(text.contains("name=\"caption\"\r\n\r\nRex\r\n"), "{text}");
        assert!(text.contains("name=\"file\"; filename=\"rex.png\"") && text.contains("Content-Type: image/png"), "{text}");
        assert!(request.body.windows(4).any(|window| window == b"\x89PNG"), "file bytes sent unchanged");
    }
}

mod swagger2_collections {
    use super::*;
    use tests::swagger2_collections::types::SearchParams;
    use tests::swagger2_collections::{Client, DEFAULT_BASE_URL};

    #[test]
    fn host_and_base_path_are_the_server_url() {
        assert_eq!(DEFAULT_BASE_URL, "https://127.0.0.1/api");
    }

    #[tokio::test]
    async fn every_collection_format_is_encoded_as_declared() {
        let server = serve("GET", "/search/1,2,3", ResponseTemplate::new(204)).await;
        let client = Client::builder().base_url(server.uri()).build().expect("client builds");
        let two = || Some(vec!["a".to_owned(), "b".to_owned()]);
        let params = SearchParams {
            csv: two(),
            ssv: two(),
            pipes: two(),
            multi: two(),
            tsv: two(),
            x_tags: two(),
            x_tabbed: Some("a\tb".to_owned()),
        };
        client.search(&vec![1, 2, 3], &params).await.expect("204 is success");
        let request = only_request(&server).await;
        let pairs: Vec<(String, String)> = request.url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
        let expected: Vec<(String, String)> =
            [("csv", "a,b"), ("ssv", "a b"), ("pipes", "a|b"), ("multi", "a"), ("multi", "b"), ("tsv", "a\tb")]
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect();
        assert_eq!(pairs, expected, "csv, ssv, pipes, multi, tsv");
        assert!(request.url.query().is_some_and(|query| query.contains("tsv=a%09b")), "{:?}", request.url.query());
        assert_eq!(header_values(&request, "x-tags"), ["a,b"]);
        assert_eq!(header_values(&request, "x-tabbed"), ["a\tb"], "a tsv header is a string joined by the caller");
    }
}

mod swagger2_basics {
    use super::*;
    use tests::swagger2_basics::types::{Error as ApiError, ListPetsParams, PetStatus};
    use tests::swagger2_basics::{Client, DEFAULT_BASE_URL};

    #[test]
    fn https_is_preferred_among_schemes() {
        assert_eq!(DEFAULT_BASE_URL, "https://pets.example.com/v2");
    }

    #[tokio::test]
    async fn global_api_key_header_and_query_parameter_from_parameters_section() {
        let server =
            serve("GET", "/pets", json_response(200, r#"[{"id": 1, "name": "Rex", "kind": "dog", "status": "sold", "tag": null}]"#)).await;
        let client = Client::builder().base_url(server.uri()).api_key_header("k-1").build().expect("client builds");
        let pets = client.list_pets(&ListPetsParams { limit: Some(5) }).await.expect("200 decodes");
        assert_eq!(pets.len(), 1);
        assert_eq!((pets[0].status.clone(), pets[0].tag.clone()), (Some(PetStatus::Sold), Some(None)), "x-nullable keeps null apart");
        let request = only_request(&server).await;
        assert_eq!(header_values(&request, "x-api-key"), ["k-1"]);
        assert_eq!(request.url.query(), Some("limit=5"));
    }

    #[tokio::test]
    async fn operation_security_and_a_shared_error_response() {
        let server = serve("GET", "/pets/9", json_response(404, r#"{"message": "gone"}"#)).await;
        let client = Client::builder().base_url(server.uri()).api_key_query("q-1").build().expect("client builds");
        match client.get_pet(9).await {
            Err(tests::runtime::Error::Status(error)) => {
                assert_eq!(error.status, 404);
                let parsed: Option<ApiError> = error.parsed;
                assert_eq!(parsed, Some(ApiError { message: "gone".to_owned() }));
            }
            other => panic!("expected the documented 404, got {other:?}"),
        }
        let request = only_request(&server).await;
        assert_eq!(request.url.query(), Some("api_key=q-1"));
    }

    #[tokio::test]
    async fn a_file_response_is_bytes() {
        let server = serve("GET", "/pets/3/photo", ResponseTemplate::new(200).set_body_raw(b"\x89PNG".to_vec(), "image/png")).await;
        let client = Client::builder().base_url(server.uri()).api_key_header("k").build().expect("client builds");
        let photo = client.get_pet_photo(3).await.expect("bytes");
        assert_eq!(*photo, b"\x89PNG");
    }
}

mod oas31_document {
    use super::*;
    use tests::oas31_document::Client;

    #[tokio::test]
    async fn content_media_type_body_is_raw_bytes() {
        let server = serve("PUT", "/blobs/b1", ResponseTemplate::new(204)).await;
        let client = Client::builder().base_url(server.uri()).build().expect("client builds");
        client.put_blob("b1", b"\x00\x01raw").await.expect("204 is success");
        let request = only_request(&server).await;
        assert_eq!(header_values(&request, "content-type"), ["application/octet-stream"]);
        assert_eq!(request.body, b"\x00\x01raw");
    }

    #[tokio::test]
    async fn a_path_item_from_components_is_generated() {
        let server = serve("GET", "/items", json_response(200, r#"["a", "b"]"#)).await;
        let client = Client::builder().base_url(server.uri()).build().expect("client builds");
        assert_eq!(*client.list_items().await.expect("decodes"), ["a", "b"]);
    }
}

mod tolerant_paths {
    use super::*;
    use tests::tolerant_paths::Client;

    #[tokio::test]
    async fn an_undeclared_placeholder_is_a_string_and_a_stray_path_parameter_is_ignored() {
        let server = serve("GET", "/things/7/parts/a%2Fb", ResponseTemplate::new(204)).await;
        let client = Client::builder().base_url(server.uri()).build().expect("client builds");
        client.get_part(7, "a/b").await.expect("204 is success");
        let request = only_request(&server).await;
        assert_eq!(request.url.path(), "/things/7/parts/a%2Fb", "the placeholder is filled and encoded");
    }
}
