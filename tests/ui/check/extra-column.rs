use signature_runtime::Signature;

#[derive(Signature)]
#[signature(check = "ui/check/fixtures/house.json")]
struct HouseFeatures {
    sqft: f64,
    bedrooms: i64,
    garage: bool,
}

fn main() {}
