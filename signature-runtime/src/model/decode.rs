//! Turning a request body that passed the checker into the model's typed rows and params.
//!
//! The checker has already walked the body and found it well-formed for the signature, so
//! this only reshapes it: each MLflow format into records keyed by column, then serde.

use serde::de::DeserializeOwned;
use serde_json::{Map as JsonMap, Value};

use crate::types::{ColumnType, ParamSchema, Schema};

/// The rows of a checked body, as the values serde deserialises each model input from.
pub(super) fn rows(body: &Value, schema: &Schema) -> Result<Vec<Value>, String> {
    let names: Vec<String> = schema
        .names()
        .map(|n| n.map(ToString::to_string).unwrap_or_default())
        .collect();
    let (key, payload) = match body {
        Value::Array(records) => return Ok(records.clone()),
        Value::Object(envelope) => envelope
            .iter()
            .find(|(k, _)| k.as_str() != "params")
            .ok_or("the body holds no input")?,
        _ => return Err("the body is neither an object nor a list of records".into()),
    };
    match (key.as_str(), payload) {
        ("dataframe_split", Value::Object(split)) => {
            let columns: Vec<String> = match split.get("columns") {
                Some(Value::Array(columns)) => columns
                    .iter()
                    .map(|c| c.as_str().map_or_else(|| c.to_string(), str::to_owned))
                    .collect(),
                _ => names.clone(),
            };
            let data = split
                .get("data")
                .and_then(Value::as_array)
                .ok_or("no `data`")?;
            Ok(data
                .iter()
                .map(|row| record(&columns, row.as_array().map_or(&[][..], Vec::as_slice)))
                .collect())
        }
        ("dataframe_records" | "inputs" | "instances", Value::Array(items)) => {
            if schema.is_tensor_spec() {
                // The whole list is the one (unnamed) tensor of a single input value.
                return Ok(vec![positional_or_named(&names, payload.clone())]);
            }
            Ok(items
                .iter()
                .map(|item| match item {
                    Value::Object(_) => item.clone(),
                    other => positional_or_named(&names, other.clone()),
                })
                .collect())
        }
        ("inputs" | "instances", Value::Object(columns)) => {
            let one_row = schema.is_tensor_spec()
                || schema
                    .columns()
                    .unwrap_or_default()
                    .iter()
                    .any(|c| matches!(c.ty(), ColumnType::Array(_) | ColumnType::Object(_)))
                || columns.values().any(|v| !v.is_array());
            if one_row {
                return Ok(vec![payload.clone()]);
            }
            let height = columns
                .values()
                .filter_map(Value::as_array)
                .map(Vec::len)
                .max();
            Ok((0..height.unwrap_or(0))
                .map(|i| {
                    Value::Object(
                        columns
                            .iter()
                            .map(|(k, v)| (k.clone(), v.get(i).cloned().unwrap_or(Value::Null)))
                            .collect(),
                    )
                })
                .collect())
        }
        ("inputs" | "instances", scalar) => Ok(vec![positional_or_named(&names, scalar.clone())]),
        (other, _) => Err(format!("`{other}` is not a request format")),
    }
}

/// One list row as a record keyed by the columns it sits under.
fn record(columns: &[String], cells: &[Value]) -> Value {
    Value::Object(columns.iter().cloned().zip(cells.iter().cloned()).collect())
}

/// A bare value as the row of a one-column schema, or a list as a positional row.
fn positional_or_named(names: &[String], value: Value) -> Value {
    match names {
        [name] if !name.is_empty() => Value::Object(JsonMap::from_iter([(name.clone(), value)])),
        _ => match value {
            Value::Array(cells) if names.len() > 1 => Value::Array(cells),
            single => Value::Array(vec![single]),
        },
    }
}

/// Deserialises each row.
pub(super) fn typed_rows<T: DeserializeOwned>(rows: Vec<Value>) -> Result<Vec<T>, String> {
    rows.into_iter()
        .enumerate()
        .map(|(i, row)| serde_json::from_value(row).map_err(|e| format!("row {i}: {e}")))
        .collect()
}

/// The params the model gets: each declared one as sent (normalised as MLflow normalises it)
/// or its default; params the signature does not declare were reported as warnings and are
/// not passed on.
pub(super) fn typed_params<P: DeserializeOwned>(
    body: &Value,
    schema: Option<&ParamSchema>,
) -> Result<P, String> {
    let sent = body.get("params").and_then(Value::as_object);
    let mut params = JsonMap::new();
    for spec in schema.map(ParamSchema::params).unwrap_or_default() {
        let value = match sent.and_then(|s| s.get(spec.name())) {
            Some(value) => {
                let value = crate::mlflow::param_value_from_json(value)
                    .map_err(|e| format!("param `{}`: {e}", spec.name()))?;
                spec.conform(value)
                    .map_err(|e| format!("param `{}`: {e}", spec.name()))?
            }
            None => spec.default().clone(),
        };
        let json = serde_json::from_str(&value.to_json()).map_err(|e| e.to_string())?;
        params.insert(spec.name().to_owned(), json);
    }
    serde_json::from_value(Value::Object(params)).map_err(|e| format!("params: {e}"))
}
