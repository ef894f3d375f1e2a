use pact_runtime::prelude::*;

#[pact_interaction(
    provider = "Provider",
    description = "a request for build 3455",
    given("build 3455 exists", id = 3455),
    request(GET, "/builds/3455"),
    response(200),
)]
#[pact_interaction(
    description = "a request for build 3455",
    given("build 3455 exists", id = 3455),
    request(GET, "/builds/3455"),
    response(404),
)]
fn duplicate_keys(_mock: &MockServer) {}

fn main() {}
