//! Webhook CRUD over a real server, on SQLite and (when configured) PostgreSQL: the Ruby
//! client's pact interactions (status codes, error keys, link names), and credentials never
//! served back.

mod support;

use pact_broker::BrokerConfig;
use serde_json::{json, Value};
use support::{backends, hal, send, TestBroker};

/// The body the Ruby client's pact sends.
fn client_body() -> Value {
    json!({
        "description": "a webhook",
        "events": [{"name": "contract_content_changed"}],
        "request": {"url": "https://webhook", "method": "POST",
                    "headers": {"Foo": "bar", "Bar": "foo", "Authorization": "Bearer s3cret"},
                    "body": {"some": "body"}, "username": "username", "password": "password"},
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhooks_for_a_pair_need_both_pacticipants() {
    for backend in backends() {
        let b = TestBroker::start(&backend, "webhook-pair", BrokerConfig::default()).await;
        let c = reqwest::Client::new();
        let pair = format!(
            "{}/webhooks/provider/Pricing%20Service/consumer/Condor",
            b.url
        );
        b.broker
            .store()
            .ensure_version("Pricing Service", "1")
            .await
            .expect("seed");

        // 'Condor' does not exist: 404 with a HAL body.
        let (status, _, headers) = send(&c, "POST", &pair, Some(&client_body())).await;
        assert_eq!(status, 404, "{}", backend.name());
        assert!(hal(&headers));

        b.broker
            .store()
            .ensure_version("Condor", "1")
            .await
            .expect("seed");
        let (status, w, headers) = send(&c, "POST", &pair, Some(&client_body())).await;
        assert_eq!(status, 201, "{w}");
        assert!(hal(&headers));
        let uuid = w["uuid"].as_str().expect("uuid").to_string();
        let href = format!("{}/webhooks/{uuid}", b.url);
        assert_eq!(w["_links"]["self"]["href"], href);
        assert_eq!(headers["location"], href.as_str());
        assert_eq!(w["_links"]["self"]["title"], "a webhook");
        assert_eq!(
            w["_links"]["pb:webhooks"]["href"],
            format!("{}/webhooks", b.url)
        );
        assert_eq!(w["_links"]["pb:consumer"]["name"], "Condor");
        assert_eq!(w["_links"]["pb:provider"]["name"], "Pricing Service");
        assert_eq!(w["consumer"]["name"], "Condor");
        assert_eq!(w["provider"]["name"], "Pricing Service");
        assert_eq!(w["description"], "a webhook");
        assert_eq!(w["events"], json!([{"name": "contract_content_changed"}]));
        assert_eq!(w["request"]["body"], json!({"some": "body"}));
        assert_eq!(w["request"]["url"], "https://webhook");
        assert_eq!(w["enabled"], true);
        assert!(w["createdAt"].is_string());

        // Credentials: stored as given, served masked.
        assert_eq!(w["request"]["password"], "**********");
        assert_eq!(w["request"]["headers"]["Authorization"], "**********");
        assert_eq!(w["request"]["headers"]["Foo"], "bar");
        assert_eq!(w["request"]["username"], "username");
        let stored = b
            .broker
            .store()
            .webhook(&uuid)
            .await
            .expect("query")
            .expect("stored");
        assert_eq!(stored.request["password"], "password");
        assert_eq!(stored.request["headers"]["Authorization"], "Bearer s3cret");
        let (_, got, _) = send(&c, "GET", &href, None).await;
        assert_eq!(got["request"]["password"], "**********");
        assert!(!got.to_string().contains("s3cret"), "{got}");

        // A non-JSON body is kept as a string; every event type is accepted.
        let mut xml = client_body();
        xml["request"]["body"] = json!("<xml></xml>");
        xml["events"] = json!([
            "contract_content_changed",
            "contract_published",
            "provider_verification_published",
            "provider_verification_succeeded",
            "provider_verification_failed",
            "contract_requiring_verification_published"
        ]
        .iter()
        .map(|e| json!({"name": e}))
        .collect::<Vec<_>>());
        let (status, w2, _) = send(&c, "POST", &pair, Some(&xml)).await;
        assert_eq!(status, 201, "{w2}");
        assert_eq!(w2["request"]["body"], "<xml></xml>");
        assert_eq!(w2["events"].as_array().map(Vec::len), Some(6));

        // An invalid request: 400 keyed request.url.
        let mut no_url = client_body();
        no_url["request"]
            .as_object_mut()
            .expect("object")
            .remove("url");
        let (status, err, headers) = send(&c, "POST", &pair, Some(&no_url)).await;
        assert_eq!(status, 400, "{err}");
        assert!(hal(&headers));
        assert!(
            err["errors"]["request.url"]
                .as_array()
                .is_some_and(|e| !e.is_empty()),
            "{err}"
        );

        // The pair's list holds both.
        let (status, list, _) = send(&c, "GET", &pair, None).await;
        assert_eq!(status, 200);
        assert_eq!(
            list["_links"]["pb:webhooks"].as_array().map(Vec::len),
            Some(2),
            "{list}"
        );
        b.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhooks_are_created_listed_replaced_and_deleted() {
    for backend in backends() {
        let b = TestBroker::start(&backend, "webhooks", BrokerConfig::default()).await;
        let c = reqwest::Client::new();
        let url = format!("{}/webhooks", b.url);

        // A consumer that does not exist: 400 keyed consumer.name.
        let mut for_consumer = client_body();
        for_consumer["consumer"] = json!({"name": "Condor"});
        let (status, err, _) = send(&c, "POST", &url, Some(&for_consumer)).await;
        assert_eq!(status, 400, "{}: {err}", backend.name());
        assert!(
            err["errors"]["consumer.name"]
                .as_array()
                .is_some_and(|e| !e.is_empty()),
            "{err}"
        );
        let mut for_provider = client_body();
        for_provider["provider"] = json!({"name": "Pricing Service"});
        let (status, err, _) = send(&c, "POST", &url, Some(&for_provider)).await;
        assert_eq!(status, 400);
        assert!(err["errors"]["provider.name"].is_array(), "{err}");

        b.broker
            .store()
            .ensure_version("Condor", "1")
            .await
            .expect("seed");
        b.broker
            .store()
            .ensure_version("Pricing Service", "1")
            .await
            .expect("seed");
        let (status, w, _) = send(&c, "POST", &url, Some(&for_consumer)).await;
        assert_eq!(status, 201, "{w}");
        assert_eq!(w["consumer"]["name"], "Condor");
        assert!(w.get("provider").is_none(), "{w}");

        // Global, and by label.
        let (status, global, _) = send(&c, "POST", &url, Some(&client_body())).await;
        assert_eq!(status, 201, "{global}");
        let mut labelled = client_body();
        labelled["provider"] = json!({"label": "provider_label"});
        labelled["description"] = Value::Null;
        let (status, by_label, _) = send(&c, "POST", &url, Some(&labelled)).await;
        assert_eq!(status, 201, "{by_label}");
        assert_eq!(by_label["provider"], json!({"label": "provider_label"}));
        assert!(by_label["_links"]["self"]["title"]
            .as_str()
            .is_some_and(|t| t.contains("provider_label")));

        // The list.
        let (status, list, headers) = send(&c, "GET", &url, None).await;
        assert_eq!(status, 200);
        assert!(hal(&headers));
        let links = list["_links"]["pb:webhooks"].as_array().expect("links");
        assert_eq!(links.len(), 3);
        assert_eq!(links[0]["href"], w["_links"]["self"]["href"]);
        assert!(links.iter().all(|l| l["title"].is_string()));
        assert!(!list.to_string().contains("s3cret"));

        // PUT to a new UUID creates (201), to an existing one replaces (200).
        let uuid = "696c5f93-1b7f-44bc-8d03-59440fcaa9a0";
        let href = format!("{url}/{uuid}");
        let mut both = client_body();
        both["consumer"] = json!({"name": "Condor"});
        both["provider"] = json!({"name": "Pricing Service"});
        let (status, put, headers) = send(&c, "PUT", &href, Some(&both)).await;
        assert_eq!(status, 201, "{put}");
        assert_eq!(headers["location"], href.as_str());
        assert_eq!(put["uuid"], uuid);
        let mut changed = both.clone();
        changed["description"] = json!("changed");
        changed["enabled"] = json!(false);
        changed["events"] = json!([{"name": "provider_verification_failed"}]);
        let (status, put, _) = send(&c, "PUT", &href, Some(&changed)).await;
        assert_eq!(status, 200, "{put}");
        let (_, got, _) = send(&c, "GET", &href, None).await;
        assert_eq!(got["description"], "changed");
        assert_eq!(got["enabled"], false);
        assert_eq!(
            got["events"],
            json!([{"name": "provider_verification_failed"}])
        );
        assert_eq!(got["createdAt"], put["createdAt"]);
        let (status, _, _) = send(&c, "PUT", &format!("{url}/short"), Some(&both)).await;
        assert_eq!(status, 400, "a UUID of fewer than 16 characters");

        // Refusals: 400 with field errors, never 5xx.
        for (bad, key) in [
            (
                json!({"request": {"method": "POST", "url": "https://x"}}),
                "events",
            ),
            (
                json!({"events": [{"name": "contract_published"}]}),
                "request",
            ),
            (
                json!({"events": [{"name": "pact_changed"}], "request": {"method": "POST", "url": "https://x"}}),
                "events[0].name",
            ),
            (
                json!({"events": [{"name": "contract_published"}], "request": {"url": "https://x"}}),
                "request.method",
            ),
            (
                json!({"events": [{"name": "contract_published"}], "request": {"method": "POST", "url": "not a url"}}),
                "request.url",
            ),
            (
                json!({"events": [{"name": "contract_published"}], "request": {"method": "POST", "url": "https://x"}, "enabled": "yes"}),
                "enabled",
            ),
        ] {
            let (status, err, _) = send(&c, "POST", &url, Some(&bad)).await;
            assert_eq!(status, 400, "{bad}: {err}");
            assert!(err["errors"][key].is_array(), "{key}: {err}");
        }
        let (status, _, _) = send(&c, "POST", &url, Some(&json!("text"))).await;
        assert_eq!(status, 400);
        let raw = c
            .post(&url)
            .header("Content-Type", "application/json")
            .body("{not json")
            .send()
            .await
            .expect("send");
        assert_eq!(raw.status().as_u16(), 400);

        // DELETE.
        assert_eq!(send(&c, "DELETE", &href, None).await.0, 204);
        assert_eq!(send(&c, "GET", &href, None).await.0, 404);
        assert_eq!(send(&c, "DELETE", &href, None).await.0, 404);
        let (_, list, _) = send(&c, "GET", &url, None).await;
        assert_eq!(
            list["_links"]["pb:webhooks"].as_array().map(Vec::len),
            Some(3)
        );
        assert_eq!(send(&c, "PATCH", &url, None).await.0, 405);
        b.stop().await;
    }
}
