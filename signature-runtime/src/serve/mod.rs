//! Serving (feature `serve`): a typed model behind MLflow's scoring protocol, every request
//! checked before the model runs.
//!
//! [`router`] turns a [`SignedModel`] into an axum [`Router`]; [`run`] binds it and serves
//! until SIGTERM or Ctrl-C, finishing the requests in flight. The endpoints are MLflow's
//! scoring server's, answered as it answers them, plus three it lacks:
//!
#![doc = include_str!("../../docs/serve-endpoints.md")]
//!
//! A connection that has sent nothing yet costs about 1.5 KiB of the server's memory
//! (measured by `serve::ten_thousand_idle_connections_leave_the_server_answering_in_bounded_memory`
//! in `tests/`), so the default cap holds idle connections to about 30 MiB. Past the process's
//! file descriptor limit (`ulimit -n`) accepting pauses instead, as it does at the cap.
//!
//! [`gateway`] is the same protocol in front of an existing MLflow scoring server (Python):
//! each `/invocations` body is checked, a bad one answered at once as above, a good one
//! forwarded unchanged and the upstream's answer passed back as it came (502
//! `TEMPORARILY_UNAVAILABLE` when the upstream does not answer); `/ping`, `/health` and
//! `/version` are the upstream's; `/signature`, `/openapi.json` and `/metrics` its own.
//! `mlsig serve --signature SIG --upstream URL` runs it.
//!
//! Where MLflow differs: a failing model is 400 with a stack trace there, 500 here (the
//! caller's body was fine); MLflow has no body limit (413) and no overload answer (503); its
//! 504 body is not JSON; since 3.12 its error bodies also carry `sqlstate` and `error_class`,
//! which ours do not. In [`Mode::MlflowServing`], a value MLflow's server casts (`"1500"` for
//! a `double`, `1.5` for a `long`) reaches the model cast as MLflow casts it, so the answer is
//! MLflow's; where MLflow casts silently, each cast is a `value_changed` warning in the
//! check's report (counted by `/metrics`, named in the request's span, and a `tracing`
//! warning per request; the [`Rows`] extractor hands the report to the handler). A body that
//! fails the check never reaches the model.
//!
//! Every `/invocations` request runs in a `tracing` span `invocation` with the fields
//! `format`, `rows`, `outcome`, `status`, `problems` (the listed problem codes), `check_us` and
//! `predict_us` (the gateway: `upstream_us`). `GET /metrics` counts requests by endpoint and
//! status and problems by code, with histograms of the request's, the check's and the
//! model's times (the gateway: the upstream's, and the requests the upstream did not
//! answer).
//!
//! ```no_run
//! use signature_runtime::model::{Model, NoParams, SignedModel};
//! use signature_runtime::serve::{self, ServeOptions};
//! use signature_runtime::{Mode, Signature};
//!
//! #[derive(Signature, serde::Serialize, serde::Deserialize)]
//! struct House {
//!     sqft: f64,
//!     bedrooms: i64,
//! }
//!
//! #[derive(Signature, serde::Serialize)]
//! struct Price {
//!     price: f64,
//! }
//!
//! struct Linear;
//!
//! impl Model for Linear {
//!     type Input = House;
//!     type Output = Price;
//!     type Params = NoParams;
//!     type Error = std::convert::Infallible;
//!
//!     fn predict(&self, houses: Vec<House>, _: &NoParams) -> Result<Vec<Price>, Self::Error> {
//!         Ok(houses.iter().map(|h| Price { price: 50_000.0 + 150.0 * h.sqft }).collect())
//!     }
//! }
//!
//! #[tokio::main]
//! async fn main() -> std::io::Result<()> {
//!     let options = ServeOptions::new().with_mode(Mode::MlflowServing);
//!     serve::run(SignedModel::new(Linear), "127.0.0.1:5000".parse().unwrap(), options).await
//! }
//! ```

mod connections;
mod csv;
mod error;
mod extract;
mod gateway;
mod inline;
mod metrics;
mod openapi;

use std::future::Future;
use std::net::SocketAddr;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use http_body_util::{BodyExt, LengthLimitError, Limited};
use tokio::sync::Semaphore;
use tracing::Instrument;

pub use error::ServeError;
pub use extract::Rows;
pub use gateway::{UpstreamError, gateway};

use self::metrics::{Metrics, Tally};
use crate::check::{CheckOptions, ExtraColumns, JsonChecker, Mode};
use crate::model::{Model, PredictError, Predictions, SignedModel};
use crate::report::Report;

/// How a server checks, answers and limits requests.
#[derive(Clone, Debug)]
pub struct ServeOptions {
    check: CheckOptions,
    full_reports: bool,
    max_body_bytes: usize,
    max_concurrent: usize,
    timeout: Duration,
    header_timeout: Duration,
    body_timeout: Duration,
    max_header_bytes: usize,
    max_headers: usize,
    max_connections: usize,
    inline_budget: Duration,
    title: String,
}

impl Default for ServeOptions {
    fn default() -> Self {
        ServeOptions {
            check: CheckOptions::default(),
            full_reports: false,
            max_body_bytes: 16 * 1024 * 1024,
            max_concurrent: 256,
            // MLflow's MLFLOW_SCORING_SERVER_REQUEST_TIMEOUT default.
            timeout: Duration::from_secs(60),
            // hyper's default header timeout; as long again for a body: a 16 MiB body at
            // 1 MB/s still arrives.
            header_timeout: Duration::from_secs(30),
            body_timeout: Duration::from_secs(30),
            max_header_bytes: 64 * 1024,
            max_headers: connections::HYPER_MAX_HEADERS,
            max_connections: 20_000,
            // Tokio's advice for work between two awaits: 10 to 100 µs.
            inline_budget: Duration::from_micros(50),
            title: "signature-runtime scoring server".to_owned(),
        }
    }
}

impl ServeOptions {
    /// The defaults: strict checks with extra columns ignored (a warning), reports with
    /// values hidden, bodies up to 16 MiB, 256 requests at once, 60 s per request (MLflow's
    /// default timeout); and the connection limits of the [module docs](self).
    pub fn new() -> Self {
        ServeOptions::default()
    }

    /// Checking in another mode: [`Mode::MlflowServing`] accepts and refuses what MLflow's
    /// scoring server does.
    #[must_use]
    pub fn with_mode(mut self, mode: Mode) -> Self {
        self.check = self.check.with_mode(mode);
        self
    }

    /// With another policy for columns the signature does not declare.
    #[must_use]
    pub fn with_extra_columns(mut self, policy: ExtraColumns) -> Self {
        self.check = self.check.with_extra_columns(policy);
        self
    }

    /// With other check options altogether.
    #[must_use]
    pub fn with_check_options(mut self, options: CheckOptions) -> Self {
        self.check = options;
        self
    }

    /// Whether error messages quote the values that failed (`true`), or only their places
    /// and types (`false`, the default: request data stays out of clients' logs and proxies).
    #[must_use]
    pub fn with_full_reports(mut self, full: bool) -> Self {
        self.full_reports = full;
        self
    }

    /// The largest body read; a larger one is answered 413 without being read further.
    #[must_use]
    pub fn with_max_body_bytes(mut self, max: usize) -> Self {
        self.max_body_bytes = max;
        self
    }

    /// How many `/invocations` requests are checked and predicted at once; one more is
    /// answered 503 as soon as its body is in. A request takes its slot only once its body
    /// has arrived: clients still sending bodies are bounded by the connection cap, the body
    /// size limit and the body timeout, not by this limit.
    #[must_use]
    pub fn with_max_concurrent(mut self, max: usize) -> Self {
        self.max_concurrent = max.max(1);
        self
    }

    /// How long one `/invocations` request may take, body reading included; past it, 504.
    #[must_use]
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// How long a client may take to send its first byte once connected, then a request's
    /// whole head (request line and headers), and between an answer and the next request;
    /// past it the connection is closed. This is also the idle timeout of keep-alive
    /// connections.
    /// Applies when served by [`serve_with`] or [`run`].
    #[must_use]
    pub fn with_header_timeout(mut self, timeout: Duration) -> Self {
        self.header_timeout = timeout;
        self
    }

    /// How long a client may take to send a whole body once its head is in; past it the
    /// request is answered 408 and the connection closed. Applies when served by
    /// [`serve_with`] or [`run`].
    #[must_use]
    pub fn with_body_timeout(mut self, timeout: Duration) -> Self {
        self.body_timeout = timeout;
        self
    }

    /// The largest request head (request line and headers), in bytes; a larger one is
    /// answered 431 and the connection closed. Applies when served by [`serve_with`] or
    /// [`run`].
    #[must_use]
    pub fn with_max_header_bytes(mut self, max: usize) -> Self {
        self.max_header_bytes = max;
        self
    }

    /// The most headers a request may have; more are answered 431 and the connection
    /// closed. Applies when served by [`serve_with`] or [`run`].
    #[must_use]
    pub fn with_max_headers(mut self, max: usize) -> Self {
        self.max_headers = max;
        self
    }

    /// How many connections are open at once; further clients wait in the kernel's backlog
    /// until one closes. Applies when served by [`serve_with`] or [`run`].
    #[must_use]
    pub fn with_max_connections(mut self, max: usize) -> Self {
        self.max_connections = max.max(1);
        self
    }

    /// How long a request's check and model may be expected to take and still run on the
    /// async worker that read the body, rather than be handed to tokio's blocking pool (a
    /// hand-off costs two thread wake-ups, more than a cheap model on a small body takes).
    /// The server learns the expected time from the runs so far, per byte of body; the first
    /// few requests, bodies over 64 KiB, and every request after a run that took long go to
    /// the blocking pool. A run on a worker cannot be interrupted: a model that turns slow
    /// without warning holds up that worker's other connections once, and its request,
    /// past the timeout when the model returns, is answered 504 then. `Duration::ZERO`
    /// sends every request to the blocking pool. Default 50 µs. The [`gateway`] runs its
    /// check the same way.
    #[must_use]
    pub fn with_inline_budget(mut self, budget: Duration) -> Self {
        self.inline_budget = budget;
        self
    }

    /// The title of the OpenAPI document.
    #[must_use]
    pub fn with_title(mut self, title: impl Into<String>) -> Self {
        self.title = title.into();
        self
    }

    /// The check options.
    pub fn check_options(&self) -> &CheckOptions {
        &self.check
    }

    /// Whether error messages quote values.
    pub fn full_reports(&self) -> bool {
        self.full_reports
    }

    /// The body size limit, in bytes.
    pub fn max_body_bytes(&self) -> usize {
        self.max_body_bytes
    }

    /// The concurrency limit.
    pub fn max_concurrent(&self) -> usize {
        self.max_concurrent
    }

    /// The request timeout.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// The time limit for a request's head, and the idle timeout of connections.
    pub fn header_timeout(&self) -> Duration {
        self.header_timeout
    }

    /// The time limit for a request's body.
    pub fn body_timeout(&self) -> Duration {
        self.body_timeout
    }

    /// The size limit of a request's head, in bytes.
    pub fn max_header_bytes(&self) -> usize {
        self.max_header_bytes
    }

    /// The header count limit.
    pub fn max_headers(&self) -> usize {
        self.max_headers
    }

    /// The open connection limit.
    pub fn max_connections(&self) -> usize {
        self.max_connections
    }

    /// The expected time under which a request's work runs on the async worker.
    pub fn inline_budget(&self) -> Duration {
        self.inline_budget
    }
}

/// What the handlers share.
struct Server<M: Model> {
    model: SignedModel<M>,
    options: ServeOptions,
    slots: Arc<Semaphore>,
    inline: inline::InlineGate,
    metrics: Arc<Metrics>,
    signature_json: String,
    openapi_json: String,
}

/// A router serving `model` with MLflow's scoring protocol (see the [module docs](self)).
///
/// The model's check options are replaced by `options`' ([`ServeOptions::with_mode`]).
pub fn router<M>(model: SignedModel<M>, options: ServeOptions) -> Router
where
    M: Model + Send + Sync + 'static,
{
    let model = model.with_check_options(options.check.clone());
    let signature_json = model.signature().to_dict().to_json();
    let openapi_json = openapi::document(model.signature(), &options.title).to_string();
    let metrics = Arc::new(Metrics::default());
    let server = Arc::new(Server {
        slots: Arc::new(Semaphore::new(options.max_concurrent)),
        inline: inline::InlineGate::new(options.inline_budget),
        model,
        options,
        metrics: metrics.clone(),
        signature_json,
        openapi_json,
    });
    Router::new()
        .route("/invocations", post(invocations::<M>))
        .route("/ping", get(ping))
        .route("/health", get(ping))
        .route("/version", get(version))
        .route("/signature", get(signature::<M>))
        .route("/metrics", metrics::route(metrics.clone()))
        .route("/openapi.json", get(openapi_document::<M>))
        .layer(middleware::from_fn_with_state(
            metrics,
            metrics::count_requests,
        ))
        .with_state(server)
}

/// Serves `router` on `listener` with the default connection limits until `shutdown`
/// completes, then stops accepting connections and returns once the requests in flight are
/// answered.
pub async fn serve(
    listener: tokio::net::TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_with(listener, router, &ServeOptions::default(), shutdown).await
}

/// [`serve`] with the connection limits of `options` (header and body timeouts, header
/// limits, open connections: see the [module docs](self)); `options`' other settings belong
/// to [`router`] and [`gateway`].
pub async fn serve_with(
    listener: tokio::net::TcpListener,
    router: Router,
    options: &ServeOptions,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    connections::serve(listener, router, options, shutdown).await
}

/// Serves `model` on `address` until SIGTERM or Ctrl-C, then finishes the requests in flight.
pub async fn run<M>(
    model: SignedModel<M>,
    address: SocketAddr,
    options: ServeOptions,
) -> std::io::Result<()>
where
    M: Model + Send + Sync + 'static,
{
    let listener = tokio::net::TcpListener::bind(address).await?;
    tracing::info!(address = %listener.local_addr()?, "serving");
    let router = router(model, options.clone());
    serve_with(listener, router, &options, shutdown_signal()).await
}

/// Completes on Ctrl-C or, on Unix, SIGTERM (what container runtimes send to stop a server).
pub async fn shutdown_signal() {
    let interrupt = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
    tracing::info!("shutting down: finishing the requests in flight");
}

async fn ping() -> Response {
    with_type(StatusCode::OK, "\n".to_owned(), "application/json")
}

async fn version() -> Response {
    with_type(
        StatusCode::OK,
        env!("CARGO_PKG_VERSION").to_owned(),
        "text/plain; charset=utf-8",
    )
}

async fn signature<M: Model + Send + Sync + 'static>(
    State(server): State<Arc<Server<M>>>,
) -> Response {
    with_type(
        StatusCode::OK,
        server.signature_json.clone(),
        "application/json",
    )
}

async fn openapi_document<M: Model + Send + Sync + 'static>(
    State(server): State<Arc<Server<M>>>,
) -> Response {
    with_type(
        StatusCode::OK,
        server.openapi_json.clone(),
        "application/json",
    )
}

fn with_type(status: StatusCode, body: String, content_type: &'static str) -> Response {
    let mut response = (status, body).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

/// The two body formats of `/invocations`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BodyFormat {
    Json,
    Csv,
}

impl BodyFormat {
    /// The format a `Content-Type` names, as MLflow's server decides it; otherwise MLflow's
    /// 415 answer.
    pub(crate) fn of(headers: &HeaderMap) -> Result<BodyFormat, ServeError> {
        let refuse = |message: String| ServeError::unsupported_media_type(message);
        let Some(value) = headers.get(header::CONTENT_TYPE) else {
            return Err(refuse(
                "This predictor only supports the following content types: \
                 application/json, text/csv. Got no Content-Type."
                    .to_owned(),
            ));
        };
        let value = value.to_str().unwrap_or("");
        let mut parts = value.split(';').map(str::trim);
        let mime = parts.next().unwrap_or("");
        for parameter in parts {
            let (key, setting) = parameter.split_once('=').unwrap_or((parameter, ""));
            if key.trim() != "charset" {
                return Err(refuse(format!(
                    "Unrecognized content type parameters: {}.",
                    key.trim()
                )));
            }
            if !setting
                .trim()
                .trim_matches('"')
                .eq_ignore_ascii_case("utf-8")
            {
                return Err(refuse("The scoring server only supports UTF-8".to_owned()));
            }
        }
        match mime {
            "application/json" => Ok(BodyFormat::Json),
            "text/csv" => Ok(BodyFormat::Csv),
            _ => Err(refuse(format!(
                "This predictor only supports the following content types: \
                 application/json, text/csv. Got '{value}'."
            ))),
        }
    }

    fn name(self) -> &'static str {
        match self {
            BodyFormat::Json => "json",
            BodyFormat::Csv => "csv",
        }
    }
}

/// Reads a body up to `limit` bytes: a `Content-Length` over it is refused before reading,
/// a body that turns out longer is refused as soon as it passes the limit.
pub(crate) async fn read_body(
    headers: &HeaderMap,
    body: Body,
    limit: usize,
) -> Result<Bytes, ServeError> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit as u64) {
        return Err(ServeError::too_large(limit));
    }
    match Limited::new(body, limit).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(error) if error.is::<LengthLimitError>() => Err(ServeError::too_large(limit)),
        Err(error) => match connections::body_timeout(&*error) {
            Some(limit) => Err(ServeError::body_timeout(limit)),
            None => Err(ServeError::bad_request(format!(
                "the request body could not be read: {error}"
            ))),
        },
    }
}

/// A `dataframe_split` JSON body for a CSV body, or the JSON body itself; `checker` is the one
/// built for `inputs` (its name index finds each CSV column's type).
pub(crate) fn json_body<'a>(
    format: BodyFormat,
    bytes: &'a Bytes,
    inputs: Option<&crate::types::Schema>,
    checker: &JsonChecker,
) -> Result<std::borrow::Cow<'a, [u8]>, ServeError> {
    match format {
        BodyFormat::Json => Ok(std::borrow::Cow::Borrowed(bytes.as_ref())),
        BodyFormat::Csv => csv::to_split_body(bytes, inputs, checker).map(std::borrow::Cow::Owned),
    }
}

/// What one `/invocations` request came to, for the answer, the span and the metrics.
struct Outcome {
    response: Result<String, ServeError>,
    report: Option<Report>,
    check: Option<Duration>,
    predict: Option<Duration>,
    label: &'static str,
}

async fn invocations<M: Model + Send + Sync + 'static>(
    State(server): State<Arc<Server<M>>>,
    request: axum::extract::Request,
) -> Response {
    // The head taken apart, not extracted as a `HeaderMap` (which copies it).
    let (axum::http::request::Parts { headers, .. }, body) = request.into_parts();
    let span = metrics::invocation_span();
    let started = Instant::now();
    let format = match BodyFormat::of(&headers) {
        Ok(format) => format,
        Err(refusal) => {
            let tally = Tally {
                outcome: "unsupported_media_type",
                ..Tally::default()
            };
            server.metrics.answered(&span, started, &tally, 415);
            return refusal.into_response();
        }
    };
    span.record("format", format.name());
    let timeout = server.options.timeout;
    let answer = tokio::time::timeout(
        timeout,
        answer(server.clone(), headers, body, format, started).instrument(span.clone()),
    )
    .await
    .unwrap_or_else(|_| timed_out(timeout));
    let tally = Tally {
        outcome: answer.label,
        report: answer.report,
        check: answer.check,
        predict: answer.predict,
        upstream: None,
    };
    let response = match answer.response {
        Ok(body) => with_type(StatusCode::OK, body, "application/json"),
        Err(error) => error.into_response(),
    };
    server
        .metrics
        .answered(&span, started, &tally, response.status().as_u16());
    response
}

fn timed_out(timeout: Duration) -> Outcome {
    Outcome {
        response: Err(ServeError::timeout(timeout)),
        report: None,
        check: None,
        predict: None,
        label: "timeout",
    }
}

/// Reads the body, takes a slot, then checks and predicts (CPU work) on this worker when
/// the [gate](inline::InlineGate) expects it to be quick, otherwise on a blocking thread; a
/// panic caught either way.
async fn answer<M: Model + Send + Sync + 'static>(
    server: Arc<Server<M>>,
    headers: HeaderMap,
    body: Body,
    format: BodyFormat,
    started: Instant,
) -> Outcome {
    let failed = |error: ServeError, label| Outcome {
        response: Err(error),
        report: None,
        check: None,
        predict: None,
        label,
    };
    // The slot is taken once the body is in: a client sending its body slowly must not keep
    // others out. Bodies being read are bounded by the connection cap, the body size limit
    // and the body timeout instead.
    let bytes = match read_body(&headers, body, server.options.max_body_bytes).await {
        Ok(bytes) => bytes,
        Err(error) => return failed(error, "unreadable_body"),
    };
    // The slot travels with the blocking work: a request that timed out still holds it
    // until its model returns, so the limit counts what really runs.
    let Ok(slot) = server.slots.clone().try_acquire_owned() else {
        return failed(
            ServeError::overloaded(server.options.max_concurrent),
            "overloaded",
        );
    };
    if server.inline.runs_inline(bytes.len()) {
        let outcome = predict_measured(&server, format, &bytes);
        drop(slot);
        // The timeout could not interrupt the run: past it, the answer is the timeout's.
        let timeout = server.options.timeout;
        if started.elapsed() > timeout {
            return timed_out(timeout);
        }
        return outcome;
    }
    let work = server.clone();
    let joined = tokio::task::spawn_blocking(move || {
        let _slot = slot;
        predict_measured(&work, format, &bytes)
    })
    .await;
    joined.unwrap_or_else(|error| {
        failed(
            ServeError::internal(format!("the request was not answered: {error}")),
            "internal_error",
        )
    })
}

/// [`predict`] with a panic caught and answered 500, its time told to the inline gate.
fn predict_measured<M: Model>(server: &Server<M>, format: BodyFormat, bytes: &Bytes) -> Outcome {
    let started = Instant::now();
    let outcome =
        catch_unwind(AssertUnwindSafe(|| predict(server, format, bytes))).unwrap_or_else(|panic| {
            let reason = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "a panic without a message".to_owned());
            tracing::error!(%reason, "the model panicked");
            Outcome {
                response: Err(ServeError::internal(format!(
                    "the model panicked: {reason}"
                ))),
                report: None,
                check: None,
                predict: None,
                label: "model_panicked",
            }
        });
    server.inline.observe(bytes.len(), started.elapsed());
    outcome
}

fn predict<M: Model>(server: &Server<M>, format: BodyFormat, bytes: &Bytes) -> Outcome {
    let full = server.options.full_reports;
    let started = Instant::now();
    let mut outcome = Outcome {
        response: Err(ServeError::internal("unreachable")),
        report: None,
        check: None,
        predict: None,
        label: "invalid_input",
    };
    let inputs = server.model.signature().inputs();
    let body = match json_body(format, bytes, inputs, server.model.input_checker()) {
        Ok(body) => body,
        Err(error) => {
            outcome.response = Err(error);
            outcome.label = "unreadable_body";
            return outcome;
        }
    };
    let decoded = server.model.decode_json(&body);
    outcome.check = Some(started.elapsed());
    let crate::model::CheckedInput {
        rows,
        params,
        report,
    } = match decoded {
        Ok(decoded) => decoded,
        Err(error) => {
            let inputs = server.model.signature().inputs();
            let (response, report) = predict_error(error, format, inputs, full);
            outcome.response = Err(response);
            outcome.report = report;
            return outcome;
        }
    };
    warn_of_casts(&report);
    let started = Instant::now();
    let outputs = server.model.run(rows, &params);
    outcome.predict = Some(started.elapsed());
    match outputs {
        Ok(outputs) => {
            let predictions = Predictions {
                outputs,
                input_report: report,
            };
            outcome.response = Ok(predictions.to_json());
            outcome.report = Some(predictions.input_report);
            outcome.label = "predicted";
        }
        Err(error) => {
            outcome.report = Some(report);
            outcome.label = "model_failed";
            let inputs = server.model.signature().inputs();
            outcome.response = Err(predict_error(error, format, inputs, full).0);
        }
    }
    outcome
}

/// A `tracing` warning when the rows about to reach the model hold values an MLflow mode cast
/// (MLflow's own server casts them silently): how many, and where the first is. The report's
/// `value_changed` warnings are also counted by `/metrics` and named in the request's span.
pub(crate) fn warn_of_casts(report: &Report) {
    let mut casts = report
        .problems()
        .iter()
        .filter(|p| p.kind() == crate::report::ProblemKind::ValueChanged);
    if let Some(first) = casts.next() {
        tracing::warn!(
            casts = 1 + casts.count(),
            first = first.pointer(),
            "the model receives values cast as MLflow casts them"
        );
    }
}

/// The answer to a failed prediction, and the input report when there is one.
pub(crate) fn predict_error<E: std::fmt::Display>(
    error: PredictError<E>,
    format: BodyFormat,
    inputs: Option<&crate::types::Schema>,
    full: bool,
) -> (ServeError, Option<Report>) {
    match error {
        PredictError::InvalidInput(report) => {
            let mut answer = ServeError::from_report(&report, inputs, full);
            // pandas' `read_csv` refuses a cell its column's dtype cannot read before any
            // schema check: MLflow answers BAD_REQUEST for all but columns missing.
            if format == BodyFormat::Csv
                && report.errors().any(|p| {
                    !matches!(
                        p.kind(),
                        crate::report::ProblemKind::MissingColumn
                            | crate::report::ProblemKind::ExtraColumn
                    )
                })
            {
                answer = ServeError::bad_request(answer.message());
            }
            (answer, Some(report))
        }
        PredictError::Undecodable(reason) => {
            let message = if full {
                format!(
                    "the input passed the signature checks but does not decode into the \
                     model's input type: {reason}"
                )
            } else {
                "the input passed the signature checks but does not decode into the model's \
                 input type (details hidden: the server redacts values)"
                    .to_owned()
            };
            (ServeError::invalid_parameter_value(message), None)
        }
        PredictError::Model(error) => (
            ServeError::internal(format!("the model failed: {error}")),
            None,
        ),
        PredictError::InvalidOutput(report) => {
            let report = if full {
                report.to_string()
            } else {
                report.redacted().to_string()
            };
            (
                ServeError::internal(format!(
                    "the model returned output that does not match its own signature\n{report}"
                )),
                None,
            )
        }
    }
}
