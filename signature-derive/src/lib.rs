//! The derives behind `signature_runtime::Signature` and `signature_runtime::Params`. Depend
//! on `signature-runtime`, not on this crate: it re-exports the macros and owns everything
//! the generated code refers to.
//!
//! The pipeline is serde's: read the attributes (serde's through `serde_derive_internals`, ours
//! in `attr`) collecting every error with its span, check across fields (`check`), stop if
//! anything was wrong, then generate code (`expand`), which cannot fail. On error the derive
//! emits the errors and `fallback` impls, so one mistake gives one error.
#![deny(clippy::pedantic)]
#![allow(
    // Our own `Result`s carry messages that become compile errors; nothing to document there.
    clippy::missing_errors_doc,
    // The docs name MLflow's types (ColSpec, TensorSpec, MLmodel) as MLflow spells them.
    clippy::doc_markdown,
    // A `match` with two arms of equal weight reads better than `if let ... else`.
    clippy::single_match_else
)]

use proc_macro::TokenStream;
use serde_derive_internals::Ctxt;

mod ast;
mod attr;
mod bound;
mod check;
mod drift;
mod dtype;
mod expand;
mod fallback;
mod params;

#[cfg(test)]
mod tests;

#[doc = include_str!("../attributes.md")]
#[proc_macro_derive(Signature, attributes(signature, serde))]
pub fn derive_signature(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    let derived = derive(&input, expand::derive_signature);
    derived
        .result
        .unwrap_or_else(|e| fallback::signature(&input, derived.crate_path.as_ref(), &e))
        .into()
}

/// Derives `signature_runtime::Params`: each field is an MLflow inference parameter. See the
/// `#[param(...)]` section of [`macro@Signature`]'s documentation.
#[proc_macro_derive(Params, attributes(param, serde, signature))]
pub fn derive_params(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    let derived = derive(&input, params::derive_params);
    derived
        .result
        .unwrap_or_else(|e| fallback::params(&input, derived.crate_path.as_ref(), &e))
        .into()
}

/// What one derive made, and the crate path its fallback impls need on error.
struct Derived {
    crate_path: Option<syn::Path>,
    result: syn::Result<proc_macro2::TokenStream>,
}

/// The pipeline of both derives: one context collecting every error with its span; the
/// container's `#[signature(...)]` read once, into it (its `crate` path serves the expansion
/// and, on error, the fallback impls); then the derive's own reading, checks and expansion
/// (`derive` stops at `cx.check()` before expanding).
fn derive(
    input: &syn::DeriveInput,
    derive: fn(
        Ctxt,
        &syn::DeriveInput,
        attr::ContainerAttrs,
    ) -> syn::Result<proc_macro2::TokenStream>,
) -> Derived {
    let cx = Ctxt::new();
    let attrs = attr::container(&cx, &input.attrs);
    Derived {
        crate_path: attrs.crate_path.clone(),
        result: derive(cx, input, attrs),
    }
}
