use signature_runtime::Params;

#[derive(Params, Default)]
struct Nothing {
    #[param(skip)]
    cache: Vec<u64>,
}

fn main() {}
