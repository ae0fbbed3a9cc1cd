use signature_runtime::Signature;

#[derive(Signature)]
struct Message {
    role: String,
    content: String,
    name: String,
}

// Old clients' messages have no `name`.
#[derive(Signature)]
#[signature(check = "ui/check/fixtures/chat.json", compat = "full")]
struct Chat {
    messages: Vec<Message>,
}

fn main() {}
