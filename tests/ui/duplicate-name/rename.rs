use signature_runtime::Signature;

#[derive(Signature)]
struct Features {
    price: f64,
    #[serde(rename = "price")]
    cost: f64,
}

fn main() {}
