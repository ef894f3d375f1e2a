use pact_runtime::prelude::*;

#[pact_interaction(
    provider = "Provider",
    description = "a request for build 3455",
    request(GET, "/builds/3455"),
    response(200, json = { "id": integr(1), "name": string }),
)]
fn unknown_matcher(_mock: &MockServer) {}

fn main() {}
