//! Finding a schema column or a parameter by its name in constant time, whatever the schema's
//! width and whatever order a body gives its keys in.
//!
//! Why not a scan: a 1,000-column record whose keys are not in the schema's order cost one
//! scan of the schema per key (1,000,000 string comparisons a record). Why not std's
//! `HashMap`: its keyed hash (SipHash) costs more per short key than the rest of a cell's
//! check; the keys here are the schema's own names, fixed when the checker is built, so a
//! multiplicative hash in an open-addressing table is enough. A body's keys cannot change the
//! table: a lookup probes at most the longest run of occupied slots the schema's names made,
//! and the table is at most an eighth full.

use crate::check::scanner::window_prefix;

/// The entries of a schema (or of a parameter schema), by the bytes of their names.
///
/// Two arrays: a table of small slots that a lookup probes, and the names by the index they
/// stand for, which confirm a match. A slot holds the index itself (with some of the name's
/// hash bits): the index is known after one load from a table of 4 bytes a slot (32 KB at
/// 1,000 names), and the name's bytes are compared from a load that does not delay what the
/// caller does with the index (the comparison only decides a branch that is nearly always
/// taken the same way).
#[derive(Clone, Debug, Default)]
pub(super) struct NameIndex {
    /// A power of two long, at least eight times the number of names, so that a probe nearly
    /// always ends at its first slot: a second slot is a loop branch that keys in a fresh
    /// order make unpredictable (on such records, eight times measured 3–5% faster than
    /// four times, and twice 5–9% slower: BENCHMARKS.md, "Records out of order: compact
    /// tables"). Each slot is `0` (free) or `target + 1` in its low
    /// `target_bits` bits, the hash's [`NameIndex::tag`] above them.
    slots: Box<[u32]>,
    /// Per index a name stands for, that name (a free entry for an index no name has).
    names: Box<[Name]>,
    /// Each name's bytes past its first [`PREFIX`] (most names have none).
    tails: Vec<Box<[u8]>>,
    /// `64 - log2(slots.len())`: the hash's top bits pick the first slot.
    shift: u32,
    /// How many low bits of a slot hold `target + 1`.
    target_bits: u32,
}

/// How many bytes of a name are kept beside it: a name this short is matched by two word
/// comparisons, with no pointer to follow and no `memcmp` call.
const PREFIX: usize = 16;

/// One name: its first [`PREFIX`] bytes (zero-padded) as two words, its length, and its
/// tail's place in `tails` (if longer than [`PREFIX`]).
#[derive(Clone, Copy, Debug)]
struct Name {
    prefix: Words,
    /// The name's length; `u32::MAX` for an index no name stands for.
    len: u32,
    tail: u32,
}

impl Default for Name {
    fn default() -> Self {
        Name {
            prefix: Words([0; 2]),
            len: u32::MAX,
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
        Words(window_prefix([word(low), word(high)], len))
    }

    /// The words of up to [`PREFIX`] bytes, little-endian, zero past their end (as
    /// [`short_key`](crate::check::scanner::short_key) gives a key).
    #[inline(always)]
    pub(super) fn from_words(words: [u64; 2]) -> Words {
        Words(words)
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
        // A schema of 2^32 entries or names of 4 GiB cannot be built in memory anyway.
        let names: Vec<(&[u8], u32)> = names
            .into_iter()
            .filter_map(|(name, target)| {
                let target = u32::try_from(target).ok().filter(|t| *t < u32::MAX)?;
                u32::try_from(name.len()).ok()?;
                Some((name.as_bytes(), target))
            })
            .collect();
        let len = (names.len() * 8).next_power_of_two().max(2);
        let targets = names
            .iter()
            .map(|(_, t)| *t as usize + 1)
            .max()
            .unwrap_or(0);
        let mut index = NameIndex {
            slots: vec![0; len].into_boxed_slice(),
            names: vec![Name::default(); targets].into_boxed_slice(),
            tails: Vec::new(),
            shift: 64 - len.trailing_zeros(),
            // Enough bits for `target + 1`; the rest of the slot holds hash bits.
            target_bits: u32::BITS - (targets as u32).leading_zeros(),
        };
        for (name, target) in names {
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
            let Some(entry) = index.names.get_mut(target as usize) else {
                continue;
            };
            *entry = Name {
                prefix: Words::of(name),
                len: name.len() as u32,
                tail,
            };
            let hash = index.hash(name, Words::of(name));
            let mask = index.slots.len() - 1;
            let mut slot = (hash >> index.shift) as usize;
            while index.slots[slot] != 0 {
                slot = (slot + 1) & mask;
            }
            index.slots[slot] = (index.tag(hash) & !index.target_mask()) | (target + 1);
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

    /// [`NameIndex::get`] for a name of `len` bytes, at most [`PREFIX`], whose bytes (zero
    /// past its end) are `prefix`: no slice to compare, no loop over its bytes.
    #[inline(always)]
    pub(super) fn get_short(&self, prefix: Words, len: usize) -> Option<usize> {
        if len > PREFIX {
            return None;
        }
        let hash = self.prefix_hash(prefix, len);
        self.probe(hash, |target| {
            self.names
                .get(target)
                .is_some_and(|entry| entry.prefix == prefix && entry.len as usize == len)
        })
    }

    #[inline(always)]
    fn find(&self, name: &[u8], prefix: Words) -> Option<usize> {
        let hash = self.hash(name, prefix);
        self.probe(hash, |target| self.is_named(target, name, prefix))
    }

    /// The target of the first slot from `hash`'s on whose tag matches and whose name
    /// `confirms` accepts; `None` at the first free slot.
    #[inline(always)]
    fn probe(&self, hash: u64, confirms: impl Fn(usize) -> bool) -> Option<usize> {
        let (tag, low) = (self.tag(hash), self.target_mask());
        // An empty table (`Default`) has no slot: `get` below finds none.
        let mask = self.slots.len().wrapping_sub(1);
        let mut slot = (hash >> self.shift) as usize;
        loop {
            let entry = *self.slots.get(slot)?;
            if entry == 0 {
                return None;
            }
            if (entry ^ tag) & !low == 0 {
                let target = (entry & low) as usize - 1;
                if confirms(target) {
                    return Some(target);
                }
            }
            slot = (slot + 1) & mask;
        }
    }

    /// Whether `name` (whose first words are `prefix`) is the name of `target`.
    #[inline(always)]
    fn is_named(&self, target: usize, name: &[u8], prefix: Words) -> bool {
        self.names.get(target).is_some_and(|entry| {
            entry.prefix == prefix
                && entry.len as usize == name.len()
                && (name.len() <= PREFIX
                    || self.tails.get(entry.tail as usize).map(|t| &**t) == name.get(PREFIX..))
        })
    }

    /// The bits of a slot that are not `target + 1`.
    #[inline(always)]
    fn target_mask(&self) -> u32 {
        u32::MAX
            .checked_shr(u32::BITS - self.target_bits)
            .unwrap_or(0)
    }

    /// The hash bits a slot keeps, to pass over most other names' slots without reading their
    /// names: bits the slot's place does not already decide.
    #[inline(always)]
    fn tag(&self, hash: u64) -> u32 {
        (hash >> 16) as u32
    }

    #[inline(always)]
    fn hash(&self, name: &[u8], prefix: Words) -> u64 {
        let short = self.prefix_hash(prefix, name.len());
        if name.len() <= PREFIX {
            return short;
        }
        // Names longer than the prefix: the rest eight bytes at a time (rare, off the hot
        // path), mixed into the short hash's state.
        let mut hash = short;
        for word in name.get(PREFIX..).unwrap_or_default().chunks(8) {
            let mut buf = [0u8; 8];
            buf[..word.len()].copy_from_slice(word);
            hash = (hash ^ u64::from_le_bytes(buf))
                .wrapping_mul(MIX)
                .rotate_left(23);
        }
        hash.wrapping_mul(MIX)
    }

    /// The hash of a name of `len` bytes from its first [`PREFIX`] bytes alone, which is its
    /// whole hash when it is no longer.
    #[inline(always)]
    fn prefix_hash(&self, prefix: Words, len: usize) -> u64 {
        let Words([low, high]) = prefix;
        let hash = (low ^ len as u64).wrapping_mul(MIX) ^ high;
        // The top bits of the product are the best mixed: they pick the slot (at least one
        // bit: the table has two slots or more).
        hash.wrapping_mul(MIX)
    }
}

#[cfg(test)]
mod tests {
    use super::{NameIndex, PREFIX, Words};

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
    fn names_standing_for_scattered_indexes_are_found() {
        // Integer-named columns leave holes among a schema's string-named ones.
        let index = NameIndex::new([("b", 7), ("a", 2), ("c", 70_000), ("d", 0)]);
        for (name, target) in [("a", 2), ("b", 7), ("c", 70_000), ("d", 0)] {
            assert_eq!(index.get(name.as_bytes()), Some(target), "{name}");
        }
        for absent in ["e", "", "aa"] {
            assert_eq!(index.get(absent.as_bytes()), None, "{absent}");
        }
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
    fn a_short_name_is_found_from_its_words_as_from_its_bytes() {
        let names = [
            "",
            "a",
            "f999",
            "abcdefgh",
            "abcdefgh1",
            "fifteen_bytes_1",
            "sixteen_bytes_16",
            "seventeen_bytes17",
            "é",
            "x\0",
        ];
        let index = NameIndex::new(names.iter().enumerate().map(|(i, n)| (*n, i)));
        for (i, name) in names.iter().enumerate() {
            let bytes = name.as_bytes();
            let found = index.get_short(Words::of(bytes), bytes.len());
            if bytes.len() <= PREFIX {
                assert_eq!(found, Some(i), "{name:?}");
                assert_eq!(found, index.get(bytes), "{name:?}");
            } else {
                // Past the prefix the words cannot tell: only `get` reads the rest.
                assert_eq!(found, None, "{name:?}");
                assert_eq!(index.get(bytes), Some(i), "{name:?}");
            }
        }
        // The same words with another length, and names that are not there.
        assert_eq!(index.get_short(Words::of(b"f999"), 3), None);
        // The words are zero past a name's end, so a name ending in a zero byte shares them
        // with the shorter one: the length tells them apart.
        assert_eq!(index.get_short(Words::of(b"x"), 2), Some(9));
        assert_eq!(index.get_short(Words::of(b"x"), 1), None);
        for absent in ["b", "f99", "abcdefgh2", "sixteen_bytes_17"] {
            let bytes = absent.as_bytes();
            assert_eq!(
                index.get_short(Words::of(bytes), bytes.len()),
                None,
                "{absent}"
            );
        }
        assert_eq!(NameIndex::default().get_short(Words::of(b"a"), 1), None);
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
