//! What the mock server and the stub server share: binding, serving a handler on a thread
//! of its own (plain HTTP or TLS), the stay-awake trick, turning what warp received into a
//! pact [`Request`], building the reply from an expected [`Response`], and CORS.
//!
//! Each server only decides which response a request gets; everything about sockets,
//! runtimes and HTTP lives here.

use bytes::Bytes;
use pact_core::generators::{GeneratorContext, GeneratorMode};
use pact_core::matching::Mismatch;
use pact_core::model::{parse_query_string, Body, MultiMap, Request, Response};
use serde_json::{json, Value};
use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};
use warp::http::{HeaderMap, HeaderValue, Method, StatusCode};
use warp::Filter;

/// What a handler answers.
pub(crate) type Reply = warp::http::Response<Bytes>;

/// A request line: method and path, with the query when there was one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestLine {
    /// Upper-case method.
    pub method: String,
    /// Path as received (decoded).
    pub path: String,
    /// Raw query string, empty when none.
    pub query: String,
}

impl fmt::Display for RequestLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method, self.path)?;
        if !self.query.is_empty() {
            write!(f, "?{}", self.query)?;
        }
        Ok(())
    }
}

impl RequestLine {
    /// The line as JSON: `{"method", "path", "query"}`.
    pub(crate) fn to_json(&self) -> Value {
        json!({"method": self.method, "path": self.path, "query": self.query})
    }
}

/// The request line of `r`.
pub(crate) fn request_line(r: &Request) -> RequestLine {
    RequestLine {
        method: r.method.clone(),
        path: r.path.clone(),
        query: r
            .query
            .as_ref()
            .map(|q| {
                q.pairs()
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect::<Vec<_>>()
                    .join("&")
            })
            .unwrap_or_default(),
    }
}

/// A mismatch as JSON, for the servers' JSON reports.
pub(crate) fn mismatch_json(m: &Mismatch) -> Value {
    json!({
        "type": m.kind.as_str(),
        "path": m.path,
        "expected": m.expected,
        "actual": m.actual,
        "description": m.description,
    })
}

/// Binds `host:port` (port 0: any free port), non-blocking; returns the listener and the
/// address it got, or the address asked for and why it failed.
pub(crate) fn bind(
    host: IpAddr,
    port: u16,
) -> Result<(std::net::TcpListener, SocketAddr), (SocketAddr, std::io::Error)> {
    let address = SocketAddr::new(host, port);
    let listener = std::net::TcpListener::bind(address)
        .and_then(|l| l.set_nonblocking(true).map(|()| l))
        .map_err(|e| (address, e))?;
    let bound = listener.local_addr().map_err(|e| (address, e))?;
    Ok((listener, bound))
}

/// `scheme://host:port` for a bound address; an unspecified address is reached through
/// the loopback address of its family (0.0.0.0 through 127.0.0.1, :: through ::1).
pub(crate) fn base_url(scheme: &str, address: SocketAddr) -> String {
    let host = match address.ip() {
        IpAddr::V6(ip) if ip.is_unspecified() => "[::1]".to_string(),
        ip if ip.is_unspecified() => "127.0.0.1".to_string(),
        IpAddr::V6(ip) => format!("[{ip}]"),
        ip => ip.to_string(),
    };
    format!("{scheme}://{host}:{}", address.port())
}

/// A TLS acceptor; uninhabited without the `tls` feature, so `None` is the only value.
#[cfg(feature = "tls")]
pub(crate) type TlsAcceptor = tokio_rustls::TlsAcceptor;
/// A TLS acceptor; uninhabited without the `tls` feature, so `None` is the only value.
#[cfg(not(feature = "tls"))]
#[derive(Clone)]
pub(crate) enum TlsAcceptor {}

/// A server running on a thread of its own with a single-threaded tokio runtime, so it
/// works the same under `#[test]` and both `#[tokio::test]` flavours and never nests
/// runtimes. Stopping drops the runtime, which cancels every connection task.
pub(crate) struct Running {
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Running {
    /// Serves `handler` on `listener` (from [`bind`]) on a new thread named `name`, over
    /// TLS when `acceptor` is given. The handler gets the method, the raw headers and the
    /// request as a pact [`Request`] (path percent-decoded, query parsed).
    pub(crate) fn spawn<H>(
        listener: std::net::TcpListener,
        handler: H,
        acceptor: Option<TlsAcceptor>,
        name: String,
    ) -> std::io::Result<Running>
    where
        H: Fn(&Method, &HeaderMap, Request) -> Reply + Clone + Send + Sync + 'static,
    {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .enable_time()
            .build()?;
        let listener = {
            let _guard = runtime.enter();
            tokio::net::TcpListener::from_std(listener)?
        };
        let (tx, rx) = tokio::sync::oneshot::channel();
        let activity = Arc::new(tokio::sync::Notify::new());
        let filter = routes(handler, activity.clone());
        let thread = std::thread::Builder::new().name(name).spawn(move || {
            runtime.spawn(serve(listener, filter, acceptor));
            runtime.spawn(stay_awake(activity));
            // Dropping the runtime when told to stop (or when the sender is dropped)
            // cancels every connection task.
            let _ = runtime.block_on(rx);
        })?;
        Ok(Running {
            shutdown: Some(tx),
            thread: Some(thread),
        })
    }

    /// Stops the server and waits for its thread; idempotent.
    pub(crate) fn stop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }

    /// Blocks until the server's thread ends, which it does only when stopped; keeps the
    /// stop signal alive meanwhile (dropping it would stop the server).
    #[cfg(feature = "provider")]
    pub(crate) fn wait(&mut self) {
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.stop();
    }
}

/// After each request, keeps the server's thread polling for a moment instead of sleeping.
///
/// A test's client sends its next request within microseconds of reading a response, but
/// waking a sleeping thread costs tens of microseconds on a virtual machine: more than
/// matching the request. Yielding keeps the runtime polling its sockets without blocking,
/// for at most [`STAY_AWAKE`] after the last request, so an idle server costs nothing.
async fn stay_awake(activity: Arc<tokio::sync::Notify>) {
    loop {
        activity.notified().await;
        let until = Instant::now() + STAY_AWAKE;
        while Instant::now() < until {
            tokio::task::yield_now().await;
        }
    }
}

const STAY_AWAKE: Duration = Duration::from_micros(200);

fn routes<H>(
    handler: H,
    activity: Arc<tokio::sync::Notify>,
) -> impl Filter<Extract = (Reply,), Error = warp::Rejection> + Clone + Send + Sync + 'static
where
    H: Fn(&Method, &HeaderMap, Request) -> Reply + Clone + Send + Sync + 'static,
{
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
                activity.notify_one();
                let actual = actual_request(&method, path.as_str(), &query, &headers, body);
                handler(&method, &headers, actual)
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
            // Out of file descriptors, say: retrying at once would only spin.
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
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

/// What warp received, as a pact request: path percent-decoded, query parsed, headers and
/// body as sent (`None`/`Empty` when there were none).
fn actual_request(
    method: &Method,
    path: &str,
    query: &str,
    headers: &HeaderMap,
    body: Bytes,
) -> Request {
    let (headers, body) = received(headers, &body);
    Request {
        method: method.as_str().to_string(),
        path: percent_decode(path),
        query: (!query.is_empty()).then(|| parse_query_string(query, false)),
        headers,
        body,
        ..Request::default()
    }
}

/// Headers and body as received over HTTP, in pact terms: no headers is `None`, no bytes
/// is an empty body, and the body carries the `Content-Type` it was sent with. A body sent
/// with `Content-Encoding: gzip`, `deflate` or `br` is decoded, as the reference verifier's
/// HTTP client does, so the pact's body is compared with what was meant, not its encoding;
/// the header stays, for a pact that expects it.
pub(crate) fn received(headers: &HeaderMap, body: &[u8]) -> (Option<MultiMap>, Body) {
    let mut map = MultiMap::default();
    for (name, value) in headers {
        map.add(name.as_str(), String::from_utf8_lossy(value.as_bytes()));
    }
    let decoded = map
        .get_ignore_case("content-encoding")
        .and_then(|v| content_encoding::decode(v, body));
    let body = decoded.as_deref().unwrap_or(body);
    let body = if body.is_empty() {
        Body::Empty
    } else {
        Body::Present {
            bytes: body.to_vec(),
            content_type: map
                .get_ignore_case("content-type")
                .and_then(|v| v.first())
                .and_then(|v| pact_core::model::ContentType::parse(v)),
            json: Default::default(),
        }
    };
    ((!map.is_empty()).then_some(map), body)
}

fn percent_decode(path: &str) -> String {
    percent_encoding::percent_decode_str(path)
        .decode_utf8_lossy()
        .into_owned()
}

/// The reply for an interaction's `expected` response, with its generators applied in
/// consumer mode (`MockServerURL` resolving against `url`); an error says why it cannot be
/// served (a generator failed, or the response is not valid HTTP).
pub(crate) fn respond(url: &str, expected: &Response) -> Result<Reply, String> {
    let mut ctx = GeneratorContext::new(GeneratorMode::Consumer);
    ctx.mock_server_url = Some(url.to_string());
    let response = expected
        .generators
        .apply_to_response(expected, &mut ctx)
        .map_err(|e| format!("a generator failed: {}", e.0))?;
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
    builder
        .body(bytes)
        .map_err(|e| format!("the response is not valid HTTP: {e}"))
}

/// A `text/plain` reply.
pub(crate) fn plain(status: StatusCode, text: String) -> Reply {
    let mut r = warp::http::Response::new(Bytes::from(text));
    *r.status_mut() = status;
    r.headers_mut().insert(
        "content-type",
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    r
}

/// An `application/json` reply.
pub(crate) fn json_reply(status: StatusCode, body: &Value) -> Reply {
    let mut r = warp::http::Response::new(Bytes::from(body.to_string()));
    *r.status_mut() = status;
    r.headers_mut()
        .insert("content-type", HeaderValue::from_static("application/json"));
    r
}

/// True for a CORS preflight (an `OPTIONS` with `Access-Control-Request-Method`) when
/// CORS is on.
pub(crate) fn is_preflight(cors: bool, method: &Method, headers: &HeaderMap) -> bool {
    cors && method == Method::OPTIONS && headers.contains_key("access-control-request-method")
}

/// The answer to a preflight: the method and headers asked for are allowed.
pub(crate) fn preflight_response(headers: &HeaderMap) -> Reply {
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

/// When CORS is on and the reply sets none of its own, allows the request's origin: its
/// `Origin` echoed, with credentials allowed (a browser sending cookies or an
/// `Authorization` header accepts nothing else, `*` included), or `*` for a request without
/// one.
pub(crate) fn with_cors(cors: bool, request: &HeaderMap, mut reply: Reply) -> Reply {
    if !cors || reply.headers().contains_key("access-control-allow-origin") {
        return reply;
    }
    let h = reply.headers_mut();
    match request.get("origin") {
        Some(origin) => {
            h.insert("access-control-allow-origin", origin.clone());
            h.insert(
                "access-control-allow-credentials",
                HeaderValue::from_static("true"),
            );
            h.append("vary", HeaderValue::from_static("Origin"));
        }
        None => {
            h.insert("access-control-allow-origin", HeaderValue::from_static("*"));
        }
    }
    reply
}

/// HTTP content codings, undone.
mod content_encoding {
    use std::io::Read;

    /// `body` with the codings of `header` (`Content-Encoding` values, applied in order)
    /// undone; None when there is nothing to undo, a coding is unknown (`identity` aside) or
    /// the bytes are not in it, so the body is matched as it came.
    pub(super) fn decode(header: &[String], body: &[u8]) -> Option<Vec<u8>> {
        let codings: Vec<String> = header
            .iter()
            .flat_map(|v| v.split(','))
            .map(|c| c.trim().to_ascii_lowercase())
            .filter(|c| !c.is_empty() && c != "identity")
            .collect();
        if codings.is_empty() || body.is_empty() {
            return None;
        }
        let mut bytes = body.to_vec();
        // Applied first is listed first: undo them last to first.
        for coding in codings.iter().rev() {
            bytes = undo(coding, &bytes)?;
        }
        Some(bytes)
    }

    fn undo(coding: &str, bytes: &[u8]) -> Option<Vec<u8>> {
        let mut out = Vec::new();
        let read = match coding {
            "gzip" | "x-gzip" => flate2::read::MultiGzDecoder::new(bytes).read_to_end(&mut out),
            // RFC 9110's deflate is zlib-wrapped; some servers send it raw.
            "deflate" => flate2::read::ZlibDecoder::new(bytes)
                .read_to_end(&mut out)
                .or_else(|_| {
                    out.clear();
                    flate2::read::DeflateDecoder::new(bytes).read_to_end(&mut out)
                }),
            "br" => brotli_decompressor::Decompressor::new(bytes, 4096).read_to_end(&mut out),
            _ => return None,
        };
        read.ok().map(|_| out)
    }

    #[cfg(test)]
    mod tests {
        use super::decode;
        use std::io::Write;

        /// `{"id":7,"tags":["compressed" ×8]}` compressed with brotli (quality 11).
        pub(crate) const BROTLI: [u8; 47] = [
            27, 120, 0, 248, 29, 7, 206, 217, 60, 62, 188, 32, 8, 156, 218, 196, 90, 132, 172, 108,
            111, 223, 108, 165, 245, 73, 22, 157, 174, 150, 68, 23, 112, 64, 147, 13, 252, 242,
            145, 175, 4, 69, 165, 67, 159, 46, 240,
        ];

        fn header(v: &str) -> Vec<String> {
            vec![v.to_string()]
        }

        #[test]
        fn gzip_deflate_and_br_are_undone_and_anything_else_is_left_alone() {
            let text = br#"{"id":7,"tags":["compressed","compressed","compressed","compressed","compressed","compressed","compressed","compressed"]}"#;
            let mut gzip =
                flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
            gzip.write_all(text).unwrap();
            let gzip = gzip.finish().unwrap();
            let mut zlib =
                flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
            zlib.write_all(text).unwrap();
            let zlib = zlib.finish().unwrap();
            let mut raw =
                flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
            raw.write_all(text).unwrap();
            let raw = raw.finish().unwrap();
            assert_eq!(decode(&header("gzip"), &gzip).unwrap(), text);
            assert_eq!(decode(&header("GZIP"), &gzip).unwrap(), text);
            assert_eq!(decode(&header("deflate"), &zlib).unwrap(), text);
            assert_eq!(decode(&header("deflate"), &raw).unwrap(), text);
            assert_eq!(decode(&header("br"), &BROTLI).unwrap(), text);
            // Two codings, applied in the order listed.
            let mut twice =
                flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
            twice.write_all(&zlib).unwrap();
            let twice = twice.finish().unwrap();
            assert_eq!(decode(&header("deflate, gzip"), &twice).unwrap(), text);
            assert_eq!(decode(&header("identity"), text), None);
            assert_eq!(decode(&header("zstd"), text), None);
            // Bytes that are not in the coding they claim are matched as they came.
            assert_eq!(decode(&header("gzip"), text), None);
        }
    }
}
