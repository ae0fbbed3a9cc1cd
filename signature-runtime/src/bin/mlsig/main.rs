//! `mlsig`: read, print and check MLflow model signatures from the command line.

mod check;
mod diff;
mod export;
#[cfg(feature = "parquet")]
mod frames;
mod show;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Read, print and check MLflow model signatures.
#[derive(Debug, Parser)]
#[command(name = "mlsig", version, about)]
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
    }
}

/// Prints a failure the way every subcommand reports one, and gives the exit code for it.
fn report_error(error: &dyn std::fmt::Display) -> ExitCode {
    eprintln!("error: {error}");
    ExitCode::from(1)
}
