use signature_runtime::Signature;

#[derive(Signature)]
union Number {
    int: i64,
    float: f64,
}

fn main() {}
