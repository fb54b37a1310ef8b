//! One file per action: its request (with its builder, derived), its response, its error codes,
//! its `ActionInfo`, and the client method. Everything here is data and one call into the runtime.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::Piece;
use super::docs::{markdown_attrs, prose};
use super::types::{element_type, error_code_enum, ident, struct_members};
use crate::ir::{Action, ActionErrors, ErrorCode, Field, PageStyle, Paginate};

/// The identifiers of one action's items, from the names validation decided.
struct Names {
    request: Ident,
    response: Ident,
    builder: Ident,
    error_code: Ident,
    info: Ident,
    method: Ident,
}

impl Names {
    fn of(action: &Action) -> Self {
        let names = &action.names;
        Names {
            request: format_ident!("{}", names.request),
            response: format_ident!("{}", names.response),
            builder: format_ident!("{}", names.builder),
            error_code: format_ident!("{}", names.error_code),
            info: format_ident!("{}", names.info),
            method: ident(&names.module),
        }
    }
}

/// The whole module of one action. `common` are the crate's common error codes.
pub fn action_module(action: &Action, common: &[ErrorCode]) -> Vec<Piece> {
    let names = Names::of(action);
    let Names { request, response, builder, error_code, info, method } = &names;
    let name = &action.name;

    let mut summary = format!("{}.\n\n{}", prose(action.title.trim_end_matches('.')), prose(&action.doc));
    if let Some(limit) = action.rate_limit {
        summary.push_str(&format!(
            "\n\nAt most {limit} requests per second: the client paces calls to this limit unless configured otherwise."
        ));
    }
    if action.region_required {
        summary.push_str("\n\nNeeds a region: the call fails before sending when none is configured.");
    }
    if action.idempotency_token.is_some() {
        summary.push_str("\n\nIdempotent: every attempt carries the same token, so a timed-out call is retried too.");
    }
    if action.deprecated {
        summary.push_str("\n\nDeprecated by Tencent Cloud.");
    }
    let action_docs = markdown_attrs(&summary);
    let request_docs = markdown_attrs(&format!(
        "Parameters of `{name}`. Build one with [`{request}::builder`], or from the client's [`{method}`](Client::{method}); each setter has the parameter's documentation."
    ));
    let response_docs = markdown_attrs(&format!("The result of a successful `{name}` call."));
    let request_members = struct_members(&action.request);
    let response_members = struct_members(&action.response);

    let error_code_item = match &action.errors {
        ActionErrors::Own(codes) => Piece::Table(error_code_enum(
            &action.names.error_code,
            &format!("Error codes of `{name}`: the codes it documents and the common codes."),
            codes,
            common,
        )),
        ActionErrors::Service => {
            let alias_doc =
                format!(" Error codes of `{name}`: it documents no list of its own, so any code of the service.");
            Piece::Items(quote! {
                #[doc = #alias_doc]
                pub type #error_code = ErrorCode;
            })
        }
    };

    let mut info_value = quote!(::tcapi_runtime::ActionInfo::new(#name, &SERVICE));
    if let Some(limit) = action.rate_limit {
        info_value = quote!(#info_value.rate_limit(#limit));
    }
    if action.region_required {
        info_value = quote!(#info_value.region_required());
    }
    if action.unsigned {
        info_value = quote!(#info_value.unsigned());
    }
    if let Some(token) = &action.idempotency_token {
        info_value = quote!(#info_value.idempotency_token(#token));
    }
    if !action.retryable.is_empty() {
        let codes = &action.retryable;
        info_value = quote!(#info_value.retryable_codes(&[#(#codes),*]));
    }
    let info_doc = format!(" What the spec says about `{name}`.");
    let paginate_item = action.paginate.as_ref().map(|paginate| paginator(paginate, &names)).unwrap_or_default();

    let types = quote! {
        #request_docs
        #[derive(Debug, Clone, Default, PartialEq, ::tcapi_runtime::Wire)]
        #[wire(builder = #builder)]
        #[non_exhaustive]
        pub struct #request { #request_members }

        #response_docs
        #[derive(Debug, Clone, Default, PartialEq, ::tcapi_runtime::Wire)]
        #[non_exhaustive]
        pub struct #response {
            #response_members
            /// The unique ID of the request, for Tencent Cloud support.
            pub request_id: ::std::string::String,
            /// What decoding corrected: values the server sent unlike the spec says, read without loss.
            #[wire(corrections)]
            pub corrections: ::tcapi_runtime::Corrections,
        }
    };
    let rest = quote! {
        #[doc = #info_doc]
        pub static #info: ::tcapi_runtime::ActionInfo = #info_value;

        impl ::tcapi_runtime::Action for #request {
            type Output = #response;
            type ErrorCode = #error_code;
            const INFO: &'static ::tcapi_runtime::ActionInfo = &#info;
        }

        impl #builder<Client> {
            /// Sends the request: paced, signed, retried when safe, decoded.
            pub fn send(self) -> impl ::core::future::Future<Output = ::tcapi_runtime::Result<#response, #error_code>> {
                ::tcapi_runtime::Client::send_built(self.build_with_client())
            }
        }

        #paginate_item

        impl Client {
            #action_docs
            pub fn #method(&self) -> #builder<Client> {
                #builder::with_client(::core::clone::Clone::clone(self))
            }
        }
    };
    vec![Piece::Items(types), error_code_item, Piece::Items(rest)]
}

/// `Paginated` for the request (where the page stands, the items), and `into_stream()`.
fn paginator(paginate: &Paginate, names: &Names) -> TokenStream {
    let Names { request, builder, error_code, .. } = names;
    let item = element_type(&paginate.items.ty);
    let items = ident(&paginate.items.rust_name);
    let member = |field: &Field| ident(&field.rust_name);
    let (position, with_position, page_size) = match &paginate.style {
        PageStyle::Offset { offset, limit } | PageStyle::Page { page: offset, limit } => {
            let kind = if matches!(paginate.style, PageStyle::Offset { .. }) { quote!(Offset) } else { quote!(Page) };
            let offset = member(offset);
            let page_size = limit.as_ref().map(|limit| {
                let limit = member(limit);
                quote! {
                    fn page_size(&self) -> ::core::option::Option<u64> {
                        ::tcapi_runtime::paginate::PageNumber::number(&self.#limit)
                    }
                }
            });
            (
                quote!(::tcapi_runtime::paginate::Position::#kind(::tcapi_runtime::paginate::PageNumber::number(&self.#offset).unwrap_or_default())),
                quote!(::tcapi_runtime::paginate::PageNumber::set(&mut next.#offset, position.number())),
                page_size,
            )
        }
        PageStyle::Token { token, .. } => {
            let token = member(token);
            (
                quote!(::tcapi_runtime::paginate::Position::Token(::core::clone::Clone::clone(&self.#token))),
                quote!(next.#token = position.token()),
                None,
            )
        }
    };
    let total = paginate.total.as_ref().map(|total| {
        let total = member(total);
        quote! {
            fn total(output: &Self::Output) -> ::core::option::Option<u64> {
                ::tcapi_runtime::paginate::PageNumber::number(&output.#total)
            }
        }
    });
    let next_token = match &paginate.style {
        PageStyle::Token { next_token, .. } => {
            let next_token = member(next_token);
            quote! {
                fn next_token(output: &Self::Output) -> ::core::option::Option<::std::string::String> {
                    ::tcapi_runtime::paginate::PageToken::token(&output.#next_token)
                }
            }
        }
        _ => TokenStream::new(),
    };
    quote! {
        impl ::tcapi_runtime::paginate::Paginated for #request {
            type Item = #item;

            fn position(&self) -> ::tcapi_runtime::paginate::Position {
                #position
            }

            fn with_position(&self, position: ::tcapi_runtime::paginate::Position) -> Self {
                let mut next = ::core::clone::Clone::clone(self);
                #with_position;
                next
            }

            #page_size
            #total
            #next_token

            fn into_items(output: Self::Output) -> ::std::vec::Vec<Self::Item> {
                ::tcapi_runtime::paginate::PageItems::into_items(output.#items)
            }
        }

        impl #builder<Client> {
            /// Every item of every page, fetched a page at a time as the stream is read.
            pub fn into_stream(
                self,
            ) -> impl ::tcapi_runtime::paginate::Stream<Item = ::core::result::Result<#item, ::tcapi_runtime::Error<#error_code>>> + Send {
                let runtime = ::core::clone::Clone::clone(self.client.runtime());
                ::tcapi_runtime::paginate::paginate(runtime, self.build())
            }
        }
    }
}
