//! A checking gateway in front of an MLflow scoring server (`mlflow models serve`, Python):
//! every `/invocations` body is checked against the signature first; a bad one is answered at
//! once with MLflow's error body, a good one forwarded unchanged and the upstream's answer
//! passed back as it came. Python MLflow users get the all-errors check without changing
//! their model.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, Request, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use http_body_util::{BodyExt, Full, Limited};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use tokio::sync::Semaphore;
use tracing::Instrument;

use super::metrics::{self, Metrics, Tally};
use super::{BodyFormat, ServeError, ServeOptions, json_body, predict_error, read_body};
use crate::check::JsonChecker;
use crate::model::PredictError;
use crate::report::Report;
use crate::types::{ModelSignature, Schema};

/// The largest upstream answer passed back: far above any prediction body, and a bound on
/// what a broken upstream can make the gateway hold.
const MAX_UPSTREAM_ANSWER: usize = 256 * 1024 * 1024;

/// An upstream address the gateway cannot forward to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpstreamError {
    upstream: String,
}

impl fmt::Display for UpstreamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` is not an upstream the gateway can forward to: give `http://HOST:PORT`",
            self.upstream
        )
    }
}

impl std::error::Error for UpstreamError {}

struct Gateway {
    checker: JsonChecker,
    inputs: Option<Schema>,
    options: ServeOptions,
    slots: Arc<Semaphore>,
    inline: super::inline::InlineGate,
    client: Client<HttpConnector, Full<Bytes>>,
    /// `http://host:port`, without a trailing slash.
    upstream: String,
    signature_json: String,
    openapi_json: String,
    metrics: Arc<Metrics>,
}

/// A router that checks `/invocations` bodies against `signature` and forwards the good ones
/// to the MLflow scoring server at `upstream` (`http://host:port`). `/ping`, `/health` and
/// `/version` are the upstream's; `/signature`, `/openapi.json` and `/metrics` the gateway's,
/// its spans and metrics those of the typed server (see the [module docs](super)) with the
/// upstream's time and failures in place of the model's.
pub fn gateway(
    signature: &ModelSignature,
    upstream: &str,
    options: ServeOptions,
) -> Result<Router, UpstreamError> {
    let parsed: Uri = upstream.parse().map_err(|_| UpstreamError {
        upstream: upstream.to_owned(),
    })?;
    let usable = parsed.scheme_str() == Some("http")
        && parsed.authority().is_some()
        && matches!(parsed.path(), "" | "/")
        && parsed.query().is_none();
    if !usable {
        return Err(UpstreamError {
            upstream: upstream.to_owned(),
        });
    }
    let metrics = Arc::new(Metrics::for_gateway());
    let mut connector = HttpConnector::new();
    connector.set_nodelay(true);
    connector.set_connect_timeout(Some(Duration::from_secs(10)));
    let state = Arc::new(Gateway {
        checker: JsonChecker::for_signature(signature).with_options(options.check.clone()),
        inputs: signature.inputs().cloned(),
        slots: Arc::new(Semaphore::new(options.max_concurrent)),
        inline: super::inline::InlineGate::new(options.inline_budget),
        client: Client::builder(TokioExecutor::new()).build(connector),
        upstream: upstream.trim_end_matches('/').to_owned(),
        signature_json: signature.to_dict().to_json(),
        openapi_json: super::openapi::document(signature, &options.title).to_string(),
        options,
        metrics: metrics.clone(),
    });
    Ok(Router::new()
        .route("/invocations", post(invocations))
        .route("/ping", get(pass_through))
        .route("/health", get(pass_through))
        .route("/version", get(pass_through))
        .route(
            "/signature",
            get(|State(gateway): State<Arc<Gateway>>| async move {
                super::with_type(
                    StatusCode::OK,
                    gateway.signature_json.clone(),
                    "application/json",
                )
            }),
        )
        .route(
            "/openapi.json",
            get(|State(gateway): State<Arc<Gateway>>| async move {
                super::with_type(
                    StatusCode::OK,
                    gateway.openapi_json.clone(),
                    "application/json",
                )
            }),
        )
        .route("/metrics", metrics::route(metrics.clone()))
        .layer(axum::middleware::from_fn_with_state(
            metrics,
            metrics::count_requests,
        ))
        .with_state(state))
}

async fn invocations(State(gateway): State<Arc<Gateway>>, request: Request<Body>) -> Response {
    // The head taken apart, not extracted as a `HeaderMap` (which copies it).
    let (axum::http::request::Parts { headers, .. }, body) = request.into_parts();
    let span = metrics::invocation_span();
    let started = Instant::now();
    let mut tally = Tally::default();
    let timeout = gateway.options.timeout;
    let answered = tokio::time::timeout(
        timeout,
        check_and_forward(&gateway, headers, body, &span, &mut tally).instrument(span.clone()),
    )
    .await;
    let response = match answered {
        Ok(Ok(response)) => response,
        Ok(Err(error)) => error.into_response(),
        Err(_) => {
            tally.outcome = "timeout";
            ServeError::timeout(timeout).into_response()
        }
    };
    gateway
        .metrics
        .answered(&span, started, &tally, response.status().as_u16());
    response
}

/// Checks the body and forwards it when good, noting in `tally` what happened.
async fn check_and_forward(
    gateway: &Arc<Gateway>,
    headers: HeaderMap,
    body: Body,
    span: &tracing::Span,
    tally: &mut Tally,
) -> Result<Response, ServeError> {
    tally.outcome = "unsupported_media_type";
    let format = BodyFormat::of(&headers)?;
    span.record("format", format.name());
    tally.outcome = "unreadable_body";
    let bytes = read_body(&headers, body, gateway.options.max_body_bytes).await?;
    // Taken once the body is in (as by the typed server): slow senders keep nobody out.
    tally.outcome = "overloaded";
    let _slot = gateway
        .slots
        .clone()
        .try_acquire_owned()
        .map_err(|_| ServeError::overloaded(gateway.options.max_concurrent))?;
    let started = Instant::now();
    // As the typed server runs its model: on this worker when the check is expected to be
    // quick, otherwise on a blocking thread.
    let (report, refusal) = if gateway.inline.runs_inline(bytes.len()) {
        check(gateway, format, &bytes)?
    } else {
        let checking = gateway.clone();
        let checked = bytes.clone();
        tokio::task::spawn_blocking(move || check(&checking, format, &checked))
            .await
            .map_err(|e| ServeError::internal(format!("the check did not finish: {e}")))??
    };
    gateway.inline.observe(bytes.len(), started.elapsed());
    tally.check = Some(started.elapsed());
    tally.report = Some(report);
    if let Some(refusal) = refusal {
        tally.outcome = "invalid_input";
        return Err(refusal);
    }
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .cloned()
        .unwrap_or(HeaderValue::from_static("application/json"));
    let started = Instant::now();
    let forwarded = forward(
        gateway,
        Method::POST,
        "/invocations",
        Some(content_type),
        bytes,
    )
    .await;
    tally.upstream = Some(started.elapsed());
    tally.outcome = if forwarded.is_ok() {
        "forwarded"
    } else {
        "upstream_failed"
    };
    forwarded
}

/// The check's report of a body, and the refusal to answer with when it failed.
fn check(
    gateway: &Gateway,
    format: BodyFormat,
    bytes: &Bytes,
) -> Result<(Report, Option<ServeError>), ServeError> {
    let body = json_body(format, bytes, gateway.inputs.as_ref(), &gateway.checker)?;
    let report = gateway.checker.check(&body);
    if report.is_valid() {
        return Ok((report, None));
    }
    let refused = PredictError::<std::convert::Infallible>::InvalidInput(report);
    let inputs = gateway.inputs.as_ref();
    match predict_error(refused, format, inputs, gateway.options.full_reports) {
        (refusal, Some(report)) => Ok((report, Some(refusal))),
        (refusal, None) => Err(refusal),
    }
}

async fn pass_through(State(gateway): State<Arc<Gateway>>, uri: Uri) -> Response {
    forward(&gateway, Method::GET, uri.path(), None, Bytes::new())
        .await
        .unwrap_or_else(IntoResponse::into_response)
}

/// Sends the request upstream and passes its status, content type and body back unchanged.
async fn forward(
    gateway: &Gateway,
    method: Method,
    path: &str,
    content_type: Option<HeaderValue>,
    body: Bytes,
) -> Result<Response, ServeError> {
    let unreachable = |e: &dyn fmt::Display| {
        gateway.metrics.upstream_error();
        ServeError::bad_gateway(format!(
            "the upstream {} did not answer: {e}",
            gateway.upstream
        ))
    };
    let mut request = Request::builder()
        .method(method)
        .uri(format!("{}{path}", gateway.upstream));
    if let Some(content_type) = content_type {
        request = request.header(header::CONTENT_TYPE, content_type);
    }
    let request = request
        .body(Full::new(body))
        .map_err(|e| ServeError::internal(e.to_string()))?;
    let answer = gateway
        .client
        .request(request)
        .await
        .map_err(|e| unreachable(&e))?;
    let status = answer.status();
    let content_type = answer.headers().get(header::CONTENT_TYPE).cloned();
    let body = Limited::new(answer.into_body(), MAX_UPSTREAM_ANSWER)
        .collect()
        .await
        .map_err(|e| unreachable(&e))?
        .to_bytes();
    let mut response = (status, body).into_response();
    if let Some(content_type) = content_type {
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, content_type);
    }
    Ok(response)
}
