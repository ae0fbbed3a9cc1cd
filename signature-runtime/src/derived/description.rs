//! The compile-time description of a derived schema: plain `Copy` data of `&'static` slices
//! and strings, built by the compiler from `const` items, turned into a [`Schema`] on demand.

use crate::types::{
    Array, ColSpec, ColumnType, DataType, InputSpec, Map, NumpyDtype, Object, Property, Schema,
    TensorSpec,
};

/// Which way a value crosses the model boundary, as serde sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum View {
    /// A model input: serde's deserialize view (`rename(deserialize = ...)`, `default`,
    /// `skip_deserializing`).
    Input,
    /// A model output: serde's serialize view (`rename(serialize = ...)`,
    /// `skip_serializing_if`, `skip_serializing`).
    Output,
}

/// The schema of a `#[derive(Signature)]` type, in both views. Built at compile time: see
/// [`Signature::DESCRIPTION`](super::Signature::DESCRIPTION).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Description {
    /// The Rust type's name, for messages.
    pub type_name: &'static str,
    /// The entries read as a model input.
    pub input: &'static [Entry],
    /// The entries written as a model output.
    pub output: &'static [Entry],
}

/// One field's contribution to a schema.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Entry {
    /// One column.
    Column(ColumnDescription),
    /// One tensor.
    Tensor(TensorDescription),
    /// The entries of a `#[serde(flatten)]` field, inlined in its place.
    Flatten(&'static [Entry]),
}

/// A column (an MLflow `ColSpec`) or, inside an object, a property.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ColumnDescription {
    /// The name; `None` for a positional column (a tuple struct's field).
    pub name: Option<&'static str>,
    /// The type.
    pub ty: TypeDescription,
    /// Whether the column must be present.
    pub required: bool,
}

/// A tensor (an MLflow `TensorSpec`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TensorDescription {
    /// The name; `None` for a positional tensor.
    pub name: Option<&'static str>,
    /// numpy's dtype name (`float32`).
    pub dtype: &'static str,
    /// The shape; `-1` marks a variable dimension.
    pub shape: &'static [i64],
    /// How many dimensions the Rust type nests (`None`: any number, as `ndarray::ArrayD`).
    pub type_rank: Option<usize>,
}

/// A column type (MLflow's `DataType | Array | Object | Map | AnyType | SparkMLVector`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum TypeDescription {
    /// A scalar.
    Data(DataType),
    /// An array of the inner type.
    Array(&'static TypeDescription),
    /// A map from strings to the inner type.
    Map(&'static TypeDescription),
    /// An object whose properties are the columns of a derived struct (in the same view as
    /// the column holding it).
    Object(&'static Description),
    /// Anything.
    Any,
    /// A Spark ML vector.
    SparkMLVector,
}

impl Description {
    /// The entries of one view.
    pub const fn entries(&self, view: View) -> &'static [Entry] {
        match view {
            View::Input => self.input,
            View::Output => self.output,
        }
    }

    /// The runtime schema of one view.
    ///
    /// # Panics
    /// If the description breaks MLflow's schema rules, which the derive rules out at compile
    /// time; a hand-written description may.
    pub fn schema(&self, view: View) -> Schema {
        let mut specs = Vec::new();
        push_specs(self.entries(view), view, &mut specs);
        Schema::new(specs).unwrap_or_else(|error| {
            panic!("`{}` is not a valid MLflow schema: {error}", self.type_name)
        })
    }
}

fn push_specs(entries: &[Entry], view: View, out: &mut Vec<InputSpec>) {
    for entry in entries {
        match entry {
            Entry::Column(column) => {
                let ty = column.ty.column_type(view);
                let spec = match column.name {
                    Some(name) => ColSpec::new(name, ty),
                    None => ColSpec::unnamed(ty),
                };
                out.push(spec.with_required(column.required).into());
            }
            Entry::Tensor(tensor) => {
                let dtype = NumpyDtype::parse(tensor.dtype)
                    .unwrap_or_else(|error| panic!("tensor dtype: {error}"));
                let spec = match tensor.name {
                    Some(name) => TensorSpec::new(name, dtype, tensor.shape),
                    None => TensorSpec::unnamed(dtype, tensor.shape),
                };
                out.push(spec.into());
            }
            Entry::Flatten(inner) => push_specs(inner, view, out),
        }
    }
}

fn push_properties(entries: &[Entry], view: View, out: &mut Vec<Property>) {
    for entry in entries {
        match entry {
            Entry::Column(column) => {
                let name = column.name.unwrap_or_else(|| {
                    panic!("an object property needs a name (a tuple struct is not an object)")
                });
                out.push(
                    Property::new(name, column.ty.column_type(view)).with_required(column.required),
                );
            }
            Entry::Tensor(_) => panic!("a tensor cannot be an object property"),
            Entry::Flatten(inner) => push_properties(inner, view, out),
        }
    }
}

impl TypeDescription {
    /// The runtime column type, objects read in `view`.
    ///
    /// # Panics
    /// On an object MLflow would refuse (no properties, a name twice), which the derive rules
    /// out at compile time.
    pub fn column_type(&self, view: View) -> ColumnType {
        match self {
            TypeDescription::Data(t) => ColumnType::DataType(*t),
            TypeDescription::Array(items) => Array::new(items.column_type(view)).into(),
            TypeDescription::Map(values) => Map::new(values.column_type(view)).into(),
            TypeDescription::Object(description) => {
                let mut properties = Vec::new();
                push_properties(description.entries(view), view, &mut properties);
                Object::new(properties)
                    .unwrap_or_else(|error| {
                        panic!("`{}` is not a valid object: {error}", description.type_name)
                    })
                    .into()
            }
            TypeDescription::Any => ColumnType::AnyType,
            TypeDescription::SparkMLVector => ColumnType::SparkMLVector,
        }
    }
}
