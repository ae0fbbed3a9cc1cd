use signature_runtime::Params;

#[derive(Params, Default)]
struct Options {
    temperature: f64,
    #[param(rename = "temperature")]
    heat: f64,
    #[serde(rename = "temperature")]
    warmth: f64,
}

fn main() {}
