//! The decisions of MLflow's scoring server and of `pyfunc.predict` for one JSON value or one
//! column of JSON values: what pandas and numpy make of the JSON, and what MLflow's schema
//! enforcement then accepts (docs/mlflow-behaviour.md §5, §7, §9).
//!
//! Only the MLflow modes reach this module: Strict never builds a [`Series`] nor classifies a
//! value, so its hot path is untouched.

use crate::types::DataType;
use crate::types::datetime::{
    DatetimeMisfit, DatetimeText, PandasDatetimeText, check_naive_datetime, naive_iso_text,
    numpy_datetime_text, pandas_datetime_text, parse_iso, utc_now,
};

use super::base64::{is_base64, lenient_base64};
use super::enforce::{Decision, Objects, PandasDtype, enforce_datatype, inferred};
use super::numeric::Numeric;

/// How a body's data reaches MLflow's enforcement.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Route {
    /// `dataframe_split`, `dataframe_records`: a pandas DataFrame (serving then casts each
    /// column with pandas).
    Frame,
    /// `inputs` or `instances` given as columns (a dict of lists, a list, a scalar): each
    /// column a numpy array (serving casts it with numpy).
    Columns,
    /// `inputs` given as a list of records: serving casts each value with numpy, predict sees
    /// a DataFrame of the records.
    Records,
}

/// One JSON value as MLflow's Python sees it (`json.loads`).
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Val {
    Null,
    Bool(bool),
    /// A JSON integer (Python int, unbounded): `None` when beyond ±u64.
    Int(Option<i128>),
    /// A JSON number with a fraction or an exponent (a Python float).
    Float(f64),
    Str(String),
    List,
    Dict,
}

impl Val {
    /// How messages name the value's JSON kind.
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Val::Null => "null",
            Val::Bool(_) => "boolean",
            Val::Int(_) => "integer",
            Val::Float(_) => "float",
            Val::Str(_) => "string",
            Val::List => "array",
            Val::Dict => "object",
        }
    }
}

/// The outcome for one value: fine, fine but changed by MLflow (what it becomes), refused.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Verdict {
    Keep,
    Changed(String),
    Refused(String),
}

fn int_range(t: DataType) -> (i128, i128) {
    if t == DataType::Integer {
        (i32::MIN.into(), i32::MAX.into())
    } else {
        (i64::MIN.into(), i64::MAX.into())
    }
}

/// Python's `int(text)`: optional whitespace and sign, decimal digits (underscores between
/// them).
pub(crate) fn python_int(text: &str) -> Option<i128> {
    let t = text.trim();
    let (negative, digits) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    if digits.is_empty()
        || digits.starts_with('_')
        || digits.ends_with('_')
        || digits.contains("__")
        || !digits.bytes().all(|b| b.is_ascii_digit() || b == b'_')
    {
        return None;
    }
    let clean: String = digits.chars().filter(|c| *c != '_').collect();
    let value: i128 = clean.parse().ok()?;
    Some(if negative { -value } else { value })
}

/// Python's `float(text)`.
pub(crate) fn python_float(text: &str) -> Option<f64> {
    let t = text.trim();
    if t.is_empty() || t.contains("__") || t.starts_with('_') || t.ends_with('_') {
        return None;
    }
    let clean: String = t.chars().filter(|c| *c != '_').collect();
    let lower = clean.to_ascii_lowercase();
    let (negative, unsigned) = match lower.as_bytes().first() {
        Some(b'-') => (true, &lower[1..]),
        Some(b'+') => (false, &lower[1..]),
        _ => (false, lower.as_str()),
    };
    match unsigned {
        "inf" | "infinity" if negative => return Some(f64::NEG_INFINITY),
        "inf" | "infinity" => return Some(f64::INFINITY),
        "nan" => return Some(f64::NAN),
        _ => {}
    }
    if !clean
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'))
    {
        return None;
    }
    clean.parse().ok()
}

pub(crate) fn short(text: &str) -> String {
    const MAX: usize = 24;
    if text.chars().count() <= MAX {
        format!("{text:?}")
    } else {
        let cut: String = text.chars().take(MAX).collect();
        format!("{cut:?}…")
    }
}

/// What the model receives for a scalar value MLflow's scoring server takes: the value as
/// sent, or the value its cast made of it. The typed decode of the MLflow modes hands the model
/// this value, so that a body MLflow serves decodes into the Rust type as MLflow cast it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Served {
    /// The JSON value as sent.
    AsSent,
    /// No value: pandas' `NaT` of an empty datetime string.
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    /// Text MLflow made: a datetime in ISO form, without an offset.
    Text(String),
    /// Python's text of the value (`str(value)`: `True`, `None`, `1.5`): what a `string`
    /// column holds for a number or a boolean. Written out by the checker, since Python's
    /// float repr lives with MLflow's formats, a layer up.
    PythonText(Val),
}

/// The scoring server's cast of one value of a `dataframe_*` column (`astype`,
/// `base64.decodebytes`, `pd.to_datetime`), docs/mlflow-behaviour.md §9.
pub(crate) fn serving_frame(t: DataType, v: &Val) -> Verdict {
    serving_frame_cast(t, v).0
}

/// [`serving_frame`], with what the model receives: the verdict and the value come from the
/// same arm, so the typed decode applies exactly the cast the check accepted.
pub(crate) fn serving_frame_cast(t: DataType, v: &Val) -> (Verdict, Served) {
    use Verdict::{Changed, Keep, Refused};
    let as_sent = |verdict| (verdict, Served::AsSent);
    match t {
        DataType::Long | DataType::Integer => {
            let (min, max) = int_range(t);
            // pandas' `astype` wraps an integer beyond the type, and truncates a float.
            let wrap = |value: i128| {
                if t == DataType::Integer {
                    i64::from(value as i32)
                } else {
                    value as i64
                }
            };
            match v {
                Val::Null => as_sent(Refused(
                    "pandas cannot cast a null to an integer".to_owned(),
                )),
                Val::Bool(b) => (
                    Changed(format!("MLflow casts {b} to {}", u8::from(*b))),
                    Served::Int(i64::from(*b)),
                ),
                Val::Int(Some(value)) if (min..=max).contains(value) => as_sent(Keep),
                Val::Int(Some(value))
                    if *value >= i128::from(i64::MIN) && *value <= i128::from(u64::MAX) =>
                {
                    (
                        Changed(format!("MLflow wraps {value} to {}", wrap(*value))),
                        Served::Int(wrap(*value)),
                    )
                }
                Val::Int(_) => as_sent(Refused(
                    "the integer is too large for pandas to cast".to_owned(),
                )),
                Val::Float(f) if !f.is_finite() => as_sent(Refused(
                    "pandas cannot cast a non-finite float to an integer".to_owned(),
                )),
                Val::Float(f) => {
                    // `f.trunc() as i128` saturates; numpy's result beyond the range is
                    // platform-defined, and reported as a change either way.
                    let served = Served::Int(wrap(f.trunc() as i128));
                    if f.fract() == 0.0 && *f >= min as f64 && *f <= max as f64 {
                        // The same number, in the column's type: no change to report.
                        (Keep, served)
                    } else {
                        (
                            Changed(format!("MLflow truncates {f} to {}", f.trunc())),
                            served,
                        )
                    }
                }
                Val::Str(s) => match python_int(s) {
                    Some(value) if (min..=max).contains(&value) => (
                        Changed(format!(
                            "MLflow casts the string {} to the number {value}",
                            short(s)
                        )),
                        Served::Int(value as i64),
                    ),
                    Some(_) => as_sent(Refused("the string's integer is out of range".to_owned())),
                    None => as_sent(Refused(format!(
                        "pandas cannot cast the string {} to an integer",
                        short(s)
                    ))),
                },
                Val::List | Val::Dict => as_sent(Refused(format!(
                    "pandas cannot cast {} to an integer",
                    article(v)
                ))),
            }
        }
        DataType::Float | DataType::Double => {
            // The value in the column's precision: `float` is numpy's float32.
            let narrow = |x: f64| {
                if t == DataType::Float {
                    f64::from(x as f32)
                } else {
                    x
                }
            };
            match v {
                Val::Null => as_sent(Keep),
                Val::Bool(b) => (
                    Changed(format!("MLflow casts {b} to {}", u8::from(*b))),
                    Served::Float(f64::from(u8::from(*b))),
                ),
                Val::Int(Some(value)) => {
                    let bits = if t == DataType::Float { 24 } else { 53 };
                    if value.unsigned_abs() <= 1u128 << bits {
                        as_sent(Keep)
                    } else {
                        let rounded = if t == DataType::Float {
                            f64::from(*value as f32)
                        } else {
                            *value as f64
                        };
                        (
                            Changed(format!("MLflow rounds {value} to the nearest {}", t.name())),
                            Served::Float(rounded),
                        )
                    }
                }
                // serde_json reads an integer beyond 64 bits as the nearest `f64` itself.
                Val::Int(None) => as_sent(Changed(format!(
                    "MLflow rounds the integer to the nearest {}",
                    t.name()
                ))),
                Val::Float(f) => {
                    if !f.is_finite() || (t == DataType::Float && (*f as f32).is_infinite()) {
                        (
                            Changed("MLflow turns the number into infinity".to_owned()),
                            Served::Float(narrow(*f)),
                        )
                    } else {
                        as_sent(Keep)
                    }
                }
                Val::Str(s) => match python_float(s) {
                    Some(x) => (
                        Changed(format!("MLflow casts the string {} to a number", short(s))),
                        Served::Float(narrow(x)),
                    ),
                    None => as_sent(Refused(format!(
                        "pandas cannot cast the string {} to a float",
                        short(s)
                    ))),
                },
                Val::List | Val::Dict => as_sent(Refused(format!(
                    "pandas cannot cast {} to a float",
                    article(v)
                ))),
            }
        }
        DataType::Boolean => match v {
            Val::Bool(_) => as_sent(Keep),
            Val::Null => (
                Changed("MLflow turns null into false".to_owned()),
                Served::Bool(false),
            ),
            other => (
                Changed(format!(
                    "MLflow casts the {} to a boolean by truthiness (it becomes {})",
                    other.kind(),
                    truthy(other)
                )),
                Served::Bool(truthy(other)),
            ),
        },
        DataType::String => match v {
            Val::Str(_) | Val::Null => as_sent(Keep),
            other => (
                Changed(format!(
                    "MLflow passes the {} on unchanged, not as a string",
                    other.kind()
                )),
                // A typed model's string gets Python's text of a number or a boolean; no Rust
                // string holds the array or object MLflow passes on.
                match other {
                    Val::List | Val::Dict => Served::AsSent,
                    _ => Served::PythonText(other.clone()),
                },
            ),
        },
        DataType::Binary => as_sent(match v {
            Val::Str(s) if is_base64(s.as_bytes()) => Keep,
            Val::Str(s) if lenient_base64(s) => Changed(format!(
                "MLflow decodes {} leniently, dropping the characters that are not base64",
                short(s)
            )),
            Val::Str(s) => Refused(format!("{} is not base64 (incorrect padding)", short(s))),
            other => Refused(format!("MLflow cannot base64-decode {}", article(other))),
        }),
        DataType::Datetime => match v {
            Val::Null => as_sent(Keep),
            Val::Str(s) => pandas_datetime_cast(s),
            Val::Int(Some(value)) if i64::try_from(*value).is_ok() => (
                Changed("pandas reads the number as nanoseconds since 1970".to_owned()),
                nanoseconds_text(*value as i64),
            ),
            Val::Int(_) => as_sent(Refused(
                "the number is out of pandas' datetime range".to_owned(),
            )),
            Val::Float(f) => (
                Changed("pandas reads the number as nanoseconds since 1970".to_owned()),
                nanoseconds_text(*f as i64),
            ),
            other => as_sent(Refused(format!(
                "pandas cannot read {} as a datetime",
                article(other)
            ))),
        },
    }
}

/// The scoring server's `pd.to_datetime` of one text cell, then its cast to nanoseconds, with
/// the instant the model receives.
fn pandas_datetime_cast(s: &str) -> (Verdict, Served) {
    use Verdict::{Changed, Keep, Refused};
    let Some(text) = pandas_datetime_text(s) else {
        return (
            Refused(format!("pandas cannot read {} as a datetime", short(s))),
            Served::AsSent,
        );
    };
    let verdict = match text {
        PandasDatetimeText::NaT => Changed("pandas reads the empty string as NaT".to_owned()),
        PandasDatetimeText::Clock { .. } => {
            Changed(format!("pandas reads {} as a time of today", short(s)))
        }
        PandasDatetimeText::Instant { zoned: true, .. } => {
            Refused("a timestamp with a timezone (MLflow's datetime is naive)".to_owned())
        }
        _ if !text.fits_nanoseconds() => Refused(format!(
            "{} is outside the nanosecond range MLflow converts datetimes to",
            short(s)
        )),
        PandasDatetimeText::Instant { guessed: false, .. }
            if check_naive_datetime(s.as_bytes()).is_ok() =>
        {
            return (Keep, Served::AsSent);
        }
        PandasDatetimeText::Instant {
            fields: (year, month, day, hour, minute, second),
            ..
        } => Changed(format!(
            "pandas guesses {} means {year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}",
            short(s)
        )),
    };
    let served = match &verdict {
        Refused(_) | Keep => Served::AsSent,
        Changed(_) => text
            .naive_text(utc_now())
            .map_or(Served::Null, Served::Text),
    };
    (verdict, served)
}

/// The naive ISO text of `nanos` nanoseconds since 1970, as pandas and numpy read a number
/// given for a datetime.
fn nanoseconds_text(nanos: i64) -> Served {
    Served::Text(naive_iso_text(
        chrono::DateTime::from_timestamp_nanos(nanos).naive_utc(),
    ))
}

/// "an array", "a string".
pub(crate) fn article(v: &Val) -> String {
    let kind = v.kind();
    if matches!(
        kind.as_bytes().first(),
        Some(b'a' | b'e' | b'i' | b'o' | b'u')
    ) {
        format!("an {kind}")
    } else {
        format!("a {kind}")
    }
}

pub(crate) fn truthy(v: &Val) -> bool {
    match v {
        Val::Null => false,
        Val::Bool(b) => *b,
        Val::Int(i) => *i != Some(0),
        Val::Float(f) => *f != 0.0,
        Val::Str(s) => !s.is_empty(),
        Val::List | Val::Dict => true,
    }
}

/// The scoring server's numpy cast of one value of an `inputs`/`instances` column
/// (`np.array(values, dtype)`), docs/mlflow-behaviour.md §9, with what the model receives
/// (see [`serving_frame_cast`]).
pub(crate) fn serving_numpy_cast(t: DataType, v: &Val) -> (Verdict, Served) {
    use Verdict::{Changed, Keep, Refused};
    let as_sent = |verdict| (verdict, Served::AsSent);
    match t {
        DataType::Long | DataType::Integer => {
            let (min, max) = int_range(t);
            match v {
                Val::Int(Some(value)) if (min..=max).contains(value) => as_sent(Keep),
                Val::Int(_) => as_sent(Refused("numpy refuses an integer out of range".to_owned())),
                Val::Null => as_sent(Refused("numpy cannot cast a null to an integer".to_owned())),
                Val::Float(f) if !f.is_finite() => as_sent(Refused(
                    "numpy cannot cast a non-finite float to an integer".to_owned(),
                )),
                Val::Float(f) if f.trunc() < min as f64 || f.trunc() > max as f64 => as_sent(
                    Refused("numpy refuses a float beyond the integer type's range".to_owned()),
                ),
                _ => serving_frame_cast(t, v),
            }
        }
        DataType::Float | DataType::Double => serving_frame_cast(t, v),
        DataType::Boolean => match v {
            Val::Bool(_) => as_sent(Keep),
            Val::Null => (
                Changed("MLflow turns null into false".to_owned()),
                Served::Bool(false),
            ),
            Val::List | Val::Dict => as_sent(Changed(format!(
                "MLflow passes the {} on inside the column instead of a boolean",
                v.kind()
            ))),
            other => (
                Changed(format!(
                    "MLflow casts the {} to a boolean by truthiness (it becomes {})",
                    other.kind(),
                    truthy(other)
                )),
                Served::Bool(truthy(other)),
            ),
        },
        DataType::String => match v {
            Val::Str(_) => as_sent(Keep),
            Val::List | Val::Dict => as_sent(Changed(format!(
                "MLflow passes the {} on inside the column instead of a string",
                v.kind()
            ))),
            other => (
                Changed(format!(
                    "MLflow turns the {} into its Python text",
                    other.kind()
                )),
                Served::PythonText(other.clone()),
            ),
        },
        // A Rust binary type reads the text's bytes, which is what numpy passes on.
        DataType::Binary => as_sent(match v {
            Val::Str(s) if s.is_ascii() => {
                Changed("MLflow passes the text's bytes on without base64-decoding them".to_owned())
            }
            Val::Str(_) => Refused("numpy cannot encode non-ASCII text as bytes".to_owned()),
            Val::List | Val::Dict => Changed(format!(
                "MLflow passes the {} on inside the column instead of bytes",
                v.kind()
            )),
            other => Changed(format!(
                "MLflow turns the {} into its text as bytes",
                other.kind()
            )),
        }),
        DataType::Datetime => match v {
            Val::Null => as_sent(Keep),
            Val::Str(s) => match numpy_datetime_text(s) {
                _ if check_naive_datetime(s.as_bytes()).is_ok() => as_sent(Keep),
                Some(DatetimeText::NaT) => (
                    Changed(format!("numpy reads {} as NaT", short(s))),
                    Served::Null,
                ),
                // `today` is a day (midnight), `now` a second, both in UTC.
                Some(DatetimeText::Clock) => {
                    let now = utc_now();
                    let at = if s.eq_ignore_ascii_case("today") {
                        now.date().and_time(chrono::NaiveTime::MIN)
                    } else {
                        chrono::Timelike::with_nanosecond(&now, 0).unwrap_or(now)
                    };
                    (
                        Changed(format!(
                            "numpy reads {} as the current date and time",
                            short(s)
                        )),
                        Served::Text(naive_iso_text(at)),
                    )
                }
                Some(date) => {
                    let verdict = match date {
                        DatetimeText::Date { offset: true, .. } => Changed(
                            "MLflow converts the timestamp to UTC and drops the offset".to_owned(),
                        ),
                        // numpy reads a run of digits as a year, which wraps around in
                        // nanoseconds.
                        DatetimeText::Date { partial: true, .. } => Changed(format!(
                            "numpy reads {} as the first instant of that year or month",
                            short(s)
                        )),
                        _ => Changed(format!(
                            "numpy reads {} by its own ISO 8601 rules",
                            short(s)
                        )),
                    };
                    let served = parse_iso(s.as_bytes())
                        .and_then(|iso| iso.naive_utc_text())
                        .map_or(Served::AsSent, Served::Text);
                    (verdict, served)
                }
                None => as_sent(Refused(format!(
                    "{} is not an ISO-8601 timestamp",
                    short(s)
                ))),
            },
            Val::Int(Some(value)) if i64::try_from(*value).is_ok() => (
                Changed("numpy reads the number as nanoseconds since 1970".to_owned()),
                nanoseconds_text(*value as i64),
            ),
            Val::Bool(b) => (
                Changed("numpy reads the boolean as 0 or 1 ns since 1970".to_owned()),
                nanoseconds_text(i64::from(*b)),
            ),
            other => as_sent(Refused(format!(
                "numpy cannot read {} as a datetime",
                article(other)
            ))),
        },
    }
}

/// `_enforce_param_datatype` for one JSON value of a parameter of type `t`
/// (docs/mlflow-behaviour.md §3.2): the scoring server and `pyfunc.predict` decide alike, since
/// params are never cast before it.
pub(crate) fn param_verdict(t: DataType, v: &Val) -> Verdict {
    use Verdict::{Changed, Keep, Refused};
    match (t, v) {
        (_, Val::Null) => Changed(
            "MLflow passes null on to the model as None; the parameter's default is not used"
                .to_owned(),
        ),
        (_, Val::List | Val::Dict) => Refused(format!(
            "MLflow wants a single {} value for this parameter, not {}",
            t.name(),
            article(v)
        )),
        // Python ints are unbounded and MLflow does not range-check them, even for `integer`.
        (DataType::Integer | DataType::Long, Val::Int(_)) => Keep,
        (DataType::Float | DataType::Double, Val::Int(Some(x))) if x.unsigned_abs() <= 1 << 53 => {
            Keep
        }
        (DataType::Float | DataType::Double, Val::Int(_)) => {
            Changed("MLflow rounds the integer to the nearest Python float".to_owned())
        }
        (DataType::Float | DataType::Double, Val::Float(f)) if !f.is_finite() => {
            Changed("Python reads the number as infinity".to_owned())
        }
        (DataType::Float | DataType::Double, Val::Float(_))
        | (DataType::Boolean, Val::Bool(_))
        | (DataType::String, Val::Str(_)) => Keep,
        (DataType::Datetime, Val::Str(s)) if s.is_empty() => {
            Changed("numpy reads the empty string as NaT: the model receives None".to_owned())
        }
        (DataType::Datetime, Val::Str(s))
            if s.len() < 4 && s.bytes().all(|b| b.is_ascii_digit()) =>
        {
            Keep
        }
        (DataType::Datetime, Val::Str(s)) => match crate::types::Datetime::parse_numpy(s) {
            Ok(_) if check_naive_datetime(s.as_bytes()) == Err(DatetimeMisfit::HasTimezone) => {
                Changed("numpy converts the timestamp to UTC and drops the offset".to_owned())
            }
            Ok(_) => Keep,
            Err(_) => Refused(format!(
                "numpy cannot read {} as a date or datetime",
                short(s)
            )),
        },
        (t, other) => Refused(format!(
            "MLflow does not convert {} to a {} parameter",
            article(other),
            t.name()
        )),
    }
}

/// The dtype pandas or numpy gives a column of JSON values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Dtype {
    Empty,
    Int64 {
        all01: bool,
    },
    UInt64,
    Float64,
    Bool,
    /// pandas 3's `str` dtype.
    Str,
    Object,
}

impl Dtype {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Dtype::Empty => "empty",
            Dtype::Int64 { .. } => "int64",
            Dtype::UInt64 => "uint64",
            Dtype::Float64 => "float64",
            Dtype::Bool => "bool",
            Dtype::Str => "str",
            Dtype::Object => "object",
        }
    }
}

/// A summary of the values of one column (or one array), enough to know its dtype.
#[derive(Clone, Debug, Default)]
pub(crate) struct Series {
    pub(crate) n: u64,
    /// The column is given with no value at all (`"a": []`, or listed in `columns` beside
    /// empty `data`): pandas or numpy still gives it a dtype, which predict enforces.
    pub(crate) given_empty: bool,
    pub(crate) nulls: u64,
    pub(crate) bools: u64,
    pub(crate) ints: u64,
    non01: bool,
    pub(crate) negative: bool,
    pub(crate) beyond_i64: bool,
    pub(crate) beyond_u64: bool,
    /// An integer below `i64::MIN`.
    pub(crate) below_i64: bool,
    pub(crate) floats: u64,
    pub(crate) strs: u64,
    non_numeric_strs: bool,
    pub(crate) others: u64,
    /// Where the first value is, for reports.
    pub(crate) at: Option<String>,
    /// The shape of the first datetime string (digits as `d`, the fraction as `.f`).
    datetime_format: Option<String>,
}

impl Series {
    pub(crate) fn add(&mut self, v: &Val) {
        self.n += 1;
        match v {
            Val::Null => self.nulls += 1,
            Val::Bool(_) => self.bools += 1,
            Val::Int(value) => {
                self.ints += 1;
                match value {
                    Some(x) => {
                        if *x != 0 && *x != 1 {
                            self.non01 = true;
                        }
                        if *x < 0 {
                            self.negative = true;
                        }
                        if *x > i128::from(i64::MAX) {
                            self.beyond_i64 = true;
                        }
                        if *x < i128::from(i64::MIN) {
                            self.below_i64 = true;
                        }
                    }
                    None => {
                        self.non01 = true;
                        self.beyond_u64 = true;
                    }
                }
            }
            Val::Float(_) => self.floats += 1,
            Val::Str(s) => {
                self.strs += 1;
                if python_float(s).is_none() {
                    self.non_numeric_strs = true;
                }
            }
            Val::List | Val::Dict => self.others += 1,
        }
    }

    /// [`Series::add`] `times` times.
    pub(crate) fn add_repeated(&mut self, v: &Val, times: u64) {
        if times == 0 {
            return;
        }
        // Repeating a value repeats its count; every flag it sets is set by the first.
        self.add(v);
        let more = times - 1;
        self.n += more;
        let count = match v {
            Val::Null => &mut self.nulls,
            Val::Bool(_) => &mut self.bools,
            Val::Int(_) => &mut self.ints,
            Val::Float(_) => &mut self.floats,
            Val::Str(_) => &mut self.strs,
            Val::List | Val::Dict => &mut self.others,
        };
        *count += more;
    }

    /// Whether `text` has the datetime format of the column's first datetime string (pandas
    /// infers the format from the first value and applies it to all). The shape compared: a
    /// run of one or two digits is one field (`%m`, `%d`, `%H` take either), a longer run
    /// keeps its length, a word is a month or weekday name, short (`Jan`) or long (`January`);
    /// `now` and `today` fit any format.
    pub(crate) fn same_datetime_format(&mut self, text: &str) -> bool {
        if text.is_empty() || text == "now" || text == "today" {
            return true;
        }
        let mut shape = String::with_capacity(text.len());
        let bytes = text.as_bytes();
        let mut at = 0;
        while at < bytes.len() {
            let start = at;
            let b = bytes[at];
            if b == b'.' && at + 1 < bytes.len() && bytes[at + 1].is_ascii_digit() {
                // A fraction: any number of digits.
                at += 1;
                while at < bytes.len() && bytes[at].is_ascii_digit() {
                    at += 1;
                }
                shape.push_str(".f");
            } else if b.is_ascii_digit() {
                while at < bytes.len() && bytes[at].is_ascii_digit() {
                    at += 1;
                }
                match at - start {
                    1 | 2 => shape.push('d'),
                    long => shape.extend(std::iter::repeat_n('D', long)),
                }
            } else if b.is_ascii_alphabetic() {
                while at < bytes.len() && bytes[at].is_ascii_alphabetic() {
                    at += 1;
                }
                shape.push_str(if at - start == 3 { "%b" } else { "%B" });
            } else {
                let ch = text[at..].chars().next().unwrap_or(' ');
                shape.push(ch);
                at += ch.len_utf8();
            }
        }
        match &self.datetime_format {
            None => {
                self.datetime_format = Some(shape);
                true
            }
            Some(first) => *first == shape,
        }
    }

    /// Whether every value is the integer 0 or 1 (or null).
    pub(crate) fn all_zero_or_one(&self) -> bool {
        !self.non01 && self.floats == 0 && self.strs == 0 && self.bools == 0 && self.others == 0
    }

    pub(crate) fn has_nulls(&self) -> bool {
        self.nulls > 0
    }

    /// The dtype: `numpy` for `np.array(values)` (then put in a DataFrame), else pandas'
    /// DataFrame construction.
    pub(crate) fn dtype(&self, numpy: bool) -> Dtype {
        let n = self.n;
        if n == 0 {
            return Dtype::Empty;
        }
        let non_null = n - self.nulls;
        if self.others > 0 {
            return Dtype::Object;
        }
        if self.strs > 0 {
            // numpy makes text of numbers and booleans mixed with strings; pandas then reads
            // text, or strings with None, as `str`.
            return if self.strs == n || self.strs == non_null || (numpy && self.others == 0) {
                Dtype::Str
            } else {
                Dtype::Object
            };
        }
        if self.bools > 0 {
            return if self.bools == n {
                Dtype::Bool
            } else {
                Dtype::Object
            };
        }
        if non_null == 0 {
            return Dtype::Object;
        }
        if self.beyond_u64 || (self.beyond_i64 && self.negative) {
            return Dtype::Object;
        }
        if self.nulls > 0 && numpy {
            return Dtype::Object;
        }
        if self.floats > 0 || self.nulls > 0 {
            return Dtype::Float64;
        }
        if self.beyond_i64 {
            return Dtype::UInt64;
        }
        Dtype::Int64 { all01: !self.non01 }
    }

    /// What the `object` column pandas makes of these values holds, for MLflow's steps on it.
    fn objects(&self) -> Objects {
        if self.others > 0 {
            Objects::Other
        } else if self.nulls == self.n {
            Objects::Nones
        } else if self.strs == 0 && self.bools == 0 && !self.beyond_u64 {
            Objects::Numbers
        } else if !self.non_numeric_strs {
            Objects::Numeric
        } else {
            Objects::Other
        }
    }

    /// The pandas dtype of a column of these values whose dtype is `dtype`.
    fn pandas_dtype(&self, dtype: Dtype) -> PandasDtype {
        match dtype {
            Dtype::Empty => PandasDtype::Empty,
            Dtype::Int64 { .. } => PandasDtype::Number(Numeric::Int(true, 64)),
            Dtype::UInt64 => PandasDtype::Number(Numeric::Int(false, 64)),
            Dtype::Float64 => PandasDtype::Number(Numeric::Float(53)),
            Dtype::Bool => PandasDtype::Bool,
            Dtype::Str => PandasDtype::Str,
            Dtype::Object => PandasDtype::Object(self.objects()),
        }
    }

    /// `_enforce_mlflow_datatype` ([`enforce_datatype`]) on a column of these values of dtype
    /// `dtype`.
    pub(crate) fn enforce(&self, t: DataType, dtype: Dtype) -> Result<(), String> {
        let pandas = self.pandas_dtype(dtype);
        let ok = match enforce_datatype(t, pandas) {
            Decision::ZeroOrOne => dtype == Dtype::Int64 { all01: true },
            Decision::Refused(_) => false,
            _ => true,
        };
        if ok {
            return Ok(());
        }
        let target = match t {
            DataType::Integer => "int32",
            DataType::Long => "int64",
            DataType::Float => "float32",
            DataType::Double => "float64",
            DataType::Boolean => "bool",
            DataType::String => "str",
            DataType::Binary => "bytes",
            DataType::Datetime => "datetime64[ns]",
        };
        let shown = inferred(t, pandas).name();
        let article = if matches!(shown, "object" | "int64") {
            "an"
        } else {
            "a"
        };
        Err(format!(
            "MLflow refuses {article} {shown} column for `{}` (it cannot safely convert {shown} to \
             {target})",
            t.name(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::{Served, Val, Verdict, serving_frame_cast, serving_numpy_cast};
    use crate::types::DataType;

    // Measured with pandas 3.1: whether `pd.to_datetime` takes both texts in one column.
    #[test]
    fn a_column_keeps_the_datetime_format_of_its_first_text() {
        for (first, second, same) in [
            ("2021-01-01", "2021-1-2", true),
            ("1/2/2021", "10/12/2021", true),
            ("Jan 1 2021", "Feb 2 2021", true),
            ("Jan 1 2021", "January 2 2021", false),
            ("January 1 2021", "March 2 2021", true),
            ("2021-01-01", "now", true),
            ("today", "2021-01-01", true),
            ("2021-01-01", "2021-01-01 10:00", false),
            ("2021-01-01 10:00:00.5", "2021-01-01 10:00:00.123456", true),
            ("20210101", "20210102", true),
            ("2021/01/01", "2021-01-02", false),
            ("Jan 1 2021", "2021-01-02", false),
            ("10:00", "11:30", true),
        ] {
            let mut series = super::Series::default();
            assert!(series.same_datetime_format(first));
            assert_eq!(
                series.same_datetime_format(second),
                same,
                "{first:?} then {second:?}"
            );
        }
    }

    fn changed(t: DataType, v: Val) -> Served {
        match serving_frame_cast(t, &v) {
            (Verdict::Changed(_), served) => served,
            other => panic!("{t:?} {v:?}: {other:?}"),
        }
    }

    #[test]
    fn the_served_value_comes_with_the_verdict() {
        let text = |s: &str| Val::Str(s.to_owned());
        assert_eq!(
            changed(DataType::Double, text("1500")),
            Served::Float(1500.0)
        );
        assert_eq!(
            changed(DataType::Float, text("0.1")),
            Served::Float(f64::from(0.1_f32))
        );
        assert_eq!(changed(DataType::Long, Val::Float(-3.7)), Served::Int(-3));
        assert_eq!(changed(DataType::Long, text(" 12 ")), Served::Int(12));
        assert_eq!(
            changed(DataType::Integer, Val::Int(Some(1 << 32))),
            Served::Int(0)
        );
        assert_eq!(changed(DataType::Boolean, text("")), Served::Bool(false));
        assert_eq!(
            changed(DataType::String, Val::Int(Some(7))),
            Served::PythonText(Val::Int(Some(7)))
        );
        assert_eq!(changed(DataType::String, Val::List), Served::AsSent);
        assert_eq!(
            changed(DataType::Datetime, Val::Int(Some(1_500_000_000))),
            Served::Text("1970-01-01T00:00:01.500".to_owned())
        );
        assert_eq!(
            changed(DataType::Datetime, text("2021-05")),
            Served::Text("2021-05-01T00:00:00".to_owned())
        );
        // The same number in the column's type: kept, but handed on as an integer.
        assert_eq!(
            serving_frame_cast(DataType::Long, &Val::Float(3.0)),
            (Verdict::Keep, Served::Int(3))
        );
        // Refused values are handed on as sent (the body fails anyway).
        assert!(matches!(
            serving_frame_cast(DataType::Datetime, &text("1600")),
            (Verdict::Refused(_), Served::AsSent)
        ));
        assert_eq!(
            serving_numpy_cast(DataType::Datetime, &text("2021-05-01T10:00:00+02:00")).1,
            Served::Text("2021-05-01T08:00:00".to_owned())
        );
        assert_eq!(
            serving_numpy_cast(DataType::String, &Val::Null).1,
            Served::PythonText(Val::Null)
        );
    }

    #[test]
    fn python_parsers() {
        assert_eq!(super::python_int(" -1_000 "), Some(-1000));
        assert_eq!(super::python_int("1.0"), None);
        assert_eq!(super::python_int("_1"), None);
        assert!(super::python_float("1e3").is_some());
        assert_eq!(super::python_float("-inf"), Some(f64::NEG_INFINITY));
        assert_eq!(super::python_float(" Infinity"), Some(f64::INFINITY));
        assert!(super::python_float("nan").is_some_and(f64::is_nan));
        assert!(super::python_float("abc").is_none());
    }
}
