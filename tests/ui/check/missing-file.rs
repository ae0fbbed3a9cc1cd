use signature_runtime::Signature;

#[derive(Signature)]
#[signature(check = "ui/check/fixtures/no-such-model/MLmodel")]
struct HouseFeatures {
    sqft: f64,
}

fn main() {}
