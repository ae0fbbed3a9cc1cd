//! JSON objects have no key order: a body's records, `inputs` objects, `params` and object
//! cells must get the same report whatever order their keys come in, at production width
//! (1,000 columns), on the fast path and on the general path alike.

use crate::check::{CheckOptions, JsonChecker};
use crate::report::Report;
use crate::types::{
    ColSpec, ColumnType, DataType, ModelSignature, Object, ParamSchema, ParamSpec, Property, Schema,
};

const WIDTH: usize = 1_000;

/// How a test lays out an object's keys.
#[derive(Clone, Copy, Debug)]
enum Order {
    /// The schema's order.
    Schema,
    /// Sorted by their bytes, as Go's encoder and `json.dumps(sort_keys=True)` write them.
    Sorted,
    /// One pseudo-random permutation for every object of the same length (a client whose
    /// frame holds its columns in another order).
    ShuffledOnce,
    /// A fixed pseudo-random permutation, a different one per object.
    Shuffled,
}

const ORDERS: [Order; 4] = [
    Order::Schema,
    Order::Sorted,
    Order::ShuffledOnce,
    Order::Shuffled,
];

/// A deterministic permutation (xorshift, seeded per object): no dependency, same every run.
fn shuffle<T>(items: &mut [T], seed: u64) {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    for i in (1..items.len()).rev() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let j = usize::try_from(state % (i as u64 + 1)).unwrap();
        items.swap(i, j);
    }
}

/// The object `{key: value, ...}` of these members (keys already JSON text), in `order`.
fn object(members: &[(String, String)], order: Order, seed: u64) -> String {
    let mut members = members.to_vec();
    match order {
        Order::Schema => {}
        Order::Sorted => members.sort(),
        Order::ShuffledOnce => shuffle(&mut members, 99),
        Order::Shuffled => shuffle(&mut members, seed),
    }
    let inner: Vec<String> = members.iter().map(|(k, v)| format!("{k}: {v}")).collect();
    format!("{{{}}}", inner.join(", "))
}

fn quoted(name: &str) -> String {
    format!("\"{name}\"")
}

/// 1,000 scalar columns of every fast-path type; every seventh optional.
fn wide_schema() -> Schema {
    let columns = (0..WIDTH)
        .map(|i| {
            let ty = [
                DataType::Long,
                DataType::Double,
                DataType::String,
                DataType::Boolean,
                DataType::Integer,
            ][i % 5];
            let spec = ColSpec::new(format!("feature_{i}"), ty);
            if i % 7 == 3 { spec.optional() } else { spec }
        })
        .collect();
    Schema::from_columns(columns).unwrap()
}

/// A valid cell of column `i` in row `row`.
fn cell(i: usize, row: usize) -> String {
    match i % 5 {
        0 | 4 => format!("{}", (i * 31 + row) % 1000),
        1 => format!("{}.25", i + row),
        2 => format!("\"v{i}_{row}\""),
        _ => if (i + row).is_multiple_of(2) {
            "true"
        } else {
            "false"
        }
        .to_owned(),
    }
}

/// The members of every record, clean.
fn clean_records(rows: usize) -> Vec<Vec<(String, String)>> {
    (0..rows)
        .map(|row| {
            (0..WIDTH)
                .map(|i| (quoted(&format!("feature_{i}")), cell(i, row)))
                .collect()
        })
        .collect()
}

/// The records with something for the report in each of the first ones: missing required
/// and optional keys, an extra key, a key given twice (same value), a key written with an
/// escape, wrong types, a null in a required column.
fn broken_records(rows: usize) -> Vec<Vec<(String, String)>> {
    let mut records = clean_records(rows);
    // Record 0: lacks required feature_5 and optional feature_3.
    records[0].retain(|(k, _)| k != "\"feature_5\"" && k != "\"feature_3\"");
    // Record 1: an extra key. Record 5: feature_10 twice with the same value (nothing else,
    // so the fast path meets the repeat).
    records[1].push(("\"not_a_feature\"".to_owned(), "1".to_owned()));
    let repeated = records[5][10].clone();
    records[5].push(repeated);
    // Record 2: feature_20 (long) given a string, feature_21 (double) a null.
    records[2][20].1 = "\"twenty\"".to_owned();
    records[2][21].1 = "null".to_owned();
    // Record 3: feature_15 written with an escape (`\u005f` is `_`), a float in an integer.
    records[3][15].0 = "\"feature\\u005f15\"".to_owned();
    records[3][24].1 = "2.5".to_owned();
    // Record 4: required feature_999 missing (as in record 0's feature_5, counted per column).
    records[4].retain(|(k, _)| k != "\"feature_999\"" && k != "\"feature_5\"");
    records
}

fn records_body(records: &[Vec<(String, String)>], order: Order) -> String {
    let rows: Vec<String> = records
        .iter()
        .enumerate()
        .map(|(r, members)| object(members, order, r as u64 + 1))
        .collect();
    format!("{{\"dataframe_records\": [{}]}}", rows.join(",\n"))
}

/// A report's problems (sorted), error and warning counts, and rows.
type Outline = (Vec<String>, u64, u64, Option<u64>);

/// The report's problems as comparable text, in a fixed order (problems within one object
/// are listed in the order its keys come), with the counts.
fn outline(report: &Report) -> Outline {
    let mut problems: Vec<String> = report
        .problems()
        .iter()
        .map(|p| serde_json::to_string(p).unwrap())
        .collect();
    problems.sort();
    (
        problems,
        report.error_count(),
        report.warning_count(),
        report.rows(),
    )
}

/// The outline of `body`'s report, the same from the fast path and the general path.
fn checked(checker: &JsonChecker, body: &str) -> Outline {
    let fast = outline(&checker.check(body.as_bytes()));
    let general = outline(&checker.check_without_fast_paths(body.as_bytes()));
    assert_eq!(fast, general, "the fast path changed the report");
    fast
}

#[test]
fn wide_records_in_any_key_order_are_clean() {
    let checker = JsonChecker::for_schema(&wide_schema());
    let records = clean_records(30);
    for order in ORDERS {
        let outline = checked(&checker, &records_body(&records, order));
        assert_eq!(outline, (vec![], 0, 0, Some(30)), "{order:?}");
    }
}

#[test]
fn wide_records_in_any_key_order_get_the_same_report() {
    let checker = JsonChecker::for_schema(&wide_schema());
    let records = broken_records(30);
    let in_order = checked(&checker, &records_body(&records, Order::Schema));
    let (problems, errors, warnings, rows) = &in_order;
    // What the body holds: two columns missing from some records, an extra (a warning), a
    // repeated key, three wrong cells.
    assert_eq!(
        (*errors, *warnings, *rows),
        (6, 1, Some(30)),
        "{problems:#?}"
    );
    for needle in [
        "\"kind\":\"missing_column\"",
        "feature_5",
        "feature_999",
        "\"kind\":\"extra_column\"",
        "/dataframe_records/1/not_a_feature",
        "\"kind\":\"duplicate_key\"",
        "/dataframe_records/5/feature_10",
        "/dataframe_records/2/feature_20",
        "/dataframe_records/2/feature_21",
        "/dataframe_records/3/feature_24",
    ] {
        assert!(
            problems.iter().any(|p| p.contains(needle)),
            "no problem with {needle}: {problems:#?}"
        );
    }
    for &order in &ORDERS[1..] {
        let other = checked(&checker, &records_body(&records, order));
        assert_eq!(other, in_order, "{order:?}");
    }
}

#[test]
fn wide_inputs_objects_of_columns_in_any_key_order_get_the_same_report() {
    let checker = JsonChecker::for_schema(&wide_schema());
    let mut members: Vec<(String, String)> = (0..WIDTH)
        .map(|i| {
            let cells: Vec<String> = (0..3).map(|row| cell(i, row)).collect();
            (
                quoted(&format!("feature_{i}")),
                format!("[{}]", cells.join(", ")),
            )
        })
        .collect();
    members.retain(|(k, _)| k != "\"feature_8\"");
    members.push(("\"stray\"".to_owned(), "[1, 2, 3]".to_owned()));
    members[40].1 = "[1, \"x\", 3]".to_owned();
    let body = |order| format!("{{\"inputs\": {}}}", object(&members, order, 7));
    let in_order = checked(&checker, &body(Order::Schema));
    assert_eq!(
        (in_order.1, in_order.2, in_order.3),
        (2, 1, Some(3)),
        "{in_order:#?}"
    );
    for &order in &ORDERS[1..] {
        assert_eq!(checked(&checker, &body(order)), in_order, "{order:?}");
    }
}

#[test]
fn params_in_any_key_order_get_the_same_report() {
    let specs: Vec<ParamSpec> = (0..300)
        .map(|i| {
            if i % 2 == 0 {
                ParamSpec::scalar(format!("p{i}"), DataType::Long, 1i64).unwrap()
            } else {
                ParamSpec::scalar(format!("p{i}"), DataType::String, "a").unwrap()
            }
        })
        .collect();
    let signature = ModelSignature::new(
        Some(Schema::from_columns(vec![ColSpec::new("x", DataType::Long)]).unwrap()),
        None,
        Some(ParamSchema::new(specs).unwrap()),
    )
    .unwrap();
    let checker = JsonChecker::for_signature(&signature);
    let mut members: Vec<(String, String)> = (0..300)
        .map(|i| {
            let value = if i % 2 == 0 { "5" } else { "\"b\"" };
            (quoted(&format!("p{i}")), value.to_owned())
        })
        .collect();
    members[17].1 = "17".to_owned(); // a number for a string parameter
    members[42].1 = "\"x\"".to_owned(); // a string for a long one
    members.push(("\"p_unknown\"".to_owned(), "0".to_owned()));
    let body = |order| {
        format!(
            "{{\"dataframe_records\": [{{\"x\": 1}}], \"params\": {}}}",
            object(&members, order, 11)
        )
    };
    let in_order = checked(&checker, &body(Order::Schema));
    assert_eq!((in_order.1, in_order.2), (2, 1), "{in_order:#?}");
    for &order in &ORDERS[1..] {
        assert_eq!(checked(&checker, &body(order)), in_order, "{order:?}");
    }
}

#[test]
fn object_properties_in_any_key_order_get_the_same_report() {
    let properties: Vec<Property> = (0..200)
        .map(|i| {
            let property = Property::new(format!("q{i}"), DataType::Long);
            if i % 10 == 9 {
                property.optional()
            } else {
                property
            }
        })
        .collect();
    let schema = Schema::from_columns(vec![
        ColSpec::new("id", DataType::Long),
        ColSpec::new("obj", ColumnType::Object(Object::new(properties).unwrap())),
    ])
    .unwrap();
    let checker = JsonChecker::for_schema(&schema).with_options(CheckOptions::new());
    let mut members: Vec<(String, String)> = (0..200)
        .map(|i| (quoted(&format!("q{i}")), i.to_string()))
        .collect();
    members.retain(|(k, _)| k != "\"q3\"" && k != "\"q19\""); // required, optional
    members[50].1 = "\"fifty\"".to_owned();
    members.push(("\"q_extra\"".to_owned(), "1".to_owned()));
    let body = |order| {
        format!(
            "{{\"dataframe_records\": [{{\"id\": 1, \"obj\": {}}}]}}",
            object(&members, order, 3)
        )
    };
    let in_order = checked(&checker, &body(Order::Schema));
    assert_eq!(in_order.1, 3, "{in_order:#?}");
    for &order in &ORDERS[1..] {
        assert_eq!(checked(&checker, &body(order)), in_order, "{order:?}");
    }
}
