//! A stub provider for front-end work: serves the HTTP interactions of one or more pacts,
//! answering each request with the response of the interaction it matches (like
//! pact-stub-server and `cargo pact stub`). It never fails anything: no verdict, no pact
//! written; a request that matches nothing gets a 404 saying why.
//!
//! # Dispatch
//!
//! Requests are matched with [`pact_core::matching::match_request`] at each pact's own
//! specification version, but only against the candidates an index gives, so a request
//! costs the same with ten interactions or ten thousand:
//!
//! - interactions whose path has no matching rule are indexed by (method, path), the
//!   method compared without case and the path as received, percent-decoded;
//! - interactions whose path has a rule (a regex, a type matcher) sit in a list per
//!   method, and each one's path is checked before the rest of its request.
//!
//! # Which response
//!
//! Among the candidates in the provider states allowed (see below) that match the request
//! fully, the one whose request specifies the most wins:
//!
//! 1. the most parts specified, counting a non-empty query, non-empty headers and a body
//!    (any but a missing one) as one each;
//! 2. then the most query parameters and header names, counted together;
//! 3. then the first in pact order (pacts in the order given, interactions in file order).
//!
//! So `GET /items` with `Accept: application/json` gets the interaction expecting that
//! header rather than a catch-all `GET /items` listed before it.
//!
//! # Provider states
//!
//! With [`StubOptions::provider_state`] set, only interactions with a provider state whose
//! name the regex finds (search, not whole-name: anchor it with `^…$` for that) are
//! served; interactions without provider states are left out. A request carrying the
//! [`StubOptions::provider_state_header`] (by default `X-Pact-Provider-State`, any case)
//! replaces that filter for itself with the header's value as a regex; a value that is not
//! a valid regex gets a 400.
//!
//! # No match
//!
//! A 404 with a JSON body: `error` names the method and path (`pact stub server: no
//! interaction matches GET /x`), `request` gives the request line, and `closest`, when some
//! interaction has the request's method and path (or, failing that, its path), is the one
//! with the fewest mismatches, preferring those in an allowed provider state:
//! `{"description", "providerStates", "mismatches": [{"type", "path", "expected",
//! "actual", "description"}]}`.
//!
//! With [`StubOptions::cors`], a CORS preflight that no `OPTIONS` interaction matches is
//! answered, and every reply carries `Access-Control-Allow-Origin: *`.
//!
//! ```
//! use pact_runtime::pact_core::model::read_pact;
//! use pact_runtime::stub_server::{StubOptions, StubServer};
//! use std::io::{Read, Write};
//! let pact = read_pact(r#"{
//!     "consumer": {"name": "Web"}, "provider": {"name": "Api"},
//!     "interactions": [{
//!         "description": "a ping",
//!         "request": {"method": "GET", "path": "/ping"},
//!         "response": {"status": 200, "headers": {"Content-Type": "text/plain"}, "body": "pong"}
//!     }],
//!     "metadata": {"pactSpecification": {"version": "3.0.0"}}
//! }"#, "doc").unwrap();
//! let server = StubServer::start(vec![pact], StubOptions::default()).unwrap();
//! assert_eq!(server.interactions(), 1);
//! let mut stream = std::net::TcpStream::connect(server.address()).unwrap();
//! stream.write_all(b"GET /ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").unwrap();
//! let mut reply = String::new();
//! stream.read_to_string(&mut reply).unwrap();
//! assert!(reply.starts_with("HTTP/1.1 200") && reply.ends_with("pong"));
//! ```

use crate::server::{
    base_url, bind, is_preflight, json_reply, mismatch_json, plain, preflight_response,
    request_line, respond, with_cors, Reply, Running,
};
use pact_core::matching::{match_request, Mismatch};
use pact_core::model::{Body, HttpInteraction, Interaction, Pact, Request, SpecVersion};
use pact_core::rules::{Category, MatchingRule, Pattern, RuleLogic};
use serde_json::json;
use std::collections::HashMap;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use warp::http::{HeaderMap, Method, StatusCode};

use regex::Regex;

/// How to start a stub server: address, CORS, provider states.
#[derive(Debug, Clone)]
pub struct StubOptions {
    /// The address to bind; 127.0.0.1 by default.
    pub host: IpAddr,
    /// The port; 0 (any free port) by default.
    pub port: u16,
    /// Answer CORS preflight requests and add `Access-Control-Allow-Origin: *`.
    pub cors: bool,
    /// Serve only interactions with a provider state this regex finds in the name; all
    /// interactions when `None` (the default). Checked by [`StubServer::start`].
    pub provider_state: Option<String>,
    /// The request header whose value, as a regex, replaces
    /// [`provider_state`](StubOptions::provider_state) for that request; matched without
    /// case. `X-Pact-Provider-State` by default.
    pub provider_state_header: String,
}

impl Default for StubOptions {
    fn default() -> Self {
        StubOptions {
            host: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 0,
            cors: false,
            provider_state: None,
            provider_state_header: "X-Pact-Provider-State".to_string(),
        }
    }
}

/// Why a stub server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StubError {
    /// The address could not be bound.
    #[error("could not bind the stub server to {address}")]
    Bind {
        /// The address asked for.
        address: SocketAddr,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The server's thread or runtime could not start.
    #[error("could not start the stub server's runtime")]
    Runtime(#[source] std::io::Error),
    /// [`StubOptions::provider_state`] is not a valid regex.
    #[error("the provider state filter {0:?} is not a valid regex")]
    ProviderState(String, #[source] regex::Error),
}

/// A running stub server; dropping it stops it.
pub struct StubServer {
    shared: Arc<Shared>,
    address: SocketAddr,
    running: Running,
}

impl fmt::Debug for StubServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StubServer")
            .field("url", &self.shared.url)
            .field("interactions", &self.shared.entries.len())
            .finish()
    }
}

impl StubServer {
    /// Starts a server for the HTTP interactions of `pacts` (other kinds are ignored). The
    /// socket is bound before this returns, so the server is ready at once.
    pub fn start(pacts: Vec<Pact>, options: StubOptions) -> Result<StubServer, StubError> {
        let state_filter = options
            .provider_state
            .as_deref()
            .map(|re| Regex::new(re).map_err(|e| StubError::ProviderState(re.to_string(), e)))
            .transpose()?;
        let (listener, address) = bind(options.host, options.port)
            .map_err(|(address, source)| StubError::Bind { address, source })?;
        let url = base_url("http", address);
        let entries: Vec<Entry> = pacts
            .into_iter()
            .flat_map(|pact| {
                let spec = pact.spec;
                pact.interactions.into_iter().filter_map(move |i| match i {
                    Interaction::Http(h) => Some((h, spec)),
                    _ => None,
                })
            })
            .map(|(interaction, spec)| Entry::new(interaction, spec, &state_filter))
            .collect();
        let index = Index::new(&entries);
        let shared = Arc::new(Shared {
            entries,
            index,
            url,
            cors: options.cors,
            provider_state: options.provider_state,
            provider_state_header: options.provider_state_header,
        });
        let handler = {
            let shared = shared.clone();
            move |method: &Method, headers: &HeaderMap, actual: Request| {
                with_cors(
                    shared.cors,
                    headers,
                    handle(&shared, method, headers, actual),
                )
            }
        };
        let running = Running::spawn(
            listener,
            handler,
            None,
            format!("pact-stub-{}", address.port()),
        )
        .map_err(StubError::Runtime)?;
        Ok(StubServer {
            shared,
            address,
            running,
        })
    }

    /// The base URL, `http://127.0.0.1:PORT`.
    pub fn url(&self) -> &str {
        &self.shared.url
    }

    /// The socket address the server listens on.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// How many HTTP interactions the server holds, from all its pacts, before any
    /// provider-state filter.
    pub fn interactions(&self) -> usize {
        self.shared.entries.len()
    }

    /// Blocks until the server's thread ends: it serves until the process exits.
    pub fn wait(mut self) {
        self.running.wait();
    }
}

impl Drop for StubServer {
    fn drop(&mut self) {
        self.running.stop();
    }
}

/// One HTTP interaction with what dispatch needs precomputed.
struct Entry {
    interaction: HttpInteraction,
    spec: SpecVersion,
    /// How a request's path is checked before the whole request is matched.
    path: PathCheck,
    /// Allowed by [`StubOptions::provider_state`] (true when there is none).
    in_state: bool,
    /// The precedence among full matches; higher wins (see the module docs).
    specificity: (u8, usize),
}

impl Entry {
    fn new(interaction: HttpInteraction, spec: SpecVersion, state: &Option<Regex>) -> Entry {
        let request = &interaction.request;
        let path = PathCheck::new(request);
        let query = request.query.as_ref().map_or(0, |q| q.len());
        let headers = request.headers.as_ref().map_or(0, |h| h.len());
        let parts = u8::from(query > 0)
            + u8::from(headers > 0)
            + u8::from(!matches!(request.body, Body::Missing));
        let in_state = state.as_ref().is_none_or(|re| in_state(&interaction, re));
        Entry {
            interaction,
            spec,
            path,
            in_state,
            specificity: (parts, query + headers),
        }
    }
}

/// How the path of an interaction is checked: by the index, or one by one.
enum PathCheck {
    /// No rules (or only `equality`): the path is a key of the index.
    Literal,
    /// Only regex rules: the request's path must match all of them (`any`: one of them).
    /// The patterns are compiled when the server starts.
    Regexes {
        /// The expressions, anchored as in the pact (see [`Pattern::is_match`]).
        patterns: Vec<Pattern>,
        /// The rules were combined with OR.
        any: bool,
    },
    /// Any other rule: the interaction's method and path with its rules and no query,
    /// headers or body, matched against the request's method and path alone.
    Probe(Box<Request>),
}

impl PathCheck {
    fn new(request: &Request) -> PathCheck {
        let Some(list) = request
            .matching_rules
            .category(Category::Path)
            .and_then(|c| c.single())
        else {
            return PathCheck::Literal;
        };
        if !list.rules.is_empty() && list.is_equality_only() {
            return PathCheck::Literal;
        }
        let patterns: Option<Vec<Pattern>> = list
            .rules
            .iter()
            .map(|r| match r {
                MatchingRule::Regex(p) => Some(p.clone()),
                _ => None,
            })
            .collect();
        match patterns {
            Some(patterns) if !patterns.is_empty() => {
                for p in &patterns {
                    // Compiles the expression now rather than on the first request.
                    p.is_match("");
                }
                PathCheck::Regexes {
                    patterns,
                    any: list.logic == RuleLogic::Or,
                }
            }
            _ => PathCheck::Probe(Box::new(Request {
                method: request.method.clone(),
                path: request.path.clone(),
                matching_rules: request.matching_rules.clone(),
                ..Request::default()
            })),
        }
    }

    /// True when the path of `actual` may be the interaction's (whose method it has).
    fn accepts(&self, actual: &Request, spec: SpecVersion) -> bool {
        let path = actual.path.as_str();
        match self {
            PathCheck::Literal => false,
            PathCheck::Regexes {
                patterns,
                any: true,
            } => patterns.iter().any(|p| p.is_match(path)),
            PathCheck::Regexes { patterns, .. } => patterns.iter().all(|p| p.is_match(path)),
            PathCheck::Probe(expected) => {
                let probe = Request {
                    method: actual.method.clone(),
                    path: actual.path.clone(),
                    ..Request::default()
                };
                match_request(expected, &probe, spec).is_empty()
            }
        }
    }
}

fn in_state(interaction: &HttpInteraction, re: &Regex) -> bool {
    interaction
        .info
        .provider_states
        .iter()
        .any(|s| re.is_match(&s.name))
}

/// Where the candidates for a request are found.
#[derive(Default)]
struct Index {
    /// By upper-case method.
    methods: HashMap<String, MethodIndex>,
    /// Interactions with a literal path, by path, whatever their method: the closest
    /// interactions for a request whose method none has.
    paths: HashMap<String, Vec<usize>>,
}

#[derive(Default)]
struct MethodIndex {
    /// Interactions with a literal path, by path, in pact order.
    literal: HashMap<String, Vec<usize>>,
    /// Interactions whose path has rules, in pact order.
    ruled: Vec<usize>,
}

impl Index {
    fn new(entries: &[Entry]) -> Index {
        let mut index = Index::default();
        for (i, entry) in entries.iter().enumerate() {
            let request = &entry.interaction.request;
            let method = index
                .methods
                .entry(request.method.to_ascii_uppercase())
                .or_default();
            if !matches!(entry.path, PathCheck::Literal) {
                method.ruled.push(i);
            } else {
                method
                    .literal
                    .entry(request.path.clone())
                    .or_default()
                    .push(i);
                index.paths.entry(request.path.clone()).or_default().push(i);
            }
        }
        index
    }
}

struct Shared {
    entries: Vec<Entry>,
    index: Index,
    url: String,
    cors: bool,
    /// The source of [`StubOptions::provider_state`], for the 404's message.
    provider_state: Option<String>,
    provider_state_header: String,
}

/// Which provider states a request may be answered from.
enum StateFilter {
    /// [`StubOptions::provider_state`], precomputed in [`Entry::in_state`].
    Options,
    /// The request's header.
    Header(Regex),
}

impl StateFilter {
    fn admits(&self, entry: &Entry) -> bool {
        match self {
            StateFilter::Options => entry.in_state,
            StateFilter::Header(re) => in_state(&entry.interaction, re),
        }
    }
}

impl Shared {
    /// The interactions with the request's method whose path is the request's, or whose
    /// path rules accept it; each in pact order within its kind.
    fn candidates<'a>(&'a self, actual: &'a Request) -> impl Iterator<Item = usize> + 'a {
        let method = self.index.methods.get(&actual.method.to_ascii_uppercase());
        let literal = method
            .and_then(|m| m.literal.get(&actual.path))
            .map_or(&[][..], Vec::as_slice);
        let ruled = method.map_or(&[][..], |m| m.ruled.as_slice());
        literal
            .iter()
            .copied()
            .chain(ruled.iter().copied().filter(move |&i| {
                let entry = &self.entries[i];
                entry.path.accepts(actual, entry.spec)
            }))
    }

    fn matches(&self, i: usize, actual: &Request) -> Vec<Mismatch> {
        let entry = &self.entries[i];
        match_request(&entry.interaction.request, actual, entry.spec)
    }
}

fn handle(shared: &Shared, method: &Method, headers: &HeaderMap, actual: Request) -> Reply {
    let filter = match headers.get(shared.provider_state_header.as_str()) {
        None => StateFilter::Options,
        Some(value) => {
            let value = String::from_utf8_lossy(value.as_bytes());
            match Regex::new(&value) {
                Ok(re) => StateFilter::Header(re),
                Err(e) => {
                    let error = format!(
                        "pact stub server: the {} header is not a valid regular expression: {e}",
                        shared.provider_state_header
                    );
                    return json_reply(StatusCode::BAD_REQUEST, &json!({ "error": error }));
                }
            }
        }
    };
    let mut best: Option<((u8, usize), usize)> = None;
    for i in shared.candidates(&actual) {
        let entry = &shared.entries[i];
        if !filter.admits(entry) || !shared.matches(i, &actual).is_empty() {
            continue;
        }
        // Higher specificity wins; on a tie, the earlier interaction.
        let better =
            best.is_none_or(|(s, b)| entry.specificity > s || (entry.specificity == s && i < b));
        if better {
            best = Some((entry.specificity, i));
        }
    }
    tracing::debug!(
        headers = %crate::log::redacted_headers(
            headers.iter().map(|(n, v)| (n.as_str(), v.to_str().unwrap_or("<not text>")))
        ),
        "received {}",
        request_line(&actual)
    );
    if let Some((_, i)) = best {
        let description = &shared.entries[i].interaction.info.description;
        return respond(&shared.url, &shared.entries[i].interaction.response).map_or_else(
            |message| {
                tracing::warn!(
                    "{} matched \"{description}\", whose response cannot be served: {message}",
                    request_line(&actual)
                );
                plain(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    format!("pact stub server: could not serve interaction \"{description}\": {message}\n"),
                )
            },
            |reply| {
                tracing::info!(
                    "{} matched \"{description}\": answered {}",
                    request_line(&actual),
                    reply.status().as_u16()
                );
                reply
            },
        );
    }
    if is_preflight(shared.cors, method, headers) {
        return preflight_response(headers);
    }
    not_found(shared, &filter, &actual)
}

/// The 404 for a request no interaction matches, with the closest interaction.
fn not_found(shared: &Shared, filter: &StateFilter, actual: &Request) -> Reply {
    let mut candidates: Vec<usize> = shared.candidates(actual).collect();
    if candidates.is_empty() {
        if let Some(same_path) = shared.index.paths.get(&actual.path) {
            candidates.extend(same_path);
        }
    }
    // Closest: in an allowed provider state first, then the fewest mismatches, then the
    // earliest.
    let closest = candidates
        .into_iter()
        .map(|i| {
            let mismatches = shared.matches(i, actual);
            (
                (!filter.admits(&shared.entries[i]), mismatches.len(), i),
                mismatches,
            )
        })
        .min_by_key(|(rank, _)| *rank)
        .map(|((_, _, i), mismatches)| {
            let info = &shared.entries[i].interaction.info;
            json!({
                "description": info.description,
                "providerStates": info.provider_states.iter().map(|s| &s.name).collect::<Vec<_>>(),
                "mismatches": mismatches.iter().map(mismatch_json).collect::<Vec<_>>(),
            })
        });
    let line = request_line(actual);
    let states = match filter {
        StateFilter::Options => shared.provider_state.clone(),
        StateFilter::Header(re) => Some(re.as_str().to_string()),
    };
    let error = match states {
        None => format!("pact stub server: no interaction matches {line}"),
        Some(re) => format!(
            "pact stub server: no interaction in a provider state matching /{re}/ matches {line}"
        ),
    };
    tracing::warn!("{error}: answered 404");
    let mut body = json!({"error": error, "request": line.to_json()});
    if let Some(closest) = closest {
        body["closest"] = closest;
    }
    json_reply(StatusCode::NOT_FOUND, &body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn entry(json: Value) -> Entry {
        let pact = json!({
            "consumer": {"name": "C"}, "provider": {"name": "P"},
            "interactions": [json],
            "metadata": {"pactSpecification": {"version": "3.0.0"}}
        });
        let pact = pact_core::model::read_pact(&pact.to_string(), "test").unwrap();
        let Interaction::Http(h) = pact.interactions.into_iter().next().unwrap() else {
            panic!("not HTTP");
        };
        Entry::new(h, SpecVersion::V3, &None)
    }

    #[test]
    fn specificity_counts_parts_then_names() {
        let bare = entry(
            json!({"description": "a", "request": {"method": "GET", "path": "/x"}, "response": {"status": 200}}),
        );
        let header = entry(
            json!({"description": "b", "request": {"method": "GET", "path": "/x", "headers": {"A": "1", "B": "2"}}, "response": {"status": 200}}),
        );
        let query = entry(
            json!({"description": "c", "request": {"method": "GET", "path": "/x", "query": "q=1", "headers": {"A": "1"}}, "response": {"status": 200}}),
        );
        assert_eq!(bare.specificity, (0, 0));
        assert_eq!(header.specificity, (1, 2));
        assert_eq!(query.specificity, (2, 2));
        assert!(matches!(bare.path, PathCheck::Literal));
    }

    #[test]
    fn a_path_with_a_regex_rule_is_probed_not_indexed() {
        let ruled = entry(json!({
            "description": "r",
            "request": {"method": "get", "path": "/items/1", "matchingRules": {"path": {"matchers": [{"match": "regex", "regex": "/items/\\d+"}]}}},
            "response": {"status": 200}
        }));
        assert!(matches!(ruled.path, PathCheck::Regexes { any: false, .. }));
        let index = Index::new(std::slice::from_ref(&ruled));
        assert_eq!(index.methods["GET"].ruled, vec![0]);
        assert!(index.paths.is_empty());
    }
}
