use std::fmt;
use std::path::PathBuf;

use super::file_kind::FileKind;
use super::limits::BudgetExceeded;
use crate::types::SchemaError;

/// Why MLflow signature JSON or an MLmodel file could not be read.
///
/// Locations are JSON pointers into the signature as a whole (`/inputs/2/items/type`): the
/// JSON strings MLflow nests inside the dict are treated as part of the tree, so a pointer
/// leads to the exact spot however the file packs it.
///
/// Each message is complete on its own (the place, then why), so `source()` returns nothing
/// the message has already said: an error chain prints every cause once.
#[derive(Debug)]
#[non_exhaustive]
pub enum FormatError {
    /// The text is not JSON.
    Syntax {
        /// Where the JSON text sits (`/inputs` for the string inside a signature dict).
        location: Location,
        /// The parser's message, with line and column.
        message: String,
    },
    /// The JSON is well-formed but not what MLflow writes.
    Invalid {
        /// Where the offending value is.
        location: Location,
        /// What is wrong, and what was expected.
        message: String,
    },
    /// The JSON describes something MLflow's type model forbids.
    Schema {
        /// The schema, column or parameter concerned.
        location: Location,
        /// The rule broken.
        source: SchemaError,
    },
    /// An MLmodel file that is not valid YAML, or not a mapping.
    Yaml {
        /// The YAML parser's message, with its position.
        message: String,
    },
    /// An MLmodel file without a `signature` block.
    NoSignature {
        /// The MLmodel file.
        path: PathBuf,
    },
    /// A file that could not be read.
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A file of another kind (Parquet, a zip archive...) given where a signature was expected.
    NotASignature {
        /// The file.
        path: PathBuf,
        /// What it is.
        kind: FileKind,
    },
    /// The input is larger, deeper or wider than a budget of [`ReadLimits`] allows.
    ///
    /// [`ReadLimits`]: super::ReadLimits
    Budget(BudgetExceeded),
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FormatError::Syntax { location, message } => {
                write!(f, "malformed JSON at {location}: {message}")
            }
            FormatError::Invalid { location, message } => write!(f, "{location}: {message}"),
            FormatError::Schema { location, source } => write!(f, "{location}: {source}"),
            FormatError::Yaml { message } => write!(f, "malformed MLmodel YAML: {message}"),
            FormatError::NoSignature { path } => {
                write!(f, "{}: the MLmodel file has no `signature`", path.display())
            }
            FormatError::Io { path, source } => write!(f, "{}: {source}", path.display()),
            FormatError::NotASignature { path, kind } => write!(
                f,
                "{}: this is {kind}, not a signature (signature JSON, an MLmodel file or a model directory)",
                path.display()
            ),
            FormatError::Budget(exceeded) => exceeded.fmt(f),
        }
    }
}

/// The causes are part of each message (a schema rule or an I/O error means little without
/// the place), so none is returned again as a source.
impl std::error::Error for FormatError {}

impl From<BudgetExceeded> for FormatError {
    fn from(exceeded: BudgetExceeded) -> Self {
        FormatError::Budget(exceeded)
    }
}

impl FormatError {
    /// The budget exceeded, when that is why the input was refused.
    pub fn budget_exceeded(&self) -> Option<&BudgetExceeded> {
        match self {
            FormatError::Budget(exceeded) => Some(exceeded),
            _ => None,
        }
    }
}

/// Something in a signature that MLflow reads without complaint but ignores or changes, so a
/// signature written by a newer MLflow (or by hand) still loads: an unknown key, or a type
/// MLflow builds differently from how it is spelled. Readers named `..._with_warnings` list
/// them; the others read the same way and say nothing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormatWarning {
    /// Where in the signature.
    pub location: Location,
    /// What MLflow does there (`ignored key `foo``, ...).
    pub message: String,
}

impl fmt::Display for FormatWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

/// A JSON pointer into signature JSON, plus the column or parameter name when one is known,
/// so messages can say both where and what.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Location {
    pointer: String,
    subject: Option<String>,
}

impl Location {
    /// The root of the document.
    pub fn root() -> Self {
        Location::default()
    }

    /// The JSON pointer (`""` for the root, else `/inputs/2/type`).
    pub fn pointer(&self) -> &str {
        &self.pointer
    }

    /// The column, property or parameter the location belongs to, if known.
    pub fn subject(&self) -> Option<&str> {
        self.subject.as_deref()
    }

    /// This location extended by a key or index, with `~` and `/` escaped per RFC 6901.
    pub(crate) fn child(&self, token: impl fmt::Display) -> Self {
        let token = token.to_string().replace('~', "~0").replace('/', "~1");
        Location {
            pointer: format!("{}/{token}", self.pointer),
            subject: self.subject.clone(),
        }
    }

    /// This location, naming what it belongs to.
    pub(crate) fn about(&self, subject: impl Into<String>) -> Self {
        Location {
            pointer: self.pointer.clone(),
            subject: Some(subject.into()),
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pointer = if self.pointer.is_empty() {
            "/"
        } else {
            &self.pointer
        };
        match &self.subject {
            Some(subject) => write!(f, "`{pointer}` ({subject})"),
            None => write!(f, "`{pointer}`"),
        }
    }
}
