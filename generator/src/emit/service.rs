//! The files of one service: its module root (service info, client, re-exports), its types and
//! its service-wide error codes.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::action::ActionNames;
use super::data::{enumeration, ident, structure};
use super::docs::{inner_markdown_attrs, prose};
use super::errors::error_code_enum;
use crate::ir::Service;

/// `services/<module>/mod.rs`.
pub fn module_root(service: &Service) -> TokenStream {
    let module_doc = {
        let mut text = format!("{} (`{}`, API version {}).", prose(&service.title), service.name, service.version);
        if !service.doc.trim().is_empty() {
            text.push_str("\n\n");
            text.push_str(&prose(&service.doc));
        }
        text.push_str(&format!(
            "\n\nDefault endpoint `{}` (international site); `{}` on the mainland site.",
            service.endpoint, service.mainland_endpoint
        ));
        text.push_str(&format!("\n\nEnabled by the cargo feature `{}`.", service.module));
        inner_markdown_attrs(&text)
    };
    let example = doc_example(service);
    let (name, version, endpoint, mainland) =
        (&service.name, &service.version, &service.endpoint, &service.mainland_endpoint);
    let modules: Vec<_> = service.actions.iter().map(|action| ident(&action.snake)).collect();
    let infos: Vec<_> = service.actions.iter().map(|action| ActionNames::of(action).info).collect();
    let client_doc = format!(
        " A client of {} (`{}`). Cheap to clone: clones share connections and rate limits.",
        prose(&service.title),
        service.name
    );
    // A service without enums or structures has nothing to re-export (and the glob would warn).
    let types_export = if service.enums.is_empty() && service.structures.is_empty() {
        TokenStream::new()
    } else {
        quote!(
            pub use types::*;
        )
    };
    quote! {
        #module_doc
        #example

        mod errors;
        mod types;
        #( mod #modules; )*
        #[cfg(test)]
        mod tests;

        pub use errors::ErrorCode;
        #types_export
        #( pub use #modules::*; )*

        /// The service as its spec describes it.
        pub static SERVICE: ::tcapi_runtime::ServiceInfo = ::tcapi_runtime::ServiceInfo {
            name: #name,
            version: #version,
            endpoint: #endpoint,
            mainland_endpoint: #mainland,
        };

        /// Every action of the service, for the mock server and for tools.
        pub static ACTIONS: &[&::tcapi_runtime::ActionInfo] = &[ #( &#infos ),* ];

        #[doc = #client_doc]
        #[derive(Debug, Clone)]
        pub struct Client {
            runtime: ::tcapi_runtime::Client,
        }

        impl Client {
            /// A client with its own connections and rate limits.
            pub fn new(config: ::tcapi_runtime::Config) -> Self {
                Self { runtime: ::tcapi_runtime::Client::new(config) }
            }

            /// A client sharing `runtime`'s connections and rate limits.
            pub fn from_runtime(runtime: ::tcapi_runtime::Client) -> Self {
                Self { runtime }
            }

            /// The service-independent client underneath, to share with other services.
            pub fn runtime(&self) -> &::tcapi_runtime::Client {
                &self.runtime
            }

            /// Sends a request built beforehand, e.g. with its `builder()`.
            pub async fn send<A: ::tcapi_runtime::Action>(
                &self,
                request: &A,
            ) -> Result<A::Output, ::tcapi_runtime::Error<A::ErrorCode>> {
                self.runtime.send(request).await
            }
        }
    }
}

/// A compiled (`no_run`) example in the module docs: the first action whose required parameters
/// are all simple values to write down.
fn doc_example(service: &Service) -> TokenStream {
    let calls = service.actions.iter().find_map(|action| {
        let setters: Option<String> = action
            .request
            .iter()
            .filter(|field| !field.optional)
            .map(|field| Some(format!("\n    .{}({})", field.rust_name, example_argument(service, field)?)))
            .collect();
        Some((action, setters?))
    });
    let Some((action, setters)) = calls else { return TokenStream::new() };
    let code = format!(
        "```no_run\n# async fn example() -> Result<(), Box<dyn std::error::Error>> {{\nlet client = tcapi::{module}::Client::new(tcapi::Config::from_env()?);\nlet response = client\n    .{method}(){setters}\n    .send()\n    .await?;\nprintln!(\"{{response:?}}\");\n# Ok(())\n# }}\n```",
        module = service.module,
        method = action.snake,
    );
    inner_markdown_attrs(&format!("\n{code}"))
}

/// An argument of the right type for the doc example; `None` for a structure.
fn example_argument(service: &Service, field: &crate::ir::Field) -> Option<String> {
    use crate::ir::{Scalar, TypeRef};
    let element = match &field.ty {
        TypeRef::Scalar(Scalar::Int64 | Scalar::UInt64) => "1".to_owned(),
        TypeRef::Scalar(Scalar::Float) => "1.0".to_owned(),
        TypeRef::Scalar(Scalar::Bool | Scalar::IntBool) => "true".to_owned(),
        TypeRef::Scalar(_) => format!("\"{}\"", field.wire_name),
        TypeRef::Enum(name) => match service.enum_named(name).and_then(|item| item.variants.first()) {
            Some(variant) => format!("tcapi::{}::{name}::{}", service.module, variant.name),
            None => return None,
        },
        TypeRef::Structure(_) => return None,
    };
    Some(if field.list { format!("[{element}]") } else { element })
}

/// `services/<module>/types.rs`: the spec's enums and structures.
pub fn types_file(service: &Service) -> TokenStream {
    let enums = service.enums.iter().map(enumeration);
    let structures = service.structures.iter().map(structure);
    let imports = if service.enums.is_empty() && service.structures.is_empty() {
        TokenStream::new()
    } else {
        quote!(
            use serde::{Deserialize, Serialize};
        )
    };
    quote! {
        //! Enumerations and data structures of the service.
        #imports
        #( #enums )*
        #( #structures )*
    }
}

/// `services/<module>/errors.rs`: the service-wide error-code enum.
pub fn errors_file(service: &Service) -> TokenStream {
    let name = format_ident!("ErrorCode");
    let doc = format!(
        "Every error code of {} (`{}`): its own codes and the common codes.",
        prose(&service.title),
        service.name
    );
    let item = error_code_enum(&name, &doc, &service.errors);
    quote! {
        //! The service-wide error codes.
        #item
    }
}
