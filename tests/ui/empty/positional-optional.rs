use signature_runtime::Signature;

#[derive(Signature)]
struct Pair(f64, Option<f64>);

fn main() {}
