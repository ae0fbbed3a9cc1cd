//! The `params` object against the signature's parameter schema.

use super::{CellSink, Run, Seen, Seg, Step};
use crate::check::values::LeafSpec;
use crate::pandas_rules::values::param_verdict;
use crate::report::{ProblemKind, Severity};
use crate::types::{ParamSchema, ParamShape, ParamSpec, ParamType};

impl<S: CellSink> Run<'_, '_, S> {
    pub(super) fn params(&mut self) -> Step {
        if self.peek()? != b'{' {
            if self.mlflow.is_some() {
                return self.ml_params_not_an_object();
            }
            return self.mismatch(ProblemKind::BadEnvelope, || {
                "an object mapping parameter names to values".to_owned()
            });
        }
        if S::ACTIVE {
            let start = self.scanner.pos();
            self.params_object()?;
            self.sink.params(start, self.scanner.pos());
            return Ok(());
        }
        self.params_object()
    }

    fn params_object(&mut self) -> Step {
        let checker = self.checker;
        let specs = checker
            .params
            .as_ref()
            .map(ParamSchema::params)
            .unwrap_or_default();
        self.enter()?;
        let mut seen = Seen::default();
        seen.reset(specs.len());
        let mut first = true;
        while let Some(key) = self.key(first)? {
            first = false;
            let name = self.key_text(key);
            self.path.push(Seg::Key(key));
            match checker.param_names.get(name.as_bytes()) {
                Some(i) if seen.mark(i) => {
                    self.error(ProblemKind::DuplicateKey, || {
                        format!("parameter `{name}` is given twice")
                    });
                    self.skip()?;
                }
                Some(i) => {
                    let spec = &specs[i];
                    self.param = Some(spec.name());
                    self.param_value(spec)?;
                    self.param = None;
                }
                None => {
                    let note = if specs.is_empty() {
                        "the signature declares no parameters; MLflow ignores them".to_owned()
                    } else {
                        let names: Vec<String> =
                            specs.iter().map(|p| format!("`{}`", p.name())).collect();
                        format!("MLflow ignores it; the parameters are {}", names.join(", "))
                    };
                    self.report(Severity::Warning, |run| {
                        run.here(
                            ProblemKind::UnknownParam,
                            Severity::Warning,
                            format!("unknown parameter `{name}` is ignored"),
                        )
                        .with_param(name.clone().into_owned())
                        .with_note(note)
                    });
                    self.skip()?;
                }
            }
            self.path.pop();
        }
        self.leave();
        Ok(())
    }

    pub(super) fn param_value(&mut self, spec: &ParamSpec) -> Step {
        if self.mlflow.is_some() {
            return self.ml_param_value(spec);
        }
        match spec.shape() {
            ParamShape::Scalar => self.param_scalar(spec.dtype()),
            ParamShape::List => {
                if self.peek()? != b'[' {
                    let type_name = spec.dtype().type_name();
                    return self.mismatch(ProblemKind::WrongType, || {
                        format!("a list of {type_name} (the parameter's shape is (-1,))")
                    });
                }
                self.each_element(|run, _| run.param_scalar(spec.dtype()))?;
                Ok(())
            }
        }
    }

    pub(super) fn param_scalar(&mut self, ty: &ParamType) -> Step {
        match ty {
            ParamType::DataType(t) => self.leaf(LeafSpec::param(*t), false),
            ParamType::Object(object) => self.object(object),
        }
    }

    /// `params` that is not an object, in an MLflow mode: null means no params; anything else
    /// MLflow refuses when the model declares params, and ignores when it does not.
    fn ml_params_not_an_object(&mut self) -> Step {
        if self.peek()? == b'n' {
            return self.eat_null();
        }
        if self.checker.params.is_some() {
            return self.mismatch(ProblemKind::BadEnvelope, || {
                "an object mapping parameter names to values (MLflow refuses other params)"
                    .to_owned()
            });
        }
        let start = self.scanner.pos();
        self.skip()?;
        let end = self.scanner.pos();
        self.report(Severity::Warning, |run| {
            run.here(
                ProblemKind::BadEnvelope,
                Severity::Warning,
                "`params` is not an object; MLflow ignores it".to_owned(),
            )
            .with_value(run.excerpt(start, end))
            .with_note("the signature declares no parameters, so MLflow ignores whatever is sent")
        });
        Ok(())
    }

    /// A parameter's value by `ParamSpec.validate_type_and_shape` (docs/mlflow-behaviour.md §3.2).
    fn ml_param_value(&mut self, spec: &ParamSpec) -> Step {
        match spec.shape() {
            ParamShape::Scalar => self.ml_param_scalar(spec.dtype()),
            ParamShape::List => {
                if self.peek()? != b'[' {
                    let type_name = spec.dtype().type_name();
                    return self.mismatch(ProblemKind::WrongType, || {
                        format!("a list of {type_name} (the parameter's shape is (-1,))")
                    });
                }
                self.each_element(|run, _| {
                    if run.peek()? == b'[' {
                        return run.mismatch(ProblemKind::TensorShape, || {
                            "a single value (MLflow wants a one-dimensional list)".to_owned()
                        });
                    }
                    run.ml_param_scalar(spec.dtype())
                })?;
                Ok(())
            }
        }
    }

    fn ml_param_scalar(&mut self, ty: &ParamType) -> Step {
        match ty {
            ParamType::DataType(t) => {
                let start = self.scanner.pos();
                let value = self.ml_value()?;
                let verdict = param_verdict(*t, &value);
                self.ml_verdict(*t, verdict, start, &value);
                Ok(())
            }
            // MLflow refuses a null object parameter ("expected a dictionary").
            ParamType::Object(object) => self.object(object),
        }
    }
}
