//! A mock provider on warp: answers each request that matches an interaction with its
//! response, reports the rest, and writes the pact when the test is done and all matched.
//!
//! The server runs on a thread of its own with a single-threaded tokio runtime, so it works
//! the same under `#[test]`, `#[tokio::test]` and `#[tokio::test(flavor = "multi_thread")]`
//! and never nests runtimes. The socket is bound before [`MockServer::start`] returns, so the
//! server is ready at once.
//!
//! ```
//! use pact_runtime::consumer::PactBuilder;
//! use std::io::{Read, Write};
//! let dir = std::env::temp_dir().join(format!("pact-mock-doc-{}", std::process::id()));
//! let mut pact = PactBuilder::new("Consumer", "Provider");
//! pact.output_dir(&dir);
//! pact.interaction("a ping", |i| {
//!     i.request.get("/ping");
//!     i.response.status(200).body("pong", "text/plain");
//! });
//! let server = pact.start_mock_server();
//! let mut stream = std::net::TcpStream::connect(server.address()).unwrap();
//! stream.write_all(b"GET /ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").unwrap();
//! let mut reply = String::new();
//! stream.read_to_string(&mut reply).unwrap();
//! assert!(reply.starts_with("HTTP/1.1 200") && reply.ends_with("pong"));
//! let written = server.finish().unwrap();
//! assert!(written.ends_with("Consumer-Provider.json"));
//! # std::fs::remove_dir_all(&dir).unwrap();
//! ```

mod report;
#[cfg(feature = "tls")]
mod tls;

pub use crate::server::RequestLine;
pub use report::{Closest, Problem};

use crate::consumer::PactBuilder;
use crate::pact_writer::{write_pact, WriteError};
use crate::server::{
    base_url, bind, is_preflight, json_reply, plain, preflight_response, request_line, respond,
    with_cors, Reply, Running, TlsAcceptor,
};
use pact_core::matching::{match_request, Mismatch, MismatchKind};
use pact_core::model::{HttpInteraction, Interaction, Pact, Request};
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use warp::http::{HeaderMap, Method, StatusCode};

/// How to start a mock server: address, CORS, TLS.
#[derive(Debug, Clone)]
pub struct MockServerOptions {
    /// The address to bind; 127.0.0.1 by default.
    pub host: IpAddr,
    /// The port; 0 (any free port) by default.
    pub port: u16,
    /// Answer CORS preflight requests and add `Access-Control-Allow-Origin: *`.
    pub cors: bool,
    /// Serve HTTPS with a self-signed certificate (feature `tls`).
    pub tls: bool,
}

impl Default for MockServerOptions {
    fn default() -> Self {
        MockServerOptions {
            host: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 0,
            cors: false,
            tls: false,
        }
    }
}

/// Why a mock server could not start, or why its test failed.
#[derive(Debug, thiserror::Error)]
pub enum MockServerError {
    /// The address could not be bound.
    #[error("could not bind the mock server to {address}")]
    Bind {
        /// The address asked for.
        address: SocketAddr,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The server's thread or runtime could not start.
    #[error("could not start the mock server's runtime")]
    Runtime(#[source] std::io::Error),
    /// TLS was asked for but could not be set up (or the `tls` feature is off).
    #[error("could not set up TLS for the mock server: {0}")]
    Tls(String),
    /// Some interaction was not exercised or some request matched none.
    #[error("{0}")]
    Failed(Failure),
    /// Everything matched but the pact could not be written.
    #[error("could not write the pact")]
    Write(#[from] WriteError),
    /// The interactions use what the pact's specification version cannot hold (see
    /// [`Pact::lost_in`]); ask for V3 or V4.
    #[error("the pact's specification version cannot hold: {0}")]
    Unsupported(String),
    /// The pact dir could not be worked out (a malformed `Cargo.toml`, say).
    #[error("could not work out the pact dir")]
    PactDir(#[source] WriteError),
    /// The log settings are invalid or the log file cannot be opened (see [`crate::log`]).
    #[error("could not set up the mock server's log")]
    Log(#[source] crate::log::LogError),
}

/// The problems of a mock server whose test failed; its `Display` is the message the test
/// fails with.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    /// `Consumer -> Provider`.
    pub pact: String,
    /// The server's URL.
    pub url: String,
    /// Each problem, requests first in arrival order, then missing interactions.
    pub problems: Vec<Problem>,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.problems.len();
        write!(
            f,
            "pact mock server for {} at {}: {n} problem{}; the pact was not written",
            self.pact,
            self.url,
            if n == 1 { "" } else { "s" }
        )?;
        for p in &self.problems {
            write!(f, "\n  - {p}")?;
        }
        Ok(())
    }
}

struct Shared {
    interactions: Vec<HttpInteraction>,
    spec: pact_core::model::SpecVersion,
    url: String,
    cors: bool,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    hits: Vec<usize>,
    problems: Vec<Problem>,
}

impl Shared {
    fn state(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock cannot leave the counters half-updated.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A running mock provider. Dropping it at the end of a test checks that every interaction
/// was exercised and nothing unexpected arrived, writes the pact when so, and panics with
/// the list of problems otherwise. When the test is already panicking (an `.unwrap()` on
/// the client's error for the mock server's 500, say), the problems go to stderr instead,
/// where the test harness shows them with the failure: the client's error rarely says more
/// than the status.
pub struct MockServer {
    shared: Arc<Shared>,
    pact: Pact,
    output_dir: Option<PathBuf>,
    address: SocketAddr,
    ca_pem: Option<String>,
    running: Running,
    finished: bool,
}

impl fmt::Debug for MockServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockServer")
            .field("url", &self.shared.url)
            .field("interactions", &self.shared.interactions.len())
            .finish()
    }
}

impl PactBuilder {
    /// Starts a mock server for the interactions, on 127.0.0.1 and a free port.
    ///
    /// # Panics
    ///
    /// When the server cannot start (see [`PactBuilder::try_start_mock_server`]).
    #[track_caller]
    pub fn start_mock_server(&self) -> MockServer {
        self.try_start_mock_server(MockServerOptions::default())
            .unwrap_or_else(|e| panic!("{}", crate::error_chain(&e)))
    }

    /// Starts a mock server with `options`.
    pub fn try_start_mock_server(
        &self,
        options: MockServerOptions,
    ) -> Result<MockServer, MockServerError> {
        let dir = self
            .resolve_output_dir()
            .map_err(MockServerError::PactDir)?;
        MockServer::start_in(self.build(), Some(dir), options, self.package())
    }
}

impl MockServer {
    /// Starts a server for `pact`'s HTTP interactions; the pact goes to `output_dir`, or the
    /// default pact dir when `None`. The log settings (see [`crate::log`]) are those of the
    /// package whose tests run (`CARGO_MANIFEST_DIR`).
    pub fn start(
        pact: Pact,
        output_dir: Option<PathBuf>,
        options: MockServerOptions,
    ) -> Result<MockServer, MockServerError> {
        MockServer::start_in(pact, output_dir, options, None)
    }

    fn start_in(
        pact: Pact,
        output_dir: Option<PathBuf>,
        options: MockServerOptions,
        package: Option<&std::path::Path>,
    ) -> Result<MockServer, MockServerError> {
        // Before the test runs, not after it passed: the pact could not be written as asked.
        let lost = pact.lost_in(pact.spec);
        if !lost.is_empty() {
            return Err(MockServerError::Unsupported(lost.join("; ")));
        }
        let manifest_dir = match package {
            Some(dir) => dir.to_path_buf(),
            None => std::env::var_os("CARGO_MANIFEST_DIR")
                .unwrap_or_else(|| ".".into())
                .into(),
        };
        // The server's thread is not the test's: its records name the test that started it.
        let log = crate::log::mock_server_log(&manifest_dir)
            .map_err(MockServerError::Log)?
            .map(|log| {
                let thread = std::thread::current();
                let test = thread
                    .name()
                    .map_or_else(|| format!("{:?}", thread.id()), str::to_string);
                tracing::Dispatch::new(log.for_test(test))
            });
        let (listener, address) = bind(options.host, options.port)
            .map_err(|(address, source)| MockServerError::Bind { address, source })?;
        let url = base_url(if options.tls { "https" } else { "http" }, address);
        let interactions: Vec<HttpInteraction> = pact
            .interactions
            .iter()
            .filter_map(|i| match i {
                Interaction::Http(h) => Some(h.clone()),
                _ => None,
            })
            .collect();
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                hits: vec![0; interactions.len()],
                problems: Vec::new(),
            }),
            interactions,
            spec: pact.spec,
            url,
            cors: options.cors,
        });
        let (acceptor, ca_pem) = tls_acceptor(options.tls)?;
        let handler = {
            let shared = shared.clone();
            move |method: &Method, headers: &HeaderMap, actual: Request| {
                let handle = || handle(&shared, method, headers, &actual);
                // A panic here would only drop the connection: record it so the test fails.
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match &log {
                    // Scoped to this thread: a subscriber of the test's own stays untouched.
                    Some(log) => tracing::dispatcher::with_default(log, handle),
                    None => handle(),
                }))
                .unwrap_or_else(|panic| {
                    let message = panic
                        .downcast_ref::<String>()
                        .cloned()
                        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                        .unwrap_or_else(|| "a panic".into());
                    let problem = Problem::Internal {
                        request: request_line(&actual),
                        message,
                    };
                    tracing::error!("{problem}: answered 500");
                    let reply = failure_response(&problem, false);
                    shared.state().problems.push(problem);
                    reply
                })
            }
        };
        let running = Running::spawn(
            listener,
            handler,
            acceptor,
            format!("pact-mock-{}", address.port()),
        )
        .map_err(MockServerError::Runtime)?;
        Ok(MockServer {
            shared,
            pact,
            output_dir,
            address,
            ca_pem,
            running,
            finished: false,
        })
    }

    /// The base URL, `http://127.0.0.1:PORT` (or `https://` with TLS).
    pub fn url(&self) -> &str {
        &self.shared.url
    }

    /// The URL of `path` on this server.
    ///
    /// ```no_run
    /// # fn f(server: &pact_runtime::mock_server::MockServer) {
    /// let url = server.path("/builds/3455");
    /// # }
    /// ```
    pub fn path(&self, path: &str) -> String {
        format!("{}{path}", self.shared.url)
    }

    /// The socket address the server listens on.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// With TLS, the PEM of the self-signed certificate, for the client to trust.
    pub fn ca_pem(&self) -> Option<&str> {
        self.ca_pem.as_deref()
    }

    /// The problems so far: requests that matched nothing, then interactions not yet
    /// exercised.
    pub fn problems(&self) -> Vec<Problem> {
        let state = self.shared.state();
        let mut out = state.problems.clone();
        for (i, hits) in state.hits.iter().enumerate() {
            if *hits == 0 {
                let interaction = &self.shared.interactions[i];
                out.push(Problem::Missing {
                    description: interaction.info.description.clone(),
                    request: request_line(&interaction.request),
                });
            }
        }
        out
    }

    /// How many requests matched each interaction, in pact order.
    pub fn hits(&self) -> Vec<usize> {
        self.shared.state().hits.clone()
    }

    /// Stops the server and, when every interaction matched and nothing unexpected
    /// arrived, writes the pact and returns its path.
    pub fn finish(mut self) -> Result<PathBuf, MockServerError> {
        self.finished = true;
        self.stop();
        self.check_and_write()
    }

    /// Stops the server without writing the pact (for a test that failed some other way)
    /// and returns the problems seen so far.
    pub fn discard(mut self) -> Vec<Problem> {
        self.finished = true;
        self.stop();
        self.problems()
    }

    /// The problems so far as the report a failing test prints, or `None` when there are
    /// none.
    ///
    /// ```
    /// use pact_runtime::consumer::PactBuilder;
    /// let mut pact = PactBuilder::new("Consumer", "Provider");
    /// pact.interaction("a ping", |i| {
    ///     i.request.get("/ping");
    /// });
    /// let server = pact.start_mock_server();
    /// let report = server.failure().unwrap().to_string();
    /// assert!(report.contains("expected but not received: GET /ping"), "{report}");
    /// let _ = server.discard();
    /// ```
    pub fn failure(&self) -> Option<Failure> {
        let problems = self.problems();
        (!problems.is_empty()).then(|| Failure {
            pact: format!("{} -> {}", self.pact.consumer, self.pact.provider),
            url: self.shared.url.clone(),
            problems,
        })
    }

    /// Writes the report of a test that failed in its own body to stderr (captured by the
    /// test harness like the test's own output), unless there is nothing to report.
    pub(crate) fn report_to_stderr(&self, how: &str) {
        if let Some(failure) = self.failure() {
            eprintln!("the test {how}; what the pact mock server saw may explain why:\n{failure}");
        }
    }

    fn check_and_write(&self) -> Result<PathBuf, MockServerError> {
        if let Some(failure) = self.failure() {
            return Err(MockServerError::Failed(failure));
        }
        let dir = match &self.output_dir {
            Some(dir) => dir.clone(),
            None => crate::pact_writer::default_pact_dir()?,
        };
        Ok(write_pact(&dir, &self.pact)?)
    }

    fn stop(&mut self) {
        self.running.stop();
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        self.stop();
        if self.finished {
            return;
        }
        if std::thread::panicking() {
            // A second panic would abort the process; the report is what the panic lacks.
            self.report_to_stderr("panicked");
            return;
        }
        if let Err(e) = self.check_and_write() {
            panic!("{}", crate::error_chain(&e));
        }
    }
}

#[cfg(feature = "tls")]
fn tls_acceptor(on: bool) -> Result<(Option<TlsAcceptor>, Option<String>), MockServerError> {
    if !on {
        return Ok((None, None));
    }
    let (acceptor, pem) = tls::self_signed().map_err(MockServerError::Tls)?;
    Ok((Some(acceptor), Some(pem)))
}

#[cfg(not(feature = "tls"))]
fn tls_acceptor(on: bool) -> Result<(Option<TlsAcceptor>, Option<String>), MockServerError> {
    if on {
        return Err(MockServerError::Tls(
            "pact-runtime was built without its `tls` feature".into(),
        ));
    }
    Ok((None, None))
}

fn is_method_or_path(m: &Mismatch) -> bool {
    matches!(m.kind, MismatchKind::Method | MismatchKind::Path)
}

fn handle(shared: &Shared, method: &Method, headers: &HeaderMap, actual: &Request) -> Reply {
    let wants_json = headers
        .get("accept")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("json"));
    tracing::debug!(
        headers = %crate::log::redacted_headers(
            headers.iter().map(|(n, v)| (n.as_str(), v.to_str().unwrap_or("<not text>")))
        ),
        body = %body_of(actual),
        "received {}",
        request_line(actual),
    );
    let mut best: Option<((bool, usize), usize, Vec<Mismatch>)> = None;
    let mut matched = None;
    for (i, interaction) in shared.interactions.iter().enumerate() {
        let mismatches = match_request(&interaction.request, actual, shared.spec);
        if mismatches.is_empty() {
            // Of several interactions with this request (one per provider state, say), the
            // first not yet exercised answers, so that each can be.
            if shared.state().hits[i] == 0 {
                matched = Some(i);
                break;
            }
            matched.get_or_insert(i);
            continue;
        }
        // Closest: same method and path first, then the fewest differences.
        let rank = (mismatches.iter().any(is_method_or_path), mismatches.len());
        if best.as_ref().is_none_or(|(r, _, _)| rank < *r) {
            best = Some((rank, i, mismatches));
        }
    }
    if let Some(i) = matched {
        let interaction = &shared.interactions[i];
        let reply = match respond(&shared.url, &interaction.response) {
            Ok(reply) => {
                shared.state().hits[i] += 1;
                tracing::info!(
                    "{} matched \"{}\": answered {}",
                    request_line(actual),
                    interaction.info.description,
                    reply.status().as_u16()
                );
                tracing::trace!(body = %crate::log::body_text(reply.body()), "response");
                reply
            }
            Err(message) => {
                let problem = Problem::InvalidResponse {
                    request: request_line(actual),
                    description: interaction.info.description.clone(),
                    message,
                };
                tracing::warn!("{problem}: answered 500");
                let reply = failure_response(&problem, wants_json);
                shared.state().problems.push(problem);
                reply
            }
        };
        return with_cors(shared.cors, headers, reply);
    }
    if is_preflight(shared.cors, method, headers) {
        tracing::info!("{} is a CORS preflight: answered", request_line(actual));
        return with_cors(shared.cors, headers, preflight_response(headers));
    }
    let request = request_line(actual);
    let closest = best.map(|(_, i, mismatches)| Closest {
        description: shared.interactions[i].info.description.clone(),
        mismatches,
    });
    let problem = match closest {
        Some(c) if !c.mismatches.iter().any(is_method_or_path) => Problem::Mismatch {
            request,
            closest: c,
        },
        closest => Problem::Unexpected { request, closest },
    };
    tracing::warn!("{problem}: answered 500");
    let reply = failure_response(&problem, wants_json);
    shared.state().problems.push(problem);
    with_cors(shared.cors, headers, reply)
}

fn failure_response(problem: &Problem, json: bool) -> Reply {
    if !json {
        return plain(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("pact mock server: {problem}\n"),
        );
    }
    let mut body = problem.to_json();
    body["error"] = format!("pact mock server: {problem}").into();
    json_reply(StatusCode::INTERNAL_SERVER_ERROR, &body)
}

/// The body of a request as logged.
fn body_of(request: &Request) -> String {
    match &request.body {
        pact_core::model::Body::Present { bytes, .. } => crate::log::body_text(bytes),
        _ => String::new(),
    }
}
