//! `mlsig diff`: whether a new signature still works for the clients and consumers of earlier
//! ones, as a CI gate.
//!
//! Exit codes: 0 compatible (warnings allowed, unless `--fail-on warning`), 1 a breaking change
//! (or a warning with `--fail-on warning`), 2 a signature that cannot be read or a usage error.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use serde_json::{Value, json};
use signature_runtime::evolution::{Compatibility, Direction};
use signature_runtime::{CheckOptions, ModelSignature};

use crate::check::{ExtraArg, FormatArg, ModeArg};

#[derive(Debug, Args)]
pub(crate) struct DiffArgs {
    /// The old signature, then the new one (with `--against`, the new one alone). Each is a
    /// signature dict JSON, a bare inputs list JSON, an MLmodel file or a model directory;
    /// with the `parquet` feature also a Parquet or Arrow IPC file, whose inferred signature
    /// is compared.
    #[arg(value_name = "OLD NEW", num_args = 1..=2, required = true)]
    files: Vec<PathBuf>,
    /// Earlier versions to check the new signature against as well, each on its own
    /// (transitive compatibility).
    #[arg(long, value_name = "FILE", num_args = 1..)]
    against: Vec<PathBuf>,
    /// Which readers to protect: the new model reading old clients' inputs (`backward`), old
    /// consumers reading the new model's outputs (`forward`), or both.
    #[arg(long, value_enum, default_value_t = DirectionArg::Backward)]
    direction: DirectionArg,
    /// The mode the model is served with: it decides which type changes MLflow's casts absorb.
    #[arg(long, value_enum, default_value_t = ModeArg::Strict)]
    mode: ModeArg,
    /// The extra-column policy the model is served with: whether a column old clients still
    /// send is dropped (a warning) or refused (breaking).
    #[arg(long, value_enum, default_value_t = ExtraArg::Ignore)]
    extra: ExtraArg,
    /// How to print the findings.
    #[arg(long, value_enum, default_value_t = FormatArg::Text)]
    format: FormatArg,
    /// The mildest finding that fails the run (exit 1).
    #[arg(long, value_enum, default_value_t = FailOn::Breaking)]
    fail_on: FailOn,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum DirectionArg {
    /// Inputs and params: the new model reads what old clients send.
    Backward,
    /// Outputs: old consumers read what the new model returns.
    Forward,
    /// Both.
    Full,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum FailOn {
    /// Only breaking changes fail.
    Breaking,
    /// Warnings fail too.
    Warning,
}

pub(crate) fn run(args: &DiffArgs) -> ExitCode {
    let (new_path, olds) = match args.files.as_slice() {
        [old, new] => (new, std::iter::once(old).chain(&args.against).collect()),
        [new] => (new, args.against.iter().collect::<Vec<_>>()),
        _ => unreachable!("clap takes one or two files"),
    };
    if olds.is_empty() {
        eprintln!("error: nothing to compare with: give OLD NEW, or NEW --against OLD...");
        return ExitCode::from(crate::EXIT_CANNOT_READ);
    }
    let new = match read(new_path) {
        Ok(signature) => signature,
        Err(error) => return crate::cannot_read(&*error),
    };
    let direction = match args.direction {
        DirectionArg::Backward => Direction::Backward,
        DirectionArg::Forward => Direction::Forward,
        DirectionArg::Full => Direction::Full,
    };
    let options = CheckOptions::new()
        .with_mode(args.mode.into())
        .with_extra_columns(args.extra.into());
    let mut reports: Vec<(&Path, Compatibility)> = Vec::new();
    for old_path in olds {
        match read(old_path) {
            Ok(old) => reports.push((old_path, new.compatibility(&old, direction, &options))),
            Err(error) => return crate::cannot_read(&*error),
        }
    }
    let fails = |report: &Compatibility| {
        !report.is_compatible() || (args.fail_on == FailOn::Warning && report.has_warnings())
    };
    let failed = reports.iter().any(|(_, report)| fails(report));
    match args.format {
        FormatArg::Text => {
            for (old_path, report) in &reports {
                println!("{} -> {}", old_path.display(), new_path.display());
                println!("{report}\n");
            }
        }
        FormatArg::Json => {
            let against: Vec<Value> = reports
                .iter()
                .map(|(old_path, report)| {
                    json!({
                        "old": old_path.display().to_string(),
                        "compatible": report.is_compatible(),
                        "findings": report.findings(),
                    })
                })
                .collect();
            let out = json!({
                "new": new_path.display().to_string(),
                "direction": direction,
                "mode": args.mode.to_possible_value().map(|v| v.get_name().to_owned()),
                "extra": args.extra.to_possible_value().map(|v| v.get_name().to_owned()),
                "passed": !failed,
                "against": against,
            });
            println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
        }
    }
    if failed {
        ExitCode::from(crate::EXIT_MISMATCH)
    } else {
        ExitCode::SUCCESS
    }
}

/// Any signature source the CLI reads; a data file gives the signature inferred from it. The
/// readers' errors name the file.
fn read(path: &Path) -> Result<ModelSignature, Box<dyn std::error::Error>> {
    #[cfg(feature = "parquet")]
    if crate::frames::is_frame_file(path, signature_runtime::mlflow::FileKind::of_file(path)) {
        return crate::frames::infer_signature(path);
    }
    Ok(crate::load_signature(path)?)
}
