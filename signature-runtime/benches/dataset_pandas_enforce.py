#!/usr/bin/env python3
"""The yardstick of the dataset figures: a dataset checked the way MLflow users check one today,
file by file: pyarrow reads the file into pandas (`pq.read_table(...).to_pandas()`), then
MLflow's `_enforce_schema` (what `pyfunc.predict` runs) checks it against the signature's inputs.
In the pinned MLflow the interop tests use (`.venv-interop`, mlflow-skinny 3.17.2).

    cargo run --release -p signature-runtime --features parquet --example make_dataset -- DIR 1
    PYTHONHASHSEED=0 .venv-interop/bin/python \\
        signature-runtime/benches/dataset_pandas_enforce.py DIR/signature.json DIR/part-*.parquet

Prints the files, rows and bytes, the seconds taken and the rows per second.
"""

import os
import sys
import time

import json  # noqa: E402

import pyarrow.parquet as pq  # noqa: E402
from mlflow.models.signature import ModelSignature  # noqa: E402
from mlflow.models.utils import _enforce_schema  # noqa: E402


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    with open(sys.argv[1], encoding="utf-8") as f:
        schema = ModelSignature.from_dict(json.load(f)).inputs
    files = sys.argv[2:]
    rows = 0
    size = 0
    start = time.perf_counter()
    for path in files:
        frame = pq.read_table(path).to_pandas()
        _enforce_schema(frame, schema)
        rows += len(frame)
        size += os.path.getsize(path)
    seconds = time.perf_counter() - start
    print(
        f"{len(files)} files\t{rows} rows\t{size} bytes\t{seconds:.2f} s\t"
        f"{rows / seconds:,.0f} rows/s",
        flush=True,
    )


if __name__ == "__main__":
    main()
