//! `#[derive(Params)]`: a struct's fields as MLflow inference parameters.

use proc_macro2::{Ident, Span, TokenStream};
use quote::{quote, quote_spanned};
use serde_derive_internals::{Ctxt, Derive, ast as serde_ast};
use syn::spanned::Spanned;

use crate::check::{self, Entry};
use crate::{attr, expand};

struct Param<'a> {
    name: String,
    /// Where the name was given: the rename, or the field.
    span: Span,
    ty: &'a syn::Type,
    member: &'a Ident,
    default: Option<TokenStream>,
}

/// `#[derive(Params)]`: the impl, or every error found (`cx` already holds the errors of
/// the container attributes).
pub(crate) fn derive_params(
    cx: Ctxt,
    input: &syn::DeriveInput,
    attrs: attr::ContainerAttrs,
) -> syn::Result<TokenStream> {
    let params = read(&cx, input, &attrs);
    cx.check()?;
    let crate_path = attrs.crate_path;
    Ok(expand(input, &params, crate_path.as_ref()))
}

fn read<'a>(
    cx: &Ctxt,
    input: &'a syn::DeriveInput,
    container: &attr::ContainerAttrs,
) -> Vec<Param<'a>> {
    let syn::Data::Struct(data) = &input.data else {
        cx.error_spanned_by(
            &input.ident,
            "#[derive(Params)] needs a struct with named fields, one parameter each",
        );
        return Vec::new();
    };
    if !matches!(data.fields, syn::Fields::Named(_)) {
        cx.error_spanned_by(
            &input.ident,
            "#[derive(Params)] needs named fields: a parameter's name is its field's",
        );
        return Vec::new();
    }
    if container.bound.is_some() || !container.checks.is_empty() || container.compat.is_some() {
        cx.error_spanned_by(
            &input.ident,
            "#[derive(Params)] takes only `#[signature(crate = \"...\")]` on the struct",
        );
    }
    let private = Ident::new("__private", Span::call_site());
    let Some(serde) = serde_ast::Container::from_ast(cx, input, Derive::Deserialize, &private)
    else {
        return Vec::new();
    };
    let serde_ast::Data::Struct(_, fields) = &serde.data else {
        return Vec::new();
    };
    let mut params = Vec::new();
    // `param` and `signature` are both this derive's helper attributes: a field's
    // `#[signature(...)]` (a `Signature` key) would otherwise be dropped without a word.
    attr::reject(
        cx,
        &input.attrs,
        "param",
        "the struct (they go on its fields)",
    );
    for field in fields {
        attr::reject(
            cx,
            &field.original.attrs,
            "signature",
            "a parameter (use #[param(...)])",
        );
        let attrs = attr::param(cx, &field.original.attrs);
        if attrs.skip || field.attrs.skip_deserializing() {
            continue;
        }
        if field.attrs.flatten() {
            cx.error_spanned_by(
                &field.original.ident,
                "#[derive(Params)] does not support `#[serde(flatten)]`",
            );
            continue;
        }
        let Some(member) = field.original.ident.as_ref() else {
            continue;
        };
        let (name, span) = match &attrs.rename {
            Some(rename) => (rename.value(), rename.span()),
            None => {
                let name = field.attrs.name().deserialize_name();
                (name.value.clone(), name.span)
            }
        };
        params.push(Param {
            name,
            span,
            ty: field.ty,
            member,
            default: attrs.default,
        });
    }
    // The same checks, with the same messages, as a `Signature`'s columns.
    if params.is_empty() && fields.iter().all(|f| f.original.ident.is_some()) {
        check::no_entries(cx, &input.ident, Entry::Parameter);
    }
    let names = params
        .iter()
        .enumerate()
        .map(|(index, param)| (index, param.name.as_str(), param.span));
    let field_name = |index: usize| syn::ext::IdentExt::unraw(params[index].member).to_string();
    check::repeated_names(cx, Entry::Parameter, names, field_name, "", &mut Vec::new());
    params
}

fn expand(
    input: &syn::DeriveInput,
    params: &[Param<'_>],
    crate_path: Option<&syn::Path>,
) -> TokenStream {
    let ident = &input.ident;
    let type_name = ident.to_string();
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    // Fields without `#[param(default = ...)]` take their default from the struct's `Default`;
    // a missing `Default` impl is reported at the first such field.
    let defaults = params.iter().find(|p| p.default.is_none()).map(|p| {
        quote_spanned! {p.ty.span()=>
            let __defaults: Self = ::core::default::Default::default();
        }
    });
    let field_type = quote!(_signature::derived::ParamFieldType);
    let param_fn = quote!(_signature::__private::param);
    let specs = params.iter().map(|param| {
        let (name, ty, member) = (&param.name, param.ty, param.member);
        let value = match &param.default {
            Some(default) => quote_spanned! {default.span()=>
                {
                    let __value: #ty = ::core::convert::Into::into(#default);
                    <#ty as #field_type>::to_param_value(&__value)
                }
            },
            None => quote_spanned! {ty.span()=>
                <#ty as #field_type>::to_param_value(&__defaults.#member)
            },
        };
        quote_spanned! {ty.span()=>
            #param_fn::<#ty>(#name, #value)
        }
    });
    expand::wrap(
        crate_path,
        &quote! {
            #[automatically_derived]
            impl #impl_generics _signature::Params for #ident #ty_generics #where_clause {
                fn param_schema() -> _signature::ParamSchema {
                    #defaults
                    _signature::__private::param_schema(#type_name, [#(#specs),*])
                }
            }
        },
    )
}
