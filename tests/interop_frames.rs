//! Parquet files written by pyarrow from pandas frames, checked by us and by the real MLflow.
//!
//! For each frame: MLflow's `predict` (schema enforcement, identity model) on the pandas frame
//! and our check of the Parquet file pyarrow wrote from it must agree, accept or reject, except
//! where a difference is listed below with its reason; our check in the MLflow modes must agree
//! with MLflow's `predict` on the frame read back from the file (`pq.read_table(..).to_pandas()`),
//! except where listed; and `Schema::infer` on the file must equal MLflow's `infer_signature`
//! on the frame, except where listed.

use std::path::PathBuf;

use serde_json::{Value, json};
use signature_runtime::frame::ArrowChecker;
use signature_runtime::frame::parquet::{check_file, infer_file};
use signature_runtime::{
    Array, CheckOptions, ColSpec, ColumnType, DataType, Map, Mode, ModelSignature, NumpyDtype,
    Object, Property, Schema, TensorSpec,
};
use signature_tests::mlflow::oracle;

/// One column of a pandas frame, as the oracle builds it.
fn column(name: &str, values: Value, dtype: Option<&str>) -> Value {
    json!({"name": name, "values": values, "dtype": dtype})
}

fn one(name: &str, ty: impl Into<ColumnType>, required: bool) -> Schema {
    Schema::from_columns(vec![ColSpec::new(name, ty).with_required(required)]).unwrap()
}

struct Case {
    name: &'static str,
    frame: Vec<Value>,
    signatures: Vec<Schema>,
    /// Per signature, where we knowingly differ from MLflow: (our verdict, why).
    differences: Vec<(usize, bool, &'static str)>,
    /// Where `Schema::infer` knowingly differs from `infer_signature`.
    infer_differs: Option<InferDifference>,
    /// Per signature, where the MLflow modes knowingly differ from MLflow's `predict` on the
    /// frame read back from the file: (our verdict, why).
    mode_differences: Vec<(usize, bool, &'static str)>,
}

/// A known difference between `Schema::infer` and MLflow's `infer_signature`: what each gives,
/// exactly, so that any other disagreement on the case still fails.
struct InferDifference {
    /// Our schema's JSON, or the end of our error's message (it starts with the file's path).
    ours: Result<&'static str, &'static str>,
    /// The schema JSON MLflow infers.
    mlflow: &'static str,
    why: &'static str,
}

fn cases() -> Vec<Case> {
    let long = |required| one("x", DataType::Long, required);
    let double = |required| one("x", DataType::Double, required);
    vec![
        Case {
            name: "int column with NaN",
            frame: vec![column("x", json!([1, null, 3]), None)],
            signatures: vec![
                long(true),
                double(false),
                double(true),
                one("x", DataType::Long, false),
            ],
            differences: vec![(
                2,
                false,
                "Strict: a required column holds no nulls; MLflow checks no nulls in scalar columns",
            )],
            infer_differs: None,
            mode_differences: vec![],
        },
        Case {
            name: "float32 column",
            frame: vec![column("x", json!([1.5, 2.5]), Some("float32"))],
            signatures: vec![one("x", DataType::Float, true), double(true), long(true)],
            differences: vec![],
            infer_differs: None,
            mode_differences: vec![],
        },
        Case {
            name: "float64 column",
            frame: vec![column("x", json!([1.5, 2.5]), Some("float64"))],
            signatures: vec![one("x", DataType::Float, true), double(true)],
            differences: vec![],
            infer_differs: None,
            mode_differences: vec![],
        },
        Case {
            name: "timestamp column",
            frame: vec![
                json!({"name": "x", "values": ["2024-01-01T10:00:00", "2024-06-30T00:00:00"], "kind": "datetime"}),
            ],
            signatures: vec![
                one("x", DataType::Datetime, true),
                one("x", DataType::String, true),
                long(true),
            ],
            differences: vec![],
            infer_differs: None,
            mode_differences: vec![],
        },
        Case {
            name: "timestamp column in seconds",
            frame: vec![
                json!({"name": "x", "values": ["2024-01-01T10:00:00"], "kind": "datetime", "dtype": "datetime64[s]"}),
            ],
            signatures: vec![one("x", DataType::Datetime, true)],
            differences: vec![],
            infer_differs: None,
            mode_differences: vec![],
        },
        Case {
            name: "timezone-aware timestamp column",
            frame: vec![
                json!({"name": "x", "values": ["2024-01-01T10:00:00"], "kind": "datetime", "tz": "UTC"}),
            ],
            signatures: vec![one("x", DataType::Datetime, true)],
            differences: vec![(
                0,
                true,
                "Strict takes a timezone-aware timestamp as `datetime` (the same instants in \
                 UTC, with a value_changed warning); MLflow refuses timezone-aware columns",
            )],
            infer_differs: None,
            mode_differences: vec![],
        },
        Case {
            name: "column of lists",
            frame: vec![json!({"name": "x", "values": [[1, 2], [3], []], "kind": "lists"})],
            signatures: vec![
                one("x", Array::new(DataType::Long), true),
                one("x", Array::new(DataType::Double), true),
                one("x", Array::new(DataType::String), true),
                long(true),
            ],
            differences: vec![],
            infer_differs: None,
            mode_differences: vec![],
        },
        Case {
            name: "string column with None",
            frame: vec![column("x", json!(["a", null, "c"]), None)],
            signatures: vec![
                one("x", DataType::String, true),
                one("x", DataType::String, false),
                long(true),
            ],
            differences: vec![(
                0,
                false,
                "Strict: a required column holds no nulls; MLflow accepts None in object columns",
            )],
            infer_differs: None,
            mode_differences: vec![],
        },
        Case {
            name: "int64 column",
            frame: vec![column("x", json!([1, 2, 3]), Some("int64"))],
            signatures: vec![
                one("x", DataType::Integer, true),
                long(true),
                double(true),
                one("x", DataType::String, true),
            ],
            differences: vec![],
            infer_differs: None,
            mode_differences: vec![],
        },
        Case {
            name: "int32 and int8 columns",
            frame: vec![
                column("x", json!([1, 2]), Some("int32")),
                column("y", json!([1, 2]), Some("int8")),
            ],
            signatures: vec![
                Schema::from_columns(vec![
                    ColSpec::new("x", DataType::Integer),
                    ColSpec::new("y", DataType::Integer),
                ])
                .unwrap(),
                Schema::from_columns(vec![
                    ColSpec::new("x", DataType::Long),
                    ColSpec::new("y", DataType::Double),
                ])
                .unwrap(),
                Schema::from_columns(vec![
                    ColSpec::new("x", DataType::Float),
                    ColSpec::new("y", DataType::Long),
                ])
                .unwrap(),
            ],
            differences: vec![],
            infer_differs: None,
            mode_differences: vec![],
        },
        Case {
            name: "boolean column",
            frame: vec![column("x", json!([true, false]), Some("bool"))],
            signatures: vec![one("x", DataType::Boolean, true), long(true)],
            differences: vec![],
            infer_differs: None,
            mode_differences: vec![],
        },
        Case {
            name: "uint64 column",
            frame: vec![column("x", json!([1, 2]), Some("uint64"))],
            signatures: vec![long(true)],
            differences: vec![(
                0,
                true,
                "UInt64 is accepted as `long` when every value fits (the issue's rule); \
                 MLflow refuses uint64 outright",
            )],
            infer_differs: Some(InferDifference {
                ours: Err("column `x` has type UInt64, which no MLflow type represents"),
                mlflow: r#"[{"type": "any", "required": true}]"#,
                why: "MLflow cannot infer uint64 and falls back to one `any` column; we refuse \
                      with InferError::Unsupported",
            }),
            mode_differences: vec![],
        },
        Case {
            name: "missing and extra columns",
            frame: vec![
                column("x", json!([1, 2]), Some("int64")),
                column("extra", json!(["a", "b"]), None),
            ],
            signatures: vec![
                long(true),
                Schema::from_columns(vec![
                    ColSpec::new("x", DataType::Long),
                    ColSpec::new("y", DataType::Long),
                ])
                .unwrap(),
                Schema::from_columns(vec![
                    ColSpec::new("x", DataType::Long),
                    ColSpec::new("y", DataType::Long).optional(),
                ])
                .unwrap(),
            ],
            differences: vec![],
            infer_differs: None,
            mode_differences: vec![],
        },
        Case {
            name: "boolean column with None",
            frame: vec![column("x", json!([true, null, false]), Some("object"))],
            signatures: vec![
                one("x", DataType::Boolean, true),
                one("x", DataType::Boolean, false),
                double(true),
                one("x", DataType::String, true),
                long(true),
            ],
            differences: vec![
                (
                    0,
                    false,
                    "Strict: a required column holds no nulls; MLflow checks no nulls in scalar columns",
                ),
                (
                    3,
                    false,
                    "Strict: booleans are not strings; MLflow passes object columns on as `string` unchecked",
                ),
                (
                    2,
                    false,
                    "Strict: booleans are not numbers; MLflow turns an object column of booleans \
                     and None into floats",
                ),
            ],
            infer_differs: None,
            mode_differences: vec![],
        },
        Case {
            name: "bytes column",
            frame: vec![json!({"name": "x", "values": ["a", "b"], "kind": "bytes"})],
            signatures: vec![
                one("x", DataType::Binary, true),
                one("x", DataType::String, true),
                one("x", DataType::Boolean, true),
                double(true),
            ],
            differences: vec![
                (
                    1,
                    false,
                    "Strict: bytes are not strings; MLflow passes object columns on as `string` unchecked",
                ),
                (
                    2,
                    false,
                    "Strict: bytes are not booleans; MLflow passes object columns on as `boolean` unchecked",
                ),
            ],
            infer_differs: None,
            mode_differences: vec![],
        },
        Case {
            name: "date column",
            frame: vec![json!({"name": "x", "values": ["2024-01-01", null], "kind": "dates"})],
            signatures: vec![
                one("x", DataType::Datetime, false),
                one("x", DataType::String, false),
                double(false),
            ],
            differences: vec![(
                1,
                false,
                "Strict: dates are not strings; MLflow passes object columns on as `string` unchecked",
            )],
            infer_differs: None,
            mode_differences: vec![],
        },
        Case {
            name: "category column",
            frame: vec![json!({"name": "x", "values": ["a", "b", "a"], "kind": "category"})],
            signatures: vec![one("x", DataType::String, true), long(true)],
            differences: vec![(
                0,
                true,
                "Strict takes dictionary-encoded strings as `string` (and MLflow infers `string` \
                 for them); MLflow's predict refuses a category column",
            )],
            infer_differs: None,
            mode_differences: vec![],
        },
        Case {
            name: "int64 column of 0 and 1",
            frame: vec![column("x", json!([0, 1, 1]), Some("int64"))],
            signatures: vec![
                one("x", DataType::Float, true),
                double(true),
                one("x", DataType::Integer, true),
            ],
            differences: vec![
                (
                    0,
                    false,
                    "Strict refuses Int64 for `float` whatever the values; MLflow takes all-0/1 int64 columns",
                ),
                (
                    1,
                    false,
                    "Strict refuses Int64 for `double` whatever the values; MLflow takes all-0/1 int64 columns",
                ),
            ],
            infer_differs: None,
            mode_differences: vec![],
        },
        Case {
            name: "column of nulls only",
            frame: vec![column("x", json!([null, null]), Some("object"))],
            signatures: vec![
                one("x", DataType::String, false),
                one("x", DataType::String, true),
                double(true),
                long(false),
            ],
            differences: vec![
                (
                    1,
                    false,
                    "Strict: a required column holds no nulls; MLflow checks no nulls in scalar columns",
                ),
                (
                    2,
                    false,
                    "Strict: a required column holds no nulls; MLflow checks no nulls in scalar columns",
                ),
                (
                    3,
                    true,
                    "Strict: a column of nulls only fits any optional column; pandas holds it \
                     as objects, which MLflow refuses for `long`",
                ),
            ],
            infer_differs: None,
            mode_differences: vec![],
        },
        Case {
            name: "bytes column of digits",
            frame: vec![json!({"name": "x", "values": ["1", "0"], "kind": "bytes"})],
            signatures: vec![double(true)],
            differences: vec![(
                0,
                false,
                "Strict: bytes are not numbers; MLflow parses them with pd.to_numeric",
            )],
            infer_differs: None,
            mode_differences: vec![(
                0,
                false,
                "MLflow parses the bytes with pd.to_numeric for `double`; the MLflow modes \
                 refuse binary columns for numeric types whatever the bytes",
            )],
        },
    ]
}

const FLAT_ROWS: &str = "Strict wants rows of nested lists for the shape (-1, 1, 2); MLflow \
     reshapes flat rows of 2 values";
const MAP_PAIRS: &str = "Strict takes an Arrow Map as `map`; MLflow gets lists of (key, value) \
     pairs from pandas and refuses them";

/// The nested and tensor cases: list, struct and map columns, and tensor signatures.
fn nested_cases() -> Vec<Case> {
    let array = |items: DataType, required| one("x", Array::new(items), required);
    let ab = |a: DataType, b_required: bool| {
        Object::new(vec![
            Property::new("a", a),
            Property::new("b", DataType::String).with_required(b_required),
        ])
        .unwrap()
    };
    let tensor = |dtype: NumpyDtype, shape: Vec<i64>| {
        Schema::from_tensors(vec![TensorSpec::new("x", dtype, shape)]).unwrap()
    };
    let lists = |values: Value| json!({"name": "x", "values": values, "kind": "lists"});
    let dicts = |values: Value| json!({"name": "x", "values": values, "kind": "dicts"});
    vec![
        Case {
            name: "column of float lists",
            frame: vec![lists(json!([[1.5, 2.5], [3.0, 4.0]]))],
            signatures: vec![
                array(DataType::Double, true),
                array(DataType::Float, true),
                array(DataType::Long, true),
                tensor(NumpyDtype::Float64, vec![-1, 2]),
                tensor(NumpyDtype::Float32, vec![-1, 2]),
                tensor(NumpyDtype::Float64, vec![-1, 3]),
                tensor(NumpyDtype::Float64, vec![-1, 1, 2]),
            ],
            differences: vec![
                (
                    4,
                    false,
                    "Strict refuses Float64 items for a float32 tensor; MLflow casts list \
                     cells with numpy",
                ),
                (6, false, FLAT_ROWS),
            ],
            infer_differs: None,
            mode_differences: vec![],
        },
        Case {
            name: "column of lists with a null row",
            frame: vec![lists(json!([[1, 2], null]))],
            signatures: vec![array(DataType::Long, true), array(DataType::Long, false)],
            differences: vec![],
            infer_differs: None,
            mode_differences: vec![],
        },
        Case {
            name: "column of lists with null items",
            frame: vec![lists(json!([[1.5, null], [2.0]]))],
            signatures: vec![array(DataType::Double, true), array(DataType::Long, true)],
            differences: vec![(
                0,
                false,
                "Strict: array items hold no nulls; MLflow takes them as NaN in float items",
            )],
            infer_differs: None,
            mode_differences: vec![],
        },
        Case {
            name: "column of int lists with null items",
            frame: vec![lists(json!([[1, null], [0, 1]]))],
            signatures: vec![array(DataType::Long, true), array(DataType::Double, true)],
            differences: vec![(
                1,
                false,
                "Strict: array items hold no nulls; MLflow takes a row with nulls as float64, \
                 and a row of 0 and 1 as `double`",
            )],
            infer_differs: None,
            mode_differences: vec![(
                1,
                false,
                "MLflow takes a row of int64 items as `double` when all are 0 or 1; the MLflow \
                 modes apply that rule to top-level columns only",
            )],
        },
        Case {
            name: "column of string lists",
            frame: vec![lists(json!([["a"], ["b", "c"]]))],
            signatures: vec![
                array(DataType::String, true),
                array(DataType::Binary, true),
                array(DataType::Long, true),
                one("x", DataType::String, true),
            ],
            differences: vec![
                (
                    1,
                    false,
                    "Strict: text items are not bytes; MLflow encodes them to ASCII bytes",
                ),
                (
                    3,
                    false,
                    "Strict: lists are not strings; MLflow passes object columns on as `string` unchecked",
                ),
            ],
            infer_differs: None,
            mode_differences: vec![(
                1,
                false,
                "MLflow encodes text items to ASCII bytes for `array<binary>` (and fails on \
                 other text); the MLflow modes refuse text items for `binary`",
            )],
        },
        Case {
            name: "column of dicts",
            frame: vec![dicts(json!([{"a": 1, "b": "s"}, {"a": 2, "b": "t"}]))],
            signatures: vec![
                one("x", ab(DataType::Long, true), true),
                one("x", ab(DataType::Double, true), true),
                one("x", ab(DataType::Integer, true), true),
                one(
                    "x",
                    Object::new(vec![Property::new("a", DataType::Long)]).unwrap(),
                    true,
                ),
                one("x", Map::new(DataType::String), true),
                one("x", DataType::String, true),
            ],
            differences: vec![(
                5,
                false,
                "Strict: structs are not strings; MLflow passes object columns on as `string` unchecked",
            )],
            infer_differs: None,
            mode_differences: vec![],
        },
        Case {
            name: "column of dicts with nulls",
            frame: vec![dicts(json!([{"a": 1, "b": null}, null]))],
            signatures: vec![
                one("x", ab(DataType::Long, false), false),
                one("x", ab(DataType::Long, false), true),
                one("x", ab(DataType::Long, true), false),
            ],
            differences: vec![],
            infer_differs: Some(InferDifference {
                ours: Ok(
                    r#"[{"type": "object", "properties": {"a": {"type": "long", "required": true}, "b": {"type": "any", "required": false}}, "name": "x", "required": false}]"#,
                ),
                mlflow: r#"[{"type": "object", "properties": {"a": {"type": "long", "required": false}, "b": {"type": "any", "required": false}}, "name": "x", "required": false}]"#,
                why: "MLflow infers from the dicts, where a None row makes every property \
                      optional; we infer a property's `required` from the rows that are present",
            }),
            mode_differences: vec![(
                0,
                true,
                "pyarrow's `to_pandas` gives an integer field with nulls (here under the null \
                 row) as Python floats, which MLflow refuses for a `long` property; the MLflow \
                 modes decide a field by its type",
            )],
        },
        Case {
            name: "column of maps",
            frame: vec![
                json!({"name": "x", "values": [[["k", 1]], [["j", 2], ["l", 3]]], "kind": "maps", "dtype": "int64"}),
            ],
            signatures: vec![
                one("x", Map::new(DataType::Long), true),
                one("x", Map::new(DataType::Long), false),
                array(DataType::Long, true),
            ],
            differences: vec![(0, true, MAP_PAIRS), (1, true, MAP_PAIRS)],
            infer_differs: Some(InferDifference {
                ours: Ok(
                    r#"[{"type": "map", "values": {"type": "long"}, "name": "x", "required": true}]"#,
                ),
                mlflow: r#"[{"type": "any", "required": true}]"#,
                why: "MLflow infers `any` for a column of lists of pairs; we infer `map` from the \
                      Arrow Map",
            }),
            mode_differences: vec![],
        },
        Case {
            name: "int64 column as tensors",
            frame: vec![column("x", json!([1, 2, 3]), Some("int64"))],
            signatures: vec![
                tensor(NumpyDtype::Int64, vec![-1]),
                tensor(NumpyDtype::Float64, vec![-1]),
                tensor(NumpyDtype::Int32, vec![-1, 1]),
                tensor(NumpyDtype::Int64, vec![-1, 2]),
            ],
            differences: vec![
                (
                    1,
                    false,
                    "Strict refuses Int64 for a float64 tensor (integers beyond 2^53 round); \
                     MLflow casts the column with numpy",
                ),
                (
                    2,
                    false,
                    "Strict refuses Int64 for an int32 tensor (values may not fit); MLflow casts \
                     the column with numpy",
                ),
            ],
            infer_differs: None,
            mode_differences: vec![],
        },
        Case {
            name: "int lists as tensors",
            frame: vec![lists(json!([[1, 2], [3, 4]]))],
            signatures: vec![
                tensor(NumpyDtype::Int64, vec![-1, 2]),
                tensor(NumpyDtype::Int32, vec![-1, 2]),
                tensor(NumpyDtype::Int64, vec![-1, -1]),
                tensor(NumpyDtype::Int64, vec![-1, 1, 2]),
            ],
            differences: vec![
                (
                    1,
                    false,
                    "Strict refuses Int64 items for an int32 tensor; MLflow stacks the items \
                     without a cast or a dtype check",
                ),
                (
                    2,
                    true,
                    "Strict takes -1 after the first dimension (rows of one length); MLflow \
                     reshapes frame columns only to fixed dimensions",
                ),
                (3, false, FLAT_ROWS),
            ],
            infer_differs: None,
            mode_differences: vec![],
        },
        Case {
            name: "two float columns as one unnamed tensor",
            frame: vec![
                column("x", json!([1.5, 2.5]), Some("float64")),
                column("y", json!([0.5, 1.0]), Some("float64")),
            ],
            signatures: vec![
                Schema::from_tensors(vec![TensorSpec::unnamed(NumpyDtype::Float64, vec![-1, 2])])
                    .unwrap(),
                Schema::from_tensors(vec![TensorSpec::unnamed(NumpyDtype::Float32, vec![-1, 2])])
                    .unwrap(),
            ],
            differences: vec![],
            infer_differs: None,
            mode_differences: vec![],
        },
    ]
}

fn signature_dict(schema: &Schema) -> Value {
    let signature = ModelSignature::new(Some(schema.clone()), None, None).unwrap();
    serde_json::from_str(&signature.to_dict().to_json()).unwrap()
}

#[test]
fn parquet_checks_agree_with_mlflow_predict_and_infer_signature() {
    let Some(mut mlflow) = oracle() else { return };
    let dir = std::env::temp_dir().join(format!("signature-frames-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut cases = cases();
    cases.extend(nested_cases());
    let paths: Vec<PathBuf> = (0..cases.len())
        .map(|i| dir.join(format!("case{i}.parquet")))
        .collect();
    let requests: Vec<Value> = cases
        .iter()
        .zip(&paths)
        .map(|(case, path)| {
            json!({
                "frame": {"columns": case.frame},
                "path": path.to_str().unwrap(),
                "signatures": case.signatures.iter().map(signature_dict).collect::<Vec<_>>(),
            })
        })
        .collect();
    let results = mlflow.frame_cases(&requests);
    drop(mlflow);
    let mut failures = Vec::new();
    let mut verdicts = [0usize; 2];
    for ((case, path), result) in cases.iter().zip(&paths).zip(&results) {
        for (i, schema) in case.signatures.iter().enumerate() {
            let verdict = &result["verdicts"][i];
            let theirs = verdict["ok"] == json!(true);
            verdicts[usize::from(theirs)] += 1;
            let report = check_file(&ArrowChecker::for_schema(schema), path).unwrap();
            let ours = report.is_valid();
            let expected = match case.differences.iter().find(|(j, _, _)| *j == i) {
                Some((_, ours_expected, _why)) => {
                    if theirs == *ours_expected {
                        failures.push(format!(
                            "{} / signature {i}: listed as a difference, but MLflow agrees ({theirs})",
                            case.name
                        ));
                    }
                    *ours_expected
                }
                None => theirs,
            };
            if ours != expected {
                failures.push(format!(
                    "{} / signature {i} {}: MLflow {} ({}), we {}:\n{report}",
                    case.name,
                    schema.to_json(),
                    if theirs { "accepts" } else { "rejects" },
                    verdict.get("error").and_then(Value::as_str).unwrap_or(""),
                    if ours { "accept" } else { "reject" },
                ));
            }
        }
        for (i, schema) in case.signatures.iter().enumerate() {
            let verdict = &result["read_verdicts"][i];
            let theirs = verdict["ok"] == json!(true);
            let listed = case.mode_differences.iter().find(|(j, _, _)| *j == i);
            if let Some((_, ours_expected, _why)) = listed
                && theirs == *ours_expected
            {
                failures.push(format!(
                    "{} / signature {i}: listed as an MLflow-mode difference, but MLflow agrees ({theirs})",
                    case.name
                ));
            }
            let expected = listed.map_or(theirs, |(_, ours_expected, _)| *ours_expected);
            for mode in [Mode::MlflowServing, Mode::MlflowPredict] {
                let checker = ArrowChecker::for_schema(schema)
                    .with_options(CheckOptions::default().with_mode(mode));
                let report = check_file(&checker, path).unwrap();
                if report.is_valid() != expected {
                    failures.push(format!(
                        "{} / signature {i} {} in {mode:?}: MLflow on the file read back {} ({}), we {}:\n{report}",
                        case.name,
                        schema.to_json(),
                        if theirs { "accepts" } else { "rejects" },
                        verdict.get("error").and_then(Value::as_str).unwrap_or(""),
                        if report.is_valid() { "accept" } else { "reject" },
                    ));
                }
            }
        }
        let ours = infer_file(path);
        let theirs = result["inferred"]
            .as_str()
            .map(|json| Schema::from_json(json).unwrap());
        let same = matches!((&ours, &theirs), (Ok(a), Some(b)) if a == b);
        let ours = ours
            .as_ref()
            .map(Schema::to_json)
            .map_err(ToString::to_string);
        match (&case.infer_differs, same) {
            (None, false) => failures.push(format!(
                "{}: infer differs: ours {ours:?}, MLflow {:?}",
                case.name, result["inferred"]
            )),
            (Some(listed), true) => failures.push(format!(
                "{}: listed infer difference ({}) is gone",
                case.name, listed.why
            )),
            (Some(listed), false) => {
                let ours_as_listed = match (&ours, listed.ours) {
                    (Ok(json), Ok(expected)) => json == expected,
                    (Err(message), Err(expected)) => message.ends_with(expected),
                    _ => false,
                };
                let mlflow_as_listed = result["inferred"].as_str() == Some(listed.mlflow);
                if !ours_as_listed || !mlflow_as_listed {
                    failures.push(format!(
                        "{}: infer differs otherwise than listed ({}): ours {ours:?} (listed \
                         {:?}), MLflow {:?} (listed {:?})",
                        case.name, listed.why, listed.ours, result["inferred"], listed.mlflow
                    ));
                }
            }
            (None, true) => {}
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        verdicts[0] >= 10 && verdicts[1] >= 10,
        "MLflow rejected/accepted {verdicts:?}"
    );
    assert!(
        failures.is_empty(),
        "{} disagreements:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}
