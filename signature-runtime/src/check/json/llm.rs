//! MLflow's unified-LLM bodies (docs/mlflow-behaviour.md §9): a body with any of `messages`,
//! `prompt` or `input` is taken as is. The keys named like a parameter of the signature are its
//! params; every other key (`params` included) is a column of one data dict that `pyfunc.predict`
//! gets uncast, so the scoring server and predict decide alike. pandas makes a frame of the dict
//! (docs/mlflow-behaviour.md §4): one row when the schema has an `array` or `object` column or
//! every value is a single value or a list of strings; else a column per list, each single value
//! repeated on every row.

use std::collections::HashSet;

use super::inputs::ColumnDict;
use super::{Cell, CellSink, DictShape, LLM_KEYS, Run, Seen, Seg, Step};
use crate::pandas_rules::values::{Route, Series, Val};
use crate::report::{ProblemKind, Severity};
use crate::types::ParamSchema;

/// The frame pandas makes of a unified-LLM dict.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum LlmFrame {
    /// `pd.DataFrame([dict])`: one row, each value a cell.
    OneRow,
    /// `pd.DataFrame(dict)`: this many rows.
    Rows(u64),
    /// pandas cannot make a frame of the dict: why, and the kind of problem.
    Refused(ProblemKind, &'static str),
}

impl<S: CellSink> Run<'_, '_, S> {
    /// Whether the object at the cursor has a unified-LLM key at its top level. Looks ahead
    /// without reporting: the real pass reports any syntax error.
    pub(super) fn is_unified_llm(&mut self) -> bool {
        let start = self.scanner.pos();
        self.scanner.seek(start + 1);
        let (depth, max) = (self.depth + 1, self.checker.options.max_depth);
        let mut found = false;
        let mut first = true;
        while let Ok(Some(token)) = self.scanner.object_key(first) {
            first = false;
            if !token.escaped
                && LLM_KEYS
                    .iter()
                    .any(|k| k.as_bytes() == &self.scanner.bytes()[token.range()])
            {
                found = true;
                break;
            }
            if self.scanner.skip_value(depth, max).is_err() {
                break;
            }
        }
        self.scanner.seek(start);
        found
    }

    /// A unified-LLM body, in an MLflow mode.
    pub(super) fn llm_body(&mut self) -> Step {
        let checker = self.checker;
        if checker.is_tensor_schema() {
            self.error(ProblemKind::BadEnvelope, || {
                "MLflow passes a unified-LLM body (`messages`, `prompt`, `input`) to the model as \
                 a dict of plain values, which a tensor signature refuses"
                    .to_owned()
            });
            return self.skip();
        }
        let serving = match self.mlflow.as_mut() {
            Some(ml) => {
                ml.route = Route::Frame;
                ml.llm = true;
                ml.series.iter_mut().for_each(|s| *s = Series::default());
                // No cast: the server hands the dict to predict as it is.
                std::mem::replace(&mut ml.serving, false)
            }
            None => return self.skip(),
        };
        let specs = checker
            .params
            .as_ref()
            .map(ParamSchema::params)
            .unwrap_or_default();
        let mut params_seen = Seen::default();
        params_seen.reset(specs.len());
        // Whether the dict is one row depends on every value: a look ahead decides it.
        let frame = self.llm_frame();
        let shape = match frame {
            LlmFrame::OneRow => DictShape::OneRow,
            LlmFrame::Rows(rows) => DictShape::Broadcast { rows },
            LlmFrame::Refused(kind, why) => {
                self.error(kind, || why.to_owned());
                DictShape::OneRow
            }
        };
        let refused = matches!(frame, LlmFrame::Refused(..));
        let mut dict = ColumnDict::new(checker, true).with_shape(shape);
        self.enter()?;
        let mut first = true;
        while let Some(token) = self.key(first)? {
            first = false;
            let name = self.key_text(token);
            match checker.param_names.get(name.as_bytes()) {
                Some(i) => {
                    self.path.push(Seg::Key(token));
                    if params_seen.mark(i) {
                        self.error(ProblemKind::DuplicateKey, || {
                            format!("parameter `{name}` is given twice")
                        });
                        self.skip()?;
                    } else {
                        let spec = &specs[i];
                        self.param = Some(spec.name());
                        self.param_value(spec)?;
                        self.param = None;
                    }
                    self.path.pop();
                }
                // Without a frame there is nothing more to say of the data.
                None if refused => self.skip()?,
                None => self.column_dict_entry(token, &mut dict)?,
            }
        }
        self.leave();
        if !refused {
            let rows = self.column_dict_end(&dict);
            self.rows = Some(rows);
            self.ml_finish(Some(rows));
        }
        if let Some(ml) = self.mlflow.as_mut() {
            ml.serving = serving;
        }
        Ok(())
    }

    /// The frame pandas makes of the unified-LLM dict at the cursor (MLflow's `_enforce_schema`
    /// on a dict), looking ahead without reporting: the real pass reports any syntax error.
    fn llm_frame(&mut self) -> LlmFrame {
        if self.checker.dict_is_one_row(true) {
            return LlmFrame::OneRow;
        }
        let start = self.scanner.pos();
        self.scanner.seek(start + 1);
        let (depth, max) = (self.depth + 1, self.checker.options.max_depth);
        // Whether every value is a single value or a list of strings.
        let mut single = true;
        let mut lengths: Option<(u64, bool)> = None;
        // The keys of the values that are objects: pandas makes them the rows.
        let mut index: Option<HashSet<String>> = None;
        let mut first = true;
        while let Ok(Some(token)) = self.scanner.object_key(first) {
            first = false;
            let name = self.key_text(token);
            let is_param = self.checker.param_names.get(name.as_bytes()).is_some();
            let scanned = match self.scanner.peek() {
                _ if is_param => self.scanner.skip_value(depth, max).ok(),
                Some(b'[') => self.llm_scan_list(depth + 1, max).map(|(len, strings)| {
                    single &= strings;
                    lengths = Some(match lengths {
                        None => (len, true),
                        Some((first, equal)) => (first, equal && first == len),
                    });
                }),
                Some(b'{') => {
                    single = false;
                    let keys = index.get_or_insert_with(HashSet::new);
                    self.llm_scan_keys(keys, depth + 1, max)
                }
                _ => self.scanner.skip_value(depth, max).ok(),
            };
            if scanned.is_none() {
                break;
            }
        }
        self.scanner.seek(start);
        if single {
            return LlmFrame::OneRow;
        }
        match (lengths, index) {
            (Some(_), Some(_)) => LlmFrame::Refused(
                ProblemKind::BadEnvelope,
                "pandas cannot make a frame of a unified-LLM dict whose values mix objects and \
                 lists (it refuses the ambiguous order)",
            ),
            (Some((_, false)), None) => LlmFrame::Refused(
                ProblemKind::RowLength,
                "pandas makes a column of each list of this unified-LLM dict, and they do not \
                 all have the same length",
            ),
            (Some((rows, true)), None) => LlmFrame::Rows(rows),
            (None, Some(keys)) => LlmFrame::Rows(keys.len() as u64),
            (None, None) => LlmFrame::OneRow,
        }
    }

    /// Walks the list at the cursor: its length, and whether every element is a string.
    fn llm_scan_list(&mut self, depth: usize, max: usize) -> Option<(u64, bool)> {
        self.scanner.seek(self.scanner.pos() + 1);
        let (mut len, mut strings) = (0, true);
        if self.scanner.array_first() {
            loop {
                strings &= self.scanner.peek() == Some(b'"');
                self.scanner.skip_value(depth, max).ok()?;
                len += 1;
                if !self.scanner.array_next().ok()? {
                    break;
                }
            }
        }
        Some((len, strings))
    }

    /// Walks the object at the cursor, adding its keys to `keys`.
    fn llm_scan_keys(
        &mut self,
        keys: &mut HashSet<String>,
        depth: usize,
        max: usize,
    ) -> Option<()> {
        self.scanner.seek(self.scanner.pos() + 1);
        let mut first = true;
        while let Some(token) = self.scanner.object_key(first).ok()? {
            first = false;
            keys.insert(self.key_text(token).into_owned());
            self.scanner.skip_value(depth, max).ok()?;
        }
        Some(())
    }

    /// The value of column `k` in a unified-LLM dict pandas makes `rows` rows of: a list's
    /// elements or an object's values are the column's cells (rows an object lacks are NaN);
    /// a single value is repeated on every row.
    pub(super) fn broadcast_column(&mut self, k: usize, rows: u64) -> Step {
        match self.peek()? {
            b'[' => {
                self.column_values(k)?;
            }
            b'{' => {
                self.enter()?;
                let mut count = 0;
                let mut first = true;
                while let Some(token) = self.key(first)? {
                    first = false;
                    self.path.push(Seg::Key(token));
                    self.row = Some(count);
                    self.cell(k)?;
                    self.path.pop();
                    count += 1;
                }
                self.leave();
                self.row = None;
                self.column = None;
                if count == 0 {
                    // pandas makes a column of NaN, `float64`, of an empty object.
                    self.ml_add_to_series(k, &Val::Float(f64::NAN), 1);
                }
            }
            _ => {
                let start = self.scanner.pos();
                self.row = Some(0);
                self.cell(k)?;
                self.row = None;
                self.column = None;
                // The column holds the value on every row. In a frame of no rows the one value
                // stands for the column's dtype, which pandas takes from it.
                if rows > 1 && matches!(self.checker.columns[k].cell, Cell::Leaf(_)) {
                    let end = self.scanner.pos();
                    self.scanner.seek(start);
                    let value = self.ml_value()?;
                    self.scanner.seek(end);
                    self.ml_add_to_series(k, &value, rows - 1);
                }
            }
        }
        Ok(())
    }

    /// Adds `value` `times` times to the series of scalar column `k`.
    fn ml_add_to_series(&mut self, k: usize, value: &Val, times: u64) {
        if let Some(series) = self.mlflow.as_mut().and_then(|ml| ml.series.get_mut(k)) {
            series.add_repeated(value, times);
        }
    }

    /// A unified-LLM key in Strict: refused, with what to do instead.
    pub(super) fn strict_llm_key(&mut self, name: &str) -> Step {
        self.report(Severity::Error, |run| {
            run.here(
                ProblemKind::BadEnvelope,
                Severity::Error,
                format!(
                    "`{name}` makes this a unified-LLM body, which MLflow hands to the model \
                     without checking it against the signature"
                ),
            )
            .with_expected(
                "one of `dataframe_split`, `dataframe_records`, `instances`, `inputs`, and \
                 optionally `params`",
            )
            .with_note(
                "Strict checks data against the signature's columns: send it under `inputs`, or \
                 check with Mode::MlflowServing to get the scoring server's decision",
            )
        });
        self.skip()
    }
}
