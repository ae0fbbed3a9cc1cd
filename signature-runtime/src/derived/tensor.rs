//! [`TensorType`]: the Rust types a `#[signature(tensor(shape = [...]))]` field may have.

use std::collections::VecDeque;

/// A Rust type that holds a tensor: numbers (or strings) nested in `Vec`s and arrays, or an
/// `ndarray` array (feature `ndarray`).
///
/// The numpy dtype comes from the innermost type (`f32` is `float32`, `u64` is `uint64`); the
/// number of nesting levels must equal the length of the field's `shape`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a tensor type",
    label = "not a tensor type",
    note = "a tensor field is numbers, `bool` or strings nested in `Vec`, `VecDeque`, `[T; N]`, \
            `Box<[T]>` (or an `ndarray` array with the `ndarray` feature)"
)]
pub trait TensorType {
    /// numpy's name for the element dtype (`float32`).
    const DTYPE: &'static str;
    /// The number of dimensions; `None` when the type allows any number (`ndarray::ArrayD`).
    const RANK: Option<usize>;
}

macro_rules! element {
    ($($ty:ty => $dtype:literal),* $(,)?) => {
        $(
            impl TensorType for $ty {
                const DTYPE: &'static str = $dtype;
                const RANK: Option<usize> = Some(0);
            }
        )*
    };
}

element!(
    bool => "bool",
    i8 => "int8",
    i16 => "int16",
    i32 => "int32",
    i64 => "int64",
    isize => "int64",
    u8 => "uint8",
    u16 => "uint16",
    u32 => "uint32",
    u64 => "uint64",
    usize => "uint64",
    f32 => "float32",
    f64 => "float64",
    String => "str",
    str => "str",
);

const fn deeper(rank: Option<usize>) -> Option<usize> {
    match rank {
        Some(rank) => Some(rank + 1),
        None => None,
    }
}

macro_rules! nesting {
    ($($ty:ty),* $(,)?) => {
        $(
            impl<T: TensorType> TensorType for $ty {
                const DTYPE: &'static str = T::DTYPE;
                const RANK: Option<usize> = deeper(T::RANK);
            }
        )*
    };
}

nesting!([T], Vec<T>, VecDeque<T>);

impl<T: TensorType, const N: usize> TensorType for [T; N] {
    const DTYPE: &'static str = T::DTYPE;
    const RANK: Option<usize> = deeper(T::RANK);
}

impl<T: TensorType + ?Sized> TensorType for Box<T> {
    const DTYPE: &'static str = T::DTYPE;
    const RANK: Option<usize> = T::RANK;
}

#[cfg(feature = "ndarray")]
impl<S, D> TensorType for ndarray::ArrayBase<S, D>
where
    S: ndarray::RawData,
    S::Elem: TensorType,
    D: ndarray::Dimension,
{
    const DTYPE: &'static str = <S::Elem as TensorType>::DTYPE;
    const RANK: Option<usize> = match (D::NDIM, <S::Elem as TensorType>::RANK) {
        (Some(ndim), Some(0)) => Some(ndim),
        _ => None,
    };
}
