use pact_runtime::prelude::*;

#[pact_interaction(
    provider = "Provider",
    description = "a request for build 3455",
    request(GET, "/builds/3455"),
    response(600),
)]
fn bad_status(_mock: &MockServer) {}

#[pact_interaction(
    provider = "Provider",
    description = "a request for build 3456",
    request(GET, "/builds/3456"),
    response(status_code(ClientError, 200)),
)]
fn status_not_in_class(_mock: &MockServer) {}

fn main() {}
