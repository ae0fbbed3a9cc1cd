//! Files the Parquet and Arrow IPC readers once crashed or blew up on, found by the
//! `frame_files` fuzz target (`fuzz/findings/frame_files/`, the fuzzer's selector byte
//! stripped): each is refused with a `FileError`, never a panic or a gigabyte allocation.
#![cfg(feature = "parquet")]

use std::path::PathBuf;

use signature_runtime::frame::ArrowChecker;
use signature_runtime::frame::parquet::{FileError, check_file, infer_file, open};
use signature_runtime::{ColSpec, DataType, Schema};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/hostile")
        .join(name)
}

/// Opens the file and reads every batch: the first error, or none.
fn read_all(name: &str) -> Option<FileError> {
    match open(&fixture(name)) {
        Err(error) => Some(error),
        Ok(batches) => batches.filter_map(Result::err).next(),
    }
}

#[test]
fn ipc_blocks_outside_the_file_are_refused_before_anything_is_allocated() {
    // A negative block length (arrow-ipc unwraps it), and a block claiming a gigabyte
    // (arrow-ipc zero-fills what it claims before finding the bytes missing).
    for name in [
        "ipc_file_block_length_unwrap.arrow",
        "ipc_file_block_zeroed_gigabyte.arrow",
    ] {
        let error = read_all(name).expect("refused");
        assert!(matches!(error, FileError::Arrow { .. }), "{name}: {error}");
        assert!(
            error.to_string().contains("of the footer claims bytes"),
            "{name}: {error}"
        );
    }
}

#[test]
fn a_parquet_chunk_with_a_negative_offset_is_refused() {
    let error = read_all("parquet_chunk_byte_range_negative.parquet").expect("refused");
    // parquet 59.3 (DataFusion's) refuses this footer while decoding it, before our check of
    // the chunks' byte ranges; parquet 60 decoded it and our check refused the chunk.
    let message = error.to_string();
    assert!(matches!(error, FileError::Parquet { .. }), "{message}");
    assert!(
        message.contains("negative offset or size") || message.contains("Unexpected Encoding"),
        "{message}"
    );
}

#[test]
fn reader_panics_on_malformed_pages_are_caught_and_named() {
    for (name, message) in [
        ("ipc_stream_buffer_past_body.arrows", "cannot exceed"),
        (
            "parquet_definition_levels_out_of_bounds.parquet",
            "out of bounds",
        ),
        (
            "parquet_dictionary_decoder_unset.parquet",
            "Decoder for dict",
        ),
    ] {
        let error = read_all(name).expect("refused");
        assert!(
            matches!(&error, FileError::Corrupt { message: m, .. } if m.contains(message)),
            "{name}: {error}"
        );
        assert!(error.to_string().contains("malformed data"), "{name}");
    }
}

#[test]
fn every_hostile_file_is_an_error_for_check_and_infer() {
    let schema = Schema::from_columns(vec![ColSpec::new("x", DataType::Long)]).unwrap();
    let checker = ArrowChecker::for_schema(&schema);
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hostile");
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        seen += 1;
        assert!(infer_file(&path).is_err(), "{}", path.display());
        assert!(check_file(&checker, &path).is_err(), "{}", path.display());
    }
    assert_eq!(seen, 7);
}
