//! A field's [`ValueLimit`] for the derive's generated code, whatever the field's type: its
//! [`SignatureType::LIMIT`], the range of a wide integer given a `dtype` (`u64` as `long`), or
//! none. Chosen by method resolution (the most specific impl is found through the fewest
//! dereferences), since a `dtype` field's type need not implement [`SignatureType`].
//!
//! Method resolution is not available in a `const`, where a struct column's limit is made
//! (`SignatureType::LIMIT` of a derived struct): there a `dtype` field's limit comes from
//! [`IntegerLimit`], which the derive asks for only when it reads the field's type as
//! integers (see `integer_shaped` in the derive).

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::marker::PhantomData;

use crate::derived::{SignatureType, ValueLimit};

/// Stands for the type `T`: `(&&&LimitOf::<T>::new()).limit()` is `T`'s limit.
pub struct LimitOf<T: ?Sized>(PhantomData<T>);

impl<T: ?Sized> LimitOf<T> {
    /// The stand-in.
    pub const fn new() -> Self {
        LimitOf(PhantomData)
    }
}

impl<T: ?Sized> Default for LimitOf<T> {
    fn default() -> Self {
        LimitOf::new()
    }
}

/// A type with a column type: its own limit.
pub trait ViaSignatureType {
    /// The limit.
    fn limit(&self) -> ValueLimit;
}

impl<T: SignatureType + ?Sized> ViaSignatureType for &&LimitOf<T> {
    fn limit(&self) -> ValueLimit {
        T::LIMIT
    }
}

/// A type of integers a `dtype` maps, whether or not it has a column type of its own (`u64`
/// as `long`, `Vec<u64>` as `array<long>`): its [`IntegerLimit`].
pub trait ViaIntegerLimit {
    /// The limit.
    fn limit(&self) -> ValueLimit;
}

impl<T: IntegerLimit> ViaIntegerLimit for &LimitOf<T> {
    fn limit(&self) -> ValueLimit {
        T::LIMIT
    }
}

/// Any other type: no limit.
pub trait ViaNothing {
    /// The limit.
    fn limit(&self) -> ValueLimit;
}

impl<T: ?Sized> ViaNothing for LimitOf<T> {
    fn limit(&self) -> ValueLimit {
        ValueLimit::None
    }
}

/// The limit of a type written as an integer, or an `Option`, `Box`, list, array or map of
/// one: what serde reads into it. For a `dtype` field, whose type need not implement
/// [`SignatureType`] (`u64`, `Vec<u64>`), in a `const`.
pub trait IntegerLimit {
    /// The limit.
    const LIMIT: ValueLimit;
}

macro_rules! integer_limit {
    ($($ty:ty),*) => {
        $(
            impl IntegerLimit for $ty {
                const LIMIT: ValueLimit = ValueLimit::range(<$ty>::MIN as i128, saturated(<$ty>::MAX as u128));
            }
        )*
    };
}

integer_limit!(
    u8, u16, u32, u64, u128, usize, i8, i16, i32, i64, i128, isize
);

/// `max` as an `i128`, `u128::MAX` as `i128::MAX`: beyond any JSON integer we read.
const fn saturated(max: u128) -> i128 {
    if max > i128::MAX as u128 {
        i128::MAX
    } else {
        max as i128
    }
}

impl<T: IntegerLimit> IntegerLimit for Option<T> {
    const LIMIT: ValueLimit = T::LIMIT;
}

impl<T: IntegerLimit> IntegerLimit for Box<T> {
    const LIMIT: ValueLimit = T::LIMIT;
}

impl<T: IntegerLimit> IntegerLimit for Vec<T> {
    const LIMIT: ValueLimit = ValueLimit::items(&T::LIMIT);
}

impl<T: IntegerLimit> IntegerLimit for VecDeque<T> {
    const LIMIT: ValueLimit = ValueLimit::items(&T::LIMIT);
}

impl<T: IntegerLimit, const N: usize> IntegerLimit for [T; N] {
    const LIMIT: ValueLimit = ValueLimit::Length {
        len: N,
        items: &T::LIMIT,
    };
}

impl<K, V: IntegerLimit> IntegerLimit for BTreeMap<K, V> {
    const LIMIT: ValueLimit = ValueLimit::items(&V::LIMIT);
}

impl<K, V: IntegerLimit, S> IntegerLimit for HashMap<K, V, S> {
    const LIMIT: ValueLimit = ValueLimit::items(&V::LIMIT);
}
