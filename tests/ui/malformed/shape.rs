use signature_runtime::Signature;

#[derive(Signature)]
struct Image {
    #[signature(tensor(shape = [-2, 3]))]
    pixels: Vec<[f32; 3]>,
}

fn main() {}
