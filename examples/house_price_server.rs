//! The house-price model behind MLflow's scoring protocol: every request checked against the
//! signature before the model runs, answered as MLflow's scoring server answers.
//!
//! Run with `cargo run -p signature-examples --features serve --example house_price_server --
//! --port 5000` (`--port 0` picks a free port; the first line printed names it), then:
//!
//! ```text
//! curl -s localhost:5000/invocations -H 'Content-Type: application/json' \
//!   -d '{"dataframe_split": {"columns": ["sqft", "bedrooms"], "data": [[1500.0, 3]]}}'
//! ```
//!
//! Add `--mode mlflow-serving` to accept and refuse what MLflow's own server does: a value it
//! casts (`"1500"` for `sqft`) reaches the model cast, with a `value_changed` warning.

use std::convert::Infallible;
use std::net::SocketAddr;

use serde::{Deserialize, Serialize};
use signature_runtime::model::{Model, NoParams, SignedModel};
use signature_runtime::serve::{self, ServeOptions};
use signature_runtime::{Mode, Signature};

/// What the model is asked about: one house.
#[derive(Debug, Signature, Serialize, Deserialize)]
struct HouseFeatures {
    sqft: f64,
    bedrooms: i64,
}

/// What it answers.
#[derive(Debug, Signature, Serialize)]
struct Prediction {
    price: f64,
}

/// The walkthrough's linear model (`examples/house_price.rs`), without its call counter: a
/// served model is shared by every request.
struct LinearModel;

impl Model for LinearModel {
    type Input = HouseFeatures;
    type Output = Prediction;
    type Params = NoParams;
    type Error = Infallible;

    fn predict(
        &self,
        houses: Vec<HouseFeatures>,
        _: &NoParams,
    ) -> Result<Vec<Prediction>, Infallible> {
        Ok(houses
            .iter()
            .map(|h| Prediction {
                price: 50_000.0 + 150.0 * h.sqft + 10_000.0 * h.bedrooms as f64,
            })
            .collect())
    }
}

/// The scoring server's router for the model, checking in `mode`.
pub(crate) fn router(mode: Mode) -> axum::Router {
    serve::router(
        SignedModel::new(LinearModel),
        ServeOptions::new()
            .with_mode(mode)
            .with_title("house-price model"),
    )
}

const USAGE: &str =
    "usage: house_price_server [--port PORT] [--host ADDRESS] [--mode strict|mlflow-serving]";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (address, mode) = parse(std::env::args().skip(1))?;
    run(address, mode, |bound| {
        println!("listening on http://{bound}")
    })?;
    println!("stopped");
    Ok(())
}

/// The address and mode the command line asks for.
pub(crate) fn parse(
    mut args: impl Iterator<Item = String>,
) -> Result<(SocketAddr, Mode), Box<dyn std::error::Error>> {
    let (mut port, mut host, mut mode) = (5000_u16, "127.0.0.1".to_owned(), Mode::Strict);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(USAGE);
        match arg.as_str() {
            "--port" => port = value()?.parse().map_err(|_| USAGE)?,
            "--host" => host = value()?,
            "--mode" => {
                mode = match value()?.as_str() {
                    "strict" => Mode::Strict,
                    "mlflow-serving" => Mode::MlflowServing,
                    _ => return Err(USAGE.into()),
                }
            }
            _ => return Err(USAGE.into()),
        }
    }
    Ok((format!("{host}:{port}").parse()?, mode))
}

/// Serves until SIGTERM or Ctrl-C, telling `listening` the bound address first.
pub(crate) fn run(
    address: SocketAddr,
    mode: Mode,
    listening: impl FnOnce(SocketAddr),
) -> std::io::Result<()> {
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(address).await?;
        listening(listener.local_addr()?);
        serve::serve(listener, router(mode), serve::shutdown_signal()).await
    })
}
