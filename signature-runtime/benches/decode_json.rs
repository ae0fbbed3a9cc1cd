//! Typed decode (`JsonChecker::decode`: the check, then the rows straight into `T`) against
//! plain serde_json into the same typed rows, on the generated house-price bodies (see
//! `payloads`): `$SIGNATURE_BENCH_ROWS` rows (default 1,000,000), and one row (the per-call
//! cost). Every figure in a run is measured on the same bytes in memory; the ratio of
//! `check + decode` to `serde_json typed` is the target (see BENCHMARKS.md, "Typed decode").
//!
//! ```text
//! cargo bench -p signature-runtime --bench decode_json
//! cargo bench -p signature-runtime --bench decode_json -- small_
//! cargo bench -p signature-runtime --bench decode_json -- small_for_type   # for_type's cost
//! cargo bench -p signature-runtime --bench decode_json -- 'small_for_type.*non_zero'
//! SIGNATURE_BENCH_ROWS=100000 cargo bench -p signature-runtime --bench decode_json
//! ```

use std::hint::black_box;
use std::time::{Duration, Instant};

mod payloads;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use payloads::{House, RecordsBody, SplitBody};
use signature_runtime::{JsonChecker, Signature};

fn bench(c: &mut Criterion) {
    for_type(c);
    let checker = JsonChecker::for_schema(&House::input_schema());
    let (split, records) = payloads::house_bodies(1);
    let mut group = c.benchmark_group("small_decode_1row");
    group
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    for (format, body) in [("split", &split), ("records", &records)] {
        group.throughput(Throughput::Bytes(body.len() as u64));
        group.bench_function(format!("check + decode {format}"), |b| {
            b.iter(|| checker.decode::<House>(black_box(body)).unwrap());
        });
        group.bench_function(format!("serde_json typed {format}"), |b| {
            b.iter(|| typed(format, black_box(body)));
        });
        // The same-moment ratio, which a shared machine's load cannot skew: batches of decodes
        // and of serde reads in turn, counted as 1 ms times their time ratio.
        group.bench_function(
            format!("ratio decode to serde typed {format} (ms = x)"),
            |b| {
                b.iter_custom(|iters| {
                    const BATCH: u32 = 200;
                    let mut total = Duration::ZERO;
                    for _ in 0..iters {
                        let start = Instant::now();
                        for _ in 0..BATCH {
                            black_box(checker.decode::<House>(black_box(body)).unwrap());
                        }
                        let decode = start.elapsed();
                        let start = Instant::now();
                        for _ in 0..BATCH {
                            typed(format, black_box(body));
                        }
                        let ratio = decode.as_secs_f64() / start.elapsed().as_secs_f64();
                        total += Duration::from_secs_f64(ratio / 1_000.0);
                    }
                    total
                });
            },
        );
    }
    group.finish();

    let rows = payloads::rows();
    let (split, records) = payloads::house_bodies(rows);
    for (format, body) in [("records", records), ("split", split)] {
        let decoded = checker.decode::<House>(&body).expect("the payload decodes");
        assert_eq!(decoded.rows.len(), rows);
        drop(decoded);
        let mut group = c.benchmark_group(format!("decode_{format}_{rows}"));
        group
            .throughput(Throughput::Bytes(body.len() as u64))
            .sample_size(10)
            .warm_up_time(Duration::from_secs(1))
            .measurement_time(Duration::from_secs(10));
        group.bench_function("check + decode", |b| {
            b.iter(|| {
                drop(black_box(
                    checker.decode::<House>(black_box(&body)).unwrap(),
                ))
            });
        });
        group.bench_function("serde_json typed", |b| {
            b.iter(|| typed(format, black_box(&body)));
        });
        group.bench_function("check", |b| {
            b.iter(|| checker.check(black_box(&body)));
        });
        group.finish();
    }
}

/// The house-price rows with narrower integers: `u32`, `u8` and `u16` fields, whose ranges a
/// checker built for the type checks (on the fast path, within the ranges).
#[derive(serde::Deserialize, signature_runtime::Signature)]
#[allow(dead_code)]
struct NarrowHouse {
    sqft: u32,
    bedrooms: u8,
    bathrooms: f64,
    lat: f64,
    lon: f64,
    city: String,
    zip: String,
    has_pool: bool,
    year_built: u16,
    lot_size: i64,
}

/// The house-price rows with the city as a Rust enum (the bodies' ten cities): a checker built
/// for the type checks the variants' names (on the fast path).
#[derive(serde::Deserialize, signature_runtime::Signature)]
#[allow(dead_code)]
struct EnumHouse {
    sqft: i64,
    bedrooms: i64,
    bathrooms: f64,
    lat: f64,
    lon: f64,
    city: City,
    zip: String,
    has_pool: bool,
    year_built: i64,
    lot_size: i64,
}

/// The house-price rows with the counts as `NonZero` integers (the bodies have no zero in
/// them): a checker built for the type checks each is not zero and in range (on the fast path).
#[derive(serde::Deserialize, signature_runtime::Signature)]
#[allow(dead_code)]
struct NonZeroHouse {
    sqft: std::num::NonZeroU32,
    bedrooms: std::num::NonZeroU8,
    bathrooms: f64,
    lat: f64,
    lon: f64,
    city: String,
    zip: String,
    has_pool: bool,
    year_built: std::num::NonZeroU16,
    lot_size: std::num::NonZeroI64,
}

#[derive(serde::Deserialize, signature_runtime::Signature)]
#[allow(dead_code)]
enum City {
    Springfield,
    Riverton,
    Lakeside,
    Fairview,
    Greenville,
    Bristol,
    Clinton,
    Georgetown,
    Salem,
    Madison,
}

/// A checker built for a type (`JsonChecker::for_type`) against one built for its schema, on
/// one clean house-price row: `House` has no limit beyond its MLflow types, so the two must
/// check alike; `NarrowHouse` has three integer ranges, which the fast path checks in place of
/// the columns' own, `NonZeroHouse` four `NonZero` fields, whose ranges the fast path checks
/// and whose zero it refuses, and `EnumHouse` an enum's variant names, which the fast path
/// compares.
/// Same-moment ratios.
fn for_type(c: &mut Criterion) {
    let (split, records) = payloads::house_bodies(1);
    let mut group = c.benchmark_group("small_for_type_1row");
    group
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    // The control: two checkers built alike, whose ratio shows what the bench alone makes of
    // two equal checkers (where each lies in memory).
    let pairs = [
        (
            "control",
            JsonChecker::for_schema(&House::input_schema()),
            JsonChecker::for_schema(&House::input_schema()),
        ),
        (
            "house",
            JsonChecker::for_schema(&House::input_schema()),
            JsonChecker::for_type::<House>(),
        ),
        (
            "narrow",
            JsonChecker::for_schema(&NarrowHouse::input_schema()),
            JsonChecker::for_type::<NarrowHouse>(),
        ),
        (
            "non_zero",
            JsonChecker::for_schema(&NonZeroHouse::input_schema()),
            JsonChecker::for_type::<NonZeroHouse>(),
        ),
        (
            "enum",
            JsonChecker::for_schema(&EnumHouse::input_schema()),
            JsonChecker::for_type::<EnumHouse>(),
        ),
    ];
    for (format, body) in [("split", &split), ("records", &records)] {
        for (name, schema, typed) in &pairs {
            assert!(schema.check(body).is_valid() && typed.check(body).is_valid());
            group.bench_function(format!("check for_schema {name} {format}"), |b| {
                b.iter(|| schema.check(black_box(body)));
            });
            group.bench_function(format!("check for_type {name} {format}"), |b| {
                b.iter(|| typed.check(black_box(body)));
            });
            group.bench_function(
                format!("ratio for_type to for_schema {name} {format} (ms = x)"),
                |b| {
                    b.iter_custom(|iters| {
                        const BATCH: u32 = 200;
                        let batch = |checker: &JsonChecker| {
                            let start = Instant::now();
                            for _ in 0..BATCH {
                                black_box(checker.check(black_box(body)));
                            }
                            start.elapsed().as_secs_f64()
                        };
                        let mut total = Duration::ZERO;
                        for i in 0..iters {
                            // Each goes first every other time: the batch that runs first pays
                            // for the caches the other one warmed.
                            let ratio = if i % 2 == 0 {
                                let with_limits = batch(typed);
                                with_limits / batch(schema)
                            } else {
                                let plain = batch(schema);
                                batch(typed) / plain
                            };
                            total += Duration::from_secs_f64(ratio / 1_000.0);
                        }
                        total
                    });
                },
            );
        }
    }
    group.finish();
}

/// The body's rows as plain serde_json reads them into the same typed rows (kept whole until
/// the count is taken, as a decode's rows are).
fn typed(format: &str, body: &[u8]) -> usize {
    if format == "records" {
        black_box(serde_json::from_slice::<RecordsBody>(body).unwrap())
            .dataframe_records
            .len()
    } else {
        black_box(serde_json::from_slice::<SplitBody>(body).unwrap())
            .dataframe_split
            .data
            .len()
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
