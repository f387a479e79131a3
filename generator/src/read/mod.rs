//! Readers: one per input version, each producing the version-neutral
//! [`crate::model`]. Nothing after this module knows which version a
//! document was written in.
//!
//! * [`v30`]: OpenAPI 3.0 through `openapiv3`, converted.
//! * [`json`]: OpenAPI 3.1 (and every schema that is not 3.0), from the
//!   JSON value.
//! * [`v2`]: Swagger 2.0, from the JSON value.
//!
//! [`Component`] reads one fragment on demand, for `$ref`s that point
//! somewhere other than a component of the root document.

pub mod json;
pub mod tolerate;
pub mod v2;
pub mod v30;

use std::collections::BTreeMap;

use indexmap::IndexMap;
use serde_json::Value;

use crate::model::{self, Components, Node, Section, Version};
use crate::pointer::Location;

/// What reading a fragment needs to know about its document.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// The root document's version (referenced files are read as it).
    pub version: Version,
    /// Every loaded file.
    pub raw: &'a BTreeMap<String, Value>,
    /// The root spec's path.
    pub root_file: &'a str,
    /// The tree `$ref`s are confined to (`load::Documents::tree`).
    pub tree: &'a str,
    /// Swagger 2.0 global `consumes`.
    pub consumes: &'a [String],
    /// Swagger 2.0 global `produces`.
    pub produces: &'a [String],
}

/// Why a fragment could not be read: a path inside it and the reason.
#[derive(Debug, Clone)]
pub struct ReadError {
    /// Where inside the fragment (serde's path notation), may be empty.
    pub path: String,
    /// What is wrong.
    pub message: String,
}

impl Context<'_> {
    fn deserialize<T: serde::de::DeserializeOwned>(value: &Value) -> Result<T, ReadError> {
        serde_path_to_error::deserialize::<_, T>(value)
            .map_err(|error| ReadError { path: error.path().to_string(), message: error.inner().to_string() })
    }

    fn json<T>(&self, read: impl FnOnce(&mut json::Reader) -> Option<T>) -> Result<T, ReadError> {
        let mut reader = json::Reader::new(self.version);
        let found = read(&mut reader);
        match (found, reader.problems.into_iter().find(|problem| problem.is_error())) {
            (Some(found), None) => Ok(found),
            (_, Some(problem)) => Err(ReadError { path: problem.pointer, message: problem.message }),
            (None, None) => Err(ReadError { path: String::new(), message: "not readable".to_owned() }),
        }
    }

    fn swagger<T>(&self, read: impl FnOnce(&mut v2::Swagger<'_>) -> Option<T>) -> Result<T, ReadError> {
        let mut swagger = v2::Swagger::new(self.raw, self.root_file, self.tree, self.consumes.to_vec(), self.produces.to_vec());
        let found = read(&mut swagger);
        match (found, swagger.reader.problems.into_iter().find(|problem| problem.is_error())) {
            (Some(found), None) => Ok(found),
            (_, Some(problem)) => Err(ReadError { path: problem.pointer, message: problem.message }),
            (None, None) => Err(ReadError { path: String::new(), message: "not readable".to_owned() }),
        }
    }
}

/// Something a `$ref` can point at.
pub trait Component: Clone + Sized {
    /// Its section of the components.
    const SECTION: Section;
    /// That section of `components`.
    fn entries(components: &Components) -> &IndexMap<String, Node<Self>>;
    /// Reads one from `value`, found at `at`.
    fn read(context: &Context<'_>, value: &Value, at: &Location) -> Result<Self, ReadError>;
    /// One made from the entry `name` of another `section`, when that entry
    /// has a compatible shape (a response `$ref` into `requestBodies`).
    fn coerce(components: &Components, section: Section, name: &str) -> Option<Self> {
        let _ = (components, section, name);
        None
    }
}

impl Component for model::Schema {
    const SECTION: Section = Section::Schemas;
    fn entries(components: &Components) -> &IndexMap<String, Node<Self>> {
        &components.schemas
    }
    /// A schema that names a response (or request body): the schema of its
    /// JSON (or first) media type; any JSON value when it has none.
    fn coerce(components: &Components, section: Section, name: &str) -> Option<Self> {
        let content = match section {
            Section::Responses => &components.responses.get(name)?.as_item()?.content,
            Section::RequestBodies => &components.request_bodies.get(name)?.as_item()?.content,
            _ => return None,
        };
        let media = content.iter().find(|(content_type, _)| crate::media::is_json(content_type)).or_else(|| content.first());
        let Some(schema) = media.and_then(|(_, media)| media.schema.clone()) else { return Some(model::Schema::default()) };
        Some(match schema.value {
            model::RefOr::Item(schema) => schema,
            model::RefOr::Ref(_) => model::Schema { all_of: vec![schema], ..model::Schema::default() },
        })
    }
    fn read(context: &Context<'_>, value: &Value, at: &Location) -> Result<Self, ReadError> {
        match context.version {
            Version::OpenApi30 => Context::deserialize::<openapiv3::Schema>(value).map(|schema| v30::schema(&schema, at)),
            _ => context.json(|reader| match reader.schema(value, at).value {
                model::RefOr::Item(schema) => Some(schema),
                model::RefOr::Ref(_) => None,
            }),
        }
    }
}

impl Component for model::Parameter {
    const SECTION: Section = Section::Parameters;
    fn entries(components: &Components) -> &IndexMap<String, Node<Self>> {
        &components.parameters
    }
    fn read(context: &Context<'_>, value: &Value, at: &Location) -> Result<Self, ReadError> {
        match context.version {
            Version::OpenApi30 => Context::deserialize::<openapiv3::Parameter>(value).map(|p| v30::parameter(&p, at)),
            Version::OpenApi31 => context.json(|reader| reader.parameter(value.as_object()?, at)),
            // Swagger 2.0 parameter `$ref`s are followed by the reader.
            Version::Swagger2 => Err(ReadError { path: String::new(), message: "not a parameter".to_owned() }),
        }
    }
}

impl Component for model::Response {
    const SECTION: Section = Section::Responses;
    fn entries(components: &Components) -> &IndexMap<String, Node<Self>> {
        &components.responses
    }
    fn read(context: &Context<'_>, value: &Value, at: &Location) -> Result<Self, ReadError> {
        match context.version {
            Version::OpenApi30 => Context::deserialize::<openapiv3::Response>(value).map(|r| v30::response(&r, at)),
            Version::OpenApi31 => context.json(|reader| Some(reader.response(value.as_object()?, at))),
            Version::Swagger2 => context.swagger(|swagger| Some(swagger.response(value.as_object()?, at, context.produces))),
        }
    }
    fn coerce(components: &Components, section: Section, name: &str) -> Option<Self> {
        match section {
            Section::RequestBodies => {
                let body = components.request_bodies.get(name)?.as_item()?;
                Some(model::Response {
                    description: body.description.clone().unwrap_or_default(),
                    content: body.content.clone(),
                    headers: Vec::new(),
                })
            }
            // A response that names a schema: a JSON response of that schema.
            Section::Schemas => {
                let schema = components.schemas.get(name)?;
                let reference = Node::reference(schema.at.clone(), format!("#{}", schema.at.pointer));
                let media = model::MediaType { schema: Some(reference) };
                Some(model::Response {
                    description: String::new(),
                    content: vec![("application/json".to_owned(), media)],
                    headers: Vec::new(),
                })
            }
            _ => None,
        }
    }
}

impl Component for model::RequestBody {
    const SECTION: Section = Section::RequestBodies;
    fn entries(components: &Components) -> &IndexMap<String, Node<Self>> {
        &components.request_bodies
    }
    fn read(context: &Context<'_>, value: &Value, at: &Location) -> Result<Self, ReadError> {
        match context.version {
            Version::OpenApi30 => Context::deserialize::<openapiv3::RequestBody>(value).map(|b| v30::request_body(&b, at)),
            _ => context.json(|reader| Some(reader.request_body(value.as_object()?, at))),
        }
    }
    fn coerce(components: &Components, section: Section, name: &str) -> Option<Self> {
        let response = (section == Section::Responses).then(|| components.responses.get(name)?.as_item())??;
        Some(model::RequestBody { description: Some(response.description.clone()), required: false, content: response.content.clone() })
    }
}

impl Component for model::Header {
    const SECTION: Section = Section::Headers;
    fn entries(components: &Components) -> &IndexMap<String, Node<Self>> {
        &components.headers
    }
    fn read(context: &Context<'_>, value: &Value, at: &Location) -> Result<Self, ReadError> {
        match context.version {
            Version::OpenApi30 => Context::deserialize::<openapiv3::Header>(value).map(|h| v30::header(&h, at)),
            _ => context.json(|reader| Some(reader.header(value.as_object()?, at))),
        }
    }
}

impl Component for model::SecurityScheme {
    const SECTION: Section = Section::SecuritySchemes;
    fn entries(components: &Components) -> &IndexMap<String, Node<Self>> {
        &components.security_schemes
    }
    fn read(context: &Context<'_>, value: &Value, at: &Location) -> Result<Self, ReadError> {
        match context.version {
            Version::OpenApi30 => Context::deserialize::<openapiv3::SecurityScheme>(value).map(|s| v30::security_scheme(&s)),
            Version::OpenApi31 => context.json(|reader| reader.security_scheme(value.as_object()?, at)),
            Version::Swagger2 => context.swagger(|swagger| swagger.security_scheme(value.as_object()?, at)),
        }
    }
}

impl Component for model::PathItem {
    const SECTION: Section = Section::PathItems;
    fn entries(components: &Components) -> &IndexMap<String, Node<Self>> {
        &components.path_items
    }
    fn read(context: &Context<'_>, value: &Value, at: &Location) -> Result<Self, ReadError> {
        match context.version {
            Version::OpenApi30 => Context::deserialize::<openapiv3::PathItem>(value).map(|item| v30::path_item(&item, at)),
            Version::OpenApi31 => context.json(|reader| Some(reader.path_item(value.as_object()?, at))),
            Version::Swagger2 => context.swagger(|swagger| Some(swagger.path_item(value.as_object()?, at))),
        }
    }
}
