//! A checker built for a Rust type: what the type takes beyond its MLflow types (an enum's
//! variants, a narrower integer's range, a fixed-size array's length, a `char`) is reported
//! with every other problem, in one pass; a clean body still decodes.

use serde::Deserialize;
use signature_runtime::derived::{SignatureType, ValueLimit};
use signature_runtime::report::{ProblemKind, Report};
use signature_runtime::{CheckOptions, JsonChecker, Mode, Signature};

#[derive(Debug, PartialEq, Signature, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Heating {
    Gas,
    #[serde(alias = "heat_pump")]
    HeatPump,
    Wood,
}

#[derive(Debug, PartialEq, Signature, Deserialize)]
struct Flat {
    heating: Heating,
    floor: u8,
    position: [f64; 3],
    sqft: f64,
    rooms: Vec<i16>,
    grade: char,
    #[signature(dtype = "long")]
    id: u64,
}

/// (code, pointer) of each error.
fn errors(report: &Report) -> Vec<(&'static str, &str)> {
    report
        .errors()
        .map(|p| (p.kind().code(), p.pointer()))
        .collect()
}

const CLEAN: &str = r#"{"dataframe_records": [{"heating": "heat_pump", "floor": 3,
    "position": [1.0, 2.0, 3.5], "sqft": 800.0, "rooms": [12, 20], "grade": "A", "id": 7}]}"#;

#[test]
fn the_limits_come_from_the_field_types() {
    assert_eq!(
        <Heating as SignatureType>::LIMIT,
        ValueLimit::OneOf(&["gas", "heat_pump", "wood"])
    );
    assert_eq!(<u8 as SignatureType>::LIMIT, ValueLimit::range(0, 255));
    assert_eq!(<i64 as SignatureType>::LIMIT, ValueLimit::None);
    const U16: ValueLimit = ValueLimit::range(0, 65535);
    assert_eq!(
        <Option<[u16; 2]> as SignatureType>::LIMIT,
        ValueLimit::Length {
            len: 2,
            items: &U16
        }
    );
    assert_eq!(<Vec<f64> as SignatureType>::LIMIT, ValueLimit::None);
}

#[test]
fn a_non_zero_field_refuses_zero() {
    #[derive(Debug, Signature, Deserialize)]
    #[allow(dead_code)]
    struct Order {
        quantity: std::num::NonZero<u16>,
        delta: Option<std::num::NonZero<i32>>,
    }
    let checker = JsonChecker::for_type::<Order>();
    let report =
        checker.check(br#"[{"quantity": 0, "delta": 0}, {"quantity": 70000, "delta": -1}]"#);
    assert_eq!(
        errors(&report),
        [
            ("out_of_range", "/0/quantity"),
            ("out_of_range", "/0/delta"),
            ("out_of_range", "/1/quantity"),
        ]
    );
    assert_eq!(
        report.problems()[0].expected(),
        Some("an integer from 1 to 65535")
    );
    let decoded = checker
        .decode::<Order>(br#"[{"quantity": 2, "delta": null}]"#)
        .unwrap();
    assert_eq!(decoded.rows[0].quantity.get(), 2);
    assert!(decoded.rows[0].delta.is_none());
}

#[test]
fn every_limit_is_reported_with_the_schemas_problems_in_one_report() {
    let checker = JsonChecker::for_type::<Flat>();
    // An unknown variant, a `u8` of 300, three items short of a `[f64; 3]`, the column `sqft`
    // missing; and in the second record an `i16` out of range inside an array, two characters
    // for a `char`, and a negative `u64`.
    let body = br#"{"dataframe_records": [
        {"heating": "coal", "floor": 300, "position": [1.0, 2.0], "rooms": [], "grade": "A", "id": 1},
        {"heating": "gas", "floor": 1, "position": [1.0, 2.0, 3.0], "sqft": 1.0, "rooms": [1, 40000], "grade": "AB", "id": -1}
    ]}"#;
    let report = checker.check(body);
    assert_eq!(
        errors(&report),
        [
            ("unknown_variant", "/dataframe_records/0/heating"),
            ("out_of_range", "/dataframe_records/0/floor"),
            ("wrong_length", "/dataframe_records/0/position"),
            ("out_of_range", "/dataframe_records/1/rooms/1"),
            ("wrong_length", "/dataframe_records/1/grade"),
            ("out_of_range", "/dataframe_records/1/id"),
            // Columns missing from some records are reported once the records are read.
            ("missing_column", "/dataframe_records/0"),
        ],
        "{report}"
    );
    let variant = &report.problems()[0];
    assert_eq!(
        variant.expected(),
        Some("one of `gas`, `heat_pump`, `wood`")
    );
    assert_eq!(variant.value(), Some("\"coal\""));
    assert_eq!(
        report.problems()[1].expected(),
        Some("an integer from 0 to 255")
    );
    assert_eq!(report.problems()[2].found(), Some("2 items"));
    // `decode` refuses with the same report, not serde's first error.
    let refused = checker.decode::<Flat>(body).unwrap_err();
    assert_eq!(errors(&refused), errors(&report));
    // The schema alone knows none of these limits.
    let plain = JsonChecker::for_schema(&Flat::input_schema()).check(body);
    assert_eq!(errors(&plain), [("missing_column", "/dataframe_records/0")]);
}

#[test]
fn a_clean_body_decodes_in_every_layout() {
    let checker = JsonChecker::for_type::<Flat>();
    let decoded = checker.decode::<Flat>(CLEAN.as_bytes()).unwrap();
    assert!(decoded.report.is_valid());
    let flat = &decoded.rows[0];
    assert_eq!(
        (
            flat.heating == Heating::HeatPump,
            flat.floor,
            flat.position,
            flat.grade,
            flat.id
        ),
        (true, 3, [1.0, 2.0, 3.5], 'A', 7)
    );
    let split = br#"{"dataframe_split": {"columns": ["id", "grade", "rooms", "sqft", "position", "floor", "heating"],
        "data": [[7, "A", [12, 20], 800.0, [1.0, 2.0, 3.5], 3, "heat_pump"]]}}"#;
    assert_eq!(checker.decode::<Flat>(split).unwrap().rows, decoded.rows);
    let split_bad = br#"{"dataframe_split": {"columns": ["id", "grade", "rooms", "sqft", "position", "floor", "heating"],
        "data": [[7, "A", [12, 20], 800.0, [1.0, 2.0, 3.5], 256, "steam"]]}}"#;
    assert_eq!(
        errors(&checker.check(split_bad)),
        [
            ("out_of_range", "/dataframe_split/data/0/5"),
            ("unknown_variant", "/dataframe_split/data/0/6"),
        ]
    );
}

#[test]
fn the_mlflow_modes_check_the_limits_on_the_cast_values() {
    let checker = JsonChecker::for_type::<Flat>()
        .with_options(CheckOptions::new().with_mode(Mode::MlflowServing));
    // "300" is cast to 300, which a `u8` cannot hold; "3" is cast to 3, which it can. (MLflow
    // refuses a list of JSON integers for `array<integer>`: `rooms` is empty.)
    let body = br#"{"dataframe_records": [
        {"heating": "gas", "floor": "300", "position": [1.0, 2.0, 3.0], "sqft": 1.0, "rooms": [], "grade": "A", "id": 1},
        {"heating": "gas", "floor": "3", "position": [1.0, 2.0, 3.0], "sqft": 1.0, "rooms": [], "grade": "A", "id": 1}
    ]}"#;
    let report = checker.check(body);
    assert_eq!(
        errors(&report),
        [("out_of_range", "/dataframe_records/0/floor")]
    );
    let good = br#"{"dataframe_records": [{"heating": "gas", "floor": "3", "position": [1.0, 2.0, 3.0], "sqft": 1.0, "rooms": [], "grade": "A", "id": 1}]}"#;
    let decoded = checker.decode::<Flat>(good).unwrap();
    assert_eq!(decoded.rows[0].floor, 3);
    assert!(
        decoded
            .report
            .problems()
            .iter()
            .any(|p| p.kind() == ProblemKind::ValueChanged)
    );
}

#[test]
fn limits_reach_through_flatten_and_other_enums_keep_any_name() {
    #[derive(Debug, Signature, Deserialize)]
    #[allow(dead_code)]
    struct Outer {
        #[serde(flatten)]
        inner: Inner,
        label: Label,
    }
    #[derive(Debug, Signature, Deserialize)]
    #[allow(dead_code)]
    struct Inner {
        level: i8,
    }
    #[derive(Debug, Signature, Deserialize)]
    enum Label {
        Known,
        #[serde(other)]
        Other,
    }
    let checker = JsonChecker::for_type::<Outer>();
    let report = checker.check(br#"[{"level": -129, "label": "anything"}]"#);
    assert_eq!(errors(&report), [("out_of_range", "/0/level")]);
    assert_eq!(<Label as SignatureType>::LIMIT, ValueLimit::None);
}

#[derive(Debug, PartialEq, Signature, Deserialize)]
enum RoomKind {
    Bedroom,
    Kitchen,
    Bath,
}

#[derive(Debug, PartialEq, Signature, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Room {
    room_kind: RoomKind,
    area: f64,
    windows: u8,
}

#[derive(Debug, PartialEq, Signature, Deserialize)]
struct Address {
    street: String,
    floor: u8,
    #[serde(flatten)]
    unit: Unit,
    #[signature(dtype = "long")]
    code: u64,
}

#[derive(Debug, PartialEq, Signature, Deserialize)]
struct Unit {
    door: char,
}

#[derive(Debug, PartialEq, Signature, Deserialize)]
struct Listing {
    address: Address,
    rooms: Vec<Room>,
    previous: Option<Address>,
    sqft: f64,
}

#[test]
fn a_structs_limit_lists_its_fields_limits_by_serde_name() {
    const U8: ValueLimit = ValueLimit::range(0, 255);
    const U64: ValueLimit = ValueLimit::range(0, u64::MAX as i128);
    const KINDS: ValueLimit = ValueLimit::OneOf(&["Bath", "Bedroom", "Kitchen"]);
    assert_eq!(
        <Room as SignatureType>::LIMIT,
        ValueLimit::Fields(&[
            (Some("roomKind"), KINDS),
            (Some("area"), ValueLimit::None),
            (Some("windows"), U8),
        ])
    );
    // A flattened field's limits in the same object; a `dtype` field's integers keep theirs.
    assert_eq!(
        <Address as SignatureType>::LIMIT,
        ValueLimit::Fields(&[
            (Some("street"), ValueLimit::None),
            (Some("floor"), U8),
            (
                None,
                ValueLimit::Fields(&[(Some("door"), ValueLimit::OneChar)])
            ),
            (Some("code"), U64),
        ])
    );
    // A struct none of whose fields has a limit has none.
    #[derive(Signature, Deserialize)]
    #[allow(dead_code)]
    struct Plain {
        x: f64,
        y: String,
    }
    assert_eq!(<Plain as SignatureType>::LIMIT, ValueLimit::None);
}

#[test]
fn limits_inside_nested_objects_are_reported_with_their_pointers_in_one_pass() {
    let checker = JsonChecker::for_type::<Listing>();
    // A `u8` of 300 in a struct column, an unknown enum variant and a `u8` of -1 inside a
    // `Vec<Room>`, two characters for a flattened `char`, in an optional struct column; and
    // the column `sqft` missing from the second record.
    let body = br#"{"dataframe_records": [
        {"address": {"street": "Main", "floor": 300, "door": "A", "code": 1},
         "rooms": [{"roomKind": "Bedroom", "area": 12.0, "windows": 2},
                   {"roomKind": "Cellar", "area": 8.0, "windows": -1}],
         "previous": null, "sqft": 80.0},
        {"address": {"street": "High", "floor": 2, "door": "B", "code": 2},
         "rooms": [],
         "previous": {"street": "Low", "floor": 1, "door": "CD", "code": 3}}
    ]}"#;
    let report = checker.check(body);
    assert_eq!(
        errors(&report),
        [
            ("out_of_range", "/dataframe_records/0/address/floor"),
            ("unknown_variant", "/dataframe_records/0/rooms/1/roomKind"),
            ("out_of_range", "/dataframe_records/0/rooms/1/windows"),
            ("wrong_length", "/dataframe_records/1/previous/door"),
            ("missing_column", "/dataframe_records/1"),
        ],
        "{report}"
    );
    assert_eq!(
        report.problems()[1].expected(),
        Some("one of `Bath`, `Bedroom`, `Kitchen`")
    );
    // `decode` refuses with the same report, not serde's first error.
    let refused = checker.decode::<Listing>(body).unwrap_err();
    assert_eq!(errors(&refused), errors(&report));
    // The schema alone knows none of these limits.
    let plain = JsonChecker::for_schema(&Listing::input_schema()).check(body);
    assert_eq!(errors(&plain), [("missing_column", "/dataframe_records/1")]);
    // The same values in the split layout, at their places there.
    let split = br#"{"dataframe_split": {"columns": ["sqft", "rooms", "address", "previous"],
        "data": [[1.0, [{"roomKind": "Kitchen", "area": 1.0, "windows": 256}],
                  {"street": "S", "floor": 1, "door": "", "code": 1}, null]]}}"#;
    assert_eq!(
        errors(&checker.check(split)),
        [
            ("out_of_range", "/dataframe_split/data/0/1/0/windows"),
            ("wrong_length", "/dataframe_split/data/0/2/door"),
        ]
    );
}

/// `dtype` fields of integers, optional or in lists, arrays and maps: a struct column's too.
#[derive(Debug, PartialEq, Signature, Deserialize)]
struct Ids {
    #[signature(dtype = "long")]
    maybe: Option<u64>,
    #[signature(dtype = "array<long>")]
    many: Vec<u64>,
    #[signature(dtype = "map<long>")]
    counts: std::collections::BTreeMap<String, usize>,
    #[signature(dtype = "array<integer>")]
    pair: [u16; 2],
    /// Not written as integers: the derive cannot ask its type for a limit in a `const`.
    #[signature(dtype = "long")]
    other: Wrapped,
}

#[derive(Debug, PartialEq, Deserialize)]
struct Wrapped(u8);

#[derive(Debug, PartialEq, Signature, Deserialize)]
struct Shipment {
    ids: Ids,
    #[signature(dtype = "long")]
    top: Option<u64>,
    #[signature(dtype = "array<long>")]
    all: Vec<Option<u64>>,
}

#[test]
fn dtype_fields_of_integers_keep_their_limits_inside_struct_columns_too() {
    const U64: ValueLimit = ValueLimit::range(0, u64::MAX as i128);
    const U16: ValueLimit = ValueLimit::range(0, u16::MAX as i128);
    assert_eq!(
        <Ids as SignatureType>::LIMIT,
        ValueLimit::Fields(&[
            (Some("maybe"), U64),
            (Some("many"), ValueLimit::Items(&U64)),
            (Some("counts"), ValueLimit::Items(&U64)),
            (
                Some("pair"),
                ValueLimit::Length {
                    len: 2,
                    items: &U16
                }
            ),
        ])
    );
    let checker = JsonChecker::for_type::<Shipment>();
    let clean = br#"{"dataframe_records": [{"ids": {"maybe": null, "many": [1, 2],
        "counts": {"a": 3}, "pair": [4, 65535], "other": 5}, "top": 7, "all": [8, 9]}]}"#;
    assert!(checker.check(clean).is_valid(), "{}", checker.check(clean));
    let rows = checker.decode::<Shipment>(clean).unwrap();
    assert_eq!(rows.rows[0].ids.pair, [4, 65535]);
    // Every negative number where the Rust type holds none, and a `u16` past its range: all
    // reported by the check, where serde would stop at the first.
    let body = br#"{"dataframe_records": [{"ids": {"maybe": -1, "many": [1, -2],
        "counts": {"a": -3}, "pair": [4, 65536], "other": 5}, "top": -7, "all": [-8, 9]}]}"#;
    let report = checker.check(body);
    assert_eq!(
        errors(&report),
        [
            ("out_of_range", "/dataframe_records/0/ids/maybe"),
            ("out_of_range", "/dataframe_records/0/ids/many/1"),
            ("out_of_range", "/dataframe_records/0/ids/counts/a"),
            ("out_of_range", "/dataframe_records/0/ids/pair/1"),
            ("out_of_range", "/dataframe_records/0/top"),
            ("out_of_range", "/dataframe_records/0/all/0"),
        ],
        "{report}"
    );
    assert_eq!(
        errors(&checker.decode::<Shipment>(body).unwrap_err()),
        errors(&report)
    );
}

#[test]
fn a_clean_nested_body_decodes() {
    let checker = JsonChecker::for_type::<Listing>();
    let body = br#"[{"address": {"street": "Main", "floor": 255, "door": "A", "code": 7},
        "rooms": [{"roomKind": "Bath", "area": 4.5, "windows": 0}], "previous": null, "sqft": 40.0}]"#;
    let decoded = checker.decode::<Listing>(body).unwrap();
    assert!(decoded.report.is_valid(), "{}", decoded.report);
    let listing = &decoded.rows[0];
    assert_eq!(
        (
            listing.address.floor,
            listing.address.unit.door,
            listing.address.code,
            &listing.rooms[0].room_kind
        ),
        (255, 'A', 7, &RoomKind::Bath)
    );
}

#[test]
fn every_nested_misfit_of_a_thousand_rows_is_reported() {
    let checker = JsonChecker::for_type::<Listing>();
    // Bad values in rows 0, 1 and 999 and every 97th row: a nested `u8` of 256 and an unknown
    // variant inside the rooms.
    let bad_rows: Vec<usize> = (0..1000)
        .filter(|row| *row < 2 || row % 97 == 0 || *row == 999)
        .collect();
    let rows: Vec<String> = (0..1000)
        .map(|row| {
            let bad = bad_rows.contains(&row);
            let (floor, kind) = if bad { (256, "Attic") } else { (row % 200, "Kitchen") };
            format!(
                r#"{{"address": {{"street": "S{row}", "floor": {floor}, "door": "A", "code": {row}}},
                    "rooms": [{{"roomKind": "Bath", "area": 1.0, "windows": 1}},
                              {{"roomKind": "{kind}", "area": 2.0, "windows": 3}}],
                    "previous": null, "sqft": {row}.5}}"#
            )
        })
        .collect();
    let body = format!(r#"{{"dataframe_records": [{}]}}"#, rows.join(","));
    let report = checker.check(body.as_bytes());
    let expected: Vec<(&str, String)> = bad_rows
        .iter()
        .flat_map(|row| {
            [
                (
                    "out_of_range",
                    format!("/dataframe_records/{row}/address/floor"),
                ),
                (
                    "unknown_variant",
                    format!("/dataframe_records/{row}/rooms/1/roomKind"),
                ),
            ]
        })
        .collect();
    let found: Vec<(&str, String)> = report
        .errors()
        .map(|p| (p.kind().code(), p.pointer().to_owned()))
        .collect();
    assert_eq!(found, expected);
    assert_eq!(report.rows(), Some(1000));
}

/// Found by the `check_json` fuzz target: an unknown param the check passes (a warning, its
/// value unread) that no JSON value can hold. The decode refuses the body with an error of its
/// own at `/params`, as `conform` does, not with "does not deserialise".
#[test]
fn params_no_json_value_holds_are_an_error_of_decode() {
    let checker = JsonChecker::for_type::<Flat>();
    let body = CLEAN.replace("}]}", r#"}], "params": {"huge": 1e3147483648}}"#);
    assert!(checker.check(body.as_bytes()).is_valid());
    let refused = checker.decode::<Flat>(body.as_bytes()).unwrap_err();
    assert_eq!(
        errors(&refused),
        vec![("out_of_range", "/params")],
        "{refused}"
    );
    assert!(
        refused
            .to_string()
            .contains("the params cannot be held as JSON values: number out of range"),
        "{refused}"
    );
    assert_eq!(refused.warnings().count(), 1, "{refused}");
}

/// A type of scalar fields only, three of them narrower integers and one an enum: its records
/// and rows take the fast path, which checks the fields' ranges in place of the columns' own
/// and the enum's variant names.
#[derive(Debug, PartialEq, Signature, Deserialize)]
struct Reading {
    sensor: u16,
    level: u8,
    offset: i8,
    count: Option<u32>,
    value: f64,
    unit: Measure,
}

#[derive(Clone, Debug, PartialEq, Signature, Deserialize)]
enum Measure {
    #[serde(rename = "°C")]
    Celsius,
    #[serde(alias = "kelvin")]
    Kelvin,
    Percent,
}

#[test]
fn narrow_integers_and_enums_decode_at_their_edges_and_past_them_are_reported_in_every_row() {
    const FIELDS: [&str; 6] = ["sensor", "level", "offset", "count", "value", "unit"];
    const UNITS: [(&str, Measure); 4] = [
        ("°C", Measure::Celsius),
        ("Kelvin", Measure::Kelvin),
        ("kelvin", Measure::Kelvin),
        ("Percent", Measure::Percent),
    ];
    let checker = JsonChecker::for_type::<Reading>();
    let expected: Vec<Reading> = (0..1_000u32)
        .map(|i| Reading {
            sensor: if i % 2 == 0 { u16::MAX } else { i as u16 },
            level: if i % 3 == 0 { u8::MAX } else { (i % 200) as u8 },
            offset: if i % 5 == 0 { i8::MIN } else { i8::MAX },
            count: (i % 7 != 0).then_some(if i % 2 == 0 { u32::MAX } else { i }),
            value: f64::from(i) / 4.0,
            unit: UNITS[i as usize % 4].1.clone(),
        })
        .collect();
    // The rows as records (keys rotated, a fresh order from one record to the next) or as
    // `dataframe_split`, with `past`'s values (row, field, text) in place of the rows' own.
    let body = |records: bool, past: &[(usize, &str, &str)]| {
        let rows = expected.iter().enumerate().map(|(i, r)| {
            let count = r.count.map_or("null".to_owned(), |c| c.to_string());
            let mut cells = [
                r.sensor.to_string(),
                r.level.to_string(),
                r.offset.to_string(),
                count,
                format!("{:?}", r.value),
                format!("\"{}\"", UNITS[i % 4].0),
            ];
            for (_, field, text) in past.iter().filter(|(row, ..)| *row == i) {
                let at = FIELDS.iter().position(|f| f == field).unwrap();
                cells[at] = (*text).to_owned();
            }
            if !records {
                return format!("[{}]", cells.join(", "));
            }
            let mut members: Vec<String> = FIELDS
                .iter()
                .zip(&cells)
                .map(|(f, c)| format!(r#""{f}": {c}"#))
                .collect();
            members.rotate_left(i % FIELDS.len());
            format!("{{{}}}", members.join(", "))
        });
        let rows = rows.collect::<Vec<_>>().join(", ");
        match records {
            true => format!(r#"{{"dataframe_records": [{rows}]}}"#),
            false => format!(
                r#"{{"dataframe_split": {{"columns": ["sensor", "level", "offset", "count", "value", "unit"], "data": [{rows}]}}}}"#
            ),
        }
    };
    for records in [true, false] {
        let decoded = checker
            .decode::<Reading>(body(records, &[]).as_bytes())
            .unwrap();
        assert!(decoded.report.is_valid(), "{:?}", decoded.report);
        assert_eq!(decoded.rows, expected);
    }

    // One past each edge, in rows among clean ones: each reported where it is, nothing else.
    let past = [
        (100, "sensor", "65536"),
        (200, "level", "256"),
        (300, "offset", "-129"),
        (400, "offset", "128"),
        (500, "count", "4294967296"),
        (600, "level", "-1"),
        (700, "unit", r#""Celsius""#),
        (800, "unit", r#""KELVIN""#),
        (900, "unit", r#""°c""#),
    ];
    for records in [true, false] {
        let report = checker.check(body(records, &past).as_bytes());
        let pointer = |row: usize, field: &str| match records {
            true => format!("/dataframe_records/{row}/{field}"),
            false => {
                let at = FIELDS.iter().position(|f| *f == field).unwrap();
                format!("/dataframe_split/data/{row}/{at}")
            }
        };
        let expected: Vec<(&str, String)> = past
            .iter()
            .map(|(row, field, _)| {
                let code = if *field == "unit" {
                    "unknown_variant"
                } else {
                    "out_of_range"
                };
                (code, pointer(*row, field))
            })
            .collect();
        let found: Vec<(&str, String)> = errors(&report)
            .into_iter()
            .map(|(code, at)| (code, at.to_owned()))
            .collect();
        assert_eq!(found, expected);
    }
}
