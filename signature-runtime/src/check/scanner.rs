//! A byte-level JSON tokenizer over `&[u8]` that validates as it goes: RFC 8259 grammar,
//! UTF-8 and escapes in strings, number syntax. It builds nothing; callers pull one token at a
//! time and decide what to check.
//!
//! Nesting is the caller's business except in [`Scanner::skip_value`], which walks any value
//! without recursion (an explicit bracket stack, bounded by the depth limit), so a body nested
//! 10,000 levels deep costs a clean error, not the stack.

use std::ops::Range;

/// Why the bytes are not JSON. The checker turns it into a `malformed_json` problem and stops.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SyntaxError {
    /// The input ended inside a value.
    UnexpectedEnd,
    /// A byte that cannot start or continue what the grammar allows here.
    Expected(&'static str),
    /// Invalid UTF-8 inside a string.
    InvalidUtf8,
    /// A raw control character (U+0000 to U+001F) inside a string.
    ControlCharacter,
    /// `\q`, a short `\u` escape, or a lone UTF-16 surrogate.
    InvalidEscape,
    /// `NaN`, `Infinity` or `-Infinity`: Python writes them, JSON has no such tokens.
    NonFiniteToken,
    /// Nesting deeper than the limit.
    TooDeep,
}

impl SyntaxError {
    pub(crate) fn describe(self) -> &'static str {
        match self {
            SyntaxError::UnexpectedEnd => "the input ends in the middle of a value",
            SyntaxError::Expected(what) => what,
            SyntaxError::InvalidUtf8 => "invalid UTF-8 in a string",
            SyntaxError::ControlCharacter => {
                "a raw control character in a string (JSON needs it escaped)"
            }
            SyntaxError::InvalidEscape => "an invalid escape sequence in a string",
            SyntaxError::NonFiniteToken => "`NaN` or `Infinity`, which are not JSON",
            SyntaxError::TooDeep => "JSON nested too deeply",
        }
    }
}

/// A string token: the bytes between the quotes, still escaped.
#[derive(Clone, Copy, Debug)]
pub(crate) struct StrToken {
    /// Where the contents are in the input (without the quotes).
    pub(crate) span: (usize, usize),
    /// Whether the contents hold a backslash escape.
    pub(crate) escaped: bool,
}

impl StrToken {
    pub(crate) fn range(self) -> Range<usize> {
        self.span.0..self.span.1
    }
}

/// A number token, classified as serde_json classifies it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct NumToken {
    pub(crate) span: (usize, usize),
    /// A leading `-`.
    pub(crate) negative: bool,
    /// No fraction and no exponent.
    pub(crate) integral: bool,
    /// The integer part's value, when it fits a u64.
    pub(crate) magnitude: Option<u64>,
    /// Digits in the integer part (leading zero excluded only for `0` itself).
    pub(crate) int_digits: usize,
    /// Whether an exponent was written.
    pub(crate) has_exponent: bool,
}

impl NumToken {
    /// The integer value as serde_json reads it: `None` when serde_json would read a float
    /// (a fraction, an exponent, `-0`, or beyond the i64/u64 range).
    pub(crate) fn as_integer(&self) -> Option<IntValue> {
        if !self.integral {
            return None;
        }
        IntValue::read_as_serde_json(self.negative, self.magnitude?)
    }
}

/// An integer literal: a magnitude and a sign (negative ones are never zero).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum IntValue {
    Positive(u64),
    Negative(u64),
}

impl IntValue {
    /// The integer an integral literal of this sign and magnitude is, as serde_json reads it:
    /// `None` when serde_json reads a float (`-0`, or below i64::MIN).
    #[inline(always)]
    pub(crate) fn read_as_serde_json(negative: bool, magnitude: u64) -> Option<IntValue> {
        if !negative {
            return Some(IntValue::Positive(magnitude));
        }
        if magnitude == 0 || magnitude > i64::MIN.unsigned_abs() {
            return None;
        }
        Some(IntValue::Negative(magnitude))
    }

    pub(crate) fn fits_i64(self) -> bool {
        match self {
            IntValue::Positive(m) => m <= i64::MAX as u64,
            IntValue::Negative(m) => m <= i64::MIN.unsigned_abs(),
        }
    }

    pub(crate) fn fits(self, min: i64, max: u64) -> bool {
        match self {
            IntValue::Positive(m) => m <= max,
            IntValue::Negative(m) => m <= min.unsigned_abs() && min < 0,
        }
    }

    /// Whether a float with `mantissa_bits` significant bits holds this integer exactly.
    pub(crate) fn exact_in_float(self, mantissa_bits: u32) -> bool {
        let m = match self {
            IntValue::Positive(m) | IntValue::Negative(m) => m,
        };
        if m == 0 {
            return true;
        }
        let significant = 64 - m.leading_zeros() - m.trailing_zeros();
        significant <= mantissa_bits
    }
}

/// Bytes that end a plain run inside a string: the quote, the backslash and raw control
/// characters. Everything else (UTF-8 included) is validated a run at a time.
static STRING_STOP: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = true;
        b += 1;
    }
    table[b'"' as usize] = true;
    table[b'\\' as usize] = true;
    table
};

/// The index of the first byte at or after `i` that is not JSON whitespace.
#[inline(always)]
pub(crate) fn skip_whitespace(bytes: &[u8], mut i: usize) -> usize {
    while let Some(&b) = bytes.get(i) {
        if matches!(b, b' ' | b'\n' | b'\r' | b'\t') {
            i += 1;
        } else {
            break;
        }
    }
    i
}

/// The run of decimal digits at `i`: where it ends and its value, computed without overflow
/// checks (at most 19 digits always fit a `u64`; a longer run's value has wrapped).
#[inline(always)]
pub(crate) fn digit_run(bytes: &[u8], mut i: usize) -> (usize, u64) {
    let mut value: u64 = 0;
    while let Some(&d) = bytes.get(i) {
        let digit = d.wrapping_sub(b'0');
        if digit > 9 {
            break;
        }
        value = value.wrapping_mul(10).wrapping_add(u64::from(digit));
        i += 1;
    }
    (i, value)
}

/// The index of the first byte at or after `i` that is not an ASCII digit. Eight bytes at a
/// time: fractions are most of a float's digits.
#[inline(always)]
pub(crate) fn skip_digits(bytes: &[u8], mut i: usize) -> usize {
    while let Some(chunk) = bytes.get(i..i + 8) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let word = u64::from_le_bytes(word);
        // A byte below `0` borrows into its high bit, one above `9` (and ASCII) carries into
        // it, a non-ASCII one has it set; borrows and carries only mark bytes after the first.
        let non_digits = (word.wrapping_sub(ONES * u64::from(b'0'))
            | word.wrapping_add(ONES * u64::from(0x7F - b'9'))
            | word)
            & HIGH_BITS;
        if non_digits != 0 {
            return i + (non_digits.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while bytes.get(i).is_some_and(u8::is_ascii_digit) {
        i += 1;
    }
    i
}

/// Where the string starting at `i` (on its opening quote) ends, after its closing quote, if
/// it holds plain ASCII text only: the common string, read without a call. `None` for any
/// other string (escapes, non-ASCII text, control characters, no end), which
/// [`Scanner::string`] reads.
#[inline(always)]
pub(crate) fn plain_string_end(bytes: &[u8], i: usize) -> Option<usize> {
    let end = skip_plain_ascii(bytes, i + 1);
    (bytes.get(end) == Some(&b'"')).then_some(end + 1)
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH_BITS: u64 = 0x8080_8080_8080_8080;

/// The high bit of each byte of `word` that is zero. `v - ONES & !v` marks zero bytes; borrows
/// can only mark bytes after the first zero, and only the first mark is used.
#[inline(always)]
fn zero_bytes(word: u64) -> u64 {
    word.wrapping_sub(ONES) & !word
}

/// The high bit of each byte of `word` equal to `byte` (exact up to the first such byte).
#[inline(always)]
fn bytes_equal(word: u64, byte: u8) -> u64 {
    zero_bytes(word ^ (ONES * u64::from(byte)))
}

/// The index of the first byte at or after `i` that `stop` says ends the run, or the input's
/// length; eight bytes at a time, `marks` giving a word's stops as high bits (exact up to the
/// first).
#[inline(always)]
fn skip_until(
    bytes: &[u8],
    mut i: usize,
    marks: impl Fn(u64) -> u64,
    stop: impl Fn(u8) -> bool,
) -> usize {
    while let Some(chunk) = bytes.get(i..i + 8) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let stops = marks(u64::from_le_bytes(word)) & HIGH_BITS;
        if stops != 0 {
            return i + (stops.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while bytes.get(i).is_some_and(|&b| !stop(b)) {
        i += 1;
    }
    i
}

/// The index of the first byte at or after `i` that is not plain ASCII text inside a string
/// (a quote, a backslash, a control character or a non-ASCII byte), or the input's length.
/// Eight bytes at a time: strings are most of a body's bytes.
#[inline(always)]
fn skip_plain_ascii(bytes: &[u8], i: usize) -> usize {
    skip_until(
        bytes,
        i,
        // Bytes below 0x20 borrow into their high bit; non-ASCII bytes have it set.
        |word| {
            bytes_equal(word, b'"')
                | bytes_equal(word, b'\\')
                | word.wrapping_sub(ONES * 0x20)
                | word
        },
        |b| STRING_STOP[usize::from(b)] || !b.is_ascii(),
    )
}

/// The 16 bytes of the input at `at` as two little-endian words (the first byte lowest), if
/// it has them: one load, whatever the length of the key in it.
#[inline(always)]
fn window(bytes: &[u8], at: usize) -> Option<[u64; 2]> {
    let chunk: &[u8; 16] = bytes.get(at..at.checked_add(16)?)?.try_into().ok()?;
    let (low, high) = chunk.split_at(8);
    let word = |half: &[u8]| u64::from_le_bytes(half.try_into().unwrap_or_default());
    Some([word(low), word(high)])
}

/// The index of the first byte a window's marks (high bits, per word) mark, 16 when none is:
/// two `tzcnt`s and a select, no branch.
#[inline(always)]
fn first_marked([low, high]: [u64; 2]) -> usize {
    let in_low = low.trailing_zeros();
    let from_high = 64 + high.trailing_zeros();
    (if low != 0 { in_low } else { from_high } / 8) as usize
}

/// The low `len` bytes of a window's two words (`len` at most 16), the rest zeroed: a name's
/// words from the bytes that hold it and what follows.
#[inline(always)]
pub(crate) fn window_prefix([low, high]: [u64; 2], len: usize) -> [u64; 2] {
    // `checked_shr` gives 0 for a shift of 64, which keeps nothing.
    let keep = |n: usize| {
        u64::MAX
            .checked_shr((64 - 8 * n.min(8)) as u32)
            .unwrap_or(0)
    };
    [low & keep(len), high & keep(len.saturating_sub(8))]
}

/// The text of the string at `i` (on its opening quote) up to the next quote, when that quote
/// is among the 16 bytes after the opening one: its length (at most 15) and its bytes as two
/// words, zero past its end. `None` when `i` is not on a quote or the window has no quote (a
/// longer string, or fewer than 16 bytes left in the input), and the caller reads the string
/// with [`plain_string_end`].
///
/// Only for matching against names with no quote, backslash or control character in them
/// (the records' keys): a text that equals such a name holds none either, so the quote found
/// closes the string, and a text that equals none is refused by the caller anyway. Why not
/// [`plain_string_end`]: its loop and its slice for the name cost more than the key's
/// lookup, and a record whose keys come in a fresh order pays them at every key (measured:
/// 4–8% of such a record's check, BENCHMARKS.md).
#[inline(always)]
pub(crate) fn short_key(bytes: &[u8], i: usize) -> Option<(usize, [u64; 2])> {
    if bytes.get(i) != Some(&b'"') {
        return None;
    }
    let text = window(bytes, i.checked_add(1)?)?;
    let len = first_marked(text.map(|word| bytes_equal(word, b'"') & HIGH_BITS));
    (len < 16).then(|| (len, window_prefix(text, len)))
}

/// The tokenizer: a position in the input.
#[derive(Debug)]
pub(crate) struct Scanner<'a> {
    bytes: &'a [u8],
    pos: usize,
    /// The bracket stack of [`Scanner::skip_value`] (`true` for an object), kept to reuse
    /// its allocation.
    skip_stack: Vec<bool>,
}

impl<'a> Scanner<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        Scanner {
            bytes,
            pos: 0,
            skip_stack: Vec::new(),
        }
    }

    pub(crate) fn bytes(&self) -> &'a [u8] {
        self.bytes
    }

    pub(crate) fn pos(&self) -> usize {
        self.pos
    }

    pub(crate) fn seek(&mut self, pos: usize) {
        self.pos = pos;
    }

    /// The byte at the cursor after whitespace, without consuming it.
    #[inline]
    pub(crate) fn peek(&mut self) -> Option<u8> {
        self.skip_ws();
        self.bytes.get(self.pos).copied()
    }

    #[inline]
    pub(crate) fn skip_ws(&mut self) {
        self.pos = skip_whitespace(self.bytes, self.pos);
    }

    /// Consumes `byte` (after whitespace) if it is next.
    #[inline]
    pub(crate) fn eat(&mut self, byte: u8) -> bool {
        if self.peek() == Some(byte) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// Consumes `byte` (after whitespace), or fails saying `expected`.
    #[inline]
    pub(crate) fn expect(&mut self, byte: u8, expected: &'static str) -> Result<(), SyntaxError> {
        match self.peek() {
            Some(b) if b == byte => {
                self.pos += 1;
                Ok(())
            }
            Some(_) => Err(SyntaxError::Expected(expected)),
            None => Err(SyntaxError::UnexpectedEnd),
        }
    }

    /// After an element of an array: `true` if another follows (`,` consumed), `false` at the
    /// end (`]` consumed).
    #[inline]
    pub(crate) fn array_next(&mut self) -> Result<bool, SyntaxError> {
        match self.peek() {
            Some(b',') => {
                self.pos += 1;
                Ok(true)
            }
            Some(b']') => {
                self.pos += 1;
                Ok(false)
            }
            Some(_) => Err(SyntaxError::Expected(
                "expected `,` or `]` after an array element",
            )),
            None => Err(SyntaxError::UnexpectedEnd),
        }
    }

    /// After `[`: `true` if the array has a first element, `false` if it is empty (`]` eaten).
    #[inline]
    pub(crate) fn array_first(&mut self) -> bool {
        !self.eat(b']')
    }

    /// After `{` or a member: the next key (its `:` consumed), or `None` at `}` (consumed).
    /// `first` says whether this is right after `{`.
    #[inline]
    pub(crate) fn object_key(&mut self, first: bool) -> Result<Option<StrToken>, SyntaxError> {
        if !first {
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(None);
                }
                Some(_) => {
                    return Err(SyntaxError::Expected(
                        "expected `,` or `}` after an object member",
                    ));
                }
                None => return Err(SyntaxError::UnexpectedEnd),
            }
        }
        match self.peek() {
            Some(b'"') => {}
            Some(b'}') if first => {
                self.pos += 1;
                return Ok(None);
            }
            Some(_) => return Err(SyntaxError::Expected("expected a string key")),
            None => return Err(SyntaxError::UnexpectedEnd),
        }
        let key = self.string()?;
        self.expect(b':', "expected `:` after an object key")?;
        Ok(Some(key))
    }

    /// If the next key is exactly `name` (written without escapes), consumes it and its `:`.
    /// Lets a record's keys be matched with one comparison when they come in the usual order.
    #[inline]
    pub(crate) fn eat_plain_key(&mut self, name: &[u8]) -> bool {
        let start = self.pos + 1;
        let end = start + name.len();
        if self.bytes.get(self.pos) == Some(&b'"')
            && self.bytes.get(start..end) == Some(name)
            && self.bytes.get(end) == Some(&b'"')
        {
            self.pos = end + 1;
            if self.bytes.get(self.pos) == Some(&b':') {
                self.pos += 1;
                return true;
            }
            self.skip_ws();
            if self.bytes.get(self.pos) == Some(&b':') {
                self.pos += 1;
                return true;
            }
            // Not a key after all: let the general path report it.
            self.pos = start - 1;
        }
        false
    }

    /// Consumes a string (the cursor on its opening quote), validating UTF-8 and escapes.
    #[inline]
    pub(crate) fn string(&mut self) -> Result<StrToken, SyntaxError> {
        debug_assert_eq!(self.bytes.get(self.pos), Some(&b'"'));
        let bytes = self.bytes;
        let start = self.pos + 1;
        let mut i = start;
        // Where the current run of unescaped text began: an invalid UTF-8 error points there.
        let mut run_start = start;
        let mut escaped = false;
        loop {
            i = skip_plain_ascii(bytes, i);
            match bytes.get(i) {
                Some(b'"') => {
                    self.pos = i + 1;
                    return Ok(StrToken {
                        span: (start, i),
                        escaped,
                    });
                }
                Some(b'\\') => {
                    escaped = true;
                    i = self.escape(i)?;
                    run_start = i;
                }
                Some(&b) if b < 0x20 => {
                    self.pos = i;
                    return Err(SyntaxError::ControlCharacter);
                }
                Some(_) => {
                    // Non-ASCII: the rest of the run, up to the next quote, backslash or
                    // control character, must be UTF-8.
                    let rest = &bytes[i..];
                    let run = rest
                        .iter()
                        .position(|&b| STRING_STOP[usize::from(b)])
                        .ok_or(SyntaxError::UnexpectedEnd)?;
                    if std::str::from_utf8(&rest[..run]).is_err() {
                        self.pos = run_start;
                        return Err(SyntaxError::InvalidUtf8);
                    }
                    i += run;
                }
                None => return Err(SyntaxError::UnexpectedEnd),
            }
        }
    }

    /// Validates the escape at `at` (a backslash); returns the index after it.
    fn escape(&mut self, at: usize) -> Result<usize, SyntaxError> {
        let fail = |scanner: &mut Self, e| {
            scanner.pos = at;
            Err(e)
        };
        match self.bytes.get(at + 1) {
            Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => Ok(at + 2),
            Some(b'u') => {
                let Some(unit) = hex4(self.bytes, at + 2) else {
                    return fail(self, SyntaxError::InvalidEscape);
                };
                match unit {
                    0xD800..=0xDBFF => {
                        // A high surrogate must be followed by an escaped low one.
                        let low = (self.bytes.get(at + 6..at + 8) == Some(b"\\u"))
                            .then(|| hex4(self.bytes, at + 8))
                            .flatten();
                        match low {
                            Some(0xDC00..=0xDFFF) => Ok(at + 12),
                            _ => fail(self, SyntaxError::InvalidEscape),
                        }
                    }
                    0xDC00..=0xDFFF => fail(self, SyntaxError::InvalidEscape),
                    _ => Ok(at + 6),
                }
            }
            Some(_) => fail(self, SyntaxError::InvalidEscape),
            None => fail(self, SyntaxError::UnexpectedEnd),
        }
    }

    /// Consumes a number (the cursor on `-` or a digit).
    #[inline(always)]
    pub(crate) fn number(&mut self) -> Result<NumToken, SyntaxError> {
        let bytes = self.bytes;
        let start = self.pos;
        let mut i = start;
        let negative = bytes.get(i) == Some(&b'-');
        if negative {
            i += 1;
        }
        let int_start = i;
        let (end, mut value) = digit_run(bytes, i);
        i = end;
        match i - int_start {
            0 => {
                return match bytes.get(i) {
                    Some(b'I') if negative => self.non_finite(start),
                    Some(_) => {
                        self.pos = i;
                        Err(SyntaxError::Expected("expected a digit"))
                    }
                    None => Err(SyntaxError::UnexpectedEnd),
                };
            }
            // A leading zero ends the integer part (`01` is `0` then a stray `1`).
            digits if digits > 1 && bytes[int_start] == b'0' => {
                i = int_start + 1;
                value = 0;
            }
            _ => {}
        }
        let magnitude = match i - int_start {
            0..=19 => Some(value),
            20 => bytes[int_start..i].iter().try_fold(0u64, |v, d| {
                v.checked_mul(10)?.checked_add(u64::from(d - b'0'))
            }),
            _ => None,
        };
        let int_digits = i - int_start;
        let mut integral = true;
        if bytes.get(i) == Some(&b'.') {
            integral = false;
            i += 1;
            i = self.digits(i)?;
        }
        let mut has_exponent = false;
        if matches!(bytes.get(i), Some(b'e' | b'E')) {
            integral = false;
            has_exponent = true;
            i += 1;
            if matches!(bytes.get(i), Some(b'+' | b'-')) {
                i += 1;
            }
            i = self.digits(i)?;
        }
        self.pos = i;
        Ok(NumToken {
            span: (start, i),
            negative,
            integral,
            magnitude,
            int_digits,
            has_exponent,
        })
    }

    /// One or more digits at `i`; returns the index after them.
    fn digits(&mut self, first: usize) -> Result<usize, SyntaxError> {
        let i = skip_digits(self.bytes, first);
        if i == first {
            self.pos = i;
            return Err(match self.bytes.get(i) {
                None => SyntaxError::UnexpectedEnd,
                Some(_) => SyntaxError::Expected("expected a digit"),
            });
        }
        Ok(i)
    }

    fn non_finite(&mut self, at: usize) -> Result<NumToken, SyntaxError> {
        self.pos = at;
        Err(SyntaxError::NonFiniteToken)
    }

    /// Consumes `true`, `false` or `null` (the cursor on its first byte).
    #[inline]
    pub(crate) fn literal(&mut self) -> Result<Literal, SyntaxError> {
        let rest = self.bytes.get(self.pos..).unwrap_or_default();
        let (literal, len) = if rest.starts_with(b"true") {
            (Literal::True, 4)
        } else if rest.starts_with(b"false") {
            (Literal::False, 5)
        } else if rest.starts_with(b"null") {
            (Literal::Null, 4)
        } else if rest.starts_with(b"NaN") || rest.starts_with(b"Infinity") {
            return Err(SyntaxError::NonFiniteToken);
        } else if b"true".starts_with(rest)
            || b"false".starts_with(rest)
            || b"null".starts_with(rest)
        {
            return Err(SyntaxError::UnexpectedEnd);
        } else {
            return Err(SyntaxError::Expected("expected a JSON value"));
        };
        self.pos += len;
        Ok(literal)
    }

    /// Consumes any one value, validating it, without recursion. `depth` is the nesting depth
    /// the value starts at; the walk fails once it would exceed `max_depth`.
    pub(crate) fn skip_value(&mut self, depth: usize, max_depth: usize) -> Result<(), SyntaxError> {
        let mut stack = std::mem::take(&mut self.skip_stack);
        stack.clear();
        let result = self.skip_with(&mut stack, depth, max_depth);
        self.skip_stack = stack;
        result
    }

    fn skip_with(
        &mut self,
        stack: &mut Vec<bool>,
        depth: usize,
        max_depth: usize,
    ) -> Result<(), SyntaxError> {
        loop {
            // A value.
            match self.peek() {
                Some(b'{') => {
                    if depth + stack.len() >= max_depth {
                        return Err(SyntaxError::TooDeep);
                    }
                    self.pos += 1;
                    if self.object_key(true)?.is_some() {
                        stack.push(true);
                        continue;
                    }
                }
                Some(b'[') => {
                    if depth + stack.len() >= max_depth {
                        return Err(SyntaxError::TooDeep);
                    }
                    self.pos += 1;
                    if self.array_first() {
                        stack.push(false);
                        continue;
                    }
                }
                Some(b'"') => {
                    self.string()?;
                }
                Some(b'-' | b'0'..=b'9') => {
                    self.number()?;
                }
                Some(_) => {
                    self.literal()?;
                }
                None => return Err(SyntaxError::UnexpectedEnd),
            }
            // After a value: close containers until one has another member.
            loop {
                match stack.last() {
                    None => return Ok(()),
                    Some(true) => {
                        if self.object_key(false)?.is_some() {
                            break;
                        }
                    }
                    Some(false) => {
                        if self.array_next()? {
                            break;
                        }
                    }
                }
                stack.pop();
            }
        }
    }
}

/// `true`, `false` or `null`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Literal {
    True,
    False,
    Null,
}

fn hex4(bytes: &[u8], at: usize) -> Option<u32> {
    let digits = bytes.get(at..at + 4)?;
    let mut value = 0;
    for &d in digits {
        value = value * 16 + char::from(d).to_digit(16)?;
    }
    Some(value)
}

/// The contents of a string token, unescaped. The token was validated by the scanner, so
/// every escape is well formed.
pub(crate) fn unescape(raw: &[u8]) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let plain_end = raw[i..]
            .iter()
            .position(|&b| b == b'\\')
            .map_or(raw.len(), |p| i + p);
        out.push_str(&String::from_utf8_lossy(&raw[i..plain_end]));
        i = plain_end;
        if i >= raw.len() {
            break;
        }
        let (c, len) = match raw.get(i + 1) {
            Some(b'b') => ('\u{8}', 2),
            Some(b'f') => ('\u{c}', 2),
            Some(b'n') => ('\n', 2),
            Some(b'r') => ('\r', 2),
            Some(b't') => ('\t', 2),
            Some(b'u') => {
                let high = hex4(raw, i + 2).unwrap_or(0xFFFD);
                if (0xD800..=0xDBFF).contains(&high) {
                    let low = hex4(raw, i + 8).unwrap_or(0xDC00);
                    let code = 0x10000 + ((high - 0xD800) << 10) + (low.wrapping_sub(0xDC00));
                    (char::from_u32(code).unwrap_or('\u{FFFD}'), 12)
                } else {
                    (char::from_u32(high).unwrap_or('\u{FFFD}'), 6)
                }
            }
            Some(&other) => (char::from(other), 2),
            None => break,
        };
        out.push(c);
        i += len;
    }
    out
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// What [`short_key`] must give, byte by byte: the text up to the first quote after the
    /// opening one when that quote is among the next 16 bytes and the input holds those 16.
    fn short_key_by_bytes(bytes: &[u8], i: usize) -> Option<(usize, [u64; 2])> {
        if bytes.get(i) != Some(&b'"') || bytes.len() < i + 17 {
            return None;
        }
        let len = bytes[i + 1..i + 17].iter().position(|&b| b == b'"')?;
        let mut text = [0u8; 16];
        text[..len].copy_from_slice(&bytes[i + 1..i + 1 + len]);
        let (low, high) = text.split_at(8);
        Some((
            len,
            [
                u64::from_le_bytes(low.try_into().unwrap()),
                u64::from_le_bytes(high.try_into().unwrap()),
            ],
        ))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]

        /// Keys of every length around the window's 16 bytes, with quotes, escapes, control
        /// and non-ASCII bytes in them, anywhere in the input up to its very end.
        #[test]
        fn a_short_key_is_what_the_bytes_say(
            before in "[a-z \\\"]{0,3}",
            key in prop::collection::vec(
                prop_oneof![
                    8 => prop::sample::select(&b"abcxyz_019"[..]),
                    1 => prop::sample::select(&b"\"\\\n\x01 "[..]),
                    1 => prop::sample::select(&[0xC3u8, 0xA9, 0xFF][..]),
                ],
                0..20,
            ),
            after in prop_oneof![Just(""), Just("\""), Just("\": 1"), Just("\":1, \"next_key\": 2}")],
        ) {
            let mut body = before.into_bytes();
            let i = body.len();
            body.push(b'"');
            body.extend_from_slice(&key);
            body.extend_from_slice(after.as_bytes());
            let expected = short_key_by_bytes(&body, i);
            prop_assert_eq!(short_key(&body, i), expected, "{:?}", String::from_utf8_lossy(&body));
            // Where a plain string's end is known from the scalar reader, the window agrees.
            if let (Some(end), Some((len, _))) = (plain_string_end(&body, i), expected) {
                prop_assert_eq!(end, i + len + 2);
            }
            // From the byte before (a quote or not), and from the key's own bytes.
            for at in i.saturating_sub(1)..body.len() {
                prop_assert_eq!(short_key(&body, at), short_key_by_bytes(&body, at), "at {}", at);
            }
        }
    }

    #[test]
    fn a_short_key_ends_within_the_window_or_is_left_to_the_scalar_reader() {
        for len in [0, 1, 7, 8, 9, 15, 16, 17] {
            let key = "k".repeat(len);
            // Followed by enough input for the window, and ending the input.
            let long = format!("\"{key}\": 1, \"a_next_key\": 2}}");
            let short = format!("\"{key}\"");
            let found = short_key(long.as_bytes(), 0);
            if len <= 15 {
                let (got, words) = found.expect("a key within the window");
                assert_eq!(got, len);
                assert_eq!(
                    words,
                    window_prefix(window(long.as_bytes(), 1).unwrap(), len)
                );
            } else {
                assert_eq!(found, None, "{len}: its quote is past the window");
            }
            // Fewer than 16 bytes after the opening quote: no window, whatever the key.
            if short.len() < 17 {
                assert_eq!(short_key(short.as_bytes(), 0), None, "{short}");
            }
        }
        // An escaped quote is a quote to the window: the caller matches names, which have
        // none of these, so such a key matches nothing.
        assert_eq!(
            short_key(b"\"a\\\"b\": 1, \"xxxxxxxxxx\": 2}", 0).map(|(len, _)| len),
            Some(2)
        );
        assert_eq!(short_key(b"x\"abc\": 1, \"xxxxxxxxxxx\": 2}", 0), None);
    }

    fn skip(text: &str) -> Result<usize, SyntaxError> {
        let mut s = Scanner::new(text.as_bytes());
        s.skip_value(0, 128)?;
        Ok(s.pos())
    }

    #[test]
    fn skips_every_kind_of_value() {
        for text in [
            "1",
            "-0.5e+10",
            "\"a\\u00e9\\ud83d\\ude00\"",
            "[]",
            "{}",
            "[1, [2, {\"a\": [true, false, null]}], {}]",
            "{\"a\": {\"b\": []}, \"c\": \"d\"}",
        ] {
            assert_eq!(skip(text), Ok(text.len()), "{text}");
        }
    }

    #[test]
    fn rejects_what_json_rejects() {
        for (text, error) in [
            ("[1,]", SyntaxError::Expected("expected a JSON value")),
            (
                "[1 2]",
                SyntaxError::Expected("expected `,` or `]` after an array element"),
            ),
            (
                "{\"a\" 1}",
                SyntaxError::Expected("expected `:` after an object key"),
            ),
            ("{1: 2}", SyntaxError::Expected("expected a string key")),
            (
                "01",
                SyntaxError::Expected("expected `,` or `]` after an array element"),
            ),
            ("1.", SyntaxError::UnexpectedEnd),
            ("-", SyntaxError::UnexpectedEnd),
            ("NaN", SyntaxError::NonFiniteToken),
            ("-Infinity", SyntaxError::NonFiniteToken),
            ("\"a\u{1}\"", SyntaxError::ControlCharacter),
            ("\"\\x\"", SyntaxError::InvalidEscape),
            ("\"\\ud800\"", SyntaxError::InvalidEscape),
            ("\"\\udc00\"", SyntaxError::InvalidEscape),
            ("\"abc", SyntaxError::UnexpectedEnd),
            ("tru", SyntaxError::UnexpectedEnd),
            ("[", SyntaxError::UnexpectedEnd),
        ] {
            // `01` parses as `0` then stops; wrap in an array to see the error.
            let wrapped = if text == "01" { "[01]" } else { text };
            assert_eq!(skip(wrapped).err(), Some(error), "{text}");
        }
        let mut s = Scanner::new(b"\"\xff\"");
        assert_eq!(s.string().err(), Some(SyntaxError::InvalidUtf8));
    }

    #[test]
    fn depth_is_bounded_without_recursion() {
        let deep = "[".repeat(100_000);
        assert_eq!(skip(&deep), Err(SyntaxError::TooDeep));
        let ok = format!("{}{}", "[".repeat(128), "]".repeat(128));
        assert_eq!(skip(&ok), Ok(256));
        let over = format!("{}{}", "[".repeat(129), "]".repeat(129));
        assert_eq!(skip(&over), Err(SyntaxError::TooDeep));
    }

    #[test]
    fn numbers_are_classified_as_serde_json_does() {
        let int = |text: &str| Scanner::new(text.as_bytes()).number().unwrap().as_integer();
        assert_eq!(int("42"), Some(IntValue::Positive(42)));
        assert_eq!(int("-42"), Some(IntValue::Negative(42)));
        assert_eq!(int("-0"), None);
        assert_eq!(int("1.0"), None);
        assert_eq!(int("1e2"), None);
        assert_eq!(
            int("18446744073709551615"),
            Some(IntValue::Positive(u64::MAX))
        );
        assert_eq!(int("18446744073709551616"), None);
        assert_eq!(
            int("-9223372036854775808"),
            Some(IntValue::Negative(1 << 63))
        );
        assert_eq!(int("-9223372036854775809"), None);
    }

    #[test]
    fn strings_are_validated_wherever_a_byte_falls_in_an_eight_byte_chunk() {
        for n in 0..20 {
            let plain = "a".repeat(n);
            let string = |text: &[u8]| {
                let mut s = Scanner::new(text);
                let result = s.string();
                (result.map(|t| (t.span, t.escaped)), s.pos())
            };
            let text = format!("\"{plain}\" tail");
            assert_eq!(string(text.as_bytes()), (Ok(((1, n + 1), false)), n + 2));
            let text = format!("\"{plain}é\\n{plain}\"");
            let end = text.len() - 1;
            assert_eq!(string(text.as_bytes()), (Ok(((1, end), true)), end + 1));
            let text = format!("\"{plain}\u{1}\"");
            assert_eq!(
                string(text.as_bytes()),
                (Err(SyntaxError::ControlCharacter), n + 1)
            );
            // Invalid UTF-8 is reported where its run of text begins.
            let mut text = format!("\"\\t{plain}").into_bytes();
            text.extend_from_slice(b"\xff\"");
            assert_eq!(string(&text), (Err(SyntaxError::InvalidUtf8), 3));
            let text = format!("\"{plain}");
            assert_eq!(string(text.as_bytes()).0, Err(SyntaxError::UnexpectedEnd));
        }
    }

    #[test]
    fn digit_runs_end_at_the_first_other_byte_wherever_it_falls() {
        for n in 0..20 {
            for stop in [b'.', b'/', b':', b',', b' ', b'e', 0x80, 0xFF, b'\0'] {
                let mut text = "1234567890".repeat(2).into_bytes();
                text.truncate(n);
                text.push(stop);
                text.extend_from_slice(b"12345678");
                assert_eq!(skip_digits(&text, 0), n, "{n} {stop}");
            }
            assert_eq!(skip_digits(&b"9".repeat(n), 0), n);
        }
    }

    #[test]
    fn unescapes() {
        assert_eq!(unescape(br"a\/b\n\u00e9\ud83d\ude00"), "a/b\né😀");
        assert_eq!(unescape(b"plain"), "plain");
    }
}
