//! Finding a schema column or a parameter by its name in constant time, whatever the schema's
//! width and whatever order a body gives its keys in.
//!
//! Why not a scan: a 1,000-column record whose keys are not in the schema's order cost one
//! scan of the schema per key (1,000,000 string comparisons a record). Why not std's
//! `HashMap`: its keyed hash (SipHash) costs more per short key than the rest of a cell's
//! check; the keys here are the schema's own names, fixed when the checker is built, so a
//! multiplicative hash in an open-addressing table is enough. A body's keys cannot change the
//! table: a lookup probes at most the longest run of occupied slots the schema's names made,
//! and the table is at most half full.

/// The entries of a schema (or of a parameter schema), by the bytes of their names.
#[derive(Clone, Debug, Default)]
pub(super) struct NameIndex {
    /// A power of two long, at least twice the number of names (so a probe always ends at a
    /// free slot).
    slots: Box<[Slot]>,
    /// Each distinct name's bytes past its first [`PREFIX`] (most names have none).
    tails: Vec<Box<[u8]>>,
    /// `64 - log2(slots.len())`: the hash's top bits pick the first slot.
    shift: u32,
}

/// How many bytes of a name a slot holds: a name this short is matched by two word
/// comparisons in the slot itself, with no pointer to follow and no `memcmp` call.
const PREFIX: usize = 16;

/// One name: its first [`PREFIX`] bytes (zero-padded) as two words, its length, what it
/// stands for.
#[derive(Clone, Copy, Debug)]
struct Slot {
    prefix: Words,
    /// The name's length; `u32::MAX` for a free slot.
    len: u32,
    /// The index the name stands for, and its tail's place in `tails` (if longer than
    /// [`PREFIX`]).
    target: u32,
    tail: u32,
}

impl Default for Slot {
    fn default() -> Self {
        Slot {
            prefix: Words([0; 2]),
            len: u32::MAX,
            target: 0,
            tail: 0,
        }
    }
}

/// A name's first [`PREFIX`] bytes, little-endian, zero past its end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Words([u64; 2]);

impl Words {
    /// The first [`PREFIX`] bytes of the `len` bytes at `start`: one 16-byte load when the
    /// input has 16 bytes there (a key in a body is followed by its quote and more).
    #[inline(always)]
    pub(super) fn at(bytes: &[u8], start: usize, len: usize) -> Words {
        let mut buf = [0u8; PREFIX];
        match bytes.get(start..start + PREFIX) {
            Some(chunk) => buf.copy_from_slice(chunk),
            None => {
                let n = len.min(PREFIX).min(bytes.len().saturating_sub(start));
                if let Some(chunk) = bytes.get(start..start + n) {
                    buf[..n].copy_from_slice(chunk);
                }
            }
        }
        let (low, high) = buf.split_at(8);
        let word = |half: &[u8]| u64::from_le_bytes(half.try_into().unwrap_or_default());
        // Bytes past the name's end are zeroed: `checked_shr` gives 0 for a shift of 64.
        let keep = |n: usize| {
            u64::MAX
                .checked_shr((64 - 8 * n.min(8)) as u32)
                .unwrap_or(0)
        };
        Words([
            word(low) & keep(len),
            word(high) & keep(len.saturating_sub(8)),
        ])
    }

    pub(super) fn of(name: &[u8]) -> Words {
        Words::at(name, 0, name.len())
    }

    /// Whether the bytes at `start` are `name`, whose words these are: two word comparisons
    /// for a short name.
    #[inline(always)]
    pub(super) fn is_at(self, bytes: &[u8], start: usize, name: &[u8]) -> bool {
        if name.len() <= PREFIX {
            start + name.len() <= bytes.len() && Words::at(bytes, start, name.len()) == self
        } else {
            bytes.get(start..start + name.len()) == Some(name)
        }
    }
}

/// An odd constant with well-mixed bits (2^64 / the golden ratio).
const MIX: u64 = 0x9E37_79B9_7F4A_7C15;

impl NameIndex {
    /// The index of `names`, each with the index it stands for; of a name given twice, the
    /// first is found (as a scan from the start would find it).
    pub(super) fn new<'n>(names: impl IntoIterator<Item = (&'n str, usize)>) -> Self {
        let names: Vec<(&str, usize)> = names.into_iter().collect();
        let len = (names.len() * 2).next_power_of_two().max(2);
        let mut index = NameIndex {
            slots: vec![Slot::default(); len].into_boxed_slice(),
            tails: Vec::new(),
            shift: 64 - len.trailing_zeros(),
        };
        for (name, target) in names {
            let name = name.as_bytes();
            // A schema of 2^32 entries or names of 4 GiB cannot be built in memory anyway.
            let (Ok(name_len), Ok(target)) = (u32::try_from(name.len()), u32::try_from(target))
            else {
                continue;
            };
            if index.find(name, Words::of(name)).is_some() {
                continue;
            }
            let tail = match name.get(PREFIX..) {
                Some(tail) if !tail.is_empty() => {
                    index.tails.push(tail.into());
                    u32::try_from(index.tails.len() - 1).unwrap_or(0)
                }
                _ => 0,
            };
            let mut slot = index.first_slot(name, Words::of(name));
            while index.slots[slot].len != u32::MAX {
                slot = (slot + 1) & (index.slots.len() - 1);
            }
            index.slots[slot] = Slot {
                prefix: Words::of(name),
                len: name_len,
                target,
                tail,
            };
        }
        index
    }

    /// The index the name with these bytes stands for, if it is one of the names.
    #[inline]
    pub(super) fn get(&self, name: &[u8]) -> Option<usize> {
        self.find(name, Words::of(name))
    }

    /// [`NameIndex::get`] for the name at `start..end` of `bytes`, read with one load when it
    /// is short.
    #[inline(always)]
    pub(super) fn get_in(&self, bytes: &[u8], start: usize, end: usize) -> Option<usize> {
        let name = bytes.get(start..end)?;
        self.find(name, Words::at(bytes, start, name.len()))
    }

    #[inline(always)]
    fn find(&self, name: &[u8], prefix: Words) -> Option<usize> {
        // An empty table (`Default`) has no slot: `get` below finds none.
        let mask = self.slots.len().wrapping_sub(1);
        let mut slot = self.first_slot(name, prefix);
        loop {
            let entry = self.slots.get(slot)?;
            if entry.len == u32::MAX {
                return None;
            }
            if entry.prefix == prefix
                && entry.len as usize == name.len()
                && (name.len() <= PREFIX
                    || self.tails.get(entry.tail as usize).map(|t| &**t) == name.get(PREFIX..))
            {
                return Some(entry.target as usize);
            }
            slot = (slot + 1) & mask;
        }
    }

    #[inline(always)]
    fn first_slot(&self, name: &[u8], prefix: Words) -> usize {
        let Words([low, high]) = prefix;
        let mut hash = (low ^ name.len() as u64).wrapping_mul(MIX) ^ high;
        // Names longer than the prefix: the rest eight bytes at a time (rare, off the hot
        // path).
        if let Some(rest) = name.get(PREFIX..) {
            for word in rest.chunks(8) {
                let mut buf = [0u8; 8];
                buf[..word.len()].copy_from_slice(word);
                hash = (hash ^ u64::from_le_bytes(buf))
                    .wrapping_mul(MIX)
                    .rotate_left(23);
            }
        }
        // The top bits of the product are the best mixed; `shift` keeps as many as the table
        // has slots (at least one bit: the table has two slots or more).
        (hash.wrapping_mul(MIX) >> self.shift) as usize
    }
}

#[cfg(test)]
mod tests {
    use super::NameIndex;

    #[test]
    fn finds_every_name_of_a_wide_schema_and_nothing_else() {
        let names: Vec<String> = (0..2_000).map(|i| format!("feature_{i}")).collect();
        let index = NameIndex::new(names.iter().enumerate().map(|(i, n)| (n.as_str(), i)));
        for (i, name) in names.iter().enumerate() {
            assert_eq!(index.get(name.as_bytes()), Some(i), "{name}");
        }
        for absent in ["feature_2000", "feature_", "", "feature_1 ", "Feature_1"] {
            assert_eq!(index.get(absent.as_bytes()), None, "{absent}");
        }
    }

    #[test]
    fn a_repeated_name_finds_its_first_entry() {
        let index = NameIndex::new([("a", 0), ("b", 1), ("a", 2)]);
        assert_eq!(index.get(b"a"), Some(0));
        assert_eq!(index.get(b"b"), Some(1));
    }

    #[test]
    fn no_names_finds_nothing() {
        let index = NameIndex::new([]);
        assert_eq!(index.get(b"a"), None);
        assert_eq!(index.get(b""), None);
        assert_eq!(NameIndex::default().get(b"x"), None);
        assert_eq!(NameIndex::default().get_in(b"\"x\"", 1, 2), None);
    }

    #[test]
    fn a_name_is_found_in_a_body_wherever_it_ends() {
        let names = ["f1", "feature_with_a_long_name_1", "sixteen_bytes_16", "x"];
        let index = NameIndex::new(names.iter().enumerate().map(|(i, n)| (*n, i)));
        for (i, name) in names.iter().enumerate() {
            // Followed by more text, and at the very end of the input (no 16-byte load).
            let body = format!("{{\"{name}\": 1, \"other\": 2}}");
            assert_eq!(index.get_in(body.as_bytes(), 2, 2 + name.len()), Some(i));
            let tail = format!("\"{name}");
            assert_eq!(index.get_in(tail.as_bytes(), 1, tail.len()), Some(i));
            // A longer or shorter key sharing the name's bytes is not the name.
            assert_eq!(index.get_in(body.as_bytes(), 2, 1 + name.len()), None);
            assert_eq!(index.get_in(body.as_bytes(), 2, 3 + name.len()), None);
        }
    }

    #[test]
    fn names_differing_past_the_first_word_or_in_length_are_told_apart() {
        let names = [
            "abcdefgh",
            "abcdefgh1",
            "abcdefgh2",
            "abcdefgh\0",
            "x",
            "x\0",
            "é",
            "ée",
        ];
        let index = NameIndex::new(names.iter().enumerate().map(|(i, n)| (*n, i)));
        for (i, name) in names.iter().enumerate() {
            assert_eq!(index.get(name.as_bytes()), Some(i), "{name:?}");
        }
    }
}
