use signature_runtime::Signature;

// Old consumers require `price`.
#[derive(Signature)]
#[signature(check(outputs = "ui/check/fixtures/house.json"), compat = "forward")]
struct Prediction {
    #[serde(skip_serializing_if = "Option::is_none")]
    price: Option<f64>,
}

fn main() {}
