//! YAML written byte for byte as PyYAML's `yaml.safe_dump(data, default_flow_style=False)`
//! writes it, which is how MLflow writes MLmodel files: keys sorted, two-space indents,
//! sequences in mappings not indented, strings plain when PyYAML would read them back as
//! strings and quoted otherwise, long quoted strings folded at column 80.
//!
//! The emitter follows PyYAML's own state machine (its column, `whitespace` and `indention`
//! flags and its folding rules) for the data MLmodel files hold: mappings, sequences, strings,
//! numbers, booleans and nulls.

use std::fmt::Write as _;

use serde_json::{Map as JsonMap, Value};

use crate::mlflow::pyjson::python_float_repr;
use signature_runtime_yaml::resolve::resolves_to_str;

/// PyYAML's `best_width`: quoted and plain scalars fold at a space past this column.
const BEST_WIDTH: usize = 80;
/// PyYAML's `best_indent`.
const BEST_INDENT: usize = 2;
/// Longer keys would need YAML's explicit `? key` form, which MLmodel files never use.
const MAX_SIMPLE_KEY_CHARS: usize = 128;

/// `yaml.safe_dump(mapping, default_flow_style=False)`.
pub(crate) fn safe_dump(document: &JsonMap<String, Value>) -> String {
    // PyYAML writes an empty mapping in flow style, at the top level too; a block mapping of
    // no keys would be an empty file, which reads back as null.
    if document.is_empty() {
        return "{}\n".to_owned();
    }
    let mut emitter = Emitter {
        out: String::new(),
        column: 0,
        whitespace: true,
        indention: true,
        indent: 0,
    };
    emitter.block_mapping(document, 0);
    emitter.write_indent();
    emitter.out
}

struct Emitter {
    out: String,
    column: usize,
    /// The last thing written was whitespace (or nothing): an indicator needs no space.
    whitespace: bool,
    /// Only indentation has been written on this line so far.
    indention: bool,
    /// The indent a line break returns to.
    indent: usize,
}

/// Where a node sits, which decides how sequences indent.
#[derive(Clone, Copy, PartialEq)]
enum Context {
    MappingValue,
    SequenceItem,
}

impl Emitter {
    fn write(&mut self, text: &str) {
        self.column += text.chars().count();
        self.out.push_str(text);
    }

    fn write_line_break(&mut self) {
        self.whitespace = true;
        self.indention = true;
        self.column = 0;
        self.out.push('\n');
    }

    fn write_indent(&mut self) {
        if !self.indention
            || self.column > self.indent
            || (self.column == self.indent && !self.whitespace)
        {
            self.write_line_break();
        }
        if self.column < self.indent {
            self.whitespace = true;
            let pad = " ".repeat(self.indent - self.column);
            self.write(&pad);
        }
    }

    fn write_indicator(
        &mut self,
        indicator: &str,
        need_whitespace: bool,
        whitespace: bool,
        indention: bool,
    ) {
        if !self.whitespace && need_whitespace {
            self.write(" ");
        }
        self.write(indicator);
        self.whitespace = whitespace;
        self.indention = self.indention && indention;
    }

    fn node(&mut self, value: &Value, context: Context) {
        match value {
            Value::Object(map) if !map.is_empty() => {
                let indent = self.indent + BEST_INDENT;
                self.block_mapping(map, indent);
            }
            Value::Array(items) if !items.is_empty() => {
                // A sequence directly under a key is written at the key's indent.
                let indentless = context == Context::MappingValue && !self.indention;
                let indent = if indentless {
                    self.indent
                } else {
                    self.indent + BEST_INDENT
                };
                self.block_sequence(items, indent);
            }
            Value::Object(_) => self.write_indicator("{}", true, false, false),
            Value::Array(_) => self.write_indicator("[]", true, false, false),
            Value::String(text) => self.string(text, false),
            Value::Null => self.plain("null", false),
            Value::Bool(b) => self.plain(if *b { "true" } else { "false" }, false),
            Value::Number(n) => {
                let text = match n.as_f64().filter(|_| n.is_f64()) {
                    Some(f) => yaml_float(f),
                    None => n.to_string(),
                };
                self.plain(&text, false);
            }
        }
    }

    fn block_mapping(&mut self, map: &JsonMap<String, Value>, indent: usize) {
        let outer = std::mem::replace(&mut self.indent, indent);
        let mut entries: Vec<(&String, &Value)> = map.iter().collect();
        // PyYAML sorts keys (Python string order is code-point order, as Rust's).
        entries.sort_by(|a, b| a.0.cmp(b.0));
        for (key, value) in entries {
            self.write_indent();
            self.string(key, true);
            self.write_indicator(":", false, false, false);
            self.node(value, Context::MappingValue);
        }
        self.indent = outer;
    }

    fn block_sequence(&mut self, items: &[Value], indent: usize) {
        let outer = std::mem::replace(&mut self.indent, indent);
        for item in items {
            self.write_indent();
            self.write_indicator("-", true, false, true);
            self.node(item, Context::SequenceItem);
        }
        self.indent = outer;
    }

    /// A scalar PyYAML writes plain because it reads back as what it is (a number, `null`).
    fn plain(&mut self, text: &str, simple_key: bool) {
        self.with_scalar_indent(|e| e.write_plain(text, !simple_key));
    }

    /// A string, in the style PyYAML's `choose_scalar_style` picks.
    fn string(&mut self, text: &str, simple_key: bool) {
        debug_assert!(text.chars().count() < MAX_SIMPLE_KEY_CHARS || !simple_key);
        let analysis = analyze(text);
        let split = !simple_key;
        let plain_ok = resolves_to_str(text)
            && !(simple_key && (analysis.empty || analysis.multiline))
            && analysis.allow_block_plain;
        self.with_scalar_indent(|e| {
            if plain_ok {
                e.write_plain(text, split);
            } else if analysis.allow_single_quoted && !(simple_key && analysis.multiline) {
                e.write_single_quoted(text, split);
            } else {
                e.write_double_quoted(text, split);
            }
        });
    }

    /// PyYAML indents a scalar's continuation lines one step deeper than its block.
    fn with_scalar_indent(&mut self, write: impl FnOnce(&mut Self)) {
        self.indent += BEST_INDENT;
        write(self);
        self.indent -= BEST_INDENT;
    }

    fn write_plain(&mut self, text: &str, split: bool) {
        if text.is_empty() {
            return;
        }
        if !self.whitespace {
            self.write(" ");
        }
        self.whitespace = false;
        self.indention = false;
        let chars: Vec<char> = text.chars().collect();
        let (mut spaces, mut start) = (false, 0);
        for end in 0..=chars.len() {
            let ch = chars.get(end).copied();
            if spaces {
                if ch != Some(' ') {
                    if start + 1 == end && self.column > BEST_WIDTH && split {
                        self.write_indent();
                        self.whitespace = false;
                        self.indention = false;
                    } else {
                        self.write(&collect(&chars[start..end]));
                    }
                    start = end;
                }
            } else if ch.is_none() || ch == Some(' ') {
                self.write(&collect(&chars[start..end]));
                start = end;
            }
            spaces = ch == Some(' ');
        }
    }

    fn write_single_quoted(&mut self, text: &str, split: bool) {
        self.write_indicator("'", true, false, false);
        let chars: Vec<char> = text.chars().collect();
        let (mut spaces, mut breaks, mut start) = (false, false, 0);
        for end in 0..=chars.len() {
            let ch = chars.get(end).copied();
            if spaces {
                if ch != Some(' ') {
                    if start + 1 == end
                        && self.column > BEST_WIDTH
                        && split
                        && start != 0
                        && end != chars.len()
                    {
                        self.write_indent();
                    } else {
                        self.write(&collect(&chars[start..end]));
                    }
                    start = end;
                }
            } else if breaks {
                if !ch.is_some_and(is_line_break) {
                    if chars[start] == '\n' {
                        self.write_line_break();
                    }
                    for br in &chars[start..end] {
                        if *br == '\n' {
                            self.write_line_break();
                        } else {
                            self.out.push(*br);
                            self.whitespace = true;
                            self.indention = true;
                            self.column = 0;
                        }
                    }
                    self.write_indent();
                    start = end;
                }
            } else if ch.is_none_or(|c| c == ' ' || c == '\'' || is_line_break(c)) && start < end {
                self.write(&collect(&chars[start..end]));
                start = end;
            }
            if ch == Some('\'') {
                self.write("''");
                start = end + 1;
            }
            if let Some(c) = ch {
                spaces = c == ' ';
                breaks = is_line_break(c);
            }
        }
        self.write_indicator("'", false, false, false);
    }

    fn write_double_quoted(&mut self, text: &str, split: bool) {
        self.write_indicator("\"", true, false, false);
        let chars: Vec<char> = text.chars().collect();
        let mut start = 0;
        for end in 0..=chars.len() {
            let ch = chars.get(end).copied();
            let escaped = match ch {
                None => true,
                Some(c) => {
                    matches!(
                        c,
                        '"' | '\\' | '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{feff}'
                    ) || !(' '..='~').contains(&c)
                }
            };
            if escaped {
                if start < end {
                    self.write(&collect(&chars[start..end]));
                    start = end;
                }
                if let Some(c) = ch {
                    let escape = double_quote_escape(c);
                    self.write(&escape);
                    start = end + 1;
                }
            }
            if 0 < end
                && end + 1 < chars.len()
                && (ch == Some(' ') || start >= end)
                // Right after an escape `start` is past `end`: PyYAML's column test then
                // counts one character less.
                && self.column as isize + (end as isize - start as isize) > BEST_WIDTH as isize
                && split
            {
                let mut data = collect(&chars[start.min(end)..end]);
                data.push('\\');
                if start < end {
                    start = end;
                }
                self.write(&data);
                self.write_indent();
                self.whitespace = false;
                self.indention = false;
                if chars[start] == ' ' {
                    self.write("\\");
                }
            }
        }
        self.write_indicator("\"", false, false, false);
    }
}

fn collect(chars: &[char]) -> String {
    chars.iter().collect()
}

fn is_line_break(c: char) -> bool {
    matches!(c, '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

fn double_quote_escape(c: char) -> String {
    let short = match c {
        '\0' => Some('0'),
        '\u{7}' => Some('a'),
        '\u{8}' => Some('b'),
        '\t' => Some('t'),
        '\n' => Some('n'),
        '\u{b}' => Some('v'),
        '\u{c}' => Some('f'),
        '\r' => Some('r'),
        '\u{1b}' => Some('e'),
        '"' => Some('"'),
        '\\' => Some('\\'),
        '\u{85}' => Some('N'),
        '\u{a0}' => Some('_'),
        '\u{2028}' => Some('L'),
        '\u{2029}' => Some('P'),
        _ => None,
    };
    let mut out = String::from("\\");
    match short {
        Some(s) => out.push(s),
        None if u32::from(c) <= 0xff => {
            let _ = write!(out, "x{:02X}", u32::from(c));
        }
        None if u32::from(c) <= 0xffff => {
            let _ = write!(out, "u{:04X}", u32::from(c));
        }
        None => {
            let _ = write!(out, "U{:08X}", u32::from(c));
        }
    }
    out
}

/// PyYAML's float representer: `repr(f).lower()`, with `.0` added before a bare exponent.
fn yaml_float(value: f64) -> String {
    if value.is_nan() {
        return ".nan".to_owned();
    }
    if value.is_infinite() {
        return if value > 0.0 { ".inf" } else { "-.inf" }.to_owned();
    }
    let text = python_float_repr(value).to_lowercase();
    if !text.contains('.') && text.contains('e') {
        text.replacen('e', ".0e", 1)
    } else {
        text
    }
}

/// What PyYAML's `analyze_scalar` finds out about a string (with `allow_unicode=False`).
struct Analysis {
    empty: bool,
    multiline: bool,
    allow_block_plain: bool,
    allow_single_quoted: bool,
}

fn analyze(text: &str) -> Analysis {
    if text.is_empty() {
        return Analysis {
            empty: true,
            multiline: false,
            allow_block_plain: true,
            allow_single_quoted: true,
        };
    }
    let chars: Vec<char> = text.chars().collect();
    let is_space_or_break = |c: char| {
        matches!(
            c,
            '\0' | ' ' | '\t' | '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}'
        )
    };
    let mut block_indicators = text.starts_with("---") || text.starts_with("...");
    let mut line_breaks = false;
    let mut special_characters = false;
    let (mut leading_space, mut leading_break, mut trailing_space, mut trailing_break) =
        (false, false, false, false);
    let (mut break_space, mut space_break) = (false, false);
    let (mut previous_space, mut previous_break) = (false, false);
    let mut preceded_by_whitespace = true;
    for (index, &ch) in chars.iter().enumerate() {
        let followed_by_whitespace = chars.get(index + 1).is_none_or(|&c| is_space_or_break(c));
        if index == 0 {
            if "#,[]{}&*!|>'\"%@`".contains(ch) {
                block_indicators = true;
            }
            if (ch == '?' || ch == ':' || ch == '-') && followed_by_whitespace {
                block_indicators = true;
            }
        } else if (ch == ':' && followed_by_whitespace) || (ch == '#' && preceded_by_whitespace) {
            block_indicators = true;
        }
        if is_line_break(ch) {
            line_breaks = true;
        }
        if !(ch == '\n' || (' '..='~').contains(&ch)) {
            // Without allow_unicode every other character is special: only double quotes
            // can escape it.
            special_characters = true;
        }
        if ch == ' ' {
            leading_space |= index == 0;
            trailing_space |= index == chars.len() - 1;
            break_space |= previous_break;
            previous_space = true;
            previous_break = false;
        } else if is_line_break(ch) {
            leading_break |= index == 0;
            trailing_break |= index == chars.len() - 1;
            space_break |= previous_space;
            previous_space = false;
            previous_break = true;
        } else {
            previous_space = false;
            previous_break = false;
        }
        preceded_by_whitespace = is_space_or_break(ch);
    }
    let mut allow_block_plain =
        !(leading_space || leading_break || trailing_space || trailing_break);
    let mut allow_single_quoted = true;
    if break_space {
        allow_block_plain = false;
        allow_single_quoted = false;
    }
    if space_break || special_characters {
        allow_block_plain = false;
        allow_single_quoted = false;
    }
    if line_breaks || block_indicators {
        allow_block_plain = false;
    }
    Analysis {
        empty: false,
        multiline: line_breaks,
        allow_block_plain,
        allow_single_quoted,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn dump(value: Value) -> String {
        safe_dump(value.as_object().unwrap())
    }

    #[test]
    fn mlmodel_layout() {
        let inputs = r#"[{"type": "double", "name": "mean radius", "required": true}, {"type": "double", "name": "mean texture", "required": true}]"#;
        let text = dump(json!({
            "utc_time_created": "2025-10-07 23:52:48.989140",
            "signature": {"outputs": "[{\"type\": \"long\", \"required\": true}]", "inputs": inputs, "params": null},
            "mlflow_version": "3.4.0",
            "flavors": {"python_function": {"env": {"conda": "conda.yaml"}, "python_version": "3.11.7"}},
            "prompts": null,
            "model_size_bytes": 93773,
            "list": ["a", {"k": 1.0, "j": [1e-7, true]}, []],
            "empty": {},
        }));
        assert_eq!(
            text,
            "empty: {}
flavors:
  python_function:
    env:
      conda: conda.yaml
    python_version: 3.11.7
list:
- a
- j:
  - 1.0e-07
  - true
  k: 1.0
- []
mlflow_version: 3.4.0
model_size_bytes: 93773
prompts: null
signature:
  inputs: '[{\"type\": \"double\", \"name\": \"mean radius\", \"required\": true}, {\"type\":
    \"double\", \"name\": \"mean texture\", \"required\": true}]'
  outputs: '[{\"type\": \"long\", \"required\": true}]'
  params: null
utc_time_created: '2025-10-07 23:52:48.989140'
"
        );
    }

    /// Found by the `mlmodel_yaml` fuzz target: `{}` read as an empty document was written as
    /// an empty file, which reads back as null rather than as the same document.
    #[test]
    fn an_empty_document_is_written_as_pyyaml_writes_it() {
        assert_eq!(dump(json!({})), "{}\n");
        assert_eq!(
            crate::mlflow::MlModel::from_yaml(&dump(json!({})))
                .unwrap()
                .document()
                .len(),
            0
        );
    }
}
