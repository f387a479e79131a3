//! Raw HTML in spec text → the Markdown it means.
//!
//! Some vendors write every description as HTML (`<p>…</p>` with `<code>`,
//! `<a href>`, lists); others put a `<br>` or a `<code>` into Markdown. The
//! sanitizer ([`super::rewrite`]) hands each piece of raw HTML that
//! pulldown-cmark finds — a whole HTML block, or one inline tag — to an
//! [`HtmlToMarkdown`] (one per rewrite, so a link opened by one inline tag
//! is closed by a later one). html5gum tokenizes it; the tags of prose
//! (paragraphs, line breaks, emphasis, code, links, lists, headings,
//! preformatted text, tables) become Markdown, wrappers without meaning
//! (`<span>`, `<small>`, …) disappear, the content of `<script>`,
//! `<style>` and their kind is dropped, and any other tag is shown as the
//! literal text it was (`&lt;T>`), as all raw HTML was before. Nothing here
//! is trusted: the Markdown produced goes through the same checks as the
//! spec's own (script-like link targets are dropped; the result is parsed
//! again and must hold no code and no HTML).

use html5gum::{DefaultEmitter, Token, Tokenizer};

/// Converts the raw HTML of one description, piece by piece, in order.
#[derive(Debug, Default)]
pub(super) struct HtmlToMarkdown {
    /// Open `<ul>` (`None`) and `<ol>` (the next item number) lists.
    lists: Vec<Option<u32>>,
    /// Open `<a>` tags: the target of those that became a link.
    links: Vec<Option<String>>,
    /// Open elements whose content is dropped (`<script>`, …).
    dropping: usize,
    /// The text of an open `<pre>` or (in a block) `<code>`, decoded.
    capture: Option<Capture>,
    /// The next table cell is the first of its row.
    first_cell: bool,
}

/// Text kept aside until its element closes, to be fenced as a whole.
#[derive(Debug)]
enum Capture {
    /// `<pre>`: a fenced `text` block.
    Pre(String),
    /// `<code>` inside an HTML block: an inline code span.
    Code(String),
}

/// Where a piece of HTML stands, which decides how text and breaks read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Place {
    /// A whole HTML block: its text is HTML text (whitespace collapses),
    /// and breaks may start new Markdown blocks.
    Block,
    /// One inline tag inside a Markdown paragraph.
    Inline,
    /// One inline tag inside a Markdown table cell, where a line break
    /// would end the table.
    TableCell,
}

/// Elements whose content is not prose: dropped with it.
const DROPPED: &[&str] = &[
    "script", "style", "iframe", "object", "template", "noscript", "svg", "math", "textarea", "select", "title", "head", "canvas", "audio",
    "video",
];

/// Elements that only style or group their content: the tags disappear.
const TRANSPARENT: &[&str] = &[
    "span",
    "small",
    "big",
    "sup",
    "sub",
    "u",
    "font",
    "abbr",
    "mark",
    "del",
    "s",
    "ins",
    "label",
    "thead",
    "tbody",
    "tfoot",
    "caption",
    "html",
    "body",
    "center",
    "details",
    "summary",
    "nav",
    "main",
    "aside",
    "wbr",
    "q",
    "dfn",
    "colgroup",
    "col",
    "time",
    "data",
    "figcaption",
    "picture",
    "source",
];

/// Elements that stand as paragraphs of their own.
const PARAGRAPHS: &[&str] =
    &["p", "div", "section", "article", "header", "footer", "blockquote", "table", "figure", "dl", "address", "hr", "form", "fieldset"];

impl HtmlToMarkdown {
    /// The Markdown for `html`, a piece of raw HTML found at `place`.
    pub(super) fn convert(&mut self, html: &str, place: Place) -> String {
        let mut out = String::new();
        let emitter = DefaultEmitter::<usize>::new_with_span();
        for token in Tokenizer::new_with_emitter(html, emitter).flatten() {
            match token {
                Token::String(text) => {
                    let decoded = String::from_utf8_lossy(&text.value);
                    let original = html.get(text.span.start..text.span.end).unwrap_or_default();
                    self.text(&mut out, &decoded, original, place);
                }
                Token::StartTag(tag) => {
                    let name = String::from_utf8_lossy(&tag.name).to_ascii_lowercase();
                    let original = html.get(tag.span.start..tag.span.end).unwrap_or_default();
                    let href = tag.attributes.get(b"href".as_slice()).map(|href| String::from_utf8_lossy(&href.value).into_owned());
                    let alt = tag.attributes.get(b"alt".as_slice()).map(|alt| String::from_utf8_lossy(&alt.value).into_owned());
                    self.start(&mut out, &name, Attributes { href, alt, self_closing: tag.self_closing }, original, place);
                }
                Token::EndTag(tag) => {
                    let name = String::from_utf8_lossy(&tag.name).to_ascii_lowercase();
                    let original = html.get(tag.span.start..tag.span.end).unwrap_or_default();
                    self.end(&mut out, &name, original, place);
                }
                // Comments and doctypes say nothing to a reader; the
                // tokenizer recovers from its errors by itself.
                Token::Comment(_) | Token::Doctype(_) | Token::Error(_) => {}
            }
        }
        if place == Place::Block {
            // A block ends what it opened: nothing outside it can close it.
            self.close_capture(&mut out);
            self.dropping = 0;
            self.lists.clear();
            self.links.clear();
        }
        out
    }

    fn text(&mut self, out: &mut String, decoded: &str, original: &str, place: Place) {
        if self.dropping > 0 {
            return;
        }
        match &mut self.capture {
            Some(Capture::Pre(buffer) | Capture::Code(buffer)) => buffer.push_str(decoded),
            None if place == Place::Block => {
                // HTML text: whitespace collapses, and a line never starts
                // with what Markdown would read as structure.
                let words = original.split_whitespace().collect::<Vec<_>>().join(" ");
                let at_line_start = out.is_empty() || out.ends_with('\n');
                if original.starts_with(char::is_whitespace) && !at_line_start && !out.ends_with(' ') {
                    out.push(' ');
                }
                if words.is_empty() {
                    return;
                }
                // HTML text is literal: Markdown's punctuation is escaped.
                let mut escaped = String::with_capacity(words.len());
                for c in words.chars() {
                    if matches!(c, '\\' | '`' | '*' | '[' | ']') {
                        escaped.push('\\');
                    }
                    escaped.push(c);
                }
                if at_line_start && escaped.starts_with(['#', '>', '-', '+', '=', '|', '~']) {
                    out.push('\\');
                }
                out.push_str(&escaped);
                if original.ends_with(char::is_whitespace) {
                    out.push(' ');
                }
            }
            // Inline, the text between tags is Markdown the parser has
            // already read; only a tag's own text comes here.
            None => out.push_str(original),
        }
    }

    fn start(&mut self, out: &mut String, name: &str, attributes: Attributes, original: &str, place: Place) {
        if DROPPED.contains(&name) {
            // Inline, the content is Markdown text between tags (shown as
            // text); only a block's own content is dropped.
            if !attributes.self_closing && place == Place::Block {
                self.dropping += 1;
            }
            return;
        }
        // (`<embed>`, `<img>` and the like never close.)
        if name == "embed" {
            return;
        }
        if self.dropping > 0 {
            return;
        }
        if let Some(capture) = &mut self.capture {
            // Inside `<pre>` or `<code>` only text and line breaks count.
            if name == "br" {
                let (Capture::Pre(buffer) | Capture::Code(buffer)) = capture;
                buffer.push('\n');
            }
            return;
        }
        match name {
            "br" => line_break(out, place),
            _ if PARAGRAPHS.contains(&name) => paragraph_break(out, place),
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                paragraph_break(out, place);
                out.push_str("**");
            }
            "strong" | "b" => out.push_str("**"),
            "em" | "i" | "cite" | "var" => out.push('*'),
            "code" | "tt" | "kbd" | "samp" if place == Place::Block => self.capture = Some(Capture::Code(String::new())),
            "code" | "tt" | "kbd" | "samp" => out.push('`'),
            "pre" if place == Place::Block => {
                paragraph_break(out, place);
                self.capture = Some(Capture::Pre(String::new()));
            }
            "a" => {
                let target = attributes.href.map(|href| link_target(&href)).filter(|href| !href.is_empty() && super::is_safe_url(href));
                if target.is_some() {
                    out.push('[');
                }
                self.links.push(target);
            }
            "ul" | "ol" => {
                if place != Place::Block {
                    line_break(out, place);
                }
                self.lists.push((name == "ol").then_some(1));
            }
            "li" => {
                new_line(out, place);
                let indent: usize = self.lists.iter().rev().skip(1).map(|list| if list.is_some() { 3 } else { 2 }).sum();
                out.push_str(&" ".repeat(indent));
                match self.lists.last_mut() {
                    Some(Some(number)) => {
                        out.push_str(&format!("{number}. "));
                        *number += 1;
                    }
                    _ => out.push_str("- "),
                }
            }
            "dt" | "dd" => new_line(out, place),
            "tr" => {
                new_line(out, place);
                self.first_cell = true;
            }
            "td" | "th" => {
                if !self.first_cell {
                    out.push_str(" | ");
                }
                self.first_cell = false;
            }
            "img" => {
                if let Some(alt) = attributes.alt.filter(|alt| !alt.trim().is_empty()) {
                    out.push_str(&super::oneline(&alt).replace('<', "&lt;"));
                }
            }
            _ if TRANSPARENT.contains(&name) => {}
            _ => out.push_str(&literal(original)),
        }
    }

    fn end(&mut self, out: &mut String, name: &str, original: &str, place: Place) {
        if DROPPED.contains(&name) {
            self.dropping = self.dropping.saturating_sub(1);
            return;
        }
        if self.dropping > 0 {
            return;
        }
        match (&self.capture, name) {
            (Some(Capture::Pre(_)), "pre") | (Some(Capture::Code(_)), "code" | "tt" | "kbd" | "samp") => {
                self.close_capture(out);
                if name == "pre" {
                    paragraph_break(out, place);
                }
                return;
            }
            (Some(_), _) => return,
            (None, _) => {}
        }
        match name {
            "br" => line_break(out, place),
            _ if PARAGRAPHS.contains(&name) => paragraph_break(out, place),
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                out.push_str("**");
                paragraph_break(out, place);
            }
            "strong" | "b" => out.push_str("**"),
            "em" | "i" | "cite" | "var" => out.push('*'),
            "code" | "tt" | "kbd" | "samp" => out.push('`'),
            "a" => {
                if let Some(Some(target)) = self.links.pop() {
                    out.push_str(&format!("]({target})"));
                }
            }
            "ul" | "ol" => {
                self.lists.pop();
                if self.lists.is_empty() {
                    paragraph_break(out, place);
                }
            }
            "li" | "dt" | "dd" | "tr" | "td" | "th" | "img" => {}
            _ if TRANSPARENT.contains(&name) => {}
            _ => out.push_str(&literal(original)),
        }
    }

    /// Writes out what an open `<pre>` or `<code>` holds.
    fn close_capture(&mut self, out: &mut String) {
        match self.capture.take() {
            Some(Capture::Pre(text)) => {
                let text = text.trim_matches('\n');
                let fence = "`".repeat(super::longest_run(text, '`').max(2) + 1);
                start_line(out);
                out.push_str(&format!("{fence}text\n{text}\n{fence}\n"));
            }
            Some(Capture::Code(text)) => out.push_str(&super::code(&text)),
            None => {}
        }
    }
}

/// The attributes a conversion reads.
struct Attributes {
    href: Option<String>,
    alt: Option<String>,
    self_closing: bool,
}

/// A tag shown as the text it was.
fn literal(original: &str) -> String {
    super::oneline(original).replace('<', "&lt;")
}

/// A link target as a Markdown destination: one line, and the characters
/// that would end it (spaces, parentheses, angle brackets) percent-encoded.
fn link_target(href: &str) -> String {
    let mut out = String::with_capacity(href.len());
    for c in href.trim().chars() {
        match c {
            ' ' => out.push_str("%20"),
            // Markdown decodes entities and escapes in a destination.
            '&' => out.push_str("&amp;"),
            '\\' => out.push_str("%5C"),
            '(' => out.push_str("%28"),
            ')' => out.push_str("%29"),
            '<' => out.push_str("%3C"),
            '>' => out.push_str("%3E"),
            c if c.is_whitespace() || c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// `<br>`: a new line, except in a table cell, where it would end the table.
fn line_break(out: &mut String, place: Place) {
    match place {
        Place::TableCell => out.push(' '),
        Place::Inline => out.push('\n'),
        Place::Block => start_line(out),
    }
}

/// `<p>` and its kind: a blank line (a space in a table cell).
fn paragraph_break(out: &mut String, place: Place) {
    match place {
        Place::TableCell => out.push(' '),
        Place::Inline => out.push_str("\n\n"),
        Place::Block => {
            trim_spaces(out);
            if !out.is_empty() && !out.ends_with("\n\n") {
                out.push_str(if out.ends_with('\n') { "\n" } else { "\n\n" });
            }
        }
    }
}

/// A list item or row starts: a new line (a space in a table cell). In a
/// block, `out` is the whole conversion; inline, only this tag's.
fn new_line(out: &mut String, place: Place) {
    match place {
        Place::Block => start_line(out),
        Place::Inline => out.push('\n'),
        Place::TableCell => out.push(' '),
    }
}

/// Drops the spaces `out` ends with (a break makes them trailing).
fn trim_spaces(out: &mut String) {
    let kept = out.trim_end_matches(' ').len();
    out.truncate(kept);
}

/// Makes `out` end at the start of a line.
fn start_line(out: &mut String) {
    trim_spaces(out);
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Doc, is_inert};

    fn rendered(text: &str) -> String {
        Doc::new().markdown(Some(text)).lines().iter().map(|line| line.strip_prefix(' ').unwrap_or(line)).collect::<Vec<_>>().join("\n")
    }

    #[test]
    fn html_reads_as_the_markdown_it_means() {
        let cases = [
            // A description written as HTML, as a large payments API does.
            (
                r#"<p>Returns a list of your <code>customers</code>. See <a href="https://example.com/docs?a=1&amp;b=2">the docs</a>.</p>"#,
                "Returns a list of your `customers`. See [the docs](https://example.com/docs?a=1&amp;b=2).",
            ),
            ("<p>One.</p><p>Two,\n   on two lines.</p>", "One.\n\nTwo, on two lines."),
            ("<p>One.</p>\n\n<p>Two.</p>", "One.\n\nTwo."),
            ("<ul><li>a</li><li>b <strong>bold</strong> <em>it</em></li></ul>", "- a\n- b **bold** *it*"),
            ("<ol>\n<li>x</li>\n<li>y<ul><li>z</li></ul></li>\n</ol>", "1. x\n2. y\n   - z"),
            ("<h2>Title</h2><p>x</p>", "**Title**\n\nx"),
            ("<p>- not a list, # not a heading</p>", "\\- not a list, # not a heading"),
            ("<p>```rust<br>fn x() {}<br>```</p>", "\\`\\`\\`rust\nfn x() {}\n\\`\\`\\`"),
            ("<p>a *b* [c] `d` \\e</p>", "a \\*b\\* \\[c\\] \\`d\\` \\\\e"),
            ("Items: <ul><li>a</li><li>b</li></ul>", "Items:\n\n- a\n- b"),
            // Preformatted text is a text block; its entities are decoded.
            ("<pre><code>let x = a &lt; b;\nok()</code></pre>", "```text\nlet x = a < b;\nok()\n```"),
            ("<p>Use <code>a &lt; `b`</code>.</p>", "Use `` a < `b` ``."),
            // Inline HTML inside Markdown.
            ("Use <code>x</code> here.<br>Next *line*.", "Use `x` here.\nNext *line*."),
            ("See <a href=\"https://example.com\">this</a> <b>now</b>.", "See [this](https://example.com) **now**."),
            ("| a | b |\n|---|---|\n| 1<br>2 | 3 |", "| a | b |\n|---|---|\n| 1 2 | 3 |"),
            // What is not prose is dropped, or shown as it was written.
            ("<p>Bad <a href=\"javascript:alert(1)\">link</a>, <script>alert(1)</script>gone<style>p{}</style>.</p>", "Bad link, gone."),
            ("Returns <T> values of Vec<String>.", "Returns &lt;T> values of Vec&lt;String>."),
            ("<p>A list&lt;String&gt; of <Foo bar=\"1\"></p>", "A list&lt;String&gt; of &lt;Foo bar=\"1\">"),
            ("<div><span>wrapped</span> <small>text</small><!-- a comment --></div>", "wrapped text"),
            ("<p>Spaced <a href=\"https://example.com/a b(c)\">link</a></p>", "Spaced [link](https://example.com/a%20b%28c%29)"),
        ];
        for (html, markdown) in cases {
            let out = rendered(html);
            assert_eq!(out, markdown, "{html:?}");
            assert!(is_inert(&out), "{html:?} → {out:?}");
        }
    }

    #[test]
    fn what_a_block_leaves_open_ends_with_it() {
        // An `<embed>` never closes, nor does this `<svg>`: the next
        // paragraph and the generator's own line are still there.
        let doc = Doc::new().markdown(Some("<p>a <embed src=x> b <svg>c</p>\n\nNext paragraph.")).line("Generator line.");
        let out = doc.lines().join("\n");
        assert!(out.contains("a b") && out.contains("Next paragraph.") && out.contains("Generator line."), "{out}");
    }

    #[test]
    fn unclosed_and_stray_tags_stay_inert() {
        for html in [
            "<p>open <code>never closed",
            "<pre>open",
            "</a></li></ul>close only",
            "<a href=\"https://x\">open link",
            "<ul><li>a",
            "<p><a href=\"&amp;#106;avascript:alert(1)\">x</a></p>",
        ] {
            let out = rendered(html);
            assert!(is_inert(&out), "{html:?} → {out:?}");
            assert!(!out.contains('<'), "{html:?} → {out:?}");
        }
    }
}
