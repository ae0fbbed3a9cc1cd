//! A message built at compile time in a fixed buffer: what every check of this module returns,
//! empty when all is well.

use crate::derived::TypeDescription;

pub(super) const CAPACITY: usize = 1024;

/// The most bytes a message quotes of one column name, of a type name and of a file path.
/// With these caps every message fits in [`CAPACITY`] with room to spare, so what is wrong and
/// the column it is wrong with are never cut off by a long name earlier in the message.
pub(super) const NAME_CAP: usize = 200;
pub(super) const TYPE_NAME_CAP: usize = 120;
pub(super) const PATH_CAP: usize = 200;

/// A message built at compile time in a fixed buffer (`const fn`s cannot allocate).
#[derive(Clone, Copy, Debug)]
pub struct Message {
    bytes: [u8; CAPACITY],
    /// How much of `bytes` is written; the walks save it to cut back what they tried.
    pub(super) len: usize,
}

impl Message {
    pub(super) const fn new() -> Message {
        Message {
            bytes: [0; CAPACITY],
            len: 0,
        }
    }

    /// Whether there is nothing to report.
    pub const fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The text.
    pub const fn as_str(&self) -> &str {
        match core::str::from_utf8(self.bytes.split_at(self.len).0) {
            Ok(text) => text,
            Err(_) => "(message truncated)",
        }
    }

    pub(super) const fn push(&mut self, text: &str) {
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            if self.len == CAPACITY {
                // Cut back to a character boundary so the text stays UTF-8.
                while self.len > 0 && (self.bytes[self.len - 1] & 0xC0) == 0x80 {
                    self.len -= 1;
                }
                if self.len > 0 && self.bytes[self.len - 1] >= 0xC0 {
                    self.len -= 1;
                }
                return;
            }
            self.bytes[self.len] = bytes[i];
            self.len += 1;
            i += 1;
        }
    }

    /// `text`, or its first `cap` bytes (cut at a character boundary) and `…`.
    pub(super) const fn push_capped(&mut self, text: &str, cap: usize) {
        let bytes = text.as_bytes();
        if bytes.len() <= cap {
            self.push(text);
            return;
        }
        let mut end = cap;
        // A byte `10xxxxxx` continues a character: cut before the character it belongs to.
        while end > 0 && (bytes[end] & 0xC0) == 0x80 {
            end -= 1;
        }
        match core::str::from_utf8(bytes.split_at(end).0) {
            Ok(head) => self.push(head),
            Err(_) => unreachable!(),
        }
        self.push("…");
    }

    pub(super) const fn push_usize(&mut self, mut n: usize) {
        let mut digits = [0u8; 20];
        let mut count = 0;
        loop {
            digits[count] = b'0' + (n % 10) as u8;
            count += 1;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        while count > 0 {
            count -= 1;
            let digit = [digits[count]];
            match core::str::from_utf8(&digit) {
                Ok(text) => self.push(text),
                Err(_) => unreachable!(),
            }
        }
    }

    pub(super) const fn push_i64(&mut self, n: i64) {
        if n < 0 {
            self.push("-");
        }
        self.push_usize(n.unsigned_abs() as usize);
    }

    pub(super) const fn push_shape(&mut self, shape: &[i64]) {
        self.push("[");
        let mut i = 0;
        while i < shape.len() {
            if i > 0 {
                self.push(", ");
            }
            self.push_i64(shape[i]);
            i += 1;
        }
        self.push("]");
    }

    /// `` `name` ``, or `#3` for the third positional entry.
    pub(super) const fn push_entry_name(&mut self, name: Option<&str>, index: usize) {
        match name {
            Some(name) => {
                self.push("`");
                self.push_capped(name, NAME_CAP);
                self.push("`");
            }
            None => {
                self.push("#");
                self.push_usize(index + 1);
            }
        }
    }

    /// `` `TypeName` ``.
    pub(super) const fn push_type_name(&mut self, type_name: &str) {
        self.push("`");
        self.push_capped(type_name, TYPE_NAME_CAP);
        self.push("`");
    }

    pub(super) const fn push_type(&mut self, ty: &TypeDescription) {
        match ty {
            TypeDescription::Data(t) => self.push(t.name()),
            TypeDescription::Array(items) => {
                self.push("array<");
                self.push_type(items);
                self.push(">");
            }
            TypeDescription::Map(values) => {
                self.push("map<");
                self.push_type(values);
                self.push(">");
            }
            TypeDescription::Object(_) => self.push("object"),
            TypeDescription::Any => self.push("any"),
            TypeDescription::SparkMLVector => self.push("sparkml_vector"),
        }
    }
}
