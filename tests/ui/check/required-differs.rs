use signature_runtime::Signature;

#[derive(Signature)]
#[signature(check(outputs = "ui/check/fixtures/house.json"))]
struct Prediction {
    price: Option<f64>,
}

fn main() {}
