use signature_runtime::Signature;

#[derive(Signature)]
struct Features {
    #[signature(renam = "x")]
    a: f64,
}

fn main() {}
