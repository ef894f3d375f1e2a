//! The dashboard's speed: each scenario seeds a broker of its own on a fresh database
//! (through `Store` operations, as HTTP seeding would take longer than measuring), then
//! times its page as a browser asks for it (`Accept: text/html`) over loopback: median and
//! p95 of the whole request, body included. On SQLite always, on PostgreSQL too when
//! `PACT_BROKER_TEST_POSTGRES_URL` is set.
//!
//! `cargo bench -p pact-broker --bench dashboard`
//!
//! A scenario is one `async fn(&Bench)` added to [`SCENARIOS`].

use pact_broker::store::{NewContract, NewPublication, NewVerification, Store};
use pact_broker::{Broker, BrokerConfig};
use serde_json::{json, Value};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The `Accept` header of a browser.
const BROWSER_ACCEPT: &str = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

/// What a scenario gets: a broker on a fresh database, its URL and a client.
struct Bench {
    /// `sqlite` or `postgres`, for the printed lines.
    backend: &'static str,
    url: String,
    broker: Arc<Broker>,
    client: reqwest::Client,
}

impl Bench {
    fn store(&self) -> &Store {
        self.broker.store()
    }

    /// The page at `path`, as a browser gets it.
    async fn html(&self, path: &str) -> String {
        let r = self
            .client
            .get(format!("{}{path}", self.url))
            .header("Accept", BROWSER_ACCEPT)
            .send()
            .await
            .expect("request");
        assert_eq!(r.status(), 200, "{path}");
        r.text().await.expect("body")
    }

    /// Times `samples` GETs of `path` as a browser (after a few unmeasured ones, so
    /// connections and caches are warm), checking each answers 200 with a page that
    /// contains `expect`.
    async fn page_timing(&self, path: &str, samples: usize, expect: &str) -> Timing {
        let url = format!("{}{path}", self.url);
        let get = || async {
            let t = Instant::now();
            let r = self
                .client
                .get(&url)
                .header("Accept", BROWSER_ACCEPT)
                .send()
                .await
                .expect("request");
            assert_eq!(r.status(), 200, "{url}");
            let body = r.text().await.expect("body");
            let elapsed = t.elapsed();
            assert!(body.contains(expect), "{url} lacks {expect}");
            elapsed
        };
        for _ in 0..5 {
            get().await;
        }
        let mut times = Vec::with_capacity(samples);
        for _ in 0..samples {
            times.push(get().await);
        }
        Timing::of(times)
    }

    /// Prints one line: `{backend}: {what}: median X ms, p95 Y ms (target < N ms)`.
    fn report(&self, what: &str, t: &Timing, target_ms: u64) {
        println!(
            "{}: {what}: median {}, p95 {} (target < {target_ms} ms)",
            self.backend,
            ms(t.median),
            ms(t.p95)
        );
    }
}

/// Median and 95th percentile of some samples.
struct Timing {
    median: Duration,
    p95: Duration,
}

impl Timing {
    fn of(mut samples: Vec<Duration>) -> Timing {
        samples.sort();
        let at = |q: f64| {
            samples[((samples.len() as f64 * q).ceil() as usize).clamp(1, samples.len()) - 1]
        };
        Timing {
            median: at(0.5),
            p95: at(0.95),
        }
    }
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

/// A one-interaction pact; `n` makes its content differ.
fn pact(consumer: &str, provider: &str, n: usize) -> Value {
    json!({
        "consumer": {"name": consumer}, "provider": {"name": provider},
        "interactions": [{"description": format!("request {n}"),
                          "request": {"method": "GET", "path": format!("/items/{n}")},
                          "response": {"status": 200, "body": {"id": n, "name": "an item"}}}],
        "metadata": {"pactSpecification": {"version": "3.0.0"}},
    })
}

/// A system of `pacticipants` in five tiers (front ends to core services) with
/// `integrations` distinct pacts, mostly from one tier to the next two and a few against
/// the grain: the pairs (consumer, provider), the same on every run.
fn system(pacticipants: usize, integrations: usize) -> (Vec<String>, Vec<(usize, usize)>) {
    let mut rng = fastrand::Rng::with_seed(12);
    let names: Vec<String> = (0..pacticipants)
        .map(|i| match i % 13 {
            0 => format!("{}-experience-api-{i}", ["web", "mobile", "partner"][i % 3]),
            _ => format!("service-{i:03}"),
        })
        .collect();
    let per_tier = pacticipants.div_ceil(5);
    let tier = |i: usize| i / per_tier;
    let mut pairs = Vec::with_capacity(integrations);
    let mut seen = std::collections::HashSet::new();
    // First one pact for each pacticipant, so all of them are in the broker.
    for i in 0..pacticipants {
        let pair = if tier(i) < 4 {
            (
                i,
                ((tier(i) + 1) * per_tier + rng.usize(0..per_tier)).min(pacticipants - 1),
            )
        } else {
            (3 * per_tier + rng.usize(0..per_tier), i)
        };
        if pair.0 != pair.1 && seen.insert(pair) {
            pairs.push(pair);
        }
    }
    while pairs.len() < integrations {
        let c = rng.usize(0..pacticipants);
        let p = if rng.u8(0..25) == 0 {
            rng.usize(0..pacticipants)
        } else {
            let t = (tier(c) + 1 + rng.usize(0..2)).min(4);
            (t * per_tier + rng.usize(0..per_tier)).min(pacticipants - 1)
        };
        if c != p && seen.insert((c, p)) {
            pairs.push((c, p));
        }
    }
    (names, pairs)
}

/// `GET /network` over 200 pacticipants and 400 integrations: each consumer publishes
/// three versions, and the providers verify the latest pacts, most successfully, some
/// with failures, some not at all, so every state is drawn.
async fn network_graph(b: &Bench) {
    const PACTICIPANTS: usize = 200;
    const INTEGRATIONS: usize = 400;
    let (names, pairs) = system(PACTICIPANTS, INTEGRATIONS);
    let started = Instant::now();
    let store = b.store();
    for v in 0..3 {
        for (c, consumer) in names.iter().enumerate() {
            let contracts: Vec<NewContract> = pairs
                .iter()
                .enumerate()
                .filter(|(_, &(pc, _))| pc == c)
                // The last version changes the content of every fifth pact.
                .map(|(i, &(_, p))| NewContract {
                    provider: names[p].clone(),
                    content: pact(
                        consumer,
                        &names[p],
                        if v == 2 && i.is_multiple_of(5) {
                            i + 10_000
                        } else {
                            i
                        },
                    ),
                    merge: false,
                })
                .collect();
            if contracts.is_empty() {
                continue;
            }
            if v == 2 {
                // Verify the contents as they stood before the last version, so the pacts
                // that change are `changed`.
                verify_latest(
                    store,
                    &names,
                    &pairs,
                    c,
                    |i| i.is_multiple_of(5),
                    |i| !i.is_multiple_of(6),
                )
                .await;
            }
            store
                .publish(&NewPublication {
                    consumer: consumer.clone(),
                    version: format!("1.{v}.0"),
                    branch: Some("main".into()),
                    tags: vec![],
                    build_url: None,
                    contracts,
                    allow_overwrite: false,
                })
                .await
                .expect("publish");
        }
    }
    let verified = |i: usize| !i.is_multiple_of(5) && !i.is_multiple_of(7);
    for c in 0..names.len() {
        verify_latest(store, &names, &pairs, c, verified, |i| !i.is_multiple_of(6)).await;
        // Then a failure of some that passed: `failed` rather than `failed (pending)`.
        verify_latest(
            store,
            &names,
            &pairs,
            c,
            |i| verified(i) && i.is_multiple_of(11),
            |_| false,
        )
        .await;
    }
    let seeded = started.elapsed();
    // The page draws what was seeded, in every state.
    let body = b.html("/network").await;
    assert!(
        body.contains(&format!(
            "The network: {PACTICIPANTS} pacticipants, {INTEGRATIONS} integrations"
        )),
        "every pacticipant seeded"
    );
    assert_eq!(body.matches("class=\"edge edge-").count(), INTEGRATIONS);
    for state in ["verified", "failed", "pending", "changed", "unverified"] {
        assert!(
            body.contains(&format!("class=\"edge edge-{state}\"")),
            "no {state} edge"
        );
    }
    let t = b.page_timing("/network", 100, "class=\"edge edge-").await;
    b.report(
        &format!("network graph ({PACTICIPANTS} pacticipants, {INTEGRATIONS} integrations)"),
        &t,
        50,
    );
    println!(
        "{}: network graph seeded in {:.1} s (through Store)",
        b.backend,
        seeded.as_secs_f64()
    );
}

/// Verifies the latest pact of each integration of consumer `c` chosen by `which` (by its
/// index in `pairs`), successfully when `success` says so.
async fn verify_latest(
    store: &Store,
    names: &[String],
    pairs: &[(usize, usize)],
    c: usize,
    which: impl Fn(usize) -> bool,
    success: impl Fn(usize) -> bool,
) {
    for (i, &(pc, p)) in pairs.iter().enumerate() {
        if pc != c || !which(i) {
            continue;
        }
        let (consumer, provider) = (&names[c], &names[p]);
        let Some(latest) = store
            .latest_pact(provider, consumer, None)
            .await
            .expect("latest pact")
        else {
            continue;
        };
        store
            .add_verification(&NewVerification {
                provider: provider.clone(),
                consumer: consumer.clone(),
                sha: latest.sha,
                provider_version: format!("{}.0", i % 9),
                success: success(i),
                build_url: None,
                body: json!({}),
            })
            .await
            .expect("verify");
    }
}

type Scenario = for<'a> fn(&'a Bench) -> Pin<Box<dyn Future<Output = ()> + 'a>>;

/// The scenarios, each run on a fresh database of every backend.
const SCENARIOS: &[Scenario] = &[|b| Box::pin(network_graph(b))];

/// A broker on `database`, serving on loopback.
async fn start(database: &str) -> (String, Arc<Broker>) {
    let store = Store::open(database).await.expect("database");
    let broker = Broker::new(store, BrokerConfig::default());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(pact_broker::serve(
        broker.clone(),
        listener,
        std::future::pending(),
    ));
    (url, broker)
}

/// A fresh database on `backend` for scenario `n`: a new SQLite file under `dir`, or a
/// new database on the PostgreSQL server `admin` names.
async fn fresh_database(backend: &str, dir: &std::path::Path, admin: &str, n: usize) -> String {
    if backend == "sqlite" {
        return format!(
            "sqlite://{}",
            dir.join(format!("dashboard-{n}.sqlite")).display()
        );
    }
    use sqlx::Connection as _;
    let name = format!("broker_dashboard_bench_{}_{n}", std::process::id());
    let mut conn = sqlx::PgConnection::connect(admin).await.expect("postgres");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await
        .expect("create database");
    conn.close().await.ok();
    let base = admin.rsplit_once('/').map_or(admin, |(b, _)| b);
    format!("{base}/{name}")
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let dir = std::env::temp_dir().join(format!(
            "pact-broker-dashboard-bench-{}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let postgres = std::env::var("PACT_BROKER_TEST_POSTGRES_URL")
            .ok()
            .filter(|u| !u.is_empty());
        let backends: Vec<&'static str> = std::iter::once("sqlite")
            .chain(postgres.as_ref().map(|_| "postgres"))
            .collect();
        for backend in backends {
            for (n, scenario) in SCENARIOS.iter().enumerate() {
                let database =
                    fresh_database(backend, &dir, postgres.as_deref().unwrap_or(""), n).await;
                let (url, broker) = start(&database).await;
                let bench = Bench {
                    backend,
                    url,
                    broker,
                    client: reqwest::Client::new(),
                };
                scenario(&bench).await;
                bench.broker.store().close().await;
            }
        }
        let _ = std::fs::remove_dir_all(&dir);
    });
}
