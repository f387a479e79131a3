//! JSON pointer → line and column in the text the user wrote.
//!
//! Diagnostics found after parsing (a broken `$ref`, an undefined security
//! scheme, …) know their JSON pointer. When a run reports some, the file's
//! text is read once more as a stream of YAML events (JSON is YAML too),
//! which carry positions, and every wanted pointer is matched against the
//! path of the node being read. This costs one linear pass per file, and
//! only for files that have something to report.

use std::collections::{BTreeMap, BTreeSet};

use saphyr_parser::{Event, Parser};

use crate::Loader;
use crate::diagnostics::Diagnostic;
use crate::load::{MAX_NESTING, nesting};
use crate::pointer::Pointer;

/// Fills in [`Diagnostic::line_column`] where it is missing and the file's
/// text has the node (best effort: a file that cannot be read again, or a
/// pointer to nothing, leaves the diagnostic as it is).
pub fn fill_in(diagnostics: &mut [&mut Diagnostic], loader: &dyn Loader) {
    let mut wanted: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for diagnostic in diagnostics.iter().filter(|d| d.line_column.is_none() && !d.pointer.is_empty()) {
        wanted.entry(diagnostic.file.clone()).or_default().insert(diagnostic.pointer.clone());
    }
    for (file, pointers) in wanted {
        let Ok(text) = loader.load(&file) else { continue };
        let found = positions(&text, &pointers);
        for diagnostic in diagnostics.iter_mut().filter(|d| d.file == file && d.line_column.is_none()) {
            diagnostic.line_column = found.get(&diagnostic.pointer).copied();
        }
    }
}

/// Where each of `pointers` (escaped, as [`Pointer`]'s `Display` writes
/// them) starts in `text`: for an entry of a mapping, its key; otherwise
/// the node itself. Lines and columns are 1-based.
pub fn positions(text: &str, pointers: &BTreeSet<String>) -> BTreeMap<String, (usize, usize)> {
    let mut found = BTreeMap::new();
    // The same guard as the loader's: hostile nesting costs linear time.
    if pointers.is_empty() || nesting::check(text, MAX_NESTING).is_err() {
        return found;
    }
    let mut walk = Walk { path: String::new(), frames: Vec::new() };
    for event in Parser::new_from_str(text) {
        let Ok((event, span)) = event else { break };
        let here = (span.start.line(), span.start.col() + 1);
        match event {
            Event::Scalar(value, ..) => {
                if walk.expecting_key() {
                    walk.set_key(&value, here);
                } else if let Some(at) = walk.enter() {
                    walk.record(pointers, &mut found, at.unwrap_or(here));
                    walk.leave();
                }
            }
            Event::Alias(_) => {
                if walk.expecting_key() {
                    walk.set_key("", here);
                } else if let Some(at) = walk.enter() {
                    walk.record(pointers, &mut found, at.unwrap_or(here));
                    walk.leave();
                }
            }
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                let is_mapping = matches!(event, Event::MappingStart(..));
                if walk.expecting_key() {
                    // A complex key: its insides are not addressable.
                    walk.set_key("", here);
                    walk.frames.push(Frame::Ignored { depth: 1 });
                    continue;
                }
                if let Some(Frame::Ignored { depth }) = walk.frames.last_mut() {
                    *depth += 1;
                    continue;
                }
                let Some(at) = walk.enter() else { continue };
                walk.record(pointers, &mut found, at.unwrap_or(here));
                walk.frames.push(if is_mapping { Frame::Mapping { key: None } } else { Frame::Sequence { next: 0 } });
            }
            Event::MappingEnd | Event::SequenceEnd => match walk.frames.last_mut() {
                Some(Frame::Ignored { depth }) if *depth > 1 => *depth -= 1,
                Some(Frame::Ignored { .. }) => {
                    walk.frames.pop();
                }
                Some(_) => {
                    walk.frames.pop();
                    walk.leave();
                }
                None => {}
            },
            Event::DocumentEnd => break,
            _ => {}
        }
        if found.len() == pointers.len() {
            break;
        }
    }
    found
}

/// The path of the node being read.
struct Walk {
    /// The escaped pointer of the innermost open collection.
    path: String,
    /// Open collections, innermost last.
    frames: Vec<Frame>,
}

enum Frame {
    /// A mapping; `key` is the key whose value comes next, with where the
    /// key was written.
    Mapping { key: Option<(String, (usize, usize))> },
    /// A sequence; `next` is the index of the item that comes next.
    Sequence { next: usize },
    /// Inside a complex key (`? [a, b]: …`), `depth` collections deep.
    Ignored { depth: usize },
}

impl Walk {
    fn expecting_key(&self) -> bool {
        matches!(self.frames.last(), Some(Frame::Mapping { key: None }))
    }

    fn set_key(&mut self, key: &str, at: (usize, usize)) {
        if let Some(Frame::Mapping { key: slot }) = self.frames.last_mut() {
            *slot = Some((key.to_owned(), at));
        }
    }

    /// Steps into the next node of the innermost collection: extends
    /// `path` by its segment. Returns where its key was written (for a
    /// mapping entry), or `None` inside an ignored complex key.
    fn enter(&mut self) -> Option<Option<(usize, usize)>> {
        let (segment, at) = match self.frames.last_mut() {
            None => (None, None),
            Some(Frame::Mapping { key }) => {
                let (key, at) = key.take()?;
                (Some(key), Some(at))
            }
            Some(Frame::Sequence { next }) => {
                *next += 1;
                (Some((*next - 1).to_string()), None)
            }
            Some(Frame::Ignored { .. }) => return None,
        };
        if let Some(segment) = segment {
            self.path.push_str(&Pointer::root().push(segment).to_string());
        }
        Some(at)
    }

    /// Steps out of the node `enter` stepped into.
    fn leave(&mut self) {
        if self.frames.is_empty() {
            return;
        }
        let cut = self.path.rfind('/').unwrap_or(0);
        self.path.truncate(cut);
    }

    fn record(&self, pointers: &BTreeSet<String>, found: &mut BTreeMap<String, (usize, usize)>, at: (usize, usize)) {
        if pointers.contains(&self.path) {
            found.entry(self.path.clone()).or_insert(at);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str, pointer: &str) -> Option<(usize, usize)> {
        positions(text, &BTreeSet::from([pointer.to_owned()])).get(pointer).copied()
    }

    #[test]
    fn finds_mapping_entries_at_their_key_and_items_at_themselves() {
        let yaml = "openapi: 3.0.3\npaths:\n  /a/{id}:\n    get:\n      security:\n        - api_key: []\n          other: [x]\n";
        let cases = [
            ("/openapi", Some((1, 1))),
            ("/paths/~1a~1{id}/get", Some((4, 5))),
            ("/paths/~1a~1{id}/get/security/0", Some((6, 11))),
            ("/paths/~1a~1{id}/get/security/0/api_key", Some((6, 11))),
            ("/paths/~1a~1{id}/get/security/0/other/0", Some((7, 19))),
            ("/paths/~1a~1{id}/get/security/1", None),
            ("/nothing", None),
        ];
        for (pointer, expected) in cases {
            assert_eq!(at(yaml, pointer), expected, "{pointer}");
        }
    }

    #[test]
    fn reads_json_and_escaped_keys() {
        let json = "{\n  \"paths\": {\n    \"/a~b\": {\"get\": {\"responses\": {\"200\": {\"$ref\": \"#/x\"}}}}\n  },\n  \"after\": [1, {\"k\": 2}]\n}\n";
        assert_eq!(at(json, "/paths/~1a~0b/get/responses/200/$ref"), Some((3, 44)));
        assert_eq!(at(json, "/after/1/k"), Some((5, 17)));
    }

    #[test]
    fn complex_keys_and_aliases_do_not_shift_paths() {
        let yaml = "a: &x [1, 2]\n? [k1, k2]\n: ignored\nb: *x\nc:\n  - d: 1\n";
        assert_eq!(at(yaml, "/b"), Some((4, 1)));
        assert_eq!(at(yaml, "/c/0/d"), Some((6, 5)));
    }

    #[test]
    fn invalid_or_hostile_text_gives_nothing() {
        assert_eq!(at("a: [unclosed\n", "/b"), None);
        assert_eq!(at(&"[".repeat(10_000), "/0"), None);
    }
}
