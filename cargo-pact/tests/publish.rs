//! `cargo pact publish` against a real `cargo pact broker`, and what it sends compared with
//! what the official clients send.

#[path = "support/pipeline.rs"]
mod pipeline;
