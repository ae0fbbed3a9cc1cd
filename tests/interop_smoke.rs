//! Smoke test of the bridge to the real MLflow (`signature_tests::mlflow`): the pinned MLflow
//! answers, round-trips byte-exactly, and its signature generator emits exactly what MLflow
//! itself writes. If this fails, every other interop test is suspect.

use std::collections::HashSet;

use signature_tests::mlflow::oracle;

#[test]
fn pinned_mlflow_answers() {
    let Some(mut mlflow) = oracle() else { return };
    let pong = mlflow.request(&serde_json::json!({"op": "ping"}));
    assert_eq!(pong["ok"], true, "{pong}");
    assert_eq!(
        pong["mlflow_version"], "3.17.2",
        "tests/interop/requirements.txt pins 3.17.2"
    );
}

#[test]
fn signature_dict_roundtrips_byte_exactly() {
    let Some(mut mlflow) = oracle() else { return };
    let dict = r#"{"inputs": "[{\"type\": \"double\", \"name\": \"prix \\u20ac\", \"required\": true}, {\"type\": \"array\", \"items\": {\"type\": \"string\"}, \"name\": \"tags\", \"required\": false}]", "outputs": "[{\"type\": \"tensor\", \"tensor-spec\": {\"dtype\": \"float32\", \"shape\": [-1, 28, 28]}}]", "params": "[{\"name\": \"temperature\", \"default\": 0.7, \"shape\": null, \"type\": \"double\"}]"}"#;
    assert_eq!(mlflow.signature_roundtrip(dict).as_deref(), Ok(dict));
}

#[test]
fn errors_are_answers_not_crashes() {
    let Some(mut mlflow) = oracle() else { return };
    let empty = r#"{"inputs": null, "outputs": null, "params": null}"#;
    let error = mlflow.signature_roundtrip(empty).unwrap_err();
    assert!(
        error.starts_with("ValueError: At least one of inputs"),
        "{error}"
    );
    let error = mlflow.schema_roundtrip("[]").unwrap_err();
    assert_eq!(
        error,
        "MlflowException: Creating Schema with empty inputs is not allowed."
    );
    let reply = mlflow.request(&serde_json::json!({"op": "no such op"}));
    assert_eq!(reply["ok"], false, "{reply}");
    // Still alive and answering after the refusals.
    assert_eq!(mlflow.param_schema_roundtrip("[]").as_deref(), Ok("[]"));
}

#[test]
fn numpy_dtypes_go_through_mlflow() {
    let Some(mut mlflow) = oracle() else { return };
    assert_eq!(mlflow.numpy_dtype("float").as_deref(), Ok("float64"));
    assert_eq!(mlflow.numpy_dtype("str").as_deref(), Ok("str"));
    let error = mlflow.numpy_dtype("<U10").unwrap_err();
    assert!(
        error.contains("MLflow does not support size information"),
        "{error}"
    );
}

#[test]
fn generated_signatures_are_what_mlflow_writes() {
    let Some(mut mlflow) = oracle() else { return };
    let signatures = mlflow.generated_signatures(1, 60);
    assert_eq!(signatures.len(), 60);
    assert_eq!(
        signatures.iter().collect::<HashSet<_>>().len(),
        60,
        "not distinct"
    );
    assert_eq!(
        mlflow.generated_signatures(1, 60),
        signatures,
        "not deterministic per seed"
    );
    for signature in &signatures {
        let dict: serde_json::Value = serde_json::from_str(signature).expect("valid JSON");
        for part in ["inputs", "outputs", "params"] {
            assert!(
                dict[part].is_null() || dict[part].is_string(),
                "{part} in {signature}"
            );
        }
        assert_eq!(
            mlflow.signature_roundtrip(signature).as_deref(),
            Ok(signature.as_str())
        );
    }
}

#[test]
fn pyfunc_model_saves_and_loads() {
    let Some(mut mlflow) = oracle() else { return };
    let dir = std::env::temp_dir().join(format!("signature-interop-smoke-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let model = dir.join("model");
    let dict = r#"{"inputs": "[{\"type\": \"double\", \"name\": \"x\", \"required\": true}, {\"type\": \"string\", \"name\": \"s\", \"required\": false}]", "outputs": null, "params": null}"#;
    let example = serde_json::json!({"dataframe": {"columns": ["x", "s"], "data": [[1.5, "a"]]}});
    mlflow
        .save_pyfunc_model(&model, dict, Some(example))
        .expect("MLflow saves the model");
    assert!(model.join("MLmodel").is_file());
    let (signature, example) = mlflow.load_model_signature(&model);
    assert_eq!(signature.as_deref(), Some(dict));
    assert_eq!(
        example,
        Some(serde_json::json!({"columns": ["x", "s"], "data": [[1.5, "a"]]}))
    );
    let _ = std::fs::remove_dir_all(&dir);
}
