//! String enums inferred from the docs: a string member whose English document lists its values
//! becomes an enum (documented in `xtask/IMPORT.md`; every inferred enum is listed for review in
//! `specs/review/<module>.md`).
//!
//! This is the high-confidence part of the research extractor (`research/enums/infer.py`), which
//! measured its patterns on the 21 main services: two patterns, and a member is skipped at the
//! first doubt.
//!
//! - **structured**: a run of at least two lines (or `;`/`,`-separated items) each starting
//!   `VALUE: meaning` (also `VALUE - meaning`, `VALUE = meaning`, `VALUE (meaning)`), after a
//!   trigger phrase (`Valid values:`, `Values:`, `Options:`, `including:` ...) or with a meaning for
//!   every item: `<li>PREPAID: prepaid</li><li>POSTPAID_BY_HOUR: pay-as-you-go</li>`;
//! - **inline list after a trigger**: ``Valid values: `OPEN`, `INTERNAL` ``, `Values: A, B or C`,
//!   `Valid values:<li>PF</li><li>VF</li>`.
//!
//! Values must look like codes (UPPER_SNAKE, CamelCase, lower tokens, dotted names), at least two
//! distinct ones. Skipped: numbers (an enum `V0`, `V1` says less than the string), a range, a list
//! that is cut short by prose, two lists that disagree, `true`/`false`, capitalised English words,
//! values differing only in case, repeated meanings, "and so on"/"etc.", a documented example that
//! is not among the values, and members that hold JSON.

use std::collections::BTreeSet;
use std::sync::LazyLock;

use heck::ToUpperCamelCase;
use regex::Regex;

/// A value set read from one member's document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    /// The values in the document's order, each with its meaning (empty when it has none).
    pub values: Vec<(String, String)>,
    /// Which pattern found them: `structured` or `inline list`.
    pub pattern: &'static str,
}

fn regex(pattern: &str) -> Regex {
    // The patterns are constants of this file, tested below: a failure is a bug, found by any test.
    Regex::new(pattern).unwrap_or_else(|error| panic!("enum inference pattern {pattern:?}: {error}"))
}

static TAG_BREAK: LazyLock<Regex> =
    LazyLock::new(|| regex(r"(?i)</?\s*(?:li|br|p|ul|ol|div|tr|td|table|h\d)\b[^>]*/?>"));
static TAG_ANY: LazyLock<Regex> = LazyLock::new(|| regex(r"<[^>]{0,300}>"));
static MD_LINK: LazyLock<Regex> = LazyLock::new(|| regex(r"\[([^\]]*)\]\([^)]*\)"));
static NULL_NOTE: LazyLock<Regex> = LazyLock::new(|| {
    regex(r"(?i)(?:Note|Description)\s*:\s*(?:this|the)\s+(?:field|parameter)\s+may\s+return\s+`?null`?[^.\n]*\.?")
});
static SPACES: LazyLock<Regex> = LazyLock::new(|| regex(r"[ \t\u{a0}]+"));
static BARE: LazyLock<Regex> =
    LazyLock::new(|| regex(r"^-?[A-Za-z0-9](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_])?(?:/\d+(?:\.\d+)?)?"));
static QUOTED: LazyLock<Regex> = LazyLock::new(|| regex(r"^(?:-\d)?[A-Za-z0-9*][A-Za-z0-9_.\-:/*+]*"));
static INT: LazyLock<Regex> = LazyLock::new(|| regex(r"^-?\d{1,4}$"));
static VERSION: LazyLock<Regex> = LazyLock::new(|| regex(r"^\d+(?:\.\d+)+$"));
static UPPER: LazyLock<Regex> = LazyLock::new(|| regex(r"^[A-Z0-9][A-Z0-9_.\-]*$"));
static CAMEL: LazyLock<Regex> = LazyLock::new(|| {
    regex(r"^(?:[A-Z][a-z0-9]+(?:[A-Z][A-Za-z0-9]*)+|[a-z][a-z0-9]*(?:[A-Z][A-Za-z0-9]*)+|[A-Z]{2,}[a-z][A-Za-z0-9]*)$")
});
static LOWER: LazyLock<Regex> = LazyLock::new(|| regex(r"^[a-z][a-z0-9_.\-]*$"));
static CAPWORD: LazyLock<Regex> = LazyLock::new(|| regex(r"^[A-Z][a-z]+$"));
static MIXED: LazyLock<Regex> = LazyLock::new(|| regex(r"^[A-Za-z0-9][A-Za-z0-9_.\-/]*$"));
static TRIGGER: LazyLock<Regex> = LazyLock::new(|| {
    regex(concat!(
        r"(?i)(?:valid|allowed|available|supported|possible|acceptable|optional|permitted|legal|accepted)\s+",
        r"(?:values?|options?|types?|modes?|inputs?)(?:\s+(?:are|is|include|includes|including|as follows))?",
        r"(?:\s*\([^)]{0,40}\))?\s*[:.]?",
        r"|values?\s+(?:range|ranges|options?)(?:\s+(?:from|are|is|includes?))?\s*[:.]?",
        r"|(?:enumeration|enumerated|enum)\s+(?:values?|types?|list)?\s*(?:are|is|include|includes)?\s*[:.]?",
        r"|range\s+of\s+values?\s*[:.]?",
        r"|(?:value|values)\s+(?:can|could|must|should)\s+be(?:\s+one\s+of)?(?:\s+the\s+following)?\s*[:.]?",
        r"|(?:can|could|must|should)\s+be(?:\s+set\s+to)?\s+(?:one\s+of\s+)?(?:the\s+following)?(?:\s+values?)?\s*:",
        r"|(?:^|[\s(])values?\s*:",
        r"|(?:^|[\s(])options?\s*:",
        r"|(?:^|[\s(])(?:options?|values?)\s+(?:are|include)\s*:",
        r"|(?:^|\s)(?:it\s+)?(?:supports?|includes?|including)\s*:",
        r"|(?:possible|valid|supported|available)\s+(?:\S+\s+){0,2}?(?:states?|status(?:es)?|types?|modes?|values?|options?)\s+(?:are|include)\s*:?",
        r"|one\s+of(?:\s+the\s+following)?\s*:",
        r"|(?:^|\s)(?:types?|modes?)\s+(?:are|include)\s*:",
    ))
});
static LEAD_TRIGGER: LazyLock<Regex> =
    LazyLock::new(|| regex(r"(?i)(?:valid|allowed|supported|available|enumerat\w*|possible)\s+\w*\s*:?[\s.:]*$"));
static RANGE_HINT: LazyLock<Regex> =
    LazyLock::new(|| regex(r"(?i)^\s*(?:from\s+)?-?\d+(?:\.\d+)?\s*(?:to|~|–|—|-)\s*-?\d+|^\s*[\[(]\s*-?\d+\s*,"));
static JSON_DOC: LazyLock<Regex> =
    LazyLock::new(|| regex(r"(?i)\bjson(?:\s+|-)(?:string|format|object|array|structure)|\bin\s+json\b|serialized"));
static OPEN_ENDED: LazyLock<Regex> =
    LazyLock::new(|| regex(r"(?i)\band so on\b|\betc\b|\band more\b|\bamong others\b|\bother values\b"));
static DESC_DEFAULT: LazyLock<Regex> =
    LazyLock::new(|| regex(r"(?i)(?:^|[\s.;,(])(?:the\s+)?default(?:\s+value)?(?:\s+is)?\s*:"));
static DESC_VERB: LazyLock<Regex> = LazyLock::new(|| {
    regex(r"(?i)^\s*(?:means|indicates|represents|specifies|stands\s+for|refers\s+to)\s+(?:that\s+)?")
});
static DESC_OPEN: LazyLock<Regex> = LazyLock::new(|| regex(r"(?i);\s*(?:other values|and so on)\b"));

/// English words that are never values.
const STOP: &[&str] = &[
    "a",
    "an",
    "the",
    "this",
    "that",
    "these",
    "those",
    "it",
    "its",
    "is",
    "are",
    "be",
    "can",
    "may",
    "must",
    "will",
    "should",
    "value",
    "values",
    "valid",
    "default",
    "defaults",
    "note",
    "notes",
    "example",
    "examples",
    "sample",
    "samples",
    "e.g",
    "eg",
    "i.e",
    "ie",
    "for",
    "if",
    "when",
    "where",
    "which",
    "only",
    "and",
    "or",
    "not",
    "no",
    "format",
    "unit",
    "units",
    "description",
    "desc",
    "remark",
    "remarks",
    "range",
    "type",
    "types",
    "options",
    "option",
    "supported",
    "enumeration",
    "enumerated",
    "enum",
    "return",
    "returns",
    "returned",
    "parameter",
    "parameters",
    "field",
    "fields",
    "input",
    "output",
    "please",
    "see",
    "refer",
    "reference",
    "details",
    "currently",
    "case-insensitive",
    "case-sensitive",
    "etc",
    "such",
    "as",
    "like",
    "including",
    "include",
    "includes",
    "via",
    "with",
    "from",
    "to",
    "in",
    "of",
    "by",
    "at",
    "max",
    "min",
    "maximum",
    "minimum",
    "length",
    "required",
    "optional",
    "tip",
    "tips",
    "warning",
    "caution",
    "important",
    "attention",
    "explanation",
    "meaning",
    "means",
    "indicates",
    "specifies",
    "specify",
    "usage",
    "scenario",
    "scenarios",
    "rule",
    "rules",
    "limit",
    "limits",
    "restriction",
    "restrictions",
    "constraint",
    "constraints",
    "step",
    "steps",
    "purpose",
    "others",
    "more",
];

/// Function words that are values only as `word: meaning` at a line start, or quoted.
const WEAK: &[&str] = &[
    "a",
    "an",
    "the",
    "this",
    "that",
    "it",
    "is",
    "are",
    "be",
    "can",
    "may",
    "must",
    "will",
    "should",
    "for",
    "if",
    "when",
    "where",
    "which",
    "only",
    "and",
    "or",
    "not",
    "no",
    "such",
    "as",
    "like",
    "including",
    "include",
    "includes",
    "via",
    "with",
    "from",
    "to",
    "in",
    "of",
    "by",
    "at",
    "max",
    "min",
    "maximum",
    "minimum",
    "length",
    "required",
    "optional",
    "rule",
    "rules",
    "limit",
    "limits",
    "step",
    "steps",
    "purpose",
    "others",
    "more",
    "type",
    "types",
    "range",
    "return",
    "returns",
    "returned",
    "input",
    "output",
    "support",
    "supported",
];

/// English words kept as values although they are words.
const KEEP: &[&str] = &[
    "on", "off", "true", "false", "yes", "all", "none", "open", "close", "closed", "enable", "disable", "enabled",
    "disabled", "auto", "manual", "asc", "desc", "normal",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Int,
    Version,
    Upper,
    Camel,
    Lower,
    Capword,
    Mixed,
    Weak,
}

impl Class {
    fn strong(self) -> bool {
        matches!(self, Class::Int | Class::Upper | Class::Camel | Class::Mixed)
    }
}

fn value_class(value: &str, quoted: bool) -> Option<Class> {
    if value.is_empty() || value.len() > 64 {
        return None;
    }
    if INT.is_match(value) {
        return Some(Class::Int);
    }
    if VERSION.is_match(value) {
        return Some(Class::Version);
    }
    if !value.chars().any(|c| c.is_ascii_alphabetic()) || value.ends_with(['.', '-']) || value.contains("..") {
        return None;
    }
    let low = value.to_ascii_lowercase();
    if STOP.contains(&low.as_str()) && !KEEP.contains(&low.as_str()) && !quoted {
        return (WEAK.contains(&low.as_str()) && value == low).then_some(Class::Weak);
    }
    if low.starts_with("http://") || low.starts_with("https://") || low.starts_with("www.") {
        return None;
    }
    [
        (&*UPPER, Class::Upper),
        (&*CAMEL, Class::Camel),
        (&*LOWER, Class::Lower),
        (&*CAPWORD, Class::Capword),
        (&*MIXED, Class::Mixed),
    ]
    .into_iter()
    .find(|(pattern, _)| pattern.is_match(value))
    .map(|(_, class)| class)
}

/// The document as lines of text: list items, paragraphs and line breaks become newlines, other
/// tags and markdown link targets go, entities are decoded, spaces collapse.
pub fn normalise(doc: &str) -> String {
    let text: String = doc.chars().filter(|c| !matches!(c, '\u{200b}'..='\u{200f}' | '\u{feff}')).collect();
    let text = text.replace("\\u200b", "").replace("\\u200c", "");
    let text = NULL_NOTE.replace_all(&text, " ");
    let text = TAG_BREAK.replace_all(&text, "\n");
    let text = TAG_ANY.replace_all(&text, " ");
    let text = text
        .replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&amp;", "&");
    let text = MD_LINK.replace_all(&text, "$1");
    let text = text
        .replace("\\n", "\n")
        .replace('\r', " ")
        .replace('\u{ff1a}', ":")
        .replace('\u{ff1b}', ";")
        .replace('\u{ff0c}', ",")
        .replace(['\u{201c}', '\u{201d}'], "\"")
        .replace(['\u{2018}', '\u{2019}'], "'")
        .replace("\\*", "*")
        .replace("\\_", "_");
    SPACES.replace_all(&text, " ").into_owned()
}

/// A value at the start of `text`: quoted (`` `x` ``, `'x'`, `"x"`) or bare. Returns the value,
/// whether it was quoted, and the length consumed.
fn value_at(text: &str) -> Option<(&str, bool, usize)> {
    let first = text.chars().next()?;
    if matches!(first, '`' | '\'' | '"') {
        let rest = &text[1..];
        let found = QUOTED.find(rest)?;
        if rest[found.end()..].starts_with(first) {
            return Some((&rest[..found.end()], true, found.end() + 2));
        }
        return None;
    }
    BARE.find(text).map(|found| (found.as_str(), false, found.end()))
}

/// One `VALUE: meaning` item found in a line.
#[derive(Debug, Clone)]
struct Item {
    start: usize,
    head_end: usize,
    value: String,
    class: Class,
    quoted: bool,
    separator: char,
}

/// An item head (`VALUE:`, `` `VALUE` (``, `VALUE - `, `VALUE =`) at `text[position..]`.
fn item_head(text: &str, position: usize, line_start: bool) -> Option<Item> {
    let rest = &text[position..];
    let (value, quoted, used) = value_at(rest)?;
    let after = &rest[used..];
    let trimmed = after.trim_start();
    let spaces = after.len() - trimmed.len();
    let (separator, length) = if trimmed.starts_with(':') && !trimmed.starts_with("://") {
        (':', spaces + 1)
    } else if trimmed.starts_with('=') && !trimmed.starts_with("==") {
        ('=', spaces + 1)
    } else if trimmed.starts_with('(') && !trimmed[1..].trim_start().starts_with(')') {
        ('(', spaces + 1)
    } else if spaces > 0 && trimmed.starts_with(['-', '–', '—']) {
        let dash = trimmed.chars().next().map_or(1, char::len_utf8);
        if !trimmed[dash..].starts_with(' ') {
            return None;
        }
        ('-', spaces + dash + 1)
    } else {
        return None;
    };
    let class = value_class(value, quoted)?;
    if separator == ':' && !quoted {
        let next = after[length..].chars().next();
        if next.is_some_and(|c| !c.is_whitespace()) {
            return None;
        }
    }
    let allowed = match separator {
        _ if class == Class::Weak => quoted || (separator == ':' && line_start),
        '(' => quoted || class.strong(),
        '-' => {
            quoted
                || matches!(class, Class::Int | Class::Upper)
                || (line_start && matches!(class, Class::Camel | Class::Capword | Class::Lower))
        }
        '=' => quoted || matches!(class, Class::Int | Class::Upper | Class::Lower),
        _ => true,
    };
    allowed.then(|| Item {
        start: position,
        head_end: position + used + length,
        value: value.to_owned(),
        class,
        quoted,
        separator,
    })
}

/// Where a line's own text starts, after blanks, bullets and a number (`1. `, `(1)`).
fn line_start(line: &str) -> usize {
    let bytes = line.as_bytes();
    let mut index = 0;
    loop {
        let rest = &line[index..];
        let Some(c) = rest.chars().next() else { return index };
        let bullet =
            matches!(c, '-' | '•' | '*' | '·') && !rest[c.len_utf8()..].starts_with(|d: char| d.is_ascii_digit());
        if c.is_whitespace() || bullet {
            index += c.len_utf8();
        } else {
            break;
        }
    }
    // `1. ` or `(1)`.
    let digits = bytes[index..].iter().take_while(|b| b.is_ascii_digit()).count();
    if digits > 0 && line[index + digits..].starts_with(". ") {
        index += digits + 2;
    } else if line[index..].starts_with('(') {
        let inner = bytes[index + 1..].iter().take_while(|b| b.is_ascii_digit()).count();
        if inner > 0 && line[index + 1 + inner..].starts_with(')') {
            index += inner + 2;
            index += line[index..].len() - line[index..].trim_start().len();
        }
    }
    index
}

/// The items of one line: at its start, and after `;`, `,` or `. `.
fn line_items(line: &str) -> Vec<Item> {
    let first = line_start(line);
    let mut starts = vec![first];
    for (index, c) in line.char_indices() {
        let next = line[index + c.len_utf8()..].chars().next();
        if matches!(c, ';' | ',') || (matches!(c, '.' | ':') && next.is_some_and(char::is_whitespace)) {
            let mut position = index + c.len_utf8();
            position += line[position..].len() - line[position..].trim_start().len();
            for word in ["and ", "or "] {
                if line[position..].starts_with(word) {
                    position += word.len();
                }
            }
            starts.push(position);
        }
    }
    starts.sort_unstable();
    starts.dedup();
    let mut items: Vec<Item> = Vec::new();
    for start in starts {
        if items.last().is_some_and(|last| start < last.head_end) {
            continue;
        }
        if let Some(item) = item_head(line, start, start == first) {
            items.push(item);
        }
    }
    items
}

/// A meaning as the review list and the variant docs show it.
fn clean_desc(text: &str) -> String {
    let text = text.replace('\n', " ");
    let text = DESC_DEFAULT.split(&text).next().unwrap_or_default().to_owned();
    let text = DESC_VERB.replace(&text, "").into_owned();
    let text = DESC_OPEN.split(&text).next().unwrap_or_default().to_owned();
    let text = SPACES.replace_all(&text, " ");
    let mut text = text
        .trim()
        .trim_start_matches([' ', ':', '=', '-', '–', '—', ',', ';'])
        .trim_end_matches([' ', '.', ';', ',', '。'])
        .to_owned();
    if text.ends_with(')') && text.matches('(').count() < text.matches(')').count() {
        text.pop();
        text = text.trim_end().to_owned();
    }
    text.chars().take(200).collect()
}

/// An item with its meaning and where it is in the whole text.
#[derive(Debug, Clone)]
struct Found {
    value: String,
    class: Class,
    quoted: bool,
    desc: String,
    position: usize,
}

fn with_descs(line: &str, offset: usize, items: &[Item]) -> Vec<Found> {
    items
        .iter()
        .enumerate()
        .map(|(index, item)| {
            let end = items.get(index + 1).map_or(line.len(), |next| next.start);
            let mut desc = &line[item.head_end.min(end)..end];
            if item.separator == '(' {
                if let Some(close) = desc.find(')') {
                    desc = &desc[..close];
                }
            }
            let desc = desc.trim_start();
            let desc = desc.strip_prefix("and ").or_else(|| desc.strip_prefix("or ")).unwrap_or(desc);
            Found {
                value: item.value.clone(),
                class: item.class,
                quoted: item.quoted,
                desc: clean_desc(desc),
                position: offset + item.start,
            }
        })
        .collect()
}

/// Runs of `VALUE: meaning` items, line after line.
fn structured_runs(text: &str) -> Vec<Vec<Found>> {
    let mut runs: Vec<Vec<Found>> = Vec::new();
    let mut current: Vec<Found> = Vec::new();
    let mut offset = 0;
    for line in text.split('\n') {
        let line_offset = offset;
        offset += line.len() + 1;
        if line.trim_matches([' ', '.', ';', ',']).is_empty() {
            continue;
        }
        let items = line_items(line);
        let starts_with_item = items.first().is_some_and(|item| item.start == line_start(line));
        if !starts_with_item {
            runs.push(std::mem::take(&mut current));
            // A run may start inside a line after a lead-in ending in `:`: `Values: A: x; B: y`.
            if let Some(first) = items.first() {
                let before = line[..first.start].trim_end();
                let strong = items.iter().all(|item| item.quoted || matches!(item.class, Class::Int | Class::Upper));
                let lead_in = before.ends_with(':') || TRIGGER.is_match(before) || (strong && before.ends_with('.'));
                if items.len() >= 2 && lead_in {
                    current = with_descs(line, line_offset, &items);
                }
            }
            continue;
        }
        current.extend(with_descs(line, line_offset, &items));
    }
    runs.push(current);
    runs.into_iter()
        .filter(|run| !run.is_empty())
        .map(|mut run| {
            let strong = run.iter().filter(|item| item.class != Class::Weak).count();
            if strong < 2 {
                run.retain(|item| item.class != Class::Weak);
            }
            for item in &mut run {
                if item.class == Class::Weak {
                    item.class = Class::Lower;
                }
            }
            run
        })
        .filter(|run| !run.is_empty())
        .collect()
}

/// Lists right after a trigger phrase: `Valid values: A, B, C`. Returns the lists and whether
/// any list was cut short by prose.
fn inline_lists(text: &str) -> (Vec<Vec<Found>>, bool) {
    let mut lists = Vec::new();
    let mut truncated_any = false;
    for trigger in TRIGGER.find_iter(text) {
        let start = trigger.end();
        let rest: String = text[start..].chars().take(1500).collect();
        if RANGE_HINT.is_match(&rest) {
            continue;
        }
        let (items, truncated) = parse_list(&rest, start);
        if items.len() >= 2 {
            truncated_any |= truncated;
            lists.push(items);
        }
    }
    (lists, truncated_any)
}

fn skip_while(text: &str, position: usize, keep: impl Fn(char) -> bool) -> usize {
    position + text[position..].chars().take_while(|c| keep(*c)).map(char::len_utf8).sum::<usize>()
}

/// One list after a trigger, from `rest` (which starts at `offset` of the whole text).
fn parse_list(rest: &str, offset: usize) -> (Vec<Found>, bool) {
    let mut items: Vec<Found> = Vec::new();
    let mut colon_shape: Option<bool> = None;
    let mut position = skip_while(rest, 0, |c| c.is_whitespace() || c == ':' || c == '.');
    if rest[..position].contains('\n') {
        position = skip_while(rest, position, |c| matches!(c, '-' | '•' | '*' | ' '));
    }
    loop {
        position = skip_while(rest, position, |c| c == ' ');
        let Some((value, quoted, used)) = value_at(&rest[position..]) else { return cut(items) };
        let mut class = value_class(value, quoted);
        if class == Some(Class::Weak) && quoted {
            class = Some(Class::Lower);
        }
        let Some(class) = class.filter(|class| *class != Class::Weak) else { return cut(items) };
        if RANGE_HINT.is_match(&rest[position..]) {
            return (Vec::new(), false);
        }
        let mut end = position + used;
        let mut desc = String::new();
        // `1 (yes)`.
        let after = skip_while(rest, end, |c| c == ' ');
        if rest[after..].starts_with('(') {
            if let Some(close) =
                rest[after + 1..].find([')', '(']).filter(|close| rest[after + 1 + close..].starts_with(')'))
            {
                if close <= 120 {
                    desc = rest[after + 1..after + 1 + close].to_owned();
                    end = after + close + 2;
                }
            }
        }
        // `A: meaning, B: meaning`.
        let after = skip_while(rest, end, |c| c == ' ');
        let colon = rest[after..].starts_with(':') && !rest[after..].starts_with("://");
        if colon && desc.is_empty() {
            let body_start = skip_while(rest, after + 1, |c| c == ' ');
            let body_end = rest[body_start..]
                .char_indices()
                .find(|(index, c)| {
                    matches!(c, ',' | ';' | '\n' | '`' | '\'' | '"')
                        || (*c == '.' && rest[body_start + index + 1..].chars().next().is_none_or(char::is_whitespace))
                })
                .map_or(rest.len(), |(index, _)| body_start + index);
            let body = rest[body_start..body_end].trim();
            if body.is_empty() || body.chars().count() > 60 {
                return (items, true);
            }
            desc = body.to_owned();
            end = body_end;
        }
        if colon_shape.is_some_and(|shape| shape != colon) {
            return (items, true);
        }
        colon_shape = Some(colon);
        let item =
            Found { value: value.to_owned(), class, quoted, desc: clean_desc(&desc), position: offset + position };
        let tail = &rest[end..];
        // A line break continues the list only when the next line is one bare token.
        let breaks = skip_while(tail, 0, |c| matches!(c, ' ' | '.' | ';' | ','));
        if tail[breaks..].starts_with('\n') {
            items.push(item);
            let next = skip_while(tail, breaks, |c| c.is_whitespace() || matches!(c, '-' | '•' | '*'));
            let single = value_at(&tail[next..]).is_some_and(|(value, quoted, used)| {
                let after = skip_while(tail, next + used, |c| matches!(c, ' ' | '.' | ';' | ','));
                value_class(value, quoted).is_some_and(|class| class != Class::Weak)
                    && (after == tail.len() || tail[after..].starts_with('\n'))
            });
            if single {
                position = end + next;
                continue;
            }
            return (items, false);
        }
        let separator = separator_length(tail);
        if separator > 0 {
            items.push(item);
            position = end + separator;
            continue;
        }
        let trimmed = tail.trim_start_matches(' ');
        if trimmed.is_empty() || trimmed.starts_with(['.', ';', ')']) {
            items.push(item);
            return (items, false);
        }
        // Prose follows the token: it was not an element of the list.
        return cut(items);
    }
}

/// A list that ended on something that is not a value: cut short when it had begun.
fn cut(items: Vec<Found>) -> (Vec<Found>, bool) {
    let begun = !items.is_empty();
    (items, begun)
}

/// The length of a list separator at the start of `tail` (`, `, ` or `, ` and `, `/`, `、`).
fn separator_length(tail: &str) -> usize {
    let mut position = skip_while(tail, 0, |c| c == ' ');
    let mut found = false;
    for mark in [",", ";", "/", "|", "、"] {
        if tail[position..].starts_with(mark) {
            position += mark.len();
            found = true;
            break;
        }
    }
    position = skip_while(tail, position, |c| c == ' ');
    for word in ["and ", "or "] {
        if tail[position..].starts_with(word) {
            position += word.len();
            found = true;
        }
    }
    if found { skip_while(tail, position, |c| c == ' ') } else { 0 }
}

/// The values a string member's document lists, when it lists them beyond doubt. `member` is
/// the member's wire name, `example` its documented example.
pub fn listed_values(member: &str, doc: &str, example: &str) -> Option<Listed> {
    let text = normalise(doc);
    if text.trim().is_empty() {
        return None;
    }
    let example = example.trim().trim_matches('"');
    if JSON_DOC.is_match(&text) || example.starts_with('{') || example.starts_with("[{") {
        return None;
    }
    if OPEN_ENDED.is_match(&text) {
        return None;
    }
    let triggers: Vec<regex::Match<'_>> = TRIGGER.find_iter(&text).collect();
    let mut candidates: Vec<(&'static str, Vec<Found>)> = Vec::new();
    for run in structured_runs(&text) {
        let first = run[0].position;
        let lead_start = first.saturating_sub(300);
        let lead_start = (0..=lead_start).rev().find(|index| text.is_char_boundary(*index)).unwrap_or(0);
        let triggered = triggers.iter().any(|trigger| {
            trigger.end() <= first
                && first - trigger.end() <= 40
                && text[trigger.end()..first]
                    .trim_matches(|c: char| c.is_whitespace() || matches!(c, ':' | '.' | '-'))
                    .is_empty()
        }) || LEAD_TRIGGER.is_match(&text[lead_start..first]);
        let all_described = run.iter().all(|item| !item.desc.is_empty());
        if !(triggered || all_described) {
            continue;
        }
        let classes: BTreeSet<u8> = run.iter().map(|item| item.class as u8).collect();
        let words_only = classes.iter().all(|class| *class == Class::Capword as u8 || *class == Class::Lower as u8);
        if !triggered && words_only && !run.iter().any(|item| item.quoted) && classes.contains(&(Class::Capword as u8))
        {
            continue;
        }
        candidates.push(("structured", run));
    }
    let (lists, truncated) = inline_lists(&text);
    if truncated {
        return None;
    }
    for list in lists {
        let version = list.iter().any(|item| item.class == Class::Version);
        if version && list.iter().any(|item| item.class != Class::Version) {
            continue;
        }
        candidates.push(("inline list", list));
    }
    candidates.retain(|(_, items)| items.iter().map(|item| &item.value).collect::<BTreeSet<_>>().len() >= 2);
    let (pattern, primary) = candidates.first()?.clone();
    // Two lists that disagree: one of them describes something else. Doubt.
    let set = |items: &[Found]| items.iter().map(|item| item.value.clone()).collect::<BTreeSet<String>>();
    if candidates.iter().any(|(_, items)| set(items) != set(&primary)) {
        return None;
    }
    let mut values: Vec<(String, String)> = Vec::new();
    let mut classes = Vec::new();
    for (_, items) in &candidates {
        for item in items {
            match values.iter_mut().find(|(value, _)| *value == item.value) {
                Some((_, desc)) if desc.is_empty() => desc.clone_from(&item.desc),
                Some(_) => {}
                None => {
                    values.push((item.value.clone(), item.desc.clone()));
                    classes.push(item.class);
                }
            }
        }
    }
    // `RuleKey: cost allocation dimension.` is a heading, not a value.
    if values.first().is_some_and(|(value, _)| value == member) {
        values.remove(0);
        classes.remove(0);
    }
    let lower: BTreeSet<String> = values.iter().map(|(value, _)| value.to_ascii_lowercase()).collect();
    let descs: Vec<String> =
        values.iter().map(|(_, desc)| desc.to_lowercase()).filter(|desc| !desc.is_empty()).collect();
    let doubtful = values.len() < 2
        || classes.iter().any(|class| matches!(class, Class::Int | Class::Capword))
        || lower.len() != values.len()
        || lower.iter().all(|value| value == "true" || value == "false")
        || descs.iter().collect::<BTreeSet<_>>().len() != descs.len();
    if doubtful {
        return None;
    }
    // A documented example that is none of the values: the list may be examples, not the set.
    let parts: Vec<&str> = example
        .split(['/', '|', ',', '[', ']'])
        .map(|part| part.trim().trim_matches(['"', '\'']))
        .filter(|part| !part.is_empty())
        .collect();
    let none = ["无", "None", "null"].contains(&example);
    if !none && !values.iter().any(|(value, _)| value.contains('/')) {
        let known = |part: &&str| values.iter().any(|(value, _)| value.eq_ignore_ascii_case(part));
        if !parts.iter().all(known) {
            return None;
        }
    }
    Some(Listed { values, pattern })
}

/// The Rust variant name of a value: heck's UpperCamelCase, `V` in front of a leading digit.
pub fn variant_name(value: &str) -> String {
    let camel = value.to_upper_camel_case();
    let camel: String = camel.chars().filter(char::is_ascii_alphanumeric).collect();
    if camel.starts_with(|c: char| c.is_ascii_digit()) { format!("V{camel}") } else { camel }
}

/// Where a member is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// A member of a structure (by its spec name).
    Structure(String),
    /// A request parameter of an action.
    Request(String),
    /// A response field of an action.
    Response(String),
}

impl Place {
    /// `structure Widget`, `action CreateWidget request`.
    pub fn describe(&self) -> String {
        match self {
            Place::Structure(name) => format!("structure {name}"),
            Place::Request(action) => format!("{action} request"),
            Place::Response(action) => format!("{action} response"),
        }
    }

    /// The name of what holds the member, for an enum name (`Widget`, `CreateWidget`).
    fn owner(&self) -> &str {
        match self {
            Place::Structure(name) | Place::Request(name) | Place::Response(name) => name,
        }
    }
}

/// A member whose document lists its values.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// Where the member is.
    pub place: Place,
    /// Its wire name.
    pub member: String,
    /// The document the values come from, as the spec keeps it.
    pub doc: String,
    /// The values.
    pub listed: Listed,
}

/// An enum the import made, for the spec and for the review list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InferredEnum {
    /// Its type name.
    pub name: String,
    /// Its values and their meanings.
    pub values: Vec<(String, String)>,
    /// The members typed with it, and the document each one's values come from.
    pub uses: Vec<(Place, String, String)>,
}

/// Groups the candidates of one service into enums: one per member name, holding the union of
/// the values its members list, as long as their lists overlap (a list sharing no value with the
/// others describes something else, and gets an enum named after its owner and member:
/// `DescribeWidgetsStatus`). An enum is named after the member; a name that `taken` holds (a
/// structure, the types of an action, a name generated code uses) gets `Value` appended (then
/// `Value2`, ...).
pub fn group(candidates: Vec<Candidate>, taken: &mut std::collections::HashSet<String>) -> Vec<InferredEnum> {
    let mut clusters: Vec<(String, Vec<Candidate>)> = Vec::new();
    for candidate in candidates {
        let values: BTreeSet<&String> = candidate.listed.values.iter().map(|(value, _)| value).collect();
        let found = clusters.iter_mut().find(|(member, members)| {
            *member == candidate.member
                && members.iter().any(|other| other.listed.values.iter().any(|(value, _)| values.contains(value)))
        });
        match found {
            Some((_, members)) => members.push(candidate),
            None => clusters.push((candidate.member.clone(), vec![candidate])),
        }
    }
    // The cluster with the most members takes the member's name; the others their owner's.
    let mut first_of: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (index, (member, members)) in clusters.iter().enumerate() {
        let best = first_of.entry(member.clone()).or_insert(index);
        if members.len() > clusters[*best].1.len() {
            *best = index;
        }
    }
    let mut out = Vec::new();
    for (index, (member, members)) in clusters.into_iter().enumerate() {
        let base = if first_of.get(&member) == Some(&index) {
            type_name(&member)
        } else {
            format!("{}{}", type_name(members[0].place.owner()), type_name(&member))
        };
        let mut name = base.clone();
        let mut attempt = 1;
        while taken.contains(&name) || !crate::names::is_type_name(&name) {
            name = if attempt == 1 { format!("{base}Value") } else { format!("{base}Value{attempt}") };
            attempt += 1;
        }
        taken.insert(name.clone());
        let mut values: Vec<(String, String)> = Vec::new();
        for candidate in &members {
            for (value, desc) in &candidate.listed.values {
                match values.iter_mut().find(|(known, _)| known == value) {
                    Some((_, known_desc)) if known_desc.is_empty() => known_desc.clone_from(desc),
                    Some(_) => {}
                    None => values.push((value.clone(), desc.clone())),
                }
            }
        }
        let uses = members.into_iter().map(|candidate| (candidate.place, candidate.member, candidate.doc)).collect();
        out.push(InferredEnum { name, values, uses });
    }
    out
}

/// Two values of an inferred enum that differ only in letter case (`cloud_BASIC` beside
/// `CLOUD_BASIC`), when its members spell one value differently: which spelling the server takes
/// is then unknown, and the enum would hold both (`CloudBasic = "cloud_BASIC"`, `CloudBasic2`).
/// One member's list never does (`listed_values` refuses it); the union of several can.
pub fn case_conflict(inferred: &InferredEnum) -> Option<(&str, &str)> {
    inferred.values.iter().enumerate().find_map(|(index, (value, _))| {
        inferred.values[..index]
            .iter()
            .find(|(earlier, _)| earlier != value && earlier.eq_ignore_ascii_case(value))
            .map(|(earlier, _)| (earlier.as_str(), value.as_str()))
    })
}

/// A wire name as a type name: kept when it is one, else heck's UpperCamelCase.
fn type_name(wire: &str) -> String {
    if crate::names::is_type_name(wire) { wire.to_owned() } else { wire.to_upper_camel_case() }
}

/// The spec's enum for an inferred one: variants named by [`variant_name`] (numbered when two
/// values give one name, `Value` appended to `Unknown`), each documented by its meaning.
pub fn enum_spec(inferred: &InferredEnum) -> crate::spec::EnumSpec {
    let mut used: std::collections::HashSet<String> =
        crate::namespace::ENUM_VARIANTS.iter().map(|name| (*name).to_owned()).collect();
    let values = inferred
        .values
        .iter()
        .map(|(value, desc)| {
            let base = variant_name(value);
            // `self` gives `Self`, which cannot be a variant.
            let base = if crate::names::is_type_name(&base) { base } else { format!("{base}Value") };
            let mut name = base.clone();
            let mut attempt = 1;
            while used.contains(&name) {
                attempt += 1;
                name = if crate::namespace::ENUM_VARIANTS.contains(&base.as_str()) && attempt == 2 {
                    format!("{base}Value")
                } else {
                    format!("{base}{attempt}")
                };
            }
            used.insert(name.clone());
            let doc = if desc.is_empty() { value.clone() } else { desc.clone() };
            crate::spec::EnumValueSpec { value: crate::spec::EnumValue::String(value.clone()), name, doc }
        })
        .collect();
    let members: BTreeSet<&str> = inferred.uses.iter().map(|(_, member, _)| member.as_str()).collect();
    let members: Vec<&str> = members.into_iter().collect();
    crate::spec::EnumSpec {
        doc: format!("The values Tencent documents for {} (inferred from the API documentation).", members.join(", ")),
        repr: crate::spec::EnumRepr::String,
        values,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(doc: &str) -> Option<Vec<String>> {
        listed_values("Member", doc, "").map(|listed| listed.values.into_iter().map(|(value, _)| value).collect())
    }

    fn strings(values: &[&str]) -> Option<Vec<String>> {
        Some(values.iter().map(|value| (*value).to_owned()).collect())
    }

    #[test]
    fn structured_lists_are_read() {
        let cvm = "Instance billing mode. Valid values:<br><li>PREPAID: prepaid, that is, monthly subscription</li><li>POSTPAID_BY_HOUR: pay-as-you-go by hour</li><li>SPOTPAID: spot</li>Default value: POSTPAID_BY_HOUR.";
        let listed = listed_values("InstanceChargeType", cvm, "PREPAID");
        assert_eq!(
            listed.as_ref().map(|listed| listed.values.clone()),
            Some(vec![
                ("PREPAID".to_owned(), "prepaid, that is, monthly subscription".to_owned()),
                ("POSTPAID_BY_HOUR".to_owned(), "pay-as-you-go by hour".to_owned()),
                ("SPOTPAID".to_owned(), "spot".to_owned()),
            ])
        );
        assert_eq!(listed.map(|listed| listed.pattern), Some("structured"));
        assert_eq!(
            values("Status.\n- `AVAILABLE`: available\n- `UNAVAILABLE`: unavailable"),
            strings(&["AVAILABLE", "UNAVAILABLE"])
        );
        assert_eq!(values("Mode. OPEN: public network; INTERNAL: private network"), strings(&["OPEN", "INTERNAL"]));
    }

    #[test]
    fn inline_lists_after_a_trigger_are_read() {
        assert_eq!(values("Network type. Valid values: OPEN, INTERNAL."), strings(&["OPEN", "INTERNAL"]));
        assert_eq!(
            values(
                "Renewal flag. Values: `NOTIFY_AND_AUTO_RENEW`, `NOTIFY_AND_MANUAL_RENEW` and `DISABLE_NOTIFY_AND_MANUAL_RENEW`"
            ),
            strings(&["NOTIFY_AND_AUTO_RENEW", "NOTIFY_AND_MANUAL_RENEW", "DISABLE_NOTIFY_AND_MANUAL_RENEW"])
        );
        assert_eq!(values("Valid values:<li>PF</li><li>VF</li>"), strings(&["PF", "VF"]));
    }

    #[test]
    fn doubtful_lists_are_not_enums() {
        // Prose, ranges, numbers, open lists, words, booleans, JSON, examples outside the list.
        assert_eq!(values("The name of the instance, such as my-instance."), None);
        assert_eq!(values("Page size. Value range: 1-100. Default value: 20."), None);
        assert_eq!(values("Whether to renew. Valid values: 0: no; 1: yes"), None);
        assert_eq!(values("Disk type. Valid values: CLOUD_SSD, CLOUD_PREMIUM and so on."), None);
        assert_eq!(values("Image type. Valid values:\nPublic images: from Tencent\nCustom images: yours"), None);
        assert_eq!(values("Whether it is on. Valid values: true, false"), None);
        assert_eq!(values("A JSON string. Valid values: A, B"), None);
        assert_eq!(values("Only one value is documented. Valid values: OPEN"), None);
        assert_eq!(values("Valid values: OPEN, INTERNAL. Other lists: valid values: X1, X2"), None);
        assert_eq!(values("Case. Valid values: IPV4, ipv4"), None);
        assert_eq!(listed_values("Type", "Valid values: OPEN, INTERNAL.", "PRIVATE"), None);
        // Cut short by prose: `Valid values: OPEN, INTERNAL is recommended` is not the whole set.
        assert_eq!(values("Valid values: OPEN, INTERNAL is recommended for most users"), None);
    }

    fn candidate(place: Place, member: &str, values: &[&str]) -> Candidate {
        let values = values.iter().map(|value| ((*value).to_owned(), String::new())).collect();
        Candidate { place, member: member.into(), doc: "d".into(), listed: Listed { values, pattern: "structured" } }
    }

    #[test]
    fn one_enum_per_member_name_holds_the_union_and_names_never_clash() {
        let mut taken: std::collections::HashSet<String> = ["DiskType".to_owned()].into_iter().collect();
        let enums = group(
            vec![
                candidate(Place::Structure("SystemDisk".into()), "DiskType", &["CLOUD_SSD", "CLOUD_BASIC"]),
                candidate(Place::Structure("DataDisk".into()), "DiskType", &["CLOUD_SSD", "LOCAL_NVME"]),
                candidate(Place::Request("RunInstances".into()), "Status", &["ON", "OFF"]),
                candidate(Place::Response("DescribeX".into()), "Status", &["RUNNING", "STOPPED"]),
                candidate(Place::Response("DescribeY".into()), "Status", &["RUNNING", "PENDING"]),
            ],
            &mut taken,
        );
        let summary: Vec<(String, Vec<String>, usize)> = enums
            .iter()
            .map(|e| (e.name.clone(), e.values.iter().map(|(value, _)| value.clone()).collect(), e.uses.len()))
            .collect();
        let strings = |values: &[&str]| values.iter().map(|value| (*value).to_owned()).collect::<Vec<_>>();
        assert_eq!(
            summary,
            [
                // `DiskType` is taken (a structure of that name): the enum takes `DiskTypeValue`.
                ("DiskTypeValue".to_owned(), strings(&["CLOUD_SSD", "CLOUD_BASIC", "LOCAL_NVME"]), 2),
                // A list sharing no value with the others of its name is named after its owner.
                ("RunInstancesStatus".to_owned(), strings(&["ON", "OFF"]), 1),
                ("Status".to_owned(), strings(&["RUNNING", "STOPPED", "PENDING"]), 2),
            ]
        );
        assert!(taken.contains("DiskTypeValue") && taken.contains("Status"));
    }

    #[test]
    fn members_spelling_a_value_in_another_case_conflict() {
        let mut taken = std::collections::HashSet::new();
        let enums = group(
            vec![
                candidate(Place::Structure("DataDisk".into()), "DiskType", &["LOCAL_BASIC", "cloud_BASIC"]),
                candidate(Place::Structure("SystemDisk".into()), "DiskType", &["LOCAL_BASIC", "CLOUD_BASIC"]),
                candidate(Place::Request("RunInstances".into()), "StopType", &["SOFT", "HARD"]),
            ],
            &mut taken,
        );
        let conflicts: Vec<(&str, Option<(&str, &str)>)> =
            enums.iter().map(|e| (e.name.as_str(), case_conflict(e))).collect();
        assert_eq!(conflicts, [("DiskType", Some(("cloud_BASIC", "CLOUD_BASIC"))), ("StopType", None)]);
    }

    #[test]
    fn variants_never_take_reserved_names() {
        let inferred = InferredEnum {
            name: "Scope".into(),
            values: ["self", "Unknown", "all", "ALL"]
                .iter()
                .map(|value| ((*value).to_owned(), String::new()))
                .collect(),
            uses: Vec::new(),
        };
        let names: Vec<String> = enum_spec(&inferred).values.into_iter().map(|value| value.name).collect();
        assert_eq!(names, ["SelfValue", "UnknownValue", "All", "All2"]);
    }

    #[test]
    fn variants_are_rust_names() {
        assert_eq!(variant_name("POSTPAID_BY_HOUR"), "PostpaidByHour");
        assert_eq!(variant_name("clb.c2.medium"), "ClbC2Medium");
        assert_eq!(variant_name("3DES-CBC"), "V3desCbc");
        assert_eq!(variant_name("IPv6FullChain"), "IPv6FullChain");
    }
}
