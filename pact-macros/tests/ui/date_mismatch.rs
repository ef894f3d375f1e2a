use pact_runtime::prelude::*;

#[pact_interaction(
    provider = "Provider",
    description = "a request for build 3455",
    request(GET, "/builds/3455"),
    response(200, json = {
        "started": datetime("yyyy-MM-dd'T'HH:mm:ss", "25/11/2026 10:00"),
        "at": generated_time("HH:mm", "10:00:00", expression = "now + 1 hour"),
    }),
)]
fn date_mismatch(_mock: &MockServer) {}

fn main() {}
