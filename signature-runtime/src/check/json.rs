//! The JSON body checker: envelopes, rows, cells, params, in one pass over the bytes.

use std::borrow::Cow;
use std::collections::HashSet;

use super::mlflow::{Route, Series, Val, Verdict, serving_frame, serving_numpy};
use super::scanner::{Literal, NumToken, Scanner, StrToken, SyntaxError, unescape};
use super::values::{
    DatetimeMisfit, Leaf, LeafSpec, NumberMisfit, check_naive_datetime, float_fits, int_fits,
    is_base64,
};
use super::{CheckOptions, ExtraColumns, Mode};
use crate::report::{Collector, Problem, ProblemKind, Report, Severity};
use crate::types::{
    ColumnName, ColumnType, DataType, ModelSignature, Object, ParamSchema, ParamShape, ParamSpec,
    ParamType, Schema, SchemaInputs, TensorSpec,
};

/// The four format keys of MLflow's scoring protocol.
const FORMAT_KEYS: [&str; 4] = [
    "dataframe_split",
    "dataframe_records",
    "instances",
    "inputs",
];

/// How many distinct extra column names a check remembers, to report each once. Past this,
/// an extra name may be reported more than once: memory stays bounded whatever the body.
const EXTRA_NAMES_REMEMBERED: usize = 1024;

/// Checks JSON request bodies against a signature. Build it once, check many bodies: it keeps
/// the schema ready for lookups and is `Send + Sync`.
#[derive(Clone, Debug)]
pub struct JsonChecker {
    columns: Vec<ColumnPlan>,
    layout: Layout,
    /// Whether the schema has an `array` or `object` column: MLflow then reads an `inputs`
    /// dict as one row.
    has_nested: bool,
    /// Bit `k` set when column `k` is required: a record is checked for missing columns
    /// with one comparison per 64 columns.
    required_mask: Vec<u64>,
    params: Option<ParamSchema>,
    options: CheckOptions,
}

/// How the schema's entries are matched to the body's columns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Layout {
    /// No input schema: the data is only checked to be JSON.
    Unchecked,
    /// Columns matched by name.
    Named,
    /// Columns matched by position.
    Positional,
    /// One unnamed tensor.
    UnnamedTensor,
}

#[derive(Clone, Debug)]
struct ColumnPlan {
    name: Option<ColumnName>,
    /// How reports name the column: its name, or `#3` for the fourth positional one.
    label: String,
    /// The name's bytes, when its JSON form needs no escapes: records' keys are matched
    /// against it without decoding.
    plain_key: Option<Vec<u8>>,
    cell: Cell,
    /// For scalar columns, the cell's check and whether null is fine: the hot path.
    leaf: Option<(LeafSpec, bool)>,
    /// For scalar columns, their type (the MLflow modes decide by it).
    data_type: Option<DataType>,
    required: bool,
}

#[derive(Clone, Debug)]
enum Cell {
    Leaf(LeafSpec),
    Composite(ColumnType),
    Tensor { spec: TensorSpec, leaf: LeafSpec },
}

impl JsonChecker {
    /// A checker for a model signature: its inputs (if any) and its params (if any).
    pub fn for_signature(signature: &ModelSignature) -> Self {
        JsonChecker::build(signature.inputs(), signature.params())
    }

    /// A checker for an input schema, for a model without params.
    pub fn for_schema(schema: &Schema) -> Self {
        JsonChecker::build(Some(schema), None)
    }

    /// The same checker with other options.
    #[must_use]
    pub fn with_options(mut self, options: CheckOptions) -> Self {
        let strict = options.mode == Mode::Strict;
        for column in &mut self.columns {
            // The MLflow modes take scalar cells off the Strict fast path, once per column.
            column.leaf = match &column.cell {
                Cell::Leaf(spec) if strict => Some((*spec, !column.required)),
                _ => None,
            };
        }
        self.options = options;
        self
    }

    /// The options.
    pub fn options(&self) -> &CheckOptions {
        &self.options
    }

    fn build(inputs: Option<&Schema>, params: Option<&ParamSchema>) -> Self {
        let (columns, layout) = match inputs.map(Schema::inputs) {
            None => (Vec::new(), Layout::Unchecked),
            Some(SchemaInputs::Columns(columns)) => {
                let plans = columns
                    .iter()
                    .enumerate()
                    .map(|(i, c)| {
                        let (cell, data_type) = match c.ty() {
                            ColumnType::DataType(t) => (Cell::Leaf(LeafSpec::column(*t)), Some(*t)),
                            other => (Cell::Composite(other.clone()), None),
                        };
                        let mut plan = ColumnPlan::new(c.name().cloned(), i, cell, c.required());
                        plan.data_type = data_type;
                        plan
                    })
                    .collect::<Vec<_>>();
                let named = columns.first().is_some_and(|c| c.name().is_some());
                let layout = if named {
                    Layout::Named
                } else {
                    Layout::Positional
                };
                (plans, layout)
            }
            Some(SchemaInputs::Tensors(tensors)) => {
                let plans = tensors
                    .iter()
                    .enumerate()
                    .map(|(i, t)| {
                        let leaf = LeafSpec::tensor(t.dtype());
                        let cell = Cell::Tensor {
                            spec: t.clone(),
                            leaf,
                        };
                        ColumnPlan::new(t.name().cloned(), i, cell, true)
                    })
                    .collect::<Vec<_>>();
                let named = tensors.first().is_some_and(|t| t.name().is_some());
                let layout = if named {
                    Layout::Named
                } else {
                    Layout::UnnamedTensor
                };
                (plans, layout)
            }
        };
        let has_nested = columns.iter().any(|c| {
            matches!(
                c.cell,
                Cell::Composite(ColumnType::Array(_) | ColumnType::Object(_))
            )
        });
        let mut required_mask = vec![0u64; columns.len().div_ceil(64)];
        for (k, column) in columns.iter().enumerate() {
            if column.required {
                required_mask[k / 64] |= 1 << (k % 64);
            }
        }
        JsonChecker {
            columns,
            layout,
            has_nested,
            required_mask,
            params: params.filter(|p| !p.is_empty()).cloned(),
            options: CheckOptions::default(),
        }
    }

    /// Checks a request body: every problem, listed up to the cap, all counted.
    pub fn check(&self, body: &[u8]) -> Report {
        let mut run = Run::new(self, body);
        // An abort has been reported already; the report is what was found up to it.
        let _ = run.body();
        let rows = run.rows;
        run.out.finish(rows)
    }

    /// The slot with a scalar column's check resolved, for the per-cell loop.
    fn fast_slot(&self, slot: Slot) -> Slot {
        match slot {
            Slot::Column(k) => match self.columns.get(k).and_then(|c| c.leaf) {
                Some((spec, nullable)) => Slot::Leaf { k, spec, nullable },
                None => slot,
            },
            other => other,
        }
    }

    fn is_tensor_schema(&self) -> bool {
        self.columns
            .first()
            .is_some_and(|c| matches!(c.cell, Cell::Tensor { .. }))
    }
}

impl ColumnPlan {
    fn new(name: Option<ColumnName>, index: usize, cell: Cell, required: bool) -> Self {
        let label = match &name {
            Some(name) => name.to_string(),
            None => format!("#{index}"),
        };
        let plain_key = match &name {
            Some(ColumnName::Str(s)) if !s.bytes().any(|b| b == b'"' || b == b'\\' || b < 0x20) => {
                Some(s.as_bytes().to_vec())
            }
            _ => None,
        };
        let leaf = match &cell {
            Cell::Leaf(spec) => Some((*spec, !required)),
            _ => None,
        };
        ColumnPlan {
            name,
            label,
            plain_key,
            cell,
            leaf,
            data_type: None,
            required,
        }
    }
}

/// The check stopped at a syntax error (already reported).
#[derive(Debug)]
struct Abort;

type Step<T = ()> = Result<T, Abort>;

/// One segment of the JSON pointer to the place being checked.
#[derive(Clone, Copy, Debug)]
enum Seg {
    Name(&'static str),
    Index(u64),
    /// A key, by its still-escaped bytes in the body.
    Key(StrToken),
}

/// How an `inputs` object of columns holds its rows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum DictShape {
    /// No column read yet.
    Undecided,
    /// Each value is one cell.
    OneRow,
    /// Each value is a list of cells; the row count and the column that set it, once known.
    Columns { rows: Option<(u64, usize)> },
}

/// Where a body column goes.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Slot {
    /// A scalar column `k` (the hot case, resolved once per body rather than per cell).
    Leaf {
        k: usize,
        spec: LeafSpec,
        nullable: bool,
    },
    /// Checked as the schema's column `n`.
    Column(usize),
    /// One element of each row of the unnamed tensor (a multi-column frame for a `(-1, n)`
    /// tensor).
    TensorElement,
    /// Not in the signature, or already given.
    Skip,
}

/// Which schema entries a record or a dict has given, as a bitset.
#[derive(Debug, Default)]
struct Seen {
    words: Vec<u64>,
}

impl Seen {
    fn reset(&mut self, len: usize) {
        let words = len.div_ceil(64);
        if self.words.len() == words {
            self.words.fill(0);
        } else {
            self.words.clear();
            self.words.resize(words, 0);
        }
    }

    /// Whether every entry of `mask` is marked.
    fn covers(&self, mask: &[u64]) -> bool {
        self.words
            .iter()
            .zip(mask)
            .all(|(seen, wanted)| seen & wanted == *wanted)
    }

    /// Marks `i`; says whether it was marked already.
    fn mark(&mut self, i: usize) -> bool {
        let (word, bit) = (i / 64, 1u64 << (i % 64));
        let Some(w) = self.words.get_mut(word) else {
            return false;
        };
        let was = *w & bit != 0;
        *w |= bit;
        was
    }

    fn has(&self, i: usize) -> bool {
        self.words
            .get(i / 64)
            .is_some_and(|w| w & (1u64 << (i % 64)) != 0)
    }
}

/// Per-check state for the records of one list.
#[derive(Debug, Default)]
struct RecordsState {
    /// Per schema column: records lacking it, and the first such record.
    missing: Vec<(u64, u64)>,
    /// Keys in first-seen order, for positional schemas (a record's keys become columns in
    /// the order pandas first meets them).
    positional_keys: Vec<String>,
}

struct Run<'a, 'c> {
    c: &'c JsonChecker,
    s: Scanner<'a>,
    out: Collector,
    path: Vec<Seg>,
    depth: usize,
    row: Option<u64>,
    column: Option<usize>,
    param: Option<&'c str>,
    rows: Option<u64>,
    /// The lengths of each `-1` dimension seen so far, per tensor column: a tensor sent row by
    /// row must keep one shape across rows.
    trackers: Vec<Vec<Option<u64>>>,
    extra_names: HashSet<String>,
    seen: Seen,
    /// Whether tensors came whole (`inputs` of tensors) rather than row by row.
    whole_tensors: bool,
    /// The MLflow modes' state; `None` in Strict.
    ml: Option<Box<MlState>>,
}

/// What the MLflow modes keep during a check.
struct MlState {
    serving: bool,
    route: Route,
    /// `instances` given as records: MLflow transposes them into columns, which must then
    /// have one value per record.
    transposed: bool,
    /// Per scalar column, its values so far.
    series: Vec<Series>,
}

impl<'a, 'c> Run<'a, 'c> {
    fn new(c: &'c JsonChecker, body: &'a [u8]) -> Self {
        Run {
            c,
            s: Scanner::new(body),
            out: Collector::new(c.options.max_problems),
            path: Vec::with_capacity(16),
            depth: 0,
            row: None,
            column: None,
            param: None,
            rows: None,
            trackers: vec![Vec::new(); c.columns.len()],
            extra_names: HashSet::new(),
            seen: Seen::default(),
            whole_tensors: false,
            ml: match c.options.mode {
                Mode::Strict => None,
                mode => Some(Box::new(MlState {
                    serving: mode == Mode::MlflowServing,
                    route: Route::Frame,
                    transposed: false,
                    series: vec![Series::default(); c.columns.len()],
                })),
            },
        }
    }

    // ---- Reporting ------------------------------------------------------------------------

    /// The JSON pointer to the current place.
    fn pointer(&self) -> String {
        let mut pointer = String::new();
        for seg in &self.path {
            pointer.push('/');
            match seg {
                Seg::Name(name) => pointer.push_str(name),
                Seg::Index(i) => pointer.push_str(&i.to_string()),
                Seg::Key(token) => {
                    let key = self.key_text(*token);
                    pointer.push_str(&key.replace('~', "~0").replace('/', "~1"));
                }
            }
        }
        pointer
    }

    /// A problem at the current place, with the current row, column and param.
    fn here(&self, kind: ProblemKind, severity: Severity, message: String) -> Problem {
        let mut problem = Problem::new(kind, severity, self.pointer(), message);
        if let Some(row) = self.row {
            problem = problem.with_row(row);
        }
        if let Some(column) = self.column.and_then(|i| self.c.columns.get(i)) {
            problem = problem.with_column(column.label.clone());
        }
        if let Some(param) = self.param {
            problem = problem.with_param(param);
        }
        problem
    }

    /// An error at `pointer`, with the current column.
    fn here_at(&self, pointer: String, kind: ProblemKind, message: String) -> Problem {
        let mut problem = Problem::new(kind, Severity::Error, pointer, message);
        if let Some(column) = self.column.and_then(|i| self.c.columns.get(i)) {
            problem = problem.with_column(column.label.clone());
        }
        problem
    }

    /// Counts a problem; builds it only if it will be listed.
    fn report(&mut self, severity: Severity, build: impl FnOnce(&Self) -> Problem) {
        if self.out.is_full() {
            self.out.count_unlisted(severity);
        } else {
            let problem = build(self);
            self.out.add(problem);
        }
    }

    fn error(&mut self, kind: ProblemKind, message: impl FnOnce() -> String) {
        self.report(Severity::Error, |run| {
            run.here(kind, Severity::Error, message())
        });
    }

    /// Reports a syntax error at the cursor and stops the check.
    fn syntax(&mut self, error: SyntaxError) -> Abort {
        let offset = self.s.pos();
        let kind = if error == SyntaxError::TooDeep {
            ProblemKind::TooDeep
        } else {
            ProblemKind::MalformedJson
        };
        let max_depth = self.c.options.max_depth;
        self.report(Severity::Error, |run| {
            let message = match error {
                SyntaxError::TooDeep => format!("JSON nested more than {max_depth} levels deep"),
                other => format!("malformed JSON: {}", other.describe()),
            };
            let mut problem = run.here(kind, Severity::Error, message).with_offset(offset);
            if error == SyntaxError::NonFiniteToken {
                problem = problem.with_note(
                    "Python's json.dumps writes NaN and Infinity, but they are not JSON; \
                     send null for a missing value",
                );
            }
            problem
        });
        Abort
    }

    /// The body's text from `start` to `end`, shortened, as the offending value.
    fn excerpt(&self, start: usize, end: usize) -> String {
        const MAX: usize = 48;
        let bytes = self.s.bytes();
        let end = end.min(bytes.len());
        let mut cut = end.min(start + MAX);
        while cut > start && cut < end && bytes[cut] & 0xC0 == 0x80 {
            cut -= 1;
        }
        let mut text = String::from_utf8_lossy(&bytes[start..cut]).into_owned();
        if cut < end {
            text.push('…');
        }
        text
    }

    fn key_text(&self, token: StrToken) -> Cow<'a, str> {
        let raw = &self.s.bytes()[token.range()];
        if token.escaped {
            Cow::Owned(unescape(raw))
        } else {
            String::from_utf8_lossy(raw)
        }
    }

    // ---- Scanner steps that report their syntax errors ------------------------------------

    #[inline]
    fn peek(&mut self) -> Step<u8> {
        match self.s.peek() {
            Some(b) => Ok(b),
            None => Err(self.syntax(SyntaxError::UnexpectedEnd)),
        }
    }

    #[inline]
    fn string(&mut self) -> Step<StrToken> {
        self.s.string().map_err(|e| self.syntax(e))
    }

    #[inline]
    fn number(&mut self) -> Step<NumToken> {
        self.s.number().map_err(|e| self.syntax(e))
    }

    #[inline]
    fn literal(&mut self) -> Step<Literal> {
        self.s.literal().map_err(|e| self.syntax(e))
    }

    fn skip(&mut self) -> Step {
        let (depth, max) = (self.depth, self.c.options.max_depth);
        self.s.skip_value(depth, max).map_err(|e| self.syntax(e))
    }

    #[inline]
    fn array_next(&mut self) -> Step<bool> {
        self.s.array_next().map_err(|e| self.syntax(e))
    }

    #[inline]
    fn key(&mut self, first: bool) -> Step<Option<StrToken>> {
        self.s.object_key(first).map_err(|e| self.syntax(e))
    }

    /// Enters a container (the cursor on its bracket, consumed here).
    #[inline]
    fn enter(&mut self) -> Step {
        if self.depth >= self.c.options.max_depth {
            return Err(self.syntax(SyntaxError::TooDeep));
        }
        self.depth += 1;
        self.s.seek(self.s.pos() + 1);
        Ok(())
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }

    /// Walks the array at the cursor (known to start with `[`), calling `each` on every
    /// element with the path pointing at it.
    #[inline]
    fn each_element(&mut self, mut each: impl FnMut(&mut Self, u64) -> Step) -> Step<u64> {
        self.enter()?;
        let mut count = 0;
        if self.s.array_first() {
            self.path.push(Seg::Index(0));
            loop {
                if let Some(last) = self.path.last_mut() {
                    *last = Seg::Index(count);
                }
                each(self, count)?;
                count += 1;
                if !self.array_next()? {
                    break;
                }
            }
            self.path.pop();
        }
        self.leave();
        Ok(count)
    }

    /// Skips the value at the cursor and reports that it is not what `expected` describes:
    /// `null_not_allowed` for a null, else `kind` (usually `wrong_type`).
    fn mismatch(&mut self, kind: ProblemKind, expected: impl FnOnce() -> String) -> Step {
        let first = self.peek()?;
        let start = self.s.pos();
        let found = match first {
            b'"' => {
                self.string()?;
                "string"
            }
            b'-' | b'0'..=b'9' => {
                if self.number()?.as_integer().is_some() {
                    "integer"
                } else {
                    "float"
                }
            }
            b'[' => {
                self.skip()?;
                "array"
            }
            b'{' => {
                self.skip()?;
                "object"
            }
            _ => match self.literal()? {
                Literal::Null => "null",
                Literal::True | Literal::False => "boolean",
            },
        };
        let end = self.s.pos();
        let kind = if found == "null" && kind == ProblemKind::WrongType {
            ProblemKind::NullNotAllowed
        } else {
            kind
        };
        self.report(Severity::Error, |run| {
            let expected = expected();
            // The headline names the type; the `expected` line spells out what it accepts.
            let short = expected.split(" (").next().unwrap_or_default();
            let message = match kind {
                ProblemKind::NullNotAllowed => format!("null where {short} is required"),
                _ => format!("expected {short}, found {found}"),
            };
            let mut problem = run
                .here(kind, Severity::Error, message)
                .with_expected(expected)
                .with_found(found);
            if found != "null" {
                problem = problem.with_value(run.excerpt(start, end));
            } else if run.param.is_some() {
                problem = problem.with_note("omit the parameter to use its default");
            }
            problem
        });
        Ok(())
    }

    fn extra_column(&mut self, name: &str, at: Option<String>) {
        let known = self.extra_names.contains(name);
        if known {
            return;
        }
        if self.extra_names.len() < EXTRA_NAMES_REMEMBERED {
            self.extra_names.insert(name.to_owned());
        }
        let severity = match self.c.options.extra_columns {
            ExtraColumns::Ignore => Severity::Warning,
            ExtraColumns::Reject => Severity::Error,
        };
        self.report(severity, |run| {
            let (message, note) = match severity {
                Severity::Warning => (
                    format!("column `{name}` is not in the signature; it is ignored"),
                    "MLflow drops columns its signature does not declare",
                ),
                Severity::Error => (
                    format!("column `{name}` is not in the signature"),
                    "extra columns are rejected by this check's options",
                ),
            };
            let mut problem = Problem::new(
                ProblemKind::ExtraColumn,
                severity,
                at.unwrap_or_else(|| run.pointer()),
                message,
            )
            .with_column(name)
            .with_note(note);
            if let Some(row) = run.row {
                problem = problem.with_row(row);
            }
            problem
        });
    }

    fn missing_column(&mut self, i: usize, note: Option<&'static str>) {
        let c = self.c;
        let Some(column) = c.columns.get(i) else {
            return;
        };
        let what = if c.is_tensor_schema() {
            "tensor"
        } else {
            "column"
        };
        self.report(Severity::Error, |run| {
            let mut problem = Problem::new(
                ProblemKind::MissingColumn,
                Severity::Error,
                run.pointer(),
                format!("missing required {what} `{}`", column.label),
            )
            .with_column(column.label.clone());
            if let Some(note) = note {
                problem = problem.with_note(note);
            }
            problem
        });
    }

    // ---- The body and its envelope --------------------------------------------------------

    fn body(&mut self) -> Step {
        match self.s.peek() {
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
            Some(b'[') if self.ml.is_some() => {
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
        if self.s.peek().is_some() {
            return Err(self.syntax(SyntaxError::Expected(
                "unexpected text after the JSON value",
            )));
        }
        Ok(())
    }

    fn envelope(&mut self) -> Step {
        self.enter()?;
        let mut format: Option<&'static str> = None;
        let mut params_seen = false;
        let mut first = true;
        while let Some(key) = self.key(first)? {
            first = false;
            let name = self.key_text(key);
            self.path.push(Seg::Key(key));
            if let Some(&format_key) = FORMAT_KEYS.iter().find(|k| **k == name) {
                match format {
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
                }
            } else if name == "params" {
                if params_seen {
                    self.error(ProblemKind::DuplicateKey, || {
                        "`params` is given twice".to_owned()
                    });
                    self.skip()?;
                } else {
                    params_seen = true;
                    self.params()?;
                }
            } else if self.ml.is_some() {
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
            self.path.pop();
        }
        self.leave();
        if format.is_none() {
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

    /// Checks the value of a format key; returns the row count when it has rows.
    fn format(&mut self, key: &'static str) -> Step<Option<u64>> {
        if let Some(ml) = self.ml.as_mut() {
            ml.route = if key.starts_with("dataframe") {
                Route::Frame
            } else {
                Route::Columns
            };
            ml.transposed = false;
            ml.series.iter_mut().for_each(|s| *s = Series::default());
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
        if self.ml.is_some() {
            self.ml_finish(rows);
        }
        Ok(rows)
    }

    /// A tensor column whose first dimension is fixed needs exactly that many rows.
    fn check_fixed_batch(&mut self, rows: u64) {
        let c = self.c;
        for (i, column) in c.columns.iter().enumerate() {
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
    fn tensor_rows_apply(&self) -> bool {
        !self.whole_tensors
    }

    // ---- dataframe_split ------------------------------------------------------------------

    fn split(&mut self) -> Step<Option<u64>> {
        if self.peek()? != b'{' {
            self.mismatch(ProblemKind::BadEnvelope, || {
                "an object with `data`, and optionally `columns` and `index`".to_owned()
            })?;
            return Ok(None);
        }
        self.enter()?;
        let mut slots: Option<Vec<Slot>> = None;
        let mut data_at: Option<usize> = None;
        let mut rows: Option<u64> = None;
        let mut index: Option<u64> = None;
        let mut seen_keys = [false; 3];
        let mut first = true;
        while let Some(key) = self.key(first)? {
            first = false;
            let name = self.key_text(key);
            self.path.push(Seg::Key(key));
            let which = ["columns", "data", "index"].iter().position(|k| *k == name);
            match which {
                Some(k) if seen_keys[k] => {
                    self.error(ProblemKind::DuplicateKey, || {
                        format!("`{name}` is given twice")
                    });
                    self.skip()?;
                }
                Some(0) => {
                    seen_keys[0] = true;
                    slots = self.split_columns()?;
                }
                Some(1) => {
                    seen_keys[1] = true;
                    if seen_keys[0] {
                        rows = self.split_data(slots.take())?;
                    } else {
                        // `columns` may still come: check `data` once the object is read.
                        self.s.skip_ws();
                        data_at = Some(self.s.pos());
                        self.skip()?;
                    }
                }
                Some(_) => {
                    seen_keys[2] = true;
                    index = self.split_index()?;
                }
                None => {
                    self.report(Severity::Error, |run| {
                        run.here(
                            ProblemKind::BadEnvelope,
                            Severity::Error,
                            format!("unknown key `{name}` in `dataframe_split`"),
                        )
                        .with_expected("`columns`, `data` and `index`")
                    });
                    self.skip()?;
                }
            }
            self.path.pop();
        }
        if let Some(at) = data_at {
            let end = self.s.pos();
            self.s.seek(at);
            self.path.push(Seg::Name("data"));
            rows = self.split_data(slots.take())?;
            self.path.pop();
            self.s.seek(end);
        }
        self.leave();
        if !seen_keys[1] {
            self.error(ProblemKind::BadEnvelope, || {
                "`dataframe_split` has no `data`".to_owned()
            });
        }
        if let (Some(index), Some(rows)) = (index, rows)
            && index != rows
        {
            self.path.push(Seg::Name("index"));
            self.error(ProblemKind::BadEnvelope, || {
                format!("`index` has {index} entries but `data` has {rows} rows")
            });
            self.path.pop();
        }
        Ok(rows)
    }

    /// `columns`: the names, matched to the schema; reports missing and extra columns.
    fn split_columns(&mut self) -> Step<Option<Vec<Slot>>> {
        if self.peek()? != b'[' {
            self.mismatch(ProblemKind::BadEnvelope, || {
                "a list of column names".to_owned()
            })?;
            return Ok(None);
        }
        let c = self.c;
        let mut slots = Vec::new();
        let mut seen = Seen::default();
        seen.reset(c.columns.len());
        let mut positional_count = 0usize;
        self.each_element(|run, _| {
            let at = run.s.pos();
            let name = match run.peek()? {
                b'"' => {
                    let token = run.string()?;
                    Some(ColumnName::Str(run.key_text(token).into_owned()))
                }
                b'-' | b'0'..=b'9' => {
                    let number = run.number()?;
                    match number.as_integer() {
                        Some(v) if v.fits_i64() => {
                            let text = &run.s.bytes()[number.span.0..number.span.1];
                            String::from_utf8_lossy(text)
                                .parse()
                                .ok()
                                .map(ColumnName::Int)
                        }
                        _ => None,
                    }
                }
                _ => {
                    run.s.seek(at);
                    run.mismatch(ProblemKind::BadEnvelope, || {
                        "a column name (a string or an integer)".to_owned()
                    })?;
                    slots.push(Slot::Skip);
                    return Ok(());
                }
            };
            let slot = match (c.layout, name) {
                (Layout::Unchecked, _) => Slot::Skip,
                (Layout::Positional | Layout::UnnamedTensor, _) => {
                    positional_count += 1;
                    run.positional_slot(positional_count - 1, None)
                }
                (Layout::Named, None) => {
                    run.extra_column(&run.excerpt(at, run.s.pos()), None);
                    Slot::Skip
                }
                (Layout::Named, Some(name)) => match c
                    .columns
                    .iter()
                    .position(|col| col.name.as_ref() == Some(&name))
                {
                    Some(k) if seen.mark(k) => {
                        run.error(ProblemKind::DuplicateKey, || {
                            format!("column `{name}` is given twice")
                        });
                        Slot::Skip
                    }
                    Some(k) => Slot::Column(k),
                    None => {
                        run.extra_column(&name.to_string(), None);
                        Slot::Skip
                    }
                },
            };
            slots.push(slot);
            Ok(())
        })?;
        match c.layout {
            Layout::Named => {
                for (k, column) in c.columns.iter().enumerate() {
                    if column.required && !seen.has(k) {
                        self.missing_column(k, None);
                    }
                }
            }
            Layout::Positional | Layout::UnnamedTensor => {
                self.positional_width(slots.len(), None);
                if c.layout == Layout::UnnamedTensor {
                    self.unnamed_tensor_width(&mut slots);
                }
            }
            Layout::Unchecked => {}
        }
        Ok(Some(slots))
    }

    /// The slot of the `i`-th column of a positional or unnamed-tensor schema.
    fn positional_slot(&mut self, i: usize, name: Option<&str>) -> Slot {
        let c = self.c;
        if c.layout == Layout::UnnamedTensor {
            return if i == 0 {
                Slot::Column(0)
            } else {
                Slot::TensorElement
            };
        }
        if i < c.columns.len() {
            Slot::Column(i)
        } else {
            let label = name.map_or_else(|| i.to_string(), str::to_owned);
            self.extra_column(&label, None);
            Slot::Skip
        }
    }

    /// Reports the positional columns a body of `width` columns lacks.
    fn positional_width(&mut self, width: usize, note: Option<&'static str>) {
        let c = self.c;
        if c.layout != Layout::Positional {
            return;
        }
        let note =
            note.unwrap_or("the signature's columns are unnamed: they are matched by position");
        for k in width..c.columns.len() {
            self.missing_column(k, Some(note));
        }
    }

    /// For an unnamed tensor read from a frame of several columns: every column is one
    /// element of a `(-1, n)` tensor; any other shape cannot be built from scalar cells.
    fn unnamed_tensor_width(&mut self, slots: &mut [Slot]) {
        let Some(Cell::Tensor { spec, .. }) = self.c.columns.first().map(|c| &c.cell) else {
            return;
        };
        if slots.len() <= 1 {
            return;
        }
        let width = slots.len() as i64;
        let fits = matches!(spec.shape(), [first, n] if *first == -1 && (*n == width || *n == -1));
        if fits {
            slots.fill(Slot::TensorElement);
        } else {
            let shape = shape_text(spec.shape());
            self.error(ProblemKind::TensorShape, || {
                format!(
                    "{width} columns cannot form the unnamed tensor of shape {shape}; \
                     a frame of n columns needs shape (-1, n)"
                )
            });
            slots.fill(Slot::Skip);
        }
    }

    fn split_index(&mut self) -> Step<Option<u64>> {
        if self.peek()? != b'[' {
            self.mismatch(ProblemKind::BadEnvelope, || {
                "a list of row labels".to_owned()
            })?;
            return Ok(None);
        }
        let count = self.each_element(|run, _| run.skip())?;
        Ok(Some(count))
    }

    /// `data`: the rows. Without `columns`, pandas numbers the columns 0, 1, ...
    fn split_data(&mut self, slots: Option<Vec<Slot>>) -> Step<Option<u64>> {
        if self.peek()? != b'[' {
            self.mismatch(ProblemKind::BadEnvelope, || {
                "a list of rows (each a list of values)".to_owned()
            })?;
            return Ok(None);
        }
        let (slots, width) = match slots {
            Some(slots) => {
                let width = slots.len();
                (slots, Some(width))
            }
            // No rows and no names: nothing to match, nothing missing.
            None if self.first_element_byte().is_none() => (Vec::new(), None),
            None => {
                let width = self.first_row_width();
                (self.unlabelled_slots(width), None)
            }
        };
        let width = width.unwrap_or(slots.len());
        let rows = self.rows_of_lists(&slots, width)?;
        Ok(Some(rows))
    }

    /// How many values the first row holds (looking ahead; errors are left for the real pass).
    fn first_row_width(&mut self) -> usize {
        let start = self.s.pos();
        let mut width = 0;
        let max = self.c.options.max_depth;
        let depth = self.depth;
        let mut look = || -> Result<(), SyntaxError> {
            self.s.expect(b'[', "")?;
            if self.s.peek() != Some(b'[') {
                return Ok(());
            }
            self.s.seek(self.s.pos() + 1);
            if self.s.array_first() {
                loop {
                    self.s.skip_value(depth + 2, max)?;
                    width += 1;
                    if !self.s.array_next()? {
                        break;
                    }
                }
            }
            Ok(())
        };
        let _ = look();
        self.s.seek(start);
        width
    }

    /// Slots for rows given without column names: pandas labels the columns 0, 1, ...
    fn unlabelled_slots(&mut self, width: usize) -> Vec<Slot> {
        let c = self.c;
        const NOTE: &str = "without `columns`, pandas names the columns 0, 1, 2, ...";
        match c.layout {
            Layout::Unchecked => vec![Slot::Skip; width],
            Layout::Positional | Layout::UnnamedTensor => {
                let mut slots: Vec<Slot> =
                    (0..width).map(|i| self.positional_slot(i, None)).collect();
                self.positional_width(width, Some(NOTE));
                if c.layout == Layout::UnnamedTensor {
                    self.unnamed_tensor_width(&mut slots);
                }
                slots
            }
            Layout::Named => {
                let mut seen = Seen::default();
                seen.reset(c.columns.len());
                let mut slots = Vec::with_capacity(width);
                for i in 0..width {
                    let label = ColumnName::Int(i as i64);
                    match c
                        .columns
                        .iter()
                        .position(|col| col.name.as_ref() == Some(&label))
                    {
                        Some(k) => {
                            seen.mark(k);
                            slots.push(Slot::Column(k));
                        }
                        None => {
                            self.extra_column(&label.to_string(), None);
                            slots.push(Slot::Skip);
                        }
                    }
                }
                for (k, column) in c.columns.iter().enumerate() {
                    if column.required && !seen.has(k) {
                        self.missing_column(k, Some(NOTE));
                    }
                }
                slots
            }
        }
    }

    /// Rows given as lists of values, `slots` saying where each position goes.
    fn rows_of_lists(&mut self, slots: &[Slot], width: usize) -> Step<u64> {
        let slots: Vec<Slot> = slots.iter().map(|slot| self.c.fast_slot(*slot)).collect();
        let rows = self.each_element(|run, row| {
            run.row = Some(row);
            if run.peek()? != b'[' {
                return run.mismatch(ProblemKind::WrongType, || {
                    format!("a row (a list of {width} values)")
                });
            }
            let count = run.each_element(|run, col| {
                match usize::try_from(col).ok().and_then(|c| slots.get(c)) {
                    Some(&Slot::Leaf { k, spec, nullable }) => {
                        run.column = Some(k);
                        run.leaf(spec, nullable)?;
                    }
                    Some(Slot::Column(k)) => run.cell(*k)?,
                    Some(Slot::TensorElement) => run.tensor_element()?,
                    _ => run.skip()?,
                }
                run.column = None;
                Ok(())
            })?;
            if count != width as u64 {
                run.error(ProblemKind::RowLength, || {
                    format!("row {row} has {count} values, but there are {width} columns")
                });
            }
            Ok(())
        })?;
        self.row = None;
        Ok(rows)
    }

    // ---- records --------------------------------------------------------------------------

    /// A list of records (the cursor on `[`); returns the number of records.
    fn records(&mut self) -> Step<u64> {
        let c = self.c;
        let mut state = RecordsState {
            missing: vec![(0, 0); c.columns.len()],
            positional_keys: Vec::new(),
        };
        let rows = self.each_element(|run, row| {
            run.row = Some(row);
            run.record(row, &mut state)
        })?;
        self.row = None;
        if rows == 0 && self.ml.is_some() {
            // pandas makes a frame without columns of an empty list of records.
            for (k, column) in c.columns.iter().enumerate() {
                if column.required {
                    self.missing_column(k, Some("MLflow reads no columns from an empty list"));
                }
            }
        }
        for (k, &(count, first)) in state.missing.iter().enumerate() {
            if count == 0 {
                continue;
            }
            let Some(column) = c.columns.get(k) else {
                continue;
            };
            if count == rows {
                self.missing_column(k, None);
            } else {
                self.report(Severity::Error, |run| {
                    Problem::new(
                        ProblemKind::MissingColumn,
                        Severity::Error,
                        format!("{}/{first}", run.pointer()),
                        format!(
                            "required column `{}` is missing from {count} of {rows} records",
                            column.label
                        ),
                    )
                    .with_column(column.label.clone())
                    .with_row(first)
                });
            }
        }
        Ok(rows)
    }

    fn record(&mut self, row: u64, state: &mut RecordsState) -> Step {
        if self.peek()? != b'{' {
            return self.mismatch(ProblemKind::WrongType, || {
                "a record (an object mapping column names to values)".to_owned()
            });
        }
        let c = self.c;
        self.enter()?;
        self.seen.reset(c.columns.len());
        let mut guess = 0usize;
        let mut first = true;
        loop {
            if !first {
                match self.peek()? {
                    b',' => self.s.seek(self.s.pos() + 1),
                    b'}' => {
                        self.s.seek(self.s.pos() + 1);
                        break;
                    }
                    _ => {
                        return Err(self.syntax(SyntaxError::Expected(
                            "expected `,` or `}` after an object member",
                        )));
                    }
                }
            }
            self.s.skip_ws();
            let key_start = self.s.pos() + 1;
            // The usual case: the keys come in schema order, each matched by one comparison.
            let plain = c
                .columns
                .get(guess)
                .and_then(|col| col.plain_key.as_deref());
            let (token, slot) = match plain {
                Some(name) if self.s.eat_plain_key(name) => (
                    StrToken {
                        span: (key_start, key_start + name.len()),
                        escaped: false,
                    },
                    Slot::Column(guess),
                ),
                _ => match self.peek()? {
                    b'"' => {
                        let token = self.string()?;
                        self.s
                            .expect(b':', "expected `:` after an object key")
                            .map_err(|e| self.syntax(e))?;
                        let slot = self.record_slot(token, state);
                        (token, slot)
                    }
                    b'}' if first => {
                        self.s.seek(self.s.pos() + 1);
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
                Slot::Column(k) | Slot::Leaf { k, .. } => {
                    if self.seen.mark(k) {
                        self.error(ProblemKind::DuplicateKey, || {
                            format!("key `{}` is given twice in one record", c.columns[k].label)
                        });
                        self.skip()?;
                    } else if let Some((spec, nullable)) = c.columns[k].leaf {
                        self.column = Some(k);
                        self.leaf(spec, nullable)?;
                    } else {
                        self.cell(k)?;
                    }
                    self.column = None;
                    guess = k + 1;
                }
                Slot::TensorElement => self.tensor_element()?,
                Slot::Skip => self.skip()?,
            }
            self.path.pop();
        }
        self.leave();
        if self.seen.covers(&c.required_mask) {
            return Ok(());
        }
        for (k, column) in c.columns.iter().enumerate() {
            if column.required && !self.seen.has(k) {
                let entry = &mut state.missing[k];
                if entry.0 == 0 {
                    entry.1 = row;
                }
                entry.0 += 1;
            }
        }
        Ok(())
    }

    /// Where a record's key goes (reporting it when extra).
    fn record_slot(&mut self, token: StrToken, state: &mut RecordsState) -> Slot {
        let c = self.c;
        let name = self.key_text(token);
        match c.layout {
            Layout::Unchecked => Slot::Skip,
            Layout::Named => {
                let found = c.columns.iter().position(|col| match &col.name {
                    Some(ColumnName::Str(s)) => *s == name,
                    _ => false,
                });
                match found {
                    Some(k) => Slot::Column(k),
                    None => {
                        self.extra_column(&name, Some(self.pointer_with(token)));
                        Slot::Skip
                    }
                }
            }
            Layout::Positional | Layout::UnnamedTensor => {
                let position = match state.positional_keys.iter().position(|k| *k == name) {
                    Some(p) => p,
                    None if state.positional_keys.len()
                        < c.columns.len().max(1) + EXTRA_NAMES_REMEMBERED =>
                    {
                        state.positional_keys.push(name.clone().into_owned());
                        state.positional_keys.len() - 1
                    }
                    None => usize::MAX,
                };
                if c.layout == Layout::UnnamedTensor {
                    // Records for an unnamed tensor: each key one element of a `(-1, n)` row.
                    return Slot::TensorElement;
                }
                if position < c.columns.len() {
                    Slot::Column(position)
                } else {
                    self.extra_column(&name, Some(self.pointer_with(token)));
                    Slot::Skip
                }
            }
        }
    }

    fn pointer_with(&self, token: StrToken) -> String {
        let key = self.key_text(token);
        format!(
            "{}/{}",
            self.pointer(),
            key.replace('~', "~0").replace('/', "~1")
        )
    }

    // ---- instances and inputs -------------------------------------------------------------

    fn inputs(&mut self) -> Step<Option<u64>> {
        let c = self.c;
        match self.peek()? {
            b'{' if c.is_tensor_schema() => {
                if c.layout == Layout::UnnamedTensor {
                    self.mismatch(ProblemKind::BadEnvelope, || {
                        "the unnamed tensor itself (nested lists), not an object".to_owned()
                    })?;
                } else {
                    self.tensor_dict()?;
                }
                Ok(None)
            }
            b'{' => self.column_dict().map(Some),
            b'[' => self.input_list(),
            _ => {
                if c.is_tensor_schema() && c.columns.len() == 1 {
                    self.whole_tensor(0)?;
                    Ok(None)
                } else if c.columns.len() == 1 {
                    if self.ml.is_some() && c.layout == Layout::Named {
                        self.error(ProblemKind::MissingColumn, || {
                            "MLflow reads a single value as column `0`, so the signature's \
                             column is missing"
                                .to_owned()
                        });
                    }
                    self.row = Some(0);
                    self.cell(0)?;
                    self.row = None;
                    self.column = None;
                    Ok(Some(1))
                } else if c.layout == Layout::Unchecked {
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
    fn input_list(&mut self) -> Step<Option<u64>> {
        let c = self.c;
        let first = self.first_element_byte();
        if first == Some(b'{') && c.layout != Layout::UnnamedTensor {
            let instances = self.path.first().is_some_and(|seg| match seg {
                Seg::Key(token) => &self.s.bytes()[token.range()] == b"instances",
                _ => false,
            });
            if let Some(ml) = self.ml.as_mut().filter(|ml| ml.route == Route::Columns) {
                if instances {
                    ml.transposed = true;
                } else {
                    ml.route = Route::Records;
                }
            }
            return self.records().map(Some);
        }
        if c.is_tensor_schema() {
            if c.columns.len() == 1 {
                self.whole_tensor(0)?;
            } else {
                self.mismatch(ProblemKind::BadEnvelope, || {
                    "an object mapping each tensor's name to its value".to_owned()
                })?;
            }
            return Ok(None);
        }
        if c.columns.len() == 1 {
            if c.layout == Layout::Named {
                self.ml_predict_refuses(
                    "predict reads a list of values as column `0`, so the signature's column is \
                     missing (the scoring server names it)",
                );
            }
            // One column: the list is the column's values, one per row.
            let rows = self.each_element(|run, row| {
                run.row = Some(row);
                run.cell(0)?;
                run.column = None;
                Ok(())
            })?;
            self.row = None;
            return Ok(Some(rows));
        }
        if c.layout == Layout::Unchecked {
            self.skip()?;
            return Ok(None);
        }
        // Rows as lists: pandas numbers the columns 0, 1, ...
        self.split_data(None)
    }

    /// The first byte of the first element of the array at the cursor, looking ahead.
    fn first_element_byte(&mut self) -> Option<u8> {
        let start = self.s.pos();
        self.s.seek(start + 1);
        let byte = self.s.peek();
        self.s.seek(start);
        byte.filter(|b| *b != b']')
    }

    /// `inputs` as an object of columns: each value a list of cells, one per row; or, when the
    /// schema has an `array` or `object` column or the first value is not a list, one row.
    fn column_dict(&mut self) -> Step<u64> {
        let c = self.c;
        self.enter()?;
        let mut seen = Seen::default();
        seen.reset(c.columns.len());
        let mut state = RecordsState::default();
        let mut shape = if c.has_nested {
            DictShape::OneRow
        } else {
            DictShape::Undecided
        };
        let mut first = true;
        while let Some(token) = self.key(first)? {
            first = false;
            self.path.push(Seg::Key(token));
            let column = match self.record_slot(token, &mut state) {
                Slot::Column(k) if seen.mark(k) => {
                    self.error(ProblemKind::DuplicateKey, || {
                        format!("column `{}` is given twice", c.columns[k].label)
                    });
                    None
                }
                Slot::Column(k) | Slot::Leaf { k, .. } => Some(k),
                Slot::TensorElement | Slot::Skip => None,
            };
            match column {
                None => self.skip()?,
                Some(k) => {
                    if shape == DictShape::Undecided {
                        shape = if self.peek()? == b'[' {
                            DictShape::Columns { rows: None }
                        } else {
                            DictShape::OneRow
                        };
                    }
                    match shape {
                        DictShape::Columns { rows } => {
                            let count = self.column_values(k)?;
                            match (rows, count) {
                                (None, Some(count)) => {
                                    shape = DictShape::Columns {
                                        rows: Some((count, k)),
                                    }
                                }
                                (Some((expected, first_k)), Some(count)) if count != expected => {
                                    self.column = Some(k);
                                    self.error(ProblemKind::RowLength, || {
                                        format!(
                                            "column `{}` has {count} values, but `{}` has \
                                             {expected}",
                                            c.columns[k].label, c.columns[first_k].label
                                        )
                                    });
                                    self.column = None;
                                }
                                _ => {}
                            }
                        }
                        DictShape::OneRow | DictShape::Undecided => {
                            self.row = Some(0);
                            self.cell(k)?;
                            self.row = None;
                            self.column = None;
                        }
                    }
                }
            }
            self.path.pop();
        }
        self.leave();
        if shape == DictShape::OneRow && !c.has_nested {
            self.ml_predict_refuses(
                "predict receives single values of `inputs` as 0-d numpy arrays, which pandas \
                 cannot make a frame of",
            );
        }
        for (k, column) in c.columns.iter().enumerate() {
            if column.required && !seen.has(k) {
                self.missing_column(k, None);
            }
        }
        Ok(match shape {
            DictShape::Columns { rows: Some((n, _)) } => n,
            DictShape::Columns { rows: None } => 0,
            DictShape::OneRow | DictShape::Undecided => 1,
        })
    }

    /// The values of column `k` given as a list (one per row); `None` if not a list.
    fn column_values(&mut self, k: usize) -> Step<Option<u64>> {
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
            run.cell(k)?;
            run.column = None;
            Ok(())
        })?;
        self.row = None;
        Ok(Some(count))
    }

    /// `inputs` as an object of named tensors, each a whole tensor.
    fn tensor_dict(&mut self) -> Step {
        let c = self.c;
        self.enter()?;
        let mut seen = Seen::default();
        seen.reset(c.columns.len());
        let mut first = true;
        while let Some(token) = self.key(first)? {
            first = false;
            self.path.push(Seg::Key(token));
            let name = self.key_text(token);
            let found = c.columns.iter().position(|col| match &col.name {
                Some(ColumnName::Str(s)) => *s == name,
                _ => false,
            });
            match found {
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
        for (k, column) in c.columns.iter().enumerate() {
            if column.required && !seen.has(k) {
                self.missing_column(k, None);
            }
        }
        self.whole_tensors = true;
        Ok(())
    }

    // ---- Cells and values -----------------------------------------------------------------

    /// The cell of schema column `k` in the current row.
    #[inline]
    fn cell(&mut self, k: usize) -> Step {
        let c = self.c;
        let column = &c.columns[k];
        self.column = Some(k);
        match &column.cell {
            Cell::Leaf(spec) => match (&self.ml, column.data_type) {
                (Some(_), Some(t)) => self.ml_cell(k, t),
                _ => self.leaf(*spec, !column.required),
            },
            Cell::Composite(ty) => {
                if self.ml.is_some()
                    && let Some(why) = self.ml_composite_refusal(ty, column.required)?
                {
                    let start = self.s.pos();
                    self.skip()?;
                    let end = self.s.pos();
                    self.report(Severity::Error, |run| {
                        run.here(ProblemKind::WrongType, Severity::Error, why.to_owned())
                            .with_value(run.excerpt(start, end))
                    });
                    return Ok(());
                }
                self.value(ty, !column.required)
            }
            Cell::Tensor { spec, leaf } => {
                let dims = spec.shape().get(1..).unwrap_or_default();
                let mut tracker = std::mem::take(&mut self.trackers[k]);
                tracker.resize(dims.len(), None);
                let result = self.tensor_level(spec, *leaf, dims, 0, &mut tracker);
                self.trackers[k] = tracker;
                result
            }
        }
    }

    /// One element of the unnamed tensor, in a frame with one column per element.
    fn tensor_element(&mut self) -> Step {
        let c = self.c;
        match c.columns.first().map(|col| &col.cell) {
            Some(Cell::Tensor { leaf, .. }) => {
                self.column = Some(0);
                let result = self.leaf(*leaf, false);
                self.column = None;
                result
            }
            _ => self.skip(),
        }
    }

    /// Tensor `k` given whole (its first dimension included).
    fn whole_tensor(&mut self, k: usize) -> Step {
        let c = self.c;
        let Some(Cell::Tensor { spec, leaf }) = c.columns.get(k).map(|col| &col.cell) else {
            return self.skip();
        };
        self.column = Some(k);
        let mut tracker = vec![None; spec.shape().len()];
        let result = self.tensor_level(spec, *leaf, spec.shape(), 0, &mut tracker);
        self.column = None;
        self.whole_tensors = true;
        result
    }

    /// Level `level` of a tensor whose remaining dimensions are `dims`.
    fn tensor_level(
        &mut self,
        spec: &TensorSpec,
        leaf: LeafSpec,
        dims: &[i64],
        level: usize,
        tracker: &mut [Option<u64>],
    ) -> Step {
        let Some(&dim) = dims.get(level) else {
            if leaf.leaf != Leaf::Any && self.peek()? == b'[' {
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
        let expected = if dim >= 0 {
            Some(dim.unsigned_abs())
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
    fn value(&mut self, ty: &ColumnType, nullable: bool) -> Step {
        if nullable && !matches!(ty, ColumnType::DataType(_)) && self.peek()? == b'n' {
            return self.eat_null();
        }
        if self.ml.is_some() {
            match ty {
                ColumnType::DataType(t) => return self.ml_nested(*t, nullable),
                ColumnType::Array(array) => {
                    if let ColumnType::DataType(t) = array.items() {
                        return self.ml_array(*t);
                    }
                }
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
    fn eat_null(&mut self) -> Step {
        match self.literal()? {
            Literal::Null => Ok(()),
            _ => Err(self.syntax(SyntaxError::Expected("expected a JSON value"))),
        }
    }

    fn array(&mut self, mut each: impl FnMut(&mut Self) -> Step) -> Step {
        if self.peek()? != b'[' {
            return self.mismatch(ProblemKind::WrongType, || "array (a list)".to_owned());
        }
        self.each_element(|run, _| each(run))?;
        Ok(())
    }

    fn map(&mut self, values: &ColumnType) -> Step {
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

    fn object(&mut self, object: &Object) -> Step {
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
    fn leaf(&mut self, spec: LeafSpec, nullable: bool) -> Step {
        let first = self.peek()?;
        match (first, spec.leaf) {
            (b'-' | b'0'..=b'9', Leaf::Int { min, max }) => {
                let at = self.s.pos();
                let number = self.number()?;
                match int_fits(&number, min, max) {
                    Ok(()) => Ok(()),
                    Err(misfit) => {
                        self.number_misfit(spec, misfit, at);
                        Ok(())
                    }
                }
            }
            (b'-' | b'0'..=b'9', Leaf::Float { mantissa_bits, max }) => {
                let at = self.s.pos();
                let number = self.number()?;
                let text = &self.s.bytes()[number.span.0..number.span.1];
                match float_fits(&number, text, mantissa_bits, max) {
                    Ok(()) => Ok(()),
                    Err(misfit) => {
                        self.number_misfit(spec, misfit, at);
                        Ok(())
                    }
                }
            }
            (b'"', Leaf::Str) => {
                self.string()?;
                Ok(())
            }
            (b'"', Leaf::Base64 | Leaf::Datetime | Leaf::ParamDatetime) => {
                let token = self.string()?;
                self.text_leaf(spec, token);
                Ok(())
            }
            (b't' | b'f', Leaf::Bool) => {
                self.literal()?;
                Ok(())
            }
            (b'n', _) if nullable => self.eat_null(),
            (_, Leaf::Any) => self.skip(),
            _ => self.mismatch(ProblemKind::WrongType, || spec.expected()),
        }
    }

    fn number_misfit(&mut self, spec: LeafSpec, misfit: NumberMisfit, at: usize) {
        let end = self.s.pos();
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
            if misfit == NumberMisfit::NotAnInteger && run.s.bytes().get(at) == Some(&b'-') {
                problem =
                    problem.with_note("`-0` and numbers with a fraction or exponent are floats");
            }
            problem
        });
    }

    /// Base64 and datetime strings, checked on their decoded text.
    fn text_leaf(&mut self, spec: LeafSpec, token: StrToken) {
        let raw = &self.s.bytes()[token.range()];
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

    // ---- The MLflow modes -----------------------------------------------------------------

    /// Reads the value at the cursor as Python's `json.loads` would hold it.
    fn ml_value(&mut self) -> Step<Val> {
        Ok(match self.peek()? {
            b'"' => {
                let token = self.string()?;
                let raw = &self.s.bytes()[token.range()];
                Val::Str(if token.escaped {
                    unescape(raw)
                } else {
                    String::from_utf8_lossy(raw).into_owned()
                })
            }
            b'-' | b'0'..=b'9' => {
                let number = self.number()?;
                Val::number(&number, &self.s.bytes()[number.span.0..number.span.1])
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
    fn ml_verdict(&mut self, t: DataType, verdict: Verdict, start: usize, value: &Val) {
        let end = self.s.pos();
        match verdict {
            Verdict::Keep => {}
            Verdict::Changed(what) => self.report(Severity::Warning, |run| {
                run.here(ProblemKind::ValueChanged, Severity::Warning, what)
                    .with_expected(LeafSpec::column(t).expected())
                    .with_found(value.kind())
                    .with_value(run.excerpt(start, end))
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

    /// A cell of scalar column `k` of type `t`, in an MLflow mode.
    fn ml_cell(&mut self, k: usize, t: DataType) -> Step {
        let start = self.s.pos();
        let value = self.ml_value()?;
        let at = match self.ml.as_ref().and_then(|ml| ml.series.get(k)) {
            Some(series) if series.at.is_none() => Some(self.pointer()),
            _ => None,
        };
        let Some(ml) = self.ml.as_mut() else {
            return Ok(());
        };
        if let Some(series) = ml.series.get_mut(k) {
            series.add(&value);
            if at.is_some() {
                series.at = at;
            }
        }
        if ml.serving {
            let mut verdict = match ml.route {
                Route::Frame => serving_frame(t, &value),
                Route::Columns | Route::Records => serving_numpy(t, &value),
            };
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
            self.ml_verdict(t, verdict, start, &value);
        }
        Ok(())
    }

    /// Why MLflow refuses any value of a composite column in this body's shape, if it does.
    fn ml_composite_refusal(
        &mut self,
        ty: &ColumnType,
        required: bool,
    ) -> Step<Option<&'static str>> {
        let Some(ml) = self.ml.as_ref() else {
            return Ok(None);
        };
        let (serving, route, transposed) = (ml.serving, ml.route, ml.transposed);
        let first = self.peek()?;
        let array = matches!(ty, ColumnType::Array(_) | ColumnType::SparkMLVector);
        let object = matches!(ty, ColumnType::Object(_));
        let map = matches!(ty, ColumnType::Map(_));
        let empty_dict = first == b'{' && {
            let start = self.s.pos();
            self.s.seek(start + 1);
            let next = self.s.peek();
            self.s.seek(start);
            next == Some(b'}')
        };
        // MLflow returns an optional object's `{}` before looking at its container.
        let object = object && (required || !empty_dict);
        Ok(if route != Route::Frame && first == b'n' {
            Some("MLflow turns null into a 0-d numpy array, which its enforcement refuses")
        } else if transposed && (array || object) {
            Some(
                "MLflow stacks the `instances` values of an array or object column into a \
                 2-D numpy array, which its schema enforcement refuses; send `inputs` or \
                 `dataframe_records`",
            )
        } else if transposed && map && !serving {
            Some("predict receives each map of `instances` as a 0-d numpy array, not a dict")
        } else if route == Route::Columns && !transposed && !serving && (object || map) {
            Some("predict receives the `inputs` value as a 0-d numpy array, not a dict")
        } else if route == Route::Columns && !transposed && serving && map && !empty_dict {
            Some("the scoring server reads the keys of an `inputs` map as columns")
        } else {
            None
        })
    }

    /// A refusal of the predict mode, at the current place.
    fn ml_predict_refuses(&mut self, why: &str) {
        if self.ml.as_ref().is_some_and(|ml| !ml.serving) {
            self.report(Severity::Error, |run| {
                run.here(ProblemKind::BadEnvelope, Severity::Error, why.to_owned())
            });
        }
    }

    /// A scalar inside an `array`, `object` or `map` value, in an MLflow mode: MLflow puts it
    /// in a one-value pandas Series and enforces its type (spec §5.7).
    fn ml_nested(&mut self, t: DataType, nullable: bool) -> Step {
        let start = self.s.pos();
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
    fn ml_array(&mut self, t: DataType) -> Step {
        if self.peek()? != b'[' {
            return self.mismatch(ProblemKind::WrongType, || "array (a list)".to_owned());
        }
        let start = self.s.pos();
        let mut series = Series::default();
        self.each_element(|run, _| {
            let value = run.ml_value()?;
            series.add(&value);
            Ok(())
        })?;
        let serving = self.ml.as_ref().is_some_and(|ml| ml.serving);
        let mut outcome = series.enforce(t, series.dtype(false));
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
    fn ml_finish(&mut self, rows: Option<u64>) {
        let c = self.c;
        let Some(mut ml) = self.ml.take() else {
            return;
        };
        let rows = rows.unwrap_or(0);
        if ml.transposed {
            // MLflow transposes `instances` records into one array per column: they must all
            // have the same length.
            let given: Vec<(usize, u64)> = ml
                .series
                .iter()
                .enumerate()
                .filter(|(_, s)| s.n > 0)
                .map(|(k, s)| (k, s.n))
                .collect();
            if let Some(&(k, n)) = given.iter().find(|(_, n)| *n != given[0].1) {
                let label = c
                    .columns
                    .get(k)
                    .map(|col| col.label.clone())
                    .unwrap_or_default();
                let first = c
                    .columns
                    .get(given[0].0)
                    .map(|col| col.label.clone())
                    .unwrap_or_default();
                let (first_n, at) = (given[0].1, self.pointer());
                self.report(Severity::Error, |run| {
                    run.here_at(
                        at,
                        ProblemKind::MissingColumn,
                        format!(
                            "column `{label}` is in {n} instances but `{first}` in {first_n}; \
                             MLflow transposes `instances` into columns, which must have the \
                             same length"
                        ),
                    )
                    .with_column(label.clone())
                });
            }
        }
        for (k, column) in c.columns.iter().enumerate() {
            let Some(t) = column.data_type else {
                continue;
            };
            let Some(series) = ml.series.get_mut(k) else {
                continue;
            };
            if series.n == 0 {
                continue;
            }
            let holes = rows.saturating_sub(series.n);
            self.column = Some(k);
            if holes > 0 && ml.route != Route::Columns {
                // pandas fills the holes with NaN.
                for _ in 0..holes.min(2) {
                    series.add(&Val::Null);
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
            if !ml.serving {
                let numpy = ml.route == Route::Columns;
                let outcome =
                    if ml.transposed && series.has_nulls() {
                        Err(
                            "predict receives the nulls of `instances` as 0-d numpy arrays, which \
                         its enforcement refuses"
                                .to_owned(),
                        )
                    } else if ml.route == Route::Records
                        && !matches!(t, DataType::Boolean | DataType::String | DataType::Binary)
                    {
                        Err("predict receives each value of `inputs` records as a 0-d numpy array, \
                         which its enforcement refuses for this type"
                        .to_owned())
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
        self.ml = Some(ml);
    }

    // ---- params ---------------------------------------------------------------------------

    fn params(&mut self) -> Step {
        if self.peek()? != b'{' {
            return self.mismatch(ProblemKind::BadEnvelope, || {
                "an object mapping parameter names to values".to_owned()
            });
        }
        let c = self.c;
        let specs = c
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
            match specs.iter().position(|p| p.name() == name) {
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

    fn param_value(&mut self, spec: &ParamSpec) -> Step {
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

    fn param_scalar(&mut self, ty: &ParamType) -> Step {
        match ty {
            ParamType::DataType(t) => self.leaf(LeafSpec::param(*t), false),
            ParamType::Object(object) => self.object(object),
        }
    }
}

/// A shape as Python prints a tuple: `(-1, 5)`, `(3,)`, `()`.
fn shape_text(shape: &[i64]) -> String {
    match shape {
        [one] => format!("({one},)"),
        dims => {
            let dims: Vec<String> = dims.iter().map(i64::to_string).collect();
            format!("({})", dims.join(", "))
        }
    }
}
