//! Typed decode (`JsonChecker::decode`: the check, then the rows straight into `T`) against
//! plain serde_json into the same typed rows, on the shared MLflow benchmark payloads.
//!
//! Bodies come from `../shared/bench/gen_payload.py` (10 house-price columns, seed 42), made
//! once into `$SIGNATURE_BENCH_DIR` (default `/tmp/signature-bench`) with
//! `$SIGNATURE_BENCH_ROWS` rows (default 1,000,000). Every figure in a run is measured on the
//! same bytes in memory; the ratio of `check + decode` to `serde_json typed` is the target
//! (see BENCHMARKS.md, "Typed decode").
//!
//! ```text
//! cargo bench -p signature-runtime --bench decode_json
//! SIGNATURE_BENCH_ROWS=100000 cargo bench -p signature-runtime --bench decode_json
//! ```

use std::hint::black_box;
use std::time::Duration;

mod payloads;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use serde::Deserialize;
use signature_runtime::{JsonChecker, Signature};

/// The payload's rows, as a user's model input.
#[derive(Signature, Deserialize)]
#[allow(dead_code)]
struct House {
    sqft: i64,
    bedrooms: i64,
    bathrooms: f64,
    lat: f64,
    lon: f64,
    city: String,
    zip: String,
    has_pool: bool,
    year_built: i64,
    lot_size: i64,
}

/// The records body as plain serde reads it: the envelope and a `Vec<House>`.
#[derive(Deserialize)]
struct RecordsBody {
    dataframe_records: Vec<House>,
}

/// The split body as plain serde reads it: rows as tuples in column order (no name matching).
#[derive(Deserialize)]
#[allow(dead_code)]
struct SplitBody {
    dataframe_split: Split,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct Split {
    columns: Vec<String>,
    data: Vec<HouseRow>,
}

/// One `dataframe_split` row, in column order.
type HouseRow = (i64, i64, f64, f64, f64, String, String, bool, i64, i64);

fn bench(c: &mut Criterion) {
    let rows = payloads::rows();
    let dir = payloads::payloads(rows);
    let checker = JsonChecker::for_schema(&House::input_schema());
    for format in ["records", "split"] {
        let body = std::fs::read(dir.join(format!("{format}_{rows}.json"))).expect("payload");
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
            b.iter(|| {
                if format == "records" {
                    let parsed = serde_json::from_slice::<RecordsBody>(black_box(&body)).unwrap();
                    drop(black_box(parsed.dataframe_records));
                } else {
                    drop(black_box(
                        serde_json::from_slice::<SplitBody>(black_box(&body)).unwrap(),
                    ));
                }
            });
        });
        group.bench_function("check", |b| {
            b.iter(|| checker.check(black_box(&body)));
        });
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
