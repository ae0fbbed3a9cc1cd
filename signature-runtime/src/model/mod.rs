//! Typed models: MLflow's `PythonModel`, for Rust, with every call checked against the
//! signature before the model runs.
//!
//! ```
//! use signature_runtime::model::{Model, NoParams, SignedModel};
//! use signature_runtime::Signature;
//!
//! #[derive(Signature, serde::Serialize, serde::Deserialize)]
//! struct House {
//!     sqft: f64,
//!     bedrooms: i64,
//! }
//!
//! #[derive(Debug, Signature, serde::Serialize)]
//! struct Price {
//!     price: f64,
//! }
//!
//! struct Linear;
//!
//! impl Model for Linear {
//!     type Input = House;
//!     type Output = Price;
//!     type Params = NoParams;
//!     type Error = std::convert::Infallible;
//!
//!     fn predict(&self, houses: Vec<House>, _: &NoParams) -> Result<Vec<Price>, Self::Error> {
//!         Ok(houses.iter().map(|h| Price { price: 50_000.0 + 150.0 * h.sqft }).collect())
//!     }
//! }
//!
//! let model = SignedModel::new(Linear);
//! let body = br#"{"dataframe_split": {"columns": ["sqft", "bedrooms"], "data": [[1500.0, 3]]}}"#;
//! let predictions = model.predict_json(body).unwrap();
//! assert_eq!(predictions.to_json(), r#"{"predictions": [{"price": 275000.0}]}"#);
//!
//! // A string where a number belongs: the model never runs, the report says where.
//! let bad = br#"{"dataframe_split": {"columns": ["sqft", "bedrooms"], "data": [["1500", 3]]}}"#;
//! let error = model.predict_json(bad).unwrap_err();
//! assert!(error.to_string().contains("/dataframe_split/data/0/0"));
//! ```

#[cfg(feature = "arrow")]
mod batch;
pub(crate) mod decode;
mod save;

use std::fmt;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

pub use save::{FLAVOR_NAME, SaveError};

use crate::check::{CheckOptions, JsonChecker};
use crate::derived::{Params, Signature};
use crate::mlflow::pyjson::PyJsonWriter;
use crate::report::{Collector, Problem, ProblemKind, Report, Severity};
use crate::types::{ModelSignature, ParamSchema};

/// A model over typed rows: MLflow's `PythonModel`, with its contract in its types.
///
/// `Input` and `Output` derive [`Signature`] and serde's traits (`Input` both ways: requests
/// are decoded into it, typed rows and examples are checked and saved as JSON), `Params` derives
/// [`Params`] (or is [`NoParams`]). Wrap the model in a [`SignedModel`] to have
/// every call checked.
pub trait Model {
    /// One input row.
    type Input: Signature + DeserializeOwned + Serialize;
    /// One output row.
    type Output: Signature + Serialize;
    /// The inference parameters.
    type Params: Params + DeserializeOwned;
    /// What the model's own failures are.
    type Error: std::error::Error;

    /// Predicts one output row per input row.
    fn predict(
        &self,
        inputs: Vec<Self::Input>,
        params: &Self::Params,
    ) -> Result<Vec<Self::Output>, Self::Error>;
}

/// The params of a model that takes none.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Deserialize)]
pub struct NoParams {}

impl Params for NoParams {
    fn param_schema() -> ParamSchema {
        ParamSchema::default()
    }
}

/// Why a prediction did not happen or was not returned.
#[derive(Debug)]
pub enum PredictError<E> {
    /// The input does not match the signature; the model did not run.
    InvalidInput(Report),
    /// The input passed the checks but does not decode into the model's input type, which
    /// accepts less than its signature describes (an enum's variant names, an integer type
    /// narrower than its column's, a fixed-size array, `deny_unknown_fields`, a custom
    /// `Deserialize`); the model did not run.
    Undecodable(String),
    /// The model failed.
    Model(E),
    /// The model returned rows outside its own output signature.
    InvalidOutput(Report),
}

impl<E: fmt::Display> fmt::Display for PredictError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PredictError::InvalidInput(report) => {
                write!(
                    f,
                    "the input does not match the model's signature; the model did not run\n{report}"
                )
            }
            PredictError::Undecodable(reason) => write!(
                f,
                "the input passed the signature checks but does not decode into the model's \
                 input type: {reason}"
            ),
            PredictError::Model(error) => write!(f, "the model failed: {error}"),
            PredictError::InvalidOutput(report) => write!(
                f,
                "the model returned output that does not match its own signature\n{report}"
            ),
        }
    }
}

/// The model's error is part of the message, so the chain goes on with *its* source: each
/// cause is printed once.
impl<E: std::error::Error + 'static> std::error::Error for PredictError<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            PredictError::Model(error) => error.source(),
            _ => None,
        }
    }
}

/// A model's predictions, with what the input check warned about (extra columns, unknown
/// params).
#[derive(Debug)]
pub struct Predictions<O> {
    /// One output row per input row.
    pub outputs: Vec<O>,
    /// The input check's report: valid, possibly with warnings.
    pub input_report: Report,
}

impl<O: Serialize> Predictions<O> {
    /// The scoring server's response body, `{"predictions": [...]}`, as MLflow writes it for a
    /// DataFrame output (a list of records).
    pub fn to_json(&self) -> String {
        let records = serde_json::to_value(&self.outputs).unwrap_or(Value::Null);
        let mut w = PyJsonWriter::default();
        w.begin_object();
        w.key("predictions");
        w.value(&records);
        w.end_object();
        w.finish()
    }
}

/// A request body checked and decoded: what the model is about to run on.
pub(crate) struct CheckedInput<M: Model> {
    pub(crate) rows: Vec<M::Input>,
    pub(crate) params: M::Params,
    pub(crate) report: Report,
}

/// A model whose every call is checked against its signature: inputs before the model runs,
/// outputs before they are returned.
pub struct SignedModel<M: Model> {
    model: M,
    signature: ModelSignature,
    inputs: JsonChecker,
    outputs: JsonChecker,
}

impl<M: Model> SignedModel<M> {
    /// Wraps a model; its signature comes from its types.
    pub fn new(model: M) -> Self {
        let signature = ModelSignature::with_params::<M::Input, M::Output, M::Params>();
        // The input type's limits too: an unknown variant or a `u8` of 300 is reported with
        // every other problem, not found by serde after the check.
        let inputs = JsonChecker::for_signature(&signature).with_limits_of::<M::Input>();
        let outputs = JsonChecker::for_schema(
            signature
                .outputs()
                .expect("a typed model's signature has outputs"),
        );
        SignedModel {
            model,
            signature,
            inputs,
            outputs,
        }
    }

    /// With the input check run under other options (a mode, an extra-column policy): a
    /// scoring server that must decide as MLflow's does checks in [`Mode::MlflowServing`].
    ///
    /// [`Mode::MlflowServing`]: crate::check::Mode::MlflowServing
    #[must_use]
    pub fn with_check_options(mut self, options: CheckOptions) -> Self {
        self.inputs = JsonChecker::for_signature(&self.signature)
            .with_limits_of::<M::Input>()
            .with_options(options);
        self
    }

    /// The options the inputs are checked with.
    pub fn check_options(&self) -> &CheckOptions {
        self.inputs.options()
    }

    /// The MLflow signature the model is checked against.
    pub fn signature(&self) -> &ModelSignature {
        &self.signature
    }

    /// The checker of inputs, built once with the model (the scoring server reads CSV
    /// headers with its name index).
    #[cfg(feature = "serve")]
    pub(crate) fn input_checker(&self) -> &JsonChecker {
        &self.inputs
    }

    /// The model inside.
    pub fn model(&self) -> &M {
        &self.model
    }

    /// Predicts from an MLflow scoring-server request body (`dataframe_split`,
    /// `dataframe_records`, `inputs`, `instances`, with optional `params`).
    pub fn predict_json(
        &self,
        body: &[u8],
    ) -> Result<Predictions<M::Output>, PredictError<M::Error>> {
        let input = self.decode_json(body)?;
        let outputs = self.run(input.rows, &input.params)?;
        Ok(Predictions {
            outputs,
            input_report: input.report,
        })
    }

    /// The first half of [`SignedModel::predict_json`]: the body checked and decoded into
    /// typed rows and params, with the check's report. The scoring server times the check and
    /// the model apart.
    pub(crate) fn decode_json(
        &self,
        body: &[u8],
    ) -> Result<CheckedInput<M>, PredictError<M::Error>> {
        let decoded =
            self.inputs
                .decode_typed::<M::Input>(body)
                .map_err(|failure| match failure {
                    (report, None) => PredictError::InvalidInput(report),
                    (_, Some(reason)) => PredictError::Undecodable(reason),
                })?;
        let params = decode::typed_params(Some(&decoded.params), self.signature.params())
            .map_err(PredictError::Undecodable)?;
        Ok(CheckedInput {
            rows: decoded.rows,
            params,
            report: decoded.report,
        })
    }

    /// Predicts from an Arrow batch: checked and conformed to the signature (columns
    /// reordered, extras dropped and reported, safe widening), then decoded into typed rows.
    #[cfg(feature = "arrow")]
    pub fn predict_batch(
        &self,
        batch: &arrow_array::RecordBatch,
    ) -> Result<Predictions<M::Output>, PredictError<M::Error>> {
        let conformed = crate::frame::ArrowChecker::for_signature(&self.signature)
            .conform(batch)
            .map_err(PredictError::InvalidInput)?;
        let rows = batch::records(&conformed.batch)
            .and_then(decode::typed_rows)
            .map_err(PredictError::Undecodable)?;
        let params = decode::typed_params(None, self.signature.params())
            .map_err(PredictError::Undecodable)?;
        let outputs = self.run(rows, &params)?;
        Ok(Predictions {
            outputs,
            input_report: conformed.report,
        })
    }

    /// Predicts from typed rows. They are checked too: a type can hold values its column
    /// cannot (a NaN where a number is required, say).
    pub fn predict(
        &self,
        rows: Vec<M::Input>,
        params: &M::Params,
    ) -> Result<Vec<M::Output>, PredictError<M::Error>> {
        let records =
            serde_json::to_vec(&rows).map_err(|e| PredictError::Undecodable(e.to_string()))?;
        let report = self.inputs.check(&records);
        if !report.is_valid() {
            return Err(PredictError::InvalidInput(report));
        }
        self.run(rows, params)
    }

    /// Runs the model on rows that passed the check, then checks its outputs.
    pub(crate) fn run(
        &self,
        rows: Vec<M::Input>,
        params: &M::Params,
    ) -> Result<Vec<M::Output>, PredictError<M::Error>> {
        let outputs = self
            .model
            .predict(rows, params)
            .map_err(PredictError::Model)?;
        let records = serde_json::to_vec(&outputs)
            .map_err(|e| PredictError::InvalidOutput(unserializable(&e.to_string())))?;
        let report = self.outputs.check(&records);
        if !report.is_valid() {
            return Err(PredictError::InvalidOutput(report));
        }
        Ok(outputs)
    }
}

/// A report of rows serde could not write as JSON at all (a map with non-string keys).
fn unserializable(reason: &str) -> Report {
    let mut collector = Collector::new(1);
    collector.add(Problem::new(
        ProblemKind::WrongType,
        Severity::Error,
        "",
        format!("the rows cannot be written as JSON: {reason}"),
    ));
    collector.finish(None)
}
