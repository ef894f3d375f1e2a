//! `#[pact_interaction]` end to end: the generated tests talk to the mock server over real
//! HTTP (a plain `TcpStream`), and the pacts they write are read back.
//!
//! The pacts go to the workspace's pact dir (`pacts/`, git-ignored), between the consumer
//! `pact-runtime` (the package name) and `MacroProvider` (from `[package.metadata.pact]` of
//! this crate's `Cargo.toml`) or `MacroProviderV4` for the V4 test.

use pact_runtime::prelude::*;
use serde_json::{json, Value};

#[path = "support/http.rs"]
mod http;

fn get(mock: &MockServer, target: &str) -> (u16, String) {
    let reply = http::exchange(mock.address(), "GET", target, &[], None);
    (reply.status, reply.body)
}

/// The pact between `pact-runtime` and `provider`, as written so far.
fn written_pact(provider: &str) -> Value {
    let dir = pact_runtime::pact_writer::default_pact_dir().unwrap();
    let path = dir.join(pact_runtime::pact_writer::pact_file_name(
        "pact-runtime",
        provider,
    ));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

fn interaction<'a>(pact: &'a Value, description: &str) -> &'a Value {
    pact["interactions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["description"] == description)
        .unwrap_or_else(|| panic!("no interaction {description:?} in {pact:#}"))
}

#[pact_interaction(
    description = "a request for build 3455 (macro)",
    given("build 3455 exists", id = 3455, tags = ["ci", "nightly"], fast = true),
    request(
        GET,
        regex(r"/builds/\d+", "/builds/3455"),
        query = { "verbose": "true", "fields": ["name", "info"] },
        headers = { "Accept": "application/json" },
    ),
    response(
        200,
        headers = { "X-Build": regex(r"\d+", "3455") },
        json = {
            "name": like("#3455"),
            "completed": boolean(true),
            "ratio": decimal(0.5),
            "nothing": null,
            "info": { "build_time": regex(r"\d+", "123"), "started": datetime("yyyy-MM-dd'T'HH:mm:ss", "2026-11-25T10:00:00") },
            "artifacts": each_like({ "id": integer(1), "kind": "jar" }, min = 2),
            "labels": ["a", -1, 2.5, false],
        },
    ),
)]
fn sync_test_with_matchers(mock: &MockServer) {
    let reply = http::exchange(
        mock.address(),
        "GET",
        "/builds/77?verbose=true&fields=name&fields=info",
        &[("Accept", "application/json")],
        None,
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.header("x-build"), Some("3455"), "{:?}", reply.headers);
    let body = reply.json();
    assert_eq!(body["name"], "#3455");
    assert_eq!(body["nothing"], Value::Null);
    assert_eq!(
        body["artifacts"],
        json!([{"id": 1, "kind": "jar"}, {"id": 1, "kind": "jar"}])
    );
    assert_eq!(body["labels"], json!(["a", -1, 2.5, false]));
}

#[pact_interaction(
    description = "an async request without a runtime attribute (macro)",
    request(GET, "/async/plain"),
    response(200, body = "plain", content_type = "text/plain")
)]
async fn async_test_without_runtime_attribute(mock: &MockServer) {
    tokio::task::yield_now().await;
    assert_eq!(get(mock, "/async/plain"), (200, "plain".to_string()));
}

#[pact_interaction(
    description = "an async request under tokio::test (macro)",
    request(POST, "/async/tokio", json = { "name": "x" }),
    response(201, json = { "id": random_int(1, 9) }),
)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn async_test_under_tokio_test(mock: &MockServer) {
    let reply = tokio::task::block_in_place(|| {
        http::exchange(
            mock.address(),
            "POST",
            "/async/tokio",
            &[("Content-Type", "application/json")],
            Some(r#"{"name":"x"}"#),
        )
    });
    assert_eq!(reply.status, 201, "{}", reply.body);
    let id = reply.json()["id"].as_i64().unwrap();
    assert!((1..=9).contains(&id), "{}", reply.body);
}

/// Two interactions on one mock server, a V4 pact with V4 extras.
#[pact_interaction(
    provider = "MacroProviderV4",
    spec = "V4",
    description = "a request for build 1 (macro)",
    given("build 1 exists"),
    request(GET, "/builds/1"),
    response(200, json = { "id": integer(1), "tags": each_like("ci") }),
    key = "build-1",
    comment = "the first build",
)]
#[pact_interaction(
    description = "a request for a missing build (macro)",
    given = "no builds",
    request(DELETE, "/builds/2", headers = { "Authorization": regex(r"Bearer \w+", "Bearer abc") }),
    response(404),
    pending = true,
)]
fn stacked_attributes(mock: &MockServer) {
    assert_eq!(
        get(mock, "/builds/1"),
        (200, r#"{"id":1,"tags":["ci"]}"#.into())
    );
    let reply = http::exchange(
        mock.address(),
        "DELETE",
        "/builds/2",
        &[("Authorization", "Bearer xyz")],
        None,
    );
    assert_eq!(reply.status, 404);
}

mod support {
    pub use pact_runtime as reexported;
}

#[support::reexported::pact_interaction(
    crate = support::reexported,
    description = "a request through a re-exported crate (macro)",
    request(GET, "/reexported"),
    response(204),
)]
fn crate_path_override(mock: &support::reexported::mock_server::MockServer) {
    assert_eq!(get(mock, "/reexported").0, 204);
}

/// No `provider = ...`: it comes from `[package.metadata.pact]` of this crate.
#[pact_interaction(
    description = "a request with the provider from Cargo.toml (macro)",
    request(PUT, "/metadata", body = b"raw", content_type = "application/octet-stream"),
    response(status_code(Success, 202), json = { "ok": true }),
)]
fn provider_from_cargo_metadata(mock: &MockServer) {
    let reply = http::exchange(
        mock.address(),
        "PUT",
        "/metadata",
        &[("Content-Type", "application/octet-stream")],
        Some("raw"),
    );
    assert_eq!((reply.status, reply.body.as_str()), (202, r#"{"ok":true}"#));
}

/// A body returning a `Result` gets it back after the mock server is finished.
#[pact_interaction(
    description = "a request from a test returning Result (macro)",
    request(GET, "/result"),
    response(200, json = { "answer": (40 + 2) }),
)]
fn returns_result(mock: &MockServer) -> Result<(), String> {
    let (status, body) = get(mock, "/result");
    if status != 200 || body != r#"{"answer":42}"# {
        return Err(format!("{status} {body}"));
    }
    Ok(())
}

/// A test that never makes its request fails with the mock server's report.
#[pact_interaction(
    description = "a request never made (macro)",
    request(GET, "/never"),
    response(200)
)]
#[should_panic(expected = "expected but not received: GET /never")]
fn a_missed_interaction_fails_the_test() {}

#[test]
fn the_pacts_written_hold_the_interactions_and_their_rules() {
    // Run the tests here too, so that their pacts are written before they are read (they
    // also run on their own; the writer merges the same interactions).
    sync_test_with_matchers();
    provider_from_cargo_metadata();
    stacked_attributes();

    let pact = written_pact("MacroProvider");
    assert_eq!(pact["consumer"]["name"], "pact-runtime");
    assert_eq!(pact["metadata"]["pactSpecification"]["version"], "3.0.0");
    let i = interaction(&pact, "a request for build 3455 (macro)");
    assert_eq!(
        i["providerStates"],
        json!([{"name": "build 3455 exists", "params": {"id": 3455, "tags": ["ci", "nightly"], "fast": true}}])
    );
    assert_eq!(i["request"]["path"], "/builds/3455");
    assert_eq!(
        i["request"]["query"],
        json!({"verbose": ["true"], "fields": ["name", "info"]})
    );
    let rules = &i["request"]["matchingRules"];
    assert_eq!(
        rules["path"]["matchers"][0]["regex"], r"/builds/\d+",
        "{i:#}"
    );
    let rules = &i["response"]["matchingRules"];
    assert_eq!(
        rules["header"]["X-Build"]["matchers"][0]["regex"], r"\d+",
        "{i:#}"
    );
    let body = &rules["body"];
    assert_eq!(body["$.name"]["matchers"][0]["match"], "type", "{i:#}");
    assert_eq!(body["$.completed"]["matchers"][0]["match"], "boolean");
    assert_eq!(body["$.info.build_time"]["matchers"][0]["regex"], r"\d+");
    assert_eq!(body["$.info.started"]["matchers"][0]["match"], "timestamp");
    assert_eq!(body["$.artifacts"]["matchers"][0]["min"], 2);
    assert_eq!(body["$.artifacts[*].id"]["matchers"][0]["match"], "integer");

    let i = interaction(&pact, "a request with the provider from Cargo.toml (macro)");
    assert_eq!(i["request"]["method"], "PUT");
    assert_eq!(
        // Keyed by `$`, as pact-reference writes status rules.
        i["response"]["matchingRules"]["status"]["$"]["matchers"][0]["status"],
        "success",
        "{i:#}"
    );

    let v4 = written_pact("MacroProviderV4");
    assert!(
        v4["metadata"]["pactSpecification"]["version"]
            .as_str()
            .unwrap()
            .starts_with('4'),
        "{v4:#}"
    );
    let first = interaction(&v4, "a request for build 1 (macro)");
    assert_eq!(first["key"], "build-1");
    assert_eq!(first["comments"]["text"], json!(["the first build"]));
    let second = interaction(&v4, "a request for a missing build (macro)");
    assert_eq!(second["pending"], true);
    assert_eq!(second["request"]["method"], "DELETE");
    assert_eq!(second["response"]["status"], 404);
}

#[test]
fn a_failed_result_writes_no_pact() {
    let dir = std::env::temp_dir().join(format!("pact-macro-result-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let mut pact = PactBuilder::new("ResultConsumer", "ResultProvider");
    pact.output_dir(&dir).interaction("a request", |i| {
        i.request.get("/x");
    });
    let server = pact.start_mock_server();
    let result: Result<(), &str> = Err("boom");
    assert_eq!(
        pact_runtime::__private::finish_with(server, result),
        Err("boom")
    );
    assert!(!dir.exists(), "no pact is written for a failed test");
}

/// Every matcher through the macro, built and served: the test makes no request, so the
/// mock server fails it, which proves the terms were built without a panic first.
#[pact_interaction(
    provider = "MacroProviderEveryMatcher",
    spec = "V4",
    description = "every matcher (macro)",
    given("a state", id = 1, name = "x", ratio = 0.5, ok = true, nested = { "a": [1, null] }),
    request(
        post,
        regex(r"/builds/\d+", "/builds/1"),
        query = { "a": "1", "b": ["1", "2"], "c": regex(r"\d", "3") },
        headers = { "Accept": "application/json", "X-Id": uuid() },
        json = { "a": 1 },
        content_type = "application/vnd.api+json",
    ),
    response(
        status_code([200, 201], 201),
        headers = { "Location": mock_server_url(r".*(/builds/\d+)$", "http://localhost/builds/1") },
        json = {
            "like": like({ "a": integer(-1) }),
            "each_like": each_like("x"),
            "each_like_max": each_like("x", max = 3),
            "each_like_both": each_like("x", min = 0, max = 3),
            "integer": integer(9223372036854775807),
            "decimal": decimal(1),
            "number": number(1.5),
            "number_int": number(-2),
            "null": null(),
            "include": include("needle"),
            "equality": equality([1, 2]),
            "date": date("yyyy-MM-dd", "2026-11-25"),
            "time": time("HH:mm:ss", "10:00:00"),
            "values": values({ "k": 1 }),
            "array_contains": array_contains([like("a"), integer(2)]),
            "not_empty": not_empty("x"),
            "semver": semver("1.2.3-rc.1+build.5"),
            "content_type": content_type("text/plain", "hello"),
            "each_key": each_key({ "k1": 1 }, regex(r"k\d", "k1")),
            "each_value": each_value({ "k1": 1 }, integer(1)),
            "all_of": all_of(like("a"), include("a")),
            "any_of": any_of([regex("a+", "a"), regex("b+", "b")]),
            "random_decimal": random_decimal(4),
            "random_hexadecimal": random_hexadecimal(8),
            "random_string": random_string(5),
            "random_boolean": random_boolean(),
            "regex_generated": regex_generated(r"\d{3}", "123"),
            "generated_date": generated_date("yyyy-MM-dd", "2026-11-25", expression = "today + 1 day"),
            "generated_time": generated_time("HH:mm", "10:00", "now + 1 hour"),
            "generated_datetime": generated_datetime("yyyy-MM-dd HH:mm", "2026-11-25 10:00"),
            "from_provider_state": from_provider_state("${id}", 1),
            "big": 18446744073709551615,
        },
    ),
    key = "every",
    comment = "one",
    comment = "two",
)]
#[should_panic(expected = "expected but not received: POST /builds/1")]
fn every_matcher_builds() {}
