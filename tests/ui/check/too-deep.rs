// YAML nested 70 levels deep: refused by the depth budget.
use signature_runtime::Signature;

#[derive(Signature)]
#[signature(check = "ui/check/fixtures/too-deep.yaml")]
struct HouseFeatures {
    sqft: f64,
}

fn main() {}
