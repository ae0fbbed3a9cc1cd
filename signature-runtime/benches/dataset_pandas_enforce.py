#!/usr/bin/env python3
"""The yardstick of the dataset figures: a dataset checked the way MLflow users check one today,
file by file: pandas reads the file (`pd.read_parquet`, pyarrow underneath), then MLflow's
`_enforce_schema` (what `pyfunc.predict` runs) checks it against the signature's inputs. In the
pinned MLflow the interop tests use (`.venv-interop`, mlflow-skinny 3.17.2). One file at a time,
so memory holds one file's frame (and `_enforce_schema`'s copy of it).

    cargo run --release -p signature-runtime --features parquet --example make_dataset -- DIR 5
    PYTHONHASHSEED=0 .venv-interop/bin/python \\
        signature-runtime/benches/dataset_pandas_enforce.py DIR/signature.json DIR/part-*.parquet

Pass a subset of the files (`DIR/part-0000*.parquet`) to time part of a large dataset.

Prints the files, rows and bytes, the seconds taken and the rows per second.
"""

import json
import os
import sys
import time

import pandas as pd
from mlflow.models.signature import ModelSignature
from mlflow.models.utils import _enforce_schema


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
        frame = pd.read_parquet(path)
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
