//! What MLflow's Python does with data, in one place: the casts pandas and numpy make of values
//! (the scoring server's `astype`, `np.array(values, dtype)`, `pd.to_datetime`, Python's `int()`,
//! `float()`, `complex()`, `base64.decodebytes`), the dtypes they infer, and MLflow's schema
//! enforcement on the result (`_enforce_mlflow_datatype`, `_enforce_param_datatype`).
//!
//! Both checkers call these rules in the MLflow modes: the JSON checker (`crate::check`) with
//! JSON values ([`values`], [`numpy`]), the frame checkers (`crate::frame`) with the dtypes
//! pyarrow's `to_pandas` gives their columns ([`enforce`], [`numeric`]). A reader looking for
//! "what MLflow does with a value of type X for a column of type Y" starts here.
//!
//! The name says which MLflow: [`crate::mlflow`] reads and writes MLflow's *files*; this module
//! imitates MLflow's *pandas and numpy behaviour*. It imports only [`crate::types`].

pub(crate) mod base64;
pub(crate) mod enforce;
pub(crate) mod numeric;
pub(crate) mod numpy;
pub(crate) mod values;
