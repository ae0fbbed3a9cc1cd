//! A conformed body as an Arrow `RecordBatch`, in the types [`arrow_type`] gives, so a model
//! that reads Arrow takes a JSON body as it takes a batch.
//!
//! It stays with the JSON checker: it renders the JSON checker's own output (the values it
//! kept, `serde_json` values) and decodes base64 as the check accepted it, and needs of Arrow
//! only arrow-rs and the type map beside the types, never the frame checkers.

use std::sync::Arc;

use arrow_array::{
    ArrayRef, BinaryArray, BooleanArray, Float32Array, Float64Array, Int32Array, Int64Array,
    ListArray, MapArray, RecordBatch, RecordBatchOptions, StringArray, StructArray,
    TimestampNanosecondArray, new_null_array,
};
use arrow_buffer::{NullBuffer, OffsetBuffer};
use arrow_schema::{ArrowError, DataType as ArrowType, Field, Schema as ArrowSchema};
use serde_json::Value;

use super::{ColumnValues, ConformedBody};
use crate::check::values::base64_decode;
use crate::types::engine_types::arrow_type;
use crate::types::{ColumnType, DataType, Datetime};

impl ConformedBody {
    /// The columns as an Arrow batch: each field is named as its column, typed by
    /// [`arrow_type`] of its MLflow type, and nullable.
    ///
    /// A column Arrow cannot hold in that type is an error naming it: a tensor (it has no
    /// MLflow column type; read it with [`ConformedBody::json`]), an `any` column with values
    /// (`arrow_type` gives it the Null type), a datetime outside the nanosecond timestamp range
    /// (years 1677 to 2262).
    ///
    /// ```
    /// use signature_runtime::check::JsonChecker;
    /// use signature_runtime::{ColSpec, DataType, Schema};
    ///
    /// let schema = Schema::from_columns(vec![ColSpec::new("sqft", DataType::Double)])?;
    /// let conformed = JsonChecker::for_schema(&schema)
    ///     .conform(br#"{"inputs": {"sqft": [1200, 80.5]}}"#)
    ///     .unwrap();
    /// let batch = conformed.to_record_batch().unwrap();
    /// assert_eq!(batch.num_rows(), 2);
    /// # Ok::<(), signature_runtime::SchemaError>(())
    /// ```
    pub fn to_record_batch(&self) -> Result<RecordBatch, ArrowError> {
        let mut fields = Vec::with_capacity(self.columns.len());
        let mut arrays = Vec::with_capacity(self.columns.len());
        for column in &self.columns {
            let refuse = |why: String| {
                ArrowError::InvalidArgumentError(format!("column `{}`: {why}", column.name))
            };
            let Some(ty) = &column.column_type else {
                return Err(refuse(
                    "a tensor has no Arrow column type; read its cells as JSON".to_owned(),
                ));
            };
            arrays.push(column_array(ty, &column.values).map_err(refuse)?);
            fields.push(Field::new(&column.name, arrow_type(ty), true));
        }
        let options = RecordBatchOptions::new().with_row_count(Some(self.rows));
        RecordBatch::try_new_with_options(Arc::new(ArrowSchema::new(fields)), arrays, &options)
    }
}

fn column_array(ty: &ColumnType, values: &ColumnValues) -> Result<ArrayRef, String> {
    Ok(match values {
        ColumnValues::Boolean(v) => Arc::new(BooleanArray::from(v.clone())),
        ColumnValues::Integer(v) => Arc::new(Int32Array::from(v.clone())),
        ColumnValues::Long(v) => Arc::new(Int64Array::from(v.clone())),
        ColumnValues::Float(v) => Arc::new(Float32Array::from(v.clone())),
        ColumnValues::Double(v) => Arc::new(Float64Array::from(v.clone())),
        ColumnValues::String(v) => Arc::new(StringArray::from_iter(v.iter().map(Option::as_deref))),
        ColumnValues::Binary(v) => Arc::new(BinaryArray::from_iter(v.iter().map(Option::as_deref))),
        ColumnValues::Datetime(v) => {
            let nanos: Result<Vec<Option<i64>>, String> =
                v.iter().map(|at| at.map(nanos).transpose()).collect();
            Arc::new(TimestampNanosecondArray::from(nanos?))
        }
        ColumnValues::Json(v) => {
            let values: Vec<Option<&Value>> = v.iter().map(Option::as_ref).collect();
            json_array(ty, &values)?
        }
    })
}

/// Nanoseconds since 1970, as Arrow's `Timestamp(ns)` holds them.
fn nanos(at: Datetime) -> Result<i64, String> {
    let naive = match at {
        Datetime::Date(date) => date.and_time(chrono::NaiveTime::MIN),
        Datetime::DateTime(at) => at,
    };
    naive
        .and_utc()
        .timestamp_nanos_opt()
        .ok_or_else(|| format!("{at} is outside the nanosecond timestamp range (1677 to 2262)"))
}

/// Values of one type, each read by `read`; a value it cannot read is an error.
fn each<'v, T>(
    values: &[Option<&'v Value>],
    what: &str,
    read: impl Fn(&'v Value) -> Option<T>,
) -> Result<Vec<Option<T>>, String> {
    values
        .iter()
        .map(|value| match value {
            None | Some(Value::Null) => Ok(None),
            Some(value) => read(value)
                .map(Some)
                .ok_or_else(|| format!("{value} is not {what}")),
        })
        .collect()
}

/// The validity of `values`, when any is missing.
fn validity(values: &[Option<&Value>]) -> Option<NullBuffer> {
    let valid: Vec<bool> = values
        .iter()
        .map(|v| v.is_some_and(|v| !v.is_null()))
        .collect();
    valid.contains(&false).then(|| NullBuffer::from(valid))
}

/// JSON values (already checked against `ty`) as an Arrow array of `arrow_type(ty)`.
fn json_array(ty: &ColumnType, values: &[Option<&Value>]) -> Result<ArrayRef, String> {
    let arrow = |e: ArrowError| e.to_string();
    Ok(match ty {
        ColumnType::DataType(t) => match t {
            DataType::Boolean => Arc::new(BooleanArray::from(each(
                values,
                "a boolean",
                Value::as_bool,
            )?)),
            DataType::Integer => Arc::new(Int32Array::from(each(values, "an integer", |v| {
                v.as_i64().and_then(|i| i32::try_from(i).ok())
            })?)),
            DataType::Long => Arc::new(Int64Array::from(each(values, "a long", Value::as_i64)?)),
            DataType::Float => Arc::new(Float32Array::from(each(values, "a float", |v| {
                v.as_f64().map(|f| f as f32)
            })?)),
            DataType::Double => {
                Arc::new(Float64Array::from(each(values, "a double", Value::as_f64)?))
            }
            DataType::String => Arc::new(StringArray::from(each(values, "a string", |v| {
                v.as_str().map(str::to_owned)
            })?)),
            DataType::Binary => {
                let bytes = each(values, "base64", |v| {
                    v.as_str().and_then(|text| base64_decode(text.as_bytes()))
                })?;
                Arc::new(BinaryArray::from_iter(bytes.iter().map(Option::as_deref)))
            }
            DataType::Datetime => {
                let parsed = each(values, "a datetime", |v| {
                    Datetime::parse_numpy(v.as_str()?).ok()
                })?;
                let nanos: Result<Vec<Option<i64>>, String> = parsed
                    .into_iter()
                    .map(|at| at.map(nanos).transpose())
                    .collect();
                Arc::new(TimestampNanosecondArray::from(nanos?))
            }
        },
        ColumnType::Array(_) | ColumnType::SparkMLVector => {
            let items = match ty {
                ColumnType::Array(array) => array.items().clone(),
                _ => ColumnType::DataType(DataType::Double),
            };
            let lists = each(values, "a list", Value::as_array)?;
            let lengths = lists.iter().map(|l| l.map_or(0, Vec::len));
            let flat: Vec<Option<&Value>> = lists
                .iter()
                .flatten()
                .flat_map(|l| l.iter().map(Some))
                .collect();
            let child = json_array(&items, &flat)?;
            let field = Arc::new(Field::new("item", arrow_type(&items), true));
            let offsets = OffsetBuffer::from_lengths(lengths);
            Arc::new(ListArray::try_new(field, offsets, child, validity(values)).map_err(arrow)?)
        }
        ColumnType::Object(object) => {
            let ArrowType::Struct(fields) = arrow_type(ty) else {
                return Err("an object type without an Arrow struct type".to_owned());
            };
            let objects = each(values, "an object", Value::as_object)?;
            let children = object
                .properties()
                .iter()
                .map(|p| {
                    let column: Vec<Option<&Value>> = objects
                        .iter()
                        .map(|o| o.and_then(|o| o.get(p.name())))
                        .collect();
                    json_array(p.dtype(), &column)
                })
                .collect::<Result<Vec<_>, _>>()?;
            Arc::new(StructArray::try_new(fields, children, validity(values)).map_err(arrow)?)
        }
        ColumnType::Map(map) => {
            let ArrowType::Map(entries_field, _) = arrow_type(ty) else {
                return Err("a map type without an Arrow map type".to_owned());
            };
            let ArrowType::Struct(entry_fields) = entries_field.data_type().clone() else {
                return Err("a map type without an Arrow entries struct".to_owned());
            };
            let objects = each(values, "an object", Value::as_object)?;
            let lengths = objects.iter().map(|o| o.map_or(0, serde_json::Map::len));
            let entries = objects.iter().flatten().flat_map(|o| o.iter());
            let (keys, items): (Vec<&str>, Vec<Option<&Value>>) =
                entries.map(|(k, v)| (k.as_str(), Some(v))).unzip();
            let keys: ArrayRef = Arc::new(StringArray::from(keys));
            let items = json_array(map.values(), &items)?;
            let entries =
                StructArray::try_new(entry_fields, vec![keys, items], None).map_err(arrow)?;
            let offsets = OffsetBuffer::from_lengths(lengths);
            Arc::new(
                MapArray::try_new(entries_field, offsets, entries, validity(values), false)
                    .map_err(arrow)?,
            )
        }
        ColumnType::AnyType => {
            if values.iter().flatten().any(|v| !v.is_null()) {
                return Err("`any` values have no Arrow type (`arrow_type` gives Null)".to_owned());
            }
            new_null_array(&ArrowType::Null, values.len())
        }
    })
}

#[cfg(test)]
mod tests {
    use arrow_array::Array as _;
    use arrow_array::cast::AsArray;
    use arrow_array::types::{Float64Type, Int64Type, TimestampNanosecondType};

    use crate::check::JsonChecker;
    use crate::types::engine_types::arrow_type;
    use crate::types::{Array, ColSpec, ColumnType, DataType, Map, Object, Property, Schema};

    #[test]
    fn every_column_type_becomes_its_arrow_type() {
        let point = Object::new(vec![
            Property::new("x", DataType::Double),
            Property::new("y", DataType::Long).optional(),
        ])
        .unwrap();
        let columns = vec![
            ColSpec::new("l", DataType::Long),
            ColSpec::new("d", DataType::Double).optional(),
            ColSpec::new("s", DataType::String).optional(),
            ColSpec::new("bin", DataType::Binary).optional(),
            ColSpec::new("t", DataType::Datetime).optional(),
            ColSpec::new("a", Array::new(Array::new(DataType::Long))).optional(),
            ColSpec::new("o", ColumnType::from(point)).optional(),
            ColSpec::new("m", Map::new(DataType::Double)).optional(),
            ColSpec::new("v", ColumnType::SparkMLVector).optional(),
        ];
        let schema = Schema::from_columns(columns.clone()).unwrap();
        let body = br#"{"dataframe_records": [
            {"l": 1, "d": 2, "s": "a", "bin": "aGk=", "t": "1970-01-01T00:00:01",
             "a": [[1, 2], []], "o": {"x": 1.5}, "m": {"k": 1.5}, "v": [1, 2.5]},
            {"l": 2}]}"#;
        let conformed = JsonChecker::for_schema(&schema).conform(body).unwrap();
        let batch = conformed.to_record_batch().unwrap();
        assert_eq!(batch.num_rows(), 2);
        for (field, column) in batch.schema().fields().iter().zip(&columns) {
            assert_eq!(
                field.data_type(),
                &arrow_type(column.ty()),
                "{}",
                field.name()
            );
        }
        assert_eq!(
            batch.column(0).as_primitive::<Int64Type>().values(),
            &[1, 2]
        );
        let d = batch.column(1).as_primitive::<Float64Type>();
        assert_eq!((d.value(0), d.is_null(1)), (2.0, true));
        let t = batch.column(4).as_primitive::<TimestampNanosecondType>();
        assert_eq!(t.value(0), 1_000_000_000);
        let lists = batch.column(5).as_list::<i32>();
        assert_eq!((lists.value_length(0), lists.is_null(1)), (2, true));
        let objects = batch.column(6).as_struct();
        assert_eq!(
            objects.column(0).as_primitive::<Float64Type>().value(0),
            1.5
        );
        assert!(objects.column(1).is_null(0));
        assert_eq!(batch.column(7).as_map().value_length(0), 1);
    }

    #[test]
    fn what_arrow_cannot_hold_is_an_error_naming_the_column() {
        let schema = Schema::from_columns(vec![ColSpec::new("any", ColumnType::AnyType)]).unwrap();
        let conformed = JsonChecker::for_schema(&schema)
            .conform(br#"[{"any": 1}]"#)
            .unwrap();
        let error = conformed.to_record_batch().unwrap_err().to_string();
        assert!(error.contains("column `any`"), "{error}");
    }
}
