//! The dashboard's speed on a large broker, measured over HTTP on loopback as a browser
//! asks (`Accept: text/html`): the index of 500 integrations with 100 versions each. On
//! SQLite always, on PostgreSQL too when `PACT_BROKER_TEST_POSTGRES_URL` is set.
//!
//! `cargo bench -p pact-broker --bench dashboard`

#[path = "support/large_broker.rs"]
mod large_broker;

use pact_broker::store::Store;
use pact_broker::{Broker, BrokerConfig};
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
        } else {
            println!("skipped PostgreSQL: set PACT_BROKER_TEST_POSTGRES_URL to measure it too");
        }
        if std::env::var_os("KEEP").is_none() {
            let _ = std::fs::remove_dir_all(&dir);
        }
    });
}
