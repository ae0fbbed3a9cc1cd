use signature_runtime::Signature;

#[derive(Signature)]
#[signature(compat = "backward")]
struct HouseFeatures {
    sqft: f64,
}

fn main() {}
