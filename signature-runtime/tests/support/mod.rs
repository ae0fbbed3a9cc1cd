//! What the CLI tests share: running the `mlsig` built for this test run, the fixtures, and a
//! scratch directory per test.

// Each test binary includes this module and uses part of it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

#[cfg(feature = "parquet")]
pub(crate) mod parquet;
use std::process::{Command, Output};

/// Runs `mlsig` (the binary cargo built for these tests) with `args`.
pub(crate) fn mlsig(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mlsig"))
        .args(args)
        .output()
        .expect("mlsig runs")
}

/// A file of `tests/fixtures`.
pub(crate) fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// An empty directory of its own for the test `name` of this test binary and process.
pub(crate) fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "mlsig-{}-{}-{name}",
        env!("CARGO_CRATE_NAME"),
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// What the command printed on its standard output (UTF-8).
pub(crate) fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

/// What the command printed on its standard error.
pub(crate) fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}
