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
}

impl ValueLimit {
    /// The limit of `[T]`, `Vec<T>` and maps of `T`: none when `T` has none.
    pub const fn items(items: &'static ValueLimit) -> ValueLimit {
        match items {
            ValueLimit::None => ValueLimit::None,
            _ => ValueLimit::Items(items),
        }
    }

    /// The limit of an integer type from `min` to `max`.
    pub const fn range(min: i128, max: i128) -> ValueLimit {
        ValueLimit::Range { min, max }
    }
}
