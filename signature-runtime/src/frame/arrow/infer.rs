//! `Schema::infer(&RecordBatch)`: the schema MLflow's `infer_signature` gives for the pandas
//! frame pyarrow makes of the same batch.

use arrow_array::cast::AsArray;
use arrow_array::{Array, RecordBatch};
use arrow_buffer::NullBuffer;
use arrow_schema::DataType as ArrowType;

use crate::frame::{FieldPath, InferError, InferSchema};
use crate::types::{
    Array as ArrayType, ColSpec, ColumnType, DataType, Map, Object, Property, Schema,
};

use super::plan::is_string;

impl InferSchema for RecordBatch {
    /// One column per column, in order. `required` when the column has no null and, for
    /// floats, no NaN (pandas counts NaN as missing). Types:
    ///
    /// | Arrow | MLflow |
    /// |---|---|
    /// | Boolean | `boolean` |
    /// | Int8, Int16, Int32, UInt8, UInt16 | `integer` |
    /// | Int64, UInt32 | `long` |
    /// | Float16, Float32 / Float64 | `float` / `double` |
    /// | Utf8, LargeUtf8, Utf8View, a dictionary of those | `string` |
    /// | Binary, LargeBinary, BinaryView, FixedSizeBinary | `binary` |
    /// | Timestamp (any unit or timezone), Date32, Date64 | `datetime` |
    /// | any list | `array` of the items |
    /// | Struct | `object`; a property is optional when it is null in some row |
    /// | Map with string keys | `map` of the values |
    /// | Null, or a Struct without fields | `any`, optional |
    ///
    /// UInt64 and every other type are [`InferError::Unsupported`], as MLflow refuses uint64.
    fn infer_schema(&self) -> Result<Schema, InferError> {
        let mut columns = Vec::with_capacity(self.num_columns());
        for (field, array) in self.schema_ref().fields().iter().zip(self.columns()) {
            let column = field.name();
            let ty = infer(array.as_ref(), None, column, &FieldPath::default())?;
            let required = !matches!(ty, ColumnType::AnyType) && !missing(array.as_ref(), None);
            columns.push(ColSpec::new(column.as_str(), ty).with_required(required));
        }
        Ok(Schema::from_columns(columns)?)
    }
}

/// Whether `array` has a null (in a row whose parent is valid) or a float NaN.
fn missing(array: &dyn Array, parent: Option<&NullBuffer>) -> bool {
    if let Some(nulls) = array.logical_nulls() {
        let hidden = match parent {
            None => nulls.null_count() > 0,
            Some(parent) => nulls
                .iter()
                .zip(parent.iter())
                .any(|(valid, parent_valid)| parent_valid && !valid),
        };
        if hidden {
            return true;
        }
    }
    match array.data_type() {
        ArrowType::Float16 => array
            .as_primitive_opt::<arrow_array::types::Float16Type>()
            .is_some_and(|a| a.values().iter().any(|v| v.is_nan())),
        ArrowType::Float32 => array
            .as_primitive_opt::<arrow_array::types::Float32Type>()
            .is_some_and(|a| a.values().iter().any(|v| v.is_nan())),
        ArrowType::Float64 => array
            .as_primitive_opt::<arrow_array::types::Float64Type>()
            .is_some_and(|a| a.values().iter().any(|v| v.is_nan())),
        _ => false,
    }
}

fn unsupported(array: &dyn Array, column: &str, path: &FieldPath) -> InferError {
    InferError::Unsupported {
        column: path.within(column),
        found: array.data_type().to_string(),
    }
}

fn infer(
    array: &dyn Array,
    parent: Option<&NullBuffer>,
    column: &str,
    path: &FieldPath,
) -> Result<ColumnType, InferError> {
    let scalar = |t: DataType| Ok(ColumnType::DataType(t));
    match array.data_type() {
        ArrowType::Null => Ok(ColumnType::AnyType),
        ArrowType::Boolean => scalar(DataType::Boolean),
        ArrowType::Int8
        | ArrowType::Int16
        | ArrowType::Int32
        | ArrowType::UInt8
        | ArrowType::UInt16 => scalar(DataType::Integer),
        ArrowType::Int64 | ArrowType::UInt32 => scalar(DataType::Long),
        ArrowType::Float16 | ArrowType::Float32 => scalar(DataType::Float),
        ArrowType::Float64 => scalar(DataType::Double),
        ty if is_string(ty) => scalar(DataType::String),
        ArrowType::Dictionary(_, values) if is_string(values) => scalar(DataType::String),
        ArrowType::Binary
        | ArrowType::LargeBinary
        | ArrowType::BinaryView
        | ArrowType::FixedSizeBinary(_) => scalar(DataType::Binary),
        ArrowType::Timestamp(..) | ArrowType::Date32 | ArrowType::Date64 => {
            scalar(DataType::Datetime)
        }
        ArrowType::List(_)
        | ArrowType::LargeList(_)
        | ArrowType::FixedSizeList(..)
        | ArrowType::ListView(_)
        | ArrowType::LargeListView(_) => {
            let values = list_values(array).ok_or_else(|| unsupported(array, column, path))?;
            let items = infer(values.as_ref(), None, column, &path.item())?;
            Ok(ColumnType::Array(ArrayType::new(items)))
        }
        ArrowType::Struct(_) => {
            let array = array
                .as_struct_opt()
                .ok_or_else(|| unsupported(array, column, path))?;
            let valid = NullBuffer::union(array.nulls(), parent);
            let mut properties = Vec::with_capacity(array.num_columns());
            for (field, child) in array.fields().iter().zip(array.columns()) {
                let ty = infer(
                    child.as_ref(),
                    valid.as_ref(),
                    column,
                    &path.property(field.name()),
                )?;
                let required =
                    !matches!(ty, ColumnType::AnyType) && !missing(child.as_ref(), valid.as_ref());
                properties.push(Property::new(field.name().as_str(), ty).with_required(required));
            }
            if properties.is_empty() {
                return Ok(ColumnType::AnyType);
            }
            Ok(ColumnType::Object(Object::new(properties)?))
        }
        ArrowType::Map(..) => {
            let map = array
                .as_map_opt()
                .ok_or_else(|| unsupported(array, column, path))?;
            if !is_string(map.key_type()) {
                return Err(unsupported(array, column, path));
            }
            let values = infer(map.values().as_ref(), None, column, &path.value())?;
            Ok(ColumnType::Map(Map::new(values)))
        }
        _ => Err(unsupported(array, column, path)),
    }
}

fn list_values(array: &dyn Array) -> Option<arrow_array::ArrayRef> {
    match array.data_type() {
        ArrowType::List(_) => array.as_list_opt::<i32>().map(|l| l.values().clone()),
        ArrowType::LargeList(_) => array.as_list_opt::<i64>().map(|l| l.values().clone()),
        ArrowType::FixedSizeList(..) => array.as_fixed_size_list_opt().map(|l| l.values().clone()),
        ArrowType::ListView(_) => array.as_list_view_opt::<i32>().map(|l| l.values().clone()),
        ArrowType::LargeListView(_) => array.as_list_view_opt::<i64>().map(|l| l.values().clone()),
        _ => None,
    }
}
