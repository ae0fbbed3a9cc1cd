//! Fuzzes the JSON body checker over (schema, body): the first byte picks a schema, a mode
//! and options, the rest is the body. Any panic, hang or runaway allocation is a bug; so is a
//! report that contradicts itself, or a conform or typed decode that disagrees with the check.
#![no_main]

use libfuzzer_sys::fuzz_target;
use signature_fuzz::assert_report_consistent;
use signature_runtime::{
    Array, CheckOptions, ColSpec, ColumnType, DataType, ExtraColumns, JsonChecker, Map, Mode,
    ModelSignature, NumpyDtype, Object, ParamSchema, ParamShape, ParamSpec, Property, Schema,
    Signature, TensorSpec,
};

/// The first schema's rows as a user's struct, for the typed decode.
#[derive(serde::Deserialize, Signature)]
#[allow(dead_code)]
struct House {
    sqft: f64,
    bedrooms: i64,
}

fn schemas() -> Vec<ModelSignature> {
    let columns = |c: Vec<ColSpec>| Schema::from_columns(c).unwrap();
    let tensors = |t: Vec<TensorSpec>| Schema::from_tensors(t).unwrap();
    let object = Object::new(vec![
        Property::new("x", DataType::Double),
        Property::new("tags", Array::new(DataType::String)).optional(),
    ])
    .unwrap();
    let params = ParamSchema::new(vec![
        ParamSpec::scalar("discount", DataType::Double, 0.0).unwrap(),
        ParamSpec::new("labels", DataType::String, vec!["a"], ParamShape::List).unwrap(),
        ParamSpec::scalar("when", DataType::Datetime, "2023-06-26").unwrap(),
        ParamSpec::scalar(
            "config",
            object.clone(),
            signature_runtime::ParamValue::Object(vec![("x".to_owned(), 1.0.into())]),
        )
        .unwrap(),
    ])
    .unwrap();
    let every_scalar: Vec<ColSpec> = DataType::ALL
        .iter()
        .map(|t| ColSpec::new(t.name(), *t).optional())
        .collect();
    let inputs = [
        columns(vec![
            ColSpec::new("sqft", DataType::Double),
            ColSpec::new("bedrooms", DataType::Long),
        ]),
        columns(every_scalar),
        columns(vec![
            ColSpec::new("a", Array::new(Array::new(DataType::Integer))),
            ColSpec::new("o", object.clone()),
            ColSpec::new("m", Map::new(ColumnType::AnyType)).optional(),
            ColSpec::new("v", ColumnType::SparkMLVector).optional(),
        ]),
        columns(vec![
            ColSpec::unnamed(DataType::Double),
            ColSpec::unnamed(DataType::String),
        ]),
        tensors(vec![TensorSpec::unnamed(NumpyDtype::UInt8, vec![-1, 2, 3])]),
        tensors(vec![
            TensorSpec::new("t", NumpyDtype::Float16, vec![-1, -1]),
            TensorSpec::new("s", NumpyDtype::Object, vec![-1]),
        ]),
        tensors(vec![TensorSpec::unnamed(NumpyDtype::Int64, vec![-1, 3])]),
        // numpy's text parsers, in the MLflow modes.
        tensors(vec![
            TensorSpec::new(
                "at",
                NumpyDtype::Datetime64(Some("ns".to_owned())),
                vec![-1],
            ),
            TensorSpec::new("span", NumpyDtype::Timedelta64(None), vec![-1]),
            TensorSpec::new("z", NumpyDtype::Complex128, vec![-1, 2]),
            TensorSpec::new("b", NumpyDtype::Bytes, vec![-1]),
        ]),
        tensors(vec![TensorSpec::unnamed(
            NumpyDtype::Datetime64(Some("s".to_owned())),
            vec![-1, 2],
        )]),
        // Unified-LLM bodies, in the MLflow modes.
        columns(vec![
            ColSpec::new("prompt", DataType::String),
            ColSpec::new("max_tokens", DataType::Long).optional(),
        ]),
    ];
    let mut signatures: Vec<ModelSignature> = inputs
        .into_iter()
        .map(|inputs| ModelSignature::new(Some(inputs), None, Some(params.clone())).unwrap())
        .collect();
    signatures.push(ModelSignature::new(None, None, Some(params)).unwrap());
    signatures
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, body)) = data.split_first() else {
        return;
    };
    let signatures = schemas();
    let which = usize::from(selector & 0x0f) % signatures.len();
    let signature = &signatures[which];
    let extra = if selector & 0x10 == 0 {
        ExtraColumns::Ignore
    } else {
        ExtraColumns::Reject
    };
    let mode = match (selector >> 5) & 0b11 {
        1 => Mode::MlflowServing,
        2 => Mode::MlflowPredict,
        _ => Mode::Strict,
    };
    let cap = if selector & 0x80 == 0 { 100 } else { 2 };
    let options = CheckOptions::new()
        .with_mode(mode)
        .with_extra_columns(extra)
        .with_max_problems(cap);
    let checker = JsonChecker::for_signature(signature).with_options(options);
    let report = checker.check(body);
    assert_report_consistent(&report, cap);
    // A body serde_json rejects must never pass.
    if report.is_valid() {
        assert!(serde_json::from_slice::<serde::de::IgnoredAny>(body).is_ok());
    }
    // Conform and the typed decode read by the Strict rules: what Strict refuses they refuse,
    // and what they return has the check's rows.
    if mode == Mode::Strict {
        match checker.conform(body) {
            Ok(conformed) => {
                assert!(report.is_valid());
                // A tensor given whole has no rows in the report; conform holds it as one.
                if let Some(rows) = report.rows() {
                    assert_eq!(conformed.rows as u64, rows);
                }
                assert!(
                    conformed
                        .columns
                        .iter()
                        .all(|c| c.values.len() == conformed.rows)
                );
            }
            Err(refused) => assert!(!refused.is_valid()),
        }
        if which == 0 {
            match checker.decode::<House>(body) {
                Ok(decoded) => {
                    assert!(report.is_valid());
                    assert_eq!(Some(decoded.rows.len() as u64), report.rows());
                }
                // For these field types serde takes whatever the check passes, but for
                // params no JSON value holds, which the check does not read (an unknown
                // param): an `out_of_range` error at `/params`, as conform gives.
                Err(refused) => {
                    assert!(!refused.is_valid());
                    assert!(
                        !report.is_valid()
                            || refused.errors().all(|problem| {
                                problem.kind() == signature_runtime::ProblemKind::OutOfRange
                                    && problem.pointer() == "/params"
                            })
                    );
                }
            }
        }
    }
});
