use signature_runtime::Signature;

#[derive(Signature)]
struct Sample {
    #[signature(tensor(shape = [-1, 28, 28]))]
    image: Vec<[[f32; 28]; 28]>,
    label: i64,
}

fn main() {}
