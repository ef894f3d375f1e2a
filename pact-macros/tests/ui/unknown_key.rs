use pact_runtime::prelude::*;

#[pact_interaction(
    provider = "Provider",
    description = "a request for build 3455",
    state = "build 3455 exists",
    request(GET, "/builds/3455", header = { "Accept": "application/json" }),
    response(200, jsno = { "id": 1 }),
)]
fn unknown_key(_mock: &MockServer) {}

fn main() {}
