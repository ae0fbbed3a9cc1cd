//! A field's [`ValueLimit`] for the derive's generated code, whatever the field's type: its
//! [`SignatureType::LIMIT`], the range of a wide integer given a `dtype` (`u64` as `long`), or
//! none. Chosen by method resolution (the most specific impl is found through the fewest
//! dereferences), since a `dtype` field's type need not implement [`SignatureType`].

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

/// An integer type wider than MLflow's, which a `dtype` maps: its range.
pub trait ViaWideInteger {
    /// The limit.
    fn limit(&self) -> ValueLimit;
}

macro_rules! wide {
    ($($ty:ty),*) => {
        $(
            impl ViaWideInteger for &LimitOf<$ty> {
                fn limit(&self) -> ValueLimit {
                    // `u128::MAX` saturates to `i128::MAX`: beyond any JSON integer we read.
                    ValueLimit::range(<$ty>::MIN as i128, i128::try_from(<$ty>::MAX).unwrap_or(i128::MAX))
                }
            }
        )*
    };
}

wide!(u64, usize, i128, u128);

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
