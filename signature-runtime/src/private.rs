//! Not public API: what `#[derive(Signature)]` and `#[derive(Params)]` generate calls to. It
//! changes with the derive, which is why the runtime pins the derive's exact version.
//!
//! Most of it is `const fn`s the compiler runs on a derived [`Description`]: MLflow's schema
//! rules and the drift check against a committed signature. Each returns a [`Message`], empty
//! when all is well; the generated `const` item panics with it, which rustc reports as a
//! compile error at the derive's attribute.

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
                self.push(name);
                self.push("`");
            }
            None => {
                self.push("#");
                self.push_usize(index + 1);
            }
        }
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

const fn name_eq(a: Option<&str>, b: Option<&str>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => str_eq(a, b),
        (None, None) => true,
        _ => false,
    }
}

/// How many columns or tensors the entries hold once flattened fields are inlined.
const fn flat_len(entries: &[Entry]) -> usize {
    let mut count = 0;
    let mut i = 0;
    while i < entries.len() {
        count += match &entries[i] {
            Entry::Flatten(inner) => flat_len(inner),
            _ => 1,
        };
        i += 1;
    }
    count
}

/// The `index`th column or tensor once flattened fields are inlined.
const fn flat_get(entries: &[Entry], mut index: usize) -> Option<&Entry> {
    let mut i = 0;
    while i < entries.len() {
        match &entries[i] {
            Entry::Flatten(inner) => {
                let len = flat_len(inner);
                if index < len {
                    return flat_get(inner, index);
                }
                index -= len;
            }
            entry => {
                if index == 0 {
                    return Some(entry);
                }
                index -= 1;
            }
        }
        i += 1;
    }
    None
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
    let len = flat_len(entries);
    let mut i = 0;
    while i < len {
        if let Some(entry) = flat_get(entries, i)
            && name.is_some()
            && name_eq(entry_name(entry), name)
        {
            return Some(i);
        }
        i += 1;
    }
    None
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

const fn start(message: &mut Message, description: &Description, view: View) {
    message.push("`");
    message.push(description.type_name);
    message.push("`");
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
    let message = validate_view(description, View::Input, check_ranks);
    if !message.is_empty() {
        return message;
    }
    validate_view(description, View::Output, check_ranks)
}

const fn validate_view(description: &Description, view: View, check_ranks: bool) -> Message {
    let mut message = Message::new();
    let entries = description.entries(view);
    let len = flat_len(entries);
    if len == 0 {
        start(&mut message, description, view);
        message.push("no columns: MLflow does not allow an empty schema or object");
        return message;
    }
    let (mut named, mut tensors) = (0, 0);
    let mut i = 0;
    while i < len {
        let Some(entry) = flat_get(entries, i) else {
            unreachable!()
        };
        let name = entry_name(entry);
        if name.is_some() {
            named += 1;
        }
        let mut j = 0;
        while j < i {
            if let Some(earlier) = flat_get(entries, j)
                && name.is_some()
                && name_eq(entry_name(earlier), name)
            {
                start(&mut message, description, view);
                message.push("two columns are named ");
                message.push_entry_name(name, i);
                message.push(
                    ": names must be unique after `rename`, `rename_all` and `flatten` \
                     (rename or skip one)",
                );
                return message;
            }
            j += 1;
        }
        match entry {
            Entry::Column(column) => {
                if name.is_none() && !column.required {
                    start(&mut message, description, view);
                    message.push("positional column ");
                    message.push_entry_name(None, i);
                    message.push(
                        " is optional: MLflow does not allow optional unnamed columns \
                         (name the columns or make it required)",
                    );
                    return message;
                }
                let nested = validate_type(&column.ty, view);
                if !nested.is_empty() {
                    start(&mut message, description, view);
                    message.push("column ");
                    message.push_entry_name(name, i);
                    message.push(": ");
                    message.push(nested.as_str());
                    return message;
                }
            }
            Entry::Tensor(tensor) => {
                tensors += 1;
                if check_ranks {
                    let rank = check_tensor_rank(tensor.name, tensor.type_rank, tensor.shape);
                    if !rank.is_empty() {
                        start(&mut message, description, view);
                        message.push(rank.as_str());
                        return message;
                    }
                }
            }
            Entry::Flatten(_) => unreachable!(),
        }
        i += 1;
    }
    if tensors != 0 && tensors != len {
        start(&mut message, description, view);
        message
            .push("mixes columns and tensors: an MLflow schema is all ColSpecs or all TensorSpecs");
    } else if named != 0 && named != len {
        start(&mut message, description, view);
        message.push("mixes named and positional columns, which MLflow does not allow");
    } else if tensors > 1 && named == 0 {
        start(&mut message, description, view);
        message.push("has several positional tensors: MLflow allows only one unnamed tensor");
    }
    message
}

/// Objects nested in a column type: named columns only, unique names, not empty.
const fn validate_type(ty: &TypeDescription, view: View) -> Message {
    match ty {
        TypeDescription::Array(inner) | TypeDescription::Map(inner) => validate_type(inner, view),
        TypeDescription::Object(description) => {
            let mut message = Message::new();
            let entries = description.entries(view);
            let len = flat_len(entries);
            if len == 0 {
                message.push("object `");
                message.push(description.type_name);
                message.push("` has no properties, which MLflow does not allow");
                return message;
            }
            let mut i = 0;
            while i < len {
                let Some(entry) = flat_get(entries, i) else {
                    unreachable!()
                };
                let Entry::Column(column) = entry else {
                    message.push("object `");
                    message.push(description.type_name);
                    message.push("` holds tensors; an object property must be a column");
                    return message;
                };
                if column.name.is_none() {
                    message.push("object `");
                    message.push(description.type_name);
                    message.push("` has positional fields; object properties need names");
                    return message;
                }
                let nested = validate_type(&column.ty, view);
                if !nested.is_empty() {
                    return nested;
                }
                i += 1;
            }
            message
        }
        TypeDescription::Data(_) | TypeDescription::Any | TypeDescription::SparkMLVector => {
            Message::new()
        }
    }
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

/// The drift check: the derived `view` of `description` against the schema `expected`, read
/// from `file` by the derive. Names the first differing column and what differs.
pub const fn drift(
    description: &Description,
    view: View,
    expected: &[Entry],
    file: &str,
) -> Message {
    let mut message = Message::new();
    let actual = description.entries(view);
    let (len, expected_len) = (flat_len(actual), flat_len(expected));
    let mut i = 0;
    while i < len || i < expected_len {
        let mut found = Message::new();
        match (flat_get(actual, i), flat_get(expected, i)) {
            (Some(here), None) => {
                found.push("column ");
                found.push_entry_name(entry_name(here), i);
                found.push(" is not in the file (extra column)");
            }
            (None, Some(there)) => {
                found.push("column ");
                found.push_entry_name(entry_name(there), i);
                found.push(" of the file is missing");
            }
            (Some(here), Some(there)) => {
                entry_drift(&mut found, here, there, i, actual, expected, view);
            }
            (None, None) => unreachable!(),
        }
        if !found.is_empty() {
            message.push("`");
            message.push(description.type_name);
            message.push("` no longer matches the ");
            message.push(match view {
                View::Input => "inputs",
                View::Output => "outputs",
            });
            message.push(" in `");
            message.push(file);
            message.push("`: ");
            message.push(found.as_str());
            return message;
        }
        i += 1;
    }
    message
}

const fn entry_drift(
    found: &mut Message,
    here: &Entry,
    there: &Entry,
    index: usize,
    actual: &[Entry],
    expected: &[Entry],
    view: View,
) {
    let (name, expected_name) = (entry_name(here), entry_name(there));
    if !name_eq(name, expected_name) {
        found.push("column ");
        if position(expected, name).is_none() {
            found.push_entry_name(name, index);
            found.push(" is not in the file (extra column; the file has ");
            found.push_entry_name(expected_name, index);
            found.push(" here)");
        } else if position(actual, expected_name).is_none() {
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
            type_drift(found, &column.ty, &file_column.ty, view);
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

/// Object properties are compared by name, in any order (MLflow sorts them).
const fn object_drift(found: &mut Message, here: &[Entry], there: &[Entry], view: View) {
    let len = flat_len(here);
    let mut i = 0;
    while i < len {
        if let Some(Entry::Column(property)) = flat_get(here, i) {
            match position(there, property.name) {
                None => {
                    found.push("property ");
                    found.push_entry_name(property.name, i);
                    found.push(" is not in the file (extra property)");
                    return;
                }
                Some(j) => {
                    if let Some(Entry::Column(file_property)) = flat_get(there, j) {
                        let start = found.len;
                        found.push("property ");
                        found.push_entry_name(property.name, i);
                        found.push(": ");
                        let inner = found.len;
                        type_drift(found, &property.ty, &file_property.ty, view);
                        if found.len != inner {
                            return;
                        }
                        if property.required != file_property.required {
                            found.push(if property.required {
                                "required here but optional in the file"
                            } else {
                                "optional here but required in the file"
                            });
                            return;
                        }
                        found.len = start;
                    }
                }
            }
        }
        i += 1;
    }
    let expected_len = flat_len(there);
    let mut j = 0;
    while j < expected_len {
        if let Some(entry) = flat_get(there, j)
            && position(here, entry_name(entry)).is_none()
        {
            found.push("property ");
            found.push_entry_name(entry_name(entry), j);
            found.push(" of the file is missing");
            return;
        }
        j += 1;
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
