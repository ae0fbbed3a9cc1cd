//! `text/csv` request bodies, read as MLflow's scoring server reads them (`pd.read_csv` with
//! each signature column's dtype, no params) and handed to the JSON checker as the
//! `dataframe_split` body pandas' frame would be: one reader of rows, one checker.
//!
//! A cell the column's dtype reads becomes its JSON value (`3` for `long`, `3.5` for
//! `double`, `true` for `boolean`; pandas' `True`, `TRUE` and `true` alike). An empty cell is
//! pandas' missing value, `null`. A cell the dtype does not read stays text, so the checker
//! reports it with its place (`/dataframe_split/data/ROW/COLUMN`, `ROW` counted from the first
//! line after the header) instead of the first-error message pandas gives. Columns the
//! signature does not declare are typed as pandas infers them: integers, floats, else text.

use serde_json::{Map as JsonMap, Number, Value};

use super::ServeError;
use crate::check::JsonChecker;
use crate::types::{ColumnType, DataType, Schema};

/// The `dataframe_split` JSON body of a CSV body; `checker` is the one built for `schema`,
/// whose name index finds each header's column (a scan of the schema per header name would
/// cost a million name comparisons per request at 1,000 columns).
pub(crate) fn to_split_body(
    csv: &[u8],
    schema: Option<&Schema>,
    checker: &JsonChecker,
) -> Result<Vec<u8>, ServeError> {
    let text = std::str::from_utf8(csv).map_err(|e| {
        ServeError::bad_request(format!(
            "Invalid input. Ensure that input is a valid UTF-8 encoded string. Error: {e}"
        ))
    })?;
    // pandas reads a UTF-8 byte-order mark as part of the first name: so does Excel's export.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut records = Records::new(text);
    let header = records.next().transpose()?.ok_or_else(|| {
        ServeError::bad_request(
            "Failed to parse input as a Pandas DataFrame: the CSV body has no header row",
        )
    })?;
    // A tensor schema has no columns: its names type no cell.
    let columns = schema.and_then(Schema::columns).unwrap_or_default();
    let types: Vec<Option<&ColumnType>> = header
        .iter()
        .map(|name| {
            let column = columns.get(checker.position_of(name)?)?;
            Some(column.ty())
        })
        .collect();
    let mut data = Vec::new();
    for record in records {
        let record = record?;
        let row = record
            .into_iter()
            .enumerate()
            .map(|(k, cell)| typed_cell(cell, types.get(k).copied().flatten()))
            .collect();
        data.push(Value::Array(row));
    }
    let mut split = JsonMap::new();
    split.insert(
        "columns".into(),
        Value::Array(header.into_iter().map(Value::String).collect()),
    );
    split.insert("data".into(), Value::Array(data));
    let mut body = JsonMap::new();
    body.insert("dataframe_split".into(), Value::Object(split));
    serde_json::to_vec(&Value::Object(body)).map_err(|e| ServeError::internal(e.to_string()))
}

/// One cell as pandas' dtype for its column reads it.
fn typed_cell(cell: String, ty: Option<&ColumnType>) -> Value {
    if cell.is_empty() {
        return Value::Null;
    }
    match ty.and_then(ColumnType::as_data_type) {
        Some(DataType::Long | DataType::Integer) => integer(&cell),
        Some(DataType::Double | DataType::Float) => float(&cell),
        Some(DataType::Boolean) => match cell.trim() {
            "True" | "TRUE" | "true" => Value::Bool(true),
            "False" | "FALSE" | "false" => Value::Bool(false),
            _ => Value::String(cell),
        },
        Some(_) => Value::String(cell),
        // Not a scalar of the signature (an extra column, or one of a nested type, which
        // pandas reads as text): what pandas infers.
        None if ty.is_some() => Value::String(cell),
        None => match integer(&cell) {
            Value::String(_) => float(&cell),
            number => number,
        },
    }
}

fn integer(cell: &str) -> Value {
    cell.trim()
        .parse::<i64>()
        .map(Value::from)
        .unwrap_or_else(|_| Value::String(cell.to_owned()))
}

fn float(cell: &str) -> Value {
    match cell.trim().parse::<f64>() {
        Ok(value) if value.is_finite() => Number::from_f64(value)
            .map(Value::Number)
            .unwrap_or_else(|| Value::String(cell.to_owned())),
        // pandas' NaN is a missing value; infinities have no JSON form and stay text.
        Ok(value) if value.is_nan() => Value::Null,
        _ => Value::String(cell.to_owned()),
    }
}

/// The records of an RFC 4180 text: fields split on commas, records on `\n` or `\r\n`,
/// quoted fields with `""` for a quote; blank lines skipped, as pandas skips them.
struct Records<'a> {
    rest: &'a str,
    line: usize,
}

impl<'a> Records<'a> {
    fn new(text: &'a str) -> Self {
        Records {
            rest: text,
            line: 0,
        }
    }
}

impl Iterator for Records<'_> {
    type Item = Result<Vec<String>, ServeError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if self.rest.is_empty() {
                return None;
            }
            self.line += 1;
            let mut fields = Vec::new();
            let mut field = String::new();
            let mut chars = self.rest.char_indices().peekable();
            let mut quoted = false;
            let mut end = self.rest.len();
            while let Some((at, c)) = chars.next() {
                match (quoted, c) {
                    (true, '"') if chars.peek().is_some_and(|&(_, next)| next == '"') => {
                        chars.next();
                        field.push('"');
                    }
                    (true, '"') => quoted = false,
                    (true, c) => field.push(c),
                    (false, '"') if field.is_empty() => quoted = true,
                    (false, ',') => fields.push(std::mem::take(&mut field)),
                    (false, '\n') => {
                        end = at + 1;
                        break;
                    }
                    (false, '\r') if chars.peek().is_some_and(|&(_, next)| next == '\n') => {}
                    (false, c) => field.push(c),
                }
            }
            if quoted {
                return Some(Err(ServeError::bad_request(format!(
                    "Failed to parse input as a Pandas DataFrame: line {} of the CSV body \
                     ends inside a quoted field",
                    self.line
                ))));
            }
            let blank = fields.is_empty() && field.is_empty();
            self.rest = &self.rest[end..];
            if blank {
                continue;
            }
            fields.push(field);
            return Some(Ok(fields));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::ColSpec;

    fn split(csv: &[u8], schema: &Schema) -> Result<Vec<u8>, ServeError> {
        to_split_body(csv, Some(schema), &JsonChecker::for_schema(schema))
    }

    fn body(csv: &str, schema: &Schema) -> Value {
        serde_json::from_slice(&split(csv.as_bytes(), schema).unwrap()).unwrap()
    }

    #[test]
    fn cells_are_typed_by_their_column() {
        let schema = Schema::from_columns(vec![
            ColSpec::new("sqft", DataType::Double),
            ColSpec::new("bedrooms", DataType::Long),
            ColSpec::new("city", DataType::String),
            ColSpec::new("new", DataType::Boolean),
        ])
        .unwrap();
        let json = body(
            "bedrooms,sqft,city,new,extra\r\n3,1500,\"Salem, OR\",True,2.5\n\n,abc,\"say \"\"hi\"\"\",no,x\n",
            &schema,
        );
        assert_eq!(
            json,
            serde_json::json!({"dataframe_split": {
                "columns": ["bedrooms", "sqft", "city", "new", "extra"],
                "data": [[3, 1500.0, "Salem, OR", true, 2.5], [null, "abc", "say \"hi\"", "no", "x"]]
            }})
        );
    }

    #[test]
    fn an_unclosed_quote_is_a_bad_request() {
        let schema = Schema::from_columns(vec![ColSpec::new("a", DataType::String)]).unwrap();
        let error = split(b"a\n\"open\n", &schema).unwrap_err();
        assert_eq!(error.error_code(), "BAD_REQUEST");
        assert!(error.message().contains("line 2"), "{error}");
        let error = split(b"", &schema).unwrap_err();
        assert!(error.message().contains("no header row"), "{error}");
    }

    /// 1,000 columns of four types, the header in reverse order with an extra column in the
    /// middle: each cell is typed by its own column, found by name whatever its place.
    #[test]
    fn a_thousand_column_body_types_each_cell_by_its_column() {
        let ty = |k: usize| {
            [
                DataType::Double,
                DataType::Long,
                DataType::String,
                DataType::Boolean,
            ][k % 4]
        };
        let schema = Schema::from_columns(
            (0..1000)
                .map(|k| ColSpec::new(format!("c{k:03}"), ty(k)))
                .collect(),
        )
        .unwrap();
        let mut names: Vec<String> = (0..1000).rev().map(|k| format!("c{k:03}")).collect();
        names.insert(500, "extra".to_owned());
        let cells: Vec<String> = names
            .iter()
            .map(|name| match name.strip_prefix('c') {
                Some(k) if ty(k.parse().unwrap()) == DataType::Boolean => "TRUE".to_owned(),
                Some(k) => k.trim_start_matches('0').to_owned() + "0",
                None => "7".to_owned(),
            })
            .collect();
        let csv = format!("{}\n{}\n", names.join(","), cells.join(","));
        let json = body(&csv, &schema);
        let row = json["dataframe_split"]["data"][0].as_array().unwrap();
        assert_eq!(row.len(), 1001);
        for (name, cell) in names.iter().zip(row) {
            let Some(k) = name.strip_prefix('c').map(|k| k.parse::<usize>().unwrap()) else {
                assert_eq!(cell, &serde_json::json!(7), "the extra column is inferred");
                continue;
            };
            let expected = match ty(k) {
                DataType::Double => serde_json::json!((k * 10) as f64),
                DataType::Long => serde_json::json!(k * 10),
                DataType::String => serde_json::json!(format!("{}", k * 10)),
                _ => serde_json::json!(true),
            };
            assert_eq!(cell, &expected, "{name}");
        }
    }

    /// A tensor schema has no columns: a header naming a tensor is read as pandas infers it.
    #[test]
    fn tensor_names_type_no_cell() {
        let tensor = crate::types::TensorSpec::new("x", crate::types::NumpyDtype::Float64, [-1]);
        let schema = Schema::from_tensors(vec![tensor]).unwrap();
        let json = body("x\n3\n", &schema);
        assert_eq!(json["dataframe_split"]["data"], serde_json::json!([[3]]));
    }
}
