//! A Pact Broker that the official Pact clients accept (the Ruby `pact-broker` CLI, the
//! Rust `pact-broker-cli`, `pact_verifier` and the Ruby `pact-provider-verifier`), on an
//! SQLite file by default and on PostgreSQL for teams.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use pact_broker::{Broker, BrokerConfig, store::Store};
//! let store = Store::open("sqlite://pact-broker.sqlite").await?;
//! let broker = Broker::new(store, BrokerConfig::default());
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:9292").await?;
//! let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
//! # drop(stop);
//! pact_broker::serve(broker, listener, async {
//!     let _ = stopped.await;
//! })
//! .await;
//! # Ok(()) }
//! ```
//!
//! # Layout
//!
//! - [`api`](crate) (private): the HTTP API, one module per resource family, one router.
//! - [`domain`]: the rules as plain functions with no I/O: the content sha and interaction
//!   ids, publish validation, selectors, pending and WIP, the matrix and `deployable`.
//! - [`store`]: sqlx over SQLite and PostgreSQL, one set of queries for both.
//! - [`auth`]: Basic users and bearer tokens, read-write and read-only.
//! - `ui` (private): the dashboard: HTML pages on the API's URLs for browsers, the
//!   network graph, badges.
//! - [`tls`]: HTTPS from a PEM certificate chain and key, for [`serve_tls`].
//!
//! # Scaling out
//!
//! Several brokers on one PostgreSQL database behave as one broker: nothing a request
//! needs lives only in one process's memory, and the migrations take an advisory lock, so
//! brokers started at once migrate the database once. A deployment for a team is N
//! `cargo pact broker --database postgres://…` processes behind a load balancer, whose
//! health check is `GET /diagnostic/status/heartbeat` (answered without a database call,
//! and without credentials when `PACT_BROKER_PUBLIC_HEARTBEAT=true`).
//!
//! # Webhooks
//!
//! A publication or a verification that fires webhooks writes one row per execution to the
//! `webhook_executions` outbox once its own transaction has committed. Every broker that
//! [`serve`]s runs a worker that claims due rows from the database with one atomic
//! statement, sends their requests, and records the outcome, retrying failures with
//! exponential backoff ([`WebhookConfig`]). Several brokers on one database execute each row
//! once; a row claimed by a broker that crashed becomes due again when its claim lapses, so
//! a restarted broker or another replica finishes it.

mod api;
pub mod auth;
pub mod domain;
pub mod store;
pub mod tls;
mod ui;
mod worker;

use auth::AuthConfig;
use bytes::{Buf, Bytes};
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};
use store::Store;
use warp::http::{HeaderMap, Method};
use warp::Filter;

/// The largest request body the broker reads by default: 10 MiB, far above any real pact.
pub const DEFAULT_BODY_LIMIT: usize = 10 * 1024 * 1024;

/// How a broker behaves, beyond its storage.
#[derive(Debug, Clone)]
pub struct BrokerConfig {
    /// The URL clients reach the broker at (`--base-url`, `PACT_BROKER_BASE_URL`): every
    /// href starts with it. Without it, hrefs are built from `X-Forwarded-Proto` and
    /// `X-Forwarded-Host` when a proxy sends them, else from the request's `Host`, with
    /// `https` when the broker serves TLS ([`serve_tls`]).
    pub base_url: Option<String>,
    /// Who may read and write.
    pub auth: AuthConfig,
    /// `--allow-dangerous-contract-modification`: a version may publish different content
    /// for a provider it already published a pact for (otherwise 409).
    pub allow_dangerous_contract_modification: bool,
    /// The largest request body read, in bytes; a larger one gets 413.
    pub body_limit: usize,
    /// How webhooks are executed.
    pub webhooks: WebhookConfig,
    /// `--enable-public-badge-access` (`PACT_BROKER_ENABLE_PUBLIC_BADGE_ACCESS`): the
    /// badges need no credentials even when everything else does, so a README on a code
    /// host can show them. Wrong credentials are still refused.
    pub public_badges: bool,
}

impl Default for BrokerConfig {
    fn default() -> BrokerConfig {
        BrokerConfig {
            base_url: None,
            auth: AuthConfig::default(),
            allow_dangerous_contract_modification: false,
            body_limit: DEFAULT_BODY_LIMIT,
            webhooks: WebhookConfig::default(),
            public_badges: false,
        }
    }
}

/// How a broker executes webhooks.
#[derive(Debug, Clone)]
pub struct WebhookConfig {
    /// Whether [`serve`] runs a worker executing webhooks in this process (`true` by
    /// default). A broker without one still enqueues executions, for the others.
    pub worker: bool,
    /// How many attempts an execution gets and how long to wait between them.
    pub retry: domain::webhook_events::RetryPolicy,
    /// How often the worker looks for due executions (it is also woken when this process
    /// enqueues one).
    pub poll_interval: Duration,
    /// How long one webhook request may take.
    pub timeout: Duration,
    /// How long a claimed execution stays the claiming broker's: past it, another broker
    /// may execute it (the claimer is taken to have crashed). Longer than `timeout`.
    pub lease: Duration,
    /// How many executions the worker claims, and sends concurrently, at once.
    pub batch: usize,
}

impl Default for WebhookConfig {
    /// A worker polling every 200 ms, 10 s per request, 5 attempts 1 s, 2 s, 4 s and 8 s
    /// apart, a 60 s lease and batches of 10.
    fn default() -> WebhookConfig {
        WebhookConfig {
            worker: true,
            retry: domain::webhook_events::RetryPolicy::default(),
            poll_interval: Duration::from_millis(200),
            timeout: Duration::from_secs(10),
            lease: Duration::from_secs(60),
            batch: 10,
        }
    }
}

/// A broker: its storage and configuration, shared by every request.
pub struct Broker {
    store: Store,
    config: BrokerConfig,
    /// Woken when this process enqueues webhook executions.
    wakeup: tokio::sync::Notify,
    /// The client webhook requests are sent with.
    http: reqwest::Client,
}

impl Broker {
    /// A broker over `store`.
    #[must_use]
    pub fn new(store: Store, config: BrokerConfig) -> Arc<Broker> {
        let http = reqwest::Client::builder()
            .timeout(config.webhooks.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("pact-broker/", env!("CARGO_PKG_VERSION")))
            .build()
            .unwrap_or_default();
        Arc::new(Broker {
            store,
            config,
            wakeup: tokio::sync::Notify::new(),
            http,
        })
    }

    /// Its storage.
    #[must_use]
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The base URL of hrefs in the answer to a request with these headers, received over
    /// `scheme` (`http` or `https`) on the address `local`.
    fn base_url(&self, headers: &HeaderMap, scheme: &str, local: &str) -> String {
        if let Some(base) = &self.config.base_url {
            return base.trim_end_matches('/').to_string();
        }
        let header = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(|v| v.split(',').next().unwrap_or(v).trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let proto = header("x-forwarded-proto").unwrap_or_else(|| scheme.to_string());
        let host = header("x-forwarded-host")
            .or_else(|| header("host"))
            .unwrap_or_else(|| local.to_string());
        format!("{proto}://{host}")
    }
}

/// The warp filter that answers every request.
fn routes(
    broker: Arc<Broker>,
    scheme: &'static str,
    local: String,
) -> impl Filter<Extract = (api::Reply,), Error = warp::Rejection> + Clone + Send + Sync + 'static {
    let query = warp::query::raw().or(warp::any().map(String::new)).unify();
    warp::method()
        .and(warp::path::full())
        .and(query)
        .and(warp::header::headers_cloned())
        .and(warp::body::stream())
        .then(
            move |method: Method,
                  path: warp::path::FullPath,
                  query: String,
                  headers: HeaderMap,
                  body| {
                let broker = broker.clone();
                let local = local.clone();
                async move {
                    let started = Instant::now();
                    let reply = match read_body(body, broker.config.body_limit).await {
                        Err(e) => e.reply(),
                        Ok(body) => {
                            let req = api::Req {
                                base: broker.base_url(&headers, scheme, &local),
                                segments: segments(path.as_str()),
                                method: method.clone(),
                                query,
                                headers,
                                body,
                            };
                            api::handle(&broker, req).await
                        }
                    };
                    tracing::info!(
                        method = %method,
                        path = path.as_str(),
                        status = reply.status().as_u16(),
                        micros = started.elapsed().as_micros() as u64,
                        "request"
                    );
                    reply
                }
            },
        )
}

/// The path's segments, each percent-decoded; empty segments (`//`, a trailing `/`) are
/// dropped.
fn segments(path: &str) -> Vec<String> {
    path.split('/')
        .filter(|s| !s.is_empty())
        .map(|s| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        })
        .collect()
}

async fn read_body<S, B>(body: S, limit: usize) -> Result<Bytes, api::ApiError>
where
    S: futures_util::Stream<Item = Result<B, warp::Error>>,
    B: Buf,
{
    use futures_util::StreamExt as _;
    let mut body = std::pin::pin!(body);
    let mut out = Vec::new();
    while let Some(chunk) = body.next().await {
        let mut chunk = chunk.map_err(|e| {
            api::ApiError::BadRequest(serde_json::json!([format!(
                "the request body could not be read: {e}"
            )]))
        })?;
        if out.len() + chunk.remaining() > limit {
            return Err(api::ApiError::PayloadTooLarge(limit));
        }
        while chunk.has_remaining() {
            let piece = chunk.chunk();
            out.extend_from_slice(piece);
            let n = piece.len();
            chunk.advance(n);
        }
    }
    Ok(Bytes::from(out))
}

/// Serves the broker on `listener` until `shutdown` completes; requests in flight then
/// finish before this returns. Unless [`WebhookConfig::worker`] is off, a webhook worker
/// runs alongside; it stops with the server, after the executions it is sending.
pub async fn serve(
    broker: Arc<Broker>,
    listener: tokio::net::TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) {
    run(broker, listener, None, shutdown).await;
}

/// [`serve`], over HTTPS: each connection's TLS handshake is done with `tls`, and hrefs
/// start with `https://` unless [`BrokerConfig::base_url`] or `X-Forwarded-Proto` say
/// otherwise. A client that speaks plain HTTP, or no TLS in time, is disconnected.
pub async fn serve_tls(
    broker: Arc<Broker>,
    listener: tokio::net::TcpListener,
    tls: tls::TlsConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) {
    run(broker, listener, Some(tls.acceptor), shutdown).await;
}

/// How long a connection may take to complete its TLS handshake: a client that connects
/// and sends nothing must not hold a task, or delay a graceful shutdown, for ever.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// The accept loop behind [`serve`] and [`serve_tls`]. It is warp's own graceful server
/// (hyper-util's auto HTTP/1 and HTTP/2 connections, each watched so shutdown waits for
/// it), written out because warp 0.4 cannot put TLS under it: its `tls` feature is gone
/// and its acceptor trait is private.
async fn run(
    broker: Arc<Broker>,
    listener: tokio::net::TcpListener,
    acceptor: Option<tokio_rustls::TlsAcceptor>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) {
    let local = listener
        .local_addr()
        .map(|a| a.to_string())
        .unwrap_or_else(|_| "localhost".to_string());
    let scheme = if acceptor.is_some() { "https" } else { "http" };
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let worker = broker
        .config
        .webhooks
        .worker
        .then(|| tokio::spawn(worker::run(broker.clone(), stopped)));
    let filter = routes(broker, scheme, local);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, _) = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                // A connection reset before it was accepted: nothing to do.
                Err(e) if matches!(
                    e.kind(),
                    std::io::ErrorKind::ConnectionAborted | std::io::ErrorKind::ConnectionReset
                ) => continue,
                Err(e) => {
                    // Out of file descriptors, say: retrying at once would only spin.
                    tracing::warn!(error = %e, "could not accept a connection");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
        };
        let filter = filter.clone();
        let acceptor = acceptor.clone();
        // Taken before the handshake, so a shutdown waits for a connection whose
        // handshake is under way (bounded by HANDSHAKE_TIMEOUT) and its request.
        let watcher = graceful.watcher();
        tokio::spawn(async move {
            let Some(acceptor) = acceptor else {
                return connection(stream, filter, watcher).await;
            };
            match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(stream)).await {
                Ok(Ok(stream)) => connection(stream, filter, watcher).await,
                Ok(Err(e)) => tracing::debug!(error = %e, "TLS handshake failed"),
                Err(_) => tracing::debug!("TLS handshake timed out"),
            }
        });
    }
    let _ = stop.send(true);
    // Closes the listener first, so no connection is accepted while the others finish.
    drop(listener);
    graceful.shutdown().await;
    if let Some(worker) = worker {
        let _ = worker.await;
    }
}

/// Serves HTTP/1 or HTTP/2 (hyper-util's auto connection, as warp does) on one connection,
/// plain or TLS, until the client closes it or a shutdown has let its requests finish.
async fn connection<F, I>(io: I, filter: F, watcher: hyper_util::server::graceful::Watcher)
where
    F: Filter<Extract = (api::Reply,), Error = warp::Rejection> + Clone + Send + Sync + 'static,
    I: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let service = hyper_util::service::TowerToHyperService::new(warp::service(filter));
    let builder =
        hyper_util::server::conn::auto::Builder::new(hyper_util::rt::TokioExecutor::new());
    let io = hyper_util::rt::TokioIo::new(io);
    if let Err(e) = watcher
        .watch(builder.serve_connection_with_upgrades(io, service))
        .await
    {
        tracing::debug!(error = %e, "connection error");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_are_decoded_one_by_one() {
        assert_eq!(
            segments("/pacts/provider/Pricing%20Service/consumer/a%2Fb/"),
            ["pacts", "provider", "Pricing Service", "consumer", "a/b"]
        );
        assert!(segments("/").is_empty());
    }
}
