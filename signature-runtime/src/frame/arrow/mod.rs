//! Arrow `RecordBatch`es (arrow-rs): check, conform, infer. See [the module docs](crate::frame)
//! for the rules.

mod conform;
mod infer;
mod plan;
mod values;

/// Kept here too, where the engine's users look for it; the map lives beside the types.
pub use crate::types::engine_types::arrow_type;

use std::sync::Arc;

use arrow_array::{RecordBatch, RecordBatchOptions};
use arrow_schema::{Fields, Schema as ArrowSchema, SchemaRef};

use crate::CheckOptions;
use crate::frame::{FieldPath, pointer};
use crate::report::{Collector, Problem, ProblemKind, Report, Severity};
use crate::types::Schema;

use plan::Plan;
use values::Values;

/// Checks Arrow data against a signature's inputs, and conforms it.
///
/// Build one per signature and reuse it: it is cheap to share across threads.
#[derive(Clone, Debug)]
pub struct ArrowChecker {
    schema: Option<Schema>,
    options: CheckOptions,
}

/// A batch made to match the signature exactly, with the warnings found on the way (extra
/// columns dropped).
#[derive(Clone, Debug)]
pub struct Conformed {
    /// The columns of the signature, in its order, of its types.
    pub batch: RecordBatch,
    /// The check's report: valid, possibly with warnings.
    pub report: Report,
}

checker_setup!(ArrowChecker, ArrowSchema);

impl ArrowChecker {
    /// The input schema checked against (`None`: the signature has no inputs).
    #[cfg(feature = "datafusion")]
    pub(crate) fn input_schema(&self) -> Option<&Schema> {
        self.schema.as_ref()
    }

    /// Checks a batch: its schema, then its values.
    pub fn check(&self, batch: &RecordBatch) -> Report {
        let mut run = self.batches(batch.schema_ref());
        run.check(batch);
        run.finish()
    }

    /// Checks a batch and, if it passes, makes it match the signature exactly: the
    /// signature's columns in its order, extra columns dropped (with a warning), types
    /// converted as the [module docs](crate::frame) say. Columns that already match are
    /// shared with the input, not copied.
    pub fn conform(&self, batch: &RecordBatch) -> Result<Conformed, Report> {
        let mut run = self.batches(batch.schema_ref());
        let conformed = run.conform(batch);
        let report = run.finish();
        match conformed {
            Some(batch) if report.is_valid() => Ok(Conformed { batch, report }),
            _ => Err(report),
        }
    }

    /// A check of many batches of one schema (a file, a stream) into one report, with rows
    /// counted from the first batch. The schema is matched once, here.
    pub fn batches(&self, schema: &SchemaRef) -> BatchCheck<'_> {
        let mut run = BatchCheck {
            checker: self,
            input: Arc::clone(schema),
            plan: Plan {
                columns: Vec::new(),
                complete: false,
            },
            problems: Collector::new(self.options.max_problems()),
            errors: 0,
            rows: 0,
        };
        run.plan = run.plan_for(schema);
        run
    }
}

/// A check running over the batches of one input; see [`ArrowChecker::batches`].
#[derive(Debug)]
pub struct BatchCheck<'c> {
    checker: &'c ArrowChecker,
    input: SchemaRef,
    plan: Plan,
    problems: Collector,
    errors: u64,
    rows: u64,
}

impl BatchCheck<'_> {
    fn plan_for(&mut self, schema: &ArrowSchema) -> Plan {
        let (problems, errors) = (&mut self.problems, &mut self.errors);
        plan::plan(
            self.checker.schema.as_ref(),
            schema,
            &self.checker.options,
            &mut |p: Problem| {
                if p.severity() == Severity::Error {
                    *errors += 1;
                }
                problems.add(p);
            },
        )
    }

    /// A batch whose schema differs from the one matched so far is matched again.
    fn follow(&mut self, batch: &RecordBatch) {
        if batch.schema_ref().fields() != self.input.fields() {
            self.input = batch.schema();
            self.plan = self.plan_for(&batch.schema());
        }
    }

    /// Checks the values of the next batch. Returns whether it had no errors.
    pub fn check(&mut self, batch: &RecordBatch) -> bool {
        self.follow(batch);
        let before = self.errors;
        let first_row = self.rows;
        for column in &self.plan.columns {
            let Some(array) = batch.columns().get(column.source) else {
                continue;
            };
            let name = self.input.field(column.source).name();
            if column.node.nulls && column.node.is_flat() {
                continue;
            }
            let (problems, errors) = (&mut self.problems, &mut self.errors);
            let mut values = Values {
                column: name,
                first_row,
                report: &mut |p: Problem| {
                    if p.severity() == Severity::Error {
                        *errors += 1;
                    }
                    problems.add(p);
                },
                errors: 0,
            };
            values.check(
                &column.node,
                array.as_ref(),
                None,
                &|i| i,
                &FieldPath::default(),
            );
        }
        self.rows += batch.num_rows() as u64;
        self.plan.complete && self.errors == before
    }

    /// Checks the next batch and conforms it; `None` if it has errors (they are in the
    /// report).
    pub fn conform(&mut self, batch: &RecordBatch) -> Option<RecordBatch> {
        let first_row = self.rows;
        if !self.check(batch) {
            return None;
        }
        let mut fields = Vec::with_capacity(self.plan.columns.len());
        let mut columns = Vec::with_capacity(self.plan.columns.len());
        for column in &self.plan.columns {
            let input = batch.column(column.source);
            let field = self.input.fields()[column.source].clone();
            match conform::conform(&column.node, input) {
                Ok(array) => {
                    fields.push(conform::field(&field, &array));
                    columns.push(array);
                }
                Err(error) => {
                    self.internal(field.name(), first_row, &error.to_string());
                    return None;
                }
            }
        }
        let schema = Arc::new(ArrowSchema::new_with_metadata(
            Fields::from(fields),
            self.input.metadata().clone(),
        ));
        let options = RecordBatchOptions::new().with_row_count(Some(batch.num_rows()));
        match RecordBatch::try_new_with_options(schema, columns, &options) {
            Ok(batch) => Some(batch),
            Err(error) => {
                self.internal("", first_row, &error.to_string());
                None
            }
        }
    }

    /// Arrow refused a conformed array: a bug of ours, reported rather than panicking.
    fn internal(&mut self, column: &str, row: u64, error: &str) {
        self.errors += 1;
        self.problems.add(
            Problem::new(
                ProblemKind::WrongType,
                Severity::Error,
                pointer(column, Some(row)),
                format!("column `{column}` could not be conformed: {error}"),
            )
            .with_column(column)
            .with_note("this is a bug in signature-runtime; please report it"),
        );
    }

    /// Moves past `rows` rows known to hold no problem (checked elsewhere, in parallel), so
    /// the next batch's rows are counted after them.
    #[cfg(feature = "datafusion")]
    pub(crate) fn skip_rows(&mut self, rows: u64) {
        self.rows += rows;
    }

    /// Counts problems found elsewhere that the report does not list (it is full).
    #[cfg(feature = "datafusion")]
    pub(crate) fn count_unlisted(&mut self, errors: u64, warnings: u64) {
        self.errors += errors;
        self.problems.count_many_unlisted(Severity::Error, errors);
        self.problems
            .count_many_unlisted(Severity::Warning, warnings);
    }

    /// How many problems were counted so far, listed or not: errors and warnings.
    #[cfg(feature = "datafusion")]
    pub(crate) fn problem_counts(&self) -> (u64, u64) {
        self.problems.counts()
    }

    /// How many rows were checked so far.
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// How many errors were found so far (listed or not).
    pub fn error_count(&self) -> u64 {
        self.errors
    }

    /// The report over every batch checked.
    pub fn finish(self) -> Report {
        self.problems.finish(Some(self.rows))
    }
}

#[cfg(test)]
mod tests;
