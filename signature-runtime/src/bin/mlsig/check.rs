//! `mlsig check`: checks a scoring-request body against a signature.
//!
//! Exit codes, as for every subcommand: 0 when the body matches (warnings allowed), 1 when it
//! does not (the report is printed), 2 when the signature or the body cannot be read, or on a
//! usage error (clap's own code for those).

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use signature_runtime::mlflow::FileKind;
use signature_runtime::{
    CheckOptions, ExtraColumns, FormatError, JsonChecker, Mode, ModelSignature, Report,
};

#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    /// The signature: a signature dict JSON, a bare inputs list JSON, an MLmodel file, or a
    /// model directory.
    #[arg(long, value_name = "FILE")]
    signature: PathBuf,
    /// Which decisions to make.
    #[arg(long, value_enum, default_value_t = ModeArg::Strict)]
    mode: ModeArg,
    /// What to do with columns the signature does not declare.
    #[arg(long, value_enum, default_value_t = ExtraArg::Ignore)]
    extra: ExtraArg,
    /// How to print the report.
    #[arg(long, value_enum, default_value_t = FormatArg::Text)]
    format: FormatArg,
    /// List at most this many problems (all are counted).
    #[arg(long, value_name = "N", default_value_t = 100)]
    max_problems: usize,
    /// Leave the body's values out of the report (for logs).
    #[arg(long)]
    redact: bool,
    /// Refuse a JSON body larger than this many bytes (exit 2) instead of reading it: the
    /// body is held whole while it is checked. The default, 1 GiB, is far above what scoring
    /// servers and their proxies accept (tens of megabytes) and holds a million rows of a
    /// hundred columns.
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_MAX_BODY_BYTES)]
    max_body_bytes: u64,
    /// The request body (JSON, as sent to MLflow's `/invocations`), `-` for standard input;
    /// with the `parquet` feature, also a Parquet or Arrow IPC file, checked with the same
    /// `--mode` and `--extra`; with the `datafusion` feature, also a directory or a glob
    /// (`data/part-*.parquet`) of such files, checked in parallel.
    body: PathBuf,
}

/// `--max-body-bytes` unless given: 1 GiB.
const DEFAULT_MAX_BODY_BYTES: u64 = 1 << 30;

#[derive(Clone, Copy, Debug, ValueEnum)]
pub(crate) enum ModeArg {
    /// No lossy conversion: what passes decodes exactly into the signature's types.
    Strict,
    /// What MLflow's scoring server accepts (it casts first); values it would change are
    /// warnings.
    MlflowServing,
    /// What `pyfunc.predict` accepts on the frame built from the body without casting.
    MlflowPredict,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub(crate) enum ExtraArg {
    /// Warn about extra columns and accept the body, as MLflow does.
    Ignore,
    /// Reject bodies with extra columns.
    Reject,
}

impl From<ModeArg> for Mode {
    fn from(mode: ModeArg) -> Self {
        match mode {
            ModeArg::Strict => Mode::Strict,
            ModeArg::MlflowServing => Mode::MlflowServing,
            ModeArg::MlflowPredict => Mode::MlflowPredict,
        }
    }
}

impl From<ExtraArg> for ExtraColumns {
    fn from(extra: ExtraArg) -> Self {
        match extra {
            ExtraArg::Ignore => ExtraColumns::Ignore,
            ExtraArg::Reject => ExtraColumns::Reject,
        }
    }
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub(crate) enum FormatArg {
    /// Compiler-style messages and a summary line.
    Text,
    /// The report as JSON.
    Json,
}

pub(crate) fn run(args: &CheckArgs) -> ExitCode {
    let signature = match crate::load_signature(&args.signature) {
        Ok(signature) => signature,
        Err(error) => return crate::cannot_read(&error),
    };
    let options = CheckOptions::new()
        .with_mode(args.mode.into())
        .with_extra_columns(args.extra.into())
        .with_max_problems(args.max_problems);
    let report = match check(&signature, &args.body, args.max_body_bytes, options) {
        Ok(report) => report,
        Err(exit) => return exit,
    };
    let printed = match (args.format, args.redact) {
        (FormatArg::Text, false) => report.to_string(),
        (FormatArg::Text, true) => report.redacted().to_string(),
        (FormatArg::Json, false) => serde_json::to_string_pretty(&report).unwrap_or_default(),
        (FormatArg::Json, true) => {
            serde_json::to_string_pretty(&report.redacted()).unwrap_or_default()
        }
    };
    println!("{printed}");
    if report.is_valid() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(crate::EXIT_MISMATCH)
    }
}

/// The report for a JSON body, or (with the `parquet` feature) a Parquet or Arrow IPC file;
/// the exit code when the body cannot be read (after saying why).
fn check(
    signature: &ModelSignature,
    path: &Path,
    max_body_bytes: u64,
    options: CheckOptions,
) -> Result<Report, ExitCode> {
    // A directory or a glob of Parquet/IPC files: checked through DataFusion (dataset.rs).
    #[cfg(feature = "datafusion")]
    if crate::dataset::is_dataset(path) {
        return crate::dataset::check(signature, path, options)
            .map_err(|error| crate::cannot_read(&error));
    }
    let kind = if path.as_os_str() == "-" {
        None
    } else {
        FileKind::of_file(path)
    };
    #[cfg(feature = "parquet")]
    if crate::frames::is_frame_file(path, kind) {
        return crate::frames::check_file(signature, path, options)
            .map_err(|error| crate::cannot_read(&error));
    }
    #[cfg(not(feature = "parquet"))]
    if let Some(kind) = kind.filter(|kind| kind.is_read_by_parquet_feature()) {
        eprintln!("error: {}", crate::missing_parquet_feature(path, kind));
        return Err(ExitCode::from(crate::EXIT_CANNOT_READ));
    }
    if let Some(kind) = kind {
        eprintln!(
            "error: {}: this is {kind}, not a request body (JSON, or with the `parquet` feature a Parquet or Arrow IPC file)",
            path.display()
        );
        return Err(ExitCode::from(crate::EXIT_CANNOT_READ));
    }
    let shown = if path.as_os_str() == "-" {
        "standard input".to_owned()
    } else {
        path.display().to_string()
    };
    let body = match read_body(path, max_body_bytes) {
        Ok(Some(body)) => body,
        Ok(None) => {
            eprintln!(
                "error: {shown}: over the `--max-body-bytes` budget ({max_body_bytes} bytes); \
                 raise `--max-body-bytes` if the body is trusted"
            );
            return Err(ExitCode::from(crate::EXIT_CANNOT_READ));
        }
        Err(source) => {
            return Err(crate::cannot_read(&FormatError::Io {
                path: path.to_path_buf(),
                source,
            }));
        }
    };
    Ok(JsonChecker::for_signature(signature)
        .with_options(options)
        .check(&body))
}

/// The whole body, or `None` when it is larger than `limit` bytes: a file's size is checked
/// before reading, and the reading stops one byte past the limit, so neither a growing file
/// nor a pipe (standard input, a FIFO) can get past it.
fn read_body(path: &Path, limit: u64) -> std::io::Result<Option<Vec<u8>>> {
    let source: Box<dyn std::io::Read> = if path.as_os_str() == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        let file = std::fs::File::open(path)?;
        let metadata = file.metadata()?;
        if metadata.is_file() && metadata.len() > limit {
            return Ok(None);
        }
        Box::new(file)
    };
    let mut body = Vec::new();
    source
        .take(limit.saturating_add(1))
        .read_to_end(&mut body)?;
    Ok((body.len() as u64 <= limit).then_some(body))
}
