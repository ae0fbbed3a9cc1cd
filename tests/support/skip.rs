//! Tests that could not run here say so loudly, and are counted: a skipped test passes as far
//! as cargo is concerned, so `scripts/test.sh` gathers every skip into its closing summary.

use std::io::Write;

/// The file `scripts/test.sh` sets (through `SIGNATURE_SKIP_LOG`) for skips to be listed in;
/// each skip appends one line, `<kind>\t<test>\t<reason>`.
const SKIP_LOG: &str = "SIGNATURE_SKIP_LOG";

/// Whether this run must not skip anything: CI sets `CI=true`.
pub fn required() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// Reports that `test` (of the `kind` of tests, e.g. "MLflow interop") did not run, on the
/// process's stderr (the harness captures `eprintln!` of passing tests) and in the skip log.
pub fn record(kind: &str, test: &str, reason: &str) {
    let _ = std::io::stderr()
        .lock()
        .write_all(format!("=== {kind} SKIPPED: {test} ({reason})\n").as_bytes());
    if let Some(path) = std::env::var_os(SKIP_LOG) {
        let line = format!("{kind}\t{test}\t{}\n", reason.replace(['\t', '\n'], " "));
        // One short write per skip, with O_APPEND: lines from parallel tests do not interleave.
        let appended = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .and_then(|mut file| file.write_all(line.as_bytes()));
        if let Err(error) = appended {
            let _ = writeln!(
                std::io::stderr(),
                "=== could not write the skip log {}: {error}",
                path.to_string_lossy()
            );
        }
    }
}
