//! Batch scoring: a Parquet file of houses, read batch by batch, each batch checked and
//! conformed to the model's signature before the model sees it.
//!
//! Run with `cargo run -p signature-examples --features parquet --example batch`.

use std::convert::Infallible;
use std::io::Write;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use signature_runtime::Signature;
use signature_runtime::frame::arrow_array::{
    ArrayRef, Float32Array, Int32Array, RecordBatch, StringArray,
};
use signature_runtime::frame::parquet;
use signature_runtime::frame::parquet_crate::arrow::ArrowWriter;
use signature_runtime::model::{Model, NoParams, PredictError, SignedModel};

#[derive(Debug, Signature, Serialize, Deserialize)]
struct HouseFeatures {
    sqft: f64,
    bedrooms: i64,
}

#[derive(Debug, Signature, Serialize)]
struct Prediction {
    price: f64,
}

struct LinearModel;

impl Model for LinearModel {
    type Input = HouseFeatures;
    type Output = Prediction;
    type Params = NoParams;
    type Error = Infallible;

    fn predict(
        &self,
        houses: Vec<HouseFeatures>,
        _: &NoParams,
    ) -> Result<Vec<Prediction>, Infallible> {
        Ok(houses
            .iter()
            .map(|h| Prediction {
                price: 50_000.0 + 150.0 * h.sqft + 10_000.0 * h.bedrooms as f64,
            })
            .collect())
    }
}

/// A feature pipeline's output: narrower types than the signature's (float32, int32), columns
/// in another order, and an extra column the model does not know.
fn pipeline_batch(sqft: &[f32], bedrooms: &[i32]) -> RecordBatch {
    let notes: Vec<&str> = sqft.iter().map(|_| "ok").collect();
    RecordBatch::try_from_iter([
        (
            "bedrooms",
            Arc::new(Int32Array::from(bedrooms.to_vec())) as ArrayRef,
        ),
        ("notes", Arc::new(StringArray::from(notes)) as ArrayRef),
        (
            "sqft",
            Arc::new(Float32Array::from(sqft.to_vec())) as ArrayRef,
        ),
    ])
    .expect("columns of one length")
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    run(&mut std::io::stdout().lock())
}

/// The example's whole output, written to `out` (its test reads it from a buffer).
pub(crate) fn run(out: &mut dyn Write) -> Result<(), Box<dyn std::error::Error>> {
    let model = SignedModel::new(LinearModel);
    let path = std::env::temp_dir().join(format!("houses-{}.parquet", std::process::id()));
    let first = pipeline_batch(&[1500.0, 880.5], &[3, 1]);
    let mut writer = ArrowWriter::try_new(std::fs::File::create(&path)?, first.schema(), None)?;
    writer.write(&first)?;
    writer.flush()?;
    writer.write(&pipeline_batch(&[2100.0], &[4]))?;
    writer.close()?;
    writeln!(out, "wrote {}", path.display())?;

    for (index, batch) in parquet::open(&path)?.enumerate() {
        let batch = batch?;
        match model.predict_batch(&batch) {
            Ok(predictions) => {
                writeln!(out, "batch {index}: {}", predictions.to_json())?;
                writeln!(out, "{}", predictions.input_report)?;
            }
            Err(PredictError::InvalidInput(report)) => {
                writeln!(out, "batch {index} rejected:\n{report}")?;
            }
            Err(other) => return Err(other.to_string().into()),
        }
    }

    // A pipeline that drifted: `bedrooms` arrives as text. The model never sees it.
    let drifted = RecordBatch::try_from_iter([
        (
            "sqft",
            Arc::new(Float32Array::from(vec![1200.0])) as ArrayRef,
        ),
        (
            "bedrooms",
            Arc::new(StringArray::from(vec!["three"])) as ArrayRef,
        ),
    ])?;
    match model.predict_batch(&drifted) {
        Err(PredictError::InvalidInput(report)) => {
            writeln!(out, "drifted batch rejected:\n{report}")?;
        }
        other => return Err(format!("the drifted batch must be rejected: {other:?}").into()),
    }
    std::fs::remove_file(&path)?;
    Ok(())
}
