//! The Swagger 2.0 reader, straight from the JSON value into the model.
//!
//! * `definitions`, `parameters`, `responses` and `securityDefinitions`
//!   become components, each at the pointer it is written at, so a `$ref`
//!   to `#/definitions/Pet` finds it and diagnostics name it as written.
//! * `in: body` is the request body (one media type per `consumes` entry);
//!   `in: formData` parameters are the properties of one form or multipart
//!   body (multipart when `consumes` says so or a parameter is
//!   `type: file`, which is a file part). Parameter `$ref`s are followed
//!   here, because whether a parameter is part of the body depends on it.
//! * `collectionFormat` becomes a style: `csv` → `form`/`simple` without
//!   explode, `ssv` → `spaceDelimited`, `pipes` → `pipeDelimited`, `multi`
//!   → exploded `form`, `tsv` → tab-separated in a query. Outside a query
//!   `tsv` has no 3.x style: the parameter is a string the caller joins
//!   with tabs (a warning says so).
//! * `host` + `basePath` + `schemes` (https preferred) is the server URL.
//! * `x-nullable` and the string `discriminator` are read by
//!   [`Reader::schema`].

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::json::{METHODS, Reader, extensions, flag, object, string, strings};
use crate::confine::join_ref;
use crate::diagnostics::Code;
use crate::model::{
    Components, Document, Header, Info, MediaType, Node, Operation, Parameter, ParameterIn, PathItem, RequestBody, Response, Schema,
    SchemeKind, SecurityScheme, Server, Style, Version,
};
use crate::pointer::Location;
use crate::pointer::Pointer;

/// The longest parameter `$ref` chain followed.
const MAX_HOPS: usize = 64;

/// State for reading one Swagger 2.0 document (and fragments of the files
/// it references).
pub struct Swagger<'a> {
    /// The shared JSON reader (schemas, problems).
    pub reader: Reader,
    /// Every loaded file.
    pub raw: &'a BTreeMap<String, Value>,
    /// The root spec's path.
    pub root_file: &'a str,
    /// The tree `$ref`s are confined to (`load::Documents::tree`).
    pub tree: &'a str,
    /// Global `consumes`.
    pub consumes: Vec<String>,
    /// Global `produces`.
    pub produces: Vec<String>,
}

/// Global `consumes` and `produces` of a 2.0 root document.
pub fn media_defaults(root: &Value) -> (Vec<String>, Vec<String>) {
    let empty = Map::new();
    let map = root.as_object().unwrap_or(&empty);
    (strings(map, "consumes"), strings(map, "produces"))
}

impl<'a> Swagger<'a> {
    /// A reader for the 2.0 document `root_file`, whose files are `raw`.
    pub fn new(raw: &'a BTreeMap<String, Value>, root_file: &'a str, tree: &'a str, consumes: Vec<String>, produces: Vec<String>) -> Self {
        Self { reader: Reader::new(Version::Swagger2), raw, root_file, tree, consumes, produces }
    }

    /// Reads the whole document.
    pub fn document(&mut self, root: &Value) -> Document {
        let at = Location::new(self.root_file, Pointer::root());
        let empty = Map::new();
        let map = root.as_object().unwrap_or(&empty);
        let info = object(map, "info");
        let info = Info {
            title: info.and_then(|info| string(info, "title")).unwrap_or_default(),
            version: info.and_then(|info| string(info, "version")).unwrap_or_default(),
            description: info.and_then(|info| string(info, "description")),
        };
        let mut components = Components::default();
        if let Some(definitions) = object(map, "definitions") {
            for (name, value) in definitions {
                let node = self.reader.schema(value, &at.join(["definitions", name.as_str()]));
                components.schemas.insert(name.clone(), node);
            }
        }
        if let Some(parameters) = object(map, "parameters") {
            for (name, value) in parameters {
                let param_at = at.join(["parameters", name.as_str()]);
                if let Some(map) = value.as_object()
                    && !matches!(map.get("in").and_then(Value::as_str), Some("body" | "formData"))
                    && let Some(parameter) = self.parameter(map, &param_at)
                {
                    components.parameters.insert(name.clone(), Node::item(param_at, parameter));
                }
            }
        }
        if let Some(responses) = object(map, "responses") {
            for (name, value) in responses {
                let response_at = at.join(["responses", name.as_str()]);
                let produces = self.produces.clone();
                if let Some(node) = self.response_node(value, &response_at, &produces) {
                    components.responses.insert(name.clone(), node);
                }
            }
        }
        if let Some(schemes) = object(map, "securityDefinitions") {
            for (name, value) in schemes {
                let scheme_at = at.join(["securityDefinitions", name.as_str()]);
                if let Some(scheme) = value.as_object().and_then(|scheme| self.security_scheme(scheme, &scheme_at)) {
                    components.security_schemes.insert(name.clone(), Node::item(scheme_at, scheme));
                }
            }
        }
        let paths = object(map, "paths")
            .map(|paths| {
                paths
                    .iter()
                    .filter(|(path, _)| path.starts_with('/'))
                    .filter_map(|(path, value)| {
                        let item_at = at.join(["paths", path.as_str()]);
                        let item = value.as_object()?;
                        let node = match item.get("$ref").and_then(Value::as_str) {
                            Some(reference) => Node::reference(item_at, reference),
                            None => Node::item(item_at.clone(), self.path_item(item, &item_at)),
                        };
                        Some((path.clone(), node))
                    })
                    .collect()
            })
            .unwrap_or_default();
        Document {
            dialect: crate::model::Dialect::of(Version::Swagger2),
            info,
            servers: server(map).into_iter().collect(),
            paths,
            components,
            security: self.reader.security(map, &at),
        }
    }

    /// A path item's operations, with its own parameters folded into each.
    pub fn path_item(&mut self, map: &Map<String, Value>, at: &Location) -> PathItem {
        let shared = self.raw_parameters(map, at);
        let mut item = PathItem::default();
        for (_, parameter, param_at) in &shared {
            if let Some(parameter) = self.non_body(parameter, param_at) {
                item.parameters.push(Node::item(param_at.clone(), parameter));
            }
        }
        for method in METHODS {
            if let Some(operation) = object(map, method.key()) {
                let operation = self.operation(operation, &at.push(method.key()), &shared);
                item.operations.push((method, operation));
            }
        }
        item
    }

    /// The parameters of `map`, each followed through its `$ref`s, with
    /// `in` and where its definition is.
    fn raw_parameters(&mut self, map: &Map<String, Value>, at: &Location) -> Vec<(String, Map<String, Value>, Location)> {
        let Some(list) = map.get("parameters").and_then(Value::as_array) else { return Vec::new() };
        let mut found = Vec::new();
        for (index, value) in list.iter().enumerate() {
            let param_at = at.join(["parameters", index.to_string().as_str()]);
            if let Some((parameter, definition_at)) = self.follow(value, &param_at) {
                let location = string(&parameter, "in").unwrap_or_default();
                found.push((location, parameter, definition_at));
            }
        }
        found
    }

    /// Follows `$ref`s from `value` (written at `at`) to an object.
    fn follow(&mut self, value: &Value, at: &Location) -> Option<(Map<String, Value>, Location)> {
        let mut value = value.clone();
        let mut here = at.clone();
        for _ in 0..MAX_HOPS {
            let Some(map) = value.as_object() else {
                self.reader.problem(Code::InvalidDocument, &here, "expected a parameter (an object)");
                return None;
            };
            let Some(reference) = map.get("$ref").and_then(Value::as_str) else { return Some((map.clone(), here)) };
            let (file, fragment) = reference.split_once('#').unwrap_or((reference, ""));
            let file = if file.is_empty() {
                here.file.clone()
            } else {
                match join_ref(self.tree, &here.file, file) {
                    Ok(file) => file,
                    Err(refusal) => {
                        let quoted = (here.file == self.root_file).then_some(file);
                        let message = refusal.message(quoted, self.tree);
                        self.reader.problem(Code::RefOutsideSpecTree, &here, message);
                        return None;
                    }
                }
            };
            let target = Pointer::parse(fragment).and_then(|pointer| {
                self.raw.get(&file).and_then(|document| document.pointer(&pointer.to_string())).map(|found| (found.clone(), pointer))
            });
            match target {
                Some((found, pointer)) => {
                    value = found;
                    here = Location { file, pointer };
                }
                None => {
                    let shown =
                        if here.file == self.root_file { format!("`{}`", reference.escape_debug()) } else { "this `$ref`".to_owned() };
                    self.reader.problem(Code::BrokenRef, &here, format!("{shown}: nothing at `{file}#{fragment}`"));
                    return None;
                }
            }
        }
        self.reader.problem(Code::RefCycle, at, format!("`$ref` chain is longer than {MAX_HOPS} hops"));
        None
    }

    fn operation(&mut self, map: &Map<String, Value>, at: &Location, shared: &[(String, Map<String, Value>, Location)]) -> Operation {
        let consumes = if map.contains_key("consumes") { strings(map, "consumes") } else { self.consumes.clone() };
        let produces = if map.contains_key("produces") { strings(map, "produces") } else { self.produces.clone() };
        // Operation parameters override path-level ones (same name and `in`).
        let mut all: Vec<(String, Map<String, Value>, Location)> = shared.to_vec();
        for own in self.raw_parameters(map, at) {
            all.retain(|(location, parameter, _)| !(*location == own.0 && string(parameter, "name") == string(&own.1, "name")));
            all.push(own);
        }
        let mut parameters = Vec::new();
        let mut body = None;
        let mut form: Vec<(String, Map<String, Value>, Location)> = Vec::new();
        for (location, parameter, param_at) in &all {
            match location.as_str() {
                "body" => {
                    let schema = parameter.get("schema").map(|schema| self.reader.schema(schema, &param_at.push("schema")));
                    let types = json_first(&consumes);
                    let content = types.into_iter().map(|content_type| (content_type, MediaType { schema: schema.clone() })).collect();
                    let request =
                        RequestBody { description: string(parameter, "description"), required: flag(parameter, "required"), content };
                    body = Some(Node::item(param_at.clone(), request));
                }
                "formData" => form.push((string(parameter, "name").unwrap_or_default(), parameter.clone(), param_at.clone())),
                _ => {
                    // Path-level parameters are merged by lowering.
                    if shared.iter().any(|(_, _, shared_at)| shared_at == param_at) {
                        continue;
                    }
                    if let Some(parameter) = self.non_body(parameter, param_at) {
                        parameters.push(Node::item(param_at.clone(), parameter));
                    }
                }
            }
        }
        if body.is_none() && !form.is_empty() {
            body = Some(self.form_body(&form, &consumes, at));
        }
        let responses = object(map, "responses")
            .map(|responses| {
                responses
                    .iter()
                    .filter(|(key, _)| !key.starts_with("x-"))
                    .filter_map(|(key, value)| {
                        let entry = self.response_node(value, &at.join(["responses", key.as_str()]), &produces)?;
                        Some((key.clone(), entry))
                    })
                    .collect()
            })
            .unwrap_or_default();
        Operation {
            operation_id: string(map, "operationId"),
            summary: string(map, "summary"),
            description: string(map, "description"),
            deprecated: flag(map, "deprecated"),
            tags: strings(map, "tags"),
            parameters,
            request_body: body,
            responses,
            security: self.reader.security(map, at),
            extensions: extensions(map),
        }
    }

    /// `formData` parameters as one body: an object whose properties are the
    /// parameters (a `type: file` one is a file part).
    fn form_body(&mut self, form: &[(String, Map<String, Value>, Location)], consumes: &[String], at: &Location) -> Node<RequestBody> {
        let has_file = form.iter().any(|(_, parameter, _)| string(parameter, "type").as_deref() == Some("file"));
        let multipart = has_file || consumes.iter().any(|c| crate::media::classify(c) == crate::media::Media::Multipart);
        let content_type = if multipart { "multipart/form-data" } else { "application/x-www-form-urlencoded" };
        let mut schema = Schema { types: vec!["object".to_owned()], ..Schema::default() };
        for (name, parameter, param_at) in form {
            let property = self.reader.schema(&Value::Object(parameter.clone()), param_at);
            schema.properties.push((name.clone(), property));
            if flag(parameter, "required") {
                schema.required.push(name.clone());
            }
        }
        let body_at = at.push("parameters");
        let required = !schema.required.is_empty();
        let content = vec![(content_type.to_owned(), MediaType { schema: Some(Node::item(body_at.clone(), schema)) })];
        Node::item(body_at, RequestBody { description: None, required, content })
    }

    /// A non-body parameter.
    fn non_body(&mut self, map: &Map<String, Value>, at: &Location) -> Option<Parameter> {
        match map.get("in").and_then(Value::as_str) {
            Some("body" | "formData") => None,
            _ => self.parameter(map, at),
        }
    }

    /// A path, query or header parameter (its own keywords are its schema).
    fn parameter(&mut self, map: &Map<String, Value>, at: &Location) -> Option<Parameter> {
        let location = match map.get("in").and_then(Value::as_str) {
            Some("path") => ParameterIn::Path,
            Some("query") => ParameterIn::Query,
            Some("header") => ParameterIn::Header,
            other => {
                let found = other.map_or_else(|| "nothing".to_owned(), |other| format!("`{}`", other.escape_debug()));
                self.reader.problem(
                    Code::InvalidDocument,
                    &at.push("in"),
                    format!("a parameter's `in` must be path, query, header, body or formData; found {found}"),
                );
                return None;
            }
        };
        let Some(name) = string(map, "name") else {
            self.reader.problem(Code::InvalidDocument, at, "a parameter needs a `name`");
            return None;
        };
        let is_array = string(map, "type").as_deref() == Some("array");
        let format = string(map, "collectionFormat");
        let mut schema = self.reader.schema(&Value::Object(map.clone()), at);
        let (style, explode) = match (is_array, format.as_deref(), location) {
            (false, _, _) => (None, None),
            (true, Some("multi"), _) => (Some(Style::Form), Some(true)),
            (true, Some("ssv"), ParameterIn::Query) => (Some(Style::SpaceDelimited), Some(false)),
            (true, Some("pipes"), ParameterIn::Query) => (Some(Style::PipeDelimited), Some(false)),
            (true, Some("tsv"), ParameterIn::Query) => (Some(Style::TabDelimited), Some(false)),
            (true, Some("tsv"), _) => {
                self.reader.problems.push(crate::diagnostics::Diagnostic::warning(
                    Code::UnsupportedParameter,
                    &at.file,
                    &at.push("collectionFormat").pointer.to_string(),
                    "`collectionFormat: tsv` outside a query has no OpenAPI 3 style; the parameter is a string, join the values with tabs yourself",
                ));
                schema = Node::item(at.clone(), Schema { types: vec!["string".to_owned()], ..Schema::default() });
                (None, None)
            }
            (true, _, ParameterIn::Query) => (Some(Style::Form), Some(false)),
            (true, _, _) => (Some(Style::Simple), Some(false)),
        };
        Some(Parameter {
            name,
            location,
            required: flag(map, "required"),
            deprecated: flag(map, "x-deprecated"),
            description: string(map, "description"),
            style,
            explode,
            schema: Some(schema),
        })
    }

    /// A response (or a `$ref` to one).
    pub fn response_node(&mut self, value: &Value, at: &Location, produces: &[String]) -> Option<Node<Response>> {
        let map = self.reader.expect_object(value, at, "a response")?;
        if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
            return Some(Node::reference(at.clone(), reference));
        }
        Some(Node::item(at.clone(), self.response(map, at, produces)))
    }

    /// A response's keywords.
    pub fn response(&mut self, map: &Map<String, Value>, at: &Location, produces: &[String]) -> Response {
        let mut content = Vec::new();
        if let Some(schema_value) = map.get("schema") {
            let is_file = schema_value.get("type").and_then(Value::as_str) == Some("file");
            if is_file {
                let binary =
                    produces.iter().find(|p| !crate::media::is_json(p)).cloned().unwrap_or_else(|| "application/octet-stream".to_owned());
                content.push((binary, MediaType { schema: None }));
            } else {
                let schema = self.reader.schema(schema_value, &at.push("schema"));
                for content_type in json_first(produces) {
                    content.push((content_type, MediaType { schema: Some(schema.clone()) }));
                }
            }
        }
        let headers = object(map, "headers")
            .map(|headers| {
                headers
                    .iter()
                    .map(|(name, value)| {
                        let header_at = at.join(["headers", name.as_str()]);
                        let description = value.get("description").and_then(Value::as_str).map(str::to_owned);
                        let schema = self.reader.schema(value, &header_at);
                        (name.clone(), Node::item(header_at, Header { description, schema: Some(schema) }))
                    })
                    .collect()
            })
            .unwrap_or_default();
        Response { description: string(map, "description").unwrap_or_default(), content, headers }
    }

    /// A `securityDefinitions` entry.
    pub fn security_scheme(&mut self, map: &Map<String, Value>, at: &Location) -> Option<SecurityScheme> {
        let kind = match map.get("type").and_then(Value::as_str) {
            Some("basic") => SchemeKind::Http { scheme: "basic".to_owned() },
            Some("apiKey") => {
                let location = match map.get("in").and_then(Value::as_str) {
                    Some("query") => ParameterIn::Query,
                    Some("header") => ParameterIn::Header,
                    _ => {
                        self.reader.problem(Code::InvalidDocument, &at.push("in"), "an apiKey scheme's `in` must be header or query");
                        return None;
                    }
                };
                SchemeKind::ApiKey { location, name: string(map, "name").unwrap_or_default() }
            }
            Some("oauth2") => SchemeKind::OAuth2 {
                client_credentials_token_url: (map.get("flow").and_then(Value::as_str) == Some("application"))
                    .then(|| string(map, "tokenUrl"))
                    .flatten(),
            },
            _ => {
                self.reader.problem(
                    Code::InvalidDocument,
                    &at.push("type"),
                    "a security definition's `type` must be basic, apiKey or oauth2",
                );
                return None;
            }
        };
        Some(SecurityScheme { kind, description: string(map, "description") })
    }
}

/// The media types to offer: as listed, `application/json` when none is.
fn json_first(types: &[String]) -> Vec<String> {
    if types.is_empty() { vec!["application/json".to_owned()] } else { types.to_vec() }
}

/// `schemes` + `host` + `basePath` → the server URL (`https` when listed,
/// else the first scheme; a relative URL without `host`).
fn server(map: &Map<String, Value>) -> Option<Server> {
    let host = string(map, "host");
    let base_path = string(map, "basePath").unwrap_or_default();
    if host.is_none() && base_path.is_empty() {
        return None;
    }
    let schemes = strings(map, "schemes");
    let scheme = match schemes.first() {
        Some(first) if !schemes.iter().any(|s| s == "https") => first.clone(),
        _ => "https".to_owned(),
    };
    let url = match host {
        Some(host) => format!("{scheme}://{host}{base_path}"),
        None => base_path,
    };
    Some(Server { url, variables: Vec::new() })
}
