//! Webhook execution over real servers, on SQLite and (when configured) PostgreSQL: a
//! receiver on loopback records what the brokers' workers send. Publications and
//! verifications fire their events with rendered templates, failures are retried, pending
//! executions survive a broker's restart, two brokers on one database send each execution
//! once, and credentials are never listed.

mod support;

use pact_broker::domain::webhook_events::RetryPolicy;
use pact_broker::{BrokerConfig, WebhookConfig};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use support::{backends, fresh_database, pact, publish_body, TestBroker};
use warp::Filter as _;

/// One request the receiver got.
#[derive(Debug, Clone)]
struct Hit {
    method: String,
    path: String,
    headers: HashMap<String, String>,
    body: String,
}

impl Hit {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }
}

/// A tiny HTTP server on loopback that records every request and answers with the
/// scripted statuses in turn, then 200.
struct Receiver {
    url: String,
    hits: Arc<Mutex<Vec<Hit>>>,
    _stop: tokio::sync::oneshot::Sender<()>,
}

impl Receiver {
    async fn start(script: Vec<u16>) -> Receiver {
        let hits: Arc<Mutex<Vec<Hit>>> = Arc::default();
        let script = Arc::new(Mutex::new(script.into_iter()));
        let recorded = hits.clone();
        let route = warp::method()
            .and(warp::path::full())
            .and(warp::query::raw().or(warp::any().map(String::new)).unify())
            .and(warp::header::headers_cloned())
            .and(warp::body::bytes())
            .map(
                move |method: warp::http::Method,
                      path: warp::path::FullPath,
                      query: String,
                      headers: warp::http::HeaderMap,
                      body: bytes::Bytes| {
                    let path = if query.is_empty() {
                        path.as_str().to_string()
                    } else {
                        format!("{}?{query}", path.as_str())
                    };
                    recorded.lock().unwrap().push(Hit {
                        method: method.to_string(),
                        path,
                        headers: headers
                            .iter()
                            .map(|(k, v)| {
                                (k.as_str().to_string(), v.to_str().unwrap_or("").to_string())
                            })
                            .collect(),
                        body: String::from_utf8_lossy(&body).into_owned(),
                    });
                    let status = script.lock().unwrap().next().unwrap_or(200);
                    warp::reply::with_status(
                        "received",
                        warp::http::StatusCode::from_u16(status).unwrap(),
                    )
                },
            );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(
            warp::serve(route)
                .incoming(listener)
                .graceful(async {
                    let _ = rx.await;
                })
                .run(),
        );
        Receiver {
            url,
            hits,
            _stop: tx,
        }
    }

    fn hits(&self) -> Vec<Hit> {
        self.hits.lock().unwrap().clone()
    }

    /// Waits (up to 15 s) until at least `n` requests came, and returns them all.
    async fn wait_for(&self, n: usize) -> Vec<Hit> {
        for _ in 0..300 {
            if self.hits().len() >= n {
                return self.hits();
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("expected {n} webhook requests, got {:?}", self.hits());
    }
}

/// [`support::send`] without the headers, which these tests never read.
async fn send(c: &reqwest::Client, method: &str, url: &str, body: Option<&Value>) -> (u16, Value) {
    let (status, value, _) = support::send(c, method, url, body).await;
    (status, value)
}

/// Creates a webhook; its UUID.
async fn create_webhook(c: &reqwest::Client, broker: &str, body: Value) -> String {
    let (status, w) = send(c, "POST", &format!("{broker}/webhooks"), Some(&body)).await;
    assert_eq!(status, 201, "{w}");
    w["uuid"].as_str().unwrap().to_string()
}

async fn publish(
    c: &reqwest::Client,
    broker: &str,
    pact: &Value,
    version: &str,
    branch: Option<&str>,
    tags: &[&str],
) {
    let (status, body) = send(
        c,
        "POST",
        &format!("{broker}/contracts/publish"),
        Some(&publish_body(pact, version, branch, tags)),
    )
    .await;
    assert_eq!(status, 200, "{body}");
}

async fn executions(c: &reqwest::Client, broker: &str, uuid: &str) -> Vec<Value> {
    let (status, body) = send(
        c,
        "GET",
        &format!("{broker}/webhooks/{uuid}/executions"),
        None,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    body["_embedded"]["executions"].as_array().unwrap().clone()
}

/// Waits (up to 15 s) until every execution of the webhook has ended (none pending) and
/// there are at least `n`.
async fn wait_until_done(c: &reqwest::Client, broker: &str, uuid: &str, n: usize) -> Vec<Value> {
    for _ in 0..300 {
        let rows = executions(c, broker, uuid).await;
        if rows.len() >= n && rows.iter().all(|r| r["status"] != "pending") {
            return rows;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!(
        "executions still pending: {:?}",
        executions(c, broker, uuid).await
    );
}

fn fast(attempts: u32) -> BrokerConfig {
    BrokerConfig {
        webhooks: WebhookConfig {
            retry: RetryPolicy {
                max_attempts: attempts,
                base_delay: Duration::from_millis(50),
            },
            poll_interval: Duration::from_millis(50),
            ..WebhookConfig::default()
        },
        ..BrokerConfig::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_publication_fires_its_events_with_rendered_templates() {
    for backend in backends() {
        let r = Receiver::start(Vec::new()).await;
        let b = TestBroker::start(&backend, "hook-publish", BrokerConfig::default()).await;
        let c = reqwest::Client::new();
        let published = create_webhook(
            &c,
            &b.url,
            json!({
                "events": [{"name": "contract_published"}],
                "request": {
                    "method": "POST",
                    "url": format!("{}/published/${{pactbroker.consumerName}}?v=${{pactbroker.consumerVersionNumber}}", r.url),
                    "headers": {"X-Event": "${pactbroker.eventName}", "X-Branch": "${pactbroker.consumerVersionBranch}"},
                    "body": {
                        "pactUrl": "${pactbroker.pactUrl}",
                        "consumer": "${pactbroker.consumerName}",
                        "provider": "${pactbroker.providerName}",
                        "version": "${pactbroker.consumerVersionNumber}",
                        "branch": "${pactbroker.consumerVersionBranch}",
                        "tags": ["${pactbroker.consumerVersionTags}"],
                        "unknown": "${pactbroker.nope}",
                    },
                },
            }),
        )
        .await;
        let changed = create_webhook(
            &c,
            &b.url,
            json!({
                "events": [{"name": "contract_content_changed"}, {"name": "contract_requiring_verification_published"}],
                "request": {"method": "POST", "url": format!("{}/changed", r.url),
                            "headers": {"X-Event": "${pactbroker.eventName}"}},
            }),
        )
        .await;
        // Another consumer's webhook and a disabled one never fire.
        b.broker.store().ensure_version("Other", "1").await.unwrap();
        for extra in [
            json!({"consumer": {"name": "Other"}, "events": [{"name": "contract_published"}],
                   "request": {"method": "POST", "url": format!("{}/other", r.url)}}),
            json!({"enabled": false, "events": [{"name": "contract_published"}],
                   "request": {"method": "POST", "url": format!("{}/disabled", r.url)}}),
        ] {
            create_webhook(&c, &b.url, extra).await;
        }

        let web = pact("Web", "API", &["a request"]);
        publish(&c, &b.url, &web, "1.0.0", Some("main"), &["t1", "t2"]).await;
        let hits = r.wait_for(3).await;
        tokio::time::sleep(Duration::from_millis(400)).await;
        let hits = if r.hits().len() > hits.len() {
            r.hits()
        } else {
            hits
        };
        assert_eq!(hits.len(), 3, "{}: {hits:?}", backend.name());
        let p = hits
            .iter()
            .find(|h| h.path.starts_with("/published"))
            .unwrap();
        assert_eq!(p.method, "POST");
        assert_eq!(p.path, "/published/Web?v=1.0.0");
        assert_eq!(p.headers["x-event"], "contract_published");
        assert_eq!(p.headers["x-branch"], "main");
        assert_eq!(p.headers["content-type"], "application/json");
        let body = p.json();
        assert_eq!(body["consumer"], "Web");
        assert_eq!(body["provider"], "API");
        assert_eq!(body["version"], "1.0.0");
        assert_eq!(body["branch"], "main");
        assert_eq!(body["tags"], json!(["t1, t2"]));
        assert_eq!(body["unknown"], "${pactbroker.nope}");
        let pact_url = body["pactUrl"].as_str().unwrap();
        assert!(
            pact_url.starts_with(&format!(
                "{}/pacts/provider/API/consumer/Web/pact-version/",
                b.url
            )),
            "{pact_url}"
        );
        let (status, served) = send(&c, "GET", pact_url, None).await;
        assert_eq!(status, 200);
        assert_eq!(served["consumer"]["name"], "Web");
        let mut events: Vec<&str> = hits
            .iter()
            .filter(|h| h.path == "/changed")
            .map(|h| h.headers["x-event"].as_str())
            .collect();
        events.sort();
        assert_eq!(
            events,
            [
                "contract_content_changed",
                "contract_requiring_verification_published"
            ]
        );

        // The same content from the next version: published and still requiring
        // verification, but its content did not change.
        publish(&c, &b.url, &web, "1.0.1", Some("main"), &[]).await;
        let hits = r.wait_for(5).await;
        tokio::time::sleep(Duration::from_millis(400)).await;
        assert_eq!(r.hits().len(), 5, "{hits:?}");
        let last: Vec<&str> = hits[3..]
            .iter()
            .map(|h| h.headers["x-event"].as_str())
            .collect();
        assert!(last.contains(&"contract_published"), "{last:?}");
        assert!(
            last.contains(&"contract_requiring_verification_published"),
            "{last:?}"
        );

        let rows = wait_until_done(&c, &b.url, &published, 2).await;
        assert_eq!(rows.len(), 2);
        for row in &rows {
            assert_eq!(row["status"], "succeeded", "{row}");
            assert_eq!(row["attempts"], 1);
            assert_eq!(row["eventName"], "contract_published");
            assert_eq!(row["lastResponse"]["status"], 200);
        }
        assert_eq!(
            rows[1]["request"]["url"],
            format!("{}/published/Web?v=1.0.1", r.url)
        );
        assert_eq!(wait_until_done(&c, &b.url, &changed, 3).await.len(), 3);
        b.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_verification_fires_succeeded_or_failed() {
    for backend in backends() {
        let r = Receiver::start(Vec::new()).await;
        let b = TestBroker::start(&backend, "hook-verify", BrokerConfig::default()).await;
        let c = reqwest::Client::new();
        create_webhook(
            &c,
            &b.url,
            json!({
                "events": [{"name": "provider_verification_succeeded"}, {"name": "provider_verification_failed"}],
                "request": {
                    "method": "PUT",
                    "url": format!("{}/status/${{pactbroker.consumerVersionNumber}}", r.url),
                    "body": {
                        "state": "${pactbroker.githubVerificationStatus}",
                        "event": "${pactbroker.eventName}",
                        "provider": "${pactbroker.providerName}",
                        "providerVersion": "${pactbroker.providerVersionNumber}",
                        "providerBranch": "${pactbroker.providerVersionBranch}",
                        "providerTags": "${pactbroker.providerVersionTags}",
                        "consumerBranch": "${pactbroker.consumerVersionBranch}",
                        "resultUrl": "${pactbroker.verificationResultUrl}",
                    },
                },
            }),
        )
        .await;
        publish(
            &c,
            &b.url,
            &pact("Web", "API", &["a request"]),
            "7",
            Some("feat"),
            &[],
        )
        .await;
        let (_, latest) = send(
            &c,
            "GET",
            &format!("{}/pacts/provider/API/consumer/Web/latest", b.url),
            None,
        )
        .await;
        let results = latest["_links"]["pb:publish-verification-results"]["href"]
            .as_str()
            .unwrap()
            .to_string();
        let (status, _) = send(
            &c,
            "PUT",
            &format!("{}/pacticipants/API/branches/main/versions/P1", b.url),
            Some(&json!({})),
        )
        .await;
        assert_eq!(status, 201);
        let (status, _) = send(
            &c,
            "PUT",
            &format!("{}/pacticipants/API/versions/P1/tags/prod", b.url),
            Some(&json!({})),
        )
        .await;
        assert_eq!(status, 201);

        let (status, result) = send(
            &c,
            "POST",
            &results,
            Some(&json!({"success": true, "providerApplicationVersion": "P1"})),
        )
        .await;
        assert_eq!(status, 201, "{result}");
        let hits = r.wait_for(1).await;
        assert_eq!(hits[0].method, "PUT");
        assert_eq!(hits[0].path, "/status/7");
        let body = hits[0].json();
        assert_eq!(body["state"], "success", "{}", backend.name());
        assert_eq!(body["event"], "provider_verification_succeeded");
        assert_eq!(body["provider"], "API");
        assert_eq!(body["providerVersion"], "P1");
        assert_eq!(body["providerBranch"], "main");
        assert_eq!(body["providerTags"], "prod");
        assert_eq!(body["consumerBranch"], "feat");
        assert_eq!(body["resultUrl"], result["_links"]["self"]["href"]);

        let (status, _) = send(
            &c,
            "POST",
            &results,
            Some(&json!({"success": false, "providerApplicationVersion": "P2"})),
        )
        .await;
        assert_eq!(status, 201);
        let hits = r.wait_for(2).await;
        let body = hits[1].json();
        assert_eq!(body["state"], "failure");
        assert_eq!(body["event"], "provider_verification_failed");
        assert_eq!(body["providerVersion"], "P2");
        assert_eq!(body["providerBranch"], "");
        tokio::time::sleep(Duration::from_millis(400)).await;
        assert_eq!(
            r.hits().len(),
            2,
            "one event per verification for this webhook"
        );
        b.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn failures_are_retried_with_backoff() {
    for backend in backends() {
        let flaky = Receiver::start(vec![500, 500]).await;
        let broken = Receiver::start(vec![503; 10]).await;
        let b = TestBroker::start(&backend, "hook-retry", fast(3)).await;
        let c = reqwest::Client::new();
        let event = json!([{"name": "contract_published"}]);
        let flaky_hook = create_webhook(
            &c,
            &b.url,
            json!({"events": event, "request": {"method": "POST", "url": format!("{}/flaky", flaky.url)}}),
        )
        .await;
        let broken_hook = create_webhook(
            &c,
            &b.url,
            json!({"events": event, "request": {"method": "POST", "url": format!("{}/broken", broken.url)}}),
        )
        .await;
        let refused_hook = create_webhook(
            &c,
            &b.url,
            // Nothing listens on port 9 of loopback: no response at all.
            json!({"events": event, "request": {"method": "POST", "url": "http://127.0.0.1:9/refused"}}),
        )
        .await;
        publish(&c, &b.url, &pact("Web", "API", &["a"]), "1", None, &[]).await;

        let rows = wait_until_done(&c, &b.url, &flaky_hook, 1).await;
        assert_eq!(
            rows[0]["status"],
            "succeeded",
            "{}: {rows:?}",
            backend.name()
        );
        assert_eq!(rows[0]["attempts"], 3);
        assert_eq!(rows[0]["lastResponse"]["status"], 200);
        assert_eq!(flaky.hits().len(), 3);

        let rows = wait_until_done(&c, &b.url, &broken_hook, 1).await;
        assert_eq!(rows[0]["status"], "failed", "{rows:?}");
        assert_eq!(rows[0]["attempts"], 3);
        assert_eq!(rows[0]["lastResponse"]["status"], 503);
        assert_eq!(rows[0]["lastResponse"]["body"], "received");
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(broken.hits().len(), 3, "no attempt after the last");

        let rows = wait_until_done(&c, &b.url, &refused_hook, 1).await;
        assert_eq!(rows[0]["status"], "failed", "{rows:?}");
        assert_eq!(rows[0]["attempts"], 3);
        assert!(rows[0]["lastResponse"]["status"].is_null());
        assert!(
            rows[0]["lastResponse"]["body"]
                .as_str()
                .unwrap()
                .starts_with("no response"),
            "{rows:?}"
        );
        b.stop().await;
    }
}

/// Sets `claimed_until` of a webhook's executions straight in the database, as a broker
/// that claimed them and then crashed would have left it.
async fn set_claim(database: &str, uuid: &str, until: &str) {
    let sql = "UPDATE webhook_executions SET claimed_until = $1 WHERE webhook_uuid = $2";
    if database.starts_with("sqlite:") {
        let pool = sqlx::SqlitePool::connect(database).await.unwrap();
        sqlx::query(sql)
            .bind(until)
            .bind(uuid)
            .execute(&pool)
            .await
            .unwrap();
        pool.close().await;
    } else {
        let pool = sqlx::PgPool::connect(database).await.unwrap();
        sqlx::query(sql)
            .bind(until)
            .bind(uuid)
            .execute(&pool)
            .await
            .unwrap();
        pool.close().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn pending_executions_survive_a_restart() {
    for backend in backends() {
        let r = Receiver::start(Vec::new()).await;
        let (database, _dir) = fresh_database(&backend, "hook-restart").await;
        let api_only = BrokerConfig {
            webhooks: WebhookConfig {
                worker: false,
                ..WebhookConfig::default()
            },
            ..BrokerConfig::default()
        };
        let first = TestBroker::on(&database, api_only).await;
        let c = reqwest::Client::new();
        let mut uuids = Vec::new();
        for name in ["lapsed", "held", "fresh"] {
            uuids.push(
                create_webhook(
                    &c,
                    &first.url,
                    json!({"events": [{"name": "contract_published"}],
                           "request": {"method": "POST", "url": format!("{}/{name}", r.url)}}),
                )
                .await,
            );
        }
        publish(&c, &first.url, &pact("Web", "API", &["a"]), "1", None, &[]).await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        let rows = executions(&c, &first.url, &uuids[0]).await;
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0]["status"], "pending");
        assert_eq!(rows[0]["attempts"], 0);
        assert!(r.hits().is_empty());
        first.stop().await;

        // One execution was claimed by a broker that crashed long ago, one by a broker that
        // holds its claim for another hour, one never claimed.
        set_claim(&database, &uuids[0], "2000-01-01T00:00:00.000000Z").await;
        set_claim(&database, &uuids[1], "2999-01-01T00:00:00.000000Z").await;

        let second = TestBroker::on(&database, BrokerConfig::default()).await;
        let hits = r.wait_for(2).await;
        tokio::time::sleep(Duration::from_millis(600)).await;
        let mut paths: Vec<String> = r.hits().iter().map(|h| h.path.clone()).collect();
        paths.sort();
        assert_eq!(paths, ["/fresh", "/lapsed"], "{}: {hits:?}", backend.name());
        let held = executions(&c, &second.url, &uuids[1]).await;
        assert_eq!(held[0]["status"], "pending");
        assert_eq!(held[0]["attempts"], 0);
        assert_eq!(
            wait_until_done(&c, &second.url, &uuids[0], 1).await[0]["status"],
            "succeeded"
        );
        second.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_brokers_on_one_database_execute_each_webhook_once() {
    for backend in backends() {
        let r = Receiver::start(Vec::new()).await;
        let (database, _dir) = fresh_database(&backend, "hook-twice").await;
        let config = || BrokerConfig {
            webhooks: WebhookConfig {
                poll_interval: Duration::from_millis(10),
                batch: 3,
                ..WebhookConfig::default()
            },
            ..BrokerConfig::default()
        };
        let one = TestBroker::on(&database, config()).await;
        let two = TestBroker::on(&database, config()).await;
        let c = reqwest::Client::new();
        let uuid = create_webhook(
            &c,
            &one.url,
            json!({"events": [{"name": "contract_published"}],
                   "request": {"method": "POST", "url": format!("{}/hook?v=${{pactbroker.consumerVersionNumber}}", r.url)}}),
        )
        .await;
        let n = 20;
        let web = pact("Web", "API", &["a"]);
        for i in 0..n {
            let broker = if i % 2 == 0 { &one.url } else { &two.url };
            publish(&c, broker, &web, &format!("{i}"), None, &[]).await;
        }
        r.wait_for(n).await;
        wait_until_done(&c, &one.url, &uuid, n).await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        let hits = r.hits();
        assert_eq!(hits.len(), n, "{}: {hits:?}", backend.name());
        let mut versions: Vec<String> = hits.iter().map(|h| h.path.clone()).collect();
        versions.sort();
        versions.dedup();
        assert_eq!(versions.len(), n, "each version's execution sent once");
        one.stop().await;
        two.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn credentials_never_appear_and_webhooks_can_be_tested() {
    for backend in backends() {
        let r = Receiver::start(Vec::new()).await;
        let b = TestBroker::start(&backend, "hook-secrets", BrokerConfig::default()).await;
        let c = reqwest::Client::new();
        let uuid = create_webhook(
            &c,
            &b.url,
            json!({
                "events": [{"name": "contract_published"}],
                "request": {"method": "POST", "url": format!("{}/secret/${{pactbroker.consumerName}}", r.url),
                            "username": "hookuser", "password": "s3cr3t-pw",
                            "headers": {"X-Api-Token": "tok-123", "Accept": "text/plain"},
                            "body": "consumer=${pactbroker.consumerName}"},
            }),
        )
        .await;
        let href = format!("{}/webhooks/{uuid}", b.url);
        let (_, w) = send(&c, "GET", &href, None).await;
        assert_eq!(w["_links"]["pb:execute"]["href"], format!("{href}/execute"));
        assert_eq!(
            w["_links"]["pb:executions"]["href"],
            format!("{href}/executions")
        );

        publish(&c, &b.url, &pact("Web", "API", &["a"]), "1", None, &[]).await;
        let hits = r.wait_for(1).await;
        use base64::Engine as _;
        let basic = base64::engine::general_purpose::STANDARD.encode("hookuser:s3cr3t-pw");
        assert_eq!(hits[0].headers["authorization"], format!("Basic {basic}"));
        assert_eq!(hits[0].headers["x-api-token"], "tok-123");
        assert_eq!(hits[0].body, "consumer=Web");
        assert_eq!(hits[0].path, "/secret/Web");

        let rows = wait_until_done(&c, &b.url, &uuid, 1).await;
        let listed = Value::Array(rows.clone()).to_string();
        for secret in ["s3cr3t-pw", "tok-123", basic.as_str()] {
            assert!(!listed.contains(secret), "{}: {listed}", backend.name());
        }
        assert_eq!(rows[0]["request"]["password"], "**********");
        assert_eq!(rows[0]["request"]["headers"]["X-Api-Token"], "**********");
        assert_eq!(rows[0]["request"]["headers"]["Accept"], "text/plain");
        assert_eq!(rows[0]["request"]["username"], "hookuser");

        // Testing it: sent now for the latest pact, the answer masked as well.
        let (status, tested) = send(&c, "POST", &format!("{href}/execute"), Some(&json!({}))).await;
        assert_eq!(status, 200, "{tested}");
        assert_eq!(tested["success"], true);
        assert_eq!(tested["response"]["status"], 200);
        assert_eq!(tested["request"]["url"], format!("{}/secret/Web", r.url));
        let text = tested.to_string();
        for secret in ["s3cr3t-pw", "tok-123", basic.as_str()] {
            assert!(!text.contains(secret), "{text}");
        }
        assert_eq!(r.wait_for(2).await[1].path, "/secret/Web");
        assert_eq!(
            executions(&c, &b.url, &uuid).await.len(),
            1,
            "a test is not recorded"
        );

        // A target that does not answer: still 200, with success false.
        let dead = create_webhook(
            &c,
            &b.url,
            json!({"events": [{"name": "contract_published"}],
                   "request": {"method": "POST", "url": "http://127.0.0.1:9/dead"}}),
        )
        .await;
        let (status, tested) = send(
            &c,
            "POST",
            &format!("{}/webhooks/{dead}/execute", b.url),
            None,
        )
        .await;
        assert_eq!(status, 200, "{tested}");
        assert_eq!(tested["success"], false);
        assert!(tested["response"].is_null());

        // Unknown webhooks: 404; wrong methods: 405.
        let missing = format!("{}/webhooks/0000000000000000000000/", b.url);
        assert_eq!(
            send(&c, "POST", &format!("{missing}execute"), None).await.0,
            404
        );
        assert_eq!(
            send(&c, "GET", &format!("{missing}executions"), None)
                .await
                .0,
            404
        );
        assert_eq!(
            send(&c, "GET", &format!("{href}/execute"), None).await.0,
            405
        );

        // Deleting a webhook deletes its executions.
        assert_eq!(send(&c, "DELETE", &href, None).await.0, 204);
        assert!(b
            .broker
            .store()
            .webhook_executions(&uuid)
            .await
            .unwrap()
            .is_empty());
        b.stop().await;
    }
}
