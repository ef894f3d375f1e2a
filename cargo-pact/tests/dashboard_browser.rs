//! The dashboard in a real browser: `cargo pact broker` gets two pacts, `cargo pact verify
//! --publish` verifies one successfully and the other with a failure, and headless
//! Chromium loads the index, the failed pact's page and the network graph. Each page must
//! show the right states, render without a console message, and request nothing from any
//! other host. Screenshots are kept under `target/dashboard-screenshots/`.

#[path = "support/browser.rs"]
mod browser;
#[path = "support/pipeline.rs"]
mod pipeline;

use pipeline::{cargo_pact, commit, serve, text, BrokerProcess};
use product_service_provider::{routes, Store};
use serde_json::json;
use std::path::{Path, PathBuf};
use warp::{Filter, Reply};

/// Where the screenshots are kept: `target/dashboard-screenshots`.
fn screenshots() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("the target dir")
        .join("dashboard-screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The example provider plus `GET /health`, answering `{"status": health}`.
fn provider(health: &'static str) -> String {
    serve(
        routes(Store::default())
            .or(warp::path!("health")
                .map(move || warp::reply::json(&json!({"status": health})).into_response()))
            .unify(),
    )
}

/// A package whose pact settings verify `Provider` from the broker against `provider_url`.
fn provider_package(dir: &Path, broker_url: &str, provider_url: &str) {
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::write(dir.join("src/lib.rs"), "").unwrap();
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"dashboard-provider\"\nversion = \"0.3.0\"\nedition = \"2021\"\n\n\
             [package.metadata.pact]\nprovider = \"Provider\"\nbroker-url = \"{broker_url}\"\n\
             provider-base-url = \"{provider_url}\"\n\
             state-change-url = \"{provider_url}/api/_pact/state\"\n"
        ),
    )
    .unwrap();
}

/// The second consumer's pact: a health check the provider answers `up`.
fn health_pact() -> serde_json::Value {
    json!({
        "consumer": {"name": "Monitor"},
        "provider": {"name": "Provider"},
        "interactions": [{
            "description": "a health check",
            "request": {"method": "GET", "path": "/health"},
            "response": {"status": 200, "headers": {"Content-Type": "application/json"}, "body": {"status": "up"}},
        }],
        "metadata": {"pactSpecification": {"version": "3.0.0"}},
    })
}

/// The browser's checks are themselves checked: a page that breaks both rules is caught.
fn assert_the_browser_reports_what_it_should(chromium: &Path, work: &Path) {
    let probe = serve(warp::path!("probe").map(|| {
        warp::reply::html(
            "<!DOCTYPE html><html><head><meta http-equiv=\"Content-Security-Policy\" content=\"img-src 'self'\"></head>\
             <body><p>probe</p><img src=\"http://elsewhere.invalid/pixel.png\"><script>console.warn('probe warning')</script></body></html>",
        )
        .into_response()
    }));
    let loaded = browser::load(
        chromium,
        work,
        &format!("{probe}/probe"),
        800,
        &work.join("probe.png"),
    );
    assert!(loaded.dom.contains("<p>probe</p>"), "{}", loaded.dom);
    assert!(
        loaded.console.iter().any(|l| l.contains("probe warning")),
        "console lines are read: {:?}",
        loaded.console
    );
    assert!(
        loaded
            .console
            .iter()
            .any(|l| l.contains("Content Security Policy")),
        "a blocked request shows in the console: {:?}",
        loaded.console
    );
}

#[test]
fn the_dashboard_shows_green_red_and_why_in_a_real_browser() {
    let Some(chromium) = browser::chromium() else {
        return;
    };
    let work = pipeline::temp_dir("dashboard-browser");
    assert_the_browser_reports_what_it_should(&chromium, &work);

    let broker = BrokerProcess::start(&work, &[]);
    let url = broker.url.clone();

    // Two consumers publish.
    let consumer = work.join("consumers");
    std::fs::create_dir_all(consumer.join("src")).unwrap();
    std::fs::write(
        consumer.join("Cargo.toml"),
        "[package]\nname = \"dashboard-consumers\"\nversion = \"1.0.0\"\nedition = \"2021\"\n",
    )
    .unwrap();
    std::fs::write(consumer.join("src/lib.rs"), "").unwrap();
    std::fs::write(
        consumer.join("Monitor-Provider.json"),
        health_pact().to_string(),
    )
    .unwrap();
    commit(&consumer, "1.0.0");
    let example = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../examples/product-service/pacts/Consumer-Provider.json");
    for (file, version) in [
        (example.clone(), "1.0.0"),
        (consumer.join("Monitor-Provider.json"), "2.0.0"),
    ] {
        let out = cargo_pact(
            &consumer,
            &[
                "publish",
                file.to_str().unwrap(),
                "--broker-url",
                &url,
                "--consumer-app-version",
                version,
                "--branch",
                "main",
            ],
            &[],
        );
        assert!(
            out.status.success(),
            "publish {}: {}",
            file.display(),
            text(&out)
        );
    }

    // The provider verifies both; then a version that reports itself down verifies again.
    let package = work.join("provider");
    let healthy = provider("up");
    provider_package(&package, &url, &healthy);
    let first = commit(&package, "0.3.0");
    let out = cargo_pact(&package, &["verify", "--publish"], &[]);
    assert!(
        out.status.success(),
        "the healthy provider verifies: {}",
        text(&out)
    );
    let down = provider("down");
    provider_package(&package, &url, &down);
    let second = commit(&package, "0.3.0");
    assert_ne!(first, second);
    let out = cargo_pact(&package, &["verify", "--publish"], &[]);
    assert!(
        !out.status.success(),
        "the broken provider fails: {}",
        text(&out)
    );

    let shots = screenshots();
    let pages = [
        ("index", format!("{url}/"), 1280),
        ("index-phone", format!("{url}/"), 390),
        (
            "pact",
            format!("{url}/pacts/provider/Provider/consumer/Monitor/latest"),
            1280,
        ),
        ("network", format!("{url}/network"), 1280),
        (
            "matrix",
            format!("{url}/matrix/provider/Provider/consumer/Monitor"),
            1280,
        ),
        ("environments", format!("{url}/environments"), 1280),
    ];
    let mut doms = std::collections::HashMap::new();
    for (name, page, width) in &pages {
        let loaded = browser::load(
            &chromium,
            &work,
            page,
            *width,
            &shots.join(format!("{name}.png")),
        );
        assert!(
            loaded.console.is_empty(),
            "{name}: console messages: {:?}",
            loaded.console
        );
        let elsewhere: Vec<_> = loaded
            .requests
            .iter()
            .filter(|r| !r.starts_with(&url))
            .collect();
        assert!(
            elsewhere.is_empty(),
            "{name} requested other hosts: {elsewhere:?}"
        );
        assert!(
            loaded.requests.iter().any(|r| r.ends_with("/ui/style.css")),
            "{name}: {:?}",
            loaded.requests
        );
        if std::env::var_os("DUMP_DOM").is_some() {
            std::fs::write(shots.join(format!("{name}.html")), &loaded.dom).unwrap();
        }
        doms.insert(*name, loaded.dom);
    }

    // The index: the verified row green with the provider version, the failed one red.
    let index = &doms["index"];
    let row = |consumer: &str| -> &str {
        let at = index
            .find(&format!(
                "<tr data-consumer=\"{consumer}\" data-provider=\"Provider\""
            ))
            .unwrap_or_else(|| panic!("no {consumer} row: {index}"));
        &index[at..at + index[at..].find("</tr>").unwrap()]
    };
    let green = row("Consumer");
    assert!(
        green.contains("data-state=\"verified\"") && green.contains(">verified</a>"),
        "{green}"
    );
    assert!(
        green.contains(&format!(">{second}</a>")),
        "the provider version that verified: {green}"
    );
    let red = row("Monitor");
    assert!(
        red.contains("data-state=\"failed\"") && red.contains(">failed</a>"),
        "{red}"
    );
    assert!(red.contains(&format!(">{second}</a>")), "{red}");

    // The failed pact's page: the failing interaction with the mismatch the verifier published.
    let pact = &doms["pact"];
    let failing = pact
        .find("<section class=\"interaction has-failure\"")
        .map(|at| &pact[at..at + pact[at..].find("</section>").unwrap()])
        .unwrap_or_else(|| panic!("no failing interaction: {pact}"));
    assert!(failing.contains("a health check"), "{failing}");
    assert!(
        failing.contains("Expected 'down' (String) to be equal to 'up' (String)"),
        "the mismatch text: {failing}"
    );
    assert!(
        failing.contains(&second),
        "the provider version that failed: {failing}"
    );

    // The network graph: both edges, each in its state's colour, linking to its pact.
    let network = &doms["network"];
    assert!(network.contains("<svg"), "the graph is inline: {network}");
    for (consumer, state, colour) in [
        ("Consumer", "verified", "#1a7f37"),
        ("Monitor", "failed", "#c62828"),
    ] {
        let start = format!(
            "class=\"edge edge-{state}\" data-consumer=\"{consumer}\" data-provider=\"Provider\""
        );
        let at = network
            .find(&start)
            .unwrap_or_else(|| panic!("no {state} edge from {consumer}: {network}"));
        let edge = &network[at..at + network[at..].find("</a>").unwrap()];
        assert!(
            edge.contains(&format!("<title>{consumer} → Provider: {state}</title>")),
            "{edge}"
        );
        assert!(edge.contains(&format!("stroke=\"{colour}\"")), "{edge}");
        let link = &network[..at];
        assert!(
            link.ends_with(&format!(
                "href=\"{url}/pacts/provider/Provider/consumer/{consumer}/latest\" "
            )),
            "the edge links to its pact"
        );
    }

    println!("screenshots in {}", shots.display());
    drop(broker);
    let _ = std::fs::remove_dir_all(&work);
}
