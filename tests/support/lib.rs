//! Shared helpers for the integration tests: fixtures and the bridge to the real MLflow.

pub mod mlflow;
