//! What the Arrow and Polars frame benches share: the row count, the house-price signature,
//! the signature of the widening-casts case, and the deterministic data source.

use signature_runtime::{ColSpec, DataType, Schema};

/// Rows in the large frames: `$SIGNATURE_BENCH_FRAME_ROWS`, default 10,000,000.
pub(crate) fn rows() -> usize {
    std::env::var("SIGNATURE_BENCH_FRAME_ROWS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(10_000_000)
}

/// The ten house-price columns of the shared JSON payload, as a signature.
pub(crate) fn signature() -> Schema {
    Schema::from_columns(vec![
        ColSpec::new("sqft", DataType::Long),
        ColSpec::new("bedrooms", DataType::Long),
        ColSpec::new("bathrooms", DataType::Double),
        ColSpec::new("lat", DataType::Double),
        ColSpec::new("lon", DataType::Double),
        ColSpec::new("city", DataType::String),
        ColSpec::new("zip", DataType::String),
        ColSpec::new("has_pool", DataType::Boolean),
        ColSpec::new("year_built", DataType::Long),
        ColSpec::new("lot_size", DataType::Long),
    ])
    .expect("a valid schema")
}

/// The widening-casts case's signature: columns `c0` … `c9`, even ones `long`, odd ones
/// `double`. Its frames give `c{i}` as Int32 (`i % 4 == 0`), UInt32 (`i % 4 == 2`) or Float32,
/// in reverse order, so every column is cast and moved.
pub(crate) fn cast_signature() -> Schema {
    let column = |i: usize| {
        let ty = if i.is_multiple_of(2) {
            DataType::Long
        } else {
            DataType::Double
        };
        ColSpec::new(format!("c{i}"), ty)
    };
    Schema::from_columns((0..10).map(column).collect()).expect("a valid schema")
}

/// The wide frames' width.
pub(crate) const WIDE: usize = 1_000;

/// The wide signature: `f0` … `f999`, `long`, `double`, `string`, `boolean` in turn (the JSON
/// benches' wide schema).
pub(crate) fn wide_signature() -> Schema {
    Schema::from_columns(
        (0..WIDE)
            .map(|i| ColSpec::new(format!("f{i}"), wide_type(i)))
            .collect(),
    )
    .expect("a valid schema")
}

pub(crate) fn wide_type(column: usize) -> DataType {
    [
        DataType::Long,
        DataType::Double,
        DataType::String,
        DataType::Boolean,
    ][column % 4]
}

/// `0..n` in a fixed shuffled order: the order of the wide frames' columns.
pub(crate) fn shuffled(n: usize) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    let mut draws = noise(n, 99);
    for i in (1..n).rev() {
        let j = (draws.next().unwrap_or(0) % (i as u64 + 1)) as usize;
        order.swap(i, j);
    }
    order
}

/// A deterministic pseudo-random sequence (xorshift), so the data is not all one value.
pub(crate) fn noise(n: usize, seed: u64) -> impl Iterator<Item = u64> {
    let mut x = seed | 1;
    (0..n).map(move |_| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    })
}
