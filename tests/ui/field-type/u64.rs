use signature_runtime::Signature;

#[derive(Signature)]
struct Event {
    id: u64,
    size: usize,
}

fn main() {}
