//! Operations → the `Client`: builder, credentials and one async method per
//! operation. The methods lean on `crate::runtime` for everything generic
//! (parameter styles, decoding, errors) so each one stays short.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::docs::{Doc, code, oneline};
use super::ident;
use super::types::type_tokens;
use crate::ir::{
    Api, BodyKind, ErrorBody, FieldAccess, Operation, PageItems, PaginationStyle, ParamLocation, PathPiece, PathStyle, Presence,
    QueryStyle, ResponseCase, Returns, SchemeId, SecurityKind, SecurityScheme, StatusMatch, TypeRef,
};
use crate::ir::{Features, Pagination};

/// The client half of a module: everything but the `types` module. The
/// first chunk holds `Client` and its builder; then one `impl Client` block
/// per operation. Returns the number of chunks and chunk `i`, produced on
/// demand (see [`super::FileChunks`]).
pub fn client_items<'a>(
    api: &'a Api,
    features: Option<&'a Features>,
) -> (usize, impl Fn(usize) -> Option<super::Piece> + Send + Sync + 'a) {
    let chunk = move |index: usize| {
        let Some(index) = index.checked_sub(1) else {
            return Some(super::Piece {
                tokens: client_core(api),
                calls: super::calls::client_methods(&api.types).to_vec(),
                ..Default::default()
            });
        };
        let operation = api.operations.get(index)?;
        let cfg = super::cfg_for(features, features.and_then(|features| features.operations.get(index)).map(Vec::as_slice));
        let method = operation_method(operation, api, &cfg.tokens());
        // Formatted one operation at a time; `format` joins them into the
        // one `impl Client`.
        Some(super::Piece { tokens: method, member_of: Some(quote!(Client)), ..Default::default() })
    };
    (1 + api.operations.len(), chunk)
}

fn client_core(api: &Api) -> TokenStream {
    let base_url = &api.base_url;
    let title = Doc::new().line(format!("Client for {} (version {}).", api_name(&api.title), oneline(&api.version))).outer();
    // (`analyze::drop_unused_schemes` left only schemes some operation uses.)
    let used: Vec<&SecurityScheme> = api.security_schemes.iter().collect();
    let credential_fields = used.iter().map(|scheme| {
        let name = ident(&scheme.name);
        match scheme.kind {
            SecurityKind::Basic => quote!(#name: Option<(String, Option<String>)>,),
            _ => quote!(#name: Option<crate::runtime::__private::Credential>,),
        }
    });
    let credential_debug = used.iter().map(|scheme| {
        let name = ident(&scheme.name);
        let label = crate::naming::unraw(&scheme.name);
        match scheme.kind {
            SecurityKind::Basic => quote!(.field(#label, &self.#name.as_ref().map(|_| "<redacted>"))),
            // `Credential`'s `Debug` shows `<redacted>` or `<provider>`.
            _ => quote!(.field(#label, &self.#name)),
        }
    });
    let setters = used.iter().map(|scheme| credential_setter(scheme));
    let token_urls = used.iter().filter_map(|scheme| token_url_const(scheme));
    // Specs without security schemes get no credential plumbing at all.
    let has_credentials = !used.is_empty();
    let credentials_field = has_credentials.then(|| quote!(credentials: Credentials,));
    let credentials_init = has_credentials.then(|| quote!(credentials: self.credentials,));
    let credentials_default = has_credentials.then(|| quote!(credentials: Credentials::default(),));
    let credentials_type = has_credentials.then(|| {
        quote! {
            #[derive(Clone, Default)]
            struct Credentials {
                #(#credential_fields)*
            }

            impl ::std::fmt::Debug for Credentials {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    f.debug_struct("Credentials")
                        #(#credential_debug)*
                        .finish()
                }
            }
        }
    });
    // Specs whose server URL has `{variables}` get a setter for them.
    let (core_builder, server_setter) = if api.server_variables.is_empty() {
        let start = if api.base_url.is_empty() { quote!("") } else { quote!(DEFAULT_BASE_URL) };
        (quote!(crate::runtime::__private::CoreBuilder::new(#start)), None)
    } else {
        let names = api.server_variables.iter().map(|variable| &variable.name);
        let defaults = api.server_variables.iter().map(|variable| &variable.default);
        let listing: Vec<String> = api
            .server_variables
            .iter()
            .map(|variable| {
                let description = variable.description.as_deref().map(|text| format!(": {}", oneline(text))).unwrap_or_default();
                format!("* {} (default {}){description}", code(&variable.name), code(&variable.default))
            })
            .collect();
        let docs = Doc::new()
            .line("Sets a variable of the server URL template [`SERVER_URL_TEMPLATE`]. The variables are:")
            .line(listing.join("\n"))
            .outer();
        let setter = quote! {
            #docs
            pub fn server_variable(
                mut self,
                name: &str,
                value: impl ::std::convert::Into<String>,
            ) -> Self {
                self.core.server_variable(name, value.into());
                self
            }
        };
        (quote!(crate::runtime::__private::CoreBuilder::with_server(SERVER_URL_TEMPLATE, &[#( (#names, #defaults) ),*])), Some(setter))
    };
    let template_const = (!api.server_variables.is_empty()).then(|| {
        let template = &api.server_template;
        quote! {
            /// The spec's first server URL, with `{variable}` placeholders
            /// (see [`ClientBuilder::server_variable`]).
            pub const SERVER_URL_TEMPLATE: &str = #template;
        }
    });
    // A spec without servers has no default: the builder needs `base_url`.
    let (default_base_url, builder_doc) = if api.base_url.is_empty() {
        (
            None,
            " A builder without a base URL (the spec names no server: set one with [`ClientBuilder::base_url`], or `build` fails), no credentials and the default timeout.",
        )
    } else {
        (
            Some(quote! {
                /// The default base URL, from the spec's first `servers` entry.
                pub const DEFAULT_BASE_URL: &str = #base_url;
            }),
            " A builder starting from [`DEFAULT_BASE_URL`], no credentials and the default timeout.",
        )
    };
    quote! {
        #default_base_url

        #template_const

        #(#token_urls)*

        #title
        ///
        /// Cheap to clone: clones share one connection pool.
        #[derive(Debug, Clone)]
        pub struct Client {
            core: crate::runtime::__private::Core,
            #credentials_field
        }

        #credentials_type

        /// Configures a [`Client`]: base URL, timeouts, body limits, HTTP
        /// client and credentials.
        #[derive(Debug)]
        pub struct ClientBuilder {
            core: crate::runtime::__private::CoreBuilder,
            #credentials_field
        }

        impl ClientBuilder {
            #server_setter

            #(#setters)*

            /// Builds the client.
            pub fn build(self) -> Result<Client, crate::runtime::Error> {
                Ok(Client { core: self.core.build()?, #credentials_init })
            }
        }

        impl Client {
            #[doc = #builder_doc]
            pub fn builder() -> ClientBuilder {
                ClientBuilder {
                    core: #core_builder,
                    #credentials_default
                }
            }

            /// A client with default settings and no credentials.
            pub fn new() -> Result<Self, crate::runtime::Error> {
                Self::builder().build()
            }
        }
    }
}

fn credential_setter(scheme: &SecurityScheme) -> TokenStream {
    let name = ident(&scheme.name);
    let how = match &scheme.kind {
        SecurityKind::HeaderKey(header) => format!("Sent as the {} header.", code(header)),
        SecurityKind::QueryKey(param) => format!("Sent as the {} query parameter.", code(param)),
        SecurityKind::CookieKey(cookie) => format!("Sent as the {} cookie.", code(cookie)),
        SecurityKind::Bearer => "Sent as `Authorization: Bearer <token>`.".to_owned(),
        SecurityKind::Basic => "Sent as HTTP basic authentication.".to_owned(),
    };
    let intro = format!("Credentials for the {} security scheme, sent with every operation that accepts it.", code(&scheme.key));
    let docs = Doc::new().line(intro).markdown(scheme.doc.as_deref()).line(how).outer();
    match scheme.kind {
        SecurityKind::Basic => quote! {
            #docs
            pub fn #name(
                mut self,
                username: impl ::std::convert::Into<String>,
                password: Option<String>,
            ) -> Self {
                self.credentials.#name = Some((username.into(), password));
                self
            }
        },
        _ => {
            let provider = scheme.provider.as_deref().map(|provider| provider_setter(scheme, provider));
            quote! {
                #docs
                pub fn #name(mut self, value: impl ::std::convert::Into<String>) -> Self {
                    self.credentials.#name = Some(crate::runtime::__private::Credential::Static(value.into()));
                    self
                }

                #provider
            }
        }
    }
}

/// `…_provider`: the scheme's credential from a `CredentialProvider`.
fn provider_setter(scheme: &SecurityScheme, provider: &str) -> TokenStream {
    let name = ident(&scheme.name);
    let method = ident(provider);
    let setter = crate::naming::unraw(&scheme.name);
    let mut docs = Doc::new()
        .line(format!(
            "Credentials for the {} security scheme from `provider`, which is asked before every attempt of every operation that accepts the scheme (instead of the fixed value of [`{setter}`](Self::{setter})).",
            code(&scheme.key)
        ))
        .line("See [`CredentialProvider`](crate::runtime::CredentialProvider); after a 401 the provider is told the credential was rejected and the request is sent once more with a new one (see [`retry_unauthorized`](Self::retry_unauthorized)).");
    if let Some(token_url) = &scheme.token_url {
        docs = docs.line(format!(
            "For the scheme's client-credentials flow: `.{provider}(OAuth2ClientCredentials::new({}, client_id, client_secret))` (see [`OAuth2ClientCredentials`](crate::runtime::OAuth2ClientCredentials)).",
            token_url.constant
        ));
    }
    let docs = docs.outer();
    quote! {
        #docs
        pub fn #method(mut self, provider: impl crate::runtime::CredentialProvider) -> Self {
            self.credentials.#name = Some(crate::runtime::__private::Credential::provider(provider));
            self
        }
    }
}

/// `pub const OAUTH_TOKEN_URL: &str = "…";` for a scheme with a
/// client-credentials flow.
fn token_url_const(scheme: &SecurityScheme) -> Option<TokenStream> {
    let token_url = scheme.token_url.as_ref()?;
    let constant = ident(&token_url.constant);
    let url = &token_url.url;
    let mut docs = Doc::new().line(format!(
        "The token endpoint of the {} security scheme's OAuth2 client-credentials flow (`tokenUrl`), for [`OAuth2ClientCredentials`](crate::runtime::OAuth2ClientCredentials).",
        code(&scheme.key)
    ));
    if !token_url.absolute {
        docs = docs.line("The spec gives it relative to a server URL it does not name as an absolute URL: join it to your server's URL.");
    }
    let docs = docs.outer();
    Some(quote! {
        #docs
        pub const #constant: &str = #url;
    })
}

fn operation_method(operation: &Operation, api: &Api, cfg: &TokenStream) -> TokenStream {
    let types_prefix = quote!(types::);
    let name = ident(&operation.name);
    let documented: Vec<String> = operation
        .path_params
        .iter()
        .filter(|param| param.doc.is_some() || param.deprecated)
        .map(|param| {
            let deprecated = if param.deprecated { " (deprecated)" } else { "" };
            let doc = param.doc.as_deref().map(oneline).unwrap_or_default();
            format!("* {}{deprecated}: {doc}", code(crate::naming::unraw(&param.name)))
        })
        .collect();
    let path_params_doc = (!documented.is_empty()).then(|| {
        format!(
            "Path parameters:

{}",
            documented.join(
                "
"
            )
        )
    });
    let docs = Doc::new()
        .markdown(operation.summary.as_deref())
        .markdown(operation.description.as_deref())
        .line(code(&format!("{} {}", operation.method.wire(), operation.path.as_str())))
        .line(path_params_doc.unwrap_or_default());
    // The request body's own description, after the operation's.
    let body_doc = operation.body.as_ref().and_then(|body| body.doc.as_deref()).filter(|doc| !doc.trim().is_empty());
    let docs = match body_doc {
        Some(doc) => docs.line("Request body:").markdown(Some(doc)),
        None => docs,
    };
    if operation.stream.as_ref().is_some_and(|stream| stream.only) {
        return super::stream::stream_method(operation, api, cfg, Some(docs));
    }
    let docs = docs.outer();
    let deprecated = operation.deprecated.then(|| quote!(#[deprecated]));

    let RequestParts { args, arg_names, statements, mutates } = request_parts(operation, api, None);
    let new_request = new_request(operation);
    let accept = &operation.accept;
    let success_ty = success_type(operation, api);
    let (error_ty, parse_error) = error_handling(operation, api);
    let response_ty = match &operation.headers_type {
        Some(headers) => {
            let headers = ident(headers);
            quote!(crate::runtime::Response<#success_ty, types::#headers>)
        }
        None => quote!(crate::runtime::Response<#success_ty>),
    };
    // Sending and decoding: one runtime call, a `Call` the operation
    // returns, when every success shares a body; else an `async fn` with a
    // `match` on the status.
    let shared_call = shared_success_call(operation, &parse_error);
    let (returns, asyncness, send_and_decode) = match shared_call {
        Some(call) => (quote!(crate::runtime::Call<#response_ty, #error_ty>), None, call),
        None => {
            let success_arms = success_arms(operation, api);
            let fallback = success_arms_fallback(operation, api)
                .unwrap_or_else(|| quote!(Err(crate::runtime::__private::status_error(response, #parse_error).await)));
            let status_match = if success_arms.is_empty() {
                fallback
            } else {
                quote! {
                    match response.status().as_u16() {
                        #(#success_arms)*
                        _ => #fallback,
                    }
                }
            };
            // Documented success headers are parsed into the operation's
            // headers struct.
            let decode = match operation.headers_type {
                Some(_) => quote! {
                    let result = #status_match;
                    result.map(crate::runtime::Response::with_typed_headers)
                },
                None => status_match,
            };
            let returns = quote!(Result<#response_ty, crate::runtime::Error<#error_ty>>);
            (
                returns,
                Some(quote!(async)),
                quote! {
                    let response = request.send(#accept).await?;
                    #decode
                },
            )
        }
    };
    let Some(pagination) = &operation.pagination else {
        let stream = super::stream::stream_method(operation, api, cfg, None);
        return quote! {
            #docs
            #cfg
            #deprecated
            pub #asyncness fn #name(&self, #(#args),*) -> #returns {
                #(#statements)*
                #send_and_decode
            }

            #stream
        };
    };

    // Paginated: building and sending are separate, so the page stream can
    // send the next page's request.
    let build = ident(&pagination.methods.request);
    let send = ident(&pagination.methods.send);
    let pages = ident(&pagination.methods.pages);
    let stream = ident(&pagination.methods.stream);
    let page_ty = success_ty;
    let pagination_doc = describe_pagination(pagination);
    let docs = Doc::new()
        .markdown(operation.summary.as_deref())
        .markdown(operation.description.as_deref())
        .line(code(&format!("{} {}", operation.method.wire(), operation.path.as_str())))
        .line(format!("{pagination_doc} All pages: [`Client::{pages}`]; all items: [`Client::{stream}`]."))
        .outer();
    let item_ty = match &pagination.items {
        PageItems::Body { item } | PageItems::Field { item, .. } => type_tokens(item, &api.types, &types_prefix),
    };
    let extract = items_extractor(&pagination.items, &page_ty);
    let style = pagination_style(pagination, &page_ty);
    let build_doc = format!(" The request of [`Client::{name}`], for its pages.");
    let pages_doc =
        format!(" Every page, starting with the one [`Client::{name}`] returns; each is fetched when the previous one has been consumed.");
    let stream_doc = format!(" The items of every page, in order (see [`Client::{pages}`]).");
    // (A request nothing is added to is returned as it is built.)
    let build_body = if mutates { quote!(#(#statements)* request) } else { new_request };
    // The page stream owns a clone of the client (cheap: an `Arc`), so it
    // can be stored or spawned like a `Call`.
    let send_page = match asyncness {
        Some(_) => quote!(move |request| {
            let client = ::std::clone::Clone::clone(&client);
            async move { client.#send(request).await }
        }),
        None => quote!(move |request| client.#send(request)),
    };
    let first_page = match asyncness {
        Some(_) => quote!(self.#send(self.#build(#(#arg_names),*)).await),
        None => quote!(self.#send(self.#build(#(#arg_names),*))),
    };
    quote! {
        #[doc = #build_doc]
        #cfg
        fn #build(&self, #(#args),*) -> crate::runtime::__private::Request {
            #build_body
        }

        #cfg
        #asyncness fn #send(&self, request: crate::runtime::__private::Request) -> #returns {
            #send_and_decode
        }

        #docs
        #cfg
        #deprecated
        pub #asyncness fn #name(&self, #(#args),*) -> #returns {
            #first_page
        }

        #[doc = #pages_doc]
        #cfg
        #deprecated
        pub fn #pages(&self, #(#args),*) -> crate::runtime::PageStream<'static, #response_ty, #error_ty> {
            let client = ::std::clone::Clone::clone(self);
            crate::runtime::__private::pages(self.#build(#(#arg_names),*), #style, #send_page)
        }

        #[doc = #stream_doc]
        #cfg
        #deprecated
        pub fn #stream(&self, #(#args),*) -> crate::runtime::PageStream<'static, #item_ty, #error_ty> {
            crate::runtime::__private::items(self.#pages(#(#arg_names),*), #extract)
        }
    }
}

/// What every method of an operation starts with: its arguments, and the
/// statements that build its `request` from them (`flag`: a boolean body
/// property to set to `true`).
pub(super) struct RequestParts {
    pub(super) args: Vec<TokenStream>,
    pub(super) arg_names: Vec<proc_macro2::Ident>,
    pub(super) statements: Vec<TokenStream>,
    /// Whether the statements change the request after creating it.
    pub(super) mutates: bool,
}

/// Whether a path parameter of type `ty` is taken by value: small `Copy`
/// values are (the rest by reference, strings as `&str`). The conformance
/// test and the mock helpers pass arguments by the same rule.
pub(super) fn by_value(ty: &TypeRef) -> bool {
    matches!(
        ty,
        TypeRef::Bool
            | TypeRef::I32
            | TypeRef::I64
            | TypeRef::U32
            | TypeRef::U64
            | TypeRef::F32
            | TypeRef::F64
            | TypeRef::Uuid
            | TypeRef::Date
            | TypeRef::DateTime
    )
}

/// The argument type of a path parameter of type `ty` ([`by_value`]).
pub(super) fn path_arg_type(ty: &TypeRef, types: &crate::ir::TypeSpace, prefix: &TokenStream) -> TokenStream {
    match ty {
        TypeRef::String => quote!(&str),
        ty if by_value(ty) => type_tokens(ty, types, prefix),
        ty => {
            let ty = type_tokens(ty, types, prefix);
            quote!(&#ty)
        }
    }
}

pub(super) fn request_parts(operation: &Operation, api: &Api, flag: Option<&str>) -> RequestParts {
    let types_prefix = quote!(types::);
    let mut args = Vec::new();
    let mut arg_names = Vec::new();
    for param in &operation.path_params {
        let arg = ident(&param.name);
        let ty = path_arg_type(&param.ty, &api.types, &types_prefix);
        args.push(quote!(#arg: #ty));
        arg_names.push(arg);
    }
    if let Some(params_type) = &operation.params_type {
        let params_type = ident(params_type);
        // (An empty struct, with `Parameters::Always`, is not read yet.)
        let arg = ident(if operation.params.is_empty() { "_params" } else { "params" });
        args.push(quote!(#arg: &types::#params_type));
        arg_names.push(arg);
    }

    let mut statements = Vec::new();
    let new_request = new_request(operation);
    statements.push(quote!(let mut request = #new_request;));
    let mut mutates = false;
    for param in &operation.params {
        let field = ident(&param.name);
        let wire = &param.wire;
        let value = if param.required { quote!(Some(&params.#field)) } else { quote!(params.#field.as_ref()) };
        statements.push(match param.location {
            ParamLocation::Query(style) => {
                let style = query_style(style);
                quote!(request.query(#wire, #value, #style);)
            }
            ParamLocation::Header if param.idempotency_key => {
                let key = if param.required { quote!(Some(params.#field.as_str())) } else { quote!(params.#field.as_deref()) };
                quote!(request.idempotency_key(#wire, #key);)
            }
            ParamLocation::Header => quote!(request.header(#wire, #value);),
            ParamLocation::Cookie => quote!(request.cookie(#wire, #value);),
        });
        mutates = true;
    }
    if let Some(body) = &operation.body {
        let content_type = &body.content_type;
        let (arg_ty, send) = match body.kind {
            BodyKind::Json => {
                let send = match flag {
                    Some(flag) => quote!(request.json_with_flag(#content_type, body, #flag);),
                    None => quote!(request.json(#content_type, body);),
                };
                (type_tokens(&body.ty, &api.types, &types_prefix), send)
            }
            BodyKind::Form => (type_tokens(&body.ty, &api.types, &types_prefix), quote!(request.form(body);)),
            BodyKind::Multipart => (type_tokens(&body.ty, &api.types, &types_prefix), multipart_body(&body.ty, api, flag)),
            BodyKind::Text => (quote!(str), quote!(request.bytes(#content_type, body.as_bytes().to_vec());)),
            BodyKind::Bytes => (quote!([u8]), quote!(request.bytes(#content_type, body.to_vec());)),
        };
        if body.required {
            args.push(quote!(body: &#arg_ty));
            statements.push(send);
        } else {
            args.push(quote!(body: Option<&#arg_ty>));
            statements.push(quote!(if let Some(body) = body { #send }));
        }
        arg_names.push(ident("body"));
        mutates = true;
    }
    if let Some(security) = security_statements(&operation.security, api) {
        statements.push(security);
        mutates = true;
    }
    if !mutates {
        statements[0] = quote!(let request = #new_request;);
    }

    RequestParts { args, arg_names, statements, mutates }
}

/// Reads a field as `Option<String>`-like tokens: `page.next.clone()`.
fn read_text(field: &FieldAccess, on: TokenStream) -> TokenStream {
    let name = ident(&field.name);
    match field.presence {
        Presence::Required => quote!(Some(#on.#name.clone())),
        Presence::Nullable | Presence::Optional => quote!(#on.#name.clone()),
        Presence::OptionalNullable => quote!(#on.#name.clone().flatten()),
    }
}

/// A reference to the items of a page, as `Option<&Vec<_>>`.
fn items_ref(items: &PageItems) -> TokenStream {
    match items {
        PageItems::Body { .. } => quote!(Some(page)),
        PageItems::Field { field, .. } => {
            let name = ident(&field.name);
            match field.presence {
                Presence::Required => quote!(Some(&page.#name)),
                Presence::Nullable | Presence::Optional => quote!(page.#name.as_ref()),
                Presence::OptionalNullable => quote!(page.#name.as_ref().and_then(Option::as_ref)),
            }
        }
    }
}

/// `|page: T| page.data` (the items, owned).
fn items_extractor(items: &PageItems, page_ty: &TokenStream) -> TokenStream {
    match items {
        PageItems::Body { .. } => quote!(|page: #page_ty| page),
        PageItems::Field { field, .. } => {
            let name = ident(&field.name);
            match field.presence {
                Presence::Required => quote!(|page: #page_ty| page.#name),
                Presence::Nullable | Presence::Optional => quote!(|page: #page_ty| page.#name.unwrap_or_default()),
                Presence::OptionalNullable => quote!(|page: #page_ty| page.#name.flatten().unwrap_or_default()),
            }
        }
    }
}

/// The `runtime::Pagination` value for the operation.
fn pagination_style(pagination: &crate::ir::Pagination, page_ty: &TokenStream) -> TokenStream {
    let items = items_ref(&pagination.items);
    let count = quote!(|page: &#page_ty| #items.map_or(0, Vec::len));
    let size = |size: &Option<String>| match size {
        Some(size) => quote!(Some(#size)),
        None => quote!(None),
    };
    match &pagination.style {
        PaginationStyle::NextLink(field) => {
            let read = read_text(field, quote!(page));
            quote!(crate::runtime::__private::Pagination::NextLink(|page: &#page_ty| #read))
        }
        PaginationStyle::LinkHeader => quote!(crate::runtime::__private::Pagination::LinkHeader),
        PaginationStyle::Cursor { field, param } => {
            let read = read_text(field, quote!(page));
            quote!(crate::runtime::__private::Pagination::Cursor { param: #param, cursor: |page: &#page_ty| #read })
        }
        PaginationStyle::HasMore { has_more, param, id } => {
            let flag = ident(&has_more.name);
            let more = match has_more.presence {
                Presence::Required => quote!(page.#flag),
                Presence::Nullable | Presence::Optional => quote!(page.#flag.unwrap_or(false)),
                Presence::OptionalNullable => quote!(page.#flag.flatten().unwrap_or(false)),
            };
            let id_field = ident(&id.name);
            let last_id = match id.presence {
                Presence::Required => quote!(.map(|item| item.#id_field.clone())),
                Presence::Nullable | Presence::Optional => quote!(.and_then(|item| item.#id_field.clone())),
                Presence::OptionalNullable => quote!(.and_then(|item| item.#id_field.clone().flatten())),
            };
            quote! {
                crate::runtime::__private::Pagination::HasMore {
                    param: #param,
                    has_more: |page: &#page_ty| #more,
                    last_id: |page: &#page_ty| #items.and_then(|items| items.last())#last_id,
                }
            }
        }
        PaginationStyle::PageNumber { param, size: page_size } => {
            let size = size(page_size);
            quote!(crate::runtime::__private::Pagination::PageNumber { param: #param, size_param: #size, count: #count })
        }
        PaginationStyle::Offset { param, size: page_size } => {
            let size = size(page_size);
            quote!(crate::runtime::__private::Pagination::Offset { param: #param, size_param: #size, count: #count })
        }
    }
}

/// A multipart body: one part per struct field (files as file parts),
/// or, for bodies that are not structs, one text part per JSON field.
fn multipart_body(ty: &TypeRef, api: &Api, flag: Option<&str>) -> TokenStream {
    let Some(fields) = api.types.multipart_parts(ty) else { return quote!(request.multipart_fields(body);) };
    let parts = fields.iter().map(|field| {
        let name = ident(&field.name);
        let wire = &field.wire;
        let value = match field.presence {
            crate::ir::Presence::Required => quote!(Some(&body.#name)),
            crate::ir::Presence::Nullable | crate::ir::Presence::Optional => quote!(body.#name.as_ref()),
            crate::ir::Presence::OptionalNullable => quote!(body.#name.as_ref().and_then(Option::as_ref)),
        };
        match &field.ty {
            TypeRef::Bool if flag == Some(field.wire.as_str()) => quote!(form.text(#wire, Some(&true));),
            TypeRef::File => quote!(form.files(#wire, #value);),
            TypeRef::Vec(item) if **item == TypeRef::File => quote!(form.files(#wire, #value.into_iter().flatten());),
            _ => quote!(form.text(#wire, #value);),
        }
    });
    quote! {
        let mut form = crate::runtime::__private::Multipart::new();
        #(#parts)*
        request.multipart(form);
    }
}

/// The operation's request: `self.core.request(Method::GET, "/literal")`,
/// or `self.core.request_path(Method::GET, &["/pets/".into(),
/// path_param("petId", &pet_id, …)])` (a parameter that cannot be sent
/// fails the request when it is sent, so building it cannot fail).
fn new_request(operation: &Operation) -> TokenStream {
    let method = ident(operation.method.wire());
    let mut pieces = Vec::new();
    let mut has_params = false;
    for piece in operation.path.pieces() {
        let param = match piece {
            PathPiece::Placeholder(placeholder) => operation.path_params.iter().find(|param| param.wire == *placeholder),
            PathPiece::Literal(_) => None,
        };
        match (piece, param) {
            (_, Some(param)) => {
                let arg = ident(&param.name);
                let wire = &param.wire;
                let style = path_style(param.style);
                pieces.push(quote!(crate::runtime::__private::path_param(#wire, &#arg, #style)));
                has_params = true;
            }
            (PathPiece::Literal(literal), None) => pieces.push(quote!(#literal.into())),
            // (Lowering declares a parameter for every placeholder.)
            (PathPiece::Placeholder(placeholder), None) => {
                let literal = format!("{{{placeholder}}}");
                pieces.push(quote!(#literal.into()));
            }
        }
    }
    if has_params {
        quote!(self.core.request_path(crate::runtime::Method::#method, &[#(#pieces),*]))
    } else {
        let literal = operation.path.as_str();
        quote!(self.core.request(crate::runtime::Method::#method, #literal))
    }
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

/// Applies the first alternative whose credentials are all configured:
/// `if let (Some(a), Some(b)) = (&…, &…) { … } else if let Some(c) = &… { … }`.
fn security_statements(alternatives: &[Vec<SchemeId>], api: &Api) -> Option<TokenStream> {
    let mut branches = Vec::new();
    for alternative in alternatives {
        if alternative.is_empty() {
            // `{}`: credentials are optional. The order of alternatives
            // carries no meaning, so configured credentials of the other
            // alternatives are still sent; with none configured, none are.
            continue;
        }
        let used: Vec<&SecurityScheme> = alternative.iter().filter_map(|id| api.scheme(*id)).collect();
        let values: Vec<proc_macro2::Ident> =
            if used.len() == 1 { vec![ident("value")] } else { (0..used.len()).map(|index| ident(&format!("value{index}"))).collect() };
        let fields = used.iter().map(|scheme| {
            let name = ident(&scheme.name);
            quote!(&self.credentials.#name)
        });
        let applies = used.iter().zip(&values).map(|(scheme, value)| match &scheme.kind {
            SecurityKind::HeaderKey(header) => quote!(request.header_api_key(#header, #value);),
            SecurityKind::QueryKey(param) => quote!(request.query_api_key(#param, #value);),
            SecurityKind::CookieKey(cookie) => quote!(request.cookie_api_key(#cookie, #value);),
            SecurityKind::Bearer => quote!(request.bearer_auth(#value);),
            SecurityKind::Basic => quote!(request.basic_auth(&#value.0, #value.1.as_deref());),
        });
        branches.push(if used.len() == 1 {
            quote!(if let Some(value) = #(#fields)* { #(#applies)* })
        } else {
            quote! {
                if let ( #( Some(#values) ),* ) = ( #(#fields),* ) { #(#applies)* }
            }
        });
    }
    if branches.is_empty() { None } else { Some(quote!(#(#branches)else*)) }
}

/// `request.call_json(accept, &[200..=200], parse_error)` (or
/// `call_text`, …) when lowering found that the operation's documented
/// successes share one body (`Operation::shared_success`): the runtime
/// then does what the status `match` would.
fn shared_success_call(operation: &Operation, parse_error: &TokenStream) -> Option<TokenStream> {
    let shared = operation.shared_success.as_ref()?;
    let ranges = shared.statuses.iter().map(|(low, high)| {
        let (low, high) = (Literal::u16_unsuffixed(*low), Literal::u16_unsuffixed(*high));
        quote!(#low..=#high)
    });
    use crate::ir::SuccessCall;
    let call = match shared.call {
        SuccessCall::Empty => quote!(call_empty),
        SuccessCall::Text => quote!(call_text),
        SuccessCall::Bytes => quote!(call_bytes),
        SuccessCall::Json => quote!(call_json),
    };
    let accept = &operation.accept;
    Some(quote!(request.#call(#accept, &[#(#ranges),*], #parse_error)))
}

fn status_pattern(status: StatusMatch) -> TokenStream {
    match status {
        StatusMatch::Code(code) => {
            let code = Literal::u16_unsuffixed(code);
            quote!(#code)
        }
        StatusMatch::Range(class) => {
            let low = Literal::u16_unsuffixed(class * 100);
            let high = Literal::u16_unsuffixed(class * 100 + 99);
            quote!(#low..=#high)
        }
        StatusMatch::Default => quote!(_),
    }
}

/// Codes first, then ranges, then `default`: the match takes the first.
fn ordered(cases: &[ResponseCase]) -> Vec<&ResponseCase> {
    let mut sorted: Vec<&ResponseCase> = cases.iter().collect();
    sorted.sort_by_key(|case| match case.status {
        StatusMatch::Code(_) => 0,
        StatusMatch::Range(_) => 1,
        StatusMatch::Default => 2,
    });
    sorted
}

fn decode(body: Option<&crate::ir::ResponseBody>) -> TokenStream {
    match body.map(|body| body.kind) {
        None => quote!(crate::runtime::__private::empty(response).await),
        Some(BodyKind::Text) => quote!(crate::runtime::__private::text(response).await),
        Some(BodyKind::Bytes) => quote!(crate::runtime::__private::bytes(response).await),
        Some(_) => quote!(crate::runtime::__private::json(response).await),
    }
}

/// What a successful call returns, as a Rust type.
fn success_type(operation: &Operation, api: &Api) -> TokenStream {
    match &operation.returns {
        Returns::PerStatus(enum_id) => type_tokens(&TypeRef::Named(*enum_id), &api.types, &quote!(types::)),
        Returns::Body(body) => response_type(body, api),
        Returns::Nothing => quote!(()),
    }
}

/// The match arms that produce the success value (the `default` arm, when
/// `default` is the success, is returned by [`success_arms_fallback`]
/// instead).
fn success_arms(operation: &Operation, api: &Api) -> Vec<TokenStream> {
    if operation.success.is_empty() {
        return vec![quote!(200..=299 => crate::runtime::__private::empty(response).await,)];
    }
    let cases = ordered(&operation.success).into_iter().filter(|case| case.status != StatusMatch::Default);
    let Returns::PerStatus(enum_id) = operation.returns else {
        return cases
            .map(|case| {
                let pattern = status_pattern(case.status);
                let decode = decode(case.body.as_ref());
                quote!(#pattern => #decode,)
            })
            .collect();
    };
    let enum_ty = type_tokens(&TypeRef::Named(enum_id), &api.types, &quote!(types::));
    cases
        .map(|case| {
            let pattern = status_pattern(case.status);
            let variant = ident(&case.variant);
            match &case.body {
                None => quote!(#pattern => crate::runtime::__private::empty(response).await.map(|response| crate::runtime::Response::map(response, |()| #enum_ty::#variant)),),
                Some(body) => {
                    let decode = decode(Some(body));
                    quote!(#pattern => #decode.map(|response| crate::runtime::Response::map(response, #enum_ty::#variant)),)
                }
            }
        })
        .collect()
}

fn response_type(body: &crate::ir::ResponseBody, api: &Api) -> TokenStream {
    match body.kind {
        BodyKind::Text => quote!(String),
        BodyKind::Bytes => quote!(Vec<u8>),
        _ => type_tokens(&body.ty, &api.types, &quote!(types::)),
    }
}

/// When `default` is the success response, it answers every status not
/// matched before it.
fn success_arms_fallback(operation: &Operation, api: &Api) -> Option<TokenStream> {
    let default = operation.success.iter().find(|case| case.status == StatusMatch::Default)?;
    let decode = decode(default.body.as_ref());
    Some(match operation.returns {
        Returns::PerStatus(enum_id) => {
            let enum_ty = type_tokens(&TypeRef::Named(enum_id), &api.types, &quote!(types::));
            let variant = ident(&default.variant);
            match &default.body {
                None => {
                    quote!(crate::runtime::__private::empty(response).await.map(|response| crate::runtime::Response::map(response, |()| #enum_ty::#variant)))
                }
                Some(_) => quote!(#decode.map(|response| crate::runtime::Response::map(response, #enum_ty::#variant))),
            }
        }
        Returns::Nothing | Returns::Body(_) => decode,
    })
}

/// The error body type and the closure that decodes it.
pub(super) fn error_handling(operation: &Operation, api: &Api) -> (TokenStream, TokenStream) {
    let types_prefix = quote!(types::);
    let ty = match &operation.error_body {
        ErrorBody::Json(ty) => ty,
        ErrorBody::PerStatus(enum_id) => return error_enum_handling(operation, *enum_id, api),
    };
    (type_tokens(ty, &api.types, &types_prefix), quote!(crate::runtime::__private::error_json))
}

/// The per-status error enum and the closure that decodes it.
fn error_enum_handling(operation: &Operation, enum_id: crate::ir::TypeId, api: &Api) -> (TokenStream, TokenStream) {
    let types_prefix = quote!(types::);
    let enum_ty = type_tokens(&TypeRef::Named(enum_id), &api.types, &types_prefix);
    let mut has_default = false;
    let arms: Vec<TokenStream> = ordered(&operation.errors)
        .iter()
        .map(|case| {
            has_default |= case.status == StatusMatch::Default;
            let pattern = status_pattern(case.status);
            let variant = ident(&case.variant);
            match case.body.as_ref().map(|body| body.kind) {
                None => quote!(#pattern => Some(#enum_ty::#variant),),
                Some(BodyKind::Text) => quote!(#pattern => Some(#enum_ty::#variant(String::from_utf8_lossy(body).into_owned())),),
                Some(BodyKind::Bytes) => quote!(#pattern => Some(#enum_ty::#variant(body.to_vec())),),
                Some(_) => quote!(#pattern => crate::runtime::__private::parse_json(body).map(#enum_ty::#variant),),
            }
        })
        .collect();
    let fallback = (!has_default).then(|| quote!(_ => None,));
    (enum_ty, quote!(|status, body| match status.as_u16() { #(#arms)* #fallback }))
}

/// "the Pack.cloud API" from a title that may or may not end in "API".
pub(super) fn api_name(title: &str) -> String {
    let title = oneline(title);
    if title.to_ascii_lowercase().ends_with("api") { format!("the {title}") } else { format!("the {title} API") }
}

/// How the pagination is described in the operation's docs.
pub(super) fn describe_pagination(pagination: &Pagination) -> String {
    let how = match &pagination.style {
        PaginationStyle::NextLink(field) => format!("the next page is the URL in {}", code(&field.wire)),
        PaginationStyle::LinkHeader => "the next page is the `rel=\"next\"` URL of the `Link` header".to_owned(),
        PaginationStyle::Cursor { field, param } => {
            format!("the next page is requested with {} sent back as the {} query parameter", code(&field.wire), code(param))
        }
        PaginationStyle::HasMore { has_more, param, id } => format!(
            "while {} is true, the next page is requested with the last item's {} as {}",
            code(&has_more.wire),
            code(&id.wire),
            code(param)
        ),
        PaginationStyle::PageNumber { param, .. } => {
            format!("the next page is requested with {} counted up, until a page is short or empty", code(param))
        }
        PaginationStyle::Offset { param, .. } => {
            format!("the next page is requested with {} advanced past the items read, until a page is short or empty", code(param))
        }
    };
    let source = if pagination.detected { "detected from the spec" } else { "declared with `x-pagination`" };
    format!("Paginated ({source}): {how}.")
}
