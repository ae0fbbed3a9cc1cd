//! Fuzzes the signature JSON readers (`mlflow::signature_json`): a signature dict, a bare
//! schema list, a ParamSchema, in every layout MLflow has written. Any panic is a bug; so is a
//! signature that does not survive being written and read back: what we read, we write as
//! MLflow does, and that text must read back to the same value and write the same bytes.
//! Tight budgets may refuse a text, never read it differently.
#![no_main]

use libfuzzer_sys::fuzz_target;
use signature_fuzz::tight_limits;
use signature_runtime::mlflow::{signature_from_json, signature_from_json_with};
use signature_runtime::{ParamSchema, Schema, SignatureDict};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };

    let read = signature_from_json(text);
    // Under tight budgets the same text is refused or read the same.
    let limits = tight_limits();
    if let Ok(tight) = signature_from_json_with(text, &limits) {
        assert_eq!(read.as_ref().ok(), Some(&tight), "{text}");
    }
    if let Ok(tight) = Schema::from_json_with(text, &limits) {
        assert_eq!(Schema::from_json(text).ok(), Some(tight), "{text}");
    }
    if let Ok(tight) = ParamSchema::from_json_with(text, &limits) {
        assert_eq!(ParamSchema::from_json(text).ok(), Some(tight), "{text}");
    }

    match read {
        Ok(signature) => {
            let written = signature.to_dict().to_json();
            let back = signature_from_json(&written)
                .unwrap_or_else(|e| panic!("our own output {written} does not read back: {e}"));
            assert_eq!(back, signature, "{written}");
            assert_eq!(back.to_dict().to_json(), written);
        }
        Err(error) => {
            let _ = error.to_string();
        }
    }

    match SignatureDict::from_json(text) {
        Ok(dict) => {
            let written = dict.to_json();
            let back = SignatureDict::from_json(&written)
                .unwrap_or_else(|e| panic!("our own output {written} does not read back: {e}"));
            assert_eq!(back, dict);
        }
        Err(error) => {
            let _ = error.to_string();
        }
    }

    match Schema::from_json(text) {
        Ok(schema) => {
            let written = schema.to_json();
            let back = Schema::from_json(&written)
                .unwrap_or_else(|e| panic!("our own output {written} does not read back: {e}"));
            assert_eq!(back, schema, "{written}");
            assert_eq!(back.to_json(), written);
        }
        Err(error) => {
            let _ = error.to_string();
        }
    }

    match ParamSchema::from_json(text) {
        Ok(params) => {
            let written = params.to_json();
            let back = ParamSchema::from_json(&written)
                .unwrap_or_else(|e| panic!("our own output {written} does not read back: {e}"));
            assert_eq!(back, params, "{written}");
            assert_eq!(back.to_json(), written);
        }
        Err(error) => {
            let _ = error.to_string();
        }
    }
});
