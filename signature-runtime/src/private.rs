//! Not public API: what `#[derive(Signature)]` and `#[derive(Params)]` generate calls to. It
//! changes with the derive, which is why the runtime pins the derive's exact version.
//!
//! Most of it is `const fn`s the compiler runs on a derived [`Description`]: MLflow's schema
//! rules and the drift check against a committed signature. Each returns a [`Message`], empty
//! when all is well; the generated `const` item panics with it, which rustc reports as a
//! compile error at the derive's attribute.
//!
//! rustc interprets these functions step by step and stops a constant that runs for a few
//! million steps (`long_running_const_eval`), so every check here walks a description once
//! (no positional lookups into flattened entries, no pairwise comparison of names): repeated
//! names are found by sorting, at most n log n comparisons. The derive compares a struct's own
//! field names while it expands and hands them over sorted; only the names that come through
//! `#[serde(flatten)]` are sorted here.

use core::cmp::Ordering;

use crate::derived::{Description, Entry, ParamFieldType, TypeDescription, View};
use crate::types::{ParamSchema, ParamSpec, ParamValue};

/// The description a failed derive falls back to, so that code using the type does not pile
/// further errors onto the real one.
pub const FALLBACK_DESCRIPTION: Description = Description {
    type_name: "<invalid>",
    input: &[],
    output: &[],
};

const CAPACITY: usize = 1024;

/// The most bytes a message quotes of one column name, of a type name and of a file path.
/// With these caps every message fits in [`CAPACITY`] with room to spare, so what is wrong and
/// the column it is wrong with are never cut off by a long name earlier in the message.
const NAME_CAP: usize = 200;
const TYPE_NAME_CAP: usize = 120;
const PATH_CAP: usize = 200;

/// A message built at compile time in a fixed buffer (`const fn`s cannot allocate).
#[derive(Clone, Copy, Debug)]
pub struct Message {
    bytes: [u8; CAPACITY],
    len: usize,
}

impl Message {
    const fn new() -> Message {
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

    const fn push(&mut self, text: &str) {
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
    const fn push_capped(&mut self, text: &str, cap: usize) {
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

    const fn push_usize(&mut self, mut n: usize) {
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

    const fn push_i64(&mut self, n: i64) {
        if n < 0 {
            self.push("-");
        }
        self.push_usize(n.unsigned_abs() as usize);
    }

    const fn push_shape(&mut self, shape: &[i64]) {
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
    const fn push_entry_name(&mut self, name: Option<&str>, index: usize) {
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
    const fn push_type_name(&mut self, type_name: &str) {
        self.push("`");
        self.push_capped(type_name, TYPE_NAME_CAP);
        self.push("`");
    }

    const fn push_type(&mut self, ty: &TypeDescription) {
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

const fn str_eq(a: &str, b: &str) -> bool {
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
const fn str_cmp(a: &str, b: &str) -> Ordering {
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

const fn name_eq(a: Option<&str>, b: Option<&str>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => str_eq(a, b),
        (None, None) => true,
        _ => false,
    }
}

/// Whether `sorted` (in [`str_cmp`] order) holds `name`.
const fn sorted_contains(sorted: &[&str], name: &str) -> bool {
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
/// [`validate_derived`]'s buffers with.
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

const fn entry_name(entry: &Entry) -> Option<&'static str> {
    match entry {
        Entry::Column(column) => column.name,
        Entry::Tensor(tensor) => tensor.name,
        Entry::Flatten(_) => None,
    }
}

/// The flattened index of the entry called `name`, if any.
const fn position(entries: &[Entry], name: Option<&str>) -> Option<usize> {
    match name {
        Some(name) => match lookup(entries, name, &mut 0) {
            Some((index, _)) => Some(index),
            None => None,
        },
        None => None,
    }
}

/// The entry called `name` and its flattened index, counting from `index`.
const fn lookup<'a>(
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

/// Which of a view's entries a duplicate search looks at.
#[derive(Clone, Copy)]
enum Scope {
    /// Every column and tensor.
    All,
    /// Only those coming through `#[serde(flatten)]` fields (the derive compared the others
    /// while expanding).
    Flattened,
}

/// Up to `K` names, sorted by [`sort`].
struct Block<const K: usize> {
    names: [&'static str; K],
    len: usize,
}

/// Appends to `block` the names of the entries in `scope` whose index (counted over the
/// scope, named or not) is in `from..to`.
const fn collect<const K: usize>(
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
const fn find_later(
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
const fn sort<const K: usize>(block: &mut Block<K>) {
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
const fn merge_runs(from: &[&'static str], to: &mut [&'static str], len: usize, width: usize) {
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
const fn duplicate<const K: usize>(
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

/// The buffer sizes [`validate`] picks from: it serves generic types and hand-written
/// descriptions, whose size no `const` item gives, so it takes the smallest that holds a view's
/// names (zeroing a large one for a few names would cost more than the check). A view wider
/// than the largest takes several blocks: each costs a pass over the names after it.
const SMALL_BLOCK: usize = 64;
const BLOCK: usize = 1024;
const LARGE_BLOCK: usize = 8192;

const fn start(message: &mut Message, description: &Description, view: View) {
    message.push_type_name(description.type_name);
    if let View::Output = view {
        message.push(" (as a model output)");
    }
    message.push(": ");
}

/// MLflow's schema rules on a derived description, both views: not empty, names unique (after
/// renames and flattening), no columns mixed with tensors, no named mixed with positional
/// entries, no optional positional column, at most one positional tensor, objects valid; and,
/// if `check_ranks`, tensor shapes as deep as their Rust types.
pub const fn validate(description: &Description, check_ranks: bool) -> Message {
    let ranks = if check_ranks { Ranks::All } else { Ranks::None };
    let message = validate_any_size(description, View::Input, ranks);
    if !message.is_empty() {
        return message;
    }
    validate_any_size(description, View::Output, ranks)
}

const fn validate_any_size(description: &Description, view: View, ranks: Ranks) -> Message {
    let len = count(description.entries(view));
    if len <= SMALL_BLOCK {
        validate_view::<SMALL_BLOCK>(description, view, ranks, Scope::All, &[])
    } else if len <= BLOCK {
        validate_view::<BLOCK>(description, view, ranks, Scope::All, &[])
    } else {
        validate_view::<LARGE_BLOCK>(description, view, ranks, Scope::All, &[])
    }
}

/// [`validate`] as the derive runs it where a struct is defined. The derive has compared the
/// names of the struct's own fields and gives them sorted (`own_input`, `own_output`, empty
/// when no field is flattened); `INPUT` and `OUTPUT` are the numbers of columns coming through
/// flattened fields ([`flattened_count`]). The ranks of the struct's own tensors are checked
/// by [`check_tensor_rank`], at their attributes; those of flattened ones here.
pub const fn validate_derived<const INPUT: usize, const OUTPUT: usize>(
    description: &Description,
    own_input: &[&str],
    own_output: &[&str],
) -> Message {
    let (ranks, scope) = (Ranks::Flattened, Scope::Flattened);
    let message = validate_view::<INPUT>(description, View::Input, ranks, scope, own_input);
    if !message.is_empty() {
        return message;
    }
    validate_view::<OUTPUT>(description, View::Output, ranks, scope, own_output)
}

/// Which tensors' shapes a validation compares with their Rust types.
#[derive(Clone, Copy)]
enum Ranks {
    None,
    All,
    /// Those coming through flattened fields.
    Flattened,
}

/// What the walk over a view's entries counts.
struct Tally {
    /// Entries seen, so also the index of the next one.
    index: usize,
    named: usize,
    tensors: usize,
}

const fn validate_view<const K: usize>(
    description: &Description,
    view: View,
    ranks: Ranks,
    scope: Scope,
    own: &[&str],
) -> Message {
    let mut message = Message::new();
    let entries = description.entries(view);
    if let Some(name) = duplicate::<K>(entries, scope, own) {
        start(&mut message, description, view);
        message.push("two columns are named ");
        message.push_entry_name(Some(name), 0);
        message.push(
            ": names must be unique after `rename`, `rename_all` and `flatten` (rename or skip \
             one)",
        );
        return message;
    }
    let mut tally = Tally {
        index: 0,
        named: 0,
        tensors: 0,
    };
    let walk = Walk {
        description,
        view,
        ranks,
    };
    if !walk.entries(entries, &mut tally, &mut message, false) {
        return message;
    }
    let len = tally.index;
    if len == 0 {
        start(&mut message, description, view);
        message.push("no columns: MLflow does not allow an empty schema or object");
    } else if tally.tensors != 0 && tally.tensors != len {
        start(&mut message, description, view);
        message
            .push("mixes columns and tensors: an MLflow schema is all ColSpecs or all TensorSpecs");
    } else if tally.named != 0 && tally.named != len {
        start(&mut message, description, view);
        message.push("mixes named and positional columns, which MLflow does not allow");
    } else if tally.tensors > 1 && tally.named == 0 {
        start(&mut message, description, view);
        message.push("has several positional tensors: MLflow allows only one unnamed tensor");
    }
    message
}

/// One pass over a view's entries, in order, checking each column and tensor on its own.
struct Walk<'a> {
    description: &'a Description,
    view: View,
    ranks: Ranks,
}

impl Walk<'_> {
    /// `false` (and the problem in `message`) at the first entry that breaks a rule.
    const fn entries(
        &self,
        entries: &[Entry],
        tally: &mut Tally,
        message: &mut Message,
        flattened: bool,
    ) -> bool {
        let mut i = 0;
        while i < entries.len() {
            match &entries[i] {
                Entry::Flatten(inner) => {
                    if !self.entries(inner, tally, message, true) {
                        return false;
                    }
                    i += 1;
                    continue;
                }
                Entry::Column(column) => {
                    if column.name.is_some() {
                        tally.named += 1;
                    } else if !column.required {
                        start(message, self.description, self.view);
                        message.push("positional column ");
                        message.push_entry_name(None, tally.index);
                        message.push(
                            " is optional: MLflow does not allow optional unnamed columns \
                             (name the columns or make it required)",
                        );
                        return false;
                    }
                    if !is_scalar(&column.ty) {
                        // The prefix goes first, so that a nested problem is appended after
                        // it; the message is empty until a problem is found, so all is well
                        // means back to empty.
                        start(message, self.description, self.view);
                        message.push("column ");
                        message.push_entry_name(column.name, tally.index);
                        message.push(": ");
                        if !validate_type(&column.ty, self.view, message) {
                            return false;
                        }
                        message.len = 0;
                    }
                }
                Entry::Tensor(tensor) => {
                    tally.tensors += 1;
                    if tensor.name.is_some() {
                        tally.named += 1;
                    }
                    let check = match self.ranks {
                        Ranks::None => false,
                        Ranks::All => true,
                        Ranks::Flattened => flattened,
                    };
                    if check {
                        let rank = check_tensor_rank(tensor.name, tensor.type_rank, tensor.shape);
                        if !rank.is_empty() {
                            start(message, self.description, self.view);
                            message.push(rank.as_str());
                            return false;
                        }
                    }
                }
            }
            tally.index += 1;
            i += 1;
        }
        true
    }
}

/// A type with nothing nested to check.
const fn is_scalar(ty: &TypeDescription) -> bool {
    matches!(
        ty,
        TypeDescription::Data(_) | TypeDescription::Any | TypeDescription::SparkMLVector
    )
}

/// Objects nested in a column type: named columns only, not empty (their own derive checked
/// the rest). `false`, with the problem appended to `message`, if one breaks a rule.
const fn validate_type(ty: &TypeDescription, view: View, message: &mut Message) -> bool {
    match ty {
        TypeDescription::Array(inner) | TypeDescription::Map(inner) => {
            validate_type(inner, view, message)
        }
        TypeDescription::Object(description) => {
            let entries = description.entries(view);
            if count(entries) == 0 {
                message.push("object ");
                message.push_type_name(description.type_name);
                message.push(" has no properties, which MLflow does not allow");
                return false;
            }
            validate_properties(description, entries, view, message)
        }
        TypeDescription::Data(_) | TypeDescription::Any | TypeDescription::SparkMLVector => true,
    }
}

const fn validate_properties(
    object: &Description,
    entries: &[Entry],
    view: View,
    message: &mut Message,
) -> bool {
    let mut i = 0;
    while i < entries.len() {
        match &entries[i] {
            Entry::Flatten(inner) => {
                if !validate_properties(object, inner, view, message) {
                    return false;
                }
            }
            Entry::Tensor(_) => {
                message.push("object ");
                message.push_type_name(object.type_name);
                message.push(" holds tensors; an object property must be a column");
                return false;
            }
            Entry::Column(column) => {
                if column.name.is_none() {
                    message.push("object ");
                    message.push_type_name(object.type_name);
                    message.push(" has positional fields; object properties need names");
                    return false;
                }
                if !validate_type(&column.ty, view, message) {
                    return false;
                }
            }
        }
        i += 1;
    }
    true
}

/// A tensor field's `shape` against how deep its Rust type nests.
pub const fn check_tensor_rank(name: Option<&str>, rank: Option<usize>, shape: &[i64]) -> Message {
    let mut message = Message::new();
    if let Some(rank) = rank
        && rank != shape.len()
    {
        message.push("tensor ");
        message.push_entry_name(name, 0);
        message.push(": the shape ");
        message.push_shape(shape);
        message.push(" has ");
        message.push_usize(shape.len());
        message.push(if shape.len() == 1 {
            " dimension"
        } else {
            " dimensions"
        });
        message.push(" but the field's type nests ");
        message.push_usize(rank);
        message.push(if rank == 1 { " level" } else { " levels" });
    }
    message
}

const fn data_type_eq(a: crate::DataType, b: crate::DataType) -> bool {
    a as u8 == b as u8
}

const fn shape_eq(a: &[i64], b: &[i64]) -> bool {
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

/// The drift check: the derived `view` of `description` against the schema `expected`, read
/// from `file` by the derive (a flat list, as a signature file is). Names the first differing
/// column and what differs.
pub const fn drift(
    description: &Description,
    view: View,
    expected: &[Entry],
    file: &str,
) -> Message {
    let mut message = Message::new();
    let actual = description.entries(view);
    let mut found = Message::new();
    let mut index = 0;
    let drift = Drift {
        actual,
        expected,
        view,
    };
    if drift.entries(actual, &mut index, &mut found) && index < expected.len() {
        found.push("column ");
        found.push_entry_name(entry_name(&expected[index]), index);
        found.push(" of the file is missing");
    }
    if !found.is_empty() {
        message.push_type_name(description.type_name);
        message.push(" no longer matches the ");
        message.push(match view {
            View::Input => "inputs",
            View::Output => "outputs",
        });
        message.push(" in `");
        message.push_capped(file, PATH_CAP);
        message.push("`: ");
        message.push(found.as_str());
    }
    message
}

/// One pass over the derived entries beside the file's.
struct Drift<'a> {
    /// All derived entries of the view, to look names up in.
    actual: &'a [Entry],
    expected: &'a [Entry],
    view: View,
}

impl Drift<'_> {
    /// `false` (and what differs in `found`) at the first entry that differs from the file's
    /// at the same index.
    const fn entries(&self, entries: &[Entry], index: &mut usize, found: &mut Message) -> bool {
        let mut i = 0;
        while i < entries.len() {
            match &entries[i] {
                Entry::Flatten(inner) => {
                    if !self.entries(inner, index, found) {
                        return false;
                    }
                }
                here => {
                    if *index >= self.expected.len() {
                        found.push("column ");
                        found.push_entry_name(entry_name(here), *index);
                        found.push(" is not in the file (extra column)");
                        return false;
                    }
                    self.entry(found, here, &self.expected[*index], *index);
                    if !found.is_empty() {
                        return false;
                    }
                    *index += 1;
                }
            }
            i += 1;
        }
        true
    }

    const fn entry(&self, found: &mut Message, here: &Entry, there: &Entry, index: usize) {
        let (name, expected_name) = (entry_name(here), entry_name(there));
        if !name_eq(name, expected_name) {
            found.push("column ");
            if position(self.expected, name).is_none() {
                found.push_entry_name(name, index);
                found.push(" is not in the file (extra column; the file has ");
                found.push_entry_name(expected_name, index);
                found.push(" here)");
            } else if position(self.actual, expected_name).is_none() {
                found.push_entry_name(expected_name, index);
                found.push(" of the file is missing (found ");
                found.push_entry_name(name, index);
                found.push(" in its place)");
            } else {
                found.push("#");
                found.push_usize(index + 1);
                found.push(" is ");
                found.push_entry_name(name, index);
                found.push(" but ");
                found.push_entry_name(expected_name, index);
                found.push(" in the file (the order differs)");
            }
            return;
        }
        match (here, there) {
            (Entry::Column(column), Entry::Column(file_column)) => {
                let before = found.len;
                found.push("column ");
                found.push_entry_name(name, index);
                found.push(": ");
                let prefix = found.len;
                type_drift(found, &column.ty, &file_column.ty, self.view);
                if found.len == prefix {
                    if column.required != file_column.required {
                        found.push(if column.required {
                            "required here but optional in the file"
                        } else {
                            "optional here but required in the file"
                        });
                    } else {
                        found.len = before;
                    }
                }
            }
            (Entry::Tensor(tensor), Entry::Tensor(file_tensor)) => {
                if !str_eq(tensor.dtype, file_tensor.dtype) {
                    found.push("tensor ");
                    found.push_entry_name(name, index);
                    found.push(": dtype is `");
                    found.push(tensor.dtype);
                    found.push("` here but `");
                    found.push(file_tensor.dtype);
                    found.push("` in the file");
                } else if !shape_eq(tensor.shape, file_tensor.shape) {
                    found.push("tensor ");
                    found.push_entry_name(name, index);
                    found.push(": shape is ");
                    found.push_shape(tensor.shape);
                    found.push(" here but ");
                    found.push_shape(file_tensor.shape);
                    found.push(" in the file");
                }
            }
            (Entry::Column(_), _) => {
                found.push_entry_name(name, index);
                found.push(" is a column here but a tensor in the file");
            }
            _ => {
                found.push_entry_name(name, index);
                found.push(" is a tensor here but a column in the file");
            }
        }
    }
}

/// Appends what differs between two column types (nothing if they are equal).
const fn type_drift(
    found: &mut Message,
    here: &TypeDescription,
    there: &TypeDescription,
    view: View,
) {
    let start = found.len;
    match (here, there) {
        (TypeDescription::Data(a), TypeDescription::Data(b)) if data_type_eq(*a, *b) => {}
        (TypeDescription::Any, TypeDescription::Any)
        | (TypeDescription::SparkMLVector, TypeDescription::SparkMLVector) => {}
        (TypeDescription::Array(a), TypeDescription::Array(b)) => {
            found.push("array items: ");
            let inner = found.len;
            type_drift(found, a, b, view);
            if found.len == inner {
                found.len = start;
            }
        }
        (TypeDescription::Map(a), TypeDescription::Map(b)) => {
            found.push("map values: ");
            let inner = found.len;
            type_drift(found, a, b, view);
            if found.len == inner {
                found.len = start;
            }
        }
        (TypeDescription::Object(a), TypeDescription::Object(b)) => {
            object_drift(found, a.entries(view), b.entries(view), view);
        }
        _ => {
            found.push("type is `");
            found.push_type(here);
            found.push("` here but `");
            found.push_type(there);
            found.push("` in the file");
        }
    }
}

/// How many of the file's properties [`object_drift`] marks as found (the rest, if an object
/// has more, are looked up one by one on the way to an error).
const MARKED: usize = 4096;

/// Object properties are compared by name, in any order (MLflow sorts them).
const fn object_drift(found: &mut Message, here: &[Entry], there: &[Entry], view: View) {
    let mut file = FileObject {
        properties: there,
        sorted: is_sorted(there),
        view,
        found: [0; MARKED / 64],
        matched: 0,
    };
    if !file.compare(found, here, &mut 0) || file.matched == count(there) {
        return;
    }
    if let Some((name, index)) = file.missing(here, there, &mut 0) {
        found.push("property ");
        found.push_entry_name(name, index);
        found.push(" of the file is missing");
    }
}

/// Whether the entries are named and in [`str_cmp`] order: the derive writes a file's object
/// properties sorted, so that they are found by binary search. Others (a hand-written
/// description) are searched one by one, which is quadratic in their width.
const fn is_sorted(entries: &[Entry]) -> bool {
    let mut i = 0;
    while i < entries.len() {
        let Some(name) = entry_name(&entries[i]) else {
            return false;
        };
        if i > 0
            && let Some(previous) = entry_name(&entries[i - 1])
            && !matches!(str_cmp(previous, name), Ordering::Less)
        {
            return false;
        }
        i += 1;
    }
    true
}

/// An object of the signature file (flat, as a file's object is), and which of its properties
/// the derived ones have matched so far.
struct FileObject<'a> {
    properties: &'a [Entry],
    sorted: bool,
    view: View,
    /// A bit per property (the first [`MARKED`]): found.
    found: [u64; MARKED / 64],
    matched: usize,
}

impl<'a> FileObject<'a> {
    /// The file's property called `name`, and its (flattened) index.
    const fn find(&self, name: &str) -> Option<(usize, &'a Entry)> {
        if !self.sorted {
            return lookup(self.properties, name, &mut 0);
        }
        let (mut low, mut high) = (0, self.properties.len());
        while low < high {
            let middle = low + (high - low) / 2;
            let Some(there) = entry_name(&self.properties[middle]) else {
                unreachable!()
            };
            match str_cmp(there, name) {
                Ordering::Less => low = middle + 1,
                Ordering::Greater => high = middle,
                Ordering::Equal => return Some((middle, &self.properties[middle])),
            }
        }
        None
    }

    /// The first file property (in `entries`, from flattened index `index`) that no derived
    /// property matched: a bit to test for the first [`MARKED`], a lookup in `here` after.
    const fn missing(
        &self,
        here: &[Entry],
        entries: &[Entry],
        index: &mut usize,
    ) -> Option<(Option<&'static str>, usize)> {
        let mut i = 0;
        while i < entries.len() {
            match &entries[i] {
                Entry::Flatten(inner) => {
                    if let Some(missing) = self.missing(here, inner, index) {
                        return Some(missing);
                    }
                }
                entry => {
                    let j = *index;
                    let name = entry_name(entry);
                    let missing = if j < MARKED {
                        self.found[j / 64] & (1 << (j % 64)) == 0
                    } else {
                        position(here, name).is_none()
                    };
                    if missing {
                        return Some((name, j));
                    }
                    *index += 1;
                }
            }
            i += 1;
        }
        None
    }

    /// `false` (and what differs in `found`) at the first derived property that is not in the
    /// file or differs from it.
    const fn compare(&mut self, found: &mut Message, here: &[Entry], index: &mut usize) -> bool {
        let mut i = 0;
        while i < here.len() {
            if let Entry::Flatten(inner) = &here[i] {
                if !self.compare(found, inner, index) {
                    return false;
                }
                i += 1;
                continue;
            }
            if let Entry::Column(property) = &here[i]
                && let Some(name) = property.name
            {
                let Some((j, there)) = self.find(name) else {
                    found.push("property ");
                    found.push_entry_name(property.name, *index);
                    found.push(" is not in the file (extra property)");
                    return false;
                };
                self.matched += 1;
                if j < MARKED {
                    self.found[j / 64] |= 1 << (j % 64);
                }
                if let Entry::Column(file_property) = there {
                    let start = found.len;
                    found.push("property ");
                    found.push_entry_name(property.name, *index);
                    found.push(": ");
                    let inner = found.len;
                    type_drift(found, &property.ty, &file_property.ty, self.view);
                    if found.len != inner {
                        return false;
                    }
                    if property.required != file_property.required {
                        found.push(if property.required {
                            "required here but optional in the file"
                        } else {
                            "optional here but required in the file"
                        });
                        return false;
                    }
                    found.len = start;
                }
            }
            *index += 1;
            i += 1;
        }
        true
    }
}

/// One parameter of a `#[derive(Params)]` struct.
///
/// # Panics
/// If MLflow would refuse the default (a datetime parameter defaulting to `None`).
pub fn param<T: ParamFieldType + ?Sized>(name: &str, default: ParamValue) -> ParamSpec {
    ParamSpec::new(name, T::TYPE, default, T::SHAPE)
        .unwrap_or_else(|error| panic!("#[derive(Params)]: {error}"))
}

/// The parameters of a `#[derive(Params)]` struct.
///
/// # Panics
/// Never for derived structs: the derive rejects repeated names at compile time.
pub fn param_schema<const N: usize>(type_name: &str, params: [ParamSpec; N]) -> ParamSchema {
    ParamSchema::new(params.into()).unwrap_or_else(|error| panic!("`{type_name}`: {error}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DataType;
    use crate::derived::ColumnDescription;

    fn column(name: &str) -> Entry {
        Entry::Column(ColumnDescription {
            name: Some(String::leak(name.to_owned())),
            ty: TypeDescription::Data(DataType::Double),
            required: true,
        })
    }

    fn columns(names: impl IntoIterator<Item = String>) -> &'static [Entry] {
        Vec::leak(names.into_iter().map(|name| column(&name)).collect())
    }

    fn description(type_name: &str, entries: &'static [Entry]) -> Description {
        Description {
            type_name: String::leak(type_name.to_owned()),
            input: entries,
            output: entries,
        }
    }

    fn numbered(range: std::ops::Range<usize>) -> impl DoubleEndedIterator<Item = String> {
        range.map(|i| format!("c{i:04}"))
    }

    #[test]
    fn the_merge_sort_orders_names_as_str_does() {
        // Every length up to past a few powers of two, names in a scrambled order with repeats.
        for len in 0..70 {
            let names: Vec<&'static str> = (0..len)
                .map(|i| &*String::leak(format!("n{}", (i * 37 + 11) % 23)))
                .collect();
            let mut block = Block::<70> {
                names: [""; 70],
                len,
            };
            block.names[..len].copy_from_slice(&names);
            sort(&mut block);
            let mut expected = names.clone();
            expected.sort_unstable();
            assert_eq!(&block.names[..len], &expected[..], "{len} names");
        }
    }

    #[test]
    fn a_name_repeated_in_a_later_block_is_found() {
        // 9,000 columns take two blocks of `LARGE_BLOCK`; `c0100` comes back in the second.
        let names = numbered(0..8999).chain(["c0100".to_owned()]);
        let message = validate(&description("Wide", columns(names)), true);
        assert_eq!(
            message.as_str(),
            "`Wide`: two columns are named `c0100`: names must be unique after `rename`, \
             `rename_all` and `flatten` (rename or skip one)"
        );
    }

    #[test]
    fn a_name_repeated_within_a_later_block_is_found() {
        let names = numbered(0..9000).chain(["c8500".to_owned()]);
        let message = validate(&description("Wide", columns(names)), true);
        assert!(
            message.as_str().contains("named `c8500`"),
            "{}",
            message.as_str()
        );
    }

    #[test]
    fn thousands_of_distinct_names_pass() {
        let message = validate(&description("Wide", columns(numbered(0..3000))), true);
        assert_eq!(message.as_str(), "");
    }

    #[test]
    fn flattened_names_are_compared_with_each_other_and_with_the_own_ones() {
        let inner = columns(numbered(0..500));
        let outer = |own: &str| {
            description(
                "Outer",
                Vec::leak(vec![column(own), Entry::Flatten(inner), column("z")]),
            )
        };
        // What the derive gives: the own names sorted, the flattened count as the buffer size.
        let own = ["a", "z"];
        assert_eq!(flattened_count(outer("a").input), 500);
        let clean = validate_derived::<500, 500>(&outer("a"), &own, &own);
        assert_eq!(clean.as_str(), "");
        let clash = validate_derived::<500, 500>(&outer("c0250"), &["c0250", "z"], &own);
        assert!(
            clash.as_str().contains("named `c0250`"),
            "{}",
            clash.as_str()
        );

        let twice = description(
            "Twice",
            Vec::leak(vec![Entry::Flatten(inner), Entry::Flatten(inner)]),
        );
        let message = validate_derived::<1000, 1000>(&twice, &[], &[]);
        assert!(
            message.as_str().contains("named `c0000`"),
            "{}",
            message.as_str()
        );
    }

    #[test]
    fn a_long_name_is_cut_but_the_message_still_says_what_is_wrong_with_it() {
        let long = "é".repeat(3000);
        let type_name = "T".repeat(3000);
        let entries = columns([long.clone(), "b".to_owned(), long.clone()]);
        let message = validate(&description(&type_name, entries), true);
        let text = message.as_str();
        assert!(text.len() < CAPACITY, "{} bytes", text.len());
        let expected_start = format!(
            "`{}…`: two columns are named `{}…`: names must be unique",
            "T".repeat(TYPE_NAME_CAP),
            "é".repeat(NAME_CAP / 2)
        );
        assert!(text.starts_with(&expected_start), "{text}");

        let file = format!("{}/MLmodel", "dir/".repeat(1000));
        let drifted = drift(
            &description(&type_name, columns([long.clone()])),
            View::Input,
            columns(["price".to_owned()]),
            &file,
        );
        let text = drifted.as_str();
        assert!(
            text.ends_with(&format!(
                "…`: column `{}…` is not in the file (extra column; the file has `price` here)",
                "é".repeat(NAME_CAP / 2)
            )),
            "{text}"
        );
    }

    /// A column `payload` holding an object of the given properties (doubles, required).
    fn object_column(properties: &'static [Entry]) -> &'static [Entry] {
        let object = Box::leak(Box::new(description("Payload", properties)));
        Vec::leak(vec![Entry::Column(ColumnDescription {
            name: Some("payload"),
            ty: TypeDescription::Object(object),
            required: true,
        })])
    }

    #[test]
    fn object_properties_are_matched_by_name_however_many() {
        // 5,000 properties: past the marked ones, in reverse order here, sorted in the file.
        let here = description("Row", object_column(columns(numbered(0..5000).rev())));
        let file = object_column(columns(numbered(0..5000)));
        assert_eq!(drift(&here, View::Input, file, "f.json").as_str(), "");

        for missing in [17, 4500] {
            let fewer = numbered(0..5000).filter(|name| *name != format!("c{missing:04}"));
            let here = description("Row", object_column(columns(fewer)));
            assert_eq!(
                drift(&here, View::Input, file, "f.json").as_str(),
                format!(
                    "`Row` no longer matches the inputs in `f.json`: column `payload`: property \
                     `c{missing:04}` of the file is missing"
                )
            );
        }
        // A file object not in order (not one the derive wrote) is still read right.
        let unsorted = object_column(columns(numbered(0..50).rev()));
        let here = description("Row", object_column(columns(numbered(0..50))));
        assert_eq!(drift(&here, View::Input, unsorted, "f.json").as_str(), "");
        let extra = description("Row", object_column(columns(numbered(0..51))));
        assert!(
            drift(&extra, View::Input, unsorted, "f.json")
                .as_str()
                .ends_with("property `c0050` is not in the file (extra property)")
        );
    }

    #[test]
    fn drift_walks_flattened_entries_in_order() {
        let inner = columns(numbered(1..4));
        let actual = description(
            "Outer",
            Vec::leak(vec![
                column("c0000"),
                Entry::Flatten(inner),
                column("c0004"),
            ]),
        );
        let same = drift(&actual, View::Input, columns(numbered(0..5)), "f.json");
        assert_eq!(same.as_str(), "");
        let missing = drift(&actual, View::Input, columns(numbered(0..6)), "f.json");
        assert_eq!(
            missing.as_str(),
            "`Outer` no longer matches the inputs in `f.json`: column `c0005` of the file is \
             missing"
        );
        let swapped = drift(
            &actual,
            View::Input,
            columns(numbered(0..2).chain(["c0003".into(), "c0002".into(), "c0004".into()])),
            "f.json",
        );
        assert_eq!(
            swapped.as_str(),
            "`Outer` no longer matches the inputs in `f.json`: column #3 is `c0002` but `c0003` \
             in the file (the order differs)"
        );
    }
}

/// `STRICT_NARROWS[writer][reader]` (in [`crate::DataType::ALL`] order): whether a value the
/// writer's scalar type accepts can be refused by the reader's, in strict mode. Data, not
/// rules: `evolution`'s tests recompute it with the checker's probes (`integer` -> `float`
/// loses 2^24 + 1; `binary` and `datetime` values are strings).
#[rustfmt::skip]
pub const STRICT_NARROWS: [[bool; 8]; 8] = {
    const T: bool = true;
    const F: bool = false;
    [
        // boolean integer long float double string binary datetime  (reader)
        [F, T, T, T, T, T, T, T], // boolean
        [T, F, F, T, F, T, T, T], // integer
        [T, T, F, T, T, T, T, T], // long
        [T, T, T, F, F, T, T, T], // float
        [T, T, T, T, F, T, T, T], // double
        [T, T, T, T, T, F, T, T], // string
        [T, T, T, T, T, F, F, T], // binary
        [T, T, T, T, T, F, T, F], // datetime
    ]
};

/// Which readers `#[signature(check = "...", compat = "...")]` protects: the views it covers
/// fail the build only on a breaking change (strict mode, extra columns ignored); the others
/// stay exact.
#[derive(Clone, Copy, Debug)]
pub enum Compat {
    /// The inputs: the file's (old) clients write, the struct (new) reads.
    Backward,
    /// The outputs: the struct (new) writes, the file's (old) consumers read.
    Forward,
    /// Both.
    Full,
}

/// The compatibility check: as [`drift`] for a view `compat` does not cover; for one it
/// covers, the first breaking change, named by its rule id (see
/// `signature-runtime/docs/compatibility.md`).
pub const fn compat(
    description: &Description,
    view: View,
    expected: &[Entry],
    file: &str,
    compat: Compat,
) -> Message {
    let inputs = matches!(view, View::Input);
    let covered = match compat {
        Compat::Full => true,
        Compat::Backward => inputs,
        Compat::Forward => !inputs,
    };
    if !covered {
        return drift(description, view, expected, file);
    }
    let actual = description.entries(view);
    let (writer, reader) = if inputs {
        (expected, actual)
    } else {
        (actual, expected)
    };
    let walk = CompatWalk {
        writer,
        view,
        inputs,
    };
    let mut found = Message::new();
    walk.entries(&mut found, reader, &mut 0);
    let mut message = Message::new();
    if !found.is_empty() {
        message.push_type_name(description.type_name);
        message.push(" breaks the ");
        message.push(if inputs {
            "inputs (backward)"
        } else {
            "outputs (forward)"
        });
        message.push(" of `");
        message.push_capped(file, PATH_CAP);
        message.push("`: ");
        message.push(found.as_str());
    }
    message
}

/// One pass over the reader's entries, each looked up among the writer's.
struct CompatWalk<'a> {
    writer: &'a [Entry],
    view: View,
    inputs: bool,
}

impl CompatWalk<'_> {
    const fn rule(&self, found: &mut Message, input: &str, output: &str) {
        found.push("`");
        found.push(if self.inputs { input } else { output });
        found.push("` at ");
    }

    /// Stops (with `found` set) at the first breaking change.
    const fn entries(&self, found: &mut Message, reader: &[Entry], index: &mut usize) {
        let mut i = 0;
        while i < reader.len() && found.is_empty() {
            match &reader[i] {
                Entry::Flatten(inner) => self.entries(found, inner, index),
                here => {
                    self.entry(found, here, *index);
                    *index += 1;
                }
            }
            i += 1;
        }
    }

    const fn entry(&self, found: &mut Message, reader: &Entry, index: usize) {
        let name = entry_name(reader);
        let writer = match name {
            Some(name) => match lookup(self.writer, name, &mut 0) {
                Some((_, entry)) => Some(entry),
                None => None,
            },
            None => nth(self.writer, index, &mut 0),
        };
        let Some(writer) = writer else {
            let required = match reader {
                Entry::Column(column) => column.required,
                _ => true,
            };
            if required {
                self.rule(
                    found,
                    "input_required_column_added",
                    "output_required_column_removed",
                );
                found.push("column ");
                found.push_entry_name(name, index);
            }
            return;
        };
        match (writer, reader) {
            (Entry::Column(w), Entry::Column(r)) => {
                if !w.required && r.required {
                    self.rule(
                        found,
                        "input_column_made_required",
                        "output_column_made_optional",
                    );
                    found.push("column ");
                    found.push_entry_name(name, index);
                    return;
                }
                let mut path = Message::new();
                path.push("column ");
                path.push_entry_name(name, index);
                self.types(found, &mut path, &w.ty, &r.ty);
            }
            (Entry::Tensor(w), Entry::Tensor(r)) => {
                if !str_eq(w.dtype, r.dtype) {
                    self.rule(
                        found,
                        "input_tensor_dtype_narrowed",
                        "output_tensor_dtype_widened",
                    );
                    found.push("tensor ");
                    found.push_entry_name(name, index);
                    found.push(": dtype `");
                    found.push(if self.inputs { w.dtype } else { r.dtype });
                    found.push("` became `");
                    found.push(if self.inputs { r.dtype } else { w.dtype });
                    found.push("`");
                } else if w.shape.len() != r.shape.len() {
                    self.rule(
                        found,
                        "input_tensor_rank_changed",
                        "output_tensor_rank_changed",
                    );
                    found.push("tensor ");
                    found.push_entry_name(name, index);
                } else {
                    let mut d = 0;
                    while d < w.shape.len() {
                        // A reader dimension fixed where the writer's differs or is -1 refuses
                        // a tensor the writer allows.
                        if r.shape[d] >= 0 && w.shape[d] != r.shape[d] {
                            if w.shape[d] < 0 {
                                self.rule(
                                    found,
                                    "input_tensor_dimension_made_fixed",
                                    "output_tensor_dimension_made_variable",
                                );
                            } else {
                                self.rule(
                                    found,
                                    "input_tensor_dimension_changed",
                                    "output_tensor_dimension_changed",
                                );
                            }
                            found.push("tensor ");
                            found.push_entry_name(name, index);
                            found.push(" dimension ");
                            found.push_usize(d);
                            return;
                        }
                        d += 1;
                    }
                }
            }
            _ => {
                self.rule(
                    found,
                    "input_schema_kind_changed",
                    "output_schema_kind_changed",
                );
                found.push_entry_name(name, index);
                found.push(" is a column on one side and a tensor on the other");
            }
        }
    }

    /// Appends the first change by which the writer's type `w` lets through a value the
    /// reader's `r` refuses (nothing when there is none); `path` is the way there.
    const fn types(
        &self,
        found: &mut Message,
        path: &mut Message,
        w: &TypeDescription,
        r: &TypeDescription,
    ) {
        let start = path.len;
        match (w, r) {
            (_, TypeDescription::Any)
            | (TypeDescription::SparkMLVector, TypeDescription::SparkMLVector) => {}
            (TypeDescription::Data(a), TypeDescription::Data(b)) => {
                if STRICT_NARROWS[*a as usize][*b as usize] {
                    self.became(found, path, w, r);
                }
            }
            (TypeDescription::Array(a), TypeDescription::Array(b)) => {
                path.push(" array items");
                self.types(found, path, a, b);
            }
            (TypeDescription::Map(a), TypeDescription::Map(b)) => {
                path.push(" map values");
                self.types(found, path, a, b);
            }
            (TypeDescription::Object(a), TypeDescription::Object(b)) => {
                self.properties(found, path, a.entries(self.view), b.entries(self.view));
            }
            _ => self.became(found, path, w, r),
        }
        path.len = start;
    }

    const fn became(
        &self,
        found: &mut Message,
        path: &Message,
        w: &TypeDescription,
        r: &TypeDescription,
    ) {
        let (old, new) = if self.inputs { (w, r) } else { (r, w) };
        self.rule(found, "input_type_narrowed", "output_type_widened");
        found.push(path.as_str());
        found.push(": `");
        found.push_type(old);
        found.push("` became `");
        found.push_type(new);
        found.push("`");
    }

    /// Object properties, by name: every reader property against the writer's, then writer
    /// properties the reader lacks (objects refuse undeclared keys).
    const fn properties(
        &self,
        found: &mut Message,
        path: &mut Message,
        writer: &[Entry],
        reader: &[Entry],
    ) {
        let start = path.len;
        let mut i = 0;
        while i < count(reader) && found.is_empty() {
            if let Some(Entry::Column(r)) = nth(reader, i, &mut 0) {
                let name = r.name;
                let w = match name {
                    Some(name) => lookup(writer, name, &mut 0),
                    None => None,
                };
                match w {
                    None if r.required => {
                        self.rule(
                            found,
                            "input_required_property_added",
                            "output_required_property_removed",
                        );
                        found.push(path.as_str());
                        found.push(" property ");
                        found.push_entry_name(name, i);
                    }
                    Some((_, Entry::Column(w))) => {
                        if !w.required && r.required {
                            self.rule(
                                found,
                                "input_property_made_required",
                                "output_property_made_optional",
                            );
                            found.push(path.as_str());
                            found.push(" property ");
                            found.push_entry_name(name, i);
                        } else {
                            path.push(" property ");
                            path.push_entry_name(name, i);
                            self.types(found, path, &w.ty, &r.ty);
                            path.len = start;
                        }
                    }
                    _ => {}
                }
            }
            i += 1;
        }
        let mut i = 0;
        while i < count(writer) && found.is_empty() {
            if let Some(Entry::Column(w)) = nth(writer, i, &mut 0)
                && let Some(name) = w.name
                && lookup(reader, name, &mut 0).is_none()
            {
                self.rule(found, "input_property_removed", "output_property_added");
                found.push(path.as_str());
                found.push(" property ");
                found.push_entry_name(w.name, i);
                found.push(if self.inputs {
                    " (objects refuse undeclared keys)"
                } else {
                    " (old objects refuse undeclared keys)"
                });
            }
            i += 1;
        }
    }
}

/// The entry at flattened index `n`, counting from `index`.
const fn nth<'a>(entries: &'a [Entry], n: usize, index: &mut usize) -> Option<&'a Entry> {
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
