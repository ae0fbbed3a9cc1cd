//! A reader of Parquet's Thrift compact protocol for the walks that run before the `parquet`
//! crate sees a file (`pages`: every page header; `footer`: the file's metadata).
//!
//! It reads as parquet 59 and 60 do (`ThriftCompactInputProtocol`), with one difference that
//! is the point of it: the elements of every list, set and map are counted, and a value that
//! declares more than the bytes it may still take is refused. In the compact protocol every
//! element takes at least one byte, booleans included, so no well-formed value declares more;
//! the crate, though, skips a boolean element in no bytes at all, one step at a time, so a
//! list header of six bytes declaring two billion booleans costs it about a second of CPU.

use std::fs::File;
use std::io::{BufReader, Read};

/// Nesting the crate allows while skipping a value (`DEFAULT_SKIP_DEPTH`).
pub(super) const SKIP_DEPTH: u32 = 64;

/// Compact-protocol wire types (thrift-compact-protocol.md).
pub(super) mod wire {
    pub(in super::super) const BOOL_TRUE: u8 = 1;
    pub(in super::super) const BOOL_FALSE: u8 = 2;
    pub(in super::super) const BYTE: u8 = 3;
    pub(in super::super) const I16: u8 = 4;
    pub(in super::super) const I32: u8 = 5;
    pub(in super::super) const I64: u8 = 6;
    pub(in super::super) const DOUBLE: u8 = 7;
    pub(in super::super) const BINARY: u8 = 8;
    pub(in super::super) const LIST: u8 = 9;
    pub(in super::super) const SET: u8 = 10;
    pub(in super::super) const MAP: u8 = 11;
    pub(in super::super) const STRUCT: u8 = 12;
    pub(in super::super) const UUID: u8 = 13;

    /// The wire type's name in parquet.thrift's words, for messages.
    pub(in super::super) fn name(wire_type: u8) -> &'static str {
        match wire_type {
            BOOL_TRUE | BOOL_FALSE => "bool",
            BYTE => "byte",
            I16 => "i16",
            I32 => "i32",
            I64 => "i64",
            DOUBLE => "double",
            BINARY => "binary",
            LIST => "list",
            SET => "set",
            MAP => "map",
            STRUCT => "struct",
            UUID => "uuid",
            _ => "unknown",
        }
    }
}

/// Where the bytes come from: a page header is read from the file, the footer from memory.
pub(super) trait Input {
    fn next_byte(&mut self) -> std::io::Result<u8>;
    /// Moves `count` bytes on (the caller has made sure they exist).
    fn skip_ahead(&mut self, count: u64) -> std::io::Result<()>;
}

impl Input for BufReader<File> {
    fn next_byte(&mut self) -> std::io::Result<u8> {
        let mut byte = [0u8];
        self.read_exact(&mut byte)?;
        Ok(byte[0])
    }

    fn skip_ahead(&mut self, count: u64) -> std::io::Result<()> {
        // Relative, so the buffer is kept when the jump is short.
        self.seek_relative(i64::try_from(count).unwrap_or(i64::MAX))
    }
}

/// Bytes in memory, read from the front.
impl Input for &[u8] {
    fn next_byte(&mut self) -> std::io::Result<u8> {
        let (&first, rest) = self
            .split_first()
            .ok_or(std::io::ErrorKind::UnexpectedEof)?;
        *self = rest;
        Ok(first)
    }

    fn skip_ahead(&mut self, count: u64) -> std::io::Result<()> {
        let count = usize::try_from(count).unwrap_or(usize::MAX);
        *self = self.get(count..).ok_or(std::io::ErrorKind::UnexpectedEof)?;
        Ok(())
    }
}

pub(super) enum ThriftError {
    Io(std::io::Error),
    Malformed(String),
}

pub(super) type Result<T, E = ThriftError> = std::result::Result<T, E>;

pub(super) fn malformed<T>(why: impl Into<String>) -> Result<T> {
    Err(ThriftError::Malformed(why.into()))
}

/// A compact-protocol reader over one value (a page header, a footer), counting what it reads
/// and the collection elements it meets.
pub(super) struct CompactReader<'a, I: Input> {
    pub(super) input: &'a mut I,
    /// Bytes read so far.
    pub(super) read: u64,
    /// Bytes from the value's start to the end of the input (parquet reads a page header
    /// from the file, not from its column chunk, and checks the length afterwards).
    pub(super) available: u64,
    /// Collection elements the value may still declare.
    pub(super) elements_left: u64,
    /// What `elements_left` counted the bytes of, for messages ("the column chunk").
    pub(super) room: &'static str,
}

impl<I: Input> CompactReader<'_, I> {
    pub(super) fn byte(&mut self) -> Result<u8> {
        if self.read >= self.available {
            return malformed("the file ends inside it");
        }
        let byte = self.input.next_byte().map_err(ThriftError::Io)?;
        self.read += 1;
        Ok(byte)
    }

    pub(super) fn skip_bytes(&mut self, count: u64) -> Result<()> {
        if count > self.available - self.read {
            return malformed("the file ends inside it");
        }
        self.input.skip_ahead(count).map_err(ThriftError::Io)?;
        self.read += count;
        Ok(())
    }

    /// An unsigned LEB128 varint, as parquet reads it (bits past 64 dropped).
    pub(super) fn varint(&mut self) -> Result<u64> {
        let mut value = 0u64;
        let mut shift = 0u32;
        loop {
            let byte = self.byte()?;
            value |= u64::from(byte & 0x7f).wrapping_shl(shift);
            if byte & 0x80 == 0 {
                return Ok(value);
            }
            shift = shift.saturating_add(7);
        }
    }

    pub(super) fn zigzag(&mut self) -> Result<i64> {
        let value = self.varint()?;
        Ok((value >> 1) as i64 ^ -((value & 1) as i64))
    }

    /// An `i32` field, whatever wire type the field header claims (parquet reads known fields
    /// by number alone).
    pub(super) fn i32(&mut self) -> Result<i32> {
        Ok(self.zigzag()? as i32)
    }

    /// A binary (or string) value: its length, then its bytes, skipped.
    pub(super) fn binary(&mut self) -> Result<()> {
        let len = self.varint()?;
        self.skip_bytes(len)
    }

    /// Counts `count` declared elements, refusing more than the value has bytes for.
    pub(super) fn declare(&mut self, count: u64) -> Result<()> {
        match self.elements_left.checked_sub(count) {
            Some(left) => {
                self.elements_left = left;
                Ok(())
            }
            None => malformed(format!(
                "it declares more collection elements than {} has bytes ({count} more)",
                self.room
            )),
        }
    }

    /// A field header: `None` at the struct's end, else its wire type and number.
    pub(super) fn field(&mut self, last_id: i16) -> Result<Option<(u8, i16)>> {
        let byte = self.byte()?;
        let field_type = byte & 0x0f;
        if field_type == 0 {
            return Ok(None);
        }
        if field_type > wire::UUID {
            return malformed(format!("unknown field type {field_type}"));
        }
        let delta = (byte & 0xf0) >> 4;
        let id = if delta != 0 {
            match last_id.checked_add(i16::from(delta)) {
                Some(id) => id,
                None => return malformed("a field number overflows"),
            }
        } else {
            self.zigzag()? as i16
        };
        Ok(Some((field_type, id)))
    }

    /// Reads the fields of a struct: `known` reads the fields it knows by number and returns
    /// `false` for the others, which are skipped by their wire type.
    pub(super) fn fields(
        &mut self,
        mut known: impl FnMut(&mut Self, u8, i16) -> Result<bool>,
    ) -> Result<()> {
        let mut last_id = 0;
        while let Some((field_type, id)) = self.field(last_id)? {
            if !known(self, field_type, id)? {
                self.skip(field_type, SKIP_DEPTH)?;
            }
            last_id = id;
        }
        Ok(())
    }

    /// A boolean field: its value is its wire type, nothing follows.
    pub(super) fn boolean(&mut self, field_type: u8) -> Result<()> {
        if field_type == wire::BOOL_TRUE || field_type == wire::BOOL_FALSE {
            Ok(())
        } else {
            malformed(format!("a boolean field of wire type {field_type}"))
        }
    }

    /// A list or set header: its element type (as a field type) and declared size, counted.
    /// An empty list may be written as one zero byte, whatever its element type.
    pub(super) fn list_header(&mut self) -> Result<(u8, u64)> {
        let header = self.byte()?;
        if header == 0 {
            return Ok((0, 0));
        }
        let element_type = self.element_type(header & 0x0f)?;
        let count = match header >> 4 {
            15 => match i32::try_from(self.varint()?) {
                Ok(count) => count,
                Err(_) => return malformed("a list size past 2^31"),
            },
            count => i32::from(count),
        };
        let count = u64::try_from(count).unwrap_or(0);
        self.declare(count)?;
        Ok((element_type, count))
    }

    /// Skips a value of `field_type` as parquet does (a boolean takes no byte, even as a list
    /// element), counting the elements of every collection.
    pub(super) fn skip(&mut self, field_type: u8, depth: u32) -> Result<()> {
        if depth == 0 {
            return malformed("it nests too deep");
        }
        match field_type {
            wire::BOOL_TRUE | wire::BOOL_FALSE => Ok(()),
            wire::BYTE => self.byte().map(drop),
            wire::I16 | wire::I32 | wire::I64 => self.varint().map(drop),
            wire::DOUBLE => self.skip_bytes(8),
            wire::BINARY => self.binary(),
            wire::UUID => self.skip_bytes(16),
            wire::STRUCT => {
                while let Some((field_type, _)) = self.field(0)? {
                    self.skip(field_type, depth - 1)?;
                }
                Ok(())
            }
            wire::LIST | wire::SET => {
                let (element_type, count) = self.list_header()?;
                for _ in 0..count {
                    self.skip(element_type, depth - 1)?;
                }
                Ok(())
            }
            wire::MAP => {
                let Ok(count) = i32::try_from(self.varint()?) else {
                    return malformed("a map size past 2^31");
                };
                let count = u64::try_from(count).unwrap_or(0);
                if count > 0 {
                    let types = self.byte()?;
                    let key_type = self.element_type(types >> 4)?;
                    let value_type = self.element_type(types & 0x0f)?;
                    self.declare(count.saturating_mul(2))?;
                    for _ in 0..count {
                        self.skip(key_type, depth - 1)?;
                        self.skip(value_type, depth - 1)?;
                    }
                }
                Ok(())
            }
            other => malformed(format!("cannot skip a field of wire type {other}")),
        }
    }

    /// A collection's element type, as a field type (a boolean is 1 or 2 on the wire).
    fn element_type(&self, element: u8) -> Result<u8> {
        match element {
            1 | 2 => Ok(wire::BOOL_TRUE),
            3..=13 => Ok(element),
            other => malformed(format!("unknown element type {other}")),
        }
    }
}
