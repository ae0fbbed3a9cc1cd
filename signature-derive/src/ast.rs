//! The derive's view of the input: serde's reading of the item (through
//! `serde_derive_internals`, so `rename`, `rename_all`, `skip*`, `default`, `flatten` and
//! `transparent` mean exactly what they mean to serde) combined with our own keys.

use proc_macro2::{Ident, Span};
use serde_derive_internals::{Ctxt, Derive, ast as serde_ast};
use syn::spanned::Spanned;

use crate::attr::{self, ContainerAttrs, FieldAttrs, View};

pub(crate) struct Container<'a> {
    pub(crate) ident: Ident,
    pub(crate) original: &'a syn::DeriveInput,
    pub(crate) attrs: ContainerAttrs,
    pub(crate) data: Data<'a>,
    /// `#[serde(transparent)]`.
    pub(crate) transparent: bool,
}

pub(crate) enum Data<'a> {
    /// A struct: named fields (`named`), or positional ones.
    Struct { named: bool, fields: Vec<Field<'a>> },
    /// An enum whose variants carry no data: a `string` column. `variants` are the names (and
    /// aliases) serde reads, sorted; `None` when a `#[serde(other)]` variant takes any name.
    UnitEnum { variants: Option<Vec<String>> },
}

pub(crate) struct Field<'a> {
    pub(crate) ident: Option<Ident>,
    pub(crate) ty: &'a syn::Type,
    pub(crate) attrs: FieldAttrs,
    pub(crate) flatten: bool,
    pub(crate) input: Option<FieldView>,
    pub(crate) output: Option<FieldView>,
}

/// How a field shows in one view.
pub(crate) struct FieldView {
    /// The column name (`None` for a positional field) and the span to report it at.
    pub(crate) name: Option<(String, Span)>,
    pub(crate) required: Required,
}

pub(crate) enum Required {
    /// Settled by an attribute.
    Literal(bool),
    /// Required unless the field's type is optional (`Option<T>`).
    FromType,
}

impl Field<'_> {
    pub(crate) fn view(&self, view: View) -> Option<&FieldView> {
        match view {
            View::Input => self.input.as_ref(),
            View::Output => self.output.as_ref(),
        }
    }

    /// Whether the field is in either view.
    pub(crate) fn is_used(&self) -> bool {
        self.input.is_some() || self.output.is_some()
    }

    /// The field's name for messages: `sqft`, or `0` for a positional field.
    pub(crate) fn display_name(&self, index: usize) -> String {
        self.ident
            .as_ref()
            .map_or_else(|| index.to_string(), |i| i.unraw().to_string())
    }

    pub(crate) fn span(&self) -> Span {
        self.ident
            .as_ref()
            .map_or_else(|| self.ty.span(), Ident::span)
    }
}

trait Unraw {
    fn unraw(&self) -> Ident;
}

impl Unraw for Ident {
    fn unraw(&self) -> Ident {
        let text = self.to_string();
        match text.strip_prefix("r#") {
            Some(bare) => Ident::new(bare, self.span()),
            None => self.clone(),
        }
    }
}

/// Reads the item. Returns `None` when it cannot be derived at all (a union, an enum with
/// data); the reasons are in `cx`.
pub(crate) fn from_ast<'a>(
    cx: &Ctxt,
    input: &'a syn::DeriveInput,
    attrs: ContainerAttrs,
) -> Option<Container<'a>> {
    if let syn::Data::Union(union) = &input.data {
        cx.error_spanned_by(
            union.union_token,
            "#[derive(Signature)] does not support unions: MLflow has no type for them",
        );
        return None;
    }
    let private = Ident::new("__private", Span::call_site());
    let serde = serde_ast::Container::from_ast(cx, input, Derive::Deserialize, &private)?;
    let data = match &serde.data {
        serde_ast::Data::Enum(variants) => {
            let mut ok = true;
            for variant in variants {
                attr::reject(cx, &variant.original.attrs, "signature", "enum variants");
                if !matches!(variant.style, serde_ast::Style::Unit) {
                    ok = false;
                    cx.error_spanned_by(
                        &variant.original.ident,
                        "#[derive(Signature)] does not support enum variants with data: \
                         MLflow has no sum types (a field-less enum is a `string` column)",
                    );
                }
            }
            if !attrs.checks.is_empty() {
                cx.error_spanned_by(
                    &input.ident,
                    "`check` compares a struct's columns with a signature file: an enum has none",
                );
            }
            if !ok {
                return None;
            }
            let mut names = std::collections::BTreeSet::new();
            let mut other = false;
            for variant in variants.iter().filter(|v| !v.attrs.skip_deserializing()) {
                other |= variant.attrs.other();
                names.insert(variant.attrs.name().deserialize_name().value.clone());
                names.extend(variant.attrs.aliases().iter().map(|a| a.value.clone()));
            }
            Data::UnitEnum {
                variants: (!other).then(|| names.into_iter().collect()),
            }
        }
        serde_ast::Data::Struct(style, fields) => {
            let named = matches!(style, serde_ast::Style::Struct | serde_ast::Style::Unit);
            let container_default = !serde.attrs.default().is_none();
            let fields = fields
                .iter()
                .map(|field| read_field(cx, field, named, container_default))
                .collect();
            Data::Struct { named, fields }
        }
    };
    Some(Container {
        ident: input.ident.clone(),
        original: input,
        transparent: serde.attrs.transparent(),
        attrs,
        data,
    })
}

fn read_field<'a>(
    cx: &Ctxt,
    field: &serde_ast::Field<'a>,
    named: bool,
    container_default: bool,
) -> Field<'a> {
    let attrs = attr::field(cx, &field.original.attrs);
    let serde = &field.attrs;
    let skip = attrs.skip.is_some();
    let name = |serde_name: &serde_derive_internals::name::Name| {
        if !named {
            return None;
        }
        Some(match &attrs.rename {
            Some(rename) => (rename.value(), rename.span()),
            None => (serde_name.value.clone(), serde_name.span),
        })
    };
    let optional_override = attrs
        .optional
        .map(|(optional, _)| Required::Literal(!optional));
    let input = (!skip && !serde.skip_deserializing()).then(|| FieldView {
        name: name(serde.name().deserialize_name()),
        required: match optional_override {
            Some(Required::Literal(required)) => Required::Literal(required),
            _ if container_default || !serde.default().is_none() => Required::Literal(false),
            _ => Required::FromType,
        },
    });
    let output = (!skip && !serde.skip_serializing()).then(|| FieldView {
        name: name(serde.name().serialize_name()),
        required: match optional_override {
            Some(Required::Literal(required)) => Required::Literal(required),
            _ if serde.skip_serializing_if().is_some() => Required::Literal(false),
            _ => Required::FromType,
        },
    });
    Field {
        ident: field.original.ident.clone(),
        ty: field.ty,
        flatten: serde.flatten(),
        attrs,
        input,
        output,
    }
}
