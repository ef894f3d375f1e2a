use pact_runtime::prelude::*;

#[pact_interaction(
    provider = "Provider",
    description = "a request for build 3455",
    request(GET, "/builds/3455"),
    response(200, json = { "started": date("yyyy-MM-bb", "2026-11-25") }),
)]
fn bad_date_format(_mock: &MockServer) {}

fn main() {}
