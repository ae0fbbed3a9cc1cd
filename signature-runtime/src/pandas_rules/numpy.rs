//! What numpy makes of the JSON values of a tensor, for the MLflow modes (docs/mlflow-behaviour.md
//! §8, §9): the scoring server's `np.array(values, dtype=spec.dtype)` cast of each element, and the
//! dtype `np.array(values)` infers when `pyfunc.predict` gets the tensor uncast, which must then
//! equal the spec's dtype exactly. For a frame column, also the cast of each value's text (what a
//! column of text goes through) and the scoring server's pandas cast of a value. The rules were
//! measured with numpy 2.4 and pandas 3.1 (see the tests below).

use super::values::{Series, Val, Verdict, article, python_float, python_int, short, truthy};
use crate::types::datetime::{DatetimeText, is_c_space, numpy_datetime_text};
use crate::types::{NumpyDtype, TensorSpec};

/// The range of an integer dtype, as numpy checks Python integers against it.
fn int_range(dtype: &NumpyDtype) -> Option<(i128, i128)> {
    Some(match dtype {
        NumpyDtype::Int8 => (i8::MIN.into(), i8::MAX.into()),
        NumpyDtype::Int16 => (i16::MIN.into(), i16::MAX.into()),
        NumpyDtype::Int32 => (i32::MIN.into(), i32::MAX.into()),
        NumpyDtype::Int64 => (i64::MIN.into(), i64::MAX.into()),
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

/// Whether MLflow lets any value through a tensor of `spec`: `_enforce_tensor_spec` returns
/// whatever array it is given at once for dtype `object` and shape `(-1,)`, before any shape or
/// dtype check, and `_reshape_and_cast_pandas_column_values` reaches it for a frame column.
/// The one home of this rule: the JSON checker, the frame planner and the evolution probes ask
/// here.
pub(crate) fn tensor_takes_anything(spec: &TensorSpec) -> bool {
    *spec.dtype() == NumpyDtype::Object && spec.shape() == [-1]
}

/// `np.array([value], dtype)` for one element of a tensor: kept, changed (how), or refused.
/// numpy converts each Python value on its own here, which is what the scoring server's
/// `np.array(values, dtype=spec.dtype)` does to `inputs` and `instances`.
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
        let complex = matches!(
            dtype,
            NumpyDtype::Complex64 | NumpyDtype::Complex128 | NumpyDtype::Complex256
        );
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
            // A complex dtype reads text with Python's `complex()`, which takes `1+2j` too.
            Val::Str(s) if complex && python_complex(s) => {
                Changed(format!("numpy casts the string {} to a number", short(s)))
            }
            Val::Str(s) if !complex && python_float(s).is_some() => {
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
        NumpyDtype::Datetime64(unit) => datetime_cast(unit.as_deref(), v),
        NumpyDtype::Timedelta64(_) => timedelta_cast(v),
        _ => Keep,
    }
}

/// How messages name a datetime64 or timedelta64 unit: `ns`, or `units` for the generic one.
fn unit_name(unit: Option<&str>) -> String {
    unit.map_or_else(|| "units".to_owned(), |u| format!("{u} units"))
}

/// numpy's element cast to `datetime64[unit]`.
fn datetime_cast(unit: Option<&str>, v: &Val) -> Verdict {
    use Verdict::{Changed, Keep, Refused};
    let units = unit_name(unit);
    match v {
        Val::Null => Keep,
        Val::Bool(b) => Changed(format!(
            "numpy reads {b} as {} {units} since 1970",
            u8::from(*b)
        )),
        Val::Int(Some(x)) if i64::try_from(*x).is_ok() => {
            Changed(format!("numpy reads the integer as {units} since 1970"))
        }
        Val::Int(_) => Refused("the integer is beyond numpy's 64-bit datetime range".to_owned()),
        Val::Float(_) => Refused("numpy casts no float to a datetime64 element".to_owned()),
        Val::Str(s) => match numpy_datetime_text(s) {
            Some(DatetimeText::NaT) => Changed(format!("numpy reads {} as NaT", short(s))),
            Some(DatetimeText::Clock) => Changed(format!(
                "numpy reads {} as the time the model is called",
                short(s)
            )),
            Some(DatetimeText::Date { offset: true, .. }) => {
                Changed("numpy converts the timestamp to UTC and drops the offset".to_owned())
            }
            Some(DatetimeText::Date { year, .. })
                if unit == Some("ns") && !(1678..=2261).contains(&year) =>
            {
                Changed(format!(
                    "the year of {} is beyond datetime64[ns], so numpy's value wraps",
                    short(s)
                ))
            }
            Some(DatetimeText::Date { partial: true, .. }) => Changed(format!(
                "numpy reads {} as the first instant of that period",
                short(s)
            )),
            Some(DatetimeText::Date { .. }) => Keep,
            None => Refused(format!(
                "numpy cannot read the string {} as a datetime",
                short(s)
            )),
        },
        Val::List | Val::Dict => Refused(format!(
            "numpy cannot cast {} to a datetime64 element",
            article(v)
        )),
    }
}

/// numpy's element cast to `timedelta64`: a count of the unit.
fn timedelta_cast(v: &Val) -> Verdict {
    use Verdict::{Changed, Keep, Refused};
    match v {
        Val::Null => Keep,
        Val::Bool(b) => Changed(format!("numpy casts {b} to {}", u8::from(*b))),
        Val::Int(Some(x)) if i64::try_from(*x).is_ok() => Keep,
        Val::Int(_) => Refused("the integer is beyond numpy's 64-bit timedelta range".to_owned()),
        Val::Float(_) => Refused("numpy casts no float to a timedelta64 element".to_owned()),
        Val::Str(s) => match numpy_timedelta_text(s) {
            Some(true) => Changed(format!("numpy reads {} as NaT", short(s))),
            Some(false) => Changed(format!("numpy casts the string {} to the number", short(s))),
            None => Refused(format!(
                "numpy reads only whole numbers as timedelta64, not {}",
                short(s)
            )),
        },
        Val::List | Val::Dict => Refused(format!(
            "numpy cannot cast {} to a timedelta64 element",
            article(v)
        )),
    }
}

/// The cast of one element of a numpy `str` array (which `np.vstack` makes of list cells that
/// mix text with numbers or booleans, each turned into its Python text first), or of a pandas
/// `str` column (text, and nulls as NaN) to the tensor's dtype.
pub(crate) fn tensor_text_cast(dtype: &NumpyDtype, v: &Val) -> Verdict {
    use Verdict::{Changed, Refused};
    let text = match v {
        Val::Str(_) | Val::List | Val::Dict | Val::Int(None) => return tensor_cast(dtype, v),
        Val::Null => return nan_cast(dtype),
        Val::Int(Some(x)) => x.to_string(),
        // Any text of a float has a `.`, an `e` or `inf`: what reads it depends on that only.
        Val::Float(f) => format!("{f:?}"),
        Val::Bool(true) => "True".to_owned(),
        Val::Bool(false) => "False".to_owned(),
    };
    match tensor_cast(dtype, &Val::Str(text.clone())) {
        Verdict::Keep | Changed(_) => Changed(format!(
            "numpy turns the {} into the text {} (the column mixes it with strings), which it \
             casts to {}",
            v.kind(),
            short(&text),
            dtype.name()
        )),
        Refused(_) => Refused(format!(
            "numpy turns the {} into the text {} (the column mixes it with strings), which it \
             cannot cast to {}",
            v.kind(),
            short(&text),
            dtype.name()
        )),
    }
}

/// numpy's cast of the NaN pandas makes of a null in a text column.
fn nan_cast(dtype: &NumpyDtype) -> Verdict {
    if int_range(dtype).is_some() {
        Verdict::Refused(format!(
            "pandas makes the null NaN, which numpy cannot cast to {}",
            dtype.name()
        ))
    } else if *dtype == NumpyDtype::Object {
        Verdict::Keep
    } else {
        Verdict::Changed(format!(
            "pandas makes the null NaN, which numpy casts to {}",
            dtype.name()
        ))
    }
}

/// The scoring server's cast of one value of a frame column for a tensor
/// (`cast_df_types_according_to_schema`): `bytes(value, "utf8")` for a `bytes` tensor, pandas'
/// `astype` for the others, which for numbers, text and booleans is numpy's element cast but for
/// `datetime64` and `timedelta64` pandas' own parsing.
pub(crate) fn serving_frame_tensor_cast(dtype: &NumpyDtype, v: &Val) -> Verdict {
    use Verdict::{Changed, Keep, Refused};
    match dtype {
        NumpyDtype::Bytes => match v {
            Val::Str(s) if s.is_ascii() => Keep,
            Val::Str(_) => Changed("MLflow encodes the text as UTF-8 bytes".to_owned()),
            other => Refused(format!(
                "the scoring server encodes each value of a bytes tensor's column with \
                 `bytes(value, \"utf8\")`, which takes text, not {}",
                article(other)
            )),
        },
        NumpyDtype::Datetime64(unit) => pandas_datetime_cast(unit.as_deref(), v),
        NumpyDtype::Timedelta64(unit) => pandas_timedelta_cast(unit.as_deref(), v),
        _ => tensor_cast(dtype, v),
    }
}

/// pandas' `astype("datetime64[unit]")` of one value of a frame column.
fn pandas_datetime_cast(unit: Option<&str>, v: &Val) -> Verdict {
    use Verdict::{Changed, Keep, Refused};
    let units = unit_name(unit);
    match v {
        Val::Null => Keep,
        // A column of booleans only; booleans among other values are refused with the column.
        Val::Bool(b) => Changed(format!(
            "pandas reads {b} as {} {units} since 1970",
            u8::from(*b)
        )),
        Val::Int(Some(x)) if *x > i128::from(i64::MAX) && *x <= i128::from(u64::MAX) => {
            Changed("pandas makes an integer beyond 2^63 NaT".to_owned())
        }
        Val::Int(Some(x)) if i64::try_from(*x).is_ok() => {
            Changed(format!("pandas reads the integer as {units} since 1970"))
        }
        Val::Int(_) => Refused("the integer is beyond pandas' datetime range".to_owned()),
        Val::Float(f) if f.is_finite() => {
            Changed(format!("pandas reads the number as {units} since 1970"))
        }
        Val::Float(_) => Refused("pandas cannot read infinity as a datetime".to_owned()),
        Val::Str(s) if s.is_empty() || PANDAS_NAT.contains(&s.as_str()) => {
            Changed(format!("pandas reads {} as NaT", short(s)))
        }
        Val::Str(s) => match numpy_datetime_text(s) {
            // pandas' ISO 8601 reader wants a four-digit year.
            Some(DatetimeText::Date { offset: true, .. }) if four_digit_year(s) => Refused(
                "pandas refuses a timestamp with an offset for a naive datetime64 column"
                    .to_owned(),
            ),
            Some(DatetimeText::Date { year, .. })
                if four_digit_year(s) && unit == Some("ns") && !(1678..=2261).contains(&year) =>
            {
                Refused(format!("{} is out of datetime64[ns]'s range", short(s)))
            }
            Some(DatetimeText::Date { partial: true, .. }) if four_digit_year(s) => {
                Changed(format!(
                    "pandas reads {} as the first instant of that period",
                    short(s)
                ))
            }
            Some(DatetimeText::Date { .. }) if four_digit_year(s) => Keep,
            Some(DatetimeText::Clock) if s == "now" || s == "today" => Changed(format!(
                "pandas reads {} as the time the request arrives",
                short(s)
            )),
            // pandas guesses other formats with dateutil (`Jan 1 2021`); these modes read ISO
            // 8601 only, which is what a client can rely on.
            _ => Refused(format!(
                "{} is not an ISO 8601 date or timestamp with a four-digit year",
                short(s)
            )),
        },
        Val::List | Val::Dict => {
            Refused(format!("pandas cannot cast {} to a datetime", article(v)))
        }
    }
}

/// pandas' `astype("timedelta64[unit]")` of one value of a frame column.
fn pandas_timedelta_cast(unit: Option<&str>, v: &Val) -> Verdict {
    use Verdict::{Changed, Keep, Refused};
    let units = unit_name(unit);
    match v {
        Val::Null => Keep,
        Val::Bool(b) => Changed(format!("pandas casts {b} to {}", u8::from(*b))),
        Val::Int(Some(x)) if *x > i128::from(i64::MAX) && *x <= i128::from(u64::MAX) => {
            Changed("pandas makes an integer beyond 2^63 NaT".to_owned())
        }
        Val::Int(Some(x)) if i64::try_from(*x).is_ok() => Keep,
        Val::Int(_) => Refused("the integer is beyond pandas' timedelta range".to_owned()),
        Val::Float(f) if f.is_finite() => {
            Changed(format!("pandas reads the number as whole {units}"))
        }
        Val::Float(_) => Refused("pandas cannot read infinity as a timedelta".to_owned()),
        Val::Str(s) if s.is_empty() || PANDAS_NAT.contains(&s.as_str()) => {
            Changed(format!("pandas reads {} as NaT", short(s)))
        }
        Val::Str(s) => {
            let t = s.trim();
            let digits = t.strip_prefix('-').unwrap_or(t);
            if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
                Changed(format!(
                    "pandas reads the string {} as a count of {units}",
                    short(s)
                ))
            } else {
                // pandas also reads texts with units (`1 days`); these modes read whole
                // numbers only.
                Refused(format!("{} is not a whole number of {units}", short(s)))
            }
        }
        Val::List | Val::Dict => {
            Refused(format!("pandas cannot cast {} to a timedelta", article(v)))
        }
    }
}

/// The texts pandas reads as a missing datetime or timedelta.
const PANDAS_NAT: [&str; 6] = ["NaT", "nat", "NAT", "nan", "NaN", "NAN"];

fn four_digit_year(s: &str) -> bool {
    let b = s
        .trim_start_matches(|c: char| c.is_ascii() && is_c_space(c as u8))
        .as_bytes();
    b.len() >= 4
        && b[..4].iter().all(u8::is_ascii_digit)
        && !b.get(4).is_some_and(u8::is_ascii_digit)
}

/// numpy's reading of a string as a timedelta64: `Some(true)` for NaT (`""`, `NaT` in any
/// case), `Some(false)` for leading whitespace, a sign and digits, `None` for anything else.
pub(crate) fn numpy_timedelta_text(s: &str) -> Option<bool> {
    if s.is_empty() || s.eq_ignore_ascii_case("nat") {
        return Some(true);
    }
    let t = s.trim_start_matches(|c: char| c.is_ascii() && is_c_space(c as u8));
    let digits = t.strip_prefix(['-', '+']).unwrap_or(t);
    (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())).then_some(false)
}

/// Python's `complex(text)`: optional whitespace and parentheses around a real part, an
/// imaginary part ending in `j`, or both joined by a sign, each part a Python float literal.
pub(crate) fn python_complex(text: &str) -> bool {
    let mut t = text.trim();
    if let Some(inner) = t.strip_prefix('(').and_then(|t| t.strip_suffix(')')) {
        t = inner.trim();
    }
    // Whitespace may surround the whole, not sit inside it.
    if t.is_empty() || t.chars().any(char::is_whitespace) {
        return false;
    }
    if python_float(t).is_some() {
        return true;
    }
    let Some(body) = t.strip_suffix(['j', 'J']) else {
        return false;
    };
    let unit = |part: &str| part.is_empty() || part == "+" || part == "-";
    if unit(body) || python_float(body).is_some() {
        return true;
    }
    // The sign that starts the imaginary part: not the first character, not an exponent's.
    let bytes = body.as_bytes();
    let split = (1..bytes.len())
        .rev()
        .find(|&i| matches!(bytes[i], b'+' | b'-') && !matches!(bytes[i - 1], b'e' | b'E'));
    split.is_some_and(|i| {
        let (real, imaginary) = body.split_at(i);
        python_float(real).is_some() && (unit(imaginary) || python_float(imaginary).is_some())
    })
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

#[cfg(test)]
mod tests {
    use super::{
        numpy_timedelta_text, python_complex, serving_frame_tensor_cast, tensor_cast,
        tensor_text_cast,
    };
    use crate::pandas_rules::values::{Val, Verdict};
    use crate::types::NumpyDtype;

    // Each expectation below was measured with numpy 2.4 (`np.array([s], dtype=...)`),
    // Python 3.11 (`complex(s)`) and pandas 3.1 (`pd.Series([s]).astype(...)`).

    #[test]
    fn numpy_reads_timedelta_text() {
        for number in ["5", "-5", "+7", " 7", "\u{b}7", "007", "2021", "20210101"] {
            assert_eq!(numpy_timedelta_text(number), Some(false), "{number:?}");
        }
        for nat in ["", "NaT", "nat", "NAT"] {
            assert_eq!(numpy_timedelta_text(nat), Some(true), "{nat:?}");
        }
        for refused in [
            "7 ", " 7 ", "1.5", "1_000", "- 7", "-+7", "1 days", "P1D", " NaT", "٣",
        ] {
            assert_eq!(numpy_timedelta_text(refused), None, "{refused:?}");
        }
    }

    #[test]
    fn python_reads_complex_text() {
        for accepted in [
            "1+2j",
            "1.5",
            " 7 ",
            "j",
            "-J",
            "2j",
            "1e3-2.5e-1j",
            "(1+2j)",
            "( 3 )",
            "inf",
            "nanj",
            "1_000",
        ] {
            assert!(python_complex(accepted), "{accepted:?}");
        }
        for refused in [
            "",
            "abc",
            "é",
            "1 + 2j",
            "2021-01-01",
            "1+",
            "j1",
            "()",
            "1+2i",
        ] {
            assert!(!python_complex(refused), "{refused:?}");
        }
    }

    fn refused(verdict: &Verdict) -> bool {
        matches!(verdict, Verdict::Refused(_))
    }

    #[test]
    fn element_casts_of_the_time_dtypes() {
        let ns = NumpyDtype::parse("datetime64[ns]").unwrap();
        let td = NumpyDtype::parse("timedelta64[ns]").unwrap();
        let str_ = |s: &str| Val::Str(s.to_owned());
        // Integers are counts of the unit; floats are never read; null is NaT.
        for dtype in [&ns, &td] {
            assert!(!refused(&tensor_cast(dtype, &Val::Int(Some(-7)))));
            assert!(!refused(&tensor_cast(dtype, &Val::Bool(true))));
            assert_eq!(tensor_cast(dtype, &Val::Null), Verdict::Keep);
            assert!(refused(&tensor_cast(dtype, &Val::Float(1.5))));
            assert!(refused(&tensor_cast(dtype, &Val::Int(Some(1 << 63)))));
            assert!(!refused(&tensor_cast(dtype, &str_(""))));
        }
        assert!(!refused(&tensor_cast(&ns, &str_("5"))));
        assert!(!refused(&tensor_cast(&ns, &str_("2021-01-01T00:00:00Z"))));
        assert!(refused(&tensor_cast(&td, &str_("2021-01-01"))));
        assert!(!refused(&tensor_cast(&td, &str_("2021"))));
        // In a numpy text array a float is its text, which neither reads; an integer's is.
        assert!(refused(&tensor_text_cast(&ns, &Val::Float(1.5))));
        assert!(!refused(&tensor_text_cast(&ns, &Val::Int(Some(1)))));
        assert!(refused(&tensor_text_cast(&td, &Val::Bool(true))));
        // A null in a pandas text column is NaN, which an integer dtype cannot hold.
        assert!(!refused(&tensor_text_cast(&ns, &Val::Null)));
        assert!(refused(&tensor_text_cast(&NumpyDtype::Int64, &Val::Null)));
        assert!(refused(&tensor_text_cast(
            &NumpyDtype::Int64,
            &Val::Float(2.0)
        )));
    }

    #[test]
    fn the_scoring_servers_frame_casts() {
        let ns = NumpyDtype::parse("datetime64[ns]").unwrap();
        let td = NumpyDtype::parse("timedelta64[ns]").unwrap();
        let str_ = |s: &str| Val::Str(s.to_owned());
        // `bytes(value, "utf8")`: any text, nothing else.
        assert!(!refused(&serving_frame_tensor_cast(
            &NumpyDtype::Bytes,
            &str_("é")
        )));
        for other in [Val::Int(Some(1)), Val::Null, Val::Bool(true), Val::List] {
            assert!(refused(&serving_frame_tensor_cast(
                &NumpyDtype::Bytes,
                &other
            )));
        }
        // pandas' datetime parsing: a float is fine, "5" is not likely a datetime, an offset
        // is refused for a naive column, 2^63 is NaT.
        assert!(!refused(&serving_frame_tensor_cast(&ns, &Val::Float(1.5))));
        assert!(!refused(&serving_frame_tensor_cast(
            &ns,
            &Val::Int(Some(1 << 63))
        )));
        assert!(refused(&serving_frame_tensor_cast(&ns, &str_("5"))));
        assert!(refused(&serving_frame_tensor_cast(
            &ns,
            &str_("2021-01-01T00:00:00Z")
        )));
        assert!(!refused(&serving_frame_tensor_cast(&ns, &str_("2021"))));
        assert!(refused(&serving_frame_tensor_cast(&ns, &str_("1000"))));
        assert!(!refused(&serving_frame_tensor_cast(&td, &str_(" 7 "))));
        assert!(refused(&serving_frame_tensor_cast(&td, &str_("1.5"))));
        assert!(!refused(&serving_frame_tensor_cast(&td, &Val::Float(1.5))));
    }
}
