//! `mlsig`: read, print and check MLflow model signatures from the command line.

mod check;
#[cfg(feature = "datafusion")]
mod dataset;
mod diff;
mod export;
#[cfg(feature = "parquet")]
mod frames;
#[cfg(feature = "serve")]
mod serve;
mod show;

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use signature_runtime::FormatError;
#[cfg(not(feature = "parquet"))]
use signature_runtime::mlflow::FileKind;

/// The contract every subcommand keeps, printed by `mlsig --help`.
const EXIT_STATUS: &str = "\
Exit status (every subcommand):
  0  done: the signature was read, or the data matches it (warnings allowed)
  1  the data does not match the signature (`check`; the report is printed)
  2  cannot read a file (missing, malformed, over a reader budget, or of a kind this
     build does not read) or bad usage";

/// The data does not match the signature.
const EXIT_MISMATCH: u8 = 1;
/// A file cannot be read, or the command line is wrong (clap's own code for usage errors).
const EXIT_CANNOT_READ: u8 = 2;

/// Read, print and check MLflow model signatures.
#[derive(Debug, Parser)]
#[command(name = "mlsig", version, about, after_help = EXIT_STATUS)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Print a signature as MLflow's canonical signature dict JSON.
    Export(export::ExportArgs),
    /// Print a signature's inputs, outputs and params as readable tables.
    Show(show::ShowArgs),
    /// Check a scoring-request body against a signature; exit 1 if it does not match.
    Check(check::CheckArgs),
    /// Compare a new signature with earlier ones; exit 1 on a breaking change.
    Diff(diff::DiffArgs),
    /// Print the signature MLflow's `infer_signature` gives for a Parquet or Arrow IPC file.
    #[cfg(feature = "parquet")]
    Infer(frames::InferArgs),
    /// Check every scoring request before an MLflow scoring server sees it: a gateway.
    #[cfg(feature = "serve")]
    Serve(serve::ServeArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Export(args) => export::run(&args),
        Command::Show(args) => show::run(&args),
        Command::Check(args) => check::run(&args),
        Command::Diff(args) => diff::run(&args),
        #[cfg(feature = "parquet")]
        Command::Infer(args) => frames::run_infer(&args),
        #[cfg(feature = "serve")]
        Command::Serve(args) => serve::run(&args),
    }
}

/// Reads a signature from any of the places one is kept, printing on standard error what
/// MLflow would ignore in it (unknown keys, ...): the file still means what it means to MLflow,
/// but a typo such as `output` for `outputs` should not pass unseen.
fn load_signature(
    path: &std::path::Path,
) -> Result<signature_runtime::ModelSignature, FormatError> {
    let (signature, warnings) = signature_runtime::mlflow::load_signature_with_warnings(
        path,
        &signature_runtime::mlflow::ReadLimits::default(),
    )?;
    for warning in warnings {
        eprintln!("warning: {}: {warning}", path.display());
    }
    Ok(signature)
}

/// Prints why a file could not be read (its whole error chain, each cause once) and gives
/// the exit code for it: 2 in every subcommand.
fn cannot_read(error: &(dyn std::error::Error + 'static)) -> ExitCode {
    let mut message = format!("error: {error}");
    let mut source = error.source();
    while let Some(cause) = source {
        message.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    eprintln!("{message}{}", hint(error));
    ExitCode::from(EXIT_CANNOT_READ)
}

/// What to do about a data file given where a signature was expected.
fn hint(error: &(dyn std::error::Error + 'static)) -> String {
    match error.downcast_ref::<FormatError>() {
        Some(FormatError::NotASignature { kind, .. }) if kind.is_read_by_parquet_feature() => {
            if cfg!(feature = "parquet") {
                "\nhint: `mlsig infer FILE` prints the signature MLflow infers from its data"
                    .to_owned()
            } else {
                "\nhint: an mlsig built with the `parquet` feature (`--features cli,parquet`) \
                 prints the signature MLflow infers from its data with `mlsig infer FILE`"
                    .to_owned()
            }
        }
        _ => String::new(),
    }
}

/// What a binary built without the `parquet` feature says about a file only that feature
/// reads.
#[cfg(not(feature = "parquet"))]
fn missing_parquet_feature(path: &std::path::Path, kind: FileKind) -> String {
    format!(
        "{}: this is {kind}; build mlsig with the `parquet` feature to read it \
         (`--features cli,parquet`)",
        path.display()
    )
}
