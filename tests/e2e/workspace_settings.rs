//! Settings from `[workspace.metadata.pact]` reach a `#[pact_interaction]` test: this
//! package (pact-e2e) names no provider, the workspace's `Cargo.toml` does.
//!
//! The consumer test runs in a child process (this test binary again, with `--ignored
//! --exact`), writing its pact to a directory of the parent's, which then reads it.

use pact_runtime::prelude::*;
use std::io::{Read, Write};
use std::process::Command;

#[pact_interaction(
    description = "a request under the workspace's provider",
    request(GET, "/settings"),
    response(200, json = { "ok": boolean(true) }),
)]
#[test]
#[ignore = "a child process of the test below, which runs it with --ignored"]
fn a_consumer_test_without_a_provider(mock: &MockServer) {
    let mut stream = std::net::TcpStream::connect(mock.address()).unwrap();
    stream
        .write_all(b"GET /settings HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut reply = String::new();
    stream.read_to_string(&mut reply).unwrap();
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
}

#[test]
fn the_workspace_s_provider_is_the_provider_of_a_test_that_names_none() {
    let dir = std::env::temp_dir().join(format!("pact-e2e-settings-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let output = Command::new(std::env::current_exe().unwrap())
        .args(["a_consumer_test_without_a_provider", "--exact", "--ignored"])
        .env("PACT_OUTPUT_DIR", &dir)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let path = dir.join("pact-e2e-WorkspaceProvider.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (found {:?})",
            path.display(),
            std::fs::read_dir(&dir).map(|d| d.flatten().map(|e| e.file_name()).collect::<Vec<_>>())
        )
    });
    let pact = pact_runtime::pact_core::model::read_pact(&text, "written").unwrap();
    assert_eq!(pact.provider, "WorkspaceProvider");
    assert_eq!(pact.consumer, "pact-e2e");
    std::fs::remove_dir_all(&dir).unwrap();
}
