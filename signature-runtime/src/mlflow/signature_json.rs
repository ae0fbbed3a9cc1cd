//! MLflow's signature JSON, both ways: `Schema.to_json`/`from_json`, `ParamSchema` likewise,
//! and `ModelSignature.to_dict`/`from_dict`.
//!
//! Writing reproduces MLflow 3.x byte for byte. Reading accepts every layout MLflow has
//! written: `{"name", "type"}` (before 2.4), `"optional"` (2.4 to 2.9), `"required"` (2.10 on),
//! composite columns without `required`, and ParamSpecs with `dtype` (2.5, 2.6) or `type`.

use serde_json::{Map as JsonMap, Value};

use super::limits::{Budget, BudgetExceeded, ReadLimits, json_too_deep};
use super::pyjson::PyJsonWriter;
use super::{FormatError, Location};
use crate::types::{
    Array, ColSpec, ColumnName, ColumnType, InputSpec, Map, ModelSignature, NumpyDtype, Object,
    ParamSchema, ParamShape, ParamSpec, ParamType, ParamValue, Property, Schema, SchemaInputs,
    TensorSpec,
};

/// What `ModelSignature.to_dict()` returns: each part as a JSON string, or `None`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SignatureDict {
    /// `Schema.to_json()` of the inputs.
    pub inputs: Option<String>,
    /// `Schema.to_json()` of the outputs.
    pub outputs: Option<String>,
    /// `ParamSchema.to_json()` of the params.
    pub params: Option<String>,
}

impl SignatureDict {
    /// `json.dumps(signature.to_dict())`, byte for byte.
    pub fn to_json(&self) -> String {
        let mut w = PyJsonWriter::default();
        w.begin_object();
        for (key, part) in self.parts() {
            w.key(key);
            match part {
                Some(json) => w.string(json),
                None => w.null(),
            }
        }
        w.end_object();
        w.finish()
    }

    /// Reads `{"inputs": ..., "outputs": ..., "params": ...}`. Each part may be a JSON string
    /// (as MLflow writes it) or the list itself; a missing, `null` or empty part is absent.
    pub fn from_json(json: &str) -> Result<SignatureDict, FormatError> {
        SignatureDict::from_json_with(json, &ReadLimits::default())
    }

    /// [`SignatureDict::from_json`] within the size and depth budgets of `limits`.
    pub fn from_json_with(json: &str, limits: &ReadLimits) -> Result<SignatureDict, FormatError> {
        let value = parse_signature_json(json, &Location::root(), limits)?;
        SignatureDict::from_value(&value, &Location::root())
    }

    pub(crate) fn from_value(value: &Value, at: &Location) -> Result<SignatureDict, FormatError> {
        let object = expect_object(value, at, "a signature dict")?;
        reject_unknown_keys(object, &["inputs", "outputs", "params"], at)?;
        let part = |key: &str| -> Result<Option<String>, FormatError> {
            match object.get(key) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) if s.is_empty() => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.clone())),
                Some(list @ Value::Array(_)) => Ok(Some(list.to_string())),
                Some(other) => Err(invalid(
                    &at.child(key),
                    format!(
                        "expected a JSON string or a list, found {}",
                        json_kind(other)
                    ),
                )),
            }
        };
        Ok(SignatureDict {
            inputs: part("inputs")?,
            outputs: part("outputs")?,
            params: part("params")?,
        })
    }

    fn parts(&self) -> [(&'static str, Option<&str>); 3] {
        [
            ("inputs", self.inputs.as_deref()),
            ("outputs", self.outputs.as_deref()),
            ("params", self.params.as_deref()),
        ]
    }
}

impl ModelSignature {
    /// MLflow's `to_dict()`.
    pub fn to_dict(&self) -> SignatureDict {
        SignatureDict {
            inputs: self.inputs().map(Schema::to_json),
            outputs: self.outputs().map(Schema::to_json),
            params: self.params().map(ParamSchema::to_json),
        }
    }

    /// MLflow's `from_dict()`.
    pub fn from_dict(dict: &SignatureDict) -> Result<ModelSignature, FormatError> {
        ModelSignature::from_dict_with(dict, &ReadLimits::default())
    }

    /// [`ModelSignature::from_dict`] within the budgets of `limits` (size and depth of each
    /// part's JSON, columns, nesting of types).
    pub fn from_dict_with(
        dict: &SignatureDict,
        limits: &ReadLimits,
    ) -> Result<ModelSignature, FormatError> {
        ModelSignature::from_dict_at(dict, &Location::root(), limits)
    }

    pub(crate) fn from_dict_at(
        dict: &SignatureDict,
        at: &Location,
        limits: &ReadLimits,
    ) -> Result<ModelSignature, FormatError> {
        let schema = |key: &str, json: Option<&str>| {
            json.map(|json| {
                let at = at.child(key);
                read_schema(&parse_signature_json(json, &at, limits)?, &at, limits)
            })
            .transpose()
        };
        let inputs = schema("inputs", dict.inputs.as_deref())?;
        let outputs = schema("outputs", dict.outputs.as_deref())?;
        let params = dict
            .params
            .as_deref()
            .map(|json| {
                let at = at.child("params");
                read_param_schema(&parse_signature_json(json, &at, limits)?, &at, limits)
            })
            .transpose()?;
        ModelSignature::new(inputs, outputs, params).map_err(|source| FormatError::Schema {
            location: at.clone(),
            source,
        })
    }
}

impl Schema {
    /// MLflow's `Schema.to_json()`, byte for byte.
    pub fn to_json(&self) -> String {
        let mut w = PyJsonWriter::default();
        match self.inputs() {
            SchemaInputs::Columns(columns) => w.list(columns, write_col_spec),
            SchemaInputs::Tensors(tensors) => w.list(tensors, write_tensor_spec),
        }
        w.finish()
    }

    /// MLflow's `Schema.from_json()`.
    pub fn from_json(json: &str) -> Result<Schema, FormatError> {
        Schema::from_json_with(json, &ReadLimits::default())
    }

    /// [`Schema::from_json`] within the budgets of `limits`.
    pub fn from_json_with(json: &str, limits: &ReadLimits) -> Result<Schema, FormatError> {
        let at = Location::root();
        read_schema(&parse_signature_json(json, &at, limits)?, &at, limits)
    }
}

impl ParamValue {
    /// The value as MLflow writes it in JSON (`0.7`, `"2023-06-26T00:00:00"`, `["a", "b"]`).
    pub fn to_json(&self) -> String {
        let mut w = PyJsonWriter::default();
        write_param_value(&mut w, self);
        w.finish()
    }
}

impl ParamSchema {
    /// MLflow's `ParamSchema.to_json()`, byte for byte.
    pub fn to_json(&self) -> String {
        let mut w = PyJsonWriter::default();
        w.list(self.params(), write_param_spec);
        w.finish()
    }

    /// MLflow's `ParamSchema.from_json()`.
    pub fn from_json(json: &str) -> Result<ParamSchema, FormatError> {
        ParamSchema::from_json_with(json, &ReadLimits::default())
    }

    /// [`ParamSchema::from_json`] within the budgets of `limits`.
    pub fn from_json_with(json: &str, limits: &ReadLimits) -> Result<ParamSchema, FormatError> {
        let at = Location::root();
        read_param_schema(&parse_signature_json(json, &at, limits)?, &at, limits)
    }
}

// ---------------------------------------------------------------------------------------------
// Writing

/// One column, tensor, nested type or parameter as MLflow writes it inside a signature, for
/// reports that quote a single entry (the compatibility findings of [`crate::evolution`]).
pub(crate) fn col_spec_json(column: &ColSpec) -> String {
    let mut w = PyJsonWriter::default();
    write_col_spec(&mut w, column);
    w.finish()
}

/// See [`col_spec_json`].
pub(crate) fn tensor_spec_json(tensor: &TensorSpec) -> String {
    let mut w = PyJsonWriter::default();
    write_tensor_spec(&mut w, tensor);
    w.finish()
}

/// See [`col_spec_json`]: a nested type (`{"type": "array", "items": {...}}`).
pub(crate) fn column_type_json(ty: &ColumnType) -> String {
    let mut w = PyJsonWriter::default();
    write_type(&mut w, ty);
    w.finish()
}

/// See [`col_spec_json`].
pub(crate) fn param_spec_json(spec: &ParamSpec) -> String {
    let mut w = PyJsonWriter::default();
    write_param_spec(&mut w, spec);
    w.finish()
}

fn write_col_spec(w: &mut PyJsonWriter, column: &ColSpec) {
    w.begin_object();
    write_type_fields(w, column.ty());
    if let Some(name) = column.name() {
        w.key("name");
        write_name(w, name);
    }
    w.key("required");
    w.bool(column.required());
    w.end_object();
}

fn write_tensor_spec(w: &mut PyJsonWriter, tensor: &TensorSpec) {
    w.begin_object();
    if let Some(name) = tensor.name() {
        w.key("name");
        write_name(w, name);
    }
    w.key("type");
    w.string("tensor");
    w.key("tensor-spec");
    w.begin_object();
    w.key("dtype");
    w.string(&tensor.dtype().name());
    w.key("shape");
    w.list(tensor.shape(), |w, dim| w.int(*dim));
    w.end_object();
    w.end_object();
}

fn write_name(w: &mut PyJsonWriter, name: &ColumnName) {
    match name {
        ColumnName::Str(name) => w.string(name),
        ColumnName::Int(index) => w.int(*index),
    }
}

/// The keys that describe a type (`"type": "array", "items": {...}`), inside an open object.
fn write_type_fields(w: &mut PyJsonWriter, ty: &ColumnType) {
    w.key("type");
    w.string(ty.type_name());
    match ty {
        ColumnType::Array(array) => {
            w.key("items");
            write_type(w, array.items());
        }
        ColumnType::Map(map) => {
            w.key("values");
            write_type(w, map.values());
        }
        ColumnType::Object(object) => write_properties(w, object),
        ColumnType::DataType(_) | ColumnType::AnyType | ColumnType::SparkMLVector => {}
    }
}

fn write_type(w: &mut PyJsonWriter, ty: &ColumnType) {
    w.begin_object();
    write_type_fields(w, ty);
    w.end_object();
}

fn write_properties(w: &mut PyJsonWriter, object: &Object) {
    w.key("properties");
    w.begin_object();
    for property in object.properties() {
        w.key(property.name());
        w.begin_object();
        write_type_fields(w, property.dtype());
        w.key("required");
        w.bool(property.required());
        w.end_object();
    }
    w.end_object();
}

fn write_param_spec(w: &mut PyJsonWriter, spec: &ParamSpec) {
    w.begin_object();
    w.key("name");
    w.string(spec.name());
    w.key("default");
    write_param_value(w, spec.default());
    w.key("shape");
    match spec.shape().dims() {
        Some(dims) => w.list(dims, |w, dim| w.int(*dim)),
        None => w.null(),
    }
    w.key("type");
    w.string(spec.dtype().type_name());
    if let ParamType::Object(object) = spec.dtype() {
        write_properties(w, object);
    }
    w.end_object();
}

fn write_param_value(w: &mut PyJsonWriter, value: &ParamValue) {
    match value {
        ParamValue::Null => w.null(),
        ParamValue::Bool(b) => w.bool(*b),
        ParamValue::Int(i) => w.int(*i),
        ParamValue::Float(f) => w.float(*f),
        ParamValue::String(s) => w.string(s),
        ParamValue::Datetime(at) => w.string(&at.to_string()),
        ParamValue::List(items) => w.list(items, write_param_value),
        ParamValue::Object(entries) => {
            w.begin_object();
            for (key, item) in entries {
                w.key(key);
                write_param_value(w, item);
            }
            w.end_object();
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Reading

/// Parses JSON nested no deeper than [`ReadLimits::json_depth`].
pub(crate) fn parse_json(
    text: &str,
    at: &Location,
    limits: &ReadLimits,
) -> Result<Value, FormatError> {
    if let Some(position) = json_too_deep(text, limits.json_depth) {
        return Err(BudgetExceeded::new(
            Budget::JsonDepth,
            limits.json_depth,
            format!("{at}, {position}"),
        )
        .into());
    }
    serde_json::from_str(text).map_err(|e| FormatError::Syntax {
        location: at.clone(),
        message: e.to_string(),
    })
}

/// Parses signature JSON within [`ReadLimits::signature_json_bytes`] and `json_depth`.
fn parse_signature_json(
    text: &str,
    at: &Location,
    limits: &ReadLimits,
) -> Result<Value, FormatError> {
    if text.len() as u64 > limits.signature_json_bytes {
        return Err(BudgetExceeded::new(
            Budget::SignatureJsonBytes,
            limits.signature_json_bytes,
            at.to_string(),
        )
        .into());
    }
    parse_json(text, at, limits)
}

/// Refuses a list longer than [`ReadLimits::columns`].
fn check_columns(count: usize, at: &Location, limits: &ReadLimits) -> Result<(), FormatError> {
    if count > limits.columns {
        return Err(BudgetExceeded::new(Budget::Columns, limits.columns, at.to_string()).into());
    }
    Ok(())
}

/// The nesting of a composite type opened inside `depth` others, refused past
/// [`ReadLimits::type_depth`].
fn nested(depth: usize, at: &Location, limits: &ReadLimits) -> Result<usize, FormatError> {
    let depth = depth + 1;
    if depth > limits.type_depth {
        return Err(
            BudgetExceeded::new(Budget::TypeDepth, limits.type_depth, at.to_string()).into(),
        );
    }
    Ok(depth)
}

fn read_schema(value: &Value, at: &Location, limits: &ReadLimits) -> Result<Schema, FormatError> {
    let Value::Array(elements) = value else {
        return Err(invalid(
            at,
            format!(
                "expected a list of column or tensor specs, found {}",
                json_kind(value)
            ),
        ));
    };
    check_columns(elements.len(), at, limits)?;
    let specs = elements
        .iter()
        .enumerate()
        .map(|(i, element)| read_input_spec(element, &at.child(i), limits))
        .collect::<Result<Vec<_>, _>>()?;
    Schema::new(specs).map_err(|source| FormatError::Schema {
        location: at.clone(),
        source,
    })
}

fn read_input_spec(
    value: &Value,
    at: &Location,
    limits: &ReadLimits,
) -> Result<InputSpec, FormatError> {
    let element = expect_object(value, at, "a column or tensor spec")?;
    let name = read_name(element, at)?;
    let at = match &name {
        Some(name) => at.about(format!("`{name}`")),
        None => at.clone(),
    };
    let type_name = required_str(element, "type", &at)?;
    if type_name == "tensor" {
        return read_tensor_spec(element, name, &at).map(InputSpec::Tensor);
    }
    let ty = read_type_fields(element, &at, limits, 0)?;
    let required = match (element.get("required"), element.get("optional")) {
        (Some(_), Some(_)) => {
            return Err(invalid(
                &at,
                "both `required` and the legacy `optional` are given; keep `required`",
            ));
        }
        (Some(Value::Bool(required)), None) => *required,
        (None, Some(Value::Bool(optional))) => !optional,
        // MLflow keeps a missing `required` of a composite column as None (and writes it back
        // as null), which it treats as optional; scalar columns default to required.
        (Some(Value::Null), None) => false,
        (None, None) => ty.as_data_type().is_some(),
        (Some(other), None) | (None, Some(other)) => {
            let key = if element.contains_key("required") {
                "required"
            } else {
                "optional"
            };
            return Err(invalid(
                &at.child(key),
                format!("expected true or false, found {}", json_kind(other)),
            ));
        }
    };
    if ty.as_data_type().is_some() {
        // MLflow builds scalar columns with `ColSpec(**element)`: any other key is an error.
        reject_unknown_keys(element, &["type", "name", "required", "optional"], &at)?;
    }
    let column = match name {
        Some(name) => ColSpec::new(name, ty),
        None => ColSpec::unnamed(ty),
    };
    Ok(InputSpec::Column(column.with_required(required)))
}

fn read_name(
    element: &JsonMap<String, Value>,
    at: &Location,
) -> Result<Option<ColumnName>, FormatError> {
    match element.get("name") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(name)) => Ok(Some(ColumnName::Str(name.clone()))),
        Some(Value::Number(n)) if n.as_i64().is_some() => Ok(n.as_i64().map(ColumnName::Int)),
        Some(other) => Err(invalid(
            &at.child("name"),
            format!(
                "expected a string or integer name, found {}",
                json_kind(other)
            ),
        )),
    }
}

fn read_tensor_spec(
    element: &JsonMap<String, Value>,
    name: Option<ColumnName>,
    at: &Location,
) -> Result<TensorSpec, FormatError> {
    let missing = || {
        invalid(
            at,
            "Missing keys in TensorSpec JSON. Expected to find keys `tensor-spec` and `type`",
        )
    };
    let spec_at = at.child("tensor-spec");
    let spec = expect_object(
        element.get("tensor-spec").ok_or_else(missing)?,
        &spec_at,
        "an object",
    )?;
    if !spec.contains_key("dtype") || !spec.contains_key("shape") {
        return Err(invalid(
            &spec_at,
            "Missing keys in TensorSpec JSON. Expected to find keys `dtype` and `shape`",
        ));
    }
    let dtype_at = spec_at.child("dtype");
    let dtype = required_str(spec, "dtype", &spec_at)?;
    let dtype = NumpyDtype::parse(dtype).map_err(|source| FormatError::Schema {
        location: dtype_at,
        source,
    })?;
    let shape_at = spec_at.child("shape");
    let Some(Value::Array(dims)) = spec.get("shape") else {
        return Err(invalid(
            &shape_at,
            "expected a list of dimensions such as [-1, 28, 28]",
        ));
    };
    let shape = dims
        .iter()
        .enumerate()
        .map(|(i, dim)| match dim.as_i64() {
            Some(d) if d >= -1 => Ok(d),
            _ => Err(invalid(
                &shape_at.child(i),
                format!("expected a dimension (a size, or -1 for a variable one), found {dim}"),
            )),
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(match name {
        Some(name) => TensorSpec::new(name, dtype, shape),
        None => TensorSpec::unnamed(dtype, shape),
    })
}

/// Reads the type described by `type` (and `items`, `values` or `properties`) in `element`,
/// which sits inside `depth` composite types.
fn read_type_fields(
    element: &JsonMap<String, Value>,
    at: &Location,
    limits: &ReadLimits,
    depth: usize,
) -> Result<ColumnType, FormatError> {
    let type_name = required_str(element, "type", at)?;
    if matches!(type_name, "array" | "map" | "object") {
        nested(depth, at, limits)?;
    }
    let depth = depth + 1;
    Ok(match type_name {
        "array" => {
            let items = element.get("items").ok_or_else(|| {
                invalid(
                    at,
                    "Missing keys in Array JSON. Expected to find keys `items` and `type`",
                )
            })?;
            ColumnType::Array(Array::new(read_nested_type(
                items,
                &at.child("items"),
                limits,
                depth,
            )?))
        }
        "map" => {
            let values = element.get("values").ok_or_else(|| {
                invalid(
                    at,
                    "Missing keys in Map JSON. Expected to find keys `values` and `type`",
                )
            })?;
            ColumnType::Map(Map::new(read_nested_type(
                values,
                &at.child("values"),
                limits,
                depth,
            )?))
        }
        "object" => ColumnType::Object(read_object(element, at, limits, depth)?),
        "any" => ColumnType::AnyType,
        "sparkml_vector" => ColumnType::SparkMLVector,
        scalar => ColumnType::DataType(scalar.parse().map_err(|source| FormatError::Schema {
            location: at.child("type"),
            source,
        })?),
    })
}

fn read_nested_type(
    value: &Value,
    at: &Location,
    limits: &ReadLimits,
    depth: usize,
) -> Result<ColumnType, FormatError> {
    let element = expect_object(value, at, "a type such as {\"type\": \"string\"}")?;
    read_type_fields(element, at, limits, depth)
}

/// The properties of an object type that is itself `depth` composite types deep.
fn read_object(
    element: &JsonMap<String, Value>,
    at: &Location,
    limits: &ReadLimits,
    depth: usize,
) -> Result<Object, FormatError> {
    let properties_at = at.child("properties");
    let properties = element.get("properties").ok_or_else(|| {
        invalid(
            at,
            "Missing keys in Object JSON. Expected to find keys `properties` and `type`",
        )
    })?;
    let properties = expect_object(properties, &properties_at, "a dictionary of properties")?;
    check_columns(properties.len(), &properties_at, limits)?;
    let properties = properties
        .iter()
        .map(|(name, property)| {
            let at = properties_at
                .child(name)
                .about(format!("property `{name}`"));
            let property =
                expect_object(property, &at, "a property such as {\"type\": \"string\"}")?;
            let dtype = read_type_fields(property, &at, limits, depth)?;
            let required = match property.get("required") {
                None => true,
                Some(Value::Bool(required)) => *required,
                Some(other) => {
                    return Err(invalid(
                        &at.child("required"),
                        format!("expected true or false, found {}", json_kind(other)),
                    ));
                }
            };
            Ok(Property::new(name.clone(), dtype).with_required(required))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Object::new(properties).map_err(|source| FormatError::Schema {
        location: properties_at,
        source,
    })
}

fn read_param_schema(
    value: &Value,
    at: &Location,
    limits: &ReadLimits,
) -> Result<ParamSchema, FormatError> {
    let Value::Array(elements) = value else {
        return Err(invalid(
            at,
            format!("expected a list of param specs, found {}", json_kind(value)),
        ));
    };
    check_columns(elements.len(), at, limits)?;
    let specs = elements
        .iter()
        .enumerate()
        .map(|(i, element)| read_param_spec(element, &at.child(i), limits))
        .collect::<Result<Vec<_>, _>>()?;
    ParamSchema::new(specs).map_err(|source| FormatError::Schema {
        location: at.clone(),
        source,
    })
}

fn read_param_spec(
    value: &Value,
    at: &Location,
    limits: &ReadLimits,
) -> Result<ParamSpec, FormatError> {
    let element = expect_object(value, at, "a param spec")?;
    let type_key = if element.contains_key("type") {
        "type"
    } else {
        "dtype"
    };
    if !element.contains_key("name")
        || !element.contains_key(type_key)
        || !element.contains_key("default")
    {
        let keys: Vec<&str> = element.keys().map(String::as_str).collect();
        return Err(invalid(
            at,
            format!(
                "Missing keys in ParamSpec JSON. Expected to find keys `name`, `type`(or `dtype`) and `default`. Received keys: {keys:?}"
            ),
        ));
    }
    let name = required_str(element, "name", at)?;
    let at = at.about(format!("param `{name}`"));
    let dtype = match required_str(element, type_key, &at)? {
        "object" => ParamType::Object(read_object(element, &at, limits, nested(0, &at, limits)?)?),
        scalar => ParamType::DataType(scalar.parse().map_err(|source| FormatError::Schema {
            location: at.child(type_key),
            source,
        })?),
    };
    let shape = match element.get("shape") {
        None | Some(Value::Null) => ParamShape::Scalar,
        Some(Value::Array(dims)) if dims.len() == 1 && dims[0].as_i64() == Some(-1) => {
            ParamShape::List
        }
        Some(other) => {
            return Err(invalid(
                &at.child("shape"),
                format!(
                    "Shape must be None for scalar or dictionary value, or (-1,) for 1D array value, found {other}"
                ),
            ));
        }
    };
    let default_at = at.child("default");
    let default = read_param_value(&element["default"], &default_at)?;
    ParamSpec::new(name, dtype, default, shape).map_err(|source| FormatError::Schema {
        location: default_at,
        source,
    })
}

/// A JSON value as a parameter value; integers beyond 64 bits are refused rather than rounded.
pub(crate) fn read_param_value(value: &Value, at: &Location) -> Result<ParamValue, FormatError> {
    Ok(match value {
        Value::Null => ParamValue::Null,
        Value::Bool(b) => ParamValue::Bool(*b),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                ParamValue::Int(i)
            } else if n.is_f64() {
                ParamValue::Float(n.as_f64().unwrap_or(f64::NAN))
            } else {
                return Err(invalid(
                    at,
                    format!("the integer {n} does not fit in 64 bits"),
                ));
            }
        }
        Value::String(s) => ParamValue::String(s.clone()),
        Value::Array(items) => ParamValue::List(
            items
                .iter()
                .enumerate()
                .map(|(i, item)| read_param_value(item, &at.child(i)))
                .collect::<Result<_, _>>()?,
        ),
        Value::Object(entries) => ParamValue::Object(
            entries
                .iter()
                .map(|(k, item)| Ok((k.clone(), read_param_value(item, &at.child(k))?)))
                .collect::<Result<_, FormatError>>()?,
        ),
    })
}

fn expect_object<'a>(
    value: &'a Value,
    at: &Location,
    what: &str,
) -> Result<&'a JsonMap<String, Value>, FormatError> {
    value
        .as_object()
        .ok_or_else(|| invalid(at, format!("expected {what}, found {}", json_kind(value))))
}

fn required_str<'a>(
    element: &'a JsonMap<String, Value>,
    key: &str,
    at: &Location,
) -> Result<&'a str, FormatError> {
    match element.get(key) {
        Some(Value::String(s)) => Ok(s),
        Some(other) => Err(invalid(
            &at.child(key),
            format!("expected a string, found {}", json_kind(other)),
        )),
        None => Err(invalid(at, format!("missing key `{key}`"))),
    }
}

fn reject_unknown_keys(
    element: &JsonMap<String, Value>,
    known: &[&str],
    at: &Location,
) -> Result<(), FormatError> {
    match element.keys().find(|k| !known.contains(&k.as_str())) {
        None => Ok(()),
        Some(key) => {
            let expected: Vec<String> = known.iter().map(|k| format!("`{k}`")).collect();
            Err(invalid(
                &at.child(key),
                format!(
                    "unexpected key `{key}`, expected one of {}",
                    expected.join(", ")
                ),
            ))
        }
    }
}

fn invalid(at: &Location, message: impl Into<String>) -> FormatError {
    FormatError::Invalid {
        location: at.clone(),
        message: message.into(),
    }
}

pub(crate) fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}
