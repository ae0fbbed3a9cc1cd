//! Repeated names, found by sorting: at most n log n comparisons, which keeps a wide struct
//! within rustc's budget for constant evaluation.

use core::cmp::Ordering;

use super::entries::{count, entry_name, flattened_count, sorted_contains, str_cmp, str_eq};

use crate::derived::Entry;

/// Which of a view's entries a duplicate search looks at.
#[derive(Clone, Copy)]
pub(super) enum Scope {
    /// Every column and tensor.
    All,
    /// Only those coming through `#[serde(flatten)]` fields (the derive compared the others
    /// while expanding).
    Flattened,
}

/// Up to `K` names, sorted by [`sort`].
pub(super) struct Block<const K: usize> {
    pub(super) names: [&'static str; K],
    pub(super) len: usize,
}

/// Appends to `block` the names of the entries in `scope` whose index (counted over the
/// scope, named or not) is in `from..to`.
pub(super) const fn collect<const K: usize>(
    entries: &'static [Entry],
    scope: Scope,
    (from, to): (usize, usize),
    index: &mut usize,
    block: &mut Block<K>,
) {
    let mut i = 0;
    while i < entries.len() {
        match &entries[i] {
            Entry::Flatten(inner) => collect(inner, Scope::All, (from, to), index, block),
            entry => {
                if let Scope::All = scope {
                    if *index >= from
                        && *index < to
                        && let Some(name) = entry_name(entry)
                    {
                        block.names[block.len] = name;
                        block.len += 1;
                    }
                    *index += 1;
                }
            }
        }
        i += 1;
    }
}

/// The first name, among the entries in `scope` whose index is `from` or more, that `sorted`
/// holds.
pub(super) const fn find_later(
    entries: &'static [Entry],
    scope: Scope,
    from: usize,
    index: &mut usize,
    sorted: &[&str],
) -> Option<&'static str> {
    let mut i = 0;
    while i < entries.len() {
        match &entries[i] {
            Entry::Flatten(inner) => {
                if let Some(name) = find_later(inner, Scope::All, from, index, sorted) {
                    return Some(name);
                }
            }
            entry => {
                if let Scope::All = scope {
                    if *index >= from
                        && let Some(name) = entry_name(entry)
                        && sorted_contains(sorted, name)
                    {
                        return Some(name);
                    }
                    *index += 1;
                }
            }
        }
        i += 1;
    }
    None
}

/// Sorts the block's names: a bottom-up merge sort, n log n comparisons at most.
pub(super) const fn sort<const K: usize>(block: &mut Block<K>) {
    let mut scratch: [&'static str; K] = [""; K];
    let len = block.len;
    let mut width = 1;
    // Where the sorted runs of `width` are: `block.names`, or `scratch` after an odd pass.
    let mut in_block = true;
    while width < len {
        if in_block {
            merge_runs(&block.names, &mut scratch, len, width);
        } else {
            merge_runs(&scratch, &mut block.names, len, width);
        }
        in_block = !in_block;
        width *= 2;
    }
    if !in_block {
        let mut i = 0;
        while i < len {
            block.names[i] = scratch[i];
            i += 1;
        }
    }
}

/// Merges each pair of neighbouring sorted runs of `width` names of `from` into `to`.
pub(super) const fn merge_runs(
    from: &[&'static str],
    to: &mut [&'static str],
    len: usize,
    width: usize,
) {
    let mut start = 0;
    while start < len {
        let middle = if start + width < len {
            start + width
        } else {
            len
        };
        let end = if middle + width < len {
            middle + width
        } else {
            len
        };
        let (mut left, mut right, mut out) = (start, middle, start);
        while out < end {
            let take_left = left < middle
                && (right >= end || !matches!(str_cmp(from[right], from[left]), Ordering::Less));
            if take_left {
                to[out] = from[left];
                left += 1;
            } else {
                to[out] = from[right];
                right += 1;
            }
            out += 1;
        }
        start = end;
    }
}

/// A name two entries share, if any: the entries in `scope` compared with each other and
/// with `own` (the struct's other names, sorted and distinct).
///
/// The names go through a buffer of `K`, a block at a time: each block is sorted, its
/// neighbours compared, and the names after it looked up in it. With `K` at least the number
/// of entries in scope (the derive sizes it so) that is one block and n log n comparisons.
pub(super) const fn duplicate<const K: usize>(
    entries: &'static [Entry],
    scope: Scope,
    own: &[&str],
) -> Option<&'static str> {
    let total = match scope {
        Scope::All => count(entries),
        Scope::Flattened => flattened_count(entries),
    };
    assert!(
        K > 0 || total == 0,
        "signature: no room to compare the column names"
    );
    let mut from = 0;
    while from < total {
        let to = if total - from > K { from + K } else { total };
        let mut block = Block {
            names: [""; K],
            len: 0,
        };
        collect(entries, scope, (from, to), &mut 0, &mut block);
        sort(&mut block);
        let sorted = block.names.split_at(block.len).0;
        let mut i = 0;
        while i < sorted.len() {
            if (i > 0 && str_eq(sorted[i - 1], sorted[i])) || sorted_contains(own, sorted[i]) {
                return Some(sorted[i]);
            }
            i += 1;
        }
        if let Some(name) = find_later(entries, scope, to, &mut 0, sorted) {
            return Some(name);
        }
        from = to;
    }
    None
}
