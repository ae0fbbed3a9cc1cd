//! Every row of the mapping, accepted and refused; nulls; nested lists of structs; tensors;
//! conform (zero copy and widening); infer.

use polars_core::prelude::{
    Column, DataFrame, DataType as PlType, Int32Chunked, Int64Chunked, IntoColumn, IntoSeries,
    NamedFrom, Series, StructChunked, TimeUnit, TimeZone,
};
use polars_core::utils::arrow::bitmap::Bitmap;

use polars_core::datatypes::{Categories, FrozenCategories};

use crate::Mode;
use crate::frame::InferSchema;
use crate::report::{ProblemKind, Report};
use crate::types::{
    Array as ArrayType, ColSpec, ColumnType, DataType, Map, NumpyDtype, Object, Property, Schema,
    TensorSpec,
};
use crate::{CheckOptions, ExtraColumns};

use super::{PolarsChecker, polars_type};
use crate::frame::scenarios::{self, Conformed, Data, Engine};

fn frame(columns: Vec<Series>) -> DataFrame {
    let height = columns.first().map_or(0, |s| s.len());
    DataFrame::new(
        height,
        columns.into_iter().map(Series::into_column).collect(),
    )
    .expect("a valid test frame")
}

fn one(name: &str, ty: impl Into<ColumnType>) -> Schema {
    Schema::from_columns(vec![ColSpec::new(name, ty)]).unwrap()
}

fn named(series: Series) -> Series {
    series.with_name("x".into())
}

fn check(ty: impl Into<ColumnType>, series: Series) -> Report {
    let schema = one("x", ty);
    PolarsChecker::for_schema(&schema).check(&frame(vec![named(series)]))
}

fn kinds(report: &Report) -> Vec<ProblemKind> {
    report.errors().map(|p| p.kind()).collect()
}

/// Checks `series` as `ty`: accepted, and conformed to `conformed`.
#[track_caller]
fn accepts(ty: impl Into<ColumnType>, series: Series, conformed: &PlType) -> DataFrame {
    accepts_spec(ColSpec::new("x", ty), series, conformed)
}

/// An optional column `x`.
fn optional(ty: impl Into<ColumnType>) -> ColSpec {
    ColSpec::new("x", ty).optional()
}

#[track_caller]
fn accepts_spec(spec: ColSpec, series: Series, conformed: &PlType) -> DataFrame {
    let ty = spec.ty().clone();
    let schema = Schema::from_columns(vec![spec]).unwrap();
    let found = series.dtype().clone();
    let input = frame(vec![named(series)]);
    let checker = PolarsChecker::for_schema(&schema);
    let report = checker.check(&input);
    assert!(report.is_valid(), "{found} as {ty}: {report}");
    let out = checker.conform(&input).unwrap_or_else(|r| panic!("{r}"));
    assert_eq!(out.frame.columns()[0].dtype(), conformed, "{found} as {ty}");
    assert_eq!(out.frame.height(), input.height());
    out.frame
}

#[track_caller]
fn refuses(ty: impl Into<ColumnType>, series: Series, kind: ProblemKind) -> Report {
    let ty = ty.into();
    let found = series.dtype().clone();
    let report = check(ty.clone(), series);
    assert_eq!(kinds(&report), vec![kind], "{found} as {ty}: {report}");
    report
}

fn s<T: AsRef<[U]>, U>(values: T) -> Series
where
    Series: NamedFrom<T, [U]>,
{
    Series::new("x".into(), values)
}

/// A List series, one row per series.
fn l<T: AsRef<[Series]>>(rows: T) -> Series {
    Series::new("x".into(), rows)
}

fn i64s(column: &Column) -> Vec<Option<i64>> {
    let values = column.as_materialized_series().to_physical_repr();
    let values = values.i64().unwrap();
    (0..values.len()).map(|i| values.get(i)).collect()
}

fn datetimes(unit: TimeUnit, values: &[i64], tz: Option<TimeZone>) -> Series {
    Int64Chunked::new("x".into(), values)
        .into_datetime(unit, tz)
        .into_series()
}

#[test]
fn uint64_values_that_fit_are_kept_and_the_others_listed() {
    // Which dtypes `long` takes: the shared scenarios.
    let out = accepts(DataType::Long, s([1u64, i64::MAX as u64]), &PlType::Int64);
    assert_eq!(i64s(&out.columns()[0]), vec![Some(1), Some(i64::MAX)]);

    let big = s([1u64, u64::MAX, 2, 1 << 63]);
    let report = refuses(DataType::Long, big, ProblemKind::OutOfRange);
    let problem = report.errors().next().unwrap();
    assert_eq!(problem.pointer(), "/x/1");
    assert_eq!(problem.row(), Some(1));
    assert!(
        problem.message().contains("2 values above 2^63 − 1"),
        "{report}"
    );
    assert!(problem.message().contains("rows 1, 3"), "{report}");
    // A null (whatever its slot holds) is not a value.
    accepts_spec(
        optional(DataType::Long),
        s([Some(1u64), None]),
        &PlType::Int64,
    );
}

#[test]
fn float_refusals_say_why_and_widened_values_are_exact() {
    // Which dtypes `float` and `double` take: the shared scenarios.
    let report = refuses(DataType::Float, s([1.5f64]), ProblemKind::WrongType);
    assert!(report.errors().next().unwrap().note().is_some());
    let out = accepts(DataType::Double, s([1.5f32]), &PlType::Float64);
    assert_eq!(out.columns()[0].f64().unwrap().get(0), Some(1.5));
}

#[test]
fn datetime_columns() {
    let ns = PlType::Datetime(TimeUnit::Nanoseconds, None);
    accepts(
        DataType::Datetime,
        datetimes(TimeUnit::Nanoseconds, &[1, 2], None),
        &ns,
    );
    let out = accepts(
        DataType::Datetime,
        datetimes(TimeUnit::Milliseconds, &[1, -2], None),
        &ns,
    );
    assert_eq!(
        i64s(&out.columns()[0]),
        vec![Some(1_000_000), Some(-2_000_000)]
    );
    accepts(
        DataType::Datetime,
        datetimes(TimeUnit::Microseconds, &[1], None),
        &ns,
    );
    let days = Int32Chunked::new("x".into(), &[0, 1])
        .into_date()
        .into_series();
    let out = accepts(DataType::Datetime, days, &ns);
    assert_eq!(
        i64s(&out.columns()[0]),
        vec![Some(0), Some(86_400_000_000_000)]
    );

    timezone_aware_datetimes_keep_their_instants(&ns);
    refuses(DataType::Datetime, s([1i64]), ProblemKind::WrongType);
    refuses(
        DataType::Datetime,
        s(["2024-01-01"]),
        ProblemKind::WrongType,
    );

    // Year 3000 in milliseconds does not fit in nanoseconds.
    let far = datetimes(TimeUnit::Milliseconds, &[0, 32_503_680_000_000], None);
    let report = refuses(DataType::Datetime, far, ProblemKind::OutOfRange);
    assert_eq!(report.errors().next().unwrap().pointer(), "/x/1");
    let far_days = Int32Chunked::new("x".into(), &[i32::MAX])
        .into_date()
        .into_series();
    refuses(DataType::Datetime, far_days, ProblemKind::OutOfRange);
}

fn long_lists() -> Series {
    s([
        Some(s([1i64, 2])),
        Some(s([3i64])),
        None,
        Some(s::<[i64; 0], i64>([])),
    ])
}

fn fixed(values: &[f32], width: usize) -> Series {
    let rows: Vec<Series> = values.chunks(width).map(s).collect();
    l(rows)
        .cast(&PlType::Array(Box::new(PlType::Float32), width))
        .unwrap()
}

#[test]
fn list_and_array_columns() {
    let long_array: ColumnType = ArrayType::new(DataType::Long).into();
    accepts(
        long_array.clone(),
        l([s([1i64, 2]), s([3i64])]),
        &PlType::List(Box::new(PlType::Int64)),
    );
    // Items are conformed: i32 items become i64, in the same list layout.
    accepts(
        long_array.clone(),
        l([s([1i32, 2]), s([3i32])]),
        &PlType::List(Box::new(PlType::Int64)),
    );
    let double_array: ColumnType = ArrayType::new(DataType::Double).into();
    accepts(
        double_array.clone(),
        fixed(&[1.0, 2.0, 3.0, 4.0], 2),
        &PlType::Array(Box::new(PlType::Float64), 2),
    );
    accepts(
        ColumnType::SparkMLVector,
        l([s([1.0f64])]),
        &PlType::List(Box::new(PlType::Float64)),
    );
    // A null list needs an optional column; a null item is never allowed.
    let report = refuses(
        long_array.clone(),
        long_lists(),
        ProblemKind::NullNotAllowed,
    );
    assert_eq!(report.errors().next().unwrap().pointer(), "/x/2");
    accepts_spec(
        optional(long_array.clone()),
        long_lists(),
        &PlType::List(Box::new(PlType::Int64)),
    );
    let null_item = l([s([Some(1i64)]), s([Some(2i64), None])]);
    let report = refuses(long_array.clone(), null_item, ProblemKind::NullNotAllowed);
    let problem = report.errors().next().unwrap();
    assert_eq!(problem.pointer(), "/x/1");
    assert!(problem.message().contains("`x[]`"), "{report}");

    refuses(
        ArrayType::new(DataType::String),
        l([s([1i64])]),
        ProblemKind::WrongType,
    );
    refuses(DataType::Long, l([s([1i64])]), ProblemKind::WrongType);
    refuses(long_array, s([1i64]), ProblemKind::WrongType);
    refuses(
        ArrayType::new(DataType::Integer),
        l([s([1i64])]),
        ProblemKind::WrongType,
    );
}

fn object_ab() -> Object {
    Object::new(vec![
        Property::new("a", DataType::Long),
        Property::new("b", DataType::String).with_required(false),
    ])
    .unwrap()
}

fn struct_of(name: &str, fields: &[Series]) -> Series {
    let len = fields.first().map_or(0, |s| s.len());
    StructChunked::from_series(name.into(), len, fields.iter())
        .unwrap()
        .into_series()
}

fn struct_ab(a: &[Option<i64>], b: &[Option<&str>]) -> Series {
    struct_of(
        "x",
        &[Series::new("a".into(), a), Series::new("b".into(), b)],
    )
}

#[test]
fn struct_columns() {
    let out = accepts(
        object_ab(),
        struct_ab(&[Some(1), Some(2)], &[None, Some("s")]),
        &polars_type(&object_ab().into()),
    );
    assert_eq!(out.height(), 2);
    // Fields are conformed: an i32 field becomes i64, and the order of the input is kept.
    let widened = struct_of(
        "x",
        &[
            Series::new("b".into(), ["s"]),
            Series::new("a".into(), [1i32]),
        ],
    );
    let out = accepts(
        object_ab(),
        widened,
        &PlType::Struct(vec![
            polars_core::prelude::Field::new("b".into(), PlType::String),
            polars_core::prelude::Field::new("a".into(), PlType::Int64),
        ]),
    );
    assert_eq!(out.height(), 1);

    let only_b = struct_of("x", &[Series::new("b".into(), ["s"])]);
    let report = refuses(object_ab(), only_b, ProblemKind::MissingProperty);
    assert!(report.errors().next().unwrap().message().contains("`a`"));
    // The optional property may be absent.
    accepts(
        object_ab(),
        struct_of("x", &[Series::new("a".into(), [1i64])]),
        &PlType::Struct(vec![polars_core::prelude::Field::new(
            "a".into(),
            PlType::Int64,
        )]),
    );
    let extra = struct_of(
        "x",
        &[
            Series::new("a".into(), [1i64]),
            Series::new("c".into(), [1i64]),
        ],
    );
    refuses(object_ab(), extra, ProblemKind::UnknownProperty);
    let wrong = struct_of("x", &[Series::new("a".into(), ["1"])]);
    let report = refuses(object_ab(), wrong, ProblemKind::WrongType);
    assert!(report.errors().next().unwrap().message().contains("`x.a`"));
    let nulls = struct_ab(&[Some(1), None], &[None, None]);
    let report = refuses(object_ab(), nulls, ProblemKind::NullNotAllowed);
    assert_eq!(report.errors().next().unwrap().pointer(), "/x/1");
    refuses(object_ab(), s([1i64]), ProblemKind::WrongType);

    // A null field in a null struct row is not a null property.
    let outer = StructChunked::from_series(
        "x".into(),
        2,
        [
            Series::new("a".into(), [Some(1i64), None]),
            Series::new("b".into(), [Some("s"), None]),
        ]
        .iter(),
    )
    .unwrap()
    .with_outer_validity(Some(Bitmap::from_iter([true, false])))
    .into_series();
    accepts_spec(
        optional(object_ab()),
        outer.clone(),
        &polars_type(&object_ab().into()),
    );
    refuses(object_ab(), outer, ProblemKind::NullNotAllowed);
}

#[test]
fn lists_of_structs() {
    let ty: ColumnType = ArrayType::new(object_ab()).into();
    let row0 = struct_ab(&[Some(1), Some(2)], &[Some("s"), None]);
    let row1 = struct_ab(&[Some(3)], &[Some("t")]);
    let list = l([row0, row1]);
    assert!(matches!(list.dtype(), PlType::List(_)));
    accepts(ty.clone(), list, &polars_type(&ty));

    // A null `a` in row 1's second item.
    let row0 = struct_ab(&[Some(1)], &[Some("s")]);
    let row1 = struct_ab(&[Some(3), None], &[Some("t"), None]);
    let report = refuses(ty.clone(), l([row0, row1]), ProblemKind::NullNotAllowed);
    let problem = report.errors().next().unwrap();
    assert_eq!(problem.pointer(), "/x/1");
    assert!(problem.message().contains("`x[].a`"), "{report}");

    // Widening inside the items.
    let row = struct_of("x", &[Series::new("a".into(), [1i32, 2])]);
    let out = accepts(
        ty.clone(),
        l([row]),
        &PlType::List(Box::new(PlType::Struct(vec![
            polars_core::prelude::Field::new("a".into(), PlType::Int64),
        ]))),
    );
    let inner = out.columns()[0].list().unwrap().get_as_series(0).unwrap();
    let a = inner.struct_().unwrap().field_by_name("a").unwrap();
    assert_eq!(i64s(&a.into_column()), vec![Some(1), Some(2)]);

    // Several problems inside the items at once.
    let bad = struct_of(
        "x",
        &[
            Series::new("a".into(), ["1"]),
            Series::new("z".into(), [1i64]),
        ],
    );
    let report = check(ty, l([bad]));
    assert!(kinds(&report).contains(&ProblemKind::WrongType), "{report}");
    assert!(
        kinds(&report).contains(&ProblemKind::UnknownProperty),
        "{report}"
    );
}

#[test]
fn any_accepts_everything_and_null_columns_need_optional() {
    for series in [
        s([1u64]),
        s(["a"]),
        l([s([1i8])]),
        Series::new_null("x".into(), 2),
    ] {
        let found = series.dtype().clone();
        accepts(ColumnType::AnyType, series, &found);
    }
    let out = accepts_spec(
        optional(DataType::Long),
        Series::new_null("x".into(), 3),
        &PlType::Int64,
    );
    assert_eq!(out.columns()[0].null_count(), 3);
    accepts_spec(
        optional(object_ab()),
        Series::new_null("x".into(), 1),
        &polars_type(&object_ab().into()),
    );
    let report = refuses(
        DataType::Long,
        Series::new_null("x".into(), 2),
        ProblemKind::NullNotAllowed,
    );
    assert_eq!(report.errors().next().unwrap().pointer(), "/x/0");
    // Polars has no map type.
    let report = refuses(Map::new(DataType::Long), s([1i64]), ProblemKind::WrongType);
    assert!(report.errors().next().unwrap().note().is_some());
}

#[test]
fn nulls_name_the_column_and_first_rows_across_chunks() {
    let values: Vec<Option<i64>> = (0..20).map(|i| (i % 3 != 1).then_some(i)).collect();
    let report = refuses(DataType::Long, s(&values), ProblemKind::NullNotAllowed);
    let problem = report.errors().next().unwrap();
    assert_eq!(problem.column(), Some("x"));
    assert_eq!(problem.pointer(), "/x/1");
    assert_eq!(problem.row(), Some(1));
    assert!(
        problem
            .message()
            .contains("7 nulls (rows 1, 4, 7, 10, 13, …)"),
        "{report}"
    );
    let schema = Schema::from_columns(vec![ColSpec::new("x", DataType::Long).optional()]).unwrap();
    let report = PolarsChecker::for_schema(&schema).check(&frame(vec![s(&values)]));
    assert!(report.is_valid(), "{report}");

    // A column of several chunks: one problem, rows counted from the first chunk.
    let mut chunked = s(vec![Some(0i64); 130]);
    let mut second = vec![Some(0i64); 130];
    second[129] = None;
    second[3] = None;
    chunked.append(&s(second)).unwrap();
    assert_eq!(chunked.chunks().len(), 2);
    let report = check(DataType::Long, chunked);
    assert_eq!(kinds(&report), vec![ProblemKind::NullNotAllowed]);
    assert_eq!(report.rows(), Some(260));
    let problem = report.errors().next().unwrap();
    assert_eq!(problem.pointer(), "/x/133");
    assert!(
        problem.message().contains("2 nulls (rows 133, 259)"),
        "{report}"
    );
    // Out-of-range values too.
    let mut big = s([1u64]);
    big.append(&s([u64::MAX])).unwrap();
    let report = refuses(DataType::Long, big, ProblemKind::OutOfRange);
    assert_eq!(report.errors().next().unwrap().pointer(), "/x/1");
}

#[test]
fn columns_missing_extra_and_positional() {
    let schema = Schema::from_columns(vec![
        ColSpec::new("a", DataType::Long),
        ColSpec::new("b", DataType::Long).optional(),
        ColSpec::new("c", DataType::Long),
    ])
    .unwrap();
    let input = frame(vec![
        Series::new("z".into(), [1i64]),
        Series::new("a".into(), [1i64]),
    ]);
    let report = PolarsChecker::for_schema(&schema).check(&input);
    assert_eq!(kinds(&report), vec![ProblemKind::MissingColumn]);
    assert_eq!(report.errors().next().unwrap().pointer(), "/c");
    let warning = report.warnings().next().unwrap();
    assert_eq!(
        (warning.kind(), warning.column()),
        (ProblemKind::ExtraColumn, Some("z"))
    );
    let strict = CheckOptions::new().with_extra_columns(ExtraColumns::Reject);
    let report = PolarsChecker::for_schema(&schema)
        .with_options(strict)
        .check(&input);
    assert_eq!(
        kinds(&report),
        vec![ProblemKind::MissingColumn, ProblemKind::ExtraColumn]
    );
    assert!(PolarsChecker::for_schema(&schema).conform(&input).is_err());

    let positional = Schema::from_columns(vec![
        ColSpec::unnamed(DataType::Long),
        ColSpec::unnamed(DataType::String),
    ])
    .unwrap();
    let report =
        PolarsChecker::for_schema(&positional).check(&frame(vec![Series::new("p".into(), [1i32])]));
    assert_eq!(kinds(&report), vec![ProblemKind::MissingColumn]);
    let input = frame(vec![
        Series::new("p".into(), [1i32]),
        Series::new("q".into(), ["s"]),
    ]);
    let out = PolarsChecker::for_schema(&positional)
        .conform(&input)
        .unwrap()
        .frame;
    assert_eq!(out.columns()[0].name().as_str(), "p");
    assert_eq!(out.columns()[0].dtype(), &PlType::Int64);

    // An integer column name matches its spelling.
    let int_named = Schema::from_columns(vec![ColSpec::new(0i64, DataType::Long)]).unwrap();
    let report =
        PolarsChecker::for_schema(&int_named).check(&frame(vec![Series::new("0".into(), [1i64])]));
    assert!(report.is_valid(), "{report}");

    // No input schema: nothing is checked, and conforming keeps the frame.
    let signature = crate::ModelSignature::new(None, Some(one("y", DataType::Long)), None).unwrap();
    let out = PolarsChecker::for_signature(&signature)
        .conform(&input)
        .unwrap();
    assert_eq!(out.frame, input);
}

fn data_ptr(column: &Column) -> *const i64 {
    column
        .i64()
        .unwrap()
        .downcast_iter()
        .next()
        .unwrap()
        .values()
        .as_ptr()
}

#[test]
fn conform_reorders_drops_and_shares_matching_columns() {
    let schema = Schema::from_columns(vec![
        ColSpec::new("a", DataType::Long),
        ColSpec::new("b", DataType::Long),
        ColSpec::new("c", DataType::Long).optional(),
    ])
    .unwrap();
    let input = DataFrame::new(
        2,
        vec![
            Column::new("extra".into(), ["x", "y"]),
            Column::new("b".into(), [1i64, 2]),
            Column::new("a".into(), [3i32, 4]),
        ],
    )
    .unwrap();
    let out = PolarsChecker::for_schema(&schema).conform(&input).unwrap();
    let names: Vec<&str> = out
        .frame
        .columns()
        .iter()
        .map(|c| c.name().as_str())
        .collect();
    assert_eq!(names, vec!["a", "b"]);
    assert_eq!(out.frame.columns()[0].dtype(), &PlType::Int64);
    // `b` already matched: the same buffer, not a copy.
    assert_eq!(
        data_ptr(&out.frame.columns()[1]),
        data_ptr(&input.columns()[1])
    );
    let warnings: Vec<_> = out.report.warnings().map(|p| p.kind()).collect();
    assert_eq!(warnings, vec![ProblemKind::ExtraColumn]);
    assert!(out.report.is_valid());

    let bad = frame(vec![
        Series::new("a".into(), ["x"]),
        Series::new("b".into(), [1i64]),
    ]);
    let report = PolarsChecker::for_schema(&schema)
        .conform(&bad)
        .unwrap_err();
    assert_eq!(kinds(&report), vec![ProblemKind::WrongType]);
}

#[test]
fn schema_check_ignores_rows() {
    let schema = one("x", DataType::Long);
    let input = frame(vec![named(s([Some(1u64), None, Some(u64::MAX)]))]);
    let checker = PolarsChecker::for_schema(&schema);
    let report = checker.check_schema(input.schema());
    assert!(report.is_valid(), "{report}");
    assert_eq!(report.rows(), None);
    assert!(!checker.check(&input).is_valid());
    let wrong = frame(vec![named(s(["a"]))]);
    let report = checker.check_schema(wrong.schema());
    assert_eq!(kinds(&report), vec![ProblemKind::WrongType]);
}

fn tensor(dtype: NumpyDtype, shape: &[i64]) -> Schema {
    Schema::from_tensors(vec![TensorSpec::new("x", dtype, shape.to_vec())]).unwrap()
}

#[test]
fn arrays_are_tensor_dimensions() {
    let schema = tensor(NumpyDtype::Float32, &[-1, 2]);
    let checker = PolarsChecker::for_schema(&schema);
    assert!(
        checker
            .check(&frame(vec![named(fixed(&[1.0, 2.0, 3.0, 4.0], 2))]))
            .is_valid()
    );
    let report = checker.check(&frame(vec![named(fixed(&[1.0, 2.0, 3.0], 3))]));
    assert_eq!(kinds(&report), vec![ProblemKind::TensorShape]);
    // Float32 widens to float64; an Array of any width is a `-1` dimension.
    let wide = tensor(NumpyDtype::Float64, &[-1, -1]);
    let out = PolarsChecker::for_schema(&wide)
        .conform(&frame(vec![named(fixed(&[1.0, 2.0, 3.0], 3))]))
        .unwrap();
    assert_eq!(
        out.frame.columns()[0].dtype(),
        &PlType::Array(Box::new(PlType::Float64), 3)
    );
    // Variable lists: every row of the dimension's length, or of one length for `-1`.
    let lists = l([s([1.0f32, 2.0]), s([3.0f32]), s([4.0f32, 5.0])]);
    let report = checker.check(&frame(vec![named(lists.clone())]));
    assert_eq!(kinds(&report), vec![ProblemKind::TensorShape]);
    let problem = report.errors().next().unwrap();
    assert_eq!(problem.pointer(), "/x/1");
    assert!(problem.message().contains("length is not 2"), "{report}");
    let any_len = tensor(NumpyDtype::Float32, &[-1, -1]);
    let report = PolarsChecker::for_schema(&any_len).check(&frame(vec![named(lists)]));
    assert_eq!(kinds(&report), vec![ProblemKind::TensorShape]);
    // Scalars for `(-1,)`; wrong dtype; a first dimension other than -1.
    let scalar = tensor(NumpyDtype::Int64, &[-1]);
    assert!(
        PolarsChecker::for_schema(&scalar)
            .check(&frame(vec![named(s([1i32]))]))
            .is_valid()
    );
    let report = PolarsChecker::for_schema(&scalar).check(&frame(vec![named(s([1.0f64]))]));
    assert_eq!(kinds(&report), vec![ProblemKind::WrongType]);
    let report = PolarsChecker::for_schema(&tensor(NumpyDtype::Int64, &[2]))
        .check(&frame(vec![named(s([1i64]))]));
    assert_eq!(kinds(&report), vec![ProblemKind::TensorShape]);
    let report =
        PolarsChecker::for_schema(&scalar).check(&frame(vec![named(s([Some(1i64), None]))]));
    assert_eq!(kinds(&report), vec![ProblemKind::NullNotAllowed]);
    // An unnamed `(-1, n)` tensor takes the n columns.
    let unnamed =
        Schema::from_tensors(vec![TensorSpec::unnamed(NumpyDtype::Float64, vec![-1, 2])]).unwrap();
    let input = frame(vec![
        Series::new("p".into(), [1.0f64]),
        Series::new("q".into(), [2.0f32]),
    ]);
    let out = PolarsChecker::for_schema(&unnamed).conform(&input).unwrap();
    assert_eq!(out.frame.columns()[1].dtype(), &PlType::Float64);
    let three = frame(vec![
        Series::new("p".into(), [1.0f64]),
        Series::new("q".into(), [2.0f64]),
        Series::new("r".into(), [2.0f64]),
    ]);
    let report = PolarsChecker::for_schema(&unnamed).check(&three);
    assert_eq!(kinds(&report), vec![ProblemKind::TensorShape]);
}

/// The expectations are the rule table's (`frame/mod.rs`), written by hand: the real MLflow's
/// inference is asked for the same rules on Arrow data in `tests/interop_frames.rs`.
/// Null list items infer the items' type, as MLflow does, and Strict names them (see the
/// Arrow twin, `null_items_infer_the_items_type_and_strict_names_them`); a null list row holds
/// no items.
#[test]
fn null_items_infer_the_items_type_and_strict_names_them() {
    let tags = || {
        l([
            Series::new("".into(), [Some("a"), None]),
            Series::new("".into(), [None::<&str>]),
        ])
    };
    let input = frame(vec![struct_of("o", &[tags().with_name("t".into())])]);
    let schema = Schema::infer(&input).unwrap();
    let expected = Object::new(vec![Property::new("t", ArrayType::new(DataType::String))]).unwrap();
    assert_eq!(
        schema,
        Schema::from_columns(vec![ColSpec::new("o", expected)]).unwrap()
    );
    let report = PolarsChecker::for_schema(&schema).check(&input);
    assert_eq!(
        kinds(&report),
        vec![ProblemKind::NullNotAllowed],
        "{report}"
    );
    assert!(
        report.to_string().contains("`o.t[]` has 2 nulls"),
        "{report}"
    );
    let mut rows = l([Series::new("".into(), [1i64])]).with_name("l".into());
    let null_row = Series::full_null("l".into(), 1, rows.dtype());
    rows.extend(&null_row).unwrap();
    let schema = Schema::infer(&frame(vec![rows])).unwrap();
    assert_eq!(
        schema,
        Schema::from_columns(vec![
            ColSpec::new("l", ArrayType::new(DataType::Long)).optional()
        ])
        .unwrap()
    );
}

#[test]
fn infer_gives_the_rule_tables_type_for_each_polars_dtype() {
    let input = frame(vec![
        Series::new("b".into(), [true, false]),
        Series::new("i8".into(), [1i8, 2]),
        Series::new("u16".into(), [1u16, 2]),
        Series::new("i32".into(), [1i32, 2]),
        Series::new("i64".into(), [Some(1i64), None]),
        Series::new("u32".into(), [1u32, 2]),
        Series::new("f32".into(), [1.0f32, 2.0]),
        Series::new("f64".into(), [1.0f64, f64::NAN]),
        Series::new("s".into(), ["a", "b"]),
        Series::new("bin".into(), [b"a".as_slice(), b"b".as_slice()]),
        datetimes(TimeUnit::Microseconds, &[1, 2], Some(TimeZone::UTC)).with_name("ts".into()),
        Int32Chunked::new("d".into(), &[1, 2])
            .into_date()
            .into_series(),
        l([s([1i64]), s::<[i64; 0], i64>([])]).with_name("l".into()),
        fixed(&[1.0, 2.0, 3.0, 4.0], 2).with_name("a".into()),
        struct_ab(&[Some(1), Some(2)], &[None, Some("x")]).with_name("o".into()),
        Series::new_null("n".into(), 2),
    ]);
    let schema = Schema::infer(&input).unwrap();
    let expected = Schema::from_columns(vec![
        ColSpec::new("b", DataType::Boolean),
        ColSpec::new("i8", DataType::Integer),
        ColSpec::new("u16", DataType::Integer),
        ColSpec::new("i32", DataType::Integer),
        ColSpec::new("i64", DataType::Long).optional(),
        ColSpec::new("u32", DataType::Long),
        ColSpec::new("f32", DataType::Float),
        ColSpec::new("f64", DataType::Double).optional(),
        ColSpec::new("s", DataType::String),
        ColSpec::new("bin", DataType::Binary),
        ColSpec::new("ts", DataType::Datetime),
        ColSpec::new("d", DataType::Datetime),
        ColSpec::new("l", ArrayType::new(DataType::Long)),
        ColSpec::new("a", ArrayType::new(DataType::Float)),
        ColSpec::new("o", object_ab()),
        ColSpec::new("n", ColumnType::AnyType).optional(),
    ])
    .unwrap();
    assert_eq!(schema, expected);

    // Properties inside a list of structs; a null struct row hides its fields' nulls.
    let row0 = struct_ab(&[Some(1)], &[Some("s")]);
    let row1 = struct_ab(&[Some(3), Some(4)], &[Some("t"), None]);
    let lists = frame(vec![l([row0, row1])]);
    let schema = Schema::infer(&lists).unwrap();
    assert_eq!(schema, one("x", ArrayType::new(object_ab())));
    let outer = StructChunked::from_series(
        "x".into(),
        2,
        [
            Series::new("a".into(), [Some(1i64), None]),
            Series::new("b".into(), [Some("s"), Some("t")]),
        ]
        .iter(),
    )
    .unwrap()
    .with_outer_validity(Some(Bitmap::from_iter([true, false])))
    .into_series();
    let all_required = Object::new(vec![
        Property::new("a", DataType::Long),
        Property::new("b", DataType::String),
    ])
    .unwrap();
    let schema = Schema::infer(&frame(vec![outer])).unwrap();
    assert_eq!(
        schema,
        Schema::from_columns(vec![ColSpec::new("x", all_required).optional()]).unwrap()
    );

    let err = frame(vec![Series::new("u".into(), [1u64])])
        .infer_schema()
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "column `u` has type u64, which no MLflow type represents"
    );
    let err = frame(vec![l([s([1u64])]).with_name("l".into())])
        .infer_schema()
        .unwrap_err();
    assert!(
        err.to_string().starts_with("column `l[]` has type u64"),
        "{err}"
    );
}

#[test]
fn an_inferred_schema_accepts_its_frame() {
    let input = frame(vec![
        Series::new("i64".into(), [Some(1i64), None]),
        Series::new("f64".into(), [Some(1.0f64), None]),
        long_lists().slice(0, 2).with_name("l".into()),
        struct_ab(&[Some(1), Some(2)], &[None, Some("x")]).with_name("o".into()),
        datetimes(TimeUnit::Milliseconds, &[1, 2], None).with_name("t".into()),
    ]);
    let schema = Schema::infer(&input).unwrap();
    let checker = PolarsChecker::for_schema(&schema);
    let report = checker.check(&input);
    assert!(report.is_valid(), "{report}");
    let out = checker.conform(&input).unwrap();
    assert_eq!(out.frame.width(), 5);
}

#[test]
fn edge_cases_are_reported_not_panicked() {
    let schema = one("x", DataType::Long);
    let checker = PolarsChecker::for_schema(&schema);
    // No columns at all; no rows.
    let report = checker.check(&DataFrame::empty());
    assert_eq!(kinds(&report), vec![ProblemKind::MissingColumn]);
    let empty = frame(vec![named(s::<[i64; 0], i64>([]))]);
    assert!(checker.check(&empty).is_valid());
    assert_eq!(checker.conform(&empty).unwrap().frame.height(), 0);
    assert!(DataFrame::empty().infer_schema().is_err());
    // A scalar column (one value repeated), of nulls and of a value out of range.
    let nulls = DataFrame::new(4, vec![Column::full_null("x".into(), 4, &PlType::Int64)]).unwrap();
    let report = checker.check(&nulls);
    assert_eq!(kinds(&report), vec![ProblemKind::NullNotAllowed]);
    assert!(
        report
            .errors()
            .next()
            .unwrap()
            .message()
            .contains("4 nulls (rows 0, 1, 2, 3)")
    );
    let big = DataFrame::new(
        3,
        vec![Column::new_scalar(
            "x".into(),
            polars_core::prelude::Scalar::from(u64::MAX),
            3,
        )],
    )
    .unwrap();
    let report = checker.check(&big);
    assert_eq!(kinds(&report), vec![ProblemKind::OutOfRange]);
    // A sliced list column: offsets that do not start at zero.
    let lists = l([s([1i64]), s([2i64, 3]), s([4i64]), s([5i64, 6])]).slice(1, 2);
    let tensor = tensor(NumpyDtype::Int64, &[-1, 2]);
    let report = PolarsChecker::for_schema(&tensor).check(&frame(vec![named(lists)]));
    assert_eq!(kinds(&report), vec![ProblemKind::TensorShape]);
    assert_eq!(report.errors().next().unwrap().pointer(), "/x/1");
    // A struct without fields is an object with no properties.
    let bare = StructChunked::from_series("x".into(), 2, [].iter())
        .unwrap()
        .into_series();
    let report = check(object_ab(), bare.clone());
    assert_eq!(kinds(&report), vec![ProblemKind::MissingProperty]);
    assert_eq!(
        Schema::infer(&frame(vec![bare])).unwrap(),
        Schema::from_columns(vec![ColSpec::new("x", ColumnType::AnyType).optional()]).unwrap()
    );
}

/// A timezone-aware column is accepted as `datetime` in Strict, conformed to the same instants
/// in naive UTC nanoseconds with a warning saying the timezone was dropped; the MLflow modes
/// refuse it, as MLflow does.
fn timezone_aware_datetimes_keep_their_instants(ns: &PlType) {
    let zone = TimeZone::opt_try_new(Some("Asia/Kolkata")).unwrap();
    let tz = datetimes(TimeUnit::Microseconds, &[1_700_000_000_000_001], zone);
    let schema = Schema::from_columns(vec![ColSpec::new("x", DataType::Datetime)]).unwrap();
    let input = frame(vec![named(tz)]);
    let checker = PolarsChecker::for_schema(&schema);
    let conformed = checker.conform(&input).unwrap_or_else(|r| panic!("{r}"));
    assert_eq!(conformed.frame.columns()[0].dtype(), ns);
    assert_eq!(
        i64s(&conformed.frame.columns()[0]),
        vec![Some(1_700_000_000_000_001_000)]
    );
    let warnings: Vec<_> = conformed.report.warnings().collect();
    assert_eq!(warnings.len(), 1, "{}", conformed.report);
    assert_eq!(warnings[0].kind(), ProblemKind::ValueChanged);
    assert!(warnings[0].message().contains("timezone is dropped"));

    for mode in [Mode::MlflowServing, Mode::MlflowPredict] {
        let report = checker
            .clone()
            .with_options(CheckOptions::default().with_mode(mode))
            .check(&input);
        assert_eq!(
            kinds(&report),
            vec![ProblemKind::WrongType],
            "{mode:?}: {report}"
        );
        let note = report.errors().next().unwrap().note().unwrap();
        assert!(note.contains("timezone"), "{note}");
    }
}

fn categorical(values: &[Option<&str>]) -> Series {
    s(values)
        .cast(&PlType::from_categories(Categories::global()))
        .unwrap()
}

fn enumeration(values: &[Option<&str>]) -> Series {
    let categories = FrozenCategories::new(["low", "high"]).unwrap();
    s(values)
        .cast(&PlType::from_frozen_categories(categories))
        .unwrap()
}

#[test]
fn categorical_and_enum_columns_are_strings() {
    for series in [
        categorical(&[Some("b"), Some("a"), Some("b")]),
        enumeration(&[Some("high"), Some("low"), Some("high")]),
    ] {
        let expected: Vec<Option<String>> = series
            .cast(&PlType::String)
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .map(|v| v.map(str::to_owned))
            .collect();
        let out = accepts(DataType::String, series.clone(), &PlType::String);
        let conformed: Vec<Option<String>> = out.columns()[0]
            .as_materialized_series()
            .str()
            .unwrap()
            .iter()
            .map(|v| v.map(str::to_owned))
            .collect();
        assert_eq!(conformed, expected);
        assert!(!expected.is_empty() && expected.iter().all(Option::is_some));
        refuses(DataType::Long, series.clone(), ProblemKind::WrongType);
        refuses(DataType::Binary, series.clone(), ProblemKind::WrongType);
        // A tensor of strings takes them too.
        let out = PolarsChecker::for_schema(&tensor(NumpyDtype::Str, &[-1]))
            .conform(&frame(vec![named(series.clone())]))
            .unwrap_or_else(|r| panic!("{r}"));
        assert_eq!(out.frame.columns()[0].dtype(), &PlType::String);
        // MLflow infers `string` for a pandas category column.
        let inferred = frame(vec![named(series)]).infer_schema().unwrap();
        assert_eq!(
            inferred,
            Schema::from_columns(vec![ColSpec::new("x", DataType::String)]).unwrap()
        );
    }
    // Nulls in a categorical column are nulls, checked like any other.
    let with_null = categorical(&[Some("a"), None]);
    refuses(
        DataType::String,
        with_null.clone(),
        ProblemKind::NullNotAllowed,
    );
    accepts_spec(optional(DataType::String), with_null, &PlType::String);
}

/// Hand-written expectations from the rule table (`frame/mod.rs`); the shared planner's
/// decisions are compared with the real MLflow on Arrow data in `tests/interop_frames.rs`.
#[test]
fn mlflow_modes_apply_the_scalar_rules_to_polars_columns() {
    let checker = |ty: DataType, mode: Mode| {
        let schema = Schema::from_columns(vec![ColSpec::new("x", ty)]).unwrap();
        PolarsChecker::for_schema(&schema).with_options(CheckOptions::default().with_mode(mode))
    };
    for mode in [Mode::MlflowServing, Mode::MlflowPredict] {
        let ints_with_nulls = frame(vec![named(s([Some(1i32), None]))]);
        let report = checker(DataType::Long, mode).check(&ints_with_nulls);
        assert_eq!(kinds(&report), vec![ProblemKind::WrongType], "{report}");
        assert!(
            report
                .errors()
                .next()
                .unwrap()
                .note()
                .unwrap()
                .contains("double")
        );
        let out = checker(DataType::Double, mode)
            .conform(&ints_with_nulls)
            .unwrap_or_else(|r| panic!("{r}"));
        assert_eq!(out.frame.columns()[0].dtype(), &PlType::Float64);
        assert_eq!(
            out.report.warnings().next().unwrap().kind(),
            ProblemKind::ValueChanged
        );

        let out = checker(DataType::Double, mode)
            .conform(&frame(vec![named(s([0i64, 1, 1]))]))
            .unwrap_or_else(|r| panic!("{r}"));
        assert_eq!(out.frame.columns()[0].dtype(), &PlType::Float64);
        assert_eq!(out.report.warnings().count(), 1);
        let report = checker(DataType::Float, mode).check(&frame(vec![named(s([0i64, 2, 1, 5]))]));
        let problem = report.errors().next().unwrap();
        assert_eq!(problem.pointer(), "/x/1");
        assert!(
            problem.message().contains("2 values other than 0 and 1"),
            "{problem}"
        );

        // Booleans with nulls for `double`: the 1.0 / 0.0 / NaN MLflow makes of them.
        let out = checker(DataType::Double, mode)
            .conform(&frame(vec![named(s([Some(true), None, Some(false)]))]))
            .unwrap_or_else(|r| panic!("{r}"));
        assert_eq!(out.report.warnings().count(), 1);
        let floats: Vec<Option<f64>> = out.frame.columns()[0].f64().unwrap().iter().collect();
        assert_eq!(floats, vec![Some(1.0), None, Some(0.0)]);

        let strings = frame(vec![named(s([Some("a"), None]))]);
        assert!(checker(DataType::String, mode).check(&strings).is_valid());
        let report =
            checker(DataType::String, mode).check(&frame(vec![named(categorical(&[Some("a")]))]));
        assert_eq!(kinds(&report), vec![ProblemKind::WrongType]);
    }
}

/// Hand-written expectations, as above.
#[test]
fn mlflow_modes_apply_the_nested_and_tensor_rules_to_polars_columns() {
    let options = |mode| CheckOptions::default().with_mode(mode);
    for mode in [Mode::MlflowServing, Mode::MlflowPredict] {
        let columns = |ty: ColumnType, required: bool| {
            let schema =
                Schema::from_columns(vec![ColSpec::new("x", ty).with_required(required)]).unwrap();
            PolarsChecker::for_schema(&schema).with_options(options(mode))
        };
        // Int32 items widen to `long`; a null row needs an optional column.
        let lists = frame(vec![named(l([s([1i32, 2]), s([3i32])]))]);
        let out = columns(ArrayType::new(DataType::Long).into(), true)
            .conform(&lists)
            .unwrap_or_else(|r| panic!("{r}"));
        assert_eq!(
            out.frame.columns()[0].dtype(),
            &PlType::List(Box::new(PlType::Int64))
        );
        let with_null_row = frame(vec![named(long_lists())]);
        let report = columns(ArrayType::new(DataType::Long).into(), true).check(&with_null_row);
        assert_eq!(
            kinds(&report),
            vec![ProblemKind::NullNotAllowed],
            "{report}"
        );
        // Struct values are Python scalars: integers are int64, refused for `integer`.
        let object = |ty: DataType| -> ColumnType {
            Object::new(vec![Property::new("a", ty)]).unwrap().into()
        };
        let structs = frame(vec![struct_of("x", &[Series::new("a".into(), [1i16, 2])])]);
        let report = columns(object(DataType::Integer), true).check(&structs);
        assert_eq!(kinds(&report), vec![ProblemKind::WrongType], "{report}");
        assert!(
            columns(object(DataType::Long), true)
                .check(&structs)
                .is_valid()
        );

        // A scalar column is cast to the tensor's dtype with numpy: a warning, and conformed.
        let schema =
            Schema::from_tensors(vec![TensorSpec::new("x", NumpyDtype::Float32, vec![-1])])
                .unwrap();
        let out = PolarsChecker::for_schema(&schema)
            .with_options(options(mode))
            .conform(&frame(vec![named(s([1i64, 2]))]))
            .unwrap_or_else(|r| panic!("{r}"));
        assert_eq!(out.frame.columns()[0].dtype(), &PlType::Float32);
        assert_eq!(
            out.report.warnings().next().unwrap().kind(),
            ProblemKind::ValueChanged
        );
    }
}

#[test]
fn large_frames_cast_their_columns_in_the_signatures_order() {
    let rows = super::PARALLEL_CONFORM_ROWS + 1;
    let ints: Vec<i32> = (0..rows).map(|i| i as i32 - 7).collect();
    let floats: Vec<f32> = (0..rows).map(|i| i as f32 / 4.0).collect();
    let words: Vec<&str> = (0..rows)
        .map(|i| if i % 2 == 0 { "a" } else { "b" })
        .collect();
    let input = frame(vec![
        Series::new("f".into(), floats),
        Series::new("w".into(), words),
        Series::new("i".into(), ints),
    ]);
    let schema = Schema::from_columns(vec![
        ColSpec::new("i", DataType::Long),
        ColSpec::new("w", DataType::String),
        ColSpec::new("f", DataType::Double),
    ])
    .unwrap();
    let conformed = PolarsChecker::for_schema(&schema).conform(&input).unwrap();
    let columns = conformed.frame.columns();
    let names: Vec<&str> = columns.iter().map(|c| c.name().as_str()).collect();
    assert_eq!(names, ["i", "w", "f"]);
    assert_eq!(columns[0].dtype(), &PlType::Int64);
    assert_eq!(columns[2].dtype(), &PlType::Float64);
    let longs = i64s(&columns[0]);
    assert_eq!(longs.len(), rows);
    assert_eq!(
        (longs[0], longs[rows - 1]),
        (Some(-7), Some(rows as i64 - 8))
    );
    let doubles = columns[2].f64().unwrap();
    assert_eq!(doubles.get(rows - 1), Some((rows - 1) as f64 / 4.0));
    // The string column needed no cast and comes through unchanged, in its place.
    assert_eq!(columns[1].str().unwrap().get(1), Some("b"));
    assert!(conformed.report.is_valid());
}

/// The shared scenario table ([`crate::frame::scenarios`]) against Polars.
struct Polars;

impl Polars {
    fn series(data: &Data) -> Option<Series> {
        fn ints<N: TryFrom<i128>>(values: &[Option<i128>]) -> Vec<Option<N>> {
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
                (true, 8) => s(ints::<i8>(values)),
                (true, 16) => s(ints::<i16>(values)),
                (true, 32) => s(ints::<i32>(values)),
                (true, 64) => s(ints::<i64>(values)),
                (false, 8) => s(ints::<u8>(values)),
                (false, 16) => s(ints::<u16>(values)),
                (false, 32) => s(ints::<u32>(values)),
                (false, 64) => s(ints::<u64>(values)),
                _ => return None,
            },
            Data::Float { bits: 32, values } => s(values
                .iter()
                .map(|v| v.map(|v| v as f32))
                .collect::<Vec<_>>()),
            Data::Float { bits: 64, values } => s(values),
            // Polars has no Float16.
            Data::Float { .. } => return None,
            Data::Bool(values) => s(values),
            Data::Utf8(values) => s(values),
            Data::Binary(values) => s(values),
        })
    }
}

impl Engine for Polars {
    const NAME: &'static str = "Polars";

    fn check(schema: &Schema, options: &CheckOptions, data: &Data) -> Option<Report> {
        let input = frame(vec![Polars::series(data)?]);
        Some(
            PolarsChecker::for_schema(schema)
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
        let input = frame(vec![Polars::series(data).ok_or("no series")?]);
        let out = PolarsChecker::for_schema(schema)
            .with_options(options.clone())
            .conform(&input)
            .map_err(|report| report.to_string())?;
        let expected = ty.map_or_else(|| input.columns()[0].dtype().clone(), polars_type);
        Ok(Conformed {
            found: out.frame.columns()[0].dtype().to_string(),
            expected: expected.to_string(),
            rows: (input.height(), out.frame.height()),
        })
    }

    fn has(data: &Data) -> bool {
        Polars::series(data).is_some()
    }
}

#[test]
fn the_shared_scenarios() {
    scenarios::run::<Polars>();
}
