//! `mlsig serve`: a checking gateway in front of an MLflow scoring server. Every
//! `/invocations` body is checked against the signature; bad ones are answered at once with
//! MLflow's error body, good ones forwarded unchanged and the upstream's answer passed back.
//!
//! Runs until SIGTERM or Ctrl-C (exit 0); exit 2 when the signature cannot be read, the
//! upstream is not `http://HOST:PORT`, or the address cannot be bound.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Args;
use signature_runtime::load_signature;
use signature_runtime::serve::{self, ServeOptions};

use crate::check::{ExtraArg, ModeArg};

#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    /// The signature: a signature dict JSON, a bare inputs list JSON, an MLmodel file, or a
    /// model directory.
    #[arg(long, value_name = "FILE")]
    signature: PathBuf,
    /// The MLflow scoring server good requests go to, `http://HOST:PORT`.
    #[arg(long, value_name = "URL")]
    upstream: String,
    /// The port to listen on.
    #[arg(long, default_value_t = 5000)]
    port: u16,
    /// The address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// Which decisions to make: by default those of MLflow's scoring server, so that every
    /// body the gateway forwards is one the upstream accepts.
    #[arg(long, value_enum, default_value_t = ModeArg::MlflowServing)]
    mode: ModeArg,
    /// What to do with columns the signature does not declare.
    #[arg(long, value_enum, default_value_t = ExtraArg::Ignore)]
    extra: ExtraArg,
    /// Quote the body's values in error messages (they are hidden by default).
    #[arg(long)]
    full_reports: bool,
    /// Seconds a client may take to send a request's head, and may stay idle between
    /// requests; then the connection is closed.
    #[arg(long, value_name = "SECONDS", default_value_t = 30.0, value_parser = seconds)]
    header_timeout: f64,
    /// Seconds a client may take to send a request's body; then it is answered 408.
    #[arg(long, value_name = "SECONDS", default_value_t = 30.0, value_parser = seconds)]
    body_timeout: f64,
    /// Connections open at once; further clients wait until one closes.
    #[arg(long, value_name = "N", default_value_t = 20_000)]
    max_connections: usize,
}

/// A positive number of seconds, at most a day.
fn seconds(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(seconds) if seconds > 0.0 && seconds <= 86_400.0 => Ok(seconds),
        _ => Err(format!("`{text}` is not a number of seconds in (0, 86400]")),
    }
}

pub(crate) fn run(args: &ServeArgs) -> ExitCode {
    let signature = match load_signature(&args.signature) {
        Ok(signature) => signature,
        Err(error) => return crate::cannot_read(&error),
    };
    let options = ServeOptions::new()
        .with_mode(args.mode.into())
        .with_extra_columns(args.extra.into())
        .with_full_reports(args.full_reports)
        .with_header_timeout(Duration::from_secs_f64(args.header_timeout))
        .with_body_timeout(Duration::from_secs_f64(args.body_timeout))
        .with_max_connections(args.max_connections);
    let router = match serve::gateway(&signature, &args.upstream, options.clone()) {
        Ok(router) => router,
        Err(error) => return crate::cannot_read(&error),
    };
    let address: SocketAddr = match format!("{}:{}", args.host, args.port).parse() {
        Ok(address) => address,
        Err(error) => {
            eprintln!(
                "error: `{}:{}` is not an address: {error}",
                args.host, args.port
            );
            return ExitCode::from(crate::EXIT_CANNOT_READ);
        }
    };
    let served = tokio::runtime::Runtime::new().and_then(|runtime| {
        runtime.block_on(async {
            let listener = tokio::net::TcpListener::bind(address).await?;
            println!(
                "listening on http://{}, checking for {}",
                listener.local_addr()?,
                args.upstream
            );
            serve::serve_with(listener, router, &options, serve::shutdown_signal()).await
        })
    });
    match served {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {address}: {error}");
            ExitCode::from(crate::EXIT_CANNOT_READ)
        }
    }
}
