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
use payloads::{House, RecordsBody, SplitBody};
use signature_runtime::{JsonChecker, Signature};

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
