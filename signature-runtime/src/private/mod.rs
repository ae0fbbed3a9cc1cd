//! Not public API: what `#[derive(Signature)]` and `#[derive(Params)]` generate calls to. It
//! changes with the derive, which is why the runtime pins the derive's exact version.
//!
//! Most of it is `const fn`s the compiler runs on a derived [`Description`]: MLflow's schema
//! rules and the drift check against a committed signature. Each returns a [`Message`], empty
//! when all is well; the generated `const` item panics with it, which rustc reports as a
//! compile error at the derive's attribute.
//!
//! rustc interprets these functions step by step and stops a constant that runs for a few
//! million steps (`long_running_const_eval`), so every check here walks a description once
//! (no positional lookups into flattened entries, no pairwise comparison of names): repeated
//! names are found by sorting, at most n log n comparisons. The derive compares a struct's own
//! field names while it expands and hands them over sorted; only the names that come through
//! `#[serde(flatten)]` are sorted here.

mod compat;
mod drift;
mod duplicates;
mod entries;
pub mod limits;
mod message;
mod params;
mod validate;

#[cfg(test)]
mod agreement_tests;
#[cfg(test)]
mod tests;

pub use compat::{Compat, STRICT_NARROWS, compat};
pub use drift::drift;
pub use entries::{count, flattened_count};
pub use message::Message;
pub use params::{param, param_schema};
pub use validate::{check_tensor_rank, validate, validate_derived};

use crate::derived::Description;

/// The description a failed derive falls back to, so that code using the type does not pile
/// further errors onto the real one.
pub const FALLBACK_DESCRIPTION: Description = Description {
    type_name: "<invalid>",
    input: &[],
    output: &[],
};
