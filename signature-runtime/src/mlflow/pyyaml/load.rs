//! YAML read as PyYAML's `yaml.safe_load` reads it, which is how MLflow reads MLmodel files.
//!
//! The events come from granit-parser (the YAML parser under serde-saphyr); the scalars are
//! typed here by YAML 1.1's rules, as PyYAML types them, not by YAML 1.2's: a plain `1e3` or
//! `0o17` stays a string, a plain `0017` is octal, `yes` is true. A quoted scalar is always a
//! string.

use granit_parser::{Event, Parser, ScalarStyle};
use serde_json::{Map as JsonMap, Number, Value};

use super::resolve::{is_yaml11_bool, is_yaml11_float, is_yaml11_int, is_yaml11_null};

/// Deeper documents are refused rather than risking the stack of whoever walks them.
const MAX_DEPTH: usize = 512;
/// Nodes a document may expand to, aliases included: a guard against alias bombs.
const MAX_NODES: usize = 5_000_000;

enum Frame {
    Sequence {
        items: Vec<Value>,
        anchor: usize,
    },
    Mapping {
        entries: JsonMap<String, Value>,
        key: Option<String>,
        anchor: usize,
    },
}

/// `yaml.safe_load(text)` for the value types JSON can hold.
pub(crate) fn safe_load(text: &str) -> Result<Value, String> {
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<Frame> = Vec::new();
    let mut anchors: Vec<(usize, Value)> = Vec::new();
    let mut root: Option<Value> = None;
    let mut documents = 0;
    let mut nodes = 0usize;
    while let Some(event) = parser.next_event() {
        let (event, span) = event.map_err(|e| e.to_string())?;
        let at = || {
            format!(
                "line {}, column {}",
                span.start.line(),
                span.start.col() + 1
            )
        };
        let (value, anchor) = match event {
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd => continue,
            Event::DocumentStart(..) => {
                documents += 1;
                if documents > 1 {
                    return Err(format!(
                        "expected a single document, found another at {}",
                        at()
                    ));
                }
                continue;
            }
            Event::SequenceStart(_, anchor, _) | Event::MappingStart(_, anchor, _)
                if stack.len() >= MAX_DEPTH =>
            {
                let _ = anchor;
                return Err(format!("nested deeper than {MAX_DEPTH} levels at {}", at()));
            }
            Event::SequenceStart(_, anchor, _) => {
                stack.push(Frame::Sequence {
                    items: Vec::new(),
                    anchor,
                });
                continue;
            }
            Event::MappingStart(_, anchor, _) => {
                stack.push(Frame::Mapping {
                    entries: JsonMap::new(),
                    key: None,
                    anchor,
                });
                continue;
            }
            Event::SequenceEnd => match stack.pop() {
                Some(Frame::Sequence { items, anchor }) => (Value::Array(items), anchor),
                _ => return Err(format!("unbalanced sequence end at {}", at())),
            },
            Event::MappingEnd => match stack.pop() {
                Some(Frame::Mapping {
                    entries, anchor, ..
                }) => (Value::Object(entries), anchor),
                _ => return Err(format!("unbalanced mapping end at {}", at())),
            },
            Event::Scalar(text, style, anchor, tag) => {
                let tag = tag.as_deref().map(|t| {
                    t.core_suffix()
                        .map(str::to_owned)
                        .ok_or_else(|| t.original())
                });
                let value = match tag {
                    Some(Err(custom)) => {
                        return Err(format!("unsupported tag `{custom}` at {}", at()));
                    }
                    Some(Ok(core)) => {
                        tagged_scalar(&text, &core).map_err(|e| format!("{e} at {}", at()))?
                    }
                    None if style == ScalarStyle::Plain => {
                        plain_scalar(&text).map_err(|e| format!("{e} at {}", at()))?
                    }
                    None => Value::String(text.into_owned()),
                };
                (value, anchor)
            }
            Event::Alias(id) => {
                let value = anchors
                    .iter()
                    .rev()
                    .find(|(anchor, _)| *anchor == id)
                    .map(|(_, value)| value.clone())
                    .ok_or_else(|| format!("unknown alias at {}", at()))?;
                (value, 0)
            }
            _ => continue,
        };
        nodes += count_nodes(&value);
        if nodes > MAX_NODES {
            return Err(format!(
                "the document expands to more than {MAX_NODES} nodes"
            ));
        }
        if anchor != 0 {
            anchors.push((anchor, value.clone()));
        }
        match stack.last_mut() {
            None => root = Some(value),
            Some(Frame::Sequence { items, .. }) => items.push(value),
            Some(Frame::Mapping { entries, key, .. }) => match key.take() {
                None => match value {
                    Value::String(k) => *key = Some(k),
                    other => {
                        return Err(format!(
                            "only string keys are supported, found `{other}` at {}",
                            at()
                        ));
                    }
                },
                Some(k) => {
                    entries.insert(k, value);
                }
            },
        }
    }
    Ok(root.unwrap_or(Value::Null))
}

/// Collections count one per element, so a value's size is known without walking it again.
fn count_nodes(value: &Value) -> usize {
    match value {
        Value::Array(items) => items.len() + 1,
        Value::Object(entries) => entries.len() + 1,
        _ => 1,
    }
}

/// A plain scalar typed as PyYAML's resolvers and constructors type it.
fn plain_scalar(text: &str) -> Result<Value, String> {
    if is_yaml11_null(text) {
        Ok(Value::Null)
    } else if is_yaml11_bool(text) {
        Ok(Value::Bool(
            matches!(text.as_bytes()[0], b'y' | b'Y' | b't' | b'T')
                || text.eq_ignore_ascii_case("on"),
        ))
    } else if is_yaml11_int(text) {
        yaml11_int(text)
    } else if is_yaml11_float(text) {
        yaml11_float(text)
    } else if text == "=" || text == "<<" {
        // YAML 1.1's value and merge keys: PyYAML refuses both as values, and MLflow never
        // writes a merge.
        Err(format!(
            "a plain `{text}` is a YAML 1.1 value or merge key, which is not supported"
        ))
    } else {
        // Timestamps stay text: MLflow quotes the ones it writes.
        Ok(Value::String(text.to_owned()))
    }
}

fn tagged_scalar(text: &str, core_tag: &str) -> Result<Value, String> {
    match core_tag {
        "str" => Ok(Value::String(text.to_owned())),
        "null" => Ok(Value::Null),
        "bool" if is_yaml11_bool(text) => plain_scalar(text),
        "int" if is_yaml11_int(text) => yaml11_int(text),
        "float" if is_yaml11_float(text) || is_yaml11_int(text) => yaml11_float(text),
        other => Err(format!("`{text}` is not a valid `!!{other}`")),
    }
}

/// PyYAML's `construct_yaml_int`: underscores ignored; `0b`, `0x`, leading-zero octal and
/// base-60 `1:30` spellings.
fn yaml11_int(text: &str) -> Result<Value, String> {
    let cleaned = text.replace('_', "");
    let (negative, digits) = match cleaned.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, cleaned.strip_prefix('+').unwrap_or(&cleaned)),
    };
    let magnitude: Option<i128> = if digits == "0" {
        Some(0)
    } else if let Some(bits) = digits.strip_prefix("0b") {
        i128::from_str_radix(bits, 2).ok()
    } else if let Some(hex) = digits.strip_prefix("0x") {
        i128::from_str_radix(hex, 16).ok()
    } else if digits.contains(':') {
        digits.split(':').try_fold(0i128, |acc, part| {
            acc.checked_mul(60)?.checked_add(part.parse::<i128>().ok()?)
        })
    } else if let Some(octal) = digits.strip_prefix('0') {
        i128::from_str_radix(octal, 8).ok()
    } else {
        digits.parse().ok()
    };
    let value = magnitude
        .map(|m| if negative { -m } else { m })
        .ok_or_else(|| format!("the integer `{text}` is too large"))?;
    if let Ok(small) = i64::try_from(value) {
        Ok(Value::Number(small.into()))
    } else if let Ok(large) = u64::try_from(value) {
        Ok(Value::Number(large.into()))
    } else {
        Err(format!("the integer `{text}` does not fit in 64 bits"))
    }
}

/// PyYAML's `construct_yaml_float`; JSON has no infinities or NaN, so those are refused.
fn yaml11_float(text: &str) -> Result<Value, String> {
    let cleaned = text.replace('_', "").to_lowercase();
    let (sign, body) = match cleaned.strip_prefix('-') {
        Some(rest) => (-1.0, rest),
        None => (1.0, cleaned.strip_prefix('+').unwrap_or(&cleaned)),
    };
    let magnitude: Option<f64> = if body.contains(':') {
        body.split(':').try_fold(0.0f64, |acc, part| {
            Some(acc * 60.0 + part.parse::<f64>().ok()?)
        })
    } else {
        body.parse().ok()
    };
    magnitude
        .map(|m| sign * m)
        .and_then(Number::from_f64)
        .map(Value::Number)
        .ok_or_else(|| format!("the float `{text}` is not finite, which JSON cannot hold"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn scalars_are_typed_as_pyyaml_types_them() {
        let doc = "a: 1e3\nb: 0o17\nc: 017\nd: yes\ne: '1'\nf: 1.5\ng: ~\nh: 0x1F\ni: 1_000\nj: 1:30\nk: 3.11.7\nl: 2023-06-26\nm: \"x\\ty\"\nn: -.5\no: [1, {p: q}]\n";
        assert_eq!(
            safe_load(doc).unwrap(),
            json!({"a": "1e3", "b": "0o17", "c": 15, "d": true, "e": "1", "f": 1.5, "g": null,
                   "h": 31, "i": 1000, "j": 90, "k": "3.11.7", "l": "2023-06-26", "m": "x\ty",
                   "n": "-.5", "o": [1, {"p": "q"}]})
        );
    }

    #[test]
    fn hostile_documents_fail_cleanly() {
        assert!(safe_load(&"[".repeat(10_000)).is_err());
        assert!(safe_load("a: .inf\n").is_err());
        assert!(safe_load("a: 1\n---\nb: 2\n").is_err());
        assert!(safe_load("1: a\n").is_err());
        assert!(safe_load("a: !custom x\n").is_err());
        let bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n";
        assert!(safe_load(bomb).is_ok(), "small alias use is fine");
    }
}
