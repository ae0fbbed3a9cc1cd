//! The JSON body checker: envelopes, rows, cells, params, in one pass over the bytes.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use super::scanner::{Literal, NumToken, Scanner, StrToken, SyntaxError, unescape};
use super::values::LeafSpec;
use super::{CheckOptions, ExtraColumns, Mode};
use crate::derived::{Signature, ValueLimit};
use crate::pandas_rules::values::{Route, Series};
use crate::report::{Collector, Problem, ProblemKind, Report, Severity};
use crate::types::{
    ColumnName, ColumnType, DataType, ModelSignature, ParamSchema, Schema, SchemaInputs, TensorSpec,
};
use clean_rows::{CleanRecordPlan, CleanRowPlan, CleanScratch};
use mlflow_tensors::TensorValues;
use names::NameIndex;

mod cells;
mod clean_rows;
mod envelope;
mod inputs;
#[cfg(test)]
mod key_order_tests;
mod limits;
mod llm;
mod mlflow_rules;
mod mlflow_tensors;
mod names;
mod params;
mod records;
mod sink;
mod split;

pub(in crate::check) use sink::{Arrival, CellSink, Discard, Scanned};

/// The keys that make a body MLflow's unified-LLM form, whatever else it holds.
const LLM_KEYS: [&str; 3] = ["messages", "prompt", "input"];

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
    /// The columns with string names, by name: a key is found in one lookup whatever the
    /// schema's width and the body's key order.
    names: NameIndex,
    /// The columns with integer names (pandas' default labels), by name.
    int_names: HashMap<i64, usize>,
    /// Every column's name as text, when all have one: the keys a typed decode shows serde.
    column_names: Option<Box<[String]>>,
    layout: Layout,
    /// Whether the schema has an `array` or `object` column: MLflow then reads an `inputs`
    /// dict as one row.
    has_nested: bool,
    /// Whether the schema has a SparkML vector column, which MLflow's `isinstance(.., Array)`
    /// also counts as an array (the MLflow modes read an `inputs` dict as one row for it;
    /// Strict reads a vector as the column of vectors it is written as).
    has_vector: bool,
    /// Bit `k` set when column `k` is required: a record is checked for missing columns
    /// with one comparison per 64 columns.
    required_mask: Vec<u64>,
    params: Option<ParamSchema>,
    /// The parameters, by name.
    param_names: NameIndex,
    /// The slots of a `dataframe_split` naming the schema's columns in its order, scalar
    /// checks resolved, and the fast path's plan for its rows: made once here, so the usual
    /// body allocates nothing for them.
    schema_fast_slots: Vec<Slot>,
    clean_split: Option<CleanRowPlan>,
    /// The fast path's plan for records.
    clean_records: Option<CleanRecordPlan>,
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
    /// What the Rust field's type also wants of a value (a checker built for a type).
    limit: ValueLimit,
}

#[derive(Clone, Debug)]
enum Cell {
    Leaf(LeafSpec),
    Composite(ColumnType),
    Tensor { spec: TensorSpec, leaf: LeafSpec },
}

impl JsonChecker {
    /// Whether an `inputs` object of columns is one row: the schema has an `array` or
    /// `object` column (in the MLflow modes, a SparkML vector column too).
    pub(super) fn dict_is_one_row(&self, mlflow: bool) -> bool {
        self.has_nested || (mlflow && self.has_vector)
    }

    /// A checker for a model signature: its inputs (if any) and its params (if any).
    pub fn for_signature(signature: &ModelSignature) -> Self {
        JsonChecker::build(signature.inputs(), signature.params())
    }

    /// A checker for an input schema, for a model without params.
    pub fn for_schema(schema: &Schema) -> Self {
        JsonChecker::build(Some(schema), None)
    }

    /// A checker for the Rust type `T`'s input schema ([`Signature::input_schema`]) that also
    /// checks what `T`'s fields take beyond their MLflow types: an enum's variants, a narrower
    /// integer's range (`u8`, `i32`), a `[T; N]`'s length, a `char`'s one character
    /// ([`ValueLimit`]). A value beyond its field's limit is reported with every other
    /// problem, in the same pass, instead of stopping [`decode`](JsonChecker::decode) at
    /// serde's first error.
    ///
    /// ```
    /// use signature_runtime::Signature;
    /// use signature_runtime::check::JsonChecker;
    ///
    /// #[derive(Signature, serde::Deserialize)]
    /// enum Kind { House, Flat }
    ///
    /// #[derive(Signature, serde::Deserialize)]
    /// struct Home {
    ///     kind: Kind,
    ///     floors: u8,
    /// }
    ///
    /// let checker = JsonChecker::for_type::<Home>();
    /// let report = checker.check(br#"[{"kind": "Castle", "floors": 300}]"#);
    /// let codes: Vec<_> = report.problems().iter().map(|p| p.kind().code()).collect();
    /// assert_eq!(codes, ["unknown_variant", "out_of_range"]);
    /// ```
    pub fn for_type<T: Signature>() -> Self {
        JsonChecker::for_schema(&T::input_schema()).with_limits_of::<T>()
    }

    /// The same checker, also checking what `T`'s fields take beyond their MLflow types (see
    /// [`JsonChecker::for_type`]); for a checker of a signature with params whose inputs are
    /// `T`'s. Columns `T` has no field for keep their schema checks alone.
    #[must_use]
    pub fn with_limits_of<T: Signature>(mut self) -> Self {
        let mut limits = Vec::new();
        T::_signature_private_limits(&mut limits);
        for (name, limit) in limits {
            if let Some(k) = self.names.get(name.as_bytes()) {
                self.columns[k].limit = limit;
            }
        }
        let options = self.options.clone();
        self.with_options(options)
    }

    /// The same checker with other options.
    #[must_use]
    pub fn with_options(mut self, options: CheckOptions) -> Self {
        let strict = options.mode == Mode::Strict;
        for column in &mut self.columns {
            // The MLflow modes take scalar cells off the Strict fast path, once per column, and
            // so does a limit of the Rust type (checked per cell; the fast paths take an
            // integer field's range, a `NonZero`, an enum's variants and a `char` themselves:
            // see `CleanCell::for_column`).
            column.leaf = match &column.cell {
                Cell::Leaf(spec) if strict && column.limit == ValueLimit::None => {
                    Some((*spec, !column.required))
                }
                _ => None,
            };
        }
        self.options = options;
        self.plan_fast_paths();
        self
    }

    /// The per-checker plans of the fast paths, for the columns' current scalar checks.
    fn plan_fast_paths(&mut self) {
        let schema_slots: Vec<Slot> = (0..self.columns.len()).map(Slot::Column).collect();
        self.schema_fast_slots = schema_slots.iter().map(|s| self.fast_slot(*s)).collect();
        self.clean_split = CleanRowPlan::for_slots(&self.schema_fast_slots, self);
        self.clean_records = CleanRecordPlan::for_checker(self);
    }

    /// The options.
    pub fn options(&self) -> &CheckOptions {
        &self.options
    }

    /// Each schema column's label (its name, or `#k` when unnamed) and its type (`None` for a
    /// tensor).
    pub(in crate::check) fn column_outline(
        &self,
    ) -> impl Iterator<Item = (&str, Option<ColumnType>)> + '_ {
        self.columns.iter().map(|c| {
            let ty = match &c.cell {
                Cell::Leaf(_) => c.data_type.map(ColumnType::DataType),
                Cell::Composite(ty) => Some(ty.clone()),
                Cell::Tensor { .. } => None,
            };
            (c.label.as_str(), ty)
        })
    }

    /// The position of the schema entry named `name` (a column with a text name, or a named
    /// tensor), from the index the checker was built with: one lookup whatever the schema's
    /// width, for the readers that turn other formats into bodies (the scoring server's CSV).
    #[cfg(feature = "serve")]
    pub(crate) fn position_of(&self, name: &str) -> Option<usize> {
        self.names.get(name.as_bytes())
    }

    /// The parameters the signature declares, if any.
    pub(in crate::check) fn param_schema(&self) -> Option<&ParamSchema> {
        self.params.as_ref()
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
        let has_vector = columns
            .iter()
            .any(|c| matches!(c.cell, Cell::Composite(ColumnType::SparkMLVector)));
        let mut required_mask = vec![0u64; columns.len().div_ceil(64)];
        for (k, column) in columns.iter().enumerate() {
            if column.required {
                required_mask[k / 64] |= 1 << (k % 64);
            }
        }
        let names = NameIndex::new(
            columns
                .iter()
                .enumerate()
                .filter_map(|(k, c)| match &c.name {
                    Some(ColumnName::Str(name)) => Some((name.as_str(), k)),
                    _ => None,
                }),
        );
        let mut int_names = HashMap::new();
        for (k, column) in columns.iter().enumerate() {
            if let Some(ColumnName::Int(name)) = column.name {
                int_names.entry(name).or_insert(k);
            }
        }
        let column_names = columns
            .iter()
            .map(|c| c.name.as_ref().map(ToString::to_string))
            .collect::<Option<Box<[String]>>>()
            .filter(|names| !names.is_empty());
        let params = params.filter(|p| !p.is_empty()).cloned();
        let param_names = NameIndex::new(
            params
                .iter()
                .flat_map(|p| p.params().iter().enumerate())
                .map(|(i, p)| (p.name(), i)),
        );
        let mut checker = JsonChecker {
            columns,
            names,
            int_names,
            column_names,
            layout,
            has_nested,
            has_vector,
            required_mask,
            params,
            param_names,
            schema_fast_slots: Vec::new(),
            clean_split: None,
            clean_records: None,
            options: CheckOptions::default(),
        };
        checker.plan_fast_paths();
        checker
    }

    /// Checks a request body: every problem, listed up to the cap, all counted.
    pub fn check(&self, body: &[u8]) -> Report {
        self.check_into(body, Discard).0
    }

    /// Checks a body, handing `sink` every cell as it is accepted; gives the sink back.
    pub(in crate::check) fn check_into<S: CellSink>(&self, body: &[u8], sink: S) -> (Report, S) {
        let mut run = Run::new(self, body, sink);
        // An abort has been reported already; the report is what was found up to it.
        let _ = run.body();
        let rows = run.rows;
        (run.collector.finish(rows), run.sink)
    }

    /// [`JsonChecker::check`] with every row on the general path.
    #[cfg(test)]
    fn check_without_fast_paths(&self, body: &[u8]) -> Report {
        self.check_into_without_fast_paths(body, Discard).0
    }

    /// [`JsonChecker::check_into`] with every row on the general path.
    #[cfg(test)]
    fn check_into_without_fast_paths<S: CellSink>(&self, body: &[u8], sink: S) -> (Report, S) {
        let mut run = Run::new(self, body, sink);
        run.fast_paths = false;
        let _ = run.body();
        let rows = run.rows;
        (run.collector.finish(rows), run.sink)
    }

    /// The slot with a scalar column's check resolved, for the per-cell loop.
    fn fast_slot(&self, slot: Slot) -> Slot {
        match slot {
            Slot::Column(k) => match self.columns.get(k).and_then(|c| c.leaf) {
                Some((spec, nullable)) => Slot::Leaf {
                    column: k,
                    spec,
                    nullable,
                },
                None => slot,
            },
            other => other,
        }
    }

    /// The schema column a name stands for (the first, if two share it).
    fn column_named(&self, name: &ColumnName) -> Option<usize> {
        match name {
            ColumnName::Str(name) => self.names.get(name.as_bytes()),
            ColumnName::Int(name) => self.int_names.get(name).copied(),
        }
    }

    /// Every column's name as text, when all have one.
    pub(in crate::check) fn column_names(&self) -> Option<&[String]> {
        self.column_names.as_deref()
    }

    pub(in crate::check) fn is_tensor_schema(&self) -> bool {
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
            limit: ValueLimit::None,
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
    /// A unified-LLM dict pandas makes `rows` rows of: each list (or object) holds a column's
    /// cells, each single value is repeated on every row.
    Broadcast { rows: u64 },
}

/// Where a body column goes.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Slot {
    /// A scalar schema column, with its check (the hot case, resolved once per body rather
    /// than per cell).
    Leaf {
        column: usize,
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

/// Which schema entries a record or a dict has given, as a bitset: up to
/// [`Seen::INLINE_WORDS`] × 64 entries without allocating (the usual schema), more in a `Vec`.
#[derive(Debug, Default)]
struct Seen {
    inline: [u64; Seen::INLINE_WORDS],
    spilled: Vec<u64>,
    /// How many words are in use.
    len: usize,
}

impl Seen {
    const INLINE_WORDS: usize = 4;

    fn words(&self) -> &[u64] {
        if self.len <= Seen::INLINE_WORDS {
            &self.inline[..self.len]
        } else {
            &self.spilled
        }
    }

    fn words_mut(&mut self) -> &mut [u64] {
        if self.len <= Seen::INLINE_WORDS {
            &mut self.inline[..self.len]
        } else {
            &mut self.spilled
        }
    }

    fn reset(&mut self, len: usize) {
        self.len = len.div_ceil(64);
        if self.len > Seen::INLINE_WORDS {
            self.spilled.clear();
            self.spilled.resize(self.len, 0);
        } else {
            self.inline = [0; Seen::INLINE_WORDS];
        }
    }

    /// Whether every entry of `mask` is marked.
    fn covers(&self, mask: &[u64]) -> bool {
        self.words()
            .iter()
            .zip(mask)
            .all(|(seen, wanted)| seen & wanted == *wanted)
    }

    /// Marks `i`; says whether it was marked already.
    #[inline]
    fn mark(&mut self, i: usize) -> bool {
        let (word, bit) = (i / 64, 1u64 << (i % 64));
        let Some(w) = self.words_mut().get_mut(word) else {
            return false;
        };
        let was = *w & bit != 0;
        *w |= bit;
        was
    }

    fn has(&self, i: usize) -> bool {
        self.words()
            .get(i / 64)
            .is_some_and(|w| w & (1u64 << (i % 64)) != 0)
    }
}

/// The segments of the JSON pointer to the place being checked: the first
/// [`Path::INLINE`] in place (deeper than any MLflow body's data), the rest in a `Vec`, so a
/// check allocates nothing for its pointer.
#[derive(Debug)]
struct Path {
    inline: [Seg; Path::INLINE],
    deeper: Vec<Seg>,
    len: usize,
}

impl Path {
    const INLINE: usize = 12;

    fn new() -> Self {
        Path {
            inline: [Seg::Index(0); Path::INLINE],
            deeper: Vec::new(),
            len: 0,
        }
    }

    #[inline]
    fn push(&mut self, seg: Seg) {
        match self.inline.get_mut(self.len) {
            Some(slot) => *slot = seg,
            None => self.deeper.push(seg),
        }
        self.len += 1;
    }

    #[inline]
    fn pop(&mut self) {
        if self.len > Path::INLINE {
            self.deeper.pop();
        }
        self.len = self.len.saturating_sub(1);
    }

    fn iter(&self) -> impl Iterator<Item = &Seg> {
        self.inline[..self.len.min(Path::INLINE)]
            .iter()
            .chain(&self.deeper)
    }

    /// The pointer, when it is one of the places rows usually start at (every segment a
    /// constant name): no allocation for it.
    fn constant_pointer(&self) -> Option<&'static str> {
        const PLACES: [(&[&str], &str); 5] = [
            (&[], ""),
            (&["dataframe_records"], "/dataframe_records"),
            (&["dataframe_split", "data"], "/dataframe_split/data"),
            (&["inputs"], "/inputs"),
            (&["instances"], "/instances"),
        ];
        PLACES.iter().find_map(|(names, pointer)| {
            let same = self.len == names.len()
                && self
                    .iter()
                    .zip(names.iter())
                    .all(|(seg, name)| matches!(seg, Seg::Name(n) if n == name));
            same.then_some(*pointer)
        })
    }

    fn first(&self) -> Option<&Seg> {
        self.iter().next()
    }

    fn last(&self) -> Option<&Seg> {
        match self.len {
            0 => None,
            len if len <= Path::INLINE => self.inline.get(len - 1),
            _ => self.deeper.last(),
        }
    }

    #[inline]
    fn last_mut(&mut self) -> Option<&mut Seg> {
        match self.len {
            0 => None,
            len if len <= Path::INLINE => self.inline.get_mut(len - 1),
            _ => self.deeper.last_mut(),
        }
    }
}

/// Per-check state for the records of one list.
#[derive(Debug, Default)]
struct RecordsState {
    /// Per schema column: records lacking it, and the first such record (empty until a
    /// record lacks a column).
    missing: Vec<(u64, u64)>,
    /// Keys and their first-seen rank, for positional schemas (a record's keys become
    /// columns in the order pandas first meets them).
    positional_keys: HashMap<String, usize>,
    /// For `instances` records in the MLflow modes: how many records give each key that is
    /// not a column (MLflow transposes every key into an array, of the same length as the
    /// others).
    extra_counts: HashMap<String, u64>,
    /// In the MLflow modes, per schema column: records lacking it, and the first such record
    /// (pandas fills these holes with NaN).
    holes: Vec<(u64, u64)>,
}

struct Run<'a, 'c, S: CellSink = Discard> {
    /// The checker this run checks a body for.
    checker: &'c JsonChecker,
    /// The cursor in the body.
    scanner: Scanner<'a>,
    /// The problems found so far.
    collector: Collector,
    path: Path,
    depth: usize,
    row: Option<u64>,
    column: Option<usize>,
    param: Option<&'c str>,
    rows: Option<u64>,
    /// The lengths of each `-1` dimension seen so far, per tensor column: a tensor sent row by
    /// row must keep one shape across rows. Empty until a tensor cell is read.
    trackers: Vec<Vec<Option<u64>>>,
    /// The extra column names reported so far; made at the first one.
    extra_names: Option<HashSet<String>>,
    seen: Seen,
    /// Whether tensors came whole (`inputs` of tensors) rather than row by row.
    whole_tensors: bool,
    /// The MLflow modes' state; `None` in Strict.
    mlflow: Option<Box<MlState>>,
    /// Whether clean rows may take the fast path of [`clean_rows`]: off in tests that show it
    /// changes no report.
    fast_paths: bool,
    /// The fast path's working space.
    clean: CleanScratch,
    /// Where accepted cells go ([`Discard`] for a plain check).
    sink: S,
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
    /// Per tensor, its elements so far, once it is given (boxed: only a tensor schema fills
    /// them, and a check makes one slot per column).
    tensors: Vec<Option<Box<TensorValues>>>,
    /// The body is a frame whose columns are an unnamed tensor's elements.
    uncast_frame: bool,
    /// The body is MLflow's unified-LLM form: its data goes to predict uncast.
    llm: bool,
    /// Rows given as lists under `inputs`/`instances` for a positional schema: numpy makes one
    /// array of every value (the server casting them all to the first column's type); here
    /// are those values.
    uniform: Option<Series>,
}

impl<'a, 'c, S: CellSink> Run<'a, 'c, S> {
    fn new(checker: &'c JsonChecker, body: &'a [u8], sink: S) -> Self {
        Run {
            checker,
            scanner: Scanner::new(body),
            collector: Collector::new(checker.options.max_problems),
            path: Path::new(),
            depth: 0,
            row: None,
            column: None,
            param: None,
            rows: None,
            trackers: Vec::new(),
            extra_names: None,
            seen: Seen::default(),
            whole_tensors: false,
            mlflow: match checker.options.mode {
                Mode::Strict => None,
                mode => Some(Box::new(MlState {
                    serving: mode == Mode::MlflowServing,
                    route: Route::Frame,
                    transposed: false,
                    series: vec![Series::default(); checker.columns.len()],
                    tensors: vec![None; checker.columns.len()],
                    uncast_frame: false,
                    llm: false,
                    uniform: None,
                })),
            },
            fast_paths: true,
            clean: CleanScratch::default(),
            sink,
        }
    }

    // ---- Reporting ------------------------------------------------------------------------

    /// The JSON pointer to the current place.
    fn pointer(&self) -> String {
        use std::fmt::Write as _;
        // One allocation for the usual pointer (`/dataframe_records/12/price`).
        let mut pointer = String::with_capacity(48);
        for seg in self.path.iter() {
            pointer.push('/');
            match seg {
                Seg::Name(name) => pointer.push_str(name),
                Seg::Index(i) => {
                    let _ = write!(pointer, "{i}");
                }
                Seg::Key(token) => push_pointer_token(&mut pointer, &self.key_text(*token)),
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
        if let Some(column) = self.column.and_then(|i| self.checker.columns.get(i)) {
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
        if let Some(column) = self.column.and_then(|i| self.checker.columns.get(i)) {
            problem = problem.with_column(column.label.clone());
        }
        problem
    }

    /// Counts a problem; builds it only if it will be listed.
    fn report(&mut self, severity: Severity, build: impl FnOnce(&Self) -> Problem) {
        if self.collector.is_full() {
            self.collector.count_unlisted(severity);
        } else {
            let problem = build(self);
            self.collector.add(problem);
        }
    }

    fn error(&mut self, kind: ProblemKind, message: impl FnOnce() -> String) {
        self.report(Severity::Error, |run| {
            run.here(kind, Severity::Error, message())
        });
    }

    /// Reports a syntax error at the cursor and stops the check.
    fn syntax(&mut self, error: SyntaxError) -> Abort {
        let offset = self.scanner.pos();
        let kind = if error == SyntaxError::TooDeep {
            ProblemKind::TooDeep
        } else {
            ProblemKind::MalformedJson
        };
        let max_depth = self.checker.options.max_depth;
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
        let bytes = self.scanner.bytes();
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

    /// The schema column a key names (looked up without decoding it when it has no escapes).
    #[inline]
    fn column_for_key(&self, token: StrToken) -> Option<usize> {
        if token.escaped {
            self.checker.names.get(self.key_text(token).as_bytes())
        } else {
            let (start, end) = token.span;
            self.checker.names.get_in(self.scanner.bytes(), start, end)
        }
    }

    fn key_text(&self, token: StrToken) -> Cow<'a, str> {
        let raw = &self.scanner.bytes()[token.range()];
        if token.escaped {
            Cow::Owned(unescape(raw))
        } else {
            String::from_utf8_lossy(raw)
        }
    }

    // ---- Scanner steps that report their syntax errors ------------------------------------

    #[inline]
    fn peek(&mut self) -> Step<u8> {
        match self.scanner.peek() {
            Some(b) => Ok(b),
            None => Err(self.syntax(SyntaxError::UnexpectedEnd)),
        }
    }

    #[inline]
    fn string(&mut self) -> Step<StrToken> {
        self.scanner.string().map_err(|e| self.syntax(e))
    }

    #[inline]
    fn number(&mut self) -> Step<NumToken> {
        self.scanner.number().map_err(|e| self.syntax(e))
    }

    #[inline]
    fn literal(&mut self) -> Step<Literal> {
        self.scanner.literal().map_err(|e| self.syntax(e))
    }

    fn skip(&mut self) -> Step {
        let (depth, max) = (self.depth, self.checker.options.max_depth);
        self.scanner
            .skip_value(depth, max)
            .map_err(|e| self.syntax(e))
    }

    #[inline]
    fn array_next(&mut self) -> Step<bool> {
        self.scanner.array_next().map_err(|e| self.syntax(e))
    }

    #[inline]
    fn key(&mut self, first: bool) -> Step<Option<StrToken>> {
        self.scanner.object_key(first).map_err(|e| self.syntax(e))
    }

    /// Enters a container (the cursor on its bracket, consumed here).
    #[inline]
    fn enter(&mut self) -> Step {
        if self.depth >= self.checker.options.max_depth {
            return Err(self.syntax(SyntaxError::TooDeep));
        }
        self.depth += 1;
        self.scanner.seek(self.scanner.pos() + 1);
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
        if self.scanner.array_first() {
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
        let start = self.scanner.pos();
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
        let end = self.scanner.pos();
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
        let extra_names = self.extra_names.get_or_insert_with(HashSet::new);
        if extra_names.contains(name) {
            return;
        }
        if extra_names.len() < EXTRA_NAMES_REMEMBERED {
            extra_names.insert(name.to_owned());
        }
        let severity = match self.checker.options.extra_columns {
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
        let checker = self.checker;
        let Some(column) = checker.columns.get(i) else {
            return;
        };
        let what = if checker.is_tensor_schema() {
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
}

/// Appends `key` to a JSON pointer, escaped as RFC 6901 says (`~` as `~0`, `/` as `~1`).
fn push_pointer_token(pointer: &mut String, key: &str) {
    for part in key.split_inclusive(['~', '/']) {
        match part.strip_suffix('~') {
            Some(text) => {
                pointer.push_str(text);
                pointer.push_str("~0");
            }
            None => match part.strip_suffix('/') {
                Some(text) => {
                    pointer.push_str(text);
                    pointer.push_str("~1");
                }
                None => pointer.push_str(part),
            },
        }
    }
}

/// A shape as Python prints a tuple: `(-1, 5)`, `(3,)`, `()`.
pub(super) fn shape_text(shape: &[i64]) -> String {
    match shape {
        [one] => format!("({one},)"),
        dims => {
            let dims: Vec<String> = dims.iter().map(i64::to_string).collect();
            format!("({})", dims.join(", "))
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn pointer_tokens_are_escaped_as_rfc_6901_says() {
        for (key, token) in [
            ("price", "price"),
            ("", ""),
            ("a/b", "a~1b"),
            ("a~b", "a~0b"),
            ("~/", "~0~1"),
            ("/~1", "~1~01"),
            ("é/", "é~1"),
        ] {
            let mut pointer = String::from("/x/");
            super::push_pointer_token(&mut pointer, key);
            assert_eq!(pointer, format!("/x/{token}"), "{key:?}");
        }
    }
}
