use signature_runtime::Signature;

#[derive(Signature)]
struct Features {
    price: f64,
    #[signature(rename = "price")]
    cost: f64,
}

fn main() {}
