//! YAML as PyYAML reads and writes it, which is how MLflow reads and writes MLmodel files.

mod dump;
mod load;
mod resolve;

pub(crate) use dump::safe_dump;
pub(crate) use load::safe_load;
