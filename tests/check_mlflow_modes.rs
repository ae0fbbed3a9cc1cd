//! The MLflow modes' rules for tensors, params and unified-LLM bodies, each accepted and
//! refused (tests/interop_modes.rs proves the decisions against the real MLflow; these pin
//! the reports: which problem, where, and the warnings for what MLflow changes).

use signature_runtime::mlflow::signature_from_json;
use signature_runtime::report::{ProblemKind, Report, Severity};
use signature_runtime::{CheckOptions, JsonChecker, Mode};

fn checker(inputs: &str, params: Option<&str>, mode: Mode) -> JsonChecker {
    let mut dict = serde_json::json!({ "inputs": inputs });
    if let Some(params) = params {
        dict["params"] = params.into();
    }
    let signature = signature_from_json(&dict.to_string()).expect("test signature");
    JsonChecker::for_signature(&signature).with_options(CheckOptions::new().with_mode(mode))
}

/// (severity, code, pointer) of every problem.
fn problems(report: &Report) -> Vec<(Severity, &'static str, String)> {
    report
        .problems()
        .iter()
        .map(|p| (p.severity(), p.kind().code(), p.pointer().to_owned()))
        .collect()
}

fn errors(report: &Report) -> Vec<(&'static str, String)> {
    problems(report)
        .into_iter()
        .filter(|(s, _, _)| *s == Severity::Error)
        .map(|(_, code, pointer)| (code, pointer))
        .collect()
}

/// One error as `errors` lists it.
fn error(code: &'static str, pointer: &str) -> (&'static str, String) {
    (code, pointer.to_owned())
}

fn changed(report: &Report) -> Vec<String> {
    report
        .problems()
        .iter()
        .filter(|p| p.kind() == ProblemKind::ValueChanged)
        .map(|p| format!("{}: {}", p.pointer(), p.message()))
        .collect()
}

const FLOAT32_2: &str =
    r#"[{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 2]}}]"#;
const INT8: &str = r#"[{"type": "tensor", "tensor-spec": {"dtype": "int8", "shape": [-1]}}]"#;
const INT64: &str = r#"[{"type": "tensor", "tensor-spec": {"dtype": "int64", "shape": [-1]}}]"#;

#[test]
fn serving_casts_tensor_elements_with_numpy() {
    let serving = checker(INT8, None, Mode::MlflowServing);
    let report = serving.check(br#"{"inputs": [1, 2.5, "7", true]}"#);
    assert!(report.is_valid(), "{report:?}");
    assert_eq!(
        changed(&report),
        [
            "/inputs/1: numpy truncates 2.5 to 2",
            "/inputs/2: numpy casts the string \"7\" to the number 7",
            "/inputs/3: numpy casts true to 1",
        ]
    );
    let report = serving.check(br#"{"inputs": [300, "x", null, -128]}"#);
    assert_eq!(
        errors(&report),
        [
            ("out_of_range", "/inputs/0".to_owned()),
            ("wrong_type", "/inputs/1".to_owned()),
            ("null_not_allowed", "/inputs/2".to_owned()),
        ]
    );
    let float = checker(FLOAT32_2, None, Mode::MlflowServing);
    let report = float.check(br#"{"inputs": [[1, null], [1e40, "2.5"]]}"#);
    assert!(report.is_valid(), "{report:?}");
    assert_eq!(changed(&report).len(), 3, "{report:?}");
    assert_eq!(
        errors(&float.check(br#"{"inputs": [["a", 1]]}"#)),
        [("wrong_type", "/inputs/0/0".to_owned())]
    );
}

#[test]
fn tensor_shapes_in_the_mlflow_modes() {
    for mode in [Mode::MlflowServing, Mode::MlflowPredict] {
        let float = checker(FLOAT32_2, None, mode);
        // Predict also refuses the dtype numpy infers for rows it could stack (float64).
        let predict_dtype = match mode {
            Mode::MlflowPredict => vec![error("wrong_type", "/inputs")],
            _ => vec![],
        };
        for (body, mut expected) in [
            (
                r#"{"inputs": [[1.5, 2.5], [3.5]]}"#,
                vec![error("tensor_shape", "/inputs/1")],
            ),
            (
                r#"{"inputs": [1.5, 2.5]}"#,
                vec![
                    error("tensor_shape", "/inputs/0"),
                    error("tensor_shape", "/inputs/1"),
                ],
            ),
        ] {
            expected.extend(predict_dtype.iter().cloned());
            assert_eq!(
                errors(&float.check(body.as_bytes())),
                expected,
                "{mode:?} {body}"
            );
        }
        for body in [
            r#"{"inputs": []}"#,
            r#"{"inputs": [{"a": 1.5}]}"#,
            r#"{"inputs": {"a": [1.5]}}"#,
        ] {
            assert_eq!(
                errors(&float.check(body.as_bytes())),
                [error("bad_envelope", "/inputs")],
                "{mode:?} {body}"
            );
        }
        let named = checker(
            r#"[{"name": "a", "type": "tensor", "tensor-spec": {"dtype": "float64", "shape": [-1, 2]}}]"#,
            None,
            mode,
        );
        assert_eq!(
            errors(&named.check(br#"{"inputs": {"a": []}}"#)),
            [("tensor_shape", "/inputs/a".to_owned())]
        );
        // A frame can only hold a tensor whose first dimension is -1 and the others fixed.
        let ragged = checker(
            r#"[{"name": "a", "type": "tensor", "tensor-spec": {"dtype": "float64", "shape": [-1, -1]}}]"#,
            None,
            mode,
        );
        assert_eq!(
            errors(&ragged.check(br#"{"dataframe_records": [{"a": [1.5, 2.5]}]}"#)),
            [error("tensor_shape", "/dataframe_records/0/a")]
        );
        assert!(
            ragged
                .check(br#"{"inputs": {"a": [[1.5, 2.5]]}}"#)
                .is_valid()
        );
    }
    // The scoring server builds an object array of ragged lists, which MLflow lets through
    // when the spec has a -1 below its first dimension; predict's numpy refuses them.
    let object = r#"[{"name": "o", "type": "tensor", "tensor-spec": {"dtype": "object", "shape": [-1, -1]}}]"#;
    let ragged = br#"{"inputs": {"o": [[1, 2], [3]]}}"#;
    assert!(
        checker(object, None, Mode::MlflowServing)
            .check(ragged)
            .is_valid()
    );
    assert_eq!(
        errors(&checker(object, None, Mode::MlflowPredict).check(ragged)),
        [
            error("tensor_shape", "/inputs/o/1"),
            error("wrong_type", "/inputs/o")
        ]
    );
}

#[test]
fn predict_wants_the_exact_tensor_dtype() {
    let predict = checker(INT64, None, Mode::MlflowPredict);
    assert!(predict.check(br#"{"inputs": [1, 2]}"#).is_valid());
    assert!(predict.check(br#"{"instances": [1, 2]}"#).is_valid());
    for body in [
        r#"{"inputs": [1, 2.5]}"#,
        r#"{"inputs": [1, null]}"#,
        r#"{"inputs": ["1"]}"#,
        r#"{"inputs": [true]}"#,
        r#"{"inputs": [9223372036854775808]}"#,
    ] {
        let report = predict.check(body.as_bytes());
        assert_eq!(
            errors(&report),
            [("wrong_type", "/inputs".to_owned())],
            "{body}"
        );
    }
    let float = checker(FLOAT32_2, None, Mode::MlflowPredict);
    assert_eq!(
        errors(&float.check(br#"{"inputs": [[1.5, 2.5]]}"#)),
        [error("wrong_type", "/inputs")]
    );
    // In a frame, predict reshapes and casts a tensor column as the server does.
    let report = checker(INT64, None, Mode::MlflowPredict)
        .check(br#"{"dataframe_split": {"columns": ["a"], "data": [[1], [2.5]]}}"#);
    assert!(report.is_valid(), "{report:?}");
    assert_eq!(changed(&report).len(), 1);
    // ...but a frame of several columns is handed over uncast.
    let two = checker(FLOAT32_2, None, Mode::MlflowPredict);
    assert_eq!(
        errors(&two.check(br#"{"dataframe_split": {"data": [[1.5, 2.5]]}}"#)),
        [error("wrong_type", "/dataframe_split/data/0/0")]
    );
    let two = checker(FLOAT32_2, None, Mode::MlflowServing);
    assert!(
        two.check(br#"{"dataframe_split": {"data": [[1.5, 2.5]]}}"#)
            .is_valid()
    );
}

const PARAMS: &str = r#"[
    {"name": "i", "default": 1, "shape": null, "type": "integer"},
    {"name": "d", "default": 1.0, "shape": null, "type": "double"},
    {"name": "t", "default": "2021-01-01", "shape": null, "type": "datetime"},
    {"name": "ls", "default": ["a"], "shape": [-1], "type": "string"},
    {"name": "o", "default": {"a": 1}, "shape": null, "type": "object",
     "properties": {"a": {"type": "long", "required": true}}}]"#;
const X: &str = r#"[{"type": "double", "name": "x", "required": true}]"#;

fn with_params(params: &str) -> String {
    format!(r#"{{"dataframe_split": {{"columns": ["x"], "data": [[1.5]]}}, "params": {params}}}"#)
}

#[test]
fn params_follow_enforce_params_schema() {
    for mode in [Mode::MlflowServing, Mode::MlflowPredict] {
        let check =
            |params: &str| checker(X, Some(PARAMS), mode).check(with_params(params).as_bytes());
        for fine in [
            r#"{"i": 2147483648}"#,
            r#"{"d": 1}"#,
            r#"{"t": "2021"}"#,
            r#"{"ls": ["a", null]}"#,
            r#"{"ls": []}"#,
            r#"{"o": {"a": 5}}"#,
            r#"{"zz": 1}"#,
            "null",
        ] {
            assert!(check(fine).is_valid(), "{mode:?} {fine}: {:?}", check(fine));
        }
        for (refused, code, pointer) in [
            (r#"{"i": 1.0}"#, "wrong_type", "/params/i"),
            (r#"{"d": true}"#, "wrong_type", "/params/d"),
            (r#"{"d": "1.5"}"#, "wrong_type", "/params/d"),
            (r#"{"t": 1}"#, "wrong_type", "/params/t"),
            (r#"{"ls": "a"}"#, "wrong_type", "/params/ls"),
            (r#"{"ls": [["a"]]}"#, "tensor_shape", "/params/ls/0"),
            (r#"{"ls": [1]}"#, "wrong_type", "/params/ls/0"),
            (r#"{"o": null}"#, "null_not_allowed", "/params/o"),
            (r#"{"o": {"a": 1.5}}"#, "wrong_type", "/params/o/a"),
            ("[1]", "bad_envelope", "/params"),
        ] {
            assert_eq!(
                errors(&check(refused)),
                [error(code, pointer)],
                "{mode:?} {refused}"
            );
        }
        let report = check(r#"{"d": null}"#);
        assert!(report.is_valid());
        assert_eq!(
            changed(&report),
            [
                "/params/d: MLflow passes null on to the model as None; the parameter's default is not used"
            ]
        );
        // Without a params schema, MLflow ignores params of any shape.
        let report = checker(X, None, mode).check(with_params("5").as_bytes());
        assert!(report.is_valid());
        assert_eq!(problems(&report)[0].1, "bad_envelope");
    }
    // Strict keeps its own rules: no null, the integer's range checked.
    let strict = checker(X, Some(PARAMS), Mode::Strict);
    assert_eq!(
        errors(&strict.check(with_params(r#"{"d": null}"#).as_bytes())),
        [error("null_not_allowed", "/params/d")]
    );
    assert_eq!(
        errors(&strict.check(with_params(r#"{"i": 2147483648}"#).as_bytes())),
        [error("out_of_range", "/params/i")]
    );
}

const CHAT: &str = r#"[{"type": "array", "items": {"type": "object", "properties": {
    "content": {"type": "string", "required": true},
    "role": {"type": "string", "required": true}}}, "name": "messages", "required": true}]"#;
const TEMPERATURE: &str =
    r#"[{"name": "temperature", "default": 0.1, "shape": null, "type": "double"}]"#;

#[test]
fn unified_llm_bodies_in_the_mlflow_modes() {
    for mode in [Mode::MlflowServing, Mode::MlflowPredict] {
        let chat = checker(CHAT, Some(TEMPERATURE), mode);
        let fine = br#"{"messages": [{"role": "user", "content": "hi"}], "temperature": 0.5}"#;
        let report = chat.check(fine);
        assert!(report.is_valid(), "{report:?}");
        assert!(report.problems().is_empty(), "{report:?}");
        // Keys other than the params are data columns: extra ones are dropped with a warning,
        // `params` included.
        let report = chat.check(br#"{"messages": [], "params": {"temperature": 0.5}}"#);
        assert!(report.is_valid());
        assert_eq!(problems(&report)[0].1, "extra_column");
        assert_eq!(
            errors(&chat.check(br#"{"messages": [{"role": "user"}], "temperature": "x"}"#)),
            [
                ("missing_property", "/messages/0".to_owned()),
                ("wrong_type", "/temperature".to_owned()),
            ]
        );
        // Checked first: the format keys beside an LLM key are data columns too.
        let report = chat.check(br#"{"inputs": {"x": 1}, "prompt": "hi"}"#);
        assert_eq!(errors(&report), [("missing_column", String::new())]);
        let completion = checker(
            r#"[{"type": "string", "name": "prompt", "required": true},
                {"type": "long", "name": "max_tokens", "required": false}]"#,
            None,
            mode,
        );
        // No cast, even for the scoring server: predict's dtype rules decide.
        assert!(
            completion
                .check(br#"{"prompt": "hi", "max_tokens": 5}"#)
                .is_valid()
        );
        assert_eq!(
            errors(&completion.check(br#"{"prompt": "hi", "max_tokens": 5.5}"#)),
            [error("wrong_type", "/max_tokens")]
        );
        assert_eq!(
            errors(&completion.check(br#"{"prompt": 5}"#)),
            [error("wrong_type", "/prompt")]
        );
        // `input` is an LLM key only for a signature with an `input` column.
        assert_eq!(
            errors(&checker(FLOAT32_2, None, mode).check(br#"{"input": [1.5, 2.5]}"#)),
            [error("bad_envelope", "")]
        );
    }
}

#[test]
fn strict_refuses_unified_llm_bodies_with_a_reason() {
    let report = checker(CHAT, Some(TEMPERATURE), Mode::Strict)
        .check(br#"{"messages": [{"role": "user", "content": "hi"}], "temperature": 0.5}"#);
    let problems = report.problems();
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert_eq!(problems[0].kind(), ProblemKind::BadEnvelope);
    assert_eq!(problems[0].pointer(), "/messages");
    assert!(problems[0].message().contains("unified-LLM body"));
    assert_eq!(problems[1].pointer(), "/temperature");
}

#[test]
fn predict_takes_instances_with_nulls_as_an_object_column() {
    // A null among an `instances` column's values makes numpy keep each value as a 0-d
    // array: the `object` column passes for `boolean`, `string` and `binary` only.
    let body = br#"{"instances": [{"x": 1}, {"x": null}]}"#;
    let column = |t: &str| format!(r#"[{{"type": "{t}", "name": "x", "required": true}}]"#);
    for t in ["boolean", "string", "binary"] {
        let report = checker(&column(t), None, Mode::MlflowPredict).check(body);
        assert!(report.is_valid(), "{t}: {report:?}");
    }
    for t in ["double", "long", "datetime"] {
        let report = checker(&column(t), None, Mode::MlflowPredict).check(body);
        assert_eq!(
            errors(&report),
            [("wrong_type", "/instances/0/x".to_owned())],
            "{t}"
        );
    }
    // Without a null, the values make one array of their own dtype.
    let report = checker(&column("double"), None, Mode::MlflowPredict)
        .check(br#"{"instances": [{"x": 1.5}, {"x": 2}]}"#);
    assert!(report.is_valid(), "{report:?}");
}

fn tensor(dtype: &str, shape: &str) -> String {
    format!(r#"[{{"type": "tensor", "tensor-spec": {{"dtype": "{dtype}", "shape": {shape}}}}}]"#)
}

fn named_tensor(dtype: &str) -> String {
    format!(
        r#"[{{"name": "b", "type": "tensor", "tensor-spec": {{"dtype": "{dtype}", "shape": [-1, 2]}}}}]"#
    )
}

#[test]
fn serving_casts_time_and_complex_elements_with_numpy() {
    let datetime = checker(&tensor("datetime64[ns]", "[-1]"), None, Mode::MlflowServing);
    // numpy reads a bare year, an offset (converted to UTC), integers (nanoseconds), "" and
    // null (NaT).
    let report = datetime.check(br#"{"inputs": ["5", "2021-01-01T00:00:00Z", 3, "", null]}"#);
    assert!(report.is_valid(), "{report:?}");
    assert_eq!(changed(&report).len(), 4, "{report:?}");
    assert_eq!(
        errors(&datetime.check(br#"{"inputs": [1.5, "1.5", "2021-02-30"]}"#)),
        [
            ("wrong_type", "/inputs/0".to_owned()),
            ("wrong_type", "/inputs/1".to_owned()),
            ("wrong_type", "/inputs/2".to_owned()),
        ]
    );
    let timedelta = checker(
        &tensor("timedelta64[ns]", "[-1]"),
        None,
        Mode::MlflowServing,
    );
    assert!(
        timedelta
            .check(br#"{"inputs": [5, " 7", null, ""]}"#)
            .is_valid()
    );
    assert_eq!(
        errors(&timedelta.check(br#"{"inputs": [1.5, "2021-01-01"]}"#)),
        [
            ("wrong_type", "/inputs/0".to_owned()),
            ("wrong_type", "/inputs/1".to_owned()),
        ]
    );
    let complex = checker(&tensor("complex64", "[-1]"), None, Mode::MlflowServing);
    assert!(
        complex
            .check(br#"{"inputs": ["1+2j", "j", 1, null]}"#)
            .is_valid()
    );
    assert_eq!(
        errors(&complex.check(br#"{"inputs": ["abc"]}"#)),
        [error("wrong_type", "/inputs/0")]
    );
    // Predict gets numpy's own dtype for the JSON, which is never one of these.
    for dtype in [
        "datetime64[ns]",
        "timedelta64[ns]",
        "complex64",
        "float16",
        "bytes",
    ] {
        let predict = checker(&tensor(dtype, "[-1]"), None, Mode::MlflowPredict);
        assert_eq!(
            errors(&predict.check(br#"{"inputs": ["1"]}"#)),
            [error("wrong_type", "/inputs")],
            "{dtype}"
        );
    }
}

#[test]
fn frame_tensor_columns_are_cast_by_their_dtype() {
    let split =
        |cells: &str| format!(r#"{{"dataframe_split": {{"columns": ["a"], "data": [{cells}]}}}}"#);
    let predict = checker(&tensor("datetime64[ns]", "[-1]"), None, Mode::MlflowPredict);
    // A float64 column is cast as a whole, which numpy allows; one warning says so.
    let report = predict.check(split("[1.5], [2.5]").as_bytes());
    assert!(report.is_valid(), "{report:?}");
    assert_eq!(
        changed(&report),
        [
            "/dataframe_split/data/0/0: numpy casts the column's float64 values to datetime64[ns] as a whole, changing them"
        ]
    );
    // A column of text is read string by string.
    assert_eq!(
        errors(&predict.check(split(r#"["2021-01-01"], ["1.5"]"#).as_bytes())),
        [("wrong_type", "/dataframe_split/data/1/0".to_owned())]
    );
    assert!(
        predict
            .check(split(r#"["5"], [null]"#).as_bytes())
            .is_valid()
    );
    // Mixed values are an object column, cast value by value; a first null there is None,
    // which MLflow's reshape refuses.
    assert!(predict.check(split(r#"[1], ["5"]"#).as_bytes()).is_valid());
    assert_eq!(
        errors(&predict.check(split(r#"[1], [1.5], ["5"]"#).as_bytes())),
        [error("wrong_type", "/dataframe_split/data/1/0")]
    );
    assert_eq!(
        errors(&predict.check(split("[null], [true]").as_bytes())),
        [("null_not_allowed", "/dataframe_split/data/0/0".to_owned())]
    );
    assert!(predict.check(split("[null], [1]").as_bytes()).is_valid());
    // The scoring server casts the column with pandas first, whose Timestamps MLflow's
    // reshape then refuses.
    let serving = checker(&tensor("datetime64[ns]", "[-1]"), None, Mode::MlflowServing);
    assert_eq!(
        errors(&serving.check(split(r#"["2021-01-01"]"#).as_bytes())),
        [("wrong_type", "/dataframe_split/data/0/0".to_owned())]
    );
    // ... and encodes a bytes column's text as UTF-8, refusing anything else.
    let bytes = checker(&tensor("bytes", "[-1]"), None, Mode::MlflowServing);
    assert!(bytes.check(split(r#"["é"]"#).as_bytes()).is_valid());
    assert_eq!(
        errors(&bytes.check(split("[1]").as_bytes())),
        [error("out_of_range", "/dataframe_split/data/0/0")]
    );
    let bytes = checker(&tensor("bytes", "[-1]"), None, Mode::MlflowPredict);
    assert_eq!(
        errors(&bytes.check(split(r#"["é"]"#).as_bytes())),
        [error("wrong_type", "/dataframe_split/data/0/0")]
    );
    assert!(bytes.check(split("[1]").as_bytes()).is_valid());
}

#[test]
fn frame_list_cells_are_stacked_then_cast() {
    for mode in [Mode::MlflowServing, Mode::MlflowPredict] {
        let datetime = checker(&named_tensor("datetime64[ns]"), None, mode);
        let records = |cells: &str| format!(r#"{{"dataframe_records": [{cells}]}}"#);
        // `np.vstack` makes numbers float64, which `astype` casts.
        assert!(
            datetime
                .check(records(r#"{"b": [1, 1.5]}"#).as_bytes())
                .is_valid(),
            "{mode:?}"
        );
        // With text among them, every element is text: "1.5" is no datetime, "1" is a year.
        assert_eq!(
            errors(&datetime.check(records(r#"{"b": [1.5, "2021"]}"#).as_bytes())),
            [("wrong_type", "/dataframe_records/0/b/0".to_owned())]
        );
        assert!(
            datetime
                .check(records(r#"{"b": [1, "2021"]}"#).as_bytes())
                .is_valid()
        );
        // The reshape wants a number or a string first.
        assert_eq!(
            errors(&datetime.check(records(r#"{"b": [null, 1]}"#).as_bytes())),
            [("null_not_allowed", "/dataframe_records/0/b".to_owned())]
        );
    }
    // The server encodes a bytes column's cells as text, which lists are not.
    let bytes = |mode| checker(&named_tensor("bytes"), None, mode);
    let body = br#"{"dataframe_records": [{"b": ["a", "b"]}]}"#;
    assert_eq!(
        errors(&bytes(Mode::MlflowServing).check(body)),
        [error("wrong_type", "/dataframe_records/0/b")]
    );
    assert!(bytes(Mode::MlflowPredict).check(body).is_valid());
}

#[test]
fn frame_columns_of_an_unnamed_tensor_in_the_scoring_server() {
    let two = |dtype: &str| checker(&tensor(dtype, "[-1, 2]"), None, Mode::MlflowServing);
    let body =
        |row: &str| format!(r#"{{"dataframe_split": {{"columns": ["a", "b"], "data": [{row}]}}}}"#);
    // Each column is cast with pandas, then `df.to_numpy()` must have the dtype: a bytes
    // column holds Python bytes objects, so the array is `object`.
    assert_eq!(
        errors(&two("bytes").check(body(r#"["a", "b"]"#).as_bytes())),
        [error("wrong_type", "/dataframe_split/data/0/0")]
    );
    let datetime = two("datetime64[ns]");
    assert!(datetime.check(body("[1.5, 2]").as_bytes()).is_valid());
    assert!(
        datetime
            .check(body(r#"["2021-01-01", ""]"#).as_bytes())
            .is_valid()
    );
    for refused in [r#"["5", "2021"]"#, r#"["2021-01-01T00:00:00Z", "2021"]"#] {
        assert_eq!(
            errors(&datetime.check(body(refused).as_bytes())),
            [error("wrong_type", "/dataframe_split/data/0/0")],
            "{refused}"
        );
    }
    // pandas casts booleans only in a column of booleans alone.
    assert!(datetime.check(body("[true, 1]").as_bytes()).is_valid());
    assert_eq!(
        errors(&datetime.check(body("[true, 1], [null, 1]").as_bytes())),
        [("wrong_type", "/dataframe_split/data/1/0".to_owned())]
    );
}

const COMPLETION: &str = r#"[{"type": "string", "name": "prompt", "required": true},
    {"type": "long", "name": "max_tokens", "required": false}]"#;

#[test]
fn unified_llm_dicts_are_framed_as_pandas_does() {
    for mode in [Mode::MlflowServing, Mode::MlflowPredict] {
        let completion = checker(COMPLETION, None, mode);
        let check = |body: &str| completion.check(body.as_bytes());
        // Every value a single value or a list of strings: one row, each list one cell.
        assert!(check(r#"{"prompt": ["a", "b"], "max_tokens": 5}"#).is_valid());
        assert!(check(r#"{"prompt": [], "max_tokens": 5}"#).is_valid());
        assert_eq!(
            errors(&check(r#"{"prompt": ["a", "b"], "max_tokens": null}"#)),
            [("wrong_type", "/max_tokens".to_owned())]
        );
        // Else a column of each list, the single values repeated on every row.
        assert!(check(r#"{"prompt": "a", "max_tokens": [5, 6]}"#).is_valid());
        assert!(check(r#"{"prompt": "a", "max_tokens": 5, "stop": [[1]]}"#).is_valid());
        assert_eq!(
            errors(&check(r#"{"prompt": [1, 2], "max_tokens": 5}"#)),
            [("wrong_type", "/prompt/0".to_owned())]
        );
        assert_eq!(
            errors(&check(r#"{"prompt": "a", "max_tokens": [null, 5]}"#)),
            [("wrong_type", "/max_tokens/0".to_owned())]
        );
        // Every list, named in the signature or not, must have the same length.
        for unequal in [
            r#"{"prompt": ["a", "b"], "max_tokens": [5]}"#,
            r#"{"prompt": ["a", "b"], "max_tokens": 5, "stop": [1]}"#,
        ] {
            assert_eq!(
                errors(&check(unequal)),
                [("row_length", String::new())],
                "{unequal}"
            );
        }
        // An object's keys are the rows (NaN where another object lacks one); objects and
        // lists together are refused.
        assert!(check(r#"{"prompt": "hi", "max_tokens": {"a": 5}}"#).is_valid());
        // Row `a` has no `max_tokens`: NaN makes the column float64, which `long` refuses.
        assert_eq!(
            errors(&check(
                r#"{"prompt": "hi", "x": {"a": 5}, "max_tokens": {"b": 6}}"#
            )),
            [error("wrong_type", "/max_tokens/b")]
        );
        assert_eq!(
            errors(&check(r#"{"prompt": {"a": "x"}, "max_tokens": [1]}"#)),
            [("bad_envelope", String::new())]
        );
        // No rows: an empty object is a float64 column, which `string` refuses.
        assert_eq!(
            errors(&check(r#"{"prompt": {}, "max_tokens": 1}"#)),
            [error("wrong_type", "")]
        );
    }
}
