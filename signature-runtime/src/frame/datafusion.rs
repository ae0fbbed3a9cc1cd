//! Datasets through DataFusion (feature `datafusion`): a [`DataFrame`] or a registered table
//! checked as part of its plan, over every partition at once, into one report; conforming as
//! a projection of the plan; and a SQL function giving each row's errors.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use signature_runtime::frame::ArrowChecker;
//! use signature_runtime::frame::datafusion::{check_dataframe, row_errors_udf};
//! use signature_runtime::frame::datafusion_crate::prelude::*;
//! # let schema = signature_runtime::Schema::from_columns(vec![
//! #     signature_runtime::ColSpec::new("sqft", signature_runtime::DataType::Long)])?;
//!
//! let checker = ArrowChecker::for_schema(&schema);
//! let ctx = SessionContext::new();
//! let frame = ctx.read_parquet("data/", ParquetReadOptions::default()).await?;
//! let report = check_dataframe(&checker, frame).await?;
//! println!("{report}");
//!
//! // The rows that fail, in SQL: `row_errors(sqft)` is null for a row without errors.
//! ctx.register_udf(row_errors_udf(&checker, "row_errors")?);
//! ctx.register_parquet("houses", "data/", ParquetReadOptions::default()).await?;
//! let bad = ctx.sql("SELECT * FROM houses WHERE row_errors(sqft) IS NOT NULL").await?;
//! # Ok(())
//! # }
//! ```
//!
//! # The merged report
//!
//! Each partition's batches go through the [`ArrowChecker`] (the same rules, the same
//! problems) on its own task, so partitions are checked in parallel as DataFusion produces
//! them. The report is then the one a single [`ArrowChecker::batches`] run gives over every
//! batch in data order (partition 0 first): the counts are exact, the problems listed are the
//! first in data order, and rows count from the start of the data. To get there without a
//! second read, a partition keeps the batches whose problems may be listed (until it has found
//! [`CheckOptions::max_problems`](crate::CheckOptions::max_problems) problems of its own) and
//! only counts the rest; the merge checks the kept batches again at their final row offset.
//! So memory holds the batches in flight plus at most `max_problems` batches per partition,
//! and none at all for data without problems.
//!
//! The data order is the order the plan gives. For a scan of files, DataFusion's default lets a
//! partition take files from the others as it goes (`enable_file_stream_work_stealing`), so
//! which rows come first may change from run to run (the counts do not). With that option off,
//! partition 0 reads the first files in path order, partition 1 the next ones, and the rows are
//! the files' rows end to end, as `mlsig` reads datasets:
//!
//! ```
//! # use signature_runtime::frame::datafusion_crate::prelude::*;
//! let mut config = SessionConfig::new();
//! config.options_mut().execution.enable_file_stream_work_stealing = false;
//! let ctx = SessionContext::new_with_config(config);
//! ```
//!
//! A multi-batch input is checked batch by batch, as [`ArrowChecker::batches`] checks a file:
//! a problem found in several batches is reported once per batch, and in the MLflow modes
//! (which decide a column by whether the batch has nulls) a refused column once per batch.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use ::datafusion::arrow::array::{Array, ArrayRef, StringBuilder};
use ::datafusion::arrow::datatypes::{DataType as ArrowType, Field, Schema as ArrowSchema};
use ::datafusion::arrow::record_batch::RecordBatch;
use ::datafusion::common::{exec_err, plan_err};
use ::datafusion::dataframe::DataFrame;
use ::datafusion::error::DataFusionError;
use ::datafusion::execution::SendableRecordBatchStream;
use ::datafusion::logical_expr::{
    ColumnarValue, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility,
};
use ::datafusion::prelude::{SessionContext, ident};
use futures::StreamExt as _;

use crate::ExtraColumns;
use crate::frame::InferSchema as _;
use crate::frame::parquet::merge;
use crate::report::Report;
use crate::types::Schema;

use super::ArrowChecker;

/// Checks every row of `frame` against `checker`'s signature, executing the frame's plan with
/// one task per output partition. See the [module docs](self) for how the partitions' problems
/// become one report.
///
/// Runs on the Tokio runtime DataFusion itself runs on (it spawns one task per partition).
/// An error is DataFusion's: the plan could not be built or executed (a file unreadable, a
/// task that panicked).
pub async fn check_dataframe(
    checker: &ArrowChecker,
    frame: DataFrame,
) -> Result<Report, DataFusionError> {
    check_dataframe_with_progress(checker, frame, Arc::new(|_| {})).await
}

/// Checks the table registered as `table` in `ctx`; see [`check_dataframe`].
pub async fn check_table(
    checker: &ArrowChecker,
    ctx: &SessionContext,
    table: &str,
) -> Result<Report, DataFusionError> {
    check_dataframe(checker, ctx.table(table).await?).await
}

/// Called with the number of rows of each batch once it is checked, from any partition's task:
/// for progress bars.
pub type Progress = Arc<dyn Fn(u64) + Send + Sync>;

/// [`check_dataframe`], calling `progress` after each batch.
pub async fn check_dataframe_with_progress(
    checker: &ArrowChecker,
    frame: DataFrame,
    progress: Progress,
) -> Result<Report, DataFusionError> {
    check_dataframes_with_progress(checker, vec![frame], progress).await
}

/// Checks several frames as one dataset, the rows of each after those of the one before it:
/// one report, rows counted from the start of the first frame. Every frame is executed at
/// once, each partition of each on its own task. The frames must have the same columns.
///
/// Where a frame is one job whose partitions come back in the order they finish (Ballista, see
/// `frame::ballista` with the feature `ballista`), a frame per file (or per group of files read
/// as one partition) keeps the data order the files' order.
pub async fn check_dataframes(
    checker: &ArrowChecker,
    frames: Vec<DataFrame>,
) -> Result<Report, DataFusionError> {
    check_dataframes_with_progress(checker, frames, Arc::new(|_| {})).await
}

/// [`check_dataframes`], calling `progress` after each batch.
pub async fn check_dataframes_with_progress(
    checker: &ArrowChecker,
    frames: Vec<DataFrame>,
    progress: Progress,
) -> Result<Report, DataFusionError> {
    let Some(first) = frames.first() else {
        return plan_err!("no data frame to check");
    };
    let logical = Arc::new(first.schema().as_arrow().clone());
    // Names and types: files of one dataset may differ in what their writers marked nullable.
    let columns = |schema: &ArrowSchema| -> Vec<(String, ArrowType)> {
        schema
            .fields()
            .iter()
            .map(|field| (field.name().clone(), field.data_type().clone()))
            .collect()
    };
    let mut streams = Vec::new();
    for frame in frames {
        if columns(frame.schema().as_arrow()) != columns(&logical) {
            return plan_err!(
                "the data frames checked as one have different columns: {} and {}",
                logical,
                frame.schema().as_arrow()
            );
        }
        streams.extend(frame.execute_stream_partitioned().await?);
    }
    // The physical plan's schema, which every batch has; the DataFrame's logical schema may
    // differ from it in nullability only, which would make the checker match it again.
    let Some(schema) = streams.first().map(|stream| stream.schema()) else {
        // No partition, so no rows: the schema is still checked.
        return Ok(checker.batches(&logical).finish());
    };
    let tasks = streams.into_iter().map(|stream| {
        let checker = checker.clone();
        let progress = Arc::clone(&progress);
        tokio::spawn(async move { check_partition(&checker, stream, &*progress).await })
    });
    let mut partitions = Vec::new();
    for task in tasks.collect::<Vec<_>>() {
        partitions.push(task.await.map_err(|error| {
            DataFusionError::Execution(format!("a partition's check did not finish: {error}"))
        })??);
    }
    let mut merged = checker.batches(&schema);
    for partition in partitions {
        for segment in partition.segments {
            match segment {
                Segment::Skip(rows) => merged.skip_rows(rows),
                Segment::Listed(batch) => {
                    merged.check(&batch);
                }
            }
        }
        merged.count_unlisted(partition.unlisted_errors, partition.unlisted_warnings);
    }
    Ok(merged.finish())
}

/// One partition's batches, in order, as the merge needs them.
enum Segment {
    /// Rows whose problems are not listed: none, or only counted.
    Skip(u64),
    /// A batch whose problems may be listed, checked again at its final row offset.
    Listed(RecordBatch),
}

struct PartitionCheck {
    segments: Vec<Segment>,
    /// Problems of the batches not kept (the partition had listed enough before them).
    unlisted_errors: u64,
    unlisted_warnings: u64,
}

async fn check_partition(
    checker: &ArrowChecker,
    mut stream: SendableRecordBatchStream,
    progress: &(dyn Fn(u64) + Send + Sync),
) -> Result<PartitionCheck, DataFusionError> {
    let mut run = checker.batches(&stream.schema());
    // The schema's own problems are the merge's to report, once.
    let (mut errors, mut warnings) = run.problem_counts();
    let mut listed = 0u64;
    let cap = checker.options().max_problems() as u64;
    let mut partition = PartitionCheck {
        segments: Vec::new(),
        unlisted_errors: 0,
        unlisted_warnings: 0,
    };
    while let Some(batch) = stream.next().await {
        let batch = batch?;
        let rows = batch.num_rows() as u64;
        run.check(&batch);
        let (now_errors, now_warnings) = run.problem_counts();
        let (new_errors, new_warnings) = (now_errors - errors, now_warnings - warnings);
        (errors, warnings) = (now_errors, now_warnings);
        if new_errors + new_warnings == 0 {
            push_skip(&mut partition.segments, rows);
        } else if listed < cap {
            listed += new_errors + new_warnings;
            partition.segments.push(Segment::Listed(batch));
        } else {
            push_skip(&mut partition.segments, rows);
            partition.unlisted_errors += new_errors;
            partition.unlisted_warnings += new_warnings;
        }
        progress(rows);
    }
    Ok(partition)
}

fn push_skip(segments: &mut Vec<Segment>, rows: u64) {
    if let Some(Segment::Skip(before)) = segments.last_mut() {
        *before += rows;
    } else {
        segments.push(Segment::Skip(rows));
    }
}

/// The schema MLflow's `infer_signature` gives for all of `frame`'s data: a column is required
/// when no batch of any partition holds a null in it. Partitions are read in parallel.
pub async fn infer_dataframe(frame: DataFrame) -> Result<Schema, DataFusionError> {
    let streams = frame.execute_stream_partitioned().await?;
    let Some(schema) = streams.first().map(|stream| stream.schema()) else {
        return plan_err!("the data frame has no partitions to infer a schema from");
    };
    let tasks = streams.into_iter().map(|mut stream| {
        tokio::spawn(async move {
            let mut inferred: Option<Schema> = None;
            while let Some(batch) = stream.next().await {
                let schema = batch?.infer_schema().map_err(external)?;
                inferred = Some(match inferred {
                    None => schema,
                    Some(so_far) => merge(&so_far, &schema).map_err(external)?,
                });
            }
            Ok::<_, DataFusionError>(inferred)
        })
    });
    let mut inferred: Option<Schema> = None;
    for task in tasks.collect::<Vec<_>>() {
        let partition = task.await.map_err(|error| {
            DataFusionError::Execution(format!("a partition's inference did not finish: {error}"))
        })??;
        inferred = match (inferred, partition) {
            (None, other) | (other, None) => other,
            (Some(so_far), Some(schema)) => Some(merge(&so_far, &schema).map_err(external)?),
        };
    }
    match inferred {
        Some(schema) => Ok(schema),
        // No rows at all: the types still come from the schema, every column optional.
        None => RecordBatch::new_empty(schema)
            .infer_schema()
            .map_err(external),
    }
}

fn external(error: impl std::error::Error + Send + Sync + 'static) -> DataFusionError {
    DataFusionError::External(Box::new(error))
}

/// A frame conformed to the signature, lazily: [`conform_dataframe`].
#[derive(Debug)]
pub struct ConformedFrame {
    /// The signature's columns, in its order, of its types: a projection over the input's
    /// plan. Executing it fails on the first batch whose values do not conform.
    pub frame: DataFrame,
    /// The check of the input's schema: valid, possibly with warnings (extra columns dropped,
    /// values MLflow changes).
    pub report: Report,
}

/// Why a frame cannot be conformed as a plan step.
#[derive(Debug)]
#[non_exhaustive]
pub enum ConformError {
    /// The frame's schema does not match the signature: the report says where.
    Schema(Report),
    /// The signature's inputs are not named (matched by position), or it has none: a
    /// projection needs names.
    Unnamed,
    /// DataFusion refused the projection.
    DataFusion(DataFusionError),
}

impl fmt::Display for ConformError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConformError::Schema(report) => write!(f, "cannot conform the data frame: {report}"),
            ConformError::Unnamed => f.write_str(
                "cannot conform the data frame: the signature's inputs have no names (or there \
                 are none), and a projection selects columns by name",
            ),
            ConformError::DataFusion(error) => {
                write!(f, "cannot conform the data frame: {error}")
            }
        }
    }
}

/// Each message includes its cause, so none is returned again as a source.
impl std::error::Error for ConformError {}

/// Conforms `frame` to `checker`'s signature as a step of its plan: a projection giving the
/// signature's columns in its order, each through a function that applies the checker's
/// conform (the same checks and conversions as [`ArrowChecker::conform`]) batch by batch.
/// Columns that are not in the signature are dropped, with a warning in the report.
///
/// The schema is checked here, once; the values when the returned frame is executed, which
/// then fails on the first batch with an error (its rows counted within that batch).
pub fn conform_dataframe(
    checker: &ArrowChecker,
    frame: DataFrame,
) -> Result<ConformedFrame, ConformError> {
    let input = frame.schema().as_arrow().clone();
    let report = checker.check_schema(&input);
    if !report.is_valid() {
        return Err(ConformError::Schema(report));
    }
    let Some(signature) = checker.input_schema() else {
        return Err(ConformError::Unnamed);
    };
    if !signature.has_input_names() {
        return Err(ConformError::Unnamed);
    }
    let options = checker
        .options()
        .clone()
        .with_extra_columns(ExtraColumns::Ignore);
    let mut projection = Vec::with_capacity(signature.len());
    for (index, name) in signature.names().enumerate() {
        let name = name.map(ToString::to_string).unwrap_or_default();
        let Some(source) = input.fields().iter().find(|field| *field.name() == name) else {
            // An optional column the frame does not have: the schema check accepted it, and
            // the conformed frame leaves it out, as conforming a batch does.
            continue;
        };
        let column = one_input(signature, index).map_err(ConformError::DataFusion)?;
        let function = ConformColumn::new(
            ArrowChecker::for_schema(&column).with_options(options.clone()),
            &name,
        );
        // Refused here, when the plan is made, rather than on the first batch.
        function
            .output_type(source.data_type())
            .map_err(ConformError::DataFusion)?;
        projection.push(
            ScalarUDF::new_from_impl(function)
                .call(vec![ident(name.clone())])
                .alias(name),
        );
    }
    let frame = frame.select(projection).map_err(ConformError::DataFusion)?;
    Ok(ConformedFrame { frame, report })
}

/// The schema of the one input at `index`.
fn one_input(signature: &Schema, index: usize) -> Result<Schema, DataFusionError> {
    let single = match (signature.columns(), signature.tensors()) {
        (Some(columns), _) => {
            Schema::from_columns(columns.get(index).cloned().into_iter().collect())
        }
        (_, Some(tensors)) => {
            Schema::from_tensors(tensors.get(index).cloned().into_iter().collect())
        }
        _ => return plan_err!("the signature has no input {index}"),
    };
    single.map_err(external)
}

/// DataFusion compares and hashes functions to compare plans; ours are told apart by their
/// `identity` (the checker's schema and options, as text), since a checker has no `Hash`.
macro_rules! equal_by_identity {
    ($function:ident) => {
        impl PartialEq for $function {
            fn eq(&self, other: &Self) -> bool {
                self.identity == other.identity
            }
        }

        impl Eq for $function {}

        impl Hash for $function {
            fn hash<H: Hasher>(&self, state: &mut H) {
                self.identity.hash(state);
            }
        }
    };
}

/// The function conforming one column: the column's own checker, on the column alone. It
/// holds nothing but the checker and the column's name, so Ballista's codec (`frame::ballista`)
/// can rebuild it on an executor from those two.
#[derive(Debug)]
pub(crate) struct ConformColumn {
    pub(crate) checker: ArrowChecker,
    pub(crate) column: String,
    signature: Signature,
    /// What tells two of these apart, for DataFusion's plan comparisons.
    identity: String,
}

impl ConformColumn {
    /// The name plans show; the codec recognizes the function by its type, not by this.
    pub(crate) const NAME: &'static str = "signature_conform";

    pub(crate) fn new(checker: ArrowChecker, column: &str) -> Self {
        let identity = format!(
            "{column}: {:?} {:?}",
            checker.input_schema(),
            checker.options(),
        );
        ConformColumn {
            checker,
            column: column.to_owned(),
            signature: Signature::any(1, Volatility::Immutable),
            identity,
        }
    }

    fn field(&self, input: &ArrowType) -> Arc<Field> {
        Arc::new(Field::new(&self.column, input.clone(), true))
    }

    /// The conformed type of a column of type `input`, from a batch without rows: it depends
    /// on the input's type only.
    fn output_type(&self, input: &ArrowType) -> Result<ArrowType, DataFusionError> {
        let empty = RecordBatch::new_empty(Arc::new(ArrowSchema::new(vec![self.field(input)])));
        match self.checker.conform(&empty) {
            Ok(conformed) => Ok(conformed.batch.column(0).data_type().clone()),
            Err(report) => plan_err!("column `{}` cannot be conformed: {report}", self.column),
        }
    }
}

equal_by_identity!(ConformColumn);

impl ScalarUDFImpl for ConformColumn {
    fn name(&self) -> &str {
        Self::NAME
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, arg_types: &[ArrowType]) -> Result<ArrowType, DataFusionError> {
        match arg_types {
            [input] => self.output_type(input),
            _ => plan_err!("{} takes one column", Self::NAME),
        }
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue, DataFusionError> {
        let rows = args.number_rows;
        let Some(value) = args.args.into_iter().next() else {
            return exec_err!("signature_conform takes one column");
        };
        let array = value.into_array(rows)?;
        let batch = RecordBatch::try_new(
            Arc::new(ArrowSchema::new(vec![self.field(array.data_type())])),
            vec![array],
        )?;
        match self.checker.conform(&batch) {
            Ok(conformed) => Ok(ColumnarValue::Array(Arc::clone(conformed.batch.column(0)))),
            Err(report) => exec_err!(
                "column `{}` does not conform to the signature (rows counted within the \
                 batch):\n{report}",
                self.column
            ),
        }
    }
}

/// A SQL function giving each row's errors against `checker`'s signature, or null for a row
/// without errors, registered with `ctx.register_udf`. It takes the signature's inputs in the
/// signature's order (`name(sqft, city)`), named as the signature names them (by position
/// when the signature's inputs have no names). Each error is `kind: column`, joined by `; `
/// (`null_not_allowed: city; wrong_type: sqft`); warnings do not count, so filtering on `IS
/// NULL` keeps what the check accepts.
pub fn row_errors_udf(checker: &ArrowChecker, name: &str) -> Result<ScalarUDF, DataFusionError> {
    let Some(signature) = checker.input_schema() else {
        return plan_err!("{name}: the signature has no inputs, so no row has errors");
    };
    let columns: Vec<String> = signature
        .names()
        .enumerate()
        .map(|(index, column)| column.map_or_else(|| index.to_string(), ToString::to_string))
        .collect();
    let identity = format!("{name}: {signature:?} {:?}", checker.options());
    Ok(ScalarUDF::new_from_impl(RowErrors {
        checker: checker.clone(),
        name: name.to_owned(),
        signature: Signature::any(columns.len(), Volatility::Immutable),
        columns,
        identity,
    }))
}

/// The function of [`row_errors_udf`]; Ballista's codec (`frame::ballista`) rebuilds it on an
/// executor from its checker and name.
#[derive(Debug)]
pub(crate) struct RowErrors {
    pub(crate) checker: ArrowChecker,
    pub(crate) name: String,
    columns: Vec<String>,
    signature: Signature,
    identity: String,
}

equal_by_identity!(RowErrors);

impl ScalarUDFImpl for RowErrors {
    fn name(&self) -> &str {
        &self.name
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, _arg_types: &[ArrowType]) -> Result<ArrowType, DataFusionError> {
        Ok(ArrowType::Utf8)
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue, DataFusionError> {
        let rows = args.number_rows;
        let arrays = args
            .args
            .into_iter()
            .map(|value| value.into_array(rows))
            .collect::<Result<Vec<ArrayRef>, _>>()?;
        let fields: Vec<Field> = self
            .columns
            .iter()
            .zip(&arrays)
            .map(|(name, array)| Field::new(name, array.data_type().clone(), true))
            .collect();
        let batch = RecordBatch::try_new(Arc::new(ArrowSchema::new(fields)), arrays)?;
        let mut out = StringBuilder::with_capacity(rows, 0);
        // Most batches hold no error: one check of the whole batch says so.
        if self.checker.check(&batch).error_count() == 0 {
            out.append_nulls(rows);
            return Ok(ColumnarValue::Array(Arc::new(out.finish())));
        }
        for row in 0..rows {
            let report = self.checker.check(&batch.slice(row, 1));
            let errors: Vec<String> = report
                .errors()
                .map(|problem| {
                    let column = problem.column().unwrap_or("");
                    format!("{}: {column}", problem.kind())
                })
                .collect();
            // A row past the report's cap still has errors, only unlisted.
            if errors.is_empty() && report.error_count() == 0 {
                out.append_null();
            } else if errors.is_empty() {
                out.append_value(format!("{} errors", report.error_count()));
            } else {
                out.append_value(errors.join("; "));
            }
        }
        Ok(ColumnarValue::Array(Arc::new(out.finish())))
    }
}
