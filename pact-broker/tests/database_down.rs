//! The database goes away under a running broker and comes back: meanwhile the broker
//! answers 503 with `Retry-After` (never 500, never a hang) and its heartbeat stays up;
//! afterwards it serves again without a restart, its connection pool having replaced the
//! connections the database dropped. A request whose query the shutdown interrupts gets
//! 503 too.

mod support;

use pact_broker::BrokerConfig;
use std::time::{Duration, Instant};
use support::{cluster::Cluster, pact, publish_body, send, TestBroker};

/// In the database URL, to check that it never reaches a client.
const PASSWORD: &str = "db-Pa55-never-shown";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_database_going_away_gives_503_and_its_return_is_noticed() {
    let Some(cluster) = Cluster::start("database down") else {
        return;
    };
    let b = TestBroker::on(&cluster.url(PASSWORD), BrokerConfig::default()).await;
    let c = reqwest::Client::new();
    let publish = |version: &str| {
        publish_body(
            &pact("Web", "API", &[&format!("request {version}")]),
            version,
            Some("main"),
            &[],
        )
    };
    let publish_url = format!("{}/contracts/publish", b.url);
    let pact_url = |version: &str| {
        format!(
            "{}/pacts/provider/API/consumer/Web/version/{version}",
            b.url
        )
    };
    let heartbeat = format!("{}/diagnostic/status/heartbeat", b.url);
    let (status, _, _) = send(&c, "POST", &publish_url, Some(&publish("1.0.0"))).await;
    assert_eq!(status, 200);

    // A publish in flight when the database goes: it waits on a lock another session
    // holds, so it is inside its transaction when the server terminates the sessions.
    let mut locker = {
        use sqlx::Connection as _;
        sqlx::PgConnection::connect(&cluster.url(PASSWORD))
            .await
            .unwrap()
    };
    sqlx::query("BEGIN").execute(&mut locker).await.unwrap();
    sqlx::query("LOCK TABLE pacticipants IN ACCESS EXCLUSIVE MODE")
        .execute(&mut locker)
        .await
        .unwrap();
    let in_flight = tokio::spawn({
        let (c, url, body) = (c.clone(), publish_url.clone(), publish("1.0.1"));
        async move { send(&c, "POST", &url, Some(&body)).await }
    });
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(!in_flight.is_finished(), "the publish waits on the lock");

    cluster.stop();
    let (status, body, headers) = in_flight.await.unwrap();
    assert_eq!(
        status, 503,
        "a publish in flight when the database went: {body}"
    );
    assert_eq!(headers["retry-after"], "1");
    drop(locker);

    for (method, url, body) in [
        ("GET", pact_url("1.0.0"), None),
        ("POST", publish_url.clone(), Some(publish("1.0.1"))),
    ] {
        let started = Instant::now();
        let (status, body, headers) = send(&c, method, &url, body.as_ref()).await;
        let took = started.elapsed();
        assert_eq!(status, 503, "{method} {url} with the database down: {body}");
        assert_eq!(headers["retry-after"], "1");
        assert!(support::hal(&headers));
        let error = body["error"].as_str().unwrap_or_default();
        assert!(error.contains("database"), "{body}");
        let text = body.to_string();
        for secret in [PASSWORD, "postgres://", "127.0.0.1"] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
        // Answered when the pool gives up connecting (its 5 s acquire timeout), not left
        // to the client's timeout.
        assert!(
            took < Duration::from_secs(7),
            "{method} {url}: 503 after {took:?}"
        );
        println!("database down: {method} {url}: 503 after {took:?}");
    }
    let (status, _, _) = send(&c, "GET", &heartbeat, None).await;
    assert_eq!(status, 200, "the heartbeat needs no database");

    cluster.restart();
    let back = Instant::now();
    let pact = loop {
        let (status, body, _) = send(&c, "GET", &pact_url("1.0.0"), None).await;
        if status == 200 {
            break body;
        }
        assert_eq!(status, 503, "{body}");
        assert!(
            back.elapsed() < Duration::from_secs(5),
            "still {status} {}s after the database came back: {body}",
            back.elapsed().as_secs()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    println!("database back: served again after {:?}", back.elapsed());
    assert_eq!(pact["interactions"][0]["description"], "request 1.0.0");
    let (status, body, _) = send(&c, "POST", &publish_url, Some(&publish("1.0.2"))).await;
    assert_eq!(status, 200, "{body}");
    let (status, body, _) = send(&c, "GET", &pact_url("1.0.2"), None).await;
    assert_eq!(status, 200, "{body}");
    b.stop().await;
}
