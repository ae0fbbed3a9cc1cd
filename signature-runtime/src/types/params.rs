use std::fmt;

use super::datetime::DatetimeParseError;
use super::{ColumnType, DataType, Datetime, Object, SchemaError};

/// The type of a parameter: any [`DataType`] but binary, or an [`Object`] (dict parameters).
#[derive(Clone, Debug, PartialEq)]
pub enum ParamType {
    /// A scalar type (never [`DataType::Binary`]).
    DataType(DataType),
    /// A dictionary with fixed keys.
    Object(Object),
}

impl ParamType {
    /// The `type` MLflow writes.
    pub fn type_name(&self) -> &'static str {
        match self {
            ParamType::DataType(t) => t.name(),
            ParamType::Object(_) => "object",
        }
    }
}

impl fmt::Display for ParamType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParamType::DataType(t) => write!(f, "{t}"),
            ParamType::Object(object) => write!(f, "{object}"),
        }
    }
}

impl From<DataType> for ParamType {
    fn from(t: DataType) -> Self {
        ParamType::DataType(t)
    }
}

impl From<Object> for ParamType {
    fn from(t: Object) -> Self {
        ParamType::Object(t)
    }
}

/// A parameter value: a default in a [`ParamSpec`], or a value sent with a request.
#[derive(Clone, Debug, PartialEq)]
pub enum ParamValue {
    /// `None` / JSON `null`.
    Null,
    /// A boolean.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A float.
    Float(f64),
    /// A string.
    String(String),
    /// A date or timestamp (datetime parameters keep these, written in ISO form).
    Datetime(Datetime),
    /// A list (parameters with shape `(-1,)`, or inside an object value).
    List(Vec<ParamValue>),
    /// A dictionary, keys in the order given.
    Object(Vec<(String, ParamValue)>),
}

impl ParamValue {
    /// Python's `type(value).__name__` for the value, as MLflow's messages name it.
    pub fn python_type_name(&self) -> &'static str {
        match self {
            ParamValue::Null => "NoneType",
            ParamValue::Bool(_) => "bool",
            ParamValue::Int(_) => "int",
            ParamValue::Float(_) => "float",
            ParamValue::String(_) => "str",
            ParamValue::Datetime(Datetime::Date(_)) => "date",
            ParamValue::Datetime(Datetime::DateTime(_)) => "datetime",
            ParamValue::List(_) => "list",
            ParamValue::Object(_) => "dict",
        }
    }
}

impl From<bool> for ParamValue {
    fn from(v: bool) -> Self {
        ParamValue::Bool(v)
    }
}

impl From<i64> for ParamValue {
    fn from(v: i64) -> Self {
        ParamValue::Int(v)
    }
}

impl From<i32> for ParamValue {
    fn from(v: i32) -> Self {
        ParamValue::Int(v.into())
    }
}

impl From<f64> for ParamValue {
    fn from(v: f64) -> Self {
        ParamValue::Float(v)
    }
}

impl From<f32> for ParamValue {
    /// Widened as MLflow widens a float32 default (`0.1` becomes `0.10000000149011612`).
    fn from(v: f32) -> Self {
        ParamValue::Float(v.into())
    }
}

impl From<&str> for ParamValue {
    fn from(v: &str) -> Self {
        ParamValue::String(v.to_owned())
    }
}

impl From<String> for ParamValue {
    fn from(v: String) -> Self {
        ParamValue::String(v)
    }
}

impl From<Datetime> for ParamValue {
    fn from(v: Datetime) -> Self {
        ParamValue::Datetime(v)
    }
}

impl<T: Into<ParamValue>> From<Vec<T>> for ParamValue {
    fn from(v: Vec<T>) -> Self {
        ParamValue::List(v.into_iter().map(Into::into).collect())
    }
}

/// A parameter's shape: a scalar (or a dict, for object parameters), or a 1-D list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ParamShape {
    /// `shape: null`.
    Scalar,
    /// `shape: [-1]`: a list of any length.
    List,
}

impl ParamShape {
    /// The shape as MLflow writes it: `None` or `[-1]`.
    pub fn dims(self) -> Option<&'static [i64]> {
        match self {
            ParamShape::Scalar => None,
            ParamShape::List => Some(&[-1]),
        }
    }

    /// The shape from MLflow's spelling; only `None` and `[-1]` exist.
    pub fn from_dims(dims: Option<&[i64]>) -> Option<ParamShape> {
        match dims {
            None => Some(ParamShape::Scalar),
            Some([-1]) => Some(ParamShape::List),
            Some(_) => None,
        }
    }
}

/// MLflow's `ParamSpec`: a named inference parameter with a type, a default and a shape.
#[derive(Clone, Debug, PartialEq)]
pub struct ParamSpec {
    name: String,
    dtype: ParamType,
    default: ParamValue,
    shape: ParamShape,
}

impl ParamSpec {
    /// A parameter; the default is validated and normalised as MLflow does (`1` for a double
    /// becomes `1.0`, an ISO string for a datetime becomes a datetime).
    pub fn new(
        name: impl Into<String>,
        dtype: impl Into<ParamType>,
        default: impl Into<ParamValue>,
        shape: ParamShape,
    ) -> Result<Self, SchemaError> {
        let name = name.into();
        let dtype = dtype.into();
        if dtype == ParamType::DataType(DataType::Binary) {
            return Err(SchemaError::BinaryParam { name });
        }
        if matches!(dtype, ParamType::Object(_)) && shape == ParamShape::List {
            // MLflow's validation wants a scalar for an object type, whatever the shape says,
            // so it refuses every list default (and a 1-D list of objects can never pass).
            return Err(SchemaError::InvalidParamDefault {
                name,
                reason:
                    "an object parameter takes one object (shape null); MLflow refuses shape (-1,)"
                        .to_owned(),
            });
        }
        let default = conform_param_value(&dtype, shape, default.into()).map_err(|reason| {
            SchemaError::InvalidParamDefault {
                name: name.clone(),
                reason,
            }
        })?;
        Ok(ParamSpec {
            name,
            dtype,
            default,
            shape,
        })
    }

    /// A scalar parameter.
    pub fn scalar(
        name: impl Into<String>,
        dtype: impl Into<ParamType>,
        default: impl Into<ParamValue>,
    ) -> Result<Self, SchemaError> {
        ParamSpec::new(name, dtype, default, ParamShape::Scalar)
    }

    /// The name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The type.
    pub fn dtype(&self) -> &ParamType {
        &self.dtype
    }

    /// The normalised default.
    pub fn default(&self) -> &ParamValue {
        &self.default
    }

    /// The shape.
    pub fn shape(&self) -> ParamShape {
        self.shape
    }

    /// Checks and normalises a value given for this parameter, as MLflow's
    /// `validate_type_and_shape` does for request params.
    pub fn conform(&self, value: ParamValue) -> Result<ParamValue, String> {
        conform_param_value(&self.dtype, self.shape, value)
    }
}

/// MLflow's `ParamSchema`: the parameters a model accepts, names unique.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ParamSchema {
    params: Vec<ParamSpec>,
}

impl ParamSchema {
    /// A parameter schema; fails on a repeated name.
    pub fn new(params: Vec<ParamSpec>) -> Result<Self, SchemaError> {
        let mut duplicated: Vec<String> = Vec::new();
        for (i, spec) in params.iter().enumerate() {
            let repeated = params[..i].iter().any(|earlier| earlier.name == spec.name);
            if repeated && !duplicated.contains(&spec.name) {
                duplicated.push(spec.name.clone());
            }
        }
        if !duplicated.is_empty() {
            return Err(SchemaError::DuplicateParams { names: duplicated });
        }
        Ok(ParamSchema { params })
    }

    /// The parameters in order.
    pub fn params(&self) -> &[ParamSpec] {
        &self.params
    }

    /// The parameter called `name`.
    pub fn param(&self, name: &str) -> Option<&ParamSpec> {
        self.params.iter().find(|p| p.name == name)
    }

    /// Whether there are no parameters (MLflow then writes `params: null`).
    pub fn is_empty(&self) -> bool {
        self.params.is_empty()
    }
}

/// `ParamSpec.validate_type_and_shape`: the value checked against type and shape, returned as
/// MLflow would pass it on.
fn conform_param_value(
    dtype: &ParamType,
    shape: ParamShape,
    value: ParamValue,
) -> Result<ParamValue, String> {
    match (shape, value) {
        (ParamShape::List, ParamValue::List(items)) => {
            if items.iter().any(|item| matches!(item, ParamValue::List(_))) {
                return Err("value must be a 1-D list for shape (-1,), got a nested list".into());
            }
            items
                .into_iter()
                .map(|item| conform_scalar(dtype, item))
                .collect::<Result<_, _>>()
                .map(ParamValue::List)
        }
        (ParamShape::List, other) => Err(format!(
            "value must be a 1-D list for shape (-1,), got {}",
            other.python_type_name()
        )),
        (ParamShape::Scalar, value) => conform_scalar(dtype, value),
    }
}

/// `_enforce_param_datatype`, or the object check for object parameters.
fn conform_scalar(dtype: &ParamType, value: ParamValue) -> Result<ParamValue, String> {
    let t = match dtype {
        ParamType::Object(object) => {
            check_object_value(object, &value)?;
            return Ok(value);
        }
        ParamType::DataType(t) => *t,
    };
    if value == ParamValue::Null {
        return Ok(value);
    }
    if t == DataType::Datetime {
        return match value {
            ParamValue::Datetime(_) => Ok(value),
            ParamValue::String(text) => match Datetime::parse_numpy(&text) {
                Ok(at) => Ok(ParamValue::Datetime(at)),
                Err(DatetimeParseError::NotADateOrDatetime) => Err(format!(
                    "the value `{text}` must be convertible to a date or datetime"
                )),
                Err(DatetimeParseError::Unparseable) => {
                    Err(format!("`{text}` is not an ISO-8601 date or datetime"))
                }
            },
            other => Err(format!(
                "a {} can not be converted to datetime",
                other.python_type_name()
            )),
        };
    }
    match (t, value) {
        (_, value @ (ParamValue::List(_) | ParamValue::Object(_))) => Err(format!(
            "value must be a scalar for type {t}, got a {}",
            value.python_type_name()
        )),
        (DataType::Boolean, value @ ParamValue::Bool(_))
        | (DataType::Integer | DataType::Long, value @ ParamValue::Int(_))
        | (DataType::Float | DataType::Double, value @ ParamValue::Float(_))
        | (DataType::String, value @ ParamValue::String(_)) => Ok(value),
        // MLflow widens integers to floats (and stores the float).
        #[allow(clippy::cast_precision_loss)]
        (DataType::Float | DataType::Double, ParamValue::Int(i)) => Ok(ParamValue::Float(i as f64)),
        (t, value) => Err(format!(
            "can not safely convert a {} to {t}",
            value.python_type_name()
        )),
    }
}

/// MLflow's `_enforce_object` on a Python value: required keys present, no unknown keys, each
/// value of its property's type as pandas would infer it.
fn check_object_value(object: &Object, value: &ParamValue) -> Result<(), String> {
    let ParamValue::Object(entries) = value else {
        return Err(format!(
            "expected a dictionary, got {}",
            value.python_type_name()
        ));
    };
    let missing: Vec<&str> = object
        .properties()
        .iter()
        .filter(|p| p.required() && !entries.iter().any(|(k, _)| k == p.name()))
        .map(|p| p.name())
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "missing required properties {}",
            quoted_list(&missing)
        ));
    }
    let unknown: Vec<&str> = entries
        .iter()
        .map(|(k, _)| k.as_str())
        .filter(|k| object.property(k).is_none())
        .collect();
    if !unknown.is_empty() {
        return Err(format!(
            "properties not defined in the schema: {}",
            quoted_list(&unknown)
        ));
    }
    for (key, item) in entries {
        let property = object
            .property(key)
            .expect("unknown keys were rejected above");
        let fits = (!property.required() && *item == ParamValue::Null)
            || value_fits(property.dtype(), item);
        if !fits {
            return Err(format!(
                "property `{key}` expects {}, got {}",
                property.dtype().type_name(),
                item.python_type_name()
            ));
        }
    }
    Ok(())
}

/// Whether MLflow's `_enforce_type` accepts a Python value for `ty`, by the dtype pandas infers
/// for it (a Python int is int64, so it fits `long` but not `integer`).
fn value_fits(ty: &ColumnType, value: &ParamValue) -> bool {
    match (ty, value) {
        (ColumnType::AnyType, _) => true,
        (ColumnType::DataType(t), v) => scalar_fits(*t, v),
        (ColumnType::Array(array), ParamValue::List(items)) => {
            items.iter().all(|item| value_fits(array.items(), item))
        }
        (ColumnType::SparkMLVector, ParamValue::List(items)) => {
            items.iter().all(|item| scalar_fits(DataType::Double, item))
        }
        (ColumnType::Object(object), v) => check_object_value(object, v).is_ok(),
        (ColumnType::Map(map), ParamValue::Object(entries)) => entries
            .iter()
            .all(|(_, item)| value_fits(map.values(), item)),
        _ => false,
    }
}

fn scalar_fits(t: DataType, value: &ParamValue) -> bool {
    match (t, value) {
        (DataType::Boolean, ParamValue::Bool(_))
        | (DataType::Long, ParamValue::Int(_))
        | (DataType::Double, ParamValue::Float(_))
        | (DataType::String | DataType::Binary, ParamValue::String(_))
        | (DataType::Datetime, ParamValue::Datetime(_)) => true,
        // pandas' 0/1 rule: an int64 series of only 0 and 1 may become a float.
        (DataType::Float | DataType::Double, ParamValue::Int(0 | 1)) => true,
        (DataType::Datetime, ParamValue::String(text)) => Datetime::parse_numpy(text).is_ok(),
        _ => false,
    }
}

fn quoted_list(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    quoted.join(", ")
}

impl fmt::Display for ParamShape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParamShape::Scalar => f.write_str("scalar"),
            ParamShape::List => f.write_str("(-1,)"),
        }
    }
}
