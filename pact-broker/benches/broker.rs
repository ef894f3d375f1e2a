//! The broker's speed, measured over HTTP on loopback against a real database: publish
//! latency, pacts-for-verification over 100 consumers × 20 versions, can-i-deploy for a
//! version with 15,000 verification results in its history, and throughput of `GET` of
//! the latest pact. On SQLite always, on PostgreSQL too when
//! `PACT_BROKER_TEST_POSTGRES_URL` is set.
//!
//! `cargo bench -p pact-broker --bench broker`

use pact_broker::store::{EnvironmentFields, NewContract, NewPublication, NewVerification, Store};
use pact_broker::{Broker, BrokerConfig};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

fn pact(consumer: &str, provider: &str, n: usize) -> Value {
    json!({
        "consumer": {"name": consumer}, "provider": {"name": provider},
        "interactions": [{"description": format!("request {n}"),
                          "request": {"method": "GET", "path": format!("/items/{n}")},
                          "response": {"status": 200, "body": {"id": n, "name": "an item", "tags": ["a", "b"]}}}],
        "metadata": {"pactSpecification": {"version": "3.0.0"}},
    })
}

fn publication(
    consumer: &str,
    provider: &str,
    version: &str,
    n: usize,
    branch: &str,
) -> NewPublication {
    NewPublication {
        consumer: consumer.into(),
        version: version.into(),
        branch: Some(branch.into()),
        tags: vec![],
        build_url: None,
        contracts: vec![NewContract {
            provider: provider.into(),
            content: pact(consumer, provider, n),
            merge: false,
        }],
        allow_overwrite: false,
    }
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

async fn start(database: &str) -> (String, std::sync::Arc<Broker>) {
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

async fn bench(name: &str, database: &str) {
    let (url, broker) = start(database).await;
    let store = broker.store();
    let c = reqwest::Client::new();

    // Publish latency: one consumer version per request, as CI publishes.
    let mut samples = Vec::new();
    for v in 0..300 {
        let p = pact("Web", "API", v);
        let body = json!({
            "pacticipantName": "Web", "pacticipantVersionNumber": format!("p{v}"), "branch": "main",
            "contracts": [{"consumerName": "Web", "providerName": "API", "specification": "pact",
                "contentType": "application/json",
                "content": base64_encode(p.to_string().as_bytes())}],
        });
        let t = Instant::now();
        let r = c
            .post(format!("{url}/contracts/publish"))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        r.bytes().await.unwrap();
        samples.push(t.elapsed());
    }
    println!(
        "{name}: publish median {} (300 publishes)",
        ms(median(samples))
    );

    // Pacts for verification: 100 consumers x 20 versions on main, one deployed each.
    store
        .create_environment(
            "00000000-0000-4000-8000-000000000001",
            &EnvironmentFields {
                name: "production".into(),
                display_name: None,
                production: true,
                contacts: json!([]),
            },
        )
        .await
        .unwrap();
    for consumer in 0..100 {
        let cname = format!("Consumer{consumer}");
        for v in 0..20 {
            store
                .publish(&publication(
                    &cname,
                    "Provider",
                    &format!("{v}"),
                    consumer * 100 + v,
                    "main",
                ))
                .await
                .unwrap();
        }
        store
            .record_deployment(&cname, "10", "00000000-0000-4000-8000-000000000001", None)
            .await
            .unwrap();
    }
    let body = json!({"consumerVersionSelectors": [{"mainBranch": true}, {"deployedOrReleased": true}],
                      "includePendingStatus": true, "providerVersionBranch": "main"});
    let mut samples = Vec::new();
    for _ in 0..30 {
        let t = Instant::now();
        let r = c
            .post(format!("{url}/pacts/provider/Provider/for-verification"))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["_embedded"]["pacts"].as_array().unwrap().len(), 200);
        samples.push(t.elapsed());
    }
    println!("{name}: pacts-for-verification 100 consumers x 20 versions, mainBranch + deployedOrReleased + pending: median {}", ms(median(samples)));

    // can-i-deploy for a version with 15,000 verification results in its history.
    store
        .publish(&publication("Mobile", "Backend", "1", 0, "main"))
        .await
        .unwrap();
    let sha = store
        .pact_for_version("Backend", "Mobile", "1")
        .await
        .unwrap()
        .unwrap()
        .sha;
    let started = Instant::now();
    for pv in 0..15_000 {
        store
            .add_verification(&NewVerification {
                provider: "Backend".into(),
                consumer: "Mobile".into(),
                sha: sha.clone(),
                provider_version: format!("b{pv}"),
                success: pv % 7 != 0,
                build_url: None,
                body: json!({}),
            })
            .await
            .unwrap();
    }
    let seeded = started.elapsed();
    store
        .record_deployment(
            "Backend",
            "b14999",
            "00000000-0000-4000-8000-000000000001",
            None,
        )
        .await
        .unwrap();
    let mut samples = Vec::new();
    for _ in 0..30 {
        let t = Instant::now();
        let r = c
            .get(format!(
                "{url}/can-i-deploy?pacticipant=Mobile&version=1&environment=production"
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["summary"]["deployable"], true, "{v}");
        samples.push(t.elapsed());
    }
    println!(
        "{name}: can-i-deploy with 15,000 verification results: median {} (seeded in {:.1} s)",
        ms(median(samples)),
        seeded.as_secs_f64()
    );

    // Throughput of GET latest pact, 16 connections for 3 s.
    let deadline = Instant::now() + Duration::from_secs(3);
    let tasks: Vec<_> = (0..16)
        .map(|_| {
            let c = c.clone();
            let url = format!("{url}/pacts/provider/API/consumer/Web/latest");
            tokio::spawn(async move {
                let mut n = 0u64;
                while Instant::now() < deadline {
                    let r = c.get(&url).send().await.unwrap();
                    assert_eq!(r.status(), 200);
                    r.bytes().await.unwrap();
                    n += 1;
                }
                n
            })
        })
        .collect();
    let mut total = 0;
    for t in tasks {
        total += t.await.unwrap();
    }
    println!(
        "{name}: GET latest pact: {:.0} requests/s (16 connections, client on the same 2 cores)",
        total as f64 / 3.0
    );
}

fn base64_encode(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let dir = std::env::temp_dir().join(format!("pact-broker-bench-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        bench(
            "sqlite",
            &format!("sqlite://{}", dir.join("bench.sqlite").display()),
        )
        .await;
        let _ = std::fs::remove_dir_all(&dir);
        if let Ok(admin) = std::env::var("PACT_BROKER_TEST_POSTGRES_URL") {
            use sqlx::Connection as _;
            let name = format!("broker_bench_{}", std::process::id());
            let mut conn = sqlx::PgConnection::connect(&admin).await.unwrap();
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&mut conn)
                .await
                .unwrap();
            let base = admin
                .rsplit_once('/')
                .map(|(b, _)| b)
                .unwrap_or(&admin)
                .to_string();
            bench("postgres", &format!("{base}/{name}")).await;
        }
    });
}
