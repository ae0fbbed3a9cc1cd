//! The MLflow modes' cells: values gathered per column and judged by the rules of
//! `crate::pandas_rules::values`.

use super::{CellSink, Layout, Run, Step};
use crate::check::scanner::{Literal, unescape};
use crate::check::values::LeafSpec;
use crate::pandas_rules::values::{
    Dtype, Route, Series, Served, Val, Verdict, serving_frame, serving_frame_cast,
    serving_numpy_cast,
};
use crate::report::{ProblemKind, Severity};
use crate::types::{ColumnType, DataType};

impl<S: CellSink> Run<'_, '_, S> {
    /// Reads the value at the cursor as Python's `json.loads` would hold it.
    pub(super) fn ml_value(&mut self) -> Step<Val> {
        Ok(match self.peek()? {
            b'"' => {
                let token = self.string()?;
                let raw = &self.scanner.bytes()[token.range()];
                Val::Str(if token.escaped {
                    unescape(raw)
                } else {
                    String::from_utf8_lossy(raw).into_owned()
                })
            }
            b'-' | b'0'..=b'9' => {
                let number = self.number()?;
                Val::number(&number, &self.scanner.bytes()[number.span.0..number.span.1])
            }
            b'[' => {
                self.skip()?;
                Val::List
            }
            b'{' => {
                self.skip()?;
                Val::Dict
            }
            _ => match self.literal()? {
                Literal::Null => Val::Null,
                Literal::True => Val::Bool(true),
                Literal::False => Val::Bool(false),
            },
        })
    }

    /// A warning that MLflow changes a value, or an error that it refuses it.
    pub(super) fn ml_verdict(&mut self, t: DataType, verdict: Verdict, start: usize, value: &Val) {
        let end = self.scanner.pos();
        match verdict {
            Verdict::Keep => {}
            Verdict::Changed(what) => self.report(Severity::Warning, |run| {
                let problem = run
                    .here(ProblemKind::ValueChanged, Severity::Warning, what)
                    .with_expected(LeafSpec::column(t).expected())
                    .with_found(value.kind());
                // `found` already says null.
                if *value == Val::Null {
                    problem
                } else {
                    problem.with_value(run.excerpt(start, end))
                }
            }),
            Verdict::Refused(why) => {
                let kind = match value {
                    Val::Null => ProblemKind::NullNotAllowed,
                    Val::Int(_) if matches!(t, DataType::Long | DataType::Integer) => {
                        ProblemKind::OutOfRange
                    }
                    Val::Str(_) if t == DataType::Binary => ProblemKind::InvalidBase64,
                    Val::Str(_) if t == DataType::Datetime => ProblemKind::InvalidDatetime,
                    _ => ProblemKind::WrongType,
                };
                self.report(Severity::Error, |run| {
                    let mut problem = run
                        .here(kind, Severity::Error, why)
                        .with_expected(LeafSpec::column(t).expected())
                        .with_found(value.kind());
                    if start < end && *value != Val::Null {
                        problem = problem.with_value(run.excerpt(start, end));
                    }
                    problem
                });
            }
        }
    }

    /// A cell of scalar column `k` of type `t`, in an MLflow mode; gives what the model
    /// receives for it, when MLflow casts it (reported as a `value_changed` warning).
    pub(super) fn ml_cell(&mut self, k: usize, t: DataType) -> Step<Served> {
        let start = self.scanner.pos();
        let value = self.ml_value()?;
        Ok(self.ml_judge(k, t, start, value))
    }

    /// The cell pandas adds to a short `dataframe_split` row (NaN, the null of pandas) for
    /// column `k`, in an MLflow mode.
    pub(super) fn ml_padded_cell(&mut self, k: usize) {
        let Some(column) = self.checker.columns.get(k) else {
            return;
        };
        let label = column.label.clone();
        match column.data_type {
            Some(t) => {
                self.column = Some(k);
                // The model receives the null as sent.
                let _ = self.ml_judge(k, t, self.scanner.pos(), Val::Null);
                self.column = None;
            }
            // `_enforce_array`, `_enforce_object` and `_enforce_map` refuse a NaN.
            None => self.report(Severity::Error, |run| {
                run.here(
                    ProblemKind::NullNotAllowed,
                    Severity::Error,
                    format!(
                        "pandas pads the short row with NaN for column `{label}`, which MLflow \
                         refuses for a composite column"
                    ),
                )
                .with_column(label.clone())
            }),
        }
    }

    /// Columns given without a value (see `Series::given_empty`), in an MLflow mode.
    pub(super) fn ml_given_empty(&mut self, columns: impl IntoIterator<Item = usize>) {
        if let Some(ml) = self.mlflow.as_mut() {
            for k in columns {
                if let Some(series) = ml.series.get_mut(k) {
                    series.given_empty = true;
                }
            }
        }
    }

    /// Gathers `value` of scalar column `k` of type `t` and judges it as MLflow would; gives
    /// what the model receives for it.
    fn ml_judge(&mut self, k: usize, t: DataType, start: usize, value: Val) -> Served {
        let at = match self.mlflow.as_ref().and_then(|ml| ml.series.get(k)) {
            Some(series) if series.at.is_none() => Some(self.pointer()),
            _ => None,
        };
        let Some(ml) = self.mlflow.as_mut() else {
            return Served::AsSent;
        };
        if let Some(series) = ml.series.get_mut(k) {
            series.add(&value);
            if at.is_some() {
                series.at = at;
            }
        }
        // One array of every value: the server casts them all to the first column's type.
        let cast_to = match ml.uniform.as_mut() {
            Some(all) => {
                all.add(&value);
                self.checker
                    .columns
                    .first()
                    .and_then(|col| col.data_type)
                    .unwrap_or(t)
            }
            None => t,
        };
        if ml.serving {
            let (mut verdict, mut served) = match ml.route {
                Route::Frame => serving_frame_cast(t, &value),
                Route::Columns | Route::Records => serving_numpy_cast(cast_to, &value),
            };
            if cast_to != t {
                // Cast to another column's type first: the typed decode gets the value as sent.
                served = Served::AsSent;
            }
            if let (Route::Frame, DataType::Datetime, Val::Str(text), Some(series)) =
                (ml.route, t, &value, ml.series.get_mut(k))
                && !series.same_datetime_format(text)
                && !matches!(verdict, Verdict::Refused(_))
            {
                verdict = Verdict::Refused(
                    "pandas takes the datetime format from the column's first value, and \
                     this value has another format"
                        .to_owned(),
                );
            }
            if matches!(verdict, Verdict::Refused(_)) {
                served = Served::AsSent;
            }
            self.ml_verdict(t, verdict, start, &value);
            return served;
        }
        if matches!(t, DataType::Double | DataType::Float | DataType::String)
            && let (Verdict::Changed(what), served @ (Served::Float(_) | Served::PythonText(_))) =
                serving_frame_cast(t, &value)
        {
            // Predict's casts are column-wide (`pd.to_numeric` of an object column for
            // `double`, objects passed on for `string`), decided once the column is read; a
            // value is cast as the scoring server would, and if its column is refused at the
            // end, the body fails and no row is returned.
            self.ml_verdict(t, Verdict::Changed(what), start, &value);
            return served;
        }
        Served::AsSent
    }

    /// Why MLflow refuses any value of a composite column in this body's shape, if it does.
    pub(super) fn ml_composite_refusal(
        &mut self,
        ty: &ColumnType,
        required: bool,
    ) -> Step<Option<&'static str>> {
        let Some(ml) = self.mlflow.as_ref() else {
            return Ok(None);
        };
        let (serving, route, transposed) = (ml.serving, ml.route, ml.transposed);
        let first = self.peek()?;
        let array = matches!(ty, ColumnType::Array(_) | ColumnType::SparkMLVector);
        let object = matches!(ty, ColumnType::Object(_));
        let map = matches!(ty, ColumnType::Map(_));
        if matches!(ty, ColumnType::AnyType) {
            // `_enforce_type` hands an `any` value on untouched, a 0-d array of None included.
            return Ok(None);
        }
        let empty_dict = first == b'{' && {
            let start = self.scanner.pos();
            self.scanner.seek(start + 1);
            let next = self.scanner.peek();
            self.scanner.seek(start);
            next == Some(b'}')
        };
        // A value inside a list of column values, rather than a column's single value.
        let in_list = matches!(self.path.last(), Some(super::Seg::Index(_)));
        // MLflow returns an optional object's `{}` before looking at its container.
        let object = object && (required || !empty_dict);
        // In `inputs` records, the scoring server's 0-d array of None passes `_enforce_object`
        // for an optional object column (an array column takes its `len()` and fails).
        let passed_null = serving && route == Route::Records && !required && object;
        Ok(if route != Route::Frame && first == b'n' && !passed_null {
            Some("MLflow turns null into a 0-d numpy array, which its enforcement refuses")
        } else if transposed && (array || object) {
            Some(
                "MLflow stacks the `instances` values of an array or object column into a \
                 2-D numpy array, which its schema enforcement refuses; send `inputs` or \
                 `dataframe_records`",
            )
        } else if transposed && map && !serving {
            Some("predict receives each map of `instances` as a 0-d numpy array, not a dict")
        } else if route == Route::Columns && !transposed && !serving && object {
            Some("predict receives the `inputs` value as a 0-d numpy array, not a dict")
        } else if route == Route::Records && !serving && map && first == b'{' {
            // A map column is no `Array` or `Object` to `_enforce_schema`, so the dict of
            // columns becomes a frame of its lists' items (dicts, which `_enforce_map`
            // takes), while each value of a record stays the 0-d array numpy made of it.
            Some("predict receives each map of `inputs` records as a 0-d numpy array, not a dict")
        } else if route == Route::Columns
            && !transposed
            && serving
            && map
            && (!empty_dict || in_list)
        {
            // An `inputs` map given whole (`{"m": {}}`) is one row; an empty one is taken.
            Some("the scoring server reads the keys of an `inputs` map as columns")
        } else {
            None
        })
    }

    /// Whether the value at the cursor is an empty list, `[]` (whitespace inside allowed).
    fn at_empty_list(&mut self) -> Step<bool> {
        self.at_empty(b'[', b']')
    }

    /// Whether the value at the cursor is an empty object, `{}` (whitespace inside allowed).
    pub(super) fn at_empty_object(&mut self) -> Step<bool> {
        self.at_empty(b'{', b'}')
    }

    /// Whether the value at the cursor is `open`, then (after whitespace) `close`.
    fn at_empty(&mut self, open: u8, close: u8) -> Step<bool> {
        if self.peek()? != open {
            return Ok(false);
        }
        let start = self.scanner.pos();
        self.scanner.seek(start + 1);
        self.scanner.skip_ws();
        let empty = self.scanner.peek() == Some(close);
        self.scanner.seek(start);
        Ok(empty)
    }

    /// A refusal of the predict mode, at the current place.
    pub(super) fn ml_predict_refuses(&mut self, why: &str) {
        if self.mlflow.as_ref().is_some_and(|ml| !ml.serving) {
            self.report(Severity::Error, |run| {
                run.here(ProblemKind::BadEnvelope, Severity::Error, why.to_owned())
            });
        }
    }

    /// A scalar inside an `array`, `object` or `map` value, in an MLflow mode: MLflow puts it
    /// in a one-value pandas Series and enforces its type (docs/mlflow-behaviour.md §7).
    pub(super) fn ml_nested(&mut self, t: DataType, nullable: bool) -> Step {
        let start = self.scanner.pos();
        let value = self.ml_value()?;
        match value {
            Val::Null if nullable => return Ok(()),
            Val::Null => {
                let why = "MLflow refuses null here (it expects a scalar)".to_owned();
                self.ml_verdict(t, Verdict::Refused(why), start, &value);
                return Ok(());
            }
            _ => {}
        }
        let mut series = Series::default();
        series.add(&value);
        if let Err(why) = series.enforce(t, series.dtype(false)) {
            self.ml_verdict(t, Verdict::Refused(why), start, &value);
        }
        Ok(())
    }

    /// An `array` of scalars, in an MLflow mode: the whole list is one pandas Series.
    pub(super) fn ml_array(&mut self, t: DataType) -> Step {
        if self.peek()? != b'[' {
            return self.mismatch(ProblemKind::WrongType, || "array (a list)".to_owned());
        }
        let start = self.scanner.pos();
        let mut series = Series::default();
        let mut empty_lists = 0;
        self.each_element(|run, _| {
            if run.at_empty_list()? {
                empty_lists += 1;
            }
            let value = run.ml_value()?;
            series.add(&value);
            Ok(())
        })?;
        let serving = self.mlflow.as_ref().is_some_and(|ml| ml.serving);
        // predict gets an `inputs` column of lists as one 2-D numpy array, which it refuses.
        let two_d = !serving
            && self
                .mlflow
                .as_ref()
                .is_some_and(|ml| ml.route == Route::Columns);
        let mut outcome = series.enforce(t, series.dtype(false));
        if t == DataType::Double && series.n > 0 && empty_lists == series.n && !two_d {
            // `_enforce_array` ends with pandas' `to_numpy(float64)`, which makes NaN of an
            // empty list (measured: `[[]]` becomes `[nan]`).
            self.ml_verdict(
                t,
                Verdict::Changed("pandas turns each empty list into NaN".to_owned()),
                start,
                &Val::List,
            );
            return Ok(());
        }
        if outcome.is_ok() && serving && t == DataType::Float && series.n > 0 {
            outcome = Err(
                "the scoring server enforces the array twice, and its float32 \
                           values come back as float64, which `float` refuses"
                    .to_owned(),
            );
        }
        if let Err(why) = outcome {
            self.ml_verdict(t, Verdict::Refused(why), start, &Val::List);
        }
        Ok(())
    }

    /// The column-wide decisions once a format's data is read: predict's dtype rules, the
    /// columns a list of records leaves with holes, `instances` columns of unequal length.
    pub(super) fn ml_finish(&mut self, rows: Option<u64>) {
        let checker = self.checker;
        let Some(mut ml) = self.mlflow.take() else {
            return;
        };
        let rows = rows.unwrap_or(0);
        // The lengths of `instances` columns are checked with the records
        // (`transposed_lengths`).
        for (k, column) in checker.columns.iter().enumerate() {
            let Some(t) = column.data_type else {
                continue;
            };
            let Some(series) = ml.series.get_mut(k) else {
                continue;
            };
            if series.n == 0 {
                if series.given_empty && !ml.serving {
                    // numpy makes `float64` of an empty list, pandas `object` of a listed
                    // column without rows.
                    let dtype = if ml.route == Route::Columns {
                        Dtype::Float64
                    } else {
                        Dtype::Object
                    };
                    if let Err(why) = series.enforce(t, dtype) {
                        let at = self.pointer();
                        self.report(Severity::Error, |run| {
                            run.here_at(
                                at,
                                ProblemKind::WrongType,
                                format!("column `{}` has no values, and {why}", column.label),
                            )
                            .with_column(column.label.clone())
                            .with_expected(LeafSpec::column(t).expected())
                        });
                    }
                }
                continue;
            }
            let holes = rows.saturating_sub(series.n);
            self.column = Some(k);
            if holes > 0 && ml.route != Route::Columns {
                // pandas fills the holes with NaN: a float, so a column of nulls and holes
                // is float64 to predict (nulls alone make an object column).
                let hole = if ml.serving {
                    Val::Null
                } else {
                    Val::Float(f64::NAN)
                };
                for _ in 0..holes.min(2) {
                    series.add(&hole);
                }
                if ml.serving
                    && let Verdict::Refused(why) = serving_frame(t, &Val::Null)
                {
                    let at = series.at.clone().unwrap_or_default();
                    self.report(Severity::Error, |run| {
                        run.here_at(
                            at,
                            ProblemKind::MissingColumn,
                            format!(
                                "column `{}` is missing from {holes} of {rows} records, \
                                 and {why}",
                                column.label
                            ),
                        )
                    });
                }
            }
            if let Some(all) = ml.uniform.as_ref() {
                if let Err(why) = uniform_enforce(
                    checker.columns.first().and_then(|col| col.data_type),
                    t,
                    all,
                    ml.serving,
                ) {
                    let at = series.at.clone().unwrap_or_default();
                    self.report(Severity::Error, |run| {
                        run.here_at(at, ProblemKind::WrongType, why)
                            .with_expected(LeafSpec::column(t).expected())
                    });
                }
            } else if ml.serving
                && ml.route == Route::Records
                && checker.layout == Layout::Positional
                && !matches!(t, DataType::Boolean | DataType::String | DataType::Binary)
            {
                // Record keys are no column names of an unnamed schema, so the server does
                // not cast their values: predict gets 0-d numpy arrays, as without it.
                let at = series.at.clone().unwrap_or_default();
                self.report(Severity::Error, |run| {
                    run.here_at(
                        at,
                        ProblemKind::WrongType,
                        "the scoring server passes each value of `inputs` records for unnamed \
                         columns on as a 0-d numpy array, which its enforcement refuses for \
                         this type"
                            .to_owned(),
                    )
                    .with_expected(LeafSpec::column(t).expected())
                });
            } else if !ml.serving {
                let numpy = ml.route == Route::Columns;
                // Values MLflow hands on one by one as 0-d numpy arrays make an `object`
                // column, which enforcement lets through only for these types.
                let wrapped_ok =
                    matches!(t, DataType::Boolean | DataType::String | DataType::Binary);
                let outcome = if ml.transposed && series.has_nulls() {
                    // A null among an `instances` column's values makes numpy keep each
                    // value as a 0-d array.
                    if wrapped_ok {
                        Ok(())
                    } else {
                        Err(INSTANCES_WITH_A_NULL.to_owned())
                    }
                } else if ml.route == Route::Records && !wrapped_ok {
                    Err(RECORDS_VALUES.to_owned())
                } else {
                    series.enforce(t, series.dtype(numpy))
                };
                if let Err(why) = outcome {
                    let at = series.at.clone().unwrap_or_default();
                    self.report(Severity::Error, |run| {
                        run.here_at(at, ProblemKind::WrongType, why)
                            .with_expected(LeafSpec::column(t).expected())
                    });
                }
            }
            self.column = None;
        }
        self.mlflow = Some(ml);
    }
}

/// Why predict refuses an `instances` column with a null, unless it is `boolean`, `string` or
/// `binary`.
const INSTANCES_WITH_A_NULL: &str = "predict receives the values of an `instances` column with \
                                     a null as 0-d numpy arrays, which its enforcement refuses \
                                     for this type";

/// Why predict refuses a column of `inputs` records, unless it is `boolean`, `string` or
/// `binary`.
const RECORDS_VALUES: &str = "predict receives each value of `inputs` records as a 0-d numpy \
                              array, which its enforcement refuses for this type";

/// `_enforce_mlflow_datatype` on column `t` of the one array numpy makes of rows given as
/// lists for a positional schema: predict's array has the dtype of all the values, the
/// server's the first column's type, to which it cast every value.
fn uniform_enforce(
    first: Option<DataType>,
    t: DataType,
    all: &Series,
    serving: bool,
) -> Result<(), String> {
    if !serving {
        return all.enforce(t, all.dtype(true));
    }
    let Some(first) = first else {
        return Ok(());
    };
    if first == t {
        return Ok(());
    }
    let dtype = match first {
        DataType::Long | DataType::Integer => Dtype::Int64 {
            all01: all.all_zero_or_one(),
        },
        DataType::Float | DataType::Double => Dtype::Float64,
        DataType::Boolean => Dtype::Bool,
        DataType::String | DataType::Binary => Dtype::Str,
        DataType::Datetime => return Ok(()),
    };
    all.enforce(t, dtype)
}
