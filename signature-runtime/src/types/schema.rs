use super::{ColSpec, ColumnName, SchemaError, TensorSpec};

/// One entry of a [`Schema`] before the schema is built: a column or a tensor.
#[derive(Clone, Debug, PartialEq)]
pub enum InputSpec {
    /// A `ColSpec`.
    Column(ColSpec),
    /// A `TensorSpec`.
    Tensor(TensorSpec),
}

impl InputSpec {
    /// The entry's name, `None` when positional.
    pub fn name(&self) -> Option<&ColumnName> {
        match self {
            InputSpec::Column(c) => c.name(),
            InputSpec::Tensor(t) => t.name(),
        }
    }
}

impl From<ColSpec> for InputSpec {
    fn from(spec: ColSpec) -> Self {
        InputSpec::Column(spec)
    }
}

impl From<TensorSpec> for InputSpec {
    fn from(spec: TensorSpec) -> Self {
        InputSpec::Tensor(spec)
    }
}

/// The entries of a schema: all columns or all tensors, as MLflow requires.
#[derive(Clone, Debug, PartialEq)]
pub enum SchemaInputs {
    /// A column-based schema (a DataFrame-like input).
    Columns(Vec<ColSpec>),
    /// A tensor-based schema (numpy arrays).
    Tensors(Vec<TensorSpec>),
}

/// MLflow's `Schema`: the inputs or outputs of a model.
///
/// Built only through constructors that apply MLflow's construction rules, so a `Schema` in
/// hand is always one MLflow would accept.
#[derive(Clone, Debug, PartialEq)]
pub struct Schema {
    inputs: SchemaInputs,
}

impl Schema {
    /// Builds a schema from mixed entries, applying MLflow's checks in MLflow's order: not
    /// empty, not mixing named and unnamed entries, not mixing columns and tensors, at most one
    /// unnamed tensor, no optional unnamed column.
    pub fn new(inputs: Vec<InputSpec>) -> Result<Self, SchemaError> {
        if inputs.is_empty() {
            return Err(SchemaError::EmptySchema);
        }
        let named = inputs.iter().filter(|spec| spec.name().is_some()).count();
        if named != 0 && named != inputs.len() {
            return Err(SchemaError::MixedNamedAndUnnamed {
                names: inputs.iter().map(|spec| spec.name().cloned()).collect(),
            });
        }
        let tensors = inputs
            .iter()
            .filter(|spec| matches!(spec, InputSpec::Tensor(_)))
            .count();
        if tensors != 0 && tensors != inputs.len() {
            return Err(SchemaError::MixedColumnsAndTensors);
        }
        if tensors > 1 && named == 0 {
            return Err(SchemaError::MultipleUnnamedTensors);
        }
        let inputs = if tensors == 0 {
            let columns: Vec<ColSpec> = inputs
                .into_iter()
                .filter_map(|spec| match spec {
                    InputSpec::Column(c) => Some(c),
                    InputSpec::Tensor(_) => None,
                })
                .collect();
            // MLflow refuses `required is False` only: a column whose `required` it left unset
            // (None) passes this rule, though it counts as optional everywhere else.
            if named == 0
                && columns
                    .iter()
                    .any(|c| !c.required() && !c.required_is_unset())
            {
                return Err(SchemaError::UnnamedOptional);
            }
            SchemaInputs::Columns(columns)
        } else {
            SchemaInputs::Tensors(
                inputs
                    .into_iter()
                    .filter_map(|spec| match spec {
                        InputSpec::Tensor(t) => Some(t),
                        InputSpec::Column(_) => None,
                    })
                    .collect(),
            )
        };
        Ok(Schema { inputs })
    }

    /// A column-based schema.
    pub fn from_columns(columns: Vec<ColSpec>) -> Result<Self, SchemaError> {
        Schema::new(columns.into_iter().map(InputSpec::Column).collect())
    }

    /// A tensor-based schema.
    pub fn from_tensors(tensors: Vec<TensorSpec>) -> Result<Self, SchemaError> {
        Schema::new(tensors.into_iter().map(InputSpec::Tensor).collect())
    }

    /// The entries.
    pub fn inputs(&self) -> &SchemaInputs {
        &self.inputs
    }

    /// The columns, if this is a column-based schema.
    pub fn columns(&self) -> Option<&[ColSpec]> {
        match &self.inputs {
            SchemaInputs::Columns(columns) => Some(columns),
            SchemaInputs::Tensors(_) => None,
        }
    }

    /// The tensors, if this is a tensor-based schema.
    pub fn tensors(&self) -> Option<&[TensorSpec]> {
        match &self.inputs {
            SchemaInputs::Tensors(tensors) => Some(tensors),
            SchemaInputs::Columns(_) => None,
        }
    }

    /// MLflow's `is_tensor_spec()`.
    pub fn is_tensor_spec(&self) -> bool {
        matches!(self.inputs, SchemaInputs::Tensors(_))
    }

    /// How many entries the schema has.
    pub fn len(&self) -> usize {
        match &self.inputs {
            SchemaInputs::Columns(columns) => columns.len(),
            SchemaInputs::Tensors(tensors) => tensors.len(),
        }
    }

    /// Always false: MLflow forbids empty schemas. Present because `len` is.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// MLflow's `has_input_names()`: entries are matched by name, not position.
    pub fn has_input_names(&self) -> bool {
        self.names().next().flatten().is_some()
    }

    /// The entries' names in order (`None` for positional entries).
    pub fn names(&self) -> impl Iterator<Item = Option<&ColumnName>> + '_ {
        let (columns, tensors) = match &self.inputs {
            SchemaInputs::Columns(columns) => (columns.as_slice(), &[][..]),
            SchemaInputs::Tensors(tensors) => (&[][..], tensors.as_slice()),
        };
        columns
            .iter()
            .map(ColSpec::name)
            .chain(tensors.iter().map(TensorSpec::name))
    }

    /// Names of the entries that must be present (every tensor is required).
    pub fn required_input_names(&self) -> Vec<&ColumnName> {
        match &self.inputs {
            SchemaInputs::Columns(columns) => columns
                .iter()
                .filter(|c| c.required())
                .filter_map(ColSpec::name)
                .collect(),
            SchemaInputs::Tensors(tensors) => tensors.iter().filter_map(TensorSpec::name).collect(),
        }
    }

    /// Names of the columns that may be absent.
    pub fn optional_input_names(&self) -> Vec<&ColumnName> {
        self.columns()
            .unwrap_or_default()
            .iter()
            .filter(|c| !c.required())
            .filter_map(ColSpec::name)
            .collect()
    }
}
