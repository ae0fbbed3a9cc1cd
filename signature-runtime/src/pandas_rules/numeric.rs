//! The numeric rules: which numeric columns a numeric MLflow type takes as they are, through a
//! lossless widening, or not at all, as MLflow's enforcement and the Strict frame checks decide.
//! Each frame engine maps its own dtypes to [`Numeric`]; the decisions are made here once.

use crate::types::DataType;

/// A numeric dtype, whatever the engine: an integer's signedness and bits, or a float's
/// mantissa bits (11 for half, 24 for single, 53 for double precision).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Numeric {
    Int(bool, u32),
    Float(u32),
}

impl Numeric {
    /// The dtype a numeric MLflow type is held in, `None` for the other types.
    pub(crate) fn of(to: DataType) -> Option<Numeric> {
        match to {
            DataType::Integer => Some(Numeric::Int(true, 32)),
            DataType::Long => Some(Numeric::Int(true, 64)),
            DataType::Float => Some(Numeric::Float(24)),
            DataType::Double => Some(Numeric::Float(53)),
            _ => None,
        }
    }

    /// numpy's name of the dtype.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Numeric::Int(true, 8) => "int8",
            Numeric::Int(true, 16) => "int16",
            Numeric::Int(true, 32) => "int32",
            Numeric::Int(true, 64) => "int64",
            Numeric::Int(false, 8) => "uint8",
            Numeric::Int(false, 16) => "uint16",
            Numeric::Int(false, 32) => "uint32",
            Numeric::Int(false, 64) => "uint64",
            Numeric::Float(11) => "float16",
            Numeric::Float(24) => "float32",
            Numeric::Float(53) => "float64",
            Numeric::Int(..) | Numeric::Float(_) => "number",
        }
    }

    /// Whether every value of `self` is exactly a value of `to`.
    pub(crate) fn fits_losslessly(self, to: Numeric) -> bool {
        match (self, to) {
            (Numeric::Int(fs, fb), Numeric::Int(ts, tb)) => {
                (fs == ts && tb >= fb) || (!fs && ts && tb > fb)
            }
            (Numeric::Int(signed, bits), Numeric::Float(mantissa)) => {
                bits - u32::from(signed) <= mantissa
            }
            (Numeric::Float(f), Numeric::Float(t)) => t >= f,
            (Numeric::Float(_), Numeric::Int(..)) => false,
        }
    }
}

/// What a column needs to become a numeric MLflow type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum NumericLeaf {
    /// Nothing: the column already has the type's dtype.
    AsIs,
    /// Unsigned 64-bit values checked to fit `long`, then reinterpreted.
    U64ToI64,
    /// A lossless widening to the type's dtype.
    Widen,
    /// Not at all; the note says why, when there is more to say than the types.
    Refused(Option<&'static str>),
}

/// How a column of dtype `from` (`None`: not numeric) becomes `to`; `None` when `to` is not a
/// numeric type.
pub(crate) fn numeric_leaf(to: DataType, from: Option<Numeric>) -> Option<NumericLeaf> {
    let target = Numeric::of(to)?;
    Some(match from {
        Some(from) if from == target => NumericLeaf::AsIs,
        Some(Numeric::Int(false, 64)) if to == DataType::Long => NumericLeaf::U64ToI64,
        // MLflow widens no integer to `float`, however small.
        Some(Numeric::Int(..)) if to == DataType::Float => {
            NumericLeaf::Refused(Some("MLflow converts no integer type to `float`"))
        }
        Some(from) if from.fits_losslessly(target) => NumericLeaf::Widen,
        from => NumericLeaf::Refused(refusal_note(to, from)),
    })
}

fn refusal_note(to: DataType, from: Option<Numeric>) -> Option<&'static str> {
    match (to, from?) {
        (DataType::Integer, Numeric::Int(..)) => {
            Some("its values may not fit in `integer` (32 bits); declare the column `long`")
        }
        (DataType::Long, Numeric::Int(..)) => Some("its values may not fit in `long` (64 bits)"),
        (DataType::Integer | DataType::Long, Numeric::Float(_)) => {
            Some("converting floats to integers loses the fractions and NaN; MLflow refuses it too")
        }
        (DataType::Float, Numeric::Float(_)) => {
            Some("a `float` (32 bits) cannot hold every Float64; declare the column `double`")
        }
        _ => Some("not every 64-bit integer is exactly a `double`; MLflow refuses it too"),
    }
}
