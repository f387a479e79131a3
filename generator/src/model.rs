//! The version-neutral spec model: what every reader (`read::v2`, `read::v30`,
//! `read::json` for 3.1) produces and the only thing [`crate::resolve`] and
//! [`crate::lower`] look at. Owned, plain data; no serde.
//!
//! Every [`Node`] carries the [`Location`] of the object it was read from
//! **in the file the user wrote** (a Swagger 2.0 definition stays at
//! `#/definitions/Pet`, a 2.0 body parameter's schema at
//! `#/paths/~1pets/post/parameters/0/schema`), so diagnostics point at the
//! original document whatever its version. Nodes that a reader synthesizes
//! (a 2.0 `formData` list becoming one request body, one member of a 3.1
//! `type` array) point at the spec node they were made from.

use indexmap::IndexMap;
use serde_json::Value;

use crate::pointer::Location;

/// Which specification a document follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Version {
    /// Swagger 2.0.
    Swagger2,
    /// OpenAPI 3.0.x.
    OpenApi30,
    /// OpenAPI 3.1.x (JSON Schema 2020-12 schemas).
    OpenApi31,
}

/// What resolving and lowering need to know of a document's version, as
/// data: where its components are and how its `$ref`s read. Readers
/// choose it ([`Dialect::of`]); nothing after them asks which version a
/// document was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dialect {
    /// The object holding the component sections (`components`), or
    /// `None` when they sit at the root (2.0's `definitions`, …).
    components: Option<&'static str>,
    /// Sections whose key differs from [`Section::name`] (2.0:
    /// `definitions`, `securityDefinitions`).
    renamed: &'static [(Section, &'static str)],
    /// Only these keys are component sections (2.0); `None`: any key of
    /// the components object is one.
    only: Option<&'static [&'static str]>,
    /// A schema with keywords beside its `$ref` defines a schema of its
    /// own (3.1, JSON Schema 2020-12); otherwise the `$ref` alone counts.
    pub ref_siblings_define: bool,
}

impl Dialect {
    /// The dialect of a document of `version`.
    pub fn of(version: Version) -> Self {
        match version {
            Version::Swagger2 => Dialect {
                components: None,
                renamed: &[(Section::Schemas, "definitions"), (Section::SecuritySchemes, "securityDefinitions")],
                only: Some(&["definitions", "parameters", "responses", "securityDefinitions"]),
                ref_siblings_define: false,
            },
            Version::OpenApi30 | Version::OpenApi31 => {
                Dialect { components: Some("components"), renamed: &[], only: None, ref_siblings_define: version == Version::OpenApi31 }
            }
        }
    }

    /// The key of `section` (`schemas`; 2.0 `definitions`).
    pub fn key(&self, section: Section) -> &'static str {
        self.renamed.iter().find(|(renamed, _)| *renamed == section).map_or(section.name(), |(_, key)| key)
    }

    /// Where a section is, for messages: `components.schemas`;
    /// 2.0 `definitions`.
    pub fn label(&self, key: &str) -> String {
        match self.components {
            Some(components) => format!("{components}.{key}"),
            None => key.to_owned(),
        }
    }

    /// [`Dialect::label`] of `section`.
    pub fn section_label(&self, section: Section) -> String {
        self.label(self.key(section))
    }

    /// The reference prefix of `section`'s entries: `#/components/schemas/`;
    /// 2.0 `#/definitions/`.
    pub fn ref_prefix(&self, section: Section) -> String {
        match self.components {
            Some(components) => format!("#/{components}/{}/", self.key(section)),
            None => format!("#/{}/", self.key(section)),
        }
    }

    /// The section key a JSON pointer's segments name when they have the
    /// shape of a component's pointer (`/components/schemas/X`; 2.0
    /// `/definitions/X`).
    pub fn section_of<'a>(&self, segments: &'a [String]) -> Option<&'a str> {
        let key = match (self.components, segments) {
            (Some(components), [root, key, _]) if root == components => key,
            (None, [key, _]) => key,
            _ => return None,
        };
        self.only.is_none_or(|only| only.contains(&key.as_str())).then_some(key.as_str())
    }
}

/// Either a `$ref` or an inline definition, with where it is written.
#[derive(Debug, Clone, PartialEq)]
pub struct Node<T> {
    /// Where the object (`{$ref: …}` or the definition) is.
    pub at: Location,
    /// What it is.
    pub value: RefOr<T>,
}

/// The two shapes of a [`Node`].
#[derive(Debug, Clone, PartialEq)]
pub enum RefOr<T> {
    /// `$ref: …`, as written.
    Ref(String),
    /// An inline definition.
    Item(T),
}

impl<T> Node<T> {
    /// An inline definition at `at`.
    pub fn item(at: Location, item: T) -> Self {
        Self { at, value: RefOr::Item(item) }
    }

    /// A reference written at `at`.
    pub fn reference(at: Location, reference: impl Into<String>) -> Self {
        Self { at, value: RefOr::Ref(reference.into()) }
    }

    /// The inline definition, if this is not a reference.
    pub fn as_item(&self) -> Option<&T> {
        match &self.value {
            RefOr::Item(item) => Some(item),
            RefOr::Ref(_) => None,
        }
    }
}

/// One spec document (the root file).
#[derive(Debug, Clone)]
pub struct Document {
    /// What resolving and lowering need of the version it was read as.
    pub dialect: Dialect,
    /// `info`.
    pub info: Info,
    /// `servers` (2.0: made from `schemes`, `host` and `basePath`).
    pub servers: Vec<Server>,
    /// `paths`, in spec order.
    pub paths: Vec<(String, Node<PathItem>)>,
    /// The reusable definitions (3.x `components`; 2.0 `definitions`,
    /// `parameters`, `responses`, `securityDefinitions`).
    pub components: Components,
    /// The global `security`, and where it is.
    pub security: Option<(Vec<Requirement>, Location)>,
}

/// `info`.
#[derive(Debug, Clone, Default)]
pub struct Info {
    /// `title`.
    pub title: String,
    /// `version`.
    pub version: String,
    /// `description`.
    pub description: Option<String>,
}

/// One server URL.
#[derive(Debug, Clone, Default)]
pub struct Server {
    /// The URL template.
    pub url: String,
    /// Its `{variables}`, in spec order.
    pub variables: Vec<ServerVariable>,
}

/// A `{name}` of a server URL.
#[derive(Debug, Clone, Default)]
pub struct ServerVariable {
    /// The name.
    pub name: String,
    /// `default`.
    pub default: String,
    /// `description`.
    pub description: Option<String>,
}

/// The named, reusable definitions of a document. Each section keeps spec
/// order; every entry's [`Node::at`] is where it is written, which is also
/// how a `$ref` finds it (see [`Components::find`]).
#[derive(Debug, Clone, Default)]
pub struct Components {
    /// Schemas (3.x `components.schemas`, 2.0 `definitions`).
    pub schemas: IndexMap<String, Node<Schema>>,
    /// Parameters.
    pub parameters: IndexMap<String, Node<Parameter>>,
    /// Responses.
    pub responses: IndexMap<String, Node<Response>>,
    /// Request bodies (3.x only).
    pub request_bodies: IndexMap<String, Node<RequestBody>>,
    /// Headers (3.x only).
    pub headers: IndexMap<String, Node<Header>>,
    /// Security schemes (2.0 `securityDefinitions`).
    pub security_schemes: IndexMap<String, Node<SecurityScheme>>,
    /// Path items (3.1 `components.pathItems`).
    pub path_items: IndexMap<String, Node<PathItem>>,
}

/// A section of [`Components`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    /// Schemas.
    Schemas,
    /// Parameters.
    Parameters,
    /// Responses.
    Responses,
    /// Request bodies.
    RequestBodies,
    /// Headers.
    Headers,
    /// Security schemes.
    SecuritySchemes,
    /// Path items.
    PathItems,
}

impl Section {
    /// The 3.x name of the section, for messages.
    pub fn name(self) -> &'static str {
        match self {
            Section::Schemas => "schemas",
            Section::Parameters => "parameters",
            Section::Responses => "responses",
            Section::RequestBodies => "requestBodies",
            Section::Headers => "headers",
            Section::SecuritySchemes => "securitySchemes",
            Section::PathItems => "pathItems",
        }
    }

    /// What one entry of the section is, for messages ("a response").
    pub fn entry(self) -> &'static str {
        match self {
            Section::Schemas => "a schema",
            Section::Parameters => "a parameter",
            Section::Responses => "a response",
            Section::RequestBodies => "a request body",
            Section::Headers => "a header",
            Section::SecuritySchemes => "a security scheme",
            Section::PathItems => "a path item",
        }
    }
}

impl Components {
    /// The section and name of the entry written at `at`, if one is.
    pub fn find(&self, at: &Location) -> Option<(Section, &str)> {
        fn search<'a, T>(entries: &'a IndexMap<String, Node<T>>, at: &Location) -> Option<&'a str> {
            // Entries are few compared to lookups only on large specs, where
            // the name (last pointer segment) narrows it down directly.
            let name = at.pointer.last()?;
            entries.get_key_value(&*name).filter(|(_, node)| node.at == *at).map(|(key, _)| key.as_str())
        }
        let sections: [(Section, Option<&str>); 7] = [
            (Section::Schemas, search(&self.schemas, at)),
            (Section::Parameters, search(&self.parameters, at)),
            (Section::Responses, search(&self.responses, at)),
            (Section::RequestBodies, search(&self.request_bodies, at)),
            (Section::Headers, search(&self.headers, at)),
            (Section::SecuritySchemes, search(&self.security_schemes, at)),
            (Section::PathItems, search(&self.path_items, at)),
        ];
        sections.into_iter().find_map(|(section, name)| name.map(|name| (section, name)))
    }
}

/// The HTTP methods a path item can hold operations for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum HttpMethod {
    /// `get`.
    Get,
    /// `put`.
    Put,
    /// `post`.
    Post,
    /// `delete`.
    Delete,
    /// `options`.
    Options,
    /// `head`.
    Head,
    /// `patch`.
    Patch,
    /// `trace`.
    Trace,
}

impl HttpMethod {
    /// Every method, in the order OpenAPI lists them.
    pub const ALL: [HttpMethod; 8] = [
        HttpMethod::Get,
        HttpMethod::Put,
        HttpMethod::Post,
        HttpMethod::Delete,
        HttpMethod::Options,
        HttpMethod::Head,
        HttpMethod::Patch,
        HttpMethod::Trace,
    ];

    /// The key of the method in a path item (`get`).
    pub fn key(self) -> &'static str {
        match self {
            HttpMethod::Get => "get",
            HttpMethod::Put => "put",
            HttpMethod::Post => "post",
            HttpMethod::Delete => "delete",
            HttpMethod::Options => "options",
            HttpMethod::Head => "head",
            HttpMethod::Patch => "patch",
            HttpMethod::Trace => "trace",
        }
    }

    /// The method as it goes on the wire (`GET`), which is also the name of
    /// its `http::Method` constant.
    pub fn wire(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Put => "PUT",
            HttpMethod::Post => "POST",
            HttpMethod::Delete => "DELETE",
            HttpMethod::Options => "OPTIONS",
            HttpMethod::Head => "HEAD",
            HttpMethod::Patch => "PATCH",
            HttpMethod::Trace => "TRACE",
        }
    }

    /// The method for a path item key (`get`), if it is one.
    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|method| method.key() == key)
    }
}

/// A path item.
#[derive(Debug, Clone, Default)]
pub struct PathItem {
    /// Parameters shared by its operations.
    pub parameters: Vec<Node<Parameter>>,
    /// Operations by method, in spec order.
    pub operations: Vec<(HttpMethod, Operation)>,
}

/// One operation.
#[derive(Debug, Clone, Default)]
pub struct Operation {
    /// `operationId`.
    pub operation_id: Option<String>,
    /// `summary`.
    pub summary: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// `deprecated`.
    pub deprecated: bool,
    /// `tags`.
    pub tags: Vec<String>,
    /// Parameters (2.0: without `body` and `formData`, which are the body).
    pub parameters: Vec<Node<Parameter>>,
    /// The request body.
    pub request_body: Option<Node<RequestBody>>,
    /// Responses by status key (`200`, `4XX`, `default`), in spec order.
    pub responses: Vec<(String, Node<Response>)>,
    /// `security`, and where it is.
    pub security: Option<(Vec<Requirement>, Location)>,
    /// The `x-…` extensions, as written.
    pub extensions: IndexMap<String, Value>,
}

/// One alternative of a security requirement: scheme names and scopes.
pub type Requirement = IndexMap<String, Vec<String>>;

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParameterIn {
    /// Path.
    Path,
    /// Query string.
    Query,
    /// Header.
    Header,
    /// Cookie.
    Cookie,
}

/// OpenAPI 3 `style` (2.0 `collectionFormat` is read into these).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// `simple`.
    Simple,
    /// `label`.
    Label,
    /// `matrix`.
    Matrix,
    /// `form`.
    Form,
    /// `spaceDelimited`.
    SpaceDelimited,
    /// `pipeDelimited`.
    PipeDelimited,
    /// Swagger 2.0 `collectionFormat: tsv` (no 3.x name): tab-separated.
    TabDelimited,
    /// `deepObject`.
    DeepObject,
}

/// A parameter.
#[derive(Debug, Clone)]
pub struct Parameter {
    /// `name`.
    pub name: String,
    /// `in`.
    pub location: ParameterIn,
    /// `required`.
    pub required: bool,
    /// `deprecated`.
    pub deprecated: bool,
    /// `description`.
    pub description: Option<String>,
    /// `style` (`None`: the default for the location).
    pub style: Option<Style>,
    /// `explode`.
    pub explode: Option<bool>,
    /// The value's schema; `None` for content-encoded parameters (passed
    /// pre-serialized as a string).
    pub schema: Option<Node<Schema>>,
}

/// A request body.
#[derive(Debug, Clone, Default)]
pub struct RequestBody {
    /// `description`.
    pub description: Option<String>,
    /// `required`.
    pub required: bool,
    /// Media types, in spec order.
    pub content: Vec<(String, MediaType)>,
}

/// One media type of a body.
#[derive(Debug, Clone, Default)]
pub struct MediaType {
    /// Its schema.
    pub schema: Option<Node<Schema>>,
}

/// A response.
#[derive(Debug, Clone, Default)]
pub struct Response {
    /// `description`.
    pub description: String,
    /// Media types, in spec order.
    pub content: Vec<(String, MediaType)>,
    /// Documented headers, in spec order.
    pub headers: Vec<(String, Node<Header>)>,
}

/// A response header.
#[derive(Debug, Clone, Default)]
pub struct Header {
    /// `description`.
    pub description: Option<String>,
    /// The value's schema (`None`: content-encoded, a string).
    pub schema: Option<Node<Schema>>,
}

/// A security scheme.
#[derive(Debug, Clone)]
pub struct SecurityScheme {
    /// What it sends.
    pub kind: SchemeKind,
    /// `description`.
    pub description: Option<String>,
}

/// The kinds of security scheme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SchemeKind {
    /// An API key in a header, query or cookie, under `name`.
    ApiKey {
        /// Where it goes.
        location: ParameterIn,
        /// The header, parameter or cookie name.
        name: String,
    },
    /// HTTP authentication with `scheme` (`basic`, `bearer`, …).
    Http {
        /// The scheme.
        scheme: String,
    },
    /// OAuth2 (any flow).
    OAuth2 {
        /// The `tokenUrl` of the client-credentials flow (3.x
        /// `flows.clientCredentials`, 2.0 `flow: application`), as written.
        client_credentials_token_url: Option<String>,
    },
    /// OpenID Connect.
    OpenIdConnect,
    /// 3.1 `mutualTLS`: a client certificate, set up on the HTTP client
    /// (`http_client`), not sent by the generated code.
    MutualTls,
}

/// `additionalProperties`.
#[derive(Debug, Clone, PartialEq)]
pub enum Additional {
    /// `true` or `false`.
    Any(bool),
    /// A schema for the values.
    Schema(Box<Node<Schema>>),
}

/// `discriminator` (2.0: only the property name).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Discriminator {
    /// `propertyName`.
    pub property_name: String,
    /// `mapping`: tag value → `$ref` or schema name.
    pub mapping: IndexMap<String, String>,
}

/// A schema: every keyword lowering reads, whatever the version. 3.0
/// `nullable`, 2.0 `x-nullable` and a 3.1 `"null"` in `type` all set
/// [`Schema::nullable`]; 3.1 `const` is a one-value [`Schema::enumeration`].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Schema {
    /// The non-null types of `type` (several: a union).
    pub types: Vec<String>,
    /// Whether `null` is allowed.
    pub nullable: bool,
    /// `format` (3.1 `contentEncoding: base64` reads as `byte`, a
    /// `contentMediaType` without encoding as `binary`).
    pub format: Option<String>,
    /// `title`.
    pub title: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// `deprecated`.
    pub deprecated: bool,
    /// `readOnly`.
    pub read_only: bool,
    /// `writeOnly`.
    pub write_only: bool,
    /// `default`.
    pub default: Option<Value>,
    /// `enum` (or `const`) values, `null` included if listed.
    pub enumeration: Vec<Value>,
    /// `properties`, in spec order.
    pub properties: Vec<(String, Node<Schema>)>,
    /// `required`.
    pub required: Vec<String>,
    /// `additionalProperties`.
    pub additional: Option<Additional>,
    /// `items` (3.1: also the only type of a `prefixItems` tuple whose
    /// members are all the same `$ref`… see the reader).
    pub items: Option<Box<Node<Schema>>>,
    /// `allOf`.
    pub all_of: Vec<Node<Schema>>,
    /// `oneOf`.
    pub one_of: Vec<Node<Schema>>,
    /// `anyOf`.
    pub any_of: Vec<Node<Schema>>,
    /// A `not` keyword is present.
    pub not: bool,
    /// `discriminator`.
    pub discriminator: Option<Discriminator>,
}

impl Schema {
    /// The single non-null type, when there is exactly one.
    pub fn single_type(&self) -> Option<&str> {
        match self.types.as_slice() {
            [only] => Some(only.as_str()),
            _ => None,
        }
    }

    /// True when the schema describes an object with named properties.
    pub fn has_properties(&self) -> bool {
        !self.properties.is_empty()
    }

    /// Title and description joined into documentation.
    pub fn doc(&self) -> Option<String> {
        match (&self.title, &self.description) {
            (Some(title), Some(description)) if !description.contains(title.as_str()) => Some(format!("{title}\n\n{description}")),
            (_, Some(description)) => Some(description.clone()),
            (Some(title), None) => Some(title.clone()),
            (None, None) => None,
        }
    }

    /// A schema that says nothing about the shape of a value, only
    /// describes it (`{description: …}`, `{nullable: true}`, `{example: …}`).
    pub fn is_annotation_only(&self) -> bool {
        self.types.is_empty()
            && self.format.is_none()
            && self.properties.is_empty()
            && self.additional.is_none()
            && self.items.is_none()
            && self.all_of.is_empty()
            && self.one_of.is_empty()
            && self.any_of.is_empty()
            && self.enumeration.is_empty()
            && !self.not
    }

    /// Whether the schema allows `null` on its own (`nullable`, or `null`
    /// among its `enum` values).
    pub fn allows_null(&self) -> bool {
        self.nullable || self.enumeration.contains(&Value::Null)
    }
}
