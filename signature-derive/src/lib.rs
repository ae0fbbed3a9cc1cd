//! The derive behind `signature_runtime::Signature`. Depend on `signature-runtime`, not on
//! this crate: it re-exports the macro and owns everything the generated code refers to.

use proc_macro::TokenStream;

/// Derives `signature_runtime::Signature`. Filled in by the derive issue; for now it emits a
/// clear error so nobody mistakes the placeholder for a working derive.
#[proc_macro_derive(Signature, attributes(signature, serde))]
pub fn derive_signature(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    syn::Error::new_spanned(
        &input.ident,
        "`#[derive(Signature)]` is not implemented yet",
    )
    .into_compile_error()
    .into()
}
