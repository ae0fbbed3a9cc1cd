//! `mlsig infer` and `mlsig check` on a Parquet file, run as a user runs them.
#![cfg(all(feature = "cli", feature = "parquet"))]

use std::sync::Arc;

use signature_runtime::frame::arrow_array::{ArrayRef, Float64Array, Int64Array, RecordBatch};
use signature_runtime::frame::parquet_crate::arrow::ArrowWriter;

mod support;
use support::{mlsig, scratch};

/// Two batches of houses; the second has a missing `bedrooms`.
fn write_houses(path: &std::path::Path) {
    let batch = |sqft: Vec<f64>, bedrooms: Vec<Option<i64>>| {
        RecordBatch::try_from_iter_with_nullable([
            (
                "sqft",
                Arc::new(Float64Array::from(sqft)) as ArrayRef,
                false,
            ),
            (
                "bedrooms",
                Arc::new(Int64Array::from(bedrooms)) as ArrayRef,
                true,
            ),
        ])
        .unwrap()
    };
    let first = batch(vec![1500.0, 880.5], vec![Some(3), Some(1)]);
    let second = batch(vec![2100.0, 990.0], vec![Some(4), None]);
    let mut writer =
        ArrowWriter::try_new(std::fs::File::create(path).unwrap(), first.schema(), None).unwrap();
    writer.write(&first).unwrap();
    writer.flush().unwrap();
    writer.write(&second).unwrap();
    writer.close().unwrap();
}

#[test]
fn infer_then_check_a_parquet_file() {
    let dir = scratch("houses");
    let data = dir.join("houses.parquet");
    write_houses(&data);

    let inferred = mlsig(&["infer", data.to_str().unwrap()]);
    assert_eq!(
        inferred.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&inferred.stderr)
    );
    let inferred = String::from_utf8(inferred.stdout).unwrap();
    assert_eq!(
        inferred.trim_end(),
        r#"{"inputs": "[{\"type\": \"double\", \"name\": \"sqft\", \"required\": true}, {\"type\": \"long\", \"name\": \"bedrooms\", \"required\": false}]", "outputs": null, "params": null}"#
    );

    // The inferred contract accepts the file it came from.
    let signature = dir.join("inferred.json");
    std::fs::write(&signature, &inferred).unwrap();
    let checked = mlsig(&[
        "check",
        "--signature",
        signature.to_str().unwrap(),
        data.to_str().unwrap(),
    ]);
    assert_eq!(
        checked.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&checked.stdout)
    );

    // A contract that requires `bedrooms` finds the null in the second batch, at its file row.
    let strict = dir.join("strict.json");
    std::fs::write(
        &strict,
        r#"[{"type": "double", "name": "sqft"}, {"type": "long", "name": "bedrooms"}]"#,
    )
    .unwrap();
    let checked = mlsig(&[
        "check",
        "--signature",
        strict.to_str().unwrap(),
        "--format",
        "json",
        data.to_str().unwrap(),
    ]);
    let printed = String::from_utf8(checked.stdout).unwrap();
    assert_eq!(checked.status.code(), Some(1), "{printed}");
    let report: serde_json::Value = serde_json::from_str(&printed).unwrap();
    let problems = report["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 1, "{printed}");
    assert_eq!(problems[0]["kind"], "null_not_allowed", "{printed}");
    assert_eq!(problems[0]["column"], "bedrooms", "{printed}");
    // Rows 0 and 1 are the first batch: the null is the second batch's second row.
    assert_eq!(problems[0]["row"], 3, "{printed}");
}

/// `--mode` and `--extra` decide for files as for JSON bodies: an Int64 column of 0 and 1 is
/// not `double` in Strict, and is in the MLflow modes (MLflow casts it, which is reported).
#[test]
fn check_mode_and_extra_apply_to_files() {
    let dir = scratch("modes");
    let data = dir.join("flags.parquet");
    let batch = RecordBatch::try_from_iter([
        ("x", Arc::new(Int64Array::from(vec![0, 1, 1])) as ArrayRef),
        (
            "note",
            Arc::new(Float64Array::from(vec![0.5, 1.5, 2.5])) as ArrayRef,
        ),
    ])
    .unwrap();
    let mut writer =
        ArrowWriter::try_new(std::fs::File::create(&data).unwrap(), batch.schema(), None).unwrap();
    writer.write(&batch).unwrap();
    writer.close().unwrap();
    let signature = dir.join("signature.json");
    std::fs::write(&signature, r#"[{"type": "double", "name": "x"}]"#).unwrap();
    let check = |extra: &[&str]| {
        let mut args = vec!["check", "--signature", signature.to_str().unwrap()];
        args.extend_from_slice(extra);
        args.push(data.to_str().unwrap());
        let output = mlsig(&args);
        (
            output.status.code(),
            String::from_utf8(output.stdout).unwrap(),
        )
    };

    let (code, report) = check(&[]);
    assert_eq!(code, Some(1), "{report}");
    assert!(
        report.contains("wrong_type") && report.contains("/x"),
        "{report}"
    );

    for mode in ["mlflow-predict", "mlflow-serving"] {
        let (code, report) = check(&["--mode", mode]);
        assert_eq!(code, Some(0), "{mode}: {report}");
        assert!(report.contains("value_changed"), "{mode}: {report}");
        assert!(report.contains("extra_column"), "{mode}: {report}");
    }

    let (code, report) = check(&["--mode", "mlflow-predict", "--extra", "reject"]);
    assert_eq!(code, Some(1), "{report}");
    assert!(
        report.contains("extra_column") && report.contains("/note"),
        "{report}"
    );
}
