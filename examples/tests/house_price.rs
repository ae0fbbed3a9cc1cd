//! The README's main command, run as a test so it cannot rot: the walkthrough's whole output
//! is checked, with a temporary model directory and with one the user keeps.

#[path = "../house_price.rs"]
#[allow(dead_code)]
mod house_price;

// Skips are counted by scripts/test.sh (see tests/support/skip.rs).
#[path = "../../tests/support/skip.rs"]
#[allow(dead_code, unreachable_pub)]
mod skip;

use std::path::{Path, PathBuf};
use std::process::Command;

fn walkthrough(keep: Option<&Path>) -> String {
    let mut out = Vec::new();
    house_price::walkthrough(&mut out, keep).expect("the walkthrough runs");
    String::from_utf8(out).unwrap()
}

/// The expected output with the line naming the save directory taken from `text`.
fn expected(text: &str) -> String {
    let dir_line = text
        .lines()
        .find(|l| l.starts_with("saved to "))
        .unwrap()
        .to_owned();
    include_str!("house_price.expected.txt").replace("saved to DIR", &dir_line)
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("house-example-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn the_walkthrough_tells_the_whole_story() {
    let text = walkthrough(None);
    assert_eq!(text, expected(&text));
    let dir = text
        .lines()
        .find_map(|l| l.strip_prefix("saved to "))
        .unwrap();
    assert!(!Path::new(dir).exists(), "a temporary model is removed");
}

#[test]
fn a_kept_model_stays_and_mlflow_loads_it_as_printed() {
    let dir = scratch("kept").join("house-model");
    let text = walkthrough(Some(&dir));
    let shown = dir.display().to_string();
    let story = expected(&text);
    let python = format!(
        "  python -c \"import mlflow; print(mlflow.models.Model.load('{shown}').signature)\""
    );
    let mlsig = format!(
        "  cargo run -p signature-runtime --features cli,parquet --bin mlsig -- show {shown}"
    );
    let tail = [
        "",
        "== 7. The saved model is yours to keep",
        &format!("it stays in {shown}; load it with MLflow:"),
        &python,
        "or look at it with mlsig:",
        &mlsig,
        "",
    ]
    .join("\n");
    assert_eq!(text, format!("{story}{tail}"));
    for file in [
        "MLmodel",
        "input_example.json",
        "serving_input_example.json",
    ] {
        assert!(dir.join(file).is_file(), "{file} is kept");
    }

    // The printed MLflow command, run with the real MLflow.
    let Some(interpreter) = std::env::var_os("SIGNATURE_MLFLOW_PYTHON") else {
        assert!(
            !skip::required(),
            "CI=true needs SIGNATURE_MLFLOW_PYTHON (scripts/test.sh sets it)"
        );
        skip::record(
            "MLflow interop",
            "a_kept_model_stays_and_mlflow_loads_it_as_printed",
            "SIGNATURE_MLFLOW_PYTHON is not set",
        );
        return;
    };
    let code = python
        .trim_start()
        .strip_prefix("python -c \"")
        .and_then(|c| c.strip_suffix('"'))
        .unwrap();
    let output = Command::new(interpreter)
        .args(["-c", code])
        .output()
        .expect("the MLflow Python runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let printed = String::from_utf8(output.stdout).unwrap();
    assert!(
        printed.contains("'sqft': double (required), 'bedrooms': long (required)")
            && printed.contains("'price': double (required)"),
        "{printed}"
    );

    // A second run refuses to overwrite the kept model.
    let mut out = Vec::new();
    let error = house_price::walkthrough(&mut out, Some(&dir)).unwrap_err();
    assert!(error.to_string().contains("already exists"), "{error}");
    assert!(dir.join("MLmodel").is_file());
    std::fs::remove_dir_all(dir.parent().unwrap()).unwrap();
}
