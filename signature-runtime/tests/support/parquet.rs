//! Parquet files with a hostile page header, made from a real one: for the reader's tests
//! and the CLI's.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use signature_runtime::frame::arrow_array::{ArrayRef, Int64Array, RecordBatch};
use signature_runtime::frame::arrow_schema::{DataType, Field, Schema};
use signature_runtime::frame::parquet::{FileError, open_with};
use signature_runtime::frame::parquet_crate::arrow::ArrowWriter;
use signature_runtime::frame::parquet_crate::basic::Compression;
use signature_runtime::frame::parquet_crate::file::properties::{
    EnabledStatistics, WriterProperties,
};
use signature_runtime::frame::parquet_crate::file::reader::{FileReader, SerializedFileReader};
use signature_runtime::mlflow::ReadLimits;

/// Opens the file within `limits` and reads every batch: the rows, or the first error.
pub(crate) fn read_rows(path: &Path, limits: &ReadLimits) -> Result<usize, FileError> {
    let mut rows = 0;
    for batch in open_with(path, limits)? {
        rows += batch?.num_rows();
    }
    Ok(rows)
}

/// Compact-protocol Thrift, as a Parquet page header is written.
pub(crate) mod thrift {
    pub(crate) const BOOL_TRUE: u8 = 1;
    pub(crate) const I32: u8 = 5;
    pub(crate) const I64: u8 = 6;
    pub(crate) const BINARY: u8 = 8;
    pub(crate) const LIST: u8 = 9;
    pub(crate) const STRUCT: u8 = 12;

    /// A varint `extra` bytes longer than it needs to be (parquet reads either): lets a
    /// hostile header take exactly the bytes of the one it replaces.
    pub(crate) fn varint(mut value: u64, extra: usize, out: &mut Vec<u8>) {
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

    pub(crate) fn zigzag(value: i64) -> u64 {
        ((value << 1) ^ (value >> 63)) as u64
    }

    /// A field header by its delta from the previous field's number.
    pub(crate) fn field(delta: u8, wire_type: u8, out: &mut Vec<u8>) {
        out.push((delta << 4) | wire_type);
    }

    pub(crate) fn i32_field(delta: u8, value: i64, extra: usize, out: &mut Vec<u8>) {
        field(delta, I32, out);
        varint(zigzag(value), extra, out);
    }
}

/// The parts of a data page header a test sets.
pub(crate) struct Page {
    pub(crate) uncompressed: i64,
    pub(crate) values: i64,
    /// Unknown fields (number 10 on), skipped by the reader: each a list of this many
    /// booleans.
    pub(crate) boolean_lists: Vec<i64>,
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
pub(crate) fn parquet_with_page(dir: &Path, name: &str, page: Option<&Page>) -> PathBuf {
    let path = dir.join(name);
    let column: ArrayRef = Arc::new(Int64Array::from_iter_values(0..1_000));
    let schema = Arc::new(Schema::new(vec![Field::new("x", DataType::Int64, false)]));
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

/// A Parquet file of one required `x` long column whose one column chunk is a dictionary of
/// one value and `pages` data pages, each declaring `values_per_page` values as a single
/// run-length-encoded run of dictionary index 0: about 30 bytes a page, however many values
/// it declares. The footer is the parquet crate's, its counts matching the pages.
pub(crate) fn parquet_of_run_pages(
    dir: &Path,
    name: &str,
    pages: usize,
    values_per_page: i64,
) -> PathBuf {
    use signature_runtime::frame::parquet_crate::file::metadata::{
        FileMetaData, ParquetMetaData, ParquetMetaDataWriter,
    };
    use thrift::*;

    let path = dir.join(name);
    // A real file for the schema and the footer's other fields.
    let column: ArrayRef = Arc::new(Int64Array::from(vec![7]));
    let schema = Arc::new(Schema::new(vec![Field::new("x", DataType::Int64, false)]));
    let batch = RecordBatch::try_new(schema, vec![column]).unwrap();
    let mut writer =
        ArrowWriter::try_new(std::fs::File::create(&path).unwrap(), batch.schema(), None).unwrap();
    writer.write(&batch).unwrap();
    writer.close().unwrap();
    let reader = SerializedFileReader::new(std::fs::File::open(&path).unwrap()).unwrap();
    let metadata = reader.metadata().clone();

    let header = |page_type: i64, data_len: usize, body: &dyn Fn(&mut Vec<u8>)| {
        let mut out = Vec::new();
        i32_field(1, page_type, 0, &mut out);
        i32_field(1, data_len as i64, 0, &mut out); // uncompressed
        i32_field(1, data_len as i64, 0, &mut out); // compressed
        body(&mut out);
        out.push(0);
        out
    };
    let mut bytes = b"PAR1".to_vec();
    // The dictionary: one PLAIN long.
    let dictionary_offset = bytes.len();
    bytes.extend(header(2, 8, &|out| {
        field(4, STRUCT, out); // 7: dictionary_page_header
        i32_field(1, 1, 0, out); // num_values
        i32_field(1, 0, 0, out); // PLAIN
        out.push(0);
    }));
    bytes.extend(7i64.to_le_bytes());
    // Each data page: bit width 1, then one run of `values_per_page` zeros.
    let mut data = vec![1];
    varint((values_per_page as u64) << 1, 0, &mut data);
    data.push(0);
    let data_page = header(0, data.len(), &|out| {
        field(2, STRUCT, out); // 5: data_page_header
        i32_field(1, values_per_page, 0, out); // num_values
        i32_field(1, 8, 0, out); // RLE_DICTIONARY
        i32_field(1, 3, 0, out); // RLE levels
        i32_field(1, 3, 0, out);
        out.push(0);
    });
    let data_offset = bytes.len();
    for _ in 0..pages {
        bytes.extend(&data_page);
        bytes.extend(&data);
    }
    let chunk_len = (bytes.len() - dictionary_offset) as i64;
    let total = values_per_page * pages as i64;
    let chunk = metadata
        .row_group(0)
        .column(0)
        .clone()
        .into_builder()
        .set_num_values(total)
        .set_total_compressed_size(chunk_len)
        .set_total_uncompressed_size(chunk_len)
        .set_dictionary_page_offset(Some(dictionary_offset as i64))
        .set_data_page_offset(data_offset as i64)
        .set_offset_index_offset(None)
        .set_offset_index_length(None)
        .set_column_index_offset(None)
        .set_column_index_length(None)
        .build()
        .unwrap();
    let row_group = metadata
        .row_group(0)
        .clone()
        .into_builder()
        .set_num_rows(total)
        .set_total_byte_size(chunk_len)
        .set_file_offset(dictionary_offset as i64)
        .set_column_metadata(vec![chunk])
        .build()
        .unwrap();
    let file = metadata.file_metadata();
    let file = FileMetaData::new(
        file.version(),
        total,
        file.created_by().map(str::to_owned),
        file.key_value_metadata().cloned(),
        file.schema_descr_ptr(),
        file.column_orders().cloned(),
    );
    let footer = ParquetMetaData::new(file, vec![row_group]);
    // The chunk names no page index (set to none above), so the writer writes none.
    ParquetMetaDataWriter::new(&mut bytes, &footer)
        .finish()
        .unwrap();
    std::fs::write(&path, bytes).unwrap();
    path
}

/// A Parquet file of 1,000 required `x` longs (written by the parquet crate) whose footer
/// ends with the fields `extra` (each a compact-protocol field, its number written in full),
/// after the ones the crate wrote.
pub(crate) fn parquet_with_footer_fields(dir: &Path, name: &str, extra: &[u8]) -> PathBuf {
    let path = parquet_with_page(dir, name, None);
    let mut bytes = std::fs::read(&path).unwrap();
    let footer_end = bytes.len() - 8;
    let footer_len = u32::from_le_bytes(bytes[footer_end..footer_end + 4].try_into().unwrap());
    // The footer's last byte ends `FileMetaData`: the new fields go before it.
    assert_eq!(bytes[footer_end - 1], 0);
    bytes.splice(footer_end - 1..footer_end - 1, extra.iter().copied());
    let footer_len = footer_len + extra.len() as u32;
    let tail = bytes.len() - 8;
    bytes[tail..tail + 4].copy_from_slice(&footer_len.to_le_bytes());
    std::fs::write(&path, bytes).unwrap();
    path
}

/// A field header with its number written in full (after any previous field).
pub(crate) fn full_field(id: i16, wire_type: u8, out: &mut Vec<u8>) {
    out.push(wire_type);
    thrift::varint(thrift::zigzag(i64::from(id)), 0, out);
}

/// A list header of `count` elements of wire type `element_type`.
pub(crate) fn list_header(element_type: u8, count: u64, out: &mut Vec<u8>) {
    out.push(0xf0 | element_type);
    thrift::varint(count, 0, out);
}

/// A Parquet file whose footer's schema is `depth` groups nested one in the other around
/// one `long` leaf, with no row group: made by hand, since no writer nests that deep.
pub(crate) fn parquet_nested(dir: &Path, name: &str, depth: usize) -> PathBuf {
    use thrift::*;
    let mut footer = Vec::new();
    i32_field(1, 2, 0, &mut footer); // 1: version
    field(1, LIST, &mut footer); // 2: schema
    list_header(STRUCT, depth as u64 + 1, &mut footer);
    for level in 0..=depth {
        if level == depth {
            i32_field(1, 2, 0, &mut footer); // 1: INT64
            i32_field(2, 0, 0, &mut footer); // 3: REQUIRED
        } else if level > 0 {
            i32_field(3, 0, 0, &mut footer); // 3: REQUIRED
        }
        field(if level == 0 { 4 } else { 1 }, BINARY, &mut footer); // 4: name
        footer.extend([1, b'g']);
        if level < depth {
            i32_field(1, 1, 0, &mut footer); // 5: num_children
        }
        footer.push(0);
    }
    field(1, I64, &mut footer); // 3: num_rows
    footer.push(0);
    field(1, LIST, &mut footer); // 4: row_groups, none
    footer.push(0x0c);
    footer.push(0);
    let mut bytes = b"PAR1".to_vec();
    bytes.extend(&footer);
    bytes.extend((footer.len() as u32).to_le_bytes());
    bytes.extend(b"PAR1");
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}
