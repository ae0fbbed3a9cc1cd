//! The MLflow modes' tensors (spec §5.8, §6.3): the scoring server casts every element with
//! numpy to the spec's dtype; `pyfunc.predict` gets the array numpy infers from the JSON and
//! wants the spec's dtype exactly; a tensor built from a frame is reshaped and cast in both.

use super::{Cell, CellSink, Run, Step, shape_text};
use crate::check::mlflow::{Route, Series, Val, Verdict};
use crate::check::numpy_casts::tensor_cast;
use crate::check::values::LeafSpec;
use crate::report::{ProblemKind, Severity};
use crate::types::{NumpyDtype, TensorSpec};

impl<S: CellSink> Run<'_, '_, S> {
    /// Marks tensor `k` as given in this body, even if it turns out empty.
    pub(super) fn ml_tensor_given(&mut self, k: usize) {
        let untold = self
            .ml
            .as_ref()
            .is_some_and(|ml| ml.tensors.get(k).is_some_and(Option::is_none));
        if untold {
            // Where the tensor (or its first row) is: predict's verdict is on the whole.
            let at = self.pointer();
            if let Some(slot) = self.ml.as_mut().and_then(|ml| ml.tensors.get_mut(k)) {
                slot.get_or_insert_with(Series::default).at = Some(at);
            }
        }
    }

    /// The body is a frame whose columns are the elements of an unnamed tensor: predict gets
    /// `df.to_numpy()`, uncast.
    pub(super) fn ml_frame_columns_tensor(&mut self) {
        if let Some(ml) = self.ml.as_mut() {
            ml.uncast_frame = true;
        }
    }

    /// One element of a tensor, in an MLflow mode. `in_rows`: the tensor arrives row by row
    /// (a frame column, `instances` records), not whole.
    pub(super) fn ml_tensor_element(&mut self, spec: &TensorSpec, in_rows: bool) -> Step {
        let start = self.s.pos();
        if let Some(k) = self.column {
            self.ml_tensor_given(k);
        }
        let value = self.ml_value()?;
        let (Some(k), Some(ml)) = (self.column, self.ml.as_mut()) else {
            return Ok(());
        };
        if let Some(series) = ml.tensors.get_mut(k).and_then(Option::as_mut) {
            series.add(&value);
        }
        let reshaped = ml.route == Route::Frame && !ml.uncast_frame;
        let verdict = if reshaped {
            // `_reshape_and_cast_pandas_column_values`: scalar cells go through `np.array(col,
            // dtype)`; list cells are stacked first, and a null among them fails.
            // `_reshape_and_cast_pandas_column_values`: predict casts a column of scalar cells
            // from pandas' float64, where a null is NaN, with a C cast that never fails.
            let scalar_cells = spec.shape().len() == 1 && in_rows;
            match value {
                Val::Null if !ml.serving && scalar_cells => Verdict::Changed(
                    "pandas makes the null NaN, which numpy casts to the tensor's dtype".to_owned(),
                ),
                _ => tensor_cast(spec.dtype(), &value),
            }
        } else if ml.serving {
            tensor_cast(spec.dtype(), &value)
        } else {
            // Predict: the dtype of the whole array decides, once it is read.
            Verdict::Keep
        };
        self.ml_tensor_verdict(spec.dtype(), verdict, start, &value);
        Ok(())
    }

    fn ml_tensor_verdict(&mut self, dtype: &NumpyDtype, verdict: Verdict, start: usize, v: &Val) {
        let end = self.s.pos();
        let (severity, kind, message) = match verdict {
            Verdict::Keep => return,
            Verdict::Changed(what) => (Severity::Warning, ProblemKind::ValueChanged, what),
            Verdict::Refused(why) => {
                let kind = match v {
                    Val::Null => ProblemKind::NullNotAllowed,
                    Val::Int(_) => ProblemKind::OutOfRange,
                    _ => ProblemKind::WrongType,
                };
                (Severity::Error, kind, why)
            }
        };
        self.report(severity, |run| {
            let mut problem = run
                .here(kind, severity, message)
                .with_expected(LeafSpec::tensor(dtype).expected())
                .with_found(v.kind());
            if *v != Val::Null {
                problem = problem.with_value(run.excerpt(start, end));
            }
            problem
        });
    }

    /// An empty list above a tensor's last dimension: numpy reads it as shape `(0,)`, which
    /// lacks the dimensions below.
    pub(super) fn ml_empty_tensor_level(&mut self, spec: &TensorSpec) {
        if self.ml.is_none() || self.ml_object_pass_through(spec) {
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
        self.ml.as_ref().is_some_and(|ml| {
            ml.serving
                && ml.route != Route::Frame
                && *spec.dtype() == NumpyDtype::Object
                && spec.shape().get(1..).is_some_and(|rest| rest.contains(&-1))
        })
    }

    /// A list where predict wants one element of an `object` tensor: numpy makes it another
    /// dimension (the scoring server's `object` cast keeps it as one element).
    pub(super) fn ml_predict_nested_object_element(&self) -> bool {
        self.ml.as_ref().is_some_and(|ml| !ml.serving)
    }

    /// The tensor-wide decisions once a format's data is read: predict's exact dtype, and the
    /// shapes MLflow can build a tensor of from a frame column.
    pub(super) fn ml_finish_tensors(&mut self, rows: Option<u64>) {
        let c = self.c;
        let Some(ml) = self.ml.as_ref() else {
            return;
        };
        let (serving, route) = (ml.serving, ml.route);
        // Records with one key are a frame of one column, which MLflow reshapes and casts.
        let uncast_frame = ml.uncast_frame
            && ml
                .tensors
                .first()
                .and_then(Option::as_ref)
                .is_some_and(|t| Some(t.n) != rows);
        let given: Vec<(usize, Option<String>, &'static str, bool)> = ml
            .tensors
            .iter()
            .enumerate()
            .filter_map(|(k, t)| {
                t.as_ref().map(|s| {
                    let all_null = s.n > 0 && s.nulls == s.n;
                    (k, s.at.clone(), s.array_dtype(uncast_frame), all_null)
                })
            })
            .collect();
        for (k, at, inferred, all_null) in given {
            let Some(Cell::Tensor { spec, .. }) = c.columns.get(k).map(|col| &col.cell) else {
                continue;
            };
            let at = at.unwrap_or_else(|| self.pointer());
            self.column = Some(k);
            let shape = spec.shape();
            if route == Route::Frame && !uncast_frame {
                if !serving && all_null && shape.len() == 1 {
                    self.report(Severity::Error, |run| {
                        run.here_at(
                            at.clone(),
                            ProblemKind::NullNotAllowed,
                            "a frame column of nulls only is an object column, from which \
                             predict cannot build a tensor"
                                .to_owned(),
                        )
                    });
                }
                let buildable = shape.first() == Some(&-1) && !shape[1..].contains(&-1);
                if !buildable {
                    let shape = shape_text(shape);
                    self.report(Severity::Error, |run| {
                        run.here_at(
                            at,
                            ProblemKind::TensorShape,
                            format!(
                                "MLflow builds a tensor from a frame column only when its first \
                                 dimension is -1 and the others fixed, not {shape}"
                            ),
                        )
                    });
                }
            } else if !serving {
                let expected = spec.dtype().name();
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
}
