//! Steps for the HTTP consumer features: V1 and V2 `http_consumer` drive pact-runtime's mock
//! server with real HTTP requests and read back the pact it writes; V3 and V4
//! `http_consumer` build an interaction with pact-runtime's builder and check the pact file
//! the pact writer writes.

use crate::cells;
use crate::CompatWorld;
use cucumber::gherkin::Step;
use cucumber::{given, then, when};
use pact_core::model::{
    read_pact, HttpInteraction, Interaction, InteractionInfo, MultiMap, Pact, Request,
};
use pact_runtime::consumer::{InteractionBuilder, PactBuilder};
use pact_runtime::mock_server::{MockServer, MockServerError, MockServerOptions, Problem};
use pact_runtime::pact_writer::write_pact;
use serde_json::Value;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// The consumer side of a scenario: the interactions of the Background, the running mock
/// server, the last reply, and what finishing the test gave.
#[derive(Debug, Default)]
pub struct ConsumerWorld {
    /// The interactions of the Background table, in order.
    interactions: Vec<HttpInteraction>,
    /// The mock server, until the test is done.
    server: Option<MockServer>,
    /// The reply to the last request made to the mock server.
    reply: Option<Reply>,
    /// The problems the mock server had when the test was done.
    problems: Vec<Problem>,
    /// What finishing the mock server gave: the pact written, or why not.
    finished: Option<Result<PathBuf, String>>,
    /// The V3/V4 interaction being defined.
    builder: Option<InteractionBuilder>,
    /// The pact file written by the V3/V4 steps.
    pact_file: Option<PathBuf>,
    /// This scenario's folder for pact files, removed with the world.
    dir: Option<PathBuf>,
}

impl Drop for ConsumerWorld {
    fn drop(&mut self) {
        // A scenario that failed before "the pact test is done" still has its server; finish
        // it here so that dropping it cannot panic over its problems.
        if let Some(server) = self.server.take() {
            let _ = server.finish();
        }
        if let Some(dir) = self.dir.take() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

impl ConsumerWorld {
    /// This scenario's pact folder (a fresh temporary folder, created on first use).
    fn dir(&mut self) -> PathBuf {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        self.dir
            .get_or_insert_with(|| {
                std::env::temp_dir().join(format!(
                    "pact-compat-{}-{}",
                    std::process::id(),
                    NEXT.fetch_add(1, Ordering::Relaxed)
                ))
            })
            .clone()
    }

    /// Interaction `n` (from 1) of the Background table.
    pub(crate) fn interaction(&self, n: usize) -> &HttpInteraction {
        self.interactions
            .get(n.wrapping_sub(1))
            .unwrap_or_else(|| panic!("there is no interaction {n}"))
    }

    fn server(&self) -> &MockServer {
        self.server.as_ref().expect("a running mock server")
    }

    /// The problems so far: the running server's, else those it had when finished.
    fn problems(&self) -> Vec<Problem> {
        match &self.server {
            Some(server) => server.problems(),
            None => self.problems.clone(),
        }
    }

    fn reply(&self) -> &Reply {
        self.reply.as_ref().expect("a request was made")
    }

    fn finished(&self) -> &Result<PathBuf, String> {
        self.finished.as_ref().expect("the pact test is done")
    }

    /// The pact file written, read back.
    fn written_pact(&self) -> Pact {
        let path = match (&self.finished, &self.pact_file) {
            (Some(Ok(path)), _) | (None, Some(path)) => path,
            (Some(Err(e)), _) => panic!("no pact was written: {e}"),
            (None, None) => panic!("no pact was written"),
        };
        let text = std::fs::read_to_string(path)
            .unwrap_or_else(|e| panic!("pact file {}: {e}", path.display()));
        read_pact(&text, &path.display().to_string()).expect("a valid pact file")
    }

    /// The pact file written, as JSON.
    fn written_json(&self) -> Value {
        let path = self.pact_file.as_ref().expect("a pact file was generated");
        let text = std::fs::read_to_string(path)
            .unwrap_or_else(|e| panic!("pact file {}: {e}", path.display()));
        serde_json::from_str(&text).expect("a JSON pact file")
    }
}

// The Background.

#[given(regex = r"^the following HTTP interactions have been defined:$")]
fn interactions_defined(world: &mut CompatWorld, step: &Step) {
    world.consumer.interactions = cells::rows(step)
        .iter()
        .map(|row| interaction_from_row(&world.suite, row))
        .collect();
}

/// `No | method | path | query | headers | body | matching rules` for the request, and
/// `response | response headers | response content | response body | response matching
/// rules` for the response.
fn interaction_from_row(suite: &Path, row: &[(String, String)]) -> HttpInteraction {
    let no = row
        .iter()
        .find(|(k, _)| k == "No")
        .map_or("?", |(_, v)| v.trim());
    let response_row: Vec<(String, String)> = row
        .iter()
        .filter_map(|(k, v)| {
            let key = match k.as_str() {
                "response" => "status",
                "response content" => "content type",
                other => other.strip_prefix("response ")?,
            };
            Some((key.to_string(), v.clone()))
        })
        .collect();
    HttpInteraction {
        info: InteractionInfo::new(format!("interaction {no}")),
        request: cells::request(suite, row),
        response: cells::response(suite, &response_row),
    }
}

// The mock server.

/// The interactions listed in `1, 2`.
pub(crate) fn numbers(list: &str) -> Vec<usize> {
    list.split(',')
        .map(|n| n.trim().parse().expect("an interaction number"))
        .collect()
}

fn start_server(world: &mut CompatWorld, interactions: Vec<HttpInteraction>) {
    let spec = world.spec;
    let pact = Pact {
        consumer: format!("{}-consumer", spec.as_str()),
        provider: format!("{}-provider", spec.as_str()),
        interactions: interactions.into_iter().map(Interaction::Http).collect(),
        spec,
        ..Pact::default()
    };
    let dir = world.consumer.dir();
    let server = MockServer::start(pact, Some(dir), MockServerOptions::default())
        .unwrap_or_else(|e| panic!("the mock server did not start: {e}"));
    world.consumer.server = Some(server);
}

#[when(regex = r#"^the mock server is started with interactions? "?([\d, ]+)"?$"#)]
fn server_started(world: &mut CompatWorld, list: String) {
    let interactions = numbers(&list)
        .into_iter()
        .map(|n| world.consumer.interaction(n).clone())
        .collect();
    start_server(world, interactions);
}

#[when(
    regex = r"^the mock server is started with interaction (\d+) but with the following changes:$"
)]
fn server_started_with_changes(world: &mut CompatWorld, n: usize, step: &Step) {
    let mut interaction = world.consumer.interaction(n).clone();
    let changes = cells::rows(step).remove(0);
    apply_changes(&world.suite, &mut interaction.request, &changes);
    start_server(world, vec![interaction]);
}

/// Applies a "with the following changes" row to a request: `method`, `path`, `query`,
/// `headers` and `raw headers` (replacing all the headers), `body` (a body cell that names
/// its content type sets the `Content-Type` header; bare text keeps the request's).
fn apply_changes(suite: &Path, request: &mut Request, changes: &[(String, String)]) {
    for (k, v) in changes {
        match k.as_str() {
            "method" => request.method = v.trim().to_uppercase(),
            "path" => request.path = v.trim().to_string(),
            "query" => request.query = Some(cells::query(v)),
            "headers" | "raw headers" => request.headers = Some(cells::headers(v)),
            "body" => {
                request.body = cells::body(suite, v);
                if cells::declares_content_type(v) {
                    if let Some(ct) = request.body.declared_content_type() {
                        cells::set_content_type(&mut request.headers, &ct.to_string());
                    }
                }
            }
            other => panic!("unknown request change {other}"),
        }
    }
    cells::with_body_content_type(&mut request.headers, &request.body);
}

#[when(regex = r"^request (\d+) is made to the mock server( with the following changes:)?$")]
fn request_made(world: &mut CompatWorld, n: usize, changed: String, step: &Step) {
    let mut request = world.consumer.interaction(n).request.clone();
    // A query cell is sent as written (repeated keys keep their order).
    let mut raw_query = None;
    if !changed.is_empty() {
        let changes = cells::rows(step).remove(0);
        raw_query = changes
            .iter()
            .find(|(k, _)| k == "query")
            .map(|(_, v)| v.trim().to_string());
        apply_changes(&world.suite, &mut request, &changes);
    }
    let address = world.consumer.server().address();
    world.consumer.reply = Some(send(address, &request, raw_query.as_deref()));
}

#[when(regex = r"^the pact test is done$")]
fn pact_test_done(world: &mut CompatWorld) {
    let server = world.consumer.server.take().expect("a running mock server");
    world.consumer.problems = server.problems();
    world.consumer.finished = Some(server.finish().map_err(|e| match e {
        MockServerError::Failed(failure) => failure.to_string(),
        other => panic!(
            "the mock server failed: {}",
            pact_runtime::error_chain(&other)
        ),
    }));
}

// The reply.

#[then(regex = r"^a (\d+) (?:success|error) response is returned$")]
fn response_status(world: &mut CompatWorld, status: u16) {
    let reply = world.consumer.reply();
    assert_eq!(
        reply.status,
        status,
        "reply body: {}",
        String::from_utf8_lossy(&reply.body)
    );
}

#[then(regex = r#"^the payload will contain the "([^"]*)" JSON document$"#)]
fn payload_document(world: &mut CompatWorld, name: String) {
    let expected = cells::json_document(&world.suite, &format!("{name}.json"));
    let actual: Value =
        serde_json::from_slice(&world.consumer.reply().body).expect("a JSON payload");
    assert_eq!(actual, expected);
}

#[then(regex = r#"^the content type will be set as "([^"]*)"$"#)]
fn reply_content_type(world: &mut CompatWorld, ct: String) {
    let reply = world.consumer.reply();
    let actual = reply
        .headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-type"))
        .map(|(_, v)| v.as_str());
    assert_eq!(actual, Some(ct.as_str()), "headers: {:?}", reply.headers);
}

// The mock server's status.

#[then(regex = r"^the mock server status will be OK$")]
fn status_ok(world: &mut CompatWorld) {
    if let Err(e) = world.consumer.finished() {
        panic!("the mock server status is not OK: {e}");
    }
}

#[then(regex = r"^the mock server status will NOT be OK$")]
fn status_not_ok(world: &mut CompatWorld) {
    assert!(
        world.consumer.finished().is_err(),
        "the mock server status is OK"
    );
}

#[then(regex = r"^the mock server status will be mismatches$")]
fn status_mismatches(world: &mut CompatWorld) {
    let problems = world.consumer.problems();
    assert!(
        problems
            .iter()
            .any(|p| matches!(p, Problem::Mismatch { .. })),
        "no request mismatch in {problems:#?}"
    );
}

#[then(
    regex = r"^the mock server status will be an expected but not received error for interaction \{(\d+)\}$"
)]
fn status_missing(world: &mut CompatWorld, n: usize) {
    let description = &world.consumer.interaction(n).info.description;
    let problems = world.consumer.problems();
    assert!(
        problems
            .iter()
            .any(|p| matches!(p, Problem::Missing { description: d, .. } if d == description)),
        "{description} is not reported missing in {problems:#?}"
    );
}

#[then(
    regex = r#"^the mock server status will be an unexpected "([^"]*)" request received error for (?:interaction \{(\d+)\}|path "([^"]*)")$"#
)]
fn status_unexpected(world: &mut CompatWorld, method: String, n: String, path: String) {
    let path = match n.parse::<usize>() {
        Ok(n) => world.consumer.interaction(n).request.path.clone(),
        Err(_) => path,
    };
    let problems = world.consumer.problems();
    assert!(
        problems.iter().any(|p| matches!(
            p,
            Problem::Unexpected { request, .. } if request.method == method && request.path == path
        )),
        "no unexpected {method} {path} in {problems:#?}"
    );
}

#[then(
    regex = r#"^the mismatches will contain a "([^"]*)" mismatch(?: with path "([^"]*)")? with error "(.*)"$"#
)]
fn mismatch_with_error(world: &mut CompatWorld, kind: String, path: String, error: String) {
    let error = cells::unescape(&error);
    let problems = world.consumer.problems();
    let found = problems.iter().any(|p| {
        p.closest().is_some_and(|c| {
            c.mismatches.iter().any(|m| {
                m.kind.as_str() == kind
                    && (path.is_empty() || m.path == path)
                    && m.description == error
            })
        })
    });
    assert!(found, "no {kind} mismatch {error:?} in {problems:#?}");
}

// The pact file.

#[then(
    regex = r"^the mock server will( NOT)? write out a Pact file for the interactions? when done$"
)]
fn pact_written(world: &mut CompatWorld, not: String) {
    match (world.consumer.finished(), not.is_empty()) {
        (Ok(path), true) => assert!(path.is_file(), "{} is not a file", path.display()),
        (Err(e), true) => panic!("no pact was written: {e}"),
        (Ok(path), false) => panic!("a pact was written to {}", path.display()),
        (Err(_), false) => {
            let dir = world.consumer.dir();
            let pacts = std::fs::read_dir(&dir)
                .map(|entries| {
                    entries
                        .filter_map(Result::ok)
                        .filter(|e| e.path().extension().is_some_and(|x| x == "json"))
                        .count()
                })
                .unwrap_or(0);
            assert_eq!(pacts, 0, "a pact file is in {}", dir.display());
        }
    }
}

#[then(regex = r"^the pact file will contain \{?(\d+)\}? interactions?$")]
fn pact_interaction_count(world: &mut CompatWorld, n: usize) {
    assert_eq!(world.consumer.written_pact().interactions.len(), n);
}

fn ordinal(word: &str) -> usize {
    match word {
        "first" => 0,
        "second" => 1,
        "third" => 2,
        other => panic!("unknown ordinal {other}"),
    }
}

/// The `{first}` HTTP interaction of the written pact.
fn written_interaction(world: &CompatWorld, word: &str) -> HttpInteraction {
    let pact = world.consumer.written_pact();
    match pact.interactions.get(ordinal(word)) {
        Some(Interaction::Http(h)) => h.clone(),
        other => panic!("the {word} interaction is not an HTTP one: {other:?}"),
    }
}

/// A document named in a step (a fixture), compared as JSON when it is JSON.
fn assert_document(suite: &Path, name: &str, body: &pact_core::model::Body) {
    if name.ends_with(".json") {
        let expected = cells::json_document(suite, name);
        let actual: Value = serde_json::from_slice(body.as_bytes()).expect("a JSON body");
        assert_eq!(actual, expected);
    } else {
        let expected = cells::body(suite, &format!("file: {name}"));
        assert_eq!(body.as_bytes(), expected.as_bytes());
    }
}

#[then(regex = r#"^the \{(\w+)\} interaction request will be for a "([^"]*)"$"#)]
fn written_method(world: &mut CompatWorld, word: String, method: String) {
    assert_eq!(written_interaction(world, &word).request.method, method);
}

#[then(
    regex = r#"^the \{(\w+)\} interaction (request|response) will contain the "([^"]*)" document$"#
)]
fn written_document(world: &mut CompatWorld, word: String, part: String, name: String) {
    let interaction = written_interaction(world, &word);
    let body = match part.as_str() {
        "request" => &interaction.request.body,
        _ => &interaction.response.body,
    };
    assert_document(&world.suite, &name, body);
}

#[then(regex = r#"^the \{(\w+)\} interaction request query parameters will be "([^"]*)"$"#)]
fn written_query(world: &mut CompatWorld, word: String, query: String) {
    let request = written_interaction(world, &word).request;
    assert_eq!(request.query, Some(cells::query(&query)));
}

#[then(
    regex = r#"^the \{(\w+)\} interaction request will contain the header "([^"]*)" with value "([^"]*)"$"#
)]
fn written_header(world: &mut CompatWorld, word: String, name: String, value: String) {
    let request = written_interaction(world, &word).request;
    let values = request
        .headers
        .as_ref()
        .and_then(|h| h.get_ignore_case(&name))
        .unwrap_or_else(|| panic!("no header {name} in {:?}", request.headers));
    assert_eq!(values, [value]);
}

#[then(regex = r#"^the \{(\w+)\} interaction request content type will be "([^"]*)"$"#)]
fn written_content_type(world: &mut CompatWorld, word: String, ct: String) {
    let request = written_interaction(world, &word).request;
    assert_eq!(request.content_type().map(|c| c.to_string()), Some(ct));
}

// V3 and V4: an interaction defined with the builder, written by the pact writer.

#[given(regex = r"^an? (?:integration|HTTP interaction) is being defined for a consumer test$")]
fn interaction_defined(world: &mut CompatWorld) {
    world.consumer.builder = Some(InteractionBuilder::new("a consumer test interaction"));
}

fn builder(world: &mut CompatWorld) -> &mut InteractionBuilder {
    world
        .consumer
        .builder
        .as_mut()
        .expect("an interaction is being defined")
}

#[given(regex = r#"^a provider state "([^"]*)" is specified$"#)]
fn provider_state(world: &mut CompatWorld, name: String) {
    builder(world).given(name);
}

#[given(regex = r#"^a provider state "([^"]*)" is specified with the following data:$"#)]
fn provider_state_with_data(world: &mut CompatWorld, name: String, step: &Step) {
    let params = cells::parameters(step);
    builder(world).given_with_params(name, params);
}

#[given(regex = r#"^a key of "([^"]*)" is specified for the HTTP interaction$"#)]
fn interaction_key(world: &mut CompatWorld, key: String) {
    builder(world).key(key);
}

#[given(regex = r"^the HTTP interaction is marked as pending$")]
fn interaction_pending(world: &mut CompatWorld) {
    builder(world).pending(true);
}

#[given(regex = r#"^a comment "([^"]*)" is added to the HTTP interaction$"#)]
fn interaction_comment(world: &mut CompatWorld, comment: String) {
    builder(world).comment(comment);
}

#[when(regex = r"^the Pact file for the test is generated$")]
fn pact_generated(world: &mut CompatWorld) {
    let spec = world.spec;
    let interaction = world
        .consumer
        .builder
        .take()
        .expect("an interaction is being defined");
    let mut pact = PactBuilder::new(
        format!("{}-consumer", spec.as_str()),
        format!("{}-provider", spec.as_str()),
    );
    pact.spec(spec).push(interaction.build());
    let dir = world.consumer.dir();
    let path = write_pact(&dir, &pact.build())
        .unwrap_or_else(|e| panic!("{}", pact_runtime::error_chain(&e)));
    world.consumer.pact_file = Some(path);
}

/// The only interaction of the generated pact.
fn generated_info(world: &CompatWorld) -> InteractionInfo {
    let pact = world.consumer.written_pact();
    assert_eq!(pact.interactions.len(), 1, "interactions: {pact:#?}");
    pact.interactions[0].info().clone()
}

#[then(regex = r"^the interaction in the Pact file will contain (\d+) provider states?$")]
fn state_count(world: &mut CompatWorld, n: usize) {
    assert_eq!(generated_info(world).provider_states.len(), n);
}

#[then(regex = r#"^the interaction in the Pact file will contain provider state "([^"]*)"$"#)]
fn has_state(world: &mut CompatWorld, name: String) {
    let states = generated_info(world).provider_states;
    assert!(
        states.iter().any(|s| s.name == name),
        "no state {name:?} in {states:?}"
    );
}

#[then(
    regex = r#"^the provider state "([^"]*)" in the Pact file will contain the following parameters:$"#
)]
fn state_parameters(world: &mut CompatWorld, name: String, step: &Step) {
    let expected: Value = serde_json::from_str(&cells::rows(step)[0][0].1).expect("JSON");
    let states = generated_info(world).provider_states;
    let state = states
        .iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("no state {name:?} in {states:?}"));
    assert_eq!(Value::Object(state.params.clone()), expected);
}

fn first_interaction_json(world: &CompatWorld) -> Value {
    let doc = world.consumer.written_json();
    doc["interactions"][0].clone()
}

#[then(regex = r#"^the first interaction in the Pact file will have a type of "([^"]*)"$"#)]
fn first_type(world: &mut CompatWorld, kind: String) {
    let interaction = first_interaction_json(world);
    assert_eq!(interaction["type"], Value::String(kind), "{interaction}");
}

#[then(regex = r#"^the first interaction in the Pact file will have "([^"]*)" = '(.*)'$"#)]
fn first_field(world: &mut CompatWorld, field: String, json: String) {
    let expected: Value = serde_json::from_str(&json).expect("a JSON value");
    let interaction = first_interaction_json(world);
    assert_eq!(interaction[&field], expected, "{interaction}");
}

// A small HTTP/1.1 client: one request per connection, sent exactly as built (repeated
// header lines stay repeated), and the reply read to the end.

/// A reply from the mock server.
#[derive(Debug)]
pub struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

fn encode_query_part(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn query_string(query: &MultiMap) -> String {
    query
        .iter()
        .flat_map(|(k, vs)| {
            vs.iter()
                .map(move |v| format!("{}={}", encode_query_part(k), encode_query_part(v)))
        })
        .collect::<Vec<_>>()
        .join("&")
}

fn send(address: SocketAddr, request: &Request, raw_query: Option<&str>) -> Reply {
    let query = match (raw_query, &request.query) {
        (Some(q), _) => q.to_string(),
        (None, Some(q)) => query_string(q),
        (None, None) => String::new(),
    };
    let mut head = format!("{} {}", request.method, request.path);
    if !query.is_empty() {
        head.push('?');
        head.push_str(&query);
    }
    head.push_str(" HTTP/1.1\r\n");
    head.push_str(&format!("Host: {address}\r\nConnection: close\r\n"));
    for (name, values) in request.headers.iter().flat_map(MultiMap::iter) {
        for v in values {
            head.push_str(&format!("{name}: {v}\r\n"));
        }
    }
    let body = request.body.as_bytes();
    if !body.is_empty() {
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    head.push_str("\r\n");
    let mut stream = TcpStream::connect(address).expect("connect to the mock server");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("a read timeout");
    stream.write_all(head.as_bytes()).expect("send the request");
    stream.write_all(body).expect("send the body");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("read the reply");
    parse_reply(&raw, request.method == "HEAD")
}

fn parse_reply(raw: &[u8], head_only: bool) -> Reply {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a complete reply head");
    let head = String::from_utf8_lossy(&raw[..split]);
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .expect("a status line");
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let header = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    };
    let mut body = raw[split + 4..].to_vec();
    if head_only {
        body.clear();
    } else if header("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
        body = dechunk(&body);
    } else if let Some(n) = header("content-length").and_then(|v| v.parse().ok()) {
        body.truncate(n);
    }
    Reply {
        status,
        headers,
        body,
    }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = data.windows(2).position(|w| w == b"\r\n") {
        let size_text = String::from_utf8_lossy(&data[..eol]);
        let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)
            .expect("a chunk size");
        data = &data[eol + 2..];
        if size == 0 {
            break;
        }
        out.extend_from_slice(&data[..size.min(data.len())]);
        data = data.get(size + 2..).unwrap_or_default();
    }
    out
}
