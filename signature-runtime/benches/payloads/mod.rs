//! The MLflow request bodies the JSON benches run on, generated here from a fixed seed: the
//! same bytes on every run and every machine, from a plain clone (nothing outside the
//! repository, no Python).
//!
//! - House prices: 10 columns (4 `long`, 3 `double`, 2 `string`, 1 `boolean`), the shape of
//!   MLflow's tabular examples, as `dataframe_split` and `dataframe_records`, with
//!   `$SIGNATURE_BENCH_ROWS` rows (default 1,000,000), written as Python's `json.dumps` writes
//!   (`", "` and `": "` separators).
//! - Wide: 1,000 columns `f0` … `f999` (`long`, `double`, `string`, `boolean` in turn), 2,000
//!   rows, as `dataframe_split` and as records with their keys in the schema's order, sorted
//!   (as Go's encoder and `json.dumps(sort_keys=True)` write them), shuffled once (one
//!   permutation shared by every record: a client whose frame has its columns in another
//!   order) and shuffled (a different permutation per record, as a client serialising one
//!   hash map per record writes them).
//!
//! [`write_wide`] also writes the wide bodies and their signature to a directory, for
//! `benches/mlflow_parse_enforce.py` to time MLflow on the same bytes.

// Each bench that includes this module uses only part of it.
#![allow(dead_code)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use signature_runtime::{ColSpec, DataType, ModelSignature, Schema};

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

/// The house-price columns and their MLflow types.
const HOUSE_COLUMNS: [(&str, DataType); 10] = [
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

const CITIES: [&str; 10] = [
    "Springfield",
    "Riverton",
    "Lakeside",
    "Fairview",
    "Greenville",
    "Bristol",
    "Clinton",
    "Georgetown",
    "Salem",
    "Madison",
];

/// How many house-price rows the large bodies have.
pub(crate) fn rows() -> usize {
    std::env::var("SIGNATURE_BENCH_ROWS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_000_000)
}

/// A seeded pseudo-random sequence (xorshift64*): deterministic, no dependency.
pub(crate) struct Noise(u64);

impl Noise {
    pub(crate) fn new(seed: u64) -> Self {
        Noise(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub(crate) fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `low..=high`.
    pub(crate) fn between(&mut self, low: i64, high: i64) -> i64 {
        let span = (high - low + 1) as u64;
        low + (self.next() % span) as i64
    }

    /// `true` with probability `percent`/100.
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    /// A float with `decimals` digits after the point in `low..high`, written as Python's
    /// `repr` of `round(x, decimals)` writes it (Rust's `{:?}` is also the shortest
    /// round-trip form, with `.0` on whole numbers).
    fn decimal(&mut self, low: i64, high: i64, decimals: u32) -> f64 {
        let scale = 10i64.pow(decimals);
        self.between(low * scale, high * scale - 1) as f64 / scale as f64
    }
}

/// The house-price signature (inputs only).
pub(crate) fn house_schema() -> Schema {
    Schema::from_columns(
        HOUSE_COLUMNS
            .iter()
            .map(|(name, ty)| ColSpec::new(*name, *ty))
            .collect(),
    )
    .expect("a valid schema")
}

/// One house-price row's cells, as JSON text.
fn house_row(noise: &mut Noise, out: &mut String) {
    let _ = write!(
        out,
        "{}, {}, {:?}, {:?}, {:?}, \"{}\", \"{:05}\", {}, {}, {}",
        noise.between(400, 6000),
        noise.between(1, 7),
        noise.between(2, 10) as f64 / 2.0,
        noise.decimal(25, 49, 6),
        noise.decimal(-124, -67, 6),
        CITIES[noise.between(0, 9) as usize],
        noise.between(501, 99950),
        noise.chance(20),
        noise.between(1900, 2024),
        noise.between(1000, 90000),
    );
}

/// The house-price bodies of `rows` rows: (`dataframe_split`, `dataframe_records`), seed 42.
pub(crate) fn house_bodies(rows: usize) -> (Vec<u8>, Vec<u8>) {
    let names: Vec<String> = HOUSE_COLUMNS
        .iter()
        .map(|(n, _)| format!("\"{n}\""))
        .collect();
    let mut split = format!(
        "{{\"dataframe_split\": {{\"columns\": [{}], \"data\": [",
        names.join(", ")
    );
    let mut records = String::from("{\"dataframe_records\": [");
    let mut noise = Noise::new(42);
    let mut cells = String::new();
    for row in 0..rows {
        if row > 0 {
            split.push_str(", ");
            records.push_str(", ");
        }
        cells.clear();
        house_row(&mut noise, &mut cells);
        let _ = write!(split, "[{cells}]");
        records.push('{');
        for (n, (name, cell)) in names.iter().zip(split_cells(&cells)).enumerate() {
            if n > 0 {
                records.push_str(", ");
            }
            let _ = write!(records, "{name}: {cell}");
        }
        records.push('}');
    }
    split.push_str("]}}");
    records.push_str("]}");
    (split.into_bytes(), records.into_bytes())
}

/// The cells of a row written by [`house_row`] (no cell holds `", "`).
fn split_cells(cells: &str) -> impl Iterator<Item = &str> {
    cells.split(", ")
}

/// The wide schema's width and row count.
pub(crate) const WIDE_COLUMNS: usize = 1_000;
pub(crate) const WIDE_ROWS: usize = 2_000;

/// How a wide record body lays out each record's keys.
#[derive(Clone, Copy, Debug)]
pub(crate) enum KeyOrder {
    InOrder,
    Sorted,
    /// One permutation for every record.
    ShuffledOnce,
    /// A permutation per record.
    Shuffled,
}

impl KeyOrder {
    pub(crate) const ALL: [KeyOrder; 4] = [
        KeyOrder::InOrder,
        KeyOrder::Sorted,
        KeyOrder::ShuffledOnce,
        KeyOrder::Shuffled,
    ];

    pub(crate) fn name(self) -> &'static str {
        match self {
            KeyOrder::InOrder => "in_order",
            KeyOrder::Sorted => "sorted",
            KeyOrder::ShuffledOnce => "shuffled_once",
            KeyOrder::Shuffled => "shuffled",
        }
    }
}

/// A seeded permutation of `items` (Fisher–Yates).
fn shuffle(items: &mut [usize], noise: &mut Noise) {
    for i in (1..items.len()).rev() {
        let j = (noise.next() % (i as u64 + 1)) as usize;
        items.swap(i, j);
    }
}

/// How the wide schema's column types follow each other.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum WideTypes {
    /// `long`, `double`, `string`, `boolean` in turn: a period of four, which a processor's
    /// branch predictor learns, so records in the schema's order meet their cells' checks in
    /// a predictable order and records in any other order do not.
    Periodic,
    /// The same 250 columns of each type in a seeded random order (seed 17), as a real model's
    /// features come: no key order meets the checks predictably, the schema's included.
    Mixed,
}

impl WideTypes {
    fn column_type(self, column: usize) -> DataType {
        let position = match self {
            WideTypes::Periodic => column,
            WideTypes::Mixed => {
                let mut order: Vec<usize> = (0..WIDE_COLUMNS).collect();
                shuffle(&mut order, &mut Noise::new(17));
                order[column]
            }
        };
        [
            DataType::Long,
            DataType::Double,
            DataType::String,
            DataType::Boolean,
        ][position % 4]
    }

    fn column_types(self) -> Vec<DataType> {
        (0..WIDE_COLUMNS).map(|i| self.column_type(i)).collect()
    }
}

/// The wide signature: `f0` … `f999`, typed as `types` says.
pub(crate) fn wide_schema(types: WideTypes) -> Schema {
    Schema::from_columns(
        types
            .column_types()
            .into_iter()
            .enumerate()
            .map(|(i, ty)| ColSpec::new(format!("f{i}"), ty))
            .collect(),
    )
    .expect("a valid schema")
}

/// The wide rows' cells as JSON text, row by row, seed 7.
fn wide_cells(types: WideTypes) -> Vec<Vec<String>> {
    let column_types = types.column_types();
    let mut noise = Noise::new(7);
    (0..WIDE_ROWS)
        .map(|_| {
            column_types
                .iter()
                .map(|ty| match ty {
                    DataType::Long => noise.between(0, 99_999).to_string(),
                    DataType::Double => format!("{:?}", noise.decimal(-1000, 1000, 3)),
                    DataType::String => format!("\"{}\"", CITIES[noise.between(0, 9) as usize]),
                    _ => noise.chance(50).to_string(),
                })
                .collect()
        })
        .collect()
}

/// The wide bodies: `dataframe_split`, then records in each [`KeyOrder`].
pub(crate) fn wide_bodies(types: WideTypes) -> (Vec<u8>, Vec<(KeyOrder, Vec<u8>)>) {
    let cells = wide_cells(types);
    let keys: Vec<String> = (0..WIDE_COLUMNS).map(|i| format!("\"f{i}\"")).collect();
    let mut split = format!(
        "{{\"dataframe_split\": {{\"columns\": [{}], \"data\": [",
        keys.join(", ")
    );
    for (r, row) in cells.iter().enumerate() {
        if r > 0 {
            split.push_str(", ");
        }
        let _ = write!(split, "[{}]", row.join(", "));
    }
    split.push_str("]}}");
    let mut sorted: Vec<usize> = (0..WIDE_COLUMNS).collect();
    sorted.sort_by(|a, b| keys[*a].cmp(&keys[*b]));
    let mut noise = Noise::new(11);
    let mut shuffled_once: Vec<usize> = (0..WIDE_COLUMNS).collect();
    shuffle(&mut shuffled_once, &mut Noise::new(13));
    let records = KeyOrder::ALL
        .iter()
        .map(|&order| {
            let mut body = String::from("{\"dataframe_records\": [");
            for (r, row) in cells.iter().enumerate() {
                if r > 0 {
                    body.push_str(", ");
                }
                let mut columns: Vec<usize> = match order {
                    KeyOrder::InOrder => (0..WIDE_COLUMNS).collect(),
                    KeyOrder::Sorted => sorted.clone(),
                    KeyOrder::ShuffledOnce => shuffled_once.clone(),
                    KeyOrder::Shuffled => (0..WIDE_COLUMNS).collect(),
                };
                if let KeyOrder::Shuffled = order {
                    shuffle(&mut columns, &mut noise);
                }
                body.push('{');
                for (n, &k) in columns.iter().enumerate() {
                    if n > 0 {
                        body.push_str(", ");
                    }
                    let _ = write!(body, "{}: {}", keys[k], row[k]);
                }
                body.push('}');
            }
            body.push_str("]}");
            (order, body.into_bytes())
        })
        .collect();
    (split.into_bytes(), records)
}

/// The directory the wide bodies are written to: `$SIGNATURE_BENCH_DIR`, default
/// `/tmp/signature-bench`.
pub(crate) fn bench_dir() -> PathBuf {
    PathBuf::from(
        std::env::var("SIGNATURE_BENCH_DIR").unwrap_or_else(|_| "/tmp/signature-bench".into()),
    )
}

/// Writes the wide bodies (`wide_split.json`, `wide_records_{order}.json`) and their MLflow
/// signature (`wide_signature.json`, as `ModelSignature.to_dict()`) into `dir`.
pub(crate) fn write_wide(dir: &Path, split: &[u8], records: &[(KeyOrder, Vec<u8>)]) {
    std::fs::create_dir_all(dir).expect("the bench directory can be made");
    std::fs::write(dir.join("wide_split.json"), split).expect("written");
    for (order, body) in records {
        std::fs::write(
            dir.join(format!("wide_records_{}.json", order.name())),
            body,
        )
        .expect("written");
    }
    let signature = ModelSignature::new(Some(wide_schema(WideTypes::Periodic)), None, None)
        .expect("a signature");
    std::fs::write(
        dir.join("wide_signature.json"),
        signature.to_dict().to_json(),
    )
    .expect("written");
}
