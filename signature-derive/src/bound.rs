//! Where-clauses of the generated impls: a bound for each field type that mentions a type
//! parameter (`Vec<T>: SignatureType`), or the container's `bound = "..."` instead.

use std::collections::BTreeSet;

use proc_macro2::{TokenStream, TokenTree};
use quote::{ToTokens, quote};

use crate::ast::{Container, Field};

/// The where-clause for an impl whose code uses `fields`.
pub(crate) fn where_clause(cont: &Container<'_>, fields: &[Field<'_>]) -> TokenStream {
    let generics = &cont.original.generics;
    let mut predicates: Vec<TokenStream> = generics
        .where_clause
        .iter()
        .flat_map(|w| w.predicates.iter().map(ToTokens::to_token_stream))
        .collect();
    match &cont.attrs.bound {
        Some(bound) => predicates.extend(bound.iter().map(ToTokens::to_token_stream)),
        None => {
            let params: BTreeSet<String> = generics
                .type_params()
                .map(|p| p.ident.to_string())
                .collect();
            let mut seen = BTreeSet::new();
            for field in fields.iter().filter(|f| f.is_used()) {
                if !mentions(field.ty.to_token_stream(), &params) {
                    continue;
                }
                let ty = field.ty;
                let predicate = if field.flatten {
                    quote!(#ty: _signature::Signature)
                } else if field.attrs.tensor.is_some() {
                    quote!(#ty: _signature::derived::TensorType)
                } else if field.attrs.dtype.is_some() {
                    continue;
                } else {
                    quote!(#ty: _signature::SignatureType)
                };
                if seen.insert(predicate.to_string()) {
                    predicates.push(predicate);
                }
            }
        }
    }
    if predicates.is_empty() {
        TokenStream::new()
    } else {
        quote!(where #(#predicates),*)
    }
}

fn mentions(tokens: TokenStream, params: &BTreeSet<String>) -> bool {
    tokens.into_iter().any(|token| match token {
        TokenTree::Ident(ident) => params.contains(&ident.to_string()),
        TokenTree::Group(group) => mentions(group.stream(), params),
        _ => false,
    })
}
