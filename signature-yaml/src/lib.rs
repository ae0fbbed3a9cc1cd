//! YAML read as PyYAML's `yaml.safe_load` reads it, which is how MLflow reads MLmodel files:
//! scalars typed by YAML 1.1's rules ([`resolve`]), into `serde_json` values, within budgets
//! ([`YamlLimits`]) that keep a few lines of aliases from expanding to gigabytes.
//!
//! One reader for two users: `signature-runtime` reads MLmodel files with it, and its derive
//! reads the MLmodel a `#[signature(check = "...")]` names with it, so that both read a file
//! the same way. Use it through `signature-runtime` (`mlflow::MlModel`); this crate is its
//! part that a procedural macro can depend on.

use std::fmt;

mod load;
pub mod resolve;

pub use load::safe_load;

/// The budgets of one YAML reading. The defaults are far beyond what MLflow writes.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct YamlLimits {
    /// Nesting depth of collections (64; MLflow writes 4 or 5).
    pub depth: usize,
    /// Alias uses (`*name`; 10,000, MLflow writes none).
    pub alias_uses: u64,
    /// Memory the document may take once its aliases are expanded, estimated as
    /// [`NODE_COST`] bytes per node plus the bytes of every string (64 MiB). PyYAML shares an
    /// aliased node where this reader copies it, so without this a few lines of aliases would
    /// expand to gigabytes.
    pub expanded_bytes: u64,
}

impl Default for YamlLimits {
    fn default() -> Self {
        YamlLimits {
            depth: 64,
            alias_uses: 10_000,
            expanded_bytes: 64 * 1024 * 1024,
        }
    }
}

/// What one YAML node is counted as toward [`YamlLimits::expanded_bytes`]: the size of the
/// JSON value it is read into.
pub const NODE_COST: u64 = size_of::<serde_json::Value>() as u64;

/// One of the budgets of [`YamlLimits`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum YamlBudget {
    /// [`YamlLimits::depth`].
    Depth,
    /// [`YamlLimits::alias_uses`].
    AliasUses,
    /// [`YamlLimits::expanded_bytes`].
    ExpandedBytes,
}

/// Why a YAML text was not read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LoadError {
    /// Not YAML, or YAML that `safe_load` refuses or JSON cannot hold; the message ends with
    /// the place (`at line L, column C`).
    Syntax(String),
    /// The text went past a budget.
    Budget {
        /// Which.
        budget: YamlBudget,
        /// Its value.
        limit: u64,
        /// Where: `line L, column C`.
        place: String,
    },
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::Syntax(message) => f.write_str(message),
            LoadError::Budget {
                budget,
                limit,
                place,
            } => {
                // Named as the runtime's `ReadLimits` fields that set them.
                let (name, counts) = match budget {
                    YamlBudget::Depth => ("yaml_depth", "levels of nesting"),
                    YamlBudget::AliasUses => ("yaml_alias_uses", "alias uses"),
                    YamlBudget::ExpandedBytes => {
                        ("yaml_expanded_bytes", "bytes once its aliases are expanded")
                    }
                };
                write!(f, "{place}: over the `{name}` budget ({limit} {counts})")
            }
        }
    }
}

impl std::error::Error for LoadError {}
