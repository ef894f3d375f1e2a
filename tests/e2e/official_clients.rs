//! The official Pact clients against `pact-broker`, end to end: the reference's Rust CLI
//! (`pact broker …`, `pact verifier`, from PyPI `pact-python-cli==1!0.10.9`) and the Ruby
//! `pact-broker` CLI (`pact-python-cli==2.6.4.0`) publish, verify from the broker with
//! selectors, pending and `--publish`, ask `can-i-deploy`, and record a deployment. Each
//! skips with a message when its CLI is absent, outside CI (`.ci/install-peers` installs
//! them).

#[path = "../../cargo-pact/tests/support/peers.rs"]
mod peers;
#[path = "support.rs"]
mod support;

use pact_broker::auth::{AuthConfig, BasicUser};
use pact_broker::store::Store;
use pact_broker::{Broker, BrokerConfig};
use pact_runtime::stub_server::{StubOptions, StubServer};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const USER: &str = "ci-user";
const PASSWORD: &str = "e2e-Secret-pw";

/// A pact between Web and API whose one interaction expects `body`.
fn write_pact(dir: &Path, body: &str) -> PathBuf {
    let pact = serde_json::json!({
        "consumer": {"name": "Web"},
        "provider": {"name": "API"},
        "interactions": [{
            "description": "a request for the price",
            "request": {"method": "GET", "path": "/price"},
            "response": {"status": 200, "headers": {"Content-Type": "application/json"}, "body": {"price": body}},
        }],
        "metadata": {"pactSpecification": {"version": "2.0.0"}},
    });
    std::fs::create_dir_all(dir).unwrap();
    let file = dir.join("Web-API.json");
    std::fs::write(&file, pact.to_string()).unwrap();
    file
}

fn run(cli: &Path, args: &[&str]) -> Output {
    let out = Command::new(cli)
        .args(args)
        .env("PACT_DO_NOT_TRACK", "true")
        .env_remove("PACT_BROKER_BASE_URL")
        .env("PACT_BROKER_USERNAME", USER)
        .env("PACT_BROKER_PASSWORD", PASSWORD)
        .output()
        .expect("run the CLI");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!text.contains(PASSWORD), "the password leaked: {text}");
    println!("$ {} {}\n{text}", cli.display(), args.join(" "));
    out
}

fn ok(out: &Output) -> bool {
    out.status.success()
}

/// A provider that answers as the pact at `file` says (our stub server).
fn provider(file: &Path) -> StubServer {
    let text = std::fs::read_to_string(file).unwrap();
    let pact =
        pact_runtime::pact_core::model::read_pact(&text, &file.display().to_string()).unwrap();
    StubServer::start(vec![pact], StubOptions::default()).expect("stub provider")
}

#[test]
fn official_clients_publish_verify_and_ask_can_i_deploy() {
    let Some(rust_cli) = peers::reference_cli("official-clients") else {
        return;
    };
    let ruby_cli = peers::ruby_broker_cli("official-clients");
    let dir = support::temp_dir("official-clients");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let config = BrokerConfig {
        auth: AuthConfig {
            read_write_user: Some(BasicUser {
                username: USER.into(),
                password: PASSWORD.into(),
            }),
            ..AuthConfig::default()
        },
        ..BrokerConfig::default()
    };
    let database = format!("sqlite://{}", dir.0.join("broker.sqlite").display());
    let (url, stop) = runtime.block_on(async {
        let store = Store::open(&database).await.expect("database");
        let broker = Broker::new(store, config);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(pact_broker::serve(broker, listener, async {
            let _ = rx.await;
        }));
        (url, tx)
    });

    // Version 1 of Web publishes with the Rust CLI; version 2 (which expects another
    // price) with the Ruby CLI when it is installed, else with the Rust CLI too.
    let v1 = write_pact(&dir.0.join("v1"), "9.99");
    let v2 = write_pact(&dir.0.join("v2"), "10.99");
    let published = run(
        &rust_cli,
        &[
            "broker",
            "publish",
            v1.parent().unwrap().to_str().unwrap(),
            "-b",
            &url,
            "--consumer-app-version",
            "1",
            "--branch",
            "main",
        ],
    );
    assert!(ok(&published), "the Rust CLI publishes");
    let published = match &ruby_cli {
        Some(ruby) => run(
            ruby,
            &[
                "publish",
                v2.parent().unwrap().to_str().unwrap(),
                "-b",
                &url,
                "--consumer-app-version",
                "2",
                "--branch",
                "feat-x",
            ],
        ),
        None => run(
            &rust_cli,
            &[
                "broker",
                "publish",
                v2.parent().unwrap().to_str().unwrap(),
                "-b",
                &url,
                "--consumer-app-version",
                "2",
                "--branch",
                "feat-x",
            ],
        ),
    };
    assert!(ok(&published), "the second publish succeeds");

    // The reference verifier verifies the main-branch pact from the broker, with pending,
    // and publishes: provider version P1 is faithful to version 1; P2 answers as version 2
    // expects, so it breaks version 1.
    let verify = |pact: &Path, provider_version: &str| {
        let provider = provider(pact);
        let port = provider
            .url()
            .rsplit(':')
            .next()
            .unwrap()
            .trim_end_matches('/')
            .to_string();
        let args = [
            "verifier",
            "--broker-url",
            &url,
            "--user",
            USER,
            "--password",
            PASSWORD,
            "--provider-name",
            "API",
            "--hostname",
            "127.0.0.1",
            "--port",
            &port,
            "--consumer-version-selectors",
            r#"{"mainBranch":true}"#,
            "--enable-pending",
            "--provider-version",
            provider_version,
            "--provider-branch",
            "main",
            "--publish",
        ];
        ok(&run(&rust_cli, &args))
    };
    assert!(verify(&v1, "P1"), "P1 verifies version 1");
    assert!(!verify(&v2, "P2"), "P2 fails version 1");

    let can = |cli: &Path, ruby: bool, pacticipant: &str, version: &str, extra: &[&str]| {
        let mut args: Vec<&str> = if ruby {
            vec!["can-i-deploy"]
        } else {
            vec!["broker", "can-i-deploy"]
        };
        args.extend([
            "--pacticipant",
            pacticipant,
            "--version",
            version,
            "-b",
            &url,
        ]);
        args.extend(extra);
        ok(&run(cli, &args))
    };
    // Against the latest Web (2, unverified on its feature branch) nothing may deploy, as
    // the real broker answers; against Web 1, P1 may and P2 may not.
    assert!(
        !can(&rust_cli, false, "API", "P1", &[]),
        "Rust: not with the latest Web"
    );
    let with_web_1 = ["--pacticipant", "Web", "--version", "1"];
    assert!(
        can(&rust_cli, false, "API", "P1", &with_web_1),
        "Rust: P1 with Web 1"
    );
    assert!(
        !can(&rust_cli, false, "API", "P2", &with_web_1),
        "Rust: not P2 with Web 1"
    );
    if let Some(ruby) = &ruby_cli {
        assert!(
            can(ruby, true, "API", "P1", &with_web_1),
            "Ruby: P1 with Web 1"
        );
        assert!(
            !can(ruby, true, "API", "P2", &with_web_1),
            "Ruby: not P2 with Web 1"
        );
    }

    // Record P1 in production; then Web 1 may go to production, Web 2 (unverified) not.
    assert!(ok(&run(
        &rust_cli,
        &[
            "broker",
            "create-environment",
            "--name",
            "production",
            "--production",
            "-b",
            &url
        ]
    )));
    assert!(ok(&run(
        &rust_cli,
        &[
            "broker",
            "record-deployment",
            "--pacticipant",
            "API",
            "--version",
            "P1",
            "--environment",
            "production",
            "-b",
            &url
        ]
    )));
    assert!(
        can(
            &rust_cli,
            false,
            "Web",
            "1",
            &["--to-environment", "production"]
        ),
        "Web 1 to production"
    );
    assert!(
        !can(
            &rust_cli,
            false,
            "Web",
            "2",
            &["--to-environment", "production"]
        ),
        "Web 2 not to production"
    );
    if let Some(ruby) = &ruby_cli {
        assert!(
            can(ruby, true, "Web", "1", &["--to-environment", "production"]),
            "Ruby: Web 1 to production"
        );
    }
    let _ = stop.send(());
}
