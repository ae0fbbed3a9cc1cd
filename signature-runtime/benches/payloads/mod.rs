//! The MLflow request bodies the JSON benches run on: `../shared/bench/gen_payload.py`
//! (10 house-price columns, seed 42), made once into `$SIGNATURE_BENCH_DIR` (default
//! `/tmp/signature-bench`) with `$SIGNATURE_BENCH_ROWS` rows (default 1,000,000).

use std::path::{Path, PathBuf};
use std::process::Command;

use serde::Deserialize;

/// The payload's rows, as a user's struct: serde's yardstick, and with the `derive` feature
/// the typed decode's target.
#[derive(Deserialize)]
#[cfg_attr(feature = "derive", derive(signature_runtime::Signature))]
#[allow(dead_code)]
pub(crate) struct House {
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
#[allow(dead_code)]
pub(crate) struct RecordsBody {
    pub(crate) dataframe_records: Vec<House>,
}

/// The split body as plain serde reads it: rows as tuples in column order (no name matching,
/// so cheaper than any by-name decode).
#[derive(Deserialize)]
#[allow(dead_code)]
pub(crate) struct SplitBody {
    pub(crate) dataframe_split: Split,
}

#[derive(Deserialize)]
#[allow(dead_code)]
pub(crate) struct Split {
    columns: Vec<String>,
    pub(crate) data: Vec<HouseRow>,
}

/// One `dataframe_split` row, in column order.
pub(crate) type HouseRow = (i64, i64, f64, f64, f64, String, String, bool, i64, i64);

/// How many rows the bodies have.
pub(crate) fn rows() -> usize {
    std::env::var("SIGNATURE_BENCH_ROWS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_000_000)
}

/// The payload directory, generated on first use: `split_{rows}.json`,
/// `records_{rows}.json` and `signature.json`.
pub(crate) fn payloads(rows: usize) -> PathBuf {
    let dir = PathBuf::from(
        std::env::var("SIGNATURE_BENCH_DIR").unwrap_or_else(|_| "/tmp/signature-bench".into()),
    );
    let complete = ["split", "records"]
        .iter()
        .all(|format| dir.join(format!("{format}_{rows}.json")).exists());
    if !complete {
        let script =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/bench/gen_payload.py");
        let status = Command::new("python3")
            .arg(&script)
            .arg(rows.to_string())
            .arg(&dir)
            .status()
            .expect("python3 runs gen_payload.py");
        assert!(status.success(), "{} failed", script.display());
    }
    dir
}
