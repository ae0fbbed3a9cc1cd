//! Checking columnar data against a signature: Arrow `RecordBatch`es (feature `arrow`) and
//! Parquet and Arrow IPC files (feature `parquet`), natively and without pandas.
//!
//! ```
//! # use std::sync::Arc;
//! use signature_runtime::frame::arrow_array::{Int32Array, RecordBatch, StringArray};
//! use signature_runtime::frame::arrow_schema::DataType as ArrowType;
//! use signature_runtime::frame::ArrowChecker;
//! use signature_runtime::{ColSpec, DataType, Schema};
//!
//! let schema = Schema::from_columns(vec![
//!     ColSpec::new("sqft", DataType::Long),
//!     ColSpec::new("city", DataType::String),
//! ])?;
//! let batch = RecordBatch::try_from_iter([
//!     ("city", Arc::new(StringArray::from(vec!["Salem", "Madison"])) as _),
//!     ("sqft", Arc::new(Int32Array::from(vec![1200, 950])) as _),
//! ])?;
//! let checker = ArrowChecker::for_schema(&schema);
//! assert!(checker.check(&batch).is_valid());
//!
//! // Columns in the signature's order, `sqft` widened to Int64, `city` not copied.
//! let conformed = checker.conform(&batch).map_err(|r| r.to_string())?;
//! assert_eq!(conformed.batch.schema().field(0).name(), "sqft");
//! assert_eq!(conformed.batch.column(0).data_type(), &ArrowType::Int64);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The report is the same [`Report`](crate::report::Report) as for JSON bodies, with the same
//! codes, [`CheckOptions`](crate::CheckOptions), modes and extra-column policy.
//! Locations are pointers `/<column>/<row>` (`/price/17`: row 17 of column `price`); a problem
//! about a whole column points at `/<column>`. Rows count from the start of the input, across
//! batches when a file is checked batch by batch.
//!
#![doc = include_str!("../../docs/frame-rules.md")]
//!
//! # Nulls
//!
//! Nulls are read from validity bitmaps, never from values. As for JSON bodies in
//! `Strict` mode, a null is accepted only in an optional column (`required: false`) or an
//! optional object property; array items, map values and tensors never hold nulls. A column
//! with nulls where none are allowed gets one `null_not_allowed` error that counts them and
//! lists the first rows.
//!
//! # Tensors
//!
//! A named tensor is a column whose rows are the tensor's rows: a scalar column for shapes
//! `(-1,)` and `(-1, 1)`, nested FixedSizeLists (or variable lists, checked row by row) for
//! `(-1, d1, d2, …)`. The first dimension must be `-1`, as MLflow requires for data frames; a
//! FixedSizeList must have exactly the size of its dimension (any size for `-1`, the same for
//! every row). Element types must equal the dtype or widen to it without loss (Int32 for
//! `int64`, Float32 for `float64`); `object` accepts anything (in the MLflow modes only at
//! shape `(-1,)`, as MLflow: other shapes are checked as for any dtype). A single unnamed
//! tensor takes the one column, or, with shape `(-1, n)`, the first `n` scalar columns.
//!
//! # Cost
//!
//! Matching a schema is `O(columns)` and independent of the number of rows. Checking a batch
//! then reads only the validity bitmaps, except for the conversions whose values must be
//! looked at (UInt64, timestamp units, variable-length tensor rows), which read one column
//! each. Conforming copies only the columns that change type: every other column is the same
//! buffers, shared.

/// What every engine's checker has alike: its constructors, its options and its schema-only
/// check. `$checker` has fields `schema: Option<Schema>` and `options: CheckOptions`;
/// `$schema` is the engine's schema type; the engine's module has its `plan::plan`.
#[cfg(any(feature = "arrow", feature = "polars"))]
macro_rules! checker_setup {
    ($checker:ident, $schema:ty) => {
        impl $checker {
            /// A checker for a model signature's inputs. A signature without inputs checks
            /// nothing, as MLflow does.
            pub fn for_signature(signature: &crate::types::ModelSignature) -> Self {
                $checker {
                    schema: signature.inputs().cloned(),
                    options: crate::CheckOptions::default(),
                }
            }

            /// A checker for an input schema.
            pub fn for_schema(schema: &crate::types::Schema) -> Self {
                $checker {
                    schema: Some(schema.clone()),
                    options: crate::CheckOptions::default(),
                }
            }

            /// The same checker with other options.
            #[must_use]
            pub fn with_options(mut self, options: crate::CheckOptions) -> Self {
                self.options = options;
                self
            }

            /// The options.
            pub fn options(&self) -> &crate::CheckOptions {
                &self.options
            }

            /// Checks only the schema: names, types, shapes, extra columns. `O(columns)`,
            /// whatever the number of rows; the values (nulls, ranges) are not looked at.
            // `plan::plan` is the calling engine's own planner entry.
            pub fn check_schema(&self, schema: &$schema) -> crate::report::Report {
                let mut collector = crate::report::Collector::new(self.options.max_problems());
                plan::plan(self.schema.as_ref(), schema, &self.options, &mut |p| {
                    collector.add(p)
                });
                collector.finish(None)
            }
        }
    };
}

#[cfg(feature = "arrow")]
pub mod arrow;
#[cfg(feature = "ballista")]
pub mod ballista;
#[cfg(feature = "datafusion")]
pub mod datafusion;
mod pandas;
#[cfg(feature = "parquet")]
pub mod parquet;
mod plan;
#[cfg(feature = "polars")]
pub mod polars;
#[cfg(test)]
mod scenarios;

/// The Ballista crate [`ballista`](mod@ballista) works with (its `SessionContextExt` makes
/// the sessions), re-exported so callers use the same version.
#[cfg(feature = "ballista")]
pub use ::ballista as ballista_crate;
/// The DataFusion crate [`datafusion`](mod@datafusion) works with, re-exported so callers use
/// the same version (and so the same arrow).
#[cfg(feature = "datafusion")]
pub use ::datafusion as datafusion_crate;
/// The datafusion-proto crate whose codec traits [`ballista`](mod@ballista) implements.
#[cfg(feature = "ballista")]
pub use ::datafusion_proto as datafusion_proto_crate;
/// The parquet crate the file checks read with.
#[cfg(feature = "parquet")]
pub use ::parquet as parquet_crate;
/// The polars-core crate [`polars`](mod@polars) works with, re-exported so callers use the same
/// version.
#[cfg(feature = "polars")]
pub use ::polars_core;
#[cfg(feature = "arrow")]
pub use arrow::{ArrowChecker, BatchCheck, Conformed, arrow_type};
#[cfg(feature = "polars")]
pub use polars::{Conformed as PolarsConformed, PolarsChecker, polars_type};
/// The arrow-rs crates this module works with, re-exported so callers use the same versions.
#[cfg(feature = "arrow")]
pub use {arrow_array, arrow_schema};

use std::fmt::{self, Write as _};

use crate::ExtraColumns;
use crate::report::{Problem, ProblemKind, Severity};
use crate::types::{DataType, Schema, SchemaError};

/// Why a schema could not be inferred from data.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum InferError {
    /// A column whose type has no MLflow equivalent (MLflow refuses the same data).
    #[error("column `{column}` has type {found}, which no MLflow type represents")]
    Unsupported {
        /// The column, with the nested field when the type is inside (`items[].price`).
        column: String,
        /// The frame library's name of the type.
        found: String,
    },
    /// The columns do not make a valid schema (no columns at all).
    #[error(transparent)]
    Schema(#[from] SchemaError),
}

/// Data a [`Schema`] can be inferred from, as MLflow's `infer_signature` infers one.
pub trait InferSchema {
    /// The schema MLflow's `infer_signature` gives for the same data.
    fn infer_schema(&self) -> Result<Schema, InferError>;
}

impl Schema {
    /// The schema MLflow's `infer_signature` gives for the same data: one column per column,
    /// `required` when it holds no null (nor NaN), types as in the [module docs](crate::frame).
    pub fn infer<D: InferSchema + ?Sized>(data: &D) -> Result<Schema, InferError> {
        data.infer_schema()
    }
}

/// A place inside a column's type: `items[].price`, `tags{}`.
#[derive(Clone, Debug, Default)]
pub(crate) struct FieldPath(String);

impl FieldPath {
    pub(crate) fn item(&self) -> FieldPath {
        FieldPath(format!("{}[]", self.0))
    }

    pub(crate) fn value(&self) -> FieldPath {
        FieldPath(format!("{}{{}}", self.0))
    }

    pub(crate) fn property(&self, name: &str) -> FieldPath {
        FieldPath(format!("{}.{name}", self.0))
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `column` followed by the path: `items[].price`.
    pub(crate) fn within(&self, column: &str) -> String {
        format!("{column}{}", self.0)
    }
}

/// A JSON pointer segment, escaped (RFC 6901).
pub(crate) fn segment(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}

/// `/<column>` or `/<column>/<row>`.
pub(crate) fn pointer(column: &str, row: Option<u64>) -> String {
    let mut pointer = format!("/{}", segment(column));
    if let Some(row) = row {
        let _ = write!(pointer, "/{row}");
    }
    pointer
}

/// What a column or field is called in messages: `column `x``, `field `x[].y``.
fn subject(column: &str, path: &FieldPath) -> String {
    if path.is_empty() {
        format!("column `{column}`")
    } else {
        format!("`{}`", path.within(column))
    }
}

/// The shared wording of every problem a frame check reports.
pub(crate) mod problems {
    use super::*;

    pub(crate) fn missing_column(column: &str, tensor: bool) -> Problem {
        let what = if tensor { "tensor" } else { "column" };
        Problem::new(
            ProblemKind::MissingColumn,
            Severity::Error,
            pointer(column, None),
            format!("missing required {what} `{column}`"),
        )
        .with_column(column)
    }

    pub(crate) fn missing_position(position: usize, declared: usize, found: usize) -> Problem {
        Problem::new(
            ProblemKind::MissingColumn,
            Severity::Error,
            format!("/{position}"),
            format!("missing input {position}: the signature declares {declared} unnamed inputs, the data has {found} columns"),
        )
        .with_column(position.to_string())
        .with_note("the signature's inputs are not named, so columns are matched by position")
    }

    pub(crate) fn extra_column(column: &str, policy: ExtraColumns) -> Problem {
        let (severity, message, note) = match policy {
            ExtraColumns::Ignore => (
                Severity::Warning,
                format!("column `{column}` is not in the signature; it is ignored"),
                "MLflow drops columns its signature does not declare; conforming drops it too",
            ),
            ExtraColumns::Reject => (
                Severity::Error,
                format!("column `{column}` is not in the signature"),
                "extra columns are rejected by this check's options",
            ),
        };
        Problem::new(
            ProblemKind::ExtraColumn,
            severity,
            pointer(column, None),
            message,
        )
        .with_column(column)
        .with_note(note)
    }

    pub(crate) fn duplicate_column(column: &str) -> Problem {
        Problem::new(
            ProblemKind::DuplicateKey,
            Severity::Error,
            pointer(column, None),
            format!("column `{column}` appears more than once"),
        )
        .with_column(column)
    }

    pub(crate) fn wrong_type(
        column: &str,
        path: &FieldPath,
        expected: &str,
        found: &str,
        note: Option<&str>,
    ) -> Problem {
        let mut problem = Problem::new(
            ProblemKind::WrongType,
            Severity::Error,
            pointer(column, None),
            format!(
                "{} has type {found}, which is not {expected}",
                subject(column, path)
            ),
        )
        .with_column(column)
        .with_expected(expected)
        .with_found(found);
        if let Some(note) = note {
            problem = problem.with_note(note);
        }
        problem
    }

    /// A timezone-aware timestamp column taken as `datetime`: the instants are kept, in UTC,
    /// and the timezone is dropped, which a reader of the conformed column should know.
    pub(crate) fn timezone_dropped(
        column: &str,
        path: &FieldPath,
        found: &dyn fmt::Display,
    ) -> Problem {
        let message = format!(
            "{} has type {found}; its timestamps are taken as `datetime` in UTC, and the \
             timezone is dropped",
            subject(column, path)
        );
        value_changed(column, message, "datetime".to_owned(), found).with_note(
            "MLflow's `datetime` is timezone-naive; conforming keeps each instant and gives it \
             as naive UTC time",
        )
    }

    /// A scalar column MLflow refuses in the MLflow modes; `has_nulls` because nulls change
    /// the pandas dtype MLflow decides by.
    pub(crate) fn mlflow_refuses(
        column: &str,
        path: &FieldPath,
        expected: DataType,
        found: &dyn fmt::Display,
        has_nulls: bool,
        note: Option<&str>,
    ) -> Problem {
        let found = if has_nulls {
            format!("{found} with nulls")
        } else {
            found.to_string()
        };
        wrong_type(column, path, &expected.to_string(), &found, note)
    }

    /// A scalar column MLflow accepts in the MLflow modes but changes, or passes on unchecked.
    pub(crate) fn mlflow_changes(
        column: &str,
        path: &FieldPath,
        expected: DataType,
        found: &dyn fmt::Display,
        what: &str,
    ) -> Problem {
        let message = format!(
            "{} has type {found}, which MLflow accepts as `{expected}`, but {what}",
            subject(column, path)
        );
        value_changed(column, message, expected.to_string(), found)
    }

    fn value_changed(
        column: &str,
        message: String,
        expected: String,
        found: &dyn fmt::Display,
    ) -> Problem {
        Problem::new(
            ProblemKind::ValueChanged,
            Severity::Warning,
            pointer(column, None),
            message,
        )
        .with_column(column)
        .with_expected(expected)
        .with_found(found.to_string())
    }

    /// A column taken as a tensor in the MLflow modes whose values MLflow changes or passes
    /// on unchecked: `what` says which.
    pub(crate) fn tensor_changed(
        column: &str,
        dtype: &crate::types::NumpyDtype,
        found: &dyn fmt::Display,
        what: &str,
    ) -> Problem {
        let message = format!(
            "column `{column}` has type {found}, which MLflow takes as a tensor of dtype {}, \
             but {what}",
            dtype.name()
        );
        value_changed(column, message, dtype.name(), found)
    }

    /// What an int64 column taken as `float` or `double` becomes (MLflow's 0/1 rule).
    pub(crate) const ZERO_OR_ONE_CAST: &str = "MLflow casts its integers, all 0 or 1, to floats";
    /// Why an int64 column with other values is refused for `float` or `double`.
    pub(crate) const NOT_ZERO_OR_ONE: &str = "values other than 0 and 1 (MLflow takes an int64 \
         column as `float` or `double` only when every value is 0 or 1)";

    pub(crate) fn missing_property(column: &str, path: &FieldPath, property: &str) -> Problem {
        Problem::new(
            ProblemKind::MissingProperty,
            Severity::Error,
            pointer(column, None),
            format!(
                "{} has no field `{property}`, a required property",
                subject(column, path)
            ),
        )
        .with_column(column)
    }

    pub(crate) fn unknown_property(column: &str, path: &FieldPath, property: &str) -> Problem {
        Problem::new(
            ProblemKind::UnknownProperty,
            Severity::Error,
            pointer(column, None),
            format!(
                "{} has a field `{property}` that the object type does not declare",
                subject(column, path)
            ),
        )
        .with_column(column)
        .with_note("MLflow rejects object keys its signature does not declare")
    }

    pub(crate) fn tensor_shape(column: &str, path: &FieldPath, why: String) -> Problem {
        Problem::new(
            ProblemKind::TensorShape,
            Severity::Error,
            pointer(column, None),
            format!("{}: {why}", subject(column, path)),
        )
        .with_column(column)
    }

    /// One problem for `count` offending values of a column, the first at `rows[0]`.
    pub(crate) fn in_rows(
        kind: ProblemKind,
        column: &str,
        path: &FieldPath,
        count: u64,
        rows: &[u64],
        what: &str,
    ) -> Problem {
        let first = rows.first().copied();
        let mut listed = rows
            .iter()
            .map(u64::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        if count > rows.len() as u64 {
            listed.push_str(", …");
        }
        let plural = if rows.len() == 1 { "row" } else { "rows" };
        let mut problem = Problem::new(
            kind,
            Severity::Error,
            pointer(column, first),
            format!(
                "{} has {count} {what} ({plural} {listed})",
                subject(column, path)
            ),
        )
        .with_column(column);
        if let Some(first) = first {
            problem = problem.with_row(first);
        }
        problem
    }

    pub(crate) fn nulls(column: &str, path: &FieldPath, count: u64, rows: &[u64]) -> Problem {
        let what = if count == 1 { "null" } else { "nulls" };
        let note = if path.is_empty() {
            "a required column holds no nulls; declare it `required: false` to allow them"
        } else {
            "array items, map values, tensors and required properties hold no nulls"
        };
        in_rows(ProblemKind::NullNotAllowed, column, path, count, rows, what)
            .with_expected("no nulls")
            .with_note(note)
    }
}

/// How many offending rows a problem lists.
pub(crate) const ROWS_LISTED: usize = 5;
