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
    /// Entry number + 1 for each slot, 0 for a free one; a power of two long, at least twice
    /// the number of names (so a probe always ends at a free slot).
    slots: Box<[u32]>,
    /// Each distinct name's bytes and the index of the first entry with that name.
    entries: Vec<(Box<[u8]>, usize)>,
    /// `64 - log2(slots.len())`: the hash's top bits pick the first slot.
    shift: u32,
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
            slots: vec![0; len].into_boxed_slice(),
            entries: Vec::with_capacity(names.len()),
            shift: 64 - len.trailing_zeros(),
        };
        for (name, target) in names {
            let name = name.as_bytes();
            let mut slot = index.first_slot(name);
            loop {
                match index.slots[slot] {
                    0 => {
                        index.entries.push((name.into(), target));
                        // At most `u32::MAX` names: a schema that wide could not be built in
                        // memory anyway.
                        index.slots[slot] = u32::try_from(index.entries.len()).unwrap_or(0);
                        break;
                    }
                    entry if *index.entries[entry as usize - 1].0 == *name => break,
                    _ => slot = (slot + 1) & (index.slots.len() - 1),
                }
            }
        }
        index
    }

    /// The index the name with these bytes stands for, if it is one of the names.
    #[inline]
    pub(super) fn get(&self, name: &[u8]) -> Option<usize> {
        // An empty table (`Default`) has no slot: `get` below finds none.
        let mask = self.slots.len().wrapping_sub(1);
        let mut slot = self.first_slot(name);
        loop {
            let entry = *self.slots.get(slot)? as usize;
            let (known, target) = self.entries.get(entry.checked_sub(1)?)?;
            if **known == *name {
                return Some(*target);
            }
            slot = (slot + 1) & mask;
        }
    }

    #[inline(always)]
    fn first_slot(&self, name: &[u8]) -> usize {
        // The top bits of the product are the best mixed; `shift` keeps as many as the table
        // has slots (at least one bit: the table has two slots or more).
        (hash(name) >> self.shift) as usize
    }
}

/// The name's bytes eight at a time, each word folded in by a multiplication.
#[inline(always)]
fn hash(bytes: &[u8]) -> u64 {
    let mut hash = bytes.len() as u64;
    let mut words = bytes.chunks_exact(8);
    for word in &mut words {
        let mut buf = [0u8; 8];
        buf.copy_from_slice(word);
        hash = (hash ^ u64::from_le_bytes(buf))
            .wrapping_mul(MIX)
            .rotate_left(23);
    }
    let tail = words.remainder();
    let mut buf = [0u8; 8];
    buf[..tail.len()].copy_from_slice(tail);
    (hash ^ u64::from_le_bytes(buf)).wrapping_mul(MIX)
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
