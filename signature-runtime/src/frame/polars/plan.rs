//! Matching a Polars schema to a signature, once per schema and in `O(columns)`: what each
//! input column becomes, and every problem that does not depend on the values.

use polars_core::prelude::{DataType as PlType, Field, Schema as PlSchema, TimeUnit};

use crate::frame::numeric::{Numeric, NumericLeaf, numeric_leaf};
use crate::frame::{FieldPath, problems};
use crate::report::Problem;
use crate::types::{
    ColSpec, ColumnName, ColumnType, DataType, NumpyDtype, SchemaInputs, TensorSpec,
};
use crate::{CheckOptions, ExtraColumns, Schema};

use super::polars_type;

/// How an input column becomes a conformed column: which checks its values need and which
/// conversion, level by level.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Node {
    /// Whether nulls are allowed at this level.
    pub(crate) nulls: bool,
    pub(crate) kind: NodeKind,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum NodeKind {
    /// Anything, as is: `any`, tensors of dtype `object`.
    Keep,
    /// A scalar, with the conversion it needs (if any).
    Leaf(Option<Cast>),
    /// A List or an Array, with a rule on each row's length (tensors).
    List { item: Box<Node>, len: Len },
    /// A struct, one node per field of the input, in the input's order.
    Struct(Vec<Node>),
}

/// What a variable-length list row must hold (tensor dimensions).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Len {
    Any,
    Exactly(usize),
    /// The same length in every row (a `-1` dimension below the first).
    Uniform,
}

/// A conversion of a scalar column.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Cast {
    /// A lossless numeric conversion to this primitive type.
    Widen(PlType),
    /// UInt64 to Int64, for values up to `i64::MAX` (checked).
    U64ToI64,
    /// Datetime in a coarser unit to nanoseconds: multiply by this (checked).
    DatetimeToNs(i64),
    /// Days to nanosecond datetimes (checked).
    DateToNs,
    /// A column of Polars' Null type to nulls of this type.
    Nulls(PlType),
}

impl Cast {
    /// The type the conversion gives.
    pub(crate) fn target(&self) -> PlType {
        match self {
            Cast::Widen(ty) | Cast::Nulls(ty) => ty.clone(),
            Cast::U64ToI64 => PlType::Int64,
            Cast::DatetimeToNs(_) | Cast::DateToNs => PlType::Datetime(TimeUnit::Nanoseconds, None),
        }
    }
}

impl Node {
    fn new(nulls: bool, kind: NodeKind) -> Self {
        Node { nulls, kind }
    }

    /// Whether conforming must build a new column (otherwise the input is shared as is).
    pub(crate) fn needs_cast(&self) -> bool {
        match &self.kind {
            NodeKind::Keep | NodeKind::Leaf(None) => false,
            NodeKind::Leaf(Some(_)) => true,
            NodeKind::List { item, .. } => item.needs_cast(),
            NodeKind::Struct(fields) => fields.iter().any(Node::needs_cast),
        }
    }

    /// Whether checking looks at more than the top-level validity.
    pub(crate) fn is_flat(&self) -> bool {
        matches!(
            &self.kind,
            NodeKind::Keep | NodeKind::Leaf(None | Some(Cast::Widen(_) | Cast::Nulls(_)))
        )
    }

    /// The type `found` becomes through this node.
    pub(crate) fn target(&self, found: &PlType) -> PlType {
        match (&self.kind, found) {
            (NodeKind::Keep | NodeKind::Leaf(None), _) => found.clone(),
            (NodeKind::Leaf(Some(cast)), _) => cast.target(),
            (NodeKind::List { item, .. }, PlType::List(inner)) => {
                PlType::List(Box::new(item.target(inner)))
            }
            (NodeKind::List { item, .. }, PlType::Array(inner, size)) => {
                PlType::Array(Box::new(item.target(inner)), *size)
            }
            (NodeKind::Struct(nodes), PlType::Struct(fields)) => PlType::Struct(
                fields
                    .iter()
                    .zip(nodes)
                    .map(|(field, node)| {
                        Field::new(field.name().clone(), node.target(field.dtype()))
                    })
                    .collect(),
            ),
            _ => found.clone(),
        }
    }
}

/// One conformed column: where it comes from and what it goes through.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct ColumnPlan {
    pub(crate) source: usize,
    pub(crate) node: Node,
}

/// The plan for one Polars schema: the conformed columns in the signature's order.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Plan {
    pub(crate) columns: Vec<ColumnPlan>,
    /// Whether every column could be matched, so conforming is possible.
    pub(crate) complete: bool,
}

/// Builds the plan for `input` against `schema`, passing each problem to `report`. Polars
/// column names are unique, so there are no duplicates to report.
pub(crate) fn plan(
    schema: Option<&Schema>,
    input: &PlSchema,
    options: &CheckOptions,
    report: &mut dyn FnMut(Problem),
) -> Plan {
    let mut builder = Builder { report, errors: 0 };
    let Some(schema) = schema else {
        // No input schema: MLflow checks nothing, and neither do we.
        let columns = (0..input.len())
            .map(|source| ColumnPlan {
                source,
                node: Node::new(true, NodeKind::Keep),
            })
            .collect();
        return Plan {
            columns,
            complete: true,
        };
    };
    let mut used = vec![false; input.len()];
    let mut columns = Vec::with_capacity(schema.len());
    match schema.inputs() {
        SchemaInputs::Columns(specs) if schema.has_input_names() => {
            for spec in specs {
                let Some(name) = spec.name() else { continue };
                match find(input, name) {
                    Some((source, found_name, found)) => {
                        used[source] = true;
                        if let Some(node) = builder.column(spec, found_name, found) {
                            columns.push(ColumnPlan { source, node });
                        }
                    }
                    None if spec.required() => {
                        builder.error(problems::missing_column(&name.to_string(), false));
                    }
                    None => {}
                }
            }
        }
        SchemaInputs::Columns(specs) => {
            for (position, spec) in specs.iter().enumerate() {
                match input.get_at_index(position) {
                    Some((found_name, found)) => {
                        used[position] = true;
                        if let Some(node) = builder.column(spec, found_name, found) {
                            columns.push(ColumnPlan {
                                source: position,
                                node,
                            });
                        }
                    }
                    None => builder.error(problems::missing_position(
                        position,
                        specs.len(),
                        input.len(),
                    )),
                }
            }
        }
        SchemaInputs::Tensors(specs) => match specs.as_slice() {
            [spec] if spec.name().is_none() => {
                builder.unnamed_tensor(spec, input, &mut used, &mut columns);
            }
            _ => {
                for spec in specs {
                    let Some(name) = spec.name() else { continue };
                    match find(input, name) {
                        Some((source, found_name, found)) => {
                            used[source] = true;
                            if let Some(node) = builder.tensor(spec, found_name, found) {
                                columns.push(ColumnPlan { source, node });
                            }
                        }
                        None => builder.error(problems::missing_column(&name.to_string(), true)),
                    }
                }
            }
        },
    }
    for ((name, _), used) in input.iter().zip(&used) {
        if !used {
            let problem = problems::extra_column(name, options.extra_columns());
            if options.extra_columns() == ExtraColumns::Reject {
                builder.error(problem);
            } else {
                (builder.report)(problem);
            }
        }
    }
    Plan {
        columns,
        complete: builder.errors == 0,
    }
}

/// The column called `name` (a hash lookup); an integer name matches its decimal spelling,
/// since Polars names are text (a pandas column `0` becomes `"0"`).
fn find<'s>(input: &'s PlSchema, name: &ColumnName) -> Option<(usize, &'s str, &'s PlType)> {
    let spelled;
    let name = match name {
        ColumnName::Str(name) => name.as_str(),
        ColumnName::Int(i) => {
            spelled = i.to_string();
            spelled.as_str()
        }
    };
    input
        .get_full(name)
        .map(|(index, name, ty)| (index, name.as_str(), ty))
}

struct Builder<'r> {
    report: &'r mut dyn FnMut(Problem),
    errors: usize,
}

impl Builder<'_> {
    fn error(&mut self, problem: Problem) {
        self.errors += 1;
        (self.report)(problem);
    }

    fn column(&mut self, spec: &ColSpec, column: &str, found: &PlType) -> Option<Node> {
        // An unnamed column is always required (MLflow's rule).
        let nulls = !spec.required() && spec.name().is_some();
        self.node(spec.ty(), found, nulls, column, &FieldPath::default())
    }

    fn node(
        &mut self,
        ty: &ColumnType,
        found: &PlType,
        nulls: bool,
        column: &str,
        path: &FieldPath,
    ) -> Option<Node> {
        if matches!(ty, ColumnType::AnyType) {
            return Some(Node::new(true, NodeKind::Keep));
        }
        if found == &PlType::Null {
            return Some(Node::new(
                nulls,
                NodeKind::Leaf(Some(Cast::Nulls(polars_type(ty)))),
            ));
        }
        let mismatch = |this: &mut Self, note: Option<&str>| {
            this.error(problems::wrong_type(
                column,
                path,
                &ty.to_string(),
                &found.to_string(),
                note,
            ));
            None
        };
        match ty {
            ColumnType::AnyType => Some(Node::new(true, NodeKind::Keep)),
            ColumnType::DataType(t) => match column_leaf(*t, found) {
                Ok(cast) => Some(Node::new(nulls, NodeKind::Leaf(cast))),
                Err(note) => mismatch(self, note),
            },
            ColumnType::Array(_) | ColumnType::SparkMLVector => {
                let items = match ty {
                    ColumnType::Array(array) => array.items().clone(),
                    _ => ColumnType::DataType(DataType::Double),
                };
                let Some(item) = list_item(found) else {
                    return mismatch(self, None);
                };
                let item = self.node(&items, item, false, column, &path.item())?;
                Some(Node::new(
                    nulls,
                    NodeKind::List {
                        item: Box::new(item),
                        len: Len::Any,
                    },
                ))
            }
            ColumnType::Object(object) => {
                let PlType::Struct(fields) = found else {
                    return mismatch(self, None);
                };
                let mut nodes = Vec::with_capacity(fields.len());
                let mut ok = true;
                for field in fields {
                    match object.property(field.name()) {
                        Some(property) => {
                            let node = self.node(
                                property.dtype(),
                                field.dtype(),
                                !property.required(),
                                column,
                                &path.property(field.name()),
                            );
                            ok &= node.is_some();
                            nodes.extend(node);
                        }
                        None => {
                            ok = false;
                            self.error(problems::unknown_property(column, path, field.name()));
                        }
                    }
                }
                for property in object.properties() {
                    if property.required() && !fields.iter().any(|f| f.name() == property.name()) {
                        ok = false;
                        self.error(problems::missing_property(column, path, property.name()));
                    }
                }
                ok.then(|| Node::new(nulls, NodeKind::Struct(nodes)))
            }
            // Polars has no map type; a map column arrives as a list of key/value structs,
            // which is not what MLflow's `map` is.
            ColumnType::Map(_) => mismatch(
                self,
                Some("Polars has no map type; a `map` column cannot come from a Polars frame"),
            ),
        }
    }

    fn tensor(&mut self, spec: &TensorSpec, column: &str, found: &PlType) -> Option<Node> {
        if spec.dtype() == &NumpyDtype::Object {
            return Some(Node::new(true, NodeKind::Keep));
        }
        let shape = spec.shape();
        if shape.first() != Some(&-1) {
            self.error(problems::tensor_shape(
                column,
                &FieldPath::default(),
                format!(
                    "a data frame column can only hold a tensor whose first dimension is -1 \
                     (one row per row), but the shape is {shape:?}"
                ),
            ));
            return None;
        }
        self.tensor_level(spec, &shape[1..], found, column, &FieldPath::default())
    }

    fn tensor_level(
        &mut self,
        spec: &TensorSpec,
        dims: &[i64],
        found: &PlType,
        column: &str,
        path: &FieldPath,
    ) -> Option<Node> {
        if let Some(item) = list_item(found) {
            let Some((&dim, rest)) = dims.split_first() else {
                self.error(problems::tensor_shape(
                    column,
                    path,
                    format!("has more dimensions than the shape {:?}", spec.shape()),
                ));
                return None;
            };
            let len = match (found, usize::try_from(dim)) {
                (PlType::Array(_, size), Ok(dim)) if *size != dim => {
                    self.error(problems::tensor_shape(
                        column,
                        path,
                        format!(
                            "has arrays of {size} values where the shape {:?} has {dim}",
                            spec.shape()
                        ),
                    ));
                    return None;
                }
                (PlType::Array(..), _) => Len::Any,
                (_, Ok(dim)) => Len::Exactly(dim),
                (_, Err(_)) => Len::Uniform,
            };
            let item = self.tensor_level(spec, rest, item, column, &path.item())?;
            return Some(Node::new(
                false,
                NodeKind::List {
                    item: Box::new(item),
                    len,
                },
            ));
        }
        if !(dims.is_empty() || dims == [1]) {
            self.error(problems::tensor_shape(
                column,
                path,
                format!(
                    "holds single values ({found}) where the shape {:?} has {} more dimension(s)",
                    spec.shape(),
                    dims.len()
                ),
            ));
            return None;
        }
        match tensor_leaf(spec.dtype(), found) {
            Ok(cast) => Some(Node::new(false, NodeKind::Leaf(cast))),
            Err(note) => {
                self.error(problems::wrong_type(
                    column,
                    path,
                    &spec.dtype().name(),
                    &found.to_string(),
                    note,
                ));
                None
            }
        }
    }

    fn unnamed_tensor(
        &mut self,
        spec: &TensorSpec,
        input: &PlSchema,
        used: &mut [bool],
        columns: &mut Vec<ColumnPlan>,
    ) {
        match input.len() {
            0 => self.error(problems::missing_position(0, 1, 0)),
            1 => {
                used[0] = true;
                if let Some((name, found)) = input.get_at_index(0)
                    && let Some(node) = self.tensor(spec, name, found)
                {
                    columns.push(ColumnPlan { source: 0, node });
                }
            }
            n => {
                let wanted = [-1, i64::try_from(n).unwrap_or(i64::MAX)];
                if spec.shape() != wanted {
                    self.error(problems::tensor_shape(
                        "",
                        &FieldPath::default(),
                        format!(
                            "the data has {n} columns, so the unnamed tensor's shape must be \
                             {wanted:?}, but it is {:?}",
                            spec.shape()
                        ),
                    ));
                    return;
                }
                for (source, (name, found)) in input.iter().enumerate() {
                    used[source] = true;
                    let scalar = TensorSpec::unnamed(spec.dtype().clone(), vec![-1]);
                    if let Some(node) = self.tensor(&scalar, name, found) {
                        columns.push(ColumnPlan { source, node });
                    }
                }
            }
        }
    }
}

fn list_item(ty: &PlType) -> Option<&PlType> {
    match ty {
        PlType::List(item) | PlType::Array(item, _) => Some(item),
        _ => None,
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

/// Whether every value of `from` is exactly a value of `to`.
fn lossless(from: &PlType, to: &PlType) -> bool {
    matches!((numeric(from), numeric(to)), (Some(f), Some(t)) if f.fits_losslessly(t))
}

/// How a scalar Polars column becomes an MLflow data type: `Ok(None)` as is,
/// `Ok(Some(cast))` through a conversion, `Err(note)` not at all.
pub(crate) fn column_leaf(
    to: DataType,
    from: &PlType,
) -> Result<Option<Cast>, Option<&'static str>> {
    if let Some(leaf) = numeric_leaf(to, numeric(from)) {
        return match leaf {
            NumericLeaf::AsIs => Ok(None),
            NumericLeaf::U64ToI64 => Ok(Some(Cast::U64ToI64)),
            NumericLeaf::Widen => Ok(Some(Cast::Widen(numeric_dtype(to)))),
            NumericLeaf::Refused(note) => Err(note),
        };
    }
    match (to, from) {
        (DataType::Boolean, PlType::Boolean) => Ok(None),
        (DataType::String, PlType::String) => Ok(None),
        (DataType::Binary, PlType::Binary | PlType::BinaryOffset) => Ok(None),
        (DataType::Datetime, PlType::Datetime(unit, None)) => Ok(match unit {
            TimeUnit::Nanoseconds => None,
            TimeUnit::Microseconds => Some(Cast::DatetimeToNs(1_000)),
            TimeUnit::Milliseconds => Some(Cast::DatetimeToNs(1_000_000)),
        }),
        (DataType::Datetime, PlType::Datetime(_, Some(_))) => Err(Some(
            "MLflow's `datetime` is timezone-naive and MLflow refuses timezone-aware columns; \
             convert the column to naive datetimes first",
        )),
        (DataType::Datetime, PlType::Date) => Ok(Some(Cast::DateToNs)),
        _ => Err(None),
    }
}

/// The dtype a numeric MLflow type is held in (only called for numeric types).
fn numeric_dtype(to: DataType) -> PlType {
    match to {
        DataType::Integer => PlType::Int32,
        DataType::Long => PlType::Int64,
        DataType::Float => PlType::Float32,
        _ => PlType::Float64,
    }
}

/// The Polars type a numpy dtype's values are, if any.
fn numpy_polars(dtype: &NumpyDtype) -> Option<PlType> {
    Some(match dtype {
        NumpyDtype::Bool => PlType::Boolean,
        NumpyDtype::Int8 => PlType::Int8,
        NumpyDtype::Int16 => PlType::Int16,
        NumpyDtype::Int32 => PlType::Int32,
        NumpyDtype::Int64 => PlType::Int64,
        NumpyDtype::UInt8 => PlType::UInt8,
        NumpyDtype::UInt16 => PlType::UInt16,
        NumpyDtype::UInt32 => PlType::UInt32,
        NumpyDtype::UInt64 => PlType::UInt64,
        NumpyDtype::Float16 => PlType::Float16,
        NumpyDtype::Float32 => PlType::Float32,
        NumpyDtype::Float64 => PlType::Float64,
        NumpyDtype::Str => PlType::String,
        NumpyDtype::Bytes => PlType::Binary,
        NumpyDtype::Datetime64(Some(unit)) => PlType::Datetime(
            match unit.as_str() {
                "ms" => TimeUnit::Milliseconds,
                "us" => TimeUnit::Microseconds,
                "ns" => TimeUnit::Nanoseconds,
                _ => return None,
            },
            None,
        ),
        _ => return None,
    })
}

/// How a scalar Polars column becomes a tensor's elements (see [`column_leaf`]).
pub(crate) fn tensor_leaf(
    dtype: &NumpyDtype,
    from: &PlType,
) -> Result<Option<Cast>, Option<&'static str>> {
    let Some(target) = numpy_polars(dtype) else {
        return Err(Some("no Polars type holds this dtype's values"));
    };
    match (&target, from) {
        (PlType::Binary, PlType::BinaryOffset) => Ok(None),
        (target, from) if target == from => Ok(None),
        (PlType::Int64, PlType::UInt64) => Ok(Some(Cast::U64ToI64)),
        (target, from) if lossless(from, target) => Ok(Some(Cast::Widen(target.clone()))),
        _ => Err(None),
    }
}
