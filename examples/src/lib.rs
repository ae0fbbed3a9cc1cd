//! Nothing to import: the examples live beside this file as `cargo run --example` targets.
