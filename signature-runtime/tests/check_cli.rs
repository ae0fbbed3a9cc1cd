//! `mlsig check`, run as a user runs it: the seed scenarios, the exit codes and the formats.
#![cfg(feature = "cli")]

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn signature() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/house_price.signature.json")
}

/// Runs `mlsig check --signature <house price> ARGS... -` with `body` on standard input.
fn check(args: &[&str], body: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mlsig"))
        .arg("check")
        .arg("--signature")
        .arg(signature())
        .args(args)
        .arg("-")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("mlsig runs");
    // mlsig may exit before reading its input (a usage error): a closed pipe is no failure.
    let written = child.stdin.take().unwrap().write_all(body.as_bytes());
    if let Err(error) = written {
        assert_eq!(error.kind(), std::io::ErrorKind::BrokenPipe, "{error}");
    }
    child.wait_with_output().unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

#[test]
fn seed_correct_input_exits_0() {
    let output = check(
        &[],
        r#"{"dataframe_split": {"columns": ["sqft", "bedrooms"], "data": [[1200.0, 3]]}}"#,
    );
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        stdout(&output),
        "ok: the input matches the signature (1 row)\n"
    );
}

#[test]
fn seed_missing_and_extra_column_exits_1() {
    let output = check(
        &[],
        r#"{"dataframe_records": [{"sqft": 1200.0, "garage": 1}]}"#,
    );
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert!(
        text.contains("error[missing_column]: missing required column `bedrooms`"),
        "{text}"
    );
    assert!(
        text.contains("warning[extra_column]: column `garage`"),
        "{text}"
    );
    assert!(text.ends_with("(1 row): 1 error, 1 warning\n"), "{text}");
    // Rejecting extras makes the warning an error.
    let output = check(
        &["--extra", "reject"],
        r#"{"dataframe_records": [{"sqft": 1200.0, "bedrooms": 2, "garage": 1}]}"#,
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).contains("error[extra_column]"));
}

#[test]
fn seed_string_for_a_number_exits_1_with_a_json_report() {
    let body =
        r#"{"dataframe_split": {"columns": ["sqft", "bedrooms"], "data": [[1200.0, "three"]]}}"#;
    let output = check(&["--format", "json"], body);
    assert_eq!(output.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(report["problems"][0]["kind"], "wrong_type");
    assert_eq!(
        report["problems"][0]["pointer"],
        "/dataframe_split/data/0/1"
    );
    assert_eq!(report["problems"][0]["value"], "\"three\"");
    let redacted = check(&["--format", "json", "--redact"], body);
    assert_eq!(redacted.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_str(&stdout(&redacted)).unwrap();
    assert_eq!(report["problems"][0]["kind"], "wrong_type");
    assert_eq!(
        report["problems"][0]["pointer"],
        "/dataframe_split/data/0/1"
    );
    assert_eq!(report["problems"][0].get("value"), None);
    assert!(
        !stdout(&redacted).contains("three"),
        "{}",
        stdout(&redacted)
    );
}

#[test]
fn usage_and_io_errors_exit_2() {
    let output = check(&["--mode", "lenient"], "{}");
    assert_eq!(output.status.code(), Some(2));
    let missing = Command::new(env!("CARGO_BIN_EXE_mlsig"))
        .args(["check", "--signature"])
        .arg(signature())
        .arg("/nonexistent/body.json")
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).starts_with("error: /nonexistent/body.json"));
}
