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

pub use report::{Closest, Problem, RequestLine};

use crate::consumer::PactBuilder;
use crate::pact_writer::{write_pact, WriteError};
use bytes::Bytes;
use pact_core::generators::{GeneratorContext, GeneratorMode};
use pact_core::matching::{match_request, Mismatch, MismatchKind};
use pact_core::model::{
    parse_query_string, Body, HttpInteraction, Interaction, MultiMap, Pact, Request, Response,
};
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use warp::http::{HeaderMap, HeaderValue, Method, StatusCode};
use warp::Filter;

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
    /// Signalled on every request; see [`stay_awake`].
    activity: tokio::sync::Notify,
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
/// the list of problems otherwise (unless the test is already panicking).
pub struct MockServer {
    shared: Arc<Shared>,
    pact: Pact,
    output_dir: Option<PathBuf>,
    address: SocketAddr,
    ca_pem: Option<String>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
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
        MockServer::start(self.build(), Some(self.resolve_output_dir()?), options)
    }
}

impl MockServer {
    /// Starts a server for `pact`'s HTTP interactions; the pact goes to `output_dir`, or the
    /// default pact dir when `None`.
    pub fn start(
        pact: Pact,
        output_dir: Option<PathBuf>,
        options: MockServerOptions,
    ) -> Result<MockServer, MockServerError> {
        let address = SocketAddr::new(options.host, options.port);
        let listener = std::net::TcpListener::bind(address)
            .and_then(|l| l.set_nonblocking(true).map(|()| l))
            .map_err(|source| MockServerError::Bind { address, source })?;
        let address = listener
            .local_addr()
            .map_err(|source| MockServerError::Bind { address, source })?;
        let scheme = if options.tls { "https" } else { "http" };
        let host = match address.ip() {
            ip if ip.is_unspecified() => "127.0.0.1".to_string(),
            IpAddr::V6(ip) => format!("[{ip}]"),
            ip => ip.to_string(),
        };
        let url = format!("{scheme}://{host}:{}", address.port());
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
            activity: tokio::sync::Notify::new(),
        });
        let (acceptor, ca_pem) = tls_acceptor(options.tls)?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .enable_time()
            .build()
            .map_err(MockServerError::Runtime)?;
        let listener = {
            let _guard = runtime.enter();
            tokio::net::TcpListener::from_std(listener).map_err(MockServerError::Runtime)?
        };
        let (tx, rx) = tokio::sync::oneshot::channel();
        let filter = routes(shared.clone());
        let spin = shared.clone();
        let thread = std::thread::Builder::new()
            .name(format!("pact-mock-{}", address.port()))
            .spawn(move || {
                runtime.spawn(serve(listener, filter, acceptor));
                runtime.spawn(stay_awake(spin));
                // Dropping the runtime when told to stop cancels every connection task.
                let _ = runtime.block_on(rx);
            })
            .map_err(MockServerError::Runtime)?;
        Ok(MockServer {
            shared,
            pact,
            output_dir,
            address,
            ca_pem,
            shutdown: Some(tx),
            thread: Some(thread),
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

    fn check_and_write(&self) -> Result<PathBuf, MockServerError> {
        let problems = self.problems();
        if !problems.is_empty() {
            return Err(MockServerError::Failed(Failure {
                pact: format!("{} -> {}", self.pact.consumer, self.pact.provider),
                url: self.shared.url.clone(),
                problems,
            }));
        }
        let dir = match &self.output_dir {
            Some(dir) => dir.clone(),
            None => crate::pact_writer::default_pact_dir()?,
        };
        Ok(write_pact(&dir, &self.pact)?)
    }

    fn stop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        self.stop();
        if self.finished || std::thread::panicking() {
            return;
        }
        if let Err(e) = self.check_and_write() {
            panic!("{}", crate::error_chain(&e));
        }
    }
}

/// After each request, keeps the server's thread polling for a moment instead of sleeping.
///
/// A test's client sends its next request within microseconds of reading a response, but
/// waking a sleeping thread costs tens of microseconds on a virtual machine: more than
/// matching the request. Yielding keeps the runtime polling its sockets without blocking,
/// for at most [`STAY_AWAKE`] after the last request, so an idle server costs nothing.
async fn stay_awake(shared: Arc<Shared>) {
    loop {
        shared.activity.notified().await;
        let until = std::time::Instant::now() + STAY_AWAKE;
        while std::time::Instant::now() < until {
            tokio::task::yield_now().await;
        }
    }
}

const STAY_AWAKE: std::time::Duration = std::time::Duration::from_micros(200);

fn request_line(r: &Request) -> RequestLine {
    RequestLine {
        method: r.method.clone(),
        path: r.path.clone(),
        query: r
            .query
            .as_ref()
            .map(|q| {
                q.iter()
                    .flat_map(|(k, vs)| vs.iter().map(move |v| format!("{k}={v}")))
                    .collect::<Vec<_>>()
                    .join("&")
            })
            .unwrap_or_default(),
    }
}

type Reply = warp::http::Response<warp::hyper::body::Bytes>;

fn routes(
    shared: Arc<Shared>,
) -> impl Filter<Extract = (Reply,), Error = warp::Rejection> + Clone + Send + Sync + 'static {
    let query = warp::query::raw().or(warp::any().map(String::new)).unify();
    warp::method()
        .and(warp::path::full())
        .and(query)
        .and(warp::header::headers_cloned())
        .and(warp::body::bytes())
        .map(
            move |method: Method,
                  path: warp::path::FullPath,
                  query: String,
                  headers: HeaderMap,
                  body: Bytes| {
                handle(&shared, method, path.as_str(), &query, &headers, body)
            },
        )
}

async fn serve<F>(listener: tokio::net::TcpListener, filter: F, acceptor: Option<TlsAcceptor>)
where
    F: Filter<Extract = (Reply,), Error = warp::Rejection> + Clone + Send + Sync + 'static,
{
    let service = warp::service(filter);
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let _ = stream.set_nodelay(true);
        let service = hyper_util::service::TowerToHyperService::new(service.clone());
        let acceptor = acceptor.clone();
        tokio::spawn(async move {
            let http = hyper::server::conn::http1::Builder::new();
            match acceptor {
                None => {
                    let io = hyper_util::rt::TokioIo::new(stream);
                    let _ = http.serve_connection(io, service).await;
                }
                #[cfg(feature = "tls")]
                Some(acceptor) => {
                    if let Ok(stream) = acceptor.accept(stream).await {
                        let io = hyper_util::rt::TokioIo::new(stream);
                        let _ = http.serve_connection(io, service).await;
                    }
                }
                #[cfg(not(feature = "tls"))]
                Some(never) => match never {},
            }
        });
    }
}

#[cfg(feature = "tls")]
type TlsAcceptor = tokio_rustls::TlsAcceptor;
#[cfg(not(feature = "tls"))]
#[derive(Clone)]
enum TlsAcceptor {}

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

fn actual_request(
    method: &Method,
    path: &str,
    query: &str,
    headers: &HeaderMap,
    body: Bytes,
) -> Request {
    let mut header_map = MultiMap::default();
    for (name, value) in headers {
        header_map.add(name.as_str(), String::from_utf8_lossy(value.as_bytes()));
    }
    let content_type = header_map
        .get_ignore_case("content-type")
        .and_then(|v| v.first())
        .and_then(|v| pact_core::model::ContentType::parse(v));
    Request {
        method: method.as_str().to_string(),
        path: percent_decode(path),
        query: (!query.is_empty()).then(|| parse_query_string(query, false)),
        headers: (!header_map.is_empty()).then_some(header_map),
        body: if body.is_empty() {
            Body::Empty
        } else {
            Body::Present {
                bytes: body.to_vec(),
                content_type,
                json: Default::default(),
            }
        },
        ..Request::default()
    }
}

fn percent_decode(path: &str) -> String {
    percent_encoding::percent_decode_str(path)
        .decode_utf8_lossy()
        .into_owned()
}

fn is_method_or_path(m: &Mismatch) -> bool {
    matches!(m.kind, MismatchKind::Method | MismatchKind::Path)
}

fn handle(
    shared: &Shared,
    method: Method,
    path: &str,
    query: &str,
    headers: &HeaderMap,
    body: Bytes,
) -> Reply {
    let wants_json = headers
        .get("accept")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("json"));
    let preflight = shared.cors
        && method == Method::OPTIONS
        && headers.contains_key("access-control-request-method");
    shared.activity.notify_one();
    let actual = actual_request(&method, path, query, headers, body);
    let mut best: Option<((bool, usize), usize, Vec<Mismatch>)> = None;
    for (i, interaction) in shared.interactions.iter().enumerate() {
        let mismatches = match_request(&interaction.request, &actual, shared.spec);
        if mismatches.is_empty() {
            shared.state().hits[i] += 1;
            return with_cors(shared, respond(shared, &interaction.response));
        }
        // Closest: same method and path first, then the fewest differences.
        let rank = (mismatches.iter().any(is_method_or_path), mismatches.len());
        if best.as_ref().is_none_or(|(r, _, _)| rank < *r) {
            best = Some((rank, i, mismatches));
        }
    }
    if preflight {
        return with_cors(shared, preflight_response(headers));
    }
    let request = request_line(&actual);
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
    let reply = failure_response(&problem, wants_json);
    shared.state().problems.push(problem);
    with_cors(shared, reply)
}

fn respond(shared: &Shared, expected: &Response) -> Reply {
    let mut ctx = GeneratorContext::new(GeneratorMode::Consumer);
    ctx.mock_server_url = Some(shared.url.clone());
    let generated = expected.generators.apply_to_response(expected, &mut ctx);
    let response = match &generated {
        Ok(r) => r,
        // A generator that cannot run here (a provider-state value) leaves the example.
        Err(_) => expected,
    };
    let mut builder = warp::http::Response::builder().status(response.status);
    let mut has_content_type = false;
    if let Some(headers) = &response.headers {
        for (name, values) in headers.iter() {
            has_content_type |= name.eq_ignore_ascii_case("content-type");
            for v in values {
                builder = builder.header(name, v.as_str());
            }
        }
    }
    let bytes = match &response.body {
        Body::Present { bytes, .. } => {
            if !has_content_type {
                if let Some(ct) = response.content_type() {
                    builder = builder.header("Content-Type", ct.to_string());
                }
            }
            Bytes::from(bytes.clone())
        }
        Body::Null => Bytes::from_static(b"null"),
        Body::Missing | Body::Empty => Bytes::new(),
    };
    builder.body(bytes).unwrap_or_else(|e| {
        plain(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("the interaction's response is not valid HTTP: {e}"),
        )
    })
}

fn plain(status: StatusCode, text: String) -> Reply {
    let mut r = warp::http::Response::new(Bytes::from(text));
    *r.status_mut() = status;
    r.headers_mut().insert(
        "content-type",
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    r
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
    let mut r = warp::http::Response::new(Bytes::from(body.to_string()));
    *r.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
    r.headers_mut()
        .insert("content-type", HeaderValue::from_static("application/json"));
    r
}

fn preflight_response(headers: &HeaderMap) -> Reply {
    let mut r = warp::http::Response::new(Bytes::new());
    let h = r.headers_mut();
    let methods = headers
        .get("access-control-request-method")
        .cloned()
        .unwrap_or(HeaderValue::from_static(
            "GET, POST, PUT, PATCH, DELETE, OPTIONS",
        ));
    h.insert("access-control-allow-methods", methods);
    if let Some(asked) = headers.get("access-control-request-headers") {
        h.insert("access-control-allow-headers", asked.clone());
    }
    h.insert("access-control-max-age", HeaderValue::from_static("600"));
    r
}

fn with_cors(shared: &Shared, mut reply: Reply) -> Reply {
    if shared.cors && !reply.headers().contains_key("access-control-allow-origin") {
        reply
            .headers_mut()
            .insert("access-control-allow-origin", HeaderValue::from_static("*"));
    }
    reply
}
