//! A chat-style model: a list of messages in, a reply out, with `temperature` and
//! `max_tokens` as inference params, checked like everything else.
//!
//! Run with `cargo run -p signature-examples --example chat`.

use std::convert::Infallible;
use std::io::Write;

use serde::{Deserialize, Serialize};
use signature_runtime::model::{Model, PredictError, SignedModel};
use signature_runtime::{Params, Signature};

/// One message of a conversation: an MLflow `object` property of the `messages` array.
#[derive(Debug, Signature, Serialize, Deserialize)]
struct Message {
    role: String,
    content: String,
}

/// A conversation: `messages` is an MLflow `array<object{content, role}>` column.
#[derive(Debug, Signature, Serialize, Deserialize)]
struct ChatRequest {
    messages: Vec<Message>,
}

#[derive(Debug, Signature, Serialize)]
struct ChatReply {
    reply: String,
}

#[derive(Debug, Params, Deserialize)]
struct Sampling {
    #[param(default = 0.7)]
    temperature: f64,
    #[param(default = 64)]
    max_tokens: i64,
}

/// Answers with the last user message, shouting when the temperature is high.
struct Echo;

impl Model for Echo {
    type Input = ChatRequest;
    type Output = ChatReply;
    type Params = Sampling;
    type Error = Infallible;

    fn predict(
        &self,
        chats: Vec<ChatRequest>,
        params: &Sampling,
    ) -> Result<Vec<ChatReply>, Infallible> {
        Ok(chats
            .iter()
            .map(|chat| {
                let last = chat.messages.iter().rev().find(|m| m.role == "user");
                let text = last.map_or("", |m| m.content.as_str());
                let mut reply: String = text.chars().take(params.max_tokens as usize).collect();
                if params.temperature > 1.0 {
                    reply = reply.to_uppercase();
                }
                ChatReply { reply }
            })
            .collect())
    }
}

fn main() -> std::io::Result<()> {
    run(&mut std::io::stdout().lock())
}

/// The example's whole output, written to `out` (its test reads it from a buffer).
pub(crate) fn run(out: &mut dyn Write) -> std::io::Result<()> {
    let model = SignedModel::new(Echo);
    writeln!(
        out,
        "MLflow signature:\n{}\n",
        model.signature().to_dict().to_json()
    )?;

    let requests: [&[u8]; 3] = [
        br#"{"inputs": {"messages": [{"role": "user", "content": "hello there"}]}, "params": {"temperature": 1.5}}"#,
        br#"{"inputs": {"messages": [{"content": "no role"}]}, "params": {"temperature": "hot"}}"#,
        br#"{"inputs": {"messages": [{"role": "user", "content": "hi", "name": "ann"}]}, "params": {"top_p": 0.9}}"#,
    ];
    for body in requests {
        writeln!(out, "request: {}", String::from_utf8_lossy(body))?;
        match model.predict_json(body) {
            Ok(predictions) => {
                writeln!(out, "response: {}", predictions.to_json())?;
                if predictions.input_report.warning_count() > 0 {
                    writeln!(out, "{}", predictions.input_report)?;
                }
            }
            Err(PredictError::InvalidInput(report)) => writeln!(out, "rejected:\n{report}")?,
            Err(other) => writeln!(out, "failed: {other}")?,
        }
        writeln!(out)?;
    }
    Ok(())
}
