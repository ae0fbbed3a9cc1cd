//! [`SignatureType`] for the standard library and the feature-gated integrations.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, LinkedList, VecDeque};
use std::num::NonZero;
use std::rc::Rc;
use std::sync::Arc;

use super::{SignatureType, TypeDescription, ValueLimit};
use crate::types::DataType;

macro_rules! scalar {
    ($data_type:ident: $($ty:ty),* $(,)?) => {
        $(
            impl SignatureType for $ty {
                const TYPE: TypeDescription = TypeDescription::Data(DataType::$data_type);
            }
        )*
    };
}

/// Integer types narrower than their column type: the range decodes.
macro_rules! integer {
    ($data_type:ident: $($ty:ty),* $(,)?) => {
        $(
            impl SignatureType for $ty {
                const TYPE: TypeDescription = TypeDescription::Data(DataType::$data_type);
                const LIMIT: ValueLimit = ValueLimit::range(<$ty>::MIN as i128, <$ty>::MAX as i128);
            }
        )*
    };
}

scalar!(Boolean: bool);
integer!(Integer: i8, i16, u8, u16);
scalar!(Integer: i32);
scalar!(Long: i64);
integer!(Long: isize, u32);
/// `NonZero` integers: their type's range, without zero.
macro_rules! non_zero {
    ($data_type:ident: $($ty:ty),* $(,)?) => {
        $(
            impl SignatureType for NonZero<$ty> {
                const TYPE: TypeDescription = TypeDescription::Data(DataType::$data_type);
                const LIMIT: ValueLimit = ValueLimit::NonZero {
                    min: <$ty>::MIN as i128,
                    max: <$ty>::MAX as i128,
                };
            }
        )*
    };
}

non_zero!(Integer: i8, i16, i32, u8, u16);
non_zero!(Long: i64, isize, u32);
scalar!(Float: f32);
scalar!(Double: f64);
scalar!(String: str, String);

impl SignatureType for char {
    const TYPE: TypeDescription = TypeDescription::Data(DataType::String);
    const LIMIT: ValueLimit = ValueLimit::OneChar;
}
scalar!(
    String: std::path::Path,
    std::path::PathBuf,
    std::net::IpAddr,
    std::net::Ipv4Addr,
    std::net::Ipv6Addr,
    std::net::SocketAddr,
);

scalar!(Datetime: chrono::NaiveDateTime, chrono::NaiveDate);

impl<Tz: chrono::TimeZone> SignatureType for chrono::DateTime<Tz> {
    const TYPE: TypeDescription = TypeDescription::Data(DataType::Datetime);
}

#[cfg(feature = "time")]
scalar!(Datetime: time::OffsetDateTime, time::PrimitiveDateTime, time::Date, time::UtcDateTime);

#[cfg(feature = "bytes")]
scalar!(Binary: bytes::Bytes, bytes::BytesMut);

#[cfg(feature = "serde_bytes")]
scalar!(Binary: serde_bytes::ByteBuf, serde_bytes::Bytes);

#[cfg(feature = "serde_bytes")]
impl<const N: usize> SignatureType for serde_bytes::ByteArray<N> {
    const TYPE: TypeDescription = TypeDescription::Data(DataType::Binary);
}

impl SignatureType for serde_json::Value {
    const TYPE: TypeDescription = TypeDescription::Any;
}

impl<T: SignatureType> SignatureType for Option<T> {
    const TYPE: TypeDescription = T::TYPE;
    const _SIGNATURE_PRIVATE_OPTIONAL: bool = true;
    const LIMIT: ValueLimit = T::LIMIT;
}

macro_rules! transparent {
    ($($ty:ty),* $(,)?) => {
        $(
            impl<T: SignatureType + ?Sized> SignatureType for $ty {
                const TYPE: TypeDescription = T::TYPE;
                const _SIGNATURE_PRIVATE_OPTIONAL: bool = T::_SIGNATURE_PRIVATE_OPTIONAL;
                const LIMIT: ValueLimit = T::LIMIT;
            }
        )*
    };
}

transparent!(Box<T>, Rc<T>, Arc<T>, &T, &mut T);

impl<T: SignatureType + ToOwned + ?Sized> SignatureType for Cow<'_, T> {
    const TYPE: TypeDescription = T::TYPE;
    const _SIGNATURE_PRIVATE_OPTIONAL: bool = T::_SIGNATURE_PRIVATE_OPTIONAL;
    const LIMIT: ValueLimit = T::LIMIT;
}

macro_rules! array {
    ($($ty:ty),* $(,)?) => {
        $(
            impl<T: SignatureType> SignatureType for $ty {
                const TYPE: TypeDescription = TypeDescription::Array(&T::TYPE);
                const LIMIT: ValueLimit = ValueLimit::items(&T::LIMIT);
            }
        )*
    };
}

array!([T], Vec<T>, VecDeque<T>, LinkedList<T>, BTreeSet<T>);

impl<T: SignatureType, const N: usize> SignatureType for [T; N] {
    const TYPE: TypeDescription = TypeDescription::Array(&T::TYPE);
    const LIMIT: ValueLimit = ValueLimit::Length {
        len: N,
        items: &T::LIMIT,
    };
}

impl<T: SignatureType, S> SignatureType for HashSet<T, S> {
    const TYPE: TypeDescription = TypeDescription::Array(&T::TYPE);
    const LIMIT: ValueLimit = ValueLimit::items(&T::LIMIT);
}

impl<T: SignatureType, S> SignatureType for indexmap::IndexSet<T, S> {
    const TYPE: TypeDescription = TypeDescription::Array(&T::TYPE);
    const LIMIT: ValueLimit = ValueLimit::items(&T::LIMIT);
}

/// A map key type MLflow's `map` accepts: a string.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a string, so this is not an MLflow `map`",
    label = "MLflow maps have string keys",
    note = "use `String` (or `&str`, `Box<str>`, `Arc<str>`, `Cow<str>`) keys"
)]
pub trait MapKey {}

impl MapKey for String {}
impl MapKey for str {}
impl MapKey for char {}
impl<T: MapKey + ?Sized> MapKey for &T {}
impl<T: MapKey + ?Sized> MapKey for Box<T> {}
impl<T: MapKey + ?Sized> MapKey for Rc<T> {}
impl<T: MapKey + ?Sized> MapKey for Arc<T> {}
impl<T: MapKey + ToOwned + ?Sized> MapKey for Cow<'_, T> {}

impl<K: MapKey, V: SignatureType, S> SignatureType for HashMap<K, V, S> {
    const TYPE: TypeDescription = TypeDescription::Map(&V::TYPE);
    const LIMIT: ValueLimit = ValueLimit::items(&V::LIMIT);
}

impl<K: MapKey, V: SignatureType> SignatureType for BTreeMap<K, V> {
    const TYPE: TypeDescription = TypeDescription::Map(&V::TYPE);
    const LIMIT: ValueLimit = ValueLimit::items(&V::LIMIT);
}

impl<K: MapKey, V: SignatureType, S> SignatureType for indexmap::IndexMap<K, V, S> {
    const TYPE: TypeDescription = TypeDescription::Map(&V::TYPE);
    const LIMIT: ValueLimit = ValueLimit::items(&V::LIMIT);
}

impl SignatureType for serde_json::Map<String, serde_json::Value> {
    const TYPE: TypeDescription = TypeDescription::Map(&TypeDescription::Any);
}
