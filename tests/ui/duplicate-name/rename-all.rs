use signature_runtime::Signature;

#[derive(Signature)]
#[serde(rename_all = "UPPERCASE")]
struct Features {
    #[allow(non_snake_case)]
    PRICE: f64,
    price: f64,
}

fn main() {}
