//! Files the Parquet and Arrow IPC readers once crashed or blew up on, found by the
//! `frame_files` fuzz target (`fuzz/findings/frame_files/`, the fuzzer's selector byte
//! stripped), and hostile Parquet page headers made here: each is refused with a `FileError`,
//! never a panic, a gigabyte allocation or seconds of CPU.
#![cfg(feature = "parquet")]

use std::path::{Path, PathBuf};

use signature_runtime::frame::ArrowChecker;
use signature_runtime::frame::parquet::{FileError, check_file, infer_file, open};
use signature_runtime::mlflow::{Budget, ReadLimits};
use signature_runtime::report::ProblemKind;
use signature_runtime::types::Array as ArrayType;
use signature_runtime::{ColSpec, ColumnType, DataType, Schema};

mod support;
use support::parquet::{
    Page, full_field, list_header, parquet_nested, parquet_of_run_pages,
    parquet_with_footer_fields, parquet_with_page, read_rows as read_with, thrift,
};
use support::scratch;

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
/// walk counts the declared elements against the bytes left in the column chunk. parquet 59.3
/// (DataFusion's) refuses this file's footer first (an encoding it does not know), before any
/// page is read; either way it is refused as a Parquet error.
#[test]
fn a_page_header_declaring_billions_of_elements_is_refused() {
    let error = read_all("parquet_page_header_skip_slow.parquet").expect("refused");
    let message = error.to_string();
    assert!(matches!(error, FileError::Parquet { .. }), "{message}");
    assert!(
        message.contains("page 0: malformed page header: it declares more collection elements")
            || message.contains("Unexpected Encoding"),
        "{message}"
    );
}

fn budget_refused(path: &Path, limits: &ReadLimits) -> (Budget, String) {
    match read_with(path, limits) {
        Err(FileError::Budget(exceeded)) => {
            (exceeded.budget(), FileError::Budget(exceeded).to_string())
        }
        other => panic!("expected a budget error, got {other:?}"),
    }
}

/// Sets one budget of [`ReadLimits`] to a value.
type Set = dyn Fn(&mut ReadLimits, u64);

/// `path` reads all its `rows` with the budget `set` to `at` (what the file declares), and one
/// below is refused as `budget`, the message naming `place` and the budget with its value.
fn holds_at_and_refuses_below(
    path: &Path,
    rows: usize,
    (budget, at, set): (Budget, u64, &Set),
    place: &str,
) {
    let with = |value: u64| {
        let mut limits = ReadLimits::default();
        set(&mut limits, value);
        limits
    };
    assert_eq!(read_with(path, &with(at)).unwrap(), rows, "{budget:?}");
    let (refused, message) = budget_refused(path, &with(at - 1));
    assert_eq!(refused, budget);
    let expected = format!("{place}: over the `{}` budget ({} ", budget.name(), at - 1);
    assert!(message.contains(&expected), "{message}");
}

/// The page budgets hold at a real page's own size and value count and refuse one below.
#[test]
fn page_budgets_hold_at_the_limit_and_refuse_past_it() {
    let dir = scratch("limits");
    let path = parquet_with_page(&dir, "plain.parquet", None);
    assert_eq!(read_with(&path, &ReadLimits::default()).unwrap(), 1_000);
    let place = "plain.parquet: row group 0, column `x` (#0), page 0";
    // 1,000 plain longs: 8,000 bytes.
    let bytes: (_, _, &Set) = (Budget::FramePageBytes, 8_000, &|l, v| {
        l.frame_page_bytes = v
    });
    holds_at_and_refuses_below(&path, 1_000, bytes, place);
    let values: (_, _, &Set) = (Budget::FramePageValues, 1_000, &|l, v| {
        l.frame_page_values = v
    });
    holds_at_and_refuses_below(&path, 1_000, values, place);
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
    let negative = parquet_with_page(
        &dir,
        "negative_values.parquet",
        Some(&Page {
            uncompressed: 8_000,
            values: -1,
            boolean_lists: vec![],
        }),
    );
    let message = read_with(&negative, &ReadLimits::default())
        .unwrap_err()
        .to_string();
    assert!(
        message.contains("page 0: malformed page header: it declares -1 values"),
        "{message}"
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

/// The sums of what pages declare hold at a real chunk's own sums and refuse one below,
/// naming the row group, the column and the page that went past.
#[test]
fn chunk_and_file_budgets_hold_at_the_limit_and_refuse_past_it() {
    let dir = scratch("sums");
    // A dictionary of one long (one value, 8 bytes) and ten pages of 1,000 values, each 4
    // bytes decompressed (its bit width, a two-byte run header, the run's value).
    let path = parquet_of_run_pages(&dir, "runs.parquet", 10, 1_000);
    assert_eq!(read_with(&path, &ReadLimits::default()).unwrap(), 10_000);
    let cases: [(Budget, u64, &Set); 4] = [
        (Budget::FrameChunkValues, 10_001, &|l, v| {
            l.frame_chunk_values = v
        }),
        (Budget::FrameFileValues, 10_001, &|l, v| {
            l.frame_file_values = v
        }),
        (Budget::FrameChunkBytes, 48, &|l, v| l.frame_chunk_bytes = v),
        (Budget::FrameFileBytes, 48, &|l, v| l.frame_file_bytes = v),
    ];
    for case in cases {
        let place = "runs.parquet: row group 0, column `x` (#0), page 10";
        holds_at_and_refuses_below(&path, 10_000, case, place);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Half a megabyte of 20,000 pages, each within the page budgets (2^28 − 1 values from a
/// seven-byte run), declaring five trillion values in all: the reader would decode every one.
/// Refused from the page headers by the chunk budget, and with that raised by the file's.
#[test]
fn many_small_pages_declaring_trillions_of_values_are_refused_by_default() {
    let dir = scratch("runs");
    let path = parquet_of_run_pages(&dir, "hostile_runs.parquet", 20_000, (1 << 28) - 1);
    let size = std::fs::metadata(&path).unwrap().len();
    assert!(size < 1 << 20, "{size} bytes");
    let (budget, message) = budget_refused(&path, &ReadLimits::default());
    assert_eq!(budget, Budget::FrameChunkValues);
    // The dictionary is page 0; eight pages of 2^28 − 1 values stay under 2^31.
    assert!(
        message.contains("row group 0, column `x` (#0), page 9: over the `frame_chunk_values` budget (2147483648 values declared in one column of a row group or batch)"),
        "{message}"
    );
    let mut limits = ReadLimits::default();
    limits.frame_chunk_values = u64::MAX;
    let (budget, message) = budget_refused(&path, &limits);
    assert_eq!(budget, Budget::FrameFileValues);
    // 2^34 / (2^28 − 1) = 64.0000002: the 65th data page goes past.
    assert!(
        message
            .contains("row group 0, column `x` (#0), page 65: over the `frame_file_values` budget"),
        "{message}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// An Arrow IPC stream of `batches` batches of one column `x`, each `rows` rows of the Null
/// type (or of longs when `rows` is small and `longs` is set).
fn ipc_stream(dir: &Path, name: &str, batches: usize, rows: usize, longs: bool) -> PathBuf {
    use signature_runtime::frame::arrow_array::{ArrayRef, Int64Array, NullArray, RecordBatch};
    use signature_runtime::frame::arrow_schema::{DataType as ArrowType, Field, Schema as Fields};
    let path = dir.join(name);
    let (column, kind): (ArrayRef, _) = if longs {
        let values = Int64Array::from_iter_values(0..rows as i64);
        (std::sync::Arc::new(values), ArrowType::Int64)
    } else {
        (std::sync::Arc::new(NullArray::new(rows)), ArrowType::Null)
    };
    let fields = std::sync::Arc::new(Fields::new(vec![Field::new("x", kind, true)]));
    let batch = RecordBatch::try_new(fields.clone(), vec![column]).unwrap();
    let file = std::fs::File::create(&path).unwrap();
    let mut writer = arrow_ipc::writer::StreamWriter::try_new(file, &fields).unwrap();
    for _ in 0..batches {
        writer.write(&batch).unwrap();
    }
    writer.finish().unwrap();
    path
}

/// A Null column declares any number of rows in no bytes: nine batches of 2^31 − 1 rows in a
/// few kilobytes. arrow-ipc builds each in constant time; the check would then go row by row
/// (and it once made a bitmap of every row: 256 MiB a batch). The batches' declared values
/// are held to the budgets of Parquet's pages.
#[test]
fn ipc_batches_declaring_billions_of_rows_are_refused_by_default() {
    let dir = scratch("ipc_rows");
    let path = ipc_stream(&dir, "nulls.arrows", 9, (1 << 31) - 1, false);
    let size = std::fs::metadata(&path).unwrap().len();
    assert!(size < 10_000, "{size} bytes");
    let (budget, message) = budget_refused(&path, &ReadLimits::default());
    assert_eq!(budget, Budget::FrameFileValues);
    // Eight batches stay under 2^34.
    assert!(
        message.contains("nulls.arrows: batch 8, column `x` (#0): over the `frame_file_values` budget (17179869184 "),
        "{message}"
    );
    // Within the budgets, the Null column is checked without a bitmap of its rows.
    let schema = Schema::from_columns(vec![ColSpec::new("x", DataType::Long)]).unwrap();
    let one = ipc_stream(&dir, "one.arrows", 1, (1 << 31) - 1, false);
    let report = check_file(&ArrowChecker::for_schema(&schema), &one).unwrap();
    assert!(report.to_string().contains("2147483647"), "{report}");

    // The budgets hold at a real file's own counts and refuse one below.
    let longs = ipc_stream(&dir, "longs.arrows", 2, 1_000, true);
    let chunk: (_, _, &Set) = (Budget::FrameChunkValues, 1_000, &|l, v| {
        l.frame_chunk_values = v
    });
    holds_at_and_refuses_below(
        &longs,
        2_000,
        chunk,
        "longs.arrows: batch 0, column `x` (#0)",
    );
    let file: (_, _, &Set) = (Budget::FrameFileValues, 2_000, &|l, v| {
        l.frame_file_values = v
    });
    holds_at_and_refuses_below(
        &longs,
        2_000,
        file,
        "longs.arrows: batch 1, column `x` (#0)",
    );
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

/// Found by `frame_files` on arrow-ipc 59.3: a stream message of a 1.6 KB file claiming a body
/// of 1.9 petabytes, which the reader zero-fills before reading (an out-of-memory abort).
/// Every message's body is checked against the file before the reader starts.
#[test]
fn an_ipc_stream_message_claiming_a_body_past_the_file_is_refused() {
    let error = read_all("ipc_stream_body_zeroed_gigabytes.arrows").expect("refused");
    let message = error.to_string();
    assert!(matches!(error, FileError::Arrow { .. }), "{message}");
    assert!(
        message.contains("message 1 of the stream, at byte 632, claims a body of 1970324836974616 bytes, beyond the end of the 1648-byte file"),
        "{message}"
    );
}

/// Found by `frame_files`: a six-byte stream whose first word claims a schema message of 2 GB.
/// The length was checked only in files of eight bytes or more, and the reader allocated it
/// (3.4 s and 1.9 GB in a release build).
#[test]
fn a_stream_too_short_for_its_schema_length_is_refused() {
    let error = read_all("ipc_stream_schema_length_past_a_six_byte_file.arrows").expect("refused");
    let message = error.to_string();
    assert!(
        matches!(&error, FileError::Budget(exceeded) if exceeded.budget() == Budget::FrameMetadataBytes),
        "{message}"
    );
}

/// Found by `frame_files` on parquet 59.3: a footer of 619 bytes whose unknown fields declare
/// lists of hundreds of millions of booleans, which the crate skips one step at a time (half
/// a second for this file; a megabyte of such lists would take hours). The footer walk
/// refuses it at the first list.
#[test]
fn a_footer_declaring_billions_of_elements_is_refused() {
    let error = read_all("parquet_footer_skip_slow.parquet").expect("refused");
    let message = error.to_string();
    assert!(matches!(error, FileError::Parquet { .. }), "{message}");
    assert!(
        message.contains("malformed footer at byte 41 of 619: it declares more collection elements than the footer has bytes"),
        "{message}"
    );
}

/// Footer fields the crate does not know, as a newer writer may add: read as the crate reads
/// them when short, refused at the first list longer than the footer.
#[test]
fn unknown_footer_fields_are_walked_and_boolean_floods_refused() {
    let dir = scratch("footer_fields");
    // Fifty lists of two billion booleans each: a hundred billion skip steps for the crate.
    let mut flood = Vec::new();
    for id in 0..50 {
        full_field(100 + id, thrift::LIST, &mut flood);
        list_header(thrift::BOOL_TRUE, i32::MAX as u64, &mut flood);
    }
    let path = parquet_with_footer_fields(&dir, "flood.parquet", &flood);
    let error = read_with(&path, &ReadLimits::default()).unwrap_err();
    let message = error.to_string();
    assert!(
        message.contains(
            ": it declares more collection elements than the footer has bytes (2147483647 more)"
        ),
        "{message}"
    );
    // A known field is read by its number, whatever its wire type: `num_rows` written as a
    // binary, whose "bytes" the crate reads as more fields, the flood among them. A walk by
    // wire types would skip them.
    let mut retyped = Vec::new();
    full_field(3, thrift::BINARY, &mut retyped);
    let mut hidden = Vec::new();
    full_field(100, thrift::LIST, &mut hidden);
    list_header(thrift::BOOL_TRUE, i32::MAX as u64, &mut hidden);
    retyped.push(hidden.len() as u8);
    retyped.extend(hidden);
    let path = parquet_with_footer_fields(&dir, "retyped.parquet", &retyped);
    let message = read_with(&path, &ReadLimits::default())
        .unwrap_err()
        .to_string();
    assert!(
        message.contains("more collection elements than the footer has bytes (2147483647 more)"),
        "{message}"
    );
    // Row groups declared by the billion: refused before the crate reserves room for them.
    let mut row_groups = Vec::new();
    full_field(4, thrift::LIST, &mut row_groups);
    list_header(thrift::STRUCT, 1 << 30, &mut row_groups);
    let path = parquet_with_footer_fields(&dir, "row_groups.parquet", &row_groups);
    let message = read_with(&path, &ReadLimits::default())
        .unwrap_err()
        .to_string();
    assert!(
        message.contains("more collection elements than the footer has bytes"),
        "{message}"
    );
    // Short unknown fields of every kind: the file reads as it did.
    let mut short = Vec::new();
    full_field(100, thrift::LIST, &mut short);
    short.push(0x35); // three i32s
    short.extend([2, 4, 6]);
    full_field(101, thrift::BINARY, &mut short);
    short.extend([3, b'a', b'b', b'c']);
    full_field(102, thrift::STRUCT, &mut short);
    full_field(1, thrift::I64, &mut short);
    short.extend([0x80, 0x01]);
    short.push(0);
    full_field(103, thrift::BOOL_TRUE, &mut short);
    let path = parquet_with_footer_fields(&dir, "short.parquet", &short);
    assert_eq!(read_with(&path, &ReadLimits::default()).unwrap(), 1_000);
    let _ = std::fs::remove_dir_all(&dir);
}

/// A schema nested tens of thousands of levels deep in a footer under a megabyte: the crate
/// builds the tree recursively, so the walk stops it at `frame_depth`.
#[test]
fn a_schema_nested_past_frame_depth_is_refused() {
    let dir = scratch("nested");
    let deep = parquet_nested(&dir, "deep.parquet", 100_000);
    assert!(std::fs::metadata(&deep).unwrap().len() < 1 << 20);
    let refused = |path: &Path| {
        let (budget, message) = budget_refused(path, &ReadLimits::default());
        assert_eq!(budget, Budget::FrameDepth);
        assert!(
            message.contains("over the `frame_depth` budget (128 levels of nesting in the schema)"),
            "{message}"
        );
    };
    refused(&deep);
    // At the limit (the leaf 128 levels below the root) the file is handed to the reader: no
    // row group, no rows.
    let at_limit = parquet_nested(&dir, "at_limit.parquet", 128);
    assert_eq!(read_with(&at_limit, &ReadLimits::default()).unwrap(), 0);
    refused(&parquet_nested(&dir, "past.parquet", 129));
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
    assert_eq!(seen, 10);
}

/// Found by `frame_files`: a file with two columns of the same name. Any check reports the
/// repeat (`duplicate_key`), so a schema inferred from it could never pass: infer refuses it,
/// naming the column.
#[test]
fn a_file_repeating_a_column_name_is_not_inferred() {
    use signature_runtime::frame::arrow_array::{ArrayRef, Int64Array, RecordBatch};
    use signature_runtime::frame::arrow_schema::{DataType as ArrowType, Field, Schema as Fields};
    use signature_runtime::frame::parquet_crate::arrow::ArrowWriter;

    let dir = std::env::temp_dir().join(format!("frames-hostile-dup-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("repeated.parquet");
    let column: ArrayRef = std::sync::Arc::new(Int64Array::from(vec![1, 2]));
    let fields = Fields::new(vec![
        Field::new("x", ArrowType::Int64, false),
        Field::new("x", ArrowType::Int64, false),
    ]);
    let batch =
        RecordBatch::try_new(std::sync::Arc::new(fields), vec![column.clone(), column]).unwrap();
    let mut writer =
        ArrowWriter::try_new(std::fs::File::create(&path).unwrap(), batch.schema(), None).unwrap();
    writer.write(&batch).unwrap();
    writer.close().unwrap();

    let error = infer_file(&path).unwrap_err();
    assert!(
        matches!(&error, FileError::DuplicateColumn { name, .. } if name == "x"),
        "{error}"
    );
    assert!(
        error
            .to_string()
            .contains("column `x` appears more than once"),
        "{error}"
    );
    let schema = Schema::from_columns(vec![ColSpec::new("x", DataType::Long)]).unwrap();
    let report = check_file(&ArrowChecker::for_schema(&schema), &path).unwrap();
    assert!(report.to_string().contains("duplicate_key"), "{report}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Found by `frame_files`: `o: struct<x: double, tags: list<string>>` with a row whose `tags`
/// is `[None]`. Infer gives `array<string>`, as MLflow's `infer_signature` does (its
/// enforcement then turns the null into text); Strict refuses null items, its documented
/// difference, and names them: the one kind of error a file's own inferred schema may give it
/// (the `frame_files` target asserts exactly that).
#[test]
fn a_file_with_null_list_items_infers_mlflows_type_and_strict_names_the_nulls() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/null_items_in_a_struct.parquet");
    let schema = infer_file(&path).unwrap();
    let object = schema
        .columns()
        .expect("columns")
        .iter()
        .find_map(|column| match column.ty() {
            ColumnType::Object(object) if column.name().is_some_and(|name| name == "o") => {
                Some(object.clone())
            }
            _ => None,
        })
        .unwrap_or_else(|| panic!("{schema:?}"));
    assert_eq!(
        object.property("tags").map(|p| p.dtype().clone()),
        Some(ColumnType::Array(ArrayType::new(DataType::String)))
    );
    let report = check_file(&ArrowChecker::for_schema(&schema), &path).unwrap();
    let errors: Vec<_> = report.errors().collect();
    assert_eq!(errors.len(), 1, "{report}");
    assert_eq!(errors[0].kind(), ProblemKind::NullNotAllowed);
    assert!(
        report.to_string().contains("`o.tags[]` has 1 null"),
        "{report}"
    );
}

/// Found by `frame_files`: a file with no batch whose schema has a malformed map (its entries
/// not a struct of a key and a value). Inferring from the schema alone makes an empty column
/// of each type, which arrow-array refuses by panicking: infer reports the file as malformed.
#[test]
fn a_schema_with_a_malformed_map_is_an_error_for_infer() {
    use signature_runtime::frame::arrow_schema::{DataType as ArrowType, Field, Schema as Fields};

    let dir = std::env::temp_dir().join(format!("frames-hostile-map-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("malformed_map.arrows");
    let entries = Field::new("entries", ArrowType::Int64, false);
    let fields = Fields::new(vec![Field::new(
        "m",
        ArrowType::Map(std::sync::Arc::new(entries), false),
        true,
    )]);
    let mut writer =
        arrow_ipc::writer::StreamWriter::try_new(std::fs::File::create(&path).unwrap(), &fields)
            .unwrap();
    writer.finish().unwrap();
    drop(writer);

    let error = infer_file(&path).unwrap_err();
    assert!(
        matches!(&error, FileError::Corrupt { message, .. } if message.contains("MapArray")),
        "{error}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
