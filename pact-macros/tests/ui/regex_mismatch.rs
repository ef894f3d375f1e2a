use pact_runtime::prelude::*;

#[pact_interaction(
    provider = "Provider",
    description = "a request for build 3455",
    request(GET, regex(r"/builds/\d+", "/builds/latest")),
    response(200, json = { "id": regex(r"\d+", "abc") }),
)]
fn regex_mismatch(_mock: &MockServer) {}

fn main() {}
