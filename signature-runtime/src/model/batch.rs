//! An Arrow batch, already conformed to the signature, as the records serde decodes the
//! model's input rows from.

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Date32Type, Date64Type, Float16Type, Float32Type, Float64Type, Int8Type, Int16Type, Int32Type,
    Int64Type, TimestampMicrosecondType, TimestampMillisecondType, TimestampNanosecondType,
    TimestampSecondType, UInt8Type, UInt16Type, UInt32Type, UInt64Type,
};
use arrow_array::{Array, OffsetSizeTrait, RecordBatch};
use arrow_schema::{DataType as ArrowType, TimeUnit};
use serde_json::{Map as JsonMap, Value};

/// One record per row, keyed by column name: a timestamp as ISO-8601 text, bytes as a list of
/// numbers, nulls as `null`, as serde_json would have them.
pub(super) fn records(batch: &RecordBatch) -> Result<Vec<Value>, String> {
    let schema = batch.schema();
    (0..batch.num_rows())
        .map(|row| {
            schema
                .fields()
                .iter()
                .zip(batch.columns())
                .map(|(field, column)| {
                    cell(column.as_ref(), row)
                        .map(|value| (field.name().clone(), value))
                        .map_err(|e| format!("column `{}`, row {row}: {e}", field.name()))
                })
                .collect::<Result<JsonMap<_, _>, _>>()
                .map(Value::Object)
        })
        .collect()
}

fn cell(array: &dyn Array, i: usize) -> Result<Value, String> {
    if array.is_null(i) {
        return Ok(Value::Null);
    }
    let wrong = || {
        format!(
            "an array that is not what its type {} says",
            array.data_type()
        )
    };
    macro_rules! number {
        ($t:ty) => {
            array
                .as_primitive_opt::<$t>()
                .map(|a| Value::from(a.value(i)))
                .ok_or_else(wrong)
        };
    }
    match array.data_type() {
        ArrowType::Null => Ok(Value::Null),
        ArrowType::Boolean => array
            .as_boolean_opt()
            .map(|a| Value::Bool(a.value(i)))
            .ok_or_else(wrong),
        ArrowType::Int8 => number!(Int8Type),
        ArrowType::Int16 => number!(Int16Type),
        ArrowType::Int32 => number!(Int32Type),
        ArrowType::Int64 => number!(Int64Type),
        ArrowType::UInt8 => number!(UInt8Type),
        ArrowType::UInt16 => number!(UInt16Type),
        ArrowType::UInt32 => number!(UInt32Type),
        ArrowType::UInt64 => number!(UInt64Type),
        ArrowType::Float16 => array
            .as_primitive_opt::<Float16Type>()
            .map(|a| Value::from(f64::from(a.value(i))))
            .ok_or_else(wrong),
        ArrowType::Float32 => number!(Float32Type),
        ArrowType::Float64 => number!(Float64Type),
        ArrowType::Utf8 => text(array.as_string_opt::<i32>().map(|a| a.value(i)), wrong),
        ArrowType::LargeUtf8 => text(array.as_string_opt::<i64>().map(|a| a.value(i)), wrong),
        ArrowType::Utf8View => text(array.as_string_view_opt().map(|a| a.value(i)), wrong),
        ArrowType::Binary => bytes(array.as_binary_opt::<i32>().map(|a| a.value(i)), wrong),
        ArrowType::LargeBinary => bytes(array.as_binary_opt::<i64>().map(|a| a.value(i)), wrong),
        ArrowType::BinaryView => bytes(array.as_binary_view_opt().map(|a| a.value(i)), wrong),
        ArrowType::FixedSizeBinary(_) => {
            bytes(array.as_fixed_size_binary_opt().map(|a| a.value(i)), wrong)
        }
        ArrowType::Timestamp(unit, _) => {
            let value = match unit {
                TimeUnit::Second => array
                    .as_primitive_opt::<TimestampSecondType>()
                    .map(|a| a.value(i)),
                TimeUnit::Millisecond => array
                    .as_primitive_opt::<TimestampMillisecondType>()
                    .map(|a| a.value(i)),
                TimeUnit::Microsecond => array
                    .as_primitive_opt::<TimestampMicrosecondType>()
                    .map(|a| a.value(i)),
                TimeUnit::Nanosecond => array
                    .as_primitive_opt::<TimestampNanosecondType>()
                    .map(|a| a.value(i)),
            }
            .ok_or_else(wrong)?;
            let (per_second, nanos_per_unit) = match unit {
                TimeUnit::Second => (1, 1_000_000_000),
                TimeUnit::Millisecond => (1_000, 1_000_000),
                TimeUnit::Microsecond => (1_000_000, 1_000),
                TimeUnit::Nanosecond => (1_000_000_000, 1),
            };
            let seconds = value.div_euclid(per_second);
            let nanos = u32::try_from(value.rem_euclid(per_second) * nanos_per_unit)
                .map_err(|_| "a timestamp out of range".to_owned())?;
            chrono::DateTime::from_timestamp(seconds, nanos)
                .map(|at| Value::String(at.naive_utc().format("%Y-%m-%dT%H:%M:%S%.f").to_string()))
                .ok_or_else(|| "a timestamp out of range".to_owned())
        }
        ArrowType::Date32 => array
            .as_primitive_opt::<Date32Type>()
            .and_then(|a| a.value_as_date(i))
            .map(|d| Value::String(d.format("%Y-%m-%d").to_string()))
            .ok_or_else(wrong),
        ArrowType::Date64 => array
            .as_primitive_opt::<Date64Type>()
            .and_then(|a| a.value_as_date(i))
            .map(|d| Value::String(d.format("%Y-%m-%d").to_string()))
            .ok_or_else(wrong),
        ArrowType::List(_) => list(array.as_list_opt::<i32>(), i, wrong),
        ArrowType::LargeList(_) => list(array.as_list_opt::<i64>(), i, wrong),
        ArrowType::FixedSizeList(..) => {
            let items = array.as_fixed_size_list_opt().ok_or_else(wrong)?.value(i);
            (0..items.len())
                .map(|k| cell(items.as_ref(), k))
                .collect::<Result<_, _>>()
                .map(Value::Array)
        }
        ArrowType::ListView(_) => {
            let items = array.as_list_view_opt::<i32>().ok_or_else(wrong)?.value(i);
            (0..items.len())
                .map(|k| cell(items.as_ref(), k))
                .collect::<Result<_, _>>()
                .map(Value::Array)
        }
        ArrowType::Struct(fields) => {
            let structure = array.as_struct_opt().ok_or_else(wrong)?;
            fields
                .iter()
                .zip(structure.columns())
                .map(|(field, column)| Ok((field.name().clone(), cell(column.as_ref(), i)?)))
                .collect::<Result<JsonMap<_, _>, String>>()
                .map(Value::Object)
        }
        ArrowType::Map(..) => {
            let entries = array.as_map_opt().ok_or_else(wrong)?.value(i);
            let (keys, values) = (entries.column(0), entries.column(1));
            (0..entries.len())
                .map(|k| match cell(keys.as_ref(), k)? {
                    Value::String(key) => Ok((key, cell(values.as_ref(), k)?)),
                    other => Err(format!("a map key `{other}` that is not text")),
                })
                .collect::<Result<JsonMap<_, _>, String>>()
                .map(Value::Object)
        }
        ArrowType::Dictionary(..) => {
            let dictionary = array.as_any_dictionary_opt().ok_or_else(wrong)?;
            let key = dictionary.normalized_keys()[i];
            cell(dictionary.values().as_ref(), key)
        }
        other => Err(format!("Arrow type {other} does not decode into rows")),
    }
}

fn text(value: Option<&str>, wrong: impl Fn() -> String) -> Result<Value, String> {
    value.map(|s| Value::String(s.to_owned())).ok_or_else(wrong)
}

fn bytes(value: Option<&[u8]>, wrong: impl Fn() -> String) -> Result<Value, String> {
    value
        .map(|b| Value::Array(b.iter().map(|&byte| Value::from(byte)).collect()))
        .ok_or_else(wrong)
}

fn list<O: OffsetSizeTrait>(
    array: Option<&arrow_array::GenericListArray<O>>,
    i: usize,
    wrong: impl Fn() -> String,
) -> Result<Value, String> {
    let items = array.ok_or_else(wrong)?.value(i);
    (0..items.len())
        .map(|k| cell(items.as_ref(), k))
        .collect::<Result<_, _>>()
        .map(Value::Array)
}
