//! MLflow's unified-LLM bodies (spec §6.3): a body with any of `messages`, `prompt` or `input`
//! is taken as is. The keys named like a parameter of the signature are its params; every
//! other key (`params` included) is a column of one data dict that `pyfunc.predict` gets
//! uncast, so the scoring server and predict decide alike.

use super::inputs::ColumnDict;
use super::{CellSink, LLM_KEYS, Run, Seen, Seg, Step};
use crate::check::mlflow::{Route, Series};
use crate::report::{ProblemKind, Severity};
use crate::types::ParamSchema;

impl<S: CellSink> Run<'_, '_, S> {
    /// Whether the object at the cursor has a unified-LLM key at its top level. Looks ahead
    /// without reporting: the real pass reports any syntax error.
    pub(super) fn is_unified_llm(&mut self) -> bool {
        let start = self.s.pos();
        self.s.seek(start + 1);
        let (depth, max) = (self.depth + 1, self.c.options.max_depth);
        let mut found = false;
        let mut first = true;
        while let Ok(Some(token)) = self.s.object_key(first) {
            first = false;
            if !token.escaped
                && LLM_KEYS
                    .iter()
                    .any(|k| k.as_bytes() == &self.s.bytes()[token.range()])
            {
                found = true;
                break;
            }
            if self.s.skip_value(depth, max).is_err() {
                break;
            }
        }
        self.s.seek(start);
        found
    }

    /// A unified-LLM body, in an MLflow mode.
    pub(super) fn llm_body(&mut self) -> Step {
        let c = self.c;
        if c.is_tensor_schema() {
            self.error(ProblemKind::BadEnvelope, || {
                "MLflow passes a unified-LLM body (`messages`, `prompt`, `input`) to the model as \
                 a dict of plain values, which a tensor signature refuses"
                    .to_owned()
            });
            return self.skip();
        }
        let serving = match self.ml.as_mut() {
            Some(ml) => {
                ml.route = Route::Frame;
                ml.llm = true;
                ml.series.iter_mut().for_each(|s| *s = Series::default());
                // No cast: the server hands the dict to predict as it is.
                std::mem::replace(&mut ml.serving, false)
            }
            None => return self.skip(),
        };
        let specs = c
            .params
            .as_ref()
            .map(ParamSchema::params)
            .unwrap_or_default();
        let mut params_seen = Seen::default();
        params_seen.reset(specs.len());
        let mut dict = ColumnDict::new(c);
        self.enter()?;
        let mut first = true;
        while let Some(token) = self.key(first)? {
            first = false;
            let name = self.key_text(token);
            match specs.iter().position(|p| p.name() == name) {
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
                None => self.column_dict_entry(token, &mut dict)?,
            }
        }
        self.leave();
        let rows = self.column_dict_end(&dict);
        self.rows = Some(rows);
        self.ml_finish(Some(rows));
        if let Some(ml) = self.ml.as_mut() {
            ml.serving = serving;
        }
        Ok(())
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
