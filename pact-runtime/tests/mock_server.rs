//! The mock server over real HTTP: matching, reports, generators, CORS, and the end-of-test
//! verdict, from plain `#[test]`s and from both tokio runtime flavours.

use pact_runtime::mock_server::{MockServerError, Problem};
use pact_runtime::prelude::*;
use std::path::PathBuf;

#[path = "support/http.rs"]
mod http;

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("pact-mock-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn builds_pact(dir: &PathBuf) -> PactBuilder {
    let mut pact = PactBuilder::new("MockConsumer", "MockProvider");
    pact.output_dir(dir);
    pact.interaction("a request for build 3455", |i| {
        i.given("build 3455 exists");
        i.request
            .get("/builds/3455")
            .header("Accept", "application/json");
        i.response.status(200).json_body(Term::object([
            ("name", like("#3455")),
            ("completed", boolean(true)),
        ]));
    });
    pact
}

/// `GET target` with `headers`: status and body.
fn get(server: &MockServer, target: &str, headers: &[(&str, &str)]) -> (u16, String) {
    let reply = http::exchange(server.address(), "GET", target, headers, None);
    (reply.status, reply.body)
}

#[test]
fn a_matched_request_gets_the_response_and_the_pact_is_written() {
    let dir = temp_dir("matched");
    let server = builds_pact(&dir).start_mock_server();
    let (status, body) = get(&server, "/builds/3455", &[("Accept", "application/json")]);
    assert_eq!(status, 200);
    assert_eq!(body, r##"{"completed":true,"name":"#3455"}"##);
    assert_eq!(server.hits(), vec![1]);
    let path = server.finish().unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let pact = pact_runtime::pact_core::model::read_pact(&text, "written").unwrap();
    assert_eq!(pact.interactions.len(), 1);
    assert!(text.contains(r#""$.name""#), "{text}");
    assert!(
        text.contains(r#""pactSpecification""#) && text.contains("3.0.0"),
        "{text}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn an_unexercised_interaction_fails_the_test_naming_it() {
    let dir = temp_dir("missing");
    let server = builds_pact(&dir).start_mock_server();
    let err = server.finish().unwrap_err();
    let MockServerError::Failed(failure) = &err else {
        panic!("expected a failure, got {err:?}");
    };
    assert!(matches!(failure.problems[..], [Problem::Missing { .. }]));
    let message = err.to_string();
    assert!(
        message.contains(
            r#"expected but not received: GET /builds/3455 (interaction "a request for build 3455")"#
        ),
        "{message}"
    );
    assert!(
        !dir.exists(),
        "no pact may be written when an interaction was missed"
    );
}

#[test]
fn dropping_a_server_with_problems_panics_with_the_report() {
    let dir = temp_dir("drop");
    let pact = builds_pact(&dir);
    let outcome = std::thread::spawn(move || {
        let _server = pact.start_mock_server();
    })
    .join();
    let panic = outcome.unwrap_err();
    let message = panic.downcast_ref::<String>().unwrap();
    assert!(message.contains("expected but not received"), "{message}");
    assert!(!dir.exists());
}

#[test]
fn an_unexpected_request_gets_a_readable_500_and_fails_the_test() {
    let dir = temp_dir("unexpected");
    let server = builds_pact(&dir).start_mock_server();
    let (status, body) = get(&server, "/builds/99", &[]);
    assert_eq!(status, 500);
    assert!(
        body.contains("unexpected request: GET /builds/99"),
        "{body}"
    );
    assert!(
        body.contains(r#"closest interaction: "a request for build 3455""#),
        "{body}"
    );
    assert!(
        body.contains("path: Expected '/builds/3455' but received '/builds/99'"),
        "{body}"
    );
    let message = server.finish().unwrap_err().to_string();
    assert!(
        message.contains("unexpected request: GET /builds/99"),
        "{message}"
    );
    assert!(message.contains("expected but not received"), "{message}");
}

#[test]
fn a_request_differing_in_a_header_is_reported_as_a_mismatch_in_json() {
    let dir = temp_dir("mismatch");
    let server = builds_pact(&dir).start_mock_server();
    let (status, body) = get(&server, "/builds/3455", &[("Accept", "text/json")]);
    assert_eq!(status, 500);
    let report: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(report["type"], "request-mismatch");
    assert_eq!(report["closest"]["description"], "a request for build 3455");
    assert_eq!(report["closest"]["mismatches"][0]["type"], "header");
    assert_eq!(report["closest"]["mismatches"][0]["path"], "Accept");
    let problems = server.problems();
    assert!(
        matches!(problems[0], Problem::Mismatch { .. }),
        "{problems:?}"
    );
    drop(server.finish());
}

#[test]
fn response_generators_run_in_consumer_mode() {
    let dir = temp_dir("generators");
    let mut pact = PactBuilder::new("MockConsumer", "MockProvider");
    pact.output_dir(&dir).interaction("links", |i| {
        i.request.get("/links");
        i.response.json_body(Term::object([
            ("id", random_int(1000, 1009)),
            (
                "self",
                mock_server_url(".*(/builds/\\d+)$", "http://example.com/builds/1"),
            ),
        ]));
    });
    let server = pact.start_mock_server();
    let (_, body) = get(&server, "/links", &[]);
    let body: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert!(
        (1000..=1009).contains(&body["id"].as_i64().unwrap()),
        "{body}"
    );
    assert_eq!(body["self"], format!("{}/builds/1", server.url()));
    let written = std::fs::read_to_string(server.finish().unwrap()).unwrap();
    assert!(written.contains("MockServerURL") && written.contains("RandomInt"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn cors_preflight_is_answered_when_asked_for() {
    let dir = temp_dir("cors");
    let pact = builds_pact(&dir);
    let options = MockServerOptions {
        cors: true,
        ..MockServerOptions::default()
    };
    let server = pact.try_start_mock_server(options).unwrap();
    let reply = http::exchange(
        server.address(),
        "OPTIONS",
        "/builds/3455",
        &[
            ("Origin", "http://app"),
            ("Access-Control-Request-Method", "GET"),
        ],
        None,
    );
    assert_eq!(reply.status, 200, "{:?}", reply.headers);
    // The origin echoed with credentials allowed: a browser sending cookies takes no `*`.
    assert_eq!(
        reply.header("access-control-allow-origin"),
        Some("http://app")
    );
    assert_eq!(
        reply.header("access-control-allow-credentials"),
        Some("true")
    );
    assert_eq!(reply.header("vary"), Some("Origin"));
    assert_eq!(reply.header("access-control-allow-methods"), Some("GET"));
    // The preflight is not an unexpected request; the GET itself still must come.
    assert!(matches!(server.problems()[..], [Problem::Missing { .. }]));
    drop(server.finish());
}

#[test]
fn a_fixed_port_and_all_interfaces_on_request() {
    let dir = temp_dir("port");
    let free = std::net::TcpListener::bind("0.0.0.0:0").unwrap();
    let port = free.local_addr().unwrap().port();
    drop(free);
    let options = MockServerOptions {
        host: "0.0.0.0".parse().unwrap(),
        port,
        ..MockServerOptions::default()
    };
    let server = builds_pact(&dir)
        .try_start_mock_server(options.clone())
        .unwrap();
    assert_eq!(server.url(), format!("http://127.0.0.1:{port}"));
    let taken = builds_pact(&dir)
        .try_start_mock_server(options)
        .unwrap_err();
    assert!(
        pact_runtime::error_chain(&taken).contains(&format!("0.0.0.0:{port}")),
        "{taken}"
    );
    drop(server.finish());
}

async fn exercise_with_reqwest(flavour: &str) {
    let dir = temp_dir(flavour);
    let server = builds_pact(&dir).start_mock_server();
    let client = reqwest::Client::new();
    for _ in 0..3 {
        let body: serde_json::Value = client
            .get(server.path("/builds/3455"))
            .header("Accept", "application/json")
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(body["name"], "#3455");
    }
    assert_eq!(server.hits(), vec![3]);
    server.finish().unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test(flavor = "current_thread")]
async fn works_inside_a_current_thread_runtime() {
    exercise_with_reqwest("current").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn works_inside_a_multi_thread_runtime() {
    exercise_with_reqwest("multi").await;
}

#[test]
fn a_response_that_cannot_be_served_is_a_problem_not_a_pass() {
    let dir = temp_dir("bad-generator");
    let mut pact = PactBuilder::new("MockConsumer", "MockProvider");
    pact.output_dir(&dir).interaction("a dated build", |i| {
        i.request.get("/dated");
        i.response.json_body(Term::object([(
            "due",
            generated_date("yyyy-MM-dd", "2026-01-01", Some("tomorow + banana")),
        )]));
    });
    let server = pact.start_mock_server();
    let (status, body) = get(&server, "/dated", &[]);
    assert_eq!(status, 500);
    assert!(
        body.contains("could not serve the response of interaction \"a dated build\""),
        "{body}"
    );
    let problems = server.problems();
    assert!(
        matches!(
            problems[..],
            [Problem::InvalidResponse { .. }, Problem::Missing { .. }]
        ),
        "{problems:?}"
    );
    assert!(server.finish().is_err());
    assert!(!dir.exists(), "no pact may be written");
}

#[test]
fn interactions_with_the_same_request_are_each_exercised_in_turn() {
    let dir = temp_dir("same-request");
    let mut pact = PactBuilder::new("MockConsumer", "MockProvider");
    pact.output_dir(&dir);
    for (state, status) in [("no builds", 404), ("build 1 exists", 200)] {
        pact.interaction(format!("a request for build 1 given {state}"), |i| {
            i.given(state);
            i.request.get("/builds/1");
            i.response.status(status);
        });
    }
    let server = pact.start_mock_server();
    assert_eq!(get(&server, "/builds/1", &[]).0, 404);
    assert_eq!(get(&server, "/builds/1", &[]).0, 200);
    assert_eq!(server.hits(), vec![1, 1]);
    let written = std::fs::read_to_string(server.finish().unwrap()).unwrap();
    assert!(written.contains("no builds") && written.contains("build 1 exists"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
#[should_panic(expected = "status 700 is not within 100..=599")]
fn a_status_outside_the_http_range_is_refused_at_once() {
    let mut pact = PactBuilder::new("MockConsumer", "MockProvider");
    pact.interaction("odd", |i| {
        i.response.status(700);
    });
}

#[test]
fn a_v2_pact_refuses_what_v2_cannot_hold() {
    let mut pact = PactBuilder::new("MockConsumer", "MockProvider");
    pact.spec(SpecVersion::V2)
        .interaction("a typed build", |i| {
            i.request.get("/builds/1");
            i.response.json_body(Term::object([
                ("name", like("#1")),
                ("id", integer(1)),
                ("at", random_int(1, 9)),
            ]));
        });
    let err = pact
        .try_start_mock_server(MockServerOptions::default())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("a typed build: response body $.id: the integer rule"),
        "{err}"
    );
    assert!(err.contains("a typed build: response generators"), "{err}");
    assert!(!err.contains("$.name"), "type rules are V2: {err}");
}

#[test]
fn a_compressed_request_body_is_matched_as_the_json_it_encodes() {
    use std::io::Write;
    let dir = temp_dir("gzip");
    let mut pact = PactBuilder::new("MockConsumer", "MockProvider");
    pact.output_dir(&dir);
    pact.interaction("a new order", |i| {
        i.request
            .post("/orders")
            .json_body(Term::object([("id", integer(7))]));
        i.response.status(201);
    });
    let server = pact.start_mock_server();
    let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gzip.write_all(br#"{"id": 42}"#).unwrap();
    let body = gzip.finish().unwrap();
    let status = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(async {
            reqwest::Client::new()
                .post(format!("{}/orders", server.url()))
                .header("Content-Type", "application/json")
                .header("Content-Encoding", "gzip")
                .body(body)
                .send()
                .await
                .unwrap()
                .status()
        });
    assert_eq!(status.as_u16(), 201);
    server.finish().unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_v2_pact_refuses_a_second_state_and_state_params_on_every_path() {
    use pact_runtime::mock_server::MockServerOptions;
    let mut pact = PactBuilder::new("MockConsumer", "MockProvider");
    pact.spec(SpecVersion::V2)
        .interaction("a build of a user", |i| {
            i.given_with_params("a user exists", serde_json::json!({"id": 7}));
            i.given("a build exists");
            i.request.get("/builds/1");
        });
    // Through the builder, and straight through MockServer::start.
    let dir = temp_dir("v2-states");
    for err in [
        pact.try_start_mock_server(MockServerOptions::default())
            .unwrap_err(),
        MockServer::start(
            pact.build(),
            Some(dir.clone()),
            MockServerOptions::default(),
        )
        .unwrap_err(),
    ] {
        let err = err.to_string();
        assert!(
            err.contains(r#"a build of a user: a second provider state ("a build exists")"#),
            "{err}"
        );
        assert!(
            err.contains(r#"a build of a user: the params of provider state "a user exists""#),
            "{err}"
        );
    }
    // And the writer, for whoever writes pacts without a mock server: nothing is written.
    let err = pact_runtime::pact_writer::write_pact(&dir, &pact.build()).unwrap_err();
    assert!(
        matches!(&err, pact_runtime::pact_writer::WriteError::Unsupported { lost, .. } if lost.len() == 2),
        "{err:?}"
    );
    assert!(!dir.join("MockConsumer-MockProvider.json").exists());
    let _ = std::fs::remove_dir_all(&dir);
}

/// The builder refuses what the macro refuses, with pact-core's message (one check each).
#[test]
fn the_builder_refuses_what_the_checks_refuse_with_their_words() {
    use pact_runtime::pact_core::rules::StatusClass;
    let refused = |f: fn()| {
        std::panic::catch_unwind(f)
            .map(|()| String::new())
            .unwrap_or_else(|panic| {
                panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default()
            })
    };
    let unknown_method = refused(|| {
        PactBuilder::new("C", "P").interaction("a fetch", |i| {
            i.request.method("FETCH").path("/");
        });
    });
    assert!(
        unknown_method.contains("unknown HTTP method `FETCH`"),
        "{unknown_method:?}"
    );
    let backwards = refused(|| {
        let _ = random_int(5, -5);
    });
    assert!(
        backwards.contains("min (5) is greater than max (-5)"),
        "{backwards:?}"
    );
    let outside = refused(|| {
        let _ = status_code(StatusClass::Success, 404);
    });
    assert!(outside.contains("404"), "{outside:?}");
    let not_finite = refused(|| {
        let _ = decimal(f64::NAN);
    });
    assert!(
        not_finite.contains("NaN is not a finite number"),
        "{not_finite:?}"
    );
}
