use signature_runtime::Signature;

#[derive(Signature)]
struct Inner {
    id: i64,
}

#[derive(Signature)]
struct Middle {
    #[serde(flatten)]
    inner: Inner,
}

#[derive(Signature)]
struct Outer {
    #[serde(rename = "id")]
    key: i64,
    #[serde(flatten)]
    middle: Middle,
}

fn main() {}
