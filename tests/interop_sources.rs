//! Signature sources this project did not write, decided by the real MLflow.
//!
//! `interop_signature.rs` round-trips what our generator and MLflow's Python API make: well
//! formed signatures. This file walks the branches of MLflow's readers instead
//! (`ModelSignature.from_dict`, `Schema.from_json`, `ColSpec`/`TensorSpec`/`ParamSpec`
//! `from_json_dict`, `Array`/`Map`/`Object`/`Property` `from_json_dict`): every key each one
//! reads, with the values MLflow writes, the values hand-written or older files carry, and
//! values no writer makes. For each source, MLflow either builds a signature and writes it
//! back, or raises; we must do the same, writing back the same bytes, except for the
//! differences listed in `DIFFERENCES` (each one in `docs/mlflow-differences.md`, and asserted
//! to still differ, so the list cannot go stale).

use signature_runtime::{ModelSignature, ParamSchema, Schema, SignatureDict};
use signature_tests::mlflow::{Oracle, oracle};

/// Which of MLflow's readers a source goes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Reader {
    /// `Schema.from_json(s).to_json()`.
    Schema,
    /// `ParamSchema.from_json(s).to_json()`.
    Params,
    /// `json.dumps(ModelSignature.from_dict(json.loads(s)).to_dict())`.
    Dict,
}

/// What a reader made of a source: the bytes written back, or a refusal (with its message, for
/// the failure output only).
#[derive(Debug)]
enum Outcome {
    Rewritten(String),
    Refused(String),
}

impl Outcome {
    fn agrees_with(&self, other: &Outcome) -> bool {
        match (self, other) {
            (Outcome::Rewritten(a), Outcome::Rewritten(b)) => a == b,
            (Outcome::Refused(_), Outcome::Refused(_)) => true,
            _ => false,
        }
    }
}

fn ours(reader: Reader, source: &str) -> Outcome {
    let outcome = match reader {
        Reader::Schema => Schema::from_json(source).map(|s| s.to_json()),
        Reader::Params => ParamSchema::from_json(source).map(|p| p.to_json()),
        Reader::Dict => SignatureDict::from_json(source)
            .and_then(|dict| ModelSignature::from_dict(&dict))
            .map(|s| s.to_dict().to_json()),
    };
    match outcome {
        Ok(json) => Outcome::Rewritten(json),
        Err(error) => Outcome::Refused(error.to_string()),
    }
}

fn theirs(mlflow: &mut Oracle, reader: Reader, source: &str) -> Outcome {
    let outcome = match reader {
        Reader::Schema => mlflow.schema_roundtrip(source),
        Reader::Params => mlflow.param_schema_roundtrip(source),
        Reader::Dict => mlflow.signature_roundtrip(source),
    };
    match outcome {
        Ok(json) => Outcome::Rewritten(json),
        Err(error) => Outcome::Refused(error),
    }
}

/// One column spec's JSON object from its key-value pairs (already JSON text).
fn object(pairs: &[(&str, &str)]) -> String {
    let body: Vec<String> = pairs
        .iter()
        .map(|(key, value)| format!("{key:?}: {value}"))
        .collect();
    format!("{{{}}}", body.join(", "))
}

/// The column types a spec's `type` (and `items`, `values`, `properties`) can describe,
/// including nestings MLflow builds oddly and spellings no writer uses.
fn column_types() -> Vec<Vec<(&'static str, String)>> {
    let scalar = |name: &str| vec![("type", format!("{name:?}"))];
    let mut types: Vec<Vec<(&'static str, String)>> = [
        "double",
        "float",
        "long",
        "integer",
        "boolean",
        "string",
        "binary",
        "datetime",
        "any",
        "sparkml_vector",
        "Double",
        "int",
        "float64",
        "",
        "tensor",
        "array",
        "map",
        "object",
    ]
    .iter()
    .map(|name| scalar(name))
    .collect();
    let nested = [
        r#"{"type": "long"}"#,
        r#"{"type": "any"}"#,
        r#"{"type": "sparkml_vector"}"#,
        r#"{"type": "array", "items": {"type": "string"}}"#,
        r#"{"type": "map", "values": {"type": "double"}}"#,
        r#"{"type": "object", "properties": {"a": {"type": "long", "required": true}}}"#,
        r#"{"type": "long", "required": true}"#,
        r#"{"type": "long", "extra": 1}"#,
        r#"{"type": "unknown"}"#,
        r#"{"items": {"type": "long"}}"#,
        r#""long""#,
    ];
    for inner in nested {
        types.push(vec![("type", r#""array""#.into()), ("items", inner.into())]);
        types.push(vec![("type", r#""map""#.into()), ("values", inner.into())]);
        types.push(vec![
            ("type", r#""object""#.into()),
            ("properties", format!(r#"{{"p": {inner}}}"#)),
        ]);
    }
    for properties in [
        r#"{}"#,
        r#"{"a": {"type": "long"}}"#,
        r#"{"a": {"type": "long", "required": false}, "b": {"type": "string", "required": true}}"#,
        r#"{"b": {"type": "long", "required": true}, "a": {"type": "string", "required": true}}"#,
        r#"{"a": {"type": "long", "required": null}}"#,
        r#"{"a": {"type": "long", "required": "yes"}}"#,
        r#"{"a": {"type": "long", "required": 1}}"#,
        r#"{"a": {"type": "long", "required": true, "extra": 2}}"#,
        r#"{"a": {"required": true}}"#,
        r#"{"a": "long"}"#,
        r#"[{"type": "long"}]"#,
        r#"null"#,
    ] {
        types.push(vec![
            ("type", r#""object""#.into()),
            ("properties", properties.into()),
        ]);
    }
    types.push(vec![
        ("type", r#""array""#.into()),
        ("items", r#"{"type": "long"}"#.into()),
        ("values", r#"{"type": "long"}"#.into()),
    ]);
    types.push(vec![("type", r#""array""#.into())]);
    types.push(vec![("type", r#""map""#.into())]);
    types.push(vec![("type", "1".into())]);
    types.push(vec![("type", "null".into())]);
    types
}

/// Sources for `Schema.from_json`: every column type with each form of `required`, `name` and
/// unknown keys; tensor specs; and whole-schema shapes.
fn schema_sources() -> Vec<String> {
    let mut sources = Vec::new();
    let requireds = [
        None,
        Some(("required", "true")),
        Some(("required", "false")),
        Some(("required", "null")),
        Some(("required", r#""true""#)),
        Some(("required", "1")),
        Some(("optional", "true")),
        Some(("optional", "false")),
        Some(("optional", "null")),
    ];
    for ty in column_types() {
        for required in requireds {
            for name in [Some(r#""x""#), None] {
                let mut pairs: Vec<(&str, &str)> =
                    ty.iter().map(|(k, v)| (*k, v.as_str())).collect();
                if let Some(name) = name {
                    pairs.push(("name", name));
                }
                if let Some(required) = required {
                    pairs.push(required);
                }
                sources.push(format!("[{}]", object(&pairs)));
            }
        }
        let mut pairs: Vec<(&str, &str)> = ty.iter().map(|(k, v)| (*k, v.as_str())).collect();
        pairs.push(("name", r#""x""#));
        pairs.push(("required", "true"));
        pairs.push(("extra", "1"));
        sources.push(format!("[{}]", object(&pairs)));
    }
    for name in [
        r#""""#, "0", "7", "-1", "1.5", "true", r#"["x"]"#, "null", r#""a b""#, r#""é""#,
    ] {
        sources.push(format!(
            r#"[{{"type": "double", "name": {name}, "required": true}}]"#
        ));
    }
    sources
        .push(r#"[{"type": "double", "required": true, "optional": false, "name": "x"}]"#.into());
    sources.push(r#"[{"name": "x"}]"#.into());
    for dtype in [
        "float64",
        "float32",
        "float16",
        "int8",
        "int16",
        "int32",
        "int64",
        "uint8",
        "uint64",
        "bool",
        "object",
        "str",
        "bytes",
        "float",
        "int",
        "<U10",
        "S5",
        "U",
        "S",
        "datetime64[ns]",
        "datetime64",
        "timedelta64[s]",
        "complex128",
        "foo",
        "",
    ] {
        sources.push(format!(
            r#"[{{"type": "tensor", "tensor-spec": {{"dtype": "{dtype}", "shape": [-1]}}}}]"#
        ));
    }
    for shape in [
        "[-1]",
        "[-1, 2]",
        "[]",
        "[2, -1]",
        "[-2]",
        "[0]",
        "[1.0]",
        r#"["-1"]"#,
        "null",
        r#""(-1,)""#,
        "[-1.5]",
        "[true]",
        "3",
        "[[-1]]",
    ] {
        sources.push(format!(
            r#"[{{"type": "tensor", "tensor-spec": {{"dtype": "float64", "shape": {shape}}}}}]"#
        ));
    }
    for element in [
        r#"{"type": "tensor", "tensor-spec": {"dtype": "float64", "shape": [-1]}, "name": "t"}"#,
        r#"{"type": "tensor", "tensor-spec": {"dtype": "float64", "shape": [-1]}, "name": 3}"#,
        r#"{"type": "tensor", "tensor-spec": {"dtype": "float64", "shape": [-1]}, "extra": 2}"#,
        r#"{"type": "tensor", "tensor-spec": {"dtype": "float64", "shape": [-1], "extra": 2}}"#,
        r#"{"type": "tensor", "tensor-spec": {"dtype": "float64", "shape": [-1]}, "required": true}"#,
        r#"{"type": "tensor", "tensor-spec": {"dtype": "float64", "shape": [-1]}, "required": false}"#,
        r#"{"type": "tensor", "tensor-spec": {"dtype": "float64"}}"#,
        r#"{"type": "tensor", "tensor-spec": {"shape": [-1]}}"#,
        r#"{"type": "tensor"}"#,
        r#"{"type": "tensor", "tensor-spec": null}"#,
        r#"{"type": "tensor", "tensor-spec": "float64"}"#,
        r#"{"tensor-spec": {"dtype": "float64", "shape": [-1]}}"#,
    ] {
        sources.push(format!("[{element}]"));
    }
    let double = |name: &str, required: &str| {
        format!(r#"{{"type": "double", "name": {name}, "required": {required}}}"#)
    };
    let tensor = r#"{"type": "tensor", "tensor-spec": {"dtype": "float64", "shape": [-1]}}"#;
    let named_tensor =
        r#"{"type": "tensor", "tensor-spec": {"dtype": "float64", "shape": [-1]}, "name": "t"}"#;
    for schema in [
        "[]".to_owned(),
        "{}".to_owned(),
        "null".to_owned(),
        r#""x""#.to_owned(),
        "[1]".to_owned(),
        "[null]".to_owned(),
        format!(
            "[{}, {}]",
            double(r#""a""#, "true"),
            double(r#""a""#, "true")
        ),
        format!(
            "[{}, {}]",
            double(r#""a""#, "true"),
            double(r#""b""#, "false")
        ),
        format!("[{}, {}]", double(r#""a""#, "true"), double("null", "true")),
        format!("[{}, {}]", double("null", "true"), double("null", "true")),
        format!("[{}, {}]", double("null", "true"), double("null", "false")),
        format!("[{}, {}]", double("null", "true"), double("null", "null")),
        format!("[{}, {}]", double(r#""a""#, "true"), tensor),
        format!("[{tensor}, {tensor}]"),
        format!("[{named_tensor}, {named_tensor}]"),
        format!("[{named_tensor}, {tensor}]"),
        format!(
            r#"[{}, {{"type": "any", "name": "b"}}]"#,
            double(r#""a""#, "true")
        ),
        r#"[{"type": "any"}, {"type": "any"}]"#.to_owned(),
        r#"[{"type": "any"}, {"type": "double"}]"#.to_owned(),
        r#"[{"type": "array", "items": {"type": "long"}}, {"type": "double", "required": false}]"#
            .to_owned(),
    ] {
        sources.push(schema);
    }
    sources
}

/// Sources for `ParamSchema.from_json`: each param type with defaults of every JSON kind,
/// each shape, legacy `dtype`, unknown keys and missing keys.
fn param_sources() -> Vec<String> {
    let mut sources = Vec::new();
    let defaults = [
        "1",
        "0",
        "-3",
        "1.5",
        "1.0",
        "NaN",
        "Infinity",
        "-Infinity",
        "true",
        "false",
        r#""a""#,
        r#""2023-06-26T00:00:00""#,
        r#""2023-06-26""#,
        r#""YWJj""#,
        "null",
        "[1, 2]",
        "[1.5, NaN]",
        r#"["a", "b"]"#,
        "[]",
        "[true]",
        r#"{"a": 1}"#,
        "9223372036854775808",
        "1e400",
    ];
    let shapes = ["null", "[-1]", "[2]", "[-1, -1]", r#""(-1,)""#, "[]"];
    for ty in [
        "double", "float", "long", "integer", "boolean", "string", "binary", "datetime", "any",
        "Double",
    ] {
        for default in defaults {
            for shape in shapes {
                sources.push(format!(
                    r#"[{{"name": "p", "type": "{ty}", "default": {default}, "shape": {shape}}}]"#
                ));
            }
        }
    }
    for element in [
        r#"{"name": "p", "dtype": "double", "default": 1.0, "shape": null}"#,
        r#"{"name": "p", "type": "double", "default": 1.0}"#,
        r#"{"name": "p", "type": "double", "shape": null}"#,
        r#"{"name": "p", "default": 1.0, "shape": null}"#,
        r#"{"type": "double", "default": 1.0, "shape": null}"#,
        r#"{"name": "p", "type": "double", "default": 1.0, "shape": null, "extra": 1}"#,
        r#"{"name": "p", "type": "double", "dtype": "long", "default": 1, "shape": null}"#,
        r#"{"name": 3, "type": "double", "default": 1.0, "shape": null}"#,
        r#"{"name": "", "type": "double", "default": 1.0, "shape": null}"#,
        r#"{"name": "p", "type": "object", "properties": {"a": {"type": "long", "required": true}}, "default": {"a": 1}, "shape": null}"#,
        r#"{"name": "p", "type": "object", "properties": {"a": {"type": "long", "required": true}}, "default": {}, "shape": null}"#,
        r#"{"name": "p", "type": "object", "properties": {"a": {"type": "long", "required": false}}, "default": {}, "shape": null}"#,
        r#"{"name": "p", "type": "object", "properties": {"a": {"type": "long", "required": true}}, "default": {"a": 1, "b": 2}, "shape": null}"#,
        r#"{"name": "p", "type": "object", "properties": {"a": {"type": "long", "required": true}}, "default": [{"a": 1}], "shape": [-1]}"#,
        r#"{"name": "p", "type": "object", "properties": {"a": {"type": "double", "required": true}}, "default": {"a": NaN}, "shape": null}"#,
        r#"{"name": "p", "type": "object", "default": {"a": 1}, "shape": null}"#,
        r#"{"name": "p", "type": "array", "items": {"type": "long"}, "default": [1], "shape": null}"#,
    ] {
        sources.push(format!("[{element}]"));
    }
    let p = |name: &str| {
        format!(r#"{{"name": "{name}", "type": "long", "default": 1, "shape": null}}"#)
    };
    sources.push(format!("[{}, {}]", p("a"), p("a")));
    sources.push(format!("[{}, {}]", p("b"), p("a")));
    sources.push("[]".into());
    sources.push("{}".into());
    sources.push("null".into());
    sources
}

/// Sources for `ModelSignature.from_dict`: the dict's keys and the forms of each part.
fn dict_sources() -> Vec<String> {
    let inputs = r#""[{\"type\": \"double\", \"name\": \"x\", \"required\": true}]""#;
    let params =
        r#""[{\"name\": \"p\", \"type\": \"double\", \"default\": NaN, \"shape\": null}]""#;
    let mut sources = Vec::new();
    for (key, value) in [
        ("inputs", inputs),
        ("inputs", r#""""#),
        ("inputs", "null"),
        (
            "inputs",
            r#"[{"type": "double", "name": "x", "required": true}]"#,
        ),
        ("inputs", r#""[]""#),
        ("inputs", "1"),
        ("outputs", inputs),
        ("params", params),
        ("params", r#""""#),
        ("params", r#""[]""#),
    ] {
        sources.push(format!("{{{key:?}: {value}}}"));
    }
    sources.push(format!(
        r#"{{"inputs": {inputs}, "outputs": {inputs}, "params": {params}}}"#
    ));
    sources.push(format!(
        r#"{{"inputs": {inputs}, "mlflow_version": "9.0.0"}}"#
    ));
    sources.push(format!(r#"{{"inputs": {inputs}, "extra": {{"a": [1]}}}}"#));
    sources.push(r#"{"outputs": null, "params": null}"#.into());
    sources.push("{}".into());
    sources.push("[]".into());
    sources
}

/// A kind of source we decide differently from MLflow on purpose, recognised by the refusal
/// (ours, or MLflow's) that marks it. Each is in `docs/mlflow-differences.md` ("Reading
/// signatures"); the test asserts each still occurs and still differs.
struct Deliberate {
    reader: Reader,
    /// We refuse, with a message containing this, what MLflow reads and writes back...
    we_refuse_with: Option<&'static str>,
    /// ...or MLflow refuses, with a message containing this, what we read and write back.
    mlflow_refuses_with: Option<&'static str>,
}

impl Deliberate {
    fn covers(&self, reader: Reader, ours: &Outcome, theirs: &Outcome) -> bool {
        if reader != self.reader {
            return false;
        }
        match (ours, theirs) {
            (Outcome::Refused(ours), Outcome::Rewritten(_)) => {
                self.we_refuse_with.is_some_and(|text| ours.contains(text))
            }
            (Outcome::Rewritten(_), Outcome::Refused(theirs)) => self
                .mlflow_refuses_with
                .is_some_and(|text| theirs.contains(text)),
            _ => false,
        }
    }
}

const fn we_refuse(reader: Reader, text: &'static str) -> Deliberate {
    Deliberate {
        reader,
        we_refuse_with: Some(text),
        mlflow_refuses_with: None,
    }
}

/// The deliberate differences, each with the reason in `docs/mlflow-differences.md`.
const DELIBERATE: &[Deliberate] = &[
    // `required` of a column or property that is text (or another non-integer): MLflow keeps
    // the value and writes it back, and its truthiness decides (`"false"` is required). An
    // integer is kept and written back as MLflow does, with a warning.
    we_refuse(Reader::Schema, "expected true, false or null"),
    // A column name that is neither text nor an integer (`1.5`, `true`, `["x"]`).
    we_refuse(Reader::Schema, "expected a string or integer name"),
    // Tensor shapes that are not lists of integers of at least -1: MLflow keeps `[-2]`,
    // `[1.0]`, `["-1"]`, and turns the text `"(-1,)"` into a list of its characters.
    we_refuse(Reader::Schema, "expected a dimension"),
    we_refuse(Reader::Schema, "expected a list of dimensions"),
    // A `long`/`integer` parameter default beyond 64 bits (Python's int is unbounded).
    we_refuse(Reader::Params, "does not fit in 64 bits"),
    // A parameter name that is not text (MLflow writes `3` back as `"3"`).
    we_refuse(Reader::Params, "expected a string, found a number"),
    // A params part that is an object (MLflow iterates its keys: `{}` is an empty list).
    we_refuse(
        Reader::Params,
        "expected a list of param specs, found an object",
    ),
    // Params `"[]"` and nothing else: MLflow builds a signature it writes as all-null and
    // then cannot read back.
    we_refuse(
        Reader::Dict,
        "At least one of inputs, outputs or params must be provided",
    ),
    // A `datetime` parameter whose default is null: MLflow reads it but raises writing it
    // back; we write `null`.
    Deliberate {
        reader: Reader::Params,
        we_refuse_with: None,
        mlflow_refuses_with: Some("'NoneType' object has no attribute 'isoformat'"),
    },
];

#[test]
fn signature_sources_are_read_as_mlflow_reads_them() {
    let Some(mut mlflow) = oracle() else { return };
    let mut cases: Vec<(Reader, String)> = Vec::new();
    cases.extend(schema_sources().into_iter().map(|s| (Reader::Schema, s)));
    cases.extend(param_sources().into_iter().map(|s| (Reader::Params, s)));
    cases.extend(dict_sources().into_iter().map(|s| (Reader::Dict, s)));
    let mut disagreements = Vec::new();
    let mut deliberate_seen = vec![0_usize; DELIBERATE.len()];
    let (mut rewritten, mut refused, mut byte_exact) = (0, 0, 0);
    for (reader, source) in &cases {
        let theirs = theirs(&mut mlflow, *reader, source);
        let ours = ours(*reader, source);
        match theirs {
            Outcome::Rewritten(_) => rewritten += 1,
            Outcome::Refused(_) => refused += 1,
        }
        if ours.agrees_with(&theirs) {
            if matches!(theirs, Outcome::Rewritten(_)) {
                byte_exact += 1;
            }
            continue;
        }
        match DELIBERATE
            .iter()
            .position(|rule| rule.covers(*reader, &ours, &theirs))
        {
            Some(rule) => deliberate_seen[rule] += 1,
            None => disagreements.push(format!(
                "{reader:?} {source}\n    MLflow: {theirs:?}\n    ours:   {ours:?}"
            )),
        }
    }
    let deliberate: usize = deliberate_seen.iter().sum();
    eprintln!(
        "{} sources: MLflow rewrites {rewritten} (we write {byte_exact} of them byte for byte) \
         and refuses {refused}; {deliberate} deliberate differences",
        cases.len(),
    );
    for (rule, seen) in DELIBERATE.iter().zip(&deliberate_seen) {
        eprintln!(
            "  {seen:>4} deliberate: {:?} / {:?}",
            rule.we_refuse_with, rule.mlflow_refuses_with
        );
    }
    for (rule, seen) in DELIBERATE.iter().zip(&deliberate_seen) {
        assert!(
            *seen > 0,
            "no source shows the deliberate difference {:?}/{:?} any more: remove it here and \
             from docs/mlflow-differences.md",
            rule.we_refuse_with,
            rule.mlflow_refuses_with
        );
    }
    assert!(
        disagreements.is_empty(),
        "{} of {} sources decided differently from MLflow:\n{}",
        disagreements.len(),
        cases.len(),
        disagreements.join("\n")
    );
}
