//! MLflow's signature type model, format-free: what a model's inputs, outputs and parameters
//! are, with MLflow's construction rules enforced by the constructors.
//!
//! The names are MLflow's own (`ColSpec`, `TensorSpec`, `Schema`, `ParamSpec`, ...), so an
//! MLflow user finds what they know. Reading and writing MLflow's JSON lives in
//! [`crate::mlflow`].

mod column;
mod data_type;
pub(crate) mod datetime;
#[cfg(any(feature = "arrow", feature = "polars"))]
pub(crate) mod engine_types;
mod error;
mod params;
mod schema;
mod signature;
mod tensor;

pub(crate) use column::Required;
pub use column::{Array, ColSpec, ColumnName, ColumnType, Map, Object, Property};
pub use data_type::DataType;
pub use datetime::Datetime;
pub use error::SchemaError;
pub use params::{ParamSchema, ParamShape, ParamSpec, ParamType, ParamValue};
pub use schema::{InputSpec, Schema, SchemaInputs};
pub use signature::ModelSignature;
pub use tensor::{NumpyDtype, TensorSpec};
