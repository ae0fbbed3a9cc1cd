//! Polars `DataFrame`s (polars-core 0.55): check, conform, infer, with the rules, codes and
//! pointers of the [Arrow checker](crate::frame) (`/<column>/<row>`).
//!
//! ```
//! use signature_runtime::frame::polars::PolarsChecker;
//! use signature_runtime::frame::polars_core::prelude::{
//!     Column, DataFrame, DataType as PlType, NamedFrom,
//! };
//! use signature_runtime::{ColSpec, DataType, Schema};
//!
//! let schema = Schema::from_columns(vec![
//!     ColSpec::new("sqft", DataType::Long),
//!     ColSpec::new("city", DataType::String),
//! ])?;
//! let frame = DataFrame::new(2, vec![
//!     Column::new("city".into(), ["Salem", "Madison"]),
//!     Column::new("sqft".into(), [1200i32, 950]),
//! ])?;
//! let checker = PolarsChecker::for_schema(&schema);
//! assert!(checker.check(&frame).is_valid());
//!
//! // Columns in the signature's order, `sqft` widened to Int64, `city` shared.
//! let conformed = checker.conform(&frame).map_err(|r| r.to_string())?;
//! assert_eq!(conformed.frame.columns()[0].name().as_str(), "sqft");
//! assert_eq!(conformed.frame.columns()[0].dtype(), &PlType::Int64);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Types
//!
//! | Polars | MLflow | conformed to |
//! |---|---|---|
//! | Boolean | `boolean` | as is |
//! | Int8, Int16, Int32, UInt8, UInt16 | `integer` | Int32 |
//! | Int8 … Int64, UInt8 … UInt32 | `long` | Int64 |
//! | UInt64 | `long`, when every value is at most 2^63 − 1 (`out_of_range` otherwise) | Int64 |
//! | Float16, Float32 | `float` | Float32 |
//! | Float16, Float32, Float64; Int8 … Int32, UInt8 … UInt32 | `double` | Float64 |
//! | String; Categorical, Enum | `string` | as is; categories become String |
//! | Binary, BinaryOffset | `binary` | as is |
//! | Datetime (any unit, no timezone), Date | `datetime` | Datetime(ns), `out_of_range` outside 1677–2262 |
//! | Datetime (any unit) with a timezone | `datetime`, with a warning `value_changed` | Datetime(ns) without timezone: the same instants, in UTC |
//! | List, Array | `array` | the same kind, items conformed |
//! | Struct | `object`: every required property a field, no field that is not a property | fields conformed |
//! | anything | `any` | as is |
//! | List of Float64 (or anything `array<double>` accepts) | `sparkml_vector` | as `array<double>` |
//! | Null (a column of nulls only) | any optional column | a column of nulls of the conformed type |
//!
//! Everything else is `wrong_type`, as in the Arrow checker: in particular Int64 for `integer`
//! and any integer for `float`. Polars has no
//! map type, so a `map` column is always `wrong_type`.
//!
//! Tensors are as for Arrow: an Array is a fixed dimension (its width must equal the shape's,
//! any width for `-1`), a List a dimension checked row by row.
//!
//! # Cost
//!
//! [`check_schema`](PolarsChecker::check_schema) is `O(columns)` (a hash lookup per column)
//! and independent of the number of rows. [`check`](PolarsChecker::check) then reads only
//! validity bitmaps, except for the conversions whose values must be looked at (UInt64,
//! datetime units, Date, variable-length tensor rows). [`conform`](PolarsChecker::conform)
//! casts only the columns that change type; every other column is the input's, shared.

mod infer;
mod plan;
mod values;

/// Kept here too, where the engine's users look for it; the map lives beside the types.
pub use crate::types::engine_types::polars_type;

use polars_core::prelude::{Column, DataFrame, DataType as PlType, Schema as PlSchema};

use polars_core::runtime::RAYON;
use polars_core::utils::arrow::array::Array;

use crate::CheckOptions;
use crate::frame::{FieldPath, pointer, problems};
use crate::report::{Collector, Problem, ProblemKind, Report, Severity};
use crate::types::Schema;

use plan::{Cast, Node, NodeKind, Outcome, PandasLeaf, Plan};
use values::{Tally, Values};

/// Checks Polars data frames against a signature's inputs, and conforms them.
///
/// Build one per signature and reuse it: it is cheap to share across threads.
#[derive(Clone, Debug)]
pub struct PolarsChecker {
    schema: Option<Schema>,
    options: CheckOptions,
}

/// A frame made to match the signature exactly, with the warnings found on the way (extra
/// columns dropped).
#[derive(Clone, Debug)]
pub struct Conformed {
    /// The columns of the signature, in its order, of its types.
    pub frame: DataFrame,
    /// The check's report: valid, possibly with warnings.
    pub report: Report,
}

checker_setup!(PolarsChecker, PlSchema);

impl PolarsChecker {
    /// Checks a frame: its schema, then its values.
    pub fn check(&self, frame: &DataFrame) -> Report {
        self.run(frame).0.finish(Some(frame.height() as u64))
    }

    /// Checks a frame and, if it passes, makes it match the signature exactly: the
    /// signature's columns in its order, extra columns dropped (with a warning), types
    /// converted as the [module docs](self) say. Columns that already match are shared with
    /// the input, not copied; in a large frame (100,000 rows or more), the columns that need
    /// a cast are cast in parallel on Polars' thread pool, as Polars' own operations are.
    pub fn conform(&self, frame: &DataFrame) -> Result<Conformed, Report> {
        let (mut problems, plan, errors) = self.run(frame);
        if errors > 0 || !plan.complete {
            return Err(problems.finish(Some(frame.height() as u64)));
        }
        let work: Vec<(&Node, &Column)> = plan
            .columns
            .iter()
            .filter_map(|column| Some((&column.node, frame.columns().get(column.source)?)))
            .collect();
        let casts = work.iter().filter(|(node, _)| node.needs_cast()).count();
        let conformed = if casts > 1 && frame.height() >= PARALLEL_CONFORM_ROWS {
            conform_on_pool(&work)
        } else {
            work.iter()
                .map(|(node, input)| conform(node, input))
                .collect()
        };
        let mut columns = Vec::with_capacity(work.len());
        for (result, (_, input)) in conformed.into_iter().zip(&work) {
            match result {
                Ok(conformed) => columns.push(conformed),
                Err(error) => {
                    problems.add(internal(input.name(), &error));
                    return Err(problems.finish(Some(frame.height() as u64)));
                }
            }
        }
        match DataFrame::new(frame.height(), columns) {
            Ok(conformed) => Ok(Conformed {
                frame: conformed,
                report: problems.finish(Some(frame.height() as u64)),
            }),
            Err(error) => {
                problems.add(internal("", &error.to_string()));
                Err(problems.finish(Some(frame.height() as u64)))
            }
        }
    }

    /// Matches the frame's schema and checks its values: the problems, the plan, and how
    /// many errors were found.
    fn run(&self, frame: &DataFrame) -> (Collector, Plan, u64) {
        let mut collector = Collector::new(self.options.max_problems());
        let mut errors = 0u64;
        let mut report = |p: Problem| {
            if p.severity() == Severity::Error {
                errors += 1;
            }
            collector.add(p);
        };
        let plan = plan::plan(
            self.schema.as_ref(),
            frame.schema(),
            &self.options,
            &mut report,
        );
        for column in &plan.columns {
            let Some(input) = frame.columns().get(column.source) else {
                continue;
            };
            let leaf;
            let node = match &column.node.kind {
                NodeKind::Pandas(pandas) => match pandas_check(pandas, input, &mut report) {
                    Some(cast) => {
                        leaf = Node {
                            nulls: true,
                            kind: NodeKind::Leaf(Some(cast.clone())),
                        };
                        &leaf
                    }
                    None => continue,
                },
                _ => &column.node,
            };
            if node.is_flat() && (node.nulls || input.null_count() == 0) {
                continue;
            }
            each_chunk(input, &mut report, |values, chunk| {
                values.check(
                    node,
                    input.dtype(),
                    chunk,
                    None,
                    &|i| i,
                    &FieldPath::default(),
                );
            });
        }
        (collector, plan, errors)
    }
}

/// Runs `check` over each chunk of `column`, gathering its problems into one report per
/// kind and place. Returns how many errors it reported.
fn each_chunk(
    column: &Column,
    report: &mut dyn FnMut(Problem),
    mut check: impl FnMut(&mut Values<'_>, &dyn Array),
) -> usize {
    let series = column.as_materialized_series();
    let mut tally = Tally::default();
    let mut first_row = 0u64;
    for chunk in series.chunks() {
        let mut values = Values {
            first_row,
            tally: &mut tally,
        };
        check(&mut values, chunk.as_ref());
        first_row += chunk.len() as u64;
    }
    tally.finish(column.name(), report)
}

/// A scalar column in the MLflow modes: reports MLflow's decision for the pandas column it
/// becomes, and gives the conversion whose values still need checking, if any.
fn pandas_check<'a>(
    leaf: &'a PandasLeaf,
    column: &Column,
    report: &mut dyn FnMut(Problem),
) -> Option<&'a Cast> {
    let has_nulls = column.null_count() > 0;
    let (name, found, path) = (column.name().as_str(), column.dtype(), FieldPath::default());
    match leaf.outcome(has_nulls) {
        Outcome::Accept(cast) => cast.as_ref(),
        Outcome::Changed(cast, what) => {
            report(problems::mlflow_changes(
                name,
                &path,
                leaf.expected,
                found,
                what,
            ));
            cast.as_ref()
        }
        Outcome::ZeroOrOne(_) => {
            // The type the values are refused for, as the Arrow checker says it.
            let expected = leaf.expected.to_string();
            let mut refused = |problem: Problem| report(problem.with_expected(expected.clone()));
            let errors = each_chunk(column, &mut refused, |values, chunk| {
                values.zero_or_one(chunk);
            });
            if errors == 0 {
                report(problems::mlflow_changes(
                    name,
                    &path,
                    leaf.expected,
                    found,
                    problems::ZERO_OR_ONE_CAST,
                ));
            }
            None
        }
        Outcome::Refuse(note) => {
            report(problems::mlflow_refuses(
                name,
                &path,
                leaf.expected,
                found,
                has_nulls,
                *note,
            ));
            None
        }
    }
}

/// From this many rows, a frame with several columns to cast has them cast on Polars' thread
/// pool, as Polars' own frame operations are: each cast is a pass over fresh memory, bound by
/// one core's memory bandwidth. Below it, handing work to the pool costs more than it saves.
const PARALLEL_CONFORM_ROWS: usize = 100_000;

/// [`conform`] for each column, on Polars' thread pool, in the same order.
fn conform_on_pool(work: &[(&Node, &Column)]) -> Vec<Result<Column, String>> {
    match work {
        [] => Vec::new(),
        [(node, input)] => vec![conform(node, input)],
        _ => {
            let (left, right) = work.split_at(work.len() / 2);
            let (mut left, right) = RAYON.join(|| conform_on_pool(left), || conform_on_pool(right));
            left.extend(right);
            left
        }
    }
}

/// The conformed form of `column`: `column` itself (shared, not copied) when nothing changes.
fn conform(node: &Node, column: &Column) -> Result<Column, String> {
    if !node.needs_cast() {
        return Ok(column.clone());
    }
    let target = match &node.kind {
        NodeKind::Pandas(leaf) => match leaf.outcome(column.null_count() > 0).cast() {
            Some(cast) => plan::cast_target(cast),
            None => return Ok(column.clone()),
        },
        _ => plan::target(node, column.dtype()),
    };
    if column.dtype() == &PlType::Null {
        return Ok(Column::full_null(
            column.name().clone(),
            column.len(),
            &target,
        ));
    }
    // Every value was checked to fit, so a strict cast fails only on a bug of ours.
    column.strict_cast(&target).map_err(|e| e.to_string())
}

/// Polars refused a conformed column: a bug of ours, reported rather than panicking.
fn internal(column: &str, error: &str) -> Problem {
    Problem::new(
        ProblemKind::WrongType,
        Severity::Error,
        pointer(column, None),
        format!("column `{column}` could not be conformed: {error}"),
    )
    .with_column(column)
    .with_note("this is a bug in signature-runtime; please report it")
}

#[cfg(test)]
mod tests;
