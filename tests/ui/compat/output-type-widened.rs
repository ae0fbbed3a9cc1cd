use signature_runtime::Signature;

// Old consumers read a `float`: a `double` may not fit.
#[derive(Signature)]
#[signature(check(outputs = "ui/check/fixtures/house-v1.json"), compat = "forward")]
struct Prediction {
    price: Option<f64>,
}

fn main() {}
