use std::fmt;
use std::str::FromStr;

use super::SchemaError;

/// MLflow's scalar column types, in MLflow's declaration order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DataType {
    /// `boolean`: numpy `bool`.
    Boolean,
    /// `integer`: a 32-bit signed integer (numpy `int32`).
    Integer,
    /// `long`: a 64-bit signed integer (numpy `int64`).
    Long,
    /// `float`: a 32-bit float (numpy `float32`).
    Float,
    /// `double`: a 64-bit float (numpy `float64`).
    Double,
    /// `string`: text.
    String,
    /// `binary`: bytes (base64 in JSON bodies).
    Binary,
    /// `datetime`: a timezone-naive timestamp (numpy `datetime64[ns]`).
    Datetime,
}

impl DataType {
    /// Every data type, in MLflow's declaration order (the order its messages list them in).
    pub const ALL: [DataType; 8] = [
        DataType::Boolean,
        DataType::Integer,
        DataType::Long,
        DataType::Float,
        DataType::Double,
        DataType::String,
        DataType::Binary,
        DataType::Datetime,
    ];

    /// The name MLflow writes in signature JSON (`"long"`).
    pub const fn name(self) -> &'static str {
        match self {
            DataType::Boolean => "boolean",
            DataType::Integer => "integer",
            DataType::Long => "long",
            DataType::Float => "float",
            DataType::Double => "double",
            DataType::String => "string",
            DataType::Binary => "binary",
            DataType::Datetime => "datetime",
        }
    }

    /// The data type MLflow spells `name`, if any.
    pub fn from_name(name: &str) -> Option<DataType> {
        DataType::ALL.into_iter().find(|t| t.name() == name)
    }

    /// The numpy dtype MLflow converts this type to (`DataType.to_numpy()`).
    pub const fn numpy_name(self) -> &'static str {
        match self {
            DataType::Boolean => "bool",
            DataType::Integer => "int32",
            DataType::Long => "int64",
            DataType::Float => "float32",
            DataType::Double => "float64",
            DataType::String => "str",
            DataType::Binary => "bytes",
            DataType::Datetime => "datetime64[ns]",
        }
    }
}

impl fmt::Display for DataType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for DataType {
    type Err = SchemaError;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        DataType::from_name(name).ok_or_else(|| SchemaError::UnknownDataType {
            found: name.to_owned(),
        })
    }
}
