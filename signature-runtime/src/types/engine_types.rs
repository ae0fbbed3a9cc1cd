//! The type each frame engine gives a column of an MLflow type: one map per engine, beside the
//! types, for every part of the crate that builds engine data (the frame checkers' conforming,
//! the JSON checker's [`ConformedBody::to_record_batch`](crate::check::ConformedBody::to_record_batch)).

use crate::types::{ColumnType, DataType};

#[cfg(feature = "arrow")]
pub use self::arrow::arrow_type;
#[cfg(feature = "polars")]
pub use self::polars::polars_type;

#[cfg(feature = "arrow")]
mod arrow {
    use std::sync::Arc;

    use arrow_schema::{DataType as ArrowType, Field, Fields, TimeUnit};

    use super::{ColumnType, DataType};

    /// The Arrow type a conformed column of an MLflow type has, when nothing needs keeping from
    /// the input: `long` is Int64, `datetime` Timestamp(ns), `array<T>` a List of `T`, `object` a
    /// Struct of its properties (optional ones nullable), `map<T>` a Map from Utf8, `any` Null.
    pub fn arrow_type(ty: &ColumnType) -> ArrowType {
        match ty {
            ColumnType::DataType(t) => match t {
                DataType::Boolean => ArrowType::Boolean,
                DataType::Integer => ArrowType::Int32,
                DataType::Long => ArrowType::Int64,
                DataType::Float => ArrowType::Float32,
                DataType::Double => ArrowType::Float64,
                DataType::String => ArrowType::Utf8,
                DataType::Binary => ArrowType::Binary,
                DataType::Datetime => ArrowType::Timestamp(TimeUnit::Nanosecond, None),
            },
            ColumnType::Array(array) => ArrowType::List(Arc::new(Field::new(
                "item",
                arrow_type(array.items()),
                true,
            ))),
            ColumnType::SparkMLVector => {
                ArrowType::List(Arc::new(Field::new("item", ArrowType::Float64, true)))
            }
            ColumnType::Object(object) => ArrowType::Struct(
                object
                    .properties()
                    .iter()
                    .map(|p| Field::new(p.name(), arrow_type(p.dtype()), !p.required()))
                    .collect(),
            ),
            ColumnType::Map(map) => {
                let entries = ArrowType::Struct(Fields::from(vec![
                    Field::new("keys", ArrowType::Utf8, false),
                    Field::new("values", arrow_type(map.values()), true),
                ]));
                ArrowType::Map(Arc::new(Field::new("entries", entries, false)), false)
            }
            ColumnType::AnyType => ArrowType::Null,
        }
    }
}

#[cfg(feature = "polars")]
mod polars {
    use polars_core::prelude::{DataType as PlType, Field, TimeUnit};

    use super::{ColumnType, DataType};

    /// The Polars type a conformed column of an MLflow type has, when nothing needs keeping from
    /// the input: `long` is Int64, `datetime` Datetime(ns), `array<T>` a List of `T`, `object` a
    /// Struct of its properties, `any` Null. A `map` (which Polars cannot hold) is Null too.
    pub fn polars_type(ty: &ColumnType) -> PlType {
        match ty {
            ColumnType::DataType(t) => match t {
                DataType::Boolean => PlType::Boolean,
                DataType::Integer => PlType::Int32,
                DataType::Long => PlType::Int64,
                DataType::Float => PlType::Float32,
                DataType::Double => PlType::Float64,
                DataType::String => PlType::String,
                DataType::Binary => PlType::Binary,
                DataType::Datetime => PlType::Datetime(TimeUnit::Nanoseconds, None),
            },
            ColumnType::Array(array) => PlType::List(Box::new(polars_type(array.items()))),
            ColumnType::SparkMLVector => PlType::List(Box::new(PlType::Float64)),
            ColumnType::Object(object) => PlType::Struct(
                object
                    .properties()
                    .iter()
                    .map(|p| Field::new(p.name().into(), polars_type(p.dtype())))
                    .collect(),
            ),
            ColumnType::Map(_) | ColumnType::AnyType => PlType::Null,
        }
    }
}
