use super::ColumnName;

/// A rule of MLflow's type model that a value broke. Each message says which rule, in MLflow's
/// words where MLflow has them, and names the column, property or parameter.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SchemaError {
    /// A `type` that is not one of MLflow's data types.
    #[error(
        "unsupported type `{found}`, expected one of `boolean`, `integer`, `long`, `float`, \
         `double`, `string`, `binary`, `datetime`"
    )]
    UnknownDataType {
        /// The spelling found.
        found: String,
    },
    /// A tensor dtype numpy does not know.
    #[error("data type `{found}` not understood (expected a numpy dtype such as `float32`)")]
    UnknownNumpyDtype {
        /// The spelling found.
        found: String,
    },
    /// A sized string dtype (`<U10`): MLflow wants `str` or `bytes`.
    #[error(
        "MLflow does not support size information in flexible numpy data types \
         (`{found}`); use `str` or `bytes`"
    )]
    SizedFlexibleDtype {
        /// The spelling found.
        found: String,
    },
    /// An Object without properties.
    #[error("Creating Object with empty properties is not allowed.")]
    EmptyObject,
    /// An Object with a property name twice.
    #[error("Found duplicated property names: `{}`", names.join(", "))]
    DuplicateProperties {
        /// The repeated names.
        names: Vec<String>,
    },
    /// A schema without entries.
    #[error("Creating Schema with empty inputs is not allowed.")]
    EmptySchema,
    /// Some entries named, some not.
    #[error(
        "Creating Schema with a combination of named and unnamed inputs is not allowed. \
         Got input names {}",
        python_names(names)
    )]
    MixedNamedAndUnnamed {
        /// Every entry's name, `None` for unnamed ones.
        names: Vec<Option<ColumnName>>,
    },
    /// ColSpecs and TensorSpecs in one schema.
    #[error(
        "Creating Schema with a combination of ColSpec and TensorSpec is not supported. \
         Please choose one of ColSpec or TensorSpec"
    )]
    MixedColumnsAndTensors,
    /// Several tensors without names.
    #[error(
        "Creating Schema with multiple unnamed TensorSpecs is not supported. \
         Please provide names for each TensorSpec."
    )]
    MultipleUnnamedTensors,
    /// An optional column in a positional schema.
    #[error(
        "Creating Schema with unnamed optional inputs is not supported. \
         Please name all inputs or make all inputs required."
    )]
    UnnamedOptional,
    /// A binary parameter.
    #[error("parameter `{name}`: binary type is not supported for parameters")]
    BinaryParam {
        /// The parameter.
        name: String,
    },
    /// A parameter whose default does not fit its type or shape.
    #[error("parameter `{name}`: invalid default: {reason}")]
    InvalidParamDefault {
        /// The parameter.
        name: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A parameter name twice.
    #[error("Duplicated parameters found in schema: {}", python_str_list(names))]
    DuplicateParams {
        /// The repeated names.
        names: Vec<String>,
    },
    /// A signature with no inputs, outputs or params.
    #[error("At least one of inputs, outputs or params must be provided")]
    EmptySignature,
}

/// Python's repr of a list of names (`['a', None, 0]`), as MLflow's messages print them.
fn python_names(names: &[Option<ColumnName>]) -> String {
    let items: Vec<String> = names
        .iter()
        .map(|name| match name {
            None => "None".to_owned(),
            Some(ColumnName::Int(i)) => i.to_string(),
            Some(ColumnName::Str(s)) => python_str_repr(s),
        })
        .collect();
    format!("[{}]", items.join(", "))
}

fn python_str_list(names: &[String]) -> String {
    let items: Vec<String> = names.iter().map(|n| python_str_repr(n)).collect();
    format!("[{}]", items.join(", "))
}

/// Python's `repr(str)` for the common case (quotes chosen as Python chooses them).
fn python_str_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}
