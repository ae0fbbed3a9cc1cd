//! Matching an Arrow schema to a signature, once per schema and in `O(columns)`: what each
//! input column becomes, and every problem that does not depend on the values.

use std::collections::HashMap;

use arrow_schema::{DataType as ArrowType, Field, Fields, Schema as ArrowSchema, TimeUnit};

use crate::frame::numeric::{Numeric, NumericLeaf, numeric_leaf};
use crate::frame::{FieldPath, problems};
use crate::report::Problem;
use crate::types::{
    ColSpec, ColumnName, ColumnType, DataType, NumpyDtype, SchemaInputs, TensorSpec,
};
use crate::{CheckOptions, ExtraColumns, Schema};

use super::arrow_type;

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
    /// Any of Arrow's list layouts, with a rule on each row's length (tensors).
    List { item: Box<Node>, len: Len },
    /// A struct, one node per field of the input, in the input's order.
    Struct(Vec<Node>),
    /// A map: only the values are checked (the keys are strings, never null).
    Map(Box<Node>),
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
    Widen(ArrowType),
    /// UInt64 to Int64, for values up to `i64::MAX` (checked).
    U64ToI64,
    /// Timestamp in a coarser unit to nanoseconds: multiply by this (checked).
    TimestampToNs(i64),
    /// Days to nanosecond timestamps (checked).
    Date32ToNs,
    /// Milliseconds to nanosecond timestamps (checked).
    Date64ToNs,
    /// A dictionary of strings to its plain string values.
    Dictionary,
    /// A column of Arrow's Null type to nulls of this type.
    Nulls(ArrowType),
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
            NodeKind::List { item, .. } | NodeKind::Map(item) => item.needs_cast(),
            NodeKind::Struct(fields) => fields.iter().any(Node::needs_cast),
        }
    }

    /// Whether checking looks at more than the top-level validity bitmap.
    pub(crate) fn is_flat(&self) -> bool {
        matches!(
            &self.kind,
            NodeKind::Keep
                | NodeKind::Leaf(None | Some(Cast::Widen(_) | Cast::Dictionary | Cast::Nulls(_)))
        )
    }
}

/// One conformed column: where it comes from and what it goes through.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct ColumnPlan {
    pub(crate) source: usize,
    pub(crate) node: Node,
}

/// The plan for one Arrow schema: the conformed columns in the signature's order, or `None`
/// for a column the plan could not match (its problems are reported).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Plan {
    pub(crate) columns: Vec<ColumnPlan>,
    /// Whether every column could be matched, so conforming is possible.
    pub(crate) complete: bool,
}

/// Builds the plan for `input` against `schema`, passing each problem to `report`.
pub(crate) fn plan(
    schema: Option<&Schema>,
    input: &ArrowSchema,
    options: &CheckOptions,
    report: &mut dyn FnMut(Problem),
) -> Plan {
    let mut builder = Builder { report, errors: 0 };
    let fields = input.fields();
    let Some(schema) = schema else {
        // No input schema: MLflow checks nothing, and neither do we.
        let columns = (0..fields.len())
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
    let mut used = vec![false; fields.len()];
    builder.duplicates(fields);
    let mut columns = Vec::with_capacity(schema.len());
    match schema.inputs() {
        SchemaInputs::Columns(specs) if schema.has_input_names() => {
            let index = NameIndex::new(fields);
            for spec in specs {
                let Some(name) = spec.name() else { continue };
                match index.find(fields, name) {
                    Some(source) => {
                        used[source] = true;
                        let field = &fields[source];
                        if let Some(node) = builder.column(spec, field) {
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
                match fields.get(position) {
                    Some(field) => {
                        used[position] = true;
                        if let Some(node) = builder.column(spec, field) {
                            columns.push(ColumnPlan {
                                source: position,
                                node,
                            });
                        }
                    }
                    None => builder.error(problems::missing_position(
                        position,
                        specs.len(),
                        fields.len(),
                    )),
                }
            }
        }
        SchemaInputs::Tensors(specs) => match specs.as_slice() {
            [spec] if spec.name().is_none() => {
                builder.unnamed_tensor(spec, fields, &mut used, &mut columns);
            }
            _ => {
                let index = NameIndex::new(fields);
                for spec in specs {
                    let Some(name) = spec.name() else { continue };
                    match index.find(fields, name) {
                        Some(source) => {
                            used[source] = true;
                            if let Some(node) = builder.tensor(spec, &fields[source]) {
                                columns.push(ColumnPlan { source, node });
                            }
                        }
                        None => builder.error(problems::missing_column(&name.to_string(), true)),
                    }
                }
            }
        },
    }
    for (field, used) in fields.iter().zip(&used) {
        if !used {
            let problem = problems::extra_column(field.name(), options.extra_columns());
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

/// Finds input columns by name: a linear scan for the usual handful, a hash map beyond.
enum NameIndex<'a> {
    Scan,
    Map(HashMap<&'a str, usize>),
}

impl<'a> NameIndex<'a> {
    const SCAN_UP_TO: usize = 32;

    fn new(fields: &'a Fields) -> Self {
        if fields.len() <= Self::SCAN_UP_TO {
            return NameIndex::Scan;
        }
        let mut map = HashMap::with_capacity(fields.len());
        for (i, field) in fields.iter().enumerate() {
            map.entry(field.name().as_str()).or_insert(i);
        }
        NameIndex::Map(map)
    }

    /// The first column called `name`; an integer name matches its decimal spelling, since
    /// Arrow names are text (a pandas column `0` is written as `"0"`).
    fn find(&self, fields: &Fields, name: &ColumnName) -> Option<usize> {
        let spelled;
        let name = match name {
            ColumnName::Str(name) => name.as_str(),
            ColumnName::Int(i) => {
                spelled = i.to_string();
                spelled.as_str()
            }
        };
        match self {
            NameIndex::Scan => fields.iter().position(|f| f.name() == name),
            NameIndex::Map(map) => map.get(name).copied(),
        }
    }
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

    fn duplicates(&mut self, fields: &Fields) {
        if fields.len() <= NameIndex::SCAN_UP_TO {
            for (i, field) in fields.iter().enumerate() {
                let name = field.name();
                let first = fields.iter().position(|f| f.name() == name);
                let second = fields.iter().skip(i + 1).any(|f| f.name() == name);
                if first == Some(i) && second {
                    self.error(problems::duplicate_column(name));
                }
            }
        } else {
            let mut seen: HashMap<&str, bool> = HashMap::with_capacity(fields.len());
            for field in fields.iter() {
                let reported = seen.entry(field.name()).or_insert(false);
                if *reported {
                    continue;
                }
                if fields.iter().filter(|f| f.name() == field.name()).count() > 1 {
                    *reported = true;
                    self.error(problems::duplicate_column(field.name()));
                }
            }
        }
    }

    fn column(&mut self, spec: &ColSpec, field: &Field) -> Option<Node> {
        // An unnamed column is always required (MLflow's rule).
        let nulls = !spec.required() && spec.name().is_some();
        self.node(
            spec.ty(),
            field.data_type(),
            nulls,
            field.name(),
            &FieldPath::default(),
        )
    }

    fn node(
        &mut self,
        ty: &ColumnType,
        found: &ArrowType,
        nulls: bool,
        column: &str,
        path: &FieldPath,
    ) -> Option<Node> {
        if matches!(ty, ColumnType::AnyType) {
            return Some(Node::new(true, NodeKind::Keep));
        }
        if found == &ArrowType::Null {
            return Some(Node::new(
                nulls,
                NodeKind::Leaf(Some(Cast::Nulls(arrow_type(ty)))),
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
                let item = self.node(&items, item.data_type(), false, column, &path.item())?;
                Some(Node::new(
                    nulls,
                    NodeKind::List {
                        item: Box::new(item),
                        len: Len::Any,
                    },
                ))
            }
            ColumnType::Object(object) => {
                let ArrowType::Struct(fields) = found else {
                    return mismatch(self, None);
                };
                let mut nodes = Vec::with_capacity(fields.len());
                let mut ok = true;
                for field in fields {
                    match object.property(field.name()) {
                        Some(property) => {
                            let node = self.node(
                                property.dtype(),
                                field.data_type(),
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
            ColumnType::Map(map) => {
                let Some((key, value)) = map_entries(found) else {
                    return mismatch(self, None);
                };
                if !is_string(key.data_type()) {
                    let found = format!("a map with {} keys", key.data_type());
                    self.error(problems::wrong_type(
                        column,
                        path,
                        &ty.to_string(),
                        &found,
                        Some("MLflow maps have string keys"),
                    ));
                    return None;
                }
                let value = self.node(
                    map.values(),
                    value.data_type(),
                    false,
                    column,
                    &path.value(),
                )?;
                Some(Node::new(nulls, NodeKind::Map(Box::new(value))))
            }
        }
    }

    fn tensor(&mut self, spec: &TensorSpec, field: &Field) -> Option<Node> {
        let column = field.name();
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
        self.tensor_level(
            spec,
            &shape[1..],
            field.data_type(),
            column,
            &FieldPath::default(),
        )
    }

    fn tensor_level(
        &mut self,
        spec: &TensorSpec,
        dims: &[i64],
        found: &ArrowType,
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
                (ArrowType::FixedSizeList(_, size), Ok(dim))
                    if usize::try_from(*size) != Ok(dim) =>
                {
                    self.error(problems::tensor_shape(
                        column,
                        path,
                        format!(
                            "has lists of {size} values where the shape {:?} has {dim}",
                            spec.shape()
                        ),
                    ));
                    return None;
                }
                (ArrowType::FixedSizeList(..), _) => Len::Any,
                (_, Ok(dim)) => Len::Exactly(dim),
                (_, Err(_)) => Len::Uniform,
            };
            let item = self.tensor_level(spec, rest, item.data_type(), column, &path.item())?;
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
        fields: &Fields,
        used: &mut [bool],
        columns: &mut Vec<ColumnPlan>,
    ) {
        match fields.len() {
            0 => self.error(problems::missing_position(0, 1, 0)),
            1 => {
                used[0] = true;
                if let Some(node) = self.tensor(spec, &fields[0]) {
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
                for (source, field) in fields.iter().enumerate() {
                    used[source] = true;
                    let scalar = TensorSpec::unnamed(spec.dtype().clone(), vec![-1]);
                    if let Some(node) = self.tensor(&scalar, field) {
                        columns.push(ColumnPlan { source, node });
                    }
                }
            }
        }
    }
}

fn list_item(ty: &ArrowType) -> Option<&Field> {
    match ty {
        ArrowType::List(item)
        | ArrowType::LargeList(item)
        | ArrowType::FixedSizeList(item, _)
        | ArrowType::ListView(item)
        | ArrowType::LargeListView(item) => Some(item),
        _ => None,
    }
}

fn map_entries(ty: &ArrowType) -> Option<(&Field, &Field)> {
    match ty {
        ArrowType::Map(entries, _) => match entries.data_type() {
            ArrowType::Struct(fields) if fields.len() == 2 => Some((&fields[0], &fields[1])),
            _ => None,
        },
        _ => None,
    }
}

pub(crate) fn is_string(ty: &ArrowType) -> bool {
    matches!(
        ty,
        ArrowType::Utf8 | ArrowType::LargeUtf8 | ArrowType::Utf8View
    )
}

fn is_binary(ty: &ArrowType) -> bool {
    matches!(
        ty,
        ArrowType::Binary
            | ArrowType::LargeBinary
            | ArrowType::BinaryView
            | ArrowType::FixedSizeBinary(_)
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

/// Whether every value of `from` is exactly a value of `to`.
fn lossless(from: &ArrowType, to: &ArrowType) -> bool {
    matches!((numeric(from), numeric(to)), (Some(f), Some(t)) if f.fits_losslessly(t))
}

/// How a scalar Arrow column becomes an MLflow data type: `Ok(None)` as is, `Ok(Some(cast))`
/// through a conversion, `Err(note)` not at all.
pub(crate) fn column_leaf(
    to: DataType,
    from: &ArrowType,
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
        (DataType::Boolean, ArrowType::Boolean) => Ok(None),
        (DataType::String, ty) if is_string(ty) => Ok(None),
        (DataType::String, ArrowType::Dictionary(_, values)) if is_string(values) => {
            Ok(Some(Cast::Dictionary))
        }
        (DataType::Binary, ty) if is_binary(ty) => Ok(None),
        (DataType::Datetime, ArrowType::Timestamp(unit, None)) => Ok(match unit {
            TimeUnit::Nanosecond => None,
            TimeUnit::Microsecond => Some(Cast::TimestampToNs(1_000)),
            TimeUnit::Millisecond => Some(Cast::TimestampToNs(1_000_000)),
            TimeUnit::Second => Some(Cast::TimestampToNs(1_000_000_000)),
        }),
        (DataType::Datetime, ArrowType::Timestamp(_, Some(_))) => Err(Some(
            "MLflow's `datetime` is timezone-naive and MLflow refuses timezone-aware columns; \
             convert the column to naive timestamps first",
        )),
        (DataType::Datetime, ArrowType::Date32) => Ok(Some(Cast::Date32ToNs)),
        (DataType::Datetime, ArrowType::Date64) => Ok(Some(Cast::Date64ToNs)),
        _ => Err(None),
    }
}

/// The dtype a numeric MLflow type is held in (only called for numeric types).
fn numeric_dtype(to: DataType) -> ArrowType {
    match to {
        DataType::Integer => ArrowType::Int32,
        DataType::Long => ArrowType::Int64,
        DataType::Float => ArrowType::Float32,
        _ => ArrowType::Float64,
    }
}

/// The Arrow type a numpy dtype's values are, if any.
fn numpy_arrow(dtype: &NumpyDtype) -> Option<ArrowType> {
    Some(match dtype {
        NumpyDtype::Bool => ArrowType::Boolean,
        NumpyDtype::Int8 => ArrowType::Int8,
        NumpyDtype::Int16 => ArrowType::Int16,
        NumpyDtype::Int32 => ArrowType::Int32,
        NumpyDtype::Int64 => ArrowType::Int64,
        NumpyDtype::UInt8 => ArrowType::UInt8,
        NumpyDtype::UInt16 => ArrowType::UInt16,
        NumpyDtype::UInt32 => ArrowType::UInt32,
        NumpyDtype::UInt64 => ArrowType::UInt64,
        NumpyDtype::Float16 => ArrowType::Float16,
        NumpyDtype::Float32 => ArrowType::Float32,
        NumpyDtype::Float64 => ArrowType::Float64,
        NumpyDtype::Str => ArrowType::Utf8,
        NumpyDtype::Bytes => ArrowType::Binary,
        NumpyDtype::Datetime64(Some(unit)) => ArrowType::Timestamp(
            match unit.as_str() {
                "s" => TimeUnit::Second,
                "ms" => TimeUnit::Millisecond,
                "us" => TimeUnit::Microsecond,
                "ns" => TimeUnit::Nanosecond,
                _ => return None,
            },
            None,
        ),
        _ => return None,
    })
}

/// How a scalar Arrow column becomes a tensor's elements (see [`column_leaf`]).
pub(crate) fn tensor_leaf(
    dtype: &NumpyDtype,
    from: &ArrowType,
) -> Result<Option<Cast>, Option<&'static str>> {
    let Some(target) = numpy_arrow(dtype) else {
        return Err(Some("no Arrow type holds this dtype's values"));
    };
    match (&target, from) {
        (ArrowType::Utf8, ty) if is_string(ty) => Ok(None),
        (ArrowType::Utf8, ArrowType::Dictionary(_, values)) if is_string(values) => {
            Ok(Some(Cast::Dictionary))
        }
        (ArrowType::Binary, ty) if is_binary(ty) => Ok(None),
        (target, from) if target == from => Ok(None),
        (ArrowType::Int64, ArrowType::UInt64) => Ok(Some(Cast::U64ToI64)),
        (target, from) if lossless(from, target) => Ok(Some(Cast::Widen(target.clone()))),
        _ => Err(None),
    }
}
