use pact_runtime::prelude::*;

#[pact_interaction(
    provider = "Provider",
    description = "a request for builds",
    request(GET, "/builds"),
    response(200, json = each_like({ "id": integer(1) }, min = 3, max = 1)),
)]
fn min_greater_than_max(_mock: &MockServer) {}

fn main() {}
