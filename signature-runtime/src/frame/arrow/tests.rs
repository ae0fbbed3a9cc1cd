//! Every row of the mapping, accepted and refused; nulls; tensors; conform; infer.

use std::sync::Arc;

use arrow_array::builder::{Int64Builder, ListBuilder, MapBuilder, StringBuilder, StructBuilder};
use arrow_array::cast::AsArray;
use arrow_array::types::{Int8Type, TimestampNanosecondType};
use arrow_array::{
    Array, ArrayRef, BinaryArray, BinaryViewArray, BooleanArray, Date32Array, Date64Array,
    DictionaryArray, FixedSizeBinaryArray, FixedSizeListArray, Float16Array, Float32Array,
    Float64Array, Int8Array, Int16Array, Int32Array, Int64Array, LargeBinaryArray, LargeListArray,
    LargeStringArray, ListArray, ListViewArray, NullArray, RecordBatch, StringArray,
    StringViewArray, StructArray, TimestampMicrosecondArray, TimestampMillisecondArray,
    TimestampNanosecondArray, TimestampSecondArray, UInt8Array, UInt16Array, UInt32Array,
    UInt64Array,
};
use arrow_buffer::{OffsetBuffer, ScalarBuffer};
use arrow_schema::{DataType as ArrowType, Field, Fields, Schema as ArrowSchema, TimeUnit};

use crate::Mode;
use crate::frame::InferSchema;
use crate::report::{ProblemKind, Report, Severity};
use crate::types::{
    Array as ArrayType, ColSpec, ColumnType, DataType, Map, NumpyDtype, Object, Property, Schema,
    TensorSpec,
};
use crate::{CheckOptions, ExtraColumns};

use super::{ArrowChecker, arrow_type};
use crate::frame::scenarios::{self, Conformed, Data, Engine};

fn batch(columns: Vec<(&str, ArrayRef)>) -> RecordBatch {
    RecordBatch::try_from_iter(columns).expect("a valid test batch")
}

fn one(name: &str, ty: impl Into<ColumnType>) -> Schema {
    Schema::from_columns(vec![ColSpec::new(name, ty)]).unwrap()
}

fn check(ty: impl Into<ColumnType>, array: ArrayRef) -> Report {
    let schema = one("x", ty);
    ArrowChecker::for_schema(&schema).check(&batch(vec![("x", array)]))
}

fn kinds(report: &Report) -> Vec<ProblemKind> {
    report.errors().map(|p| p.kind()).collect()
}

/// Checks `array` as `ty`: accepted, and conformed to `conformed`.
#[track_caller]
fn accepts(ty: impl Into<ColumnType>, array: ArrayRef, conformed: &ArrowType) {
    let ty = ty.into();
    let schema = one("x", ty.clone());
    let input = batch(vec![("x", array)]);
    let checker = ArrowChecker::for_schema(&schema);
    let report = checker.check(&input);
    assert!(
        report.is_valid(),
        "{} as {ty}: {report}",
        input.column(0).data_type()
    );
    let out = checker.conform(&input).unwrap_or_else(|r| panic!("{r}"));
    assert_eq!(out.batch.column(0).data_type(), conformed, "{ty}");
    assert_eq!(out.batch.num_rows(), input.num_rows());
}

#[track_caller]
fn refuses(ty: impl Into<ColumnType>, array: ArrayRef, kind: ProblemKind) -> Report {
    let ty = ty.into();
    let found = array.data_type().clone();
    let report = check(ty.clone(), array);
    assert_eq!(kinds(&report), vec![kind], "{found} as {ty}: {report}");
    report
}

fn arc(array: impl Array + 'static) -> ArrayRef {
    Arc::new(array)
}

#[test]
fn uint64_fits_long_only_with_values_that_fit() {
    // UInt64 values that fit: the shared scenarios.
    let big = arc(UInt64Array::from(vec![1, 5, u64::MAX, 1 << 63]));
    let report = refuses(DataType::Long, big, ProblemKind::OutOfRange);
    let problem = report.errors().next().unwrap();
    assert_eq!(problem.pointer(), "/x/2");
    assert_eq!(problem.row(), Some(2));
    assert!(problem.message().contains("2 values"), "{report}");
    assert!(problem.message().contains("rows 2, 3"), "{report}");
    // Null slots hold garbage that is never looked at.
    let nulls = UInt64Array::new(
        ScalarBuffer::from(vec![u64::MAX, 5]),
        Some(vec![false, true].into()),
    );
    let schema = Schema::from_columns(vec![ColSpec::new("x", DataType::Long).optional()]).unwrap();
    let report = ArrowChecker::for_schema(&schema).check(&batch(vec![("x", arc(nulls))]));
    assert!(report.is_valid(), "{report}");
}

fn half_one() -> <arrow_array::types::Float16Type as arrow_array::ArrowPrimitiveType>::Native {
    num_traits::One::one()
}

#[test]
fn widened_values_are_exact() {
    let schema = Schema::from_columns(vec![
        ColSpec::new("a", DataType::Long),
        ColSpec::new("b", DataType::Double),
        ColSpec::new("c", DataType::Float),
    ])
    .unwrap();
    let input = batch(vec![
        (
            "a",
            arc(Int32Array::from(vec![Some(i32::MIN), None, Some(7)])),
        ),
        ("b", arc(Float32Array::from(vec![0.1, 2.5, -0.0]))),
        (
            "c",
            arc(Float16Array::from(vec![half_one(), half_one(), half_one()])),
        ),
    ]);
    let schema = Schema::from_columns(
        schema
            .columns()
            .unwrap()
            .iter()
            .map(|c| c.clone().optional())
            .collect(),
    )
    .unwrap();
    let out = ArrowChecker::for_schema(&schema)
        .conform(&input)
        .unwrap()
        .batch;
    let a = out.column(0).as_any().downcast_ref::<Int64Array>().unwrap();
    assert_eq!(
        a.iter().collect::<Vec<_>>(),
        vec![Some(i64::from(i32::MIN)), None, Some(7)]
    );
    let b = out
        .column(1)
        .as_any()
        .downcast_ref::<Float64Array>()
        .unwrap();
    assert_eq!(b.values().to_vec(), vec![f64::from(0.1f32), 2.5, -0.0]);
    let c = out
        .column(2)
        .as_any()
        .downcast_ref::<Float32Array>()
        .unwrap();
    assert_eq!(c.values().to_vec(), vec![1.0, 1.0, 1.0]);
}

#[test]
fn string_and_binary_layouts() {
    // The plain types: the shared scenarios. Arrow's other layouts are kept as they are.
    accepts(
        DataType::String,
        arc(LargeStringArray::from(vec!["a"])),
        &ArrowType::LargeUtf8,
    );
    accepts(
        DataType::String,
        arc(StringViewArray::from(vec!["a"])),
        &ArrowType::Utf8View,
    );
    let bytes: Vec<&[u8]> = vec![b"ab", b"cd"];
    accepts(
        DataType::Binary,
        arc(LargeBinaryArray::from(bytes.clone())),
        &ArrowType::LargeBinary,
    );
    accepts(
        DataType::Binary,
        arc(BinaryViewArray::from(bytes.clone())),
        &ArrowType::BinaryView,
    );
    let fixed = FixedSizeBinaryArray::try_from_iter(bytes.into_iter()).unwrap();
    accepts(DataType::Binary, arc(fixed), &ArrowType::FixedSizeBinary(2));
}

#[test]
fn dictionaries_of_strings_are_unpacked() {
    let dict: DictionaryArray<Int8Type> = vec![Some("a"), None, Some("bb"), Some("a")]
        .into_iter()
        .collect();
    let schema =
        Schema::from_columns(vec![ColSpec::new("x", DataType::String).optional()]).unwrap();
    let out = ArrowChecker::for_schema(&schema)
        .conform(&batch(vec![("x", arc(dict.clone()))]))
        .unwrap()
        .batch;
    let strings = out
        .column(0)
        .as_any()
        .downcast_ref::<StringArray>()
        .unwrap();
    assert_eq!(
        strings.iter().collect::<Vec<_>>(),
        vec![Some("a"), None, Some("bb"), Some("a")]
    );
    // Required: the null is reported.
    let report = refuses(DataType::String, arc(dict), ProblemKind::NullNotAllowed);
    assert_eq!(report.errors().next().unwrap().row(), Some(1));
    let numbers =
        DictionaryArray::<Int8Type>::new(Int8Array::from(vec![0]), arc(Int32Array::from(vec![5])));
    refuses(DataType::String, arc(numbers), ProblemKind::WrongType);
}

#[test]
fn datetime_columns() {
    let ns = ArrowType::Timestamp(TimeUnit::Nanosecond, None);
    accepts(
        DataType::Datetime,
        arc(TimestampSecondArray::from(vec![1_700_000_000])),
        &ns,
    );
    accepts(
        DataType::Datetime,
        arc(TimestampMillisecondArray::from(vec![1])),
        &ns,
    );
    accepts(
        DataType::Datetime,
        arc(TimestampMicrosecondArray::from(vec![1])),
        &ns,
    );
    accepts(
        DataType::Datetime,
        arc(TimestampNanosecondArray::from(vec![1])),
        &ns,
    );
    accepts(
        DataType::Datetime,
        arc(Date32Array::from(vec![19_000])),
        &ns,
    );
    accepts(
        DataType::Datetime,
        arc(Date64Array::from(vec![1_700_000_000_000])),
        &ns,
    );
    timezone_aware_timestamps_keep_their_instants();
    refuses(
        DataType::Datetime,
        arc(Int64Array::from(vec![1])),
        ProblemKind::WrongType,
    );
    refuses(
        DataType::Datetime,
        arc(StringArray::from(vec!["2024-01-01"])),
        ProblemKind::WrongType,
    );
    // Year 3000 does not fit nanoseconds.
    let far = TimestampSecondArray::from(vec![0, 32_503_680_000]);
    let report = refuses(DataType::Datetime, arc(far), ProblemKind::OutOfRange);
    assert_eq!(report.errors().next().unwrap().row(), Some(1));
    let far = Date32Array::from(vec![400_000]);
    refuses(DataType::Datetime, arc(far), ProblemKind::OutOfRange);

    // The conversion keeps the instant.
    let schema = one("x", DataType::Datetime);
    let out = ArrowChecker::for_schema(&schema)
        .conform(&batch(vec![("x", arc(Date32Array::from(vec![1])))]))
        .unwrap()
        .batch;
    let ts = out
        .column(0)
        .as_any()
        .downcast_ref::<TimestampNanosecondArray>()
        .unwrap();
    assert_eq!(ts.value(0), 86_400_000_000_000);
}

fn long_lists() -> ListArray {
    ListArray::from_iter_primitive::<arrow_array::types::Int64Type, _, _>(vec![
        Some(vec![Some(1), Some(2)]),
        Some(vec![]),
        Some(vec![Some(3)]),
    ])
}

#[test]
fn list_columns() {
    let array_long = ArrayType::new(DataType::Long);
    let list = long_lists();
    let list_ty = list.data_type().clone();
    accepts(array_long.clone(), arc(list.clone()), &list_ty);

    let large =
        LargeListArray::from_iter_primitive::<arrow_array::types::Int32Type, _, _>(vec![Some(
            vec![Some(1)],
        )]);
    let large_as_long = ArrowType::LargeList(Arc::new(Field::new("item", ArrowType::Int64, true)));
    accepts(array_long.clone(), arc(large), &large_as_long);

    let fixed = FixedSizeListArray::from_iter_primitive::<arrow_array::types::Int64Type, _, _>(
        vec![Some(vec![Some(1), Some(2)])],
        2,
    );
    let fixed_ty = fixed.data_type().clone();
    accepts(array_long.clone(), arc(fixed), &fixed_ty);

    let view = ListViewArray::new(
        Arc::new(Field::new("item", ArrowType::Int64, true)),
        ScalarBuffer::from(vec![0, 1]),
        ScalarBuffer::from(vec![1, 1]),
        arc(Int64Array::from(vec![5, 6])),
        None,
    );
    let view_ty = view.data_type().clone();
    accepts(array_long.clone(), arc(view), &view_ty);

    refuses(
        ArrayType::new(DataType::String),
        arc(long_lists()),
        ProblemKind::WrongType,
    );
    refuses(
        array_long.clone(),
        arc(Int64Array::from(vec![1])),
        ProblemKind::WrongType,
    );
    refuses(DataType::Long, arc(long_lists()), ProblemKind::WrongType);

    // A null item is refused, with the row of the list that holds it.
    let with_null = ListArray::from_iter_primitive::<arrow_array::types::Int64Type, _, _>(vec![
        Some(vec![Some(1)]),
        Some(vec![Some(2), None]),
    ]);
    let report = refuses(
        array_long.clone(),
        arc(with_null),
        ProblemKind::NullNotAllowed,
    );
    let problem = report.errors().next().unwrap();
    assert_eq!((problem.pointer(), problem.row()), ("/x/1", Some(1)));
    assert!(problem.message().contains("`x[]`"), "{report}");

    // Sparkml vectors are arrays of doubles.
    let doubles = ListArray::from_iter_primitive::<arrow_array::types::Float64Type, _, _>(vec![
        Some(vec![Some(1.0)]),
    ]);
    let doubles_ty = doubles.data_type().clone();
    accepts(ColumnType::SparkMLVector, arc(doubles), &doubles_ty);
}

fn object_ab() -> Object {
    Object::new(vec![
        Property::new("a", DataType::Long),
        Property::new("b", DataType::String).optional(),
    ])
    .unwrap()
}

fn struct_ab(a: Vec<Option<i64>>, b: Vec<Option<&str>>) -> StructArray {
    StructArray::from(vec![
        (
            Arc::new(Field::new("a", ArrowType::Int64, true)),
            arc(Int64Array::from(a)),
        ),
        (
            Arc::new(Field::new("b", ArrowType::Utf8, true)),
            arc(StringArray::from(b)),
        ),
    ])
}

#[test]
fn struct_columns() {
    let good = struct_ab(vec![Some(1), Some(2)], vec![None, Some("x")]);
    let good_ty = good.data_type().clone();
    accepts(object_ab(), arc(good), &good_ty);

    // An optional property may be absent.
    let only_a = StructArray::from(vec![(
        Arc::new(Field::new("a", ArrowType::Int32, false)),
        arc(Int32Array::from(vec![1])),
    )]);
    let widened = ArrowType::Struct(Fields::from(vec![Field::new("a", ArrowType::Int64, false)]));
    accepts(object_ab(), arc(only_a), &widened);

    let only_b = StructArray::from(vec![(
        Arc::new(Field::new("b", ArrowType::Utf8, false)),
        arc(StringArray::from(vec!["x"])),
    )]);
    refuses(object_ab(), arc(only_b), ProblemKind::MissingProperty);

    let extra = StructArray::from(vec![
        (
            Arc::new(Field::new("a", ArrowType::Int64, false)),
            arc(Int64Array::from(vec![1])),
        ),
        (
            Arc::new(Field::new("z", ArrowType::Int64, false)),
            arc(Int64Array::from(vec![1])),
        ),
    ]);
    refuses(object_ab(), arc(extra), ProblemKind::UnknownProperty);

    let wrong = StructArray::from(vec![(
        Arc::new(Field::new("a", ArrowType::Utf8, false)),
        arc(StringArray::from(vec!["1"])),
    )]);
    let report = refuses(object_ab(), arc(wrong), ProblemKind::WrongType);
    assert!(
        report.errors().next().unwrap().message().contains("`x.a`"),
        "{report}"
    );

    // A null in a required property counts only in rows where the struct itself is present.
    let nulls = struct_ab(vec![Some(1), None], vec![None, None]);
    refuses(object_ab(), arc(nulls), ProblemKind::NullNotAllowed);
    let (fields, columns, _) = struct_ab(vec![Some(1), None], vec![None, None]).into_parts();
    let masked = StructArray::new(fields, columns, Some(vec![true, false].into()));
    let schema = Schema::from_columns(vec![ColSpec::new("x", object_ab()).optional()]).unwrap();
    let report = ArrowChecker::for_schema(&schema).check(&batch(vec![("x", arc(masked))]));
    assert!(report.is_valid(), "{report}");

    refuses(
        object_ab(),
        arc(Int64Array::from(vec![1])),
        ProblemKind::WrongType,
    );
}

#[test]
fn lists_of_structs() {
    let ty = ArrayType::new(object_ab());
    let mut builder = ListBuilder::new(StructBuilder::from_fields(
        vec![
            Field::new("a", ArrowType::Int64, true),
            Field::new("b", ArrowType::Utf8, true),
        ],
        0,
    ));
    for row in [
        vec![(Some(1), Some("p"))],
        vec![],
        vec![(Some(2), None), (None, Some("q"))],
    ] {
        for (a, b) in row {
            let item = builder.values();
            item.field_builder::<Int64Builder>(0)
                .unwrap()
                .append_option(a);
            item.field_builder::<StringBuilder>(1)
                .unwrap()
                .append_option(b);
            item.append(true);
        }
        builder.append(true);
    }
    let list = builder.finish();
    let report = refuses(ty.clone(), arc(list.clone()), ProblemKind::NullNotAllowed);
    let problem = report.errors().next().unwrap();
    assert_eq!(problem.row(), Some(2), "{report}");
    assert!(problem.message().contains("`x[].a`"), "{report}");

    let fine = list.slice(0, 2);
    let fine_ty = fine.data_type().clone();
    accepts(ty, arc(fine), &fine_ty);
    let wrong = ArrayType::new(Object::new(vec![Property::new("a", DataType::String)]).unwrap());
    let report = check(wrong, arc(list));
    assert!(kinds(&report).contains(&ProblemKind::WrongType), "{report}");
    assert!(
        kinds(&report).contains(&ProblemKind::UnknownProperty),
        "{report}"
    );
}

fn string_to_long_map(values: &[&[(&str, Option<i64>)]]) -> arrow_array::MapArray {
    let mut builder = MapBuilder::new(None, StringBuilder::new(), Int64Builder::new());
    for row in values {
        for (k, v) in *row {
            builder.keys().append_value(k);
            builder.values().append_option(*v);
        }
        builder.append(true).unwrap();
    }
    builder.finish()
}

#[test]
fn map_columns() {
    let map = string_to_long_map(&[&[("a", Some(1)), ("b", Some(2))], &[]]);
    let map_ty = map.data_type().clone();
    accepts(Map::new(DataType::Long), arc(map.clone()), &map_ty);
    refuses(
        Map::new(DataType::String),
        arc(map.clone()),
        ProblemKind::WrongType,
    );
    refuses(
        ArrayType::new(DataType::Long),
        arc(map),
        ProblemKind::WrongType,
    );

    let map = string_to_long_map(&[&[("a", Some(1))], &[("b", None)]]);
    let report = refuses(
        Map::new(DataType::Long),
        arc(map),
        ProblemKind::NullNotAllowed,
    );
    assert_eq!(report.errors().next().unwrap().row(), Some(1));

    // Integer keys are not MLflow's.
    let mut builder = MapBuilder::new(None, Int64Builder::new(), Int64Builder::new());
    builder.keys().append_value(1);
    builder.values().append_value(1);
    builder.append(true).unwrap();
    let report = refuses(
        Map::new(DataType::Long),
        arc(builder.finish()),
        ProblemKind::WrongType,
    );
    assert!(
        report
            .errors()
            .next()
            .unwrap()
            .note()
            .unwrap()
            .contains("string keys")
    );

    // Values are widened inside the map.
    let mut builder = MapBuilder::new(
        None,
        StringBuilder::new(),
        arrow_array::builder::Int32Builder::new(),
    );
    builder.keys().append_value("k");
    builder.values().append_value(3);
    builder.append(true).unwrap();
    let schema = one("x", Map::new(DataType::Long));
    let out = ArrowChecker::for_schema(&schema)
        .conform(&batch(vec![("x", arc(builder.finish()))]))
        .unwrap()
        .batch;
    let ArrowType::Map(entries, _) = out.column(0).data_type() else {
        panic!()
    };
    let ArrowType::Struct(fields) = entries.data_type() else {
        panic!()
    };
    assert_eq!(fields[1].data_type(), &ArrowType::Int64);
}

#[test]
fn any_accepts_everything_and_null_columns_need_optional() {
    accepts(
        ColumnType::AnyType,
        arc(long_lists()),
        &long_lists().data_type().clone(),
    );
    accepts(
        ColumnType::AnyType,
        arc(NullArray::new(2)),
        &ArrowType::Null,
    );
    let schema =
        Schema::from_columns(vec![ColSpec::new("x", DataType::Double).optional()]).unwrap();
    let out = ArrowChecker::for_schema(&schema)
        .conform(&batch(vec![("x", arc(NullArray::new(3)))]))
        .unwrap()
        .batch;
    assert_eq!(out.column(0).data_type(), &ArrowType::Float64);
    assert_eq!(out.column(0).null_count(), 3);
    let report = refuses(
        DataType::Double,
        arc(NullArray::new(3)),
        ProblemKind::NullNotAllowed,
    );
    assert!(
        report
            .errors()
            .next()
            .unwrap()
            .message()
            .contains("3 nulls"),
        "{report}"
    );
}

#[test]
fn nulls_name_the_column_and_first_rows() {
    let values: Vec<Option<i64>> = (0..20).map(|i| (i % 3 != 1).then_some(i)).collect();
    let report = refuses(
        DataType::Long,
        arc(Int64Array::from(values.clone())),
        ProblemKind::NullNotAllowed,
    );
    let problem = report.errors().next().unwrap();
    assert_eq!(problem.column(), Some("x"));
    assert_eq!(problem.pointer(), "/x/1");
    assert!(
        problem
            .message()
            .contains("7 nulls (rows 1, 4, 7, 10, 13, …)"),
        "{report}"
    );
    let schema = Schema::from_columns(vec![ColSpec::new("x", DataType::Long).optional()]).unwrap();
    let report =
        ArrowChecker::for_schema(&schema).check(&batch(vec![("x", arc(Int64Array::from(values)))]));
    assert!(report.is_valid(), "{report}");
    // Beyond the first 64-bit word, and across batches the rows count from the first batch.
    let mut long: Vec<Option<i64>> = vec![Some(0); 130];
    let clean = batch(vec![("x", arc(Int64Array::from(long.clone())))]);
    long[129] = None;
    let input = batch(vec![("x", arc(Int64Array::from(long)))]);
    let schema = one("x", DataType::Long);
    let checker = ArrowChecker::for_schema(&schema);
    let mut run = checker.batches(clean.schema_ref());
    assert!(run.check(&clean));
    assert!(!run.check(&input));
    let report = run.finish();
    assert_eq!(report.rows(), Some(260));
    assert_eq!(report.errors().next().unwrap().pointer(), "/x/259");
}

#[test]
fn columns_missing_extra_duplicate_and_positional() {
    let schema = Schema::from_columns(vec![
        ColSpec::new("a", DataType::Long),
        ColSpec::new("b", DataType::Long).optional(),
        ColSpec::new("c", DataType::Long),
    ])
    .unwrap();
    let input = batch(vec![
        ("z", arc(Int64Array::from(vec![1]))),
        ("a", arc(Int64Array::from(vec![1]))),
    ]);
    let report = ArrowChecker::for_schema(&schema).check(&input);
    assert_eq!(kinds(&report), vec![ProblemKind::MissingColumn]);
    assert_eq!(report.errors().next().unwrap().pointer(), "/c");
    let warning = report.warnings().next().unwrap();
    assert_eq!(
        (warning.kind(), warning.column()),
        (ProblemKind::ExtraColumn, Some("z"))
    );
    let strict = CheckOptions::new().with_extra_columns(ExtraColumns::Reject);
    let report = ArrowChecker::for_schema(&schema)
        .with_options(strict)
        .check(&input);
    assert_eq!(
        kinds(&report),
        vec![ProblemKind::MissingColumn, ProblemKind::ExtraColumn]
    );

    let twice = RecordBatch::try_new(
        Arc::new(ArrowSchema::new(vec![
            Field::new("a", ArrowType::Int64, false),
            Field::new("a", ArrowType::Int64, false),
            Field::new("c", ArrowType::Int64, false),
        ])),
        vec![
            arc(Int64Array::from(vec![1])),
            arc(Int64Array::from(vec![1])),
            arc(Int64Array::from(vec![1])),
        ],
    )
    .unwrap();
    let report = ArrowChecker::for_schema(&schema).check(&twice);
    assert_eq!(kinds(&report), vec![ProblemKind::DuplicateKey]);

    let positional = Schema::from_columns(vec![
        ColSpec::unnamed(DataType::Long),
        ColSpec::unnamed(DataType::String),
    ])
    .unwrap();
    let report = ArrowChecker::for_schema(&positional)
        .check(&batch(vec![("p", arc(Int32Array::from(vec![1])))]));
    assert_eq!(kinds(&report), vec![ProblemKind::MissingColumn]);
    let input = batch(vec![
        ("p", arc(Int32Array::from(vec![1]))),
        ("q", arc(StringArray::from(vec!["s"]))),
    ]);
    let out = ArrowChecker::for_schema(&positional)
        .conform(&input)
        .unwrap()
        .batch;
    assert_eq!(out.schema().field(0).name(), "p");
    assert_eq!(out.column(0).data_type(), &ArrowType::Int64);

    // An integer column name matches its spelling.
    let int_named = Schema::from_columns(vec![ColSpec::new(0i64, DataType::Long)]).unwrap();
    let report = ArrowChecker::for_schema(&int_named)
        .check(&batch(vec![("0", arc(Int64Array::from(vec![1])))]));
    assert!(report.is_valid(), "{report}");
}

#[test]
fn conform_reorders_drops_and_shares_matching_columns() {
    let schema = Schema::from_columns(vec![
        ColSpec::new("a", DataType::Long),
        ColSpec::new("b", DataType::String),
        ColSpec::new("c", DataType::Long).optional(),
    ])
    .unwrap();
    let b: ArrayRef = arc(StringArray::from(vec!["x", "y"]));
    let a: ArrayRef = arc(Int32Array::from(vec![1, 2]));
    let input = batch(vec![
        ("extra", arc(Int8Array::from(vec![1, 2]))),
        ("b", b.clone()),
        ("a", a),
    ]);
    let out = ArrowChecker::for_schema(&schema).conform(&input).unwrap();
    let names: Vec<_> = out
        .batch
        .schema()
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .collect();
    assert_eq!(names, ["a", "b"]);
    assert!(
        Arc::ptr_eq(out.batch.column(1), &b),
        "a matching column is shared, not copied"
    );
    assert_eq!(out.report.warning_count(), 1);
    assert_eq!(
        out.report.warnings().next().unwrap().kind(),
        ProblemKind::ExtraColumn
    );

    // A failing batch gives the report, not a batch.
    let bad = batch(vec![
        ("a", arc(StringArray::from(vec!["1", "2"]))),
        ("b", b),
    ]);
    let report = ArrowChecker::for_schema(&schema).conform(&bad).unwrap_err();
    assert_eq!(kinds(&report), vec![ProblemKind::WrongType]);
}

#[test]
fn schema_check_ignores_rows() {
    let schema = one("x", DataType::Long);
    let arrow = ArrowSchema::new(vec![Field::new("x", ArrowType::Int64, true)]);
    assert!(
        ArrowChecker::for_schema(&schema)
            .check_schema(&arrow)
            .is_valid()
    );
    let arrow = ArrowSchema::new(vec![Field::new("x", ArrowType::Utf8, true)]);
    let report = ArrowChecker::for_schema(&schema).check_schema(&arrow);
    assert_eq!(kinds(&report), vec![ProblemKind::WrongType]);
    assert_eq!(report.rows(), None);
    let problem = report.errors().next().unwrap();
    assert_eq!(
        (problem.expected(), problem.found()),
        (Some("long"), Some("Utf8"))
    );
}

fn tensor(dtype: NumpyDtype, shape: &[i64]) -> Schema {
    Schema::from_tensors(vec![TensorSpec::new("t", dtype, shape.to_vec())]).unwrap()
}

fn fixed(values: Vec<f32>, inner: i32, outer: i32) -> FixedSizeListArray {
    let inner_field = Arc::new(Field::new("item", ArrowType::Float32, false));
    let rows = values.len() / inner as usize;
    let inner_list =
        FixedSizeListArray::new(inner_field, inner, arc(Float32Array::from(values)), None);
    let outer_field = Arc::new(Field::new("item", inner_list.data_type().clone(), false));
    let _ = rows;
    FixedSizeListArray::new(outer_field, outer, arc(inner_list), None)
}

fn check_tensor(schema: &Schema, array: ArrayRef) -> Report {
    ArrowChecker::for_schema(schema).check(&batch(vec![("t", array)]))
}

#[test]
fn fixed_size_lists_are_tensor_dimensions() {
    let cube = arc(fixed((0..12).map(|v| v as f32).collect(), 3, 2)); // 2 rows of 2×3
    assert!(check_tensor(&tensor(NumpyDtype::Float32, &[-1, 2, 3]), cube.clone()).is_valid());
    assert!(check_tensor(&tensor(NumpyDtype::Float32, &[-1, -1, 3]), cube.clone()).is_valid());
    let report = check_tensor(&tensor(NumpyDtype::Float32, &[-1, 2, 4]), cube.clone());
    assert_eq!(kinds(&report), vec![ProblemKind::TensorShape]);
    let report = check_tensor(&tensor(NumpyDtype::Float32, &[-1, 2]), cube.clone());
    assert_eq!(kinds(&report), vec![ProblemKind::TensorShape]);
    let report = check_tensor(
        &tensor(NumpyDtype::Float32, &[-1, 2, 3, 1, 5]),
        cube.clone(),
    );
    assert_eq!(kinds(&report), vec![ProblemKind::TensorShape]);
    let report = check_tensor(&tensor(NumpyDtype::Float32, &[2, 2, 3]), cube.clone());
    assert_eq!(kinds(&report), vec![ProblemKind::TensorShape]);
    // float32 widens to float64; not the other way.
    let schema = tensor(NumpyDtype::Float64, &[-1, 2, 3]);
    let out = ArrowChecker::for_schema(&schema)
        .conform(&batch(vec![("t", cube.clone())]))
        .unwrap()
        .batch;
    let ArrowType::FixedSizeList(outer, 2) = out.column(0).data_type() else {
        panic!()
    };
    let ArrowType::FixedSizeList(inner, 3) = outer.data_type() else {
        panic!()
    };
    assert_eq!(inner.data_type(), &ArrowType::Float64);
    let report = check_tensor(&tensor(NumpyDtype::Int32, &[-1, 2, 3]), cube.clone());
    assert_eq!(kinds(&report), vec![ProblemKind::WrongType]);
    // object takes anything.
    assert!(check_tensor(&tensor(NumpyDtype::Object, &[-1]), cube).is_valid());
}

/// MLflow lets anything through an `object` tensor of shape (-1,) only
/// (`pandas_rules::numpy::tensor_takes_anything`); for a frame column it first refuses a `-1`
/// below the first dimension, whatever the dtype. Strict takes any column for `object`.
#[test]
fn object_tensors_take_anything_only_at_shape_minus_one_in_the_mlflow_modes() {
    let ints = arc(Int32Array::from(vec![1, 2, 3]));
    for mode in [Mode::MlflowServing, Mode::MlflowPredict] {
        let check = |shape: &[i64]| {
            ArrowChecker::for_schema(&tensor(NumpyDtype::Object, shape))
                .with_options(CheckOptions::default().with_mode(mode))
                .check(&batch(vec![("t", ints.clone())]))
        };
        assert!(check(&[-1]).is_valid(), "{mode:?}");
        let report = check(&[-1, -1]);
        assert_eq!(
            kinds(&report),
            vec![ProblemKind::TensorShape],
            "{mode:?}: {report}"
        );
    }
    assert!(check_tensor(&tensor(NumpyDtype::Object, &[-1, -1]), ints).is_valid());
}

#[test]
fn scalar_and_variable_tensor_columns() {
    let ints = arc(Int32Array::from(vec![1, 2, 3]));
    assert!(check_tensor(&tensor(NumpyDtype::Int32, &[-1]), ints.clone()).is_valid());
    assert!(check_tensor(&tensor(NumpyDtype::Int32, &[-1, 1]), ints.clone()).is_valid());
    assert!(check_tensor(&tensor(NumpyDtype::Int64, &[-1]), ints.clone()).is_valid());
    let report = check_tensor(&tensor(NumpyDtype::Int16, &[-1]), ints.clone());
    assert_eq!(kinds(&report), vec![ProblemKind::WrongType]);
    let report = check_tensor(&tensor(NumpyDtype::Int32, &[-1, 3]), ints);
    assert_eq!(kinds(&report), vec![ProblemKind::TensorShape]);
    let report = check_tensor(
        &tensor(NumpyDtype::Int32, &[-1]),
        arc(Int32Array::from(vec![Some(1), None])),
    );
    assert_eq!(kinds(&report), vec![ProblemKind::NullNotAllowed]);

    let ragged = ListArray::from_iter_primitive::<arrow_array::types::Int64Type, _, _>(vec![
        Some(vec![Some(1), Some(2)]),
        Some(vec![Some(3), Some(4)]),
        Some(vec![Some(5)]),
    ]);
    let report = check_tensor(&tensor(NumpyDtype::Int64, &[-1, 2]), arc(ragged.clone()));
    assert_eq!(kinds(&report), vec![ProblemKind::TensorShape]);
    assert_eq!(report.errors().next().unwrap().row(), Some(2));
    let report = check_tensor(&tensor(NumpyDtype::Int64, &[-1, -1]), arc(ragged.clone()));
    assert_eq!(kinds(&report), vec![ProblemKind::TensorShape]);
    assert!(
        check_tensor(
            &tensor(NumpyDtype::Int64, &[-1, 2]),
            arc(ragged.slice(0, 2))
        )
        .is_valid()
    );

    // One unnamed tensor over several scalar columns: shape (-1, columns).
    let unnamed =
        Schema::from_tensors(vec![TensorSpec::unnamed(NumpyDtype::Float64, vec![-1, 2])]).unwrap();
    let two = batch(vec![
        ("a", arc(Float64Array::from(vec![1.0]))),
        ("b", arc(Float32Array::from(vec![1.0]))),
    ]);
    assert!(ArrowChecker::for_schema(&unnamed).check(&two).is_valid());
    let three =
        Schema::from_tensors(vec![TensorSpec::unnamed(NumpyDtype::Float64, vec![-1, 3])]).unwrap();
    assert_eq!(
        kinds(&ArrowChecker::for_schema(&three).check(&two)),
        vec![ProblemKind::TensorShape]
    );
}

#[test]
fn report_vocabulary_matches_json_checks() {
    let report = refuses(
        DataType::Long,
        arc(StringArray::from(vec!["a"])),
        ProblemKind::WrongType,
    );
    let problem = report.errors().next().unwrap();
    assert_eq!(problem.severity(), Severity::Error);
    assert_eq!(problem.pointer(), "/x");
    assert_eq!(
        report.to_string(),
        "error[wrong_type]: column `x` has type Utf8, which is not long\n\
         \x20 --> /x (column `x`)\n\
         \x20  = expected: long\n\
         \x20  = found: Utf8\n\
         \n\
         error: the input does not match the signature (1 row): 1 error"
    );
    // Column names with `/` and `~` are escaped in pointers.
    let schema = one("a/b~c", DataType::Long);
    let report = ArrowChecker::for_schema(&schema).check(&batch(vec![(
        "a/b~c",
        arc(Int64Array::from(vec![None, Some(1)])),
    )]));
    assert_eq!(report.errors().next().unwrap().pointer(), "/a~1b~0c/0");
}

#[test]
fn arrow_types_of_mlflow_types() {
    assert_eq!(
        arrow_type(&DataType::Datetime.into()),
        ArrowType::Timestamp(TimeUnit::Nanosecond, None)
    );
    // The canonical type of every kind is accepted as that kind, without conversion.
    for ty in [
        ColumnType::from(DataType::Boolean),
        ArrayType::new(DataType::Integer).into(),
        object_ab().into(),
        Map::new(ArrayType::new(DataType::Float)).into(),
    ] {
        let arrow = ArrowSchema::new(vec![Field::new("x", arrow_type(&ty), true)]);
        let schema = Schema::from_columns(vec![ColSpec::new("x", ty.clone()).optional()]).unwrap();
        let report = ArrowChecker::for_schema(&schema).check_schema(&arrow);
        assert!(report.is_valid(), "{ty}: {report}");
    }
}

#[test]
fn infer_follows_mlflow() {
    let dict: DictionaryArray<Int8Type> = vec!["a", "b"].into_iter().collect();
    let input = batch(vec![
        ("b", arc(BooleanArray::from(vec![true, false]))),
        ("i8", arc(Int8Array::from(vec![1, 2]))),
        ("u16", arc(UInt16Array::from(vec![1, 2]))),
        ("i64", arc(Int64Array::from(vec![Some(1), None]))),
        ("u32", arc(UInt32Array::from(vec![1, 2]))),
        ("f32", arc(Float32Array::from(vec![1.0, 2.0]))),
        ("f64", arc(Float64Array::from(vec![1.0, f64::NAN]))),
        ("s", arc(LargeStringArray::from(vec!["a", "b"]))),
        ("cat", arc(dict)),
        ("bin", arc(BinaryArray::from(vec![&b"a"[..], b"b"]))),
        (
            "ts",
            arc(TimestampMicrosecondArray::from(vec![1, 2]).with_timezone("UTC")),
        ),
        ("d", arc(Date32Array::from(vec![1, 2]))),
        (
            "l",
            arc(ListArray::from_iter_primitive::<
                arrow_array::types::Int64Type,
                _,
                _,
            >(vec![Some(vec![Some(1)]), Some(vec![])])),
        ),
        (
            "o",
            arc(struct_ab(vec![Some(1), Some(2)], vec![None, Some("x")])),
        ),
        ("m", arc(string_to_long_map(&[&[("a", Some(1))], &[]]))),
        ("n", arc(NullArray::new(2))),
    ]);
    let schema = Schema::infer(&input).unwrap();
    let expected = Schema::from_columns(vec![
        ColSpec::new("b", DataType::Boolean),
        ColSpec::new("i8", DataType::Integer),
        ColSpec::new("u16", DataType::Integer),
        ColSpec::new("i64", DataType::Long).optional(),
        ColSpec::new("u32", DataType::Long),
        ColSpec::new("f32", DataType::Float),
        ColSpec::new("f64", DataType::Double).optional(),
        ColSpec::new("s", DataType::String),
        ColSpec::new("cat", DataType::String),
        ColSpec::new("bin", DataType::Binary),
        ColSpec::new("ts", DataType::Datetime),
        ColSpec::new("d", DataType::Datetime),
        ColSpec::new("l", ArrayType::new(DataType::Long)),
        ColSpec::new("o", object_ab()),
        ColSpec::new("m", Map::new(DataType::Long)),
        ColSpec::new("n", ColumnType::AnyType).optional(),
    ])
    .unwrap();
    assert_eq!(schema, expected);

    let err = batch(vec![("u", arc(UInt64Array::from(vec![1])))])
        .infer_schema()
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "column `u` has type UInt64, which no MLflow type represents"
    );
    let nested = ListArray::new(
        Arc::new(Field::new("item", ArrowType::UInt64, true)),
        OffsetBuffer::from_lengths([1]),
        arc(UInt64Array::from(vec![1])),
        None,
    );
    let err = batch(vec![("l", arc(nested))]).infer_schema().unwrap_err();
    assert!(
        err.to_string().starts_with("column `l[]` has type UInt64"),
        "{err}"
    );
}

#[test]
fn an_inferred_schema_accepts_its_batch() {
    let input = batch(vec![
        ("i64", arc(Int64Array::from(vec![Some(1), None]))),
        ("f64", arc(Float64Array::from(vec![Some(1.0), None]))),
        ("l", arc(long_lists().slice(0, 2))),
        (
            "o",
            arc(struct_ab(vec![Some(1), Some(2)], vec![None, Some("x")])),
        ),
        ("m", arc(string_to_long_map(&[&[("a", Some(1))], &[]]))),
    ]);
    let schema = Schema::infer(&input).unwrap();
    let report = ArrowChecker::for_schema(&schema).check(&input);
    assert!(report.is_valid(), "{report}");
}

/// Null list items infer the items' type, as MLflow's `infer_signature` does (its
/// enforcement then takes them as NaN, or turns them into text). Strict refuses them, which
/// is its documented difference, naming the items: the only errors a file's own inferred
/// schema may give it. Items of a null row, or of a row under a null struct row, are not
/// data and are neither counted nor checked; all-null items infer `array<any>`, which takes
/// them.
#[test]
fn null_items_infer_the_items_type_and_strict_names_them() {
    let tags = |rows: Vec<Option<Vec<Option<&str>>>>| {
        let mut builder = ListBuilder::new(StringBuilder::new());
        for row in rows {
            match row {
                Some(items) => {
                    for item in items {
                        builder.values().append_option(item);
                    }
                    builder.append(true);
                }
                None => builder.append(false),
            }
        }
        arc(builder.finish())
    };
    let input = batch(vec![(
        "tags",
        tags(vec![Some(vec![Some("a"), None]), Some(vec![None]), None]),
    )]);
    let schema = Schema::infer(&input).unwrap();
    assert_eq!(
        schema,
        Schema::from_columns(vec![
            ColSpec::new("tags", ArrayType::new(DataType::String)).optional()
        ])
        .unwrap()
    );
    let report = ArrowChecker::for_schema(&schema).check(&input);
    assert_eq!(
        kinds(&report),
        vec![ProblemKind::NullNotAllowed],
        "{report}"
    );
    assert!(
        report
            .to_string()
            .contains("`tags[]` has 2 nulls (rows 0, 1)"),
        "{report}"
    );
    // Items under a null list row, or under a null struct row, are not data.
    let hidden = ListArray::new(
        Arc::new(Field::new("item", ArrowType::Int64, true)),
        OffsetBuffer::from_lengths([1, 1]),
        arc(Int64Array::from(vec![Some(1), None])),
        Some(vec![true, false].into()),
    );
    let input = batch(vec![("l", arc(hidden.clone()))]);
    let schema = Schema::infer(&input).unwrap();
    assert!(ArrowChecker::for_schema(&schema).check(&input).is_valid());
    let under_null_struct = StructArray::new(
        Fields::from(vec![Field::new("l", hidden.data_type().clone(), true)]),
        vec![arc(ListArray::new(
            Arc::new(Field::new("item", ArrowType::Int64, true)),
            OffsetBuffer::from_lengths([1, 1]),
            arc(Int64Array::from(vec![Some(1), None])),
            None,
        ))],
        Some(vec![true, false].into()),
    );
    let input = batch(vec![("o", arc(under_null_struct))]);
    let schema = Schema::infer(&input).unwrap();
    let report = ArrowChecker::for_schema(&schema).check(&input);
    assert!(report.is_valid(), "{schema:?}\n{report}");
    // All items null: `array<any>`, which takes them.
    let nulls = ListArray::new(
        Arc::new(Field::new("item", ArrowType::Null, true)),
        OffsetBuffer::from_lengths([2]),
        arc(NullArray::new(2)),
        None,
    );
    let input = batch(vec![("n", arc(nulls))]);
    let schema = Schema::infer(&input).unwrap();
    assert_eq!(
        schema,
        Schema::from_columns(vec![ColSpec::new("n", ArrayType::new(ColumnType::AnyType))]).unwrap()
    );
    assert!(ArrowChecker::for_schema(&schema).check(&input).is_valid());
}

/// A timezone-aware column is accepted as `datetime` in Strict, conformed to the same instants
/// in naive UTC nanoseconds with a warning saying the timezone was dropped; the MLflow modes
/// refuse it, as MLflow does.
#[test]
fn timezone_aware_timestamps_keep_their_instants() {
    let schema = Schema::from_columns(vec![ColSpec::new("x", DataType::Datetime)]).unwrap();
    let tz = TimestampMicrosecondArray::from(vec![Some(1_700_000_000_000_001), None])
        .with_timezone("+05:00");
    let batch = RecordBatch::try_from_iter([("x", arc(tz))]).unwrap();
    let checker = ArrowChecker::for_schema(&schema);
    let optional =
        Schema::from_columns(vec![ColSpec::new("x", DataType::Datetime).optional()]).unwrap();
    let conformed = ArrowChecker::for_schema(&optional)
        .conform(&batch)
        .unwrap_or_else(|r| panic!("{r}"));
    assert_eq!(
        conformed.batch.column(0).data_type(),
        &ArrowType::Timestamp(TimeUnit::Nanosecond, None)
    );
    let nanos = conformed
        .batch
        .column(0)
        .as_primitive::<TimestampNanosecondType>();
    assert_eq!(nanos.value(0), 1_700_000_000_000_001_000);
    assert!(nanos.is_null(1));
    let warnings: Vec<_> = conformed.report.warnings().collect();
    assert_eq!(warnings.len(), 1, "{}", conformed.report);
    assert_eq!(warnings[0].kind(), ProblemKind::ValueChanged);
    assert!(warnings[0].message().contains("timezone is dropped"));
    // Required: the null is the only error, the timezone still only a warning.
    assert_eq!(
        kinds(&checker.check(&batch)),
        vec![ProblemKind::NullNotAllowed]
    );

    let nanos = TimestampNanosecondArray::from(vec![5]).with_timezone("UTC");
    let batch = RecordBatch::try_from_iter([("x", arc(nanos))]).unwrap();
    let conformed = checker.conform(&batch).unwrap_or_else(|r| panic!("{r}"));
    let column = conformed.batch.column(0);
    assert_eq!(
        column.data_type(),
        &ArrowType::Timestamp(TimeUnit::Nanosecond, None)
    );
    assert_eq!(column.as_primitive::<TimestampNanosecondType>().value(0), 5);

    for mode in [Mode::MlflowServing, Mode::MlflowPredict] {
        let report = checker
            .clone()
            .with_options(CheckOptions::default().with_mode(mode))
            .check(&batch);
        assert_eq!(
            kinds(&report),
            vec![ProblemKind::WrongType],
            "{mode:?}: {report}"
        );
        let note = report.errors().next().unwrap().note().unwrap();
        assert!(note.contains("timezone"), "{note}");
    }
}

/// A checker of one required column `x` in an MLflow mode.
fn mlflow_checker(ty: DataType, mode: Mode) -> ArrowChecker {
    let schema = Schema::from_columns(vec![ColSpec::new("x", ty)]).unwrap();
    ArrowChecker::for_schema(&schema).with_options(CheckOptions::default().with_mode(mode))
}

#[test]
fn mlflow_modes_decide_as_mlflow_does_for_the_pandas_column() {
    for mode in [Mode::MlflowServing, Mode::MlflowPredict] {
        let batch = |array: ArrayRef| RecordBatch::try_from_iter([("x", array)]).unwrap();
        let ints_with_nulls = batch(arc(Int32Array::from(vec![Some(1), None])));
        // pandas holds them as float64: refused for `long`, with the missing-values hint.
        let report = mlflow_checker(DataType::Long, mode).check(&ints_with_nulls);
        assert_eq!(kinds(&report), vec![ProblemKind::WrongType], "{report}");
        let problem = report.errors().next().unwrap();
        assert_eq!(problem.found(), Some("Int32 with nulls"));
        assert!(
            problem
                .note()
                .unwrap()
                .contains("declare the column `double`")
        );
        // Accepted for `double`, with a warning, and conformed to Float64.
        let out = mlflow_checker(DataType::Double, mode)
            .conform(&ints_with_nulls)
            .unwrap_or_else(|r| panic!("{r}"));
        assert_eq!(out.batch.column(0).data_type(), &ArrowType::Float64);
        assert_eq!(
            out.report.warnings().next().unwrap().kind(),
            ProblemKind::ValueChanged
        );

        // An int64 column of 0 and 1 is cast to float; other values are refused.
        let out = mlflow_checker(DataType::Float, mode)
            .conform(&batch(arc(Int64Array::from(vec![0, 1, 1]))))
            .unwrap_or_else(|r| panic!("{r}"));
        assert_eq!(out.batch.column(0).data_type(), &ArrowType::Float32);
        assert_eq!(out.report.warnings().count(), 1);
        let report = mlflow_checker(DataType::Double, mode)
            .check(&batch(arc(Int64Array::from(vec![0, 2, 1, 5]))));
        let problem = report.errors().next().unwrap();
        assert_eq!(problem.kind(), ProblemKind::WrongType);
        assert_eq!(problem.pointer(), "/x/1");
        assert!(
            problem.message().contains("2 values other than 0 and 1"),
            "{problem}"
        );

        // No null check in scalar columns: nulls pass in a required string or boolean column.
        let strings = batch(arc(StringArray::from(vec![Some("a"), None])));
        assert!(
            mlflow_checker(DataType::String, mode)
                .check(&strings)
                .is_valid()
        );
        let booleans = batch(arc(BooleanArray::from(vec![Some(true), None])));
        assert!(
            mlflow_checker(DataType::Boolean, mode)
                .check(&booleans)
                .is_valid()
        );
        // Objects MLflow passes on unchecked: accepted, with a warning saying so.
        let bytes = batch(arc(BinaryArray::from_vec(vec![b"a"])));
        let report = mlflow_checker(DataType::String, mode).check(&bytes);
        assert!(report.is_valid());
        assert_eq!(
            report.warnings().next().unwrap().kind(),
            ProblemKind::ValueChanged
        );

        // Refused by MLflow though Strict takes them: uint64, dictionaries (pandas category).
        let report =
            mlflow_checker(DataType::Long, mode).check(&batch(arc(UInt64Array::from(vec![1]))));
        assert_eq!(kinds(&report), vec![ProblemKind::WrongType]);
        let dictionary: DictionaryArray<Int8Type> = vec!["a", "b"].into_iter().collect();
        let report = mlflow_checker(DataType::String, mode).check(&batch(arc(dictionary)));
        assert_eq!(kinds(&report), vec![ProblemKind::WrongType]);
    }
}

#[test]
fn mlflow_modes_conform_booleans_with_nulls_to_the_floats_mlflow_makes() {
    for mode in [Mode::MlflowServing, Mode::MlflowPredict] {
        let batch = RecordBatch::try_from_iter([(
            "x",
            arc(BooleanArray::from(vec![Some(true), None, Some(false)])),
        )])
        .unwrap();
        let out = mlflow_checker(DataType::Double, mode)
            .conform(&batch)
            .unwrap_or_else(|r| panic!("{r}"));
        let warning = out.report.warnings().next().unwrap();
        assert_eq!(warning.kind(), ProblemKind::ValueChanged);
        assert!(warning.message().contains("1.0 and 0.0"), "{warning}");
        let floats = out
            .batch
            .column(0)
            .as_primitive::<arrow_array::types::Float64Type>();
        assert_eq!(
            floats.iter().collect::<Vec<_>>(),
            vec![Some(1.0), None, Some(0.0)]
        );
    }
}

fn mlflow_options(mode: Mode) -> CheckOptions {
    CheckOptions::default().with_mode(mode)
}

#[test]
fn mlflow_modes_decide_nested_columns_cell_by_cell_as_mlflow_does() {
    for mode in [Mode::MlflowServing, Mode::MlflowPredict] {
        let checker = |ty: ColumnType, required: bool| {
            let schema =
                Schema::from_columns(vec![ColSpec::new("x", ty).with_required(required)]).unwrap();
            ArrowChecker::for_schema(&schema).with_options(mlflow_options(mode))
        };
        let int32_items = |rows: Vec<Option<Vec<Option<i32>>>>| {
            let list = ListArray::from_iter_primitive::<arrow_array::types::Int32Type, _, _>(rows);
            batch(vec![("x", arc(list))])
        };
        // Int32 items are an int32 numpy array: widened to `long`; a null item makes the row
        // float64, which MLflow refuses for `long`.
        let out = checker(ArrayType::new(DataType::Long).into(), true)
            .conform(&int32_items(vec![
                Some(vec![Some(1), Some(2)]),
                Some(vec![]),
            ]))
            .unwrap_or_else(|r| panic!("{r}"));
        let ArrowType::List(item) = out.batch.column(0).data_type() else {
            panic!("{:?}", out.batch.column(0).data_type());
        };
        assert_eq!(item.data_type(), &ArrowType::Int64);
        let report = checker(ArrayType::new(DataType::Long).into(), true)
            .check(&int32_items(vec![Some(vec![Some(1), None])]));
        assert_eq!(
            kinds(&report),
            vec![ProblemKind::NullNotAllowed],
            "{report}"
        );
        // A null row: refused in a required column, accepted in an optional one.
        let rows = int32_items(vec![Some(vec![Some(1)]), None]);
        let report = checker(ArrayType::new(DataType::Long).into(), true).check(&rows);
        assert_eq!(report.errors().next().unwrap().pointer(), "/x/1");
        assert!(
            checker(ArrayType::new(DataType::Long).into(), false)
                .check(&rows)
                .is_valid()
        );
        // Integer items for `double`: MLflow's 0/1 rule is for top-level columns here.
        let report = checker(ArrayType::new(DataType::Double).into(), true)
            .check(&int32_items(vec![Some(vec![Some(1)])]));
        assert!(report.is_valid(), "int32 widens to double: {report}");

        // Struct rows are dicts of Python scalars: any integer is an int64, so `integer`
        // properties refuse them and `long` ones take them (conformed to Int64).
        let structs = |a: ArrayRef| {
            let fields = Fields::from(vec![Field::new("a", a.data_type().clone(), true)]);
            batch(vec![(
                "x",
                arc(StructArray::try_new(fields, vec![a], None).unwrap()),
            )])
        };
        let object = |ty: DataType| -> ColumnType {
            Object::new(vec![Property::new("a", ty)]).unwrap().into()
        };
        let int16 = structs(arc(Int16Array::from(vec![1, 2])));
        let report = checker(object(DataType::Integer), true).check(&int16);
        assert_eq!(kinds(&report), vec![ProblemKind::WrongType], "{report}");
        let out = checker(object(DataType::Long), true)
            .conform(&int16)
            .unwrap_or_else(|r| panic!("{r}"));
        let conformed = out.batch.column(0).as_struct();
        assert_eq!(conformed.column(0).data_type(), &ArrowType::Int64);
        // A float field is a Python float: refused for `float`, taken for `double`.
        let floats = structs(arc(Float32Array::from(vec![1.5])));
        assert!(
            !checker(object(DataType::Float), true)
                .check(&floats)
                .is_valid()
        );
        assert!(
            checker(object(DataType::Double), true)
                .check(&floats)
                .is_valid()
        );

        // Maps reach MLflow as lists of pairs, which its map check refuses.
        let map = string_to_long_map(&[&[("k", Some(1))]]);
        let report =
            checker(Map::new(DataType::Long).into(), true).check(&batch(vec![("x", arc(map))]));
        let problem = report.errors().next().unwrap();
        assert_eq!(problem.kind(), ProblemKind::WrongType);
        assert!(problem.note().unwrap().contains("pairs"), "{problem}");
    }
}

#[test]
fn mlflow_modes_reshape_tensor_columns_as_mlflow_does() {
    for mode in [Mode::MlflowServing, Mode::MlflowPredict] {
        let checker = |dtype: NumpyDtype, shape: Vec<i64>| {
            let schema = Schema::from_tensors(vec![TensorSpec::new("x", dtype, shape)]).unwrap();
            ArrowChecker::for_schema(&schema).with_options(mlflow_options(mode))
        };
        // Scalar columns are cast with numpy: a lossy cast is a warning, and conformed.
        let ints = batch(vec![("x", arc(Int64Array::from(vec![1, 2])))]);
        let out = checker(NumpyDtype::Float32, vec![-1])
            .conform(&ints)
            .unwrap_or_else(|r| panic!("{r}"));
        assert_eq!(out.batch.column(0).data_type(), &ArrowType::Float32);
        assert_eq!(
            out.report.warnings().next().unwrap().kind(),
            ProblemKind::ValueChanged
        );
        // Only (-1,) and (-1, 1) hold scalar columns; no -1 after the first dimension.
        let report = checker(NumpyDtype::Int64, vec![-1, 2]).check(&ints);
        assert_eq!(kinds(&report), vec![ProblemKind::TensorShape]);
        // List rows are stacked flat and reshaped: two values per row for (-1, 1, 2), and the
        // items pass uncast (with a warning when they are not of the dtype).
        let lists = batch(vec![(
            "x",
            arc(ListArray::from_iter_primitive::<
                arrow_array::types::Int64Type,
                _,
                _,
            >(vec![
                Some(vec![Some(1), Some(2)]),
                Some(vec![Some(3), Some(4)]),
            ])),
        )]);
        assert!(
            checker(NumpyDtype::Int64, vec![-1, 1, 2])
                .check(&lists)
                .is_valid()
        );
        let report = checker(NumpyDtype::Int32, vec![-1, 2]).check(&lists);
        assert!(report.is_valid(), "{report}");
        assert_eq!(
            report.warnings().next().unwrap().kind(),
            ProblemKind::ValueChanged
        );
        let report = checker(NumpyDtype::Int64, vec![-1, 3]).check(&lists);
        assert_eq!(kinds(&report), vec![ProblemKind::TensorShape], "{report}");
        let report = checker(NumpyDtype::Int64, vec![-1, -1]).check(&lists);
        assert_eq!(kinds(&report), vec![ProblemKind::TensorShape], "{report}");
    }
}

/// The shared scenario table ([`crate::frame::scenarios`]) against Arrow.
struct Arrow;

impl Arrow {
    fn array(data: &Data) -> Option<ArrayRef> {
        fn ints<T, N: TryFrom<i128>>(values: &[Option<i128>]) -> Vec<Option<N>> {
            let _ = std::marker::PhantomData::<T>;
            values
                .iter()
                .map(|v| v.map(|v| N::try_from(v).ok().expect("a value of the dtype")))
                .collect()
        }
        Some(match *data {
            Data::Int {
                signed,
                bits,
                values,
            } => match (signed, bits) {
                (true, 8) => arc(Int8Array::from(ints::<(), i8>(values))),
                (true, 16) => arc(Int16Array::from(ints::<(), i16>(values))),
                (true, 32) => arc(Int32Array::from(ints::<(), i32>(values))),
                (true, 64) => arc(Int64Array::from(ints::<(), i64>(values))),
                (false, 8) => arc(UInt8Array::from(ints::<(), u8>(values))),
                (false, 16) => arc(UInt16Array::from(ints::<(), u16>(values))),
                (false, 32) => arc(UInt32Array::from(ints::<(), u32>(values))),
                (false, 64) => arc(UInt64Array::from(ints::<(), u64>(values))),
                _ => return None,
            },
            Data::Float { bits, values } => match bits {
                16 => arc(Float16Array::from(
                    values
                        .iter()
                        .map(|v| v.map(|v| num_traits::FromPrimitive::from_f64(v).unwrap()))
                        .collect::<Vec<_>>(),
                )),
                32 => arc(Float32Array::from(
                    values
                        .iter()
                        .map(|v| v.map(|v| v as f32))
                        .collect::<Vec<_>>(),
                )),
                64 => arc(Float64Array::from(values.to_vec())),
                _ => return None,
            },
            Data::Bool(values) => arc(BooleanArray::from(values.to_vec())),
            Data::Utf8(values) => arc(StringArray::from(values.to_vec())),
            Data::Binary(values) => arc(BinaryArray::from(values.to_vec())),
        })
    }
}

impl Engine for Arrow {
    const NAME: &'static str = "Arrow";

    fn check(schema: &Schema, options: &CheckOptions, data: &Data) -> Option<Report> {
        let input = batch(vec![("x", Arrow::array(data)?)]);
        Some(
            ArrowChecker::for_schema(schema)
                .with_options(options.clone())
                .check(&input),
        )
    }

    fn conform(
        schema: &Schema,
        options: &CheckOptions,
        data: &Data,
        ty: Option<&ColumnType>,
    ) -> Result<Conformed, String> {
        let input = batch(vec![("x", Arrow::array(data).ok_or("no array")?)]);
        let out = ArrowChecker::for_schema(schema)
            .with_options(options.clone())
            .conform(&input)
            .map_err(|report| report.to_string())?;
        let expected = ty.map_or_else(|| input.column(0).data_type().clone(), arrow_type);
        Ok(Conformed {
            found: out.batch.column(0).data_type().to_string(),
            expected: expected.to_string(),
            rows: (input.num_rows(), out.batch.num_rows()),
        })
    }

    fn has(data: &Data) -> bool {
        Arrow::array(data).is_some()
    }
}

#[test]
fn the_shared_scenarios() {
    scenarios::run::<Arrow>();
}
