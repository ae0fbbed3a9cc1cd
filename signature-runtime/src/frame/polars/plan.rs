//! Polars' types and schemas as the shared planner ([`crate::frame::plan`]) sees them, and
//! the types a plan's conversions give in Polars.

use polars_core::prelude::{DataType as PlType, Field, Schema as PlSchema, TimeUnit};

use crate::frame::plan::{self as shared, FrameSchema, FrameType, Kind};
use crate::pandas_rules::numeric::Numeric;
use crate::report::Problem;
use crate::{CheckOptions, Schema};

use super::polars_type;

pub(crate) use crate::frame::pandas::{Outcome, PandasLeaf};
pub(crate) use crate::frame::plan::{Cast, Len, Node, NodeKind, Plan};

/// Builds the plan for `input` against `schema`, passing each problem to `report`. Polars
/// column names are unique, so there are no duplicates to report.
pub(crate) fn plan(
    schema: Option<&Schema>,
    input: &PlSchema,
    options: &CheckOptions,
    report: &mut dyn FnMut(Problem),
) -> Plan {
    shared::plan(schema, input, options, report)
}

impl FrameType for PlType {
    const FIXED_LISTS: &'static str = "arrays";
    // A map column arrives in Polars as a list of key/value structs, which is not what
    // MLflow's `map` is.
    const NO_MAP: Option<&'static str> =
        Some("Polars has no map type; a `map` column cannot come from a Polars frame");

    fn kind(&self) -> Kind<'_, Self> {
        if let Some(numeric) = numeric(self) {
            return Kind::Number(numeric);
        }
        match self {
            PlType::Boolean => Kind::Bool,
            PlType::String => Kind::Utf8,
            PlType::Binary | PlType::BinaryOffset => Kind::Binary,
            PlType::Datetime(unit, tz) => Kind::Timestamp {
                to_ns: match unit {
                    TimeUnit::Nanoseconds => 1,
                    TimeUnit::Microseconds => 1_000,
                    TimeUnit::Milliseconds => 1_000_000,
                },
                tz: tz.is_some(),
            },
            PlType::Date => Kind::Date {
                to_ns: 86_400_000_000_000,
            },
            PlType::List(item) => Kind::List { item, size: None },
            PlType::Array(item, size) => Kind::List {
                item,
                size: Some(*size),
            },
            PlType::Struct(fields) => Kind::Struct(
                fields
                    .iter()
                    .map(|f| (f.name().as_str(), f.dtype()))
                    .collect(),
            ),
            PlType::Categorical(..) | PlType::Enum(..) => Kind::Categorical,
            PlType::Null => Kind::Null,
            _ => Kind::Other,
        }
    }
}

impl FrameSchema for PlSchema {
    type Type = PlType;

    fn len(&self) -> usize {
        PlSchema::len(self)
    }

    fn column(&self, index: usize) -> (&str, &PlType) {
        let (name, ty) = self
            .get_at_index(index)
            .expect("the planner asks only for indices below len()");
        (name.as_str(), ty)
    }

    fn find(&self, name: &str) -> Option<usize> {
        self.index_of(name)
    }
}

/// Integers: (signed, bits). Floats: mantissa bits (with the implicit one).
fn numeric(ty: &PlType) -> Option<Numeric> {
    Some(match ty {
        PlType::Int8 => Numeric::Int(true, 8),
        PlType::Int16 => Numeric::Int(true, 16),
        PlType::Int32 => Numeric::Int(true, 32),
        PlType::Int64 => Numeric::Int(true, 64),
        PlType::Int128 => Numeric::Int(true, 128),
        PlType::UInt8 => Numeric::Int(false, 8),
        PlType::UInt16 => Numeric::Int(false, 16),
        PlType::UInt32 => Numeric::Int(false, 32),
        PlType::UInt64 => Numeric::Int(false, 64),
        PlType::UInt128 => Numeric::Int(false, 128),
        PlType::Float16 => Numeric::Float(11),
        PlType::Float32 => Numeric::Float(24),
        PlType::Float64 => Numeric::Float(53),
        _ => return None,
    })
}

/// The Polars type a numeric dtype is held in.
fn numeric_type(numeric: Numeric) -> PlType {
    match numeric {
        Numeric::Int(true, 8) => PlType::Int8,
        Numeric::Int(true, 16) => PlType::Int16,
        Numeric::Int(true, 32) => PlType::Int32,
        Numeric::Int(true, 64) => PlType::Int64,
        Numeric::Int(true, _) => PlType::Int128,
        Numeric::Int(false, 8) => PlType::UInt8,
        Numeric::Int(false, 16) => PlType::UInt16,
        Numeric::Int(false, 32) => PlType::UInt32,
        Numeric::Int(false, 64) => PlType::UInt64,
        Numeric::Int(false, _) => PlType::UInt128,
        Numeric::Float(11) => PlType::Float16,
        Numeric::Float(24) => PlType::Float32,
        Numeric::Float(_) => PlType::Float64,
    }
}

/// The type a conversion gives.
pub(crate) fn cast_target(cast: &Cast) -> PlType {
    match cast {
        Cast::Widen(numeric) => numeric_type(*numeric),
        Cast::Nulls(ty) => polars_type(ty),
        Cast::U64ToI64 => PlType::Int64,
        Cast::TimestampToNs(_) | Cast::DateToNs(_) => PlType::Datetime(TimeUnit::Nanoseconds, None),
        Cast::Dictionary => PlType::String,
    }
}

/// The type `found` becomes through `node`.
pub(crate) fn target(node: &Node, found: &PlType) -> PlType {
    match (&node.kind, found) {
        (NodeKind::Keep | NodeKind::Leaf(None), _) => found.clone(),
        (NodeKind::Leaf(Some(cast)), _) => cast_target(cast),
        (NodeKind::List { item, .. }, PlType::List(inner)) => {
            PlType::List(Box::new(target(item, inner)))
        }
        (NodeKind::List { item, .. }, PlType::Array(inner, size)) => {
            PlType::Array(Box::new(target(item, inner)), *size)
        }
        (NodeKind::Struct(nodes), PlType::Struct(fields)) => PlType::Struct(
            fields
                .iter()
                .zip(nodes)
                .map(|(field, node)| Field::new(field.name().clone(), target(node, field.dtype())))
                .collect(),
        ),
        _ => found.clone(),
    }
}
