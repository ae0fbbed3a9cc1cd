//! Fuzzes the derive's drift reader (`#[signature(check = "...")]`), which reads committed
//! signature files while compiling: the first byte picks JSON or MLflow YAML and the inputs
//! or outputs, the rest is the file. A panic there would crash the compiler's macro
//! expansion. A signature JSON or MLmodel file the runtime reads must also be read by the
//! derive, with one entry per column, or the drift check would refuse a file that `mlsig`
//! accepts.
#![no_main]

use libfuzzer_sys::fuzz_target;
use signature_runtime::mlflow::{MlModel, signature_from_json};

// The reader is a module of the proc-macro crate, which cannot be a library dependency: its
// file and the one it uses are included as they are.
#[allow(dead_code)]
#[path = "../../signature-derive/src/drift/read.rs"]
mod drift_read;
#[allow(dead_code)]
#[path = "../../signature-derive/src/dtype.rs"]
mod dtype;

/// What `dtype.rs` takes from the derive's attribute module, for its messages only.
mod attr {
    pub(crate) fn list(names: &[&str]) -> String {
        names.join(", ")
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, file)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(file) else {
        return;
    };
    let is_yaml = selector & 1 != 0;
    let part = if selector & 2 == 0 {
        "inputs"
    } else {
        "outputs"
    };
    let read = drift_read::entries(text, is_yaml, part, "fuzz.json");
    for entry in read.iter().flatten() {
        let _ = entry.to_string();
    }
    // Both read MLmodel YAML with the same reader (`signature-runtime-yaml`), so a file the
    // runtime reads a signature from, the derive reads too.
    let signature = if is_yaml {
        MlModel::from_yaml(text)
            .ok()
            .and_then(|model| model.signature().ok().flatten())
    } else {
        signature_from_json(text).ok()
    };
    let Some(signature) = signature else {
        return;
    };
    let schema = if part == "inputs" {
        signature.inputs()
    } else {
        signature.outputs()
    };
    if let Some(schema) = schema {
        match read {
            Ok(entries) => assert_eq!(entries.len(), schema.len(), "{text}"),
            Err(message) => panic!("the runtime reads {text} but the derive does not: {message}"),
        }
    }
});
