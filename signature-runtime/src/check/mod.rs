//! Checking MLflow scoring-request bodies against a signature, in one streaming pass over the
//! bytes, reporting every problem at once.
//!
//! ```
//! use signature_runtime::check::JsonChecker;
//! use signature_runtime::{ColSpec, DataType, Schema};
//!
//! let schema = Schema::from_columns(vec![
//!     ColSpec::new("sqft", DataType::Long),
//!     ColSpec::new("city", DataType::String),
//! ])?;
//! let checker = JsonChecker::for_schema(&schema);
//!
//! let report = checker.check(br#"{"dataframe_split": {"columns": ["sqft", "city"],
//!                                  "data": [[1200, "Salem"], ["big", "Madison"]]}}"#);
//! assert!(!report.is_valid());
//! let problem = &report.problems()[0];
//! assert_eq!(problem.pointer(), "/dataframe_split/data/1/0");
//! assert_eq!(problem.column(), Some("sqft"));
//! # Ok::<(), signature_runtime::SchemaError>(())
//! ```
//!
//! [`JsonChecker::check`] returns a [`Report`](crate::report::Report): see
//! [`crate::report`] for its renderings (compiler-style text, JSON, MLflow's error body,
//! redacted).
//!
//! # Bodies
//!
//! Every request format of MLflow's scoring server, each with an optional `params` object:
//!
//! | body | rows are |
//! |---|---|
//! | `{"dataframe_split": {"columns": [...], "data": [[...], ...], "index": [...]}}` | the lists in `data`; `columns` and `index` optional |
//! | `{"dataframe_records": [{...}, ...]}` | the objects |
//! | `{"inputs": {"a": [...], "b": [...]}}` | the positions in the column lists (one row when the schema has an `array` or `object` column, or when the values are not lists) |
//! | `{"inputs": [{...}, ...]}`, `{"instances": [{...}, ...]}` | the objects, as records |
//! | `{"inputs": [...]}`, `{"instances": [...]}` of non-objects | the elements, for a single-column or positional schema; the whole tensor, for a tensor schema |
//! | `{"inputs": "a value"}` | one row, for a single-column schema |
//! | `[{...}, ...]` (a bare list of records) | the objects |
//!
//! A body that is none of these (not JSON, not an object, no format key or several, an unknown
//! key, `data` missing, ragged rows, `columns` not matching the rows) is reported like any other
//! problem. A `dataframe_split` whose `data` comes before `columns` is still one pass over the
//! rest: `data` is skipped, then checked once `columns` is known.
//!
//! # Rules
//!
//! Three modes ([`Mode`]):
//!
//! - [`Mode::Strict`] (the default) accepts exactly what decodes without loss into the Rust
//!   type a signature describes: for a type deriving both `Signature` and `Deserialize`, what
//!   passes is what `serde_json` deserialises, with the exceptions marked *differs*.
//! - [`Mode::MlflowServing`] reaches the accept/reject decision of MLflow's scoring server
//!   (`/invocations`) for the same body: in `dataframe_*` bodies it first casts each column
//!   with pandas (`astype`, base64 decoding, `pd.to_datetime`), in `inputs`/`instances` each
//!   value with numpy, then enforces the schema.
//! - [`Mode::MlflowPredict`] reaches the decision of `pyfunc.predict` on the frame built from
//!   the body *without* casting: pandas infers each column's dtype from its JSON values and
//!   MLflow's dtype rules decide, so one value can change the verdict for its whole column
//!   (`[1, 2]` is `int64`, refused for `double`; `[1, 2.5]` is `float64`, accepted).
//!
//! Where MLflow accepts a value but changes it, the MLflow modes accept it too and add a
//! warning `value_changed` saying what MLflow will do with it, so nothing changes silently.
//! Both modes are pinned by differential tests against the real MLflow
//! (`tests/interop_modes.rs`); the few deliberate differences are listed in
//! `docs/mlflow-differences.md`. For tensors the scoring server casts every element with
//! numpy to the spec's dtype, while predict gets the array numpy infers from the JSON and
//! wants the spec's dtype exactly; params follow MLflow's `_enforce_params_schema` in both
//! MLflow modes, since nothing casts them before it.
//!
#![doc = include_str!("../../docs/check-rules.md")]
//!
//! Strict and serde part ways, by design, where the Rust type and the MLflow type hold
//! different values (each case is pinned by `tests/check_serde_equivalence.rs`):
//!
//! - Strict refuses what serde accepts: integers a float type cannot hold exactly; `1e39` for
//!   `f32`; undeclared keys in a nested `object`; a struct value given as a list of its fields;
//!   `null` items in `Vec<Option<_>>` or `HashMap<_, Option<_>>` (the column is `array<long>`,
//!   whose items MLflow requires).
//! - Strict accepts what serde refuses, because the MLflow type is wider than the Rust one:
//!   `null` for a `#[serde(default)]` field (optional in the signature); `u8`/`i16` values in
//!   `integer`'s range but not the field's, `u32` values in `long`'s; lists of the wrong length
//!   for `[T; N]`; any string for a field-less enum or a `char`; datetimes chrono's serde
//!   refuses (a date alone, a space separator, no seconds); any base64 string for
//!   `serde_bytes` fields. [`JsonChecker::decode`] reports a row serde then refuses as
//!   `wrong_type`, so a typed decode never fails silently.
//!
//! Memory: beyond the input, a check holds the report (capped), one entry per input column and
//! a bounded set of extra column names; nothing grows with the number of rows.
//!
//! # Decoding and conforming in the same pass
//!
//! [`JsonChecker::decode`] (rows into a Rust type) and [`JsonChecker::conform`] (a schema loaded
//! at run time: typed columns, and an Arrow batch under feature `arrow`) read the values as the
//! check accepts them, in its one pass over the bytes: `conform` for every schema, `decode` for
//! a schema of named columns (every body layout; an `inputs` object's cells are kept column by
//! column and decoded once the object is checked). For a positional or tensor schema, `decode`
//! reads the rows with serde_json once the check has passed.

mod conform;
mod decode;
mod json;
#[cfg(test)]
mod mode_tests;
mod scanner;
mod values;

pub use conform::{ColumnValues, ConformedBody, ConformedColumn};
pub use decode::Decoded;
pub use json::JsonChecker;

pub use crate::options::{CheckOptions, ExtraColumns, Mode};

use serde_json::{Map, Value};

use crate::report::{Problem, ProblemKind, Severity};

/// The body's `params` object (at `span`, as the check found it) as JSON values, for
/// `conform` and `decode`. The check passed them, but it does not read an unknown param's
/// value, which a JSON value may be unable to hold (`1e400`): that is an error of its own at
/// `/params`, never a refusal whose report has none.
pub(crate) fn params_as_json(
    body: &[u8],
    span: Option<(usize, usize)>,
) -> Result<Map<String, Value>, Box<Problem>> {
    let Some((start, end)) = span else {
        return Ok(Map::new());
    };
    serde_json::from_slice(&body[start..end]).map_err(|error| {
        Box::new(Problem::new(
            ProblemKind::OutOfRange,
            Severity::Error,
            "/params",
            format!("the params cannot be held as JSON values: {error}"),
        ))
    })
}
