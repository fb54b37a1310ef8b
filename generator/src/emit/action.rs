//! One file per action: request, builder, response, error codes, and the client method.
//! Everything here is data and one call into the runtime.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::data::{field_docs, ident, struct_members, value_type};
use super::docs::{markdown_attrs, prose};
use super::errors::error_code_enum;
use crate::ir::{Action, ActionErrors, Field, Paginate, Scalar, TypeRef};

/// The type names generated for one action.
pub struct ActionNames {
    /// `{Action}Request`.
    pub request: Ident,
    /// `{Action}Response`.
    pub response: Ident,
    /// `{Action}Builder`.
    pub builder: Ident,
    /// `{Action}ErrorCode`.
    pub error_code: Ident,
    /// The static `ActionInfo`, `{ACTION}_INFO`.
    pub info: Ident,
}

impl ActionNames {
    /// The names for `action`.
    pub fn of(action: &Action) -> Self {
        Self {
            request: format_ident!("{}Request", action.name),
            response: format_ident!("{}Response", action.name),
            builder: format_ident!("{}Builder", action.name),
            error_code: format_ident!("{}ErrorCode", action.name),
            info: format_ident!("{}_INFO", action.snake.to_uppercase()),
        }
    }
}

/// The whole module of one action.
pub fn action_module(action: &Action) -> TokenStream {
    let names = ActionNames::of(action);
    let ActionNames { request, response, builder, error_code, info } = &names;
    let name = &action.name;
    let method = ident(&action.snake);

    let mut summary = format!("{}.\n\n{}", prose(action.title.trim_end_matches('.')), prose(&action.doc));
    if let Some(limit) = action.rate_limit {
        summary.push_str(&format!(
            "\n\nAt most {limit} requests per second: the client paces calls to this limit unless configured otherwise."
        ));
    }
    if action.deprecated {
        summary.push_str("\n\nDeprecated by Tencent Cloud.");
    }
    let action_docs = markdown_attrs(&summary);
    let request_docs = markdown_attrs(&format!("Parameters of `{name}`. Build one with [`{request}::builder`]."));
    let response_docs = markdown_attrs(&format!("The result of a successful `{name}` call."));
    let request_members = struct_members(&action.request);
    let response_members = struct_members(&action.response);

    let error_code_item = match &action.errors {
        ActionErrors::Own(codes) => error_code_enum(
            error_code,
            &format!("Error codes of `{name}`: the codes it documents and the common codes."),
            codes,
        ),
        ActionErrors::Service => {
            let alias_doc =
                format!("Error codes of `{name}`: it documents no list of its own, so any code of the service.");
            quote! {
                #[doc = #alias_doc]
                pub type #error_code = super::ErrorCode;
            }
        }
    };

    let rate_limit = match action.rate_limit {
        Some(limit) => quote!(Some(#limit)),
        None => quote!(None),
    };
    let info_doc = format!(" What the spec says about `{name}`.");
    let region_required = action.region_required;
    let unsigned = action.unsigned;
    let examples = action.examples.iter().map(|example| {
        let (title, request_json, response_json) = (&example.title, &example.request, &example.response);
        quote!(::tcapi_runtime::ExampleInfo { title: #title, request: #request_json, response: #response_json })
    });
    let builder_item = builder_items(action, &names);
    let paginate_item = action.paginate.as_ref().map(|paginate| paginator(paginate, &names)).unwrap_or_default();

    quote! {
        use serde::{Deserialize, Serialize};

        #[allow(unused_imports)]
        use super::types::*;

        #request_docs
        #[derive(Debug, Clone, PartialEq, Serialize)]
        #[non_exhaustive]
        pub struct #request { #request_members }

        #response_docs
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        #[non_exhaustive]
        pub struct #response {
            #response_members
            /// The unique ID of the request, for Tencent Cloud support.
            #[serde(rename = "RequestId")]
            pub request_id: String,
        }

        #error_code_item

        #[doc = #info_doc]
        pub static #info: ::tcapi_runtime::ActionInfo = ::tcapi_runtime::ActionInfo {
            name: #name,
            service: &super::SERVICE,
            rate_limit: #rate_limit,
            region_required: #region_required,
            unsigned: #unsigned,
            examples: &[#(#examples),*],
        };

        impl ::tcapi_runtime::Action for #request {
            type Output = #response;
            type ErrorCode = #error_code;
            const INFO: &'static ::tcapi_runtime::ActionInfo = &#info;
        }

        #builder_item

        #paginate_item

        impl super::Client {
            #action_docs
            pub fn #method(&self) -> #builder<super::Client> {
                #builder::new(self.clone())
            }
        }
    }
}

/// The builder: a setter per parameter, `build()` checking required ones, and `send()` when it
/// came from a client.
fn builder_items(action: &Action, names: &ActionNames) -> TokenStream {
    let ActionNames { request, response, builder, error_code, .. } = names;
    let field_names: Vec<Ident> = action.request.iter().map(|field| ident(&field.rust_name)).collect();
    let value_types: Vec<TokenStream> = action.request.iter().map(value_type).collect();
    let setters = action.request.iter().zip(&field_names).map(|(field, name)| setter(field, name));
    let assignments = action.request.iter().zip(&field_names).map(|(field, name)| {
        let wire = &field.wire_name;
        if field.optional {
            quote!(#name: self.#name)
        } else {
            quote!(#name: self.#name.ok_or_else(|| ::tcapi_runtime::BuildError::missing(#wire))?)
        }
    });
    let builder_doc = format!(
        " Builds a [`{request}`]; from [`Client::{}`](super::Client::{}) it also sends it.",
        action.snake, action.snake
    );
    quote! {
        #[doc = #builder_doc]
        #[derive(Debug, Clone)]
        #[must_use]
        pub struct #builder<C = ()> {
            client: C,
            #( #field_names: Option<#value_types>, )*
        }

        impl #request {
            /// A builder with no parameter set.
            pub fn builder() -> #builder {
                #builder::new(())
            }
        }

        impl<C> #builder<C> {
            fn new(client: C) -> Self {
                Self { client, #( #field_names: None, )* }
            }

            #( #setters )*

            /// The request, or an error naming the first required parameter that is not set.
            pub fn build(self) -> Result<#request, ::tcapi_runtime::BuildError> {
                Ok(#request { #( #assignments, )* })
            }
        }

        impl #builder<super::Client> {
            /// Sends the request: paced, signed, retried when safe, decoded.
            pub async fn send(self) -> Result<#response, ::tcapi_runtime::Error<#error_code>> {
                let client = self.client.clone();
                let request = self.build().map_err(::tcapi_runtime::Error::Build)?;
                client.send(&request).await
            }
        }
    }
}

fn setter(field: &Field, name: &Ident) -> TokenStream {
    let docs = field_docs(field);
    let element = super::data::element_type(&field.ty);
    let (argument, conversion) = match (&field.ty, field.list) {
        (_, true) => (quote!(impl IntoIterator<Item = #element>), quote!(value.into_iter().collect())),
        (TypeRef::Scalar(Scalar::String | Scalar::Date | Scalar::DateTime | Scalar::DateTimeIso), false) => {
            (quote!(impl Into<String>), quote!(value.into()))
        }
        _ => (quote!(#element), quote!(value)),
    };
    quote! {
        #docs
        pub fn #name(mut self, value: #argument) -> Self {
            self.#name = Some(#conversion);
            self
        }
    }
}

/// `Paginated` for the request, and `into_stream()` on the builder of a client.
fn paginator(paginate: &Paginate, names: &ActionNames) -> TokenStream {
    let ActionNames { request, response, builder, error_code, .. } = names;
    let item = super::data::element_type(&paginate.items.ty);
    let items = ident(&paginate.items.rust_name);
    let offset = ident(&paginate.offset.rust_name);
    let total = ident(&paginate.total.rust_name);
    let is_signed = |field: &Field| field.ty == TypeRef::Scalar(Scalar::Int64);
    // Offsets travel as u64 in the runtime; the wire types may be i64 and may be optional.
    let read_offset = match (paginate.offset.optional, is_signed(&paginate.offset)) {
        (true, true) => quote!(self.#offset.map_or(0, |offset| u64::try_from(offset).unwrap_or(0))),
        (true, false) => quote!(self.#offset.unwrap_or(0)),
        (false, true) => quote!(u64::try_from(self.#offset).unwrap_or(0)),
        (false, false) => quote!(self.#offset),
    };
    let new_offset =
        if is_signed(&paginate.offset) { quote!(i64::try_from(offset).unwrap_or(i64::MAX)) } else { quote!(offset) };
    let new_offset = if paginate.offset.optional { quote!(Some(#new_offset)) } else { new_offset };
    let read_total = match (paginate.total.optional, is_signed(&paginate.total)) {
        (true, true) => quote!(output.#total.and_then(|total| u64::try_from(total).ok())),
        (true, false) => quote!(output.#total),
        (false, true) => quote!(u64::try_from(output.#total).ok()),
        (false, false) => quote!(Some(output.#total)),
    };
    let read_items =
        if paginate.items.optional { quote!(output.#items.unwrap_or_default()) } else { quote!(output.#items) };
    quote! {
        impl ::tcapi_runtime::paginate::Paginated for #request {
            type Item = #item;

            fn offset(&self) -> u64 {
                #read_offset
            }

            fn with_offset(&self, offset: u64) -> Self {
                Self { #offset: #new_offset, ..self.clone() }
            }

            fn total_count(output: &#response) -> Option<u64> {
                #read_total
            }

            fn into_items(output: #response) -> Vec<#item> {
                #read_items
            }
        }

        impl #builder<super::Client> {
            /// Every item of every page, fetched a page at a time as the stream is read.
            pub fn into_stream(
                self,
            ) -> impl futures_core::Stream<Item = Result<#item, ::tcapi_runtime::Error<#error_code>>> + Send {
                let client = self.client.runtime().clone();
                ::tcapi_runtime::paginate::paginate(client, self.build())
            }
        }
    }
}
