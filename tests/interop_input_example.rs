//! Input example files against the ones MLflow writes for the same example, and MLflow's
//! reading of ours.

use serde_json::{Map, Value, json};
use signature_runtime::MlModel;
use signature_runtime::mlflow::{InputExample, SavedInputExample};
use signature_tests::mlflow::oracle;

fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("interop-example-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn params(value: Value) -> Option<Map<String, Value>> {
    value.as_object().cloned()
}

#[test]
fn our_example_files_are_mlflows_byte_for_byte() {
    let Some(mut mlflow) = oracle() else { return };
    let dataframe = InputExample::Dataframe {
        columns: Some(vec!["sqft".into(), "bedrooms".into(), "city é".into()]),
        data: vec![
            vec![json!(1500.0), json!(3), json!("Salem")],
            vec![json!(2000.5), json!(4), json!("Zürich \"Z\"")],
        ],
    };
    let signature = r#"{"inputs": "[{\"type\": \"double\", \"name\": \"sqft\", \"required\": true}, {\"type\": \"long\", \"name\": \"bedrooms\", \"required\": true}, {\"type\": \"string\", \"name\": \"city \\u00e9\", \"required\": true}]", "outputs": null, "params": "[{\"name\": \"k\", \"default\": 1, \"shape\": null, \"type\": \"long\"}]"}"#;
    let cases = [
        (
            "dataframe",
            SavedInputExample::new(dataframe.clone()),
            json!({"dataframe": {"columns": ["sqft", "bedrooms", "city é"], "data": [[1500.0, 3, "Salem"], [2000.5, 4, "Zürich \"Z\""]]}}),
        ),
        (
            "json",
            SavedInputExample::new(InputExample::Json(
                json!({"messages": [{"role": "user", "content": "hé"}], "temperature": 0.5}),
            )),
            json!({"messages": [{"role": "user", "content": "hé"}], "temperature": 0.5}),
        ),
        (
            "list",
            SavedInputExample::new(InputExample::Json(json!(["a", 1, 2.5, null, true]))),
            json!(["a", 1, 2.5, null, true]),
        ),
        (
            "scalar",
            SavedInputExample::new(InputExample::Json(json!("just text"))),
            json!("just text"),
        ),
    ];
    // Without an input schema MLflow saves any example unchecked.
    let outputs_only = r#"{"inputs": null, "outputs": "[{\"type\": \"string\", \"required\": true}]", "params": null}"#;
    for (name, ours, example_for_mlflow) in cases {
        let dir = scratch(name).join("model");
        let signature = if name == "dataframe" {
            signature
        } else {
            outputs_only
        };
        mlflow
            .save_pyfunc_model(&dir, signature, Some(example_for_mlflow))
            .unwrap_or_else(|e| panic!("MLflow refused example {name}: {e}"));
        let read = |file: &str| std::fs::read_to_string(dir.join(file)).unwrap();
        assert_eq!(
            ours.input_example_json(),
            read("input_example.json"),
            "{name}"
        );
        assert_eq!(
            ours.serving_input_example_json(),
            read("serving_input_example.json"),
            "{name}"
        );
        let model = MlModel::load(&dir).unwrap();
        let info = model.get("saved_input_example_info").unwrap();
        assert_eq!(Value::Object(ours.info()), *info, "{name}");
        assert_eq!(
            SavedInputExample::read_from(&dir, info).unwrap(),
            ours,
            "{name}"
        );
    }
}

#[test]
fn mlflow_reads_our_example_files() {
    let Some(mut mlflow) = oracle() else { return };
    let signature = r#"{"inputs": "[{\"type\": \"double\", \"name\": \"sqft\", \"required\": true}, {\"type\": \"long\", \"name\": \"bedrooms\", \"required\": true}]", "outputs": null, "params": null}"#;
    // MLflow saves a model without an example, then we add ours, as a Rust writer would.
    let dir = scratch("ours").join("model");
    mlflow.save_pyfunc_model(&dir, signature, None).unwrap();
    let example = SavedInputExample {
        example: InputExample::Dataframe {
            columns: Some(vec!["sqft".into(), "bedrooms".into()]),
            data: vec![vec![json!(1500.0), json!(3)], vec![json!(880.25), json!(1)]],
        },
        params: params(json!({"discount": 0.1})),
    };
    example.write_to(&dir).unwrap();
    let text = std::fs::read_to_string(dir.join("MLmodel")).unwrap();
    let mut model = MlModel::from_yaml(&text).unwrap().document().clone();
    model.insert(
        "saved_input_example_info".into(),
        Value::Object(example.info()),
    );
    std::fs::write(dir.join("MLmodel"), MlModel::from_document(model).to_yaml()).unwrap();
    let (_, read_back) = mlflow.load_model_signature(&dir);
    assert_eq!(
        read_back,
        Some(json!({"columns": ["sqft", "bedrooms"], "data": [[1500.0, 3], [880.25, 1]]}))
    );
    assert_eq!(
        mlflow.load_input_example_params(&dir),
        Some(json!({"discount": 0.1})),
        "the params we wrote, as MLflow reads them"
    );
}

#[test]
fn we_read_the_nan_tokens_mlflow_writes_for_missing_values() {
    let Some(mut mlflow) = oracle() else { return };
    let signature = r#"{"inputs": "[{\"type\": \"double\", \"name\": \"a\", \"required\": false}, {\"type\": \"string\", \"name\": \"b\", \"required\": false}]", "outputs": null, "params": null}"#;
    let dir = scratch("nan").join("model");
    let example = json!({"dataframe": {"columns": ["a", "b"], "data": [[1.0, "x"], [null, null]]}});
    mlflow
        .save_pyfunc_model(&dir, signature, Some(example))
        .unwrap();
    // pandas' missing values reach the file as Python's bare NaN token, which is not JSON.
    let file = std::fs::read_to_string(dir.join("input_example.json")).unwrap();
    assert!(file.contains("NaN"), "{file}");
    let model = MlModel::load(&dir).unwrap();
    let saved = model.input_example(&dir).unwrap().expect("an example");
    assert_eq!(
        saved.example,
        InputExample::Dataframe {
            columns: Some(vec!["a".into(), "b".into()]),
            data: vec![vec![json!(1.0), json!("x")], vec![Value::Null, Value::Null]],
        }
    );
}
