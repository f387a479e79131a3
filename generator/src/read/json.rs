//! The readers that work on the JSON value directly: OpenAPI 3.1 documents
//! (JSON Schema 2020-12 schemas) and, through [`Reader::schema`], the
//! schemas of Swagger 2.0 documents. The keywords 3.1 adds are read here
//! once, for every version that has them.

use indexmap::IndexMap;
use serde_json::{Map, Value};

use crate::diagnostics::{Code, Diagnostic};
use crate::model::{
    Additional, Components, Discriminator, Document, Header, HttpMethod, Info, MediaType, Node, Operation, Parameter, ParameterIn,
    PathItem, RequestBody, Requirement, Response, Schema, SchemeKind, SecurityScheme, Server, ServerVariable, Style, Version,
};
use crate::pointer::Location;

/// The HTTP methods of a path item, in the order OpenAPI lists them.
pub const METHODS: [HttpMethod; 8] = HttpMethod::ALL;

/// Reads model nodes out of JSON values; collects the problems it finds.
#[derive(Debug)]
pub struct Reader {
    /// The version of the document being read.
    pub version: Version,
    /// Problems found so far.
    pub problems: Vec<Diagnostic>,
}

/// `value[key]` as a string.
pub fn string(map: &Map<String, Value>, key: &str) -> Option<String> {
    map.get(key).and_then(Value::as_str).map(str::to_owned)
}

/// `value[key]` as a boolean (`false` when absent or not a boolean).
pub fn flag(map: &Map<String, Value>, key: &str) -> bool {
    map.get(key).and_then(Value::as_bool).unwrap_or(false)
}

/// `value[key]` as a list of strings (other items are ignored).
pub fn strings(map: &Map<String, Value>, key: &str) -> Vec<String> {
    map.get(key)
        .and_then(Value::as_array)
        .map(|items| items.iter().filter_map(Value::as_str).map(str::to_owned).collect())
        .unwrap_or_default()
}

/// `value[key]` as an object.
pub fn object<'v>(map: &'v Map<String, Value>, key: &str) -> Option<&'v Map<String, Value>> {
    map.get(key).and_then(Value::as_object)
}

impl Reader {
    /// A reader for a document of `version`.
    pub fn new(version: Version) -> Self {
        Self { version, problems: Vec::new() }
    }

    /// Records a problem at `at`.
    pub fn problem(&mut self, code: Code, at: &Location, message: impl Into<String>) {
        self.problems.push(Diagnostic::new(code, &at.file, &at.pointer.to_string(), message));
    }

    /// `value` as an object, or a problem saying what was expected.
    pub fn expect_object<'v>(&mut self, value: &'v Value, at: &Location, what: &str) -> Option<&'v Map<String, Value>> {
        let found = value.as_object();
        if found.is_none() {
            self.problem(Code::InvalidDocument, at, format!("expected {what} (an object), found {}", kind(value)));
        }
        found
    }

    /// A node that may be a `$ref` (other keywords beside a `$ref` are
    /// ignored, as OpenAPI says for everything but 3.1 schemas).
    pub fn node<T>(
        &mut self,
        value: &Value,
        at: &Location,
        what: &str,
        read: impl FnOnce(&mut Self, &Map<String, Value>, &Location) -> T,
    ) -> Option<Node<T>> {
        let map = self.expect_object(value, at, what)?;
        if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
            return Some(Node::reference(at.clone(), reference));
        }
        Some(Node::item(at.clone(), read(self, map, at)))
    }

    // ------------------------------------------------------------ schemas

    /// A schema at `at` (`true`/`false` schemas allow anything: a JSON value).
    pub fn schema(&mut self, value: &Value, at: &Location) -> Node<Schema> {
        let Some(map) = value.as_object() else {
            if !value.is_boolean() {
                self.problem(Code::InvalidDocument, at, format!("expected a schema (an object), found {}", kind(value)));
            }
            return Node::item(at.clone(), Schema::default());
        };
        if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
            // 3.1: keywords next to `$ref` apply too; the reference is then
            // one member of an `allOf` with them (lowering reads an `allOf`
            // of one reference plus annotations as that reference).
            let siblings = map.keys().any(|key| {
                key != "$ref" && !key.starts_with("x-") && key != "$defs" && key != "$id" && key != "$schema" && key != "$comment"
            });
            if self.version == Version::OpenApi31 && siblings {
                let mut schema = self.schema_keywords(map, at);
                schema.all_of.insert(0, Node::reference(at.clone(), reference));
                return Node::item(at.clone(), schema);
            }
            return Node::reference(at.clone(), reference);
        }
        Node::item(at.clone(), self.schema_keywords(map, at))
    }

    fn schema_list(&mut self, map: &Map<String, Value>, key: &str, at: &Location) -> Vec<Node<Schema>> {
        match map.get(key) {
            Some(Value::Array(items)) => {
                items.iter().enumerate().map(|(index, item)| self.schema(item, &at.join([key, index.to_string().as_str()]))).collect()
            }
            _ => Vec::new(),
        }
    }

    fn schema_keywords(&mut self, map: &Map<String, Value>, at: &Location) -> Schema {
        let mut schema = Schema {
            title: string(map, "title"),
            description: string(map, "description"),
            deprecated: flag(map, "deprecated"),
            read_only: flag(map, "readOnly"),
            write_only: flag(map, "writeOnly"),
            default: map.get("default").cloned(),
            nullable: flag(map, "nullable") || flag(map, "x-nullable"),
            format: string(map, "format"),
            required: strings(map, "required"),
            ..Schema::default()
        };
        match map.get("type") {
            Some(Value::String(typ)) => schema.types.push(typ.clone()),
            Some(Value::Array(types)) => {
                for typ in types.iter().filter_map(Value::as_str) {
                    if !schema.types.iter().any(|known| known == typ) {
                        schema.types.push(typ.to_owned());
                    }
                }
            }
            _ => {}
        }
        if let Some(position) = schema.types.iter().position(|typ| typ == "null") {
            schema.types.remove(position);
            schema.nullable = true;
        }
        if schema.types.iter().any(|typ| typ == "file") {
            // Swagger 2.0's file parameters and responses: binary content.
            schema.types = vec!["string".to_owned()];
            schema.format = Some("binary".to_owned());
        }
        if let Some(values) = map.get("enum").and_then(Value::as_array) {
            schema.enumeration = values.clone();
            if schema.single_type() == Some("string") {
                for value in &mut schema.enumeration {
                    if let Value::Number(_) | Value::Bool(_) = value {
                        *value = Value::String(value.to_string());
                    }
                }
            }
        } else if let Some(value) = map.get("const") {
            schema.enumeration = vec![value.clone()];
        }
        if schema.format.is_none() {
            match (string(map, "contentEncoding"), map.contains_key("contentMediaType")) {
                (Some(encoding), _) if encoding.eq_ignore_ascii_case("base64") => schema.format = Some("byte".to_owned()),
                (None, true) => schema.format = Some("binary".to_owned()),
                _ => {}
            }
        }
        if let Some(properties) = object(map, "properties") {
            schema.properties = properties
                .iter()
                .map(|(name, value)| (name.clone(), self.schema(value, &at.join(["properties", name.as_str()]))))
                .collect();
        }
        schema.additional = match map.get("additionalProperties") {
            Some(Value::Bool(any)) => Some(Additional::Any(*any)),
            Some(value @ Value::Object(_)) => Some(Additional::Schema(Box::new(self.schema(value, &at.push("additionalProperties"))))),
            _ => None,
        };
        match map.get("items") {
            Some(value @ Value::Object(_)) => schema.items = Some(Box::new(self.schema(value, &at.push("items")))),
            Some(Value::Bool(true)) => schema.items = Some(Box::new(Node::item(at.push("items"), Schema::default()))),
            _ => {}
        }
        if map.contains_key("if") {
            self.problems.push(Diagnostic::warning(
                Code::UnsupportedSchema,
                &at.file,
                &at.push("if").pointer.to_string(),
                "`if`/`then`/`else` have no Rust type; the schema is typed without them (the server checks them)",
            ));
        }
        if schema.types.is_empty() && schema.items.is_none() && map.contains_key("prefixItems") {
            self.problems.push(Diagnostic::warning(
                Code::UnsupportedSchema,
                &at.file,
                &at.push("prefixItems").pointer.to_string(),
                "a tuple (`prefixItems`) is typed as an array of JSON values",
            ));
            // A tuple: no Rust type for it without emit support; an array
            // of JSON values (the member schemas are still documentation).
            schema.types.push("array".to_owned());
        }
        schema.all_of = self.schema_list(map, "allOf", at);
        schema.one_of = self.schema_list(map, "oneOf", at);
        schema.any_of = self.schema_list(map, "anyOf", at);
        schema.not = map.contains_key("not");
        schema.discriminator = match map.get("discriminator") {
            Some(Value::String(property_name)) => Some(Discriminator { property_name: property_name.clone(), mapping: IndexMap::new() }),
            Some(Value::Object(discriminator)) => string(discriminator, "propertyName").map(|property_name| Discriminator {
                property_name,
                mapping: object(discriminator, "mapping")
                    .map(|mapping| {
                        mapping.iter().filter_map(|(key, value)| value.as_str().map(|target| (key.clone(), target.to_owned()))).collect()
                    })
                    .unwrap_or_default(),
            }),
            _ => None,
        };
        schema
    }

    // ------------------------------------------------------------ 3.1 documents

    /// Reads a whole OpenAPI 3.1 document.
    pub fn document(&mut self, root: &Value, file: &str) -> Document {
        let at = Location::new(file, crate::pointer::Pointer::root());
        let empty = Map::new();
        let map = root.as_object().unwrap_or(&empty);
        let info = object(map, "info");
        let info = Info {
            title: info.and_then(|info| string(info, "title")).unwrap_or_default(),
            version: info.and_then(|info| string(info, "version")).unwrap_or_default(),
            description: info.and_then(|info| string(info, "description")),
        };
        let servers =
            map.get("servers").and_then(Value::as_array).map(|servers| servers.iter().filter_map(server).collect()).unwrap_or_default();
        let paths = object(map, "paths")
            .map(|paths| {
                paths
                    .iter()
                    .filter(|(path, _)| path.starts_with('/'))
                    .filter_map(|(path, value)| {
                        let item_at = at.join(["paths", path.as_str()]);
                        self.node(value, &item_at, "a path item", Reader::path_item).map(|item| (path.clone(), item))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let mut components = Components::default();
        if let Some(c) = object(map, "components") {
            let base = at.push("components");
            components.schemas = self.section(c, "schemas", &base, |reader, value, at| Some(reader.schema(value, at)));
            components.parameters =
                self.section(c, "parameters", &base, |r, v, at| r.node(v, at, "a parameter", Reader::parameter_or_default));
            components.responses = self.section(c, "responses", &base, |r, v, at| r.node(v, at, "a response", Reader::response));
            components.request_bodies =
                self.section(c, "requestBodies", &base, |r, v, at| r.node(v, at, "a request body", Reader::request_body));
            components.headers = self.section(c, "headers", &base, |r, v, at| r.node(v, at, "a header", Reader::header));
            components.security_schemes = self.section(c, "securitySchemes", &base, |r, v, at| {
                let node = r.node(v, at, "a security scheme", Reader::security_scheme)?;
                Some(Node {
                    at: node.at,
                    value: match node.value {
                        crate::model::RefOr::Ref(reference) => crate::model::RefOr::Ref(reference),
                        crate::model::RefOr::Item(Some(scheme)) => crate::model::RefOr::Item(scheme),
                        crate::model::RefOr::Item(None) => return None,
                    },
                })
            });
            components.path_items = self.section(c, "pathItems", &base, |r, v, at| r.node(v, at, "a path item", Reader::path_item));
        }
        Document { dialect: crate::model::Dialect::of(self.version), info, servers, paths, components, security: self.security(map, &at) }
    }

    fn section<T>(
        &mut self,
        components: &Map<String, Value>,
        key: &str,
        base: &Location,
        mut read: impl FnMut(&mut Self, &Value, &Location) -> Option<Node<T>>,
    ) -> IndexMap<String, Node<T>> {
        let Some(entries) = object(components, key) else { return IndexMap::new() };
        let at = base.push(key);
        entries.iter().filter_map(|(name, value)| read(self, value, &at.push(name.clone())).map(|node| (name.clone(), node))).collect()
    }

    /// `security` of `map` (global or an operation's).
    pub fn security(&mut self, map: &Map<String, Value>, at: &Location) -> Option<(Vec<Requirement>, Location)> {
        let list = map.get("security")?.as_array()?;
        let at = at.push("security");
        let requirements = list
            .iter()
            .filter_map(Value::as_object)
            .map(|requirement| {
                requirement
                    .iter()
                    .map(|(name, scopes)| {
                        let scopes =
                            scopes.as_array().map(|s| s.iter().filter_map(Value::as_str).map(str::to_owned).collect()).unwrap_or_default();
                        (name.clone(), scopes)
                    })
                    .collect()
            })
            .collect();
        Some((requirements, at))
    }

    /// A path item's keywords.
    pub fn path_item(&mut self, map: &Map<String, Value>, at: &Location) -> PathItem {
        PathItem {
            parameters: self.parameters(map, at),
            operations: METHODS
                .into_iter()
                .filter_map(|method| {
                    let operation = object(map, method.key())?;
                    Some((method, self.operation(operation, &at.push(method.key()))))
                })
                .collect(),
        }
    }

    fn parameters(&mut self, map: &Map<String, Value>, at: &Location) -> Vec<Node<Parameter>> {
        let Some(list) = map.get("parameters").and_then(Value::as_array) else { return Vec::new() };
        list.iter()
            .enumerate()
            .filter_map(|(index, value)| {
                let at = at.join(["parameters", index.to_string().as_str()]);
                let node = self.node(value, &at, "a parameter", Reader::parameter)?;
                Some(Node {
                    at: node.at,
                    value: match node.value {
                        crate::model::RefOr::Ref(reference) => crate::model::RefOr::Ref(reference),
                        crate::model::RefOr::Item(Some(parameter)) => crate::model::RefOr::Item(parameter),
                        crate::model::RefOr::Item(None) => return None,
                    },
                })
            })
            .collect()
    }

    fn operation(&mut self, map: &Map<String, Value>, at: &Location) -> Operation {
        let responses = object(map, "responses")
            .map(|responses| {
                responses
                    .iter()
                    .filter(|(key, _)| !key.starts_with("x-"))
                    .filter_map(|(key, value)| {
                        let entry = self.node(value, &at.join(["responses", key.as_str()]), "a response", Reader::response)?;
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
            parameters: self.parameters(map, at),
            request_body: map
                .get("requestBody")
                .and_then(|body| self.node(body, &at.push("requestBody"), "a request body", Reader::request_body)),
            responses,
            security: self.security(map, at),
            extensions: extensions(map),
        }
    }

    fn parameter_or_default(&mut self, map: &Map<String, Value>, at: &Location) -> Parameter {
        self.parameter(map, at).unwrap_or(Parameter {
            name: String::new(),
            location: ParameterIn::Query,
            required: false,
            deprecated: false,
            description: None,
            style: None,
            explode: None,
            schema: None,
        })
    }

    /// A 3.x parameter; `None` (with a problem) when `name` or `in` is
    /// missing or wrong.
    pub fn parameter(&mut self, map: &Map<String, Value>, at: &Location) -> Option<Parameter> {
        let location = match map.get("in").and_then(Value::as_str) {
            Some("path") => ParameterIn::Path,
            Some("query") => ParameterIn::Query,
            Some("header") => ParameterIn::Header,
            Some("cookie") => ParameterIn::Cookie,
            other => {
                let found = other.map_or_else(|| "nothing".to_owned(), |other| format!("`{}`", other.escape_debug()));
                self.problem(
                    Code::InvalidDocument,
                    &at.push("in"),
                    format!("a parameter's `in` must be path, query, header or cookie; found {found}"),
                );
                return None;
            }
        };
        let Some(name) = string(map, "name") else {
            self.problem(Code::InvalidDocument, at, "a parameter needs a `name`");
            return None;
        };
        let style = match map.get("style").and_then(Value::as_str) {
            Some("simple") => Some(Style::Simple),
            Some("label") => Some(Style::Label),
            Some("matrix") => Some(Style::Matrix),
            Some("form") => Some(Style::Form),
            Some("spaceDelimited") => Some(Style::SpaceDelimited),
            Some("pipeDelimited") => Some(Style::PipeDelimited),
            Some("deepObject") => Some(Style::DeepObject),
            _ => None,
        };
        Some(Parameter {
            name,
            location,
            required: flag(map, "required"),
            deprecated: flag(map, "deprecated"),
            description: string(map, "description"),
            style,
            explode: map.get("explode").and_then(Value::as_bool),
            schema: map.get("schema").map(|schema| self.schema(schema, &at.push("schema"))),
        })
    }

    fn content(&mut self, map: &Map<String, Value>, at: &Location) -> Vec<(String, MediaType)> {
        object(map, "content")
            .map(|content| {
                content
                    .iter()
                    .map(|(content_type, media)| {
                        let schema_at = at.join(["content", content_type.as_str(), "schema"]);
                        let schema = media.get("schema").map(|schema| self.schema(schema, &schema_at));
                        (content_type.clone(), MediaType { schema })
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// A 3.x request body.
    pub fn request_body(&mut self, map: &Map<String, Value>, at: &Location) -> RequestBody {
        RequestBody { description: string(map, "description"), required: flag(map, "required"), content: self.content(map, at) }
    }

    /// A 3.x response.
    pub fn response(&mut self, map: &Map<String, Value>, at: &Location) -> Response {
        let headers = object(map, "headers")
            .map(|headers| {
                headers
                    .iter()
                    .filter_map(|(name, value)| {
                        let header = self.node(value, &at.join(["headers", name.as_str()]), "a header", Reader::header)?;
                        Some((name.clone(), header))
                    })
                    .collect()
            })
            .unwrap_or_default();
        Response { description: string(map, "description").unwrap_or_default(), content: self.content(map, at), headers }
    }

    /// A 3.x header.
    pub fn header(&mut self, map: &Map<String, Value>, at: &Location) -> Header {
        Header { description: string(map, "description"), schema: map.get("schema").map(|schema| self.schema(schema, &at.push("schema"))) }
    }

    /// A 3.x security scheme; `None` (with a problem) for an unknown type.
    pub fn security_scheme(&mut self, map: &Map<String, Value>, at: &Location) -> Option<SecurityScheme> {
        let kind = match map.get("type").and_then(Value::as_str) {
            Some("apiKey") => {
                let location = match map.get("in").and_then(Value::as_str) {
                    Some("header") => ParameterIn::Header,
                    Some("query") => ParameterIn::Query,
                    Some("cookie") => ParameterIn::Cookie,
                    _ => {
                        self.problem(Code::InvalidDocument, &at.push("in"), "an apiKey scheme's `in` must be header, query or cookie");
                        return None;
                    }
                };
                SchemeKind::ApiKey { location, name: string(map, "name").unwrap_or_default() }
            }
            Some("http") => SchemeKind::Http { scheme: string(map, "scheme").unwrap_or_default() },
            Some("basic") => SchemeKind::Http { scheme: "basic".to_owned() },
            Some("oauth2") => SchemeKind::OAuth2 {
                client_credentials_token_url: map
                    .get("flows")
                    .and_then(|flows| flows.get("clientCredentials"))
                    .and_then(|flow| flow.get("tokenUrl"))
                    .and_then(Value::as_str)
                    .map(str::to_owned),
            },
            Some("openIdConnect") => SchemeKind::OpenIdConnect,
            Some("mutualTLS") => SchemeKind::MutualTls,
            _ => {
                self.problem(Code::InvalidDocument, &at.push("type"), "unknown security scheme type");
                return None;
            }
        };
        Some(SecurityScheme { kind, description: string(map, "description") })
    }
}

/// The `x-…` keys of `map`.
pub fn extensions(map: &Map<String, Value>) -> IndexMap<String, Value> {
    map.iter().filter(|(key, _)| key.starts_with("x-")).map(|(key, value)| (key.clone(), value.clone())).collect()
}

fn server(value: &Value) -> Option<Server> {
    let map = value.as_object()?;
    Some(Server {
        url: string(map, "url")?,
        variables: object(map, "variables")
            .map(|variables| {
                variables
                    .iter()
                    .filter_map(|(name, variable)| {
                        let variable = variable.as_object()?;
                        Some(ServerVariable {
                            name: name.clone(),
                            default: variable
                                .get("default")
                                .map(|d| d.as_str().map_or_else(|| d.to_string(), str::to_owned))
                                .unwrap_or_default(),
                            description: string(variable, "description"),
                        })
                    })
                    .collect()
            })
            .unwrap_or_default(),
    })
}

/// What a JSON value is, for messages.
pub fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
