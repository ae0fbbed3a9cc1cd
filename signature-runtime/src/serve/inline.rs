//! Where a request's check and model run: on the async worker that read the body, or handed
//! to tokio's blocking pool. The hand-off costs two thread wake-ups (the blocking thread's,
//! then the worker's), more than checking and predicting a small body with a cheap model
//! takes; but work that runs long on a worker holds up every connection that worker serves,
//! and a request timeout cannot interrupt it. So the gate learns how long the work takes per
//! byte of body, from every run wherever it ran, and lets a request run on the worker only
//! when its expected time is within the budget of [`ServeOptions::with_inline_budget`].
//!
//! [`ServeOptions::with_inline_budget`]: super::ServeOptions::with_inline_budget

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Runs on the blocking pool before any runs on a worker: the estimate needs some
/// measurements before it is trusted.
const LEARNING_RUNS: u64 = 8;

/// The largest body that may run on a worker, whatever the estimate: the estimate is per
/// byte, and a model's cost need not grow as its body's does.
const MAX_INLINE_BODY_BYTES: usize = 64 * 1024;

/// Bodies count as at least this long in the per-byte rate, so a few tiny bodies (whose
/// time is mostly fixed costs) do not make the rate look low for long ones.
const MIN_RATED_BYTES: u64 = 256;

/// Learns how long requests' work takes and decides where the next one runs.
#[derive(Debug)]
pub(super) struct InlineGate {
    /// Nanoseconds; zero: never on a worker.
    budget_nanos: u64,
    /// The estimate: picoseconds per byte of body, a moving average.
    picos_per_byte: AtomicU64,
    /// How many runs the estimate is made of, up to [`LEARNING_RUNS`].
    runs: AtomicU64,
}

impl InlineGate {
    pub(super) fn new(budget: Duration) -> InlineGate {
        InlineGate {
            budget_nanos: u64::try_from(budget.as_nanos()).unwrap_or(u64::MAX),
            picos_per_byte: AtomicU64::new(0),
            runs: AtomicU64::new(0),
        }
    }

    /// Whether the work for a body of `body_bytes` may run on the async worker.
    pub(super) fn runs_inline(&self, body_bytes: usize) -> bool {
        if self.budget_nanos == 0
            || body_bytes > MAX_INLINE_BODY_BYTES
            || self.runs.load(Ordering::Relaxed) < LEARNING_RUNS
        {
            return false;
        }
        let rated = (body_bytes as u64).max(MIN_RATED_BYTES);
        let expected_nanos = self
            .picos_per_byte
            .load(Ordering::Relaxed)
            .saturating_mul(rated)
            / 1000;
        expected_nanos <= self.budget_nanos
    }

    /// Records that the work for a body of `body_bytes` took `elapsed`. The average rises
    /// fast (half-way to a slower run at once: a model that turned slow leaves the workers
    /// after one or two requests) and falls slowly (an eighth of the way to a faster run: a
    /// slow run must not be forgotten after one fast one).
    pub(super) fn observe(&self, body_bytes: usize, elapsed: Duration) {
        let rated = (body_bytes as u64).max(MIN_RATED_BYTES);
        let picos = u64::try_from(elapsed.as_nanos())
            .unwrap_or(u64::MAX)
            .saturating_mul(1000)
            / rated;
        let runs = self.runs.load(Ordering::Relaxed);
        if runs < LEARNING_RUNS {
            self.runs.store(runs + 1, Ordering::Relaxed);
        }
        // Racing updates may lose one another's measurement: an estimate, not a count.
        let old = self.picos_per_byte.load(Ordering::Relaxed);
        let new = if runs == 0 {
            picos
        } else if picos > old {
            old + (picos - old) / 2
        } else {
            old - (old - picos) / 8
        };
        self.picos_per_byte.store(new, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MICRO: Duration = Duration::from_micros(1);

    fn learned(budget: Duration, per_run: Duration) -> InlineGate {
        let gate = InlineGate::new(budget);
        for _ in 0..LEARNING_RUNS {
            gate.observe(100, per_run);
        }
        gate
    }

    #[test]
    fn nothing_runs_inline_before_the_gate_has_learned() {
        let gate = InlineGate::new(50 * MICRO);
        for _ in 1..LEARNING_RUNS {
            gate.observe(100, MICRO);
            assert!(!gate.runs_inline(100));
        }
        gate.observe(100, MICRO);
        assert!(gate.runs_inline(100));
    }

    #[test]
    fn cheap_small_work_runs_inline_long_or_large_work_does_not() {
        let cheap = learned(50 * MICRO, MICRO);
        assert!(cheap.runs_inline(80));
        // 1 µs per 256 bytes: 64 KiB expected at 256 µs, over the budget.
        assert!(!cheap.runs_inline(MAX_INLINE_BODY_BYTES));
        assert!(!cheap.runs_inline(MAX_INLINE_BODY_BYTES + 1));
        let slow = learned(50 * MICRO, Duration::from_millis(2));
        assert!(!slow.runs_inline(80));
        let off = learned(Duration::ZERO, Duration::ZERO);
        assert!(!off.runs_inline(1));
    }

    #[test]
    fn one_slow_run_sends_work_to_the_pool_and_fast_runs_bring_it_back() {
        let gate = learned(50 * MICRO, MICRO);
        gate.observe(100, Duration::from_millis(1500));
        assert!(!gate.runs_inline(100));
        let mut fast_runs = 0;
        while !gate.runs_inline(100) {
            gate.observe(100, MICRO);
            fast_runs += 1;
            assert!(fast_runs < 1000, "never back on the worker");
        }
        // An eighth of the way per run: about 75 runs from 1.5 s down to 50 µs.
        assert!(fast_runs > 20, "back after {fast_runs} fast runs");
    }
}
