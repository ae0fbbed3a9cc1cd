//! Every public error type is a `std::error::Error` whose chain prints each cause once: a
//! `Display` that includes a cause does not also return it from `source()`. Checked with
//! anyhow's `{:#}` (the whole chain, `: `-separated), and `?` from a checker into
//! `anyhow::Result` and `Box<dyn Error>`.
#![cfg(feature = "derive")]

use std::error::Error;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use signature_runtime::model::{Model, NoParams, PredictError, SignedModel};
use signature_runtime::{FormatError, JsonChecker, MlModel, Signature};

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("errors-compose-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `{:#}` of the error holds each of `causes` exactly once, and no link of the chain repeats
/// the message of its source.
fn assert_each_cause_once(error: anyhow::Error, causes: &[&str]) {
    let printed = format!("{error:#}");
    for cause in causes {
        assert_eq!(
            printed.matches(cause).count(),
            1,
            "`{cause}` should appear once in: {printed}"
        );
    }
    let links: Vec<String> = error.chain().map(ToString::to_string).collect();
    for pair in links.windows(2) {
        assert!(
            !pair[0].contains(&pair[1]),
            "`{}` repeats its source `{}`",
            pair[0],
            pair[1]
        );
    }
}

#[derive(Debug, Clone, Signature, Serialize, Deserialize)]
struct House {
    sqft: f64,
    bedrooms: i64,
}

#[derive(Debug, Signature, Serialize)]
struct Price {
    price: f64,
}

/// A model error with a cause of its own, as real model errors have.
#[derive(Debug, thiserror::Error)]
#[error("the scoring backend refused the batch")]
struct BackendError {
    source: std::io::Error,
}

struct Failing;

impl Model for Failing {
    type Input = House;
    type Output = Price;
    type Params = NoParams;
    type Error = BackendError;

    fn predict(&self, _: Vec<House>, _: &NoParams) -> Result<Vec<Price>, BackendError> {
        Err(BackendError {
            source: std::io::Error::other("connection reset by the GPU host"),
        })
    }
}

#[test]
fn format_errors_print_each_cause_once() {
    let missing =
        signature_runtime::load_signature("/definitely/not/here.json".as_ref()).unwrap_err();
    assert!(matches!(missing, FormatError::Io { .. }));
    let os_message = match std::fs::read("/definitely/not/here.json") {
        Err(error) => error.to_string(),
        Ok(_) => unreachable!(),
    };
    assert_each_cause_once(missing.into(), &["/definitely/not/here.json", &os_message]);

    let schema =
        signature_runtime::mlflow::signature_from_json(r#"[{"type": "doubel", "name": "x"}]"#)
            .unwrap_err();
    assert!(matches!(schema, FormatError::Schema { .. }));
    assert_each_cause_once(
        schema.into(),
        &["`/0/type` (`x`)", "unsupported type `doubel`"],
    );

    let bomb = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\ng: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\nh: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]\ni: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]\nj: *i\n";
    let budget = MlModel::from_yaml(bomb).unwrap_err();
    assert!(budget.budget_exceeded().is_some(), "{budget}");
    assert_each_cause_once(budget.into(), &["`yaml_expanded_bytes` budget"]);
}

#[test]
fn save_errors_print_each_cause_once() {
    let dir = scratch("save");
    let model = SignedModel::new(Failing);
    // The MLmodel file of a directory that was never saved.
    let error = model.check_saved(&dir).unwrap_err();
    assert_each_cause_once(error.into(), &["MLmodel"]);
    // A model directory under a file cannot be created.
    let file = dir.join("a-file");
    std::fs::write(&file, "").unwrap();
    let error = model.save(&file.join("model"), None).unwrap_err();
    assert_each_cause_once(error.into(), &["a-file/model"]);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_model_error_and_its_own_cause_print_once_each() {
    let model = SignedModel::new(Failing);
    let error = model
        .predict_json(br#"[{"sqft": 1200.0, "bedrooms": 3}]"#)
        .unwrap_err();
    assert!(matches!(error, PredictError::Model(_)), "{error}");
    assert_each_cause_once(
        error.into(),
        &[
            "the model failed",
            "the scoring backend refused the batch",
            "connection reset by the GPU host",
        ],
    );
}

fn decode_into_anyhow(body: &[u8]) -> anyhow::Result<Vec<House>> {
    let checker = JsonChecker::for_schema(&House::input_schema());
    Ok(checker.decode::<House>(body)?.rows)
}

fn decode_into_box(body: &[u8]) -> Result<Vec<House>, Box<dyn Error + Send + Sync>> {
    let checker = JsonChecker::for_schema(&House::input_schema());
    Ok(checker.decode::<House>(body)?.rows)
}

#[test]
fn a_failed_check_composes_with_question_mark() {
    let good = br#"[{"sqft": 1200.0, "bedrooms": 3}]"#;
    assert_eq!(decode_into_anyhow(good).unwrap().len(), 1);
    assert_eq!(decode_into_box(good).unwrap().len(), 1);

    let bad = br#"[{"sqft": "big", "bedrooms": 3}]"#;
    let error = decode_into_anyhow(bad).unwrap_err();
    let report = error
        .downcast_ref::<signature_runtime::Report>()
        .expect("the report is the error");
    assert_eq!(report.problems()[0].pointer(), "/0/sqft");
    assert_each_cause_once(error, &["/0/sqft"]);
    let boxed = decode_into_box(bad).unwrap_err();
    assert!(boxed.to_string().contains("/0/sqft"), "{boxed}");
    assert!(boxed.source().is_none());
}

#[cfg(feature = "parquet")]
#[test]
fn file_errors_print_each_cause_once() {
    use std::sync::Arc;

    use signature_runtime::frame::arrow_array::{ArrayRef, RecordBatch, UInt64Array};
    use signature_runtime::frame::parquet::{FileError, infer_file, open};
    use signature_runtime::frame::parquet_crate::arrow::ArrowWriter;

    let dir = scratch("files");
    let garbage = dir.join("garbage.parquet");
    std::fs::write(&garbage, b"not parquet at all, and long enough").unwrap();
    let error = open(&garbage).unwrap_err();
    let parquet_message = match &error {
        FileError::Parquet { source, .. } => source.to_string(),
        other => panic!("{other:?}"),
    };
    assert_each_cause_once(error.into(), &[&parquet_message]);

    // MLflow has no type for uint64.
    let unsigned = dir.join("unsigned.parquet");
    let batch =
        RecordBatch::try_from_iter([("n", Arc::new(UInt64Array::from(vec![1u64, 2])) as ArrayRef)])
            .unwrap();
    let mut writer = ArrowWriter::try_new(
        std::fs::File::create(&unsigned).unwrap(),
        batch.schema(),
        None,
    )
    .unwrap();
    writer.write(&batch).unwrap();
    writer.close().unwrap();
    let error = infer_file(&unsigned).unwrap_err();
    assert!(matches!(error, FileError::Infer { .. }), "{error}");
    assert_each_cause_once(error.into(), &["column `n` has type"]);
    let _ = std::fs::remove_dir_all(&dir);
}
