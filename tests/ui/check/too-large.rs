// A file one byte over 16 MiB (written by tests/ui.rs, not committed): refused before it is read.
use signature_runtime::Signature;

#[derive(Signature)]
#[signature(check = "ui/check/fixtures/too-large.json")]
struct HouseFeatures {
    sqft: f64,
}

fn main() {}
