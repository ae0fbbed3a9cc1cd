//! The compatibility check of `#[signature(check = "...", compat = "...")]`: a derived
//! description against a committed signature, failing only on a breaking change.

use super::drift::drift;
use super::entries::{count, entry_name, lookup, nth, str_eq};
use super::message::{Message, PATH_CAP};
use crate::derived::{Description, Entry, TypeDescription, View};

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
pub(super) struct CompatWalk<'a> {
    writer: &'a [Entry],
    view: View,
    inputs: bool,
}

impl CompatWalk<'_> {
    pub(super) const fn rule(&self, found: &mut Message, input: &str, output: &str) {
        found.push("`");
        found.push(if self.inputs { input } else { output });
        found.push("` at ");
    }

    /// Stops (with `found` set) at the first breaking change.
    pub(super) const fn entries(&self, found: &mut Message, reader: &[Entry], index: &mut usize) {
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

    pub(super) const fn entry(&self, found: &mut Message, reader: &Entry, index: usize) {
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
    pub(super) const fn types(
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

    pub(super) const fn became(
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
    pub(super) const fn properties(
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
