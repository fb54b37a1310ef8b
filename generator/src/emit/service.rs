//! The files of one service: its module root (service info, client, re-exports), its types, its
//! service-wide error codes and its examples.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::Piece;
use super::docs::{inner_markdown_attrs, prose};
use super::types::{enumeration, error_code_enum, structure};
use crate::ir::{ErrorCode, Field, Scalar, Service, TypeRef};

/// `<module>/mod.rs`.
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
    // The service's files are included into its module, so its items need no re-export and
    // every name is one of the module's (validation claimed each in its namespace).
    let files = ["errors.rs".to_owned(), "types.rs".to_owned()]
        .into_iter()
        .chain(service.actions.iter().map(|action| format!("{}.rs", action.names.module)));
    let infos = service.actions.iter().map(|action| format_ident!("{}", action.names.info));
    let client_doc = format!(
        " A client of {} (`{}`). Cheap to clone: clones share connections and rate limits.",
        prose(&service.title),
        service.name
    );
    quote! {
        #module_doc
        #example

        #( ::core::include!(#files); )*

        #[cfg(any(test, feature = "mock"))]
        mod examples;
        #[cfg(test)]
        mod tests;

        /// The spec's examples, what the mock server answers with (feature `mock`).
        #[cfg(any(test, feature = "mock"))]
        pub use self::examples::EXAMPLES;

        /// The service as its spec describes it.
        pub static SERVICE: ::tcapi_runtime::ServiceInfo = ::tcapi_runtime::ServiceInfo {
            name: #name,
            version: #version,
            endpoint: #endpoint,
            mainland_endpoint: #mainland,
            error_facts: <ErrorCode as ::tcapi_runtime::ErrorCode>::facts_of,
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
            ) -> ::core::result::Result<A::Output, ::tcapi_runtime::Error<A::ErrorCode>> {
                self.runtime.send(request).await
            }
        }

        impl ::core::convert::AsRef<::tcapi_runtime::Client> for Client {
            fn as_ref(&self) -> &::tcapi_runtime::Client {
                &self.runtime
            }
        }
    }
}

/// A compiled (`no_run`) example in the module docs: the first action whose required parameters
/// are all simple values to write down.
fn doc_example(service: &Service) -> TokenStream {
    // What a reader tries first: a query (`Describe...`), of the documented (rate-limited, so
    // often used) and paged ones if there are, with the fewest required parameters, the shortest.
    let is_query = |name: &str| ["Describe", "List", "Get", "Query"].iter().any(|verb| name.starts_with(verb));
    let calls = service
        .actions
        .iter()
        .enumerate()
        .filter_map(|(index, action)| {
            let required: Vec<_> = action.request.iter().filter(|field| field.required).collect();
            let setters: Option<String> = required
                .iter()
                .map(|field| Some(format!("\n    .{}({})", field.rust_name, example_argument(service, field)?)))
                .collect();
            let rank = (
                !is_query(&action.name),
                action.rate_limit.is_none(),
                action.paginate.is_none(),
                required.len(),
                action.name.len(),
                index,
            );
            Some((rank, action, setters?))
        })
        .min_by_key(|(rank, _, _)| *rank);
    let Some((_, action, setters)) = calls else { return TokenStream::new() };
    let code = format!(
        "```no_run\n# async fn example() -> Result<(), Box<dyn std::error::Error>> {{\nlet client = tcapi::{module}::Client::new(tcapi::Config::from_env()?);\nlet response = client\n    .{method}(){setters}\n    .send()\n    .await?;\nprintln!(\"{{response:?}}\");\n# Ok(())\n# }}\n```",
        module = service.module,
        method = action.names.module,
    );
    inner_markdown_attrs(&format!("\n{code}"))
}

/// An argument of the right type for the doc example; `None` for a structure.
fn example_argument(service: &Service, field: &Field) -> Option<String> {
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

/// `<module>/types.rs`: the spec's enums and structures.
pub fn types_file(service: &Service) -> Vec<Piece> {
    // Included into the service's module, so no inner doc comment.
    let mut pieces: Vec<Piece> = service.enums.iter().map(|item| Piece::Table(enumeration(item))).collect();
    let structures = service.structures.iter().map(structure);
    pieces.push(Piece::Items(quote!( #( #structures )* )));
    pieces
}

/// `<module>/errors.rs`: the service-wide error-code enum.
pub fn errors_file(service: &Service, common: &[ErrorCode]) -> Vec<Piece> {
    let doc = format!(
        "Every error code of {} (`{}`): its own codes and the common codes.",
        prose(&service.title),
        service.name
    );
    vec![Piece::Table(error_code_enum("ErrorCode", &doc, &service.errors, common))]
}

/// `<module>/examples.rs`: the spec's examples, in test builds and for the mock server only.
pub fn examples_file(service: &Service) -> TokenStream {
    let examples = service.actions.iter().flat_map(|action| {
        action.examples.iter().map(move |example| {
            let (name, title, request, response) = (&action.name, &example.title, &example.request, &example.response);
            quote!(::tcapi_runtime::ExampleInfo { action: #name, title: #title, request: #request, response: #response })
        })
    });
    quote! {
        //! The spec's examples: what the mock server answers with and the tests check.
        /// Every example of the service's actions, in spec order.
        pub static EXAMPLES: &[::tcapi_runtime::ExampleInfo] = &[ #( #examples ),* ];
    }
}
