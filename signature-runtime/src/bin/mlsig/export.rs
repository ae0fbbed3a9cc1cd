use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

#[derive(Debug, Args)]
pub(crate) struct ExportArgs {
    /// A signature dict JSON, a bare inputs list JSON, an MLmodel file, or a model directory.
    file: PathBuf,
}

/// Prints exactly what `print(json.dumps(signature.to_dict()))` prints in Python.
pub(crate) fn run(args: &ExportArgs) -> ExitCode {
    match crate::load_signature(&args.file) {
        Ok(signature) => {
            println!("{}", signature.to_dict().to_json());
            ExitCode::SUCCESS
        }
        Err(error) => crate::cannot_read(&error),
    }
}
