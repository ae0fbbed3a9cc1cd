// An array of arrays 33 levels deep: refused by the type nesting budget.
use signature_runtime::Signature;

#[derive(Signature)]
#[signature(check = "ui/check/fixtures/nested-types.json")]
struct HouseFeatures {
    sqft: f64,
}

fn main() {}
