//! The pact page in a browser's eyes, on SQLite and (when configured) PostgreSQL: a V3
//! HTTP pact with matching rules and a generator, then a V4 pact with an HTTP and a
//! message interaction, verified once successfully, once failing as the Rust verifiers
//! report it and once as the Ruby verifier does. The pages show the interactions with
//! their states, bodies and rules, the failing interaction's mismatches, the changes since
//! the previous version; clients still get the JSON on the same URLs.

mod seed;
mod support;

use seed::http::{get, publish};
use serde_json::{json, Value};
use support::{backends, page, TestBroker};

/// `html` with askama's character references (`&#34;`, `&#60;`...) turned back into text,
/// to look for pretty-printed JSON as a person reads it.
fn unescape(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find("&#") {
        out.push_str(&rest[..at]);
        let tail = &rest[at + 2..];
        match tail.find(';').and_then(|end| {
            let c = char::from_u32(tail[..end].parse().ok()?)?;
            Some((c, end))
        }) {
            Some((c, end)) => {
                out.push(c);
                rest = &tail[end + 1..];
            }
            None => {
                out.push_str("&#");
                rest = tail;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The `<section>` of the interaction described `description` (as escaped in the page).
fn section<'a>(html: &'a str, description: &str) -> &'a str {
    let heading = format!("<h3>{description}</h3>");
    let at = html
        .find(&heading)
        .unwrap_or_else(|| panic!("no interaction {description} in {html}"));
    let start = html[..at].rfind("<section").expect("section start");
    let end = at + html[at..].find("</section>").expect("section end");
    &html[start..end]
}

/// From the element with `id` to the next `<h2`, the section of the page it heads.
fn part<'a>(html: &'a str, id: &str) -> &'a str {
    let at = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no #{id} in {html}"));
    let end = html[at + 1..]
        .find("<h2")
        .map_or(html.len(), |e| at + 1 + e);
    &html[at..end]
}

fn v3_pact() -> Value {
    json!({
        "consumer": {"name": "Web"},
        "provider": {"name": "Orders"},
        "interactions": [
            {
                "description": "a request for an order",
                "providerStates": [{"name": "an order exists", "params": {"id": 42}}],
                "request": {
                    "method": "GET", "path": "/orders/42",
                    "query": {"expand": ["items"]},
                    "headers": {"Accept": "application/json"},
                    "matchingRules": {"path": {"matchers": [{"match": "regex", "regex": "/orders/\\d+"}], "combine": "AND"}}
                },
                "response": {
                    "status": 200,
                    "headers": {"Content-Type": "application/json"},
                    "body": {"id": 42, "date": "2026-01-02", "status": "open"},
                    "matchingRules": {
                        "body": {
                            "$.id": {"matchers": [{"match": "type"}], "combine": "AND"},
                            "$.date": {"matchers": [{"match": "date", "format": "yyyy-MM-dd"}], "combine": "AND"}
                        },
                        "header": {"Content-Type": {"matchers": [{"match": "regex", "regex": "application/json.*"}], "combine": "AND"}}
                    },
                    "generators": {"body": {"$.id": {"type": "RandomInt", "min": 1, "max": 1000}}}
                }
            },
            {
                "description": "a request to cancel an order",
                "providerStates": [{"name": "an order exists", "params": {"id": 7}}],
                "request": {"method": "DELETE", "path": "/orders/7"},
                "response": {"status": 204}
            }
        ],
        "metadata": {"pactSpecification": {"version": "3.0.0"}}
    })
}

/// The next consumer version's pact, in V4: the order request with a new status, the
/// cancel gone, an event and an interaction whose description is markup.
fn v4_pact() -> Value {
    json!({
        "consumer": {"name": "Web"},
        "provider": {"name": "Orders"},
        "interactions": [
            {
                "type": "Synchronous/HTTP",
                "description": "a request for an order",
                "providerStates": [{"name": "an order exists", "params": {"id": 42}}],
                "request": {"method": "GET", "path": "/orders/42"},
                "response": {
                    "status": 200,
                    "headers": {"Content-Type": ["application/json"]},
                    "body": {"content": {"id": 42, "date": "2026-01-02", "status": "shipped"},
                             "contentType": "application/json", "encoded": false},
                    "matchingRules": {"body": {"$.id": {"matchers": [{"match": "integer"}], "combine": "AND"}}}
                }
            },
            {
                "type": "Asynchronous/Messages",
                "description": "an order shipped event",
                "providerStates": [{"name": "an order was shipped"}],
                "contents": {"content": {"orderId": 42, "carrier": "DHL"}, "contentType": "application/json", "encoded": false},
                "metadata": {"topic": "orders.shipped"},
                "matchingRules": {"body": {"$.carrier": {"matchers": [{"match": "type"}], "combine": "AND"}}}
            },
            {
                "type": "Synchronous/HTTP",
                "description": "<script>alert('owned')</script> a list of orders",
                "request": {"method": "GET", "path": "/orders"},
                "response": {"status": 200}
            }
        ],
        "metadata": {"pactSpecification": {"version": "4.0"}}
    })
}

/// Posts a verification result body for content `sha`; returns its id.
async fn post_result(base: &str, sha: &str, body: &Value) -> i64 {
    let url = format!(
        "{base}/pacts/provider/Orders/consumer/Web/pact-version/{sha}/verification-results"
    );
    let (status, reply) = seed::http::send(reqwest::Method::POST, &url, Some(body)).await;
    assert_eq!(status, 201, "{reply}");
    let href = reply["_links"]["self"]["href"].as_str().expect("href");
    href.rsplit('/').next().unwrap().parse().expect("id")
}

#[tokio::test]
async fn the_pact_page_shows_interactions_rules_results_and_changes() {
    for backend in backends() {
        let b = TestBroker::start(&backend, "ui-pact", Default::default()).await;
        let url = b.url.clone();
        let pact_url =
            |version: &str| format!("{url}/pacts/provider/Orders/consumer/Web/version/{version}");

        let v3_sha = publish(&url, &v3_pact(), "1.0.0", Some("main"), &[]).await;
        let v4_sha = publish(&url, &v4_pact(), "2.0.0", Some("main"), &["prod"]).await;
        assert_ne!(v3_sha, v4_sha);
        // A version that publishes the same content again.
        let again = publish(&url, &v4_pact(), "2.1.0", Some("main"), &[]).await;
        assert_eq!(again, v4_sha);

        // The JSON is still on the same URL for clients, with the `_id`s results name.
        let (status, served) = get(&pact_url("2.0.0")).await;
        assert_eq!(status, 200, "{served}");
        assert_eq!(
            served["interactions"][0]["description"],
            "a request for an order"
        );
        assert!(served["_links"]["pb:publish-verification-results"].is_object());
        let order_id = served["interactions"][0]["_id"]
            .as_str()
            .expect("_id")
            .to_string();

        // Provider 1.0 passes; 1.1 fails as the Ruby verifier reports it; 1.2, the newest,
        // fails as the Rust verifiers report it.
        let passed = post_result(
            &url,
            &v4_sha,
            &json!({
                "success": true, "providerApplicationVersion": "1.0",
                "buildUrl": "https://ci.example/builds/10",
                "verifiedBy": {"implementation": "cargo-pact", "version": "0.1.0"},
                "testResults": [{"interactionId": order_id, "success": true}],
            }),
        )
        .await;
        let ruby = post_result(&url, &v4_sha, &json!({
            "success": false, "providerApplicationVersion": "1.1",
            "testResults": {
                "tests": [
                    {"testDescription": "has status code 200", "status": "passed",
                     "interactionProviderState": "an order exists", "interactionDescription": "a request for an order"},
                    {"testDescription": "has status code 200", "status": "failed",
                     "interactionProviderState": null,
                     "interactionDescription": "<script>alert('owned')</script> a list of orders",
                     "exception": {"class": "RSpec::Expectations::ExpectationNotMetError",
                                   "message": "\u{1b}[0m\nexpected: 200\n     got: 500\n\n(compared using eql?)\n"}}
                ],
                "summary": {"testCount": 2, "failureCount": 1}
            }
        })).await;
        let rust = post_result(&url, &v4_sha, &json!({
            "success": false, "providerApplicationVersion": "1.2",
            "buildUrl": "https://ci.example/builds/12",
            "testResults": [
                {"interactionId": order_id, "interactionDescription": "a request for an order", "success": false,
                 "mismatches": [{"attribute": "body", "identifier": "$.status",
                                 "description": "Expected 'shipped' (String) but received 'open' (String)"}]},
                {"interactionId": "0000", "interactionDescription": "an interaction since removed", "success": false,
                 "mismatches": [{"attribute": "status", "description": "expected 200 but was 404"}]}
            ]
        })).await;

        // The V4 page.
        let (status, html, headers) = page(&pact_url("2.0.0")).await;
        assert_eq!(status, 200, "{html}");
        assert!(headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html"));
        assert!(html.contains("<h1>Web → Orders</h1>"), "{html}");
        assert!(
            html.contains("<code id=\"consumer-version\">2.0.0</code>"),
            "{html}"
        );
        assert!(
            html.contains(&format!("<code id=\"content-sha\">{v4_sha}</code>")),
            "{html}"
        );
        assert!(
            html.contains("<dd id=\"pact-specification\">4.0</dd>"),
            "{html}"
        );
        assert!(
            html.contains("<time datetime=\"20") && html.contains("title=\"20"),
            "{html}"
        );
        assert!(
            html.contains(&format!(
                "href=\"{url}/matrix/provider/Orders/consumer/Web\""
            )),
            "{html}"
        );
        assert!(
            html.contains(&format!("href=\"{}\"", pact_url("2.0.0"))),
            "the JSON's URL: {html}"
        );
        assert!(html.contains("HAL JSON"), "{html}");

        // The order request, its state with params, its V4 body pretty, its rule.
        let order = section(&html, "a request for an order");
        assert!(order.contains("an order exists"), "{order}");
        assert!(
            order.contains("<code class=\"param\">id = 42</code>"),
            "{order}"
        );
        let order_text = unescape(order);
        assert!(
            order_text.contains(
                "{\n  \"date\": \"2026-01-02\",\n  \"id\": 42,\n  \"status\": \"shipped\"\n}"
            ),
            "{order_text}"
        );
        assert!(
            order.contains("<li class=\"rule\"><code>$.id</code> — integer</li>"),
            "{order}"
        );
        // It failed in the latest verification (1.2), with the Rust verifier's mismatch.
        assert!(
            order.starts_with("<section class=\"interaction has-failure\""),
            "{order}"
        );
        assert!(
            order.contains("provider version <code>1.2</code>"),
            "{order}"
        );
        assert!(
            order_text.contains("<li class=\"mismatch\"><strong>body</strong> <code>$.status</code>: <span class=\"mismatch-text\">Expected 'shipped' (String) but received 'open' (String)</span></li>"),
            "{order_text}"
        );

        // The message, with its contents, metadata and rule.
        let event = section(&html, "an order shipped event");
        assert!(
            event.starts_with("<section class=\"interaction\""),
            "{event}"
        );
        assert!(event.contains("Asynchronous message"), "{event}");
        assert!(event.contains("an order was shipped"), "{event}");
        assert!(
            unescape(event).contains("{\n  \"carrier\": \"DHL\",\n  \"orderId\": 42\n}"),
            "{event}"
        );
        assert!(
            event.contains("<code>topic</code></th><td><code>orders.shipped</code>"),
            "{event}"
        );
        assert!(event.contains("<code>$.carrier</code> — type"), "{event}");

        // Markup from the pact is text on the page.
        assert!(!html.contains("<script"), "{html}");
        assert!(
            html.contains(
                "<h3>&#60;script&#62;alert(&#39;owned&#39;)&#60;/script&#62; a list of orders</h3>"
            ),
            "{html}"
        );

        // The verifications: newest first, one state each, with build and result links.
        let verifications = part(&html, "verifications");
        let rows: Vec<&str> = verifications
            .split("<tr class=\"verification\" data-provider-version=\"")
            .skip(1)
            .collect();
        assert_eq!(rows.len(), 3, "{verifications}");
        assert!(
            rows[0].starts_with("1.2\"")
                && rows[0].contains("<span class=\"state state-failed\">failed</span>"),
            "{}",
            rows[0]
        );
        assert!(
            rows[1].starts_with("1.1\"") && rows[1].contains("state-failed"),
            "{}",
            rows[1]
        );
        assert!(
            rows[2].starts_with("1.0\"")
                && rows[2].contains("<span class=\"state state-verified\">verified</span>"),
            "{}",
            rows[2]
        );
        assert!(
            rows[2].contains("<a href=\"https://ci.example/builds/10\">build</a>"),
            "{}",
            rows[2]
        );
        assert!(rows[2].contains("by cargo-pact 0.1.0"), "{}", rows[2]);
        for (row, id) in [(rows[0], rust), (rows[1], ruby), (rows[2], passed)] {
            let href = format!("{url}/pacts/provider/Orders/consumer/Web/pact-version/{v4_sha}/verification-results/{id}");
            assert!(
                row.contains(&format!("<a href=\"{href}\">result</a>")),
                "{row}"
            );
            let (status, body) = get(&href).await;
            assert_eq!(status, 200, "{body}");
        }
        // The Rust failure's results: the order's mismatch, and the result about no interaction.
        let rust_results = unescape(rows[0]);
        assert!(
            rust_results.contains("<a href=\"#interaction-1\">a request for an order</a>"),
            "{rust_results}"
        );
        assert!(rust_results.contains("an interaction since removed <span class=\"muted\">(matches no interaction of this pact)</span>"), "{rust_results}");
        assert!(
            rust_results.contains("expected 200 but was 404"),
            "{rust_results}"
        );
        // The Ruby failure's, grouped by interaction, the message without colour codes.
        let ruby_results = unescape(rows[1]);
        assert!(
            ruby_results.contains("(2 tests, 1 failed)"),
            "{ruby_results}"
        );
        assert!(
            ruby_results.contains(
                "<a href=\"#interaction-3\"><script>alert('owned')</script> a list of orders</a>"
            ),
            "{ruby_results}"
        );
        assert!(
            ruby_results.contains("<strong>has status code 200</strong>: <span class=\"mismatch-text\">expected: 200\n     got: 500\n\n(compared using eql?)</span>"),
            "{ruby_results}"
        );
        assert!(!html.contains('\u{1b}'), "colour codes are stripped");
        // The success lists no per-interaction results.
        assert!(!rows[2].contains("test-results"), "{}", rows[2]);

        // The changes since 1.0.0: the event and the markup added, the cancel removed, the
        // order request changed in its request and response, side by side.
        let changes = part(&html, "changes");
        assert!(
            changes.contains(&format!(
                "<a href=\"{}\"><code>1.0.0</code></a>",
                pact_url("1.0.0")
            )),
            "{changes}"
        );
        assert!(
            changes.contains("2 added, 1 removed, 1 changed, 0 unchanged"),
            "{changes}"
        );
        let added = &changes[changes.find("changes-added").expect("added")..];
        let added = &added[..added.find("</ul>").unwrap()];
        assert!(added.contains("<a href=\"#interaction-2\">an order shipped event</a> <span class=\"muted\">given an order was shipped</span>"), "{added}");
        assert!(added.contains("&#60;script&#62;"), "{added}");
        assert!(changes.contains("<ul class=\"changes-removed\"><li>a request to cancel an order <span class=\"muted\">given an order exists</span></li></ul>"), "{changes}");
        let changed = unescape(&changes[changes.find("<h3>Changed</h3>").expect("changed")..]);
        assert!(
            changed.contains("<a href=\"#interaction-1\">a request for an order</a>"),
            "{changed}"
        );
        for field in [
            "request.query",
            "request.headers",
            "request.matchingRules",
            "response.body",
            "response.generators",
        ] {
            assert!(
                changed.contains(&format!("<h5><code>{field}</code></h5>")),
                "{field}: {changed}"
            );
        }
        let body_change = &changed[changed.find("<code>response.body</code>").unwrap()..];
        let body_change = &body_change[..body_change.find("</div>\n  </div>").unwrap()];
        assert!(body_change.contains("version 1.0.0</p><pre class=\"old\">{\n  \"date\": \"2026-01-02\",\n  \"id\": 42,\n  \"status\": \"open\"\n}</pre>"), "{body_change}");
        // The V4 body reads as its content, so only what the consumer expects differs.
        assert!(body_change.contains("version 2.0.0</p><pre class=\"new\">{\n  \"date\": \"2026-01-02\",\n  \"id\": 42,\n  \"status\": \"shipped\"\n}</pre>"), "{body_change}");
        assert!(
            !changed.contains("<code>response.headers</code>"),
            "one header value written as a list is the same: {changed}"
        );

        // The V3 page: the first version, with V3 rules beside their values.
        let (status, html, _) = page(&pact_url("1.0.0")).await;
        assert_eq!(status, 200, "{html}");
        assert!(
            html.contains("<dd id=\"pact-specification\">3.0.0</dd>"),
            "{html}"
        );
        assert!(html.contains("id=\"changes-none\""), "{html}");
        assert!(
            html.contains("No provider version has verified this content yet."),
            "{html}"
        );
        assert!(!html.contains("has-failure"), "{html}");
        let order = section(&html, "a request for an order");
        let order_text = unescape(order);
        assert!(
            order_text.contains(
                "<code class=\"method\">GET</code> <code class=\"path\">/orders/42</code>"
            ),
            "{order_text}"
        );
        assert!(
            order_text.contains("<li class=\"rule\">regex <code>/orders/\\d+</code></li>"),
            "{order_text}"
        );
        assert!(
            order_text.contains("<th scope=\"row\"><code>expand</code></th><td><code>items</code>"),
            "{order_text}"
        );
        assert!(
            order_text.contains("<li class=\"rule\"><code>$.id</code> — type</li>"),
            "{order_text}"
        );
        assert!(
            order_text.contains(
                "<li class=\"rule\"><code>$.date</code> — date <code>yyyy-MM-dd</code></li>"
            ),
            "{order_text}"
        );
        assert!(order_text.contains("<li class=\"rule\"><code>$.id</code> — generated by RandomInt <code>min 1, max 1000</code></li>"), "{order_text}");
        assert!(order_text.contains("<code>Content-Type</code></th><td><code>application/json</code><ul class=\"rules\"><li class=\"rule\"><code>Content-Type</code> — regex <code>application/json.*</code></li>"), "{order_text}");
        assert!(
            order_text.contains(
                "{\n  \"date\": \"2026-01-02\",\n  \"id\": 42,\n  \"status\": \"open\"\n}"
            ),
            "{order_text}"
        );
        let cancel = section(&html, "a request to cancel an order");
        assert!(
            cancel.contains("<code class=\"param\">id = 7</code>"),
            "{cancel}"
        );
        assert!(
            cancel.contains("<code class=\"status\">204</code>"),
            "{cancel}"
        );

        // The same content published again reads as identical.
        let (status, html, _) = page(&pact_url("2.1.0")).await;
        assert_eq!(status, 200, "{html}");
        assert!(html.contains("id=\"changes-identical\""), "{html}");
        assert!(
            html.contains(&format!(
                "<a href=\"{}\"><code>2.0.0</code></a>",
                pact_url("2.0.0")
            )),
            "{html}"
        );

        // The other URLs of a pact show the same page; clients get JSON on each.
        for (path, version) in [
            ("latest", "2.1.0"),
            ("latest/prod", "2.0.0"),
            (&format!("pact-version/{v4_sha}") as &str, "2.1.0"),
        ] {
            let u = format!("{url}/pacts/provider/Orders/consumer/Web/{path}");
            let (status, html, _) = page(&u).await;
            assert_eq!(status, 200, "{path}: {html}");
            assert!(
                html.contains(&format!("<code id=\"consumer-version\">{version}</code>")),
                "{path}: {html}"
            );
            assert!(html.contains("a request for an order"), "{path}");
            let (status, json, headers) =
                support::send(&reqwest::Client::new(), "GET", &u, None).await;
            assert_eq!(status, 200, "{path}: {json}");
            assert!(support::hal(&headers), "{path}: {headers:?}");
            assert_eq!(
                json["interactions"].as_array().map(Vec::len),
                Some(3),
                "{path}"
            );
        }

        // A missing pact is a 404 page.
        for path in ["version/9.9.9", "latest/nope", "pact-version/0000"] {
            let (status, html, headers) =
                page(&format!("{url}/pacts/provider/Orders/consumer/Web/{path}")).await;
            assert_eq!(status, 404, "{path}: {html}");
            assert!(headers["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/html"));
            assert!(
                html.contains("<h1>404 Not found</h1>")
                    && html.contains("No pact between Web and Orders"),
                "{html}"
            );
        }
        let (status, html, _) =
            page(&format!("{url}/pacts/provider/Nobody/consumer/Web/latest")).await;
        assert_eq!(status, 404, "{html}");

        b.stop().await;
    }
}

#[tokio::test]
async fn message_pacts_and_pacts_the_verifiers_cannot_read_still_render() {
    for backend in backends() {
        let b = TestBroker::start(&backend, "ui-pact-odd", Default::default()).await;
        let url = b.url.clone();
        let messages = json!({
            "consumer": {"name": "Worker"}, "provider": {"name": "Orders"},
            "messages": [{
                "description": "an order placed message",
                "providerStates": [{"name": "an order", "params": {"total": 9.5}}],
                "contents": {"orderId": 1},
                "metaData": {"contentType": "application/json", "queue": "orders"},
                "matchingRules": {"body": {"$.orderId": {"matchers": [{"match": "integer"}]}}}
            }],
            "metadata": {"pactSpecification": {"version": "3.0.0"}}
        });
        publish(&url, &messages, "1", None, &[]).await;
        let (status, html, _) = page(&format!(
            "{url}/pacts/provider/Orders/consumer/Worker/latest"
        ))
        .await;
        assert_eq!(status, 200, "{html}");
        let m = section(&html, "an order placed message");
        assert!(m.contains("Asynchronous message"), "{m}");
        assert!(
            m.contains("<code class=\"param\">total = 9.5</code>"),
            "{m}"
        );
        assert!(unescape(m).contains("{\n  \"orderId\": 1\n}"), "{m}");
        assert!(
            m.contains("<code>queue</code></th><td><code>orders</code>"),
            "{m}"
        );
        assert!(m.contains("<code>$.orderId</code> — integer"), "{m}");

        let odd = json!({
            "consumer": {"name": "Odd"}, "provider": {"name": "Orders"},
            "interactions": [
                {"type": "Carrier/Pigeon", "description": "a pigeon", "coo": true},
                "not an interaction",
                {"description": "no response", "request": {"method": "GET", "path": "/"}},
                {"description": "fine", "request": {"method": "GET", "path": "/ok"}, "response": {"status": 200,
                 "matchingRules": {"body": {"$.a": {"matchers": [{"match": "fromTheFuture", "level": 3}]}}},
                 "body": {"a": 1}}}
            ],
            "metadata": {"pactSpecification": {"version": "4.0"}}
        });
        publish(&url, &odd, "1", None, &[]).await;
        let (status, html, _) =
            page(&format!("{url}/pacts/provider/Orders/consumer/Odd/latest")).await;
        assert_eq!(status, 200, "{html}");
        let pigeon = section(&html, "a pigeon");
        assert!(pigeon.contains("Unknown kind"), "{pigeon}");
        assert!(pigeon.contains("Pact verifiers cannot read it"), "{pigeon}");
        assert!(
            unescape(pigeon).contains("\"coo\": true"),
            "the raw JSON: {pigeon}"
        );
        assert!(unescape(&html).contains("\"not an interaction\""), "{html}");
        let missing = section(&html, "no response");
        assert!(
            missing.contains("The interaction as published"),
            "{missing}"
        );
        let fine = section(&html, "fine");
        assert!(
            unescape(fine).contains("<code>$.a</code> — fromTheFuture <code>{\"level\":3}</code>"),
            "{fine}"
        );
        b.stop().await;
    }
}
