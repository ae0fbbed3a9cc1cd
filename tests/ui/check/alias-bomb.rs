// Ten lines of YAML aliases that copy out to tens of gigabytes: refused by the expansion budget.
use signature_runtime::Signature;

#[derive(Signature)]
#[signature(check = "ui/check/fixtures/alias-bomb.yaml")]
struct HouseFeatures {
    sqft: f64,
}

fn main() {}
