//! Typed models end to end: every call checked before the model runs, outputs checked before
//! they are returned, model directories MLflow reads as its own.

use std::cell::Cell;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use serde_json::json;
use signature_runtime::model::{Model, PredictError, SaveError, SignedModel};
use signature_runtime::{FormatError, MlModel, Params, ProblemKind, Signature, load_signature};
use signature_tests::mlflow::oracle;

#[derive(Debug, Clone, Signature, Serialize, Deserialize)]
struct House {
    sqft: f64,
    bedrooms: i64,
    #[serde(default)]
    city: Option<String>,
}

#[derive(Debug, Signature, Serialize)]
struct Price {
    price: f64,
}

#[derive(Debug, Default, Params, Deserialize)]
struct Pricing {
    #[param(default = 0.0)]
    discount: f64,
    #[param(default = 1)]
    copies: i64,
}

/// Prices houses; `discount` of 1.0 makes it return NaN, a bug the output check must catch.
struct Linear {
    calls: Cell<usize>,
}

impl Model for Linear {
    type Input = House;
    type Output = Price;
    type Params = Pricing;
    type Error = std::convert::Infallible;

    fn predict(&self, houses: Vec<House>, params: &Pricing) -> Result<Vec<Price>, Self::Error> {
        self.calls.set(self.calls.get() + 1);
        let factor = if params.discount == 1.0 {
            f64::NAN
        } else {
            1.0 - params.discount
        };
        Ok(houses
            .iter()
            .flat_map(|h| {
                let price = (50_000.0 + 150.0 * h.sqft) * factor;
                (0..params.copies).map(move |_| Price { price })
            })
            .collect())
    }
}

fn model() -> SignedModel<Linear> {
    SignedModel::new(Linear {
        calls: Cell::new(0),
    })
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("typed-model-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[test]
fn every_request_format_reaches_the_model_as_typed_rows() {
    let model = model();
    let bodies: [&[u8]; 6] = [
        br#"{"dataframe_split": {"columns": ["sqft", "bedrooms"], "data": [[1000.0, 2], [2000.0, 3]]}}"#,
        br#"{"dataframe_split": {"columns": ["bedrooms", "sqft", "city"], "data": [[2, 1000, "Salem"], [3, 2000, null]]}}"#,
        br#"{"dataframe_records": [{"sqft": 1000.0, "bedrooms": 2}, {"sqft": 2000.0, "bedrooms": 3}]}"#,
        br#"{"inputs": {"sqft": [1000.0, 2000.0], "bedrooms": [2, 3]}}"#,
        br#"{"instances": [{"sqft": 1000.0, "bedrooms": 2}, {"sqft": 2000.0, "bedrooms": 3}]}"#,
        br#"[{"sqft": 1000.0, "bedrooms": 2}, {"sqft": 2000.0, "bedrooms": 3, "city": "Salem"}]"#,
    ];
    for body in bodies {
        let predictions = model
            .predict_json(body)
            .unwrap_or_else(|e| panic!("{}\n{e}", String::from_utf8_lossy(body)));
        assert_eq!(
            predictions.to_json(),
            r#"{"predictions": [{"price": 200000.0}, {"price": 350000.0}]}"#,
            "{}",
            String::from_utf8_lossy(body)
        );
    }
    assert_eq!(model.model().calls.get(), bodies.len());
}

#[test]
fn params_arrive_typed_with_their_defaults() {
    let model = model();
    let body =
        br#"{"dataframe_records": [{"sqft": 1000.0, "bedrooms": 2}], "params": {"copies": 2}}"#;
    let predictions = model.predict_json(body).unwrap();
    assert_eq!(predictions.outputs.len(), 2, "copies=2 reached the model");
    // An integer for a double param is widened as MLflow widens it.
    let body =
        br#"{"dataframe_records": [{"sqft": 1000.0, "bedrooms": 2}], "params": {"discount": 0}}"#;
    assert_eq!(
        model.predict_json(body).unwrap().outputs[0].price,
        200_000.0
    );
    let body =
        br#"{"dataframe_records": [{"sqft": 1000.0, "bedrooms": 2}], "params": {"copies": "two"}}"#;
    let Err(PredictError::InvalidInput(report)) = model.predict_json(body) else {
        panic!("a string for a long param must be refused");
    };
    assert!(
        report
            .problems()
            .iter()
            .any(|p| p.param() == Some("copies")),
        "{report}"
    );
}

#[test]
fn a_bad_request_never_reaches_the_model_and_the_report_says_why() {
    let model = model();
    let cases: [(&[u8], ProblemKind, &str); 4] = [
        (
            br#"{"dataframe_split": {"columns": ["sqft", "bathrooms"], "data": [[1500.0, 2]]}}"#,
            ProblemKind::MissingColumn,
            "bedrooms",
        ),
        (
            br#"{"dataframe_records": [{"sqft": "1500", "bedrooms": 3}]}"#,
            ProblemKind::WrongType,
            "/dataframe_records/0/sqft",
        ),
        (
            br#"{"dataframe_records": [{"sqft": 1500.0, "bedrooms": 2.5}]}"#,
            ProblemKind::WrongType,
            "/dataframe_records/0/bedrooms",
        ),
        (
            br#"{"dataframe_records": [{"sqft": 1500.0, "bedrooms": null}]}"#,
            ProblemKind::NullNotAllowed,
            "/dataframe_records/0/bedrooms",
        ),
    ];
    for (body, kind, place) in cases {
        match model.predict_json(body) {
            Err(PredictError::InvalidInput(report)) => {
                let problem = report.errors().next().expect("an error");
                assert_eq!(problem.kind(), kind, "{report}");
                assert!(
                    problem.pointer() == place || problem.column() == Some(place),
                    "{report}"
                );
            }
            other => panic!("{}: {other:?}", String::from_utf8_lossy(body)),
        }
    }
    assert_eq!(model.model().calls.get(), 0, "the model never ran");
}

#[test]
fn outputs_outside_the_signature_are_caught() {
    let model = model();
    let body =
        br#"{"dataframe_records": [{"sqft": 1000.0, "bedrooms": 2}], "params": {"discount": 1.0}}"#;
    match model.predict_json(body) {
        Err(PredictError::InvalidOutput(report)) => {
            assert_eq!(
                report.errors().next().unwrap().kind(),
                ProblemKind::NullNotAllowed,
                "{report}"
            );
        }
        other => panic!("a NaN price must be caught: {other:?}"),
    }
}

#[test]
fn typed_rows_are_checked_too() {
    let model = model();
    let good = vec![House {
        sqft: 1000.0,
        bedrooms: 2,
        city: None,
    }];
    assert_eq!(
        model
            .predict(
                good,
                &Pricing {
                    discount: 0.0,
                    copies: 1
                }
            )
            .unwrap()
            .len(),
        1
    );
    let nan = vec![House {
        sqft: f64::NAN,
        bedrooms: 2,
        city: None,
    }];
    assert!(matches!(
        model.predict(nan, &Pricing::default()),
        Err(PredictError::InvalidInput(_))
    ));
}

#[test]
fn saving_refuses_what_mlflow_refuses_and_detects_drift() {
    let model = model();
    let dir = scratch("refuse");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("other"), "x").unwrap();
    assert!(matches!(
        model.save(&dir, None),
        Err(SaveError::NotEmpty(_))
    ));

    let bad_example = [House {
        sqft: f64::INFINITY,
        bedrooms: 1,
        city: None,
    }];
    let dir = scratch("bad-example");
    assert!(matches!(
        model.save(&dir, Some(&bad_example)),
        Err(SaveError::InvalidExample(_))
    ));
    assert!(
        !dir.join("MLmodel").exists(),
        "nothing is written for a refused example"
    );

    let dir = scratch("drift");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("MLmodel"),
        "signature:\n  inputs: '[{\"type\": \"double\", \"name\": \"sqft\", \"required\": true}]'\n  outputs: null\n  params: null\n",
    )
    .unwrap();
    let error = model.check_saved(&dir).unwrap_err().to_string();
    assert!(error.contains("the saved signature differs"), "{error}");
}

#[test]
fn broken_model_directories_give_clear_errors() {
    let missing = scratch("missing");
    std::fs::create_dir_all(&missing).unwrap();
    let error = MlModel::load(&missing).unwrap_err();
    assert!(
        matches!(error, FormatError::Io { .. }) && error.to_string().contains("MLmodel"),
        "{error}"
    );

    let unsigned = scratch("unsigned");
    std::fs::create_dir_all(&unsigned).unwrap();
    std::fs::write(
        unsigned.join("MLmodel"),
        "flavors: {}\nmlflow_version: 3.17.2\n",
    )
    .unwrap();
    assert!(matches!(
        load_signature(&unsigned),
        Err(FormatError::NoSignature { .. })
    ));

    let corrupt = scratch("corrupt");
    std::fs::create_dir_all(&corrupt).unwrap();
    std::fs::write(
        corrupt.join("MLmodel"),
        "signature:\n  inputs: '[{\"type\"\n  - ]",
    )
    .unwrap();
    assert!(matches!(
        load_signature(&corrupt),
        Err(FormatError::Yaml { .. })
    ));

    let rejected = scratch("rejected");
    std::fs::create_dir_all(&rejected).unwrap();
    std::fs::write(
        rejected.join("MLmodel"),
        "signature:\n  inputs: '[{\"type\": \"double\", \"name\": \"a\"}, {\"type\": \"double\"}]'\n",
    )
    .unwrap();
    let error = load_signature(&rejected).unwrap_err().to_string();
    assert!(
        error.contains("/signature/inputs") && error.contains("named and unnamed"),
        "{error}"
    );
}

#[test]
fn mlflow_reads_a_saved_typed_model_as_its_own() {
    let Some(mut mlflow) = oracle() else { return };
    let model = model();
    let dir = scratch("mlflow-reads");
    let example = [
        House {
            sqft: 1500.0,
            bedrooms: 3,
            city: Some("Salem".into()),
        },
        House {
            sqft: 880.5,
            bedrooms: 1,
            city: Some("Zürich".into()),
        },
    ];
    model.save(&dir, Some(&example)).unwrap();
    let (signature, read_example) = mlflow.load_model_signature(&dir);
    assert_eq!(
        signature.as_deref(),
        Some(model.signature().to_dict().to_json().as_str())
    );
    assert_eq!(
        read_example,
        Some(
            json!({"columns": ["sqft", "bedrooms", "city"], "data": [[1500.0, 3, "Salem"], [880.5, 1, "Zürich"]]})
        )
    );
}

#[test]
fn arrow_batches_are_conformed_then_decoded() {
    use std::sync::Arc;

    use signature_runtime::frame::arrow_array::{
        ArrayRef, Float32Array, Int32Array, Int64Array, RecordBatch, StringArray,
    };

    let model = model();
    let batch = RecordBatch::try_from_iter([
        (
            "bedrooms",
            Arc::new(Int32Array::from(vec![2, 3])) as ArrayRef,
        ),
        (
            "sqft",
            Arc::new(Float32Array::from(vec![1000.0, 2000.0])) as ArrayRef,
        ),
        (
            "city",
            Arc::new(StringArray::from(vec![Some("Salem"), None])) as ArrayRef,
        ),
        (
            "extra",
            Arc::new(StringArray::from(vec!["x", "y"])) as ArrayRef,
        ),
    ])
    .unwrap();
    let predictions = model.predict_batch(&batch).unwrap();
    assert_eq!(
        predictions.to_json(),
        r#"{"predictions": [{"price": 200000.0}, {"price": 350000.0}]}"#
    );
    assert_eq!(
        predictions.input_report.warning_count(),
        1,
        "the extra column is reported"
    );

    let missing = RecordBatch::try_from_iter_with_nullable([
        (
            "sqft",
            Arc::new(Float32Array::from(vec![1000.0])) as ArrayRef,
            false,
        ),
        (
            "bedrooms",
            Arc::new(Int64Array::from(vec![None])) as ArrayRef,
            true,
        ),
    ])
    .unwrap();
    let calls = model.model().calls.get();
    match model.predict_batch(&missing) {
        Err(PredictError::InvalidInput(report)) => {
            assert_eq!(
                report.errors().next().unwrap().kind(),
                ProblemKind::NullNotAllowed,
                "{report}"
            );
        }
        other => panic!("a null in a required column must be refused: {other:?}"),
    }
    assert_eq!(model.model().calls.get(), calls, "the model did not run");
}
