//! Verification figures: interactions per second through the verifier (1,000 interactions,
//! each with a provider state set up and torn down over HTTP, one at a time in pact order);
//! a `cargo pact verify` process's start-to-first-request time; and the wall time and peak
//! memory of a `cargo pact verify` process on 1,000 interactions that share three regexes
//! and a date pattern (each pattern should be compiled once, not once per interaction).
//!
//! `cargo bench -p cargo-pact --bench verify`

use pact_runtime::provider_states::{
    state_change_filter, ProviderStates, StateChange, StateError, StateValues,
};
use pact_runtime::verifier::{PactSource, Verifier};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use warp::Filter;

#[path = "../tests/support/warp_server.rs"]
mod warp_server;
use warp_server::serve;

#[derive(Default, Clone)]
struct Items {
    items: Arc<Mutex<HashMap<u64, Value>>>,
    first_request: Arc<Mutex<Option<Instant>>>,
}

impl ProviderStates for Items {
    async fn setup(&self, change: &StateChange) -> Result<StateValues, StateError> {
        self.first_request
            .lock()
            .unwrap()
            .get_or_insert_with(Instant::now);
        let id = change
            .params
            .get("id")
            .and_then(Value::as_u64)
            .ok_or_else(|| StateError::new("no id"))?;
        self.items.lock().unwrap().insert(
            id,
            json!({"id": id, "name": format!("item {id}"), "tags": ["a", "b"]}),
        );
        Ok(StateValues::new())
    }

    async fn teardown(&self, _: &StateChange) -> Result<(), StateError> {
        self.items.lock().unwrap().clear();
        Ok(())
    }
}

/// The provider on a thread of its own; returns its base URL.
fn start_provider(items: Items) -> String {
    let lookup = items.clone();
    let api = warp::path!("items" / u64).map(move |id| {
        let item = lookup.items.lock().unwrap().get(&id).cloned();
        match item {
            Some(item) => warp::reply::Reply::into_response(warp::reply::json(&item)),
            None => warp::reply::Reply::into_response(warp::http::StatusCode::NOT_FOUND),
        }
    });
    serve(state_change_filter(Arc::new(items)).or(api).unify())
}

fn pact_file(n: u64) -> std::path::PathBuf {
    let interactions: Vec<Value> = (0..n)
        .map(|id| {
            json!({
                "description": format!("a request for item {id}"),
                "providerStates": [{"name": "an item exists", "params": {"id": id}}],
                "request": {"method": "GET", "path": format!("/items/{id}")},
                "response": {
                    "status": 200,
                    "headers": {"Content-Type": "application/json"},
                    "body": {"id": id, "name": format!("item {id}"), "tags": ["a"]},
                    "matchingRules": {"body": {
                        "$.id": {"matchers": [{"match": "integer"}]},
                        "$.name": {"matchers": [{"match": "type"}]},
                        "$.tags": {"matchers": [{"match": "type", "min": 1}]}
                    }}
                }
            })
        })
        .collect();
    let pact = json!({
        "consumer": {"name": "BenchConsumer"},
        "provider": {"name": "BenchProvider"},
        "interactions": interactions,
        "metadata": {"pactSpecification": {"version": "3.0.0"}}
    });
    let path =
        std::env::temp_dir().join(format!("pact-verify-bench-{n}-{}.json", std::process::id()));
    std::fs::write(&path, pact.to_string()).unwrap();
    path
}

/// 1,000 interactions without states whose responses share three regex rules and a date
/// rule, and the provider that answers them (any path, the same body).
fn shared_pattern_pact() -> (std::path::PathBuf, String) {
    let interactions: Vec<Value> = (0..1000)
        .map(|id| {
            json!({
                "description": format!("a request for order {id}"),
                "request": {"method": "GET", "path": format!("/orders/{id}")},
                "response": {
                    "status": 200,
                    "headers": {"Content-Type": "application/json"},
                    "body": {"id": "ord-1", "email": "a@example.com", "ref": "AB-12", "date": "2026-01-02"},
                    "matchingRules": {"body": {
                        "$.id": {"matchers": [{"match": "regex", "regex": "ord-\\d+"}]},
                        "$.email": {"matchers": [{"match": "regex", "regex": "[\\w.]+@[\\w.]+\\.\\w+"}]},
                        "$.ref": {"matchers": [{"match": "regex", "regex": "\\p{Lu}{2}-\\d{2,}"}]},
                        "$.date": {"matchers": [{"match": "date", "date": "yyyy-MM-dd"}]}
                    }}
                }
            })
        })
        .collect();
    let pact = json!({
        "consumer": {"name": "BenchConsumer"},
        "provider": {"name": "BenchProvider"},
        "interactions": interactions,
        "metadata": {"pactSpecification": {"version": "3.0.0"}}
    });
    let path = std::env::temp_dir().join(format!(
        "pact-verify-bench-shared-{}.json",
        std::process::id()
    ));
    std::fs::write(&path, pact.to_string()).unwrap();
    let body =
        json!({"id": "ord-77", "email": "b.c@example.org", "ref": "XY-345", "date": "2026-11-30"});
    let url =
        serve(warp::get().map(move || warp::reply::Reply::into_response(warp::reply::json(&body))));
    (path, url)
}

/// Wall time and peak resident memory (KiB) of one `cargo pact verify` of `pact`, measured
/// by GNU time (None without it).
fn timed_verify(pact: &std::path::Path, url: &str) -> Option<(f64, u64)> {
    let output = std::process::Command::new("/usr/bin/time")
        .args(["-f", "%e %M"])
        .arg(env!("CARGO_BIN_EXE_cargo-pact"))
        .args([
            "pact",
            "verify",
            "--provider-name",
            "BenchProvider",
            "--provider-base-url",
            url,
        ])
        .arg("--file")
        .arg(pact)
        .stdout(std::process::Stdio::null())
        .output()
        .ok()?;
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    let mut figures = stderr.lines().last()?.split_whitespace();
    Some((figures.next()?.parse().ok()?, figures.next()?.parse().ok()?))
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let items = Items::default();
    let url = start_provider(items.clone());
    let big = pact_file(1000);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut rates = Vec::new();
    for _ in 0..5 {
        let verifier = Verifier::new("BenchProvider", &url)
            .source(PactSource::File(big.clone()))
            .state_change_url(format!("{url}/api/_pact/state"));
        let start = Instant::now();
        let report = runtime.block_on(verifier.verify()).unwrap();
        let elapsed = start.elapsed();
        assert!(report.success(), "{}", report.render(false));
        assert_eq!(report.counts().0, 1000);
        rates.push(1000.0 / elapsed.as_secs_f64());
    }
    rates.sort_by(f64::total_cmp);
    println!(
        "verify 1,000 interactions (state setup + request + teardown each, in order): median {:.0} interactions/s (runs: {})",
        rates[rates.len() / 2],
        rates.iter().map(|r| format!("{r:.0}")).collect::<Vec<_>>().join(", ")
    );

    let small = pact_file(1);
    let mut starts = Vec::new();
    for _ in 0..20 {
        *items.first_request.lock().unwrap() = None;
        let start = Instant::now();
        let status = std::process::Command::new(env!("CARGO_BIN_EXE_cargo-pact"))
            .args([
                "pact",
                "verify",
                "--provider-name",
                "BenchProvider",
                "--provider-base-url",
                &url,
            ])
            .arg("--state-change-url")
            .arg(format!("{url}/api/_pact/state"))
            .arg("--file")
            .arg(&small)
            .stdout(std::process::Stdio::null())
            .status()
            .unwrap();
        assert!(status.success());
        let first = items
            .first_request
            .lock()
            .unwrap()
            .expect("the provider saw a request");
        starts.push(first - start);
    }
    println!(
        "cargo pact verify process start to first request: median {:?} (20 runs, min {:?})",
        median(starts.clone()),
        starts.iter().min().unwrap()
    );
    let (shared, shared_url) = shared_pattern_pact();
    let mut runs: Vec<(f64, u64)> = (0..5)
        .filter_map(|_| timed_verify(&shared, &shared_url))
        .collect();
    runs.sort_by(|a, b| a.0.total_cmp(&b.0));
    match runs.get(runs.len() / 2) {
        Some((seconds, kib)) => println!(
            "cargo pact verify, 1,000 interactions sharing 3 regexes and a date pattern: median {seconds:.2} s, peak {:.1} MB (5 runs, peaks {})",
            *kib as f64 / 1024.0,
            runs.iter().map(|r| format!("{:.1}", r.1 as f64 / 1024.0)).collect::<Vec<_>>().join(", ")
        ),
        None => println!("shared-pattern verify: skipped (no /usr/bin/time)"),
    }
    let _ = std::fs::remove_file(&shared);
    let _ = std::fs::remove_file(&big);
    let _ = std::fs::remove_file(&small);
}
