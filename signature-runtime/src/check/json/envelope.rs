//! The body and its envelope: which format a body uses, and its top-level keys.

use super::{Abort, Cell, CellSink, FORMAT_KEYS, LLM_KEYS, Run, Seg, Step, shape_text};
use crate::check::scanner::{StrToken, SyntaxError};
use crate::pandas_rules::values::{Route, Series};
use crate::report::{ProblemKind, Severity};

/// The top-level key of a request's parameters.
const PARAMS: &str = "params";

impl<S: CellSink> Run<'_, '_, S> {
    pub(super) fn body(&mut self) -> Step {
        match self.scanner.peek() {
            None => {
                self.report(Severity::Error, |run| {
                    run.here(
                        ProblemKind::MalformedJson,
                        Severity::Error,
                        "malformed JSON: the body is empty".to_owned(),
                    )
                });
                return Err(Abort);
            }
            Some(b'{') => self.envelope()?,
            Some(b'[') if self.mlflow.is_some() => {
                self.mismatch(ProblemKind::BadEnvelope, || {
                    "a JSON object (MLflow refuses a bare list of records)".to_owned()
                })?;
            }
            Some(b'[') => {
                let rows = self.records()?;
                self.rows = Some(rows);
            }
            Some(_) => self.mismatch(ProblemKind::BadEnvelope, || {
                "a JSON object with one of `dataframe_split`, `dataframe_records`, \
                 `instances` or `inputs`"
                    .to_owned()
            })?,
        }
        if self.scanner.peek().is_some() {
            return Err(self.syntax(SyntaxError::Expected(
                "unexpected text after the JSON value",
            )));
        }
        Ok(())
    }

    pub(super) fn envelope(&mut self) -> Step {
        if self.mlflow.is_some() && self.is_unified_llm() {
            return self.llm_body();
        }
        self.enter()?;
        let mut llm_key_seen = false;
        let mut format: Option<&'static str> = None;
        let mut params_seen = false;
        let mut first = true;
        while let Some(key) = self.key(first)? {
            first = false;
            let known = self.envelope_key(key);
            // A known key as a constant: the pointer to it needs no look at the body.
            self.path.push(match known {
                Some(known) => Seg::Name(known),
                None => Seg::Key(key),
            });
            match known {
                Some(PARAMS) => {
                    if params_seen {
                        self.error(ProblemKind::DuplicateKey, || {
                            "`params` is given twice".to_owned()
                        });
                        self.skip()?;
                    } else {
                        params_seen = true;
                        self.params()?;
                    }
                }
                Some(format_key) => match format {
                    Some(previous) => {
                        let (kind, message) = if previous == format_key {
                            (
                                ProblemKind::DuplicateKey,
                                format!("`{format_key}` is given twice"),
                            )
                        } else {
                            (
                                ProblemKind::BadEnvelope,
                                format!(
                                    "several input formats: `{previous}` and `{format_key}`; \
                                     a request has exactly one"
                                ),
                            )
                        };
                        self.error(kind, || message);
                        self.skip()?;
                    }
                    None => {
                        format = Some(format_key);
                        let rows = self.format(format_key)?;
                        self.rows = rows;
                    }
                },
                None => self.other_envelope_key(key, &mut llm_key_seen)?,
            }
            self.path.pop();
        }
        self.leave();
        if format.is_none() && !llm_key_seen {
            self.report(Severity::Error, |run| {
                run.here(
                    ProblemKind::BadEnvelope,
                    Severity::Error,
                    "the request has no input".to_owned(),
                )
                .with_expected(
                    "exactly one of `dataframe_split`, `dataframe_records`, `instances`, \
                     `inputs`",
                )
            });
        }
        Ok(())
    }

    /// Which of the format keys or `params` the top-level key `key` is, if any. Compared as
    /// bytes when the key has no escapes (as it always has in practice): text is made of the
    /// key only when it is escaped.
    fn envelope_key(&self, key: StrToken) -> Option<&'static str> {
        let raw = &self.scanner.bytes()[key.range()];
        let unescaped;
        let text = if key.escaped {
            unescaped = self.key_text(key);
            unescaped.as_bytes()
        } else {
            raw
        };
        FORMAT_KEYS
            .iter()
            .chain(&[PARAMS])
            .find(|known| known.as_bytes() == text)
            .copied()
    }

    /// A top-level key that is neither a format key nor `params`: a key of the unified-LLM
    /// form (Strict), or an unknown key.
    fn other_envelope_key(&mut self, key: StrToken, llm_key_seen: &mut bool) -> Step {
        let name = self.key_text(key);
        if self.mlflow.is_none() && LLM_KEYS.contains(&&*name) {
            if *llm_key_seen {
                self.skip()?;
            } else {
                *llm_key_seen = true;
                self.strict_llm_key(&name)?;
            }
        } else if self.mlflow.is_some() {
            self.report(Severity::Warning, |run| {
                run.here(
                    ProblemKind::BadEnvelope,
                    Severity::Warning,
                    format!("unknown key `{name}` in the request is ignored"),
                )
                .with_note("MLflow ignores top-level keys it does not know")
            });
            self.skip()?;
        } else {
            self.report(Severity::Error, |run| {
                run.here(
                    ProblemKind::BadEnvelope,
                    Severity::Error,
                    format!("unknown key `{name}` in the request"),
                )
                .with_expected(
                    "one of `dataframe_split`, `dataframe_records`, `instances`, \
                     `inputs`, and optionally `params`",
                )
            });
            self.skip()?;
        }
        Ok(())
    }

    /// Checks the value of a format key; returns the row count when it has rows.
    pub(super) fn format(&mut self, key: &'static str) -> Step<Option<u64>> {
        if let Some(ml) = self.mlflow.as_mut() {
            ml.route = if key.starts_with("dataframe") {
                Route::Frame
            } else {
                Route::Columns
            };
            ml.transposed = false;
            ml.uncast_frame = false;
            ml.uniform = None;
            ml.series.iter_mut().for_each(|s| *s = Series::default());
            ml.tensors.iter_mut().for_each(|t| *t = None);
        }
        let rows = match key {
            "dataframe_split" => self.split()?,
            "dataframe_records" => {
                if self.peek()? == b'[' {
                    Some(self.records()?)
                } else {
                    self.mismatch(ProblemKind::BadEnvelope, || {
                        "a list of records (JSON objects)".to_owned()
                    })?;
                    None
                }
            }
            _ => self.inputs()?,
        };
        if let Some(rows) = rows {
            self.check_fixed_batch(rows);
        }
        if self.mlflow.is_some() {
            self.ml_finish(rows);
            self.ml_finish_tensors(rows);
        }
        Ok(rows)
    }

    /// A tensor column whose first dimension is fixed needs exactly that many rows.
    pub(super) fn check_fixed_batch(&mut self, rows: u64) {
        let checker = self.checker;
        for (i, column) in checker.columns.iter().enumerate() {
            let Cell::Tensor { spec, .. } = &column.cell else {
                continue;
            };
            let Some(&first) = spec.shape().first() else {
                continue;
            };
            if first >= 0 && first.unsigned_abs() != rows && self.tensor_rows_apply() {
                self.column = Some(i);
                self.error(ProblemKind::TensorShape, || {
                    format!(
                        "tensor `{}` has shape {} but the input has {rows} rows",
                        column.label,
                        shape_text(spec.shape())
                    )
                });
                self.column = None;
            }
        }
    }

    /// Whether the last format read tensors row by row (not as whole tensors).
    pub(super) fn tensor_rows_apply(&self) -> bool {
        !self.whole_tensors
    }
}
