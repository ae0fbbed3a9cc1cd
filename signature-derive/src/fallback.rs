//! What a failed derive emits besides its errors: impls whose bodies are unreachable, so code
//! using the type does not pile follow-on errors onto the real ones.

use proc_macro2::TokenStream;
use quote::quote;

use crate::expand::wrap;

pub(crate) fn signature(
    input: &syn::DeriveInput,
    crate_path: Option<&syn::Path>,
    error: &syn::Error,
) -> TokenStream {
    let ident = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let errors = error.to_compile_error();
    let body = quote! {
        #[automatically_derived]
        impl #impl_generics _signature::Signature for #ident #ty_generics #where_clause {
            const DESCRIPTION: _signature::derived::Description =
                _signature::__private::FALLBACK_DESCRIPTION;
            fn input_schema() -> _signature::Schema {
                ::core::unreachable!()
            }
            fn output_schema() -> _signature::Schema {
                ::core::unreachable!()
            }
        }
        #[automatically_derived]
        impl #impl_generics _signature::SignatureType for #ident #ty_generics #where_clause {
            const TYPE: _signature::derived::TypeDescription =
                _signature::derived::TypeDescription::Any;
        }
    };
    let mut out = errors;
    out.extend(wrap(crate_path, &body));
    out
}

pub(crate) fn params(
    input: &syn::DeriveInput,
    crate_path: Option<&syn::Path>,
    error: &syn::Error,
) -> TokenStream {
    let ident = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let mut out = error.to_compile_error();
    out.extend(wrap(
        crate_path,
        &quote! {
            #[automatically_derived]
            impl #impl_generics _signature::Params for #ident #ty_generics #where_clause {
                fn param_schema() -> _signature::ParamSchema {
                    ::core::unreachable!()
                }
            }
        },
    ));
    out
}
