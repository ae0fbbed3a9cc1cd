//! What the typed server and the gateway observe, in one place: the `tracing` span of each
//! `/invocations` request, the request counter of every endpoint, and the Prometheus text
//! exposition of `GET /metrics`, written by hand: a few counters and histograms do not need
//! a metrics framework.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use axum::routing::MethodRouter;

use crate::report::{Report, Severity};

/// The endpoints, as the metrics label them: a fixed set, whatever paths clients ask for.
const ENDPOINTS: [&str; 7] = [
    "/invocations",
    "/ping",
    "/health",
    "/version",
    "/signature",
    "/metrics",
    "/openapi.json",
];

/// Upper bounds of the latency buckets, in seconds: 50 µs to 10 s, roughly ×2.5 apart, so a
/// checked 1-row request and a slow model both land in a bucket that tells them apart.
const BUCKETS: [f64; 12] = [
    0.000_05, 0.000_1, 0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.05, 0.25, 1.0, 10.0,
];

/// One latency histogram: a count per bucket (not cumulative; summed when written), the sum
/// in microseconds and the count.
#[derive(Default)]
struct Histogram {
    buckets: [AtomicU64; BUCKETS.len()],
    sum_micros: AtomicU64,
    count: AtomicU64,
}

impl Histogram {
    fn observe(&self, elapsed: Duration) {
        let seconds = elapsed.as_secs_f64();
        if let Some(bucket) = BUCKETS.iter().position(|&bound| seconds <= bound) {
            self.buckets[bucket].fetch_add(1, Ordering::Relaxed);
        }
        let micros = u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX);
        self.sum_micros.fetch_add(micros, Ordering::Relaxed);
        self.count.fetch_add(1, Ordering::Relaxed);
    }

    fn write(&self, out: &mut String, name: &str, labels: &str) {
        let mut cumulative = 0;
        for (bound, bucket) in BUCKETS.iter().zip(&self.buckets) {
            cumulative += bucket.load(Ordering::Relaxed);
            let _ = writeln!(out, "{name}_bucket{{{labels}le=\"{bound}\"}} {cumulative}");
        }
        let count = self.count.load(Ordering::Relaxed);
        let _ = writeln!(out, "{name}_bucket{{{labels}le=\"+Inf\"}} {count}");
        let sum = self.sum_micros.load(Ordering::Relaxed) as f64 / 1e6;
        let labels = labels.trim_end_matches(',');
        let braces = |l: &str| {
            if l.is_empty() {
                String::new()
            } else {
                format!("{{{l}}}")
            }
        };
        let _ = writeln!(out, "{name}_sum{} {sum}", braces(labels));
        let _ = writeln!(out, "{name}_count{} {count}", braces(labels));
    }
}

/// What the server counts. Labels come from fixed sets (endpoints, statuses, problem codes),
/// never from the body, so the series stay few whatever clients send.
#[derive(Default)]
pub(crate) struct Metrics {
    requests: Mutex<BTreeMap<(&'static str, u16), u64>>,
    problems: Mutex<BTreeMap<(&'static str, &'static str), u64>>,
    request_seconds: Histogram,
    check_seconds: Histogram,
    predict_seconds: Histogram,
    upstream_seconds: Histogram,
    upstream_errors: AtomicU64,
    /// Whose metrics these are: the gateway's have upstream series instead of the model's.
    gateway: bool,
}

/// What one `/invocations` request came to, for its span and the metrics: each stage's time
/// when it ran, and the check's report when there was one.
#[derive(Default)]
pub(crate) struct Tally {
    /// What happened, in a word (`predicted`, `invalid_input`, `forwarded`, `timeout`...).
    pub(crate) outcome: &'static str,
    pub(crate) report: Option<Report>,
    pub(crate) check: Option<Duration>,
    /// The model's time (the typed server).
    pub(crate) predict: Option<Duration>,
    /// The upstream's time (the gateway).
    pub(crate) upstream: Option<Duration>,
}

/// The span every `/invocations` request runs in; its fields are recorded by
/// [`Metrics::answered`] (and `format` as soon as it is known).
pub(crate) fn invocation_span() -> tracing::Span {
    tracing::info_span!(
        "invocation",
        format = tracing::field::Empty,
        rows = tracing::field::Empty,
        outcome = tracing::field::Empty,
        status = tracing::field::Empty,
        problems = tracing::field::Empty,
        check_us = tracing::field::Empty,
        predict_us = tracing::field::Empty,
        upstream_us = tracing::field::Empty,
    )
}

/// The middleware counting every answered request by endpoint and status.
pub(crate) async fn count_requests(
    State(metrics): State<Arc<Metrics>>,
    request: Request,
    next: Next,
) -> Response {
    let endpoint = ENDPOINTS
        .iter()
        .find(|&&endpoint| endpoint == request.uri().path())
        .copied()
        .unwrap_or("other");
    let response = next.run(request).await;
    metrics.request(endpoint, response.status().as_u16());
    response
}

/// The `GET /metrics` route of a server counting into `metrics`.
pub(crate) fn route<S: Clone + Send + Sync + 'static>(metrics: Arc<Metrics>) -> MethodRouter<S> {
    axum::routing::get(move || async move {
        super::with_type(
            axum::http::StatusCode::OK,
            metrics.render(),
            "text/plain; version=0.0.4; charset=utf-8",
        )
    })
}

impl Metrics {
    /// The gateway's metrics: upstream times and errors instead of the model's times.
    pub(crate) fn for_gateway() -> Metrics {
        Metrics {
            gateway: true,
            ..Metrics::default()
        }
    }

    /// Counts an answered request of `endpoint` (one of the router's paths, or `other`).
    pub(crate) fn request(&self, endpoint: &'static str, status: u16) {
        let mut requests = self.requests.lock().unwrap_or_else(|e| e.into_inner());
        *requests.entry((endpoint, status)).or_default() += 1;
    }

    /// Counts the listed problems of a check's report, by code and severity.
    pub(crate) fn problems(&self, report: &Report) {
        if report.problems().is_empty() {
            return;
        }
        let mut problems = self.problems.lock().unwrap_or_else(|e| e.into_inner());
        for problem in report.problems() {
            *problems
                .entry((problem.kind().code(), severity_label(problem.severity())))
                .or_default() += 1;
        }
    }

    /// Records an answered `/invocations` request, started at `started` and answered with
    /// `status`: its span's fields, its problems, its stages' times; then logs it in `span`.
    pub(crate) fn answered(
        &self,
        span: &tracing::Span,
        started: Instant,
        tally: &Tally,
        status: u16,
    ) {
        if let Some(report) = &tally.report {
            self.problems(report);
            if let Some(rows) = report.rows() {
                span.record("rows", rows);
            }
            let codes: Vec<&str> = report.problems().iter().map(|p| p.kind().code()).collect();
            if !codes.is_empty() {
                span.record("problems", codes.join(",").as_str());
            }
        }
        self.request_seconds.observe(started.elapsed());
        for (field, elapsed, histogram) in [
            ("check_us", tally.check, &self.check_seconds),
            ("predict_us", tally.predict, &self.predict_seconds),
            ("upstream_us", tally.upstream, &self.upstream_seconds),
        ] {
            if let Some(elapsed) = elapsed {
                span.record(
                    field,
                    u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX),
                );
                histogram.observe(elapsed);
            }
        }
        span.record("outcome", tally.outcome);
        span.record("status", status);
        span.in_scope(|| tracing::info!("answered"));
    }

    /// Counts a request the upstream did not answer (the gateway).
    pub(crate) fn upstream_error(&self) {
        self.upstream_errors.fetch_add(1, Ordering::Relaxed);
    }

    /// The Prometheus text exposition (format 0.0.4).
    pub(crate) fn render(&self) -> String {
        let mut out = String::new();
        out.push_str(
            "# HELP signature_requests_total Requests answered, by endpoint and HTTP status.\n\
             # TYPE signature_requests_total counter\n",
        );
        for ((endpoint, status), count) in self
            .requests
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
        {
            let _ = writeln!(
                out,
                "signature_requests_total{{endpoint=\"{endpoint}\",status=\"{status}\"}} {count}"
            );
        }
        out.push_str(
            "# HELP signature_problems_total Problems listed in the reports of checked bodies, \
             by problem code and severity.\n\
             # TYPE signature_problems_total counter\n",
        );
        for ((code, severity), count) in self
            .problems
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
        {
            let _ = writeln!(
                out,
                "signature_problems_total{{code=\"{code}\",severity=\"{severity}\"}} {count}"
            );
        }
        if self.gateway {
            let _ = write!(
                out,
                "# HELP signature_upstream_errors_total Requests the gateway's upstream did not \
             answer (answered 502).\n\
             # TYPE signature_upstream_errors_total counter\n\
             signature_upstream_errors_total {}\n",
                self.upstream_errors.load(Ordering::Relaxed)
            );
        }
        out.push_str(
            "# HELP signature_invocation_seconds Time spent on /invocations requests: the \
             whole request, the check (with decoding), the model (typed server) and the \
             upstream (gateway).\n\
             # TYPE signature_invocation_seconds histogram\n",
        );
        let name = "signature_invocation_seconds";
        self.request_seconds
            .write(&mut out, name, "stage=\"request\",");
        self.check_seconds.write(&mut out, name, "stage=\"check\",");
        if self.gateway {
            self.upstream_seconds
                .write(&mut out, name, "stage=\"upstream\",");
        } else {
            self.predict_seconds
                .write(&mut out, name, "stage=\"predict\",");
        }
        out
    }
}

fn severity_label(severity: Severity) -> &'static str {
    match severity {
        Severity::Warning => "warning",
        Severity::Error => "error",
    }
}
