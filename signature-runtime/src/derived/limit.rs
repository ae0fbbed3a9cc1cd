//! The limits of Rust types that MLflow's type system cannot state: a `u8` is an MLflow
//! `integer`, but only 0 to 255 decode into it. A checker built for a type
//! ([`JsonChecker::for_type`](crate::check::JsonChecker::for_type)) reports a value beyond its
//! field's limit with every other problem, instead of leaving it to serde's first error at
//! decode time.

/// What a column's values must also be, beyond its MLflow type, to decode into the Rust field:
/// [`SignatureType::LIMIT`](super::SignatureType::LIMIT).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ValueLimit {
    /// Anything the MLflow type takes.
    None,
    /// An integer from `min` to `max` (`u8`: 0 to 255).
    Range {
        /// The smallest value.
        min: i128,
        /// The largest value.
        max: i128,
    },
    /// A non-zero integer from `min` to `max` (`NonZero<i8>`: -128 to 127 but 0).
    NonZero {
        /// The smallest value.
        min: i128,
        /// The largest value.
        max: i128,
    },
    /// One of these strings: a field-less enum's variants, as serde names them.
    OneOf(&'static [&'static str]),
    /// A string of exactly one character (`char`).
    OneChar,
    /// An array of exactly `len` items (`[T; N]`), each within `items`.
    Length {
        /// How many items.
        len: usize,
        /// The limit of each item.
        items: &'static ValueLimit,
    },
    /// An array (or a map) each of whose items (values) is within the limit.
    Items(&'static ValueLimit),
    /// An object (a struct with `#[derive(Signature)]`): the value under each named key within
    /// its field's limit. A `None` name is a `#[serde(flatten)]` field, whose own fields are
    /// keys of the same object. A field with a `dtype` has one here only when its type is
    /// written as integers (`u64`, `Option<u64>`, `Vec<u64>`, an array or a map of them):
    /// the derive cannot ask any other such type for its limit in a `const`.
    Fields(&'static [(Option<&'static str>, ValueLimit)]),
}

impl ValueLimit {
    /// The limit of `[T]`, `Vec<T>` and maps of `T`: none when `T` has none.
    pub const fn items(items: &'static ValueLimit) -> ValueLimit {
        match items {
            ValueLimit::None => ValueLimit::None,
            _ => ValueLimit::Items(items),
        }
    }

    /// The limit of a struct read from an object with `fields` (its serde names, and the
    /// limits of their types): none when no field has one.
    pub const fn fields(fields: &'static [(Option<&'static str>, ValueLimit)]) -> ValueLimit {
        let mut index = 0;
        while index < fields.len() {
            if !matches!(fields[index].1, ValueLimit::None) {
                return ValueLimit::Fields(fields);
            }
            index += 1;
        }
        ValueLimit::None
    }

    /// The limit of an integer type from `min` to `max`.
    pub const fn range(min: i128, max: i128) -> ValueLimit {
        ValueLimit::Range { min, max }
    }
}
