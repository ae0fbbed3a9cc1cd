use std::collections::HashMap;

use signature_runtime::Signature;

#[derive(Signature)]
struct Counts {
    by_id: HashMap<i64, f64>,
}

fn main() {}
