//! The MLflow modes for a frame's scalar columns: the pandas dtype pyarrow's `to_pandas` gives a
//! column (for Polars, through Arrow), MLflow's decision on it
//! ([`enforce_datatype`](crate::pandas_rules::enforce::enforce_datatype), written once for both
//! checkers), and what that decision means for a frame: the conversion conforming performs and
//! the warning a change gets.

use crate::pandas_rules::enforce::{Decision, Objects, PandasDtype, enforce_datatype};
use crate::pandas_rules::numeric::Numeric;
use crate::types::{ColumnType, DataType};

use super::plan::{Cast, Kind};

/// MLflow's decision for a scalar column in the MLflow modes, for the column without nulls and
/// with some: pandas holds an integer column with nulls as float64 and a boolean one as objects
/// (pyarrow's `to_pandas`), and MLflow decides by the pandas dtype (docs/mlflow-behaviour.md §5,
/// §6).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct PandasLeaf {
    pub(crate) expected: DataType,
    pub(crate) without_nulls: Outcome,
    pub(crate) with_nulls: Outcome,
}

impl PandasLeaf {
    pub(crate) fn outcome(&self, has_nulls: bool) -> &Outcome {
        if has_nulls {
            &self.with_nulls
        } else {
            &self.without_nulls
        }
    }
}

/// What MLflow does with one pandas column.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Outcome {
    /// Accepted, through this conversion if any.
    Accept(Option<Cast>),
    /// Accepted, but MLflow changes the values or passes them on unchecked: what happens.
    Changed(Option<Cast>, String),
    /// An int64 column for `float` or `double`: accepted (and cast) only when every value is
    /// 0 or 1.
    ZeroOrOne(Cast),
    /// Refused; the note says why, when there is more to say than the types.
    Refuse(Option<&'static str>),
}

impl Outcome {
    /// The conversion conforming performs, as MLflow does.
    pub(crate) fn cast(&self) -> Option<&Cast> {
        match self {
            Outcome::Accept(cast) | Outcome::Changed(cast, _) => cast.as_ref(),
            Outcome::ZeroOrOne(cast) => Some(cast),
            Outcome::Refuse(_) => None,
        }
    }
}

/// The dtype pyarrow's `to_pandas` gives a column of `kind`.
pub(crate) fn pandas_dtype<T>(kind: &Kind<'_, T>, has_nulls: bool) -> PandasDtype {
    match kind {
        // `True`, `False` and `None`, which `pd.to_numeric` reads.
        Kind::Bool if has_nulls => PandasDtype::Object(Objects::Numeric),
        Kind::Bool => PandasDtype::Bool,
        // float64, NaN for the nulls.
        Kind::Number(Numeric::Int(..)) if has_nulls => PandasDtype::Number(Numeric::Float(53)),
        Kind::Number(numeric) => PandasDtype::Number(*numeric),
        Kind::Utf8 => PandasDtype::Str,
        Kind::Categorical => PandasDtype::Category,
        Kind::Timestamp { tz: true, .. } => PandasDtype::DatetimeTz,
        Kind::Timestamp { to_ns, .. } => PandasDtype::Datetime { to_ns: *to_ns },
        Kind::Date { .. } => PandasDtype::Object(Objects::Dates),
        Kind::Binary | Kind::List { .. } | Kind::Struct(_) | Kind::Map { .. } => {
            PandasDtype::Object(Objects::Other)
        }
        Kind::Null => PandasDtype::Object(Objects::Nones),
        Kind::Other => PandasDtype::Unknown,
    }
}

/// What the Python objects pandas holds for a column of `kind` are, as messages say it.
fn objects_held<T>(kind: &Kind<'_, T>) -> &'static str {
    match kind {
        Kind::Bool => "booleans and None",
        Kind::Binary => "bytes",
        Kind::Date { .. } => "datetime.date values",
        Kind::Null => "None",
        _ => "numpy arrays, dicts or lists",
    }
}

pub(crate) fn pandas_leaf<T>(to: DataType, kind: &Kind<'_, T>) -> PandasLeaf {
    PandasLeaf {
        expected: to,
        without_nulls: outcome(to, pandas_dtype(kind, false), kind, false),
        with_nulls: outcome(to, pandas_dtype(kind, true), kind, true),
    }
}

const MISSING_VALUES_HINT: &str = "pandas holds an integer column with nulls as float64, which \
     MLflow refuses for integer types; declare the column `double` if it may have nulls";

/// MLflow's decision on a pandas column of dtype `dtype`, made from a frame column of `kind`
/// (with nulls or not), as the frame's [`Outcome`].
pub(crate) fn outcome<T>(
    to: DataType,
    dtype: PandasDtype,
    kind: &Kind<'_, T>,
    has_nulls: bool,
) -> Outcome {
    let ints_with_nulls = has_nulls && matches!(kind, Kind::Number(Numeric::Int(..)));
    let to_double = || Cast::Widen(Numeric::Float(53));
    match enforce_datatype(to, dtype) {
        Decision::AsIs if ints_with_nulls => Outcome::Changed(
            Some(to_double()),
            "pandas holds an integer column with nulls as float64: MLflow gets NaN for the \
             nulls, and integers beyond 2^53 rounded"
                .to_owned(),
        ),
        Decision::AsIs => Outcome::Accept(None),
        Decision::Upcast => Outcome::Accept(Numeric::of(to).map(Cast::Widen)),
        Decision::ZeroOrOne => {
            Outcome::ZeroOrOne(Cast::Widen(Numeric::of(to).unwrap_or(Numeric::Float(53))))
        }
        Decision::ToDatetime | Decision::ToNumeric | Decision::PassedOn
            if matches!(kind, Kind::Null) =>
        {
            Outcome::Accept(Some(Cast::Nulls(ColumnType::DataType(to))))
        }
        Decision::ToDatetime => match kind {
            Kind::Timestamp { to_ns, .. } => Outcome::Accept(Some(Cast::TimestampToNs(*to_ns))),
            Kind::Date { to_ns } => Outcome::Accept(Some(Cast::DateToNs(*to_ns))),
            _ => Outcome::Refuse(None),
        },
        // Only booleans with nulls reach `pd.to_numeric` from a frame.
        Decision::ToNumeric => Outcome::Changed(
            Some(to_double()),
            "MLflow turns the booleans into 1.0 and 0.0 and the nulls into NaN; conforming \
             does the same, with nulls for NaN"
                .to_owned(),
        ),
        Decision::PassedOn => match (to, kind) {
            (DataType::Binary, Kind::Binary) | (DataType::Boolean, Kind::Bool) => {
                Outcome::Accept(None)
            }
            (_, Kind::Utf8) => Outcome::Changed(
                None,
                "MLflow passes pandas `str` values on as they are: the model gets text, not bytes"
                    .to_owned(),
            ),
            _ => Outcome::Changed(
                None,
                format!(
                    "pandas holds the column as Python objects ({}), which MLflow passes on \
                     unchecked as `{to}`",
                    objects_held(kind)
                ),
            ),
        },
        Decision::Refused(_)
            if ints_with_nulls && matches!(to, DataType::Integer | DataType::Long) =>
        {
            Outcome::Refuse(Some(MISSING_VALUES_HINT))
        }
        Decision::Refused(_) if ints_with_nulls && to == DataType::Float => Outcome::Refuse(Some(
            "pandas holds an integer column with nulls as float64, which MLflow does not \
                 narrow to `float`",
        )),
        Decision::Refused(note) => Outcome::Refuse(note),
    }
}

/// Why integers are refused for `float` and `double` inside nested columns.
pub(crate) const ZERO_OR_ONE_CELLS: &str = "MLflow takes integers as `float` or `double` when \
     every value is 0 or 1; the MLflow modes apply that rule to top-level columns only";

/// MLflow's decision for the items of an `array<to>` row: the row's numpy array (of the items'
/// dtype, changed by nulls as for columns) checked as a pandas column, then converted with
/// `to_numpy(dtype)`. Where that conversion would change the items, refused (see
/// `docs/mlflow-differences.md`).
pub(crate) fn item_outcome<T>(to: DataType, kind: &Kind<'_, T>, has_nulls: bool) -> Outcome {
    match kind {
        Kind::Utf8 | Kind::Binary | Kind::Bool | Kind::Null if has_nulls => Outcome::Refuse(Some(
            "MLflow turns null text, bytes or boolean items into the text `None` (cut to \
                 the row's longest item), `b\"None\"` or `false`",
        )),
        Kind::Utf8 if to == DataType::String => Outcome::Accept(None),
        Kind::Binary if to == DataType::Binary => Outcome::Accept(None),
        Kind::Utf8 | Kind::Binary => Outcome::Refuse(Some(
            "MLflow converts text and bytes items with numpy (text to ASCII bytes, bytes to \
             text, bytes to booleans by truthiness) or refuses them",
        )),
        kind => match outcome(to, pandas_dtype(kind, has_nulls), kind, has_nulls) {
            Outcome::Changed(..) => Outcome::Refuse(Some(
                "pandas holds these items as Python objects, which MLflow converts with numpy",
            )),
            outcome => outcome,
        },
    }
}

/// MLflow's decision for a scalar value of an `object` property: MLflow checks the Python value
/// as a one-value pandas column, so any integer is an int64 and any float a float64.
pub(crate) fn value_outcome<T>(to: DataType, kind: &Kind<'_, T>) -> Outcome {
    let python = match kind {
        Kind::Number(Numeric::Int(..)) => PandasDtype::Number(Numeric::Int(true, 64)),
        Kind::Number(Numeric::Float(_)) => PandasDtype::Number(Numeric::Float(53)),
        kind => pandas_dtype(kind, false),
    };
    outcome(to, python, kind, false)
}
