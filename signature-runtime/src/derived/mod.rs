//! Schemas derived from Rust types: `#[derive(Signature)]`, `#[derive(Params)]` and the traits
//! they implement.
//!
//! - [`Signature`]: a struct whose fields are a model's columns (or tensors). Its schema is
//!   described by a `const` [`Description`] built at compile time; [`Signature::schema`] turns
//!   it into a [`Schema`].
//! - [`SignatureType`]: a Rust type that is one MLflow column type (`f64` is `double`,
//!   `Vec<T>` an `array`, a struct deriving `Signature` an `object`, ...).
//! - [`TensorType`]: a Rust type that is a tensor (nested `Vec`s and arrays of numbers).
//! - [`Params`] and [`ParamFieldType`]: a struct whose fields are inference parameters.
//!
//! Whole signatures come from [`ModelSignature::of`](crate::ModelSignature::of) and
//! [`ModelSignature::with_params`](crate::ModelSignature::with_params).
//!
//! # Type mapping
//!
//! | Rust | MLflow |
//! |---|---|
//! | `bool` | `boolean` |
//! | `i8`, `i16`, `i32`, `u8`, `u16` | `integer` |
//! | `i64`, `isize`, `u32` | `long` |
//! | `u64`, `usize`, `i128`, `u128` | none: give `#[signature(dtype = "long")]` |
//! | `f32` / `f64` | `float` / `double` |
//! | `String`, `str`, `char` (through `&`, `Box`, `Arc`, `Rc`, `Cow`) | `string` |
//! | `serde_bytes::ByteBuf`/`Bytes`, `bytes::Bytes`/`BytesMut` (features) | `binary` |
//! | chrono `NaiveDateTime`, `DateTime<Tz>`, `NaiveDate` (feature `chrono`), `time` types (feature `time`) | `datetime` |
//! | `Option<T>` | `T`, not required |
//! | `Vec<T>`, `[T; N]`, `[T]`, `VecDeque<T>`, `HashSet<T>`, `BTreeSet<T>`, `IndexSet<T>` | `array` of `T` (so `Vec<u8>` is `array<integer>`, as serde writes it) |
//! | `HashMap<K, V>`, `BTreeMap<K, V>`, `IndexMap<K, V>` with string keys | `map` of `V` |
//! | a struct deriving `Signature` | `object` |
//! | a field-less enum deriving `Signature` | `string` |
//! | `serde_json::Value` | `any` |
//! | `Box<T>`, `Arc<T>`, `Rc<T>`, `&T`, `Cow<T>` | `T` |

mod description;
mod impls;
mod params;
mod tensor;

use crate::types::{ModelSignature, Schema};

pub use description::{
    ColumnDescription, Description, Entry, TensorDescription, TypeDescription, View,
};
pub use impls::MapKey;
pub use params::{ParamFieldType, Params};
pub use tensor::TensorType;

/// A Rust type whose fields are a model's inputs or outputs: implemented by
/// `#[derive(Signature)]`.
///
/// The schema is a `const` ([`Signature::DESCRIPTION`]) computed by the compiler, so it costs
/// nothing at run time, can be read in `const` contexts, and is checked while compiling
/// (repeated column names, columns mixed with tensors, drift against a committed signature).
///
/// ```
/// use signature_runtime::Signature;
///
/// #[derive(Signature)]
/// struct HouseFeatures {
///     sqft: f64,
///     bedrooms: i64,
/// }
///
/// assert_eq!(
///     HouseFeatures::schema().to_json(),
///     r#"[{"type": "double", "name": "sqft", "required": true}, {"type": "long", "name": "bedrooms", "required": true}]"#
/// );
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` does not implement `Signature`",
    label = "not a `#[derive(Signature)]` struct",
    note = "model inputs, outputs and `#[serde(flatten)]` fields need a struct with `#[derive(Signature)]`"
)]
pub trait Signature {
    /// The schema, both ways, as the compiler built it.
    const DESCRIPTION: Description;

    #[doc(hidden)]
    /// Whether the derive checked [`Signature::DESCRIPTION`] where the type is defined (a type
    /// without type parameters), so that uses need not check it again. Not public API.
    const _SIGNATURE_PRIVATE_CHECKED: bool = false;

    /// The schema of this type read as a model input: serde's deserialize view (a field with a
    /// `#[serde(default)]` is optional; `skip_deserializing` fields are left out).
    fn input_schema() -> Schema {
        const { __private_assert_valid::<Self>() };
        Self::DESCRIPTION.schema(View::Input)
    }

    /// The schema of this type written as a model output: serde's serialize view (a field with
    /// `skip_serializing_if` is optional; `skip_serializing` fields are left out).
    fn output_schema() -> Schema {
        const { __private_assert_valid::<Self>() };
        Self::DESCRIPTION.schema(View::Output)
    }

    /// The schema of this type as a model input, [`Signature::input_schema`]; the two views
    /// differ only when serde attributes differ by direction.
    fn schema() -> Schema {
        Self::input_schema()
    }
}

/// Panics (at compile time, where it is used) if a description breaks one of MLflow's schema
/// rules; the derive checks the same for non-generic types right where they are defined.
const fn __private_assert_valid<T: Signature + ?Sized>() {
    if T::_SIGNATURE_PRIVATE_CHECKED {
        return;
    }
    let message = crate::__private::validate(&T::DESCRIPTION, true);
    if !message.is_empty() {
        panic!("{}", message.as_str());
    }
}

/// A Rust type that is one MLflow column type.
///
/// Implemented here for the standard types (see the [module docs](self) for the table) and by
/// `#[derive(Signature)]` for structs (an `object`) and field-less enums (a `string`).
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no MLflow column type",
    label = "no MLflow column type for this field",
    note = "MLflow's integers are `integer` (32 bits) and `long` (64 bits): `u64`, `usize`, `i128` \
            and `u128` do not fit them",
    note = "set the column type with `#[signature(dtype = \"long\")]` (or `\"string\"`, ...), \
            derive `Signature` for the type, or skip the field with `#[signature(skip)]`"
)]
pub trait SignatureType {
    /// The column type, as the compiler built it.
    const TYPE: TypeDescription;

    #[doc(hidden)]
    /// Whether a column of this type may be absent (`Option<T>`). Not public API.
    const _SIGNATURE_PRIVATE_OPTIONAL: bool = false;
}

impl ModelSignature {
    /// The signature of a model taking `In` and returning `Out`: `In`'s input schema and
    /// `Out`'s output schema.
    ///
    /// ```
    /// use signature_runtime::{ModelSignature, Signature};
    ///
    /// #[derive(Signature)]
    /// struct HouseFeatures {
    ///     sqft: f64,
    ///     bedrooms: i64,
    /// }
    ///
    /// #[derive(Signature)]
    /// struct Prediction {
    ///     price: f64,
    /// }
    ///
    /// let signature = ModelSignature::of::<HouseFeatures, Prediction>();
    /// assert_eq!(
    ///     signature.to_dict().outputs.as_deref(),
    ///     Some(r#"[{"type": "double", "name": "price", "required": true}]"#)
    /// );
    /// ```
    pub fn of<In: Signature, Out: Signature>() -> ModelSignature {
        ModelSignature::new(Some(In::input_schema()), Some(Out::output_schema()), None)
            .expect("inputs and outputs are given")
    }

    /// The signature of a model taking `In`, returning `Out` and accepting the parameters `P`.
    pub fn with_params<In: Signature, Out: Signature, P: Params>() -> ModelSignature {
        ModelSignature::new(
            Some(In::input_schema()),
            Some(Out::output_schema()),
            Some(P::param_schema()),
        )
        .expect("inputs and outputs are given")
    }
}
