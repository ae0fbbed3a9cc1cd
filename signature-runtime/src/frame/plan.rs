//! Matching a frame's schema to a signature, once per schema and in `O(columns)`: what each
//! input column becomes, and every problem that does not depend on the values.
//!
//! Written once for every engine: an engine describes its dtypes as [`Kind`]s
//! ([`FrameType`]) and its columns as a [`FrameSchema`]; reading values and building the
//! conformed columns stay with the engine, driven by the [`Plan`] made here.

use std::collections::HashSet;
use std::fmt;

use crate::Mode;
use crate::frame::pandas::{
    Outcome, PandasLeaf, ZERO_OR_ONE_CELLS, item_outcome, pandas_leaf, value_outcome,
};
use crate::frame::{FieldPath, problems};
use crate::pandas_rules::numeric::{Numeric, NumericLeaf, numeric_leaf};
use crate::report::Problem;
use crate::types::{
    ColSpec, ColumnName, ColumnType, DataType, NumpyDtype, Object, Property, SchemaInputs,
    TensorSpec,
};
use crate::{CheckOptions, ExtraColumns, Schema};

/// What a dtype is, whatever the engine: all the planner needs to know about it.
#[derive(Debug)]
pub(crate) enum Kind<'a, T> {
    Bool,
    Number(Numeric),
    Utf8,
    Binary,
    /// A timestamp: the factor from its unit to nanoseconds, and whether it has a timezone.
    Timestamp {
        to_ns: i64,
        tz: bool,
    },
    /// A date: the factor from its unit (days, milliseconds) to nanoseconds.
    Date {
        to_ns: i64,
    },
    /// A list; `size` for a fixed-size one.
    List {
        item: &'a T,
        size: Option<usize>,
    },
    /// Named fields, in the input's order.
    Struct(Vec<(&'a str, &'a T)>),
    // Only Arrow has a map type.
    #[cfg_attr(not(feature = "arrow"), allow(dead_code))]
    Map {
        key: &'a T,
        value: &'a T,
    },
    /// Strings held as codes into a dictionary (Arrow) or categories (Polars).
    Categorical,
    /// A column of nulls only.
    Null,
    /// Anything the planner has no rule for.
    Other,
}

/// An engine's dtype, as the planner sees it.
pub(crate) trait FrameType: fmt::Display + Sized {
    /// What messages call a fixed-size list of this engine: `lists`, `arrays`.
    const FIXED_LISTS: &'static str;
    /// Why no column of this engine is a `map`, when the engine has no map type.
    const NO_MAP: Option<&'static str> = None;

    fn kind(&self) -> Kind<'_, Self>;
}

/// An engine's schema: its columns, by position and by name.
pub(crate) trait FrameSchema {
    type Type: FrameType;

    fn len(&self) -> usize;
    /// The name and dtype of the column at `index` (`index < len()`).
    fn column(&self, index: usize) -> (&str, &Self::Type);
    /// The first column called `name`.
    fn find(&self, name: &str) -> Option<usize>;
    /// The names given to more than one column, each once.
    fn duplicates(&self) -> Vec<&str> {
        Vec::new()
    }
}

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
    /// Any of the engine's list layouts, with a rule on each row's length (tensors).
    List { item: Box<Node>, len: Len },
    /// A struct, one node per field of the input, in the input's order.
    Struct(Vec<Node>),
    /// A map: only the values are checked (the keys are strings, never null).
    Map(Box<Node>),
    /// A scalar column in the MLflow modes, decided as MLflow decides for the pandas column
    /// the data becomes, which depends on whether the column holds nulls.
    Pandas(Box<PandasLeaf>),
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
    /// A lossless numeric conversion to this numeric dtype (booleans count as the numbers 0
    /// and 1, as numpy counts them).
    Widen(Numeric),
    /// Unsigned 64-bit to signed, for values up to `i64::MAX` (checked).
    U64ToI64,
    /// A timestamp to naive nanoseconds: multiply by this (checked), drop any timezone.
    TimestampToNs(i64),
    /// A date to naive nanosecond timestamps: multiply by this (checked).
    DateToNs(i64),
    /// Dictionary-encoded strings to their plain values.
    Dictionary,
    /// A column of nulls only to nulls of this type.
    Nulls(ColumnType),
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
            NodeKind::Pandas(leaf) => {
                leaf.without_nulls.cast().is_some() || leaf.with_nulls.cast().is_some()
            }
        }
    }

    /// Whether checking looks at more than the top-level validity.
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

/// The plan for one input schema: the conformed columns in the signature's order (a column
/// the plan could not match is left out, its problems reported).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Plan {
    pub(crate) columns: Vec<ColumnPlan>,
    /// Whether every column could be matched, so conforming is possible.
    pub(crate) complete: bool,
}

/// Builds the plan for `input` against `schema`, passing each problem to `report`.
pub(crate) fn plan<S: FrameSchema>(
    schema: Option<&Schema>,
    input: &S,
    options: &CheckOptions,
    report: &mut dyn FnMut(Problem),
) -> Plan {
    let mut builder = Builder {
        report,
        errors: 0,
        mode: options.mode(),
    };
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
    for name in input.duplicates() {
        builder.error(problems::duplicate_column(name));
    }
    let mut columns = Vec::with_capacity(schema.len());
    match schema.inputs() {
        SchemaInputs::Columns(specs) if schema.has_input_names() => {
            for spec in specs {
                let Some(name) = spec.name() else { continue };
                match find(input, name) {
                    Some(source) => {
                        used[source] = true;
                        let (found_name, found) = input.column(source);
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
                if position < input.len() {
                    used[position] = true;
                    let (found_name, found) = input.column(position);
                    if let Some(node) = builder.column(spec, found_name, found) {
                        columns.push(ColumnPlan {
                            source: position,
                            node,
                        });
                    }
                } else {
                    builder.error(problems::missing_position(
                        position,
                        specs.len(),
                        input.len(),
                    ));
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
                        Some(source) => {
                            used[source] = true;
                            let (found_name, found) = input.column(source);
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
    for (source, used) in used.iter().enumerate() {
        if !used {
            let problem = problems::extra_column(input.column(source).0, options.extra_columns());
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

/// The column called `name`; an integer name matches its decimal spelling, since frame
/// column names are text (a pandas column `0` is written as `"0"`).
fn find<S: FrameSchema>(input: &S, name: &ColumnName) -> Option<usize> {
    match name {
        ColumnName::Str(name) => input.find(name),
        ColumnName::Int(i) => input.find(&i.to_string()),
    }
}

struct Builder<'r> {
    report: &'r mut dyn FnMut(Problem),
    errors: usize,
    mode: Mode,
}

impl Builder<'_> {
    fn error(&mut self, problem: Problem) {
        self.errors += 1;
        (self.report)(problem);
    }

    fn column<T: FrameType>(&mut self, spec: &ColSpec, column: &str, found: &T) -> Option<Node> {
        // An unnamed column is always required (MLflow's rule).
        let required = spec.required() || spec.name().is_none();
        if self.mode != Mode::Strict {
            if let ColumnType::DataType(t) = spec.ty() {
                // MLflow checks no nulls in scalar columns: they only change the pandas dtype.
                let leaf = pandas_leaf(*t, &found.kind());
                return Some(Node::new(true, NodeKind::Pandas(Box::new(leaf))));
            }
            return self.cells(spec.ty(), found, required, column, &FieldPath::default());
        }
        let nulls = !required;
        self.node(spec.ty(), found, nulls, column, &FieldPath::default())
    }

    fn node<T: FrameType>(
        &mut self,
        ty: &ColumnType,
        found: &T,
        nulls: bool,
        column: &str,
        path: &FieldPath,
    ) -> Option<Node> {
        if matches!(ty, ColumnType::AnyType) {
            return Some(Node::new(true, NodeKind::Keep));
        }
        let kind = found.kind();
        if matches!(kind, Kind::Null) {
            return Some(Node::new(
                nulls,
                NodeKind::Leaf(Some(Cast::Nulls(ty.clone()))),
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
            ColumnType::DataType(t) => match column_leaf(*t, &kind, self.mode) {
                Ok(cast) => {
                    if let Kind::Timestamp { tz: true, .. } = kind {
                        (self.report)(problems::timezone_dropped(column, path, found));
                    }
                    Some(Node::new(nulls, NodeKind::Leaf(cast)))
                }
                Err(note) => mismatch(self, note),
            },
            ColumnType::Array(_) | ColumnType::SparkMLVector => {
                let items = match ty {
                    ColumnType::Array(array) => array.items().clone(),
                    _ => ColumnType::DataType(DataType::Double),
                };
                let Kind::List { item, .. } = kind else {
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
                let Kind::Struct(fields) = kind else {
                    return mismatch(self, None);
                };
                let nodes =
                    self.fields(object, &fields, column, path, |this, property, field| {
                        this.node(
                            property.dtype(),
                            field,
                            !property.required(),
                            column,
                            &path.property(property.name()),
                        )
                    })?;
                Some(Node::new(nulls, NodeKind::Struct(nodes)))
            }
            ColumnType::Map(map) => {
                let Kind::Map { key, value } = kind else {
                    return mismatch(self, T::NO_MAP);
                };
                if !matches!(key.kind(), Kind::Utf8) {
                    let found = format!("a map with {key} keys");
                    self.error(problems::wrong_type(
                        column,
                        path,
                        &ty.to_string(),
                        &found,
                        Some("MLflow maps have string keys"),
                    ));
                    return None;
                }
                let value = self.node(map.values(), value, false, column, &path.value())?;
                Some(Node::new(nulls, NodeKind::Map(Box::new(value))))
            }
        }
    }

    /// One node per field of a struct taken as `object`, in the struct's order, made by
    /// `each`; `None` (the problems reported) when a field is not a property, a required
    /// property has no field, or `each` refuses a field.
    fn fields<'t, T: FrameType>(
        &mut self,
        object: &Object,
        fields: &[(&str, &'t T)],
        column: &str,
        path: &FieldPath,
        mut each: impl FnMut(&mut Self, &Property, &'t T) -> Option<Node>,
    ) -> Option<Vec<Node>> {
        let mut nodes = Vec::with_capacity(fields.len());
        let mut ok = true;
        for (name, field) in fields {
            match object.property(name) {
                Some(property) => {
                    let node = each(self, property, *field);
                    ok &= node.is_some();
                    nodes.extend(node);
                }
                None => {
                    ok = false;
                    self.error(problems::unknown_property(column, path, name));
                }
            }
        }
        // By name, not a scan per property: a struct of 1,000 fields stays O(fields).
        let given: HashSet<&str> = fields.iter().map(|(name, _)| *name).collect();
        for property in object.properties() {
            if property.required() && !given.contains(property.name()) {
                ok = false;
                self.error(problems::missing_property(column, path, property.name()));
            }
        }
        ok.then_some(nodes)
    }

    /// An `array`, `object` or `map` column in the MLflow modes: MLflow's cell-by-cell
    /// checks (`_enforce_array`, `_enforce_object`, `_enforce_map`) on what pyarrow's
    /// `to_pandas` makes of the cells: numpy arrays for lists, dicts for structs, lists of
    /// pairs for maps. `required` is the flag MLflow passes down: the column's for its rows
    /// and array items, a property's for its values.
    fn cells<T: FrameType>(
        &mut self,
        ty: &ColumnType,
        found: &T,
        required: bool,
        column: &str,
        path: &FieldPath,
    ) -> Option<Node> {
        let kind = found.kind();
        let mismatch = |this: &mut Self, note: &'static str| {
            this.error(problems::wrong_type(
                column,
                path,
                &ty.to_string(),
                &found.to_string(),
                Some(note),
            ));
            None
        };
        match (ty, &kind) {
            (ColumnType::AnyType, _) => Some(Node::new(true, NodeKind::Keep)),
            (ColumnType::DataType(t), _) => self.cell_value(*t, found, required, column, path),
            (_, Kind::Null) => Some(Node::new(
                !required,
                NodeKind::Leaf(Some(Cast::Nulls(ty.clone()))),
            )),
            (ColumnType::Array(_) | ColumnType::SparkMLVector, Kind::List { item, .. }) => {
                let items = match ty {
                    ColumnType::Array(array) => array.items().clone(),
                    _ => ColumnType::DataType(DataType::Double),
                };
                let item = match &items {
                    ColumnType::DataType(t) => self.array_item(*t, *item, column, &path.item()),
                    items => self.cells(items, *item, required, column, &path.item()),
                }?;
                Some(Node::new(
                    !required,
                    NodeKind::List {
                        item: Box::new(item),
                        len: Len::Any,
                    },
                ))
            }
            (ColumnType::Array(_) | ColumnType::SparkMLVector, _) => mismatch(
                self,
                "MLflow's array check wants a list or numpy array in each cell",
            ),
            (ColumnType::Object(object), Kind::Struct(fields)) => {
                let nodes =
                    self.fields(object, fields, column, path, |this, property, field| {
                        this.cells(
                            property.dtype(),
                            field,
                            property.required(),
                            column,
                            &path.property(property.name()),
                        )
                    })?;
                Some(Node::new(!required, NodeKind::Struct(nodes)))
            }
            (ColumnType::Object(_), _) => {
                mismatch(self, "MLflow's object check wants a dict in each cell")
            }
            (ColumnType::Map(_), Kind::Map { .. }) => mismatch(
                self,
                "pyarrow's `to_pandas` gives a map column's cells as lists of (key, value) \
                 pairs, which MLflow's map check refuses (it wants dicts)",
            ),
            (ColumnType::Map(_), _) => mismatch(
                self,
                T::NO_MAP.unwrap_or("MLflow's map check wants a dict in each cell"),
            ),
        }
    }

    /// The items of an `array<t>` column in the MLflow modes: MLflow checks each row's numpy
    /// array as a pandas column, whose dtype is the items' and changes when a row holds nulls.
    fn array_item<T: FrameType>(
        &mut self,
        to: DataType,
        found: &T,
        column: &str,
        path: &FieldPath,
    ) -> Option<Node> {
        let kind = found.kind();
        let (without, with) = (
            item_outcome(to, &kind, false),
            item_outcome(to, &kind, true),
        );
        let cast = self.settle_cell(without, to, found, column, path)?;
        // Null items are allowed where the dtype they give still passes with the same cast;
        // elsewhere they are the reason MLflow refuses the row.
        let nulls = matches!(with, Outcome::Accept(c) | Outcome::Changed(c, _) if c == cast);
        Some(Node::new(nulls, NodeKind::Leaf(cast)))
    }

    /// A scalar value of an `object` property in the MLflow modes: MLflow checks the Python
    /// value as a one-value pandas column, so any integer is an int64 and any float a float64.
    fn cell_value<T: FrameType>(
        &mut self,
        to: DataType,
        found: &T,
        required: bool,
        column: &str,
        path: &FieldPath,
    ) -> Option<Node> {
        let kind = found.kind();
        let cast = self.settle_cell(value_outcome(to, &kind), to, found, column, path)?;
        // MLflow gives the value of the type's dtype (np.int64 for a `long` from an int32
        // field), which the lossless conversion of the field's own type gives too.
        let cast = column_leaf(to, &kind, Mode::Strict).unwrap_or(cast);
        // MLflow returns None for an optional property's missing value, and refuses it in a
        // required one.
        Some(Node::new(!required, NodeKind::Leaf(cast)))
    }

    /// A cell's outcome decided at plan time: the conversion if MLflow accepts the cells
    /// (with a warning where it changes them), `None` with the error reported if it does not.
    /// Inside cells the 0/1 rule is not applied (see `ZERO_OR_ONE_CELLS`).
    fn settle_cell<T: FrameType>(
        &mut self,
        outcome: Outcome,
        to: DataType,
        found: &T,
        column: &str,
        path: &FieldPath,
    ) -> Option<Option<Cast>> {
        let note = match outcome {
            Outcome::Accept(cast) => return Some(cast),
            Outcome::Changed(cast, what) => {
                (self.report)(problems::mlflow_changes(column, path, to, found, &what));
                return Some(cast);
            }
            Outcome::ZeroOrOne(_) => Some(ZERO_OR_ONE_CELLS),
            Outcome::Refuse(note) => note,
        };
        self.error(problems::wrong_type(
            column,
            path,
            &to.to_string(),
            &found.to_string(),
            note,
        ));
        None
    }

    fn tensor<T: FrameType>(&mut self, spec: &TensorSpec, column: &str, found: &T) -> Option<Node> {
        // In the MLflow modes, MLflow's own pass-through; in Strict, an `object` tensor's
        // elements are Python objects of any kind (as for JSON bodies), so any column is one.
        let takes_anything = match self.mode {
            Mode::Strict => spec.dtype() == &NumpyDtype::Object,
            _ => crate::pandas_rules::numpy::tensor_takes_anything(spec),
        };
        if takes_anything {
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
        if self.mode != Mode::Strict {
            return self.pandas_tensor(spec, column, found);
        }
        self.tensor_level(spec, &shape[1..], found, column, &FieldPath::default())
    }

    /// A named tensor's column in the MLflow modes, as MLflow reshapes a pandas column
    /// (`_reshape_and_cast_pandas_column_values`): scalar cells are cast to the dtype with
    /// numpy; list cells (numpy arrays) are stacked and reshaped without a cast or a dtype
    /// check, each row holding the product of the fixed dimensions.
    fn pandas_tensor<T: FrameType>(
        &mut self,
        spec: &TensorSpec,
        column: &str,
        found: &T,
    ) -> Option<Node> {
        let root = FieldPath::default();
        let dims = &spec.shape()[1..];
        if dims.iter().any(|d| *d < 0) {
            self.error(problems::tensor_shape(
                column,
                &root,
                format!(
                    "MLflow reshapes a data frame column only to a shape whose dimensions \
                     after the first are fixed, but the shape is {:?}",
                    spec.shape()
                ),
            ));
            return None;
        }
        let dtype = spec.dtype();
        let floats = matches!(element(dtype), Some(Element::Number(Numeric::Float(_))));
        let kind = found.kind();
        let Kind::List { item, size } = kind else {
            if !(dims.is_empty() || dims == [1]) {
                self.error(problems::tensor_shape(
                    column,
                    &root,
                    format!(
                        "holds single values ({found}), which MLflow reshapes only to the \
                         shape (-1,) or (-1, 1), but the shape is {:?}",
                        spec.shape()
                    ),
                ));
                return None;
            }
            return match (element(dtype), &kind) {
                (Some(Element::Number(to)), Kind::Number(from)) => {
                    if !from.fits_losslessly(to) {
                        (self.report)(problems::tensor_changed(
                            column,
                            dtype,
                            found,
                            "MLflow casts the column to the dtype with numpy, rounding or \
                             truncating values that do not fit; conforming performs the same cast",
                        ));
                    }
                    let cast = (to != *from).then_some(Cast::Widen(to));
                    // A float column's nulls are NaN to numpy; other nulls fail its cast.
                    Some(Node::new(floats, NodeKind::Leaf(cast)))
                }
                _ => match tensor_leaf(dtype, &kind) {
                    Ok(cast) => Some(Node::new(false, NodeKind::Leaf(cast))),
                    Err(note) => {
                        self.error(problems::wrong_type(
                            column,
                            &root,
                            &dtype.name(),
                            &found.to_string(),
                            note,
                        ));
                        None
                    }
                },
            };
        };
        let per_row = dims.iter().product::<i64>();
        let per_row = usize::try_from(per_row).unwrap_or(usize::MAX);
        if let Some(size) = size
            && size != per_row
        {
            self.error(problems::tensor_shape(
                column,
                &root,
                format!(
                    "has {} of {size} values, where MLflow reshapes each row's values to {:?} \
                     and so needs {per_row}",
                    T::FIXED_LISTS,
                    &spec.shape()[1..]
                ),
            ));
            return None;
        }
        let item_kind = item.kind();
        if matches!(
            item_kind,
            Kind::List { .. } | Kind::Struct(_) | Kind::Map { .. } | Kind::Other
        ) {
            self.error(problems::wrong_type(
                column,
                &root.item(),
                &dtype.name(),
                &item.to_string(),
                Some(
                    "MLflow stacks the rows' numpy arrays of single values into the tensor; \
                     give each row its values flat, as many as the dimensions after the \
                     first hold",
                ),
            ));
            return None;
        }
        if tensor_leaf(dtype, &item_kind) != Ok(None) {
            (self.report)(problems::tensor_changed(
                column,
                dtype,
                item,
                "MLflow stacks the rows' items without casting them to the dtype, so the \
                 model gets them as they are",
            ));
        }
        Some(Node::new(
            false,
            NodeKind::List {
                // Null items are NaN or None in the numpy arrays, which MLflow stacks as any
                // other value.
                item: Box::new(Node::new(true, NodeKind::Leaf(None))),
                len: Len::Exactly(per_row),
            },
        ))
    }

    fn tensor_level<T: FrameType>(
        &mut self,
        spec: &TensorSpec,
        dims: &[i64],
        found: &T,
        column: &str,
        path: &FieldPath,
    ) -> Option<Node> {
        let kind = found.kind();
        if let Kind::List { item, size } = kind {
            let Some((&dim, rest)) = dims.split_first() else {
                self.error(problems::tensor_shape(
                    column,
                    path,
                    format!("has more dimensions than the shape {:?}", spec.shape()),
                ));
                return None;
            };
            let len = match (size, usize::try_from(dim)) {
                (Some(size), Ok(dim)) if size != dim => {
                    self.error(problems::tensor_shape(
                        column,
                        path,
                        format!(
                            "has {} of {size} values where the shape {:?} has {dim}",
                            T::FIXED_LISTS,
                            spec.shape()
                        ),
                    ));
                    return None;
                }
                (Some(_), _) => Len::Any,
                (None, Ok(dim)) => Len::Exactly(dim),
                (None, Err(_)) => Len::Uniform,
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
        match tensor_leaf(spec.dtype(), &kind) {
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

    fn unnamed_tensor<S: FrameSchema>(
        &mut self,
        spec: &TensorSpec,
        input: &S,
        used: &mut [bool],
        columns: &mut Vec<ColumnPlan>,
    ) {
        match input.len() {
            0 => self.error(problems::missing_position(0, 1, 0)),
            1 => {
                used[0] = true;
                let (name, found) = input.column(0);
                if let Some(node) = self.tensor(spec, name, found) {
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
                let scalar = TensorSpec::unnamed(spec.dtype().clone(), vec![-1]);
                for (source, used) in used.iter_mut().enumerate() {
                    *used = true;
                    let (name, found) = input.column(source);
                    let node = if self.mode == Mode::Strict {
                        self.tensor(&scalar, name, found)
                    } else {
                        self.frame_values(spec.dtype(), name, found)
                    };
                    if let Some(node) = node {
                        columns.push(ColumnPlan { source, node });
                    }
                }
            }
        }
    }
}

impl Builder<'_> {
    /// One of several columns taken as an unnamed tensor in the MLflow modes: MLflow checks
    /// `df.to_numpy()` against the dtype without a cast, so each column must hold the dtype's
    /// values exactly (nulls only in float columns, where they are NaN).
    fn frame_values<T: FrameType>(
        &mut self,
        dtype: &NumpyDtype,
        column: &str,
        found: &T,
    ) -> Option<Node> {
        let kind = found.kind();
        let floats = matches!(element(dtype), Some(Element::Number(Numeric::Float(_))));
        match tensor_leaf(dtype, &kind) {
            Ok(None) => Some(Node::new(floats, NodeKind::Leaf(None))),
            _ => {
                self.error(problems::wrong_type(
                    column,
                    &FieldPath::default(),
                    &dtype.name(),
                    &found.to_string(),
                    Some(
                        "MLflow checks the frame's values (`df.to_numpy()`) against the dtype \
                         without a cast, so each column must have the dtype exactly",
                    ),
                ));
                None
            }
        }
    }
}

/// How a scalar column becomes an MLflow data type: `Ok(None)` as is, `Ok(Some(cast))`
/// through a conversion, `Err(note)` not at all.
fn column_leaf<T>(
    to: DataType,
    from: &Kind<'_, T>,
    mode: Mode,
) -> Result<Option<Cast>, Option<&'static str>> {
    let numeric = match from {
        Kind::Number(numeric) => Some(*numeric),
        _ => None,
    };
    if let Some(leaf) = numeric_leaf(to, numeric) {
        return match leaf {
            NumericLeaf::AsIs => Ok(None),
            NumericLeaf::U64ToI64 => Ok(Some(Cast::U64ToI64)),
            NumericLeaf::Widen => Ok(Numeric::of(to).map(Cast::Widen)),
            NumericLeaf::Refused(note) => Err(note),
        };
    }
    match (to, from) {
        (DataType::Boolean, Kind::Bool)
        | (DataType::String, Kind::Utf8)
        | (DataType::Binary, Kind::Binary)
        | (
            DataType::Datetime,
            Kind::Timestamp {
                to_ns: 1,
                tz: false,
            },
        ) => Ok(None),
        (DataType::String, Kind::Categorical) => Ok(Some(Cast::Dictionary)),
        (DataType::Datetime, Kind::Timestamp { tz: true, .. }) if mode != Mode::Strict => {
            Err(Some(
                "MLflow's `datetime` is timezone-naive and MLflow refuses timezone-aware \
                 columns; convert the column to naive timestamps first",
            ))
        }
        // A timezone-aware timestamp is an instant: kept, in UTC, with the timezone dropped
        // (which the planner reports, so the change is not silent).
        (DataType::Datetime, Kind::Timestamp { to_ns, .. }) => {
            Ok(Some(Cast::TimestampToNs(*to_ns)))
        }
        (DataType::Datetime, Kind::Date { to_ns }) => Ok(Some(Cast::DateToNs(*to_ns))),
        _ => Err(None),
    }
}

/// What a numpy dtype's elements are, as a frame holds them.
enum Element {
    Bool,
    Number(Numeric),
    Utf8,
    Binary,
    /// Naive timestamps, with the factor from their unit to nanoseconds.
    Timestamp(i64),
}

fn element(dtype: &NumpyDtype) -> Option<Element> {
    Some(match dtype {
        NumpyDtype::Bool => Element::Bool,
        NumpyDtype::Int8 => Element::Number(Numeric::Int(true, 8)),
        NumpyDtype::Int16 => Element::Number(Numeric::Int(true, 16)),
        NumpyDtype::Int32 => Element::Number(Numeric::Int(true, 32)),
        NumpyDtype::Int64 => Element::Number(Numeric::Int(true, 64)),
        NumpyDtype::UInt8 => Element::Number(Numeric::Int(false, 8)),
        NumpyDtype::UInt16 => Element::Number(Numeric::Int(false, 16)),
        NumpyDtype::UInt32 => Element::Number(Numeric::Int(false, 32)),
        NumpyDtype::UInt64 => Element::Number(Numeric::Int(false, 64)),
        NumpyDtype::Float16 => Element::Number(Numeric::Float(11)),
        NumpyDtype::Float32 => Element::Number(Numeric::Float(24)),
        NumpyDtype::Float64 => Element::Number(Numeric::Float(53)),
        NumpyDtype::Str => Element::Utf8,
        NumpyDtype::Bytes => Element::Binary,
        NumpyDtype::Datetime64(Some(unit)) => Element::Timestamp(match unit.as_str() {
            "s" => 1_000_000_000,
            "ms" => 1_000_000,
            "us" => 1_000,
            "ns" => 1,
            _ => return None,
        }),
        _ => return None,
    })
}

/// How a scalar column becomes a tensor's elements (see [`column_leaf`]).
fn tensor_leaf<T>(
    dtype: &NumpyDtype,
    from: &Kind<'_, T>,
) -> Result<Option<Cast>, Option<&'static str>> {
    let Some(target) = element(dtype) else {
        return Err(Some("no column type holds this dtype's values"));
    };
    match (target, from) {
        (Element::Bool, Kind::Bool)
        | (Element::Utf8, Kind::Utf8)
        | (Element::Binary, Kind::Binary) => Ok(None),
        (Element::Utf8, Kind::Categorical) => Ok(Some(Cast::Dictionary)),
        (Element::Timestamp(unit), Kind::Timestamp { to_ns, tz: false }) if unit == *to_ns => {
            Ok(None)
        }
        (Element::Number(to), Kind::Number(from)) if to == *from => Ok(None),
        (Element::Number(Numeric::Int(true, 64)), Kind::Number(Numeric::Int(false, 64))) => {
            Ok(Some(Cast::U64ToI64))
        }
        (Element::Number(to), Kind::Number(from)) if from.fits_losslessly(to) => {
            Ok(Some(Cast::Widen(to)))
        }
        _ => Err(None),
    }
}
