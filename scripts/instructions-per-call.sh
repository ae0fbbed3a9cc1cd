#!/usr/bin/env bash
# Instructions per call of one function inside a criterion bench, counted by callgrind: a
# figure the machine's load cannot move (timings on a shared machine move by 2x).
#
#   bash scripts/instructions-per-call.sh BENCH FEATURES FILTER FUNCTION
#   bash scripts/instructions-per-call.sh decode_json derive \
#       'small_decode_1row/check \+ decode records' 'JsonChecker>::decode ['
#   bash scripts/instructions-per-call.sh decode_json derive \
#       'small_decode_1row/serde_json typed records' 'decode_json::typed ['
#   bash scripts/instructions-per-call.sh check_json '' 'small_1row/check records' \
#       'json::JsonChecker::check ['
#
# Builds the bench (release, `cargo bench --no-run`), runs it under callgrind for criterion's
# `--profile-time` with collection on only inside criterion's timing loops (so the payloads the
# bench makes at its start are not counted), and prints the inclusive instructions of FUNCTION
# (a substring of its callgrind name) divided by its calls from those loops. Needs valgrind and
# python3. SIGNATURE_BENCH_ROWS defaults to 1000 here, for the payloads the bench makes at its
# start (the one-row bodies do not depend on it).
set -euo pipefail

if [[ $# -ne 4 ]]; then
    sed -n '2,9p' "$0" >&2
    exit 2
fi
bench=$1 features=$2 filter=$3 function=$4
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

feature_args=()
if [[ -n "$features" ]]; then
    feature_args=(--features "$features")
fi
executable=$(cargo bench -p signature-runtime "${feature_args[@]}" --bench "$bench" --no-run \
    --message-format=json 2>/dev/null |
    python3 -c 'import json, sys
for line in sys.stdin:
    message = json.loads(line)
    if message.get("reason") == "compiler-artifact" and message.get("executable") \
            and message["target"]["name"] == sys.argv[1]:
        print(message["executable"])' "$bench" | tail -n 1)

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
SIGNATURE_BENCH_ROWS="${SIGNATURE_BENCH_ROWS:-1000}" valgrind --tool=callgrind \
    --collect-atstart=no '--toggle-collect=criterion::bencher::Bencher*::iter*' \
    --callgrind-out-file="$work/callgrind.out" \
    "$executable" --bench --profile-time 2 "$filter" >/dev/null 2>"$work/valgrind.log" ||
    { cat "$work/valgrind.log" >&2; exit 1; }

# In callgrind_annotate's caller tree, a function's block lists its callers (`<`, with their
# call counts) above the function's own line (`*`, with its inclusive cost). Run away from the
# sources: where it finds them, it splits a function's cost by file and line.
(cd "$work" && callgrind_annotate --inclusive=yes --tree=caller callgrind.out 2>/dev/null) |
    python3 -c 'import re, sys
want, block, found = sys.argv[1], [], False
for line in sys.stdin:
    if not line.strip():
        block = []
        continue
    block.append(line)
    if "*  " in line and want in line:
        cost = int(line.split()[0].replace(",", ""))
        calls = sum(int(m.group(1).replace(",", "")) for caller in block[:-1]
                    if "<" in caller for m in [re.search(r"\(([\d,]+)x\)", caller)] if m)
        if calls:
            found = True
            name = line.split("*  ", 1)[1].strip()
            print(f"{cost / calls:.0f} instructions per call ({calls} calls): {name}")
sys.exit(0 if found else "no calls of a function matching " + repr(want))' "$function"
