//! YAML read as PyYAML's `yaml.safe_load` reads it, which is how MLflow reads MLmodel files.
//!
//! The events come from granit-parser (the YAML parser under serde-saphyr); the scalars are
//! typed here by YAML 1.1's rules, as PyYAML types them, not by YAML 1.2's: a plain `1e3` or
//! `0o17` stays a string, a plain `0017` is octal, `yes` is true. A quoted scalar is always a
//! string.
//!
//! PyYAML shares an aliased node; a JSON value cannot, so each alias use here is a copy. Every
//! node built, copies included, is counted against [`YamlLimits::expanded_bytes`] *before*
//! it is built, so ten lines of nested aliases are refused after at most that much work,
//! rather than expanding to gigabytes. (Anchored values are also kept once more for later
//! aliases: memory stays within twice the budget.)

use granit_parser::{Event, Parser, ScalarStyle};
use serde_json::{Map as JsonMap, Number, Value};

use crate::resolve::{is_yaml11_bool, is_yaml11_float, is_yaml11_int, is_yaml11_null};
use crate::{LoadError, NODE_COST, YamlBudget, YamlLimits};

/// How much of the document a value stands for once its aliases are expanded.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Size {
    nodes: u64,
    text_bytes: u64,
}

impl Size {
    /// A sequence or mapping itself, its items aside.
    const COLLECTION: Size = Size {
        nodes: 1,
        text_bytes: 0,
    };

    fn scalar(text: &str) -> Size {
        Size {
            nodes: 1,
            text_bytes: text.len() as u64,
        }
    }

    fn plus(self, other: Size) -> Size {
        Size {
            nodes: self.nodes.saturating_add(other.nodes),
            text_bytes: self.text_bytes.saturating_add(other.text_bytes),
        }
    }

    /// The estimate [[`YamlLimits::expanded_bytes`]] is measured in.
    fn bytes(self) -> u64 {
        self.nodes
            .saturating_mul(NODE_COST)
            .saturating_add(self.text_bytes)
    }
}

enum Frame {
    Sequence {
        items: Vec<Value>,
        anchor: usize,
        size: Size,
    },
    Mapping {
        entries: JsonMap<String, Value>,
        key: Option<String>,
        anchor: usize,
        size: Size,
    },
}

/// `yaml.safe_load(text)` for the value types JSON can hold, within `limits`.
pub fn safe_load(text: &str, limits: &YamlLimits) -> Result<Value, LoadError> {
    Loader::new(limits).load(text)
}

/// One document's reading, with what it has built so far (the budgets are checked against
/// it before anything is built, so it never exceeds them).
struct Loader<'a> {
    limits: &'a YamlLimits,
    /// Everything built so far, each alias use counted as the copy it makes.
    built: Size,
    alias_uses: u64,
}

impl<'a> Loader<'a> {
    fn new(limits: &'a YamlLimits) -> Self {
        Loader {
            limits,
            built: Size::default(),
            alias_uses: 0,
        }
    }

    /// Counts `size` as built, unless that would go past the expansion budget.
    fn build(&mut self, size: Size, at: &dyn Fn() -> String) -> Result<(), LoadError> {
        let built = self.built.plus(size);
        if built.bytes() > self.limits.expanded_bytes {
            return Err(LoadError::Budget {
                budget: YamlBudget::ExpandedBytes,
                limit: self.limits.expanded_bytes,
                place: at(),
            });
        }
        self.built = built;
        Ok(())
    }

    fn load(&mut self, text: &str) -> Result<Value, LoadError> {
        let syntax = LoadError::Syntax;
        let mut parser = Parser::new_from_str(text);
        let mut stack: Vec<Frame> = Vec::new();
        // Each anchor with its value and that value's expanded size, so an alias use is
        // counted before it is copied.
        let mut anchors: Vec<(usize, Value, Size)> = Vec::new();
        let mut root: Option<Value> = None;
        let mut documents = 0;
        while let Some(event) = parser.next_event() {
            let (event, span) = event.map_err(|e| syntax(e.to_string()))?;
            let at = || {
                format!(
                    "line {}, column {}",
                    span.start.line(),
                    span.start.col() + 1
                )
            };
            let (value, anchor, size) = match event {
                Event::StreamStart | Event::StreamEnd | Event::DocumentEnd => continue,
                Event::DocumentStart(..) => {
                    documents += 1;
                    if documents > 1 {
                        return Err(syntax(format!(
                            "expected a single document, found another at {}",
                            at()
                        )));
                    }
                    continue;
                }
                Event::SequenceStart(..) | Event::MappingStart(..)
                    if stack.len() >= self.limits.depth =>
                {
                    return Err(LoadError::Budget {
                        budget: YamlBudget::Depth,
                        limit: self.limits.depth as u64,
                        place: at(),
                    });
                }
                Event::SequenceStart(_, anchor, _) => {
                    self.build(Size::COLLECTION, &at)?;
                    stack.push(Frame::Sequence {
                        items: Vec::new(),
                        anchor,
                        size: Size::COLLECTION,
                    });
                    continue;
                }
                Event::MappingStart(_, anchor, _) => {
                    self.build(Size::COLLECTION, &at)?;
                    stack.push(Frame::Mapping {
                        entries: JsonMap::new(),
                        key: None,
                        anchor,
                        size: Size::COLLECTION,
                    });
                    continue;
                }
                Event::SequenceEnd => match stack.pop() {
                    Some(Frame::Sequence {
                        items,
                        anchor,
                        size,
                    }) => (Value::Array(items), anchor, size),
                    _ => return Err(syntax(format!("unbalanced sequence end at {}", at()))),
                },
                Event::MappingEnd => match stack.pop() {
                    Some(Frame::Mapping {
                        entries,
                        anchor,
                        size,
                        ..
                    }) => (Value::Object(entries), anchor, size),
                    _ => return Err(syntax(format!("unbalanced mapping end at {}", at()))),
                },
                Event::Scalar(text, style, anchor, tag) => {
                    let size = Size::scalar(&text);
                    self.build(size, &at)?;
                    let tag = tag.as_deref().map(|t| {
                        t.core_suffix()
                            .map(str::to_owned)
                            .ok_or_else(|| t.original())
                    });
                    let value = match tag {
                        Some(Err(custom)) => {
                            return Err(syntax(format!("unsupported tag `{custom}` at {}", at())));
                        }
                        Some(Ok(core)) => tagged_scalar(&text, &core)
                            .map_err(|e| syntax(format!("{e} at {}", at())))?,
                        None if style == ScalarStyle::Plain => {
                            plain_scalar(&text).map_err(|e| syntax(format!("{e} at {}", at())))?
                        }
                        None => Value::String(text.into_owned()),
                    };
                    (value, anchor, size)
                }
                Event::Alias(id) => {
                    self.alias_uses += 1;
                    if self.alias_uses > self.limits.alias_uses {
                        return Err(LoadError::Budget {
                            budget: YamlBudget::AliasUses,
                            limit: self.limits.alias_uses,
                            place: at(),
                        });
                    }
                    let (value, size) = anchors
                        .iter()
                        .rev()
                        .find(|(anchor, ..)| *anchor == id)
                        .map(|(_, value, size)| (value, *size))
                        .ok_or_else(|| syntax(format!("unknown alias at {}", at())))?;
                    // Counted before the copy is made: the copy is what would blow up.
                    self.build(size, &at)?;
                    (value.clone(), 0, size)
                }
                _ => continue,
            };
            if anchor != 0 {
                anchors.push((anchor, value.clone(), size));
            }
            match stack.last_mut() {
                None => root = Some(value),
                Some(Frame::Sequence {
                    items, size: total, ..
                }) => {
                    *total = total.plus(size);
                    items.push(value);
                }
                Some(Frame::Mapping {
                    entries,
                    key,
                    size: total,
                    ..
                }) => {
                    *total = total.plus(size);
                    match key.take() {
                        None => match value {
                            Value::String(k) => *key = Some(k),
                            other => {
                                return Err(syntax(format!(
                                    "only string keys are supported, found `{other}` at {}",
                                    at()
                                )));
                            }
                        },
                        Some(k) => {
                            entries.insert(k, value);
                        }
                    }
                }
            }
        }
        Ok(root.unwrap_or(Value::Null))
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

    fn load(text: &str) -> Result<Value, LoadError> {
        safe_load(text, &YamlLimits::default())
    }

    fn budget_of(result: Result<Value, LoadError>) -> YamlBudget {
        match result {
            Err(LoadError::Budget { budget, .. }) => budget,
            other => panic!("expected a budget error, got {other:?}"),
        }
    }

    #[test]
    fn scalars_are_typed_as_pyyaml_types_them() {
        let doc = "a: 1e3\nb: 0o17\nc: 017\nd: yes\ne: '1'\nf: 1.5\ng: ~\nh: 0x1F\ni: 1_000\nj: 1:30\nk: 3.11.7\nl: 2023-06-26\nm: \"x\\ty\"\nn: -.5\no: [1, {p: q}]\n";
        assert_eq!(
            load(doc).unwrap(),
            json!({"a": "1e3", "b": "0o17", "c": 15, "d": true, "e": "1", "f": 1.5, "g": null,
                   "h": 31, "i": 1000, "j": 90, "k": "3.11.7", "l": "2023-06-26", "m": "x\ty",
                   "n": "-.5", "o": [1, {"p": "q"}]})
        );
    }

    #[test]
    fn hostile_documents_fail_cleanly() {
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        assert_eq!(budget_of(load(&deep)), YamlBudget::Depth);
        // The parser's own guard, past 255 levels of flow collections.
        assert!(load(&"[".repeat(10_000)).is_err());
        assert!(load("a: .inf\n").is_err());
        assert!(load("a: 1\n---\nb: 2\n").is_err());
        assert!(load("1: a\n").is_err());
        assert!(load("a: !custom x\n").is_err());
        let aliases = "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n";
        assert!(load(aliases).is_ok(), "small alias use is fine");
    }

    /// Ten lines, each alias list repeating the previous anchor nine times, eight levels
    /// deep: copied out in full it is 9^9 scalars, tens of gigabytes. The reader counts each
    /// copy before making it, so what it builds stays within the budget however the bomb is
    /// shaped; no timing is asserted, the count is.
    #[test]
    fn an_alias_bomb_is_refused_within_the_expansion_budget() {
        let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
        for level in 1..=8 {
            let previous = format!("*a{}", level - 1);
            let items = [previous.as_str(); 9].join(", ");
            bomb.push_str(&format!("a{level}: &a{level} [{items}]\n"));
        }
        bomb.push_str("all: *a8\n");
        assert_eq!(bomb.lines().count(), 10);
        let unbounded = Size {
            nodes: 9u64.pow(9),
            text_bytes: 9u64.pow(9),
        };
        assert!(
            unbounded.bytes() > 10 << 30,
            "an unbounded reader needs > 10 GiB"
        );

        let limits = YamlLimits::default();
        let mut loader = Loader::new(&limits);
        let result = loader.load(&bomb);
        match &result {
            Err(
                error @ LoadError::Budget {
                    budget,
                    limit,
                    place,
                },
            ) => {
                assert_eq!(*budget, YamlBudget::ExpandedBytes);
                assert_eq!(*limit, limits.expanded_bytes);
                assert!(place.starts_with("line "), "{error}");
                let message = error.to_string();
                assert!(message.contains("`yaml_expanded_bytes`"), "{message}");
            }
            other => panic!("the bomb was not refused: {other:?}"),
        }
        assert!(loader.built.bytes() <= limits.expanded_bytes);
        assert!(loader.alias_uses <= 72);
    }

    /// The size `text` expands to, as the expansion budget measures it.
    fn expanded_bytes(text: &str) -> u64 {
        let limits = YamlLimits::default();
        let mut loader = Loader::new(&limits);
        loader.load(text).unwrap();
        loader.built.bytes()
    }

    #[test]
    fn each_yaml_budget_holds_at_its_limit_and_refuses_past_it() {
        let with = |change: &dyn Fn(&mut YamlLimits)| {
            let mut limits = YamlLimits::default();
            change(&mut limits);
            limits
        };
        // Depth: three nested collections.
        let deep = "a: {b: [1]}\n";
        assert!(safe_load(deep, &with(&|l| l.depth = 3)).is_ok());
        assert_eq!(
            budget_of(safe_load(deep, &with(&|l| l.depth = 2))),
            YamlBudget::Depth
        );
        // Alias uses: three.
        let aliases = "a: &a [1, 2]\nb: [*a, *a]\nc: *a\n";
        assert!(safe_load(aliases, &with(&|l| l.alias_uses = 3)).is_ok());
        assert_eq!(
            budget_of(safe_load(aliases, &with(&|l| l.alias_uses = 2))),
            YamlBudget::AliasUses
        );
        // Expanded size: exactly what the document expands to.
        let size = expanded_bytes(aliases);
        assert_eq!(
            size,
            Size {
                // The mapping, 3 keys, `a`'s list and its 2 items, copied three times.
                nodes: 1 + 3 + 3 + 1 + 3 * 3,
                // The keys, `a`'s items, and those items copied three times.
                text_bytes: 3 + 2 + 3 * 2,
            }
            .bytes()
        );
        assert_eq!(
            safe_load(aliases, &with(&|l| l.expanded_bytes = size)).unwrap(),
            json!({"a": [1, 2], "b": [[1, 2], [1, 2]], "c": [1, 2]})
        );
        assert_eq!(
            budget_of(safe_load(aliases, &with(&|l| l.expanded_bytes = size - 1))),
            YamlBudget::ExpandedBytes
        );
    }
}
