//! `services/<module>/tests.rs`: the spec's examples and enum values as unit tests of the
//! generated crate. Expected values are Rust literals written from the example JSON, so a test
//! compares the generated serde code with the spec, not with itself.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::action::ActionNames;
use super::data::ident;
use crate::ir::{ActionErrors, Field, Scalar, Service, TypeRef, WireValue};
use crate::spec::EnumRepr;

/// The test module of a service.
pub fn tests_file(service: &Service) -> TokenStream {
    let examples = service.actions.iter().flat_map(|action| {
        let names = ActionNames::of(action);
        action.examples.iter().enumerate().map(move |(index, example)| {
            let ActionNames { request, response, info, .. } = &names;
            let request_test =
                format_ident!("{}_example_{}_request_serializes_to_the_example_json", action.snake, index);
            let response_test = format_ident!("{}_example_{}_response_decodes_to_the_typed_value", action.snake, index);
            let request_literal = struct_literal(service, &quote!(#request), &action.request, &example.request_json);
            let request_case = quote! {
                #[test]
                fn #request_test() {
                    let request = #request_literal;
                    let expected: serde_json::Value = serde_json::from_str(#info.examples[#index].request).unwrap();
                    assert_eq!(serde_json::to_value(&request).unwrap(), expected);
                }
            };
            let response_case = example.success_json.as_ref().map(|json| {
                let mut fields = action.response.clone();
                fields.push(request_id_field());
                let literal = struct_literal(service, &quote!(#response), &fields, json);
                quote! {
                    #[test]
                    fn #response_test() {
                        let body: serde_json::Value = serde_json::from_str(#info.examples[#index].response).unwrap();
                        let decoded: #response = serde_json::from_value(body["Response"].clone()).unwrap();
                        let expected = #literal;
                        assert_eq!(decoded, expected);
                    }
                }
            });
            quote!(#request_case #response_case)
        })
    });
    let enums = service.enums.iter().map(|item| {
        let name = ident(&item.name);
        let test = format_ident!(
            "{}_values_round_trip_and_unknown_values_are_kept",
            heck::ToSnakeCase::to_snake_case(item.name.as_str())
        );
        let variants = item.variants.iter().map(|variant| ident(&variant.name));
        let values: Vec<TokenStream> = item.variants.iter().map(|variant| wire_json(&variant.value)).collect();
        let unknown = match item.repr {
            EnumRepr::Integer => {
                let max = item
                    .variants
                    .iter()
                    .filter_map(|v| match v.value {
                        WireValue::Integer(n) => Some(n),
                        WireValue::String(_) => None,
                    })
                    .max()
                    .unwrap_or(0);
                let next = max.checked_add(1).unwrap_or(i64::MIN);
                quote!((#name::Unknown(#next), serde_json::json!(#next)))
            }
            EnumRepr::String => quote!((#name::Unknown("NotInTheSpec".to_owned()), serde_json::json!("NotInTheSpec"))),
        };
        quote! {
            #[test]
            fn #test() {
                let cases = [ #( (#name::#variants, serde_json::json!(#values)), )* #unknown ];
                for (value, json) in cases {
                    assert_eq!(serde_json::to_value(&value).unwrap(), json);
                    assert_eq!(serde_json::from_value::<#name>(json).unwrap(), value);
                }
            }
        }
    });
    let error_enums = std::iter::once((format_ident!("ErrorCode"), &service.errors)).chain(
        service.actions.iter().filter_map(|action| match &action.errors {
            ActionErrors::Own(codes) => Some((ActionNames::of(action).error_code, codes)),
            ActionErrors::Service => None,
        }),
    );
    let error_tests = error_enums.map(|(name, codes)| {
        let test = format_ident!(
            "{}_parse_every_code_and_keep_unknown_ones",
            heck::ToSnakeCase::to_snake_case(name.to_string().as_str())
        );
        let wire = codes.iter().map(|code| code.code.as_str());
        let variants = codes.iter().map(|code| format_ident!("{}", code.variant));
        quote! {
            #[test]
            fn #test() {
                for (code, expected) in [ #( (#wire, #name::#variants), )* ] {
                    let parsed = #name::from_code(code);
                    assert_eq!(parsed, expected);
                    assert_eq!(parsed.code(), code);
                    assert!(parsed.to_string().starts_with(code));
                    assert!(parsed.documented_message().is_some());
                }
                let unknown = #name::from_code("FailedOperation.NotInTheSpec");
                assert_eq!(unknown, #name::Unknown("FailedOperation.NotInTheSpec".to_owned()));
                assert_eq!(unknown.to_string(), "FailedOperation.NotInTheSpec");
                assert!(!unknown.is_retryable());
            }
        }
    });
    quote! {
        //! The spec's examples and values, checked against the generated serde code.
        #![allow(clippy::unwrap_used)]

        use super::*;
        use ::tcapi_runtime::ErrorCode as _;

        #( #examples )*
        #( #enums )*
        #( #error_tests )*
    }
}

fn request_id_field() -> Field {
    Field {
        wire_name: "RequestId".to_owned(),
        rust_name: "request_id".to_owned(),
        ty: TypeRef::Scalar(Scalar::String),
        list: false,
        boxed: false,
        optional: false,
        deprecated: false,
        doc: String::new(),
    }
}

fn wire_json(value: &WireValue) -> TokenStream {
    match value {
        WireValue::Integer(number) => quote!(#number),
        WireValue::String(text) => quote!(#text),
    }
}

/// `Type { member: value, ... }` from a JSON object; members it lacks are `None`.
fn struct_literal(
    service: &Service,
    type_path: &TokenStream,
    fields: &[Field],
    json: &serde_json::Value,
) -> TokenStream {
    let members = fields.iter().map(|field| {
        let name = ident(&field.rust_name);
        let value = json.get(&field.wire_name).filter(|value| !value.is_null());
        let expression = match value {
            None => quote!(None),
            Some(value) => {
                let inner = value_literal(service, field, value);
                if field.optional { quote!(Some(#inner)) } else { inner }
            }
        };
        quote!(#name: #expression)
    });
    quote!(#type_path { #( #members ),* })
}

fn value_literal(service: &Service, field: &Field, value: &serde_json::Value) -> TokenStream {
    if field.list {
        let items = value.as_array().into_iter().flatten().map(|item| element_literal(service, &field.ty, item));
        quote!(vec![ #( #items ),* ])
    } else if field.boxed {
        let element = element_literal(service, &field.ty, value);
        quote!(Box::new(#element))
    } else {
        element_literal(service, &field.ty, value)
    }
}

/// Validation checked every example against its types, so each arm sees the JSON kind it expects;
/// a mismatch would make the generated test fail, not this function.
fn element_literal(service: &Service, ty: &TypeRef, value: &serde_json::Value) -> TokenStream {
    match ty {
        TypeRef::Scalar(Scalar::String | Scalar::Date | Scalar::DateTime | Scalar::DateTimeIso) => {
            let text = value.as_str().unwrap_or_default();
            quote!(#text.to_owned())
        }
        TypeRef::Scalar(Scalar::Int64) => {
            let number = value.as_i64().unwrap_or_default();
            quote!(#number)
        }
        TypeRef::Scalar(Scalar::UInt64) => {
            let number = value.as_u64().unwrap_or_default();
            quote!(#number)
        }
        TypeRef::Scalar(Scalar::Bool) => {
            let flag = value.as_bool().unwrap_or_default();
            quote!(#flag)
        }
        TypeRef::Scalar(Scalar::IntBool) => {
            let flag = value.as_u64() == Some(1);
            quote!(#flag)
        }
        TypeRef::Scalar(Scalar::Float) => {
            let number = value.as_f64().unwrap_or_default();
            quote!(#number)
        }
        TypeRef::Enum(name) => {
            let type_name = ident(name);
            let wire = match value {
                serde_json::Value::String(text) => WireValue::String(text.clone()),
                other => WireValue::Integer(other.as_i64().unwrap_or_default()),
            };
            let known =
                service.enum_named(name).and_then(|item| item.variants.iter().find(|variant| variant.value == wire));
            match (known, wire) {
                (Some(variant), _) => {
                    let variant = ident(&variant.name);
                    quote!(#type_name::#variant)
                }
                (None, WireValue::Integer(number)) => quote!(#type_name::Unknown(#number)),
                (None, WireValue::String(text)) => quote!(#type_name::Unknown(#text.to_owned())),
            }
        }
        TypeRef::Structure(name) => {
            let type_name = ident(name);
            let fields = service.structure_named(name).map(|item| item.fields.as_slice()).unwrap_or_default();
            struct_literal(service, &quote!(#type_name), fields, value)
        }
    }
}
