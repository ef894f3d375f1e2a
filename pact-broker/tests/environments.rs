//! Environments, deployments and releases over a real server, on SQLite and (when
//! configured) PostgreSQL: the shapes the official clients read (broker-api.md §1.6 and the
//! Ruby client's pacts), the one-current-deployment rule, and the store operations the
//! matrix and the selectors use.

mod support;

use pact_broker::BrokerConfig;
use serde_json::{json, Value};
use support::{backends, hal, send, TestBroker};

async fn create_env(c: &reqwest::Client, url: &str, name: &str, production: bool) -> Value {
    let (status, body, _) = send(
        c,
        "POST",
        &format!("{url}/environments"),
        Some(&json!({"name": name, "production": production})),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    body
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn environments_are_created_listed_updated_and_deleted() {
    for backend in backends() {
        let b = TestBroker::start(&backend, "envs", BrokerConfig::default()).await;
        let c = reqwest::Client::new();
        let body = json!({"name": "test", "displayName": "Test", "production": false,
            "contacts": [{"name": "Foo team", "details": {"emailAddress": "foo@bar.com"}}]});
        let (status, env, headers) =
            send(&c, "POST", &format!("{}/environments", b.url), Some(&body)).await;
        assert_eq!(status, 201, "{}: {env}", backend.name());
        assert!(hal(&headers));
        let uuid = env["uuid"].as_str().expect("uuid").to_string();
        let self_href = format!("{}/environments/{uuid}", b.url);
        assert_eq!(headers["location"], self_href.as_str());
        assert_eq!(env["_links"]["self"]["href"], self_href);
        assert_eq!(
            env["_links"]["pb:currently-deployed-deployed-versions"]["href"],
            format!("{self_href}/deployed-versions/currently-deployed")
        );
        assert_eq!(
            env["_links"]["pb:currently-supported-released-versions"]["href"],
            format!("{self_href}/released-versions/currently-supported")
        );
        assert_eq!(
            env["_links"]["pb:environments"]["href"],
            format!("{}/environments", b.url)
        );
        assert_eq!(env["contacts"], body["contacts"]);
        assert_eq!(
            (env["name"].clone(), env["displayName"].clone()),
            (json!("test"), json!("Test"))
        );
        assert_eq!(env["production"], false);

        // A duplicate name, a blank one, a missing one: 400 with field errors.
        let (status, err, _) = send(
            &c,
            "POST",
            &format!("{}/environments", b.url),
            Some(&json!({"name": "test"})),
        )
        .await;
        assert_eq!(status, 400);
        assert_eq!(
            err,
            json!({"errors": {"name": ["name 'test' is already used by an existing environment."]}})
        );
        for bad in [
            json!({}),
            json!({"name": " "}),
            json!({"name": "a b"}),
            json!({"name": "x", "production": "yes"}),
        ] {
            let (status, err, _) =
                send(&c, "POST", &format!("{}/environments", b.url), Some(&bad)).await;
            assert_eq!(status, 400, "{bad}: {err}");
            assert!(err["errors"].is_object(), "{err}");
        }
        let (status, _, _) = send(&c, "POST", &format!("{}/environments", b.url), None).await;
        assert_eq!(status, 400, "an empty body has no name");

        // A client may choose the UUID.
        let (status, chosen, _) = send(
            &c,
            "POST",
            &format!("{}/environments", b.url),
            Some(&json!({"name": "production", "production": true, "uuid": "16926ef3-590f-4e3f-838e-719717aa88c9"})),
        )
        .await;
        assert_eq!(status, 201, "{chosen}");
        assert_eq!(chosen["uuid"], "16926ef3-590f-4e3f-838e-719717aa88c9");
        assert_eq!(
            chosen["displayName"], "production",
            "the name when none is given"
        );

        // The list: embedded environments and the pb:environments array, by name.
        let (status, list, headers) =
            send(&c, "GET", &format!("{}/environments", b.url), None).await;
        assert_eq!(status, 200);
        assert!(hal(&headers));
        let names: Vec<&str> = list["_embedded"]["environments"]
            .as_array()
            .expect("embedded")
            .iter()
            .filter_map(|e| e["name"].as_str())
            .collect();
        assert_eq!(names, ["production", "test"]);
        assert_eq!(list["_links"]["pb:environments"][1]["name"], "test");
        assert_eq!(list["_links"]["pb:environments"][1]["href"], self_href);

        // GET, PUT (a rename into a taken name is refused), DELETE.
        let (status, got, _) = send(&c, "GET", &self_href, None).await;
        assert_eq!((status, got["uuid"].clone()), (200, json!(uuid)));
        let (status, updated, _) = send(
            &c,
            "PUT",
            &self_href,
            Some(&json!({"name": "staging", "displayName": "Staging", "production": false})),
        )
        .await;
        assert_eq!(status, 200, "{updated}");
        assert_eq!(
            (updated["name"].clone(), updated["uuid"].clone()),
            (json!("staging"), json!(uuid))
        );
        assert_eq!(updated["contacts"], json!([]));
        let (status, err, _) =
            send(&c, "PUT", &self_href, Some(&json!({"name": "production"}))).await;
        assert_eq!(status, 400);
        assert!(
            err["errors"]["name"][0]
                .as_str()
                .unwrap_or("")
                .contains("already used"),
            "{err}"
        );
        let (status, _, _) = send(
            &c,
            "PUT",
            &format!("{}/environments/nope", b.url),
            Some(&json!({"name": "x"})),
        )
        .await;
        assert_eq!(status, 404);
        let (status, _, _) = send(&c, "DELETE", &self_href, None).await;
        assert_eq!(status, 204);
        let (status, _, headers) = send(&c, "GET", &self_href, None).await;
        assert_eq!(status, 404);
        assert!(hal(&headers));
        let (status, _, _) = send(&c, "DELETE", &self_href, None).await;
        assert_eq!(status, 404);
        let (status, _, _) = send(&c, "PATCH", &format!("{}/environments", b.url), None).await;
        assert_eq!(status, 405);
        b.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deployment_replaces_the_current_one_on_its_instance_only() {
    for backend in backends() {
        let b = TestBroker::start(&backend, "deploy", BrokerConfig::default()).await;
        let c = reqwest::Client::new();
        let store = b.broker.store();
        for v in ["1", "2", "3"] {
            store.ensure_version("Foo", v).await.expect("version");
        }
        store.ensure_version("Bar", "9").await.expect("version");
        let prod = create_env(&c, &b.url, "production", true).await;
        let test = create_env(&c, &b.url, "test", false).await;
        let prod_uuid = prod["uuid"].as_str().expect("uuid").to_string();

        // The version's pb:record-deployment link, by environment name, as the CLIs find it.
        let (_, version, _) = send(
            &c,
            "GET",
            &format!("{}/pacticipants/Foo/versions/1", b.url),
            None,
        )
        .await;
        let record = version["_links"]["pb:record-deployment"]
            .as_array()
            .expect("links")
            .iter()
            .find(|l| l["name"] == "production")
            .expect("production link")["href"]
            .as_str()
            .expect("href")
            .to_string();
        assert_eq!(
            record,
            format!(
                "{}/pacticipants/Foo/versions/1/deployed-versions/environment/{prod_uuid}",
                b.url
            )
        );
        let (status, d1, headers) = send(&c, "POST", &record, Some(&json!({}))).await;
        assert_eq!(status, 201, "{d1}");
        assert!(hal(&headers));
        assert_eq!(d1["currentlyDeployed"], true);
        assert_eq!(d1["applicationInstance"], Value::Null);
        assert_eq!(d1["target"], Value::Null);
        assert_eq!(d1["_embedded"]["version"]["number"], "1");
        assert_eq!(d1["_embedded"]["environment"]["name"], "production");
        let d1_href = d1["_links"]["self"]["href"]
            .as_str()
            .expect("self")
            .to_string();
        assert_eq!(
            d1_href,
            format!(
                "{}/deployed-versions/{}",
                b.url,
                d1["uuid"].as_str().unwrap_or("")
            )
        );
        assert_eq!(headers["location"], d1_href.as_str());

        // Deploying the same version again changes nothing.
        let (status, again, _) = send(&c, "POST", &record, Some(&json!({}))).await;
        assert_eq!((status, again["uuid"].clone()), (200, d1["uuid"].clone()));

        // Instance "blue" (given as applicationInstance and target: both echoed) is separate.
        let blue = |v: &str| {
            format!(
                "{}/pacticipants/Foo/versions/{v}/deployed-versions/environment/{prod_uuid}",
                b.url
            )
        };
        let (status, d_blue, _) = send(
            &c,
            "POST",
            &blue("2"),
            Some(&json!({"applicationInstance": "blue", "target": "blue"})),
        )
        .await;
        assert_eq!(status, 201, "{d_blue}");
        assert_eq!(
            (
                d_blue["applicationInstance"].clone(),
                d_blue["target"].clone()
            ),
            (json!("blue"), json!("blue"))
        );
        let (status, d_green, _) =
            send(&c, "POST", &blue("2"), Some(&json!({"target": "green"}))).await;
        assert_eq!(status, 201);
        assert_eq!(
            d_green["applicationInstance"], "green",
            "target is the old name"
        );

        // Version 3 on the unnamed instance replaces version 1 there, and only there.
        let (status, d3, _) = send(&c, "POST", &blue("3"), Some(&json!({}))).await;
        assert_eq!(status, 201, "{d3}");
        let (_, old, _) = send(&c, "GET", &d1_href, None).await;
        assert_eq!(old["currentlyDeployed"], false);
        assert!(old["undeployedAt"].is_string(), "{old}");

        // Another pacticipant and another environment are unaffected.
        let bar = format!(
            "{}/pacticipants/Bar/versions/9/deployed-versions/environment/{prod_uuid}",
            b.url
        );
        assert_eq!(send(&c, "POST", &bar, None).await.0, 201);
        let test_uuid = test["uuid"].as_str().expect("uuid");
        let in_test = format!(
            "{}/pacticipants/Foo/versions/1/deployed-versions/environment/{test_uuid}",
            b.url
        );
        assert_eq!(send(&c, "POST", &in_test, Some(&json!({}))).await.0, 201);

        // The store operations the matrix reads.
        let current = store
            .currently_deployed("production", Some("Foo"))
            .await
            .expect("query");
        let mut seen: Vec<(String, Option<String>)> = current
            .iter()
            .map(|d| (d.version.clone(), d.application_instance.clone()))
            .collect();
        seen.sort();
        assert_eq!(
            seen,
            [
                ("2".to_string(), Some("blue".to_string())),
                ("2".into(), Some("green".into())),
                ("3".into(), None)
            ]
        );
        assert!(current.iter().all(|d| d.currently_deployed
            && d.environment == "production"
            && d.ended_at.is_none()));
        assert_eq!(
            store
                .currently_deployed("production", None)
                .await
                .expect("query")
                .len(),
            4
        );
        assert!(store
            .currently_deployed("nowhere", None)
            .await
            .expect("query")
            .is_empty());
        let of_v1 = store
            .current_deployments_of_version("Foo", "1")
            .await
            .expect("query");
        assert_eq!(
            of_v1
                .iter()
                .map(|d| d.environment.as_str())
                .collect::<Vec<_>>(),
            ["test"]
        );
        assert_eq!(of_v1[0].environment_uuid, test_uuid);
        assert!(store
            .current_deployments_of_version("Foo", "9")
            .await
            .expect("query")
            .is_empty());

        // The currently-deployed resource the Ruby CLI's record-undeployment reads.
        let cd = format!(
            "{}/environments/{prod_uuid}/deployed-versions/currently-deployed",
            b.url
        );
        let (status, list, headers) = send(&c, "GET", &format!("{cd}?pacticipant=Foo"), None).await;
        assert_eq!(status, 200);
        assert!(hal(&headers));
        let items = list["_embedded"]["deployedVersions"]
            .as_array()
            .expect("list");
        assert_eq!(items.len(), 3, "{list}");
        assert!(items.iter().all(|d| d["_links"]["self"]["href"]
            .as_str()
            .unwrap_or("")
            .contains("/deployed-versions/")));
        let (_, list, _) = send(&c, "GET", &format!("{cd}?pacticipant=Foo&version=2"), None).await;
        assert_eq!(
            list["_embedded"]["deployedVersions"]
                .as_array()
                .map(Vec::len),
            Some(2)
        );
        let (_, list, _) = send(
            &c,
            "GET",
            &format!("{cd}?pacticipant=Foo&applicationInstance=blue"),
            None,
        )
        .await;
        assert_eq!(
            list["_embedded"]["deployedVersions"][0]["applicationInstance"],
            "blue"
        );
        assert_eq!(
            list["_embedded"]["deployedVersions"]
                .as_array()
                .map(Vec::len),
            Some(1)
        );
        let (_, list, _) = send(&c, "GET", &format!("{cd}?pacticipant=Nobody"), None).await;
        assert_eq!(list["_embedded"]["deployedVersions"], json!([]));
        assert_eq!(
            send(
                &c,
                "GET",
                &format!(
                    "{}/environments/nope/deployed-versions/currently-deployed",
                    b.url
                ),
                None
            )
            .await
            .0,
            404
        );

        // record-undeployment: PATCH currentlyDeployed false; true again is refused.
        let blue_href = d_blue["_links"]["self"]["href"].as_str().expect("href");
        let (status, ended, _) = send(
            &c,
            "PATCH",
            blue_href,
            Some(&json!({"currentlyDeployed": false})),
        )
        .await;
        assert_eq!(status, 200, "{ended}");
        assert_eq!(ended["currentlyDeployed"], false);
        assert_eq!(ended["_embedded"]["version"]["number"], "2");
        let (status, _, _) = send(
            &c,
            "PATCH",
            blue_href,
            Some(&json!({"currentlyDeployed": false})),
        )
        .await;
        assert_eq!(status, 200, "ending twice is harmless");
        let (status, err, _) = send(
            &c,
            "PATCH",
            blue_href,
            Some(&json!({"currentlyDeployed": true})),
        )
        .await;
        assert_eq!(status, 400, "{err}");
        assert!(err["errors"]["currentlyDeployed"].is_array());
        let (status, _, _) = send(
            &c,
            "PATCH",
            blue_href,
            Some(&json!({"currentlyDeployed": "no"})),
        )
        .await;
        assert_eq!(status, 400);
        let (_, list, _) = send(&c, "GET", &format!("{cd}?pacticipant=Foo"), None).await;
        assert_eq!(
            list["_embedded"]["deployedVersions"]
                .as_array()
                .map(Vec::len),
            Some(2)
        );
        let (status, _, _) = send(
            &c,
            "PATCH",
            &format!("{}/deployed-versions/nope", b.url),
            Some(&json!({"currentlyDeployed": false})),
        )
        .await;
        assert_eq!(status, 404);

        // Unknown version, environment or pacticipant: 404; a bad body: 400.
        for href in [
            format!("{}/pacticipants/Foo/versions/404/deployed-versions/environment/{prod_uuid}", b.url),
            format!("{}/pacticipants/Nobody/versions/1/deployed-versions/environment/{prod_uuid}", b.url),
            format!("{}/pacticipants/Foo/versions/1/deployed-versions/environment/00000000-0000-4000-8000-000000000000", b.url),
        ] {
            let (status, body, headers) = send(&c, "POST", &href, Some(&json!({}))).await;
            assert_eq!(status, 404, "{href}: {body}");
            assert!(hal(&headers));
        }
        let (status, _, _) = send(
            &c,
            "POST",
            &blue("1"),
            Some(&json!({"applicationInstance": 7})),
        )
        .await;
        assert_eq!(status, 400);
        let (status, _, _) = send(&c, "POST", &blue("1"), Some(&json!([1]))).await;
        assert_eq!(status, 400);

        // Deleting the environment removes its deployments.
        assert_eq!(
            send(
                &c,
                "DELETE",
                &format!("{}/environments/{prod_uuid}", b.url),
                None
            )
            .await
            .0,
            204
        );
        assert!(store
            .currently_deployed("production", None)
            .await
            .expect("query")
            .is_empty());
        b.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn releases_are_idempotent_and_end_with_support() {
    for backend in backends() {
        let b = TestBroker::start(&backend, "release", BrokerConfig::default()).await;
        let c = reqwest::Client::new();
        let store = b.broker.store();
        for v in ["1", "2"] {
            store.ensure_version("Foo", v).await.expect("version");
        }
        let env = create_env(&c, &b.url, "app-store", true).await;
        let uuid = env["uuid"].as_str().expect("uuid").to_string();
        let (_, version, _) = send(
            &c,
            "GET",
            &format!("{}/pacticipants/Foo/versions/1", b.url),
            None,
        )
        .await;
        let record = version["_links"]["pb:record-release"][0]["href"]
            .as_str()
            .expect("href")
            .to_string();
        assert_eq!(
            record,
            format!(
                "{}/pacticipants/Foo/versions/1/released-versions/environment/{uuid}",
                b.url
            )
        );
        let (status, r1, headers) = send(&c, "POST", &record, Some(&json!({}))).await;
        assert_eq!(status, 201, "{r1}");
        assert!(hal(&headers));
        assert_eq!(r1["currentlySupported"], true);
        assert_eq!(r1["_embedded"]["version"]["number"], "1");
        assert_eq!(r1["_embedded"]["environment"]["uuid"], uuid.as_str());
        let (status, again, _) = send(&c, "POST", &record, Some(&json!({}))).await;
        assert_eq!((status, again["uuid"].clone()), (200, r1["uuid"].clone()));
        let v2 = format!(
            "{}/pacticipants/Foo/versions/2/released-versions/environment/{uuid}",
            b.url
        );
        let (status, r2, _) = send(&c, "POST", &v2, None).await;
        assert_eq!(status, 201);

        // Releases accumulate: both are supported.
        let released = store
            .currently_released("app-store", Some("Foo"))
            .await
            .expect("query");
        assert_eq!(
            released
                .iter()
                .map(|r| r.version.as_str())
                .collect::<Vec<_>>(),
            ["1", "2"]
        );
        assert!(released
            .iter()
            .all(|r| r.currently_supported && r.environment_uuid == uuid));
        let of_v1 = store
            .current_releases_of_version("Foo", "1")
            .await
            .expect("query");
        assert_eq!(of_v1.len(), 1);
        assert_eq!(of_v1[0].environment, "app-store");
        assert_eq!(
            store
                .currently_deployed("app-store", None)
                .await
                .expect("query"),
            vec![]
        );

        let cs = format!(
            "{}/environments/{uuid}/released-versions/currently-supported",
            b.url
        );
        let (status, list, _) =
            send(&c, "GET", &format!("{cs}?pacticipant=Foo&version=1"), None).await;
        assert_eq!(status, 200);
        let items = list["_embedded"]["releasedVersions"]
            .as_array()
            .expect("list");
        assert_eq!(items.len(), 1, "{list}");
        let r1_href = items[0]["_links"]["self"]["href"]
            .as_str()
            .expect("href")
            .to_string();
        assert_eq!(r1_href, r1["_links"]["self"]["href"].as_str().unwrap_or(""));

        // record-support-ended.
        let (status, ended, _) = send(
            &c,
            "PATCH",
            &r1_href,
            Some(&json!({"currentlySupported": false})),
        )
        .await;
        assert_eq!(status, 200, "{ended}");
        assert_eq!(ended["currentlySupported"], false);
        assert!(ended["supportEndedAt"].is_string());
        let (status, _, _) = send(
            &c,
            "PATCH",
            &r1_href,
            Some(&json!({"currentlySupported": true})),
        )
        .await;
        assert_eq!(status, 400);
        let released = store
            .currently_released("app-store", None)
            .await
            .expect("query");
        assert_eq!(
            released
                .iter()
                .map(|r| r.version.as_str())
                .collect::<Vec<_>>(),
            ["2"]
        );
        let (_, list, _) = send(&c, "GET", &format!("{cs}?pacticipant=Foo"), None).await;
        assert_eq!(list["_embedded"]["releasedVersions"][0]["uuid"], r2["uuid"]);

        // Releasing it again makes it supported again, under the same record.
        let (status, back, _) = send(&c, "POST", &record, Some(&json!({}))).await;
        assert_eq!(
            (
                status,
                back["uuid"].clone(),
                back["currentlySupported"].clone()
            ),
            (200, r1["uuid"].clone(), json!(true))
        );
        let (status, got, _) = send(&c, "GET", &r1_href, None).await;
        assert_eq!(
            (status, got["currentlySupported"].clone()),
            (200, json!(true))
        );
        let (status, _, _) = send(
            &c,
            "GET",
            &format!("{}/released-versions/nope", b.url),
            None,
        )
        .await;
        assert_eq!(status, 404);
        let (status, _, _) = send(
            &c,
            "POST",
            &format!(
                "{}/pacticipants/Foo/versions/3/released-versions/environment/{uuid}",
                b.url
            ),
            None,
        )
        .await;
        assert_eq!(status, 404);
        b.stop().await;
    }
}

/// Two brokers on one PostgreSQL database recording deployments of different versions to
/// one instance at once: exactly one stays currently deployed.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_deployments_leave_one_current() {
    for backend in backends() {
        let first = TestBroker::start(&backend, "deploy-race", BrokerConfig::default()).await;
        let second = TestBroker::on(&first.database, BrokerConfig::default()).await;
        let c = reqwest::Client::new();
        let env = create_env(&c, &first.url, "production", true).await;
        let uuid = env["uuid"].as_str().expect("uuid").to_string();
        let versions: Vec<String> = (0..12).map(|i| i.to_string()).collect();
        for v in &versions {
            first
                .broker
                .store()
                .ensure_version("Foo", v)
                .await
                .expect("version");
        }
        let mut tasks = Vec::new();
        for (i, v) in versions.iter().enumerate() {
            let base = if i % 2 == 0 {
                first.url.clone()
            } else {
                second.url.clone()
            };
            let url = format!(
                "{base}/pacticipants/Foo/versions/{v}/deployed-versions/environment/{uuid}"
            );
            let c = c.clone();
            tasks.push(tokio::spawn(async move {
                c.post(url)
                    .json(&json!({}))
                    .send()
                    .await
                    .map(|r| r.status().as_u16())
            }));
        }
        for t in tasks {
            assert_eq!(
                t.await.expect("task").expect("request"),
                201,
                "{}",
                backend.name()
            );
        }
        let current = first
            .broker
            .store()
            .currently_deployed("production", Some("Foo"))
            .await
            .expect("query");
        assert_eq!(current.len(), 1, "{}: {current:?}", backend.name());
        second.stop().await;
        first.stop().await;
    }
}

/// The Rust CLI's `record-undeployment` and `record-support-ended` keep only the entries
/// whose `_embedded.pacticipant.name` is the one they were given (`record-support-ended`
/// also reads `_embedded.version.number`), as the real broker embeds them: without the
/// pacticipant, undeploying finds nothing and ending support panics.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deployments_and_releases_embed_their_pacticipant_and_version() {
    for backend in backends() {
        let b = TestBroker::start(&backend, "embedded", BrokerConfig::default()).await;
        let c = reqwest::Client::new();
        let store = b.broker.store();
        store.ensure_version("Foo Web", "1").await.expect("version");
        store.ensure_version("Bar", "9").await.expect("version");
        let env = create_env(&c, &b.url, "production", true).await;
        let uuid = env["uuid"].as_str().expect("uuid").to_string();
        let record = |p: &str, v: &str, kind: &str| {
            format!(
                "{}/pacticipants/{}/versions/{v}/{kind}-versions/environment/{uuid}",
                b.url,
                p.replace(' ', "%20")
            )
        };
        let check = |entry: &Value, p: &str, v: &str| {
            assert_eq!(
                entry["_embedded"]["pacticipant"]["name"],
                p,
                "{}: {entry}",
                backend.name()
            );
            assert_eq!(
                entry["_embedded"]["pacticipant"]["_links"]["self"]["href"],
                format!("{}/pacticipants/{}", b.url, p.replace(' ', "%20"))
            );
            assert_eq!(entry["_embedded"]["version"]["number"], v, "{entry}");
        };
        for (p, v) in [("Foo Web", "1"), ("Bar", "9")] {
            for kind in ["deployed", "released"] {
                let (status, created, _) =
                    send(&c, "POST", &record(p, v, kind), Some(&json!({}))).await;
                assert_eq!(status, 201, "{created}");
                check(&created, p, v);
            }
        }

        let env_href = format!("{}/environments/{uuid}", b.url);
        let (_, deployed, _) = send(
            &c,
            "GET",
            &format!("{env_href}/deployed-versions/currently-deployed?pacticipant=Foo%20Web"),
            None,
        )
        .await;
        let deployed = deployed["_embedded"]["deployedVersions"]
            .as_array()
            .expect("deployedVersions")
            .clone();
        assert_eq!(deployed.len(), 1, "{deployed:?}");
        check(&deployed[0], "Foo Web", "1");
        let (_, supported, _) = send(
            &c,
            "GET",
            &format!("{env_href}/released-versions/currently-supported?pacticipant=Bar"),
            None,
        )
        .await;
        let supported = supported["_embedded"]["releasedVersions"]
            .as_array()
            .expect("releasedVersions")
            .clone();
        assert_eq!(supported.len(), 1, "{supported:?}");
        check(&supported[0], "Bar", "9");

        // Ending them answers the same shape (the CLIs print the version from it).
        let self_href = |e: &Value| {
            e["_links"]["self"]["href"]
                .as_str()
                .expect("self")
                .to_string()
        };
        let (status, ended, _) = send(
            &c,
            "PATCH",
            &self_href(&deployed[0]),
            Some(&json!({"currentlyDeployed": false})),
        )
        .await;
        assert_eq!(
            (status, ended["currentlyDeployed"].clone()),
            (200, json!(false))
        );
        check(&ended, "Foo Web", "1");
        let (status, ended, _) = send(
            &c,
            "PATCH",
            &self_href(&supported[0]),
            Some(&json!({"currentlySupported": false})),
        )
        .await;
        assert_eq!(
            (status, ended["currentlySupported"].clone()),
            (200, json!(false))
        );
        check(&ended, "Bar", "9");
    }
}
