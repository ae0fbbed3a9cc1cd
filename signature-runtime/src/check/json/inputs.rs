//! `inputs` and `instances` bodies: lists of values, objects of columns and tensors.

use super::{
    Arrival, CellSink, DictShape, JsonChecker, Layout, RecordsState, Run, Seen, Seg, Slot, Step,
};
use crate::check::scanner::StrToken;
use crate::pandas_rules::values::{Route, Series};
use crate::report::ProblemKind;

impl<S: CellSink> Run<'_, '_, S> {
    pub(super) fn inputs(&mut self) -> Step<Option<u64>> {
        let checker = self.checker;
        match self.peek()? {
            b'{' if checker.is_tensor_schema() => {
                if checker.layout == Layout::UnnamedTensor {
                    self.mismatch(ProblemKind::BadEnvelope, || {
                        "the unnamed tensor itself (nested lists), not an object".to_owned()
                    })?;
                } else {
                    self.tensor_dict()?;
                }
                Ok(None)
            }
            b'{' if checker.layout == Layout::Positional
                && self.mlflow.as_ref().is_some_and(|ml| ml.serving && !ml.llm) =>
            {
                self.error(ProblemKind::BadEnvelope, || {
                    "the scoring server wants a list or a single value for a signature of \
                     unnamed columns, not an object"
                        .to_owned()
                });
                self.skip()?;
                Ok(None)
            }
            b'{' => self.column_dict().map(Some),
            b'[' => self.input_list(),
            _ => {
                if checker.is_tensor_schema() && checker.columns.len() == 1 {
                    self.whole_tensor(0)?;
                    Ok(None)
                } else if checker.columns.len() == 1 {
                    if self.mlflow.is_some() && checker.layout == Layout::Named {
                        self.error(ProblemKind::MissingColumn, || {
                            "MLflow reads a single value as column `0`, so the signature's \
                             column is missing"
                                .to_owned()
                        });
                    }
                    self.row = Some(0);
                    self.sink_rows_begin(Arrival::Columns);
                    let value = self.cell(0)?;
                    if S::ACTIVE {
                        self.sink.cell(0, 0, value);
                    }
                    self.row = None;
                    self.column = None;
                    Ok(Some(1))
                } else if checker.layout == Layout::Unchecked {
                    self.skip()?;
                    Ok(None)
                } else {
                    self.mismatch(ProblemKind::BadEnvelope, || {
                        "a list of rows or an object of columns (a single value needs a \
                         single-column signature)"
                            .to_owned()
                    })?;
                    Ok(None)
                }
            }
        }
    }

    /// A list under `inputs` or `instances`.
    pub(super) fn input_list(&mut self) -> Step<Option<u64>> {
        let checker = self.checker;
        let first = self.first_element_byte();
        let instances = matches!(self.path.first(), Some(Seg::Name("instances")));
        if self.mlflow.is_some() && checker.is_tensor_schema() {
            let why = match first {
                None => Some(
                    "MLflow passes an empty list on as a list, which a tensor signature refuses",
                ),
                Some(b'{') if !instances => Some(
                    "MLflow passes a list of objects under `inputs` on as a list, which a tensor \
                     signature refuses; send an object of tensors",
                ),
                Some(b'{') if checker.layout == Layout::UnnamedTensor => Some(
                    "MLflow transposes `instances` objects into a dict of named arrays, which a \
                     tensor signature without names refuses",
                ),
                _ => None,
            };
            if let Some(why) = why {
                self.error(ProblemKind::BadEnvelope, || why.to_owned());
                self.skip()?;
                return Ok(None);
            }
        }
        if first.is_none() && self.mlflow.is_some() && !checker.is_tensor_schema() {
            // pandas makes a frame without columns of an empty list: a named schema then
            // misses its required columns, a positional one every column (MLflow counts them).
            for (k, column) in checker.columns.iter().enumerate() {
                if column.required || checker.layout == Layout::Positional {
                    self.missing_column(k, Some("MLflow reads no columns from an empty list"));
                }
            }
        }
        if first == Some(b'{') && checker.layout != Layout::UnnamedTensor {
            if let Some(ml) = self.mlflow.as_mut().filter(|ml| ml.route == Route::Columns) {
                if instances {
                    ml.transposed = true;
                } else {
                    ml.route = Route::Records;
                }
            }
            return self.records().map(Some);
        }
        if checker.is_tensor_schema() {
            if checker.columns.len() == 1 {
                self.whole_tensor(0)?;
            } else {
                self.mismatch(ProblemKind::BadEnvelope, || {
                    "an object mapping each tensor's name to its value".to_owned()
                })?;
            }
            return Ok(None);
        }
        if checker.columns.len() == 1 {
            if checker.layout == Layout::Named {
                self.ml_predict_refuses(
                    "predict reads a list of values as column `0`, so the signature's column is \
                     missing (the scoring server names it)",
                );
            }
            // One column: the list is the column's values, one per row.
            self.sink_rows_begin(Arrival::Rows);
            let rows = self.each_element(|run, row| {
                run.row = Some(row);
                let value = run.cell(0)?;
                run.column = None;
                if S::ACTIVE {
                    run.sink.cell(0, row, value);
                }
                run.sink_row_end(row);
                Ok(())
            })?;
            self.row = None;
            return Ok(Some(rows));
        }
        if checker.layout == Layout::Unchecked {
            self.skip()?;
            return Ok(None);
        }
        // Rows as lists: pandas numbers the columns 0, 1, ...
        if let Some(ml) = self
            .mlflow
            .as_mut()
            .filter(|_| checker.layout == Layout::Positional)
        {
            ml.uniform = Some(Series::default());
        }
        self.split_data(None)
    }

    /// The first byte of the first element of the array at the cursor, looking ahead.
    pub(super) fn first_element_byte(&mut self) -> Option<u8> {
        let start = self.scanner.pos();
        self.scanner.seek(start + 1);
        let byte = self.scanner.peek();
        self.scanner.seek(start);
        byte.filter(|b| *b != b']')
    }

    /// `inputs` as an object of columns: each value a list of cells, one per row; or, when the
    /// schema has an `array` or `object` column or the first value is not a list, one row.
    pub(super) fn column_dict(&mut self) -> Step<u64> {
        self.enter()?;
        let mut dict = ColumnDict::new(self.checker, self.mlflow.is_some());
        self.sink_rows_begin(Arrival::Columns);
        let mut first = true;
        while let Some(token) = self.key(first)? {
            first = false;
            self.column_dict_entry(token, &mut dict)?;
        }
        self.leave();
        Ok(self.column_dict_end(&dict))
    }

    /// One key of an object of columns, and its value.
    pub(super) fn column_dict_entry(&mut self, token: StrToken, dict: &mut ColumnDict) -> Step {
        let checker = self.checker;
        self.path.push(Seg::Key(token));
        let column = match self.record_slot(token, &mut dict.state) {
            Slot::Column(k) if dict.seen.mark(k) => {
                self.error(ProblemKind::DuplicateKey, || {
                    format!("column `{}` is given twice", checker.columns[k].label)
                });
                None
            }
            Slot::Column(k) | Slot::Leaf { column: k, .. } => Some(k),
            Slot::TensorElement | Slot::Skip => None,
        };
        match column {
            None => self.skip()?,
            Some(k) => {
                if dict.shape == DictShape::Undecided {
                    dict.shape = if self.peek()? == b'[' {
                        DictShape::Columns { rows: None }
                    } else {
                        DictShape::OneRow
                    };
                }
                match dict.shape {
                    DictShape::Columns { rows } => {
                        let count = self.column_values(k)?;
                        match (rows, count) {
                            (None, Some(count)) => {
                                dict.shape = DictShape::Columns {
                                    rows: Some((count, k)),
                                }
                            }
                            (Some((expected, first_k)), Some(count)) if count != expected => {
                                self.column = Some(k);
                                self.error(ProblemKind::RowLength, || {
                                    format!(
                                        "column `{}` has {count} values, but `{}` has {expected}",
                                        checker.columns[k].label, checker.columns[first_k].label
                                    )
                                });
                                self.column = None;
                            }
                            _ => {}
                        }
                    }
                    DictShape::Broadcast { rows } => self.broadcast_column(k, rows)?,
                    DictShape::OneRow | DictShape::Undecided => {
                        self.row = Some(0);
                        let value = self.cell(k)?;
                        if S::ACTIVE {
                            self.sink.cell(k, 0, value);
                        }
                        self.row = None;
                        self.column = None;
                    }
                }
            }
        }
        self.path.pop();
        Ok(())
    }

    /// After the last key of an object of columns: the columns it lacks; its row count.
    pub(super) fn column_dict_end(&mut self, dict: &ColumnDict) -> u64 {
        let checker = self.checker;
        let llm = self.mlflow.as_ref().is_some_and(|ml| ml.llm);
        if dict.shape == DictShape::OneRow && !checker.dict_is_one_row(true) && !llm {
            self.ml_predict_refuses(
                "predict receives single values of `inputs` as 0-d numpy arrays, which pandas \
                 cannot make a frame of",
            );
        }
        for (k, column) in checker.columns.iter().enumerate() {
            if column.required && !dict.seen.has(k) {
                self.missing_column(k, None);
            }
        }
        match dict.shape {
            DictShape::Columns { rows: Some((n, _)) } => n,
            DictShape::Columns { rows: None } => 0,
            DictShape::Broadcast { rows } => rows,
            DictShape::OneRow | DictShape::Undecided => 1,
        }
    }

    /// The values of column `k` given as a list (one per row); `None` if not a list.
    pub(super) fn column_values(&mut self, k: usize) -> Step<Option<u64>> {
        if self.peek()? != b'[' {
            self.column = Some(k);
            self.mismatch(ProblemKind::WrongType, || {
                "a list of values, one per row, as for the other columns".to_owned()
            })?;
            self.column = None;
            return Ok(None);
        }
        let count = self.each_element(|run, row| {
            run.row = Some(row);
            let value = run.cell(k)?;
            if S::ACTIVE {
                run.sink.cell(k, row, value);
            }
            run.column = None;
            Ok(())
        })?;
        self.row = None;
        if count == 0 {
            self.ml_given_empty([k]);
        }
        Ok(Some(count))
    }

    /// `inputs` as an object of named tensors, each a whole tensor.
    pub(super) fn tensor_dict(&mut self) -> Step {
        let checker = self.checker;
        self.enter()?;
        let mut seen = Seen::default();
        seen.reset(checker.columns.len());
        let mut first = true;
        while let Some(token) = self.key(first)? {
            first = false;
            self.path.push(Seg::Key(token));
            let name = self.key_text(token);
            match checker.names.get(name.as_bytes()) {
                Some(k) if seen.mark(k) => {
                    self.error(ProblemKind::DuplicateKey, || {
                        format!("tensor `{name}` is given twice")
                    });
                    self.skip()?;
                }
                Some(k) => self.whole_tensor(k)?,
                None => {
                    self.extra_column(&name, None);
                    self.skip()?;
                }
            }
            self.path.pop();
        }
        self.leave();
        for (k, column) in checker.columns.iter().enumerate() {
            if column.required && !seen.has(k) {
                self.missing_column(k, None);
            }
        }
        self.whole_tensors = true;
        Ok(())
    }
}

/// What an object of columns has given so far.
pub(super) struct ColumnDict {
    seen: Seen,
    state: RecordsState,
    shape: DictShape,
}

impl ColumnDict {
    pub(super) fn new(checker: &JsonChecker, mlflow: bool) -> Self {
        let mut seen = Seen::default();
        seen.reset(checker.columns.len());
        ColumnDict {
            seen,
            state: RecordsState::default(),
            // MLflow reads an object of columns as one row when the schema has an array or
            // object column.
            shape: if checker.dict_is_one_row(mlflow) {
                DictShape::OneRow
            } else {
                DictShape::Undecided
            },
        }
    }

    /// The same, with its shape known beforehand.
    pub(super) fn with_shape(mut self, shape: DictShape) -> Self {
        self.shape = shape;
        self
    }
}
