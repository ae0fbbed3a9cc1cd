//! The JSON body checker against serde_json, on the shared MLflow benchmark payloads.
//!
//! Bodies come from `../shared/bench/gen_payload.py` (10 house-price columns, seed 42), made
//! once into `$SIGNATURE_BENCH_DIR` (default `/tmp/signature-bench`) with
//! `$SIGNATURE_BENCH_ROWS` rows (default 1,000,000). Every figure in a run is measured on the
//! same bytes in memory, so the ratios are what to compare (see BENCHMARKS.md).
//!
//! ```text
//! cargo bench -p signature-runtime --bench check_json
//! SIGNATURE_BENCH_ROWS=100000 cargo bench -p signature-runtime --bench check_json
//! ```

use std::hint::black_box;
use std::time::Duration;

mod payloads;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use payloads::{RecordsBody, SplitBody};
use signature_runtime::{JsonChecker, load_signature};

fn bench(c: &mut Criterion) {
    let rows = payloads::rows();
    let dir = payloads::payloads(rows);
    let signature = load_signature(&dir.join("signature.json")).expect("signature.json");
    let checker = JsonChecker::for_signature(&signature);
    for format in ["split", "records"] {
        let body = std::fs::read(dir.join(format!("{format}_{rows}.json"))).expect("payload");
        assert!(checker.check(&body).is_valid(), "the payload is valid");
        let mut group = c.benchmark_group(format!("{format}_{rows}"));
        group
            .throughput(Throughput::Bytes(body.len() as u64))
            .sample_size(10)
            .warm_up_time(Duration::from_secs(1))
            .measurement_time(Duration::from_secs(8));
        group.bench_function("check (strict)", |b| {
            b.iter(|| checker.check(black_box(&body)));
        });
        group.bench_function("serde_json IgnoredAny", |b| {
            b.iter(|| serde_json::from_slice::<serde::de::IgnoredAny>(black_box(&body)).unwrap());
        });
        group.bench_function("serde_json typed structs", |b| {
            b.iter(|| {
                if format == "split" {
                    drop(black_box(
                        serde_json::from_slice::<SplitBody>(&body).unwrap(),
                    ));
                } else {
                    drop(black_box(
                        serde_json::from_slice::<RecordsBody>(&body).unwrap(),
                    ));
                }
            });
        });
        group.bench_function("serde_json Value", |b| {
            b.iter(|| {
                drop(black_box(
                    serde_json::from_slice::<serde_json::Value>(&body).unwrap(),
                ))
            });
        });
        // 10,000 bad cells spread through the body: the report stays capped, the time flat.
        let broken = with_errors(&body, 10_000);
        let report = checker.check(&broken);
        assert!(report.error_count() >= 10_000, "{}", report.error_count());
        group.bench_function("check (strict), 10k errors", |b| {
            b.iter(|| checker.check(black_box(&broken)));
        });
        group.finish();
    }
}

/// The body with `count` boolean cells turned into strings (`true` → `"rue"`, same length),
/// evenly spread.
fn with_errors(body: &[u8], count: usize) -> Vec<u8> {
    let mut broken = body.to_vec();
    let positions: Vec<usize> = broken
        .windows(5)
        .enumerate()
        .filter(|(_, w)| *w == b" true" || *w == b"false")
        .map(|(i, _)| i)
        .collect();
    let step = (positions.len() / count).max(1);
    for &at in positions.iter().step_by(step).take(count) {
        if &broken[at..at + 5] == b" true" {
            broken[at..at + 5].copy_from_slice(b"\"rue\"");
        } else {
            broken[at..at + 5].copy_from_slice(b"\"als\"");
        }
    }
    broken
}

criterion_group!(benches, bench);
criterion_main!(benches);
