//! One cell's value against its column type, in Strict rules: scalars, nested values and
//! tensor elements.

use super::{Cell, CellSink, Run, Scanned, Seen, Seg, Step, shape_text};
use crate::check::scanner::{IntValue, Literal, StrToken, SyntaxError, unescape};
use crate::check::values::{
    DatetimeMisfit, Leaf, LeafSpec, NumberMisfit, check_naive_datetime, float_fits, int_fits,
    is_base64,
};
use crate::derived::ValueLimit;
use crate::mlflow::pyjson::python_float_repr;
use crate::pandas_rules::values::{Served, Val};
use crate::report::{ProblemKind, Severity};
use crate::types::{ColumnType, DataType, Object, TensorSpec};

impl<S: CellSink> Run<'_, '_, S> {
    /// The cell of schema column `k` in the current row; gives what it scanned (for anything
    /// but a Strict scalar, the cell's span).
    #[inline]
    pub(super) fn cell(&mut self, k: usize) -> Step<Scanned> {
        let checker = self.checker;
        let column = &checker.columns[k];
        let limit = column.limit;
        // A Strict scalar: what the scalar check scanned goes to the sink, as the fast paths
        // hand it (they check integer ranges, `NonZero`, enum variants and `char` themselves:
        // `CleanCell::for_column`).
        let strict_leaf = match (&column.cell, &self.mlflow) {
            (Cell::Leaf(spec), None) => Some(*spec),
            _ => None,
        };
        if let (Some(spec), ValueLimit::None) = (strict_leaf, limit) {
            self.column = Some(k);
            return self.leaf_value(spec, !column.required);
        }
        self.peek()?;
        let start = self.scanner.pos();
        let errors = self.collector.error_count();
        let (served, scanned) = match strict_leaf {
            Some(spec) => {
                self.column = Some(k);
                let scanned = self.leaf_value(spec, !column.required)?;
                (Served::AsSent, Some(scanned))
            }
            None => (self.cell_checked(k)?, None),
        };
        let end = self.scanner.pos();
        // The Rust type's limit, on a value its column type took (as MLflow cast it).
        if limit != ValueLimit::None && self.collector.error_count() == errors {
            self.check_limit(limit, start, end, &served);
        }
        if let Some(scanned) = scanned {
            return Ok(scanned);
        }
        if !S::ACTIVE {
            return Ok(Scanned::Raw(start, end));
        }
        Ok(match served {
            Served::AsSent => Scanned::Raw(start, end),
            Served::Null => Scanned::Null,
            Served::Bool(b) => Scanned::Bool(b),
            Served::Int(i) if i < 0 => Scanned::Int(IntValue::Negative(i.unsigned_abs())),
            Served::Int(i) => Scanned::Int(IntValue::Positive(i.unsigned_abs())),
            Served::Float(f) => Scanned::FloatValue(f),
            Served::Text(text) => self.sink.cast_text(text),
            Served::PythonText(value) => {
                let text = python_text(&value, &self.scanner.bytes()[start..end]);
                self.sink.cast_text(text)
            }
        })
    }

    /// Checks the cell of schema column `k`; gives what the model receives for it when an MLflow
    /// mode casts it.
    fn cell_checked(&mut self, k: usize) -> Step<Served> {
        let checker = self.checker;
        let column = &checker.columns[k];
        self.column = Some(k);
        match &column.cell {
            Cell::Leaf(spec) => match (&self.mlflow, column.data_type) {
                (Some(_), Some(t)) => self.ml_cell(k, t),
                _ => self.leaf(*spec, !column.required).map(|()| Served::AsSent),
            },
            Cell::Composite(ty) => {
                if self.mlflow.is_some()
                    && let Some(why) = self.ml_composite_refusal(ty, column.required)?
                {
                    let start = self.scanner.pos();
                    self.skip()?;
                    let end = self.scanner.pos();
                    self.report(Severity::Error, |run| {
                        run.here(ProblemKind::WrongType, Severity::Error, why.to_owned())
                            .with_value(run.excerpt(start, end))
                    });
                    return Ok(Served::AsSent);
                }
                self.value(ty, !column.required).map(|()| Served::AsSent)
            }
            Cell::Tensor { spec, leaf } => {
                self.ml_tensor_given(k);
                // A list is an array MLflow takes as it is; a single value of a dict it may not
                // reach the tensor check with (`instances` measures each value's length).
                if self.ml_takes_anything(spec) && self.peek()? == b'[' {
                    return self.skip().map(|()| Served::AsSent);
                }
                let dims = spec.shape().get(1..).unwrap_or_default();
                if self.trackers.len() <= k {
                    self.trackers
                        .resize(self.checker.columns.len().max(k + 1), Vec::new());
                }
                let mut tracker = std::mem::take(&mut self.trackers[k]);
                tracker.resize(dims.len(), None);
                let result = self.tensor_level(spec, *leaf, dims, 0, &mut tracker);
                self.trackers[k] = tracker;
                result.map(|()| Served::AsSent)
            }
        }
    }

    /// One element of the unnamed tensor, in a frame with one column per element.
    pub(super) fn tensor_element(&mut self) -> Step {
        let checker = self.checker;
        match checker.columns.first().map(|col| &col.cell) {
            Some(Cell::Tensor { spec, leaf }) => {
                self.column = Some(0);
                if self.mlflow.is_some() {
                    self.ml_frame_columns_tensor();
                    let result = self.ml_tensor_element(spec, true);
                    self.column = None;
                    return result;
                }
                let result = self.leaf(*leaf, false);
                self.column = None;
                result
            }
            _ => self.skip(),
        }
    }

    /// Tensor `k` given whole (its first dimension included).
    pub(super) fn whole_tensor(&mut self, k: usize) -> Step {
        let checker = self.checker;
        let Some(Cell::Tensor { spec, leaf }) = checker.columns.get(k).map(|col| &col.cell) else {
            return self.skip();
        };
        self.column = Some(k);
        self.ml_tensor_given(k);
        if self.ml_takes_anything(spec) {
            self.column = None;
            self.whole_tensors = true;
            return self.skip();
        }
        let mut tracker = vec![None; spec.shape().len()];
        self.peek()?;
        let start = self.scanner.pos();
        let result = self.tensor_level(spec, *leaf, spec.shape(), 0, &mut tracker);
        if S::ACTIVE && result.is_ok() {
            let end = self.scanner.pos();
            self.sink.cell(k, 0, Scanned::Raw(start, end));
        }
        self.column = None;
        self.whole_tensors = true;
        result
    }

    /// Level `level` of a tensor whose remaining dimensions are `dims`.
    pub(super) fn tensor_level(
        &mut self,
        spec: &TensorSpec,
        leaf: LeafSpec,
        dims: &[i64],
        level: usize,
        tracker: &mut [Option<u64>],
    ) -> Step {
        let Some(&dim) = dims.get(level) else {
            if self.mlflow.is_some() && self.peek()? != b'[' {
                return self.ml_tensor_element(spec, dims.len() < spec.shape().len());
            }
            let nested_object = leaf.leaf == Leaf::Any && self.ml_predict_nested_object_element();
            if (leaf.leaf != Leaf::Any || nested_object) && self.peek()? == b'[' {
                let rank = spec.shape().len();
                let shape = shape_text(spec.shape());
                return self.mismatch(ProblemKind::TensorShape, || {
                    format!(
                        "a {} value (shape {shape} has {rank} dimensions)",
                        leaf.name
                    )
                });
            }
            return self.leaf(leaf, false);
        };
        if self.peek()? != b'[' {
            let shape = shape_text(spec.shape());
            return self.mismatch(ProblemKind::TensorShape, || {
                format!("a list for a dimension of shape {shape}")
            });
        }
        let count =
            self.each_element(|run, _| run.tensor_level(spec, leaf, dims, level + 1, tracker))?;
        if count == 0 && level + 1 < dims.len() {
            self.ml_empty_tensor_level(spec);
        }
        let expected = if dim >= 0 {
            Some(dim.unsigned_abs())
        } else if self.ml_keeps_ragged(spec, dims.len(), level) {
            None
        } else {
            tracker.get(level).copied().flatten()
        };
        match expected {
            Some(expected) if expected != count => {
                let shape = shape_text(spec.shape());
                let note = if dim >= 0 {
                    format!("the shape is {shape}")
                } else {
                    "a variable (-1) dimension may have any length, but the same for every \
                     list at that level: tensors are rectangular"
                        .to_owned()
                };
                self.report(Severity::Error, |run| {
                    run.here(
                        ProblemKind::TensorShape,
                        Severity::Error,
                        format!("a list of {count} items where the tensor needs {expected}"),
                    )
                    .with_expected(format!("{expected} items"))
                    .with_found(format!("{count} items"))
                    .with_note(note)
                });
            }
            Some(_) => {}
            None => {
                if let Some(slot) = tracker.get_mut(level) {
                    *slot = Some(count);
                }
            }
        }
        Ok(())
    }

    /// Any value of `ty`; `nullable` says whether `null` is fine here.
    pub(super) fn value(&mut self, ty: &ColumnType, nullable: bool) -> Step {
        if nullable && !matches!(ty, ColumnType::DataType(_)) && self.peek()? == b'n' {
            return self.eat_null();
        }
        if self.mlflow.is_some() {
            // `_enforce_object` returns an optional object's `{}` before reading its
            // properties (docs/mlflow-behaviour.md §7.2).
            if nullable && matches!(ty, ColumnType::Object(_)) && self.at_empty_object()? {
                return self.skip();
            }
            match ty {
                ColumnType::DataType(t) => return self.ml_nested(*t, nullable),
                ColumnType::Array(array) => {
                    if let ColumnType::DataType(t) = array.items() {
                        return self.ml_array(*t);
                    }
                }
                // MLflow's `SparkMLVector` is an `Array(double)` to its enforcement.
                ColumnType::SparkMLVector => return self.ml_array(DataType::Double),
                _ => {}
            }
        }
        match ty {
            ColumnType::DataType(t) => self.leaf(LeafSpec::column(*t), nullable),
            ColumnType::AnyType => self.skip(),
            ColumnType::Array(array) => self.array(|run| run.value(array.items(), false)),
            ColumnType::SparkMLVector => {
                self.array(|run| run.leaf(LeafSpec::column(DataType::Double), false))
            }
            ColumnType::Object(object) => self.object(object),
            ColumnType::Map(map) => self.map(map.values()),
        }
    }

    /// Consumes the `null` at the cursor (in a place where null is fine).
    pub(super) fn eat_null(&mut self) -> Step {
        match self.literal()? {
            Literal::Null => Ok(()),
            _ => Err(self.syntax(SyntaxError::Expected("expected a JSON value"))),
        }
    }

    pub(super) fn array(&mut self, mut each: impl FnMut(&mut Self) -> Step) -> Step {
        if self.peek()? != b'[' {
            return self.mismatch(ProblemKind::WrongType, || "array (a list)".to_owned());
        }
        self.each_element(|run, _| each(run))?;
        Ok(())
    }

    pub(super) fn map(&mut self, values: &ColumnType) -> Step {
        if self.peek()? != b'{' {
            return self.mismatch(ProblemKind::WrongType, || {
                "map (an object with string keys)".to_owned()
            });
        }
        self.enter()?;
        let mut first = true;
        while let Some(key) = self.key(first)? {
            first = false;
            self.path.push(Seg::Key(key));
            self.value(values, false)?;
            self.path.pop();
        }
        self.leave();
        Ok(())
    }

    pub(super) fn object(&mut self, object: &Object) -> Step {
        if self.peek()? != b'{' {
            return self.mismatch(ProblemKind::WrongType, || {
                "object (a JSON object)".to_owned()
            });
        }
        self.enter()?;
        let properties = object.properties();
        let mut seen = Seen::default();
        seen.reset(properties.len());
        let mut first = true;
        while let Some(key) = self.key(first)? {
            first = false;
            let name = self.key_text(key);
            self.path.push(Seg::Key(key));
            let key_text: &str = &name;
            match properties.binary_search_by(|p| p.name().cmp(key_text)) {
                Ok(i) if seen.mark(i) => {
                    self.error(ProblemKind::DuplicateKey, || {
                        format!("property `{name}` is given twice")
                    });
                    self.skip()?;
                }
                Ok(i) => {
                    let property = &properties[i];
                    self.value(property.dtype(), !property.required())?;
                }
                Err(_) => {
                    let known = properties
                        .iter()
                        .map(|p| format!("`{}`", p.name()))
                        .collect::<Vec<_>>()
                        .join(", ");
                    self.report(Severity::Error, |run| {
                        run.here(
                            ProblemKind::UnknownProperty,
                            Severity::Error,
                            format!("property `{name}` is not in the object type"),
                        )
                        .with_expected(format!("only the properties {known}"))
                        .with_note("MLflow rejects undeclared keys in object values")
                    });
                    self.skip()?;
                }
            }
            self.path.pop();
        }
        self.leave();
        for (i, property) in properties.iter().enumerate() {
            if property.required() && !seen.has(i) {
                self.error(ProblemKind::MissingProperty, || {
                    format!("missing required property `{}`", property.name())
                });
            }
        }
        Ok(())
    }

    /// A scalar place. The hot path: one token, one comparison, no allocation when it fits.
    #[inline(always)]
    pub(super) fn leaf(&mut self, spec: LeafSpec, nullable: bool) -> Step {
        self.leaf_value(spec, nullable).map(drop)
    }

    /// [`Run::leaf`], giving what it scanned (for a sink).
    #[inline(always)]
    pub(super) fn leaf_value(&mut self, spec: LeafSpec, nullable: bool) -> Step<Scanned> {
        let first = self.peek()?;
        match (first, spec.leaf) {
            (b'-' | b'0'..=b'9', Leaf::Int { min, max }) => {
                let at = self.scanner.pos();
                let number = self.number()?;
                match int_fits(&number, min, max) {
                    Ok(()) => Ok(Scanned::number(&number)),
                    Err(misfit) => {
                        self.number_misfit(spec, misfit, at);
                        Ok(Scanned::Refused)
                    }
                }
            }
            (b'-' | b'0'..=b'9', Leaf::Float { mantissa_bits, max }) => {
                let at = self.scanner.pos();
                let number = self.number()?;
                let text = &self.scanner.bytes()[number.span.0..number.span.1];
                match float_fits(&number, text, mantissa_bits, max) {
                    Ok(()) => Ok(Scanned::number(&number)),
                    Err(misfit) => {
                        self.number_misfit(spec, misfit, at);
                        Ok(Scanned::Refused)
                    }
                }
            }
            (b'"', Leaf::Str) => Ok(Scanned::from(self.string()?)),
            (b'"', Leaf::Base64 | Leaf::Datetime | Leaf::ParamDatetime) => {
                let token = self.string()?;
                self.text_leaf(spec, token);
                Ok(Scanned::from(token))
            }
            (b't' | b'f', Leaf::Bool) => Ok(Scanned::Bool(self.literal()? == Literal::True)),
            (b'n', _) if nullable => self.eat_null().map(|()| Scanned::Null),
            (_, Leaf::Any) => {
                let start = self.scanner.pos();
                self.skip()?;
                Ok(Scanned::Raw(start, self.scanner.pos()))
            }
            _ => self
                .mismatch(ProblemKind::WrongType, || spec.expected())
                .map(|()| Scanned::Refused),
        }
    }

    pub(super) fn number_misfit(&mut self, spec: LeafSpec, misfit: NumberMisfit, at: usize) {
        let end = self.scanner.pos();
        let (kind, message, found) = match misfit {
            NumberMisfit::NotAnInteger => (
                ProblemKind::WrongType,
                format!("expected {}, found float", spec.name),
                "float",
            ),
            NumberMisfit::OutOfRange => (
                ProblemKind::OutOfRange,
                format!("number out of range for {}", spec.name),
                "number",
            ),
            NumberMisfit::Inexact => (
                ProblemKind::InexactNumber,
                format!("integer not exactly representable as {}", spec.name),
                "integer",
            ),
        };
        self.report(Severity::Error, |run| {
            let mut problem = run
                .here(kind, Severity::Error, message)
                .with_expected(spec.expected())
                .with_found(found)
                .with_value(run.excerpt(at, end));
            if misfit == NumberMisfit::NotAnInteger && run.scanner.bytes().get(at) == Some(&b'-') {
                problem =
                    problem.with_note("`-0` and numbers with a fraction or exponent are floats");
            }
            problem
        });
    }

    /// Base64 and datetime strings, checked on their decoded text.
    pub(super) fn text_leaf(&mut self, spec: LeafSpec, token: StrToken) {
        let raw = &self.scanner.bytes()[token.range()];
        let decoded;
        let text: &[u8] = if token.escaped {
            decoded = unescape(raw);
            decoded.as_bytes()
        } else {
            raw
        };
        let problem = match spec.leaf {
            Leaf::Base64 if !is_base64(text) => Some((
                ProblemKind::InvalidBase64,
                "not valid base64",
                Some("binary values are sent as standard base64 with `=` padding"),
            )),
            Leaf::Datetime => match check_naive_datetime(text) {
                Ok(()) => None,
                Err(DatetimeMisfit::Malformed) => Some((
                    ProblemKind::InvalidDatetime,
                    "not an ISO-8601 date or timestamp",
                    None,
                )),
                Err(DatetimeMisfit::HasTimezone) => Some((
                    ProblemKind::InvalidDatetime,
                    "a timestamp with a timezone",
                    Some("MLflow's datetime is timezone-naive: send local time without offset"),
                )),
            },
            Leaf::ParamDatetime => {
                let text = String::from_utf8_lossy(text);
                match crate::types::Datetime::parse_numpy(&text) {
                    Ok(_) => None,
                    Err(_) => Some((
                        ProblemKind::InvalidDatetime,
                        "not an ISO-8601 date or timestamp",
                        None,
                    )),
                }
            }
            _ => None,
        };
        if let Some((kind, what, note)) = problem {
            let (start, end) = (token.span.0 - 1, token.span.1 + 1);
            self.report(Severity::Error, |run| {
                let mut problem = run
                    .here(kind, Severity::Error, format!("{} value {what}", spec.name))
                    .with_expected(spec.expected())
                    .with_found("string")
                    .with_value(run.excerpt(start, end));
                if let Some(note) = note {
                    problem = problem.with_note(note);
                }
                problem
            });
        }
    }
}

/// Python's `str(value)` of a scalar JSON value MLflow hands a `string` column: `None`, `True`,
/// an integer's digits as sent (`raw`: JSON writes integers as Python does), a float's repr.
pub(super) fn python_text(value: &Val, raw: &[u8]) -> String {
    match value {
        Val::Null => "None".to_owned(),
        Val::Bool(true) => "True".to_owned(),
        Val::Bool(false) => "False".to_owned(),
        Val::Float(f) if f.is_nan() => "nan".to_owned(),
        Val::Float(f) if f.is_infinite() => if *f > 0.0 { "inf" } else { "-inf" }.to_owned(),
        Val::Float(f) => python_float_repr(*f),
        Val::Str(text) => text.clone(),
        Val::Int(_) | Val::List | Val::Dict => String::from_utf8_lossy(raw).trim().to_owned(),
    }
}
