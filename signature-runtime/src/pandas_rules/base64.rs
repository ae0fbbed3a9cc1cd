//! Base64 as MLflow's Python reads and writes it: the canonical text `base64.encodebytes`
//! writes (what Strict accepts for `binary`, and what the scoring server decodes unchanged), and
//! what `base64.decodebytes` accepts besides (the scoring server's lenient decoding).

/// Standard base64 with padding, as Python's `base64.encodebytes`/`b64encode` write it: line
/// breaks allowed between characters, padding only at the end, no stray bits in the last
/// character (so the text round-trips).
pub(crate) fn is_base64(text: &[u8]) -> bool {
    let mut count = 0usize;
    let mut padding = 0usize;
    let mut last_value = 0u8;
    for &b in text {
        let value = match (b, base64_digit(b)) {
            (_, Some(value)) => value,
            (b'=', None) => {
                padding += 1;
                count += 1;
                continue;
            }
            (b'\n' | b'\r', None) => continue,
            _ => return false,
        };
        if padding != 0 {
            return false;
        }
        last_value = value;
        count += 1;
    }
    if !count.is_multiple_of(4) || padding > 2 {
        return false;
    }
    match padding {
        1 => last_value & 0b11 == 0,
        2 => last_value & 0b1111 == 0,
        _ => true,
    }
}

/// The bytes of standard base64 text, if [`is_base64`] accepts it (line breaks skipped).
pub(crate) fn base64_decode(text: &[u8]) -> Option<Vec<u8>> {
    if !is_base64(text) {
        return None;
    }
    let mut out = Vec::with_capacity(text.len() / 4 * 3);
    let mut buffer = 0u32;
    let mut bits = 0u32;
    for value in text.iter().filter_map(|&b| base64_digit(b)) {
        buffer = (buffer << 6) | u32::from(value);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// The value of one character of the standard base64 alphabet.
fn base64_digit(b: u8) -> Option<u8> {
    match b {
        b'A'..=b'Z' => Some(b - b'A'),
        b'a'..=b'z' => Some(b - b'a' + 26),
        b'0'..=b'9' => Some(b - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    }
}

/// Python's `base64.decodebytes` (binascii's non-strict mode): characters outside the
/// alphabet are dropped; the data must then end on a complete group or be padded.
pub(crate) fn lenient_base64(text: &str) -> bool {
    let mut data = 0usize;
    let mut pads = 0usize;
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'+' | b'/' => {
                if pads > 0 {
                    // Data after padding starts a new quad in binascii only once the
                    // previous one completed; treat it as more data.
                    pads = 0;
                }
                data += 1;
            }
            b'=' => pads += 1,
            _ => {}
        }
    }
    match data % 4 {
        0 => true,
        1 => false,
        2 => pads >= 2,
        _ => pads >= 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_decodes_with_padding_and_line_breaks() {
        assert_eq!(base64_decode(b"aGVsbG8=").as_deref(), Some(&b"hello"[..]));
        assert_eq!(
            base64_decode(b"aGVs\r\nbG8h").as_deref(),
            Some(&b"hello!"[..])
        );
        assert_eq!(base64_decode(b"").as_deref(), Some(&b""[..]));
        assert_eq!(base64_decode(b"a!=="), None);
    }

    #[test]
    fn base64_is_standard_and_canonical() {
        for good in ["", "YQ==", "YWI=", "YWJj", "YWJj\nZGVm", "+/+/"] {
            assert!(is_base64(good.as_bytes()), "{good}");
        }
        for bad in [
            "YQ", "YQ=", "Y===", "YR==", "YWJ=x", "a-_b", "YWJj ", "=YWJ",
        ] {
            assert!(!is_base64(bad.as_bytes()), "{bad}");
        }
    }

    #[test]
    fn python_decodes_leniently() {
        assert!(lenient_base64("!!!!"));
        assert!(lenient_base64("aGVsbG8="));
        assert!(!lenient_base64("aGVsbG8"));
        assert!(!lenient_base64("a"));
    }
}
