//! Streaming check of a large Parquet file: time and peak RSS (a benchmark, not a CI test).
//!
//! `$SIGNATURE_BENCH_PARQUET` names the file (e.g. 1 GB written by pyarrow, see BENCHMARKS.md)
//! and `$SIGNATURE_BENCH_SIGNATURE` its signature (a signature dict JSON, an MLmodel file or a
//! model directory); without them the bench says so and does nothing. The yardstick is reading
//! the same file batch by batch without checking, run first in the same process.
//!
//! ```text
//! SIGNATURE_BENCH_PARQUET=/tmp/big.parquet SIGNATURE_BENCH_SIGNATURE=/tmp/sig.json \
//!     cargo bench -p signature-runtime --features parquet --bench frame_parquet
//! ```

use std::path::PathBuf;
use std::time::Instant;

use signature_runtime::frame::ArrowChecker;
use signature_runtime::frame::parquet::{check_file, open};
use signature_runtime::load_signature;

/// Peak resident memory of this process so far (Linux `VmHWM`), in MiB.
fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

fn main() {
    let (Some(path), Some(signature)) = (
        std::env::var_os("SIGNATURE_BENCH_PARQUET").map(PathBuf::from),
        std::env::var_os("SIGNATURE_BENCH_SIGNATURE").map(PathBuf::from),
    ) else {
        eprintln!(
            "frame_parquet: set SIGNATURE_BENCH_PARQUET and SIGNATURE_BENCH_SIGNATURE to run"
        );
        return;
    };
    let signature = load_signature(&signature).expect("a readable signature");
    let size = std::fs::metadata(&path).expect("a readable file").len() as f64;

    let start = Instant::now();
    let mut rows = 0usize;
    for batch in open(&path).expect("a Parquet file") {
        rows += batch.expect("a readable batch").num_rows();
    }
    let read = start.elapsed().as_secs_f64();
    let read_rss = peak_rss_mib().unwrap_or(f64::NAN);

    let checker = ArrowChecker::for_signature(&signature);
    let start = Instant::now();
    let report = check_file(&checker, &path).expect("a Parquet file");
    let checked = start.elapsed().as_secs_f64();
    let rss = peak_rss_mib().unwrap_or(f64::NAN);

    println!(
        "file: {:.0} MB, {rows} rows; valid: {}",
        size / 1e6,
        report.is_valid()
    );
    println!(
        "read only (yardstick): {read:.2} s, {:.2} GB/s of file; peak RSS {read_rss:.0} MiB",
        size / read / 1e9
    );
    println!(
        "check_file:            {checked:.2} s, {:.2} GB/s of file; peak RSS {rss:.0} MiB",
        size / checked / 1e9
    );
}
