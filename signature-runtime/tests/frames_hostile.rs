//! Files the Parquet and Arrow IPC readers once crashed or blew up on, found by the
//! `frame_files` fuzz target (`fuzz/findings/frame_files/`, the fuzzer's selector byte
//! stripped), and hostile Parquet page headers made here: each is refused with a `FileError`,
//! never a panic, a gigabyte allocation or seconds of CPU.
#![cfg(feature = "parquet")]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use signature_runtime::frame::ArrowChecker;
use signature_runtime::frame::arrow_array::{ArrayRef, Int64Array, RecordBatch};
use signature_runtime::frame::arrow_schema::{DataType as ArrowType, Field, Schema as ArrowSchema};
use signature_runtime::frame::parquet::{FileError, check_file, infer_file, open, open_with};
use signature_runtime::frame::parquet_crate::arrow::ArrowWriter;
use signature_runtime::frame::parquet_crate::basic::Compression;
use signature_runtime::frame::parquet_crate::file::properties::{
    EnabledStatistics, WriterProperties,
};
use signature_runtime::frame::parquet_crate::file::reader::{FileReader, SerializedFileReader};
use signature_runtime::mlflow::{Budget, ReadLimits};
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
    assert!(
        error.to_string().contains("negative offset or size"),
        "{error}"
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
    ] {
        let error = read_all(name).expect("refused");
        assert!(
            matches!(&error, FileError::Corrupt { message: m, .. } if m.contains(message)),
            "{name}: {error}"
        );
        assert!(error.to_string().contains("malformed data"), "{name}");
    }
}

/// A data page that claims more bytes than its column chunk has left: the page walk refuses it
/// before the reader reaches the dictionary-less page that made it panic.
#[test]
fn a_page_past_its_column_chunk_is_refused_before_the_reader_sees_it() {
    let error = read_all("parquet_dictionary_decoder_unset.parquet").expect("refused");
    let message = error.to_string();
    assert!(matches!(error, FileError::Parquet { .. }), "{message}");
    assert!(
        message.contains("row group 0, column `integer` (#1), page 1: malformed page header"),
        "{message}"
    );
}

/// 2.6 KB whose page header has a list of booleans two billion long inside nested lists:
/// parquet 60 skips each boolean in no bytes, one at a time (17 s of CPU in the fuzzer). The
/// walk counts the declared elements against the bytes left in the column chunk.
#[test]
fn a_page_header_declaring_billions_of_elements_is_refused() {
    let error = read_all("parquet_page_header_skip_slow.parquet").expect("refused");
    let message = error.to_string();
    assert!(
        message.contains("page 0: malformed page header: it declares more collection elements"),
        "{message}"
    );
}

/// Compact-protocol Thrift, as a Parquet page header is written.
mod thrift {
    pub const I32: u8 = 5;
    pub const LIST: u8 = 9;
    pub const STRUCT: u8 = 12;

    /// A varint `extra` bytes longer than it needs to be (parquet reads either): lets a
    /// hostile header take exactly the bytes of the one it replaces.
    pub fn varint(mut value: u64, extra: usize, out: &mut Vec<u8>) {
        loop {
            let byte = (value & 0x7f) as u8;
            value >>= 7;
            if value == 0 {
                if extra == 0 {
                    out.push(byte);
                } else {
                    // Groups of zero bits, each but the last saying that more follow.
                    out.push(byte | 0x80);
                    out.extend(std::iter::repeat_n(0x80, extra - 1));
                    out.push(0);
                }
                return;
            }
            out.push(byte | 0x80);
        }
    }

    pub fn zigzag(value: i64) -> u64 {
        ((value << 1) ^ (value >> 63)) as u64
    }

    /// A field header by its delta from the previous field's number.
    pub fn field(delta: u8, wire_type: u8, out: &mut Vec<u8>) {
        out.push((delta << 4) | wire_type);
    }

    pub fn i32_field(delta: u8, value: i64, extra: usize, out: &mut Vec<u8>) {
        field(delta, I32, out);
        varint(zigzag(value), extra, out);
    }
}

/// The parts of a data page header a test sets.
struct Page {
    uncompressed: i64,
    values: i64,
    /// Unknown fields (number 10 on), skipped by the reader: each a list of this many
    /// booleans.
    boolean_lists: Vec<i64>,
}

/// A data page header for `page`, at least `min_len` bytes long (longer if it needs more),
/// whose data is the rest of a `chunk_len`-byte column chunk.
fn page_header(page: &Page, min_len: usize, chunk_len: usize) -> Vec<u8> {
    use thrift::*;
    let build = |padding: usize| {
        let mut out = Vec::new();
        i32_field(1, 0, 0, &mut out); // type: DATA_PAGE
        i32_field(1, page.uncompressed, padding, &mut out);
        // Filled in below, once the header's length is known: 5 bytes hold any i32.
        let compressed_at = out.len() + 1;
        i32_field(1, 0, 4, &mut out);
        field(2, STRUCT, &mut out); // 5: data_page_header
        i32_field(1, page.values, 0, &mut out);
        for _ in 0..3 {
            i32_field(1, 0, 0, &mut out); // PLAIN values, RLE levels
        }
        out.push(0);
        for (index, count) in page.boolean_lists.iter().enumerate() {
            field(if index == 0 { 5 } else { 1 }, LIST, &mut out);
            out.push(0xf1); // a list of booleans, its length next
            varint(*count as u64, 0, &mut out);
        }
        out.push(0);
        (out, compressed_at)
    };
    let unpadded = build(0).0.len();
    let len = unpadded.max(min_len);
    let (mut out, compressed_at) = build(len - unpadded);
    let data_len = zigzag((chunk_len - len) as i64);
    let mut compressed = Vec::new();
    varint(data_len, 0, &mut compressed);
    let mut padded = Vec::new();
    varint(data_len, 5 - compressed.len(), &mut padded);
    out.splice(compressed_at..compressed_at + 5, padded);
    assert_eq!(out.len(), len);
    out
}

/// A Parquet file of one page of 1,000 required `x` longs (written by the parquet crate,
/// plain and uncompressed, statistics in the page header), its page header replaced by one made from `page` (`None`: kept).
/// The new header takes the old one's bytes when it fits, so the data stays readable;
/// otherwise it eats into the data, which is then never read.
fn parquet_with_page(dir: &Path, name: &str, page: Option<&Page>) -> PathBuf {
    let path = dir.join(name);
    let column: ArrayRef = Arc::new(Int64Array::from_iter_values(0..1_000));
    let schema = Arc::new(ArrowSchema::new(vec![Field::new(
        "x",
        ArrowType::Int64,
        false,
    )]));
    let batch = RecordBatch::try_new(schema, vec![column]).unwrap();
    let properties = WriterProperties::builder()
        .set_dictionary_enabled(false)
        .set_compression(Compression::UNCOMPRESSED)
        // Statistics in the page header make it long enough to be replaced in place.
        .set_statistics_enabled(EnabledStatistics::Page)
        .set_write_page_header_statistics(true)
        .build();
    let mut writer = ArrowWriter::try_new(
        std::fs::File::create(&path).unwrap(),
        batch.schema(),
        Some(properties),
    )
    .unwrap();
    writer.write(&batch).unwrap();
    writer.close().unwrap();
    let Some(page) = page else { return path };
    let reader = SerializedFileReader::new(std::fs::File::open(&path).unwrap()).unwrap();
    let chunk = reader.metadata().row_group(0).column(0);
    let start = chunk.data_page_offset() as usize;
    let chunk_len = chunk.compressed_size() as usize;
    // One page of 8,000 bytes of values, no levels: the rest is its header.
    let header_len = chunk_len - 8_000;
    let header = page_header(page, header_len, chunk_len);
    let mut bytes = std::fs::read(&path).unwrap();
    bytes.splice(start..start + header.len(), header);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("frames-hostile-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn read_with(path: &Path, limits: &ReadLimits) -> Result<usize, FileError> {
    let mut rows = 0;
    for batch in open_with(path, limits)? {
        rows += batch?.num_rows();
    }
    Ok(rows)
}

fn budget_refused(path: &Path, limits: &ReadLimits) -> (Budget, String) {
    match read_with(path, limits) {
        Err(FileError::Budget(exceeded)) => {
            (exceeded.budget(), FileError::Budget(exceeded).to_string())
        }
        other => panic!("expected a budget error, got {other:?}"),
    }
}

/// The page budgets hold at a real page's own size and value count and refuse one below.
#[test]
fn page_budgets_hold_at_the_limit_and_refuse_past_it() {
    let dir = scratch("limits");
    let path = parquet_with_page(&dir, "plain.parquet", None);
    let with = |change: &dyn Fn(&mut ReadLimits)| {
        let mut limits = ReadLimits::default();
        change(&mut limits);
        limits
    };
    assert_eq!(read_with(&path, &ReadLimits::default()).unwrap(), 1_000);
    // 1,000 plain longs: 8,000 bytes.
    assert_eq!(
        read_with(&path, &with(&|l| l.frame_page_bytes = 8_000)).unwrap(),
        1_000
    );
    let (budget, message) = budget_refused(&path, &with(&|l| l.frame_page_bytes = 7_999));
    assert_eq!(budget, Budget::FramePageBytes);
    assert!(
        message.contains("plain.parquet: row group 0, column `x` (#0), page 0: over the `frame_page_bytes` budget (7999 "),
        "{message}"
    );
    assert_eq!(
        read_with(&path, &with(&|l| l.frame_page_values = 1_000)).unwrap(),
        1_000
    );
    let (budget, message) = budget_refused(&path, &with(&|l| l.frame_page_values = 999));
    assert_eq!(budget, Budget::FramePageValues);
    assert!(
        message.contains("page 0: over the `frame_page_values` budget (999 "),
        "{message}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A 10 KB file whose page claims a gigabyte once decompressed, or half a billion values:
/// refused from the header under the default budgets, before the reader allocates or decodes.
#[test]
fn pages_claiming_gigabytes_or_billions_of_values_are_refused_by_default() {
    let dir = scratch("claims");
    let huge = parquet_with_page(
        &dir,
        "huge_page.parquet",
        Some(&Page {
            uncompressed: 1 << 30,
            values: 1_000,
            boolean_lists: vec![],
        }),
    );
    assert!(std::fs::metadata(&huge).unwrap().len() < 10_000);
    let (budget, message) = budget_refused(&huge, &ReadLimits::default());
    assert_eq!(budget, Budget::FramePageBytes);
    assert!(message.contains("column `x` (#0), page 0"), "{message}");
    let many = parquet_with_page(
        &dir,
        "many_values.parquet",
        Some(&Page {
            uncompressed: 8_000,
            values: 1 << 29,
            boolean_lists: vec![],
        }),
    );
    assert_eq!(
        budget_refused(&many, &ReadLimits::default()).0,
        Budget::FramePageValues
    );
    // The same header within its budgets is read as the reader reads it.
    let honest = parquet_with_page(
        &dir,
        "honest.parquet",
        Some(&Page {
            uncompressed: 8_000,
            values: 1_000,
            boolean_lists: vec![],
        }),
    );
    assert_eq!(read_with(&honest, &ReadLimits::default()).unwrap(), 1_000);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Fifty lists of two billion booleans each in an unknown field: a hundred billion skip steps
/// for parquet 60, refused by the walk at the first list.
#[test]
fn unknown_fields_declaring_billions_of_booleans_are_refused() {
    let dir = scratch("booleans");
    let path = parquet_with_page(
        &dir,
        "booleans.parquet",
        Some(&Page {
            uncompressed: 8_000,
            values: 1_000,
            boolean_lists: vec![i64::from(i32::MAX); 50],
        }),
    );
    let error = read_with(&path, &ReadLimits::default()).unwrap_err();
    let message = error.to_string();
    assert!(matches!(error, FileError::Parquet { .. }), "{message}");
    assert!(
        message.contains("column `x` (#0), page 0: malformed page header: it declares more collection elements than the column chunk has bytes"),
        "{message}"
    );
    // A short list of booleans in an unknown field is read as the reader reads it.
    let short = parquet_with_page(
        &dir,
        "short_list.parquet",
        Some(&Page {
            uncompressed: 8_000,
            values: 1_000,
            boolean_lists: vec![3],
        }),
    );
    assert_eq!(read_with(&short, &ReadLimits::default()).unwrap(), 1_000);
    let _ = std::fs::remove_dir_all(&dir);
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
