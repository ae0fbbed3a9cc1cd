//! Our MLflow modes against MLflow's decisions for the same bodies: the comparison the
//! differential tests (`interop_modes.rs`, `interop_branches.rs`) share.

use serde_json::Value;
use signature_runtime::{JsonChecker, Mode};

/// A listed difference: (signature name, body, mode name, MLflow accepts, why).
pub type Known<'a> = (&'a str, &'a str, &'a str, bool, &'a str);

/// What comparing every case in both modes found.
#[derive(Debug, Default)]
pub struct Comparison {
    /// Decisions that agree, for serving and predict.
    pub agree: [usize; 2],
    /// Listed cases met (each asserted to still differ, with MLflow's decision unchanged).
    pub listed: usize,
    /// Unlisted disagreements, each as a line to paste into a `KNOWN` list.
    pub unexpected: Vec<String>,
}

/// Decides each `(signature name, body)` case with the checker `checker(name, mode)` gives,
/// in `Mode::MlflowServing` and `Mode::MlflowPredict`, against `answers` (one
/// `decide_many` answer per case).
///
/// # Panics
/// When a listed case now agrees, or MLflow's decision for it changed: the list is stale.
pub fn compare<'a>(
    cases: impl IntoIterator<Item = (&'a str, &'a str)>,
    answers: &[Value],
    known: &[Known<'_>],
    checker: impl Fn(&str, Mode) -> JsonChecker,
) -> Comparison {
    let mut comparison = Comparison::default();
    for ((sig, body), answer) in cases.into_iter().zip(answers) {
        for (i, (mode, mode_name)) in [
            (Mode::MlflowServing, "serving"),
            (Mode::MlflowPredict, "predict"),
        ]
        .into_iter()
        .enumerate()
        {
            let theirs = answer[mode_name] == "accept";
            let report = checker(sig, mode).check(body.as_bytes());
            let ours = report.is_valid();
            let listed = known
                .iter()
                .find(|(s, b, m, _, _)| *s == sig && *b == body && *m == mode_name);
            if let Some((_, _, _, mlflow_accepts, _)) = listed {
                assert_eq!(
                    theirs, *mlflow_accepts,
                    "MLflow's decision changed for listed case {sig} {body} ({mode_name})"
                );
                assert_ne!(
                    ours, theirs,
                    "listed case now agrees, remove it from KNOWN: {sig} {body} ({mode_name})"
                );
                comparison.listed += 1;
            } else if ours == theirs {
                comparison.agree[i] += 1;
            } else {
                let message = answer[format!("{mode_name}_message")]
                    .as_str()
                    .unwrap_or_default();
                let first: Vec<String> = report
                    .problems()
                    .iter()
                    .take(2)
                    .map(|p| format!("{}: {}", p.kind().code(), p.message()))
                    .collect();
                let last_line: String = message
                    .lines()
                    .last()
                    .unwrap_or_default()
                    .chars()
                    .take(200)
                    .collect();
                comparison.unexpected.push(format!(
                    "    ({sig:?}, {body:?}, {mode_name:?}, {theirs}, \"\"), // ours: {first:?}; MLflow: {last_line}"
                ));
            }
        }
    }
    comparison
}
