//! The mock server's log file: with `PACT_LOG_DIR` set, each request a consumer test makes is
//! recorded in `<dir>/pact-mock-server.log` with the test's name, matched or not, and no
//! credential is.
//!
//! The consumer test runs as a child process (this test binary again, `--ignored --exact`),
//! because the log settings are read from the environment once a process. Outside the child
//! it makes only its matched request and passes.

use pact_runtime::prelude::*;
use std::path::Path;
use std::process::Command;

#[path = "support/http.rs"]
mod http;

const CHILD: &str = "PACT_RUNTIME_LOG_CHILD";
const SECRET: &str = "Bearer s3cret-token";

#[pact_interaction(
    provider = "LogProvider",
    description = "a request for build 7 (log)",
    request(GET, "/builds/7"),
    response(200, json = { "id": 7 })
)]
#[ignore = "a child process of the tests below, which run it with --ignored"]
fn logged_child(mock: &MockServer) {
    let auth = [
        ("Authorization", SECRET),
        ("Cookie", "session=s3cret-cookie"),
    ];
    let reply = http::exchange(mock.address(), "GET", "/builds/7", &auth, None);
    assert_eq!(reply.status, 200);
    if std::env::var_os(CHILD).is_some() {
        let reply = http::exchange(mock.address(), "POST", "/nowhere", &auth, Some("{}"));
        assert_eq!(reply.status, 500);
    }
}

fn run_child(dir: &Path, level: &str) {
    let out = Command::new(std::env::current_exe().unwrap())
        .args(["logged_child", "--exact", "--ignored", "--test-threads=1"])
        .env(CHILD, "1")
        .env("PACT_LOG_DIR", dir)
        .env("PACT_LOG_LEVEL", level)
        .env("RUST_BACKTRACE", "0")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    // The unexpected request fails the child, as it should.
    assert!(
        stdout.contains("unexpected request: POST /nowhere"),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_log_file_records_each_request_with_the_test_name_and_no_credentials() {
    let dir = std::env::temp_dir().join(format!("pact-log-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    run_child(&dir, "debug");
    let path = dir.join("pact-mock-server.log");
    let log = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let record = |needle: &str| {
        log.lines()
            .find(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("no record with {needle:?} in:\n{log}"))
    };
    let matched = record("GET /builds/7 matched \"a request for build 7 (log)\": answered 200");
    assert!(
        matched.contains(" INFO [logged_child] pact_runtime::mock_server:"),
        "{matched}"
    );
    let unexpected = record("unexpected request: POST /nowhere");
    assert!(unexpected.contains(" WARN [logged_child] "), "{unexpected}");
    assert!(
        unexpected.contains("closest interaction: \"a request for build 7 (log)\""),
        "{unexpected}"
    );
    assert!(unexpected.ends_with("answered 500"), "{unexpected}");
    let received = record("received POST /nowhere");
    assert!(received.contains(" DEBUG [logged_child] "), "{received}");
    assert!(received.contains("authorization: [redacted]"), "{received}");
    assert!(received.contains(r#"body={}"#), "{received}");
    assert!(!log.contains("s3cret"), "a credential was logged:\n{log}");
    // Each line is a whole record: a time stamp, then the level.
    for line in log.lines() {
        assert!(line.len() > 24 && line.as_bytes()[23] == b'Z', "{line}");
    }

    // Another process appends; at the default level only the unexpected request is logged.
    let before = log.lines().count();
    run_child(&dir, "");
    let log = std::fs::read_to_string(&path).unwrap();
    let added: Vec<&str> = log.lines().skip(before).collect();
    assert_eq!(added.len(), 1, "{log}");
    assert!(added[0].contains(" WARN [logged_child] ") && added[0].contains("POST /nowhere"));
    std::fs::remove_dir_all(&dir).unwrap();
}
