//! Structures, enumerations, error-code enums and the Rust types of fields. Every path is fully
//! qualified (`::core::option::Option`, `::tcapi_runtime::...`) and nothing is imported, so no
//! name a spec declares can shadow what generated code means.

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};

use super::docs::{markdown_attrs, prose};
use super::table::{Entry, Table, string_literal};
use crate::ir::{Enum, ErrorCode, Field, Scalar, Structure, TypeRef, WireValue};
use crate::spec::EnumRepr;

/// An identifier for a name that validation accepted (raw when it is a keyword).
pub fn ident(name: &str) -> Ident {
    if crate::names::is_keyword(name) { Ident::new_raw(name, Span::call_site()) } else { format_ident!("{}", name) }
}

/// The Rust type of one element of a field (without `Vec` or `Option`).
pub fn element_type(ty: &TypeRef) -> TokenStream {
    match ty {
        TypeRef::Scalar(scalar) if scalar.is_text() => quote!(::std::string::String),
        TypeRef::Scalar(Scalar::Int64) => quote!(i64),
        TypeRef::Scalar(Scalar::UInt64) => quote!(u64),
        TypeRef::Scalar(Scalar::Bool | Scalar::IntBool) => quote!(bool),
        TypeRef::Scalar(_) => quote!(f64),
        // The service's types are items of the same module (its files are included into it).
        TypeRef::Enum(name) | TypeRef::Structure(name) => {
            let name = ident(name);
            quote!(#name)
        }
    }
}

/// The Rust type of a field as a struct member.
pub fn field_type(field: &Field) -> TokenStream {
    let element = element_type(&field.ty);
    let value = match (field.list, field.boxed) {
        (true, _) => quote!(::std::vec::Vec<#element>),
        (false, true) => quote!(::std::boxed::Box<#element>),
        (false, false) => element,
    };
    if field.optional { quote!(::core::option::Option<#value>) } else { value }
}

/// Doc attributes of a field: its doc, its wire format when that is not obvious, deprecation.
pub fn field_docs(field: &Field) -> TokenStream {
    let mut text = if field.doc.trim().is_empty() { format!("`{}`.", field.wire_name) } else { prose(&field.doc) };
    let mut notes = Vec::new();
    if field.required && field.optional {
        notes.push("Required.");
    }
    match field.ty {
        TypeRef::Scalar(Scalar::Date) => notes.push("A date, `YYYY-MM-DD`."),
        TypeRef::Scalar(Scalar::DateTime) => notes.push("A date and time, `YYYY-MM-DD hh:mm:ss`."),
        TypeRef::Scalar(Scalar::DateTimeIso) => notes.push("A date and time in ISO 8601."),
        TypeRef::Scalar(Scalar::IntBool) => notes.push("Sent as the integer `0` or `1`."),
        _ => {}
    }
    if field.token {
        notes.push("The idempotency token: when unset, the client sends a random UUID, the same on every retry.");
    }
    if field.deprecated {
        notes.push("Deprecated by Tencent Cloud.");
    }
    if !notes.is_empty() {
        text.push_str("\n\n");
        text.push_str(&notes.join(" "));
    }
    markdown_attrs(&text)
}

/// `#[wire(...)]` of a member: its JSON key when it is not the PascalCase of its Rust name, and
/// how it is read and written.
fn wire_attrs(field: &Field) -> TokenStream {
    let mut parts = Vec::new();
    if crate::names::pascal(&field.rust_name) != field.wire_name {
        let wire = &field.wire_name;
        parts.push(quote!(name = #wire));
    }
    if field.required && field.optional {
        parts.push(quote!(required));
    }
    if field.ty == TypeRef::Scalar(Scalar::IntBool) {
        parts.push(quote!(int_bool));
    }
    if field.token {
        parts.push(quote!(token));
    }
    if parts.is_empty() { TokenStream::new() } else { quote!(#[wire(#(#parts),*)]) }
}

/// The members of a struct: docs, `#[wire]`, name and type.
pub fn struct_members(fields: &[Field]) -> TokenStream {
    let members = fields.iter().map(|field| {
        let docs = field_docs(field);
        let wire = wire_attrs(field);
        let name = ident(&field.rust_name);
        let ty = field_type(field);
        quote! { #docs #wire pub #name: #ty, }
    });
    quote!(#(#members)*)
}

/// A data structure: plain public members, its wire form derived; chained setters when requests
/// use it, so that a member Tencent adds later breaks no caller.
pub fn structure(structure: &Structure) -> TokenStream {
    let mut doc = prose(&structure.doc);
    if structure.in_requests {
        doc.push_str("\n\nBuild one member by member: `");
        doc.push_str(&structure.name);
        doc.push_str("::default()` and a setter per member.");
    }
    let docs = markdown_attrs(&doc);
    let name = ident(&structure.name);
    let members = struct_members(&structure.fields);
    let setters = if structure.in_requests { quote!(#[wire(setters)]) } else { TokenStream::new() };
    quote! {
        #docs
        #[derive(Debug, Clone, Default, PartialEq, ::tcapi_runtime::Wire)]
        #setters
        #[non_exhaustive]
        pub struct #name { #members }
    }
}

/// An enumeration, declared as a table for the runtime's macro.
pub fn enumeration(item: &Enum) -> Table {
    let entries = item
        .variants
        .iter()
        .map(|variant| {
            let (wire, value) = match &variant.value {
                WireValue::Integer(number) => (number.to_string(), number.to_string()),
                WireValue::String(text) => (format!("{text:?}"), string_literal(text)),
            };
            let docs = lines(&format!("{}\n\nWire value `{wire}`.", prose(&variant.doc)));
            Entry { docs, variant: variant.name.clone(), value }
        })
        .collect();
    let macro_path = match item.repr {
        EnumRepr::Integer => "::tcapi_runtime::integer_enum",
        EnumRepr::String => "::tcapi_runtime::string_enum",
    };
    Table { macro_path, docs: lines(&prose(&item.doc)), name: item.name.clone(), entries }
}

/// The name of the constant that holds a common code's facts (`AUTH_FAILURE_SIGNATURE_EXPIRE`).
pub fn common_facts_name(code: &ErrorCode) -> String {
    heck::ToShoutySnakeCase::to_shouty_snake_case(code.variant.as_str())
}

/// An error-code enum: one line per code for the runtime's `error_codes!` (which documents each
/// variant with its code), the documented message above each code of the service's own.
/// `common` are the crate's common codes, whose facts are declared once and referred to.
pub fn error_code_enum(name: &str, doc: &str, codes: &[ErrorCode], common: &[ErrorCode]) -> Table {
    let entries = codes
        .iter()
        .map(|code| {
            let shared = code.common
                && common.iter().any(|shared| shared.code == code.code && shared.retryable == code.retryable);
            let (docs, facts) = if shared {
                (Vec::new(), format!("crate::common_errors::{}", common_facts_name(code)))
            } else {
                let mut facts = format!("::tcapi_runtime::CodeFacts::new({})", string_literal(&code.message));
                if code.retryable {
                    facts.push_str(".retryable()");
                }
                if let Some(hint) = &code.hint {
                    facts.push_str(&format!(".hint({})", string_literal(hint)));
                }
                (lines(&prose(&code.message)), facts)
            };
            Entry { docs, variant: code.variant.clone(), value: format!("({}, {facts})", string_literal(&code.code)) }
        })
        .collect();
    Table { macro_path: "::tcapi_runtime::error_codes", docs: lines(doc), name: name.to_owned(), entries }
}

/// The lines of markdown the generator wrote (spec prose in it already escaped by [`prose`]).
fn lines(markdown: &str) -> Vec<String> {
    markdown.lines().map(str::to_owned).collect()
}
