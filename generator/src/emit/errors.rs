//! Error-code enums: one per service, and one per action that documents its own list.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::docs::{markdown_attrs, prose};
use crate::ir::ErrorCode;

/// An `#[non_exhaustive]` enum of `codes` plus `Unknown(String)`, implementing the runtime's
/// `ErrorCode` trait and `Display` (code and documented message).
pub fn error_code_enum(name: &Ident, doc: &str, codes: &[ErrorCode]) -> TokenStream {
    let docs = markdown_attrs(doc);
    let variants: Vec<Ident> = codes.iter().map(|code| format_ident!("{}", code.variant)).collect();
    let wire: Vec<&str> = codes.iter().map(|code| code.code.as_str()).collect();
    let messages: Vec<&str> = codes.iter().map(|code| code.message.as_str()).collect();
    let variant_docs = codes.iter().map(|code| markdown_attrs(&format!("`{}`: {}", code.code, prose(&code.message))));
    let retryable: Vec<&Ident> =
        codes.iter().zip(&variants).filter(|(code, _)| code.retryable).map(|(_, variant)| variant).collect();
    let is_retryable =
        if retryable.is_empty() { quote!(false) } else { quote!(matches!(self, #( Self::#retryable )|*)) };
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #name {
            #( #variant_docs #variants, )*
            /// A code the spec does not list, as the server sent it.
            Unknown(String),
        }

        impl ::tcapi_runtime::ErrorCode for #name {
            fn from_code(code: &str) -> Self {
                match code {
                    #( #wire => Self::#variants, )*
                    other => Self::Unknown(other.to_owned()),
                }
            }

            fn code(&self) -> &str {
                match self {
                    #( Self::#variants => #wire, )*
                    Self::Unknown(code) => code,
                }
            }

            fn documented_message(&self) -> Option<&'static str> {
                match self {
                    #( Self::#variants => Some(#messages), )*
                    Self::Unknown(_) => None,
                }
            }

            fn is_retryable(&self) -> bool {
                #is_retryable
            }
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                ::tcapi_runtime::action::fmt_error_code(self, f)
            }
        }
    }
}
