//! Stub server latency at 1,000 interactions: median and p99 per request through one
//! keep-alive connection, requests spread over the whole pact (literal paths, regex paths
//! and query variants of one path), plus requests that match nothing (the 404 report).
//!
//! `cargo bench -p pact-runtime --features provider --bench stub_server`

use pact_runtime::pact_core::model::{read_pact, Pact};
use pact_runtime::stub_server::{StubOptions, StubServer};
use serde_json::{json, Value};
use std::io::{BufReader, Write};
use std::time::{Duration, Instant};

#[path = "../tests/support/http.rs"]
mod http;
use http::read_response;

const INTERACTIONS: usize = 1000;

/// Every 20th interaction has a regex path, every 20th (offset by one) is a query variant
/// of `GET /search`; the rest are `GET /items/{n}` with an `Accept` header.
fn interaction(n: usize) -> (Value, String) {
    let response = json!({
        "status": 200,
        "headers": {"Content-Type": "application/json"},
        "body": {"n": n, "name": format!("item {n}"), "tags": ["a", "b"]}
    });
    match n % 20 {
        0 => (
            json!({
                "description": format!("orders of user {n}"),
                "request": {
                    "method": "GET", "path": format!("/users/{n}/orders/1"),
                    "matchingRules": {"path": {"matchers": [
                        {"match": "regex", "regex": format!(r"^/users/{n}/orders/\d+$")}
                    ]}}
                },
                "response": response
            }),
            format!(
                "GET /users/{n}/orders/{} HTTP/1.1\r\nHost: x\r\n\r\n",
                n * 7
            ),
        ),
        1 => (
            json!({
                "description": format!("search page {n}"),
                "request": {"method": "GET", "path": "/search", "query": format!("q=x&page={n}")},
                "response": response
            }),
            format!("GET /search?q=x&page={n} HTTP/1.1\r\nHost: x\r\n\r\n"),
        ),
        _ => (
            json!({
                "description": format!("item {n}"),
                "request": {"method": "GET", "path": format!("/items/{n}"), "headers": {"Accept": "application/json"}},
                "response": response
            }),
            format!("GET /items/{n} HTTP/1.1\r\nHost: x\r\nAccept: application/json\r\n\r\n"),
        ),
    }
}

fn pact(interactions: Vec<Value>) -> Pact {
    let pact = json!({
        "consumer": {"name": "BenchWeb"},
        "provider": {"name": "BenchApi"},
        "interactions": interactions,
        "metadata": {"pactSpecification": {"version": "3.0.0"}}
    });
    read_pact(&pact.to_string(), "bench").unwrap()
}

fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort();
    samples[((samples.len() - 1) as f64 * p).round() as usize]
}

fn micros(d: Duration) -> String {
    format!("{:.1} µs", d.as_secs_f64() * 1e6)
}

/// 1,000 interactions whose request paths share one regex rule and whose responses share
/// three body regexes and a date rule: read and started, each pattern is compiled once.
fn shared_pattern_start() -> Duration {
    let interactions: Vec<Value> = (0..INTERACTIONS)
        .map(|n| {
            json!({
                "description": format!("order {n}"),
                "providerStates": [{"name": format!("order {n} exists")}],
                "request": {
                    "method": "GET", "path": format!("/orders/{n}"),
                    "matchingRules": {"path": {"matchers": [{"match": "regex", "regex": r"/orders/\p{Nd}+"}]}}
                },
                "response": {
                    "status": 200,
                    "body": {"id": "ord-1", "email": "a@example.com", "ref": "AB-12", "date": "2026-01-02"},
                    "matchingRules": {"body": {
                        "$.id": {"matchers": [{"match": "regex", "regex": r"ord-\d+"}]},
                        "$.email": {"matchers": [{"match": "regex", "regex": r"[\w.]+@[\w.]+\.\w+"}]},
                        "$.ref": {"matchers": [{"match": "regex", "regex": r"\p{Lu}{2}-\d{2,}"}]},
                        "$.date": {"matchers": [{"match": "date", "date": "yyyy-MM-dd"}]}
                    }}
                }
            })
        })
        .collect();
    let text = json!({
        "consumer": {"name": "BenchWeb"},
        "provider": {"name": "BenchApi"},
        "interactions": interactions,
        "metadata": {"pactSpecification": {"version": "3.0.0"}}
    })
    .to_string();
    let start = Instant::now();
    let pact = read_pact(&text, "bench").unwrap();
    let server = StubServer::start(vec![pact], StubOptions::default()).unwrap();
    let elapsed = start.elapsed();
    drop(server);
    elapsed
}

fn main() {
    // The first run compiles the patterns; later ones find them compiled in the process.
    let first = shared_pattern_start();
    let mut again: Vec<Duration> = (0..4).map(|_| shared_pattern_start()).collect();
    println!(
        "stub server read and start, {INTERACTIONS} interactions sharing 4 regexes and a date pattern: first {}, then median {}",
        micros(first),
        micros(percentile(&mut again, 0.5))
    );
    let (interactions, requests): (Vec<Value>, Vec<String>) =
        (0..INTERACTIONS).map(interaction).unzip();
    let pact = pact(interactions);
    let start = Instant::now();
    let server = StubServer::start(vec![pact], StubOptions::default()).unwrap();
    println!(
        "stub server start with {INTERACTIONS} interactions (index built, regexes compiled): {}",
        micros(start.elapsed())
    );

    let stream = std::net::TcpStream::connect(server.address()).unwrap();
    stream.set_nodelay(true).unwrap();
    let mut writer = stream.try_clone().unwrap();
    let mut reader = BufReader::new(stream);
    let mut exchange = |request: &[u8]| {
        let start = Instant::now();
        writer.write_all(request).unwrap();
        let reply = read_response(&mut reader);
        (start.elapsed(), reply)
    };

    // Each interaction once, checking its answer, as a warm-up.
    for (n, request) in requests.iter().enumerate() {
        let (_, (status, body)) = exchange(request.as_bytes());
        let body: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!((status, &body["n"]), (200, &json!(n)), "{request}");
    }

    let rounds = 20;
    let mut samples = Vec::with_capacity(rounds * INTERACTIONS);
    let mut by_kind: [Vec<Duration>; 3] = Default::default();
    for round in 0..rounds {
        // Spread over the pact in a different order each round.
        for k in 0..INTERACTIONS {
            let n = (k * 7 + round * 13) % INTERACTIONS;
            let (elapsed, (status, _)) = exchange(requests[n].as_bytes());
            assert_eq!(status, 200);
            samples.push(elapsed);
            by_kind[(n % 20).min(2)].push(elapsed);
        }
    }
    let median = percentile(&mut samples, 0.5);
    let p99 = percentile(&mut samples, 0.99);
    println!(
        "stub server, {INTERACTIONS} interactions: median {}, p99 {} per request ({} requests, one keep-alive connection)",
        micros(median),
        micros(p99),
        samples.len()
    );
    for (kind, name) in by_kind
        .iter_mut()
        .zip(["regex path", "query variant", "literal path"])
    {
        println!(
            "  {name}: median {}, p99 {} ({} requests)",
            micros(percentile(kind, 0.5)),
            micros(percentile(kind, 0.99)),
            kind.len()
        );
    }

    let mut misses: Vec<Duration> = (0..2000)
        .map(|i| {
            let request = if i % 2 == 0 {
                format!("GET /items/{} HTTP/1.1\r\nHost: x\r\n\r\n", 2 + i % 18)
            } else {
                format!("GET /nowhere/{i} HTTP/1.1\r\nHost: x\r\n\r\n")
            };
            let (elapsed, (status, _)) = exchange(request.as_bytes());
            assert_eq!(status, 404);
            elapsed
        })
        .collect();
    println!(
        "  no match (404 with the closest interaction): median {}, p99 {}",
        micros(percentile(&mut misses, 0.5)),
        micros(percentile(&mut misses, 0.99))
    );
    drop(server);
}
