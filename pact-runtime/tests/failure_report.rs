//! A consumer test that fails in its own body (an `.unwrap()` on the client's error, an
//! `Err` returned) still shows the mock server's report: the unexpected request, the
//! closest interaction and its mismatches, the interactions not exercised.
//!
//! The failing tests are real `#[pact_interaction]` tests, run as a child process (this test
//! binary again, `--ignored --exact NAME`), and the parent reads what the test harness
//! printed for the failure. Outside the child they make the right requests and pass, so
//! `cargo test -- --include-ignored` stays green.

use pact_runtime::prelude::*;
use std::process::Command;

#[path = "support/http.rs"]
mod http;

/// Set in the child: the entry tests then make the wrong request.
const CHILD: &str = "PACT_RUNTIME_FAILURE_REPORT_CHILD";

fn wrong() -> bool {
    std::env::var_os(CHILD).is_some()
}

/// The path asked for: a typo in the child.
fn build_path(n: u32) -> String {
    if wrong() {
        format!("/bulds/{n}")
    } else {
        format!("/builds/{n}")
    }
}

/// A client in the usual style: an error says only the status, as `reqwest`'s does.
fn get_build(mock: &MockServer, path: &str) -> Result<String, String> {
    let reply = http::exchange(mock.address(), "GET", path, &[], None);
    if reply.status >= 400 {
        return Err(format!("status {}", reply.status));
    }
    Ok(reply.body)
}

/// The other interaction of each test, made only outside the child.
fn second(mock: &MockServer) {
    if !wrong() {
        get_build(mock, "/builds/2").unwrap();
    }
}

#[pact_interaction(
    provider = "ReportProvider",
    description = "a request for build 1 (report, sync)",
    request(GET, "/builds/1"),
    response(200)
)]
#[pact_interaction(
    description = "a request for build 2 (report, sync)",
    request(GET, "/builds/2"),
    response(200)
)]
#[ignore = "a child process of the tests below, which run it with --ignored"]
fn sync_child(mock: &MockServer) {
    get_build(mock, &build_path(1)).unwrap();
    second(mock);
}

#[pact_interaction(
    provider = "ReportProvider",
    description = "a request for build 1 (report, tokio)",
    request(GET, "/builds/1"),
    response(200)
)]
#[pact_interaction(
    description = "a request for build 2 (report, tokio)",
    request(GET, "/builds/2"),
    response(200)
)]
#[tokio::test]
#[ignore = "a child process of the tests below, which run it with --ignored"]
async fn tokio_child(mock: &MockServer) {
    reqwest::get(mock.path(&build_path(1)))
        .await
        .unwrap()
        .error_for_status()
        .unwrap();
    if !wrong() {
        reqwest::get(mock.path("/builds/2")).await.unwrap();
    }
}

#[pact_interaction(
    provider = "ReportProvider",
    description = "a request for build 1 (report, async)",
    request(GET, "/builds/1"),
    response(200)
)]
#[pact_interaction(
    description = "a request for build 2 (report, async)",
    request(GET, "/builds/2"),
    response(200)
)]
#[ignore = "a child process of the tests below, which run it with --ignored"]
async fn async_child(mock: &MockServer) {
    get_build(mock, &build_path(1)).unwrap();
    second(mock);
}

#[pact_interaction(
    provider = "ReportProvider",
    description = "a request for build 1 (report, result)",
    request(GET, "/builds/1"),
    response(200)
)]
#[pact_interaction(
    description = "a request for build 2 (report, result)",
    request(GET, "/builds/2"),
    response(200)
)]
#[ignore = "a child process of the tests below, which run it with --ignored"]
fn result_child(mock: &MockServer) -> Result<(), String> {
    get_build(mock, &build_path(1))?;
    second(mock);
    Ok(())
}

/// Runs the entry test `name` in a child and returns what the harness printed.
fn run_child(name: &str) -> String {
    let out = Command::new(std::env::current_exe().unwrap())
        .args([name, "--exact", "--ignored", "--test-threads=1"])
        .env(CHILD, "1")
        .env("RUST_BACKTRACE", "0")
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!out.status.success(), "the child test must fail:\n{text}");
    assert!(text.contains("1 failed"), "{text}");
    text
}

fn assert_report(name: &str, style: &str) {
    let out = run_child(name);
    // The harness prints the failing test's captured output under this heading.
    let (_, captured) = out
        .split_once(&format!("---- {name} stdout ----"))
        .unwrap_or_else(|| panic!("no captured output for {name}:\n{out}"));
    for expected in [
        "unexpected request: GET /bulds/1",
        &format!("closest interaction: \"a request for build 1 (report, {style})\""),
        "path: Expected '/builds/1' but received '/bulds/1'",
        &format!(
            "expected but not received: GET /builds/2 (interaction \"a request for build 2 (report, {style})\")"
        ),
    ] {
        assert!(captured.contains(expected), "no {expected:?} in:\n{out}");
    }
}

#[test]
fn a_panicking_sync_test_shows_the_report() {
    assert_report("sync_child", "sync");
}

#[test]
fn a_panicking_tokio_test_shows_the_report() {
    assert_report("tokio_child", "tokio");
}

#[test]
fn a_panicking_async_test_shows_the_report() {
    assert_report("async_child", "async");
}

#[test]
fn a_test_returning_err_shows_the_report() {
    assert_report("result_child", "result");
}
