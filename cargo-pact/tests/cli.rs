//! `cargo pact` as a user runs it: the real binary against the example provider served on
//! loopback, the example pact, and broken inputs.

use product_service_provider::{routes, states, ProductStates, Store};
use serde_json::json;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};
use warp::Filter;

#[path = "support/warp_server.rs"]
mod warp_server;
use warp_server::serve;

#[path = "support/peers.rs"]
mod peers;

const BIN: &str = env!("CARGO_BIN_EXE_cargo-pact");

fn example_pact() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../examples/product-service/pacts/Consumer-Provider.json")
}

fn cargo_pact(args: &[&str]) -> Output {
    cargo_pact_in(Path::new(env!("CARGO_MANIFEST_DIR")), args)
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// `verify` of the example pact, with the seed's spellings of the provider flags.
fn verify_example(base_url: &str, extra: &[&str]) -> Output {
    let state_url = format!("{base_url}/api/_pact/state");
    let pact = example_pact();
    let mut args = vec![
        "verify",
        "--provider-name",
        "Provider",
        "--provider-base-url",
        base_url,
        "--provider-states-setup-url",
        &state_url,
        "--file",
        pact.to_str().unwrap(),
    ];
    args.extend(extra);
    cargo_pact(&args)
}

#[test]
fn the_example_provider_verifies_and_exits_0_with_json_and_junit_reports() {
    let base_url = serve(routes(Store::default()));
    let dir = std::env::temp_dir().join(format!("cargo-pact-reports-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let json_path = dir.join("report.json");
    let junit_path = dir.join("report.xml");
    let output = verify_example(
        &base_url,
        &[
            "--json",
            json_path.to_str().unwrap(),
            "--junit",
            junit_path.to_str().unwrap(),
        ],
    );
    let out = text(&output);
    assert_eq!(output.status.code(), Some(0), "{out}");
    assert!(
        out.contains("a request for build 3455") && out.contains("OK"),
        "{out}"
    );
    assert!(
        out.contains("1 interaction verified: 1 passed, 0 failed"),
        "{out}"
    );
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json_path).unwrap()).unwrap();
    assert_eq!(report["success"], true);
    assert_eq!(
        report["pacts"][0]["interactions"][0]["providerStates"],
        json!(["build 3455 exists"])
    );
    let junit = std::fs::read_to_string(&junit_path).unwrap();
    assert!(
        junit.contains(r#"<testcase classname="Consumer" name="a request for build 3455""#),
        "{junit}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn log_level_debug_logs_each_request_and_status_to_stderr_and_no_credential() {
    let base_url = serve(routes(Store::default()));
    let secret = ["--header", "Authorization: Bearer s3cret-token"];
    let output = verify_example(
        &base_url,
        &[&secret[..], &["--log-level", "debug"]].concat(),
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let line = format!("GET {base_url}/builds/3455: answered 200");
    let record = stderr
        .lines()
        .find(|l| l.contains(&line))
        .unwrap_or_else(|| panic!("no {line:?} in:\n{stderr}"));
    assert!(record.contains(" INFO pact_runtime::verifier:"), "{record}");
    assert!(
        stderr.contains("state change Setup of \"build 3455 exists\""),
        "{stderr}"
    );
    let sent = stderr
        .lines()
        .find(|l| l.contains("DEBUG") && l.contains("sending GET"))
        .unwrap_or_else(|| panic!("no request headers logged in:\n{stderr}"));
    assert!(sent.contains("Authorization: [redacted]"), "{sent}");
    assert!(
        !stderr.contains("s3cret"),
        "a credential was logged:\n{stderr}"
    );

    // PACT_LOG_LEVEL does the same; the default (warn) logs nothing for a passing run.
    let output = Command::new(BIN)
        .args([
            "pact",
            "verify",
            "--provider-name",
            "Provider",
            "--provider-base-url",
            &base_url,
        ])
        .args([
            "--provider-states-setup-url",
            &format!("{base_url}/api/_pact/state"),
        ])
        .args(["--file", example_pact().to_str().unwrap()])
        .env("PACT_LOG_LEVEL", "info")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(&line), "{stderr}");
    assert!(!stderr.contains("DEBUG"), "{stderr}");
    let output = verify_example(&base_url, &secret);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    assert!(
        !String::from_utf8_lossy(&output.stderr).contains("pact_runtime"),
        "{}",
        text(&output)
    );

    let output = verify_example(&base_url, &["--log-level", "loud"]);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(
        text(&output).contains("unknown log level \"loud\""),
        "{}",
        text(&output)
    );
}

#[test]
fn a_wrong_field_type_exits_1_naming_interaction_path_expected_and_actual() {
    let store = Store::default();
    let lookup = store.clone();
    // The product service changed: `completed` became a string.
    let broken = warp::path!("builds" / u64).map(move |id| {
        let build = lookup.get(id).expect("the state set it up");
        let mut body = build.to_json();
        body["completed"] = json!("yes");
        warp::reply::Reply::into_response(warp::reply::json(&body))
    });
    let base_url = serve(
        states::state_filter(ProductStates(store))
            .or(broken)
            .unify(),
    );
    let output = verify_example(&base_url, &[]);
    let out = text(&output);
    assert_eq!(output.status.code(), Some(1), "{out}");
    assert!(
        out.contains("1) Consumer - a request for build 3455"),
        "{out}"
    );
    assert!(out.contains("body $.completed:"), "{out}");
    assert!(out.contains("- expected: true"), "{out}");
    assert!(out.contains(r#"+ actual:   "yes""#), "{out}");
}

fn closed_port_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    url
}

#[test]
fn a_provider_that_is_down_exits_3_within_the_timeout_naming_the_url() {
    let base_url = closed_port_url();
    let started = Instant::now();
    let output = verify_example(&base_url, &["--request-timeout", "1000"]);
    let out = text(&output);
    assert_eq!(output.status.code(), Some(3), "{out}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "took {:?}",
        started.elapsed()
    );
    assert!(
        out.contains(&format!(
            "error: the provider at {base_url} could not be reached"
        )),
        "{out}"
    );
    assert!(!out.contains("panicked"), "{out}");
}

#[test]
fn a_malformed_pact_exits_2_naming_file_line_and_column() {
    let path = std::env::temp_dir().join(format!("cargo-pact-bad-{}.json", std::process::id()));
    std::fs::write(
        &path,
        "{\n  \"consumer\": {\"name\": \"C\"},\n  \"provider\": oops\n}\n",
    )
    .unwrap();
    let output = cargo_pact(&[
        "verify",
        "-n",
        "P",
        "--provider-base-url",
        "http://127.0.0.1:9",
        "--file",
        path.to_str().unwrap(),
    ]);
    let out = text(&output);
    assert_eq!(output.status.code(), Some(2), "{out}");
    assert!(
        out.contains(&format!(
            "{}: invalid JSON at line 3, column 15",
            path.display()
        )),
        "{out}"
    );
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn an_unknown_flag_is_clap_s_error_with_exit_2() {
    let output = cargo_pact(&["verify", "--no-such-flag"]);
    let out = text(&output);
    assert_eq!(output.status.code(), Some(2), "{out}");
    assert!(
        out.contains("unexpected argument '--no-such-flag'"),
        "{out}"
    );
}

#[test]
fn help_documents_the_exit_codes() {
    let output = cargo_pact(&["verify", "--help"]);
    let out = text(&output);
    assert_eq!(output.status.code(), Some(0));
    for line in [
        "0  verified",
        "1  verification failed",
        "2  bad arguments",
        "3  the provider could not be reached",
        "4  the broker",
    ] {
        assert!(out.contains(line), "{line} missing from:\n{out}");
    }
    assert!(
        out.contains("--provider-app-version") && out.contains("--pact-broker-password"),
        "{out}"
    );
}

#[test]
fn broker_credentials_never_appear_in_the_output() {
    // A broker that refuses everyone.
    let refusing = warp::get().map(|| {
        warp::reply::Reply::into_response(warp::reply::with_status(
            "Unauthorized",
            warp::http::StatusCode::UNAUTHORIZED,
        ))
    });
    let broker = serve(refusing);
    for url in [broker.as_str(), &closed_port_url()] {
        let output = cargo_pact(&[
            "verify",
            "-n",
            "Provider",
            "--provider-base-url",
            "http://127.0.0.1:9",
            "--broker-url",
            url,
            "--broker-username",
            "ci",
            "--broker-password",
            "hunter2-secret",
        ]);
        let out = text(&output);
        assert_eq!(output.status.code(), Some(4), "{out}");
        assert!(out.contains("error: "), "{out}");
        assert!(!out.contains("hunter2"), "the password leaked:\n{out}");
    }
    let output = cargo_pact(&[
        "verify",
        "-n",
        "Provider",
        "--provider-base-url",
        "http://127.0.0.1:9",
        "--broker-url",
        &broker,
        "--broker-token",
        "tok-secret-42",
    ]);
    let out = text(&output);
    assert_eq!(output.status.code(), Some(4), "{out}");
    assert!(!out.contains("tok-secret-42"), "the token leaked:\n{out}");
}

/// Not a test: the provider that `--provider-cmd` starts (this binary, run again).
#[test]
#[ignore = "started by provider_cmd_starts_and_stops_the_provider"]
fn serve_example_provider() {
    let Ok(port) = std::env::var("CARGO_PACT_TEST_PROVIDER_PORT") else {
        return;
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(format!("127.0.0.1:{port}"))
            .await
            .unwrap();
        warp::serve(routes(Store::default()))
            .incoming(listener)
            .run()
            .await;
    });
}

#[test]
fn provider_cmd_starts_and_stops_the_provider() {
    let base_url = closed_port_url();
    let port = base_url.rsplit(':').next().unwrap().to_string();
    let me = std::env::current_exe().unwrap();
    let command = format!(
        "CARGO_PACT_TEST_PROVIDER_PORT={port} exec {} serve_example_provider --exact --ignored --quiet",
        me.display()
    );
    let output = verify_example(&base_url, &["--provider-cmd", &command]);
    let out = text(&output);
    assert_eq!(output.status.code(), Some(0), "{out}");
    let address: SocketAddr = base_url.trim_start_matches("http://").parse().unwrap();
    assert!(
        std::net::TcpStream::connect_timeout(&address, Duration::from_millis(200)).is_err(),
        "the provider is still running after the verification"
    );
}

#[test]
fn provider_cmd_that_exits_is_reported_with_exit_3() {
    let output = verify_example(&closed_port_url(), &["--provider-cmd", "exit 7"]);
    let out = text(&output);
    assert_eq!(output.status.code(), Some(3), "{out}");
    assert!(out.contains("exited (exit status: 7)"), "{out}");
}

#[test]
fn stub_serves_the_example_pact() {
    use std::io::{Read, Write};
    let (mut child, url, line) = start_stub(&example_pact());
    assert!(
        line.starts_with("stub server for 1 interaction listening on http://127.0.0.1:"),
        "{line}"
    );
    let mut stream = std::net::TcpStream::connect(url.trim_start_matches("http://")).unwrap();
    stream
        .write_all(b"GET /builds/3455 HTTP/1.1\r\nHost: x\r\nAccept: application/json\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut reply = String::new();
    stream.read_to_string(&mut reply).unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
    assert!(reply.contains(r##""name":"#3455""##), "{reply}");
}

#[test]
fn test_clears_only_the_tested_consumers_pacts_in_the_writer_s_pact_dir_then_runs_cargo_test() {
    // Relative, as the writer has it: from the workspace root (the example's), whatever the
    // current dir.
    let relative = format!("target/cargo-pact-test-cmd-{}", std::process::id());
    let workspace = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../examples/product-service")
        .canonicalize()
        .unwrap();
    let dir = workspace.join(&relative);
    std::fs::create_dir_all(&dir).unwrap();
    let pact = |consumer: &str| {
        format!(
            r#"{{"consumer":{{"name":"{consumer}"}},"provider":{{"name":"Provider"}},"interactions":[]}}"#
        )
    };
    // The consumer tested, and another consumer's committed pact.
    std::fs::write(
        dir.join("product-service-consumer-Provider.json"),
        pact("product-service-consumer"),
    )
    .unwrap();
    std::fs::write(dir.join("Web-Provider.json"), pact("Web")).unwrap();
    // Stand in for cargo: record the arguments and the pact dir, and fail unless only the
    // tested consumer's pact was gone.
    let fake = dir.join("fake-cargo.sh");
    std::fs::write(
        &fake,
        format!(
            "#!/bin/sh\necho \"$@\" > {0}/args\necho \"$PACT_OUTPUT_DIR\" > {0}/out-dir\n\
             [ -e {0}/product-service-consumer-Provider.json ] && exit 9\n\
             [ -e {0}/Web-Provider.json ] || exit 8\nexit 0\n",
            dir.display()
        ),
    )
    .unwrap();
    Command::new("chmod").arg("+x").arg(&fake).status().unwrap();
    let output = Command::new(BIN)
        .args([
            "pact",
            "test",
            "--pact-dir",
            &relative,
            "--",
            "-p",
            "product-service-consumer",
        ])
        .current_dir(workspace.join("consumer"))
        .env("CARGO", &fake)
        .output()
        .unwrap();
    let out = text(&output);
    assert_eq!(output.status.code(), Some(0), "{out}");
    assert!(
        out.contains("cleared 1 pact file(s) of product-service-consumer"),
        "{out}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("args")).unwrap().trim(),
        "test -p product-service-consumer"
    );
    assert_eq!(
        PathBuf::from(std::fs::read_to_string(dir.join("out-dir")).unwrap().trim()),
        dir
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// What a broker received: method, path, the Authorization header and the JSON body.
type Received =
    std::sync::Arc<std::sync::Mutex<Vec<(String, String, Option<String>, serde_json::Value)>>>;

/// A Pact Broker serving the example pact for verification, recording every request.
/// Its links name another host: clients keep only the path (broker-api.md, 1.0).
fn recording_broker(received: Received) -> String {
    broker_serving(received, false)
}

/// As [`recording_broker`], with the pact listed as work in progress (`wip: true`) but not
/// pending when `wip`.
fn broker_serving(received: Received, wip: bool) -> String {
    let pact: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(example_pact()).unwrap()).unwrap();
    let filter = warp::method()
        .and(warp::path::full())
        .and(warp::header::optional::<String>("authorization"))
        .and(warp::body::bytes())
        .map(move |method: warp::http::Method, path: warp::path::FullPath, auth: Option<String>, body: bytes::Bytes| {
            let body: serde_json::Value = serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null);
            received.lock().unwrap().push((method.to_string(), path.as_str().to_string(), auth, body));
            let b = "http://broker.invalid";
            let pact_url = format!("{b}/pacts/provider/Provider/consumer/Consumer/pact-version/abc");
            let reply = match (method.as_str(), path.as_str()) {
                ("GET", "/") => json!({"_links": {"pb:provider-pacts-for-verification": {
                    "href": format!("{b}/pacts/provider/{{provider}}/for-verification"), "templated": true}}}),
                (_, "/pacts/provider/Provider/for-verification") => json!({
                    "_embedded": {"pacts": [{
                        "shortDescription": "latest from main branch",
                        "verificationProperties": {"pending": false, "wip": wip, "notices": [
                            {"when": "before_verification", "text": "The pact is verified because it is the latest from main"},
                            {"when": "after_verification:success_true_published_true", "text": "Notice: the pact is now verified by this provider version"},
                            {"when": "after_verification:success_false_published_true", "text": "Notice: this failure is recorded and fails can-i-deploy"}]},
                        "_links": {"self": {"href": pact_url, "name": "Pact between Consumer (1.0.0) and Provider"}}}]},
                    "_links": {"self": {"href": format!("{b}/pacts/provider/Provider/for-verification")}}}),
                ("GET", "/pacts/provider/Provider/consumer/Consumer/pact-version/abc")
                | ("GET", "/pacts/provider/Provider/consumer/Consumer/latest") => {
                    let mut doc = pact.clone();
                    doc["_links"] = json!({
                        "pb:publish-verification-results": {"href": format!("{pact_url}/verification-results")},
                        "pb:provider": {"href": format!("{b}/pacticipants/Provider")}});
                    doc
                }
                ("GET", "/pacticipants/Provider") => json!({"name": "Provider", "_links": {
                    "pb:branch-version": {"href": format!("{b}/pacticipants/Provider/branches/{{branch}}/versions/{{version}}"), "templated": true},
                    "pb:version-tag": {"href": format!("{b}/pacticipants/Provider/versions/{{version}}/tags/{{tag}}"), "templated": true}}}),
                ("PUT", _) | ("POST", _) => json!({"ok": true}),
                _ => json!({"unexpected": path.as_str()}),
            };
            let mut response = warp::reply::Reply::into_response(warp::reply::json(&reply));
            response.headers_mut().insert("content-type", warp::http::HeaderValue::from_static("application/hal+json"));
            response
        });
    serve(filter)
}

fn verify_from_broker(provider: &str, broker: &str) -> Output {
    verify_from_broker_with(provider, broker, &["--enable-pending"])
}

fn verify_from_broker_with(provider: &str, broker: &str, extra: &[&str]) -> Output {
    let state_url = format!("{provider}/api/_pact/state");
    let mut args = vec![
        "verify",
        "--provider-name",
        "Provider",
        "--provider-base-url",
        provider,
        "--provider-states-setup-url",
        &state_url,
        "--broker-url",
        broker,
        "--consumer-version-selectors",
        r#"{"mainBranch":true}"#,
        "--provider-branch",
        "main",
        "--provider-tags",
        "main,ci",
        "--publish",
        "--provider-version",
        "1.2.3",
        "--build-url",
        "http://ci.invalid/1",
        "--broker-token",
        "tok",
    ];
    args.extend(extra);
    cargo_pact(&args)
}

#[test]
fn verifies_pacts_from_a_broker_and_publishes_one_result_with_branch_and_tags() {
    let received = Received::default();
    let broker = recording_broker(received.clone());
    let provider = serve(routes(Store::default()));
    let output = verify_from_broker(&provider, &broker);
    let out = text(&output);
    assert!(
        out.contains("Notice: the pact is now verified by this provider version"),
        "{out}"
    );
    assert!(!out.contains("Notice: this failure is recorded"), "{out}");
    assert_eq!(output.status.code(), Some(0), "{out}");
    assert!(
        out.contains("The pact is verified because it is the latest from main"),
        "{out}"
    );
    assert!(out.contains("verification result published"), "{out}");
    let received = received.lock().unwrap();
    assert!(
        received
            .iter()
            .all(|(_, _, auth, _)| auth.as_deref() == Some("Bearer tok")),
        "{received:?}"
    );
    let post = |path: &str| {
        received
            .iter()
            .find(|(m, p, _, _)| m == "POST" && p == path)
            .map(|r| r.3.clone())
            .unwrap_or_else(|| panic!("no POST {path} in {received:?}"))
    };
    assert_eq!(
        post("/pacts/provider/Provider/for-verification"),
        json!({"consumerVersionSelectors": [{"mainBranch": true}], "includePendingStatus": true,
               "providerVersionBranch": "main", "providerVersionTags": ["main", "ci"]})
    );
    let puts: Vec<&str> = received
        .iter()
        .filter(|r| r.0 == "PUT")
        .map(|r| r.1.as_str())
        .collect();
    assert_eq!(
        puts,
        [
            "/pacticipants/Provider/branches/main/versions/1.2.3",
            "/pacticipants/Provider/versions/1.2.3/tags/main",
            "/pacticipants/Provider/versions/1.2.3/tags/ci",
        ]
    );
    let result =
        post("/pacts/provider/Provider/consumer/Consumer/pact-version/abc/verification-results");
    assert_eq!(result["success"], true);
    assert_eq!(result["providerApplicationVersion"], "1.2.3");
    assert_eq!(result["buildUrl"], "http://ci.invalid/1");
    let posts = received
        .iter()
        .filter(|r| r.1.ends_with("/verification-results"))
        .count();
    assert_eq!(posts, 1, "one result per pact");
}

#[test]
fn a_failed_verification_from_a_broker_publishes_a_failed_result() {
    let received = Received::default();
    let broker = recording_broker(received.clone());
    // A provider without the build: every request gets 404.
    let provider = serve(
        states::state_filter(ProductStates(Store::default()))
            .or(warp::get()
                .map(|| warp::reply::Reply::into_response(warp::http::StatusCode::NOT_FOUND)))
            .unify(),
    );
    let output = verify_from_broker(&provider, &broker);
    let out = text(&output);
    assert!(
        out.contains("Notice: this failure is recorded and fails can-i-deploy"),
        "{out}"
    );
    assert!(!out.contains("Notice: the pact is now verified"), "{out}");
    assert_eq!(output.status.code(), Some(1), "{out}");
    let received = received.lock().unwrap();
    let result = &received
        .iter()
        .find(|r| r.1.ends_with("/verification-results"))
        .expect("a result")
        .3;
    assert_eq!(result["success"], false);
    assert_eq!(result["testResults"][0]["success"], false);
}

#[test]
fn a_wip_pact_never_fails_the_build_and_asks_for_pending_status() {
    let received = Received::default();
    // Listed as WIP, but not pending: the broker's word on pending is not needed.
    let broker = broker_serving(received.clone(), true);
    let provider = serve(
        states::state_filter(ProductStates(Store::default()))
            .or(warp::get()
                .map(|| warp::reply::Reply::into_response(warp::http::StatusCode::NOT_FOUND)))
            .unify(),
    );
    let output = verify_from_broker_with(
        &provider,
        &broker,
        &["--include-wip-pacts-since", "2026-01-01"],
    );
    let out = text(&output);
    assert_eq!(output.status.code(), Some(0), "{out}");
    assert!(out.contains("FAILED (pending)"), "{out}");
    let received = received.lock().unwrap();
    let query = &received
        .iter()
        .find(|r| r.0 == "POST" && r.1.ends_with("/for-verification"))
        .expect("a pacts-for-verification request")
        .3;
    assert_eq!(query["includePendingStatus"], true, "{query}");
    assert_eq!(query["includeWipPactsSince"], "2026-01-01", "{query}");
    // The failed result is still published: the broker needs it to leave WIP.
    let result = &received
        .iter()
        .find(|r| r.1.ends_with("/verification-results"))
        .expect("a result")
        .3;
    assert_eq!(result["success"], false);
}

/// `cargo pact` run in `dir`, without the settings a developer's environment may hold.
fn cargo_pact_in(dir: &Path, args: &[&str]) -> Output {
    let mut command = Command::new(BIN);
    command
        .arg("pact")
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1");
    for variable in [
        "PACT_BROKER_BASE_URL",
        "PACT_BROKER_USERNAME",
        "PACT_BROKER_PASSWORD",
        "PACT_BROKER_TOKEN",
        "PACT_DESCRIPTION",
        "PACT_PROVIDER_STATE",
        "PACT_PROVIDER_NO_STATE",
        "PACT_LOG_LEVEL",
    ] {
        command.env_remove(variable);
    }
    command.output().unwrap()
}

/// A fresh directory outside any cargo project (the system temp dir is not in one).
fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cargo-pact-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    assert!(
        Command::new("cargo")
            .args(["locate-project", "--workspace"])
            .current_dir(&dir)
            .output()
            .is_ok_and(|o| !o.status.success()),
        "{} should be outside any cargo project",
        dir.display()
    );
    dir
}

#[test]
fn verify_outside_a_cargo_project_takes_the_provider_name_from_the_pact() {
    let dir = temp_dir("no-project");
    let base_url = serve(routes(Store::default()));
    let state_url = format!("{base_url}/api/_pact/state");
    let pact = example_pact().canonicalize().unwrap();
    let pact_path = pact.to_str().unwrap();
    let file_url = format!("--pact-url=file://{pact_path}");
    // As a file, as a `file:` URL (the Ruby verifier's --pact-url) and as a plain path.
    for source in [
        vec!["--file", pact_path],
        vec![file_url.as_str()],
        vec!["--pact-url", pact_path],
    ] {
        let mut args = vec![
            "verify",
            "--provider-base-url",
            &base_url,
            "--provider-states-setup-url",
            &state_url,
        ];
        args.extend(source);
        let output = cargo_pact_in(&dir, &args);
        let out = text(&output);
        assert_eq!(output.status.code(), Some(0), "{args:?}: {out}");
        assert!(
            out.contains("Verifying a pact between Consumer and Provider"),
            "{out}"
        );
        assert!(out.contains("1 interaction verified: 1 passed"), "{out}");
    }
    // A scheme that names no file or HTTP resource is refused, naming the flag and the URL.
    let output = cargo_pact_in(
        &dir,
        &[
            "verify",
            "--provider-base-url",
            &base_url,
            "--pact-url",
            "ftp://host/p.json",
        ],
    );
    let out = text(&output);
    assert_eq!(output.status.code(), Some(2), "{out}");
    assert!(
        out.contains("--url") && out.contains("ftp://host/p.json"),
        "{out}"
    );
    assert!(out.contains("\"ftp\" is not supported"), "{out}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn verify_of_pacts_for_two_providers_without_a_name_exits_2_naming_both() {
    let dir = temp_dir("two-providers");
    let other = dir.join("Consumer-Other.json");
    let text_of_other = std::fs::read_to_string(example_pact())
        .unwrap()
        .replace(r#""name": "Provider""#, r#""name": "Other""#);
    assert!(text_of_other.contains(r#""name": "Other""#));
    std::fs::write(&other, text_of_other).unwrap();
    let pact = example_pact();
    let output = cargo_pact_in(
        &dir,
        &[
            "verify",
            "--provider-base-url",
            &closed_port_url(),
            "--file",
            pact.to_str().unwrap(),
            "--file",
            other.to_str().unwrap(),
        ],
    );
    let out = text(&output);
    assert_eq!(output.status.code(), Some(2), "{out}");
    assert!(
        out.contains("the pacts are for several providers (Provider, Other)"),
        "{out}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_run_that_verifies_nothing_exits_1_with_the_reason_unless_told_to_ignore_it() {
    let dir = temp_dir("nothing-verified");
    let base_url = serve(routes(Store::default()));
    let pact = example_pact();
    let messages = dir.join("messages.json");
    std::fs::write(
        &messages,
        json!({
            "consumer": {"name": "Consumer"},
            "provider": {"name": "Provider"},
            "interactions": [{
                "type": "Asynchronous/Messages",
                "description": "a build finished event",
                "contents": {"content": {"id": 1}, "contentType": "application/json", "encoded": false}
            }],
            "metadata": {"pactSpecification": {"version": "4.0"}}
        })
        .to_string(),
    )
    .unwrap();
    let cases: [(&[&str], &str); 3] = [
        (
            &["--filter-consumer", "Typo"],
            "no interaction was verified: the filters (consumer Typo) left out every pact (the pacts are of the consumers Consumer)",
        ),
        (
            &["--filter-description", "^nothing like it$"],
            "no interaction was verified: the filters (description /^nothing like it$/) left out every interaction (1 in all)",
        ),
        (
            &["--file", messages.to_str().unwrap()],
            "no interaction was verified: the pacts hold no HTTP interaction (1 message interaction skipped)",
        ),
    ];
    for (extra, reason) in cases {
        let mut args = vec!["verify", "--provider-base-url", &base_url];
        if !extra.contains(&"--file") {
            args.extend(["--file", pact.to_str().unwrap()]);
        }
        args.extend(extra);
        let output = cargo_pact_in(&dir, &args);
        let out = text(&output);
        assert_eq!(output.status.code(), Some(1), "{args:?}: {out}");
        assert!(out.contains(&format!("error: {reason}")), "{out}");
        assert!(out.contains("--ignore-no-pacts-error"), "{out}");
        args.push("--ignore-no-pacts-error");
        let output = cargo_pact_in(&dir, &args);
        let out = text(&output);
        assert_eq!(output.status.code(), Some(0), "{args:?}: {out}");
        assert!(out.contains(&format!("warning: {reason}")), "{out}");
    }
    // A directory without pacts: nothing found is nothing verified too.
    let empty = dir.join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let args = [
        "verify",
        "--provider-base-url",
        &base_url,
        "--dir",
        empty.to_str().unwrap(),
    ];
    let output = cargo_pact_in(&dir, &args);
    let out = text(&output);
    assert_eq!(output.status.code(), Some(1), "{out}");
    assert!(
        out.contains("error: no pacts found in the given sources"),
        "{out}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Starts `cargo pact stub` on `pact` (port 0): the process, its URL and the line that
/// announced it.
fn start_stub(pact: &std::path::Path) -> (std::process::Child, String, String) {
    use std::io::{BufRead, BufReader};
    let mut child = Command::new(BIN)
        .args([
            "pact",
            "stub",
            "--file",
            pact.to_str().unwrap(),
            "--port",
            "0",
        ])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line.trim().rsplit(' ').next().unwrap().to_string();
    assert!(url.starts_with("http://127.0.0.1:"), "{line}");
    (child, url, line)
}

#[test]
fn a_v4_pact_with_rules_keyed_by_root_is_served_by_stub_and_verified_by_both_verifiers() {
    let dir = temp_dir("keyed-rules");
    let keyed =
        |matcher: serde_json::Value| json!({"$": {"combine": "AND", "matchers": [matcher]}});
    let success = json!({"match": "statusCode", "status": "success"});
    let pact = |request_path: &str, path_rule: Option<serde_json::Value>, status: u16| {
        let mut request = json!({"method": "GET", "path": request_path});
        if let Some(rule) = path_rule {
            request["matchingRules"] = json!({"path": rule});
        }
        json!({
            "consumer": {"name": "Web"},
            "provider": {"name": "Builds"},
            "interactions": [{
                "type": "Synchronous/HTTP",
                "description": "a request for a build",
                "request": request,
                "response": {
                    "status": status,
                    "headers": {"Content-Type": ["application/json"]},
                    "body": {"content": {"id": 7}, "contentType": "application/json", "encoded": false},
                    "matchingRules": {"status": keyed(success.clone())}
                }
            }],
            "metadata": {"pactSpecification": {"version": "4.0"}}
        })
        .to_string()
    };
    // The stub's pact: any /builds/<digits> path (a `$`-keyed path rule) answers 201.
    let served = dir.join("served.json");
    let regex = json!({"match": "regex", "regex": "/builds/\\d+"});
    std::fs::write(&served, pact("/builds/1", Some(keyed(regex)), 201)).unwrap();
    // The verified pact: its example says 200, its `$`-keyed status rule any 2xx.
    let verified = dir.join("verified.json");
    std::fs::write(&verified, pact("/builds/7", None, 200)).unwrap();
    let (mut stub, url, _) = start_stub(&served);
    let output = cargo_pact_in(
        &dir,
        &[
            "verify",
            "--provider-base-url",
            &url,
            "--file",
            verified.to_str().unwrap(),
        ],
    );
    let out = text(&output);
    let reference = peers::reference_cli("keyed rules").map(|cli| {
        Command::new(cli)
            .args(["verifier", "--file", verified.to_str().unwrap()])
            .args([
                "--hostname",
                "127.0.0.1",
                "--port",
                url.rsplit(':').next().unwrap(),
            ])
            .env("PACT_DO_NOT_TRACK", "true")
            .output()
            .unwrap()
    });
    stub.kill().unwrap();
    stub.wait().unwrap();
    assert_eq!(output.status.code(), Some(0), "{out}");
    assert!(out.contains("1 interaction verified: 1 passed"), "{out}");
    if let Some(reference) = reference {
        assert_eq!(
            reference.status.code(),
            Some(0),
            "the reference verifier: {}",
            text(&reference)
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_provider_that_compresses_its_answer_is_verified_on_what_it_encodes() {
    use std::io::Write;
    let json_text = br#"{"id":7,"tags":["compressed","compressed","compressed","compressed","compressed","compressed","compressed","compressed"]}"#;
    let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gzip.write_all(json_text).unwrap();
    let mut deflate = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    deflate.write_all(json_text).unwrap();
    // The same JSON compressed with brotli (quality 11).
    let br: Vec<u8> = vec![
        27, 120, 0, 248, 29, 7, 206, 217, 60, 62, 188, 32, 8, 156, 218, 196, 90, 132, 172, 108,
        111, 223, 108, 165, 245, 73, 22, 157, 174, 150, 68, 23, 112, 64, 147, 13, 252, 242, 145,
        175, 4, 69, 165, 67, 159, 46, 240,
    ];
    let dir = temp_dir("compressed");
    for (coding, bytes) in [
        ("gzip", gzip.finish().unwrap()),
        ("deflate", deflate.finish().unwrap()),
        ("br", br),
    ] {
        let provider = serve(warp::get().map(move || {
            warp::http::Response::builder()
                .header("Content-Type", "application/json")
                .header("Content-Encoding", coding)
                .body(warp::hyper::body::Bytes::from(bytes.clone()))
                .map(warp::reply::Reply::into_response)
                .unwrap()
        }));
        let pact = dir.join(format!("{coding}.json"));
        std::fs::write(
            &pact,
            json!({
                "consumer": {"name": "Web"},
                "provider": {"name": "Builds"},
                "interactions": [{
                    "description": format!("a {coding} answer"),
                    "request": {"method": "GET", "path": "/builds/7", "headers": {"Accept-Encoding": coding}},
                    "response": {
                        "status": 200,
                        "headers": {"Content-Type": "application/json"},
                        "body": {"id": 7, "tags": ["compressed"]},
                        "matchingRules": {"body": {"$.tags": {"matchers": [{"match": "type", "min": 1}]}}}
                    }
                }],
                "metadata": {"pactSpecification": {"version": "3.0.0"}}
            })
            .to_string(),
        )
        .unwrap();
        let output = cargo_pact_in(
            &dir,
            &[
                "verify",
                "--provider-base-url",
                &provider,
                "--file",
                pact.to_str().unwrap(),
            ],
        );
        let out = text(&output);
        assert_eq!(output.status.code(), Some(0), "{coding}: {out}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_seed_s_pact_verifies_from_a_file_url_with_the_seed_s_flags_outside_any_project() {
    let Some(python_path) = peers::pact_python2("seed pact") else {
        return;
    };
    let dir = temp_dir("seed-pact");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/support/seed_consumer.py");
    let consumer = Command::new("python3")
        .arg(&script)
        .arg(&dir)
        .arg(port.to_string())
        .env("PYTHONPATH", &python_path)
        .env("PACT_DO_NOT_TRACK", "true")
        .output()
        .unwrap();
    assert!(
        consumer.status.success(),
        "the seed's consumer test: {}",
        text(&consumer)
    );
    let pact = dir.join("consumer-provider.json");
    let written = std::fs::read_to_string(&pact).unwrap();
    assert!(
        written.contains(r#""method": "get""#) && written.contains(r#""providerState""#),
        "{written}"
    );
    // A provider with the build once its state is set up, recording the state requests.
    let states = Received::default();
    let recorded = states.clone();
    let provider = serve(
        warp::post()
            .and(warp::path!("api" / "_pact" / "state"))
            .and(warp::body::json())
            .map(move |body: serde_json::Value| {
                recorded
                    .lock()
                    .unwrap()
                    .push(("POST".into(), String::new(), None, body));
                warp::reply::Reply::into_response(warp::reply::json(&json!({})))
            })
            .or(warp::path!("builds" / u64).map(|id: u64| {
                warp::reply::Reply::into_response(warp::reply::json(&json!({
                    "name": format!("#{id}"), "completed": false,
                    "info": {"build_time": 9, "started_by": "cron"}
                })))
            }))
            .unify(),
    );
    let output = cargo_pact_in(
        &dir,
        &[
            "verify",
            &format!("--provider-base-url={provider}"),
            &format!("--provider-states-setup-url={provider}/api/_pact/state"),
            "--provider-app-version",
            "latest",
            &format!("--pact-url=file://{}", pact.display()),
        ],
    );
    let out = text(&output);
    assert_eq!(output.status.code(), Some(0), "{out}");
    assert!(
        out.contains("Verifying a pact between Consumer and Provider"),
        "{out}"
    );
    assert!(out.contains("1 interaction verified: 1 passed"), "{out}");
    let states = states.lock().unwrap();
    assert_eq!(states[0].3["state"], "build 3455 exists", "{:?}", states);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_seed_s_command_line_verifies_a_broker_pact_url_and_publishes_through_its_link() {
    let dir = temp_dir("seed-broker");
    let received = Received::default();
    let broker = recording_broker(received.clone());
    let provider = serve(routes(Store::default()));
    // As the seed spells it, every flag `=`-joined, no provider name anywhere.
    let output = cargo_pact_in(
        &dir,
        &[
            "verify",
            &format!("--provider-base-url={provider}"),
            "--pact-broker-username=ci",
            "--pact-broker-password=s3cret",
            "--publish-verification-results",
            "--provider-app-version",
            "latest",
            &format!("--provider-states-setup-url={provider}/api/_pact/state"),
            &format!("--pact-url={broker}/pacts/provider/Provider/consumer/Consumer/latest"),
        ],
    );
    let out = text(&output);
    assert_eq!(output.status.code(), Some(0), "{out}");
    assert!(out.contains("verification result published"), "{out}");
    assert!(!out.contains("s3cret"), "{out}");
    let received = received.lock().unwrap();
    let (_, _, auth, result) = received
        .iter()
        .find(|r| r.0 == "POST" && r.1.ends_with("/pact-version/abc/verification-results"))
        .expect("the result, posted to the pact's pb:publish-verification-results link");
    assert_eq!(auth.as_deref(), Some("Basic Y2k6czNjcmV0"));
    assert_eq!(result["success"], true);
    assert_eq!(result["providerApplicationVersion"], "latest");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn malformed_urls_exit_2_naming_their_flag_before_any_request() {
    let received = Received::default();
    let recorded = received.clone();
    let provider = serve(
        warp::path::full()
            .and(warp::get().or(warp::post()).unify())
            .map(move |p: warp::path::FullPath| {
                recorded.lock().unwrap().push((
                    "ANY".into(),
                    p.as_str().into(),
                    None,
                    serde_json::Value::Null,
                ));
                warp::reply::Reply::into_response(warp::reply::json(&json!({})))
            }),
    );
    let pact = example_pact();
    let pact = pact.to_str().unwrap();
    let cases: [(&[&str], &str); 4] = [
        (
            &[
                "--provider-base-url",
                &provider,
                "--state-change-url",
                "localhost:3001/state",
                "--file",
                pact,
            ],
            "invalid --state-change-url (--provider-states-setup-url)",
        ),
        (
            &["--provider-base-url", "127.0.0.1:3001", "--file", pact],
            "invalid --provider-base-url (or --hostname/--port)",
        ),
        (
            &[
                "--provider-base-url",
                &provider,
                "--provider-name",
                "Provider",
                "--broker-url",
                "broker.example:9292",
            ],
            "invalid --broker-url (PACT_BROKER_BASE_URL)",
        ),
        (
            &[
                "--provider-base-url",
                &provider,
                "--url",
                "https://user:secret@/pacts/x",
            ],
            "invalid --url (--pact-url)",
        ),
    ];
    for (args, flag) in cases {
        let mut all = vec!["verify"];
        all.extend(args);
        let output = cargo_pact(&all);
        let out = text(&output);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {out}");
        assert!(out.contains(&format!("error: {flag}")), "{out}");
        assert!(!out.contains("secret"), "{out}");
    }
    assert!(received.lock().unwrap().is_empty(), "no request may go out");
}

/// Serves the example pact at any path, recording each request's Authorization header.
fn pact_server(received: Received) -> String {
    let pact: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(example_pact()).unwrap()).unwrap();
    serve(
        warp::get()
            .and(warp::path::full())
            .and(warp::header::optional::<String>("authorization"))
            .map(move |path: warp::path::FullPath, auth: Option<String>| {
                received.lock().unwrap().push((
                    "GET".into(),
                    path.as_str().into(),
                    auth,
                    serde_json::Value::Null,
                ));
                warp::reply::Reply::into_response(warp::reply::json(&pact))
            }),
    )
}

#[test]
fn credentials_go_only_to_their_origin_and_never_into_the_output() {
    let (first, second) = (Received::default(), Received::default());
    let (a, b) = (pact_server(first.clone()), pact_server(second.clone()));
    let provider = serve(routes(Store::default()));
    let output = cargo_pact(&[
        "verify",
        "--provider-base-url",
        &provider,
        "--provider-states-setup-url",
        &format!("{provider}/api/_pact/state"),
        "--url",
        &format!("{a}/pacts/one"),
        "--url",
        &format!("{b}/pacts/two"),
        "--broker-token",
        "t0ken-for-a",
    ]);
    let out = text(&output);
    assert_eq!(output.status.code(), Some(0), "{out}");
    assert_eq!(
        first.lock().unwrap()[0].2.as_deref(),
        Some("Bearer t0ken-for-a")
    );
    assert_eq!(
        second.lock().unwrap()[0].2,
        None,
        "another origin gets no credentials"
    );
    assert!(
        out.contains(&format!(
            "warning: not sending the credentials to {b}/pacts/two: they are for {a}/pacts/one"
        )),
        "{out}"
    );
    // A state change URL's credentials are not printed when it fails.
    let closed = closed_port_url().replace("http://", "http://ci:pa55word@");
    let pact = example_pact();
    let output = cargo_pact(&[
        "verify",
        "--provider-name",
        "Provider",
        "--provider-base-url",
        &provider,
        "--state-change-url",
        &format!("{closed}/state"),
        "--file",
        pact.to_str().unwrap(),
    ]);
    let out = text(&output);
    assert_ne!(output.status.code(), Some(0), "{out}");
    assert!(out.contains("/state"), "{out}");
    assert!(!out.contains("pa55word") && !out.contains("t0ken"), "{out}");
}

/// A misspelt subcommand or flag: a short error naming it, the likely one, and exit 2.
#[test]
fn an_unknown_subcommand_or_flag_gets_a_short_error_with_a_hint() {
    for (args, wrong, hint) in [
        (&["verfy"][..], "'verfy'", "'verify'"),
        (
            &["publish", "--brokr-url", "x"][..],
            "'--brokr-url'",
            "'--broker-url'",
        ),
        (
            &["can-i-deploy", "--to-enviroment", "prod"][..],
            "'--to-enviroment'",
            "'--to-environment'",
        ),
    ] {
        let output = cargo_pact(args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&output.stderr);
        assert!(err.starts_with("error: "), "{err}");
        assert!(
            err.contains(wrong) && err.contains("tip: a similar") && err.contains(hint),
            "{args:?}: {err}"
        );
        assert!(err.lines().count() <= 8, "not short: {err}");
        assert!(output.stdout.is_empty(), "{args:?}");
    }
}
