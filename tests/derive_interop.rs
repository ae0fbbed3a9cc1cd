//! Derived schemas against the real MLflow's inference: sample values of each derived struct
//! are written to JSON records with serde, MLflow runs `infer_signature` on the equivalent
//! pandas DataFrame, and the two schemas must agree column for column, except for the listed
//! differences, each one where the Rust type says more than the data can.

use std::collections::BTreeMap;

use serde::Serialize;
use signature_runtime::{ColSpec, Schema, Signature};
use signature_tests::mlflow::oracle;

/// A column on which the derived schema may differ from MLflow's inference, and why.
struct Allowed {
    column: &'static str,
    derived: &'static str,
    inferred: &'static str,
    why: &'static str,
}

fn column_json(column: &ColSpec) -> String {
    let json = Schema::from_columns(vec![column.clone()])
        .expect("one named column is a schema")
        .to_json();
    json[1..json.len() - 1].to_owned()
}

/// Serializes `samples`, asks MLflow to infer their schema and compares it with `T`'s.
fn compare<T: Signature + Serialize>(
    samples: &[T],
    datetime_columns: &[&str],
    allowed: &[Allowed],
) {
    let Some(mut mlflow) = oracle() else { return };
    let records = serde_json::to_value(samples).expect("samples serialize");
    let inferred = mlflow
        .infer_input_schema(&records, datetime_columns, &[])
        .unwrap_or_else(|e| panic!("MLflow could not infer a schema: {e}"));
    drop(mlflow);
    let inferred = Schema::from_json(&inferred).expect("MLflow's schema reads back");
    let derived = T::input_schema();
    let (derived, inferred) = (derived.columns().unwrap(), inferred.columns().unwrap());
    let names = |columns: &[ColSpec]| -> Vec<String> {
        columns
            .iter()
            .map(|c| c.name().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        names(derived),
        names(inferred),
        "the same columns, in order"
    );
    let mut used = Vec::new();
    for (ours, theirs) in derived.iter().zip(inferred) {
        if ours == theirs {
            continue;
        }
        let name = ours.name().map(ToString::to_string).unwrap_or_default();
        let (ours, theirs) = (column_json(ours), column_json(theirs));
        let found = allowed
            .iter()
            .find(|a| a.derived == ours && a.inferred == theirs)
            .unwrap_or_else(|| {
                panic!(
                    "unexpected difference in `{name}`:\n  derived:  {ours}\n  inferred: {theirs}"
                )
            });
        used.push(found.column);
    }
    for entry in allowed {
        assert!(
            used.contains(&entry.column),
            "`{}` is listed as a difference ({}) but agrees now: remove it",
            entry.column,
            entry.why
        );
    }
}

#[derive(Serialize, Signature)]
struct HouseFeatures {
    sqft: f64,
    bedrooms: i64,
}

#[test]
fn house_features_agree_exactly() {
    compare(
        &[
            HouseFeatures {
                sqft: 1200.0,
                bedrooms: 3,
            },
            HouseFeatures {
                sqft: 850.5,
                bedrooms: 2,
            },
        ],
        &[],
        &[],
    );
}

#[derive(Serialize, Signature)]
struct Scalars {
    flag: bool,
    count: i32,
    ratio: f32,
    total: f64,
    id: i64,
    name: String,
    note: Option<String>,
    seen_at: chrono::NaiveDateTime,
}

#[test]
fn scalars_agree_where_the_data_can_tell() {
    let at = |s: &str| chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S").unwrap();
    compare(
        &[
            Scalars {
                flag: true,
                count: 3,
                ratio: 0.5,
                total: 10.25,
                id: 1,
                name: "a".into(),
                note: Some("n".into()),
                seen_at: at("2024-01-02T03:04:05"),
            },
            Scalars {
                flag: false,
                count: -1,
                ratio: 1.5,
                total: 0.0,
                id: 2,
                name: "b".into(),
                note: None,
                seen_at: at("2024-06-30T00:00:00"),
            },
        ],
        &["seen_at"],
        &[
            Allowed {
                column: "count",
                derived: r#"{"type": "integer", "name": "count", "required": true}"#,
                inferred: r#"{"type": "long", "name": "count", "required": true}"#,
                why: "JSON numbers become int64 in pandas; the Rust type says 32 bits",
            },
            Allowed {
                column: "ratio",
                derived: r#"{"type": "float", "name": "ratio", "required": true}"#,
                inferred: r#"{"type": "double", "name": "ratio", "required": true}"#,
                why: "JSON numbers become float64 in pandas; the Rust type says 32 bits",
            },
        ],
    );
}

#[derive(Serialize, Signature)]
struct Customer {
    name: String,
    age: i64,
}

#[derive(Serialize, Signature)]
struct Nested {
    id: i64,
    customer: Customer,
    tags: Vec<String>,
    scores: Vec<f64>,
    attributes: BTreeMap<String, f64>,
}

#[test]
fn nested_types_agree_where_the_data_can_tell() {
    let sample = |id: i64, key: &str| Nested {
        id,
        customer: Customer {
            name: format!("c{id}"),
            age: 30 + id,
        },
        tags: vec!["x".into(), "y".into()],
        scores: vec![0.5, 1.5],
        attributes: BTreeMap::from([(key.to_owned(), 1.0)]),
    };
    compare(
        &[sample(1, "k"), sample(2, "k")],
        &[],
        &[Allowed {
            column: "attributes",
            derived: r#"{"type": "map", "values": {"type": "double"}, "name": "attributes", "required": true}"#,
            inferred: r#"{"type": "object", "properties": {"k": {"type": "double", "required": true}}, "name": "attributes", "required": true}"#,
            why: "MLflow infers a dict as an object with the keys it saw; the Rust map takes any key",
        }],
    );
}

/// The keys of the record serde writes for `sample`, in order.
fn record_keys<T: Serialize>(sample: &T) -> Vec<String> {
    match serde_json::to_value(sample).expect("the sample serializes") {
        serde_json::Value::Object(record) => record.keys().cloned().collect(),
        other => panic!("not a record: {other}"),
    }
}

fn column_names<T: Signature>() -> Vec<String> {
    T::input_schema()
        .columns()
        .expect("a struct of named fields has columns")
        .iter()
        .map(|c| c.name().expect("columns are named").to_string())
        .collect()
}

#[test]
fn derived_columns_are_the_keys_serde_writes() {
    // MLflow infers its schema from serde's records, so the comparison above is only fair if
    // the derive names and orders the columns as serde writes the keys. Checked without
    // MLflow, so it also holds where the interop tests are skipped.
    let house = HouseFeatures {
        sqft: 1.0,
        bedrooms: 2,
    };
    assert_eq!(record_keys(&house), column_names::<HouseFeatures>());
    let scalars = Scalars {
        flag: true,
        count: 3,
        ratio: 0.5,
        total: 10.25,
        id: 1,
        name: "a".into(),
        note: None,
        seen_at: chrono::NaiveDateTime::default(),
    };
    assert_eq!(record_keys(&scalars), column_names::<Scalars>());
    let nested = Nested {
        id: 1,
        customer: Customer {
            name: "c".into(),
            age: 30,
        },
        tags: vec![],
        scores: vec![],
        attributes: BTreeMap::new(),
    };
    assert_eq!(record_keys(&nested), column_names::<Nested>());
    assert_eq!(
        column_names::<Nested>(),
        ["id", "customer", "tags", "scores", "attributes"]
    );
}
