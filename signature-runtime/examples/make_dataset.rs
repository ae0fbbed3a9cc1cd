//! Writes a dataset of many Parquet files for the dataset benchmarks (BENCHMARKS.md, "Datasets
//! through DataFusion"): `part-00000.parquet`, … of 1,000,000 rows each (about 40 MB, zstd)
//! until the total reaches the size asked for, plus `signature.json`, the signature they match,
//! and `signature_pandas.json`, the same with the optional integer column `visits` declared
//! `double`: MLflow's advice for integers with missing values, without which its
//! `_enforce_schema` refuses the column pandas reads as float64 (the pandas yardstick uses it).
//!
//! ```text
//! cargo run --release -p signature-runtime --features parquet --example make_dataset -- target/dataset 5
//! ```
//!
//! `GB` may be fractional (`0.5`); the issue's size is 5. Ten columns of the kinds scoring data
//! has: ids, integer and float features (some optional, with nulls), a category string, a
//! flag, a timestamp. The values come from a fixed-seed generator, so two runs write the same
//! files.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use signature_runtime::frame::arrow_array::{
    ArrayRef, BooleanArray, Float32Array, Float64Array, Int32Array, Int64Array, RecordBatch,
    StringArray, TimestampMicrosecondArray,
};
use signature_runtime::frame::parquet_crate::arrow::ArrowWriter;
use signature_runtime::frame::parquet_crate::basic::{Compression, ZstdLevel};
use signature_runtime::frame::parquet_crate::file::properties::WriterProperties;

const ROWS_PER_FILE: usize = 1_000_000;
const ROWS_PER_GROUP: usize = 131_072;

const SIGNATURE: &str = r#"{"inputs": "[{\"type\": \"long\", \"name\": \"id\", \"required\": true}, {\"type\": \"integer\", \"name\": \"age\", \"required\": true}, {\"type\": \"double\", \"name\": \"income\", \"required\": true}, {\"type\": \"double\", \"name\": \"balance\", \"required\": false}, {\"type\": \"float\", \"name\": \"score\", \"required\": true}, {\"type\": \"long\", \"name\": \"visits\", \"required\": false}, {\"type\": \"string\", \"name\": \"region\", \"required\": true}, {\"type\": \"string\", \"name\": \"segment\", \"required\": false}, {\"type\": \"boolean\", \"name\": \"active\", \"required\": true}, {\"type\": \"datetime\", \"name\": \"seen\", \"required\": true}]", "outputs": null, "params": null}"#;

/// `SIGNATURE` with `visits` a `double`, for MLflow's pandas path.
const SIGNATURE_PANDAS: &str = r#"{"inputs": "[{\"type\": \"long\", \"name\": \"id\", \"required\": true}, {\"type\": \"integer\", \"name\": \"age\", \"required\": true}, {\"type\": \"double\", \"name\": \"income\", \"required\": true}, {\"type\": \"double\", \"name\": \"balance\", \"required\": false}, {\"type\": \"float\", \"name\": \"score\", \"required\": true}, {\"type\": \"double\", \"name\": \"visits\", \"required\": false}, {\"type\": \"string\", \"name\": \"region\", \"required\": true}, {\"type\": \"string\", \"name\": \"segment\", \"required\": false}, {\"type\": \"boolean\", \"name\": \"active\", \"required\": true}, {\"type\": \"datetime\", \"name\": \"seen\", \"required\": true}]", "outputs": null, "params": null}"#;

const REGIONS: [&str; 8] = [
    "north", "south", "east", "west", "centre", "coast", "hills", "islands",
];

/// A fixed-seed xorshift: the same files on every run, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn group(rng: &mut Rng, first_id: i64, rows: usize) -> RecordBatch {
    let ids: Vec<i64> = (0..rows as i64).map(|i| first_id + i).collect();
    let ages: Vec<i32> = (0..rows).map(|_| 18 + rng.below(70) as i32).collect();
    let incomes: Vec<f64> = (0..rows)
        .map(|_| 20_000.0 + rng.unit() * 180_000.0)
        .collect();
    let balances: Vec<Option<f64>> = (0..rows)
        .map(|_| (rng.below(10) != 0).then(|| rng.unit() * 50_000.0))
        .collect();
    let scores: Vec<f32> = (0..rows).map(|_| rng.unit() as f32).collect();
    let visits: Vec<Option<i64>> = (0..rows)
        .map(|_| (rng.below(20) != 0).then(|| rng.below(500) as i64))
        .collect();
    let regions: Vec<&str> = (0..rows)
        .map(|_| REGIONS[rng.below(REGIONS.len() as u64) as usize])
        .collect();
    let segments: Vec<Option<String>> = (0..rows)
        .map(|_| (rng.below(4) != 0).then(|| format!("segment-{}", rng.below(1_000))))
        .collect();
    let active: Vec<bool> = (0..rows).map(|_| rng.below(2) == 0).collect();
    let seen: Vec<i64> = (0..rows)
        .map(|_| 1_700_000_000_000_000 + rng.below(100_000_000_000_000) as i64)
        .collect();
    RecordBatch::try_from_iter([
        ("id", Arc::new(Int64Array::from(ids)) as ArrayRef),
        ("age", Arc::new(Int32Array::from(ages)) as ArrayRef),
        ("income", Arc::new(Float64Array::from(incomes)) as ArrayRef),
        (
            "balance",
            Arc::new(Float64Array::from(balances)) as ArrayRef,
        ),
        ("score", Arc::new(Float32Array::from(scores)) as ArrayRef),
        ("visits", Arc::new(Int64Array::from(visits)) as ArrayRef),
        ("region", Arc::new(StringArray::from(regions)) as ArrayRef),
        ("segment", Arc::new(StringArray::from(segments)) as ArrayRef),
        ("active", Arc::new(BooleanArray::from(active)) as ArrayRef),
        (
            "seen",
            Arc::new(TimestampMicrosecondArray::from(seen)) as ArrayRef,
        ),
    ])
    .expect("the columns have the same length")
}

fn write_file(path: &Path, rng: &mut Rng, first_id: i64) -> std::io::Result<u64> {
    let properties = WriterProperties::builder()
        .set_compression(Compression::ZSTD(ZstdLevel::default()))
        .set_max_row_group_row_count(Some(ROWS_PER_GROUP))
        .build();
    let mut writer = None;
    let mut written = 0;
    while written < ROWS_PER_FILE {
        let rows = ROWS_PER_GROUP.min(ROWS_PER_FILE - written);
        let batch = group(rng, first_id + written as i64, rows);
        let writer = match &mut writer {
            Some(writer) => writer,
            None => writer.insert(
                ArrowWriter::try_new(
                    std::fs::File::create(path)?,
                    batch.schema(),
                    Some(properties.clone()),
                )
                .map_err(std::io::Error::other)?,
            ),
        };
        writer.write(&batch).map_err(std::io::Error::other)?;
        written += rows;
    }
    if let Some(writer) = writer {
        writer.close().map_err(std::io::Error::other)?;
    }
    Ok(std::fs::metadata(path)?.len())
}

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let (Some(dir), Some(gb)) = (args.next(), args.next()) else {
        eprintln!("usage: make_dataset DIR GB");
        std::process::exit(2);
    };
    let Ok(gb) = gb.parse::<f64>() else {
        eprintln!("GB must be a number, such as 0.5 or 5");
        std::process::exit(2);
    };
    let dir = PathBuf::from(dir);
    std::fs::create_dir_all(&dir)?;
    std::fs::write(dir.join("signature.json"), SIGNATURE)?;
    std::fs::write(dir.join("signature_pandas.json"), SIGNATURE_PANDAS)?;
    let target = (gb * 1e9) as u64;
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let (mut total, mut files) = (0u64, 0usize);
    while total < target {
        let path = dir.join(format!("part-{files:05}.parquet"));
        total += write_file(&path, &mut rng, (files * ROWS_PER_FILE) as i64)?;
        files += 1;
        eprint!("\r{files} files, {:.2} GB", total as f64 / 1e9);
    }
    eprintln!();
    println!(
        "{files} files, {} rows, {total} bytes in {}",
        files * ROWS_PER_FILE,
        dir.display()
    );
    Ok(())
}
