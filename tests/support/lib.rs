//! Shared helpers for the integration tests: generated signatures and the bridge to the real
//! MLflow.

pub mod arbitrary;
pub mod house;
pub mod http;
pub mod mlflow;
pub mod mlflow_server;
pub mod modes;
pub mod skip;
