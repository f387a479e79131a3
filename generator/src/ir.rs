//! The intermediate representation: what the client will contain, in Rust
//! terms but without syntax. Lowering builds it; emitting reads it. Every
//! node remembers where in the spec it came from (file + JSON pointer).

use crate::diagnostics::Diagnostic;
pub use crate::model::HttpMethod;

/// A place in a spec (defined beside [`Pointer`], so the spec model
/// names it without importing the IR).
pub use crate::pointer::Location;

/// One API: everything one spec becomes.
#[derive(Debug, Clone)]
pub struct Api {
    /// `info.title`.
    pub title: String,
    /// `info.version`.
    pub version: String,
    /// `info.description`.
    pub description: Option<String>,
    /// Default base URL (`servers[0]`, variables substituted by defaults).
    pub base_url: String,
    /// `servers[0].url` as written, with `{variable}` placeholders.
    pub server_template: String,
    /// Server URL variables with their defaults, in spec order.
    pub server_variables: Vec<ServerVariable>,
    /// All named types.
    pub types: TypeSpace,
    /// All operations, in spec order.
    pub operations: Vec<Operation>,
    /// Security schemes, in `components.securitySchemes` order.
    pub security_schemes: Vec<SecurityScheme>,
    /// Operations left out with the reason (when skipping is enabled).
    pub skipped: Vec<Diagnostic>,
    /// Interpretations the generator made instead of refusing (warnings).
    pub warnings: Vec<Diagnostic>,
    /// The request and response body examples that fit their types
    /// (found by `examples`): each becomes a round-trip test.
    pub examples: Vec<BodyExample>,
    /// Values the spec's own examples give for types, fields and each
    /// operation's arguments (those that fit): the conformance test calls
    /// operations with them.
    pub samples: Samples,
    /// The Cargo features a standalone crate is cut into (one per tag),
    /// when there are any (decided by analysis: `features::assign`).
    pub features: Option<Features>,
}

/// Example values that fit their types, by what they illustrate (found by
/// `examples`; the first that fits wins).
#[derive(Debug, Clone, Default)]
pub struct Samples {
    /// A named type's: its schema's example, or a body example of it.
    pub types: std::collections::BTreeMap<TypeId, serde_json::Value>,
    /// A struct field's (by wire name): the property's example.
    pub fields: std::collections::BTreeMap<(TypeId, String), serde_json::Value>,
    /// Per operation (index into [`Api::operations`]): its parameters' and
    /// request body's examples.
    pub operations: std::collections::BTreeMap<usize, OperationSamples>,
}

/// The example values of one operation's arguments.
#[derive(Debug, Clone, Default)]
pub struct OperationSamples {
    /// Path, query, header and cookie parameters, by wire name.
    pub params: std::collections::BTreeMap<String, serde_json::Value>,
    /// The request body.
    pub body: Option<serde_json::Value>,
}

/// A body example that fits its type.
#[derive(Debug, Clone)]
pub struct BodyExample {
    /// Where the example's value is.
    pub at: Location,
    /// The value, as written.
    pub value: serde_json::Value,
    /// The value as the client keeps it (what the type does not declare
    /// left out): what decoding and encoding again must give.
    pub expected: serde_json::Value,
    /// The body type.
    pub ty: TypeRef,
}

/// A `{name}` in the server URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerVariable {
    /// The variable's name in the URL template.
    pub name: String,
    /// Its default value.
    pub default: String,
    /// Its description.
    pub description: Option<String>,
}

/// Index of a [`TypeDef`] in the [`TypeSpace`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TypeId(pub usize);

/// Every named type, in a deterministic order (components first, in spec
/// order, then inline types in the order lowering met them).
#[derive(Debug, Clone)]
pub struct TypeSpace {
    /// The definitions; a [`TypeId`] indexes this.
    pub defs: Vec<TypeDef>,
    /// Whether models (structs, unions, newtypes, response enums,
    /// parameter and header structs) derive `PartialEq`
    /// ([`crate::Settings::partial_eq`]); enums of values always do.
    pub partial_eq: bool,
    /// Models derive serde's traits ([`crate::Settings::serde_derive`]).
    pub serde_derive: bool,
    /// How generated code names the runtime's macros.
    pub macro_calls: MacroCalls,
}

impl Default for TypeSpace {
    fn default() -> Self {
        Self { defs: Vec::new(), partial_eq: true, serde_derive: false, macro_calls: MacroCalls::CrateRoot }
    }
}

/// Where generated code finds the runtime's macros (`__impl_object!`, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MacroCalls {
    /// `crate::__impl_object!`: the copied runtime's `#[macro_export]`s
    /// are at the crate root.
    CrateRoot,
    /// `crate::runtime::__impl_object!`: the runtime is the
    /// `oagen-runtime` crate, re-exported as `runtime`
    /// ([`crate::Runtime::Crate`]).
    RuntimeCrate,
    /// `__impl_object!`: included code ([`crate::Layout::Include`]) is
    /// macro-expanded, where rustc refuses paths to `#[macro_export]`
    /// macros of the same crate; `#[macro_use] mod runtime` puts them in
    /// scope by name.
    ByName,
}

impl TypeSpace {
    /// The definition behind `id`.
    pub fn get(&self, id: TypeId) -> Option<&TypeDef> {
        self.defs.get(id.0)
    }

    /// The fields of a multipart body sent part by part: a named struct
    /// without additional properties (any other body is sent as the fields
    /// of its JSON object).
    pub fn multipart_parts(&self, ty: &TypeRef) -> Option<&[Field]> {
        match ty {
            TypeRef::Named(id) => match &self.get(*id)?.kind {
                TypeKind::Struct(structure) if structure.additional.is_none() => Some(&structure.fields),
                _ => None,
            },
            _ => None,
        }
    }
}

/// The one walk over every type id the API holds (type definitions,
/// operations, pagination), written once for shared and for mutable access:
/// passes that renumber types and the validation that checks them cannot
/// disagree about where ids are.
macro_rules! type_id_walk {
    ($name:ident, $($mut:ident)?) => {
        /// Calls `visit` on every type id the API holds: inside type
        /// definitions, operations and their pagination.
        pub fn $name(& $($mut)? self, visit: &mut dyn FnMut(& $($mut)? TypeId)) {
            fn walk(ty: & $($mut)? TypeRef, visit: &mut dyn FnMut(& $($mut)? TypeId)) {
                match ty {
                    TypeRef::Named(id) => visit(id),
                    TypeRef::Boxed(inner) | TypeRef::Vec(inner) | TypeRef::Map(inner) | TypeRef::Option(inner) => {
                        walk(inner, visit)
                    }
                    _ => {}
                }
            }
            for def in & $($mut)? self.types.defs {
                match & $($mut)? def.kind {
                    TypeKind::Enum(_) => {}
                    TypeKind::Struct(structure) => {
                        for field in & $($mut)? structure.fields {
                            walk(& $($mut)? field.ty, visit);
                        }
                        if let Some(ty) = & $($mut)? structure.additional {
                            walk(ty, visit);
                        }
                        if let Some(tagged) = & $($mut)? structure.tagged_by {
                            visit(& $($mut)? tagged.union);
                        }
                    }
                    TypeKind::Union(union) => {
                        for variant in & $($mut)? union.variants {
                            walk(& $($mut)? variant.ty, visit);
                        }
                    }
                    TypeKind::Alias { target, .. } => walk(target, visit),
                    TypeKind::Responses(variants) => {
                        for variant in variants {
                            if let Some(ty) = & $($mut)? variant.ty {
                                walk(ty, visit);
                            }
                        }
                    }
                }
            }
            for example in & $($mut)? self.examples {
                walk(& $($mut)? example.ty, visit);
            }
            for operation in & $($mut)? self.operations {
                for param in & $($mut)? operation.path_params {
                    walk(& $($mut)? param.ty, visit);
                }
                for param in & $($mut)? operation.params {
                    walk(& $($mut)? param.ty, visit);
                }
                if let Some(body) = & $($mut)? operation.body {
                    walk(& $($mut)? body.ty, visit);
                }
                for case in (& $($mut)? operation.success).into_iter().chain(& $($mut)? operation.errors) {
                    if let Some(body) = & $($mut)? case.body {
                        walk(& $($mut)? body.ty, visit);
                    }
                    for header in & $($mut)? case.headers {
                        walk(& $($mut)? header.ty, visit);
                    }
                }
                match & $($mut)? operation.returns {
                    Returns::Nothing => {}
                    Returns::Body(body) => walk(& $($mut)? body.ty, visit),
                    Returns::PerStatus(id) => visit(id),
                }
                match & $($mut)? operation.error_body {
                    ErrorBody::Json(ty) => walk(ty, visit),
                    ErrorBody::PerStatus(id) => visit(id),
                }
                if let Some(StreamBody { item: StreamItem::Json(ty), .. }) = & $($mut)? operation.stream {
                    walk(ty, visit);
                }
                if let Some(pagination) = & $($mut)? operation.pagination {
                    match & $($mut)? pagination.items {
                        PageItems::Body { item } | PageItems::Field { item, .. } => walk(item, visit),
                    }
                }
            }
        }
    };
}

impl Api {
    type_id_walk!(visit_type_ids,);
    type_id_walk!(visit_type_ids_mut, mut);
}

/// A named Rust type.
#[derive(Debug, Clone)]
pub struct TypeDef {
    /// The Rust name (unique in the module).
    pub name: String,
    /// Where the schema is.
    pub origin: Location,
    /// Documentation (title and description).
    pub doc: Option<String>,
    /// `deprecated: true`.
    pub deprecated: bool,
    /// What kind of type.
    pub kind: TypeKind,
    /// Which serde impls it gets (decided in `analyze::serde_directions`).
    pub serde: SerdeUse,
    /// No operation reaches the type, or a type no operation reaches uses
    /// it (webhook payloads and what they hold): decided once by
    /// `analyze::mark_unreached`; such types get both serde directions and
    /// the `schemas` feature.
    pub unreached: bool,
}

/// Which directions of serde a type is used in: sent (`Serialize`),
/// received (`Deserialize`) or both. Deriving only what is used keeps large
/// clients fast to compile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SerdeUse {
    /// Sent in a request (parameter or body), or inside one.
    pub serialize: bool,
    /// Received in a response (body or header), or inside one.
    pub deserialize: bool,
}

impl SerdeUse {
    /// Both directions.
    pub const BOTH: SerdeUse = SerdeUse { serialize: true, deserialize: true };
}

/// The shape of a named type.
#[derive(Debug, Clone)]
pub enum TypeKind {
    /// A struct with named fields.
    Struct(Struct),
    /// A closed set of values.
    Enum(Enum),
    /// One of several types (`oneOf`/`anyOf`).
    Union(Union),
    /// Another name for a type. Emitted as `type X = …;`, or as a newtype
    /// when `newtype` is set (aliases that are part of a cycle).
    Alias {
        /// The aliased type.
        target: TypeRef,
        /// Emit `struct X(T)` instead of `type X = T`.
        newtype: bool,
    },
    /// A per-operation enum of documented responses, one variant per status
    /// (used when success or error bodies differ by status).
    Responses(Vec<ResponseVariant>),
}

/// One variant of a [`TypeKind::Responses`] enum.
#[derive(Debug, Clone)]
pub struct ResponseVariant {
    /// The Rust variant name (`Ok`, `Created`, `NotFound`, …).
    pub name: String,
    /// The body type; `None` for an empty body.
    pub ty: Option<TypeRef>,
    /// The response's description.
    pub doc: Option<String>,
}

/// An object schema.
#[derive(Debug, Clone, Default)]
pub struct Struct {
    /// Properties, in spec order.
    pub fields: Vec<Field>,
    /// `additionalProperties` with a schema (or `true` → JSON values):
    /// collected into a flattened map.
    pub additional: Option<TypeRef>,
    /// Set when the struct is only ever a variant of tagged unions: its
    /// discriminator property is not a field (so no wrong value can be
    /// built), the union writes it ([`UnionVariant::writes_tag`]).
    pub tagged_by: Option<TaggedBy>,
    /// `additionalProperties: false` (the client skips unknown properties
    /// anyway; only example checks read this).
    pub closed: bool,
}

/// The union whose discriminator a variant struct leaves to it.
#[derive(Debug, Clone)]
pub struct TaggedBy {
    /// The (first) tagged union the struct is a variant of.
    pub union: TypeId,
    /// The discriminator property (wire name).
    pub property: String,
}

/// How a field's absence and `null` are represented.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    /// Required, not nullable: `T`.
    Required,
    /// Required but nullable: `Option<T>`, `None` sent as `null`.
    Nullable,
    /// Optional, not nullable: `Option<T>`, `None` left out.
    Optional,
    /// Optional and nullable: `Option<Option<T>>` (absent / `null` / value).
    OptionalNullable,
}

/// A struct field.
#[derive(Debug, Clone)]
pub struct Field {
    /// The Rust name.
    pub name: String,
    /// The JSON property name.
    pub wire: String,
    /// The value type (without the `Option` layers of `presence`).
    pub ty: TypeRef,
    /// Absence and `null` handling.
    pub presence: Presence,
    /// Documentation.
    pub doc: Option<String>,
    /// `deprecated: true`.
    pub deprecated: bool,
    /// The schema's `default`, if any.
    pub default: Option<serde_json::Value>,
    /// Where the property is.
    pub origin: Location,
}

/// A `enum:` schema.
#[derive(Debug, Clone)]
pub struct Enum {
    /// The values, in spec order, with unique Rust names.
    pub variants: Vec<EnumVariant>,
    /// Values of another type than the variants' (e.g. unknown strings) are
    /// accepted into an `Unknown` variant when set.
    pub open: bool,
    /// The JSON type of the values.
    pub repr: EnumRepr,
    /// The spec lists `null` among the values (it is not a variant: the
    /// use is nullable; only example checks read this).
    pub lists_null: bool,
}

/// The JSON type of an enum's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnumRepr {
    /// All strings.
    String,
    /// All integers.
    Integer,
    /// Strings, numbers and booleans mixed.
    Mixed,
}

/// One enum value.
#[derive(Debug, Clone)]
pub struct EnumVariant {
    /// The Rust variant name.
    pub name: String,
    /// The JSON value.
    pub value: serde_json::Value,
}

/// A `oneOf`/`anyOf` schema.
#[derive(Debug, Clone)]
pub struct Union {
    /// The alternatives, ordered so that untagged deserialization tries the
    /// most specific first.
    pub variants: Vec<UnionVariant>,
    /// Discriminator property, when the spec names one.
    pub tag: Option<String>,
    /// `oneOf`: a valid value fits exactly one alternative (the client
    /// takes the first that fits; only example checks read this).
    pub exclusive: bool,
}

/// One alternative of a union.
#[derive(Debug, Clone)]
pub struct UnionVariant {
    /// The Rust variant name.
    pub name: String,
    /// The alternative's type.
    pub ty: TypeRef,
    /// The discriminator values that select this variant.
    pub tag_values: Vec<String>,
    /// The variant's type has no field for the discriminator: the union
    /// writes the first of `tag_values` when serializing and takes the
    /// property out before decoding the variant.
    pub writes_tag: bool,
}

/// A use of a type.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TypeRef {
    /// `String`.
    String,
    /// `bool`.
    Bool,
    /// `i32`.
    I32,
    /// `i64`.
    I64,
    /// `u32`.
    U32,
    /// `u64`.
    U64,
    /// `f32`.
    F32,
    /// `f64`.
    F64,
    /// `chrono::DateTime<chrono::Utc>`.
    DateTime,
    /// `chrono::NaiveDate`.
    Date,
    /// `uuid::Uuid`.
    Uuid,
    /// `serde_json::Value`: anything.
    Json,
    /// `serde_json::Map<String, serde_json::Value>`: any object.
    JsonObject,
    /// `Vec<u8>`: raw bytes (binary bodies).
    Bytes,
    /// `runtime::FilePart`: a `format: binary` string inside a schema (a
    /// file upload in multipart bodies).
    File,
    /// `()`: no content.
    Unit,
    /// A named type.
    Named(TypeId),
    /// `Box<T>`: breaks a cycle.
    Boxed(Box<TypeRef>),
    /// `Vec<T>`.
    Vec(Box<TypeRef>),
    /// `BTreeMap<String, T>`.
    Map(Box<TypeRef>),
    /// `Option<T>`: nullable items of arrays and maps.
    Option(Box<TypeRef>),
}

/// A path template, parsed once: literal text and `{name}` placeholders.
/// An unclosed `{` is literal text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathTemplate {
    text: String,
    pieces: Vec<PathPiece>,
}

/// One piece of a [`PathTemplate`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathPiece {
    /// Text sent as it is.
    Literal(String),
    /// A `{name}` placeholder.
    Placeholder(String),
}

impl PathTemplate {
    /// Parses `/orgs/{org}/repos/{repo}`.
    pub fn parse(text: &str) -> Self {
        let mut pieces = Vec::new();
        let mut rest = text;
        while let Some(start) = rest.find('{') {
            let Some(length) = rest[start..].find('}') else { break };
            if start > 0 {
                pieces.push(PathPiece::Literal(rest[..start].to_owned()));
            }
            pieces.push(PathPiece::Placeholder(rest[start + 1..start + length].to_owned()));
            rest = &rest[start + length + 1..];
        }
        if !rest.is_empty() {
            pieces.push(PathPiece::Literal(rest.to_owned()));
        }
        Self { text: text.to_owned(), pieces }
    }

    /// The template as the spec wrote it.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Literals and placeholders, in order.
    pub fn pieces(&self) -> &[PathPiece] {
        &self.pieces
    }

    /// The placeholder names, in order, without duplicates.
    pub fn placeholders(&self) -> Vec<&str> {
        let mut names: Vec<&str> = Vec::new();
        for piece in &self.pieces {
            if let PathPiece::Placeholder(name) = piece
                && !names.contains(&name.as_str())
            {
                names.push(name);
            }
        }
        names
    }
}

/// One API operation → one async method.
#[derive(Debug, Clone)]
pub struct Operation {
    /// The method name (snake_case, unique).
    pub name: String,
    /// The HTTP method.
    pub method: HttpMethod,
    /// The path template (`/pets/{petId}`), parsed.
    pub path: PathTemplate,
    /// Where the operation is.
    pub origin: Location,
    /// `summary`.
    pub summary: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// `deprecated: true`.
    pub deprecated: bool,
    /// Path parameters, in template order: one per placeholder.
    pub path_params: Vec<PathParam>,
    /// Query, header and cookie parameters, in spec order (the fields of
    /// the operation's parameter struct).
    pub params: Vec<Param>,
    /// The request body.
    pub body: Option<RequestBody>,
    /// Responses treated as success.
    pub success: Vec<ResponseCase>,
    /// Documented non-success responses.
    pub errors: Vec<ResponseCase>,
    /// Name of the generated struct holding the query, header and cookie
    /// parameters (`None` when there are none).
    pub params_type: Option<String>,
    /// What a successful call returns.
    pub returns: Returns,
    /// When every documented success shares one body (or none), the one
    /// runtime call that sends the request and decodes any of them; `None`:
    /// the method matches on the status itself.
    pub shared_success: Option<SharedSuccess>,
    /// How an error response's body is decoded.
    pub error_body: ErrorBody,
    /// The `Accept` header: every media type a documented response has, in
    /// spec order (empty: none is sent).
    pub accept: String,
    /// Alternative security requirements; each inner list names schemes
    /// that are all applied together. An empty inner list means "no
    /// credentials needed".
    pub security: Vec<Vec<SchemeId>>,
    /// `tags`, in spec order.
    pub tags: Vec<String>,
    /// The operation's `x-pagination` declaration, as lowering read it,
    /// and where (checked against the operation by `paginate`).
    pub pagination_declared: Option<(PaginationDeclaration, Location)>,
    /// Name of the generated struct of documented success headers (`None`
    /// when the success responses document none).
    pub headers_type: Option<String>,
    /// How to follow pages, when the operation is paginated (set by
    /// `paginate` after lowering).
    pub pagination: Option<Pagination>,
    /// The success body as a stream of items (server-sent events, lines,
    /// byte chunks), when the operation has one.
    pub stream: Option<StreamBody>,
}

impl Operation {
    /// The per-operation success enum, when success bodies differ by status.
    pub fn success_enum(&self) -> Option<TypeId> {
        match self.returns {
            Returns::PerStatus(id) => Some(id),
            _ => None,
        }
    }

    /// The per-operation error enum, when error bodies differ by status.
    pub fn error_enum(&self) -> Option<TypeId> {
        match self.error_body {
            ErrorBody::PerStatus(id) => Some(id),
            ErrorBody::Json(_) => None,
        }
    }
}

/// What a successful call returns (decided in lowering).
#[derive(Debug, Clone)]
pub enum Returns {
    /// No success response has a body: `()`.
    Nothing,
    /// Every success response with a body has this one (type and encoding).
    Body(ResponseBody),
    /// Success bodies differ by status: a per-operation enum
    /// ([`TypeKind::Responses`]).
    PerStatus(TypeId),
}

/// An operation's `x-pagination` extension, read by lowering.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaginationDeclaration {
    /// `x-pagination: false`: not paginated, whatever its shape suggests.
    Off,
    /// A declaration of the right shape.
    On(DeclaredPagination),
    /// Not of a declaration's shape; the message says why.
    Invalid(String),
}

/// What an `x-pagination` object names (each name is checked against the
/// operation by `paginate`; an absent one is looked for under well-known
/// names). A name that is not a string is an error only for a style that
/// reads it, so each is kept as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeclaredPagination {
    /// `style`, as written.
    pub style_text: String,
    /// `style`, when it is one this generator knows.
    pub style: Option<DeclaredStyle>,
    /// `items`: the page's array field.
    pub items: DeclaredName,
    /// `next`: the next link, cursor or `has_more` field.
    pub next: DeclaredName,
    /// `param`: the query parameter that asks for a page.
    pub param: DeclaredName,
    /// `size`: the query parameter of the page size.
    pub size: DeclaredName,
    /// `id`: the items' field `starting_after` takes (`has-more`).
    pub id: DeclaredName,
}

/// One name of an `x-pagination` object: absent, a string, or the
/// message for a value that is not a string.
pub type DeclaredName = Result<Option<String>, String>;

/// `x-pagination.style`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeclaredStyle {
    /// `next-link`.
    NextLink,
    /// `link-header`.
    LinkHeader,
    /// `cursor`.
    Cursor,
    /// `has-more`.
    HasMore,
    /// `page`.
    Page,
    /// `offset`.
    Offset,
}

/// The runtime call of an operation whose successes share one body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharedSuccess {
    /// How the body is read.
    pub call: SuccessCall,
    /// The success statuses, as inclusive ranges (`200..=200`, `200..=299`).
    pub statuses: Vec<(u16, u16)>,
}

/// How a shared success body is read (`call_empty`, `call_text`, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SuccessCall {
    /// No body.
    Empty,
    /// Text.
    Text,
    /// Bytes.
    Bytes,
    /// JSON.
    Json,
}

/// A success body read as a stream of items, as it arrives.
#[derive(Debug, Clone)]
pub struct StreamBody {
    /// How the body is cut into items.
    pub framing: StreamFraming,
    /// The streamed media type (sent as `Accept`).
    pub content_type: String,
    /// The statuses whose body is streamed.
    pub status: StatusMatch,
    /// What each item is decoded as: a JSON type, `String` (text), or
    /// `Bytes` (chunks).
    pub item: StreamItem,
    /// The streamed body is the operation's only success body: its own
    /// method returns the stream, and there is no `_stream` twin.
    pub only: bool,
    /// The JSON request body's boolean property that asks for the stream
    /// (`stream`), set to `true` by the stream method (set after lowering).
    pub flag: Option<String>,
    /// The name of the stream method (set after lowering).
    pub method: String,
}

/// How a streamed body is cut into items.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StreamFraming {
    /// Server-sent events; an event whose data is `done` ends the stream.
    Events {
        /// `[DONE]` unless the operation's `x-stream-done` says otherwise.
        done: Option<String>,
    },
    /// One item per line (NDJSON, JSON Lines).
    Lines,
    /// The body's chunks as they arrive (downloads).
    Chunks,
}

/// What a stream's items are decoded as.
#[derive(Debug, Clone, PartialEq)]
pub enum StreamItem {
    /// JSON of this type.
    Json(TypeRef),
    /// Text, as it is.
    Text,
    /// Byte chunks.
    Bytes,
}

/// How an error response's body is decoded (decided in lowering).
#[derive(Debug, Clone)]
pub enum ErrorBody {
    /// As JSON of this type: the first documented JSON error body, or
    /// [`TypeRef::Json`] when none is documented.
    Json(TypeRef),
    /// Error bodies differ by status: a per-operation enum.
    PerStatus(TypeId),
}

/// How an operation's pages are followed.
#[derive(Debug, Clone, PartialEq)]
pub struct Pagination {
    /// How the next page is found.
    pub style: PaginationStyle,
    /// Where a page's items are.
    pub items: PageItems,
    /// True when found by detection, false when declared with `x-pagination`.
    pub detected: bool,
    /// The methods the operation gets besides its own (named by
    /// [`crate::paginate::assign`]).
    pub methods: PageMethods,
}

/// The names of a paginated operation's extra methods: `{name}_request`,
/// `{name}_send`, `{name}_pages` and `{name}_stream`, each numbered when
/// another operation already has that name.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PageMethods {
    /// Builds the first page's request.
    pub request: String,
    /// Sends a page's request.
    pub send: String,
    /// Every page, as a stream.
    pub pages: String,
    /// Every item of every page, as a stream.
    pub stream: String,
}

/// A field read from a page (or from an item).
#[derive(Debug, Clone, PartialEq)]
pub struct FieldAccess {
    /// The Rust field name.
    pub name: String,
    /// The JSON property name.
    pub wire: String,
    /// Its presence (the `Option` layers).
    pub presence: Presence,
}

/// Where a page's items are.
#[derive(Debug, Clone, PartialEq)]
pub enum PageItems {
    /// The body is the array of items.
    Body {
        /// The item type.
        item: TypeRef,
    },
    /// A field of the body holds the array.
    Field {
        /// The field.
        field: FieldAccess,
        /// The item type.
        item: TypeRef,
    },
}

/// How the next page is found.
#[derive(Debug, Clone, PartialEq)]
pub enum PaginationStyle {
    /// A string field holds the next page's URL.
    NextLink(FieldAccess),
    /// The `Link` header's `rel="next"`.
    LinkHeader,
    /// A string field holds a cursor, sent back as query parameter `param`.
    Cursor {
        /// The cursor field.
        field: FieldAccess,
        /// The query parameter (wire name).
        param: String,
    },
    /// A boolean field says whether there are more pages; the last item's
    /// id is sent as `param` (Stripe's `has_more` + `starting_after`).
    HasMore {
        /// The boolean field.
        has_more: FieldAccess,
        /// The query parameter (wire name).
        param: String,
        /// The item's id field.
        id: FieldAccess,
    },
    /// Page numbers in `param`.
    PageNumber {
        /// The page parameter (wire name).
        param: String,
        /// The page-size parameter (wire name).
        size: Option<String>,
    },
    /// Item offsets in `param`.
    Offset {
        /// The offset parameter (wire name).
        param: String,
        /// The page-size parameter (wire name).
        size: Option<String>,
    },
}

/// A path parameter: one placeholder of the path template. Always
/// required (a path cannot leave a placeholder out).
#[derive(Debug, Clone)]
pub struct PathParam {
    /// The Rust name (unique among the operation's parameters).
    pub name: String,
    /// The placeholder's name in the template.
    pub wire: String,
    /// Its type.
    pub ty: TypeRef,
    /// Serialization style.
    pub style: PathStyle,
    /// Documentation.
    pub doc: Option<String>,
    /// `deprecated: true`.
    pub deprecated: bool,
    /// Where it is declared (the operation, for a placeholder the spec
    /// forgot to declare).
    pub origin: Location,
}

/// How a path parameter is serialized (OpenAPI `style` + `explode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathStyle {
    /// `simple` (`3,4,5`).
    Simple {
        /// `explode`.
        explode: bool,
    },
    /// `label` (`.3.4.5`).
    Label {
        /// `explode`.
        explode: bool,
    },
    /// `matrix` (`;id=3,4` or `;id=3;id=4`).
    Matrix {
        /// `explode`.
        explode: bool,
    },
}

/// Where a query, header or cookie parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamLocation {
    /// In the query string, serialized in a style.
    Query(QueryStyle),
    /// A request header (`simple`, the only header style).
    Header,
    /// A cookie (`form`, the only cookie style).
    Cookie,
}

/// How a query parameter is serialized (OpenAPI `style` + `explode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryStyle {
    /// `form` (`id=3&id=4`, or `id=3,4` without `explode`).
    Form {
        /// `explode`.
        explode: bool,
    },
    /// `spaceDelimited`.
    SpaceDelimited,
    /// `pipeDelimited`.
    PipeDelimited,
    /// Tab-separated (Swagger 2.0 `collectionFormat: tsv`).
    TabDelimited,
    /// `deepObject`.
    DeepObject,
}

/// A query, header or cookie parameter: a field of the operation's
/// parameter struct.
#[derive(Debug, Clone)]
pub struct Param {
    /// The Rust name (unique among the operation's parameters).
    pub name: String,
    /// The wire name.
    pub wire: String,
    /// Where it goes, and in which style.
    pub location: ParamLocation,
    /// Its type.
    pub ty: TypeRef,
    /// Whether it must be given.
    pub required: bool,
    /// Documentation.
    pub doc: Option<String>,
    /// `deprecated: true`.
    pub deprecated: bool,
    /// A string header named `Idempotency-Key`: the call hands it to the
    /// runtime, which sends it on every attempt and lets a POST or PATCH
    /// be retried (decided by lowering).
    pub idempotency_key: bool,
    /// Where it is.
    pub origin: Location,
}

/// How a body is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    /// JSON (`application/json`, `*/*+json`).
    Json,
    /// `application/x-www-form-urlencoded`.
    Form,
    /// `multipart/form-data`.
    Multipart,
    /// Text (`text/*`).
    Text,
    /// Raw bytes (anything else).
    Bytes,
}

/// A request body.
#[derive(Debug, Clone)]
pub struct RequestBody {
    /// Media type sent as `Content-Type`.
    pub content_type: String,
    /// Encoding.
    pub kind: BodyKind,
    /// The body's type.
    pub ty: TypeRef,
    /// Whether it must be given.
    pub required: bool,
    /// The request body's `description`: the operation method's docs end
    /// with it.
    pub doc: Option<String>,
}

/// Which statuses a response entry covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum StatusMatch {
    /// One status code.
    Code(u16),
    /// A class, e.g. `4` for `4XX`.
    Range(u16),
    /// `default`.
    Default,
}

/// A documented response.
#[derive(Debug, Clone)]
pub struct ResponseCase {
    /// Which statuses.
    pub status: StatusMatch,
    /// What body (`None`: empty).
    pub body: Option<ResponseBody>,
    /// `description`.
    pub doc: Option<String>,
    /// Variant name in a per-operation response enum.
    pub variant: String,
    /// Headers the response documents (`responses.*.headers`).
    pub headers: Vec<ResponseHeader>,
}

/// A documented response header.
#[derive(Debug, Clone)]
pub struct ResponseHeader {
    /// The header name as sent (`X-RateLimit-Remaining`).
    pub wire: String,
    /// The snake_case accessor name.
    pub name: String,
    /// The value's type (`style: simple`).
    pub ty: TypeRef,
    /// `description`.
    pub doc: Option<String>,
    /// Where the header is.
    #[expect(dead_code, reason = "read by nothing yet: every IR node knows where it came from")]
    pub origin: Location,
}

/// A response body.
#[derive(Debug, Clone)]
pub struct ResponseBody {
    /// Encoding.
    pub kind: BodyKind,
    /// Media type (for `Accept`).
    pub content_type: String,
    /// The decoded type.
    pub ty: TypeRef,
}

/// A way to authenticate.
#[derive(Debug, Clone)]
pub struct SecurityScheme {
    /// Where the scheme is defined.
    pub origin: Location,
    /// The key in `components.securitySchemes`.
    pub key: String,
    /// The Rust name of the builder method / credential field.
    pub name: String,
    /// Description.
    pub doc: Option<String>,
    /// What to send.
    pub kind: SecurityKind,
    /// The Rust name of the builder method that installs a credential
    /// provider (`None` for HTTP basic, which takes a fixed pair).
    pub provider: Option<String>,
    /// The token endpoint of an OAuth2 scheme's client-credentials flow.
    pub token_url: Option<TokenUrl>,
}

/// The token endpoint of an OAuth2 client-credentials flow, offered as a
/// constant.
#[derive(Debug, Clone)]
pub struct TokenUrl {
    /// The constant's name (`OAUTH_TOKEN_URL`).
    pub constant: String,
    /// The URL: absolute, or resolved against the default server URL.
    pub url: String,
    /// False when the spec's URL is relative and there was no absolute
    /// server URL to resolve it against: `url` is then as written.
    pub absolute: bool,
}

/// A security scheme: an index into [`Api::security_schemes`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct SchemeId(pub usize);

impl Api {
    /// The scheme behind `id`.
    pub fn scheme(&self, id: SchemeId) -> Option<&SecurityScheme> {
        self.security_schemes.get(id.0)
    }
}

/// What a security scheme sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecurityKind {
    /// An API key in a header.
    HeaderKey(String),
    /// An API key in the query string.
    QueryKey(String),
    /// An API key in a cookie.
    CookieKey(String),
    /// `Authorization: Bearer …` (also used for OAuth2 and OpenID Connect).
    Bearer,
    /// HTTP basic authentication.
    Basic,
}

// Cargo features a standalone crate is cut into (decided by `features::assign`).

/// The feature of operations without tags.
pub const UNTAGGED: &str = "untagged";

/// The feature of types no operation reaches.
pub const SCHEMAS: &str = "schemas";

/// The feature that turns every tag on (the default).
pub const FULL: &str = "full";

/// The feature of the typed `wiremock` helpers (`emit::mock`'s manifest
/// lines declare it).
pub const MOCK: &str = "mock";

/// Feature names and which items each one compiles.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Features {
    /// Feature names, in the order tags first appear (then [`SCHEMAS`]),
    /// each with what it compiles.
    pub names: Vec<(String, Slice)>,
    /// For each operation, the features that compile it.
    pub operations: Vec<Vec<usize>>,
    /// For each type, the features that compile it (`None`: always, which
    /// is only the case in an API without operations).
    pub types: Vec<Option<Vec<usize>>>,
}

/// What one feature compiles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Slice {
    /// The operations with this tag (and the types they reach).
    Tag(String),
    /// The operations without tags ([`UNTAGGED`]).
    Untagged,
    /// The types no operation reaches ([`SCHEMAS`]).
    Schemas,
}

impl Features {
    /// The features in `indices`, or `None` when they are all the features
    /// (no `cfg` needed).
    pub fn subset(&self, indices: &[usize]) -> Option<Vec<&str>> {
        if indices.len() == self.names.len() {
            return None;
        }
        Some(indices.iter().filter_map(|index| self.names.get(*index)).map(|(name, _)| name.as_str()).collect())
    }
}
