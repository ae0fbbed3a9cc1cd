//! MLmodel files: the YAML MLflow writes at the root of every model directory.

use std::path::Path;

use indexmap::IndexMap;
use serde_json::Value;

use super::signature_json::{SignatureDict, json_kind};
use super::{FormatError, Location};
use crate::types::ModelSignature;

/// The file name MLflow gives the model description inside a model directory.
pub const MLMODEL_FILE_NAME: &str = "MLmodel";

/// An MLmodel document, every key kept in the order the file has it.
#[derive(Clone, Debug, PartialEq)]
pub struct MlModel {
    document: IndexMap<String, Value>,
}

impl MlModel {
    /// Parses MLmodel YAML.
    pub fn from_yaml(yaml: &str) -> Result<MlModel, FormatError> {
        let document: Value = serde_saphyr::from_str(yaml).map_err(|e| FormatError::Yaml {
            message: e.to_string(),
        })?;
        match document {
            Value::Object(map) => Ok(MlModel {
                document: map.into_iter().collect(),
            }),
            other => Err(FormatError::Yaml {
                message: format!(
                    "expected a mapping at the top level, found {}",
                    json_kind(&other)
                ),
            }),
        }
    }

    /// Reads `dir/MLmodel`, or the MLmodel file itself when `path` is one.
    pub fn load(path: &Path) -> Result<MlModel, FormatError> {
        let file = if path.is_dir() {
            path.join(MLMODEL_FILE_NAME)
        } else {
            path.to_path_buf()
        };
        let yaml = std::fs::read_to_string(&file).map_err(|source| FormatError::Io {
            path: file.clone(),
            source,
        })?;
        MlModel::from_yaml(&yaml)
    }

    /// A top-level key (`flavors`, `mlflow_version`, ...).
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.document.get(key)
    }

    /// The `signature` block as MLflow's dict, if the file has one. As in MLflow, a
    /// `signature` that is not a mapping counts as none.
    pub fn signature_dict(&self) -> Result<Option<SignatureDict>, FormatError> {
        match self.document.get("signature") {
            Some(block @ Value::Object(_)) => {
                SignatureDict::from_value(block, &Location::root().child("signature")).map(Some)
            }
            _ => Ok(None),
        }
    }

    /// The model's signature, if the file has one.
    pub fn signature(&self) -> Result<Option<ModelSignature>, FormatError> {
        self.signature_dict()?
            .map(|dict| ModelSignature::from_dict_at(&dict, &Location::root().child("signature")))
            .transpose()
    }
}
