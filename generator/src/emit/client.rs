//! Operations → the `Client`: builder, credentials and one async method per
//! operation. The methods lean on `crate::runtime` for everything generic
//! (parameter styles, decoding, errors) so each one stays short.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::docs::{code, oneline, Doc};
use super::ident;
use super::types::type_tokens;
use crate::ir::{
    Api, BodyKind, Operation, Param, ParamLocation, ParamStyle, ResponseCase, SecurityKind, SecurityScheme, StatusMatch,
    TypeRef,
};

/// The client half of a module: everything but the `types` module. The
/// first chunk holds `Client` and its builder; then one `impl Client` block
/// per operation, produced lazily.
pub fn client_items(api: &Api) -> impl Iterator<Item = TokenStream> + '_ {
    std::iter::once(client_core(api)).chain(api.operations.iter().map(|operation| {
        let method = operation_method(operation, api);
        quote! {
            impl Client {
                #method
            }
        }
    }))
}

fn client_core(api: &Api) -> TokenStream {
    let base_url = &api.base_url;
    let title = Doc::new().line(format!("Client for {} (version {}).", api_name(&api.title), oneline(&api.version))).outer();
    // Only schemes some operation accepts get a credential and a setter.
    let used: Vec<&SecurityScheme> = api
        .security_schemes
        .iter()
        .enumerate()
        .filter(|(index, _)| api.operations.iter().any(|operation| operation.security.iter().flatten().any(|used| used == index)))
        .map(|(_, scheme)| scheme)
        .collect();
    let credential_fields = used.iter().map(|scheme| {
        let name = ident(&scheme.name);
        match scheme.kind {
            SecurityKind::Basic => quote!(#name: ::std::option::Option<(::std::string::String, ::std::option::Option<::std::string::String>)>,),
            _ => quote!(#name: ::std::option::Option<::std::string::String>,),
        }
    });
    let credential_debug = used.iter().map(|scheme| {
        let name = ident(&scheme.name);
        let label = crate::naming::unraw(&scheme.name);
        quote!(.field(#label, &self.#name.as_ref().map(|_| "<redacted>")))
    });
    let setters = used.iter().map(|scheme| credential_setter(scheme));
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
        (quote!(crate::runtime::CoreBuilder::new(DEFAULT_BASE_URL)), None)
    } else {
        let names = api.server_variables.iter().map(|variable| &variable.name);
        let defaults = api.server_variables.iter().map(|variable| &variable.default);
        let listing: Vec<String> = api
            .server_variables
            .iter()
            .map(|variable| {
                let description =
                    variable.description.as_deref().map(|text| format!(": {}", oneline(text))).unwrap_or_default();
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
                value: impl ::std::convert::Into<::std::string::String>,
            ) -> Self {
                self.core.server_variable(name, value.into());
                self
            }
        };
        (quote!(crate::runtime::CoreBuilder::with_server(SERVER_URL_TEMPLATE, &[#( (#names, #defaults) ),*])), Some(setter))
    };
    let template_const = (!api.server_variables.is_empty()).then(|| {
        let template = &api.server_template;
        quote! {
            /// The spec's first server URL, with `{variable}` placeholders
            /// (see [`ClientBuilder::server_variable`]).
            pub const SERVER_URL_TEMPLATE: &str = #template;
        }
    });
    quote! {
        /// The default base URL, from the spec's first `servers` entry.
        pub const DEFAULT_BASE_URL: &str = #base_url;

        #template_const

        #title
        ///
        /// Cheap to clone: clones share one connection pool.
        #[derive(Debug, Clone)]
        pub struct Client {
            core: crate::runtime::Core,
            #credentials_field
        }

        #credentials_type

        /// Configures a [`Client`]: base URL, timeouts, body limits, HTTP
        /// client and credentials.
        #[derive(Debug)]
        pub struct ClientBuilder {
            core: crate::runtime::CoreBuilder,
            #credentials_field
        }

        impl ClientBuilder {
            /// Sends requests to `base_url` instead of [`DEFAULT_BASE_URL`]
            /// (a mock server, a proxy, another region).
            pub fn base_url(mut self, base_url: impl ::std::convert::Into<::std::string::String>) -> Self {
                self.core.base_url(base_url.into());
                self
            }

            /// Fails requests that take longer than `timeout` in all,
            /// redirects and reading the body included (default:
            /// [`crate::runtime::DEFAULT_TIMEOUT`]).
            pub fn timeout(mut self, timeout: ::std::time::Duration) -> Self {
                self.core.timeout(::std::option::Option::Some(timeout));
                self
            }

            /// Lets requests take as long as they take.
            pub fn no_timeout(mut self) -> Self {
                self.core.timeout(::std::option::Option::None);
                self
            }

            /// Fails connection attempts that take longer than `timeout`
            /// (default: [`crate::runtime::DEFAULT_CONNECT_TIMEOUT`]).
            pub fn connect_timeout(mut self, timeout: ::std::time::Duration) -> Self {
                self.core.connect_timeout(timeout);
                self
            }

            /// The largest success body read, in bytes (default:
            /// [`crate::runtime::DEFAULT_MAX_BODY_BYTES`]); a longer body
            /// fails with [`crate::runtime::Error::BodyTooLarge`].
            pub fn max_body_bytes(mut self, limit: usize) -> Self {
                self.core.max_body_bytes(limit);
                self
            }

            /// How much of an error body is kept, in bytes (default:
            /// [`crate::runtime::DEFAULT_MAX_ERROR_BODY_BYTES`]).
            pub fn max_error_body_bytes(mut self, limit: usize) -> Self {
                self.core.max_error_body_bytes(limit);
                self
            }

            /// Starts from your own `reqwest::ClientBuilder` (proxies, TLS
            /// settings, connection pools). The client still follows
            /// redirects itself (so credentials never leave their origin),
            /// never sends `Referer`, and applies the timeouts and
            /// `User-Agent` set here.
            pub fn http_client(mut self, http: crate::runtime::reqwest::ClientBuilder) -> Self {
                self.core.http_client(http);
                self
            }

            /// Sets the `User-Agent` header.
            pub fn user_agent(mut self, user_agent: impl ::std::convert::Into<::std::string::String>) -> Self {
                self.core.user_agent(user_agent.into());
                self
            }

            #server_setter

            #(#setters)*

            /// Builds the client.
            pub fn build(self) -> ::std::result::Result<Client, crate::runtime::Error> {
                Ok(Client { core: self.core.build()?, #credentials_init })
            }
        }

        impl Client {
            /// A builder starting from [`DEFAULT_BASE_URL`], no credentials
            /// and the default timeout.
            pub fn builder() -> ClientBuilder {
                ClientBuilder {
                    core: #core_builder,
                    #credentials_default
                }
            }

            /// A client with default settings and no credentials.
            pub fn new() -> ::std::result::Result<Self, crate::runtime::Error> {
                Self::builder().build()
            }

            /// The base URL requests are sent to.
            pub fn base_url(&self) -> &str {
                self.core.base_url()
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
                username: impl ::std::convert::Into<::std::string::String>,
                password: ::std::option::Option<::std::string::String>,
            ) -> Self {
                self.credentials.#name = ::std::option::Option::Some((username.into(), password));
                self
            }
        },
        _ => quote! {
            #docs
            pub fn #name(mut self, value: impl ::std::convert::Into<::std::string::String>) -> Self {
                self.credentials.#name = ::std::option::Option::Some(value.into());
                self
            }
        },
    }
}

fn operation_method(operation: &Operation, api: &Api) -> TokenStream {
    let types_prefix = quote!(types::);
    let name = ident(&operation.name);
    let docs = Doc::new()
        .markdown(operation.summary.as_deref())
        .markdown(operation.description.as_deref())
        .line(code(&format!("{} {}", operation.method, operation.path)))
        .outer();
    let deprecated = operation.deprecated.then(|| quote!(#[deprecated]));

    let path_params: Vec<&Param> =
        operation.params.iter().filter(|param| param.location == ParamLocation::Path).collect();
    let mut args = Vec::new();
    for param in &path_params {
        let arg = ident(&param.name);
        let ty = match &param.ty {
            TypeRef::String => quote!(&str),
            ty => {
                let ty = type_tokens(ty, &api.types, &types_prefix);
                quote!(&#ty)
            }
        };
        args.push(quote!(#arg: #ty));
    }
    if let Some(params_type) = &operation.params_type {
        let params_type = ident(params_type);
        args.push(quote!(params: &types::#params_type));
    }

    let mut statements = Vec::new();
    let path = request_path(operation);
    let method = ident(&operation.method);
    statements.push(quote!(let mut request = self.core.request(crate::runtime::Method::#method, #path);));
    let mut mutates = false;
    for param in operation.params.iter().filter(|param| param.location != ParamLocation::Path) {
        let field = ident(&param.name);
        let wire = &param.wire;
        let value = if param.required {
            quote!(::std::option::Option::Some(&params.#field))
        } else {
            quote!(params.#field.as_ref())
        };
        statements.push(match param.location {
            ParamLocation::Query => {
                let style = query_style(param.style);
                quote!(request.query(#wire, #value, #style);)
            }
            ParamLocation::Header => quote!(request.header(#wire, #value);),
            ParamLocation::Cookie | ParamLocation::Path => quote!(request.cookie(#wire, #value);),
        });
        mutates = true;
    }
    if let Some(body) = &operation.body {
        let content_type = &body.content_type;
        let (arg_ty, send) = match body.kind {
            BodyKind::Json => (type_tokens(&body.ty, &api.types, &types_prefix), quote!(request.json(#content_type, body);)),
            BodyKind::Form => (type_tokens(&body.ty, &api.types, &types_prefix), quote!(request.form(body);)),
            BodyKind::Multipart => (type_tokens(&body.ty, &api.types, &types_prefix), multipart_body(&body.ty, api)),
            BodyKind::Text => (quote!(str), quote!(request.bytes(#content_type, body.as_bytes().to_vec());)),
            BodyKind::Bytes => (quote!([u8]), quote!(request.bytes(#content_type, body.to_vec());)),
        };
        if body.required {
            args.push(quote!(body: &#arg_ty));
            statements.push(send);
        } else {
            args.push(quote!(body: ::std::option::Option<&#arg_ty>));
            statements.push(quote!(if let ::std::option::Option::Some(body) = body { #send }));
        }
        mutates = true;
    }
    if let Some(security) = security_statements(&operation.security, &api.security_schemes) {
        statements.push(security);
        mutates = true;
    }
    if !mutates {
        statements[0] = quote!(let request = self.core.request(crate::runtime::Method::#method, #path););
    }

    let accept = accept_header(operation);
    let (success_ty, success_arms) = success_handling(operation, api);
    let (error_ty, parse_error) = error_handling(operation, api);
    let fallback = success_arms_fallback(operation, api)
        .unwrap_or_else(|| quote!(Err(crate::runtime::api_error(response, #parse_error).await)));
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
    quote! {
        #docs
        #deprecated
        pub async fn #name(&self, #(#args),*) -> ::std::result::Result<#success_ty, crate::runtime::Error<#error_ty>> {
            #(#statements)*
            let response = request.send(#accept).await?;
            #status_match
        }
    }
}

/// A multipart body: one part per struct field (files as file parts),
/// or, for bodies that are not structs, one text part per JSON field.
fn multipart_body(ty: &TypeRef, api: &Api) -> TokenStream {
    let fields = match ty {
        TypeRef::Named(id) => match api.types.get(*id).map(|def| &def.kind) {
            Some(crate::ir::TypeKind::Struct(structure)) if structure.additional.is_none() => &structure.fields,
            _ => return quote!(request.multipart_fields(body);),
        },
        _ => return quote!(request.multipart_fields(body);),
    };
    let parts = fields.iter().map(|field| {
        let name = ident(&field.name);
        let wire = &field.wire;
        let value = match field.presence {
            crate::ir::Presence::Required => quote!(::std::option::Option::Some(&body.#name)),
            crate::ir::Presence::Nullable | crate::ir::Presence::Optional => quote!(body.#name.as_ref()),
            crate::ir::Presence::OptionalNullable => quote!(body.#name.as_ref().and_then(::std::option::Option::as_ref)),
        };
        match &field.ty {
            TypeRef::File => quote!(form.files(#wire, #value);),
            TypeRef::Vec(item) if **item == TypeRef::File => quote!(form.files(#wire, #value.into_iter().flatten());),
            _ => quote!(form.text(#wire, #value);),
        }
    });
    quote! {
        let mut form = crate::runtime::Multipart::new();
        #(#parts)*
        request.multipart(form);
    }
}

/// `"/literal"`, or `&["/pets/", &path_param("petId", &pet_id, …)].concat()`.
fn request_path(operation: &Operation) -> TokenStream {
    let mut pieces = Vec::new();
    let mut has_params = false;
    let mut rest = operation.path.as_str();
    while let Some(start) = rest.find('{') {
        let Some(length) = rest[start..].find('}') else { break };
        let placeholder = &rest[start + 1..start + length];
        let param = operation
            .params
            .iter()
            .find(|param| param.location == ParamLocation::Path && param.wire == placeholder);
        if let Some(param) = param {
            let literal = &rest[..start];
            if !literal.is_empty() {
                pieces.push(quote!(#literal));
            }
            let arg = ident(&param.name);
            let wire = &param.wire;
            let style = path_style(param.style);
            pieces.push(quote!(&crate::runtime::path_param(#wire, &#arg, #style)?));
            has_params = true;
        } else {
            let literal = &rest[..start + length + 1];
            pieces.push(quote!(#literal));
        }
        rest = &rest[start + length + 1..];
    }
    if !rest.is_empty() {
        pieces.push(quote!(#rest));
    }
    if has_params {
        quote!(&[#(#pieces),*].concat())
    } else {
        let literal = operation.path.as_str();
        quote!(#literal)
    }
}

fn path_style(style: ParamStyle) -> TokenStream {
    match style {
        ParamStyle::Label(explode) => quote!(crate::runtime::PathStyle::Label { explode: #explode }),
        ParamStyle::Matrix(explode) => quote!(crate::runtime::PathStyle::Matrix { explode: #explode }),
        ParamStyle::Simple(explode) | ParamStyle::Form(explode) => {
            quote!(crate::runtime::PathStyle::Simple { explode: #explode })
        }
        _ => quote!(crate::runtime::PathStyle::Simple { explode: false }),
    }
}

fn query_style(style: ParamStyle) -> TokenStream {
    match style {
        ParamStyle::Simple(_) | ParamStyle::Label(_) | ParamStyle::Matrix(_) => {
            quote!(crate::runtime::QueryStyle::Form { explode: true })
        }
        ParamStyle::Form(explode) => quote!(crate::runtime::QueryStyle::Form { explode: #explode }),
        ParamStyle::SpaceDelimited => quote!(crate::runtime::QueryStyle::SpaceDelimited),
        ParamStyle::PipeDelimited => quote!(crate::runtime::QueryStyle::PipeDelimited),
        ParamStyle::DeepObject => quote!(crate::runtime::QueryStyle::DeepObject),
    }
}

/// Applies the first alternative whose credentials are all configured:
/// `if let (Some(a), Some(b)) = (&…, &…) { … } else if let Some(c) = &… { … }`.
fn security_statements(alternatives: &[Vec<usize>], schemes: &[SecurityScheme]) -> Option<TokenStream> {
    let mut branches = Vec::new();
    for alternative in alternatives {
        if alternative.is_empty() {
            // `{}`: credentials are optional. The order of alternatives
            // carries no meaning, so configured credentials of the other
            // alternatives are still sent; with none configured, none are.
            continue;
        }
        let used: Vec<&SecurityScheme> = alternative.iter().filter_map(|index| schemes.get(*index)).collect();
        let values: Vec<proc_macro2::Ident> = if used.len() == 1 {
            vec![ident("value")]
        } else {
            (0..used.len()).map(|index| ident(&format!("value{index}"))).collect()
        };
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
            quote!(if let ::std::option::Option::Some(value) = #(#fields)* { #(#applies)* })
        } else {
            quote! {
                if let ( #( ::std::option::Option::Some(#values) ),* ) = ( #(#fields),* ) { #(#applies)* }
            }
        });
    }
    if branches.is_empty() { None } else { Some(quote!(#(#branches)else*)) }
}

fn accept_header(operation: &Operation) -> String {
    let mut types: Vec<&str> = Vec::new();
    for case in operation.success.iter().chain(&operation.errors) {
        if let Some(body) = &case.body
            && !types.contains(&body.content_type.as_str())
        {
            types.push(&body.content_type);
        }
    }
    types.join(", ")
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
        None => quote!(crate::runtime::empty(response).await),
        Some(BodyKind::Text) => quote!(crate::runtime::text(response).await),
        Some(BodyKind::Bytes) => quote!(crate::runtime::bytes(response).await),
        Some(_) => quote!(crate::runtime::json(response).await),
    }
}

/// The success type and the match arms that produce it (the `default` arm,
/// when `default` is the success, is returned by
/// [`success_arms_fallback`] instead).
fn success_handling(operation: &Operation, api: &Api) -> (TokenStream, Vec<TokenStream>) {
    let types_prefix = quote!(types::);
    let cases: Vec<&ResponseCase> =
        ordered(&operation.success).into_iter().filter(|case| case.status != StatusMatch::Default).collect();
    if operation.success.is_empty() {
        return (quote!(()), vec![quote!(200..=299 => crate::runtime::empty(response).await,)]);
    }
    if let Some(enum_id) = operation.success_type {
        let enum_ty = type_tokens(&TypeRef::Named(enum_id), &api.types, &types_prefix);
        let arms = cases
            .iter()
            .map(|case| {
                let pattern = status_pattern(case.status);
                let variant = ident(&case.variant);
                match &case.body {
                    None => quote!(#pattern => crate::runtime::empty(response).await.map(|()| #enum_ty::#variant),),
                    Some(body) => {
                        let decode = decode(Some(body));
                        quote!(#pattern => #decode.map(#enum_ty::#variant),)
                    }
                }
            })
            .collect();
        return (enum_ty, arms);
    }
    let ty = operation
        .success
        .iter()
        .find_map(|case| case.body.as_ref())
        .map_or_else(|| quote!(()), |body| response_type(body, api));
    let arms = cases
        .iter()
        .map(|case| {
            let pattern = status_pattern(case.status);
            let decode = decode(case.body.as_ref());
            quote!(#pattern => #decode,)
        })
        .collect();
    (ty, arms)
}

fn response_type(body: &crate::ir::ResponseBody, api: &Api) -> TokenStream {
    match body.kind {
        BodyKind::Text => quote!(::std::string::String),
        BodyKind::Bytes => quote!(::std::vec::Vec<u8>),
        _ => type_tokens(&body.ty, &api.types, &quote!(types::)),
    }
}

/// When `default` is the success response, it answers every status not
/// matched before it.
fn success_arms_fallback(operation: &Operation, api: &Api) -> Option<TokenStream> {
    let default = operation.success.iter().find(|case| case.status == StatusMatch::Default)?;
    let decode = decode(default.body.as_ref());
    Some(match operation.success_type {
        Some(enum_id) => {
            let enum_ty = type_tokens(&TypeRef::Named(enum_id), &api.types, &quote!(types::));
            let variant = ident(&default.variant);
            match &default.body {
                None => quote!(crate::runtime::empty(response).await.map(|()| #enum_ty::#variant)),
                Some(_) => quote!(#decode.map(#enum_ty::#variant)),
            }
        }
        None => decode,
    })
}

/// The error body type and the closure that decodes it.
fn error_handling(operation: &Operation, api: &Api) -> (TokenStream, TokenStream) {
    let types_prefix = quote!(types::);
    if let Some(enum_id) = operation.error_type {
        let enum_ty = type_tokens(&TypeRef::Named(enum_id), &api.types, &types_prefix);
        let mut has_default = false;
        let arms: Vec<TokenStream> = ordered(&operation.errors)
            .iter()
            .map(|case| {
                has_default |= case.status == StatusMatch::Default;
                let pattern = status_pattern(case.status);
                let variant = ident(&case.variant);
                match case.body.as_ref().map(|body| body.kind) {
                    None => quote!(#pattern => ::std::option::Option::Some(#enum_ty::#variant),),
                    Some(BodyKind::Text) => quote!(#pattern => ::std::option::Option::Some(#enum_ty::#variant(::std::string::String::from_utf8_lossy(body).into_owned())),),
                    Some(BodyKind::Bytes) => quote!(#pattern => ::std::option::Option::Some(#enum_ty::#variant(body.to_vec())),),
                    Some(_) => quote!(#pattern => crate::runtime::parse_json(body).map(#enum_ty::#variant),),
                }
            })
            .collect();
        let fallback = (!has_default).then(|| quote!(_ => ::std::option::Option::None,));
        return (enum_ty, quote!(|status, body| match status.as_u16() { #(#arms)* #fallback }));
    }
    let json_error = operation
        .errors
        .iter()
        .filter_map(|case| case.body.as_ref())
        .find(|body| body.kind == BodyKind::Json);
    let ty = json_error.map_or_else(|| quote!(::serde_json::Value), |body| type_tokens(&body.ty, &api.types, &types_prefix));
    (ty, quote!(|_, body| crate::runtime::parse_json(body)))
}

/// "the Pack.cloud API" from a title that may or may not end in "API".
pub(super) fn api_name(title: &str) -> String {
    let title = oneline(title);
    if title.to_ascii_lowercase().ends_with("api") { format!("the {title}") } else { format!("the {title} API") }
}
