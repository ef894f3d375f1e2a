use pact_runtime::prelude::*;

#[pact_interaction(
    provider = "Provider",
    description = "a request for build 3455",
    request(GET, "/builds/3455"),
    response(200, json = { "id": regex(r"(\d+", "123") }),
)]
fn bad_regex(_mock: &MockServer) {}

fn main() {}
