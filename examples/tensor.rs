//! A tensor model: a batch of 28×28 images in (an MLflow TensorSpec of shape `[-1, 28, 28]`),
//! one digit per image out. A batch of the wrong shape never reaches the model.
//!
//! Run with `cargo run -p signature-examples --example tensor`.

use std::convert::Infallible;
use std::io::Write;

use serde::{Deserialize, Serialize};
use signature_runtime::Signature;
use signature_runtime::model::{Model, NoParams, PredictError, SignedModel};

/// The whole batch is one tensor: its type's nesting (three `Vec`s) is the shape's rank.
#[derive(Debug, Signature, Serialize, Deserialize)]
struct Images {
    #[signature(tensor(shape = [-1, 28, 28]))]
    images: Vec<Vec<Vec<f32>>>,
}

#[derive(Debug, Signature, Serialize)]
struct Digit {
    digit: i64,
}

/// "Recognises" a digit by the image's mean brightness.
struct Brightness;

impl Model for Brightness {
    type Input = Images;
    type Output = Digit;
    type Params = NoParams;
    type Error = Infallible;

    fn predict(&self, batches: Vec<Images>, _: &NoParams) -> Result<Vec<Digit>, Infallible> {
        Ok(batches
            .iter()
            .flat_map(|batch| &batch.images)
            .map(|image| {
                let sum: f32 = image.iter().flatten().sum();
                let mean = sum / (28.0 * 28.0);
                Digit {
                    digit: (mean * 9.0).round() as i64,
                }
            })
            .collect())
    }
}

fn body(images: usize, rows: usize, brightness: f32) -> Vec<u8> {
    let image = vec![vec![brightness; 28]; rows];
    let batch = vec![image; images];
    serde_json::to_vec(&serde_json::json!({"inputs": {"images": batch}})).expect("JSON")
}

fn main() -> std::io::Result<()> {
    run(&mut std::io::stdout().lock())
}

/// The example's whole output, written to `out` (its test reads it from a buffer).
pub(crate) fn run(out: &mut dyn Write) -> std::io::Result<()> {
    let model = SignedModel::new(Brightness);
    writeln!(
        out,
        "MLflow signature:\n{}\n",
        model.signature().to_dict().to_json()
    )?;

    for (what, body) in [
        ("two 28x28 images", body(2, 28, 0.5)),
        ("two 27x28 images", body(2, 27, 0.5)),
    ] {
        writeln!(out, "request: {what}")?;
        match model.predict_json(&body) {
            Ok(predictions) => writeln!(out, "response: {}", predictions.to_json())?,
            Err(PredictError::InvalidInput(report)) => writeln!(out, "rejected:\n{report}")?,
            Err(other) => writeln!(out, "failed: {other}")?,
        }
        writeln!(out)?;
    }
    Ok(())
}
