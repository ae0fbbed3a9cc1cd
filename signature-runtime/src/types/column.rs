use std::fmt;

use super::{DataType, SchemaError};

/// A column's or tensor's name as MLflow stores it.
///
/// Almost always text; MLflow also writes integer names (`"name": 0`) for signatures inferred
/// from a DataFrame with integer column labels, and pandas compares `0` and `"0"` as different
/// labels, so the distinction is kept.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ColumnName {
    /// A text name (`"name": "price"`).
    Str(String),
    /// An integer name (`"name": 0`).
    Int(i64),
}

impl ColumnName {
    /// The text name, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            ColumnName::Str(name) => Some(name),
            ColumnName::Int(_) => None,
        }
    }
}

impl fmt::Display for ColumnName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ColumnName::Str(name) => f.write_str(name),
            ColumnName::Int(index) => write!(f, "{index}"),
        }
    }
}

impl From<&str> for ColumnName {
    fn from(name: &str) -> Self {
        ColumnName::Str(name.to_owned())
    }
}

impl From<String> for ColumnName {
    fn from(name: String) -> Self {
        ColumnName::Str(name)
    }
}

impl From<i64> for ColumnName {
    fn from(index: i64) -> Self {
        ColumnName::Int(index)
    }
}

impl PartialEq<str> for ColumnName {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == Some(other)
    }
}

impl PartialEq<&str> for ColumnName {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == Some(*other)
    }
}

/// The type of a column, an Array item, a Map value or an Object property: MLflow's
/// `DataType | Array | Object | Map | AnyType | SparkMLVector`.
#[derive(Clone, Debug, PartialEq)]
pub enum ColumnType {
    /// A scalar type.
    DataType(DataType),
    /// A list whose elements all have one type.
    Array(Array),
    /// A dictionary with a fixed set of named properties.
    Object(Object),
    /// A dictionary with arbitrary string keys and one value type.
    Map(Map),
    /// Anything at all, null included: MLflow checks nothing.
    AnyType,
    /// A Spark ML vector (MLflow treats it as an array of doubles).
    SparkMLVector,
}

impl ColumnType {
    /// The `type` MLflow writes for this type (`"long"`, `"array"`, `"object"`, ...).
    pub fn type_name(&self) -> &'static str {
        match self {
            ColumnType::DataType(t) => t.name(),
            ColumnType::Array(_) => "array",
            ColumnType::Object(_) => "object",
            ColumnType::Map(_) => "map",
            ColumnType::AnyType => "any",
            ColumnType::SparkMLVector => "sparkml_vector",
        }
    }

    /// The scalar type, if this is one.
    pub fn as_data_type(&self) -> Option<DataType> {
        match self {
            ColumnType::DataType(t) => Some(*t),
            _ => None,
        }
    }
}

/// A compact, human spelling: `long`, `array<string>`, `map<array<long>>`,
/// `object{content: string, role?: string}` (`?` marks an optional property), `any`.
impl fmt::Display for ColumnType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ColumnType::DataType(t) => write!(f, "{t}"),
            ColumnType::Array(array) => write!(f, "array<{}>", array.items()),
            ColumnType::Map(map) => write!(f, "map<{}>", map.values()),
            ColumnType::Object(object) => write!(f, "{object}"),
            ColumnType::AnyType => f.write_str("any"),
            ColumnType::SparkMLVector => f.write_str("sparkml_vector"),
        }
    }
}

impl From<DataType> for ColumnType {
    fn from(t: DataType) -> Self {
        ColumnType::DataType(t)
    }
}

impl From<Array> for ColumnType {
    fn from(t: Array) -> Self {
        ColumnType::Array(t)
    }
}

impl From<Object> for ColumnType {
    fn from(t: Object) -> Self {
        ColumnType::Object(t)
    }
}

impl From<Map> for ColumnType {
    fn from(t: Map) -> Self {
        ColumnType::Map(t)
    }
}

/// MLflow's `Array(dtype)`: a list whose elements are all of `items`.
#[derive(Clone, Debug, PartialEq)]
pub struct Array {
    items: Box<ColumnType>,
}

impl Array {
    /// An array of `items`.
    pub fn new(items: impl Into<ColumnType>) -> Self {
        Array {
            items: Box::new(items.into()),
        }
    }

    /// The element type.
    pub fn items(&self) -> &ColumnType {
        &self.items
    }
}

/// MLflow's `Map(value_type)`: string keys, values all of `values`.
#[derive(Clone, Debug, PartialEq)]
pub struct Map {
    values: Box<ColumnType>,
}

impl Map {
    /// A map whose values are `values`.
    pub fn new(values: impl Into<ColumnType>) -> Self {
        Map {
            values: Box::new(values.into()),
        }
    }

    /// The value type.
    pub fn values(&self) -> &ColumnType {
        &self.values
    }
}

/// `required` of a column or property as MLflow holds it (and writes it back).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Required {
    Bool(bool),
    /// `None`: optional in every decision, written back as `null`.
    Unset,
    /// An integer, kept as it is: its truthiness decides, and it is written back as read.
    Number(i64),
}

impl Required {
    /// Python's truthiness of the value.
    fn is_true(self) -> bool {
        match self {
            Required::Bool(required) => required,
            Required::Unset => false,
            Required::Number(number) => number != 0,
        }
    }
}

/// One named field of an [`Object`].
#[derive(Clone, Debug, PartialEq)]
pub struct Property {
    name: String,
    dtype: ColumnType,
    required: Required,
}

impl Property {
    /// A required property.
    pub fn new(name: impl Into<String>, dtype: impl Into<ColumnType>) -> Self {
        Property {
            name: name.into(),
            dtype: dtype.into(),
            required: Required::Bool(true),
        }
    }

    /// The same property, optional: the key may be absent.
    #[must_use]
    pub fn optional(self) -> Self {
        self.with_required(false)
    }

    /// The same property with `required` set.
    #[must_use]
    pub fn with_required(mut self, required: bool) -> Self {
        self.required = Required::Bool(required);
        self
    }

    /// The same with `required` given as an integer, which MLflow keeps as it is: required
    /// when not 0 (Python's truthiness), and written back as the integer.
    #[must_use]
    pub(crate) fn with_required_number(mut self, number: i64) -> Self {
        self.required = Required::Number(number);
        self
    }

    /// `required` as MLflow holds it, to write it back.
    pub(crate) fn required_as_held(&self) -> Required {
        self.required
    }

    /// The same property with `required` left unset, as MLflow holds a property read with
    /// `"required": null`: optional in every decision, and written back as `null`.
    #[must_use]
    pub fn with_required_unset(mut self) -> Self {
        self.required = Required::Unset;
        self
    }

    /// The key.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The value type.
    pub fn dtype(&self) -> &ColumnType {
        &self.dtype
    }

    /// Whether the key must be present.
    pub fn required(&self) -> bool {
        self.required.is_true()
    }

    /// Whether `required` was left unset (MLflow's `None`); [`Property::required`] is then
    /// false.
    pub fn required_is_unset(&self) -> bool {
        self.required == Required::Unset
    }
}

/// MLflow's `Object(properties)`: a dictionary with a fixed set of keys.
///
/// Properties are kept sorted by name in code-point order, as MLflow sorts them, so equal
/// objects compare and serialise equal whatever order they were declared in.
#[derive(Clone, Debug, PartialEq)]
pub struct Object {
    properties: Vec<Property>,
}

impl Object {
    /// An object with these properties; fails, as MLflow does, on none or on a repeated name.
    pub fn new(mut properties: Vec<Property>) -> Result<Self, SchemaError> {
        if properties.is_empty() {
            return Err(SchemaError::EmptyObject);
        }
        // Rust orders `String`s by UTF-8 bytes, which is code-point order: Python's order.
        properties.sort_by(|a, b| a.name.cmp(&b.name));
        let duplicated: Vec<String> = properties
            .windows(2)
            .filter(|pair| pair[0].name == pair[1].name)
            .map(|pair| pair[0].name.clone())
            .collect();
        if !duplicated.is_empty() {
            return Err(SchemaError::DuplicateProperties { names: duplicated });
        }
        Ok(Object { properties })
    }

    /// The properties, sorted by name.
    pub fn properties(&self) -> &[Property] {
        &self.properties
    }

    /// The property called `name`.
    pub fn property(&self, name: &str) -> Option<&Property> {
        self.properties
            .binary_search_by(|p| p.name.as_str().cmp(name))
            .ok()
            .map(|i| &self.properties[i])
    }
}

/// `object{content: string, role?: string}`; `?` marks an optional property.
impl fmt::Display for Object {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("object{")?;
        for (i, p) in self.properties.iter().enumerate() {
            let separator = if i == 0 { "" } else { ", " };
            let mark = if p.required() { "" } else { "?" };
            write!(f, "{separator}{}{mark}: {}", p.name, p.dtype)?;
        }
        f.write_str("}")
    }
}

/// MLflow's `ColSpec`: one column of a column-based schema.
#[derive(Clone, Debug, PartialEq)]
pub struct ColSpec {
    name: Option<ColumnName>,
    ty: ColumnType,
    /// `Unset` when MLflow read no `required` (composite columns) or `"required": null`:
    /// optional, yet not "optional" for the rule on unnamed columns.
    required: Required,
}

impl ColSpec {
    /// A required column called `name`.
    pub fn new(name: impl Into<ColumnName>, ty: impl Into<ColumnType>) -> Self {
        ColSpec {
            name: Some(name.into()),
            ty: ty.into(),
            required: Required::Bool(true),
        }
    }

    /// A required column matched by position rather than name.
    pub fn unnamed(ty: impl Into<ColumnType>) -> Self {
        ColSpec {
            name: None,
            ty: ty.into(),
            required: Required::Bool(true),
        }
    }

    /// The same column, optional: it may be absent from the input.
    #[must_use]
    pub fn optional(self) -> Self {
        self.with_required(false)
    }

    /// The same column with `required` set.
    #[must_use]
    pub fn with_required(mut self, required: bool) -> Self {
        self.required = Required::Bool(required);
        self
    }

    /// The same with `required` given as an integer, which MLflow keeps as it is: required
    /// when not 0 (Python's truthiness), and written back as the integer.
    #[must_use]
    pub(crate) fn with_required_number(mut self, number: i64) -> Self {
        self.required = Required::Number(number);
        self
    }

    /// `required` as MLflow holds it, to write it back.
    pub(crate) fn required_as_held(&self) -> Required {
        self.required
    }

    /// The same column with `required` left unset, as MLflow holds a column read without
    /// `required` (a composite or `any` column) or with `"required": null`. MLflow treats such a
    /// column as optional when checking data, but does not count it as an unnamed optional
    /// column (which it refuses), and writes `"required": null` back.
    #[must_use]
    pub fn with_required_unset(mut self) -> Self {
        self.required = Required::Unset;
        self
    }

    /// The name, `None` for a positional column.
    pub fn name(&self) -> Option<&ColumnName> {
        self.name.as_ref()
    }

    /// The type.
    pub fn ty(&self) -> &ColumnType {
        &self.ty
    }

    /// Whether the column must be present (MLflow's `required`; it says nothing of nulls).
    pub fn required(&self) -> bool {
        self.required.is_true()
    }

    /// Whether `required` was left unset (MLflow's `None`); [`ColSpec::required`] is then false.
    pub fn required_is_unset(&self) -> bool {
        self.required == Required::Unset
    }
}
