//! Code generation for `#[derive(Signature)]`. Never fails: every problem was reported before.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use serde_derive_internals::Ctxt;
use syn::spanned::Spanned;

use crate::ast::{self, Container, Data, Field, FieldView, Required};
use crate::attr::{ContainerAttrs, View};
use crate::{bound, check, drift};

/// `#[derive(Signature)]`: the impls, or every error found (`cx` already holds the errors of the
/// container attributes).
pub(crate) fn derive_signature(
    cx: Ctxt,
    input: &syn::DeriveInput,
    attrs: ContainerAttrs,
) -> syn::Result<TokenStream> {
    let Some(cont) = ast::from_ast(&cx, input, attrs) else {
        return Err(cx.check().expect_err("from_ast reports why it gave up"));
    };
    check::check(&cx, &cont);
    let expected = drift::load(&cx, &cont);
    cx.check()?;
    Ok(expand(&cont, &expected))
}

fn expand(cont: &Container<'_>, expected: &[drift::Expected]) -> TokenStream {
    let body = match &cont.data {
        Data::UnitEnum { variants } => unit_enum(cont, variants.as_deref()),
        Data::Struct { named, fields } => structure(cont, *named, fields, expected),
    };
    wrap(cont.attrs.crate_path.as_ref(), &body)
}

/// `const _: () = { use ::signature_runtime as _signature; ... };`
pub(crate) fn wrap(crate_path: Option<&syn::Path>, body: &TokenStream) -> TokenStream {
    let crate_path = match crate_path {
        Some(path) => quote!(#path),
        None => quote!(::signature_runtime),
    };
    quote! {
        #[doc(hidden)]
        const _: () = {
            use #crate_path as _signature;
            #body
        };
    }
}

fn unit_enum(cont: &Container<'_>, variants: Option<&[String]>) -> TokenStream {
    let ident = &cont.ident;
    let (impl_generics, ty_generics, where_clause) = cont.original.generics.split_for_impl();
    // The names serde reads: a checker built for a type refuses any other string.
    let limit = variants.map(|names| {
        quote! {
            const LIMIT: _signature::derived::ValueLimit =
                _signature::derived::ValueLimit::OneOf(&[#(#names),*]);
        }
    });
    quote! {
        #[automatically_derived]
        impl #impl_generics _signature::SignatureType for #ident #ty_generics #where_clause {
            const TYPE: _signature::derived::TypeDescription =
                _signature::derived::TypeDescription::Data(_signature::DataType::String);
            #limit
        }
    }
}

/// The body of `Signature::_signature_private_limits`: each named input column's limit, by
/// name; a flattened field's columns through its own type.
fn limits(fields: &[Field<'_>]) -> TokenStream {
    let pushes = fields.iter().filter_map(|field| {
        let view = field.view(View::Input)?;
        let ty = field.ty;
        if field.flatten {
            let signature = quote!(_signature::Signature);
            // Only the path at the type's span: `limits` is the generated function's own
            // (a span from a macro that wrote the field would not see it).
            let call = quote_spanned!(ty.span()=> <#ty as #signature>::_signature_private_limits);
            return Some(quote!(#call(limits);));
        }
        if field.attrs.tensor.is_some() {
            return None;
        }
        let (name, _) = view.name.as_ref()?;
        Some(quote! {
            let limit = (&&&_signature::__private::limits::LimitOf::<#ty>::new()).limit();
            if limit != _signature::derived::ValueLimit::None {
                limits.push((#name, limit));
            }
        })
    });
    quote! {
        fn _signature_private_limits(
            limits: &mut ::std::vec::Vec<(&'static str, _signature::derived::ValueLimit)>,
        ) {
            #[allow(unused_imports)]
            use _signature::__private::limits::{ViaNothing, ViaSignatureType, ViaIntegerLimit};
            #(#pushes)*
        }
    }
}

/// `const _SIGNATURE_PRIVATE_LIMIT`: the limit of the struct read from a JSON object, each
/// named input field's by its serde name, a flattened field's through its own type. A const,
/// so that a struct column's `SignatureType::LIMIT` can be it: the method resolution that
/// finds a `dtype` field's limit (see `limits`) is not available in a const, so a `dtype`
/// field has one here only when its type is written as integers (see [`integer_shaped`]),
/// whose limit a trait gives in a const.
fn object_limit(fields: &[Field<'_>]) -> TokenStream {
    let entries = fields.iter().filter_map(|field| {
        let view = field.view(View::Input)?;
        let ty = field.ty;
        if field.flatten {
            let signature = quote!(_signature::Signature);
            let limit = quote_spanned!(ty.span()=> <#ty as #signature>::_SIGNATURE_PRIVATE_LIMIT);
            return Some(quote!((::core::option::Option::None, #limit)));
        }
        if field.attrs.tensor.is_some() {
            return None;
        }
        let (name, _) = view.name.as_ref()?;
        let limit = if field.attrs.dtype.is_some() {
            if !integer_shaped(ty) {
                return None;
            }
            let integer_limit = quote!(_signature::__private::limits::IntegerLimit);
            quote_spanned!(ty.span()=> <#ty as #integer_limit>::LIMIT)
        } else {
            let signature_type = quote!(_signature::SignatureType);
            quote_spanned!(ty.span()=> <#ty as #signature_type>::LIMIT)
        };
        Some(quote!((::core::option::Option::Some(#name), #limit)))
    });
    quote! {
        const _SIGNATURE_PRIVATE_LIMIT: _signature::derived::ValueLimit =
            _signature::derived::ValueLimit::fields(&[#(#entries),*]);
    }
}

/// `const LIMIT` of a type serde reads as its one field, unless a `dtype` names the column
/// type (the field's type then need not have one).
fn field_limit(field: &Field<'_>) -> Option<TokenStream> {
    if field.attrs.dtype.is_some() {
        return None;
    }
    let ty = field.ty;
    let signature_type = quote!(_signature::SignatureType);
    Some(quote_spanned!(ty.span()=>
        const LIMIT: _signature::derived::ValueLimit = <#ty as #signature_type>::LIMIT;
    ))
}

fn structure(
    cont: &Container<'_>,
    named: bool,
    fields: &[Field<'_>],
    expected: &[drift::Expected],
) -> TokenStream {
    let ident = &cont.ident;
    let (impl_generics, ty_generics, _) = cont.original.generics.split_for_impl();
    let where_clause = bound::where_clause(cont, fields);

    if cont.transparent {
        // serde reads and writes the struct as its one field.
        let Some(field) = fields.iter().find(|f| f.is_used()) else {
            return TokenStream::new();
        };
        let ty = column_type(field);
        let optional = optional(field);
        let limit = field_limit(field);
        return quote! {
            #[automatically_derived]
            impl #impl_generics _signature::SignatureType for #ident #ty_generics #where_clause {
                const TYPE: _signature::derived::TypeDescription = #ty;
                const _SIGNATURE_PRIVATE_OPTIONAL: bool = #optional;
                #limit
            }
        };
    }

    let type_name = ident.to_string();
    let input = fields.iter().filter_map(|f| entry(f, View::Input));
    let output = fields.iter().filter_map(|f| entry(f, View::Output));
    let concrete = concrete_type(cont);
    let limits = limits(fields);
    let object_limit = named.then(|| object_limit(fields));
    // The checks below run where the type is defined; `Signature::input_schema` then need not
    // run them again.
    let checked = concrete.is_some().then(|| {
        quote!(
            const _SIGNATURE_PRIVATE_CHECKED: bool = true;
        )
    });
    let mut out = quote! {
        #[automatically_derived]
        impl #impl_generics _signature::Signature for #ident #ty_generics #where_clause {
            const DESCRIPTION: _signature::derived::Description = _signature::derived::Description {
                type_name: #type_name,
                input: &[#(#input),*],
                output: &[#(#output),*],
            };
            #checked
            #limits
            #object_limit
        }
    };

    let tensors = fields.iter().any(|f| f.attrs.tensor.is_some());
    if named && !tensors {
        out.extend(quote! {
            #[automatically_derived]
            impl #impl_generics _signature::SignatureType for #ident #ty_generics #where_clause {
                const TYPE: _signature::derived::TypeDescription =
                    _signature::derived::TypeDescription::Object(
                        &<Self as _signature::Signature>::DESCRIPTION,
                    );
                const LIMIT: _signature::derived::ValueLimit =
                    <Self as _signature::Signature>::_SIGNATURE_PRIVATE_LIMIT;
            }
        });
    } else if !named && !tensors && fields.len() == 1 && fields[0].is_used() {
        // serde reads and writes a newtype struct as its field.
        let ty = column_type(&fields[0]);
        let optional = optional(&fields[0]);
        let limit = field_limit(&fields[0]);
        out.extend(quote! {
            #[automatically_derived]
            impl #impl_generics _signature::SignatureType for #ident #ty_generics #where_clause {
                const TYPE: _signature::derived::TypeDescription = #ty;
                const _SIGNATURE_PRIVATE_OPTIONAL: bool = #optional;
                #limit
            }
        });
    }

    // Checks the compiler runs where the type is defined; generic types are checked where
    // they are used (see `Signature::input_schema`).
    if let Some(concrete) = concrete {
        out.extend(checks(cont, fields, expected, &concrete));
    }
    out
}

/// The `const` items that check a type without type parameters where it is defined: MLflow's
/// rules, each tensor's rank, drift against the files of `#[signature(check = "...")]`.
fn checks(
    cont: &Container<'_>,
    fields: &[Field<'_>],
    expected: &[drift::Expected],
    concrete: &TokenStream,
) -> TokenStream {
    let mut out = TokenStream::new();
    let description = quote!(<#concrete as _signature::Signature>::DESCRIPTION);
    out.extend(const_check(
        cont.ident.span(),
        &validate(&description, fields),
    ));
    for field in fields.iter().filter(|f| f.is_used()) {
        if let Some(tensor) = &field.attrs.tensor {
            let ty = field.ty;
            let shape = &tensor.shape;
            let name = name_tokens(field.view(View::Input).or(field.view(View::Output)));
            out.extend(const_check(
                tensor.span,
                &quote! {
                    _signature::__private::check_tensor_rank(
                        #name,
                        <#ty as _signature::derived::TensorType>::RANK,
                        &[#(#shape),*],
                    )
                },
            ));
        }
    }
    for check in expected {
        let view = match check.view {
            View::Input => quote!(_signature::derived::View::Input),
            View::Output => quote!(_signature::derived::View::Output),
        };
        let entries = &check.entries;
        let file = &check.shown_path;
        let absolute = &check.absolute_path;
        let call = match cont.attrs.compat.as_ref().map(|c| c.direction.as_str()) {
            None => quote! {
                _signature::__private::drift(&#description, #view, &[#(#entries),*], #file)
            },
            Some(direction) => {
                let direction = match direction {
                    "forward" => quote!(Forward),
                    "full" => quote!(Full),
                    _ => quote!(Backward),
                };
                quote! {
                    _signature::__private::compat(
                        &#description,
                        #view,
                        &[#(#entries),*],
                        #file,
                        _signature::__private::Compat::#direction,
                    )
                }
            }
        };
        out.extend(const_check(check.span, &call));
        // Makes cargo rebuild the crate when the file changes.
        out.extend(quote! {
            const _: &[u8] = ::core::include_bytes!(#absolute);
        });
    }
    out
}

/// The call of `validate_derived`: MLflow's rules on the whole description. The names of the
/// struct's own fields were compared by `check::duplicate_names`; they go along sorted, so the
/// compiler only sorts the names that come through flattened fields (none for most structs)
/// and looks each up among them.
fn validate(description: &TokenStream, fields: &[Field<'_>]) -> TokenStream {
    let [(input_count, input_names), (output_count, output_names)] = View::BOTH.map(|view| {
        if !fields.iter().any(|f| f.flatten && f.view(view).is_some()) {
            return (quote!(0), quote!(&[]));
        }
        let part = match view {
            View::Input => quote!(input),
            View::Output => quote!(output),
        };
        let mut names: Vec<&str> = fields
            .iter()
            .filter(|f| !f.flatten)
            .filter_map(|f| f.view(view)?.name.as_ref())
            .map(|(name, _)| name.as_str())
            .collect();
        names.sort_unstable();
        (
            quote!({ _signature::__private::flattened_count(#description.#part) }),
            quote!(&[#(#names),*]),
        )
    });
    quote! {
        _signature::__private::validate_derived::<#input_count, #output_count>(
            &#description,
            #input_names,
            #output_names,
        )
    }
}

/// A `const` item that fails compilation, at `span`, with the message `message` evaluates to.
fn const_check(span: Span, message: &TokenStream) -> TokenStream {
    let panic = quote_spanned!(span=> ::core::panic!("{}", MESSAGE.as_str()));
    quote! {
        const _: () = {
            const MESSAGE: _signature::__private::Message = #message;
            if !MESSAGE.is_empty() {
                #panic;
            }
        };
    }
}

/// The type with its lifetimes set to `'static`, if it has no other generic parameters.
fn concrete_type(cont: &Container<'_>) -> Option<TokenStream> {
    let ident = &cont.ident;
    let generics = &cont.original.generics;
    if generics.params.is_empty() {
        return Some(quote!(#ident));
    }
    let mut lifetimes = Vec::new();
    for param in &generics.params {
        match param {
            syn::GenericParam::Lifetime(_) => lifetimes.push(quote!('static)),
            _ => return None,
        }
    }
    Some(quote!(#ident<#(#lifetimes),*>))
}

fn name_tokens(view: Option<&FieldView>) -> TokenStream {
    match view.and_then(|v| v.name.as_ref()) {
        Some((name, _)) => quote!(::core::option::Option::Some(#name)),
        None => quote!(::core::option::Option::None),
    }
}

/// The field's `TypeDescription`: its `dtype`, or its type's `SignatureType::TYPE`.
fn column_type(field: &Field<'_>) -> TokenStream {
    match &field.attrs.dtype {
        Some((dtype, _)) => dtype.tokens(),
        None => {
            let ty = field.ty;
            let signature_type = quote!(_signature::SignatureType);
            quote_spanned!(ty.span()=> <#ty as #signature_type>::TYPE)
        }
    }
}

/// Whether the field's type makes it optional, as a `bool` expression.
fn optional(field: &Field<'_>) -> TokenStream {
    if field.attrs.dtype.is_some() {
        let optional = is_option(field.ty);
        return quote!(#optional);
    }
    let ty = field.ty;
    let signature_type = quote!(_signature::SignatureType);
    quote_spanned!(ty.span()=> <#ty as #signature_type>::_SIGNATURE_PRIVATE_OPTIONAL)
}

/// `Option<...>` written out (with a `dtype`, the type is not asked).
fn is_option(ty: &syn::Type) -> bool {
    match ty {
        syn::Type::Path(path) => path
            .path
            .segments
            .last()
            .is_some_and(|s| s.ident == "Option"),
        syn::Type::Group(group) => is_option(&group.elem),
        syn::Type::Paren(paren) => is_option(&paren.elem),
        _ => false,
    }
}

/// Whether the type is written as an integer (`u64`), or an `Option`, `Box`, `Vec`,
/// `VecDeque`, array or map (`BTreeMap`, `HashMap`, by its values) of one: the types the
/// runtime's `IntegerLimit` covers. Read from the tokens: a `dtype` field's type need not
/// implement any trait, and asking for one it lacks would not compile.
pub(crate) fn integer_shaped(ty: &syn::Type) -> bool {
    const INTEGERS: &[&str] = &[
        "u8", "u16", "u32", "u64", "u128", "usize", "i8", "i16", "i32", "i64", "i128", "isize",
    ];
    match ty {
        syn::Type::Path(path) if path.qself.is_none() => {
            let Some(last) = path.path.segments.last() else {
                return false;
            };
            let name = last.ident.to_string();
            let types: Vec<&syn::Type> = match &last.arguments {
                syn::PathArguments::None => return INTEGERS.contains(&name.as_str()),
                syn::PathArguments::AngleBracketed(arguments) => arguments
                    .args
                    .iter()
                    .filter_map(|argument| match argument {
                        syn::GenericArgument::Type(ty) => Some(ty),
                        _ => None,
                    })
                    .collect(),
                syn::PathArguments::Parenthesized(_) => return false,
            };
            match (name.as_str(), types.as_slice()) {
                ("Option" | "Box" | "Vec" | "VecDeque", [item]) => integer_shaped(item),
                ("BTreeMap", [_, value]) | ("HashMap", [_, value] | [_, value, _]) => {
                    integer_shaped(value)
                }
                _ => false,
            }
        }
        syn::Type::Array(array) => integer_shaped(&array.elem),
        syn::Type::Group(group) => integer_shaped(&group.elem),
        syn::Type::Paren(paren) => integer_shaped(&paren.elem),
        _ => false,
    }
}

fn entry(field: &Field<'_>, view: View) -> Option<TokenStream> {
    let field_view = field.view(view)?;
    let ty = field.ty;
    if field.flatten {
        let part = match view {
            View::Input => quote!(input),
            View::Output => quote!(output),
        };
        let signature = quote!(_signature::Signature);
        let inner = quote_spanned!(ty.span()=> <#ty as #signature>::DESCRIPTION);
        return Some(quote!(_signature::derived::Entry::Flatten(#inner.#part)));
    }
    let name = name_tokens(Some(field_view));
    if let Some(tensor) = &field.attrs.tensor {
        let shape = &tensor.shape;
        let tensor_trait = quote!(_signature::derived::TensorType);
        let tensor_type = quote_spanned!(ty.span()=> <#ty as #tensor_trait>);
        return Some(quote! {
            _signature::derived::Entry::Tensor(_signature::derived::TensorDescription {
                name: #name,
                dtype: #tensor_type::DTYPE,
                shape: &[#(#shape),*],
                type_rank: #tensor_type::RANK,
            })
        });
    }
    let column_type = column_type(field);
    let required = match field_view.required {
        Required::Literal(required) => quote!(#required),
        Required::FromType => {
            let optional = optional(field);
            quote!(!#optional)
        }
    };
    Some(quote! {
        _signature::derived::Entry::Column(_signature::derived::ColumnDescription {
            name: #name,
            ty: #column_type,
            required: #required,
        })
    })
}
