//! Fuzzes the input example reader (`SavedInputExample::read_from`): the first byte picks the
//! `saved_input_example_info` block (type, params, pandas orient), the rest is the
//! `input_example.json` it points at. Any panic is a bug; so is an example that does not
//! survive being saved as MLflow saves it and read back, or a serving example that is not JSON.
//! Tight budgets may refuse a file, never read it differently.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use serde_json::{Value, json};
use signature_fuzz::{scratch_dir, tight_limits};
use signature_runtime::mlflow::{INPUT_EXAMPLE_FILE_NAME, SavedInputExample};

/// Two model directories of this process: one the fuzzer writes, one our writer writes.
fn dirs() -> &'static (PathBuf, PathBuf) {
    static DIRS: OnceLock<(PathBuf, PathBuf)> = OnceLock::new();
    DIRS.get_or_init(|| {
        let base = scratch_dir("input-example");
        let given = base.join("given");
        let ours = base.join("ours");
        std::fs::create_dir_all(&given).unwrap();
        std::fs::create_dir_all(&ours).unwrap();
        (given, ours)
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, file)) = data.split_first() else {
        return;
    };
    let (given, ours) = dirs();
    let mut info = serde_json::Map::new();
    info.insert("artifact_path".into(), json!(INPUT_EXAMPLE_FILE_NAME));
    let kind = match selector & 0b11 {
        0 => "dataframe",
        1 => "ndarray",
        2 => "json_object",
        _ => "sparse",
    };
    info.insert("type".into(), json!(kind));
    if selector & 0b100 != 0 {
        info.insert("params".into(), json!("true"));
    }
    if selector & 0b1000 != 0 {
        info.insert("pandas_orient".into(), json!("values"));
    }
    std::fs::write(given.join(INPUT_EXAMPLE_FILE_NAME), file).unwrap();
    let info = Value::Object(info);
    let read = SavedInputExample::read_from(given, &info);
    // Under tight budgets the same file is refused or read the same.
    if let Ok(tight) = SavedInputExample::read_from_with(given, &info, &tight_limits()) {
        assert_eq!(read.as_ref().ok(), Some(&tight));
    }
    let saved = match read {
        Ok(saved) => saved,
        Err(error) => {
            let _ = error.to_string();
            return;
        }
    };

    saved.write_to(ours).unwrap();
    let back = SavedInputExample::read_from(ours, &Value::Object(saved.info()))
        .unwrap_or_else(|e| panic!("our own example does not read back: {e}"));
    assert_eq!(back, saved);
    let serving = saved.serving_input_example_json();
    let body: Value = serde_json::from_str(&serving)
        .unwrap_or_else(|e| panic!("the serving example is not JSON: {e}\n{serving}"));
    assert!(body.is_object(), "{serving}");
});
