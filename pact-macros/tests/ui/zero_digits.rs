use pact_runtime::prelude::*;

#[pact_interaction(
    provider = "Provider",
    description = "a request for a token",
    request(GET, "/token"),
    response(200, json = { "token": random_hexadecimal(0), "items": each_like(1, max = 0) }),
)]
fn zero_digits(_mock: &MockServer) {}

fn main() {}
