//! Typed decoding for the schemas whose rows the check's pass does not decode: positional and
//! tensor schemas. serde_json reads the rows from the body itself once the check has passed,
//! without a `serde_json::Value` for the body.

use std::cell::Cell;
use std::fmt;
use std::marker::PhantomData;

use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer, StrDeserializer};
use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, IgnoredAny, IntoDeserializer, MapAccess,
    SeqAccess, Visitor,
};
use serde_json::{Map, Value};

use crate::check::JsonChecker;

/// The rows and the raw params.
pub(super) type Rows<T> = (Vec<T>, Map<String, Value>);

/// A serde error, the place (a JSON pointer prefix) and the row it happened at.
pub(super) type Failure = (serde_json::Error, Option<&'static str>, Option<u64>);

/// The rows of a body the check passed, read by serde_json.
pub(super) fn rows<T: DeserializeOwned>(
    shape: &Shape<'_>,
    body: &[u8],
) -> Result<Rows<T>, Failure> {
    let ctx = Ctx {
        shape,
        place: Cell::new(None),
        row: Cell::new(None),
    };
    run::<T>(&ctx, body).map_err(|e| (e, ctx.place.get(), ctx.row.get()))
}

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

// ---- The schema's shape, as decoding needs it ---------------------------------------------

/// What shapes the rows: the checker's column names and kinds (borrowed from the checker,
/// which made them once).
#[derive(Debug)]
pub(super) struct Shape<'c> {
    /// The column names; `None` for a positional schema (rows are read as sequences).
    pub(super) names: Option<&'c [String]>,
    /// A tensor schema: an `inputs`/`instances` list is one whole tensor, one row.
    pub(super) tensor: bool,
}

impl<'c> Shape<'c> {
    pub(super) fn of(checker: &'c JsonChecker) -> Shape<'c> {
        Shape {
            names: checker.column_names(),
            tensor: checker.is_tensor_schema(),
        }
    }

    /// The column names the typed sink decodes rows by; `None` when a body of this schema is
    /// decoded after the check ([`rows`]).
    pub(super) fn row_names(&self) -> Option<&'c [String]> {
        self.names.filter(|_| !self.tensor)
    }

    /// How many cells a row of the typed sink has (none when it decodes nothing).
    pub(super) fn row_columns(&self) -> usize {
        self.row_names().map_or(0, <[String]>::len)
    }

    /// The name of the only column, when the schema has exactly one named column.
    fn single(&self) -> Option<&str> {
        match self.names {
            Some([name]) => Some(name),
            _ => None,
        }
    }
}

struct Ctx<'s> {
    shape: &'s Shape<'s>,
    /// Where the rows are, for the report: `/dataframe_records`, ...
    place: Cell<Option<&'static str>>,
    /// The row being read.
    row: Cell<Option<u64>>,
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

/// The rows of a positional schema's `dataframe_split` (a named schema's rows are decoded in
/// the check's own pass and never come here).
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
        let mut rows = Vec::new();
        while let Some(key) = map.next_key::<SplitKey>()? {
            match key {
                SplitKey::Data => rows = map.next_value_seed(ListRows::<T>(ctx, PhantomData))?,
                SplitKey::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(rows)
    }
}

enum SplitKey {
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
                    "data" => SplitKey::Data,
                    _ => SplitKey::Other,
                })
            }
        }
        d.deserialize_str(KeyVisitor)
    }
}

/// `dataframe_split`'s rows, each a list read as `T`'s sequence of fields.
struct ListRows<'c, T>(&'c Ctx<'c>, PhantomData<T>);

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

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Vec<T>, A::Error> {
        records(self.0, seq)
    }
}

// ---- inputs and instances -------------------------------------------------------------------

struct InputsSeed<'c, T>(&'c Ctx<'c>, PhantomData<T>);

impl<'de, T: DeserializeOwned> DeserializeSeed<'de> for InputsSeed<'_, T> {
    type Value = Vec<T>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Vec<T>, D::Error> {
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
        // One row: an object of named tensors, or of a positional schema's values (a named
        // schema's column lists are decoded in the check's own pass).
        T::deserialize(MapAccessDeserializer::new(map)).map(|row| vec![row])
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
struct ElementSeed<'s, T>(&'s Shape<'s>, PhantomData<T>);

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
fn one<'de, T: DeserializeOwned, D: Deserializer<'de>>(
    shape: &Shape<'_>,
    d: D,
) -> Result<T, D::Error> {
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
