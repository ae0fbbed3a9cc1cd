#![doc = include_str!("../docs/guide.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(missing_docs)]

#[doc(hidden)]
#[path = "private/mod.rs"]
pub mod __private;
pub mod check;
pub mod derived;
pub mod evolution;
#[cfg(any(feature = "arrow", feature = "polars"))]
pub mod frame;
#[cfg(test)]
mod layers;
pub mod mlflow;
pub mod model;
mod options;
mod pandas_rules;
pub mod report;
#[cfg(feature = "serve")]
pub mod serve;
pub mod types;

pub use check::JsonChecker;
pub use derived::{Params, Signature, SignatureType};
pub use mlflow::{FormatError, MlModel, SignatureDict, load_signature};
pub use options::{CheckOptions, ExtraColumns, Mode};
pub use report::{Problem, ProblemKind, Report, Severity};
pub use types::{
    Array, ColSpec, ColumnName, ColumnType, DataType, Datetime, InputSpec, Map, ModelSignature,
    NumpyDtype, Object, ParamSchema, ParamShape, ParamSpec, ParamType, ParamValue, Property,
    Schema, SchemaError, SchemaInputs, TensorSpec,
};

#[cfg(feature = "derive")]
pub use signature_runtime_derive::{Params, Signature};

/// The README's Rust examples, compiled and run as doctests so they cannot rot.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
