//! A row's cells, as the check scanned them, presented to serde: the row as a map from the
//! column names to the cells, each cell a deserializer that gives what serde_json would give
//! for the same bytes (numbers already parsed, unescaped strings borrowed from the body;
//! escaped strings and nested values read by serde_json from their span).

use serde::de::value::{BorrowedStrDeserializer, StrDeserializer};
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde_json::Error;

use crate::check::json::Scanned;
use crate::check::scanner::IntValue;

/// One row: the cells of the columns it gives, keyed by the schema's names.
pub(super) struct RowCells<'r, 'b> {
    body: &'b [u8],
    names: &'r [String],
    cells: &'r [Option<Scanned>],
    /// The texts [`Scanned::CastText`] cells stand for.
    texts: &'r [String],
    at: usize,
    pending: Option<Scanned>,
}

impl<'r, 'b> RowCells<'r, 'b> {
    pub(super) fn new(
        body: &'b [u8],
        names: &'r [String],
        cells: &'r [Option<Scanned>],
        texts: &'r [String],
    ) -> Self {
        RowCells {
            body,
            names,
            cells,
            texts,
            at: 0,
            pending: None,
        }
    }
}

impl<'r, 'b> MapAccess<'b> for RowCells<'r, 'b> {
    type Error = Error;

    #[inline]
    fn next_key_seed<K: DeserializeSeed<'b>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        while let Some(cell) = self.cells.get(self.at) {
            let at = self.at;
            self.at += 1;
            if let (Some(cell), Some(name)) = (cell, self.names.get(at)) {
                self.pending = Some(*cell);
                return seed
                    .deserialize(StrDeserializer::<Error>::new(name))
                    .map(Some);
            }
        }
        Ok(None)
    }

    #[inline]
    fn next_value_seed<V: DeserializeSeed<'b>>(&mut self, seed: V) -> Result<V::Value, Error> {
        match self.pending.take() {
            Some(value) => seed.deserialize(CellDeserializer {
                body: self.body,
                texts: self.texts,
                value,
            }),
            None => Err(de::Error::custom("a value without its key")),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(
            self.cells[self.at.min(self.cells.len())..]
                .iter()
                .flatten()
                .count(),
        )
    }
}

/// One cell.
struct CellDeserializer<'r, 'b> {
    body: &'b [u8],
    texts: &'r [String],
    value: Scanned,
}

impl<'b> CellDeserializer<'_, 'b> {
    /// The cell's bytes, when serde_json has to read them: nested values and escaped strings
    /// (whose unescaping, lone surrogates included, is serde_json's to decide).
    fn json_span(&self) -> Option<&'b [u8]> {
        match self.value {
            Scanned::Raw(start, end) => self.body.get(start..end),
            Scanned::EscapedStr(start, end) => self.body.get(start.saturating_sub(1)..end + 1),
            _ => None,
        }
    }

    /// Reads `bytes` with serde_json, all of them. Out of line and cold: a clean scalar cell
    /// never comes here, and every field of `T` would otherwise carry this code inline
    /// between its hot paths (more code for the instruction cache to hold per row).
    #[cold]
    #[inline(never)]
    fn json<R>(
        bytes: &'b [u8],
        read: impl FnOnce(
            &mut serde_json::Deserializer<serde_json::de::SliceRead<'b>>,
        ) -> Result<R, Error>,
    ) -> Result<R, Error> {
        let mut de = serde_json::Deserializer::from_slice(bytes);
        let value = read(&mut de)?;
        de.end()?;
        Ok(value)
    }

    #[inline]
    fn text(&self, start: usize, end: usize) -> Result<&'b str, Error> {
        let bytes = self.body.get(start..end).unwrap_or_default();
        std::str::from_utf8(bytes).map_err(de::Error::custom)
    }
}

/// The methods serde_json answers by the type asked for: a cell serde_json reads goes to its
/// method of the same name; an already-scanned scalar answers as `deserialize_any`.
macro_rules! by_kind {
    ($($method:ident($($arg:ident: $ty:ty),*);)*) => {
        $(
            #[inline]
            fn $method<V: Visitor<'b>>(self, $($arg: $ty,)* visitor: V) -> Result<V::Value, Error> {
                match self.value {
                    Scanned::EscapedStr(..) | Scanned::Raw(..) => match self.json_span() {
                        Some(bytes) => Self::json(bytes, |de| de.$method($($arg,)* visitor)),
                        None => self.deserialize_any(visitor),
                    },
                    _ => self.deserialize_any(visitor),
                }
            }
        )*
    };
}

impl<'b> Deserializer<'b> for CellDeserializer<'_, 'b> {
    type Error = Error;

    #[inline]
    fn deserialize_any<V: Visitor<'b>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Scanned::Null => visitor.visit_unit(),
            Scanned::Bool(b) => visitor.visit_bool(b),
            Scanned::Int(IntValue::Positive(m)) => visitor.visit_u64(m),
            // A magnitude up to 2^63: the wrapping negation lands on i64::MIN exactly.
            Scanned::Int(IntValue::Negative(m)) => visitor.visit_i64((m as i64).wrapping_neg()),
            Scanned::Float(start, end) => {
                let text = self.text(start, end)?;
                match text.parse::<f64>() {
                    Ok(v) if v.is_finite() => visitor.visit_f64(v),
                    // serde_json's own error for a number beyond f64.
                    _ => Self::json(text.as_bytes(), |de| de.deserialize_any(visitor)),
                }
            }
            Scanned::FloatValue(v) => visitor.visit_f64(v),
            Scanned::Str(start, end) => visitor.visit_borrowed_str(self.text(start, end)?),
            Scanned::EscapedStr(..) | Scanned::Raw(..) => match self.json_span() {
                Some(bytes) => Self::json(bytes, |de| de.deserialize_any(visitor)),
                None => Err(de::Error::custom("a cell outside the body")),
            },
            Scanned::CastText(index) => match self.texts.get(index) {
                Some(text) => visitor.visit_str(text),
                None => Err(de::Error::custom("a cast text the sink does not hold")),
            },
            Scanned::Refused => Err(de::Error::custom("a value the check refused")),
        }
    }

    fn deserialize_option<V: Visitor<'b>>(self, visitor: V) -> Result<V::Value, Error> {
        match (self.value, self.json_span()) {
            (Scanned::Null, _) => visitor.visit_none(),
            (_, Some(bytes)) => Self::json(bytes, |de| de.deserialize_option(visitor)),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'b>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self.json_span() {
            Some(bytes) => Self::json(bytes, |de| de.deserialize_newtype_struct(name, visitor)),
            None => visitor.visit_newtype_struct(self),
        }
    }

    fn deserialize_enum<V: Visitor<'b>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match (self.value, self.json_span()) {
            (_, Some(bytes)) => {
                Self::json(bytes, |de| de.deserialize_enum(name, variants, visitor))
            }
            (Scanned::Str(start, end), None) => {
                let text = self.text(start, end)?;
                visitor.visit_enum(BorrowedStrDeserializer::<Error>::new(text))
            }
            (Scanned::CastText(index), None) => match self.texts.get(index) {
                Some(text) => visitor.visit_enum(StrDeserializer::<Error>::new(text)),
                None => Err(de::Error::custom("a cast text the sink does not hold")),
            },
            _ => self.deserialize_any(visitor),
        }
    }

    fn deserialize_bytes<V: Visitor<'b>>(self, visitor: V) -> Result<V::Value, Error> {
        match (self.value, self.json_span()) {
            (_, Some(bytes)) => Self::json(bytes, |de| de.deserialize_bytes(visitor)),
            (Scanned::Str(start, end), None) => {
                visitor.visit_borrowed_bytes(self.body.get(start..end).unwrap_or_default())
            }
            _ => self.deserialize_any(visitor),
        }
    }

    fn deserialize_byte_buf<V: Visitor<'b>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_bytes(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'b>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }

    by_kind! {
        deserialize_bool();
        deserialize_i8();
        deserialize_i16();
        deserialize_i32();
        deserialize_i64();
        deserialize_i128();
        deserialize_u8();
        deserialize_u16();
        deserialize_u32();
        deserialize_u64();
        deserialize_u128();
        deserialize_f32();
        deserialize_f64();
        deserialize_char();
        deserialize_str();
        deserialize_string();
        deserialize_unit();
        deserialize_unit_struct(name: &'static str);
        deserialize_seq();
        deserialize_tuple(len: usize);
        deserialize_tuple_struct(name: &'static str, len: usize);
        deserialize_map();
        deserialize_struct(name: &'static str, fields: &'static [&'static str]);
        deserialize_identifier();
    }
}
