use signature_runtime::Signature;

#[derive(Signature)]
struct Location {
    zip: String,
}

#[derive(Signature)]
struct Listing {
    zip: String,
    #[serde(flatten)]
    location: Location,
}

fn main() {}
