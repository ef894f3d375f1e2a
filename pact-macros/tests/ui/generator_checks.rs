use pact_runtime::prelude::*;

#[pact_interaction(
    provider = "Provider",
    description = "a request for build 3455",
    request(GET, "/builds/3455"),
    response(status_code([200, 700], 200), json = {
        "token": regex_generated(r"[a-f]+", "xyz"),
        "ratio": random_decimal(0),
        "count": random_int(5, -5),
    }),
)]
fn generator_checks(_mock: &MockServer) {}

fn main() {}
