//! The MLflow modes end to end through the JSON checker: what the rules of
//! [`crate::pandas_rules::values`] decide, seen in reports.

use crate::check::{CheckOptions, JsonChecker, Mode};
use crate::report::{ProblemKind, Report, Severity};
use crate::{ColSpec, DataType, Schema};

fn check(t: DataType, mode: Mode, body: &str) -> Report {
    let schema = Schema::from_columns(vec![ColSpec::new("x", t)]).unwrap();
    JsonChecker::for_schema(&schema)
        .with_options(CheckOptions::new().with_mode(mode))
        .check(body.as_bytes())
}

fn split(cells: &str) -> String {
    format!(r#"{{"dataframe_split": {{"columns": ["x"], "data": [{cells}]}}}}"#)
}

fn changed(report: &Report) -> Vec<(String, String)> {
    report
        .problems()
        .iter()
        .filter(|p| p.kind() == ProblemKind::ValueChanged)
        .map(|p| {
            assert_eq!(p.severity(), Severity::Warning);
            (p.pointer().to_owned(), p.message().to_owned())
        })
        .collect()
}

#[test]
fn serving_accepts_what_it_changes_with_a_warning() {
    let report = check(DataType::Long, Mode::MlflowServing, &split("[5.5]"));
    assert!(report.is_valid());
    assert_eq!(
        changed(&report),
        [(
            "/dataframe_split/data/0/0".to_owned(),
            "MLflow truncates 5.5 to 5".to_owned()
        )]
    );
    let report = check(
        DataType::Boolean,
        Mode::MlflowServing,
        &split(r#"["false"]"#),
    );
    assert!(report.is_valid());
    assert!(changed(&report)[0].1.contains("becomes true"), "{report:?}");
    let report = check(DataType::Long, Mode::MlflowServing, &split(r#"["5638"]"#));
    assert!(report.is_valid());
    assert_eq!(changed(&report).len(), 1);
}

#[test]
fn serving_refuses_what_pandas_cannot_cast() {
    for (t, cell) in [
        (DataType::Long, "[null]"),
        (DataType::Long, r#"["abc"]"#),
        (DataType::Double, r#"["abc"]"#),
        (DataType::Binary, r#"["aGVsbG8"]"#),
        (DataType::Binary, "[1]"),
    ] {
        assert!(
            !check(t, Mode::MlflowServing, &split(cell)).is_valid(),
            "{t:?} {cell}"
        );
    }
    assert!(check(DataType::Double, Mode::MlflowServing, &split("[null]")).is_valid());
    let through_inputs = r#"{"inputs": {"x": [9223372036854775808]}}"#;
    assert!(!check(DataType::Long, Mode::MlflowServing, through_inputs).is_valid());
    let report = check(
        DataType::Long,
        Mode::MlflowServing,
        &split("[9223372036854775808]"),
    );
    assert!(report.is_valid());
    assert!(changed(&report)[0].1.contains("wraps"));
}

#[test]
fn predict_decides_by_the_column_dtype() {
    let predict = |t, cells: &str| check(t, Mode::MlflowPredict, &split(cells)).is_valid();
    assert!(!predict(DataType::Long, "[5.5]"));
    assert!(predict(DataType::Long, "[1], [2]"));
    assert!(!predict(DataType::Long, "[1], [null]"));
    assert!(!predict(DataType::Double, "[1], [2]"));
    assert!(predict(DataType::Double, "[1], [2.5]"));
    assert!(predict(DataType::Double, "[0], [1]"));
    assert!(!predict(DataType::Integer, "[1]"));
    assert!(predict(DataType::Boolean, "[true], [null]"));
    assert!(!predict(DataType::String, "[1]"));
    assert!(predict(DataType::String, r#"["a"], [1]"#));
    assert!(!predict(DataType::Datetime, r#"["2021-01-01"]"#));
}

#[test]
fn envelopes_follow_mlflow() {
    for mode in [Mode::MlflowServing, Mode::MlflowPredict] {
        assert!(!check(DataType::Long, mode, r#"[{"x": 1}]"#).is_valid());
        let report = check(
            DataType::Long,
            mode,
            r#"{"dataframe_split": {"columns": ["x"], "data": [[1]]}, "extra": 1}"#,
        );
        assert!(report.is_valid());
        assert_eq!(report.problems()[0].severity(), Severity::Warning);
    }
    assert!(!check(DataType::Long, Mode::Strict, r#"{"x": 1, "inputs": [1]}"#).is_valid());
}

#[test]
fn strict_is_unchanged_after_another_mode() {
    let schema = Schema::from_columns(vec![ColSpec::new("x", DataType::Long)]).unwrap();
    let checker = JsonChecker::for_schema(&schema)
        .with_options(CheckOptions::new().with_mode(Mode::MlflowServing))
        .with_options(CheckOptions::new());
    assert!(!checker.check(split("[5.5]").as_bytes()).is_valid());
    assert!(checker.check(split("[5]").as_bytes()).is_valid());
}

#[test]
fn truncated_and_odd_bodies_never_panic() {
    let schemas = [
        r#"[{"type": "long", "name": "x", "required": true},
            {"type": "datetime", "name": "d", "required": false}]"#,
        r#"[{"type": "array", "items": {"type": "float"}, "name": "v", "required": false},
            {"type": "object", "name": "o", "required": false, "properties": {
                "i": {"type": "integer", "required": true}}},
            {"type": "map", "values": {"type": "binary"}, "name": "m", "required": false}]"#,
        r#"[{"type": "string"}, {"type": "boolean"}]"#,
        r#"[{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 2]}}]"#,
        r#"[{"name": "a", "type": "tensor", "tensor-spec": {"dtype": "object", "shape": [-1, -1]}},
            {"name": "b", "type": "tensor", "tensor-spec": {"dtype": "uint8", "shape": [2]}}]"#,
    ];
    let bodies = [
        r#"{"dataframe_split": {"columns": ["x", "d", "v", "o", "m"], "data": [[1.5, "2021-01-01", [0, 1], {"i": 1}, {"k": "aGk="}], ["5", "2021-01-01T00:00:00.5", null, {}, {}]]}}"#,
        r#"{"dataframe_records": [{"x": "x", "d": 1e400, "v": [null], "o": null, "m": {"k": null}}, {}]}"#,
        r#"{"instances": [{"x": 1, "v": [1]}, {"d": "2021", "o": {"i": 2}}], "params": {"a": 1}}"#,
        r#"{"inputs": {"x": [1, null], "d": ["", "2021-01"], "m": {"k": "!!"}}, "zz": 1}"#,
        r#"{"inputs": [{"x": -0, "o": {"i": 1.5}}, {"x": 18446744073709551616}]}"#,
        r#"{"inputs": [[1, true], [2, "a"]]}"#,
        r#"{"inputs": "\ud83d\ude00"}"#,
        r#"[{"x": 1}]"#,
        r#"{"messages": [{"role": "user"}], "x": [1, 2], "params": 5, "input": null}"#,
        r#"{"inputs": {"a": [[1, "x"], [], [[]]], "b": [1.5, "7", true]}, "params": null}"#,
        r#"{"dataframe_records": [{"a": [1, null], "b": null}, {"c": 1}]}"#,
    ];
    for schema in schemas {
        let schema = Schema::from_json(schema).unwrap();
        for mode in [Mode::Strict, Mode::MlflowServing, Mode::MlflowPredict] {
            let checker =
                JsonChecker::for_schema(&schema).with_options(CheckOptions::new().with_mode(mode));
            for body in bodies {
                for end in 0..=body.len() {
                    let _ = checker.check(&body.as_bytes()[..end]);
                }
            }
        }
    }
}
