//! MLflow's schema rules on a derived description, run by the compiler: what `Schema::new` and
//! `ModelSignature` refuse at run time, refused at the derive instead.

use super::duplicates::{Scope, duplicate};
use super::entries::count;
use super::message::Message;
use crate::derived::{Description, Entry, TypeDescription, View};

/// The buffer sizes [`validate`] picks from: it serves generic types and hand-written
/// descriptions, whose size no `const` item gives, so it takes the smallest that holds a view's
/// names (zeroing a large one for a few names would cost more than the check). A view wider
/// than the largest takes several blocks: each costs a pass over the names after it.
pub(super) const SMALL_BLOCK: usize = 64;
pub(super) const BLOCK: usize = 1024;
pub(super) const LARGE_BLOCK: usize = 8192;

pub(super) const fn start(message: &mut Message, description: &Description, view: View) {
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

pub(super) const fn validate_any_size(
    description: &Description,
    view: View,
    ranks: Ranks,
) -> Message {
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
/// flattened fields ([`flattened_count`](super::flattened_count)). The ranks of the struct's own tensors are checked
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
pub(super) enum Ranks {
    None,
    All,
    /// Those coming through flattened fields.
    Flattened,
}

/// What the walk over a view's entries counts.
pub(super) struct Tally {
    /// Entries seen, so also the index of the next one.
    index: usize,
    named: usize,
    tensors: usize,
    /// The first positional column that is optional: refused once the walk is over, when
    /// MLflow's earlier rules pass.
    optional_positional: Option<usize>,
}

pub(super) const fn validate_view<const K: usize>(
    description: &Description,
    view: View,
    ranks: Ranks,
    scope: Scope,
    own: &[&str],
) -> Message {
    let mut message = Message::new();
    let entries = description.entries(view);
    let mut tally = Tally {
        index: 0,
        named: 0,
        tensors: 0,
        optional_positional: None,
    };
    let walk = Walk {
        description,
        view,
        ranks,
    };
    if !walk.entries(entries, &mut tally, &mut message, false) {
        return message;
    }
    // MLflow's checks in `Schema`'s order, so that a schema breaking several rules is refused
    // for the reason `Schema::new` gives; then the derive's own rule, unique names (MLflow
    // allows a name twice, serde does not).
    let len = tally.index;
    if len == 0 {
        start(&mut message, description, view);
        message.push("no columns: MLflow does not allow an empty schema or object");
    } else if tally.named != 0 && tally.named != len {
        start(&mut message, description, view);
        message.push("mixes named and positional columns, which MLflow does not allow");
    } else if tally.tensors != 0 && tally.tensors != len {
        start(&mut message, description, view);
        message
            .push("mixes columns and tensors: an MLflow schema is all ColSpecs or all TensorSpecs");
    } else if tally.tensors > 1 && tally.named == 0 {
        start(&mut message, description, view);
        message.push("has several positional tensors: MLflow allows only one unnamed tensor");
    } else if let (0, 0, Some(index)) = (tally.tensors, tally.named, tally.optional_positional) {
        start(&mut message, description, view);
        message.push("positional column ");
        message.push_entry_name(None, index);
        message.push(
            " is optional: MLflow does not allow optional unnamed columns (name the columns or \
             make it required)",
        );
    } else if let Some(name) = duplicate::<K>(entries, scope, own) {
        start(&mut message, description, view);
        message.push("two columns are named ");
        message.push_entry_name(Some(name), 0);
        message.push(
            ": names must be unique after `rename`, `rename_all` and `flatten` (rename or skip \
             one)",
        );
    }
    message
}

/// One pass over a view's entries, in order, checking each column and tensor on its own.
pub(super) struct Walk<'a> {
    description: &'a Description,
    view: View,
    ranks: Ranks,
}

impl Walk<'_> {
    /// `false` (and the problem in `message`) at the first entry that breaks a rule.
    pub(super) const fn entries(
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
                    } else if !column.required && tally.optional_positional.is_none() {
                        tally.optional_positional = Some(tally.index);
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
pub(super) const fn is_scalar(ty: &TypeDescription) -> bool {
    matches!(
        ty,
        TypeDescription::Data(_) | TypeDescription::Any | TypeDescription::SparkMLVector
    )
}

/// Objects nested in a column type: named columns only, not empty (their own derive checked
/// the rest). `false`, with the problem appended to `message`, if one breaks a rule.
pub(super) const fn validate_type(ty: &TypeDescription, view: View, message: &mut Message) -> bool {
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

pub(super) const fn validate_properties(
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

pub(super) const fn data_type_eq(a: crate::DataType, b: crate::DataType) -> bool {
    a as u8 == b as u8
}

pub(super) const fn shape_eq(a: &[i64], b: &[i64]) -> bool {
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
