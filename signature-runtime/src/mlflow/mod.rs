//! MLflow's file formats: signature JSON (written byte for byte as MLflow writes it) and
//! MLmodel files.

mod error;
mod file_kind;
mod input_example;
mod limits;
mod mlmodel;
pub(crate) mod pyjson;
mod pyjson_read;
mod pyyaml;
mod signature_json;

use std::path::Path;

pub use error::{FormatError, FormatWarning, Location};
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

use crate::types::{ModelSignature, ParamValue};
use limits::read_to_string_limited;
use signature_json::Reader;

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
    load_signature_with_warnings(path, limits).map(|(signature, _)| signature)
}

/// [`load_signature_with`], also listing what MLflow ignores or reads differently from how it
/// is written (unknown keys, ...; see [`FormatWarning`]), for tools to show.
pub fn load_signature_with_warnings(
    path: &Path,
    limits: &ReadLimits,
) -> Result<(ModelSignature, Vec<FormatWarning>), FormatError> {
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
            .signature_with_warnings(limits)?
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
    signature_from_json_with_warnings(&text, limits)
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
    signature_from_json_with_warnings(text, limits).map(|(signature, _)| signature)
}

/// [`signature_from_json_with`], also listing what MLflow ignores or reads differently from
/// how it is written (see [`FormatWarning`]).
pub fn signature_from_json_with_warnings(
    text: &str,
    limits: &ReadLimits,
) -> Result<(ModelSignature, Vec<FormatWarning>), FormatError> {
    let mut reader = Reader::new(limits);
    let at = Location::root();
    let signature = if text.trim_start().starts_with('[') {
        let inputs = reader.schema_text(text)?;
        ModelSignature::new(Some(inputs), None, None).map_err(|source| FormatError::Schema {
            location: at,
            source,
        })?
    } else {
        let dict = reader.dict_text(text)?;
        reader.signature(&dict, &at)?
    };
    Ok((signature, reader.warnings))
}

/// A JSON value as a parameter value (integers beyond 64 bits refused, not rounded).
pub(crate) fn param_value_from_json(value: &serde_json::Value) -> Result<ParamValue, FormatError> {
    let reading = signature_json::ParamValueReading {
        python_tokens: false,
        big_integers_as_floats: false,
    };
    signature_json::read_param_value(value, &Location::root(), reading)
}
