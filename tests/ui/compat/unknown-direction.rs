use signature_runtime::Signature;

#[derive(Signature)]
#[signature(check = "ui/check/fixtures/house.json", compat = "sideways")]
struct HouseFeatures {
    sqft: f64,
    bedrooms: i64,
}

fn main() {}
