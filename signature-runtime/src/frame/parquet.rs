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
//! Parquet files may be uncompressed or Snappy-compressed (pandas' and pyarrow's default);
//! Arrow IPC files and streams uncompressed.

use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::Path;

use ::parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use ::parquet::errors::ParquetError;
use arrow_array::RecordBatch;
use arrow_ipc::reader::{FileReader, StreamReader};
use arrow_schema::{ArrowError, SchemaRef};

use crate::frame::{InferError, InferSchema};
use crate::report::Report;
use crate::types::{ColSpec, ColumnType, Object, Property, Schema};

use super::ArrowChecker;

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
}

/// Why a file could not be read to the end.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FileError {
    /// Opening or reading the file failed.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// Not a Parquet file, or one this build cannot read (a codec other than Snappy).
    #[error("cannot read Parquet file {path}: {source}")]
    Parquet {
        /// The file.
        path: String,
        /// Why.
        source: ParquetError,
    },
    /// Not an Arrow IPC file, or a corrupt batch.
    #[error("cannot read Arrow data in {path}: {source}")]
    Arrow {
        /// The file.
        path: String,
        /// Why.
        source: ArrowError,
    },
    /// A file name whose extension is none of the known ones.
    #[error(
        "{path}: unknown file type (expected .parquet, .pq, .arrow, .feather, .ipc or .arrows)"
    )]
    UnknownFormat {
        /// The file.
        path: String,
    },
    /// The file's data has no MLflow schema (for [`infer_file`]).
    #[error("{path}: {source}")]
    Infer {
        /// The file.
        path: String,
        /// Why.
        source: InferError,
    },
}

/// The record batches of a file, one at a time.
pub struct Batches {
    schema: SchemaRef,
    inner: Box<dyn Iterator<Item = Result<RecordBatch, FileError>>>,
}

impl Batches {
    /// The file's Arrow schema (from its footer or first message: no data is read).
    pub fn schema(&self) -> &SchemaRef {
        &self.schema
    }
}

impl std::fmt::Debug for Batches {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Batches")
            .field("schema", &self.schema)
            .finish_non_exhaustive()
    }
}

impl Iterator for Batches {
    type Item = Result<RecordBatch, FileError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.inner.next()
    }
}

/// Opens a Parquet or Arrow IPC file (the kind from its extension, see
/// [`FileFormat::from_path`]) for reading batch by batch.
pub fn open(path: &Path) -> Result<Batches, FileError> {
    let shown = path.display().to_string();
    let format = FileFormat::from_path(path).ok_or_else(|| FileError::UnknownFormat {
        path: shown.clone(),
    })?;
    let io = |source| FileError::Io {
        path: shown.clone(),
        source,
    };
    let mut file = File::open(path).map_err(io)?;
    let arrow_error = {
        let shown = shown.clone();
        move |source| FileError::Arrow {
            path: shown.clone(),
            source,
        }
    };
    match format {
        FileFormat::Parquet => {
            let parquet_error = {
                let shown = shown.clone();
                move |source| FileError::Parquet {
                    path: shown.clone(),
                    source,
                }
            };
            let builder = ParquetRecordBatchReaderBuilder::try_new(file).map_err(&parquet_error)?;
            let batch_rows = parquet_batch_rows(builder.parquet_schema().num_columns());
            let builder = builder.with_batch_size(batch_rows);
            let schema = builder.schema().clone();
            let reader = builder.build().map_err(&parquet_error)?;
            // A codec not compiled in shows up only when a batch is read, as an Arrow error
            // wrapping the Parquet one.
            let inner = reader.map(move |batch| batch.map_err(&arrow_error));
            Ok(Batches {
                schema,
                inner: Box::new(inner),
            })
        }
        FileFormat::ArrowFile | FileFormat::ArrowStream => {
            let mut magic = [0u8; 6];
            let is_file = file.read_exact(&mut magic).is_ok() && &magic == b"ARROW1";
            file.seek(SeekFrom::Start(0)).map_err(io)?;
            if is_file {
                let reader = FileReader::try_new_buffered(file, None).map_err(&arrow_error)?;
                let schema = reader.schema();
                let inner = reader.map(move |batch| batch.map_err(&arrow_error));
                Ok(Batches {
                    schema,
                    inner: Box::new(inner),
                })
            } else {
                let reader =
                    StreamReader::try_new(BufReader::new(file), None).map_err(&arrow_error)?;
                let schema = reader.schema();
                let inner = reader.map(move |batch| batch.map_err(&arrow_error));
                Ok(Batches {
                    schema,
                    inner: Box::new(inner),
                })
            }
        }
    }
}

/// Checks a Parquet or Arrow IPC file against `checker`'s signature, batch by batch: the
/// schema once, then each batch's values, with rows counted from the start of the file.
///
/// A file that cannot be read to the end is an error, not a report.
pub fn check_file(checker: &ArrowChecker, path: &Path) -> Result<Report, FileError> {
    let batches = open(path)?;
    let mut run = checker.batches(batches.schema());
    for batch in batches {
        run.check(&batch?);
    }
    Ok(run.finish())
}

/// The schema MLflow's `infer_signature` gives for the whole file's data, read batch by
/// batch: a column is required when no batch has a null in it.
pub fn infer_file(path: &Path) -> Result<Schema, FileError> {
    let shown = path.display().to_string();
    let infer_error = |source| FileError::Infer {
        path: shown.clone(),
        source,
    };
    let mut inferred: Option<Schema> = None;
    for batch in open(path)? {
        let schema = batch?.infer_schema().map_err(infer_error)?;
        inferred = Some(match inferred {
            None => schema,
            Some(so_far) => merge(&so_far, &schema).map_err(infer_error)?,
        });
    }
    match inferred {
        Some(schema) => Ok(schema),
        // No batch at all: the types still come from the schema, every column optional.
        None => {
            let batches = open(path)?;
            let empty = RecordBatch::new_empty(batches.schema().clone());
            empty.infer_schema().map_err(infer_error)
        }
    }
}

/// Two batches' schemas as one: `required` only where both say so; `any` (a batch of nulls
/// only) gives way to the other side's type.
fn merge(a: &Schema, b: &Schema) -> Result<Schema, InferError> {
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
