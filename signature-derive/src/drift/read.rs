//! A signature file's text read into the entries the derive compares: the JSON and YAML
//! layouts of `drift.rs`, with neither the file system nor the compiler's context.
//!
//! MLmodel YAML is read by the runtime's own reader (`signature-runtime-yaml`, PyYAML's
//! YAML 1.1 typing), so a file means the same to the drift check as to `mlsig` and MLflow.
//! Every reading is under the budgets of the runtime's `ReadLimits` defaults: a committed file
//! is input too, and a hostile one must not hang or exhaust the compiler.

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;
use signature_runtime_yaml::{LoadError, YamlLimits};

use crate::dtype::Dtype;

/// The budgets, at the runtime's `ReadLimits` defaults (the YAML ones come from the reader
/// both share). A macro has no options to raise them: a file beyond one cannot be checked at
/// compile time.
pub(crate) mod budget {
    /// Bytes of the file (`mlmodel_bytes`, `signature_json_bytes`: 16 MiB).
    pub(crate) const FILE_BYTES: u64 = 16 * 1024 * 1024;

    /// The message for a file over [`FILE_BYTES`], by the runtime's name for the budget.
    pub(crate) fn file_too_large(shown: &str, is_yaml: bool) -> String {
        let name = if is_yaml {
            "mlmodel_bytes"
        } else {
            "signature_json_bytes"
        };
        exceeded(&format!("`{shown}`"), name, FILE_BYTES, "bytes")
    }
    /// Nesting depth of JSON (`json_depth`).
    pub(crate) const JSON_DEPTH: usize = 100;
    /// Columns, tensors or object properties in one list (`columns`).
    pub(crate) const COLUMNS: usize = 100_000;
    /// Nesting of `array`, `map` and `object` types (`type_depth`).
    pub(crate) const TYPE_DEPTH: usize = 32;

    /// The message for a budget exceeded at `place`, as the runtime words it.
    pub(crate) fn exceeded(
        place: &str,
        name: &str,
        limit: impl std::fmt::Display,
        counts: &str,
    ) -> String {
        format!(
            "{place}: over the `{name}` budget ({limit} {counts}); a file beyond it cannot be \
             checked at compile time"
        )
    }
}

/// The `part` (`inputs` or `outputs`) of a signature file's text as `Entry` expressions;
/// `shown` is how messages name the file.
pub(crate) fn entries(
    text: &str,
    is_yaml: bool,
    part: &str,
    shown: &str,
) -> Result<Vec<TokenStream>, String> {
    if text.len() as u64 > budget::FILE_BYTES {
        return Err(budget::file_too_large(shown, is_yaml));
    }
    let schema: Value =
        if is_yaml {
            let document = signature_runtime_yaml::safe_load(text, &YamlLimits::default())
                .map_err(|error| match error {
                    LoadError::Budget { .. } => format!(
                        "`{shown}`, {error}; a file beyond it cannot be checked at compile time"
                    ),
                    LoadError::Syntax(_) => {
                        format!("`{shown}` is not a YAML MLmodel file: {error}")
                    }
                })?;
            let signature = document
                .get("signature")
                .ok_or_else(|| format!("`{shown}` has no `signature`"))?;
            schema_part(signature, part, shown)?
        } else {
            let document = parse_json(text, &format!("`{shown}`"))?;
            match &document {
                Value::Array(_) => document,
                Value::Object(_) => schema_part(&document, part, shown)?,
                _ => {
                    return Err(format!(
                        "`{shown}` is neither a signature dict nor a schema list"
                    ));
                }
            }
        };
    let Value::Array(items) = &schema else {
        return Err(format!("the {part} of `{shown}` are not a list of columns"));
    };
    if items.len() > budget::COLUMNS {
        return Err(budget::exceeded(
            &format!("the {part} of `{shown}`"),
            "columns",
            budget::COLUMNS,
            "entries in one list",
        ));
    }
    items
        .iter()
        .enumerate()
        .map(|(index, item)| {
            entry(item).map_err(|e| format!("`{shown}`, {part} entry #{}: {e}", index + 1))
        })
        .collect()
}

/// JSON text nested no deeper than [`budget::JSON_DEPTH`]; `shown` names it in messages.
fn parse_json(text: &str, shown: &str) -> Result<Value, String> {
    let too_deep =
        || budget::exceeded(shown, "json_depth", budget::JSON_DEPTH, "levels of nesting");
    let value: Value = serde_json::from_str(text).map_err(|e| {
        // serde_json's own guard, at 128 levels: past ours too.
        if e.to_string().starts_with("recursion limit exceeded") {
            too_deep()
        } else {
            format!("{shown} is not JSON: {e}")
        }
    })?;
    if json_depth(&value) > budget::JSON_DEPTH {
        return Err(too_deep());
    }
    Ok(value)
}

/// How deep `value` nests: 0 for a scalar.
fn json_depth(value: &Value) -> usize {
    match value {
        Value::Array(items) => 1 + items.iter().map(json_depth).max().unwrap_or(0),
        Value::Object(entries) => 1 + entries.values().map(json_depth).max().unwrap_or(0),
        _ => 0,
    }
}

/// `signature.inputs`: a JSON string (as MLflow writes it) or the list itself.
fn schema_part(signature: &Value, part: &str, shown: &str) -> Result<Value, String> {
    match signature.get(part) {
        Some(Value::String(json)) if !json.is_empty() => {
            parse_json(json, &format!("the {part} of `{shown}`"))
        }
        Some(list @ Value::Array(_)) => Ok(list.clone()),
        _ => Err(format!("`{shown}` has no {part} schema")),
    }
}

fn entry(item: &Value) -> Result<TokenStream, String> {
    let name = match item.get("name") {
        None | Some(Value::Null) => quote!(::core::option::Option::None),
        Some(Value::String(name)) => quote!(::core::option::Option::Some(#name)),
        Some(Value::Number(n)) => {
            let name = n.to_string();
            quote!(::core::option::Option::Some(#name))
        }
        Some(other) => return Err(format!("`name` is not a string: {other}")),
    };
    if item.get("type").and_then(Value::as_str) == Some("tensor") {
        let spec = item
            .get("tensor-spec")
            .ok_or("a tensor without `tensor-spec`")?;
        let dtype = spec
            .get("dtype")
            .and_then(Value::as_str)
            .ok_or("a tensor without a `dtype`")?;
        let shape = spec
            .get("shape")
            .and_then(Value::as_array)
            .ok_or("a tensor without a `shape`")?
            .iter()
            .map(|d| d.as_i64().ok_or("a tensor dimension is not an integer"))
            .collect::<Result<Vec<i64>, _>>()?;
        return Ok(quote! {
            _signature::derived::Entry::Tensor(_signature::derived::TensorDescription {
                name: #name,
                dtype: #dtype,
                shape: &[#(#shape),*],
                type_rank: ::core::option::Option::None,
            })
        });
    }
    let ty = column_type(item, 0)?.tokens();
    let required = required(item);
    Ok(quote! {
        _signature::derived::Entry::Column(_signature::derived::ColumnDescription {
            name: #name,
            ty: #ty,
            required: #required,
        })
    })
}

/// `required` (2.10 on), else the inverse of `optional` (2.4 to 2.9), else `true`.
fn required(item: &Value) -> bool {
    match (item.get("required"), item.get("optional")) {
        (Some(Value::Bool(required)), _) => *required,
        (_, Some(Value::Bool(optional))) => !optional,
        _ => true,
    }
}

/// The type of a column (or property, or item) `depth` types deep.
fn column_type(item: &Value, depth: usize) -> Result<Dtype, String> {
    let ty = item
        .get("type")
        .and_then(Value::as_str)
        .ok_or("an entry without a `type`")?;
    let inner = depth + 1;
    if matches!(ty, "array" | "map" | "object") && inner > budget::TYPE_DEPTH {
        return Err(budget::exceeded(
            &format!("`{ty}`"),
            "type_depth",
            budget::TYPE_DEPTH,
            "levels of nested types",
        ));
    }
    let nested = |key: &str| {
        item.get(key)
            .ok_or_else(|| format!("`{ty}` without `{key}`"))
            .and_then(|nested| column_type(nested, inner))
            .map(Box::new)
    };
    Ok(match ty {
        "array" => Dtype::Array(nested("items")?),
        "map" => Dtype::Map(nested("values")?),
        "any" => Dtype::Any,
        "sparkml_vector" => Dtype::SparkMLVector,
        "object" => {
            let properties = item
                .get("properties")
                .and_then(Value::as_object)
                .ok_or("`object` without `properties`")?;
            if properties.len() > budget::COLUMNS {
                return Err(budget::exceeded(
                    "`object`",
                    "columns",
                    budget::COLUMNS,
                    "entries in one list",
                ));
            }
            let mut out = Vec::new();
            for (name, property) in properties {
                out.push((
                    name.clone(),
                    column_type(property, inner)?,
                    required(property),
                ));
            }
            Dtype::Object(out)
        }
        scalar => Dtype::data(scalar).ok_or_else(|| format!("unknown type `{scalar}`"))?,
    })
}
