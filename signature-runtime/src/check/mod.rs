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
//! [`Mode::Strict`] (the only mode so far) accepts exactly what decodes without loss into the
//! Rust type a signature describes: for a type deriving both `Signature` and `Deserialize`,
//! what passes is what `serde_json` deserialises, with the exceptions marked *differs*.
//!
//! | rule | Strict |
//! |---|---|
//! | required column absent | error `missing_column` (for records: one problem per column, counting the records that lack it) |
//! | optional column absent | fine |
//! | column not in the signature | [`ExtraColumns::Ignore`]: warning `extra_column` (MLflow ignores them); [`ExtraColumns::Reject`]: error |
//! | a column or key twice | error `duplicate_key` |
//! | `null` | fine in an optional column or optional object property; else error `null_not_allowed` |
//! | `boolean` | `true` / `false` only |
//! | `integer`, `long` | a JSON integer in the i32 / i64 range (`out_of_range` otherwise, never wrapped); `2.0`, `1e3` and `-0` are floats (`wrong_type`), as serde_json reads them |
//! | `float`, `double` | any JSON number; an integer only when the type holds it exactly (`inexact_number`: 2^53 + 1 for `double`, 2^24 + 1 for `float`); a number beyond the type's range is `out_of_range` (*differs*: serde_json rounds `1e39` to an infinite `f32`) |
//! | `string` | a JSON string (numbers are not strings) |
//! | `binary` | a string of standard base64 with padding and no stray bits (line breaks allowed, as Python's `base64.encodebytes` writes them) |
//! | `datetime` | a string `YYYY-MM-DD`, optionally followed by `T` or a space and `HH:MM`, `HH:MM:SS` or `HH:MM:SS.fffffffff`; no timezone, since MLflow's datetime is timezone-naive |
//! | `array` | a JSON list whose elements all match the item type (`null` elements are errors) |
//! | `object` | a JSON object: required properties present (`missing_property`), no other keys (`unknown_property`, as MLflow), values of their property's type |
//! | `map` | a JSON object whose values all match the value type |
//! | `any` | any JSON value |
//! | `sparkml_vector` | a list of numbers, as `array` of `double` |
//! | tensor column (`dataframe_*`, records) | each cell is one row of the tensor: nested lists of the shape without its first dimension |
//! | tensor (`inputs`, `instances`) | nested lists of exactly the spec's shape; `-1` dimensions any length but the same for every list at that level (`tensor_shape`) |
//! | tensor elements | `bool`: booleans; integer dtypes: integers in the dtype's range; float and complex dtypes: numbers, as `double`/`float`; `str`, `bytes`: strings; `datetime64`: as `datetime`; `timedelta64`: integers; `object`: anything |
//! | `params` | an object; each parameter's value of its type and shape (`integer` range-checked, unlike MLflow); `null` is an error (omit the parameter to get its default); unknown parameters are warnings `unknown_param`, as MLflow ignores them |
//! | JSON itself | RFC 8259: UTF-8 only, no `NaN`/`Infinity` tokens, no trailing text, nesting at most 127 levels deep (serde_json's limit); the first syntax error stops the check |
//!
//! Memory: beyond the input, a check holds the report (capped), one entry per input column and
//! a bounded set of extra column names; nothing grows with the number of rows.

mod json;
mod scanner;
mod values;

pub use json::JsonChecker;

/// Which decisions a check makes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Mode {
    /// No lossy conversion: what passes decodes exactly into the signature's Rust types
    /// (see the table in the [module docs](self)).
    #[default]
    Strict,
}

/// What to do with columns the signature does not declare.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum ExtraColumns {
    /// Report them as warnings and accept the input: MLflow's behaviour (it drops them).
    #[default]
    Ignore,
    /// Report them as errors.
    Reject,
}

/// How a check runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckOptions {
    mode: Mode,
    extra_columns: ExtraColumns,
    max_problems: usize,
    max_depth: usize,
}

impl Default for CheckOptions {
    fn default() -> Self {
        CheckOptions {
            mode: Mode::Strict,
            extra_columns: ExtraColumns::Ignore,
            max_problems: 100,
            // serde_json refuses the 128th level when building values: agree with it.
            max_depth: 127,
        }
    }
}

impl CheckOptions {
    /// The defaults: strict, extra columns ignored with a warning, 100 problems listed,
    /// nesting up to 127 levels (as serde_json).
    pub fn new() -> Self {
        CheckOptions::default()
    }

    /// With another mode.
    #[must_use]
    pub fn with_mode(mut self, mode: Mode) -> Self {
        self.mode = mode;
        self
    }

    /// With another extra-column policy.
    #[must_use]
    pub fn with_extra_columns(mut self, policy: ExtraColumns) -> Self {
        self.extra_columns = policy;
        self
    }

    /// Listing at most `max` problems (all are still counted).
    #[must_use]
    pub fn with_max_problems(mut self, max: usize) -> Self {
        self.max_problems = max;
        self
    }

    /// Accepting JSON nested at most `max` levels deep.
    #[must_use]
    pub fn with_max_depth(mut self, max: usize) -> Self {
        self.max_depth = max;
        self
    }

    /// The mode.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// The extra-column policy.
    pub fn extra_columns(&self) -> ExtraColumns {
        self.extra_columns
    }

    /// How many problems are listed at most.
    pub fn max_problems(&self) -> usize {
        self.max_problems
    }

    /// How deep JSON may nest.
    pub fn max_depth(&self) -> usize {
        self.max_depth
    }
}
