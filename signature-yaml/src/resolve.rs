//! PyYAML's implicit resolvers (YAML 1.1): which plain scalars PyYAML reads as booleans,
//! integers, floats, nulls or timestamps rather than strings. The writer quotes strings that
//! would read back as something else; the reader gives plain scalars these types.

/// Whether PyYAML's implicit resolvers read `text`, written plain, as a string; if they read a
/// bool, int, float, null, timestamp, merge or value key instead, the string must be quoted.
pub fn resolves_to_str(text: &str) -> bool {
    !(is_yaml11_bool(text)
        || is_yaml11_null(text)
        || is_yaml11_int(text)
        || is_yaml11_float(text)
        || is_yaml11_timestamp(text)
        || matches!(text, "<<" | "=" | "!" | "&" | "*"))
}

pub fn is_yaml11_bool(text: &str) -> bool {
    matches!(
        text,
        "yes"
            | "Yes"
            | "YES"
            | "no"
            | "No"
            | "NO"
            | "true"
            | "True"
            | "TRUE"
            | "false"
            | "False"
            | "FALSE"
            | "on"
            | "On"
            | "ON"
            | "off"
            | "Off"
            | "OFF"
    )
}

pub fn is_yaml11_null(text: &str) -> bool {
    matches!(text, "" | "~" | "null" | "Null" | "NULL")
}

fn strip_sign(text: &str) -> &str {
    text.strip_prefix(['-', '+']).unwrap_or(text)
}

fn all_in(text: &str, allowed: impl Fn(char) -> bool) -> bool {
    text.chars().all(allowed)
}

/// `[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+`, the sexagesimal tail after the first group.
fn is_sexagesimal_tail(groups: &[&str]) -> bool {
    groups.iter().all(|g| {
        let bytes = g.as_bytes();
        match bytes.len() {
            1 => bytes[0].is_ascii_digit(),
            2 => (b'0'..=b'5').contains(&bytes[0]) && bytes[1].is_ascii_digit(),
            _ => false,
        }
    })
}

pub fn is_yaml11_int(text: &str) -> bool {
    let body = strip_sign(text);
    if let Some(bits) = body.strip_prefix("0b") {
        return !bits.is_empty() && all_in(bits, |c| matches!(c, '0' | '1' | '_'));
    }
    if let Some(hex) = body.strip_prefix("0x") {
        return !hex.is_empty() && all_in(hex, |c| c.is_ascii_hexdigit() || c == '_');
    }
    if body == "0" {
        return true;
    }
    if let Some(octal) = body.strip_prefix('0') {
        return !octal.is_empty() && all_in(octal, |c| matches!(c, '0'..='7' | '_'));
    }
    let groups: Vec<&str> = body.split(':').collect();
    let first = groups[0];
    let decimal = first.starts_with(|c: char| matches!(c, '1'..='9'))
        && all_in(first, |c| c.is_ascii_digit() || c == '_');
    decimal && (groups.len() == 1 || is_sexagesimal_tail(&groups[1..]))
}

pub fn is_yaml11_float(text: &str) -> bool {
    if matches!(text, ".nan" | ".NaN" | ".NAN") {
        return true;
    }
    let body = strip_sign(text);
    if matches!(body, ".inf" | ".Inf" | ".INF") {
        return true;
    }
    let digits_or_underscore = |s: &str| all_in(s, |c| c.is_ascii_digit() || c == '_');
    let exponent_ok = |s: &str| match s.strip_prefix(['e', 'E']) {
        None => s.is_empty(),
        Some(rest) => rest
            .strip_prefix(['-', '+'])
            .is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit())),
    };
    // `[0-9][0-9_]*\.[0-9_]*([eE][-+][0-9]+)?` (sign allowed) or `\.[0-9][0-9_]*(...)?` (no sign).
    if let Some((whole, rest)) = body.split_once('.') {
        let fraction_end = rest.find(['e', 'E']).unwrap_or(rest.len());
        let (fraction, exponent) = rest.split_at(fraction_end);
        let whole_ok =
            whole.starts_with(|c: char| c.is_ascii_digit()) && digits_or_underscore(whole);
        if whole_ok && digits_or_underscore(fraction) && exponent_ok(exponent) {
            return true;
        }
        let unsigned = body.len() == text.len();
        if whole.is_empty()
            && unsigned
            && fraction.starts_with(|c: char| c.is_ascii_digit())
            && digits_or_underscore(fraction)
            && exponent_ok(exponent)
        {
            return true;
        }
        // Sexagesimal: `[0-9][0-9_]*(:[0-5]?[0-9])+\.[0-9_]*`.
        let groups: Vec<&str> = whole.split(':').collect();
        return groups.len() > 1
            && groups[0].starts_with(|c: char| c.is_ascii_digit())
            && digits_or_underscore(groups[0])
            && is_sexagesimal_tail(&groups[1..])
            && digits_or_underscore(rest);
    }
    false
}

pub fn is_yaml11_timestamp(text: &str) -> bool {
    let b = text.as_bytes();
    let digit = |i: usize| b.get(i).is_some_and(u8::is_ascii_digit);
    // `YYYY-MM-DD` exactly.
    if b.len() == 10
        && (0..4).all(digit)
        && b[4] == b'-'
        && digit(5)
        && digit(6)
        && b[7] == b'-'
        && digit(8)
        && digit(9)
    {
        return true;
    }
    // `YYYY-M[M]-D[D]` then `T`, `t` or blanks, then `H[H]:MM:SS[.frac][blanks][Z|±H[H][:MM]]`.
    let mut i = 0;
    let take_digits = |i: &mut usize, min: usize, max: usize| {
        let start = *i;
        while *i < b.len() && *i - start < max && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start >= min
    };
    if !(take_digits(&mut i, 4, 4) && b.get(i) == Some(&b'-')) {
        return false;
    }
    i += 1;
    if !(take_digits(&mut i, 1, 2) && b.get(i) == Some(&b'-')) {
        return false;
    }
    i += 1;
    if !take_digits(&mut i, 1, 2) {
        return false;
    }
    match b.get(i) {
        Some(b'T' | b't') => i += 1,
        Some(b' ' | b'\t') => {
            while matches!(b.get(i), Some(b' ' | b'\t')) {
                i += 1;
            }
        }
        _ => return false,
    }
    if !(take_digits(&mut i, 1, 2) && b.get(i) == Some(&b':')) {
        return false;
    }
    i += 1;
    if !(take_digits(&mut i, 2, 2) && b.get(i) == Some(&b':')) {
        return false;
    }
    i += 1;
    if !take_digits(&mut i, 2, 2) {
        return false;
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        take_digits(&mut i, 0, usize::MAX);
    }
    if i == b.len() {
        return true;
    }
    while matches!(b.get(i), Some(b' ' | b'\t')) {
        i += 1;
    }
    match b.get(i) {
        Some(b'Z') => i + 1 == b.len(),
        Some(b'-' | b'+') => {
            i += 1;
            if !take_digits(&mut i, 1, 2) {
                return false;
            }
            if b.get(i) == Some(&b':') {
                i += 1;
                if !take_digits(&mut i, 2, 2) {
                    return false;
                }
            }
            i == b.len()
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What PyYAML's implicit resolvers make of `text` written plain: the first resolver that
    /// claims it, in PyYAML's order, or `str`.
    fn resolved_kind(text: &str) -> &'static str {
        if is_yaml11_bool(text) {
            "bool"
        } else if is_yaml11_null(text) {
            "null"
        } else if is_yaml11_int(text) {
            "int"
        } else if is_yaml11_float(text) {
            "float"
        } else if is_yaml11_timestamp(text) {
            "timestamp"
        } else if matches!(text, "<<") {
            "merge"
        } else if matches!(text, "=") {
            "value"
        } else {
            "str"
        }
    }

    #[test]
    fn strings_that_read_back_as_other_types_are_quoted() {
        // Each case with the type `yaml.safe_load` gives it when written plain (checked with
        // PyYAML 6: `type(yaml.safe_load(text))`).
        for (text, kind) in [
            ("true", "bool"),
            ("yes", "bool"),
            ("Off", "bool"),
            ("null", "null"),
            ("~", "null"),
            ("", "null"),
            ("12", "int"),
            ("-3", "int"),
            ("0x1F", "int"),
            ("0b101", "int"),
            ("1_000", "int"),
            ("1:30", "int"),
            ("1.5", "float"),
            (".5", "float"),
            ("1.5e+10", "float"),
            (".inf", "float"),
            ("-.Inf", "float"),
            (".nan", "float"),
            ("2023-06-26", "timestamp"),
            ("2023-6-2 1:02:03", "timestamp"),
            ("<<", "merge"),
            ("=", "value"),
        ] {
            assert_eq!(resolved_kind(text), kind, "{text:?}");
            assert!(!resolves_to_str(text), "{text:?} must be quoted");
        }
    }

    #[test]
    fn strings_that_read_back_as_strings_stay_plain() {
        // YAML 1.2 readers type `0o17` as an int and `1e3` as a float; PyYAML's YAML 1.1
        // resolvers do not (its octal is `017`, its floats need a dot), and neither does
        // `1e+3.0`, which has its dot after the exponent.
        for text in [
            "3.11.7",
            "1e3",
            "1e+3.0",
            "abc",
            "0o17",
            "1.2.3",
            "2023-06-26x",
            "m-75b24f",
            "--",
        ] {
            assert_eq!(resolved_kind(text), "str", "{text:?}");
            assert!(resolves_to_str(text), "{text:?}");
        }
    }
}
