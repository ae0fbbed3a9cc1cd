//! MLflow column types spelled in attributes (`dtype = "long"`, `"array<string>"`) and in
//! signature files, and the tokens that build their `TypeDescription`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// MLflow's scalar type names, with the `DataType` variant for each.
const DATA_TYPES: [(&str, &str); 8] = [
    ("boolean", "Boolean"),
    ("integer", "Integer"),
    ("long", "Long"),
    ("float", "Float"),
    ("double", "Double"),
    ("string", "String"),
    ("binary", "Binary"),
    ("datetime", "Datetime"),
];

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Dtype {
    /// The `DataType` variant name (`Long`).
    Data(&'static str),
    Array(Box<Dtype>),
    Map(Box<Dtype>),
    /// Properties: name, type, required. Only read from signature files (feature `check`).
    #[cfg_attr(not(feature = "check"), allow(dead_code))]
    Object(Vec<(String, Dtype, bool)>),
    Any,
    SparkMLVector,
}

impl Dtype {
    /// The variant for an MLflow scalar type name.
    pub(crate) fn data(name: &str) -> Option<Dtype> {
        DATA_TYPES
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, variant)| Dtype::Data(variant))
    }

    /// `long`, `any`, `array<long>`, `map<array<string>>`.
    pub(crate) fn parse(text: &str) -> Result<Dtype, String> {
        let text = text.trim();
        let inner = |prefix: &str| {
            text.strip_prefix(prefix)
                .and_then(|rest| rest.trim_start().strip_prefix('<'))
                .and_then(|rest| rest.strip_suffix('>'))
        };
        if let Some(items) = inner("array") {
            return Dtype::parse(items).map(|t| Dtype::Array(Box::new(t)));
        }
        if let Some(values) = inner("map") {
            return Dtype::parse(values).map(|t| Dtype::Map(Box::new(t)));
        }
        match text {
            "any" => Ok(Dtype::Any),
            "sparkml_vector" => Ok(Dtype::SparkMLVector),
            _ => Dtype::data(text).ok_or_else(|| {
                let names: Vec<&str> = DATA_TYPES.iter().map(|(n, _)| *n).collect();
                format!(
                    "unknown dtype `{text}`, expected one of {}, `any`, `sparkml_vector`, \
                     `array<...>` or `map<...>`",
                    crate::attr::list(&names)
                )
            }),
        }
    }

    /// An expression of type `_signature::derived::TypeDescription`.
    pub(crate) fn tokens(&self) -> TokenStream {
        let ty = quote!(_signature::derived::TypeDescription);
        match self {
            Dtype::Data(variant) => {
                let variant = format_ident!("{variant}");
                quote!(#ty::Data(_signature::DataType::#variant))
            }
            Dtype::Array(items) => {
                let items = items.tokens();
                quote!(#ty::Array(&#items))
            }
            Dtype::Map(values) => {
                let values = values.tokens();
                quote!(#ty::Map(&#values))
            }
            Dtype::Object(properties) => {
                // Sorted by name, so that the drift check finds a property by binary search.
                let mut properties: Vec<_> = properties.iter().collect();
                properties.sort_by(|a, b| a.0.cmp(&b.0));
                let entries: Vec<TokenStream> = properties.iter().map(|(name, dtype, required)| {
                    let dtype = dtype.tokens();
                    quote! {
                        _signature::derived::Entry::Column(_signature::derived::ColumnDescription {
                            name: ::core::option::Option::Some(#name),
                            ty: #dtype,
                            required: #required,
                        })
                    }
                }).collect();
                quote! {
                    #ty::Object(&_signature::derived::Description {
                        type_name: "object",
                        input: &[#(#entries),*],
                        output: &[#(#entries),*],
                    })
                }
            }
            Dtype::Any => quote!(#ty::Any),
            Dtype::SparkMLVector => quote!(#ty::SparkMLVector),
        }
    }
}
