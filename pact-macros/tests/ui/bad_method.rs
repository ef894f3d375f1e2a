use pact_runtime::prelude::*;

#[pact_interaction(
    provider = "Provider",
    description = "a request for build 3455",
    request(FETCH, "/builds/3455"),
    response(200),
)]
fn bad_method(_mock: &MockServer) {}

fn main() {}
