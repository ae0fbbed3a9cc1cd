//! Typed decoding of request bodies, fused with the check: as the check accepts a row's cells,
//! a sink keeps them (numbers already parsed, strings as spans of the body) and, at the row's
//! end, deserialises `T` from them. The body is read once, and no `serde_json::Value` is built.
//!
//! A schema of named columns takes this path in every layout: `dataframe_split` (with `data`
//! before or after `columns`), `dataframe_records`, lists of records under `inputs` or
//! `instances`, a bare list of records, a one-column schema's list of values or single value,
//! and an `inputs` object (its cells kept column by column, then decoded position by position
//! once the object is checked). A positional or tensor schema is read by serde_json after the
//! check ([`fallback`]).

mod cells;
mod fallback;

use std::borrow::Cow;

use serde::de::DeserializeOwned;
use serde::de::value::MapAccessDeserializer;
use serde_json::{Map, Value};

use self::cells::RowCells;
use self::fallback::Shape;
use super::JsonChecker;
use super::json::{Arrival, CellSink, Scanned};
use crate::derived::Signature;
use crate::report::{Collector, Problem, ProblemKind, Report, Severity};
use crate::types::{ParamSchema, ParamValue};

/// A checked body decoded into typed rows: what [`JsonChecker::decode`] returns.
#[derive(Debug)]
#[non_exhaustive]
pub struct Decoded<T> {
    /// One value per row, in the body's order.
    pub rows: Vec<T>,
    /// The `params` object as sent, with every declared parameter the body omits added with
    /// its default (a non-finite float default as `null`, which JSON cannot hold). Parameters
    /// the signature does not declare are included, and were reported as warnings.
    pub params: Map<String, Value>,
    /// The check's report: valid, possibly with warnings (extra columns, unknown params).
    pub report: Report,
}

impl JsonChecker {
    /// Checks a request body and decodes its rows into `T`, in one pass over the bytes; returns
    /// the rows with the `params` (defaults filled in) and the report.
    ///
    /// A body that fails the check comes back as the full report, every problem listed (the
    /// rows decoded before the first problem are dropped). Each record (`dataframe_records`,
    /// lists under `inputs` or `instances`, a bare list) is one `T`; each `dataframe_split`
    /// row is matched to `T`'s fields by the `columns` names; an `inputs` object of column
    /// lists is read one position at a time. Columns the signature does not declare are not
    /// shown to `T` (they were reported as warnings, and MLflow drops them too).
    ///
    /// The checker should be built for `T`'s schema ([`Signature::input_schema`]): each cell
    /// is shown to `T` under the name of the checker's column it was checked as. In [`Mode::Strict`](super::Mode::Strict), what passes the check is
    /// what serde deserialises (the crate's rule table lists the exceptions); when serde still
    /// refuses a row that passed, the returned report carries a `wrong_type` error naming the
    /// row, with serde's message as its [`value`](crate::report::Problem::value).
    ///
    /// ```
    /// use signature_runtime::Signature;
    /// use signature_runtime::check::JsonChecker;
    ///
    /// #[derive(Debug, PartialEq, Signature, serde::Deserialize)]
    /// struct House {
    ///     sqft: f64,
    ///     city: Option<String>,
    /// }
    ///
    /// let checker = JsonChecker::for_schema(&House::input_schema());
    /// let body = br#"{"dataframe_split": {"columns": ["city", "sqft"],
    ///                 "data": [["Salem", 1200.0], [null, 800]]}}"#;
    /// let decoded = checker.decode::<House>(body).unwrap();
    /// assert_eq!(decoded.rows[1], House { sqft: 800.0, city: None });
    ///
    /// let report = checker.decode::<House>(br#"[{"sqft": "big"}]"#).unwrap_err();
    /// assert_eq!(report.problems()[0].pointer(), "/0/sqft");
    /// ```
    pub fn decode<T>(&self, body: &[u8]) -> Result<Decoded<T>, Report>
    where
        T: Signature + DeserializeOwned,
    {
        self.decode_typed(body).map_err(|(report, _)| report)
    }

    /// [`JsonChecker::decode`], telling a failed check (no reason) from rows serde refused
    /// after the check passed (the report with that error added, and serde's reason).
    pub(crate) fn decode_typed<T>(
        &self,
        body: &[u8],
    ) -> Result<Decoded<T>, (Report, Option<String>)>
    where
        T: Signature + DeserializeOwned,
    {
        // The checker's names: they are what the check hands cells by (made once per checker).
        let shape = Shape::of(self);
        // A row's cells, in place on the stack for a schema of usual width: a small body's
        // decode then allocates only what `T` holds, as serde does.
        let columns = shape.row_columns();
        let mut inline = [None; INLINE_COLUMNS];
        let mut heap = Vec::new();
        let slots = if columns <= INLINE_COLUMNS {
            &mut inline[..columns]
        } else {
            heap.resize(columns, None);
            heap.as_mut_slice()
        };
        let mut sink = TypedSink::<T>::new(body, &shape, slots);
        let (report, _) = self.check_into(body, &mut sink);
        if !report.is_valid() {
            return Err((report, None));
        }
        sink.transpose(report.rows());
        let result = match sink.outcome {
            Outcome::Rows(rows) => match super::params_as_json(body, sink.params) {
                Ok(params) => Ok((rows, params)),
                Err(problem) => {
                    let reason = problem.message().to_owned();
                    return Err((before_the_check(*problem, &report, self), Some(reason)));
                }
            },
            Outcome::Refused { error, row } => {
                Err((error, Some(sink.place.into_owned()), Some(row)))
            }
            Outcome::NotByRow => fallback::rows::<T>(&shape, body)
                .map_err(|(e, place, row)| (e, place.map(str::to_owned), row)),
        };
        match result {
            Ok((rows, mut params)) => {
                fill_param_defaults(&mut params, self.param_schema());
                Ok(Decoded {
                    rows,
                    params,
                    report,
                })
            }
            Err((error, place, row)) => {
                let reason = error.to_string();
                let report = undecodable::<T>(&report, &reason, place.as_deref(), row, self);
                Err((report, Some(reason)))
            }
        }
    }
}

/// Adds each declared parameter `params` lacks, with its default.
fn fill_param_defaults(params: &mut Map<String, Value>, schema: Option<&ParamSchema>) {
    for spec in schema.map(ParamSchema::params).unwrap_or_default() {
        if !params.contains_key(spec.name()) {
            params.insert(spec.name().to_owned(), param_json(spec.default()));
        }
    }
}

/// A parameter value as JSON; datetimes in ISO form, as MLflow writes them.
pub(super) fn param_json(value: &ParamValue) -> Value {
    match value {
        ParamValue::Null => Value::Null,
        ParamValue::Bool(b) => Value::Bool(*b),
        ParamValue::Int(i) => Value::from(*i),
        ParamValue::Float(f) => serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number),
        ParamValue::String(s) => Value::String(s.clone()),
        ParamValue::Datetime(at) => Value::String(at.to_string()),
        ParamValue::List(items) => Value::Array(items.iter().map(param_json).collect()),
        ParamValue::Object(entries) => Value::Object(
            entries
                .iter()
                .map(|(k, v)| (k.clone(), param_json(v)))
                .collect(),
        ),
    }
}

/// The check passed but serde refused: the report with that error first.
fn undecodable<T>(
    report: &Report,
    reason: &str,
    place: Option<&str>,
    row: Option<u64>,
    checker: &JsonChecker,
) -> Report {
    let pointer = match (place, row) {
        (Some(place), Some(row)) => format!("{place}/{row}"),
        (Some(place), None) => place.to_owned(),
        (None, _) => String::new(),
    };
    let message = match row {
        Some(row) => format!(
            "row {row} passed the signature check but does not deserialise into `{}`",
            std::any::type_name::<T>()
        ),
        None => format!(
            "the body passed the signature check but does not deserialise into `{}`",
            std::any::type_name::<T>()
        ),
    };
    let mut problem = Problem::new(ProblemKind::WrongType, Severity::Error, pointer, message)
        .with_value(reason)
        .with_note(
            "the Rust type accepts less than its signature describes (an enum's variants, a \
             narrower integer, a fixed-size array, `deny_unknown_fields`, a custom \
             `Deserialize`), or the check mode accepted what serde does not",
        );
    if let Some(row) = row {
        problem = problem.with_row(row);
    }
    before_the_check(problem, report, checker)
}

/// The valid `report` of the check with `problem`, an error the decode found, listed first.
fn before_the_check(problem: Problem, report: &Report, checker: &JsonChecker) -> Report {
    let mut collector = Collector::new(checker.options().max_problems().max(1));
    collector.add(problem);
    for problem in report.problems() {
        collector.add(problem.clone());
    }
    // The check passed: what it left unlisted are warnings.
    for _ in 0..report.omitted() {
        collector.count_unlisted(Severity::Warning);
    }
    collector.finish(report.rows())
}

/// What the typed sink made of the body.
enum Outcome<T> {
    /// Every row, decoded as it was accepted.
    Rows(Vec<T>),
    /// serde refused row `row` (the check accepted it); later rows were not decoded.
    Refused { error: serde_json::Error, row: u64 },
    /// The rows did not arrive row by row or column by column for named columns: decode
    /// after the check.
    NotByRow,
}

/// The widest schema whose row of cells [`JsonChecker::decode`] keeps on the stack.
const INLINE_COLUMNS: usize = 32;

/// Decodes each row into `T` as the check accepts it.
struct TypedSink<'b, 's, T> {
    body: &'b [u8],
    /// The schema's column names by index; `None` when this layout is not decoded here.
    names: Option<&'s [String]>,
    /// The current row's cells, by schema column (reused from row to row; lent by the caller).
    cells: &'s mut [Option<Scanned>],
    /// An `inputs` object's cells, column by column, until the check is done.
    by_column: Option<Vec<Vec<Scanned>>>,
    /// The texts an MLflow mode's casts made of cells ([`Scanned::CastText`]): the current
    /// row's, or an `inputs` object's until the check is done.
    texts: Vec<String>,
    outcome: Outcome<T>,
    /// Whether a row was not clean: nothing more is decoded.
    stopped: bool,
    /// Where the rows are, for the report.
    place: Cow<'static, str>,
    params: Option<(usize, usize)>,
}

impl<'b, 's, T> TypedSink<'b, 's, T> {
    /// A sink for the rows of a body; `cells` has one slot per [`Shape::row_columns`].
    fn new(body: &'b [u8], shape: &Shape<'s>, cells: &'s mut [Option<Scanned>]) -> Self {
        TypedSink {
            body,
            names: shape.row_names(),
            cells,
            by_column: None,
            texts: Vec::new(),
            outcome: Outcome::NotByRow,
            stopped: false,
            place: Cow::Borrowed(""),
            params: None,
        }
    }
}

impl<T: DeserializeOwned> TypedSink<'_, '_, T> {
    /// Decodes the rows of an `inputs` object, position by position, once the check has passed
    /// it: `rows` is the check's row count (one for an object of single values).
    fn transpose(&mut self, rows: Option<u64>) {
        let (Some(columns), Some(names)) = (self.by_column.take(), self.names) else {
            return;
        };
        let longest = columns.iter().map(Vec::len).max().unwrap_or(0) as u64;
        let mut decoded = Vec::new();
        for row in 0..rows.unwrap_or(longest) {
            let at = usize::try_from(row).unwrap_or(usize::MAX);
            for (slot, column) in self.cells.iter_mut().zip(&columns) {
                *slot = column.get(at).copied();
            }
            let cells = RowCells::new(self.body, names, self.cells, &self.texts);
            match T::deserialize(MapAccessDeserializer::new(cells)) {
                Ok(value) => decoded.push(value),
                Err(error) => {
                    self.outcome = Outcome::Refused { error, row };
                    return;
                }
            }
        }
        self.outcome = Outcome::Rows(decoded);
    }
}

impl<T: DeserializeOwned> CellSink for TypedSink<'_, '_, T> {
    const ACTIVE: bool = true;
    // A row's cells go to their slots, which the next row overwrites.
    const TAKES_TENTATIVE: bool = true;

    fn rows_begin(&mut self, arrival: Arrival, place: Cow<'static, str>) {
        let Some(names) = self.names else {
            return;
        };
        self.place = place;
        match arrival {
            Arrival::Rows => self.outcome = Outcome::Rows(Vec::new()),
            Arrival::Columns => self.by_column = Some(vec![Vec::new(); names.len()]),
        }
    }

    #[inline]
    fn cell(&mut self, column: usize, _: u64, value: Scanned) {
        if let Some(columns) = &mut self.by_column {
            // An `inputs` object: its rows are complete only at its end.
            if let Some(cells) = columns.get_mut(column) {
                cells.push(value);
            }
        } else if let Some(slot) = self.cells.get_mut(column) {
            *slot = Some(value);
        }
    }

    fn row_end(&mut self, row: u64, clean: bool) {
        let (Some(names), false) = (self.names, self.stopped) else {
            return;
        };
        let Outcome::Rows(rows) = &mut self.outcome else {
            return;
        };
        if clean {
            let cells = RowCells::new(self.body, names, self.cells, &self.texts);
            match T::deserialize(MapAccessDeserializer::new(cells)) {
                Ok(value) => rows.push(value),
                Err(error) => {
                    self.outcome = Outcome::Refused { error, row };
                    self.stopped = true;
                }
            }
        } else {
            // The body fails the check: its rows will not be returned.
            *rows = Vec::new();
            self.stopped = true;
        }
        self.cells.fill(None);
        self.texts.clear();
    }

    fn row_abandoned(&mut self) {
        self.cells.fill(None);
        self.texts.clear();
    }

    fn params(&mut self, start: usize, end: usize) {
        self.params = Some((start, end));
    }

    fn cast_text(&mut self, text: String) -> Scanned {
        if self.stopped {
            // The body fails: nothing more is decoded, nothing more kept.
            return Scanned::Refused;
        }
        self.texts.push(text);
        Scanned::CastText(self.texts.len() - 1)
    }
}
