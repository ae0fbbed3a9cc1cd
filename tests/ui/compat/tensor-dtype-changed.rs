use signature_runtime::Signature;

// The file's tensor is `float32`; the compile-time check takes any dtype change as breaking.
#[derive(Signature)]
#[signature(check = "ui/check/fixtures/image.json", compat = "backward")]
struct Image {
    #[signature(tensor(shape = [-1, 28, 28]))]
    pixels: Vec<[[f64; 28]; 28]>,
}

fn main() {}
