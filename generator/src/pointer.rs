//! JSON pointers (RFC 6901): where in the spec a node lives.

use std::borrow::Cow;
use std::fmt;

/// A JSON pointer, kept in its escaped form (`/paths/~1pets/get`): every
/// node of the IR carries one, so extending and cloning it must be cheap
/// (one allocation, whatever the depth). `Display` prints it as is. The
/// order (`Ord`) is that of the escaped text, not segment by segment: it
/// serves lookups (maps keyed by location), never the output's order.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pointer(String);

impl Pointer {
    /// The document root (`""`).
    pub fn root() -> Self {
        Self::default()
    }

    /// This pointer extended by one segment.
    pub fn push(&self, segment: impl AsRef<str>) -> Self {
        let segment = segment.as_ref();
        let mut text = String::with_capacity(self.0.len() + segment.len() + 1);
        text.push_str(&self.0);
        push_escaped(&mut text, segment);
        Self(text)
    }

    /// This pointer extended by several segments.
    pub fn join<I, S>(&self, segments: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut text = self.0.clone();
        for segment in segments {
            push_escaped(&mut text, segment.as_ref());
        }
        Self(text)
    }

    /// The unescaped segments.
    pub fn segments(&self) -> Vec<String> {
        if self.0.is_empty() {
            return Vec::new();
        }
        self.0[1..].split('/').map(|raw| unescape(raw).into_owned()).collect()
    }

    /// The last segment, if any (unescaped).
    pub fn last(&self) -> Option<Cow<'_, str>> {
        let (_, raw) = self.0.rsplit_once('/')?;
        Some(unescape(raw))
    }

    /// Parses the escaped form (`/a~1b/c`); also accepts the
    /// percent-encoded form used in URI fragments (`/%7Bid%7D`).
    pub fn parse(text: &str) -> Option<Self> {
        if text.is_empty() {
            return Some(Self::root());
        }
        let rest = text.strip_prefix('/')?;
        let segments = rest.split('/').map(|raw| percent_decode(raw).map(|s| unescape(&s).into_owned())).collect::<Option<Vec<_>>>()?;
        Some(Self::root().join(segments))
    }
}

impl fmt::Display for Pointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Appends `/segment`, escaping `~` and `/` (RFC 6901).
fn push_escaped(text: &mut String, segment: &str) {
    text.push('/');
    if !segment.contains(['~', '/']) {
        text.push_str(segment);
        return;
    }
    for c in segment.chars() {
        match c {
            '~' => text.push_str("~0"),
            '/' => text.push_str("~1"),
            c => text.push(c),
        }
    }
}

/// One escaped segment, unescaped (`~1` → `/`, then `~0` → `~`).
fn unescape(raw: &str) -> Cow<'_, str> {
    if raw.contains('~') { Cow::Owned(raw.replace("~1", "/").replace("~0", "~")) } else { Cow::Borrowed(raw) }
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

/// A place in a spec: file and JSON pointer.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Location {
    /// The spec file.
    pub file: String,
    /// The node inside it.
    pub pointer: Pointer,
}

impl Location {
    /// `file#pointer`.
    pub fn new(file: &str, pointer: Pointer) -> Self {
        Self { file: file.to_owned(), pointer }
    }

    /// This location extended by several pointer segments.
    pub fn join<'s>(&self, segments: impl IntoIterator<Item = &'s str>) -> Location {
        Location { file: self.file.clone(), pointer: self.pointer.join(segments) }
    }

    /// This location extended by one pointer segment.
    pub fn push(&self, segment: impl AsRef<str>) -> Self {
        Self { file: self.file.clone(), pointer: self.pointer.push(segment) }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}#{}", self.file, self.pointer)
    }
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
    fn segments_come_back_unescaped() {
        let pointer = Pointer::root().push("paths").push("/pets/{id}").push("a~b");
        assert_eq!(pointer.to_string(), "/paths/~1pets~1{id}/a~0b");
        assert_eq!(pointer.segments(), ["paths", "/pets/{id}", "a~b"]);
        assert_eq!(pointer.last().as_deref(), Some("a~b"));
        assert_eq!(Pointer::root().last(), None);
        assert_eq!(Pointer::root().push("").segments(), [""]);
        // `~01` is `~1` unescaped, not `/`.
        assert_eq!(Pointer::parse("/~01").map(|p| p.segments()), Some(vec!["~1".to_owned()]));
    }

    #[test]
    fn parses_percent_encoded_fragments() {
        let pointer = Pointer::parse("/paths/~1pets~1%7Bid%7D").expect("valid pointer");
        assert_eq!(pointer.segments(), ["paths", "/pets/{id}"]);
        assert_eq!(Pointer::parse("no-slash"), None);
        assert_eq!(Pointer::parse("/bad%zz"), None);
    }
}
