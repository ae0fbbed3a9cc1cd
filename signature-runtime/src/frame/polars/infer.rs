//! `Schema::infer(&DataFrame)`: the schema MLflow's `infer_signature` gives for the pandas
//! frame `DataFrame.to_pandas()` makes of the same frame.

use polars_core::prelude::{DataFrame, DataType as PlType};
use polars_core::utils::arrow::array::{
    Array, FixedSizeListArray, ListArray, PrimitiveArray, StructArray,
};
use polars_core::utils::arrow::bitmap::Bitmap;

use crate::frame::{FieldPath, InferError, InferSchema};
use crate::types::{Array as ArrayType, ColSpec, ColumnType, DataType, Object, Property, Schema};

impl InferSchema for DataFrame {
    /// One column per column, in order. `required` when the column has no null and, for
    /// floats, no NaN (pandas counts NaN as missing). Types:
    ///
    /// | Polars | MLflow |
    /// |---|---|
    /// | Boolean | `boolean` |
    /// | Int8, Int16, Int32, UInt8, UInt16 | `integer` |
    /// | Int64, UInt32 | `long` |
    /// | Float16, Float32 / Float64 | `float` / `double` |
    /// | String | `string` |
    /// | Binary, BinaryOffset | `binary` |
    /// | Datetime (any unit or timezone), Date | `datetime` |
    /// | List, Array | `array` of the items |
    /// | Struct | `object`; a property is optional when it is null in some row |
    /// | Null, or a Struct without fields | `any`, optional |
    ///
    /// UInt64 and every other type are [`InferError::Unsupported`], as MLflow refuses uint64.
    fn infer_schema(&self) -> Result<Schema, InferError> {
        let mut columns = Vec::with_capacity(self.width());
        for column in self.columns() {
            let name = column.name().as_str();
            let mut ty = infer(column.dtype(), name, &FieldPath::default())?;
            let chunks = column.as_materialized_series().chunks();
            let parts: Vec<Part<'_>> = chunks.iter().map(|c| (c.as_ref(), None)).collect();
            properties_required(&mut ty, column.dtype(), &parts);
            let required = !matches!(ty, ColumnType::AnyType)
                && column.null_count() == 0
                && !parts.iter().any(|(c, _)| missing(column.dtype(), *c, None));
            columns.push(ColSpec::new(name, ty).with_required(required));
        }
        Ok(Schema::from_columns(columns)?)
    }
}

fn unsupported(dtype: &PlType, column: &str, path: &FieldPath) -> InferError {
    InferError::Unsupported {
        column: path.within(column),
        found: dtype.to_string(),
    }
}

fn infer(dtype: &PlType, column: &str, path: &FieldPath) -> Result<ColumnType, InferError> {
    let scalar = |t: DataType| Ok(ColumnType::DataType(t));
    match dtype {
        PlType::Null => Ok(ColumnType::AnyType),
        PlType::Boolean => scalar(DataType::Boolean),
        PlType::Int8 | PlType::Int16 | PlType::Int32 | PlType::UInt8 | PlType::UInt16 => {
            scalar(DataType::Integer)
        }
        PlType::Int64 | PlType::UInt32 => scalar(DataType::Long),
        PlType::Float16 | PlType::Float32 => scalar(DataType::Float),
        PlType::Float64 => scalar(DataType::Double),
        PlType::String | PlType::Categorical(..) | PlType::Enum(..) => scalar(DataType::String),
        PlType::Binary | PlType::BinaryOffset => scalar(DataType::Binary),
        PlType::Datetime(..) | PlType::Date => scalar(DataType::Datetime),
        PlType::List(item) | PlType::Array(item, _) => {
            let items = infer(item, column, &path.item())?;
            Ok(ColumnType::Array(ArrayType::new(items)))
        }
        PlType::Struct(fields) => {
            let mut properties = Vec::with_capacity(fields.len());
            for field in fields {
                let ty = infer(field.dtype(), column, &path.property(field.name()))?;
                properties.push(Property::new(field.name().as_str(), ty));
            }
            if properties.is_empty() {
                return Ok(ColumnType::AnyType);
            }
            Ok(ColumnType::Object(Object::new(properties)?))
        }
        _ => Err(unsupported(dtype, column, path)),
    }
}

/// Whether `array` (a chunk of Polars type `dtype`) has a null in a row whose parent is
/// valid, or a float NaN.
fn missing(dtype: &PlType, array: &dyn Array, parent: Option<&Bitmap>) -> bool {
    if let Some(validity) = array.validity()
        && validity.unset_bits() > 0
    {
        let hidden = match parent {
            None => true,
            Some(parent) => validity
                .iter()
                .zip(parent.iter())
                .any(|(valid, parent_valid)| parent_valid && !valid),
        };
        if hidden {
            return true;
        }
    }
    let any = array.as_any();
    match dtype {
        PlType::Float32 => any
            .downcast_ref::<PrimitiveArray<f32>>()
            .is_some_and(|a| a.values().iter().any(|v| v.is_nan())),
        PlType::Float64 => any
            .downcast_ref::<PrimitiveArray<f64>>()
            .is_some_and(|a| a.values().iter().any(|v| v.is_nan())),
        _ => false,
    }
}

/// A chunk (or a nested child of one) with the validity of its enclosing struct rows.
type Part<'a> = (&'a dyn Array, Option<Bitmap>);

/// Sets `required` on every property of the objects in `ty` from the data: optional when the
/// field is null (or NaN) in some row whose struct is valid, or its type is `any`.
fn properties_required(ty: &mut ColumnType, dtype: &PlType, parts: &[Part<'_>]) {
    match (ty, dtype) {
        (ColumnType::Array(array), PlType::List(item)) => {
            let children: Vec<Part<'_>> = parts
                .iter()
                .filter_map(|(c, _)| c.as_any().downcast_ref::<ListArray<i64>>())
                .map(|l| (l.values().as_ref(), None))
                .collect();
            let mut items = array.items().clone();
            properties_required(&mut items, item, &children);
            *array = ArrayType::new(items);
        }
        (ColumnType::Array(array), PlType::Array(item, _)) => {
            let children: Vec<Part<'_>> = parts
                .iter()
                .filter_map(|(c, _)| c.as_any().downcast_ref::<FixedSizeListArray>())
                .map(|l| (l.values().as_ref(), None))
                .collect();
            let mut items = array.items().clone();
            properties_required(&mut items, item, &children);
            *array = ArrayType::new(items);
        }
        (ColumnType::Object(object), PlType::Struct(fields)) => {
            let structs: Vec<(&StructArray, Option<Bitmap>)> = parts
                .iter()
                .filter_map(|(c, parent)| {
                    let s = c.as_any().downcast_ref::<StructArray>()?;
                    let valid = match (s.validity(), parent) {
                        (Some(own), Some(parent)) => Some(own & parent),
                        (Some(own), None) => Some(own.clone()),
                        (None, parent) => parent.clone(),
                    };
                    Some((s, valid))
                })
                .collect();
            let mut properties = Vec::with_capacity(fields.len());
            for (index, field) in fields.iter().enumerate() {
                let Some(property) = object.property(field.name()) else {
                    continue;
                };
                let children: Vec<Part<'_>> = structs
                    .iter()
                    .filter_map(|(s, valid)| {
                        s.values().get(index).map(|c| (c.as_ref(), valid.clone()))
                    })
                    .collect();
                let mut pty = property.dtype().clone();
                properties_required(&mut pty, field.dtype(), &children);
                let required = !matches!(pty, ColumnType::AnyType)
                    && !children
                        .iter()
                        .any(|(c, valid)| missing(field.dtype(), *c, valid.as_ref()));
                properties.push(Property::new(field.name().as_str(), pty).with_required(required));
            }
            if let Ok(rebuilt) = Object::new(properties) {
                *object = rebuilt;
            }
        }
        _ => {}
    }
}
