use std::fmt;
use std::str::FromStr;

use super::{ColumnName, SchemaError};

/// A numpy dtype as a TensorSpec names it (`dtype.name`: `float32`, `str`, `datetime64[ns]`).
///
/// Parsing accepts what `np.dtype(...)` accepts for the types a tensor can hold (aliases such
/// as `float`, `int`, `f4`, `<i8`, `M8[ns]`), and normalises to numpy's canonical name, which is
/// what MLflow writes back.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum NumpyDtype {
    /// `bool`
    Bool,
    /// `int8`
    Int8,
    /// `int16`
    Int16,
    /// `int32`
    Int32,
    /// `int64`
    Int64,
    /// `uint8`
    UInt8,
    /// `uint16`
    UInt16,
    /// `uint32`
    UInt32,
    /// `uint64`
    UInt64,
    /// `float16`
    Float16,
    /// `float32`
    Float32,
    /// `float64`
    Float64,
    /// `float128` (numpy's `longdouble` on x86-64 Linux)
    Float128,
    /// `complex64`
    Complex64,
    /// `complex128`
    Complex128,
    /// `complex256`
    Complex256,
    /// `object`: arbitrary Python objects (ragged arrays, mixed values).
    Object,
    /// `str`: unicode strings of any length.
    Str,
    /// `bytes`: byte strings of any length.
    Bytes,
    /// `datetime64` with its unit (`ns`, `s`, `25us`, ...); `None` for the generic `datetime64`.
    Datetime64(Option<String>),
    /// `timedelta64` with its unit; `None` for the generic `timedelta64`.
    Timedelta64(Option<String>),
}

const FIXED_NAMES: [(NumpyDtype, &str, &[&str]); 19] = [
    (NumpyDtype::Bool, "bool", &["bool_", "?", "b1"]),
    (NumpyDtype::Int8, "int8", &["i1", "byte", "b"]),
    (NumpyDtype::Int16, "int16", &["i2", "short", "h"]),
    (NumpyDtype::Int32, "int32", &["i4", "intc", "i"]),
    (
        NumpyDtype::Int64,
        "int64",
        &[
            "i8", "int", "int_", "intp", "long", "longlong", "l", "q", "p",
        ],
    ),
    (NumpyDtype::UInt8, "uint8", &["u1", "ubyte", "B"]),
    (NumpyDtype::UInt16, "uint16", &["u2", "ushort", "H"]),
    (NumpyDtype::UInt32, "uint32", &["u4", "uintc", "I"]),
    (
        NumpyDtype::UInt64,
        "uint64",
        &["u8", "uint", "uintp", "ulong", "ulonglong", "L", "Q", "P"],
    ),
    (NumpyDtype::Float16, "float16", &["f2", "half", "e"]),
    (NumpyDtype::Float32, "float32", &["f4", "single", "f"]),
    (
        NumpyDtype::Float64,
        "float64",
        &["f8", "double", "float", "d"],
    ),
    (
        NumpyDtype::Float128,
        "float128",
        &["f16", "longdouble", "g"],
    ),
    (NumpyDtype::Complex64, "complex64", &["c8", "csingle", "F"]),
    (
        NumpyDtype::Complex128,
        "complex128",
        &["c16", "cdouble", "complex", "D"],
    ),
    (
        NumpyDtype::Complex256,
        "complex256",
        &["c32", "clongdouble", "G"],
    ),
    (NumpyDtype::Object, "object", &["O", "object_"]),
    (NumpyDtype::Str, "str", &["U", "str_", "U0"]),
    (NumpyDtype::Bytes, "bytes", &["S", "bytes_", "S0"]),
];

const TIME_UNITS: [&str; 13] = [
    "Y", "M", "W", "D", "h", "m", "s", "ms", "us", "ns", "ps", "fs", "as",
];

impl NumpyDtype {
    /// numpy's `dtype.name`, as MLflow writes it in `tensor-spec`.
    pub fn name(&self) -> String {
        match self {
            NumpyDtype::Datetime64(unit) => with_unit("datetime64", unit.as_deref()),
            NumpyDtype::Timedelta64(unit) => with_unit("timedelta64", unit.as_deref()),
            fixed => FIXED_NAMES
                .iter()
                .find(|(dtype, _, _)| dtype == fixed)
                .map(|(_, name, _)| (*name).to_owned())
                .unwrap_or_default(),
        }
    }

    /// Parses a dtype spelling as `np.dtype(...)` would, rejecting sized strings (`<U10`,
    /// `S5`) as MLflow does.
    pub fn parse(spelling: &str) -> Result<NumpyDtype, SchemaError> {
        let unknown = || SchemaError::UnknownNumpyDtype {
            found: spelling.to_owned(),
        };
        // A byte-order mark changes the layout, not the dtype's name.
        let body = spelling
            .strip_prefix(['<', '>', '=', '|'])
            .unwrap_or(spelling);
        if let Some(found) = FIXED_NAMES
            .iter()
            .find(|(_, name, aliases)| *name == body || aliases.contains(&body))
        {
            return Ok(found.0.clone());
        }
        if let Some(unit) = strip_any_prefix(body, &["datetime64", "M8", "M"]) {
            return parse_unit(unit)
                .map(NumpyDtype::Datetime64)
                .ok_or_else(unknown);
        }
        if let Some(unit) = strip_any_prefix(body, &["timedelta64", "m8", "m"]) {
            return parse_unit(unit)
                .map(NumpyDtype::Timedelta64)
                .ok_or_else(unknown);
        }
        let sized_flexible = ["U", "S", "a"].iter().any(|code| {
            body.strip_prefix(code)
                .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        });
        if sized_flexible {
            return Err(SchemaError::SizedFlexibleDtype {
                found: spelling.to_owned(),
            });
        }
        Err(unknown())
    }
}

fn with_unit(base: &str, unit: Option<&str>) -> String {
    match unit {
        Some(unit) => format!("{base}[{unit}]"),
        None => base.to_owned(),
    }
}

fn strip_any_prefix<'a>(text: &'a str, prefixes: &[&str]) -> Option<&'a str> {
    prefixes.iter().find_map(|p| text.strip_prefix(p))
}

/// `""` (generic) or `"[25ms]"`: an optional multiplier and one of numpy's units.
fn parse_unit(rest: &str) -> Option<Option<String>> {
    if rest.is_empty() {
        return Some(None);
    }
    let inner = rest.strip_prefix('[')?.strip_suffix(']')?;
    let unit_start = inner
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(inner.len());
    let (count, unit) = inner.split_at(unit_start);
    if !TIME_UNITS.contains(&unit) {
        return None;
    }
    // numpy drops a multiplier of 1 from the name.
    match count.trim_start_matches('0') {
        "" if count.is_empty() => Some(Some(unit.to_owned())),
        "" => None,
        "1" => Some(Some(unit.to_owned())),
        n => Some(Some(format!("{n}{unit}"))),
    }
}

impl fmt::Display for NumpyDtype {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())
    }
}

impl FromStr for NumpyDtype {
    type Err = SchemaError;

    fn from_str(spelling: &str) -> Result<Self, Self::Err> {
        NumpyDtype::parse(spelling)
    }
}

/// MLflow's `TensorSpec`: a named or unnamed tensor with a numpy dtype and a shape in which
/// `-1` marks a variable dimension.
#[derive(Clone, Debug, PartialEq)]
pub struct TensorSpec {
    name: Option<ColumnName>,
    dtype: NumpyDtype,
    shape: Vec<i64>,
}

impl TensorSpec {
    /// A named tensor.
    pub fn new(name: impl Into<ColumnName>, dtype: NumpyDtype, shape: impl Into<Vec<i64>>) -> Self {
        TensorSpec {
            name: Some(name.into()),
            dtype,
            shape: shape.into(),
        }
    }

    /// An unnamed tensor (only valid as the single input of a schema).
    pub fn unnamed(dtype: NumpyDtype, shape: impl Into<Vec<i64>>) -> Self {
        TensorSpec {
            name: None,
            dtype,
            shape: shape.into(),
        }
    }

    /// The name, `None` when unnamed.
    pub fn name(&self) -> Option<&ColumnName> {
        self.name.as_ref()
    }

    /// The element dtype.
    pub fn dtype(&self) -> &NumpyDtype {
        &self.dtype
    }

    /// The shape; `-1` is a variable dimension, `[]` a scalar.
    pub fn shape(&self) -> &[i64] {
        &self.shape
    }
}
