//! What a check found: every problem with a code, a place and what was expected and found.
//!
//! One report type serves every checker (JSON request bodies, Arrow batches, Polars frames,
//! Parquet and IPC files), so a service logs, serialises and returns problems the same way
//! whatever the input was.
//!
//! - [`Report`] renders like a compiler message (`Display`), serialises for machines
//!   ([`serde::Serialize`]), becomes MLflow's error body ([`Report::to_mlflow_error`]), and has
//!   a [redacted](Report::redacted) form without any of the user's values, for production logs.
//! - Problems are listed up to a cap (100 by default) and counted beyond it, so a body with a
//!   million bad cells costs no more memory than one with a hundred.
//!
//! Locations are JSON pointers (RFC 6901) into the checked document: `/dataframe_split/data/3/1`
//! is the second cell of the fourth row.

use std::fmt;

use serde::Serialize;

/// How bad a problem is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Worth knowing, but the input is still accepted (an extra column MLflow ignores).
    Warning,
    /// The input does not match the signature.
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// What kind of problem: a stable code for programs to branch on.
///
/// The codes ([`ProblemKind::code`]) are part of the API: they do not change between releases.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ProblemKind {
    /// Not JSON: a syntax error, invalid UTF-8, a `NaN` token, text after the value. Checking
    /// stops here, since nothing after it can be located reliably.
    MalformedJson,
    /// JSON nested deeper than the configured limit. Checking stops here.
    TooDeep,
    /// JSON, but not a request body of a supported format: no or several format keys, an
    /// unknown key, `data` missing, a format key holding the wrong kind of value.
    BadEnvelope,
    /// A row whose length differs from the number of columns.
    RowLength,
    /// A required column (or tensor) that is absent.
    MissingColumn,
    /// A column (or tensor) the signature does not know.
    ExtraColumn,
    /// A column named twice, or a key given twice in one JSON object.
    DuplicateKey,
    /// A value of the wrong JSON type (a string where a number belongs).
    WrongType,
    /// A number outside the range of its type (`3000000000` for `integer`, `1e400`).
    OutOfRange,
    /// An integer a float type cannot hold exactly (`2^53 + 1` for `double`).
    InexactNumber,
    /// `null` where the value is required.
    NullNotAllowed,
    /// A `binary` value that is not base64.
    InvalidBase64,
    /// A `datetime` value that is not an ISO-8601 date or timestamp.
    InvalidDatetime,
    /// A required property of an `object` value that is absent.
    MissingProperty,
    /// A key of an `object` value that the type does not declare.
    UnknownProperty,
    /// A tensor whose shape does not match the spec, or is not rectangular.
    TensorShape,
    /// A parameter the signature does not declare.
    UnknownParam,
    /// A value MLflow accepts but changes (a warning of the MLflow modes): a float truncated
    /// to an integer, `"false"` read as true, an integer wrapped.
    ValueChanged,
    /// A string that names none of a Rust enum's variants (a checker built for a type).
    UnknownVariant,
    /// An array or string of another length than the Rust type holds: a `[T; N]` given more or
    /// fewer than `N` items, a `char` given other than one character (a checker built for a
    /// type).
    WrongLength,
}

impl ProblemKind {
    /// The stable snake_case code (`"wrong_type"`).
    pub const fn code(self) -> &'static str {
        match self {
            ProblemKind::MalformedJson => "malformed_json",
            ProblemKind::TooDeep => "too_deep",
            ProblemKind::BadEnvelope => "bad_envelope",
            ProblemKind::RowLength => "row_length",
            ProblemKind::MissingColumn => "missing_column",
            ProblemKind::ExtraColumn => "extra_column",
            ProblemKind::DuplicateKey => "duplicate_key",
            ProblemKind::WrongType => "wrong_type",
            ProblemKind::OutOfRange => "out_of_range",
            ProblemKind::InexactNumber => "inexact_number",
            ProblemKind::NullNotAllowed => "null_not_allowed",
            ProblemKind::InvalidBase64 => "invalid_base64",
            ProblemKind::InvalidDatetime => "invalid_datetime",
            ProblemKind::MissingProperty => "missing_property",
            ProblemKind::UnknownProperty => "unknown_property",
            ProblemKind::TensorShape => "tensor_shape",
            ProblemKind::UnknownParam => "unknown_param",
            ProblemKind::ValueChanged => "value_changed",
            ProblemKind::UnknownVariant => "unknown_variant",
            ProblemKind::WrongLength => "wrong_length",
        }
    }
}

impl fmt::Display for ProblemKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// One problem: what, where, and what was expected and found.
///
/// `message`, `expected` and `found` never contain the user's data (only names from the
/// signature, JSON keys and counts); the offending value itself is kept apart in
/// [`value`](Problem::value), which the redacted rendering leaves out.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Problem {
    kind: ProblemKind,
    severity: Severity,
    message: String,
    pointer: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    column: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    param: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    row: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expected: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    found: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    offset: Option<usize>,
}

impl Problem {
    /// A problem of `kind` at `pointer`; `message` is the one-line headline.
    pub fn new(
        kind: ProblemKind,
        severity: Severity,
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Problem {
            kind,
            severity,
            message: message.into(),
            pointer: pointer.into(),
            column: None,
            param: None,
            row: None,
            expected: None,
            found: None,
            value: None,
            note: None,
            offset: None,
        }
    }

    /// The same problem about column `column`.
    #[must_use]
    pub fn with_column(mut self, column: impl Into<String>) -> Self {
        self.column = Some(column.into());
        self
    }

    /// The same problem about parameter `param`.
    #[must_use]
    pub fn with_param(mut self, param: impl Into<String>) -> Self {
        self.param = Some(param.into());
        self
    }

    /// The same problem in row `row` (0-based, as the row's index in the body).
    #[must_use]
    pub fn with_row(mut self, row: u64) -> Self {
        self.row = Some(row);
        self
    }

    /// The same problem, saying what was expected (`long`).
    #[must_use]
    pub fn with_expected(mut self, expected: impl Into<String>) -> Self {
        self.expected = Some(expected.into());
        self
    }

    /// The same problem, saying what kind of thing was found (`string`), without its value.
    #[must_use]
    pub fn with_found(mut self, found: impl Into<String>) -> Self {
        self.found = Some(found.into());
        self
    }

    /// The same problem, quoting the offending value (user data: redaction drops it).
    #[must_use]
    pub fn with_value(mut self, value: impl Into<String>) -> Self {
        self.value = Some(value.into());
        self
    }

    /// The same problem with a note: why, or how to fix it.
    #[must_use]
    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.note = Some(note.into());
        self
    }

    /// The same problem at byte `offset` of the input.
    #[must_use]
    pub fn with_offset(mut self, offset: usize) -> Self {
        self.offset = Some(offset);
        self
    }

    /// The kind of problem.
    pub fn kind(&self) -> ProblemKind {
        self.kind
    }

    /// Error or warning.
    pub fn severity(&self) -> Severity {
        self.severity
    }

    /// The headline, free of user values.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The JSON pointer to the offending place (`""` is the whole document).
    pub fn pointer(&self) -> &str {
        &self.pointer
    }

    /// The column concerned, if any.
    pub fn column(&self) -> Option<&str> {
        self.column.as_deref()
    }

    /// The parameter concerned, if any.
    pub fn param(&self) -> Option<&str> {
        self.param.as_deref()
    }

    /// The row concerned (0-based), if any.
    pub fn row(&self) -> Option<u64> {
        self.row
    }

    /// What was expected.
    pub fn expected(&self) -> Option<&str> {
        self.expected.as_deref()
    }

    /// What kind of thing was found, without its value.
    pub fn found(&self) -> Option<&str> {
        self.found.as_deref()
    }

    /// The offending value as JSON text, shortened (user data).
    pub fn value(&self) -> Option<&str> {
        self.value.as_deref()
    }

    /// Why, or how to fix it.
    pub fn note(&self) -> Option<&str> {
        self.note.as_deref()
    }

    /// The byte offset in the input, when known.
    pub fn offset(&self) -> Option<usize> {
        self.offset
    }

    fn render(&self, f: &mut fmt::Formatter<'_>, redact: bool) -> fmt::Result {
        writeln!(f, "{}[{}]: {}", self.severity, self.kind, self.message)?;
        let pointer = if self.pointer.is_empty() {
            "/"
        } else {
            &self.pointer
        };
        write!(f, "  --> {pointer}")?;
        let mut context = Vec::new();
        if let Some(row) = self.row {
            context.push(format!("row {row}"));
        }
        if let Some(column) = &self.column {
            context.push(format!("column `{column}`"));
        }
        if let Some(param) = &self.param {
            context.push(format!("param `{param}`"));
        }
        if let Some(offset) = self.offset {
            context.push(format!("byte {offset}"));
        }
        if !context.is_empty() {
            write!(f, " ({})", context.join(", "))?;
        }
        writeln!(f)?;
        if let Some(expected) = &self.expected {
            writeln!(f, "   = expected: {expected}")?;
        }
        match (&self.found, &self.value, redact) {
            (Some(found), Some(value), false) => writeln!(f, "   = found: {found} {value}")?,
            (Some(found), _, _) => writeln!(f, "   = found: {found}")?,
            (None, Some(value), false) => writeln!(f, "   = found: {value}")?,
            (None, _, _) => {}
        }
        if let Some(note) = &self.note {
            writeln!(f, "   = note: {note}")?;
        }
        Ok(())
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.render(f, false)
    }
}

/// Every problem a check found (listed up to a cap, all counted).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Report {
    valid: bool,
    error_count: u64,
    warning_count: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    rows: Option<u64>,
    problems: Vec<Problem>,
    omitted: u64,
}

impl Report {
    /// Whether the input passed: no errors (warnings allowed).
    pub fn is_valid(&self) -> bool {
        self.valid
    }

    /// The problems listed, in the order found, at most the cap.
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }

    /// The listed errors.
    pub fn errors(&self) -> impl Iterator<Item = &Problem> {
        self.problems
            .iter()
            .filter(|p| p.severity == Severity::Error)
    }

    /// The listed warnings.
    pub fn warnings(&self) -> impl Iterator<Item = &Problem> {
        self.problems
            .iter()
            .filter(|p| p.severity == Severity::Warning)
    }

    /// How many errors were found, listed or not.
    pub fn error_count(&self) -> u64 {
        self.error_count
    }

    /// How many warnings were found, listed or not.
    pub fn warning_count(&self) -> u64 {
        self.warning_count
    }

    /// How many problems were found but not listed, because of the cap.
    pub fn omitted(&self) -> u64 {
        self.omitted
    }

    /// How many data rows were checked, when the input has rows.
    pub fn rows(&self) -> Option<u64> {
        self.rows
    }

    /// A view without any of the user's values, for logs: same problems, places and types,
    /// no quoted data.
    pub fn redacted(&self) -> Redacted<'_> {
        Redacted { report: self }
    }

    /// MLflow's error body for this report, as the scoring server returns a failed schema
    /// enforcement: `{"error_code": "INVALID_PARAMETER_VALUE", "message": ...}`.
    pub fn to_mlflow_error(&self) -> MlflowError {
        MlflowError::new(self.to_string())
    }

    fn render(&self, f: &mut fmt::Formatter<'_>, redact: bool) -> fmt::Result {
        for problem in &self.problems {
            problem.render(f, redact)?;
            writeln!(f)?;
        }
        let rows = match self.rows {
            Some(1) => " (1 row)".to_owned(),
            Some(n) => format!(" ({n} rows)"),
            None => String::new(),
        };
        let warnings = plural(self.warning_count, "warning");
        if self.valid {
            if self.warning_count == 0 {
                write!(f, "ok: the input matches the signature{rows}")?;
            } else {
                write!(
                    f,
                    "ok: the input matches the signature{rows}, with {warnings}"
                )?;
            }
        } else {
            let errors = plural(self.error_count, "error");
            write!(
                f,
                "error: the input does not match the signature{rows}: {errors}"
            )?;
            if self.warning_count != 0 {
                write!(f, ", {warnings}")?;
            }
        }
        if self.omitted != 0 {
            write!(
                f,
                "; {} more not shown (the first {} are listed)",
                self.omitted,
                self.problems.len()
            )?;
        }
        Ok(())
    }
}

fn plural(count: u64, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

impl fmt::Display for Report {
    /// Each problem as a compiler-style diagnostic, then a summary line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.render(f, false)
    }
}

/// A failed check is an error (`checker.decode::<T>(body)?` in a function returning
/// `anyhow::Result` or `Box<dyn Error>`); every problem is in the message, so it has no source.
impl std::error::Error for Report {}

/// A [`Report`] without the user's values: what [`Report::redacted`] returns.
///
/// Keeps kinds, messages, pointers, column and key names, rows and the JSON types found; drops
/// every quoted value. Pointers and column names come from the signature and from the keys of
/// the body, so a body whose *keys* are secret still needs care.
#[derive(Clone, Copy, Debug)]
pub struct Redacted<'a> {
    report: &'a Report,
}

impl Redacted<'_> {
    /// MLflow's error body with the redacted message.
    pub fn to_mlflow_error(&self) -> MlflowError {
        MlflowError::new(self.to_string())
    }
}

impl fmt::Display for Redacted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.report.render(f, true)
    }
}

impl Serialize for Redacted<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut report = self.report.clone();
        for problem in &mut report.problems {
            problem.value = None;
        }
        report.serialize(serializer)
    }
}

/// MLflow's JSON error body (`MlflowException.serialize_as_json()` before MLflow 3.12):
/// `{"error_code": "INVALID_PARAMETER_VALUE", "message": "..."}`, sent with HTTP 400.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MlflowError {
    error_code: &'static str,
    message: String,
}

impl MlflowError {
    fn new(message: String) -> Self {
        MlflowError {
            error_code: "INVALID_PARAMETER_VALUE",
            message,
        }
    }

    /// `INVALID_PARAMETER_VALUE`: what MLflow answers for a body that fails its schema.
    pub fn error_code(&self) -> &str {
        self.error_code
    }

    /// The message.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The HTTP status MLflow sends with this error code.
    pub fn http_status(&self) -> u16 {
        400
    }

    /// The body as MLflow's scoring server writes it: `json.dumps` of the dict, keys in
    /// MLflow's order (`{"error_code": "...", "message": "..."}`).
    pub fn to_json(&self) -> String {
        mlflow_error_json(self.error_code(), self.message())
    }
}

/// `json.dumps({"error_code": ..., "message": ...})`: MLflow's error body, which the scoring
/// server (`serve`) writes for every error code.
pub(crate) fn mlflow_error_json(error_code: &str, message: &str) -> String {
    let mut w = crate::mlflow::pyjson::PyJsonWriter::default();
    w.begin_object();
    w.key("error_code");
    w.string(error_code);
    w.key("message");
    w.string(message);
    w.end_object();
    w.finish()
}

impl fmt::Display for MlflowError {
    /// `INVALID_PARAMETER_VALUE: <message>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.error_code, self.message)
    }
}

impl std::error::Error for MlflowError {}

/// Gathers problems during a check: lists the first `cap` and counts the rest. Checkers ask
/// [`Collector::is_full`] before building a problem, so an input with millions of errors costs
/// no more than one with `cap`.
#[derive(Debug)]
pub(crate) struct Collector {
    problems: Vec<Problem>,
    cap: usize,
    errors: u64,
    warnings: u64,
    omitted: u64,
}

impl Collector {
    pub(crate) fn new(cap: usize) -> Self {
        Collector {
            problems: Vec::new(),
            cap,
            errors: 0,
            warnings: 0,
            omitted: 0,
        }
    }

    /// Whether the list is full: further problems are only counted.
    pub(crate) fn is_full(&self) -> bool {
        self.problems.len() >= self.cap
    }

    /// Whether an error has been counted.
    pub(crate) fn has_errors(&self) -> bool {
        self.errors != 0
    }

    /// How many errors have been counted.
    pub(crate) fn error_count(&self) -> u64 {
        self.errors
    }

    /// Lists a problem (counted by its severity); past the cap, only counts it.
    pub(crate) fn add(&mut self, problem: Problem) {
        if self.is_full() {
            self.count_unlisted(problem.severity);
        } else {
            self.count(problem.severity);
            self.problems.push(problem);
        }
    }

    /// Counts a problem that is not listed (the list is full).
    pub(crate) fn count_unlisted(&mut self, severity: Severity) {
        self.count(severity);
        self.omitted += 1;
    }

    /// Counts `count` problems of `severity` that are not listed: the list was full when they
    /// were found elsewhere (another partition of a dataset), so they are only counted.
    #[cfg(feature = "datafusion")]
    pub(crate) fn count_many_unlisted(&mut self, severity: Severity, count: u64) {
        match severity {
            Severity::Error => self.errors += count,
            Severity::Warning => self.warnings += count,
        }
        self.omitted += count;
    }

    /// How many problems were counted so far, listed or not: errors and warnings.
    #[cfg(feature = "datafusion")]
    pub(crate) fn counts(&self) -> (u64, u64) {
        (self.errors, self.warnings)
    }

    fn count(&mut self, severity: Severity) {
        match severity {
            Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
        }
    }

    pub(crate) fn finish(self, rows: Option<u64>) -> Report {
        Report {
            valid: self.errors == 0,
            error_count: self.errors,
            warning_count: self.warnings,
            rows,
            problems: self.problems,
            omitted: self.omitted,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Report {
        let mut collector = Collector::new(2);
        collector.add(
            Problem::new(
                ProblemKind::WrongType,
                Severity::Error,
                "/dataframe_split/data/3/1",
                "wrong type for column `price`",
            )
            .with_column("price")
            .with_row(3)
            .with_expected("double")
            .with_found("string")
            .with_value("\"cheap\""),
        );
        collector.add(
            Problem::new(
                ProblemKind::ExtraColumn,
                Severity::Warning,
                "/dataframe_split/columns/2",
                "column `x` is not in the signature; it is ignored",
            )
            .with_column("x"),
        );
        assert!(collector.is_full());
        collector.count_unlisted(Severity::Error);
        collector.finish(Some(4))
    }

    #[test]
    fn display_reads_like_a_compiler_message() {
        assert_eq!(
            sample().to_string(),
            "error[wrong_type]: wrong type for column `price`\n\
             \x20 --> /dataframe_split/data/3/1 (row 3, column `price`)\n\
             \x20  = expected: double\n\
             \x20  = found: string \"cheap\"\n\
             \n\
             warning[extra_column]: column `x` is not in the signature; it is ignored\n\
             \x20 --> /dataframe_split/columns/2 (column `x`)\n\
             \n\
             error: the input does not match the signature (4 rows): 2 errors, 1 warning; \
             1 more not shown (the first 2 are listed)"
        );
    }

    #[test]
    fn redaction_drops_values_only() {
        let report = sample();
        let redacted = report.redacted().to_string();
        assert!(!redacted.contains("cheap"), "{redacted}");
        assert!(redacted.contains("= found: string\n"), "{redacted}");
        let json = serde_json::to_value(report.redacted()).unwrap();
        assert!(json["problems"][0].get("value").is_none());
        assert_eq!(json["problems"][0]["found"], "string");
    }

    #[test]
    fn serialises_for_machines() {
        let json = serde_json::to_value(sample()).unwrap();
        assert_eq!(json["valid"], false);
        assert_eq!(json["error_count"], 2);
        assert_eq!(json["omitted"], 1);
        assert_eq!(json["problems"][0]["kind"], "wrong_type");
        assert_eq!(json["problems"][0]["severity"], "error");
        assert_eq!(json["problems"][0]["pointer"], "/dataframe_split/data/3/1");
        assert_eq!(json["problems"][0]["row"], 3);
        assert!(json["problems"][1].get("row").is_none());
    }

    #[test]
    fn mlflow_error_body_has_mlflows_keys_in_order() {
        let body = sample().to_mlflow_error().to_json();
        assert!(
            body.starts_with(
                r#"{"error_code": "INVALID_PARAMETER_VALUE", "message": "error[wrong_type]"#
            ),
            "{body}"
        );
        let redacted = sample().redacted().to_mlflow_error();
        assert!(!redacted.message().contains("cheap"));
    }

    #[test]
    fn valid_report_summary() {
        let report = Collector::new(100).finish(Some(1));
        assert!(report.is_valid());
        assert_eq!(
            report.to_string(),
            "ok: the input matches the signature (1 row)"
        );
    }
}
