//! MLflow's file formats: signature JSON (written byte for byte as MLflow writes it) and
//! MLmodel files.

mod error;
mod file_kind;
mod input_example;
mod limits;
mod mlmodel;
pub(crate) mod pyjson;
mod pyyaml;
mod signature_json;

use std::path::Path;

pub use error::{FormatError, Location};
pub use file_kind::FileKind;
pub use input_example::{
    INPUT_EXAMPLE_FILE_NAME, InputExample, SERVING_INPUT_EXAMPLE_FILE_NAME, SavedInputExample,
};
pub use limits::{Budget, BudgetExceeded, ReadLimits, YAML_NODE_COST};
pub use mlmodel::{MLFLOW_VERSION, MLMODEL_FILE_NAME, MlModel};
pub use signature_json::SignatureDict;
pub(crate) use signature_json::{
    col_spec_json, column_type_json, param_spec_json, tensor_spec_json,
};

use crate::types::{ModelSignature, ParamValue, Schema};
use limits::read_to_string_limited;

/// Reads a signature from any of the places one is kept: a model directory, an MLmodel file,
/// a signature dict JSON (`{"inputs": ..., "outputs": ..., "params": ...}`, as
/// `json.dumps(signature.to_dict())` prints it) or a bare schema list JSON (taken as inputs).
pub fn load_signature(path: &Path) -> Result<ModelSignature, FormatError> {
    load_signature_with(path, &ReadLimits::default())
}

/// [`load_signature`] within the budgets of `limits`: a file's size is checked before it is
/// read, and the reading stops at the budget.
pub fn load_signature_with(
    path: &Path,
    limits: &ReadLimits,
) -> Result<ModelSignature, FormatError> {
    let is_mlmodel = path.is_dir()
        || path.file_name().is_some_and(|n| n == MLMODEL_FILE_NAME)
        || path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"));
    if is_mlmodel {
        let file = if path.is_dir() {
            path.join(MLMODEL_FILE_NAME)
        } else {
            path.to_path_buf()
        };
        return MlModel::load_with(path, limits)?
            .signature_with(limits)?
            .ok_or(FormatError::NoSignature { path: file });
    }
    if let Some(kind) = FileKind::of_file(path) {
        return Err(FormatError::NotASignature {
            path: path.to_path_buf(),
            kind,
        });
    }
    let text = read_to_string_limited(
        path,
        limits.signature_json_bytes,
        Budget::SignatureJsonBytes,
    )?;
    signature_from_json_with(&text, limits)
}

/// Reads a signature dict JSON, or a bare schema list JSON taken as the inputs.
pub fn signature_from_json(text: &str) -> Result<ModelSignature, FormatError> {
    signature_from_json_with(text, &ReadLimits::default())
}

/// [`signature_from_json`] within the signature budgets of `limits`.
pub fn signature_from_json_with(
    text: &str,
    limits: &ReadLimits,
) -> Result<ModelSignature, FormatError> {
    if text.trim_start().starts_with('[') {
        let inputs = Schema::from_json_with(text, limits)?;
        return ModelSignature::new(Some(inputs), None, None).map_err(|source| {
            FormatError::Schema {
                location: Location::root(),
                source,
            }
        });
    }
    ModelSignature::from_dict_with(&SignatureDict::from_json_with(text, limits)?, limits)
}

/// A JSON value as a parameter value (integers beyond 64 bits refused, not rounded).
pub(crate) fn param_value_from_json(value: &serde_json::Value) -> Result<ParamValue, FormatError> {
    signature_json::read_param_value(value, &Location::root())
}
