//! Model directories both ways: MLflow's `Model.load` reads ours as its own, and we read
//! MLflow's with the same signature and input example.

use serde_json::{Map, Value, json};
use signature_runtime::mlflow::{InputExample, SavedInputExample, signature_from_json};
use signature_runtime::{MlModel, ModelSignature};
use signature_tests::mlflow::oracle;

const SIGNATURE: &str = r#"{"inputs": "[{\"type\": \"double\", \"name\": \"sqft\", \"required\": true}, {\"type\": \"long\", \"name\": \"bedrooms\", \"required\": true}]", "outputs": "[{\"type\": \"double\", \"name\": \"price\", \"required\": true}]", "params": "[{\"name\": \"discount\", \"default\": 0.0, \"shape\": null, \"type\": \"double\"}]"}"#;

fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("interop-modeldir-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn house_example() -> SavedInputExample {
    SavedInputExample::new(InputExample::Dataframe {
        columns: Some(vec!["sqft".into(), "bedrooms".into()]),
        data: vec![vec![json!(1500.0), json!(3)], vec![json!(880.25), json!(1)]],
    })
}

#[test]
fn mlflow_loads_our_model_directory_as_its_own() {
    let Some(mut mlflow) = oracle() else { return };
    let signature = signature_from_json(SIGNATURE).unwrap();
    let dir = scratch("ours");
    let mut flavors = Map::new();
    flavors.insert(
        "rust".into(),
        json!({"crate": "signature-runtime", "model": "house_price"}),
    );
    let mut model = MlModel::new(flavors, Some(&signature));
    let example = house_example();
    example.write_to(&dir).unwrap();
    model.set_input_example(&example);
    model.save(&dir).unwrap();

    let (theirs, their_example) = mlflow.load_model_signature(&dir);
    assert_eq!(theirs.as_deref(), Some(SIGNATURE));
    assert_eq!(
        their_example,
        Some(json!({"columns": ["sqft", "bedrooms"], "data": [[1500.0, 3], [880.25, 1]]}))
    );
    // Read back by us, too, unknown flavor and all.
    let read = MlModel::load(&dir).unwrap();
    assert_eq!(read, model);
    assert_eq!(read.input_example(&dir).unwrap(), Some(example));
}

#[test]
fn we_load_mlflows_model_directory_with_its_signature_and_example() {
    let Some(mut mlflow) = oracle() else { return };
    let dir = scratch("theirs").join("model");
    let example =
        json!({"dataframe": {"columns": ["sqft", "bedrooms"], "data": [[1500.0, 3], [880.25, 1]]}});
    mlflow
        .save_pyfunc_model(&dir, SIGNATURE, Some(example))
        .unwrap();
    let model = MlModel::load(&dir).unwrap();
    let signature: ModelSignature = model.signature().unwrap().unwrap();
    assert_eq!(signature.to_dict().to_json(), SIGNATURE);
    assert_eq!(model.input_example(&dir).unwrap(), Some(house_example()));
    let text = std::fs::read_to_string(dir.join("MLmodel")).unwrap();
    assert_eq!(
        model.to_yaml(),
        text,
        "unknown keys and flavors survive a round trip"
    );
    assert!(
        matches!(model.get("flavors"), Some(Value::Object(f)) if f.contains_key("python_function"))
    );
}
