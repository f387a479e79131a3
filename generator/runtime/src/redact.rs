//! Credentials never appear in output: URLs are shown with credential
//! query values replaced by `<redacted>`.

use super::{Error, TransportError};

/// `url` as text, with the values of credential query parameters (and of
/// parameters whose names say they are secrets) and any password replaced
/// by `<redacted>`.
pub(crate) fn redacted(url: &reqwest::Url, names: &[&str]) -> String {
    let mut base = url.clone();
    base.set_query(None);
    base.set_fragment(None);
    if base.password().is_some() {
        let _ = base.set_password(Some("redacted"));
    }
    let mut text = base.to_string();
    if let Some(query) = url.query() {
        let pieces: Vec<String> = query
            .split('&')
            .map(|piece| {
                let raw_name = piece.split('=').next().unwrap_or_default();
                let name = percent_encoding::percent_decode_str(&raw_name.replace('+', " ")).decode_utf8_lossy().into_owned();
                if names.contains(&name.as_str()) || is_secret_name(&name) { format!("{raw_name}=<redacted>") } else { piece.to_owned() }
            })
            .collect();
        text.push('?');
        text.push_str(&pieces.join("&"));
    }
    text
}

/// Query parameter names that carry secrets by convention.
fn is_secret_name(name: &str) -> bool {
    let name = name.to_ascii_lowercase().replace(['-', '_'], "");
    ["apikey", "key", "token", "accesstoken", "secret", "clientsecret", "password", "signature", "sig", "auth"]
        .iter()
        .any(|secret| name == *secret)
}

pub(crate) fn redact_text(url: &str, names: &[&str]) -> String {
    match reqwest::Url::parse(url) {
        Ok(parsed) => redacted(&parsed, names),
        Err(_) => url.split(['?', '#']).next().unwrap_or_default().to_owned(),
    }
}

/// A transport error with its URL kept only in redacted form.
pub(crate) fn transport<E>(error: reqwest::Error, names: &[String]) -> Error<E> {
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let url = error.url().map(|url| redacted(url, &names));
    Error::Transport(TransportError::http(error.without_url(), url))
}
