#!/usr/bin/env bash
# How much `#[derive(Signature)]` adds to a crate's build, beside serde's `Deserialize`:
#
#   bash scripts/derive-build-time.sh [N...]      # default: 200 1000 2000 fields
#
# For each N it generates a throwaway crate holding one struct of N fields (`f64`, `i64`,
# `String`, `Option<i32>`, `Vec<String>` in turn) and times `cargo build` of it three ways:
# (a) no derive, (b) `#[derive(serde::Deserialize)]`, (c) `#[derive(Signature)]` alone. The
# derive's added time is (c - a), serde's (b - a); the goal is (c - a) <= 1.5 (b - a).
#
# The crate depends on this worktree's runtime by path and builds in a target dir of its own
# (target/derive-build-time) that keeps the dependencies built between runs, so only the
# struct's crate is timed; incremental compilation is off so every run compiles it afresh.
# Environment: RUNS (default 5) runs per figure, of which the median is printed; RUNTIME, the
# `signature-runtime` directory to build against (default this worktree's; another checkout's
# to compare), with WORK, a directory of its own for the crate and its target.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runtime="${RUNTIME:-$repo/signature-runtime}"
work="${WORK:-$repo/target/derive-build-time}"
crate="$work/crate"
runs="${RUNS:-5}"
sizes=("$@")
[[ ${#sizes[@]} -gt 0 ]] || sizes=(200 1000 2000)

mkdir -p "$crate/src"
cat >"$crate/Cargo.toml" <<TOML
[package]
name = "derive-build-time"
version = "0.0.0"
edition = "2024"
publish = false

[lib]
path = "src/lib.rs"

[dependencies]
serde = { version = "1.0.229", features = ["derive"] }
signature-runtime = { path = "$runtime", default-features = false, features = ["derive"] }

# Not a member of the repository's workspace.
[workspace]
TOML
# The repository's versions, so that nothing is resolved (or fetched) anew.
[[ -f "$crate/Cargo.lock" ]] || cp "$repo/Cargo.lock" "$crate/Cargo.lock"

export CARGO_TARGET_DIR="$work/target" CARGO_INCREMENTAL=0

# write_struct N DERIVE: src/lib.rs with one struct of N fields, under `#[derive(DERIVE)]`
# (none if empty).
write_struct() {
    local fields="$1" derive="$2" types=("f64" "i64" "String" "Option<i32>" "Vec<String>")
    {
        echo "#![allow(dead_code)]"
        echo "#[allow(unused_imports)] use signature_runtime::Signature;"
        [[ -z "$derive" ]] || echo "#[derive($derive)]"
        echo "pub struct Wide {"
        for ((i = 0; i < fields; i++)); do
            printf '    pub f%04d: %s,\n' "$i" "${types[$((i % 5))]}"
        done
        echo "}"
    } >"$crate/src/lib.rs"
}

# build_seconds: wall time of one `cargo build` of the crate, in seconds.
build_seconds() {
    local start end
    start=$(date +%s.%N)
    if ! cargo build --quiet --manifest-path "$crate/Cargo.toml" 2>"$work/stderr"; then
        cat "$work/stderr" >&2
        echo "derive-build-time: the generated crate did not build (above)" >&2
        exit 1
    fi
    end=$(date +%s.%N)
    awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f\n", e - s }'
}

median() {
    sort -n | awk '{ v[NR] = $1 } END { printf "%.3f\n", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# The dependencies, once, untimed.
write_struct 10 ""
cargo build --quiet --manifest-path "$crate/Cargo.toml"

printf '%6s  %9s  %9s  %9s  %11s  %11s  %6s\n' \
    fields none serde signature "serde added" "sig. added" ratio
for fields in "${sizes[@]}"; do
    declare -A times=()
    for variant in none serde signature; do
        case $variant in
            none) derive="" ;;
            serde) derive="serde::Deserialize" ;;
            signature) derive="Signature" ;;
        esac
        samples=()
        for ((run = 0; run < runs; run++)); do
            write_struct "$fields" "$derive"
            samples+=("$(build_seconds)")
        done
        times[$variant]=$(printf '%s\n' "${samples[@]}" | median)
    done
    awk -v n="$fields" -v a="${times[none]}" -v b="${times[serde]}" -v c="${times[signature]}" \
        'BEGIN { printf "%6d  %8.2fs  %8.2fs  %8.2fs  %10.2fs  %10.2fs  %6.2f\n", n, a, b, c, b - a, c - a, (c - a) / (b - a) }'
    unset times
done
