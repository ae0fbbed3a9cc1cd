//! The fast path for the common body: rows of scalar cells with nothing to report, as
//! `dataframe_split` lists or as records.
//!
//! Why it exists: most bodies are clean, and on a clean row the general path's per-cell
//! bookkeeping (the JSON pointer kept up to date, the current column, the dispatch on the
//! slot, the error plumbing, the cursor kept in memory) costs as much as reading the bytes.
//!
//! What it assumes: it reports nothing and changes no state but the cursor. It accepts a row
//! only when every cell is one the general path accepts without a problem (Strict rules, and
//! for a checker built for a type, an integer field's range, a `NonZero`'s zero, an enum's
//! variants or a `char`'s one character), with
//! exactly one value per column (for records: each column at most once and every required
//! one, keyed by its name as plain ASCII without escapes, in any order); numbers only in their
//! plain forms (no exponent, at most 19 digits for an integer column, an integer a float
//! column holds exactly). At the first thing it does not accept (a problem, a syntax error, a
//! rarer number form, an extra or repeated key, a row of the wrong length),
//! the cursor goes back to the row's start and the general path checks that row: every
//! problem is the general path's own, with its pointer, row and column, and a body with
//! errors costs one extra look at its bad rows only.
//!
//! A sink gets the same cells from it as from the general path, classified the same way
//! ([`Scanned`]), once the row is known to be clean: a row the fast path gives up reaches the
//! sink from the general path only.

use super::names::{NameIndex, Words};
use super::{Cell, CellSink, JsonChecker, Layout, Run, Scanned, Seen, Slot};
use crate::check::Mode;
use crate::check::scanner::{
    IntValue, Scanner, digit_run, plain_string_end, short_key, skip_digits, skip_whitespace,
};
use crate::check::values::{Leaf, LeafSpec, safe_int_digits};
use crate::derived::ValueLimit;

/// What the fast path checks at one position of a row.
#[derive(Clone, Copy, Debug)]
enum CleanCell {
    Int {
        min: i64,
        max: u64,
        nullable: bool,
    },
    /// An integer field that takes no zero (`NonZero<T>`), within `min..=max`.
    NonZeroInt {
        min: i64,
        max: u64,
        nullable: bool,
    },
    Float {
        mantissa_bits: u32,
        max: f64,
        /// [`safe_int_digits`] for `max`.
        safe_int_digits: usize,
        nullable: bool,
    },
    Str {
        nullable: bool,
    },
    /// A string naming one of a Rust enum's variants (as serde names them), written without
    /// escapes (any other string leaves the row to the general path).
    OneOf {
        names: &'static [&'static str],
        nullable: bool,
    },
    /// A `char` field: a string of one ASCII character without escapes (any other one-character
    /// string, written with an escape or in more than one byte, leaves the row to the general
    /// path, which takes it).
    Char {
        nullable: bool,
    },
    Bool {
        nullable: bool,
    },
    /// A column the signature does not check (an extra one): any value.
    Skip,
}

/// The per-position checks for the rows of one `dataframe_split`, resolved once per body.
#[derive(Clone, Debug)]
pub(super) struct CleanRowPlan {
    cells: Vec<CleanCell>,
    /// The schema column each position's cell belongs to (`None` for an extra column).
    columns: Vec<Option<usize>>,
}

impl CleanCell {
    /// The fast path's check for a scalar place, or `None` when it needs more than the fast
    /// path does (base64 or datetime text, `any`).
    fn for_leaf(spec: LeafSpec, nullable: bool) -> Option<CleanCell> {
        match spec.leaf {
            Leaf::Int { min, max } => Some(CleanCell::Int { min, max, nullable }),
            Leaf::Float { mantissa_bits, max } => Some(CleanCell::Float {
                mantissa_bits,
                max,
                safe_int_digits: safe_int_digits(max),
                nullable,
            }),
            Leaf::Str => Some(CleanCell::Str { nullable }),
            Leaf::Bool => Some(CleanCell::Bool { nullable }),
            Leaf::Base64 | Leaf::Datetime | Leaf::ParamDatetime | Leaf::Any => None,
        }
    }

    /// The fast path's check for schema column `k`: its scalar check, or, in a checker built
    /// for a Rust type (in Strict), for an integer column whose field takes a narrower range
    /// (or no zero), that check narrowed to the range, for a string column whose field is an
    /// enum, the variants' names, and for a `char` field, one character. A value within needs
    /// nothing more; any other makes the fast path give its row up to the general path, which
    /// checks and reports the limit.
    fn for_column(checker: &JsonChecker, k: usize) -> Option<CleanCell> {
        let column = checker.columns.get(k)?;
        if let Some((spec, nullable)) = column.leaf {
            return CleanCell::for_leaf(spec, nullable);
        }
        let Cell::Leaf(spec) = &column.cell else {
            return None;
        };
        if checker.options.mode != Mode::Strict {
            return None;
        }
        let nullable = !column.required;
        match (spec.leaf, column.limit) {
            (
                Leaf::Int { min, max },
                limit @ (ValueLimit::Range {
                    min: low,
                    max: high,
                }
                | ValueLimit::NonZero {
                    min: low,
                    max: high,
                }),
            ) => {
                let min = i64::try_from(i128::from(min).max(low)).ok()?;
                let max = u64::try_from(i128::from(max).min(high)).ok()?;
                Some(match limit {
                    ValueLimit::NonZero { .. } => CleanCell::NonZeroInt { min, max, nullable },
                    _ => CleanCell::Int { min, max, nullable },
                })
            }
            (Leaf::Str, ValueLimit::OneOf(names)) => Some(CleanCell::OneOf { names, nullable }),
            (Leaf::Str, ValueLimit::OneChar) => Some(CleanCell::Char { nullable }),
            _ => None,
        }
    }
}

impl CleanRowPlan {
    /// The plan for rows whose positions go to `slots`, or `None` when a position needs more
    /// than the fast path does (a nested or tensor column, base64 or datetime text).
    pub(super) fn for_slots(slots: &[Slot], checker: &JsonChecker) -> Option<CleanRowPlan> {
        let mut cells = Vec::with_capacity(slots.len());
        let mut columns = Vec::with_capacity(slots.len());
        for slot in slots {
            let (cell, column) = match *slot {
                Slot::Leaf {
                    column: k,
                    spec,
                    nullable,
                } => (CleanCell::for_leaf(spec, nullable)?, Some(k)),
                Slot::Skip => (CleanCell::Skip, None),
                // A column with a limit of its Rust type (see `CleanCell::for_column`).
                Slot::Column(k) => (CleanCell::for_column(checker, k)?, Some(k)),
                Slot::TensorElement => return None,
            };
            cells.push(cell);
            columns.push(column);
        }
        Some(CleanRowPlan { cells, columns })
    }
}

/// The keys and checks of the records of a named schema of scalar columns (made once per
/// checker).
#[derive(Clone, Debug)]
pub(super) struct CleanRecordPlan {
    /// Per schema column, its key and the key's first bytes as words.
    keys: Vec<(Box<[u8]>, Words)>,
    /// Per schema column, its check. Apart from the keys: a record out of order reaches
    /// only this and `take_class` at random places (and `takes`, a few entries), and their
    /// entries are smaller with the keys apart.
    cells: Vec<CleanCell>,
    /// Per schema column, the place in `takes` of what its cell certainly takes, for
    /// [`quick_cell_end`]. One byte a column, not a [`Takes`] (24 bytes): a record out of
    /// order reads it at a random column, 1 KB of cache at 1,000 columns where the `Takes`
    /// took 24 KB.
    take_class: Vec<u8>,
    /// The distinct [`Takes`] of the columns (a schema has a few: one per type, nullable or
    /// not, and per range of a Rust integer field); at 0, one that takes nothing, for the
    /// columns of any past the 255th distinct one (left to their own check).
    takes: Vec<Takes>,
}

impl CleanRecordPlan {
    /// The plan for a checker's records, if the fast path can take them: a named schema of
    /// scalar columns whose names need no escapes, in Strict (the MLflow modes give no column
    /// a scalar check).
    pub(super) fn for_checker(checker: &JsonChecker) -> Option<CleanRecordPlan> {
        if checker.layout != Layout::Named {
            return None;
        }
        let (keys, cells) = checker
            .columns
            .iter()
            .enumerate()
            .map(|(k, column)| {
                let key = column.plain_key.as_deref()?;
                Some((
                    (key.into(), Words::of(key)),
                    CleanCell::for_column(checker, k)?,
                ))
            })
            .collect::<Option<(Vec<_>, Vec<CleanCell>)>>()?;
        let (take_class, takes) = Takes::classes(&cells);
        Some(CleanRecordPlan {
            keys,
            cells,
            take_class,
            takes,
        })
    }
}

impl<'c, S: CellSink> Run<'_, 'c, S> {
    /// The fast path's plan for rows whose positions go to `slots`, if it can take them: in
    /// Strict only (the MLflow modes decide a column on all its values together).
    pub(super) fn clean_row_plan(&self, slots: &[Slot]) -> Option<CleanRowPlan> {
        if !self.fast_paths || self.mlflow.is_some() {
            return None;
        }
        CleanRowPlan::for_slots(slots, self.checker)
    }

    /// The fast path's plan for records, if it can take them.
    pub(super) fn clean_record_plan(&self) -> Option<&'c CleanRecordPlan> {
        if !self.fast_paths || self.mlflow.is_some() {
            return None;
        }
        self.checker.clean_records.as_ref()
    }

    /// The fast path's plan for `dataframe_split` rows of the schema's columns in its order.
    pub(super) fn clean_split_plan(&self) -> Option<&'c CleanRowPlan> {
        if !self.fast_paths || self.mlflow.is_some() {
            return None;
        }
        self.checker.clean_split.as_ref()
    }

    /// Checks record `row` at the cursor on the fast path: `true` when it is clean and
    /// consumed, `false` with the cursor where it was when the general path must check it.
    #[inline]
    pub(super) fn clean_record(&mut self, plan: &CleanRecordPlan, row: u64) -> bool {
        let checker = self.checker;
        self.clean_step(row, |scanner, scratch, sink, start, depth, max_depth| {
            let CleanScratch { kept, record } = scratch;
            record.reset(plan.cells.len());
            let columns = (plan, &checker.names, checker.required_mask.as_slice());
            clean_record_end(
                scanner,
                start,
                columns,
                record,
                (depth, max_depth),
                |k, value| keep_cell(sink, kept, row, k, value),
            )
        })
    }

    /// Checks row `row` at the cursor on the fast path: `true` when the row is clean and
    /// consumed, `false` with the cursor where it was when the general path must check it.
    #[inline]
    pub(super) fn clean_row(&mut self, plan: &CleanRowPlan, row: u64) -> bool {
        self.clean_step(row, |scanner, scratch, sink, start, depth, max_depth| {
            clean_row_end(scanner, start, &plan.cells, depth, max_depth, |n, value| {
                if S::ACTIVE
                    && let Some(&Some(k)) = plan.columns.get(n)
                {
                    keep_cell(sink, &mut scratch.kept, row, k, value);
                }
            })
        })
    }

    /// Runs `scan` from the cursor, with where to keep the row's cells for the sink (see
    /// [`keep_cell`]), the depth of the row's cells and the deepest they may nest: the cursor
    /// moves to where it says the clean row ends, and the sink gets the row, or the cursor
    /// stays and the sink gets nothing, or is told to forget the row's tentative cells (the
    /// general path hands it the row).
    #[inline(always)]
    fn clean_step(
        &mut self,
        row: u64,
        scan: impl FnOnce(
            &mut Scanner<'_>,
            &mut CleanScratch,
            &mut S,
            usize,
            usize,
            usize,
        ) -> Option<usize>,
    ) -> bool {
        let max_depth = self.checker.options.max_depth;
        // The row is one level below the cursor's depth: the general path refuses it.
        if self.depth >= max_depth {
            return false;
        }
        let start = self.scanner.pos();
        self.clean.kept.clear();
        match scan(
            &mut self.scanner,
            &mut self.clean,
            &mut self.sink,
            start,
            self.depth + 1,
            max_depth,
        ) {
            Some(end) => {
                self.scanner.seek(end);
                if S::ACTIVE && !S::TAKES_TENTATIVE {
                    for &(column, value) in &self.clean.kept {
                        self.sink.cell(column, row, value);
                    }
                }
                self.sink_row_end(row);
                true
            }
            None => {
                self.scanner.seek(start);
                if S::ACTIVE && S::TAKES_TENTATIVE {
                    self.sink.row_abandoned();
                }
                false
            }
        }
    }
}

/// Hands column `column`'s cell of row `row`, read on the fast path, on to `sink` at once when
/// it takes tentative cells, else keeps it in `kept` until the row is known clean.
#[inline(always)]
fn keep_cell<S: CellSink>(
    sink: &mut S,
    kept: &mut Vec<(usize, Scanned)>,
    row: u64,
    column: usize,
    value: Scanned,
) {
    if S::ACTIVE {
        if S::TAKES_TENTATIVE {
            sink.cell(column, row, value);
        } else {
            kept.push((column, value));
        }
    }
}

/// Where the clean row at `i` ends (after its `]`); `None` if it is not clean. Cells at
/// `depth` may nest up to `max_depth`; each position's cell goes to `emit` as it is read.
#[inline]
fn clean_row_end(
    scanner: &mut Scanner<'_>,
    i: usize,
    cells: &[CleanCell],
    depth: usize,
    max_depth: usize,
    mut emit: impl FnMut(usize, Scanned),
) -> Option<usize> {
    let bytes = scanner.bytes();
    let mut i = skip_whitespace(bytes, i);
    if bytes.get(i) != Some(&b'[') {
        return None;
    }
    i = skip_whitespace(bytes, i + 1);
    for (n, &cell) in cells.iter().enumerate() {
        if n > 0 {
            if bytes.get(i) != Some(&b',') {
                return None;
            }
            i = skip_whitespace(bytes, i + 1);
        }
        let (end, value) = clean_cell_end(scanner, i, cell, depth, max_depth)?;
        emit(n, value);
        i = skip_whitespace(bytes, end);
    }
    (bytes.get(i) == Some(&b']')).then_some(i + 1)
}

/// Where the clean record at `i` ends (after its `}`); `None` if it is not clean: a key
/// that is not a column (or is written with escapes or non-ASCII text), a column given twice,
/// a required column missing, or a cell the fast path does not accept.
///
/// The keys may come in any order. Each is first compared with the name the order predicts
/// (the column after the previous key's, or in a wide schema the column that followed the
/// previous key in the last record out of order) and its cell checked at once by the
/// column's check: one comparison per key for the usual record, and the checks in an order
/// the processor learns. From a key the order does not predict on, the rest of the record
/// goes to [`RecordScratch::members_out_of_order`], which looks each key up and reads each
/// value before it knows the column's type.
///
/// Each column's cell goes to `emit` with the column's index, in the record's order.
// The same loop as `clean_row_end` with a key before each cell. One generic member loop for
// both measured 2–3% slower on the split check (A/B, three alternations), so it stays two.
#[inline]
fn clean_record_end(
    scanner: &mut Scanner<'_>,
    i: usize,
    (plan, names, required): (&CleanRecordPlan, &NameIndex, &[u64]),
    scratch: &mut RecordScratch,
    (depth, max_depth): (usize, usize),
    mut emit: impl FnMut(usize, Scanned),
) -> Option<usize> {
    let bytes = scanner.bytes();
    let mut i = skip_whitespace(bytes, i);
    if bytes.get(i) != Some(&b'{') {
        return None;
    }
    i = skip_whitespace(bytes, i + 1);
    let (seen, successors) = (&mut scratch.seen, &scratch.successors);
    // The previous key's place in `successors` (0 before the first key).
    let mut previous = 0;
    let mut first = true;
    loop {
        match bytes.get(i) {
            Some(b'}') => return seen.covers(required).then_some(i + 1),
            Some(b',') if !first => i = skip_whitespace(bytes, i + 1),
            _ if first => {}
            _ => return None,
        }
        // The schema's order until a record has left it.
        let k = successor(successors, previous);
        let Some(key_end) = plan
            .keys
            .get(k)
            .and_then(|(key, words)| plain_key_end(bytes, i, key, *words))
        else {
            break;
        };
        first = false;
        let &cell = plan.cells.get(k)?;
        if seen.mark(k) {
            return None;
        }
        i = skip_whitespace(bytes, key_end);
        if bytes.get(i) != Some(&b':') {
            return None;
        }
        i = skip_whitespace(bytes, i + 1);
        let (end, value) = clean_cell_end(scanner, i, cell, depth, max_depth)?;
        emit(k, value);
        i = skip_whitespace(bytes, end);
        previous = k + 1;
    }
    let end = scratch.members_out_of_order(
        scanner,
        i,
        (plan, names),
        previous,
        (depth, max_depth),
        &mut emit,
    )?;
    scratch.seen.covers(required).then_some(end)
}

/// The widest schema whose records do not have the order of their keys learned: that needs
/// space per column, which a narrow schema's small bodies should not allocate, and a record
/// of a few columns out of order costs a few lookups.
const NARROW: usize = 64;

/// The fast path's working space, kept by the run from row to row (allocated at most once
/// per check).
#[derive(Debug, Default)]
pub(super) struct CleanScratch {
    /// A clean row's cells, kept until the row is known to be clean (only when a sink takes
    /// them).
    kept: Vec<(usize, Scanned)>,
    record: RecordScratch,
}

/// What the record fast path keeps between records.
#[derive(Debug, Default)]
struct RecordScratch {
    /// The columns the record gives.
    seen: Seen,
    /// Which column followed which in the last record of a wide schema that left the
    /// schema's order: at `k + 1` the column after column `k`, at 0 the first column (empty
    /// until then; made once per check). A client's records usually share one key order
    /// (sorted, or a frame's column order): from the second record on, each key is then
    /// confirmed by one comparison rather than looked up.
    /// `u32`, not `usize`: read at a random place per key, half the bytes to cache (a schema
    /// has fewer than `u32::MAX` columns, as [`NameIndex`] requires).
    successors: Vec<u32>,
}

/// The column predicted after the key at `previous - 1` (the first column at 0): the learned
/// successor, or the schema's next column before any was learned.
#[inline(always)]
fn successor(successors: &[u32], previous: usize) -> usize {
    successors.get(previous).map_or(previous, |&k| k as usize)
}

impl RecordScratch {
    /// Ready for a record of a schema of `columns` columns.
    #[inline]
    fn reset(&mut self, columns: usize) {
        self.seen.reset(columns);
    }

    /// The members from the key at `i` on, where a record left the order its keys were
    /// predicted in: each key compared with the prediction while it holds, else looked up,
    /// and marked; its value read by [`quick_cell_end`] and handed to `emit`. Where the record
    /// ends (after its `}`), or `None` at anything the fast path does not take.
    ///
    /// Why values are read before their column's type is known: with keys in a fresh order
    /// per record (a client's hash map), a branch on the column's type meets the types in an
    /// order the processor cannot learn, and is decided only once the key's lookup is done;
    /// the value's first byte is at hand at once, so the branch on it is decided early, and
    /// the column's check is then arithmetic on what was read. Measured against checking in
    /// two passes (values noted in the record's order, checked in the schema's):
    /// `BENCHMARKS.md`, 2026-12-03, "Keys in a fresh order per record: values read first".
    #[inline]
    fn members_out_of_order(
        &mut self,
        scanner: &mut Scanner<'_>,
        mut i: usize,
        (plan, names): (&CleanRecordPlan, &NameIndex),
        mut previous: usize,
        (depth, max_depth): (usize, usize),
        emit: &mut impl FnMut(usize, Scanned),
    ) -> Option<usize> {
        let columns = plan.cells.len();
        let learn = columns > NARROW;
        if learn && self.successors.len() <= columns {
            self.successors = (0..=u32::try_from(columns).ok()?).collect();
        }
        let bytes = scanner.bytes();
        // The key at `i` was just compared with the prediction.
        let mut predicting = false;
        loop {
            if bytes.get(i) != Some(&b'"') {
                return None;
            }
            let predicted = successor(&self.successors, previous);
            let hit = match plan.keys.get(predicted) {
                Some((key, words)) if predicting => plain_key_end(bytes, i, key, *words),
                _ => None,
            };
            let (k, key_end) = match hit {
                Some(end) => (predicted, end),
                None => {
                    let (k, end) = match short_key(bytes, i) {
                        Some((len, text)) => {
                            (names.get_short(Words::from_words(text), len)?, i + len + 2)
                        }
                        None => {
                            let end = plain_string_end(bytes, i)?;
                            (names.get_in(bytes, i + 1, end - 1)?, end)
                        }
                    };
                    // Try the prediction again once it would have been right (sorted keys
                    // come in runs of the schema's order).
                    predicting = k == predicted;
                    if learn && let Some(next) = self.successors.get_mut(previous) {
                        // `k` is below `columns`, which fits a `u32` (above).
                        *next = k as u32;
                    }
                    (k, end)
                }
            };
            if self.seen.mark(k) {
                return None;
            }
            previous = k + 1;
            i = skip_whitespace(bytes, key_end);
            if bytes.get(i) != Some(&b':') {
                return None;
            }
            i = skip_whitespace(bytes, i + 1);
            let (end, value) = quick_cell_end(
                scanner,
                i,
                *plan.takes.get(usize::from(*plan.take_class.get(k)?))?,
                *plan.cells.get(k)?,
                depth,
                max_depth,
            )?;
            emit(k, value);
            i = skip_whitespace(bytes, end);
            match bytes.get(i) {
                Some(b'}') => return Some(i + 1),
                Some(b',') => i = skip_whitespace(bytes, i + 1),
                _ => return None,
            }
        }
    }
}

/// A value's kind as [`quick_take`] reads it, one bit each.
const INTEGER: u8 = 1;
const FRACTION: u8 = 2;
const STRING: u8 = 4;
const BOOLEAN: u8 = 8;
const NULL: u8 = 16;

/// What a column's cell certainly takes, as bits and bounds tested without a branch on the
/// column's type: a subset of what [`clean_cell_end`] accepts for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Takes {
    /// The kinds of value the column takes (`INTEGER`, …).
    kinds: u8,
    /// The integer part's most digits of a plain fraction the column takes.
    fraction_digits: u8,
    /// The integers the column takes: from `int_min` to `int_max`.
    int_min: i64,
    int_max: u64,
}

impl Takes {
    /// What a column takes whose values all go to its own check.
    const NOTHING: Takes = Takes {
        kinds: 0,
        fraction_digits: 0,
        int_min: 0,
        int_max: 0,
    };

    /// Per cell, the place in the returned list of what it takes: the distinct [`Takes`] of
    /// `cells`, after [`Takes::NOTHING`] at 0, which also stands for those of any past the
    /// 255th distinct one (a scan per cell: a schema has a few distinct ones).
    fn classes(cells: &[CleanCell]) -> (Vec<u8>, Vec<Takes>) {
        let mut takes = vec![Takes::NOTHING];
        let classes = cells
            .iter()
            .map(|&cell| {
                let of_cell = Takes::of(cell);
                match takes.iter().position(|known| *known == of_cell) {
                    Some(class) => u8::try_from(class).unwrap_or(0),
                    None => match u8::try_from(takes.len()) {
                        Ok(class) => {
                            takes.push(of_cell);
                            class
                        }
                        Err(_) => 0,
                    },
                }
            })
            .collect();
        (classes, takes)
    }

    /// What a column checked by `cell` certainly takes.
    fn of(cell: CleanCell) -> Takes {
        let null = |nullable: bool| if nullable { NULL } else { 0 };
        match cell {
            CleanCell::Int { min, max, nullable } => Takes {
                kinds: INTEGER | null(nullable),
                int_min: min,
                int_max: max,
                ..Takes::NOTHING
            },
            CleanCell::Float {
                mantissa_bits,
                max,
                safe_int_digits,
                nullable,
            } => {
                // Integers of at most `mantissa_bits` bits are exact in the float.
                let exact = 1u64 << mantissa_bits.min(62);
                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                let limit = exact.min(max.floor() as u64);
                Takes {
                    kinds: INTEGER | FRACTION | null(nullable),
                    fraction_digits: u8::try_from(safe_int_digits).unwrap_or(u8::MAX),
                    int_min: -i64::try_from(limit).unwrap_or(i64::MAX),
                    int_max: limit,
                }
            }
            CleanCell::Str { nullable } => Takes {
                kinds: STRING | null(nullable),
                ..Takes::NOTHING
            },
            CleanCell::Bool { nullable } => Takes {
                kinds: BOOLEAN | null(nullable),
                ..Takes::NOTHING
            },
            // Their values are compared with names or skipped, or need more than a kind and a
            // range (no zero, one character): left to `clean_cell_end`.
            CleanCell::OneOf { .. }
            | CleanCell::Skip
            | CleanCell::NonZeroInt { .. }
            | CleanCell::Char { .. } => Takes::NOTHING,
        }
    }
}

/// What [`clean_cell_end`] gives for `cell` (whose [`Takes`] are `takes`), read the other
/// way round: [`quick_take`] first, then the column's own check for a value it leaves.
#[inline(always)]
fn quick_cell_end(
    scanner: &mut Scanner<'_>,
    i: usize,
    takes: Takes,
    cell: CleanCell,
    depth: usize,
    max_depth: usize,
) -> Option<(usize, Scanned)> {
    match quick_take(scanner.bytes(), i, takes) {
        Some(taken) => Some(taken),
        None => clean_cell_end(scanner, i, cell, depth, max_depth),
    }
}

/// Where the value at `i` ends and what it is, when a column that takes `takes` certainly
/// accepts it: the value read by its first byte, then tested against `takes` with no branch
/// on the column's type (the branch a processor cannot predict when a record's keys come in
/// a fresh order, and one that would wait on the key's lookup). `None` leaves the value to
/// [`clean_cell_end`]; `Some` is what `clean_cell_end` gives.
#[inline(always)]
fn quick_take(bytes: &[u8], i: usize, takes: Takes) -> Option<(usize, Scanned)> {
    let (kind, fits, end, value) = match *bytes.get(i)? {
        b'"' => {
            plain_string_end(bytes, i).map(|end| (STRING, true, end, Scanned::Str(i + 1, end - 1)))
        }
        b'-' | b'0'..=b'9' => quick_number(bytes, i, takes),
        b't' => word_end(bytes, i, b"true").map(|end| (BOOLEAN, true, end, Scanned::Bool(true))),
        b'f' => word_end(bytes, i, b"false").map(|end| (BOOLEAN, true, end, Scanned::Bool(false))),
        b'n' => word_end(bytes, i, b"null").map(|end| (NULL, true, end, Scanned::Null)),
        _ => None,
    }?;
    // `&`, not `&&`: both are at hand, and a second branch would gain nothing.
    ((takes.kinds & kind != 0) & fits).then_some((end, value))
}

/// The number at `i` read as [`clean_cell_end`] reads it for a float or an integer column:
/// its kind, whether `takes`' bounds hold it, where it ends and its value; `None` for a form
/// the fast path leaves to the general path (an exponent, `-0`, more than 19 digits).
#[inline(always)]
fn quick_number(bytes: &[u8], i: usize, takes: Takes) -> Option<(u8, bool, usize, Scanned)> {
    let (negative, end, digits, magnitude) = integer_part(bytes, i)?;
    match bytes.get(end) {
        Some(b'.') => {
            let fraction = end + 1;
            let end = skip_digits(bytes, fraction);
            if end == fraction || matches!(bytes.get(end), Some(b'e' | b'E')) {
                return None;
            }
            let fits = digits <= usize::from(takes.fraction_digits);
            let value = match decimal_value(bytes, magnitude, digits, fraction, end) {
                Some(v) if negative => Scanned::FloatValue(-v),
                Some(v) => Scanned::FloatValue(v),
                None => Scanned::Float(i, end),
            };
            Some((FRACTION, fits, end, value))
        }
        Some(b'e' | b'E') => None,
        _ if digits > 19 => None,
        _ => {
            let value = IntValue::read_as_serde_json(negative, magnitude)?;
            let fits = value.fits(takes.int_min, takes.int_max);
            Some((INTEGER, fits, end, Scanned::Int(value)))
        }
    }
}

/// Where the string `"key"` at `i` ends, if it is there (`words` are the key's first bytes).
#[inline(always)]
fn plain_key_end(bytes: &[u8], i: usize, key: &[u8], words: Words) -> Option<usize> {
    let end = i + key.len() + 1;
    let quoted = bytes.get(i) == Some(&b'"') && bytes.get(end) == Some(&b'"');
    (quoted && words.is_at(bytes, i + 1, key)).then_some(end + 1)
}

/// Where the cell at `i` ends and what it is, if the general path's `leaf` accepts it without
/// a report.
#[inline(always)]
fn clean_cell_end(
    scanner: &mut Scanner<'_>,
    i: usize,
    cell: CleanCell,
    depth: usize,
    max_depth: usize,
) -> Option<(usize, Scanned)> {
    let bytes = scanner.bytes();
    let first = *bytes.get(i)?;
    let nullable = match cell {
        CleanCell::Int { min, max, .. } if is_number_start(first) => {
            return plain_integer_end(bytes, i, min, max)
                .map(|(end, value)| (end, Scanned::Int(value)));
        }
        CleanCell::NonZeroInt { min, max, .. } if is_number_start(first) => {
            return plain_integer_end(bytes, i, min, max)
                .filter(|(_, value)| *value != IntValue::Positive(0))
                .map(|(end, value)| (end, Scanned::Int(value)));
        }
        CleanCell::Float {
            mantissa_bits,
            max,
            safe_int_digits,
            ..
        } if is_number_start(first) => {
            return plain_float_end(bytes, i, mantissa_bits, max, safe_int_digits);
        }
        CleanCell::Str { .. } if first == b'"' => {
            if let Some(end) = plain_string_end(bytes, i) {
                return Some((end, Scanned::Str(i + 1, end - 1)));
            }
            scanner.seek(i);
            let token = scanner.string().ok()?;
            return Some((scanner.pos(), Scanned::from(token)));
        }
        CleanCell::OneOf { names, .. } if first == b'"' => {
            let end = plain_string_end(bytes, i)?;
            let text = bytes.get(i + 1..end - 1)?;
            return names
                .iter()
                .any(|name| name.as_bytes() == text)
                .then_some((end, Scanned::Str(i + 1, end - 1)));
        }
        CleanCell::Char { .. } if first == b'"' => {
            return (plain_string_end(bytes, i) == Some(i + 3))
                .then_some((i + 3, Scanned::Str(i + 1, i + 2)));
        }
        CleanCell::Bool { .. } if first == b't' => {
            return word_end(bytes, i, b"true").map(|end| (end, Scanned::Bool(true)));
        }
        CleanCell::Bool { .. } if first == b'f' => {
            return word_end(bytes, i, b"false").map(|end| (end, Scanned::Bool(false)));
        }
        CleanCell::Skip => {
            scanner.seek(i);
            scanner.skip_value(depth, max_depth).ok()?;
            return Some((scanner.pos(), Scanned::Raw(i, scanner.pos())));
        }
        CleanCell::Int { nullable, .. }
        | CleanCell::NonZeroInt { nullable, .. }
        | CleanCell::Char { nullable }
        | CleanCell::Float { nullable, .. }
        | CleanCell::Str { nullable }
        | CleanCell::OneOf { nullable, .. }
        | CleanCell::Bool { nullable } => nullable,
    };
    if nullable && first == b'n' {
        word_end(bytes, i, b"null").map(|end| (end, Scanned::Null))
    } else {
        None
    }
}

#[inline(always)]
fn is_number_start(byte: u8) -> bool {
    byte == b'-' || byte.is_ascii_digit()
}

#[inline(always)]
fn word_end(bytes: &[u8], i: usize, word: &[u8]) -> Option<usize> {
    let end = i + word.len();
    (bytes.get(i..end) == Some(word)).then_some(end)
}

/// The integer part of a number at `i`: its sign, where its digits end, how many there are
/// and their value (wrapped past 19 digits). `None` when it has no digits or a leading zero
/// followed by more digits, which the general path reports.
#[inline(always)]
fn integer_part(bytes: &[u8], mut i: usize) -> Option<(bool, usize, usize, u64)> {
    let negative = bytes.get(i) == Some(&b'-');
    if negative {
        i += 1;
    }
    let start = i;
    let (end, value) = digit_run(bytes, i);
    i = end;
    let digits = i - start;
    if digits == 0 || (digits > 1 && bytes[start] == b'0') {
        return None;
    }
    Some((negative, i, digits, value))
}

/// Where an integer of at most 19 digits (so never wrapped) in `min..=max` ends, and its
/// value, if the number at `i` is one. `-0`, fractions and exponents are floats, which an
/// integer column refuses: left to the general path.
#[inline(always)]
fn plain_integer_end(bytes: &[u8], i: usize, min: i64, max: u64) -> Option<(usize, IntValue)> {
    let (negative, end, digits, magnitude) = integer_part(bytes, i)?;
    if digits > 19 || matches!(bytes.get(end), Some(b'.' | b'e' | b'E')) {
        return None;
    }
    let value = IntValue::read_as_serde_json(negative, magnitude)?;
    value.fits(min, max).then_some((end, value))
}

/// Where a number a float type (of `mantissa_bits` and maximum `max`) certainly holds ends,
/// and the number as serde_json reads it, if the number at `i` is one: a fraction without
/// exponent whose integer part is short enough, or an integer of at most 19 digits the type
/// holds exactly. Exponents are left to the general path, which parses them.
#[inline(always)]
fn plain_float_end(
    bytes: &[u8],
    i: usize,
    mantissa_bits: u32,
    max: f64,
    safe_int_digits: usize,
) -> Option<(usize, Scanned)> {
    let (negative, mut end, digits, magnitude) = integer_part(bytes, i)?;
    match bytes.get(end) {
        Some(b'.') => {
            let fraction = end + 1;
            end = skip_digits(bytes, fraction);
            let plain = end > fraction
                && digits <= safe_int_digits
                && !matches!(bytes.get(end), Some(b'e' | b'E'));
            if !plain {
                return None;
            }
            // Only a sink uses the value: a plain check drops this as dead code.
            let value = match decimal_value(bytes, magnitude, digits, fraction, end) {
                Some(v) if negative => Scanned::FloatValue(-v),
                Some(v) => Scanned::FloatValue(v),
                None => Scanned::Float(i, end),
            };
            Some((end, value))
        }
        Some(b'e' | b'E') => None,
        _ => {
            #[allow(clippy::cast_precision_loss)]
            let in_range = magnitude as f64 <= max;
            let exact = digits <= 19
                && in_range
                && IntValue::Positive(magnitude).exact_in_float(mantissa_bits);
            let value = match IntValue::read_as_serde_json(negative, magnitude) {
                Some(value) => Scanned::Int(value),
                None => Scanned::Float(i, end),
            };
            exact.then_some((end, value))
        }
    }
}

/// The value of the unsigned decimal with integer part `integer` (of `integer_digits` digits)
/// and fraction `bytes[fraction..end]` (digits only), when f64 arithmetic gets it exactly:
/// when all its digits make an integer of at most 2^53, which with the power of ten (at
/// most 10^22) is exact in f64, and one division rounds the quotient correctly, as a
/// correctly rounded parse (serde_json's with `float_roundtrip`) does.
#[inline(always)]
fn decimal_value(
    bytes: &[u8],
    integer: u64,
    integer_digits: usize,
    fraction: usize,
    end: usize,
) -> Option<f64> {
    const POWERS_OF_TEN: [f64; 23] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
        1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ];
    let scale = end - fraction;
    if integer_digits + scale > 19 {
        return None;
    }
    let (_, fraction_value) = digit_run(&bytes[..end], fraction);
    let shift = 10u64.pow(u32::try_from(scale).ok()?);
    let mantissa = integer.checked_mul(shift)?.checked_add(fraction_value)?;
    if mantissa > 1 << 53 {
        return None;
    }
    #[allow(clippy::cast_precision_loss)]
    Some(mantissa as f64 / *POWERS_OF_TEN.get(scale)?)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use proptest::test_runner::TestCaseError;

    use crate::check::json::{Arrival, CellSink, Scanned};

    use crate::check::JsonChecker;
    use crate::derived::ValueLimit;
    use crate::types::{ColSpec, DataType, Schema};

    /// Cells the fast path must take, or hand to the general path, without a report changing:
    /// every number form near the rules' edges, strings, literals, containers, broken JSON.
    const CELLS: &[&str] = &[
        "0",
        "-0",
        "7",
        "-7",
        "01",
        "-",
        "2147483647",
        "2147483648",
        "-2147483648",
        "-2147483649",
        "123456789012345678",
        "-123456789012345678",
        "1234567890123456789",
        "9223372036854775807",
        "9223372036854775808",
        "-9223372036854775808",
        "-9223372036854775809",
        "18446744073709551615",
        "99999999999999999999",
        "1.5",
        "-0.0",
        "0.5e3",
        "1e400",
        "1E-2",
        "1.",
        "1.e5",
        "16777216",
        "16777217",
        "9007199254740992",
        "9007199254740993",
        "340282356779733661637539395458142568448.5",
        "1000000000000000000000000000000000000000.5",
        "\"abc\"",
        "\"Lakeside\"",
        "\"a\\\"b\"",
        "\"é\"",
        "\"\\u00e9 \\ud83d\\ude00\"",
        "\"\\ud800\"",
        "\"a\tb\"",
        "\"\\q\"",
        "\"12345678901234567890 long plain text\"",
        "true",
        "false",
        "null",
        "tru",
        "nul",
        "NaN",
        "-Infinity",
        "[]",
        "[1, [2]]",
        "{}",
        "{\"a\": 1}",
        "[[[[[[",
        " 5 ",
        "\n2.5\t",
    ];

    fn checker() -> JsonChecker {
        let schema = Schema::from_columns(vec![
            ColSpec::new("a", DataType::Long),
            ColSpec::new("b", DataType::Integer),
            ColSpec::new("c", DataType::Double),
            ColSpec::new("d", DataType::Float),
            ColSpec::new("e", DataType::String).optional(),
            ColSpec::new("f", DataType::Boolean),
            ColSpec::new("g", DataType::Long).optional(),
        ])
        .expect("a valid schema");
        JsonChecker::for_schema(&schema)
    }

    /// Valid cells for each body column `a` to `g`, then the extra column `x`.
    const VALID: [&[&str]; 8] = [
        &["12", "-3", "0", "9223372036854775807"],
        &["5", "-2147483648"],
        &["2.25", "-1", "1e5", "0.000001"],
        &["0.5", "16777216", "-2"],
        &["\"x\"", "null", "\"é\"", "\"a\\nb\""],
        &["true", "false"],
        &["null", "7"],
        &["1", "\"y\"", "[1, {}]", "null"],
    ];

    /// A row as real bodies have them: valid, or with one cell replaced, or one too short or
    /// too long.
    fn row() -> impl Strategy<Value = String> {
        let valid: Vec<_> = VALID
            .iter()
            .map(|choices| prop::sample::select(*choices))
            .collect();
        let replaced = (0..9usize, prop::sample::select(CELLS));
        let shape = prop_oneof![
            4 => Just(None),
            8 => replaced.prop_map(Some),
        ];
        (valid, shape).prop_map(|(cells, change)| {
            let mut cells: Vec<&str> = cells;
            match change {
                None => {}
                Some((8, _)) => {
                    cells.pop();
                }
                Some((i, text)) => cells[i.min(7)] = text,
            }
            format!("[{}]", cells.join(", "))
        })
    }

    fn rows() -> impl Strategy<Value = Vec<String>> {
        let odd_row = prop::sample::select(&["[]", "{}", "null", "[1,]", "[1 2]"][..])
            .prop_map(str::to_owned);
        prop::collection::vec(prop_oneof![12 => row(), 1 => odd_row], 1..5)
    }

    /// A record as real bodies have them: every column in order with a valid value, or with
    /// one value replaced, one key dropped, given twice, escaped, out of order, unquoted, or
    /// an extra key, or all its keys in another order (rotated or reversed).
    fn record() -> impl Strategy<Value = String> {
        let valid: Vec<_> = VALID[..7]
            .iter()
            .map(|choices| prop::sample::select(*choices))
            .collect();
        let change = prop_oneof![
            4 => Just(None),
            6 => (0..7usize, prop::sample::select(CELLS)).prop_map(|(i, text)| Some((i, 0, text))),
            3 => (0..7usize, 1..7u8).prop_map(|(i, how)| Some((i, how, ""))),
        ];
        // After the change, the keys may all move: the record then takes the fast path's
        // lookups, and the records after it may share its order.
        let reorder = prop_oneof![4 => Just(0), 1 => 1..7usize, 1 => Just(7)];
        (valid, change, reorder).prop_map(|(values, change, reorder)| {
            let mut members: Vec<String> = ["a", "b", "c", "d", "e", "f", "g"]
                .iter()
                .zip(&values)
                .map(|(key, value)| format!("\"{key}\": {value}"))
                .collect();
            match change {
                None => {}
                Some((i, 0, text)) => {
                    members[i] = format!("\"{}\": {text}", (b'a' + i as u8) as char)
                }
                Some((i, 1, _)) => {
                    members.remove(i);
                }
                Some((i, 2, _)) => members.push(members[i].clone()),
                Some((i, 3, _)) => {
                    members[i] = format!("\"\\u00{:x}\": null", b'a' + i as u8);
                }
                Some((i, 4, _)) => members.swap(i, (i + 1) % 7),
                Some((i, 5, _)) => members[i] = format!("x{}x: 1", (b'a' + i as u8) as char),
                Some((i, _, _)) => members.insert(i, "\"x\": [1]".to_owned()),
            }
            match reorder {
                0 => {}
                7 => members.reverse(),
                by => {
                    let by = by % members.len().max(1);
                    members.rotate_left(by);
                }
            }
            format!("{{{}}}", members.join(",  "))
        })
    }

    /// Writes down what a sink is handed, numbers by value (the fast path hands on a decimal's
    /// value where the general path hands on its text). `TENTATIVE`: takes a row's cells
    /// before the fast path knows the row is clean, and forgets them when told to.
    struct Recorder<'b, const TENTATIVE: bool = false> {
        body: &'b [u8],
        events: Vec<String>,
        /// The events before the current row's cells.
        row_start: usize,
    }

    impl<const TENTATIVE: bool> CellSink for Recorder<'_, TENTATIVE> {
        const ACTIVE: bool = true;
        const TAKES_TENTATIVE: bool = TENTATIVE;

        fn rows_begin(&mut self, arrival: Arrival, place: std::borrow::Cow<'static, str>) {
            self.events.push(format!("begin {arrival:?} {place}"));
            self.row_start = self.events.len();
        }

        fn row_abandoned(&mut self) {
            assert!(
                TENTATIVE,
                "only a sink taking tentative cells is told to forget them"
            );
            self.events.truncate(self.row_start);
        }

        fn cell(&mut self, column: usize, row: u64, value: Scanned) {
            let value = match value {
                Scanned::Float(start, end) => std::str::from_utf8(&self.body[start..end])
                    .ok()
                    .and_then(|text| text.parse().ok())
                    .map_or(value, Scanned::FloatValue),
                other => other,
            };
            self.events.push(format!("cell {column} {row} {value:?}"));
        }

        fn row_end(&mut self, row: u64, clean: bool) {
            self.events.push(format!("end {row} {clean}"));
            self.row_start = self.events.len();
        }

        fn params(&mut self, start: usize, end: usize) {
            self.events.push(format!("params {start} {end}"));
        }
    }

    /// The fast path and the general path report the same, and hand a sink the same cells.
    fn same_on_both_paths(body: &str) -> Result<(), TestCaseError> {
        same_on_both_paths_for(&checker(), body)
    }

    /// [`same_on_both_paths`] with another checker.
    fn same_on_both_paths_for(checker: &JsonChecker, body: &str) -> Result<(), TestCaseError> {
        let bytes = body.as_bytes();
        let fast = checker.check(bytes);
        let general = checker.check_without_fast_paths(bytes);
        prop_assert_eq!(&fast, &general, "{}", body);
        let recorder = || Recorder::<false> {
            body: bytes,
            events: Vec::new(),
            row_start: 0,
        };
        let (fast_report, fast_sink) = checker.check_into(bytes, recorder());
        let (general_report, general_sink) =
            checker.check_into_without_fast_paths(bytes, recorder());
        prop_assert_eq!(&fast_report, &fast, "{}", body);
        prop_assert_eq!(&general_report, &general, "{}", body);
        prop_assert_eq!(&fast_sink.events, &general_sink.events, "{}", body);
        // A sink taking tentative cells ends up with the same, once it has forgotten those of
        // the rows the fast path gave up.
        let tentative = Recorder::<true> {
            body: bytes,
            events: Vec::new(),
            row_start: 0,
        };
        let (tentative_report, tentative_sink) = checker.check_into(bytes, tentative);
        prop_assert_eq!(&tentative_report, &fast, "{}", body);
        prop_assert_eq!(&tentative_sink.events, &general_sink.events, "{}", body);
        Ok(())
    }

    /// [`checker`] as built for a Rust type whose `a` is a `u8`, `b` an `i8`, `g` an
    /// `Option<u16>` and `e` an `Option` of an enum: the fast paths take those columns' values
    /// within the fields' ranges, and the enum's variants.
    fn limited_checker() -> JsonChecker {
        let mut checker = checker();
        for (k, min, max) in [(0, 0, 255), (1, -128, 127), (6, 0, 65_535)] {
            checker.columns[k].limit = ValueLimit::Range { min, max };
        }
        checker.columns[4].limit = ValueLimit::OneOf(&["x", "é", "s", "a\nb"]);
        let options = checker.options.clone();
        let checker = checker.with_options(options);
        assert!(checker.clean_split.is_some() && checker.clean_records.is_some());
        checker
    }

    /// [`checker`] as built for a Rust type whose `b` is a `NonZero<i8>` and `e` an
    /// `Option<char>`: the fast paths take a non-zero `b` in range and a one-byte `e`.
    fn char_checker() -> JsonChecker {
        let mut checker = checker();
        checker.columns[1].limit = ValueLimit::NonZero {
            min: -128,
            max: 127,
        };
        checker.columns[4].limit = ValueLimit::OneChar;
        let options = checker.options.clone();
        let checker = checker.with_options(options);
        assert!(checker.clean_split.is_some() && checker.clean_records.is_some());
        checker
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn the_fast_path_changes_no_report_on_records_with_limits(
            records in prop::collection::vec(prop_oneof![12 => record(), 1 => Just("[]".to_owned())], 0..5)
        ) {
            let body = format!(r#"{{"dataframe_records": [{}]}}"#, records.join(", "));
            same_on_both_paths_for(&limited_checker(), &body)?;
            same_on_both_paths_for(&char_checker(), &body)?;
        }

        #[test]
        fn the_fast_path_changes_no_report_with_limits(rows in rows()) {
            let body = format!(
                r#"{{"dataframe_split": {{"columns": ["a", "b", "c", "d", "e", "f", "g", "x"], "data": [{}]}}}}"#,
                rows.join(", ")
            );
            same_on_both_paths_for(&limited_checker(), &body)?;
            same_on_both_paths_for(&char_checker(), &body)?;
        }

        #[test]
        fn the_fast_path_changes_no_report_on_records(
            records in prop::collection::vec(prop_oneof![12 => record(), 1 => Just("[]".to_owned())], 0..5)
        ) {
            let body = format!(r#"{{"dataframe_records": [{}]}}"#, records.join(", "));
            same_on_both_paths(&body)?;
        }

        #[test]
        fn the_fast_path_changes_no_report(rows in rows()) {
            let body = format!(
                r#"{{"dataframe_split": {{"columns": ["a", "b", "c", "d", "e", "f", "g", "x"], "data": [{}]}}}}"#,
                rows.join(", ")
            );
            same_on_both_paths(&body)?;
        }
    }

    /// Values at and past a Rust field's range, and strings naming an enum's variant or none,
    /// in every layout the fast paths take: those within pass on the fast path, the others are
    /// reported by the general path, with the same report and cells either way.
    #[test]
    fn values_at_the_edges_of_a_fields_limit_get_the_same_report_on_both_paths() {
        let checker = limited_checker();
        // `a`, `b`, `g`, `e`, and the problem expected (none for a clean row).
        let edges = [
            ("0", "-128", "0", r#""s""#, None),
            ("255", "127", "65535", r#""x""#, None),
            ("7", "-7", "null", "null", None),
            ("7", "-7", "null", r#""é""#, None),
            // A variant written with escapes: the general path decodes it.
            ("7", "-7", "null", r#""\u0073""#, None),
            ("7", "-7", "null", r#""a\nb""#, None),
            ("256", "0", "null", r#""s""#, Some("out_of_range")),
            ("-1", "0", "1", r#""s""#, Some("out_of_range")),
            ("1", "128", "1", r#""s""#, Some("out_of_range")),
            ("1", "-129", "1", r#""s""#, Some("out_of_range")),
            ("1", "1", "65536", r#""s""#, Some("out_of_range")),
            ("1", "1", "-1", r#""s""#, Some("out_of_range")),
            ("1.0", "1", "1", r#""s""#, Some("wrong_type")),
            ("1", "1", "1", r#""S""#, Some("unknown_variant")),
            ("1", "1", "1", r#""ss""#, Some("unknown_variant")),
            ("1", "1", "1", r#""""#, Some("unknown_variant")),
            ("1", "1", "1", r#""\u0053""#, Some("unknown_variant")),
        ];
        for (a, b, g, e, problem) in edges {
            let cells = format!(r#"{a}, {b}, 1.5, 2.5, {e}, true, {g}"#);
            let record = format!(
                r#"{{"a": {a}, "b": {b}, "c": 1.5, "d": 2.5, "e": {e}, "f": true, "g": {g}}}"#
            );
            let shuffled = format!(
                r#"{{"g": {g}, "f": true, "e": {e}, "d": 2.5, "c": 1.5, "b": {b}, "a": {a}}}"#
            );
            let reversed = format!(r#"{g}, true, {e}, 2.5, 1.5, {b}, {a}"#);
            let bodies = [
                // The schema's columns in its order, then in another order.
                format!(
                    r#"{{"dataframe_split": {{"columns": ["a", "b", "c", "d", "e", "f", "g"], "data": [[{cells}], [{cells}]]}}}}"#
                ),
                format!(
                    r#"{{"dataframe_split": {{"columns": ["g", "f", "e", "d", "c", "b", "a"], "data": [[{reversed}]]}}}}"#
                ),
                format!(r#"{{"dataframe_records": [{record}, {shuffled}, {record}]}}"#),
            ];
            for body in &bodies {
                let report = checker.check(body.as_bytes());
                let codes: Vec<_> = report.problems().iter().map(|p| p.kind().code()).collect();
                match problem {
                    None => assert!(codes.is_empty(), "{body}: {codes:?}"),
                    Some(code) => {
                        assert!(
                            !codes.is_empty() && codes.iter().all(|c| *c == code),
                            "{body}: {codes:?}"
                        );
                    }
                }
                if let Err(failure) = same_on_both_paths_for(&checker, body) {
                    panic!("{failure}");
                }
            }
        }
    }

    /// A 300-column schema's records with keys in the schema's order, in one shuffled order
    /// for all, and each in its own order, with broken cells and keys among them: the fast
    /// path (in order, on a learned order, or looking keys up) reports and hands a sink what
    /// the general path does.
    #[test]
    fn wide_records_out_of_order_get_the_same_report_and_cells_on_both_paths() {
        const WIDTH: usize = 300;
        let schema = Schema::from_columns(
            (0..WIDTH)
                .map(|i| {
                    let ty = [
                        DataType::Long,
                        DataType::Double,
                        DataType::String,
                        DataType::Boolean,
                    ][i % 4];
                    let spec = ColSpec::new(format!("c{i}"), ty);
                    if i % 9 == 4 { spec.optional() } else { spec }
                })
                .collect(),
        )
        .expect("a valid schema");
        let checker = JsonChecker::for_schema(&schema);
        let cell = |i: usize, row: usize| match i % 4 {
            0 => format!("{}", i * 7 + row),
            1 => format!("{}.5", i + row),
            2 if i % 8 == 2 => format!("\"s{i}\\u00e9{row} é\""),
            2 => format!("\"s{i}_{row}\""),
            _ => row.is_multiple_of(2).to_string(),
        };
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        let mut next = move |bound: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % bound as u64) as usize
        };
        let shuffle = |order: &mut Vec<usize>, next: &mut dyn FnMut(usize) -> usize| {
            for i in (1..order.len()).rev() {
                order.swap(i, next(i + 1));
            }
        };
        let mut shared: Vec<usize> = (0..WIDTH).collect();
        shuffle(&mut shared, &mut next);
        for layout in ["in order", "one order", "each its own"] {
            let mut records = Vec::new();
            for row in 0..12 {
                let mut order: Vec<usize> = match layout {
                    "in order" => (0..WIDTH).collect(),
                    _ => shared.clone(),
                };
                if layout == "each its own" {
                    shuffle(&mut order, &mut next);
                }
                let mut members: Vec<String> = order
                    .iter()
                    .map(|&i| format!("\"c{i}\": {}", cell(i, row)))
                    .collect();
                match row {
                    3 => members[WIDTH / 2] = format!("\"c{}\": [1]", order[WIDTH / 2]),
                    5 => members.push(members[7].clone()),
                    7 => {
                        members.remove(WIDTH - 1);
                    }
                    9 => members.insert(3, "\"extra\": 1".to_owned()),
                    10 => members[0] = format!("\"c{}\": 1e5", order[0]),
                    _ => {}
                }
                records.push(format!("{{{}}}", members.join(", ")));
            }
            let mut bodies = vec![
                format!("{{\"dataframe_records\": [{}]}}", records.join(", ")),
                // The clean records only.
                format!(
                    "[{}]",
                    [0, 1, 2, 4, 6, 8, 11]
                        .map(|r| records[r].as_str())
                        .join(", ")
                ),
            ];
            // A value that runs into the next delimiter without being one, which the fast path
            // must refuse (one per body: the general path stops at the first syntax error).
            for (n, bad) in ["12a", "tru", "1.", "\"a\"b", "nullx", "-", "1]", "2.5.5"]
                .iter()
                .enumerate()
            {
                let column = [0, 3, 1, 2, 6, 4, 8, 5][n];
                let record = records[11].replace(
                    &format!("\"c{column}\": {}", cell(column, 11)),
                    &format!("\"c{column}\": {bad}"),
                );
                assert_ne!(record, records[11], "{bad}");
                bodies.push(format!("[{}, {record}, {}]", records[0], records[1]));
            }
            for body in bodies {
                same_on_both_paths_for(&checker, &body).expect(layout);
            }
            let clean = format!("[{}, {}]", records[0], records[1]);
            assert!(checker.check(clean.as_bytes()).is_valid(), "{layout}");
        }
    }

    /// Keys read through the lookup's 16-byte window: names of 2 to 20 bytes (the
    /// window holds a key of at most 15 and its quote), non-ASCII ones, keys given escaped,
    /// records in a fresh order each, and the body cut at each byte through its last record's
    /// first keys and its end (windows that would run past the input's end): the fast path
    /// reports and hands a sink what the general path does.
    #[test]
    fn keys_at_the_edges_of_the_key_window_get_the_same_report_on_both_paths() {
        const WIDTH: usize = 120;
        let name = |i: usize| match i % 6 {
            // 15, 16 and 17 bytes: the last that fits the window, and the first two past it.
            0 => format!("c{i:0>14}"),
            1 => format!("c{i:0>15}"),
            2 => format!("c{i:0>16}"),
            3 => format!("é{i}"),
            4 => format!("k{i}{}", "x".repeat(i % 17)),
            _ => format!("c{i}"),
        };
        let schema = Schema::from_columns(
            (0..WIDTH)
                .map(|i| ColSpec::new(name(i), [DataType::Long, DataType::String][i % 2]))
                .collect(),
        )
        .expect("a valid schema");
        let checker = JsonChecker::for_schema(&schema);
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut records = Vec::new();
        for row in 0..6 {
            let mut order: Vec<usize> = (0..WIDTH).collect();
            for i in (1..WIDTH).rev() {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                order.swap(i, (state % (i as u64 + 1)) as usize);
            }
            let members: Vec<String> = order
                .iter()
                .map(|&i| {
                    let key = match (row, i % 6) {
                        // The same name escaped: the fast path gives the record up.
                        (4, 3) => name(i).replace('é', "\\u00e9"),
                        _ => name(i),
                    };
                    let value = if i % 2 == 0 {
                        format!("{row}")
                    } else {
                        format!("\"v{row}\"")
                    };
                    format!("\"{key}\": {value}")
                })
                .collect();
            records.push(format!("{{{}}}", members.join(", ")));
        }
        let body = format!("[{}]", records.join(", "));
        let report = checker.check(body.as_bytes());
        assert!(report.is_valid(), "{:?}", report.problems());
        same_on_both_paths_for(&checker, &body).unwrap();
        // Every cut through the last record's first keys and its end.
        let last = body.rfind('{').unwrap();
        for cut in (last..last + 60).chain(body.len() - 40..body.len()) {
            if let Some(cut_body) = body.get(..cut) {
                same_on_both_paths_for(&checker, cut_body).unwrap();
            }
        }
    }

    /// Whether `decimal_value` must value `{integer}.{fraction}` itself: at most 19 digits in
    /// all, and a mantissa that an f64 holds exactly (at most 2^53).
    fn within_exact_range(integer: u64, fraction: &str) -> bool {
        if integer.to_string().len() + fraction.len() > 19 {
            return false;
        }
        let scale = u32::try_from(fraction.len()).unwrap();
        let mantissa = u128::from(integer) * 10u128.pow(scale) + fraction.parse::<u128>().unwrap();
        mantissa <= 1 << 53
    }

    /// `decimal_value` of `{integer}.{fraction}`, with the digit positions the fast path
    /// passes.
    fn value_of(integer: u64, fraction: &str) -> (String, Option<f64>) {
        let text = format!("{integer}.{fraction}");
        let bytes = text.as_bytes();
        let dot = text.find('.').unwrap();
        let value = super::decimal_value(bytes, integer, dot, dot + 1, bytes.len());
        (text, value)
    }

    proptest! {
        #[test]
        fn decimals_in_the_exact_range_are_valued_as_a_correctly_rounded_parse(
            // At most 5 + 10 digits: every mantissa is below 2^53, so every case is taken.
            integer in prop_oneof![0u64..10, 0u64..100_000],
            fraction in "[0-9]{1,10}",
        ) {
            let (text, value) = value_of(integer, &fraction);
            let parsed: f64 = text.parse().unwrap();
            prop_assert_eq!(value.map(f64::to_bits), Some(parsed.to_bits()), "{}", text);
            let serde: f64 = serde_json::from_str(&text).unwrap();
            prop_assert_eq!(serde.to_bits(), parsed.to_bits(), "{}", text);
        }

        #[test]
        fn decimals_are_valued_exactly_when_in_range_and_left_alone_otherwise(
            integer in prop_oneof![0u64..10, 0u64..100_000, any::<u64>()],
            fraction in "[0-9]{1,20}",
        ) {
            let (text, value) = value_of(integer, &fraction);
            prop_assert_eq!(value.is_some(), within_exact_range(integer, &fraction), "{}", text);
            if let Some(value) = value {
                let parsed: f64 = text.parse().unwrap();
                prop_assert_eq!(value.to_bits(), parsed.to_bits(), "{}", text);
            }
        }
    }

    /// Every kind of fast-path check, with the ranges of the Rust types a field can have.
    fn every_clean_cell() -> Vec<super::CleanCell> {
        use super::CleanCell;
        let float = |mantissa_bits: u32, max: f64, nullable: bool| CleanCell::Float {
            mantissa_bits,
            max,
            safe_int_digits: crate::check::values::safe_int_digits(max),
            nullable,
        };
        let mut cells = Vec::new();
        for nullable in [false, true] {
            for (min, max) in [
                (i64::MIN, i64::MAX.unsigned_abs()),
                (i64::from(i32::MIN), u64::from(i32::MAX.unsigned_abs())),
                (-128, 127),
                (0, 255),
                (0, u64::MAX),
                (0, 0),
            ] {
                cells.push(CleanCell::Int { min, max, nullable });
                cells.push(CleanCell::NonZeroInt { min, max, nullable });
            }
            cells.push(float(53, f64::MAX, nullable));
            cells.push(float(24, f64::from(f32::MAX), nullable));
            cells.push(float(11, 65504.0, nullable));
            cells.push(CleanCell::Str { nullable });
            cells.push(CleanCell::OneOf {
                names: &["Paris", "Lyon"],
                nullable,
            });
            cells.push(CleanCell::Bool { nullable });
            cells.push(CleanCell::Char { nullable });
        }
        cells.push(CleanCell::Skip);
        cells
    }

    /// What the value-first read and the column's own check give for `text` as `cell`'s
    /// value, followed by the rest of a record.
    fn both_reads(cell: super::CleanCell, text: &str) -> (String, String, bool) {
        let body = format!("{text}, \"next\": 1}}");
        let takes = super::Takes::of(cell);
        let mut first = super::Scanner::new(body.as_bytes());
        let mut second = super::Scanner::new(body.as_bytes());
        let quick = super::quick_cell_end(&mut first, 0, takes, cell, 1, 128);
        let own = super::clean_cell_end(&mut second, 0, cell, 1, 128);
        let decided = super::quick_take(body.as_bytes(), 0, takes).is_some();
        (format!("{quick:?}"), format!("{own:?}"), decided)
    }

    #[test]
    fn values_read_first_get_what_the_columns_own_check_gives() {
        let edges = [
            "255",
            "256",
            "-128",
            "-129",
            "2048",
            "2049",
            "65504",
            "65505",
            "-16777216",
            "-16777217",
            "-9007199254740992",
            "-9007199254740993",
            "18014398509481984",
            "12345.678",
            "1234567.5",
            "123456789012345678.5",
            "\"Paris\"",
            "\"Lyon\"",
            "\"Nice\"",
            "\"Par\\u0069s\"",
            "\"a\"",
            "\"\"",
            "\"ab\"",
            "\"\\\\\"",
            "\"\x7f\"",
        ];
        for cell in every_clean_cell() {
            for text in CELLS.iter().chain(&edges) {
                let (quick, own, _) = both_reads(cell, text);
                assert_eq!(quick, own, "{cell:?} {text:?}");
            }
        }
    }

    #[test]
    fn common_values_are_decided_without_the_columns_own_check() {
        use super::CleanCell;
        let long = CleanCell::Int {
            min: i64::MIN,
            max: i64::MAX.unsigned_abs(),
            nullable: true,
        };
        let double = CleanCell::Float {
            mantissa_bits: 53,
            max: f64::MAX,
            safe_int_digits: crate::check::values::safe_int_digits(f64::MAX),
            nullable: false,
        };
        let string = CleanCell::Str { nullable: false };
        let boolean = CleanCell::Bool { nullable: false };
        for (cell, text) in [
            (long, "0"),
            (long, "-9223372036854775808"),
            (long, "null"),
            (double, "-12.375"),
            (double, "9007199254740992"),
            (string, "\"Lakeside\""),
            (boolean, "false"),
        ] {
            let (quick, own, decided) = both_reads(cell, text);
            assert!(decided, "{cell:?} {text:?}");
            assert_eq!(quick, own);
        }
        // Left to the column's own check: an enum's names, a skipped column, an exponent.
        let one_of = CleanCell::OneOf {
            names: &["Paris", "Lyon"],
            nullable: false,
        };
        assert!(!both_reads(one_of, "\"Paris\"").2);
        assert!(!both_reads(CleanCell::Skip, "1").2);
        assert!(!both_reads(double, "1e5").2);
    }

    #[test]
    fn a_char_and_a_non_zero_take_their_common_values_on_the_fast_path() {
        use super::CleanCell;
        let taken = |cell: CleanCell, text: &str| {
            let body = format!("{text}, ");
            let mut scanner = super::Scanner::new(body.as_bytes());
            super::clean_cell_end(&mut scanner, 0, cell, 1, 128).map(|(end, _)| end)
        };
        let char_cell = CleanCell::Char { nullable: true };
        assert_eq!(taken(char_cell, "\"a\""), Some(3));
        assert_eq!(taken(char_cell, "\" \""), Some(3));
        assert_eq!(taken(char_cell, "null"), Some(4));
        // Left to the general path, which takes the first two and reports the others.
        for text in ["\"é\"", "\"\\n\"", "\"\"", "\"ab\"", "\"\\\"", "7"] {
            assert_eq!(taken(char_cell, text), None, "{text}");
        }
        let non_zero = CleanCell::NonZeroInt {
            min: -128,
            max: 127,
            nullable: false,
        };
        assert_eq!(taken(non_zero, "-128"), Some(4));
        assert_eq!(taken(non_zero, "1"), Some(1));
        for text in ["0", "-0", "128", "0.0", "null"] {
            assert_eq!(taken(non_zero, text), None, "{text}");
        }
    }

    #[test]
    fn columns_share_what_they_take_and_those_past_the_255th_kind_take_their_own_check() {
        use super::{CleanCell, Takes};
        // 300 integer columns of distinct ranges, each twice, then a string column.
        let ranges: Vec<CleanCell> = (0..300u64)
            .map(|max| CleanCell::Int {
                min: 0,
                max,
                nullable: false,
            })
            .collect();
        let mut cells: Vec<CleanCell> = ranges.iter().chain(&ranges).copied().collect();
        cells.push(CleanCell::Str { nullable: false });
        let (classes, takes) = Takes::classes(&cells);
        assert_eq!(classes.len(), cells.len());
        assert_eq!(takes.len(), 256, "what takes nothing and 255 others");
        assert_eq!(takes[0], Takes::NOTHING);
        for (k, &cell) in cells.iter().enumerate() {
            let class = usize::from(classes[k]);
            let range = k % 300;
            if k < 600 && range < 255 {
                // Its own kind, shared with the column of the same range.
                assert_eq!(takes[class], Takes::of(cell), "column {k}");
                assert_eq!(classes[k], classes[(k + 300) % 600], "column {k}");
            } else {
                // Past the 255th kind (the last 45 ranges, and the string column after them):
                // nothing taken, every value to the column's own check.
                assert_eq!(class, 0, "column {k}");
            }
            // Either way, the value-first read gives what the column's own check gives.
            for text in ["0", "254", "255", "256", "299", "300", "-1", "\"x\"", "1.5"] {
                let body = format!("{text}, \"next\": 1}}");
                let mut first = super::Scanner::new(body.as_bytes());
                let mut second = super::Scanner::new(body.as_bytes());
                let quick = super::quick_cell_end(&mut first, 0, takes[class], cell, 1, 128);
                let own = super::clean_cell_end(&mut second, 0, cell, 1, 128);
                assert_eq!(
                    format!("{quick:?}"),
                    format!("{own:?}"),
                    "column {k} {text}"
                );
            }
        }
    }

    proptest! {
        #[test]
        fn numbers_read_first_get_what_the_columns_own_check_gives(
            integer in prop_oneof![
                any::<i64>().prop_map(|n| n.to_string()),
                (0u32..64, -2i64..=2).prop_map(|(bits, step)| (i128::from(1u64 << bits) + i128::from(step)).to_string()),
                (0u32..64, -2i64..=2).prop_map(|(bits, step)| (-(i128::from(1u64 << bits)) + i128::from(step)).to_string()),
                "-?[0-9]{1,22}",
            ],
            fraction in prop_oneof![Just(String::new()), "\\.[0-9]{0,20}", "[eE][-+]?[0-9]{1,3}"],
        ) {
            let text = format!("{integer}{fraction}");
            for cell in every_clean_cell() {
                let (quick, own, _) = both_reads(cell, &text);
                prop_assert_eq!(quick, own, "{:?} {}", cell, text);
            }
        }
    }

    #[test]
    fn short_decimals_are_read_on_the_fast_path() {
        for (text, value) in [
            ("0.5", 0.5),
            ("37.774929", 37.774929),
            ("2.25", 2.25),
            ("0.1", 0.1),
        ] {
            let dot = text.find('.').unwrap();
            let integer: u64 = text[..dot].parse().unwrap();
            let bytes = text.as_bytes();
            assert_eq!(
                super::decimal_value(bytes, integer, dot, dot + 1, bytes.len()),
                Some(value)
            );
        }
        let long = b"1.00000000000000000001";
        assert_eq!(super::decimal_value(long, 1, 1, 2, long.len()), None);
    }

    #[test]
    fn integer_parts_are_valued_as_their_digits_say() {
        for text in [
            "0",
            "7",
            "-7",
            "10",
            "99",
            "1994",
            "72482",
            "-110",
            "1234567",
            "12345678",
            "99999999",
            "123456789",
            "9223372036854775807",
            "18446744073709551615",
        ] {
            for tail in ["", ",", "]", ".5", " 1234567"] {
                let body = format!("{text}{tail}");
                let (negative, end, digits, value) =
                    super::integer_part(body.as_bytes(), 0).expect("an integer part");
                let magnitude = text.trim_start_matches('-');
                assert_eq!(negative, text.starts_with('-'), "{body}");
                assert_eq!((end, digits), (text.len(), magnitude.len()), "{body}");
                assert_eq!(Ok(value), magnitude.parse::<u64>(), "{body}");
            }
        }
        assert_eq!(super::integer_part(b"012", 0), None);
        assert_eq!(super::integer_part(b"-x", 0), None);
    }

    #[test]
    fn a_clean_body_and_a_bad_cell_report_as_the_general_path_does() {
        let checker = checker();
        let clean = br#"{"dataframe_split": {"columns": ["a", "b", "c", "d", "e", "f", "g"],
            "data": [[1, 2, 3.5, 4, "five", true, null], [-1, -2, -3, 0.25, null, false, 7]]}}"#;
        assert!(checker.check(clean).is_valid());
        assert_eq!(
            checker.check(clean),
            checker.check_without_fast_paths(clean)
        );
        let bad = br#"{"dataframe_split": {"columns": ["a", "b", "c", "d", "e", "f", "g"],
            "data": [[1, 2, 3.5, 4, "five", true, null], [1, 2147483648, 3, 4, "", false, 1]]}}"#;
        let report = checker.check(bad);
        assert_eq!(report.problems().len(), 1);
        assert_eq!(report.problems()[0].pointer(), "/dataframe_split/data/1/1");
        assert_eq!(report, checker.check_without_fast_paths(bad));
    }
}
