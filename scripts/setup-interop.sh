#!/usr/bin/env bash
# Creates (or refreshes) the Python venv holding the real MLflow that the interop tests query.
#
#   bash scripts/setup-interop.sh     # from any directory
#
# Idempotent: the venv remembers the sha256 of tests/interop/requirements.txt it was built from
# (in a stamp file), so a rerun with unchanged requirements returns immediately. A change to the
# requirements rebuilds the venv from scratch, so no stale package survives an unpin.
# Environment: PYTHON (default python3) chooses the interpreter that creates the venv.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$repo/.venv-interop"
requirements="$repo/tests/interop/requirements.txt"
stamp="$venv/.requirements.sha256"
python="${PYTHON:-python3}"

fail() {
    echo "setup-interop: ERROR: $*" >&2
    exit 1
}

[[ -f "$requirements" ]] || fail "missing $requirements"

sha256() {
    if command -v sha256sum >/dev/null 2>&1; then sha256sum "$1"; else shasum -a 256 "$1"; fi
}
want="$(sha256 "$requirements" | cut -d' ' -f1)" || fail "cannot hash $requirements"
[[ -n "$want" ]] || fail "cannot hash $requirements"
if [[ -x "$venv/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    exit 0
fi

command -v "$python" >/dev/null 2>&1 || fail "'$python' not found; install Python >= 3.10 (or set PYTHON=...)"

echo "setup-interop: building $venv from $requirements (takes a minute or two)..." >&2
# A half-built or outdated venv is never reused: start clean so the stamp proves the contents.
rm -rf "$venv"
"$python" -m venv "$venv" \
    || fail "'$python -m venv' failed (on Debian/Ubuntu: apt-get install python3-venv)"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip >&2 \
    || echo "setup-interop: warning: could not upgrade pip; continuing with the bundled one" >&2
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements" >&2 \
    || fail "pip install -r $requirements failed (is PyPI reachable?)"
"$venv/bin/python" -c 'import mlflow, numpy, pandas, pyarrow, scipy, openapi_spec_validator' \
    || fail "the new venv cannot import mlflow/numpy/pandas/pyarrow/scipy/openapi_spec_validator"

# Written last: its presence means every step above succeeded.
echo "$want" >"$stamp"
echo "setup-interop: ready ($("$venv/bin/python" -c 'import mlflow; print("mlflow", mlflow.__version__)'))" >&2
