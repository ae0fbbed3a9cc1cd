//! Typed decoding of request bodies: the check, then the rows straight from the bytes into the
//! model's input type, without building a `serde_json::Value` for the body.
//!
//! The rows are read by serde_json from the body itself, in one pass: `dataframe_records`,
//! `inputs`/`instances` lists and bare lists deserialise each record into `T`;
//! `dataframe_split` rows (JSON lists) are presented to `T` as maps keyed by the `columns`
//! names, cell by cell, as they stream past. Two rarer layouts take a second look at the
//! bytes: a `dataframe_split` whose `data` comes before `columns` (the names are found first,
//! then the rows are read), and an `inputs` object of column lists, which is transposed cell
//! by cell from their byte spans.

use std::cell::Cell;
use std::fmt;
use std::marker::PhantomData;
use std::ops::Range;

use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer, StrDeserializer};
use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, IgnoredAny, IntoDeserializer, MapAccess,
    SeqAccess, Visitor,
};
use serde_json::{Map, Value};

use super::JsonChecker;
use super::scanner::{Scanner, unescape};
use crate::derived::Signature;
use crate::report::{Collector, Problem, ProblemKind, Report, Severity};
use crate::types::{ColumnType, Schema};

/// A checked body decoded into typed rows: what [`JsonChecker::decode`] returns.
#[derive(Debug)]
#[non_exhaustive]
pub struct Decoded<T> {
    /// One value per row, in the body's order.
    pub rows: Vec<T>,
    /// The `params` object as sent (empty when the body has none): parameters the signature
    /// does not declare are included, and were reported as warnings.
    pub params: Map<String, Value>,
    /// The check's report: valid, possibly with warnings (extra columns, unknown params).
    pub report: Report,
}

impl JsonChecker {
    /// Checks a request body, then decodes its rows into `T` and returns them with the raw
    /// `params` and the report.
    ///
    /// The body is checked first, so a body that fails comes back as the full report, every
    /// problem listed. A body that passes is then read by serde_json straight into `T`, with
    /// no intermediate `serde_json::Value`: each record (`dataframe_records`, lists under
    /// `inputs` or `instances`, a bare list) is one `T`; each `dataframe_split` row is matched
    /// to `T`'s fields by the `columns` names; an `inputs` object of column lists is read one
    /// position at a time.
    ///
    /// The checker should be built for `T`'s schema ([`Signature::input_schema`]): the rows
    /// are shaped by it. In [`Mode::Strict`](super::Mode::Strict), what passes the check is
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
        let report = self.check(body);
        if !report.is_valid() {
            return Err((report, None));
        }
        let shape = Shape::of(&T::input_schema());
        let ctx = Ctx {
            shape: &shape,
            split_columns: None,
            inputs_columns: None,
            body,
            fallback: Cell::new(None),
            place: Cell::new(None),
            row: Cell::new(None),
        };
        let first = run::<T>(&ctx, body);
        let result = match (first, ctx.fallback.get()) {
            (Err(_), Some(fallback)) => self.second_look::<T>(&shape, body, fallback),
            (result, _) => result.map_err(|e| (e, ctx.place.get(), ctx.row.get())),
        };
        match result {
            Ok((rows, params)) => Ok(Decoded {
                rows,
                params,
                report,
            }),
            Err((error, place, row)) => {
                let reason = error.to_string();
                let report = undecodable::<T>(&report, &reason, place, row, self);
                Err((report, Some(reason)))
            }
        }
    }

    /// The rarer layouts: find what the streaming pass could not know yet, then read again.
    fn second_look<T: DeserializeOwned>(
        &self,
        shape: &Shape,
        body: &[u8],
        fallback: Fallback,
    ) -> Result<Rows<T>, Failure> {
        let max_depth = self.options().max_depth();
        let structural = |what: &str| (de::Error::custom(what), None::<&'static str>, None::<u64>);
        let envelope = members(body, 0..body.len(), max_depth)
            .ok_or_else(|| structural("the body is not an object"))?;
        let (_, payload) = envelope
            .iter()
            .find(|(key, _)| matches!(key.as_str(), "dataframe_split" | "inputs" | "instances"))
            .cloned()
            .ok_or_else(|| structural("the body holds no input"))?;
        let mut ctx = Ctx {
            shape,
            split_columns: None,
            inputs_columns: None,
            body,
            fallback: Cell::new(None),
            place: Cell::new(None),
            row: Cell::new(None),
        };
        match fallback {
            Fallback::SplitDataFirst => {
                let split = members(body, payload, max_depth)
                    .ok_or_else(|| structural("`dataframe_split` is not an object"))?;
                let columns = match split.iter().find(|(key, _)| key == "columns") {
                    Some((_, range)) => {
                        serde_json::from_slice::<Vec<ColumnKey>>(&body[range.clone()])
                            .map_err(|e| (e, Some("/dataframe_split/columns"), None))?
                            .into_iter()
                            .map(|c| c.0)
                            .collect()
                    }
                    // No names: pandas numbers the columns 0, 1, ... as wide as the first row.
                    None => {
                        let width = split
                            .iter()
                            .find(|(key, _)| key == "data")
                            .and_then(|(_, data)| elements(body, data.clone(), max_depth))
                            .and_then(|rows| rows.into_iter().next())
                            .and_then(|row| elements(body, row, max_depth))
                            .map_or(0, |cells| cells.len());
                        (0..width).map(|i| i.to_string()).collect()
                    }
                };
                ctx.split_columns = Some(columns);
            }
            Fallback::InputsColumns => {
                let columns = members(body, payload.clone(), max_depth)
                    .ok_or_else(|| structural("`inputs` is not an object"))?;
                let cells = columns
                    .into_iter()
                    .map(|(name, range)| {
                        let list = elements(body, range.clone(), max_depth);
                        (name, range, list)
                    })
                    .collect();
                ctx.inputs_columns = Some((cells, payload));
            }
        }
        run::<T>(&ctx, body).map_err(|e| (e, ctx.place.get(), ctx.row.get()))
    }
}

/// The rows and the raw params.
type Rows<T> = (Vec<T>, Map<String, Value>);

/// A serde error, the place (a JSON pointer prefix) and the row it happened at.
type Failure = (serde_json::Error, Option<&'static str>, Option<u64>);

/// One streaming pass of serde_json over the body.
fn run<T: DeserializeOwned>(ctx: &Ctx<'_>, body: &[u8]) -> Result<Rows<T>, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let rows = BodySeed::<T> {
        ctx,
        _t: PhantomData,
    }
    .deserialize(&mut de)?;
    de.end()?;
    Ok(rows)
}

/// The check passed but serde refused: the report with that error first.
fn undecodable<T>(
    report: &Report,
    reason: &str,
    place: Option<&'static str>,
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
    let mut collector = Collector::new(checker.options().max_problems().max(1));
    collector.add(problem);
    for problem in report.problems() {
        collector.add(problem.clone());
    }
    for _ in 0..report.omitted() {
        collector.count_unlisted(Severity::Warning);
    }
    collector.finish(report.rows())
}

// ---- The schema's shape, as decoding needs it ---------------------------------------------

/// What shapes the rows: the schema's column names and kinds.
#[derive(Debug)]
struct Shape {
    /// The column names; `None` for a positional schema (rows are read as sequences).
    names: Option<Vec<String>>,
    /// A tensor schema: an `inputs`/`instances` list is one whole tensor, one row.
    tensor: bool,
    /// An `array` or `object` column: an `inputs` object is one row.
    nested: bool,
}

impl Shape {
    fn of(schema: &Schema) -> Shape {
        let names: Option<Vec<String>> =
            schema.names().map(|n| n.map(ToString::to_string)).collect();
        let nested = schema
            .columns()
            .unwrap_or_default()
            .iter()
            .any(|c| matches!(c.ty(), ColumnType::Array(_) | ColumnType::Object(_)));
        Shape {
            names: names.filter(|n| !n.is_empty()),
            tensor: schema.is_tensor_spec(),
            nested,
        }
    }

    /// The name of the only column, when the schema has exactly one named column.
    fn single(&self) -> Option<&str> {
        match self.names.as_deref() {
            Some([name]) => Some(name),
            _ => None,
        }
    }
}

/// Why the streaming pass stopped to take a second look.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fallback {
    /// `dataframe_split` with `data` before `columns` (or without `columns`).
    SplitDataFirst,
    /// `inputs`/`instances` as an object of columns, to be transposed.
    InputsColumns,
}

/// One column of an `inputs` object: its name, its value's span and, for a list, the spans of
/// its cells.
type DictColumn = (String, Range<usize>, Option<Vec<Range<usize>>>);

/// An `inputs` object of columns, and the object's span.
type InputsColumns = (Vec<DictColumn>, Range<usize>);

struct Ctx<'s> {
    shape: &'s Shape,
    /// `dataframe_split`'s column names, found by a second look when `data` comes first.
    split_columns: Option<Vec<String>>,
    /// An `inputs` object's columns (each name, value span and, for a list, its cells' spans)
    /// and the object's span, found by a second look.
    inputs_columns: Option<InputsColumns>,
    /// The body, for the cells found by a second look.
    body: &'s [u8],
    fallback: Cell<Option<Fallback>>,
    /// Where the rows are, for the report: `/dataframe_records`, ...
    place: Cell<Option<&'static str>>,
    /// The row being read.
    row: Cell<Option<u64>>,
}

impl Ctx<'_> {
    fn need<E: de::Error>(&self, fallback: Fallback) -> E {
        self.fallback.set(Some(fallback));
        E::custom("the body needs a second look")
    }
}

// ---- The envelope ---------------------------------------------------------------------------

struct BodySeed<'c, T> {
    ctx: &'c Ctx<'c>,
    _t: PhantomData<T>,
}

impl<'de, T: DeserializeOwned> DeserializeSeed<'de> for BodySeed<'_, T> {
    type Value = Rows<T>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, T: DeserializeOwned> Visitor<'de> for BodySeed<'_, T> {
    type Value = Rows<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an MLflow request body")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        self.ctx.place.set(Some(""));
        Ok((records(self.ctx, seq)?, Map::new()))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let ctx = self.ctx;
        let mut rows = Vec::new();
        let mut params = Map::new();
        while let Some(key) = map.next_key::<EnvelopeKey>()? {
            match key {
                EnvelopeKey::Records => {
                    ctx.place.set(Some("/dataframe_records"));
                    rows = map.next_value_seed(RecordsSeed::<T>(ctx, PhantomData))?;
                }
                EnvelopeKey::Split => {
                    ctx.place.set(Some("/dataframe_split/data"));
                    rows = map.next_value_seed(SplitSeed::<T>(ctx, PhantomData))?;
                }
                EnvelopeKey::Inputs(place) => {
                    ctx.place.set(Some(place));
                    rows = map.next_value_seed(InputsSeed::<T>(ctx, PhantomData))?;
                }
                EnvelopeKey::Params => params = map.next_value()?,
                EnvelopeKey::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok((rows, params))
    }
}

/// A key of the request object.
enum EnvelopeKey {
    Split,
    Records,
    /// `inputs` or `instances`, with its pointer.
    Inputs(&'static str),
    Params,
    Other,
}

impl<'de> de::Deserialize<'de> for EnvelopeKey {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl Visitor<'_> for KeyVisitor {
            type Value = EnvelopeKey;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a request key")
            }
            fn visit_str<E: de::Error>(self, key: &str) -> Result<EnvelopeKey, E> {
                Ok(match key {
                    "dataframe_split" => EnvelopeKey::Split,
                    "dataframe_records" => EnvelopeKey::Records,
                    "inputs" => EnvelopeKey::Inputs("/inputs"),
                    "instances" => EnvelopeKey::Inputs("/instances"),
                    "params" => EnvelopeKey::Params,
                    _ => EnvelopeKey::Other,
                })
            }
        }
        d.deserialize_str(KeyVisitor)
    }
}

/// Records, each deserialised into `T`.
fn records<'de, T: DeserializeOwned, A: SeqAccess<'de>>(
    ctx: &Ctx<'_>,
    mut seq: A,
) -> Result<Vec<T>, A::Error> {
    let mut rows = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
    let mut i = 0u64;
    ctx.row.set(Some(i));
    while let Some(row) = seq.next_element::<T>()? {
        rows.push(row);
        i += 1;
        ctx.row.set(Some(i));
    }
    ctx.row.set(None);
    Ok(rows)
}

struct RecordsSeed<'c, T>(&'c Ctx<'c>, PhantomData<T>);

impl<'de, T: DeserializeOwned> DeserializeSeed<'de> for RecordsSeed<'_, T> {
    type Value = Vec<T>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Vec<T>, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, T: DeserializeOwned> Visitor<'de> for RecordsSeed<'_, T> {
    type Value = Vec<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of records")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Vec<T>, A::Error> {
        records(self.0, seq)
    }
}

// ---- dataframe_split ------------------------------------------------------------------------

struct SplitSeed<'c, T>(&'c Ctx<'c>, PhantomData<T>);

impl<'de, T: DeserializeOwned> DeserializeSeed<'de> for SplitSeed<'_, T> {
    type Value = Vec<T>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Vec<T>, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, T: DeserializeOwned> Visitor<'de> for SplitSeed<'_, T> {
    type Value = Vec<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a `dataframe_split` object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Vec<T>, A::Error> {
        let ctx = self.0;
        let mut columns: Option<Vec<String>> = None;
        let mut rows = Vec::new();
        while let Some(key) = map.next_key::<SplitKey>()? {
            match key {
                SplitKey::Columns if ctx.split_columns.is_none() => {
                    let names: Vec<ColumnKey> = map.next_value()?;
                    columns = Some(names.into_iter().map(|c| c.0).collect());
                }
                SplitKey::Data => {
                    let names = match (&columns, &ctx.split_columns) {
                        (Some(names), _) | (None, Some(names)) => names.as_slice(),
                        // Positional rows need no names.
                        (None, None) if ctx.shape.names.is_none() => &[][..],
                        (None, None) => return Err(ctx.need(Fallback::SplitDataFirst)),
                    };
                    rows = map.next_value_seed(ListRows::<T> {
                        ctx,
                        columns: names,
                        _t: PhantomData,
                    })?;
                }
                SplitKey::Columns | SplitKey::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(rows)
    }
}

enum SplitKey {
    Columns,
    Data,
    Other,
}

impl<'de> de::Deserialize<'de> for SplitKey {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl Visitor<'_> for KeyVisitor {
            type Value = SplitKey;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a `dataframe_split` key")
            }
            fn visit_str<E: de::Error>(self, key: &str) -> Result<SplitKey, E> {
                Ok(match key {
                    "columns" => SplitKey::Columns,
                    "data" => SplitKey::Data,
                    _ => SplitKey::Other,
                })
            }
        }
        d.deserialize_str(KeyVisitor)
    }
}

/// A column name of `dataframe_split`: a string, or an integer as pandas allows.
struct ColumnKey(String);

impl<'de> de::Deserialize<'de> for ColumnKey {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct NameVisitor;
        impl Visitor<'_> for NameVisitor {
            type Value = ColumnKey;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a column name")
            }
            fn visit_str<E: de::Error>(self, name: &str) -> Result<ColumnKey, E> {
                Ok(ColumnKey(name.to_owned()))
            }
            fn visit_i64<E: de::Error>(self, name: i64) -> Result<ColumnKey, E> {
                Ok(ColumnKey(name.to_string()))
            }
            fn visit_u64<E: de::Error>(self, name: u64) -> Result<ColumnKey, E> {
                Ok(ColumnKey(name.to_string()))
            }
        }
        d.deserialize_any(NameVisitor)
    }
}

/// `dataframe_split`'s rows, each a list matched to `columns` by position (read as a sequence
/// for a positional schema).
struct ListRows<'c, T> {
    ctx: &'c Ctx<'c>,
    columns: &'c [String],
    _t: PhantomData<T>,
}

impl<'de, T: DeserializeOwned> DeserializeSeed<'de> for ListRows<'_, T> {
    type Value = Vec<T>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Vec<T>, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, T: DeserializeOwned> Visitor<'de> for ListRows<'_, T> {
    type Value = Vec<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of rows")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
        let ctx = self.ctx;
        let columns = self.columns;
        let positional = ctx.shape.names.is_none();
        let mut rows = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        let mut i = 0u64;
        loop {
            ctx.row.set(Some(i));
            let row = seq.next_element_seed(ListRow::<T> {
                columns,
                positional,
                _t: PhantomData,
            })?;
            match row {
                Some(row) => rows.push(row),
                None => break,
            }
            i += 1;
        }
        ctx.row.set(None);
        Ok(rows)
    }
}

/// One row given as a list.
struct ListRow<'c, T> {
    columns: &'c [String],
    positional: bool,
    _t: PhantomData<T>,
}

impl<'de, T: DeserializeOwned> DeserializeSeed<'de> for ListRow<'_, T> {
    type Value = T;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<T, D::Error> {
        if self.positional {
            T::deserialize(d)
        } else {
            d.deserialize_seq(self)
        }
    }
}

impl<'de, T: DeserializeOwned> Visitor<'de> for ListRow<'_, T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a row (a list of values)")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<T, A::Error> {
        T::deserialize(MapAccessDeserializer::new(ListAsMap {
            seq,
            columns: self.columns,
            at: 0,
        }))
    }
}

/// A list row presented as a map from the column names to its cells, read as they stream.
struct ListAsMap<'c, A> {
    seq: A,
    columns: &'c [String],
    at: usize,
}

impl<'de, A: SeqAccess<'de>> MapAccess<'de> for ListAsMap<'_, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        match self.columns.get(self.at) {
            Some(name) => seed
                .deserialize(StrDeserializer::<A::Error>::new(name))
                .map(Some),
            None => Ok(None),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        self.at += 1;
        self.seq
            .next_element_seed(seed)?
            .ok_or_else(|| de::Error::custom("a row shorter than its columns"))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.columns.len() - self.at)
    }
}

// ---- inputs and instances -------------------------------------------------------------------

struct InputsSeed<'c, T>(&'c Ctx<'c>, PhantomData<T>);

impl<'de, T: DeserializeOwned> DeserializeSeed<'de> for InputsSeed<'_, T> {
    type Value = Vec<T>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Vec<T>, D::Error> {
        let ctx = self.0;
        if let Some((columns, whole)) = &ctx.inputs_columns {
            // The second look found an object of columns: the cells are read from their bytes.
            d.deserialize_any(IgnoredAny)?;
            return transpose(ctx, columns, whole.clone()).map_err(de::Error::custom);
        }
        d.deserialize_any(self)
    }
}

impl<'de, T: DeserializeOwned> Visitor<'de> for InputsSeed<'_, T> {
    type Value = Vec<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("`inputs`: a list, an object or a value")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
        let ctx = self.0;
        if ctx.shape.tensor {
            // The whole list is the one tensor of a single input.
            return one(ctx.shape, SeqAccessDeserializer::new(seq)).map(|row| vec![row]);
        }
        let mut rows = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        let mut i = 0u64;
        loop {
            ctx.row.set(Some(i));
            match seq.next_element_seed(ElementSeed::<T>(ctx.shape, PhantomData))? {
                Some(row) => rows.push(row),
                None => break,
            }
            i += 1;
        }
        ctx.row.set(None);
        Ok(rows)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Vec<T>, A::Error> {
        let ctx = self.0;
        if ctx.shape.tensor || ctx.shape.nested || ctx.shape.names.is_none() {
            return T::deserialize(MapAccessDeserializer::new(map)).map(|row| vec![row]);
        }
        Err(ctx.need(Fallback::InputsColumns))
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Vec<T>, E> {
        one(self.0.shape, v.into_deserializer()).map(|row| vec![row])
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Vec<T>, E> {
        one(self.0.shape, v.into_deserializer()).map(|row| vec![row])
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Vec<T>, E> {
        one(self.0.shape, v.into_deserializer()).map(|row| vec![row])
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Vec<T>, E> {
        one(self.0.shape, v.into_deserializer()).map(|row| vec![row])
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Vec<T>, E> {
        one(self.0.shape, StrDeserializer::new(v)).map(|row| vec![row])
    }

    fn visit_unit<E: de::Error>(self) -> Result<Vec<T>, E> {
        one(self.0.shape, ().into_deserializer()).map(|row| vec![row])
    }
}

/// One element of an `inputs`/`instances` list: a record, a positional row, or a bare value.
struct ElementSeed<'s, T>(&'s Shape, PhantomData<T>);

impl<'de, T: DeserializeOwned> DeserializeSeed<'de> for ElementSeed<'_, T> {
    type Value = T;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<T, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, T: DeserializeOwned> Visitor<'de> for ElementSeed<'_, T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a row")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::deserialize(MapAccessDeserializer::new(map))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<T, A::Error> {
        match self.0.single() {
            Some(name) => T::deserialize(MapAccessDeserializer::new(OneEntry {
                name,
                value: Some(SeqAccessDeserializer::new(seq)),
            })),
            None => T::deserialize(SeqAccessDeserializer::new(seq)),
        }
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<T, E> {
        one(self.0, v.into_deserializer())
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<T, E> {
        one(self.0, v.into_deserializer())
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<T, E> {
        one(self.0, v.into_deserializer())
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<T, E> {
        one(self.0, v.into_deserializer())
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        one(self.0, StrDeserializer::new(v))
    }

    fn visit_unit<E: de::Error>(self) -> Result<T, E> {
        one(self.0, ().into_deserializer())
    }
}

/// A single value as a row: the only column of a one-column schema, else a one-cell
/// positional row; a list stays a positional row.
fn one<'de, T: DeserializeOwned, D: Deserializer<'de>>(shape: &Shape, d: D) -> Result<T, D::Error> {
    match shape.single() {
        Some(name) => T::deserialize(MapAccessDeserializer::new(OneEntry {
            name,
            value: Some(d),
        })),
        None => T::deserialize(SeqAccessDeserializer::new(OneCell { value: Some(d) })),
    }
}

/// A map of one entry whose value is read from a deserializer.
struct OneEntry<'n, D> {
    name: &'n str,
    value: Option<D>,
}

impl<'de, D: Deserializer<'de>> MapAccess<'de> for OneEntry<'_, D> {
    type Error = D::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, D::Error> {
        if self.value.is_none() {
            return Ok(None);
        }
        seed.deserialize(StrDeserializer::<D::Error>::new(self.name))
            .map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, D::Error> {
        match self.value.take() {
            Some(d) => seed.deserialize(d),
            None => Err(de::Error::custom("no value")),
        }
    }
}

/// A sequence of one element read from a deserializer.
struct OneCell<D> {
    value: Option<D>,
}

impl<'de, D: Deserializer<'de>> SeqAccess<'de> for OneCell<D> {
    type Error = D::Error;

    fn next_element_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<Option<V::Value>, D::Error> {
        self.value.take().map(|d| seed.deserialize(d)).transpose()
    }
}

/// The rows of an `inputs` object of columns, one position at a time, each cell read from its
/// bytes; an object whose first column is not a list is one row.
fn transpose<T: DeserializeOwned>(
    ctx: &Ctx<'_>,
    columns: &[DictColumn],
    whole: Range<usize>,
) -> Result<Vec<T>, serde_json::Error> {
    let known = |name: &str| {
        ctx.shape
            .names
            .as_ref()
            .is_some_and(|names| names.iter().any(|n| n == name))
    };
    let first = columns.iter().find(|(name, ..)| known(name));
    let Some((_, _, Some(_))) = first else {
        // One row: the object is the record.
        return serde_json::from_slice(&ctx.body[whole]).map(|row| vec![row]);
    };
    let height = columns
        .iter()
        .filter_map(|(_, _, cells)| cells.as_ref().map(Vec::len))
        .max()
        .unwrap_or(0);
    let mut rows = Vec::with_capacity(height);
    for row in 0..height {
        ctx.row.set(Some(row as u64));
        rows.push(T::deserialize(MapAccessDeserializer::new(CellsAsMap {
            body: ctx.body,
            columns,
            row,
            at: 0,
        }))?);
    }
    ctx.row.set(None);
    Ok(rows)
}

/// Row `row` of an object of column lists, as a map from the names to the cells.
struct CellsAsMap<'b, 'c> {
    body: &'b [u8],
    columns: &'c [DictColumn],
    row: usize,
    at: usize,
}

impl CellsAsMap<'_, '_> {
    /// The next column with a cell in this row.
    fn advance(&mut self) -> Option<(&str, Range<usize>)> {
        while let Some((name, _, cells)) = self.columns.get(self.at) {
            if let Some(cell) = cells.as_ref().and_then(|c| c.get(self.row)) {
                return Some((name, cell.clone()));
            }
            self.at += 1;
        }
        None
    }
}

impl<'b> MapAccess<'b> for CellsAsMap<'b, '_> {
    type Error = serde_json::Error;

    fn next_key_seed<K: DeserializeSeed<'b>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, serde_json::Error> {
        match self.advance() {
            Some((name, _)) => seed
                .deserialize(StrDeserializer::<serde_json::Error>::new(name))
                .map(Some),
            None => Ok(None),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'b>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, serde_json::Error> {
        let Some((_, cell)) = self.advance() else {
            return Err(de::Error::custom("no cell"));
        };
        self.at += 1;
        let mut de = serde_json::Deserializer::from_slice(&self.body[cell]);
        let value = seed.deserialize(&mut de)?;
        de.end()?;
        Ok(value)
    }
}

// ---- A second look at the bytes -------------------------------------------------------------

/// The members of the object at `range`, each key with its value's span; `None` if not an
/// object.
fn members(
    body: &[u8],
    range: Range<usize>,
    max_depth: usize,
) -> Option<Vec<(String, Range<usize>)>> {
    let mut s = Scanner::new(&body[..range.end]);
    s.seek(range.start);
    if s.peek()? != b'{' {
        return None;
    }
    s.seek(s.pos() + 1);
    let mut out = Vec::new();
    let mut first = true;
    while let Some(key) = s.object_key(first).ok()? {
        first = false;
        let raw = &body[key.range()];
        let name = if key.escaped {
            unescape(raw)
        } else {
            String::from_utf8_lossy(raw).into_owned()
        };
        s.skip_ws();
        let start = s.pos();
        s.skip_value(1, max_depth).ok()?;
        out.push((name, start..s.pos()));
    }
    Some(out)
}

/// The spans of the elements of the list at `range`; `None` if not a list.
fn elements(body: &[u8], range: Range<usize>, max_depth: usize) -> Option<Vec<Range<usize>>> {
    let mut s = Scanner::new(&body[..range.end]);
    s.seek(range.start);
    if s.peek()? != b'[' {
        return None;
    }
    s.seek(s.pos() + 1);
    let mut out = Vec::new();
    if s.array_first() {
        loop {
            s.skip_ws();
            let start = s.pos();
            s.skip_value(1, max_depth).ok()?;
            out.push(start..s.pos());
            if !s.array_next().ok()? {
                break;
            }
        }
    }
    Some(out)
}
