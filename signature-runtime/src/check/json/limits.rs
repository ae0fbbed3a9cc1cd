//! The limits of a checker built for a Rust type ([`JsonChecker::for_type`]): what a field's
//! type takes beyond its column's MLflow type, checked on each value the column's check took.
//!
//! [`JsonChecker::for_type`]: super::JsonChecker::for_type

use serde_json::Value;

use super::cells::python_text;
use super::{CellSink, Run};
use crate::derived::ValueLimit;
use crate::pandas_rules::values::Served;
use crate::report::{Problem, ProblemKind, Severity};

/// How many variant names an `expected` lists before it says how many more there are.
const VARIANTS_SHOWN: usize = 8;

/// A value beyond a limit: where under the cell (a JSON pointer suffix), and what.
struct Misfit {
    suffix: String,
    kind: ProblemKind,
    message: String,
    expected: String,
    found: String,
}

impl<S: CellSink> Run<'_, '_, S> {
    /// Checks the cell at `start..end`, which its column's check took, against the Rust
    /// field's `limit`: the value as MLflow cast it (`served`) in an MLflow mode.
    pub(super) fn check_limit(
        &mut self,
        limit: ValueLimit,
        start: usize,
        end: usize,
        served: &Served,
    ) {
        let bytes = &self.scanner.bytes()[start..end];
        let value = match served {
            Served::AsSent => match serde_json::from_slice::<Value>(bytes) {
                Ok(value) => value,
                // The column's check took it, so it is JSON; nothing to add if serde_json
                // thinks otherwise.
                Err(_) => return,
            },
            Served::Null => return,
            Served::Bool(b) => Value::Bool(*b),
            Served::Int(i) => Value::from(*i),
            Served::Float(f) => Value::from(*f),
            Served::Text(text) => Value::String(text.clone()),
            Served::PythonText(value) => Value::String(python_text(value, bytes)),
        };
        let mut misfits = Vec::new();
        misfits_of(limit, &value, &mut String::new(), &mut misfits);
        if misfits.is_empty() {
            return;
        }
        let base = self.pointer();
        for misfit in misfits {
            self.report(Severity::Error, |run| {
                let scalar = misfit.suffix.is_empty() && !matches!(value, Value::Array(_));
                let mut problem = Problem::new(
                    misfit.kind,
                    Severity::Error,
                    format!("{base}{}", misfit.suffix),
                    misfit.message,
                )
                .with_expected(misfit.expected)
                .with_found(misfit.found);
                if let Some(row) = run.row {
                    problem = problem.with_row(row);
                }
                if let Some(column) = run.column.and_then(|k| run.checker.columns.get(k)) {
                    problem = problem.with_column(column.label.clone());
                }
                if scalar {
                    problem = problem.with_value(run.excerpt(start, end));
                }
                problem
            });
        }
    }
}

/// Every way `value` (at `suffix` under the cell) is beyond `limit`.
fn misfits_of(limit: ValueLimit, value: &Value, suffix: &mut String, out: &mut Vec<Misfit>) {
    match (limit, value) {
        (
            ValueLimit::Range { min, max } | ValueLimit::NonZero { min, max },
            Value::Number(number),
        ) => {
            let integer = number
                .as_i64()
                .map(i128::from)
                .or_else(|| number.as_u64().map(i128::from));
            let non_zero = matches!(limit, ValueLimit::NonZero { .. });
            if integer.is_some_and(|i| i < min || i > max || (non_zero && i == 0)) {
                out.push(Misfit {
                    suffix: suffix.clone(),
                    kind: ProblemKind::OutOfRange,
                    message: "the integer is out of the Rust field's range".to_owned(),
                    expected: match (non_zero, min) {
                        (true, 0) => format!("an integer from 1 to {max}"),
                        (true, _) => format!("an integer from {min} to {max}, not 0"),
                        (false, _) => format!("an integer from {min} to {max}"),
                    },
                    found: "integer".to_owned(),
                });
            }
        }
        (ValueLimit::OneOf(names), Value::String(text)) if !names.contains(&text.as_str()) => {
            let mut shown: Vec<String> = names
                .iter()
                .take(VARIANTS_SHOWN)
                .map(|name| format!("`{name}`"))
                .collect();
            if names.len() > VARIANTS_SHOWN {
                shown.push(format!("{} more", names.len() - VARIANTS_SHOWN));
            }
            out.push(Misfit {
                suffix: suffix.clone(),
                kind: ProblemKind::UnknownVariant,
                message: "the string names none of the Rust enum's variants".to_owned(),
                expected: format!("one of {}", shown.join(", ")),
                found: "string".to_owned(),
            });
        }
        (ValueLimit::OneChar, Value::String(text)) if text.chars().count() != 1 => {
            out.push(Misfit {
                suffix: suffix.clone(),
                kind: ProblemKind::WrongLength,
                message: "the Rust field is a `char`: one character".to_owned(),
                expected: "a string of one character".to_owned(),
                found: format!("a string of {} characters", text.chars().count()),
            });
        }
        (ValueLimit::Length { len, items }, Value::Array(values)) => {
            if values.len() != len {
                out.push(Misfit {
                    suffix: suffix.clone(),
                    kind: ProblemKind::WrongLength,
                    message: format!("the Rust field is an array of exactly {len} items"),
                    expected: format!("{len} items"),
                    found: format!("{} items", values.len()),
                });
            }
            each_item(
                *items,
                values.iter().enumerate().map(|(i, v)| (i.to_string(), v)),
                suffix,
                out,
            );
        }
        (ValueLimit::Items(items), Value::Array(values)) => {
            each_item(
                *items,
                values.iter().enumerate().map(|(i, v)| (i.to_string(), v)),
                suffix,
                out,
            );
        }
        (ValueLimit::Items(items), Value::Object(entries)) => {
            let escaped = entries.iter().map(|(key, v)| (escape(key), v));
            each_item(*items, escaped, suffix, out);
        }
        (ValueLimit::Fields(fields), Value::Object(entries)) => {
            for (name, limit) in fields {
                match name {
                    Some(name) => {
                        if let Some(value) = entries.get(*name) {
                            each_item(*limit, std::iter::once((escape(name), value)), suffix, out);
                        }
                    }
                    // A flattened field's fields: keys of this same object.
                    None => misfits_of(*limit, value, suffix, out),
                }
            }
        }
        // Another kind of value (`null`, or one a `dtype` maps to another type) has no limit.
        _ => {}
    }
}

/// An object key as a JSON pointer token.
fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// [`misfits_of`] for each item, at `suffix/token`.
fn each_item<'v>(
    limit: ValueLimit,
    items: impl Iterator<Item = (String, &'v Value)>,
    suffix: &mut String,
    out: &mut Vec<Misfit>,
) {
    if limit == ValueLimit::None {
        return;
    }
    for (token, value) in items {
        let len = suffix.len();
        suffix.push('/');
        suffix.push_str(&token);
        misfits_of(limit, value, suffix, out);
        suffix.truncate(len);
    }
}
