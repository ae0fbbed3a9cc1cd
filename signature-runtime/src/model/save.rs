//! Saving a typed model as an MLflow model directory, and checking a saved one against it.

use std::fmt;
use std::path::{Path, PathBuf};

use serde_json::{Map as JsonMap, Value, json};

use super::{Model, SignedModel};
use crate::mlflow::{FormatError, InputExample, MlModel, SavedInputExample};
use crate::report::Report;
use crate::types::{ModelSignature, SchemaInputs};

/// The flavor our model directories carry in `MLmodel` (MLflow keeps unknown flavors).
pub const FLAVOR_NAME: &str = "signature_runtime";

/// Why a model directory could not be saved or does not belong to the model.
///
/// Each message is complete on its own, so `source()` returns nothing the message has already
/// said: an error chain prints every cause once.
#[derive(Debug)]
#[non_exhaustive]
pub enum SaveError {
    /// MLflow refuses to save over a directory that holds anything; so do we.
    NotEmpty(PathBuf),
    /// A directory that could not be created.
    Io {
        /// The directory.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The input example does not match the model's signature (MLflow refuses it too).
    InvalidExample(Report),
    /// Reading or writing an MLflow file failed.
    Format(FormatError),
    /// A saved model whose signature is not this model's.
    SignatureDiffers {
        /// The model directory.
        path: PathBuf,
        /// The saved signature, as MLflow writes it.
        saved: String,
        /// The model's signature, as MLflow writes it.
        ours: String,
    },
}

impl fmt::Display for SaveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SaveError::NotEmpty(path) => write!(
                f,
                "{}: the directory already exists and is not empty",
                path.display()
            ),
            SaveError::Io { path, source } => write!(f, "{}: {source}", path.display()),
            SaveError::InvalidExample(report) => write!(
                f,
                "the input example does not match the model's signature\n{report}"
            ),
            SaveError::Format(error) => error.fmt(f),
            SaveError::SignatureDiffers { path, saved, ours } => write!(
                f,
                "{}: the saved signature differs from the model's\n  saved: {saved}\n  model: {ours}",
                path.display()
            ),
        }
    }
}

impl std::error::Error for SaveError {}

impl From<FormatError> for SaveError {
    fn from(error: FormatError) -> Self {
        SaveError::Format(error)
    }
}

impl<M: Model> SignedModel<M> {
    /// Saves the model's MLflow description into `dir`: `MLmodel` with the signature (and the
    /// flavor [`FLAVOR_NAME`]) and, given example rows, `input_example.json` and
    /// `serving_input_example.json`. The rows are checked first, as MLflow checks them.
    pub fn save(&self, dir: &Path, example: Option<&[M::Input]>) -> Result<MlModel, SaveError> {
        let example = example.map(|rows| self.input_example(rows)).transpose()?;
        if std::fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_some()) {
            return Err(SaveError::NotEmpty(dir.to_path_buf()));
        }
        std::fs::create_dir_all(dir).map_err(|source| SaveError::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        let mut flavor = JsonMap::new();
        flavor.insert("model_type".into(), json!(std::any::type_name::<M>()));
        flavor.insert("runtime_version".into(), json!(env!("CARGO_PKG_VERSION")));
        let mut flavors = JsonMap::new();
        flavors.insert(FLAVOR_NAME.into(), Value::Object(flavor));
        let mut mlmodel = MlModel::new(flavors, Some(&self.signature));
        if let Some(example) = &example {
            example.write_to(dir)?;
            mlmodel.set_input_example(example);
        }
        mlmodel.save(dir)?;
        Ok(mlmodel)
    }

    /// Checks that the model directory at `dir` (or its MLmodel file) was saved with this
    /// model's signature: a deployment guard against serving a model with the wrong code.
    pub fn check_saved(&self, dir: &Path) -> Result<(), SaveError> {
        let saved = crate::mlflow::load_signature(dir)?;
        if saved == self.signature {
            return Ok(());
        }
        Err(SaveError::SignatureDiffers {
            path: dir.to_path_buf(),
            saved: saved.to_dict().to_json(),
            ours: self.signature.to_dict().to_json(),
        })
    }

    fn input_example(&self, rows: &[M::Input]) -> Result<SavedInputExample, SaveError> {
        let records = serde_json::to_value(rows).unwrap_or(Value::Null);
        let report = self.inputs.check(records.to_string().as_bytes());
        if !report.is_valid() {
            return Err(SaveError::InvalidExample(report));
        }
        let records = match records {
            Value::Array(records) => records,
            other => vec![other],
        };
        Ok(SavedInputExample::new(example_of(&self.signature, records)))
    }
}

/// Example rows as MLflow would save the equivalent Python value: a DataFrame for column
/// schemas, an array (or dict of arrays) for tensor schemas.
fn example_of(signature: &ModelSignature, records: Vec<Value>) -> InputExample {
    let inputs = signature
        .inputs()
        .expect("a typed model's signature has inputs");
    let names: Vec<Option<String>> = inputs.names().map(|n| n.map(ToString::to_string)).collect();
    match inputs.inputs() {
        SchemaInputs::Tensors(_) => {
            let first = records.into_iter().next().unwrap_or(Value::Null);
            match (first, names.as_slice()) {
                // A positional tensor struct is a one-element list: the array itself.
                (Value::Array(mut fields), [None]) if fields.len() == 1 => {
                    InputExample::Ndarray(fields.remove(0))
                }
                (value, _) => InputExample::Ndarray(value),
            }
        }
        SchemaInputs::Columns(_) => {
            let named = names.iter().all(Option::is_some);
            let data = records
                .into_iter()
                .map(|record| match record {
                    Value::Object(mut fields) => names
                        .iter()
                        .map(|n| {
                            n.as_ref()
                                .and_then(|n| fields.remove(n))
                                .unwrap_or(Value::Null)
                        })
                        .collect(),
                    Value::Array(cells) => cells,
                    single => vec![single],
                })
                .collect();
            InputExample::Dataframe {
                columns: named.then(|| names.into_iter().flatten().collect()),
                data,
            }
        }
    }
}
