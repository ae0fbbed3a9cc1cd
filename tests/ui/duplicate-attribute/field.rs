use signature_runtime::Signature;

#[derive(Signature)]
struct Features {
    #[signature(rename = "a")]
    #[signature(rename = "b")]
    x: f64,
}

fn main() {}
