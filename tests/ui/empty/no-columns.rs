use signature_runtime::Signature;

#[derive(Signature)]
struct Nothing {
    #[serde(skip)]
    cache: Vec<u64>,
}

fn main() {}
