//! The derives' expansions compile warning-free under strict lints, clippy's pedantic group
//! included (`cargo clippy --all-targets` checks this file).
#![deny(warnings, unused_qualifications, clippy::pedantic)]
#![allow(dead_code)] // The structs exist for their derived impls.

use std::collections::BTreeMap;

use signature_runtime::derived::{Description, TypeDescription};
use signature_runtime::{ModelSignature, Params, Signature, SignatureType};

#[derive(Signature)]
#[serde(rename_all = "camelCase")]
struct Input<'a> {
    plain: f64,
    optional: Option<i64>,
    #[serde(default)]
    defaulted: String,
    #[signature(dtype = "long")]
    overridden: u64,
    nested: Nested,
    #[serde(flatten)]
    flat: Flat,
    borrowed: &'a str,
    map: BTreeMap<String, Vec<f32>>,
    r#type: bool,
}

#[derive(Signature)]
struct Nested {
    a: i32,
}

#[derive(Signature)]
struct Flat {
    b: i32,
}

#[derive(Signature)]
struct Output<T> {
    value: T,
}

#[derive(Signature)]
struct Tuple(f64, String);

#[derive(Signature)]
struct Tensors {
    #[signature(tensor(shape = [-1, 2]))]
    pairs: Vec<[f32; 2]>,
}

#[derive(Signature)]
enum Kind {
    A,
    B,
}

#[derive(Params, Default)]
struct Knobs {
    #[param(default = 0.5)]
    alpha: f64,
    beta: Vec<String>,
}

const INPUT: Description = Input::DESCRIPTION;
const KIND: TypeDescription = Kind::TYPE;

#[test]
fn derived_code_is_lint_clean() {
    let signature = ModelSignature::with_params::<Input<'_>, Output<f64>, Knobs>();
    assert!(signature.inputs().is_some());
    assert_eq!(Tuple::schema().len(), 2);
    assert!(Tensors::schema().is_tensor_spec());
    assert_eq!(INPUT.type_name, "Input");
    assert_eq!(
        KIND,
        TypeDescription::Data(signature_runtime::DataType::String)
    );
}
