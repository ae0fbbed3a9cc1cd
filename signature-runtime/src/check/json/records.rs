//! Record bodies: `dataframe_records`, lists of records under `inputs` or `instances`, and
//! bare lists.

use std::collections::HashMap;

use super::{
    Arrival, Cell, CellSink, EXTRA_NAMES_REMEMBERED, Layout, RecordsState, Run, Seg, Slot, Step,
    push_pointer_token,
};
use crate::check::scanner::{StrToken, SyntaxError};
use crate::report::{Problem, ProblemKind, Severity};
use crate::types::ColumnType;

/// Counts record `row` as lacking column `k` of `columns` in `tally` (per column: records
/// lacking it, and the first of them; empty until a record lacks a column).
fn tally_lacking(tally: &mut Vec<(u64, u64)>, columns: usize, k: usize, row: u64) {
    if tally.is_empty() {
        tally.resize(columns, (0, 0));
    }
    let entry = &mut tally[k];
    if entry.0 == 0 {
        entry.1 = row;
    }
    entry.0 += 1;
}

/// How a message names a composite column's kind.
fn column_kind(cell: &Cell) -> &'static str {
    match cell {
        Cell::Composite(ColumnType::Object(_)) => "object",
        Cell::Composite(ColumnType::Map(_)) => "map",
        _ => "array",
    }
}

impl<S: CellSink> Run<'_, '_, S> {
    /// A list of records (the cursor on `[`); returns the number of records.
    pub(super) fn records(&mut self) -> Step<u64> {
        let checker = self.checker;
        let mut state = RecordsState {
            missing: Vec::new(),
            positional_keys: HashMap::new(),
            extra_counts: HashMap::new(),
            holes: Vec::new(),
        };
        let clean_plan = self.clean_record_plan();
        self.sink_rows_begin(Arrival::Rows);
        let rows = self.each_element(|run, row| {
            run.row = Some(row);
            if let Some(plan) = clean_plan
                && run.clean_record(plan, row)
            {
                return Ok(());
            }
            run.record(row, &mut state)?;
            run.sink_row_end(row);
            Ok(())
        })?;
        self.row = None;
        if rows == 0 && self.mlflow.is_some() {
            // pandas makes a frame without columns of an empty list of records.
            for (k, column) in checker.columns.iter().enumerate() {
                if column.required {
                    self.missing_column(k, Some("MLflow reads no columns from an empty list"));
                }
            }
        }
        let transposed = self.mlflow.as_ref().is_some_and(|ml| ml.transposed);
        if transposed {
            self.transposed_lengths(&state.extra_counts, &state.holes, rows);
        } else {
            self.composite_holes(&state.holes, rows);
        }
        for (k, &(count, first)) in state.missing.iter().enumerate() {
            // MLflow transposes `instances` records into one array per key: a column is
            // missing only when no record gives it.
            if count == 0 || (transposed && count < rows) {
                continue;
            }
            let Some(column) = checker.columns.get(k) else {
                continue;
            };
            if count == rows {
                self.missing_column(k, None);
            } else {
                let why = format!(
                    "required column `{}` is missing from {count} of {rows} records",
                    column.label
                );
                self.missing_from_records(k, first, why);
            }
        }
        Ok(rows)
    }

    pub(super) fn record(&mut self, row: u64, state: &mut RecordsState) -> Step {
        if self.peek()? != b'{' {
            return self.mismatch(ProblemKind::WrongType, || {
                "a record (an object mapping column names to values)".to_owned()
            });
        }
        let checker = self.checker;
        self.enter()?;
        self.seen.reset(checker.columns.len());
        let mut guess = 0usize;
        let mut first = true;
        loop {
            if !first {
                match self.peek()? {
                    b',' => self.scanner.seek(self.scanner.pos() + 1),
                    b'}' => {
                        self.scanner.seek(self.scanner.pos() + 1);
                        break;
                    }
                    _ => {
                        return Err(self.syntax(SyntaxError::Expected(
                            "expected `,` or `}` after an object member",
                        )));
                    }
                }
            }
            self.scanner.skip_ws();
            let key_start = self.scanner.pos() + 1;
            // The usual case: the keys come in schema order, each matched by one comparison.
            let plain = checker
                .columns
                .get(guess)
                .and_then(|col| col.plain_key.as_deref());
            let (token, slot) = match plain {
                Some(name) if self.scanner.eat_plain_key(name) => (
                    StrToken {
                        span: (key_start, key_start + name.len()),
                        escaped: false,
                    },
                    Slot::Column(guess),
                ),
                _ => match self.peek()? {
                    b'"' => {
                        let token = self.string()?;
                        self.scanner
                            .expect(b':', "expected `:` after an object key")
                            .map_err(|e| self.syntax(e))?;
                        let slot = self.record_slot(token, state);
                        (token, slot)
                    }
                    b'}' if first => {
                        self.scanner.seek(self.scanner.pos() + 1);
                        break;
                    }
                    _ => {
                        return Err(self.syntax(SyntaxError::Expected("expected a string key")));
                    }
                },
            };
            first = false;
            self.path.push(Seg::Key(token));
            match slot {
                Slot::Column(k) | Slot::Leaf { column: k, .. } => {
                    if self.seen.mark(k) {
                        self.error(ProblemKind::DuplicateKey, || {
                            format!(
                                "key `{}` is given twice in one record",
                                checker.columns[k].label
                            )
                        });
                        self.skip()?;
                    } else {
                        let value = match checker.columns[k].leaf {
                            Some((spec, nullable)) => {
                                self.column = Some(k);
                                self.leaf_value(spec, nullable)?
                            }
                            None => self.cell(k)?,
                        };
                        if S::ACTIVE {
                            self.sink.cell(k, row, value);
                        }
                    }
                    self.column = None;
                    guess = k + 1;
                }
                Slot::TensorElement => {
                    // Each key is one element of the unnamed tensor: the record gives it.
                    self.seen.mark(0);
                    self.tensor_element()?;
                }
                Slot::Skip => {
                    if self.mlflow.as_ref().is_some_and(|ml| ml.transposed) {
                        let key = self.key_text(token).into_owned();
                        *state.extra_counts.entry(key).or_default() += 1;
                    }
                    self.skip()?;
                }
            }
            self.path.pop();
        }
        self.leave();
        let columns = checker.columns.len();
        // Holes are columns a named schema's record lacks (a positional schema's columns are
        // the keys pandas meets, in order).
        if self.mlflow.is_some() && checker.layout == Layout::Named {
            for k in (0..columns).filter(|k| !self.seen.has(*k)) {
                tally_lacking(&mut state.holes, columns, k, row);
            }
        }
        if self.seen.covers(&checker.required_mask) {
            return Ok(());
        }
        for (k, column) in checker.columns.iter().enumerate() {
            if column.required && !self.seen.has(k) {
                tally_lacking(&mut state.missing, columns, k, row);
            }
        }
        Ok(())
    }

    /// Array, object and map columns given in some records only: pandas fills the others
    /// with NaN, which `_enforce_array`, `_enforce_object` and `_enforce_map` refuse (even
    /// for an optional column: only None passes).
    fn composite_holes(&mut self, holes: &[(u64, u64)], rows: u64) {
        let checker = self.checker;
        for (k, &(count, first)) in holes.iter().enumerate() {
            let Some(column) = checker.columns.get(k) else {
                continue;
            };
            let composite = matches!(
                column.cell,
                Cell::Composite(
                    ColumnType::Array(_)
                        | ColumnType::SparkMLVector
                        | ColumnType::Object(_)
                        | ColumnType::Map(_)
                )
            );
            if !composite || count == 0 || count == rows {
                continue;
            }
            let why = format!(
                "column `{}` is missing from {count} of {rows} records: pandas fills them with \
                 NaN, which MLflow refuses for a {} column",
                column.label,
                column_kind(&column.cell)
            );
            self.missing_from_records(k, first, why);
        }
    }

    /// Column `k` is missing from some records, the first of them record `first`.
    fn missing_from_records(&mut self, k: usize, first: u64, why: String) {
        let label = self.checker.columns[k].label.clone();
        self.report(Severity::Error, |run| {
            Problem::new(
                ProblemKind::MissingColumn,
                Severity::Error,
                format!("{}/{first}", run.pointer()),
                why,
            )
            .with_column(label)
            .with_row(first)
        });
    }

    /// `instances` records in the MLflow modes: MLflow transposes every key (columns and
    /// others alike) into one array of the values of the records that give it, and these
    /// arrays must have equal lengths.
    fn transposed_lengths(
        &mut self,
        extra_counts: &HashMap<String, u64>,
        holes: &[(u64, u64)],
        rows: u64,
    ) {
        let checker = self.checker;
        let mut lengths: Vec<(String, u64)> = checker
            .columns
            .iter()
            .enumerate()
            .map(|(k, column)| {
                let lacking = holes.get(k).map_or(0, |hole| hole.0);
                (column.label.clone(), rows - lacking.min(rows))
            })
            .filter(|(_, given)| *given > 0)
            .collect();
        let mut extras: Vec<(String, u64)> = extra_counts
            .iter()
            .map(|(key, count)| (key.clone(), *count))
            .collect();
        extras.sort();
        lengths.extend(extras);
        let Some((first, expected)) = lengths.first().cloned() else {
            return;
        };
        if let Some((key, count)) = lengths.into_iter().find(|(_, n)| *n != expected) {
            self.error(ProblemKind::BadEnvelope, || {
                format!(
                    "MLflow transposes `instances` records into one array per key, which must \
                     have equal lengths: `{key}` is in {count} records, `{first}` in {expected}"
                )
            });
        }
    }

    /// Where a record's key goes (reporting it when extra).
    pub(super) fn record_slot(&mut self, token: StrToken, state: &mut RecordsState) -> Slot {
        let checker = self.checker;
        match checker.layout {
            Layout::Unchecked => Slot::Skip,
            Layout::Named => match self.column_for_key(token) {
                Some(k) => Slot::Column(k),
                None => {
                    self.extra_column(&self.key_text(token), Some(self.pointer_with(token)));
                    Slot::Skip
                }
            },
            Layout::Positional | Layout::UnnamedTensor => {
                let name = self.key_text(token);
                let known = state.positional_keys.len();
                let position = match state.positional_keys.get(name.as_ref()) {
                    Some(&p) => p,
                    None if known < checker.columns.len().max(1) + EXTRA_NAMES_REMEMBERED => {
                        state
                            .positional_keys
                            .insert(name.clone().into_owned(), known);
                        known
                    }
                    None => usize::MAX,
                };
                if checker.layout == Layout::UnnamedTensor {
                    // Records for an unnamed tensor: each key one element of a `(-1, n)` row.
                    return Slot::TensorElement;
                }
                if position < checker.columns.len() {
                    Slot::Column(position)
                } else {
                    self.extra_column(&name, Some(self.pointer_with(token)));
                    Slot::Skip
                }
            }
        }
    }

    pub(super) fn pointer_with(&self, token: StrToken) -> String {
        let mut pointer = self.pointer();
        pointer.push('/');
        push_pointer_token(&mut pointer, &self.key_text(token));
        pointer
    }
}
