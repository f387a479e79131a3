//! A linear-time nesting check that runs before any text reaches a parser.
//!
//! libyaml (behind serde_yaml) spends time proportional to the flow depth
//! on every token, so `[[[[…` or `x: {a: {a: …` 100,000 levels deep takes
//! tens of seconds before serde_yaml's own recursion limit is ever reached.
//! This scan looks at every byte once and stops at [`MAX_NESTING`].
//!
//! It is a deliberately small model of YAML's structure, not a parser:
//!
//! * flow collections: `[` and `{` outside quoted scalars and comments
//!   (anywhere inside a flow collection; in block context only where a node
//!   starts, as YAML itself reads them);
//! * block collections: a stack of indentation columns, one entry per
//!   deeper indentation, plus one per compact entry on the same line
//!   (`- - - x`, `- key: value`);
//! * skipped: quoted scalars (also across lines), comments, block scalars
//!   (`|`, `>`) and the continuation lines of plain scalars.
//!
//! The count is within a small constant factor of the real depth (an
//! indentless sequence, `key:` followed by `- item` at the same column,
//! counts once instead of twice; a scalar after `- ` counts once more), so
//! real documents stay far below the cap while hostile ones are stopped
//! after reading each byte once. JSON is YAML's flow syntax and goes
//! through the same scan.

/// The deepest nesting of collections accepted, counted as described in
/// the module documentation. Real specs stay below 40; serde_json and
/// serde_yaml themselves stop at 128 levels.
pub const MAX_NESTING: usize = 256;

/// Where the nesting first went deeper than the cap: 1-based line and
/// column (in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooDeep {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

/// Whether a quoted scalar is open at the end of a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Quote {
    Single,
    Double,
}

/// Scans `text` once; fails at the first place nesting exceeds `limit`.
pub fn check(text: &str, limit: usize) -> Result<(), TooDeep> {
    let mut scan = Scan { limit, flow: 0, block: Vec::new(), quote: None, node_start: true, after_node: false };
    // Lines more indented than this belong to a block scalar (`|`, `>`) or
    // continue a plain scalar; `None` when no such scalar is open.
    let mut scalar_above: Option<isize> = None;
    for (index, line) in text.split('\n').enumerate() {
        let bytes = line.as_bytes();
        let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
        let at = |column: usize| TooDeep { line: index + 1, column: char_column(line, column) };
        let indent = bytes.iter().take_while(|&&b| b == b' ').count();
        let blank = bytes[indent..].iter().all(|&b| b == b' ' || b == b'\t');
        if let Some(threshold) = scalar_above {
            if blank || (indent as isize) > threshold {
                continue;
            }
            scalar_above = None;
        }
        let mut line_state = LineState { owner: -1, plain: false };
        let start = if scan.quote.is_some() || scan.flow > 0 {
            // The line continues a quoted scalar or a flow collection:
            // indentation means nothing there.
            0
        } else {
            if blank || bytes.get(indent) == Some(&b'#') {
                continue;
            }
            if indent == 0 && bytes.first() == Some(&b'%') {
                continue; // a directive (`%YAML 1.2`)
            }
            let mut start = indent;
            if indent == 0 && is_document_marker(bytes) {
                scan.block.clear();
                start = 3;
            } else {
                while scan.block.last().is_some_and(|&column| column > indent) {
                    scan.block.pop();
                }
                if scan.block.last() != Some(&indent) {
                    scan.push_block(indent).map_err(|()| at(indent))?;
                }
                line_state.owner = indent as isize;
            }
            scan.node_start = true;
            scan.after_node = false;
            start
        };
        match scan.line(bytes, start, &mut line_state) {
            Ok(LineEnd::Plain) => scalar_above = (line_state.plain && scan.flow == 0).then_some(line_state.owner),
            Ok(LineEnd::BlockScalar(threshold)) => scalar_above = Some(threshold),
            Err(column) => return Err(at(column)),
        }
    }
    Ok(())
}

/// What the end of a line leaves open.
enum LineEnd {
    /// Nothing special (or a plain scalar, see [`LineState::plain`]).
    Plain,
    /// A block scalar header: more indented lines are its content.
    BlockScalar(isize),
}

/// Per-line facts about block structure.
struct LineState {
    /// Column of the innermost block entry the line's value belongs to
    /// (the key, or the `-`); a scalar's continuation lines are more
    /// indented than this.
    owner: isize,
    /// Whether the line ended inside a plain scalar value.
    plain: bool,
}

struct Scan {
    limit: usize,
    flow: usize,
    block: Vec<usize>,
    quote: Option<Quote>,
    /// Whether the next non-blank character starts a node.
    node_start: bool,
    /// Whether the last token was a quoted scalar or closed a flow
    /// collection (JSON style: `{"a":1}`, where `:` needs no space).
    after_node: bool,
}

impl Scan {
    fn depth(&self) -> usize {
        self.block.len() + self.flow
    }

    fn push_block(&mut self, column: usize) -> Result<(), ()> {
        self.block.push(column);
        if self.depth() > self.limit { Err(()) } else { Ok(()) }
    }

    fn open_flow(&mut self) -> Result<(), ()> {
        self.flow += 1;
        if self.depth() > self.limit { Err(()) } else { Ok(()) }
    }

    /// Scans one line from byte `start`; `Err` holds the byte column where
    /// the cap was exceeded.
    fn line(&mut self, bytes: &[u8], start: usize, state: &mut LineState) -> Result<LineEnd, usize> {
        let mut i = start;
        // Column where the current block node started (a key or scalar).
        let mut node_column = start as isize;
        if let Some(quote) = self.quote {
            match skip_quoted(bytes, i, quote) {
                Some(end) => {
                    self.quote = None;
                    self.node_start = false;
                    self.after_node = true;
                    i = end;
                }
                None => return Ok(LineEnd::Plain),
            }
        }
        while i < bytes.len() {
            let byte = bytes[i];
            let spaced = i == 0 || matches!(bytes[i - 1], b' ' | b'\t');
            if byte == b' ' || byte == b'\t' {
                i += 1;
                continue;
            }
            if byte == b'#' && spaced {
                state.plain = false;
                break; // a comment
            }
            let next_blank = bytes.get(i + 1).is_none_or(|b| matches!(b, b' ' | b'\t'));
            if self.flow > 0 {
                match byte {
                    b'[' | b'{' => {
                        self.open_flow().map_err(|()| i)?;
                        self.node_start = true;
                        self.after_node = false;
                    }
                    b']' | b'}' => {
                        self.flow = self.flow.saturating_sub(1);
                        self.node_start = false;
                        self.after_node = true;
                    }
                    b',' => {
                        self.node_start = true;
                        self.after_node = false;
                    }
                    b'?' if next_blank => self.node_start = true,
                    b':' if next_blank || self.after_node => {
                        self.node_start = true;
                        self.after_node = false;
                    }
                    b'"' | b'\'' if self.node_start => {
                        let quote = if byte == b'"' { Quote::Double } else { Quote::Single };
                        match skip_quoted(bytes, i + 1, quote) {
                            Some(end) => {
                                self.node_start = false;
                                self.after_node = true;
                                i = end;
                                continue;
                            }
                            None => {
                                self.quote = Some(quote);
                                return Ok(LineEnd::Plain);
                            }
                        }
                    }
                    b'!' | b'&' | b'*' if self.node_start => {
                        // A tag, an anchor or an alias: a node may still
                        // start after it.
                        i = skip_token(bytes, i);
                        continue;
                    }
                    _ => {
                        self.node_start = false;
                        self.after_node = false;
                    }
                }
                i += 1;
                continue;
            }
            // Block context.
            if self.node_start {
                match byte {
                    b'-' | b'?' if next_blank => {
                        state.owner = i as isize;
                        state.plain = false;
                        let content = i + 1 + bytes[i + 1..].iter().take_while(|&&b| b == b' ' || b == b'\t').count();
                        if content < bytes.len() && bytes[content] != b'#' {
                            // A compact node on the same line: one level deeper.
                            self.push_block(content).map_err(|()| content)?;
                        }
                        node_column = content as isize;
                        i = content;
                        continue;
                    }
                    b'[' | b'{' => {
                        state.plain = false;
                        self.open_flow().map_err(|()| i)?;
                        self.node_start = true;
                        self.after_node = false;
                    }
                    b'|' | b'>' => return Ok(LineEnd::BlockScalar(state.owner)),
                    b'"' | b'\'' => {
                        state.plain = false;
                        node_column = i as isize;
                        let quote = if byte == b'"' { Quote::Double } else { Quote::Single };
                        match skip_quoted(bytes, i + 1, quote) {
                            Some(end) => {
                                self.node_start = false;
                                self.after_node = true;
                                i = end;
                                continue;
                            }
                            None => {
                                self.quote = Some(quote);
                                return Ok(LineEnd::Plain);
                            }
                        }
                    }
                    b'!' | b'&' | b'*' => {
                        i = skip_token(bytes, i);
                        continue;
                    }
                    _ => {
                        // A plain scalar (or alias) starts: a key if `: ` follows.
                        node_column = i as isize;
                        state.plain = true;
                        self.node_start = false;
                        self.after_node = false;
                    }
                }
                i += 1;
                continue;
            }
            if byte == b':' && next_blank {
                // The mapping value indicator: what follows is the value of
                // the key that started at `node_column`.
                state.owner = node_column;
                state.plain = false;
                self.node_start = true;
                self.after_node = false;
            }
            i += 1;
        }
        Ok(LineEnd::Plain)
    }
}

/// `---` or `...` followed by a blank or the end of the line.
fn is_document_marker(bytes: &[u8]) -> bool {
    (bytes.starts_with(b"---") || bytes.starts_with(b"...")) && bytes.get(3).is_none_or(|b| matches!(b, b' ' | b'\t'))
}

/// The index just past the closing quote of a scalar whose content starts at
/// `from`, or `None` when the line ends first.
fn skip_quoted(bytes: &[u8], from: usize, quote: Quote) -> Option<usize> {
    let mut i = from;
    while i < bytes.len() {
        match (quote, bytes[i]) {
            (Quote::Double, b'\\') => i += 2,
            (Quote::Double, b'"') => return Some(i + 1),
            (Quote::Single, b'\'') if bytes.get(i + 1) == Some(&b'\'') => i += 2,
            (Quote::Single, b'\'') => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

/// The index just past a tag, anchor or alias starting at `from`. It ends
/// at a blank or a flow indicator: what follows a flow indicator is
/// counted even where libyaml would read it as part of a tag (safe: the
/// count can only grow).
fn skip_token(bytes: &[u8], from: usize) -> usize {
    let mut i = from;
    while i < bytes.len() && !matches!(bytes[i], b' ' | b'\t' | b',' | b'[' | b']' | b'{' | b'}') {
        i += 1;
    }
    i
}

/// The 1-based character column of byte offset `byte` in `line`.
fn char_column(line: &str, byte: usize) -> usize {
    let prefix = line.as_bytes().get(..byte).unwrap_or(line.as_bytes());
    String::from_utf8_lossy(prefix).chars().count() + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn depth_ok(text: &str, limit: usize) -> bool {
        check(text, limit).is_ok()
    }

    /// The smallest limit `text` passes.
    fn depth(text: &str) -> usize {
        (0..=64).find(|&limit| depth_ok(text, limit)).unwrap_or(usize::MAX)
    }

    #[test]
    fn counts_block_and_flow_nesting() {
        assert_eq!(depth(""), 0);
        assert_eq!(depth("a: 1\nb: 2\n"), 1);
        assert_eq!(depth("a:\n  b:\n    c: 1\nd: 2\n"), 3);
        assert_eq!(depth("a: [1, [2, {b: 3}]]\n"), 4);
        assert_eq!(depth("- - - x\n"), 4, "compact sequences count per level");
        assert_eq!(depth("a:\n- b: 1\n  c: 2\n"), 2, "an indentless sequence counts once");
        assert_eq!(depth("{\"a\": {\"b\": [1, 2]}}"), 4);
        assert_eq!(depth("{\n  \"a\": {\n    \"b\": [\n      1\n    ]\n  }\n}\n"), 4, "JSON lines are flow content");
        assert_eq!(depth("a: &x [1]\nb: !!seq [2]\nc: *x\n"), 2, "anchors and tags before a flow node");
        assert_eq!(depth("a: &x[[[1]]]\nb: !t[[[2]]]\n- &y [[3]]\n"), 4, "a flow indicator ends a tag or anchor");
    }

    #[test]
    fn ignores_brackets_in_text() {
        let text = r#"
a: see [the docs](http://x) and {this}
b: '[[[['
c: "{{{{ \" [[["
d: |
  [[[[[[[[
  {{{{{{{{
e: >-
  [[[[
f: plain [[[ text # comment [[[[
  continued [[[[ {{{{
g: # [[[[
  - x [[[
h: "multi
  line [[[[ "
i: ["[", '{', "\"["]
"#;
        let without_brackets: String = text.chars().filter(|c| !"[]{}".contains(*c)).collect();
        assert_eq!(depth(&without_brackets), 3);
        assert_eq!(depth(text), 3, "brackets inside scalars, comments and block scalars do not nest");
    }

    #[test]
    fn reports_where_the_cap_is_exceeded() {
        assert_eq!(check("a: [[[[1]]]]\n", 3), Err(TooDeep { line: 1, column: 6 }));
        assert_eq!(check("é: [[1]]\n", 2), Err(TooDeep { line: 1, column: 5 }), "columns count characters");
        assert_eq!(check("a: 1\n- - - x\n", 2), Err(TooDeep { line: 2, column: 5 }));
        let deep_block: String = (0..10).map(|level| format!("{}k:\n", " ".repeat(level))).collect();
        assert_eq!(check(&deep_block, 5), Err(TooDeep { line: 6, column: 6 }));
    }
}
