//! The network pages in a browser's eyes: the whole system and one pacticipant's
//! neighbourhood, each an inline SVG with an arrow per integration coloured and titled by
//! its last verified state and linking to its pact, boxes linking to each pacticipant's
//! network, and the same edges as a table.

mod seed;
mod support;

use seed::http::{publish, verify};
use support::{backends, pact, page, TestBroker};

/// One arrow of the graph, as the SVG has it.
#[derive(Debug)]
struct Arrow {
    consumer: String,
    provider: String,
    slug: String,
    href: String,
    title: String,
    stroke: String,
    dashed: bool,
}

/// `text` with the entities askama and the SVG writer produce decoded.
fn unescape(text: &str) -> String {
    text.replace("&#38;", "&")
        .replace("&amp;", "&")
        .replace("&#39;", "'")
        .replace("&#34;", "\"")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
}

/// The value of attribute `name` in `tag` (the first one), unescaped.
fn attr(tag: &str, name: &str) -> String {
    let key = format!(" {name}=\"");
    let at = tag
        .find(&key)
        .unwrap_or_else(|| panic!("no {name} in {tag}"));
    let rest = &tag[at + key.len()..];
    unescape(&rest[..rest.find('"').unwrap()])
}

/// The arrows of the page's SVG.
fn arrows(html: &str) -> Vec<Arrow> {
    let svg = svg(html);
    svg.split("<a href=\"")
        .skip(1)
        .filter(|a| a.contains("class=\"edge "))
        .map(|a| {
            let a = &a[..a.find("</a>").expect("edge end")];
            let tag = format!(" href=\"{a}");
            let title = &a[a.find("<title>").unwrap() + 7..a.find("</title>").unwrap()];
            let path = &a[a.find("<path ").unwrap()..];
            let path = &path[..path.find("/>").unwrap()];
            Arrow {
                consumer: attr(&tag, "data-consumer"),
                provider: attr(&tag, "data-provider"),
                slug: attr(&tag, "class")
                    .trim_start_matches("edge edge-")
                    .to_string(),
                href: attr(&tag, "href"),
                title: unescape(title),
                stroke: attr(path, "stroke"),
                dashed: path.contains("stroke-dasharray"),
            }
        })
        .collect()
}

/// The hrefs of the graph's boxes, by pacticipant name.
fn boxes(html: &str) -> Vec<(String, String)> {
    svg(html)
        .split("<a href=\"")
        .skip(1)
        .filter(|a| a.contains("class=\"node\""))
        .map(|a| {
            let tag = format!(" href=\"{a}");
            (attr(&tag, "data-name"), attr(&tag, "href"))
        })
        .collect()
}

/// The inline SVG element of the page.
fn svg(html: &str) -> &str {
    let start = html
        .find("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"network\"")
        .unwrap_or_else(|| panic!("no inline network SVG in {html}"));
    let end = html[start..].find("</svg>").expect("svg end");
    &html[start..start + end + 6]
}

/// The (consumer, provider, state) of each row of the table under the graph.
fn table(html: &str) -> Vec<(String, String, String)> {
    let Some(at) = html.find("<table id=\"network-edges\"") else {
        return Vec::new();
    };
    let body = &html[at..at + html[at..].find("</table>").unwrap()];
    body.split("<tr data-consumer=\"")
        .skip(1)
        .map(|r| {
            let tag = format!(" data-consumer=\"{r}");
            (
                attr(&tag, "data-consumer"),
                attr(&tag, "data-provider"),
                attr(&tag, "data-state"),
            )
        })
        .collect()
}

#[tokio::test]
async fn the_network_draws_every_integration_in_its_state_and_each_pacticipant_its_own() {
    for backend in backends() {
        let b = TestBroker::start(&backend, "ui-network", Default::default()).await;
        let url = b.url.clone();
        // "C & Co" needs escaping in the page and encoding in its links.
        let c = "C & Co";
        let c_path = "C%20%26%20Co";
        let ab = publish(&url, &pact("A", "B", &["get b"]), "1.0.0", None, &[]).await;
        let ac = publish(&url, &pact("A", c, &["get c"]), "1.0.0", None, &[]).await;
        publish(&url, &pact(c, "B", &["get b from c"]), "7", None, &[]).await;
        verify(&url, "B", "A", &ab, "2.0", true).await;
        verify(&url, c_path, "A", &ac, "3.1", false).await;

        let (status, html, headers) = page(&format!("{url}/network")).await;
        assert_eq!(status, 200, "{} {html}", backend.name());
        assert_eq!(headers["content-type"], "text/html; charset=utf-8");
        assert!(html.contains("aria-current=\"page\">Network</a>"), "{html}");
        let graph = svg(&html);
        assert!(graph.contains("role=\"img\" aria-labelledby=\"network-graph-title\""));
        assert!(
            graph.contains("<title id=\"network-graph-title\">The network: 3 pacticipants, 3 integrations</title>"),
            "{graph}"
        );
        let mut all = arrows(&html);
        all.sort_by(|x, y| (&x.consumer, &x.provider).cmp(&(&y.consumer, &y.provider)));
        assert_eq!(all.len(), 3, "{all:?}");
        let (to_b, to_c, c_to_b) = (&all[0], &all[1], &all[2]);
        assert_eq!((to_b.consumer.as_str(), to_b.provider.as_str()), ("A", "B"));
        assert_eq!(to_b.slug, "verified");
        assert_eq!(to_b.title, "A \u{2192} B: verified");
        assert_eq!(to_b.stroke, "#1a7f37");
        assert!(!to_b.dashed);
        assert_eq!(
            to_b.href,
            format!("{url}/pacts/provider/B/consumer/A/latest")
        );

        assert_eq!(to_c.provider, "C & Co");
        assert_eq!(
            to_c.slug, "pending",
            "failed, never verified before: {to_c:?}"
        );
        assert_eq!(to_c.title, "A \u{2192} C & Co: failed (pending)");
        assert_eq!(to_c.stroke, "#c62828");
        assert!(to_c.dashed);
        assert_eq!(
            to_c.href,
            format!("{url}/pacts/provider/{c_path}/consumer/A/latest")
        );

        assert_eq!(c_to_b.consumer, "C & Co");
        assert_eq!(c_to_b.slug, "unverified");
        assert_eq!(c_to_b.title, "C & Co \u{2192} B: never verified");
        assert_eq!(c_to_b.stroke, "#57606a");
        assert_eq!(
            c_to_b.href,
            format!("{url}/pacts/provider/B/consumer/{c_path}/latest")
        );

        // The arrows link to pacts the broker serves.
        let (status, _) = seed::http::get(&to_c.href).await;
        assert_eq!(status, 200, "{}", to_c.href);

        let mut nodes = boxes(&html);
        nodes.sort();
        assert_eq!(
            nodes,
            vec![
                ("A".to_string(), format!("{url}/pacticipants/A/network")),
                ("B".to_string(), format!("{url}/pacticipants/B/network")),
                (
                    "C & Co".to_string(),
                    format!("{url}/pacticipants/{c_path}/network")
                ),
            ]
        );
        // The legend names all five states beside their colours; the table says the same
        // as the arrows in words.
        for (slug, word) in [
            ("verified", "verified"),
            ("failed", "failed"),
            ("pending", "failed (pending)"),
            ("changed", "changed"),
            ("unverified", "never verified"),
        ] {
            let item = format!("<li data-state=\"{slug}\">");
            let at = html
                .find(&item)
                .unwrap_or_else(|| panic!("no legend {slug}: {html}"));
            let li = &html[at..at + html[at..].find("</li>").unwrap()];
            assert!(li.ends_with(&format!("</svg> {word}")), "{li}");
        }
        assert!(html.contains("<li data-state=\"changed\"><svg width=\"36\" height=\"10\" aria-hidden=\"true\" focusable=\"false\"><line x1=\"0\" y1=\"5\" x2=\"36\" y2=\"5\" stroke=\"#b08800\""));
        let rows = table(&html);
        let row = |c: &str, p: &str, s: &str| (c.to_string(), p.to_string(), s.to_string());
        assert_eq!(
            rows,
            vec![
                row("A", "B", "verified"),
                row("A", "C & Co", "pending"),
                row("C & Co", "B", "unverified"),
            ]
        );
        assert!(html.contains("<span class=\"state state-pending\">failed (pending)</span>"));

        // A's network: its integrations with B and C, not C's with B.
        let (status, html, _) = page(&format!("{url}/pacticipants/A/network")).await;
        assert_eq!(status, 200, "{html}");
        assert!(html.contains("<h1>Network of A</h1>"), "{html}");
        let mut mine: Vec<(String, String, String)> = arrows(&html)
            .into_iter()
            .map(|a| (a.consumer, a.provider, a.slug))
            .collect();
        mine.sort();
        assert_eq!(
            mine,
            vec![row("A", "B", "verified"), row("A", "C & Co", "pending")]
        );
        assert_eq!(table(&html), mine);
        assert_eq!(boxes(&html).len(), 3);
        assert_eq!(
            svg(&html).matches("fill=\"#ddf4ff\"").count(),
            1,
            "A highlighted"
        );

        // C's: its pact with B and A's with it, by its encoded name.
        let (status, html, _) = page(&format!("{url}/pacticipants/{c_path}/network")).await;
        assert_eq!(status, 200, "{html}");
        assert!(html.contains("<h1>Network of C &#38; Co</h1>"), "{html}");
        let mut theirs: Vec<(String, String)> = arrows(&html)
            .into_iter()
            .map(|a| (a.consumer, a.provider))
            .collect();
        theirs.sort();
        assert_eq!(
            theirs,
            vec![
                ("A".to_string(), "C & Co".to_string()),
                ("C & Co".to_string(), "B".to_string())
            ]
        );

        // An unknown pacticipant is a 404 page; clients get no page at these URLs.
        let (status, html, headers) = page(&format!("{url}/pacticipants/Nobody/network")).await;
        assert_eq!(status, 404, "{html}");
        assert_eq!(headers["content-type"], "text/html; charset=utf-8");
        assert!(
            unescape(&html).contains("No pacticipant with name 'Nobody' found"),
            "{html}"
        );
        let (status, _) = seed::http::get(&format!("{url}/network")).await;
        assert_eq!(status, 404, "the API has nothing at /network");
        b.stop().await;
    }
}

#[tokio::test]
async fn an_empty_broker_and_a_pacticipant_without_pacts_have_pages_too() {
    for backend in backends() {
        let b = TestBroker::start(&backend, "ui-network-empty", Default::default()).await;
        let url = b.url.clone();
        let (status, html, _) = page(&format!("{url}/network")).await;
        assert_eq!(status, 200, "{html}");
        assert!(html.contains("id=\"no-integrations\""), "{html}");
        assert!(!html.contains("<svg xmlns"), "no graph of nothing: {html}");

        // A pacticipant created without any pact: itself alone.
        let (status, body) = seed::http::send(
            reqwest::Method::POST,
            &format!("{url}/pacticipants"),
            Some(&serde_json::json!({"name": "Lonely"})),
        )
        .await;
        assert!(status == 200 || status == 201, "{status} {body}");
        let (status, html, _) = page(&format!("{url}/pacticipants/Lonely/network")).await;
        assert_eq!(status, 200, "{html}");
        assert!(arrows(&html).is_empty());
        assert_eq!(
            boxes(&html),
            vec![(
                "Lonely".to_string(),
                format!("{url}/pacticipants/Lonely/network")
            )]
        );
        assert!(table(&html).is_empty());
        b.stop().await;
    }
}
