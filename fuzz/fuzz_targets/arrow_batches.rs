//! Fuzzes the Arrow batch checker against random signatures: the fuzzer's bytes build a
//! column signature and a `RecordBatch` (each column either of the type the signature
//! conforms to or of a random Arrow type, with random values and nulls). Properties:
//! - the report keeps its invariants;
//! - conform succeeds exactly when the check has no error, with the same error count;
//! - a conformed batch has the signature's columns, in its order, of the types the module's
//!   table conforms to (checked in Strict mode), the input's row count, and passes the same
//!   check again with extra columns rejected.
#![no_main]

use std::sync::Arc;

use arrow_array::types::{
    Date32Type, Date64Type, DurationSecondType, Float16Type, Float32Type, Float64Type, Int8Type,
    Int16Type, Int32Type, Int64Type, TimestampMicrosecondType, TimestampMillisecondType,
    TimestampNanosecondType, TimestampSecondType, UInt8Type, UInt16Type, UInt32Type, UInt64Type,
};
use arrow_array::{
    Array as _, ArrayRef, ArrowPrimitiveType, BinaryArray, BinaryViewArray, BooleanArray,
    DictionaryArray, FixedSizeBinaryArray, FixedSizeListArray, LargeBinaryArray, LargeListArray,
    LargeStringArray, ListArray, MapArray, NullArray, PrimitiveArray, RecordBatch,
    RecordBatchOptions, StringArray, StringViewArray, StructArray,
};
use arrow_buffer::{NullBuffer, OffsetBuffer, ScalarBuffer};
use arrow_schema::{DataType as ArrowType, Field, Fields, Schema as ArrowSchema, TimeUnit};
use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use signature_fuzz::assert_report_consistent;
use signature_runtime::frame::{ArrowChecker, arrow_type};
use signature_runtime::{
    Array, CheckOptions, ColSpec, ColumnType, DataType, ExtraColumns, Map, Mode, Object, Property,
    Schema,
};

/// Names shared by signature columns, batch columns and object properties, so they meet.
const NAMES: [&str; 4] = ["a", "b", "c", "d"];
/// Nesting depth of generated types, in the signature and in the batch.
const MAX_DEPTH: u32 = 3;
/// Rows per batch: enough for nulls and values to mix, few enough for speed.
const MAX_ROWS: usize = 8;

fn column_type(u: &mut Unstructured<'_>, depth: u32) -> Result<ColumnType> {
    let choices = if depth >= MAX_DEPTH { 8 } else { 13 };
    Ok(match u.choose_index(choices)? {
        scalar @ 0..=7 => DataType::ALL[scalar].into(),
        8 => Array::new(column_type(u, depth + 1)?).into(),
        9 => {
            let mut properties = Vec::new();
            for name in NAMES.iter().take(1 + u.choose_index(3)?) {
                let property = Property::new(*name, column_type(u, depth + 1)?);
                properties.push(property.with_required(u.arbitrary()?));
            }
            match Object::new(properties) {
                Ok(object) => object.into(),
                Err(_) => return Err(libfuzzer_sys::arbitrary::Error::IncorrectFormat),
            }
        }
        10 => Map::new(column_type(u, depth + 1)?).into(),
        11 => ColumnType::AnyType,
        _ => ColumnType::SparkMLVector,
    })
}

fn arrow_field(u: &mut Unstructured<'_>, name: &str, depth: u32) -> Result<Field> {
    Ok(Field::new(
        name,
        random_arrow_type(u, depth)?,
        u.arbitrary()?,
    ))
}

fn random_arrow_type(u: &mut Unstructured<'_>, depth: u32) -> Result<ArrowType> {
    let choices = if depth >= MAX_DEPTH { 24 } else { 30 };
    let timezone = |u: &mut Unstructured<'_>| -> Result<Option<Arc<str>>> {
        Ok(match u.choose_index(3)? {
            0 => None,
            1 => Some("UTC".into()),
            _ => Some("+05:30".into()),
        })
    };
    Ok(match u.choose_index(choices)? {
        0 => ArrowType::Null,
        1 => ArrowType::Boolean,
        2 => ArrowType::Int8,
        3 => ArrowType::Int16,
        4 => ArrowType::Int32,
        5 => ArrowType::Int64,
        6 => ArrowType::UInt8,
        7 => ArrowType::UInt16,
        8 => ArrowType::UInt32,
        9 => ArrowType::UInt64,
        10 => ArrowType::Float16,
        11 => ArrowType::Float32,
        12 => ArrowType::Float64,
        13 => ArrowType::Utf8,
        14 => ArrowType::LargeUtf8,
        15 => ArrowType::Utf8View,
        16 => ArrowType::Binary,
        17 => ArrowType::LargeBinary,
        18 => ArrowType::BinaryView,
        19 => ArrowType::FixedSizeBinary(1 + u.choose_index(3)? as i32),
        20 => {
            let unit = *u.choose(&[
                TimeUnit::Second,
                TimeUnit::Millisecond,
                TimeUnit::Microsecond,
                TimeUnit::Nanosecond,
            ])?;
            ArrowType::Timestamp(unit, timezone(u)?)
        }
        21 => ArrowType::Date32,
        22 => ArrowType::Date64,
        23 => ArrowType::Duration(TimeUnit::Second),
        24 => ArrowType::Dictionary(Box::new(ArrowType::Int32), Box::new(ArrowType::Utf8)),
        25 => ArrowType::List(Arc::new(arrow_field(u, "item", depth + 1)?)),
        26 => ArrowType::LargeList(Arc::new(arrow_field(u, "item", depth + 1)?)),
        27 => ArrowType::FixedSizeList(
            Arc::new(arrow_field(u, "item", depth + 1)?),
            1 + u.choose_index(2)? as i32,
        ),
        28 => {
            let mut fields = Vec::new();
            for name in NAMES.iter().take(1 + u.choose_index(3)?) {
                fields.push(arrow_field(u, name, depth + 1)?);
            }
            ArrowType::Struct(Fields::from(fields))
        }
        _ => {
            let key = u
                .choose(&[ArrowType::Utf8, ArrowType::LargeUtf8, ArrowType::Int32])?
                .clone();
            let entries = ArrowType::Struct(Fields::from(vec![
                Field::new("keys", key, false),
                arrow_field(u, "values", depth + 1)?,
            ]));
            ArrowType::Map(Arc::new(Field::new("entries", entries, false)), false)
        }
    })
}

/// A validity bitmap, or none; always none for a non-nullable field.
fn nulls(u: &mut Unstructured<'_>, len: usize, nullable: bool) -> Result<Option<NullBuffer>> {
    if !nullable || !u.arbitrary::<bool>()? {
        return Ok(None);
    }
    let valid = (0..len)
        .map(|_| u.arbitrary::<bool>())
        .collect::<Result<Vec<bool>>>()?;
    Ok(Some(NullBuffer::from(valid)))
}

fn primitive<T: ArrowPrimitiveType>(
    u: &mut Unstructured<'_>,
    len: usize,
    nullable: bool,
    value: impl Fn(&mut Unstructured<'_>) -> Result<T::Native>,
) -> Result<PrimitiveArray<T>> {
    let values = (0..len)
        .map(|_| value(u))
        .collect::<Result<Vec<T::Native>>>()?;
    let nulls = nulls(u, len, nullable)?;
    PrimitiveArray::<T>::try_new(ScalarBuffer::from(values), nulls)
        .map_err(|_| libfuzzer_sys::arbitrary::Error::IncorrectFormat)
}

/// Cells that are `None` only where the field may hold nulls.
fn cells<T>(
    u: &mut Unstructured<'_>,
    len: usize,
    nullable: bool,
    value: impl Fn(&mut Unstructured<'_>) -> Result<T>,
) -> Result<Vec<Option<T>>> {
    (0..len)
        .map(|_| {
            if nullable && u.ratio(1, 4)? {
                Ok(None)
            } else {
                value(u).map(Some)
            }
        })
        .collect()
}

fn text(u: &mut Unstructured<'_>) -> Result<String> {
    Ok(u.arbitrary::<&str>()?.chars().take(8).collect())
}

fn bytes(u: &mut Unstructured<'_>) -> Result<Vec<u8>> {
    Ok(u.arbitrary::<&[u8]>()?.iter().take(8).copied().collect())
}

/// Row lengths of a list column and their offsets.
fn lengths(u: &mut Unstructured<'_>, len: usize) -> Result<Vec<usize>> {
    (0..len).map(|_| u.choose_index(3)).collect()
}

fn refused<E>(_: E) -> libfuzzer_sys::arbitrary::Error {
    libfuzzer_sys::arbitrary::Error::IncorrectFormat
}

fn array(u: &mut Unstructured<'_>, ty: &ArrowType, len: usize, nullable: bool) -> Result<ArrayRef> {
    Ok(match ty {
        ArrowType::Null => Arc::new(NullArray::new(len)),
        ArrowType::Boolean => Arc::new(BooleanArray::from(cells(u, len, nullable, |u| {
            u.arbitrary::<bool>()
        })?)),
        ArrowType::Int8 => Arc::new(primitive::<Int8Type>(u, len, nullable, |u| u.arbitrary())?),
        ArrowType::Int16 => Arc::new(primitive::<Int16Type>(u, len, nullable, |u| u.arbitrary())?),
        ArrowType::Int32 => Arc::new(primitive::<Int32Type>(u, len, nullable, |u| u.arbitrary())?),
        ArrowType::Int64 => Arc::new(primitive::<Int64Type>(u, len, nullable, |u| u.arbitrary())?),
        ArrowType::UInt8 => Arc::new(primitive::<UInt8Type>(u, len, nullable, |u| u.arbitrary())?),
        ArrowType::UInt16 => Arc::new(primitive::<UInt16Type>(u, len, nullable, |u| {
            u.arbitrary()
        })?),
        ArrowType::UInt32 => Arc::new(primitive::<UInt32Type>(u, len, nullable, |u| {
            u.arbitrary()
        })?),
        ArrowType::UInt64 => Arc::new(primitive::<UInt64Type>(u, len, nullable, |u| {
            u.arbitrary()
        })?),
        ArrowType::Float16 => Arc::new(primitive::<Float16Type>(u, len, nullable, |u| {
            Ok(half::f16::from_bits(u.arbitrary()?))
        })?),
        ArrowType::Float32 => Arc::new(primitive::<Float32Type>(u, len, nullable, |u| {
            u.arbitrary()
        })?),
        ArrowType::Float64 => Arc::new(primitive::<Float64Type>(u, len, nullable, |u| {
            u.arbitrary()
        })?),
        ArrowType::Utf8 => Arc::new(StringArray::from(cells(u, len, nullable, text)?)),
        ArrowType::LargeUtf8 => Arc::new(LargeStringArray::from(cells(u, len, nullable, text)?)),
        ArrowType::Utf8View => Arc::new(StringViewArray::from_iter(cells(u, len, nullable, text)?)),
        ArrowType::Binary => Arc::new(BinaryArray::from_iter(cells(u, len, nullable, bytes)?)),
        ArrowType::LargeBinary => {
            Arc::new(LargeBinaryArray::from_iter(cells(u, len, nullable, bytes)?))
        }
        ArrowType::BinaryView => {
            Arc::new(BinaryViewArray::from_iter(cells(u, len, nullable, bytes)?))
        }
        ArrowType::FixedSizeBinary(size) => {
            let size = *size;
            let cells = cells(u, len, nullable, |u| {
                (0..size)
                    .map(|_| u.arbitrary::<u8>())
                    .collect::<Result<Vec<u8>>>()
            })?;
            if cells.iter().all(Option::is_none) {
                arrow_array::new_null_array(ty, len)
            } else {
                Arc::new(
                    FixedSizeBinaryArray::try_from_sparse_iter_with_size(cells.into_iter(), size)
                        .map_err(refused)?,
                )
            }
        }
        ArrowType::Timestamp(unit, timezone) => {
            let timezone = timezone.clone();
            match unit {
                TimeUnit::Second => Arc::new(
                    primitive::<TimestampSecondType>(u, len, nullable, |u| u.arbitrary())?
                        .with_timezone_opt(timezone),
                ),
                TimeUnit::Millisecond => Arc::new(
                    primitive::<TimestampMillisecondType>(u, len, nullable, |u| u.arbitrary())?
                        .with_timezone_opt(timezone),
                ),
                TimeUnit::Microsecond => Arc::new(
                    primitive::<TimestampMicrosecondType>(u, len, nullable, |u| u.arbitrary())?
                        .with_timezone_opt(timezone),
                ),
                TimeUnit::Nanosecond => Arc::new(
                    primitive::<TimestampNanosecondType>(u, len, nullable, |u| u.arbitrary())?
                        .with_timezone_opt(timezone),
                ),
            }
        }
        ArrowType::Date32 => Arc::new(primitive::<Date32Type>(u, len, nullable, |u| {
            u.arbitrary()
        })?),
        ArrowType::Date64 => Arc::new(primitive::<Date64Type>(u, len, nullable, |u| {
            u.arbitrary()
        })?),
        ArrowType::Duration(_) => {
            Arc::new(primitive::<DurationSecondType>(u, len, nullable, |u| {
                u.arbitrary()
            })?)
        }
        ArrowType::Dictionary(_, _) => {
            let values = StringArray::from(
                (0..1 + u.choose_index(3)?)
                    .map(|_| text(u))
                    .collect::<Result<Vec<String>>>()?,
            );
            let count = values.len() as i32;
            let keys = primitive::<Int32Type>(u, len, nullable, |u| {
                Ok(u.arbitrary::<i32>()?.rem_euclid(count))
            })?;
            Arc::new(
                DictionaryArray::<Int32Type>::try_new(keys, Arc::new(values)).map_err(refused)?,
            )
        }
        ArrowType::List(field) => {
            let lengths = lengths(u, len)?;
            let total = lengths.iter().sum();
            let values = array(u, field.data_type(), total, field.is_nullable())?;
            let nulls = nulls(u, len, nullable)?;
            Arc::new(
                ListArray::try_new(
                    field.clone(),
                    OffsetBuffer::from_lengths(lengths),
                    values,
                    nulls,
                )
                .map_err(refused)?,
            )
        }
        ArrowType::LargeList(field) => {
            let lengths = lengths(u, len)?;
            let total = lengths.iter().sum();
            let values = array(u, field.data_type(), total, field.is_nullable())?;
            let nulls = nulls(u, len, nullable)?;
            Arc::new(
                LargeListArray::try_new(
                    field.clone(),
                    OffsetBuffer::from_lengths(lengths),
                    values,
                    nulls,
                )
                .map_err(refused)?,
            )
        }
        ArrowType::FixedSizeList(field, size) => {
            let values = array(
                u,
                field.data_type(),
                len * *size as usize,
                field.is_nullable(),
            )?;
            let nulls = nulls(u, len, nullable)?;
            Arc::new(
                FixedSizeListArray::try_new(field.clone(), *size, values, nulls)
                    .map_err(refused)?,
            )
        }
        ArrowType::Struct(fields) => {
            let children = fields
                .iter()
                .map(|field| array(u, field.data_type(), len, field.is_nullable()))
                .collect::<Result<Vec<_>>>()?;
            let nulls = nulls(u, len, nullable)?;
            Arc::new(StructArray::try_new(fields.clone(), children, nulls).map_err(refused)?)
        }
        ArrowType::Map(field, sorted) => {
            let ArrowType::Struct(entry_fields) = field.data_type() else {
                return Err(libfuzzer_sys::arbitrary::Error::IncorrectFormat);
            };
            let lengths = lengths(u, len)?;
            let total = lengths.iter().sum();
            let children = entry_fields
                .iter()
                .map(|field| array(u, field.data_type(), total, field.is_nullable()))
                .collect::<Result<Vec<_>>>()?;
            let entries =
                StructArray::try_new(entry_fields.clone(), children, None).map_err(refused)?;
            let nulls = nulls(u, len, nullable)?;
            Arc::new(
                MapArray::try_new(
                    field.clone(),
                    OffsetBuffer::from_lengths(lengths),
                    entries,
                    nulls,
                    *sorted,
                )
                .map_err(refused)?,
            )
        }
        _ => return Err(libfuzzer_sys::arbitrary::Error::IncorrectFormat),
    })
}

/// Whether a conformed column's Arrow type is what the module's table conforms `ty` to.
fn conformed_to(ty: &ColumnType, arrow: &ArrowType) -> bool {
    let list_item = |arrow: &ArrowType| match arrow {
        ArrowType::List(item)
        | ArrowType::LargeList(item)
        | ArrowType::FixedSizeList(item, _)
        | ArrowType::ListView(item)
        | ArrowType::LargeListView(item) => Some(item.data_type().clone()),
        _ => None,
    };
    match ty {
        ColumnType::DataType(data_type) => match data_type {
            DataType::Boolean => *arrow == ArrowType::Boolean,
            DataType::Integer => *arrow == ArrowType::Int32,
            DataType::Long => *arrow == ArrowType::Int64,
            DataType::Float => *arrow == ArrowType::Float32,
            DataType::Double => *arrow == ArrowType::Float64,
            DataType::String => matches!(
                arrow,
                ArrowType::Utf8 | ArrowType::LargeUtf8 | ArrowType::Utf8View
            ),
            DataType::Binary => matches!(
                arrow,
                ArrowType::Binary
                    | ArrowType::LargeBinary
                    | ArrowType::BinaryView
                    | ArrowType::FixedSizeBinary(_)
            ),
            DataType::Datetime => *arrow == ArrowType::Timestamp(TimeUnit::Nanosecond, None),
        },
        ColumnType::Array(array) => {
            list_item(arrow).is_some_and(|item| conformed_to(array.items(), &item))
        }
        ColumnType::SparkMLVector => list_item(arrow)
            .is_some_and(|item| conformed_to(&ColumnType::DataType(DataType::Double), &item)),
        ColumnType::Object(object) => match arrow {
            ArrowType::Struct(fields) => {
                fields.iter().all(|field| {
                    object
                        .property(field.name())
                        .is_some_and(|p| conformed_to(p.dtype(), field.data_type()))
                }) && object
                    .properties()
                    .iter()
                    .filter(|p| p.required())
                    .all(|p| fields.find(p.name()).is_some())
            }
            _ => false,
        },
        ColumnType::Map(map) => match arrow {
            ArrowType::Map(entries, _) => match entries.data_type() {
                ArrowType::Struct(fields) if fields.len() == 2 => {
                    matches!(
                        fields[0].data_type(),
                        ArrowType::Utf8 | ArrowType::LargeUtf8 | ArrowType::Utf8View
                    ) && conformed_to(map.values(), fields[1].data_type())
                }
                _ => false,
            },
            _ => false,
        },
        ColumnType::AnyType => true,
    }
}

fn run(u: &mut Unstructured<'_>) -> Result<()> {
    let mut columns = Vec::new();
    for name in NAMES.iter().take(1 + u.choose_index(3)?) {
        let column = ColSpec::new(*name, column_type(u, 0)?);
        columns.push(column.with_required(u.arbitrary()?));
    }
    let schema = Schema::from_columns(columns).map_err(refused)?;
    let rows = u.choose_index(MAX_ROWS + 1)?;

    // The batch: each name a signature column or a stranger, present or not, of the
    // signature's own Arrow type or any other, in a shuffled order.
    let mut fields = Vec::new();
    let mut arrays = Vec::new();
    let mut order: Vec<&str> = NAMES.to_vec();
    for i in (1..order.len()).rev() {
        order.swap(i, u.choose_index(i + 1)?);
    }
    for name in order {
        if !u.ratio(3, 4)? {
            continue;
        }
        let wanted = schema
            .columns()
            .unwrap()
            .iter()
            .find(|c| c.name().is_some_and(|n| n.to_string() == name));
        let ty = match wanted {
            Some(column) if u.arbitrary()? => arrow_type(column.ty()),
            _ => random_arrow_type(u, 0)?,
        };
        let nullable = u.arbitrary()?;
        arrays.push(array(u, &ty, rows, nullable)?);
        fields.push(Field::new(name, ty, nullable));
    }
    let options = RecordBatchOptions::new().with_row_count(Some(rows));
    let batch =
        RecordBatch::try_new_with_options(Arc::new(ArrowSchema::new(fields)), arrays, &options)
            .map_err(refused)?;

    let mode = *u.choose(&[Mode::Strict, Mode::MlflowServing, Mode::MlflowPredict])?;
    let extra = *u.choose(&[ExtraColumns::Ignore, ExtraColumns::Reject])?;
    let cap = if u.arbitrary()? { 100 } else { 2 };
    let options = CheckOptions::new()
        .with_mode(mode)
        .with_extra_columns(extra)
        .with_max_problems(cap);
    let checker = ArrowChecker::for_schema(&schema).with_options(options.clone());
    let report = checker.check(&batch);
    assert_report_consistent(&report, cap);
    assert_eq!(report.rows(), Some(rows as u64));

    match checker.conform(&batch) {
        Ok(conformed) => {
            assert!(
                report.is_valid(),
                "conformed a batch the check refuses:\n{report}"
            );
            let out = &conformed.batch;
            assert_eq!(out.num_rows(), rows);
            let names: Vec<String> = out
                .schema()
                .fields()
                .iter()
                .map(|f| f.name().clone())
                .collect();
            // The signature's columns the batch has (a missing optional column stays
            // missing), in the signature's order; every required one among them.
            let present: Vec<&ColSpec> = schema
                .columns()
                .unwrap()
                .iter()
                .filter(|c| {
                    let name = c.name().unwrap().to_string();
                    batch.schema().field_with_name(&name).is_ok()
                })
                .collect();
            let wanted: Vec<String> = present
                .iter()
                .map(|c| c.name().unwrap().to_string())
                .collect();
            assert_eq!(names, wanted, "{:?}", batch.schema());
            assert!(
                schema
                    .columns()
                    .unwrap()
                    .iter()
                    .all(|c| !c.required() || present.contains(&c))
            );
            if mode == Mode::Strict {
                for (column, field) in present.iter().zip(out.schema().fields()) {
                    assert!(
                        conformed_to(column.ty(), field.data_type()),
                        "`{}` conformed to {} from {:?}",
                        field.name(),
                        field.data_type(),
                        batch
                            .schema()
                            .field_with_name(field.name())
                            .map(|f| f.data_type())
                    );
                }
                // In the MLflow modes conform makes what MLflow hands the model, which those
                // modes' own rules (pandas' view of Arrow) need not accept again.
                let again_checker = ArrowChecker::for_schema(&schema)
                    .with_options(options.with_extra_columns(ExtraColumns::Reject));
                let again = again_checker.check(out);
                assert!(
                    again.is_valid(),
                    "a conformed batch fails its own check:\n{again}\nconformed {:?}\nfrom {:?}",
                    out.schema(),
                    batch.schema()
                );
            }
        }
        Err(refused) => {
            assert!(
                !report.is_valid(),
                "the check passes, conform refuses:\n{refused}"
            );
            assert_eq!(refused.error_count(), report.error_count());
        }
    }
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    let _ = run(&mut Unstructured::new(data));
});
