//! `/matrix` and `/can-i-deploy` over a real server, on SQLite and (when configured)
//! PostgreSQL: the verdict after success, failure and no verification, unknown versions
//! and pacticipants, `latestby`, ignore selectors, and deploying to an environment.

mod seed;
mod support;

use pact_broker::BrokerConfig;
use seed::http::{get, publish, verify};
use serde_json::Value;
use support::{backends, pact, TestBroker};

async fn matrix(base: &str, query: &str) -> Value {
    let (status, body) = get(&format!("{base}/matrix?{query}")).await;
    assert_eq!(status, 200, "{query}: {body}");
    assert!(body["matrix"].is_array(), "{body}");
    for key in ["success", "failed", "unknown"] {
        assert!(body["summary"][key].is_u64(), "{key}: {body}");
    }
    body
}

fn q(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(p, v)| format!("q%5B%5D%5Bpacticipant%5D={p}&q%5B%5D%5Bversion%5D={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deployable_follows_the_verification_results() {
    for backend in backends() {
        let b = TestBroker::start(&backend, "matrix-verdict", BrokerConfig::default()).await;
        let u = &b.url;
        let sha1 = publish(u, &pact("Web", "API", &["a"]), "1", Some("main"), &[]).await;

        // Unverified: the provider has no version yet, so the answer is unknown.
        let body = matrix(
            u,
            "q[][pacticipant]=Web&q[][version]=1&latestby=cvp&latest=true",
        )
        .await;
        assert_eq!(
            body["summary"]["deployable"],
            Value::Null,
            "{}: {body}",
            backend.name()
        );
        assert_eq!(body["summary"]["unknown"], 1);

        let result = verify(u, "API", "Web", &sha1, "P1", true).await;
        let body = matrix(
            u,
            &format!("{}&latestby=cvpv", q(&[("Web", "1"), ("API", "P1")])),
        )
        .await;
        assert_eq!(body["summary"]["deployable"], true, "{body}");
        assert_eq!(body["summary"]["success"], 1);
        assert_eq!(body["notices"][0]["type"], "success");
        let row = &body["matrix"][0];
        assert_eq!(row["consumer"]["name"], "Web");
        assert_eq!(row["consumer"]["version"]["number"], "1");
        assert_eq!(row["consumer"]["version"]["branch"], "main");
        assert_eq!(row["provider"]["version"]["number"], "P1");
        assert_eq!(row["verificationResult"]["success"], true);
        assert_eq!(row["verificationResult"]["_links"]["self"]["href"], result);
        assert_eq!(
            row["pact"]["_links"]["self"]["href"],
            format!("{u}/pacts/provider/API/consumer/Web/version/1")
        );
        assert!(row["verificationResult"]["verifiedAt"].is_string());
        assert!(row.get("ignored").is_none());
        let (status, _) = get(&result).await;
        assert_eq!(status, 200);

        // A failure of another version's pact.
        let sha2 = publish(u, &pact("Web", "API", &["a", "b"]), "2", Some("main"), &[]).await;
        let body = matrix(
            u,
            &format!("{}&latestby=cvpv", q(&[("Web", "2"), ("API", "P1")])),
        )
        .await;
        assert_eq!(
            body["summary"]["deployable"],
            Value::Null,
            "P1 never verified v2: {body}"
        );
        assert_eq!(body["matrix"][0]["verificationResult"], Value::Null);
        verify(u, "API", "Web", &sha2, "P2", false).await;
        let body = matrix(
            u,
            &format!("{}&latestby=cvpv", q(&[("Web", "2"), ("API", "P2")])),
        )
        .await;
        assert_eq!(body["summary"]["deployable"], false, "{body}");
        assert_eq!(body["summary"]["failed"], 1);
        assert!(body["summary"]["reason"]
            .as_str()
            .unwrap()
            .contains("failed"));

        // A version that does not exist: 200, not deployable, and why.
        let body = matrix(
            u,
            &format!("{}&latestby=cvpv", q(&[("Web", "1"), ("API", "P9")])),
        )
        .await;
        assert_eq!(body["summary"]["deployable"], false, "{body}");
        assert!(
            body["summary"]["reason"].as_str().unwrap().contains("P9"),
            "{body}"
        );

        // A pacticipant that does not exist: 400 with a list of errors.
        let (status, body) = get(&format!(
            "{u}/matrix?{}&latestby=cvpv",
            q(&[("Wiffle", "1"), ("Meep", "2")])
        ))
        .await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(body["errors"].as_array().unwrap().len(), 2, "{body}");
        let (status, _) = get(&format!("{u}/matrix?latestby=cvpv")).await;
        assert_eq!(status, 400);
        let (status, _) = get(&format!("{u}/can-i-deploy?pacticipant=Web")).await;
        assert_eq!(status, 400);
        b.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn latestby_keeps_the_latest_row_per_provider_or_per_provider_version() {
    for backend in backends() {
        let b = TestBroker::start(&backend, "matrix-latestby", BrokerConfig::default()).await;
        let u = &b.url;
        let sha = publish(u, &pact("Web", "API", &["a"]), "1", None, &[]).await;
        verify(u, "API", "Web", &sha, "P1", true).await;
        verify(u, "API", "Web", &sha, "P2", false).await;
        let all = matrix(u, "q[][pacticipant]=Web&q[][version]=1").await;
        assert_eq!(
            all["matrix"].as_array().unwrap().len(),
            2,
            "{}",
            backend.name()
        );
        let cvpv = matrix(u, "q[][pacticipant]=Web&q[][version]=1&latestby=cvpv").await;
        assert_eq!(cvpv["matrix"].as_array().unwrap().len(), 2);
        // Newest provider version first.
        assert_eq!(cvpv["matrix"][0]["provider"]["version"]["number"], "P2");
        let cvp = matrix(u, "q[][pacticipant]=Web&q[][version]=1&latestby=cvp").await;
        let rows = cvp["matrix"].as_array().unwrap();
        assert_eq!(rows.len(), 1, "{cvp}");
        assert_eq!(rows[0]["provider"]["version"]["number"], "P2");
        assert_eq!(cvp["summary"]["deployable"], false);
        // Against the latest provider version (P2, failed) or one named version (P1).
        let latest = matrix(
            u,
            "q[][pacticipant]=Web&q[][version]=1&latestby=cvp&latest=true",
        )
        .await;
        assert_eq!(latest["summary"]["deployable"], false);
        let p1 = matrix(
            u,
            &format!("{}&latestby=cvpv", q(&[("Web", "1"), ("API", "P1")])),
        )
        .await;
        assert_eq!(p1["summary"]["deployable"], true);
        // success[] filters the rows shown, not the verdict.
        let ok_rows = matrix(
            u,
            "q[][pacticipant]=Web&q[][pacticipant]=API&latestby=cvpv&success[]=true",
        )
        .await;
        assert_eq!(ok_rows["matrix"].as_array().unwrap().len(), 1);
        assert_eq!(ok_rows["summary"]["deployable"], false);
        b.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ignored_rows_are_shown_and_do_not_count() {
    for backend in backends() {
        let b = TestBroker::start(&backend, "matrix-ignore", BrokerConfig::default()).await;
        let u = &b.url;
        // As the Ruby client's pact: Bar 4.5.6 verified Foo 1.2.3 (prod) and failed 3.4.5 (prod).
        let old = publish(u, &pact("Foo", "Bar", &["x"]), "3.4.5", None, &["prod"]).await;
        verify(u, "Bar", "Foo", &old, "4.5.6", false).await;
        let new = publish(u, &pact("Foo", "Bar", &["y"]), "1.2.3", None, &["prod"]).await;
        verify(u, "Bar", "Foo", &new, "4.5.6", true).await;
        let query = "q%5B%5D%5Bpacticipant%5D=Bar&q%5B%5D%5Bversion%5D=4.5.6&q%5B%5D%5Bpacticipant%5D=Foo&q%5B%5D%5Btag%5D=prod&latestby=cvpv";
        let body = matrix(u, query).await;
        assert_eq!(
            body["summary"]["deployable"],
            false,
            "{}: {body}",
            backend.name()
        );
        let body = matrix(
            u,
            &format!("{query}&ignore%5B%5D%5Bpacticipant%5D=Foo&ignore%5B%5D%5Bversion%5D=3.4.5"),
        )
        .await;
        assert_eq!(body["summary"]["deployable"], true, "{body}");
        assert_eq!(body["summary"]["ignored"], 1);
        let rows = body["matrix"].as_array().unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0]["consumer"]["version"]["number"], "1.2.3");
        assert_eq!(rows[0]["verificationResult"]["success"], true);
        assert_eq!(rows[1]["consumer"]["version"]["number"], "3.4.5");
        assert_eq!(rows[1]["ignored"], true);
        assert!(!body["notices"].as_array().unwrap().is_empty());

        // Foo 1.2.3 against the latest prod version of every other pacticipant.
        verify(u, "Bar", "Foo", &new, "5.6.7", true).await;
        let body = matrix(
            u,
            "q[][pacticipant]=Foo&q[][version]=1.2.3&latestby=cvp&latest=true&tag=prod",
        )
        .await;
        assert_eq!(
            body["summary"]["deployable"],
            Value::Null,
            "no Bar version is tagged prod: {body}"
        );
        support_tag(u, "Bar", "4.5.6", "prod").await;
        let body = matrix(
            u,
            "q[][pacticipant]=Foo&q[][version]=1.2.3&latestby=cvp&latest=true&tag=prod",
        )
        .await;
        let rows = body["matrix"].as_array().unwrap();
        assert_eq!(rows.len(), 1, "{body}");
        assert_eq!(rows[0]["provider"]["version"]["number"], "4.5.6");
        assert_eq!(rows[0]["provider"]["version"]["tags"][0]["name"], "prod");
        assert_eq!(body["summary"]["deployable"], true);
        b.stop().await;
    }
}

async fn support_tag(base: &str, pacticipant: &str, version: &str, tag: &str) {
    let url = format!("{base}/pacticipants/{pacticipant}/versions/{version}/tags/{tag}");
    let (status, body) =
        seed::http::send(reqwest::Method::PUT, &url, Some(&serde_json::json!({}))).await;
    assert!(status == 200 || status == 201, "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn can_i_deploy_to_an_environment_asks_about_what_is_deployed_there() {
    for backend in backends() {
        let b = TestBroker::start(&backend, "matrix-env", BrokerConfig::default()).await;
        let u = &b.url;
        let sha = publish(u, &pact("Web", "API", &["a"]), "1", Some("main"), &[]).await;
        verify(u, "API", "Web", &sha, "P1", true).await;
        verify(u, "API", "Web", &sha, "P2", false).await;
        seed::environment(&b.database, "production").await;

        // Nothing of API deployed: Web's provider is missing, so unknown.
        let (status, body) = get(&format!(
            "{u}/can-i-deploy?pacticipant=Web&version=1&environment=production"
        ))
        .await;
        assert_eq!(status, 200, "{}: {body}", backend.name());
        assert_eq!(body["summary"]["deployable"], Value::Null, "{body}");
        assert_eq!(body["summary"]["unknown"], 1);

        seed::deploy(&b.database, "API", "P1", "production").await;
        let (_, body) = get(&format!(
            "{u}/can-i-deploy?pacticipant=Web&version=1&environment=production"
        ))
        .await;
        assert_eq!(body["summary"]["deployable"], true, "{body}");
        assert_eq!(body["matrix"].as_array().unwrap().len(), 1);
        assert_eq!(body["matrix"][0]["provider"]["version"]["number"], "P1");
        assert_eq!(
            body["matrix"][0]["provider"]["version"]["environments"][0]["name"],
            "production"
        );
        let body = matrix(
            u,
            "q[][pacticipant]=Web&q[][version]=1&latestby=cvpv&environment=production",
        )
        .await;
        assert_eq!(body["summary"]["deployable"], true, "{body}");

        // The provider side: API P2 failed the pact of the Web version in production.
        seed::deploy(&b.database, "Web", "1", "production").await;
        let body = matrix(
            u,
            "q[][pacticipant]=API&q[][version]=P2&latestby=cvpv&environment=production",
        )
        .await;
        assert_eq!(body["summary"]["deployable"], false, "{body}");
        let body = matrix(
            u,
            "q[][pacticipant]=API&q[][version]=P1&latestby=cvpv&environment=production",
        )
        .await;
        assert_eq!(body["summary"]["deployable"], true, "{body}");

        // An environment that does not exist is the client's mistake.
        let (status, body) = get(&format!(
            "{u}/can-i-deploy?pacticipant=Web&version=1&environment=nowhere"
        ))
        .await;
        assert_eq!(status, 400, "{body}");
        b.stop().await;
    }
}
