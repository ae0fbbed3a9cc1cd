//! Data frames on the command line: `mlsig infer data.parquet`, and the checks of Parquet and
//! Arrow IPC files that `mlsig check` hands over (`mlsig check --signature FILE data.parquet`).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use signature_runtime::frame::ArrowChecker;
use signature_runtime::frame::parquet::{
    FileError, FileFormat, check_file as check_frames, infer_file,
};
use signature_runtime::mlflow::FileKind;
use signature_runtime::{CheckOptions, ModelSignature, Report};

#[derive(Debug, Args)]
pub(crate) struct InferArgs {
    /// A Parquet (`.parquet`, `.pq`) or Arrow IPC (`.arrow`, `.feather`, `.ipc`, `.arrows`) file;
    /// with the `datafusion` feature, also a directory or a glob of them (all their data).
    file: PathBuf,
}

/// Prints the signature MLflow's `infer_signature` gives for the file's data, as
/// `json.dumps(signature.to_dict())` prints it. Exit 2 if the file cannot be read or holds a
/// type MLflow has no equivalent for.
pub(crate) fn run_infer(args: &InferArgs) -> ExitCode {
    match infer_signature(&args.file) {
        Ok(signature) => {
            println!("{}", signature.to_dict().to_json());
            ExitCode::SUCCESS
        }
        Err(error) => crate::cannot_read(&*error),
    }
}

/// The signature (inputs only) MLflow's `infer_signature` gives for a Parquet or Arrow IPC
/// file's data.
pub(crate) fn infer_signature(path: &Path) -> Result<ModelSignature, Box<dyn std::error::Error>> {
    #[cfg(feature = "datafusion")]
    if crate::dataset::is_dataset(path) {
        let schema = crate::dataset::infer(path)?;
        return Ok(ModelSignature::new(Some(schema), None, None)?);
    }
    let schema = infer_file(path)?;
    Ok(ModelSignature::new(Some(schema), None, None)?)
}

/// Whether `mlsig check` should read `path` as a data file rather than a JSON body: by its
/// extension, or by its first bytes (`kind`).
pub(crate) fn is_frame_file(path: &Path, kind: Option<FileKind>) -> bool {
    FileFormat::from_path(path).is_some() || kind.is_some_and(FileKind::is_read_by_parquet_feature)
}

/// Checks a Parquet or Arrow IPC file batch by batch, in bounded memory; rows in the report
/// count from the start of the file.
pub(crate) fn check_file(
    signature: &ModelSignature,
    path: &Path,
    options: CheckOptions,
) -> Result<Report, FileError> {
    check_frames(
        &ArrowChecker::for_signature(signature).with_options(options),
        path,
    )
}
