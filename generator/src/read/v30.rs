//! The OpenAPI 3.0 reader: `openapiv3` parses the document (it knows the
//! 3.0 shapes and reports located shape errors), and this module converts
//! its types into the [`crate::model`]. Locations are computed while
//! converting, so every node points at where it is written.

use openapiv3::{AdditionalProperties, ParameterSchemaOrContent, ReferenceOr, SchemaKind, StatusCode, Type, VariantOrUnknownOrEmpty};
use serde_json::Value;

use crate::model::{
    self, Additional, Components, Discriminator, Document, Header, HttpMethod, Info, MediaType, Node, Operation, Parameter, ParameterIn,
    PathItem, RequestBody, Response, SchemeKind, SecurityScheme, Server, ServerVariable, Style, Version,
};
use crate::pointer::Location;

/// Converts a typed 3.0 document read from `file`.
pub fn document(file: &str, root: &openapiv3::OpenAPI) -> Document {
    let at = Location::new(file, crate::pointer::Pointer::root());
    let mut components = Components::default();
    if let Some(c) = &root.components {
        let base = at.join(["components"]);
        components.schemas = section(&c.schemas, &base.push("schemas"), schema);
        components.parameters = section(&c.parameters, &base.push("parameters"), parameter);
        components.responses = section(&c.responses, &base.push("responses"), response);
        components.request_bodies = section(&c.request_bodies, &base.push("requestBodies"), request_body);
        components.headers = section(&c.headers, &base.push("headers"), header);
        components.security_schemes = section(&c.security_schemes, &base.push("securitySchemes"), |s, _| security_scheme(s));
    }
    Document {
        dialect: crate::model::Dialect::of(Version::OpenApi30),
        info: Info { title: root.info.title.clone(), version: root.info.version.clone(), description: root.info.description.clone() },
        servers: root.servers.iter().map(server).collect(),
        paths: root
            .paths
            .paths
            .iter()
            .map(|(path, item)| {
                let item_at = at.join(["paths", path.as_str()]);
                (path.clone(), node(item, &item_at, path_item))
            })
            .collect(),
        components,
        security: root.security.as_ref().map(|security| (security.clone(), at.push("security"))),
    }
}

fn section<T, U>(
    entries: &indexmap::IndexMap<String, ReferenceOr<T>>,
    at: &Location,
    convert: impl Fn(&T, &Location) -> U,
) -> indexmap::IndexMap<String, Node<U>> {
    entries.iter().map(|(name, entry)| (name.clone(), node(entry, &at.push(name.clone()), &convert))).collect()
}

fn node<T, U>(entry: &ReferenceOr<T>, at: &Location, convert: impl Fn(&T, &Location) -> U) -> Node<U> {
    match entry {
        ReferenceOr::Reference { reference } => Node::reference(at.clone(), reference.clone()),
        ReferenceOr::Item(item) => Node::item(at.clone(), convert(item, at)),
    }
}

fn boxed_node(entry: &ReferenceOr<Box<openapiv3::Schema>>, at: &Location) -> Node<model::Schema> {
    match entry {
        ReferenceOr::Reference { reference } => Node::reference(at.clone(), reference.clone()),
        ReferenceOr::Item(item) => Node::item(at.clone(), schema(item, at)),
    }
}

fn server(server: &openapiv3::Server) -> Server {
    Server {
        url: server.url.clone(),
        variables: server
            .variables
            .iter()
            .flatten()
            .map(|(name, variable)| ServerVariable {
                name: name.clone(),
                default: variable.default.clone(),
                description: variable.description.clone(),
            })
            .collect(),
    }
}

/// Converts a path item at `at`.
pub fn path_item(item: &openapiv3::PathItem, at: &Location) -> PathItem {
    PathItem {
        parameters: parameters(&item.parameters, at),
        operations: item.iter().filter_map(|(method, op)| Some((HttpMethod::from_key(method)?, operation(op, &at.push(method))))).collect(),
    }
}

fn parameters(list: &[ReferenceOr<openapiv3::Parameter>], at: &Location) -> Vec<Node<Parameter>> {
    list.iter().enumerate().map(|(index, entry)| node(entry, &at.join(["parameters", index.to_string().as_str()]), parameter)).collect()
}

fn operation(op: &openapiv3::Operation, at: &Location) -> Operation {
    let responses_at = at.push("responses");
    let mut responses: Vec<(String, Node<Response>)> = op
        .responses
        .responses
        .iter()
        .map(|(status, entry)| {
            let key = match status {
                StatusCode::Code(code) => code.to_string(),
                StatusCode::Range(class) => format!("{class}XX"),
            };
            let entry = node(entry, &responses_at.push(key.clone()), response);
            (key, entry)
        })
        .collect();
    if let Some(default) = &op.responses.default {
        responses.push(("default".to_owned(), node(default, &responses_at.push("default"), response)));
    }
    Operation {
        operation_id: op.operation_id.clone(),
        summary: op.summary.clone(),
        description: op.description.clone(),
        deprecated: op.deprecated,
        tags: op.tags.clone(),
        parameters: parameters(&op.parameters, at),
        request_body: op.request_body.as_ref().map(|body| node(body, &at.push("requestBody"), request_body)),
        responses,
        security: op.security.as_ref().map(|security| (security.clone(), at.push("security"))),
        extensions: op.extensions.iter().map(|(key, value)| (key.clone(), value.clone())).collect(),
    }
}

/// Converts a parameter at `at`.
pub fn parameter(parameter: &openapiv3::Parameter, at: &Location) -> Parameter {
    use openapiv3::Parameter as P;
    let data = parameter.parameter_data_ref();
    let (location, style) = match parameter {
        P::Query { style, .. } => (
            ParameterIn::Query,
            match style {
                openapiv3::QueryStyle::Form => Style::Form,
                openapiv3::QueryStyle::SpaceDelimited => Style::SpaceDelimited,
                openapiv3::QueryStyle::PipeDelimited => Style::PipeDelimited,
                openapiv3::QueryStyle::DeepObject => Style::DeepObject,
            },
        ),
        P::Path { style, .. } => (
            ParameterIn::Path,
            match style {
                openapiv3::PathStyle::Simple => Style::Simple,
                openapiv3::PathStyle::Label => Style::Label,
                openapiv3::PathStyle::Matrix => Style::Matrix,
            },
        ),
        P::Header { .. } => (ParameterIn::Header, Style::Simple),
        P::Cookie { .. } => (ParameterIn::Cookie, Style::Form),
    };
    Parameter {
        name: data.name.clone(),
        location,
        required: data.required,
        deprecated: data.deprecated.unwrap_or(false),
        description: data.description.clone(),
        style: Some(style),
        explode: data.explode,
        schema: schema_or_content(&data.format, at),
    }
}

fn schema_or_content(format: &ParameterSchemaOrContent, at: &Location) -> Option<Node<model::Schema>> {
    match format {
        ParameterSchemaOrContent::Schema(entry) => Some(node(entry, &at.push("schema"), schema)),
        ParameterSchemaOrContent::Content(_) => None,
    }
}

fn content(entries: &indexmap::IndexMap<String, openapiv3::MediaType>, at: &Location) -> Vec<(String, MediaType)> {
    entries
        .iter()
        .map(|(content_type, media)| {
            let media_at = at.join(["content", content_type.as_str(), "schema"]);
            (content_type.clone(), MediaType { schema: media.schema.as_ref().map(|entry| node(entry, &media_at, schema)) })
        })
        .collect()
}

/// Converts a request body at `at`.
pub fn request_body(body: &openapiv3::RequestBody, at: &Location) -> RequestBody {
    RequestBody { description: body.description.clone(), required: body.required, content: content(&body.content, at) }
}

/// Converts a response at `at`.
pub fn response(response: &openapiv3::Response, at: &Location) -> Response {
    Response {
        description: response.description.clone(),
        content: content(&response.content, at),
        headers: response
            .headers
            .iter()
            .map(|(name, entry)| (name.clone(), node(entry, &at.join(["headers", name.as_str()]), header)))
            .collect(),
    }
}

/// Converts a header at `at`.
pub fn header(header: &openapiv3::Header, at: &Location) -> Header {
    Header { description: header.description.clone(), schema: schema_or_content(&header.format, at) }
}

/// Converts a security scheme.
pub fn security_scheme(scheme: &openapiv3::SecurityScheme) -> SecurityScheme {
    use openapiv3::SecurityScheme as S;
    let (kind, description) = match scheme {
        S::APIKey { location, name, description, .. } => {
            let location = match location {
                openapiv3::APIKeyLocation::Header => ParameterIn::Header,
                openapiv3::APIKeyLocation::Query => ParameterIn::Query,
                openapiv3::APIKeyLocation::Cookie => ParameterIn::Cookie,
            };
            (SchemeKind::ApiKey { location, name: name.clone() }, description)
        }
        S::HTTP { scheme, description, .. } => (SchemeKind::Http { scheme: scheme.clone() }, description),
        S::OAuth2 { flows, description, .. } => {
            let client_credentials_token_url = flows.client_credentials.as_ref().map(|flow| flow.token_url.clone());
            (SchemeKind::OAuth2 { client_credentials_token_url }, description)
        }
        S::OpenIDConnect { description, .. } => (SchemeKind::OpenIdConnect, description),
    };
    SecurityScheme { kind, description: description.clone() }
}

/// Converts a schema at `at`: openapiv3's shapes (`Type::String`, `AllOf`,
/// the catch-all `Any`, …) flattened into the keywords present.
pub fn schema(schema: &openapiv3::Schema, at: &Location) -> model::Schema {
    let data = &schema.schema_data;
    let mut out = model::Schema {
        nullable: data.nullable,
        title: data.title.clone(),
        description: data.description.clone(),
        deprecated: data.deprecated,
        read_only: data.read_only,
        write_only: data.write_only,
        default: data.default.clone(),
        discriminator: data.discriminator.as_ref().map(|d| Discriminator {
            property_name: d.property_name.clone(),
            mapping: d.mapping.iter().map(|(key, value)| (key.clone(), value.clone())).collect(),
        }),
        ..model::Schema::default()
    };
    let list = |members: &[ReferenceOr<openapiv3::Schema>], keyword: &str| -> Vec<Node<model::Schema>> {
        members
            .iter()
            .enumerate()
            .map(|(index, member)| {
                crate::read::v30::node(member, &at.join([keyword, index.to_string().as_str()]), crate::read::v30::schema)
            })
            .collect()
    };
    let mut typ: Option<&str> = None;
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(string)) => {
            typ = Some("string");
            out.format = known_format(schema).or(format_name(&string.format)).map(str::to_owned);
        }
        SchemaKind::Type(Type::Number(number)) => {
            typ = Some("number");
            out.format = known_format(schema).or(format_name(&number.format)).map(str::to_owned);
        }
        SchemaKind::Type(Type::Integer(integer)) => {
            typ = Some("integer");
            out.format = known_format(schema).or(format_name(&integer.format)).map(str::to_owned);
        }
        SchemaKind::Type(Type::Boolean(_)) => typ = Some("boolean"),
        SchemaKind::Type(Type::Object(object)) => {
            typ = Some("object");
            out.properties = properties(&object.properties, at);
            out.required = object.required.clone();
            out.additional = object.additional_properties.as_ref().map(|a| additional(a, at));
        }
        SchemaKind::Type(Type::Array(array)) => {
            typ = Some("array");
            out.items = array.items.as_ref().map(|items| Box::new(boxed_node(items, &at.push("items"))));
        }
        SchemaKind::OneOf { one_of } => out.one_of = list(one_of, "oneOf"),
        SchemaKind::AllOf { all_of } => out.all_of = list(all_of, "allOf"),
        SchemaKind::AnyOf { any_of } => out.any_of = list(any_of, "anyOf"),
        SchemaKind::Not { .. } => out.not = true,
        SchemaKind::Any(any) => {
            typ = any.typ.as_deref();
            out.format = any.format.clone();
            out.properties = properties(&any.properties, at);
            out.required = any.required.clone();
            out.additional = any.additional_properties.as_ref().map(|a| additional(a, at));
            out.items = any.items.as_ref().map(|items| Box::new(boxed_node(items, &at.push("items"))));
            out.all_of = list(&any.all_of, "allOf");
            out.one_of = list(&any.one_of, "oneOf");
            out.any_of = list(&any.any_of, "anyOf");
        }
    }
    match typ {
        Some("null") => out.nullable = true,
        Some(typ) => out.types = vec![typ.to_owned()],
        None => {}
    }
    out.enumeration = enumeration(schema);
    out
}

fn properties(
    entries: &indexmap::IndexMap<String, ReferenceOr<Box<openapiv3::Schema>>>,
    at: &Location,
) -> Vec<(String, Node<model::Schema>)> {
    entries.iter().map(|(name, entry)| (name.clone(), boxed_node(entry, &at.join(["properties", name.as_str()])))).collect()
}

fn additional(additional: &AdditionalProperties, at: &Location) -> Additional {
    match additional {
        AdditionalProperties::Any(any) => Additional::Any(*any),
        AdditionalProperties::Schema(entry) => {
            Additional::Schema(Box::new(node(entry, &at.push("additionalProperties"), crate::read::v30::schema)))
        }
    }
}

/// The `enum` values, with `null` included if listed.
fn enumeration(schema: &openapiv3::Schema) -> Vec<Value> {
    fn values<T: Clone + Into<Value>>(items: &[Option<T>]) -> Vec<Value> {
        items.iter().map(|item| item.clone().map_or(Value::Null, Into::into)).collect()
    }
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(string)) => values(&string.enumeration),
        SchemaKind::Type(Type::Integer(integer)) => values(&integer.enumeration),
        SchemaKind::Type(Type::Number(number)) => number.enumeration.iter().map(|item| item.map_or(Value::Null, number_value)).collect(),
        SchemaKind::Type(Type::Boolean(boolean)) => values(&boolean.enumeration),
        SchemaKind::Any(any) => any.enumeration.clone(),
        _ => Vec::new(),
    }
}

fn format_name<T: serde::Serialize>(format: &VariantOrUnknownOrEmpty<T>) -> Option<&str> {
    match format {
        VariantOrUnknownOrEmpty::Unknown(name) => Some(name),
        VariantOrUnknownOrEmpty::Item(_) | VariantOrUnknownOrEmpty::Empty => None,
    }
}

/// The name of a known format (openapiv3 parses those into enums).
fn known_format(schema: &openapiv3::Schema) -> Option<&'static str> {
    use openapiv3::{IntegerFormat, NumberFormat, StringFormat};
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(string)) => match string.format {
            VariantOrUnknownOrEmpty::Item(StringFormat::Date) => Some("date"),
            VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => Some("date-time"),
            VariantOrUnknownOrEmpty::Item(StringFormat::Password) => Some("password"),
            VariantOrUnknownOrEmpty::Item(StringFormat::Byte) => Some("byte"),
            VariantOrUnknownOrEmpty::Item(StringFormat::Binary) => Some("binary"),
            _ => None,
        },
        SchemaKind::Type(Type::Number(number)) => match number.format {
            VariantOrUnknownOrEmpty::Item(NumberFormat::Float) => Some("float"),
            VariantOrUnknownOrEmpty::Item(NumberFormat::Double) => Some("double"),
            _ => None,
        },
        SchemaKind::Type(Type::Integer(integer)) => match integer.format {
            VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => Some("int32"),
            VariantOrUnknownOrEmpty::Item(IntegerFormat::Int64) => Some("int64"),
            _ => None,
        },
        _ => None,
    }
}

/// A `type: number` enum value as the spec wrote it: `openapiv3` reads
/// every one as `f64`, so a whole number (`1`, as NestJS writes numeric
/// enums) is turned back into an integer, which is how it goes on the wire.
fn number_value(number: f64) -> Value {
    // Whole numbers well inside i64's range (2^53) convert exactly.
    const EXACT: f64 = 9_007_199_254_740_992.0;
    if number.fract() == 0.0 && number.abs() < EXACT {
        return Value::from(number as i64);
    }
    serde_json::Number::from_f64(number).map_or(Value::Null, Value::Number)
}
