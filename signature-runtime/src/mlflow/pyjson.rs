//! JSON written byte for byte as Python's `json.dumps` writes it with default arguments:
//! `", "` and `": "` separators (or `indent=N`), `ensure_ascii` escapes (surrogate pairs beyond the BMP), float
//! `repr` (`1e-07`, `1e+16`, `0.1`) and the `NaN`/`Infinity` tokens.

use std::fmt::Write as _;

/// Appends JSON to a string the way `json.dumps` prints it: compact by default (`", "` and
/// `": "`), or with `indent=N` (one item a line, `","` and `": "`).
#[derive(Default)]
pub(crate) struct PyJsonWriter {
    out: String,
    indent: Option<usize>,
    /// One entry per open list or object: whether it holds an item yet.
    open: Vec<bool>,
}

impl PyJsonWriter {
    /// `json.dumps(value, indent=indent)`.
    pub(crate) fn indented(indent: usize) -> Self {
        PyJsonWriter {
            indent: Some(indent),
            ..PyJsonWriter::default()
        }
    }

    pub(crate) fn finish(self) -> String {
        self.out
    }

    pub(crate) fn null(&mut self) {
        self.out.push_str("null");
    }

    pub(crate) fn bool(&mut self, value: bool) {
        self.out.push_str(if value { "true" } else { "false" });
    }

    pub(crate) fn int(&mut self, value: i64) {
        let _ = write!(self.out, "{value}");
    }

    pub(crate) fn float(&mut self, value: f64) {
        self.out.push_str(&python_float_repr(value));
    }

    pub(crate) fn string(&mut self, value: &str) {
        write_ascii_string(&mut self.out, value);
    }

    /// Any JSON value; floats as Python's repr, integers as integers.
    pub(crate) fn value(&mut self, value: &serde_json::Value) {
        use serde_json::Value;
        match value {
            Value::Null => self.null(),
            Value::Bool(b) => self.bool(*b),
            Value::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
                (Some(i), _, _) => self.int(i),
                (None, Some(u), _) => {
                    let _ = write!(self.out, "{u}");
                }
                (None, None, f) => self.float(f.unwrap_or(f64::NAN)),
            },
            Value::String(s) => self.string(s),
            Value::Array(items) => self.list(items, Self::value),
            Value::Object(entries) => {
                self.begin_object();
                for (key, item) in entries {
                    self.key(key);
                    self.value(item);
                }
                self.end_object();
            }
        }
    }

    /// Writes `[a, b, ...]`, each element by `write_item`.
    pub(crate) fn list<T>(&mut self, items: &[T], mut write_item: impl FnMut(&mut Self, &T)) {
        self.open('[');
        for item in items {
            self.next_item();
            write_item(self, item);
        }
        self.close(']');
    }

    /// Starts an object; fields follow through [`PyJsonWriter::key`], then `end_object`.
    pub(crate) fn begin_object(&mut self) {
        self.open('{');
    }

    /// Writes a key, with the separator before it unless it is the object's first.
    pub(crate) fn key(&mut self, key: &str) {
        self.next_item();
        self.string(key);
        self.out.push_str(": ");
    }

    pub(crate) fn end_object(&mut self) {
        self.close('}');
    }

    fn open(&mut self, bracket: char) {
        self.out.push(bracket);
        self.open.push(false);
    }

    fn next_item(&mut self) {
        let has_items = self
            .open
            .last_mut()
            .expect("an item belongs to an open container");
        let first = !std::mem::replace(has_items, true);
        match self.indent {
            None if !first => self.out.push_str(", "),
            None => {}
            Some(indent) => {
                if !first {
                    self.out.push(',');
                }
                self.new_line(indent * self.open.len());
            }
        }
    }

    fn close(&mut self, bracket: char) {
        let had_items = self.open.pop().expect("closing an open container");
        if let (Some(indent), true) = (self.indent, had_items) {
            self.new_line(indent * self.open.len());
        }
        self.out.push(bracket);
    }

    fn new_line(&mut self, spaces: usize) {
        self.out.push('\n');
        self.out.extend(std::iter::repeat_n(' ', spaces));
    }
}

/// Python's `json.dumps` string escaping with `ensure_ascii=True`.
pub(crate) fn write_ascii_string(out: &mut String, value: &str) {
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            ' '..='~' => out.push(c),
            // Everything else, DEL included, as \uXXXX; beyond the BMP as a surrogate pair.
            c => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    let _ = write!(out, "\\u{unit:04x}");
                }
            }
        }
    }
    out.push('"');
}

/// Python's `repr(float)`: the shortest digits that round-trip, in fixed notation when the
/// decimal exponent is in -4..16, else in exponent notation with a signed two-digit exponent.
pub(crate) fn python_float_repr(value: f64) -> String {
    if value.is_nan() {
        return "NaN".to_owned();
    }
    if value.is_infinite() {
        return if value > 0.0 { "Infinity" } else { "-Infinity" }.to_owned();
    }
    let sign = if value.is_sign_negative() { "-" } else { "" };
    let (digits, decpt) = shortest_digits(value.abs());
    let mut out = String::from(sign);
    if (-3..=16).contains(&decpt) {
        if decpt <= 0 {
            out.push_str("0.");
            out.extend(std::iter::repeat_n('0', decpt.unsigned_abs() as usize));
            out.push_str(&digits);
        } else {
            let point = decpt as usize;
            if digits.len() <= point {
                out.push_str(&digits);
                out.extend(std::iter::repeat_n('0', point - digits.len()));
                out.push_str(".0");
            } else {
                out.push_str(&digits[..point]);
                out.push('.');
                out.push_str(&digits[point..]);
            }
        }
    } else {
        out.push_str(&digits[..1]);
        if digits.len() > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        let exponent = decpt - 1;
        let _ = write!(
            out,
            "e{}{:02}",
            if exponent < 0 { '-' } else { '+' },
            exponent.unsigned_abs()
        );
    }
    out
}

/// The shortest decimal digits that read back as `value` (no leading or trailing zeros) and
/// Python's `decpt`: the value is 0.DIGITS × 10^decpt.
///
/// ryu rounds ties to even as Python's repr does (Rust's own `{:e}` rounds them up, so
/// -1283533448649648.25 would print as ...648.3 where Python prints ...648.2).
fn shortest_digits(value: f64) -> (String, i32) {
    let mut buffer = ryu::Buffer::new();
    let text = buffer.format_finite(value);
    let (mantissa, exponent) = match text.split_once('e') {
        Some((m, e)) => (m, e.parse::<i32>().expect("ryu writes an integer exponent")),
        None => (text, 0),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let mut decpt = i32::try_from(whole.len()).expect("a short mantissa") + exponent;
    let all: String = whole.chars().chain(fraction.chars()).collect();
    let without_leading = all.trim_start_matches('0');
    decpt -= i32::try_from(all.len() - without_leading.len()).expect("a short mantissa");
    let digits = without_leading.trim_end_matches('0');
    if digits.is_empty() {
        ("0".to_owned(), 1)
    } else {
        (digits.to_owned(), decpt)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn float_repr_matches_python() {
        let cases = [
            (0.1, "0.1"),
            (1.0, "1.0"),
            (-0.0, "-0.0"),
            (0.0, "0.0"),
            (1e-7, "1e-07"),
            (1e16, "1e+16"),
            (1e15, "1000000000000000.0"),
            (123456789012345680.0, "1.2345678901234568e+17"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (1.5e300, "1.5e+300"),
            (5e-324, "5e-324"),
            (0.30000000000000004, "0.30000000000000004"),
            (f64::from(0.1f32), "0.10000000149011612"),
            (-2.5, "-2.5"),
            (12345.678, "12345.678"),
            (f64::NAN, "NaN"),
            (-1283533448649648.2, "-1283533448649648.2"),
            (1e17, "1e+17"),
            (123.0, "123.0"),
            (f64::NEG_INFINITY, "-Infinity"),
        ];
        for (value, expected) in cases {
            assert_eq!(python_float_repr(value), expected, "repr of {value:?}");
        }
    }

    #[test]
    fn indent_matches_python() {
        let value = serde_json::json!({"a": [1, 2.0, {"b": []}], "c": {}, "d": "é"});
        let mut w = PyJsonWriter::indented(2);
        w.value(&value);
        assert_eq!(
            w.finish(),
            "{\n  \"a\": [\n    1,\n    2.0,\n    {\n      \"b\": []\n    }\n  ],\n  \"c\": {},\n  \"d\": \"\\u00e9\"\n}"
        );
        let mut w = PyJsonWriter::default();
        w.value(&value);
        assert_eq!(
            w.finish(),
            r#"{"a": [1, 2.0, {"b": []}], "c": {}, "d": "\u00e9"}"#
        );
    }

    #[test]
    fn strings_are_escaped_as_ensure_ascii() {
        let mut out = String::new();
        write_ascii_string(&mut out, "a\"b\\c\n\u{1}\u{7f}é日😀");
        assert_eq!(out, r#""a\"b\\c\n\u0001\u007f\u00e9\u65e5\ud83d\ude00""#);
    }
}
