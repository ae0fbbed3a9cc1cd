//! The MLflow request bodies the JSON benches run on: `../shared/bench/gen_payload.py`
//! (10 house-price columns, seed 42), made once into `$SIGNATURE_BENCH_DIR` (default
//! `/tmp/signature-bench`) with `$SIGNATURE_BENCH_ROWS` rows (default 1,000,000).

use std::path::{Path, PathBuf};
use std::process::Command;

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
