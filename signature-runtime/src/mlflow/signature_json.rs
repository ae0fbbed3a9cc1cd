//! MLflow's signature JSON, both ways: `Schema.to_json`/`from_json`, `ParamSchema` likewise,
//! and `ModelSignature.to_dict`/`from_dict`.
//!
//! Writing reproduces MLflow 3.x byte for byte. Reading builds what MLflow 3's readers build
//! from the same text (docs/mlflow-behaviour.md §1.4, checked branch by branch by
//! `tests/interop_sources.rs`): `{"name", "type"}` (before 2.4), `"required"` (2.10 on) kept as
//! given, `null` included, composite columns without `required`, ParamSpecs with `dtype` (2.5,
//! 2.6) or `type`, and Python's `NaN`/`Infinity` tokens. What MLflow ignores is ignored and
//! listed as a [`FormatWarning`] by the `..._with_warnings` readers; what MLflow refuses is
//! refused; the few deliberate differences are in docs/mlflow-differences.md.

use serde_json::{Map as JsonMap, Value};

use super::limits::{Budget, BudgetExceeded, ReadLimits, json_too_deep};
use super::pyjson::PyJsonWriter;
use super::pyjson_read::{non_finite, parse_python_json};
use super::{FormatError, FormatWarning, Location};
use crate::types::{
    Array, ColSpec, ColumnName, ColumnType, DataType, InputSpec, Map, ModelSignature, NumpyDtype,
    Object, ParamSchema, ParamShape, ParamSpec, ParamType, ParamValue, Property, Required, Schema,
    SchemaInputs, TensorSpec,
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

    /// Reads `{"inputs": ..., "outputs": ..., "params": ...}`. Each part is a JSON string, as
    /// MLflow writes it (MLflow refuses the list itself, and so does this); a missing, `null`
    /// or empty part is absent. Other keys are ignored, as MLflow ignores them.
    pub fn from_json(json: &str) -> Result<SignatureDict, FormatError> {
        SignatureDict::from_json_with(json, &ReadLimits::default())
    }

    /// [`SignatureDict::from_json`] within the size and depth budgets of `limits`.
    pub fn from_json_with(json: &str, limits: &ReadLimits) -> Result<SignatureDict, FormatError> {
        Reader::new(limits).dict_text(json)
    }
}

impl SignatureDict {
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

    /// [`ModelSignature::from_dict_with`], also listing what MLflow ignores or reads
    /// differently from how it is written (see [`FormatWarning`]).
    pub fn from_dict_with_warnings(
        dict: &SignatureDict,
        limits: &ReadLimits,
    ) -> Result<(ModelSignature, Vec<FormatWarning>), FormatError> {
        let mut reader = Reader::new(limits);
        let signature = reader.signature(dict, &Location::root())?;
        Ok((signature, reader.warnings))
    }

    pub(crate) fn from_dict_at(
        dict: &SignatureDict,
        at: &Location,
        limits: &ReadLimits,
    ) -> Result<ModelSignature, FormatError> {
        Reader::new(limits).signature(dict, at)
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
        Reader::new(limits).schema_text(json)
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
        Reader::new(limits).param_schema_text(json)
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
    write_required(w, column.required_as_held());
    w.end_object();
}

/// `required` as MLflow writes it: `null` where it holds `None` (see [`ColSpec::required_is_unset`]),
/// the integer it was read as where it holds one.
fn write_required(w: &mut PyJsonWriter, required: Required) {
    match required {
        Required::Bool(required) => w.bool(required),
        Required::Unset => w.null(),
        Required::Number(number) => w.int(number),
    }
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
        write_required(w, property.required_as_held());
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

/// Parses JSON nested no deeper than [`ReadLimits::json_depth`], as Python's `json.loads`
/// reads it: `NaN` and the infinities become the markers [`non_finite`] recognises.
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
    parse_python_json(text).map_err(|message| FormatError::Syntax {
        location: at.clone(),
        message,
    })
}

/// One read of signature JSON: the budgets it stays within, and the warnings it gathers for
/// the `..._with_warnings` readers (what MLflow ignores or builds differently).
pub(crate) struct Reader<'a> {
    limits: &'a ReadLimits,
    pub(crate) warnings: Vec<FormatWarning>,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(limits: &'a ReadLimits) -> Self {
        Reader {
            limits,
            warnings: Vec::new(),
        }
    }

    /// Parses one JSON text of the signature (a part of the dict, or the dict itself) as
    /// Python's `json.loads` reads it, within the size and depth budgets.
    fn parse(&self, text: &str, at: &Location) -> Result<Value, FormatError> {
        if text.len() as u64 > self.limits.signature_json_bytes {
            return Err(BudgetExceeded::new(
                Budget::SignatureJsonBytes,
                self.limits.signature_json_bytes,
                at.to_string(),
            )
            .into());
        }
        parse_json(text, at, self.limits)
    }

    /// Notes each key of `element` outside `known`: MLflow ignores such keys where it reads
    /// by name (`dict.get`), so a signature from a newer MLflow still loads.
    /// MLflow keeps an integer `required` as it is and reads it by truthiness.
    fn required_number_warning(&mut self, at: &Location, number: i64) {
        let reading = if number == 0 { "optional" } else { "required" };
        self.warnings.push(FormatWarning {
            location: at.clone(),
            message: format!(
                "`required` is the integer {number}, not a boolean: read as {reading} (Python's \
                 truthiness, as MLflow reads it) and written back as {number}"
            ),
        });
    }

    fn ignore_unknown_keys(
        &mut self,
        element: &JsonMap<String, Value>,
        known: &[&str],
        at: &Location,
    ) {
        for key in element.keys().filter(|k| !known.contains(&k.as_str())) {
            self.warnings.push(FormatWarning {
                location: at.child(key),
                message: format!("ignored key `{key}` (MLflow ignores it too)"),
            });
        }
    }

    pub(crate) fn dict(
        &mut self,
        value: &Value,
        at: &Location,
    ) -> Result<SignatureDict, FormatError> {
        let object = expect_object(value, at, "a signature dict")?;
        self.ignore_unknown_keys(object, &["inputs", "outputs", "params"], at);
        let part = |key: &str| -> Result<Option<String>, FormatError> {
            match object.get(key) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) if s.is_empty() => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.clone())),
                // MLflow passes the part to `json.loads`, which takes text only.
                Some(other) => Err(invalid(
                    &at.child(key),
                    format!(
                        "expected the part as a JSON string (as MLflow writes it), found {}",
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

    pub(crate) fn signature(
        &mut self,
        dict: &SignatureDict,
        at: &Location,
    ) -> Result<ModelSignature, FormatError> {
        let schema = |reader: &mut Self, key: &str, json: Option<&str>| {
            json.map(|json| {
                let at = at.child(key);
                let value = reader.parse(json, &at)?;
                reader.schema(&value, &at)
            })
            .transpose()
        };
        let inputs = schema(self, "inputs", dict.inputs.as_deref())?;
        let outputs = schema(self, "outputs", dict.outputs.as_deref())?;
        let params = dict
            .params
            .as_deref()
            .map(|json| {
                let at = at.child("params");
                let value = self.parse(json, &at)?;
                self.param_schema(&value, &at)
            })
            .transpose()?;
        ModelSignature::new(inputs, outputs, params).map_err(|source| FormatError::Schema {
            location: at.clone(),
            source,
        })
    }

    pub(crate) fn schema_text(&mut self, text: &str) -> Result<Schema, FormatError> {
        let at = Location::root();
        let value = self.parse(text, &at)?;
        self.schema(&value, &at)
    }

    pub(crate) fn param_schema_text(&mut self, text: &str) -> Result<ParamSchema, FormatError> {
        let at = Location::root();
        let value = self.parse(text, &at)?;
        self.param_schema(&value, &at)
    }

    pub(crate) fn dict_text(&mut self, text: &str) -> Result<SignatureDict, FormatError> {
        let at = Location::root();
        let value = self.parse(text, &at)?;
        self.dict(&value, &at)
    }

    /// Refuses a list longer than [`ReadLimits::columns`].
    fn check_columns(&self, count: usize, at: &Location) -> Result<(), FormatError> {
        if count > self.limits.columns {
            return Err(
                BudgetExceeded::new(Budget::Columns, self.limits.columns, at.to_string()).into(),
            );
        }
        Ok(())
    }

    /// The nesting of a composite type opened inside `depth` others, refused past
    /// [`ReadLimits::type_depth`].
    fn nested(&self, depth: usize, at: &Location) -> Result<usize, FormatError> {
        let depth = depth + 1;
        if depth > self.limits.type_depth {
            return Err(BudgetExceeded::new(
                Budget::TypeDepth,
                self.limits.type_depth,
                at.to_string(),
            )
            .into());
        }
        Ok(depth)
    }

    fn schema(&mut self, value: &Value, at: &Location) -> Result<Schema, FormatError> {
        let Value::Array(elements) = value else {
            return Err(invalid(
                at,
                format!(
                    "expected a list of column or tensor specs, found {}",
                    json_kind(value)
                ),
            ));
        };
        self.check_columns(elements.len(), at)?;
        let specs = elements
            .iter()
            .enumerate()
            .map(|(i, element)| self.input_spec(element, &at.child(i)))
            .collect::<Result<Vec<_>, _>>()?;
        Schema::new(specs).map_err(|source| FormatError::Schema {
            location: at.clone(),
            source,
        })
    }

    /// One element of a schema, read as MLflow's `ColSpec.from_json_dict` or
    /// `TensorSpec.from_json_dict` reads it (docs/mlflow-behaviour.md §1.4).
    fn input_spec(&mut self, value: &Value, at: &Location) -> Result<InputSpec, FormatError> {
        let element = expect_object(value, at, "a column or tensor spec")?;
        let name = read_name(element, at)?;
        let at = match &name {
            Some(name) => at.about(format!("`{name}`")),
            None => at.clone(),
        };
        let type_name = required_str(element, "type", &at)?;
        if type_name == "tensor" {
            self.ignore_unknown_keys(element, &["type", "tensor-spec", "name"], &at);
            return read_tensor_spec(element, name, &at, &mut self.warnings).map(InputSpec::Tensor);
        }
        let is_scalar = DataType::from_name(type_name).is_some();
        if is_scalar {
            // MLflow builds a scalar column with `ColSpec(**element)`: any other key, the legacy
            // `optional` of MLflow 2.4–2.9 included, makes it raise.
            if element.contains_key("optional") {
                return Err(invalid(
                    &at.child("optional"),
                    "the `optional` key of MLflow 2.4 to 2.9 is no longer read: MLflow 3 \
                     refuses it (ColSpec() got an unexpected keyword argument 'optional'); \
                     write `\"required\": false` (or `true`) instead",
                ));
            }
            reject_unknown_keys(element, &["type", "name", "required"], &at)?;
        } else {
            // A composite, `any` or `sparkml_vector` column: MLflow pops `name` and `required`
            // and hands the rest to the type's own reader, which reads its keys by name.
            let known: &[&str] = match type_name {
                "array" => &["type", "name", "required", "items"],
                "map" => &["type", "name", "required", "values"],
                "object" => &["type", "name", "required", "properties"],
                _ => &["type", "name", "required"],
            };
            self.ignore_unknown_keys(element, known, &at);
        }
        let ty = self.type_fields(element, &at, 0)?;
        let column = match name {
            Some(name) => ColSpec::new(name, ty),
            None => ColSpec::unnamed(ty),
        };
        // A missing `required` is True for a scalar column (`ColSpec`'s default) and None for
        // the others (the popped default); None is optional when data is checked.
        let column = match element.get("required") {
            Some(Value::Bool(required)) => column.with_required(*required),
            Some(Value::Null) => column.with_required_unset(),
            None if is_scalar => column,
            None => column.with_required_unset(),
            Some(Value::Number(number)) if number.as_i64().is_some() => {
                let number = number.as_i64().unwrap_or_default();
                self.required_number_warning(&at.child("required"), number);
                column.with_required_number(number)
            }
            Some(other) => {
                return Err(invalid(
                    &at.child("required"),
                    format!("expected true, false or null, found {}", json_kind(other)),
                ));
            }
        };
        Ok(InputSpec::Column(column))
    }

    /// Reads the type described by `type` (and `items`, `values` or `properties`) in
    /// `element`, which sits inside `depth` composite types.
    fn type_fields(
        &mut self,
        element: &JsonMap<String, Value>,
        at: &Location,
        depth: usize,
    ) -> Result<ColumnType, FormatError> {
        let type_name = required_str(element, "type", at)?;
        if matches!(type_name, "array" | "map" | "object") {
            self.nested(depth, at)?;
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
                let items = self.nested_type(items, &at.child("items"), depth)?;
                ColumnType::Array(Array::new(items))
            }
            "map" => {
                let values_at = at.child("values");
                let values = element.get("values").ok_or_else(|| {
                    invalid(
                        at,
                        "Missing keys in Map JSON. Expected to find keys `values` and `type`",
                    )
                })?;
                let values = self.nested_type(values, &values_at, depth)?;
                if values == ColumnType::SparkMLVector {
                    // MLflow's `Map.from_json_dict` returns the vector type itself for
                    // `sparkml_vector` values, so the map is gone once MLflow has read it.
                    self.warnings.push(FormatWarning {
                        location: at.clone(),
                        message: "a map of `sparkml_vector` is read as `sparkml_vector`, as \
                                  MLflow reads it"
                            .to_owned(),
                    });
                    ColumnType::SparkMLVector
                } else {
                    ColumnType::Map(Map::new(values))
                }
            }
            "object" => ColumnType::Object(self.object(element, at, depth)?),
            "any" => ColumnType::AnyType,
            "sparkml_vector" => ColumnType::SparkMLVector,
            scalar => {
                ColumnType::DataType(scalar.parse().map_err(|source| FormatError::Schema {
                    location: at.child("type"),
                    source,
                })?)
            }
        })
    }

    /// The type of an array's `items` or a map's `values`: MLflow reads only its type keys
    /// (a `required` there is ignored too).
    fn nested_type(
        &mut self,
        value: &Value,
        at: &Location,
        depth: usize,
    ) -> Result<ColumnType, FormatError> {
        let element = expect_object(value, at, "a type such as {\"type\": \"string\"}")?;
        self.ignore_unknown_keys(element, type_keys(element), at);
        self.type_fields(element, at, depth)
    }

    /// The properties of an object type that is itself `depth` composite types deep.
    fn object(
        &mut self,
        element: &JsonMap<String, Value>,
        at: &Location,
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
        self.check_columns(properties.len(), &properties_at)?;
        let properties = properties
            .iter()
            .map(|(name, property)| {
                let at = properties_at
                    .child(name)
                    .about(format!("property `{name}`"));
                let property =
                    expect_object(property, &at, "a property such as {\"type\": \"string\"}")?;
                if property.get("type").and_then(Value::as_str) == Some("sparkml_vector") {
                    // MLflow's `Property.from_json_dict` has no branch for it and raises.
                    return Err(invalid(
                        &at.child("type"),
                        "MLflow cannot read a property of type `sparkml_vector` \
                         (Expected values to be instance of Property)",
                    ));
                }
                let mut known = type_keys(property).to_vec();
                known.push("required");
                self.ignore_unknown_keys(property, &known, &at);
                let dtype = self.type_fields(property, &at, depth)?;
                let built = Property::new(name.clone(), dtype);
                // `Property` defaults `required` to True and keeps whatever else it is given.
                Ok(match property.get("required") {
                    None => built,
                    Some(Value::Bool(required)) => built.with_required(*required),
                    Some(Value::Null) => built.with_required_unset(),
                    Some(Value::Number(number)) if number.as_i64().is_some() => {
                        let number = number.as_i64().unwrap_or_default();
                        self.required_number_warning(&at.child("required"), number);
                        built.with_required_number(number)
                    }
                    Some(other) => {
                        return Err(invalid(
                            &at.child("required"),
                            format!("expected true, false or null, found {}", json_kind(other)),
                        ));
                    }
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Object::new(properties).map_err(|source| FormatError::Schema {
            location: properties_at,
            source,
        })
    }

    fn param_schema(&mut self, value: &Value, at: &Location) -> Result<ParamSchema, FormatError> {
        let Value::Array(elements) = value else {
            return Err(invalid(
                at,
                format!("expected a list of param specs, found {}", json_kind(value)),
            ));
        };
        self.check_columns(elements.len(), at)?;
        let specs = elements
            .iter()
            .enumerate()
            .map(|(i, element)| self.param_spec(element, &at.child(i)))
            .collect::<Result<Vec<_>, _>>()?;
        ParamSchema::new(specs).map_err(|source| FormatError::Schema {
            location: at.clone(),
            source,
        })
    }

    fn param_spec(&mut self, value: &Value, at: &Location) -> Result<ParamSpec, FormatError> {
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
        let mut known = vec!["name", "type", "dtype", "default", "shape"];
        let dtype = match required_str(element, type_key, &at)? {
            "object" => {
                known.push("properties");
                let depth = self.nested(0, &at)?;
                ParamType::Object(self.object(element, &at, depth)?)
            }
            scalar => {
                ParamType::DataType(scalar.parse().map_err(|source| FormatError::Schema {
                    location: at.child(type_key),
                    source,
                })?)
            }
        };
        self.ignore_unknown_keys(element, &known, &at);
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
        let reading = ParamValueReading {
            python_tokens: true,
            big_integers_as_floats: matches!(
                dtype,
                ParamType::DataType(DataType::Float | DataType::Double)
            ),
        };
        let default = read_param_value(&element["default"], &default_at, reading)?;
        ParamSpec::new(name, dtype, default, shape).map_err(|source| FormatError::Schema {
            location: default_at,
            source,
        })
    }
}

/// The keys MLflow reads from a type dict of this `type`.
fn type_keys(element: &JsonMap<String, Value>) -> &'static [&'static str] {
    match element.get("type").and_then(Value::as_str) {
        Some("array") => &["type", "items"],
        Some("map") => &["type", "values"],
        Some("object") => &["type", "properties"],
        _ => &["type"],
    }
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
    warnings: &mut Vec<FormatWarning>,
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
    for key in spec
        .keys()
        .filter(|k| !matches!(k.as_str(), "dtype" | "shape"))
    {
        warnings.push(FormatWarning {
            location: spec_at.child(key),
            message: format!("ignored key `{key}` (MLflow ignores it too)"),
        });
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

/// How a JSON value is read as a parameter value.
#[derive(Clone, Copy)]
pub(crate) struct ParamValueReading {
    /// Read the markers of [`parse_python_json`] as NaN and infinities (signature JSON only:
    /// a request body is read by serde_json, where such a string is text).
    pub(crate) python_tokens: bool,
    /// Read an integer beyond `i64` as a float (MLflow stores a float for a `float` or
    /// `double` parameter), rather than refusing it.
    pub(crate) big_integers_as_floats: bool,
}

/// A JSON value as a parameter value; integers beyond 64 bits are refused rather than rounded,
/// unless `reading` says they stand for floats.
pub(crate) fn read_param_value(
    value: &Value,
    at: &Location,
    reading: ParamValueReading,
) -> Result<ParamValue, FormatError> {
    if reading.python_tokens
        && let Some(number) = non_finite(value)
    {
        return Ok(ParamValue::Float(number));
    }
    Ok(match value {
        Value::Null => ParamValue::Null,
        Value::Bool(b) => ParamValue::Bool(*b),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                ParamValue::Int(i)
            } else if n.is_f64() || reading.big_integers_as_floats {
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
                .map(|(i, item)| read_param_value(item, &at.child(i), reading))
                .collect::<Result<_, _>>()?,
        ),
        Value::Object(entries) => ParamValue::Object(
            entries
                .iter()
                .map(|(k, item)| Ok((k.clone(), read_param_value(item, &at.child(k), reading)?)))
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
