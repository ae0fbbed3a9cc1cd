//! Arrow's types and schemas as the shared planner ([`crate::frame::plan`]) sees them.

use std::collections::HashMap;

use arrow_schema::{DataType as ArrowType, Fields, Schema as ArrowSchema, TimeUnit};

use crate::frame::plan::{self as shared, FrameSchema, FrameType, Kind};
use crate::pandas_rules::numeric::Numeric;
use crate::report::Problem;
use crate::{CheckOptions, Schema};

pub(crate) use crate::frame::pandas::{Outcome, PandasLeaf};
pub(crate) use crate::frame::plan::{Cast, Len, Node, NodeKind, Plan};

/// Builds the plan for `input` against `schema`, passing each problem to `report`.
pub(crate) fn plan(
    schema: Option<&Schema>,
    input: &ArrowSchema,
    options: &CheckOptions,
    report: &mut dyn FnMut(Problem),
) -> Plan {
    shared::plan(schema, &ArrowColumns::new(input), options, report)
}

impl FrameType for ArrowType {
    const FIXED_LISTS: &'static str = "lists";

    fn kind(&self) -> Kind<'_, Self> {
        if let Some(numeric) = numeric(self) {
            return Kind::Number(numeric);
        }
        match self {
            ArrowType::Boolean => Kind::Bool,
            ty if is_string(ty) => Kind::Utf8,
            ArrowType::Binary
            | ArrowType::LargeBinary
            | ArrowType::BinaryView
            | ArrowType::FixedSizeBinary(_) => Kind::Binary,
            ArrowType::Timestamp(unit, tz) => Kind::Timestamp {
                to_ns: match unit {
                    TimeUnit::Nanosecond => 1,
                    TimeUnit::Microsecond => 1_000,
                    TimeUnit::Millisecond => 1_000_000,
                    TimeUnit::Second => 1_000_000_000,
                },
                tz: tz.is_some(),
            },
            ArrowType::Date32 => Kind::Date {
                to_ns: 86_400_000_000_000,
            },
            ArrowType::Date64 => Kind::Date { to_ns: 1_000_000 },
            ArrowType::List(item)
            | ArrowType::LargeList(item)
            | ArrowType::ListView(item)
            | ArrowType::LargeListView(item) => Kind::List {
                item: item.data_type(),
                size: None,
            },
            ArrowType::FixedSizeList(item, size) => Kind::List {
                item: item.data_type(),
                size: Some(usize::try_from(*size).unwrap_or(0)),
            },
            ArrowType::Struct(fields) => Kind::Struct(
                fields
                    .iter()
                    .map(|f| (f.name().as_str(), f.data_type()))
                    .collect(),
            ),
            ArrowType::Map(entries, _) => match entries.data_type() {
                ArrowType::Struct(fields) if fields.len() == 2 => Kind::Map {
                    key: fields[0].data_type(),
                    value: fields[1].data_type(),
                },
                _ => Kind::Other,
            },
            ArrowType::Dictionary(_, values) if is_string(values) => Kind::Categorical,
            ArrowType::Null => Kind::Null,
            _ => Kind::Other,
        }
    }
}

/// An Arrow schema's columns, found by name with a linear scan for the usual handful and a
/// hash map beyond.
struct ArrowColumns<'a> {
    fields: &'a Fields,
    by_name: Option<HashMap<&'a str, usize>>,
}

impl<'a> ArrowColumns<'a> {
    const SCAN_UP_TO: usize = 32;

    fn new(schema: &'a ArrowSchema) -> Self {
        let fields = schema.fields();
        let by_name = (fields.len() > Self::SCAN_UP_TO).then(|| {
            let mut map = HashMap::with_capacity(fields.len());
            for (i, field) in fields.iter().enumerate() {
                map.entry(field.name().as_str()).or_insert(i);
            }
            map
        });
        ArrowColumns { fields, by_name }
    }
}

impl FrameSchema for ArrowColumns<'_> {
    type Type = ArrowType;

    fn len(&self) -> usize {
        self.fields.len()
    }

    fn column(&self, index: usize) -> (&str, &ArrowType) {
        let field = &self.fields[index];
        (field.name(), field.data_type())
    }

    fn find(&self, name: &str) -> Option<usize> {
        match &self.by_name {
            None => self.fields.iter().position(|f| f.name() == name),
            Some(map) => map.get(name).copied(),
        }
    }

    fn duplicates(&self) -> Vec<&str> {
        let names: Vec<&str> = self.fields.iter().map(|f| f.name().as_str()).collect();
        repeated_names(&names)
    }
}

pub(crate) fn is_string(ty: &ArrowType) -> bool {
    matches!(
        ty,
        ArrowType::Utf8 | ArrowType::LargeUtf8 | ArrowType::Utf8View
    )
}

/// Integers: (signed, bits). Floats: mantissa bits (with the implicit one).
fn numeric(ty: &ArrowType) -> Option<Numeric> {
    Some(match ty {
        ArrowType::Int8 => Numeric::Int(true, 8),
        ArrowType::Int16 => Numeric::Int(true, 16),
        ArrowType::Int32 => Numeric::Int(true, 32),
        ArrowType::Int64 => Numeric::Int(true, 64),
        ArrowType::UInt8 => Numeric::Int(false, 8),
        ArrowType::UInt16 => Numeric::Int(false, 16),
        ArrowType::UInt32 => Numeric::Int(false, 32),
        ArrowType::UInt64 => Numeric::Int(false, 64),
        ArrowType::Float16 => Numeric::Float(11),
        ArrowType::Float32 => Numeric::Float(24),
        ArrowType::Float64 => Numeric::Float(53),
        _ => return None,
    })
}

/// The Arrow type a numeric dtype is held in.
pub(crate) fn numeric_type(numeric: Numeric) -> Option<ArrowType> {
    Some(match numeric {
        Numeric::Int(true, 8) => ArrowType::Int8,
        Numeric::Int(true, 16) => ArrowType::Int16,
        Numeric::Int(true, 32) => ArrowType::Int32,
        Numeric::Int(true, 64) => ArrowType::Int64,
        Numeric::Int(false, 8) => ArrowType::UInt8,
        Numeric::Int(false, 16) => ArrowType::UInt16,
        Numeric::Int(false, 32) => ArrowType::UInt32,
        Numeric::Int(false, 64) => ArrowType::UInt64,
        Numeric::Float(11) => ArrowType::Float16,
        Numeric::Float(24) => ArrowType::Float32,
        Numeric::Float(53) => ArrowType::Float64,
        _ => return None,
    })
}

/// The names given to more than one of `names`, each once, in the order they first appear.
/// A scan for the usual handful of columns, a hash map beyond.
fn repeated_names<'a>(names: &[&'a str]) -> Vec<&'a str> {
    let mut repeated = Vec::new();
    if names.len() <= ArrowColumns::SCAN_UP_TO {
        for (i, name) in names.iter().enumerate() {
            let first = names.iter().position(|n| n == name) == Some(i);
            if first && names[i + 1..].contains(name) {
                repeated.push(*name);
            }
        }
    } else {
        let mut counts: HashMap<&str, usize> = HashMap::with_capacity(names.len());
        for name in names {
            *counts.entry(name).or_default() += 1;
        }
        for name in names {
            if let Some(count) = counts.get_mut(name)
                && *count > 1
            {
                // Listed once: later occurrences find the count cleared.
                *count = 0;
                repeated.push(*name);
            }
        }
    }
    repeated
}
