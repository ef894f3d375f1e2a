//! Concurrency: publishes racing on one broker, and on two brokers sharing one PostgreSQL
//! database, lose nothing.

mod support;

use pact_broker::BrokerConfig;
use serde_json::Value;
use support::{backends, fresh_database, pact, publish_body, TestBroker};

async fn publish_versions(
    client: &reqwest::Client,
    url: &str,
    versions: std::ops::Range<usize>,
) -> Vec<u16> {
    let tasks: Vec<_> = versions
        .map(|v| {
            let client = client.clone();
            let url = format!("{url}/contracts/publish");
            tokio::spawn(async move {
                let body = publish_body(
                    &pact("Web", "API", &[&format!("request {v}")]),
                    &format!("1.0.{v}"),
                    Some("main"),
                    &["ci"],
                );
                client
                    .post(url)
                    .json(&body)
                    .send()
                    .await
                    .map(|r| r.status().as_u16())
                    .unwrap_or(0)
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    statuses
}

async fn all_served(client: &reqwest::Client, url: &str, versions: std::ops::Range<usize>) {
    for v in versions {
        let resp = client
            .get(format!(
                "{url}/pacts/provider/API/consumer/Web/version/1.0.{v}"
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200, "version 1.0.{v} from {url}");
        let pact: Value = resp.json().await.unwrap();
        assert_eq!(
            pact["interactions"][0]["description"],
            format!("request {v}")
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_concurrent_publishes_lose_none() {
    for backend in backends() {
        let b = TestBroker::start(&backend, "fifty", BrokerConfig::default()).await;
        let client = reqwest::Client::new();
        let statuses = publish_versions(&client, &b.url, 0..50).await;
        assert!(
            statuses.iter().all(|s| *s == 200),
            "{}: {statuses:?}",
            backend.name()
        );
        all_served(&client, &b.url, 0..50).await;
        let versions: Value = client
            .get(format!("{}/pacts/provider/API/latest", b.url))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(versions["_links"]["pacts"].as_array().unwrap().len(), 1);
        b.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_brokers_on_one_postgres_database_act_as_one() {
    let Some(admin) = support::postgres() else {
        return;
    };
    let backend = support::Backend::Postgres(admin);
    let (database, _) = fresh_database(&backend, "two-brokers").await;
    // Both start (and migrate) at once: the migrator's advisory lock makes that safe.
    let (a, b) = tokio::join!(
        TestBroker::on(&database, BrokerConfig::default()),
        TestBroker::on(&database, BrokerConfig::default())
    );
    let client = reqwest::Client::new();
    let (sa, sb) = tokio::join!(
        publish_versions(&client, &a.url, 0..25),
        publish_versions(&client, &b.url, 25..50)
    );
    assert!(sa.iter().chain(&sb).all(|s| *s == 200), "{sa:?} {sb:?}");
    all_served(&client, &a.url, 0..50).await;
    all_served(&client, &b.url, 0..50).await;
    a.stop().await;
    b.stop().await;
}
