//! Typed decoding in the MLflow modes: each value MLflow's scoring server casts reaches the Rust
//! type as MLflow cast it, with a `value_changed` warning in the report; Strict still refuses it.

use chrono::NaiveDateTime;
use serde::Deserialize;
use signature_runtime::report::{ProblemKind, Report, Severity};
use signature_runtime::{CheckOptions, JsonChecker, Mode, Signature};

#[derive(Debug, PartialEq, Signature, Deserialize)]
struct Row {
    price: f64,
    ratio: f32,
    rooms: i64,
    floor: i32,
    name: String,
    open: bool,
    at: Option<NaiveDateTime>,
}

fn checker(mode: Mode) -> JsonChecker {
    JsonChecker::for_schema(&Row::input_schema()).with_options(CheckOptions::new().with_mode(mode))
}

/// The pointers of the `value_changed` warnings.
fn changed(report: &Report) -> Vec<&str> {
    report
        .problems()
        .iter()
        .filter(|p| p.kind() == ProblemKind::ValueChanged && p.severity() == Severity::Warning)
        .map(|p| p.pointer())
        .collect()
}

fn at(text: &str) -> Option<NaiveDateTime> {
    Some(NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f").unwrap())
}

const COLUMNS: &str = r#"["price", "ratio", "rooms", "floor", "name", "open", "at"]"#;

#[test]
fn serving_decodes_the_values_a_dataframe_split_casts() {
    let body = format!(
        r#"{{"dataframe_split": {{"columns": {COLUMNS}, "data": [
            ["1500", "0.5", "3", 2.0, 7, 1, 0],
            [true, 1, 1.9, "-4", 1.5, "", "2024-05-01T10:00:00"]
        ]}}}}"#
    );
    let decoded = checker(Mode::MlflowServing)
        .decode::<Row>(body.as_bytes())
        .unwrap();
    assert_eq!(
        decoded.rows,
        vec![
            Row {
                price: 1500.0,
                ratio: 0.5,
                rooms: 3,
                floor: 2,
                name: "7".to_owned(),
                open: true,
                at: at("1970-01-01T00:00:00"),
            },
            Row {
                price: 1.0,
                ratio: 1.0,
                rooms: 1,
                floor: -4,
                name: "1.5".to_owned(),
                open: false,
                at: at("2024-05-01T10:00:00"),
            },
        ]
    );
    // Every cast is reported; `2.0` for an `integer` is the same number and `1` for a `float`
    // is exact: neither is a change.
    assert_eq!(
        changed(&decoded.report),
        [
            "/dataframe_split/data/0/0",
            "/dataframe_split/data/0/1",
            "/dataframe_split/data/0/2",
            "/dataframe_split/data/0/4",
            "/dataframe_split/data/0/5",
            "/dataframe_split/data/0/6",
            "/dataframe_split/data/1/0",
            "/dataframe_split/data/1/2",
            "/dataframe_split/data/1/3",
            "/dataframe_split/data/1/4",
            "/dataframe_split/data/1/5",
        ]
    );
}

#[test]
fn serving_decodes_the_values_records_and_inputs_cast() {
    let records = br#"{"dataframe_records": [{"price": "1e3", "ratio": 2, "rooms": false,
        "floor": "7", "name": true, "open": "yes", "at": null}]}"#;
    let expected = Row {
        price: 1000.0,
        ratio: 2.0,
        rooms: 0,
        floor: 7,
        name: "True".to_owned(),
        open: true,
        at: None,
    };
    let decoded = checker(Mode::MlflowServing).decode::<Row>(records).unwrap();
    assert_eq!(decoded.rows, [expected]);

    // `inputs` columns are cast by numpy: a year alone is its first instant, a null string
    // Python's `None`.
    let inputs = br#"{"inputs": {"price": [" 12.5 "], "ratio": [0.25], "rooms": [4],
        "floor": [3], "name": [null], "open": [0], "at": ["2023"]}}"#;
    let decoded = checker(Mode::MlflowServing).decode::<Row>(inputs).unwrap();
    assert_eq!(
        decoded.rows,
        [Row {
            price: 12.5,
            ratio: 0.25,
            rooms: 4,
            floor: 3,
            name: "None".to_owned(),
            open: false,
            at: at("2023-01-01T00:00:00"),
        }]
    );
    assert_eq!(changed(&decoded.report).len(), 4, "{}", decoded.report);
}

#[test]
fn strict_still_refuses_what_serving_casts() {
    let body = format!(
        r#"{{"dataframe_split": {{"columns": {COLUMNS}, "data": [["1500", 0.5, 3, 2, "a", true, null]]}}}}"#
    );
    let report = checker(Mode::Strict)
        .decode::<Row>(body.as_bytes())
        .unwrap_err();
    let errors: Vec<_> = report.errors().map(|p| (p.kind(), p.pointer())).collect();
    assert_eq!(
        errors,
        [(ProblemKind::WrongType, "/dataframe_split/data/0/0")]
    );
    // The same body in the serving mode decodes, with the cast reported.
    let decoded = checker(Mode::MlflowServing)
        .decode::<Row>(body.as_bytes())
        .unwrap();
    assert_eq!(decoded.rows[0].price, 1500.0);
    assert_eq!(changed(&decoded.report), ["/dataframe_split/data/0/0"]);
}

#[test]
fn what_serving_refuses_is_not_decoded() {
    let body = format!(
        r#"{{"dataframe_split": {{"columns": {COLUMNS}, "data": [["big", 0.5, "3.5", 2, "a", true, null]]}}}}"#
    );
    let report = checker(Mode::MlflowServing)
        .decode::<Row>(body.as_bytes())
        .unwrap_err();
    let errors: Vec<_> = report.errors().map(|p| p.pointer()).collect();
    assert_eq!(
        errors,
        ["/dataframe_split/data/0/0", "/dataframe_split/data/0/2"]
    );
}

#[test]
fn predict_decodes_numeric_text_of_a_mixed_double_column() {
    #[derive(Debug, PartialEq, Signature, Deserialize)]
    struct Price {
        price: f64,
    }
    let checker = JsonChecker::for_schema(&Price::input_schema())
        .with_options(CheckOptions::new().with_mode(Mode::MlflowPredict));
    // pandas makes an `object` column of a string and a number, which MLflow's
    // `pd.to_numeric` turns into float64.
    let body = br#"{"dataframe_split": {"columns": ["price"], "data": [["1500"], [3]]}}"#;
    let decoded = checker.decode::<Price>(body).unwrap();
    assert_eq!(
        decoded.rows,
        [Price { price: 1500.0 }, Price { price: 3.0 }]
    );
    assert_eq!(changed(&decoded.report), ["/dataframe_split/data/0/0"]);
}
