//! Fuzzes the signature JSON readers (`mlflow::signature_json`): a signature dict, a bare
//! schema list, a ParamSchema, in every layout MLflow has written. Any panic is a bug; so is a
//! signature that does not survive being written and read back: what we read, we write as
//! MLflow does, and that text must read back to the same value and write the same bytes.
//! Tight budgets may refuse a text, never read it differently.
#![no_main]

use std::fmt::{Debug, Display};

use libfuzzer_sys::fuzz_target;
use signature_fuzz::tight_limits;
use signature_runtime::mlflow::{ReadLimits, signature_from_json_with};
use signature_runtime::{ModelSignature, ParamSchema, Schema, SignatureDict};

/// One reader and its writer: read `text` within the defaults and within tight budgets;
/// whatever is read must be written, read back equal, and written again the same.
fn round_trip<T: PartialEq + Debug, E: Display>(
    text: &str,
    read: impl Fn(&str, &ReadLimits) -> Result<T, E>,
    write: impl Fn(&T) -> String,
) {
    let defaults = read(text, &ReadLimits::default());
    if let Ok(tight) = read(text, &tight_limits()) {
        assert_eq!(defaults.as_ref().ok(), Some(&tight), "{text}");
    }
    match defaults {
        Ok(value) => {
            let written = write(&value);
            let back = read(&written, &ReadLimits::default())
                .unwrap_or_else(|e| panic!("our own output {written} does not read back: {e}"));
            assert_eq!(back, value, "{written}");
            assert_eq!(write(&back), written);
        }
        Err(error) => {
            let _ = error.to_string();
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    round_trip(
        text,
        signature_from_json_with,
        |signature: &ModelSignature| signature.to_dict().to_json(),
    );
    round_trip(text, SignatureDict::from_json_with, SignatureDict::to_json);
    round_trip(text, Schema::from_json_with, Schema::to_json);
    round_trip(text, ParamSchema::from_json_with, ParamSchema::to_json);
});
