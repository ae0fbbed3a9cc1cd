use signature_runtime::Signature;

#[derive(Signature)]
struct Image {
    #[signature(tensor(shape = [-1, 3], dtype = "float32"))]
    pixels: Vec<[f32; 3]>,
}

fn main() {}
