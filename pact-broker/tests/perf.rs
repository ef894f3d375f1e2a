//! Timings of the two heavy queries, on SQLite (ignored by default; run with
//! `cargo test --release -p pact-broker --test perf -- --ignored --nocapture`):
//! pacts-for-verification over 100 consumers × 20 versions, and can-i-deploy for a
//! consumer version whose pact has 15,000 verification results.

mod seed;
mod support;

use pact_broker::store::{NewContract, NewPublication, NewVerification};
use pact_broker::BrokerConfig;
use serde_json::json;
use std::time::{Duration, Instant};
use support::{pact, Backend, TestBroker};

async fn best_of(n: usize, url: &str, body: Option<serde_json::Value>) -> Duration {
    let client = reqwest::Client::new();
    let mut best = Duration::MAX;
    for _ in 0..n {
        let started = Instant::now();
        let req = match &body {
            Some(b) => client.post(url).json(b),
            None => client.get(url),
        };
        let resp = req.send().await.unwrap();
        assert_eq!(resp.status().as_u16(), 200);
        resp.bytes().await.unwrap();
        best = best.min(started.elapsed());
    }
    best
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore]
async fn heavy_queries_answer_quickly() {
    let b = TestBroker::start(&Backend::Sqlite, "perf", BrokerConfig::default()).await;
    let store = b.broker.store();
    for c in 0..100 {
        for v in 0..20 {
            let consumer = format!("C{c}");
            store
                .publish(&NewPublication {
                    consumer: consumer.clone(),
                    version: format!("{v}"),
                    branch: Some(if v % 2 == 0 {
                        "main".into()
                    } else {
                        format!("feat-{v}")
                    }),
                    tags: vec![format!("t{}", v % 3)],
                    build_url: None,
                    contracts: vec![NewContract {
                        provider: "API".into(),
                        content: pact(&consumer, "API", &[&format!("i{v}")]),
                        merge: false,
                    }],
                    allow_overwrite: false,
                })
                .await
                .unwrap();
        }
    }
    let body = json!({
        "consumerVersionSelectors": [{"mainBranch": true}, {"deployedOrReleased": true}, {"tag": "t1", "latest": true}],
        "providerVersionBranch": "main", "includePendingStatus": true, "includeWipPactsSince": "2020-01-01",
    });
    let url = format!("{}/pacts/provider/API/for-verification", b.url);
    let plain = json!({"consumerVersionSelectors": [{"mainBranch": true}, {"deployedOrReleased": true}], "includePendingStatus": true, "providerVersionBranch": "main"});
    println!(
        "pacts-for-verification, mainBranch + deployedOrReleased, pending: {:?}",
        best_of(10, &url, Some(plain)).await
    );
    println!(
        "pacts-for-verification, defaults: {:?}",
        best_of(10, &url, Some(json!({}))).await
    );
    println!(
        "pacts-for-verification, with 900 WIP pacts: {:?}",
        best_of(10, &url, Some(body)).await
    );

    let sha = store
        .pact_for_version("API", "C0", "19")
        .await
        .unwrap()
        .unwrap()
        .sha;
    for i in 0..15_000 {
        store
            .add_verification(&NewVerification {
                provider: "API".into(),
                consumer: "C0".into(),
                sha: sha.clone(),
                provider_version: format!("P{i}"),
                success: i % 7 != 0,
                build_url: None,
                body: json!({}),
            })
            .await
            .unwrap();
    }
    seed::deploy(&b.database, "API", "P14999", "production").await;
    let url = format!(
        "{}/can-i-deploy?pacticipant=C0&version=19&environment=production",
        b.url
    );
    println!(
        "can-i-deploy, 15,000 results: {:?}",
        best_of(10, &url, None).await
    );
    for q in [
        "latestby=cvp&latest=true",
        "latestby=cvp",
        "latestby=cvpv&tag=t1",
    ] {
        let url = format!("{}/matrix?q[][pacticipant]=C0&q[][version]=19&{q}", b.url);
        println!("matrix {q}: {:?}", best_of(10, &url, None).await);
    }
    b.stop().await;
}
