//! The house-price walkthrough: a model whose inputs and outputs are Rust types, saved as an
//! MLflow model directory, loaded back, and guarded so that a bad request never reaches it.
//!
//! Run with `cargo run -p signature-examples --example house_price`; add a directory
//! (`-- ./house-model`) to keep the saved model there and load it with MLflow or `mlsig`.

use std::cell::Cell;
use std::convert::Infallible;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use signature_runtime::model::{Model, NoParams, PredictError, SignedModel};
use signature_runtime::{MlModel, Signature};

/// What the model is asked about: one house.
#[derive(Debug, Signature, Serialize, Deserialize)]
struct HouseFeatures {
    sqft: f64,
    bedrooms: i64,
}

/// What it answers.
#[derive(Debug, Signature, Serialize)]
struct Prediction {
    price: f64,
}

/// A linear model, counting its calls so the walkthrough can show when it did not run.
struct LinearModel {
    calls: Cell<usize>,
}

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
        self.calls.set(self.calls.get() + 1);
        Ok(houses
            .iter()
            .map(|h| Prediction {
                price: 50_000.0 + 150.0 * h.sqft + 10_000.0 * h.bedrooms as f64,
            })
            .collect())
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args_os().skip(1);
    let keep = args.next().map(PathBuf::from);
    if args.next().is_some() {
        return Err("usage: house_price [DIRECTORY TO KEEP THE SAVED MODEL IN]".into());
    }
    walkthrough(&mut std::io::stdout().lock(), keep.as_deref())
}

/// The whole story, written to `out` (the test suite reads it from a buffer). The model is saved
/// in `keep` and left there when given (a directory that must not exist yet, as for MLflow's
/// `save_model`), else in a temporary directory removed at the end.
pub(crate) fn walkthrough(
    out: &mut dyn Write,
    keep: Option<&Path>,
) -> Result<(), Box<dyn std::error::Error>> {
    let section = |out: &mut dyn Write, title: &str| writeln!(out, "\n== {title}");
    let model = SignedModel::new(LinearModel {
        calls: Cell::new(0),
    });

    section(
        out,
        "1. Save the model with its signature and an input example",
    )?;
    let dir = match keep {
        Some(dir) if dir.exists() => {
            return Err(format!(
                "{} already exists: give a new directory (MLflow's save_model refuses one too)",
                dir.display()
            )
            .into());
        }
        Some(dir) => dir.to_path_buf(),
        None => {
            let dir =
                std::env::temp_dir().join(format!("house-price-model-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            dir
        }
    };
    let example = [HouseFeatures {
        sqft: 1500.0,
        bedrooms: 3,
    }];
    model.save(&dir, Some(&example))?;
    writeln!(out, "saved to {}", dir.display())?;
    for file in [
        "MLmodel",
        "input_example.json",
        "serving_input_example.json",
    ] {
        writeln!(out, "  {file}")?;
    }

    section(out, "2. Load it back: the same contract")?;
    let loaded = MlModel::load(&dir)?;
    let saved_signature = loaded
        .signature()?
        .ok_or("the saved model has no signature")?;
    assert_eq!(&saved_signature, model.signature());
    model.check_saved(&dir)?;
    writeln!(
        out,
        "the saved signature is the model's own; the input example is"
    )?;
    let example = loaded.input_example(&dir)?.ok_or("no input example")?;
    writeln!(out, "  {}", example.input_example_json())?;

    let requests: [(&str, &[u8]); 3] = [
        (
            "3. A correct request",
            br#"{"dataframe_split": {"columns": ["sqft", "bedrooms"], "data": [[1500.0, 3], [2100.0, 4]]}}"#,
        ),
        (
            "4. `bedrooms` missing, an extra `bathrooms` column",
            br#"{"dataframe_split": {"columns": ["sqft", "bathrooms"], "data": [[1500.0, 2]]}}"#,
        ),
        (
            "5. A string where a number belongs",
            br#"{"dataframe_records": [{"sqft": "1500", "bedrooms": 3}]}"#,
        ),
    ];
    for (title, body) in requests {
        section(out, title)?;
        writeln!(out, "request: {}", String::from_utf8_lossy(body))?;
        let calls_before = model.model().calls.get();
        match model.predict_json(body) {
            Ok(predictions) => writeln!(out, "response: {}", predictions.to_json())?,
            Err(PredictError::InvalidInput(report)) => {
                writeln!(out, "rejected before the model ran:\n{report}")?;
            }
            Err(other) => return Err(other.to_string().into()),
        }
        let ran = model.model().calls.get() > calls_before;
        writeln!(out, "the model {}", if ran { "ran" } else { "did not run" })?;
    }

    section(
        out,
        "6. The MLflow signature, as json.dumps(signature.to_dict()) prints it",
    )?;
    writeln!(out, "{}", model.signature().to_dict().to_json())?;
    if keep.is_none() {
        std::fs::remove_dir_all(&dir)?;
        return Ok(());
    }
    section(out, "7. The saved model is yours to keep")?;
    let shown = dir.display();
    writeln!(out, "it stays in {shown}; load it with MLflow:")?;
    writeln!(
        out,
        "  python -c \"import mlflow; print(mlflow.models.Model.load('{shown}').signature)\""
    )?;
    writeln!(out, "or look at it with mlsig:")?;
    writeln!(
        out,
        "  cargo run -p signature-runtime --features cli,parquet --bin mlsig -- show {shown}"
    )?;
    Ok(())
}
