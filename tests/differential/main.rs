//! The differential check: the same generated pacts verified against the same provider by
//! the reference implementation's verifier (pact-reference's `pact verifier`, from PyPI
//! `pact-python-cli==1!0.10.9`, at `PACT_REFERENCE_CLI`) and by ours, every verdict compared.
//! Prints `differential: N verdicts compared, M differ` and each difference; fails on any.
//!
//! Without the reference installed (`.ci/install-peers`) it says it skipped; under CI a
//! missing one is a failure.

mod cases;
#[path = "../../cargo-pact/tests/support/peers.rs"]
mod peers;

use cases::{Actual, Case};
use pact_runtime::verifier::{PactSource, Verifier};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, ExitCode};
use std::sync::Arc;

fn main() -> ExitCode {
    let Some(cli) = peers::reference_cli("differential") else {
        return ExitCode::SUCCESS;
    };
    let cases = cases::all();
    let dir = std::env::temp_dir().join(format!("pact-differential-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let pacts = dir.join("pacts");
    std::fs::create_dir_all(&pacts).unwrap();
    for (n, case) in cases.iter().enumerate() {
        std::fs::write(
            pacts.join(format!("case-{n:04}.json")),
            case.pact(n).to_string(),
        )
        .unwrap();
    }
    let routes: BTreeMap<String, Actual> = cases
        .iter()
        .enumerate()
        .map(|(n, c)| (format!("/case-{n}"), c.actual.clone()))
        .collect();
    let port = serve(Arc::new(routes));
    let reference = reference_verdicts(&cli, &pacts, &dir.join("report.json"), port);
    let ours = our_verdicts(&pacts, port);
    let mut differ = 0;
    for (n, case) in cases.iter().enumerate() {
        let name = format!("case-{n}");
        let (theirs, mine) = (reference.get(&name), ours.get(&name));
        if theirs != mine {
            differ += 1;
            println!(
                "differs: {name} ({}): reference {}, ours {}\n  expected {}\n  actual {:?}",
                case.label,
                verdict_text(theirs),
                verdict_text(mine),
                case.expected,
                case.actual
            );
        }
    }
    println!(
        "differential: {} verdicts compared, {differ} differ",
        cases.len()
    );
    let _ = std::fs::remove_dir_all(&dir);
    if differ == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn verdict_text(v: Option<&bool>) -> &'static str {
    match v {
        Some(true) => "pass",
        Some(false) => "fail",
        None => "no verdict",
    }
}

/// The reference verifier's verdict per interaction description, from its JSON report.
fn reference_verdicts(
    cli: &Path,
    pacts: &Path,
    report: &Path,
    port: u16,
) -> BTreeMap<String, bool> {
    let output = Command::new(cli)
        .args(["verifier", "--no-colour", "--hostname", "127.0.0.1"])
        .arg("--port")
        .arg(port.to_string())
        .arg("--dir")
        .arg(pacts)
        .arg("--json")
        .arg(report)
        .env("PACT_DO_NOT_TRACK", "true")
        .output()
        .expect("the reference verifier runs");
    let text = std::fs::read_to_string(report).unwrap_or_else(|e| {
        panic!(
            "the reference verifier wrote no report ({e}): {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    let report: serde_json::Value = serde_json::from_str(&text).unwrap();
    report["interactionResults"]
        .as_array()
        .expect("interactionResults")
        .iter()
        .map(|r| {
            (
                r["description"].as_str().unwrap_or_default().to_string(),
                r["result"] == "OK",
            )
        })
        .collect()
}

fn our_verdicts(pacts: &Path, port: u16) -> BTreeMap<String, bool> {
    let report = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(
            Verifier::for_provider_of_pacts(format!("http://127.0.0.1:{port}"))
                .source(PactSource::Dir(pacts.to_path_buf()))
                .verify(),
        )
        .expect("our verifier runs");
    report
        .interactions()
        .map(|(_, i)| (i.description.clone(), i.outcome.is_success()))
        .collect()
}

/// Serves each case's answer at its path, one request per connection.
fn serve(routes: Arc<BTreeMap<String, Actual>>) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let routes = routes.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                if reader.read_line(&mut line).is_err() {
                    return;
                }
                let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
                let mut length = 0;
                loop {
                    let mut header = String::new();
                    if reader.read_line(&mut header).unwrap_or(0) == 0 || header.trim().is_empty() {
                        break;
                    }
                    if let Some((name, value)) = header.split_once(':') {
                        if name.trim().eq_ignore_ascii_case("content-length") {
                            length = value.trim().parse().unwrap_or(0);
                        }
                    }
                }
                let mut body = vec![0; length];
                let _ = reader.read_exact(&mut body);
                let mut stream = stream;
                let answer = match routes.get(path.split('?').next().unwrap_or_default()) {
                    Some(actual) => actual.to_http(),
                    None => {
                        b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                            .to_vec()
                    }
                };
                let _ = stream.write_all(&answer);
            });
        }
    });
    port
}

impl Case {
    /// The case's pact: one interaction, `GET /case-{n}`, named `case-{n}`.
    fn pact(&self, n: usize) -> serde_json::Value {
        let mut response = self.expected.clone();
        if self.spec == "4.0" {
            if let Some(body) = response.get("body").cloned() {
                response["body"] = serde_json::json!({
                    "content": body, "contentType": "application/json", "encoded": false
                });
            }
        }
        let mut interaction = serde_json::json!({
            "description": format!("case-{n}"),
            "request": {"method": "GET", "path": format!("/case-{n}")},
            "response": response,
        });
        if self.spec == "4.0" {
            interaction["type"] = serde_json::json!("Synchronous/HTTP");
        }
        serde_json::json!({
            "consumer": {"name": format!("consumer-{n}")},
            "provider": {"name": "provider"},
            "interactions": [interaction],
            "metadata": {"pactSpecification": {"version": self.spec}},
        })
    }
}
