//! Fuzzes the Parquet and Arrow IPC readers (`frame::parquet`): the first byte picks the
//! file kind, a signature and the check's options, the rest is the file. `check_file` and
//! `infer_file` must return a report or an error, never panic, hang or run away with memory;
//! a file's inferred schema must pass the check of that same file (but for null list items
//! and dates past `datetime`'s range, which infer types as MLflow does and the check refuses); tight budgets may refuse a
//! file, never read it differently.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use signature_fuzz::{assert_report_consistent, frame_schemas, scratch_dir, tight_limits};
use signature_runtime::frame::ArrowChecker;
use signature_runtime::frame::parquet::{check_file, check_file_with, infer_file, infer_file_with};
use signature_runtime::report::ProblemKind;
use signature_runtime::{CheckOptions, ExtraColumns, Mode, Schema};

struct Setup {
    schemas: Vec<Schema>,
    parquet: PathBuf,
    arrow: PathBuf,
}

fn setup() -> &'static Setup {
    static SETUP: OnceLock<Setup> = OnceLock::new();
    SETUP.get_or_init(|| {
        let dir = scratch_dir("frame-files");
        Setup {
            schemas: frame_schemas(),
            parquet: dir.join("data.parquet"),
            // An Arrow IPC file or stream, told apart by content.
            arrow: dir.join("data.arrow"),
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, file)) = data.split_first() else {
        return;
    };
    let setup = setup();
    let path = if selector & 1 == 0 {
        &setup.parquet
    } else {
        &setup.arrow
    };
    std::fs::write(path, file).unwrap();
    let schema = &setup.schemas[usize::from(selector >> 1 & 0b11) % setup.schemas.len()];
    let mode = match selector >> 3 & 0b11 {
        1 => Mode::MlflowServing,
        2 => Mode::MlflowPredict,
        _ => Mode::Strict,
    };
    let extra = if selector & 0x20 == 0 {
        ExtraColumns::Ignore
    } else {
        ExtraColumns::Reject
    };
    let cap = if selector & 0x40 == 0 { 100 } else { 2 };
    let options = CheckOptions::new()
        .with_mode(mode)
        .with_extra_columns(extra)
        .with_max_problems(cap);
    let checker = ArrowChecker::for_schema(schema).with_options(options);
    let checked = check_file(&checker, path);
    match &checked {
        Ok(report) => assert_report_consistent(report, cap),
        Err(error) => {
            let _ = error.to_string();
        }
    }
    // Under tight budgets the same file is refused or read the same.
    let limits = tight_limits();
    if let Ok(tight) = check_file_with(&checker, path, &limits) {
        let report = checked.expect("read under tight budgets, refused under the defaults");
        assert_eq!(tight.to_string(), report.to_string());
    }
    if let Ok(tight) = infer_file_with(path, &limits) {
        assert_eq!(infer_file(path).ok(), Some(tight));
    }

    match infer_file(path) {
        Ok(inferred) => {
            let checker = ArrowChecker::for_schema(&inferred)
                .with_options(CheckOptions::new().with_extra_columns(ExtraColumns::Reject));
            let report = check_file(&checker, path)
                .unwrap_or_else(|e| panic!("inferred {inferred:?}, then the check failed: {e}"));
            // Infer gives MLflow's type where MLflow's own enforcement then refuses some
            // values, and so does the check: null list items (Strict's documented refusal),
            // and dates or timestamps past `datetime`'s nanosecond range (years 1677 to
            // 2262). Those are the only errors allowed.
            let unexpected: Vec<_> = report
                .errors()
                .filter(|problem| match problem.kind() {
                    ProblemKind::NullNotAllowed => !problem.message().contains("[]"),
                    ProblemKind::OutOfRange => {
                        !problem.message().contains("outside the range of `datetime`")
                    }
                    _ => true,
                })
                .collect();
            assert!(
                unexpected.is_empty(),
                "the file does not pass its own inferred schema {inferred:?}:\n{report}"
            );
        }
        Err(error) => {
            let _ = error.to_string();
        }
    }
});
