use signature_runtime::Signature;

#[derive(Signature)]
#[signature(check = "ui/check/fixtures/image.json", compat = "backward")]
struct Image {
    #[signature(tensor(shape = [-1, 32, 28]))]
    pixels: Vec<[[f32; 28]; 32]>,
}

fn main() {}
