use signature_runtime::Signature;

#[derive(Signature)]
struct Sample {
    #[signature(tensor(shape = [-1, 28, 28]))]
    image: Vec<Vec<f32>>,
}

fn main() {}
