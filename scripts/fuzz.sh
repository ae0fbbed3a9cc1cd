#!/usr/bin/env bash
# Runs the fuzz targets of fuzz/ for a given time each (not part of CI: too long).
#
#   bash scripts/fuzz.sh [SECONDS] [TARGET...]     # default: 60 s, every target
#
# Installs cargo-fuzz if it is missing (pinned, --locked), builds the targets on stable with
# `--sanitizer none` (ASan needs nightly flags; see fuzz/README.md), seeds each corpus
# (fuzz/corpus/<target>, kept between runs) from fuzz/seeds/<target>, runs the targets one
# after the other and prints one summary line each from libFuzzer's final stats. Exits
# non-zero if any target found a crash, a timeout or an out-of-memory; the input is then in
# fuzz/artifacts/<target>/ and the log in fuzz/target/fuzz-logs/<target>.log.
#
# Environment: FUZZ_RSS_LIMIT_MB (default 2048) and FUZZ_TIMEOUT (seconds per input, default
# 10) set libFuzzer's -rss_limit_mb/-malloc_limit_mb and -timeout; FUZZ_DEBUG_ASSERTIONS=1
# builds with debug assertions (overflow checks) on, which rebuilds every dependency;
# FUZZ_KEEP_GOING=1 runs libFuzzer's fork mode, which records every crash, timeout and OOM
# and goes on (for a target whose first finding is known), instead of stopping at the first.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo/fuzz"

CARGO_FUZZ_VERSION="0.13.2"
seconds="${1:-60}"
shift || true
rss_limit_mb="${FUZZ_RSS_LIMIT_MB:-2048}"
timeout="${FUZZ_TIMEOUT:-10}"
build_flags=(--sanitizer none --release)
if [[ "${FUZZ_DEBUG_ASSERTIONS:-}" == "1" ]]; then
    build_flags+=(--debug-assertions)
fi

if ! cargo fuzz --version 2>/dev/null | grep -q "$CARGO_FUZZ_VERSION"; then
    echo "==> cargo install cargo-fuzz --version $CARGO_FUZZ_VERSION --locked" >&2
    cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked
fi

if [[ $# -gt 0 ]]; then
    targets=("$@")
else
    mapfile -t targets < <(cargo fuzz list)
fi

echo "==> cargo fuzz build ${build_flags[*]}" >&2
cargo fuzz build "${build_flags[@]}"

logs="$repo/fuzz/target/fuzz-logs"
mkdir -p "$logs"
failed=()
summaries=()
for target in "${targets[@]}"; do
    corpus="$repo/fuzz/corpus/$target"
    mkdir -p "$corpus"
    if [[ -d "$repo/fuzz/seeds/$target" ]]; then
        cp -n "$repo/fuzz/seeds/$target/"* "$corpus/" 2>/dev/null || true
    fi
    log="$logs/$target.log"
    echo "==> $target: ${seconds}s (log: $log)" >&2
    artifacts="$repo/fuzz/artifacts/$target"
    mkdir -p "$artifacts"
    found_before="$(find "$artifacts" -type f | wc -l)"
    mode_flags=()
    if [[ "${FUZZ_KEEP_GOING:-}" == "1" ]]; then
        mode_flags=(-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
    fi
    # The targets that read files by path write them here, one directory per process.
    shm=/dev/shm
    [[ -d $shm ]] || shm="${TMPDIR:-/tmp}"
    FUZZ_SCRATCH="$(mktemp -d "$shm/signature-fuzz-$target.XXXXXX")"
    export FUZZ_SCRATCH
    status=0
    # GNU time's maximum RSS covers the fork mode's children too (libFuzzer's own figure
    # does not).
    /usr/bin/time -f 'max RSS %M kB' -o "$log.rss" \
        cargo fuzz run "${build_flags[@]}" "$target" "$corpus" -- \
        -max_total_time="$seconds" -timeout="$timeout" \
        -rss_limit_mb="$rss_limit_mb" -malloc_limit_mb="$rss_limit_mb" \
        -print_final_stats=1 -artifact_prefix="$artifacts/" "${mode_flags[@]}" \
        >"$log" 2>&1 || status=$?
    rm -rf "$FUZZ_SCRATCH"
    found=$(($(find "$artifacts" -type f | wc -l) - found_before))
    stat() { grep -m1 "^stat::$1:" "$log" | awk '{print $2}' || true; }
    # The last progress line: `#<execs> ... cov: <edges>` (fork mode: `#<execs>: cov: ...`).
    progress="$(grep -E '^#[0-9]+:?[[:space:]].*cov: ' "$log" | tail -1 || true)"
    execs="$(stat number_of_executed_units)"
    execs="${execs:-$(sed -E 's/^#([0-9]+).*/\1/' <<<"$progress")}"
    # libFuzzer's average; fork mode has none, so executions over the time given.
    per_second="$(stat average_exec_per_sec)"
    per_second="${per_second:-$((${execs:-0} / seconds))}"
    coverage="$(grep -o 'cov: [0-9]*' <<<"$progress" | awk '{print $2}' || true)"
    peak_rss="$(stat peak_rss_mb)"
    peak_rss="${peak_rss:-$(($(awk '/max RSS/ {print $3}' "$log.rss") / 1024))}"
    outcome="ok"
    if [[ $status -ne 0 || $found -gt 0 ]]; then
        outcome="FAILED ($found new in fuzz/artifacts/$target; $(grep -m1 -oE 'ERROR: libFuzzer: [a-z-]+|panicked at [^ ]+' "$log" || echo "exit $status"))"
        failed+=("$target")
    fi
    summaries+=("$(printf '%-16s %s  execs %s  exec/s %s  corpus %s  cov %s  peak RSS %s MB' \
        "$target" "$outcome" "${execs:-?}" "$per_second" \
        "$(find "$corpus" -type f | wc -l)" "${coverage:-?}" "${peak_rss:-?}")")
    echo "${summaries[-1]}" >&2
done

echo
echo "fuzz summary (${seconds}s per target):"
printf '%s\n' "${summaries[@]}"
if [[ ${#failed[@]} -gt 0 ]]; then
    echo "targets with findings: ${failed[*]} (inputs in fuzz/artifacts/, logs in $logs)" >&2
    exit 1
fi
