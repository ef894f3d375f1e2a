//! Pacts for verification over a real server, on SQLite and (when configured) PostgreSQL:
//! the selectors, de-duplication by content, pending and WIP status, the links the
//! verifiers follow, and the 4xx for client mistakes.

mod seed;
mod support;

use pact_broker::BrokerConfig;
use seed::http::{branch, get, publish, send, verify};
use serde_json::{json, Value};
use support::{backends, pact, TestBroker};

async fn pacts_for(base: &str, provider: &str, body: Value) -> Vec<Value> {
    let url = format!("{base}/pacts/provider/{provider}/for-verification");
    let (status, reply) = send(reqwest::Method::POST, &url, Some(&body)).await;
    assert_eq!(status, 200, "{reply}");
    assert_eq!(reply["_links"]["self"]["href"], url);
    reply["_embedded"]["pacts"]
        .as_array()
        .expect("pacts")
        .clone()
}

fn names(pacts: &[Value]) -> Vec<String> {
    pacts
        .iter()
        .map(|p| p["_links"]["self"]["name"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn selectors_choose_the_versions_they_name() {
    for backend in backends() {
        let b = TestBroker::start(&backend, "pfv-selectors", BrokerConfig::default()).await;
        let u = &b.url;
        publish(u, &pact("Web", "API", &["a"]), "1", Some("main"), &["prod"]).await;
        publish(u, &pact("Web", "API", &["b"]), "2", Some("main"), &[]).await;
        publish(u, &pact("Web", "API", &["c"]), "3", Some("feat-x"), &[]).await;
        publish(u, &pact("Mobile", "API", &["m"]), "m1", Some("main"), &[]).await;

        let main = pacts_for(
            u,
            "API",
            json!({"consumerVersionSelectors": [{"mainBranch": true}]}),
        )
        .await;
        assert_eq!(
            names(&main),
            [
                "Pact between Web (2) and API",
                "Pact between Mobile (m1) and API"
            ],
            "{}",
            backend.name()
        );
        assert_eq!(main[0]["shortDescription"], "latest from main branch");
        let notices = main[0]["verificationProperties"]["notices"]
            .as_array()
            .unwrap();
        assert!(notices
            .iter()
            .all(|n| n.as_object().unwrap().values().all(Value::is_string)));
        assert!(main[0]["verificationProperties"].get("pending").is_none());
        assert!(main[0]["verificationProperties"].get("wip").is_none());

        let feat = pacts_for(
            u,
            "API",
            json!({"consumerVersionSelectors": [{"branch": "feat-x"}]}),
        )
        .await;
        assert_eq!(names(&feat), ["Pact between Web (3) and API"]);
        assert_eq!(feat[0]["shortDescription"], "latest from branch feat-x");

        // Every version of a branch: older versions than the heads are read too.
        let all_main = pacts_for(
            u,
            "API",
            json!({"consumerVersionSelectors": [{"branch": "main", "latest": false}]}),
        )
        .await;
        assert_eq!(
            names(&all_main),
            [
                "Pact between Web (1) and API",
                "Pact between Web (2) and API",
                "Pact between Mobile (m1) and API"
            ],
            "{}",
            backend.name()
        );

        let prod = pacts_for(
            u,
            "API",
            json!({"consumerVersionSelectors": [{"tag": "prod", "latest": true}]}),
        )
        .await;
        assert_eq!(names(&prod), ["Pact between Web (1) and API"]);
        assert_eq!(prod[0]["shortDescription"], "latest with tag prod");

        let mobile = pacts_for(
            u,
            "API",
            json!({"consumerVersionSelectors": [{"mainBranch": true, "consumer": "Mobile"}]}),
        )
        .await;
        assert_eq!(names(&mobile), ["Pact between Mobile (m1) and API"]);

        assert!(pacts_for(
            u,
            "API",
            json!({"consumerVersionSelectors": [{"deployedOrReleased": true}]})
        )
        .await
        .is_empty());
        seed::deploy(&b.database, "Web", "1", "production").await;
        seed::release(&b.database, "Mobile", "m1", "store").await;
        let deployed = pacts_for(
            u,
            "API",
            json!({"consumerVersionSelectors": [{"deployedOrReleased": true}]}),
        )
        .await;
        assert_eq!(
            names(&deployed),
            [
                "Pact between Web (1) and API",
                "Pact between Mobile (m1) and API"
            ]
        );
        assert_eq!(deployed[0]["shortDescription"], "deployed to production");
        assert_eq!(deployed[1]["shortDescription"], "released in store");
        let env = pacts_for(
            u,
            "API",
            json!({"consumerVersionSelectors": [{"environment": "production"}]}),
        )
        .await;
        assert_eq!(names(&env), ["Pact between Web (1) and API"]);

        // The defaults: each consumer's main branch, plus what is deployed or released.
        let defaults = pacts_for(u, "API", json!({})).await;
        assert_eq!(defaults.len(), 3, "{defaults:?}");

        // `latest` alone: each consumer's newest version, on a branch or not.
        publish(u, &pact("Web", "API", &["d"]), "4", None, &[]).await;
        let latest = pacts_for(
            u,
            "API",
            json!({"consumerVersionSelectors": [{"latest": true}]}),
        )
        .await;
        assert_eq!(
            names(&latest),
            [
                "Pact between Web (4) and API",
                "Pact between Mobile (m1) and API"
            ],
            "{}",
            backend.name()
        );

        // The self href serves the pact, and results post under it.
        let href = main[0]["_links"]["self"]["href"].as_str().unwrap();
        assert!(href.starts_with(&format!(
            "{u}/pacts/provider/API/consumer/Web/pact-version/"
        )));
        assert!(href.contains("/metadata/"));
        let (status, served) = get(href).await;
        assert_eq!(status, 200, "{served}");
        assert_eq!(served["interactions"][0]["description"], "b");
        let results = served["_links"]["pb:publish-verification-results"]["href"]
            .as_str()
            .unwrap();
        assert_eq!(results, format!("{href}/verification-results"));
        let (status, body) = send(
            reqwest::Method::POST,
            results,
            Some(&json!({"success": true, "providerApplicationVersion": "P1"})),
        )
        .await;
        assert_eq!(status, 201, "{body}");
        b.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_content_is_listed_once_with_every_reason() {
    for backend in backends() {
        let b = TestBroker::start(&backend, "pfv-dedupe", BrokerConfig::default()).await;
        let u = &b.url;
        let same = pact("Web", "API", &["a"]);
        publish(u, &same, "1", None, &["prod"]).await;
        publish(u, &same, "2", Some("main"), &[]).await;
        let pacts = pacts_for(
            u,
            "API",
            json!({"consumerVersionSelectors": [{"mainBranch": true}, {"tag": "prod", "latest": true}]}),
        )
        .await;
        assert_eq!(
            names(&pacts),
            ["Pact between Web (2) and API"],
            "{}",
            backend.name()
        );
        assert_eq!(
            pacts[0]["shortDescription"],
            "latest from main branch, latest with tag prod"
        );
        let text = pacts[0]["verificationProperties"]["notices"][0]["text"]
            .as_str()
            .unwrap();
        assert!(text.contains("criteria"), "{text}");
        b.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pact_is_pending_until_the_provider_branch_verifies_it() {
    for backend in backends() {
        let b = TestBroker::start(&backend, "pfv-pending", BrokerConfig::default()).await;
        let u = &b.url;
        let sha = publish(u, &pact("Web", "API", &["a"]), "1", Some("main"), &[]).await;
        let request = json!({
            "consumerVersionSelectors": [{"mainBranch": true}],
            "providerVersionBranch": "main",
            "includePendingStatus": true,
        });
        let pacts = pacts_for(u, "API", request.clone()).await;
        assert_eq!(
            pacts[0]["verificationProperties"]["pending"],
            true,
            "{}",
            backend.name()
        );
        let notices = pacts[0]["verificationProperties"]["notices"]
            .as_array()
            .unwrap();
        assert!(
            notices.len() > 1
                && notices
                    .iter()
                    .any(|n| n["text"].as_str().unwrap().contains("pending"))
        );

        // A failure changes nothing; a success from another branch neither (the branch
        // existed before it).
        branch(u, "API", "main", "P0").await;
        verify(u, "API", "Web", &sha, "P0", false).await;
        branch(u, "API", "feat", "F1").await;
        verify(u, "API", "Web", &sha, "F1", true).await;
        let pacts = pacts_for(u, "API", request.clone()).await;
        assert_eq!(pacts[0]["verificationProperties"]["pending"], true);

        branch(u, "API", "main", "P1").await;
        verify(u, "API", "Web", &sha, "P1", true).await;
        let pacts = pacts_for(u, "API", request).await;
        assert_eq!(pacts[0]["verificationProperties"]["pending"], false);
        b.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn feature_branch_pacts_are_work_in_progress() {
    for backend in backends() {
        let b = TestBroker::start(&backend, "pfv-wip", BrokerConfig::default()).await;
        let u = &b.url;
        let sha = publish(u, &pact("Web", "API", &["a"]), "1", Some("main"), &[]).await;
        branch(u, "API", "main", "P1").await;
        verify(u, "API", "Web", &sha, "P1", true).await;
        publish(
            u,
            &pact("Web", "API", &["a", "new"]),
            "2",
            Some("feat-x"),
            &[],
        )
        .await;
        let request = json!({
            "consumerVersionSelectors": [{"mainBranch": true}],
            "providerVersionBranch": "main",
            "includePendingStatus": true,
            "includeWipPactsSince": "2020-01-01",
        });
        let pacts = pacts_for(u, "API", request.clone()).await;
        assert_eq!(
            names(&pacts),
            [
                "Pact between Web (1) and API",
                "Pact between Web (2) and API"
            ],
            "{}",
            backend.name()
        );
        assert_eq!(pacts[0]["verificationProperties"]["pending"], false);
        assert!(pacts[0]["verificationProperties"].get("wip").is_none());
        assert_eq!(pacts[1]["verificationProperties"]["wip"], true);
        assert_eq!(pacts[1]["verificationProperties"]["pending"], true);
        assert_eq!(pacts[1]["shortDescription"], "latest from branch feat-x");
        let text = pacts[1]["verificationProperties"]["notices"][0]["text"]
            .as_str()
            .unwrap();
        assert!(text.contains("work in progress"), "{text}");

        // Not without a provider branch or tags, and not for pacts published before the date.
        let mut no_branch = request.clone();
        no_branch
            .as_object_mut()
            .unwrap()
            .remove("providerVersionBranch");
        assert_eq!(pacts_for(u, "API", no_branch).await.len(), 1);
        let mut later = request;
        later["includeWipPactsSince"] = json!("2999-01-01");
        assert_eq!(pacts_for(u, "API", later).await.len(), 1);
        b.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mistakes_get_400_and_unknown_providers_404() {
    for backend in backends() {
        let b = TestBroker::start(&backend, "pfv-errors", BrokerConfig::default()).await;
        let u = &b.url;
        publish(u, &pact("Web", "API", &["a"]), "1", Some("main"), &[]).await;

        let url = format!("{u}/pacts/provider/API/for-verification");
        let (status, body) = get(&url).await;
        assert_eq!(status, 200, "{}", backend.name());
        assert_eq!(body["_links"]["self"]["href"], url);
        assert_eq!(body["_links"]["self"]["title"], "Pacts to be verified");

        let bad = json!({"consumerVersionSelectors": [{"tag": "x", "branch": "y"}]});
        let (status, body) = send(reqwest::Method::POST, &url, Some(&bad)).await;
        assert_eq!(status, 400, "{body}");
        assert!(
            body["errors"]["consumerVersionSelectors"][0].is_string(),
            "{body}"
        );
        let (status, _) = send(
            reqwest::Method::POST,
            &url,
            Some(&json!({"consumerVersionSelectors": [{}]})),
        )
        .await;
        assert_eq!(status, 400);
        let (status, _) = send(reqwest::Method::POST, &url, Some(&json!([1]))).await;
        assert_eq!(status, 400);

        let missing = format!("{u}/pacts/provider/Nobody/for-verification");
        assert_eq!(get(&missing).await.0, 404);
        assert_eq!(
            send(reqwest::Method::POST, &missing, Some(&json!({})))
                .await
                .0,
            404
        );
        b.stop().await;
    }
}
