//! The JSON body checker (`signature_runtime::check`): the seed scenarios, then each rule and
//! each envelope, asserting codes and JSON pointers so a regression says exactly what moved.

use signature_runtime::mlflow::signature_from_json;
use signature_runtime::{
    Array, CheckOptions, ColSpec, ColumnType, DataType, ExtraColumns, JsonChecker, Map,
    ModelSignature, NumpyDtype, Object, ParamSchema, ParamShape, ParamSpec, ProblemKind, Property,
    Report, Schema, Severity, TensorSpec,
};

const HOUSE_PRICE: &str =
    include_str!("../signature-runtime/tests/fixtures/house_price.signature.json");

fn house_price() -> JsonChecker {
    JsonChecker::for_signature(&signature_from_json(HOUSE_PRICE).unwrap())
}

/// `(code, pointer)` of every listed problem, in order.
fn problems(report: &Report) -> Vec<(&'static str, String)> {
    report
        .problems()
        .iter()
        .map(|p| (p.kind().code(), p.pointer().to_owned()))
        .collect()
}

fn codes(checker: &JsonChecker, body: &str) -> Vec<(&'static str, String)> {
    problems(&checker.check(body.as_bytes()))
}

fn columns(columns: Vec<ColSpec>) -> JsonChecker {
    JsonChecker::for_schema(&Schema::from_columns(columns).unwrap())
}

fn one_column(ty: impl Into<ColumnType>) -> JsonChecker {
    columns(vec![ColSpec::new("x", ty)])
}

fn split_cell(cell: &str) -> String {
    format!(r#"{{"dataframe_split": {{"columns": ["x"], "data": [[{cell}]]}}}}"#)
}

/// The problem codes for one cell of column `x`.
fn cell_codes(checker: &JsonChecker, cell: &str) -> Vec<&'static str> {
    checker
        .check(split_cell(cell).as_bytes())
        .problems()
        .iter()
        .map(|p| p.kind().code())
        .collect()
}

fn p(code: &'static str, pointer: &str) -> (&'static str, String) {
    (code, pointer.to_owned())
}

// ---- The seed's three scenarios ---------------------------------------------------------------

#[test]
fn seed_correct_input_passes_clean() {
    let report = house_price().check(
        br#"{"dataframe_split": {"columns": ["sqft", "bedrooms"], "data": [[1200.0, 3], [850.5, 2]]},
            "params": {"discount": 0.1}}"#,
    );
    assert!(report.is_valid(), "{report}");
    assert_eq!(report.problems(), &[]);
    assert_eq!(report.rows(), Some(2));
    assert_eq!(
        report.to_string(),
        "ok: the input matches the signature (2 rows)"
    );
}

#[test]
fn seed_missing_column_plus_extra_one() {
    let report = house_price().check(
        br#"{"dataframe_records": [{"sqft": 1200.0, "garage": 1}, {"sqft": 900, "garage": 0}]}"#,
    );
    assert!(!report.is_valid());
    assert_eq!(
        problems(&report),
        [
            p("extra_column", "/dataframe_records/0/garage"),
            p("missing_column", "/dataframe_records"),
        ]
    );
    assert_eq!(report.error_count(), 1);
    assert_eq!(report.warning_count(), 1);
    let text = report.to_string();
    assert!(
        text.contains("error[missing_column]: missing required column `bedrooms`"),
        "{text}"
    );
    assert!(
        text.contains(
            "warning[extra_column]: column `garage` is not in the signature; it is ignored"
        ),
        "{text}"
    );
    assert!(
        text.ends_with(
            "error: the input does not match the signature (2 rows): 1 error, 1 warning"
        ),
        "{text}"
    );
}

#[test]
fn seed_string_where_a_number_belongs() {
    let report = house_price().check(
        br#"{"dataframe_split": {"columns": ["sqft", "bedrooms"], "data": [[1200.0, 3], [850.5, "three"]]}}"#,
    );
    assert_eq!(
        problems(&report),
        [p("wrong_type", "/dataframe_split/data/1/1")]
    );
    let problem = &report.problems()[0];
    assert_eq!(problem.column(), Some("bedrooms"));
    assert_eq!(problem.row(), Some(1));
    assert_eq!(problem.found(), Some("string"));
    assert_eq!(problem.value(), Some("\"three\""));
    assert_eq!(
        report.to_string(),
        "error[wrong_type]: expected long, found string\n\
         \x20 --> /dataframe_split/data/1/1 (row 1, column `bedrooms`)\n\
         \x20  = expected: long (an integer from -9223372036854775808 to 9223372036854775807)\n\
         \x20  = found: string \"three\"\n\
         \n\
         error: the input does not match the signature (2 rows): 1 error"
    );
    let redacted = report.redacted().to_string();
    assert!(!redacted.contains("three"), "{redacted}");
    let body = report.to_mlflow_error().to_json();
    let body: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(body["error_code"], "INVALID_PARAMETER_VALUE");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("/dataframe_split/data/1/1")
    );
}

// ---- Every format ---------------------------------------------------------------------------------

#[test]
fn every_format_checks_the_same_rows() {
    let checker = house_price();
    let bad_cell = [
        (
            r#"{"dataframe_split": {"columns": ["sqft", "bedrooms"], "index": [7, 8], "data": [[1.0, 2], [1.5, true]]}}"#,
            "/dataframe_split/data/1/1",
        ),
        (
            r#"{"dataframe_split": {"data": [[1.0, 2], [1.5, true]], "columns": ["sqft", "bedrooms"]}}"#,
            "/dataframe_split/data/1/1",
        ),
        (
            r#"{"dataframe_records": [{"sqft": 1.0, "bedrooms": 2}, {"bedrooms": true, "sqft": 1.5}]}"#,
            "/dataframe_records/1/bedrooms",
        ),
        (
            r#"{"instances": [{"sqft": 1.0, "bedrooms": 2}, {"sqft": 1.5, "bedrooms": true}]}"#,
            "/instances/1/bedrooms",
        ),
        (
            r#"{"inputs": [{"sqft": 1.0, "bedrooms": 2}, {"sqft": 1.5, "bedrooms": true}]}"#,
            "/inputs/1/bedrooms",
        ),
        (
            r#"{"inputs": {"sqft": [1.0, 1.5], "bedrooms": [2, true]}}"#,
            "/inputs/bedrooms/1",
        ),
        (
            r#"[{"sqft": 1.0, "bedrooms": 2}, {"sqft": 1.5, "bedrooms": true}]"#,
            "/1/bedrooms",
        ),
    ];
    for (body, pointer) in bad_cell {
        let report = checker.check(body.as_bytes());
        assert_eq!(problems(&report), [p("wrong_type", pointer)], "{body}");
        assert_eq!(report.problems()[0].row(), Some(1), "{body}");
        assert_eq!(report.rows(), Some(2), "{body}");
        let fixed = body.replace("true", "3");
        assert!(checker.check(fixed.as_bytes()).is_valid(), "{fixed}");
    }
}

#[test]
fn inputs_dict_of_single_values_is_one_row() {
    let report = house_price().check(br#"{"inputs": {"sqft": 1.0, "bedrooms": 2}}"#);
    assert!(report.is_valid(), "{report}");
    assert_eq!(report.rows(), Some(1));
}

#[test]
fn inputs_columns_of_different_lengths() {
    assert_eq!(
        codes(
            &house_price(),
            r#"{"inputs": {"sqft": [1.0, 1.5], "bedrooms": [2]}}"#
        ),
        [p("row_length", "/inputs/bedrooms")]
    );
}

#[test]
fn single_column_lists_and_scalars() {
    let checker = one_column(DataType::String);
    assert!(checker.check(br#"{"inputs": ["a", "b"]}"#).is_valid());
    assert!(checker.check(br#"{"inputs": "a"}"#).is_valid());
    assert!(checker.check(br#"{"instances": ["a", "b"]}"#).is_valid());
    assert_eq!(
        codes(&checker, r#"{"inputs": ["a", 1]}"#),
        [p("wrong_type", "/inputs/1")]
    );
}

#[test]
fn positional_schema_matches_by_position() {
    let checker = JsonChecker::for_schema(
        &Schema::from_columns(vec![
            ColSpec::unnamed(DataType::Double),
            ColSpec::unnamed(DataType::String),
        ])
        .unwrap(),
    );
    assert!(
        checker
            .check(br#"{"inputs": [[1.5, "a"], [2, "b"]]}"#)
            .is_valid()
    );
    assert!(
        checker
            .check(br#"{"dataframe_split": {"columns": ["p", "q"], "data": [[1.5, "a"]]}}"#)
            .is_valid()
    );
    assert!(
        checker
            .check(br#"{"dataframe_split": {"data": [[1.5, "a"]]}}"#)
            .is_valid()
    );
    assert_eq!(
        codes(&checker, r#"{"dataframe_split": {"data": [[1.5]]}}"#),
        [p("missing_column", "/dataframe_split/data")]
    );
    assert_eq!(
        codes(&checker, r#"{"dataframe_split": {"data": [[1.5, 2]]}}"#),
        [p("wrong_type", "/dataframe_split/data/0/1")]
    );
    assert_eq!(
        codes(
            &checker,
            r#"{"dataframe_records": [{"p": 1.5, "q": "a"}, {"q": "b", "p": 2}]}"#
        ),
        [],
        "records keep the columns in first-seen order"
    );
}

// ---- The envelope ---------------------------------------------------------------------------------

#[test]
fn wrong_envelopes_are_reported() {
    let checker = house_price();
    let cases: [(&str, Vec<(&str, String)>); 11] = [
        ("1", vec![p("bad_envelope", "")]),
        ("{}", vec![p("bad_envelope", "")]),
        (
            r#"{"dataframe_split": {"data": []}, "dataframe_records": []}"#,
            vec![p("bad_envelope", "/dataframe_records")],
        ),
        (
            r#"{"dataframe_records": [], "dataframe_records": []}"#,
            vec![p("duplicate_key", "/dataframe_records")],
        ),
        (
            r#"{"dataframe_record": []}"#,
            vec![
                p("bad_envelope", "/dataframe_record"),
                p("bad_envelope", ""),
            ],
        ),
        (
            r#"{"dataframe_split": []}"#,
            vec![p("bad_envelope", "/dataframe_split")],
        ),
        (
            r#"{"dataframe_split": {"columns": ["sqft", "bedrooms"]}}"#,
            vec![p("bad_envelope", "/dataframe_split")],
        ),
        (
            r#"{"dataframe_split": {"columns": ["sqft", "bedrooms"], "data": [], "extra": 1}}"#,
            vec![p("bad_envelope", "/dataframe_split/extra")],
        ),
        (
            r#"{"dataframe_records": {"sqft": [1.0]}}"#,
            vec![p("bad_envelope", "/dataframe_records")],
        ),
        (
            r#"{"dataframe_split": {"columns": ["sqft", "bedrooms"], "data": [[1.0, 2, 3], [1.0], 5]}}"#,
            vec![
                p("row_length", "/dataframe_split/data/0"),
                p("row_length", "/dataframe_split/data/1"),
                p("wrong_type", "/dataframe_split/data/2"),
            ],
        ),
        (
            r#"{"dataframe_split": {"columns": ["sqft", "bedrooms"], "index": [0], "data": [[1.0, 2], [1.0, 2]]}}"#,
            vec![p("bad_envelope", "/dataframe_split/index")],
        ),
    ];
    for (body, expected) in cases {
        assert_eq!(codes(&checker, body), expected, "{body}");
    }
}

/// A top-level key written with escapes is the key it spells: the format keys and `params`
/// are compared as bytes only when a key has no escapes.
#[test]
fn escaped_envelope_keys_are_the_keys_they_spell() {
    let checker = house_price();
    let cases: [(&str, Vec<(&str, String)>); 4] = [
        (r#"{"dataframe\u005frecords": []}"#, vec![]),
        (
            r#"{"dataframe_records": [], "dataframe\u005frecords": []}"#,
            vec![p("duplicate_key", "/dataframe_records")],
        ),
        (
            r#"{"dataframe_records": [], "params": {}, "p\u0061rams": {}}"#,
            vec![p("duplicate_key", "/params")],
        ),
        (
            r#"{"dataframe\u005frecord": []}"#,
            vec![
                p("bad_envelope", "/dataframe_record"),
                p("bad_envelope", ""),
            ],
        ),
    ];
    for (body, expected) in cases {
        assert_eq!(codes(&checker, body), expected, "{body}");
    }
}

#[test]
fn columns_named_twice_and_keys_twice() {
    let checker = house_price();
    assert_eq!(
        codes(
            &checker,
            r#"{"dataframe_split": {"columns": ["sqft", "bedrooms", "sqft"], "data": [[1.0, 2, "x"]]}}"#
        ),
        [p("duplicate_key", "/dataframe_split/columns/2")]
    );
    assert_eq!(
        codes(
            &checker,
            r#"{"dataframe_records": [{"sqft": 1.0, "bedrooms": 2, "sqft": 3.0}]}"#
        ),
        [p("duplicate_key", "/dataframe_records/0/sqft")]
    );
}

#[test]
fn missing_from_some_records_is_one_problem_per_column() {
    let report = house_price().check(
        br#"{"dataframe_records": [{"sqft": 1.0, "bedrooms": 2}, {"sqft": 1.0}, {"sqft": 2.0}]}"#,
    );
    assert_eq!(
        problems(&report),
        [p("missing_column", "/dataframe_records/1")]
    );
    assert_eq!(
        report.problems()[0].message(),
        "required column `bedrooms` is missing from 2 of 3 records"
    );
}

#[test]
fn extra_columns_policy() {
    let body = br#"{"dataframe_records": [{"sqft": 1.0, "bedrooms": 2, "x": 1}, {"sqft": 1.0, "bedrooms": 2, "x": 2}]}"#;
    let ignore = house_price().check(body);
    assert!(ignore.is_valid());
    assert_eq!(
        ignore.warning_count(),
        1,
        "reported once per column, not per row"
    );
    let reject = house_price()
        .with_options(CheckOptions::new().with_extra_columns(ExtraColumns::Reject))
        .check(body);
    assert!(!reject.is_valid());
    assert_eq!(reject.problems()[0].severity(), Severity::Error);
    assert_eq!(reject.problems()[0].kind(), ProblemKind::ExtraColumn);
}

#[test]
fn optional_columns_may_be_absent_or_null() {
    let checker = columns(vec![
        ColSpec::new("a", DataType::Long),
        ColSpec::new("b", DataType::Long).optional(),
    ]);
    assert!(
        checker
            .check(br#"{"dataframe_records": [{"a": 1}, {"a": 2, "b": null}]}"#)
            .is_valid()
    );
    assert!(
        checker
            .check(br#"{"dataframe_split": {"columns": ["a"], "data": [[1]]}}"#)
            .is_valid()
    );
    assert_eq!(
        codes(&checker, r#"{"dataframe_records": [{"a": null, "b": 1}]}"#),
        [p("null_not_allowed", "/dataframe_records/0/a")]
    );
}

// ---- Scalar rules ---------------------------------------------------------------------------------

#[test]
fn integer_and_long_ranges_are_checked_never_wrapped() {
    let integer = one_column(DataType::Integer);
    assert_eq!(cell_codes(&integer, "2147483647"), [] as [&str; 0]);
    assert_eq!(cell_codes(&integer, "-2147483648"), [] as [&str; 0]);
    assert_eq!(cell_codes(&integer, "2147483648"), ["out_of_range"]);
    assert_eq!(cell_codes(&integer, "-2147483649"), ["out_of_range"]);
    let long = one_column(DataType::Long);
    assert_eq!(cell_codes(&long, "9223372036854775807"), [] as [&str; 0]);
    assert_eq!(cell_codes(&long, "9223372036854775808"), ["out_of_range"]);
    assert_eq!(cell_codes(&long, "1e400"), ["wrong_type"]);
    assert_eq!(cell_codes(&long, &"9".repeat(5000)), ["out_of_range"]);
    for float in ["2.0", "2.5", "1e3", "-0"] {
        assert_eq!(cell_codes(&long, float), ["wrong_type"], "{float}");
    }
    for other in ["\"1\"", "true", "[1]", "{}"] {
        assert_eq!(cell_codes(&long, other), ["wrong_type"], "{other}");
    }
    assert_eq!(cell_codes(&long, "null"), ["null_not_allowed"]);
}

#[test]
fn floats_accept_exact_integers_only() {
    let double = one_column(DataType::Double);
    for ok in [
        "1",
        "1.5",
        "-0",
        "9007199254740992",
        "1e308",
        "1e-400",
        "-2.5E-3",
    ] {
        assert_eq!(cell_codes(&double, ok), [] as [&str; 0], "{ok}");
    }
    assert_eq!(cell_codes(&double, "9007199254740993"), ["inexact_number"]);
    assert_eq!(cell_codes(&double, "1e400"), ["out_of_range"]);
    assert_eq!(cell_codes(&double, "\"1.5\""), ["wrong_type"]);
    let float = one_column(DataType::Float);
    assert_eq!(cell_codes(&float, "16777216"), [] as [&str; 0]);
    assert_eq!(cell_codes(&float, "16777217"), ["inexact_number"]);
    assert_eq!(cell_codes(&float, "1e39"), ["out_of_range"]);
}

#[test]
fn booleans_strings_binary_datetimes() {
    let boolean = one_column(DataType::Boolean);
    assert_eq!(cell_codes(&boolean, "true"), [] as [&str; 0]);
    assert_eq!(cell_codes(&boolean, "1"), ["wrong_type"]);
    assert_eq!(cell_codes(&boolean, "\"false\""), ["wrong_type"]);
    let string = one_column(DataType::String);
    assert_eq!(
        cell_codes(&string, r#""é \u00e9 \ud83d\ude00""#),
        [] as [&str; 0]
    );
    assert_eq!(cell_codes(&string, "1"), ["wrong_type"]);
    let binary = one_column(DataType::Binary);
    assert_eq!(cell_codes(&binary, r#""aGVsbG8=""#), [] as [&str; 0]);
    assert_eq!(cell_codes(&binary, r#""aGVs\nbG8=""#), [] as [&str; 0]);
    assert_eq!(cell_codes(&binary, r#""hello!""#), ["invalid_base64"]);
    assert_eq!(cell_codes(&binary, r#""aGVsbG8""#), ["invalid_base64"]);
    let datetime = one_column(DataType::Datetime);
    assert_eq!(
        cell_codes(&datetime, r#""2024-02-29T12:30:00.5""#),
        [] as [&str; 0]
    );
    assert_eq!(
        cell_codes(&datetime, r#""2024-02-30""#),
        ["invalid_datetime"]
    );
    assert_eq!(
        cell_codes(&datetime, r#""2024-01-01T00:00:00Z""#),
        ["invalid_datetime"]
    );
    assert_eq!(cell_codes(&datetime, "1704067200"), ["wrong_type"]);
}

// ---- Nested types ---------------------------------------------------------------------------------

fn point() -> Object {
    Object::new(vec![
        Property::new("x", DataType::Double),
        Property::new("label", DataType::String).optional(),
    ])
    .unwrap()
}

#[test]
fn arrays_objects_maps_any() {
    let arrays = one_column(Array::new(DataType::Long));
    assert_eq!(codes(&arrays, &split_cell("[1, 2, 3]")), []);
    assert_eq!(codes(&arrays, &split_cell("[]")), []);
    assert_eq!(
        codes(&arrays, &split_cell("[1, \"2\", null]")),
        [
            p("wrong_type", "/dataframe_split/data/0/0/1"),
            p("null_not_allowed", "/dataframe_split/data/0/0/2"),
        ]
    );
    assert_eq!(
        codes(&arrays, &split_cell("1")),
        [p("wrong_type", "/dataframe_split/data/0/0")]
    );

    let objects = one_column(point());
    assert_eq!(codes(&objects, &split_cell(r#"{"x": 1.5}"#)), []);
    assert_eq!(
        codes(&objects, &split_cell(r#"{"x": 1.5, "label": null}"#)),
        []
    );
    assert_eq!(
        codes(
            &objects,
            &split_cell(r#"{"label": "a", "y/z~": 1, "label": "b"}"#)
        ),
        [
            p("unknown_property", "/dataframe_split/data/0/0/y~1z~0"),
            p("duplicate_key", "/dataframe_split/data/0/0/label"),
            p("missing_property", "/dataframe_split/data/0/0"),
        ]
    );

    let maps = one_column(Map::new(Array::new(DataType::String)));
    assert_eq!(codes(&maps, &split_cell(r#"{"a": ["x"], "b": []}"#)), []);
    assert_eq!(
        codes(&maps, &split_cell(r#"{"a": ["x", 1]}"#)),
        [p("wrong_type", "/dataframe_split/data/0/0/a/1")]
    );

    let any = one_column(ColumnType::AnyType);
    assert_eq!(
        codes(&any, &split_cell(r#"{"a": [1, null, {"b": "c"}]}"#)),
        []
    );
    assert_eq!(codes(&any, &split_cell("null")), []);
}

#[test]
fn nested_array_of_objects_locates_deep_errors() {
    let checker = one_column(Array::new(point()));
    assert_eq!(
        codes(
            &checker,
            r#"{"dataframe_records": [{"x": [{"x": 1.0}, {"x": "no"}]}]}"#
        ),
        [p("wrong_type", "/dataframe_records/0/x/1/x")]
    );
}

// ---- Tensors --------------------------------------------------------------------------------------

fn tensors(specs: Vec<TensorSpec>) -> JsonChecker {
    JsonChecker::for_schema(&Schema::from_tensors(specs).unwrap())
}

#[test]
fn tensor_shapes_and_dtypes() {
    let image = tensors(vec![TensorSpec::unnamed(NumpyDtype::UInt8, vec![-1, 2, 3])]);
    assert_eq!(codes(&image, r#"{"inputs": [[[1, 2, 3], [4, 5, 6]]]}"#), []);
    assert_eq!(
        codes(&image, r#"{"inputs": [[[1, 2, 3], [4, 5]]]}"#),
        [p("tensor_shape", "/inputs/0/1")]
    );
    assert_eq!(
        codes(&image, r#"{"inputs": [[[1, 2, 256], [4, 5, -1]]]}"#),
        [
            p("out_of_range", "/inputs/0/0/2"),
            p("out_of_range", "/inputs/0/1/2")
        ]
    );
    assert_eq!(
        codes(&image, r#"{"inputs": [[[1, 2, [3]], [4, 5, 6]]]}"#),
        [p("tensor_shape", "/inputs/0/0/2")]
    );
    assert_eq!(codes(&image, r#"{"inputs": [[1, 2]]}"#).len(), 2);

    let ragged = tensors(vec![TensorSpec::new(
        "t",
        NumpyDtype::Float32,
        vec![-1, -1],
    )]);
    assert_eq!(
        codes(&ragged, r#"{"inputs": {"t": [[1, 2.5], [3, 4]]}}"#),
        []
    );
    assert_eq!(
        codes(&ragged, r#"{"inputs": {"t": [[1, 2.5], [3]]}}"#),
        [p("tensor_shape", "/inputs/t/1")]
    );
    assert_eq!(
        codes(&ragged, r#"{"inputs": {}}"#),
        [p("missing_column", "/inputs")]
    );
    // Row by row, one shape across rows.
    assert_eq!(
        codes(
            &ragged,
            r#"{"dataframe_records": [{"t": [1, 2]}, {"t": [1, 2, 3]}]}"#
        ),
        [p("tensor_shape", "/dataframe_records/1/t")]
    );

    let objects = tensors(vec![TensorSpec::unnamed(NumpyDtype::Object, vec![-1])]);
    assert_eq!(
        codes(&objects, r#"{"inputs": [1, "a", [2, {}], null]}"#),
        []
    );
}

#[test]
fn unnamed_tensor_from_a_frame_of_columns() {
    let checker = tensors(vec![TensorSpec::unnamed(NumpyDtype::Float64, vec![-1, 3])]);
    assert!(
        checker
            .check(br#"{"dataframe_split": {"columns": ["a", "b", "c"], "data": [[1, 2, 3.5]]}}"#)
            .is_valid()
    );
    assert_eq!(
        codes(
            &checker,
            r#"{"dataframe_split": {"columns": ["a", "b"], "data": [[1, 2]]}}"#
        ),
        [p("tensor_shape", "/dataframe_split/columns")]
    );
}

// ---- Params ---------------------------------------------------------------------------------------

#[test]
fn params_types_shapes_unknown_and_null() {
    let checker = house_price();
    let body = |params: &str| {
        format!(
            r#"{{"dataframe_split": {{"columns": ["sqft", "bedrooms"], "data": [[1.0, 2]]}}, "params": {params}}}"#
        )
    };
    assert!(
        checker
            .check(body(r#"{"discount": 1, "labels": ["x"]}"#).as_bytes())
            .is_valid()
    );
    assert!(
        checker.check(body("{}").as_bytes()).is_valid(),
        "missing params take defaults"
    );
    assert_eq!(
        codes(
            &checker,
            &body(r#"{"discount": "0.1", "labels": "x", "other": 1}"#)
        ),
        [
            p("wrong_type", "/params/discount"),
            p("wrong_type", "/params/labels"),
            p("unknown_param", "/params/other"),
        ]
    );
    let report = checker.check(body(r#"{"discount": null, "labels": [1]}"#).as_bytes());
    assert_eq!(
        problems(&report),
        [
            p("null_not_allowed", "/params/discount"),
            p("wrong_type", "/params/labels/0")
        ]
    );
    assert_eq!(report.problems()[0].param(), Some("discount"));
    assert_eq!(
        codes(&checker, &body(r#"{"discount": 1, "discount": 2}"#)),
        [p("duplicate_key", "/params/discount")]
    );
    assert_eq!(codes(&checker, &body("[]")), [p("bad_envelope", "/params")]);
}

#[test]
fn params_without_a_params_schema_are_warned_about() {
    let checker = one_column(DataType::Long);
    let report = checker.check(br#"{"inputs": [1], "params": {"k": 1}}"#);
    assert!(report.is_valid());
    assert_eq!(problems(&report), [p("unknown_param", "/params/k")]);
}

#[test]
fn datetime_and_object_params() {
    let signature = ModelSignature::new(
        Some(Schema::from_columns(vec![ColSpec::new("x", DataType::Long)]).unwrap()),
        None,
        Some(
            ParamSchema::new(vec![
                ParamSpec::new("when", DataType::Datetime, "2023-06-26", ParamShape::Scalar)
                    .unwrap(),
                ParamSpec::scalar("level", DataType::Integer, 1).unwrap(),
            ])
            .unwrap(),
        ),
    )
    .unwrap();
    let checker = JsonChecker::for_signature(&signature);
    let body = |params: &str| format!(r#"{{"inputs": [1], "params": {params}}}"#);
    assert!(
        checker
            .check(body(r#"{"when": "2023-06-26T10:00:00+02:00"}"#).as_bytes())
            .is_valid()
    );
    assert_eq!(
        codes(
            &checker,
            &body(r#"{"when": "someday", "level": 2147483648}"#)
        ),
        [
            p("invalid_datetime", "/params/when"),
            p("out_of_range", "/params/level")
        ]
    );
}

// ---- Robustness: every bad body is a clean report -------------------------------------------------

#[test]
fn malformed_json_is_one_clean_error_with_an_offset() {
    let checker = house_price();
    let cases: [(&[u8], &str); 9] = [
        (b"", ""),
        (b"{\"inputs\": [1, 2", "/inputs/1"),
        (b"{\"inputs\": [NaN]}", "/inputs/0"),
        (
            b"{\"dataframe_split\": {\"data\": [[Infinity, 1]]}}",
            "/dataframe_split/data",
        ),
        (b"{\"inputs\": \"\xff\"}", "/inputs"),
        (b"{\"inputs\": [1]} x", ""),
        (b"{\"inputs\": [01]}", "/inputs/0"),
        (b"{\"inputs\": \"a\tb\"}", "/inputs"),
        (b"{\"inputs\": [1,]}", "/inputs/1"),
    ];
    for (body, pointer) in cases {
        let report = checker.check(body);
        let last = report.problems().last().unwrap();
        assert_eq!(
            last.kind(),
            ProblemKind::MalformedJson,
            "{}",
            String::from_utf8_lossy(body)
        );
        assert_eq!(last.pointer(), pointer, "{}", String::from_utf8_lossy(body));
        assert!(!report.is_valid());
    }
}

#[test]
fn deep_nesting_is_a_clean_error() {
    let checker = one_column(ColumnType::AnyType);
    for depth in [200, 10_000, 1_000_000] {
        let body = format!(
            r#"{{"inputs": [{}{}]}}"#,
            "[".repeat(depth),
            "]".repeat(depth)
        );
        let report = checker.check(body.as_bytes());
        assert_eq!(report.problems().len(), 1);
        assert_eq!(report.problems()[0].kind(), ProblemKind::TooDeep);
    }
    let deep_ok = format!(r#"{{"inputs": [{}{}]}}"#, "[".repeat(100), "]".repeat(100));
    assert!(checker.check(deep_ok.as_bytes()).is_valid());
}

#[test]
fn many_errors_are_capped_and_counted() {
    let rows: Vec<String> = (0..10_000).map(|_| r#"[1.0, "x"]"#.to_owned()).collect();
    let body = format!(
        r#"{{"dataframe_split": {{"columns": ["sqft", "bedrooms"], "data": [{}]}}}}"#,
        rows.join(", ")
    );
    let report = house_price().check(body.as_bytes());
    assert_eq!(report.error_count(), 10_000);
    assert_eq!(report.problems().len(), 100);
    assert_eq!(report.omitted(), 9_900);
    assert!(
        report
            .to_string()
            .ends_with("; 9900 more not shown (the first 100 are listed)")
    );
    let capped = house_price()
        .with_options(CheckOptions::new().with_max_problems(3))
        .check(body.as_bytes());
    assert_eq!(capped.problems().len(), 3);
    assert_eq!(capped.error_count(), 10_000);
}

#[test]
fn report_serialises_for_machines() {
    let report = house_price().check(br#"{"dataframe_records": [{"sqft": "big", "bedrooms": 2}]}"#);
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "valid": false,
            "error_count": 1,
            "warning_count": 0,
            "rows": 1,
            "problems": [{
                "kind": "wrong_type",
                "severity": "error",
                "message": "expected double, found string",
                "pointer": "/dataframe_records/0/sqft",
                "column": "sqft",
                "row": 0,
                "expected": "double (a number)",
                "found": "string",
                "value": "\"big\"",
            }],
            "omitted": 0,
        })
    );
    let redacted = serde_json::to_value(report.redacted()).unwrap();
    assert!(redacted["problems"][0].get("value").is_none());
}

/// serde_json's limit on what it builds (`Value`, structs); `IgnoredAny` has none.
#[test]
fn depth_limit_is_serde_jsons() {
    let nested = |depth: usize| format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    let limit = (1..200)
        .find(|&d| serde_json::from_str::<serde_json::Value>(&nested(d)).is_err())
        .unwrap()
        - 1;
    let checker = one_column(ColumnType::AnyType);
    // The body adds two levels (the envelope object and the `inputs` list).
    let body = |depth: usize| format!(r#"{{"inputs": [{}]}}"#, nested(depth - 2));
    assert!(serde_json::from_str::<serde_json::Value>(&body(limit)).is_ok());
    let report = checker.check(body(limit).as_bytes());
    assert!(report.is_valid(), "depth {limit}: {report}");
    assert!(serde_json::from_str::<serde_json::Value>(&body(limit + 1)).is_err());
    assert!(
        !checker.check(body(limit + 1).as_bytes()).is_valid(),
        "depth {}",
        limit + 1
    );
}
