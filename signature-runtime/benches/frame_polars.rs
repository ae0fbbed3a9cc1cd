//! Polars frame checks, with a same-run yardstick (see BENCHMARKS.md, "Dataframes").
//!
//! Ten columns shaped like the Arrow bench's house-price frame (`benches/frame_arrow.rs`):
//! sqft, bedrooms, year_built, lot_size (`long`), bathrooms, lat, lon (`double`), city, zip
//! (`string`), has_pool (`boolean`). `$SIGNATURE_BENCH_FRAME_ROWS` rows (default 10,000,000)
//! for the large frame; every figure also runs at 1,000 rows.
//!
//! ```text
//! cargo bench -p signature-runtime --no-default-features --features polars --bench frame_polars
//! ```

use std::hint::black_box;
use std::time::Duration;

mod frames;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use frames::{noise, rows, signature};
use signature_runtime::frame::PolarsChecker;
use signature_runtime::frame::polars_core::prelude::{Column, DataFrame, Schema as PlSchema};
use signature_runtime::{DataType, Schema};

fn longs(name: &str, n: usize, seed: u64) -> Column {
    let values: Vec<i64> = noise(n, seed).map(|v| (v % 100_000) as i64).collect();
    Column::new(name.into(), values)
}

fn doubles(name: &str, n: usize, seed: u64) -> Column {
    let values: Vec<f64> = noise(n, seed).map(|v| (v % 10_000) as f64 / 7.0).collect();
    Column::new(name.into(), values)
}

fn strings(name: &str, n: usize, seed: u64) -> Column {
    let names = ["Salem", "Madison", "Dover", "Helena", "Juneau"];
    let values: Vec<&str> = noise(n, seed).map(|v| names[(v % 5) as usize]).collect();
    Column::new(name.into(), values)
}

fn bools(name: &str, n: usize, seed: u64) -> Column {
    let values: Vec<bool> = noise(n, seed).map(|v| v % 2 == 0).collect();
    Column::new(name.into(), values)
}

/// Every column already of its signature type.
fn matching(n: usize) -> DataFrame {
    DataFrame::new(
        n,
        vec![
            longs("sqft", n, 1),
            longs("bedrooms", n, 2),
            doubles("bathrooms", n, 3),
            doubles("lat", n, 4),
            doubles("lon", n, 5),
            strings("city", n, 6),
            strings("zip", n, 7),
            bools("has_pool", n, 8),
            longs("year_built", n, 9),
            longs("lot_size", n, 10),
        ],
    )
    .expect("a valid frame")
}

fn schema_level(c: &mut Criterion) {
    let signature = signature();
    let checker = PolarsChecker::for_schema(&signature);
    let mut group = c.benchmark_group("frame_polars/schema_level");
    for n in [1_000, rows()] {
        let frame = matching(n);
        let schema = frame.schema().clone();
        // An equal schema built separately, so the comparison cannot stop at a pointer.
        let expected: PlSchema = schema.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        group.bench_with_input(BenchmarkId::new("check_schema", n), &schema, |b, schema| {
            b.iter(|| black_box(checker.check_schema(black_box(schema))));
        });
        // Yardstick: comparing the frame's Polars schema with an expected one.
        group.bench_with_input(BenchmarkId::new("yardstick_schema_eq", n), &n, |b, _| {
            b.iter(|| black_box(black_box(schema.as_ref()) == black_box(&expected)));
        });
        group.bench_with_input(BenchmarkId::new("check_frame", n), &frame, |b, frame| {
            b.iter(|| black_box(checker.check(black_box(frame))));
        });
        group.bench_with_input(
            BenchmarkId::new("conform_zero_copy", n),
            &frame,
            |b, frame| {
                b.iter(|| black_box(checker.conform(black_box(frame)).is_ok()));
            },
        );
    }
    group.finish();
}

/// Ten numeric columns that all need a widening cast (Int32/UInt32 → Int64, Float32 →
/// Float64), in another order than the signature's: the Polars twin of the Arrow bench's.
fn casts(n: usize) -> (Schema, DataFrame) {
    let schema = frames::cast_signature();
    let columns: Vec<Column> = (0..10u64)
        .rev()
        .map(|i| {
            let name = format!("c{i}");
            let values = noise(n, i + 1);
            match i % 4 {
                0 => Column::new(name.into(), values.map(|v| v as i32).collect::<Vec<_>>()),
                2 => Column::new(name.into(), values.map(|v| v as u32).collect::<Vec<_>>()),
                _ => Column::new(
                    name.into(),
                    values
                        .map(|v| (v % 10_000) as f32 / 7.0)
                        .collect::<Vec<_>>(),
                ),
            }
        })
        .collect();
    (schema, DataFrame::new(n, columns).expect("a valid frame"))
}

fn conform(c: &mut Criterion) {
    let n = rows();
    let (schema, frame) = casts(n);
    let checker = PolarsChecker::for_schema(&schema);
    let mut group = c.benchmark_group("frame_polars/conform_casts");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(8));
    group.throughput(Throughput::Bytes(frame.estimated_size() as u64));
    group.bench_function(BenchmarkId::new("conform", n), |b| {
        b.iter(|| black_box(checker.conform(black_box(&frame)).map(|c| c.frame.height())));
    });
    // Yardstick: the same widening as plain loops over the value slices (no nulls, no Polars).
    group.bench_function(BenchmarkId::new("yardstick_plain_loops", n), |b| {
        b.iter(|| {
            let out: Vec<Vec<u64>> = frame
                .columns()
                .iter()
                .map(|column| {
                    let series = column.as_materialized_series();
                    if let Ok(values) = series.i32().and_then(|ca| ca.cont_slice()) {
                        values.iter().map(|&v| i64::from(v) as u64).collect()
                    } else if let Ok(values) = series.u32().and_then(|ca| ca.cont_slice()) {
                        values.iter().map(|&v| u64::from(v)).collect()
                    } else if let Ok(values) = series.f32().and_then(|ca| ca.cont_slice()) {
                        values.iter().map(|&v| f64::from(v).to_bits()).collect()
                    } else {
                        Vec::new()
                    }
                })
                .collect();
            black_box(out)
        });
    });
    group.finish();
}

/// 1,000 columns in shuffled order, beside the 10-column frame in the same run (see the
/// Arrow bench's `wide`).
fn wide(c: &mut Criterion) {
    let n = 1_000;
    let checker = PolarsChecker::for_schema(&frames::wide_signature());
    let columns: Vec<Column> = frames::shuffled(frames::WIDE)
        .into_iter()
        .map(|i| {
            let (name, seed) = (format!("f{i}"), i as u64 + 1);
            match frames::wide_type(i) {
                DataType::Long => longs(&name, n, seed),
                DataType::Double => doubles(&name, n, seed),
                DataType::String => strings(&name, n, seed),
                _ => bools(&name, n, seed),
            }
        })
        .collect();
    let frame = DataFrame::new(n, columns).expect("a valid frame");
    assert!(checker.check(&frame).is_valid());
    let schema = frame.schema().clone();
    let expected: PlSchema = schema.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    let narrow = matching(n);
    let narrow_checker = PolarsChecker::for_schema(&signature());
    let mut group = c.benchmark_group("frame_polars/wide_1000");
    group.bench_function("check_schema 1000 columns", |b| {
        b.iter(|| black_box(checker.check_schema(black_box(&schema))));
    });
    group.bench_function("check 1000 columns", |b| {
        b.iter(|| black_box(checker.check(black_box(&frame))));
    });
    group.bench_function("conform 1000 columns (zero-copy)", |b| {
        b.iter(|| black_box(checker.conform(black_box(&frame)).is_ok()));
    });
    group.bench_function("yardstick_schema_eq 1000 columns", |b| {
        b.iter(|| black_box(black_box(schema.as_ref()) == black_box(&expected)));
    });
    group.bench_function("check 10 columns", |b| {
        b.iter(|| black_box(narrow_checker.check(black_box(&narrow))));
    });
    group.finish();
}

criterion_group!(benches, wide, schema_level, conform);
criterion_main!(benches);
