use signature_runtime::Signature;

// A `long` old clients send may not fit an `integer`.
#[derive(Signature)]
#[signature(check = "ui/check/fixtures/house.json", compat = "backward")]
struct HouseFeatures {
    sqft: f64,
    bedrooms: i32,
}

fn main() {}
