//! `mlsig diff`, run as a CI gate runs it: exit codes, the JSON output's shape, and every kind
//! of signature source on either side.
#![cfg(feature = "cli")]

use std::path::{Path, PathBuf};

use serde_json::Value;

mod support;
use support::{fixture, mlsig, scratch, stderr, stdout};

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// A signature dict JSON with the given inputs (a JSON list), the fixture's outputs and params.
fn dict(inputs: &str) -> String {
    let outputs = r#"[{"type": "double", "name": "price", "required": true}]"#;
    let params = r#"[{"name": "discount", "default": 0.0, "shape": null, "type": "double"}, {"name": "labels", "default": ["a", "b"], "shape": [-1], "type": "string"}]"#;
    serde_json::json!({"inputs": inputs, "outputs": outputs, "params": params}).to_string()
}

const HOUSE: &str = r#"[{"type": "double", "name": "sqft", "required": true}, {"type": "long", "name": "bedrooms", "required": true}]"#;

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let file = dir.join(name);
    std::fs::write(&file, text).unwrap();
    file
}

#[test]
fn exit_codes() {
    let dir = scratch("exit");
    let old = fixture("house_price.signature.json");
    // Same signature: 0, and says so.
    let same = mlsig(&["diff", path(&old), path(&old)]);
    assert_eq!(same.status.code(), Some(0), "{}", stderr(&same));
    assert!(
        stdout(&same).contains("compatible (backward): 0 breaking"),
        "{}",
        stdout(&same)
    );
    // A new required column: 1.
    let required = write(
        &dir,
        "required.json",
        &dict(
            r#"[{"type": "double", "name": "sqft", "required": true}, {"type": "long", "name": "bedrooms", "required": true}, {"type": "string", "name": "city", "required": true}]"#,
        ),
    );
    let breaking = mlsig(&["diff", path(&old), path(&required)]);
    assert_eq!(breaking.status.code(), Some(1));
    assert!(
        stdout(&breaking).contains("breaking   input_required_column_added at /inputs/city"),
        "{}",
        stdout(&breaking)
    );
    // A removed column only warns (MLflow drops extra columns) ...
    let removed = write(
        &dir,
        "removed.json",
        &dict(r#"[{"type": "double", "name": "sqft", "required": true}]"#),
    );
    let warned = mlsig(&["diff", path(&old), path(&removed)]);
    assert_eq!(warned.status.code(), Some(0), "{}", stdout(&warned));
    assert!(stdout(&warned).contains("warning    input_column_removed at /inputs/bedrooms"));
    // ... unless warnings fail the run, or extra columns are refused.
    let strict = mlsig(&["diff", path(&old), path(&removed), "--fail-on", "warning"]);
    assert_eq!(strict.status.code(), Some(1));
    let reject = mlsig(&["diff", path(&old), path(&removed), "--extra", "reject"]);
    assert_eq!(reject.status.code(), Some(1));
    // The mode decides type changes: long -> double loses 2^53 + 1 in strict mode only.
    let double = write(
        &dir,
        "double.json",
        &dict(
            r#"[{"type": "double", "name": "sqft", "required": true}, {"type": "double", "name": "bedrooms", "required": true}]"#,
        ),
    );
    assert_eq!(
        mlsig(&["diff", path(&old), path(&double)]).status.code(),
        Some(1)
    );
    let serving = mlsig(&[
        "diff",
        path(&old),
        path(&double),
        "--mode",
        "mlflow-serving",
    ]);
    assert_eq!(serving.status.code(), Some(0), "{}", stdout(&serving));
    assert!(
        stdout(&serving).contains("input_type_cast"),
        "{}",
        stdout(&serving)
    );
    // Cannot read: 2, with the file named.
    let missing = dir.join("missing.json");
    let unreadable = mlsig(&["diff", path(&old), path(&missing)]);
    assert_eq!(unreadable.status.code(), Some(2));
    assert!(
        stderr(&unreadable).contains("missing.json"),
        "{}",
        stderr(&unreadable)
    );
    let garbage = write(&dir, "garbage.json", "{not json");
    assert_eq!(
        mlsig(&["diff", path(&garbage), path(&old)]).status.code(),
        Some(2)
    );
    // Usage errors: 2.
    assert_eq!(mlsig(&["diff", path(&old)]).status.code(), Some(2));
    assert_eq!(mlsig(&["diff"]).status.code(), Some(2));
    assert_eq!(
        mlsig(&["diff", path(&old), path(&old), "--direction", "sideways"])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn directions() {
    let dir = scratch("directions");
    let old = fixture("house_price.signature.json");
    // The output became optional: breaking for old consumers (forward), not for inputs.
    let text = std::fs::read_to_string(&old).unwrap().replace(
        r#"\"name\": \"price\", \"required\": true"#,
        r#"\"name\": \"price\", \"required\": false"#,
    );
    let new = write(&dir, "new.json", &text);
    assert_eq!(
        mlsig(&["diff", path(&old), path(&new)]).status.code(),
        Some(0)
    );
    for direction in ["forward", "full"] {
        let output = mlsig(&["diff", path(&old), path(&new), "--direction", direction]);
        assert_eq!(output.status.code(), Some(1), "{direction}");
        assert!(
            stdout(&output).contains("output_column_made_optional at /outputs/price"),
            "{}",
            stdout(&output)
        );
    }
}

#[test]
fn json_output_and_transitive_checks() {
    let dir = scratch("json");
    let v1 = write(
        &dir,
        "v1.json",
        &dict(r#"[{"type": "double", "name": "sqft", "required": true}]"#),
    );
    let v2 = fixture("house_price.signature.json");
    let v3 = write(
        &dir,
        "v3.json",
        &dict(
            r#"[{"type": "double", "name": "sqft", "required": true}, {"type": "long", "name": "bedrooms", "required": false}]"#,
        ),
    );
    // v3 against v2 alone: a column made optional, compatible. Against v1 too: fine as well.
    let output = mlsig(&[
        "diff",
        path(&v3),
        "--against",
        path(&v1),
        path(&v2),
        "--format",
        "json",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    let json: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(json["new"], path(&v3));
    assert_eq!(json["direction"], "backward");
    assert_eq!(json["mode"], "strict");
    assert_eq!(json["extra"], "ignore");
    assert_eq!(json["passed"], true);
    let against = json["against"].as_array().unwrap();
    assert_eq!(against.len(), 2);
    assert_eq!(against[0]["old"], path(&v1));
    assert_eq!(
        against[0]["findings"][0]["rule"],
        "input_optional_column_added"
    );
    assert_eq!(against[1]["old"], path(&v2));
    let finding = &against[1]["findings"][0];
    assert_eq!(finding["rule"], "input_column_made_optional");
    assert_eq!(finding["verdict"], "compatible");
    assert_eq!(finding["section"], "inputs");
    assert_eq!(finding["place"], "/inputs/bedrooms");
    assert_eq!(finding["old"]["required"], true);
    assert_eq!(finding["new"]["required"], false);
    assert!(finding["message"].is_string());
    assert_eq!(finding["witness"], Value::Null);

    // v1 checked against the later v2 (a required column it lacks): one failing comparison
    // fails the run, and its witness is a body.
    let output = mlsig(&[
        "diff",
        path(&v2),
        "--against",
        path(&v3),
        path(&v1),
        "--format",
        "json",
    ]);
    assert_eq!(output.status.code(), Some(1));
    let json: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(json["passed"], false);
    assert_eq!(json["against"][0]["compatible"], false);
    let finding = &json["against"][0]["findings"][0];
    assert_eq!(finding["rule"], "input_column_made_required");
    assert_eq!(finding["witness"]["dataframe_records"][0]["sqft"], 1.5);
    assert_eq!(json["against"][1]["compatible"], false);
    assert_eq!(
        json["against"][1]["findings"][0]["rule"],
        "input_required_column_added"
    );
}

#[test]
fn every_kind_of_source() {
    let dir = scratch("kinds");
    let old = fixture("house_price.signature.json");
    // A bare inputs list: no outputs or params, so the params are reported removed.
    let bare = write(&dir, "inputs.json", HOUSE);
    let output = mlsig(&["diff", path(&old), path(&bare)]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout(&output).contains("param_removed at /params/discount"),
        "{}",
        stdout(&output)
    );
    // An MLmodel file and its model directory, on either side.
    let model = dir.join("model");
    std::fs::create_dir_all(&model).unwrap();
    let inputs = r#"[{"type": "double", "name": "sqft", "required": true}, {"type": "integer", "name": "bedrooms", "required": true}]"#;
    let mlmodel = write(
        &model,
        "MLmodel",
        &format!(
            "mlflow_version: 3.17.2\nsignature:\n  inputs: '{inputs}'\n  outputs: null\n  params: null\n"
        ),
    );
    for new in [&mlmodel, &model] {
        let output = mlsig(&["diff", path(&bare), path(new)]);
        assert_eq!(
            output.status.code(),
            Some(1),
            "{}{}",
            stdout(&output),
            stderr(&output)
        );
        assert!(
            stdout(&output).contains("input_type_narrowed at /inputs/bedrooms"),
            "{}",
            stdout(&output)
        );
        let back = mlsig(&["diff", path(new), path(&bare)]);
        assert_eq!(back.status.code(), Some(0), "{}", stdout(&back));
    }
}

/// A Parquet file's inferred signature is compared like any other.
#[cfg(feature = "parquet")]
#[test]
fn parquet_files_are_compared_by_their_inferred_signature() {
    use std::sync::Arc;

    use signature_runtime::frame::arrow_array::{ArrayRef, Float64Array, Int64Array, RecordBatch};
    use signature_runtime::frame::parquet_crate::arrow::ArrowWriter;

    let dir = scratch("parquet");
    let data = dir.join("houses.parquet");
    let batch = RecordBatch::try_from_iter([
        (
            "sqft",
            Arc::new(Float64Array::from(vec![1500.0, 880.5])) as ArrayRef,
        ),
        (
            "bedrooms",
            Arc::new(Int64Array::from(vec![3, 1])) as ArrayRef,
        ),
    ])
    .unwrap();
    let mut writer =
        ArrowWriter::try_new(std::fs::File::create(&data).unwrap(), batch.schema(), None).unwrap();
    writer.write(&batch).unwrap();
    writer.close().unwrap();

    let bare = write(&dir, "inputs.json", HOUSE);
    let same = mlsig(&["diff", path(&bare), path(&data)]);
    assert_eq!(
        same.status.code(),
        Some(0),
        "{}{}",
        stdout(&same),
        stderr(&same)
    );
    let narrower = write(
        &dir,
        "narrower.json",
        r#"[{"type": "double", "name": "sqft", "required": true}]"#,
    );
    // The file still has `bedrooms`: dropped with a warning by a model that no longer reads it.
    let output = mlsig(&["diff", path(&data), path(&narrower)]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert!(
        stdout(&output).contains("input_column_removed at /inputs/bedrooms"),
        "{}",
        stdout(&output)
    );
    let corrupt = write(&dir, "corrupt.parquet", "not parquet");
    let output = mlsig(&["diff", path(&bare), path(&corrupt)]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("corrupt.parquet"),
        "{}",
        stderr(&output)
    );
}
