//! `GET /openapi.json`: an OpenAPI 3.1 document of the scoring server, generated from the
//! signature. Its schemas are JSON Schema 2020-12 (what OpenAPI 3.1 uses): one request schema
//! per body format MLflow takes, the response from the outputs, MLflow's error body.

use serde_json::{Map as JsonMap, Value, json};

use crate::types::{
    ColSpec, ColumnType, DataType, ModelSignature, NumpyDtype, ParamSchema, ParamShape, ParamType,
    Schema, SchemaInputs, TensorSpec,
};

/// The OpenAPI document of a server for `signature`.
pub(crate) fn document(signature: &ModelSignature, title: &str) -> Value {
    let mut schemas = JsonMap::new();
    let inputs = signature.inputs();
    let mut formats = Vec::new();
    match inputs.map(Schema::inputs) {
        Some(SchemaInputs::Columns(columns)) => {
            let record = record_schema(columns);
            schemas.insert("Record".into(), record);
            let reference = json!({"$ref": "#/components/schemas/Record"});
            let names: Vec<Value> = columns
                .iter()
                .filter_map(|c| c.name().map(|n| Value::String(n.to_string())))
                .collect();
            formats.push((
                "DataframeSplit",
                json!({
                    "type": "object",
                    "description": "A pandas DataFrame in `split` orient: each row of `data` \
                                    lists its cells in the order of `columns`.",
                    "required": ["data"],
                    "properties": {
                        "columns": {"type": "array", "items": {"type": ["string", "integer"]},
                                    "examples": [names]},
                        "index": {"type": "array"},
                        "data": {"type": "array", "items": {"type": "array"}}
                    }
                }),
                "dataframe_split",
            ));
            formats.push((
                "DataframeRecords",
                json!({"type": "array", "items": reference}),
                "dataframe_records",
            ));
            let columns_object = json!({
                "type": "object",
                "description": "Each column's values, one list per column.",
                "additionalProperties": {"type": "array"}
            });
            formats.push((
                "Inputs",
                json!({"anyOf": [{"type": "array", "items": reference}, columns_object]}),
                "inputs",
            ));
            formats.push((
                "Instances",
                json!({"type": "array", "items": reference}),
                "instances",
            ));
        }
        Some(SchemaInputs::Tensors(tensors)) => {
            let value = tensors_schema(tensors);
            formats.push(("Inputs", value.clone(), "inputs"));
            formats.push(("Instances", value, "instances"));
        }
        None => {}
    }
    schemas.insert("Params".into(), params_schema(signature.params()));
    let mut bodies = Vec::new();
    for (name, value, key) in formats {
        schemas.insert(
            format!("{name}Request"),
            json!({
                "type": "object",
                "required": [key],
                "properties": {
                    key: value,
                    "params": {"$ref": "#/components/schemas/Params"}
                }
            }),
        );
        bodies.push(json!({"$ref": format!("#/components/schemas/{name}Request")}));
    }
    let predictions = match signature.outputs().map(Schema::inputs) {
        Some(SchemaInputs::Columns(columns)) => {
            json!({"type": "array", "items": record_schema(columns)})
        }
        Some(SchemaInputs::Tensors(tensors)) => tensors_schema(tensors),
        None => json!({}),
    };
    schemas.insert(
        "Predictions".into(),
        json!({
            "type": "object",
            "required": ["predictions"],
            "properties": {"predictions": predictions}
        }),
    );
    schemas.insert(
        "Error".into(),
        json!({
            "type": "object",
            "description": "MLflow's error body.",
            "required": ["error_code", "message"],
            "properties": {
                "error_code": {"type": "string", "enum": [
                    "BAD_REQUEST", "INVALID_PARAMETER_VALUE", "INTERNAL_ERROR",
                    "RESOURCE_EXHAUSTED", "TEMPORARILY_UNAVAILABLE", "DEADLINE_EXCEEDED"
                ]},
                "message": {"type": "string"}
            }
        }),
    );
    let error = |description: &str| {
        json!({
            "description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
        })
    };
    let text = |description: &str| {
        json!({
            "description": description,
            "content": {"text/plain": {"schema": {"type": "string"}}}
        })
    };
    let invocations = json!({
        "post": {
            "operationId": "invocations",
            "summary": "Predict: the body is checked against the signature before the model runs.",
            "requestBody": {
                "required": true,
                "content": {
                    "application/json": {"schema": {"oneOf": bodies}},
                    "text/csv": {"schema": {
                        "type": "string",
                        "description": "A header row naming the columns, then one line per \
                                        row, as `pandas.DataFrame.to_csv(index=False)` writes it."
                    }}
                }
            },
            "responses": {
                "200": {
                    "description": "The model's predictions.",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Predictions"}}}
                },
                "400": error("The body cannot be read as a request (BAD_REQUEST) or does not match the signature (INVALID_PARAMETER_VALUE); the message lists every problem."),
                "413": error("The body is over the size limit."),
                "415": text("A content type other than application/json or text/csv, or a charset other than UTF-8."),
                "500": error("The model failed."),
                "503": error("Every request slot is taken."),
                "504": error("The request ran past the timeout.")
            }
        }
    });
    let get = |id: &str, summary: &str, content_type: &str, schema: Value| {
        json!({"get": {
            "operationId": id,
            "summary": summary,
            "responses": {"200": {
                "description": summary,
                "content": {content_type: {"schema": schema}}
            }}
        }})
    };
    json!({
        "openapi": "3.1.0",
        "info": {"title": title, "version": env!("CARGO_PKG_VERSION")},
        "paths": {
            "/invocations": invocations,
            "/ping": get("ping", "The server is up and the model loaded.", "application/json", json!({"type": "string"})),
            "/health": get("health", "The server is up and the model loaded.", "application/json", json!({"type": "string"})),
            "/version": get("version", "The server's version.", "text/plain", json!({"type": "string"})),
            "/signature": get("signature", "The MLflow signature, as `signature.to_dict()`.", "application/json", json!({
                "type": "object",
                "properties": {
                    "inputs": {"type": ["string", "null"]},
                    "outputs": {"type": ["string", "null"]},
                    "params": {"type": ["string", "null"]}
                }
            })),
            "/metrics": get("metrics", "Prometheus metrics.", "text/plain", json!({"type": "string"})),
            "/openapi.json": get("openapi", "This document.", "application/json", json!({"type": "object"}))
        },
        "components": {"schemas": schemas}
    })
}

/// A record: one property per named column, the required ones required.
fn record_schema(columns: &[ColSpec]) -> Value {
    let mut properties = JsonMap::new();
    let mut required = Vec::new();
    for column in columns {
        let Some(name) = column.name() else { continue };
        let name = name.to_string();
        properties.insert(
            name.clone(),
            nullable(column_schema(column.ty()), !column.required()),
        );
        if column.required() {
            required.push(Value::String(name));
        }
    }
    json!({"type": "object", "properties": properties, "required": required})
}

fn nullable(schema: Value, optional: bool) -> Value {
    if optional {
        json!({"anyOf": [schema, {"type": "null"}]})
    } else {
        schema
    }
}

/// The JSON values a column type takes in a body.
fn column_schema(ty: &ColumnType) -> Value {
    match ty {
        ColumnType::DataType(data_type) => data_type_schema(*data_type),
        ColumnType::Array(array) => json!({"type": "array", "items": column_schema(array.items())}),
        ColumnType::Object(object) => {
            let mut properties = JsonMap::new();
            let mut required = Vec::new();
            for property in object.properties() {
                properties.insert(property.name().to_owned(), column_schema(property.dtype()));
                if property.required() {
                    required.push(Value::String(property.name().to_owned()));
                }
            }
            json!({
                "type": "object",
                "properties": properties,
                "required": required,
                "additionalProperties": false
            })
        }
        ColumnType::Map(map) => {
            json!({"type": "object", "additionalProperties": column_schema(map.values())})
        }
        ColumnType::AnyType => json!({}),
        ColumnType::SparkMLVector => json!({"type": "array", "items": {"type": "number"}}),
    }
}

fn data_type_schema(data_type: DataType) -> Value {
    match data_type {
        DataType::Boolean => json!({"type": "boolean"}),
        DataType::Integer => json!({
            "type": "integer", "format": "int32",
            "minimum": i32::MIN, "maximum": i32::MAX
        }),
        DataType::Long => json!({
            "type": "integer", "format": "int64",
            "minimum": i64::MIN, "maximum": i64::MAX
        }),
        DataType::Float => json!({"type": "number", "format": "float"}),
        DataType::Double => json!({"type": "number", "format": "double"}),
        DataType::String => json!({"type": "string"}),
        DataType::Binary => json!({"type": "string", "contentEncoding": "base64"}),
        DataType::Datetime => json!({
            "type": "string",
            "description": "A timezone-naive ISO 8601 date or timestamp (`2024-05-01T12:30:00`)."
        }),
    }
}

/// One tensor's nested lists, or an object of named tensors.
fn tensors_schema(tensors: &[TensorSpec]) -> Value {
    match tensors {
        [single] if single.name().is_none() => tensor_schema(single),
        _ => {
            let mut properties = JsonMap::new();
            for tensor in tensors {
                let name = tensor.name().map(ToString::to_string).unwrap_or_default();
                properties.insert(name, tensor_schema(tensor));
            }
            json!({"type": "object", "properties": properties})
        }
    }
}

fn tensor_schema(tensor: &TensorSpec) -> Value {
    let mut schema = element_schema(tensor.dtype());
    for &dimension in tensor.shape().iter().rev() {
        schema = if dimension < 0 {
            json!({"type": "array", "items": schema})
        } else {
            json!({"type": "array", "items": schema, "minItems": dimension, "maxItems": dimension})
        };
    }
    schema
}

fn element_schema(dtype: &NumpyDtype) -> Value {
    use NumpyDtype::*;
    match dtype {
        Bool => json!({"type": "boolean"}),
        Int8 | Int16 | Int32 | Int64 | UInt8 | UInt16 | UInt32 | UInt64 | Timedelta64(_) => {
            json!({"type": "integer"})
        }
        Float16 | Float32 | Float64 | Float128 => json!({"type": "number"}),
        Str | Bytes | Datetime64(_) => json!({"type": "string"}),
        Complex64 | Complex128 | Complex256 | Object => json!({}),
    }
}

/// The `params` object: each declared parameter with its type and default; others are
/// allowed (MLflow ignores them; the report warns).
fn params_schema(params: Option<&ParamSchema>) -> Value {
    let mut properties = JsonMap::new();
    for spec in params.map(ParamSchema::params).unwrap_or_default() {
        let mut schema = match spec.dtype() {
            ParamType::DataType(data_type) => data_type_schema(*data_type),
            ParamType::Object(object) => column_schema(&ColumnType::Object(object.clone())),
        };
        if spec.shape() == ParamShape::List {
            schema = json!({"type": "array", "items": schema});
        }
        if let (Value::Object(fields), Ok(default)) = (
            &mut schema,
            serde_json::from_str::<Value>(&spec.default().to_json()),
        ) {
            fields.insert("default".into(), default);
        }
        properties.insert(spec.name().to_owned(), schema);
    }
    json!({"type": "object", "properties": properties})
}
