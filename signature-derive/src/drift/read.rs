//! A signature file's text read into the entries the derive compares: the JSON and YAML
//! layouts of `drift.rs`, with neither the file system nor the compiler's context.

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

use crate::dtype::Dtype;

/// The `part` (`inputs` or `outputs`) of a signature file's text as `Entry` expressions;
/// `shown` is how messages name the file.
pub(crate) fn entries(
    text: &str,
    is_yaml: bool,
    part: &str,
    shown: &str,
) -> Result<Vec<TokenStream>, String> {
    let schema: Value = if is_yaml {
        let document: Value = serde_saphyr::from_str(text)
            .map_err(|e| format!("`{shown}` is not a YAML MLmodel file: {e}"))?;
        let signature = document
            .get("signature")
            .ok_or_else(|| format!("`{shown}` has no `signature`"))?;
        schema_part(signature, part, shown)?
    } else {
        let document: Value =
            serde_json::from_str(text).map_err(|e| format!("`{shown}` is not JSON: {e}"))?;
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
    items
        .iter()
        .enumerate()
        .map(|(index, item)| {
            entry(item).map_err(|e| format!("`{shown}`, {part} entry #{}: {e}", index + 1))
        })
        .collect()
}

/// `signature.inputs`: a JSON string (as MLflow writes it) or the list itself.
fn schema_part(signature: &Value, part: &str, shown: &str) -> Result<Value, String> {
    match signature.get(part) {
        Some(Value::String(json)) if !json.is_empty() => serde_json::from_str(json)
            .map_err(|e| format!("the {part} of `{shown}` are not JSON: {e}")),
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
    let ty = column_type(item)?.tokens();
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

fn column_type(item: &Value) -> Result<Dtype, String> {
    let ty = item
        .get("type")
        .and_then(Value::as_str)
        .ok_or("an entry without a `type`")?;
    let nested = |key: &str| {
        item.get(key)
            .ok_or_else(|| format!("`{ty}` without `{key}`"))
            .and_then(column_type)
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
            let mut out = Vec::new();
            for (name, property) in properties {
                out.push((name.clone(), column_type(property)?, required(property)));
            }
            Dtype::Object(out)
        }
        scalar => Dtype::data(scalar).ok_or_else(|| format!("unknown type `{scalar}`"))?,
    })
}
