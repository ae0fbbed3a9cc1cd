//! Arrow batch checks and conform, with same-run yardsticks (see BENCHMARKS.md, "Dataframes").
//!
//! Ten columns shaped like the house-price payload of the JSON benches: sqft, bedrooms,
//! year_built, lot_size (`long`), bathrooms, lat, lon (`double`), city, zip (`string`),
//! has_pool (`boolean`). `$SIGNATURE_BENCH_FRAME_ROWS` rows (default 10,000,000) for the large
//! batches; the schema-level figures also run at 1,000 rows. `frame/wide_1000`: a batch of
//! 1,000 columns (1,000 rows) in another order than its signature's, beside the 10-column
//! batch in the same run.
//!
//! ```text
//! cargo bench -p signature-runtime --features arrow --bench frame_arrow
//! ```

use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

mod frames;

use arrow_array::{
    ArrayRef, BooleanArray, Float32Array, Float64Array, Int32Array, Int64Array, RecordBatch,
    StringArray, TimestampMicrosecondArray, UInt32Array, UInt64Array,
};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use frames::{WIDE, noise, rows, shuffled, signature, wide_signature, wide_type};
use signature_runtime::frame::ArrowChecker;
use signature_runtime::{ColSpec, DataType, Schema};

fn longs(n: usize, seed: u64) -> ArrayRef {
    Arc::new(Int64Array::from_iter_values(
        noise(n, seed).map(|v| (v % 100_000) as i64),
    ))
}

fn ints(n: usize, seed: u64) -> ArrayRef {
    Arc::new(Int32Array::from_iter_values(
        noise(n, seed).map(|v| (v % 100_000) as i32),
    ))
}

fn doubles(n: usize, seed: u64) -> ArrayRef {
    Arc::new(Float64Array::from_iter_values(
        noise(n, seed).map(|v| (v % 10_000) as f64 / 7.0),
    ))
}

fn floats(n: usize, seed: u64) -> ArrayRef {
    Arc::new(Float32Array::from_iter_values(
        noise(n, seed).map(|v| (v % 10_000) as f32 / 7.0),
    ))
}

/// Short strings; only the schema-level benches use them at 10M rows (no string is copied).
fn strings(n: usize, seed: u64) -> ArrayRef {
    let names = ["Salem", "Madison", "Dover", "Helena", "Juneau"];
    Arc::new(StringArray::from_iter_values(
        noise(n, seed).map(|v| names[(v % 5) as usize]),
    ))
}

fn bools(n: usize, seed: u64) -> ArrayRef {
    Arc::new(BooleanArray::from_iter(
        noise(n, seed).map(|v| Some(v % 2 == 0)),
    ))
}

/// Every column already of its signature type: checking reads no values, conforming copies
/// nothing.
fn matching(n: usize) -> RecordBatch {
    RecordBatch::try_from_iter([
        ("sqft", longs(n, 1)),
        ("bedrooms", longs(n, 2)),
        ("bathrooms", doubles(n, 3)),
        ("lat", doubles(n, 4)),
        ("lon", doubles(n, 5)),
        ("city", strings(n, 6)),
        ("zip", strings(n, 7)),
        ("has_pool", bools(n, 8)),
        ("year_built", longs(n, 9)),
        ("lot_size", longs(n, 10)),
    ])
    .expect("a valid batch")
}

/// Ten numeric columns that all need a widening cast (Int32/UInt32 → Int64, Float32 →
/// Float64), in another order than the signature's.
fn casts(n: usize) -> (Schema, RecordBatch) {
    let schema = frames::cast_signature();
    let columns: Vec<(String, ArrayRef)> = (0..10)
        .rev()
        .map(|i| {
            let array = match i % 4 {
                0 => ints(n, i),
                2 => Arc::new(UInt32Array::from_iter_values(noise(n, i).map(|v| v as u32)))
                    as ArrayRef,
                _ => floats(n, i),
            };
            (format!("c{i}"), array)
        })
        .collect();
    (
        schema,
        RecordBatch::try_from_iter(columns).expect("a valid batch"),
    )
}

fn column_bytes(batch: &RecordBatch) -> u64 {
    batch
        .columns()
        .iter()
        .map(|c| c.get_buffer_memory_size() as u64)
        .sum()
}

fn schema_level(c: &mut Criterion) {
    let signature = signature();
    let checker = ArrowChecker::for_schema(&signature);
    let mut group = c.benchmark_group("frame/schema_level");
    for n in [1_000, rows()] {
        let batch = matching(n);
        // An equal schema built separately, so the comparison cannot stop at `Arc::ptr_eq`.
        let expected = Arc::new(batch.schema().as_ref().clone());
        let schema = batch.schema();
        group.bench_with_input(BenchmarkId::new("check_schema", n), &batch, |b, batch| {
            b.iter(|| black_box(checker.check_schema(black_box(batch.schema_ref()))));
        });
        group.bench_with_input(BenchmarkId::new("check_batch", n), &batch, |b, batch| {
            b.iter(|| black_box(checker.check(black_box(batch))));
        });
        // Yardstick: comparing the batch's Arrow schema with an expected one, field by field.
        group.bench_with_input(BenchmarkId::new("yardstick_schema_eq", n), &n, |b, _| {
            b.iter(|| black_box(black_box(&schema) == black_box(&expected)));
        });
        group.bench_with_input(
            BenchmarkId::new("conform_zero_copy", n),
            &batch,
            |b, batch| {
                b.iter(|| black_box(checker.conform(black_box(batch)).is_ok()));
            },
        );
    }
    group.finish();
}

fn conform(c: &mut Criterion) {
    let n = rows();
    let (schema, batch) = casts(n);
    let checker = ArrowChecker::for_schema(&schema);
    let bytes = column_bytes(&batch);
    let mut group = c.benchmark_group("frame/conform_casts");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(8));
    group.throughput(Throughput::Bytes(bytes));
    group.bench_function(BenchmarkId::new("conform", n), |b| {
        b.iter(|| {
            black_box(
                checker
                    .conform(black_box(&batch))
                    .map(|c| c.batch.num_rows()),
            )
        });
    });
    // Yardstick: the same widening as plain loops over the value slices (no nulls, no Arrow).
    group.bench_function(BenchmarkId::new("yardstick_plain_loops", n), |b| {
        b.iter(|| {
            let mut out: Vec<Vec<u64>> = Vec::with_capacity(10);
            for column in batch.columns() {
                let any = column.as_any();
                let widened: Vec<u64> = if let Some(a) = any.downcast_ref::<Int32Array>() {
                    a.values().iter().map(|&v| i64::from(v) as u64).collect()
                } else if let Some(a) = any.downcast_ref::<UInt32Array>() {
                    a.values().iter().map(|&v| u64::from(v)).collect()
                } else if let Some(a) = any.downcast_ref::<Float32Array>() {
                    a.values().iter().map(|&v| f64::from(v).to_bits()).collect()
                } else {
                    Vec::new()
                };
                out.push(widened);
            }
            black_box(out)
        });
    });
    group.finish();
}

fn value_checks(c: &mut Criterion) {
    let n = rows();
    let schema = Schema::from_columns(vec![
        ColSpec::new("u", DataType::Long),
        ColSpec::new("t", DataType::Datetime),
    ])
    .expect("a valid schema");
    let batch = RecordBatch::try_from_iter([
        (
            "u",
            Arc::new(UInt64Array::from_iter_values(noise(n, 11).map(|v| v >> 1))) as ArrayRef,
        ),
        (
            "t",
            Arc::new(TimestampMicrosecondArray::from_iter_values(
                noise(n, 12).map(|v| (v % 4_000_000_000_000_000) as i64),
            )) as ArrayRef,
        ),
    ])
    .expect("a valid batch");
    let checker = ArrowChecker::for_schema(&schema);
    let mut group = c.benchmark_group("frame/value_checks");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(5));
    group.throughput(Throughput::Bytes(column_bytes(&batch)));
    group.bench_function(BenchmarkId::new("uint64_and_timestamp_range", n), |b| {
        b.iter(|| black_box(checker.check(black_box(&batch)).is_valid()));
    });
    group.finish();
}

/// 1,000 columns in shuffled order: the schema-level work must stay linear in the columns
/// (the 10-column batch of the same run is the baseline: 100x the columns should cost about
/// 100x, not 10,000x).
fn wide(c: &mut Criterion) {
    let n = 1_000;
    let checker = ArrowChecker::for_schema(&wide_signature());
    let columns: Vec<(String, ArrayRef)> = shuffled(WIDE)
        .into_iter()
        .map(|i| {
            let seed = i as u64 + 1;
            let array = match wide_type(i) {
                DataType::Long => longs(n, seed),
                DataType::Double => doubles(n, seed),
                DataType::String => strings(n, seed),
                _ => bools(n, seed),
            };
            (format!("f{i}"), array)
        })
        .collect();
    let batch = RecordBatch::try_from_iter(columns).expect("a valid batch");
    assert!(checker.check(&batch).is_valid());
    let narrow = matching(n);
    let narrow_checker = ArrowChecker::for_schema(&signature());
    let expected = Arc::new(batch.schema().as_ref().clone());
    let schema = batch.schema();
    let mut group = c.benchmark_group("frame/wide_1000");
    group.bench_function("check_schema 1000 columns", |b| {
        b.iter(|| black_box(checker.check_schema(black_box(batch.schema_ref()))));
    });
    group.bench_function("check 1000 columns", |b| {
        b.iter(|| black_box(checker.check(black_box(&batch))));
    });
    group.bench_function("conform 1000 columns (zero-copy)", |b| {
        b.iter(|| black_box(checker.conform(black_box(&batch)).is_ok()));
    });
    group.bench_function("yardstick_schema_eq 1000 columns", |b| {
        b.iter(|| black_box(black_box(&schema) == black_box(&expected)));
    });
    group.bench_function("check_schema 10 columns", |b| {
        b.iter(|| black_box(narrow_checker.check_schema(black_box(narrow.schema_ref()))));
    });
    group.bench_function("check 10 columns", |b| {
        b.iter(|| black_box(narrow_checker.check(black_box(&narrow))));
    });
    group.finish();
}

criterion_group!(benches, wide, schema_level, conform, value_checks);
criterion_main!(benches);
