use super::{ParamSchema, Schema, SchemaError};

/// MLflow's `ModelSignature`: what a model takes, returns and accepts as parameters.
#[derive(Clone, Debug, PartialEq)]
pub struct ModelSignature {
    inputs: Option<Schema>,
    outputs: Option<Schema>,
    params: Option<ParamSchema>,
}

impl ModelSignature {
    /// A signature; at least one part must be given (MLflow writes an empty parameter schema
    /// as `null`, so it counts as absent and is dropped).
    pub fn new(
        inputs: Option<Schema>,
        outputs: Option<Schema>,
        params: Option<ParamSchema>,
    ) -> Result<Self, SchemaError> {
        let params = params.filter(|p| !p.is_empty());
        if inputs.is_none() && outputs.is_none() && params.is_none() {
            return Err(SchemaError::EmptySignature);
        }
        Ok(ModelSignature {
            inputs,
            outputs,
            params,
        })
    }

    /// The input schema.
    pub fn inputs(&self) -> Option<&Schema> {
        self.inputs.as_ref()
    }

    /// The output schema.
    pub fn outputs(&self) -> Option<&Schema> {
        self.outputs.as_ref()
    }

    /// The parameter schema (never empty).
    pub fn params(&self) -> Option<&ParamSchema> {
        self.params.as_ref()
    }
}
