//! `mlsig check` and `mlsig infer` on a directory or a glob of Parquet files (feature
//! `datafusion`), run as a user runs them.
#![cfg(all(feature = "cli", feature = "datafusion"))]

use std::path::Path;
use std::sync::Arc;

use signature_runtime::frame::arrow_array::{ArrayRef, Float64Array, Int64Array, RecordBatch};
use signature_runtime::frame::parquet_crate::arrow::ArrowWriter;

mod support;
use support::{mlsig, scratch, stderr, stdout};

/// `files` Parquet files of 100 houses each; file `bad` (if any) has a missing `bedrooms` in
/// its row 10.
fn write_dataset(dir: &Path, files: usize, bad: Option<usize>) {
    for index in 0..files {
        let sqft: Vec<f64> = (0..100).map(|i| 500.0 + (index * 100 + i) as f64).collect();
        let bedrooms: Vec<Option<i64>> = (0..100)
            .map(|i| (bad != Some(index) || i != 10).then_some(3))
            .collect();
        // Every field nullable, as pyarrow and Polars write them, so the files' schemas agree.
        let batch = RecordBatch::try_from_iter_with_nullable([
            ("sqft", Arc::new(Float64Array::from(sqft)) as ArrayRef, true),
            (
                "bedrooms",
                Arc::new(Int64Array::from(bedrooms)) as ArrayRef,
                true,
            ),
        ])
        .unwrap();
        let path = dir.join(format!("part-{index:03}.parquet"));
        let mut writer =
            ArrowWriter::try_new(std::fs::File::create(path).unwrap(), batch.schema(), None)
                .unwrap();
        writer.write(&batch).unwrap();
        writer.close().unwrap();
    }
    // Not data: skipped, as Spark's marker is.
    std::fs::write(dir.join("_SUCCESS"), "").unwrap();
}

const SIGNATURE: &str = r#"{"inputs": "[{\"type\": \"double\", \"name\": \"sqft\", \"required\": true}, {\"type\": \"long\", \"name\": \"bedrooms\", \"required\": true}]", "outputs": null, "params": null}"#;

#[test]
fn a_directory_of_parquet_files_is_checked_as_one_dataset() {
    let dir = scratch("good");
    let data = dir.join("data");
    std::fs::create_dir(&data).unwrap();
    write_dataset(&data, 5, None);
    let signature = dir.join("signature.json");
    std::fs::write(&signature, SIGNATURE).unwrap();

    let output = mlsig(&[
        "check",
        "--signature",
        signature.to_str().unwrap(),
        data.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        stdout(&output).trim_end(),
        "ok: the input matches the signature (500 rows)"
    );
    // Standard error is not a terminal here: no progress bar.
    assert_eq!(stderr(&output), "");
}

#[test]
fn a_glob_names_the_bad_row_across_files_and_exits_1() {
    let dir = scratch("bad");
    write_dataset(&dir, 4, Some(2));
    let signature = dir.join("signature.json");
    std::fs::write(&signature, SIGNATURE).unwrap();
    let glob = dir.join("part-*.parquet");

    for threads in ["1", "2"] {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_mlsig"))
            .args([
                "check",
                "--signature",
                signature.to_str().unwrap(),
                glob.to_str().unwrap(),
            ])
            .env("MLSIG_THREADS", threads)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
        let report = stdout(&output);
        // Row 10 of the third file is row 210 of the dataset.
        assert!(report.contains("--> /bedrooms/210"), "{report}");
        assert!(report.contains("(400 rows): 1 error"), "{report}");
        let file = dir.join("part-002.parquet");
        assert_eq!(
            stderr(&output),
            format!("note: row 210 is row 10 of {}\n", file.display())
        );
    }

    // The same, as JSON.
    let output = mlsig(&[
        "check",
        "--signature",
        signature.to_str().unwrap(),
        "--format",
        "json",
        glob.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(json["error_count"], 1);
    assert_eq!(json["problems"][0]["row"], 210);
}

/// The same check on a Ballista cluster, here one started inside `mlsig`
/// (`MLSIG_BALLISTA=standalone`: a scheduler and an executor on loopback ports): the same
/// report, in text and JSON, and the same file named for the bad row.
#[cfg(feature = "ballista")]
#[test]
fn a_ballista_cluster_gives_the_local_report_and_names_the_file() {
    let dir = scratch("ballista");
    write_dataset(&dir, 4, Some(2));
    let signature = dir.join("signature.json");
    std::fs::write(&signature, SIGNATURE).unwrap();
    let glob = dir.join("part-*.parquet");
    let run = |format: &str, ballista: Option<&str>| {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_mlsig"));
        command
            .args(["check", "--signature", signature.to_str().unwrap()])
            .args(["--format", format, glob.to_str().unwrap()])
            .env("MLSIG_THREADS", "2")
            .env_remove("MLSIG_BALLISTA");
        if let Some(url) = ballista {
            command.env("MLSIG_BALLISTA", url);
        }
        command.output().unwrap()
    };
    for format in ["text", "json"] {
        let local = run(format, None);
        let remote = run(format, Some("standalone"));
        assert_eq!(remote.status.code(), Some(1), "{}", stderr(&remote));
        assert_eq!(stdout(&remote), stdout(&local));
        assert_eq!(stderr(&remote), stderr(&local));
    }
    let remote = run("text", Some("standalone"));
    assert!(
        stdout(&remote).contains("(400 rows): 1 error"),
        "{}",
        stdout(&remote)
    );
    let file = dir.join("part-002.parquet");
    assert_eq!(
        stderr(&remote),
        format!("note: row 210 is row 10 of {}\n", file.display())
    );
}

#[test]
fn infer_reads_every_file_of_a_dataset() {
    let dir = scratch("infer");
    write_dataset(&dir, 3, Some(1));
    let output = mlsig(&["infer", dir.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    // The one null makes `bedrooms` optional, though two of the three files have none.
    assert_eq!(
        stdout(&output).trim_end(),
        r#"{"inputs": "[{\"type\": \"double\", \"name\": \"sqft\", \"required\": true}, {\"type\": \"long\", \"name\": \"bedrooms\", \"required\": false}]", "outputs": null, "params": null}"#
    );
}

#[test]
fn unreadable_datasets_exit_2_naming_the_place() {
    let dir = scratch("unreadable");
    let signature = dir.join("signature.json");
    std::fs::write(&signature, SIGNATURE).unwrap();
    let refused = |data: &Path, why: &str| {
        let output = mlsig(&[
            "check",
            "--signature",
            signature.to_str().unwrap(),
            data.to_str().unwrap(),
        ]);
        assert_eq!(output.status.code(), Some(2), "{}", data.display());
        assert!(stderr(&output).contains(why), "{}", stderr(&output));
    };

    // No data files at all.
    let empty = dir.join("empty");
    std::fs::create_dir(&empty).unwrap();
    refused(&empty, "no Parquet or Arrow IPC files");

    // A file that claims to be Parquet and is not.
    let broken = dir.join("broken");
    std::fs::create_dir(&broken).unwrap();
    write_dataset(&broken, 2, None);
    std::fs::write(broken.join("part-009.parquet"), "not parquet at all").unwrap();
    refused(&broken, "part-009.parquet");

    // Parquet and Arrow IPC files mixed.
    let mixed = dir.join("mixed");
    std::fs::create_dir(&mixed).unwrap();
    write_dataset(&mixed, 1, None);
    std::fs::write(mixed.join("z.arrow"), "ARROW1").unwrap();
    refused(&mixed, "is not of the same format");

    // Files whose schemas disagree: the first declares `bedrooms` non-nullable, the second
    // holds a null there, which DataFusion refuses. Its message is printed once.
    let disagree = dir.join("disagree");
    std::fs::create_dir(&disagree).unwrap();
    for (index, bedrooms) in [vec![Some(3), Some(2)], vec![Some(1), None]]
        .into_iter()
        .enumerate()
    {
        let batch = RecordBatch::try_from_iter([(
            "bedrooms",
            Arc::new(Int64Array::from(bedrooms)) as ArrayRef,
        )])
        .unwrap();
        let path = disagree.join(format!("part-{index}.parquet"));
        let mut writer =
            ArrowWriter::try_new(std::fs::File::create(path).unwrap(), batch.schema(), None)
                .unwrap();
        writer.write(&batch).unwrap();
        writer.close().unwrap();
    }
    let output = mlsig(&[
        "check",
        "--signature",
        signature.to_str().unwrap(),
        disagree.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(
        message.starts_with("error: cannot read the dataset"),
        "{message}"
    );
    assert_eq!(
        message.matches("declared as non-nullable").count(),
        1,
        "{message}"
    );
}
