//! Fuzzes `ModelSignature::compatibility` over two signatures: the first byte picks the mode
//! and extra-column policy, the rest is two signature texts (a signature dict or a bare schema
//! list each, as `signature_from_json` reads them) split at the first NUL byte; with no NUL,
//! both sides are the same text. Any panic is a bug; so is:
//!
//! - a signature found incompatible, or worth a warning, with itself;
//! - a report that differs between two runs on the same input (it is sorted, never hashed);
//! - a `Full` verdict that is not the `Backward` and `Forward` verdicts together (`Full`
//!   checks the inputs as `Backward` does and the outputs as `Forward` does);
//! - a finding without a place or a message, or a breaking finding in a compatible report.
#![no_main]

use libfuzzer_sys::fuzz_target;
use signature_runtime::evolution::{Compatibility, Direction, Verdict};
use signature_runtime::mlflow::signature_from_json;
use signature_runtime::{CheckOptions, ExtraColumns, Mode, ModelSignature};

const DIRECTIONS: [Direction; 3] = [Direction::Backward, Direction::Forward, Direction::Full];

fn options(selector: u8) -> CheckOptions {
    let mode = match selector % 3 {
        0 => Mode::Strict,
        1 => Mode::MlflowServing,
        _ => Mode::MlflowPredict,
    };
    let extra = if selector & 0x10 == 0 {
        ExtraColumns::Ignore
    } else {
        ExtraColumns::Reject
    };
    CheckOptions::new().with_mode(mode).with_extra_columns(extra)
}

/// The report's own invariants, and that a second run gives the same report.
fn report(
    new: &ModelSignature,
    old: &ModelSignature,
    direction: Direction,
    options: &CheckOptions,
) -> Compatibility {
    let report = new.compatibility(old, direction, options);
    assert_eq!(report.direction(), direction);
    assert_eq!(
        report.is_compatible(),
        !report.findings().iter().any(|f| f.verdict() == Verdict::Breaking)
    );
    assert_eq!(report.breaking().count() == 0, report.is_compatible());
    for finding in report.findings() {
        assert!(!finding.message().is_empty(), "{finding:?}");
        let _ = finding.place();
    }
    let _ = serde_json::to_string(&report).unwrap();
    assert_eq!(new.compatibility(old, direction, options), report, "not deterministic");
    report
}

fn read(text: &[u8]) -> Option<ModelSignature> {
    signature_from_json(std::str::from_utf8(text).ok()?).ok()
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let (old, new) = match rest.iter().position(|&b| b == 0) {
        Some(nul) => (&rest[..nul], &rest[nul + 1..]),
        None => (rest, rest),
    };
    let (Some(old), Some(new)) = (read(old), read(new)) else {
        return;
    };
    let options = options(selector);
    for signature in [&old, &new] {
        for direction in DIRECTIONS {
            let itself = report(signature, signature, direction, &options);
            assert!(
                itself.findings().iter().all(|f| f.verdict() == Verdict::Compatible),
                "a signature against itself: {itself:?}"
            );
        }
    }
    // Both ways round: the new model against the old, and a rollback.
    for (new, old) in [(&new, &old), (&old, &new)] {
        let [backward, forward, full] = DIRECTIONS.map(|d| report(new, old, d, &options));
        assert_eq!(
            full.is_compatible(),
            backward.is_compatible() && forward.is_compatible(),
            "full: {full:?}\nbackward: {backward:?}\nforward: {forward:?}"
        );
    }
});
