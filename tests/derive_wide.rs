//! `#[derive(Signature)]` at production width: 1,000 columns in one struct, and 1,000 reached
//! through two levels of `#[serde(flatten)]`. Before its compile-time checks ran in n log n,
//! the derive did not compile 150 fields (`long_running_const_eval`); the schemas here are
//! checked column by column.
#![allow(dead_code)] // The structs exist for their schemas; nothing reads their fields.

use signature_runtime::Signature;
use signature_runtime::types::{ColSpec, Schema};

include!("wide/columns.rs");

with_names!(columns!(Wide {}));
with_names!(columns!(
    #[serde(rename_all = "UPPERCASE")]
    Upper {}
));

// 2,000 columns, all through flatten: the compiler sorts 2,000 names to compare them.
columns!(Both {
    #[serde(flatten)]
    lower: Wide,
    #[serde(flatten)]
    upper: Upper,
});

/// `Outer` has the first hundred names itself, then flattens `Middle` (four leaves of a hundred
/// each, flattened) and `Last` (a hundred of its own between two flattened leaves, then two
/// more leaves).
macro_rules! nested {
    ($([$($group:ident)*])*) => {
        nested!(@split $([$($group)*])*);
    };
    (@split $g0:tt $g1:tt $g2:tt $g3:tt $g4:tt $g5:tt $g6:tt $g7:tt $g8:tt $g9:tt) => {
        columns!(Leaf1 {} $g1);
        columns!(Leaf2 {} $g2);
        columns!(Leaf3 {} $g3);
        columns!(Leaf4 {} $g4);
        columns!(Leaf6 {} $g6);
        columns!(Leaf7 {} $g7);
        columns!(Leaf8 {} $g8);
        columns!(Leaf9 {} $g9);
        columns!(Middle {
            #[serde(flatten)]
            one: Leaf1,
            #[serde(flatten)]
            two: Leaf2,
            #[serde(flatten)]
            three: Leaf3,
            #[serde(flatten)]
            four: Leaf4,
        });
        columns!(Last {
            #[serde(flatten)]
            six: Leaf6,
        } $g5 {
            #[serde(flatten)]
            seven: Leaf7,
            #[serde(flatten)]
            eight: Leaf8,
            #[serde(flatten)]
            nine: Leaf9,
        });
        columns!(Outer {} $g0 {
            #[serde(flatten)]
            middle: Middle,
            #[serde(flatten)]
            last: Last,
        });
    };
}

with_names!(nested!());

/// A generic struct: checked where it is used (`Around<Wide>` has 1,001 columns), by the
/// runtime's own pass over the description rather than the derive's.
#[derive(Signature)]
struct Around<T> {
    #[serde(flatten)]
    inner: T,
    extra: bool,
}

/// `c000`, `c001`, ... `c999`.
fn name(index: usize) -> String {
    format!("c{index:03}")
}

/// What the `columns!` macro gives the column called `c<index>`: its type and whether it is
/// required.
fn expected_type(index: usize) -> (&'static str, bool) {
    match index % 5 {
        0 => ("double", true),
        1 => ("long", true),
        2 => ("string", true),
        3 => ("integer", false),
        _ => ("array<string>", true),
    }
}

/// Every column of `schema`, in order, against the names `order` gives.
fn assert_columns(schema: &Schema, order: &[usize]) {
    let columns: &[ColSpec] = schema.columns().expect("a column schema");
    assert_eq!(columns.len(), order.len(), "column count");
    for (position, (column, &index)) in columns.iter().zip(order).enumerate() {
        let (ty, required) = expected_type(index);
        assert_eq!(
            column.name().and_then(|n| n.as_str()),
            Some(name(index).as_str()),
            "the name of column #{position}"
        );
        assert_eq!(column.ty().to_string(), ty, "the type of `{}`", name(index));
        assert_eq!(
            column.required(),
            required,
            "whether `{}` is required",
            name(index)
        );
    }
}

#[test]
fn a_struct_of_a_thousand_fields_has_a_thousand_columns_in_field_order() {
    let order: Vec<usize> = (0..1000).collect();
    assert_columns(&Wide::input_schema(), &order);
    assert_columns(&Wide::output_schema(), &order);
    let json = Wide::schema().to_json();
    assert!(
        json.starts_with(r#"[{"type": "double", "name": "c000", "required": true}, "#),
        "{}",
        &json[..80]
    );
    assert!(
        json.ends_with(
            r#"{"type": "array", "items": {"type": "string"}, "name": "c999", "required": true}]"#
        ),
        "{}",
        &json[json.len() - 80..]
    );
}

#[test]
fn a_thousand_columns_through_nested_flatten_keep_the_fields_order() {
    // Outer: its own c000..c099, then Middle (c100..c499), then Last: c600..c699 (Leaf6),
    // its own c500..c599, then c700..c999.
    let order: Vec<usize> = (0..500)
        .chain(600..700)
        .chain(500..600)
        .chain(700..1000)
        .collect();
    assert_columns(&Outer::input_schema(), &order);
    assert_columns(&Outer::output_schema(), &order);
    assert_eq!(Middle::schema().len(), 400);
    assert_eq!(Last::schema().len(), 500);
}

#[test]
fn two_thousand_columns_through_flatten_are_compared_by_the_compiler() {
    let schema = Both::input_schema();
    let names: Vec<&str> = schema
        .names()
        .map(|n| n.and_then(|n| n.as_str()).unwrap())
        .collect();
    assert_eq!(names.len(), 2000);
    assert_eq!((names[0], names[999]), ("c000", "c999"));
    assert_eq!((names[1000], names[1999]), ("C000", "C999"));
}

#[test]
fn a_generic_struct_flattening_a_thousand_columns_is_checked_where_used() {
    let schema = Around::<Wide>::input_schema();
    assert_eq!(schema.len(), 1001);
    let columns = schema.columns().expect("a column schema");
    assert_eq!(columns[999].name().and_then(|n| n.as_str()), Some("c999"));
    assert_eq!(columns[1000].name().and_then(|n| n.as_str()), Some("extra"));
    assert_eq!(columns[1000].ty().to_string(), "boolean");
    assert_eq!(Around::<Outer>::output_schema().len(), 1001);
}

#[test]
fn the_descriptions_are_built_by_the_compiler() {
    // The whole schema exists as a constant, flattened entries in place.
    const OUTER: signature_runtime::derived::Description = <Outer as Signature>::DESCRIPTION;
    assert_eq!(OUTER.type_name, "Outer");
    assert_eq!(
        OUTER.input.len(),
        102,
        "100 own columns and two flattened fields"
    );
    assert_eq!(<Wide as Signature>::DESCRIPTION.input.len(), 1000);
}

/// The drift check as `#[signature(check = "...")]` runs it, on 1,000 columns, evaluated by
/// the compiler: `Wide`'s columns are the file, once equal, once against `Outer` (the same
/// columns, but the fifth hundred comes after the sixth).
mod drift {
    use signature_runtime::__private::{Message, drift};
    use signature_runtime::Signature;
    use signature_runtime::derived::{ColumnDescription, Entry, TypeDescription, View};

    use super::{Outer, Wide};

    const SAME: Message = drift(
        &<Wide as Signature>::DESCRIPTION,
        View::Input,
        <Wide as Signature>::DESCRIPTION.input,
        "wide.json",
    );
    const REORDERED: Message = drift(
        &<Outer as Signature>::DESCRIPTION,
        View::Output,
        <Wide as Signature>::DESCRIPTION.output,
        "wide.json",
    );

    /// A column holding `Wide` as an object of 1,000 properties.
    #[derive(Signature)]
    struct Nested {
        payload: Wide,
    }

    /// The file's side: the same object, as the derive writes a file's object (sorted).
    const FILE_OBJECT: &[Entry] = &[Entry::Column(ColumnDescription {
        name: Some("payload"),
        ty: TypeDescription::Object(&<Wide as Signature>::DESCRIPTION),
        required: true,
    })];
    const OBJECT: Message = drift(
        &<Nested as Signature>::DESCRIPTION,
        View::Input,
        FILE_OBJECT,
        "nested.json",
    );
    /// A column holding `Outer`: the same 1,000 properties as `Wide`, in another order.
    #[derive(Signature)]
    struct NestedOuter {
        payload: Outer,
    }

    const REORDERED_OBJECT: Message = drift(
        &<NestedOuter as Signature>::DESCRIPTION,
        View::Input,
        FILE_OBJECT,
        "nested.json",
    );

    #[test]
    fn an_object_of_a_thousand_properties_is_compared_by_name() {
        assert_eq!(OBJECT.as_str(), "");
        // Properties are matched by name, in any order (MLflow sorts them).
        assert_eq!(REORDERED_OBJECT.as_str(), "");
        assert_eq!(
            Nested::schema().columns().unwrap()[0].ty().type_name(),
            "object"
        );
    }

    #[test]
    fn a_thousand_columns_equal_to_the_file_are_no_drift() {
        assert_eq!(SAME.as_str(), "");
    }

    #[test]
    fn a_thousand_columns_in_another_order_name_the_first_difference() {
        assert_eq!(
            REORDERED.as_str(),
            "`Outer` no longer matches the outputs in `wide.json`: column #501 is `c600` but \
             `c500` in the file (the order differs)"
        );
    }
}
