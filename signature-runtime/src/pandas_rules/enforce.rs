//! MLflow's `_enforce_mlflow_datatype`, written once: whether MLflow takes a pandas column of a
//! given dtype as a column of an MLflow type, and what it does to the column on the way
//! (docs/mlflow-behaviour.md §5).
//!
//! Both checkers describe their columns as a [`PandasDtype`] (the JSON checker from the values
//! of a body's column, the frame checkers from the dtype pyarrow's `to_pandas` gives) and ask
//! [`enforce_datatype`]; each then words the [`Decision`] for its own report.

use super::numeric::{Numeric, NumericLeaf, numeric_leaf};
use crate::types::DataType;

/// A pandas column's dtype, as `_enforce_mlflow_datatype` looks at it.
// Categories, datetimes and dates come only from frames (features `arrow`, `polars`).
#[cfg_attr(not(any(feature = "arrow", feature = "polars")), allow(dead_code))]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PandasDtype {
    /// A column without values: every type takes it.
    Empty,
    Bool,
    /// A numpy numeric dtype: `int64`, `uint8`, `float32`, ...
    Number(Numeric),
    /// pandas 3's `str` dtype.
    Str,
    Category,
    /// `datetime64[unit]`, with the factor from the unit to nanoseconds.
    Datetime {
        to_ns: i64,
    },
    /// `datetime64[unit, tz]`.
    DatetimeTz,
    /// Python objects (`object`).
    Object(Objects),
    /// A dtype MLflow has no rule for.
    Unknown,
}

/// What an `object` column holds, as far as MLflow's steps on it tell apart: `infer_objects`
/// (numbers), `pd.to_numeric` (for `double`) and `astype("datetime64[ns]")` (for `datetime`).
#[cfg_attr(not(any(feature = "arrow", feature = "polars")), allow(dead_code))]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Objects {
    /// `None` only.
    Nones,
    /// Numbers and `None`, which `infer_objects` makes `float64`.
    Numbers,
    /// Values `pd.to_numeric` reads, which `infer_objects` leaves as objects: booleans,
    /// numeric text, integers beyond 64 bits, with numbers and `None`.
    Numeric,
    /// `datetime.date`s.
    Dates,
    /// Anything else: non-numeric text, bytes, arrays, dicts, lists.
    Other,
}

/// What MLflow does with a column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Decision {
    /// Takes it as it is: the dtype is the type's.
    AsIs,
    /// Casts it to the type's dtype, without loss (`astype`).
    Upcast,
    /// Casts it to `datetime64[ns]`: another unit, dates, or `None`s.
    ToDatetime,
    /// An `int64` column for `float` or `double`: taken, and cast, only when every value is 0
    /// or 1.
    ZeroOrOne,
    /// Hands the values on unchecked: objects (or `str`, for `binary`) for `string`,
    /// `binary` and `boolean`.
    PassedOn,
    /// Casts the objects with `pd.to_numeric`, for `double`.
    ToNumeric,
    /// Refuses it; the note says why, when there is more to say than the types.
    Refused(Option<&'static str>),
}

impl PandasDtype {
    /// pandas' name of the dtype, as messages give it.
    pub(crate) fn name(self) -> &'static str {
        match self {
            PandasDtype::Empty => "empty",
            PandasDtype::Bool => "bool",
            PandasDtype::Number(numeric) => numeric.name(),
            PandasDtype::Str => "str",
            PandasDtype::Category => "category",
            PandasDtype::Datetime { .. } => "datetime64",
            PandasDtype::DatetimeTz => "datetime64 with a timezone",
            PandasDtype::Object(_) => "object",
            PandasDtype::Unknown => "unknown",
        }
    }
}

/// The dtype MLflow enforces `to` on: `infer_objects` first turns an `object` column of numbers
/// into `float64`, except for `string` and `binary`, which take objects as they are.
pub(crate) fn inferred(to: DataType, dtype: PandasDtype) -> PandasDtype {
    match dtype {
        PandasDtype::Object(Objects::Numbers)
            if !matches!(to, DataType::String | DataType::Binary) =>
        {
            PandasDtype::Number(Numeric::Float(53))
        }
        dtype => dtype,
    }
}

/// `_enforce_mlflow_datatype` for a pandas column of dtype `dtype` and the MLflow type `to`.
pub(crate) fn enforce_datatype(to: DataType, dtype: PandasDtype) -> Decision {
    use DataType as D;
    use Decision::{AsIs, PassedOn, Refused, ToDatetime, ToNumeric, Upcast, ZeroOrOne};
    match (to, inferred(to, dtype)) {
        (_, PandasDtype::Empty) => AsIs,
        (_, PandasDtype::Category) => Refused(Some(
            "pandas reads it as a `category` column, which MLflow refuses for every type; \
             cast it to strings first",
        )),
        (D::Datetime, PandasDtype::DatetimeTz) => Refused(Some(
            "MLflow's `datetime` is timezone-naive and MLflow refuses timezone-aware columns; \
             convert the column to naive timestamps first",
        )),
        (D::String, PandasDtype::Str) | (D::Boolean, PandasDtype::Bool) => AsIs,
        (D::Binary, PandasDtype::Str) => PassedOn,
        (D::String | D::Binary | D::Boolean, PandasDtype::Object(_)) => PassedOn,
        (D::Double, PandasDtype::Object(Objects::Nones | Objects::Numeric)) => ToNumeric,
        (D::Datetime, PandasDtype::Object(Objects::Nones | Objects::Dates)) => ToDatetime,
        (D::Datetime, PandasDtype::Datetime { to_ns: 1 }) => AsIs,
        (D::Datetime, PandasDtype::Datetime { .. }) => ToDatetime,
        (_, PandasDtype::Number(Numeric::Int(false, 64))) => {
            Refused(Some("MLflow refuses uint64 columns for every type"))
        }
        (D::Float | D::Double, PandasDtype::Number(Numeric::Int(true, 64))) => ZeroOrOne,
        (_, PandasDtype::Number(numeric)) => match numeric_leaf(to, Some(numeric)) {
            Some(NumericLeaf::AsIs) => AsIs,
            Some(NumericLeaf::Widen) => Upcast,
            Some(NumericLeaf::Refused(note)) => Refused(note),
            Some(NumericLeaf::U64ToI64) | None => Refused(None),
        },
        _ => Refused(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_of_numbers_are_float64_but_for_text_types() {
        let numbers = PandasDtype::Object(Objects::Numbers);
        for to in DataType::ALL {
            let expected = match to {
                DataType::String | DataType::Binary => numbers,
                _ => PandasDtype::Number(Numeric::Float(53)),
            };
            assert_eq!(inferred(to, numbers), expected, "{to:?}");
            assert_eq!(
                enforce_datatype(to, numbers),
                enforce_datatype(to, expected),
                "{to:?}"
            );
        }
    }

    #[test]
    fn each_type_takes_its_own_dtype_as_it_is() {
        let own = |to| match to {
            DataType::Boolean => PandasDtype::Bool,
            DataType::String => PandasDtype::Str,
            DataType::Datetime => PandasDtype::Datetime { to_ns: 1 },
            // `binary` has no pandas dtype of its own: bytes are objects.
            DataType::Binary => PandasDtype::Object(Objects::Other),
            to => PandasDtype::Number(Numeric::of(to).unwrap()),
        };
        for to in DataType::ALL {
            let expected = if to == DataType::Binary {
                Decision::PassedOn
            } else {
                Decision::AsIs
            };
            assert_eq!(enforce_datatype(to, own(to)), expected, "{to:?}");
            assert_eq!(enforce_datatype(to, PandasDtype::Empty), Decision::AsIs);
            assert!(matches!(
                enforce_datatype(to, PandasDtype::Category),
                Decision::Refused(Some(_))
            ));
            assert!(matches!(
                enforce_datatype(to, PandasDtype::Number(Numeric::Int(false, 64))),
                Decision::Refused(Some(_))
            ));
        }
    }

    #[test]
    fn integers_reach_floats_only_by_the_zero_or_one_rule_or_a_lossless_upcast() {
        let int = |bits| PandasDtype::Number(Numeric::Int(true, bits));
        assert_eq!(
            enforce_datatype(DataType::Double, int(64)),
            Decision::ZeroOrOne
        );
        assert_eq!(
            enforce_datatype(DataType::Float, int(64)),
            Decision::ZeroOrOne
        );
        assert_eq!(
            enforce_datatype(DataType::Double, int(32)),
            Decision::Upcast
        );
        assert!(matches!(
            enforce_datatype(DataType::Float, int(32)),
            Decision::Refused(Some(_))
        ));
        assert!(matches!(
            enforce_datatype(DataType::Integer, int(64)),
            Decision::Refused(Some(_))
        ));
        assert_eq!(enforce_datatype(DataType::Long, int(8)), Decision::Upcast);
    }
}
