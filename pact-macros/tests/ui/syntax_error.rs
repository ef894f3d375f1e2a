use pact_runtime::prelude::*;

#[pact_interaction(
    provider = "Provider",
    description = "a request for build 3455",
    request(GET, "/builds/3455"),
    response(200, json = { "a" 1 }),
)]
fn syntax_error(_mock: &MockServer) {}

fn main() {}
