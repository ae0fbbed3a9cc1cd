//! What `#[derive(Params)]` generates calls to: the parameters built, and MLflow's refusals
//! turned into panics naming the struct (the derive has already refused what it can see).

use crate::derived::ParamFieldType;
use crate::types::{ParamSchema, ParamSpec, ParamValue};

/// One parameter of a `#[derive(Params)]` struct.
///
/// # Panics
/// If MLflow would refuse the default (a datetime parameter defaulting to `None`).
pub fn param<T: ParamFieldType + ?Sized>(name: &str, default: ParamValue) -> ParamSpec {
    ParamSpec::new(name, T::TYPE, default, T::SHAPE)
        .unwrap_or_else(|error| panic!("#[derive(Params)]: {error}"))
}

/// The parameters of a `#[derive(Params)]` struct.
///
/// # Panics
/// Never for derived structs: the derive rejects repeated names at compile time.
pub fn param_schema<const N: usize>(type_name: &str, params: [ParamSpec; N]) -> ParamSchema {
    ParamSchema::new(params.into()).unwrap_or_else(|error| panic!("`{type_name}`: {error}"))
}
