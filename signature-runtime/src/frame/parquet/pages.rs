//! The page headers of a Parquet file, walked before the `parquet` crate reads any page.
//!
//! The crate allocates what a page header declares (its decompressed size) before it
//! decompresses the page, and its Thrift reader skips a list of booleans in no bytes at all,
//! one element at a time: a header declaring a few lists of two billion booleans each costs
//! seconds of CPU per list, and a 2.6 KB file found by the fuzzer cost 17 s. So every page
//! header of every column chunk is read here first, the way parquet 59 and 60 read it (fields
//! by number, unknown fields skipped by their wire type, statistics skipped; see `thrift`),
//! with:
//!
//! - the elements its skipped lists, sets and maps declare counted, and refused past the bytes
//!   left in the column chunk: in the compact protocol every element takes at least one
//!   byte, booleans included, so no well-formed header declares more;
//! - its declared decompressed size and value count checked against
//!   [`ReadLimits::frame_page_bytes`] and [`ReadLimits::frame_page_values`];
//! - its compressed size checked to lie inside the column chunk;
//! - the values and decompressed bytes declared by the pages so far summed, per column chunk
//!   and for the file, and checked against [`ReadLimits::frame_chunk_values`],
//!   [`ReadLimits::frame_file_values`], [`ReadLimits::frame_chunk_bytes`] and
//!   [`ReadLimits::frame_file_bytes`]: a page run-length encodes millions of values in a few
//!   bytes, so a file under a megabyte of pages each within its own budgets could still make
//!   the reader decode hundreds of billions of values.
//!
//! The walk reads each header and seeks past each page's data: a few bytes of I/O per page.

use std::fs::File;
use std::io::{BufReader, Seek, SeekFrom};

use ::parquet::errors::ParquetError;
use ::parquet::file::metadata::ParquetMetaData;

use super::FileError;
use super::thrift::{CompactReader, Input, Result, ThriftError, malformed};
use crate::mlflow::{Budget, BudgetExceeded, ReadLimits};

/// Parquet's page types (`PageType` in parquet.thrift).
const DATA_PAGE: i32 = 0;
const INDEX_PAGE: i32 = 1;
const DICTIONARY_PAGE: i32 = 2;
const DATA_PAGE_V2: i32 = 3;

/// What the walk needs of one page header.
#[derive(Debug, Default)]
struct PageHeader {
    page_type: Option<i32>,
    uncompressed_size: Option<i32>,
    compressed_size: Option<i32>,
    /// Values of a data page (v1 or v2) or entries of a dictionary page.
    values: Option<i32>,
}

/// Checks every page header of every column chunk of `metadata` (whose chunks
/// `check_chunks_inside` has already placed inside the file).
pub(super) fn check_page_headers(
    file: File,
    file_len: u64,
    metadata: &ParquetMetaData,
    limits: &ReadLimits,
    shown: &str,
) -> Result<(), FileError> {
    let mut input = BufReader::new(file);
    let io = |source| FileError::Io {
        path: shown.to_owned(),
        source,
    };
    // What the pages declare, summed for the file and (below) for each column chunk.
    let mut file_declared = Declared::default();
    for (group, row_group) in metadata.row_groups().iter().enumerate() {
        for (index, column) in row_group.columns().iter().enumerate() {
            let mut chunk_declared = Declared::default();
            let place = |page: usize| {
                format!(
                    "row group {group}, column `{}` (#{index}), page {page}",
                    column.column_path().string()
                )
            };
            let start = column
                .dictionary_page_offset()
                .unwrap_or_else(|| column.data_page_offset());
            // Both non-negative and inside the file: `check_chunks_inside` made sure.
            let (Ok(mut offset), Ok(mut remaining)) = (
                u64::try_from(start),
                u64::try_from(column.compressed_size()),
            ) else {
                continue;
            };
            input.seek(SeekFrom::Start(offset)).map_err(io)?;
            let mut page = 0;
            while remaining > 0 {
                let mut reader = CompactReader {
                    input: &mut input,
                    read: 0,
                    available: file_len - offset,
                    elements_left: remaining,
                    room: "the column chunk",
                };
                let malformed = |why: String| FileError::Parquet {
                    path: shown.to_owned(),
                    source: ParquetError::General(format!(
                        "{}: malformed page header: {why}",
                        place(page)
                    )),
                };
                let header = page_header(&mut reader).map_err(|error| match error {
                    ThriftError::Io(source) => io(source),
                    ThriftError::Malformed(why) => malformed(why),
                })?;
                let header_len = reader.read;
                let (Some(page_type), Some(uncompressed), Some(compressed)) = (
                    header.page_type,
                    header.uncompressed_size,
                    header.compressed_size,
                ) else {
                    return Err(malformed("a required field is missing".into()));
                };
                let data_len = u64::try_from(compressed).ok();
                if header_len > remaining
                    || data_len.is_none_or(|data_len| data_len > remaining - header_len)
                    || uncompressed < 0
                {
                    return Err(malformed(format!(
                        "the page claims {compressed} bytes after its {header_len}-byte header, \
                         {remaining} bytes being left in the column chunk"
                    )));
                }
                let over = |budget, limit: u64| {
                    FileError::Budget(BudgetExceeded::new(
                        budget,
                        limit,
                        format!("{shown}: {}", place(page)),
                    ))
                };
                if uncompressed as u64 > limits.frame_page_bytes {
                    return Err(over(Budget::FramePageBytes, limits.frame_page_bytes));
                }
                let values = match header.values.filter(|_| page_type != INDEX_PAGE) {
                    Some(values) if values < 0 => {
                        return Err(malformed(format!("it declares {values} values")));
                    }
                    Some(values) if values as u64 > limits.frame_page_values => {
                        return Err(over(Budget::FramePageValues, limits.frame_page_values));
                    }
                    Some(values) => values as u64,
                    None => 0,
                };
                let page_declared = Declared {
                    values,
                    bytes: uncompressed as u64,
                };
                chunk_declared.add(&page_declared);
                file_declared.add(&page_declared);
                for (budget, declared, limit) in [
                    (
                        Budget::FrameChunkValues,
                        chunk_declared.values,
                        limits.frame_chunk_values,
                    ),
                    (
                        Budget::FrameFileValues,
                        file_declared.values,
                        limits.frame_file_values,
                    ),
                    (
                        Budget::FrameChunkBytes,
                        chunk_declared.bytes,
                        limits.frame_chunk_bytes,
                    ),
                    (
                        Budget::FrameFileBytes,
                        file_declared.bytes,
                        limits.frame_file_bytes,
                    ),
                ] {
                    if declared > limit {
                        return Err(over(budget, limit));
                    }
                }
                let data_len = data_len.unwrap_or(0);
                // Relative, so the buffer is kept when the page is small.
                input.skip_ahead(data_len).map_err(io)?;
                offset += header_len + data_len;
                remaining -= header_len + data_len;
                page += 1;
            }
        }
    }
    Ok(())
}

/// What pages declare: values (or dictionary entries), and bytes once decompressed.
#[derive(Debug, Default)]
struct Declared {
    values: u64,
    bytes: u64,
}

impl Declared {
    fn add(&mut self, page: &Declared) {
        self.values = self.values.saturating_add(page.values);
        self.bytes = self.bytes.saturating_add(page.bytes);
    }
}

fn page_header(reader: &mut CompactReader<'_, impl Input>) -> Result<PageHeader> {
    let mut header = PageHeader::default();
    reader.fields(|reader, _, id| {
        match id {
            1 => header.page_type = Some(page_type(reader)?),
            2 => header.uncompressed_size = Some(reader.i32()?),
            3 => header.compressed_size = Some(reader.i32()?),
            4 => {
                reader.i32()?;
            }
            // DataPageHeader and DataPageHeaderV2: `num_values` is field 1 of both; the
            // other known fields are integers (encodings, counts, lengths) or booleans.
            5 | 8 => header.values = Some(data_page_header(reader, id == 8)?),
            6 => reader.fields(|_, _, _| Ok(false))?,
            7 => header.values = Some(dictionary_page_header(reader)?),
            _ => return Ok(false),
        }
        Ok(true)
    })?;
    Ok(header)
}

fn page_type(reader: &mut CompactReader<'_, impl Input>) -> Result<i32> {
    let page_type = reader.i32()?;
    if ![DATA_PAGE, INDEX_PAGE, DICTIONARY_PAGE, DATA_PAGE_V2].contains(&page_type) {
        return malformed(format!("unknown page type {page_type}"));
    }
    Ok(page_type)
}

/// A data page header (v1, or v2 with `v2`), statistics skipped: its `num_values`.
fn data_page_header(reader: &mut CompactReader<'_, impl Input>, v2: bool) -> Result<i32> {
    let mut values = None;
    reader.fields(|reader, field_type, id| {
        match (id, v2) {
            (1, _) => values = Some(reader.i32()?),
            (2..=4, false) | (2..=6, true) => {
                reader.i32()?;
            }
            (7, true) => reader.boolean(field_type)?,
            _ => return Ok(false),
        }
        Ok(true)
    })?;
    values.map_or_else(|| malformed("a data page without `num_values`"), Ok)
}

/// A dictionary page header: its `num_values`.
fn dictionary_page_header(reader: &mut CompactReader<'_, impl Input>) -> Result<i32> {
    let mut values = None;
    reader.fields(|reader, field_type, id| {
        match id {
            1 => values = Some(reader.i32()?),
            2 => {
                reader.i32()?;
            }
            3 => reader.boolean(field_type)?,
            _ => return Ok(false),
        }
        Ok(true)
    })?;
    values.map_or_else(|| malformed("a dictionary page without `num_values`"), Ok)
}
