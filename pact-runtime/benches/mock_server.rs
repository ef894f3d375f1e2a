//! Mock server figures: start-to-ready time, and requests per second through one
//! keep-alive connection against a server of ten interactions.
//!
//! `cargo bench -p pact-runtime --bench mock_server`

use pact_runtime::prelude::*;
use std::io::{BufReader, Write};
use std::time::{Duration, Instant};

#[path = "../tests/support/http.rs"]
mod http;
use http::read_response;

fn pact(dir: &std::path::Path) -> PactBuilder {
    let mut pact = PactBuilder::new("BenchConsumer", "BenchProvider");
    pact.output_dir(dir);
    for n in 0..10 {
        pact.interaction(format!("a request for build {n}"), |i| {
            i.given_with_params("build exists", serde_json::json!({ "id": n }));
            i.request
                .get(format!("/builds/{n}").as_str())
                .header("Accept", "application/json");
            i.response.status(200).json_body(Term::object([
                ("name", like(format!("#{n}"))),
                ("completed", boolean(true)),
                ("info", Term::object([("build_time", integer(123))])),
            ]));
        });
    }
    pact
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn main() {
    let dir = std::env::temp_dir().join(format!("pact-bench-{}", std::process::id()));
    let builder = pact(&dir);

    let mut ready = Vec::new();
    let mut first_response = Vec::new();
    for _ in 0..200 {
        let start = Instant::now();
        let server = builder.start_mock_server();
        ready.push(start.elapsed());
        let mut stream = std::net::TcpStream::connect(server.address()).unwrap();
        stream
            .write_all(b"GET /builds/0 HTTP/1.1\r\nHost: x\r\nAccept: application/json\r\n\r\n")
            .unwrap();
        assert_eq!(read_response(&mut BufReader::new(stream)).0, 200);
        first_response.push(start.elapsed());
        // Only one of ten interactions was exercised: report, don't write.
        assert!(server.finish().is_err());
    }
    println!(
        "mock server start-to-ready: median {:?} (start to first response: median {:?}), 200 starts",
        median(ready),
        median(first_response)
    );

    let server = builder.start_mock_server();
    let stream = std::net::TcpStream::connect(server.address()).unwrap();
    stream.set_nodelay(true).unwrap();
    let mut writer = stream.try_clone().unwrap();
    let mut reader = BufReader::new(stream);
    let requests: Vec<Vec<u8>> = (0..10)
        .map(|n| {
            format!("GET /builds/{n} HTTP/1.1\r\nHost: x\r\nAccept: application/json\r\n\r\n")
                .into_bytes()
        })
        .collect();
    let total = 50_000;
    let start = Instant::now();
    for i in 0..total {
        writer.write_all(&requests[i % 10]).unwrap();
        assert_eq!(read_response(&mut reader).0, 200);
    }
    let elapsed = start.elapsed();
    println!(
        "mock server throughput: {:.0} requests/s ({total} requests, one keep-alive connection, 10 interactions)",
        total as f64 / elapsed.as_secs_f64()
    );
    drop(writer);
    drop(reader);
    server.finish().unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}
