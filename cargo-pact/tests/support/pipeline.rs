//! What the pipeline commands' tests share: a `cargo pact broker` process on a SQLite file,
//! a recording proxy in front of it (to see exactly what a command sends), the official
//! clients' recorded requests from ../shared/broker-recordings.jsonl, and a comparison of
//! two requests by shape with volatile values masked.
//!
//! Included by path (`#[path = "support/pipeline.rs"] mod pipeline;`).

#![allow(dead_code)]

use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use warp::Filter;

#[path = "warp_server.rs"]
mod warp_server;
#[allow(unused_imports)] // Not every test that includes this module serves a provider.
pub use warp_server::serve;

/// The cargo-pact binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_cargo-pact");

/// A command with none of the environment the tests run in but what every process needs
/// (`PATH`, `HOME`, `TMPDIR`): no broker credentials, no CI variables that would decide a
/// version or branch, no `PACT_*` settings.
pub fn clean_command(program: &Path) -> Command {
    let mut cmd = Command::new(program);
    cmd.env_clear();
    for keep in ["PATH", "HOME", "TMPDIR"] {
        if let Some(value) = std::env::var_os(keep) {
            cmd.env(keep, value);
        }
    }
    cmd
}

/// `git ARGS` in `dir` as a fixed author, its stdout.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let out = clean_command(Path::new("git"))
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .output()
        .expect("git");
    assert!(out.status.success(), "git {args:?}: {out:?}");
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// Commits everything in `dir` (a new repository on `main` the first time) and returns the
/// version the pipeline commands default to there: `<package_version>+<short sha>`.
pub fn commit(dir: &Path, package_version: &str) -> String {
    if !dir.join(".git").exists() {
        git(dir, &["init", "-q", "-b", "main"]);
    }
    git(dir, &["add", "."]);
    git(dir, &["commit", "-q", "--allow-empty", "-m", "change"]);
    format!(
        "{package_version}+{}",
        git(dir, &["rev-parse", "--short=7", "HEAD"])
    )
}

/// A fresh temporary directory for one test.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cargo-pact-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `cargo pact broker` on a SQLite file in `dir`, stopped when dropped.
pub struct BrokerProcess {
    child: Child,
    /// Its base URL.
    pub url: String,
}

impl BrokerProcess {
    /// Starts a broker with open access on a SQLite file in `dir`; `env` adds variables
    /// (auth, say).
    pub fn start(dir: &Path, env: &[(&str, &str)]) -> BrokerProcess {
        let database = format!("sqlite://{}", dir.join("broker.sqlite").display());
        BrokerProcess::on(&database, &dir.join("broker.log"), env)
    }

    /// Starts a broker on `database`, its log going to `log`.
    pub fn on(database: &str, log: &Path, env: &[(&str, &str)]) -> BrokerProcess {
        let mut cmd = clean_command(Path::new(BIN));
        cmd.args(["pact", "broker", "--port", "0", "--database", database])
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(log).unwrap());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("start cargo pact broker");
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        let url = line
            .trim()
            .strip_prefix("pact broker listening on ")
            .unwrap_or_else(|| panic!("unexpected first line: {line:?}"))
            .to_string();
        std::thread::spawn(move || for _ in stdout.lines() {});
        BrokerProcess { child, url }
    }
}

impl Drop for BrokerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One request as a client sent it.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// The method, upper case.
    pub method: String,
    /// The path with the query string as sent (`/matrix?q[][pacticipant]=…`), decoded.
    pub path: String,
    /// The body as JSON (`{}` when empty or not JSON).
    pub body: Value,
    /// The request headers, names lower case.
    pub headers: Vec<(String, String)>,
}

/// A proxy in front of `upstream` that records every request and forwards it unchanged.
pub struct RecordingProxy {
    /// Its base URL, to give the command under test as the broker URL.
    pub url: String,
    seen: Arc<Mutex<Vec<Recorded>>>,
}

impl RecordingProxy {
    /// Starts a proxy for `upstream` (`http://127.0.0.1:port`).
    pub fn start(upstream: &str) -> RecordingProxy {
        RecordingProxy::hiding(upstream, &[])
    }

    /// A proxy whose index (`GET /`) lacks the link relations `hidden`: an older broker,
    /// for the fallbacks clients take there.
    pub fn hiding(upstream: &str, hidden: &[&str]) -> RecordingProxy {
        let hidden: Vec<String> = hidden.iter().map(|s| s.to_string()).collect();
        let seen: Arc<Mutex<Vec<Recorded>>> = Arc::default();
        let upstream = upstream.trim_end_matches('/').to_string();
        let log = seen.clone();
        let client = reqwest::Client::new();
        let route = warp::method()
            .and(warp::path::full())
            .and(warp::query::raw().or(warp::any().map(String::new)).unify())
            .and(warp::header::headers_cloned())
            .and(warp::body::bytes())
            .then(
                move |method: warp::http::Method,
                      path: warp::path::FullPath,
                      query: String,
                      headers: warp::http::HeaderMap,
                      body: bytes::Bytes| {
                    let log = log.clone();
                    let client = client.clone();
                    let upstream = upstream.clone();
                    let hidden = hidden.clone();
                    async move {
                        let target = if query.is_empty() {
                            path.as_str().to_string()
                        } else {
                            format!("{}?{query}", path.as_str())
                        };
                        log.lock().unwrap().push(Recorded {
                            method: method.to_string(),
                            path: percent_decode(&target),
                            body: serde_json::from_slice(&body)
                                .unwrap_or(Value::Object(Default::default())),
                            headers: headers
                                .iter()
                                .map(|(k, v)| {
                                    (k.as_str().to_string(), v.to_str().unwrap_or("").to_string())
                                })
                                .collect(),
                        });
                        let mut forward = client.request(
                            reqwest::Method::from_bytes(method.as_str().as_bytes()).unwrap(),
                            format!("{upstream}{target}"),
                        );
                        for (k, v) in &headers {
                            if k != "host" && k != "content-length" {
                                forward = forward.header(k.as_str(), v.as_bytes());
                            }
                        }
                        let answer = forward.body(body.to_vec()).send().await.unwrap();
                        let status = answer.status().as_u16();
                        let mut reply = warp::http::Response::builder().status(status);
                        for (k, v) in answer.headers() {
                            if k != "content-length" && k != "transfer-encoding" {
                                reply = reply.header(k.as_str(), v.as_bytes());
                            }
                        }
                        let mut bytes = answer.bytes().await.unwrap();
                        if path.as_str() == "/" && !hidden.is_empty() {
                            let mut index: Value = serde_json::from_slice(&bytes).unwrap();
                            if let Some(links) = index["_links"].as_object_mut() {
                                links.retain(|k, _| !hidden.contains(k));
                            }
                            bytes = index.to_string().into();
                        }
                        reply.body(bytes.into()).unwrap()
                    }
                },
            );
        let url = warp_server::serve(route.map(|r: warp::reply::Response| r));
        RecordingProxy { url, seen }
    }

    /// The requests seen so far, in order.
    pub fn requests(&self) -> Vec<Recorded> {
        self.seen.lock().unwrap().clone()
    }

    /// Forgets the requests seen so far.
    pub fn clear(&self) {
        self.seen.lock().unwrap().clear();
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// ../shared/broker-recordings.jsonl (or `PACT_BROKER_RECORDINGS`), when present.
pub fn recordings_file() -> Option<PathBuf> {
    let path = std::env::var_os("PACT_BROKER_RECORDINGS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/broker-recordings.jsonl")
        });
    path.is_file().then_some(path)
}

/// The official clients' recorded requests, in order. Ruby's are the ones whose
/// User-Agent names `pact_broker-client` or `Ruby`; the Rust CLI's have none.
pub fn official_requests() -> Vec<Recorded> {
    let Some(path) = recordings_file() else {
        return Vec::new();
    };
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            Recorded {
                method: v["method"].as_str().unwrap_or_default().to_string(),
                path: v["path"]
                    .as_str()
                    .unwrap_or_default()
                    .trim_end_matches('?')
                    .to_string(),
                body: v["body"].clone(),
                headers: v["headers"]
                    .as_object()
                    .map(|h| {
                        h.iter()
                            .map(|(k, v)| {
                                (k.to_ascii_lowercase(), v.as_str().unwrap_or("").to_string())
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
            }
        })
        .collect()
}

/// Where two JSON values differ in shape: the same keys, the same types, arrays of the
/// same length, and equal values except the strings at `masked` keys (versions, content,
/// timestamps: whatever differs from run to run). Empty when they agree.
pub fn shape_differences(ours: &Value, theirs: &Value, masked: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    compare(ours, theirs, masked, "$", None, &mut out);
    out
}

fn compare(
    ours: &Value,
    theirs: &Value,
    masked: &[&str],
    at: &str,
    key: Option<&str>,
    out: &mut Vec<String>,
) {
    match (ours, theirs) {
        (Value::Object(a), Value::Object(b)) => {
            for k in a.keys().filter(|k| !b.contains_key(*k)) {
                out.push(format!(
                    "{at}.{k}: we send it, the official client does not"
                ));
            }
            for k in b.keys().filter(|k| !a.contains_key(*k)) {
                out.push(format!("{at}.{k}: the official client sends it, we do not"));
            }
            for (k, v) in a {
                if let Some(w) = b.get(k) {
                    compare(v, w, masked, &format!("{at}.{k}"), Some(k), out);
                }
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            if a.len() != b.len() {
                out.push(format!(
                    "{at}: {} items, the official client's {}",
                    a.len(),
                    b.len()
                ));
            }
            for (i, (v, w)) in a.iter().zip(b).enumerate() {
                compare(v, w, masked, &format!("{at}[{i}]"), key, out);
            }
        }
        (Value::String(_), Value::String(_)) if key.is_some_and(|k| masked.contains(&k)) => {}
        (a, b) if std::mem::discriminant(a) != std::mem::discriminant(b) => {
            out.push(format!("{at}: we send {a}, the official client {b}"));
        }
        (a, b) if a != b => out.push(format!("{at}: we send {a}, the official client {b}")),
        _ => {}
    }
}

/// Runs `cargo pact ARGS` in `dir` with only `env` (see [`clean_command`]), uncoloured.
pub fn cargo_pact(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = clean_command(Path::new(BIN));
    cmd.arg("pact")
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run cargo pact")
}

/// stdout and stderr of a command, for assertion messages.
pub fn text(output: &Output) -> String {
    format!(
        "status: {:?}\nstdout:\n{}\nstderr:\n{}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn shapes_compare_keys_types_and_unmasked_values() {
        let theirs = json!({"name": "prod", "production": true, "uuid": "a"});
        assert!(shape_differences(
            &json!({"name": "prod", "production": true, "uuid": "b"}),
            &theirs,
            &["uuid"]
        )
        .is_empty());
        let d = shape_differences(&json!({"name": "prod", "production": "yes"}), &theirs, &[]);
        assert_eq!(d.len(), 2, "{d:?}");
    }
}
