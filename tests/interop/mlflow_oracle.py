"""The real MLflow as a long-lived oracle for the Rust interop tests.

Protocol: JSON lines. Each line on stdin is one request object with an "op" key; for each one
exactly one line is written to stdout: {"ok": true, ...} or
{"ok": false, "error": "<ExceptionType>: <message>"}. The process exits at EOF on stdin.
See tests/support/mlflow.rs for the Rust client and the list of ops below (OPS).

Why this shape: importing MLflow costs seconds, so one process serves a whole test binary; and a
request that makes MLflow raise is an *answer* (MLflow rejected the input), never a crash.
"""

import os
import sys

# stdout is the protocol channel and must carry nothing else. MLflow, pandas, numpy, warnings and
# anything a C extension or child process writes to file descriptor 1 would corrupt it, so keep a
# private duplicate of the real stdout for responses and point fd 1 (and sys.stdout) at stderr
# before importing anything noisy.
_PROTOCOL_OUT = os.fdopen(os.dup(1), "w", encoding="utf-8", newline="\n")
os.dup2(2, 1)
sys.stdout = sys.stderr

import base64  # noqa: E402
import datetime  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import random  # noqa: E402
import traceback  # noqa: E402

import mlflow  # noqa: E402
import mlflow.pyfunc  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from mlflow.models import Model  # noqa: E402
from mlflow.models.signature import ModelSignature  # noqa: E402
from mlflow.types.schema import (  # noqa: E402
    AnyType,
    Array,
    ColSpec,
    DataType,
    Map,
    Object,
    ParamSchema,
    ParamSpec,
    Property,
    Schema,
    SparkMLVector,
    TensorSpec,
)


# --------------------------------------------------------------------------------------------
# Round trips: the exact bytes MLflow writes back after reading a document.


def op_signature_roundtrip(req):
    return {"json": json.dumps(ModelSignature.from_dict(req["dict"]).to_dict())}


def op_schema_roundtrip(req):
    return {"json": Schema.from_json(req["json"]).to_json()}


def op_param_schema_roundtrip(req):
    return {"json": ParamSchema.from_json(req["json"]).to_json()}


def op_numpy_dtype(req):
    # Going through TensorSpec (not bare np.dtype) so MLflow's own refusal of sized flexible
    # types ("<U10", "S5") is part of the answer.
    spec = TensorSpec(np.dtype(req["name"]), (-1,))
    return {"name": spec.type.name}


def op_ping(_req):
    return {"mlflow_version": mlflow.__version__}


# --------------------------------------------------------------------------------------------
# Models on disk.


class IdentityModel(mlflow.pyfunc.PythonModel):
    # No type hints on purpose: with hints MLflow treats the signature as coming from them and
    # skips schema enforcement, which is the behaviour the tests want to observe.
    def predict(self, context, model_input, params=None):
        return model_input


class AcceptingModel(mlflow.pyfunc.PythonModel):
    """For scoring decisions, where only what MLflow does before the model is called counts:
    the model returns a constant. Echoing its input, as IdentityModel does, makes the server
    fail on writing the echo for inputs that are not JSON-serialisable (complex numbers, 0-d
    arrays of None), which says nothing about the input. No type hints, as for
    IdentityModel."""

    def predict(self, context, model_input, params=None):
        return "accepted"


def op_save_pyfunc_model(req):
    example = req.get("input_example")
    if isinstance(example, dict) and set(example) == {"dataframe"}:
        frame = example["dataframe"]
        example = pd.DataFrame(data=frame["data"], columns=frame["columns"])
    mlflow.pyfunc.save_model(
        req["path"],
        python_model=IdentityModel(),
        signature=ModelSignature.from_dict(req["signature"]),
        input_example=example,
        pip_requirements=["mlflow"],
    )
    return {}


def op_load_model_signature(req):
    path = req["path"]
    model = Model.load(path)
    signature = None if model.signature is None else json.dumps(model.signature.to_dict())
    example = model.load_input_example(path)
    params = model.load_input_example_params(path)
    return {
        "signature": signature,
        "input_example": _plain_json(example),
        "input_example_params": _plain_json(params),
    }


def _plain_json(value):
    """Converts what MLflow hands back for an input example into plain JSON values.

    Non-finite floats become null: pandas 3 leaves NaN in examples, and NaN is not JSON.
    """
    if value is None:
        return None
    if isinstance(value, pd.DataFrame):
        split = value.to_dict(orient="split")
        return {"columns": _plain_json(split["columns"]), "data": _plain_json(split["data"])}
    if isinstance(value, pd.Series):
        return _plain_json(value.tolist())
    if isinstance(value, np.ndarray):
        return _plain_json(value.tolist())
    if isinstance(value, dict):
        return {str(k): _plain_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain_json(v) for v in value]
    if isinstance(value, np.generic):
        return _plain_json(value.item())
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, (datetime.date, datetime.time, pd.Timestamp)):
        return value.isoformat()
    if value is pd.NaT or value is pd.NA:
        return None
    if hasattr(value, "toarray"):  # scipy sparse matrix
        return _plain_json(value.toarray())
    return value


# --------------------------------------------------------------------------------------------
# Signatures built with MLflow's Python API, for checking that our parser/writer reproduce what
# MLflow itself writes. Deterministic per seed: only random.Random(seed) decides, never set or
# dict-hash order. Everything generated round-trips through MLflow byte-identically; constructs
# that do not (see the AVOIDED notes) are left out on purpose.

_DATATYPES = list(DataType)  # declaration order: boolean, integer, ..., datetime
_PARAM_DATATYPES = [t for t in _DATATYPES if t != DataType.binary]
_TENSOR_DTYPES = [
    "float16", "float32", "float64",
    "int8", "int16", "int32", "int64",
    "uint8", "uint16", "uint32", "uint64",
    "bool", "object", "str", "bytes", "datetime64[ns]", "datetime64[s]",
]  # fmt: skip

# Names that stress JSON escaping (ensure_ascii, surrogate pairs, DEL, control characters),
# quoting and code-point ordering of Object properties.
_NAMES = [
    "x", "prix €", "日本", "😀x", 'say "hi"', "back\\slash", "with space", " leading",
    "trailing ", "tab\there", "del\x7f", "it's", "Ünïcödé", "a.b", "ß", "e\u0301", "100%",
    "null", "0", "B", "b", "\uffff", "new\nline", "<tag>", "emoji 🎉 two 🚀",
]  # fmt: skip

_DOUBLES = [
    0.1, 1e-07, 1e16, 1.5, -2.5, 0.0, -0.0, 3, 5e-324, 1.7976931348623157e308,
    0.30000000000000004, 123456.789, 1e-300, 2.5e-05, 1e22, 1e21, 100.0,
]  # fmt: skip
_FLOATS = [np.float32(0.1), np.float32(1e-7), 1.5, 0.1, np.float32(3.4e38), 2, np.float32(-2.75)]
_LONGS = [0, 1, -1, 42, 2**31, 2**53 + 1, 2**63 - 1, -(2**63), np.int64(7)]
_INTEGERS = [0, 7, -5, np.int32(2**31 - 1), np.int32(-(2**31))]
_BOOLEANS = [True, False, np.bool_(False)]
_STRINGS = _NAMES + ["", "0.1", "true", "multi\nline"]
_DATETIMES = [
    datetime.date(2023, 6, 26),
    datetime.date(1, 1, 1),
    datetime.datetime(2023, 6, 26),
    datetime.datetime(2023, 6, 26, 12, 34, 56),
    datetime.datetime(2023, 6, 26, 12, 34, 56, 789),
    np.datetime64("2023-06-26"),
    np.datetime64("2023-06-26T01:02:03"),
    np.datetime64("2023-06-26T01:02:03.500"),
    np.datetime64("1999-12"),
    "2023-06",
    "2024-02-29T23:59:59",
]  # AVOIDED: np.datetime64 with ns precision (.item() is an int: MLflow rejects it).


def _scalar_default(rng, dtype):
    pools = {
        DataType.double: _DOUBLES,
        DataType.float: _FLOATS,
        DataType.long: _LONGS,
        DataType.integer: _INTEGERS,
        DataType.boolean: _BOOLEANS,
        DataType.string: _STRINGS,
        DataType.datetime: _DATETIMES,
    }
    return rng.choice(pools[dtype])


def _unique_names(rng, count):
    names = rng.sample(_NAMES, min(count, len(_NAMES)))
    return names + [f"c{i}" for i in range(len(names), count)]


def _column_type(rng, depth, in_array=False):
    """A ColSpec/Array-item type with at most 3 - depth further levels of nesting.

    AVOIDED: SparkMLVector as a Map value (MLflow reads it back as a bare SparkMLVector) or as
    an Object property (MLflow cannot read it back at all); it is fine at top level and as
    Array items.
    """
    kinds = ["scalar"] * 5 + ["any"]
    if depth < 3:
        kinds += ["array", "array", "object", "object", "map", "map"]
    if depth == 0 or in_array:
        kinds.append("sparkml")
    kind = rng.choice(kinds)
    if kind == "scalar":
        return rng.choice(_DATATYPES)
    if kind == "any":
        return AnyType()
    if kind == "sparkml":
        return SparkMLVector()
    if kind == "array":
        return Array(_column_type(rng, depth + 1, in_array=True))
    if kind == "map":
        return Map(_column_type(rng, depth + 1))
    names = _unique_names(rng, rng.randint(1, 4))
    return Object(
        [Property(n, _column_type(rng, depth + 1), required=rng.random() < 0.7) for n in names]
    )


def _col_schema(rng, named, count=None, forced_types=None):
    types = forced_types or [_column_type(rng, 0) for _ in range(count or rng.randint(1, 5))]
    if not named:
        # MLflow refuses unnamed optional columns.
        return Schema([ColSpec(t) for t in types])
    names = _unique_names(rng, len(types))
    return Schema([ColSpec(t, n, required=rng.random() < 0.7) for t, n in zip(types, names)])


def _tensor_shape(rng):
    k, m = rng.randint(1, 32), rng.randint(1, 4)
    return rng.choice([(), (-1,), (-1, k), (k,), (-1, k, m), (-1, -1), (k, -1), (-1, 28, 28)])


def _tensor_schema(rng, named, dtypes=None):
    if not named:
        # A single unnamed tensor is the only unnamed tensor schema MLflow accepts.
        return Schema([TensorSpec(np.dtype(rng.choice(_TENSOR_DTYPES)), _tensor_shape(rng))])
    dtypes = dtypes or [rng.choice(_TENSOR_DTYPES) for _ in range(rng.randint(1, 4))]
    names = _unique_names(rng, len(dtypes))
    return Schema([TensorSpec(np.dtype(d), _tensor_shape(rng), n) for d, n in zip(dtypes, names)])


def _io_schema(rng):
    kind = rng.choice(["named_cols"] * 3 + ["unnamed_cols", "named_tensors", "unnamed_tensor"])
    if kind == "named_cols":
        return _col_schema(rng, named=True)
    if kind == "unnamed_cols":
        return _col_schema(rng, named=False)
    return _tensor_schema(rng, named=kind == "named_tensors")


# Object params: MLflow validates the default with its *column* Object rules on plain Python
# values, so only the property types that accept JSON-native values are usable.
# AVOIDED: integer, float and datetime properties (MLflow rejects every JSON-native default for
# them: "Expected type integer, received type int"), Array(integer/float) likewise, binary.
_OBJECT_PARAM_LEAVES = [DataType.long, DataType.double, DataType.boolean, DataType.string]


def _object_param_type(rng, depth):
    kind = rng.choice(["scalar"] * 4 + ["any"] + (["array", "map", "object"] if depth < 3 else []))
    if kind == "scalar":
        return rng.choice(_OBJECT_PARAM_LEAVES)
    if kind == "any":
        return AnyType()
    if kind == "array":
        return Array(_object_param_type(rng, depth + 1))
    if kind == "map":
        return Map(_object_param_type(rng, depth + 1))
    names = _unique_names(rng, rng.randint(1, 3))
    return Object(
        [
            Property(n, _object_param_type(rng, depth + 1), required=rng.random() < 0.7)
            for n in names
        ]
    )


def _object_param_value(rng, dtype):
    if dtype == DataType.long:
        return int(rng.choice(_LONGS))
    if dtype == DataType.double:
        return rng.choice([0.1, 1.5, -2.5, 1e-07, 1e16, 0.0])
    if dtype == DataType.boolean:
        return rng.random() < 0.5
    if dtype == DataType.string:
        return rng.choice(_STRINGS)
    if isinstance(dtype, AnyType):
        return rng.choice([None, 1, "any", [1, "two", None], {"k": [True]}, 2.5])
    if isinstance(dtype, Array):
        return [_object_param_value(rng, dtype.dtype) for _ in range(rng.randint(0, 3))]
    if isinstance(dtype, Map):
        keys = _unique_names(rng, rng.randint(0, 2))
        return {k: _object_param_value(rng, dtype.value_type) for k in keys}
    # Object: required properties always, optional ones sometimes; generation order kept
    # (MLflow writes the default's keys in insertion order).
    return {
        p.name: _object_param_value(rng, p.dtype)
        for p in dtype.properties
        if p.required or rng.random() < 0.5
    }


def _param_spec(rng, name, kind):
    if kind == "object":
        dtype = Object(
            [
                Property(n, _object_param_type(rng, 1), required=rng.random() < 0.7)
                for n in _unique_names(rng, rng.randint(1, 4))
            ]
        )
        return ParamSpec(name, dtype, _object_param_value(rng, dtype))
    dtype, is_list = kind
    if is_list:
        default = [_scalar_default(rng, dtype) for _ in range(rng.randint(0, 3))]
        return ParamSpec(name, dtype, default, (-1,))
    # A null default is legal (written as "default": null) except for datetime, where MLflow
    # crashes with AttributeError.
    if dtype != DataType.datetime and rng.random() < 0.04:
        return ParamSpec(name, dtype, None)
    return ParamSpec(name, dtype, _scalar_default(rng, dtype))


_PARAM_KINDS = [(t, False) for t in _PARAM_DATATYPES] + [(t, True) for t in _PARAM_DATATYPES]
_PARAM_KINDS += ["object"]


def _param_schema(rng, kinds=None):
    kinds = kinds or [rng.choice(_PARAM_KINDS) for _ in range(rng.randint(1, 5))]
    names = _unique_names(rng, len(kinds))
    return ParamSchema([_param_spec(rng, n, k) for n, k in zip(names, kinds)])


def _kitchen_sink(rng):
    """Every DataType and composite kind as columns, every tensor dtype, every param kind."""
    composites = [
        Array(DataType.string),
        Object([Property("a", DataType.long), Property("b", Map(DataType.double), False)]),
        Map(Array(AnyType())),
        AnyType(),
        SparkMLVector(),
        Array(Object([Property("m", Map(Array(DataType.binary)), False)])),
    ]
    return ModelSignature(
        inputs=_col_schema(rng, named=True, forced_types=_DATATYPES + composites),
        outputs=_tensor_schema(rng, named=True, dtypes=_TENSOR_DTYPES),
        params=_param_schema(rng, kinds=_PARAM_KINDS),
    )


# Which of inputs/outputs/params a generated signature has, cycled so that every count >= 8
# covers all seven combinations.
_PARTS = ["io", "i", "o", "p", "ip", "op", "iop"]


def generate_signatures(seed, count):
    rng = random.Random(seed)
    out, seen = [], set()
    while len(out) < count:
        if not out:
            sig = _kitchen_sink(rng)
        else:
            parts = _PARTS[len(out) % len(_PARTS)]
            sig = ModelSignature(
                inputs=_io_schema(rng) if "i" in parts else None,
                outputs=_io_schema(rng) if "o" in parts else None,
                params=_param_schema(rng) if "p" in parts else None,
            )
        text = json.dumps(sig.to_dict())
        if text not in seen:
            seen.add(text)
            out.append(text)
    return out


def op_generated_signatures(req):
    return {"signatures": generate_signatures(int(req["seed"]), int(req["count"]))}


def op_yaml_safe_dump_many(req):
    # How MLflow writes MLmodel files (mlflow.models.Model.to_yaml).
    import yaml

    return {"texts": [yaml.safe_dump(doc, default_flow_style=False) for doc in req["docs"]]}


def op_yaml_safe_load_many(req):
    # How MLflow reads MLmodel files; a document PyYAML refuses comes back as null.
    import yaml

    def load(text):
        try:
            value = yaml.safe_load(text)
        except Exception as exc:  # noqa: BLE001 - the verdict is the point
            return {"ok": False, "error": _describe(exc)}
        try:
            # Timestamps become their str(); JSON has no infinities or NaN.
            return {"ok": True, "value": json.loads(json.dumps(value, default=str, allow_nan=False))}
        except ValueError:
            return {"ok": False, "error": "NonFinite: a float JSON cannot hold"}

    return {"results": [load(text) for text in req["texts"]]}


# --------------------------------------------------------------------------------------------
# Signature inference, to compare with schemas derived from Rust types.


def op_infer_signature(req):
    """`mlflow.models.infer_signature` on JSON records (what serde writes for a Rust struct).

    `as`: "dataframe" (default) builds `pd.DataFrame(records)`; "records" passes the list of
    dicts as is. `datetime_columns` are parsed with `pd.to_datetime`, `binary_columns` are
    base64-decoded to bytes, as a Python caller would hold them.
    """
    records = req["records"]
    for row in records:
        for column in req.get("binary_columns", []):
            if row.get(column) is not None:
                row[column] = base64.b64decode(row[column])
    data = records
    if req.get("as", "dataframe") == "dataframe":
        data = pd.DataFrame(records)
        for column in req.get("datetime_columns", []):
            data[column] = pd.to_datetime(data[column])
    signature = mlflow.models.infer_signature(data)
    return {"inputs": None if signature.inputs is None else signature.inputs.to_json()}


# --------------------------------------------------------------------------------------------
# Data frames written to Parquet by pyarrow, for the Rust frame checks (tests/interop_frames.rs).

_FRAME_MODELS = {}


def _frame_from_json(desc):
    """A pandas DataFrame from {"columns": [{"name", "values", "dtype"?, "kind"?}]}.

    `kind` "datetime" parses the values with `pd.to_datetime` (then `dtype`, if any, is applied
    with `astype`; "tz" localises to UTC); "lists" keeps list cells as Python lists and "dicts"
    dict cells as dicts in an object column (pyarrow writes them as List and Struct columns);
    "maps" makes each cell's [key, value] pairs a list of tuples, written as an Arrow Map of
    strings to `dtype` (see `_frame_table`); "category" makes a pandas category column; "bytes"
    encodes the strings to bytes and "dates" parses them to `datetime.date`s (object columns;
    nulls stay None); otherwise `pd.Series(values, dtype=dtype)` (JSON null in a float column
    is NaN).
    """
    data = {}
    for column in desc["columns"]:
        values, dtype, kind = column["values"], column.get("dtype"), column.get("kind")
        if kind == "datetime":
            series = pd.Series(pd.to_datetime(values))
            if dtype:
                series = series.astype(dtype)
            if column.get("tz"):
                series = series.dt.tz_localize(column["tz"])
        elif kind in ("lists", "dicts"):
            series = pd.Series(values, dtype=object)
        elif kind == "maps":
            series = pd.Series(
                [None if v is None else [tuple(pair) for pair in v] for v in values],
                dtype=object,
            )
        elif kind == "category":
            series = pd.Series(pd.Categorical(values))
        elif kind == "bytes":
            series = pd.Series([None if v is None else v.encode() for v in values], dtype=object)
        elif kind == "dates":
            series = pd.Series(
                [None if v is None else datetime.date.fromisoformat(v) for v in values],
                dtype=object,
            )
        else:
            series = pd.Series(values, dtype=dtype)
        data[column["name"]] = series
    return pd.DataFrame(data)


def _write_parquet(desc, frame, path):
    """`frame.to_parquet(path)`, except that "maps" columns are written as Arrow Maps from
    strings to their `dtype`, which pyarrow cannot infer from lists of pairs."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    maps = {c["name"]: c.get("dtype") for c in desc["columns"] if c.get("kind") == "maps"}
    if not maps:
        frame.to_parquet(path)
        return
    fields = []
    for name in frame.columns:
        if name in maps:
            fields.append(pa.field(name, pa.map_(pa.string(), pa.from_numpy_dtype(maps[name]))))
        else:
            fields.append(pa.Schema.from_pandas(frame[[name]], preserve_index=False).field(name))
    table = pa.Table.from_pandas(frame, schema=pa.schema(fields), preserve_index=False)
    pq.write_table(table, path)


def _frame_model(signature_dict, model_class=IdentityModel):
    import shutil
    import tempfile

    key = (model_class.__name__, json.dumps(signature_dict, sort_keys=True))
    model = _FRAME_MODELS.get(key)
    if model is None:
        path = tempfile.mkdtemp(prefix="frame-model-")
        shutil.rmtree(path)
        mlflow.pyfunc.save_model(
            path,
            python_model=model_class(),
            signature=ModelSignature.from_dict(signature_dict),
            pip_requirements=["mlflow"],
        )
        model = mlflow.pyfunc.load_model(path)
        _FRAME_MODELS[key] = model
    return model


def _predict_verdict(model, frame):
    try:
        model.predict(frame.copy())
        return {"ok": True}
    except Exception as exc:  # noqa: BLE001 - a refusal is an answer
        return {"ok": False, "error": _describe(exc)}


def op_frame_cases(req):
    """For each case: builds the pandas frame, writes it to `path` with `df.to_parquet`
    (pyarrow), infers its signature (`infer_signature(df).inputs.to_json()`), and runs
    `predict` with an identity model for each signature dict given: on the frame
    (`verdicts`), and on the frame read back from the file, `pq.read_table(path).to_pandas()`
    (`read_verdicts`), which is what the MLflow modes of a Parquet check model."""
    import pyarrow.parquet as pq

    results = []
    for case in req["cases"]:
        frame = _frame_from_json(case["frame"])
        _write_parquet(case["frame"], frame, case["path"])
        try:
            inferred, infer_error = mlflow.models.infer_signature(frame).inputs.to_json(), None
        except Exception as exc:  # noqa: BLE001 - a refusal is an answer
            inferred, infer_error = None, _describe(exc)
        read = pq.read_table(case["path"]).to_pandas()
        verdicts, read_verdicts = [], []
        for signature in case.get("signatures", []):
            model = _frame_model(signature)
            verdicts.append(_predict_verdict(model, frame))
            read_verdicts.append(_predict_verdict(model, read))
        results.append(
            {
                "inferred": inferred,
                "infer_error": infer_error,
                "verdicts": verdicts,
                "read_verdicts": read_verdicts,
            }
        )
    return {"results": results}


# --------------------------------------------------------------------------------------------
# Scoring decisions (tests/interop_modes.rs).


def _decision(model, body, input_schema):
    from mlflow.pyfunc import scoring_server

    try:
        response = scoring_server.invocations(body, "application/json", model, input_schema)
    except Exception as exc:  # noqa: BLE001 - a crash is a rejection too
        return "error", _describe(exc)
    status = getattr(response, "status_code", None) or getattr(response, "status", None)
    text = getattr(response, "body", None)
    if text is None:
        text = getattr(response, "response", "")
    if isinstance(text, (list, tuple)):
        text = b"".join(t if isinstance(t, bytes) else str(t).encode() for t in text)
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    verdict = "accept" if status is not None and int(status) < 300 else "reject"
    return verdict, "" if verdict == "accept" else f"{status}: {text}"[:600]


def op_decide_many(req):
    """For each case {"signature": dict, "body": str}: MLflow's serving decision
    (`scoring_server.invocations` with the model's input schema) and predict decision (the same
    with input_schema=None, so only `_enforce_schema` decides), as "accept"/"reject"/"error",
    for an AcceptingModel saved with the signature."""
    os.environ["_MLFLOW_IS_IN_SERVING_ENVIRONMENT"] = "true"
    results = []
    for case in req["cases"]:
        model = _frame_model(case["signature"], AcceptingModel)
        serving, serving_message = _decision(model, case["body"], model.metadata.get_input_schema())
        predict, predict_message = _decision(model, case["body"], None)
        results.append(
            {
                "serving": serving,
                "predict": predict,
                "serving_message": serving_message,
                "predict_message": predict_message,
            }
        )
    return {"results": results}


# --------------------------------------------------------------------------------------------
# The request loop.

OPS = {
    "ping": op_ping,
    "signature_roundtrip": op_signature_roundtrip,
    "schema_roundtrip": op_schema_roundtrip,
    "param_schema_roundtrip": op_param_schema_roundtrip,
    "numpy_dtype": op_numpy_dtype,
    "generated_signatures": op_generated_signatures,
    "save_pyfunc_model": op_save_pyfunc_model,
    "load_model_signature": op_load_model_signature,
    "yaml_safe_dump_many": op_yaml_safe_dump_many,
    "yaml_safe_load_many": op_yaml_safe_load_many,
    "infer_signature": op_infer_signature,
    "frame_cases": op_frame_cases,
    "decide_many": op_decide_many,
}


def _describe(exc):
    return f"{type(exc).__name__}: {exc}"


def handle(line):
    try:
        req = json.loads(line)
        if not isinstance(req, dict):
            raise TypeError(f"request must be a JSON object, got {type(req).__name__}")
        op = OPS.get(req.get("op"))
        if op is None:
            raise ValueError(f"unknown op {req.get('op')!r}; known: {sorted(OPS)}")
        return {"ok": True, **op(req)}
    except Exception as exc:  # noqa: BLE001 - every MLflow refusal is an answer
        traceback.print_exc(file=sys.stderr)
        return {"ok": False, "error": _describe(exc)}


def _encode(response):
    # allow_nan=False: a bare NaN token would break strict JSON parsers on the Rust side.
    try:
        return json.dumps(response, allow_nan=False)
    except (TypeError, ValueError) as exc:
        return json.dumps({"ok": False, "error": f"unencodable response: {_describe(exc)}"})


def main():
    for raw in sys.stdin.buffer:
        line = raw.decode("utf-8", errors="replace").strip()
        if not line:
            continue
        _PROTOCOL_OUT.write(_encode(handle(line)) + "\n")
        _PROTOCOL_OUT.flush()


if __name__ == "__main__":
    main()
