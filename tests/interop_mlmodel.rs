//! MLmodel YAML against PyYAML, which MLflow reads and writes it with: for any document, we
//! write the bytes `yaml.safe_dump(doc, default_flow_style=False)` writes, and we read back
//! the values `yaml.safe_load` reads.

use proptest::collection::{btree_map, vec};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use serde_json::{Map, Value, json};
use signature_runtime::MlModel;
use signature_tests::mlflow::oracle;

/// Strings that stress PyYAML's style choice: words that read back as other types, leading
/// indicators, `: ` and ` #`, edges of whitespace, escapes, non-ASCII and long texts that fold.
fn tricky_string() -> impl Strategy<Value = String> {
    let words = proptest::sample::select(vec![
        "yes",
        "No",
        "on",
        "null",
        "~",
        "1e3",
        "0o17",
        "017",
        "08",
        "0x1F",
        "1_000",
        "1:30",
        "3.11.7",
        "3.10",
        ".5",
        "-.5",
        "2023-06-26",
        "2023-06-26 12:00:00",
        "- x",
        "-x",
        ": x",
        "a: b",
        "a:b",
        "#x",
        "a #b",
        "a#b",
        "? x",
        "[x]",
        "{x}",
        "*x",
        "&x",
        "!x",
        "|",
        ">",
        "'",
        "\"",
        "%x",
        "@x",
        "`x",
        ",x",
        "x,",
        "---",
        "...",
        "",
        " ",
        "x ",
        " x",
        "é",
        "日本",
        "😀",
        "\t",
        "a\nb",
        "a \nb",
        "a\n b",
        "\u{7}",
        "\u{85}",
        "\u{2028}",
        "\u{feff}",
        "\u{a0}",
        "\\",
        "it's",
        "m-75b24f103c",
        "file:///tmp/models/m-75b24f103c544a0694a466f0196e4676/artifacts",
        "<<",
        "=",
    ]);
    prop_oneof![
        3 => words.clone().prop_map(str::to_owned),
        2 => vec(words, 1..40).prop_map(|w| w.join(" ")),
        1 => "(?s).{0,120}",
        1 => "[a-z ]{60,200}",
    ]
}

fn document() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        6 => tricky_string().prop_map(Value::String),
        1 => any::<i64>().prop_map(Value::from),
        1 => any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(Value::from),
        1 => any::<bool>().prop_map(Value::Bool),
        1 => Just(Value::Null),
    ];
    let value = leaf.prop_recursive(3, 32, 5, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..4).prop_map(Value::Array),
            btree_map("[a-z_]{1,12}|[a-z]{1,5} [a-z]{1,5}|yes|1e3|é", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    });
    btree_map("[a-z_]{1,16}", value, 1..6).prop_map(|m| Value::Object(m.into_iter().collect()))
}

#[test]
fn we_write_and_read_yaml_as_pyyaml_does() {
    let Some(mut mlflow) = oracle() else { return };
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &[3; 32]),
    );
    let strategy = document();
    let docs: Vec<Value> = (0..400)
        .map(|_| strategy.new_tree(&mut runner).unwrap().current())
        .collect();
    let theirs = mlflow.yaml_safe_dump_many(&docs);
    let read_back = mlflow.yaml_safe_load_many(&theirs);
    for ((doc, text), pyyaml_value) in docs.iter().zip(&theirs).zip(read_back) {
        let document: Map<String, Value> = doc.as_object().unwrap().clone();
        let ours = MlModel::from_document(document).to_yaml();
        assert_eq!(ours, *text, "writing {doc}");
        let pyyaml_value =
            pyyaml_value.unwrap_or_else(|e| panic!("PyYAML cannot read {text}: {e}"));
        let model = MlModel::from_yaml(text).unwrap_or_else(|e| panic!("{text}\n{e}"));
        assert_eq!(
            Value::Object(model.document().clone()),
            pyyaml_value,
            "reading {text}"
        );
    }
}

#[test]
fn we_read_plain_scalars_with_yaml_1_1_types() {
    let Some(mut mlflow) = oracle() else { return };
    let scalars = [
        "1e3",
        "0o17",
        "017",
        "08",
        "0x1F",
        "0b101",
        "1_000",
        "1:30",
        "1:30.5",
        "3.11.7",
        "3.10",
        ".5",
        "-.5",
        "._5",
        "+1",
        "-0",
        "yes",
        "No",
        "ON",
        "y",
        "~",
        "null",
        "NULL",
        "Null",
        "2023",
        "1.5e+3",
        "1.5e3",
        "1.e+3",
        ".inf",
        "-.Inf",
        ".nan",
        "1e-07",
        "1.0e-07",
        "abc",
        "0.",
        "2023-06-26",
        "2023-06-26 12:00:00",
        "=",
        "<<",
    ];
    let texts: Vec<String> = scalars.iter().map(|s| format!("k: {s}\n")).collect();
    for (text, theirs) in texts.iter().zip(mlflow.yaml_safe_load_many(&texts)) {
        let ours = MlModel::from_yaml(text).map(|m| Value::Object(m.document().clone()));
        match theirs {
            Ok(value) => assert_eq!(ours.unwrap(), value, "{text}"),
            // PyYAML's refusals, and the infinities and NaN that JSON cannot hold, we refuse.
            Err(_) => assert!(ours.is_err(), "PyYAML refuses {text}, we read {ours:?}"),
        }
    }
}

#[test]
fn mlmodel_files_written_by_mlflow_are_rewritten_byte_for_byte() {
    let Some(mut mlflow) = oracle() else { return };
    let dir = std::env::temp_dir().join(format!("interop-mlmodel-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let signature = json!({
        "inputs": "[{\"type\": \"double\", \"name\": \"a rather long column name to fold the line\", \"required\": true}, {\"type\": \"string\", \"name\": \"it's\", \"required\": false}, {\"type\": \"array\", \"items\": {\"type\": \"string\"}, \"name\": \"prix \\u20ac\", \"required\": true}]",
        "outputs": "[{\"type\": \"long\", \"required\": true}]",
        "params": "[{\"name\": \"temperature\", \"default\": 0.7, \"shape\": null, \"type\": \"double\"}]",
    });
    let model_dir = dir.join("model");
    let example = json!({"dataframe": {"columns": ["a rather long column name to fold the line", "it's", "prix €"], "data": [[1.5, "x", ["y"]]]}});
    mlflow
        .save_pyfunc_model(&model_dir, &signature.to_string(), Some(example))
        .expect("MLflow saves the model");
    let text = std::fs::read_to_string(model_dir.join("MLmodel")).unwrap();
    let model = MlModel::from_yaml(&text).unwrap();
    assert_eq!(model.to_yaml(), text);
    assert_eq!(
        model.signature_dict().unwrap().unwrap().inputs.as_deref(),
        signature["inputs"].as_str()
    );
}
