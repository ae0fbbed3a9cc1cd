//! The drift check: a derived description against the signature the derive read from a
//! committed file, naming the first column that differs.

use core::cmp::Ordering;

use super::entries::{count, entry_name, lookup, name_eq, position, str_cmp, str_eq};
use super::message::{Message, PATH_CAP};
use super::validate::{data_type_eq, shape_eq};
use crate::derived::{Description, Entry, TypeDescription, View};

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
pub(super) struct Drift<'a> {
    /// All derived entries of the view, to look names up in.
    actual: &'a [Entry],
    expected: &'a [Entry],
    view: View,
}

impl Drift<'_> {
    /// `false` (and what differs in `found`) at the first entry that differs from the file's
    /// at the same index.
    pub(super) const fn entries(
        &self,
        entries: &[Entry],
        index: &mut usize,
        found: &mut Message,
    ) -> bool {
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

    pub(super) const fn entry(
        &self,
        found: &mut Message,
        here: &Entry,
        there: &Entry,
        index: usize,
    ) {
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
pub(super) const fn type_drift(
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
pub(super) const MARKED: usize = 4096;

/// Object properties are compared by name, in any order (MLflow sorts them).
pub(super) const fn object_drift(found: &mut Message, here: &[Entry], there: &[Entry], view: View) {
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
pub(super) const fn is_sorted(entries: &[Entry]) -> bool {
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
pub(super) struct FileObject<'a> {
    properties: &'a [Entry],
    sorted: bool,
    view: View,
    /// A bit per property (the first [`MARKED`]): found.
    found: [u64; MARKED / 64],
    matched: usize,
}

impl<'a> FileObject<'a> {
    /// The file's property called `name`, and its (flattened) index.
    pub(super) const fn find(&self, name: &str) -> Option<(usize, &'a Entry)> {
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
    pub(super) const fn missing(
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
    pub(super) const fn compare(
        &mut self,
        found: &mut Message,
        here: &[Entry],
        index: &mut usize,
    ) -> bool {
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
