//! The Pact pipeline with `cargo pact` alone, against `cargo pact broker` (on SQLite, and on
//! PostgreSQL when CI provides one): the consumer publishes the example pact with no flag but
//! the broker URL in its workspace metadata; the example provider verifies from the broker
//! with selectors and pending and publishes; can-i-deploy says yes; the provider's deployment
//! is recorded and can-i-deploy to production says yes; a broken provider fails and
//! can-i-deploy says no with the failing row; changed content for a published version is
//! refused.

#[path = "support/peers.rs"]
mod peers;
#[path = "support/pipeline.rs"]
mod pipeline;

use pipeline::{commit, serve, BrokerProcess};
use product_service_provider::{routes, states, ProductStates, Store};
use std::path::Path;
use std::process::Output;
use warp::{Filter, Reply};

/// `cargo pact ARGS` in `dir` (none of the test's environment), printed with its output.
fn cargo_pact(dir: &Path, args: &[&str]) -> Output {
    let out = pipeline::cargo_pact(dir, args, &[]);
    println!(
        "$ cargo pact {}\n{}{}",
        args.join(" "),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The consumer's workspace: the example consumer's settings, the broker URL in the
/// workspace metadata, and the example pact in its pact dir.
fn consumer_workspace(dir: &Path, broker_url: &str) {
    std::fs::create_dir_all(dir.join("consumer/src")).unwrap();
    std::fs::create_dir_all(dir.join("pacts")).unwrap();
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[workspace]\nmembers = [\"consumer\"]\nresolver = \"2\"\n\n\
             [workspace.metadata.pact]\nbroker-url = \"{broker_url}\"\n"
        ),
    )
    .unwrap();
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/product-service");
    let manifest = std::fs::read_to_string(example.join("consumer/Cargo.toml")).unwrap();
    let metadata = manifest
        .split("[package.metadata.pact]")
        .nth(1)
        .and_then(|rest| rest.split("\n[").next())
        .expect("the example consumer has [package.metadata.pact]");
    std::fs::write(
        dir.join("consumer/Cargo.toml"),
        format!(
            "[package]\nname = \"product-service-consumer\"\nversion = \"0.1.0\"\n\
             edition = \"2021\"\n\n[package.metadata.pact]{metadata}"
        ),
    )
    .unwrap();
    std::fs::write(dir.join("consumer/src/lib.rs"), "").unwrap();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../examples/product-service/pacts/Consumer-Provider.json"),
        dir.join("pacts/Consumer-Provider.json"),
    )
    .unwrap();
}

/// The provider's package, configured as the example provider is, verifying from the broker.
fn provider_package(dir: &Path, broker_url: &str, provider_url: &str) {
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::write(dir.join("src/lib.rs"), "").unwrap();
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"product-service-provider\"\nversion = \"0.2.0\"\nedition = \"2021\"\n\n\
             [package.metadata.pact]\nprovider = \"Provider\"\nbroker-url = \"{broker_url}\"\n\
             provider-base-url = \"{provider_url}\"\n\
             state-change-url = \"{provider_url}/api/_pact/state\"\n\
             consumer-version-selectors = [{{ mainBranch = true }}, {{ deployedOrReleased = true }}]\n\
             enable-pending = true\n"
        ),
    )
    .unwrap();
}

/// The provider with its state handlers but a `GET /builds/{id}` that fails.
fn broken_provider() -> String {
    let store = Store::default();
    serve(
        states::state_filter(ProductStates(store))
            .or(warp::path!("builds" / u64).map(|_id: u64| {
                warp::reply::with_status("broken", warp::http::StatusCode::INTERNAL_SERVER_ERROR)
                    .into_response()
            }))
            .unify(),
    )
}

#[test]
fn the_pipeline_runs_with_cargo_pact_alone() {
    let dir = pipeline::temp_dir("pipeline-e2e");
    for database in peers::databases(&dir) {
        println!("== on {}", database.split(':').next().unwrap_or_default());
        pipeline(&dir, &database);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

fn pipeline(root: &Path, database: &str) {
    let kind = database.split(':').next().unwrap_or("db");
    let work = root.join(kind);
    std::fs::create_dir_all(&work).unwrap();
    let b = BrokerProcess::on(database, &work.join("broker.log"), &[]);

    // The consumer publishes with no flag.
    let consumer = work.join("consumer-ws");
    consumer_workspace(&consumer, &b.url);
    let consumer_version = commit(&consumer, "0.1.0");
    let published = cargo_pact(&consumer, &["publish"]);
    assert!(published.status.success(), "publish failed");
    assert!(stdout(&published).contains(&format!(
        "Pact successfully published for Consumer version {consumer_version} and provider Provider."
    )));

    // The provider verifies from the broker and publishes, with no flag.
    let provider = work.join("provider");
    let good = serve(routes(Store::default()));
    provider_package(&provider, &b.url, &good);
    let provider_version = commit(&provider, "0.2.0");
    let verified = cargo_pact(&provider, &["verify", "--publish"]);
    assert!(verified.status.success(), "verify failed");
    assert!(
        String::from_utf8_lossy(&verified.stdout).contains("verification result published")
            || String::from_utf8_lossy(&verified.stderr).contains("verification result published")
    );

    // can-i-deploy: yes for the consumer version and for the provider version.
    let yes = cargo_pact(
        &consumer.join("consumer"),
        &[
            "can-i-deploy",
            "--pacticipant",
            "Consumer",
            "--version",
            &consumer_version,
        ],
    );
    assert_eq!(yes.status.code(), Some(0), "can-i-deploy said no");
    assert!(
        stdout(&yes).contains(&provider_version),
        "the row names the provider version"
    );

    // The provider is deployed to production; the consumer may follow it there.
    let env = cargo_pact(
        &provider,
        &["create-environment", "--name", "production", "--production"],
    );
    assert!(env.status.success(), "create-environment failed");
    let deployed = cargo_pact(
        &provider,
        &[
            "record-deployment",
            "--pacticipant",
            "Provider",
            "--version",
            &provider_version,
            "--environment",
            "production",
        ],
    );
    assert!(deployed.status.success(), "record-deployment failed");
    let to_prod = cargo_pact(
        &consumer.join("consumer"),
        &[
            "can-i-deploy",
            "--pacticipant",
            "Consumer",
            "--version",
            &consumer_version,
            "--to-environment",
            "production",
        ],
    );
    assert_eq!(
        to_prod.status.code(),
        Some(0),
        "can-i-deploy to production said no"
    );

    let consumer_deployed = cargo_pact(
        &consumer.join("consumer"),
        &[
            "record-deployment",
            "--version",
            &consumer_version,
            "--environment",
            "production",
        ],
    );
    assert!(
        consumer_deployed.status.success(),
        "record-deployment of the consumer failed"
    );

    // A broken provider version fails its verification, and may not join the consumer in
    // production.
    let broken = broken_provider();
    provider_package(&provider, &b.url, &broken);
    let broken_version = commit(&provider, "0.2.0");
    let failed = cargo_pact(&provider, &["verify", "--publish"]);
    assert_eq!(
        failed.status.code(),
        Some(1),
        "the broken provider verified"
    );
    let no = cargo_pact(
        &provider,
        &[
            "can-i-deploy",
            "--pacticipant",
            "Provider",
            "--version",
            &broken_version,
            "--to-environment",
            "production",
        ],
    );
    assert_eq!(
        no.status.code(),
        Some(1),
        "can-i-deploy said yes to a failed version"
    );
    let table = stdout(&no);
    let row = table
        .lines()
        .find(|l| l.contains(&broken_version))
        .unwrap_or_else(|| panic!("no row for {broken_version} in\n{table}"));
    assert!(row.contains(&consumer_version), "{row}");

    // Changed content under the published version is refused, naming the conflict.
    let pact = consumer.join("pacts/Consumer-Provider.json");
    let mut json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&pact).unwrap()).unwrap();
    json["interactions"][0]["description"] = "a changed description".into();
    std::fs::write(&pact, json.to_string()).unwrap();
    let refused = cargo_pact(
        &consumer,
        &["publish", "--consumer-app-version", &consumer_version],
    );
    assert_eq!(refused.status.code(), Some(4));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("Cannot change the content"));
}
