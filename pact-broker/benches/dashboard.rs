//! The dashboard's speed on a large broker, measured over HTTP on loopback as a browser
//! asks (`Accept: text/html`): the index of 500 integrations with 100 versions each, and
//! the network graph of 200 pacticipants and 400 integrations. On SQLite always, on
//! PostgreSQL too when `PACT_BROKER_TEST_POSTGRES_URL` is set.
//!
//! `cargo bench -p pact-broker --bench dashboard`

#[path = "support/large_broker.rs"]
mod large_broker;

use pact_broker::store::Store;
use pact_broker::store::{NewContract, NewPublication, NewVerification};
use pact_broker::{Broker, BrokerConfig};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

const HTML: &str = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

/// The median and 95th percentile of `samples`.
fn percentiles(mut samples: Vec<Duration>) -> (f64, f64) {
    samples.sort();
    let at =
        |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize].as_secs_f64() * 1000.0;
    (at(0.5), at(0.95))
}

/// Serves the broker on `database`; its base URL.
async fn start(database: &str) -> String {
    let store = Store::open(database).await.expect("database");
    let broker = Broker::new(store, BrokerConfig::default());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(pact_broker::serve(broker, listener, std::future::pending()));
    url
}

/// GETs `url` as a browser `n` times (after two warm-up requests), checking each answer
/// holds `expect`; the median and p95 in ms.
async fn measure(url: &str, n: usize, expect: &str) -> (f64, f64) {
    let c = reqwest::Client::new();
    let mut samples = Vec::with_capacity(n);
    for i in 0..n + 2 {
        let started = Instant::now();
        let resp = c
            .get(url)
            .header("Accept", HTML)
            .send()
            .await
            .expect("request");
        assert_eq!(resp.status(), 200, "{url}");
        let body = resp.text().await.expect("body");
        let took = started.elapsed();
        assert!(body.contains(expect), "{url} lacks {expect:?}");
        if i >= 2 {
            samples.push(took);
        }
    }
    percentiles(samples)
}

/// The index page of 500 integrations (50 consumers × 10 providers) with 100 versions
/// each: 50,000 publications, 10,000 verifications.
async fn index(backend: &str, database: &str) {
    Store::open(database).await.expect("migrate").close().await;
    let seeding = Instant::now();
    large_broker::seed(database, 50, 10, 100).await;
    let seeded = seeding.elapsed();
    let url = start(database).await;
    for (what, path) in [
        ("first page of 50", "/"),
        ("all 500 on one page", "/?size=500"),
        ("sorted by last verified", "/?sort=verified&order=desc"),
        ("searched", "/?search=consumer-4"),
    ] {
        let (median, p95) = measure(&format!("{url}{path}"), 50, "integrations").await;
        println!(
            "{backend}: index, 500 integrations x 100 versions, {what}: median {median:.2} ms, p95 {p95:.2} ms (target < 50 ms; seeded in {:.1} s)",
            seeded.as_secs_f64()
        );
    }
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
/// `integrations` distinct pacts, each pacticipant in at least one, mostly from one tier
/// to the next two and a few against the grain: the pairs (consumer, provider), the same
/// on every run.
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

/// `GET /network` over 200 pacticipants and 400 integrations, seeded through `Store`:
/// each consumer publishes three versions and the providers verify the latest pacts,
/// most successfully, some with failures (before or after a success), some not at all,
/// and some pacts change after their verification, so every state is drawn.
async fn network(backend: &str, database: &str) {
    const PACTICIPANTS: usize = 200;
    const INTEGRATIONS: usize = 400;
    let (names, pairs) = system(PACTICIPANTS, INTEGRATIONS);
    let seeding = Instant::now();
    let store = Store::open(database).await.expect("database");
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
                // The contents about to change are verified first: they become `changed`.
                let changing = |i: usize| i.is_multiple_of(5);
                verify_latest(&store, &names, &pairs, c, changing, |i| {
                    !i.is_multiple_of(6)
                })
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
        verify_latest(&store, &names, &pairs, c, verified, |i| {
            !i.is_multiple_of(6)
        })
        .await;
        // Then a failure of some that passed: `failed` rather than `failed (pending)`.
        let broken = |i: usize| verified(i) && i.is_multiple_of(11);
        verify_latest(&store, &names, &pairs, c, broken, |_| false).await;
    }
    store.close().await;
    let seeded = seeding.elapsed();
    let url = start(database).await;
    // The page draws what was seeded, in every state.
    let body = reqwest::Client::new()
        .get(format!("{url}/network"))
        .header("Accept", HTML)
        .send()
        .await
        .expect("request")
        .text()
        .await
        .expect("body");
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
    let (median, p95) = measure(&format!("{url}/network"), 100, "class=\"edge edge-").await;
    println!(
        "{backend}: network graph ({PACTICIPANTS} pacticipants, {INTEGRATIONS} integrations): median {median:.2} ms, p95 {p95:.2} ms (target < 50 ms; seeded in {:.1} s)",
        seeded.as_secs_f64()
    );
}

/// A new, empty database `name` on the PostgreSQL server `admin` names; its URL.
async fn postgres_database(admin: &str, name: &str) -> String {
    let admin_pool = sqlx::PgPool::connect(admin).await.expect("postgres");
    sqlx::raw_sql(&format!("CREATE DATABASE {name}"))
        .execute(&admin_pool)
        .await
        .expect("create database");
    admin_pool.close().await;
    match admin.rsplit_once('/') {
        Some((server, _)) => format!("{server}/{name}"),
        None => admin.to_string(),
    }
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let dir = std::env::temp_dir().join(format!(
            "pact-broker-dashboard-bench-{}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        index(
            "sqlite",
            &format!("sqlite://{}", dir.join("index.sqlite").display()),
        )
        .await;
        network(
            "sqlite",
            &format!("sqlite://{}", dir.join("network.sqlite").display()),
        )
        .await;
        if let Ok(admin) = std::env::var("PACT_BROKER_TEST_POSTGRES_URL") {
            let database = format!("pact_dashboard_bench_{}", std::process::id());
            let admin_pool = sqlx::PgPool::connect(&admin).await.expect("postgres");
            sqlx::raw_sql(&format!("CREATE DATABASE {database}"))
                .execute(&admin_pool)
                .await
                .expect("create database");
            admin_pool.close().await;
            let url = match admin.rsplit_once('/') {
                Some((server, _)) => format!("{server}/{database}"),
                None => admin.clone(),
            };
            index("postgres", &url).await;
            let database = format!("pact_dashboard_network_bench_{}", std::process::id());
            network("postgres", &postgres_database(&admin, &database).await).await;
        } else {
            println!("skipped PostgreSQL: set PACT_BROKER_TEST_POSTGRES_URL to measure it too");
        }
        if std::env::var_os("KEEP").is_none() {
            let _ = std::fs::remove_dir_all(&dir);
        }
    });
}
