//! The const checks run at run time, where a test can see them.

use super::drift::drift;
use super::duplicates::{Block, sort};
use super::entries::flattened_count;
use super::message::{CAPACITY, NAME_CAP, TYPE_NAME_CAP};
use super::validate::{validate, validate_derived};
use crate::DataType;
use crate::derived::{ColumnDescription, Description, Entry, TypeDescription, View};

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
