//! Which examples fit: specs in each input version, with the warnings'
//! locations and what they say.

use std::collections::BTreeMap;

use crate::context::Context;
use crate::load::load_spec;

const FILE: &str = "spec.yaml";

/// `(pointer, message)` of every `example-mismatch` warning of `text`.
fn mismatches(text: &str) -> Vec<(String, String)> {
    let loader = BTreeMap::from([(FILE.to_owned(), text.to_owned())]);
    let documents = load_spec(FILE, &loader).unwrap_or_else(|problems| panic!("spec does not load:\n{problems}"));
    let api = crate::lower::lower(&documents, &Context::default_for_tests()).unwrap_or_else(|problems| panic!("{problems}"));
    let mut found: Vec<(String, String)> =
        super::check(&documents, &api).warnings.into_iter().map(|warning| (warning.pointer, warning.message)).collect();
    found.sort();
    found
}

fn pointers(text: &str) -> Vec<String> {
    mismatches(text).into_iter().map(|(pointer, _)| pointer).collect()
}

const OPENAPI_30: &str = r##"
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /repos/{id}:
    parameters:
      - {name: id, in: path, required: true, schema: {type: integer}, example: "abc"}
    get:
      parameters:
        - {name: since, in: query, schema: {type: string, format: date-time}, example: "2024-01-01T00:00:00Z"}
        - {name: until, in: query, schema: {type: string, format: date-time}, example: "yesterday"}
      responses:
        "200":
          description: ok
          headers:
            X-Rate: {schema: {type: integer}, example: 5000}
            X-Id: {schema: {type: string, format: uuid}, example: "not-a-uuid"}
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Repo"}
              examples:
                good: {value: {id: 1, name: "a", has_discussions: false, owner: null}}
                shared: {$ref: "#/components/examples/full-repository"}
        "404":
          description: missing
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Problem"}
              example: {message: 404}
    post:
      requestBody:
        content:
          application/json:
            schema: {$ref: "#/components/schemas/Repo"}
            example: {id: 1, name: "a", has_discussions: true, owner: {login: "x"}, topics: ["t", 3]}
      responses:
        "201": {description: created}
components:
  examples:
    full-repository:
      value: {id: 1, name: "a", owner: {login: 7}, visibility: secret}
  schemas:
    Repo:
      type: object
      required: [id, name, has_discussions]
      properties:
        id: {type: integer, format: int64, example: 1.5}
        name: {type: string, example: "octocat"}
        has_discussions: {type: boolean}
        owner:
          nullable: true
          allOf: [{$ref: "#/components/schemas/User"}]
        topics: {type: array, items: {type: string}}
        visibility: {type: string, enum: [public, private]}
        pet: {$ref: "#/components/schemas/Pet"}
    User:
      type: object
      required: [login]
      properties:
        login: {type: string}
      example: {login: "ok"}
    Problem:
      type: object
      required: [message]
      properties:
        message: {type: string}
    Pet:
      oneOf:
        - {$ref: "#/components/schemas/Cat"}
        - {$ref: "#/components/schemas/Dog"}
      example: {barks: "loud"}
    Cat: {type: object, required: [meows], properties: {meows: {type: boolean}}}
    Dog: {type: object, required: [barks], properties: {barks: {type: boolean}}}
"##;

#[test]
fn openapi_30_examples() {
    let found = mismatches(OPENAPI_30);
    let pointers: Vec<&str> = found.iter().map(|(pointer, _)| pointer.as_str()).collect();
    assert_eq!(
        pointers,
        [
            "/components/examples/full-repository/value/has_discussions",
            "/components/schemas/Pet/example",
            "/components/schemas/Repo/properties/id/example",
            "/paths/~1repos~1{id}/get/parameters/1/example",
            "/paths/~1repos~1{id}/get/responses/200/headers/X-Id/example",
            "/paths/~1repos~1{id}/get/responses/404/content/application~1json/example/message",
            "/paths/~1repos~1{id}/parameters/0/example",
            "/paths/~1repos~1{id}/post/requestBody/content/application~1json/example/topics/1",
        ],
        "{found:#?}"
    );
    let message = |pointer: &str| found.iter().find(|(at, _)| at == pointer).map(|(_, message)| message.as_str()).unwrap_or_default();
    let full = message("/components/examples/full-repository/value/has_discussions");
    assert!(full.contains("required property absent"), "{full}");
    // Every misfit of the example is named, not only the first.
    assert!(full.contains("`/owner/login`: expected a string, found an integer"), "{full}");
    assert!(full.contains("`/visibility`: \"secret\" is not one of the enum's values"), "{full}");
    assert!(message("/components/schemas/Repo/properties/id/example").contains("expected an integer, found 1.5"));
    assert!(message("/paths/~1repos~1{id}/get/parameters/1/example").contains("is not a date-time"));
    assert!(message("/paths/~1repos~1{id}/get/responses/200/headers/X-Id/example").contains("is not a UUID"));
    let union = message("/components/schemas/Pet/example");
    assert!(union.contains("matches none of the union's alternatives"), "{union}");
}

#[test]
fn swagger_20_examples() {
    let text = r##"
swagger: "2.0"
info: {title: t, version: "1"}
paths:
  /pets:
    get:
      produces: [application/json]
      parameters:
        - {name: limit, in: query, type: integer, x-example: "ten"}
      responses:
        "200":
          description: ok
          schema: {type: array, items: {$ref: "#/definitions/Pet"}}
          examples:
            application/json: [{id: 1, name: "a"}, {id: "2"}]
            text/plain: "not checked"
definitions:
  Pet:
    type: object
    required: [id]
    properties:
      id: {type: integer}
      name: {type: string, example: 5}
"##;
    assert_eq!(
        pointers(text),
        [
            "/definitions/Pet/properties/name/example",
            "/paths/~1pets/get/parameters/0/x-example",
            "/paths/~1pets/get/responses/200/examples/application~1json/1/id",
        ]
    );
}

#[test]
fn openapi_31_examples() {
    let text = r##"
openapi: 3.1.0
info: {title: t, version: "1"}
paths: {}
components:
  schemas:
    Count:
      type: [integer, "null"]
      examples: [1, null, "many"]
    Event:
      type: object
      required: [at]
      properties:
        at: {type: string, format: date, examples: ["2024-02-30"]}
"##;
    assert_eq!(pointers(text), ["/components/schemas/Count/examples/2", "/components/schemas/Event/properties/at/examples/0"]);
}

#[test]
fn fitting_examples_raise_nothing() {
    let text = r##"
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /things:
    get:
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                additionalProperties: {type: integer}
              example: {a: 1, b: 2}
components:
  schemas:
    Tagged:
      oneOf: [{$ref: "#/components/schemas/A"}, {$ref: "#/components/schemas/B"}]
      discriminator: {propertyName: kind}
      example: {kind: B, b: 1}
    A: {type: object, required: [kind, a], properties: {kind: {type: string}, a: {type: string}}}
    B: {type: object, required: [kind, b], properties: {kind: {type: string}, b: {type: integer}}}
    Nullable: {type: string, nullable: true, example: null}
    Free: {example: {anything: [1, "x"]}}
"##;
    assert_eq!(mismatches(text), Vec::<(String, String)>::new());
}

#[test]
fn json_schema_strictness_the_client_forgives_is_named() {
    let text = r##"
openapi: 3.0.3
info: {title: t, version: "1"}
paths: {}
components:
  schemas:
    Alert:
      type: object
      properties:
        resolution: {type: string, nullable: true, enum: [fixed, wont_fix]}
        state: {type: string, nullable: true, enum: [open, null]}
      example: {resolution: null, state: null}
    Either:
      oneOf:
        - {type: object, properties: {a: {type: string}}}
        - {type: object, properties: {b: {type: string}}}
      example: {c: 1}
    Any:
      anyOf:
        - {type: object, properties: {a: {type: string}}}
        - {type: object, properties: {b: {type: string}}}
      example: {c: 1}
"##;
    let found = mismatches(text);
    let pointers: Vec<&str> = found.iter().map(|(pointer, _)| pointer.as_str()).collect();
    assert_eq!(pointers, ["/components/schemas/Alert/example/resolution", "/components/schemas/Either/example"], "{found:#?}");
    assert!(found[0].1.contains("reads it as `None`"), "{}", found[0].1);
    assert!(found[1].1.contains("fits more than one of the `oneOf` alternatives"), "{}", found[1].1);
}
