use pact_runtime::prelude::*;

#[pact_interaction(
    description = "a request for build 3455",
    request(GET, "/builds/3455"),
    response(200),
)]
fn missing_provider(_mock: &MockServer) {}

fn main() {}
