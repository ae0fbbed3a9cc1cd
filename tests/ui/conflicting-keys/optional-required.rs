use signature_runtime::Signature;

#[derive(Signature)]
struct Features {
    #[signature(optional, required)]
    x: f64,
}

fn main() {}
