"""Writes fuzz/seeds/<target>/ from the tests' own inputs (run with the interop venv's
python, which has pyarrow and PyYAML): signature JSON strings of the tests, MLmodel files,
input examples, and small Parquet / Arrow IPC files of the types the frame tests use.

    .venv-interop/bin/python fuzz/seeds/make_seeds.py

`check_json` keeps its hand-written seeds; `arrow_batches` builds its inputs from bytes, so
its seeds are a few byte patterns. `csv_body` takes the CSV bodies of the serving tests, plus
bodies for its other input types (every scalar type, 1,000 columns); to write only those:

    .venv-interop/bin/python -c 'import sys; sys.path.insert(0, "fuzz/seeds"); import make_seeds; make_seeds.write_csv_seeds()'
"""

import glob
import io
import json
import os
import re

import pyarrow as pa
import pyarrow.feather as feather
import pyarrow.parquet as pq
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SEEDS = os.path.join(ROOT, "fuzz", "seeds")
MAX_SEED = 4096
RAW = re.compile(r'r(#+)"(.*?)"\1', re.S)


def write(target, name, data, max_size=MAX_SEED):
    if isinstance(data, str):
        data = data.encode()
    if len(data) > max_size:
        return
    folder = os.path.join(SEEDS, target)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


def raw_strings():
    files = sorted(glob.glob(os.path.join(ROOT, "tests", "*.rs")))
    files += sorted(glob.glob(os.path.join(ROOT, "signature-runtime", "src", "**", "*.rs"), recursive=True))
    files += sorted(glob.glob(os.path.join(ROOT, "signature-runtime", "tests", "*.rs")))
    for path in files:
        with open(path, encoding="utf-8") as f:
            for match in RAW.finditer(f.read()):
                yield match.group(2)


def signature_texts():
    seen = []
    fixture = os.path.join(ROOT, "signature-runtime", "tests", "fixtures", "house_price.signature.json")
    with open(fixture, encoding="utf-8") as f:
        seen.append(f.read())
    for text in raw_strings():
        if '"type"' not in text or text.lstrip()[:1] not in "[{":
            continue
        try:
            json.loads(text)
        except ValueError:
            continue
        if text not in seen:
            seen.append(text)
    return seen


def mlmodel_texts(signatures):
    texts = [t for t in raw_strings() if "signature:" in t or "flavors:" in t]
    with open(os.path.join(ROOT, "tests", "snapshots", "check", "model", "MLmodel"), encoding="utf-8") as f:
        texts.append(f.read())
    # The PyYAML typing cases of the tests, and a small alias use.
    texts.append("a: 1e3\nb: 0o17\nc: 017\nd: yes\ne: '1'\nf: 1.5\ng: ~\nh: 0x1F\ni: 1_000\nj: 1:30\nk: 3.11.7\nl: 2023-06-26\nm: \"x\\ty\"\nn: -.5\no: [1, {p: q}]\n")
    texts.append("a: &a [x, x, x]\nb: &b [*a, *a, *a]\nc: {<<: {d: 1}, e: *b}\n")
    # Found by the fuzzer: an empty document must be written back as `{}`.
    write("mlmodel_yaml", "empty_document", "{}")
    # Signature dicts as MLflow writes them into an MLmodel file.
    for text in signatures:
        value = json.loads(text)
        if isinstance(value, list):
            value = {"inputs": text, "outputs": None, "params": None}
        if isinstance(value, dict) and set(value) <= {"inputs", "outputs", "params"}:
            texts.append(yaml.safe_dump({"flavors": {"python_function": {"loader_module": "x"}}, "signature": value}, default_flow_style=False))
    return texts


def frames():
    table = pa.table({
        "sqft": pa.array([1500.0, None, 2000.5], pa.float64()),
        "bedrooms": pa.array([3, 4, None], pa.int64()),
        "city": pa.array(["Salem", "Zürich", None]),
    })
    nested = pa.table({
        "a": pa.array([[[1, 2]], [], None], pa.list_(pa.list_(pa.int32()))),
        "o": pa.array([{"x": 1.0, "tags": ["t"]}, {"x": 2.0, "tags": None}, None],
                      pa.struct([("x", pa.float64()), ("tags", pa.list_(pa.string()))])),
        "m": pa.array([[("k", 1)], [], None], pa.map_(pa.string(), pa.int64())),
        "v": pa.array([[1.0, 2.0], None, []], pa.list_(pa.float64())),
    })
    scalars = pa.table({
        "boolean": pa.array([True, None]),
        "integer": pa.array([1, None], pa.int32()),
        "long": pa.array([2**40, None], pa.uint64()),
        "float": pa.array([1.5, None], pa.float16()),
        "double": pa.array([2.5, None], pa.float32()),
        "string": pa.array(["a", None], pa.large_string()),
        "binary": pa.array([b"\x00", None], pa.binary()),
        "datetime": pa.array([1, None], pa.timestamp("ms", tz="UTC")),
        "dict": pa.array(["a", "b"]).dictionary_encode(),
        "date": pa.array([1, None], pa.date32()),
    })
    tensors = pa.table({"x": pa.array([[1, 2], [3, 4]], pa.list_(pa.int64(), 2)), "y": pa.array([None, None], pa.null())})
    out = []
    for name, table in [("houses", table), ("nested", nested), ("scalars", scalars), ("fixed", tensors)]:
        for codec in ["snappy", "none"]:
            buf = io.BytesIO()
            pq.write_table(table, buf, compression=codec)
            out.append((f"{name}_{codec}.parquet", 0, buf.getvalue()))
        buf = io.BytesIO()
        feather.write_feather(table, buf, compression="uncompressed")
        out.append((f"{name}.arrow", 1, buf.getvalue()))
        sink = io.BytesIO()
        with pa.ipc.new_stream(sink, table.schema) as writer:
            writer.write_table(table)
        out.append((f"{name}.arrows", 1, sink.getvalue()))
    return out


def compatibility_pairs(signatures):
    """(old, new) signature texts for `compatibility`: each test signature against itself and
    the next one, and one pair per kind of change `tests/evolution.rs` covers."""
    def cols(*columns):
        return json.dumps([{"type": t, "name": n, "required": r} for n, t, r in columns])

    def tensor(shape, dtype="float64"):
        return json.dumps([{"name": "t", "type": "tensor", "tensor-spec": {"dtype": dtype, "shape": shape}}])

    def params(default):
        return json.dumps({"inputs": cols(("x", "long", True)), "outputs": None,
                           "params": json.dumps([{"name": "k", "type": "long", "default": default, "shape": None}])})

    def with_outputs(outputs):
        return json.dumps({"inputs": cols(("x", "long", True)), "outputs": outputs, "params": None})

    obj = lambda props: json.dumps([{"type": "object", "name": "o", "required": True, "properties": props}])
    changes = [
        (cols(("x", "long", True)), cols(("x", "long", True), ("y", "string", False))),
        (cols(("x", "long", True)), cols(("x", "long", True), ("y", "string", True))),
        (cols(("x", "long", True), ("y", "double", True)), cols(("x", "long", True))),
        (cols(("x", "long", True)), cols(("x", "double", True))),
        (cols(("x", "double", True)), cols(("x", "long", True))),
        (cols(("x", "integer", True)), cols(("x", "long", True))),
        (cols(("x", "long", True)), cols(("x", "long", False))),
        (cols(("x", "long", False)), cols(("x", "long", True))),
        (tensor([-1, 4]), tensor([-1, 5])),
        (tensor([-1, 4]), tensor([-1, 4], "float32")),
        (tensor([-1, 4]), cols(("x", "long", True))),
        (params(1), params(2)),
        (with_outputs(cols(("p", "double", True))), with_outputs(cols(("p", "long", True)))),
        (obj({"a": {"type": "long", "required": True}}),
         obj({"a": {"type": "long", "required": True}, "b": {"type": "string", "required": False}})),
    ]
    pairs = [(text, None) for text in signatures]
    pairs += list(zip(signatures, signatures[1:]))
    return pairs + changes


RUST_STRING = re.compile(r'"((?:[^"\\]|\\[\s\S])*)"')
RUST_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\", "0": "\0"}


def csv_texts():
    """The CSV bodies of the serving tests: plain string literals whose first line is a header."""
    files = [
        os.path.join(ROOT, "tests", "serve.rs"),
        os.path.join(ROOT, "tests", "interop_serve.rs"),
        os.path.join(ROOT, "signature-runtime", "src", "serve", "csv.rs"),
    ]
    texts = []
    for path in files:
        with open(path, encoding="utf-8") as f:
            source = f.read()
        # What would put the scan of plain literals out of step: comments, raw strings, chars.
        source = re.sub(r"(?m)^\s*//.*$", "", source)
        source = RAW.sub("", source)
        source = re.sub(r"'(\\.|[^\\'])'", "", source)
        for match in RUST_STRING.finditer(source):
            literal = match.group(1)
            first = literal.split("\\n")[0]
            if "\\n" not in literal or "{" in literal or not re.fullmatch(r'[\w,.\\"]+', first):
                continue
            text = re.sub(r"\\(.)", lambda m: RUST_ESCAPES.get(m.group(1), m.group(0)), literal)
            if text not in texts:
                texts.append(text)
    return texts


def write_csv_seeds():
    """`csv_body`: a selector byte (bits 0-1 the input type, 2 the mode, 3 extra columns,
    4-5 the content type, 6 a 256-byte limit, 7 full reports), then the body."""
    for i, text in enumerate(csv_texts()):
        for selector in (0x00, 0x04, 0x18, 0x94):
            write("csv_body", f"test_{i:03}_{selector:02x}", bytes([selector]) + text.encode())
    scalars = "string,double,float,long,integer,boolean,datetime,binary\n"
    every = [
        scalars + '"Salem, OR",1.5,2.5,3,4,True,2024-01-02 03:04:05,YWJj\n',
        scalars + '"say ""hi""",-0.0,1e3,-9223372036854775808,2147483647,FALSE,2024-01-02,\n,,,,,,,\n',
        "\ufeffboolean,string\r\ntrue,\"two\nlines\"\r\n\r\nTRUE,é\r\n",
    ]
    for i, text in enumerate(every):
        for selector in (0x01, 0x05, 0x02, 0x06, 0x41):
            write("csv_body", f"every_scalar_{i}_{selector:02x}", bytes([selector]) + text.encode())
    names = [f"c{k:03}" for k in range(1000)]
    cells = ["1.5", "3", "x", "7", "TRUE"]
    wide = [
        ",".join(names) + "\n" + ",".join(cells * 200) + "\n" + ",".join((cells[:3] + ["", ""]) * 200) + "\n",
        ",".join(reversed(names)) + ",extra\n" + ",".join(reversed(cells * 200)) + ",9\n",
    ]
    for i, text in enumerate(wide):
        for selector in (0x03, 0x07, 0x0B):
            write("csv_body", f"wide_{i}_{selector:02x}", bytes([selector]) + text.encode(), max_size=1 << 16)


def main():
    signatures = signature_texts()
    for i, text in enumerate(signatures):
        write("signature_json", f"test_{i:03}", text)
        write("drift_read", f"json_inputs_{i:03}", b"\x00" + text.encode())
        write("drift_read", f"json_outputs_{i:03}", b"\x02" + text.encode())
    for i, text in enumerate(mlmodel_texts(signatures)):
        write("mlmodel_yaml", f"test_{i:03}", text)
        write("drift_read", f"yaml_{i:03}", b"\x01" + text.encode())

    # Input examples: (selector, file). The selector's low bits pick the type (0 dataframe,
    # 1 ndarray, 2 json_object), bit 2 params, bit 3 the `values` orient.
    examples = [
        (0, {"columns": ["sqft", "bedrooms", "city é"], "data": [[1500.0, 3, "Salem"], [2000.5, 4, "Zürich \"Z\""]]}),
        (8, {"data": [[1, 2], [3, 4]]}),
        (4, {"inputs": {"columns": ["a"], "data": [[1]]}, "params": {"k": 1}}),
        (1, [[1, 2, 3], [4, 5, 6]]),
        (1, {"a": [1.5, 2.5], "b": [[1], [2]]}),
        (2, {"messages": [{"role": "user", "content": "hé"}], "temperature": 0.5}),
        (2, ["a", 1, 2.5, None, True]),
        (2, "just text"),
        (6, {"inputs": {"prompt": "hi"}, "params": {"max_tokens": 5}}),
    ]
    for i, (selector, value) in enumerate(examples):
        write("input_example", f"test_{i:03}", bytes([selector]) + json.dumps(value).encode())

    for name, kind, data in frames():
        for schema in range(4):
            write("frame_files", f"{name}_{schema}", bytes([kind | schema << 1]) + data)

    # Two signatures split at a NUL (none: the same on both sides), after a selector byte
    # cycling through the modes and extra-column policies.
    for i, (old, new) in enumerate(compatibility_pairs(signatures)):
        data = old.encode() if new is None else old.encode() + b"\x00" + new.encode()
        write("compatibility", f"test_{i:03}", bytes([(i % 3) | (i & 1) << 4]) + data)

    for i, pattern in enumerate([bytes(range(256)), bytes(64), b"\xff" * 64, bytes(range(255, -1, -3))]):
        write("arrow_batches", f"pattern_{i}", pattern)

    write_csv_seeds()


if __name__ == "__main__":
    main()
