//! The one sanitizer for spec text on its way into generated code.
//!
//! Spec text is untrusted. It reaches generated code in two ways:
//!
//! * **String literals** (`#[serde(rename = "…")]`, header names, server
//!   URLs) are built with `quote!`, whose literals escape every quote,
//!   backslash, control and bidi character — spec text can never end a
//!   literal or change how the source reads.
//! * **Docs** are Markdown that rustdoc renders and, for code blocks, runs
//!   as doctests. Every doc comment is built as a [`Doc`] and rendered here:
//!
//!   1. [`clean`]: line endings become `\n`; other C0 and C1 controls and
//!      the bidi controls (which rustc rejects in comments) become visible
//!      `\u{…}` escapes.
//!   2. The text is parsed with `pulldown-cmark` (the parser rustdoc uses)
//!      and written back with every code block — fenced or indented, at
//!      any depth inside lists and quotes — turned into a fenced `text`
//!      block, raw HTML turned into the Markdown it means (`html.rs`:
//!      paragraphs, code, links, lists; anything else becomes literal
//!      text), and `javascript:`-style link targets dropped.
//!   3. The result is parsed again; if anything could still run or render
//!      as HTML, the whole text is shown as one `text` block instead.
//!
//! Spec values quoted inside the generator's own sentences go through
//! [`code`] (an inline code span) or [`oneline`] (flattened text), which
//! keep them on one line so they cannot start a block of their own.

use proc_macro2::TokenStream;
use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};

mod html;

use html::{HtmlToMarkdown, Place};
use quote::quote;

/// A doc comment being assembled from paragraphs: the spec's Markdown and
/// the generator's own sentences. Rendered once, as a whole, because
/// rustdoc reads all `#[doc]` attributes of an item as one document.
#[derive(Debug, Default, Clone)]
pub struct Doc {
    paragraphs: Vec<String>,
}

impl Doc {
    /// An empty doc.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a paragraph (or several) of spec Markdown; `None` or blank adds
    /// nothing.
    pub fn markdown(mut self, text: Option<&str>) -> Self {
        if let Some(text) = text.map(str::trim).filter(|text| !text.is_empty()) {
            self.paragraphs.push(text.to_owned());
        }
        self
    }

    /// Adds one of the generator's own lines. Spec values inside it must
    /// come through [`code`] or [`oneline`].
    pub fn line(mut self, text: impl Into<String>) -> Self {
        let text = text.into();
        if !text.trim().is_empty() {
            self.paragraphs.push(text);
        }
        self
    }

    /// The sanitized doc lines (each with rustdoc's leading space).
    pub fn lines(&self) -> Vec<String> {
        if self.paragraphs.is_empty() {
            return Vec::new();
        }
        render(&self.paragraphs.join("\n\n"))
    }

    /// `#[doc = "…"]` attributes.
    pub fn outer(&self) -> TokenStream {
        let lines = self.lines();
        quote! { #( #[doc = #lines] )* }
    }

    /// `#![doc = "…"]` attributes (module docs).
    pub fn inner(&self) -> TokenStream {
        let lines = self.lines();
        quote! { #( #![doc = #lines] )* }
    }
}

/// `#[doc]` attributes for one piece of spec Markdown (nothing for `None`).
pub fn doc_attrs(text: Option<&str>) -> TokenStream {
    Doc::new().markdown(text).outer()
}

/// A spec value as an inline code span: one line, controls escaped, and
/// fenced with more backticks than it contains.
pub fn code(value: &str) -> String {
    let value = oneline(value);
    let longest = longest_run(&value, '`');
    let fence = "`".repeat(longest + 1);
    // A span that starts or ends with a backtick needs a space of padding
    // (CommonMark strips one on each side).
    if value.is_empty() {
        "` `".to_owned()
    } else if value.starts_with('`') || value.ends_with('`') {
        format!("{fence} {value} {fence}")
    } else {
        format!("{fence}{value}{fence}")
    }
}

/// Spec text flattened to one line (controls escaped, runs of whitespace
/// and line breaks become one space), for titles and short descriptions
/// inside the generator's own sentences.
pub fn oneline(text: &str) -> String {
    clean(text).split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Line endings → `\n`; every other control character, and the bidi
/// controls, → a visible `\u{…}` escape. Tabs are kept.
pub fn clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    out.push('\n');
                }
            }
            '\n' | '\t' => out.push(c),
            c if is_unsafe_char(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// Controls (C0, DEL, C1), bidi controls, and the Unicode line and
/// paragraph separators.
fn is_unsafe_char(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
        || matches!(c, '\u{2028}' | '\u{2029}')
}

fn longest_run(text: &str, wanted: char) -> usize {
    let mut longest = 0;
    let mut current = 0;
    for c in text.chars() {
        if c == wanted {
            current += 1;
            longest = longest.max(current);
        } else {
            current = 0;
        }
    }
    longest
}

/// The Markdown extensions rustdoc turns on.
fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
}

/// True when `text` can only be plain paragraphs: no line is indented or
/// opens a quote, and nothing could start code, HTML or a link. Such text
/// needs no parsing (most descriptions are like that).
fn is_plain(text: &str) -> bool {
    !text.contains(['`', '~', '<', '[', '\t', '&'])
        && text.lines().all(|line| !line.starts_with([' ', '>']) && !line.trim_start().starts_with(['-', '*', '+']))
}

/// Markdown → safe doc lines.
fn render(text: &str) -> Vec<String> {
    let cleaned = clean(text);
    if is_plain(&cleaned) {
        return finish(&cleaned);
    }
    // An edit can expose a new block (escaped HTML that held an indented
    // line), so rewrite until nothing is left to change.
    let mut markdown = cleaned.clone();
    for _ in 0..3 {
        if is_inert_as_doc(&markdown) {
            break;
        }
        markdown = rewrite(&markdown);
    }
    if !is_inert_as_doc(&markdown) {
        markdown = as_text_block(&cleaned);
    }
    finish(&markdown)
}

/// [`is_inert`] both as written and as rustdoc sees it once the shared
/// indentation is removed (parsed once when there is none to remove).
fn is_inert_as_doc(markdown: &str) -> bool {
    if !is_inert(markdown) {
        return false;
    }
    let unindented = unindent(markdown);
    unindented == markdown || is_inert(&unindented)
}

/// Doc lines of sanitized Markdown: trailing spaces and blank edges
/// trimmed, each line with rustdoc's leading space.
fn finish(markdown: &str) -> Vec<String> {
    let mut lines: Vec<String> = markdown.lines().map(str::trim_end).map(str::to_owned).collect();
    while lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    while lines.first().is_some_and(String::is_empty) {
        lines.remove(0);
    }
    lines.into_iter().map(|line| if line.is_empty() { line } else { format!(" {line}") }).collect()
}

/// One replacement of `text[range]`.
struct Edit {
    range: std::ops::Range<usize>,
    with: String,
}

/// Rewrites the source text in place, so everything else keeps the shape
/// its author gave it: fenced code blocks get the info string `text`,
/// indented ones are fenced as `text`, raw HTML becomes Markdown
/// ([`html`]) and script-like link targets are removed.
fn rewrite(text: &str) -> String {
    let mut edits = Vec::new();
    let mut bad_urls = Vec::new();
    let mut html = HtmlToMarkdown::default();
    let mut in_table_cell = false;
    for (event, range) in Parser::new_ext(text, options()).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(_))) => edits.extend(fenced_edits(text, range)),
            Event::Start(Tag::CodeBlock(CodeBlockKind::Indented)) => edits.extend(indented_edits(text, range)),
            // A whole HTML block at once (its lines, the `Html` events
            // inside, are within the range and left alone).
            Event::Start(Tag::HtmlBlock) => {
                let block = text.get(range.clone()).unwrap_or_default();
                let mut markdown = html.convert(block, Place::Block).trim().to_owned();
                // The block ended at a blank line or at the end of the
                // text; whatever follows starts a block of its own.
                markdown.push_str(if text.get(range.end..).is_none_or(|rest| rest.is_empty() || rest.starts_with('\n')) {
                    "\n"
                } else {
                    "\n\n"
                });
                edits.push(Edit { range, with: markdown });
            }
            Event::Start(Tag::TableCell) => in_table_cell = true,
            Event::End(TagEnd::TableCell) => in_table_cell = false,
            Event::InlineHtml(_) => {
                let tag = text.get(range.clone()).unwrap_or_default();
                let place = if in_table_cell { Place::TableCell } else { Place::Inline };
                edits.push(Edit { range, with: html.convert(tag, place) });
            }
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) if !is_safe_url(&dest_url) => {
                bad_urls.push(dest_url.to_string());
            }
            _ => {}
        }
    }
    edits.sort_by_key(|edit| (edit.range.start, edit.range.end));
    let mut out = String::with_capacity(text.len() + 32);
    let mut at = 0;
    for edit in edits {
        if edit.range.start < at || edit.range.end > text.len() {
            continue; // overlapping edits cannot happen; the final check would catch them
        }
        out.push_str(text.get(at..edit.range.start).unwrap_or_default());
        out.push_str(&edit.with);
        at = edit.range.end;
    }
    out.push_str(text.get(at..).unwrap_or_default());
    for url in bad_urls.iter().filter(|url| !url.is_empty()) {
        out = out.replace(url.as_str(), "");
    }
    out
}

/// Start of the line holding byte `at`.
fn line_start(text: &str, at: usize) -> usize {
    text.get(..at).and_then(|before| before.rfind('\n')).map_or(0, |newline| newline + 1)
}

/// End of the line holding byte `at` (before its newline).
fn line_end(text: &str, at: usize) -> usize {
    text.get(at..).and_then(|after| after.find('\n')).map_or(text.len(), |newline| at + newline)
}

/// A fenced block: its info string becomes `text`; a block the text never
/// closes is closed.
fn fenced_edits(text: &str, range: std::ops::Range<usize>) -> Vec<Edit> {
    let Some(opening) = text.get(range.start..) else { return Vec::new() };
    let Some(fence_char) = opening.chars().next().filter(|c| *c == '`' || *c == '~') else { return Vec::new() };
    let run = opening.chars().take_while(|c| *c == fence_char).count();
    let info_start = range.start + run;
    let mut edits = vec![Edit { range: info_start..line_end(text, info_start), with: "text".to_owned() }];
    let block = text.get(range.clone()).unwrap_or_default();
    let last_line = block.trim_end_matches('\n').rsplit('\n').next().unwrap_or_default();
    let closing = last_line.trim_start_matches(|c: char| c == '>' || c.is_whitespace());
    let closed = block.contains('\n')
        && closing.chars().take_while(|c| *c == fence_char).count() >= run
        && closing.trim_start_matches(fence_char).trim().is_empty();
    if !closed {
        let prefix = text.get(line_start(text, range.start)..range.start).unwrap_or_default();
        let newline = if block.ends_with('\n') { "" } else { "\n" };
        let fence: String = std::iter::repeat_n(fence_char, run).collect();
        edits.push(Edit { range: range.end..range.end, with: format!("{newline}{prefix}{fence}") });
    }
    edits
}

/// An indented block: fenced as `text` at the indentation of its
/// container (the code keeps its own indentation inside the fence).
fn indented_edits(text: &str, range: std::ops::Range<usize>) -> Vec<Edit> {
    let prefix = text.get(line_start(text, range.start)..range.start).unwrap_or_default();
    let container = without_code_indent(prefix);
    let block = text.get(range.clone()).unwrap_or_default();
    let newline = if block.ends_with('\n') { "" } else { "\n" };
    let first_line = line_start(text, range.start)..range.start;
    let mut edits = vec![Edit { range: first_line, with: format!("{container}```text\n{container}") }];
    // Later lines lose the same four columns, so the code reads as written.
    let mut at = range.start;
    while let Some(newline) = block_newline(text, at, range.end) {
        let line = newline + 1;
        at = line;
        let Some(rest) = text.get(line..range.end).and_then(|rest| rest.strip_prefix(container)) else { continue };
        let indent = code_indent_len(rest);
        if indent > 0 {
            let start = line + container.len();
            edits.push(Edit { range: start..start + indent, with: String::new() });
        }
    }
    edits.push(Edit { range: range.end..range.end, with: format!("{newline}{container}```\n") });
    edits
}

/// The next newline in `text[at..end]` that is followed by more of the block.
fn block_newline(text: &str, at: usize, end: usize) -> Option<usize> {
    let newline = at + text.get(at..end)?.find('\n')?;
    (newline + 1 < end).then_some(newline)
}

/// Bytes of up to four columns of leading indentation.
fn code_indent_len(line: &str) -> usize {
    let mut columns = 0;
    let mut bytes = 0;
    for c in line.chars() {
        match c {
            ' ' if columns < 4 => columns += 1,
            '\t' if columns < 4 => columns = 4,
            _ => break,
        }
        bytes += 1;
    }
    bytes
}

/// A code line's prefix without the four columns of indentation that made
/// it code (a tab counts as four).
fn without_code_indent(prefix: &str) -> &str {
    let mut columns = 0;
    let mut cut = prefix.len();
    for (index, c) in prefix.char_indices().rev() {
        if columns >= 4 {
            break;
        }
        match c {
            ' ' => columns += 1,
            '\t' => columns += 4,
            _ => break,
        }
        cut = index;
    }
    &prefix[..cut]
}

/// Link targets that would run script when clicked are not safe.
fn is_safe_url(url: &str) -> bool {
    let lowered: String = url.chars().filter(|c| !c.is_whitespace() && !c.is_control()).collect::<String>().to_ascii_lowercase();
    !["javascript:", "vbscript:", "data:", "file:"].iter().any(|scheme| lowered.starts_with(scheme))
}
/// True when rustdoc would find no doctest and no raw HTML in `markdown`:
/// every code block is a fenced `text` block.
fn is_inert(markdown: &str) -> bool {
    Parser::new_ext(markdown, options()).all(|event| match event {
        Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => info.as_ref() == "text",
        Event::Start(Tag::CodeBlock(CodeBlockKind::Indented)) => false,
        Event::Html(_) | Event::InlineHtml(_) => false,
        Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => is_safe_url(&dest_url),
        _ => true,
    })
}

/// Removes the indentation all non-blank lines share (what rustdoc does to
/// doc comments before parsing them).
fn unindent(text: &str) -> String {
    let indent = text.lines().filter(|line| !line.trim().is_empty()).map(|line| line.len() - line.trim_start().len()).min().unwrap_or(0);
    text.lines().map(|line| line.get(indent..).unwrap_or("").trim_end()).collect::<Vec<_>>().join("\n")
}

/// The last resort: the whole text, verbatim, as one `text` block whose
/// fence is longer than any backtick run inside.
fn as_text_block(text: &str) -> String {
    let fence = "`".repeat(longest_run(text, '`').max(2) + 1);
    format!("{fence}text\n{text}\n{fence}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<String> {
        Doc::new().markdown(Some(text)).lines()
    }

    #[test]
    fn code_blocks_become_text_blocks() {
        let cases: &[(&str, &[&str])] = &[
            ("plain", &[" plain"]),
            ("```\nlet x = 1;\n```", &[" ```text", " let x = 1;", " ```"]),
            ("```rust\nfn x() {}\n```", &[" ```text", " fn x() {}", " ```"]),
            ("~~~\nfn x() {}\n~~~", &[" ~~~text", " fn x() {}", " ~~~"]),
            ("Example:\n\n    curl -X GET /x\n\nDone", &[" Example:", "", " ```text", " curl -X GET /x", " ```", "", " Done"]),
            ("```\nunclosed", &[" ```text", " unclosed", " ```"]),
        ];
        for (input, expected) in cases {
            assert_eq!(lines(input), *expected, "input {input:?}");
        }
    }

    /// Every way spec Markdown can hold a code block: none survives as
    /// anything but a `text` block, whatever rustdoc's unindenting does.
    #[test]
    fn no_doctest_survives() {
        let payload = "std::fs::write(\"/tmp/pwned\", \"x\").unwrap();";
        let cases = [
            format!("```\n{payload}\n```"),
            format!("```rust,no_run\n{payload}\n```"),
            format!("    {payload}"),
            format!("intro\n\n    {payload}"),
            format!("- item\n\n      {payload}"),
            format!("- item\n\n  ```\n  {payload}\n  ```"),
            format!("1. ```\n   {payload}\n   ```"),
            format!("1. item\n\n       {payload}"),
            format!("> quote\n>\n>     {payload}"),
            format!("> ```\n> {payload}\n> ```"),
            format!("* > - ```rust\n*   {payload}"),
            format!("````\n```\n{payload}\n```\n````"),
            format!("\t{payload}"),
            format!("text\r\n\r\n    {payload}"),
            format!("text\r\r    {payload}"),
            format!("| a |\n|---|\n| `x` |\n\n    {payload}"),
            format!("<pre>\n{payload}\n</pre>\n\n    {payload}"),
        ];
        for case in &cases {
            let rendered = lines(case).iter().map(|line| line.strip_prefix(' ').unwrap_or(line)).collect::<Vec<_>>().join("\n");
            assert!(is_inert(&rendered), "{case:?} rendered as\n{rendered}");
            assert!(is_inert(&unindent(&rendered)), "{case:?} rendered as\n{rendered}");
            assert!(rendered.contains("write"), "the text is kept: {rendered}");
        }
    }

    #[test]
    fn controls_and_bidi_become_escapes() {
        let cases = [
            ("a\u{202E}b", "a\\u{202e}b"),
            ("a\u{2066}b\u{2069}", "a\\u{2066}b\\u{2069}"),
            ("a\u{200F}b", "a\\u{200f}b"),
            ("bell\u{7}", "bell\\u{7}"),
            ("nul\0", "nul\\u{0}"),
            ("c1\u{85}", "c1\\u{85}"),
            ("crlf\r\nnext", "crlf\nnext"),
            ("cr\rnext", "cr\nnext"),
            ("tab\tkept", "tab\tkept"),
        ];
        for (input, expected) in cases {
            assert_eq!(clean(input), expected, "{input:?}");
        }
        let rendered = lines("x\u{202E}y\rz");
        assert!(rendered.iter().all(|line| !line.contains('\r') && !line.contains('\u{202E}')), "{rendered:?}");
    }

    #[test]
    fn inline_values_stay_on_one_line() {
        let cases = [
            ("plain", "`plain`"),
            ("has ` tick", "``has ` tick``"),
            ("`edge", "`` `edge ``"),
            ("two\nlines\r\n    indented", "`two lines indented`"),
            ("", "` `"),
            ("```", "```` ``` ````"),
        ];
        for (input, expected) in cases {
            assert_eq!(code(input), expected, "{input:?}");
        }
        let rendered = Doc::new().line(format!("Value {}", code("x\n\n    std::process::exit(1)"))).lines();
        assert_eq!(rendered, [" Value `x std::process::exit(1)`"]);
    }

    #[test]
    fn plain_text_skips_the_parser_only_when_it_is_plain() {
        assert!(is_plain("One line.\nAnother, with 1. numbers and # hashes."));
        for text in ["`code`", "a\n    indented", "> quote", "- item", "1. ```", "<b>", "[x](y)", "tab\there", "&lt;"] {
            assert!(!is_plain(text), "{text:?}");
        }
    }

    #[test]
    fn html_and_script_links_are_inert() {
        let rendered = lines("[x](javascript:alert(1)) and [ok](https://example.com) <script>alert(1)</script>").join("\n");
        assert!(!rendered.contains("<script>") && !rendered.contains("javascript:"), "{rendered}");
        assert!(rendered.contains("[ok](https://example.com)"), "{rendered}");
        assert!(is_inert(&rendered));
        // A line that starts with `<script>` is an HTML block to its end:
        // the rest of the line is HTML text, shown as text (no link).
        let rendered = lines("<script>alert(1)</script> and [x](javascript:alert(1))").join("\n");
        assert!(!rendered.contains("<script>"), "{rendered}");
        let links = Parser::new_ext(&rendered, options()).filter(|event| matches!(event, Event::Start(Tag::Link { .. }))).count();
        assert_eq!(links, 0, "{rendered}");
        assert!(is_inert(&rendered));
    }

    #[test]
    fn ordinary_markdown_keeps_its_shape() {
        let text = "# Title\n\nSome *emphasis* and `code`.\n\n- one\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |";
        let rendered = lines(text).join("\n");
        for part in ["# Title", "*emphasis*", "`code`", "one", "two", "| a | b |"] {
            assert!(rendered.contains(part), "{part} in {rendered}");
        }
    }
}
