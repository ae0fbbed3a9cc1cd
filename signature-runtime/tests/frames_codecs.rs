//! Every Parquet codec the parquet crate offers, and the compressed Arrow IPC files pyarrow
//! writes, read by the `parquet` feature. The fixtures were written by pyarrow
//! (`tests/fixtures/codecs/make_fixtures.py`); the legacy Hadoop-framed LZ4 codec, which
//! pyarrow no longer writes, is written here by the parquet crate.
#![cfg(feature = "parquet")]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use signature_runtime::frame::ArrowChecker;
use signature_runtime::frame::arrow_array::cast::AsArray;
use signature_runtime::frame::arrow_array::types::{Float64Type, Int64Type};
use signature_runtime::frame::arrow_array::{Array, RecordBatch};
use signature_runtime::frame::parquet::{check_file, infer_file, open};
use signature_runtime::frame::parquet_crate::arrow::ArrowWriter;
use signature_runtime::frame::parquet_crate::basic::Compression;
use signature_runtime::frame::parquet_crate::file::properties::WriterProperties;
use signature_runtime::frame::parquet_crate::file::reader::{FileReader, SerializedFileReader};
use signature_runtime::mlflow::signature_from_json;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/codecs")
        .join(name)
}

/// What `infer_signature` gives for the fixtures' five rows.
const INFERRED: &str = r#"[{"type": "long", "name": "id", "required": true}, {"type": "double", "name": "price", "required": false}, {"type": "string", "name": "name", "required": false}, {"type": "boolean", "name": "flag", "required": true}, {"type": "array", "items": {"type": "string"}, "name": "tags", "required": false}]"#;

/// The codec each Parquet fixture's column chunks carry, as the file itself records it.
fn parquet_codec(path: &Path) -> Compression {
    let reader = SerializedFileReader::new(std::fs::File::open(path).unwrap()).unwrap();
    reader.metadata().row_group(0).column(0).compression()
}

/// Reads every batch of the file and compares the decompressed values with the rows
/// `make_fixtures.py` wrote, so a codec that decodes to garbage cannot pass.
fn assert_rows_read(path: &Path) {
    let batches: Vec<RecordBatch> = open(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .collect::<Result<_, _>>()
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(batches.len(), 1, "{}", path.display());
    let batch = &batches[0];
    assert_eq!(batch.num_rows(), 5, "{}", path.display());
    let ids: Vec<i64> = batch
        .column(0)
        .as_primitive::<Int64Type>()
        .values()
        .to_vec();
    assert_eq!(ids, [1, 2, 3, 4, 5], "{}", path.display());
    let prices = batch.column(1).as_primitive::<Float64Type>();
    assert!(prices.is_null(2), "{}", path.display());
    assert_eq!(prices.value(4), 5.125, "{}", path.display());
    let names = batch.column(2).as_string::<i32>();
    assert_eq!(names.value(4), "eeeee", "{}", path.display());
    assert!(names.is_null(3), "{}", path.display());
}

fn assert_inferred_and_checked(path: &Path) {
    let inferred = infer_file(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(inferred.to_json(), INFERRED, "{}", path.display());
    let signature = signature_from_json(INFERRED).unwrap();
    let report = check_file(&ArrowChecker::for_signature(&signature), path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(report.is_valid(), "{}: {report}", path.display());
    assert_eq!(report.rows(), Some(5), "{}", path.display());
}

#[test]
fn parquet_files_pyarrow_writes_with_each_codec_are_read() {
    let cases = [
        ("rows.none.parquet", Compression::UNCOMPRESSED),
        ("rows.snappy.parquet", Compression::SNAPPY),
        ("rows.gzip.parquet", Compression::GZIP(Default::default())),
        (
            "rows.brotli.parquet",
            Compression::BROTLI(Default::default()),
        ),
        // pyarrow's `lz4` is the LZ4_RAW codec.
        ("rows.lz4.parquet", Compression::LZ4_RAW),
        // Also what Polars and DataFusion write by default.
        ("rows.zstd.parquet", Compression::ZSTD(Default::default())),
    ];
    for (name, codec) in cases {
        let path = fixture(name);
        // Levels are not recorded in the file: compare the codec only.
        assert_eq!(
            std::mem::discriminant(&parquet_codec(&path)),
            std::mem::discriminant(&codec),
            "{name} is written with the codec it is named after"
        );
        assert_rows_read(&path);
        assert_inferred_and_checked(&path);
    }
}

#[test]
fn arrow_ipc_files_pyarrow_compresses_are_read() {
    // `pyarrow.feather.write_feather` compresses with LZ4 frames unless told otherwise.
    for name in ["rows.lz4.feather", "rows.zstd.feather"] {
        let path = fixture(name);
        assert_rows_read(&path);
        assert_inferred_and_checked(&path);
    }
}

/// The legacy LZ4 codec (Hadoop framing), as parquet-mr and older Spark write it.
#[test]
fn parquet_files_with_the_legacy_lz4_codec_are_read() {
    let source: Vec<RecordBatch> = open(&fixture("rows.none.parquet"))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let dir = std::env::temp_dir().join(format!("frames-codecs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("rows.lz4-hadoop.parquet");
    let properties = WriterProperties::builder()
        .set_compression(Compression::LZ4)
        .build();
    let mut writer = ArrowWriter::try_new(
        std::fs::File::create(&path).unwrap(),
        Arc::clone(&source[0].schema()),
        Some(properties),
    )
    .unwrap();
    for batch in &source {
        writer.write(batch).unwrap();
    }
    writer.close().unwrap();
    assert_eq!(parquet_codec(&path), Compression::LZ4);
    assert_rows_read(&path);
    assert_inferred_and_checked(&path);
    let _ = std::fs::remove_dir_all(&dir);
}
