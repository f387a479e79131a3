//! Security schemes (how credentials are sent) and servers (the default
//! base URL).

use super::Lowerer;
use crate::ir::{SecurityKind, SecurityScheme, ServerVariable};
use crate::model::{ParameterIn, SchemeKind, SecurityScheme as SpecScheme, Server};
use crate::naming::{Scope, field_name};

use crate::runtime_names::BUILDER_METHODS;

impl<'a> Lowerer<'a> {
    /// Every `components.securitySchemes` entry, in spec order. Schemes the
    /// client cannot drive itself (OAuth2 flows, OpenID Connect, unusual
    /// HTTP schemes) take a ready-made token sent as a bearer token.
    pub(super) fn security_schemes(&mut self) -> Vec<SecurityScheme> {
        let documents = self.documents;
        let components = &documents.model.components;
        let mut names = Scope::with_reserved(BUILDER_METHODS.iter().copied());
        let mut schemes = Vec::new();
        for (key, node) in &components.security_schemes {
            let Some((scheme, origin)) = self.deref::<SpecScheme>(node) else { continue };
            if scheme.kind == SchemeKind::MutualTls {
                // Configured on the HTTP client; requirements naming it
                // need nothing from the generated code.
                self.tls_schemes.insert(key.clone());
                continue;
            }
            let kind = match &scheme.kind {
                SchemeKind::ApiKey { location, name } => match location {
                    ParameterIn::Header | ParameterIn::Path => SecurityKind::HeaderKey(name.clone()),
                    ParameterIn::Query => SecurityKind::QueryKey(name.clone()),
                    ParameterIn::Cookie => SecurityKind::CookieKey(name.clone()),
                },
                SchemeKind::Http { scheme } if scheme.eq_ignore_ascii_case("basic") => SecurityKind::Basic,
                SchemeKind::Http { .. } | SchemeKind::OAuth2 | SchemeKind::OpenIdConnect | SchemeKind::MutualTls => SecurityKind::Bearer,
            };
            let doc = scheme.description.clone();
            schemes.push(SecurityScheme { origin: origin.clone(), key: key.clone(), name: names.claim(&field_name(key)), doc, kind });
        }
        schemes
    }
}

/// The default base URL (`servers[0]` with its variables' defaults
/// substituted) and the variables, which the client lets users override.
pub(super) fn servers(servers: &[Server]) -> (String, String, Vec<ServerVariable>) {
    let Some(server) = servers.first() else { return (String::new(), String::new(), Vec::new()) };
    let variables: Vec<ServerVariable> = server
        .variables
        .iter()
        .map(|variable| ServerVariable {
            name: variable.name.clone(),
            default: variable.default.clone(),
            description: variable.description.clone(),
        })
        .collect();
    let mut url = server.url.clone();
    for variable in &variables {
        url = url.replace(&format!("{{{}}}", variable.name), &variable.default);
    }
    (url.trim_end_matches('/').to_owned(), server.url.trim_end_matches('/').to_owned(), variables)
}
