//! The page headers of a Parquet file, walked before the `parquet` crate reads any page.
//!
//! The crate allocates what a page header declares (its decompressed size) before it
//! decompresses the page, and its Thrift reader skips a list of booleans in no bytes at all,
//! one element at a time: a header declaring a few lists of two billion booleans each costs
//! seconds of CPU per list, and a 2.6 KB file found by the fuzzer cost 17 s. So every page
//! header of every column chunk is read here first, the way parquet 60 reads it (fields by
//! number, unknown fields skipped by their wire type, statistics skipped), with:
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
use std::io::{BufReader, Read, Seek, SeekFrom};

use ::parquet::errors::ParquetError;
use ::parquet::file::metadata::ParquetMetaData;

use super::FileError;
use crate::mlflow::{Budget, BudgetExceeded, ReadLimits};

/// Parquet's page types (`PageType` in parquet.thrift).
const DATA_PAGE: i32 = 0;
const INDEX_PAGE: i32 = 1;
const DICTIONARY_PAGE: i32 = 2;
const DATA_PAGE_V2: i32 = 3;

/// Nesting parquet 60 allows while skipping a field (`DEFAULT_SKIP_DEPTH`).
const SKIP_DEPTH: u32 = 64;

/// Compact-protocol wire types (thrift-compact-protocol.md).
mod wire {
    pub(super) const BOOL_TRUE: u8 = 1;
    pub(super) const BOOL_FALSE: u8 = 2;
    pub(super) const BYTE: u8 = 3;
    pub(super) const I16: u8 = 4;
    pub(super) const I32: u8 = 5;
    pub(super) const I64: u8 = 6;
    pub(super) const DOUBLE: u8 = 7;
    pub(super) const BINARY: u8 = 8;
    pub(super) const LIST: u8 = 9;
    pub(super) const SET: u8 = 10;
    pub(super) const MAP: u8 = 11;
    pub(super) const STRUCT: u8 = 12;
    pub(super) const UUID: u8 = 13;
}

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
                let mut reader = HeaderReader {
                    input: &mut input,
                    read: 0,
                    to_end_of_file: file_len - offset,
                    elements_left: remaining,
                };
                let malformed = |why: String| FileError::Parquet {
                    path: shown.to_owned(),
                    source: ParquetError::General(format!(
                        "{}: malformed page header: {why}",
                        place(page)
                    )),
                };
                let header = reader.page_header().map_err(|error| match error {
                    HeaderError::Io(source) => io(source),
                    HeaderError::Malformed(why) => malformed(why),
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
                input
                    .seek_relative(i64::try_from(data_len).unwrap_or(i64::MAX))
                    .map_err(io)?;
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

enum HeaderError {
    Io(std::io::Error),
    Malformed(String),
}

type Result<T, E = HeaderError> = std::result::Result<T, E>;

fn malformed<T>(why: impl Into<String>) -> Result<T> {
    Err(HeaderError::Malformed(why.into()))
}

/// A compact-protocol reader over one page header, reading as parquet 60's
/// `ThriftReadInputProtocol` does, and counting what it reads and the elements it skips.
struct HeaderReader<'a> {
    input: &'a mut BufReader<File>,
    /// Bytes of the header read so far.
    read: u64,
    /// Bytes from the header's start to the end of the file: parquet reads headers from the
    /// file, not from the chunk, and checks the length afterwards.
    to_end_of_file: u64,
    /// Collection elements the header may still declare: the bytes left in the chunk.
    elements_left: u64,
}

impl HeaderReader<'_> {
    fn byte(&mut self) -> Result<u8> {
        if self.read >= self.to_end_of_file {
            return malformed("the file ends inside it");
        }
        let mut byte = [0u8];
        self.input.read_exact(&mut byte).map_err(HeaderError::Io)?;
        self.read += 1;
        Ok(byte[0])
    }

    fn skip_bytes(&mut self, count: u64) -> Result<()> {
        if count > self.to_end_of_file - self.read {
            return malformed("the file ends inside it");
        }
        self.input
            .seek_relative(count as i64)
            .map_err(HeaderError::Io)?;
        self.read += count;
        Ok(())
    }

    /// An unsigned LEB128 varint, as parquet reads it (bits past 64 dropped).
    fn varint(&mut self) -> Result<u64> {
        let mut value = 0u64;
        let mut shift = 0u32;
        loop {
            let byte = self.byte()?;
            value |= u64::from(byte & 0x7f).wrapping_shl(shift);
            if byte & 0x80 == 0 {
                return Ok(value);
            }
            shift = shift.saturating_add(7);
        }
    }

    fn zigzag(&mut self) -> Result<i64> {
        let value = self.varint()?;
        Ok((value >> 1) as i64 ^ -((value & 1) as i64))
    }

    /// An `i32` field, whatever wire type the field header claims (parquet reads known fields
    /// by number alone).
    fn i32(&mut self) -> Result<i32> {
        Ok(self.zigzag()? as i32)
    }

    /// Counts `count` declared elements, refusing more than the chunk has bytes for.
    fn declare(&mut self, count: u64) -> Result<()> {
        match self.elements_left.checked_sub(count) {
            Some(left) => {
                self.elements_left = left;
                Ok(())
            }
            None => malformed(format!(
                "it declares more collection elements than the column chunk has bytes \
                 ({count} more)"
            )),
        }
    }

    /// A field header: `None` at the struct's end, else its wire type and number.
    fn field(&mut self, last_id: i16) -> Result<Option<(u8, i16)>> {
        let byte = self.byte()?;
        let field_type = byte & 0x0f;
        if field_type == 0 {
            return Ok(None);
        }
        if field_type > wire::UUID {
            return malformed(format!("unknown field type {field_type}"));
        }
        let delta = (byte & 0xf0) >> 4;
        let id = if delta != 0 {
            match last_id.checked_add(i16::from(delta)) {
                Some(id) => id,
                None => return malformed("a field number overflows"),
            }
        } else {
            self.zigzag()? as i16
        };
        Ok(Some((field_type, id)))
    }

    /// Reads the fields of a struct: `known` reads the fields it knows by number and returns
    /// `false` for the others, which are skipped by their wire type.
    fn fields(&mut self, mut known: impl FnMut(&mut Self, u8, i16) -> Result<bool>) -> Result<()> {
        let mut last_id = 0;
        while let Some((field_type, id)) = self.field(last_id)? {
            if !known(self, field_type, id)? {
                self.skip(field_type, SKIP_DEPTH)?;
            }
            last_id = id;
        }
        Ok(())
    }

    fn page_header(&mut self) -> Result<PageHeader> {
        let mut header = PageHeader::default();
        self.fields(|reader, _, id| {
            match id {
                1 => header.page_type = Some(reader.page_type()?),
                2 => header.uncompressed_size = Some(reader.i32()?),
                3 => header.compressed_size = Some(reader.i32()?),
                4 => {
                    reader.i32()?;
                }
                // DataPageHeader and DataPageHeaderV2: `num_values` is field 1 of both; the
                // other known fields are integers (encodings, counts, lengths) or booleans.
                5 | 8 => header.values = Some(reader.data_page_header(id == 8)?),
                6 => reader.fields(|_, _, _| Ok(false))?,
                7 => header.values = Some(reader.dictionary_page_header()?),
                _ => return Ok(false),
            }
            Ok(true)
        })?;
        Ok(header)
    }

    fn page_type(&mut self) -> Result<i32> {
        let page_type = self.i32()?;
        if ![DATA_PAGE, INDEX_PAGE, DICTIONARY_PAGE, DATA_PAGE_V2].contains(&page_type) {
            return malformed(format!("unknown page type {page_type}"));
        }
        Ok(page_type)
    }

    /// A data page header (v1, or v2 with `v2`), statistics skipped: its `num_values`.
    fn data_page_header(&mut self, v2: bool) -> Result<i32> {
        let mut values = None;
        self.fields(|reader, field_type, id| {
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
    fn dictionary_page_header(&mut self) -> Result<i32> {
        let mut values = None;
        self.fields(|reader, field_type, id| {
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

    /// A boolean field: its value is its wire type, nothing follows.
    fn boolean(&mut self, field_type: u8) -> Result<()> {
        if field_type == wire::BOOL_TRUE || field_type == wire::BOOL_FALSE {
            Ok(())
        } else {
            malformed(format!("a boolean field of wire type {field_type}"))
        }
    }

    /// Skips a value of `field_type` as parquet 60 does (a boolean takes no byte, even as a
    /// list element), counting the elements of every collection.
    fn skip(&mut self, field_type: u8, depth: u32) -> Result<()> {
        if depth == 0 {
            return malformed("it nests too deep");
        }
        match field_type {
            wire::BOOL_TRUE | wire::BOOL_FALSE => Ok(()),
            wire::BYTE => self.byte().map(drop),
            wire::I16 | wire::I32 | wire::I64 => self.varint().map(drop),
            wire::DOUBLE => self.skip_bytes(8),
            wire::BINARY => {
                let len = self.varint()?;
                self.skip_bytes(len)
            }
            wire::UUID => self.skip_bytes(16),
            wire::STRUCT => {
                while let Some((field_type, _)) = self.field(0)? {
                    self.skip(field_type, depth - 1)?;
                }
                Ok(())
            }
            wire::LIST | wire::SET => {
                let header = self.byte()?;
                if header == 0 {
                    return Ok(());
                }
                let element_type = self.element_type(header & 0x0f)?;
                let count = match header >> 4 {
                    15 => match i32::try_from(self.varint()?) {
                        Ok(count) => count,
                        Err(_) => return malformed("a list size past 2^31"),
                    },
                    count => i32::from(count),
                };
                let count = u64::try_from(count).unwrap_or(0);
                self.declare(count)?;
                for _ in 0..count {
                    self.skip(element_type, depth - 1)?;
                }
                Ok(())
            }
            wire::MAP => {
                let Ok(count) = i32::try_from(self.varint()?) else {
                    return malformed("a map size past 2^31");
                };
                let count = u64::try_from(count).unwrap_or(0);
                if count > 0 {
                    let types = self.byte()?;
                    let key_type = self.element_type(types >> 4)?;
                    let value_type = self.element_type(types & 0x0f)?;
                    self.declare(count.saturating_mul(2))?;
                    for _ in 0..count {
                        self.skip(key_type, depth - 1)?;
                        self.skip(value_type, depth - 1)?;
                    }
                }
                Ok(())
            }
            other => malformed(format!("cannot skip a field of wire type {other}")),
        }
    }

    /// A collection's element type, as a field type (a boolean is 1 or 2 on the wire).
    fn element_type(&self, element: u8) -> Result<u8> {
        match element {
            1 | 2 => Ok(wire::BOOL_TRUE),
            3..=13 => Ok(element),
            other => malformed(format!("unknown element type {other}")),
        }
    }
}
