//! Building the conformed columns. Only called once the values are checked, so every
//! conversion here is total (checked ones use wrapping arithmetic as a guard, never a panic).

use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{
    ArrowDictionaryKeyType, ArrowPrimitiveType, Date32Type, Date64Type, Float16Type, Float32Type,
    Float64Type, Int8Type, Int16Type, Int32Type, Int64Type, TimestampMicrosecondType,
    TimestampMillisecondType, TimestampNanosecondType, TimestampSecondType, UInt8Type, UInt16Type,
    UInt32Type, UInt64Type,
};
use arrow_array::types::{ByteArrayType, GenericStringType};
use arrow_array::{
    Array, ArrayRef, DictionaryArray, FixedSizeListArray, Float64Array, GenericByteArray,
    GenericListArray, GenericListViewArray, MapArray, OffsetSizeTrait, PrimitiveArray,
    StringViewArray, StructArray, new_null_array,
};
use arrow_buffer::{ArrowNativeType, NullBuffer, OffsetBuffer};
use arrow_schema::{ArrowError, DataType as ArrowType, FieldRef, Fields, TimeUnit};
use num_traits::AsPrimitive;

use super::arrow_type;
use super::plan::{Cast, Node, NodeKind, numeric_type};

/// The conformed form of `array`: `array` itself (shared, not copied) when nothing changes.
pub(crate) fn conform(node: &Node, array: &ArrayRef) -> Result<ArrayRef, ArrowError> {
    if !node.needs_cast() {
        return Ok(Arc::clone(array));
    }
    match &node.kind {
        NodeKind::Keep | NodeKind::Leaf(None) => Ok(Arc::clone(array)),
        NodeKind::Leaf(Some(cast)) => leaf(cast, array),
        NodeKind::Pandas(pandas) => match pandas.outcome(array.logical_null_count() > 0).cast() {
            Some(cast) => leaf(cast, array),
            None => Ok(Arc::clone(array)),
        },
        NodeKind::List { item, .. } => list(item, array),
        NodeKind::Struct(fields) => {
            let array = as_struct(array)?;
            let columns = array
                .columns()
                .iter()
                .zip(fields)
                .map(|(child, node)| conform(node, child))
                .collect::<Result<Vec<_>, _>>()?;
            let fields: Fields = array
                .fields()
                .iter()
                .zip(&columns)
                .map(|(field, column)| retyped(field, column.data_type()))
                .collect();
            Ok(Arc::new(StructArray::try_new(
                fields,
                columns,
                array.nulls().cloned(),
            )?))
        }
        NodeKind::Map(value) => {
            let map = array
                .as_map_opt()
                .ok_or_else(|| unexpected(array.data_type()))?;
            let ArrowType::Map(entries_field, ordered) = map.data_type() else {
                return Err(unexpected(map.data_type()));
            };
            let entries = map.entries();
            let values = conform(value, entries.column(1))?;
            let fields: Fields = vec![
                Arc::clone(&entries.fields()[0]),
                retyped(&entries.fields()[1], values.data_type()),
            ]
            .into();
            let entries = StructArray::try_new(
                fields.clone(),
                vec![Arc::clone(entries.column(0)), values],
                entries.nulls().cloned(),
            )?;
            let field = Arc::new(
                entries_field
                    .as_ref()
                    .clone()
                    .with_data_type(ArrowType::Struct(fields)),
            );
            Ok(Arc::new(MapArray::try_new(
                field,
                map.offsets().clone(),
                entries,
                map.nulls().cloned(),
                *ordered,
            )?))
        }
    }
}

fn unexpected(found: &ArrowType) -> ArrowError {
    ArrowError::InvalidArgumentError(format!("unexpected array of type {found} while conforming"))
}

fn as_struct(array: &ArrayRef) -> Result<&StructArray, ArrowError> {
    array
        .as_struct_opt()
        .ok_or_else(|| unexpected(array.data_type()))
}

fn retyped(field: &FieldRef, ty: &ArrowType) -> FieldRef {
    if field.data_type() == ty {
        Arc::clone(field)
    } else {
        Arc::new(field.as_ref().clone().with_data_type(ty.clone()))
    }
}

fn list(item: &Node, array: &ArrayRef) -> Result<ArrayRef, ArrowError> {
    match array.data_type() {
        ArrowType::List(field) => offsets_list::<i32>(field, item, array),
        ArrowType::LargeList(field) => offsets_list::<i64>(field, item, array),
        ArrowType::FixedSizeList(field, size) => {
            let list = array.as_fixed_size_list();
            let values = conform(item, list.values())?;
            Ok(Arc::new(FixedSizeListArray::try_new(
                retyped(field, values.data_type()),
                *size,
                values,
                list.nulls().cloned(),
            )?))
        }
        ArrowType::ListView(field) => view_list::<i32>(field, item, array),
        ArrowType::LargeListView(field) => view_list::<i64>(field, item, array),
        other => Err(unexpected(other)),
    }
}

/// A List or LargeList with its items conformed; offsets and nulls shared, not copied.
fn offsets_list<O: OffsetSizeTrait>(
    field: &FieldRef,
    item: &Node,
    array: &ArrayRef,
) -> Result<ArrayRef, ArrowError> {
    let list = array.as_list::<O>();
    let values = conform(item, list.values())?;
    Ok(Arc::new(GenericListArray::<O>::try_new(
        retyped(field, values.data_type()),
        list.offsets().clone(),
        values,
        list.nulls().cloned(),
    )?))
}

/// A ListView or LargeListView with its items conformed; offsets, sizes and nulls shared.
fn view_list<O: OffsetSizeTrait>(
    field: &FieldRef,
    item: &Node,
    array: &ArrayRef,
) -> Result<ArrayRef, ArrowError> {
    let list = array.as_list_view::<O>();
    let values = conform(item, list.values())?;
    Ok(Arc::new(GenericListViewArray::<O>::try_new(
        retyped(field, values.data_type()),
        list.offsets().clone(),
        list.sizes().clone(),
        values,
        list.nulls().cloned(),
    )?))
}

fn leaf(cast: &Cast, array: &ArrayRef) -> Result<ArrayRef, ArrowError> {
    match cast {
        Cast::Widen(to) => match numeric_type(*to) {
            Some(to) => widen(array, &to),
            None => Err(unexpected(array.data_type())),
        },
        Cast::U64ToI64 => Ok(Arc::new(
            array
                .as_primitive_opt::<UInt64Type>()
                .ok_or_else(|| unexpected(array.data_type()))?
                .unary::<_, Int64Type>(|v| v as i64),
        )),
        Cast::TimestampToNs(factor) => {
            let factor = *factor;
            // Every branch gives naive nanoseconds: a timezone is dropped, the instants kept.
            let scaled: PrimitiveArray<TimestampNanosecondType> = match array.data_type() {
                ArrowType::Timestamp(TimeUnit::Second, _) => array
                    .as_primitive::<TimestampSecondType>()
                    .unary(|v| v.wrapping_mul(factor)),
                ArrowType::Timestamp(TimeUnit::Millisecond, _) => array
                    .as_primitive::<TimestampMillisecondType>()
                    .unary(|v| v.wrapping_mul(factor)),
                ArrowType::Timestamp(TimeUnit::Microsecond, _) => array
                    .as_primitive::<TimestampMicrosecondType>()
                    .unary(|v| v.wrapping_mul(factor)),
                ArrowType::Timestamp(TimeUnit::Nanosecond, _) => array
                    .as_primitive::<TimestampNanosecondType>()
                    .clone()
                    .with_timezone_opt(None::<String>),
                other => return Err(unexpected(other)),
            };
            Ok(Arc::new(scaled))
        }
        Cast::DateToNs(factor) => {
            let factor = *factor;
            let scaled: PrimitiveArray<TimestampNanosecondType> = match array.data_type() {
                ArrowType::Date32 => array
                    .as_primitive::<Date32Type>()
                    .unary(|d| i64::from(d).wrapping_mul(factor)),
                ArrowType::Date64 => array
                    .as_primitive::<Date64Type>()
                    .unary(|d| d.wrapping_mul(factor)),
                other => return Err(unexpected(other)),
            };
            Ok(Arc::new(scaled))
        }
        Cast::Dictionary => dictionary(array),
        Cast::Nulls(ty) => Ok(new_null_array(&arrow_type(ty), array.len())),
    }
}

fn widen_from<F, T>(array: &ArrayRef) -> Result<ArrayRef, ArrowError>
where
    F: ArrowPrimitiveType,
    T: ArrowPrimitiveType,
    F::Native: AsPrimitive<T::Native>,
{
    let array = array
        .as_primitive_opt::<F>()
        .ok_or_else(|| unexpected(array.data_type()))?;
    Ok(Arc::new(array.unary::<_, T>(|v| v.as_())))
}

fn widen_to<T: ArrowPrimitiveType>(array: &ArrayRef) -> Result<ArrayRef, ArrowError>
where
    i8: AsPrimitive<T::Native>,
    i16: AsPrimitive<T::Native>,
    i32: AsPrimitive<T::Native>,
    i64: AsPrimitive<T::Native>,
    u8: AsPrimitive<T::Native>,
    u16: AsPrimitive<T::Native>,
    u32: AsPrimitive<T::Native>,
    u64: AsPrimitive<T::Native>,
    <Float16Type as ArrowPrimitiveType>::Native: AsPrimitive<T::Native>,
    f32: AsPrimitive<T::Native>,
    f64: AsPrimitive<T::Native>,
{
    match array.data_type() {
        ArrowType::Int8 => widen_from::<Int8Type, T>(array),
        ArrowType::Int16 => widen_from::<Int16Type, T>(array),
        ArrowType::Int32 => widen_from::<Int32Type, T>(array),
        ArrowType::Int64 => widen_from::<Int64Type, T>(array),
        ArrowType::UInt8 => widen_from::<UInt8Type, T>(array),
        ArrowType::UInt16 => widen_from::<UInt16Type, T>(array),
        ArrowType::UInt32 => widen_from::<UInt32Type, T>(array),
        ArrowType::UInt64 => widen_from::<UInt64Type, T>(array),
        ArrowType::Float16 => widen_from::<Float16Type, T>(array),
        ArrowType::Float32 => widen_from::<Float32Type, T>(array),
        ArrowType::Float64 => widen_from::<Float64Type, T>(array),
        other => Err(unexpected(other)),
    }
}

fn widen(array: &ArrayRef, to: &ArrowType) -> Result<ArrayRef, ArrowError> {
    if let (Some(booleans), ArrowType::Float64) = (array.as_boolean_opt(), to) {
        // Nulls keep their place; the value under a null is whatever the buffer holds.
        let floats: Float64Array = booleans
            .iter()
            .map(|b| b.map(|b| if b { 1.0 } else { 0.0 }))
            .collect();
        return Ok(Arc::new(floats));
    }
    match to {
        ArrowType::Int8 => widen_to::<Int8Type>(array),
        ArrowType::UInt8 => widen_to::<UInt8Type>(array),
        ArrowType::Int16 => widen_to::<Int16Type>(array),
        ArrowType::Int32 => widen_to::<Int32Type>(array),
        ArrowType::Int64 => widen_to::<Int64Type>(array),
        ArrowType::UInt16 => widen_to::<UInt16Type>(array),
        ArrowType::UInt32 => widen_to::<UInt32Type>(array),
        ArrowType::UInt64 => widen_to::<UInt64Type>(array),
        ArrowType::Float16 => widen_to::<Float16Type>(array),
        ArrowType::Float32 => widen_to::<Float32Type>(array),
        ArrowType::Float64 => widen_to::<Float64Type>(array),
        other => Err(unexpected(other)),
    }
}

/// A dictionary of strings, unpacked: its values in row order, as a plain string column of
/// the dictionary's value type (Utf8 becomes LargeUtf8 if the text outgrows 32-bit offsets).
fn dictionary(array: &ArrayRef) -> Result<ArrayRef, ArrowError> {
    let ArrowType::Dictionary(key, _) = array.data_type() else {
        return Err(unexpected(array.data_type()));
    };
    match key.as_ref() {
        ArrowType::Int8 => unpack::<Int8Type>(array),
        ArrowType::Int16 => unpack::<Int16Type>(array),
        ArrowType::Int32 => unpack::<Int32Type>(array),
        ArrowType::Int64 => unpack::<Int64Type>(array),
        ArrowType::UInt8 => unpack::<UInt8Type>(array),
        ArrowType::UInt16 => unpack::<UInt16Type>(array),
        ArrowType::UInt32 => unpack::<UInt32Type>(array),
        ArrowType::UInt64 => unpack::<UInt64Type>(array),
        other => Err(unexpected(other)),
    }
}

fn unpack<K: ArrowDictionaryKeyType>(array: &ArrayRef) -> Result<ArrayRef, ArrowError> {
    let dictionary: &DictionaryArray<K> = array
        .as_dictionary_opt::<K>()
        .ok_or_else(|| unexpected(array.data_type()))?;
    let nulls = dictionary.logical_nulls();
    let values = dictionary.values();
    let keys = dictionary.keys();
    let value_of = |row: usize| -> Option<usize> {
        if nulls.as_ref().is_some_and(|n| n.is_null(row)) {
            return None;
        }
        keys.value(row).to_usize()
    };
    match values.data_type() {
        ArrowType::Utf8 => gather::<GenericStringType<i32>>(
            values.as_string::<i32>(),
            dictionary.len(),
            nulls.clone(),
            value_of,
        ),
        ArrowType::LargeUtf8 => gather::<GenericStringType<i64>>(
            values.as_string::<i64>(),
            dictionary.len(),
            nulls.clone(),
            value_of,
        ),
        ArrowType::Utf8View => {
            let values = values.as_string_view();
            let strings: StringViewArray = (0..dictionary.len())
                .map(|row| value_of(row).map(|i| values.value(i)))
                .collect();
            Ok(Arc::new(strings))
        }
        other => Err(unexpected(other)),
    }
}

fn gather<T: ByteArrayType>(
    values: &GenericByteArray<T>,
    len: usize,
    nulls: Option<NullBuffer>,
    value_of: impl Fn(usize) -> Option<usize>,
) -> Result<ArrayRef, ArrowError>
where
    T::Native: AsRef<[u8]>,
{
    let total: usize = (0..len)
        .filter_map(&value_of)
        .map(|i| values.value_length(i).as_usize())
        .sum();
    if i32::try_from(total).is_ok() {
        build::<i32, T>(values, len, total, nulls, value_of)
    } else {
        build::<i64, T>(values, len, total, nulls, value_of)
    }
}

fn build<O: OffsetSizeTrait, T: ByteArrayType>(
    values: &GenericByteArray<T>,
    len: usize,
    total: usize,
    nulls: Option<NullBuffer>,
    value_of: impl Fn(usize) -> Option<usize>,
) -> Result<ArrayRef, ArrowError>
where
    T::Native: AsRef<[u8]>,
{
    let mut bytes = Vec::with_capacity(total);
    let mut offsets = Vec::with_capacity(len + 1);
    offsets.push(O::usize_as(0));
    for row in 0..len {
        if let Some(i) = value_of(row) {
            bytes.extend_from_slice(values.value(i).as_ref());
        }
        offsets.push(O::usize_as(bytes.len()));
    }
    // The values were valid UTF-8 in the dictionary, so their concatenation is too.
    let offsets = OffsetBuffer::new(offsets.into());
    let array = GenericByteArray::<GenericStringType<O>>::try_new(offsets, bytes.into(), nulls)?;
    Ok(Arc::new(array))
}

/// The Arrow field a conformed column gets: the input's, with the conformed type.
pub(crate) fn field(input: &FieldRef, column: &ArrayRef) -> FieldRef {
    let field = retyped(input, column.data_type());
    if field.is_nullable() || column.logical_null_count() == 0 {
        field
    } else {
        // A column of Arrow's Null type is read as non-nullable by some writers.
        Arc::new(field.as_ref().clone().with_nullable(true))
    }
}
