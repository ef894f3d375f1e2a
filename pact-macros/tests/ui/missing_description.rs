use pact_runtime::prelude::*;

#[pact_interaction(
    provider = "Provider",
    request(GET, "/builds/3455"),
    response(200),
)]
fn missing_description(_mock: &MockServer) {}

fn main() {}
