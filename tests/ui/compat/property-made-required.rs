use signature_runtime::Signature;

#[derive(Signature)]
struct Message {
    role: String,
    content: String,
}

// The old `content` was optional: old clients may leave it out.
#[derive(Signature)]
#[signature(check = "ui/check/fixtures/chat-loose.json", compat = "backward")]
struct Chat {
    messages: Vec<Message>,
}

fn main() {}
