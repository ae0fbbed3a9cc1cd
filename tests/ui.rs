//! Compile-fail tests of `#[derive(Signature)]`: each case in `ui/<category>/` is one mistake,
//! and its `.stderr` is the reviewed error rustc prints.
//!
//! rustc's output changes between versions, so the cases are pinned to the toolchain the
//! project builds with. Regenerate with `TRYBUILD=overwrite cargo test -p signature-tests
//! --test ui` and review the diff.

use std::path::{Path, PathBuf};

#[test]
fn ui() {
    if !rustversion::cfg!(stable(1.95)) {
        // Not an ignore attribute: an ignored test is easy to miss in cargo's summary, a skip is counted
        // in scripts/test.sh's, and CI (on the pinned toolchain) must never skip it.
        assert!(
            !signature_tests::skip::required(),
            "UI tests are pinned to rustc 1.95 and CI=true requires them"
        );
        signature_tests::skip::record(
            "UI (trybuild)",
            "ui",
            "its expected output is pinned to rustc 1.95; this is another toolchain",
        );
        return;
    }
    copy_check_fixtures();
    let cases = trybuild::TestCases::new();
    cases.compile_fail("ui/**/*.rs");
}

/// `#[signature(check = "...")]` paths are relative to the crate being compiled, and trybuild
/// compiles the cases as a crate of its own under `<target>/tests/trybuild/signature-tests`:
/// give it the fixtures at the same relative paths.
fn copy_check_fixtures() {
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("ui/check/fixtures");
    let target = trybuild_project_dir().join("ui/check/fixtures");
    std::fs::create_dir_all(&target).expect("create the trybuild fixtures folder");
    for entry in std::fs::read_dir(&source).expect("read ui/check/fixtures") {
        let entry = entry.expect("a fixture");
        std::fs::copy(entry.path(), target.join(entry.file_name())).expect("copy a fixture");
    }
    // One byte over the drift check's 16 MiB file budget: made here rather than committed.
    let mut too_large = vec![b' '; 16 * 1024 * 1024 - 1];
    too_large.extend_from_slice(b"[]");
    std::fs::write(target.join("too-large.json"), too_large).expect("write too-large.json");
}

/// `<target>/tests/trybuild/<crate>`, where `<target>` holds `debug/deps/ui-<hash>`.
fn trybuild_project_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary's path");
    let target = exe
        .ancestors()
        .nth(3)
        .expect("the test binary is in <target>/<profile>/deps");
    target.join("tests/trybuild").join(env!("CARGO_PKG_NAME"))
}
