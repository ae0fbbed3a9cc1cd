use signature_runtime::Signature;

#[derive(Signature)]
struct Event {
    #[signature(dtype = "int64")]
    id: u64,
}

fn main() {}
