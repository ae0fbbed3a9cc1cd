//! The checks that read data: nulls (from validity bitmaps), values that a checked conversion
//! cannot carry, and tensor row lengths. A column is read chunk by chunk (Polars' Arrow
//! arrays), and its problems are gathered over every chunk, so a column has one problem per
//! kind and place whatever its chunking. Nothing here allocates in proportion to rows, except
//! the validity of a struct nested in a struct with nulls of its own.

use polars_core::prelude::DataType as PlType;
use polars_core::utils::arrow::array::{
    Array, FixedSizeListArray, ListArray, PrimitiveArray, StructArray,
};
use polars_core::utils::arrow::bitmap::{Bitmap, MutableBitmap};

use crate::frame::{FieldPath, ROWS_LISTED, problems};
use crate::report::{Problem, ProblemKind};

use super::plan::{Cast, Len, Node, NodeKind};

/// Offending rows of one place of a column: how many, and the first few rows.
#[derive(Debug)]
struct Hits {
    kind: ProblemKind,
    path: FieldPath,
    /// What the values are, for range problems; the expected length, for tensor rows.
    what: &'static str,
    expected: Option<usize>,
    count: u64,
    first: Vec<u64>,
}

/// The problems of one column, gathered over its chunks.
#[derive(Debug, Default)]
pub(crate) struct Tally {
    hits: Vec<Hits>,
}

impl Tally {
    fn entry(&mut self, kind: ProblemKind, path: &FieldPath, what: &'static str) -> &mut Hits {
        let index = match self
            .hits
            .iter()
            .position(|h| h.kind == kind && h.path.0 == path.0)
        {
            Some(index) => index,
            None => {
                self.hits.push(Hits {
                    kind,
                    path: path.clone(),
                    what,
                    expected: None,
                    count: 0,
                    first: Vec::new(),
                });
                self.hits.len() - 1
            }
        };
        &mut self.hits[index]
    }

    /// The problems found, in the order their places were first checked.
    pub(crate) fn finish(self, column: &str, report: &mut dyn FnMut(Problem)) -> usize {
        let mut errors = 0;
        for mut hits in self.hits {
            if hits.count == 0 {
                continue;
            }
            hits.first.dedup();
            let problem = match hits.kind {
                ProblemKind::NullNotAllowed => {
                    problems::nulls(column, &hits.path, hits.count, &hits.first)
                }
                ProblemKind::TensorShape => problems::in_rows(
                    hits.kind,
                    column,
                    &hits.path,
                    hits.count,
                    &hits.first,
                    &format!(
                        "rows whose length is not {}, as the tensor's shape requires",
                        hits.expected.unwrap_or_default()
                    ),
                ),
                kind => {
                    problems::in_rows(kind, column, &hits.path, hits.count, &hits.first, hits.what)
                }
            };
            errors += 1;
            report(problem);
        }
        errors
    }
}

/// Records a hit at index `i`, locating its row only when it is listed.
fn hit(hits: &mut Hits, i: usize, first_row: u64, locate: &dyn Fn(usize) -> usize) {
    hits.count += 1;
    if hits.first.len() < ROWS_LISTED {
        hits.first.push(first_row + locate(i) as u64);
    }
}

/// Checks one chunk of a column.
pub(crate) struct Values<'a> {
    /// The row of the chunk's first value, in the whole frame.
    pub(crate) first_row: u64,
    pub(crate) tally: &'a mut Tally,
}

impl Values<'_> {
    /// Checks `array` (a chunk, or a nested child) of Polars type `dtype` against `node`.
    /// `parent` is the validity of the enclosing struct rows, aligned with `array`; `locate`
    /// maps an index of `array` to its row in the chunk.
    pub(crate) fn check(
        &mut self,
        node: &Node,
        dtype: &PlType,
        array: &dyn Array,
        parent: Option<&Bitmap>,
        locate: &dyn Fn(usize) -> usize,
        path: &FieldPath,
    ) {
        if matches!(node.kind, NodeKind::Keep) {
            return;
        }
        if !node.nulls {
            self.nulls(array, parent, locate, path);
        }
        match (&node.kind, dtype) {
            (NodeKind::Leaf(Some(cast)), _) => self.leaf(cast, array, locate, path),
            (NodeKind::List { item, len }, PlType::List(inner)) => {
                let Some(list) = array.as_any().downcast_ref::<ListArray<i64>>() else {
                    return;
                };
                let offsets = list.offsets().as_slice();
                let lengths = offsets
                    .windows(2)
                    .map(|w| usize::try_from(w[1] - w[0]).unwrap_or(0));
                let rows = rows_validity(list.validity(), parent);
                self.lengths(*len, lengths, rows.as_ref(), locate, path);
                let start = offsets
                    .first()
                    .map_or(0, |o| usize::try_from(*o).unwrap_or(0));
                let end = offsets
                    .last()
                    .map_or(0, |o| usize::try_from(*o).unwrap_or(0))
                    .max(start)
                    .min(list.values().len());
                let start = start.min(end);
                let values = list.values().sliced(start, end - start);
                let rows = rows_validity(list.validity(), parent);
                let valid = items_validity(rows.as_ref(), list.len(), end - start, |row| {
                    let at = |row: usize| usize::try_from(offsets[row]).unwrap_or(0);
                    at(row).saturating_sub(start)..at(row + 1).saturating_sub(start)
                });
                let locate_child = |j: usize| locate(owner(offsets, j + start));
                self.check(
                    item,
                    inner,
                    values.as_ref(),
                    valid.as_ref(),
                    &locate_child,
                    &path.item(),
                );
            }
            (NodeKind::List { item, .. }, PlType::Array(inner, _)) => {
                let Some(list) = array.as_any().downcast_ref::<FixedSizeListArray>() else {
                    return;
                };
                let size = list.size().max(1);
                let rows = rows_validity(list.validity(), parent);
                let valid = items_validity(rows.as_ref(), list.len(), list.values().len(), |row| {
                    row * size..(row + 1) * size
                });
                let locate_child = |j: usize| locate(j / size);
                self.check(
                    item,
                    inner,
                    list.values().as_ref(),
                    valid.as_ref(),
                    &locate_child,
                    &path.item(),
                );
            }
            (NodeKind::Struct(nodes), PlType::Struct(fields)) => {
                let Some(array) = array.as_any().downcast_ref::<StructArray>() else {
                    return;
                };
                let valid = rows_validity(array.validity(), parent);
                for ((child, node), field) in array.values().iter().zip(nodes).zip(fields) {
                    self.check(
                        node,
                        field.dtype(),
                        child.as_ref(),
                        valid.as_ref(),
                        locate,
                        &path.property(field.name()),
                    );
                }
            }
            _ => {}
        }
    }

    fn nulls(
        &mut self,
        array: &dyn Array,
        parent: Option<&Bitmap>,
        locate: &dyn Fn(usize) -> usize,
        path: &FieldPath,
    ) {
        let Some(validity) = array.validity() else {
            return;
        };
        if validity.unset_bits() == 0 {
            return;
        }
        let first_row = self.first_row;
        let hits = self.tally.entry(ProblemKind::NullNotAllowed, path, "nulls");
        match parent {
            None => {
                let before = hits.count;
                for (i, valid) in validity.iter().enumerate() {
                    if hits.first.len() >= ROWS_LISTED {
                        break;
                    }
                    if !valid {
                        hit(hits, i, first_row, locate);
                    }
                }
                hits.count = before + validity.unset_bits() as u64;
            }
            Some(parent) => {
                for (i, (valid, parent_valid)) in validity.iter().zip(parent.iter()).enumerate() {
                    if !valid && parent_valid {
                        hit(hits, i, first_row, locate);
                    }
                }
            }
        }
    }

    fn leaf(
        &mut self,
        cast: &Cast,
        array: &dyn Array,
        locate: &dyn Fn(usize) -> usize,
        path: &FieldPath,
    ) {
        let first_row = self.first_row;
        match cast {
            Cast::U64ToI64 => {
                let Some(array) = array.as_any().downcast_ref::<PrimitiveArray<u64>>() else {
                    return;
                };
                let limit = i64::MAX as u64;
                let hits = self.tally.entry(
                    ProblemKind::OutOfRange,
                    path,
                    "values above 2^63 − 1, the largest `long`",
                );
                valid_hits(
                    hits,
                    array.values(),
                    array.validity(),
                    first_row,
                    locate,
                    |v| *v > limit,
                );
            }
            Cast::TimestampToNs(1) => {}
            Cast::TimestampToNs(factor) => {
                let Some(array) = array.as_any().downcast_ref::<PrimitiveArray<i64>>() else {
                    return;
                };
                let (min, max) = (i64::MIN / factor, i64::MAX / factor);
                let hits = self.tally.entry(ProblemKind::OutOfRange, path, NS_RANGE);
                valid_hits(
                    hits,
                    array.values(),
                    array.validity(),
                    first_row,
                    locate,
                    |v| *v < min || *v > max,
                );
            }
            Cast::DateToNs(factor) => {
                let Some(array) = array.as_any().downcast_ref::<PrimitiveArray<i32>>() else {
                    return;
                };
                let max = i64::MAX / factor;
                let hits = self.tally.entry(ProblemKind::OutOfRange, path, NS_RANGE);
                valid_hits(
                    hits,
                    array.values(),
                    array.validity(),
                    first_row,
                    locate,
                    |d| i64::from(*d).abs() > max,
                );
            }
            Cast::Widen(_) | Cast::Dictionary | Cast::Nulls(_) => {}
        }
    }

    /// An int64 chunk taken as `float` or `double` in the MLflow modes: every value must be
    /// 0 or 1.
    pub(crate) fn zero_or_one(&mut self, array: &dyn Array) {
        let Some(array) = array.as_any().downcast_ref::<PrimitiveArray<i64>>() else {
            return;
        };
        let first_row = self.first_row;
        let hits = self.tally.entry(
            ProblemKind::WrongType,
            &FieldPath::default(),
            problems::NOT_ZERO_OR_ONE,
        );
        valid_hits(
            hits,
            array.values(),
            array.validity(),
            first_row,
            &|i| i,
            |v| !matches!(v, 0 | 1),
        );
    }

    fn lengths(
        &mut self,
        len: Len,
        lengths: impl Iterator<Item = usize>,
        nulls: Option<&Bitmap>,
        locate: &dyn Fn(usize) -> usize,
        path: &FieldPath,
    ) {
        if len == Len::Any {
            return;
        }
        let first_row = self.first_row;
        let hits = self.tally.entry(ProblemKind::TensorShape, path, "");
        if let Len::Exactly(n) = len {
            hits.expected = Some(n);
        }
        for (i, length) in lengths.enumerate() {
            if nulls.is_some_and(|n| !n.get_bit(i)) {
                continue;
            }
            match hits.expected {
                None => hits.expected = Some(length),
                Some(n) if n != length => hit(hits, i, first_row, locate),
                Some(_) => {}
            }
        }
    }
}

const NS_RANGE: &str =
    "timestamps outside the range of `datetime` (nanoseconds: years 1677 to 2262)";

/// The row whose range holds child index `j`.
fn owner(offsets: &[i64], j: usize) -> usize {
    offsets
        .partition_point(|o| usize::try_from(*o).unwrap_or(0) <= j)
        .saturating_sub(1)
        .min(offsets.len().saturating_sub(2))
}

/// Counts the values that are valid and match `bad`.
fn valid_hits<T>(
    hits: &mut Hits,
    values: &[T],
    validity: Option<&Bitmap>,
    first_row: u64,
    locate: &dyn Fn(usize) -> usize,
    bad: impl Fn(&T) -> bool,
) {
    for (i, v) in values.iter().enumerate() {
        if bad(v) && validity.is_none_or(|n| n.get_bit(i)) {
            hit(hits, i, first_row, locate);
        }
    }
}

/// Which rows are data: valid themselves and in a valid enclosing struct row.
fn rows_validity(own: Option<&Bitmap>, parent: Option<&Bitmap>) -> Option<Bitmap> {
    match (own, parent) {
        (Some(own), Some(parent)) => Some(own & parent),
        (Some(own), None) => Some(own.clone()),
        (None, Some(parent)) => Some(parent.clone()),
        (None, None) => None,
    }
}

/// Which of `items` items of a list are data: those in the range (`range`) of a row that is
/// (`rows`); `None` when every one of the `row_count` rows is. A null row, or one under a
/// null struct row, holds no items however its offsets read.
fn items_validity(
    rows: Option<&Bitmap>,
    row_count: usize,
    items: usize,
    range: impl Fn(usize) -> std::ops::Range<usize>,
) -> Option<Bitmap> {
    let rows = rows.filter(|rows| rows.unset_bits() > 0)?;
    let mut valid = MutableBitmap::from_len_zeroed(items);
    for row in (0..row_count).filter(|&row| rows.get_bit(row)) {
        for item in range(row).filter(|&item| item < items) {
            valid.set(item, true);
        }
    }
    Some(valid.into())
}
