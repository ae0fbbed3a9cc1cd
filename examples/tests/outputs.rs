//! Every other example's whole output, as `cargo run --example NAME` prints it.

#[path = "../chat.rs"]
#[allow(dead_code)]
mod chat;

#[path = "../tensor.rs"]
#[allow(dead_code)]
mod tensor;

#[cfg(feature = "parquet")]
#[path = "../batch.rs"]
#[allow(dead_code)]
mod batch;

#[test]
fn chat_prints_its_signature_and_each_requests_fate() {
    let mut out = Vec::new();
    chat::run(&mut out).unwrap();
    assert_eq!(
        String::from_utf8(out).unwrap(),
        include_str!("chat.expected.txt")
    );
}

#[test]
fn tensor_prints_its_signature_and_each_requests_fate() {
    let mut out = Vec::new();
    tensor::run(&mut out).unwrap();
    assert_eq!(
        String::from_utf8(out).unwrap(),
        include_str!("tensor.expected.txt")
    );
}

#[cfg(feature = "parquet")]
#[test]
fn batch_prints_each_batch_and_the_drifted_one() {
    let mut out = Vec::new();
    batch::run(&mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    let file = text
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("wrote "))
        .unwrap();
    assert!(
        !std::path::Path::new(file).exists(),
        "the example removes its file"
    );
    assert_eq!(
        text.replacen(file, "FILE", 1),
        include_str!("batch.expected.txt")
    );
}
