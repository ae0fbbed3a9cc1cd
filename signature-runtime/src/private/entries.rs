//! Const helpers over a derived description: names compared and ordered as `str` does, and
//! entries counted and found with `#[serde(flatten)]` fields inlined.

use core::cmp::Ordering;

use crate::derived::Entry;

pub(super) const fn str_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// Byte-wise order, as `str`'s `Ord` (the derive sorts the names it hands over with that).
pub(super) const fn str_cmp(a: &str, b: &str) -> Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let shorter = if a.len() < b.len() { a.len() } else { b.len() };
    let mut i = 0;
    while i < shorter {
        if a[i] != b[i] {
            return if a[i] < b[i] {
                Ordering::Less
            } else {
                Ordering::Greater
            };
        }
        i += 1;
    }
    if a.len() < b.len() {
        Ordering::Less
    } else if a.len() > b.len() {
        Ordering::Greater
    } else {
        Ordering::Equal
    }
}

pub(super) const fn name_eq(a: Option<&str>, b: Option<&str>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => str_eq(a, b),
        (None, None) => true,
        _ => false,
    }
}

/// Whether `sorted` (in [`str_cmp`] order) holds `name`.
pub(super) const fn sorted_contains(sorted: &[&str], name: &str) -> bool {
    let (mut low, mut high) = (0, sorted.len());
    while low < high {
        let middle = low + (high - low) / 2;
        match str_cmp(sorted[middle], name) {
            Ordering::Less => low = middle + 1,
            Ordering::Greater => high = middle,
            Ordering::Equal => return true,
        }
    }
    false
}

/// How many columns or tensors the entries hold once flattened fields are inlined.
pub const fn count(entries: &[Entry]) -> usize {
    let mut total = 0;
    let mut i = 0;
    while i < entries.len() {
        total += match &entries[i] {
            Entry::Flatten(inner) => count(inner),
            _ => 1,
        };
        i += 1;
    }
    total
}

/// How many of them come through `#[serde(flatten)]` fields: what the derive sizes
/// [`validate_derived`](super::validate_derived)'s buffers with.
pub const fn flattened_count(entries: &[Entry]) -> usize {
    let mut total = 0;
    let mut i = 0;
    while i < entries.len() {
        if let Entry::Flatten(inner) = &entries[i] {
            total += count(inner);
        }
        i += 1;
    }
    total
}

pub(super) const fn entry_name(entry: &Entry) -> Option<&'static str> {
    match entry {
        Entry::Column(column) => column.name,
        Entry::Tensor(tensor) => tensor.name,
        Entry::Flatten(_) => None,
    }
}

/// The flattened index of the entry called `name`, if any.
pub(super) const fn position(entries: &[Entry], name: Option<&str>) -> Option<usize> {
    match name {
        Some(name) => match lookup(entries, name, &mut 0) {
            Some((index, _)) => Some(index),
            None => None,
        },
        None => None,
    }
}

/// The entry called `name` and its flattened index, counting from `index`.
pub(super) const fn lookup<'a>(
    entries: &'a [Entry],
    name: &str,
    index: &mut usize,
) -> Option<(usize, &'a Entry)> {
    let mut i = 0;
    while i < entries.len() {
        match &entries[i] {
            Entry::Flatten(inner) => {
                if let Some(found) = lookup(inner, name, index) {
                    return Some(found);
                }
            }
            entry => {
                if let Some(here) = entry_name(entry)
                    && str_eq(here, name)
                {
                    return Some((*index, entry));
                }
                *index += 1;
            }
        }
        i += 1;
    }
    None
}

/// The entry at flattened index `n`, counting from `index`.
pub(super) const fn nth<'a>(
    entries: &'a [Entry],
    n: usize,
    index: &mut usize,
) -> Option<&'a Entry> {
    let mut i = 0;
    while i < entries.len() {
        match &entries[i] {
            Entry::Flatten(inner) => {
                if let Some(found) = nth(inner, n, index) {
                    return Some(found);
                }
            }
            entry => {
                if *index == n {
                    return Some(entry);
                }
                *index += 1;
            }
        }
        i += 1;
    }
    None
}
