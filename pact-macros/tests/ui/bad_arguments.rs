use pact_runtime::prelude::*;

#[pact_interaction(
    provider = "Provider",
    description = "a request for build 3455",
    request(GET, "builds/3455", json = { "a": 1 }, body = "text"),
    response(200, json = {
        "a": regex(r"\d+"),
        "b": each_like(1, minimum = 2),
        "c": each_key({ "x": 1 }, "x"),
        "d": random_int(9, 1),
    }),
)]
fn bad_arguments(_mock: MockServer, _extra: u8) {}

fn main() {}
