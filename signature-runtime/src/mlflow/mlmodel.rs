//! MLmodel files: the YAML MLflow writes at the root of every model directory.

use std::path::Path;

use serde_json::{Map as JsonMap, Value, json};

use super::input_example::SavedInputExample;
use super::limits::{Budget, BudgetExceeded, ReadLimits, read_to_string_limited};
use super::pyyaml;
use super::signature_json::{Reader, SignatureDict, json_kind};
use super::{FormatError, FormatWarning, Location};
use crate::types::ModelSignature;

/// The file name MLflow gives the model description inside a model directory.
pub const MLMODEL_FILE_NAME: &str = "MLmodel";

/// The MLflow release whose MLmodel layout this crate writes (and whose reading of it the
/// interop tests check); written as `mlflow_version`.
pub const MLFLOW_VERSION: &str = "3.17.2";

/// An MLmodel document, every key kept in the order the file has it.
#[derive(Clone, Debug, PartialEq)]
pub struct MlModel {
    document: JsonMap<String, Value>,
}

impl MlModel {
    /// Parses MLmodel YAML.
    pub fn from_yaml(yaml: &str) -> Result<MlModel, FormatError> {
        MlModel::from_yaml_with(yaml, &ReadLimits::default())
    }

    /// [`MlModel::from_yaml`] within the MLmodel budgets of `limits`: size, nesting depth,
    /// alias uses and the size the aliases expand to.
    pub fn from_yaml_with(yaml: &str, limits: &ReadLimits) -> Result<MlModel, FormatError> {
        if yaml.len() as u64 > limits.mlmodel_bytes {
            return Err(BudgetExceeded::new(
                Budget::MlmodelBytes,
                limits.mlmodel_bytes,
                "the MLmodel text",
            )
            .into());
        }
        let document = pyyaml::safe_load(yaml, limits)?;
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

    /// A description for a newly saved model, laid out as MLflow 3.x lays one out: the given
    /// flavors, a fresh `model_uuid`, `utc_time_created` now, `mlflow_version`, `model_id` and
    /// `prompts` null, and the signature if there is one.
    pub fn new(flavors: JsonMap<String, Value>, signature: Option<&ModelSignature>) -> MlModel {
        let mut document = JsonMap::new();
        document.insert("flavors".into(), Value::Object(flavors));
        document.insert("mlflow_version".into(), json!(MLFLOW_VERSION));
        document.insert("model_id".into(), Value::Null);
        document.insert("model_uuid".into(), json!(new_model_uuid()));
        document.insert("prompts".into(), Value::Null);
        document.insert("utc_time_created".into(), json!(utc_time_created()));
        let mut model = MlModel { document };
        if let Some(signature) = signature {
            model.set_signature(signature);
        }
        model
    }

    /// Sets the `signature` block (and the type-hint flags MLflow writes beside it).
    pub fn set_signature(&mut self, signature: &ModelSignature) {
        let dict = signature.to_dict();
        let part = |json: Option<String>| json.map_or(Value::Null, Value::String);
        self.document.insert(
            "signature".into(),
            json!({"inputs": part(dict.inputs), "outputs": part(dict.outputs), "params": part(dict.params)}),
        );
        // Our signatures are declared, not inferred from Python type hints, so MLflow must
        // enforce them.
        self.document
            .insert("is_signature_from_type_hint".into(), json!(false));
        self.document
            .insert("type_hint_from_example".into(), json!(false));
    }

    /// Records a saved input example (`saved_input_example_info`).
    pub fn set_input_example(&mut self, example: &SavedInputExample) {
        self.document.insert(
            "saved_input_example_info".into(),
            Value::Object(example.info()),
        );
    }

    /// Reads the input example saved in `dir`, if this description records one.
    pub fn input_example(&self, dir: &Path) -> Result<Option<SavedInputExample>, FormatError> {
        self.input_example_with(dir, &ReadLimits::default())
    }

    /// [`MlModel::input_example`] within the input example budgets of `limits`.
    pub fn input_example_with(
        &self,
        dir: &Path,
        limits: &ReadLimits,
    ) -> Result<Option<SavedInputExample>, FormatError> {
        self.document
            .get("saved_input_example_info")
            .map(|info| SavedInputExample::read_from_with(dir, info, limits))
            .transpose()
    }

    /// Writes `dir/MLmodel`.
    pub fn save(&self, dir: &Path) -> Result<(), FormatError> {
        let path = dir.join(MLMODEL_FILE_NAME);
        std::fs::write(&path, self.to_yaml()).map_err(|source| FormatError::Io { path, source })
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
        MlModel::load_with(path, &ReadLimits::default())
    }

    /// [`MlModel::load`] within the MLmodel budgets of `limits`; the file's size is checked
    /// before it is read.
    pub fn load_with(path: &Path, limits: &ReadLimits) -> Result<MlModel, FormatError> {
        let file = if path.is_dir() {
            path.join(MLMODEL_FILE_NAME)
        } else {
            path.to_path_buf()
        };
        let yaml = read_to_string_limited(&file, limits.mlmodel_bytes, Budget::MlmodelBytes)?;
        MlModel::from_yaml_with(&yaml, limits).map_err(|error| match error {
            FormatError::Budget(exceeded) => FormatError::Budget(exceeded.in_file(&file)),
            other => other,
        })
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
            Some(block @ Value::Object(_)) => Reader::new(&ReadLimits::default())
                .dict(block, &Location::root().child("signature"))
                .map(Some),
            _ => Ok(None),
        }
    }

    /// The model's signature, if the file has one.
    pub fn signature(&self) -> Result<Option<ModelSignature>, FormatError> {
        self.signature_with(&ReadLimits::default())
    }

    /// [`MlModel::signature`] within the signature budgets of `limits`.
    pub fn signature_with(
        &self,
        limits: &ReadLimits,
    ) -> Result<Option<ModelSignature>, FormatError> {
        Ok(self
            .signature_with_warnings(limits)?
            .map(|(signature, _)| signature))
    }

    /// [`MlModel::signature_with`], also listing what MLflow ignores or reads differently from
    /// how it is written (see [`FormatWarning`]).
    pub fn signature_with_warnings(
        &self,
        limits: &ReadLimits,
    ) -> Result<Option<(ModelSignature, Vec<FormatWarning>)>, FormatError> {
        let at = Location::root().child("signature");
        let Some(block @ Value::Object(_)) = self.document.get("signature") else {
            return Ok(None);
        };
        let mut reader = Reader::new(limits);
        let dict = reader.dict(block, &at)?;
        let signature = reader.signature(&dict, &at)?;
        Ok(Some((signature, reader.warnings)))
    }
}

/// `uuid.uuid4().hex`: 32 lowercase hex digits, random but for the version and variant bits.
fn new_model_uuid() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

/// `str(datetime.now(timezone.utc).replace(tzinfo=None))`: microseconds only when not zero.
fn utc_time_created() -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let secs = i64::try_from(now.as_secs()).unwrap_or(i64::MAX);
    let at = chrono::DateTime::from_timestamp(secs, now.subsec_micros() * 1000)
        .unwrap_or_default()
        .naive_utc();
    let text = at.format("%Y-%m-%d %H:%M:%S").to_string();
    match now.subsec_micros() {
        0 => text,
        micros => format!("{text}.{micros:06}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fresh_descriptions_look_like_mlflows() {
        let uuid = new_model_uuid();
        assert_eq!(uuid.len(), 32);
        assert!(
            uuid.bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        );
        assert_eq!(&uuid[12..13], "4", "version 4");
        assert_ne!(new_model_uuid(), uuid);
        let created = utc_time_created();
        assert!(created.len() == 19 || created.len() == 26, "{created}");
        assert_eq!(&created[10..11], " ");
    }
}
