use signature_runtime::Signature;

struct Opaque;

#[derive(Signature)]
struct Features {
    ok: f64,
    opaque: Opaque,
}

fn main() {
    let _ = Features::schema();
}
