//! The rules that turn wire names into Rust names (documented in `specs/README.md`).
//!
//! - Types (actions, structures, enums) keep their UpperCamelCase wire name.
//! - Fields, parameters, methods and modules: [`snake`], heck's snake_case with two exceptions
//!   for acronyms (see there): `DescribeIPv6Addresses` -> `describe_ipv6_addresses`,
//!   `AntiDDoSPackageId` -> `anti_ddos_package_id`, `InstanceIDs` -> `instance_ids`. A Rust keyword
//!   becomes a raw identifier (`Type` -> `r#type`), except `self`, `super`, `crate` and `Self`,
//!   which cannot be raw and are reported.
//! - Error-code variants: heck's UpperCamelCase of the code (`FailedOperation.NetworkError` ->
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

/// Mixed-case terms that are one word each, tried longest first: no rule of letter cases tells
/// `OAuth` from `XPos` or `MySQL` from `ByIP`. Each occurs in Tencent's metadata.
const MIXED_CASE_TERMS: &[&str] = &["CKafka", "HBase", "MySQL", "OAuth", "TBaaS", "DDoS", "DDos", "SaaS", "IaC", "IdP"];

/// Whether `name` is a Rust keyword.
pub fn is_keyword(name: &str) -> bool {
    KEYWORDS.contains(&name)
}

/// Whether `name` is a keyword that cannot be a raw identifier.
pub fn is_unraw_keyword(name: &str) -> bool {
    NOT_RAW.contains(&name)
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

/// The Rust field, method or module name of a wire name, without the raw prefix (`cert_id`,
/// `type`): heck's snake_case, except that
///
/// 1. the mixed-case terms `CKafka HBase MySQL OAuth TBaaS DDoS DDos SaaS IaC IdP` are one word
///    each (matched case-sensitively, longest first, when no lower-case letter follows; digits
///    right after stay on them): `AntiDDoSPackageId` -> `anti_ddos_package_id`;
/// 2. a lower-case run right after two or more capitals joins that acronym when it is `v` before
///    a digit (`IPv6` -> `ipv6`) or `s` before the end, a capital or a digit (`InstanceIDs` ->
///    `instance_ids`, `CIDRs` -> `cidrs`).
///
/// Everything else is exactly heck's: `HTTPServer` -> `http_server`, `CertID` -> `cert_id`.
pub fn snake(wire: &str) -> String {
    let mut words: Vec<String> = Vec::new();
    let plain = |text: &str, words: &mut Vec<String>| {
        if !text.is_empty() {
            let word = join_acronym_tails(text).to_snake_case();
            if !word.is_empty() {
                words.push(word);
            }
        }
    };
    for chunk in wire.split(|c: char| !c.is_ascii_alphanumeric()) {
        let bytes = chunk.as_bytes();
        let (mut start, mut index) = (0, 0);
        while index < bytes.len() {
            let term = MIXED_CASE_TERMS.iter().find(|term| {
                chunk[index..].starts_with(**term) && !bytes.get(index + term.len()).is_some_and(u8::is_ascii_lowercase)
            });
            let Some(term) = term else {
                index += 1;
                continue;
            };
            plain(&chunk[start..index], &mut words);
            let mut end = index + term.len();
            while bytes.get(end).is_some_and(u8::is_ascii_digit) {
                end += 1;
            }
            words.push(chunk[index..end].to_ascii_lowercase());
            (start, index) = (end, end);
        }
        plain(&chunk[start..], &mut words);
    }
    words.join("_")
}

/// Upper-cases the lower-case runs that belong to the acronym before them (rule 2 of [`snake`]).
fn join_acronym_tails(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = bytes.to_vec();
    let mut index = 0;
    while index < bytes.len() {
        if !bytes[index].is_ascii_lowercase() {
            index += 1;
            continue;
        }
        let end = index + bytes[index..].iter().take_while(|byte| byte.is_ascii_lowercase()).count();
        let capitals = bytes[..index].iter().rev().take_while(|byte| byte.is_ascii_uppercase()).count();
        let next = bytes.get(end).copied();
        let version = &bytes[index..end] == b"v" && next.is_some_and(|c| c.is_ascii_digit());
        let plural = &bytes[index..end] == b"s" && next.is_none_or(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
        if capitals >= 2 && (version || plural) {
            out[index..end].make_ascii_uppercase();
        }
        index = end;
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_owned())
}

/// The PascalCase a snake_case name turns back into (each `_`-separated word capitalised), as
/// `#[derive(Wire)]` derives a member's JSON key: when it differs from the wire name, the
/// emitters write the key out.
pub fn pascal(snake: &str) -> String {
    snake
        .split('_')
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map(|first| first.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
        })
        .collect()
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

/// The name of a static item for an action's module name (`CERTIFICATE_ORDER_SUBMIT_INFO`).
pub fn static_name(module: &str, suffix: &str) -> String {
    format!("{}_{suffix}", module.to_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_map_to_rust_names_by_one_rule() {
        for (wire, rust) in [
            ("CertId", "cert_id"),
            ("CertID", "cert_id"),
            ("DeleteDnsAutoRecord", "delete_dns_auto_record"),
            ("DescribeIPv6Addresses", "describe_ipv6_addresses"),
            ("IPv4Address", "ipv4_address"),
            ("AntiDDoSPackageId", "anti_ddos_package_id"),
            ("DDoSAI", "ddos_ai"),
            ("OAuth", "oauth"),
            ("InstanceIDs", "instance_ids"),
            ("ClusterIDsWithAppId", "cluster_ids_with_app_id"),
            ("CIDRs", "cidrs"),
            ("MySQLVersion", "mysql_version"),
            ("SAMLIdPCertificates", "saml_idp_certificates"),
            ("HTTPSPort", "https_port"),
            ("HTTPServer", "http_server"),
            ("IsSM", "is_sm"),
            ("VPCId", "vpc_id"),
            ("XPos", "x_pos"),
            ("CPUNum", "cpu_num"),
            ("Ipv6CidrBlock", "ipv6_cidr_block"),
            ("MaximumTTLInSeconds", "maximum_ttl_in_seconds"),
            ("Type", "type"),
        ] {
            assert_eq!(snake(wire), rust, "{wire}");
        }
        assert_eq!(error_variant("FailedOperation.NetworkError"), "FailedOperationNetworkError");
        assert!(is_keyword("type") && snake_problem("type").is_none());
        assert!(snake_problem("self").is_some() && snake_problem("9lives").is_some());
        assert!(is_type_name("CertificateStatus") && is_type_name("CreateCSR"));
        assert!(!is_type_name("certificateStatus") && !is_type_name("Self") && !is_type_name("Snake_Case"));
        assert_eq!((pascal("cert_id"), pascal("is_sm")), ("CertId".to_owned(), "IsSm".to_owned()));
        assert_eq!(static_name("certificate_order_submit", "INFO"), "CERTIFICATE_ORDER_SUBMIT_INFO");
    }
}
