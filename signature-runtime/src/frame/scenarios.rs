//! The scenarios every frame engine must decide alike, written once: a column described without
//! an engine ([`Data`]), the MLflow type it is checked as, the mode, and the verdict. Each
//! engine's tests build the column in its own types ([`Engine`]) and [`run`] the table, so the
//! Arrow and Polars checkers cannot drift apart on these rows. What only one engine has
//! (Arrow's view and large types, Polars' categoricals and chunks) is tested beside that engine.

use crate::report::{ProblemKind, Report};
use crate::types::{ColSpec, ColumnType, DataType, Schema};
use crate::{CheckOptions, Mode};

/// One column's values, whatever the engine: the dtype and the values.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Data {
    /// An integer column of the given signedness and width.
    Int {
        signed: bool,
        bits: u32,
        values: &'static [Option<i128>],
    },
    /// A float column of 16 (Arrow only), 32 or 64 bits.
    Float {
        bits: u32,
        values: &'static [Option<f64>],
    },
    Bool(&'static [Option<bool>]),
    Utf8(&'static [Option<&'static str>]),
    Binary(&'static [Option<&'static [u8]>]),
}

impl Data {
    const fn int(signed: bool, bits: u32) -> Data {
        Data::Int {
            signed,
            bits,
            values: &[Some(1), Some(2)],
        }
    }

    const fn int64(values: &'static [Option<i128>]) -> Data {
        Data::Int {
            signed: true,
            bits: 64,
            values,
        }
    }
}

/// What the check decides.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Verdict {
    /// Valid, no warning; conforming gives the column the engine's type of the MLflow type.
    Accept,
    /// Valid with one warning of this kind; conformed as for `Accept`.
    Warn(ProblemKind),
    /// Valid with one warning of this kind; conforming keeps the column as it is (MLflow
    /// passes the values on unchecked).
    Kept(ProblemKind),
    /// One error of this kind at this pointer.
    Refuse(ProblemKind, &'static str),
}

/// One row of the table.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Scenario {
    pub(crate) ty: DataType,
    pub(crate) required: bool,
    pub(crate) mode: Mode,
    pub(crate) data: Data,
    pub(crate) verdict: Verdict,
}

/// What conforming made of a column, as [`run`] compares it.
pub(crate) struct Conformed {
    pub(crate) found: String,
    pub(crate) expected: String,
    pub(crate) rows: (usize, usize),
}

/// An engine the table runs against.
pub(crate) trait Engine {
    const NAME: &'static str;

    /// Checks `data` as the column `x` against `schema`; `None` when the engine has no dtype
    /// for it.
    fn check(schema: &Schema, options: &CheckOptions, data: &Data) -> Option<Report>;

    /// Conforms it: the conformed column's type and the one expected (the engine's type of
    /// `ty`, or the input's for `None`), in the engine's words, and the rows before and after;
    /// `Err` with the report when conforming fails.
    fn conform(
        schema: &Schema,
        options: &CheckOptions,
        data: &Data,
        ty: Option<&ColumnType>,
    ) -> Result<Conformed, String>;

    /// Whether the engine has a dtype for `data`: a row it cannot build must be one of these.
    fn has(data: &Data) -> bool;
}

const fn strict(ty: DataType, data: Data, verdict: Verdict) -> Scenario {
    Scenario {
        ty,
        required: true,
        mode: Mode::Strict,
        data,
        verdict,
    }
}

const fn mlflow(ty: DataType, data: Data, verdict: Verdict) -> Scenario {
    Scenario {
        ty,
        required: true,
        mode: Mode::MlflowServing,
        data,
        verdict,
    }
}

const ACCEPT: Verdict = Verdict::Accept;
const WRONG_TYPE: Verdict = Verdict::Refuse(ProblemKind::WrongType, "/x");
const CHANGED: Verdict = Verdict::Warn(ProblemKind::ValueChanged);

const I8: Data = Data::int(true, 8);
const I16: Data = Data::int(true, 16);
const I32: Data = Data::int(true, 32);
const I64: Data = Data::int(true, 64);
const U8: Data = Data::int(false, 8);
const U16: Data = Data::int(false, 16);
const U32: Data = Data::int(false, 32);
const U64: Data = Data::int(false, 64);
const F16: Data = Data::Float {
    bits: 16,
    values: &[Some(1.0)],
};
const F32: Data = Data::Float {
    bits: 32,
    values: &[Some(1.5)],
};
const F64: Data = Data::Float {
    bits: 64,
    values: &[Some(1.5)],
};
const BOOLS: Data = Data::Bool(&[Some(true), Some(false)]);
const TEXT: Data = Data::Utf8(&[Some("a"), Some("b")]);
const BYTES: Data = Data::Binary(&[Some(b"ab"), Some(b"cd")]);

/// The scalar rows of the type table in the [module docs](crate::frame), both modes.
pub(crate) const SCENARIOS: &[Scenario] = &[
    // `integer`: the integer types that fit in 32 bits.
    strict(DataType::Integer, I8, ACCEPT),
    strict(DataType::Integer, I16, ACCEPT),
    strict(DataType::Integer, I32, ACCEPT),
    strict(DataType::Integer, U8, ACCEPT),
    strict(DataType::Integer, U16, ACCEPT),
    strict(DataType::Integer, I64, WRONG_TYPE),
    strict(DataType::Integer, U32, WRONG_TYPE),
    strict(DataType::Integer, U64, WRONG_TYPE),
    strict(DataType::Integer, F64, WRONG_TYPE),
    strict(DataType::Integer, TEXT, WRONG_TYPE),
    // `long`: every integer type, UInt64 when its values fit.
    strict(DataType::Long, I8, ACCEPT),
    strict(DataType::Long, I16, ACCEPT),
    strict(DataType::Long, I32, ACCEPT),
    strict(DataType::Long, I64, ACCEPT),
    strict(DataType::Long, U8, ACCEPT),
    strict(DataType::Long, U16, ACCEPT),
    strict(DataType::Long, U32, ACCEPT),
    strict(DataType::Long, U64, ACCEPT),
    strict(
        DataType::Long,
        Data::Int {
            signed: false,
            bits: 64,
            values: &[Some(0), Some(i64::MAX as i128)],
        },
        ACCEPT,
    ),
    strict(
        DataType::Long,
        Data::Int {
            signed: false,
            bits: 64,
            values: &[Some(1), Some(u64::MAX as i128), Some(2), Some(1 << 63)],
        },
        Verdict::Refuse(ProblemKind::OutOfRange, "/x/1"),
    ),
    strict(DataType::Long, F32, WRONG_TYPE),
    strict(DataType::Long, F64, WRONG_TYPE),
    strict(DataType::Long, BOOLS, WRONG_TYPE),
    // `float`: floats of 32 bits or less, no integer.
    strict(DataType::Float, F16, ACCEPT),
    strict(DataType::Float, F32, ACCEPT),
    strict(DataType::Float, F64, WRONG_TYPE),
    strict(DataType::Float, I8, WRONG_TYPE),
    strict(DataType::Float, I16, WRONG_TYPE),
    strict(DataType::Float, I32, WRONG_TYPE),
    strict(DataType::Float, I64, WRONG_TYPE),
    strict(DataType::Float, U8, WRONG_TYPE),
    strict(DataType::Float, U16, WRONG_TYPE),
    strict(DataType::Float, U32, WRONG_TYPE),
    strict(DataType::Float, U64, WRONG_TYPE),
    // `double`: every float, the integers that fit in 53 bits.
    strict(DataType::Double, F16, ACCEPT),
    strict(DataType::Double, F32, ACCEPT),
    strict(DataType::Double, F64, ACCEPT),
    strict(DataType::Double, I8, ACCEPT),
    strict(DataType::Double, I16, ACCEPT),
    strict(DataType::Double, I32, ACCEPT),
    strict(DataType::Double, U8, ACCEPT),
    strict(DataType::Double, U16, ACCEPT),
    strict(DataType::Double, U32, ACCEPT),
    strict(DataType::Double, I64, WRONG_TYPE),
    strict(DataType::Double, U64, WRONG_TYPE),
    strict(DataType::Double, TEXT, WRONG_TYPE),
    // `boolean`, `string`, `binary`: their own types only.
    strict(DataType::Boolean, BOOLS, ACCEPT),
    strict(DataType::Boolean, I8, WRONG_TYPE),
    strict(DataType::Boolean, I32, WRONG_TYPE),
    strict(DataType::Boolean, TEXT, WRONG_TYPE),
    strict(DataType::String, TEXT, ACCEPT),
    strict(DataType::String, I64, WRONG_TYPE),
    strict(DataType::String, BYTES, WRONG_TYPE),
    strict(DataType::Binary, BYTES, ACCEPT),
    strict(DataType::Binary, TEXT, WRONG_TYPE),
    strict(DataType::Binary, U8, WRONG_TYPE),
    // The MLflow modes: MLflow's decision on the pandas column.
    mlflow(DataType::Long, I64, ACCEPT),
    mlflow(DataType::Long, U64, WRONG_TYPE),
    mlflow(DataType::Long, Data::int64(&[Some(1), None]), WRONG_TYPE),
    mlflow(DataType::Double, Data::int64(&[Some(1), None]), CHANGED),
    mlflow(DataType::Double, Data::int64(&[Some(0), Some(1)]), CHANGED),
    mlflow(
        DataType::Double,
        Data::int64(&[Some(0), Some(2)]),
        Verdict::Refuse(ProblemKind::WrongType, "/x/1"),
    ),
    mlflow(
        DataType::Float,
        I64,
        Verdict::Refuse(ProblemKind::WrongType, "/x/1"),
    ),
    mlflow(
        DataType::Binary,
        TEXT,
        Verdict::Kept(ProblemKind::ValueChanged),
    ),
    mlflow(DataType::String, TEXT, ACCEPT),
    mlflow(
        DataType::Double,
        Data::Bool(&[Some(true), None]),
        Verdict::Warn(ProblemKind::ValueChanged),
    ),
    mlflow(DataType::Integer, I64, WRONG_TYPE),
    mlflow(DataType::Integer, I32, ACCEPT),
];

/// Runs every scenario against `E`.
pub(crate) fn run<E: Engine>() {
    let mut ran = 0;
    for scenario in SCENARIOS {
        let spec = ColSpec::new("x", scenario.ty);
        let spec = if scenario.required {
            spec
        } else {
            spec.optional()
        };
        let schema = Schema::from_columns(vec![spec]).expect("a one-column schema");
        let options = CheckOptions::new().with_mode(scenario.mode);
        let context = format!("{}: {scenario:?}", E::NAME);
        let Some(report) = E::check(&schema, &options, &scenario.data) else {
            assert!(!E::has(&scenario.data), "{context}: not built");
            continue;
        };
        ran += 1;
        let ty = ColumnType::DataType(scenario.ty);
        match scenario.verdict {
            Verdict::Accept | Verdict::Warn(_) | Verdict::Kept(_) => {
                assert!(report.is_valid(), "{context}: {report}");
                let warnings: Vec<_> = report.warnings().map(|p| p.kind()).collect();
                let conformed = match scenario.verdict {
                    Verdict::Warn(kind) => {
                        assert_eq!(warnings, [kind], "{context}: {report}");
                        Some(&ty)
                    }
                    Verdict::Kept(kind) => {
                        assert_eq!(warnings, [kind], "{context}: {report}");
                        None
                    }
                    _ => {
                        assert!(warnings.is_empty(), "{context}: {report}");
                        Some(&ty)
                    }
                };
                let out = E::conform(&schema, &options, &scenario.data, conformed)
                    .unwrap_or_else(|why| panic!("{context}: {why}"));
                assert_eq!(out.found, out.expected, "{context}: the conformed type");
                assert_eq!(out.rows.0, out.rows.1, "{context}: the rows");
            }
            Verdict::Refuse(kind, pointer) => {
                let errors: Vec<_> = report.errors().collect();
                let kinds: Vec<_> = errors.iter().map(|p| p.kind()).collect();
                assert_eq!(kinds, [kind], "{context}: {report}");
                assert_eq!(errors[0].pointer(), pointer, "{context}: {report}");
                assert_eq!(errors[0].column(), Some("x"), "{context}");
                if kind == ProblemKind::WrongType {
                    assert_eq!(
                        errors[0].expected(),
                        Some(scenario.ty.to_string().as_str()),
                        "{context}"
                    );
                }
            }
        }
    }
    // A row an engine skips is one it has no dtype for (Float16 in Polars), never most.
    assert!(
        ran * 10 >= SCENARIOS.len() * 9,
        "{}: {ran} rows ran",
        E::NAME
    );
}
