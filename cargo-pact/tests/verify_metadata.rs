//! `cargo pact verify --publish` in a configured provider package, with no other flag: the
//! broker URL, selectors, pending, provider URLs from `[package.metadata.pact]`, the
//! provider version and branch from the package and git, against a real `cargo pact broker`.

#[path = "support/pipeline.rs"]
mod pipeline;

use pipeline::{cargo_pact, text, BrokerProcess, RecordingProxy};
use product_service_provider::{routes, Store};
use serde_json::Value;
use std::path::PathBuf;

fn example_pact() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../examples/product-service/pacts/Consumer-Provider.json")
}

#[test]
fn verify_publish_needs_no_flag_in_a_configured_provider_package() {
    let dir = pipeline::temp_dir("verify-metadata");
    let broker = BrokerProcess::start(&dir, &[]);
    let proxy = RecordingProxy::start(&broker.url);
    let provider = pipeline::serve(routes(Store::default()));

    // The consumer's pact on the broker, from its main branch.
    let pact = example_pact();
    let published = cargo_pact(
        &dir,
        &[
            "publish",
            pact.to_str().unwrap(),
            "--broker-url",
            &broker.url,
            "--consumer-app-version",
            "1.0.0",
            "--branch",
            "main",
        ],
        &[],
    );
    assert!(published.status.success(), "{}", text(&published));

    let package = dir.join("provider");
    std::fs::create_dir_all(package.join("src")).unwrap();
    std::fs::write(package.join("src/lib.rs"), "").unwrap();
    std::fs::write(
        package.join("Cargo.toml"),
        format!(
            "[package]\nname = \"builds-api\"\nversion = \"2.1.0\"\nedition = \"2021\"\n\n\
             [package.metadata.pact]\nprovider = \"Provider\"\nbroker-url = \"{}\"\n\
             provider-base-url = \"{provider}\"\nstate-change-url = \"{provider}/api/_pact/state\"\n\
             consumer-version-selectors = [{{ mainBranch = true }}]\nenable-pending = true\n",
            proxy.url
        ),
    )
    .unwrap();
    let version = pipeline::commit(&package, "2.1.0");

    let out = cargo_pact(&package, &["verify", "--publish"], &[]);
    assert!(out.status.success(), "{}", text(&out));

    let sent = proxy.requests();
    let asked = sent
        .iter()
        .find(|r| r.method == "POST" && r.path.ends_with("/for-verification"))
        .unwrap_or_else(|| panic!("no pacts-for-verification request in {sent:?}"));
    assert_eq!(
        asked.body["consumerVersionSelectors"],
        serde_json::json!([{"mainBranch": true}])
    );
    assert_eq!(asked.body["includePendingStatus"], true);
    assert_eq!(asked.body["providerVersionBranch"], "main");
    let result = sent
        .iter()
        .find(|r| r.method == "POST" && r.path.ends_with("/verification-results"))
        .unwrap_or_else(|| panic!("no verification result in {sent:?}"));
    assert_eq!(
        result.body["providerApplicationVersion"],
        Value::from(version.clone())
    );
    assert_eq!(result.body["success"], true);
    assert!(sent.iter().any(|r| r.method == "PUT"
        && r.path == format!("/pacticipants/Provider/branches/main/versions/{version}")));
}
