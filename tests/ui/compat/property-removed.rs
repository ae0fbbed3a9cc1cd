use signature_runtime::Signature;

#[derive(Signature)]
struct Message {
    role: String,
}

// Old clients send `content`, which an object without it refuses.
#[derive(Signature)]
#[signature(check = "ui/check/fixtures/chat.json", compat = "backward")]
struct Chat {
    messages: Vec<Message>,
}

fn main() {}
