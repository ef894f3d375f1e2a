//! `cargo pact broker` as a process: it says where it listens, keeps credentials out of
//! its output and log, stops gracefully on SIGTERM, and after `kill -9` in the middle of a
//! stream of publishes every acknowledged publish is there on restart.

#[path = "support/peers.rs"]
mod peers;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_cargo-pact");
const PASSWORD: &str = "Br0ker-Pa55word";
const TOKEN: &str = "tok-3f9a-sekrit";
const RO_PASSWORD: &str = "R3ad-0nly-pw";

struct Broker {
    child: Child,
    url: String,
    log: PathBuf,
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cargo-pact-broker-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Starts `cargo pact broker` on `database` with credentials, logging at debug to `log`.
fn start(database: &str, log: &Path) -> Broker {
    let mut child = Command::new(BIN)
        .args([
            "pact",
            "broker",
            "--port",
            "0",
            "--log-level",
            "debug",
            "--database",
            database,
        ])
        .env("PACT_BROKER_BASIC_AUTH_USERNAME", "admin")
        .env("PACT_BROKER_BASIC_AUTH_PASSWORD", PASSWORD)
        .env("PACT_BROKER_BASIC_AUTH_READ_ONLY_USERNAME", "viewer")
        .env("PACT_BROKER_BASIC_AUTH_READ_ONLY_PASSWORD", RO_PASSWORD)
        .env("PACT_BROKER_TOKEN", TOKEN)
        .env("PACT_BROKER_PUBLIC_HEARTBEAT", "true")
        .env_remove("PACT_BROKER_BASE_URL")
        .env_remove("PACT_BROKER_DATABASE_URL")
        .env_remove("PACT_LOG_LEVEL")
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(log).unwrap())
        .spawn()
        .expect("start cargo pact broker");
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let url = line
        .trim()
        .strip_prefix("pact broker listening on ")
        .unwrap_or_else(|| {
            panic!(
                "unexpected first line: {line:?} (log: {})",
                std::fs::read_to_string(log).unwrap_or_default()
            )
        })
        .to_string();
    let mut second = String::new();
    stdout.read_line(&mut second).unwrap();
    assert!(second.starts_with("database: "), "{second}");
    // The rest of stdout is drained so the broker never blocks on a full pipe.
    std::thread::spawn(move || {
        for l in stdout.lines() {
            println!("broker: {}", l.unwrap_or_default());
        }
    });
    Broker {
        child,
        url,
        log: log.to_path_buf(),
    }
}

fn pact_body(version: usize) -> serde_json::Value {
    use base64::Engine as _;
    let pact = serde_json::json!({
        "consumer": {"name": "Web"}, "provider": {"name": "API"},
        "interactions": [{"description": format!("request {version}"),
                          "request": {"method": "GET", "path": format!("/items/{version}")},
                          "response": {"status": 200, "body": {"n": version}}}],
        "metadata": {"pactSpecification": {"version": "2.0.0"}},
    });
    serde_json::json!({
        "pacticipantName": "Web", "pacticipantVersionNumber": version.to_string(), "branch": "main",
        "contracts": [{"consumerName": "Web", "providerName": "API", "specification": "pact",
                       "contentType": "application/json",
                       "content": base64::engine::general_purpose::STANDARD.encode(pact.to_string())}],
    })
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn the_broker_answers_stops_on_sigterm_and_never_logs_a_secret() {
    let dir = temp_dir("sigterm");
    let log = dir.join("broker.log");
    let mut broker = start(
        &format!("sqlite://{}", dir.join("b.sqlite").display()),
        &log,
    );
    let rt = runtime();
    rt.block_on(async {
        let c = reqwest::Client::new();
        let status = |r: reqwest::Response| r.status().as_u16();
        let publish = format!("{}/contracts/publish", broker.url);
        assert_eq!(
            status(
                c.get(format!("{}/diagnostic/status/heartbeat", broker.url))
                    .send()
                    .await
                    .unwrap()
            ),
            200
        );
        assert_eq!(
            status(c.get(format!("{}/", broker.url)).send().await.unwrap()),
            401
        );
        assert_eq!(
            status(
                c.post(&publish)
                    .basic_auth("admin", Some(PASSWORD))
                    .json(&pact_body(1))
                    .send()
                    .await
                    .unwrap()
            ),
            200
        );
        assert_eq!(
            status(
                c.post(&publish)
                    .bearer_auth(TOKEN)
                    .json(&pact_body(2))
                    .send()
                    .await
                    .unwrap()
            ),
            200
        );
        assert_eq!(
            status(
                c.post(&publish)
                    .basic_auth("viewer", Some(RO_PASSWORD))
                    .json(&pact_body(3))
                    .send()
                    .await
                    .unwrap()
            ),
            403
        );
        assert_eq!(
            status(
                c.get(format!("{}/", broker.url))
                    .basic_auth("admin", Some("wrong-Pa55"))
                    .send()
                    .await
                    .unwrap()
            ),
            401
        );
        assert_eq!(
            status(
                c.get(format!("{}/pacticipants/Web", broker.url))
                    .bearer_auth(TOKEN)
                    .send()
                    .await
                    .unwrap()
            ),
            200
        );
    });
    let pid = broker.child.id().to_string();
    assert!(Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap()
        .success());
    let exit = broker.child.wait().unwrap();
    assert!(exit.success(), "SIGTERM ends the broker with 0: {exit}");
    let logged = std::fs::read_to_string(&broker.log).unwrap();
    assert!(
        logged.contains("/contracts/publish"),
        "the log records requests: {logged}"
    );
    for secret in [PASSWORD, TOKEN, RO_PASSWORD, "wrong-Pa55"] {
        assert!(!logged.contains(secret), "{secret} is in the log");
    }
    assert!(
        !logged.to_ascii_lowercase().contains("authorization: "),
        "an Authorization header is in the log"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn kill_9_during_publishes_loses_no_acknowledged_publish() {
    let dir = temp_dir("kill9");
    for database in peers::databases(&dir) {
        let log = dir.join("broker.log");
        let mut broker = start(&database, &log);
        let rt = runtime();
        let url = broker.url.clone();
        // Four writers publish new versions until the broker dies under them.
        let acknowledged = rt.block_on(async {
            let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
            let writers: Vec<_> = (0..4)
                .map(|w| {
                    let url = url.clone();
                    let stop = stop.clone();
                    tokio::spawn(async move {
                        let c = reqwest::Client::new();
                        let mut acked = Vec::new();
                        let mut n = w;
                        while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                            let sent = c
                                .post(format!("{url}/contracts/publish"))
                                .basic_auth("admin", Some(PASSWORD))
                                .json(&pact_body(n))
                                .send()
                                .await;
                            match sent {
                                Ok(r) if r.status() == 200 => acked.push(n),
                                Ok(r) => panic!("publish {n}: {}", r.status()),
                                Err(_) => break,
                            }
                            n += 4;
                        }
                        acked
                    })
                })
                .collect();
            tokio::time::sleep(std::time::Duration::from_millis(700)).await;
            broker.child.kill().expect("kill -9");
            broker.child.wait().unwrap();
            stop.store(true, std::sync::atomic::Ordering::Relaxed);
            let mut all = Vec::new();
            for w in writers {
                all.extend(w.await.unwrap());
            }
            all
        });
        assert!(
            acknowledged.len() > 5,
            "{database}: only {} publishes before the kill",
            acknowledged.len()
        );
        let restarted = start(&database, &log);
        rt.block_on(async {
            let c = reqwest::Client::new();
            for n in &acknowledged {
                let resp = c
                    .get(format!(
                        "{}/pacts/provider/API/consumer/Web/version/{n}",
                        restarted.url
                    ))
                    .basic_auth("admin", Some(PASSWORD))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(resp.status(), 200, "acknowledged version {n} is gone");
                let pact: serde_json::Value = resp.json().await.unwrap();
                assert_eq!(
                    pact["interactions"][0]["description"],
                    format!("request {n}")
                );
            }
        });
        println!(
            "kill -9: {} acknowledged publishes all read back whole ({database})",
            acknowledged.len()
        );
        let mut restarted = restarted;
        restarted.child.kill().ok();
        restarted.child.wait().ok();
    }
    let _ = std::fs::remove_dir_all(dir);
}
