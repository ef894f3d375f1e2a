//! Brokers for tests: a real server on loopback (port 0) over a fresh SQLite file, and
//! over a fresh PostgreSQL database when `PACT_BROKER_TEST_POSTGRES_URL` names a server
//! (`.ci/run` starts a throwaway cluster and sets it, so CI runs every test on both).

#![allow(dead_code)]

pub mod cluster;

use pact_broker::store::Store;
use pact_broker::{Broker, BrokerConfig};
use std::path::PathBuf;
use std::sync::Arc;

/// A database the suite runs on.
#[derive(Debug, Clone)]
pub enum Backend {
    /// A new SQLite file per broker.
    Sqlite,
    /// A new database per broker on this PostgreSQL server (an admin URL).
    Postgres(String),
}

impl Backend {
    /// Its name, for messages.
    pub fn name(&self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres(_) => "postgres",
        }
    }
}

/// The backends to run on: SQLite always, PostgreSQL when configured. Under CI a missing
/// PostgreSQL is a failure, never a skip.
pub fn backends() -> Vec<Backend> {
    let mut out = vec![Backend::Sqlite];
    match std::env::var("PACT_BROKER_TEST_POSTGRES_URL") {
        Ok(url) if !url.is_empty() => out.push(Backend::Postgres(url)),
        _ if std::env::var_os("CI").is_some() => panic!(
            "CI runs the broker suite on PostgreSQL: .ci/run sets PACT_BROKER_TEST_POSTGRES_URL"
        ),
        _ => eprintln!(
            "skipped PostgreSQL: set PACT_BROKER_TEST_POSTGRES_URL (bash .ci/postgres starts a server) to run on it too"
        ),
    }
    out
}

/// The PostgreSQL backend alone, when configured (with the same CI rule as [`backends`]).
pub fn postgres() -> Option<String> {
    backends().into_iter().find_map(|b| match b {
        Backend::Postgres(url) => Some(url),
        Backend::Sqlite => None,
    })
}

/// A directory of its own under the target dir's tmp, removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    /// A new, empty directory.
    pub fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!(
            "pact-broker-test-{name}-{}-{}",
            std::process::id(),
            fastrand::u64(..)
        ));
        std::fs::create_dir_all(&dir).expect("temp dir");
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A fresh, empty database on `backend`: its URL, and the directory holding it (SQLite).
pub async fn fresh_database(backend: &Backend, name: &str) -> (String, Option<TempDir>) {
    match backend {
        Backend::Sqlite => {
            let dir = TempDir::new(name);
            let url = format!("sqlite://{}", dir.0.join("broker.sqlite").display());
            (url, Some(dir))
        }
        Backend::Postgres(admin) => {
            use sqlx::Connection as _;
            let db = format!("broker_{}_{:x}", name.replace('-', "_"), fastrand::u64(..));
            let mut conn = sqlx::PgConnection::connect(admin)
                .await
                .expect("connect to PACT_BROKER_TEST_POSTGRES_URL");
            sqlx::query(&format!("CREATE DATABASE {db}"))
                .execute(&mut conn)
                .await
                .expect("create a test database");
            conn.close().await.ok();
            let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(admin);
            (format!("{base}/{db}"), None)
        }
    }
}

/// A broker serving on loopback.
pub struct TestBroker {
    /// Its base URL, `http://127.0.0.1:PORT`.
    pub url: String,
    /// Its database URL.
    pub database: String,
    /// The broker, for seeding storage directly.
    pub broker: Arc<Broker>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
    _dir: Option<TempDir>,
}

impl TestBroker {
    /// A broker on a fresh database of `backend`.
    pub async fn start(backend: &Backend, name: &str, config: BrokerConfig) -> TestBroker {
        let (database, dir) = fresh_database(backend, name).await;
        let mut broker = TestBroker::on(&database, config).await;
        broker._dir = dir;
        broker
    }

    /// A broker on the database `database` (which may already hold data).
    pub async fn on(database: &str, config: BrokerConfig) -> TestBroker {
        let store = Store::open(database).await.expect("open the database");
        let broker = Broker::new(store, config);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let url = format!("http://{}", listener.local_addr().unwrap());
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(pact_broker::serve(broker.clone(), listener, async {
            let _ = rx.await;
        }));
        TestBroker {
            url,
            database: database.to_string(),
            broker,
            stop: Some(tx),
            task: Some(task),
            _dir: None,
        }
    }

    /// Stops it, letting requests in flight finish.
    pub async fn stop(mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
        self.broker.store().close().await;
    }
}

/// A minimal pact between `consumer` and `provider` with one interaction per description.
pub fn pact(consumer: &str, provider: &str, descriptions: &[&str]) -> serde_json::Value {
    serde_json::json!({
        "consumer": {"name": consumer},
        "provider": {"name": provider},
        "interactions": descriptions.iter().map(|d| serde_json::json!({
            "description": d,
            "request": {"method": "GET", "path": format!("/{}", d.replace(' ', "-"))},
            "response": {"status": 200, "body": {"description": d}},
        })).collect::<Vec<_>>(),
        "metadata": {"pactSpecification": {"version": "2.0.0"}},
    })
}

/// A `POST /contracts/publish` body for one pact.
pub fn publish_body(
    pact: &serde_json::Value,
    version: &str,
    branch: Option<&str>,
    tags: &[&str],
) -> serde_json::Value {
    use base64::Engine as _;
    let content = base64::engine::general_purpose::STANDARD.encode(pact.to_string());
    let mut body = serde_json::json!({
        "pacticipantName": pact["consumer"]["name"],
        "pacticipantVersionNumber": version,
        "tags": tags,
        "contracts": [{
            "consumerName": pact["consumer"]["name"],
            "providerName": pact["provider"]["name"],
            "specification": "pact",
            "contentType": "application/json",
            "content": content,
        }],
    });
    if let Some(b) = branch {
        body["branch"] = serde_json::json!(b);
    }
    body
}

/// Sends a request as the official clients do (HAL `Accept`, JSON body) and returns the
/// status, the JSON body (`null` when empty; anything else than JSON fails the test) and
/// the headers.
pub async fn send(
    client: &reqwest::Client,
    method: &str,
    url: &str,
    body: Option<&serde_json::Value>,
) -> (u16, serde_json::Value, reqwest::header::HeaderMap) {
    let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
    let mut req = client
        .request(method, url)
        .header("Accept", "application/hal+json");
    if let Some(b) = body {
        req = req.json(b);
    }
    let resp = req.send().await.expect("request");
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let text = resp.text().await.expect("body");
    let value = if text.is_empty() {
        serde_json::Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
    };
    (status, value, headers)
}

/// Whether a reply is HAL JSON as the broker sends it.
pub fn hal(headers: &reqwest::header::HeaderMap) -> bool {
    headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == "application/hal+json;charset=utf-8")
}

/// GETs `url` as a browser does (`Accept: text/html…`): the status, the body as text and
/// the headers.
pub async fn page(url: &str) -> (u16, String, reqwest::header::HeaderMap) {
    let resp = reqwest::Client::new()
        .get(url)
        .header(
            "Accept",
            "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
        )
        .send()
        .await
        .expect("request");
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    (status, resp.text().await.expect("body"), headers)
}
