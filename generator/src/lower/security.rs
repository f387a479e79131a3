//! Security schemes (how credentials are sent) and servers (the default
//! base URL).

use super::Lowerer;
use crate::ir::{SecurityKind, SecurityScheme, ServerVariable, TokenUrl};
use crate::model::{ParameterIn, SchemeKind, SecurityScheme as SpecScheme, Server};
use crate::naming::{Scope, field_name, stem};

use crate::runtime_names::BUILDER_METHODS;

impl<'a> Lowerer<'a> {
    /// Every `components.securitySchemes` entry, in spec order. Schemes the
    /// client cannot drive itself (OAuth2 flows, OpenID Connect, unusual
    /// HTTP schemes) take a token sent as a bearer token: a fixed one, or
    /// one a credential provider supplies (each scheme but HTTP basic gets
    /// a `…_provider` builder method, named in the same scope as the
    /// setters). An OAuth2 scheme with a client-credentials flow also gets
    /// its token URL as a constant, resolved against the default server
    /// URL when it is relative.
    pub(super) fn security_schemes(&mut self) -> Vec<SecurityScheme> {
        let documents = self.documents;
        let components = &documents.model.components;
        let base_url = documents.model.servers.first().map(default_url).unwrap_or_default();
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
                SchemeKind::Http { .. } | SchemeKind::OAuth2 { .. } | SchemeKind::OpenIdConnect | SchemeKind::MutualTls => {
                    SecurityKind::Bearer
                }
            };
            let doc = scheme.description.clone();
            let name = names.claim(&field_name(key));
            let provider = (kind != SecurityKind::Basic).then(|| names.claim(&format!("{}_provider", stem(&name))));
            let token_url = match &scheme.kind {
                SchemeKind::OAuth2 { client_credentials_token_url: Some(url) } => {
                    // `name` is snake_case and unique: so is the constant.
                    let constant = format!("{}_TOKEN_URL", stem(&name).to_ascii_uppercase());
                    Some(match resolve_url(url, &base_url) {
                        Some(url) => TokenUrl { constant, url, absolute: true },
                        None => TokenUrl { constant, url: url.clone(), absolute: false },
                    })
                }
                _ => None,
            };
            schemes.push(SecurityScheme { origin: origin.clone(), key: key.clone(), name, doc, kind, provider, token_url });
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
    (default_url(server).trim_end_matches('/').to_owned(), server.url.trim_end_matches('/').to_owned(), variables)
}

/// The server's URL with its variables' defaults substituted.
fn default_url(server: &Server) -> String {
    let mut url = server.url.clone();
    for variable in &server.variables {
        url = url.replace(&format!("{{{}}}", variable.name), &variable.default);
    }
    url
}

/// `reference` resolved against the absolute URL `base` (RFC 3986 §5.2):
/// `None` when `base` is not absolute and `reference` is not either.
fn resolve_url(reference: &str, base: &str) -> Option<String> {
    let has_scheme = |text: &str| {
        text.split_once(':').is_some_and(|(scheme, _)| {
            scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        })
    };
    if has_scheme(reference) {
        return Some(reference.to_owned());
    }
    if !has_scheme(base) {
        return None;
    }
    let (scheme, rest) = base.split_once("://")?;
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_end);
    let path = path.split(['?', '#']).next().unwrap_or_default();
    if let Some(network) = reference.strip_prefix("//") {
        return Some(format!("{scheme}://{network}"));
    }
    let (reference_path, suffix) = match reference.find(['?', '#']) {
        Some(index) => reference.split_at(index),
        None => (reference, ""),
    };
    let merged = if reference_path.is_empty() {
        path.to_owned()
    } else if reference_path.starts_with('/') {
        reference_path.to_owned()
    } else {
        // The base's directory: up to its last `/`.
        let directory = path.rfind('/').map(|index| &path[..=index]).unwrap_or("/");
        format!("{directory}{reference_path}")
    };
    Some(format!("{scheme}://{authority}{}{suffix}", remove_dot_segments(&merged)))
}

/// A path without `.` and `..` segments.
fn remove_dot_segments(path: &str) -> String {
    let mut segments: Vec<&str> = Vec::new();
    let pieces: Vec<&str> = path.split('/').collect();
    for (index, segment) in pieces.iter().enumerate() {
        let last = index + 1 == pieces.len();
        match *segment {
            "." => {
                if last {
                    segments.push("");
                }
            }
            ".." => {
                if segments.len() > 1 {
                    segments.pop();
                }
                if last {
                    segments.push("");
                }
            }
            other => segments.push(other),
        }
    }
    segments.join("/")
}

#[cfg(test)]
mod tests {
    use super::resolve_url;

    #[test]
    fn token_urls_resolve_against_the_server_url() {
        let base = "https://api.example.com/v1";
        for (reference, expected) in [
            ("https://auth.example.com/token", Some("https://auth.example.com/token")),
            ("/oauth/token", Some("https://api.example.com/oauth/token")),
            ("oauth/token", Some("https://api.example.com/oauth/token")),
            ("./token", Some("https://api.example.com/token")),
            ("//auth.example.com/token", Some("https://auth.example.com/token")),
            ("../token?x=1", Some("https://api.example.com/token?x=1")),
        ] {
            assert_eq!(resolve_url(reference, base).as_deref(), expected, "{reference}");
        }
        assert_eq!(resolve_url("token", "https://api.example.com/v1/").as_deref(), Some("https://api.example.com/v1/token"));
        assert_eq!(resolve_url("/token", "/v1"), None, "no absolute server URL");
        assert_eq!(resolve_url("/token", ""), None);
        assert_eq!(resolve_url("http://x/token", "").as_deref(), Some("http://x/token"));
    }
}
