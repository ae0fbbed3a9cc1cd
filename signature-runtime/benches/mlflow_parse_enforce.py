#!/usr/bin/env python3
"""MLflow's own cost for a request body: its scoring server's parse, then `_enforce_schema`.

The yardstick of the JSON benches (see BENCHMARKS.md): the same bodies, the same signature,
timed in the pinned MLflow the interop tests use (`.venv-interop`, mlflow-skinny 3.17.2), no
server started. Per body: `_split_data_and_params` (json.loads and the envelope), then
`infer_and_parse_data` with the input schema (the pandas frame, with the server's casts), then
`_enforce_schema` (the signature check that `predict` runs). The median of REPEATS runs.

    cargo bench -p signature-runtime --bench check_json -- wide_   # writes the bodies
    PYTHONHASHSEED=0 .venv-interop/bin/python signature-runtime/benches/mlflow_parse_enforce.py \
        /tmp/signature-bench/wide_signature.json /tmp/signature-bench/wide_*.json

Prints one line per body: its name, size, the median and the fastest run in seconds.
"""

import os
import statistics
import sys
import time

os.environ.setdefault("_MLFLOW_IS_IN_SERVING_ENVIRONMENT", "true")

import json  # noqa: E402

from mlflow.models.signature import ModelSignature  # noqa: E402
from mlflow.models.utils import _enforce_schema  # noqa: E402
from mlflow.pyfunc.scoring_server import (  # noqa: E402
    _split_data_and_params,
    infer_and_parse_data,
)

REPEATS = int(os.environ.get("MLFLOW_BENCH_REPEATS", "5"))


def parse_and_enforce(body, schema):
    data, _params = _split_data_and_params(body)
    frame = infer_and_parse_data(data, schema)
    return _enforce_schema(frame, schema)


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    with open(sys.argv[1], encoding="utf-8") as f:
        schema = ModelSignature.from_dict(json.load(f)).inputs
    for path in sys.argv[2:]:
        with open(path, "rb") as f:
            body = f.read()
        times = []
        for _ in range(REPEATS):
            start = time.perf_counter()
            parse_and_enforce(body, schema)
            times.append(time.perf_counter() - start)
        print(
            f"{os.path.basename(path)}\t{len(body)} bytes\t"
            f"median {statistics.median(times):.3f} s\tfastest {min(times):.3f} s",
            flush=True,
        )


if __name__ == "__main__":
    main()
