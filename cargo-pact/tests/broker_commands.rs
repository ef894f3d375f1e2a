//! The broker administration commands (`record-deployment`, `create-environment`,
//! `create-version-tag`, `describe-version`, `create-webhook`, ...) against a real
//! `cargo pact broker`: what they change on the broker, what they print, how they fail, and
//! what they send compared with what the official clients send
//! (../shared/broker-recordings.jsonl).

#[path = "support/pipeline.rs"]
mod pipeline;

use pipeline::{
    cargo_pact, official_requests, recordings_file, shape_differences, temp_dir, text,
    BrokerProcess, Recorded, RecordingProxy,
};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Output;

/// A broker of its own for one test, and a directory that is no cargo package (so nothing
/// defaults from a manifest unless the test writes one).
fn start(name: &str) -> (PathBuf, BrokerProcess) {
    let dir = temp_dir(&format!("admin-{name}"));
    let broker = BrokerProcess::start(&dir, &[]);
    (dir, broker)
}

/// `cargo pact COMMAND --broker-url URL REST...`.
fn pact(dir: &Path, url: &str, args: &[&str]) -> Output {
    let mut all = vec![args[0], "--broker-url", url];
    all.extend(&args[1..]);
    cargo_pact(dir, &all, &[])
}

/// The stdout of a command that must have succeeded.
fn ok(output: &Output) -> String {
    assert!(output.status.success(), "{}", text(output));
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The stderr of a command that must have failed with `code`.
fn fails(output: &Output, code: i32) -> String {
    assert_eq!(output.status.code(), Some(code), "{}", text(output));
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(stderr.starts_with("error: "), "{}", text(output));
    stderr
}

/// One HTTP request to the broker, as a test's own look at its state.
fn http(method: &str, url: &str, body: Option<&Value>) -> (u16, Value) {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(async {
            let client = reqwest::Client::new();
            let mut req = client
                .request(reqwest::Method::from_bytes(method.as_bytes()).unwrap(), url)
                .header("Accept", "application/hal+json");
            if let Some(b) = body {
                req = req.json(b);
            }
            let resp = req.send().await.expect("request");
            let status = resp.status().as_u16();
            let text = resp.text().await.unwrap();
            (status, serde_json::from_str(&text).unwrap_or(Value::Null))
        })
}

/// Publishes a one-interaction pact from `consumer` version `version` (on `branch`, with
/// `tags`) to provider API, as the official CLIs do (`POST /contracts/publish`).
fn publish(url: &str, consumer: &str, version: &str, branch: &str, tags: &[&str]) {
    use base64::Engine as _;
    let pact = json!({
        "consumer": {"name": consumer},
        "provider": {"name": "API"},
        "interactions": [{"description": "a request for items",
            "request": {"method": "GET", "path": "/items"},
            "response": {"status": 200}}],
        "metadata": {"pactSpecification": {"version": "2.0.0"}},
    });
    let body = json!({
        "pacticipantName": consumer,
        "pacticipantVersionNumber": version,
        "branch": branch,
        "tags": tags,
        "contracts": [{
            "consumerName": consumer,
            "providerName": "API",
            "specification": "pact",
            "contentType": "application/json",
            "content": base64::engine::general_purpose::STANDARD.encode(pact.to_string()),
        }],
    });
    let (status, answer) = http("POST", &format!("{url}/contracts/publish"), Some(&body));
    assert_eq!(status, 200, "{answer}");
}

/// The broker with Web versions 1 (branch main) and 2 (branch feat-x, tag feat-x) and the
/// environments production and test, as in the recordings; returns test's and
/// production's UUIDs.
fn seed(dir: &Path, url: &str) -> (String, String) {
    publish(url, "Web", "1", "main", &[]);
    publish(url, "Web", "2", "feat-x", &["feat-x"]);
    let uuid = |out: String| {
        out.trim()
            .rsplit(' ')
            .next()
            .expect("a UUID at the end")
            .to_string()
    };
    let production = uuid(ok(&pact(
        dir,
        url,
        &["create-environment", "--name", "production", "--production"],
    )));
    let test = uuid(ok(&pact(
        dir,
        url,
        &["create-environment", "--name", "test"],
    )));
    (production, test)
}

/// The deployments of `pacticipant` the broker has as current in an environment.
fn currently_deployed(url: &str, environment_uuid: &str, pacticipant: &str) -> Vec<Value> {
    let (status, list) = http(
        "GET",
        &format!(
            "{url}/environments/{environment_uuid}/deployed-versions/currently-deployed?pacticipant={pacticipant}"
        ),
        None,
    );
    assert_eq!(status, 200, "{list}");
    list["_embedded"]["deployedVersions"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// (version, application instance) of each entry.
fn versions_and_instances(entries: &[Value]) -> Vec<(String, Option<String>)> {
    let mut out: Vec<_> = entries
        .iter()
        .map(|e| {
            (
                e["_embedded"]["version"]["number"]
                    .as_str()
                    .unwrap_or("")
                    .to_string(),
                e["applicationInstance"].as_str().map(str::to_string),
            )
        })
        .collect();
    out.sort();
    out
}

// -----------------------------------------------------------------------------------------
// Comparing with the official clients.

/// `path` with every UUID (8-4-4-4-12 hex digits) replaced by `{uuid}`: environments and
/// deployments get new ones on every run.
fn mask_uuids(path: &str) -> String {
    let is_uuid = |s: &[u8]| {
        s.len() == 36
            && s.iter().enumerate().all(|(i, c)| match i {
                8 | 13 | 18 | 23 => *c == b'-',
                _ => c.is_ascii_hexdigit(),
            })
    };
    let bytes = path.as_bytes();
    let mut out = String::new();
    let mut i = 0;
    while i < bytes.len() {
        if i + 36 <= bytes.len() && is_uuid(&bytes[i..i + 36]) {
            out.push_str("{uuid}");
            i += 36;
        } else {
            out.push(bytes[i] as char);
            i += 1;
        }
    }
    out
}

fn header<'a>(r: &'a Recorded, name: &str) -> Option<&'a str> {
    r.headers
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// The media type of a request's body, parameters left out.
fn media_type(r: &Recorded) -> Option<String> {
    header(r, "content-type").map(|v| v.split(';').next().unwrap_or("").trim().to_string())
}

/// `METHOD path` with UUIDs masked.
fn line(r: &Recorded) -> String {
    format!("{} {}", r.method, mask_uuids(&r.path))
}

/// Every run of `n` consecutive requests of the official client whose User-Agent contains
/// `agent` that ends with a request `last` accepts.
fn official_runs(agent: &str, n: usize, last: impl Fn(&Recorded) -> bool) -> Vec<Vec<Recorded>> {
    let of_client: Vec<Recorded> = official_requests()
        .into_iter()
        .filter(|r| header(r, "user-agent").is_some_and(|ua| ua.contains(agent)))
        .collect();
    (0..of_client.len())
        .filter(|&i| i + 1 >= n && last(&of_client[i]))
        .map(|i| of_client[i + 1 - n..=i].to_vec())
        .collect()
}

/// What we sent agrees with what the official client sent: the same requests in the same
/// order, each with the same method, path (UUIDs masked), body content type and body
/// shape (`masked` keys' strings aside). The index reads are left out of both: we always
/// start at `GET /` and follow links, where some official commands build their paths.
fn assert_same_requests(ours: &[Recorded], theirs: &[Recorded], masked: &[&str]) {
    assert_eq!(
        ours.first().map(line).as_deref(),
        Some("GET /"),
        "we start at the index: {:?}",
        ours.iter().map(line).collect::<Vec<_>>()
    );
    let drop_index = |rs: &[Recorded]| -> Vec<Recorded> {
        rs.iter().filter(|r| line(r) != "GET /").cloned().collect()
    };
    let (ours, theirs) = (drop_index(ours), drop_index(theirs));
    assert_eq!(
        ours.iter().map(line).collect::<Vec<_>>(),
        theirs.iter().map(line).collect::<Vec<_>>(),
        "the requests differ"
    );
    for (o, t) in ours.iter().zip(&theirs) {
        if o.method != "GET" {
            assert_eq!(media_type(o), media_type(t), "content type of {}", line(o));
        }
        let d = shape_differences(&o.body, &t.body, masked);
        assert!(
            d.is_empty(),
            "{}: {d:?}\nours: {}\ntheirs: {}",
            line(o),
            o.body,
            t.body
        );
    }
}

/// Whether the official recordings are here to compare with.
fn have_recordings() -> bool {
    let here = recordings_file().is_some();
    if !here {
        eprintln!("skipped: no ../shared/broker-recordings.jsonl (set PACT_BROKER_RECORDINGS)");
    }
    here
}

// -----------------------------------------------------------------------------------------
// Environments.

#[test]
fn environments_are_created_listed_and_described() {
    let (dir, broker) = start("envs");
    let url = broker.url.as_str();
    let out = ok(&pact(
        &dir,
        url,
        &[
            "create-environment",
            "--name",
            "production",
            "--display-name",
            "Production",
            "--production",
            "--contact-name",
            "Ops team",
            "--contact-email-address",
            "ops@example.com",
        ],
    ));
    assert!(
        out.starts_with("Created production environment with UUID "),
        "{out}"
    );
    let production = out.trim().rsplit(' ').next().unwrap().to_string();
    let test_json: Value = serde_json::from_str(&ok(&pact(
        &dir,
        url,
        &["create-environment", "--name", "test", "--output", "json"],
    )))
    .expect("--output json prints the broker's JSON");
    assert_eq!(test_json["name"], "test");
    assert_eq!(test_json["production"], false);
    let test = test_json["uuid"].as_str().expect("uuid").to_string();

    // The broker has them as given.
    let (status, env) = http("GET", &format!("{url}/environments/{production}"), None);
    assert_eq!(status, 200, "{env}");
    assert_eq!(env["displayName"], "Production");
    assert_eq!(env["production"], true);
    assert_eq!(
        env["contacts"],
        json!([{"name": "Ops team", "details": {"emailAddress": "ops@example.com"}}])
    );

    let listed = ok(&pact(&dir, url, &["list-environments"]));
    let lines: Vec<&str> = listed.lines().collect();
    assert_eq!(lines.len(), 4, "{listed}");
    assert!(
        lines[0].starts_with("UUID") && lines[0].contains("DISPLAY NAME"),
        "{listed}"
    );
    assert!(
        lines[2].starts_with(&production) && lines[2].contains("| production | Production"),
        "{listed}"
    );
    assert!(
        lines[3].starts_with(&test) && lines[3].ends_with("false"),
        "{listed}"
    );
    let listed: Value =
        serde_json::from_str(&ok(&pact(&dir, url, &["list-environments", "-o", "json"]))).unwrap();
    assert_eq!(
        listed["_embedded"]["environments"].as_array().map(Vec::len),
        Some(2)
    );

    let described = ok(&pact(
        &dir,
        url,
        &["describe-environment", "--uuid", &production],
    ));
    for expected in [
        format!("UUID: {production}"),
        "Name: production".to_string(),
        "Display name: Production".to_string(),
        "Production: true".to_string(),
        "  - Ops team (ops@example.com)".to_string(),
    ] {
        assert!(
            described.lines().any(|l| l == expected),
            "{expected:?} in\n{described}"
        );
    }

    // A duplicate name: the broker refuses, and says why.
    let e = fails(
        &pact(&dir, url, &["create-environment", "--name", "test"]),
        4,
    );
    assert!(e.contains("could not create environment test"), "{e}");
    assert!(e.contains("already used"), "{e}");
    // An unknown UUID is named.
    let e = fails(
        &pact(
            &dir,
            url,
            &[
                "describe-environment",
                "--uuid",
                "00000000-0000-4000-8000-000000000000",
            ],
        ),
        2,
    );
    assert!(
        e.contains("no environment with UUID 00000000-0000-4000-8000-000000000000"),
        "{e}"
    );
}

#[test]
fn environment_requests_match_the_official_clients() {
    if !have_recordings() {
        return;
    }
    let (dir, broker) = start("envs-official");
    let proxy = RecordingProxy::start(&broker.url);
    let url = proxy.url.as_str();

    // The Ruby CLI: `create-environment --name test` (production false unless asked).
    ok(&pact(&dir, url, &["create-environment", "--name", "test"]));
    let theirs = official_runs("pact_broker-client", 1, |r| line(r) == "POST /environments");
    assert_same_requests(&proxy.requests(), &theirs[0], &[]);

    // pact-broker-cli: `create-environment --name production --production`.
    proxy.clear();
    ok(&pact(
        &dir,
        url,
        &["create-environment", "--name", "production", "--production"],
    ));
    let theirs = official_runs("pact-broker-cli", 1, |r| line(r) == "POST /environments");
    assert_same_requests(&proxy.requests(), &theirs[0], &[]);

    // The Ruby CLI: `list-environments`.
    proxy.clear();
    ok(&pact(&dir, url, &["list-environments"]));
    let theirs = official_runs("pact_broker-client", 1, |r| line(r) == "GET /environments");
    assert_same_requests(&proxy.requests(), &theirs[0], &[]);

    // describe-environment: no recording; the index's pb:environment, as broker-api.md 1.1.
    let uuid = http("GET", &format!("{}/environments", broker.url), None).1["_embedded"]
        ["environments"][0]["uuid"]
        .as_str()
        .unwrap()
        .to_string();
    proxy.clear();
    ok(&pact(&dir, url, &["describe-environment", "--uuid", &uuid]));
    let seen: Vec<String> = proxy.requests().iter().map(line).collect();
    assert_eq!(seen, ["GET /", "GET /environments/{uuid}"]);
}

// -----------------------------------------------------------------------------------------
// Deployments and releases.

#[test]
fn deployments_are_recorded_and_undeployed() {
    let (dir, broker) = start("deploy");
    let url = broker.url.as_str();
    let (production, _) = seed(&dir, url);

    let out = ok(&pact(
        &dir,
        url,
        &[
            "record-deployment",
            "--pacticipant",
            "Web",
            "--version",
            "1",
            "--environment",
            "production",
        ],
    ));
    assert_eq!(
        out.trim(),
        "Recorded deployment of Web version 1 to production"
    );
    let out = ok(&pact(
        &dir,
        url,
        &[
            "record-deployment",
            "-a",
            "Web",
            "-e",
            "2",
            "--environment",
            "production",
            "--application-instance",
            "blue",
        ],
    ));
    assert_eq!(
        out.trim(),
        "Recorded deployment of Web version 2 to production (application instance blue)"
    );
    assert_eq!(
        versions_and_instances(&currently_deployed(url, &production, "Web")),
        [("1".into(), None), ("2".into(), Some("blue".into()))]
    );
    // --output json prints the broker's deployed version.
    let json: Value = serde_json::from_str(&ok(&pact(
        &dir,
        url,
        &[
            "record-deployment",
            "-a",
            "Web",
            "-e",
            "2",
            "--environment",
            "test",
            "-o",
            "json",
        ],
    )))
    .unwrap();
    assert_eq!(json["currentlyDeployed"], true);
    assert_eq!(json["_embedded"]["environment"]["name"], "test");

    // Undeploying without an instance ends the deployment recorded without one.
    let out = ok(&pact(
        &dir,
        url,
        &[
            "record-undeployment",
            "-a",
            "Web",
            "--environment",
            "production",
        ],
    ));
    assert_eq!(
        out.trim(),
        "Recorded undeployment of Web version 1 from production"
    );
    assert_eq!(
        versions_and_instances(&currently_deployed(url, &production, "Web")),
        [("2".into(), Some("blue".into()))]
    );
    // Again: there is none left without an instance, and the error says which there are.
    let e = fails(
        &pact(
            &dir,
            url,
            &[
                "record-undeployment",
                "-a",
                "Web",
                "--environment",
                "production",
            ],
        ),
        2,
    );
    assert!(e.contains("--application-instance blue"), "{e}");
    let out = ok(&pact(
        &dir,
        url,
        &[
            "record-undeployment",
            "-a",
            "Web",
            "--environment",
            "production",
            "--application-instance",
            "blue",
            "-o",
            "json",
        ],
    ));
    let ended: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(ended[0]["currentlyDeployed"], false, "{ended}");
    assert!(currently_deployed(url, &production, "Web").is_empty());
    let e = fails(
        &pact(
            &dir,
            url,
            &[
                "record-undeployment",
                "-a",
                "Web",
                "--environment",
                "production",
            ],
        ),
        2,
    );
    assert!(
        e.contains("Web is not currently deployed to production"),
        "{e}"
    );
}

#[test]
fn releases_are_recorded_and_their_support_ended() {
    let (dir, broker) = start("release");
    let url = broker.url.as_str();
    let (production, _) = seed(&dir, url);
    let supported = || {
        let (status, list) = http(
            "GET",
            &format!("{url}/environments/{production}/released-versions/currently-supported?pacticipant=Web"),
            None,
        );
        assert_eq!(status, 200, "{list}");
        versions_and_instances(list["_embedded"]["releasedVersions"].as_array().unwrap())
            .into_iter()
            .map(|(v, _)| v)
            .collect::<Vec<_>>()
    };
    for v in ["1", "2"] {
        let out = ok(&pact(
            &dir,
            url,
            &[
                "record-release",
                "-a",
                "Web",
                "-e",
                v,
                "--environment",
                "production",
            ],
        ));
        assert_eq!(
            out.trim(),
            format!("Recorded release of Web version {v} to production")
        );
    }
    assert_eq!(supported(), ["1", "2"]);
    let out = ok(&pact(
        &dir,
        url,
        &[
            "record-support-ended",
            "-a",
            "Web",
            "-e",
            "1",
            "--environment",
            "production",
        ],
    ));
    assert_eq!(
        out.trim(),
        "Recorded support ended for Web version 1 in production"
    );
    assert_eq!(supported(), ["2"]);
    let e = fails(
        &pact(
            &dir,
            url,
            &[
                "record-support-ended",
                "-a",
                "Web",
                "-e",
                "1",
                "--environment",
                "production",
            ],
        ),
        2,
    );
    assert!(
        e.contains("Web version 1 is not currently released to production"),
        "{e}"
    );
}

#[test]
fn deployment_requests_match_the_official_clients() {
    if !have_recordings() {
        return;
    }
    let (dir, broker) = start("deploy-official");
    let (production, _) = seed(&dir, &broker.url);
    let proxy = RecordingProxy::start(&broker.url);
    let url = proxy.url.as_str();
    let deploys =
        |r: &Recorded| r.method == "POST" && r.path.contains("/deployed-versions/environment/");

    // The Ruby CLI: record-deployment of Web 1 to production, through the index.
    ok(&pact(
        &dir,
        url,
        &[
            "record-deployment",
            "-a",
            "Web",
            "-e",
            "1",
            "--environment",
            "production",
        ],
    ));
    let ruby = official_runs("pact_broker-client", 3, deploys);
    assert_eq!(
        line(&ruby[0][0]),
        "GET /",
        "the Ruby CLI starts at the index too"
    );
    assert_same_requests(&proxy.requests(), &ruby[0], &[]);
    // pact-broker-cli: Web 1 to test.
    proxy.clear();
    ok(&pact(
        &dir,
        url,
        &[
            "record-deployment",
            "-a",
            "Web",
            "-e",
            "1",
            "--environment",
            "test",
        ],
    ));
    assert_same_requests(
        &proxy.requests(),
        &official_runs("pact-broker-cli", 2, deploys)[0],
        &[],
    );

    // Not recorded, so checked against the sequence broker-api.md 1.6 gives for the Ruby
    // CLI (and pact-broker-cli's source documents): the environment by name, its
    // currently deployed versions of the pacticipant, a merge patch to each.
    proxy.clear();
    ok(&pact(
        &dir,
        url,
        &[
            "record-undeployment",
            "-a",
            "Web",
            "--environment",
            "production",
        ],
    ));
    let seen = proxy.requests();
    assert_eq!(
        seen.iter().map(line).collect::<Vec<_>>(),
        [
            "GET /",
            "GET /environments",
            "GET /environments/{uuid}",
            "GET /environments/{uuid}/deployed-versions/currently-deployed?pacticipant=Web",
            "PATCH /deployed-versions/{uuid}",
        ]
    );
    assert!(seen[2].path.ends_with(&production), "{}", seen[2].path);
    assert_eq!(
        media_type(&seen[4]).as_deref(),
        Some("application/merge-patch+json")
    );
    assert_eq!(seen[4].body, json!({"currentlyDeployed": false}));

    proxy.clear();
    ok(&pact(
        &dir,
        url,
        &[
            "record-release",
            "-a",
            "Web",
            "-e",
            "1",
            "--environment",
            "production",
        ],
    ));
    let seen = proxy.requests();
    assert_eq!(
        seen.iter().map(line).collect::<Vec<_>>(),
        [
            "GET /",
            "GET /pacticipants/Web/versions/1",
            "POST /pacticipants/Web/versions/1/released-versions/environment/{uuid}",
        ]
    );
    assert_eq!(seen[2].body, json!({}));

    proxy.clear();
    ok(&pact(
        &dir,
        url,
        &[
            "record-support-ended",
            "-a",
            "Web",
            "-e",
            "1",
            "--environment",
            "production",
        ],
    ));
    let seen = proxy.requests();
    assert_eq!(
        seen.iter().map(line).collect::<Vec<_>>(),
        [
            "GET /",
            "GET /environments",
            "GET /environments/{uuid}",
            "GET /environments/{uuid}/released-versions/currently-supported?pacticipant=Web&version=1",
            "PATCH /released-versions/{uuid}",
        ]
    );
    assert_eq!(
        media_type(&seen[4]).as_deref(),
        Some("application/merge-patch+json")
    );
    assert_eq!(seen[4].body, json!({"currentlySupported": false}));
}

#[test]
fn unknown_names_are_named_and_credentials_never_printed() {
    let dir = temp_dir("admin-unknown");
    let broker = BrokerProcess::start(
        &dir,
        &[
            ("PACT_BROKER_BASIC_AUTH_USERNAME", "ci"),
            ("PACT_BROKER_BASIC_AUTH_PASSWORD", "right-pass-4711"),
        ],
    );
    let url = broker.url.as_str();
    let auth = ["-u", "ci", "-p", "right-pass-4711"];
    let run = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend(auth);
        pact(&dir, url, &all)
    };
    // Seeding through the commands (the broker wants credentials).
    for name in ["production", "test"] {
        ok(&run(&["create-environment", "--name", name]));
    }
    ok(&run(&[
        "create-version-tag",
        "-a",
        "Web",
        "-e",
        "1",
        "-t",
        "main",
        "--auto-create-version",
    ]));

    let e = fails(
        &run(&[
            "record-deployment",
            "-a",
            "Web",
            "-e",
            "1",
            "--environment",
            "staging",
        ]),
        2,
    );
    assert!(
        e.contains("no environment named 'staging' on the Pact Broker (it has: production, test)"),
        "{e}"
    );
    let e = fails(
        &run(&[
            "record-release",
            "-a",
            "Web",
            "-e",
            "1",
            "--environment",
            "staging",
        ]),
        2,
    );
    assert!(e.contains("'staging'"), "{e}");
    for command in ["record-undeployment", "record-support-ended"] {
        let e = fails(
            &run(&[command, "-a", "Web", "-e", "1", "--environment", "staging"]),
            2,
        );
        assert!(
            e.contains("no environment named 'staging'"),
            "{command}: {e}"
        );
    }
    let e = fails(
        &run(&[
            "record-deployment",
            "-a",
            "Nobody",
            "-e",
            "1",
            "--environment",
            "production",
        ]),
        2,
    );
    assert!(e.contains("pacticipant Nobody not found"), "{e}");
    let e = fails(
        &run(&[
            "record-deployment",
            "-a",
            "Web",
            "-e",
            "99",
            "--environment",
            "production",
        ]),
        2,
    );
    assert!(e.contains("version 99 of Web not found"), "{e}");
    let e = fails(
        &run(&[
            "record-undeployment",
            "-a",
            "Nobody",
            "--environment",
            "production",
        ]),
        2,
    );
    assert!(e.contains("pacticipant Nobody not found"), "{e}");
    let e = fails(&run(&["describe-version", "-a", "Web", "-e", "99"]), 2);
    assert!(e.contains("version 99 of Web not found"), "{e}");
    let e = fails(
        &run(&["describe-version", "-a", "Web", "--latest", "prod"]),
        2,
    );
    assert!(e.contains("a version of Web tagged prod not found"), "{e}");
    let e = fails(&run(&["describe-version", "-a", "Nobody"]), 2);
    assert!(e.contains("pacticipant Nobody not found"), "{e}");
    let e = fails(
        &run(&["create-version-tag", "-a", "Web", "-e", "7", "-t", "x"]),
        2,
    );
    assert!(e.contains("version 7 of Web not found"), "{e}");

    // Wrong credentials: the broker refuses (4), and the password is not echoed.
    let out = pact(
        &dir,
        url,
        &["list-environments", "-u", "ci", "-p", "wrong-pass-0815"],
    );
    let e = fails(&out, 4);
    assert!(e.contains("refused the credentials"), "{e}");
    assert!(!text(&out).contains("wrong-pass-0815"), "{}", text(&out));
    // No broker at all: 4, naming the URL.
    let e = fails(&pact(&dir, "http://127.0.0.1:9", &["list-environments"]), 4);
    assert!(e.contains("127.0.0.1:9"), "{e}");
    // No broker named anywhere: 2.
    let e = fails(&cargo_pact(&dir, &["list-environments"], &[]), 2);
    assert!(e.contains("--broker-url"), "{e}");
}

// -----------------------------------------------------------------------------------------
// Versions, tags and pacticipants.

#[test]
fn versions_are_tagged_and_described() {
    let (dir, broker) = start("versions");
    let url = broker.url.as_str();
    seed(&dir, url);

    let out = ok(&pact(
        &dir,
        url,
        &[
            "create-version-tag",
            "-a",
            "Web",
            "-e",
            "1",
            "-t",
            "prod",
            "--tag",
            "blue",
        ],
    ));
    assert_eq!(
        out,
        "Tagged Web version 1 as prod\nTagged Web version 1 as blue\n"
    );
    for tag in ["prod", "blue"] {
        let (status, body) = http(
            "GET",
            &format!("{url}/pacticipants/Web/versions/1/tags/{tag}"),
            None,
        );
        assert_eq!((status, body["name"].as_str()), (200, Some(tag)), "{body}");
    }
    // A version the broker does not have gets created only when asked.
    let out = ok(&pact(
        &dir,
        url,
        &[
            "create-version-tag",
            "-a",
            "Web",
            "-e",
            "3",
            "-t",
            "next",
            "--auto-create-version",
            "-o",
            "json",
        ],
    ));
    let answers: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(answers[0]["name"], "next", "{answers}");

    let described = ok(&pact(
        &dir,
        url,
        &["describe-version", "-a", "Web", "-e", "1"],
    ));
    assert_eq!(
        described.lines().take(3).collect::<Vec<_>>(),
        ["Web version 1", "  Branches: main", "  Tags: prod, blue"],
        "{described}"
    );
    let latest_feat = ok(&pact(
        &dir,
        url,
        &["describe-version", "-a", "Web", "--latest", "feat-x"],
    ));
    assert!(latest_feat.starts_with("Web version 2\n"), "{latest_feat}");
    let latest = ok(&pact(&dir, url, &["describe-version", "-a", "Web"]));
    assert!(latest.starts_with("Web version 3\n"), "{latest}");
    let latest = ok(&pact(
        &dir,
        url,
        &["describe-version", "-a", "Web", "--latest"],
    ));
    assert!(latest.starts_with("Web version 3\n"), "{latest}");
    let json: Value = serde_json::from_str(&ok(&pact(
        &dir,
        url,
        &["describe-version", "-a", "Web", "-e", "2", "-o", "json"],
    )))
    .unwrap();
    assert_eq!(json["number"], "2");
    assert_eq!(json["_embedded"]["tags"][0]["name"], "feat-x");

    let e = fails(
        &pact(&dir, url, &["create-version-tag", "-a", "Web", "-e", "1"]),
        2,
    );
    assert!(e.contains("--tag"), "{e}");
}

#[test]
fn version_requests_match_the_official_clients() {
    if !have_recordings() {
        return;
    }
    let (dir, broker) = start("versions-official");
    seed(&dir, &broker.url);
    let proxy = RecordingProxy::start(&broker.url);
    let url = proxy.url.as_str();

    // The Ruby CLI: create-version-tag -a Web -e 2 -t dev (GET the version, PUT `{}`).
    ok(&pact(
        &dir,
        url,
        &["create-version-tag", "-a", "Web", "-e", "2", "-t", "dev"],
    ));
    let ruby = official_runs("pact_broker-client", 2, |r| {
        r.method == "PUT" && r.path.contains("/tags/")
    });
    assert_same_requests(&proxy.requests(), &ruby[0], &[]);

    // describe-version -a Web -e 1, as both CLIs send it (pact-broker-cli's last run).
    proxy.clear();
    ok(&pact(
        &dir,
        url,
        &["describe-version", "-a", "Web", "-e", "1"],
    ));
    let is_describe = |r: &Recorded| line(r) == "GET /pacticipants/Web/versions/1";
    let rust = official_runs("pact-broker-cli", 2, is_describe);
    assert_same_requests(&proxy.requests(), rust.last().unwrap(), &[]);
    let ruby = official_runs("httparty", 1, is_describe);
    assert_same_requests(&proxy.requests(), &ruby[0], &[]);
}

#[test]
fn pacticipants_are_created_and_updated() {
    let (dir, broker) = start("pacticipants");
    let url = broker.url.as_str();
    publish(url, "Web", "1", "feat-x", &[]);
    let proxy = RecordingProxy::start(url);

    let out = ok(&pact(
        &dir,
        &proxy.url,
        &[
            "create-or-update-pacticipant",
            "--name",
            "Web",
            "--main-branch",
            "main",
            "--repository-url",
            "https://git.example/web",
        ],
    ));
    assert_eq!(out.trim(), "Pacticipant \"Web\" updated");
    let (_, web) = http("GET", &format!("{url}/pacticipants/Web"), None);
    assert_eq!(web["mainBranch"], "main");
    assert_eq!(web["repositoryUrl"], "https://git.example/web");
    // As the Ruby CLI does it: look it up, then a patch of the given fields to its self.
    let seen = proxy.requests();
    assert_eq!(
        seen.iter().map(line).collect::<Vec<_>>(),
        ["GET /", "GET /pacticipants/Web", "PATCH /pacticipants/Web"]
    );
    assert_eq!(
        seen[2].body,
        json!({"name": "Web", "mainBranch": "main", "repositoryUrl": "https://git.example/web"})
    );
    // Fields not given stay.
    ok(&pact(
        &dir,
        url,
        &[
            "create-or-update-pacticipant",
            "--name",
            "Web",
            "--display-name",
            "Web app",
        ],
    ));
    let (_, web) = http("GET", &format!("{url}/pacticipants/Web"), None);
    assert_eq!(
        (web["displayName"].as_str(), web["mainBranch"].as_str()),
        (Some("Web app"), Some("main"))
    );

    proxy.clear();
    let out = ok(&pact(
        &dir,
        &proxy.url,
        &[
            "create-or-update-pacticipant",
            "--name",
            "Billing Service",
            "--main-branch",
            "trunk",
        ],
    ));
    assert_eq!(out.trim(), "Pacticipant \"Billing Service\" created");
    let (status, billing) = http(
        "GET",
        &format!("{url}/pacticipants/Billing%20Service"),
        None,
    );
    assert_eq!(
        (status, billing["mainBranch"].as_str()),
        (200, Some("trunk"))
    );
    assert_eq!(
        proxy.requests().iter().map(line).collect::<Vec<_>>(),
        [
            "GET /",
            "GET /pacticipants/Billing Service",
            "POST /pacticipants"
        ]
    );
}

/// Without flags, the pacticipant, the version and the broker come from the package: a
/// consumer's `consumer` setting, a provider's `provider` setting, the package version
/// (outside git and CI, without a sha) and `broker-url`.
#[test]
fn defaults_come_from_the_package() {
    let (dir, broker) = start("defaults");
    let url = broker.url.as_str();
    seed(&dir, url);
    publish(url, "Web", "1.4.0", "main", &[]);
    let package = |name: &str, version: &str, settings: &str| {
        let pkg = dir.join(name);
        std::fs::create_dir_all(pkg.join("src")).unwrap();
        std::fs::write(pkg.join("src/lib.rs"), "").unwrap();
        std::fs::write(
            pkg.join("Cargo.toml"),
            format!(
                "[package]\nname = \"{name}\"\nversion = \"{version}\"\nedition = \"2021\"\n\n\
                 [package.metadata.pact]\nbroker-url = \"{url}\"\n{settings}\n"
            ),
        )
        .unwrap();
        pkg
    };
    // `cargo_pact` runs without the CI variables, and /tmp is no git checkout: no sha.

    let web = package("web-app", "1.4.0", "consumer = \"Web\"\nprovider = \"API\"");
    let out = ok(&cargo_pact(
        &web,
        &["record-deployment", "--environment", "production"],
        &[],
    ));
    assert_eq!(
        out.trim(),
        "Recorded deployment of Web version 1.4.0 to production"
    );

    let api = package(
        "api-server",
        "2.0.0",
        "provider = \"API\"\nprovider-base-url = \"http://127.0.0.1:3001\"",
    );
    ok(&cargo_pact(
        &api,
        &["create-version-tag", "-t", "prod", "--auto-create-version"],
        &[],
    ));
    let out = ok(&cargo_pact(
        &api,
        &["describe-version", "--latest", "prod"],
        &[],
    ));
    assert!(out.starts_with("API version 2.0.0\n"), "{out}");
    // --manifest-path names the package from elsewhere.
    let manifest = web.join("Cargo.toml");
    let out = ok(&cargo_pact(
        &dir,
        &[
            "describe-version",
            "-e",
            "1.4.0",
            "--manifest-path",
            manifest.to_str().unwrap(),
        ],
        &[],
    ));
    assert!(out.starts_with("Web version 1.4.0\n"), "{out}");
}

// -----------------------------------------------------------------------------------------
// Webhooks.

#[test]
fn webhooks_are_created_without_printing_their_credentials() {
    let (dir, broker) = start("webhooks");
    let url = broker.url.as_str();
    publish(url, "Web", "1", "main", &[]);
    let secret = "s3cr3t-hook-token";
    let bearer = format!("Authorization: Bearer {secret}");
    let args = |output: &'static str| {
        vec![
            "create-webhook".to_string(),
            "https://ci.example/hooks/build".to_string(),
            "--request".into(),
            "POST".into(),
            "--header".into(),
            bearer.clone(),
            "-H".into(),
            "Content-Type: application/json".into(),
            "--data".into(),
            r#"{"ref": "main", "pact": "${pactbroker.pactUrl}"}"#.into(),
            "--consumer".into(),
            "Web".into(),
            "--provider".into(),
            "API".into(),
            "--contract-requiring-verification-published".into(),
            "--provider-verification-failed".into(),
            "--description".into(),
            "Trigger CI".into(),
            "--output".into(),
            output.into(),
        ]
    };
    let run = |output: &'static str| {
        let owned = args(output);
        let refs: Vec<&str> = owned.iter().map(String::as_str).collect();
        pact(&dir, url, &refs)
    };
    let out = run("text");
    let printed = ok(&out);
    assert!(
        printed.starts_with("Webhook \"Trigger CI\" created with UUID "),
        "{printed}"
    );
    assert!(!text(&out).contains(secret), "{}", text(&out));
    let uuid = printed.trim().rsplit(' ').next().unwrap().to_string();

    let (status, list) = http("GET", &format!("{url}/webhooks"), None);
    assert_eq!(status, 200, "{list}");
    let listed = list["_links"]["pb:webhooks"]
        .as_array()
        .expect("pb:webhooks");
    assert_eq!(listed.len(), 1, "{list}");
    assert!(
        listed[0]["href"].as_str().unwrap().ends_with(&uuid),
        "{list}"
    );
    let (_, hook) = http("GET", &format!("{url}/webhooks/{uuid}"), None);
    assert_eq!(hook["description"], "Trigger CI");
    assert_eq!(
        hook["events"],
        json!([{"name": "provider_verification_failed"}, {"name": "contract_requiring_verification_published"}])
    );
    assert_eq!(hook["request"]["method"], "POST");
    assert_eq!(hook["request"]["url"], "https://ci.example/hooks/build");
    assert_eq!(
        hook["request"]["body"],
        json!({"ref": "main", "pact": "${pactbroker.pactUrl}"})
    );
    assert_eq!(hook["consumer"]["name"], "Web");
    assert_eq!(hook["provider"]["name"], "API");
    assert!(!hook.to_string().contains(secret), "{hook}");

    // The JSON output is the broker's answer, credentials masked by it.
    let out = run("json");
    let json: Value = serde_json::from_str(&ok(&out)).unwrap();
    assert_eq!(json["description"], "Trigger CI");
    assert!(!text(&out).contains(secret), "{}", text(&out));

    // --url instead of the positional URL, a body from a file, and no consumer or provider.
    let body = dir.join("body.txt");
    std::fs::write(&body, "built ${pactbroker.consumerName}").unwrap();
    let data = format!("@{}", body.display());
    let printed = ok(&pact(
        &dir,
        url,
        &[
            "create-webhook",
            "--url",
            "https://ci.example/any",
            "-X",
            "GET",
            "-d",
            &data,
            "--contract-published",
        ],
    ));
    let uuid = printed.trim().rsplit(' ').next().unwrap();
    let (status, hook) = http("GET", &format!("{url}/webhooks/{uuid}"), None);
    assert_eq!(status, 200, "{printed}");
    assert_eq!(hook["request"]["method"], "GET");
    assert_eq!(hook["request"]["url"], "https://ci.example/any");
    assert_eq!(hook["request"]["body"], "built ${pactbroker.consumerName}");
    assert_eq!(hook["events"], json!([{"name": "contract_published"}]));
    assert!(hook.get("consumer").is_none_or(Value::is_null), "{hook}");
    let (_, list) = http("GET", &format!("{url}/webhooks"), None);
    assert_eq!(
        list["_links"]["pb:webhooks"].as_array().map(Vec::len),
        Some(3)
    );

    // No event: a mistake, caught before the broker is asked.
    let e = fails(
        &pact(&dir, url, &["create-webhook", "https://ci.example/x"]),
        2,
    );
    assert!(e.contains("--contract-content-changed"), "{e}");
    let e = fails(
        &pact(
            &dir,
            url,
            &[
                "create-webhook",
                "https://ci.example/x",
                "-H",
                secret,
                "--contract-published",
            ],
        ),
        2,
    );
    assert!(!e.contains(secret), "{e}");
}

// -----------------------------------------------------------------------------------------
// Help.

#[test]
fn help_documents_every_flag_and_variable() {
    let dir = temp_dir("admin-help");
    let broker_flags = [
        "--broker-url",
        "--broker-username",
        "--broker-password",
        "--broker-token",
        "PACT_BROKER_BASE_URL",
        "PACT_BROKER_USERNAME",
        "PACT_BROKER_PASSWORD",
        "PACT_BROKER_TOKEN",
        "--output",
        "--manifest-path",
        "--log-level",
        "PACT_LOG_LEVEL",
        "Exit codes:",
    ];
    let commands: [(&str, &[&str]); 11] = [
        (
            "record-deployment",
            &[
                "--pacticipant",
                "--version",
                "--environment",
                "--application-instance",
            ],
        ),
        (
            "record-undeployment",
            &[
                "--pacticipant",
                "--version",
                "--environment",
                "--application-instance",
            ],
        ),
        (
            "record-release",
            &["--pacticipant", "--version", "--environment"],
        ),
        (
            "record-support-ended",
            &["--pacticipant", "--version", "--environment"],
        ),
        (
            "create-environment",
            &[
                "--name",
                "--display-name",
                "--production",
                "--no-production",
                "--contact-name",
                "--contact-email-address",
            ],
        ),
        ("describe-environment", &["--uuid"]),
        ("list-environments", &[]),
        (
            "create-version-tag",
            &[
                "--pacticipant",
                "--version",
                "--tag",
                "--auto-create-version",
                "--tag-with-git-branch",
            ],
        ),
        (
            "describe-version",
            &["--pacticipant", "--version", "--latest"],
        ),
        (
            "create-or-update-pacticipant",
            &[
                "--name",
                "--display-name",
                "--main-branch",
                "--repository-url",
            ],
        ),
        (
            "create-webhook",
            &[
                "<URL>",
                "--url",
                "--request",
                "--header",
                "--data",
                "--consumer",
                "--provider",
                "--description",
                "--contract-content-changed",
                "--contract-published",
                "--provider-verification-published",
                "--provider-verification-succeeded",
                "--provider-verification-failed",
                "--contract-requiring-verification-published",
            ],
        ),
    ];
    for (command, flags) in commands {
        let help = ok(&cargo_pact(&dir, &[command, "--help"], &[]));
        for flag in flags.iter().chain(&broker_flags) {
            assert!(
                help.contains(flag),
                "{command} --help lacks {flag}:\n{help}"
            );
        }
    }
}
