//! The consumer's contract with the product service: `cargo test -p product-service-consumer`
//! writes `pacts/Consumer-Provider.json` at the workspace root.

use pact_runtime::prelude::*;
use product_service_consumer::get_build;

#[pact_interaction(
    consumer = "Consumer",
    description = "a request for build 3455",
    given("build 3455 exists", id = 3455),
    request(GET, "/builds/3455", headers = { "Accept": "application/json" }),
    response(200, json = {
        "name": like("#3455"),
        "completed": boolean(true),
        "info": {
            "build_time": integer(123),
            "started_by": regex(r"[a-z]+", "ci"),
        },
    }),
)]
async fn fetches_build_3455(mock: &MockServer) {
    let build = get_build(mock.url(), 3455).await.unwrap();
    assert_eq!(build.name, "#3455");
    assert!(build.completed);
    assert_eq!(build.info.build_time, 123);
}
