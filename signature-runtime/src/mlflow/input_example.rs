//! Input examples as MLflow saves them beside a model: `input_example.json` (compact
//! `json.dumps`), `serving_input_example.json` (a scoring-server request body, `indent=2`) and
//! the `saved_input_example_info` block of the MLmodel file.

use std::path::Path;

use serde_json::{Map as JsonMap, Value, json};

use super::limits::{Budget, ReadLimits, read_to_string_limited};
use super::pyjson::PyJsonWriter;
use super::pyjson_read::non_finite as python_non_finite;
use super::signature_json::{json_kind, parse_json};
use super::{FormatError, Location};

/// The file MLflow saves an input example in.
pub const INPUT_EXAMPLE_FILE_NAME: &str = "input_example.json";
/// The file MLflow saves the example as a scoring-server request body in (since MLflow 2.15).
pub const SERVING_INPUT_EXAMPLE_FILE_NAME: &str = "serving_input_example.json";

/// Keys that make a dict example a "unified LLM" request, which MLflow serves unwrapped.
const UNIFIED_LLM_KEYS: [&str; 3] = ["messages", "prompt", "input"];

/// An input example, by the kind MLflow records in `saved_input_example_info.type`.
#[derive(Clone, Debug, PartialEq)]
pub enum InputExample {
    /// The rows of a DataFrame (`type: dataframe`). With column names it is saved in pandas'
    /// `split` orient; without (positional columns) in the `values` orient.
    Dataframe {
        /// The column names, `None` for positional columns.
        columns: Option<Vec<String>>,
        /// The rows, each a list of cells in column order.
        data: Vec<Vec<Value>>,
    },
    /// A numpy array as nested lists, or a dict of them (`type: ndarray`).
    Ndarray(Value),
    /// Any other JSON value: a dict, a list or a scalar (`type: json_object`).
    Json(Value),
}

impl InputExample {
    fn type_name(&self) -> &'static str {
        match self {
            InputExample::Dataframe { .. } => "dataframe",
            InputExample::Ndarray(_) => "ndarray",
            InputExample::Json(_) => "json_object",
        }
    }

    /// The example as `input_example.json` holds it (params aside).
    fn payload(&self) -> Value {
        match self {
            InputExample::Dataframe { columns, data } => {
                let mut split = JsonMap::new();
                if let Some(columns) = columns {
                    split.insert("columns".into(), json!(columns));
                }
                split.insert("data".into(), json!(data));
                Value::Object(split)
            }
            InputExample::Ndarray(value) | InputExample::Json(value) => value.clone(),
        }
    }
}

/// An input example with the params saved beside it, as one model directory holds it.
#[derive(Clone, Debug, PartialEq)]
pub struct SavedInputExample {
    /// The input data.
    pub example: InputExample,
    /// Inference params saved with the example (`(data, params)` in MLflow's Python API).
    pub params: Option<JsonMap<String, Value>>,
}

impl SavedInputExample {
    /// An example without params.
    pub fn new(example: InputExample) -> Self {
        SavedInputExample {
            example,
            params: None,
        }
    }

    /// `input_example.json`, byte for byte as MLflow writes it.
    pub fn input_example_json(&self) -> String {
        let payload = self.example.payload();
        let document = match &self.params {
            Some(params) => json!({"inputs": payload, "params": params}),
            None => payload,
        };
        let mut w = PyJsonWriter::default();
        w.value(&document);
        w.finish()
    }

    /// `serving_input_example.json`: the example as a scoring-server request body, byte for
    /// byte as MLflow writes it.
    pub fn serving_input_example_json(&self) -> String {
        let payload = self.example.payload();
        let unified_llm = matches!(&self.example, InputExample::Json(Value::Object(map))
            if UNIFIED_LLM_KEYS.iter().any(|k| map.contains_key(*k)));
        let mut body = match &self.example {
            InputExample::Dataframe { .. } => json!({"dataframe_split": payload}),
            _ if unified_llm => payload,
            _ => json!({"inputs": payload}),
        };
        if let (Some(params), Value::Object(body)) = (&self.params, &mut body) {
            if unified_llm {
                body.extend(params.clone());
            } else {
                body.insert("params".into(), Value::Object(params.clone()));
            }
        }
        let mut w = PyJsonWriter::indented(2);
        w.value(&body);
        w.finish()
    }

    /// The MLmodel's `saved_input_example_info` block for this example.
    pub fn info(&self) -> JsonMap<String, Value> {
        let mut info = JsonMap::new();
        info.insert("artifact_path".into(), json!(INPUT_EXAMPLE_FILE_NAME));
        if let InputExample::Dataframe { columns, .. } = &self.example {
            let orient = if columns.is_some() { "split" } else { "values" };
            info.insert("pandas_orient".into(), json!(orient));
        }
        if self.params.is_some() {
            // MLflow records this as the string "true", not a boolean.
            info.insert("params".into(), json!("true"));
        }
        info.insert(
            "serving_input_path".into(),
            json!(SERVING_INPUT_EXAMPLE_FILE_NAME),
        );
        info.insert("type".into(), json!(self.example.type_name()));
        info
    }

    /// Writes both example files into `dir`.
    pub fn write_to(&self, dir: &Path) -> Result<(), FormatError> {
        for (name, text) in [
            (INPUT_EXAMPLE_FILE_NAME, self.input_example_json()),
            (
                SERVING_INPUT_EXAMPLE_FILE_NAME,
                self.serving_input_example_json(),
            ),
        ] {
            let path = dir.join(name);
            std::fs::write(&path, text).map_err(|source| FormatError::Io { path, source })?;
        }
        Ok(())
    }

    /// Reads the example a model directory holds, as `saved_input_example_info` describes it.
    pub fn read_from(dir: &Path, info: &Value) -> Result<SavedInputExample, FormatError> {
        SavedInputExample::read_from_with(dir, info, &ReadLimits::default())
    }

    /// [`SavedInputExample::read_from`] within [`ReadLimits::input_example_bytes`] and
    /// [`ReadLimits::json_depth`].
    pub fn read_from_with(
        dir: &Path,
        info: &Value,
        limits: &ReadLimits,
    ) -> Result<SavedInputExample, FormatError> {
        let at = Location::root().child("saved_input_example_info");
        let invalid = |at: &Location, message: String| FormatError::Invalid {
            location: at.clone(),
            message,
        };
        let info = info.as_object().ok_or_else(|| {
            invalid(
                &at,
                format!("expected a mapping, found {}", json_kind(info)),
            )
        })?;
        let text_field = |key: &str| info.get(key).and_then(Value::as_str);
        let file = text_field("artifact_path").unwrap_or(INPUT_EXAMPLE_FILE_NAME);
        // The MLmodel file comes from a registry or a colleague: its path must stay inside the
        // model directory (MLflow would follow `../` or an absolute path; we refuse them).
        if !Path::new(file)
            .components()
            .all(|part| matches!(part, std::path::Component::Normal(_)))
        {
            return Err(invalid(
                &at.child("artifact_path"),
                format!("{file:?} leaves the model directory; expected a path inside it"),
            ));
        }
        let path = dir.join(file);
        let text =
            read_to_string_limited(&path, limits.input_example_bytes, Budget::InputExampleBytes)?;
        let file_at = Location::root().about(path.display().to_string());
        let mut document = parse_json(&text, &file_at, limits)?;
        missing_for_nan(&mut document, &file_at)?;
        let params = if text_field("params") == Some("true") {
            let params = match document.get_mut("params").map(Value::take) {
                Some(Value::Object(params)) => params,
                _ => {
                    return Err(invalid(
                        &file_at.child("params"),
                        "expected the params object".into(),
                    ));
                }
            };
            document = document
                .get_mut("inputs")
                .map(Value::take)
                .unwrap_or(Value::Null);
            Some(params)
        } else {
            None
        };
        let example = match text_field("type") {
            Some("dataframe") => read_dataframe(document, &file_at)?,
            Some("ndarray") => InputExample::Ndarray(document),
            Some("json_object") => InputExample::Json(document),
            other => {
                return Err(invalid(
                    &at.child("type"),
                    format!(
                        "unsupported input example type {other:?}; expected `dataframe`, `ndarray` or `json_object`"
                    ),
                ));
            }
        };
        Ok(SavedInputExample { example, params })
    }
}

/// MLflow writes an example with `json.dumps`, so a missing value of a pandas frame (and any
/// float NaN) is the bare token `NaN`: it is read as `null`, which is what it means there and
/// what pandas writes for it elsewhere. An infinity has no JSON form and is refused.
fn missing_for_nan(value: &mut Value, at: &Location) -> Result<(), FormatError> {
    if let Some(number) = python_non_finite(value) {
        if number.is_nan() {
            *value = Value::Null;
            return Ok(());
        }
        return Err(FormatError::Invalid {
            location: at.clone(),
            message: format!(
                "the example holds {}, which JSON cannot hold",
                if number > 0.0 {
                    "Infinity"
                } else {
                    "-Infinity"
                }
            ),
        });
    }
    match value {
        Value::Array(items) => items
            .iter_mut()
            .enumerate()
            .try_for_each(|(i, item)| missing_for_nan(item, &at.child(i))),
        Value::Object(entries) => entries
            .iter_mut()
            .try_for_each(|(key, item)| missing_for_nan(item, &at.child(key))),
        Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_) => Ok(()),
    }
}

fn read_dataframe(document: Value, at: &Location) -> Result<InputExample, FormatError> {
    let invalid = |message: &str| FormatError::Invalid {
        location: at.clone(),
        message: message.to_owned(),
    };
    let Value::Object(mut split) = document else {
        return Err(invalid(
            "expected a DataFrame as {\"columns\": [...], \"data\": [...]}",
        ));
    };
    let columns = match split.remove("columns") {
        None => None,
        Some(Value::Array(names)) => Some(
            names
                .into_iter()
                .map(|name| match name {
                    Value::String(name) => Ok(name),
                    _ => Err(invalid("expected the column names to be strings")),
                })
                .collect::<Result<Vec<_>, _>>()?,
        ),
        Some(_) => return Err(invalid("expected `columns` to be a list")),
    };
    let data = match split.remove("data") {
        Some(Value::Array(rows)) => rows
            .into_iter()
            .map(|row| match row {
                Value::Array(cells) => Ok(cells),
                _ => Err(invalid("expected each row of `data` to be a list")),
            })
            .collect::<Result<Vec<_>, _>>()?,
        _ => return Err(invalid("expected `data` to be a list of rows")),
    };
    Ok(InputExample::Dataframe { columns, data })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::SavedInputExample;
    use crate::mlflow::FormatError;

    #[test]
    fn an_artifact_path_outside_the_model_directory_is_refused() {
        let dir = std::env::temp_dir().join(format!("example-escape-{}", std::process::id()));
        let model = dir.join("model");
        std::fs::create_dir_all(&model).unwrap();
        // A file beside the model directory that a hostile MLmodel would point at.
        std::fs::write(
            dir.join("secret.json"),
            r#"{"columns": ["a"], "data": [[1]]}"#,
        )
        .unwrap();
        let outside = dir.join("secret.json").display().to_string();
        for path in ["../secret.json", outside.as_str(), "sub/../../secret.json"] {
            let info = json!({"artifact_path": path, "type": "dataframe", "format": "tf-serving"});
            let error = SavedInputExample::read_from(&model, &info).unwrap_err();
            assert!(
                matches!(&error, FormatError::Invalid { message, .. }
                    if message.contains("leaves the model directory")),
                "{path}: {error}"
            );
        }
        // Inside, a subdirectory is fine.
        std::fs::create_dir_all(model.join("sub")).unwrap();
        std::fs::write(
            model.join("sub/example.json"),
            r#"{"columns": ["a"], "data": [[1]]}"#,
        )
        .unwrap();
        let info = json!({"artifact_path": "sub/example.json", "type": "dataframe"});
        assert!(SavedInputExample::read_from(&model, &info).is_ok());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn nan_is_read_as_null_and_an_infinity_is_refused() {
        let dir = std::env::temp_dir().join(format!("example-nan-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("nan.json"), r#"[{"a": NaN, "b": [1.5, NaN]}]"#).unwrap();
        std::fs::write(dir.join("inf.json"), r#"[{"a": [1.0, -Infinity]}]"#).unwrap();
        let info = json!({"artifact_path": "nan.json", "type": "json_object"});
        let saved = SavedInputExample::read_from(&dir, &info).unwrap();
        assert_eq!(
            saved.example,
            super::InputExample::Json(json!([{"a": null, "b": [1.5, null]}]))
        );
        let info = json!({"artifact_path": "inf.json", "type": "json_object"});
        let error = SavedInputExample::read_from(&dir, &info)
            .unwrap_err()
            .to_string();
        assert!(error.contains("`/0/a/1`"), "{error}");
        assert!(
            error.ends_with("the example holds -Infinity, which JSON cannot hold"),
            "{error}"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
