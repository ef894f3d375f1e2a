//! The dashboard's index in a browser's eyes: one row per integration with its last
//! verified state, the verifying provider version, badges and webhook status; search,
//! sort and pages on the server; the HAL index still for clients.

mod seed;
mod support;

use seed::http::{branch, publish, verify};
use serde_json::json;
use std::time::Duration;
use support::{backends, pact, page, TestBroker};

/// The `<tr>` of one integration, as text.
fn row<'a>(html: &'a str, consumer: &str, provider: &str) -> &'a str {
    let start = format!("<tr data-consumer=\"{consumer}\" data-provider=\"{provider}\"");
    let at = html
        .find(&start)
        .unwrap_or_else(|| panic!("no row {consumer}/{provider} in {html}"));
    let end = html[at..].find("</tr>").expect("row end");
    &html[at..at + end]
}

/// The consumers of the rows, in page order.
fn consumers(html: &str) -> Vec<String> {
    html.split("<tr data-consumer=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn the_index_shows_each_integration_with_its_last_verified_state() {
    for backend in backends() {
        let b = TestBroker::start(&backend, "ui-index", Default::default()).await;
        let url = b.url.clone();
        let c = reqwest::Client::new();
        // Verified: Web → Orders, by Orders 2.0 on main.
        let sha = publish(
            &url,
            &pact("Web", "Orders", &["get order"]),
            "1.0.0",
            Some("main"),
            &["prod"],
        )
        .await;
        branch(&url, "Orders", "main", "2.0").await;
        verify(&url, "Orders", "Web", &sha, "2.0", true).await;
        // Failed while pending: Mobile → Orders, never verified successfully.
        let sha = publish(
            &url,
            &pact("Mobile", "Orders", &["list orders"]),
            "7",
            None,
            &[],
        )
        .await;
        verify(&url, "Orders", "Mobile", &sha, "2.0", false).await;
        // Failed: Mobile → Search broke after a success.
        let sha = publish(&url, &pact("Mobile", "Search", &["search"]), "7", None, &[]).await;
        verify(&url, "Search", "Mobile", &sha, "s1", true).await;
        verify(&url, "Search", "Mobile", &sha, "s2", false).await;
        // Changed: Web → Billing verified, then new content.
        let sha = publish(
            &url,
            &pact("Web", "Billing", &["pay"]),
            "1.0.0",
            Some("main"),
            &[],
        )
        .await;
        verify(&url, "Billing", "Web", &sha, "b1", true).await;
        publish(
            &url,
            &pact("Web", "Billing", &["pay", "refund"]),
            "1.1.0",
            Some("main"),
            &[],
        )
        .await;
        // Never verified, with a name a page must escape.
        publish(
            &url,
            &pact("<i>Admin</i>", "Billing", &["audit"]),
            "1",
            None,
            &[],
        )
        .await;

        // A webhook the broker calls back on itself, so the Web/Orders row has a status.
        let (status, body, _) = support::send(
            &c,
            "POST",
            &format!("{url}/webhooks"),
            Some(&json!({
                "consumer": {"name": "Web"}, "provider": {"name": "Orders"},
                "events": [{"name": "contract_published"}],
                "request": {"method": "GET", "url": format!("{url}/diagnostic/status/heartbeat")},
            })),
        )
        .await;
        assert_eq!(status, 201, "{body}");
        publish(
            &url,
            &pact("Web", "Orders", &["get order"]),
            "1.0.1",
            Some("main"),
            &[],
        )
        .await;

        // The webhook runs in the background: wait for its status to reach the page.
        let mut html = String::new();
        for _ in 0..100 {
            let (status, body, headers) = page(&format!("{url}/")).await;
            assert_eq!(status, 200, "{body}");
            assert_eq!(headers["content-type"], "text/html; charset=utf-8");
            let csp = headers["content-security-policy"].to_str().unwrap();
            assert!(
                csp.contains("default-src 'none'") && !csp.contains("script-src"),
                "{csp}"
            );
            html = body;
            if row(&html, "Web", "Orders").contains("webhook-succeeded") {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let web_orders = row(&html, "Web", "Orders");
        assert!(
            web_orders.contains("data-state=\"verified\""),
            "{web_orders}"
        );
        assert!(web_orders.contains(">verified</a>"), "{web_orders}");
        assert!(
            web_orders.contains(">2.0</a>"),
            "the verifying provider version: {web_orders}"
        );
        assert!(
            web_orders.contains("<span class=\"badge badge-branch\">main</span>"),
            "{web_orders}"
        );
        assert!(web_orders.contains("webhook-succeeded"), "{web_orders}");
        assert!(
            web_orders.contains("/pacts/provider/Orders/consumer/Web/version/1.0.1"),
            "{web_orders}"
        );
        let failed_pending = row(&html, "Mobile", "Orders");
        assert!(
            failed_pending.contains("state-pending\"")
                && failed_pending.contains(">failed (pending)</a>"),
            "{failed_pending}"
        );
        let failed = row(&html, "Mobile", "Search");
        assert!(
            failed.contains("state-failed\"") && failed.contains(">s2</a>"),
            "{failed}"
        );
        let changed = row(&html, "Web", "Billing");
        assert!(
            changed.contains("data-state=\"changed\"") && changed.contains(">1.1.0</a>"),
            "{changed}"
        );
        assert!(
            changed.contains("<span class=\"muted\">none</span>"),
            "no provider version for the new content: {changed}"
        );
        let unverified = row(&html, "&#60;i&#62;Admin&#60;/i&#62;", "Billing");
        assert!(
            unverified.contains(">never verified</span>"),
            "{unverified}"
        );
        assert!(!html.contains("<i>Admin"), "names are escaped");
        assert!(html.contains("1–5 of 5 integrations"), "{html}");

        // Search, sort and pages.
        let (_, html, _) = page(&format!("{url}/?search=mobile")).await;
        assert_eq!(consumers(&html), ["Mobile", "Mobile"]);
        let (_, html, _) = page(&format!("{url}/?sort=verified")).await;
        assert_eq!(consumers(&html)[0], "Mobile", "failures first: {html}");
        let (_, html, _) = page(&format!("{url}/?sort=published&order=desc&size=2")).await;
        assert_eq!(consumers(&html), ["Web", "&#60;i&#62;Admin&#60;/i&#62;"]);
        assert!(
            html.contains("1–2 of 5 integrations · page 1 of 3"),
            "{html}"
        );
        assert!(
            html.contains("/?sort=published&#38;order=desc&#38;page=2&#38;size=2\" rel=\"next\""),
            "{html}"
        );
        let (status, html, _) = page(&format!("{url}/?sort=colour")).await;
        assert_eq!(status, 400);
        assert!(html.contains("sort must be one of"), "{html}");

        // Clients still get the HAL index, and the stylesheet is served.
        let (status, index, headers) = support::send(&c, "GET", &format!("{url}/"), None).await;
        assert_eq!(status, 200);
        assert!(support::hal(&headers));
        assert!(
            index["_links"]["pb:publish-contracts"]["href"].is_string(),
            "{index}"
        );
        let css = c.get(format!("{url}/ui/style.css")).send().await.unwrap();
        assert_eq!(css.headers()["content-type"], "text/css; charset=utf-8");
        assert!(css.text().await.unwrap().contains(".state-verified"));
        b.stop().await;
    }
}

#[tokio::test]
async fn an_empty_broker_says_how_to_publish() {
    let b = TestBroker::start(&support::Backend::Sqlite, "ui-empty", Default::default()).await;
    let (status, html, _) = page(&format!("{}/", b.url)).await;
    assert_eq!(status, 200);
    assert!(html.contains("No pacts have been published yet"), "{html}");
    assert!(html.contains("0–0 of 0 integrations"), "{html}");
    b.stop().await;
}
