//! Badges over a real server, on SQLite and (when configured) PostgreSQL: the pact badge
//! in each verification state, latest and latest-tagged, with and without `.svg`; the
//! matrix badge between a consumer tag and a provider tag; the can-i-deploy badges agreeing
//! with `/can-i-deploy`; `?label=` and `?initials=true`; and public badge access, which
//! opens the badges and nothing else.

mod seed;
mod support;

use base64::Engine as _;
use pact_broker::auth::{AuthConfig, BasicUser};
use pact_broker::BrokerConfig;
use seed::http::{get, publish, verify};
use support::{backends, pact, TestBroker};

/// What a badge shows, read back from its SVG.
#[derive(Debug)]
struct Shown {
    label: String,
    message: String,
    colour: String,
    title: String,
}

/// The texts and the message's colour of a badge (texts as written in the SVG, escaped).
fn shown(svg: &str) -> Shown {
    let texts: Vec<String> = svg
        .split(" y=\"140\"")
        .skip(1)
        .map(|rest| {
            let start = rest.find('>').expect("text start") + 1;
            let end = rest.find("</text>").expect("text end");
            rest[start..end].to_string()
        })
        .collect();
    assert_eq!(texts.len(), 2, "label and message: {svg}");
    let rect = svg.find("<rect x=\"").expect("the message's rect");
    let fill = rect + svg[rect..].find("fill=\"").expect("fill") + 6;
    let colour = svg[fill..fill + svg[fill..].find('"').unwrap()].to_string();
    let t = svg.find("<title>").expect("title") + 7;
    let title = svg[t..t + svg[t..].find("</title>").unwrap()].to_string();
    Shown {
        label: texts[0].clone(),
        message: texts[1].clone(),
        colour,
        title,
    }
}

/// GETs a badge with `accept` (none when empty) and `authorization` (none when empty):
/// the status, the headers and the body.
async fn fetch(
    url: &str,
    accept: &str,
    authorization: &str,
) -> (u16, reqwest::header::HeaderMap, String) {
    let mut req = reqwest::Client::new().get(url);
    if !accept.is_empty() {
        req = req.header("Accept", accept);
    }
    if !authorization.is_empty() {
        req = req.header("Authorization", authorization);
    }
    let resp = req.send().await.expect("request");
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    (status, headers, resp.text().await.expect("body"))
}

/// The badge at `url`, checked to be a fresh SVG image: what it shows.
async fn badge(url: &str) -> Shown {
    let (status, headers, body) = fetch(url, "image/webp,image/svg+xml,*/*;q=0.8", "").await;
    assert_eq!(status, 200, "{url}: {body}");
    assert_eq!(headers["content-type"], "image/svg+xml", "{url}");
    assert_eq!(headers["cache-control"], "no-cache", "{url}");
    assert!(
        body.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""),
        "{url}: {body}"
    );
    assert!(body.contains(" role=\"img\" aria-label=\""), "{body}");
    let s = shown(&body);
    assert_eq!(s.title, format!("{}: {}", s.label, s.message), "{body}");
    assert!(
        body.contains(&format!("aria-label=\"{}\"", s.title)),
        "{body}"
    );
    s
}

/// Asserts a badge's label, message and colour.
async fn assert_badge(url: &str, label: &str, message: &str, colour: &str) {
    let s = badge(url).await;
    assert_eq!(
        (s.label.as_str(), s.message.as_str(), s.colour.as_str()),
        (label, message, colour),
        "{url}"
    );
}

const GREEN: &str = "#4c1";
const RED: &str = "#e05d44";
const ORANGE: &str = "#fe7d37";
const GREY: &str = "#9f9f9f";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pact_badges_show_the_verification_state() {
    for backend in backends() {
        let b = TestBroker::start(&backend, "ui-badges", BrokerConfig::default()).await;
        let u = b.url.clone();
        let badge_of = |provider: &str, rest: &str| {
            format!("{u}/pacts/provider/{provider}/consumer/WebApp/latest{rest}")
        };

        // Verified.
        let sha = publish(
            &u,
            &pact("WebApp", "order-history", &["a"]),
            "1",
            None,
            &["prod"],
        )
        .await;
        verify(&u, "order-history", "WebApp", &sha, "10", true).await;
        // Failed, never verified before (pending).
        let sha = publish(
            &u,
            &pact("WebApp", "BillingService", &["a"]),
            "1",
            None,
            &[],
        )
        .await;
        verify(&u, "BillingService", "WebApp", &sha, "20", false).await;
        // Failed after it was verified: a provider broke the contract.
        let sha = publish(&u, &pact("Mobile", "order-history", &["m"]), "1", None, &[]).await;
        verify(&u, "order-history", "Mobile", &sha, "10", true).await;
        verify(&u, "order-history", "Mobile", &sha, "11", false).await;
        // Changed: new content after a successful verification; the prod tag still has
        // the verified one.
        let sha = publish(
            &u,
            &pact("WebApp", "stock_levels", &["a"]),
            "1",
            None,
            &["prod"],
        )
        .await;
        verify(&u, "stock_levels", "WebApp", &sha, "30", true).await;
        publish(
            &u,
            &pact("WebApp", "stock_levels", &["a", "b"]),
            "2",
            None,
            &[],
        )
        .await;
        // Never verified.
        publish(&u, &pact("WebApp", "Search Engine", &["a"]), "1", None, &[]).await;

        let cases = [
            (
                "order-history",
                "webapp/order-history pact",
                "verified",
                GREEN,
            ),
            (
                "BillingService",
                "webapp/billingservice pact",
                "failed",
                RED,
            ),
            (
                "stock_levels",
                "webapp/stock_levels pact",
                "changed",
                ORANGE,
            ),
            (
                "Search%20Engine",
                "webapp/search engine pact",
                "unknown",
                GREY,
            ),
        ];
        for (provider, label, message, colour) in cases {
            assert_badge(&badge_of(provider, "/badge"), label, message, colour).await;
            assert_badge(&badge_of(provider, "/badge.svg"), label, message, colour).await;
        }
        assert_badge(
            &format!("{u}/pacts/provider/order-history/consumer/Mobile/latest/badge"),
            "mobile/order-history pact",
            "failed",
            RED,
        )
        .await;

        // The latest pact of a tag has its own state.
        assert_badge(
            &badge_of("stock_levels", "/prod/badge"),
            "webapp/stock_levels pact",
            "verified",
            GREEN,
        )
        .await;
        assert_badge(
            &badge_of("stock_levels", "/prod/badge.svg"),
            "webapp/stock_levels pact",
            "verified",
            GREEN,
        )
        .await;
        assert_badge(
            &badge_of("order-history", "/prod/badge"),
            "webapp/order-history pact",
            "verified",
            GREEN,
        )
        .await;
        // A pair or a tag without a pact is a grey badge, not a 404.
        for missing in [
            badge_of("BillingService", "/nope/badge"),
            badge_of("Nobody", "/badge"),
            format!("{u}/pacts/provider/order-history/consumer/Nobody/latest/badge.svg"),
        ] {
            assert_badge(&missing, "pact not found", "unknown", GREY).await;
        }

        // ?label= names one side; ?initials=true abbreviates (kebab, camel, snake, space).
        let cases = [
            ("order-history", "?label=consumer", "webapp pact"),
            ("order-history", "?label=provider", "order-history pact"),
            ("order-history", "?initials=true", "wa/oh pact"),
            ("BillingService", "?initials=true&label=provider", "bs pact"),
            ("stock_levels", "?label=consumer&initials=true", "wa pact"),
            ("Search%20Engine", "?initials=true", "wa/se pact"),
            (
                "order-history",
                "?label=something+else",
                "webapp/order-history pact",
            ),
        ];
        for (provider, query, label) in cases {
            let s = badge(&badge_of(provider, &format!("/badge{query}"))).await;
            assert_eq!(s.label, label, "{provider}{query}");
        }

        // Whatever the client accepts: a browser opening the URL, a HAL client, curl.
        for accept in [
            "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
            "application/hal+json",
            "*/*",
            "",
        ] {
            let (status, headers, body) =
                fetch(&badge_of("order-history", "/badge"), accept, "").await;
            assert_eq!(status, 200, "{accept}");
            assert_eq!(headers["content-type"], "image/svg+xml", "{accept}");
            assert_eq!(shown(&body).message, "verified", "{accept}");
        }
        // The pact itself is still the API's.
        let (status, pact) = get(&badge_of("order-history", "")).await;
        assert_eq!(status, 200, "{pact}");
        assert_eq!(pact["consumer"]["name"], "WebApp");
        b.stop().await;
    }
}

/// Tags a version (creating it), as `create-version-tag` does.
async fn tag(base: &str, pacticipant: &str, version: &str, tag: &str) {
    let url = format!("{base}/pacticipants/{pacticipant}/versions/{version}/tags/{tag}");
    let (status, body) =
        seed::http::send(reqwest::Method::PUT, &url, Some(&serde_json::json!({}))).await;
    assert!(status == 200 || status == 201, "{status} {body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_matrix_badge_follows_the_tagged_provider() {
    for backend in backends() {
        let b = TestBroker::start(&backend, "ui-badges-matrix", BrokerConfig::default()).await;
        let u = b.url.clone();
        let matrix = |ptag: &str, ctag: &str| {
            format!("{u}/matrix/provider/API/latest/{ptag}/consumer/Web/latest/{ctag}/badge")
        };
        let sha = publish(&u, &pact("Web", "API", &["a"]), "1", None, &["prod"]).await;
        verify(&u, "API", "Web", &sha, "10", true).await;
        tag(&u, "API", "10", "main").await;
        verify(&u, "API", "Web", &sha, "11", false).await;
        tag(&u, "API", "11", "feature").await;

        assert_badge(
            &matrix("main", "prod"),
            "web (prod)/api (main) pact",
            "verified",
            GREEN,
        )
        .await;
        assert_badge(
            &format!("{}.svg", matrix("feature", "prod")),
            "web (prod)/api (feature) pact",
            "failed",
            RED,
        )
        .await;
        // No verification by a provider version with that tag.
        assert_badge(
            &matrix("none", "prod"),
            "web (prod)/api (none) pact",
            "unknown",
            GREY,
        )
        .await;
        // The tag's latest pact changes: main verified the content before it.
        publish(&u, &pact("Web", "API", &["a", "b"]), "2", None, &["prod"]).await;
        assert_badge(
            &matrix("main", "prod"),
            "web (prod)/api (main) pact",
            "changed",
            ORANGE,
        )
        .await;
        assert_badge(
            &matrix("feature", "prod"),
            "web (prod)/api (feature) pact",
            "failed",
            RED,
        )
        .await;
        // No pact for the consumer tag, or no such consumer.
        assert_badge(&matrix("main", "test"), "pact not found", "unknown", GREY).await;
        assert_badge(
            &format!("{u}/matrix/provider/API/latest/main/consumer/Nobody/latest/prod/badge"),
            "pact not found",
            "unknown",
            GREY,
        )
        .await;
        let s = badge(&format!("{}?label=provider", matrix("main", "prod"))).await;
        assert_eq!(s.label, "api (main) pact");
        let s = badge(&format!(
            "{}?label=consumer&initials=true",
            matrix("main", "prod")
        ))
        .await;
        assert_eq!(s.label, "web (prod) pact");
        b.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn can_i_deploy_badges_agree_with_can_i_deploy() {
    for backend in backends() {
        let b = TestBroker::start(&backend, "ui-badges-cid", BrokerConfig::default()).await;
        let u = b.url.clone();
        let sha = publish(
            &u,
            &pact("Web", "API", &["a"]),
            "1",
            Some("main"),
            &["main"],
        )
        .await;
        verify(&u, "API", "Web", &sha, "10", true).await;
        tag(&u, "API", "10", "prod").await;
        seed::deploy(&b.database, "API", "10", "production").await;
        let sha = publish(
            &u,
            &pact("Web", "API", &["a", "b"]),
            "2",
            Some("feat"),
            &["feat"],
        )
        .await;
        verify(&u, "API", "Web", &sha, "10", false).await;
        // Known, but never verified by what is in production.
        publish(&u, &pact("Web", "API", &["a", "c"]), "3", Some("next"), &[]).await;

        for (version, deployable) in [("1", true), ("2", false), ("3", false)] {
            let (status, body) = get(&format!(
                "{u}/can-i-deploy?pacticipant=Web&version={version}&environment=production"
            ))
            .await;
            assert_eq!(status, 200, "{body}");
            assert_eq!(
                body["summary"]["deployable"] == true,
                deployable,
                "{version}: {body}"
            );
        }
        let to_env = |branch: &str, env: &str| {
            format!("{u}/pacticipants/Web/branches/{branch}/latest-version/can-i-deploy/to-environment/{env}/badge")
        };
        assert_badge(
            &to_env("main", "production"),
            "can-i-deploy",
            "main to production",
            GREEN,
        )
        .await;
        assert_badge(
            &format!("{}.svg", to_env("main", "production")),
            "can-i-deploy",
            "main to production",
            GREEN,
        )
        .await;
        assert_badge(
            &to_env("feat", "production"),
            "can-i-deploy",
            "feat to production",
            RED,
        )
        .await;
        assert_badge(
            &to_env("next", "production"),
            "can-i-deploy",
            "next to production",
            RED,
        )
        .await;
        assert_badge(
            &format!("{}?label=web+app", to_env("main", "production")),
            "web app",
            "main to production",
            GREEN,
        )
        .await;
        assert_badge(&to_env("nope", "production"), "branch", "not found", GREY).await;
        assert_badge(&to_env("main", "staging"), "environment", "not found", GREY).await;
        assert_badge(
            &format!("{u}/pacticipants/Nobody/branches/main/latest-version/can-i-deploy/to-environment/production/badge"),
            "pacticipant",
            "not found",
            GREY,
        )
        .await;

        // From a tag to the versions with another tag.
        let to_tag = |from: &str, to: &str| {
            format!("{u}/pacticipants/Web/latest-version/{from}/can-i-deploy/to/{to}/badge")
        };
        assert_badge(
            &to_tag("main", "prod"),
            "can-i-deploy",
            "main to prod",
            GREEN,
        )
        .await;
        assert_badge(
            &format!("{}.svg", to_tag("feat", "prod")),
            "can-i-deploy",
            "feat to prod",
            RED,
        )
        .await;
        assert_badge(&to_tag("nope", "prod"), "version", "not found", GREY).await;
        b.stop().await;
    }
}

fn basic(user: &str, password: &str) -> String {
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn public_badge_access_opens_the_badges_and_nothing_else() {
    for backend in backends() {
        for public_badges in [false, true] {
            let config = BrokerConfig {
                auth: AuthConfig {
                    read_write_user: Some(BasicUser {
                        username: "ci".into(),
                        password: "s3cret".into(),
                    }),
                    ..AuthConfig::default()
                },
                public_badges,
                ..BrokerConfig::default()
            };
            let b = TestBroker::start(&backend, "ui-badges-auth", config).await;
            let u = b.url.clone();
            let ci = basic("ci", "s3cret");
            let mut headers = reqwest::header::HeaderMap::new();
            headers.insert("authorization", ci.parse().unwrap());
            let client = reqwest::Client::builder()
                .default_headers(headers)
                .build()
                .unwrap();
            let body =
                support::publish_body(&pact("Web", "API", &["a"]), "1", Some("main"), &["prod"]);
            let (status, reply, _) = support::send(
                &client,
                "POST",
                &format!("{u}/contracts/publish"),
                Some(&body),
            )
            .await;
            assert_eq!(status, 200, "{reply}");

            let badges = [
                format!("{u}/pacts/provider/API/consumer/Web/latest/badge"),
                format!("{u}/pacts/provider/API/consumer/Web/latest/badge.svg"),
                format!("{u}/pacts/provider/API/consumer/Web/latest/prod/badge"),
                format!("{u}/matrix/provider/API/latest/main/consumer/Web/latest/prod/badge"),
                format!("{u}/pacticipants/Web/branches/main/latest-version/can-i-deploy/to-environment/production/badge.svg"),
                format!("{u}/pacticipants/Web/latest-version/prod/can-i-deploy/to/prod/badge"),
            ];
            for url in &badges {
                // With the right credentials, always.
                let (status, headers, svg) = fetch(url, "", &ci).await;
                assert_eq!(status, 200, "{url}: {svg}");
                assert_eq!(headers["content-type"], "image/svg+xml");
                // Without, only when public badges are on.
                let (status, headers, svg) = fetch(url, "image/*", "").await;
                if public_badges {
                    assert_eq!(status, 200, "{url}: {svg}");
                    assert_eq!(headers["content-type"], "image/svg+xml");
                } else {
                    assert_eq!(status, 401, "{url}: {svg}");
                    assert!(headers.contains_key("www-authenticate"));
                }
                // Wrong credentials, never.
                let (status, _, svg) = fetch(url, "image/*", &basic("ci", "wrong")).await;
                assert_eq!(status, 401, "{url}: {svg}");
            }
            let s = shown(&fetch(&badges[0], "", &ci).await.2);
            assert_eq!(
                (s.label.as_str(), s.message.as_str()),
                ("web/api pact", "unknown")
            );

            // Nothing else opens: the pact, the index page, the matrix, writes to a badge URL.
            for url in [
                format!("{u}/"),
                format!("{u}/pacts/provider/API/consumer/Web/latest"),
                format!("{u}/pacts/provider/API/consumer/Web/latest/prod"),
                format!("{u}/pacts/provider/API/consumer/Web/latest/badge/more"),
                format!("{u}/pacticipants"),
                format!("{u}/pacticipants/Web/latest-version/prod"),
                format!("{u}/matrix?q%5B%5D%5Bpacticipant%5D=Web&q%5B%5D%5Blatest%5D=true"),
                format!("{u}/diagnostic/status/heartbeat"),
                format!("{u}/ui/style.css"),
            ] {
                for accept in ["", "text/html"] {
                    let (status, _, body) = fetch(&url, accept, "").await;
                    assert_eq!(status, 401, "{url} ({accept}): {body}");
                }
            }
            for method in [
                reqwest::Method::POST,
                reqwest::Method::PUT,
                reqwest::Method::DELETE,
            ] {
                let resp = reqwest::Client::new()
                    .request(method.clone(), &badges[0])
                    .send()
                    .await
                    .unwrap();
                assert_eq!(resp.status().as_u16(), 401, "{method}");
            }
            b.stop().await;
        }
    }
}
