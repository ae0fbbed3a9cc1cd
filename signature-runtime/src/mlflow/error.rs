use std::fmt;
use std::path::PathBuf;

use crate::types::SchemaError;

/// Why MLflow signature JSON or an MLmodel file could not be read.
///
/// Locations are JSON pointers into the signature as a whole (`/inputs/2/items/type`): the
/// JSON strings MLflow nests inside the dict are treated as part of the tree, so a pointer
/// leads to the exact spot however the file packs it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FormatError {
    /// The text is not JSON.
    #[error("malformed JSON at {location}: {message}")]
    Syntax {
        /// Where the JSON text sits (`/inputs` for the string inside a signature dict).
        location: Location,
        /// The parser's message, with line and column.
        message: String,
    },
    /// The JSON is well-formed but not what MLflow writes.
    #[error("{location}: {message}")]
    Invalid {
        /// Where the offending value is.
        location: Location,
        /// What is wrong, and what was expected.
        message: String,
    },
    /// The JSON describes something MLflow's type model forbids.
    #[error("{location}: {source}")]
    Schema {
        /// The schema, column or parameter concerned.
        location: Location,
        /// The rule broken.
        source: SchemaError,
    },
    /// An MLmodel file that is not valid YAML, or not a mapping.
    #[error("malformed MLmodel YAML: {message}")]
    Yaml {
        /// The YAML parser's message, with its position.
        message: String,
    },
    /// An MLmodel file without a `signature` block.
    #[error("{path}: the MLmodel file has no `signature`")]
    NoSignature {
        /// The MLmodel file.
        path: PathBuf,
    },
    /// A file that could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
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
