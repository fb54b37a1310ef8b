//! Turns spec prose into rustdoc that renders as written and never warns.
//!
//! Spec docs come from Tencent's pages: they hold HTML fragments, brackets, bare URLs and indented
//! lines. Unescaped, rustdoc would read `[x]` as a link, `<li>` as an unclosed tag, an indented
//! line as a Rust code block (compiled as a doctest) and warn on bare URLs.

use proc_macro2::TokenStream;
use quote::quote;

/// `#[doc = ...]` attributes for spec prose, escaped so that it renders as written.
pub fn doc_attrs(text: &str) -> TokenStream {
    markdown_attrs(&prose(text))
}

/// `#[doc = ...]` attributes for markdown the generator wrote itself (code spans, links),
/// with any spec prose in it already passed through [`prose`].
pub fn markdown_attrs(markdown: &str) -> TokenStream {
    let lines = markdown.lines().map(|line| format!(" {line}"));
    quote! { #( #[doc = #lines] )* }
}

/// Inner `#![doc = ...]` attributes (module docs) for generator markdown.
pub fn inner_markdown_attrs(markdown: &str) -> TokenStream {
    let lines = markdown.lines().map(|line| format!(" {line}"));
    quote! { #( #![doc = #lines] )* }
}

/// Spec prose as escaped markdown, lines joined with `\n`.
pub fn prose(text: &str) -> String {
    sanitize(text).join("\n")
}

/// The first character of `text` that generated docs cannot carry, if any: control characters
/// other than tab and line breaks, and the bidi controls that reorder how source code reads
/// (rustc refuses those in doc comments). Validation reports them at their place in the spec.
pub fn forbidden_char(text: &str) -> Option<char> {
    text.chars().find(|&c| {
        (c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
            || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
    })
}

/// Sanitized lines of `text`: trimmed, markdown-significant characters escaped, URLs wrapped.
/// Any line break counts, a bare CR too (rustc refuses one in a doc comment).
pub fn sanitize(text: &str) -> Vec<String> {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut lines: Vec<String> = Vec::new();
    for line in text.lines().map(|line| escape_line(line.trim())) {
        // Markdown would continue a numbered item with the next plain line; the text means a
        // new paragraph (and clippy's doc_lazy_continuation agrees).
        if lines.last().is_some_and(|previous| is_numbered_item(previous))
            && !line.is_empty()
            && !is_numbered_item(&line)
        {
            lines.push(String::new());
        }
        lines.push(line);
    }
    // No leading or trailing blank lines, and at most one blank line in a row.
    lines.dedup_by(|next, previous| next.is_empty() && previous.is_empty());
    while lines.first().is_some_and(String::is_empty) {
        lines.remove(0);
    }
    while lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    lines
}

/// Whether a line starts a numbered list item (`12. text`, `3) text`). Markdown wants a space
/// (or the end of the line) after the marker: `2.If` is plain text, which would continue the item
/// before it.
fn is_numbered_item(line: &str) -> bool {
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    let mut after = line[digits..].chars();
    digits > 0 && matches!(after.next(), Some('.' | ')')) && after.next().is_none_or(|c| c == ' ' || c == '\t')
}

fn escape_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut rest = line;
    while !rest.is_empty() {
        if let Some(start) = find_url(rest) {
            escape_text(&rest[..start], &mut out);
            let url_len = rest[start..]
                .find(|c: char| {
                    c.is_whitespace()
                        || matches!(c, '<' | '>' | '"' | '\'' | ')' | '(' | '[' | ']' | '`')
                        || !c.is_ascii()
                })
                .unwrap_or(rest.len() - start);
            let url = rest[start..start + url_len].trim_end_matches(['.', ',', ';', ':']);
            out.push('<');
            out.push_str(url);
            out.push('>');
            rest = &rest[start + url.len()..];
        } else {
            escape_text(rest, &mut out);
            break;
        }
    }
    out
}

fn find_url(text: &str) -> Option<usize> {
    [text.find("https://"), text.find("http://")].into_iter().flatten().min()
}

fn escape_text(text: &str, out: &mut String) {
    for (index, c) in text.char_indices() {
        match c {
            '[' | ']' | '<' | '>' | '*' | '_' | '`' | '\\' | '|' => {
                out.push('\\');
                out.push(c);
            }
            // A line starting with `#`, `-`, `+`, `=` or `~` would become a heading, list, rule or
            // code fence (rustdoc compiles a fence as a doctest); the text means it literally.
            '#' | '-' | '+' | '=' | '~' if index == 0 && out.is_empty() => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_rustdoc_would_misread() {
        assert_eq!(sanitize("  a [b] <li>c</li>\n\n\n    indented"), ["a \\[b\\] \\<li\\>c\\</li\\>", "", "indented"]);
        assert_eq!(sanitize("see https://example.com/x_y. Done"), ["see <https://example.com/x_y>. Done"]);
        assert_eq!(sanitize("- not a list"), ["\\- not a list"]);
        assert!(sanitize("  \n").is_empty());
        assert_eq!(sanitize("1. one\n2. two\nNote: after"), ["1. one", "2. two", "", "Note: after"]);
        // `2.If` is no list item: it starts a paragraph of its own, not a lazy continuation.
        assert_eq!(sanitize("1. one\n2.If two"), ["1. one", "", "2.If two"]);
        assert_eq!(sanitize("a\rb\r\nc"), ["a", "b", "c"]);
        assert_eq!(sanitize("~~~\nfn main() {}\n~~~"), ["\\~~~", "fn main() {}", "\\~~~"]);
        assert_eq!(forbidden_char("fine\ttext\r\n"), None);
        assert_eq!(forbidden_char("a\u{202E}b"), Some('\u{202E}'));
        assert_eq!(forbidden_char("a\u{0}b"), Some('\u{0}'));
    }
}
