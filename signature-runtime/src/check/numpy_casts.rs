//! What numpy makes of the JSON values of a tensor, for the MLflow modes (spec §5.8, §6.3):
//! the scoring server's `np.array(values, dtype=spec.dtype)` cast of each element, and the
//! dtype `np.array(values)` infers when `pyfunc.predict` gets the tensor uncast, which must
//! then equal the spec's dtype exactly.

use super::mlflow::{
    Series, Val, Verdict, article, python_float, python_int, serving_numpy, short, truthy,
};
use crate::types::{DataType, NumpyDtype};

/// The range of an integer dtype, as numpy checks Python integers against it.
fn int_range(dtype: &NumpyDtype) -> Option<(i128, i128)> {
    Some(match dtype {
        NumpyDtype::Int8 => (i8::MIN.into(), i8::MAX.into()),
        NumpyDtype::Int16 => (i16::MIN.into(), i16::MAX.into()),
        NumpyDtype::Int32 => (i32::MIN.into(), i32::MAX.into()),
        NumpyDtype::Int64 | NumpyDtype::Timedelta64(_) => (i64::MIN.into(), i64::MAX.into()),
        NumpyDtype::UInt8 => (0, u8::MAX.into()),
        NumpyDtype::UInt16 => (0, u16::MAX.into()),
        NumpyDtype::UInt32 => (0, u32::MAX.into()),
        NumpyDtype::UInt64 => (0, u64::MAX.into()),
        _ => return None,
    })
}

/// The mantissa bits and the largest finite value of a float (or complex) dtype.
fn float_limits(dtype: &NumpyDtype) -> Option<(u32, f64)> {
    Some(match dtype {
        NumpyDtype::Float16 => (11, 65504.0),
        NumpyDtype::Float32 | NumpyDtype::Complex64 => (24, f64::from(f32::MAX)),
        NumpyDtype::Float64
        | NumpyDtype::Float128
        | NumpyDtype::Complex128
        | NumpyDtype::Complex256 => (53, f64::MAX),
        _ => return None,
    })
}

/// `np.array([value], dtype)` for one element of a tensor: kept, changed (how), or refused.
pub(crate) fn tensor_cast(dtype: &NumpyDtype, v: &Val) -> Verdict {
    use Verdict::{Changed, Keep, Refused};
    let name = dtype.name();
    if let Some((min, max)) = int_range(dtype) {
        // numpy goes through Python's `int()`, then checks the dtype's bounds.
        let (value, change) = match v {
            Val::Int(Some(x)) => (*x, None),
            Val::Int(None) => return Refused(format!("the integer is out of bounds for {name}")),
            Val::Float(f) if !f.is_finite() => {
                return Refused(format!("numpy cannot cast a non-finite float to {name}"));
            }
            // Beyond ±2^127 is beyond every integer dtype: the bounds check below refuses it.
            Val::Float(f) => (
                f.trunc().clamp(-1.7e38, 1.7e38) as i128,
                (f.fract() != 0.0).then(|| format!("numpy truncates {f} to {}", f.trunc())),
            ),
            Val::Bool(b) => (
                i128::from(*b),
                Some(format!("numpy casts {b} to {}", u8::from(*b))),
            ),
            Val::Str(s) => match python_int(s) {
                Some(x) => (
                    x,
                    Some(format!(
                        "numpy casts the string {} to the number {x}",
                        short(s)
                    )),
                ),
                None => {
                    return Refused(format!(
                        "numpy cannot read the string {} as an integer",
                        short(s)
                    ));
                }
            },
            Val::Null => return Refused(format!("numpy cannot cast null to {name}")),
            Val::List | Val::Dict => {
                return Refused(format!("numpy cannot cast {} to {name}", article(v)));
            }
        };
        return if !(min..=max).contains(&value) {
            Refused(format!("{value} is out of bounds for {name}"))
        } else {
            change.map_or(Keep, Changed)
        };
    }
    if let Some((bits, max)) = float_limits(dtype) {
        return match v {
            Val::Int(Some(x)) if x.unsigned_abs() as f64 > max => {
                Changed(format!("numpy turns {x} into infinity ({name})"))
            }
            Val::Int(Some(x)) if x.unsigned_abs() <= 1u128 << bits => Keep,
            Val::Int(_) => Changed(format!("numpy rounds the integer to the nearest {name}")),
            Val::Float(f) if !f.is_finite() || f.abs() > max => {
                Changed(format!("numpy turns the number into infinity ({name})"))
            }
            Val::Float(_) => Keep,
            Val::Bool(b) => Changed(format!("numpy casts {b} to {}", u8::from(*b))),
            Val::Str(s) if python_float(s).is_some() => {
                Changed(format!("numpy casts the string {} to a number", short(s)))
            }
            Val::Str(s) => Refused(format!(
                "numpy cannot read the string {} as a number",
                short(s)
            )),
            Val::Null => Changed("numpy turns null into NaN".to_owned()),
            Val::List | Val::Dict => Refused(format!("numpy cannot cast {} to {name}", article(v))),
        };
    }
    match dtype {
        NumpyDtype::Bool => match v {
            Val::Bool(_) => Keep,
            other => Changed(format!(
                "numpy casts the {} to a boolean by truthiness (it becomes {})",
                other.kind(),
                truthy(other)
            )),
        },
        NumpyDtype::Str => match v {
            Val::Str(_) => Keep,
            other => Changed(format!(
                "numpy turns the {} into its Python text",
                other.kind()
            )),
        },
        NumpyDtype::Bytes => match v {
            Val::Str(s) if s.is_ascii() => Keep,
            Val::Str(_) => Refused("numpy cannot encode non-ASCII text as bytes".to_owned()),
            other => Changed(format!(
                "numpy turns the {} into its Python text as bytes",
                other.kind()
            )),
        },
        NumpyDtype::Datetime64(_) => match v {
            Val::Bool(b) => Changed(format!("numpy reads {b} as {} ns since 1970", u8::from(*b))),
            other => serving_numpy(DataType::Datetime, other),
        },
        _ => Keep,
    }
}

impl Series {
    /// The dtype numpy infers for an array of these values (`np.array(values)`); with
    /// `pandas_nulls`, the dtype a pandas column of them has, where nulls among numbers are
    /// NaN.
    pub(crate) fn array_dtype(&self, pandas_nulls: bool) -> &'static str {
        let (n, nulls) = (self.n, self.nulls);
        if n == 0 {
            return "float64";
        }
        if self.others > 0 || nulls == n {
            return "object";
        }
        if nulls > 0 {
            let numbers_only = self.strs == 0 && self.bools == 0;
            return if pandas_nulls && numbers_only {
                "float64"
            } else {
                "object"
            };
        }
        if self.strs > 0 {
            return "str";
        }
        if self.floats > 0 {
            return "float64";
        }
        if self.ints > 0 {
            return if self.beyond_u64 || self.below_i64 || (self.beyond_i64 && self.negative) {
                "object"
            } else if self.beyond_i64 {
                "uint64"
            } else {
                "int64"
            };
        }
        "bool"
    }
}
