//! Strict ⇔ serde: for types deriving both `Signature` and `Deserialize`, the checker's Strict
//! verdict on a `dataframe_records` body is valid exactly when `serde_json::from_str::<Vec<T>>`
//! of the records succeeds, except for the differences listed in [`Exception`], each encoded
//! here with its reason. When the check passes, `JsonChecker::decode` returns what serde
//! returns, from every body format. Both for a checker built for the type's schema and for
//! one built for the type itself, which also checks what the Rust type holds (its integers'
//! ranges, `NonZero`, enum variants, `char`, fixed array lengths), so that those differences
//! are not exceptions for it.
//!
//! Rows are generated with values of every JSON kind per field: the right type, other types,
//! `null`, integers at and beyond each range, floats where integers belong, numbers a float
//! type cannot hold exactly, strings, lists and objects; keys go missing and extra keys appear.

use std::collections::HashMap;

use proptest::prelude::*;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use signature_runtime::check::ColumnValues;
use signature_runtime::{JsonChecker, Signature};

// ---- The types ------------------------------------------------------------------------------

#[derive(Debug, PartialEq, Signature, Deserialize)]
struct Scalars {
    flag: bool,
    small: i32,
    big: i64,
    single: f32,
    double: f64,
    text: String,
}

#[derive(Debug, PartialEq, Signature, Deserialize)]
struct Narrow {
    byte: u8,
    short: i16,
    unsigned: u32,
}

#[derive(Debug, PartialEq, Signature, Deserialize)]
struct Optionals {
    count: Option<i64>,
    label: Option<String>,
    #[serde(default)]
    fallback: i64,
}

#[derive(Debug, PartialEq, Signature, Deserialize)]
struct Lists {
    ints: Vec<i64>,
    names: Vec<String>,
    pair: [i32; 2],
}

#[derive(Debug, PartialEq, Signature, Deserialize)]
struct Point {
    x: f64,
    y: Option<f64>,
}

#[derive(Debug, PartialEq, Signature, Deserialize)]
struct Nested {
    point: Point,
    tags: HashMap<String, i64>,
}

#[derive(Debug, PartialEq, Signature, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Renamed {
    user_name: String,
    #[serde(rename = "Total")]
    total_count: i64,
}

/// Integers wider than MLflow's `long` (given a `dtype`) and a `NonZero`, at the top level and
/// inside a struct column.
#[derive(Debug, PartialEq, Signature, Deserialize)]
struct Counts {
    #[signature(dtype = "long")]
    id: u64,
    #[signature(dtype = "long")]
    maybe: Option<u64>,
    rooms: std::num::NonZeroU8,
    unit: Unit,
}

#[derive(Debug, PartialEq, Signature, Deserialize)]
struct Unit {
    floor: u8,
    #[signature(dtype = "long")]
    code: u64,
}

#[derive(Debug, PartialEq, Signature, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Color {
    Red,
    Green,
}

#[derive(Debug, PartialEq, Signature, Deserialize)]
struct Labels {
    color: Color,
    letter: char,
}

// ---- The documented differences -------------------------------------------------------------

/// A value on which the checker and serde disagree, in one direction or the other. Nothing
/// else may differ.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Exception {
    // -- The checker rejects, serde accepts.
    /// `float`/`double`: an integer the type cannot hold exactly (`16777217` for `f32`,
    /// `2^53 + 1` for `f64`) is `inexact_number`; serde rounds it. Rule table: `float`,
    /// `double`.
    InexactInteger,
    /// `float`: a number beyond `f32::MAX` (`1e39`) is `out_of_range`; serde rounds it to an
    /// infinite `f32`. Rule table: *differs*.
    F32Overflow,
    /// `object`: a key the struct does not declare is `unknown_property` (MLflow rejects
    /// undeclared keys in object values); serde ignores it unless `deny_unknown_fields`.
    ObjectExtraKey,
    /// `object`: a JSON object only; serde's derived structs also read a list of the fields
    /// in order (`[1.0, 2.0]` for `Point`), which is not MLflow's object.
    ObjectFromList,
    // -- The checker accepts, serde rejects: the Rust type holds less than its MLflow type.
    /// A `#[serde(default)]` field is an optional column, and `null` is fine in an optional
    /// column (MLflow's rule); serde only defaults a *missing* key, and refuses `null` for a
    /// non-`Option` type.
    NullForDefault,
    /// `u8`, `i16` are `integer` and `u32` is `long`: the MLflow type is wider than the Rust
    /// one, so `300` passes the check and serde refuses it for `u8`.
    NarrowInteger,
    /// `[T; N]` is an `array`, which has no length: serde needs exactly `N` elements.
    FixedArrayLength,
    /// A field-less enum is a `string` column: any string passes the check, serde needs a
    /// variant name.
    EnumVariant,
    /// `char` is a `string` column: serde needs exactly one character.
    CharLength,
    /// `u64` given `dtype = "long"`: a number past `i64::MAX` is beyond MLflow's `long`
    /// (`out_of_range`), which serde holds in a `u64`.
    BeyondLong,
}

impl Exception {
    /// Whether the checker is the stricter one (it rejects, serde accepts).
    fn checker_rejects(self) -> bool {
        matches!(
            self,
            Exception::InexactInteger
                | Exception::F32Overflow
                | Exception::ObjectExtraKey
                | Exception::ObjectFromList
                | Exception::BeyondLong
        )
    }

    /// Whether a checker built for the Rust type checks this itself (what the type holds
    /// beyond its MLflow type), so that it is no difference there.
    fn checked_for_the_type(self) -> bool {
        matches!(
            self,
            Exception::NarrowInteger
                | Exception::FixedArrayLength
                | Exception::EnumVariant
                | Exception::CharLength
        )
    }
}

/// What the checker was built for.
#[derive(Clone, Copy, Debug)]
enum Built {
    /// `JsonChecker::for_schema(&T::input_schema())`: MLflow's rules only.
    ForSchema,
    /// `JsonChecker::for_type::<T>()`: also what the Rust type holds.
    ForType,
}

/// A value of `kind` both accept, to stand in for one only the checker accepts.
fn neutral(kind: Kind) -> &'static str {
    match kind {
        Kind::Pair => "[0, 0]",
        Kind::Color => "\"red\"",
        Kind::Char => "\"a\"",
        Kind::NonZeroU8 => "1",
        _ => "0",
    }
}

/// `text` with what only the checker accepts in it replaced by what both accept: the whole
/// value, or for a struct column, the members at fault (its other members may be refused by
/// both, which a whole neutral object would hide).
fn repaired(kind: Kind, text: &str) -> String {
    match kind {
        Kind::Unit => {
            let mut text = text.to_owned();
            for (key, fault) in [
                (
                    "floor",
                    unit_floor_exception as fn(&str) -> Option<Exception>,
                ),
                ("code", u64_exception),
            ] {
                if let Some(number) = member_number(&text, key)
                    && fault(number).is_some_and(|e| !e.checker_rejects())
                {
                    let member = format!("\"{key}\": {number}");
                    text = text.replacen(&member, &format!("\"{key}\": 0"), 1);
                }
            }
            text
        }
        _ => neutral(kind).to_owned(),
    }
}

/// What a field is, for generating its values and classifying them.
#[derive(Clone, Copy, Debug)]
enum Kind {
    Bool,
    I32,
    I64,
    F32,
    F64,
    Str,
    U8,
    I16,
    U32,
    DefaultI64,
    VecI64,
    VecStr,
    Pair,
    Point,
    MapI64,
    Color,
    Char,
    U64,
    OptionU64,
    NonZeroU8,
    /// The struct column `Unit`: a `u8` and a `u64` given `dtype = "long"`.
    Unit,
}

/// The documented difference a value of `kind` triggers for a checker built for `built`, if
/// any.
fn exception(built: Built, kind: Kind, text: &str) -> Option<Exception> {
    let found = schema_exception(kind, text)?;
    match built {
        Built::ForType if found.checked_for_the_type() => None,
        _ => Some(found),
    }
}

/// The documented difference a value of `kind` triggers for a checker built for the schema, if
/// any.
fn schema_exception(kind: Kind, text: &str) -> Option<Exception> {
    match kind {
        Kind::F32 => float_exception(text, true),
        Kind::F64 => float_exception(text, false),
        Kind::U8 => narrow(text, 0, 255, i64::from(i32::MIN), i64::from(i32::MAX)),
        Kind::I16 => narrow(
            text,
            -32_768,
            32_767,
            i64::from(i32::MIN),
            i64::from(i32::MAX),
        ),
        Kind::U32 => narrow(text, 0, i64::from(u32::MAX), i64::MIN, i64::MAX),
        Kind::NonZeroU8 => narrow(text, 1, 255, i64::from(i32::MIN), i64::from(i32::MAX)),
        Kind::U64 | Kind::OptionU64 => u64_exception(text),
        Kind::Unit => unit_exception(text),
        Kind::DefaultI64 => (text == "null").then_some(Exception::NullForDefault),
        Kind::Pair => match serde_json::from_str::<Vec<i32>>(text) {
            Ok(items) if items.len() != 2 => Some(Exception::FixedArrayLength),
            _ => None,
        },
        Kind::Point => point_exception(text),
        Kind::Color => match serde_json::from_str::<Value>(text) {
            Ok(Value::String(s)) if s != "red" && s != "green" => Some(Exception::EnumVariant),
            _ => None,
        },
        Kind::Char => match serde_json::from_str::<Value>(text) {
            Ok(Value::String(s)) if s.chars().count() != 1 => Some(Exception::CharLength),
            _ => None,
        },
        _ => None,
    }
}

fn float_exception(text: &str, single: bool) -> Option<Exception> {
    let Ok(Value::Number(_)) = serde_json::from_str::<Value>(text) else {
        return None;
    };
    let value: f64 = text.parse().ok()?;
    #[allow(clippy::cast_possible_truncation)]
    let narrow = value as f32;
    if single && narrow.is_infinite() {
        return Some(Exception::F32Overflow);
    }
    let integral = !text.contains(['.', 'e', 'E']);
    if !integral {
        return None;
    }
    let exact = match text.parse::<i128>() {
        #[allow(clippy::cast_precision_loss, clippy::cast_possible_truncation)]
        Ok(n) => {
            if single {
                narrow as i128 == n
            } else {
                value as i128 == n
            }
        }
        Err(_) => {
            let digits = text.trim_start_matches('-');
            format!("{:.0}", value.abs()) == digits && (!single || f64::from(narrow) == value)
        }
    };
    (!exact).then_some(Exception::InexactInteger)
}

fn narrow(text: &str, min: i64, max: i64, column_min: i64, column_max: i64) -> Option<Exception> {
    let n = serde_json::from_str::<Value>(text).ok()?.as_i64()?;
    ((column_min..=column_max).contains(&n) && !(min..=max).contains(&n))
        .then_some(Exception::NarrowInteger)
}

fn u64_exception(text: &str) -> Option<Exception> {
    let number = serde_json::from_str::<Value>(text).ok()?;
    if number.as_i64().is_some_and(|n| n < 0) {
        Some(Exception::NarrowInteger)
    } else if number.as_u64().is_some_and(|n| n > i64::MAX as u64) {
        Some(Exception::BeyondLong)
    } else {
        None
    }
}

/// The number text after `"key": ` in an object's text.
fn member_number<'t>(text: &'t str, key: &str) -> Option<&'t str> {
    let at = text.find(&format!("\"{key}\": "))? + key.len() + 4;
    let rest = &text[at..];
    let len = rest
        .find(|c: char| !(c.is_ascii_digit() || matches!(c, '-' | '+' | '.' | 'e' | 'E')))
        .unwrap_or(rest.len());
    Some(&rest[..len])
}

fn unit_exception(text: &str) -> Option<Exception> {
    if text.starts_with('[') {
        return Some(Exception::ObjectFromList);
    }
    if !text.starts_with('{') {
        return None;
    }
    if text.contains("\"k\": ") {
        return Some(Exception::ObjectExtraKey);
    }
    // Past `long` is refused by the check whatever else is in the object.
    let code = member_number(text, "code").and_then(u64_exception);
    if code == Some(Exception::BeyondLong) {
        return code;
    }
    member_number(text, "floor")
        .and_then(unit_floor_exception)
        .or(code)
}

/// `Unit::floor` is a `u8` in an `integer` column.
fn unit_floor_exception(number: &str) -> Option<Exception> {
    narrow(number, 0, 255, i64::from(i32::MIN), i64::from(i32::MAX))
}

fn point_exception(text: &str) -> Option<Exception> {
    if text.starts_with('[') {
        return Some(Exception::ObjectFromList);
    }
    if !text.starts_with('{') {
        return None;
    }
    // The generated objects' other keys (found in the text: serde skips an ignored key's value
    // unparsed, so `{"z": 1e400}` is still a `Point` to it).
    if text.contains("\"z\": ") || text.contains("\"k\": ") {
        return Some(Exception::ObjectExtraKey);
    }
    // The numbers' own text (a `Value` would have rounded big integers already).
    ["x", "y"].iter().find_map(|key| {
        let at = text.find(&format!("\"{key}\": "))? + key.len() + 4;
        let number: String = text[at..]
            .chars()
            .take_while(|c| c.is_ascii_digit() || matches!(c, '-' | '+' | '.' | 'e' | 'E'))
            .collect();
        float_exception(&number, false)
    })
}

// ---- Generated values -----------------------------------------------------------------------

/// JSON texts of every kind, for any place.
fn any_json() -> BoxedStrategy<String> {
    let edges = prop::sample::select(vec![
        "0",
        "-0",
        "1",
        "-1",
        "255",
        "256",
        "300",
        "-129",
        "32767",
        "32768",
        "-32769",
        "4294967295",
        "4294967296",
        "2147483647",
        "2147483648",
        "-2147483648",
        "-2147483649",
        "9223372036854775807",
        "9223372036854775808",
        "-9223372036854775808",
        "-9223372036854775809",
        "18446744073709551615",
        "18446744073709551616",
        "99999999999999999999999",
        "16777216",
        "16777217",
        "9007199254740992",
        "9007199254740993",
        "1.5",
        "2.0",
        "-0.0",
        "1e3",
        "1E-7",
        "3.4e38",
        "1e39",
        "-1e39",
        "1e308",
        "1e400",
        "0.1",
        "null",
        "true",
        "false",
        "\"\"",
        "\"red\"",
        "\"x\"",
        "\"12\"",
        "\"\\u00e9\"",
        "\"two words\"",
        "[]",
        "[1, 2]",
        "[1, 2, 3]",
        "[\"a\"]",
        "[null]",
        "[1.5, 2]",
        "{}",
        "{\"k\": 1}",
        "{\"x\": 1.0}",
        "{\"x\": 1, \"y\": null}",
    ]);
    prop_oneof![
        3 => edges.prop_map(String::from),
        1 => any::<i64>().prop_map(|v| v.to_string()),
        1 => any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| serde_json::to_string(&f).unwrap()),
        1 => "[a-z]{0,3}".prop_map(|s| format!("\"{s}\"")),
    ]
    .boxed()
}

fn list_of(item: BoxedStrategy<String>) -> BoxedStrategy<String> {
    prop::collection::vec(item, 0..4)
        .prop_map(|items| format!("[{}]", items.join(", ")))
        .boxed()
}

/// Values of the field's own type.
fn right(kind: Kind) -> BoxedStrategy<String> {
    let int = any::<i64>().prop_map(|v| v.to_string()).boxed();
    let string = "[ -~é]{0,6}"
        .prop_map(|s| serde_json::to_string(&s).unwrap())
        .boxed();
    let double = any::<f64>()
        .prop_filter("finite", |f| f.is_finite())
        .prop_map(|f| serde_json::to_string(&f).unwrap())
        .boxed();
    match kind {
        Kind::Bool => any::<bool>().prop_map(|b| b.to_string()).boxed(),
        Kind::I32 => any::<i32>().prop_map(|v| v.to_string()).boxed(),
        Kind::I64 | Kind::DefaultI64 => int,
        Kind::F32 => any::<f32>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| serde_json::to_string(&f).unwrap())
            .boxed(),
        Kind::F64 => double,
        Kind::Str => string,
        Kind::U8 => any::<u8>().prop_map(|v| v.to_string()).boxed(),
        Kind::I16 => any::<i16>().prop_map(|v| v.to_string()).boxed(),
        Kind::U32 => any::<u32>().prop_map(|v| v.to_string()).boxed(),
        Kind::U64 | Kind::OptionU64 => any::<u64>().prop_map(|v| v.to_string()).boxed(),
        Kind::NonZeroU8 => (0u8..=255).prop_map(|v| v.to_string()).boxed(),
        Kind::Unit => {
            let floor = prop_oneof![3 => (0u16..300).prop_map(|v| v.to_string()), 1 => any_json()];
            let code = prop_oneof![3 => any::<i64>().prop_map(|v| v.to_string()), 1 => any_json()];
            (floor, code, prop::option::of(any_json()))
                .prop_map(|(floor, code, extra)| {
                    let mut members =
                        vec![format!("\"floor\": {floor}"), format!("\"code\": {code}")];
                    members.extend(extra.map(|k| format!("\"k\": {k}")));
                    format!("{{{}}}", members.join(", "))
                })
                .boxed()
        }
        Kind::VecI64 => list_of(prop_oneof![4 => int, 1 => any_json()].boxed()),
        Kind::VecStr => list_of(prop_oneof![4 => string, 1 => any_json()].boxed()),
        Kind::Pair => list_of(
            prop_oneof![4 => any::<i32>().prop_map(|v| v.to_string()), 1 => any_json()].boxed(),
        ),
        Kind::Point => {
            let number = prop_oneof![3 => double, 1 => any_json()].boxed();
            (
                number.clone(),
                prop::option::of(number),
                prop::option::of(any_json()),
            )
                .prop_map(|(x, y, extra)| {
                    let mut members = vec![format!("\"x\": {x}")];
                    members.extend(y.map(|y| format!("\"y\": {y}")));
                    members.extend(extra.map(|z| format!("\"z\": {z}")));
                    format!("{{{}}}", members.join(", "))
                })
                .boxed()
        }
        Kind::MapI64 => {
            prop::collection::vec(("[a-z]{1,3}", prop_oneof![4 => int, 1 => any_json()]), 0..3)
                .prop_map(|entries| {
                    let mut seen = std::collections::HashSet::new();
                    let members: Vec<String> = entries
                        .into_iter()
                        .filter(|(k, _)| seen.insert(k.clone()))
                        .map(|(k, v)| format!("\"{k}\": {v}"))
                        .collect();
                    format!("{{{}}}", members.join(", "))
                })
                .boxed()
        }
        Kind::Color => prop::sample::select(vec!["\"red\"", "\"green\"", "\"blue\""])
            .prop_map(String::from)
            .boxed(),
        Kind::Char => "[a-zé]{0,2}".prop_map(|s| format!("\"{s}\"")).boxed(),
    }
}

/// A field's value, or `None` for a missing key: usually of its type, often of another kind.
fn field(kind: Kind) -> BoxedStrategy<Option<String>> {
    prop_oneof![
        6 => right(kind).prop_map(Some),
        3 => any_json().prop_map(Some),
        1 => Just(None),
    ]
    .boxed()
}

/// A record: each field's key (or none) and value, plus maybe an extra key.
fn record(fields: &'static [(&'static str, Kind)]) -> BoxedStrategy<Vec<(String, Kind, String)>> {
    let values: Vec<BoxedStrategy<Option<String>>> =
        fields.iter().map(|(_, kind)| field(*kind)).collect();
    (values, prop::option::of(any_json()))
        .prop_map(move |(values, extra)| {
            let mut members: Vec<(String, Kind, String)> = fields
                .iter()
                .zip(values)
                .filter_map(|((name, kind), value)| value.map(|v| ((*name).to_owned(), *kind, v)))
                .collect();
            if let Some(extra) = extra {
                // Not in the signature: a warning for the checker, ignored by serde.
                members.push(("unexpected".to_owned(), Kind::Str, extra));
            }
            members
        })
        .boxed()
}

fn rows(
    fields: &'static [(&'static str, Kind)],
) -> BoxedStrategy<Vec<Vec<(String, Kind, String)>>> {
    prop::collection::vec(record(fields), 1..4).boxed()
}

// ---- The property ---------------------------------------------------------------------------

/// The rows as a `dataframe_split` body, when every record has the same keys in the same order.
fn split_text(rows: &[Vec<(String, Kind, String)>]) -> Option<String> {
    let keys = |members: &Vec<(String, Kind, String)>| -> Vec<String> {
        members
            .iter()
            .map(|(key, _, _)| format!("\"{key}\""))
            .collect()
    };
    let columns = keys(rows.first()?);
    if rows.iter().any(|members| keys(members) != columns) {
        return None;
    }
    let data: Vec<String> = rows
        .iter()
        .map(|members| {
            let values: Vec<&str> = members.iter().map(|(_, _, value)| value.as_str()).collect();
            format!("[{}]", values.join(", "))
        })
        .collect();
    Some(format!(
        "{{\"dataframe_split\": {{\"columns\": [{}], \"data\": [{}]}}}}",
        columns.join(", "),
        data.join(", ")
    ))
}

fn records_text(rows: &[Vec<(String, Kind, String)>]) -> String {
    let records: Vec<String> = rows
        .iter()
        .map(|members| {
            let members: Vec<String> = members
                .iter()
                .map(|(key, _, value)| format!("\"{key}\": {value}"))
                .collect();
            format!("{{{}}}", members.join(", "))
        })
        .collect();
    format!("[{}]", records.join(", "))
}

/// The checker accepts the records exactly when serde does, but for the listed exceptions; and
/// what passes decodes, from every list format, into what serde returns.
fn agree<T: Signature + DeserializeOwned + PartialEq + std::fmt::Debug>(
    rows: &[Vec<(String, Kind, String)>],
) -> Result<(), TestCaseError> {
    agree_for::<T>(rows, Built::ForSchema)?;
    agree_for::<T>(rows, Built::ForType)
}

/// [`agree`] for a checker built for `built`.
fn agree_for<T: Signature + DeserializeOwned + PartialEq + std::fmt::Debug>(
    rows: &[Vec<(String, Kind, String)>],
    built: Built,
) -> Result<(), TestCaseError> {
    let records = records_text(rows);
    let body = format!("{{\"dataframe_records\": {records}}}");
    let checker = match built {
        Built::ForSchema => JsonChecker::for_schema(&T::input_schema()),
        Built::ForType => JsonChecker::for_type::<T>(),
    };
    let report = checker.check(body.as_bytes());
    let serde = serde_json::from_str::<Vec<T>>(&records);
    let exceptions: Vec<Exception> = rows
        .iter()
        .flatten()
        .filter_map(|(_, kind, value)| exception(built, *kind, value))
        .collect();
    // A value only the checker rejects makes the checker reject. A value only serde rejects
    // is put aside: the checker says what serde says of the rows with a value both accept in
    // its place.
    let repaired: Vec<Vec<(String, Kind, String)>> = rows
        .iter()
        .map(|members| {
            members
                .iter()
                .map(|(key, kind, value)| match exception(built, *kind, value) {
                    Some(e) if !e.checker_rejects() => (key.clone(), *kind, repaired(*kind, value)),
                    _ => (key.clone(), *kind, value.clone()),
                })
                .collect()
        })
        .collect();
    let serde_repaired = serde_json::from_str::<Vec<T>>(&records_text(&repaired)).is_ok();
    let expected = serde_repaired && !exceptions.iter().any(|e| e.checker_rejects());
    prop_assert_eq!(
        report.is_valid(),
        expected,
        "{:?}\nbody: {}\nserde: {:?}\nexceptions: {:?}\nreport: {}",
        built,
        body,
        serde.as_ref().err().map(ToString::to_string),
        exceptions,
        report
    );
    if let Ok(expected_rows) = serde
        && report.is_valid()
    {
        let mut bodies = vec![
            body.clone(),
            records.clone(),
            format!("{{\"instances\": {records}}}"),
            format!("{{\"inputs\": {records}, \"params\": {{}}}}"),
        ];
        bodies.extend(split_text(rows));
        for body in bodies {
            let decoded = checker
                .decode::<T>(body.as_bytes())
                .map_err(|report| TestCaseError::fail(format!("{body}\n{report}")))?;
            prop_assert_eq!(&decoded.rows, &expected_rows, "{}", body);
        }
    }
    conform_agrees(&checker, &body, rows, report.is_valid())
}

/// `conform` (the dynamic-schema output) passes exactly what the check passes, and gives each
/// cell as serde_json reads it, widened to the column's type (extra keys dropped, missing
/// keys and nulls as `None`).
fn conform_agrees(
    checker: &JsonChecker,
    body: &str,
    rows: &[Vec<(String, Kind, String)>],
    valid: bool,
) -> Result<(), TestCaseError> {
    let conformed = checker.conform(body.as_bytes());
    prop_assert_eq!(conformed.is_ok(), valid, "{}", body);
    let Ok(conformed) = conformed else {
        return Ok(());
    };
    prop_assert_eq!(conformed.rows, rows.len());
    for column in &conformed.columns {
        prop_assert_eq!(column.values.len(), rows.len(), "{}", &column.name);
        for (row, members) in rows.iter().enumerate() {
            // Each declared column's own text (an extra key may hold what `Value` cannot).
            let sent = members
                .iter()
                .find(|(key, ..)| *key == column.name)
                .map(|(_, _, text)| serde_json::from_str::<Value>(text).unwrap())
                .filter(|v| !v.is_null());
            let (got, expected) = widened(&column.values, row, sent.as_ref());
            prop_assert_eq!(got, expected, "{} row {}: {}", &column.name, row, body);
        }
    }
    Ok(())
}

/// A conformed cell, and what serde_json read for it widened the same way, both as JSON.
fn widened(values: &ColumnValues, row: usize, sent: Option<&Value>) -> (Value, Value) {
    fn json<T: Into<Value> + Clone>(v: Option<&T>) -> Value {
        v.cloned().map_or(Value::Null, Into::into)
    }
    match values {
        ColumnValues::Boolean(v) => (
            json(v[row].as_ref()),
            json(sent.and_then(Value::as_bool).as_ref()),
        ),
        ColumnValues::Integer(v) => (
            json(v[row].as_ref()),
            json(
                sent.and_then(Value::as_i64)
                    .and_then(|i| i32::try_from(i).ok())
                    .as_ref(),
            ),
        ),
        ColumnValues::Long(v) => (
            json(v[row].as_ref()),
            json(sent.and_then(Value::as_i64).as_ref()),
        ),
        ColumnValues::Float(v) => (
            json(v[row].map(f64::from).as_ref()),
            json(
                sent.and_then(Value::as_f64)
                    .map(|f| f64::from(f as f32))
                    .as_ref(),
            ),
        ),
        ColumnValues::Double(v) => (
            json(v[row].as_ref()),
            json(sent.and_then(Value::as_f64).as_ref()),
        ),
        ColumnValues::String(v) => (
            json(v[row].as_ref()),
            json(sent.and_then(Value::as_str).as_ref()),
        ),
        ColumnValues::Json(v) => (json(v[row].as_ref()), json(sent)),
        other => panic!("no generated field has the type of {other:?}"),
    }
}

const SCALARS: &[(&str, Kind)] = &[
    ("flag", Kind::Bool),
    ("small", Kind::I32),
    ("big", Kind::I64),
    ("single", Kind::F32),
    ("double", Kind::F64),
    ("text", Kind::Str),
];
const NARROW: &[(&str, Kind)] = &[
    ("byte", Kind::U8),
    ("short", Kind::I16),
    ("unsigned", Kind::U32),
];
const OPTIONALS: &[(&str, Kind)] = &[
    ("count", Kind::I64),
    ("label", Kind::Str),
    ("fallback", Kind::DefaultI64),
];
const LISTS: &[(&str, Kind)] = &[
    ("ints", Kind::VecI64),
    ("names", Kind::VecStr),
    ("pair", Kind::Pair),
];
const NESTED: &[(&str, Kind)] = &[("point", Kind::Point), ("tags", Kind::MapI64)];
// Renamed: the serde names, and the Rust names (extra keys, and the real ones then missing).
const RENAMED: &[(&str, Kind)] = &[
    ("userName", Kind::Str),
    ("Total", Kind::I64),
    ("user_name", Kind::Str),
    ("total_count", Kind::I64),
];
const LABELS: &[(&str, Kind)] = &[("color", Kind::Color), ("letter", Kind::Char)];
const COUNTS: &[(&str, Kind)] = &[
    ("id", Kind::U64),
    ("maybe", Kind::OptionU64),
    ("rooms", Kind::NonZeroU8),
    ("unit", Kind::Unit),
];

proptest! {
    // `PROPTEST_CASES=20000` for a longer hunt.
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(512)
    ))]

    #[test]
    fn scalars(rows in rows(SCALARS)) {
        agree::<Scalars>(&rows)?;
    }

    #[test]
    fn narrow_integers(rows in rows(NARROW)) {
        agree::<Narrow>(&rows)?;
    }

    #[test]
    fn optional_and_default_fields(rows in rows(OPTIONALS)) {
        agree::<Optionals>(&rows)?;
    }

    #[test]
    fn lists_and_fixed_arrays(rows in rows(LISTS)) {
        agree::<Lists>(&rows)?;
    }

    #[test]
    fn nested_objects_and_maps(rows in rows(NESTED)) {
        agree::<Nested>(&rows)?;
    }

    #[test]
    fn renamed_fields(rows in rows(RENAMED)) {
        agree::<Renamed>(&rows)?;
    }

    #[test]
    fn enums_and_chars(rows in rows(LABELS)) {
        agree::<Labels>(&rows)?;
    }

    #[test]
    fn integers_wider_than_long_and_non_zero(rows in rows(COUNTS)) {
        agree::<Counts>(&rows)?;
    }
}

#[test]
fn decoded_params_hold_the_declared_defaults() {
    use signature_runtime::{DataType, ModelSignature, ParamSchema, ParamSpec};
    let params = ParamSchema::new(vec![
        ParamSpec::scalar("temperature", DataType::Double, 0.5).unwrap(),
        ParamSpec::scalar("top_k", DataType::Long, 3i64).unwrap(),
    ])
    .unwrap();
    let signature = ModelSignature::new(Some(House::input_schema()), None, Some(params)).unwrap();
    let checker = JsonChecker::for_signature(&signature);
    for body in [
        r#"{"dataframe_records": [{"sqft": 1.5, "rooms": 2}], "params": {"top_k": 10, "seed": 1}}"#,
        // Fused (records) and read after the check (an `inputs` object) alike.
        r#"{"params": {"top_k": 10, "seed": 1}, "inputs": {"sqft": [1.5], "rooms": [2]}}"#,
    ] {
        let decoded = checker.decode::<House>(body.as_bytes()).unwrap();
        assert_eq!(
            decoded.params.get("top_k"),
            Some(&serde_json::json!(10)),
            "{body}"
        );
        assert_eq!(
            decoded.params.get("temperature"),
            Some(&serde_json::json!(0.5)),
            "{body}"
        );
        assert_eq!(
            decoded.params.get("seed"),
            Some(&serde_json::json!(1)),
            "{body}"
        );
    }
    let decoded = checker
        .decode::<House>(br#"[{"sqft": 1.5, "rooms": 2}]"#)
        .unwrap();
    assert_eq!(decoded.params.len(), 2);
}

// ---- Every body format decodes to what serde reads from the records --------------------------

#[derive(Debug, PartialEq, Signature, Deserialize)]
struct House {
    sqft: f64,
    city: Option<String>,
    rooms: i64,
}

#[test]
fn every_format_decodes_to_the_records() {
    let expected: Vec<House> = serde_json::from_str(
        r#"[{"sqft": 1.5, "city": "Salem", "rooms": 2}, {"sqft": 3.0, "city": null, "rooms": 4}]"#,
    )
    .unwrap();
    let checker = JsonChecker::for_schema(&House::input_schema());
    let bodies = [
        r#"{"dataframe_split": {"columns": ["sqft", "city", "rooms"], "data": [[1.5, "Salem", 2], [3, null, 4]]}}"#,
        r#"{"dataframe_split": {"columns": ["rooms", "extra", "city", "sqft"], "data": [[2, [1], "Salem", 1.5], [4, {}, null, 3.0]]}, "params": {"k": 1}}"#,
        r#"{"dataframe_split": {"index": [7, 8], "data": [[1.5, "Salem", 2], [3, null, 4]], "columns": ["sqft", "city", "rooms"]}}"#,
        r#"{"dataframe_records": [{"rooms": 2, "city": "Salem", "sqft": 1.5}, {"sqft": 3.0, "rooms": 4}]}"#,
        r#"{"inputs": {"sqft": [1.5, 3.0], "city": ["Salem", null], "rooms": [2, 4]}}"#,
        r#"{"params": {}, "instances": {"rooms": [2, 4], "sqft": [1.5, 3], "city": ["Salem", null], "more": [0, 0]}}"#,
        r#"[{"sqft": 1.5, "city": "Salem", "rooms": 2}, {"sqft": 3.0, "rooms": 4, "more": true}]"#,
    ];
    for body in bodies {
        let decoded = checker
            .decode::<House>(body.as_bytes())
            .unwrap_or_else(|report| panic!("{body}\n{report}"));
        assert_eq!(decoded.rows, expected, "{body}");
    }
    // One row as an object of values; a single column's bare values and lone value.
    let one = checker
        .decode::<House>(br#"{"inputs": {"sqft": 2.5, "rooms": 1}}"#)
        .unwrap();
    assert_eq!(
        one.rows,
        [House {
            sqft: 2.5,
            city: None,
            rooms: 1
        }]
    );

    #[derive(Debug, PartialEq, Signature, Deserialize)]
    struct Text {
        text: String,
    }
    let checker = JsonChecker::for_schema(&Text::input_schema());
    let text = |s: &str| Text { text: s.to_owned() };
    assert_eq!(
        checker
            .decode::<Text>(br#"{"inputs": ["a", "b"]}"#)
            .unwrap()
            .rows,
        [text("a"), text("b")]
    );
    assert_eq!(
        checker
            .decode::<Text>(br#"{"instances": "c", "params": {"p": [1]}}"#)
            .unwrap()
            .params["p"],
        serde_json::json!([1])
    );
}

#[test]
fn positional_rows_decode_in_order() {
    #[derive(Debug, PartialEq, Signature, Deserialize)]
    struct Pair(i64, String);
    let checker = JsonChecker::for_schema(&Pair::input_schema());
    let expected = [Pair(1, "a".into()), Pair(2, "b".into())];
    for body in [
        r#"{"dataframe_split": {"data": [[1, "a"], [2, "b"]]}}"#,
        r#"{"dataframe_split": {"data": [[1, "a"], [2, "b"]], "columns": ["x", "y"]}}"#,
        r#"{"inputs": [[1, "a"], [2, "b"]]}"#,
    ] {
        let decoded = checker
            .decode::<Pair>(body.as_bytes())
            .unwrap_or_else(|report| panic!("{body}\n{report}"));
        assert_eq!(decoded.rows, expected, "{body}");
    }
}

#[test]
fn a_failed_check_comes_back_whole_and_a_serde_refusal_names_the_row() {
    let checker = JsonChecker::for_schema(&Labels::input_schema());
    let report = checker
        .decode::<Labels>(br#"[{"color": 1, "letter": 2}, {"color": "red"}]"#)
        .unwrap_err();
    assert_eq!(report.error_count(), 3, "{report}");
    // Passes the check (a `string` column), refused by serde (not a variant).
    let report = checker
        .decode::<Labels>(
            br#"{"dataframe_records": [{"color": "red", "letter": "a"}, {"color": "blue", "letter": "b"}]}"#,
        )
        .unwrap_err();
    let problem = &report.problems()[0];
    assert_eq!(problem.pointer(), "/dataframe_records/1", "{report}");
    assert_eq!(problem.row(), Some(1));
    assert!(problem.value().unwrap().contains("blue"), "{report}");
    // The same from split rows and from column lists, which are decoded by position.
    for (body, pointer) in [
        (
            &br#"{"dataframe_split": {"data": [["red", "a"], ["blue", "b"]], "columns": ["color", "letter"]}}"#[..],
            "/dataframe_split/data/1",
        ),
        (
            br#"{"inputs": {"letter": ["a", "b"], "color": ["red", "blue"]}}"#,
            "/inputs/1",
        ),
    ] {
        let report = checker.decode::<Labels>(body).unwrap_err();
        let problem = &report.problems()[0];
        assert_eq!(problem.pointer(), pointer, "{report}");
        assert_eq!(problem.row(), Some(1));
        assert!(problem.value().unwrap().contains("blue"), "{report}");
    }
}

/// `datetime` and `binary` columns against chrono's and serde_bytes' own `Deserialize`: the
/// check follows MLflow's wire formats, which these types read differently. Listed, not hidden.
#[test]
fn datetime_and_binary_columns_differ_from_their_rust_types_as_listed() {
    #[derive(Debug, Signature, Deserialize)]
    #[allow(dead_code)]
    struct When {
        at: chrono::NaiveDateTime,
    }
    #[derive(Debug, Signature, Deserialize)]
    #[allow(dead_code)]
    struct Blob {
        data: serde_bytes::ByteBuf,
    }
    // (value, checker's verdict, serde's verdict)
    let datetimes = [
        (r#""2023-06-26T13:05:09""#, true, true),
        (r#""2023-06-26T13:05:09.123456789""#, true, true),
        // MLflow's datetime takes a date alone, a space, no seconds; chrono's serde does not.
        (r#""2023-06-26""#, true, false),
        (r#""2023-06-26 13:05:09""#, true, false),
        (r#""2023-06-26T13:05""#, true, false),
        (r#""2023-06-26T13:05:09Z""#, false, false),
        (r#""2023-02-30T00:00:00""#, false, false),
        ("1687784709", false, false),
    ];
    let checker = JsonChecker::for_schema(&When::input_schema());
    for (value, check, serde) in datetimes {
        let records = format!(r#"[{{"at": {value}}}]"#);
        assert_eq!(
            checker.check(records.as_bytes()).is_valid(),
            check,
            "{value}"
        );
        assert_eq!(
            serde_json::from_str::<Vec<When>>(&records).is_ok(),
            serde,
            "{value}"
        );
    }
    // serde_bytes reads a string's UTF-8 bytes; MLflow sends base64, which the check requires.
    let binaries = [
        (r#""YWJj""#, true, true),
        (r#""not base64!""#, false, true),
        ("[97, 98]", false, true),
    ];
    let checker = JsonChecker::for_schema(&Blob::input_schema());
    for (value, check, serde) in binaries {
        let records = format!(r#"[{{"data": {value}}}]"#);
        assert_eq!(
            checker.check(records.as_bytes()).is_valid(),
            check,
            "{value}"
        );
        assert_eq!(
            serde_json::from_str::<Vec<Blob>>(&records).is_ok(),
            serde,
            "{value}"
        );
    }
}

/// `Option` inside a list or a map: MLflow's `array` and `map` have no nullable items, so the
/// derive describes `Vec<Option<i64>>` as `array<long>` and the check refuses a `null` item
/// (`null_not_allowed`), which serde reads as `None`. An escaped key is the key it spells.
#[test]
fn null_items_are_refused_though_the_rust_type_holds_them() {
    #[derive(Debug, Signature, Deserialize)]
    #[allow(dead_code)]
    struct Probe {
        items: Vec<Option<i64>>,
        by_name: HashMap<String, Option<i64>>,
        whole: Option<Vec<i64>>,
        point: Option<Point>,
        flag: bool,
    }
    let checker = JsonChecker::for_schema(&Probe::input_schema());
    // (record, checker's verdict, serde's verdict)
    let cases = [
        (
            r#"{"items": [1, null], "by_name": {}, "flag": true}"#,
            false,
            true,
        ),
        (
            r#"{"items": [], "by_name": {"k": null}, "flag": true}"#,
            false,
            true,
        ),
        (
            r#"{"items": [1], "by_name": {"k": 2}, "whole": null, "point": {"x": 1, "y": null}, "fl\u0061g": false}"#,
            true,
            true,
        ),
        (
            r#"{"items": [1], "by_name": {}, "whole": [null], "flag": true}"#,
            false,
            false,
        ),
    ];
    for (record, check, serde) in cases {
        let records = format!("[{record}]");
        assert_eq!(
            checker.check(records.as_bytes()).is_valid(),
            check,
            "{record}"
        );
        assert_eq!(
            serde_json::from_str::<Vec<Probe>>(&records).is_ok(),
            serde,
            "{record}"
        );
    }
}

// ---- Rows reach a hand-written `Deserialize` by name ---------------------------------------

/// Read by a hand-written visitor that takes maps only, as many custom `Deserialize`s do: the
/// decode must present every row by name, whatever layout the body uses.
#[derive(Debug, PartialEq, Signature)]
struct MapOnly {
    sqft: f64,
    rooms: i64,
}

impl<'de> Deserialize<'de> for MapOnly {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Fields;
        impl<'de> serde::de::Visitor<'de> for Fields {
            type Value = MapOnly;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a map of sqft and rooms")
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<MapOnly, A::Error> {
                use serde::de::Error;
                let (mut sqft, mut rooms) = (None, None);
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "sqft" => sqft = Some(map.next_value()?),
                        "rooms" => rooms = Some(map.next_value()?),
                        _ => {
                            map.next_value::<serde::de::IgnoredAny>()?;
                        }
                    }
                }
                Ok(MapOnly {
                    sqft: sqft.ok_or_else(|| A::Error::missing_field("sqft"))?,
                    rooms: rooms.ok_or_else(|| A::Error::missing_field("rooms"))?,
                })
            }
        }
        deserializer.deserialize_struct("MapOnly", &["sqft", "rooms"], Fields)
    }
}

#[test]
fn rows_reach_a_map_only_deserialize_by_name() {
    let checker = JsonChecker::for_schema(&MapOnly::input_schema());
    let body =
        br#"{"dataframe_split": {"columns": ["rooms", "sqft"], "data": [[2, 1.5], [4, 3]]}}"#;
    let decoded = checker.decode::<MapOnly>(body).unwrap();
    assert_eq!(
        decoded.rows,
        [
            MapOnly {
                sqft: 1.5,
                rooms: 2
            },
            MapOnly {
                sqft: 3.0,
                rooms: 4
            }
        ]
    );
    // Derived structs, for comparison: the same rows, the body's columns in another order.
    let checker = JsonChecker::for_schema(&House::input_schema());
    let body = br#"{"dataframe_split": {"columns": ["rooms", "city", "sqft"], "data": [[2, "Salem", 1.5], [4, null, 3]]}}"#;
    let decoded = checker.decode::<House>(body).unwrap();
    assert_eq!(
        decoded.rows,
        [
            House {
                sqft: 1.5,
                city: Some("Salem".to_owned()),
                rooms: 2
            },
            House {
                sqft: 3.0,
                city: None,
                rooms: 4
            }
        ]
    );
}
