use signature_runtime::Signature;

#[derive(Signature)]
#[signature(crate = "signature_runtime", chek = "model/MLmodel")]
struct Features {
    a: f64,
}

fn main() {}
