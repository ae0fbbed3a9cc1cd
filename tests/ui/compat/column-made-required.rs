use signature_runtime::Signature;

// `bedrooms` was optional: old clients may leave it out.
#[derive(Signature)]
#[signature(check = "ui/check/fixtures/house-v1.json", compat = "backward")]
struct HouseFeatures {
    sqft: f64,
    bedrooms: i32,
}

fn main() {}
