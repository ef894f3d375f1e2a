use pact_runtime::prelude::*;

#[pact_interaction(
    provider = "Provider",
    description = "a request for build 3455",
    request(GET, "/builds/3455"),
    response(200, json = {
        "id": integer(1.5),
        "ratio": decimal("x"),
        "done": boolean(1),
        "version": semver("1.2"),
    }),
)]
fn wrong_literal_kinds(_mock: &MockServer) {}

fn main() {}
