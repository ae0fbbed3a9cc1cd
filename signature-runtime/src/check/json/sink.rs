//! What the check hands on as it accepts cells: the hooks that let a typed decode or a
//! conformed output ride on the check's one pass over the bytes instead of reading them again.

use std::borrow::Cow;

use super::Run;
use crate::check::scanner::{IntValue, NumToken, StrToken};

/// A cell as the check scanned it: already-classified scalars, or the bytes of anything else.
// Whole words only (a word-sized tag, no flag beside a span): a cell with padding bytes was
// copied with overlapping unaligned moves that stalled store forwarding, a third of the fast
// path's time when a sink keeps cells.
#[derive(Clone, Copy, Debug)]
#[repr(u64)]
pub(in crate::check) enum Scanned {
    Null,
    Bool(bool),
    /// An integer the column's type accepted, as serde_json reads it.
    Int(IntValue),
    /// Any other number the column's type accepted: its span in the body.
    Float(usize, usize),
    /// A number with a fraction the fast path has already read: its value, as serde_json
    /// reads it (both are correctly rounded).
    FloatValue(f64),
    /// A string without escapes: its contents' span (without the quotes).
    Str(usize, usize),
    /// A string with backslash escapes: its contents' span, still escaped.
    EscapedStr(usize, usize),
    /// A nested value, a tensor, or a value the MLflow modes checked: its span in the body.
    Raw(usize, usize),
    /// Text an MLflow mode's cast made of the cell (a number's Python text for a `string`
    /// column, a datetime MLflow rewrote): its index among the texts the sink keeps.
    CastText(usize),
    /// A value the check refused (and reported).
    Refused,
}

impl From<StrToken> for Scanned {
    #[inline(always)]
    fn from(token: StrToken) -> Scanned {
        let (start, end) = token.span;
        if token.escaped {
            Scanned::EscapedStr(start, end)
        } else {
            Scanned::Str(start, end)
        }
    }
}

impl Scanned {
    /// A number token, as serde_json classifies it.
    #[inline(always)]
    pub(in crate::check) fn number(token: &NumToken) -> Scanned {
        match token.as_integer() {
            Some(value) => Scanned::Int(value),
            None => Scanned::Float(token.span.0, token.span.1),
        }
    }
}

/// How the cells of a body arrive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(in crate::check) enum Arrival {
    /// Row by row (`dataframe_split`, records, lists of values): each row ends with
    /// [`CellSink::row_end`].
    Rows,
    /// Column by column: an `inputs` object of column lists, or of one value each (one row).
    /// No `row_end`.
    Columns,
}

/// Receives the cells of the body's schema columns as the check accepts them.
///
/// A sink sees every cell the check reads, with the schema column (its index in the schema)
/// and the row; a cell the check refused is handed on too (as whatever was scanned), but the
/// row's end then says it was not clean: a sink keeps nothing of a body once a row is not.
pub(in crate::check) trait CellSink {
    /// Whether the check calls the sink at all: `false` compiles every hook away.
    const ACTIVE: bool;

    /// Whether the fast path may hand this sink a row's cells as it reads them, before it
    /// knows the row is clean, and call [`CellSink::row_abandoned`] when it is not (the
    /// general path then hands on the row again). For a sink that keeps one row's cells in
    /// slots it overwrites: the fast path then needs no space of its own to hold a row back
    /// (an allocation per small body) and copies no cell twice. Otherwise the fast path keeps
    /// the row's cells aside until the row is known clean.
    const TAKES_TENTATIVE: bool = false;

    /// The body's rows start at the JSON pointer `place`, arriving as `arrival` says (the
    /// pointer is the sink's to keep: a usual place is a constant, any other was made for it).
    fn rows_begin(&mut self, arrival: Arrival, place: Cow<'static, str>);

    /// Column `column`'s cell in row `row`.
    fn cell(&mut self, column: usize, row: u64, value: Scanned);

    /// Row `row` is complete; `clean` when the check has found no error so far.
    fn row_end(&mut self, row: u64, clean: bool);

    /// The cells handed on since the last row's end were tentative ([`CellSink::TAKES_TENTATIVE`])
    /// and the fast path gave the row up: forget them; the general path hands the row on anew.
    fn row_abandoned(&mut self) {}

    /// The `params` object's span in the body.
    fn params(&mut self, start: usize, end: usize);

    /// Keeps `text`, which an MLflow mode's cast made of the cell about to be handed on, and
    /// gives the cell that stands for it ([`Scanned::CastText`]). Only the typed decode runs
    /// in the MLflow modes; the other sinks check in Strict, where nothing is cast.
    fn cast_text(&mut self, text: String) -> Scanned {
        drop(text);
        Scanned::Refused
    }
}

/// A sink lent to a check: the check moves a pointer rather than the sink (a typed decode's
/// sink is a few hundred bytes, copied in and out of the check per call otherwise).
impl<S: CellSink> CellSink for &mut S {
    const ACTIVE: bool = S::ACTIVE;
    const TAKES_TENTATIVE: bool = S::TAKES_TENTATIVE;

    #[inline]
    fn rows_begin(&mut self, arrival: Arrival, place: Cow<'static, str>) {
        (**self).rows_begin(arrival, place);
    }

    #[inline]
    fn cell(&mut self, column: usize, row: u64, value: Scanned) {
        (**self).cell(column, row, value);
    }

    #[inline]
    fn row_end(&mut self, row: u64, clean: bool) {
        (**self).row_end(row, clean);
    }

    #[inline]
    fn row_abandoned(&mut self) {
        (**self).row_abandoned();
    }

    #[inline]
    fn params(&mut self, start: usize, end: usize) {
        (**self).params(start, end);
    }

    #[inline]
    fn cast_text(&mut self, text: String) -> Scanned {
        (**self).cast_text(text)
    }
}

/// The plain check's sink: takes nothing.
#[derive(Debug)]
pub(in crate::check) struct Discard;

impl CellSink for Discard {
    const ACTIVE: bool = false;

    fn rows_begin(&mut self, _: Arrival, _: Cow<'static, str>) {}

    fn cell(&mut self, _: usize, _: u64, _: Scanned) {}

    fn row_end(&mut self, _: u64, _: bool) {}

    fn params(&mut self, _: usize, _: usize) {}
}

impl<S: CellSink> Run<'_, '_, S> {
    /// Tells the sink the body's rows start here, arriving as `arrival` says.
    #[inline]
    pub(super) fn sink_rows_begin(&mut self, arrival: Arrival) {
        if S::ACTIVE {
            let place = match self.path.constant_pointer() {
                Some(place) => Cow::Borrowed(place),
                None => Cow::Owned(self.pointer()),
            };
            self.sink.rows_begin(arrival, place);
        }
    }

    /// Tells the sink row `row` is complete, and whether the check has found no error so far.
    #[inline]
    pub(super) fn sink_row_end(&mut self, row: u64) {
        if S::ACTIVE {
            let clean = !self.collector.has_errors();
            self.sink.row_end(row, clean);
        }
    }
}
