//! `cargo pact broker` as a process: it says where it listens, keeps credentials out of
//! its output and log, stops gracefully on SIGTERM, and after `kill -9` in the middle of a
//! stream of publishes every acknowledged publish is there on restart. With `--tls-cert`
//! and `--tls-key` it serves HTTPS (and nothing else), with `https://` hrefs. Public badge
//! access opens the badges, by flag or variable, and nothing else.

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
    start_with(database, log, &[])
}

/// [`start`], with more arguments.
fn start_with(database: &str, log: &Path, more: &[&str]) -> Broker {
    start_with_env(database, log, more, &[])
}

/// [`start_with`], with more environment variables.
fn start_with_env(database: &str, log: &Path, more: &[&str], env: &[(&str, &str)]) -> Broker {
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
        .args(more)
        .env("PACT_BROKER_BASIC_AUTH_USERNAME", "admin")
        .env("PACT_BROKER_BASIC_AUTH_PASSWORD", PASSWORD)
        .env("PACT_BROKER_BASIC_AUTH_READ_ONLY_USERNAME", "viewer")
        .env("PACT_BROKER_BASIC_AUTH_READ_ONLY_PASSWORD", RO_PASSWORD)
        .env("PACT_BROKER_TOKEN", TOKEN)
        .env("PACT_BROKER_PUBLIC_HEARTBEAT", "true")
        .env_remove("PACT_BROKER_BASE_URL")
        .env_remove("PACT_BROKER_DATABASE_URL")
        .env_remove("PACT_LOG_LEVEL")
        .env_remove("PACT_BROKER_TLS_CERT")
        .env_remove("PACT_BROKER_TLS_KEY")
        .envs(env.iter().copied())
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

/// The pact `pact_body(version)` publishes: Web's one interaction with API.
fn pact_json(version: usize) -> serde_json::Value {
    serde_json::json!({
        "consumer": {"name": "Web"}, "provider": {"name": "API"},
        "interactions": [{"description": format!("request {version}"),
                          "request": {"method": "GET", "path": format!("/items/{version}")},
                          "response": {"status": 200, "body": {"n": version}}}],
        "metadata": {"pactSpecification": {"version": "2.0.0"}},
    })
}

fn pact_body(version: usize) -> serde_json::Value {
    use base64::Engine as _;
    let pact = pact_json(version);
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
    stop_with_sigterm(&mut broker.child);
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

/// A self-signed certificate for `localhost` and 127.0.0.1 in `dir`: the paths of its PEM
/// and of its key's PEM.
fn self_signed(dir: &Path) -> (PathBuf, PathBuf) {
    let certified =
        rcgen::generate_simple_self_signed(vec!["localhost".to_string(), "127.0.0.1".to_string()])
            .unwrap();
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    std::fs::write(&cert, certified.cert.pem()).unwrap();
    std::fs::write(&key, certified.key_pair.serialize_pem()).unwrap();
    (cert, key)
}

/// Sends SIGTERM to a broker and asserts it exits 0, as a process manager stops it.
fn stop_with_sigterm(child: &mut std::process::Child) {
    let pid = child.id().to_string();
    assert!(Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap()
        .success());
    let exit = child.wait().unwrap();
    assert!(exit.success(), "SIGTERM ends the broker with 0: {exit}");
}

/// Every `href` in `value`, however deep.
fn hrefs(value: &serde_json::Value, out: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                match v {
                    serde_json::Value::String(s) if k == "href" => out.push(s.clone()),
                    _ => hrefs(v, out),
                }
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| hrefs(v, out)),
        _ => {}
    }
}

#[test]
fn with_a_certificate_it_serves_https_with_https_links_and_refuses_plain_http() {
    let dir = temp_dir("tls");
    let (cert, key) = self_signed(&dir);
    let log = dir.join("broker.log");
    let mut broker = start_with(
        &format!("sqlite://{}", dir.join("b.sqlite").display()),
        &log,
        &[
            "--tls-cert",
            cert.to_str().unwrap(),
            "--tls-key",
            key.to_str().unwrap(),
        ],
    );
    assert!(
        broker.url.starts_with("https://127.0.0.1:"),
        "startup line: {}",
        broker.url
    );
    let rt = runtime();
    rt.block_on(async {
        let pem = std::fs::read(&cert).unwrap();
        let c = reqwest::Client::builder()
            .add_root_certificate(reqwest::Certificate::from_pem(&pem).unwrap())
            .build()
            .unwrap();
        let index = c
            .get(format!("{}/", broker.url))
            .basic_auth("admin", Some(PASSWORD))
            .header("Accept", "application/hal+json")
            .send()
            .await
            .unwrap();
        assert_eq!(index.status(), 200);
        assert_eq!(
            index.headers()["content-type"],
            "application/hal+json;charset=utf-8"
        );
        let index: serde_json::Value = index.json().await.unwrap();
        let mut links = Vec::new();
        hrefs(&index["_links"], &mut links);
        assert!(!links.is_empty(), "{index}");
        for href in &links {
            assert!(
                *href == broker.url || href.starts_with(&format!("{}/", broker.url)),
                "{href} is not under {}",
                broker.url
            );
        }

        let published = c
            .post(format!("{}/contracts/publish", broker.url))
            .basic_auth("admin", Some(PASSWORD))
            .json(&pact_body(7))
            .send()
            .await
            .unwrap();
        assert_eq!(published.status(), 200);
        let pact: serde_json::Value = c
            .get(format!(
                "{}/pacts/provider/API/consumer/Web/version/7",
                broker.url
            ))
            .basic_auth("admin", Some(PASSWORD))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(pact["interactions"][0]["description"], "request 7");
        assert!(
            pact["_links"]["self"]["href"]
                .as_str()
                .is_some_and(|h| h.starts_with("https://")),
            "{pact}"
        );

        // Plain HTTP on the TLS port is refused at once (the bytes are no TLS record),
        // not left hanging until a timeout.
        let plain = broker.url.replacen("https://", "http://", 1);
        let refused = tokio::time::timeout(
            std::time::Duration::from_secs(5),
            reqwest::Client::new()
                .get(format!("{plain}/diagnostic/status/heartbeat"))
                .send(),
        )
        .await
        .expect("plain HTTP to the TLS port hangs");
        assert!(refused.is_err(), "plain HTTP was answered: {refused:?}");
        // A client that does not trust the certificate is refused too.
        assert!(reqwest::Client::new()
            .get(format!("{}/diagnostic/status/heartbeat", broker.url))
            .send()
            .await
            .is_err());
    });

    // The official client, trusting the certificate through its `--ssl-certificate`
    // (`SSL_CERT_FILE`).
    if let Some(pact) = peers::reference_cli("broker over https") {
        let out = Command::new(pact)
            .args([
                "broker",
                "describe-pacticipant",
                "--broker-base-url",
                &broker.url,
                "--broker-username",
                "admin",
                "--broker-password",
                PASSWORD,
                "--name",
                "Web",
                "--output",
                "json",
            ])
            .env("SSL_CERT_FILE", &cert)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "pact broker describe-pacticipant: {stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let described: serde_json::Value = serde_json::from_str(&stdout).unwrap();
        assert_eq!(described["name"], "Web", "{stdout}");
    }

    stop_with_sigterm(&mut broker.child);
    let _ = std::fs::remove_dir_all(dir);
}

/// Runs `cargo pact broker` with `args`, expecting it to refuse to start: its exit code
/// and stderr.
fn refused(args: &[&str]) -> (Option<i32>, String) {
    let out = Command::new(BIN)
        .args(["pact", "broker", "--port", "0"])
        .args(args)
        .env_remove("PACT_BROKER_TLS_CERT")
        .env_remove("PACT_BROKER_TLS_KEY")
        .env_remove("PACT_BROKER_DATABASE_URL")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A broker whose certificate comes from a private CA (here, its own self-signed one): the
/// pipeline commands trust it through `SSL_CERT_FILE`, as OpenSSL and the official CLIs do,
/// and say why they cannot otherwise.
#[test]
fn the_commands_trust_a_private_ca_named_by_ssl_cert_file() {
    let dir = temp_dir("private-ca");
    let (cert, key) = self_signed(&dir);
    let mut broker = start_with(
        &format!("sqlite://{}", dir.join("b.sqlite").display()),
        &dir.join("broker.log"),
        &[
            "--tls-cert",
            cert.to_str().unwrap(),
            "--tls-key",
            key.to_str().unwrap(),
        ],
    );
    let pact = dir.join("Web-API.json");
    std::fs::write(&pact, pact_json(7).to_string()).unwrap();
    let run = |args: &[&str], trust: Option<&Path>| {
        let mut command = Command::new(BIN);
        command
            .arg("pact")
            .args(args)
            .args(["--broker-url", &broker.url, "--broker-username", "admin"])
            .args(["--broker-password", PASSWORD])
            .current_dir(&dir)
            .env_remove("PACT_BROKER_BASE_URL")
            .env_remove("SSL_CERT_FILE");
        if let Some(file) = trust {
            command.env("SSL_CERT_FILE", file);
        }
        let out = command.output().unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!text.contains(PASSWORD), "{text}");
        (out.status.code(), text)
    };
    let publish = [
        "publish",
        pact.to_str().unwrap(),
        "--consumer-app-version",
        "7",
    ];
    // Not trusted: a broker failure, naming the broker and the certificate.
    let (code, text) = run(&publish, None);
    assert_eq!(code, Some(4), "{text}");
    assert!(
        text.contains(&broker.url) && text.to_lowercase().contains("certificate"),
        "{text}"
    );
    // Trusted through SSL_CERT_FILE: published, then verified from the broker (the provider
    // is down: exit 3, after the pacts were fetched over HTTPS).
    let (code, text) = run(&publish, Some(&cert));
    assert_eq!(code, Some(0), "{text}");
    let verify = [
        "verify",
        "--provider-name",
        "API",
        "--provider-base-url",
        "http://127.0.0.1:9",
    ];
    let (code, text) = run(&verify, Some(&cert));
    assert_eq!(code, Some(3), "{text}");
    assert!(text.contains("request 7"), "{text}");
    // A file that holds no certificate is a setting to fix, named as such.
    let (code, text) = run(&publish, Some(&key));
    assert_eq!(code, Some(2), "{text}");
    assert!(
        text.contains("SSL_CERT_FILE") && text.contains("key.pem"),
        "{text}"
    );
    let (code, text) = run(&verify, Some(&dir.join("missing.pem")));
    assert_eq!(code, Some(2), "{text}");
    assert!(text.contains("missing.pem"), "{text}");
    stop_with_sigterm(&mut broker.child);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn tls_needs_a_readable_certificate_and_key_together() {
    let dir = temp_dir("tls-args");
    let (cert, key) = self_signed(&dir);
    let (cert, key) = (cert.to_str().unwrap(), key.to_str().unwrap());
    let database = format!("sqlite://{}", dir.join("b.sqlite").display());
    let database = database.as_str();

    let (code, stderr) = refused(&["--database", database, "--tls-cert", cert]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("--tls-key"), "{stderr}");

    let missing = dir.join("no-such-cert.pem");
    let missing = missing.to_str().unwrap();
    let (code, stderr) = refused(&[
        "--database",
        database,
        "--tls-cert",
        missing,
        "--tls-key",
        key,
    ]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert!(
        stderr.contains(missing) && stderr.contains("--tls-cert"),
        "{stderr}"
    );

    // A key where the certificate should be: read, but not a certificate.
    let (code, stderr) = refused(&["--database", database, "--tls-cert", key, "--tls-key", key]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains(key) && stderr.contains("--tls-cert") && stderr.contains("certificate"),
        "{stderr}"
    );
    assert!(
        !dir.join("b.sqlite").exists(),
        "the files are checked before the database is opened"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn public_badge_access_is_a_flag_or_a_variable_and_opens_only_the_badges() {
    let dir = temp_dir("badges");
    let rt = runtime();
    let flag: &[&str] = &["--enable-public-badge-access"];
    let variable: &[(&str, &str)] = &[("PACT_BROKER_ENABLE_PUBLIC_BADGE_ACCESS", "true")];
    for (n, (more, env, public)) in [
        (flag, &[][..], true),
        (&[][..], variable, true),
        (&[][..], &[][..], false),
    ]
    .into_iter()
    .enumerate()
    {
        let database = format!("sqlite://{}", dir.join(format!("b{n}.sqlite")).display());
        let mut broker = start_with_env(&database, &dir.join(format!("b{n}.log")), more, env);
        rt.block_on(async {
            let c = reqwest::Client::new();
            let badge = c
                .get(format!(
                    "{}/pacts/provider/API/consumer/Web/latest/badge.svg",
                    broker.url
                ))
                .send()
                .await
                .unwrap();
            assert_eq!(
                badge.status(),
                if public { 200 } else { 401 },
                "{more:?} {env:?}"
            );
            if public {
                assert_eq!(badge.headers()["content-type"], "image/svg+xml");
                let svg = badge.text().await.unwrap();
                assert!(
                    svg.contains("<title>pact not found: unknown</title>"),
                    "{svg}"
                );
            }
            let index = c
                .get(format!("{}/", broker.url))
                .header("Accept", "application/hal+json")
                .send()
                .await
                .unwrap();
            assert_eq!(index.status(), 401, "{more:?} {env:?}");
        });
        stop_with_sigterm(&mut broker.child);
    }
    let _ = std::fs::remove_dir_all(dir);
}
