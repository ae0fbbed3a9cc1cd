use signature_runtime::Signature;

// Old consumers require `price`.
#[derive(Signature)]
#[signature(check(outputs = "ui/check/fixtures/house.json"), compat = "forward")]
struct Prediction {
    cost: f64,
}

fn main() {}
