//! `#[signature(check = ...)]` against committed signatures that match: a signature dict JSON,
//! a bare schema list and an MLmodel file (by its model directory). That these compile is the
//! test; the failing cases are UI tests (`ui/check/`).
#![allow(dead_code)] // The structs exist for their derived impls.

use signature_runtime::{ModelSignature, Signature};

#[derive(Signature)]
#[signature(check(
    inputs = "snapshots/check/house.signature.json",
    outputs = "snapshots/check/house.inputs.json"
))]
struct HouseFeatures {
    sqft: f64,
    bedrooms: i64,
}

#[derive(Signature)]
#[signature(check(outputs = "snapshots/check/house.signature.json"))]
struct Prediction {
    price: f64,
}

#[derive(Signature)]
#[signature(check = "snapshots/check/house.inputs.json")]
struct SameColumnsOtherTypeName {
    sqft: f64,
    bedrooms: i64,
}

#[derive(Signature)]
struct Customer {
    // Object properties compare by name: declaration order does not matter.
    zip: Option<String>,
    name: String,
    age: i32,
}

#[derive(Signature)]
#[signature(check(inputs = "snapshots/check/model"))]
struct Request {
    id: i64,
    customer: Customer,
    #[serde(default)]
    tags: Vec<String>,
    scores: std::collections::BTreeMap<String, f64>,
}

#[derive(Signature)]
#[signature(check(outputs = "snapshots/check/model/MLmodel"))]
struct Response {
    #[signature(tensor(shape = [-1, 8]))]
    embedding: Vec<[f32; 8]>,
}

#[test]
fn checked_types_match_their_files() {
    let from_file = signature_runtime::load_signature(std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/snapshots/check/model"
    )))
    .expect("the MLmodel fixture loads");
    let derived = ModelSignature::of::<Request, Response>();
    assert_eq!(derived.inputs(), from_file.inputs());
    assert_eq!(derived.outputs(), from_file.outputs());
}

// `compat`: changes that break no old client or consumer compile (strict mode, extra columns
// ignored); each breaking rule is a UI test (`ui/compat/`).

/// `house-v1.json`: `sqft: float`, `bedrooms: integer` optional. `float` -> `double` and
/// `integer` -> `long` lose no value; an optional column was added.
#[derive(Signature)]
#[signature(check = "ui/check/fixtures/house-v1.json", compat = "backward")]
struct HouseWidened {
    sqft: f64,
    bedrooms: Option<i64>,
    garage: Option<bool>,
}

/// A column old clients send is gone: dropped, as MLflow drops extra columns.
#[derive(Signature)]
#[signature(check = "ui/check/fixtures/house.json", compat = "backward")]
struct HouseFewer {
    sqft: f64,
}

/// Outputs: `double` -> `float` and optional -> required give old consumers nothing new.
#[derive(Signature)]
#[signature(check(outputs = "ui/check/fixtures/house.json"), compat = "forward")]
struct PredictionNarrowed {
    price: f32,
}

/// A message property became optional: old clients still send it.
#[derive(Signature)]
struct LooseMessage {
    role: String,
    #[serde(default)]
    content: Option<String>,
}

#[derive(Signature)]
#[signature(check = "ui/check/fixtures/chat.json", compat = "full")]
struct LooseChat {
    messages: Vec<LooseMessage>,
}

/// A fixed dimension became variable: every old image still fits.
#[derive(Signature)]
#[signature(check = "ui/check/fixtures/image.json", compat = "backward")]
struct AnyHeight {
    #[signature(tensor(shape = [-1, -1, 28]))]
    pixels: Vec<Vec<[f32; 28]>>,
}

/// `compat` covers only the views its direction names: `backward` leaves outputs exact.
#[derive(Signature)]
#[signature(check(outputs = "ui/check/fixtures/house.json"), compat = "backward")]
struct ExactOutputs {
    price: f64,
}
