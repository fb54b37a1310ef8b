//! The one rule that turns wire names into Rust names (documented in `specs/README.md`).
//!
//! - types (actions, structures, enums) keep their UpperCamelCase wire name;
//! - fields, parameters and methods: heck's snake_case of the wire name (`CertId` -> `cert_id`);
//!   a Rust keyword becomes a raw identifier (`Type` -> `r#type`), except `self`, `super`, `crate`
//!   and `Self`, which cannot be raw and are reported;
//! - error-code variants: heck's UpperCamelCase of the code (`FailedOperation.NetworkError` ->
//!   `FailedOperationNetworkError`).

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Keywords of Rust 2024 (strict and reserved).
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern", "false", "fn",
    "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "self",
    "Self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where", "while", "abstract",
    "become", "box", "do", "final", "macro", "override", "priv", "typeof", "unsized", "virtual", "yield", "try",
];

/// Keywords that `r#` cannot escape.
const NOT_RAW: &[&str] = &["crate", "self", "super", "Self", "_"];

/// Whether `name` is a Rust keyword.
pub fn is_keyword(name: &str) -> bool {
    KEYWORDS.contains(&name)
}

/// Whether `name` is a plain ASCII identifier: a letter, then letters, digits and underscores.
pub fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|first| first.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Whether `name` can be a type or variant name as it stands: an ASCII identifier starting with
/// an upper-case letter, without underscores (acronyms such as `CreateCSR` are kept as written).
pub fn is_type_name(name: &str) -> bool {
    is_identifier(name)
        && name.starts_with(|c: char| c.is_ascii_uppercase())
        && !name.contains('_')
        && !NOT_RAW.contains(&name)
}

/// The Rust field or method name of a wire name, without the raw prefix (`cert_id`, `type`).
pub fn snake(wire: &str) -> String {
    wire.to_snake_case()
}

/// Why a snake-case name cannot be used, if it cannot.
pub fn snake_problem(snake: &str) -> Option<&'static str> {
    if !is_identifier(snake) {
        Some("it is not an identifier after conversion to snake_case")
    } else if NOT_RAW.contains(&snake) {
        Some("it is a Rust keyword that cannot be a raw identifier")
    } else {
        None
    }
}

/// The variant name of an error code.
pub fn error_variant(code: &str) -> String {
    code.to_upper_camel_case()
}

/// The file and module name of an action (`certificate_order_submit`).
pub fn module_name(action: &str) -> String {
    action.to_snake_case()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_map_to_rust_names_by_one_rule() {
        assert_eq!(snake("CertId"), "cert_id");
        assert_eq!(snake("DeleteDnsAutoRecord"), "delete_dns_auto_record");
        assert_eq!(snake("CertID"), "cert_id");
        assert_eq!(error_variant("FailedOperation.NetworkError"), "FailedOperationNetworkError");
        assert!(is_keyword("type") && snake_problem("type").is_none());
        assert!(snake_problem("self").is_some() && snake_problem("9lives").is_some());
        assert!(is_type_name("CertificateStatus") && is_type_name("CreateCSR"));
        assert!(!is_type_name("certificateStatus") && !is_type_name("Self") && !is_type_name("Snake_Case"));
    }
}
