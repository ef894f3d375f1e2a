use pact_runtime::prelude::*;

#[pact_interaction(
    provider = "Provider",
    description = "a request for build 1",
    request(GET, "/builds/1"),
)]
#[pact_interaction(
    provider = "Another",
    spec = "V4",
    description = "a request for build 2",
    request(GET, "/builds/2"),
    key = "two",
)]
#[pact_interaction(
    spec = V2,
    description = "a request for build 3",
    request(GET, "/builds/3"),
)]
fn stacked_disagree(_mock: &MockServer) {}

fn main() {}
