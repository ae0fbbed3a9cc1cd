//! The rules for one scalar value: which JSON a scalar type or tensor dtype accepts. The text
//! checks they use (base64, ISO-8601) live with what they check: [`crate::pandas_rules::base64`]
//! and [`crate::types::datetime`].

use super::scanner::{IntValue, NumToken};
use crate::pandas_rules::values::Val;
use crate::types::{DataType, NumpyDtype};

// Where the JSON checker's files have always found them.
pub(crate) use crate::pandas_rules::base64::{base64_decode, is_base64};
pub(crate) use crate::types::datetime::{DatetimeMisfit, check_naive_datetime};

/// What a scalar place accepts.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Leaf {
    Bool,
    /// An integer in `min..=max`.
    Int {
        min: i64,
        max: u64,
    },
    /// A number; integers only if `mantissa_bits` hold them exactly; at most `max` in size.
    Float {
        mantissa_bits: u32,
        max: f64,
    },
    Str,
    Base64,
    /// A timezone-naive ISO-8601 timestamp (datetime columns, `datetime64` tensors).
    Datetime,
    /// What `np.datetime64(value).item()` turns into a Python date or datetime (params).
    ParamDatetime,
    Any,
}

/// A [`Leaf`] and the type name messages use for it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct LeafSpec {
    pub(crate) leaf: Leaf,
    pub(crate) name: &'static str,
}

const I32: Leaf = Leaf::Int {
    min: i32::MIN as i64,
    max: i32::MAX as u64,
};
const I64: Leaf = Leaf::Int {
    min: i64::MIN,
    max: i64::MAX as u64,
};
const F32: Leaf = Leaf::Float {
    mantissa_bits: 24,
    max: f32::MAX as f64, // lossless: every f32 is an f64
};
const F64: Leaf = Leaf::Float {
    mantissa_bits: 53,
    max: f64::MAX,
};

impl LeafSpec {
    pub(crate) fn column(t: DataType) -> LeafSpec {
        let leaf = match t {
            DataType::Boolean => Leaf::Bool,
            DataType::Integer => I32,
            DataType::Long => I64,
            DataType::Float => F32,
            DataType::Double => F64,
            DataType::String => Leaf::Str,
            DataType::Binary => Leaf::Base64,
            DataType::Datetime => Leaf::Datetime,
        };
        LeafSpec {
            leaf,
            name: t.name(),
        }
    }

    pub(crate) fn param(t: DataType) -> LeafSpec {
        let mut spec = LeafSpec::column(t);
        if t == DataType::Datetime {
            spec.leaf = Leaf::ParamDatetime;
        }
        spec
    }

    pub(crate) fn tensor(dtype: &NumpyDtype) -> LeafSpec {
        let int = |min: i64, max: u64| Leaf::Int { min, max };
        let (leaf, name) = match dtype {
            NumpyDtype::Bool => (Leaf::Bool, "bool"),
            NumpyDtype::Int8 => (int(i8::MIN.into(), 127), "int8"),
            NumpyDtype::Int16 => (int(i16::MIN.into(), 32_767), "int16"),
            NumpyDtype::Int32 => (I32, "int32"),
            NumpyDtype::Int64 => (I64, "int64"),
            NumpyDtype::UInt8 => (int(0, u8::MAX.into()), "uint8"),
            NumpyDtype::UInt16 => (int(0, u16::MAX.into()), "uint16"),
            NumpyDtype::UInt32 => (int(0, u32::MAX.into()), "uint32"),
            NumpyDtype::UInt64 => (int(0, u64::MAX), "uint64"),
            NumpyDtype::Float16 => (
                Leaf::Float {
                    mantissa_bits: 11,
                    max: 65504.0,
                },
                "float16",
            ),
            NumpyDtype::Float32 => (F32, "float32"),
            NumpyDtype::Float64 => (F64, "float64"),
            NumpyDtype::Float128 => (F64, "float128"),
            NumpyDtype::Complex64 => (F32, "complex64"),
            NumpyDtype::Complex128 => (F64, "complex128"),
            NumpyDtype::Complex256 => (F64, "complex256"),
            NumpyDtype::Object => (Leaf::Any, "object"),
            NumpyDtype::Str => (Leaf::Str, "str"),
            NumpyDtype::Bytes => (Leaf::Str, "bytes"),
            NumpyDtype::Datetime64(_) => (Leaf::Datetime, "datetime64"),
            NumpyDtype::Timedelta64(_) => (I64, "timedelta64"),
        };
        LeafSpec { leaf, name }
    }

    /// What the place expects, for the report's `expected`.
    pub(crate) fn expected(self) -> String {
        let name = self.name;
        match self.leaf {
            Leaf::Bool => format!("{name} (true or false)"),
            Leaf::Int { min, max } => format!("{name} (an integer from {min} to {max})"),
            Leaf::Float { .. } => format!("{name} (a number)"),
            Leaf::Str => format!("{name} (a string)"),
            Leaf::Base64 => format!("{name} (a base64 string)"),
            Leaf::Datetime => {
                format!("{name} (an ISO-8601 date or timestamp string, without timezone)")
            }
            Leaf::ParamDatetime => format!("{name} (an ISO-8601 date or timestamp string)"),
            Leaf::Any => format!("{name} (any value)"),
        }
    }
}

/// Why a number does not fit a numeric leaf.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum NumberMisfit {
    /// A float (or `-0`) where an integer belongs.
    NotAnInteger,
    OutOfRange,
    /// An integer the float type cannot hold exactly.
    Inexact,
}

/// Whether `number` fits an `Int` leaf.
#[inline]
pub(crate) fn int_fits(number: &NumToken, min: i64, max: u64) -> Result<(), NumberMisfit> {
    match number.as_integer() {
        Some(value) if value.fits(min, max) => Ok(()),
        Some(_) => Err(NumberMisfit::OutOfRange),
        // Digits only, but beyond i64/u64 (serde_json would read a float): too big.
        None if number.integral && number.magnitude.is_none() => Err(NumberMisfit::OutOfRange),
        None if number.integral && number.negative && number.magnitude != Some(0) => {
            Err(NumberMisfit::OutOfRange)
        }
        None => Err(NumberMisfit::NotAnInteger),
    }
}

/// Whether `number` (whose text is `text`) fits a `Float` leaf.
#[inline]
pub(crate) fn float_fits(
    number: &NumToken,
    text: &[u8],
    mantissa_bits: u32,
    max: f64,
) -> Result<(), NumberMisfit> {
    if number.integral {
        if let Some(magnitude) = number.magnitude {
            // The common case, decided without parsing: the sign does not change exactness.
            #[allow(clippy::cast_precision_loss)]
            if magnitude as f64 > max {
                return Err(NumberMisfit::OutOfRange);
            }
            return if IntValue::Positive(magnitude).exact_in_float(mantissa_bits) {
                Ok(())
            } else {
                Err(NumberMisfit::Inexact)
            };
        }
    } else {
        if !number.has_exponent && number.int_digits <= safe_int_digits(max) {
            return Ok(());
        }
    }
    let value: f64 = std::str::from_utf8(text)
        .ok()
        .and_then(|t| t.parse().ok())
        .unwrap_or(f64::INFINITY);
    if !finite_in(value, max) {
        return Err(NumberMisfit::OutOfRange);
    }
    if number.integral {
        // An integer beyond u64: exact only if the float's exact value has the same digits.
        let digits = text.strip_prefix(b"-").unwrap_or(text);
        let exact = format!("{:.0}", value.abs());
        #[allow(clippy::cast_possible_truncation)]
        let fits_narrow = mantissa_bits >= 53 || f64::from(value as f32) == value;
        if exact.as_bytes() != digits || !fits_narrow {
            return Err(NumberMisfit::Inexact);
        }
    }
    Ok(())
}

/// How many digits the integer part of a number without an exponent may have and stay below
/// the maximum `max` of a float type, whatever its fraction.
#[inline]
pub(crate) fn safe_int_digits(max: f64) -> usize {
    if max >= f64::MAX {
        308
    } else if max >= f64::from(f32::MAX) {
        38
    } else {
        4
    }
}

/// Whether `value` stays finite once rounded to the float type whose maximum is `max`.
fn finite_in(value: f64, max: f64) -> bool {
    if max >= f64::MAX {
        value.is_finite()
    } else if max >= f64::from(f32::MAX) {
        #[allow(clippy::cast_possible_truncation)]
        let narrow = value as f32;
        narrow.is_finite()
    } else {
        // float16 rounds to nearest: anything below 65520 becomes at most 65504.
        value.abs() < 65520.0
    }
}

impl Val {
    /// The value of a number token whose text is `text`.
    pub(crate) fn number(token: &NumToken, text: &[u8]) -> Val {
        if token.integral {
            return Val::Int(token.magnitude.map(|m| {
                let m = i128::from(m);
                if token.negative { -m } else { m }
            }));
        }
        let value = std::str::from_utf8(text)
            .ok()
            .and_then(|t| t.parse::<f64>().ok())
            .unwrap_or(f64::INFINITY);
        Val::Float(value)
    }
}

/// Kept for tests of [`IntValue`] ranges through the leaf constants.
#[cfg(test)]
pub(crate) fn leaf_int_range(leaf: Leaf) -> Option<(i64, u64)> {
    match leaf {
        Leaf::Int { min, max } => Some((min, max)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::super::scanner::Scanner;
    use super::*;

    fn number(text: &str) -> NumToken {
        Scanner::new(text.as_bytes()).number().unwrap()
    }

    fn int(text: &str, t: DataType) -> Result<(), NumberMisfit> {
        let (min, max) = leaf_int_range(LeafSpec::column(t).leaf).unwrap();
        int_fits(&number(text), min, max)
    }

    fn float(text: &str, t: DataType) -> Result<(), NumberMisfit> {
        let Leaf::Float { mantissa_bits, max } = LeafSpec::column(t).leaf else {
            panic!("not a float type")
        };
        float_fits(&number(text), text.as_bytes(), mantissa_bits, max)
    }

    #[test]
    fn integers_are_range_checked_never_wrapped() {
        use NumberMisfit::*;
        assert_eq!(int("2147483647", DataType::Integer), Ok(()));
        assert_eq!(int("-2147483648", DataType::Integer), Ok(()));
        assert_eq!(int("2147483648", DataType::Integer), Err(OutOfRange));
        assert_eq!(int("-2147483649", DataType::Integer), Err(OutOfRange));
        assert_eq!(int("9223372036854775807", DataType::Long), Ok(()));
        assert_eq!(int("9223372036854775808", DataType::Long), Err(OutOfRange));
        assert_eq!(int("-9223372036854775808", DataType::Long), Ok(()));
        assert_eq!(int("-9223372036854775809", DataType::Long), Err(OutOfRange));
        assert_eq!(
            int("99999999999999999999999", DataType::Long),
            Err(OutOfRange)
        );
        assert_eq!(int("2.0", DataType::Long), Err(NotAnInteger));
        assert_eq!(int("1e3", DataType::Long), Err(NotAnInteger));
        assert_eq!(int("-0", DataType::Long), Err(NotAnInteger));
        assert_eq!(int("0", DataType::Long), Ok(()));
        assert!(
            !IntValue::Negative(5).fits(0, 10),
            "no negatives for unsigned"
        );
    }

    #[test]
    fn floats_take_exact_integers_and_finite_numbers() {
        use NumberMisfit::*;
        assert_eq!(float("9007199254740992", DataType::Double), Ok(()));
        assert_eq!(float("9007199254740993", DataType::Double), Err(Inexact));
        assert_eq!(float("16777216", DataType::Float), Ok(()));
        assert_eq!(float("16777217", DataType::Float), Err(Inexact));
        assert_eq!(float("100000000000000000000", DataType::Double), Ok(()));
        assert_eq!(
            float("100000000000000000001", DataType::Double),
            Err(Inexact)
        );
        assert_eq!(float("1.5", DataType::Double), Ok(()));
        assert_eq!(float("-0", DataType::Double), Ok(()));
        assert_eq!(float("1e308", DataType::Double), Ok(()));
        assert_eq!(float("1e400", DataType::Double), Err(OutOfRange));
        assert_eq!(float("-1e400", DataType::Double), Err(OutOfRange));
        assert_eq!(float("1e-400", DataType::Double), Ok(()));
        assert_eq!(float("3.4e38", DataType::Float), Ok(()));
        assert_eq!(float("1e39", DataType::Float), Err(OutOfRange));
        assert_eq!(float(&"9".repeat(400), DataType::Double), Err(OutOfRange));
    }
}
