//! Spec descriptions → `#[doc]` attributes. Descriptions are Markdown
//! written for humans, not for rustdoc: code blocks would become doctests,
//! so every code block is marked `text`. Text goes through string literals,
//! so no description can break the generated code.

use proc_macro2::TokenStream;
use quote::quote;

/// `#[doc = "…"]` attributes for `text` (nothing for `None` or blank).
pub fn doc_attrs(text: Option<&str>) -> TokenStream {
    let Some(text) = text.map(str::trim).filter(|text| !text.is_empty()) else { return TokenStream::new() };
    let lines = sanitize(text);
    quote! { #( #[doc = #lines] )* }
}

/// Joins optional paragraphs into one doc text.
pub fn paragraphs<'a>(parts: impl IntoIterator<Item = Option<&'a str>>) -> Option<String> {
    let parts: Vec<&str> =
        parts.into_iter().flatten().map(str::trim).filter(|part| !part.is_empty()).collect();
    if parts.is_empty() { None } else { Some(parts.join("\n\n")) }
}

/// Lines, each with a leading space (rustdoc style), with fenced code
/// blocks re-tagged as `text` and indented code blocks fenced as `text`.
fn sanitize(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut in_fence = false;
    let mut in_indented = false;
    let mut previous_blank = true;
    let mut in_list = false;
    for raw in text.replace("\r\n", "\n").replace('\r', "\n").lines() {
        let line = raw.trim_end();
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            if in_indented {
                out.push("```".to_owned());
                in_indented = false;
            }
            let fence = &trimmed[..3];
            out.push(if in_fence { fence.to_owned() } else { format!("{fence}text") });
            in_fence = !in_fence;
            previous_blank = false;
            continue;
        }
        if in_fence {
            out.push(line.to_owned());
            continue;
        }
        let indented = line.starts_with("    ") || line.starts_with('\t');
        if !indented && !trimmed.is_empty() {
            in_list = is_list_item(trimmed);
        }
        if indented && previous_blank && !in_indented && !in_list && !trimmed.is_empty() {
            out.push("```text".to_owned());
            in_indented = true;
        } else if in_indented && !indented && !trimmed.is_empty() {
            close_block(&mut out);
            in_indented = false;
        }
        out.push(if in_indented { line.trim_start().to_owned() } else { line.to_owned() });
        previous_blank = trimmed.is_empty();
    }
    if in_fence {
        out.push("```".to_owned());
    }
    if in_indented {
        close_block(&mut out);
    }
    while out.last().is_some_and(|line| line.is_empty()) {
        out.pop();
    }
    out.into_iter().map(|line| if line.is_empty() { line } else { format!(" {line}") }).collect()
}

/// Closes a code block before any blank lines that ended it.
fn close_block(out: &mut Vec<String>) {
    let mut blanks = 0;
    while out.last().is_some_and(String::is_empty) {
        out.pop();
        blanks += 1;
    }
    out.push("```".to_owned());
    out.extend(std::iter::repeat_n(String::new(), blanks));
}

fn is_list_item(line: &str) -> bool {
    line.starts_with("- ") || line.starts_with("* ") || line.starts_with("+ ")
        || line.split_once(". ").is_some_and(|(number, _)| !number.is_empty() && number.chars().all(|c| c.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_blocks_never_become_doctests() {
        let cases: &[(&str, &[&str])] = &[
            ("plain", &[" plain"]),
            ("```\nlet x = 1;\n```", &[" ```text", " let x = 1;", " ```"]),
            ("```rust\nfn x() {}\n```", &[" ```text", " fn x() {}", " ```"]),
            ("Example:\n\n    curl -X GET /x\n\nDone", &[" Example:", "", " ```text", " curl -X GET /x", " ```", "", " Done"]),
            ("```\nunclosed", &[" ```text", " unclosed", " ```"]),
            ("quote \" and \\ and */", &[" quote \" and \\ and */"]),
            ("- item\n\n    continued item", &[" - item", "", "     continued item"]),
        ];
        for (input, expected) in cases {
            assert_eq!(sanitize(input), *expected, "input {input:?}");
        }
    }
}
