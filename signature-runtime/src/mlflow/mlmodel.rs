//! MLmodel files: the YAML MLflow writes at the root of every model directory.

use std::path::Path;

use serde_json::{Map as JsonMap, Value};

use super::pyyaml;
use super::signature_json::{SignatureDict, json_kind};
use super::{FormatError, Location};
use crate::types::ModelSignature;

/// The file name MLflow gives the model description inside a model directory.
pub const MLMODEL_FILE_NAME: &str = "MLmodel";

/// An MLmodel document, every key kept in the order the file has it.
#[derive(Clone, Debug, PartialEq)]
pub struct MlModel {
    document: JsonMap<String, Value>,
}

impl MlModel {
    /// Parses MLmodel YAML.
    pub fn from_yaml(yaml: &str) -> Result<MlModel, FormatError> {
        let document = pyyaml::safe_load(yaml).map_err(|message| FormatError::Yaml { message })?;
        match document {
            Value::Object(document) => Ok(MlModel { document }),
            other => Err(FormatError::Yaml {
                message: format!(
                    "expected a mapping at the top level, found {}",
                    json_kind(&other)
                ),
            }),
        }
    }

    /// An MLmodel document from its top-level keys.
    pub fn from_document(document: JsonMap<String, Value>) -> MlModel {
        MlModel { document }
    }

    /// The top-level keys, in the order read.
    pub fn document(&self) -> &JsonMap<String, Value> {
        &self.document
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

    /// The document as MLflow writes it: `yaml.safe_dump(model.to_dict(),
    /// default_flow_style=False)`, byte for byte (keys sorted, long strings folded at column 80).
    pub fn to_yaml(&self) -> String {
        pyyaml::safe_dump(&self.document)
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
