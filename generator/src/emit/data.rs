//! Structures, enumerations and the Rust types of fields.

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};

use super::docs::{doc_attrs, markdown_attrs, prose};
use crate::ir::{Enum, Field, Scalar, Structure, TypeRef, WireValue};
use crate::spec::EnumRepr;

/// An identifier for a name that validation accepted (raw when it is a keyword).
pub fn ident(name: &str) -> Ident {
    if crate::names::is_keyword(name) { Ident::new_raw(name, Span::call_site()) } else { format_ident!("{}", name) }
}

/// The Rust type of one element of a field (without `Vec` or `Option`).
pub fn element_type(ty: &TypeRef) -> TokenStream {
    match ty {
        TypeRef::Scalar(Scalar::String | Scalar::Date | Scalar::DateTime | Scalar::DateTimeIso) => quote!(String),
        TypeRef::Scalar(Scalar::Int64) => quote!(i64),
        TypeRef::Scalar(Scalar::UInt64) => quote!(u64),
        TypeRef::Scalar(Scalar::Bool | Scalar::IntBool) => quote!(bool),
        TypeRef::Scalar(Scalar::Float) => quote!(f64),
        TypeRef::Enum(name) | TypeRef::Structure(name) => {
            let name = ident(name);
            quote!(#name)
        }
    }
}

/// The Rust type of a field without its `Option` (a `Vec` for lists).
pub fn value_type(field: &Field) -> TokenStream {
    let element = element_type(&field.ty);
    match (field.list, field.boxed) {
        (true, _) => quote!(Vec<#element>),
        (false, true) => quote!(Box<#element>),
        (false, false) => element,
    }
}

/// The Rust type of a field as a struct member.
pub fn field_type(field: &Field) -> TokenStream {
    let value = value_type(field);
    if field.optional { quote!(Option<#value>) } else { value }
}

/// Doc attributes of a field: its doc, its wire format when that is not obvious, deprecation.
pub fn field_docs(field: &Field) -> TokenStream {
    let mut text = if field.doc.trim().is_empty() { format!("`{}`.", field.wire_name) } else { prose(&field.doc) };
    let format = match field.ty {
        TypeRef::Scalar(Scalar::Date) => Some("A date, `YYYY-MM-DD`."),
        TypeRef::Scalar(Scalar::DateTime) => Some("A date and time, `YYYY-MM-DD hh:mm:ss`."),
        TypeRef::Scalar(Scalar::DateTimeIso) => Some("A date and time in ISO 8601."),
        TypeRef::Scalar(Scalar::IntBool) => Some("Sent as the integer `0` or `1`."),
        _ => None,
    };
    if let Some(format) = format {
        text.push_str("\n\n");
        text.push_str(format);
    }
    if field.deprecated {
        text.push_str("\n\nDeprecated by Tencent Cloud.");
    }
    markdown_attrs(&text)
}

/// `#[serde(...)]` of a member: wire name, and for optional members: absent when `None`.
pub fn serde_attrs(field: &Field) -> TokenStream {
    let wire = &field.wire_name;
    let int_bool = field.ty == TypeRef::Scalar(Scalar::IntBool);
    match (field.optional, int_bool) {
        (false, false) => quote!(#[serde(rename = #wire)]),
        (false, true) => quote!(#[serde(rename = #wire, with = "::tcapi_runtime::wire::int_bool")]),
        (true, false) => quote!(#[serde(rename = #wire, default, skip_serializing_if = "Option::is_none")]),
        (true, true) => quote! {
            #[serde(rename = #wire, default, skip_serializing_if = "Option::is_none", with = "::tcapi_runtime::wire::int_bool_option")]
        },
    }
}

/// The members of a struct, documented and with serde attributes.
pub fn struct_members(fields: &[Field]) -> TokenStream {
    let members = fields.iter().map(|field| {
        let docs = field_docs(field);
        let serde = serde_attrs(field);
        let name = ident(&field.rust_name);
        let ty = field_type(field);
        quote! { #docs #serde pub #name: #ty, }
    });
    quote!(#(#members)*)
}

/// A data structure: plain public members, serializable both ways.
pub fn structure(structure: &Structure) -> TokenStream {
    let docs = doc_attrs(&structure.doc);
    let name = ident(&structure.name);
    let members = struct_members(&structure.fields);
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        pub struct #name { #members }
    }
}

/// An enumeration with an `Unknown` variant that keeps values the spec does not list.
pub fn enumeration(item: &Enum) -> TokenStream {
    let docs = doc_attrs(&item.doc);
    let name = ident(&item.name);
    let variants: Vec<Ident> = item.variants.iter().map(|variant| ident(&variant.name)).collect();
    let variant_docs = item.variants.iter().map(|variant| {
        let wire = match &variant.value {
            WireValue::Integer(number) => number.to_string(),
            WireValue::String(text) => format!("{text:?}"),
        };
        markdown_attrs(&format!("{}\n\nWire value `{wire}`.", prose(&variant.doc)))
    });
    let (raw, wire_type, to_wire, unknown_doc) = match item.repr {
        EnumRepr::Integer => {
            (quote!(i64), quote!(i64), quote!(*raw), " A value the spec does not list, as the server sent it.")
        }
        EnumRepr::String => (
            quote!(String),
            quote!(&str),
            quote!(raw.as_str()),
            " A value the spec does not list, as the server sent it.",
        ),
    };
    let literals: Vec<TokenStream> = item
        .variants
        .iter()
        .map(|variant| match &variant.value {
            WireValue::Integer(number) => quote!(#number),
            WireValue::String(text) => quote!(#text),
        })
        .collect();
    let (serialize, deserialize, from_unknown) = match item.repr {
        EnumRepr::Integer => (
            quote!(serializer.serialize_i64(self.wire_value())),
            quote!(i64::deserialize(deserializer).map(Self::from_wire_value)),
            quote!(other => Self::Unknown(other)),
        ),
        EnumRepr::String => (
            quote!(serializer.serialize_str(self.wire_value())),
            quote! {
                let raw = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
                Ok(Self::from_wire_value(&raw))
            },
            quote!(other => Self::Unknown(other.to_owned())),
        ),
    };
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum #name {
            #( #variant_docs #variants, )*
            #[doc = #unknown_doc]
            Unknown(#raw),
        }

        impl #name {
            /// The value sent on the wire.
            pub fn wire_value(&self) -> #wire_type {
                match self {
                    #( Self::#variants => #literals, )*
                    Self::Unknown(raw) => #to_wire,
                }
            }

            /// The variant for a wire value; values the spec does not list become `Unknown`.
            pub fn from_wire_value(value: #wire_type) -> Self {
                match value {
                    #( #literals => Self::#variants, )*
                    #from_unknown,
                }
            }
        }

        impl Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                #serialize
            }
        }

        impl<'de> Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                #deserialize
            }
        }
    }
}
