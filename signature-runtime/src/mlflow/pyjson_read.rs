//! Reading JSON as Python's `json.loads` reads it: RFC 8259 plus the tokens `NaN`, `Infinity`
//! and `-Infinity`, and float literals too large for a double read as infinities (`1e400`).
//!
//! MLflow writes signature JSON with `json.dumps`, whose `allow_nan=True` turns a NaN or
//! infinite parameter default into those bare tokens, so they occur in files MLflow wrote.
//! serde_json refuses them and `serde_json::Value` cannot hold a non-finite number, so each is
//! read as a marker string (a NUL and the token), which only [`non_finite`] turns back into a
//! number. The markers cannot be mistaken for text the document holds: a JSON string can only
//! contain a NUL through the escape `\u0000`, and a document with both a token and that escape,
//! or with a string spelled like a marker, is refused.

use serde_json::Value;

/// Python's tokens for the non-finite numbers, and the numbers.
const PYTHON_TOKENS: [(&str, f64); 3] = [
    ("NaN", f64::NAN),
    ("Infinity", f64::INFINITY),
    ("-Infinity", f64::NEG_INFINITY),
];

/// The marker a non-finite number is read as: a NUL, then Python's token.
const MARKER_PREFIX: char = '\0';

/// Parses `text` as Python's `json.loads` does (see the module documentation).
pub(crate) fn parse_python_json(text: &str) -> Result<Value, String> {
    let tokens = non_finite_tokens(text);
    if tokens.is_empty() {
        let value: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
        if text.contains("\\u0000") && holds_marker(&value) {
            return Err("a string spelled \\u0000NaN or \\u0000Infinity is not read".to_owned());
        }
        return Ok(value);
    }
    if text.contains("\\u0000") {
        return Err(
            "a document with both NaN/Infinity tokens and a \\u0000 escape is not read".to_owned(),
        );
    }
    let mut rewritten = String::with_capacity(text.len() + tokens.len() * 4);
    let mut copied = 0;
    for token in &tokens {
        rewritten.push_str(&text[copied..token.start]);
        rewritten.push_str("\"\\u0000");
        rewritten.push_str(token.python);
        rewritten.push('"');
        copied = token.end;
    }
    rewritten.push_str(&text[copied..]);
    serde_json::from_str(&rewritten).map_err(|e| e.to_string())
}

/// The non-finite number a value read by [`parse_python_json`] stands for, if it is one.
pub(crate) fn non_finite(value: &Value) -> Option<f64> {
    marker_number(value.as_str()?)
}

fn is_marker(text: &str) -> bool {
    marker_number(text).is_some()
}

fn marker_number(text: &str) -> Option<f64> {
    let rest = text.strip_prefix(MARKER_PREFIX)?;
    PYTHON_TOKENS
        .iter()
        .find(|(python, _)| *python == rest)
        .map(|(_, number)| *number)
}

/// Whether a string anywhere in `value` (keys included) reads as a marker.
fn holds_marker(value: &Value) -> bool {
    match value {
        Value::String(text) => is_marker(text),
        Value::Array(items) => items.iter().any(holds_marker),
        Value::Object(entries) => entries
            .iter()
            .any(|(key, item)| is_marker(key) || holds_marker(item)),
        Value::Null | Value::Bool(_) | Value::Number(_) => false,
    }
}

/// A non-finite number in the text: its byte span and the token Python writes for it.
struct Token {
    start: usize,
    end: usize,
    python: &'static str,
}

/// The spans, outside strings, of `NaN`, `Infinity`, `-Infinity` and of float literals that
/// overflow a double. Anything else is left for serde_json to accept or refuse.
fn non_finite_tokens(text: &str) -> Vec<Token> {
    let bytes = text.as_bytes();
    let mut tokens = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        match bytes[at] {
            b'"' => at = string_end(bytes, at),
            b'N' | b'I' | b'-'
                if let Some((python, _)) = PYTHON_TOKENS
                    .iter()
                    .find(|(python, _)| bytes[at..].starts_with(python.as_bytes())) =>
            {
                tokens.push(Token {
                    start: at,
                    end: at + python.len(),
                    python,
                });
                at += python.len();
            }
            b'-' | b'0'..=b'9' => {
                let end = at
                    + bytes[at..]
                        .iter()
                        .position(|b| !matches!(b, b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9'))
                        .unwrap_or(bytes.len() - at);
                let literal = &text[at..end];
                // Integers stay integers in Python whatever their size; only a float literal
                // (a point or an exponent) becomes an infinity when it overflows.
                if literal.contains(['.', 'e', 'E'])
                    && let Ok(value) = literal.parse::<f64>()
                    && value.is_infinite()
                {
                    tokens.push(Token {
                        start: at,
                        end,
                        python: if value > 0.0 { "Infinity" } else { "-Infinity" },
                    });
                }
                at = end;
            }
            _ => at += 1,
        }
    }
    tokens
}

/// The index just past the string that opens at `start` (or the end of an unclosed one).
fn string_end(bytes: &[u8], start: usize) -> usize {
    let mut at = start + 1;
    while at < bytes.len() {
        match bytes[at] {
            b'\\' => at += 2,
            b'"' => return at + 1,
            _ => at += 1,
        }
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Value {
        parse_python_json(text).unwrap()
    }

    #[test]
    fn the_python_tokens_read_as_non_finite_numbers() {
        let value = read(r#"[NaN, Infinity, -Infinity, 1e400, -1e400, 1.5]"#);
        let items: Vec<Option<f64>> = value.as_array().unwrap().iter().map(non_finite).collect();
        assert!(items[0].unwrap().is_nan());
        assert_eq!(items[1], Some(f64::INFINITY));
        assert_eq!(items[2], Some(f64::NEG_INFINITY));
        assert_eq!(items[3], Some(f64::INFINITY));
        assert_eq!(items[4], Some(f64::NEG_INFINITY));
        assert_eq!(items[5], None);
        assert_eq!(value[5].as_f64(), Some(1.5));
    }

    #[test]
    fn tokens_inside_strings_are_text() {
        let value = read(r#"{"NaN": "Infinity -Infinity \" NaN", "k\\": NaN}"#);
        assert_eq!(value["NaN"], "Infinity -Infinity \" NaN");
        assert!(non_finite(&value["k\\"]).unwrap().is_nan());
    }

    #[test]
    fn a_big_integer_is_not_an_infinity() {
        let digits = "9".repeat(400);
        // serde_json reads it as a float; Python keeps the integer. Either way it is no token.
        assert!(non_finite_tokens(&format!("[{digits}]")).is_empty());
    }

    #[test]
    fn a_nul_escape_beside_a_token_is_refused_rather_than_confused() {
        let error = parse_python_json(r#"["\u0000NaN", NaN]"#).unwrap_err();
        assert!(error.contains("\\u0000"), "{error}");
        // Without a token, a string spelled like a marker is refused too, never read as NaN.
        assert!(parse_python_json(r#"["\u0000NaN"]"#).is_err());
        // Any other NUL escape is plain text.
        assert_eq!(read(r#"["\u0000x"]"#)[0], "\u{0}x");
    }

    #[test]
    fn malformed_text_is_still_refused() {
        assert!(parse_python_json("[NaN,]").is_err());
        assert!(parse_python_json("[Nan]").is_err());
        assert!(parse_python_json("[inf]").is_err());
    }
}
