//! The rule ids: one variant per kind of change, each with the stable id printed in reports.
//! Their meaning and verdicts are tabulated in `signature-runtime/docs/compatibility.md`.

use serde::{Serialize, Serializer};

macro_rules! rules {
    ($($(#[doc = $doc:literal])* $variant:ident => $id:literal,)*) => {
        /// A kind of signature change, with a stable id ([`Rule::id`]) for programs and CI
        /// configuration to name; the ids do not change between releases.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum Rule {
            $($(#[doc = $doc])* $variant,)*
        }

        impl Rule {
            /// Every rule, in the order of the table in `signature-runtime/docs/compatibility.md`.
            pub const ALL: &'static [Rule] = &[$(Rule::$variant,)*];

            /// The stable id (`input_required_column_added`).
            pub const fn id(self) -> &'static str {
                match self {
                    $(Rule::$variant => $id,)*
                }
            }
        }
    };
}

rules! {
    /// The new input schema requires a column the old one did not have.
    InputRequiredColumnAdded => "input_required_column_added",
    /// The new input schema has an optional column the old one did not have.
    InputOptionalColumnAdded => "input_optional_column_added",
    /// The new input schema drops a column old clients send.
    InputColumnRemoved => "input_column_removed",
    /// An optional input column became required.
    InputColumnMadeRequired => "input_column_made_required",
    /// A required input column became optional.
    InputColumnMadeOptional => "input_column_made_optional",
    /// The new input type refuses a value the old one accepted.
    InputTypeNarrowed => "input_type_narrowed",
    /// The new input type accepts every probed value the old one accepted, unchanged.
    InputTypeWidened => "input_type_widened",
    /// The new input type accepts every probed value the old one accepted, but MLflow changes
    /// some of them (a `value_changed` warning the old type did not give).
    InputTypeCast => "input_type_cast",
    /// An input object gained a required property.
    InputRequiredPropertyAdded => "input_required_property_added",
    /// An input object gained an optional property.
    InputOptionalPropertyAdded => "input_optional_property_added",
    /// An input object lost a property (objects refuse keys they do not declare).
    InputPropertyRemoved => "input_property_removed",
    /// An optional input object property became required.
    InputPropertyMadeRequired => "input_property_made_required",
    /// A required input object property became optional.
    InputPropertyMadeOptional => "input_property_made_optional",
    /// The new input schema requires a tensor the old one did not have.
    InputTensorAdded => "input_tensor_added",
    /// The new input schema drops a tensor old clients send.
    InputTensorRemoved => "input_tensor_removed",
    /// The new input tensor dtype refuses an element the old one accepted.
    InputTensorDtypeNarrowed => "input_tensor_dtype_narrowed",
    /// The new input tensor dtype accepts every probed element the old one accepted.
    InputTensorDtypeWidened => "input_tensor_dtype_widened",
    /// The new input tensor dtype accepts the old one's elements, but casts some of them.
    InputTensorDtypeCast => "input_tensor_dtype_cast",
    /// An input tensor has another number of dimensions.
    InputTensorRankChanged => "input_tensor_rank_changed",
    /// A fixed input tensor dimension has another size.
    InputTensorDimensionChanged => "input_tensor_dimension_changed",
    /// A variable (`-1`) input tensor dimension became fixed.
    InputTensorDimensionMadeFixed => "input_tensor_dimension_made_fixed",
    /// A fixed input tensor dimension became variable (`-1`).
    InputTensorDimensionMadeVariable => "input_tensor_dimension_made_variable",
    /// The model had no input schema and now has one.
    InputSchemaAdded => "input_schema_added",
    /// The model had an input schema and now has none.
    InputSchemaRemoved => "input_schema_removed",
    /// The inputs went from columns to tensors or back.
    InputSchemaKindChanged => "input_schema_kind_changed",
    /// The inputs went from named to positional or back.
    InputSchemaNamingChanged => "input_schema_naming_changed",
    /// A body old clients' schema accepts, built from every column's ordinary values, is
    /// refused by the new schema although no column-level change explains it: the schema as
    /// a whole reads a layout differently (an `inputs` object is one row when the schema has
    /// an array or object column, several rows otherwise).
    InputBodyLayoutChanged => "input_body_layout_changed",
    /// The new output schema has a column the old one did not have.
    OutputColumnAdded => "output_column_added",
    /// The new outputs lack a column old consumers require.
    OutputRequiredColumnRemoved => "output_required_column_removed",
    /// The new outputs lack a column old consumers took as optional.
    OutputOptionalColumnRemoved => "output_optional_column_removed",
    /// A required output column became optional.
    OutputColumnMadeOptional => "output_column_made_optional",
    /// An optional output column became required.
    OutputColumnMadeRequired => "output_column_made_required",
    /// The new output type allows a value the old one refused.
    OutputTypeWidened => "output_type_widened",
    /// Every probed value the new output type allows, the old one accepts unchanged.
    OutputTypeNarrowed => "output_type_narrowed",
    /// The old output type accepts the new one's values, but MLflow changes some of them.
    OutputTypeCast => "output_type_cast",
    /// An output object gained a property (old consumers' objects refuse unknown keys).
    OutputPropertyAdded => "output_property_added",
    /// An output object lost a property old consumers require.
    OutputRequiredPropertyRemoved => "output_required_property_removed",
    /// An output object lost a property old consumers took as optional.
    OutputOptionalPropertyRemoved => "output_optional_property_removed",
    /// A required output object property became optional.
    OutputPropertyMadeOptional => "output_property_made_optional",
    /// An optional output object property became required.
    OutputPropertyMadeRequired => "output_property_made_required",
    /// The new outputs have a tensor the old ones did not.
    OutputTensorAdded => "output_tensor_added",
    /// The new outputs lack a tensor old consumers read.
    OutputTensorRemoved => "output_tensor_removed",
    /// The new output tensor dtype allows an element the old one refused.
    OutputTensorDtypeWidened => "output_tensor_dtype_widened",
    /// Every probed element the new output dtype allows, the old one accepts.
    OutputTensorDtypeNarrowed => "output_tensor_dtype_narrowed",
    /// The old output dtype accepts the new one's elements, but casts some of them.
    OutputTensorDtypeCast => "output_tensor_dtype_cast",
    /// An output tensor has another number of dimensions.
    OutputTensorRankChanged => "output_tensor_rank_changed",
    /// A fixed output tensor dimension has another size.
    OutputTensorDimensionChanged => "output_tensor_dimension_changed",
    /// A variable (`-1`) output tensor dimension became fixed.
    OutputTensorDimensionMadeFixed => "output_tensor_dimension_made_fixed",
    /// A fixed output tensor dimension became variable (`-1`).
    OutputTensorDimensionMadeVariable => "output_tensor_dimension_made_variable",
    /// The model had no output schema and now has one.
    OutputSchemaAdded => "output_schema_added",
    /// The model had an output schema and now has none.
    OutputSchemaRemoved => "output_schema_removed",
    /// The outputs went from columns to tensors or back.
    OutputSchemaKindChanged => "output_schema_kind_changed",
    /// The outputs went from named to positional or back.
    OutputSchemaNamingChanged => "output_schema_naming_changed",
    /// As [`Rule::InputBodyLayoutChanged`], for predictions read by old consumers.
    OutputBodyLayoutChanged => "output_body_layout_changed",
    /// A parameter old clients may send is gone (MLflow would ignore it silently).
    ParamRemoved => "param_removed",
    /// A new parameter with a default.
    ParamAdded => "param_added",
    /// A new parameter whose default is `null` (the model gets `None` from old clients).
    ParamAddedWithoutDefault => "param_added_without_default",
    /// A parameter's type changed.
    ParamTypeChanged => "param_type_changed",
    /// A parameter went from a scalar to a list or back.
    ParamShapeChanged => "param_shape_changed",
    /// A parameter's default changed: old clients that omit it get another value.
    ParamDefaultChanged => "param_default_changed",
}

impl Serialize for Rule {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.id())
    }
}

impl std::fmt::Display for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}
