//! The broker's HTTP API over a real server, on SQLite and (when configured) PostgreSQL:
//! publishing, reading pacts back, verification results, pacticipants, and the 4xx every
//! client mistake gets.

mod support;

use pact_broker::auth::{AuthConfig, BasicUser};
use pact_broker::BrokerConfig;
use serde_json::{json, Value};
use support::{backends, pact, publish_body, send, TestBroker};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn publish_then_read_back_verify_and_list() {
    for backend in backends() {
        let b = TestBroker::start(&backend, "publish", BrokerConfig::default()).await;
        let c = reqwest::Client::new();
        let p = pact("Web App", "Pricing Service", &["a request for prices"]);
        let (status, body, headers) = send(
            &c,
            "POST",
            &format!("{}/contracts/publish", b.url),
            Some(&publish_body(&p, "1.0.0", Some("main"), &["dev"])),
        )
        .await;
        assert_eq!(status, 200, "{body}");
        assert!(headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/hal+json"));
        assert_eq!(body["notices"][1]["type"], "success", "{body}");
        let contract = body["_links"]["pb:contracts"][0]["href"]
            .as_str()
            .unwrap()
            .to_string();
        assert_eq!(
            contract,
            format!(
                "{}/pacts/provider/Pricing%20Service/consumer/Web%20App/version/1.0.0",
                b.url
            )
        );
        assert!(body["logs"].as_array().is_some_and(|l| !l.is_empty()));

        // Read back: the content, an `_id` per interaction and the links the verifiers follow.
        let (status, served, headers) = send(&c, "GET", &contract, None).await;
        assert_eq!(status, 200);
        assert_eq!(headers["x-pact-consumer-version"], "1.0.0");
        assert_eq!(
            served["interactions"][0]["description"],
            "a request for prices"
        );
        assert_eq!(served["interactions"][0]["_id"].as_str().unwrap().len(), 40);
        let publish_href = served["_links"]["pb:publish-verification-results"]["href"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(
            publish_href.starts_with(&b.url) && publish_href.ends_with("/verification-results")
        );
        assert_eq!(
            served["_links"]["pb:provider"]["href"],
            format!("{}/pacticipants/Pricing%20Service", b.url)
        );

        // The same, latest and by content.
        let (_, latest, _) = send(
            &c,
            "GET",
            &format!(
                "{}/pacts/provider/Pricing%20Service/consumer/Web%20App/latest",
                b.url
            ),
            None,
        )
        .await;
        assert_eq!(latest["interactions"], served["interactions"]);
        let by_sha = served["_links"]["pb:pact-version"]["href"]
            .as_str()
            .unwrap();
        let (status, _, _) = send(&c, "GET", by_sha, None).await;
        assert_eq!(status, 200);
        let (status, _, _) = send(&c, "GET", &format!("{by_sha}/metadata/abc"), None).await;
        assert_eq!(status, 200);

        // A verification result: 201 with a Location and a JSON body.
        let result = json!({
            "success": true,
            "providerApplicationVersion": "P1",
            "testResults": [{"interactionId": served["interactions"][0]["_id"], "success": true}],
        });
        let (status, body, headers) = send(&c, "POST", &publish_href, Some(&result)).await;
        assert_eq!(status, 201, "{body}");
        let self_href = body["_links"]["self"]["href"].as_str().unwrap();
        assert_eq!(headers["location"], self_href);
        let (status, got, _) = send(&c, "GET", self_href, None).await;
        assert_eq!((status, got["success"].clone()), (200, json!(true)));
        assert_eq!(got["testResults"], result["testResults"]);

        // The provider version exists now; the consumer version has its branch and tag.
        let (status, v, _) = send(
            &c,
            "GET",
            &format!("{}/pacticipants/Web%20App/versions/1.0.0", b.url),
            None,
        )
        .await;
        assert_eq!(status, 200);
        assert_eq!(v["_embedded"]["branchVersions"][0]["name"], "main");
        assert_eq!(v["_embedded"]["tags"][0]["name"], "dev");
        let (status, p, _) = send(
            &c,
            "GET",
            &format!("{}/pacticipants/Web%20App", b.url),
            None,
        )
        .await;
        assert_eq!((status, p["mainBranch"].clone()), (200, json!("main")));
        let (status, _, _) = send(
            &c,
            "GET",
            &format!("{}/pacticipants/Pricing%20Service/versions/P1", b.url),
            None,
        )
        .await;
        assert_eq!(status, 200);

        // The legacy list the verifiers read without selectors carries both link names.
        let (status, list, _) = send(
            &c,
            "GET",
            &format!("{}/pacts/provider/Pricing%20Service/latest", b.url),
            None,
        )
        .await;
        assert_eq!(status, 200);
        assert_eq!(list["_links"]["pacts"], list["_links"]["pb:pacts"]);
        assert_eq!(list["_links"]["pacts"][0]["href"], contract);
        b.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changed_content_for_a_version_is_refused_and_the_first_kept() {
    for backend in backends() {
        let b = TestBroker::start(&backend, "conflict", BrokerConfig::default()).await;
        let c = reqwest::Client::new();
        let url = format!("{}/contracts/publish", b.url);
        let first = pact("Web", "API", &["one"]);
        let (status, _, _) = send(
            &c,
            "POST",
            &url,
            Some(&publish_body(&first, "1", None, &[])),
        )
        .await;
        assert_eq!(status, 200);
        // The same content again, even formatted differently, is idempotent.
        let (status, again, _) = send(
            &c,
            "POST",
            &url,
            Some(&publish_body(&first, "1", None, &[])),
        )
        .await;
        assert_eq!(status, 200, "{again}");
        let changed = pact("Web", "API", &["one", "two"]);
        let (status, body, _) = send(
            &c,
            "POST",
            &url,
            Some(&publish_body(&changed, "1", None, &[])),
        )
        .await;
        assert_eq!(status, 409, "{body}");
        assert_eq!(body["notices"][0]["type"], "error");
        assert!(body["errors"]["contracts"][0]
            .as_str()
            .unwrap()
            .contains("Cannot change the content"));
        let (_, served, _) = send(
            &c,
            "GET",
            &format!("{}/pacts/provider/API/consumer/Web/version/1", b.url),
            None,
        )
        .await;
        assert_eq!(served["interactions"].as_array().unwrap().len(), 1);

        // onConflict: merge adds the interactions instead.
        let mut merge = publish_body(&pact("Web", "API", &["two"]), "1", None, &[]);
        merge["contracts"][0]["onConflict"] = json!("merge");
        let (status, body, _) = send(&c, "POST", &url, Some(&merge)).await;
        assert_eq!(status, 200, "{body}");
        let (_, served, _) = send(
            &c,
            "GET",
            &format!("{}/pacts/provider/API/consumer/Web/version/1", b.url),
            None,
        )
        .await;
        let descriptions: Vec<&str> = served["interactions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["description"].as_str().unwrap())
            .collect();
        assert_eq!(descriptions, ["one", "two"]);
        b.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_mistakes_get_4xx_never_5xx() {
    for backend in backends() {
        let config = BrokerConfig {
            body_limit: 64 * 1024,
            ..BrokerConfig::default()
        };
        let b = TestBroker::start(&backend, "mistakes", config).await;
        let c = reqwest::Client::new();
        let publish = format!("{}/contracts/publish", b.url);
        let raw = |body: &'static str| {
            c.post(&publish)
                .header("Content-Type", "application/json")
                .body(body)
                .send()
        };
        assert_eq!(raw("{not json").await.unwrap().status(), 400);
        assert_eq!(raw("[1, 2]").await.unwrap().status(), 400);
        let (status, body, _) = send(&c, "POST", &publish, Some(&json!({}))).await;
        assert_eq!(status, 400);
        assert_eq!(
            body["errors"]["pacticipantVersionNumber"][0], "is missing",
            "{body}"
        );
        let mut bad64 = publish_body(&pact("Web", "API", &["x"]), "1", None, &[]);
        bad64["contracts"][0]["content"] = json!("%%% not base64");
        let (status, body, _) = send(&c, "POST", &publish, Some(&bad64)).await;
        assert_eq!(status, 400, "{body}");
        let mut names = publish_body(&pact("Web", "API", &["x"]), "1", None, &[]);
        names["contracts"][0]["providerName"] = json!("Other");
        let (status, body, _) = send(&c, "POST", &publish, Some(&names)).await;
        assert_eq!(status, 400, "{body}");

        let legacy = format!("{}/pacts/provider/API/consumer/Web/version/1", b.url);
        let (status, body, _) =
            send(&c, "PUT", &legacy, Some(&pact("Someone", "API", &["x"]))).await;
        assert_eq!(status, 400, "{body}");
        let (status, _, _) = send(&c, "PUT", &legacy, Some(&pact("Web", "API", &["x"]))).await;
        assert_eq!(status, 201);
        let (status, _, _) = send(&c, "PUT", &legacy, Some(&pact("Web", "API", &["x"]))).await;
        assert_eq!(status, 200);

        let results = format!(
            "{}/pacts/provider/API/consumer/Web/pact-version/0000/verification-results",
            b.url
        );
        let (status, _, _) = send(
            &c,
            "POST",
            &results,
            Some(&json!({"success": true, "providerApplicationVersion": "1"})),
        )
        .await;
        assert_eq!(status, 404);
        let (status, body, _) = send(&c, "POST", &results, Some(&json!({"success": "yes"}))).await;
        assert_eq!(status, 400, "{body}");

        let big = "x".repeat(100 * 1024);
        let resp = c
            .post(&publish)
            .header("Content-Type", "application/json")
            .body(format!("{{\"a\":\"{big}\"}}"))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 413);

        for path in [
            "/pacticipants/Nobody",
            "/pacticipants/Nobody/versions/1",
            "/pacticipants/Nobody/latest-version",
            "/pacts/provider/API/consumer/Nobody/latest",
            "/pacts/provider/Nobody/latest",
            "/no/such/thing",
        ] {
            let (status, _, _) = send(&c, "GET", &format!("{}{path}", b.url), None).await;
            assert_eq!(status, 404, "{path}");
        }
        b.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credentials_decide_who_reads_and_who_writes() {
    let config = BrokerConfig {
        auth: AuthConfig {
            read_write_user: Some(BasicUser {
                username: "ci".into(),
                password: "rw-secret".into(),
            }),
            read_only_user: Some(BasicUser {
                username: "viewer".into(),
                password: "ro-secret".into(),
            }),
            read_write_tokens: vec!["rw-token".into()],
            read_only_tokens: vec!["ro-token".into()],
            allow_public_read: false,
            public_heartbeat: true,
        },
        ..BrokerConfig::default()
    };
    let b = TestBroker::start(&support::Backend::Sqlite, "auth", config).await;
    let c = reqwest::Client::new();
    let index = format!("{}/", b.url);
    let publish = format!("{}/contracts/publish", b.url);
    let body = publish_body(&pact("Web", "API", &["x"]), "1", None, &[]);
    let status = |r: reqwest::Response| r.status().as_u16();

    assert_eq!(status(c.get(&index).send().await.unwrap()), 401);
    assert_eq!(
        status(
            c.get(format!("{}/diagnostic/status/heartbeat", b.url))
                .send()
                .await
                .unwrap()
        ),
        200
    );
    assert_eq!(
        status(
            c.get(&index)
                .basic_auth("ci", Some("wrong"))
                .send()
                .await
                .unwrap()
        ),
        401
    );
    assert_eq!(
        status(
            c.get(&index)
                .basic_auth("viewer", Some("ro-secret"))
                .send()
                .await
                .unwrap()
        ),
        200
    );
    assert_eq!(
        status(c.get(&index).bearer_auth("ro-token").send().await.unwrap()),
        200
    );
    assert_eq!(
        status(
            c.post(&publish)
                .bearer_auth("ro-token")
                .json(&body)
                .send()
                .await
                .unwrap()
        ),
        403
    );
    assert_eq!(
        status(
            c.post(&publish)
                .basic_auth("viewer", Some("ro-secret"))
                .json(&body)
                .send()
                .await
                .unwrap()
        ),
        403
    );
    assert_eq!(
        status(
            c.post(&publish)
                .bearer_auth("rw-token")
                .json(&body)
                .send()
                .await
                .unwrap()
        ),
        200
    );
    assert_eq!(
        status(
            c.post(&publish)
                .basic_auth("ci", Some("rw-secret"))
                .json(&body)
                .send()
                .await
                .unwrap()
        ),
        200
    );
    b.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hrefs_follow_the_base_url_or_the_proxy_headers() {
    let config = BrokerConfig {
        base_url: Some("https://broker.example.com/".into()),
        ..BrokerConfig::default()
    };
    let b = TestBroker::start(&support::Backend::Sqlite, "base", config).await;
    let c = reqwest::Client::new();
    let (_, index, _) = send(&c, "GET", &format!("{}/", b.url), None).await;
    assert_eq!(
        index["_links"]["pb:publish-contracts"]["href"],
        "https://broker.example.com/contracts/publish"
    );
    b.stop().await;

    let b = TestBroker::start(&support::Backend::Sqlite, "proxy", BrokerConfig::default()).await;
    let resp: Value = c
        .get(format!("{}/", b.url))
        .header("X-Forwarded-Proto", "https")
        .header("X-Forwarded-Host", "pacts.internal")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        resp["_links"]["pb:pacticipant"]["href"],
        "https://pacts.internal/pacticipants/{pacticipant}"
    );
    let (_, index, _) = send(&c, "GET", &format!("{}/", b.url), None).await;
    assert_eq!(
        index["_links"]["pb:latest-provider-pacts"]["href"],
        format!("{}/pacts/provider/{{provider}}/latest", b.url)
    );
    b.stop().await;
}
