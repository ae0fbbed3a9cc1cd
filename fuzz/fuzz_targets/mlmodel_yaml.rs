//! Fuzzes the MLmodel reader: YAML typed as PyYAML's `safe_load` types it
//! (`mlflow::pyyaml`), then the `signature` block read by `MlModel::signature`. Any panic,
//! hang or runaway allocation is a bug; so is a document that does not survive being written
//! as MLflow writes it and read back (same document, same signature, same bytes again).
//! Tight budgets may refuse a text, never read it differently.
#![no_main]

use libfuzzer_sys::fuzz_target;
use signature_fuzz::tight_limits;
use signature_runtime::MlModel;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let read = MlModel::from_yaml(text);
    // Under tight budgets the same text is refused or read the same.
    let limits = tight_limits();
    if let Ok(tight) = MlModel::from_yaml_with(text, &limits) {
        assert_eq!(read.as_ref().ok(), Some(&tight), "{text}");
        if let Ok(signature) = tight.signature_with(&limits) {
            assert_eq!(tight.signature().ok(), Some(signature));
        }
    }
    let model = match read {
        Ok(model) => model,
        Err(error) => {
            let _ = error.to_string();
            return;
        }
    };
    let signature = model.signature();
    if let Err(error) = &signature {
        let _ = error.to_string();
    }

    let written = model.to_yaml();
    let back = MlModel::from_yaml(&written)
        .unwrap_or_else(|e| panic!("our own output does not read back: {e}\n{written}"));
    assert_eq!(back, model, "\n{written}");
    assert_eq!(back.to_yaml(), written);
    match (back.signature(), signature) {
        (Ok(again), Ok(first)) => assert_eq!(again, first),
        (Err(_), Err(_)) => {}
        (again, first) => panic!("the signature read {first:?}, after a round trip {again:?}"),
    }
});
