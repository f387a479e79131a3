//! Where a `$ref` may read: the one place that decides whether the file
//! part of a `$ref` stays inside the spec's directory tree (or the
//! `--ref-root` directory), and the path the loader is asked for. Lexical
//! only; `build::DiskLoader` checks again on canonical paths.

use crate::diagnostics::{Code, Diagnostic, Diagnostics};

/// Why the file part of a `$ref` is not followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// `https://…`, `urn:…` or any other URL scheme except `file:`.
    Remote,
    /// A `file:` URL.
    FileUrl,
    /// `/abs/x.yaml`, `\\server\x.yaml`, `C:\x.yaml`, `C:x.yaml`.
    Absolute,
    /// A relative path whose `..` segments lead out of the root spec's
    /// directory.
    Escapes,
}

impl Refusal {
    /// The diagnostic text. `target` is quoted only when it was written in
    /// the root spec (a referenced file's text is never quoted).
    pub fn message(self, target: Option<&str>, root: &str) -> String {
        let what = match self {
            Refusal::Remote => "a remote URL",
            Refusal::FileUrl => "a `file:` URL",
            Refusal::Absolute => "an absolute path",
            Refusal::Escapes => "a path that leads out of the directory tree",
        };
        let names = match target {
            Some(target) => format!("`$ref` names `{}`, {what}", printable(target)),
            None => format!("this `$ref` names {what}"),
        };
        let dir = match root_prefix(root).trim_end_matches(['/', '\\']) {
            "" => ".",
            dir => dir,
        };
        let dir = printable(dir);
        match self {
            Refusal::Remote => {
                format!("{names}; remote files are never fetched: download it into `{dir}` and refer to it by a relative path")
            }
            Refusal::Escapes => format!(
                "{names}; only files in the directory `{dir}` and below are read (name a directory that holds the spec and the files it refers to with `--ref-root DIR`)"
            ),
            _ => format!("{names}; only files in the directory `{dir}` and below are read"),
        }
    }
}

/// `text` with control and bidi characters escaped, for a message.
fn printable(text: &str) -> String {
    let hidden = |c: char| c.is_control() || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
    text.chars().map(|c| if hidden(c) { c.escape_unicode().to_string() } else { c.to_string() }).collect()
}

/// The prefix of the paths `$ref`s may reach (see [`Documents::tree`]):
/// `ref_root` with one trailing `/` (empty for `.` or an empty root), or
/// the root spec's directory. The spec itself must be inside `ref_root`,
/// without `..` (checked lexically; the disk loader checks again on the
/// canonical paths).
pub(crate) fn tree_prefix(path: &str, ref_root: Option<&str>) -> Result<String, Diagnostics> {
    let Some(ref_root) = ref_root else { return Ok(root_prefix(path).to_owned()) };
    let prefix = match ref_root.trim_end_matches(['/', '\\']) {
        "" if ref_root.is_empty() => String::new(),
        "" => "/".to_owned(), // the file system's root
        "." => String::new(),
        dir => format!("{dir}/"),
    };
    // `/` and `\` both separate (as in `join_ref`).
    let inside = path.get(prefix.len()..).filter(|_| {
        let written = path.get(..prefix.len()).unwrap_or("");
        written.trim_end_matches(['/', '\\']) == prefix.trim_end_matches('/') && (prefix.is_empty() || written.ends_with(['/', '\\']))
    });
    if inside.is_none_or(|inside| inside.split(['/', '\\']).any(|part| part == "..")) {
        let message = format!(
            "the spec is not inside the `$ref` root `{}` (`--ref-root`): name a directory that holds the spec",
            printable(ref_root)
        );
        return Err(Diagnostics::from(Diagnostic::new(Code::RefOutsideSpecTree, path, "", message)));
    }
    Ok(prefix)
}

/// The root spec's directory as written: everything up to and including
/// its last `/` or `\` (empty for a bare file name).
fn root_prefix(root: &str) -> &str {
    root.rfind(['/', '\\']).map_or("", |index| &root[..=index])
}

/// Resolves the file part `target` of a `$ref` written in `from` — the root
/// spec itself or a file loaded for it — to the path the loader is asked
/// for. `root` names the tree: the root spec's path (its directory is the
/// tree) or a [`Documents::tree`] prefix ending in `/`. Only relative paths
/// that stay inside that directory tree are accepted, after normalizing `.` and `..` lexically
/// (`sub/../x.yaml` stays, `sub/../../x.yaml` leaves); both `/` and `\`
/// separate segments, so a loader on any platform reads what was checked.
///
/// The result is the root's directory as written followed by the
/// normalized relative path (`specs/api.yaml` + `common/b.yaml` →
/// `specs/common/b.yaml`), so every file has exactly one name.
pub fn join_ref(root: &str, from: &str, target: &str) -> Result<String, Refusal> {
    if let Some(refusal) = refusal(target) {
        return Err(refusal);
    }
    let prefix = root_prefix(root);
    let from_inside = from.strip_prefix(prefix).ok_or(Refusal::Escapes)?;
    let mut parts: Vec<&str> = from_inside.split(['/', '\\']).filter(|part| !part.is_empty() && *part != ".").collect();
    parts.pop(); // the file name of `from`
    for part in target.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop().ok_or(Refusal::Escapes)?;
            }
            other => parts.push(other),
        }
    }
    if parts.is_empty() {
        return Err(Refusal::Escapes); // names the directory itself
    }
    Ok(format!("{prefix}{}", parts.join("/")))
}

/// Refusals that depend on `target` alone: URLs and absolute paths.
fn refusal(target: &str) -> Option<Refusal> {
    if target.starts_with(['/', '\\']) {
        return Some(Refusal::Absolute);
    }
    // RFC 3986: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":".
    // A one-letter "scheme" is a Windows drive.
    if let Some((scheme, _)) = target.split_once(':') {
        let mut chars = scheme.chars();
        let is_scheme = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
            && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
        if is_scheme {
            return Some(match scheme.len() {
                1 => Refusal::Absolute,
                _ if scheme.eq_ignore_ascii_case("file") => Refusal::FileUrl,
                _ => Refusal::Remote,
            });
        }
    }
    target.contains("://").then_some(Refusal::Remote)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_paths_inside_the_tree() {
        let join = |root: &str, from: &str, target: &str| join_ref(root, from, target);
        assert_eq!(join("specs/a.yaml", "specs/a.yaml", "b.yaml"), Ok("specs/b.yaml".to_owned()));
        assert_eq!(join("specs/a.yaml", "specs/a.yaml", "./x//b.yaml"), Ok("specs/x/b.yaml".to_owned()));
        assert_eq!(join("specs/a.yaml", "specs/a.yaml", "sub/../b.yaml"), Ok("specs/b.yaml".to_owned()));
        assert_eq!(join("specs/a.yaml", "specs/sub/c.yaml", "../b.yaml"), Ok("specs/b.yaml".to_owned()));
        assert_eq!(join("a.yaml", "a.yaml", "x/b.yaml"), Ok("x/b.yaml".to_owned()));
        assert_eq!(join("../specs/a.yaml", "../specs/a.yaml", "b.yaml"), Ok("../specs/b.yaml".to_owned()));
        assert_eq!(join("/abs/a.yaml", "/abs/a.yaml", "sub\\b.yaml"), Ok("/abs/sub/b.yaml".to_owned()));
        assert_eq!(join(r"C:\specs\a.yaml", r"C:\specs\a.yaml", "b.yaml"), Ok(r"C:\specs\b.yaml".to_owned()));
    }

    #[test]
    fn refuses_paths_outside_the_tree() {
        let cases = [
            ("../b.yaml", Refusal::Escapes),
            ("sub/../../b.yaml", Refusal::Escapes),
            ("sub\\..\\..\\b.yaml", Refusal::Escapes),
            ("..", Refusal::Escapes),
            (".", Refusal::Escapes),
            ("/etc/passwd", Refusal::Absolute),
            ("//host/share/x.yaml", Refusal::Absolute),
            (r"\\host\share\x.yaml", Refusal::Absolute),
            (r"C:\x.yaml", Refusal::Absolute),
            ("c:x.yaml", Refusal::Absolute),
            ("file:///etc/passwd", Refusal::FileUrl),
            ("FILE:x.yaml", Refusal::FileUrl),
            ("https://example.com/x.yaml", Refusal::Remote),
            ("urn:x:y", Refusal::Remote),
            ("a/b://c.yaml", Refusal::Remote),
        ];
        for (target, expected) in cases {
            assert_eq!(join_ref("specs/a.yaml", "specs/a.yaml", target), Err(expected), "{target}");
        }
        assert_eq!(join_ref("specs/a.yaml", "specs/sub/c.yaml", "../../b.yaml"), Err(Refusal::Escapes));
        assert_eq!(join_ref("specs/a.yaml", "other/c.yaml", "b.yaml"), Err(Refusal::Escapes), "a file outside the tree");
        assert_eq!(join_ref("a.yaml", "a.yaml", "./a:b.yaml"), Ok("a:b.yaml".to_owned()), "a colon after a slash is a path");
    }
}
