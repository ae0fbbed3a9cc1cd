//! Parquet and Arrow IPC files, checked batch by batch: memory holds one record batch at a
//! time (plus the report), whatever the size of the file.
//!
//! ```no_run
//! use std::path::Path;
//! use signature_runtime::frame::ArrowChecker;
//! use signature_runtime::frame::parquet::check_file;
//! # let schema = signature_runtime::Schema::from_columns(vec![
//! #     signature_runtime::ColSpec::new("x", signature_runtime::DataType::Long)])?;
//!
//! let report = check_file(&ArrowChecker::for_schema(&schema), Path::new("scores.parquet"))?;
//! println!("{report}");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Parquet files may use any codec the format has (Snappy, gzip, Brotli, LZ4, LZ4_RAW, zstd);
//! Arrow IPC files and streams may be uncompressed or LZ4- or zstd-compressed. Before any data
//! is read, the footer's size, the number of columns, the Parquet footer's contents (its
//! collections against its length, its schema's depth) and every Parquet page header
//! (declared size and values), and every IPC footer block and stream message (against the
//! file's length) are checked against the budgets of [`ReadLimits`], so a small hostile file
//! cannot make the reader allocate gigabytes, spin for seconds or overflow its stack.

use std::fmt;
use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::Path;

use ::parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use ::parquet::errors::ParquetError;
use arrow_array::RecordBatch;
use arrow_ipc::reader::{FileReader, StreamReader};
use arrow_schema::{ArrowError, SchemaRef};

use crate::frame::{InferError, InferSchema};
use crate::mlflow::{Budget, BudgetExceeded, FileKind, ReadLimits};
use crate::report::Report;
use crate::types::{ColSpec, ColumnType, Object, Property, Schema};

use super::ArrowChecker;

mod footer;
mod pages;
mod thrift;

/// Rows per batch read from a Parquet file: large enough to amortise the per-batch work,
/// small enough to bound memory (64k rows of 10 numeric columns are 5 MB). Wider files are
/// read in fewer rows per batch: see [`parquet_batch_rows`].
pub const PARQUET_BATCH_ROWS: usize = 65_536;

/// About how many bytes of values a batch read from a Parquet file holds, whatever its width
/// (64k rows of 10 eight-byte columns).
const PARQUET_BATCH_BYTES: usize = PARQUET_BATCH_ROWS * 10 * 8;

/// Rows per batch for a Parquet file of `leaf_columns` leaf columns: [`PARQUET_BATCH_ROWS`]
/// up to 10 columns, fewer beyond, so a batch of a 1,000-column file holds about as many
/// values as one of a 10-column file (at least 64 rows, so a very wide file still moves).
pub fn parquet_batch_rows(leaf_columns: usize) -> usize {
    (PARQUET_BATCH_BYTES / 8 / leaf_columns.max(1)).clamp(64, PARQUET_BATCH_ROWS)
}

/// The kinds of files read here.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum FileFormat {
    /// Apache Parquet.
    Parquet,
    /// The Arrow IPC file format (Feather v2), which starts with `ARROW1`.
    ArrowFile,
    /// The Arrow IPC stream format.
    ArrowStream,
}

impl FileFormat {
    /// The format by file name: `.parquet`/`.pq` are Parquet; `.arrow`, `.feather`, `.ipc`
    /// and `.arrows` are Arrow IPC (a file or a stream, told apart by content).
    pub fn from_path(path: &Path) -> Option<FileFormat> {
        let extension = path.extension()?.to_str()?.to_ascii_lowercase();
        match extension.as_str() {
            "parquet" | "pq" => Some(FileFormat::Parquet),
            "arrow" | "feather" | "ipc" => Some(FileFormat::ArrowFile),
            "arrows" => Some(FileFormat::ArrowStream),
            _ => None,
        }
    }

    /// The format a file's magic bytes show, for files whose name does not tell.
    pub fn from_kind(kind: FileKind) -> Option<FileFormat> {
        match kind {
            FileKind::Parquet => Some(FileFormat::Parquet),
            FileKind::ArrowFile => Some(FileFormat::ArrowFile),
            FileKind::ArrowStream => Some(FileFormat::ArrowStream),
            _ => None,
        }
    }
}

/// Why a file could not be read to the end.
///
/// Each message is complete on its own (the file, then why), so `source()` returns nothing the
/// message has already said: an error chain prints every cause once. The underlying error is
/// still there to match on, in each variant's `source` field.
#[derive(Debug)]
#[non_exhaustive]
pub enum FileError {
    /// Opening or reading the file failed.
    Io {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// Not a Parquet file, or a corrupt one.
    Parquet {
        /// The file.
        path: String,
        /// Why.
        source: ParquetError,
    },
    /// Not an Arrow IPC file, or a corrupt batch.
    Arrow {
        /// The file.
        path: String,
        /// Why.
        source: ArrowError,
    },
    /// A file name whose extension is none of the known ones.
    UnknownFormat {
        /// The file.
        path: String,
    },
    /// The file's data has no MLflow schema (for [`infer_file`]).
    Infer {
        /// The file.
        path: String,
        /// Why.
        source: InferError,
    },
    /// The file's metadata is larger, or its columns more, than a budget of [`ReadLimits`]
    /// allows.
    Budget(BudgetExceeded),
    /// Two columns of the file have the same name (for [`infer_file`]): a signature naming
    /// it twice would describe the file, but no check accepts a frame that repeats a column.
    DuplicateColumn {
        /// The file.
        path: String,
        /// The repeated name.
        name: String,
    },
    /// The Parquet or Arrow reader gave up on malformed data by panicking (a corrupt or
    /// hostile file); the panic was caught and the file is refused.
    Corrupt {
        /// The file.
        path: String,
        /// The reader's panic message.
        message: String,
    },
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FileError::Io { path, source } => write!(f, "cannot read {path}: {source}"),
            FileError::Parquet { path, source } => {
                write!(f, "cannot read Parquet file {path}: {source}")
            }
            FileError::Arrow { path, source } => {
                write!(f, "cannot read Arrow data in {path}: {source}")
            }
            FileError::UnknownFormat { path } => write!(
                f,
                "{path}: unknown file type (expected .parquet, .pq, .arrow, .feather, .ipc or .arrows)"
            ),
            FileError::Infer { path, source } => write!(f, "{path}: {source}"),
            FileError::Budget(exceeded) => exceeded.fmt(f),
            FileError::DuplicateColumn { path, name } => write!(
                f,
                "{path}: column `{name}` appears more than once; no signature check accepts \
                 data that repeats a column, so none is inferred"
            ),
            FileError::Corrupt { path, message } => {
                write!(f, "cannot read {path}: malformed data ({message})")
            }
        }
    }
}

/// The causes are part of each message, so none is returned again as a source.
impl std::error::Error for FileError {}

/// The record batches of a file, one at a time.
pub struct Batches {
    schema: SchemaRef,
    inner: Box<dyn Iterator<Item = Result<RecordBatch, FileError>>>,
    /// The file, for [`FileError::Corrupt`].
    path: String,
    /// Set once the reader panicked: no batch follows.
    failed: bool,
}

impl Batches {
    /// The file's Arrow schema (from its footer or first message: no data is read).
    pub fn schema(&self) -> &SchemaRef {
        &self.schema
    }
}

impl fmt::Debug for Batches {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Batches")
            .field("schema", &self.schema)
            .finish_non_exhaustive()
    }
}

impl Iterator for Batches {
    type Item = Result<RecordBatch, FileError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        let next = guarded(&self.path, || Ok(self.inner.next()));
        next.unwrap_or_else(|error| {
            // A reader that panicked is in no state to go on.
            self.failed = true;
            Some(Err(error))
        })
    }
}

/// Runs `read`, turning a panic of the Parquet or Arrow reader into [`FileError::Corrupt`]:
/// both crates assert on some malformed inputs (offsets, lengths, dictionaries) rather than
/// return an error, and a hostile file must not take its reader's process down.
///
/// The panic is an error the caller reports, so the panic hook does not print it too (see
/// [`quiet_panics`]).
fn guarded<T>(path: &str, read: impl FnOnce() -> Result<T, FileError>) -> Result<T, FileError> {
    let caught = quiet_panics(|| std::panic::catch_unwind(std::panic::AssertUnwindSafe(read)));
    caught.unwrap_or_else(|payload| {
        let message = payload
            .downcast_ref::<&str>()
            .map(|m| (*m).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "the reader panicked".to_owned());
        Err(FileError::Corrupt {
            path: path.to_owned(),
            message,
        })
    })
}

thread_local! {
    /// Set while this thread runs a reader whose panics are caught and reported as errors.
    static PANICS_CAUGHT: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `body` with the panic hook silent for panics on this thread only.
///
/// The hook is process-wide, so it cannot be swapped for the call: another thread panicking
/// meanwhile would lose its message. Instead a hook is installed once that passes every panic
/// to the hook that was there before, except those on a thread inside this function. A hook
/// a program sets later replaces this one, and then its panics print again (as before).
fn quiet_panics<T>(body: impl FnOnce() -> T) -> T {
    static INSTALL: std::sync::Once = std::sync::Once::new();
    INSTALL.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !PANICS_CAUGHT.with(std::cell::Cell::get) {
                previous(info);
            }
        }));
    });
    let was = PANICS_CAUGHT.with(|caught| caught.replace(true));
    // Restored even if `body` unwinds (it does not: callers catch inside it).
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            PANICS_CAUGHT.with(|caught| caught.set(self.0));
        }
    }
    let _restore = Restore(was);
    body()
}

/// Opens a Parquet or Arrow IPC file (the kind from its extension, see
/// [`FileFormat::from_path`], else from its first bytes) for reading batch by batch, within the
/// default [`ReadLimits`].
pub fn open(path: &Path) -> Result<Batches, FileError> {
    open_with(path, &ReadLimits::default())
}

/// [`open`] within `limits`: the footer (or the stream's schema message) no larger than
/// [`ReadLimits::frame_metadata_bytes`], at most [`ReadLimits::frame_columns`] columns, and
/// each Parquet page within [`ReadLimits::frame_page_bytes`] and
/// [`ReadLimits::frame_page_values`], and what the pages declare in all within
/// [`ReadLimits::frame_chunk_values`], [`ReadLimits::frame_chunk_bytes`] per column chunk and
/// [`ReadLimits::frame_file_values`], [`ReadLimits::frame_file_bytes`] per file.
pub fn open_with(path: &Path, limits: &ReadLimits) -> Result<Batches, FileError> {
    let shown = path.display().to_string();
    let format = FileFormat::from_path(path)
        .or_else(|| FileFormat::from_kind(FileKind::of_file(path)?))
        .ok_or_else(|| FileError::UnknownFormat {
            path: shown.clone(),
        })?;
    let io = |source| FileError::Io {
        path: shown.clone(),
        source,
    };
    let mut file = File::open(path).map_err(io)?;
    let file_len = file.metadata().map_err(io)?.len();
    let over =
        |budget, limit: usize| FileError::Budget(BudgetExceeded::new(budget, limit, shown.clone()));
    let metadata_budget = |claimed: u64| {
        if claimed > limits.frame_metadata_bytes {
            Err(FileError::Budget(BudgetExceeded::new(
                Budget::FrameMetadataBytes,
                limits.frame_metadata_bytes,
                shown.clone(),
            )))
        } else {
            Ok(())
        }
    };
    let arrow_error = {
        let shown = shown.clone();
        move |source| FileError::Arrow {
            path: shown.clone(),
            source,
        }
    };
    let (schema, inner): (SchemaRef, Box<dyn Iterator<Item = _>>) = match format {
        FileFormat::Parquet => {
            let parquet_error = {
                let shown = shown.clone();
                move |source| FileError::Parquet {
                    path: shown.clone(),
                    source,
                }
            };
            // The footer ends the file: its length, then `PAR1`. Checked before the footer
            // is read, since the reader allocates what the length claims.
            if let Some(tail) = read_tail::<8>(&mut file, file_len).map_err(io)?
                && &tail[4..] == b"PAR1"
            {
                let claimed = u32::from_le_bytes([tail[0], tail[1], tail[2], tail[3]]);
                metadata_budget(u64::from(claimed))?;
                // Walked before the reader sees it: some footers cost it seconds to skip
                // through, and its schema builder recurses (see `footer`).
                check_footer(&mut file, file_len, u64::from(claimed), limits, &shown)?;
            }
            let builder = guarded(&shown, || {
                ParquetRecordBatchReaderBuilder::try_new(file).map_err(&parquet_error)
            })?;
            let batch_rows = parquet_batch_rows(builder.parquet_schema().num_columns());
            let builder = builder.with_batch_size(batch_rows);
            check_chunks_inside(builder.metadata(), file_len).map_err(&parquet_error)?;
            // Every page header before the reader sees one: it allocates what a header
            // declares, and some headers cost it seconds to skip (see `pages`).
            let pages = File::open(path).map_err(io)?;
            pages::check_page_headers(pages, file_len, builder.metadata(), limits, &shown)?;
            let schema = builder.schema().clone();
            let reader = builder.build().map_err(&parquet_error)?;
            (
                schema,
                Box::new(reader.map(move |batch| batch.map_err(&arrow_error))),
            )
        }
        FileFormat::ArrowFile | FileFormat::ArrowStream => {
            let mut head = [0u8; 8];
            let head_len = read_up_to(&mut file, &mut head).map_err(io)?;
            let head = &head[..head_len];
            let is_file = head.starts_with(b"ARROW1");
            if is_file {
                // The footer's length and `ARROW1` end the file.
                if let Some(tail) = read_tail::<10>(&mut file, file_len).map_err(io)?
                    && &tail[4..] == b"ARROW1"
                {
                    let claimed = i32::from_le_bytes([tail[0], tail[1], tail[2], tail[3]]);
                    let footer_len = u64::try_from(claimed).unwrap_or(0);
                    metadata_budget(footer_len)?;
                    check_blocks_inside(&mut file, file_len, footer_len)
                        .map_err(io)?
                        .map_err(&arrow_error)?;
                }
            } else {
                // A stream opens with its schema message: a continuation marker and the
                // length, or (before Arrow 0.15) the length alone. A file too short to hold
                // them is still walked: the reader would allocate a length it reads in part.
                let word = |i: usize| {
                    head.get(i..i + 4)
                        .map(|w| i32::from_le_bytes([w[0], w[1], w[2], w[3]]))
                };
                let claimed = match word(0) {
                    Some(-1) => word(4),
                    other => other,
                };
                if let Some(claimed) = claimed {
                    metadata_budget(u64::try_from(claimed).unwrap_or(0))?;
                }
                check_stream_messages(&mut file, file_len, &shown)?;
            }
            file.seek(SeekFrom::Start(0)).map_err(io)?;
            if is_file {
                let reader = guarded(&shown, || {
                    FileReader::try_new_buffered(file, None).map_err(&arrow_error)
                })?;
                let mut declared = IpcDeclared::new(limits, &shown);
                (
                    reader.schema(),
                    Box::new(reader.map(move |batch| declared.check(batch.map_err(&arrow_error)?))),
                )
            } else {
                let reader = guarded(&shown, || {
                    StreamReader::try_new(BufReader::new(file), None).map_err(&arrow_error)
                })?;
                let mut declared = IpcDeclared::new(limits, &shown);
                (
                    reader.schema(),
                    Box::new(reader.map(move |batch| declared.check(batch.map_err(&arrow_error)?))),
                )
            }
        }
    };
    // Nested fields count one by one (a list column and its items are two), the same way for
    // both formats.
    let columns = schema.flattened_fields().len();
    if columns > limits.frame_columns {
        return Err(over(Budget::FrameColumns, limits.frame_columns));
    }
    Ok(Batches {
        schema,
        inner,
        path: shown,
        failed: false,
    })
}

/// The values the record batches of an Arrow IPC file declare, checked batch by batch against
/// [`ReadLimits::frame_chunk_values`] (one column of one batch, its nested arrays counted) and
/// [`ReadLimits::frame_file_values`] (the whole file), the budgets a Parquet file's pages are
/// held to. Every buffer of a batch lies in its body, which lies in the file, but a column of
/// the Null type, a run-end-encoded column or a struct of no field declares any number of
/// rows in no bytes: arrow-ipc builds such a batch in constant time, and only the work after
/// it (a check goes row by row) grows with what it declares. So the check runs as each batch
/// is decoded, before anyone looks at its rows.
struct IpcDeclared {
    chunk_limit: u64,
    file_limit: u64,
    file_values: u64,
    batch: usize,
    shown: String,
}

impl IpcDeclared {
    fn new(limits: &ReadLimits, shown: &str) -> Self {
        IpcDeclared {
            chunk_limit: limits.frame_chunk_values,
            file_limit: limits.frame_file_values,
            file_values: 0,
            batch: 0,
            shown: shown.to_owned(),
        }
    }

    fn check(&mut self, batch: RecordBatch) -> Result<RecordBatch, FileError> {
        for (index, (field, column)) in batch
            .schema_ref()
            .fields()
            .iter()
            .zip(batch.columns())
            .enumerate()
        {
            let values = declared_values(column.as_ref());
            self.file_values = self.file_values.saturating_add(values);
            let over = |budget, limit| {
                Err(FileError::Budget(BudgetExceeded::new(
                    budget,
                    limit,
                    format!(
                        "{}: batch {}, column `{}` (#{index})",
                        self.shown,
                        self.batch,
                        field.name()
                    ),
                )))
            };
            if values > self.chunk_limit {
                return over(Budget::FrameChunkValues, self.chunk_limit);
            }
            if self.file_values > self.file_limit {
                return over(Budget::FrameFileValues, self.file_limit);
            }
        }
        self.batch += 1;
        Ok(batch)
    }
}

/// The length of `array` and of every array nested in it, as an IPC batch's field nodes
/// declare them.
fn declared_values(array: &dyn arrow_array::Array) -> u64 {
    let data = array.to_data();
    let nested: u64 = data
        .child_data()
        .iter()
        .map(|child| declared_values(arrow_array::make_array(child.clone()).as_ref()))
        .fold(0, u64::saturating_add);
    (data.len() as u64).saturating_add(nested)
}

/// The last `N` bytes of the file, or `None` when it is shorter.
fn read_tail<const N: usize>(file: &mut File, file_len: u64) -> std::io::Result<Option<[u8; N]>> {
    if file_len < N as u64 {
        return Ok(None);
    }
    let mut tail = [0u8; N];
    file.seek(SeekFrom::Start(file_len - N as u64))?;
    file.read_exact(&mut tail)?;
    file.seek(SeekFrom::Start(0))?;
    Ok(Some(tail))
}

/// Reads into `buffer` until it is full or the file ends; how many bytes were read.
fn read_up_to(file: &mut File, buffer: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buffer.len() {
        match file.read(&mut buffer[filled..])? {
            0 => break,
            read => filled += read,
        }
    }
    Ok(filled)
}

/// Refuses an Arrow IPC file whose footer lists a block (a record batch or a dictionary) with a
/// negative length or lying past the end of the file: arrow-ipc would allocate what a block
/// claims before finding the bytes missing, or panic on a negative length. The footer is
/// `footer_len` bytes before the last ten; a footer that does not parse is left to the reader,
/// which reports it. The outer result is the I/O.
fn check_blocks_inside(
    file: &mut File,
    file_len: u64,
    footer_len: u64,
) -> std::io::Result<Result<(), ArrowError>> {
    let Some(footer_start) = file_len.checked_sub(10 + footer_len) else {
        return Ok(Ok(()));
    };
    let mut footer = vec![0u8; usize::try_from(footer_len).unwrap_or(usize::MAX)];
    file.seek(SeekFrom::Start(footer_start))?;
    file.read_exact(&mut footer)?;
    file.seek(SeekFrom::Start(0))?;
    let Ok(footer) = arrow_ipc::root_as_footer(&footer) else {
        return Ok(Ok(()));
    };
    let blocks = footer.dictionaries().into_iter().flatten();
    for (index, block) in blocks
        .chain(footer.recordBatches().into_iter().flatten())
        .enumerate()
    {
        let inside = u64::try_from(block.offset())
            .ok()
            .zip(u64::try_from(block.metaDataLength()).ok())
            .zip(u64::try_from(block.bodyLength()).ok())
            .and_then(|((offset, meta), body)| offset.checked_add(meta)?.checked_add(body))
            .is_some_and(|end| end <= footer_start);
        if !inside {
            return Ok(Err(ArrowError::ParseError(format!(
                "block {index} of the footer claims bytes {}..+{}+{}, outside the {file_len}-byte \
                 file",
                block.offset(),
                block.metaDataLength(),
                block.bodyLength()
            ))));
        }
    }
    Ok(Ok(()))
}

/// Walks the Parquet footer of `footer_len` bytes before the last eight (see `footer`). A
/// footer longer than the file is left to the reader, which reports it.
fn check_footer(
    file: &mut File,
    file_len: u64,
    footer_len: u64,
    limits: &ReadLimits,
    shown: &str,
) -> Result<(), FileError> {
    let io = |source| FileError::Io {
        path: shown.to_owned(),
        source,
    };
    let Some(footer_start) = file_len.checked_sub(8 + footer_len) else {
        return Ok(());
    };
    // Within `frame_metadata_bytes`, checked by the caller.
    let mut bytes = vec![0u8; usize::try_from(footer_len).unwrap_or(usize::MAX)];
    file.seek(SeekFrom::Start(footer_start)).map_err(io)?;
    file.read_exact(&mut bytes).map_err(io)?;
    file.seek(SeekFrom::Start(0)).map_err(io)?;
    let mut input = bytes.as_slice();
    let mut reader = thrift::CompactReader {
        input: &mut input,
        read: 0,
        available: footer_len,
        elements_left: footer_len,
        room: "the footer",
    };
    let walked = footer::walk(&mut reader).map_err(|error| match error {
        thrift::ThriftError::Io(source) => io(source),
        thrift::ThriftError::Malformed(why) => FileError::Parquet {
            path: shown.to_owned(),
            source: ParquetError::General(format!(
                "malformed footer at byte {} of {footer_len}: {why}",
                reader.read
            )),
        },
    })?;
    if walked.schema_depth > limits.frame_depth {
        return Err(FileError::Budget(BudgetExceeded::new(
            Budget::FrameDepth,
            limits.frame_depth,
            shown,
        )));
    }
    Ok(())
}

/// Refuses an Arrow IPC stream one of whose messages claims metadata or a body past the end
/// of the file (the schema message's size is checked against
/// [`ReadLimits::frame_metadata_bytes`] before): arrow-ipc zero-fills a buffer of the body
/// length a message declares before reading it, so a few bytes could claim gigabytes. Each message is its length, its metadata (whose
/// `bodyLength` is read here) and its body; the walk seeks from message to message. A message
/// whose metadata does not parse ends the walk: the reader reports it. The file is left
/// wherever the walk stopped; the caller rewinds it for the reader.
fn check_stream_messages(file: &mut File, file_len: u64, shown: &str) -> Result<(), FileError> {
    let io = |source| FileError::Io {
        path: shown.to_owned(),
        source,
    };
    let mut offset = 0u64;
    let mut index = 0;
    // The next little-endian word of the stream, if the file holds one.
    let word = |file: &mut File, offset: &mut u64| -> Result<Option<i32>, FileError> {
        if *offset + 4 > file_len {
            return Ok(None);
        }
        let mut bytes = [0u8; 4];
        file.read_exact(&mut bytes).map_err(io)?;
        *offset += 4;
        Ok(Some(i32::from_le_bytes(bytes)))
    };
    file.seek(SeekFrom::Start(0)).map_err(io)?;
    loop {
        let Some(mut length) = word(file, &mut offset)? else {
            break;
        };
        if length == -1 {
            // The continuation marker (Arrow 0.15 on), then the length.
            let Some(after) = word(file, &mut offset)? else {
                break;
            };
            length = after;
        }
        // Zero ends the stream; a negative length is left to the reader.
        let Ok(metadata_len) = u64::try_from(length) else {
            break;
        };
        if metadata_len == 0 {
            break;
        }
        let beyond = |what: &str, claimed: i64| FileError::Arrow {
            path: shown.to_owned(),
            source: ArrowError::ParseError(format!(
                "message {index} of the stream, at byte {offset}, claims {what} of {claimed} \
                 bytes, beyond the end of the {file_len}-byte file"
            )),
        };
        if offset + metadata_len > file_len {
            return Err(beyond("metadata", i64::from(length)));
        }
        let mut metadata = vec![0u8; usize::try_from(metadata_len).unwrap_or(usize::MAX)];
        file.read_exact(&mut metadata).map_err(io)?;
        let Ok(message) = arrow_ipc::root_as_message(&metadata) else {
            break;
        };
        let body = message.bodyLength();
        let body_end = u64::try_from(body)
            .ok()
            .and_then(|body| (offset + metadata_len).checked_add(body))
            .filter(|&end| end <= file_len);
        let Some(body_end) = body_end else {
            return Err(beyond("a body", body));
        };
        offset = body_end;
        file.seek(SeekFrom::Start(offset)).map_err(io)?;
        index += 1;
    }
    Ok(())
}

/// Refuses column chunks that claim to lie past the end of the file: the reader would
/// allocate what they claim before finding the bytes missing.
fn check_chunks_inside(
    metadata: &::parquet::file::metadata::ParquetMetaData,
    file_len: u64,
) -> Result<(), ParquetError> {
    for (group, row_group) in metadata.row_groups().iter().enumerate() {
        for (index, column) in row_group.columns().iter().enumerate() {
            // What `byte_range` computes, without its assertion that neither is negative.
            let start = column
                .dictionary_page_offset()
                .unwrap_or_else(|| column.data_page_offset());
            let (Ok(start), Ok(length)) = (
                u64::try_from(start),
                u64::try_from(column.compressed_size()),
            ) else {
                return Err(ParquetError::General(format!(
                    "row group {group}, column {index}: the column chunk claims a negative offset \
                     or size"
                )));
            };
            if start.checked_add(length).is_none_or(|end| end > file_len) {
                return Err(ParquetError::General(format!(
                    "row group {group}, column {index}: the column chunk claims bytes {start}..+{length}, past the end of the {file_len}-byte file"
                )));
            }
        }
    }
    Ok(())
}

/// Checks a Parquet or Arrow IPC file against `checker`'s signature, batch by batch: the
/// schema once, then each batch's values, with rows counted from the start of the file.
///
/// A file that cannot be read to the end is an error, not a report.
pub fn check_file(checker: &ArrowChecker, path: &Path) -> Result<Report, FileError> {
    check_file_with(checker, path, &ReadLimits::default())
}

/// [`check_file`] within `limits` (see [`open_with`]).
pub fn check_file_with(
    checker: &ArrowChecker,
    path: &Path,
    limits: &ReadLimits,
) -> Result<Report, FileError> {
    let batches = open_with(path, limits)?;
    let mut run = checker.batches(batches.schema());
    for batch in batches {
        run.check(&batch?);
    }
    Ok(run.finish())
}

/// The schema MLflow's `infer_signature` gives for the whole file's data, read batch by
/// batch: a column is required when no batch has a null in it. A file that repeats a column
/// name is refused ([`FileError::DuplicateColumn`]).
pub fn infer_file(path: &Path) -> Result<Schema, FileError> {
    infer_file_with(path, &ReadLimits::default())
}

/// [`infer_file`] within `limits` (see [`open_with`]).
pub fn infer_file_with(path: &Path, limits: &ReadLimits) -> Result<Schema, FileError> {
    let shown = path.display().to_string();
    let infer_error = |source| FileError::Infer {
        path: shown.clone(),
        source,
    };
    let batches = open_with(path, limits)?;
    let file_schema = batches.schema().clone();
    let mut names = std::collections::HashSet::new();
    if let Some(field) = file_schema
        .fields()
        .iter()
        .find(|field| !names.insert(field.name()))
    {
        return Err(FileError::DuplicateColumn {
            path: shown,
            name: field.name().clone(),
        });
    }
    let mut inferred: Option<Schema> = None;
    for batch in batches {
        let schema = batch?.infer_schema().map_err(infer_error)?;
        inferred = Some(match inferred {
            None => schema,
            Some(so_far) => merge(&so_far, &schema).map_err(infer_error)?,
        });
    }
    match inferred {
        Some(schema) => Ok(schema),
        // No batch at all: the types still come from the schema, every column optional.
        // arrow-array panics making an empty column of a malformed type (a map whose entries
        // are not a key and a value), which only a corrupt file's schema has.
        None => guarded(&shown, || {
            RecordBatch::new_empty(file_schema)
                .infer_schema()
                .map_err(infer_error)
        }),
    }
}

/// Two batches' schemas as one: `required` only where both say so; `any` (a batch of nulls
/// only) gives way to the other side's type.
pub(crate) fn merge(a: &Schema, b: &Schema) -> Result<Schema, InferError> {
    let (Some(a), Some(b)) = (a.columns(), b.columns()) else {
        return Ok(a.clone());
    };
    let columns = a
        .iter()
        .zip(b)
        .map(|(x, y)| {
            let ty = merge_type(x.ty(), y.ty())?;
            let name = x.name().cloned().unwrap_or_else(|| "".into());
            Ok(ColSpec::new(name, ty).with_required(x.required() && y.required()))
        })
        .collect::<Result<Vec<_>, InferError>>()?;
    Ok(Schema::from_columns(columns)?)
}

fn merge_type(a: &ColumnType, b: &ColumnType) -> Result<ColumnType, InferError> {
    Ok(match (a, b) {
        (ColumnType::AnyType, other) | (other, ColumnType::AnyType) => other.clone(),
        (ColumnType::Array(x), ColumnType::Array(y)) => {
            ColumnType::Array(crate::types::Array::new(merge_type(x.items(), y.items())?))
        }
        (ColumnType::Map(x), ColumnType::Map(y)) => {
            ColumnType::Map(crate::types::Map::new(merge_type(x.values(), y.values())?))
        }
        (ColumnType::Object(x), ColumnType::Object(y)) => {
            let mut properties = Vec::with_capacity(x.properties().len());
            for p in x.properties() {
                let property = match y.property(p.name()) {
                    Some(q) => Property::new(p.name(), merge_type(p.dtype(), q.dtype())?)
                        .with_required(p.required() && q.required()),
                    None => p.clone().optional(),
                };
                properties.push(property);
            }
            for q in y.properties() {
                if x.property(q.name()).is_none() {
                    properties.push(q.clone().optional());
                }
            }
            ColumnType::Object(Object::new(properties)?)
        }
        (a, _) => a.clone(),
    })
}
