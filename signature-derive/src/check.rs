//! Checks across fields and keys, run once every attribute is read; everything here is
//! visible to the macro. What it cannot see (names coming through a flattened struct, a
//! tensor's nesting depth, drift) is checked by the compiler in `const` items.

use std::collections::BTreeMap;

use proc_macro2::Span;
use serde_derive_internals::Ctxt;

use crate::ast::{Container, Data, Field};
use crate::attr::View;

pub(crate) fn check(cx: &Ctxt, cont: &Container<'_>) {
    let Data::Struct { named, fields } = &cont.data else {
        return;
    };
    for field in fields {
        field_keys(cx, field, *named);
    }
    empty(cx, cont, fields);
    duplicate_names(cx, fields);
    columns_and_tensors(cx, fields);
    if let Some(compat) = &cont.attrs.compat
        && cont.attrs.checks.is_empty()
    {
        cx.error_spanned_by(
            &compat.lit,
            "`compat` says which changes `check` lets through: it needs `check = \"...\"`",
        );
    }
    if !cont.attrs.checks.is_empty() && has_type_parameters(cont.original) {
        let check = &cont.attrs.checks[0];
        cx.error_spanned_by(
            &check.path,
            "`check` needs a struct without type parameters (the file is compared with one \
             concrete schema)",
        );
    }
}

fn has_type_parameters(input: &syn::DeriveInput) -> bool {
    input
        .generics
        .params
        .iter()
        .any(|p| !matches!(p, syn::GenericParam::Lifetime(_)))
}

/// Keys that make no sense together on one field.
fn field_keys(cx: &Ctxt, field: &Field<'_>, named: bool) {
    let attrs = &field.attrs;
    if !named && let Some(rename) = &attrs.rename {
        cx.error_spanned_by(
            rename,
            "`rename` on a positional field: a tuple struct's columns have no names",
        );
    }
    if field.flatten {
        let misplaced = [
            attrs.rename.as_ref().map(|r| ("rename", r.span())),
            attrs.dtype.as_ref().map(|(_, lit)| ("dtype", lit.span())),
            attrs
                .optional
                .map(|(optional, span)| (if optional { "optional" } else { "required" }, span)),
            attrs.tensor.as_ref().map(|t| ("tensor", t.span)),
        ];
        for (key, span) in misplaced.into_iter().flatten() {
            error(
                cx,
                span,
                format!(
                    "`{key}` on a `#[serde(flatten)]` field: its columns are those of the \
                     flattened struct"
                ),
            );
        }
    }
    if attrs.tensor.is_some() {
        if let Some((_, lit)) = &attrs.dtype {
            error(
                cx,
                lit.span(),
                "`dtype` on a tensor field: its numpy dtype comes from the element type",
            );
        }
        if let Some((optional, span)) = attrs.optional {
            let key = if optional { "optional" } else { "required" };
            error(
                cx,
                span,
                format!("`{key}` on a tensor field: MLflow tensors are always required"),
            );
        }
    }
}

fn empty(cx: &Ctxt, cont: &Container<'_>, fields: &[Field<'_>]) {
    if fields.iter().any(Field::is_used) || cont.transparent {
        return;
    }
    no_entries(cx, &cont.ident, Entry::Column);
}

/// Two fields with one column name, in either view, once serde's and our renames apply.
fn duplicate_names(cx: &Ctxt, fields: &[Field<'_>]) {
    let mut reported: Vec<usize> = Vec::new();
    for view in View::BOTH {
        let names = fields.iter().enumerate().filter_map(|(index, field)| {
            if field.flatten {
                return None;
            }
            let (name, span) = field.view(view).and_then(|v| v.name.as_ref())?;
            Some((index, name.as_str(), *span))
        });
        let direction = match view {
            View::Input => "",
            View::Output => " when serialized",
        };
        repeated_names(
            cx,
            Entry::Column,
            names,
            |index| fields[index].display_name(index),
            direction,
            &mut reported,
        );
    }
}

/// What a derived struct's fields become: the columns (or tensors) of a `Signature`, the
/// parameters of `Params`. Both derives check their names here, with the same messages.
#[derive(Clone, Copy)]
pub(crate) enum Entry {
    Column,
    Parameter,
}

/// Reports a struct none of whose fields is an entry.
pub(crate) fn no_entries(cx: &Ctxt, ident: &syn::Ident, entry: Entry) {
    let (entries, why) = match entry {
        Entry::Column => ("columns", "MLflow does not allow an empty schema"),
        Entry::Parameter => (
            "parameters",
            "`Params` needs one at least (a model without parameters declares none)",
        ),
    };
    cx.error_spanned_by(ident, format!("`{ident}` has no {entries}: {why}"));
}

/// Reports each name given to a second field (`names`: field index, name, where the name was
/// given), at the repeat, naming the field that had it first (`field_name` of its index).
/// Fields already in `reported` are not reported again, and the reported ones are added.
pub(crate) fn repeated_names<'n>(
    cx: &Ctxt,
    entry: Entry,
    names: impl IntoIterator<Item = (usize, &'n str, Span)>,
    field_name: impl Fn(usize) -> String,
    direction: &str,
    reported: &mut Vec<usize>,
) {
    let entry = match entry {
        Entry::Column => "column",
        Entry::Parameter => "parameter",
    };
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for (index, name, span) in names {
        match seen.get(name) {
            None => {
                seen.insert(name, index);
            }
            Some(&first) => {
                if reported.contains(&index) {
                    continue;
                }
                reported.push(index);
                error(
                    cx,
                    span,
                    format!(
                        "duplicate {entry} name `{name}`{direction}: field `{}` has it too",
                        field_name(first)
                    ),
                );
            }
        }
    }
}

/// MLflow schemas are all ColSpecs or all TensorSpecs.
fn columns_and_tensors(cx: &Ctxt, fields: &[Field<'_>]) {
    let used = || fields.iter().enumerate().filter(|(_, f)| f.is_used());
    let Some((tensor_index, tensor)) = used().find(|(_, f)| f.attrs.tensor.is_some()) else {
        return;
    };
    if let Some((index, column)) = used().find(|(_, f)| f.attrs.tensor.is_none() && !f.flatten) {
        error(
            cx,
            column.span(),
            format!(
                "`{}` is a column but `{}` is a tensor: an MLflow schema is all columns or all \
                 tensors",
                column.display_name(index),
                tensor.display_name(tensor_index)
            ),
        );
    }
}

fn error(cx: &Ctxt, span: Span, message: impl std::fmt::Display) {
    cx.syn_error(syn::Error::new(span, message));
}
