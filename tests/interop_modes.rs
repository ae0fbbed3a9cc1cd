//! Differential tests of the MLflow modes of the JSON checker against the real MLflow.
//!
//! Thousands of generated (signature, body) cases, over the four body formats and every scalar
//! type plus arrays, objects, maps, optional columns, nulls, extra and missing columns, wrong
//! types, integer ranges, floats for integers, strings for numbers and booleans; unnamed
//! (positional) columns, tensors (unnamed and named, whole and row by row, ragged, empty, and
//! of the dtypes numpy casts by rules of their own: `bytes`, `datetime64`, `timedelta64`,
//! `float16`, complex), every parameter type given every kind of JSON value, and unified-LLM
//! bodies (single values, lists and objects mixed). Each is asked to MLflow twice: the scoring
//! server's decision (`scoring_server.invocations` with the model's input schema) and
//! `pyfunc.predict`'s (the same with `input_schema=None`). Our `Mode::MlflowServing` and
//! `Mode::MlflowPredict` must reach the same accept/reject, except for the cases listed in
//! [`KNOWN`], each with the reason we differ (also in docs/mlflow-differences.md). Listed cases
//! must still differ, so the list cannot rot.

use std::collections::BTreeSet;

use serde_json::{Value, json};
use signature_runtime::mlflow::signature_from_json;
use signature_runtime::{CheckOptions, JsonChecker, Mode};
use signature_tests::mlflow::oracle;
use signature_tests::modes;

/// The signatures: (name, inputs JSON). Few, since MLflow saves one model per signature.
const SIGNATURES: &[(&str, &str)] = &[
    (
        "long",
        r#"[{"type": "long", "name": "x", "required": true}]"#,
    ),
    (
        "integer",
        r#"[{"type": "integer", "name": "x", "required": true}]"#,
    ),
    (
        "double",
        r#"[{"type": "double", "name": "x", "required": true}]"#,
    ),
    (
        "float",
        r#"[{"type": "float", "name": "x", "required": true}]"#,
    ),
    (
        "boolean",
        r#"[{"type": "boolean", "name": "x", "required": true}]"#,
    ),
    (
        "string",
        r#"[{"type": "string", "name": "x", "required": true}]"#,
    ),
    (
        "binary",
        r#"[{"type": "binary", "name": "x", "required": true}]"#,
    ),
    (
        "datetime",
        r#"[{"type": "datetime", "name": "x", "required": true}]"#,
    ),
    (
        "mixed",
        r#"[{"type": "long", "name": "a", "required": true},
            {"type": "double", "name": "b", "required": true},
            {"type": "string", "name": "c", "required": true},
            {"type": "boolean", "name": "d", "required": false}]"#,
    ),
    (
        "optional",
        r#"[{"type": "long", "name": "a", "required": false},
            {"type": "double", "name": "b", "required": false}]"#,
    ),
    (
        "array_double",
        r#"[{"type": "array", "items": {"type": "double"}, "name": "v", "required": true}]"#,
    ),
    (
        "array_long_string",
        r#"[{"type": "array", "items": {"type": "long"}, "name": "v", "required": true},
            {"type": "array", "items": {"type": "string"}, "name": "t", "required": false}]"#,
    ),
    (
        "object",
        r#"[{"type": "object", "name": "o", "required": true, "properties": {
               "a": {"type": "long", "required": true},
               "b": {"type": "string", "required": false}}}]"#,
    ),
    (
        "map",
        r#"[{"type": "map", "values": {"type": "double"}, "name": "m", "required": true}]"#,
    ),
    (
        "nested_numbers",
        r#"[{"type": "array", "items": {"type": "float"}, "name": "v", "required": false},
            {"type": "object", "name": "o", "required": false, "properties": {
               "i": {"type": "integer", "required": false},
               "d": {"type": "double", "required": false},
               "f": {"type": "float", "required": false}}}]"#,
    ),
    (
        "positional",
        r#"[{"type": "long", "required": true}, {"type": "double", "required": true},
            {"type": "string", "required": true}]"#,
    ),
    (
        "tensor_float32",
        r#"[{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 2]}}]"#,
    ),
    (
        "tensor_int64",
        r#"[{"type": "tensor", "tensor-spec": {"dtype": "int64", "shape": [-1]}}]"#,
    ),
    (
        "tensor_named",
        r#"[{"name": "a", "type": "tensor", "tensor-spec": {"dtype": "float64", "shape": [-1, 2]}},
            {"name": "b", "type": "tensor", "tensor-spec": {"dtype": "int32", "shape": [-1]}}]"#,
    ),
    (
        "tensor_misc",
        r#"[{"name": "s", "type": "tensor", "tensor-spec": {"dtype": "str", "shape": [-1]}},
            {"name": "t", "type": "tensor", "tensor-spec": {"dtype": "bool", "shape": [-1]}},
            {"name": "u", "type": "tensor", "tensor-spec": {"dtype": "uint8", "shape": [-1]}},
            {"name": "o", "type": "tensor", "tensor-spec": {"dtype": "object", "shape": [-1, -1]}}]"#,
    ),
    (
        "params",
        r#"[{"type": "double", "name": "x", "required": true}]"#,
    ),
    (
        "chat",
        r#"[{"type": "array", "items": {"type": "object", "properties": {
               "content": {"type": "string", "required": true},
               "role": {"type": "string", "required": true}}},
             "name": "messages", "required": true}]"#,
    ),
    (
        "completion",
        r#"[{"type": "string", "name": "prompt", "required": true},
            {"type": "long", "name": "max_tokens", "required": false}]"#,
    ),
];

/// The tensor dtypes numpy casts by rules of their own (byte strings, dates, durations, half
/// floats, complex numbers), each with the names of its three signatures: an unnamed tensor
/// of shape `(-1,)`, an unnamed tensor of shape `(-1, 2)`, and tensors `a` of shape `(-1,)`
/// and `b` of shape `(-1, 2)` (see [`inputs_of`]).
const CAST_DTYPES: &[(&str, [&str; 3])] = &[
    ("bytes", ["bytes_1d", "bytes_2d", "bytes_named"]),
    (
        "datetime64[ns]",
        ["datetime_ns_1d", "datetime_ns_2d", "datetime_ns_named"],
    ),
    (
        "datetime64[s]",
        ["datetime_s_1d", "datetime_s_2d", "datetime_s_named"],
    ),
    (
        "timedelta64[ns]",
        ["timedelta_1d", "timedelta_2d", "timedelta_named"],
    ),
    ("float16", ["float16_1d", "float16_2d", "float16_named"]),
    (
        "complex64",
        ["complex64_1d", "complex64_2d", "complex64_named"],
    ),
    (
        "complex128",
        ["complex128_1d", "complex128_2d", "complex128_named"],
    ),
];

/// The inputs JSON of signature `sig`: from [`SIGNATURES`], or made for a [`CAST_DTYPES`]
/// tensor.
fn inputs_of(sig: &str) -> String {
    if let Some((_, inputs)) = SIGNATURES.iter().find(|(name, _)| *name == sig) {
        return (*inputs).to_owned();
    }
    let (dtype, names) = CAST_DTYPES
        .iter()
        .find(|(_, names)| names.contains(&sig))
        .unwrap_or_else(|| panic!("test bug: no signature {sig}"));
    let spec = |name: Option<&str>, shape: &str| {
        let tensor = json!({"type": "tensor", "tensor-spec": {"dtype": dtype, "shape": serde_json::from_str::<Value>(shape).unwrap()}});
        match name {
            Some(name) => {
                json!({"name": name, "type": "tensor", "tensor-spec": tensor["tensor-spec"]})
            }
            None => tensor,
        }
    };
    let inputs = if sig == names[0] {
        json!([spec(None, "[-1]")])
    } else if sig == names[1] {
        json!([spec(None, "[-1, 2]")])
    } else {
        json!([spec(Some("a"), "[-1]"), spec(Some("b"), "[-1, 2]")])
    };
    inputs.to_string()
}

/// The params schemas of the signatures that have one: (name, params JSON).
const PARAMS: &[(&str, &str)] = &[
    (
        "params",
        r#"[{"name": "i", "default": 1, "shape": null, "type": "integer"},
            {"name": "l", "default": 1, "shape": null, "type": "long"},
            {"name": "f", "default": 1.0, "shape": null, "type": "float"},
            {"name": "d", "default": 1.0, "shape": null, "type": "double"},
            {"name": "b", "default": true, "shape": null, "type": "boolean"},
            {"name": "s", "default": "a", "shape": null, "type": "string"},
            {"name": "t", "default": "2021-01-01", "shape": null, "type": "datetime"},
            {"name": "ls", "default": ["a"], "shape": [-1], "type": "string"},
            {"name": "ll", "default": [1], "shape": [-1], "type": "long"},
            {"name": "o", "default": {"a": 1}, "shape": null, "type": "object", "properties": {
               "a": {"type": "long", "required": true},
               "z": {"type": "double", "required": false}}}]"#,
    ),
    (
        "chat",
        r#"[{"name": "temperature", "default": 0.1, "shape": null, "type": "double"}]"#,
    ),
    (
        "positional",
        r#"[{"name": "k", "default": 1, "shape": null, "type": "long"}]"#,
    ),
    (
        "tensor_named",
        r#"[{"name": "k", "default": 1, "shape": null, "type": "long"}]"#,
    ),
];

/// Scalar values tried in every single-column signature.
const SCALARS: &[&str] = &[
    "1",
    "0",
    "5638",
    "-7",
    "2.0",
    "5.5",
    "1e3",
    "-0",
    r#""5638""#,
    r#""5.5""#,
    r#""abc""#,
    r#""""#,
    "true",
    "false",
    r#""false""#,
    "null",
    "9223372036854775808",
    "2147483648",
    "16777217",
    "9007199254740993",
    "[1]",
    r#"{"a": 1}"#,
    r#""aGVsbG8=""#,
    r#""aGVsbG8""#,
    r#""!!!!""#,
    r#""2021-01-01T00:00:00""#,
    r#""2021-01-01""#,
    r#""2021-01-01T00:00:00Z""#,
];

/// Two-value columns for the single-column signatures: how a column mixes.
const PAIRS: &[(&str, &str)] = &[
    ("1", "2"),
    ("1", "2.5"),
    ("1", "null"),
    ("0", "1"),
    ("true", "null"),
    (r#""a""#, "null"),
    (r#""a""#, "1"),
    ("1.5", "null"),
];

/// The four formats for one column `x` holding `values` (one per row).
fn single_column_bodies(values: &[&str]) -> Vec<String> {
    let rows: Vec<String> = values.iter().map(|v| format!("[{v}]")).collect();
    let records: Vec<String> = values.iter().map(|v| format!(r#"{{"x": {v}}}"#)).collect();
    vec![
        format!(
            r#"{{"dataframe_split": {{"columns": ["x"], "data": [{}]}}}}"#,
            rows.join(", ")
        ),
        format!(r#"{{"dataframe_records": [{}]}}"#, records.join(", ")),
        format!(r#"{{"inputs": {{"x": [{}]}}}}"#, values.join(", ")),
        format!(r#"{{"instances": [{}]}}"#, records.join(", ")),
    ]
}

/// Records in all four formats (split from the records' keys in first-seen order).
fn record_bodies(records: &[&str]) -> Vec<String> {
    let parsed: Vec<serde_json::Map<String, Value>> = records
        .iter()
        .map(|r| match serde_json::from_str(r) {
            Ok(Value::Object(map)) => map,
            _ => panic!("test bug: not a record: {r}"),
        })
        .collect();
    let mut columns: Vec<String> = Vec::new();
    for record in &parsed {
        for key in record.keys() {
            if !columns.contains(key) {
                columns.push(key.clone());
            }
        }
    }
    let data: Vec<Value> = parsed
        .iter()
        .map(|r| {
            Value::Array(
                columns
                    .iter()
                    .map(|c| r.get(c).cloned().unwrap_or(Value::Null))
                    .collect(),
            )
        })
        .collect();
    let complete = parsed.iter().all(|r| r.len() == columns.len());
    let list = format!("[{}]", records.join(", "));
    let mut bodies = vec![
        format!(r#"{{"dataframe_records": {list}}}"#),
        format!(r#"{{"instances": {list}}}"#),
        format!(r#"{{"inputs": {list}}}"#),
    ];
    if complete {
        bodies.push(json!({"dataframe_split": {"columns": columns, "data": data}}).to_string());
        let dict: serde_json::Map<String, Value> = columns
            .iter()
            .map(|c| {
                let values = parsed.iter().map(|r| r[c].clone()).collect();
                (c.clone(), Value::Array(values))
            })
            .collect();
        bodies.push(json!({"inputs": dict}).to_string());
    }
    bodies
}

/// A one-row body of a nested column `name` holding `value`, in every format (an `inputs`
/// dict is one row when the schema has an array or object column).
fn nested_bodies(name: &str, value: &str) -> Vec<String> {
    vec![
        format!(r#"{{"dataframe_split": {{"columns": ["{name}"], "data": [[{value}]]}}}}"#),
        format!(r#"{{"dataframe_records": [{{"{name}": {value}}}]}}"#),
        format!(r#"{{"inputs": {{"{name}": {value}}}}}"#),
        format!(r#"{{"instances": [{{"{name}": {value}}}]}}"#),
    ]
}

/// Every case: (signature name, body).
fn cases() -> Vec<(&'static str, String)> {
    let mut cases = Vec::new();
    let scalar_signatures = [
        "long", "integer", "double", "float", "boolean", "string", "binary", "datetime",
    ];
    for sig in scalar_signatures {
        for value in SCALARS {
            for body in single_column_bodies(&[value]) {
                cases.push((sig, body));
            }
        }
        for (a, b) in PAIRS {
            for body in single_column_bodies(&[a, b]) {
                cases.push((sig, body));
            }
        }
    }
    let mixed_records: &[&[&str]] = &[
        &[r#"{"a": 1, "b": 1.5, "c": "x", "d": true}"#],
        &[r#"{"a": 1, "b": 1.5, "c": "x"}"#],
        &[r#"{"a": 1, "b": 1.5, "c": "x", "d": null}"#],
        &[r#"{"a": 1, "b": 1.5}"#],
        &[r#"{"a": 1, "b": 1.5, "c": "x", "z": 3}"#],
        &[r#"{"a": "5", "b": 1.5, "c": "x"}"#],
        &[r#"{"a": 1, "b": "abc", "c": "x"}"#],
        &[r#"{"a": 1.5, "b": 2, "c": 3}"#],
        &[r#"{"a": null, "b": null, "c": null}"#],
        &[
            r#"{"a": 1, "b": 1.5, "c": "x", "d": true}"#,
            r#"{"a": 2, "b": 2.5, "c": "y"}"#,
        ],
        &[
            r#"{"a": 1, "b": 0.5, "c": "x"}"#,
            r#"{"a": 2, "b": 1, "c": "y"}"#,
        ],
    ];
    for records in mixed_records {
        for body in record_bodies(records) {
            cases.push(("mixed", body));
        }
    }
    let optional_records: &[&[&str]] = &[
        &[r#"{"a": 1, "b": 1.5}"#],
        &[r#"{"a": 1}"#],
        &[r#"{"b": 1.5}"#],
        &[r#"{"a": 1}"#, r#"{"b": 2.5}"#],
        &[r#"{"a": 1, "b": 1.5}"#, r#"{"a": 2}"#],
        &[r#"{"a": null, "b": null}"#],
        &[r#"{"z": 1}"#],
    ];
    for records in optional_records {
        for body in record_bodies(records) {
            cases.push(("optional", body));
        }
    }
    for value in [
        "[1.5, 2.5]",
        "[1, 2]",
        "[0, 1]",
        "[1, 2.5]",
        "[]",
        "null",
        r#""x""#,
        "[null]",
        "[1.5, null]",
        r#"["1", "2"]"#,
        "[true]",
        "5",
    ] {
        for body in nested_bodies("v", value) {
            cases.push(("array_double", body));
        }
    }
    for value in [
        "[1, 2]", "[1.5]", "[]", r#"["1"]"#, "[true]", "null", "[null]",
    ] {
        for body in nested_bodies("v", value) {
            cases.push(("array_long_string", body));
        }
    }
    for records in [
        r#"{"v": [1], "t": ["a", "b"]}"#,
        r#"{"v": [1], "t": [1, 2]}"#,
        r#"{"v": [1], "t": null}"#,
        r#"{"v": [1], "t": []}"#,
        r#"{"v": [1], "t": "a"}"#,
    ] {
        for body in record_bodies(&[records]) {
            cases.push(("array_long_string", body));
        }
    }
    for value in [
        r#"{"a": 1}"#,
        r#"{"a": 1, "b": "x"}"#,
        r#"{"a": 1, "b": null}"#,
        r#"{"a": 1, "c": 2}"#,
        "{}",
        r#"{"b": "x"}"#,
        r#"{"a": "1"}"#,
        r#"{"a": 1.5}"#,
        r#"{"a": true}"#,
        r#"{"a": 1, "b": 2}"#,
        "null",
        "[1]",
        r#""a""#,
    ] {
        for body in nested_bodies("o", value) {
            cases.push(("object", body));
        }
    }
    for value in [
        r#"{"k": 1.5}"#,
        r#"{"k": 1}"#,
        r#"{"k": 0}"#,
        "{}",
        r#"{"k": "x"}"#,
        r#"{"k": null}"#,
        "null",
        "[1.5]",
        r#"{"k": 1.5, "j": 2.5}"#,
    ] {
        for body in nested_bodies("m", value) {
            cases.push(("map", body));
        }
    }
    for value in [
        "[0, 1]",
        "[1.5]",
        "[]",
        "null",
        r#"{"i": 1}"#,
        r#"{"d": 2}"#,
        r#"{"d": 1}"#,
        r#"{"d": 2.5}"#,
        r#"{"f": 0}"#,
        r#"{"f": 2.5}"#,
        "{}",
    ] {
        let name = if value.starts_with('{') { "o" } else { "v" };
        for body in nested_bodies(name, value) {
            cases.push(("nested_numbers", body));
        }
    }
    // Datetime columns mixing formats, and timezones.
    for values in [
        &[r#""2021-01-01T00:00:00""#, r#""2021-06-30T12:34:56.5""#][..],
        &[r#""2021-01-01""#, r#""2021-06-30T12:34:56""#][..],
        &[r#""2021-01-01 10:00:00""#][..],
        &[r#""2021-01-01T00:00:00+02:00""#][..],
        &[r#""2021-13-01""#][..],
    ] {
        for body in single_column_bodies(values) {
            cases.push(("datetime", body));
        }
    }
    // Numbers at the edges of the types.
    for value in [
        "1e39",
        "3.4e38",
        "1e400",
        "-9223372036854775808",
        "-2147483649",
        "1.0e0",
    ] {
        for sig in ["long", "integer", "double", "float"] {
            for body in single_column_bodies(&[value]) {
                cases.push((sig, body));
            }
        }
    }
    // JSON MLflow's `json.loads` reads but RFC 8259 does not allow, and other body quirks.
    for body in [
        r#"{"dataframe_split": {"columns": ["x"], "data": [[NaN]]}}"#,
        r#"{"dataframe_split": {"columns": ["x"], "data": [[Infinity]]}}"#,
        r#"{"dataframe_records": [{"x": 1, "x": 2}]}"#,
        r#"{"dataframe_split": {"columns": ["x"], "data": [[1, 2]]}}"#,
        r#"{"dataframe_split": {"columns": ["x", "x"], "data": [[1, 2]]}}"#,
        r#"{"inputs": {"x": [1, 2]}, "inputs": {"x": [3]}}"#,
        r#"{"dataframe_split": {"columns": ["x"], "data": [[1]], "index": [0]}}"#,
        r#"{"dataframe_split": {"data": [[1]], "columns": ["x"]}}"#,
        r#"{"dataframe_records": []}"#,
        r#"{"inputs": {"x": []}}"#,
        r#"{"dataframe_split": {"columns": ["x"], "data": [[1]]}, "params": {"k": 1}}"#,
    ] {
        cases.push(("double", body.to_owned()));
    }
    // Envelopes.
    for body in [
        r#"{"dataframe_split": {"columns": ["x"], "data": [[1]]}, "extra": 1}"#,
        r#"[{"x": 1}]"#,
        r#"{"dataframe_split": {"columns": ["y"], "data": [[1]]}}"#,
        r#"{"dataframe_split": {"columns": ["x", "y"], "data": [[1, 2]]}}"#,
        r#"{"dataframe_split": {"data": [[1]]}}"#,
        r#"{"inputs": [1, 2, 3]}"#,
        r#"{"inputs": 5}"#,
        r#"{"instances": [1, 2]}"#,
        r#"{"dataframe_records": [{"y": 1}]}"#,
        r#"{"inputs": {"x": 1}}"#,
    ] {
        cases.push(("long", body.to_owned()));
    }
    cases.extend(positional_cases());
    cases.extend(tensor_cases());
    cases.extend(cast_dtype_cases());
    cases.extend(param_cases());
    cases.extend(llm_cases());
    cases
}

/// The same body with `params` beside the data, and without.
fn with_and_without_params(body: &str, params: &str) -> [String; 2] {
    let with = format!("{}, \"params\": {params}}}", &body[..body.len() - 1]);
    [body.to_owned(), with]
}

/// Unnamed columns, matched by position, in every format.
fn positional_cases() -> Vec<(&'static str, String)> {
    let mut cases = Vec::new();
    for row in [
        r#"[1, 1.5, "a"]"#,
        r#"[1, 2, "a"]"#,
        r#"[1.5, 1.5, "a"]"#,
        r#"["1", "1.5", 3]"#,
        r#"[1, 1.5]"#,
        r#"[1, 1.5, "a", true]"#,
        r#"[null, null, null]"#,
        r#"[1, 0, "a"]"#,
        r#"[true, 1.5, "a"]"#,
        r#"[9223372036854775808, 1.5, "a"]"#,
    ] {
        let bodies = [
            format!(r#"{{"dataframe_split": {{"data": [{row}]}}}}"#),
            format!(r#"{{"dataframe_split": {{"data": [{row}, {row}]}}}}"#),
            format!(
                r#"{{"dataframe_split": {{"columns": ["p", "q", "r", "s"], "data": [{row}]}}}}"#
            ),
            format!(r#"{{"inputs": [{row}]}}"#),
            format!(r#"{{"instances": [{row}, {row}]}}"#),
        ];
        for body in bodies {
            for body in with_and_without_params(&body, r#"{"k": 2}"#) {
                cases.push(("positional", body));
            }
        }
    }
    for records in [
        r#"[{"p": 1, "q": 1.5, "r": "a"}]"#,
        r#"[{"r": "a", "q": 1.5, "p": 1}]"#,
        r#"[{"p": 1, "q": 1.5}]"#,
        r#"[{"p": 1, "q": 2, "r": "a"}, {"p": 2, "q": 2.5, "r": "b"}]"#,
    ] {
        for body in [
            format!(r#"{{"dataframe_records": {records}}}"#),
            format!(r#"{{"inputs": {records}}}"#),
            format!(r#"{{"instances": {records}}}"#),
        ] {
            cases.push(("positional", body));
        }
    }
    for body in [
        r#"{"inputs": {"p": [1], "q": [1.5], "r": ["a"]}}"#,
        r#"{"inputs": {"p": [1, 2], "q": [1.5, 2], "r": ["a", "b"]}}"#,
        r#"{"inputs": {"p": 1, "q": 1.5, "r": "a"}}"#,
        r#"{"dataframe_split": {"data": [[1, 1.5, "a"]]}, "params": {"k": 2.5}}"#,
        r#"{"dataframe_split": {"data": [[1, 1.5, "a"]]}, "params": {"zz": 2}}"#,
    ] {
        cases.push(("positional", body.to_owned()));
    }
    cases
}

/// Tensor schemas: whole tensors under `inputs`, rows under `instances` and in frames.
fn tensor_cases() -> Vec<(&'static str, String)> {
    let mut cases = Vec::new();
    for value in [
        "[[1, 2], [3, 4]]",
        "[[1.5, 2], [3, 4]]",
        "[[1, 2], [3]]",
        r#"[["1", "2.5"]]"#,
        r#"[["a", "b"]]"#,
        "[[true, false]]",
        "[[null, 1]]",
        "[1, 2]",
        "[[[1, 2]]]",
        "[]",
        "[[1e40, 1]]",
        "[[]]",
        r#"[{"a": 1}]"#,
        "5",
    ] {
        cases.push(("tensor_float32", format!(r#"{{"inputs": {value}}}"#)));
        cases.push(("tensor_float32", format!(r#"{{"instances": {value}}}"#)));
    }
    for frame in [
        r#"{"dataframe_split": {"columns": ["a", "b"], "data": [[1.5, 2], [3, 4]]}}"#,
        r#"{"dataframe_split": {"columns": ["a", "b"], "data": [[1, 2]]}}"#,
        r#"{"dataframe_split": {"columns": ["a", "b", "c"], "data": [[1, 2, 3]]}}"#,
        r#"{"dataframe_split": {"columns": ["a"], "data": [[1.5]]}}"#,
        r#"{"dataframe_split": {"data": [[1.5, "2"]]}}"#,
        r#"{"dataframe_records": [{"a": 1.5, "b": 2.5}]}"#,
        r#"{"dataframe_records": [{"a": 1.5, "b": "x"}]}"#,
    ] {
        cases.push(("tensor_float32", frame.to_owned()));
    }
    for value in [
        "[1, 2, 3]",
        "[1.5, 2]",
        "[1, 2.0]",
        r#"["7", "8"]"#,
        r#"["x"]"#,
        "[true]",
        "[null]",
        "[9223372036854775808]",
        "[-9223372036854775809]",
        "[[1]]",
        "1",
        "[]",
        r#"[" 7 "]"#,
        r#"["1.5"]"#,
    ] {
        cases.push(("tensor_int64", format!(r#"{{"inputs": {value}}}"#)));
        cases.push(("tensor_int64", format!(r#"{{"instances": {value}}}"#)));
    }
    for frame in [
        r#"{"dataframe_split": {"columns": ["a"], "data": [[1], [2]]}}"#,
        r#"{"dataframe_split": {"columns": ["a"], "data": [[1.5], [null]]}}"#,
        r#"{"dataframe_split": {"columns": ["a"], "data": [["3"]]}}"#,
        r#"{"dataframe_records": [{"a": 1}, {"a": 2.5}]}"#,
        r#"{"dataframe_records": [{"a": [1]}]}"#,
    ] {
        cases.push(("tensor_int64", frame.to_owned()));
    }
    for body in [
        r#"{"inputs": {"a": [[1, 2]], "b": [1]}}"#,
        r#"{"inputs": {"a": [[1.5, 2]], "b": [1.5]}}"#,
        r#"{"inputs": {"a": [[1.5, 2]], "b": [2147483648]}}"#,
        r#"{"inputs": {"a": [[1.5, 2.5]]}}"#,
        r#"{"inputs": {"a": [[1.5, 2.5]], "b": [1], "c": 5}}"#,
        r#"{"inputs": {"a": [[1.5, 2.5]], "b": 1}}"#,
        r#"{"inputs": {"a": [], "b": []}}"#,
        r#"{"inputs": {"a": [[1.5, 2.5]], "b": []}}"#,
        r#"{"inputs": {"a": [[1.5, "x"]], "b": [1]}}"#,
        r#"{"inputs": {"a": [[1.5, 2.5], [1]], "b": [1, 2]}}"#,
        r#"{"inputs": [[1.5, 2.5]]}"#,
        r#"{"inputs": [{"a": [1.5, 2.5], "b": 1}]}"#,
        r#"{"instances": [{"a": [1.5, 2.5], "b": 1}]}"#,
        r#"{"instances": [{"a": [1.5, 2.5], "b": 1}, {"a": [3.5, 4], "b": 2}]}"#,
        r#"{"instances": [{"a": [1.5, 2.5], "b": 1}, {"a": [3.5, 4]}]}"#,
        r#"{"instances": [{"a": [1.5, 2.5], "b": 1.5}]}"#,
        r#"{"dataframe_split": {"columns": ["a", "b"], "data": [[[1, 2], 1]]}}"#,
        r#"{"dataframe_records": [{"a": [1, 2], "b": 1}]}"#,
        r#"{"dataframe_records": [{"a": [1, 2], "b": 1.5}]}"#,
        r#"{"dataframe_records": [{"a": [1, "x"], "b": 1}]}"#,
        r#"{"dataframe_records": [{"a": [1, 2, 3], "b": 1}]}"#,
        r#"{"dataframe_records": [{"a": 1, "b": 1}]}"#,
        r#"{"dataframe_records": [{"a": [1, null], "b": 1}]}"#,
        r#"{"dataframe_records": [{"a": [1, 2], "b": null}]}"#,
        r#"{"dataframe_records": [{"a": [1, 2], "b": "5"}]}"#,
    ] {
        for body in with_and_without_params(body, r#"{"k": 3}"#) {
            cases.push(("tensor_named", body));
        }
    }
    for body in [
        r#"{"inputs": {"s": ["a", "b"], "t": [true], "u": [1], "o": [[1, "a"]]}}"#,
        r#"{"inputs": {"s": [1, 2], "t": [1, 0], "u": [255], "o": [[null]]}}"#,
        r#"{"inputs": {"s": ["a", null], "t": ["x", ""], "u": [256], "o": [[1]]}}"#,
        r#"{"inputs": {"s": [true], "t": [null], "u": [-1], "o": [[1, 2], [3]]}}"#,
        r#"{"inputs": {"s": ["a"], "t": [false], "u": [1.5], "o": [[1, 2], [3, 4]]}}"#,
        r#"{"inputs": {"s": ["a"], "t": [true, false], "u": ["7"], "o": [[{"k": 1}]]}}"#,
        r#"{"inputs": {"s": ["é"], "t": [true], "u": [7], "o": []}}"#,
    ] {
        cases.push(("tensor_misc", body.to_owned()));
    }
    cases
}

/// Values tried in every tensor of a [`CAST_DTYPES`] dtype: numbers small, fractional, beyond
/// `float16` and beyond 64 bits, strings of digits, of a complex number, of text, of a number
/// after a space, of `NaT` and of dates, booleans, null, and a list where an element belongs.
const CAST_VALUES: &[&str] = &[
    "1",
    "0",
    "-7",
    "1.5",
    "1e3",
    "70000",
    "9223372036854775808",
    r#""5""#,
    r#""1.5""#,
    r#""1+2j""#,
    r#""abc""#,
    r#""""#,
    r#"" 7""#,
    r#""NaT""#,
    r#""é""#,
    r#""2021-01-01""#,
    r#""2021-01-01T00:00:00""#,
    r#""2021-01-01T00:00:00Z""#,
    r#""2021""#,
    "true",
    "null",
    "[1]",
];

/// Two values in one tensor: how numpy's dtype for the whole array (predict) and the cast of
/// each (serving) mix.
const CAST_PAIRS: &[(&str, &str)] = &[
    ("1", "1.5"),
    ("1", "null"),
    ("1", r#""5""#),
    (r#""2021-01-01""#, "1"),
    (r#""2021-01-01""#, "null"),
    (r#""2021-01-01""#, r#""2021-01-01T10:00:00""#),
    ("true", "1"),
    (r#""a""#, "null"),
    ("null", r#""5""#),
    ("1.5", r#""a""#),
];

/// Tensors of the [`CAST_DTYPES`] dtypes, unnamed and named, of shapes `(-1,)` and `(-1, 2)`,
/// in every body form the other tensor cases use.
fn cast_dtype_cases() -> Vec<(&'static str, String)> {
    let mut cases = Vec::new();
    for (_, [flat, pairs, named]) in CAST_DTYPES {
        for v in CAST_VALUES {
            let mut bodies = vec![
                (*flat, format!(r#"{{"inputs": [{v}]}}"#)),
                (*flat, format!(r#"{{"instances": [{v}]}}"#)),
                (*pairs, format!(r#"{{"inputs": [[{v}, {v}]]}}"#)),
                (*pairs, format!(r#"{{"instances": [[{v}, {v}]]}}"#)),
                (
                    *named,
                    format!(r#"{{"inputs": {{"a": [{v}], "b": [[{v}, {v}]]}}}}"#),
                ),
                (
                    *named,
                    format!(r#"{{"instances": [{{"a": {v}, "b": [{v}, {v}]}}]}}"#),
                ),
            ];
            // A list where a frame cell's element belongs is the listed ONE_ELEMENT_ROW
            // difference, whatever the dtype.
            if !v.starts_with('[') {
                bodies.extend([
                    (*flat, format!(r#"{{"dataframe_split": {{"columns": ["a"], "data": [[{v}]]}}}}"#)),
                    (*flat, format!(r#"{{"dataframe_records": [{{"a": {v}}}]}}"#)),
                    (*pairs, format!(r#"{{"dataframe_split": {{"columns": ["a", "b"], "data": [[{v}, {v}]]}}}}"#)),
                    (*named, format!(r#"{{"dataframe_records": [{{"a": {v}, "b": [{v}, {v}]}}]}}"#)),
                ]);
            }
            cases.extend(bodies);
        }
        for (x, y) in CAST_PAIRS {
            for body in [
                format!(r#"{{"inputs": [{x}, {y}]}}"#),
                format!(r#"{{"dataframe_split": {{"columns": ["a"], "data": [[{x}], [{y}]]}}}}"#),
            ] {
                cases.push((*flat, body));
            }
            cases.push((*pairs, format!(r#"{{"inputs": [[{x}, {y}]]}}"#)));
            cases.push((
                *named,
                format!(r#"{{"dataframe_records": [{{"a": {x}, "b": [{x}, {y}]}}, {{"a": {y}, "b": [{y}, {x}]}}]}}"#),
            ));
        }
        // Ragged rows, and rows of the wrong length.
        for body in [
            r#"{"inputs": [[1, 2], [3]]}"#,
            r#"{"instances": [[1, 2], [3]]}"#,
            r#"{"inputs": [[1, 2, 3]]}"#,
            r#"{"inputs": [1, 2]}"#,
            r#"{"dataframe_split": {"columns": ["a"], "data": [[1]]}}"#,
        ] {
            cases.push((*pairs, body.to_owned()));
        }
        for body in [
            r#"{"inputs": {"a": [1, 2], "b": [[1, 2], [3]]}}"#,
            r#"{"inputs": {"a": [1], "b": [1, 2]}}"#,
            r#"{"dataframe_records": [{"a": 1, "b": [1, 2]}, {"a": 2, "b": [3]}]}"#,
            r#"{"dataframe_records": [{"a": 1, "b": [1, 2, 3]}]}"#,
            r#"{"dataframe_records": [{"a": 1}]}"#,
        ] {
            cases.push((*named, body.to_owned()));
        }
    }
    cases
}

/// Every parameter type, given every kind of JSON value.
fn param_cases() -> Vec<(&'static str, String)> {
    let mut cases = Vec::new();
    let values = [
        "1",
        "2147483648",
        "1.0",
        "1.5",
        "true",
        r#""1""#,
        r#""2021-01-01""#,
        r#""2021-01-01T00:00:00Z""#,
        "null",
        "[1]",
        "[]",
        "[[1]]",
        r#"{"a": 1}"#,
        r#"{"a": 1.5}"#,
        r#"{"a": 1, "z": 2}"#,
        r#"{"a": 1, "z": 0}"#,
        "{}",
        r#"["a", null]"#,
        "[1, 2.5]",
        r#""""#,
        r#""abc""#,
    ];
    for name in ["i", "l", "f", "d", "b", "s", "t", "ls", "ll", "o"] {
        for value in values {
            cases.push((
                "params",
                format!(
                    r#"{{"dataframe_split": {{"columns": ["x"], "data": [[1.5]]}}, "params": {{"{name}": {value}}}}}"#
                ),
            ));
        }
    }
    for params in [
        "null",
        "[1]",
        "5",
        r#"{"zz": 5}"#,
        r#"{"d": 0.5, "l": 3, "s": "x"}"#,
        r#"{"ll": [1, 2], "ls": ["a", "b"], "t": "2021-06-01T10:00:00"}"#,
    ] {
        for data in [
            r#""dataframe_split": {"columns": ["x"], "data": [[1.5]]}"#,
            r#""dataframe_records": [{"x": 1.5}]"#,
            r#""inputs": {"x": [1.5]}"#,
            r#""instances": [{"x": 1.5}]"#,
        ] {
            cases.push(("params", format!(r#"{{{data}, "params": {params}}}"#)));
        }
        // A model without a params schema ignores whatever `params` holds.
        cases.push((
            "double",
            format!(r#"{{"dataframe_split": {{"columns": ["x"], "data": [[1.5]]}}, "params": {params}}}"#),
        ));
    }
    cases
}

/// MLflow's unified-LLM bodies: `messages`, `prompt`, `input`.
fn llm_cases() -> Vec<(&'static str, String)> {
    let mut cases = Vec::new();
    for body in [
        r#"{"messages": [{"role": "user", "content": "hi"}]}"#,
        r#"{"messages": [{"role": "user"}]}"#,
        r#"{"messages": [{"role": "user", "content": "hi", "name": "x"}]}"#,
        r#"{"messages": [{"role": "user", "content": "hi"}], "temperature": 0.5}"#,
        r#"{"messages": [{"role": "user", "content": "hi"}], "temperature": "x"}"#,
        r#"{"messages": [{"role": "user", "content": "hi"}], "temperature": null}"#,
        r#"{"messages": [{"role": "user", "content": "hi"}], "params": {"temperature": 0.5}}"#,
        r#"{"messages": [{"role": "user", "content": "hi"}], "top_p": 0.5}"#,
        r#"{"messages": [{"role": "user", "content": 5}]}"#,
        r#"{"messages": "hi"}"#,
        r#"{"messages": []}"#,
        r#"{"messages": null}"#,
        r#"{"prompt": "hi"}"#,
        r#"{"messages": [{"role": "user", "content": "hi"}], "inputs": {"x": [1]}}"#,
        r#"{"inputs": {"x": [1]}, "messages": [{"role": "user", "content": "hi"}]}"#,
    ] {
        cases.push(("chat", body.to_owned()));
    }
    for body in [
        r#"{"prompt": "hi"}"#,
        r#"{"prompt": ["a", "b"]}"#,
        r#"{"prompt": "hi", "max_tokens": 5}"#,
        r#"{"prompt": "hi", "max_tokens": 5.5}"#,
        r#"{"prompt": "hi", "max_tokens": "5"}"#,
        r#"{"prompt": "hi", "max_tokens": null}"#,
        r#"{"prompt": 5}"#,
        r#"{"prompt": [1, 2]}"#,
        r#"{"prompt": ["a", "b"], "max_tokens": [1, 2]}"#,
        r#"{"prompt": ["a", "b"], "max_tokens": [1, null]}"#,
        r#"{"prompt": null}"#,
        r#"{"input": "x"}"#,
        r#"{"input": "x", "prompt": "y"}"#,
        r#"{"prompt": "hi", "stop": ["x"]}"#,
        r#"{"prompt": ["a", "b"], "max_tokens": 5}"#,
    ] {
        cases.push(("completion", body.to_owned()));
    }
    // Single values beside lists: pandas makes one row when every value is a single value or
    // a list of strings, else a column of each list (and of each object, by its keys) with the
    // single values repeated on every row.
    for body in [
        r#"{"prompt": ["a"], "max_tokens": 5}"#,
        r#"{"prompt": ["a", null], "max_tokens": 5}"#,
        r#"{"prompt": [], "max_tokens": 5}"#,
        r#"{"prompt": ["a", "b"], "max_tokens": null}"#,
        r#"{"prompt": ["a", "b"], "max_tokens": "5"}"#,
        r#"{"prompt": ["a", "b"], "max_tokens": 5, "stop": ["x", "y", "z"]}"#,
        r#"{"prompt": "a", "max_tokens": [5, 6]}"#,
        r#"{"prompt": "a", "max_tokens": [null, 5]}"#,
        r#"{"prompt": "a", "max_tokens": [1.5]}"#,
        r#"{"prompt": "a", "max_tokens": [true]}"#,
        r#"{"prompt": "a", "max_tokens": [5, "6"]}"#,
        r#"{"prompt": null, "max_tokens": [1]}"#,
        r#"{"prompt": 5, "max_tokens": [1, 2]}"#,
        r#"{"prompt": [1, 2], "max_tokens": 5}"#,
        r#"{"prompt": [["a"], ["b"]], "max_tokens": 5}"#,
        r#"{"prompt": ["a", "b"], "max_tokens": [5]}"#,
        r#"{"prompt": [], "max_tokens": [1]}"#,
        r#"{"prompt": ["a", "b"], "max_tokens": 5, "stop": [1]}"#,
        r#"{"prompt": ["a", "b"], "max_tokens": [5, 6], "stop": [1]}"#,
        r#"{"prompt": ["a", "b"], "max_tokens": [5, 6], "stop": 1}"#,
        r#"{"prompt": "a", "max_tokens": 5, "stop": [[1]]}"#,
        r#"{"prompt": "a", "params": [1, 2]}"#,
        r#"{"prompt": ["a", "b"], "max_tokens": [5, 6], "params": {"k": 1}}"#,
        r#"{"prompt": ["a", "b"], "max_tokens": [1, 2], "input": "x"}"#,
        r#"{"prompt": "x", "max_tokens": 5, "input": [1, 2, 3]}"#,
        r#"{"prompt": "hi", "max_tokens": {"a": 5}}"#,
        r#"{"prompt": "hi", "max_tokens": {"a": 5, "b": null}}"#,
        r#"{"prompt": "hi", "max_tokens": {"a": 1.5}}"#,
        r#"{"prompt": {"a": "x"}}"#,
        r#"{"prompt": {"a": "x"}, "max_tokens": 1}"#,
        r#"{"prompt": {"a": "x"}, "max_tokens": [1]}"#,
        r#"{"prompt": {"a": "x", "b": "y"}, "max_tokens": {"a": 1}}"#,
        r#"{"prompt": {"a": "x"}, "max_tokens": {}}"#,
        r#"{"prompt": "hi", "x": {"a": 5}, "max_tokens": {"b": 6}}"#,
        r#"{"prompt": {}, "max_tokens": 1}"#,
        r#"{"prompt": {}, "max_tokens": null}"#,
    ] {
        cases.push(("completion", body.to_owned()));
    }
    for body in [
        r#"{"input": [1.5, 2], "x": 1.5}"#,
        r#"{"input": "a", "x": [1.5, 2]}"#,
        r#"{"input": "a", "x": [1, 2]}"#,
        r#"{"input": ["a", "b"], "x": 1.5}"#,
        r#"{"input": ["a", "b"], "x": 1}"#,
        r#"{"input": ["a", "b"], "x": [1, 2]}"#,
        r#"{"input": [1, 2], "x": 1}"#,
        r#"{"input": [1, 2], "x": null}"#,
        r#"{"input": [1, 2], "x": "1.5"}"#,
    ] {
        cases.push(("double", body.to_owned()));
    }
    cases.push((
        "chat",
        r#"{"messages": [{"role": "user", "content": "hi"}], "temperature": 0.5, "stop": [1, 2]}"#
            .to_owned(),
    ));
    for body in [
        r#"{"input": 1.5}"#,
        r#"{"input": [1.5, 2]}"#,
        r#"{"prompt": "x", "x": 1.5}"#,
    ] {
        cases.push(("double", body.to_owned()));
        cases.push(("tensor_float32", body.to_owned()));
        cases.push(("positional", body.to_owned()));
    }
    cases
}

/// Where we knowingly decide differently from MLflow: (signature, body, mode, MLflow accepts,
/// why we differ). Ours is the opposite of MLflow's decision.
const KNOWN: &[(&str, &str, &str, bool, &str)] = &[
    (
        "double",
        r#"{"dataframe_split": {"columns": ["x"], "data": [[NaN]]}}"#,
        "serving",
        true,
        NOT_JSON,
    ),
    (
        "double",
        r#"{"dataframe_split": {"columns": ["x"], "data": [[NaN]]}}"#,
        "predict",
        true,
        NOT_JSON,
    ),
    (
        "double",
        r#"{"dataframe_split": {"columns": ["x"], "data": [[Infinity]]}}"#,
        "serving",
        true,
        NOT_JSON,
    ),
    (
        "double",
        r#"{"dataframe_split": {"columns": ["x"], "data": [[Infinity]]}}"#,
        "predict",
        true,
        NOT_JSON,
    ),
    (
        "double",
        r#"{"dataframe_records": [{"x": 1, "x": 2}]}"#,
        "serving",
        true,
        DUPLICATE,
    ),
    (
        "double",
        r#"{"inputs": {"x": [1, 2]}, "inputs": {"x": [3]}}"#,
        "serving",
        true,
        DUPLICATE,
    ),
    (
        "tensor_int64",
        r#"{"dataframe_records": [{"a": [1]}]}"#,
        "serving",
        true,
        ONE_ELEMENT_ROW,
    ),
    (
        "tensor_int64",
        r#"{"dataframe_records": [{"a": [1]}]}"#,
        "predict",
        true,
        ONE_ELEMENT_ROW,
    ),
];

const ONE_ELEMENT_ROW: &str = "a row of a (-1,) tensor is one value; MLflow stacks a frame's \
                               one-element lists and flattens them, but the list is another \
                               dimension the spec does not have";
const NOT_JSON: &str = "`NaN` and `Infinity` are not JSON (RFC 8259): every mode reads JSON only, \
                        so a body that passes is readable by any JSON client; send null";
const DUPLICATE: &str = "Python's json keeps the last of duplicate keys and silently drops the \
                         others: the body means two things at once, so every mode refuses it";

fn checker(sig: &str, mode: Mode) -> JsonChecker {
    let dict = signature_dict(sig, &inputs_of(sig)).to_string();
    let signature = signature_from_json(&dict).unwrap_or_else(|e| panic!("{sig}: {e}"));
    JsonChecker::for_signature(&signature).with_options(CheckOptions::new().with_mode(mode))
}

/// The signature dict of `sig` (inputs, and params if it has them), as MLflow stores it.
fn signature_dict(sig: &str, inputs: &str) -> Value {
    match PARAMS.iter().find(|(name, _)| *name == sig) {
        Some((_, params)) => json!({"inputs": compact(inputs), "params": compact(params)}),
        None => json!({"inputs": compact(inputs)}),
    }
}

/// The inputs JSON on one line, as MLflow stores it.
fn compact(inputs: &str) -> String {
    let value: Value = serde_json::from_str(inputs).unwrap_or_else(|e| panic!("{e}: {inputs}"));
    value.to_string()
}

#[test]
fn mlflow_modes_agree_with_mlflow() {
    // The grid's own sanity needs no MLflow: checked before a skip can return.
    let cases = cases();
    assert!(cases.len() >= 200, "only {} cases", cases.len());
    let signatures: BTreeSet<&str> = cases.iter().map(|(s, _)| *s).collect();
    assert!(signatures.len() <= SIGNATURES.len() + 3 * CAST_DTYPES.len());
    let stale: Vec<String> = KNOWN
        .iter()
        .filter(|(sig, body, mode_name, _, _)| {
            !matches!(*mode_name, "serving" | "predict")
                || !cases.iter().any(|(s, b)| s == sig && b == body)
        })
        .map(|(sig, body, mode_name, _, _)| format!("{sig} {body} ({mode_name})"))
        .collect();
    assert!(
        stale.is_empty(),
        "KNOWN entries that are no longer generated: {stale:?}"
    );
    let Some(mut mlflow) = oracle() else {
        return;
    };
    let requests: Vec<Value> = cases
        .iter()
        .map(|(sig, body)| json!({"signature": signature_dict(sig, &inputs_of(sig)), "body": body}))
        .collect();
    let mut answers = Vec::new();
    for chunk in requests.chunks(250) {
        answers.extend(mlflow.decide_many(chunk));
    }
    drop(mlflow);
    assert_eq!(answers.len(), cases.len());

    let comparison = modes::compare(
        cases.iter().map(|(sig, body)| (*sig, body.as_str())),
        &answers,
        KNOWN,
        checker,
    );
    let (agree, unexpected) = (
        comparison.agree[0] + comparison.agree[1],
        comparison.unexpected,
    );
    eprintln!(
        "{} cases, {} decisions: {agree} agree, {} listed differences, {} unexpected",
        cases.len(),
        cases.len() * 2,
        KNOWN.len(),
        unexpected.len()
    );
    assert!(
        unexpected.is_empty(),
        "{} unexpected disagreements with MLflow:\n{}",
        unexpected.len(),
        unexpected.join("\n")
    );
}
