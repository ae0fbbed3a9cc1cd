//! MLflow signature JSON: every layout docs/mlflow-behaviour.md §1–§3 describes round-trips
//! byte for byte, legacy layouts are read, and invalid input is refused with an error that says
//! where and why.

use signature_runtime::mlflow::signature_from_json;
use signature_runtime::{
    Array, ColSpec, DataType, FormatError, MlModel, ModelSignature, Object, ParamSchema, ParamSpec,
    ParamValue, Property, Schema, SignatureDict,
};

fn roundtrip_schema(json: &str) {
    let schema = Schema::from_json(json).unwrap_or_else(|e| panic!("{json}\n{e}"));
    assert_eq!(schema.to_json(), json);
}

fn roundtrip_params(json: &str) {
    let params = ParamSchema::from_json(json).unwrap_or_else(|e| panic!("{json}\n{e}"));
    assert_eq!(params.to_json(), json);
}

/// docs/mlflow-behaviour.md §1.1: composite type dicts, checked as a named column's type.
#[test]
fn composite_type_dicts_round_trip() {
    let types = [
        r#"{"type": "array", "items": {"type": "string"}}"#,
        r#"{"type": "array", "items": {"type": "object", "properties": {"content": {"type": "string", "required": true}, "role": {"type": "string", "required": true}}}}"#,
        r#"{"type": "object", "properties": {"a": {"type": "long", "required": true}, "b": {"type": "array", "items": {"type": "string"}, "required": false}}}"#,
        r#"{"type": "map", "values": {"type": "long"}}"#,
        r#"{"type": "map", "values": {"type": "array", "items": {"type": "string"}}}"#,
        r#"{"type": "any"}"#,
        r#"{"type": "array", "items": {"type": "any"}}"#,
    ];
    for ty in types {
        let column = format!(
            r#"[{}, "name": "c", "required": true}}]"#,
            &ty[..ty.len() - 1]
        );
        roundtrip_schema(&column);
    }
}

/// docs/mlflow-behaviour.md §1.2 and §1.3: columns and tensors.
#[test]
fn colspec_and_tensorspec_examples_round_trip() {
    for spec in [
        r#"{"type": "double", "name": "x", "required": true}"#,
        r#"{"type": "array", "items": {"type": "string"}, "name": "stop", "required": true}"#,
        r#"{"type": "object", "properties": {"a": {"type": "string", "required": true}}, "name": "o", "required": true}"#,
        r#"{"type": "map", "values": {"type": "long"}, "name": "m", "required": true}"#,
        r#"{"type": "any", "name": "a", "required": false}"#,
        r#"{"type": "sparkml_vector", "name": "features", "required": true}"#,
        r#"{"name": "image", "type": "tensor", "tensor-spec": {"dtype": "float64", "shape": [-1, 28, 28]}}"#,
    ] {
        roundtrip_schema(&format!("[{spec}]"));
    }
    roundtrip_schema(r#"[{"type": "double", "required": true}]"#);
    roundtrip_schema(
        r#"[{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 28, 28]}}]"#,
    );
    roundtrip_schema(r#"[{"type": "tensor", "tensor-spec": {"dtype": "str", "shape": []}}]"#);
    roundtrip_schema(
        r#"[{"type": "long", "name": 0, "required": true}, {"type": "long", "name": 1, "required": true}]"#,
    );
}

/// docs/mlflow-behaviour.md §3.1, on one line as MLflow writes it.
#[test]
fn param_schema_examples_round_trip() {
    roundtrip_params(
        r#"[{"name": "temperature", "default": 0.7, "shape": null, "type": "double"}, {"name": "stop", "default": ["a", "b"], "shape": [-1], "type": "string"}, {"name": "when", "default": "2023-06-26T00:00:00", "shape": null, "type": "datetime"}, {"name": "config", "default": {"thread_id": "1"}, "shape": null, "type": "object", "properties": {"thread_id": {"type": "string", "required": true}}}]"#,
    );
    roundtrip_params(
        r#"[{"name": "lr", "default": 1e-07, "shape": null, "type": "double"}, {"name": "big", "default": 1e+16, "shape": null, "type": "float"}, {"name": "day", "default": "2023-06-26", "shape": null, "type": "datetime"}, {"name": "n", "default": null, "shape": null, "type": "long"}]"#,
    );
}

/// docs/mlflow-behaviour.md §2: `to_dict()` exactly as MLflow's tests assert it.
#[test]
fn signature_dicts_match_mlflow_tests() {
    let binary_in = ModelSignature::new(
        Some(Schema::from_columns(vec![ColSpec::unnamed(DataType::Binary)]).unwrap()),
        None,
        None,
    )
    .unwrap();
    assert_eq!(
        binary_in.to_dict().to_json(),
        r#"{"inputs": "[{\"type\": \"binary\", \"required\": true}]", "outputs": null, "params": null}"#
    );

    let params_only = ModelSignature::new(
        None,
        None,
        Some(
            ParamSchema::new(vec![
                ParamSpec::scalar("param1", DataType::String, "test").unwrap(),
            ])
            .unwrap(),
        ),
    )
    .unwrap();
    assert_eq!(
        params_only.to_dict().params.as_deref(),
        Some(r#"[{"name": "param1", "default": "test", "shape": null, "type": "string"}]"#)
    );

    // Declared out of order: MLflow sorts Object properties.
    let message = Object::new(vec![
        Property::new("role", DataType::String),
        Property::new("content", DataType::String),
    ])
    .unwrap();
    let chat = Schema::from_columns(vec![ColSpec::new("messages", Array::new(message))]).unwrap();
    assert_eq!(
        chat.to_json(),
        r#"[{"type": "array", "items": {"type": "object", "properties": {"content": {"type": "string", "required": true}, "role": {"type": "string", "required": true}}}, "name": "messages", "required": true}]"#
    );
}

#[test]
fn defaults_are_normalised_as_mlflow_does() {
    let json = r#"[{"name": "a", "default": 1, "shape": null, "type": "double"}, {"name": "b", "default": "2023-06", "shape": null, "type": "datetime"}, {"name": "c", "default": "2023-06-26 13:00:00+02:00", "shape": null, "type": "datetime"}, {"name": "d", "default": [1, 2], "shape": [-1], "type": "float"}]"#;
    assert_eq!(
        ParamSchema::from_json(json).unwrap().to_json(),
        r#"[{"name": "a", "default": 1.0, "shape": null, "type": "double"}, {"name": "b", "default": "2023-06-01", "shape": null, "type": "datetime"}, {"name": "c", "default": "2023-06-26T11:00:00", "shape": null, "type": "datetime"}, {"name": "d", "default": [1.0, 2.0], "shape": [-1], "type": "float"}]"#
    );
    let f32_default = ParamSpec::scalar("t", DataType::Float, 0.1f32).unwrap();
    assert_eq!(
        ParamSchema::new(vec![f32_default]).unwrap().to_json(),
        r#"[{"name": "t", "default": 0.10000000149011612, "shape": null, "type": "float"}]"#
    );
}

#[test]
fn every_legacy_layout_is_read_and_written_in_the_current_one() {
    let cases = [
        // Before 2.4: name first, no `required`.
        (
            r#"[{"name": "x", "type": "double"}]"#,
            r#"[{"type": "double", "name": "x", "required": true}]"#,
        ),
        // A composite column without `required` is optional to MLflow (its None is falsy);
        // MLflow writes such a column, and any `"required": null`, back with `null`.
        (
            r#"[{"type": "array", "items": {"type": "long"}, "name": "a"}, {"type": "map", "values": {"type": "long"}, "name": "m", "required": null}, {"type": "double", "name": "d", "required": null}]"#,
            r#"[{"type": "array", "items": {"type": "long"}, "name": "a", "required": null}, {"type": "map", "values": {"type": "long"}, "name": "m", "required": null}, {"type": "double", "name": "d", "required": null}]"#,
        ),
        // numpy aliases are written back with numpy's canonical names.
        (
            r#"[{"type": "tensor", "tensor-spec": {"dtype": "<f4", "shape": [-1, 3]}}]"#,
            r#"[{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 3]}}]"#,
        ),
    ];
    for (legacy, current) in cases {
        assert_eq!(
            Schema::from_json(legacy).unwrap().to_json(),
            current,
            "{legacy}"
        );
    }
    // 2.5 and 2.6 spelled the param type `dtype`; 2.7 to 2.19 put `type` second.
    for legacy in [
        r#"[{"name": "str_param", "dtype": "string", "default": "str_a", "shape": null}]"#,
        r#"[{"name": "str_param", "type": "string", "default": "str_a", "shape": null}]"#,
    ] {
        assert_eq!(
            ParamSchema::from_json(legacy).unwrap().to_json(),
            r#"[{"name": "str_param", "default": "str_a", "shape": null, "type": "string"}]"#
        );
    }
}

fn error_of(json: &str) -> String {
    match signature_from_json(json) {
        Ok(s) => panic!("accepted {json}: {s:?}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn invalid_signatures_name_the_place_and_the_rule() {
    let cases = [
        (
            r#"[{"type": "double", "name": "a"}, {"type": "double"}]"#,
            "combination of named and unnamed inputs",
        ),
        (
            r#"[{"type": "doubel", "name": "price"}]"#,
            "`/0/type` (`price`): unsupported type `doubel`",
        ),
        (
            r#"[{"type": "tensor", "tensor-spec": {"dtype": "float33", "shape": [-1]}}]"#,
            "`/0/tensor-spec/dtype`: data type `float33` not understood",
        ),
        (
            r#"[{"type": "tensor", "tensor-spec": {"dtype": "<U10", "shape": [-1]}}]"#,
            "size information in flexible numpy data types",
        ),
        (
            r#"[{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, "x"]}}]"#,
            "`/0/tensor-spec/shape/1`",
        ),
        (
            r#"[{"type": "tensor", "tensor-spec": {"dtype": "float32"}}]"#,
            "Expected to find keys `dtype` and `shape`",
        ),
        (r#"[{"type": "double", "name": "a"}"#, "malformed JSON"),
        ("[]", "Creating Schema with empty inputs is not allowed."),
        (r#"[{"name": "a"}]"#, "`/0` (`a`): missing key `type`"),
        (
            r#"[{"type": "double", "name": "a", "nullable": true}]"#,
            "unexpected key `nullable`",
        ),
        (
            r#"[{"type": "array", "name": "a"}]"#,
            "Missing keys in Array JSON",
        ),
        (
            r#"[{"type": "object", "name": "o", "properties": {}}]"#,
            "Creating Object with empty properties is not allowed.",
        ),
        (
            r#"[{"type": "object", "name": "o", "properties": {"p": {}}}]"#,
            "`/0/properties/p` (property `p`): missing key `type`",
        ),
        (
            r#"[{"type": "map", "name": "m", "values": "long"}]"#,
            "`/0/values` (`m`): expected a type",
        ),
        (
            r#"[{"type": "double", "name": "a", "required": "yes"}]"#,
            "`/0/required` (`a`): expected true, false or null",
        ),
        (
            r#"[{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1]}}, {"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1]}}]"#,
            "multiple unnamed TensorSpecs",
        ),
        (
            r#"[{"type": "double", "name": "a"}, {"name": "t", "type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1]}}]"#,
            "combination of ColSpec and TensorSpec",
        ),
        (
            r#"[{"type": "double", "required": false}]"#,
            "unnamed optional inputs",
        ),
        (
            r#"{"inputs": null, "outputs": null}"#,
            "At least one of inputs, outputs or params must be provided",
        ),
        // (A misspelt key such as `output` is ignored, as MLflow ignores it, with a warning:
        // see `keys_mlflow_ignores_are_ignored_and_listed`.)
        (
            r#"{"inputs": [{"type": "long", "name": "x"}]}"#,
            "`/inputs`: expected the part as a JSON string (as MLflow writes it), found a list",
        ),
        (
            r#"{"inputs": "[{\"type\": \"long\", \"name\": \"x\"}, {\"type\": \"lng\", \"name\": \"y\"}]"}"#,
            "`/inputs/1/type` (`y`): unsupported type `lng`",
        ),
        (
            r#"{"params": "[{\"name\": \"p\", \"default\": 1, \"shape\": null, \"type\": \"binary\"}]"}"#,
            "binary type is not supported for parameters",
        ),
        (
            r#"{"params": "[{\"name\": \"p\", \"default\": \"x\", \"shape\": null, \"type\": \"long\"}]"}"#,
            "`/params/0/default` (param `p`)",
        ),
        (
            r#"{"params": "[{\"name\": \"p\", \"default\": 1, \"shape\": [2], \"type\": \"long\"}]"}"#,
            "Shape must be None for scalar",
        ),
        (
            r#"{"params": "[{\"name\": \"p\", \"default\": 1, \"shape\": null, \"type\": \"long\"}, {\"name\": \"p\", \"default\": 2, \"shape\": null, \"type\": \"long\"}]"}"#,
            "Duplicated parameters found in schema: ['p']",
        ),
        (
            r#"{"params": "[{\"name\": \"p\", \"shape\": null, \"type\": \"long\"}]"}"#,
            "Missing keys in ParamSpec JSON",
        ),
        (
            r#"{"params": "[{\"name\": \"d\", \"default\": \"20230606\", \"shape\": null, \"type\": \"datetime\"}]"}"#,
            "must be convertible to a date or datetime",
        ),
        (
            r#"{"params": "[{\"name\": \"c\", \"default\": {\"n\": 5}, \"shape\": null, \"type\": \"object\", \"properties\": {\"n\": {\"type\": \"integer\"}}}]"}"#,
            "property `n` expects integer, got int",
        ),
        (
            r#"{"params": "[{\"name\": \"p\", \"default\": 18446744073709551615, \"shape\": null, \"type\": \"long\"}]"}"#,
            "does not fit in 64 bits",
        ),
        ("not json", "malformed JSON"),
        ("", "malformed JSON"),
        ("42", "expected a signature dict"),
    ];
    for (json, expected) in cases {
        let message = error_of(json);
        assert!(
            message.contains(expected),
            "for {json}\n  got: {message}\n  want: {expected}"
        );
    }
}

#[test]
fn huge_and_deep_inputs_fail_cleanly() {
    // Refused by the `json_depth` budget (100 by default) before serde_json parses them.
    let deep = "[".repeat(100_000) + &"]".repeat(100_000);
    let message = error_of(&deep);
    assert!(
        message.contains("`/`, line 1, column 101: over the `json_depth` budget (100 "),
        "{message}"
    );
    let nested_arrays = format!(
        r#"[{{"type": "array", "name": "a", "items": {}"long"{}}}]"#,
        r#"{"type": "array", "items": {"type": "#.repeat(10_000),
        "}}".repeat(10_000)
    );
    let message = error_of(&nested_arrays);
    assert!(
        message.contains("over the `json_depth` budget"),
        "{message}"
    );
}

const MLFLOW_3_MLMODEL: &str = r#"artifact_path: file:///tmp/models/m-75b24f103c544a0694a466f0196e4676/artifacts
flavors:
  python_function:
    env:
      conda: conda.yaml
      virtualenv: python_env.yaml
    loader_module: mlflow.sklearn
    model_path: model.pkl
    predict_fn: predict
    python_version: 3.11.7
is_signature_from_type_hint: false
mlflow_version: 3.4.0
model_id: m-75b24f103c544a0694a466f0196e4676
model_size_bytes: 93773
model_uuid: m-75b24f103c544a0694a466f0196e4676
prompts: null
run_id: 74ed56034de94b018c67d04050f5b9ed
saved_input_example_info:
  artifact_path: input_example.json
  pandas_orient: split
  serving_input_path: serving_input_example.json
  type: dataframe
signature:
  inputs: '[{"type": "double", "name": "mean radius", "required": true}, {"type":
    "double", "name": "mean texture", "required": true}, {"type": "string", "name":
    "it''s", "required": false}]'
  outputs: '[{"type": "long", "required": true}]'
  params: null
type_hint_from_example: false
utc_time_created: '2025-10-07 23:52:48.989140'
"#;

#[test]
fn mlmodel_signature_block_is_read_through_pyyaml_folding() {
    let model = MlModel::from_yaml(MLFLOW_3_MLMODEL).unwrap();
    assert_eq!(
        model.signature_dict().unwrap().unwrap(),
        SignatureDict {
            inputs: Some(r#"[{"type": "double", "name": "mean radius", "required": true}, {"type": "double", "name": "mean texture", "required": true}, {"type": "string", "name": "it's", "required": false}]"#.to_owned()),
            outputs: Some(r#"[{"type": "long", "required": true}]"#.to_owned()),
            params: None,
        }
    );
    let signature = model.signature().unwrap().unwrap();
    assert_eq!(signature.inputs().unwrap().len(), 3);
    assert_eq!(model.get("mlflow_version").unwrap(), "3.4.0");
}

#[test]
fn broken_mlmodel_files_give_errors() {
    let truncated = &MLFLOW_3_MLMODEL[..MLFLOW_3_MLMODEL.find("it''s").unwrap()];
    assert!(matches!(
        MlModel::from_yaml(truncated),
        Err(FormatError::Yaml { .. })
    ));
    assert!(matches!(
        MlModel::from_yaml("- a\n- b\n"),
        Err(FormatError::Yaml { .. })
    ));
    assert!(matches!(
        MlModel::from_yaml("a: [b\n"),
        Err(FormatError::Yaml { .. })
    ));
    let bad_signature = "signature:\n  inputs: '[{\"type\": \"lng\", \"name\": \"x\"}]'\n";
    let message = MlModel::from_yaml(bad_signature)
        .unwrap()
        .signature()
        .unwrap_err()
        .to_string();
    assert!(
        message.contains("`/signature/inputs/0/type` (`x`): unsupported type `lng`"),
        "{message}"
    );
    // As in MLflow, a `signature` that is not a mapping is no signature.
    assert_eq!(
        MlModel::from_yaml("signature: 3\n")
            .unwrap()
            .signature()
            .unwrap(),
        None
    );
}

mod properties {
    use proptest::prelude::*;
    use signature_runtime::{ModelSignature, ParamSchema, Schema};
    use signature_tests::arbitrary;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn schemas_round_trip_and_write_stably(schema in arbitrary::schema()) {
            let json = schema.to_json();
            let read = Schema::from_json(&json).map_err(|e| TestCaseError::fail(format!("{json}\n{e}")))?;
            prop_assert_eq!(&read, &schema);
            prop_assert_eq!(read.to_json(), json);
        }

        #[test]
        fn param_schemas_round_trip(params in arbitrary::param_schema()) {
            let json = params.to_json();
            let read = ParamSchema::from_json(&json).map_err(|e| TestCaseError::fail(format!("{json}\n{e}")))?;
            prop_assert_eq!(&read, &params);
            prop_assert_eq!(read.to_json(), json);
        }

        #[test]
        fn signatures_round_trip_through_the_dict(signature in arbitrary::signature()) {
            let json = signature.to_dict().to_json();
            let read = signature_runtime::mlflow::signature_from_json(&json)
                .map_err(|e| TestCaseError::fail(format!("{json}\n{e}")))?;
            prop_assert_eq!(&read, &signature);
            prop_assert_eq!(read.to_dict().to_json(), json);
        }

        #[test]
        fn reading_arbitrary_text_never_panics(text in "(?s).{0,200}") {
            let _ = signature_runtime::mlflow::signature_from_json(&text);
            let _ = Schema::from_json(&text);
            let _ = ModelSignature::from_dict(&signature_runtime::SignatureDict {
                inputs: Some(text.clone()), outputs: None, params: Some(text),
            });
        }
    }
}

#[test]
fn the_legacy_optional_key_is_refused_on_scalar_columns_as_mlflow_3_refuses_it() {
    let error = Schema::from_json(r#"[{"type": "string", "name": "s", "optional": true}]"#)
        .unwrap_err()
        .to_string();
    assert!(
        error.starts_with("`/0/optional` (`s`): the `optional` key"),
        "{error}"
    );
    assert!(error.contains(r#"write `"required": false`"#), "{error}");
}

#[test]
fn keys_mlflow_ignores_are_ignored_and_listed() {
    use signature_runtime::mlflow::{ReadLimits, signature_from_json_with_warnings};

    let columns = r#"[{"type": "array", "items": {"type": "long", "doc": 1}, "name": "a", "optional": false, "since": "3.20"}, {"type": "object", "properties": {"p": {"type": "long", "required": true, "doc": 2}}, "name": "o", "required": true}]"#;
    let params = r#"[{"name": "k", "type": "long", "default": 1, "shape": null, "doc": "x"}]"#;
    let dict = serde_json::json!({
        "inputs": columns,
        "params": params,
        "mlflow_version": "3.20.0",
    })
    .to_string();
    let (signature, warnings) =
        signature_from_json_with_warnings(&dict, &ReadLimits::default()).unwrap();
    let listed: Vec<String> = warnings.iter().map(ToString::to_string).collect();
    assert_eq!(
        listed,
        [
            "`/mlflow_version`: ignored key `mlflow_version` (MLflow ignores it too)",
            "`/inputs/0/optional` (`a`): ignored key `optional` (MLflow ignores it too)",
            "`/inputs/0/since` (`a`): ignored key `since` (MLflow ignores it too)",
            "`/inputs/0/items/doc` (`a`): ignored key `doc` (MLflow ignores it too)",
            "`/inputs/1/properties/p/doc` (property `p`): ignored key `doc` (MLflow ignores it too)",
            "`/params/0/doc` (param `k`): ignored key `doc` (MLflow ignores it too)",
        ]
    );
    // What is read is what MLflow reads: the `optional` of a composite column does nothing,
    // its `required` stays unset and is written back as null.
    assert_eq!(
        signature.to_dict().inputs.unwrap(),
        r#"[{"type": "array", "items": {"type": "long"}, "name": "a", "required": null}, {"type": "object", "properties": {"p": {"type": "long", "required": true}}, "name": "o", "required": true}]"#
    );
    // The plain reader reads the same signature, silently.
    assert_eq!(signature_from_json(&dict).unwrap(), signature);

    // A tensor spec's unknown keys, inside and beside `tensor-spec`.
    let tensors = r#"[{"type": "tensor", "tensor-spec": {"dtype": "float64", "shape": [-1], "layout": "C"}, "name": "t", "doc": 3}]"#;
    let (_, warnings) = signature_from_json_with_warnings(tensors, &ReadLimits::default()).unwrap();
    let listed: Vec<String> = warnings.iter().map(ToString::to_string).collect();
    assert_eq!(
        listed,
        [
            "`/0/doc` (`t`): ignored key `doc` (MLflow ignores it too)",
            "`/0/tensor-spec/layout` (`t`): ignored key `layout` (MLflow ignores it too)",
        ]
    );
}

#[test]
fn an_integer_required_is_kept_as_mlflow_keeps_it_and_said_so() {
    use signature_runtime::mlflow::{ReadLimits, signature_from_json_with_warnings};

    let source = r#"[{"type": "long", "name": "a", "required": 1}, {"type": "double", "name": "b", "required": 0}, {"type": "object", "properties": {"p": {"type": "long", "required": 2}}, "name": "o", "required": true}]"#;
    let (signature, warnings) =
        signature_from_json_with_warnings(source, &ReadLimits::default()).unwrap();
    // Written back as read, byte for byte, as MLflow writes it.
    assert_eq!(signature.inputs().unwrap().to_json(), source);
    // Truthiness decides: 0 is optional, anything else required.
    let schema = Schema::from_json(source).unwrap();
    let required: Vec<String> = schema
        .required_input_names()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(required, ["a", "o"]);
    let locations: Vec<&str> = warnings.iter().map(|w| w.location.pointer()).collect();
    assert_eq!(
        locations,
        ["/0/required", "/1/required", "/2/properties/p/required"]
    );
    assert!(
        warnings[1].message.contains("read as optional"),
        "{}",
        warnings[1]
    );
    // Text stays refused: `"false"` would be required by truthiness, the opposite of what it
    // says.
    let error = Schema::from_json(r#"[{"type": "long", "name": "a", "required": "false"}]"#)
        .unwrap_err()
        .to_string();
    assert!(error.contains("expected true, false or null"), "{error}");
}

#[test]
fn a_map_of_sparkml_vectors_is_read_as_mlflow_reads_it_and_said_so() {
    use signature_runtime::mlflow::{ReadLimits, signature_from_json_with_warnings};

    let source = r#"[{"type": "map", "values": {"type": "sparkml_vector"}, "name": "v", "required": true}, {"type": "object", "properties": {"p": {"type": "map", "values": {"type": "sparkml_vector"}}}, "name": "o", "required": true}]"#;
    let (signature, warnings) =
        signature_from_json_with_warnings(source, &ReadLimits::default()).unwrap();
    assert_eq!(
        signature.inputs().unwrap().to_json(),
        r#"[{"type": "sparkml_vector", "name": "v", "required": true}, {"type": "object", "properties": {"p": {"type": "sparkml_vector", "required": true}}, "name": "o", "required": true}]"#
    );
    let locations: Vec<&str> = warnings.iter().map(|w| w.location.pointer()).collect();
    assert_eq!(locations, ["/0", "/1/properties/p"]);
    assert!(warnings[0].message.contains("read as `sparkml_vector`"));
    // A property of the vector type itself: MLflow raises, and so do we.
    let error = Schema::from_json(
        r#"[{"type": "object", "properties": {"p": {"type": "sparkml_vector"}}, "name": "o"}]"#,
    )
    .unwrap_err()
    .to_string();
    assert!(
        error.starts_with("`/0/properties/p/type` (property `p`): MLflow cannot read"),
        "{error}"
    );
}

#[test]
fn non_finite_param_defaults_are_read_and_written_as_python_writes_them() {
    let source = r#"[{"name": "a", "default": NaN, "shape": null, "type": "double"}, {"name": "b", "default": [Infinity, -Infinity, 1.5], "shape": [-1], "type": "float"}, {"name": "c", "default": {"x": NaN}, "shape": null, "type": "object", "properties": {"x": {"type": "double", "required": true}}}]"#;
    let params = ParamSchema::from_json(source).unwrap();
    assert!(matches!(params.params()[0].default(), ParamValue::Float(v) if v.is_nan()));
    assert_eq!(params.to_json(), source);
    // `1e400` is an infinity to Python's json, and an integer beyond 64 bits a float for a
    // double parameter, as MLflow stores them.
    let params = ParamSchema::from_json(
        r#"[{"name": "a", "default": 1e400, "shape": null, "type": "double"}, {"name": "b", "default": 9223372036854775808, "shape": null, "type": "double"}]"#,
    )
    .unwrap();
    assert_eq!(
        params.to_json(),
        r#"[{"name": "a", "default": Infinity, "shape": null, "type": "double"}, {"name": "b", "default": 9.223372036854776e+18, "shape": null, "type": "double"}]"#
    );
    // The token is not a number for a long parameter.
    let error =
        ParamSchema::from_json(r#"[{"name": "a", "default": NaN, "shape": null, "type": "long"}]"#)
            .unwrap_err()
            .to_string();
    assert!(error.contains("param `a`"), "{error}");
    // Nor anywhere outside a default.
    assert!(
        Schema::from_json(
            r#"[{"type": "tensor", "tensor-spec": {"dtype": "float64", "shape": [NaN]}}]"#
        )
        .is_err()
    );
}

#[test]
fn a_column_whose_required_is_unset_is_optional_but_not_an_unnamed_optional_column() {
    let schema =
        Schema::from_json(r#"[{"type": "any"}, {"type": "double", "required": null}]"#).unwrap();
    let columns = schema.columns().unwrap();
    assert!(
        columns
            .iter()
            .all(|c| !c.required() && c.required_is_unset())
    );
    assert_eq!(
        schema.to_json(),
        r#"[{"type": "any", "required": null}, {"type": "double", "required": null}]"#
    );
    // An explicit `false` on an unnamed column is still refused, as MLflow refuses it.
    assert!(Schema::from_json(r#"[{"type": "double", "required": false}]"#).is_err());
}
