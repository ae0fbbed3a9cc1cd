//! The Prometheus text exposition of `GET /metrics`, written by hand: three counters and two
//! histograms do not need a metrics framework.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crate::report::{Report, Severity};

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
}

impl Metrics {
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

    /// Times one `/invocations` request, and its check and model when they ran.
    pub(crate) fn invocation(
        &self,
        total: Duration,
        check: Option<Duration>,
        predict: Option<Duration>,
    ) {
        self.request_seconds.observe(total);
        if let Some(check) = check {
            self.check_seconds.observe(check);
        }
        if let Some(predict) = predict {
            self.predict_seconds.observe(predict);
        }
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
        out.push_str(
            "# HELP signature_invocation_seconds Time spent on /invocations requests: the \
             whole request, the check (with decoding), and the model.\n\
             # TYPE signature_invocation_seconds histogram\n",
        );
        let name = "signature_invocation_seconds";
        self.request_seconds
            .write(&mut out, name, "stage=\"request\",");
        self.check_seconds.write(&mut out, name, "stage=\"check\",");
        self.predict_seconds
            .write(&mut out, name, "stage=\"predict\",");
        out
    }
}

fn severity_label(severity: Severity) -> &'static str {
    match severity {
        Severity::Warning => "warning",
        Severity::Error => "error",
    }
}
