//! `#[derive(Wire)]`: the wire form of tcapi's generated structures, and the builders of requests.
//!
//! Generated code declares plain structures and lets this derive write what is the same for
//! every one of them: the table of members and the one line per member that hands it to the
//! runtime (`tcapi_runtime::wire`), `Serialize`/`Deserialize`, and setters. A member's JSON key
//! is its Rust name in PascalCase (`cert_id` is `CertId`) unless `#[wire(name = "...")]` says
//! otherwise; an `Option` member may be absent, any other is required.
//!
//! Container attributes: `#[wire(builder = NameBuilder)]` adds a builder of the request (a setter
//! per member, `build()`), `#[wire(setters)]` adds chained setters to the structure itself.
//! Member attributes: `name = "Key"`, `required` (an `Option` member the request must set),
//! `int_bool` (a boolean sent as `0`/`1`), `token` (the idempotency token the client fills in),
//! `corrections` (where a response keeps what decoding corrected; not a member on the wire).

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
use syn::spanned::Spanned;
use syn::{Attribute, Data, DeriveInput, Fields, GenericArgument, Ident, LitStr, PathArguments, Type};

/// See the crate documentation.
#[proc_macro_derive(Wire, attributes(wire))]
pub fn derive_wire(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    let input = syn::parse_macro_input!(input as DeriveInput);
    expand(&input).unwrap_or_else(syn::Error::into_compile_error).into()
}

/// What a member's `#[wire(...)]` says, with what its type says.
struct Member<'a> {
    ident: &'a Ident,
    docs: Vec<&'a Attribute>,
    ty: &'a Type,
    wire_name: String,
    optional: bool,
    required: bool,
    int_bool: bool,
    token: bool,
}

/// What the structure's `#[wire(...)]` asks for.
#[derive(Default)]
struct Container {
    builder: Option<Ident>,
    setters: bool,
}

fn expand(input: &DeriveInput) -> syn::Result<TokenStream> {
    if !input.generics.params.is_empty() {
        return Err(syn::Error::new(input.generics.span(), "#[derive(Wire)] takes no generic parameters"));
    }
    let Data::Struct(data) = &input.data else {
        return Err(syn::Error::new(Span::call_site(), "#[derive(Wire)] is for structures"));
    };
    let Fields::Named(named) = &data.fields else {
        return Err(syn::Error::new(data.fields.span(), "#[derive(Wire)] needs named members"));
    };
    let container = container(&input.attrs)?;
    let mut members = Vec::new();
    let mut corrections = None;
    for field in &named.named {
        let Some(ident) = &field.ident else { continue };
        match member(ident, field)? {
            None => corrections = Some(ident),
            Some(member) => members.push(member),
        }
    }
    let name = &input.ident;
    let wire = wire_impls(name, &members, corrections);
    let setters = match (&container.builder, container.setters) {
        (Some(builder), _) => builder_items(name, &input.vis, builder, &members),
        (None, true) => {
            let setters = members.iter().map(|member| setter(member, &quote!(self)));
            quote! {
                impl #name {
                    #( #setters )*
                }
            }
        }
        (None, false) => TokenStream::new(),
    };
    Ok(quote! { #wire #setters })
}

fn container(attrs: &[Attribute]) -> syn::Result<Container> {
    let mut container = Container::default();
    for attr in attrs.iter().filter(|attr| attr.path().is_ident("wire")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("builder") {
                container.builder = Some(meta.value()?.parse()?);
            } else if meta.path.is_ident("setters") {
                container.setters = true;
            } else {
                return Err(meta.error("expected `builder = Name` or `setters`"));
            }
            Ok(())
        })?;
    }
    Ok(container)
}

/// The member, or `None` for the corrections slot.
fn member<'a>(ident: &'a Ident, field: &'a syn::Field) -> syn::Result<Option<Member<'a>>> {
    let bare = ident.to_string();
    let bare = bare.strip_prefix("r#").unwrap_or(&bare);
    let mut member = Member {
        ident,
        docs: field.attrs.iter().filter(|attr| attr.path().is_ident("doc")).collect(),
        ty: &field.ty,
        wire_name: pascal_case(bare),
        optional: generic_argument(&field.ty, "Option").is_some(),
        required: false,
        int_bool: false,
        token: false,
    };
    let mut is_corrections = false;
    for attr in field.attrs.iter().filter(|attr| attr.path().is_ident("wire")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("name") {
                member.wire_name = meta.value()?.parse::<LitStr>()?.value();
            } else if meta.path.is_ident("required") {
                member.required = true;
            } else if meta.path.is_ident("int_bool") {
                member.int_bool = true;
            } else if meta.path.is_ident("token") {
                member.token = true;
            } else if meta.path.is_ident("corrections") {
                is_corrections = true;
            } else {
                return Err(meta.error("expected `name = \"Key\"`, `required`, `int_bool`, `token` or `corrections`"));
            }
            Ok(())
        })?;
    }
    Ok((!is_corrections).then_some(member))
}

/// `cert_id` -> `CertId`: each `_`-separated word capitalised.
fn pascal_case(snake: &str) -> String {
    snake
        .split('_')
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map(|first| first.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
        })
        .collect()
}

/// `T` when `ty` is `wrapper<T>` (matched on the last path segment: `::core::option::Option<T>`).
fn generic_argument<'a>(ty: &'a Type, wrapper: &str) -> Option<&'a Type> {
    let Type::Path(path) = ty else { return None };
    let last = path.path.segments.last()?;
    if last.ident != wrapper {
        return None;
    }
    let PathArguments::AngleBracketed(arguments) = &last.arguments else { return None };
    match arguments.args.first()? {
        GenericArgument::Type(inner) => Some(inner),
        _ => None,
    }
}

fn is_string(ty: &Type) -> bool {
    matches!(ty, Type::Path(path) if path.path.segments.last().is_some_and(|last| last.ident == "String"))
}

fn wire_impls(name: &Ident, members: &[Member<'_>], corrections: Option<&Ident>) -> TokenStream {
    let runtime = quote!(::tcapi_runtime);
    let fields = members.iter().map(|member| {
        let wire_name = &member.wire_name;
        let required = member.required || !member.optional;
        quote!(#runtime::wire::Field::new(#wire_name, #required))
    });
    let decode_arms = members.iter().enumerate().map(|(index, member)| {
        let ident = member.ident;
        let decode = if member.int_bool { quote!(decode_int_bool) } else { quote!(decode_value) };
        quote!(#index => #runtime::wire::#decode(map, &mut self.#ident, cx),)
    });
    let encodes = members.iter().map(|member| {
        let (ident, wire_name) = (member.ident, &member.wire_name);
        if member.token {
            quote!(#runtime::wire::encode_token(map, #wire_name, &self.#ident, cx)?;)
        } else if member.int_bool {
            quote!(#runtime::wire::encode_int_bool(map, #wire_name, &self.#ident)?;)
        } else {
            quote!(#runtime::wire::encode_value(map, #wire_name, &self.#ident)?;)
        }
    });
    let checks = members.iter().map(|member| {
        let (ident, wire_name) = (member.ident, &member.wire_name);
        let check = if member.required { quote!(check_present) } else { quote!(check_nested) };
        quote!(#runtime::wire::#check(&self.#ident, #wire_name, path)?;)
    });
    let corrections_mut = corrections.map(|ident| {
        quote! {
            fn corrections_mut(&mut self) -> ::core::option::Option<&mut #runtime::wire::Corrections> {
                ::core::option::Option::Some(&mut self.#ident)
            }
        }
    });
    quote! {
        impl #runtime::wire::Wire for #name {
            const FIELDS: &'static [#runtime::wire::Field] = &[ #( #fields, )* ];

            fn decode_field<'de, A: #runtime::serde::de::MapAccess<'de>>(
                &mut self,
                index: usize,
                map: &mut A,
                cx: &mut #runtime::wire::DecodeCx,
            ) -> ::core::result::Result<(), A::Error> {
                #[allow(unused_variables)]
                match index {
                    #( #decode_arms )*
                    _ => #runtime::wire::skip_value(map),
                }
            }

            #[allow(unused_variables)]
            fn encode_fields<M: #runtime::serde::ser::SerializeMap>(
                &self,
                map: &mut M,
                cx: &mut #runtime::wire::EncodeCx,
            ) -> ::core::result::Result<(), M::Error> {
                #( #encodes )*
                ::core::result::Result::Ok(())
            }

            // Inline: compiled only where a `build()` calls it, so the checks of the many
            // structures no request holds (responses and what they contain) cost nothing.
            #[inline]
            #[allow(unused_variables)]
            fn check_fields(
                &self,
                path: &mut ::std::vec::Vec<#runtime::wire::PathSegment>,
            ) -> ::core::result::Result<(), #runtime::BuildError> {
                #( #checks )*
                ::core::result::Result::Ok(())
            }

            #corrections_mut
        }

        impl #runtime::wire::WireValue for #name {
            fn decode_into<'de, D: #runtime::serde::Deserializer<'de>>(
                slot: &mut Self,
                deserializer: D,
                cx: &mut #runtime::wire::DecodeCx,
            ) -> ::core::result::Result<(), D::Error> {
                #runtime::wire::decode_struct(slot, deserializer, cx)
            }

            const NESTED: bool = true;

            #[inline]
            fn check(
                &self,
                path: &mut ::std::vec::Vec<#runtime::wire::PathSegment>,
            ) -> ::core::result::Result<(), #runtime::BuildError> {
                #runtime::wire::Wire::check_fields(self, path)
            }
        }

        impl #runtime::serde::Serialize for #name {
            fn serialize<S: #runtime::serde::Serializer>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {
                #runtime::wire::serialize(self, serializer)
            }
        }

        impl<'de> #runtime::serde::Deserialize<'de> for #name {
            fn deserialize<D: #runtime::serde::Deserializer<'de>>(deserializer: D) -> ::core::result::Result<Self, D::Error> {
                #runtime::wire::deserialize(deserializer)
            }
        }
    }
}

/// A chained setter of `member`, assigning to `target.member` (`self` or `self.request`).
fn setter(member: &Member<'_>, target: &TokenStream) -> TokenStream {
    let Member { ident, docs, ty, optional, .. } = member;
    let value_type = if *optional { generic_argument(ty, "Option").unwrap_or(ty) } else { ty };
    let (argument, conversion) = if is_string(value_type) {
        (quote!(impl ::core::convert::Into<::std::string::String>), quote!(::core::convert::Into::into(value)))
    } else if let Some(element) = generic_argument(value_type, "Vec") {
        if is_string(element) {
            (
                quote!(impl ::core::iter::IntoIterator<Item = impl ::core::convert::Into<::std::string::String>>),
                quote!(::core::iter::Iterator::collect(::core::iter::Iterator::map(
                    ::core::iter::IntoIterator::into_iter(value),
                    ::core::convert::Into::into
                ))),
            )
        } else {
            (
                quote!(impl ::core::iter::IntoIterator<Item = #element>),
                quote!(::core::iter::Iterator::collect(::core::iter::IntoIterator::into_iter(value))),
            )
        }
    } else if let Some(inner) = generic_argument(value_type, "Box") {
        (quote!(#inner), quote!(::std::boxed::Box::new(value)))
    } else {
        (quote!(#value_type), quote!(value))
    };
    let assigned = if *optional { quote!(::core::option::Option::Some(#conversion)) } else { conversion };
    quote! {
        #( #docs )*
        pub fn #ident(mut self, value: #argument) -> Self {
            #target.#ident = #assigned;
            self
        }
    }
}

fn builder_items(name: &Ident, vis: &syn::Visibility, builder: &Ident, members: &[Member<'_>]) -> TokenStream {
    let runtime = quote!(::tcapi_runtime);
    let builder_doc = format!(
        " Builds a [`{name}`]: a method per parameter, then `build()`; made by the service client's method, `send()` sends it."
    );
    let setters = members.iter().map(|member| setter(member, &quote!(self.request)));
    let with_client = format_ident!("with_client");
    quote! {
        #[doc = #builder_doc]
        #[derive(::core::fmt::Debug, ::core::clone::Clone)]
        #[must_use]
        #vis struct #builder<C = ()> {
            client: C,
            request: #name,
        }

        impl #name {
            /// A builder with no parameter set.
            pub fn builder() -> #builder {
                #builder::#with_client(())
            }
        }

        impl<C> #builder<C> {
            fn #with_client(client: C) -> Self {
                #builder { client, request: ::core::default::Default::default() }
            }

            #( #setters )*

            /// The request, or an error naming the first required parameter that is not set.
            pub fn build(self) -> ::core::result::Result<#name, #runtime::BuildError> {
                self.build_with_client().map(|(_, request)| request)
            }

            /// The client and the checked request (for `send()`).
            fn build_with_client(self) -> ::core::result::Result<(C, #name), #runtime::BuildError> {
                #runtime::wire::check(&self.request)?;
                ::core::result::Result::Ok((self.client, self.request))
            }
        }
    }
}
