//! The checks that read data: nulls (from validity bitmaps), values that a checked conversion
//! cannot carry, and tensor row lengths. Nothing here allocates in proportion to rows.

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Date32Type, Date64Type, Int64Type, TimestampMicrosecondType, TimestampMillisecondType,
    TimestampSecondType, UInt64Type,
};
use arrow_array::{Array, OffsetSizeTrait};
use arrow_buffer::{BooleanBuffer, NullBuffer};
use arrow_schema::{DataType as ArrowType, TimeUnit};

use crate::frame::{FieldPath, ROWS_LISTED, problems};
use crate::report::{Problem, ProblemKind};

use super::plan::{Cast, Len, Node, NodeKind, Outcome, PandasLeaf};

/// Where a check's problems go, and where the batch starts in the whole input.
pub(crate) struct Values<'a> {
    pub(crate) column: &'a str,
    pub(crate) first_row: u64,
    pub(crate) report: &'a mut dyn FnMut(Problem),
    pub(crate) errors: usize,
}

/// Offending positions of one array: how many, and the first few.
#[derive(Default)]
struct Hits {
    count: u64,
    first: Vec<usize>,
}

impl Hits {
    fn hit(&mut self, index: usize) {
        self.count += 1;
        if self.first.len() < ROWS_LISTED {
            self.first.push(index);
        }
    }
}

impl Values<'_> {
    fn rows(&self, hits: &Hits, locate: &dyn Fn(usize) -> usize) -> Vec<u64> {
        let mut rows: Vec<u64> = hits
            .first
            .iter()
            .map(|&i| self.first_row + locate(i) as u64)
            .collect();
        rows.dedup();
        rows
    }

    fn error(&mut self, problem: Problem) {
        self.errors += 1;
        (self.report)(problem);
    }

    /// Checks `array` (the column, or a nested child) against `node`. `parent` is the validity
    /// of the enclosing struct rows, aligned with `array`; `locate` maps an index of `array` to
    /// its row in the batch.
    pub(crate) fn check(
        &mut self,
        node: &Node,
        array: &dyn Array,
        parent: Option<&NullBuffer>,
        locate: &dyn Fn(usize) -> usize,
        path: &FieldPath,
    ) {
        if matches!(node.kind, NodeKind::Keep) {
            return;
        }
        if !node.nulls {
            let hits = null_hits(array, parent);
            if hits.count > 0 {
                let rows = self.rows(&hits, locate);
                self.error(problems::nulls(self.column, path, hits.count, &rows));
            }
        }
        match &node.kind {
            NodeKind::Keep | NodeKind::Leaf(None) => {}
            NodeKind::Leaf(Some(cast)) => self.leaf(cast, array, locate, path),
            NodeKind::Pandas(leaf) => self.pandas(leaf, array, locate, path),
            NodeKind::List { item, len } => self.list(item, *len, array, parent, locate, path),
            NodeKind::Struct(fields) => {
                let Some(array) = array.as_struct_opt() else {
                    return;
                };
                let valid = NullBuffer::union(array.nulls(), parent);
                for ((child, node), field) in array
                    .columns()
                    .iter()
                    .zip(fields)
                    .zip(array.fields().iter())
                {
                    self.check(
                        node,
                        child,
                        valid.as_ref(),
                        locate,
                        &path.property(field.name()),
                    );
                }
            }
            NodeKind::Map(value) => {
                let Some(map) = array.as_map_opt() else {
                    return;
                };
                let offsets = map.value_offsets();
                let (start, end) = span(offsets);
                let values = map.entries().column(1).slice(start, end - start);
                let rows = NullBuffer::union(map.nulls(), parent);
                let valid = items_validity(rows.as_ref(), offsets.len() - 1, end - start, |row| {
                    let at = |row: usize| usize::try_from(offsets[row]).unwrap_or(0);
                    at(row).saturating_sub(start)..at(row + 1).saturating_sub(start)
                });
                let locate_child = |j: usize| locate(owner(offsets, j + start));
                self.check(value, &values, valid.as_ref(), &locate_child, &path.value());
            }
        }
    }

    /// A scalar column in the MLflow modes: MLflow's decision for the pandas column it becomes.
    fn pandas(
        &mut self,
        leaf: &PandasLeaf,
        array: &dyn Array,
        locate: &dyn Fn(usize) -> usize,
        path: &FieldPath,
    ) {
        let has_nulls = array.logical_null_count() > 0;
        let found = array.data_type();
        let column = self.column;
        match leaf.outcome(has_nulls) {
            Outcome::Accept(None) => {}
            Outcome::Accept(Some(cast)) => self.leaf(cast, array, locate, path),
            Outcome::Changed(cast, what) => {
                if let Some(cast) = cast {
                    self.leaf(cast, array, locate, path);
                }
                (self.report)(problems::mlflow_changes(
                    column,
                    path,
                    leaf.expected,
                    found,
                    what,
                ));
            }
            Outcome::ZeroOrOne(_) => {
                let Some(ints) = array.as_primitive_opt::<Int64Type>() else {
                    return;
                };
                let hits = valid_hits(ints.values(), ints.nulls(), |v| !matches!(v, 0 | 1));
                if hits.count > 0 {
                    let rows = self.rows(&hits, locate);
                    let problem = problems::in_rows(
                        ProblemKind::WrongType,
                        column,
                        path,
                        hits.count,
                        &rows,
                        problems::NOT_ZERO_OR_ONE,
                    )
                    .with_expected(leaf.expected.to_string());
                    self.error(problem);
                } else {
                    (self.report)(problems::mlflow_changes(
                        column,
                        path,
                        leaf.expected,
                        found,
                        problems::ZERO_OR_ONE_CAST,
                    ));
                }
            }
            Outcome::Refuse(note) => self.error(problems::mlflow_refuses(
                column,
                path,
                leaf.expected,
                found,
                has_nulls,
                *note,
            )),
        }
    }

    fn leaf(
        &mut self,
        cast: &Cast,
        array: &dyn Array,
        locate: &dyn Fn(usize) -> usize,
        path: &FieldPath,
    ) {
        let (hits, what) = match cast {
            Cast::U64ToI64 => {
                let Some(array) = array.as_primitive_opt::<UInt64Type>() else {
                    return;
                };
                let limit = i64::MAX as u64;
                (
                    valid_hits(array.values(), array.nulls(), |v| *v > limit),
                    "values above 2^63 − 1, the largest `long`",
                )
            }
            Cast::TimestampToNs(1) => return,
            Cast::TimestampToNs(factor) => {
                let (min, max) = (i64::MIN / factor, i64::MAX / factor);
                let outside = |v: &i64| *v < min || *v > max;
                let hits = match array.data_type() {
                    ArrowType::Timestamp(TimeUnit::Second, _) => array
                        .as_primitive_opt::<TimestampSecondType>()
                        .map(|a| valid_hits(a.values(), a.nulls(), outside)),
                    ArrowType::Timestamp(TimeUnit::Millisecond, _) => array
                        .as_primitive_opt::<TimestampMillisecondType>()
                        .map(|a| valid_hits(a.values(), a.nulls(), outside)),
                    ArrowType::Timestamp(TimeUnit::Microsecond, _) => array
                        .as_primitive_opt::<TimestampMicrosecondType>()
                        .map(|a| valid_hits(a.values(), a.nulls(), outside)),
                    _ => None,
                };
                let Some(hits) = hits else { return };
                (hits, NS_RANGE)
            }
            Cast::DateToNs(factor) => {
                let max = i64::MAX / factor;
                let outside = |d: i64| d.abs() > max;
                let hits = match array.data_type() {
                    ArrowType::Date32 => array
                        .as_primitive_opt::<Date32Type>()
                        .map(|a| valid_hits(a.values(), a.nulls(), |d| outside(i64::from(*d)))),
                    ArrowType::Date64 => array
                        .as_primitive_opt::<Date64Type>()
                        .map(|a| valid_hits(a.values(), a.nulls(), |d| outside(*d))),
                    _ => None,
                };
                let Some(hits) = hits else { return };
                (hits, NS_RANGE)
            }
            Cast::Widen(_) | Cast::Dictionary | Cast::Nulls(_) => return,
        };
        if hits.count > 0 {
            let rows = self.rows(&hits, locate);
            let problem = problems::in_rows(
                ProblemKind::OutOfRange,
                self.column,
                path,
                hits.count,
                &rows,
                what,
            );
            self.error(problem);
        }
    }

    /// A list column's items, each checked only in rows that are data: a row that is null, or
    /// whose enclosing struct row (`parent`) is, holds no items however its offsets read.
    fn list(
        &mut self,
        item: &Node,
        len: Len,
        array: &dyn Array,
        parent: Option<&NullBuffer>,
        locate: &dyn Fn(usize) -> usize,
        path: &FieldPath,
    ) {
        let rows = NullBuffer::union(array.nulls(), parent);
        let rows = rows.as_ref();
        match array.data_type() {
            ArrowType::List(_) => self.offsets_list::<i32>(item, len, array, rows, locate, path),
            ArrowType::LargeList(_) => {
                self.offsets_list::<i64>(item, len, array, rows, locate, path)
            }
            ArrowType::FixedSizeList(_, size) => {
                let Some(list) = array.as_fixed_size_list_opt() else {
                    return;
                };
                let size = usize::try_from(*size).unwrap_or(0).max(1);
                let valid = items_validity(rows, list.len(), list.values().len(), |row| {
                    row * size..(row + 1) * size
                });
                let locate_child = |j: usize| locate(j / size);
                self.check(
                    item,
                    list.values(),
                    valid.as_ref(),
                    &locate_child,
                    &path.item(),
                );
            }
            ArrowType::ListView(_) => self.view_list::<i32>(item, len, array, rows, locate, path),
            ArrowType::LargeListView(_) => {
                self.view_list::<i64>(item, len, array, rows, locate, path)
            }
            _ => {}
        }
    }

    /// A List or LargeList column: its rows' lengths, then its items (`rows`: which rows are
    /// data).
    fn offsets_list<O: OffsetSizeTrait>(
        &mut self,
        item: &Node,
        len: Len,
        array: &dyn Array,
        rows: Option<&NullBuffer>,
        locate: &dyn Fn(usize) -> usize,
        path: &FieldPath,
    ) {
        let Some(list) = array.as_list_opt::<O>() else {
            return;
        };
        let (offsets, values) = (list.value_offsets(), list.values());
        let lengths = offsets.windows(2).map(|w| (w[1] - w[0]).as_usize());
        self.lengths(len, lengths, rows, locate, path);
        let (start, end) = span(offsets);
        let values = values.slice(start, end - start);
        let valid = items_validity(rows, list.len(), end - start, |row| {
            offsets[row].as_usize().saturating_sub(start)
                ..offsets[row + 1].as_usize().saturating_sub(start)
        });
        let locate_child = |j: usize| locate(owner(offsets, j + start));
        self.check(item, &values, valid.as_ref(), &locate_child, &path.item());
    }

    /// A ListView or LargeListView column: its rows' lengths, then its items (`rows`: which
    /// rows are data).
    fn view_list<O: OffsetSizeTrait>(
        &mut self,
        item: &Node,
        len: Len,
        array: &dyn Array,
        rows: Option<&NullBuffer>,
        locate: &dyn Fn(usize) -> usize,
        path: &FieldPath,
    ) {
        let Some(list) = array.as_list_view_opt::<O>() else {
            return;
        };
        let (offsets, sizes, values) = (list.value_offsets(), list.value_sizes(), list.values());
        self.lengths(len, sizes.iter().map(|s| s.as_usize()), rows, locate, path);
        let valid = items_validity(rows, list.len(), values.len(), |row| {
            offsets[row].as_usize()..offsets[row].as_usize() + sizes[row].as_usize()
        });
        let locate_child = |j: usize| {
            let row = offsets
                .iter()
                .zip(sizes)
                .position(|(o, s)| o.as_usize() <= j && j < o.as_usize() + s.as_usize())
                .unwrap_or(0);
            locate(row)
        };
        self.check(
            item,
            values.as_ref(),
            valid.as_ref(),
            &locate_child,
            &path.item(),
        );
    }

    fn lengths(
        &mut self,
        len: Len,
        lengths: impl Iterator<Item = usize>,
        nulls: Option<&NullBuffer>,
        locate: &dyn Fn(usize) -> usize,
        path: &FieldPath,
    ) {
        let mut expected = match len {
            Len::Any => return,
            Len::Exactly(n) => Some(n),
            Len::Uniform => None,
        };
        let mut hits = Hits::default();
        for (i, length) in lengths.enumerate() {
            if nulls.is_some_and(|n| n.is_null(i)) {
                continue;
            }
            match expected {
                None => expected = Some(length),
                Some(n) if n != length => hits.hit(i),
                Some(_) => {}
            }
        }
        if hits.count > 0 {
            let rows = self.rows(&hits, locate);
            let what = format!(
                "rows whose length is not {}, as the tensor's shape requires",
                expected.unwrap_or_default()
            );
            let problem = problems::in_rows(
                ProblemKind::TensorShape,
                self.column,
                path,
                hits.count,
                &rows,
                &what,
            );
            self.error(problem);
        }
    }
}

const NS_RANGE: &str =
    "timestamps outside the range of `datetime` (nanoseconds: years 1677 to 2262)";

/// The range of child indices a list's rows use, `[first offset, last offset)`.
fn span<O: OffsetSizeTrait>(offsets: &[O]) -> (usize, usize) {
    let start = offsets.first().map_or(0, |o| o.as_usize());
    let end = offsets.last().map_or(0, |o| o.as_usize()).max(start);
    (start, end)
}

/// Which of `items` items are data: those in the range (`range`) of a valid row of `rows`;
/// `None` when every row of the `row_count` is valid (every item counts).
fn items_validity(
    rows: Option<&NullBuffer>,
    row_count: usize,
    items: usize,
    range: impl Fn(usize) -> std::ops::Range<usize>,
) -> Option<NullBuffer> {
    let rows = rows.filter(|rows| rows.null_count() > 0)?;
    let mut valid = arrow_buffer::BooleanBufferBuilder::new(items);
    valid.append_n(items, false);
    for row in (0..row_count).filter(|&row| rows.is_valid(row)) {
        for item in range(row) {
            if item < items {
                valid.set_bit(item, true);
            }
        }
    }
    Some(NullBuffer::new(valid.finish()))
}

/// The row whose range holds child index `j`.
fn owner<O: OffsetSizeTrait>(offsets: &[O], j: usize) -> usize {
    offsets
        .partition_point(|o| o.as_usize() <= j)
        .saturating_sub(1)
        .min(offsets.len().saturating_sub(2))
}

/// Values that are valid and match `bad`.
fn valid_hits<T>(values: &[T], nulls: Option<&NullBuffer>, bad: impl Fn(&T) -> bool) -> Hits {
    let mut hits = Hits::default();
    for (i, v) in values.iter().enumerate() {
        if bad(v) && nulls.is_none_or(|n| n.is_valid(i)) {
            hits.hit(i);
        }
    }
    hits
}

/// Nulls of `array` (logical: a dictionary's null values and a Null column count) in rows
/// whose enclosing struct is not null itself.
fn null_hits(array: &dyn Array, parent: Option<&NullBuffer>) -> Hits {
    let mut hits = Hits::default();
    // A Null column is null in every row: its logical nulls would be a bitmap of its length,
    // which it declares in no bytes of its file (hundreds of megabytes for one batch).
    if array.data_type() == &arrow_schema::DataType::Null {
        match parent {
            None => {
                hits.count = array.len() as u64;
                hits.first = (0..array.len().min(ROWS_LISTED)).collect();
            }
            Some(parent) => {
                hits.count = (parent.len() - parent.null_count()) as u64;
                hits.first = parent.valid_indices().take(ROWS_LISTED).collect();
            }
        }
        return hits;
    }
    let Some(nulls) = array.logical_nulls() else {
        return hits;
    };
    if nulls.null_count() == 0 {
        return hits;
    }
    let unset = |valid: &BooleanBuffer,
                 parent: Option<&BooleanBuffer>,
                 hits: &mut Hits,
                 count_all: bool| {
        let len = valid.len();
        let chunks = valid.bit_chunks();
        let parent_chunks = parent.map(|p| p.bit_chunks());
        let mut parent_iter = parent_chunks.as_ref().map(|c| c.iter_padded());
        for (c, chunk) in chunks.iter_padded().enumerate() {
            let mut mask = !chunk;
            if let Some(p) = parent_iter.as_mut().and_then(Iterator::next) {
                mask &= p;
            }
            let base = c * 64;
            if base + 64 > len {
                mask &= (1u64 << (len - base)) - 1;
            }
            if count_all {
                hits.count += u64::from(mask.count_ones());
            }
            while mask != 0 && hits.first.len() < ROWS_LISTED {
                hits.first.push(base + mask.trailing_zeros() as usize);
                mask &= mask - 1;
            }
            if !count_all && hits.first.len() >= ROWS_LISTED {
                break;
            }
        }
    };
    match parent {
        None => {
            hits.count = nulls.null_count() as u64;
            unset(nulls.inner(), None, &mut hits, false);
        }
        Some(parent) => unset(nulls.inner(), Some(parent.inner()), &mut hits, true),
    }
    hits
}
