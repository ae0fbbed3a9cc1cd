//! MLflow's error body, `{"error_code": ..., "message": ...}`, with the HTTP status MLflow
//! sends for its code: the one way every failed request is answered.

use std::fmt;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::report::{ProblemKind, Report};
use crate::types::{ColumnType, Schema};

/// A request answered with an error: MLflow's error code, the HTTP status MLflow's
/// `ERROR_CODE_TO_HTTP_STATUS` gives it, and the message.
///
/// It is the rejection of the [`Rows`](super::Rows) extractor and answers with MLflow's body
/// ([`IntoResponse`]); the message says everything, so it has no `source()`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServeError {
    status: StatusCode,
    error_code: &'static str,
    message: String,
}

impl ServeError {
    fn new(status: StatusCode, error_code: &'static str, message: impl Into<String>) -> Self {
        ServeError {
            status,
            error_code,
            message: message.into(),
        }
    }

    /// 400 `BAD_REQUEST`: a body MLflow cannot even read as a request (not JSON, no format
    /// key, a CSV pandas refuses).
    pub fn bad_request(message: impl Into<String>) -> Self {
        ServeError::new(StatusCode::BAD_REQUEST, "BAD_REQUEST", message)
    }

    /// 400 `INVALID_PARAMETER_VALUE`: a request MLflow reads but whose data fails the schema.
    pub fn invalid_parameter_value(message: impl Into<String>) -> Self {
        ServeError::new(StatusCode::BAD_REQUEST, "INVALID_PARAMETER_VALUE", message)
    }

    /// 500 `INTERNAL_ERROR`: the model failed, panicked or broke its own output signature.
    pub fn internal(message: impl Into<String>) -> Self {
        ServeError::new(StatusCode::INTERNAL_SERVER_ERROR, "INTERNAL_ERROR", message)
    }

    /// 502 `TEMPORARILY_UNAVAILABLE`: the gateway's upstream did not answer.
    pub fn bad_gateway(message: impl Into<String>) -> Self {
        ServeError::new(StatusCode::BAD_GATEWAY, "TEMPORARILY_UNAVAILABLE", message)
    }

    /// 503 `TEMPORARILY_UNAVAILABLE`: every request slot is taken; the client may retry.
    pub fn overloaded(limit: usize) -> Self {
        ServeError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "TEMPORARILY_UNAVAILABLE",
            format!("the server is answering {limit} requests already; retry later"),
        )
    }

    /// 504 `DEADLINE_EXCEEDED`: the request ran past the configured timeout.
    pub fn timeout(limit: std::time::Duration) -> Self {
        ServeError::new(
            StatusCode::GATEWAY_TIMEOUT,
            "DEADLINE_EXCEEDED",
            format!(
                "Request processing time exceeded limit ({} ms)",
                limit.as_millis()
            ),
        )
    }

    /// 408 `DEADLINE_EXCEEDED`: the client did not send its whole body within the
    /// configured body timeout (a body sent a byte a second, or shorter than its
    /// `Content-Length`). The connection is closed after the answer.
    pub fn body_timeout(limit: std::time::Duration) -> Self {
        ServeError::new(
            StatusCode::REQUEST_TIMEOUT,
            "DEADLINE_EXCEEDED",
            format!(
                "the request body was not received within {} ms",
                limit.as_millis()
            ),
        )
    }

    /// 413 `RESOURCE_EXHAUSTED`: a body over the configured size limit. (MLflow maps that
    /// code to 429; 413 is what HTTP clients and proxies understand for a body too large.)
    pub fn too_large(limit: usize) -> Self {
        ServeError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "RESOURCE_EXHAUSTED",
            format!("the request body is over the limit of {limit} bytes"),
        )
    }

    /// 415: a content type other than JSON or CSV, or a charset other than UTF-8. MLflow
    /// answers it with the message alone, as text; so does [`IntoResponse`].
    pub fn unsupported_media_type(message: impl Into<String>) -> Self {
        ServeError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, "BAD_REQUEST", message)
    }

    /// The answer to a body that failed the check of `inputs`, with the error code MLflow's
    /// scoring server gives the same body (compared with the real server by
    /// `tests/interop_serve.rs`): `BAD_REQUEST` when MLflow fails while *reading* the request
    /// (malformed JSON, too deep, no or several format keys, ragged `dataframe_split` rows) or
    /// while *casting* a scalar column's values to its dtype (a string that is no number, a
    /// null in a `long` column), `INVALID_PARAMETER_VALUE` when its schema enforcement
    /// refuses what it read (a column missing, a nested value of the wrong shape, a param).
    /// The message is the report, values hidden unless `full`.
    pub fn from_report(report: &Report, inputs: Option<&Schema>, full: bool) -> Self {
        let unreadable = report.errors().any(|problem| match problem.kind() {
            ProblemKind::MalformedJson
            | ProblemKind::TooDeep
            | ProblemKind::BadEnvelope
            | ProblemKind::RowLength => true,
            ProblemKind::WrongType
            | ProblemKind::OutOfRange
            | ProblemKind::NullNotAllowed
            | ProblemKind::InvalidBase64
            | ProblemKind::InvalidDatetime
            | ProblemKind::InexactNumber => {
                problem.param().is_none() && is_scalar_column(inputs, problem.column())
            }
            _ => false,
        });
        let message = if full {
            report.to_string()
        } else {
            report.redacted().to_string()
        };
        if unreadable {
            ServeError::bad_request(message)
        } else {
            ServeError::invalid_parameter_value(message)
        }
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// MLflow's error code (`BAD_REQUEST`, `INVALID_PARAMETER_VALUE`, `INTERNAL_ERROR`, ...).
    pub fn error_code(&self) -> &'static str {
        self.error_code
    }

    /// The message.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The body as MLflow's scoring server writes it (`json.dumps` of the dict).
    pub fn to_json(&self) -> String {
        crate::report::mlflow_error_json(self.error_code, &self.message)
    }
}

impl fmt::Display for ServeError {
    /// `INVALID_PARAMETER_VALUE: <message>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.error_code, self.message)
    }
}

impl std::error::Error for ServeError {}

impl IntoResponse for ServeError {
    fn into_response(self) -> Response {
        let (body, content_type) = if self.status == StatusCode::UNSUPPORTED_MEDIA_TYPE {
            (self.message, "text/plain; charset=utf-8")
        } else {
            (self.to_json(), "application/json")
        };
        let mut response = (self.status, body).into_response();
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        response
    }
}

/// Whether `column` is a scalar column of `inputs`: MLflow casts those before enforcing the
/// schema, and a failed cast is a `BAD_REQUEST`.
fn is_scalar_column(inputs: Option<&Schema>, column: Option<&str>) -> bool {
    let (Some(columns), Some(column)) = (inputs.and_then(Schema::columns), column) else {
        return false;
    };
    columns.iter().any(|spec| {
        spec.name().and_then(|n| n.as_str()) == Some(column)
            && matches!(spec.ty(), ColumnType::DataType(_))
    })
}
