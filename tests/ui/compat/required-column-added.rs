use signature_runtime::Signature;

// Old clients do not send `garage`.
#[derive(Signature)]
#[signature(check = "ui/check/fixtures/house.json", compat = "backward")]
struct HouseFeatures {
    sqft: f64,
    bedrooms: i64,
    garage: bool,
}

fn main() {}
