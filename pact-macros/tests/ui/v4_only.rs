use pact_runtime::prelude::*;

#[pact_interaction(
    provider = "Provider",
    description = "a request for build 3455",
    request(GET, "/builds/3455"),
    pending = true,
)]
fn v4_only(_mock: &MockServer) {}

fn main() {}
