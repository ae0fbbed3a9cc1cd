//! `mlsig export` and `mlsig show`, run as a user runs them.
#![cfg(feature = "cli")]

// The tests package's MLflow bridge, shared by path: only this package can run `mlsig`.
#[path = "../../tests/support/mlflow.rs"]
#[allow(dead_code, unreachable_pub)]
mod mlflow;
// ... and the skip log it reports to.
#[path = "../../tests/support/skip.rs"]
#[allow(dead_code, unreachable_pub)]
mod skip;

mod support;
use support::{fixture, mlsig, scratch, stderr, stdout};

#[test]
fn export_prints_the_canonical_dict_for_every_kind_of_file() {
    let canonical = std::fs::read_to_string(fixture("house_price.signature.json")).unwrap();
    let dir = scratch("export");
    // A bare list is taken as the inputs.
    let bare = dir.join("inputs.json");
    std::fs::write(&bare, r#"[{"name": "x", "type": "long"}]"#).unwrap();
    // An MLmodel file with PyYAML's folded single-quoted strings, and its directory.
    let mlmodel = dir.join("MLmodel");
    std::fs::write(
        &mlmodel,
        "mlflow_version: 3.17.2\nsignature:\n  inputs: '[{\"type\": \"double\", \"name\": \"sqft\",\n    \"required\": true}]'\n  outputs: null\n  params: null\n",
    )
    .unwrap();
    let from_mlmodel = "{\"inputs\": \"[{\\\"type\\\": \\\"double\\\", \\\"name\\\": \\\"sqft\\\", \\\"required\\\": true}]\", \"outputs\": null, \"params\": null}\n";
    let cases = [
        (fixture("house_price.signature.json"), canonical.clone()),
        (
            bare,
            "{\"inputs\": \"[{\\\"type\\\": \\\"long\\\", \\\"name\\\": \\\"x\\\", \\\"required\\\": true}]\", \"outputs\": null, \"params\": null}\n".to_owned(),
        ),
        (mlmodel, from_mlmodel.to_owned()),
        // The directory is read through its MLmodel file.
        (dir.clone(), from_mlmodel.to_owned()),
    ];
    for (file, expected) in cases {
        let output = mlsig(&["export", file.to_str().unwrap()]);
        assert!(output.status.success(), "{}", stderr(&output));
        assert_eq!(stdout(&output), expected, "{}", file.display());
    }
}

#[test]
fn show_prints_readable_tables() {
    let output = mlsig(&[
        "show",
        fixture("house_price.signature.json").to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        "inputs (2 columns):
  #  name      type    presence
  0  sqft      double  required
  1  bedrooms  long    required

outputs (1 column):
  #  name   type    presence
  0  price  double  required

params (2 params):
  name      type    shape   default
  discount  double  scalar  0.0
  labels    string  (-1,)   [\"a\", \"b\"]
"
    );
}

#[test]
fn keys_mlflow_ignores_are_shown_as_warnings_and_the_signature_still_reads() {
    let dir = scratch("warnings");
    let file = dir.join("signature.json");
    // A misspelt `outputs` and a key from a newer MLflow: MLflow ignores both.
    std::fs::write(
        &file,
        r#"{"inputs": "[{\"type\": \"long\", \"name\": \"x\", \"required\": true}]", "outptus": null, "mlflow_version": "3.99.0"}"#,
    )
    .unwrap();
    let path = file.display().to_string();
    for command in ["show", "export"] {
        let output = mlsig(&[command, &path]);
        assert!(output.status.success(), "{}", stderr(&output));
        assert_eq!(
            stderr(&output),
            format!(
                "warning: {path}: `/outptus`: ignored key `outptus` (MLflow ignores it too)\n\
                 warning: {path}: `/mlflow_version`: ignored key `mlflow_version` (MLflow ignores it too)\n"
            ),
            "{command}"
        );
    }
    let output = mlsig(&["show", &path]);
    assert!(
        stdout(&output).starts_with("inputs (1 column):"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn invalid_files_fail_with_a_clear_message_and_exit_2() {
    let dir = scratch("invalid");
    let cases = [
        (
            "typo.json",
            r#"[{"type": "doubel", "name": "sqft"}]"#,
            "`/0/type` (`sqft`): unsupported type `doubel`",
        ),
        ("broken.json", r#"{"inputs": "[{"#, "malformed JSON"),
        (
            "MLmodel",
            "signature:\n  inputs: '[{\"type\"",
            "malformed MLmodel YAML",
        ),
        ("nosig.yaml", "flavors: {}\n", "has no `signature`"),
    ];
    for (name, content, expected) in cases {
        let file = dir.join(name);
        std::fs::write(&file, content).unwrap();
        for command in ["export", "show"] {
            let output = mlsig(&[command, file.to_str().unwrap()]);
            assert_eq!(output.status.code(), Some(2), "{command} {name}");
            assert!(stdout(&output).is_empty());
            let message = stderr(&output);
            assert!(
                message.starts_with("error: ") && message.contains(expected),
                "{command} {name}: {message}"
            );
        }
    }
    let missing = mlsig(&["export", "/definitely/not/here.json"]);
    assert_eq!(missing.status.code(), Some(2), "unreadable files exit 2");
    assert!(stderr(&missing).contains("/definitely/not/here.json"));
    assert_eq!(
        mlsig(&["export"]).status.code(),
        Some(2),
        "usage errors exit 2"
    );
}

#[test]
fn reads_a_model_directory_saved_by_mlflow() {
    let Some(mut mlflow) = mlflow::oracle() else {
        return;
    };
    let dir = scratch("pyfunc").join("model");
    let signature = std::fs::read_to_string(fixture("house_price.signature.json")).unwrap();
    mlflow
        .save_pyfunc_model(&dir, &signature, None)
        .expect("MLflow saves the model");
    let output = mlsig(&["show", dir.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains("  1  bedrooms  long    required\n"));
    let output = mlsig(&["export", dir.join("MLmodel").to_str().unwrap()]);
    assert_eq!(stdout(&output), signature);
}
