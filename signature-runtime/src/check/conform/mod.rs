//! Conformed output for schemas known only at run time (loaded from signature JSON or an
//! MLmodel file, no Rust type): the body's values, checked and widened to their columns'
//! types, as columns in the schema's order. Built by a sink riding on the check's one pass.

#[cfg(feature = "arrow")]
mod arrow;

use std::borrow::Cow;

use serde_json::{Map, Value};

use super::JsonChecker;
use super::Mode;
use super::decode::param_json;
use super::json::{Arrival, CellSink, Scanned};
use super::scanner::IntValue;
use super::values::base64_decode;
use crate::report::{Collector, Problem, ProblemKind, Report, Severity};
use crate::types::{ColumnType, DataType, Datetime};

/// A body conformed to its signature: what [`JsonChecker::conform`] returns.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ConformedBody {
    /// One entry per schema column (or tensor), in the schema's order, each `rows` long.
    pub columns: Vec<ConformedColumn>,
    /// How many rows the body holds.
    pub rows: usize,
    /// The `params` as sent, with every declared parameter the body omits added with its
    /// default (a non-finite float default as `null`); undeclared ones were reported.
    pub params: Map<String, Value>,
    /// The check's report: valid, possibly with warnings (extra columns, unknown params).
    pub report: Report,
}

/// One column's values, widened to its type; `None` where the body gave `null` or nothing.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ConformedColumn {
    /// The column's name (`#k` for the `k`-th column of an unnamed schema).
    pub name: String,
    /// The column's type; `None` for a tensor.
    pub column_type: Option<ColumnType>,
    /// The values.
    pub values: ColumnValues,
}

/// A column's values, by the column's type.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ColumnValues {
    /// `boolean`.
    Boolean(Vec<Option<bool>>),
    /// `integer`.
    Integer(Vec<Option<i32>>),
    /// `long`.
    Long(Vec<Option<i64>>),
    /// `float`: JSON numbers rounded to `f32` as serde_json does (the check refused any that
    /// overflow it or, for integers, that it cannot hold exactly).
    Float(Vec<Option<f32>>),
    /// `double`: integers widened exactly (the check refused any that are not).
    Double(Vec<Option<f64>>),
    /// `string`.
    String(Vec<Option<String>>),
    /// `binary`, base64-decoded.
    Binary(Vec<Option<Vec<u8>>>),
    /// `datetime`, parsed (a date alone is [`Datetime::Date`]).
    Datetime(Vec<Option<Datetime>>),
    /// `array`, `object`, `map`, `any`, `sparkml_vector` and tensors: each cell as JSON (a
    /// tensor cell is one row of the tensor, or the whole tensor when the body gives it whole).
    Json(Vec<Option<Value>>),
}

impl ColumnValues {
    fn for_type(column_type: Option<&ColumnType>) -> ColumnValues {
        let data_type = match column_type {
            Some(ColumnType::DataType(t)) => Some(*t),
            _ => None,
        };
        match data_type {
            Some(DataType::Boolean) => ColumnValues::Boolean(Vec::new()),
            Some(DataType::Integer) => ColumnValues::Integer(Vec::new()),
            Some(DataType::Long) => ColumnValues::Long(Vec::new()),
            Some(DataType::Float) => ColumnValues::Float(Vec::new()),
            Some(DataType::Double) => ColumnValues::Double(Vec::new()),
            Some(DataType::String) => ColumnValues::String(Vec::new()),
            Some(DataType::Binary) => ColumnValues::Binary(Vec::new()),
            Some(DataType::Datetime) => ColumnValues::Datetime(Vec::new()),
            None => ColumnValues::Json(Vec::new()),
        }
    }

    /// How many values.
    pub fn len(&self) -> usize {
        match self {
            ColumnValues::Boolean(v) => v.len(),
            ColumnValues::Integer(v) => v.len(),
            ColumnValues::Long(v) => v.len(),
            ColumnValues::Float(v) => v.len(),
            ColumnValues::Double(v) => v.len(),
            ColumnValues::String(v) => v.len(),
            ColumnValues::Binary(v) => v.len(),
            ColumnValues::Datetime(v) => v.len(),
            ColumnValues::Json(v) => v.len(),
        }
    }

    /// Whether there are no values.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Pads with nulls up to `len` values.
    fn pad(&mut self, len: usize) {
        match self {
            ColumnValues::Boolean(v) => v.resize(len.max(v.len()), None),
            ColumnValues::Integer(v) => v.resize(len.max(v.len()), None),
            ColumnValues::Long(v) => v.resize(len.max(v.len()), None),
            ColumnValues::Float(v) => v.resize(len.max(v.len()), None),
            ColumnValues::Double(v) => v.resize(len.max(v.len()), None),
            ColumnValues::String(v) => v.resize(len.max(v.len()), None),
            ColumnValues::Binary(v) => v.resize(len.max(v.len()), None),
            ColumnValues::Datetime(v) => v.resize(len.max(v.len()), None),
            ColumnValues::Json(v) => v.resize(len.max(v.len()), None),
        }
    }
}

impl ConformedBody {
    /// The column named `name`.
    pub fn column(&self, name: &str) -> Option<&ConformedColumn> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// A `boolean` column's values.
    pub fn booleans(&self, name: &str) -> Option<&[Option<bool>]> {
        match &self.column(name)?.values {
            ColumnValues::Boolean(v) => Some(v),
            _ => None,
        }
    }

    /// An `integer` column's values.
    pub fn integers(&self, name: &str) -> Option<&[Option<i32>]> {
        match &self.column(name)?.values {
            ColumnValues::Integer(v) => Some(v),
            _ => None,
        }
    }

    /// A `long` column's values.
    pub fn longs(&self, name: &str) -> Option<&[Option<i64>]> {
        match &self.column(name)?.values {
            ColumnValues::Long(v) => Some(v),
            _ => None,
        }
    }

    /// A `float` column's values.
    pub fn floats(&self, name: &str) -> Option<&[Option<f32>]> {
        match &self.column(name)?.values {
            ColumnValues::Float(v) => Some(v),
            _ => None,
        }
    }

    /// A `double` column's values.
    pub fn doubles(&self, name: &str) -> Option<&[Option<f64>]> {
        match &self.column(name)?.values {
            ColumnValues::Double(v) => Some(v),
            _ => None,
        }
    }

    /// A `string` column's values.
    pub fn strings(&self, name: &str) -> Option<&[Option<String>]> {
        match &self.column(name)?.values {
            ColumnValues::String(v) => Some(v),
            _ => None,
        }
    }

    /// A `binary` column's values, decoded.
    pub fn binaries(&self, name: &str) -> Option<&[Option<Vec<u8>>]> {
        match &self.column(name)?.values {
            ColumnValues::Binary(v) => Some(v),
            _ => None,
        }
    }

    /// A `datetime` column's values.
    pub fn datetimes(&self, name: &str) -> Option<&[Option<Datetime>]> {
        match &self.column(name)?.values {
            ColumnValues::Datetime(v) => Some(v),
            _ => None,
        }
    }

    /// A nested or tensor column's values, as JSON.
    pub fn json(&self, name: &str) -> Option<&[Option<Value>]> {
        match &self.column(name)?.values {
            ColumnValues::Json(v) => Some(v),
            _ => None,
        }
    }
}

impl JsonChecker {
    /// Checks a request body and gives its values conformed to the schema, for a model that
    /// has no Rust type for its input (a schema loaded from signature JSON or an MLmodel).
    ///
    /// The columns come in the schema's order, each as long as the body has rows: columns the
    /// signature does not declare are dropped (the report warns of each), optional columns
    /// the body lacks are all `null`, and every value is widened to its column's type
    /// ([`ColumnValues`]). Values are read in the same pass as the check, and always by the
    /// [`Mode::Strict`] rules, whatever the checker's mode: those are the values that convert
    /// without loss. A value the check accepts but the output cannot hold exactly (a datetime
    /// finer than microseconds, a string with a lone surrogate escape) is an error in the
    /// returned report.
    ///
    /// ```
    /// use signature_runtime::check::JsonChecker;
    /// use signature_runtime::{ColSpec, DataType, Schema};
    ///
    /// let schema = Schema::from_columns(vec![
    ///     ColSpec::new("sqft", DataType::Double),
    ///     ColSpec::new("city", DataType::String).optional(),
    /// ])?;
    /// let body = br#"{"dataframe_records": [{"sqft": 1200, "pool": true}, {"sqft": 80.5}]}"#;
    /// let conformed = JsonChecker::for_schema(&schema).conform(body).unwrap();
    /// assert_eq!(conformed.doubles("sqft"), Some(&[Some(1200.0), Some(80.5)][..]));
    /// assert_eq!(conformed.strings("city"), Some(&[None, None][..]));
    /// assert_eq!(conformed.report.warning_count(), 1); // `pool` is not in the signature
    /// # Ok::<(), signature_runtime::SchemaError>(())
    /// ```
    pub fn conform(&self, body: &[u8]) -> Result<ConformedBody, Report> {
        if self.options().mode() != Mode::Strict {
            let options = self.options().clone().with_mode(Mode::Strict);
            return self.clone().with_options(options).conform(body);
        }
        let sink = ConformSink::new(self, body);
        let (report, sink) = self.check_into(body, sink);
        if !report.is_valid() {
            return Err(report);
        }
        sink.finish(self, report)
    }
}

/// The check's report with conform's own errors first, under the checker's cap.
fn with_errors(checker: &JsonChecker, errors: Vec<Problem>, report: &Report) -> Report {
    let mut collector = Collector::new(checker.options().max_problems().max(1));
    for problem in errors.into_iter().chain(report.problems().iter().cloned()) {
        collector.add(problem);
    }
    collector.finish(report.rows())
}

/// Gathers the columns as the check accepts their cells.
struct ConformSink<'b> {
    body: &'b [u8],
    columns: Vec<ConformedColumn>,
    /// Values the output cannot hold: each an error at its place.
    problems: Vec<Problem>,
    place: Cow<'static, str>,
    params: Option<(usize, usize)>,
}

impl<'b> ConformSink<'b> {
    fn new(checker: &JsonChecker, body: &'b [u8]) -> Self {
        let columns = checker
            .column_outline()
            .map(|(name, column_type)| ConformedColumn {
                name: name.to_owned(),
                values: ColumnValues::for_type(column_type.as_ref()),
                column_type,
            })
            .collect();
        ConformSink {
            body,
            columns,
            problems: Vec::new(),
            place: Cow::Borrowed(""),
            params: None,
        }
    }

    fn finish(self, checker: &JsonChecker, report: Report) -> Result<ConformedBody, Report> {
        let mut params = match super::params_as_json(self.body, self.params) {
            Ok(params) => params,
            Err(problem) => return Err(with_errors(checker, vec![*problem], &report)),
        };
        for spec in checker
            .param_schema()
            .map(|p| p.params())
            .unwrap_or_default()
        {
            if !params.contains_key(spec.name()) {
                params.insert(spec.name().to_owned(), param_json(spec.default()));
            }
        }
        if !self.problems.is_empty() {
            return Err(with_errors(checker, self.problems, &report));
        }
        let longest = self.columns.iter().map(|c| c.values.len()).max();
        let rows = report
            .rows()
            .and_then(|rows| usize::try_from(rows).ok())
            .into_iter()
            .chain(longest)
            .max()
            .unwrap_or(0);
        let mut columns = self.columns;
        for column in &mut columns {
            column.values.pad(rows);
        }
        Ok(ConformedBody {
            columns,
            rows,
            params,
            report,
        })
    }

    /// The text of a string cell, unescaped by serde_json when it has escapes.
    fn text(&self, value: Scanned) -> Result<String, String> {
        match value {
            Scanned::Str(start, end) => {
                String::from_utf8(self.body[start..end].to_vec()).map_err(|e| e.to_string())
            }
            Scanned::EscapedStr(start, end) => {
                let quoted = &self.body[start - 1..end + 1];
                serde_json::from_slice(quoted).map_err(|e| e.to_string())
            }
            _ => Err("not a string".to_owned()),
        }
    }

    /// A number cell as `f64`: integers exactly when they can be, others as serde_json reads
    /// them.
    fn float(&self, value: Scanned) -> Option<f64> {
        match value {
            Scanned::Int(IntValue::Positive(m)) => Some(m as f64),
            Scanned::Int(IntValue::Negative(m)) => Some(-(m as f64)),
            Scanned::Float(start, end) => std::str::from_utf8(&self.body[start..end])
                .ok()?
                .parse()
                .ok(),
            Scanned::FloatValue(v) => Some(v),
            _ => None,
        }
    }

    /// Converts one cell for its column; `Err` says why the output cannot hold it.
    fn push(&mut self, column: usize, value: Scanned) -> Result<(), (ProblemKind, String)> {
        let wrong = || (ProblemKind::WrongType, "a value of another type".to_owned());
        if matches!(value, Scanned::Null | Scanned::Refused) {
            let len = self.columns[column].values.len();
            self.columns[column].values.pad(len + 1);
            return Ok(());
        }
        let integer = match value {
            Scanned::Int(IntValue::Positive(m)) => i64::try_from(m).ok(),
            Scanned::Int(IntValue::Negative(m)) => Some((m as i64).wrapping_neg()),
            _ => None,
        };
        let float = self.float(value);
        let text = match value {
            Scanned::Str(..) | Scanned::EscapedStr(..) => {
                Some(self.text(value).map_err(|e| (ProblemKind::WrongType, e))?)
            }
            _ => None,
        };
        let raw = match value {
            Scanned::Raw(start, end) => Some(&self.body[start..end]),
            _ => None,
        };
        match &mut self.columns[column].values {
            ColumnValues::Boolean(v) => match value {
                Scanned::Bool(b) => v.push(Some(b)),
                _ => return Err(wrong()),
            },
            ColumnValues::Integer(v) => {
                let value = integer
                    .and_then(|i| i32::try_from(i).ok())
                    .ok_or_else(wrong)?;
                v.push(Some(value));
            }
            ColumnValues::Long(v) => v.push(Some(integer.ok_or_else(wrong)?)),
            ColumnValues::Float(v) => v.push(Some(float.ok_or_else(wrong)? as f32)),
            ColumnValues::Double(v) => v.push(Some(float.ok_or_else(wrong)?)),
            ColumnValues::String(v) => v.push(Some(text.ok_or_else(wrong)?)),
            ColumnValues::Binary(v) => {
                let bytes = text
                    .as_deref()
                    .and_then(|text| base64_decode(text.as_bytes()))
                    .ok_or((ProblemKind::InvalidBase64, "not valid base64".to_owned()))?;
                v.push(Some(bytes));
            }
            ColumnValues::Datetime(v) => {
                let text = text.ok_or_else(wrong)?;
                let at = Datetime::parse_numpy(&text).map_err(|_| {
                    (
                        ProblemKind::InvalidDatetime,
                        format!(
                            "`{text}` does not fit the conformed datetime (microseconds at \
                             most, years 1 to 9999)"
                        ),
                    )
                })?;
                v.push(Some(at));
            }
            ColumnValues::Json(v) => {
                let parsed = match (raw, text) {
                    (Some(raw), _) => serde_json::from_slice(raw)
                        .map_err(|e| (ProblemKind::WrongType, e.to_string()))?,
                    (None, Some(text)) => Value::String(text),
                    (None, None) => match value {
                        Scanned::Bool(b) => Value::Bool(b),
                        _ => match (integer, float) {
                            (Some(i), _) => Value::from(i),
                            (None, Some(f)) => Value::from(f),
                            (None, None) => return Err(wrong()),
                        },
                    },
                };
                v.push(Some(parsed));
            }
        }
        Ok(())
    }
}

impl CellSink for ConformSink<'_> {
    const ACTIVE: bool = true;

    fn rows_begin(&mut self, _: Arrival, place: Cow<'static, str>) {
        self.place = place;
    }

    fn cell(&mut self, column: usize, row: u64, value: Scanned) {
        let Some(target) = self.columns.get_mut(column) else {
            return;
        };
        // Rows where the column was absent are nulls.
        let row = usize::try_from(row).unwrap_or(usize::MAX);
        target.values.pad(row);
        if let Err((kind, message)) = self.push(column, value) {
            let name = self.columns[column].name.clone();
            let problem = Problem::new(
                kind,
                Severity::Error,
                format!("{}/{row}", self.place),
                format!("column `{name}`: {message}"),
            )
            .with_row(row as u64)
            .with_column(name);
            self.problems.push(problem);
        }
    }

    fn row_end(&mut self, _: u64, _: bool) {}

    fn params(&mut self, start: usize, end: usize) {
        self.params = Some((start, end));
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use serde_json::json;

    use crate::check::{CheckOptions, JsonChecker, Mode};
    use crate::report::ProblemKind;
    use crate::types::{
        Array, ColSpec, ColumnType, DataType, Datetime, Map, ModelSignature, NumpyDtype, Object,
        ParamSchema, ParamSpec, Property, Schema, TensorSpec,
    };

    fn every_type() -> JsonChecker {
        let point = Object::new(vec![Property::new("x", DataType::Double)]).unwrap();
        let schema = Schema::from_columns(vec![
            ColSpec::new("b", DataType::Boolean).optional(),
            ColSpec::new("i", DataType::Integer).optional(),
            ColSpec::new("l", DataType::Long).optional(),
            ColSpec::new("f", DataType::Float).optional(),
            ColSpec::new("d", DataType::Double).optional(),
            ColSpec::new("s", DataType::String).optional(),
            ColSpec::new("bin", DataType::Binary).optional(),
            ColSpec::new("t", DataType::Datetime).optional(),
            ColSpec::new("a", Array::new(DataType::Long)).optional(),
            ColSpec::new("o", ColumnType::from(point)).optional(),
            ColSpec::new("m", Map::new(DataType::String)).optional(),
            ColSpec::new("any", ColumnType::AnyType).optional(),
        ])
        .unwrap();
        JsonChecker::for_schema(&schema)
    }

    /// Found by the `check_json` fuzz target: an unknown param the check only warns about, whose
    /// number no JSON value holds, made conform refuse with a report without an error.
    #[test]
    fn params_no_json_value_holds_are_an_error_of_conform() {
        let schema = Schema::from_columns(vec![ColSpec::new("x", DataType::Double)]).unwrap();
        let checker = JsonChecker::for_schema(&schema);
        let body = br#"{"inputs": [{"x": 1.0}], "params": {"huge": 1e3147483648}}"#;
        assert!(checker.check(body).is_valid());
        let refused = checker.conform(body).unwrap_err();
        assert!(!refused.is_valid(), "{refused}");
        let problem = refused.errors().next().unwrap();
        assert_eq!(
            (problem.kind(), problem.pointer()),
            (ProblemKind::OutOfRange, "/params")
        );
    }

    #[test]
    fn every_column_type_is_widened_to_its_type() {
        let body = br#"[{"b": true, "i": 7, "l": -9223372036854775808, "f": 1, "d": 3,
            "s": "caf\u00e9", "bin": "aGk=", "t": "2024-02-29 13:45", "a": [1, 2],
            "o": {"x": 1.5}, "m": {"k": "v"}, "any": [null, "x"]},
            {"f": 0.1, "d": 2.5, "s": "plain", "t": "2024-03-01", "any": 4}]"#;
        let out = every_type().conform(body).unwrap();
        assert_eq!(out.rows, 2);
        assert_eq!(out.booleans("b"), Some(&[Some(true), None][..]));
        assert_eq!(out.integers("i"), Some(&[Some(7), None][..]));
        assert_eq!(out.longs("l"), Some(&[Some(i64::MIN), None][..]));
        assert_eq!(out.floats("f"), Some(&[Some(1.0), Some(0.1f32)][..]));
        assert_eq!(out.doubles("d"), Some(&[Some(3.0), Some(2.5)][..]));
        let strings = out.strings("s").unwrap();
        assert_eq!(
            strings,
            &[Some("café".to_owned()), Some("plain".to_owned())]
        );
        assert_eq!(out.binaries("bin"), Some(&[Some(b"hi".to_vec()), None][..]));
        let day = |d| NaiveDate::from_ymd_opt(2024, 2, d);
        let at = day(29).unwrap().and_hms_opt(13, 45, 0).unwrap();
        let march = NaiveDate::from_ymd_opt(2024, 3, 1).unwrap();
        assert_eq!(
            out.datetimes("t"),
            Some(&[Some(Datetime::DateTime(at)), Some(Datetime::Date(march))][..])
        );
        assert_eq!(out.json("a"), Some(&[Some(json!([1, 2])), None][..]));
        assert_eq!(out.json("o"), Some(&[Some(json!({"x": 1.5})), None][..]));
        assert_eq!(out.json("m"), Some(&[Some(json!({"k": "v"})), None][..]));
        assert_eq!(
            out.json("any"),
            Some(&[Some(json!([null, "x"])), Some(json!(4))][..])
        );
        // Columns in the schema's order; asking for a type the column does not have is `None`.
        assert_eq!(out.columns[0].name, "b");
        assert_eq!(out.doubles("b"), None);
    }

    fn house() -> JsonChecker {
        let schema = Schema::from_columns(vec![
            ColSpec::new("sqft", DataType::Double),
            ColSpec::new("city", DataType::String).optional(),
        ])
        .unwrap();
        JsonChecker::for_schema(&schema)
    }

    #[test]
    fn every_layout_gives_the_same_columns() {
        let bodies: [&[u8]; 7] = [
            br#"{"dataframe_split": {"columns": ["city", "sqft", "extra"],
                "data": [["Salem", 1200, 1], [null, 80.5, 2]]}}"#,
            br#"{"dataframe_split": {"data": [[1200, "Salem"], [80.5, null]],
                "columns": ["sqft", "city"]}}"#,
            br#"{"dataframe_records": [{"sqft": 1200, "city": "Salem"}, {"sqft": 80.5}]}"#,
            br#"{"inputs": [{"sqft": 1200, "city": "Salem"}, {"sqft": 80.5, "city": null}]}"#,
            br#"{"instances": [{"city": "Salem", "sqft": 1200}, {"sqft": 80.5}]}"#,
            br#"[{"sqft": 1200, "city": "Salem"}, {"sqft": 80.5}]"#,
            br#"{"inputs": {"sqft": [1200, 80.5], "city": ["Salem", null]}}"#,
        ];
        for body in bodies {
            let text = String::from_utf8_lossy(body);
            let out = house()
                .conform(body)
                .unwrap_or_else(|r| panic!("{text}\n{r}"));
            assert_eq!(out.rows, 2, "{text}");
            assert_eq!(out.columns.len(), 2, "{text}");
            assert_eq!(
                out.doubles("sqft"),
                Some(&[Some(1200.0), Some(80.5)][..]),
                "{text}"
            );
            let city = out.strings("city").unwrap();
            assert_eq!(city, &[Some("Salem".to_owned()), None], "{text}");
        }
    }

    #[test]
    fn single_values_and_lists_for_one_column() {
        let schema = Schema::from_columns(vec![ColSpec::new("x", DataType::Long)]).unwrap();
        let checker = JsonChecker::for_schema(&schema);
        let out = checker.conform(br#"{"inputs": [1, 2, 3]}"#).unwrap();
        assert_eq!(out.longs("x"), Some(&[Some(1), Some(2), Some(3)][..]));
        let out = checker.conform(br#"{"instances": 5}"#).unwrap();
        assert_eq!(out.longs("x"), Some(&[Some(5)][..]));
        assert_eq!(out.rows, 1);
    }

    #[test]
    fn tensors_are_json_per_row_or_whole() {
        let image = TensorSpec::new("image", NumpyDtype::Float32, vec![-1, 2]);
        let schema = Schema::new(vec![image.into()]).unwrap();
        let checker = JsonChecker::for_schema(&schema);
        let out = checker
            .conform(br#"{"inputs": [[1, 2], [3, 4.5]]}"#)
            .unwrap();
        assert_eq!(
            out.json("image"),
            Some(&[Some(json!([[1, 2], [3, 4.5]]))][..])
        );
        let out = checker
            .conform(br#"{"dataframe_records": [{"image": [1, 2]}, {"image": [3, 4]}]}"#)
            .unwrap();
        assert_eq!(
            out.json("image"),
            Some(&[Some(json!([1, 2])), Some(json!([3, 4]))][..])
        );
    }

    #[test]
    fn a_failed_check_is_the_report_and_params_get_their_defaults() {
        let report = house().conform(br#"[{"sqft": "big"}]"#).unwrap_err();
        assert_eq!(report.problems()[0].pointer(), "/0/sqft");

        let params = ParamSchema::new(vec![
            ParamSpec::scalar("temperature", DataType::Double, 0.5).unwrap(),
            ParamSpec::scalar("top_k", DataType::Long, 3i64).unwrap(),
        ])
        .unwrap();
        let schema = Schema::from_columns(vec![ColSpec::new("x", DataType::Long)]).unwrap();
        let signature = ModelSignature::new(Some(schema), None, Some(params)).unwrap();
        let checker = JsonChecker::for_signature(&signature);
        let body = br#"{"inputs": [1], "params": {"top_k": 10, "seed": 1}}"#;
        let out = checker.conform(body).unwrap();
        assert_eq!(out.params.get("top_k"), Some(&json!(10)));
        assert_eq!(out.params.get("temperature"), Some(&json!(0.5)));
        assert_eq!(
            out.params.get("seed"),
            Some(&json!(1)),
            "sent, and reported as unknown"
        );
        assert_eq!(out.report.warning_count(), 1);
    }

    #[test]
    fn values_the_output_cannot_hold_are_errors() {
        let schema = Schema::from_columns(vec![ColSpec::new("t", DataType::Datetime)]).unwrap();
        let checker = JsonChecker::for_schema(&schema);
        let report = checker
            .conform(br#"[{"t": "2024-01-01T00:00:00.123456789"}]"#)
            .unwrap_err();
        let problem = &report.problems()[0];
        assert_eq!(problem.kind(), ProblemKind::InvalidDatetime);
        assert_eq!(problem.pointer(), "/0");
        assert_eq!(problem.column(), Some("t"));
    }

    #[test]
    fn mlflow_modes_conform_by_the_strict_rules() {
        let options = CheckOptions::new().with_mode(Mode::MlflowServing);
        let checker = house().with_options(options);
        // Serving would cast the string; conform does not.
        let report = checker.conform(br#"{"dataframe_records": [{"sqft": "12"}]}"#);
        assert!(report.is_err());
        let out = checker
            .conform(br#"{"dataframe_records": [{"sqft": 12}]}"#)
            .unwrap();
        assert_eq!(out.doubles("sqft"), Some(&[Some(12.0)][..]));
    }
}
