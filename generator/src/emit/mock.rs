//! Operations → the `mock` module: typed helpers on a `wiremock`
//! `MockServer` for the tests of code that uses the client, compiled only
//! with the crate's `mock` feature (the runtime's `mock` module does the
//! matching and answering; this emits the typed surface).
//!
//! Per operation: a `…When` type whose setters take the client's own
//! parameter and body types (each matched as the client sends it), and a
//! `mock_<operation>` method of the `MockServerExt` trait returning a
//! `runtime::mock::Responder<'_, S, E>` over the operation's success and
//! error types, with the encoders that write them as the client reads them.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::{Doc, code};
use super::ident;
use super::types::type_tokens;
use crate::ir::Features;
use crate::ir::{
    Api, BodyKind, ErrorBody, Operation, ParamLocation, PathPiece, PathStyle, QueryStyle, ResponseCase, Returns, StreamFraming, StreamItem,
    TypeId, TypeKind, TypeRef, TypeSpace,
};
use crate::naming::{Scope, unraw};

/// The `mock` feature of a generated crate's manifest: it compiles every
/// module's `mock` module and the optional `wiremock` dependency (listed
/// with the runtime's dependencies).
pub const MANIFEST_FEATURE: &str = "# Typed wiremock helpers for tests of code that uses the client (each module's `mock`):\n# enable it in `[dev-dependencies]`.\nmock = [\"dep:wiremock\"]\n";

/// [`MANIFEST_FEATURE`] for a crate whose runtime is the `package` crate:
/// the feature also turns on the runtime crate's own `mock` support.
pub fn manifest_feature_with(package: &str) -> String {
    MANIFEST_FEATURE.replace("[\"dep:wiremock\"]", &format!("[\"dep:wiremock\", \"{package}/mock\"]"))
}

/// The name of the extension trait (fixed; per-operation types are named
/// around it).
const TRAIT: &str = "MockServerExt";

/// The module's head: docs, lint allowances, and the trait with one method
/// per operation.
pub fn head(api: &Api, features: Option<&Features>, allows: Option<TokenStream>) -> TokenStream {
    let docs = Doc::new()
        .line("Typed mock helpers for tests of code that uses [`Client`](super::Client), on a [`wiremock`](::wiremock) server (the crate's `mock` feature).")
        .line(
            "Import [`MockServerExt`] and call `server.mock_<operation>(|when| when.<parameter>(value)…)` on a `wiremock::MockServer`: \
             the mock matches the operation's method and path template, and each parameter or body given, written as the client writes it. \
             It answers with `.respond(status, &value)` (the operation's success type), `.respond_error(status, &error)` (its error type), \
             `.respond_empty(status)` or `.respond_raw(…)`; awaiting that mounts it. \
             Point the client at `server.uri()` (or `server.uri()` followed by the path of the spec's server URL).",
        )
        .line("How values are matched and written: [`runtime::mock`](crate::runtime::mock).")
        .inner();
    let names = When::names(api);
    let methods = api.operations.iter().enumerate().map(|(index, operation)| {
        let cfg = cfg(features, index).tokens();
        let signature = signature(operation, api, &names[index]);
        let link = format!("[`Client::{0}`](super::Client::{0})", unraw(&operation.name));
        let docs = Doc::new()
            .line(format!("Mocks {link}: {}.", code(&format!("{} {}", operation.method.wire(), operation.path.as_str()))))
            .line(format!("`when` narrows what the mock matches ([`{}`]).", names[index]))
            .line(body_note(operation))
            .outer();
        quote! {
            #docs
            #cfg
            #signature;
        }
    });
    let empty_impl = api.operations.is_empty().then(|| {
        let name = ident(TRAIT);
        quote!(impl #name for ::wiremock::MockServer {})
    });
    let name = ident(TRAIT);
    quote! {
        #docs
        #allows

        /// Typed mocks of this API's operations on a [`wiremock::MockServer`](::wiremock::MockServer): one `mock_<operation>` method per operation.
        pub trait #name {
            #(#methods)*
        }

        #empty_impl
    }
}

/// The chunks after the head: the trait's impl, one operation per chunk
/// (`format` joins them into one block), then each operation's `…When`.
pub fn items<'a>(api: &'a Api, features: Option<&'a Features>) -> (usize, impl Fn(usize) -> Option<super::Piece> + Send + Sync + 'a) {
    let names = When::names(api);
    let count = api.operations.len();
    let chunk = move |index: usize| {
        if let Some(operation) = api.operations.get(index) {
            let cfg = cfg(features, index).tokens();
            let signature = signature(operation, api, &names[index]);
            let body = method_body(operation, api, &names[index]);
            let name = ident(TRAIT);
            return Some(super::Piece {
                tokens: quote! {
                    #cfg
                    #signature {
                        #body
                    }
                },
                member_of: Some(quote!(#name for ::wiremock::MockServer)),
                ..super::Piece::default()
            });
        }
        let index = index - count;
        let operation = api.operations.get(index)?;
        Some(super::Piece { cfg: cfg(features, index), tokens: when_type(operation, api, &names[index]), ..super::Piece::default() })
    };
    (2 * count, chunk)
}

fn cfg(features: Option<&Features>, index: usize) -> super::Cfg {
    super::cfg_for(features, features.and_then(|features| features.operations.get(index)).map(Vec::as_slice))
}

/// How the typed `respond` writes the operation's success value.
fn body_note(operation: &Operation) -> String {
    match (&operation.stream, &operation.returns) {
        (Some(stream), _) if stream.only => "`respond` takes the streamed items and writes them as the stream the client reads.".to_owned(),
        (_, Returns::Nothing) => "The operation returns no body: `respond(status, &())` answers an empty one.".to_owned(),
        _ => String::new(),
    }
}

/// The names of the per-operation `…When` types, in operation order.
struct When;

impl When {
    fn names(api: &Api) -> Vec<String> {
        let mut scope = Scope::with_reserved([TRAIT]);
        api.operations.iter().map(|operation| scope.claim(&crate::naming::type_name(&format!("{} when", unraw(&operation.name))))).collect()
    }
}

/// `fn mock_x(&self, when: impl FnOnce(XWhen) -> XWhen) -> Responder<'_, S, E>`.
fn signature(operation: &Operation, api: &Api, when: &str) -> TokenStream {
    let method = ident(&format!("mock_{}", crate::naming::stem(&operation.name)));
    let when = ident(when);
    let (success, _) = success(operation, api);
    let (error, _) = error(operation, api);
    quote! {
        fn #method(&self, when: impl ::std::ops::FnOnce(#when) -> #when) -> crate::runtime::mock::Responder<'_, #success, #error>
    }
}

fn method_body(operation: &Operation, api: &Api, when: &str) -> TokenStream {
    let when = ident(when);
    let method = operation.method.wire();
    let pieces = operation.path.pieces().iter().map(|piece| match piece {
        PathPiece::Literal(text) => quote!(crate::runtime::mock::PathPiece::Literal(#text)),
        PathPiece::Placeholder(name) => quote!(crate::runtime::mock::PathPiece::Param(#name)),
    });
    let (_, success) = success(operation, api);
    let (_, error) = error(operation, api);
    let base_path = base_path(&api.base_url);
    quote! {
        let expect = when(#when(crate::runtime::mock::Expect::new(#method, #base_path, &[#(#pieces),*]))).0;
        crate::runtime::mock::Responder::new(self, expect, #success, #error)
    }
}

/// The path of the spec's server URL (`/v1` of `https://api.example.com/v1`),
/// which the mock also accepts before the operation's path.
fn base_path(base_url: &str) -> &str {
    let rest = match base_url.find("://") {
        Some(at) => {
            let authority = &base_url[at + 3..];
            authority.find('/').map_or("", |slash| &authority[slash..])
        }
        None if base_url.starts_with('/') => base_url,
        None => "",
    };
    let end = rest.find(['?', '#']).unwrap_or(rest.len());
    rest[..end].trim_end_matches('/')
}

/// The `…When` type of an operation and its setters.
fn when_type(operation: &Operation, api: &Api, name: &str) -> TokenStream {
    let prefix = quote!(super::types::);
    let type_name = ident(name);
    let doc = format!(
        " What a request to [`Client::{0}`](super::Client::{0}) must be to match the mock: each setter adds a condition.",
        unraw(&operation.name)
    );
    let mut scope = Scope::new();
    let mut setters = Vec::new();
    for param in &operation.path_params {
        let setter = ident(&scope.claim(&param.name));
        let wire = &param.wire;
        let style = path_style(param.style);
        let ty = arg_type(&param.ty, &api.types, &prefix);
        let doc = format!(" The path parameter {} is `value`, as the client writes it.", code(&param.wire));
        setters.push(quote! {
            #[doc = #doc]
            pub fn #setter(self, value: #ty) -> Self {
                Self(self.0.path(#wire, &value, #style))
            }
        });
    }
    for param in &operation.params {
        let setter = ident(&scope.claim(&param.name));
        let wire = &param.wire;
        let ty = arg_type(&param.ty, &api.types, &prefix);
        let (what, call) = match param.location {
            ParamLocation::Query(style) => {
                let style = query_style(style);
                ("query parameter", quote!(self.0.query(#wire, &value, #style)))
            }
            ParamLocation::Header => ("header", quote!(self.0.header(#wire, &value))),
            ParamLocation::Cookie => ("cookie", quote!(self.0.cookie(#wire, &value))),
        };
        let doc = format!(" The {what} {} is `value`, as the client writes it.", code(&param.wire));
        setters.push(quote! {
            #[doc = #doc]
            pub fn #setter(self, value: #ty) -> Self {
                Self(#call)
            }
        });
    }
    if let Some(body) = &operation.body {
        let setter = ident(&scope.claim("body"));
        let typed = match body.kind {
            BodyKind::Json => {
                let ty = type_tokens(&body.ty, &api.types, &prefix);
                Some((quote!(&#ty), quote!(self.0.json_body(value)), " The JSON body equals `value` (compared as JSON values)."))
            }
            BodyKind::Text => Some((quote!(&str), quote!(self.0.bytes_body(value.as_bytes())), " The body is this text.")),
            BodyKind::Bytes => Some((quote!(&[u8]), quote!(self.0.bytes_body(value)), " The body is these bytes.")),
            // Form and multipart bodies: `matching` with a wiremock matcher.
            BodyKind::Form | BodyKind::Multipart => None,
        };
        if let Some((ty, call, doc)) = typed {
            setters.push(quote! {
                #[doc = #doc]
                pub fn #setter(self, value: #ty) -> Self {
                    Self(#call)
                }
            });
        }
    }
    let matching = ident(&scope.claim("matching"));
    quote! {
        #[doc = #doc]
        #[derive(Debug)]
        pub struct #type_name(crate::runtime::mock::Expect);

        impl #type_name {
            #(#setters)*

            /// The request also satisfies `matcher`, any wiremock matcher (for what has no typed setter: form and multipart bodies, credentials).
            pub fn #matching(self, matcher: impl ::wiremock::Match + 'static) -> Self {
                Self(self.0.and(matcher))
            }
        }
    }
}

/// A setter's argument type, as the client takes path parameters.
fn arg_type(ty: &TypeRef, types: &TypeSpace, prefix: &TokenStream) -> TokenStream {
    super::client::path_arg_type(ty, types, prefix)
}

fn path_style(style: PathStyle) -> TokenStream {
    match style {
        PathStyle::Simple { explode } => quote!(crate::runtime::__private::PathStyle::Simple { explode: #explode }),
        PathStyle::Label { explode } => quote!(crate::runtime::__private::PathStyle::Label { explode: #explode }),
        PathStyle::Matrix { explode } => quote!(crate::runtime::__private::PathStyle::Matrix { explode: #explode }),
    }
}

fn query_style(style: QueryStyle) -> TokenStream {
    match style {
        QueryStyle::Form { explode } => quote!(crate::runtime::__private::QueryStyle::Form { explode: #explode }),
        QueryStyle::SpaceDelimited => quote!(crate::runtime::__private::QueryStyle::SpaceDelimited),
        QueryStyle::PipeDelimited => quote!(crate::runtime::__private::QueryStyle::PipeDelimited),
        QueryStyle::TabDelimited => quote!(crate::runtime::__private::QueryStyle::TabDelimited),
        QueryStyle::DeepObject => quote!(crate::runtime::__private::QueryStyle::DeepObject),
    }
}

/// Whether values of `ty` implement `Serialize` (with `--serde-as-used`,
/// types only responses carry do not).
fn serializes(ty: &TypeRef, types: &TypeSpace) -> bool {
    match ty {
        TypeRef::Named(id) => match types.get(*id).map(|def| (&def.kind, def.serde.serialize)) {
            Some((TypeKind::Alias { target, newtype: false }, _)) => serializes(target, types),
            Some((TypeKind::Responses(_), _)) | None => false,
            Some((_, serialize)) => serialize,
        },
        TypeRef::Boxed(inner) | TypeRef::Vec(inner) | TypeRef::Map(inner) | TypeRef::Option(inner) => serializes(inner, types),
        TypeRef::File => false,
        _ => true,
    }
}

/// The type and the encoder of a body of `kind` (`None`: it cannot be
/// serialized).
fn body_encoder(kind: BodyKind, content_type: &str, ty: &TypeRef, api: &Api) -> Option<(TokenStream, TokenStream)> {
    let prefix = quote!(super::types::);
    Some(match kind {
        BodyKind::Text => (quote!(String), quote!(crate::runtime::mock::Body::text(#content_type, value))),
        BodyKind::Bytes => (quote!(Vec<u8>), quote!(crate::runtime::mock::Body::bytes(#content_type, value))),
        _ if serializes(ty, &api.types) => {
            (type_tokens(ty, &api.types, &prefix), quote!(crate::runtime::mock::Body::json(#content_type, value)))
        }
        _ => return None,
    })
}

/// The `S` of an operation's `Responder` and the encoder of its values.
fn success(operation: &Operation, api: &Api) -> (TokenStream, TokenStream) {
    let unserializable = || (quote!(crate::runtime::mock::Unserializable), quote!(crate::runtime::mock::unserializable));
    if let Some(stream) = operation.stream.as_ref().filter(|stream| stream.only) {
        let content_type = &stream.content_type;
        let (item, encode) = match &stream.item {
            StreamItem::Json(ty) if serializes(ty, &api.types) => {
                let ty = type_tokens(ty, &api.types, &quote!(super::types::));
                (ty.clone(), quote!(crate::runtime::mock::item_json::<#ty>))
            }
            StreamItem::Json(_) => return unserializable(),
            StreamItem::Text => (quote!(String), quote!(crate::runtime::mock::item_text)),
            StreamItem::Bytes => (quote!(crate::runtime::Bytes), quote!(crate::runtime::mock::item_bytes)),
        };
        let framing = match &stream.framing {
            StreamFraming::Events { done: Some(done) } => quote!(crate::runtime::mock::Framing::Events(Some(#done))),
            StreamFraming::Events { done: None } => quote!(crate::runtime::mock::Framing::Events(None)),
            StreamFraming::Lines => quote!(crate::runtime::mock::Framing::Lines),
            StreamFraming::Chunks => quote!(crate::runtime::mock::Framing::Chunks),
        };
        return (
            quote!(Vec<#item>),
            quote!(|value: &Vec<#item>| crate::runtime::mock::Body::stream(#content_type, value, #encode, #framing)),
        );
    }
    match &operation.returns {
        Returns::Nothing => (quote!(()), quote!(|_: &()| crate::runtime::mock::Body::empty())),
        Returns::Body(body) => match body_encoder(body.kind, &body.content_type, &body.ty, api) {
            Some((ty, encode)) => (ty.clone(), quote!(|value: &#ty| #encode)),
            None => unserializable(),
        },
        Returns::PerStatus(id) => per_status(*id, &operation.success, api).unwrap_or_else(unserializable),
    }
}

/// The `E` of an operation's `Responder` and the encoder of its values.
fn error(operation: &Operation, api: &Api) -> (TokenStream, TokenStream) {
    match &operation.error_body {
        ErrorBody::Json(ty) => {
            let content_type = operation
                .errors
                .iter()
                .filter_map(|case| case.body.as_ref())
                .find(|body| !matches!(body.kind, BodyKind::Text | BodyKind::Bytes))
                .map_or("application/json", |body| body.content_type.as_str());
            match body_encoder(BodyKind::Json, content_type, ty, api) {
                Some((ty, encode)) => (ty.clone(), quote!(|value: &#ty| #encode)),
                None => (quote!(crate::runtime::mock::Unserializable), quote!(crate::runtime::mock::unserializable)),
            }
        }
        ErrorBody::PerStatus(id) => per_status(*id, &operation.errors, api)
            .unwrap_or_else(|| (quote!(crate::runtime::mock::Unserializable), quote!(crate::runtime::mock::unserializable))),
    }
}

/// A per-status response enum and its encoder: each variant written as
/// its response's body (`None`: a variant's body cannot be serialized).
fn per_status(id: TypeId, cases: &[ResponseCase], api: &Api) -> Option<(TokenStream, TokenStream)> {
    let ty = type_tokens(&TypeRef::Named(id), &api.types, &quote!(super::types::));
    let Some(TypeKind::Responses(variants)) = api.types.get(id).map(|def| &def.kind) else { return None };
    let mut arms = Vec::new();
    for variant in variants {
        let name = ident(&variant.name);
        let body = cases.iter().find(|case| case.variant == variant.name).and_then(|case| case.body.as_ref());
        arms.push(match (&variant.ty, body) {
            (None, _) => quote!(#ty::#name => crate::runtime::mock::Body::empty(),),
            (Some(payload), body) => {
                let (kind, content_type) =
                    body.map_or((BodyKind::Json, "application/json"), |body| (body.kind, body.content_type.as_str()));
                let (_, encode) = body_encoder(kind, content_type, payload, api)?;
                quote!(#ty::#name(value) => #encode,)
            }
        });
    }
    Some((ty.clone(), quote!(|value: &#ty| match value { #(#arms)* })))
}

#[cfg(test)]
mod tests {
    #[test]
    fn base_paths() {
        for (url, path) in [
            ("https://api.pack.cloud/v1", "/v1"),
            ("https://api.pack.cloud/v1/", "/v1"),
            ("https://api.pack.cloud", ""),
            ("http://localhost:8080/a/b?x=1", "/a/b"),
            ("/api", "/api"),
            ("", ""),
        ] {
            assert_eq!(super::base_path(url), path, "{url}");
        }
    }

    #[test]
    fn the_manifest_feature_is_the_one_tags_may_not_take() {
        // (`analyze::features` reserves `ir::MOCK` for this line.)
        let line = format!("\n{} = [\"dep:wiremock\"]\n", crate::ir::MOCK);
        assert!(super::MANIFEST_FEATURE.ends_with(&line), "{}", super::MANIFEST_FEATURE);
    }
}
