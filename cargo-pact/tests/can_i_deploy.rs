//! `cargo pact can-i-deploy` against a real `cargo pact broker` seeded over its HTTP API (a
//! pact published, verification results published through the pact's link, an environment
//! and a deployment recorded), and the request it sends compared with the one the official
//! Ruby CLI sent for the same question.

#[path = "support/pipeline.rs"]
mod pipeline;

use pipeline::{cargo_pact, official_requests, shape_differences, text, BrokerProcess};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Duration, Instant};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// A request as the official clients send it; the status and the JSON body (`null` if none).
fn send(method: &str, url: &str, body: Option<&Value>, token: Option<&str>) -> (u16, Value) {
    runtime().block_on(async {
        let client = reqwest::Client::new();
        let mut req = client
            .request(reqwest::Method::from_bytes(method.as_bytes()).unwrap(), url)
            .header("Accept", "application/hal+json");
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        if let Some(body) = body {
            req = req.json(body);
        }
        let answer = req.send().await.unwrap();
        let status = answer.status().as_u16();
        let bytes = answer.bytes().await.unwrap();
        (
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        )
    })
}

/// A pact from Web to API whose content differs per `n` (so each version has its own).
fn pact(n: u32) -> Value {
    json!({
        "consumer": {"name": "Web"},
        "provider": {"name": "API"},
        "interactions": [{
            "description": format!("a request for thing {n}"),
            "request": {"method": "GET", "path": format!("/things/{n}")},
            "response": {"status": 200},
        }],
        "metadata": {"pactSpecification": {"version": "2.0.0"}},
    })
}

/// A broker with data, and where it keeps it.
struct Seeded {
    broker: BrokerProcess,
    _dir: PathBuf,
}

impl Seeded {
    fn url(&self) -> &str {
        &self.broker.url
    }
}

/// Publishes Web `version` (on branch main) with `pact(n)` through `POST /contracts/publish`.
fn publish(base: &str, version: &str, n: u32) {
    use base64::Engine as _;
    let content = base64::engine::general_purpose::STANDARD.encode(pact(n).to_string());
    let body = json!({
        "pacticipantName": "Web",
        "pacticipantVersionNumber": version,
        "branch": "main",
        "contracts": [{
            "consumerName": "Web", "providerName": "API", "specification": "pact",
            "contentType": "application/json", "content": content,
        }],
    });
    let (status, answer) = send(
        "POST",
        &format!("{base}/contracts/publish"),
        Some(&body),
        None,
    );
    assert_eq!(status, 200, "{answer}");
}

/// Publishes API `provider_version`'s verification of Web `version`'s pact through the
/// pact's `pb:publish-verification-results` link.
fn verify(base: &str, version: &str, provider_version: &str, success: bool) {
    let (status, pact) = send(
        "GET",
        &format!("{base}/pacts/provider/API/consumer/Web/version/{version}"),
        None,
        None,
    );
    assert_eq!(status, 200, "{pact}");
    let href = pact["_links"]["pb:publish-verification-results"]["href"]
        .as_str()
        .unwrap_or_else(|| panic!("no pb:publish-verification-results in {pact}"));
    let body = json!({"success": success, "providerApplicationVersion": provider_version});
    let (status, answer) = send("POST", href, Some(&body), None);
    assert_eq!(status, 201, "{answer}");
}

/// Records that `pacticipant` `version` is deployed to `environment`, through the version's
/// `pb:record-deployment` link of that name, as the official CLIs do.
fn record_deployment(base: &str, pacticipant: &str, version: &str, environment: &str) {
    let (status, v) = send(
        "GET",
        &format!("{base}/pacticipants/{pacticipant}/versions/{version}"),
        None,
        None,
    );
    assert_eq!(status, 200, "{v}");
    let links = v["_links"]["pb:record-deployment"].as_array().cloned();
    let href = links
        .unwrap_or_default()
        .into_iter()
        .find(|l| l["name"] == environment)
        .and_then(|l| l["href"].as_str().map(str::to_string))
        .unwrap_or_else(|| panic!("no pb:record-deployment for {environment} in {v}"));
    let (status, answer) = send("POST", &href, Some(&json!({})), None);
    assert_eq!(status, 201, "{answer}");
}

/// A broker where Web 1 is verified by API P1, Web 2 failed API P1's verification, Web 3 is
/// not verified, and an environment `production` exists with nothing deployed.
fn seeded(name: &str) -> Seeded {
    let dir = pipeline::temp_dir(&format!("cid-{name}"));
    let broker = BrokerProcess::start(&dir, &[]);
    let base = broker.url.clone();
    for (version, n) in [("1", 1), ("2", 2), ("3", 3)] {
        publish(&base, version, n);
    }
    verify(&base, "1", "P1", true);
    verify(&base, "2", "P1", false);
    let (status, env) = send(
        "POST",
        &format!("{base}/environments"),
        Some(&json!({"name": "production", "production": true})),
        None,
    );
    assert_eq!(status, 201, "{env}");
    Seeded { broker, _dir: dir }
}

/// `cargo pact can-i-deploy ARGS --broker-url URL` outside any cargo project.
fn can_i_deploy(url: &str, args: &[&str]) -> Output {
    can_i_deploy_in(&std::env::temp_dir(), url, args, &[])
}

fn can_i_deploy_in(dir: &Path, url: &str, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut all = vec!["can-i-deploy"];
    all.extend(args);
    all.extend(["--broker-url", url]);
    cargo_pact(dir, &all, env)
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The matrix as the broker answers it, to compare what the command prints with.
fn matrix(base: &str, query: &str) -> Value {
    let (status, answer) = send("GET", &format!("{base}/matrix?{query}"), None, None);
    assert_eq!(status, 200, "{answer}");
    answer
}

/// The line of the table that is about Web `version`.
fn row_of<'a>(out: &'a str, version: &str) -> Option<&'a str> {
    out.lines().find(|l| {
        let cells: Vec<&str> = l.split(" | ").map(str::trim).collect();
        cells.len() >= 5 && cells[0] == "Web" && cells[1] == version
    })
}

#[test]
fn a_verified_version_can_be_deployed_and_a_failed_one_cannot() {
    let b = seeded("yes-no");
    let yes = can_i_deploy(b.url(), &["--pacticipant", "Web", "--version", "1"]);
    let out = stdout(&yes);
    assert_eq!(yes.status.code(), Some(0), "{}", text(&yes));
    assert!(out.contains("Computer says yes"), "{}", text(&yes));
    let row = row_of(&out, "1").unwrap_or_else(|| panic!("no row for Web 1:\n{out}"));
    let cells: Vec<&str> = row.split(" | ").map(str::trim).collect();
    assert_eq!(cells[..5], ["Web", "1", "API", "P1", "true"], "{row}");
    assert!(cells[5].contains("/verification-results/"), "{row}");
    // Progress goes to stderr, the answer to stdout.
    let err = String::from_utf8_lossy(&yes.stderr);
    assert!(err.contains(b.url()), "{err}");
    assert!(!out.contains("Asking"), "{out}");

    let no = can_i_deploy(b.url(), &["--pacticipant", "Web", "--version", "2"]);
    let out = stdout(&no);
    assert_eq!(no.status.code(), Some(1), "{}", text(&no));
    assert!(out.contains("Computer says no"), "{}", text(&no));
    let row = row_of(&out, "2").unwrap_or_else(|| panic!("no row for Web 2:\n{out}"));
    assert!(row.contains("| API ") && row.contains("| false"), "{row}");
    let answer = matrix(
        b.url(),
        "q[][pacticipant]=Web&q[][version]=2&latestby=cvp&latest=true",
    );
    let reason = answer["summary"]["reason"].as_str().unwrap();
    assert!(!reason.is_empty());
    for line in reason.lines() {
        assert!(out.contains(line), "reason {line:?} missing:\n{out}");
    }
    assert_eq!(
        out.matches(reason.lines().last().unwrap()).count(),
        1,
        "{out}"
    );
}

#[test]
fn to_environment_checks_what_is_deployed_there() {
    let b = seeded("environment");
    let args = [
        "--pacticipant",
        "Web",
        "--version",
        "1",
        "--to-environment",
        "production",
    ];
    // API is not in production yet: Web 1's provider is missing there.
    let before = can_i_deploy(b.url(), &args);
    assert_eq!(before.status.code(), Some(1), "{}", text(&before));
    assert!(
        stdout(&before).contains("Computer says no"),
        "{}",
        text(&before)
    );

    record_deployment(b.url(), "API", "P1", "production");
    let after = can_i_deploy(b.url(), &args);
    assert_eq!(after.status.code(), Some(0), "{}", text(&after));
    let out = stdout(&after);
    assert!(out.contains("Computer says yes"), "{out}");
    assert!(row_of(&out, "1").is_some_and(|r| r.contains("P1")), "{out}");

    // Web 2 failed against what is in production.
    let failed = can_i_deploy(
        b.url(),
        &["-a", "Web", "-e", "2", "--to-environment", "production"],
    );
    assert_eq!(failed.status.code(), Some(1), "{}", text(&failed));
}

#[test]
fn output_json_is_the_broker_s_answer() {
    let b = seeded("json");
    let output = can_i_deploy(b.url(), &["-a", "Web", "-e", "1", "--output", "json"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let answer: Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", text(&output)));
    assert_eq!(answer["summary"]["deployable"], json!(true), "{answer}");
    assert_eq!(answer["matrix"][0]["consumer"]["version"]["number"], "1");

    let no = can_i_deploy(b.url(), &["-a", "Web", "-e", "2", "-o", "json"]);
    assert_eq!(no.status.code(), Some(1), "{}", text(&no));
    let answer: Value = serde_json::from_slice(&no.stdout).unwrap();
    assert_eq!(answer["summary"]["deployable"], json!(false), "{answer}");
}

#[test]
fn a_dry_run_exits_0_on_a_no_and_says_it_was_a_dry_run() {
    let b = seeded("dry-run");
    let output = can_i_deploy(b.url(), &["-a", "Web", "-e", "2", "--dry-run"]);
    let out = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    assert!(out.contains("Computer says no"), "the real answer:\n{out}");
    assert!(
        row_of(&out, "2").is_some_and(|r| r.contains("false")),
        "{out}"
    );
    assert!(out.contains("Dry run"), "{out}");
    // The Ruby CLI's variable does the same.
    let output = can_i_deploy_in(
        &std::env::temp_dir(),
        b.url(),
        &["-a", "Web", "-e", "2"],
        &[("PACT_BROKER_CAN_I_DEPLOY_DRY_RUN", "true")],
    );
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    assert!(stdout(&output).contains("Dry run"), "{}", text(&output));
}

#[test]
fn retry_while_unknown_asks_again_then_says_no() {
    let b = seeded("retry");
    let proxy = pipeline::RecordingProxy::start(b.url());
    let started = Instant::now();
    let output = can_i_deploy(
        &proxy.url,
        &[
            "-a",
            "Web",
            "-e",
            "3",
            "--retry-while-unknown",
            "1",
            "--retry-interval",
            "1",
        ],
    );
    let took = started.elapsed();
    assert_eq!(output.status.code(), Some(1), "{}", text(&output));
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(
        err.contains("Waiting") && err.contains("1 verification result"),
        "{}",
        text(&output)
    );
    let asked = proxy
        .requests()
        .iter()
        .filter(|r| r.path.starts_with("/matrix?"))
        .count();
    assert_eq!(asked, 2, "one question and one retry");
    assert!(
        took >= Duration::from_secs(1),
        "no wait between them: {took:?}"
    );
    let out = stdout(&output);
    assert!(
        row_of(&out, "3").is_some_and(|r| r.contains("unknown")),
        "{out}"
    );

    // Without retries, an unknown is a no at once.
    proxy.clear();
    let output = can_i_deploy(&proxy.url, &["-a", "Web", "-e", "3"]);
    assert_eq!(output.status.code(), Some(1), "{}", text(&output));
    assert_eq!(proxy.requests().len(), 1);
}

#[test]
fn an_unknown_pacticipant_shows_the_broker_s_message() {
    let b = seeded("unknown");
    let output = can_i_deploy(b.url(), &["-a", "Nope", "-e", "1"]);
    let err = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    let (status, answer) = send(
        "GET",
        &format!(
            "{}/matrix?q[][pacticipant]=Nope&q[][version]=1&latestby=cvp&latest=true",
            b.url()
        ),
        None,
        None,
    );
    assert_eq!(status, 400, "{answer}");
    let message = answer["errors"][0].as_str().unwrap();
    assert!(
        err.contains("error: ") && err.contains(message),
        "{message:?} missing:\n{err}"
    );
}

fn closed_port_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    format!("http://127.0.0.1:{port}")
}

#[test]
fn a_broker_that_is_down_exits_4_naming_its_url_without_credentials() {
    let url = closed_port_url();
    let with_credentials = url.replace("http://", "http://ci:hunter2-secret@");
    let output = can_i_deploy(&with_credentials, &["-a", "Web", "-e", "1"]);
    let out = text(&output);
    assert_eq!(output.status.code(), Some(4), "{out}");
    let host = url.trim_start_matches("http://");
    assert!(out.contains("error: ") && out.contains(host), "{out}");
    assert!(!out.contains("hunter2"), "the password leaked:\n{out}");
}

#[test]
fn a_wrong_token_exits_4_and_no_token_is_printed() {
    let dir = pipeline::temp_dir("cid-token");
    let broker = BrokerProcess::start(&dir, &[("PACT_BROKER_TOKEN", "right-token-31415")]);
    let output = can_i_deploy(
        &broker.url,
        &[
            "-a",
            "Web",
            "-e",
            "1",
            "--broker-token",
            "wrong-token-27182",
            "--log-level",
            "debug",
        ],
    );
    let out = text(&output);
    assert_eq!(output.status.code(), Some(4), "{out}");
    assert!(
        out.contains("error: ") && out.contains(&broker.url),
        "{out}"
    );
    assert!(
        out.contains("/matrix?") && out.contains("-> 401"),
        "the debug log: {out}"
    );
    assert!(
        !out.contains("wrong-token") && !out.contains("right-token"),
        "{out}"
    );
    // From the variable too.
    let output = can_i_deploy_in(
        &dir,
        &broker.url,
        &["-a", "Web", "-e", "1"],
        &[("PACT_BROKER_TOKEN", "wrong-token-27182")],
    );
    let out = text(&output);
    assert_eq!(output.status.code(), Some(4), "{out}");
    assert!(!out.contains("wrong-token"), "{out}");
    // The right one is let in (Web is unknown there: the broker's 400, exit 2).
    let output = can_i_deploy_in(
        &dir,
        &broker.url,
        &["-a", "Web", "-e", "1"],
        &[("PACT_BROKER_TOKEN", "right-token-31415")],
    );
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
}

#[test]
fn in_a_package_the_pacticipant_and_version_default_to_the_package_s() {
    let b = seeded("defaults");
    let dir = pipeline::temp_dir("cid-package");
    std::fs::write(
        dir.join("Cargo.toml"),
        "[package]\nname = \"web-app\"\nversion = \"1.4.0\"\n\n\
         [package.metadata.pact]\nconsumer = \"Web\"\nprovider = \"API\"\n",
    )
    .unwrap();
    // The CI's commit variable gives the sha: `<package version>+<short sha>`.
    let version = "1.4.0+0123abc";
    publish(b.url(), version, 4);
    verify(b.url(), version, "P1", true);
    let proxy = pipeline::RecordingProxy::start(b.url());
    let output = can_i_deploy_in(&dir, &proxy.url, &[], &[("GITHUB_SHA", "0123abcdef")]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    assert!(
        row_of(&stdout(&output), version).is_some(),
        "{}",
        text(&output)
    );
    let asked = proxy.requests();
    assert_eq!(
        asked[0].path,
        format!("/matrix?q[][pacticipant]=Web&q[][version]={version}&latestby=cvp&latest=true")
    );
    // The package's own pacticipant named without a version is at the package's version
    // too; another pacticipant needs one.
    let output = can_i_deploy_in(
        &dir,
        &proxy.url,
        &["-a", "Web"],
        &[("GITHUB_SHA", "0123abcdef")],
    );
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let output = can_i_deploy_in(&dir, &proxy.url, &["-a", "API"], &[]);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(
        text(&output).contains("no version for API"),
        "{}",
        text(&output)
    );
}

/// The query pairs of a recorded path, in order.
fn pairs(path: &str) -> (String, Vec<(String, String)>) {
    let (path, query) = path.split_once('?').unwrap_or((path, ""));
    let pairs = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (k.to_string(), v.to_string())
        })
        .collect();
    (path.to_string(), pairs)
}

#[test]
fn the_request_is_the_one_the_ruby_cli_sent_for_the_same_question() {
    let official = official_requests();
    if official.is_empty() {
        eprintln!(
            "skipped: ../shared/broker-recordings.jsonl is absent (set PACT_BROKER_RECORDINGS)"
        );
        return;
    }
    let ruby = |r: &&pipeline::Recorded| {
        r.headers
            .iter()
            .any(|(k, v)| k == "user-agent" && v.contains("pact_broker-client"))
    };
    let b = seeded("shape");
    let proxy = pipeline::RecordingProxy::start(b.url());
    // The same questions the recordings hold, asked with the same names and versions.
    let questions: [(&[&str], &str); 3] = [
        (
            &["-a", "Web", "-e", "1", "--to-environment", "production"],
            "/matrix?q[][pacticipant]=Web&q[][version]=1&latestby=cvp&environment=production",
        ),
        (
            &["-a", "Web", "-e", "2", "--to-environment", "production"],
            "/matrix?q[][pacticipant]=Web&q[][version]=2&latestby=cvp&environment=production",
        ),
        (
            &["-a", "Web", "-e", "2", "-a", "API", "-e", "P1"],
            "/matrix?q[][pacticipant]=Web&q[][version]=2&q[][pacticipant]=API&q[][version]=P1&latestby=cvpv",
        ),
    ];
    for (args, recorded) in questions {
        let theirs = official
            .iter()
            .filter(ruby)
            .find(|r| r.method == "GET" && r.path == recorded)
            .unwrap_or_else(|| panic!("the recordings have no Ruby request {recorded}"));
        proxy.clear();
        let output = can_i_deploy(&proxy.url, args);
        assert!(
            matches!(output.status.code(), Some(0 | 1)),
            "{}",
            text(&output)
        );
        let ours = proxy.requests();
        assert_eq!(
            ours.len(),
            1,
            "one request, as the official clients send: {ours:?}"
        );
        let ours = &ours[0];
        assert_eq!(ours.method, theirs.method);
        assert_eq!(
            pairs(&ours.path),
            pairs(&theirs.path),
            "path and query, pair by pair"
        );
        let differences = shape_differences(&ours.body, &theirs.body, &[]);
        assert!(differences.is_empty(), "{differences:?}");
        let accept = |r: &pipeline::Recorded| {
            r.headers
                .iter()
                .find(|(k, _)| k == "accept")
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        assert!(accept(ours).contains("application/hal+json"), "{ours:?}");
        assert!(accept(theirs).contains("application/hal+json"));
    }
}

#[test]
fn help_documents_every_flag_and_its_variable() {
    let output = cargo_pact(&std::env::temp_dir(), &["can-i-deploy", "--help"], &[]);
    let out = text(&output);
    assert_eq!(output.status.code(), Some(0), "{out}");
    for flag in [
        "--pacticipant",
        "--version",
        "--latest",
        "--branch",
        "--main-branch",
        "--ignore",
        "--to-environment",
        "--to <TAG>",
        "--retry-while-unknown",
        "--retry-interval",
        "--dry-run",
        "--output",
        "--color",
        "--broker-url",
        "--broker-username",
        "--broker-password",
        "--broker-token",
        "--manifest-path",
        "PACT_BROKER_BASE_URL",
        "PACT_BROKER_USERNAME",
        "PACT_BROKER_PASSWORD",
        "PACT_BROKER_TOKEN",
        "PACT_BROKER_CAN_I_DEPLOY_DRY_RUN",
        "PACT_BROKER_CAN_I_DEPLOY_IGNORE",
        "1  verification failed",
        "can-i-deploy, the broker said no",
        "4  the broker",
    ] {
        assert!(out.contains(flag), "{flag} missing from:\n{out}");
    }
}
