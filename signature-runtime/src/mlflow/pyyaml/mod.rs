//! YAML as PyYAML reads and writes it, which is how MLflow reads and writes MLmodel files.
//! The reading lives in `signature-runtime-yaml`, which the derive shares; the writing here.

mod dump;

use serde_json::Value;
use signature_runtime_yaml::{LoadError, YamlBudget, YamlLimits};

use crate::mlflow::FormatError;
use crate::mlflow::limits::{Budget, BudgetExceeded, ReadLimits};

pub(crate) use dump::safe_dump;

/// `yaml.safe_load(text)` for the value types JSON can hold, within the YAML budgets of
/// `limits`.
pub(crate) fn safe_load(text: &str, limits: &ReadLimits) -> Result<Value, FormatError> {
    let mut yaml = YamlLimits::default();
    yaml.depth = limits.yaml_depth;
    yaml.alias_uses = limits.yaml_alias_uses;
    yaml.expanded_bytes = limits.yaml_expanded_bytes;
    signature_runtime_yaml::safe_load(text, &yaml).map_err(|error| match error {
        LoadError::Budget {
            budget,
            limit,
            place,
        } => {
            let budget = match budget {
                YamlBudget::Depth => Budget::YamlDepth,
                YamlBudget::AliasUses => Budget::YamlAliasUses,
                YamlBudget::ExpandedBytes => Budget::YamlExpandedBytes,
            };
            BudgetExceeded::new(budget, limit, place).into()
        }
        LoadError::Syntax(message) => FormatError::Yaml { message },
    })
}
