//! The budgets of the Parquet and Arrow IPC reader: footer size and column count, each held
//! at its limit and refused one past it, before any data is read.
#![cfg(feature = "parquet")]

use std::path::{Path, PathBuf};

use signature_runtime::frame::parquet::{FileError, open_with};
use signature_runtime::mlflow::{Budget, ReadLimits};

mod support;
use support::parquet::read_rows as read;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/codecs")
        .join(name)
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("frames-budgets-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn with(change: impl FnOnce(&mut ReadLimits)) -> ReadLimits {
    let mut limits = ReadLimits::default();
    change(&mut limits);
    limits
}

fn refused(path: &Path, limits: &ReadLimits) -> (Budget, u64) {
    match read(path, limits) {
        Err(FileError::Budget(exceeded)) => {
            let message = FileError::Budget(exceeded.clone()).to_string();
            assert!(
                message.starts_with(&path.display().to_string())
                    && message.contains(&format!(
                        "`{}` budget ({} ",
                        exceeded.budget().name(),
                        exceeded.limit()
                    )),
                "{message}"
            );
            (exceeded.budget(), exceeded.limit())
        }
        other => panic!("{}: expected a budget error, got {other:?}", path.display()),
    }
}

/// The footer length a file records in its last bytes, before `magic_len` bytes of magic.
fn recorded_footer_len(path: &Path, magic_len: usize) -> u64 {
    let bytes = std::fs::read(path).unwrap();
    let at = bytes.len() - magic_len - 4;
    u64::from(u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap()))
}

#[test]
fn footer_size_is_checked_before_the_footer_is_read() {
    for (name, magic_len) in [("rows.zstd.parquet", 4), ("rows.lz4.feather", 6)] {
        let path = fixture(name);
        let footer = recorded_footer_len(&path, magic_len);
        assert!(footer > 0, "{name}");
        assert_eq!(
            read(&path, &with(|l| l.frame_metadata_bytes = footer)).unwrap(),
            5,
            "{name}"
        );
        assert_eq!(
            refused(&path, &with(|l| l.frame_metadata_bytes = footer - 1)),
            (Budget::FrameMetadataBytes, footer - 1),
            "{name}"
        );
    }
}

#[test]
fn a_stream_schema_message_is_under_the_metadata_budget() {
    let source: Vec<_> = open_with(&fixture("rows.none.parquet"), &ReadLimits::default())
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let dir = scratch("stream");
    let path = dir.join("rows.arrows");
    let mut writer = arrow_ipc::writer::StreamWriter::try_new(
        std::fs::File::create(&path).unwrap(),
        &source[0].schema(),
    )
    .unwrap();
    writer.write(&source[0]).unwrap();
    writer.finish().unwrap();
    // A continuation marker, then the schema message's length.
    let bytes = std::fs::read(&path).unwrap();
    assert_eq!(bytes[..4], [0xff; 4]);
    let message = u64::from(u32::from_le_bytes(bytes[4..8].try_into().unwrap()));
    assert_eq!(
        read(&path, &with(|l| l.frame_metadata_bytes = message)).unwrap(),
        5
    );
    assert_eq!(
        refused(&path, &with(|l| l.frame_metadata_bytes = message - 1)),
        (Budget::FrameMetadataBytes, message - 1)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn columns_are_counted_with_their_nested_fields() {
    // id, price, name, flag, tags and tags' items.
    for name in ["rows.snappy.parquet", "rows.zstd.feather"] {
        let path = fixture(name);
        assert_eq!(
            read(&path, &with(|l| l.frame_columns = 6)).unwrap(),
            5,
            "{name}"
        );
        assert_eq!(
            refused(&path, &with(|l| l.frame_columns = 5)),
            (Budget::FrameColumns, 5),
            "{name}"
        );
    }
}

/// A footer whose column chunks point past the end of the file (here: the data pages cut
/// out) is refused before any chunk is read, rather than allocating what the chunks claim.
#[test]
fn column_chunks_past_the_end_of_the_file_are_refused() {
    use signature_runtime::frame::arrow_array::{ArrayRef, Int64Array, RecordBatch};
    use signature_runtime::frame::parquet_crate::arrow::ArrowWriter;

    let dir = scratch("cut");
    let whole = dir.join("whole.parquet");
    let batch = RecordBatch::try_from_iter([(
        "x",
        std::sync::Arc::new(Int64Array::from_iter_values(0..200_000)) as ArrayRef,
    )])
    .unwrap();
    let mut writer =
        ArrowWriter::try_new(std::fs::File::create(&whole).unwrap(), batch.schema(), None).unwrap();
    writer.write(&batch).unwrap();
    writer.close().unwrap();
    assert_eq!(read(&whole, &ReadLimits::default()).unwrap(), 200_000);

    let bytes = std::fs::read(&whole).unwrap();
    let footer = recorded_footer_len(&whole, 4) as usize;
    let mut cut = b"PAR1".to_vec();
    cut.extend_from_slice(&bytes[bytes.len() - footer - 8..]);
    let path = dir.join("cut.parquet");
    std::fs::write(&path, &cut).unwrap();
    match read(&path, &ReadLimits::default()) {
        Err(error @ FileError::Parquet { .. }) => {
            assert!(error.to_string().contains("past the end of the"), "{error}");
        }
        other => panic!("expected the cut file refused, got {other:?}"),
    }
    let _ = std::fs::remove_dir_all(&dir);
}
