//! The model's typed params from what a request sent, and typed rows from Arrow records.
//! (JSON request rows are decoded by [`JsonChecker::decode`](crate::check::JsonChecker::decode).)

use serde::de::DeserializeOwned;
use serde_json::{Map as JsonMap, Value};

use crate::types::ParamSchema;

/// Deserialises each row.
#[cfg(feature = "arrow")]
pub(super) fn typed_rows<T: DeserializeOwned>(rows: Vec<Value>) -> Result<Vec<T>, String> {
    rows.into_iter()
        .enumerate()
        .map(|(i, row)| serde_json::from_value(row).map_err(|e| format!("row {i}: {e}")))
        .collect()
}

/// The params the model gets: each declared one as sent (normalised as MLflow normalises it)
/// or its default; params the signature does not declare were reported as warnings and are
/// not passed on.
pub(crate) fn typed_params<P: DeserializeOwned>(
    sent: Option<&JsonMap<String, Value>>,
    schema: Option<&ParamSchema>,
) -> Result<P, String> {
    let mut params = JsonMap::new();
    for spec in schema.map(ParamSchema::params).unwrap_or_default() {
        let value = match sent.and_then(|s| s.get(spec.name())) {
            Some(value) => {
                let value = crate::mlflow::param_value_from_json(value)
                    .map_err(|e| format!("param `{}`: {e}", spec.name()))?;
                spec.conform(value)
                    .map_err(|e| format!("param `{}`: {e}", spec.name()))?
            }
            None => spec.default().clone(),
        };
        let json = serde_json::from_str(&value.to_json()).map_err(|e| e.to_string())?;
        params.insert(spec.name().to_owned(), json);
    }
    serde_json::from_value(Value::Object(params)).map_err(|e| format!("params: {e}"))
}
