//! The MLflow modes' tensors (docs/mlflow-behaviour.md §8, §9): the scoring server casts every
//! element with numpy to the spec's dtype; `pyfunc.predict` gets the array numpy infers from the
//! JSON and wants the spec's dtype exactly; a tensor built from a frame is reshaped and cast in
//! both, as a whole column, so which cast each value goes through depends on the column's dtype.

use std::collections::HashMap;

use super::{Cell, CellSink, Run, Seg, Step, shape_text};
use crate::check::values::LeafSpec;
use crate::pandas_rules::numpy::{serving_frame_tensor_cast, tensor_cast, tensor_text_cast};
use crate::pandas_rules::values::{Dtype, Route, Series, Val, Verdict};
use crate::report::{Problem, ProblemKind, Severity};
use crate::types::{NumpyDtype, TensorSpec};

/// What a check keeps of one tensor given in a body.
#[derive(Clone, Debug, Default)]
pub(super) struct TensorValues {
    /// What its values are, for the dtype numpy or pandas gives them.
    series: Series,
    /// Whether its first value is null: MLflow's reshape of a frame column looks at it.
    first_null: Option<bool>,
    /// In a frame, numpy's cast of each value as a Python object: what a column of mixed
    /// values (`object`) goes through.
    elements: CastLog,
    /// In a frame, numpy's cast of each value's text: what a column of text (pandas' `str`, or
    /// numpy's when list cells mix text with numbers) goes through.
    texts: CastLog,
    /// For the scoring server's cast of several frame columns to `datetime64` or
    /// `timedelta64`: per column (by position or key), whether it has booleans and whether it
    /// has other values, since pandas casts booleans only in a column of booleans alone.
    frame_columns: HashMap<String, (bool, bool)>,
    /// Where the first value is that makes a column mix booleans with other values.
    mixed_booleans: Option<String>,
}

/// How many frame columns [`TensorValues::frame_columns`] follows: memory stays bounded
/// whatever the body.
const FRAME_COLUMNS_FOLLOWED: usize = 1024;

/// The casts of a frame column's values that are not kept, counted; the first of each kind
/// kept to report, once the column's dtype says whether they apply.
#[derive(Clone, Debug, Default)]
struct CastLog {
    refused: u64,
    changed: u64,
    first_refused: Option<Problem>,
    first_changed: Option<Problem>,
    /// Where the first value not kept is.
    first_not_kept: Option<String>,
}

impl CastLog {
    /// Whether a `verdict` would be the first of its kind (its problem is then wanted).
    fn wants(&self, verdict: &Verdict) -> bool {
        match verdict {
            Verdict::Keep => false,
            Verdict::Changed(_) => self.first_changed.is_none(),
            Verdict::Refused(_) => self.first_refused.is_none(),
        }
    }

    fn add(&mut self, verdict: &Verdict, problem: Option<Problem>) {
        let (count, first) = match verdict {
            Verdict::Keep => return,
            Verdict::Changed(_) => (&mut self.changed, &mut self.first_changed),
            Verdict::Refused(_) => (&mut self.refused, &mut self.first_refused),
        };
        *count += 1;
        if first.is_none() {
            if self.first_not_kept.is_none() {
                self.first_not_kept = problem.as_ref().map(|p| p.pointer().to_owned());
            }
            *first = problem;
        }
    }
}

impl<S: CellSink> Run<'_, '_, S> {
    /// Marks tensor `k` as given in this body, even if it turns out empty.
    pub(super) fn ml_tensor_given(&mut self, k: usize) {
        let untold = self
            .mlflow
            .as_ref()
            .is_some_and(|ml| ml.tensors.get(k).is_some_and(Option::is_none));
        if untold {
            // Where the tensor (or its first row) is: predict's verdict is on the whole.
            let at = self.pointer();
            if let Some(slot) = self.mlflow.as_mut().and_then(|ml| ml.tensors.get_mut(k)) {
                slot.get_or_insert_with(Box::default).series.at = Some(at);
            }
        }
    }

    /// The body is a frame whose columns are the elements of an unnamed tensor: predict gets
    /// `df.to_numpy()`, uncast.
    pub(super) fn ml_frame_columns_tensor(&mut self) {
        if let Some(ml) = self.mlflow.as_mut() {
            ml.uncast_frame = true;
        }
    }

    /// One element of a tensor, in an MLflow mode. `in_rows`: the tensor arrives row by row
    /// (a frame column, `instances` records), not whole.
    pub(super) fn ml_tensor_element(&mut self, spec: &TensorSpec, in_rows: bool) -> Step {
        let start = self.scanner.pos();
        if let Some(k) = self.column {
            self.ml_tensor_given(k);
        }
        let value = self.ml_value()?;
        let (Some(k), Some(ml)) = (self.column, self.mlflow.as_ref()) else {
            return Ok(());
        };
        let dtype = spec.dtype();
        let verdict = if ml.route == Route::Frame {
            // A whole cell (else an element of a list cell, which the server does not cast).
            let scalar_cell = ml.uncast_frame || (in_rows && spec.shape().len() == 1);
            if ml.serving && scalar_cell {
                if ml.uncast_frame
                    && matches!(
                        dtype,
                        NumpyDtype::Datetime64(_) | NumpyDtype::Timedelta64(_)
                    )
                {
                    self.ml_follow_booleans(k, &value);
                }
                // `cast_df_types_according_to_schema`, value by value.
                serving_frame_tensor_cast(dtype, &value)
            } else {
                // `_reshape_and_cast_pandas_column_values` casts the column as a whole from the
                // dtype pandas (or `np.vstack`) gives it, known once every value is read.
                self.ml_log_frame_casts(k, dtype, start, &value);
                Verdict::Keep
            }
        } else if ml.serving {
            tensor_cast(dtype, &value)
        } else {
            // Predict: the dtype of the whole array decides, once it is read.
            Verdict::Keep
        };
        if let Some(tensor) = self
            .mlflow
            .as_mut()
            .and_then(|ml| ml.tensors.get_mut(k))
            .and_then(Option::as_mut)
        {
            tensor.series.add(&value);
            tensor.first_null.get_or_insert(value == Val::Null);
        }
        if let Some(parts) = verdict_parts(&verdict, &value) {
            self.report(parts.0, |run| {
                run.tensor_problem(dtype, parts, start, &value)
            });
        }
        Ok(())
    }

    /// Notes whether `value` makes its frame column mix booleans with other values.
    fn ml_follow_booleans(&mut self, k: usize, value: &Val) {
        let column = match self.path.last() {
            Some(Seg::Index(i)) => i.to_string(),
            Some(Seg::Key(token)) => self.key_text(*token).into_owned(),
            _ => return,
        };
        let at = self.pointer();
        let Some(Some(tensor)) = self.mlflow.as_mut().and_then(|ml| ml.tensors.get_mut(k)) else {
            return;
        };
        let followed = tensor.frame_columns.len();
        let state = match tensor.frame_columns.get_mut(&column) {
            Some(state) => state,
            None if followed < FRAME_COLUMNS_FOLLOWED => {
                tensor.frame_columns.entry(column).or_default()
            }
            None => return,
        };
        if matches!(value, Val::Bool(_)) {
            state.0 = true;
        } else {
            state.1 = true;
        }
        if state.0 && state.1 && tensor.mixed_booleans.is_none() {
            tensor.mixed_booleans = Some(at);
        }
    }

    /// Keeps how each of a frame column's casts would treat `value`, to report at the end the
    /// ones the column's dtype selects.
    fn ml_log_frame_casts(&mut self, k: usize, dtype: &NumpyDtype, start: usize, value: &Val) {
        let element = tensor_cast(dtype, value);
        // Text is its own text: one cast for both.
        let text = match value {
            Val::Str(_) => element.clone(),
            _ => tensor_text_cast(dtype, value),
        };
        let verdicts = [element, text];
        let wanted = match self.mlflow.as_ref().and_then(|ml| ml.tensors.get(k)) {
            Some(Some(tensor)) => [
                tensor.elements.wants(&verdicts[0]),
                tensor.texts.wants(&verdicts[1]),
            ],
            _ => return,
        };
        let problems = [0, 1].map(|i| {
            verdict_parts(&verdicts[i], value)
                .filter(|_| wanted[i])
                .map(|parts| self.tensor_problem(dtype, parts, start, value))
        });
        if let Some(Some(tensor)) = self.mlflow.as_mut().and_then(|ml| ml.tensors.get_mut(k)) {
            let [elements, texts] = problems;
            tensor.elements.add(&verdicts[0], elements);
            tensor.texts.add(&verdicts[1], texts);
        }
    }

    /// The problem a verdict on one tensor element makes at the current place.
    fn tensor_problem(
        &self,
        dtype: &NumpyDtype,
        (severity, kind, message): (Severity, ProblemKind, &str),
        start: usize,
        v: &Val,
    ) -> Problem {
        let end = self.scanner.pos();
        let mut problem = self
            .here(kind, severity, message.to_owned())
            .with_expected(LeafSpec::tensor(dtype).expected())
            .with_found(v.kind());
        if *v != Val::Null {
            problem = problem.with_value(self.excerpt(start, end));
        }
        problem
    }

    /// An empty list above a tensor's last dimension: numpy reads it as shape `(0,)`, which
    /// lacks the dimensions below.
    pub(super) fn ml_empty_tensor_level(&mut self, spec: &TensorSpec) {
        if self.mlflow.is_none() || self.ml_object_pass_through(spec) {
            return;
        }
        let shape = shape_text(spec.shape());
        self.error(ProblemKind::TensorShape, || {
            format!(
                "an empty list where the tensor of shape {shape} needs its lower dimensions: \
                 numpy reads it as shape (0,)"
            )
        });
    }

    /// Whether MLflow takes any value for this tensor, in an MLflow mode
    /// ([`tensor_takes_anything`](crate::pandas_rules::numpy::tensor_takes_anything)).
    pub(super) fn ml_takes_anything(&self, spec: &TensorSpec) -> bool {
        self.mlflow.is_some() && crate::pandas_rules::numpy::tensor_takes_anything(spec)
    }

    /// Whether lists at `level` may differ in length: the scoring server builds an `object`
    /// tensor from ragged lists, and MLflow lets a ragged `object` tensor through when the
    /// spec has a `-1` below its first dimension.
    pub(super) fn ml_keeps_ragged(&self, spec: &TensorSpec, dims: usize, level: usize) -> bool {
        let absolute = level + spec.shape().len().saturating_sub(dims);
        absolute > 0 && self.ml_object_pass_through(spec)
    }

    /// Whether MLflow lets a one-dimensional `object` array through for this spec: the
    /// scoring server casts to `object`, and the spec has a `-1` below its first dimension.
    fn ml_object_pass_through(&self, spec: &TensorSpec) -> bool {
        self.mlflow.as_ref().is_some_and(|ml| {
            ml.serving
                && ml.route != Route::Frame
                && *spec.dtype() == NumpyDtype::Object
                && spec.shape().get(1..).is_some_and(|rest| rest.contains(&-1))
        })
    }

    /// A list where predict wants one element of an `object` tensor: numpy makes it another
    /// dimension (the scoring server's `object` cast keeps it as one element).
    pub(super) fn ml_predict_nested_object_element(&self) -> bool {
        self.mlflow.as_ref().is_some_and(|ml| !ml.serving)
    }

    /// The tensor-wide decisions once a format's data is read: predict's exact dtype, the
    /// shapes MLflow can build a tensor of from a frame column, and the casts of a frame
    /// column that depend on its dtype.
    pub(super) fn ml_finish_tensors(&mut self, rows: Option<u64>) {
        let checker = self.checker;
        let Some(ml) = self.mlflow.as_ref() else {
            return;
        };
        let (serving, route) = (ml.serving, ml.route);
        // Records with one key are a frame of one column, which MLflow reshapes and casts.
        let uncast_frame = ml.uncast_frame
            && ml
                .tensors
                .first()
                .and_then(Option::as_ref)
                .is_some_and(|t| Some(t.series.n) != rows);
        let given: Vec<(usize, Box<TensorValues>)> = ml
            .tensors
            .iter()
            .enumerate()
            .filter_map(|(k, t)| t.clone().map(|t| (k, t)))
            .collect();
        for (k, tensor) in given {
            let Some(Cell::Tensor { spec, .. }) = checker.columns.get(k).map(|col| &col.cell)
            else {
                continue;
            };
            let at = tensor.series.at.clone().unwrap_or_else(|| self.pointer());
            self.column = Some(k);
            let (shape, dtype) = (spec.shape(), spec.dtype());
            if self.ml_takes_anything(spec) {
                self.column = None;
                continue;
            }
            if route == Route::Frame && !uncast_frame {
                let buildable = shape.first() == Some(&-1) && !shape[1..].contains(&-1);
                if !buildable {
                    let shape = shape_text(shape);
                    self.report(Severity::Error, |run| {
                        run.here_at(
                            at.clone(),
                            ProblemKind::TensorShape,
                            format!(
                                "MLflow builds a tensor from a frame column only when its first \
                                 dimension is -1 and the others fixed, not {shape}"
                            ),
                        )
                    });
                }
                self.ml_frame_column(&tensor, dtype, shape.len() == 1, serving, at);
            } else if route == Route::Frame && serving {
                self.ml_served_frame_columns(&tensor, dtype, at);
            } else if !serving {
                let inferred = tensor.series.array_dtype(uncast_frame);
                let expected = dtype.name();
                if inferred != expected {
                    self.report(Severity::Error, |run| {
                        run.here_at(
                            at,
                            ProblemKind::WrongType,
                            format!(
                                "predict gets a {inferred} array for this {expected} tensor: \
                                 without the scoring server's cast, MLflow wants the dtype exactly"
                            ),
                        )
                        .with_expected(expected.clone())
                        .with_found(inferred)
                    });
                }
            }
            self.column = None;
        }
    }

    /// A frame column MLflow reshapes into a tensor (`_reshape_and_cast_pandas_column_values`):
    /// scalar cells are cast with `np.array(column, dtype)` from the column's pandas dtype (in
    /// the scoring server, after its own cast of each value, judged as the values came); list
    /// cells are stacked with `np.vstack`, whose dtype numpy infers from every element, then
    /// cast with `astype`.
    fn ml_frame_column(
        &mut self,
        tensor: &TensorValues,
        dtype: &NumpyDtype,
        scalar_cells: bool,
        serving: bool,
        at: String,
    ) {
        let name = dtype.name();
        let refuse = |run: &mut Self, kind: ProblemKind, message: String| {
            run.report(Severity::Error, |run| {
                run.here_at(at.clone(), kind, message)
            });
        };
        if serving && scalar_cells {
            if matches!(
                dtype,
                NumpyDtype::Datetime64(_) | NumpyDtype::Timedelta64(_)
            ) {
                refuse(
                    self,
                    ProblemKind::WrongType,
                    format!(
                        "the scoring server casts the frame column to {name} with pandas, whose \
                         Timestamp or Timedelta values MLflow's reshape refuses: they are not \
                         numpy scalars"
                    ),
                );
            }
            // The other casts were the server's, value by value.
            return;
        }
        if serving && *dtype == NumpyDtype::Bytes {
            refuse(
                self,
                ProblemKind::WrongType,
                "the scoring server encodes each cell of a bytes tensor's frame column with \
                 `bytes(cell, \"utf8\")`, which takes text, and these cells are lists"
                    .to_owned(),
            );
            return;
        }
        let series = &tensor.series;
        if tensor.first_null == Some(true) {
            let why = if !scalar_cells {
                Some(
                    "the first element of the column's first list is null, where MLflow's \
                     reshape wants a number or a string",
                )
            } else if series.dtype(false) == Dtype::Object {
                Some(
                    "the column's first value is null, which pandas keeps as None (not NaN) \
                     among these values, where MLflow's reshape wants a number or a string",
                )
            } else {
                None
            };
            if let Some(why) = why {
                refuse(self, ProblemKind::NullNotAllowed, why.to_owned());
                return;
            }
        }
        // The dtype numpy casts from, and which of the logged casts that means.
        let (source, log) = if scalar_cells {
            match series.dtype(false) {
                Dtype::Empty => return,
                Dtype::Str => ("str", Some(&tensor.texts)),
                Dtype::Object => ("object", Some(&tensor.elements)),
                numeric => (numeric.name(), None),
            }
        } else {
            match series.array_dtype(false) {
                "str" => ("str", Some(&tensor.texts)),
                "object" => ("object", Some(&tensor.elements)),
                numeric => (numeric, None),
            }
        };
        match log {
            Some(log) => {
                for (problem, count, what) in [
                    (&log.first_refused, log.refused, "refused"),
                    (&log.first_changed, log.changed, "changed"),
                ] {
                    if let Some(problem) = problem.clone() {
                        // The first of its kind stands for the others.
                        let problem = if count > 1 {
                            problem.with_note(format!(
                                "{count} values of this {source} column are {what} by the cast"
                            ))
                        } else {
                            problem
                        };
                        self.report(problem.severity(), |_| problem);
                    }
                }
            }
            None => {
                // numpy's `astype` from numbers or booleans refuses nothing (it wraps, truncates
                // and rounds): say where the first value it changes is.
                if let Some(pointer) = tensor.elements.first_not_kept.clone() {
                    let mut problem = Problem::new(
                        ProblemKind::ValueChanged,
                        Severity::Warning,
                        pointer,
                        format!(
                            "numpy casts the column's {source} values to {name} as a whole, \
                             changing them"
                        ),
                    );
                    if let Some(column) = self.column.and_then(|i| self.checker.columns.get(i)) {
                        problem = problem.with_column(column.label.clone());
                    }
                    self.report(Severity::Warning, |_| problem);
                }
            }
        }
    }

    /// The columns of a frame that are together one unnamed tensor, in the scoring server: each
    /// is cast with pandas (its values were judged one by one), then `df.to_numpy()` must have
    /// the tensor's dtype.
    fn ml_served_frame_columns(&mut self, tensor: &TensorValues, dtype: &NumpyDtype, at: String) {
        let why = match dtype {
            NumpyDtype::Bytes => Some((
                at,
                "the scoring server's cast leaves each value of a bytes tensor's column a Python \
                 bytes object, so the frame's array has dtype object, not bytes"
                    .to_owned(),
            )),
            NumpyDtype::Datetime64(_) | NumpyDtype::Timedelta64(_) => {
                tensor.mixed_booleans.as_ref().map(|mixed| {
                    (
                        mixed.clone(),
                        format!(
                            "pandas casts booleans to {} only in a column of booleans alone",
                            dtype.name()
                        ),
                    )
                })
            }
            _ => None,
        };
        if let Some((at, why)) = why {
            self.report(Severity::Error, |run| {
                run.here_at(at, ProblemKind::WrongType, why)
            });
        }
    }
}

/// The severity, kind and message of a verdict on tensor element `v`; `None` when kept.
fn verdict_parts<'v>(verdict: &'v Verdict, v: &Val) -> Option<(Severity, ProblemKind, &'v str)> {
    match verdict {
        Verdict::Keep => None,
        Verdict::Changed(what) => Some((Severity::Warning, ProblemKind::ValueChanged, what)),
        Verdict::Refused(why) => {
            let kind = match v {
                Val::Null => ProblemKind::NullNotAllowed,
                Val::Int(_) => ProblemKind::OutOfRange,
                _ => ProblemKind::WrongType,
            };
            Some((Severity::Error, kind, why))
        }
    }
}
