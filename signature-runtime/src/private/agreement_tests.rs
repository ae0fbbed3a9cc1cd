//! The const validation ([`validate`]) and the runtime (`Description::schema`, which builds the
//! specs and calls `Schema::new`) decide alike: a description the derive lets through never
//! panics at run time, and a description the runtime refuses is refused at compile time for the
//! same reason. The one rule only the derive has is unique names (MLflow allows a name twice,
//! serde does not), and the tensor ranks, which the runtime cannot see.

use std::cell::Cell;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

use proptest::prelude::*;

use super::validate::{Ranks, validate, validate_any_size};
use crate::DataType;
use crate::derived::{
    ColumnDescription, Description, Entry, TensorDescription, TypeDescription, View,
};

/// The runtime's refusals (the panic of `Description::schema`) and the const validation's
/// wording of the same rule.
const SAME_REASON: &[(&str, &str)] = &[
    ("empty inputs is not allowed", "no columns"),
    (
        "combination of named and unnamed",
        "mixes named and positional columns",
    ),
    (
        "combination of ColSpec and TensorSpec",
        "mixes columns and tensors",
    ),
    ("multiple unnamed TensorSpecs", "several positional tensors"),
    ("unnamed optional inputs", "is optional"),
    ("Object with empty properties", "has no properties"),
    ("a tensor cannot be an object property", "holds tensors"),
    ("an object property needs a name", "has positional fields"),
];

thread_local! {
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f`, its panic (the runtime's refusal) returned as its message and not printed: the
/// hook stays quiet only on this thread, only while `f` runs.
fn refusal<R>(f: impl FnOnce() -> R) -> Result<R, String> {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let default = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if !QUIET.with(Cell::get) {
                default(info);
            }
        }));
    });
    QUIET.with(|quiet| quiet.set(true));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    QUIET.with(|quiet| quiet.set(false));
    result.map_err(|payload| {
        payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_default()
    })
}

fn leak<T>(value: T) -> &'static T {
    Box::leak(Box::new(value))
}

/// Names from a small set, so that repeats are common; `""` included (MLflow takes any text).
fn name() -> impl Strategy<Value = Option<&'static str>> {
    prop_oneof![
        1 => Just(None),
        6 => prop::sample::select(vec!["a", "b", "c", "d", "", "a b"]).prop_map(Some),
    ]
}

fn scalar() -> impl Strategy<Value = TypeDescription> {
    prop::sample::select(DataType::ALL.to_vec()).prop_map(TypeDescription::Data)
}

/// An object as its own derive lets it through, whatever its properties are: unique names (its
/// derive refuses repeats), but possibly empty, positional or tensors (what the using
/// struct's validation must catch, as the runtime does).
fn object() -> impl Strategy<Value = TypeDescription> {
    let property = prop_oneof![
        8 => (name(), scalar(), any::<bool>()).prop_map(|(name, ty, required)| {
            Entry::Column(ColumnDescription { name, ty, required })
        }),
        1 => Just(Entry::Tensor(TensorDescription {
            name: Some("t"),
            dtype: "float32",
            shape: &[-1],
            type_rank: Some(1),
        })),
    ];
    prop::collection::vec(property, 0..4).prop_map(|mut properties| {
        let mut seen = Vec::new();
        properties.retain(|entry| match entry {
            Entry::Column(ColumnDescription {
                name: Some(name), ..
            }) => {
                let fresh = !seen.contains(name);
                seen.push(*name);
                fresh
            }
            _ => true,
        });
        let properties: &'static [Entry] = Box::leak(properties.into_boxed_slice());
        TypeDescription::Object(leak(Description {
            type_name: "Nested",
            input: properties,
            output: properties,
        }))
    })
}

fn column_type() -> impl Strategy<Value = TypeDescription> {
    prop_oneof![
        6 => scalar(),
        1 => Just(TypeDescription::Any),
        1 => scalar().prop_map(|items| TypeDescription::Array(leak(items))),
        1 => scalar().prop_map(|values| TypeDescription::Map(leak(values))),
        2 => object(),
        1 => object().prop_map(|items| TypeDescription::Array(leak(items))),
    ]
}

fn leaf_entry() -> impl Strategy<Value = Entry> {
    prop_oneof![
        4 => (name(), column_type(), any::<bool>()).prop_map(|(name, ty, required)| {
            Entry::Column(ColumnDescription { name, ty, required })
        }),
        1 => (name(), prop::sample::select(vec![&[-1][..], &[-1, 2], &[2, 3]])).prop_map(
            |(name, shape)| {
                Entry::Tensor(TensorDescription {
                    name,
                    dtype: "float32",
                    shape,
                    type_rank: Some(shape.len()),
                })
            }
        ),
    ]
}

fn entries() -> impl Strategy<Value = &'static [Entry]> {
    let entry = prop_oneof![
        5 => leaf_entry(),
        1 => prop::collection::vec(leaf_entry(), 0..3)
            .prop_map(|inner| Entry::Flatten(Box::leak(inner.into_boxed_slice()))),
    ];
    prop::collection::vec(entry, 0..6).prop_map(|entries| &*Box::leak(entries.into_boxed_slice()))
}

/// Whether two entries of the view (flattened fields inlined) share a name.
fn has_repeated_name(entries: &[Entry]) -> bool {
    fn names(entries: &[Entry], out: &mut Vec<&'static str>) {
        for entry in entries {
            match entry {
                Entry::Column(ColumnDescription {
                    name: Some(name), ..
                })
                | Entry::Tensor(TensorDescription {
                    name: Some(name), ..
                }) => out.push(name),
                Entry::Flatten(inner) => names(inner, out),
                _ => {}
            }
        }
    }
    let mut all = Vec::new();
    names(entries, &mut all);
    let count = all.len();
    all.sort_unstable();
    all.dedup();
    all.len() != count
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4096, ..ProptestConfig::default() })]

    #[test]
    fn the_const_validation_and_schema_new_agree(input in entries(), output in entries()) {
        let description = Description { type_name: "Generated", input, output };
        for view in [View::Input, View::Output] {
            let compiled = validate_any_size(&description, view, Ranks::None);
            let compiled = compiled.as_str();
            match refusal(|| description.schema(view)) {
                Ok(_) => {
                    let repeated = has_repeated_name(description.entries(view));
                    prop_assert!(
                        compiled.is_empty()
                            || (repeated && compiled.contains("two columns are named")),
                        "the runtime takes {view:?} of {description:?}, the derive refuses it: \
                         {compiled}"
                    );
                }
                Err(panic) => {
                    let (_, expected) = SAME_REASON
                        .iter()
                        .find(|(runtime, _)| panic.contains(runtime))
                        .unwrap_or_else(|| panic!("an unexpected refusal: {panic}"));
                    prop_assert!(
                        compiled.contains(expected),
                        "the runtime refuses {view:?} of {description:?} ({panic}), the derive \
                         says {compiled:?}"
                    );
                }
            }
        }
        // Both views, the input's problem first, is what the derive runs.
        let first = [View::Input, View::Output]
            .map(|view| validate_any_size(&description, view, Ranks::None))
            .into_iter()
            .find(|message| !message.is_empty());
        let both = validate(&description, false);
        prop_assert_eq!(both.as_str(), first.as_ref().map_or("", |message| message.as_str()));
    }

    #[test]
    fn ranks_only_add_refusals(input in entries()) {
        let description = Description { type_name: "Generated", input, output: input };
        let without = validate(&description, false);
        let with = validate(&description, true);
        if !without.is_empty() {
            prop_assert!(!with.is_empty());
        }
        // Every generated tensor's Rust type nests as deep as its shape.
        prop_assert_eq!(with.as_str(), without.as_str());
    }
}

#[test]
fn a_tensor_deeper_than_its_type_is_refused_only_by_the_ranks_check() {
    let description = Description {
        type_name: "Images",
        input: &[Entry::Tensor(TensorDescription {
            name: Some("pixels"),
            dtype: "float32",
            shape: &[-1, 28, 28],
            type_rank: Some(2),
        })],
        output: &[],
    };
    let view = Description {
        output: description.input,
        ..description
    };
    assert!(validate(&view, false).is_empty());
    assert!(refusal(|| view.schema(View::Input)).is_ok());
    let message = validate(&view, true);
    assert!(
        message
            .as_str()
            .contains("the shape [-1, 28, 28] has 3 dimensions"),
        "{}",
        message.as_str()
    );
}
