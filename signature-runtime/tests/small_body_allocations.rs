//! A scoring server sees mostly small bodies, so what a check costs per call matters there:
//! a clean small body is checked without a single allocation (the report of a clean body has
//! nothing to hold), whichever layout and key order it comes in; and decoded into typed rows
//! with no allocation beyond those serde_json's own typed decode of the rows makes (the rows'
//! vector and their strings).
//!
//! Its own test binary: the allocator counts every thread's allocations, so nothing else may
//! run beside the one test.

use std::alloc::System;

use signature_runtime::{
    ColSpec, DataType, JsonChecker, ModelSignature, ParamSchema, ParamSpec, Schema,
};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

fn house_signature() -> ModelSignature {
    let columns = [
        ("sqft", DataType::Long),
        ("bedrooms", DataType::Long),
        ("bathrooms", DataType::Double),
        ("lat", DataType::Double),
        ("lon", DataType::Double),
        ("city", DataType::String),
        ("zip", DataType::String),
        ("has_pool", DataType::Boolean),
        ("year_built", DataType::Long),
        ("lot_size", DataType::Long),
    ];
    let schema =
        Schema::from_columns(columns.iter().map(|(n, t)| ColSpec::new(*n, *t)).collect()).unwrap();
    let params = ParamSchema::new(vec![
        ParamSpec::scalar("temperature", DataType::Double, 0.5).unwrap(),
        ParamSpec::scalar("top_k", DataType::Long, 3i64).unwrap(),
    ])
    .unwrap();
    ModelSignature::new(Some(schema), None, Some(params)).unwrap()
}

const BODIES: [(&str, &str); 6] = [
    (
        "split",
        r#"{"dataframe_split": {"columns": ["sqft", "bedrooms", "bathrooms", "lat", "lon", "city", "zip", "has_pool", "year_built", "lot_size"], "data": [[1200, 3, 2.5, 37.77, -122.42, "Salem", "94016", false, 1990, 5000]]}}"#,
    ),
    (
        "split, two rows and params",
        r#"{"dataframe_split": {"columns": ["sqft", "bedrooms", "bathrooms", "lat", "lon", "city", "zip", "has_pool", "year_built", "lot_size"], "data": [[1200, 3, 2.5, 37.77, -122.42, "Salem", "94016", false, 1990, 5000], [800, 1, 1.0, 40.1, -80.5, "Bristol", "02809", true, 1950, 1200]]}, "params": {"top_k": 5, "temperature": 0.1}}"#,
    ),
    (
        "split, columns in another order",
        r#"{"dataframe_split": {"columns": ["bedrooms", "sqft", "bathrooms", "lat", "lon", "city", "zip", "has_pool", "year_built", "lot_size"], "data": [[3, 1200, 2.5, 37.77, -122.42, "Salem", "94016", false, 1990, 5000]]}}"#,
    ),
    (
        "records",
        r#"{"dataframe_records": [{"sqft": 1200, "bedrooms": 3, "bathrooms": 2.5, "lat": 37.77, "lon": -122.42, "city": "Salem", "zip": "94016", "has_pool": false, "year_built": 1990, "lot_size": 5000}]}"#,
    ),
    (
        "records, keys sorted",
        r#"{"dataframe_records": [{"bathrooms": 2.5, "bedrooms": 3, "city": "Salem", "has_pool": false, "lat": 37.77, "lon": -122.42, "lot_size": 5000, "sqft": 1200, "year_built": 1990, "zip": "94016"}]}"#,
    ),
    (
        "records with an escaped key",
        r#"{"dataframe_records": [{"sqft": 1200, "bedrooms": 3, "bathrooms": 2.5, "lat": 37.77, "lon": -122.42, "city": "Salem", "zip": "94016", "has_pool": false, "year_built": 1990, "lot\u005fsize": 5000}]}"#,
    ),
];

/// One test, not several: the allocator's counts are the whole process's.
/// Checks first; with `derive`, typed decoding next.
#[test]
fn clean_small_bodies_allocate_nothing_to_check_and_what_serde_does_to_decode() {
    let checker = JsonChecker::for_signature(&house_signature());
    let mut counts = Vec::new();
    for (name, body) in BODIES {
        // Anything made once per process (e.g. a thread-local) is made here.
        let report = checker.check(body.as_bytes());
        assert!(report.is_valid(), "{name}: {:?}", report.problems());
        let region = Region::new(GLOBAL);
        for _ in 0..100 {
            std::hint::black_box(checker.check(std::hint::black_box(body.as_bytes())));
        }
        let change = region.change();
        counts.push((name, (change.allocations + change.reallocations) / 100));
    }
    // Only the key written with an escape needs its text decoded, and only columns named in
    // another order than the schema's need their own plan (slots and fast-path checks:
    // four vectors, whatever the row count).
    let expected: Vec<(&str, usize)> = BODIES
        .iter()
        .map(|(name, _)| {
            let per_call = match *name {
                "records with an escaped key" => 1,
                "split, columns in another order" => 4,
                _ => 0,
            };
            (*name, per_call)
        })
        .collect();
    assert_eq!(counts, expected);

    // The counter sees allocations at all (or the zeros above would prove nothing): a body
    // with a problem allocates its report.
    let region = Region::new(GLOBAL);
    let report = checker.check(br#"{"dataframe_records": [{"sqft": "big"}]}"#);
    assert!(!report.is_valid());
    assert!(region.change().allocations > 0);

    #[cfg(feature = "derive")]
    typed::clean_small_bodies_are_decoded_allocating_what_serde_does();
}

/// The benches' house-price row type (`House`, with `Signature` under `derive`) and records body.
#[cfg(feature = "derive")]
#[path = "../benches/payloads/mod.rs"]
mod payloads;

#[cfg(feature = "derive")]
mod typed {
    use signature_runtime::{JsonChecker, Signature};
    use stats_alloc::Region;

    use super::payloads::{House, RecordsBody};
    use super::{BODIES, GLOBAL};

    /// Allocations and reallocations per call of `decode`, over 100 calls after a first one.
    fn per_call(mut decode: impl FnMut()) -> usize {
        decode();
        let region = Region::new(GLOBAL);
        for _ in 0..100 {
            decode();
        }
        let change = region.change();
        (change.allocations + change.reallocations) / 100
    }

    pub(super) fn clean_small_bodies_are_decoded_allocating_what_serde_does() {
        let checker = JsonChecker::for_schema(&House::input_schema());
        for (name, body) in BODIES {
            if name.contains("params") {
                // The params object is handed back as a JSON map: its allocations are its own.
                continue;
            }
            let body = body.as_bytes();
            let decoded = checker.decode::<House>(body).expect(name);
            assert_eq!(decoded.rows.len(), 1, "{name}");
            let ours = per_call(|| {
                std::hint::black_box(checker.decode::<House>(std::hint::black_box(body)).ok());
            });
            // What serde_json allocates for the same row: the rows' vector, `city` and `zip`
            // (one row, read by name from the records body whatever its layout was).
            let records = br#"{"dataframe_records": [{"sqft": 1200, "bedrooms": 3, "bathrooms": 2.5, "lat": 37.77, "lon": -122.42, "city": "Salem", "zip": "94016", "has_pool": false, "year_built": 1990, "lot_size": 5000}]}"#;
            let serde = per_call(|| {
                let rows = serde_json::from_slice::<RecordsBody>(std::hint::black_box(records));
                std::hint::black_box(rows.ok());
            });
            // An escaped key needs its text decoded, and columns in another order their own
            // plan, as in the check.
            let check = match name {
                "records with an escaped key" => 1,
                "split, columns in another order" => 4,
                _ => 0,
            };
            assert_eq!(
                ours,
                serde + check,
                "{name}: ours {ours}, serde_json {serde}"
            );
        }
    }
}
