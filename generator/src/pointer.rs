//! JSON pointers (RFC 6901): where in the spec a node lives.

use std::fmt;

/// A JSON pointer, kept as unescaped segments. `Display` escapes `~` and `/`.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pointer(Vec<String>);

impl Pointer {
    /// The document root (`""`).
    pub fn root() -> Self {
        Self::default()
    }

    /// This pointer extended by one segment.
    pub fn push(&self, segment: impl Into<String>) -> Self {
        let mut segments = self.0.clone();
        segments.push(segment.into());
        Self(segments)
    }

    /// This pointer extended by several segments.
    pub fn join<I, S>(&self, segments: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let mut pointer = self.clone();
        pointer.0.extend(segments.into_iter().map(Into::into));
        pointer
    }

    /// The unescaped segments.
    pub fn segments(&self) -> &[String] {
        &self.0
    }

    /// The last segment, if any.
    pub fn last(&self) -> Option<&str> {
        self.0.last().map(String::as_str)
    }

    /// Parses the escaped form (`/a~1b/c`); also accepts the
    /// percent-encoded form used in URI fragments (`/%7Bid%7D`).
    pub fn parse(text: &str) -> Option<Self> {
        if text.is_empty() {
            return Some(Self::root());
        }
        let rest = text.strip_prefix('/')?;
        let segments = rest
            .split('/')
            .map(|raw| percent_decode(raw).map(|s| s.replace("~1", "/").replace("~0", "~")))
            .collect::<Option<Vec<_>>>()?;
        Some(Self(segments))
    }
}

impl fmt::Display for Pointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for segment in &self.0 {
            write!(f, "/{}", segment.replace('~', "~0").replace('/', "~1"))?;
        }
        Ok(())
    }
}

fn percent_decode(text: &str) -> Option<String> {
    if !text.contains('%') {
        return Some(text.to_owned());
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_parses() {
        let cases = [
            (vec!["paths", "/pets/{id}", "get"], "/paths/~1pets~1{id}/get"),
            (vec!["components", "schemas", "a~b"], "/components/schemas/a~0b"),
            (vec!["x", "~/"], "/x/~0~1"),
            (vec![], ""),
        ];
        for (segments, escaped) in cases {
            let pointer = Pointer::root().join(segments.iter().copied());
            assert_eq!(pointer.to_string(), escaped);
            assert_eq!(Pointer::parse(escaped), Some(pointer));
        }
    }

    #[test]
    fn parses_percent_encoded_fragments() {
        let pointer = Pointer::parse("/paths/~1pets~1%7Bid%7D").expect("valid pointer");
        assert_eq!(pointer.segments(), ["paths", "/pets/{id}"]);
        assert_eq!(Pointer::parse("no-slash"), None);
        assert_eq!(Pointer::parse("/bad%zz"), None);
    }
}
