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
//! | rule | Strict | MlflowServing | MlflowPredict |
//! |---|---|---|---|
//! | required column absent | error `missing_column` (for records: one problem per column, counting the records that lack it) | as Strict; an empty `dataframe_records` list lacks every column | as Serving |
//! | optional column absent | fine | fine; in records that give it only sometimes, the holes are nulls (so an optional `long` refuses them) | as Serving |
//! | column not in the signature | [`ExtraColumns::Ignore`]: warning `extra_column` (MLflow ignores them); [`ExtraColumns::Reject`]: error | as Strict | as Strict |
//! | a column or key twice | error `duplicate_key` | as Strict (*differs*: MLflow keeps the last) | as Strict |
//! | `null` in a scalar column | fine if optional; else error `null_not_allowed` | fine for `double`, `float`, `datetime`, and `string` in `dataframe_*`; `boolean`: warning (becomes false); `string`, `binary` in `inputs`/`instances`: warning (becomes the text `None`); `long`, `integer`, and `binary` in `dataframe_*`: error | by the column's dtype: nulls make an integer column `float64` (refused for `long`); in `instances`, where a null makes numpy keep every value of the column as a 0-d array, an error but for `boolean`, `string` and `binary` |
//! | `boolean` | `true` / `false` only | anything: warning, by truthiness (`"false"` and `1` become true, `0`, `""` and null false) | a column of booleans; booleans mixed with other values (an `object` column) |
//! | `integer`, `long` | a JSON integer in the i32 / i64 range (`out_of_range` otherwise, never wrapped); `2.0`, `1e3` and `-0` are floats (`wrong_type`), as serde_json reads them | integers; out of range: `dataframe_*` warning (wraps), `inputs` error; floats: warning (truncated); numeric strings (`"5638"`) and booleans: warning (cast); other strings, null: error | `long`: a column of integers only; `integer`: never (JSON integers are `int64`) |
//! | `float`, `double` | any JSON number; an integer only when the type holds it exactly (`inexact_number`: 2^53 + 1 for `double`, 2^24 + 1 for `float`); a number beyond the type's range is `out_of_range` (*differs*: serde_json rounds `1e39` to an infinite `f32`) | any number (warning when rounded or overflowing to infinity); numeric strings and booleans: warning (cast); other strings: error | `double`: a column with a float or null among its numbers, or of integers all 0 or 1; `float`: integers all 0 or 1 only |
//! | `string` | a JSON string (numbers are not strings) | anything; non-strings: warning (`dataframe_*` passes them on as they are, `inputs` turns them into text) | a column of strings, or of mixed values; a column of numbers or booleans only is refused |
//! | `binary` | a string of standard base64 with padding and no stray bits (line breaks allowed, as Python's `base64.encodebytes` writes them) | `dataframe_*`: strings `base64.decodebytes` accepts (warning when it drops characters: `"!!!!"` decodes to empty); `inputs`: any value, warning (the text's bytes, not decoded) | strings, or mixed values |
//! | `datetime` | a string `YYYY-MM-DD`, optionally followed by `T` or a space and `HH:MM`, `HH:MM:SS` or `HH:MM:SS.fffffffff`; no timezone, since MLflow's datetime is timezone-naive | as Strict, but every value of a `dataframe_*` column in the first value's format; numbers (nanoseconds since 1970) and `""` (NaT): warning; `inputs` also takes timezones, `YYYY`, `YYYY-MM` and booleans (warning) | only a column of nulls (pandas 3 never parses `str` columns) |
//! | `array` | a JSON list whose elements all match the item type (`null` elements are errors) | a list whose elements, as one pandas series, pass predict's scalar rules (`[1, 2]` is refused for `array` of `double`; `array` of `float` refuses any non-empty list); never in `instances` | as Serving, and so are `object` and `map` |
//! | `object` | a JSON object: required properties present (`missing_property`), no other keys (`unknown_property`, as MLflow), values of their property's type | as Strict, each property value by predict's rules for a one-value series (an `integer` property refuses every JSON integer, `double` integers other than 0 and 1); never in `instances` (except `{}` when optional) | as Serving; never as an `inputs` value |
//! | `map` | a JSON object whose values all match the value type | as `object`'s values, null values refused; in `inputs` only `{}` | never in `inputs` or `instances` |
//! | `any` | any JSON value | as Strict | as Strict |
//! | `sparkml_vector` | a list of numbers, as `array` of `double` | as Strict | as Strict |
//! | tensor column (`dataframe_*`, records) | each cell is one row of the tensor: nested lists of the shape without its first dimension | as Strict, but the shape's first dimension must be `-1` and no other (`tensor_shape`); a column of scalars is first cast value by value as the server does: as the elements below, but for `bytes` the text encoded as UTF-8 (strings only), for `datetime64`/`timedelta64` pandas' parsing (numbers, `datetime64`: ISO 8601 text with a four-digit year and no offset; `timedelta64`: whole numbers as text; booleans only in a column of booleans alone), after which MLflow's reshape refuses a `datetime64` or `timedelta64` column (pandas made it Timestamps); list cells are not cast by the server and go through predict's reshape; for an unnamed tensor, a frame of several columns is cast column by column and must then have the dtype (never for `bytes`) | the column is cast as a whole from the dtype pandas gives it: numbers and booleans by `astype`, which refuses nothing (warning), text string by string, mixed values value by value (as the elements below); list cells are stacked with `np.vstack`, whose dtype numpy infers from every element (strings among numbers make every element text), then cast the same way; a first value (or first element of the first list) that is None is an error; a frame of several columns for an unnamed tensor is handed over uncast (`df.to_numpy()`), so its dtype must match as for `inputs` |
//! | tensor (`inputs`, `instances`) | nested lists of exactly the spec's shape; `-1` dimensions any length but the same for every list at that level (`tensor_shape`) | as Strict; an empty list above the last dimension is shape `(0,)` (error); ragged lists pass for an `object` tensor with a `-1` below its first dimension; `inputs` of an empty list, or of objects, is an error | as Strict, and ragged lists are always an error |
//! | tensor elements | `bool`: booleans; integer dtypes: integers in the dtype's range; float and complex dtypes: numbers, as `double`/`float`; `str`, `bytes`: strings; `datetime64`: as `datetime`; `timedelta64`: integers; `object`: anything | numpy's cast (`np.array(values, dtype)`): integers in range; floats truncated, numeric strings and booleans cast (warning); other strings, null, beyond the dtype's bounds: error. Floats take numbers, numeric strings, booleans (warning) and null (NaN, warning); complex dtypes read strings as Python's `complex()` does (`"1+2j"`). `bool`: anything, by truthiness (warning). `str`: anything, as its Python text (warning). `bytes`: anything but non-ASCII strings (warning for non-strings: their text). `datetime64`: integers (units since 1970) and booleans (warning), null, and strings numpy's ISO 8601 parser reads (a year of any length, a month, a date, a time, `Z` or an offset converted to UTC, `""` and `NaT`, `today`, `now`); never a float. `timedelta64`: integers, booleans (warning), null, `""`, `NaT` and whole numbers as text; never a float. `object`: anything | the array numpy infers must have the spec's dtype exactly: integers make `int64`, any float `float64`, booleans `bool`, strings (with numbers or not) `str`, a null `object`; so `float32`, `int32`, `uint8`, ... never match |
//! | `params` | an object; each parameter's value of its type and shape (`integer` range-checked, unlike MLflow); `null` is an error (omit the parameter to get its default); unknown parameters are warnings `unknown_param`, as MLflow ignores them | `integer`, `long`: JSON integers, unchecked range; `float`, `double`: any number; `boolean`, `string`: their own JSON type only; `datetime`: what numpy parses (a year, a date, a timestamp; an offset is dropped, warning; `""` is None, warning); `object`: an object by the `object` rules below, never null; shape `(-1,)`: a list of such values, never nested; `null` for a scalar: passed on as None (warning: the default is not used); `params: null` means none; params that are not an object: error, or a warning when the signature declares no params (MLflow ignores them) | as Serving |
//! | `inputs` shapes | a single value or a list of values for a one-column schema; values of an `inputs` object one row each | a single value: error (MLflow names it column `0`); for unnamed columns, an object is an error, rows given as lists are one numpy array whose values are all cast to the first column's type, and records are as predict's | also refuses a list of values (column `0`), an object of single values, and, in `inputs` records, every scalar column but `boolean`, `string` and `binary` (its values arrive as 0-d numpy arrays); for unnamed columns, rows given as lists are one numpy array, whose one dtype every column must accept |
//! | `instances` records | as records | a column given in some records only: error when the lengths differ | as Serving; a column with a null: error but for `boolean`, `string` and `binary` (see `null`) |
//! | envelope | unknown top-level keys: error `bad_envelope`; a bare list of records is read as records | unknown top-level keys: warning (MLflow ignores them); a bare list: error | as Serving |
//! | unified-LLM body (`messages`, `prompt` or `input` at the top level, whatever else is there) | error `bad_envelope`: MLflow hands it to the model without casting or reshaping, so it is not a body of rows Strict can check column by column; send the data under `inputs` | keys named like a parameter are params (as above); every other key, `params` and format keys included, is a column of one dict handed to predict uncast, of which pandas makes a frame: one row when the schema has an `array` or `object` column or every value is a single value or a list of strings (each list then one cell); else a column of each list and of each object (whose keys are the rows, NaN where another object lacks one), each single value repeated on every row, and lists of different lengths or objects beside lists are an error (pandas makes no frame of them); predict's dtype rules decide, missing and extra columns as for records; a tensor signature refuses it | as Serving (the server does not cast these bodies) |
//! | JSON itself | RFC 8259: UTF-8 only, no `NaN`/`Infinity` tokens, no trailing text, nesting at most 127 levels deep (serde_json's limit); the first syntax error stops the check | as Strict (*differs*: Python's `json` reads `NaN` and `Infinity`) | as Strict |
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
