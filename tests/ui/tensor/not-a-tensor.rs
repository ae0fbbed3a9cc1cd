use signature_runtime::Signature;

#[derive(Signature)]
struct Sample {
    #[signature(tensor(shape = [-1]))]
    image: Vec<Option<f32>>,
}

fn main() {}
